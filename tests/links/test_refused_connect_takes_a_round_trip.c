/* A connect to a port nobody listens on is refused by the RST that answers
 * its SYN (tcp_v4_send_reset); over `latency 30ms` the SYN goes there and
 * the RST comes back: ECONNREFUSED no sooner than 60 ms after the connect.
 * Blocking: connect waits for it.  Non-blocking: EINPROGRESS, SYN_SENT
 * meanwhile (poll reports nothing, a second connect is EALREADY), then
 * POLLERR and SO_ERROR ECONNREFUSED. */
#include "lk.h"

#include <fcntl.h>
#include <poll.h>

int main(void)
{
	struct sockaddr_in a = lk_addr("127.0.0.1", 7120);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	uint64_t t0 = lk_now_ns();
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == ECONNREFUSED);
	CHECK_AT_LEAST(lk_now_ns() - t0, 60 * MS);
	CHECK(close(c) == 0);

	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c >= 0);
	t0 = lk_now_ns();
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EINPROGRESS);
	struct pollfd p = {.fd = c, .events = POLLOUT};
	CHECK(poll(&p, 1, 0) == 0); /* tcp_poll in SYN_SENT */
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EALREADY);
	CHECK(poll(&p, 1, -1) == 1 && (p.revents & POLLERR));
	CHECK_AT_LEAST(lk_now_ns() - t0, 60 * MS);
	int err = 0;
	socklen_t len = sizeof(err);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == ECONNREFUSED);
	CHECK(close(c) == 0);
	printf("ok\n");
	return 0;
}
