/* The resolver's pure logic (shim/interpose/resolve.c), linked from sockfault_core,
 * never preloaded: hints and services against glibc's own getaddrinfo, the
 * RFC 3484 ordering, the table lookups, and the memory the answers live in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve/resolve.h"

static struct sf_host host_of(const char *pattern, const char *const *addrs)
{
	struct sf_host h = {.pattern = (char *)pattern};
	for (; *addrs; addrs++, h.naddrs++) {
		if (inet_pton(AF_INET, *addrs, h.addrs[h.naddrs].addr) == 1)
			h.addrs[h.naddrs].family = AF_INET;
		else if (inet_pton(AF_INET6, *addrs, h.addrs[h.naddrs].addr) == 1)
			h.addrs[h.naddrs].family = AF_INET6;
		else
			fail_msg("bad address %s", *addrs);
	}
	return h;
}

/* --- hints and services: exactly glibc's answers --------------------------
 * For a numeric host glibc's answer is one entry per (type, protocol, port)
 * tuple, in tuple order, so the tuples and every error code that comes
 * before the name can be compared with glibc itself. */

static void prepare_matches_glibc_for_every_hints_combination(void **state)
{
	(void)state;
	static const int flags[] = {0, AI_PASSIVE, AI_CANONNAME, AI_NUMERICSERV, AI_ADDRCONFIG,
				    AI_V4MAPPED | AI_ALL, 0x400, 0x8000};
	static const int families[] = {AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, 99};
	static const int socktypes[] = {0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_DCCP,
					SOCK_RDM, 99};
	static const int protocols[] = {0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_UDPLITE,
					IPPROTO_DCCP, 99};
	static const char *const services[] = {NULL, "", "*", "0", "80", "65535", "65536", "99999",
					       "4294967295", "4294967296", "-1", " 80", "+80", "0x50",
					       "80a", "http", "https", "echo", "domain", "nosuch"};
	struct sf_netinfo ni;
	sf_netinfo_read(&ni);
	unsigned compared = 0;
	for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
		for (size_t fa = 0; fa < sizeof(families) / sizeof(families[0]); fa++)
			for (size_t st = 0; st < sizeof(socktypes) / sizeof(socktypes[0]); st++)
				for (size_t pr = 0; pr < sizeof(protocols) / sizeof(protocols[0]); pr++)
					for (size_t sv = 0; sv < sizeof(services) / sizeof(services[0]); sv++) {
		struct addrinfo hints = {.ai_flags = flags[f] | AI_NUMERICHOST, .ai_family = families[fa],
					 .ai_socktype = socktypes[st], .ai_protocol = protocols[pr]};
		const char *host = families[fa] == AF_INET6 ? "::1" : "127.0.0.1";
		struct addrinfo *res = NULL;
		int want = getaddrinfo(host, services[sv], &hints, &res);
		struct sf_gai_req req;
		int got = sf_gai_prepare(&hints, services[sv], &ni, NULL, &req);
		char what[160];
		snprintf(what, sizeof(what), "flags %#x family %d socktype %d protocol %d service %s",
			 hints.ai_flags, hints.ai_family, hints.ai_socktype, hints.ai_protocol,
			 services[sv] ? services[sv] : "NULL");
		if (want != 0) {
			if (got != want)
				fail_msg("%s: glibc %d, prepare %d", what, want, got);
			continue;
		}
		if (got != 0)
			fail_msg("%s: glibc answers, prepare says %d", what, got);
		unsigned i = 0;
		for (struct addrinfo *ai = res; ai; ai = ai->ai_next, i++) {
			uint16_t port = ((struct sockaddr_in *)ai->ai_addr)->sin_port;
			if (i >= req.ntuples || ai->ai_socktype != req.tuples[i].socktype ||
			    ai->ai_protocol != req.tuples[i].protocol || port != req.tuples[i].port)
				fail_msg("%s: entry %u is (%d, %d, %u), prepare has (%d, %d, %u) of %u", what,
					 i, ai->ai_socktype, ai->ai_protocol, ntohs(port),
					 i < req.ntuples ? req.tuples[i].socktype : -1,
					 i < req.ntuples ? req.tuples[i].protocol : -1,
					 i < req.ntuples ? ntohs(req.tuples[i].port) : 0, req.ntuples);
			if (ai->ai_flags != req.flags)
				fail_msg("%s: ai_flags %#x, prepare %#x", what, ai->ai_flags, req.flags);
		}
		if (i != req.ntuples)
			fail_msg("%s: glibc has %u entries, prepare %u tuples", what, i, req.ntuples);
		freeaddrinfo(res);
		compared++;
	}
	assert_true(compared > 1000);
}

