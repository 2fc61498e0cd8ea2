/* `latency 10ms jitter 9ms` varies each send's delay from 1 to 19 ms, but
 * a stream is never reordered (TCP delivers in order): 500 numbered
 * messages, each its own send, come out as one in-order stream. */
#include "lk.h"

#define COUNT 500

int main(void)
{
	int c, s;
	lk_pair(7113, &c, &s);
	for (uint32_t i = 0; i < COUNT; i++)
		CHECK(send(c, &i, sizeof(i), 0) == sizeof(i));
	static uint32_t got[COUNT];
	size_t have = 0;
	while (have < sizeof(got)) {
		ssize_t n = recv(s, (char *)got + have, sizeof(got) - have, 0);
		CHECK(n > 0);
		have += (size_t)n;
	}
	for (uint32_t i = 0; i < COUNT; i++)
		CHECK(got[i] == i);
	printf("ok\n");
	return 0;
}
