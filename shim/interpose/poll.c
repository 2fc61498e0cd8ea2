/* Interposed readiness calls: poll, ppoll, select, pselect, the epoll family
 * and glibc's fortified __poll_chk/__ppoll_chk.  Without anything engaged they
 * are plain forwards; engaged, wait.c adjusts what faults change. */
#include "core/shim.h"
#include "vnet/vsock.h"
#include "kernel/wait.h"

extern void __chk_fail(void) __attribute__((noreturn));

static inline int waits_pass(void)
{
	return sf_likely(!sf_engaged) || sf_depth;
}

static struct timespec *ms_to_ts(int ms, struct timespec *ts)
{
	if (ms < 0)
		return NULL;
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (ms % 1000) * 1000000L;
	return ts;
}

SF_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (waits_pass())
		return sf_libc()->poll(fds, n, timeout);
	struct timespec ts;
	return (int)sf_ret(sf_poll(SF_CALL_poll, fds, n, ms_to_ts(timeout, &ts), NULL));
}

SF_EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask)
{
	if (waits_pass())
		return sf_libc()->ppoll(fds, n, timeout, mask);
	return (int)sf_ret(sf_poll(SF_CALL_ppoll, fds, n, timeout, mask));
}

SF_EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		__chk_fail();
	return poll(fds, n, timeout);
}

SF_EXPORT int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
			  const sigset_t *mask, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		__chk_fail();
	return ppoll(fds, n, timeout, mask);
}

SF_EXPORT int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	if (waits_pass())
		return sf_libc()->select(nfds, r, w, e, tv);
	struct timespec ts, *tp = NULL;
	if (tv) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0) {
			errno = EINVAL;
			return -1;
		}
		ts.tv_sec = tv->tv_sec + tv->tv_usec / 1000000;
		ts.tv_nsec = (tv->tv_usec % 1000000) * 1000;
		tp = &ts;
	}
	/* Linux select updates *tv with the time left (man 2 select, NOTES). */
	return (int)sf_ret(sf_select(SF_CALL_select, nfds, r, w, e, tp, NULL, tv));
}

SF_EXPORT int pselect(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *timeout,
		      const sigset_t *mask)
{
	if (waits_pass())
		return sf_libc()->pselect(nfds, r, w, e, timeout, mask);
	return (int)sf_ret(sf_select(SF_CALL_pselect, nfds, r, w, e, timeout, mask, NULL));
}

SF_EXPORT int epoll_create(int size)
{
	int r = sf_libc()->epoll_create(size);
	if (sf_unlikely(sf_vnet_on) && r >= 0)
		sf_vnet_epoll_created(r);
	return r;
}

SF_EXPORT int epoll_create1(int flags)
{
	int r = sf_libc()->epoll_create1(flags);
	if (sf_unlikely(sf_vnet_on) && r >= 0)
		sf_vnet_epoll_created(r);
	return r;
}

SF_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	if (!sf_vnet_on && !sf_passes(fd)) {
		struct sf_socket *s = sf_socket_get(fd);
		int r = sf_libc()->epoll_ctl(epfd, op, fd, ev);
		if (s) {
			if (r == 0)
				sf_socket_note_epoll(s, epfd, op, fd, ev);
			sf_socket_put(s);
		}
		return r;
	}
	if (sf_unlikely(sf_vnet_on)) {
		struct sf_socket *s = sf_engaged_socket(fd);
		if (s) {
			int r = s->v ? sf_vnet_epoll_ctl(s->v, epfd, op, fd, ev) : sf_libc()->epoll_ctl(epfd, op, fd, ev);
			bool virt = s->v != NULL;
			if (!virt && r == 0)
				sf_socket_note_epoll(s, epfd, op, fd, ev);
			sf_socket_put(s);
			if (!virt && r == 0)
				sf_vnet_epoll_kernel_ctl(epfd, op);
			return virt ? (int)sf_ret(r) : r;
		}
		int r = sf_libc()->epoll_ctl(epfd, op, fd, ev);
		if (r == 0)
			sf_vnet_epoll_kernel_ctl(epfd, op);
		return r;
	}
	return sf_libc()->epoll_ctl(epfd, op, fd, ev);
}

SF_EXPORT int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	if (waits_pass())
		return sf_libc()->epoll_wait(epfd, ev, max, timeout);
	struct timespec ts;
	return (int)sf_ret(sf_epoll_wait(SF_CALL_epoll_wait, epfd, ev, max, ms_to_ts(timeout, &ts), NULL));
}

SF_EXPORT int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout, const sigset_t *mask)
{
	if (waits_pass())
		return sf_libc()->epoll_pwait(epfd, ev, max, timeout, mask);
	struct timespec ts;
	return (int)sf_ret(sf_epoll_wait(SF_CALL_epoll_pwait, epfd, ev, max, ms_to_ts(timeout, &ts), mask));
}

SF_EXPORT int epoll_pwait2(int epfd, struct epoll_event *ev, int max, const struct timespec *timeout,
			   const sigset_t *mask)
{
	if (waits_pass())
		return sf_libc()->epoll_pwait2(epfd, ev, max, timeout, mask);
	return (int)sf_ret(sf_epoll_wait(SF_CALL_epoll_pwait2, epfd, ev, max, timeout, mask));
}