static void prepare_without_hints_uses_glibc_defaults(void **state)
{
	(void)state;
	struct sf_gai_req req;
	assert_int_equal(sf_gai_prepare(NULL, "443", NULL, NULL, &req), 0);
	assert_int_equal(req.flags, AI_V4MAPPED | AI_ADDRCONFIG);
	assert_int_equal(req.ntuples, 3);
	assert_int_equal(req.tuples[0].socktype, SOCK_STREAM);
	assert_int_equal(req.tuples[1].socktype, SOCK_DGRAM);
	assert_int_equal(req.tuples[2].socktype, SOCK_RAW);
	assert_int_equal(ntohs(req.tuples[2].port), 443);
}

static void addrconfig_narrows_to_the_configured_family(void **state)
{
	(void)state;
	struct sf_netinfo v4only = {.seen_ipv4 = true}, none = {0};
	struct addrinfo hints = {.ai_flags = AI_ADDRCONFIG};
	struct sf_gai_req req;
	assert_int_equal(sf_gai_prepare(&hints, NULL, &v4only, NULL, &req), 0);
	assert_int_equal(req.family, AF_INET);
	hints.ai_family = AF_INET6;
	assert_int_equal(sf_gai_prepare(&hints, NULL, &v4only, NULL, &req), EAI_NONAME);
	/* Nothing configured at all: glibc leaves AF_UNSPEC alone. */
	hints.ai_family = AF_UNSPEC;
	assert_int_equal(sf_gai_prepare(&hints, NULL, &none, NULL, &req), 0);
	assert_int_equal(req.family, AF_UNSPEC);
	/* Interfaces unknown: both families count as seen. */
	hints.ai_family = AF_INET6;
	assert_int_equal(sf_gai_prepare(&hints, NULL, NULL, NULL, &req), 0);
}

/* --- ordering ------------------------------------------------------------ */

static struct sf_gai_dest dest(const char *addr, const char *src, unsigned prefixlen, unsigned index)
{
	struct sf_gai_dest d = {.index = index, .src_prefixlen = prefixlen};
	d.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(d.family, addr, d.addr), 1);
	if (src) {
		d.got_src = true;
		d.src_family = d.family;
		assert_int_equal(inet_pton(d.family, src, d.src), 1);
	}
	return d;
}

static void assert_order(struct sf_gai_dest *d, unsigned n, const char *const *want)
{
	sf_gai_sort(d, n);
	for (unsigned i = 0; i < n; i++) {
		char text[INET6_ADDRSTRLEN];
		inet_ntop(d[i].family, d[i].addr, text, sizeof(text));
		if (strcmp(text, want[i]) != 0)
			fail_msg("position %u: %s, expected %s", i, text, want[i]);
	}
}

static void loopback_ipv6_goes_before_ipv4(void **state)
{
	(void)state;
	/* What glibc does with localhost's ::1 and 127.0.0.1: precedence 50
	 * beats IPv4's 10. */
	struct sf_gai_dest d[] = {dest("127.0.0.1", "127.0.0.1", 8, 0), dest("::1", "::1", 128, 1)};
	assert_order(d, 2, (const char *const[]){"::1", "127.0.0.1"});
}

static void unusable_destinations_go_last(void **state)
{
	(void)state;
	struct sf_gai_dest d[] = {dest("2001:db8::1", NULL, 0, 0), dest("192.0.2.9", "192.0.2.2", 24, 1)};
	assert_order(d, 2, (const char *const[]){"192.0.2.9", "2001:db8::1"});
}

