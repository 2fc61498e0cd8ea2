/* The resolver calls when a scenario engages them (interpose/resolve.c
 * decides that and calls in here with sf_depth as the program left it).
 *
 * What happens:
 *
 *   1. the fault engine decides first (name= matches the name looked up;
 *      for reverse lookups the numeric address, "192.0.2.7" / "2001:db8::1");
 *      an `eai` rule makes getaddrinfo/getnameinfo return its code (errno set
 *      for EAI_SYSTEM), an `herror` rule makes gethostby* fail with its
 *      h_errno, a `delay` sleeps and then resolves;
 *   2. numeric addresses, AI_NUMERICHOST and NI_NUMERICHOST requests and a
 *      NULL node go to libc;
 *   3. a name in the host table is answered from it (resolve.c); a name that
 *      is not fails with the unknown-hosts code if there is one, else goes to
 *      libc.  An address no untemplated entry lists counts as an unknown host
 *      for reverse lookups too.
 *
 * Answers from the table follow glibc's conventions where callers can see
 * them: getaddrinfo and getnameinfo leave errno as it was on success;
 * the gethostby* functions set it as glibc's do (0 on success and for a
 * name not found, EAGAIN with TRY_AGAIN, ERANGE for a small _r buffer) and
 * put a failure's code in h_errno as well as in *h_errnop.
 *
 * The event log's "result" for a resolver call is the EAI_* code the call
 * returned (0 on success; negative, as <netdb.h> defines them); for
 * gethostby* it is the EAI_* code matching the h_errno it failed with
 * (sf_resolve_herrno_to_eai).  report.c prints any negative result as an
 * errno name, so for now an EAI_AGAIN (-3) shows as "errno":"ESRCH".
 *
 * Calls into libc run with sf_depth raised, so that whatever sockets the
 * real resolver opens (DNS, nscd, netlink, the RFC 3484 probes) pass the
 * shim's own interposers untouched.  The host table is sf_config.scenario,
 * written once before main and read-only after: no lock.  gethostbyname,
 * gethostbyname2 and gethostbyaddr answer from the table into thread-local
 * storage (one buffer per function, as glibc has one static per function;
 * glibc's are process-wide, ours are per thread, which only removes races). */
#include "resolve/lookup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/dns_frame.h"
#include "core/clock.h"
#include "core/shim.h"
#include "faults/env.h"
#include "faults/fault.h"
#include "faults/report.h"
#include "resolve/resolve.h"

/* --- faults ------------------------------------------------------------- */

struct fault {
	struct sf_call_ctx c;
	struct sf_verdict v;
	bool fired;
};

static void decide(struct fault *f, enum sf_call call, const char *name)
{
	f->c = (struct sf_call_ctx){.call = call, .fd = -1, .name = name};
	f->fired = sf_fault_watches(call) && sf_fault_decide(&f->c, &f->v);
}

/* What a fired rule makes getaddrinfo/getnameinfo return instead of
 * resolving: an EAI_* code (*sys_errno goes with EAI_SYSTEM), or 0 to
 * resolve (after a delay).  Only eai and delay pass the parser for these
 * calls; the others are mapped anyway rather than trusted away. */
static int fault_eai(const struct fault *f, int *sys_errno)
{
	const struct sf_rule *r = f->v.rule;
	switch (r->action) {
	case SF_ACT_EAI:
		*sys_errno = r->sys_errno;
		return r->err;
	case SF_ACT_HERROR:
		return sf_resolve_herrno_to_eai(r->err);
	case SF_ACT_DELAY:
		sf_sleep_ns(sf_fault_pick(&f->v, r->amount));
		return 0;
	case SF_ACT_ERROR:
		*sys_errno = r->err;
		return EAI_SYSTEM;
	case SF_ACT_EINTR:
		*sys_errno = EINTR;
		return EAI_SYSTEM;
	case SF_ACT_EAGAIN:
		return EAI_AGAIN;
	default:
		return 0;
	}
}

/* The same for gethostby*: an h_errno (NETDB_INTERNAL with *sys_errno), or
 * 0 to resolve. */
static int fault_herrno(const struct fault *f, int *sys_errno)
{
	const struct sf_rule *r = f->v.rule;
	switch (r->action) {
	case SF_ACT_HERROR:
		return r->err;
	case SF_ACT_EAI:
		*sys_errno = r->sys_errno;
		return sf_resolve_eai_to_herrno(r->err);
	case SF_ACT_DELAY:
		sf_sleep_ns(sf_fault_pick(&f->v, r->amount));
		return 0;
	case SF_ACT_ERROR:
		*sys_errno = r->err;
		return NETDB_INTERNAL;
	case SF_ACT_EINTR:
		*sys_errno = EINTR;
		return NETDB_INTERNAL;
	case SF_ACT_EAGAIN:
		return TRY_AGAIN;
	default:
		return 0;
	}
}

