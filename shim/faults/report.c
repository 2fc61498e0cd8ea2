/* The fault lines of the event log (log.c owns the file) and the exit
 * summary (see report.h).  The summary's first line names the build
 * (core/version.h). */
#include "faults/report.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/shim.h"
#include "core/version.h"
#include "faults/env.h"
#include "faults/log.h"

static _Atomic bool fired_here; /* this process (not a fork parent) injected a fault */
static bool forked_child;      /* set in the atfork child handler only */
static uint64_t matched_at_fork; /* rule matches inherited from the parent */
/* With the full log: each rule's counters as the fork that made this
 * process left them, so its exit line counts only its own calls.  Grown in
 * the parent's prepare handler (no malloc in the child), filled in the
 * child's; only the forking thread touches them. */
static uint64_t *base_matched, *base_fired;
static unsigned base_n;    /* allocated length */
static unsigned base_used; /* filled (a fork child's); 0 in the first process */

void sf_report_fault(const struct sf_call_ctx *c, const struct sf_verdict *v, long result)
{
	int saved = errno;
	atomic_store_explicit(&fired_here, true, memory_order_relaxed);
	if (!sf_config.log_path)
		goto out;
	char peer[96] = "null", name[300] = "", res[64];
	if (c->s) {
		struct sockaddr_storage a;
		socklen_t len;
		pthread_mutex_lock(&c->s->lock);
		a = c->s->peer;
		len = c->s->peer_len;
		pthread_mutex_unlock(&c->s->lock);
		if (!len && c->to) {
			len = c->to->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							    : sizeof(struct sockaddr_in);
			memcpy(&a, c->to, len);
		}
		sf_log_addr(&a, len, peer, sizeof(peer));
	}
	if (c->name) {
		char esc[256];
		sf_log_escape(c->name, esc, sizeof(esc));
		snprintf(name, sizeof(name), ",\"name\":\"%s\"", esc);
	}
	/* Resolver results are EAI_* / h_errno codes, not errnos. */
	if (result < 0 && sf_call_family[c->call] != SF_FAM_resolve && sf_errno_name((int)-result))
		snprintf(res, sizeof(res), "-1,\"errno\":\"%s\"", sf_errno_name((int)-result));
	else
		snprintf(res, sizeof(res), "%ld", result);
	char line[1024];
	int n = sf_log_begin(line, sizeof(line), "fault", c->fd, c->s);
	sf_log_append(line, sizeof(line), &n,
		      ",\"rule\":%u,\"line\":%u,\"call\":\"%s\",\"peer\":%s%s,\"count\":%" PRIu64
		      ",\"action\":\"%s\",\"result\":%s}\n",
		      v->rule->id, v->rule->line, sf_call_names[c->call], peer, name, v->count,
		      sf_action_names[v->rule->action], res);
	if (line[n - 1] == '\n')
		sf_log_write(line, (size_t)n);
out:
	errno = saved;
}

static void summary_line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void summary_line(int fd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		sf_log_write_all(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void sf_report_summary(void)
{
	const struct sf_scenario *sc = &sf_config.scenario;
	if (!sf_config.has_scenario || !sc->nrules)
		return;
	/* Only the process `sockfault run` started (or, with a bare
	 * LD_PRELOAD, any process) prints the full summary; helpers it runs
	 * (shell wrappers, forked workers) print only if a rule matched one of
	 * their own calls. */
	uint64_t matched = 0;
	for (unsigned i = 0; i < sc->nrules; i++)
		matched += sf_fault_matched(i);
	bool home = sf_config.run_pid ? getpid() == sf_config.run_pid : !forked_child;
	if (!home && matched == matched_at_fork)
		return;
	int saved = errno, fd = 2;
	if (sf_config.summary_path) {
		fd = open(sf_config.summary_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0) {
			sf_env_message("sockfault: SOCKFAULT_SUMMARY=%s: %s", sf_config.summary_path,
				       strerror(errno));
			fd = 2;
		}
	}
	summary_line(fd, "sockfault: summary for pid %d, scenario %s, seed %" PRIu64 " (sockfault " SF_VERSION
			 "%s%s)\n",
		     (int)getpid(), sc->path, sf_config.seed, SF_GIT_REVISION[0] ? ", git " : "", SF_GIT_REVISION);
	for (unsigned i = 0; i < sc->nrules; i++) {
		const struct sf_rule *r = &sc->rules[i];
		uint64_t m = sf_fault_matched(i), f = sf_fault_fired(i);
		if (f)
			summary_line(fd, "sockfault:   rule %u (line %u) %s: fired %" PRIu64 " of %" PRIu64
					 " matching calls\n",
				     r->id, r->line, sf_action_names[r->action], f, m);
		else
			summary_line(fd, "sockfault: warning: rule %u (line %u) %s never fired (%" PRIu64
					 " matching calls)\n",
				     r->id, r->line, sf_action_names[r->action], m);
	}
	if (fd != 2)
		sf_libc()->close(fd);
	errno = saved;
}

void sf_report_exit_counts(void)
{
	/* A process that logged nothing (a shell, a helper) has no lane. */
	if (!sf_log_has_written())
		return;
	const struct sf_scenario *sc = &sf_config.scenario;
	char line[4096];
	int n = sf_log_begin(line, sizeof(line), "exit", -1, NULL);
	sf_log_append(line, sizeof(line), &n, ",\"rules\":[");
	for (unsigned i = 0; sf_config.has_scenario && i < sc->nrules; i++) {
		uint64_t m = sf_fault_matched(i), f = sf_fault_fired(i);
		if (i < base_used) {
			m -= base_matched[i];
			f -= base_fired[i];
		}
		sf_log_append(line, sizeof(line), &n, "%s{\"rule\":%u,\"line\":%u,\"matched\":%" PRIu64
			      ",\"fired\":%" PRIu64 "}", i ? "," : "", sc->rules[i].id, sc->rules[i].line, m, f);
	}
	sf_log_append(line, sizeof(line), &n, "]}\n");
	/* A scenario too long for one line says so rather than break it. */
	if (line[n - 1] != '\n') {
		n = sf_log_begin(line, sizeof(line), "exit", -1, NULL);
		sf_log_append(line, sizeof(line), &n, ",\"rules\":null}\n");
	}
	sf_log_write(line, (size_t)n);
}

void sf_report_atfork_prepare(void)
{
	unsigned want = sf_config.has_scenario ? sf_config.scenario.nrules : 0;
	if (!sf_config.log_all || want <= base_n)
		return;
	uint64_t *m = realloc(base_matched, want * sizeof(*m));
	if (m)
		base_matched = m;
	uint64_t *f = realloc(base_fired, want * sizeof(*f));
	if (f)
		base_fired = f;
	if (m && f)
		base_n = want;
}

void sf_report_atfork_child(void)
{
	forked_child = true;
	atomic_store(&fired_here, false);
	const struct sf_scenario *sc = &sf_config.scenario;
	matched_at_fork = 0;
	for (unsigned i = 0; sf_config.has_scenario && i < sc->nrules; i++)
		matched_at_fork += sf_fault_matched(i);
	base_used = 0;
	for (unsigned i = 0; i < base_n && sf_config.has_scenario && i < sc->nrules; i++) {
		base_matched[i] = sf_fault_matched(i);
		base_fired[i] = sf_fault_fired(i);
		base_used = i + 1;
	}
}
