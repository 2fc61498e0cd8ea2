/* The FIN crosses the link like data, after the data sent before it: the
 * peer reads the data, then EOF, no sooner than the latency after the
 * close. */
#include "lk.h"

int main(void)
{
	int c, s;
	lk_pair(7103, &c, &s);
	uint64_t t0 = lk_now_ns();
	CHECK(send(c, "bye", 3, 0) == 3);
	CHECK(close(c) == 0);
	char buf[8];
	size_t got = 0;
	ssize_t n;
	while ((n = recv(s, buf + got, sizeof(buf) - got, 0)) > 0)
		got += (size_t)n;
	CHECK(n == 0);
	CHECK(got == 3 && memcmp(buf, "bye", 3) == 0);
	CHECK_AT_LEAST(lk_now_ns() - t0, 30 * MS);
	printf("ok\n");
	return 0;
}
