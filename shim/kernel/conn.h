/* The connection layer: what the shim does, beyond passing through, for the
 * lifecycle calls of a managed socket (bind, listen, accept, connect,
 * shutdown, close, getpeername, getsockopt, ioctl).  Every function returns a
 * result or a negative errno. */
#ifndef SF_CONN_H
#define SF_CONN_H

#include <sys/socket.h>

#include "core/calls.h"
#include "core/socket.h"

int sf_bind(struct sf_socket *s, int fd, const struct sockaddr *addr, socklen_t len);
int sf_listen(struct sf_socket *s, int fd, int backlog);
int sf_accept(struct sf_socket *ls, enum sf_call call, int fd, struct sockaddr *addr,
	      socklen_t *len, int flags);
int sf_connect(struct sf_socket *s, int fd, const struct sockaddr *addr, socklen_t len);
int sf_getsockname(struct sf_socket *s, int fd, struct sockaddr *addr, socklen_t *len);
int sf_getpeername(struct sf_socket *s, int fd, struct sockaddr *addr, socklen_t *len);
int sf_getsockopt(struct sf_socket *s, int fd, int level, int name, void *val, socklen_t *len);
int sf_setsockopt(struct sf_socket *s, int fd, int level, int name, const void *val, socklen_t len);
int sf_shutdown(struct sf_socket *s, int fd, int how);
int sf_ioctl(struct sf_socket *s, int fd, unsigned long req, void *arg);
/* Closes fd; takes over the caller's reference on s (already out of the table). */
int sf_close(struct sf_socket *s, int fd);

/* Faults on socket()/socketpair(), which have no socket yet: 0 or -errno. */
int sf_socket_fault(enum sf_call call);

/* Tracks a socket the kernel accepted on listener fd (not engaged path). */
void sf_track_accepted(int lfd, int nfd);

#endif
