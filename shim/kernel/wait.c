/* Readiness waits when the shim is engaged (see wait.h), and the emulation
 * of a blocking call that never becomes ready.
 *
 * A stalled or blackholed socket must look "not ready" to every way a
 * program can wait: poll/ppoll/select/pselect get the fd's interest removed
 * before the kernel sees the call; epoll reports are filtered afterwards
 * (the interest list lives in the kernel), and a wait left empty by the
 * filter continues for the rest of its timeout. */
#include "kernel/wait.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "faults/env.h"
#include "faults/fault.h"
#include "faults/report.h"
#include "vnet/peer.h"
#include "core/shim.h"
#include "vnet/vsock.h"

static struct timespec *remaining(uint64_t deadline, struct timespec *ts)
{
	if (deadline == UINT64_MAX)
		return NULL;
	uint64_t now = sf_now_ns(), left = deadline > now ? deadline - now : 0;
	ts->tv_sec = (time_t)(left / 1000000000u);
	ts->tv_nsec = (long)(left % 1000000000u);
	return ts;
}

bool sf_nonblocking(int fd, int flags)
{
	if (flags & MSG_DONTWAIT)
		return true;
	int fl = sf_libc()->fcntl(fd, F_GETFL);
	return fl >= 0 && (fl & O_NONBLOCK);
}

/* socket(7): "If a blocking operation ... has blocked for the timeout period,
 * the operation returns ... -1 with errno set to EAGAIN", and a signal
 * handler interrupts it with EINTR whatever SA_RESTART says. */
long sf_block_forever_or_timeout(int fd, bool rx)
{
	struct timeval tv = {0, 0};
	socklen_t l = sizeof(tv);
	struct sf_socket *s = fd >= 0 ? sf_socket_get(fd) : NULL;
	if (s && s->v)
		sf_vsock_timeout(s->v, rx, &tv);
	else
		sf_libc()->getsockopt(fd, SOL_SOCKET, rx ? SO_RCVTIMEO : SO_SNDTIMEO, &tv, &l);
	if (s)
		sf_socket_put(s);
	if (tv.tv_sec || tv.tv_usec) {
		struct timespec ts = {tv.tv_sec, tv.tv_usec * 1000L};
		if (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == EINTR)
			return -EINTR;
		return -EAGAIN;
	}
	for (;;) {
		struct timespec ts = {3600, 0};
		if (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == EINTR)
			return -EINTR;
	}
}

/* Which events of a managed fd a wait must not report now; consumes the
 * one-shot stalls. */
static short masked_events(int fd, short events, bool consume)
{
	struct sf_socket *s = sf_socket_get(fd);
	if (!s)
		return 0;
	unsigned st = atomic_load(&s->state);
	short m = 0;
	if (st & (SF_SOCK_STALL_RX | SF_SOCK_HOLE_RX))
		m |= events & (POLLIN | POLLRDNORM | POLLPRI | POLLRDBAND);
	if (st & (SF_SOCK_STALL_TX | SF_SOCK_HOLE_TX))
		m |= events & (POLLOUT | POLLWRNORM | POLLWRBAND);
	if (consume && (st & (SF_SOCK_STALL_RX | SF_SOCK_STALL_TX)))
		atomic_fetch_and(&s->state, ~(unsigned)(SF_SOCK_STALL_RX | SF_SOCK_STALL_TX));
	sf_socket_put(s);
	return m;
}

/* A fault on the wait itself (rules naming poll, select, epoll_wait...):
 * 1 with *r set when the wait must not run as asked. */
static int wait_fault(enum sf_call call, const struct timespec *timeout, long *r)
{
	if (!sf_fault_watches(call))
		return 0;
	struct sf_call_ctx c = {.call = call, .fd = -1};
	struct sf_verdict v;
	if (!sf_fault_decide(&c, &v))
		return 0;
	switch (v.rule->action) {
	case SF_ACT_EINTR:
		if (v.rule->signal)
			pthread_kill(pthread_self(), v.rule->signal);
		*r = -EINTR;
		break;
	case SF_ACT_ERROR:
		*r = -v.rule->err;
		break;
	case SF_ACT_DELAY:
		sf_sleep_ns(sf_fault_pick(&v, v.rule->amount));
		sf_report_fault(&c, &v, 0);
		return 0;
	default: /* timeout: the wait's own timeout fires, nothing is ready */
		if (!timeout) {
			*r = sf_block_forever_or_timeout(-1, true);
		} else {
			struct timespec left = *timeout;
			*r = clock_nanosleep(CLOCK_MONOTONIC, 0, &left, NULL) == EINTR ? -EINTR : 0;
		}
		break;
	}
	sf_report_fault(&c, &v, *r);
	return 1;
}

