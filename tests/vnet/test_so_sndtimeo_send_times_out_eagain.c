/* SO_SNDTIMEO (man 7 socket, see SO_RCVTIMEO: "If a blocking call times out
 * and no data has been transferred, -1 is returned with errno set to EAGAIN
 * ... If data has been transferred, the call returns the amount
 * transferred"): a blocking sender whose peer does not read, with a 100 ms
 * send timeout, eventually gets EAGAIN after waiting at least about 100 ms
 * (earlier sends may be partial).  Linux applies SO_SNDTIMEO to connect(2)
 * too: a connect that cannot complete (the listener's accept queue is
 * full, its SYN dropped) fails EINPROGRESS after the timeout.
 * man 7 socket, man 2 send, man 2 connect. */
#include "vcheck.h"

int main(void)
{
	vc_begin("SO_SNDTIMEO");
	int c, s;
	sfit_tcp_pair(&c, &s);
	struct timeval tv = {0, 100000};
	VC_OK(setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	static char chunk[65536];
	int eagain = 0;
	double t0 = 0;
	for (int i = 0; i < 10000 && !eagain; i++) {
		t0 = sfit_now();
		ssize_t w = send(c, chunk, sizeof(chunk), MSG_NOSIGNAL);
		if (w < 0) {
			CHECK_EQ(errno, EAGAIN);
			eagain = 1;
		}
	}
	CHECK(eagain);
	CHECK(vc_elapsed(t0) >= 0.090);
	VC_NOTE("a blocking send -> -1 EAGAIN after waiting for the timeout");
	VC_EQ(fcntl(c, F_GETFL) & O_NONBLOCK, 0);

	/* connect with SO_SNDTIMEO to a listener whose queue is full */
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0);
	CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
	CHECK_OK(listen(l, 0));
	int first = socket(AF_INET, SOCK_STREAM, 0), k = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(first >= 0 && k >= 0);
	CHECK_OK(connect(first, (struct sockaddr *)&a, sizeof(a)));
	vc_wait_readable(l); /* the first connection is in the accept queue: full */
	VC_OK(setsockopt(k, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	t0 = sfit_now();
	VC_ERR(connect(k, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	CHECK(vc_elapsed(t0) >= 0.090);
	VC_NOTE("connect waited for the timeout");
	return 0;
}
