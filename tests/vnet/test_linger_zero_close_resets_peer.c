/* SO_LINGER with l_onoff 1, l_linger 0 (man 7 socket: "When enabled, a
 * close(2) or shutdown(2) will not return until all queued messages for the
 * socket have been successfully sent or the linger timeout has been
 * reached"; with a zero timeout Linux aborts the connection: a reset, man 7
 * tcp).  The option reads back as set; after close the peer's recv fails
 * ECONNRESET (no data was pending), then end of file, and send EPIPE.
 * Without SO_LINGER a close gives the peer a plain end of file.
 * man 7 socket, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("SO_LINGER {1,0} close resets the peer");
	int c, s;
	sfit_tcp_pair(&c, &s);
	struct linger lg = {1, 0}, got = {-1, -1};
	socklen_t gl = sizeof(got);
	VC_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, &got, &gl));
	printf("default SO_LINGER -> {%d, %d}\n", got.l_onoff, got.l_linger);
	CHECK(got.l_onoff == 0 && got.l_linger == 0);
	VC_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	VC_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, &got, &gl));
	printf("SO_LINGER -> {%d, %d}\n", got.l_onoff, got.l_linger);
	CHECK(got.l_onoff == 1 && got.l_linger == 0);
	VC_OK(close(s));
	vc_wait_pollerr(c);
	char buf[8];
	VC_ERR(recv(c, buf, sizeof(buf), 0), ECONNRESET);
	VC_EQ(recv(c, buf, sizeof(buf), 0), 0);
	VC_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	/* without SO_LINGER: a FIN */
	int c2, s2;
	sfit_tcp_pair(&c2, &s2);
	VC_OK(close(s2));
	VC_EQ(recv(c2, buf, sizeof(buf), 0), 0);
	VC_SO_ERROR(c2, 0);
	return 0;
}
