/* What the benchmarks share: a clock, dying with a message, a connected
 * loopback TCP pair, a full read, a 64-byte echo thread, and a run of this
 * same program as a child with its environment changed and its output read
 * back (each benchmark compares child runs with and without the shim). */
#ifndef SF_BENCH_H
#define SF_BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* program_invocation_short_name; first, before any header */
#endif
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { BENCH_MSG = 64 }; /* the ping-pong message */

static inline double bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline double bench_now_s(void)
{
	return bench_now_ns() / 1e9;
}

static inline void bench_die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, strerror(errno));
	exit(1);
}

/* A connected TCP pair over 127.0.0.1 with TCP_NODELAY on both ends. */
static inline void bench_tcp_pair(int *c, int *s)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &al))
		bench_die("listener");
	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (struct sockaddr *)&a, sizeof(a)))
		bench_die("connect");
	*s = accept(l, NULL, NULL);
	if (*s < 0)
		bench_die("accept");
	close(l);
	int one = 1;
	setsockopt(*c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* n bytes from fd, or death (EOF included). */
static inline void bench_recv_full(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = recv(fd, buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			bench_die("recv");
		got += (size_t)r;
	}
}

/* Thread body: answers every BENCH_MSG-byte message on *(int *)arg with
 * itself, until the peer goes away. */
static inline void *bench_echo(void *arg)
{
	int fd = *(int *)arg;
	char buf[BENCH_MSG];
	for (;;) {
		size_t got = 0;
		while (got < BENCH_MSG) {
			ssize_t r = recv(fd, buf + got, BENCH_MSG - got, 0);
			if (r <= 0)
				return NULL;
			got += (size_t)r;
		}
		if (send(fd, buf, BENCH_MSG, 0) != BENCH_MSG)
			return NULL;
	}
}

/* Runs argv (argv[0]: this program) as a child whose environment has each
 * "NAME=VALUE" of env set and each plain "NAME" removed; its standard output
 * goes into out (NUL-terminated, at most n - 1 bytes).  Returns 0, or -1 when
 * the child did not exit 0 (out holds what it printed). */
static inline int bench_run_child(char *const argv[], const char *const env[], char *out, size_t n)
{
	int p[2];
	if (pipe(p))
		bench_die("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		for (const char *const *e = env; *e; e++) {
			const char *eq = strchr(*e, '=');
			if (eq) {
				char name[128];
				snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
				setenv(name, eq + 1, 1);
			} else {
				unsetenv(*e);
			}
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	size_t got = 0;
	ssize_t r;
	while (got < n - 1 && (r = read(p[0], out + got, n - 1 - got)) > 0)
		got += (size_t)r;
	out[got] = '\0';
	close(p[0]);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		bench_die("waitpid");
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* --- paired measurement: the precise way to see nanoseconds ---
 *
 * Inside one process, batches of PAIR_BATCH calls through the interposed
 * symbol alternate with batches through libc's own definition (dlsym on
 * libc.so.6); the median over PAIRS of the per-call differences.  Syscall
 * noise on a VM is tens of ns, but it hits both halves of a pair alike. */
enum { PAIR_BATCH = 200, PAIRS = 4000 };

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

typedef ssize_t (*read_fn)(int, void *, size_t);
typedef ssize_t (*recv_fn)(int, void *, size_t, int);

/* Median over PAIRS of (interposed batch - libc batch) / PAIR_BATCH, ns.
 * want: the result every call must give (-1 means EAGAIN). */
#define PAIRED(call_shim, call_libc, want)                                              \
	({                                                                             \
		static double d_[PAIRS];                                               \
		for (int k_ = 0; k_ < PAIRS; k_++) {                                   \
			double t_[2];                                                  \
			for (int h_ = 0; h_ < 2; h_++) {                               \
				/* alternate which half goes first */                  \
				int shim_ = (h_ ^ k_) & 1;                             \
				double t0_ = bench_now_ns();                                 \
				for (int i_ = 0; i_ < PAIR_BATCH; i_++) {              \
					ssize_t r_ = shim_ ? (call_shim) : (call_libc); \
					if (r_ != (want) || ((want) == -1 && errno != EAGAIN)) \
						bench_die(#call_shim);                       \
				}                                                      \
				t_[shim_] = bench_now_ns() - t0_;                            \
			}                                                              \
			d_[k_] = (t_[1] - t_[0]) / PAIR_BATCH;                         \
		}                                                                      \
		qsort(d_, PAIRS, sizeof(d_[0]), cmp_double);                           \
		d_[PAIRS / 2];                                                         \
	})

#endif
