/* The `reset` fault action resets the connection at once on the side it
 * hits and sends its peer a RST; over `latency 30ms` that RST crosses the
 * link: the peer's blocked recv fails with ECONNRESET no sooner than 30 ms
 * after the reset, and first gets the data sent before it. */
#include "lk.h"

int main(void)
{
	int c, s;
	lk_pair(7123, &c, &s);
	CHECK(send(c, "hello", 5, 0) == 5);
	uint64_t t0 = lk_now_ns();
	/* the scenario: the second send on the client is reset */
	CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == ECONNRESET);
	char b[8];
	CHECK(recv(s, b, sizeof(b), 0) == 5 && memcmp(b, "hello", 5) == 0);
	CHECK(recv(s, b, sizeof(b), 0) == -1 && errno == ECONNRESET);
	CHECK_AT_LEAST(lk_now_ns() - t0, 30 * MS);
	CHECK(close(c) == 0);
	CHECK(close(s) == 0);
	printf("ok\n");
	return 0;
}
