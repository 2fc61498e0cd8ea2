/* Capture for managed sockets, kernel and virtual alike: what conn.c and
 * io.c tell the capture interface (capture.h) after each call, with the
 * addresses of the socket's backend (the kernel's getsockname/getpeername,
 * or the virtual network's).  Every function is a no-op unless capture is
 * on, and keeps errno; none is called with the network lock held. */
#ifndef SF_CAPTURE_KERNEL_H
#define SF_CAPTURE_KERNEL_H

#include <sys/socket.h>

#include "core/iodesc.h"
#include "core/socket.h"

/* connect() on s returned r (real or injected): the handshake (0), a
 * connect in progress (-EINPROGRESS; a pending injected refusal is seen in
 * s->pending_error), or a SYN answered by RST (-ECONNREFUSED). */
void sf_capsock_connected(struct sf_socket *s, int fd, const struct sockaddr *addr, socklen_t len,
			  long r);
/* accept() returned s. */
void sf_capsock_accepted(struct sf_socket *s, int fd);
/* getsockopt(SO_ERROR) reported err for a connect in progress. */
void sf_capsock_so_error(struct sf_socket *s, int fd, int err);
/* A send-family call moved r bytes (r > 0) of io. */
void sf_capsock_tx(struct sf_socket *s, const struct sf_io *io, long r);
/* The sizes of the address buffers a recv-family call passed, taken before
 * the call: afterwards the kernel has replaced them with the addresses'
 * full lengths, which may exceed the buffers (the address was truncated). */
#define SF_CAPSOCK_NAMES 64
struct sf_capsock_names {
	unsigned n;
	socklen_t cap[SF_CAPSOCK_NAMES];
};
void sf_capsock_names(const struct sf_io *io, struct sf_capsock_names *nm);

/* A recv-family call returned r: data, EOF (FIN) or ECONNRESET (RST).  For
 * send-family calls only r == -ECONNRESET matters.  nm: from
 * sf_capsock_names before the call. */
void sf_capsock_result(struct sf_socket *s, const struct sf_io *io, long r,
		       const struct sf_capsock_names *nm);
/* A datagram the shim itself sent (duplicate, corrupt, reorder). */
void sf_capsock_dgram_out(struct sf_socket *s, int fd, const struct sockaddr *to, socklen_t tolen,
			  const void *data, size_t len);
/* shutdown(how) succeeded / the stream was ended by a truncate fault. */
void sf_capsock_shutdown(struct sf_socket *s, int fd, int how);
/* An injected reset: our RST. */
void sf_capsock_reset(struct sf_socket *s, int fd);
/* The socket's last reference went (socket.c's release hook). */
void sf_capsock_release(struct sf_socket *s);

#endif
