/* Virtual host names: the scenario's `host` table answering getaddrinfo,
 * getnameinfo and the gethostby* family the way glibc 2.36 answers from
 * /etc/hosts.  This is the pure part (compiled into sockfault_core so unit
 * tests can drive it); fault rules and calls into the real resolver are
 * lookup.c, the exported entry points interpose/resolve.c.
 *
 * What "the way glibc does" means here, measured on Debian 12 (glibc 2.36)
 * and checked by tests/resolver:
 *
 *  - hints and service go through the same steps as glibc's getaddrinfo,
 *    in the same order, with the same EAI_* codes (sf_gai_prepare);
 *  - a name is matched against the table with fnmatch(FNM_CASEFOLD), first
 *    entry wins; one trailing dot is ignored (DNS's absolute form);
 *  - the table is a hosts file: a name whose entry has no address of the
 *    requested family is EAI_NONAME / HOST_NOT_FOUND, as glibc's `files`
 *    backend answers (DNS would say EAI_NODATA);
 *  - AI_CANONNAME gives the name as the program passed it;
 *  - several addresses are ordered by the RFC 3484 rules glibc applies, with
 *    glibc's built-in policy tables (sf_gai_sort); /etc/gai.conf is not read.
 */
#ifndef SF_RESOLVE_H
#define SF_RESOLVE_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "faults/scenario.h"

/* --- the table ---------------------------------------------------------- */

/* The first host entry whose pattern matches name (case-insensitively; one
 * trailing dot ignored), or NULL. */
const struct sf_host *sf_resolve_lookup(const struct sf_scenario *sc, const char *name);

/* The first host entry without wildcards (`*?[\`) that lists the address
 * (family AF_INET: 4 bytes, AF_INET6: 16 bytes), or NULL.  A glob cannot be
 * a reverse answer: it names no single host. */
const struct sf_host *sf_resolve_reverse(const struct sf_scenario *sc, int family,
					 const void *addr);

/* Whether getaddrinfo would take name as a numeric address (glibc: exact
 * inet_aton forms, or inet_pton(AF_INET6) before an optional %scope).
 * Numeric names never consult the table. */
bool sf_resolve_is_numeric(const char *name);

/* h_errno for a getaddrinfo error code (unknown-hosts, mismatched rules)
 * and back. */
int sf_resolve_eai_to_herrno(int eai);
int sf_resolve_herrno_to_eai(int herr);

/* --- getaddrinfo -------------------------------------------------------- */

/* One (socket type, protocol, port) an answer repeats for every address. */
struct sf_gai_tuple {
	int socktype;
	int protocol;
	uint16_t port; /* network byte order */
};

#define SF_GAI_MAX_TUPLES 8

/* The request after glibc's preliminary steps. */
struct sf_gai_req {
	int flags;  /* hints->ai_flags, or glibc's AI_DEFAULT without hints */
	int family; /* after AI_ADDRCONFIG narrowing */
	int socktype, protocol;
	unsigned ntuples;
	struct sf_gai_tuple tuples[SF_GAI_MAX_TUPLES];
};

/* What the machine's addresses say, as glibc's __check_pf reads them:
 * an IPv4 address other than 127.0.0.1, an IPv6 address other than ::1,
 * and (glibc keeps them only when it saw IPv6) each address's prefix length
 * for sorting rule 9. */
#define SF_NETINFO_MAX 64
struct sf_netinfo {
	bool seen_ipv4, seen_ipv6;
	unsigned naddrs;
	struct {
		int family;
		uint8_t addr[16];
		unsigned prefixlen;
	} addrs[SF_NETINFO_MAX];
};

/* Port (network order) of service for protocol name ("tcp", "udp", "dccp",
 * "udplite", "sctp"), or -1 if unknown. */
typedef int (*sf_servlookup_fn)(const char *service, const char *proto);

/* The default: getservbyname_r. */
int sf_resolve_servbyname(const char *service, const char *proto);

