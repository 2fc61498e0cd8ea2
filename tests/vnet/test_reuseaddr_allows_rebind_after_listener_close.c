/* SO_REUSEADDR (man 7 socket: "Indicates that the rules used in validating
 * addresses supplied in a bind(2) call should allow reuse of local
 * addresses"): getsockopt reads it back as 1 (default 0).  A listener that
 * never had a connection leaves no TIME_WAIT behind when closed: a new
 * socket binds its address:port again, without SO_REUSEADDR and, after that
 * one is closed too, with it, and the rebound listener accepts connections.
 * man 7 socket, man 2 bind, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("SO_REUSEADDR rebind after close");
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0);
	VC_SOCKOPT(l, SOL_SOCKET, SO_REUSEADDR, 0);
	vc_set_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
	VC_SOCKOPT(l, SOL_SOCKET, SO_REUSEADDR, 1);
	VC_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	VC_OK(listen(l, 8));
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
	VC_OK(close(l));

	int l2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l2 >= 0);
	VC_OK(bind(l2, (struct sockaddr *)&a, sizeof(a)));
	VC_OK(listen(l2, 8));
	VC_OK(close(l2));

	int l3 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l3 >= 0);
	vc_set_int(l3, SOL_SOCKET, SO_REUSEADDR, 1);
	VC_OK(bind(l3, (struct sockaddr *)&a, sizeof(a)));
	VC_OK(listen(l3, 8));
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	int s = accept(l3, NULL, NULL);
	CHECK(s >= 0);
	VC_NOTE("accepted on the rebound listener");
	return 0;
}
