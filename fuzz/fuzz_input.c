/* libFuzzer target for the fuzz input format (shim/fuzz/fuzz_input.c): every
 * byte string parses into an input whose invariants hold, renders into
 * scenario text the scenario parser accepts, and that scenario says exactly
 * what the input says: the same peer steps with the same bytes, one rule per
 * faulting tape byte at its count, one host line with the answers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz/fuzz_input.h"

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static void check_equivalent(const struct sf_fuzz_input *in, const struct sf_scenario *sc)
{
	CHECK(sc->net == SF_NET_VIRTUAL);
	CHECK(sc->npeer == in->nevents);
	CHECK(sc->npeer_conns == in->nconns);
	for (size_t i = 0; i < in->nevents; i++) {
		const struct sf_fuzz_event *e = &in->events[i];
		const struct sf_peer_step *s = &sc->peer[i];
		CHECK(s->op == e->op && s->conn == e->conn);
		if (e->op == SF_PEER_OPEN)
			CHECK(s->dir == e->dir && s->listen == e->listen);
		if (e->op == SF_PEER_SEND)
			CHECK(s->len == e->len && memcmp(s->data, e->data, e->len) == 0);
	}
	unsigned r = 0;
	for (int c = 0; c < SF_TAPE_COUNT; c++)
		for (size_t k = 0; k < in->tape_len[c]; k++) {
			struct sf_fuzz_fault f = sf_fuzz_tape_fault((enum sf_fuzz_class)c, in->tape[c][k]);
			if (f.action == SF_ACT_COUNT)
				continue;
			CHECK(r < sc->nrules);
			const struct sf_rule *rule = &sc->rules[r++];
			CHECK(rule->action == f.action);
			CHECK(rule->when.lo == k + 1 && rule->when.hi == k + 1);
			if (f.action == SF_ACT_SHORT)
				CHECK(rule->amount.lo == f.amount && rule->amount.hi == f.amount);
			if (f.action == SF_ACT_EAI || f.action == SF_ACT_ERROR)
				CHECK(rule->err == f.err);
		}
	CHECK(r == sc->nrules);
	CHECK(sc->nhosts == (in->nanswers ? 1u : 0u));
	if (in->nanswers) {
		CHECK(sc->hosts[0].naddrs == in->nanswers);
		for (unsigned i = 0; i < in->nanswers; i++) {
			CHECK(sc->hosts[0].addrs[i].family == in->answers[i].family);
			CHECK(memcmp(sc->hosts[0].addrs[i].addr, in->answers[i].addr,
				     in->answers[i].family == AF_INET ? 4 : 16) == 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sf_fuzz_input in;
	const char *why = NULL;
	CHECK(sf_fuzz_input_parse(data, size, &in) == 0);
	if (sf_fuzz_input_validate(&in, &why) != 0) {
		fprintf(stderr, "invalid input structure: %s\n", why);
		abort();
	}
	size_t len;
	char *text = sf_fuzz_input_render(&in, &len);
	CHECK(text && strlen(text) == len);
	struct sf_scenario sc;
	char err[256];
	if (sf_scenario_parse("rendered.sf", text, len, &sc, err, sizeof(err)) != 0) {
		fprintf(stderr, "rendered scenario rejected: %s\n", err);
		abort();
	}
	check_equivalent(&in, &sc);
	/* The one-call form gives the same scenario. */
	struct sf_scenario sc2;
	CHECK(sf_fuzz_input_scenario(data, size, &sc2, err, sizeof(err)) == 0);
	CHECK(sc2.npeer == sc.npeer && sc2.nrules == sc.nrules && sc2.nhosts == sc.nhosts);
	sf_scenario_free(&sc2);
	sf_scenario_free(&sc);
	free(text);
	sf_fuzz_input_free(&in);
	return 0;
}