static void ula_source_prefers_ipv4_over_global_ipv6(void **state)
{
	(void)state;
	/* Rule 5: a ULA source (label 6) does not match a global destination
	 * (label 1); IPv4 matches its own label. */
	struct sf_gai_dest d[] = {dest("2001:db8::1", "fd00::2", 64, 0), dest("192.0.2.9", "192.0.2.2", 24, 1)};
	assert_order(d, 2, (const char *const[]){"192.0.2.9", "2001:db8::1"});
}

static void global_source_prefers_ipv6(void **state)
{
	(void)state;
	struct sf_gai_dest d[] = {dest("192.0.2.9", "192.0.2.2", 24, 0), dest("2001:db8::1", "2001:db8::2", 64, 1)};
	assert_order(d, 2, (const char *const[]){"2001:db8::1", "192.0.2.9"});
}

static void same_subnet_ipv4_goes_first(void **state)
{
	(void)state;
	/* Rule 9 with glibc's subnet condition. */
	struct sf_gai_dest d[] = {dest("198.51.100.7", "192.0.2.2", 24, 0), dest("192.0.2.77", "192.0.2.2", 24, 1)};
	assert_order(d, 2, (const char *const[]){"192.0.2.77", "198.51.100.7"});
	/* Prefix length unknown: only an identical address counts, so the
	 * table order stays. */
	struct sf_gai_dest e[] = {dest("198.51.100.7", "192.0.2.2", 0, 0), dest("192.0.2.77", "192.0.2.2", 0, 1)};
	assert_order(e, 2, (const char *const[]){"198.51.100.7", "192.0.2.77"});
}

static void equal_destinations_keep_table_order(void **state)
{
	(void)state;
	struct sf_gai_dest d[] = {dest("203.0.113.3", NULL, 0, 0), dest("203.0.113.1", NULL, 0, 1),
				  dest("203.0.113.2", NULL, 0, 2)};
	assert_order(d, 3, (const char *const[]){"203.0.113.3", "203.0.113.1", "203.0.113.2"});
}

/* --- the table ------------------------------------------------------------ */

static void lookup_is_first_match_case_insensitive(void **state)
{
	(void)state;
	struct sf_host hosts[] = {
		host_of("api.example.test", (const char *const[]){"10.0.0.1", NULL}),
		host_of("*.example.test", (const char *const[]){"10.0.0.2", NULL}),
		host_of("*", (const char *const[]){"10.0.0.3", NULL}),
	};
	struct sf_scenario sc = {.hosts = hosts, .nhosts = 3};
	assert_ptr_equal(sf_resolve_lookup(&sc, "API.Example.TEST"), &hosts[0]);
	assert_ptr_equal(sf_resolve_lookup(&sc, "api.example.test."), &hosts[0]);
	assert_ptr_equal(sf_resolve_lookup(&sc, "www.example.test"), &hosts[1]);
	assert_ptr_equal(sf_resolve_lookup(&sc, "elsewhere"), &hosts[2]);
	assert_null(sf_resolve_lookup(&sc, ""));
	struct sf_scenario none = {0};
	assert_null(sf_resolve_lookup(&none, "api.example.test"));
}

static void reverse_skips_globs(void **state)
{
	(void)state;
	struct sf_host hosts[] = {
		host_of("*.example.test", (const char *const[]){"10.0.0.1", NULL}),
		host_of("api.example.test", (const char *const[]){"2001:db8::1", "10.0.0.1", NULL}),
		host_of("other.test", (const char *const[]){"10.0.0.1", NULL}),
	};
	struct sf_scenario sc = {.hosts = hosts, .nhosts = 3};
	uint8_t a4[4] = {10, 0, 0, 1}, a6[16], x[4] = {10, 0, 0, 9};
	inet_pton(AF_INET6, "2001:db8::1", a6);
	assert_ptr_equal(sf_resolve_reverse(&sc, AF_INET, a4), &hosts[1]);
	assert_ptr_equal(sf_resolve_reverse(&sc, AF_INET6, a6), &hosts[1]);
	assert_null(sf_resolve_reverse(&sc, AF_INET, x));
	assert_null(sf_resolve_reverse(&sc, AF_UNIX, a4));
}