int sf_poll(enum sf_call call, struct pollfd *fds, nfds_t n, const struct timespec *timeout,
	    const sigset_t *mask)
{
	long fr;
	if (wait_fault(call, timeout, &fr))
		return (int)fr;
	if (!fds || n > 65536) /* the kernel's EFAULT / EINVAL */
		return (int)sf_neg(sf_libc()->ppoll(fds, n, timeout, mask));
	struct pollfd small[64], *saved = n <= 64 ? small : malloc(n * sizeof(*saved));
	if (!saved)
		return -ENOMEM;
	short small_m[64], *masks = n <= 64 ? small_m : malloc(n * sizeof(short));
	if (!masks) {
		if (saved != small)
			free(saved);
		return -ENOMEM;
	}
	nfds_t changed = 0;
	bool virt = false;
	for (nfds_t i = 0; i < n; i++) {
		saved[i] = fds[i];
		if (sf_vnet_on && fds[i].fd >= 0 && !virt) {
			struct sf_socket *vs = sf_fd_peek(fds[i].fd);
			virt = vs && vs->v;
		}
		short m = fds[i].fd >= 0 && sf_fd_peek(fds[i].fd) ? masked_events(fds[i].fd, fds[i].events, true) : 0;
		masks[i] = m;
		if (!m)
			continue;
		changed++;
		fds[i].events &= (short)~m;
		/* Nothing but error bits left to wait for: hide the fd, or the
		 * POLLHUP of a socket whose connect was never sent would wake
		 * the wait (CPython asks POLLOUT|POLLERR for a connect). */
		if (!(fds[i].events & ~(POLLERR | POLLHUP | POLLNVAL)))
			fds[i].fd = -1;
	}
	int r = virt ? sf_vnet_poll(fds, n, timeout, mask) : (int)sf_neg(sf_libc()->ppoll(fds, n, timeout, mask));
	if (changed) {
		int ready = 0;
		for (nfds_t i = 0; i < n; i++) {
			if (fds[i].fd == -1 && saved[i].fd != -1)
				fds[i].revents = 0;
			fds[i].revents &= (short)~masks[i];
			fds[i].fd = saved[i].fd;
			fds[i].events = saved[i].events;
			ready += fds[i].revents != 0;
		}
		if (r > 0)
			r = ready;
	}
	if (masks != small_m)
		free(masks);
	if (saved != small)
		free(saved);
	return r;
}

/* select over a set with virtual fds: the same wait as poll (fs/select.c's
 * POLLIN_SET / POLLOUT_SET / POLLEX_SET), so both see one readiness.
 * INT_MIN when the sets hold no virtual fd. */
static int select_virtual(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *timeout,
			  const sigset_t *mask)
{
	if (nfds < 0)
		return INT_MIN;
	int top = nfds < FD_SETSIZE ? nfds : FD_SETSIZE, n = 0;
	bool virt = false;
	for (int fd = 0; fd < top; fd++) {
		if ((r && FD_ISSET(fd, r)) || (w && FD_ISSET(fd, w)) || (e && FD_ISSET(fd, e))) {
			n++;
			struct sf_socket *s = sf_fd_peek(fd);
			if (s && s->v)
				virt = true;
		}
	}
	if (!virt)
		return INT_MIN;
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	if (!p)
		return -ENOMEM;
	int k = 0;
	for (int fd = 0; fd < top; fd++) {
		short ev = 0;
		if (r && FD_ISSET(fd, r))
			ev |= POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR;
		if (w && FD_ISSET(fd, w))
			ev |= POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR;
		if (e && FD_ISSET(fd, e))
			ev |= POLLPRI;
		if (ev)
			p[k++] = (struct pollfd){.fd = fd, .events = ev};
	}
	int res = sf_vnet_poll(p, (nfds_t)k, timeout, mask);
	if (res >= 0) {
		res = 0;
		for (int i = 0; i < k; i++) {
			int fd = p[i].fd;
			short re = p[i].revents;
			if (re & POLLNVAL) {
				res = -EBADF;
				break;
			}
			if (r && FD_ISSET(fd, r)) {
				if (re & (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR))
					res++;
				else
					FD_CLR(fd, r);
			}
			if (w && FD_ISSET(fd, w)) {
				if (re & (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR))
					res++;
				else
					FD_CLR(fd, w);
			}
			if (e && FD_ISSET(fd, e)) {
				if (re & POLLPRI)
					res++;
				else
					FD_CLR(fd, e);
			}
		}
	}
	free(p);
	return res;
}

