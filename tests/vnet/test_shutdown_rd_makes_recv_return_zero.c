/* shutdown(2) SHUT_RD: "further receptions will be disallowed".  What Linux
 * does for TCP: nothing is sent to the peer; data already queued can still
 * be read, then recv returns 0 (end of file) instead of blocking; poll
 * reports POLLIN|POLLRDHUP; the peer can go on sending without an error,
 * and -- surprisingly -- data arriving after SHUT_RD is queued and read
 * too.  Sending the other way still works.  man 2 shutdown, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("SHUT_RD");
	int c, s;
	sfit_tcp_pair(&c, &s);
	char buf[64];
	VC_EQ(send(c, "before", 6, 0), 6);
	vc_wait_readable(s);
	VC_OK(shutdown(s, SHUT_RD));
	VC_POLL(s, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 6);
	CHECK(memcmp(buf, "before", 6) == 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_POLL(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_EQ(send(c, "after", 5, MSG_NOSIGNAL), 5);
	double t0 = sfit_now();
	ssize_t r;
	while ((r = recv(s, buf, sizeof(buf), 0)) == 0 && vc_elapsed(t0) < 5) {
		struct timespec ts = {0, 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	VC_EQ(r, 5);
	CHECK(memcmp(buf, "after", 5) == 0);
	VC_EQ(send(s, "back", 4, MSG_NOSIGNAL), 4);
	VC_EQ(recv(c, buf, 4, MSG_WAITALL), 4);
	CHECK(memcmp(buf, "back", 4) == 0);
	VC_SO_ERROR(c, 0);
	return 0;
}
