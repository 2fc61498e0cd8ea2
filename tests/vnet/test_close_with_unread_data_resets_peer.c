/* close(2) of a TCP socket with unread data in its receive queue: Linux
 * sends a reset instead of a FIN (RFC 2525 2.17; man 7 tcp: ECONNRESET).
 * The peer's recv fails ECONNRESET once, then reads end of file; its send
 * then fails EPIPE (the error was consumed, the connection is gone);
 * SO_ERROR is 0 after recv reported it; poll shows POLLHUP.  man 7 tcp,
 * man 2 recv, man 2 send, man 2 close. */
#include "vcheck.h"

int main(void)
{
	vc_begin("close with unread data resets the peer");
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_EQ(send(c, "unread", 6, 0), 6);
	vc_wait_readable(s);
	VC_OK(close(s));
	vc_wait_pollerr(c);
	VC_POLL(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	char buf[16];
	VC_ERR(recv(c, buf, sizeof(buf), 0), ECONNRESET);
	VC_SO_ERROR(c, 0);
	VC_EQ(recv(c, buf, sizeof(buf), 0), 0);
	VC_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	VC_POLL(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	/* the same when the reset is first seen by send */
	int c2, s2;
	sfit_tcp_pair(&c2, &s2);
	VC_EQ(send(c2, "unread", 6, 0), 6);
	vc_wait_readable(s2);
	VC_OK(close(s2));
	vc_wait_pollerr(c2);
	VC_ERR(send(c2, "x", 1, MSG_NOSIGNAL), ECONNRESET);
	VC_ERR(send(c2, "x", 1, MSG_NOSIGNAL), EPIPE);
	VC_EQ(recv(c2, buf, sizeof(buf), 0), 0);
	return 0;
}
