/* DNS query and answer messages (see dns_frame.h), RFC 1035 4.1. */
#include "dns_frame.h"

#include <errno.h>
#include <string.h>

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Header and question; returns the length or a negative errno. */
static int question(uint8_t *buf, size_t cap, uint16_t id, unsigned flags, unsigned ancount,
		    const char *name, uint16_t qtype)
{
	size_t nlen = strlen(name);
	if (nlen && name[nlen - 1] == '.')
		nlen--; /* the absolute form names the same domain */
	if (nlen == 0 || nlen > 253)
		return -EINVAL;
	if (cap < 12 + nlen + 2 + 4)
		return -EMSGSIZE;
	put16(buf, id);
	put16(buf + 2, flags);
	put16(buf + 4, 1);       /* QDCOUNT */
	put16(buf + 6, ancount); /* ANCOUNT */
	put16(buf + 8, 0);
	put16(buf + 10, 0);
	size_t o = 12;
	/* QNAME: length-prefixed labels (RFC 1035 3.1). */
	for (size_t i = 0; i <= nlen;) {
		size_t j = i;
		while (j < nlen && name[j] != '.')
			j++;
		if (j == i || j - i > 63)
			return -EINVAL;
		buf[o++] = (uint8_t)(j - i);
		memcpy(buf + o, name + i, j - i);
		o += j - i;
		i = j + 1;
	}
	buf[o++] = 0;
	put16(buf + o, qtype);
	put16(buf + o + 2, 1); /* QCLASS IN */
	return (int)(o + 4);
}

int sf_dns_query(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype)
{
	return question(buf, cap, id, 0x0100 /* RD */, 0, name, qtype);
}

int sf_dns_answer(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype,
		  unsigned rcode, const uint8_t (*addrs)[16], unsigned naddrs)
{
	size_t alen = qtype == SF_DNS_AAAA ? 16 : 4, rr = 12 + alen;
	if (cap > SF_DNS_MAX)
		cap = SF_DNS_MAX;
	int q = question(buf, cap, id, 0, 0, name, qtype);
	if (q < 0)
		return q;
	unsigned fit = (unsigned)(((size_t)cap - (size_t)q) / rr);
	unsigned n = naddrs < fit ? naddrs : fit;
	/* QR, RD, RA; TC when answers were left out. */
	put16(buf + 2, 0x8180 | (n < naddrs ? 0x0200 : 0) | (rcode & 0xf));
	put16(buf + 6, n);
	size_t o = (size_t)q;
	for (unsigned i = 0; i < n; i++) {
		put16(buf + o, 0xc00c); /* pointer to the question's name (4.1.4) */
		put16(buf + o + 2, qtype);
		put16(buf + o + 4, 1);
		memset(buf + o + 6, 0, 4); /* TTL 0: an answer made up for this call */
		put16(buf + o + 10, (unsigned)alen);
		memcpy(buf + o + 12, addrs[i], alen);
		o += rr;
	}
	return (int)o;
}
