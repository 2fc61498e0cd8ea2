/* The fault engine's scheduler: counting, schedules, file-order precedence,
 * per-rule random streams and socket matching, on hand-built rules. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "faults/fault.h"
#include "faults/scenario.h"
#include "core/socket.h"

static struct sf_rule rules[4];
static struct sf_scenario sc;

static struct sf_rule rule(uint64_t calls)
{
	return (struct sf_rule){.calls = calls, .peer = {.family = 0, .port = -1}, .lport = -1,
				.when = {1, SF_UNBOUNDED}, .step = 1, .prob = 1.0,
				.time = {0, SF_UNBOUNDED}, .bytes = {0, SF_UNBOUNDED},
				.action = SF_ACT_EINTR};
}

static void load(unsigned n, uint64_t seed)
{
	for (unsigned i = 0; i < n; i++) {
		rules[i].id = i + 1;
		rules[i].line = i + 1;
		if (!rules[i].rng_key)
			rules[i].rng_key = 0x1234567u * (i + 1);
	}
	sc = (struct sf_scenario){.rules = rules, .nrules = n};
	assert_int_equal(sf_fault_init(&sc, seed, 0), 0);
}

/* The counts (1-based) at which a rule fires over `calls` calls. */
static unsigned firing(struct sf_call_ctx *c, unsigned calls, uint64_t *out, unsigned max)
{
	unsigned k = 0;
	for (unsigned n = 1; n <= calls; n++) {
		struct sf_verdict v;
		if (sf_fault_decide(c, &v) && k < max)
			out[k++] = v.count;
	}
	return k;
}

static struct sf_socket *tcp_socket(const char *peer, int port)
{
	struct sf_socket *s = sf_socket_new(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in *a = (struct sockaddr_in *)&s->peer;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, peer, &a->sin_addr);
	s->peer_len = sizeof(*a);
	return s;
}

static void test_every_3rd_call_fires_at_multiples_of_3(void **state)
{
	(void)state;
	rules[0] = rule(1ull << SF_CALL_recv);
	rules[0].when = (struct sf_range){3, SF_UNBOUNDED};
	rules[0].step = 3;
	load(1, 0);
	struct sf_call_ctx c = {.call = SF_CALL_recv, .fd = -1};
	uint64_t got[8];
	assert_int_equal(firing(&c, 10, got, 8), 3);
	assert_int_equal(got[0], 3);
	assert_int_equal(got[1], 6);
	assert_int_equal(got[2], 9);
}

static void test_first_n_fires_only_on_the_first_n(void **state)
{
	(void)state;
	rules[0] = rule(1ull << SF_CALL_getaddrinfo);
	rules[0].when = (struct sf_range){1, 2};
	load(1, 0);
	struct sf_call_ctx c = {.call = SF_CALL_getaddrinfo, .fd = -1, .name = "api.example.test"};
	uint64_t got[8];
	assert_int_equal(firing(&c, 5, got, 8), 2);
	assert_int_equal(sf_fault_matched(0), 5);
	assert_int_equal(sf_fault_fired(0), 2);
}

static void test_range_with_step_fires_like_strace_when(void **state)
{
	(void)state;
	rules[0] = rule(1ull << SF_CALL_send);
	rules[0].when = (struct sf_range){2, 8};
	rules[0].step = 3;
	load(1, 0);
	struct sf_call_ctx c = {.call = SF_CALL_send, .fd = -1};
	uint64_t got[8];
	assert_int_equal(firing(&c, 20, got, 8), 3);
	assert_int_equal(got[0], 2);
	assert_int_equal(got[1], 5);
	assert_int_equal(got[2], 8);
}

static void test_calls_not_named_by_a_rule_are_not_counted(void **state)
{
	(void)state;
	rules[0] = rule(1ull << SF_CALL_recv);
	load(1, 0);
	assert_false(sf_fault_watches(SF_CALL_send));
	assert_true(sf_fault_watches(SF_CALL_recv));
}

static void test_first_rule_in_file_order_wins_and_all_count(void **state)
{
	(void)state;
	rules[0] = rule(1ull << SF_CALL_recv);
	rules[0].when = (struct sf_range){2, 2};
	rules[1] = rule(1ull << SF_CALL_recv);
	rules[1].action = SF_ACT_EAGAIN;
	load(2, 0);
	struct sf_call_ctx c = {.call = SF_CALL_recv, .fd = -1};
	struct sf_verdict v;
	assert_true(sf_fault_decide(&c, &v));
	assert_int_equal(v.rule->id, 2);
	assert_true(sf_fault_decide(&c, &v));
	assert_int_equal(v.rule->id, 1);
	assert_int_equal(sf_fault_matched(1), 2);
	assert_int_equal(sf_fault_fired(1), 1);
}

static unsigned prob_pattern(uint64_t seed, uint64_t *bits)
{
	struct sf_call_ctx c = {.call = SF_CALL_recv, .fd = -1};
	unsigned fired = 0;
	*bits = 0;
	for (unsigned n = 0; n < 64; n++) {
		struct sf_verdict v;
		bool f = sf_fault_decide(&c, &v) && v.rule == &rules[0];
		*bits |= (uint64_t)f << n;
		fired += f;
	}
	(void)seed;
	return fired;
}

static void test_probability_is_reproducible_by_seed(void **state)
{
	(void)state;
	uint64_t a, b, c;
	rules[0] = rule(1ull << SF_CALL_recv);
	rules[0].prob = 0.5;
	load(1, 42);
	unsigned na = prob_pattern(42, &a);
	load(1, 42);
	prob_pattern(42, &b);
	load(1, 43);
	prob_pattern(43, &c);
	assert_true(na > 16 && na < 48);
	assert_true(a == b);
	assert_true(a != c);
}

