/* accept(2): "EINVAL Socket is not listening for connections"; for a socket
 * that is only bound, never bound, or a connected one (accept on the client
 * side of a connection); "EOPNOTSUPP The referenced socket is not of type
 * SOCK_STREAM" for UDP.  listen(2) on UDP: EOPNOTSUPP.  man 2 accept,
 * man 2 listen. */
#include "vcheck.h"

int main(void)
{
	vc_begin("accept on a non-listening socket");
	int fresh = socket(AF_INET, SOCK_STREAM, 0), bound = socket(AF_INET, SOCK_STREAM, 0);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fresh >= 0 && bound >= 0 && u >= 0);
	struct sockaddr_in lo = sfit_loopback(0);
	CHECK_OK(bind(bound, (struct sockaddr *)&lo, sizeof(lo)));
	VC_ERR(accept(fresh, NULL, NULL), EINVAL);
	VC_ERR(accept(bound, NULL, NULL), EINVAL);
	VC_ERR(accept4(bound, NULL, NULL, SOCK_NONBLOCK), EINVAL);
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_ERR(accept(c, NULL, NULL), EINVAL);
	VC_ERR(accept(s, NULL, NULL), EINVAL);
	VC_ERR(accept(u, NULL, NULL), EOPNOTSUPP);
	VC_ERR(listen(u, 8), EOPNOTSUPP);
	return 0;
}
