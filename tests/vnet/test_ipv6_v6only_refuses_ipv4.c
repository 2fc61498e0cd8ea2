/* IPV6_V6ONLY set to 1 (man 7 ipv6: "If this flag is set to true (nonzero),
 * then the socket is restricted to sending and receiving IPv6 packets
 * only"): an AF_INET6 listener on [::] with it does not get IPv4
 * connections; the port stays free in the IPv4 space, so an AF_INET socket
 * can bind 127.0.0.1 at the same port while the v6 listener exists (not
 * listening there, it makes the IPv4 connect refused: ECONNREFUSED); IPv6
 * clients still connect.  The option cannot change after bind (EINVAL).
 * man 7 ipv6, man 2 connect. */
#include "vcheck.h"

int main(void)
{
	vc_begin("IPV6_V6ONLY=1 refuses IPv4");
	/* The v6-only listener's port is free in the IPv4 space, but another
	 * test's IPv4 socket may hold it by chance: then try another port. */
	int l = -1, holder = -1;
	struct sockaddr_in6 a;
	struct sockaddr_in to;
	for (int attempt = 0; attempt < 20 && holder < 0; attempt++) {
		if (l >= 0)
			CHECK_OK(close(l));
		l = socket(AF_INET6, SOCK_STREAM, 0);
		CHECK(l >= 0);
		vc_set_int(l, IPPROTO_IPV6, IPV6_V6ONLY, 1);
		a = vc_loopback6(0);
		a.sin6_addr = in6addr_any;
		socklen_t al = sizeof(a);
		CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
		CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
		to = sfit_loopback(ntohs(a.sin6_port));
		holder = socket(AF_INET, SOCK_STREAM, 0);
		CHECK(holder >= 0);
		if (bind(holder, (struct sockaddr *)&to, sizeof(to)) != 0) {
			CHECK_EQ(errno, EADDRINUSE);
			CHECK_OK(close(holder));
			holder = -1;
		}
	}
	CHECK(holder >= 0);
	VC_NOTE("bound [::]:P v6-only, and 127.0.0.1:P in IPv4");
	VC_SOCKOPT(l, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	VC_OK(listen(l, 8));
	int zero = 0;
	VC_ERR(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)), EINVAL);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_ERR(connect(c, (struct sockaddr *)&to, sizeof(to)), ECONNREFUSED);
	struct sockaddr_in6 to6 = vc_loopback6(ntohs(a.sin6_port));
	int c6 = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(c6 >= 0);
	VC_OK(connect(c6, (struct sockaddr *)&to6, sizeof(to6)));
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	VC_PEERNAME(s);
	return 0;
}