/* --- getaddrinfo -------------------------------------------------------- */

static int gai_real(const char *node, const char *service, const struct addrinfo *hints,
		    struct addrinfo **res)
{
	sf_depth++;
	int r = sf_libc()->getaddrinfo(node, service, hints, res);
	sf_depth--;
	return r;
}

static int gai_resolve(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	const struct sf_scenario *sc = &sf_config.scenario;
	if (!node || (node[0] == '*' && !node[1]) || (hints && (hints->ai_flags & AI_NUMERICHOST)) ||
	    sf_resolve_is_numeric(node))
		return gai_real(node, service, hints, res);
	const struct sf_host *h = sf_resolve_lookup(sc, node);
	if (!h && !sc->unknown_hosts)
		return gai_real(node, service, hints, res);

	/* Ours: glibc's checks on hints and service come first, with its
	 * codes, then the table (or the unknown-hosts code). */
	int saved = errno;
	sf_depth++;
	struct sf_netinfo ni;
	int flags = hints ? hints->ai_flags : AI_V4MAPPED | AI_ADDRCONFIG;
	bool need_ni = (flags & AI_ADDRCONFIG) || (h && h->naddrs > 1);
	if (need_ni)
		sf_netinfo_read(&ni);
	struct sf_gai_req req;
	int r = sf_gai_prepare(hints, service, need_ni ? &ni : NULL, sf_resolve_servbyname, &req);
	if (r == 0)
		r = h ? sf_gai_answer(h, node, &req, need_ni ? &ni : NULL, sf_gai_probe, res)
		      : sc->unknown_hosts;
	sf_depth--;
	errno = saved;
	return r;
}

/* Whether the shim, not the real resolver, answers node (gai_resolve's
 * test). */
static bool gai_ours(const char *node, const struct addrinfo *hints)
{
	const struct sf_scenario *sc = &sf_config.scenario;
	if (!node || (node[0] == '*' && !node[1]) || (hints && (hints->ai_flags & AI_NUMERICHOST)) ||
	    sf_resolve_is_numeric(node))
		return false;
	return sf_resolve_lookup(sc, node) || sc->unknown_hosts;
}

/* The DNS rcode behind a getaddrinfo/getnameinfo result (RFC 2308: a name
 * that does not exist is NXDOMAIN; one without that type NOERROR with no
 * answer; a failure to resolve SERVFAIL) and behind an h_errno. */
static unsigned eai_rcode(int r)
{
	return r == 0 || r == EAI_NODATA ? SF_DNS_NOERROR : r == EAI_NONAME ? SF_DNS_NXDOMAIN : SF_DNS_SERVFAIL;
}

static unsigned herrno_rcode(int herr)
{
	return !herr || herr == NO_DATA ? SF_DNS_NOERROR : herr == HOST_NOT_FOUND ? SF_DNS_NXDOMAIN : SF_DNS_SERVFAIL;
}

/* The capture's view of a lookup the shim answered: the DNS queries glibc
 * would have sent (A and/or AAAA, as the family asks) and their answers.
 * RFC 2308: a name that does not exist is NXDOMAIN; a name without that
 * type is NOERROR with no answer (EAI_NODATA, or the other family's query);
 * a failure to resolve (EAI_AGAIN, EAI_FAIL, EAI_SYSTEM...) is SERVFAIL. */
