/* bind(2): "EINVAL The socket is already bound to an address."  A second
 * bind of a bound TCP or UDP socket fails EINVAL, even to the very same
 * address, and the socket keeps its first address.  Also EINVAL: an address
 * length too short for the family.  A wrong family gives EAFNOSUPPORT.
 * man 2 bind, man 7 ip. */
#include "vcheck.h"

int main(void)
{
	vc_begin("bind twice -> EINVAL");
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int x = socket(AF_INET, SOCK_STREAM, 0), y = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(t >= 0 && u >= 0 && x >= 0 && y >= 0);
	struct sockaddr_in a = sfit_loopback(0), b = sfit_loopback(0), got;
	socklen_t al = sizeof(a);
	VC_OK(bind(t, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(t, (struct sockaddr *)&a, &al));
	VC_ERR(bind(t, (struct sockaddr *)&a, sizeof(a)), EINVAL);
	VC_ERR(bind(t, (struct sockaddr *)&b, sizeof(b)), EINVAL);
	al = sizeof(got);
	CHECK_OK(getsockname(t, (struct sockaddr *)&got, &al));
	CHECK_EQ(got.sin_port, a.sin_port);
	VC_NOTE("tcp keeps its first port");
	VC_OK(bind(u, (struct sockaddr *)&b, sizeof(b)));
	VC_ERR(bind(u, (struct sockaddr *)&b, sizeof(b)), EINVAL);
	VC_ERR(bind(x, (struct sockaddr *)&b, sizeof(b) - 1), EINVAL);
	struct sockaddr_in6 six = vc_loopback6(0);
	VC_ERR(bind(y, (struct sockaddr *)&six, sizeof(six)), EAFNOSUPPORT);
	return 0;
}
