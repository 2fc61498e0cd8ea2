/* Boolean socket options read back what was set (man 7 socket: SO_KEEPALIVE
 * "Enable sending of keep-alive messages on connection-oriented sockets.
 * Expects an integer boolean flag"; man 7 tcp: TCP_NODELAY "If set, disable
 * the Nagle algorithm"): default 0, set 1 -> 1, any nonzero -> 1, 0 -> 0;
 * on fresh, connected and accepted sockets (accepted ones inherit the
 * listener's SO_KEEPALIVE and TCP_NODELAY on Linux); TCP_KEEPIDLE reads back
 * exactly.  TCP_NODELAY on a UDP socket is ENOPROTOOPT ("The option is
 * unknown at the level indicated", man 2 setsockopt), an optlen shorter
 * than an int EINVAL.  man 7 socket, man 7 tcp, man 2 setsockopt. */
#include "vcheck.h"

static void flags(int fd, const char *what)
{
	printf("%s:\n", what);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_KEEPALIVE, 0);
	VC_SOCKOPT(fd, IPPROTO_TCP, TCP_NODELAY, 0);
	vc_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	vc_set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	VC_SOCKOPT(fd, IPPROTO_TCP, TCP_NODELAY, 1);
	vc_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 0);
	vc_set_int(fd, IPPROTO_TCP, TCP_NODELAY, 0);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_KEEPALIVE, 0);
	VC_SOCKOPT(fd, IPPROTO_TCP, TCP_NODELAY, 0);
	vc_set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 7);
	vc_set_int(fd, IPPROTO_TCP, TCP_NODELAY, 7);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	VC_SOCKOPT(fd, IPPROTO_TCP, TCP_NODELAY, 1);
}

int main(void)
{
	vc_begin("SO_KEEPALIVE / TCP_NODELAY round trip");
	int t = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(t >= 0);
	flags(t, "fresh");
	int c, s;
	sfit_tcp_pair(&c, &s);
	flags(c, "connected");
	flags(s, "accepted");
	vc_set_int(c, IPPROTO_TCP, TCP_KEEPIDLE, 30);
	VC_SOCKOPT(c, IPPROTO_TCP, TCP_KEEPIDLE, 30);
	/* inheritance through accept */
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	vc_set_int(l, SOL_SOCKET, SO_KEEPALIVE, 1);
	vc_set_int(l, IPPROTO_TCP, TCP_NODELAY, 1);
	int c2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c2 >= 0);
	CHECK_OK(connect(c2, (struct sockaddr *)&a, sizeof(a)));
	int s2 = accept(l, NULL, NULL);
	CHECK(s2 >= 0);
	VC_SOCKOPT(s2, SOL_SOCKET, SO_KEEPALIVE, 1);
	VC_SOCKOPT(s2, IPPROTO_TCP, TCP_NODELAY, 1);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(u >= 0);
	int one = 1;
	VC_ERR(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), ENOPROTOOPT);
	VC_ERR(setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &one, 1), EINVAL);
	return 0;
}
