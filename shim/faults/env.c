/* SOCKFAULT_* environment variables: every one is either understood or an
 * error, since a typo that is silently ignored makes a test pass for the
 * wrong reason. */
#include "faults/env.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/shim.h"

struct sf_config sf_config;
extern char **environ;

void sf_env_message(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = sf_libc()->write(2, line + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (int)w;
	}
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* The settings the shim reads after main starts (the log at the first
 * fault, the summary at exit, a fork child's capture file name, the fuzz
 * input at the first socket) are copied here, before main: a program that
 * sets its process title the way redis-server, nginx and PostgreSQL do
 * overwrites the memory the environment strings were in and points environ
 * at a copy of its own, so a pointer kept into the old block reads "" or
 * the title (issue 16).  Never freed: they live as long as the process. */
static int keep(const char *name, const char *v, const char **out)
{
	char *copy = strdup(v);
	if (!copy) {
		sf_env_message("sockfault: %s: out of memory", name);
		return -1;
	}
	*out = copy;
	return 0;
}

static int nonempty(const char *name, const char *v)
{
	if (*v)
		return 0;
	sf_env_message("sockfault: %s: empty value", name);
	return -1;
}

int sf_env_load(void)
{
	struct sf_config *c = &sf_config;
	c->start_ns = sf_now_ns();
	const char *seed = NULL, *net = NULL, *scenario = NULL, *mtu = NULL, *events = NULL;
	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, "SOCKFAULT_", 10) != 0)
			continue;
		const char *eq = strchr(*e, '=');
		size_t nlen = eq ? (size_t)(eq - *e) : strlen(*e);
		const char *v = eq ? eq + 1 : "";
#define IS(name) (nlen == sizeof(name) - 1 && memcmp(*e, name, nlen) == 0)
		if (IS("SOCKFAULT_SCENARIO"))
			scenario = v;
		else if (IS("SOCKFAULT_SEED"))
			seed = v;
		else if (IS("SOCKFAULT_NET"))
			net = v;
		else if (IS("SOCKFAULT_LOG")) {
			if (keep("SOCKFAULT_LOG", v, &c->log_path) != 0)
				return -1;
		} else if (IS("SOCKFAULT_LOG_EVENTS")) {
			events = v;
		} else if (IS("SOCKFAULT_SUMMARY")) {
			if (keep("SOCKFAULT_SUMMARY", v, &c->summary_path) != 0)
				return -1;
		} else if (IS("SOCKFAULT_RUN_PID")) {
			uint64_t pid;
			if (parse_u64(v, &pid) != 0 || pid == 0 || pid > 0x7fffffff) {
				sf_env_message("sockfault: SOCKFAULT_RUN_PID='%s': expected a process id", v);
				return -1;
			}
			c->run_pid = (long)pid;
		} else if (IS("SOCKFAULT_PCAP")) {
			if (keep("SOCKFAULT_PCAP", v, &c->pcap_path) != 0)
				return -1;
		} else if (IS("SOCKFAULT_PCAP_MTU"))
			mtu = v;
		else if (IS("SOCKFAULT_VNET")) {
			/* the shared network's file, set by the shim for the
			 * processes a run starts (vnet.c checks it) */
		} else if (IS("SOCKFAULT_FUZZ")) {
			if (keep("SOCKFAULT_FUZZ", v, &c->fuzz_path) != 0)
				return -1;
		} else {
			sf_env_message("sockfault: %.*s: unknown variable (known: SOCKFAULT_SCENARIO, "
				       "SOCKFAULT_SEED, SOCKFAULT_NET, SOCKFAULT_LOG, SOCKFAULT_LOG_EVENTS, SOCKFAULT_SUMMARY, "
				       "SOCKFAULT_PCAP, SOCKFAULT_PCAP_MTU, SOCKFAULT_FUZZ, SOCKFAULT_RUN_PID, SOCKFAULT_VNET)",
				       (int)nlen, *e);
			return -1;
		}
