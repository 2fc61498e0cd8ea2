/* The frame synthesizer (shim/capture/frame.c) and the DNS messages (dns_frame.c):
 * checksums against RFC 1071's example and an independent big-endian sum,
 * TCP sequence and acknowledgement numbers through handshake, data, FIN and
 * RST, MSS splitting, refused connects, UDP, and the invariant checker. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture/dns_frame.h"
#include "capture/frame.h"

enum { F_FIN = 1, F_SYN = 2, F_RST = 4, F_PSH = 8, F_ACK = 16 };

/* Frames the synthesizer emitted, parsed (which checks every checksum). */
struct captured {
	unsigned n;
	struct sf_frame_info info[64];
	uint8_t frame[64][SF_FRAME_MAX];
	size_t len[64];
};
static struct captured cap;
static uint8_t scratch[SF_FRAME_MAX];

/* The reference checksum: 16-bit big-endian words, carries folded at the
 * end (RFC 1071 section 1, as plainly as it can be written). */
static uint16_t ref_cksum(const uint8_t *p, size_t n, uint32_t start)
{
	uint64_t s = start;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static int collect(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	const char *why = NULL;
	assert_true(cap.n < 64);
	int r = sf_frame_parse(frame, len, &cap.info[cap.n], &why);
	if (r)
		fail_msg("frame %u does not parse: %s", cap.n, why);
	memcpy(cap.frame[cap.n], frame, len);
	cap.len[cap.n] = len;
	cap.n++;
	return 0;
}

static const struct sf_frame_out out = {scratch, sizeof(scratch), collect, NULL};

static struct sf_frame_endpoint ep4(const char *addr, uint16_t port)
{
	struct sf_frame_endpoint e = {.family = AF_INET, .port = port};
	inet_pton(AF_INET, addr, e.addr);
	return e;
}

static struct sf_frame_endpoint ep6(const char *addr, uint16_t port)
{
	struct sf_frame_endpoint e = {.family = AF_INET6, .port = port};
	inet_pton(AF_INET6, addr, e.addr);
	return e;
}

static void valid(const struct sf_frame_flow *f)
{
	const char *why = NULL;
	if (sf_frame_validate(f, &why))
		fail_msg("invalid flow: %s", why);
}

static int setup(void **state)
{
	(void)state;
	memset(&cap, 0, sizeof(cap));
	return 0;
}

static void rfc1071_example_sums_to_ddf2(void **state)
{
	(void)state;
	/* RFC 1071 3: 0001 f203 f4f5 f6f7 sums to ddf2. */
	const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	assert_int_equal(ntohs((uint16_t)sf_frame_sum(b, sizeof(b), 0)), 0xddf2);
	for (size_t n = 0; n <= sizeof(b); n++)
		assert_int_equal(ntohs((uint16_t)sf_frame_sum(b, n, 0)), ref_cksum(b, n, 0));
}

static void checksum_matches_reference_at_every_length_and_offset(void **state)
{
	(void)state;
	uint8_t buf[2048];
	srand(7);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t off = 0; off < 4; off += 2)
		for (size_t n = 0; n < 1500; n += 1 + n / 7)
			assert_int_equal(ntohs((uint16_t)sf_frame_sum(buf + off, n, 0)),
					 ref_cksum(buf + off, n, 0));
}

/* The IPv4 header and the TCP checksum of a frame, recomputed with the
 * reference sum: both must verify to 0xffff. */
static void reference_verifies(const uint8_t *p, size_t len)
{
	assert_int_equal(ref_cksum(p, 20, 0), 0xffff);
	uint8_t ph[12];
	memcpy(ph, p + 12, 8);
	ph[8] = 0;
	ph[9] = p[9];
	ph[10] = (uint8_t)((len - 20) >> 8);
	ph[11] = (uint8_t)(len - 20);
	assert_int_equal(ref_cksum(p + 20, len - 20, ref_cksum(ph, 12, 0)), 0xffff);
}

