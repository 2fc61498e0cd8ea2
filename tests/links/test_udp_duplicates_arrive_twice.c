/* `link ... duplicate 10%`: of 2000 datagrams every one arrives, and about
 * 200 (within 5 standard deviations: sqrt(2000 * 0.1 * 0.9) = 13.4) arrive
 * a second time, each copy identical to its original. */
#include "lk.h"

#include <fcntl.h>

#define COUNT 2000

int main(void)
{
	int r = lk_udp(7106);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(u >= 0);
	struct sockaddr_in to = lk_addr("127.0.0.1", 7106);
	CHECK(fcntl(r, F_SETFL, O_NONBLOCK) == 0);
	static unsigned char seen[COUNT];
	unsigned dups = 0;
	for (uint32_t i = 0; i < COUNT; i++) {
		uint32_t msg[2] = {i, ~i};
		CHECK(sendto(u, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)) == sizeof(msg));
		uint32_t x[2];
		ssize_t n;
		while ((n = recv(r, x, sizeof(x), 0)) == sizeof(x)) {
			CHECK(x[0] < COUNT && x[1] == ~x[0]);
			dups += seen[x[0]]++ == 1;
			CHECK(seen[x[0]] <= 2);
		}
		CHECK(n == -1 && errno == EAGAIN);
	}
	for (unsigned i = 0; i < COUNT; i++)
		CHECK(seen[i] >= 1);
	fprintf(stderr, "%u duplicates\n", dups);
	CHECK(dups >= 200 - 67 && dups <= 200 + 67);
	printf("ok\n");
	return 0;
}