int sf_select(enum sf_call call, int nfds, fd_set *r, fd_set *w, fd_set *e,
	      const struct timespec *timeout, const sigset_t *mask, struct timeval *tv_update)
{
	long fr;
	if (wait_fault(call, timeout, &fr))
		return (int)fr;
	uint64_t deadline = sf_deadline_after(timeout);
	if (sf_vnet_on) {
		int vr = select_virtual(nfds, r, w, e, timeout, mask);
		if (vr != INT_MIN) {
			if (tv_update) {
				struct timespec ts, *left = remaining(deadline, &ts);
				if (left) {
					tv_update->tv_sec = left->tv_sec;
					tv_update->tv_usec = left->tv_nsec / 1000;
				}
			}
			return vr;
		}
	}
	for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
		bool rd = r && FD_ISSET(fd, r), wr = w && FD_ISSET(fd, w);
		if ((!rd && !wr) || !sf_fd_peek(fd))
			continue;
		short m = masked_events(fd, (short)((rd ? POLLIN : 0) | (wr ? POLLOUT : 0)), true);
		if (m & POLLIN)
			FD_CLR(fd, r);
		if (m & POLLOUT)
			FD_CLR(fd, w);
	}
	int res = (int)sf_neg(sf_libc()->pselect(nfds, r, w, e, timeout, mask));
	if (tv_update) {
		/* select(2) NOTES: Linux reports the time not slept. */
		struct timespec ts, *left = remaining(deadline, &ts);
		if (left) {
			tv_update->tv_sec = left->tv_sec;
			tv_update->tv_usec = left->tv_nsec / 1000;
		}
	}
	return res;
}

static int kernel_epoll_wait(int epfd, struct epoll_event *ev, int max, const struct timespec *left,
			     const sigset_t *mask)
{
	int n = (int)sf_neg(sf_libc()->epoll_pwait2(epfd, ev, max, left, mask));
	if (n == -ENOSYS) { /* kernels before 5.11 */
		int ms = !left ? -1 : (int)(left->tv_sec * 1000 + (left->tv_nsec + 999999) / 1000000);
		n = (int)sf_neg(sf_libc()->epoll_pwait(epfd, ev, max, ms, mask));
	}
	return n;
}

/* A peer driver plugged in (vnet/peer.h; fuzz-peer mode): a wait that would block lets the peer act
 * first, ends at once when the virtual clock passes its deadline, and looks
 * again every slice while it blocks (SF_VNET_WAIT_SLICE_NS). */
static int peer_epoll_wait(int epfd, struct epoll_event *ev, int max, const struct timespec *left,
			   bool has_deadline, const sigset_t *mask)
{
	static const struct timespec zero = {0, 0};
	uint64_t deadline = left ? sf_now_ns() + (uint64_t)left->tv_sec * 1000000000u + (uint64_t)left->tv_nsec
				 : UINT64_MAX;
	for (;;) {
		int n = kernel_epoll_wait(epfd, ev, max, &zero, mask);
		if (n != 0 || (left && !left->tv_sec && !left->tv_nsec))
			return n;
		bool timed_out;
		if (sf_vnet_peer->poll(has_deadline, &timed_out))
			continue;
		if (timed_out)
			return 0;
		uint64_t now = sf_now_ns(), wait_ns = deadline > now ? deadline - now : 0;
		bool sliced = wait_ns > SF_VNET_WAIT_SLICE_NS;
		if (sliced)
			wait_ns = SF_VNET_WAIT_SLICE_NS;
		struct timespec ts = {(time_t)(wait_ns / 1000000000u), (long)(wait_ns % 1000000000u)};
		struct sf_vnet_waiter fw = {.epfd = epfd};
		sf_vnet_peer->block(&fw);
		n = kernel_epoll_wait(epfd, ev, max, &ts, mask);
		sf_vnet_peer->unblock(&fw);
		if (n != 0 || !sliced)
			return n;
	}
}