static void numeric_names_are_glibcs(void **state)
{
	(void)state;
	static const char *const numeric[] = {"127.0.0.1", "127.1", "0x7f.1", "017700000001", "::1",
					      "fe80::1%lo", "fe80::1%1", "::ffff:1.2.3.4", "1.2.3"};
	static const char *const names[] = {"localhost", "127.0.0.1 ", "1.2.3.4.5", "::1::", "",
					    "api.example.test", "1.2.3.", "fe80::zz%lo"};
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST}, *res;
	for (size_t i = 0; i < sizeof(numeric) / sizeof(numeric[0]); i++) {
		if (!sf_resolve_is_numeric(numeric[i]))
			fail_msg("%s should be numeric", numeric[i]);
		if (getaddrinfo(numeric[i], NULL, &hints, &res) != 0)
			fail_msg("glibc does not take %s as numeric", numeric[i]);
		freeaddrinfo(res);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (sf_resolve_is_numeric(names[i]))
			fail_msg("'%s' should be a name", names[i]);
		if (getaddrinfo(names[i], NULL, &hints, &res) == 0)
			fail_msg("glibc takes '%s' as numeric", names[i]);
	}
}

/* --- answers --------------------------------------------------------------- */

static void answer_maps_ipv4_only_when_asked(void **state)
{
	(void)state;
	struct sf_host v4 = host_of("v4.test", (const char *const[]){"192.0.2.1", NULL});
	struct sf_host both = host_of("both.test", (const char *const[]){"192.0.2.1", "2001:db8::1", NULL});
	struct addrinfo hints = {.ai_family = AF_INET6, .ai_socktype = SOCK_STREAM}, *res;
	struct sf_gai_req req;
	char text[INET6_ADDRSTRLEN];

	assert_int_equal(sf_gai_prepare(&hints, "80", NULL, NULL, &req), 0);
	assert_int_equal(sf_gai_answer(&v4, "v4.test", &req, NULL, NULL, &res), EAI_NONAME);

	hints.ai_flags = AI_V4MAPPED;
	assert_int_equal(sf_gai_prepare(&hints, "80", NULL, NULL, &req), 0);
	assert_int_equal(sf_gai_answer(&v4, "v4.test", &req, NULL, NULL, &res), 0);
	assert_string_equal(inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, text,
				      sizeof(text)),
			    "::ffff:192.0.2.1");
	assert_null(res->ai_next);
	sf_resolve_freeaddrinfo(res, NULL);

	/* An IPv6 address exists: no mapping without AI_ALL. */
	assert_int_equal(sf_gai_answer(&both, "both.test", &req, NULL, NULL, &res), 0);
	assert_null(res->ai_next);
	assert_int_equal(res->ai_family, AF_INET6);
	sf_resolve_freeaddrinfo(res, NULL);

	hints.ai_flags = AI_V4MAPPED | AI_ALL;
	assert_int_equal(sf_gai_prepare(&hints, "80", NULL, NULL, &req), 0);
	assert_int_equal(sf_gai_answer(&both, "both.test", &req, NULL, NULL, &res), 0);
	assert_non_null(res->ai_next);
	assert_null(res->ai_next->ai_next);
	sf_resolve_freeaddrinfo(res, NULL);

	hints.ai_family = AF_INET;
	hints.ai_flags = 0;
	struct sf_host v6 = host_of("v6.test", (const char *const[]){"2001:db8::1", NULL});
	assert_int_equal(sf_gai_prepare(&hints, "80", NULL, NULL, &req), 0);
	assert_int_equal(sf_gai_answer(&v6, "v6.test", &req, NULL, NULL, &res), EAI_NONAME);
}

