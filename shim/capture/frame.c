/* The frame synthesizer (see frame.h): per-flow TCP sequence state, the
 * IPv4/IPv6/TCP/UDP headers and their checksums. */
#include "capture/frame.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* TCP header flags (RFC 9293 3.1). */
enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };

/* Window scale we announce (RFC 7323 2.2): 65535 << 10 = 64 MiB, more than
 * any one send call moves, so tshark's window tracking never sees a full
 * window between a send and its ACK. */
enum { WSCALE = 10 };

/* RFC 1071: a one's-complement sum is independent of byte order when taken
 * over native-order words and stored back natively (section 2(B)), so the
 * words are loaded with memcpy (no alignment needed) and summed 32 bits at
 * a time into 64 bits (deferred carries, 2(C)). */
uint32_t sf_frame_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	uint64_t acc = sum;
#ifdef __SSE2__
	/* The bulk of a capture's cost after the file write (perf): 16 bytes
	 * per step, each 16-bit word widened into one of four 32-bit lanes.  A
	 * lane takes 2 words per step, so it cannot overflow before 2^15
	 * steps (512 KiB); longer buffers are summed in slices. */
	while (n >= 16) {
		size_t steps = n / 16 < 32768 ? n / 16 : 32768;
		__m128i lanes = _mm_setzero_si128(), zero = _mm_setzero_si128();
		for (size_t i = 0; i < steps; i++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			lanes = _mm_add_epi32(lanes, _mm_unpacklo_epi16(v, zero));
			lanes = _mm_add_epi32(lanes, _mm_unpackhi_epi16(v, zero));
			p += 16;
		}
		n -= steps * 16;
		uint32_t l[4];
		_mm_storeu_si128((__m128i *)(void *)l, lanes);
		acc += (uint64_t)l[0] + l[1] + l[2] + l[3];
	}
#endif
	while (n >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		acc += (v & 0xffffffffu) + (v >> 32);
		p += 8;
		n -= 8;
	}
	if (n >= 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		acc += v;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		acc += v;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint8_t last[2] = {p[0], 0}; /* padded with a zero byte (RFC 1071 1) */
		uint16_t v;
		memcpy(&v, last, 2);
		acc += v;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

static void put16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return ntohs(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return ntohl(v);
}

/* The checksum field value: complement of the folded sum, stored natively. */
static void put_cksum(uint8_t *p, uint32_t sum)
{
	uint16_t c = (uint16_t)~sum;
	memcpy(p, &c, 2);
}

int sf_frame_endpoint_from(struct sf_frame_endpoint *e, const struct sockaddr *sa, socklen_t len)
{
	memset(e, 0, sizeof(*e));
	if (sa && sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		e->family = AF_INET;
		memcpy(e->addr, &in->sin_addr, 4);
		e->port = ntohs(in->sin_port);
		return 0;
	}
	if (sa && sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		e->port = ntohs(in6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			e->family = AF_INET;
			memcpy(e->addr, in6->sin6_addr.s6_addr + 12, 4);
		} else {
			e->family = AF_INET6;
			memcpy(e->addr, &in6->sin6_addr, 16);
		}
		return 0;
	}
	return -EAFNOSUPPORT;
}

unsigned sf_frame_mss(unsigned mtu, int family)
{
	if (mtu < SF_FRAME_MTU_MIN || mtu > SF_FRAME_MTU_MAX)
		mtu = SF_FRAME_MTU_DEFAULT;
	return mtu - (family == AF_INET6 ? 60u : 40u);
}

/* FNV-1a over both endpoints of one direction. */
static uint32_t isn_of(const struct sf_frame_endpoint *src, const struct sf_frame_endpoint *dst)
{
	uint32_t h = 2166136261u;
	const struct sf_frame_endpoint *e[2] = {src, dst};
	for (int k = 0; k < 2; k++) {
		size_t n = e[k]->family == AF_INET6 ? 16 : 4;
		for (size_t i = 0; i < n; i++)
			h = (h ^ e[k]->addr[i]) * 16777619u;
		h = (h ^ (e[k]->port >> 8)) * 16777619u;
		h = (h ^ (e[k]->port & 0xff)) * 16777619u;
	}
	return h;
}

void sf_frame_flow_init(struct sf_frame_flow *f, const struct sf_frame_endpoint *local,
			const struct sf_frame_endpoint *peer, unsigned mtu)
{
	memset(f, 0, sizeof(*f));
	f->ep[SF_FRAME_OUT] = *local;
	f->ep[SF_FRAME_IN] = *peer;
	for (int d = 0; d < 2; d++) {
		f->isn[d] = isn_of(&f->ep[d], &f->ep[!d]);
		f->nxt[d] = f->isn[d];
		f->ip_id[d] = (uint16_t)(f->isn[d] >> 16);
	}
	f->mss = (uint16_t)sf_frame_mss(mtu, local->family);
}

/* Writes the IP header for a packet of plen payload bytes from src to dst
 * at b; returns its length. */
static size_t ip_header(uint8_t *b, const struct sf_frame_endpoint *src,
			const struct sf_frame_endpoint *dst, uint8_t proto, size_t plen, uint16_t id)
{
	if (src->family == AF_INET6) {
		/* RFC 8200 3: version 6, no traffic class or flow label. */
		memset(b, 0, 40);
		b[0] = 0x60;
		put16(b + 4, (uint16_t)plen);
		b[6] = proto;
		b[7] = 64;
		memcpy(b + 8, src->addr, 16);
		memcpy(b + 24, dst->addr, 16);
		return 40;
	}
	/* RFC 791 3.1: IHL 5, DF set (path MTU discovery, as Linux sends). */
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)(20 + plen));
	put16(b + 4, id);
	b[6] = 0x40;
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, src->addr, 4);
	memcpy(b + 16, dst->addr, 4);
	put_cksum(b + 10, sf_frame_sum(b, 20, 0));
	return 20;
}

