/* Non-blocking connect(2): "EINPROGRESS The socket is nonblocking and the
 * connection cannot be completed immediately.  It is possible to select(2)
 * or poll(2) for completion by selecting the socket for writing.  After
 * select(2) indicates writability, use getsockopt(2) to read the SO_ERROR
 * option at level SOL_SOCKET to determine whether connect() completed
 * successfully (SO_ERROR is zero)".  On Linux a TCP connect over loopback
 * also returns EINPROGRESS (it never completes synchronously).  After
 * completion, getpeername works and data flows.  man 2 connect, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("non-blocking connect: EINPROGRESS, POLLOUT, SO_ERROR 0");
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c >= 0);
	VC_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	unsigned rev = VC_POLL(c, POLLOUT, 5000);
	CHECK_EQ(rev, POLLOUT);
	VC_SO_ERROR(c, 0);
	CHECK_EQ(VC_PEERNAME(c), ntohs(a.sin_port));
	VC_EQ(send(c, "x", 1, 0), 1);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	char ch;
	VC_EQ(recv(s, &ch, 1, 0), 1);
	/* IPv6 too */
	struct sockaddr_in6 a6;
	int l6 = vc_tcp6_listener(false, &a6);
	int c6 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c6 >= 0);
	VC_ERR(connect(c6, (struct sockaddr *)&a6, sizeof(a6)), EINPROGRESS);
	CHECK_EQ(VC_POLL(c6, POLLOUT, 5000), POLLOUT);
	VC_SO_ERROR(c6, 0);
	CHECK_OK(close(l6));
	return 0;
}
