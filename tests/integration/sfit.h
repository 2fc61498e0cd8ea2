/* sfit: the small harness of the integration tests.
 *
 * An integration test is an ordinary program: it never links the shim and
 * gets it only through LD_PRELOAD, exactly as the programs sockfault runs.
 * Each test program has a few cases; every case runs in its own forked child
 * (a crash, a hang or a leaked fd stays in that case) and prints one TAP line.
 * The program exits non-zero when any case failed, or at once when the shim
 * is not loaded (its debugging surface is not found with dlsym).
 *
 * The reference for "what the kernel does" is the raw system call, made
 * with syscall(2): it never goes through any interposed libc symbol.
 *
 *   static void case_something(void) { CHECK(...); }
 *   SFIT_MAIN(SFIT_CASE(case_something), ...)
 */
#ifndef SFIT_H
#define SFIT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4, recvmmsg, ppoll, close_range... */
#endif

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* --- failures --------------------------------------------------------- */

static inline void sfit_fail(const char *file, int line, const char *fmt, ...) __attribute__((noreturn, format(printf, 3, 4)));
static inline void sfit_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One write, so that lines of concurrent threads do not interleave. */
	char out[1200];
	int n = snprintf(out, sizeof(out), "#   %s:%d: %s\n", file, line, msg);
	if (n > (int)sizeof(out) - 1)
		n = (int)sizeof(out) - 1;
	fflush(stdout);
	if (write(1, out, (size_t)n) < 0) {
		/* nothing better to do */
	}
	_exit(1);
}

#define FAIL(...) sfit_fail(__FILE__, __LINE__, __VA_ARGS__)

