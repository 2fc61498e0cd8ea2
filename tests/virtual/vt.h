/* vt: what the virtual-network-only tests share.  Each test is a program run
 * under the shim with SOCKFAULT_NET=virtual (tests/virtual/CMakeLists.txt);
 * it checks one behaviour that has no native counterpart to compare with
 * (the dual-mode tests in tests/vnet do that), prints "ok" and exits 0. */
#ifndef VT_H
#define VT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: CHECK(%s) failed (errno %d %s)\n", __FILE__, \
				__LINE__, #cond, errno, strerror(errno));                    \
			exit(1);                                                             \
		}                                                                            \
	} while (0)

/* The shim's debugging surface: NULL when every virtual socket is valid. */
static inline const char *vt_invalid(void)
{
	const char *(*check)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "sf_vnet_check");
	CHECK(check != NULL); /* the shim is loaded */
	return check();
}

static inline unsigned vt_vsockets(void)
{
	unsigned (*count)(void) = (unsigned (*)(void))dlsym(RTLD_DEFAULT, "sf_vnet_socket_count");
	CHECK(count != NULL);
	return count();
}

static inline int vt_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	CHECK(d != NULL);
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static inline struct sockaddr_in vt_addr(const char *ip, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	CHECK(inet_pton(AF_INET, ip, &a.sin_addr) == 1);
	return a;
}

/* A connected pair through a listener on 127.0.0.1:port. */
static inline void vt_pair(int port, int *c, int *s)
{
	struct sockaddr_in a = vt_addr("127.0.0.1", port);
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	CHECK(l >= 0);
	CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(listen(l, 8) == 0);
	*c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(*c >= 0);
	CHECK(connect(*c, (struct sockaddr *)&a, sizeof(a)) == 0);
	*s = accept(l, NULL, NULL);
	CHECK(*s >= 0);
	CHECK(close(l) == 0);
}

/* The stress tests' checksum (FNV-1a) and server: a thread that accepts
 * from *listener until it is shut down, reads each connection to its end
 * in pieces of varying size and answers with count and checksum. */
static inline uint64_t vt_fnv(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static inline void *vt_checksum_server(void *listener)
{
	static __thread unsigned char buf[16384];
	for (;;) {
		int s = accept(*(int *)listener, NULL, NULL);
		if (s < 0 && errno == EINTR)
			continue;
		if (s < 0)
			return NULL; /* the listener was shut down: done */
		uint64_t h = 0xcbf29ce484222325ull, n = 0;
		for (;;) {
			ssize_t r = recv(s, buf, (size_t)(1 + (n * 7919) % sizeof(buf)), 0);
			CHECK(r >= 0);
			if (r == 0)
				break;
			h = vt_fnv(h, buf, (size_t)r);
			n += (uint64_t)r;
		}
		uint64_t out[2] = {n, h};
		CHECK(send(s, out, sizeof(out), MSG_NOSIGNAL) == sizeof(out));
		CHECK(close(s) == 0);
	}
}

#endif
