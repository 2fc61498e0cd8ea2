/* A datagram to a port nobody has bound is answered with ICMP port
 * unreachable, which a connected UDP socket reports as ECONNREFUSED on
 * its next call (udp(7), "Error handling"); over `latency 30ms` that
 * answer comes a round trip later: until then there is no error, then
 * poll reports POLLERR and recv fails with ECONNREFUSED, no sooner than
 * 60 ms after the send. */
#include "lk.h"

#include <poll.h>

int main(void)
{
	struct sockaddr_in a = lk_addr("127.0.0.1", 7121);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(u >= 0);
	CHECK(connect(u, (struct sockaddr *)&a, sizeof(a)) == 0);
	uint64_t t0 = lk_now_ns();
	CHECK(send(u, "x", 1, 0) == 1);
	char b;
	CHECK(recv(u, &b, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN); /* not back yet */
	struct pollfd p = {.fd = u, .events = POLLIN};
	CHECK(poll(&p, 1, -1) == 1 && (p.revents & POLLERR));
	CHECK_AT_LEAST(lk_now_ns() - t0, 60 * MS);
	CHECK(recv(u, &b, 1, MSG_DONTWAIT) == -1 && errno == ECONNREFUSED);
	CHECK(recv(u, &b, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN); /* reported once */
	CHECK(close(u) == 0);
	printf("ok\n");
	return 0;
}
