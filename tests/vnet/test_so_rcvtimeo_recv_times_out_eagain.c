/* SO_RCVTIMEO (man 7 socket: "Specify the receiving or sending timeouts
 * until reporting an error ... If a blocking call times out and no data
 * has been transferred, -1 is returned with errno set to EAGAIN or
 * EWOULDBLOCK ... Timeouts only have effect for system calls that perform
 * socket I/O (e.g., accept(2), connect(2), read(2), recvmsg(2), send(2),
 * sendmsg(2))"): a 100 ms timeout makes recv, read and accept fail EAGAIN
 * after at least about 100 ms (one 10 ms jiffy of slack: the kernel counts
 * in jiffies); the option reads back within a jiffy of what was set; data
 * that is there is returned at once; a zero timeval means no timeout.
 * man 7 socket, man 2 recv. */
#include "vcheck.h"

static void set_rcvtimeo(int fd, long usec)
{
	struct timeval tv = {usec / 1000000, usec % 1000000};
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
}

int main(void)
{
	vc_begin("SO_RCVTIMEO");
	int c, s;
	sfit_tcp_pair(&c, &s);
	struct timeval tv = {-1, -1};
	socklen_t tl = sizeof(tv);
	VC_OK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &tl));
	VC_NOTE("default SO_RCVTIMEO -> {%ld, %ld}", (long)tv.tv_sec, (long)tv.tv_usec);
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);
	set_rcvtimeo(s, 100000);
	tl = sizeof(tv);
	VC_OK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &tl));
	CHECK(tv.tv_sec == 0 && tv.tv_usec >= 90000 && tv.tv_usec <= 110000);
	VC_NOTE("SO_RCVTIMEO reads back as about 100 ms");
	char buf[8];
	double t0 = sfit_now();
	VC_ERR(recv(s, buf, sizeof(buf), 0), EAGAIN);
	CHECK(vc_elapsed(t0) >= 0.090);
	t0 = sfit_now();
	VC_ERR(read(s, buf, sizeof(buf)), EAGAIN);
	CHECK(vc_elapsed(t0) >= 0.090);
	VC_NOTE("both waited for the timeout");
	VC_EQ(send(c, "hi", 2, 0), 2);
	vc_wait_readable(s);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 2);
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	set_rcvtimeo(l, 100000);
	t0 = sfit_now();
	VC_ERR(accept(l, NULL, NULL), EAGAIN);
	CHECK(vc_elapsed(t0) >= 0.090);
	VC_NOTE("accept waited for the timeout");
	struct timeval bad = {0, 2000000};
	VC_ERR(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof(bad)), EDOM);
	return 0;
}