static void gai_capture(const char *node, const struct addrinfo *hints, int r,
			const struct addrinfo *res)
{
	int fam = hints ? hints->ai_family : AF_UNSPEC;
	unsigned rcode = eai_rcode(r);
	static const struct {
		int family;
		uint16_t qtype;
		size_t len;
	} q[2] = {{AF_INET, SF_DNS_A, 4}, {AF_INET6, SF_DNS_AAAA, 16}};
	for (int k = 0; k < 2; k++) {
		if (fam != AF_UNSPEC && fam != q[k].family)
			continue;
		uint8_t addrs[16][16];
		unsigned n = 0;
		for (const struct addrinfo *ai = r == 0 ? res : NULL; ai && n < 16; ai = ai->ai_next) {
			if (!ai->ai_addr || ai->ai_addr->sa_family != q[k].family)
				continue;
			const void *a = q[k].family == AF_INET
						? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
						: (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
			unsigned i = 0;
			while (i < n && memcmp(addrs[i], a, q[k].len) != 0)
				i++; /* one record per address, not per socket type */
			if (i == n)
				memcpy(addrs[n++], a, q[k].len);
		}
		sf_capture_dns(node, q[k].qtype, rcode, (const uint8_t(*)[16])addrs, n);
	}
}

int sf_lookup_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			  struct addrinfo **res)
{
	struct fault f;
	int sys = 0, r;
	decide(&f, SF_CALL_getaddrinfo, node);
	bool capture = sf_capture_on && node && !sf_resolve_is_numeric(node) &&
		       (f.fired || gai_ours(node, hints));
	if (f.fired && (r = fault_eai(&f, &sys)) != 0) {
		sf_report_fault(&f.c, &f.v, r);
		if (capture)
			gai_capture(node, hints, r, NULL);
		if (r == EAI_SYSTEM)
			errno = sys;
		return r;
	}
	r = gai_resolve(node, service, hints, res);
	if (f.fired)
		sf_report_fault(&f.c, &f.v, r);
	if (capture) {
		int saved = errno;
		gai_capture(node, hints, r, r == 0 ? *res : NULL);
		errno = saved;
	}
	return r;
}

/* --- getnameinfo -------------------------------------------------------- */

static int gni_real(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
		    char *serv, socklen_t servlen, int flags)
{
	sf_depth++;
	int r = sf_libc()->getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
	sf_depth--;
	return r;
}

/* The address in sa when getnameinfo would accept it; family 0 otherwise. */
static const void *sockaddr_host(const struct sockaddr *sa, socklen_t salen, int *family)
{
	*family = 0;
	if (!sa || salen < (socklen_t)sizeof(sa_family_t))
		return NULL;
	if (sa->sa_family == AF_INET && salen >= (socklen_t)sizeof(struct sockaddr_in)) {
		*family = AF_INET;
		return &((const struct sockaddr_in *)sa)->sin_addr;
	}
	if (sa->sa_family == AF_INET6 && salen >= (socklen_t)sizeof(struct sockaddr_in6)) {
		*family = AF_INET6;
		return &((const struct sockaddr_in6 *)sa)->sin6_addr;
	}
	return NULL;
}

/* getnameinfo's NI_NOFQDN domain, found as glibc finds it: the domain of
 * localhost's canonical name, of the host name, of its canonical name, of
 * 127.0.0.1's name.  glibc caches it; this recomputes it (only for table
 * answers with NI_NOFQDN), which needs no lock. */
static void local_domain(char *out, size_t outlen)
{
	const struct sf_syscalls *libc = sf_libc();
	struct hostent he, *h;
	char buf[4096], hn[256];
	int herr;
	const char *dot = NULL;
	out[0] = '\0';
	if (libc->gethostbyname_r("localhost", &he, buf, sizeof(buf), &h, &herr) == 0 && h)
		dot = strchr(h->h_name, '.');
	if (!dot && gethostname(hn, sizeof(hn)) == 0) {
		hn[sizeof(hn) - 1] = '\0';
		dot = strchr(hn, '.');
		if (!dot && libc->gethostbyname_r(hn, &he, buf, sizeof(buf), &h, &herr) == 0 && h)
			dot = strchr(h->h_name, '.');
		if (!dot) {
			struct in_addr lo = {htonl(INADDR_LOOPBACK)};
			if (libc->gethostbyaddr_r(&lo, sizeof(lo), AF_INET, &he, buf, sizeof(buf), &h,
						  &herr) == 0 &&
			    h)
				dot = strchr(h->h_name, '.');
		}
	}
	if (dot && strlen(dot + 1) < outlen)
		strcpy(out, dot + 1);
}

