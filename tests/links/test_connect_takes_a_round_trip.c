/* Over `link ... latency 25ms` the handshake crosses the link: a blocking
 * connect returns after the round trip (50 ms); a non-blocking one says
 * EINPROGRESS and becomes writable after the round trip, while the
 * listener becomes readable (the connection is in its queue) one way
 * after the connect started. */
#include "lk.h"

#include <fcntl.h>
#include <poll.h>

int main(void)
{
	struct sockaddr_in a = lk_addr("127.0.0.1", 7102);
	int l = lk_listener(7102);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	uint64_t t0 = lk_now_ns();
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK_AT_LEAST(lk_now_ns() - t0, 50 * MS);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(close(s) == 0 && close(c) == 0);

	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c >= 0);
	t0 = lk_now_ns();
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EINPROGRESS);
	struct pollfd pl = {.fd = l, .events = POLLIN};
	CHECK(poll(&pl, 1, -1) == 1 && (pl.revents & POLLIN));
	CHECK_AT_LEAST(lk_now_ns() - t0, 25 * MS);
	struct pollfd pc = {.fd = c, .events = POLLOUT};
	CHECK(poll(&pc, 1, -1) == 1 && (pc.revents & POLLOUT));
	CHECK_AT_LEAST(lk_now_ns() - t0, 50 * MS);
	int e = -1;
	socklen_t el = sizeof(e);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK(send(c, "x", 1, 0) == 1);
	CHECK(fcntl(s, F_SETFL, 0) == 0);
	char b;
	CHECK(recv(s, &b, 1, 0) == 1 && b == 'x');
	printf("ok\n");
	return 0;
}
