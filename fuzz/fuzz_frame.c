/* libFuzzer target for the frame synthesizer (shim/capture/frame.c): the input is a
 * flow's parameters and a sequence of operations (handshake, send, receive
 * with iovec splits and skips, FIN, RST, UDP datagrams, refused connects).
 * Every frame must parse with correct lengths and checksums
 * (sf_frame_parse), carry at most the MSS, and carry the sequence and
 * acknowledgement numbers an independent model of RFC 9293 expects; the
 * payload must be the bytes sent, in order; sf_frame_validate must hold
 * after every operation; nothing may follow a RST. */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/frame.h"

enum { F_FIN = 1, F_SYN = 2, F_RST = 4, F_ACK = 16 };

static uint8_t source[65536 + 256]; /* the bytes every send takes its payload from */
static uint8_t scratch[SF_FRAME_MAX];

struct model {
	struct sf_frame_flow *f;
	uint32_t nxt[2];       /* what each end's next sequence number must be */
	size_t off;            /* payload bytes of the current call seen so far */
	const uint8_t *expect; /* the current call's payload */
	int dir;               /* who sends data in the current call */
	int frames_after_rst;
	int rst;
	int udp;               /* the current call is a datagram */
};

#define CHECK(c)                                                            \
	do {                                                                \
		if (!(c)) {                                                 \
			fprintf(stderr, "fuzz_frame: %s (line %d)\n", #c, __LINE__); \
			abort();                                            \
		}                                                           \
	} while (0)

static int end_of(const struct model *m, const struct sf_frame_info *in)
{
	const struct sf_frame_endpoint *o = &m->f->ep[SF_FRAME_OUT];
	return in->src.port == o->port && memcmp(in->src.addr, o->addr, 16) == 0 ? SF_FRAME_OUT
										  : SF_FRAME_IN;
}

static int check(void *ctx, const uint8_t *frame, size_t len)
{
	struct model *m = ctx;
	struct sf_frame_info in;
	const char *why = NULL;
	if (sf_frame_parse(frame, len, &in, &why) != 0) {
		fprintf(stderr, "fuzz_frame: frame does not parse: %s\n", why);
		abort();
	}
	if (m->udp) {
		CHECK(in.proto == IPPROTO_UDP);
		CHECK(memcmp(frame + in.payload_off, m->expect, in.payload_len) == 0);
		return 0;
	}
	CHECK(in.proto == IPPROTO_TCP);
	CHECK(!m->rst);
	int d = end_of(m, &in);
	CHECK(in.payload_len <= m->f->mss);
	if (in.tcp_flags & F_RST) {
		m->rst = 1;
		CHECK(in.seq == m->nxt[d]);
		return 0;
	}
	CHECK(in.seq == m->nxt[d]);
	if (in.tcp_flags & F_ACK)
		CHECK(in.ack == m->nxt[!d]);
	else
		CHECK(in.tcp_flags == F_SYN && in.mss_option == m->f->mss);
	if (in.payload_len) {
		CHECK(d == m->dir);
		CHECK(memcmp(frame + in.payload_off, m->expect + m->off, in.payload_len) == 0);
		m->off += in.payload_len;
	}
	m->nxt[d] += (uint32_t)in.payload_len + ((in.tcp_flags & (F_SYN | F_FIN)) ? 1u : 0u);
	return 0;
}

static size_t take(const uint8_t **p, size_t *n, size_t bytes)
{
	size_t v = 0;
	for (size_t i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v = v << 8 | **p;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!source[1])
		for (size_t i = 0; i < sizeof(source); i++)
			source[i] = (uint8_t)(i * 131 + (i >> 8) * 7 + 1);
	const uint8_t *p = data;
	size_t n = size;
	unsigned flags = (unsigned)take(&p, &n, 1);
	unsigned mtu = SF_FRAME_MTU_MIN + (unsigned)take(&p, &n, 2) % (SF_FRAME_MTU_MAX - SF_FRAME_MTU_MIN + 1);
	struct sf_frame_endpoint a = {.family = flags & 1 ? AF_INET6 : AF_INET, .port = 40000},
				 b = {.family = a.family, .port = (uint16_t)(flags & 2 ? 40001 : 80)};
	a.addr[0] = 127, a.addr[3] = 1;
	b.addr[0] = 127, b.addr[3] = (uint8_t)(flags & 4 ? 1 : 2); /* maybe the same host; never the same endpoint (the model tells the ends apart by it) */
	struct sf_frame_flow f;
	sf_frame_flow_init(&f, &a, &b, mtu);
	struct model m = {.f = &f, .nxt = {f.isn[0], f.isn[1]}};
	struct sf_frame_out out = {scratch, sizeof(scratch), check, &m};
	const struct sf_frame_out quiet = {NULL, 0, NULL, NULL};
	const char *why;
	while (n) {
		unsigned op = (unsigned)take(&p, &n, 1);
		int dir = (op >> 4) & 1;
		bool silent = op & 0x80; /* state only, as a twin's sending end */
		const struct sf_frame_out *o = silent ? &quiet : &out;
		unsigned before = f.flags;
		int r = 0;
		m.off = 0;
		m.dir = dir;
		m.udp = 0;
		switch (op & 7) {
		case 0:
			r = sf_frame_handshake(&f, dir, o);
			CHECK(r == 0 || r == -EALREADY);
			break;
		case 1:
		case 2: {
			size_t len = take(&p, &n, 2);
			size_t skip = (op & 2) ? take(&p, &n, 1) : 0;
			unsigned pieces = 1 + (unsigned)take(&p, &n, 1) % 8;
			struct iovec iov[8];
			size_t at = 0, total = skip + len;
			for (unsigned i = 0; i < pieces; i++) {
				size_t k = i + 1 == pieces ? total - at : (total - at) / 2;
				iov[i].iov_base = source + at;
				iov[i].iov_len = k;
				at += k;
			}
			m.expect = source + skip;
			uint64_t sent = f.bytes[dir];
			r = sf_frame_data_at(&f, dir, iov, pieces, skip, len, o);
			if (r == 0 && !silent)
				CHECK(m.off == len);
			if (r == 0)
				CHECK(f.bytes[dir] == sent + len);
			else
				CHECK(f.bytes[dir] == sent && (r == -ENOTCONN || r == -EPIPE));
			break;
		}
		case 3:
			r = sf_frame_fin(&f, dir, o);
			CHECK(r == 0 || r == -EALREADY || r == -EPIPE || r == -ENOTCONN);
			break;
		case 4:
			r = sf_frame_rst(&f, dir, o);
			CHECK(r == 0 || r == -EALREADY || r == -ENOTCONN);
			break;
		case 5: {
			size_t len = take(&p, &n, 2);
			struct iovec v = {source, len};
			m.udp = 1;
			m.expect = source;
			r = sf_frame_udp(&f.ep[dir], &f.ep[!dir], &v, 1, len, &out);
			CHECK(r == 0 || (r == -EMSGSIZE && len + 28 > 65535));
			break;
		}
		case 6: {
			/* a refused connect is a flow of its own */
			struct sf_frame_flow g;
			sf_frame_flow_init(&g, &a, &b, mtu);
			struct model mg = {.f = &g, .nxt = {g.isn[0], 0}};
			struct sf_frame_out og = {scratch, sizeof(scratch), check, &mg};
			CHECK(sf_frame_refused(&a, &b, mtu, &og) == 0 && mg.rst);
			break;
		}
		default:
			break;
		}
		if (silent) /* the model follows the state it did not see */
			for (int d = 0; d < 2; d++)
				m.nxt[d] = f.nxt[d];
		if (f.flags & SF_FLOW_OPEN)
			if (sf_frame_validate(&f, &why) != 0) {
				fprintf(stderr, "fuzz_frame: invariant: %s\n", why);
				abort();
			}
		if (before & SF_FLOW_RST)
			CHECK(f.flags == before); /* nothing changes after a RST */
		(void)r;
	}
	return 0;
}
