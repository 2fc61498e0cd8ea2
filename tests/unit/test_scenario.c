/* The scenario parser: every directive, matcher, schedule and action on good
 * input; the exact PATH:LINE:COL of each kind of error; file loading; the
 * bundled examples; and the stability of the rules' random stream keys. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/calls.h"
#include "faults/scenario.h"

#ifndef SF_EXAMPLES_DIR
#error "SF_EXAMPLES_DIR must name scenarios/examples"
#endif

static struct sf_scenario sc;
static char err[512];

static int free_scenario(void **state)
{
	(void)state;
	sf_scenario_free(&sc);
	return 0;
}

static int parse(const char *text)
{
	return sf_scenario_parse("t.sf", text, strlen(text), &sc, err, sizeof(err));
}

/* Parses text that must hold exactly one rule, and returns it. */
static const struct sf_rule *rule_of(const char *text)
{
	if (parse(text) != 0)
		fail_msg("'%s' should parse, got: %s", text, err);
	assert_int_equal(sc.nrules, 1);
	return &sc.rules[0];
}

/* text must fail with a message starting with prefix, e.g. "t.sf:1:9: ". */
static void expect_error(const char *text, const char *prefix)
{
	if (parse(text) != -1)
		fail_msg("'%s' should be rejected", text);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("'%s': got \"%s\", want a message starting \"%s\"", text, err, prefix);
	assert_non_null(strchr(err, ' '));
	assert_null(strchr(err, '\n'));
	assert_int_equal(sc.nrules, 0);
	assert_null(sc.rules);
	assert_null(sc.hosts);
	assert_null(sc.peer);
	assert_int_equal(sc.npeer, 0);
	assert_null(sc.links);
	assert_int_equal(sc.nlinks, 0);
	assert_null(sc.path);
}

static uint64_t fam(enum sf_family f)
{
	return sf_family_calls(f);
}

#define CALL(c) (1ull << SF_CALL_##c)

/* --- rules: calls --- */

static void test_rule_defaults_match_the_header(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv -> eintr");
	assert_int_equal(r->id, 1);
	assert_int_equal(r->line, 1);
	assert_int_equal(r->when.lo, 1);
	assert_true(r->when.hi == SF_UNBOUNDED);
	assert_int_equal(r->step, 1);
	assert_true(r->prob == 1.0);
	assert_int_equal(r->time.lo, 0);
	assert_true(r->time.hi == SF_UNBOUNDED);
	assert_int_equal(r->bytes.lo, 0);
	assert_true(r->bytes.hi == SF_UNBOUNDED);
	assert_int_equal(r->lport, -1);
	assert_int_equal(r->peer.port, -1);
	assert_int_equal(r->peer.family, AF_UNSPEC);
	assert_int_equal(r->proto, 0);
	assert_int_equal(r->family, AF_UNSPEC);
	assert_int_equal(r->dir, SF_DIR_ANY);
	assert_null(r->name);
	assert_int_equal(r->conn, 0);
	assert_int_equal(r->signal, 0);
	assert_false(sc.has_seed);
	assert_int_equal(sc.net, SF_NET_KERNEL);
	assert_int_equal(sc.unknown_hosts, 0);
	assert_string_equal(sc.path, "t.sf");
}

static void test_family_name_means_the_whole_family(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("send -> eintr");
	assert_true(r->calls == fam(SF_FAM_send));
	assert_true(r->calls & CALL(sendto));
	assert_true(r->calls & CALL(write));
	assert_true(r->calls & CALL(sendfile));
}

static void test_call_name_means_that_call_only(void **state)
{
	(void)state;
	assert_true(rule_of("sendto -> eintr")->calls == CALL(sendto));
}

static void test_call_list_is_the_union(void **state)
{
	(void)state;
	assert_true(rule_of("sendto,recvfrom,accept4 -> eintr")->calls ==
		    (CALL(sendto) | CALL(recvfrom) | CALL(accept4)));
}

static void test_star_is_every_call_but_the_resolver(void **state)
{
	(void)state;
	uint64_t all = ~0ull >> (64 - SF_CALL_COUNT);
	assert_true(rule_of("* -> delay 1ms")->calls == (all & ~fam(SF_FAM_resolve)));
}

static void test_resolve_family_covers_the_resolver_calls(void **state)
{
	(void)state;
	assert_true(rule_of("resolve -> delay 1ms")->calls ==
		    (CALL(getaddrinfo) | CALL(getnameinfo) | CALL(gethostbyname) | CALL(gethostbyaddr)));
}

/* --- schedules --- */

static void test_every_3rd_recv_sets_step(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv every=3 -> eintr");
	assert_int_equal(r->when.lo, 3);
	assert_true(r->when.hi == SF_UNBOUNDED);
	assert_int_equal(r->step, 3);
}

static void test_nth_is_that_call_only(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv nth=5 -> eintr");
	assert_int_equal(r->when.lo, 5);
	assert_int_equal(r->when.hi, 5);
	assert_int_equal(r->step, 1);
}

static void test_first_n_is_calls_1_to_n(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("connect first=2 -> refuse");
	assert_int_equal(r->when.lo, 1);
	assert_int_equal(r->when.hi, 2);
}

static void test_after_n_starts_at_n_plus_1(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv after=10 -> eintr");
	assert_int_equal(r->when.lo, 11);
	assert_true(r->when.hi == SF_UNBOUNDED);
}

static void test_after_0_is_every_call(void **state)
{
	(void)state;
	assert_int_equal(rule_of("recv after=0 -> eintr")->when.lo, 1);
}

static void test_when_a_alone_is_call_a_only(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv when=3 -> eintr");
	assert_int_equal(r->when.lo, 3);
	assert_int_equal(r->when.hi, 3);
}

static void test_when_a_dots_runs_forever(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv when=3.. -> eintr");
	assert_int_equal(r->when.lo, 3);
	assert_true(r->when.hi == SF_UNBOUNDED);
	assert_int_equal(r->step, 1);
}

static void test_when_range_with_step(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv when=2..10+4 -> eintr");
	assert_int_equal(r->when.lo, 2);
	assert_int_equal(r->when.hi, 10);
	assert_int_equal(r->step, 4);
}

static void test_when_step_without_end_runs_forever_like_strace(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv when=3+2 -> eintr");
	assert_int_equal(r->when.lo, 3);
	assert_true(r->when.hi == SF_UNBOUNDED);
	assert_int_equal(r->step, 2);
	sf_scenario_free(&sc);
	r = rule_of("recv when=4+ -> eintr");
	assert_int_equal(r->when.lo, 4);
	assert_true(r->when.hi == SF_UNBOUNDED);
	assert_int_equal(r->step, 1);
}

static void test_prob_accepts_a_fraction(void **state)
{
	(void)state;
	assert_true(rule_of("recv prob=0.25 -> eintr")->prob == 0.25);
}

static void test_prob_accepts_a_percentage(void **state)
{
	(void)state;
	assert_true(rule_of("recv prob=50% -> eintr")->prob == 0.5);
}

static void test_time_window_is_in_ns_since_start(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv time=2s..5s -> eintr");
	assert_int_equal(r->time.lo, 2000000000ull);
	assert_int_equal(r->time.hi, 5000000000ull);
	sf_scenario_free(&sc);
	r = rule_of("recv time=..3s -> eintr");
	assert_int_equal(r->time.lo, 0);
	assert_int_equal(r->time.hi, 3000000000ull);
	sf_scenario_free(&sc);
	r = rule_of("recv time=1.5s.. -> eintr");
	assert_int_equal(r->time.lo, 1500000000ull);
	assert_true(r->time.hi == SF_UNBOUNDED);
}

