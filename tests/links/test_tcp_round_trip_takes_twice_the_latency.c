/* `link ADDR:PORT latency 20ms`: a byte sent on a stream is readable at the
 * peer 20 ms later, so a ping and its answer take at least 40 ms; a
 * blocking recv sleeps until the byte arrives, and every byte arrives, in
 * order. */
#include "lk.h"

int main(void)
{
	int c, s;
	lk_pair(7101, &c, &s);
	for (int round = 0; round < 3; round++) {
		char b = 0;
		uint64_t t0 = lk_now_ns();
		CHECK(send(c, "p", 1, 0) == 1);
		CHECK(recv(s, &b, 1, 0) == 1 && b == 'p');
		CHECK_AT_LEAST(lk_now_ns() - t0, 20 * MS);
		CHECK(send(s, "q", 1, 0) == 1);
		CHECK(recv(c, &b, 1, 0) == 1 && b == 'q');
		CHECK_AT_LEAST(lk_now_ns() - t0, 40 * MS);
	}
	/* Several sends arrive as one stream, in order. */
	CHECK(send(c, "abc", 3, 0) == 3);
	CHECK(send(c, "def", 3, 0) == 3);
	char buf[7] = {0};
	size_t got = 0;
	while (got < 6) {
		ssize_t n = recv(s, buf + got, sizeof(buf) - 1 - got, 0);
		CHECK(n > 0);
		got += (size_t)n;
	}
	CHECK(strcmp(buf, "abcdef") == 0);
	printf("ok\n");
	return 0;
}