/* Sum of the pseudo-header (RFC 9293 3.1 for IPv4, RFC 8200 8.1 for IPv6). */
static uint32_t pseudo_sum(const struct sf_frame_endpoint *src, const struct sf_frame_endpoint *dst,
			   uint8_t proto, size_t len)
{
	uint8_t ph[40];
	size_t n;
	if (src->family == AF_INET6) {
		memcpy(ph, src->addr, 16);
		memcpy(ph + 16, dst->addr, 16);
		put32(ph + 32, (uint32_t)len);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = proto;
		n = 40;
	} else {
		memcpy(ph, src->addr, 4);
		memcpy(ph + 4, dst->addr, 4);
		ph[8] = 0;
		ph[9] = proto;
		put16(ph + 10, (uint16_t)len);
		n = 12;
	}
	return sf_frame_sum(ph, n, 0);
}

static uint32_t fold(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/* Copies n bytes and returns their sum, in one pass (the payload is read
 * once instead of twice: copy, then checksum). */
static uint32_t copy_sum(uint8_t *dst, const uint8_t *src, size_t n)
{
	uint64_t acc = 0;
#ifdef __SSE2__
	while (n >= 16) { /* lanes as in sf_frame_sum */
		size_t steps = n / 16 < 32768 ? n / 16 : 32768;
		__m128i lanes = _mm_setzero_si128(), zero = _mm_setzero_si128();
		for (size_t i = 0; i < steps; i++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)src);
			_mm_storeu_si128((__m128i *)(void *)dst, v);
			lanes = _mm_add_epi32(lanes, _mm_unpacklo_epi16(v, zero));
			lanes = _mm_add_epi32(lanes, _mm_unpackhi_epi16(v, zero));
			src += 16;
			dst += 16;
		}
		n -= steps * 16;
		uint32_t l[4];
		_mm_storeu_si128((__m128i *)(void *)l, lanes);
		acc += (uint64_t)l[0] + l[1] + l[2] + l[3];
	}
#endif
	memcpy(dst, src, n);
	return fold(acc + sf_frame_sum(dst, n, 0));
}

/* Copies len bytes starting skip bytes into iov[] to dst and returns their
 * sum as placed at an even offset; bytes the array does not hold (a recv
 * with MSG_TRUNC discards them unseen) are zeros.  A piece that starts at
 * an odd position has its sum byte-swapped (RFC 1071 2(B)). */
