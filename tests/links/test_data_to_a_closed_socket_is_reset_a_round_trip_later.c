/* Data sent to a socket that has closed is answered with a RST (tcp(7);
 * tcp_rcv_state_process on a closed socket): the send itself succeeds, and
 * over `latency 30ms` the RST comes back a round trip later -- the sender
 * sees POLLERR no sooner than 60 ms after its send, and its next send
 * fails with EPIPE (tcp_reset in CLOSE_WAIT). */
#include "lk.h"

#include <poll.h>

int main(void)
{
	int c, s;
	lk_pair(7122, &c, &s);
	CHECK(close(s) == 0);
	char b;
	CHECK(recv(c, &b, 1, 0) == 0); /* the FIN arrived: CLOSE_WAIT */
	uint64_t t0 = lk_now_ns();
	CHECK(send(c, "a", 1, MSG_NOSIGNAL) == 1);
	struct pollfd p = {.fd = c, .events = 0}; /* POLLERR is always reported */
	CHECK(poll(&p, 1, -1) == 1 && (p.revents & POLLERR));
	CHECK_AT_LEAST(lk_now_ns() - t0, 60 * MS);
	CHECK(send(c, "b", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
	CHECK(close(c) == 0);
	printf("ok\n");
	return 0;
}