static int gni_resolve(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
		       char *serv, socklen_t servlen, int flags, int family, const void *addr)
{
	const struct sf_scenario *sc = &sf_config.scenario;
	if (!addr || !host || !hostlen || (flags & NI_NUMERICHOST))
		return gni_real(sa, salen, host, hostlen, serv, servlen, flags);
	const struct sf_host *h = sf_resolve_reverse(sc, family, addr);
	if (!h && !sc->unknown_hosts)
		return gni_real(sa, salen, host, hostlen, serv, servlen, flags);

	/* glibc's own checks and service part come from glibc, asked for a
	 * numeric host (which never fails for want of a name). */
	int numeric = (flags | NI_NUMERICHOST) & ~NI_NAMEREQD;
	char tmp[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	int saved = errno, r;
	if (h) {
		r = gni_real(sa, salen, tmp, sizeof(tmp), serv, servlen, numeric);
		if (r)
			return r;
		/* The query glibc would have made, answered with the name the
		 * table holds (NI_NOFQDN only shortens what the caller gets). */
		sf_capture_dns_reverse(family, addr, SF_DNS_NOERROR, h->pattern);
		char name[1026];
		if (strlen(h->pattern) >= sizeof(name))
			return EAI_OVERFLOW;
		strcpy(name, h->pattern);
		if (flags & NI_NOFQDN) {
			char domain[256];
			sf_depth++;
			local_domain(domain, sizeof(domain));
			sf_depth--;
			sf_resolve_strip_domain(name, domain);
		}
		errno = saved;
		size_t len = strlen(name) + 1;
		if (len > hostlen)
			return EAI_OVERFLOW;
		memcpy(host, name, len);
		return 0;
	}
	/* An unknown host, as glibc handles a failed gethostbyaddr_r: TRY_AGAIN
	 * is EAI_AGAIN, anything else a name that is not there. */
	int herr = sf_resolve_eai_to_herrno(sc->unknown_hosts);
	sf_capture_dns_reverse(family, addr, herrno_rcode(herr), NULL);
	if (herr == TRY_AGAIN || (flags & NI_NAMEREQD)) {
		r = gni_real(sa, salen, tmp, sizeof(tmp), NULL, 0, numeric);
		if (r)
			return r;
		if (herr == TRY_AGAIN) {
			h_errno = TRY_AGAIN;
			return EAI_AGAIN;
		}
		return EAI_NONAME;
	}
	return gni_real(sa, salen, host, hostlen, serv, servlen, numeric);
}

int sf_lookup_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
			  char *serv, socklen_t servlen, int flags)
{
	int family, sys = 0, r;
	const void *addr = sockaddr_host(sa, salen, &family);
	char name[INET6_ADDRSTRLEN];
	struct fault f;
	decide(&f, SF_CALL_getnameinfo, addr ? inet_ntop(family, addr, name, sizeof(name)) : NULL);
	if (f.fired && (r = fault_eai(&f, &sys)) != 0) {
		sf_report_fault(&f.c, &f.v, r);
		if (addr && host && hostlen && !(flags & NI_NUMERICHOST))
			sf_capture_dns_reverse(family, addr, eai_rcode(r), NULL);
		if (r == EAI_SYSTEM)
			errno = sys;
		return r;
	}
	r = gni_resolve(sa, salen, host, hostlen, serv, servlen, flags, family, addr);
	if (f.fired)
		sf_report_fault(&f.c, &f.v, r);
	return r;
}

/* --- gethostby* --------------------------------------------------------- */

/* Room for a 1025-byte name (NS_MAXDNAME), 16 IPv6 addresses and their
 * pointers. */
#define HOSTENT_BUF 1536
struct tls_hostent {
	struct hostent he;
	char buf[HOSTENT_BUF];
};
static __thread struct tls_hostent tls_byname, tls_byname2, tls_byaddr;

/* An outcome: 0 with the hostent filled, or an h_errno (NETDB_INTERNAL
 * with sys_errno). */
struct outcome {
	int herr;
	int sys_errno;
};

/* The table's answer for a forward lookup.  false: ask libc. */
static bool byname_table(const char *name, int af, struct hostent *ret, char *buf, size_t buflen,
			 struct outcome *o)
{
	const struct sf_scenario *sc = &sf_config.scenario;
	*o = (struct outcome){0, 0};
	if (!name || (af != AF_INET && af != AF_INET6) || sf_resolve_is_numeric(name))
		return false;
	const struct sf_host *h = sf_resolve_lookup(sc, name);
	if (!h) {
		if (!sc->unknown_hosts)
			return false;
		o->herr = sf_resolve_eai_to_herrno(sc->unknown_hosts);
		return true;
	}
	uint8_t addrs[SF_HOST_MAX_ADDRS][16];
	unsigned n = sf_resolve_host_addrs(h, af, addrs);
	if (!n)
		o->herr = HOST_NOT_FOUND; /* files backend: no line of that family */
	else if (sf_resolve_hostent(ret, buf, buflen, name, af, (const uint8_t(*)[16])addrs, n))
		*o = (struct outcome){NETDB_INTERNAL, ERANGE};
	return true;
}