static uint32_t copy_iov(uint8_t *dst, const struct iovec *iov, size_t iovcnt, size_t skip, size_t len)
{
	uint64_t acc = 0;
	size_t pos = 0;
	for (size_t i = 0; i < iovcnt && len; i++) {
		size_t l = iov[i].iov_len;
		if (skip >= l) {
			skip -= l;
			continue;
		}
		size_t k = l - skip < len ? l - skip : len;
		uint32_t s = copy_sum(dst, (const uint8_t *)iov[i].iov_base + skip, k);
		if (pos & 1)
			s = ((s & 0xff) << 8) | (s >> 8);
		acc += s;
		pos += k;
		dst += k;
		len -= k;
		skip = 0;
	}
	memset(dst, 0, len);
	return fold(acc);
}

/* One TCP segment from ep[dir]: flags, payload (skip/len into iov), then
 * the state moves on by the payload and the SYN/FIN it carries. */
static int segment(struct sf_frame_flow *f, int dir, uint8_t flags, const struct iovec *iov,
		   size_t iovcnt, size_t skip, size_t len, const struct sf_frame_out *out)
{
	const struct sf_frame_endpoint *src = &f->ep[dir], *dst = &f->ep[!dir];
	uint32_t seq = f->nxt[dir];
	uint32_t ack = (flags & F_ACK) ? f->nxt[!dir] : 0;
	f->nxt[dir] += (uint32_t)len + ((flags & (F_SYN | F_FIN)) ? 1u : 0u);
	f->bytes[dir] += len;
	uint16_t id = f->ip_id[dir]++;
	if (!out || !out->emit)
		return 0;
	size_t optlen = (flags & F_SYN) ? 8 : 0; /* MSS(4) + NOP + WS(3) */
	size_t thl = 20 + optlen, iphl = src->family == AF_INET6 ? 40 : 20;
	if (out->cap < iphl + thl + len)
		return -EMSGSIZE;
	uint8_t *b = out->buf;
	ip_header(b, src, dst, IPPROTO_TCP, thl + len, id);
	uint8_t *t = b + iphl;
	put16(t, src->port);
	put16(t + 2, dst->port);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)((thl / 4) << 4);
	t[13] = flags;
	/* Window: the scaled 64 MiB once scaling is agreed; the SYNs carry the
	 * unscaled maximum (RFC 7323 2.2: the SYN's window is never scaled). */
	put16(t + 14, 65535);
	t[16] = t[17] = t[18] = t[19] = 0;
	if (optlen) {
		t[20] = 2; /* MSS, RFC 9293 3.2 */
		t[21] = 4;
		put16(t + 22, f->mss);
		t[24] = 1; /* NOP */
		t[25] = 3; /* window scale, RFC 7323 2.2 */
		t[26] = 3;
		t[27] = WSCALE;
	}
	/* The header's length is even, so the payload's sum adds as is. */
	uint32_t psum = copy_iov(t + thl, iov, iovcnt, skip, len);
	uint32_t sum = fold((uint64_t)sf_frame_sum(t, thl, pseudo_sum(src, dst, IPPROTO_TCP, thl + len)) + psum);
	put_cksum(t + 16, sum);
	return out->emit(out->ctx, b, iphl + thl + len);
}

int sf_frame_handshake(struct sf_frame_flow *f, int opener, const struct sf_frame_out *out)
{
	if (f->flags & (SF_FLOW_OPEN | SF_FLOW_RST))
		return -EALREADY;
	int r;
	f->flags |= SF_FLOW_OPEN;
	if ((r = segment(f, opener, F_SYN, NULL, 0, 0, 0, out)) ||
	    (r = segment(f, !opener, F_SYN | F_ACK, NULL, 0, 0, 0, out)) ||
	    (r = segment(f, opener, F_ACK, NULL, 0, 0, 0, out)))
		return r;
	return 0;
}

static int usable(const struct sf_frame_flow *f, int dir)
{
	if (!(f->flags & SF_FLOW_OPEN))
		return -ENOTCONN;
	if (f->flags & SF_FLOW_RST)
		return -EPIPE;
	if (f->flags & (dir == SF_FRAME_OUT ? SF_FLOW_FIN_OUT : SF_FLOW_FIN_IN))
		return -EPIPE;
	return 0;
}

int sf_frame_data(struct sf_frame_flow *f, int dir, const struct iovec *iov, size_t iovcnt,
		  size_t len, const struct sf_frame_out *out)
{
	return sf_frame_data_at(f, dir, iov, iovcnt, 0, len, out);
}