static void test_adding_a_rule_does_not_change_another_rules_draws(void **state)
{
	(void)state;
	uint64_t alone, with_other;
	rules[0] = rule(1ull << SF_CALL_recv);
	rules[0].prob = 0.5;
	rules[0].rng_key = 777;
	load(1, 9);
	prob_pattern(9, &alone);
	/* A rule placed before it that never fires (other call). */
	rules[1] = rules[0];
	rules[0] = rule(1ull << SF_CALL_send);
	rules[0].rng_key = 5;
	rules[0].prob = 0.5;
	load(2, 9);
	struct sf_call_ctx c = {.call = SF_CALL_recv, .fd = -1};
	with_other = 0;
	for (unsigned n = 0; n < 64; n++) {
		struct sf_verdict v;
		with_other |= (uint64_t)sf_fault_decide(&c, &v) << n;
	}
	assert_true(alone == with_other);
}

static void test_peer_cidr_and_port_select_sockets(void **state)
{
	(void)state;
	rules[0] = rule(1ull << SF_CALL_recv);
	rules[0].peer.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.0", rules[0].peer.addr);
	rules[0].peer.prefix = 8;
	rules[0].peer.port = 443;
	load(1, 0);
	struct sf_socket *in = tcp_socket("10.1.2.3", 443), *port = tcp_socket("10.1.2.3", 80),
			 *out = tcp_socket("11.0.0.1", 443);
	struct sf_verdict v;
	assert_true(sf_fault_decide(&(struct sf_call_ctx){.call = SF_CALL_recv, .s = in}, &v));
	assert_false(sf_fault_decide(&(struct sf_call_ctx){.call = SF_CALL_recv, .s = port}, &v));
	assert_false(sf_fault_decide(&(struct sf_call_ctx){.call = SF_CALL_recv, .s = out}, &v));
	/* Sockets the rule cannot match do not advance its counter. */
	assert_int_equal(sf_fault_matched(0), 1);
	sf_socket_put(in);
	sf_socket_put(port);
	sf_socket_put(out);
}

static void test_connect_matches_the_address_it_is_given(void **state)
{
	(void)state;
	rules[0] = rule(1ull << SF_CALL_connect);
	rules[0].peer.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.5", rules[0].peer.addr);
	rules[0].peer.prefix = 32;
	load(1, 0);
	struct sf_socket *s = sf_socket_new(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(443)}, other = to;
	inet_pton(AF_INET, "10.0.0.5", &to.sin_addr);
	inet_pton(AF_INET, "10.0.0.6", &other.sin_addr);
	struct sf_verdict v;
	assert_true(sf_fault_decide(&(struct sf_call_ctx){.call = SF_CALL_connect, .s = s,
							  .to = (struct sockaddr *)&to}, &v));
	assert_false(sf_fault_decide(&(struct sf_call_ctx){.call = SF_CALL_connect, .s = s,
							   .to = (struct sockaddr *)&other}, &v));
	sf_socket_put(s);
}

static void test_bytes_window_clips_the_call_that_crosses_it(void **state)
{
	(void)state;
	rules[0] = rule(1ull << SF_CALL_send);
	rules[0].bytes = (struct sf_range){1000, SF_UNBOUNDED};
	rules[0].action = SF_ACT_RESET;
	load(1, 0);
	struct sf_socket *s = tcp_socket("127.0.0.1", 80);
	struct sf_verdict v;
	struct sf_call_ctx c = {.call = SF_CALL_send, .s = s, .len = 4096};
	assert_false(sf_fault_decide(&c, &v));
	assert_int_equal(v.clip, 1000);
	atomic_store(&s->bytes_out, 1000);
	assert_true(sf_fault_decide(&c, &v));
	sf_socket_put(s);
}

static void test_name_glob_selects_resolver_calls(void **state)
{
	(void)state;
	rules[0] = rule(1ull << SF_CALL_getaddrinfo);
	rules[0].name = "*.example.test";
	load(1, 0);
	struct sf_verdict v;
	assert_true(sf_fault_decide(&(struct sf_call_ctx){.call = SF_CALL_getaddrinfo, .name = "api.example.test"}, &v));
	assert_false(sf_fault_decide(&(struct sf_call_ctx){.call = SF_CALL_getaddrinfo, .name = "example.org"}, &v));
}

static void test_picked_amounts_stay_in_range(void **state)
{
	(void)state;
	struct sf_verdict v = {0};
	for (uint64_t d = 0; d < 1000; d++) {
		v.draw = d * 0x9e3779b97f4a7c15ull;
		uint64_t x = sf_fault_pick(&v, (struct sf_range){1, 16});
		assert_true(x >= 1 && x <= 16);
	}
	assert_int_equal(sf_fault_pick(&v, (struct sf_range){7, 7}), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_3rd_call_fires_at_multiples_of_3),
		cmocka_unit_test(test_first_n_fires_only_on_the_first_n),
		cmocka_unit_test(test_range_with_step_fires_like_strace_when),
		cmocka_unit_test(test_calls_not_named_by_a_rule_are_not_counted),
		cmocka_unit_test(test_first_rule_in_file_order_wins_and_all_count),
		cmocka_unit_test(test_probability_is_reproducible_by_seed),
		cmocka_unit_test(test_adding_a_rule_does_not_change_another_rules_draws),
		cmocka_unit_test(test_peer_cidr_and_port_select_sockets),
		cmocka_unit_test(test_connect_matches_the_address_it_is_given),
		cmocka_unit_test(test_bytes_window_clips_the_call_that_crosses_it),
		cmocka_unit_test(test_name_glob_selects_resolver_calls),
		cmocka_unit_test(test_picked_amounts_stay_in_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
