/* A large full-duplex transfer over one TCP connection (man 7 tcp: "a
 * reliable, stream-oriented, full-duplex connection"): 8 MiB each way at the
 * same time, four threads (a sender and a receiver on each end), random
 * send and recv sizes (1 byte .. 64 KiB); every byte arrives once, in
 * order: each byte is checked against the pattern at its offset, and the
 * stream checksums are printed.  man 7 tcp, man 2 send, man 2 recv. */
#include "vcheck.h"
#include <pthread.h>

#define TOTAL (8u << 20)

static unsigned char pattern(uint64_t seed, uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull + seed;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	return (unsigned char)(x >> 56);
}

struct side {
	int fd;
	uint64_t seed;      /* of the pattern this side sends */
	uint64_t peer_seed; /* of the pattern it receives */
	uint64_t sum_sent, sum_got;
	uint64_t got;
	long long bad_at;   /* first mismatching offset, or -1 */
};

static void *send_thread(void *arg)
{
	struct side *sd = arg;
	static _Thread_local unsigned char buf[65536];
	uint64_t rs = sd->seed ^ 0x5555, off = 0, h = VC_FNV_INIT;
	while (off < TOTAL) {
		size_t n = 1 + (size_t)(vc_rand(&rs) % sizeof(buf));
		if (n > TOTAL - off)
			n = (size_t)(TOTAL - off);
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(sd->seed, off + i);
		h = vc_fnv(h, buf, n);
		vc_send_all(sd->fd, buf, n);
		off += n;
	}
	CHECK_OK(shutdown(sd->fd, SHUT_WR));
	sd->sum_sent = h;
	return NULL;
}

static void *recv_thread(void *arg)
{
	struct side *sd = arg;
	static _Thread_local unsigned char buf[65536];
	uint64_t rs = sd->seed ^ 0xaaaa, off = 0, h = VC_FNV_INIT;
	sd->bad_at = -1;
	for (;;) {
		size_t n = 1 + (size_t)(vc_rand(&rs) % sizeof(buf));
		ssize_t r = recv(sd->fd, buf, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		CHECK(r >= 0);
		if (r == 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] != pattern(sd->peer_seed, off + (uint64_t)i) && sd->bad_at < 0)
				sd->bad_at = (long long)(off + (uint64_t)i);
		h = vc_fnv(h, buf, (size_t)r);
		off += (uint64_t)r;
	}
	sd->got = off;
	sd->sum_got = h;
	return NULL;
}

int main(void)
{
	vc_begin("8 MiB each way, four threads, checksums");
	int c, s;
	sfit_tcp_pair(&c, &s);
	struct side a = {.fd = c, .seed = 1, .peer_seed = 2}, b = {.fd = s, .seed = 2, .peer_seed = 1};
	pthread_t t[4];
	CHECK_EQ(pthread_create(&t[0], NULL, send_thread, &a), 0);
	CHECK_EQ(pthread_create(&t[1], NULL, recv_thread, &a), 0);
	CHECK_EQ(pthread_create(&t[2], NULL, send_thread, &b), 0);
	CHECK_EQ(pthread_create(&t[3], NULL, recv_thread, &b), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	VC_EQ(a.bad_at, -1);
	VC_EQ(b.bad_at, -1);
	VC_EQ(a.got, TOTAL);
	VC_EQ(b.got, TOTAL);
	CHECK_EQ(a.sum_got, b.sum_sent);
	CHECK_EQ(b.sum_got, a.sum_sent);
	VC_NOTE("client -> server: %u bytes, checksum %016llx", TOTAL, (unsigned long long)b.sum_got);
	VC_NOTE("server -> client: %u bytes, checksum %016llx", TOTAL, (unsigned long long)a.sum_got);
	return 0;
}