#undef IS
	}
	if ((c->log_path && nonempty("SOCKFAULT_LOG", c->log_path)) ||
	    (c->summary_path && nonempty("SOCKFAULT_SUMMARY", c->summary_path)) ||
	    (c->pcap_path && nonempty("SOCKFAULT_PCAP", c->pcap_path)) ||
	    (c->fuzz_path && nonempty("SOCKFAULT_FUZZ", c->fuzz_path)))
		return -1;
	if (events) {
		if (!strcmp(events, "all")) {
			c->log_all = true;
		} else if (strcmp(events, "faults")) {
			sf_env_message("sockfault: SOCKFAULT_LOG_EVENTS='%s': expected faults or all", events);
			return -1;
		}
		if (c->log_all && !c->log_path) {
			sf_env_message("sockfault: SOCKFAULT_LOG_EVENTS=all: needs SOCKFAULT_LOG (the file to write)");
			return -1;
		}
	}
	if (c->fuzz_path && scenario) {
		/* The input is the scenario: its faults and peer script. */
		sf_env_message("sockfault: SOCKFAULT_FUZZ and SOCKFAULT_SCENARIO cannot be used together "
			       "(convert the input: sockfault fuzz-to-scenario)");
		return -1;
	}
	if (scenario) {
		char err[1024];
		if (nonempty("SOCKFAULT_SCENARIO", scenario))
			return -1;
		if (sf_scenario_load(scenario, &c->scenario, err, sizeof(err)) != 0) {
			sf_env_message("%s", err);
			return -1;
		}
		c->has_scenario = true;
		c->seed = c->scenario.seed;
		c->net = c->scenario.net;
	}
	if (seed && parse_u64(seed, &c->seed) != 0) {
		sf_env_message("sockfault: SOCKFAULT_SEED='%s': expected an unsigned 64-bit integer", seed);
		return -1;
	}
	if (net) {
		if (strcmp(net, "kernel") == 0) {
			c->net = SF_NET_KERNEL;
		} else if (strcmp(net, "virtual") == 0) {
			c->net = SF_NET_VIRTUAL;
		} else if (strncmp(net, "virtual:", 8) == 0) {
			if (!sf_net_name_ok(net + 8)) {
				sf_env_message("sockfault: SOCKFAULT_NET='%s': a network name is 1 to 64 of A-Z a-z 0-9 . _ -, "
					       "not starting with '.'", net);
				return -1;
			}
			c->net = SF_NET_VIRTUAL;
			c->net_name = net + 8;
		} else {
			sf_env_message("sockfault: SOCKFAULT_NET='%s': expected 'kernel', 'virtual' or 'virtual:NAME'", net);
			return -1;
		}
	}
	if (c->has_scenario && c->scenario.nlinks && c->net != SF_NET_VIRTUAL) {
		/* The scenario said `net virtual` (the parser insists), the
		 * environment overrode it: its links would silently vanish. */
		sf_env_message("%s:%u:1: link lines need the virtual network (SOCKFAULT_NET='%s')",
			       c->scenario.path, c->scenario.links[0].line, net ? net : "");
		return -1;
	}
	c->pcap_mtu = SF_PCAP_MTU_DEFAULT;
	if (mtu) {
		uint64_t m;
		if (parse_u64(mtu, &m) != 0 || m < SF_PCAP_MTU_MIN || m > SF_PCAP_MTU_MAX) {
			sf_env_message("sockfault: SOCKFAULT_PCAP_MTU='%s': expected an MTU from %u to %u",
				       mtu, SF_PCAP_MTU_MIN, SF_PCAP_MTU_MAX);
			return -1;
		}
		c->pcap_mtu = (unsigned)m;
	}
	if (c->fuzz_path) {
		if (net && c->net != SF_NET_VIRTUAL) {
			sf_env_message("sockfault: SOCKFAULT_FUZZ needs the virtual network (SOCKFAULT_NET='%s')", net);
			return -1;
		}
		/* The input itself is read at the first socket or lookup, after
		 * a fork server has forked (fuzz_peer.c). */
		c->net = SF_NET_VIRTUAL;
		c->has_scenario = true;
	}
	return 0;
}

bool sf_net_name_ok(const char *name)
{
	size_t n = 0;
	if (name[0] == '.')
		return false;
	for (; name[n]; n++) {
		char ch = name[n];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		      ch == '_' || ch == '-'))
			return false;
	}
	return n >= 1 && n <= 64;
}

bool sf_env_engaged(void)
{
	/* Capture needs every data call: it records what they moved; the
	 * virtual network carries them; the full log writes them. */
	return (sf_config.has_scenario && sf_config.scenario.nrules > 0) || sf_config.pcap_path ||
	       sf_config.net == SF_NET_VIRTUAL || sf_config.log_all;
}

void sf_env_after_fork(void)
{
}
