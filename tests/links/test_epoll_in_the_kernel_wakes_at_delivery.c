/* A program that waits in the kernel -- epoll_wait on a set that holds a
 * pipe besides the virtual socket, so the shim cannot answer it, and a raw
 * ppoll syscall the shim never sees -- still wakes when data crosses the
 * link: the network's timer writes the readability token at the delivery
 * time, 30 ms after the send (the raw wait once the token is exact: after
 * a recv said EAGAIN, shim/vnet/vsock.h). */
#include "lk.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

int main(void)
{
	int c, s, p[2];
	lk_pair(7109, &c, &s);
	CHECK(pipe(p) == 0);
	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1}, out[2];
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
	ev.data.u64 = 2;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
	uint64_t t0 = lk_now_ns();
	CHECK(send(c, "d", 1, 0) == 1);
	int n;
	do
		n = epoll_wait(ep, out, 2, -1);
	while (n < 0 && errno == EINTR);
	CHECK(n == 1 && out[0].data.u64 == 1 && (out[0].events & EPOLLIN));
	CHECK_AT_LEAST(lk_now_ns() - t0, 30 * MS);
	char b;
	CHECK(recv(s, &b, 1, 0) == 1 && b == 'd');

	/* The same through a raw syscall: only the kernel's view.  A wait the
	 * shim does not see may report a readability already consumed until
	 * the program's recv says EAGAIN (shim/vnet/vsock.h, the lazy token): the
	 * program reads until then, as a non-blocking reader does. */
	CHECK(recv(s, &b, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN);
	t0 = lk_now_ns();
	CHECK(send(c, "e", 1, 0) == 1);
	struct pollfd pf = {.fd = s, .events = POLLIN};
	do
		n = (int)syscall(SYS_ppoll, &pf, 1, NULL, NULL, (size_t)8);
	while (n < 0 && errno == EINTR);
	CHECK(n == 1 && (pf.revents & POLLIN));
	CHECK_AT_LEAST(lk_now_ns() - t0, 30 * MS);
	CHECK(recv(s, &b, 1, 0) == 1 && b == 'e');
	printf("ok\n");
	return 0;
}
