/* bind(2): "EADDRNOTAVAIL A nonexistent interface was requested or the
 * requested address was not local."  192.0.2.1 and 2001:db8::1 (TEST-NET-1,
 * documentation prefix) are not local addresses (ip_nonlocal_bind is 0 and
 * no IP_FREEBIND), for TCP and UDP; the socket stays unbound and binds to
 * 127.0.0.1 afterwards.  man 2 bind, man 7 ip (IP_FREEBIND,
 * ip_nonlocal_bind), man 7 ipv6. */
#include "vcheck.h"

int main(void)
{
	vc_begin("bind non-local -> EADDRNOTAVAIL");
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int t6 = socket(AF_INET6, SOCK_STREAM, 0), u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	CHECK(t >= 0 && u >= 0 && t6 >= 0 && u6 >= 0);
	struct sockaddr_in a = sfit_loopback(0);
	CHECK_EQ(inet_pton(AF_INET, "192.0.2.1", &a.sin_addr), 1);
	struct sockaddr_in6 a6 = vc_loopback6(0);
	CHECK_EQ(inet_pton(AF_INET6, "2001:db8::1", &a6.sin6_addr), 1);
	VC_ERR(bind(t, (struct sockaddr *)&a, sizeof(a)), EADDRNOTAVAIL);
	VC_ERR(bind(u, (struct sockaddr *)&a, sizeof(a)), EADDRNOTAVAIL);
	VC_ERR(bind(t6, (struct sockaddr *)&a6, sizeof(a6)), EADDRNOTAVAIL);
	VC_ERR(bind(u6, (struct sockaddr *)&a6, sizeof(a6)), EADDRNOTAVAIL);
	VC_SOCKNAME(t);
	struct sockaddr_in lo = sfit_loopback(0);
	VC_OK(bind(t, (struct sockaddr *)&lo, sizeof(lo)));
	VC_SOCKNAME(t);
	return 0;
}
