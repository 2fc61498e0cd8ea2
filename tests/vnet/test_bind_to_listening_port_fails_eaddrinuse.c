/* bind(2): "EADDRINUSE The given address is already in use."  A second
 * socket binding the address:port of a listener fails, with or without
 * SO_REUSEADDR (man 7 socket: SO_REUSEADDR lets a socket bind "unless there
 * is an active listening socket bound to the address"), and so does binding
 * the wildcard address at that port; a UDP socket may bind the same port
 * number (a separate port space).  man 2 bind, man 7 socket, man 7 ip. */
#include "vcheck.h"

int main(void)
{
	vc_begin("EADDRINUSE on a listening port");
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	int b = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
	int w = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(b >= 0 && c >= 0 && w >= 0 && u >= 0);
	VC_ERR(bind(b, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	vc_set_int(c, SOL_SOCKET, SO_REUSEADDR, 1);
	VC_NOTE("c: SO_REUSEADDR 1");
	VC_ERR(bind(c, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	struct sockaddr_in any = a;
	any.sin_addr.s_addr = htonl(INADDR_ANY);
	VC_ERR(bind(w, (struct sockaddr *)&any, sizeof(any)), EADDRINUSE);
	VC_OK(bind(u, (struct sockaddr *)&a, sizeof(a)));
	/* the failed binds left the sockets unbound: port 0 still works */
	struct sockaddr_in zero = sfit_loopback(0);
	VC_OK(bind(b, (struct sockaddr *)&zero, sizeof(zero)));
	VC_SOCKNAME(b);
	CHECK_OK(close(l));
	return 0;
}