/* CHECK(cond): the case fails when cond is false (errno is shown). */
#define CHECK(cond)                                                                     \
	do {                                                                            \
		int e_ = errno;                                                         \
		if (!(cond))                                                            \
			FAIL("CHECK(%s) failed (errno %d %s)", #cond, e_, strerror(e_)); \
	} while (0)

/* CHECK_EQ(a, b): two integers, both shown when they differ. */
#define CHECK_EQ(a, b)                                                                      \
	do {                                                                                \
		long long a_ = (long long)(a), b_ = (long long)(b);                         \
		int e_ = errno;                                                             \
		if (a_ != b_)                                                               \
			FAIL("CHECK_EQ(%s, %s): %lld != %lld (errno %d %s)", #a, #b, a_, b_, e_, \
			     strerror(e_));                                                 \
	} while (0)

/* CHECK_ERR(expr, E): expr returns -1 with errno E. */
#define CHECK_ERR(expr, E)                                                                     \
	do {                                                                                   \
		errno = 0;                                                                     \
		long long r_ = (long long)(expr);                                              \
		int e_ = errno;                                                                \
		if (r_ != -1 || e_ != (E))                                                     \
			FAIL("%s: got %lld errno %d (%s), expected -1 errno %d (%s)", #expr, r_, e_, \
			     strerror(e_), (E), strerror(E));                                  \
	} while (0)

/* CHECK_OK(expr): expr does not return -1. */
#define CHECK_OK(expr)                                                               \
	do {                                                                         \
		errno = 0;                                                           \
		long long r_ = (long long)(expr);                                    \
		int e_ = errno;                                                      \
		if (r_ == -1)                                                        \
			FAIL("%s failed: errno %d (%s)", #expr, e_, strerror(e_));  \
	} while (0)

/* SAME(shim_expr, raw_expr): the interposed call and the raw system call
 * give the same result, and the same errno when they fail.  The result is
 * left in sfit_same_r (for checks on top). */
static long long sfit_same_r __attribute__((unused));
#define SAME(shim_expr, raw_expr)                                                              \
	do {                                                                                   \
		errno = 0;                                                                     \
		long long rs_ = (long long)(shim_expr);                                        \
		int es_ = errno;                                                               \
		errno = 0;                                                                     \
		long long rk_ = (long long)(raw_expr);                                         \
		int ek_ = errno;                                                               \
		if (rs_ != rk_ || (rs_ == -1 && es_ != ek_))                                   \
			FAIL("%s gave %lld errno %d (%s); the kernel (%s) gave %lld errno %d (%s)", \
			     #shim_expr, rs_, es_, strerror(es_), #raw_expr, rk_, ek_, strerror(ek_)); \
		sfit_same_r = rs_;                                                             \
	} while (0)

/* --- the shim's debugging surface ------------------------------------ */

static int (*sfit_is_managed_fn)(int);
static size_t (*sfit_count_fn)(void);
static int (*sfit_validate_fn)(void);

static inline int sfit_managed(int fd) { return sfit_is_managed_fn(fd); }
static inline size_t sfit_count(void) { return sfit_count_fn(); }
static inline int sfit_validate(void) { return sfit_validate_fn(); }

/* Returns 0 when the shim is loaded (and fills the pointers above). */
static inline int sfit_find_shim(void)
{
	*(void **)&sfit_is_managed_fn = dlsym(RTLD_DEFAULT, "sf_fd_is_managed");
	*(void **)&sfit_count_fn = dlsym(RTLD_DEFAULT, "sf_fd_managed_count");
	*(void **)&sfit_validate_fn = dlsym(RTLD_DEFAULT, "sf_validate_all");
	return sfit_is_managed_fn && sfit_count_fn && sfit_validate_fn ? 0 : -1;
}

#define CHECK_MANAGED(fd) \
	do { if (!sfit_managed(fd)) FAIL("fd %d (%s) is not managed by the shim", (int)(fd), #fd); } while (0)
#define CHECK_UNMANAGED(fd) \
	do { if (sfit_managed(fd)) FAIL("fd %d (%s) is managed by the shim", (int)(fd), #fd); } while (0)
#define CHECK_VALID() CHECK_EQ(sfit_validate(), 0)

/* --- raw system calls: the kernel's own answer ------------------------- */

#define raw_socket(d, t, p) syscall(SYS_socket, (d), (t), (p))
#define raw_socketpair(d, t, p, sv) syscall(SYS_socketpair, (d), (t), (p), (sv))
#define raw_bind(fd, a, l) syscall(SYS_bind, (fd), (a), (l))
#define raw_listen(fd, b) syscall(SYS_listen, (fd), (b))
#define raw_accept4(fd, a, l, f) syscall(SYS_accept4, (fd), (a), (l), (f))
#define raw_connect(fd, a, l) syscall(SYS_connect, (fd), (a), (l))
#define raw_getsockname(fd, a, l) syscall(SYS_getsockname, (fd), (a), (l))
#define raw_getpeername(fd, a, l) syscall(SYS_getpeername, (fd), (a), (l))
#define raw_getsockopt(fd, lv, o, v, l) syscall(SYS_getsockopt, (fd), (lv), (o), (v), (l))
#define raw_setsockopt(fd, lv, o, v, l) syscall(SYS_setsockopt, (fd), (lv), (o), (v), (l))
#define raw_shutdown(fd, h) syscall(SYS_shutdown, (fd), (h))
#define raw_close(fd) syscall(SYS_close, (fd))
#define raw_dup(fd) syscall(SYS_dup, (fd))
#define raw_dup3(a, b, f) syscall(SYS_dup3, (a), (b), (f))
#define raw_fcntl(fd, c, arg) syscall(SYS_fcntl, (fd), (c), (arg))
#define raw_ioctl(fd, r, arg) syscall(SYS_ioctl, (fd), (r), (arg))
#define raw_sendto(fd, b, n, f, a, l) syscall(SYS_sendto, (fd), (b), (n), (f), (a), (l))
#define raw_send(fd, b, n, f) raw_sendto((fd), (b), (n), (f), NULL, 0)
#define raw_sendmsg(fd, m, f) syscall(SYS_sendmsg, (fd), (m), (f))
#define raw_sendmmsg(fd, v, n, f) syscall(SYS_sendmmsg, (fd), (v), (n), (f))
#define raw_recvfrom(fd, b, n, f, a, l) syscall(SYS_recvfrom, (fd), (b), (n), (f), (a), (l))
#define raw_recv(fd, b, n, f) raw_recvfrom((fd), (b), (n), (f), NULL, NULL)
#define raw_recvmsg(fd, m, f) syscall(SYS_recvmsg, (fd), (m), (f))
#define raw_recvmmsg(fd, v, n, f, t) syscall(SYS_recvmmsg, (fd), (v), (n), (f), (t))
#define raw_read(fd, b, n) syscall(SYS_read, (fd), (b), (n))
#define raw_write(fd, b, n) syscall(SYS_write, (fd), (b), (n))
#define raw_readv(fd, v, n) syscall(SYS_readv, (fd), (v), (n))
#define raw_writev(fd, v, n) syscall(SYS_writev, (fd), (v), (n))
#define raw_sendfile(o, i, off, n) syscall(SYS_sendfile, (o), (i), (off), (n))
#define raw_ppoll(p, n, t, s) syscall(SYS_ppoll, (p), (n), (t), (s), _NSIG / 8)
#define raw_epoll_ctl(e, op, fd, ev) syscall(SYS_epoll_ctl, (e), (op), (fd), (ev))
#define raw_epoll_pwait(e, ev, n, t) syscall(SYS_epoll_pwait, (e), (ev), (n), (t), NULL, _NSIG / 8)

/* --- fixtures ----------------------------------------------------------- */

static inline struct sockaddr_in sfit_loopback(uint16_t port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	return a;
}

/* A TCP listener on 127.0.0.1 at an ephemeral port; *addr gets its address. */
static inline int sfit_tcp_listener(struct sockaddr_in *addr)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0);
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(l, 64));
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
	if (addr)
		*addr = a;
	return l;
}

/* A connected TCP pair over loopback: *c connected, *s accepted. */
static inline void sfit_tcp_pair(int *c, int *s)
{
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	*c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(*c >= 0);
	CHECK_OK(connect(*c, (struct sockaddr *)&a, sizeof(a)));
	*s = accept(l, NULL, NULL);
	CHECK(*s >= 0);
	CHECK_OK(close(l));
}

/* Two UDP sockets on 127.0.0.1, each connected to the other. */
static inline void sfit_udp_pair(int *a, int *b)
{
	struct sockaddr_in aa = sfit_loopback(0), ba = sfit_loopback(0);
	socklen_t l = sizeof(aa);
	*a = socket(AF_INET, SOCK_DGRAM, 0);
	*b = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(*a >= 0 && *b >= 0);
	CHECK_OK(bind(*a, (struct sockaddr *)&aa, sizeof(aa)));
	CHECK_OK(bind(*b, (struct sockaddr *)&ba, sizeof(ba)));
	CHECK_OK(getsockname(*a, (struct sockaddr *)&aa, &l));
	l = sizeof(ba);
	CHECK_OK(getsockname(*b, (struct sockaddr *)&ba, &l));
	CHECK_OK(connect(*a, (struct sockaddr *)&ba, sizeof(ba)));
	CHECK_OK(connect(*b, (struct sockaddr *)&aa, sizeof(aa)));
}

static inline void sfit_set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	CHECK(fl >= 0);
	CHECK_OK(fcntl(fd, F_SETFL, fl | O_NONBLOCK));
}

/* A port on 127.0.0.1 where nothing listens (bound once, then released). */
static inline uint16_t sfit_closed_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	CHECK(fd >= 0);
	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(fd, (struct sockaddr *)&a, &al));
	CHECK_OK(close(fd));
	return ntohs(a.sin_port);
}

/* Deterministic bytes: the pattern a test sends and checks on arrival. */
static inline void sfit_fill(unsigned char *buf, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
}

/* A regular file in $TMPDIR with n pattern bytes; unlinked, fd open O_RDWR. */
static inline int sfit_temp_file(size_t n, uint32_t seed)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/sfit-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK_OK(unlink(path));
	unsigned char *buf = malloc(n ? n : 1);
	CHECK(buf != NULL);
	sfit_fill(buf, n, seed);
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, buf + off, n - off);
		CHECK(w > 0);
		off += (size_t)w;
	}
	free(buf);
	CHECK_OK(lseek(fd, 0, SEEK_SET));
	return fd;
}