static void handshake_numbers_follow_rfc9293(void **state)
{
	(void)state;
	struct sf_frame_flow f;
	struct sf_frame_endpoint a = ep4("10.0.0.1", 40000), b = ep4("10.0.0.2", 80);
	sf_frame_flow_init(&f, &a, &b, 1500);
	valid(&f);
	assert_int_equal(sf_frame_handshake(&f, SF_FRAME_OUT, &out), 0);
	valid(&f);
	assert_int_equal(cap.n, 3);
	uint32_t x = f.isn[SF_FRAME_OUT], y = f.isn[SF_FRAME_IN];
	assert_int_equal(cap.info[0].tcp_flags, F_SYN);
	assert_int_equal(cap.info[0].seq, x);
	assert_int_equal(cap.info[0].mss_option, 1460);
	assert_int_equal(cap.info[0].src.port, 40000);
	assert_int_equal(cap.info[1].tcp_flags, F_SYN | F_ACK);
	assert_int_equal(cap.info[1].seq, y);
	assert_int_equal(cap.info[1].ack, x + 1);
	assert_int_equal(cap.info[1].src.port, 80);
	assert_int_equal(cap.info[2].tcp_flags, F_ACK);
	assert_int_equal(cap.info[2].seq, x + 1);
	assert_int_equal(cap.info[2].ack, y + 1);
	for (unsigned i = 0; i < cap.n; i++)
		reference_verifies(cap.frame[i], cap.len[i]);
	assert_int_equal(sf_frame_handshake(&f, SF_FRAME_OUT, &out), -EALREADY);
}

static void accepted_flow_is_opened_by_the_peer(void **state)
{
	(void)state;
	struct sf_frame_flow f;
	struct sf_frame_endpoint a = ep4("127.0.0.1", 80), b = ep4("127.0.0.1", 50000);
	sf_frame_flow_init(&f, &a, &b, 1500);
	assert_int_equal(sf_frame_handshake(&f, SF_FRAME_IN, &out), 0);
	assert_int_equal(cap.info[0].src.port, 50000);
	assert_int_equal(cap.info[0].tcp_flags, F_SYN);
	assert_int_equal(cap.info[1].src.port, 80);
}

static void data_is_split_at_the_mss_with_contiguous_sequence_numbers(void **state)
{
	(void)state;
	struct sf_frame_flow f;
	struct sf_frame_endpoint a = ep4("10.0.0.1", 1), b = ep4("10.0.0.2", 2);
	sf_frame_flow_init(&f, &a, &b, 1500);
	sf_frame_handshake(&f, SF_FRAME_OUT, NULL);
	uint8_t data[4000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	/* three iovecs, boundaries not on segment boundaries */
	struct iovec iov[3] = {{data, 1000}, {data + 1000, 2500}, {data + 3500, 500}};
	uint32_t seq0 = f.nxt[SF_FRAME_OUT], ack0 = f.nxt[SF_FRAME_IN];
	assert_int_equal(sf_frame_data(&f, SF_FRAME_OUT, iov, 3, 4000, &out), 0);
	valid(&f);
	assert_int_equal(cap.n, 4);
	size_t sizes[3] = {1460, 1460, 1080}, at = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cap.info[i].payload_len, sizes[i]);
		assert_int_equal(cap.info[i].seq, seq0 + at);
		assert_int_equal(cap.info[i].ack, ack0);
		assert_int_equal(cap.info[i].tcp_flags, F_ACK | (i == 2 ? F_PSH : 0));
		assert_memory_equal(cap.frame[i] + cap.info[i].payload_off, data + at, sizes[i]);
		reference_verifies(cap.frame[i], cap.len[i]);
		at += sizes[i];
	}
	/* the receiver's ACK of all of it */
	assert_int_equal(cap.info[3].src.port, 2);
	assert_int_equal(cap.info[3].tcp_flags, F_ACK);
	assert_int_equal(cap.info[3].ack, seq0 + 4000);
	assert_int_equal(cap.info[3].payload_len, 0);
	assert_int_equal(f.bytes[SF_FRAME_OUT], 4000);
}

static void odd_iovec_boundaries_keep_checksums_right(void **state)
{
	(void)state;
	struct sf_frame_flow f;
	struct sf_frame_endpoint a = ep4("10.0.0.1", 1), b = ep4("10.0.0.2", 2);
	sf_frame_flow_init(&f, &a, &b, 1500);
	sf_frame_handshake(&f, SF_FRAME_OUT, NULL);
	uint8_t data[3001];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	/* odd pieces, and a skip into the middle of one */
	struct iovec iov[5] = {{data, 1}, {data + 1, 17}, {data + 18, 3}, {data + 21, 1477}, {data + 1498, 1503}};
	assert_int_equal(sf_frame_data_at(&f, SF_FRAME_OUT, iov, 5, 7, 2994, &out), 0);
	assert_int_equal(cap.n, 4); /* 1460 + 1460 + 74, the ACK */
	size_t at = 7;
	for (int i = 0; i < 3; i++) {
		reference_verifies(cap.frame[i], cap.len[i]);
		assert_memory_equal(cap.frame[i] + cap.info[i].payload_off, data + at, cap.info[i].payload_len);
		at += cap.info[i].payload_len;
	}
	assert_int_equal(at, sizeof(data));
	struct sf_frame_endpoint u = ep4("10.0.0.1", 9), v = ep4("10.0.0.2", 9);
	assert_int_equal(sf_frame_udp(&u, &v, iov, 5, 999, &out), 0); /* UDP verified by parse */
}

