/* `link ... latency 15ms jitter 5ms`: a datagram arrives no sooner than
 * latency - jitter (10 ms) after it was sent; an echo takes two of those. */
#include "lk.h"

int main(void)
{
	int srv = lk_udp(7108);
	int cl = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(cl >= 0);
	struct sockaddr_in to = lk_addr("127.0.0.1", 7108);
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = lk_now_ns();
		CHECK(sendto(cl, "e", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1);
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		char b;
		CHECK(recvfrom(srv, &b, 1, 0, (struct sockaddr *)&from, &fl) == 1);
		CHECK_AT_LEAST(lk_now_ns() - t0, 10 * MS);
		CHECK(sendto(srv, &b, 1, 0, (struct sockaddr *)&from, fl) == 1);
		CHECK(recv(cl, &b, 1, 0) == 1 && b == 'e');
		CHECK_AT_LEAST(lk_now_ns() - t0, 20 * MS);
	}
	printf("ok\n");
	return 0;
}
