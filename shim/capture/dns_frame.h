/* Synthesized DNS messages (RFC 1035 4.1) for the resolver calls the shim
 * answers itself (scenario `host` table, injected EAI_* faults), so a
 * capture shows them as a query and its answer.  Pure: builds bytes only;
 * capture.c wraps them in UDP frames. */
#ifndef SF_DNS_FRAME_H
#define SF_DNS_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum { SF_DNS_A = 1, SF_DNS_PTR = 12, SF_DNS_AAAA = 28 };
enum { SF_DNS_NOERROR = 0, SF_DNS_SERVFAIL = 2, SF_DNS_NXDOMAIN = 3 };

/* Largest message built: one UDP payload as RFC 1035 4.2.1 allows. */
#define SF_DNS_MAX 512u

/* The query for name (qtype A, AAAA or PTR, class IN, RD set) with id into
 * buf[0..cap); its length, or -EINVAL for a name that is not a valid
 * domain name (empty label, label > 63, name > 253), -EMSGSIZE if cap is
 * too small. */
int sf_dns_query(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype);

/* The answer to that query: rcode, and naddrs addresses (4 bytes each for
 * A, 16 for AAAA) as answer records with a TTL of 0 (RD, RA set).  Answers
 * that do not fit in SF_DNS_MAX are dropped and TC set (RFC 1035 4.1.1). */
int sf_dns_answer(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype,
		  unsigned rcode, const uint8_t (*addrs)[16], unsigned naddrs);

/* The name a reverse lookup of addr asks for (RFC 1035 3.5
 * "d.c.b.a.in-addr.arpa", RFC 3596 2.5 nibbles under "ip6.arpa"), into
 * out[0..cap) with its NUL; its length, or -EINVAL for another family,
 * -EMSGSIZE if cap is too small (73 bytes hold any). */
int sf_dns_reverse_name(int family, const void *addr, char *out, size_t cap);

/* The answer to the PTR query for qname (a reverse name, built with
 * sf_dns_query and SF_DNS_PTR): rcode, and when target is not NULL one PTR
 * record naming target (TTL 0). */
int sf_dns_answer_ptr(uint8_t *buf, size_t cap, uint16_t id, const char *qname, unsigned rcode,
		      const char *target);

#endif