/* Reads exactly n bytes (blocking fd). */
static inline void sfit_read_full(int fd, void *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t r = read(fd, (char *)buf + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			FAIL("read_full(%d): %zd after %zu of %zu bytes (errno %d %s)", fd, r, off, n, errno,
			     strerror(errno));
		off += (size_t)r;
	}
}

static inline void sfit_write_full(int fd, const void *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, (const char *)buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			FAIL("write_full(%d): %zd after %zu of %zu bytes (errno %d %s)", fd, w, off, n, errno,
			     strerror(errno));
		off += (size_t)w;
	}
}

/* Walks /proc/self/fd.  Counts the open sockets, and checks that the shim
 * manages exactly those: every socket fd managed, no other fd managed. */
static inline size_t sfit_check_table_matches_kernel(void)
{
	DIR *d = opendir("/proc/self/fd");
	CHECK(d != NULL);
	int self = dirfd(d);
	size_t sockets = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (*end || end == e->d_name || fd == self)
			continue;
		struct stat st;
		if (fstat((int)fd, &st) != 0)
			continue;
		if (S_ISSOCK(st.st_mode)) {
			sockets++;
			if (!sfit_managed((int)fd))
				FAIL("socket fd %ld is open but not managed by the shim", fd);
		} else if (sfit_managed((int)fd)) {
			FAIL("fd %ld is not a socket (mode 0%o) but the shim manages it", fd, st.st_mode);
		}
	}
	closedir(d);
	return sockets;
}

