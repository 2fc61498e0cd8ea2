/* The event log's other lines (SOCKFAULT_LOG_EVENTS=all): sockets made,
 * connections opened and closed, the bytes of every call and its peer,
 * resolver answers, the delay a `link` gave a send, and each process's rule
 * counts at exit -- what `sockfault report` draws besides the faults.
 * Written only when asked for: without it nothing here runs (the callers
 * test sf_trace_on, set once before main). */
#ifndef SF_TRACE_H
#define SF_TRACE_H

#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/iodesc.h"
#include "core/socket.h"

/* Set by the constructor from SOCKFAULT_LOG_EVENTS, before main; read-only
 * after (no lock). */
extern bool sf_trace_on;

void sf_trace_socket(const struct sf_socket *s, int fd, long result);
void sf_trace_listen(struct sf_socket *s, int fd, long result);
void sf_trace_connect(struct sf_socket *s, int fd, const struct sockaddr *to, socklen_t tolen, long result);
/* accept on listening fd lfd; result is the new fd or -errno. */
void sf_trace_accept(int lfd, long result);
/* The size of a receive call's address buffer, read before the call (the
 * kernel then overwrites the length with the address's full size, which
 * may exceed the buffer: a truncated address is not logged). */
struct sf_trace_pre {
	bool have;
	socklen_t cap;
};
void sf_trace_before(const struct sf_io *io, struct sf_trace_pre *pre);

/* One data call's result (bytes or -errno); link_ns: the delay a `link`
 * line (number link_line, 0 = none) gave what it sent; lost: a link lost
 * the datagram. */
void sf_trace_io(struct sf_socket *s, const struct sf_io *io, const struct sf_trace_pre *pre, long result,
		 unsigned link_line, uint64_t link_ns, bool lost);
void sf_trace_shutdown(struct sf_socket *s, int fd, int how, long result);
/* close of fd, the socket's last fd in this process or not. */
void sf_trace_close(struct sf_socket *s, int fd);
/* A getaddrinfo answer: result 0 and res, or an EAI_* code. */
void sf_trace_lookup(const char *node, const char *service, int result, const struct addrinfo *res);

#endif