static void test_bytes_window_takes_binary_suffixes(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv bytes=64k..1M -> eintr");
	assert_int_equal(r->bytes.lo, 65536);
	assert_int_equal(r->bytes.hi, 1048576);
	sf_scenario_free(&sc);
	r = rule_of("send bytes=1000.. -> reset");
	assert_int_equal(r->bytes.lo, 1000);
	assert_true(r->bytes.hi == SF_UNBOUNDED);
}

static void test_schedule_combines_with_prob_time_and_bytes(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("send bytes=1000.. nth=1 prob=0.5 time=..1m -> reset");
	assert_int_equal(r->when.lo, 1);
	assert_int_equal(r->when.hi, 1);
	assert_true(r->prob == 0.5);
	assert_int_equal(r->time.hi, 60000000000ull);
	assert_int_equal(r->bytes.lo, 1000);
}

/* --- matchers --- */

static void test_peer_ipv4_with_prefix_and_port(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("connect peer=10.0.0.0/8:443 -> refuse");
	static const uint8_t want[4] = {10, 0, 0, 0};
	assert_int_equal(r->peer.family, AF_INET);
	assert_memory_equal(r->peer.addr, want, 4);
	assert_int_equal(r->peer.prefix, 8);
	assert_int_equal(r->peer.port, 443);
}

static void test_peer_without_prefix_is_one_host(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv peer=10.0.0.5 -> delay 2s");
	assert_int_equal(r->peer.prefix, 32);
	assert_int_equal(r->peer.port, -1);
}

static void test_peer_prefix_clears_host_bits(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("connect peer=10.1.2.3/12 -> refuse");
	static const uint8_t want[4] = {10, 0, 0, 0};
	assert_memory_equal(r->peer.addr, want, 4);
}

static void test_peer_ipv6_in_brackets_with_port(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("connect peer=[::1]:80 -> refuse");
	uint8_t want[16];
	inet_pton(AF_INET6, "::1", want);
	assert_int_equal(r->peer.family, AF_INET6);
	assert_memory_equal(r->peer.addr, want, 16);
	assert_int_equal(r->peer.prefix, 128);
	assert_int_equal(r->peer.port, 80);
}

static void test_peer_ipv6_network_in_brackets(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("connect peer=[2001:db8::/32] -> refuse");
	assert_int_equal(r->peer.family, AF_INET6);
	assert_int_equal(r->peer.prefix, 32);
	assert_int_equal(r->peer.port, -1);
}

static void test_bare_ipv6_peer_has_no_port(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("connect peer=2001:db8::1 -> refuse");
	assert_int_equal(r->peer.family, AF_INET6);
	assert_int_equal(r->peer.port, -1);
}

static void test_peer_star_with_port_is_any_address(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("send peer=*:443 -> short 1");
	assert_int_equal(r->peer.family, AF_UNSPEC);
	assert_int_equal(r->peer.port, 443);
}

static void test_port_sets_the_peer_port(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("send port=443 peer=10.0.0.1 -> short 1");
	assert_int_equal(r->peer.port, 443);
	assert_int_equal(r->peer.family, AF_INET);
}

static void test_socket_matchers_are_stored(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv lport=8080 proto=tcp family=inet6 dir=in conn=2 -> eintr");
	assert_int_equal(r->lport, 8080);
	assert_int_equal(r->proto, IPPROTO_TCP);
	assert_int_equal(r->family, AF_INET6);
	assert_int_equal(r->dir, SF_DIR_IN);
	assert_int_equal(r->conn, 2);
	sf_scenario_free(&sc);
	r = rule_of("send proto=udp family=inet dir=out -> drop");
	assert_int_equal(r->proto, IPPROTO_UDP);
	assert_int_equal(r->family, AF_INET);
	assert_int_equal(r->dir, SF_DIR_OUT);
	sf_scenario_free(&sc);
	assert_int_equal(rule_of("recv family=unix -> eintr")->family, AF_UNIX);
}

static void test_name_glob_is_kept_for_resolver_calls(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("getaddrinfo name=*.example.test first=2 -> eai EAI_AGAIN");
	assert_string_equal(r->name, "*.example.test");
	assert_int_equal(r->action, SF_ACT_EAI);
	assert_int_equal(r->err, EAI_AGAIN);
	assert_int_equal(r->when.hi, 2);
}

/* --- actions --- */

static void test_eintr_takes_an_optional_signal(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv -> eintr signal=SIGUSR1");
	assert_int_equal(r->action, SF_ACT_EINTR);
	assert_int_equal(r->signal, SIGUSR1);
}

static void test_eagain_parses_on_calls_that_return_it(void **state)
{
	(void)state;
	assert_int_equal(rule_of("recv,send,accept,connect -> eagain")->action, SF_ACT_EAGAIN);
}

static void test_error_stores_the_errno(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("connect -> error ENETUNREACH");
	assert_int_equal(r->action, SF_ACT_ERROR);
	assert_int_equal(r->err, ENETUNREACH);
}

static void test_short_takes_a_count_or_range(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("send -> short 1..16");
	assert_int_equal(r->action, SF_ACT_SHORT);
	assert_int_equal(r->amount.lo, 1);
	assert_int_equal(r->amount.hi, 16);
	sf_scenario_free(&sc);
	r = rule_of("recv -> short 7");
	assert_int_equal(r->amount.lo, 7);
	assert_int_equal(r->amount.hi, 7);
}

static void test_delay_is_stored_in_ns(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv -> delay 1.5s");
	assert_int_equal(r->action, SF_ACT_DELAY);
	assert_int_equal(r->amount.lo, 1500000000ull);
	assert_int_equal(r->amount.hi, 1500000000ull);
	sf_scenario_free(&sc);
	r = rule_of("recv -> delay 10ms..2s");
	assert_int_equal(r->amount.lo, 10000000ull);
	assert_int_equal(r->amount.hi, 2000000000ull);
}

static void test_bandwidth_is_stored_in_bytes_per_second(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("send -> bandwidth 10k/s");
	assert_int_equal(r->action, SF_ACT_BANDWIDTH);
	assert_int_equal(r->amount.lo, 10240);
	sf_scenario_free(&sc);
	assert_int_equal(rule_of("recv -> bandwidth 1M/s")->amount.lo, 1048576);
	sf_scenario_free(&sc);
	assert_int_equal(rule_of("recv -> bandwidth 500/s")->amount.lo, 500);
}

static void test_truncate_stores_the_byte_count(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("recv -> truncate 4k");
	assert_int_equal(r->action, SF_ACT_TRUNCATE);
	assert_int_equal(r->amount.lo, 4096);
	assert_int_equal(r->amount.hi, 4096);
}

static void test_argumentless_actions_parse_on_their_calls(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum sf_action a;
	} ok[] = {
		{"connect,accept,send,recv,poll -> timeout", SF_ACT_TIMEOUT},
		{"connect,accept,send,recv -> blackhole", SF_ACT_BLACKHOLE},
		{"connect -> refuse", SF_ACT_REFUSE},
		{"connect,send,recv -> reset", SF_ACT_RESET},
		{"recv -> close", SF_ACT_CLOSE},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(rule_of(ok[i].text)->action, ok[i].a);
		sf_scenario_free(&sc);
	}
}

