/* Frame decoding (see packet.h).  Lengths come from the capture, which a
 * user may hand us truncated or hostile: every offset is checked against
 * the captured length, and a header's length field is trusted only when it
 * fits. */
#include "packet.h"

#include <pcap/pcap.h>
#include <sys/socket.h>

bool sf_packet_link_supported(int dlt)
{
	return dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6 || dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL ||
	       dlt == DLT_NULL;
}

static bool transport(struct sf_packet *o, int proto, const unsigned char *t, size_t tlen)
{
	o->proto = proto;
	if (proto == 6) {
		if (tlen < 20)
			return false;
		size_t doff = (size_t)(t[12] >> 4) * 4;
		if (doff < 20 || doff > tlen)
			return false;
		o->sport = (uint16_t)(t[0] << 8 | t[1]);
		o->dport = (uint16_t)(t[2] << 8 | t[3]);
		o->seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
		o->flags = t[13];
		o->payload = t + doff;
		o->len = tlen - doff;
		return true;
	}
	if (proto == 17) {
		if (tlen < 8)
			return false;
		o->sport = (uint16_t)(t[0] << 8 | t[1]);
		o->dport = (uint16_t)(t[2] << 8 | t[3]);
		size_t ulen = (size_t)(t[4] << 8 | t[5]);
		if (ulen < 8 || ulen > tlen)
			ulen = tlen;
		o->seq = 0;
		o->flags = 0;
		o->payload = t + 8;
		o->len = ulen - 8;
		return true;
	}
	return false;
}

static bool ip_packet(struct sf_packet *o, const unsigned char *p, size_t n)
{
	if (n < 1)
		return false;
	if ((p[0] >> 4) == 4) {
		size_t ihl = (size_t)(p[0] & 15) * 4;
		if (n < 20 || ihl < 20 || ihl > n)
			return false;
		size_t total = (size_t)(p[2] << 8 | p[3]);
		if (total < ihl || total > n)
			total = n; /* trust the capture over a bad length */
		if ((p[6] & 0x3f) || p[7])
			return false; /* fragments: not reassembled */
		o->family = AF_INET;
		o->src = p + 12;
		o->dst = p + 16;
		return transport(o, p[9], p + ihl, total - ihl);
	}
	if ((p[0] >> 4) == 6) {
		if (n < 40)
			return false; /* extension headers: not followed */
		size_t plen = (size_t)(p[4] << 8 | p[5]);
		if (plen > n - 40)
			plen = n - 40;
		o->family = AF_INET6;
		o->src = p + 8;
		o->dst = p + 24;
		return transport(o, p[6], p + 40, plen);
	}
	return false;
}

bool sf_packet_decode(int dlt, const unsigned char *p, size_t n, struct sf_packet *out)
{
	switch (dlt) {
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return ip_packet(out, p, n);
	case DLT_EN10MB: {
		size_t off = 12;
		while (n >= off + 2 && (p[off] == 0x81 && p[off + 1] == 0x00))
			off += 4; /* 802.1Q tags */
		if (n < off + 2)
			return false;
		uint16_t type = (uint16_t)(p[off] << 8 | p[off + 1]);
		return (type == 0x0800 || type == 0x86dd) && ip_packet(out, p + off + 2, n - off - 2);
	}
	case DLT_LINUX_SLL:
		return n >= 16 && ((p[14] == 0x08 && p[15] == 0x00) || (p[14] == 0x86 && p[15] == 0xdd)) &&
		       ip_packet(out, p + 16, n - 16);
	case DLT_NULL:
		return n >= 4 && ip_packet(out, p + 4, n - 4);
	default:
		return false;
	}
}
