/* Stream data with send(2)/recv(2) and write(2)/read(2): "The only
 * difference between send() and write(2) is the presence of flags"; "The
 * only difference between recv() and read(2) is the presence of flags".
 * Bytes sent one way are read the other way, in order, in both directions;
 * a zero-length send returns 0 and delivers nothing.  Zero-length reads:
 * read(2) of 0 bytes returns 0 at once, recv(2) of 0 bytes with
 * MSG_DONTWAIT and nothing queued is EAGAIN, and -- Linux -- a blocking
 * recv of 0 bytes waits for data like any recv (here: until SO_RCVTIMEO,
 * then returns 0, not EAGAIN); with data queued it returns 0 at once.
 * man 2 send, man 2 recv, man 2 read, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("send/recv and read/write on a TCP connection");
	int c, s;
	sfit_tcp_pair(&c, &s);
	char buf[64];
	VC_EQ(send(c, "ping", 4, 0), 4);
	VC_EQ(read(s, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	VC_EQ(write(s, "pong!", 5), 5);
	VC_EQ(recv(c, buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "pong!", 5) == 0);
	VC_EQ(write(c, "abc", 3), 3);
	VC_EQ(send(c, "def", 3, 0), 3);
	VC_EQ(recv(s, buf, 6, MSG_WAITALL), 6);
	CHECK(memcmp(buf, "abcdef", 6) == 0);
	VC_NOTE("in order: abcdef");
	VC_EQ(send(c, "", 0, 0), 0);
	VC_EQ(write(c, "", 0), 0);
	VC_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	VC_EQ(read(s, buf, 0), 0);
	VC_ERR(recv(s, buf, 0, MSG_DONTWAIT), EAGAIN);
	struct timeval tv = {0, 50000};
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	double t0 = sfit_now();
	VC_EQ(recv(s, buf, 0, 0), 0);
	CHECK(vc_elapsed(t0) >= 0.040); /* it waited (50 ms, a jiffy of slack) */
	VC_NOTE("the blocking zero-length recv waited for SO_RCVTIMEO");
	VC_EQ(send(c, "z", 1, 0), 1);
	vc_wait_readable(s);
	VC_EQ(recv(s, buf, 0, 0), 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 1);
	/* sendto with a NULL address on a connected stream is send */
	VC_EQ(sendto(s, "to", 2, 0, NULL, 0), 2);
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	memset(&from, 0xee, sizeof(from));
	VC_EQ(recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 2);
	/* recvfrom on a connected stream socket does not fill the address */
	VC_EQ(fl, 0);
	return 0;
}
