/* SO_ACCEPTCONN (man 7 socket: "Returns a value indicating whether or not
 * this socket has been marked to accept connections with listen(2).  The
 * value 0 indicates that this is not a listening socket, the value 1
 * indicates that this is a listening socket.  This socket option is
 * read-only"): 0 for fresh, bound, connected, accepted and UDP sockets, 1
 * after listen; setting it fails ENOPROTOOPT.  man 7 socket, man 2 listen. */
#include "vcheck.h"

int main(void)
{
	vc_begin("SO_ACCEPTCONN");
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(t >= 0 && u >= 0);
	VC_SOCKOPT(t, SOL_SOCKET, SO_ACCEPTCONN, 0);
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	CHECK_OK(bind(t, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(t, (struct sockaddr *)&a, &al));
	VC_SOCKOPT(t, SOL_SOCKET, SO_ACCEPTCONN, 0);
	VC_OK(listen(t, 4));
	VC_SOCKOPT(t, SOL_SOCKET, SO_ACCEPTCONN, 1);
	/* listen again (a new backlog) is fine and keeps it listening */
	VC_OK(listen(t, 8));
	VC_SOCKOPT(t, SOL_SOCKET, SO_ACCEPTCONN, 1);
	VC_SOCKOPT(u, SOL_SOCKET, SO_ACCEPTCONN, 0);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	CHECK_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	int s = accept(t, NULL, NULL);
	CHECK(s >= 0);
	VC_SOCKOPT(c, SOL_SOCKET, SO_ACCEPTCONN, 0);
	VC_SOCKOPT(s, SOL_SOCKET, SO_ACCEPTCONN, 0);
	int one = 1;
	VC_ERR(setsockopt(t, SOL_SOCKET, SO_ACCEPTCONN, &one, sizeof(one)), ENOPROTOOPT);
	return 0;
}
