/* poll(2) on a connected TCP socket: "POLLOUT Writing is now possible" from
 * the start (an empty send buffer), "POLLIN There is data to read" only once
 * data arrived, and again after a partial read, not after everything was
 * read.  POLLRDNORM/POLLWRNORM accompany them when asked for.  A fresh,
 * never connected TCP socket polls POLLOUT|POLLHUP (man 2 poll: POLLHUP
 * "Hang up"; Linux: a socket in the CLOSE state).  man 2 poll, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("poll: POLLOUT when connected, POLLIN on data");
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_POLL(c, POLLIN | POLLOUT, 0);
	VC_POLL(s, POLLIN | POLLOUT, 0);
	VC_POLL(s, POLLIN, 20);
	VC_EQ(send(c, "0123456789", 10, 0), 10);
	vc_wait_readable(s);
	VC_POLL(s, POLLIN | POLLOUT, 0);
	VC_POLL(s, POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM, 0);
	char buf[16];
	VC_EQ(recv(s, buf, 4, 0), 4);
	VC_POLL(s, POLLIN, 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 6);
	VC_POLL(s, POLLIN, 0);
	VC_POLL(c, POLLIN, 0);
	int fresh = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fresh >= 0);
	VC_POLL(fresh, POLLIN | POLLOUT, 0);
	struct pollfd none = {.fd = -1, .events = POLLIN};
	VC_EQ(poll(&none, 1, 0), 0);
	VC_EQ(none.revents, 0);
	return 0;
}
