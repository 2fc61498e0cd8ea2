/* The scenario's host table as a resolver (see resolve.h).  Everything here
 * is a function of its arguments, the interfaces' addresses and
 * /etc/services; the real libc resolver and the fault rules are
 * interpose/resolve.c's business.  No global mutable state. */
#include "resolve/resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/syscalls.h"

/* --- the table ---------------------------------------------------------- */

static bool pattern_matches(const struct sf_host *h, const char *name)
{
	return fnmatch(h->pattern, name, FNM_CASEFOLD) == 0;
}

const struct sf_host *sf_resolve_lookup(const struct sf_scenario *sc, const char *name)
{
	if (!sc || !name || !*name)
		return NULL;
	/* "api.example.test." is the same DNS name as "api.example.test". */
	char small[256], *bare = NULL;
	size_t len = strlen(name);
	if (len > 1 && name[len - 1] == '.') {
		bare = len <= sizeof(small) ? small : malloc(len);
		if (bare) {
			memcpy(bare, name, len - 1);
			bare[len - 1] = '\0';
		}
	}
	const struct sf_host *found = NULL;
	for (unsigned i = 0; i < sc->nhosts && !found; i++)
		if (pattern_matches(&sc->hosts[i], name) || (bare && pattern_matches(&sc->hosts[i], bare)))
			found = &sc->hosts[i];
	if (bare != small)
		free(bare);
	return found;
}

const struct sf_host *sf_resolve_reverse(const struct sf_scenario *sc, int family, const void *addr)
{
	size_t len = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
	if (!sc || !addr || !len)
		return NULL;
	for (unsigned i = 0; i < sc->nhosts; i++) {
		const struct sf_host *h = &sc->hosts[i];
		if (strpbrk(h->pattern, "*?[\\"))
			continue;
		for (unsigned k = 0; k < h->naddrs; k++)
			if (h->addrs[k].family == family && memcmp(h->addrs[k].addr, addr, len) == 0)
				return h;
	}
	return NULL;
}

bool sf_resolve_is_numeric(const char *name)
{
	struct in_addr a4;
	struct in6_addr a6;
	/* inet_aton stops at white space and accepts what follows; glibc's
	 * getaddrinfo uses the exact form, which does not. */
	if (inet_aton(name, &a4) && !strpbrk(name, " \t\n\v\f\r"))
		return true;
	const char *pct = strchr(name, '%');
	if (!pct)
		return inet_pton(AF_INET6, name, &a6) == 1;
	char buf[INET6_ADDRSTRLEN];
	size_t n = (size_t)(pct - name);
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, name, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a6) == 1;
}

int sf_resolve_eai_to_herrno(int eai)
{
	switch (eai) {
	case EAI_NONAME: return HOST_NOT_FOUND;
	case EAI_AGAIN: return TRY_AGAIN;
	case EAI_NODATA: return NO_DATA;
	case EAI_SYSTEM: return NETDB_INTERNAL;
	default: return NO_RECOVERY; /* EAI_FAIL and codes with no h_errno */
	}
}

int sf_resolve_herrno_to_eai(int herr)
{
	switch (herr) {
	case HOST_NOT_FOUND: return EAI_NONAME;
	case TRY_AGAIN: return EAI_AGAIN;
	case NO_DATA: return EAI_NODATA;
	case NETDB_INTERNAL: return EAI_SYSTEM;
	default: return EAI_FAIL; /* NO_RECOVERY */
	}
}

/* --- getaddrinfo: hints and service ------------------------------------- */

int sf_resolve_servbyname(const char *service, const char *proto)
{
	char small[1024], *buf = small;
	size_t len = sizeof(small);
	int port = -1;
	for (;;) {
		struct servent se, *s = NULL;
		int r = getservbyname_r(service, proto, &se, buf, len, &s);
		if (r == ERANGE && len < (1u << 20)) {
			char *nb = malloc(len * 2);
			if (!nb)
				break;
			if (buf != small)
				free(buf);
			buf = nb;
			len *= 2;
			continue;
		}
		if (r == 0 && s)
			port = (uint16_t)s->s_port; /* already in network order */
		break;
	}
	if (buf != small)
		free(buf);
	return port;
}