static void fin_takes_one_sequence_number_and_ends_that_direction(void **state)
{
	(void)state;
	struct sf_frame_flow f;
	struct sf_frame_endpoint a = ep4("10.0.0.1", 1), b = ep4("10.0.0.2", 2);
	sf_frame_flow_init(&f, &a, &b, 1500);
	struct iovec v = {(void *)"hello", 5};
	assert_int_equal(sf_frame_data(&f, SF_FRAME_OUT, &v, 1, 5, &out), -ENOTCONN);
	sf_frame_handshake(&f, SF_FRAME_OUT, NULL);
	sf_frame_data(&f, SF_FRAME_IN, &v, 1, 5, NULL);
	uint32_t seq = f.nxt[SF_FRAME_OUT];
	assert_int_equal(sf_frame_fin(&f, SF_FRAME_OUT, &out), 0);
	valid(&f);
	assert_int_equal(cap.n, 2);
	assert_int_equal(cap.info[0].tcp_flags, F_FIN | F_ACK);
	assert_int_equal(cap.info[0].seq, seq);
	assert_int_equal(cap.info[1].ack, seq + 1);
	assert_int_equal(sf_frame_fin(&f, SF_FRAME_OUT, &out), -EALREADY);
	assert_int_equal(sf_frame_data(&f, SF_FRAME_OUT, &v, 1, 5, &out), -EPIPE);
	/* half-close: the peer still sends */
	assert_int_equal(sf_frame_data(&f, SF_FRAME_IN, &v, 1, 5, &out), 0);
	assert_int_equal(cap.info[2].ack, seq + 1);
	valid(&f);
}

static void rst_ends_the_flow_without_a_sequence_number(void **state)
{
	(void)state;
	struct sf_frame_flow f;
	struct sf_frame_endpoint a = ep4("10.0.0.1", 1), b = ep4("10.0.0.2", 2);
	sf_frame_flow_init(&f, &a, &b, 1500);
	sf_frame_handshake(&f, SF_FRAME_OUT, NULL);
	uint32_t seq = f.nxt[SF_FRAME_OUT];
	assert_int_equal(sf_frame_rst(&f, SF_FRAME_OUT, &out), 0);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.info[0].tcp_flags, F_RST | F_ACK);
	assert_int_equal(cap.info[0].seq, seq);
	assert_int_equal(f.nxt[SF_FRAME_OUT], seq);
	valid(&f);
	struct iovec v = {(void *)"x", 1};
	assert_int_equal(sf_frame_data(&f, SF_FRAME_IN, &v, 1, 1, &out), -EPIPE);
	assert_int_equal(sf_frame_rst(&f, SF_FRAME_IN, &out), -EALREADY);
	assert_int_equal(sf_frame_fin(&f, SF_FRAME_OUT, &out), -EPIPE);
	assert_int_equal(cap.n, 1);
}

static void refused_connect_is_syn_then_rst_ack(void **state)
{
	(void)state;
	struct sf_frame_endpoint a = ep6("::1", 33000), b = ep6("::1", 9);
	assert_int_equal(sf_frame_refused(&a, &b, 1500, &out), 0);
	assert_int_equal(cap.n, 2);
	assert_int_equal(cap.info[0].family, AF_INET6);
	assert_int_equal(cap.info[0].tcp_flags, F_SYN);
	assert_int_equal(cap.info[0].mss_option, 1440);
	assert_int_equal(cap.info[1].tcp_flags, F_RST | F_ACK);
	assert_int_equal(cap.info[1].seq, 0);
	assert_int_equal(cap.info[1].ack, cap.info[0].seq + 1);
	assert_int_equal(cap.info[1].src.port, 9);
}

static void both_ends_agree_on_initial_sequence_numbers(void **state)
{
	(void)state;
	struct sf_frame_flow x, y;
	struct sf_frame_endpoint a = ep4("127.0.0.1", 1234), b = ep4("127.0.0.1", 80);
	sf_frame_flow_init(&x, &a, &b, 1500);
	sf_frame_flow_init(&y, &b, &a, 9000);
	assert_int_equal(x.isn[SF_FRAME_OUT], y.isn[SF_FRAME_IN]);
	assert_int_equal(x.isn[SF_FRAME_IN], y.isn[SF_FRAME_OUT]);
	assert_int_not_equal(x.isn[SF_FRAME_OUT], x.isn[SF_FRAME_IN]);
	assert_int_equal(y.mss, 8960);
}