/* The table agrees with the kernel, in membership and in count. */
#define CHECK_TABLE_MATCHES_KERNEL()                                   \
	do {                                                           \
		size_t open_sockets_ = sfit_check_table_matches_kernel(); \
		CHECK_EQ(sfit_count(), open_sockets_);                  \
		CHECK_VALID();                                          \
	} while (0)

/* Lets a test use fd numbers up to at least n (returns the limit). */
static inline long sfit_raise_nofile(long n)
{
	struct rlimit rl;
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	if (rl.rlim_cur < (rlim_t)n) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= (rlim_t)n ? (rlim_t)n : rl.rlim_max;
		CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	}
	return (long)rl.rlim_cur;
}

static inline double sfit_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- running the cases --------------------------------------------------- */

struct sfit_case {
	const char *name;
	void (*fn)(void);
};

#define SFIT_CASE(fn) {#fn, fn}

static const char *sfit_argv0 __attribute__((unused));

/* Runs every case (or those named on the command line) in its own child. */
static inline int sfit_run(int argc, char **argv, const struct sfit_case *cases, size_t n)
{
	sfit_argv0 = argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sfit_find_shim() != 0) {
		printf("Bail out! libsockfault.so is not loaded: dlsym(RTLD_DEFAULT, \"sf_fd_is_managed\") "
		       "found nothing (LD_PRELOAD=%s)\n",
		       getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "(unset)");
		return 1;
	}
	const char *timeout_env = getenv("SFIT_CASE_TIMEOUT");
	unsigned timeout = timeout_env ? (unsigned)atoi(timeout_env) : 60;
	size_t selected = 0;
	for (size_t i = 0; i < n; i++) {
		int want = argc < 2;
		for (int a = 1; a < argc; a++)
			want |= strcmp(argv[a], cases[i].name) == 0;
		selected += (size_t)want;
	}
	printf("1..%zu\n", selected);
	int failed = 0;
	size_t num = 0;
	for (size_t i = 0; i < n; i++) {
		int want = argc < 2;
		for (int a = 1; a < argc; a++)
			want |= strcmp(argv[a], cases[i].name) == 0;
		if (!want)
			continue;
		num++;
		fflush(stdout);
		fflush(stderr);
		double t0 = sfit_now();
		pid_t pid = fork();
		if (pid < 0) {
			printf("Bail out! fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0) {
			alarm(timeout);
			cases[i].fn();
			fflush(stdout);
			exit(0); /* exit, not _exit: sanitizers check for leaks here */
		}
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		double dt = sfit_now() - t0;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			printf("ok %zu - %s (%.2fs)\n", num, cases[i].name, dt);
		} else {
			failed++;
			if (WIFSIGNALED(st))
				printf("not ok %zu - %s (killed by signal %d%s)\n", num, cases[i].name,
				       WTERMSIG(st), WTERMSIG(st) == SIGALRM ? ": timed out" : "");
			else
				printf("not ok %zu - %s (exit status %d)\n", num, cases[i].name, WEXITSTATUS(st));
		}
	}
	if (failed)
		printf("# %d of %zu cases failed\n", failed, num);
	return failed ? 1 : 0;
}

#define SFIT_MAIN(...)                                                                   \
	int main(int argc, char **argv)                                                  \
	{                                                                                \
		static const struct sfit_case cases_[] = {__VA_ARGS__};                  \
		return sfit_run(argc, argv, cases_, sizeof(cases_) / sizeof(cases_[0])); \
	}

#endif