static void answer_lists_are_told_apart_from_glibcs(void **state)
{
	(void)state;
	struct sf_host h = host_of("h.test", (const char *const[]){"192.0.2.1", "192.0.2.2", NULL});
	struct addrinfo hints = {.ai_flags = AI_CANONNAME}, *ours, *theirs;
	struct sf_gai_req req;
	assert_int_equal(sf_gai_prepare(&hints, NULL, NULL, NULL, &req), 0);
	assert_int_equal(sf_gai_answer(&h, "H.test", &req, NULL, NULL, &ours), 0);
	assert_int_equal(getaddrinfo("127.0.0.1", "80", &hints, &theirs), 0);
	unsigned n = 0;
	for (struct addrinfo *ai = ours; ai; ai = ai->ai_next, n++) {
		assert_true(sf_resolve_owns(ai));
		assert_true(n == 0 ? ai->ai_canonname && !strcmp(ai->ai_canonname, "H.test")
				   : ai->ai_canonname == NULL);
	}
	assert_int_equal(n, 6); /* two addresses, three socket types */
	for (struct addrinfo *ai = theirs; ai; ai = ai->ai_next)
		assert_false(sf_resolve_owns(ai));
	/* A program that splices glibc's list behind ours: each part goes to
	 * its own allocator (ASan checks the frees). */
	struct addrinfo *last = ours;
	while (last->ai_next)
		last = last->ai_next;
	last->ai_next = theirs;
	sf_resolve_freeaddrinfo(ours, freeaddrinfo);
}

static void hostent_fits_exactly_or_is_erange(void **state)
{
	(void)state;
	const uint8_t addrs[2][16] = {{192, 0, 2, 1}, {192, 0, 2, 2}};
	struct hostent he;
	char *buf = malloc(256);
	assert_non_null(buf);
	size_t need = 0;
	for (size_t len = 0; len <= 256; len++) {
		if (sf_resolve_hostent(&he, buf + 1, len, "name.test", AF_INET, addrs, 2) == 0) {
			need = len;
			break;
		}
	}
	assert_true(need > 0);
	/* buf+1 is misaligned: the pointers inside must not be. */
	assert_int_equal((uintptr_t)he.h_aliases % sizeof(char *), 0);
	assert_string_equal(he.h_name, "name.test");
	assert_int_equal(he.h_length, 4);
	assert_memory_equal(he.h_addr_list[1], addrs[1], 4);
	assert_null(he.h_addr_list[2]);
	assert_null(he.h_aliases[0]);
	assert_int_equal(sf_resolve_hostent(&he, buf + 1, need - 1, "name.test", AF_INET, addrs, 2), ERANGE);
	free(buf);
}

static void nofqdn_strips_the_local_domain(void **state)
{
	(void)state;
	char a[] = "web.corp.example", b[] = "corp.example", c[] = "webcorp.example";
	sf_resolve_strip_domain(a, "corp.example");
	sf_resolve_strip_domain(b, "corp.example");
	sf_resolve_strip_domain(c, "corp.example");
	assert_string_equal(a, "web");
	assert_string_equal(b, "corp.example");
	assert_string_equal(c, "webcorp.example");
}

static void error_codes_map_both_ways(void **state)
{
	(void)state;
	static const int eai[] = {EAI_NONAME, EAI_AGAIN, EAI_FAIL, EAI_NODATA, EAI_SYSTEM};
	for (size_t i = 0; i < sizeof(eai) / sizeof(eai[0]); i++)
		assert_int_equal(sf_resolve_herrno_to_eai(sf_resolve_eai_to_herrno(eai[i])), eai[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prepare_matches_glibc_for_every_hints_combination),
		cmocka_unit_test(prepare_without_hints_uses_glibc_defaults),
		cmocka_unit_test(addrconfig_narrows_to_the_configured_family),
		cmocka_unit_test(loopback_ipv6_goes_before_ipv4),
		cmocka_unit_test(unusable_destinations_go_last),
		cmocka_unit_test(ula_source_prefers_ipv4_over_global_ipv6),
		cmocka_unit_test(global_source_prefers_ipv6),
		cmocka_unit_test(same_subnet_ipv4_goes_first),
		cmocka_unit_test(equal_destinations_keep_table_order),
		cmocka_unit_test(lookup_is_first_match_case_insensitive),
		cmocka_unit_test(reverse_skips_globs),
		cmocka_unit_test(numeric_names_are_glibcs),
		cmocka_unit_test(answer_maps_ipv4_only_when_asked),
		cmocka_unit_test(answer_lists_are_told_apart_from_glibcs),
		cmocka_unit_test(hostent_fits_exactly_or_is_erange),
		cmocka_unit_test(nofqdn_strips_the_local_domain),
		cmocka_unit_test(error_codes_map_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
