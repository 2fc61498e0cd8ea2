/* Readiness waits (poll, ppoll, select, pselect, epoll_wait family) when the
 * shim is engaged: faults that stall or end a stream change what the kernel
 * would report, so the reported events are adjusted here. */
#ifndef SF_WAIT_H
#define SF_WAIT_H

#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>

#include <stdbool.h>
#include <stdint.h>

#include "core/calls.h"
#include "core/clock.h"

/* Whether a call on fd with these MSG_ flags must not block. */
bool sf_nonblocking(int fd, int flags);
/* A blocking call that never becomes ready: -EAGAIN after the socket's
 * SO_RCVTIMEO (rx) / SO_SNDTIMEO, -EINTR if a signal handler runs, else
 * never returns. */
long sf_block_forever_or_timeout(int fd, bool rx);

/* timeout: NULL = infinite.  Each returns a count or -errno. */
int sf_poll(enum sf_call call, struct pollfd *fds, nfds_t n, const struct timespec *timeout,
	    const sigset_t *mask);
int sf_select(enum sf_call call, int nfds, fd_set *r, fd_set *w, fd_set *e,
	      const struct timespec *timeout, const sigset_t *mask, struct timeval *tv_update);
int sf_epoll_wait(enum sf_call call, int epfd, struct epoll_event *ev, int max,
		  const struct timespec *timeout, const sigset_t *mask);

#endif
