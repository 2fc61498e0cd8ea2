/* The event log and the exit summary (see report.h).  The log file is
 * opened on the first fault, O_APPEND so that forked and exec'd processes of
 * one run interleave whole lines, O_CLOEXEC so it never leaks into programs
 * the target runs.  Both say which build wrote them (core/version.h): each
 * process that opens the log writes a header line first, and the summary's
 * first line names the version. */
#include "faults/report.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/shim.h"
#include "core/version.h"
#include "faults/env.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER; /* leaf lock */
static int log_fd = -1;        /* guarded by log_lock */
static bool log_failed;        /* guarded by log_lock: reported once */
static _Atomic bool fired_here; /* this process (not a fork parent) injected a fault */
static bool forked_child;      /* set in the atfork child handler only */
static uint64_t matched_at_fork; /* rule matches inherited from the parent */

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = sf_libc()->write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* "git":"REV" for the header lines, or nothing outside a clone. */
static const char *build_json(void)
{
	return SF_GIT_REVISION[0] ? ",\"git\":\"" SF_GIT_REVISION "\"" : "";
}

static void format_addr(const struct sockaddr_storage *a, socklen_t len, char *out, size_t outlen)
{
	char host[INET6_ADDRSTRLEN];
	if (len && a->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)a;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(out, outlen, "\"%s:%u\"", host, ntohs(in->sin_port));
	} else if (len && a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(out, outlen, "\"[%s]:%u\"", host, ntohs(in6->sin6_port));
	} else {
		snprintf(out, outlen, "null");
	}
}

/* JSON string body: the only strings we log are names, paths and globs. */
static void json_escape(const char *s, char *out, size_t outlen)
{
	size_t o = 0;
	for (; s && *s && o + 7 < outlen; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20) {
			o += (size_t)snprintf(out + o, outlen - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = 0;
}

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
		format_addr(&a, len, peer, sizeof(peer));
	}
	if (c->name) {
		char esc[256];
		json_escape(c->name, esc, sizeof(esc));
		snprintf(name, sizeof(name), ",\"name\":\"%s\"", esc);
	}
	/* Resolver results are EAI_* / h_errno codes, not errnos. */
	if (result < 0 && sf_call_family[c->call] != SF_FAM_resolve && sf_errno_name((int)-result))
		snprintf(res, sizeof(res), "-1,\"errno\":\"%s\"", sf_errno_name((int)-result));
	else
		snprintf(res, sizeof(res), "%ld", result);
	char line[1024];
	int n = snprintf(line, sizeof(line),
			 "{\"time\":%.6f,\"pid\":%d,\"tid\":%ld,\"rule\":%u,\"line\":%u,\"call\":\"%s\","
			 "\"fd\":%d,\"peer\":%s%s,\"count\":%" PRIu64 ",\"action\":\"%s\",\"result\":%s}\n",
			 (double)(sf_now_ns() - sf_config.start_ns) / 1e9, (int)getpid(),
			 (long)syscall(SYS_gettid), v->rule->id, v->rule->line, sf_call_names[c->call], c->fd,
			 peer, name, v->count, sf_action_names[v->rule->action], res);
	if (n <= 0)
		goto out;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	pthread_mutex_lock(&log_lock);
	if (log_fd < 0 && !log_failed) {
		log_fd = open(sf_config.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (log_fd < 0) {
			log_failed = true;
			sf_env_message("sockfault: SOCKFAULT_LOG=%s: %s", sf_config.log_path, strerror(errno));
		} else {
			char head[600], esc[400];
			json_escape(sf_config.scenario.path, esc, sizeof(esc));
			int h = snprintf(head, sizeof(head),
					 "{\"sockfault\":\"" SF_VERSION "\"%s,\"pid\":%d,\"scenario\":\"%s\","
					 "\"seed\":%" PRIu64 "}\n",
					 build_json(), (int)getpid(), esc, sf_config.seed);
			if (h > 0)
				write_all(log_fd, head, (size_t)h < sizeof(head) ? (size_t)h : sizeof(head) - 1);
		}
	}
	if (log_fd >= 0)
		write_all(log_fd, line, (size_t)n);
	pthread_mutex_unlock(&log_lock);
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
		write_all(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
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

void sf_report_atfork_prepare(void) { pthread_mutex_lock(&log_lock); }
void sf_report_atfork_parent(void) { pthread_mutex_unlock(&log_lock); }
void sf_report_atfork_child(void)
{
	pthread_mutex_unlock(&log_lock);
	forked_child = true;
	atomic_store(&fired_here, false);
	const struct sf_scenario *sc = &sf_config.scenario;
	matched_at_fork = 0;
	for (unsigned i = 0; sf_config.has_scenario && i < sc->nrules; i++)
		matched_at_fork += sf_fault_matched(i);
}
