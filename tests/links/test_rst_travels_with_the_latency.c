/* A close with unread data sends a RST instead of a FIN (tcp_close); over
 * `latency 30ms` that RST crosses the link too: the peer's blocked recv
 * fails with ECONNRESET no sooner than 30 ms after the close. */
#include "lk.h"

#include <poll.h>

int main(void)
{
	int c, s;
	lk_pair(7112, &c, &s);
	CHECK(send(s, "u", 1, 0) == 1);
	struct pollfd pc = {.fd = c, .events = POLLIN};
	CHECK(poll(&pc, 1, -1) == 1 && (pc.revents & POLLIN)); /* it arrived, unread */
	uint64_t t0 = lk_now_ns();
	CHECK(close(c) == 0);
	char b;
	CHECK(recv(s, &b, 1, 0) == -1 && errno == ECONNRESET);
	CHECK_AT_LEAST(lk_now_ns() - t0, 30 * MS);
	printf("ok\n");
	return 0;
}
