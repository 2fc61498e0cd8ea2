/* TIME_WAIT and SO_REUSEADDR: the side that closes a TCP connection first
 * keeps it in TIME_WAIT (man 7 tcp, tcp_tw_reuse / RFC 793); while it
 * lasts, a new bind(2) of that local address:port fails EADDRINUSE unless
 * the new socket sets SO_REUSEADDR (man 7 socket: "allow reuse of local
 * addresses") -- and so did the TIME_WAIT one: Linux requires it on both;
 * the accepted socket inherits it from its listener.  Here the accepting
 * side closes first, then the listener closes: rebinding the listener's port
 * without SO_REUSEADDR is refused, with it it succeeds.  man 7 socket, man 7 tcp, man 2 bind. */
#include "vcheck.h"

int main(void)
{
	vc_begin("TIME_WAIT blocks rebind without SO_REUSEADDR");
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0);
	vc_set_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
	VC_NOTE("l: SO_REUSEADDR 1");
	VC_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	VC_OK(listen(l, 8));
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	VC_SOCKOPT(s, SOL_SOCKET, SO_REUSEADDR, 1); /* inherited from the listener */
	VC_OK(close(s)); /* the server side closes first: TIME_WAIT on its side */
	char ch;
	VC_EQ(recv(c, &ch, 1, 0), 0);
	VC_OK(close(c));
	VC_OK(close(l));
	int n = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(n >= 0);
	VC_ERR(bind(n, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	int r = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(r >= 0);
	vc_set_int(r, SOL_SOCKET, SO_REUSEADDR, 1);
	VC_NOTE("r: SO_REUSEADDR 1");
	VC_OK(bind(r, (struct sockaddr *)&a, sizeof(a)));
	VC_OK(listen(r, 8));
	return 0;
}