static void udp_datagram_has_ports_length_and_checksum(void **state)
{
	(void)state;
	struct sf_frame_endpoint a = ep4("192.168.0.1", 5353), b = ep4("192.168.0.199", 53);
	uint8_t data[777];
	memset(data, 0xab, sizeof(data));
	struct iovec v = {data, sizeof(data)};
	assert_int_equal(sf_frame_udp(&a, &b, &v, 1, sizeof(data), &out), 0);
	assert_int_equal(cap.info[0].proto, IPPROTO_UDP);
	assert_int_equal(cap.info[0].src.port, 5353);
	assert_int_equal(cap.info[0].dst.port, 53);
	assert_int_equal(cap.info[0].payload_len, sizeof(data));
	reference_verifies(cap.frame[0], cap.len[0]); /* same pseudo-header layout as TCP */
	struct sf_frame_endpoint c = ep6("2001:db8::1", 1), d = ep6("2001:db8::2", 2);
	assert_int_equal(sf_frame_udp(&c, &d, &v, 1, sizeof(data), &out), 0);
	assert_int_equal(cap.info[1].family, AF_INET6);
	assert_int_equal(cap.len[1], 40 + 8 + sizeof(data));
	assert_int_equal(sf_frame_udp(&a, &b, NULL, 0, 65535 - 27, &out), -EMSGSIZE);
}

static void mapped_ipv6_address_is_recorded_as_ipv4(void **state)
{
	(void)state;
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6, .sin6_port = htons(8080)};
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &s6.sin6_addr);
	struct sf_frame_endpoint e;
	assert_int_equal(sf_frame_endpoint_from(&e, (struct sockaddr *)&s6, sizeof(s6)), 0);
	assert_int_equal(e.family, AF_INET);
	assert_memory_equal(e.addr, "\x0a\x01\x02\x03", 4);
	assert_int_equal(e.port, 8080);
	struct sockaddr su = {.sa_family = AF_UNIX};
	assert_int_equal(sf_frame_endpoint_from(&e, &su, sizeof(su)), -EAFNOSUPPORT);
}

static void validate_catches_a_sequence_number_out_of_step(void **state)
{
	(void)state;
	struct sf_frame_flow f;
	struct sf_frame_endpoint a = ep4("10.0.0.1", 1), b = ep4("10.0.0.2", 2);
	sf_frame_flow_init(&f, &a, &b, 1500);
	sf_frame_handshake(&f, SF_FRAME_OUT, NULL);
	valid(&f);
	f.nxt[SF_FRAME_IN]++;
	const char *why = NULL;
	assert_int_equal(sf_frame_validate(&f, &why), -EINVAL);
	assert_non_null(why);
}

static void parse_rejects_a_flipped_bit(void **state)
{
	(void)state;
	struct sf_frame_flow f;
	struct sf_frame_endpoint a = ep4("10.0.0.1", 1), b = ep4("10.0.0.2", 2);
	sf_frame_flow_init(&f, &a, &b, 1500);
	sf_frame_handshake(&f, SF_FRAME_OUT, NULL);
	struct iovec v = {(void *)"payload", 7};
	sf_frame_data(&f, SF_FRAME_OUT, &v, 1, 7, &out);
	struct sf_frame_info info;
	const char *why;
	for (size_t i = 0; i < cap.len[0]; i++) {
		uint8_t copy[SF_FRAME_MAX];
		memcpy(copy, cap.frame[0], cap.len[0]);
		copy[i] ^= 0x10;
		/* A one-bit change moves a 16-bit word by 2^k, never a multiple of
		 * 0xffff, so the header or TCP checksum always sees it. */
		assert_int_equal(sf_frame_parse(copy, cap.len[0], &info, &why), -EINVAL);
	}
}

