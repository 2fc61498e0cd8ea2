/* IPV6_V6ONLY (man 7 ipv6: "If this flag is set to false (zero), then the
 * socket can be used to send and receive packets to and from an IPv6
 * address or an IPv4-mapped IPv6 address"; the default is
 * /proc/sys/net/ipv6/bindv6only, 0): an AF_INET6 listener on [::] with the
 * default accepts an IPv4 client connecting to 127.0.0.1; accept(2) and
 * getpeername(2) give the peer as ::ffff:127.0.0.1 (AF_INET6), the client
 * sees an AF_INET peer.  man 7 ipv6, man 2 accept. */
#include "vcheck.h"

int main(void)
{
	vc_begin("dual-stack listener, IPv4-mapped peer");
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(l >= 0);
	VC_SOCKOPT(l, IPPROTO_IPV6, IPV6_V6ONLY, 0);
	struct sockaddr_in6 a = vc_loopback6(0);
	a.sin6_addr = in6addr_any;
	socklen_t al = sizeof(a);
	VC_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	VC_OK(listen(l, 8));
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
	struct sockaddr_in to = sfit_loopback(ntohs(a.sin6_port));
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_OK(connect(c, (struct sockaddr *)&to, sizeof(to)));
	struct sockaddr_storage peer;
	socklen_t pl = sizeof(peer);
	int s = accept(l, (struct sockaddr *)&peer, &pl);
	CHECK(s >= 0);
	VC_EQ(pl, sizeof(struct sockaddr_in6));
	printf("accept peer -> %s\n", vc_addr(&peer, pl));
	CHECK(IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&peer)->sin6_addr));
	unsigned cport = VC_SOCKNAME(c);
	CHECK_EQ(VC_PEERNAME(s), cport);
	VC_NOTE("server's peer port == client's local port");
	VC_SOCKNAME(s);
	VC_PEERNAME(c);
	VC_SOCKOPT(s, SOL_SOCKET, SO_DOMAIN, AF_INET6);
	/* data flows over the mapped connection */
	CHECK_EQ(send(c, "v4", 2, 0), 2);
	char buf[4];
	VC_EQ(recv(s, buf, sizeof(buf), 0), 2);
	/* a dual-stack UDP socket receives from an IPv4 sender too */
	int u6 = socket(AF_INET6, SOCK_DGRAM, 0), u4 = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(u6 >= 0 && u4 >= 0);
	struct sockaddr_in6 ua = vc_loopback6(0);
	ua.sin6_addr = in6addr_any;
	al = sizeof(ua);
	VC_OK(bind(u6, (struct sockaddr *)&ua, sizeof(ua)));
	CHECK_OK(getsockname(u6, (struct sockaddr *)&ua, &al));
	struct sockaddr_in uto = sfit_loopback(ntohs(ua.sin6_port));
	VC_EQ(sendto(u4, "dgram", 5, 0, (struct sockaddr *)&uto, sizeof(uto)), 5);
	pl = sizeof(peer);
	VC_EQ(recvfrom(u6, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &pl), 4);
	printf("recvfrom peer -> %s\n", vc_addr(&peer, pl));
	return 0;
}