/* The socket types and protocols glibc's getaddrinfo knows, in its order.
 * With neither ai_socktype nor ai_protocol given, the `dflt` ones are
 * answered; "raw" takes any protocol and no service. */
#define TP_ANYPROTO 1
#define TP_NOSERVICE 2
static const struct {
	int socktype, protocol;
	unsigned char flags;
	bool dflt;
	char name[8];
} typeproto[] = {
	{SOCK_STREAM, IPPROTO_TCP, 0, true, "tcp"},
	{SOCK_DGRAM, IPPROTO_UDP, 0, true, "udp"},
	{SOCK_DCCP, IPPROTO_DCCP, 0, false, "dccp"},
	{SOCK_DGRAM, IPPROTO_UDPLITE, 0, false, "udplite"},
	{SOCK_STREAM, IPPROTO_SCTP, 0, false, "sctp"},
	{SOCK_SEQPACKET, IPPROTO_SCTP, 0, false, "sctp"},
	{SOCK_RAW, 0, TP_ANYPROTO | TP_NOSERVICE, true, "raw"},
};
#define NTYPEPROTO (sizeof(typeproto) / sizeof(typeproto[0]))
_Static_assert(NTYPEPROTO <= SF_GAI_MAX_TUPLES, "one tuple per known type at most");

/* Flags glibc 2.36 accepts (0x300: the retired AI_IDN_* bits it ignores). */
#define GAI_KNOWN_FLAGS                                                                      \
	(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_ADDRCONFIG | AI_V4MAPPED | AI_IDN |  \
	 AI_CANONIDN | 0x300 | AI_NUMERICSERV | AI_ALL)

static void add_tuple(struct sf_gai_req *req, int socktype, int protocol, uint16_t port)
{
	req->tuples[req->ntuples++] = (struct sf_gai_tuple){socktype, protocol, port};
}

static int tuple_protocol(unsigned i, int requested)
{
	return (typeproto[i].flags & TP_ANYPROTO) ? requested : typeproto[i].protocol;
}

