/* The resolver calls with a scenario engaged (lookup.c): fault rules first,
 * then the scenario's host table, else libc.  Each takes and returns what
 * the libc call of its name does; _r/non-_r and two (gethostbyname2 or
 * not) pick among the gethostby* variants. */
#ifndef SF_LOOKUP_H
#define SF_LOOKUP_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

int sf_lookup_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			  struct addrinfo **res);
int sf_lookup_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
			  char *serv, socklen_t servlen, int flags);
int sf_lookup_byname_r(const char *name, int af, bool two, struct hostent *ret, char *buf,
		       size_t buflen, struct hostent **result, int *h_errnop);
struct hostent *sf_lookup_byname(const char *name, int af, bool two);
int sf_lookup_byaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret, char *buf,
		       size_t buflen, struct hostent **result, int *h_errnop);
struct hostent *sf_lookup_byaddr(const void *addr, socklen_t len, int type);

#endif
