/* shutdown(2): "ENOTCONN The specified socket is not connected."  For a
 * fresh TCP socket, a bound one, an unconnected UDP socket; "EINVAL An
 * invalid value was specified in how"; "ENOTSOCK The file descriptor sockfd
 * does not refer to a socket".  Linux accepts shutdown of a listening
 * socket (SHUT_RD stops it: accept then fails EINVAL) and of a connected
 * UDP socket (a later send is EPIPE).  man 2 shutdown. */
#include "vcheck.h"

int main(void)
{
	vc_begin("shutdown on unconnected sockets");
	int t = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(t >= 0 && b >= 0 && u >= 0);
	struct sockaddr_in lo = sfit_loopback(0);
	CHECK_OK(bind(b, (struct sockaddr *)&lo, sizeof(lo)));
	VC_ERR(shutdown(t, SHUT_WR), ENOTCONN);
	VC_ERR(shutdown(t, SHUT_RDWR), ENOTCONN);
	VC_ERR(shutdown(b, SHUT_RD), ENOTCONN);
	VC_ERR(shutdown(u, SHUT_WR), ENOTCONN);
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_ERR(shutdown(c, 3), EINVAL);
	VC_ERR(shutdown(c, -1), EINVAL);
	int p[2];
	CHECK_OK(pipe(p));
	VC_ERR(shutdown(p[0], SHUT_RD), ENOTSOCK);
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	VC_OK(shutdown(l, SHUT_RD));
	VC_ERR(accept(l, NULL, NULL), EINVAL);
	int u1, u2;
	sfit_udp_pair(&u1, &u2);
	VC_OK(shutdown(u1, SHUT_WR));
	VC_ERR(send(u1, "x", 1, MSG_NOSIGNAL), EPIPE);
	return 0;
}
