/* vcheck: the shared header of the vnet conformance tests.
 *
 * A vnet test is one program checking one socket behaviour against what the
 * Linux man pages (and the kernel, the oracle) say.  It runs natively and
 * under the shim with SOCKFAULT_NET=virtual (dual.sh); both runs must exit 0
 * and print the same transcript.  So a test:
 *
 *   - checks with the CHECK* macros of sfit.h (they print file:line and the
 *     mismatch and exit 1) or with the VC_* macros below, which check *and*
 *     print one transcript line: the expression, its result, the errno name;
 *   - prints only what is the same in both worlds: no fd numbers, no
 *     ephemeral port numbers (vc_addr prints "ephemeral"), no timings;
 *   - prints only from the main thread (line order stays deterministic);
 *   - binds 127.0.0.1 / ::1 port 0, never a fixed port.
 *
 * It uses sfit.h's checks and fixtures, but never sfit_run (that one wants
 * the shim loaded; a vnet test also runs without it).
 */
#ifndef VCHECK_H
#define VCHECK_H

#include "sfit.h"

#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/uio.h>

/* Call first: line-buffered transcript, and a hung test dies by SIGALRM. */
static inline void vc_begin(const char *what)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(60);
	printf("# %s\n", what);
}

static inline const char *vc_errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";
	return n ? n : "E?";
}

/* VC_OK(expr): expr is not -1; prints "expr -> ok"; yields the result. */
#define VC_OK(expr)                                                                  \
	({                                                                           \
		errno = 0;                                                           \
		long long r_ = (long long)(expr);                                    \
		int e_ = errno;                                                      \
		if (r_ == -1)                                                        \
			FAIL("%s: -1 %s, expected success", #expr, vc_errname(e_));  \
		printf("%s -> ok\n", #expr);                                         \
		r_;                                                                  \
	})

/* VC_ERR(expr, E): expr is -1 with errno E; prints "expr -> -1 E". */
#define VC_ERR(expr, E)                                                                        \
	do {                                                                                   \
		errno = 0;                                                                     \
		long long r_ = (long long)(expr);                                              \
		int e_ = errno;                                                                \
		if (r_ != -1 || e_ != (E))                                                     \
			FAIL("%s: got %lld %s, expected -1 %s", #expr, r_, vc_errname(e_),     \
			     vc_errname(E));                                                   \
		printf("%s -> -1 %s\n", #expr, vc_errname(E));                                 \
	} while (0)

/* VC_EQ(expr, v): expr == v; prints "expr -> v"; yields the result. */
#define VC_EQ(expr, v)                                                                        \
	({                                                                                    \
		errno = 0;                                                                    \
		long long r_ = (long long)(expr);                                             \
		int e_ = errno;                                                               \
		long long v_ = (long long)(v);                                                \
		if (r_ != v_)                                                                 \
			FAIL("%s: got %lld (errno %s), expected %lld", #expr, r_, vc_errname(e_), v_); \
		printf("%s -> %lld\n", #expr, r_);                                            \
		r_;                                                                           \
	})

/* VC_NOTE(fmt, ...): a free transcript line. */
#define VC_NOTE(...) (printf(__VA_ARGS__), putchar('\n'))

/* --- formatting what may be printed -------------------------------------- */

/* Rotating static buffers: several formatted values in one printf. */
static inline char *vc_buf(void)
{
	static char bufs[8][160];
	static unsigned i;
	return bufs[i++ % 8];
}

static inline bool vc_is_ephemeral(unsigned port)
{
	return port >= 32768 && port <= 60999; /* ip_local_port_range default */
}

static inline const char *vc_port(unsigned port)
{
	if (port && vc_is_ephemeral(port))
		return "ephemeral";
	char *b = vc_buf();
	snprintf(b, 160, "%u", port);
	return b;
}

/* "127.0.0.1:ephemeral", "[::ffff:127.0.0.1]:ephemeral", "AF_UNSPEC"... */
static inline const char *vc_addr(const void *sa, socklen_t len)
{
	struct sockaddr_storage ss; /* a copy: sa may be a smaller struct */
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, len < sizeof(ss) ? len : sizeof(ss));
	char *b = vc_buf();
	char ip[INET6_ADDRSTRLEN];
	if (len >= sizeof(struct sockaddr_in) && ss.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
		snprintf(b, 160, "%s:%s", ip, vc_port(ntohs(s->sin_port)));
	} else if (len >= sizeof(struct sockaddr_in6) && ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
		snprintf(b, 160, "[%s]:%s", ip, vc_port(ntohs(s->sin6_port)));
	} else {
		snprintf(b, 160, "family %d len %u", len ? ss.ss_family : -1, (unsigned)len);
	}
	return b;
}

/* The port of a sockaddr_in or sockaddr_in6 (both keep it at offset 2). */
static inline unsigned vc_port_of(const void *sa)
{
	uint16_t p;
	memcpy(&p, (const char *)sa + offsetof(struct sockaddr_in, sin_port), sizeof(p));
	return ntohs(p);
}

/* Prints "getsockname(what) -> ADDR" (or getpeername); returns the port. */
static inline unsigned vc_print_name(int fd, bool peer, const char *what)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) : getsockname(fd, (struct sockaddr *)&ss, &len);
	if (r != 0)
		FAIL("%s(%s): %s", peer ? "getpeername" : "getsockname", what, vc_errname(errno));
	printf("%s(%s) -> %s\n", peer ? "getpeername" : "getsockname", what, vc_addr(&ss, len));
	return vc_port_of(&ss);
}
#define VC_SOCKNAME(fd) vc_print_name((fd), false, #fd)
#define VC_PEERNAME(fd) vc_print_name((fd), true, #fd)

/* poll/epoll event bits by name ("POLLIN|POLLOUT", "0"). */
static inline const char *vc_events(unsigned ev)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{POLLIN, "POLLIN"},     {POLLPRI, "POLLPRI"},       {POLLOUT, "POLLOUT"},
		     {POLLERR, "POLLERR"},   {POLLHUP, "POLLHUP"},       {POLLNVAL, "POLLNVAL"},
		     {POLLRDNORM, "POLLRDNORM"}, {POLLRDBAND, "POLLRDBAND"}, {POLLWRNORM, "POLLWRNORM"},
		     {POLLWRBAND, "POLLWRBAND"}, {POLLRDHUP, "POLLRDHUP"}};
	char *b = vc_buf();
	b[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ev & names[i].bit) {
			if (b[0])
				strcat(b, "|");
			strcat(b, names[i].name);
			ev &= ~names[i].bit;
		}
	if (ev)
		snprintf(b + strlen(b), 40, "%s0x%x", b[0] ? "|" : "", ev);
	if (!b[0])
		strcpy(b, "0");
	return b;
}

