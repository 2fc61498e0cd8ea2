/* select(2) on TCP sockets: "readfds ... watched to see if they are ready
 * for reading ... writefds ... ready for writing"; on return each set holds
 * only the ready fds and the return value counts them.  A connected socket
 * is writable at once; readable once data arrived or the peer shut down
 * writing (a read returns 0 then, which counts as ready); a listener is
 * readable when a connection is pending.  A timeout of {0, 50000} with
 * nothing ready returns 0 after at least about 50 ms.  man 2 select. */
#include "vcheck.h"

static int sel(int fd, int *rd, int *wr, long usec)
{
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	if (wr)
		FD_SET(fd, &w);
	struct timeval tv = {usec / 1000000, usec % 1000000};
	int n = select(fd + 1, &r, wr ? &w : NULL, NULL, &tv);
	CHECK(n >= 0);
	*rd = FD_ISSET(fd, &r) != 0;
	if (wr)
		*wr = FD_ISSET(fd, &w) != 0;
	return n;
}

int main(void)
{
	vc_begin("select: readable / writable");
	int c, s, rd, wr;
	sfit_tcp_pair(&c, &s);
	VC_EQ(sel(s, &rd, &wr, 0), 1);
	VC_NOTE("s: readable %d writable %d", rd, wr);
	CHECK(!rd && wr);
	double t0 = sfit_now();
	VC_EQ(sel(s, &rd, NULL, 50000), 0);
	CHECK(vc_elapsed(t0) >= 0.045);
	VC_NOTE("s: timed out, readable %d", rd);
	VC_EQ(send(c, "x", 1, 0), 1);
	vc_wait_readable(s);
	VC_EQ(sel(s, &rd, &wr, 5000000), 2);
	VC_NOTE("s: readable %d writable %d", rd, wr);
	char b;
	VC_EQ(recv(s, &b, 1, 0), 1);
	VC_EQ(sel(s, &rd, NULL, 0), 0);
	CHECK_OK(shutdown(c, SHUT_WR));
	vc_wait_for(s, POLLRDHUP);
	VC_EQ(sel(s, &rd, NULL, 5000000), 1);
	VC_NOTE("s after the peer's SHUT_WR: readable %d", rd);
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	VC_EQ(sel(l, &rd, NULL, 0), 0);
	int k = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(k >= 0);
	CHECK_OK(connect(k, (struct sockaddr *)&a, sizeof(a)));
	VC_EQ(sel(l, &rd, NULL, 5000000), 1);
	VC_NOTE("listener with a pending connection: readable %d", rd);
	return 0;
}
