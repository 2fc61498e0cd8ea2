/* connect(2): "EISCONN The socket is already connected."  A blocking
 * connected TCP socket gets EISCONN on a second connect, to the same or
 * another address.  For a non-blocking connect, Linux reports the
 * completion once more: the first connect after the connection is
 * established returns 0 (the way to learn that an EINPROGRESS connect
 * finished), and only the next one EISCONN.  man 2 connect, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("connect on a connected socket -> EISCONN");
	struct sockaddr_in a, b;
	int l = sfit_tcp_listener(&a), l2 = sfit_tcp_listener(&b);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	VC_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN);
	VC_ERR(connect(c, (struct sockaddr *)&b, sizeof(b)), EISCONN);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	VC_ERR(connect(s, (struct sockaddr *)&b, sizeof(b)), EISCONN);

	int n = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(n >= 0);
	VC_ERR(connect(n, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	CHECK_EQ(vc_poll1(n, POLLOUT, 5000), POLLOUT);
	VC_NOTE("n: poll -> POLLOUT");
	VC_EQ(connect(n, (struct sockaddr *)&a, sizeof(a)), 0);
	VC_ERR(connect(n, (struct sockaddr *)&a, sizeof(a)), EISCONN);
	CHECK_OK(close(l2));
	return 0;
}