int sf_frame_data_at(struct sf_frame_flow *f, int dir, const struct iovec *iov, size_t iovcnt,
		     size_t skip, size_t len, const struct sf_frame_out *out)
{
	int r = usable(f, dir);
	if (r || !len)
		return r;
	for (size_t off = 0; off < len;) {
		size_t n = len - off < f->mss ? len - off : f->mss;
		uint8_t flags = F_ACK | (off + n == len ? F_PSH : 0);
		if ((r = segment(f, dir, flags, iov, iovcnt, skip + off, n, out)))
			return r;
		off += n;
	}
	/* The receiving kernel's ACK; without it tshark would count every byte
	 * as in flight and report a full window. */
	return segment(f, !dir, F_ACK, NULL, 0, 0, 0, out);
}

int sf_frame_fin(struct sf_frame_flow *f, int dir, const struct sf_frame_out *out)
{
	int r = usable(f, dir);
	if (r == -EPIPE && !(f->flags & SF_FLOW_RST))
		return -EALREADY;
	if (r)
		return r;
	f->flags |= dir == SF_FRAME_OUT ? SF_FLOW_FIN_OUT : SF_FLOW_FIN_IN;
	if ((r = segment(f, dir, F_FIN | F_ACK, NULL, 0, 0, 0, out)))
		return r;
	return segment(f, !dir, F_ACK, NULL, 0, 0, 0, out);
}

int sf_frame_rst(struct sf_frame_flow *f, int dir, const struct sf_frame_out *out)
{
	if (!(f->flags & SF_FLOW_OPEN))
		return -ENOTCONN;
	if (f->flags & SF_FLOW_RST)
		return -EALREADY;
	f->flags |= SF_FLOW_RST;
	/* A RST takes no sequence number (segment() steps only for SYN/FIN). */
	return segment(f, dir, F_RST | F_ACK, NULL, 0, 0, 0, out);
}

int sf_frame_refused(const struct sf_frame_endpoint *local, const struct sf_frame_endpoint *peer,
		     unsigned mtu, const struct sf_frame_out *out)
{
	struct sf_frame_flow f;
	sf_frame_flow_init(&f, local, peer, mtu);
	int r = segment(&f, SF_FRAME_OUT, F_SYN, NULL, 0, 0, 0, out);
	if (r)
		return r;
	/* RFC 9293 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
	f.nxt[SF_FRAME_IN] = 0;
	return segment(&f, SF_FRAME_IN, F_RST | F_ACK, NULL, 0, 0, 0, out);
}

int sf_frame_udp(const struct sf_frame_endpoint *src, const struct sf_frame_endpoint *dst,
		 const struct iovec *iov, size_t iovcnt, size_t len, const struct sf_frame_out *out)
{
	size_t iphl = src->family == AF_INET6 ? 40 : 20;
	/* IPv4's total length and UDP's length field are 16 bits. */
	if (len + 8 > 65535 || (iphl == 20 && len + 28 > 65535))
		return -EMSGSIZE;
	if (!out || !out->emit)
		return 0;
	if (out->cap < iphl + 8 + len)
		return -EMSGSIZE;
	uint8_t *b = out->buf;
	static _Atomic uint16_t udp_id; /* IPv4 identification; any value is valid with DF */
	ip_header(b, src, dst, IPPROTO_UDP, 8 + len, udp_id++);
	uint8_t *u = b + iphl;
	put16(u, src->port);
	put16(u + 2, dst->port);
	put16(u + 4, (uint16_t)(8 + len));
	u[6] = u[7] = 0;
	uint32_t psum = copy_iov(u + 8, iov, iovcnt, 0, len);
	uint32_t sum = fold((uint64_t)sf_frame_sum(u, 8, pseudo_sum(src, dst, IPPROTO_UDP, 8 + len)) + psum);
	uint16_t c = (uint16_t)~sum;
	if (c == 0)
		c = 0xffff; /* RFC 768: a computed zero is sent as all ones */
	memcpy(u + 6, &c, 2);
	return out->emit(out->ctx, b, iphl + 8 + len);
}

