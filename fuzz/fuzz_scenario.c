/* libFuzzer target for the scenario parser: any bytes either parse into a
 * scenario whose invariants hold, or fail with one "PATH:LINE:COL: " line and
 * an empty scenario.  Parsing twice must give the same rules. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "faults/scenario.h"

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static void check_range(struct sf_range r)
{
	CHECK(r.lo <= r.hi);
}

static void check_rule(const struct sf_rule *r, unsigned index, unsigned prev_line)
{
	uint64_t all = ~0ull >> (64 - SF_CALL_COUNT);
	CHECK(r->id == index + 1);
	CHECK(r->line >= 1 && r->line >= prev_line);
	CHECK(r->calls != 0 && (r->calls & ~all) == 0);
	CHECK(r->when.lo >= 1);
	check_range(r->when);
	CHECK(r->step >= 1);
	CHECK(r->prob >= 0.0 && r->prob <= 1.0);
	check_range(r->time);
	check_range(r->bytes);
	check_range(r->amount);
	CHECK((unsigned)r->action < SF_ACT_COUNT);
	CHECK(r->peer.port >= -1 && r->peer.port <= 65535);
	CHECK(r->lport >= -1 && r->lport <= 65535);
	CHECK(r->peer.prefix >= 0 && r->peer.prefix <= (r->peer.family == AF_INET ? 32 : 128));
	CHECK(r->dir == SF_DIR_ANY || r->dir == SF_DIR_OUT || r->dir == SF_DIR_IN);
	if (r->name)
		CHECK(strlen(r->name) > 0);
	if (r->action == SF_ACT_SHORT || r->action == SF_ACT_BANDWIDTH)
		CHECK(r->amount.lo >= 1);
}

static void check_scenario(const struct sf_scenario *sc)
{
	CHECK(sc->nrules == 0 || sc->rules);
	unsigned prev = 0;
	for (unsigned i = 0; i < sc->nrules; i++) {
		check_rule(&sc->rules[i], i, prev);
		prev = sc->rules[i].line;
	}
	CHECK(sc->nhosts == 0 || sc->hosts);
	for (unsigned i = 0; i < sc->nhosts; i++) {
		const struct sf_host *h = &sc->hosts[i];
		CHECK(h->pattern && h->pattern[0]);
		CHECK(h->naddrs >= 1 && h->naddrs <= SF_HOST_MAX_ADDRS);
		for (unsigned j = 0; j < h->naddrs; j++)
			CHECK(h->addrs[j].family == AF_INET || h->addrs[j].family == AF_INET6);
	}
	CHECK(sc->net == SF_NET_KERNEL || sc->net == SF_NET_VIRTUAL);
	/* The peer script: connections opened in order, steps only on opened
	 * ones, chunks never empty, and only on the virtual network. */
	CHECK(sc->npeer == 0 || (sc->peer && sc->net == SF_NET_VIRTUAL));
	unsigned opened = 0, line = 0;
	for (unsigned i = 0; i < sc->npeer; i++) {
		const struct sf_peer_step *st = &sc->peer[i];
		CHECK(st->line >= line);
		line = st->line;
		if (st->op == SF_PEER_OPEN) {
			CHECK(st->conn == ++opened);
			CHECK(st->dir == SF_PEER_OUT ? st->listen == 0 : st->listen >= 1);
		} else {
			CHECK(st->op == SF_PEER_SEND || st->op == SF_PEER_FIN || st->op == SF_PEER_RESET);
			CHECK(st->conn >= 1 && st->conn <= opened);
		}
		if (st->op == SF_PEER_SEND)
			CHECK(st->len >= 1 && st->data);
	}
	CHECK(opened == sc->npeer_conns);
	CHECK(sc->unknown_hosts <= 0);
	CHECK(sc->path && strcmp(sc->path, "fuzz.sf") == 0);
}

static void check_empty(const struct sf_scenario *sc)
{
	CHECK(!sc->rules && !sc->nrules && !sc->hosts && !sc->nhosts && !sc->path && !sc->peer && !sc->npeer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sf_scenario a, b;
	char err[256], small[16];
	const char *text = (const char *)data;
	int rc = sf_scenario_parse("fuzz.sf", text, size, &a, err, sizeof(err));
	if (rc != 0) {
		CHECK(rc == -1);
		check_empty(&a);
		CHECK(strncmp(err, "fuzz.sf:", 8) == 0);
		CHECK(strchr(err, '\n') == NULL);
		/* A short buffer gets a truncated, terminated message. */
		CHECK(sf_scenario_parse("fuzz.sf", text, size, &b, small, sizeof(small)) == -1);
		CHECK(strlen(small) < sizeof(small) && strncmp(small, err, strlen(small)) == 0);
		return 0;
	}
	check_scenario(&a);
	CHECK(sf_scenario_parse("fuzz.sf", text, size, &b, err, sizeof(err)) == 0);
	CHECK(a.nrules == b.nrules && a.nhosts == b.nhosts && a.npeer == b.npeer);
	for (unsigned i = 0; i < a.nrules; i++)
		CHECK(a.rules[i].rng_key == b.rules[i].rng_key);
	sf_scenario_free(&a);
	sf_scenario_free(&b);
	check_empty(&a);
	return 0;
}
