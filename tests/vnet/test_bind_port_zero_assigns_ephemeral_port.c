/* bind(2) to port 0: "If the port is ... 0 ... an ephemeral port is
 * assigned" from ip_local_port_range (man 7 ip, ip_local_port_range), and
 * getsockname(2) reports it with the bound address.  Before bind,
 * getsockname gives the unspecified address, port 0.  A specific address
 * (127.0.0.1, ::1) is reported as bound; two port-0 binds get two different
 * ports.  man 2 bind, man 2 getsockname, man 7 ip, man 7 ipv6. */
#include "vcheck.h"

int main(void)
{
	vc_begin("bind port 0 -> ephemeral port");
	int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
	int u = socket(AF_INET, SOCK_DGRAM, 0), s6 = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(a >= 0 && b >= 0 && u >= 0 && s6 >= 0);
	VC_SOCKNAME(a);
	VC_SOCKNAME(s6);
	struct sockaddr_in lo = sfit_loopback(0);
	struct sockaddr_in6 lo6 = vc_loopback6(0);
	VC_OK(bind(a, (struct sockaddr *)&lo, sizeof(lo)));
	VC_OK(bind(b, (struct sockaddr *)&lo, sizeof(lo)));
	VC_OK(bind(u, (struct sockaddr *)&lo, sizeof(lo)));
	VC_OK(bind(s6, (struct sockaddr *)&lo6, sizeof(lo6)));
	unsigned pa = VC_SOCKNAME(a), pb = VC_SOCKNAME(b);
	unsigned pu = VC_SOCKNAME(u), p6 = VC_SOCKNAME(s6);
	CHECK(vc_is_ephemeral(pa) && vc_is_ephemeral(pb) && vc_is_ephemeral(pu) && vc_is_ephemeral(p6));
	CHECK(pa != pb);
	VC_NOTE("two tcp port-0 binds: different ports");
	/* getsockname with a short buffer: truncated, length reports the full size */
	struct sockaddr_in small;
	socklen_t len = 4;
	memset(&small, 0xee, sizeof(small));
	VC_OK(getsockname(a, (struct sockaddr *)&small, &len));
	VC_EQ(len, sizeof(struct sockaddr_in));
	VC_EQ(small.sin_family, AF_INET);
	VC_EQ(((unsigned char *)&small)[4], 0xee);
	return 0;
}