/* The table's answer for a reverse lookup.  false: ask libc. */
static bool byaddr_table(const void *addr, socklen_t len, int type, struct hostent *ret, char *buf,
			 size_t buflen, struct outcome *o)
{
	const struct sf_scenario *sc = &sf_config.scenario;
	*o = (struct outcome){0, 0};
	if (!addr || !((type == AF_INET && len == 4) || (type == AF_INET6 && len == 16)))
		return false;
	/* glibc answers :: itself (HOST_NOT_FOUND) before any lookup. */
	if (type == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED((const struct in6_addr *)addr))
		return false;
	const struct sf_host *h = sf_resolve_reverse(sc, type, addr);
	if (!h) {
		if (!sc->unknown_hosts)
			return false;
		o->herr = sf_resolve_eai_to_herrno(sc->unknown_hosts);
		sf_capture_dns_reverse(type, addr, herrno_rcode(o->herr), NULL);
		return true;
	}
	sf_capture_dns_reverse(type, addr, SF_DNS_NOERROR, h->pattern);
	uint8_t a[1][16] = {{0}};
	memcpy(a[0], addr, len);
	if (sf_resolve_hostent(ret, buf, buflen, h->pattern, type, (const uint8_t(*)[16])a, 1))
		*o = (struct outcome){NETDB_INTERNAL, ERANGE};
	return true;
}

/* The _r convention (glibc's nss/getXXbyYY_r.c): 0 and *result on success,
 * errno 0; not found: 0, *result NULL, errno 0; TRY_AGAIN: EAGAIN;
 * NETDB_INTERNAL: the errno (ERANGE for a small buffer); NO_RECOVERY (an
 * unavailable service): whatever errno is, unchanged.  A failed lookup also
 * leaves its code in h_errno, as glibc's backends do (CPython reads it
 * there, not in *h_errnop); a small buffer does not. */
static int r_finish(const struct outcome *o, struct hostent *ret, struct hostent **result,
		    int *h_errnop)
{
	if (!o->herr) {
		*result = ret;
		errno = 0;
		return 0;
	}
	*result = NULL;
	*h_errnop = o->herr;
	if (!(o->herr == NETDB_INTERNAL && o->sys_errno == ERANGE))
		h_errno = o->herr;
	switch (o->herr) {
	case TRY_AGAIN:
		errno = EAGAIN;
		return EAGAIN;
	case NETDB_INTERNAL:
		errno = o->sys_errno;
		return o->sys_errno;
	case NO_RECOVERY:
		return errno;
	default:
		errno = 0;
		return 0;
	}
}

/* The non-_r convention: the hostent or NULL with h_errno; errno as the _r
 * function glibc calls leaves it. */
static struct hostent *finish(const struct outcome *o, struct hostent *he)
{
	int herr;
	struct hostent *result;
	r_finish(o, he, &result, &herr);
	if (!result)
		h_errno = herr;
	return result;
}

static long report_value(struct hostent *result, int herr)
{
	return result ? 0 : sf_resolve_herrno_to_eai(herr);
}

/* The capture's view of a gethostbyname answer the shim gave: as for
 * getaddrinfo (gai_capture), HOST_NOT_FOUND is NXDOMAIN, NO_DATA an empty
 * NOERROR, anything else SERVFAIL. */
static void byname_capture(const char *name, int af, const struct hostent *he, int herr)
{
	if (!sf_capture_on || !name || sf_resolve_is_numeric(name))
		return;
	uint8_t addrs[16][16];
	unsigned n = 0;
	size_t len = af == AF_INET6 ? 16 : 4;
	for (char **a = he && he->h_addrtype == af ? he->h_addr_list : NULL; a && *a && n < 16; a++)
		memcpy(addrs[n++], *a, len);
	unsigned rcode = he || herr == NO_DATA ? SF_DNS_NOERROR
			 : herr == HOST_NOT_FOUND ? SF_DNS_NXDOMAIN
						  : SF_DNS_SERVFAIL;
	sf_capture_dns(name, af == AF_INET6 ? SF_DNS_AAAA : SF_DNS_A, rcode, (const uint8_t(*)[16])addrs, n);
}