/* poll() one fd; returns revents (0 on timeout). */
static inline unsigned vc_poll1(int fd, short events, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int r;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		FAIL("poll: %s", vc_errname(errno));
	return r ? (unsigned)p.revents : 0;
}
/* Prints "poll(fd, EVENTS, ms) -> REVENTS"; returns revents. */
#define VC_POLL(fd, events, ms)                                                                   \
	({                                                                                        \
		unsigned rev_ = vc_poll1((fd), (events), (ms));                                   \
		printf("poll(%s, %s, %d) -> %s\n", #fd, vc_events((unsigned)(events)), (int)(ms), \
		       vc_events(rev_));                                                          \
		rev_;                                                                             \
	})

/* Waits (bounded) until fd is readable: data that was sent has arrived. */
static inline void vc_wait_readable(int fd)
{
	if (!(vc_poll1(fd, POLLIN, 5000) & POLLIN))
		FAIL("fd %d not readable within 5 s", fd);
}

/* Waits (bounded, 5 s) until poll reports all of `bits` on fd: e.g.
 * POLLRDHUP once the peer's FIN arrived, POLLERR once a provoked reset or
 * ICMP error did.  Polls again and again: other events (POLLOUT, POLLIN for
 * data queued before) may be there long before. */
static inline void vc_wait_for(int fd, unsigned bits)
{
	double t0 = sfit_now();
	while ((vc_poll1(fd, (short)(bits | POLLIN), 100) & bits) != bits) {
		if (sfit_now() - t0 > 5)
			FAIL("fd %d: no %s within 5 s", fd, vc_events(bits));
		struct timespec ts = {0, 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}
#define vc_wait_pollerr(fd) vc_wait_for((fd), POLLERR)

/* epoll_wait for at most one event, retried on EINTR; the count. */
static inline int vc_epoll_wait1(int ep, struct epoll_event *ev, int ms)
{
	int n;
	do
		n = epoll_wait(ep, ev, 1, ms);
	while (n < 0 && errno == EINTR);
	CHECK(n >= 0);
	return n;
}

static inline int vc_sockopt_int(int fd, int level, int name)
{
	int v = -12345;
	socklen_t l = sizeof(v);
	if (getsockopt(fd, level, name, &v, &l) != 0)
		FAIL("getsockopt(%d, %d): %s", level, name, vc_errname(errno));
	CHECK_EQ(l, sizeof(int));
	return v;
}
static inline void vc_set_int(int fd, int level, int name, int v)
{
	if (setsockopt(fd, level, name, &v, sizeof(v)) != 0)
		FAIL("setsockopt(%d, %d, %d): %s", level, name, v, vc_errname(errno));
}
/* VC_SOCKOPT(fd, level, name, expected): getsockopt int == expected, printed. */
#define VC_SOCKOPT(fd, level, name, v)                                                          \
	do {                                                                                    \
		int got_ = vc_sockopt_int((fd), (level), (name));                               \
		if (got_ != (v))                                                                \
			FAIL("getsockopt(%s, %s): %d, expected %d", #fd, #name, got_, (int)(v)); \
		printf("getsockopt(%s, %s) -> %d\n", #fd, #name, got_);                         \
	} while (0)
#define VC_SO_ERROR(fd, E)                                                                            \
	do {                                                                                          \
		int got_ = vc_sockopt_int((fd), SOL_SOCKET, SO_ERROR);                                \
		if (got_ != (E))                                                                      \
			FAIL("SO_ERROR of %s: %s, expected %s", #fd, vc_errname(got_), vc_errname(E)); \
		printf("getsockopt(%s, SO_ERROR) -> %s\n", #fd, vc_errname(got_));                    \
	} while (0)

/* --- fixtures ---------------------------------------------------------- */

static inline struct sockaddr_in6 vc_loopback6(uint16_t port)
{
	struct sockaddr_in6 a;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_loopback;
	a.sin6_port = htons(port);
	return a;
}

/* A TCP listener on [::1] (or [::] when any) at an ephemeral port. */
static inline int vc_tcp6_listener(bool any, struct sockaddr_in6 *addr)
{
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(l >= 0);
	struct sockaddr_in6 a = vc_loopback6(0);
	if (any)
		a.sin6_addr = in6addr_any;
	socklen_t al = sizeof(a);
	CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(l, 64));
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
	if (addr)
		*addr = a;
	return l;
}

/* A port of 127.0.0.1 that is bound (by *holder, kept open) but where no
 * TCP socket listens: a connect there is refused, and no parallel test can
 * take the port meanwhile. */
static inline struct sockaddr_in vc_refusing_addr(int *holder)
{
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	*holder = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(*holder >= 0);
	CHECK_OK(bind(*holder, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(*holder, (struct sockaddr *)&a, &al));
	return a;
}

/* A UDP socket bound to 127.0.0.1:0; *addr gets its address. */
static inline int vc_udp_socket(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(fd, (struct sockaddr *)&a, &al));
	if (addr)
		*addr = a;
	return fd;
}

/* --- data ---------------------------------------------------------------- */

/* FNV-1a, 64 bits: the checksum of the transcripts. */
#define VC_FNV_INIT 0xcbf29ce484222325ull
static inline uint64_t vc_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* A small deterministic PRNG (xorshift64*), one state per user. */
static inline uint64_t vc_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 2685821657736338717ull;
}

/* Sends all n bytes (blocking socket, MSG_NOSIGNAL). */
static inline void vc_send_all(int fd, const void *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = send(fd, (const char *)buf + off, n - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			FAIL("send_all(%d): %zd after %zu of %zu bytes (%s)", fd, w, off, n, vc_errname(errno));
		off += (size_t)w;
	}
}

static inline double vc_elapsed(double t0) { return sfit_now() - t0; }

#endif
