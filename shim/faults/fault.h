/* The fault engine: which rule, if any, fires for one call.  Rules are
 * indexed by call and, per socket, pre-filtered by the matchers that depend
 * only on the socket (peer, ports, protocol, family, direction, connection
 * number), so a call that no rule can match costs one load and a branch. */
#ifndef SF_FAULT_H
#define SF_FAULT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/calls.h"
#include "faults/scenario.h"
#include "core/socket.h"

/* What a rule is matched against. */
struct sf_call_ctx {
	enum sf_call call;
	int fd;                     /* -1 when the call has none */
	struct sf_socket *s;        /* NULL: not a socket call (resolver, poll) */
	const struct sockaddr *to;  /* explicit destination (sendto/sendmsg), else NULL */
	const char *name;           /* resolver: the name looked up */
	size_t len;                 /* bytes the call asks to move */
};

/* A rule that fired: the rule, the count it fired at, and its random draw
 * for this firing (used to pick amounts). */
struct sf_verdict {
	const struct sf_rule *rule;
	uint64_t count;
	uint64_t draw;
	/* Set even when nothing fires: perform at most this many bytes (0 = no
	 * limit), so that a later rule's bytes= window starts exactly. */
	uint64_t clip;
};

/* Built once by the constructor from sf_config.scenario; read-only after. */
int sf_fault_init(const struct sf_scenario *sc, uint64_t seed, uint64_t start_ns);

/* Whether any rule names call c (a quick filter for the interposers). */
bool sf_fault_watches(enum sf_call c);

/* Whether address ip (4 bytes for AF_INET, 16 for AF_INET6) and port match
 * m, as a rule's peer= does (also `link` lines). */
bool sf_addr_match_ip(const struct sf_addr_match *m, int family, const uint8_t *ip, int port);

/* Whether a rule could match call c on socket s (its cached rule set): when
 * not, sf_fault_decide would count nothing and fire nothing. */
bool sf_fault_may_fire(struct sf_socket *s, enum sf_call c);

/* Counts the call against every rule that matches it; returns true and fills
 * v when one fires (the first in file order). */
bool sf_fault_decide(const struct sf_call_ctx *c, struct sf_verdict *v);

/* A value in r drawn from v's random stream (deterministic per firing). */
uint64_t sf_fault_pick(const struct sf_verdict *v, struct sf_range r);

/* Forgets a socket's cached rule set (its addresses changed). */
void sf_fault_socket_changed(struct sf_socket *s);
/* Frees a socket's cached rule sets; called when its last reference goes. */
void sf_fault_socket_release(struct sf_socket *s);

/* Per-rule counters, for the exit summary. */
uint64_t sf_fault_matched(unsigned rule_index);
uint64_t sf_fault_fired(unsigned rule_index);

/* After fork: the child's counters continue from the parent's values (the
 * child is a copy); nothing to do but documented here. */

/* Resets every counter (tests and fuzz targets run many scenarios). */
void sf_fault_reset(void);

#endif