/* glibc's getaddrinfo up to the name lookup, for a non-NULL node: flag and
 * family checks, AI_ADDRCONFIG (ni == NULL: interfaces unknown, as glibc
 * when netlink fails: both families seen), the service (numeric, named,
 * AI_NUMERICSERV) and the socket type / protocol combinations.  Returns 0
 * and fills req, or the EAI_* code glibc returns. */
int sf_gai_prepare(const struct addrinfo *hints, const char *service, const struct sf_netinfo *ni,
		   sf_servlookup_fn lookup, struct sf_gai_req *req);

/* One destination address being ordered, with what connecting a UDP socket
 * to it told about the source address the kernel would use. */
struct sf_gai_dest {
	int family; /* AF_INET (addr[0..3]) or AF_INET6 */
	uint8_t addr[16];
	bool got_src;
	int src_family;
	uint8_t src[16];
	unsigned src_prefixlen; /* from sf_netinfo; 0 when unknown */
	unsigned index;         /* position before sorting */
	uint16_t port;          /* network order: what the probe connects to */
};

/* Orders d[0..n) by the destination address selection rules glibc's
 * rfc3484_sort applies: 1 (usable), 2 (matching scope), 5 (matching label),
 * 6 (precedence), 8 (smaller scope), 9 (longest matching prefix, with
 * glibc's IPv4 subnet condition) and 10 (original order).  Rules 3, 4 and 7
 * need address flags and tunnel information glibc reads from netlink; they
 * are not applied (no common setup distinguishes them). */
void sf_gai_sort(struct sf_gai_dest *d, unsigned n);

/* Fills the source half of d by connecting a UDP socket (the real socket
 * functions) and the prefix length from ni; glibc does the same. */
void sf_gai_probe(struct sf_gai_dest *d, const struct sf_netinfo *ni);

/* Reads the interfaces' addresses (getifaddrs).  Returns 0, or -1 with ni
 * saying both families seen (glibc's pessimistic answer). */
int sf_netinfo_read(struct sf_netinfo *ni);

/* The answer for a name found in the table: the entry's addresses of the
 * requested family (IPv4 ones mapped with AI_V4MAPPED, as glibc), in the
 * order sf_gai_sort gives when there are several, times req's tuples.
 * canon is the AI_CANONNAME answer.  probe may be NULL (no reordering by
 * reachability: every destination counts as unusable).  Returns 0 and a list
 * only sf_resolve_freeaddrinfo may free, or EAI_NONAME / EAI_MEMORY. */
int sf_gai_answer(const struct sf_host *h, const char *canon, const struct sf_gai_req *req,
		  const struct sf_netinfo *ni,
		  void (*probe)(struct sf_gai_dest *, const struct sf_netinfo *),
		  struct addrinfo **res);

/* Whether ai (non-NULL) is a node of a list sf_gai_answer made.  Reads
 * only ai->ai_addr before deciding, so it is safe on glibc's nodes. */
bool sf_resolve_owns(const struct addrinfo *ai);

/* Frees a list sf_gai_answer made; a node that is not ours (a program that
 * spliced lists) and everything after it goes to real_free. */
void sf_resolve_freeaddrinfo(struct addrinfo *ai, void (*real_free)(struct addrinfo *));

/* --- gethostby* --------------------------------------------------------- */

/* Lays a hostent out in buf the way the _r functions do: no aliases, the
 * given addresses (len bytes each, family af), name.  0, or ERANGE when buf
 * is too small. */
int sf_resolve_hostent(struct hostent *he, char *buf, size_t buflen, const char *name, int af,
		       const uint8_t (*addrs)[16], unsigned naddrs);

/* The addresses of h for gethostbyname2(af): AF_INET or AF_INET6 only, no
 * mapping (glibc without RES_USE_INET6).  Returns their count. */
unsigned sf_resolve_host_addrs(const struct sf_host *h, int af, uint8_t (*out)[16]);

/* getnameinfo's NI_NOFQDN: name without ".domain" when it contains the
 * local domain after a dot (glibc's test: strstr, not a suffix match). */
void sf_resolve_strip_domain(char *name, const char *domain);

#endif
