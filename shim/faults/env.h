/* The configuration a process runs with: SOCKFAULT_* environment variables
 * and the scenario they name, read once by the constructor and read-only
 * afterwards (so it needs no lock).  Every string here is our own copy,
 * never a pointer into the environment: programs overwrite that block
 * (setproctitle, env.c).  One exception: with SOCKFAULT_FUZZ the
 * scenario is filled from the fuzz input at the first socket or lookup,
 * once (pthread_once in fuzz_peer.c), because a fork server forks after the
 * constructor; and the in-process library (sockfault_fuzz.c) refills it
 * between runs, on the fuzzer's only thread. */
#ifndef SF_ENV_H
#define SF_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h" /* sf_now_ns, for the files that read sf_config.start_ns */
#include "faults/scenario.h"

/* SOCKFAULT_PCAP_MTU's range and default.  The configuration sits below
 * capture, so the frame synthesizer checks its own limits equal these
 * (capture/frame.c). */
#define SF_PCAP_MTU_DEFAULT 1500u
#define SF_PCAP_MTU_MIN 1280u /* IPv6's minimum (RFC 8200 5); IPv4 needs less */
#define SF_PCAP_MTU_MAX 65535u

struct sf_config {
	bool has_scenario;
	struct sf_scenario scenario;
	uint64_t seed;          /* SOCKFAULT_SEED, else the scenario's, else 0 */
	enum sf_net net;        /* SOCKFAULT_NET, else the scenario's */
	const char *net_name;   /* SOCKFAULT_NET=virtual:NAME: a network joined by name */
	const char *log_path;   /* SOCKFAULT_LOG: JSON lines, one per fault */
	bool log_all;           /* SOCKFAULT_LOG_EVENTS=all: every socket event too (trace.c) */
	const char *summary_path; /* SOCKFAULT_SUMMARY: exit summary (default stderr) */
	const char *pcap_path;  /* SOCKFAULT_PCAP */
	unsigned pcap_mtu;      /* SOCKFAULT_PCAP_MTU, default 1500 */
	const char *fuzz_path;  /* SOCKFAULT_FUZZ: fuzz input file, "-" stdin (fuzz_peer.c) */
	long run_pid;           /* SOCKFAULT_RUN_PID: the process `sockfault run` started */
	uint64_t start_ns;      /* CLOCK_MONOTONIC at start, for time= windows */
};

extern struct sf_config sf_config;

/* Reads the environment and the scenario.  On bad input prints one line
 * naming the variable (or FILE:LINE:COL for the scenario) and returns -1. */
int sf_env_load(void);
/* A network name (SOCKFAULT_NET=virtual:NAME): 1-64 of [A-Za-z0-9._-],
 * not starting with '.' (it names a file: no '/', no "..", no hidden). */
bool sf_net_name_ok(const char *name);

/* Whether data calls must go through the shim's slow path. */
bool sf_env_engaged(void);

void sf_env_after_fork(void);

/* Writes a whole line to stderr, bypassing the shim. */
void sf_env_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
