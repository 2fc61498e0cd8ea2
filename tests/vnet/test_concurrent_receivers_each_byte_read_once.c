/* Two threads recv from one TCP socket at the same time while a third
 * sends 16 MiB into it in random sizes (1 byte .. 256 KiB): every byte is
 * read by exactly one of them, unchanged (man 7 tcp: a byte stream;
 * tcp_recvmsg takes the socket lock, so concurrent readers share the stream
 * and never get the same byte twice).
 *
 * The stream is a run of 8-byte counters (byte i is byte i % 8 of the
 * little-endian number i / 8), so a received piece of 15 bytes or more
 * says where in the stream it came from; each such piece is checked byte by
 * byte and marked in a map of the stream (no byte marked twice).  Shorter
 * pieces cannot say where they came from: together they must make up
 * exactly the bytes left unmarked. */
#include "vcheck.h"
#include <pthread.h>

#define TOTAL (16u << 20)
#define READERS 2

static unsigned char stream_byte(uint64_t i)
{
	return (unsigned char)((i / 8) >> (8 * (i % 8)));
}

static unsigned char seen[TOTAL];
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;

struct reader {
	int fd;
	uint64_t seed;
	uint64_t bytes, short_bytes, overlaps, wrong;
};

/* Where piece p (n >= 15 bytes) starts in the stream, or -1. */
static long long locate(const unsigned char *p, size_t n)
{
	for (size_t k = 0; k < 8 && k + 8 <= n; k++) {
		uint64_t w = 0;
		for (int j = 7; j >= 0; j--)
			w = w << 8 | p[k + (size_t)j];
		/* p[k..k+8) is the whole counter w iff its start is aligned */
		long long start = (long long)(w * 8) - (long long)k;
		if (start < 0 || (uint64_t)start + n > TOTAL)
			continue;
		size_t i = 0;
		while (i < n && p[i] == stream_byte((uint64_t)start + i))
			i++;
		if (i == n)
			return start;
	}
	return -1;
}

static void *read_thread(void *arg)
{
	struct reader *r = arg;
	static _Thread_local unsigned char buf[131072];
	for (;;) {
		size_t want = 1 + (size_t)(vc_rand(&r->seed) % sizeof(buf));
		ssize_t got = recv(r->fd, buf, want, 0);
		if (got < 0 && errno == EINTR)
			continue;
		CHECK(got >= 0);
		if (got == 0)
			break;
		size_t n = (size_t)got;
		r->bytes += n;
		if (n < 15) {
			r->short_bytes += n;
			continue;
		}
		long long at = locate(buf, n);
		if (at < 0) {
			r->wrong++;
			continue;
		}
		pthread_mutex_lock(&seen_lock);
		for (size_t i = 0; i < n; i++)
			r->overlaps += seen[(uint64_t)at + i]++ != 0;
		pthread_mutex_unlock(&seen_lock);
	}
	return NULL;
}

int main(void)
{
	vc_begin("two readers on one socket, 16 MiB sent in random sizes");
	int c, s;
	sfit_tcp_pair(&c, &s);
	struct reader rd[READERS];
	pthread_t t[READERS];
	for (int i = 0; i < READERS; i++) {
		rd[i] = (struct reader){.fd = s, .seed = 11u + (unsigned)i};
		CHECK_EQ(pthread_create(&t[i], NULL, read_thread, &rd[i]), 0);
	}
	static unsigned char out[262144];
	uint64_t rs = 7;
	for (uint64_t off = 0; off < TOTAL;) {
		size_t n = 1 + (size_t)(vc_rand(&rs) % sizeof(out));
		if (n > TOTAL - off)
			n = (size_t)(TOTAL - off);
		for (size_t i = 0; i < n; i++)
			out[i] = stream_byte(off + i);
		vc_send_all(c, out, n);
		off += n;
	}
	VC_OK(shutdown(c, SHUT_WR));
	uint64_t bytes = 0, short_bytes = 0, overlaps = 0, wrong = 0;
	for (int i = 0; i < READERS; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		bytes += rd[i].bytes;
		short_bytes += rd[i].short_bytes;
		overlaps += rd[i].overlaps;
		wrong += rd[i].wrong;
	}
	uint64_t unmarked = 0;
	for (uint64_t i = 0; i < TOTAL; i++)
		unmarked += !seen[i];
	VC_EQ(bytes, TOTAL);
	VC_EQ(wrong, 0);    /* pieces that are no run of the stream */
	VC_EQ(overlaps, 0); /* bytes read twice */
	VC_EQ(unmarked == short_bytes, 1);
	VC_OK(close(c));
	VC_OK(close(s));
	return 0;
}
