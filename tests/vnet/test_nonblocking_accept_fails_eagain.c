/* accept(2) on a non-blocking listener with no pending connection: "EAGAIN
 * or EWOULDBLOCK The socket is marked nonblocking and no connections are
 * present to be accepted."  poll(2) reports the listener not readable, then
 * POLLIN once a client connected, and accept succeeds; the queue is empty
 * again afterwards.  man 2 accept, man 2 poll. */
#include "vcheck.h"

int main(void)
{
	vc_begin("non-blocking accept -> EAGAIN");
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	sfit_set_nonblocking(l);
	VC_ERR(accept(l, NULL, NULL), EAGAIN);
	VC_POLL(l, POLLIN | POLLOUT, 0);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	VC_POLL(l, POLLIN | POLLOUT, 5000);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	VC_NOTE("accept -> a socket");
	VC_ERR(accept(l, NULL, NULL), EAGAIN);
	VC_ERR(accept4(l, NULL, NULL, SOCK_CLOEXEC), EAGAIN);
	VC_POLL(l, POLLIN, 0);
	return 0;
}