int sf_gai_prepare(const struct addrinfo *hints, const char *service, const struct sf_netinfo *ni,
		   sf_servlookup_fn lookup, struct sf_gai_req *req)
{
	memset(req, 0, sizeof(*req));
	if (service && service[0] == '*' && !service[1])
		service = NULL;
	if (hints) {
		req->flags = hints->ai_flags;
		req->family = hints->ai_family;
		req->socktype = hints->ai_socktype;
		req->protocol = hints->ai_protocol;
	} else {
		req->flags = AI_V4MAPPED | AI_ADDRCONFIG; /* glibc's AI_DEFAULT */
	}
	if (req->flags & ~GAI_KNOWN_FLAGS)
		return EAI_BADFLAGS;
	if (req->family != AF_UNSPEC && req->family != AF_INET && req->family != AF_INET6)
		return EAI_FAMILY;
	if (req->flags & AI_ADDRCONFIG) {
		bool v4 = ni ? ni->seen_ipv4 : true, v6 = ni ? ni->seen_ipv6 : true;
		if (req->family == AF_UNSPEC && (v4 || v6)) {
			if (v4 != v6)
				req->family = v4 ? AF_INET : AF_INET6;
		} else if ((req->family == AF_INET && !v4) || (req->family == AF_INET6 && !v6)) {
			return EAI_NONAME;
		}
	}

	/* The service: glibc reads a number with strtoul into an int, so a
	 * value that comes out negative is looked up as a name. */
	bool has_service = service && service[0], named = false;
	int num = 0;
	if (has_service) {
		int saved = errno;
		char *end;
		unsigned long v = strtoul(service, &end, 10);
		errno = saved;
		if (*end) {
			if (req->flags & AI_NUMERICSERV)
				return EAI_NONAME;
			named = true;
		} else {
			num = (int)(uint32_t)v;
			named = num < 0;
		}
	}

	/* An explicit socket type or protocol selects the first known type
	 * that fits both. */
	int sel = -1;
	if (req->socktype || req->protocol) {
		for (unsigned i = 0; i < NTYPEPROTO && sel < 0; i++)
			if ((!req->socktype || req->socktype == typeproto[i].socktype) &&
			    (!req->protocol || (typeproto[i].flags & TP_ANYPROTO) ||
			     req->protocol == typeproto[i].protocol))
				sel = (int)i;
		if (sel < 0)
			return req->socktype ? EAI_SOCKTYPE : EAI_SERVICE;
	}
	if (has_service && sel >= 0 && (typeproto[sel].flags & TP_NOSERVICE))
		return EAI_SERVICE;

	if (!named) {
		uint16_t port = has_service ? htons((uint16_t)num) : 0;
		if (sel >= 0) {
			add_tuple(req, typeproto[sel].socktype, tuple_protocol((unsigned)sel, req->protocol), port);
		} else {
			for (unsigned i = 0; i < NTYPEPROTO; i++)
				if (typeproto[i].dflt)
					add_tuple(req, typeproto[i].socktype, typeproto[i].protocol, port);
		}
		return 0;
	}
	if (!lookup)
		lookup = sf_resolve_servbyname;
	if (sel >= 0) {
		int port = lookup(service, typeproto[sel].name);
		if (port < 0)
			return EAI_SERVICE;
		add_tuple(req, typeproto[sel].socktype, tuple_protocol((unsigned)sel, req->protocol),
			  (uint16_t)port);
		return 0;
	}
	/* A named service with no type: every type the service is listed for. */
	for (unsigned i = 0; i < NTYPEPROTO; i++) {
		if (typeproto[i].flags & TP_NOSERVICE)
			continue;
		int port = lookup(service, typeproto[i].name);
		if (port >= 0)
			add_tuple(req, typeproto[i].socktype, typeproto[i].protocol, (uint16_t)port);
	}
	return req->ntuples ? 0 : EAI_SERVICE;
}

/* --- getaddrinfo: ordering ------------------------------------------------
 * RFC 3484 destination address selection, with the policy tables glibc uses
 * when /etc/gai.conf sets none (RFC 3484's, plus its rows for fec0::/10,
 * fc00::/7 and Teredo).  IPv4 addresses take part as ::ffff:a.b.c.d. */

struct policy {
	uint8_t prefix[16];
	unsigned bits;
	int value;
};

static const struct policy label_table[] = {
	{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, 0},
	{{0x20, 0x02}, 16, 2},
	{{0}, 96, 3},
	{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, 4},
	{{0xfe, 0xc0}, 10, 5},
	{{0xfc}, 7, 6},
	{{0x20, 0x01}, 32, 7},
	{{0}, 0, 1},
};

static const struct policy precedence_table[] = {
	{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, 50},
	{{0x20, 0x02}, 16, 30},
	{{0}, 96, 20},
	{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, 10},
	{{0}, 0, 40},
};

static void as_v6(int family, const uint8_t *a, uint8_t out[16])
{
	if (family == AF_INET) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, a, 4);
	} else {
		memcpy(out, a, 16);
	}
}

