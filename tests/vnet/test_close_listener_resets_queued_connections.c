/* Closing a listener with connections still in its accept queue: those
 * connections are established from the client's view (connect succeeded,
 * data could be sent), and closing the listener aborts them (Linux sends a
 * reset: inet_csk_listen_stop); the clients' recv fails ECONNRESET, then
 * reads end of file, and send fails EPIPE.  A connect to the closed port is
 * then refused.  man 2 listen, man 2 close, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("closing a listener resets its queued connections");
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	int c1 = socket(AF_INET, SOCK_STREAM, 0), c2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c1 >= 0 && c2 >= 0);
	VC_OK(connect(c1, (struct sockaddr *)&a, sizeof(a)));
	VC_OK(connect(c2, (struct sockaddr *)&a, sizeof(a)));
	VC_EQ(send(c1, "queued", 6, 0), 6);
	vc_wait_readable(l);
	VC_OK(close(l));
	vc_wait_pollerr(c1);
	vc_wait_pollerr(c2);
	VC_POLL(c1, POLLIN | POLLOUT | POLLRDHUP, 0);
	char buf[8];
	VC_ERR(recv(c1, buf, sizeof(buf), 0), ECONNRESET);
	VC_EQ(recv(c1, buf, sizeof(buf), 0), 0);
	VC_ERR(send(c2, "x", 1, MSG_NOSIGNAL), ECONNRESET);
	VC_ERR(send(c2, "x", 1, MSG_NOSIGNAL), EPIPE);
	int c3 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c3 >= 0);
	VC_ERR(connect(c3, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	return 0;
}
