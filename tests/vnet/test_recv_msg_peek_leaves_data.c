/* recv(2) MSG_PEEK: "This flag causes the receive operation to return data
 * from the beginning of the receive queue without removing that data from
 * the queue.  Thus, a subsequent receive call will return the same data."
 * Peeking a prefix, then more, then a normal recv returns everything once;
 * MSG_PEEK|MSG_DONTWAIT on an empty queue is EAGAIN.  man 2 recv, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("MSG_PEEK leaves data");
	int c, s;
	sfit_tcp_pair(&c, &s);
	char buf[64];
	VC_ERR(recv(s, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT), EAGAIN);
	VC_EQ(send(c, "hello world", 11, 0), 11);
	vc_wait_readable(s);
	VC_EQ(recv(s, buf, 5, MSG_PEEK), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	VC_EQ(recv(s, buf, sizeof(buf), MSG_PEEK), 11);
	VC_EQ(recv(s, buf, sizeof(buf), MSG_PEEK), 11);
	int n = -1;
	VC_OK(ioctl(s, FIONREAD, &n));
	VC_EQ(n, 11);
	VC_EQ(recv(s, buf, 6, 0), 6);
	VC_EQ(recv(s, buf, sizeof(buf), MSG_PEEK), 5);
	CHECK(memcmp(buf, "world", 5) == 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "world", 5) == 0);
	VC_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* peek sees EOF too, and does not consume it */
	CHECK_OK(shutdown(c, SHUT_WR));
	vc_wait_readable(s);
	VC_EQ(recv(s, buf, sizeof(buf), MSG_PEEK), 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	return 0;
}
