/* `bandwidth 256k/s` with `latency 10ms`: N bytes take at least N/rate on
 * the wire, plus the latency of the last piece, and arrive intact; the
 * sender blocks on a full buffer of bytes still in flight (a writer thread
 * sending far more than the buffers hold finishes only as the reader
 * drains them). */
#include "lk.h"

#include <pthread.h>

#define N (192 * 1024)
#define RATE (256 * 1024)

static int writer_fd;

static void *writer(void *arg)
{
	(void)arg;
	static unsigned char data[N];
	for (size_t i = 0; i < N; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	size_t done = 0;
	while (done < N) {
		ssize_t n = send(writer_fd, data + done, N - done, 0);
		CHECK(n > 0);
		done += (size_t)n;
	}
	return NULL;
}

int main(void)
{
	int c, s;
	lk_pair(7104, &c, &s);
	writer_fd = c;
	uint64_t t0 = lk_now_ns();
	pthread_t t;
	CHECK(pthread_create(&t, NULL, writer, NULL) == 0);
	static unsigned char buf[N];
	size_t got = 0;
	while (got < N) {
		ssize_t n = recv(s, buf + got, N - got, 0);
		CHECK(n > 0);
		got += (size_t)n;
	}
	uint64_t elapsed = lk_now_ns() - t0;
	CHECK(pthread_join(t, NULL) == 0);
	for (size_t i = 0; i < N; i++)
		CHECK(buf[i] == (unsigned char)(i * 7 + 3));
	CHECK_AT_LEAST(elapsed, (uint64_t)N * 1000000000ull / RATE + 10 * MS);
	printf("ok\n");
	return 0;
}