static bool prefix_matches(const uint8_t *a, const struct policy *p)
{
	unsigned full = p->bits / 8, rest = p->bits % 8;
	if (memcmp(a, p->prefix, full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (p->prefix[full] & mask);
}

static int policy_value(const struct policy *table, size_t n, int family, const uint8_t *addr)
{
	uint8_t a[16];
	as_v6(family, addr, a);
	for (size_t i = 0; i < n; i++)
		if (prefix_matches(a, &table[i]))
			return table[i].value;
	return 0; /* unreachable: every table ends with ::/0 */
}

#define LABEL(f, a) policy_value(label_table, sizeof(label_table) / sizeof(label_table[0]), f, a)
#define PRECEDENCE(f, a) \
	policy_value(precedence_table, sizeof(precedence_table) / sizeof(precedence_table[0]), f, a)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* glibc's scopes: IPv6 by address type, IPv4 by its default scopev4 table. */
static int scope_of(int family, const uint8_t *a)
{
	if (family == AF_INET6) {
		static const uint8_t loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
		if (a[0] == 0xff)
			return a[1] & 0xf;
		if ((a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || memcmp(a, loopback, 16) == 0)
			return 2;
		if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
			return 5;
		return 14;
	}
	uint32_t x = be32(a);
	if ((x & 0xffff0000u) == 0xa9fe0000u || (x >> 24) == 127)
		return 2; /* 169.254/16, 127/8 */
	if ((x >> 24) == 10 || (x & 0xfff00000u) == 0xac100000u || (x & 0xffff0000u) == 0xc0a80000u)
		return 5; /* 10/8, 172.16/12, 192.168/16 */
	return 14;
}

/* Leading zero bits of x; 32 for 0. */
static int clz32(uint32_t x)
{
	return x ? __builtin_clz(x) : 32;
}

/* Rule 9 for an IPv4 destination: the prefix it shares with its source,
 * counted only inside the source's subnet.  glibc builds the netmask as
 * 0xffffffff << (32 - prefixlen); with the prefix length unknown (0) that
 * shift by 32 leaves the mask whole on x86-64 and aarch64, so only an
 * identical address counts then. */
static int v4_shared_prefix(const struct sf_gai_dest *d)
{
	uint32_t dst = be32(d->addr), src = be32(d->src);
	uint32_t mask = d->src_prefixlen && d->src_prefixlen < 32 ? 0xffffffffu << (32 - d->src_prefixlen)
								   : 0xffffffffu;
	return (dst & mask) == (src & mask) ? clz32(dst ^ src) : 0;
}

/* < 0 when a goes first; never 0 for distinct entries (rule 10). */
static int compare_dest(const struct sf_gai_dest *a, const struct sf_gai_dest *b)
{
	/* Rule 1: avoid unusable destinations. */
	if (a->got_src != b->got_src)
		return a->got_src ? -1 : 1;
	int a_scope = scope_of(a->family, a->addr), b_scope = scope_of(b->family, b->addr);
	if (a->got_src) {
		/* Rule 2: prefer matching scope. */
		bool am = a_scope == scope_of(a->src_family, a->src);
		bool bm = b_scope == scope_of(b->src_family, b->src);
		if (am != bm)
			return am ? -1 : 1;
		/* Rule 5: prefer matching label. */
		am = LABEL(a->family, a->addr) == LABEL(a->src_family, a->src);
		bm = LABEL(b->family, b->addr) == LABEL(b->src_family, b->src);
		if (am != bm)
			return am ? -1 : 1;
	}
	/* Rule 6: prefer higher precedence. */
	int ap = PRECEDENCE(a->family, a->addr), bp = PRECEDENCE(b->family, b->addr);
	if (ap != bp)
		return ap > bp ? -1 : 1;
	/* Rule 8: prefer smaller scope. */
	if (a_scope != b_scope)
		return a_scope < b_scope ? -1 : 1;
	/* Rule 9: longest matching prefix.  For IPv6 glibc compares within the
	 * first 32-bit word where either pair differs. */
	if (a->got_src && a->family == b->family) {
		int abits = 0, bbits = 0;
		if (a->family == AF_INET) {
			abits = v4_shared_prefix(a);
			bbits = v4_shared_prefix(b);
		} else {
			unsigned w = 0;
			while (w < 4 && be32(a->addr + 4 * w) == be32(a->src + 4 * w) &&
			       be32(b->addr + 4 * w) == be32(b->src + 4 * w))
				w++;
			if (w < 4) {
				abits = clz32(be32(a->addr + 4 * w) ^ be32(a->src + 4 * w));
				bbits = clz32(be32(b->addr + 4 * w) ^ be32(b->src + 4 * w));
			}
		}
		if (abits != bbits)
			return abits > bbits ? -1 : 1;
	}
	/* Rule 10: keep the order. */
	return a->index < b->index ? -1 : a->index > b->index;
}

void sf_gai_sort(struct sf_gai_dest *d, unsigned n)
{
	/* At most SF_HOST_MAX_ADDRS entries: insertion sort. */
	for (unsigned i = 1; i < n; i++) {
		struct sf_gai_dest x = d[i];
		unsigned j = i;
		while (j > 0 && compare_dest(&x, &d[j - 1]) < 0) {
			d[j] = d[j - 1];
			j--;
		}
		d[j] = x;
	}
}

static unsigned prefixlen_of_mask(const struct sockaddr *m, int family)
{
	const uint8_t *p = family == AF_INET ? (const uint8_t *)&((const struct sockaddr_in *)m)->sin_addr
					     : ((const struct sockaddr_in6 *)m)->sin6_addr.s6_addr;
	unsigned n = 0, len = family == AF_INET ? 4 : 16;
	for (unsigned i = 0; i < len; i++)
		n += (unsigned)__builtin_popcount(p[i]);
	return n;
}

int sf_netinfo_read(struct sf_netinfo *ni)
{
	memset(ni, 0, sizeof(*ni));
	struct ifaddrs *list;
	if (getifaddrs(&list) != 0) {
		ni->seen_ipv4 = ni->seen_ipv6 = true;
		return -1;
	}
	for (struct ifaddrs *i = list; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		int f = i->ifa_addr->sa_family;
		const uint8_t *a;
		if (f == AF_INET) {
			a = (const uint8_t *)&((const struct sockaddr_in *)i->ifa_addr)->sin_addr;
			if (be32(a) != INADDR_LOOPBACK)
				ni->seen_ipv4 = true;
		} else if (f == AF_INET6) {
			a = ((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr.s6_addr;
			if (!IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)a))
				ni->seen_ipv6 = true;
		} else {
			continue;
		}
		if (ni->naddrs == SF_NETINFO_MAX)
			continue;
		ni->addrs[ni->naddrs].family = f;
		memset(ni->addrs[ni->naddrs].addr, 0, 16);
		memcpy(ni->addrs[ni->naddrs].addr, a, f == AF_INET ? 4 : 16);
		ni->addrs[ni->naddrs].prefixlen = i->ifa_netmask ? prefixlen_of_mask(i->ifa_netmask, f) : 0;
		ni->naddrs++;
	}
	freeifaddrs(list);
	return 0;
}

void sf_gai_probe(struct sf_gai_dest *d, const struct sf_netinfo *ni)
{
	const struct sf_syscalls *libc = sf_libc();
	d->got_src = false;
	d->src_prefixlen = 0;
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} dst = {0}, src = {0};
	socklen_t dlen;
	/* glibc connects to the answer's own address, port included. */
	if (d->family == AF_INET) {
		dst.in.sin_family = AF_INET;
		dst.in.sin_port = d->port;
		memcpy(&dst.in.sin_addr, d->addr, 4);
		dlen = sizeof(dst.in);
	} else {
		dst.in6.sin6_family = AF_INET6;
		dst.in6.sin6_port = d->port;
		memcpy(&dst.in6.sin6_addr, d->addr, 16);
		dlen = sizeof(dst.in6);
	}
	int fd = libc->socket(d->family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_IP);
	if (fd < 0)
		return;
	socklen_t slen = sizeof(src);
	if (libc->connect(fd, &dst.sa, dlen) == 0 && libc->getsockname(fd, &src.sa, &slen) == 0 &&
	    src.sa.sa_family == d->family) {
		d->got_src = true;
		d->src_family = d->family;
		memset(d->src, 0, 16);
		if (d->family == AF_INET)
			memcpy(d->src, &src.in.sin_addr, 4);
		else
			memcpy(d->src, &src.in6.sin6_addr, 16);
	}
	libc->close(fd);
	/* glibc has prefix lengths only when it saw IPv6 (its __check_pf keeps
	 * the address list then); a 127/8 source is looked up as 127.0.0.1. */
	if (!d->got_src || !ni || !ni->seen_ipv6)
		return;
	uint8_t key[16] = {0};
	memcpy(key, d->src, 16);
	if (d->family == AF_INET && key[0] == 127) {
		static const uint8_t lo[4] = {127, 0, 0, 1};
		memcpy(key, lo, 4);
	}
	for (unsigned i = 0; i < ni->naddrs; i++)
		if (ni->addrs[i].family == d->family &&
		    memcmp(ni->addrs[i].addr, key, d->family == AF_INET ? 4 : 16) == 0) {
			d->src_prefixlen = ni->addrs[i].prefixlen;
			break;
		}
}

/* --- getaddrinfo: the answer -----------------------------------------------
 * Each node is one allocation: the addrinfo, a tag, the socket address and,
 * in the first node, the canonical name.  glibc's nodes have ai_addr right
 * after the addrinfo; ours have the tag in between, so looking at ai_addr
 * alone tells them apart without reading past a glibc node, and the tag
 * (which mixes in the node's address) confirms it. */

struct sf_ai_node {
	struct addrinfo ai;
	uint64_t tag;
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} u;
	char canon[];
};

_Static_assert(offsetof(struct sf_ai_node, u) != sizeof(struct addrinfo),
	       "ai_addr must sit where glibc never puts it");

static uint64_t node_tag(const void *node)
{
	return 0x7366726573766c76ull ^ (uint64_t)(uintptr_t)node;
}

bool sf_resolve_owns(const struct addrinfo *ai)
{
	const char *base = (const char *)ai;
	if ((const char *)ai->ai_addr != base + offsetof(struct sf_ai_node, u))
		return false;
	return ((const struct sf_ai_node *)ai)->tag == node_tag(ai);
}

void sf_resolve_freeaddrinfo(struct addrinfo *ai, void (*real_free)(struct addrinfo *))
{
	while (ai) {
		if (!sf_resolve_owns(ai)) {
			if (real_free)
				real_free(ai);
			return;
		}
		struct addrinfo *next = ai->ai_next;
		struct sf_ai_node *n = (struct sf_ai_node *)ai;
		n->tag = 0;
		free(n);
		ai = next;
	}
}

int sf_gai_answer(const struct sf_host *h, const char *canon, const struct sf_gai_req *req,
		  const struct sf_netinfo *ni,
		  void (*probe)(struct sf_gai_dest *, const struct sf_netinfo *), struct addrinfo **res)
{
	struct sf_gai_dest d[SF_HOST_MAX_ADDRS];
	unsigned n = 0;
	for (unsigned i = 0; i < h->naddrs && n < SF_HOST_MAX_ADDRS; i++) {
		int f = h->addrs[i].family;
		if (req->family == AF_UNSPEC || req->family == f) {
			d[n] = (struct sf_gai_dest){.family = f};
			memcpy(d[n++].addr, h->addrs[i].addr, 16);
		}
	}
	/* AF_INET6 with AI_V4MAPPED: the IPv4 addresses, mapped, when there is
	 * no IPv6 one, or after them with AI_ALL (glibc's two lookups). */
	if (req->family == AF_INET6 && (req->flags & AI_V4MAPPED) && ((req->flags & AI_ALL) || !n)) {
		for (unsigned i = 0; i < h->naddrs && n < SF_HOST_MAX_ADDRS; i++) {
			if (h->addrs[i].family != AF_INET)
				continue;
			d[n] = (struct sf_gai_dest){.family = AF_INET6};
			as_v6(AF_INET, h->addrs[i].addr, d[n++].addr);
		}
	}
	if (!n)
		return EAI_NONAME; /* what glibc's files backend answers */
	if (n > 1) {
		for (unsigned i = 0; i < n; i++) {
			d[i].index = i;
			d[i].port = req->tuples[0].port;
			if (probe)
				probe(&d[i], ni);
		}
		sf_gai_sort(d, n);
	}

	size_t canonlen = (req->flags & AI_CANONNAME) && canon ? strlen(canon) + 1 : 0;
	struct addrinfo *head = NULL, **tail = &head;
	for (unsigned i = 0; i < n; i++) {
		for (unsigned t = 0; t < req->ntuples; t++) {
			size_t extra = head ? 0 : canonlen;
			struct sf_ai_node *node = calloc(1, sizeof(*node) + extra);
			if (!node) {
				sf_resolve_freeaddrinfo(head, NULL);
				return EAI_MEMORY;
			}
			node->tag = node_tag(node);
			struct addrinfo *ai = &node->ai;
			ai->ai_flags = req->flags;
			ai->ai_family = d[i].family;
			ai->ai_socktype = req->tuples[t].socktype;
			ai->ai_protocol = req->tuples[t].protocol;
			ai->ai_addr = &node->u.sa;
			if (d[i].family == AF_INET) {
				node->u.in.sin_family = AF_INET;
				node->u.in.sin_port = req->tuples[t].port;
				memcpy(&node->u.in.sin_addr, d[i].addr, 4);
				ai->ai_addrlen = sizeof(struct sockaddr_in);
			} else {
				node->u.in6.sin6_family = AF_INET6;
				node->u.in6.sin6_port = req->tuples[t].port;
				memcpy(&node->u.in6.sin6_addr, d[i].addr, 16);
				ai->ai_addrlen = sizeof(struct sockaddr_in6);
			}
			if (extra) {
				memcpy(node->canon, canon, extra);
				ai->ai_canonname = node->canon;
			}
			*tail = ai;
			tail = &ai->ai_next;
		}
	}
	*res = head;
	return 0;
}

/* --- gethostby* --------------------------------------------------------- */

int sf_resolve_hostent(struct hostent *he, char *buf, size_t buflen, const char *name, int af,
		       const uint8_t (*addrs)[16], unsigned naddrs)
{
	size_t alen = af == AF_INET6 ? 16 : 4;
	size_t pad = (size_t)(-(uintptr_t)buf & (alignof(char *) - 1));
	size_t nlen = strlen(name) + 1;
	size_t need = pad + (2 + (size_t)naddrs) * sizeof(char *) + naddrs * alen + nlen;
	if (!buf || need > buflen)
		return ERANGE;
	char **aliases = (char **)(void *)(buf + pad);
	char **list = aliases + 1;
	char *data = (char *)(list + naddrs + 1);
	aliases[0] = NULL;
	for (unsigned i = 0; i < naddrs; i++) {
		memcpy(data + i * alen, addrs[i], alen);
		list[i] = data + i * alen;
	}
	list[naddrs] = NULL;
	char *nm = data + naddrs * alen;
	memcpy(nm, name, nlen);
	he->h_name = nm;
	he->h_aliases = aliases;
	he->h_addrtype = af;
	he->h_length = (int)alen;
	he->h_addr_list = list;
	return 0;
}

unsigned sf_resolve_host_addrs(const struct sf_host *h, int af, uint8_t (*out)[16])
{
	unsigned n = 0;
	for (unsigned i = 0; i < h->naddrs && i < SF_HOST_MAX_ADDRS; i++)
		if (h->addrs[i].family == af)
			memcpy(out[n++], h->addrs[i].addr, 16);
	return n;
}

void sf_resolve_strip_domain(char *name, const char *domain)
{
	if (!domain || !*domain)
		return;
	char *c = strstr(name, domain);
	if (c && c != name && c[-1] == '.')
		c[-1] = '\0';
}