static void test_udp_actions_parse_with_proto_udp(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum sf_action a;
	} ok[] = {
		{"sendto proto=udp -> drop", SF_ACT_DROP},
		{"recv proto=udp -> duplicate", SF_ACT_DUPLICATE},
		{"send proto=udp -> corrupt", SF_ACT_CORRUPT},
		{"sendmsg proto=udp -> reorder", SF_ACT_REORDER},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(rule_of(ok[i].text)->action, ok[i].a);
		sf_scenario_free(&sc);
	}
}

static void test_eai_system_carries_an_errno(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("getaddrinfo -> eai EAI_SYSTEM errno=EIO");
	assert_int_equal(r->err, EAI_SYSTEM);
	assert_int_equal(r->sys_errno, EIO);
}

static void test_herror_stores_h_errno(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("gethostbyname,gethostbyaddr -> herror TRY_AGAIN");
	assert_int_equal(r->action, SF_ACT_HERROR);
	assert_int_equal(r->err, TRY_AGAIN);
}

static void test_delay_applies_to_resolver_calls(void **state)
{
	(void)state;
	assert_int_equal(rule_of("getaddrinfo -> delay 100ms")->action, SF_ACT_DELAY);
}

static void test_options_may_follow_the_action(void **state)
{
	(void)state;
	const struct sf_rule *r = rule_of("send -> short 1..100 prob=0.3 port=443");
	assert_int_equal(r->amount.hi, 100);
	assert_true(r->prob == 0.3);
	assert_int_equal(r->peer.port, 443);
}

