/* Flow control counts what the link holds: at 1 byte/s the buffers fill
 * with bytes still in flight (days of them), and a non-blocking sender then
 * gets EAGAIN and poll stops reporting POLLOUT, although the receiver can
 * read almost none of them (FIONREAD, and a receive, see only the few that
 * have crossed). */
#include "lk.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>

int main(void)
{
	int c, s;
	lk_pair(7110, &c, &s); /* no latency: the handshake is not delayed */
	CHECK(fcntl(c, F_SETFL, O_NONBLOCK) == 0);
	CHECK(fcntl(s, F_SETFL, O_NONBLOCK) == 0);
	static char chunk[4096];
	size_t total = 0;
	ssize_t n;
	while ((n = send(c, chunk, sizeof(chunk), 0)) > 0)
		total += (size_t)n;
	CHECK(n == -1 && errno == EAGAIN);
	CHECK(total > 65536);
	struct pollfd pc = {.fd = c, .events = POLLOUT};
	CHECK(poll(&pc, 1, 0) == 0);
	int avail = -1;
	CHECK(ioctl(s, FIONREAD, &avail) == 0);
	/* Bytes cross at 1/s: fewer than `total` have, unless this ran for
	 * the better part of a day. */
	CHECK(avail >= 0 && (size_t)avail < total);
	static char buf[1 << 20];
	n = recv(s, buf, sizeof(buf), 0);
	CHECK((n == -1 && errno == EAGAIN) || (n > 0 && (size_t)n < total));
	printf("ok\n");
	return 0;
}
