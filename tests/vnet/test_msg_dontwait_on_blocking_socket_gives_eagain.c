/* recv(2) MSG_DONTWAIT: "Enables nonblocking operation; if the operation
 * would block, the call fails with the error EAGAIN or EWOULDBLOCK ... the
 * behavior is similar to specifying the O_NONBLOCK flag (via fcntl(2)),
 * but MSG_DONTWAIT is a per-call option".  On a blocking socket with no data
 * the call does not block; the socket stays blocking (F_GETFL); once data
 * is there MSG_DONTWAIT returns it.  send(2) likewise: a send with
 * MSG_DONTWAIT on a blocking socket whose buffer is full gives EAGAIN.
 * man 2 recv, man 2 send. */
#include "vcheck.h"

int main(void)
{
	vc_begin("MSG_DONTWAIT on a blocking socket");
	int c, s;
	sfit_tcp_pair(&c, &s);
	char buf[16];
	double t0 = sfit_now();
	VC_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK(vc_elapsed(t0) < 1.0);
	VC_EQ(fcntl(s, F_GETFL) & O_NONBLOCK, 0);
	VC_EQ(send(c, "data", 4, MSG_DONTWAIT), 4);
	vc_wait_readable(s);
	VC_EQ(recv(s, buf, sizeof(buf), MSG_DONTWAIT), 4);
	VC_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* fill c's buffers with MSG_DONTWAIT until EAGAIN; nobody reads s */
	static char big[65536];
	long long total = 0;
	for (int i = 0; i < 100000; i++) {
		ssize_t w = send(c, big, sizeof(big), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		total += w;
	}
	CHECK(total > 0);
	VC_ERR(send(c, big, sizeof(big), MSG_DONTWAIT | MSG_NOSIGNAL), EAGAIN);
	VC_EQ(fcntl(c, F_GETFL) & O_NONBLOCK, 0);
	return 0;
}
