/* SO_SNDBUF / SO_RCVBUF (man 7 socket: "The kernel doubles this value (to
 * allow space for bookkeeping overhead) when it is set using setsockopt(2),
 * and this doubled value is returned by getsockopt(2)"): set 4096, read
 * back 8192; set 16384, read 32768; TCP and UDP, v4 and v6.  man 7 socket,
 * man 7 tcp. */
#include "vcheck.h"

static void one(int domain, int type, const char *what)
{
	int fd = socket(domain, type, 0);
	CHECK(fd >= 0);
	printf("%s:\n", what);
	vc_set_int(fd, SOL_SOCKET, SO_SNDBUF, 4096);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_SNDBUF, 8192);
	vc_set_int(fd, SOL_SOCKET, SO_RCVBUF, 4096);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_RCVBUF, 8192);
	vc_set_int(fd, SOL_SOCKET, SO_SNDBUF, 16384);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_SNDBUF, 32768);
	vc_set_int(fd, SOL_SOCKET, SO_RCVBUF, 16384);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_RCVBUF, 32768);
	CHECK_OK(close(fd));
}

int main(void)
{
	vc_begin("SO_SNDBUF/SO_RCVBUF are doubled");
	one(AF_INET, SOCK_STREAM, "AF_INET SOCK_STREAM");
	one(AF_INET, SOCK_DGRAM, "AF_INET SOCK_DGRAM");
	one(AF_INET6, SOCK_STREAM, "AF_INET6 SOCK_STREAM");
	one(AF_INET6, SOCK_DGRAM, "AF_INET6 SOCK_DGRAM");
	/* on a connected socket too, and the connection still works */
	int c, s;
	sfit_tcp_pair(&c, &s);
	vc_set_int(c, SOL_SOCKET, SO_SNDBUF, 4096);
	VC_SOCKOPT(c, SOL_SOCKET, SO_SNDBUF, 8192);
	static unsigned char buf[100000], got[100000];
	sfit_fill(buf, sizeof(buf), 5);
	vc_send_all(c, buf, 20000); /* fits the peer's window: no reader needed */
	VC_EQ(recv(s, got, 20000, MSG_WAITALL), 20000);
	CHECK(memcmp(buf, got, 20000) == 0);
	VC_NOTE("20000 bytes through an 8192-byte send buffer");
	return 0;
}
