/* connect(2): "ECONNREFUSED A connect() on a stream socket found no one
 * listening on the remote address."  The port is held bound (not listening)
 * by another socket, so nobody else takes it during the test.  After the
 * refusal the socket is not connected (getpeername ENOTCONN), SO_ERROR is 0
 * (the error was reported by connect itself), and a later connect of the
 * same socket to a listener succeeds.  IPv6 likewise.  man 2 connect,
 * man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("blocking connect refused");
	int holder;
	struct sockaddr_in r = vc_refusing_addr(&holder);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_ERR(connect(c, (struct sockaddr *)&r, sizeof(r)), ECONNREFUSED);
	struct sockaddr_in p;
	socklen_t pl = sizeof(p);
	VC_ERR(getpeername(c, (struct sockaddr *)&p, &pl), ENOTCONN);
	VC_SO_ERROR(c, 0);
	VC_ERR(connect(c, (struct sockaddr *)&r, sizeof(r)), ECONNREFUSED);
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	CHECK_EQ(VC_PEERNAME(c), ntohs(a.sin_port));

	int h6 = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(h6 >= 0);
	struct sockaddr_in6 r6 = vc_loopback6(0);
	socklen_t rl = sizeof(r6);
	CHECK_OK(bind(h6, (struct sockaddr *)&r6, sizeof(r6)));
	CHECK_OK(getsockname(h6, (struct sockaddr *)&r6, &rl));
	int c6 = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(c6 >= 0);
	VC_ERR(connect(c6, (struct sockaddr *)&r6, sizeof(r6)), ECONNREFUSED);
	CHECK_OK(close(l));
	CHECK_OK(close(holder));
	return 0;
}
