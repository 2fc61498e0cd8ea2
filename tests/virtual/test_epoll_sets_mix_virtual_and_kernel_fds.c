/* epoll over virtual and kernel fds together: a pipe's readiness and a
 * virtual socket's both come back with the program's data; a set of only
 * virtual fds answers from the shim (no kernel fd is starved: the mixed set
 * still reports the pipe while the socket stays readable); closing an epoll
 * fd forgets its registrations, so a new set that gets the same number does
 * not report the old set's sockets. */
#include "vt.h"

#include <sys/epoll.h>

static int wait_all(int ep, struct epoll_event *out, int max)
{
	int n;
	do
		n = epoll_wait(ep, out, max, 0);
	while (n < 0 && errno == EINTR);
	CHECK(n >= 0);
	return n;
}

int main(void)
{
	int c, s, p[2];
	vt_pair(7005, &c, &s);
	CHECK(pipe(p) == 0);
	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 111}, out[4];
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
	ev.data.u64 = 222;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
	CHECK(wait_all(ep, out, 4) == 0);
	CHECK(send(c, "v", 1, 0) == 1);
	CHECK(wait_all(ep, out, 4) == 1 && out[0].data.u64 == 111 && out[0].events == EPOLLIN);
	CHECK(write(p[1], "k", 1) == 1);
	int n = wait_all(ep, out, 4), seen = 0;
	CHECK(n == 2);
	for (int i = 0; i < n; i++)
		seen |= out[i].data.u64 == 111 ? 1 : out[i].data.u64 == 222 ? 2 : 4;
	CHECK(seen == 3);
	CHECK(close(ep) == 0);
	/* only virtual fds: answered by the shim */
	int ep2 = epoll_create1(0);
	CHECK(ep2 == ep); /* the lowest free number again */
	CHECK(wait_all(ep2, out, 4) == 0); /* the old set's socket is not in it */
	ev.data.u64 = 333;
	CHECK(epoll_ctl(ep2, EPOLL_CTL_ADD, s, &ev) == 0);
	n = wait_all(ep2, out, 4);
	if (n != 1 || out[0].data.u64 != 333)
		fprintf(stderr, "n=%d data=%llu events=%#x\n", n, (unsigned long long)out[0].data.u64, out[0].events);
	CHECK(n == 1 && out[0].data.u64 == 333);
	char b;
	CHECK(recv(s, &b, 1, 0) == 1);
	CHECK(wait_all(ep2, out, 4) == 0);
	CHECK(epoll_wait(ep2, out, 4, 50) == 0); /* blocks in the kernel, times out */
	printf("ok\n");
	return 0;
}