int sf_frame_validate(const struct sf_frame_flow *f, const char **why)
{
#define CHECK(cond)                       \
	do {                              \
		if (!(cond)) {            \
			*why = #cond;     \
			return -EINVAL;   \
		}                         \
	} while (0)
	CHECK(f != NULL);
	CHECK(f->ep[0].family == AF_INET || f->ep[0].family == AF_INET6);
	CHECK(f->ep[0].family == f->ep[1].family);
	CHECK(f->mss >= 1 && f->mss <= SF_FRAME_MTU_MAX - 40);
	CHECK(!(f->flags & ~(unsigned)(SF_FLOW_OPEN | SF_FLOW_FIN_OUT | SF_FLOW_FIN_IN | SF_FLOW_RST)));
	CHECK((f->flags & SF_FLOW_OPEN) || !(f->flags & (SF_FLOW_FIN_OUT | SF_FLOW_FIN_IN)));
	CHECK((f->flags & SF_FLOW_OPEN) || (f->bytes[0] == 0 && f->bytes[1] == 0));
	for (int d = 0; d < 2; d++) {
		/* SND.NXT = ISN + SYN + payload + FIN (RFC 9293 3.4). */
		uint32_t fin = (f->flags & (d == 0 ? SF_FLOW_FIN_OUT : SF_FLOW_FIN_IN)) ? 1u : 0u;
		uint32_t syn = (f->flags & SF_FLOW_OPEN) ? 1u : 0u;
		CHECK(f->nxt[d] == f->isn[d] + syn + (uint32_t)f->bytes[d] + fin);
	}
#undef CHECK
	*why = NULL;
	return 0;
}

int sf_frame_parse(const uint8_t *p, size_t len, struct sf_frame_info *info, const char **why)
{
#define BAD(msg)                    \
	do {                        \
		*why = msg;         \
		return -EINVAL;     \
	} while (0)
	memset(info, 0, sizeof(*info));
	if (len < 20)
		BAD("shorter than an IP header");
	size_t iphl, plen;
	if ((p[0] >> 4) == 4) {
		iphl = (size_t)(p[0] & 0xf) * 4;
		if (iphl != 20)
			BAD("IPv4 header length");
		if (get16(p + 2) != len)
			BAD("IPv4 total length");
		if (sf_frame_sum(p, 20, 0) != 0xffff)
			BAD("IPv4 header checksum");
		info->family = AF_INET;
		info->proto = p[9];
		memcpy(info->src.addr, p + 12, 4);
		memcpy(info->dst.addr, p + 16, 4);
		plen = len - 20;
	} else if ((p[0] >> 4) == 6) {
		iphl = 40;
		if (len < 40 || get16(p + 4) != len - 40)
			BAD("IPv6 payload length");
		info->family = AF_INET6;
		info->proto = p[6];
		memcpy(info->src.addr, p + 8, 16);
		memcpy(info->dst.addr, p + 24, 16);
		plen = len - 40;
	} else {
		BAD("IP version");
	}
	info->src.family = info->dst.family = info->family;
	const uint8_t *t = p + iphl;
	uint32_t sum = sf_frame_sum(t, plen, pseudo_sum(&info->src, &info->dst, info->proto, plen));
	if (info->proto == IPPROTO_TCP) {
		if (plen < 20)
			BAD("TCP header");
		size_t thl = (size_t)(t[12] >> 4) * 4;
		if (thl < 20 || thl > plen)
			BAD("TCP data offset");
		if (sum != 0xffff)
			BAD("TCP checksum");
		info->seq = get32(t + 4);
		info->ack = get32(t + 8);
		info->tcp_flags = t[13];
		for (size_t o = 20; o + 1 < thl;) {
			if (t[o] == 0)
				break;
			if (t[o] == 1) {
				o++;
				continue;
			}
			if (t[o + 1] < 2 || o + t[o + 1] > thl)
				BAD("TCP option length");
			if (t[o] == 2 && t[o + 1] == 4)
				info->mss_option = get16(t + o + 2);
			o += t[o + 1];
		}
		info->payload_off = iphl + thl;
		info->payload_len = plen - thl;
	} else if (info->proto == IPPROTO_UDP) {
		if (plen < 8 || get16(t + 4) != plen)
			BAD("UDP length");
		if (get16(t + 6) != 0 && sum != 0xffff)
			BAD("UDP checksum");
		info->payload_off = iphl + 8;
		info->payload_len = plen - 8;
	} else {
		BAD("protocol");
	}
	info->src.port = get16(t);
	info->dst.port = get16(t + 2);
#undef BAD
	*why = NULL;
	return 0;
}
