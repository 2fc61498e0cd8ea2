/* shutdown(2) SHUT_WR: "further transmissions will be disallowed"; the peer
 * reads the data sent before, then end of file (recv returns 0, again and
 * again), while the connection stays open the other way: the peer can
 * still send, and the half-closed side reads it.  poll(2) on the peer shows
 * POLLIN|POLLRDHUP (man 2 poll: "POLLRDHUP Stream socket peer closed
 * connection, or shut down writing half of connection").  man 2 shutdown,
 * man 7 tcp, man 2 poll. */
#include "vcheck.h"

int main(void)
{
	vc_begin("SHUT_WR: peer gets EOF, can still send");
	int c, s;
	sfit_tcp_pair(&c, &s);
	char buf[64];
	VC_EQ(send(c, "last words", 10, 0), 10);
	VC_OK(shutdown(c, SHUT_WR));
	VC_EQ(recv(s, buf, 10, MSG_WAITALL), 10);
	CHECK(memcmp(buf, "last words", 10) == 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_EQ(read(s, buf, sizeof(buf)), 0);
	VC_POLL(s, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_POLL(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_EQ(send(s, "reply", 5, 0), 5);
	VC_EQ(recv(c, buf, 5, MSG_WAITALL), 5);
	CHECK(memcmp(buf, "reply", 5) == 0);
	/* shutting down writing twice is fine */
	VC_OK(shutdown(c, SHUT_WR));
	VC_OK(shutdown(s, SHUT_WR));
	VC_EQ(recv(c, buf, sizeof(buf), 0), 0);
	VC_POLL(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	return 0;
}
