/* Many connections at once (man 7 tcp, man 2 accept): 16 client threads make
 * 1000 TCP connections in all to one listener, served by 16 threads
 * blocked in accept(2) on it at the same time.  On each connection the
 * client sends a random amount (0 .. 64 KiB, in random chunks of 1 .. 8 KiB,
 * seeded by the connection's number) and shuts down writing; the server
 * counts and checksums what it read until end of file, sends back
 * {count, checksum} and a reply of count % 4096 pattern bytes, and closes;
 * the client checks both against what it sent: no byte lost, duplicated
 * or reordered, on any connection.  The transcript holds totals only. */
#include "vcheck.h"
#include <pthread.h>
#include <stdatomic.h>

enum { THREADS = 16, CONNS = 1000, MAX_TOTAL = 65536, MAX_CHUNK = 8192 };

static struct sockaddr_in addr;
static int listener;
static atomic_int claimed, next_conn;
static atomic_ullong total_bytes, xor_sums, failures;

static unsigned char pat(uint64_t seed, uint64_t i)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull ^ seed;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return (unsigned char)(x >> 56);
}

static void fail(const char *what, int conn)
{
	fprintf(stderr, "connection %d: %s (%s)\n", conn, what, vc_errname(errno));
	atomic_fetch_add(&failures, 1);
}

static void *server(void *arg)
{
	(void)arg;
	unsigned char buf[16384];
	while (atomic_fetch_add(&claimed, 1) < CONNS) {
		int s = accept(listener, NULL, NULL);
		if (s < 0) {
			fail("accept", -1);
			continue;
		}
		uint64_t n = 0, h = VC_FNV_INIT;
		for (;;) {
			ssize_t r = recv(s, buf, sizeof(buf), 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				if (r < 0)
					fail("server recv", -1);
				break;
			}
			h = vc_fnv(h, buf, (size_t)r);
			n += (uint64_t)r;
		}
		uint64_t hdr[2] = {n, h};
		size_t reply = (size_t)(n % 4096);
		memcpy(buf, hdr, sizeof(hdr));
		for (size_t i = 0; i < reply; i++)
			buf[sizeof(hdr) + i] = pat(h, i);
		size_t len = sizeof(hdr) + reply, off = 0;
		while (off < len) {
			ssize_t w = send(s, buf + off, len - off, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				fail("server send", -1);
				break;
			}
			off += (size_t)w;
		}
		close(s);
	}
	return NULL;
}

static void one_connection(int conn)
{
	unsigned char buf[MAX_CHUNK + 16];
	uint64_t rs = (uint64_t)conn * 7919 + 1;
	size_t total = (size_t)(vc_rand(&rs) % (MAX_TOTAL + 1));
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		fail("connect", conn);
		if (c >= 0)
			close(c);
		return;
	}
	uint64_t h = VC_FNV_INIT;
	for (size_t off = 0; off < total;) {
		size_t n = 1 + (size_t)(vc_rand(&rs) % MAX_CHUNK);
		if (n > total - off)
			n = total - off;
		for (size_t i = 0; i < n; i++)
			buf[i] = pat((uint64_t)conn, off + i);
		h = vc_fnv(h, buf, n);
		for (size_t w = 0; w < n;) {
			ssize_t r = send(c, buf + w, n - w, MSG_NOSIGNAL);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				fail("client send", conn);
				close(c);
				return;
			}
			w += (size_t)r;
		}
		off += n;
	}
	if (shutdown(c, SHUT_WR) != 0)
		fail("shutdown", conn);
	/* the reply: {count, checksum}, count % 4096 pattern bytes, EOF */
	size_t want = 16 + total % 4096, got = 0;
	for (;;) {
		ssize_t r = recv(c, buf + (got < sizeof(buf) ? got : 0), got < want ? want - got : 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fail("client recv", conn);
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > want) {
			fail("reply too long", conn);
			break;
		}
	}
	uint64_t hdr[2];
	memcpy(hdr, buf, sizeof(hdr));
	if (got != want)
		fail("reply length", conn);
	else if (hdr[0] != total || hdr[1] != h)
		fail("count/checksum mismatch: bytes lost, duplicated or reordered", conn);
	else
		for (size_t i = 0; i < total % 4096; i++)
			if (buf[16 + i] != pat(h, i)) {
				fail("reply content", conn);
				break;
			}
	atomic_fetch_add(&total_bytes, total);
	atomic_fetch_xor(&xor_sums, h);
	close(c);
}

static void *client(void *arg)
{
	(void)arg;
	int conn;
	while ((conn = atomic_fetch_add(&next_conn, 1)) < CONNS)
		one_connection(conn);
	return NULL;
}

int main(void)
{
	vc_begin("16 threads, 1000 connections, checksums end to end");
	alarm(240);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(listener >= 0);
	addr = sfit_loopback(0);
	socklen_t al = sizeof(addr);
	CHECK_OK(bind(listener, (struct sockaddr *)&addr, sizeof(addr)));
	CHECK_OK(getsockname(listener, (struct sockaddr *)&addr, &al));
	CHECK_OK(listen(listener, 256));
	pthread_t sv[THREADS], cl[THREADS];
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&sv[i], NULL, server, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&cl[i], NULL, client, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_join(cl[i], NULL), 0);
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_join(sv[i], NULL), 0);
	VC_EQ(atomic_load(&failures), 0);
	VC_NOTE("%d connections, %llu bytes, xor of checksums %016llx", CONNS,
		(unsigned long long)atomic_load(&total_bytes), (unsigned long long)atomic_load(&xor_sums));
	CHECK_OK(close(listener));
	return 0;
}