static void test_action_names_are_complete_and_distinct(void **state)
{
	(void)state;
	for (int i = 0; i < SF_ACT_COUNT; i++) {
		assert_non_null(sf_action_names[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(sf_action_names[i], sf_action_names[j]);
	}
}

/* --- directives and file structure --- */

static void test_seed_takes_decimal_or_hex(void **state)
{
	(void)state;
	assert_int_equal(parse("seed 42\n"), 0);
	assert_true(sc.has_seed);
	assert_int_equal(sc.seed, 42);
	sf_scenario_free(&sc);
	assert_int_equal(parse("seed 0xFFFFFFFFFFFFFFFF\n"), 0);
	assert_true(sc.seed == UINT64_MAX);
}

static void test_net_virtual_is_recorded(void **state)
{
	(void)state;
	assert_int_equal(parse("net virtual\n"), 0);
	assert_int_equal(sc.net, SF_NET_VIRTUAL);
}

static void test_unknown_hosts_stores_the_eai_code(void **state)
{
	(void)state;
	assert_int_equal(parse("unknown-hosts EAI_NONAME\n"), 0);
	assert_int_equal(sc.unknown_hosts, EAI_NONAME);
	sf_scenario_free(&sc);
	assert_int_equal(parse("unknown-hosts pass\n"), 0);
	assert_int_equal(sc.unknown_hosts, 0);
}

static void test_host_keeps_pattern_and_addresses(void **state)
{
	(void)state;
	assert_int_equal(parse("# fake DNS\nhost *.api.test 10.0.0.5 2001:db8::5\nhost b 10.0.0.6\n"), 0);
	assert_int_equal(sc.nhosts, 2);
	assert_string_equal(sc.hosts[0].pattern, "*.api.test");
	assert_int_equal(sc.hosts[0].line, 2);
	assert_int_equal(sc.hosts[0].naddrs, 2);
	assert_int_equal(sc.hosts[0].addrs[0].family, AF_INET);
	assert_int_equal(sc.hosts[0].addrs[0].addr[3], 5);
	assert_int_equal(sc.hosts[0].addrs[1].family, AF_INET6);
	assert_int_equal(sc.hosts[0].addrs[1].addr[15], 5);
	assert_int_equal(sc.hosts[1].line, 3);
}

static void test_host_accepts_16_addresses(void **state)
{
	(void)state;
	char text[512] = "host h";
	for (int i = 1; i <= SF_HOST_MAX_ADDRS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " 10.0.0.%d", i);
	assert_int_equal(parse(text), 0);
	assert_int_equal(sc.hosts[0].naddrs, SF_HOST_MAX_ADDRS);
}

static void test_comments_blank_lines_and_crlf_are_ignored(void **state)
{
	(void)state;
	assert_int_equal(parse("# header\r\n\r\n   \t\nrecv -> eintr # trailing\r\nsend -> eagain\r\n"), 0);
	assert_int_equal(sc.nrules, 2);
	assert_int_equal(sc.rules[0].line, 4);
	assert_int_equal(sc.rules[1].line, 5);
}

static void test_rule_ids_follow_file_order(void **state)
{
	(void)state;
	assert_int_equal(parse("seed 1\nrecv -> eintr\nhost a 1.2.3.4\nsend -> eagain\nconnect -> refuse"), 0);
	assert_int_equal(sc.nrules, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(sc.rules[i].id, i + 1);
	assert_int_equal(sc.rules[2].line, 5);
	assert_int_equal(sc.rules[2].action, SF_ACT_REFUSE);
}

static void test_text_need_not_be_nul_terminated(void **state)
{
	(void)state;
	/* An exact-size heap copy: reading one byte past it is an ASan error. */
	static const char text[] = "recv every=3 -> delay 15ms";
	size_t len = strlen(text);
	char *copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, text, len);
	assert_int_equal(sf_scenario_parse("t.sf", copy, len, &sc, err, sizeof(err)), 0);
	assert_int_equal(sc.rules[0].amount.lo, 15000000ull);
	sf_scenario_free(&sc);
	/* A cut inside a word: "recv every=3 -> de" is an unknown action. */
	assert_int_equal(sf_scenario_parse("t.sf", copy, len - 8, &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "t.sf:1:17: unknown action 'de'");
	free(copy);
}

static void test_empty_text_is_an_empty_scenario(void **state)
{
	(void)state;
	assert_int_equal(sf_scenario_parse("t.sf", "", 0, &sc, err, sizeof(err)), 0);
	assert_int_equal(sc.nrules, 0);
	assert_null(sc.rules);
}

static void test_utf8_bom_is_skipped(void **state)
{
	(void)state;
	assert_int_equal(parse("\xef\xbb\xbfrecv -> eintr"), 0);
	assert_int_equal(sc.nrules, 1);
}

/* --- durations --- */

static void test_parse_duration_units(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		uint64_t ns;
	} ok[] = {
		{"7ns", 7},	    {"10us", 10000},	{"150ms", 150000000}, {"2s", 2000000000},
		{"1.5s", 1500000000}, {"1m", 60000000000}, {"0.25ms", 250000}, {".5s", 500000000},
		{"1h", 3600000000000ull},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t ns = 1;
		assert_int_equal(sf_parse_duration(ok[i].s, strlen(ok[i].s), &ns), 0);
		assert_int_equal(ns, ok[i].ns);
	}
}

static void test_parse_duration_rejects_bad_input(void **state)
{
	(void)state;
	static const char *const bad[] = {"", "2", "s", "2x", "-1s", "1.s", "2 s", "1e3s", "99999999999999h"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t ns = 0;
		if (sf_parse_duration(bad[i], strlen(bad[i]), &ns) != -1)
			fail_msg("'%s' should be rejected", bad[i]);
	}
}

static void test_parse_duration_reads_only_len_bytes(void **state)
{
	(void)state;
	uint64_t ns = 0;
	assert_int_equal(sf_parse_duration("15ms and more", 4, &ns), 0);
	assert_int_equal(ns, 15000000);
}

/* --- errors: exact positions --- */

static void test_unknown_action_reports_its_column(void **state)
{
	(void)state;
	expect_error("recv -> explode", "t.sf:1:9: unknown action 'explode'");
}

static void test_unknown_call_reports_its_column(void **state)
{
	(void)state;
	expect_error("recv,sendx -> eintr", "t.sf:1:6: unknown call 'sendx'");
}

static void test_unknown_first_word_is_an_unknown_directive(void **state)
{
	(void)state;
	expect_error("sede 5", "t.sf:1:1: unknown directive or call 'sede'");
}

static void test_unknown_key_reports_its_column(void **state)
{
	(void)state;
	expect_error("recv every=2 colour=red -> eintr", "t.sf:1:14: unknown key 'colour'");
}

static void test_missing_value_points_after_the_equals(void **state)
{
	(void)state;
	expect_error("recv nth= -> eintr", "t.sf:1:10: missing value");
}

static void test_bad_number_reports_the_value_column(void **state)
{
	(void)state;
	expect_error("recv every=x3 -> eintr", "t.sf:1:12: bad every 'x3'");
}

static void test_duplicate_key_is_an_error(void **state)
{
	(void)state;
	expect_error("recv prob=0.1 prob=0.2 -> eintr", "t.sf:1:15: duplicate key 'prob'");
}

static void test_two_schedules_conflict(void **state)
{
	(void)state;
	expect_error("recv nth=2 every=3 -> eintr", "t.sf:1:12: conflicting schedule");
}

static void test_prob_above_1_is_out_of_range(void **state)
{
	(void)state;
	expect_error("recv prob=1.5 -> eintr", "t.sf:1:11: prob '1.5' out of range");
	expect_error("recv prob=101% -> eintr", "t.sf:1:11: prob '101%' out of range");
}

static void test_port_above_65535_is_out_of_range(void **state)
{
	(void)state;
	expect_error("recv port=65536 -> eintr", "t.sf:1:11: bad port '65536'");
	expect_error("recv peer=1.2.3.4:70000 -> eintr", "t.sf:1:19: bad port '70000'");
}

static void test_ipv4_prefix_above_32_is_out_of_range(void **state)
{
	(void)state;
	expect_error("recv peer=10.0.0.0/40 -> eintr", "t.sf:1:20: bad prefix length '40' (0..32)");
}

static void test_ipv6_prefix_above_128_is_out_of_range(void **state)
{
	(void)state;
	expect_error("recv peer=[::1/129] -> eintr", "t.sf:1:16: bad prefix length '129' (0..128)");
}

static void test_bad_address_reports_its_column(void **state)
{
	(void)state;
	expect_error("recv peer=10.0.0.256 -> eintr", "t.sf:1:11: bad address '10.0.0.256'");
	expect_error("recv peer=[10.0.0.1]:80 -> eintr", "t.sf:1:12: brackets are for IPv6");
}

static void test_port_in_peer_and_port_key_conflict(void **state)
{
	(void)state;
	expect_error("recv peer=10.0.0.1:80 port=81 -> eintr", "t.sf:1:23: port given twice");
	expect_error("recv port=81 peer=10.0.0.1:80 -> eintr", "t.sf:1:14: port given twice");
}

static void test_zero_counts_are_out_of_range(void **state)
{
	(void)state;
	expect_error("\n\nrecv nth=0 -> eintr", "t.sf:3:10: nth must be at least 1");
	expect_error("recv every=0 -> eintr", "t.sf:1:12: every must be at least 1");
	expect_error("recv first=0 -> eintr", "t.sf:1:12: first must be at least 1");
	expect_error("recv when=0..3 -> eintr", "t.sf:1:11: call counts start at 1");
	expect_error("recv when=3+0 -> eintr", "t.sf:1:13: step must be at least 1");
	expect_error("recv conn=0 -> eintr", "t.sf:1:11: conn must be at least 1");
}

static void test_short_0_is_out_of_range(void **state)
{
	(void)state;
	expect_error("send -> short 0", "t.sf:1:15: short needs at least 1 byte");
	expect_error("send -> short 0..5", "t.sf:1:15: short needs at least 1 byte");
}

static void test_reversed_range_is_empty(void **state)
{
	(void)state;
	expect_error("recv when=9..3 -> eintr", "t.sf:1:11: empty range '9..3'");
	expect_error("recv bytes=2k..1k -> eintr", "t.sf:1:12: empty range");
	expect_error("send -> short 16..1", "t.sf:1:15: empty range");
}

static void test_time_needs_a_range(void **state)
{
	(void)state;
	expect_error("recv time=3s -> eintr", "t.sf:1:11: time needs a range");
}

static void test_duration_without_unit_is_missing_unit(void **state)
{
	(void)state;
	expect_error("recv -> delay 2", "t.sf:1:16: missing unit");
	expect_error("recv time=1..2s -> eintr", "t.sf:1:12: missing unit");
}

static void test_rate_without_per_second_is_an_error(void **state)
{
	(void)state;
	expect_error("send -> bandwidth 10k", "t.sf:1:19: bad rate '10k'");
	expect_error("send -> bandwidth 10", "t.sf:1:21: missing '/s'");
}

static void test_trailing_garbage_after_the_action(void **state)
{
	(void)state;
	expect_error("recv -> eagain now", "t.sf:1:16: unexpected 'now' after 'eagain'");
	expect_error("recv -> error EIO EINTR", "t.sf:1:19: unexpected 'EINTR'");
	expect_error("seed 1 2", "t.sf:1:8: unexpected '2'");
}

static void test_missing_arrow_is_reported(void **state)
{
	(void)state;
	expect_error("recv every=3", "t.sf:1:13: missing '-> ACTION'");
	expect_error("recv every=3 eintr", "t.sf:1:14: expected '->' before 'eintr'");
	expect_error("recv->eintr", "t.sf:1:5: '->' needs a space on each side");
}

static void test_missing_action_or_calls_around_the_arrow(void **state)
{
	(void)state;
	expect_error("recv ->", "t.sf:1:8: missing action");
	expect_error("  -> eintr", "t.sf:1:3: missing calls");
}

static void test_missing_action_argument_points_after_the_action(void **state)
{
	(void)state;
	expect_error("recv -> error", "t.sf:1:14: 'error' needs an errno name");
	expect_error("recv -> delay", "t.sf:1:14: 'delay' needs a duration");
}

static void test_action_on_a_call_it_cannot_apply_to(void **state)
{
	(void)state;
	expect_error("recv -> refuse", "t.sf:1:9: 'refuse' does not apply to recv");
	expect_error("send,connect -> close", "t.sf:1:17: 'close' does not apply to connect");
	expect_error("connect -> short 5", "t.sf:1:12: 'short' does not apply to connect");
	expect_error("poll -> reset", "t.sf:1:9: 'reset' does not apply to poll");
	expect_error("getaddrinfo -> eintr", "t.sf:1:16: 'eintr' does not apply to getaddrinfo");
	expect_error("connect -> eai EAI_AGAIN", "t.sf:1:12: 'eai' does not apply to connect");
	expect_error("getaddrinfo -> herror TRY_AGAIN", "t.sf:1:16: 'herror' does not apply to getaddrinfo");
	expect_error("recv proto=udp -> reorder", "t.sf:1:19: 'reorder' does not apply to recv (only to send calls)");
}

static void test_eintr_on_a_call_that_cannot_return_it(void **state)
{
	(void)state;
	expect_error("bind -> eintr", "t.sf:1:9: bind cannot return EINTR");
	expect_error("poll -> eagain", "t.sf:1:9: poll cannot return EAGAIN");
}

static void test_unknown_errno_reports_column(void **state)
{
	(void)state;
	expect_error("send -> error EBOGUS", "t.sf:1:15: unknown errno 'EBOGUS'");
}

static void test_errno_the_call_cannot_return_names_both(void **state)
{
	(void)state;
	expect_error("recv -> error EPIPE", "t.sf:1:15: recv cannot return EPIPE");
	expect_error("connect,recv -> error ECONNABORTED", "t.sf:1:23: connect cannot return ECONNABORTED");
}

static void test_udp_action_without_proto_udp(void **state)
{
	(void)state;
	expect_error("send -> drop", "t.sf:1:9: 'drop' acts on datagrams");
	expect_error("recv proto=tcp -> corrupt", "t.sf:1:19: 'corrupt' acts on datagrams");
}

static void test_name_on_a_non_resolver_call(void **state)
{
	(void)state;
	expect_error("connect name=x.test -> refuse", "t.sf:1:9: name= matches resolver calls only");
	expect_error("getaddrinfo,connect name=x -> delay 1s", "t.sf:1:21: name= matches resolver calls only");
}

static void test_socket_matcher_on_a_call_without_a_socket(void **state)
{
	(void)state;
	expect_error("getaddrinfo peer=1.2.3.4 -> delay 1s", "t.sf:1:13: peer= matches sockets");
	expect_error("poll port=80 -> timeout", "t.sf:1:6: port= matches sockets");
}

static void test_address_matchers_on_unix_sockets_never_match(void **state)
{
	(void)state;
	expect_error("recv family=unix port=80 -> eintr", "t.sf:1:18: port= never matches a family=unix socket");
	expect_error("recv peer=10.0.0.1 family=unix -> eintr", "t.sf:1:6: peer= never matches");
	expect_error("recv family=inet peer=[::1] -> eintr", "t.sf:1:18: peer= address is not of family=inet");
}

static void test_eai_arguments_are_checked(void **state)
{
	(void)state;
	expect_error("getaddrinfo -> eai EAI_SYSTEM", "t.sf:1:30: EAI_SYSTEM needs errno=");
	expect_error("getaddrinfo -> eai EAI_AGAIN errno=EIO", "t.sf:1:30: unexpected 'errno=EIO'");
	expect_error("getaddrinfo -> eai EAI_SYSTEM errno=EBOGUS", "t.sf:1:37: unknown errno 'EBOGUS'");
	expect_error("getaddrinfo -> eai EAI_NOPE", "t.sf:1:20: unknown getaddrinfo error");
	expect_error("getnameinfo -> eai EAI_NODATA", "t.sf:1:20: getnameinfo cannot return EAI_NODATA");
}

static void test_unknown_signal_and_h_errno(void **state)
{
	(void)state;
	expect_error("recv -> eintr signal=SIGKILL", "t.sf:1:22: unknown signal 'SIGKILL'");
	expect_error("gethostbyname -> herror NOPE", "t.sf:1:25: unknown h_errno 'NOPE'");
}

static void test_directive_given_twice(void **state)
{
	(void)state;
	expect_error("seed 1\n# again\nseed 2", "t.sf:3:1: duplicate 'seed' directive");
	expect_error("net kernel\nnet kernel", "t.sf:2:1: duplicate 'net'");
	expect_error("unknown-hosts pass\nunknown-hosts pass", "t.sf:2:1: duplicate 'unknown-hosts'");
}

static void test_directive_values_are_checked(void **state)
{
	(void)state;
	expect_error("seed -1", "t.sf:1:6: bad seed '-1'");
	expect_error("seed 18446744073709551616", "t.sf:1:6: bad seed");
	expect_error("net moon", "t.sf:1:5: bad net 'moon'");
	expect_error("unknown-hosts EAI_SYSTEM", "t.sf:1:15: bad unknown-hosts 'EAI_SYSTEM'");
	expect_error("seed", "t.sf:1:5: missing value after 'seed'");
}

static void test_host_lines_are_checked(void **state)
{
	(void)state;
	char text[512] = "host h";
	for (int i = 1; i <= SF_HOST_MAX_ADDRS + 1; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " 10.0.0.%d", i);
	/* "host h" + 16 x " 10.0.0.N": the 17th address starts at column 159. */
	expect_error(text, "t.sf:1:159: at most 16 addresses");
	expect_error("host h", "t.sf:1:7: host needs at least one address");
	expect_error("host h 10.0.0.1 bogus", "t.sf:1:17: bad address 'bogus'");
}

static void test_control_character_is_reported(void **state)
{
	(void)state;
	static const char text[] = "recv -> ei\0ntr";
	assert_int_equal(sf_scenario_parse("t.sf", text, sizeof(text) - 1, &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "t.sf:1:11: unexpected control character 0x00");
}

static void test_overlong_line_is_an_error(void **state)
{
	(void)state;
	size_t len = 5000;
	char *text = malloc(len);
	assert_non_null(text);
	memset(text, ' ', len);
	assert_int_equal(sf_scenario_parse("t.sf", text, len, &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "t.sf:1:4097: line longer than 4096 bytes");
	free(text);
}

static void test_too_many_rules_is_an_error(void **state)
{
	(void)state;
	static const char line[] = "recv -> eintr\n";
	size_t n = 100001, l = sizeof(line) - 1;
	char *text = malloc(n * l);
	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		memcpy(text + i * l, line, l);
	assert_int_equal(sf_scenario_parse("t.sf", text, (n - 1) * l, &sc, err, sizeof(err)), 0);
	assert_int_equal(sc.nrules, 100000);
	sf_scenario_free(&sc);
	assert_int_equal(sf_scenario_parse("t.sf", text, n * l, &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "t.sf:100001:1: too many rules (at most 100000)");
	free(text);
}

static void test_error_after_a_name_glob_frees_it(void **state)
{
	(void)state;
	/* The rule owns name= before its action fails: ASan's leak check
	 * fails this test if the parser forgets it. */
	expect_error("recv -> eintr\ngetaddrinfo name=*.test -> explode", "t.sf:2:28: unknown action");
}

static void test_error_message_is_truncated_to_errlen(void **state)
{
	(void)state;
	char small[12];
	memset(small, 'x', sizeof(small));
	assert_int_equal(sf_scenario_parse("t.sf", "recv -> x", 9, &sc, small, sizeof(small)), -1);
	assert_string_equal(small, "t.sf:1:9: u");
	/* errlen 0: nothing written. */
	assert_int_equal(sf_scenario_parse("t.sf", "recv -> x", 9, &sc, small, 0), -1);
	assert_string_equal(small, "t.sf:1:9: u");
}

/* --- files --- */

static char *write_temp(const char *text, size_t len)
{
	char *path = strdup("/tmp/sf_test_scenario_XXXXXX");
	assert_non_null(path);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	while (len) {
		size_t chunk = len > 1 << 20 ? 1 << 20 : len;
		ssize_t w = write(fd, text, chunk);
		assert_true(w > 0);
		text += w;
		len -= (size_t)w;
	}
	close(fd);
	return path;
}

static void test_load_parses_a_file(void **state)
{
	(void)state;
	static const char text[] = "seed 9\nrecv every=3 -> eintr\n";
	char *path = write_temp(text, sizeof(text) - 1);
	assert_int_equal(sf_scenario_load(path, &sc, err, sizeof(err)), 0);
	assert_int_equal(sc.nrules, 1);
	assert_int_equal(sc.seed, 9);
	assert_string_equal(sc.path, path);
	unlink(path);
	free(path);
}

static void test_load_reports_errors_with_the_file_path(void **state)
{
	(void)state;
	static const char text[] = "seed 9\nrecv every=3 -> explode\n";
	char *path = write_temp(text, sizeof(text) - 1);
	char want[256];
	snprintf(want, sizeof(want), "%s:2:17: unknown action 'explode'", path);
	assert_int_equal(sf_scenario_load(path, &sc, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	unlink(path);
	free(path);
}

static void test_load_of_a_missing_file_gives_strerror(void **state)
{
	(void)state;
	errno = 1234;
	assert_int_equal(sf_scenario_load("/nonexistent/x.sf", &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/x.sf: No such file or directory");
	assert_int_equal(errno, 1234); /* the program's errno is left alone */
}

static void test_load_of_a_directory_is_an_error(void **state)
{
	(void)state;
	assert_int_equal(sf_scenario_load("/tmp", &sc, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: Is a directory");
}

static void test_load_takes_16_mib_and_refuses_more(void **state)
{
	(void)state;
	size_t max = (size_t)16 << 20;
	char *text = malloc(max + 1);
	assert_non_null(text);
	memset(text, '\n', max + 1);
	char *path = write_temp(text, max);
	assert_int_equal(sf_scenario_load(path, &sc, err, sizeof(err)), 0);
	sf_scenario_free(&sc);
	unlink(path);
	free(path);
	path = write_temp(text, max + 1);
	char want[256];
	snprintf(want, sizeof(want), "%s: larger than 16 MiB", path);
	assert_int_equal(sf_scenario_load(path, &sc, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	unlink(path);
	free(path);
	free(text);
}

static void test_every_example_scenario_parses(void **state)
{
	(void)state;
	DIR *d = opendir(SF_EXAMPLES_DIR);
	assert_non_null(d);
	unsigned n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 4 || strcmp(e->d_name + l - 3, ".sf") != 0)
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", SF_EXAMPLES_DIR, e->d_name);
		if (sf_scenario_load(path, &sc, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		if (!sc.has_seed)
			fail_msg("%s has no seed line", path);
		if (!sc.nrules)
			fail_msg("%s has no rules", path);
		sf_scenario_free(&sc);
		n++;
	}
	closedir(d);
	assert_true(n >= 7);
}

/* --- links --- */

static void test_link_takes_every_property(void **state)
{
	(void)state;
	assert_int_equal(parse("net virtual\n"
			       "link 10.0.0.5 latency 20ms jitter 5ms bandwidth 1M/s loss 5% duplicate 1% reorder 0.02\n"),
			 0);
	assert_int_equal(sc.nlinks, 1);
	const struct sf_link *l = &sc.links[0];
	uint8_t want[4] = {10, 0, 0, 5};
	assert_int_equal(l->line, 2);
	assert_int_equal(l->addr.family, AF_INET);
	assert_memory_equal(l->addr.addr, want, 4);
	assert_int_equal(l->addr.prefix, 32);
	assert_int_equal(l->addr.port, -1);
	assert_int_equal(l->latency_ns, 20000000);
	assert_int_equal(l->jitter_ns, 5000000);
	assert_int_equal(l->rate, 1 << 20);
	assert_true(l->loss > 0.0499 && l->loss < 0.0501);
	assert_true(l->duplicate > 0.0099 && l->duplicate < 0.0101);
	assert_true(l->reorder > 0.0199 && l->reorder < 0.0201);
}

static void test_link_unset_properties_are_zero(void **state)
{
	(void)state;
	assert_int_equal(parse("net virtual\nlink 127.0.0.1:8080 latency 100ms\n"), 0);
	const struct sf_link *l = &sc.links[0];
	assert_int_equal(l->addr.port, 8080);
	assert_int_equal(l->latency_ns, 100000000);
	assert_int_equal(l->jitter_ns, 0);
	assert_int_equal(l->rate, 0);
	assert_true(l->loss == 0 && l->duplicate == 0 && l->reorder == 0);
	assert_int_equal(sc.nrules, 0);
}

static void test_link_addresses_are_like_peer_matchers(void **state)
{
	(void)state;
	assert_int_equal(parse("net virtual\nlink * latency 1ms\nlink [2001:db8::/32]:53 loss 1%\n"
			       "link ::1 latency 2ms\nlink 10.1.2.3/8 bandwidth 64k/s\n"),
			 0);
	assert_int_equal(sc.nlinks, 4);
	assert_int_equal(sc.links[0].addr.family, AF_UNSPEC);
	assert_int_equal(sc.links[1].addr.family, AF_INET6);
	assert_int_equal(sc.links[1].addr.prefix, 32);
	assert_int_equal(sc.links[1].addr.port, 53);
	assert_int_equal(sc.links[2].addr.family, AF_INET6);
	assert_int_equal(sc.links[2].addr.port, -1);
	uint8_t net10[4] = {10, 0, 0, 0};
	assert_memory_equal(sc.links[3].addr.addr, net10, 4);
	assert_int_equal(sc.links[3].rate, 64 << 10);
}

static void test_link_lines_need_net_virtual(void **state)
{
	(void)state;
	expect_error("seed 1\nlink * latency 1ms\n", "t.sf:2:1: link lines need 'net virtual'");
	expect_error("link * latency 1ms\nnet kernel\n", "t.sf:1:1: link lines need 'net virtual'");
	assert_int_equal(parse("link * latency 1ms\nnet virtual\n"), 0);
}

static void test_link_lines_cannot_join_a_peer_script(void **state)
{
	(void)state;
	expect_error("net virtual\npeer 1 in\nlink * latency 1ms\n",
		     "t.sf:3:1: link lines cannot be used with peer lines");
}

static void test_link_errors_point_at_the_word(void **state)
{
	(void)state;
	expect_error("net virtual\nlink\n", "t.sf:2:5: link needs an address");
	expect_error("net virtual\nlink 10.0.0.5\n", "t.sf:2:14: link needs at least one of");
	expect_error("net virtual\nlink 10.0.0.x latency 1ms\n", "t.sf:2:6: bad address '10.0.0.x'");
	expect_error("net virtual\nlink * speed 1ms\n", "t.sf:2:8: unknown link property 'speed'");
	expect_error("net virtual\nlink * latency=1ms\n", "t.sf:2:8: link properties are 'NAME VALUE'");
	expect_error("net virtual\nlink * latency\n", "t.sf:2:15: missing value after 'latency'");
	expect_error("net virtual\nlink * latency 20\n", "t.sf:2:18: missing unit after latency '20'");
	expect_error("net virtual\nlink * latency 2h\n", "t.sf:2:16: latency '2h' too large");
	expect_error("net virtual\nlink * bandwidth 1M\n", "t.sf:2:18: bad bandwidth '1M'");
	expect_error("net virtual\nlink * bandwidth 100\n", "t.sf:2:21: missing '/s' after bandwidth '100'");
	expect_error("net virtual\nlink * bandwidth 0/s\n", "t.sf:2:18: bandwidth must be at least 1/s");
	expect_error("net virtual\nlink * loss 120%\n", "t.sf:2:13: loss '120%' out of range");
	expect_error("net virtual\nlink * duplicate x\n", "t.sf:2:18: bad duplicate 'x'");
	expect_error("net virtual\nlink * latency 1ms latency 2ms\n", "t.sf:2:20: 'latency' given twice");
}

static void test_link_jitter_and_reorder_need_latency(void **state)
{
	(void)state;
	expect_error("net virtual\nlink * jitter 1ms\n", "t.sf:2:8: jitter needs latency");
	expect_error("net virtual\nlink * loss 1% reorder 5%\n", "t.sf:2:16: reorder needs a non-zero latency");
	expect_error("net virtual\nlink * latency 0ms reorder 5%\n", "t.sf:2:20: reorder needs a non-zero latency");
	assert_int_equal(parse("net virtual\nlink * reorder 5% latency 1ms\n"), 0);
}

static void test_link_keys_ignore_other_lines_and_separate_twins(void **state)
{
	(void)state;
	assert_int_equal(parse("net virtual\nlink * loss 5%\n"), 0);
	uint64_t alone = sc.links[0].rng_key;
	sf_scenario_free(&sc);
	assert_int_equal(parse("net virtual\nlink 10.0.0.1 latency 1ms\nlink   *  loss 5%  # lossy\n"
			       "link * loss 5%\n"),
			 0);
	assert_true(sc.links[1].rng_key == alone);
	assert_true(sc.links[2].rng_key != alone);
	assert_true(sc.links[0].rng_key != alone);
}

/* --- random stream keys --- */

static uint64_t key_of_rule(const char *text, unsigned index)
{
	if (parse(text) != 0)
		fail_msg("%s", err);
	uint64_t k = sc.rules[index].rng_key;
	sf_scenario_free(&sc);
	return k;
}

static void test_rng_key_ignores_other_rules(void **state)
{
	(void)state;
	uint64_t alone = key_of_rule("send prob=0.5 -> short 1..16", 0);
	assert_true(alone != 0);
	assert_true(key_of_rule("seed 3\nrecv -> eintr\n\nsend prob=0.5 -> short 1..16\nconnect -> refuse", 1) == alone);
	assert_true(key_of_rule("connect -> refuse\nsend prob=0.5 -> short 1..16", 1) == alone);
}

static void test_rng_key_ignores_spacing_and_comments(void **state)
{
	(void)state;
	uint64_t a = key_of_rule("send prob=0.5 -> short 1..16", 0);
	assert_true(key_of_rule("  send\tprob=0.5   ->  short 1..16   # cut\r\n", 0) == a);
}

static void test_rng_key_differs_for_different_text(void **state)
{
	(void)state;
	assert_true(key_of_rule("recv prob=0.5 -> eintr", 0) != key_of_rule("recv prob=0.6 -> eintr", 0));
}

static void test_identical_rules_get_distinct_keys(void **state)
{
	(void)state;
	assert_int_equal(parse("recv -> eintr\nrecv -> eintr\nsend -> eagain\nrecv -> eintr\nrecv -> eintr"), 0);
	uint64_t k[4] = {sc.rules[0].rng_key, sc.rules[1].rng_key, sc.rules[3].rng_key, sc.rules[4].rng_key};
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < i; j++)
			assert_true(k[i] != k[j]);
	sf_scenario_free(&sc);
	/* The first of the copies keeps the key the rule has alone, and the
	 * second the same key whatever comes between. */
	assert_true(key_of_rule("recv -> eintr", 0) == k[0]);
	assert_true(key_of_rule("recv -> eintr\nconnect -> refuse\nrecv -> eintr", 2) == k[1]);
}

/* --- the peer script --- */

static void test_peer_lines_declare_connections_in_order(void **state)
{
	(void)state;
	assert_int_equal(parse("net virtual\npeer 1 in\npeer 2 out\npeer 3 any listen=2\n"), 0);
	assert_int_equal(sc.npeer, 3);
	assert_int_equal(sc.npeer_conns, 3);
	assert_int_equal(sc.peer[0].op, SF_PEER_OPEN);
	assert_int_equal(sc.peer[0].dir, SF_PEER_IN);
	assert_int_equal(sc.peer[0].listen, 1);
	assert_int_equal(sc.peer[0].line, 2);
	assert_int_equal(sc.peer[1].dir, SF_PEER_OUT);
	assert_int_equal(sc.peer[1].listen, 0);
	assert_int_equal(sc.peer[2].dir, SF_PEER_ANY);
	assert_int_equal(sc.peer[2].listen, 2);
	assert_int_equal(sc.peer[2].conn, 3);
}

static void test_peer_send_is_one_chunk_of_hex_bytes(void **state)
{
	(void)state;
	assert_int_equal(parse("net virtual\npeer 1 in\npeer 1 send 4e00fF\npeer 1 send 41\n"), 0);
	assert_int_equal(sc.npeer, 3);
	assert_int_equal(sc.peer[1].op, SF_PEER_SEND);
	assert_int_equal(sc.peer[1].len, 3);
	assert_memory_equal(sc.peer[1].data, "\x4e\x00\xff", 3);
	assert_int_equal(sc.peer[2].len, 1);
}

static void test_peer_more_continues_the_same_chunk(void **state)
{
	(void)state;
	assert_int_equal(parse("net virtual\npeer 1 in\npeer 1 send 4142\npeer 1 more 43\n"), 0);
	assert_int_equal(sc.npeer, 2);
	assert_int_equal(sc.peer[1].len, 3);
	assert_memory_equal(sc.peer[1].data, "ABC", 3);
}

static void test_peer_fin_and_reset_are_steps(void **state)
{
	(void)state;
	assert_int_equal(parse("net virtual\npeer 1 in\npeer 2 out\npeer 1 fin\npeer 2 reset\n"), 0);
	assert_int_equal(sc.npeer, 4);
	assert_int_equal(sc.peer[2].op, SF_PEER_FIN);
	assert_int_equal(sc.peer[2].conn, 1);
	assert_int_equal(sc.peer[3].op, SF_PEER_RESET);
	assert_int_equal(sc.peer[3].conn, 2);
}

static void test_peer_lines_need_net_virtual(void **state)
{
	(void)state;
	expect_error("seed 1\npeer 1 in\n", "t.sf:2:1: peer lines need 'net virtual'");
	assert_int_equal(sc.npeer, 0);
	assert_null(sc.peer);
	/* net may come after the peer lines. */
	assert_int_equal(parse("peer 1 in\nnet virtual\n"), 0);
}

static void test_peer_errors_point_at_the_word(void **state)
{
	(void)state;
	expect_error("net virtual\npeer 2 in\n", "t.sf:2:6: connections are declared in order");
	expect_error("net virtual\npeer 1 send 41\n", "t.sf:2:6: connection 1 is not declared");
	expect_error("net virtual\npeer 1 in\npeer 1 send 4\n", "t.sf:3:13: odd number of hex digits");
	expect_error("net virtual\npeer 1 in\npeer 1 send 4g\n", "t.sf:3:14: bad hex digit 'g'");
	expect_error("net virtual\npeer 1 in\npeer 1 send\n", "t.sf:3:12: send needs the data");
	expect_error("net virtual\npeer 1 in\npeer 1 jump\n", "t.sf:3:8: unknown peer step 'jump'");
	expect_error("net virtual\npeer 1 out listen=1\n", "t.sf:2:12: unexpected 'listen=1'");
	expect_error("net virtual\npeer 1 in listen=0\n", "t.sf:2:18: listen must be at least 1");
	expect_error("net virtual\npeer 0 in\n", "t.sf:2:6: connection must be at least 1");
	expect_error("net virtual\npeer\n", "t.sf:2:5: peer needs a connection number");
	expect_error("net virtual\npeer 1 in\npeer 1 more 41\n", "t.sf:3:8: more continues a send");
	expect_error("net virtual\npeer 1 in\npeer 1 fin\npeer 1 send 41\n", "t.sf:4:8: connection 1 sent its fin");
	expect_error("net virtual\npeer 1 in\npeer 1 reset\npeer 1 fin\n", "t.sf:4:8: connection 1 was reset");
}

static void test_peer_error_after_data_frees_it(void **state)
{
	(void)state;
	/* LSan (ASan build) reports the chunk if the error path drops it. */
	expect_error("net virtual\npeer 1 in\npeer 1 send 414243\npeer 1 more 4\n", "t.sf:4:13: ");
}

#define T(f) cmocka_unit_test_teardown(f, free_scenario)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rule_defaults_match_the_header),
		T(test_peer_lines_declare_connections_in_order),
		T(test_peer_send_is_one_chunk_of_hex_bytes),
		T(test_peer_more_continues_the_same_chunk),
		T(test_peer_fin_and_reset_are_steps),
		T(test_peer_lines_need_net_virtual),
		T(test_peer_errors_point_at_the_word),
		T(test_peer_error_after_data_frees_it),
		T(test_family_name_means_the_whole_family),
		T(test_call_name_means_that_call_only),
		T(test_call_list_is_the_union),
		T(test_star_is_every_call_but_the_resolver),
		T(test_resolve_family_covers_the_resolver_calls),
		T(test_every_3rd_recv_sets_step),
		T(test_nth_is_that_call_only),
		T(test_first_n_is_calls_1_to_n),
		T(test_after_n_starts_at_n_plus_1),
		T(test_after_0_is_every_call),
		T(test_when_a_alone_is_call_a_only),
		T(test_when_a_dots_runs_forever),
		T(test_when_range_with_step),
		T(test_when_step_without_end_runs_forever_like_strace),
		T(test_prob_accepts_a_fraction),
		T(test_prob_accepts_a_percentage),
		T(test_time_window_is_in_ns_since_start),
		T(test_bytes_window_takes_binary_suffixes),
		T(test_schedule_combines_with_prob_time_and_bytes),
		T(test_peer_ipv4_with_prefix_and_port),
		T(test_peer_without_prefix_is_one_host),
		T(test_peer_prefix_clears_host_bits),
		T(test_peer_ipv6_in_brackets_with_port),
		T(test_peer_ipv6_network_in_brackets),
		T(test_bare_ipv6_peer_has_no_port),
		T(test_peer_star_with_port_is_any_address),
		T(test_port_sets_the_peer_port),
		T(test_socket_matchers_are_stored),
		T(test_name_glob_is_kept_for_resolver_calls),
		T(test_eintr_takes_an_optional_signal),
		T(test_eagain_parses_on_calls_that_return_it),
		T(test_error_stores_the_errno),
		T(test_short_takes_a_count_or_range),
		T(test_delay_is_stored_in_ns),
		T(test_bandwidth_is_stored_in_bytes_per_second),
		T(test_truncate_stores_the_byte_count),
		T(test_argumentless_actions_parse_on_their_calls),
		T(test_udp_actions_parse_with_proto_udp),
		T(test_eai_system_carries_an_errno),
		T(test_herror_stores_h_errno),
		T(test_delay_applies_to_resolver_calls),
		T(test_options_may_follow_the_action),
		T(test_action_names_are_complete_and_distinct),
		T(test_seed_takes_decimal_or_hex),
		T(test_net_virtual_is_recorded),
		T(test_unknown_hosts_stores_the_eai_code),
		T(test_host_keeps_pattern_and_addresses),
		T(test_host_accepts_16_addresses),
		T(test_comments_blank_lines_and_crlf_are_ignored),
		T(test_rule_ids_follow_file_order),
		T(test_text_need_not_be_nul_terminated),
		T(test_empty_text_is_an_empty_scenario),
		T(test_utf8_bom_is_skipped),
		T(test_parse_duration_units),
		T(test_parse_duration_rejects_bad_input),
		T(test_parse_duration_reads_only_len_bytes),
		T(test_unknown_action_reports_its_column),
		T(test_unknown_call_reports_its_column),
		T(test_unknown_first_word_is_an_unknown_directive),
		T(test_unknown_key_reports_its_column),
		T(test_missing_value_points_after_the_equals),
		T(test_bad_number_reports_the_value_column),
		T(test_duplicate_key_is_an_error),
		T(test_two_schedules_conflict),
		T(test_prob_above_1_is_out_of_range),
		T(test_port_above_65535_is_out_of_range),
		T(test_ipv4_prefix_above_32_is_out_of_range),
		T(test_ipv6_prefix_above_128_is_out_of_range),
		T(test_bad_address_reports_its_column),
		T(test_port_in_peer_and_port_key_conflict),
		T(test_zero_counts_are_out_of_range),
		T(test_short_0_is_out_of_range),
		T(test_reversed_range_is_empty),
		T(test_time_needs_a_range),
		T(test_duration_without_unit_is_missing_unit),
		T(test_rate_without_per_second_is_an_error),
		T(test_trailing_garbage_after_the_action),
		T(test_missing_arrow_is_reported),
		T(test_missing_action_or_calls_around_the_arrow),
		T(test_missing_action_argument_points_after_the_action),
		T(test_action_on_a_call_it_cannot_apply_to),
		T(test_eintr_on_a_call_that_cannot_return_it),
		T(test_unknown_errno_reports_column),
		T(test_errno_the_call_cannot_return_names_both),
		T(test_udp_action_without_proto_udp),
		T(test_name_on_a_non_resolver_call),
		T(test_socket_matcher_on_a_call_without_a_socket),
		T(test_address_matchers_on_unix_sockets_never_match),
		T(test_eai_arguments_are_checked),
		T(test_unknown_signal_and_h_errno),
		T(test_directive_given_twice),
		T(test_directive_values_are_checked),
		T(test_host_lines_are_checked),
		T(test_control_character_is_reported),
		T(test_overlong_line_is_an_error),
		T(test_too_many_rules_is_an_error),
		T(test_error_after_a_name_glob_frees_it),
		T(test_error_message_is_truncated_to_errlen),
		T(test_load_parses_a_file),
		T(test_load_reports_errors_with_the_file_path),
		T(test_load_of_a_missing_file_gives_strerror),
		T(test_load_of_a_directory_is_an_error),
		T(test_load_takes_16_mib_and_refuses_more),
		T(test_every_example_scenario_parses),
		T(test_rng_key_ignores_other_rules),
		T(test_rng_key_ignores_spacing_and_comments),
		T(test_rng_key_differs_for_different_text),
		T(test_identical_rules_get_distinct_keys),
		T(test_link_takes_every_property),
		T(test_link_unset_properties_are_zero),
		T(test_link_addresses_are_like_peer_matchers),
		T(test_link_lines_need_net_virtual),
		T(test_link_lines_cannot_join_a_peer_script),
		T(test_link_errors_point_at_the_word),
		T(test_link_jitter_and_reorder_need_latency),
		T(test_link_keys_ignore_other_lines_and_separate_twins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