int sf_epoll_wait(enum sf_call call, int epfd, struct epoll_event *ev, int max,
		  const struct timespec *timeout, const sigset_t *mask)
{
	long fr;
	if (wait_fault(call, timeout, &fr))
		return (int)fr;
	if (timeout && (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L))
		return (int)sf_neg(sf_libc()->epoll_pwait2(epfd, ev, max, timeout, mask)); /* EINVAL */
	if (sf_vnet_on && ev) {
		/* A set of virtual fds only, something ready: no syscall. */
		int n = sf_vnet_epoll_ready(epfd, ev, max);
		if (n > 0)
			return n;
	}
	uint64_t deadline = sf_deadline_after(timeout);
	int stalled[16], nstalled = 0, n;
	/* A wait that may block must not wake on a stale token (vsock.h). */
	if (sf_vnet_on && (!timeout || timeout->tv_sec || timeout->tv_nsec))
		sf_vnet_epoll_settle(epfd);
	for (;;) {
		struct timespec ts, *left = remaining(deadline, &ts);
		/* A shared virtual network: a member that would wake us may be
		 * killed; the wait is sliced to look for that (vsock.h). */
		bool sliced = false;
		if (sf_vnet_slice_ns && !sf_vnet_peer &&
		    (!left || (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec > sf_vnet_slice_ns)) {
			ts = (struct timespec){(time_t)(sf_vnet_slice_ns / 1000000000u),
					       (long)(sf_vnet_slice_ns % 1000000000u)};
			left = &ts;
			sliced = true;
		}
		n = sf_vnet_peer ? peer_epoll_wait(epfd, ev, max, left, deadline != UINT64_MAX, mask)
			       : kernel_epoll_wait(epfd, ev, max, left, mask);
		if (n == 0 && sliced) {
			sf_vnet_check_members();
			continue;
		}
		if (n <= 0)
			break;
		/* epoll_event.data is the program's; only fds it stored there can
		 * be filtered (the common case, and what libuv/asyncio do). */
		int kept = 0;
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			short m = 0;
			/* A virtual fd's report carries our tag: the program's data
			 * and the socket's exact events come back (vnet.c). */
			if (sf_vnet_on && sf_vnet_epoll_translate(&ev[i], &fd)) {
				if (sf_fd_peek(fd))
					m = masked_events(fd, (short)(ev[i].events & (EPOLLIN | EPOLLOUT | EPOLLPRI)),
							  false);
			} else if (fd >= 0 && sf_fd_peek(fd)) {
				m = masked_events(fd, (short)(ev[i].events & (EPOLLIN | EPOLLOUT | EPOLLPRI)),
						  false);
			}
			if (m && nstalled < 16)
				stalled[nstalled++] = fd;
			ev[i].events &= ~(uint32_t)m;
			if (ev[i].events)
				ev[kept++] = ev[i];
		}
		if ((n = kept))
			break;
		/* A token left stale by a recv on another thread since: drained,
		 * the wait goes on at once. */
		if (sf_vnet_on && sf_vnet_epoll_settle(epfd))
			continue;
		/* Everything reported was masked: sleep a little rather than spin on
		 * a level-triggered report, then wait again for what is left. */
		if (left && ts.tv_sec == 0 && ts.tv_nsec == 0)
			break;
		sf_sleep_ns(1000000);
	}
	/* The one-shot stalls have now cost this wait its readiness. */
	for (int i = 0; i < nstalled; i++)
		masked_events(stalled[i], POLLIN | POLLOUT, true);
	return n;
}
