/* SO_ERROR (man 7 socket: "Get and clear the pending socket error.  This
 * socket option is read-only.  Expects an integer"): 0 on fresh, bound,
 * listening, connected, accepted TCP sockets, on UDP sockets, and after
 * data went both ways; setting it fails ENOPROTOOPT.  man 7 socket. */
#include "vcheck.h"

int main(void)
{
	vc_begin("SO_ERROR 0 on healthy sockets");
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int t6 = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(t >= 0 && u >= 0 && t6 >= 0);
	VC_SO_ERROR(t, 0);
	VC_SO_ERROR(u, 0);
	VC_SO_ERROR(t6, 0);
	struct sockaddr_in lo = sfit_loopback(0);
	CHECK_OK(bind(t, (struct sockaddr *)&lo, sizeof(lo)));
	VC_SO_ERROR(t, 0);
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	VC_SO_ERROR(l, 0);
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_SO_ERROR(c, 0);
	VC_SO_ERROR(s, 0);
	char b[4];
	CHECK_EQ(send(c, "abc", 3, 0), 3);
	CHECK_EQ(recv(s, b, 3, MSG_WAITALL), 3);
	CHECK_EQ(send(s, "abc", 3, 0), 3);
	CHECK_EQ(recv(c, b, 3, MSG_WAITALL), 3);
	VC_SO_ERROR(c, 0);
	VC_SO_ERROR(s, 0);
	int u1, u2;
	sfit_udp_pair(&u1, &u2);
	CHECK_EQ(send(u1, "d", 1, 0), 1);
	CHECK_EQ(recv(u2, b, sizeof(b), 0), 1);
	VC_SO_ERROR(u1, 0);
	VC_SO_ERROR(u2, 0);
	int zero = 0;
	VC_ERR(setsockopt(c, SOL_SOCKET, SO_ERROR, &zero, sizeof(zero)), ENOPROTOOPT);
	return 0;
}
