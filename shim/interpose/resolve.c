/* Interposed resolver calls: getaddrinfo, freeaddrinfo, gai_strerror,
 * getnameinfo, gethostbyname, gethostbyname2, gethostbyname_r,
 * gethostbyname2_r, gethostbyaddr, gethostbyaddr_r.
 *
 * Without a scenario, or with one that has no `host` line, no unknown-hosts
 * policy and no rule on the call, each is a straight jump to libc; else the
 * lookup goes to resolve/lookup.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

#include "faults/env.h"
#include "faults/fault.h"
#include "faults/trace.h"
#include "resolve/lookup.h"
#include "resolve/resolve.h"
#include "vnet/peer.h"
#include "core/shim.h"

static inline bool resolver_engaged(enum sf_call call)
{
	if (sf_likely(!sf_config.has_scenario) || sf_depth)
		return false;
	if (sf_unlikely(sf_vnet_peer))
		sf_vnet_peer->load(); /* the input's answers and resolver tape */
	const struct sf_scenario *sc = &sf_config.scenario;
	return sc->nhosts || sc->unknown_hosts || sf_fault_watches(call);
}

/* With the full log: the answer is logged too (the report's resolver lane). */
static SF_COLD int traced_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
				      struct addrinfo **res)
{
	int r = resolver_engaged(SF_CALL_getaddrinfo) ? sf_lookup_getaddrinfo(node, service, hints, res)
						       : sf_libc()->getaddrinfo(node, service, hints, res);
	int saved = errno;
	sf_trace_lookup(node, service, r, r == 0 ? *res : NULL);
	errno = saved;
	return r;
}

SF_EXPORT int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			  struct addrinfo **res)
{
	if (sf_unlikely(sf_trace_on) && !sf_depth)
		return traced_getaddrinfo(node, service, hints, res);
	if (sf_likely(!resolver_engaged(SF_CALL_getaddrinfo)))
		return sf_libc()->getaddrinfo(node, service, hints, res);
	return sf_lookup_getaddrinfo(node, service, hints, res);
}

SF_EXPORT void freeaddrinfo(struct addrinfo *ai)
{
	/* Lists from the table exist only when a scenario is loaded. */
	if (sf_unlikely(sf_config.has_scenario) && ai && sf_resolve_owns(ai))
		sf_resolve_freeaddrinfo(ai, sf_libc()->freeaddrinfo);
	else
		sf_libc()->freeaddrinfo(ai);
}

SF_EXPORT const char *gai_strerror(int code)
{
	return sf_libc()->gai_strerror(code);
}

SF_EXPORT int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
			  char *serv, socklen_t servlen, int flags)
{
	if (sf_likely(!resolver_engaged(SF_CALL_getnameinfo)))
		return sf_libc()->getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
	return sf_lookup_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
}

SF_EXPORT struct hostent *gethostbyname(const char *name)
{
	if (sf_likely(!resolver_engaged(SF_CALL_gethostbyname)))
		return sf_libc()->gethostbyname(name);
	return sf_lookup_byname(name, AF_INET, false);
}

SF_EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
	if (sf_likely(!resolver_engaged(SF_CALL_gethostbyname)))
		return sf_libc()->gethostbyname2(name, af);
	return sf_lookup_byname(name, af, true);
}

SF_EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen,
			      struct hostent **result, int *h_errnop)
{
	if (sf_likely(!resolver_engaged(SF_CALL_gethostbyname)))
		return sf_libc()->gethostbyname_r(name, ret, buf, buflen, result, h_errnop);
	return sf_lookup_byname_r(name, AF_INET, false, ret, buf, buflen, result, h_errnop);
}

SF_EXPORT int gethostbyname2_r(const char *name, int af, struct hostent *ret, char *buf, size_t buflen,
			       struct hostent **result, int *h_errnop)
{
	if (sf_likely(!resolver_engaged(SF_CALL_gethostbyname)))
		return sf_libc()->gethostbyname2_r(name, af, ret, buf, buflen, result, h_errnop);
	return sf_lookup_byname_r(name, af, true, ret, buf, buflen, result, h_errnop);
}

SF_EXPORT struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type)
{
	if (sf_likely(!resolver_engaged(SF_CALL_gethostbyaddr)))
		return sf_libc()->gethostbyaddr(addr, len, type);
	return sf_lookup_byaddr(addr, len, type);
}

SF_EXPORT int gethostbyaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret, char *buf,
			      size_t buflen, struct hostent **result, int *h_errnop)
{
	if (sf_likely(!resolver_engaged(SF_CALL_gethostbyaddr)))
		return sf_libc()->gethostbyaddr_r(addr, len, type, ret, buf, buflen, result, h_errnop);
	return sf_lookup_byaddr_r(addr, len, type, ret, buf, buflen, result, h_errnop);
}