static void dns_query_is_rfc1035_wire_format(void **state)
{
	(void)state;
	uint8_t m[SF_DNS_MAX];
	int n = sf_dns_query(m, sizeof(m), 0x1234, "api.test.", SF_DNS_A);
	const uint8_t want[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', 'p', 'i',
				4,    't',  'e',  's',  't', 0, 0, 1, 0, 1};
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(m, want, sizeof(want));
	uint8_t addrs[2][16] = {{10, 0, 0, 5}, {10, 0, 0, 6}};
	n = sf_dns_answer(m, sizeof(m), 0x1234, "api.test", SF_DNS_A, SF_DNS_NOERROR,
			  (const uint8_t(*)[16])addrs, 2);
	assert_int_equal(n, (int)sizeof(want) + 2 * 16);
	assert_int_equal(m[2], 0x81);
	assert_int_equal(m[3], 0x80);
	assert_int_equal(m[7], 2); /* ANCOUNT */
	assert_memory_equal(m + sizeof(want) + 12, "\x0a\x00\x00\x05", 4);
	n = sf_dns_answer(m, sizeof(m), 1, "nope.test", SF_DNS_AAAA, SF_DNS_NXDOMAIN, NULL, 0);
	assert_int_equal(m[3] & 0xf, 3);
	assert_int_equal(sf_dns_query(m, sizeof(m), 1, "a..b", SF_DNS_A), -EINVAL);
	assert_int_equal(sf_dns_query(m, sizeof(m), 1, "", SF_DNS_A), -EINVAL);
}

static void dns_reverse_names_follow_rfc1035_and_rfc3596(void **state)
{
	(void)state;
	char name[80];
	const uint8_t v4[4] = {192, 0, 2, 7};
	assert_int_equal(sf_dns_reverse_name(AF_INET, v4, name, sizeof(name)), 22);
	assert_string_equal(name, "7.2.0.192.in-addr.arpa");
	uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
	v6[15] = 0x5a;
	int n = sf_dns_reverse_name(AF_INET6, v6, name, sizeof(name));
	assert_int_equal(n, 72);
	assert_string_equal(name, "a.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_int_equal(sf_dns_reverse_name(AF_INET6, v6, name, 72), -EMSGSIZE);
	assert_int_equal(sf_dns_reverse_name(AF_UNIX, v6, name, sizeof(name)), -EINVAL);
}

static void dns_ptr_answer_names_the_host(void **state)
{
	(void)state;
	uint8_t m[SF_DNS_MAX];
	int q = sf_dns_query(m, sizeof(m), 7, "5.0.0.10.in-addr.arpa", SF_DNS_PTR);
	assert_true(q > 0);
	assert_int_equal(m[q - 3], SF_DNS_PTR);
	int n = sf_dns_answer_ptr(m, sizeof(m), 7, "5.0.0.10.in-addr.arpa", SF_DNS_NOERROR, "api.test");
	/* question, then pointer, type, class, TTL, RDLENGTH and the name */
	assert_int_equal(n, q + 12 + 10);
	assert_int_equal(m[7], 1); /* ANCOUNT */
	assert_memory_equal(m + q, "\xc0\x0c\x00\x0c\x00\x01\x00\x00\x00\x00\x00\x0a", 12);
	assert_memory_equal(m + q + 12, "\x03" "api" "\x04" "test" "\x00", 10);
	n = sf_dns_answer_ptr(m, sizeof(m), 7, "6.0.0.10.in-addr.arpa", SF_DNS_NXDOMAIN, NULL);
	assert_int_equal(n, q);
	assert_int_equal(m[3] & 0xf, SF_DNS_NXDOMAIN);
	assert_int_equal(m[7], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(rfc1071_example_sums_to_ddf2, setup),
		cmocka_unit_test_setup(checksum_matches_reference_at_every_length_and_offset, setup),
		cmocka_unit_test_setup(handshake_numbers_follow_rfc9293, setup),
		cmocka_unit_test_setup(accepted_flow_is_opened_by_the_peer, setup),
		cmocka_unit_test_setup(data_is_split_at_the_mss_with_contiguous_sequence_numbers, setup),
		cmocka_unit_test_setup(odd_iovec_boundaries_keep_checksums_right, setup),
		cmocka_unit_test_setup(fin_takes_one_sequence_number_and_ends_that_direction, setup),
		cmocka_unit_test_setup(rst_ends_the_flow_without_a_sequence_number, setup),
		cmocka_unit_test_setup(refused_connect_is_syn_then_rst_ack, setup),
		cmocka_unit_test_setup(both_ends_agree_on_initial_sequence_numbers, setup),
		cmocka_unit_test_setup(udp_datagram_has_ports_length_and_checksum, setup),
		cmocka_unit_test_setup(mapped_ipv6_address_is_recorded_as_ipv4, setup),
		cmocka_unit_test_setup(validate_catches_a_sequence_number_out_of_step, setup),
		cmocka_unit_test_setup(parse_rejects_a_flipped_bit, setup),
		cmocka_unit_test_setup(dns_query_is_rfc1035_wire_format, setup),
		cmocka_unit_test_setup(dns_reverse_names_follow_rfc1035_and_rfc3596, setup),
		cmocka_unit_test_setup(dns_ptr_answer_names_the_host, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
