/* `link ... latency 20ms reorder 25%`: a reordered datagram skips the
 * latency (tc-netem(8)), so it overtakes the ones sent just before it:
 * 200 datagrams sent in a row all arrive, but not in the order sent. */
#include "lk.h"

#define COUNT 200

int main(void)
{
	int r = lk_udp(7107);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(u >= 0);
	struct sockaddr_in to = lk_addr("127.0.0.1", 7107);
	for (uint32_t i = 0; i < COUNT; i++)
		CHECK(sendto(u, &i, sizeof(i), 0, (struct sockaddr *)&to, sizeof(to)) == sizeof(i));
	static unsigned char seen[COUNT];
	unsigned inversions = 0;
	uint32_t prev = 0;
	for (unsigned k = 0; k < COUNT; k++) {
		uint32_t x;
		CHECK(recv(r, &x, sizeof(x), 0) == sizeof(x));
		CHECK(x < COUNT && !seen[x]);
		seen[x] = 1;
		if (k && x < prev)
			inversions++;
		prev = x;
	}
	fprintf(stderr, "%u inversions\n", inversions);
	CHECK(inversions > 0);
	printf("ok\n");
	return 0;
}
