/* connect(2) on a blocking TCP socket to a listener: "If the connection or
 * binding succeeds, zero is returned."  The unbound client is bound
 * implicitly to 127.0.0.1 and an ephemeral port (man 7 ip:
 * ip_local_port_range), getpeername gives the listener's address, SO_ERROR
 * is 0, and the connection is usable both ways before accept(2) is even
 * called.  connect to an AF_INET6 address from AF_INET: EAFNOSUPPORT.
 * man 2 connect, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("blocking connect succeeds");
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	struct sockaddr_in6 a6 = vc_loopback6(ntohs(a.sin_port));
	VC_ERR(connect(c, (struct sockaddr *)&a6, sizeof(a6)), EAFNOSUPPORT);
	VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	CHECK(vc_is_ephemeral(VC_SOCKNAME(c)));
	CHECK_EQ(VC_PEERNAME(c), ntohs(a.sin_port));
	VC_SO_ERROR(c, 0);
	VC_EQ(send(c, "before accept", 13, 0), 13);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	char buf[32];
	VC_EQ(recv(s, buf, 13, MSG_WAITALL), 13);
	CHECK(memcmp(buf, "before accept", 13) == 0);
	VC_EQ(send(s, "back", 4, 0), 4);
	VC_EQ(recv(c, buf, sizeof(buf), 0), 4);
	/* an IPv6 blocking connect too */
	struct sockaddr_in6 l6a;
	int l6 = vc_tcp6_listener(false, &l6a);
	int c6 = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(c6 >= 0);
	VC_OK(connect(c6, (struct sockaddr *)&l6a, sizeof(l6a)));
	VC_SOCKNAME(c6);
	VC_PEERNAME(c6);
	CHECK_OK(close(l6));
	return 0;
}
