/* lk: what the link tests share.  Each test is a program run under the shim
 * with its own scenario (NAME.sf next to NAME.c, tests/links/CMakeLists.txt)
 * whose `link` lines it checks one behaviour of; it prints "ok" and exits 0.
 * Times are only ever bounded from below (a link delays at least this much;
 * how much later a loaded machine runs us is not the test's business). */
#ifndef LK_H
#define LK_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: CHECK(%s) failed (errno %d %s)\n", __FILE__, \
				__LINE__, #cond, errno, strerror(errno));                    \
			exit(1);                                                             \
		}                                                                            \
	} while (0)

static inline uint64_t lk_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define MS 1000000ull

/* elapsed must be at least min_ns: the message says by how much it was not. */
#define CHECK_AT_LEAST(elapsed, min_ns)                                                                  \
	do {                                                                                             \
		uint64_t e_ = (elapsed), m_ = (min_ns);                                                  \
		if (e_ < m_) {                                                                           \
			fprintf(stderr, "%s:%d: %s took %.3f ms, less than %.3f ms\n", __FILE__, __LINE__, \
				#elapsed, (double)e_ / 1e6, (double)m_ / 1e6);                           \
			exit(1);                                                                 \
		}                                                                                        \
	} while (0)

static inline struct sockaddr_in lk_addr(const char *ip, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	CHECK(inet_pton(AF_INET, ip, &a.sin_addr) == 1);
	return a;
}

static inline int lk_listener(int port)
{
	struct sockaddr_in a = lk_addr("127.0.0.1", port);
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	CHECK(l >= 0);
	CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(listen(l, 8) == 0);
	return l;
}

/* A connected pair through a listener on 127.0.0.1:port. */
static inline void lk_pair(int port, int *c, int *s)
{
	struct sockaddr_in a = lk_addr("127.0.0.1", port);
	int l = lk_listener(port);
	*c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(*c >= 0);
	CHECK(connect(*c, (struct sockaddr *)&a, sizeof(a)) == 0);
	*s = accept(l, NULL, NULL);
	CHECK(*s >= 0);
	CHECK(close(l) == 0);
}

/* A UDP socket bound to 127.0.0.1:port. */
static inline int lk_udp(int port)
{
	struct sockaddr_in a = lk_addr("127.0.0.1", port);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(u >= 0);
	CHECK(bind(u, (struct sockaddr *)&a, sizeof(a)) == 0);
	return u;
}

#endif
