/* DNS query and answer messages (see dns_frame.h), RFC 1035 4.1. */
#include "capture/dns_frame.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A domain name as length-prefixed labels ending in the root's empty one
 * (RFC 1035 3.1) into buf[0..cap); its length or a negative errno. */
static int put_name(uint8_t *buf, size_t cap, const char *name)
{
	size_t nlen = strlen(name);
	if (nlen && name[nlen - 1] == '.')
		nlen--; /* the absolute form names the same domain */
	if (nlen == 0 || nlen > 253)
		return -EINVAL;
	if (cap < nlen + 2)
		return -EMSGSIZE;
	size_t o = 0;
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
	return (int)o;
}

/* Header and question; returns the length or a negative errno. */
static int question(uint8_t *buf, size_t cap, uint16_t id, unsigned flags, unsigned ancount,
		    const char *name, uint16_t qtype)
{
	if (cap < 12 + 4)
		return -EMSGSIZE;
	int n = put_name(buf + 12, cap - 12 - 4, name);
	if (n < 0)
		return n;
	put16(buf, id);
	put16(buf + 2, flags);
	put16(buf + 4, 1);       /* QDCOUNT */
	put16(buf + 6, ancount); /* ANCOUNT */
	put16(buf + 8, 0);
	put16(buf + 10, 0);
	size_t o = 12 + (size_t)n;
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

int sf_dns_reverse_name(int family, const void *addr, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *a = addr;
	size_t o = 0;
	if (family == AF_INET) {
		char tmp[32];
		int n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
		if (n < 0 || (size_t)n >= cap)
			return -EMSGSIZE;
		memcpy(out, tmp, (size_t)n + 1);
		return n;
	}
	if (family != AF_INET6)
		return -EINVAL;
	if (cap < 16 * 4 + sizeof("ip6.arpa"))
		return -EMSGSIZE;
	for (int i = 15; i >= 0; i--) {
		out[o++] = hex[a[i] & 0xf];
		out[o++] = '.';
		out[o++] = hex[a[i] >> 4];
		out[o++] = '.';
	}
	memcpy(out + o, "ip6.arpa", sizeof("ip6.arpa"));
	return (int)(o + sizeof("ip6.arpa") - 1);
}

int sf_dns_answer_ptr(uint8_t *buf, size_t cap, uint16_t id, const char *qname, unsigned rcode,
		      const char *target)
{
	if (cap > SF_DNS_MAX)
		cap = SF_DNS_MAX;
	int q = question(buf, cap, id, 0, 0, qname, SF_DNS_PTR);
	if (q < 0)
		return q;
	size_t o = (size_t)q;
	int n = 0;
	if (target && cap >= o + 12 + 2 && (n = put_name(buf + o + 12, cap - o - 12, target)) < 0)
		n = 0; /* a name DNS cannot carry: the answer says nothing */
	put16(buf + 2, 0x8180 | (rcode & 0xf)); /* QR, RD, RA */
	put16(buf + 6, n ? 1 : 0);
	if (n) {
		put16(buf + o, 0xc00c); /* the question's name (4.1.4) */
		put16(buf + o + 2, SF_DNS_PTR);
		put16(buf + o + 4, 1);
		memset(buf + o + 6, 0, 4); /* TTL 0 */
		put16(buf + o + 10, (unsigned)n);
		o += 12 + (size_t)n;
	}
	return (int)o;
}
