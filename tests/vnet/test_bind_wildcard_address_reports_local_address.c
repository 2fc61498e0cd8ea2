/* bind(2) to the wildcard address (INADDR_ANY, in6addr_any): getsockname(2)
 * of the listener reports 0.0.0.0 / ::, a client reaches it through the
 * loopback address, and the accepted socket's getsockname reports the
 * concrete local address the connection came in on (man 7 ip: "When
 * INADDR_ANY is specified in the bind call, the socket will be bound to all
 * local interfaces").  man 2 bind, man 7 ip, man 7 ipv6. */
#include "vcheck.h"

int main(void)
{
	vc_begin("wildcard bind");
	int l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0);
	struct sockaddr_in any = sfit_loopback(0);
	any.sin_addr.s_addr = htonl(INADDR_ANY);
	VC_OK(bind(l, (struct sockaddr *)&any, sizeof(any)));
	VC_OK(listen(l, 8));
	socklen_t al = sizeof(any);
	CHECK_OK(getsockname(l, (struct sockaddr *)&any, &al));
	VC_SOCKNAME(l);
	struct sockaddr_in to = sfit_loopback(ntohs(any.sin_port));
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_OK(connect(c, (struct sockaddr *)&to, sizeof(to)));
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK_EQ(VC_SOCKNAME(s), ntohs(any.sin_port));
	VC_NOTE("accepted socket's port == listener's port");
	VC_PEERNAME(c);

	struct sockaddr_in6 any6;
	int l6 = vc_tcp6_listener(true, &any6);
	VC_SOCKNAME(l6);
	struct sockaddr_in6 to6 = vc_loopback6(ntohs(any6.sin6_port));
	int c6 = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(c6 >= 0);
	VC_OK(connect(c6, (struct sockaddr *)&to6, sizeof(to6)));
	int s6 = accept(l6, NULL, NULL);
	CHECK(s6 >= 0);
	VC_SOCKNAME(s6);
	VC_SOCKNAME(c6);
	VC_PEERNAME(s6);
	return 0;
}