int sf_lookup_byname_r(const char *name, int af, bool two, struct hostent *ret, char *buf,
		       size_t buflen, struct hostent **result, int *h_errnop)
{
	struct fault f;
	struct outcome o = {0, 0};
	int rc;
	decide(&f, SF_CALL_gethostbyname, name);
	if (f.fired && (o.herr = fault_herrno(&f, &o.sys_errno)) != 0) {
		rc = r_finish(&o, ret, result, h_errnop);
		byname_capture(name, af, NULL, o.herr);
	} else if (byname_table(name, af, ret, buf, buflen, &o)) {
		rc = r_finish(&o, ret, result, h_errnop);
		byname_capture(name, af, *result, o.herr);
	} else {
		sf_depth++;
		rc = two ? sf_libc()->gethostbyname2_r(name, af, ret, buf, buflen, result, h_errnop)
			 : sf_libc()->gethostbyname_r(name, ret, buf, buflen, result, h_errnop);
		sf_depth--;
	}
	if (f.fired)
		sf_report_fault(&f.c, &f.v, report_value(*result, *h_errnop));
	return rc;
}

struct hostent *sf_lookup_byname(const char *name, int af, bool two)
{
	struct tls_hostent *t = two ? &tls_byname2 : &tls_byname;
	struct fault f;
	struct outcome o = {0, 0};
	struct hostent *he;
	decide(&f, SF_CALL_gethostbyname, name);
	if (f.fired && (o.herr = fault_herrno(&f, &o.sys_errno)) != 0) {
		he = finish(&o, NULL);
		byname_capture(name, af, NULL, o.herr);
	} else if (byname_table(name, af, &t->he, t->buf, sizeof(t->buf), &o)) {
		he = finish(&o, &t->he);
		byname_capture(name, af, he, o.herr);
	} else {
		sf_depth++;
		he = two ? sf_libc()->gethostbyname2(name, af) : sf_libc()->gethostbyname(name);
		sf_depth--;
	}
	if (f.fired)
		sf_report_fault(&f.c, &f.v, report_value(he, h_errno));
	return he;
}

static const char *address_name(const void *addr, socklen_t len, int type, char *out, socklen_t outlen)
{
	if (!addr || !((type == AF_INET && len == 4) || (type == AF_INET6 && len == 16)))
		return NULL;
	return inet_ntop(type, addr, out, outlen);
}

/* An injected failure of gethostbyaddr: the query went out, the answer
 * says why it failed. */
static void byaddr_fault_capture(const void *addr, socklen_t len, int type, int herr)
{
	if (addr && ((type == AF_INET && len == 4) || (type == AF_INET6 && len == 16)))
		sf_capture_dns_reverse(type, addr, herrno_rcode(herr), NULL);
}

int sf_lookup_byaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret, char *buf,
		       size_t buflen, struct hostent **result, int *h_errnop)
{
	char name[INET6_ADDRSTRLEN];
	struct fault f;
	struct outcome o = {0, 0};
	int rc;
	decide(&f, SF_CALL_gethostbyaddr, address_name(addr, len, type, name, sizeof(name)));
	if (f.fired && (o.herr = fault_herrno(&f, &o.sys_errno)) != 0) {
		byaddr_fault_capture(addr, len, type, o.herr);
		rc = r_finish(&o, ret, result, h_errnop);
	} else if (byaddr_table(addr, len, type, ret, buf, buflen, &o)) {
		rc = r_finish(&o, ret, result, h_errnop);
	} else {
		sf_depth++;
		rc = sf_libc()->gethostbyaddr_r(addr, len, type, ret, buf, buflen, result, h_errnop);
		sf_depth--;
	}
	if (f.fired)
		sf_report_fault(&f.c, &f.v, report_value(*result, *h_errnop));
	return rc;
}

struct hostent *sf_lookup_byaddr(const void *addr, socklen_t len, int type)
{
	char name[INET6_ADDRSTRLEN];
	struct tls_hostent *t = &tls_byaddr;
	struct fault f;
	struct outcome o = {0, 0};
	struct hostent *he;
	decide(&f, SF_CALL_gethostbyaddr, address_name(addr, len, type, name, sizeof(name)));
	if (f.fired && (o.herr = fault_herrno(&f, &o.sys_errno)) != 0) {
		byaddr_fault_capture(addr, len, type, o.herr);
		he = finish(&o, NULL);
	} else if (byaddr_table(addr, len, type, &t->he, t->buf, sizeof(t->buf), &o)) {
		he = finish(&o, &t->he);
	} else {
		sf_depth++;
		he = sf_libc()->gethostbyaddr(addr, len, type);
		sf_depth--;
	}
	if (f.fired)
		sf_report_fault(&f.c, &f.v, report_value(he, h_errno));
	return he;
}
