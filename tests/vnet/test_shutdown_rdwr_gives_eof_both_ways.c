/* shutdown(2) SHUT_RDWR: "further receptions and transmissions will be
 * disallowed".  The socket itself reads end of file and gets EPIPE on send;
 * poll reports POLLIN|POLLOUT|POLLHUP|POLLRDHUP (both halves shut: man 2
 * poll POLLHUP).  The peer reads end of file; its send still succeeds, but
 * data arriving at a socket shut down for reading after its FIN makes Linux
 * answer with a reset: the peer (in CLOSE_WAIT) then has a pending EPIPE
 * (POLLERR), the shut-down socket gets ECONNRESET, and a further shutdown
 * is ENOTCONN.  man 2 shutdown, man 7 tcp, man 2 poll. */
#include "vcheck.h"

int main(void)
{
	vc_begin("SHUT_RDWR");
	int c, s;
	sfit_tcp_pair(&c, &s);
	char buf[64];
	VC_OK(shutdown(s, SHUT_RDWR));
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_ERR(send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
	VC_POLL(s, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_EQ(recv(c, buf, sizeof(buf), 0), 0);
	VC_POLL(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_EQ(send(c, "y", 1, MSG_NOSIGNAL), 1);
	vc_wait_pollerr(c);
	VC_POLL(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_POLL(s, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_ERR(send(c, "z", 1, MSG_NOSIGNAL), EPIPE);
	VC_ERR(send(c, "z", 1, MSG_NOSIGNAL), EPIPE);
	VC_ERR(recv(s, buf, sizeof(buf), 0), ECONNRESET);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_ERR(shutdown(s, SHUT_RDWR), ENOTCONN);
	return 0;
}
