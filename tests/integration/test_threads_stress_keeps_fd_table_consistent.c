/* 16 threads at once create sockets and socketpairs, accept connections,
 * dup them (dup, dup2, dup3, fcntl), move a few bytes, put pipes over them,
 * close them one by one and with close_range, for about two seconds
 * (SFIT_STRESS_SECONDS).  Each thread checks, after every step, that the fds
 * it owns are managed exactly when they are sockets.  At the end the table
 * holds exactly the sockets open in the process (a walk of /proc/self/fd),
 * and sf_validate_all() is 0.  A second run has one thread validate the
 * whole table all along while the fifteen others work. */
#include "sfit.h"

#include <linux/close_range.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>

enum { THREADS = 16, HELD_MAX = 24, RANGE = 24 };

static int range_base;          /* thread t owns fd numbers [base + t*RANGE, +RANGE) */
static double deadline;
static atomic_long total_ops;

struct held {
	int fd;
	int is_socket;
};

struct worker {
	int id;
	uint32_t rng;
	struct held h[HELD_MAX + 4];
	int n;
	int listener;
	struct sockaddr_in laddr;
	long ops;
};

static uint32_t next(struct worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 17;
	w->rng ^= w->rng << 5;
	return w->rng;
}

/* The fd (owned by this thread, so nobody else can change it) is managed
 * exactly when it is a socket. */
static void verify(struct worker *w, int fd, int is_socket)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		FAIL("thread %d: fd %d should be open: %s", w->id, fd, strerror(errno));
	if ((S_ISSOCK(st.st_mode) ? 1 : 0) != is_socket)
		FAIL("thread %d: fd %d: test bookkeeping wrong", w->id, fd);
	if (sfit_managed(fd) != is_socket)
		FAIL("thread %d: fd %d (%s) managed=%d after op %ld", w->id, fd, is_socket ? "socket" : "not a socket",
		     sfit_managed(fd), w->ops);
}

/* A closed fd is forgotten.  Checked only for this thread's private
 * numbers: any other number may at once be reused by another thread. */
static void verify_gone(struct worker *w, int fd)
{
	int lo = range_base + w->id * RANGE;
	if (fd >= lo && fd < lo + RANGE && sfit_managed(fd))
		FAIL("thread %d: fd %d was closed but is still managed", w->id, fd);
}

static void hold(struct worker *w, int fd, int is_socket)
{
	if (fd < 0)
		FAIL("thread %d: op %ld failed: %s", w->id, w->ops, strerror(errno));
	/* a dup2 target may already be held: replace it */
	for (int i = 0; i < w->n; i++)
		if (w->h[i].fd == fd) {
			w->h[i].is_socket = is_socket;
			verify(w, fd, is_socket);
			return;
		}
	w->h[w->n].fd = fd;
	w->h[w->n].is_socket = is_socket;
	w->n++;
	verify(w, fd, is_socket);
}

static void drop(struct worker *w, int i)
{
	int fd = w->h[i].fd;
	w->h[i] = w->h[--w->n];
	CHECK_OK(close(fd));
	verify_gone(w, fd);
}

static int pick(struct worker *w, int want_socket)
{
	if (!w->n)
		return -1;
	int start = (int)(next(w) % (uint32_t)w->n);
	for (int k = 0; k < w->n; k++) {
		int i = (start + k) % w->n;
		if (want_socket < 0 || w->h[i].is_socket == want_socket)
			return i;
	}
	return -1;
}

static int private_fd(struct worker *w)
{
	return range_base + w->id * RANGE + (int)(next(w) % RANGE);
}

static void step(struct worker *w)
{
	static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_STREAM | SOCK_CLOEXEC, SOCK_DGRAM | SOCK_NONBLOCK};
	while (w->n > HELD_MAX - 2)
		drop(w, pick(w, -1));
	int i, fd;
	switch (next(w) % 16) {
	case 0:
	case 1:
		hold(w, socket(next(w) & 1 ? AF_INET : AF_UNIX, types[next(w) % 4], 0), 1);
		break;
	case 2: {
		int sv[2];
		CHECK_OK(socketpair(AF_UNIX, next(w) & 1 ? SOCK_STREAM : SOCK_DGRAM, 0, sv));
		/* a few bytes across, both ways */
		char b[8];
		CHECK_EQ(send(sv[0], "abc", 3, MSG_DONTWAIT), 3);
		CHECK_EQ(recv(sv[1], b, sizeof(b), MSG_DONTWAIT), 3);
		CHECK_EQ(write(sv[1], "xy", 2), 2);
		CHECK_EQ(read(sv[0], b, sizeof(b)), 2);
		hold(w, sv[0], 1);
		hold(w, sv[1], 1);
		break;
	}
	case 3:
		if ((i = pick(w, -1)) >= 0)
			hold(w, dup(w->h[i].fd), w->h[i].is_socket);
		break;
	case 4:
		if ((i = pick(w, -1)) >= 0) {
			int target = private_fd(w), src = w->h[i].fd, sock = w->h[i].is_socket;
			if (target == src)
				break;
			int r = next(w) & 1 ? dup2(src, target) : dup3(src, target, O_CLOEXEC);
			hold(w, r, sock);
		}
		break;
	case 5:
		if ((i = pick(w, -1)) >= 0)
			hold(w, fcntl(w->h[i].fd, next(w) & 1 ? F_DUPFD_CLOEXEC : F_DUPFD, 0), w->h[i].is_socket);
		break;
	case 6: {
		int p[2];
		CHECK_OK(pipe(p));
		hold(w, p[0], 0);
		hold(w, p[1], 0);
		break;
	}
	case 7:
	case 8:
	case 9:
		if ((i = pick(w, -1)) >= 0)
			drop(w, i);
		break;
	case 10: {
		/* close_range over this thread's private numbers */
		int lo = range_base + w->id * RANGE, hi = lo + RANGE - 1;
		if (next(w) & 1) {
			CHECK_OK(close_range((unsigned)lo, (unsigned)hi, CLOSE_RANGE_CLOEXEC));
			for (int k = 0; k < w->n; k++)
				if (w->h[k].fd >= lo && w->h[k].fd <= hi)
					verify(w, w->h[k].fd, w->h[k].is_socket); /* still there, still managed */
		} else {
			CHECK_OK(close_range((unsigned)lo, (unsigned)hi, 0));
			for (int k = 0; k < w->n;)
				if (w->h[k].fd >= lo && w->h[k].fd <= hi) {
					fd = w->h[k].fd;
					w->h[k] = w->h[--w->n];
					verify_gone(w, fd);
				} else {
					k++;
				}
		}
		break;
	}
	case 11:
		/* a pipe over a socket */
		if ((i = pick(w, 1)) >= 0) {
			int p[2];
			CHECK_OK(pipe(p));
			fd = w->h[i].fd;
			CHECK_EQ(dup2(p[0], fd), fd);
			w->h[i].is_socket = 0;
			verify(w, fd, 0);
			CHECK_OK(close(p[0]));
			CHECK_OK(close(p[1]));
		}
		break;
	case 12:
		/* a connection now and then (ports are finite) */
		if (next(w) % 64 == 0) {
			int c = socket(AF_INET, SOCK_STREAM, 0);
			CHECK_OK(connect(c, (struct sockaddr *)&w->laddr, sizeof(w->laddr)));
			int a = accept4(w->listener, NULL, NULL, next(w) & 1 ? SOCK_CLOEXEC : 0);
			hold(w, c, 1);
			hold(w, a, 1);
			char b[4];
			CHECK_EQ(send(c, "hey", 3, 0), 3);
			CHECK_EQ(recv(a, b, 3, MSG_WAITALL), 3);
		}
		break;
	default: {
		/* readiness of a held socket, whatever it is */
		if ((i = pick(w, 1)) >= 0) {
			struct pollfd p = {.fd = w->h[i].fd, .events = POLLIN | POLLOUT};
			CHECK(poll(&p, 1, 0) >= 0);
			CHECK_EQ(p.revents & POLLNVAL, 0);
		}
		break;
	}
	}
	w->ops++;
}

static int validator; /* thread 0 only validates the table, all the time */

static void *run(void *arg)
{
	struct worker *w = arg;
	w->listener = sfit_tcp_listener(&w->laddr);
	if (validator && w->id == 0) {
		while (sfit_now() < deadline) {
			int r = sfit_validate();
			if (r)
				FAIL("sf_validate_all() = %d while the other threads run", r);
			w->ops++;
		}
		atomic_fetch_add(&total_ops, w->ops);
		return NULL;
	}
	while (sfit_now() < deadline)
		for (int k = 0; k < 64; k++)
			step(w);
	/* keep what is held: the final check counts it */
	atomic_fetch_add(&total_ops, w->ops);
	return NULL;
}

static void sixteen_threads(void)
{
	long lim = sfit_raise_nofile(8192);
	range_base = lim >= 8192 ? 4096 : (int)(lim / 2);
	if (range_base + THREADS * RANGE > lim || range_base < THREADS * (HELD_MAX + 4) + 64)
		FAIL("RLIMIT_NOFILE %ld is too small for this test", lim);
	const char *secs = getenv("SFIT_STRESS_SECONDS");
	deadline = sfit_now() + (secs ? atof(secs) : 2.0);
	size_t base_sockets = sfit_check_table_matches_kernel();
	static struct worker w[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i].id = i;
		w[i].rng = 0x9e3779b9u * (uint32_t)(i + 1);
		CHECK_EQ(pthread_create(&t[i], NULL, run, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	printf("# %ld operations in %d threads\n", (long)atomic_load(&total_ops), THREADS);
	/* what is still open: exactly the sockets the table holds */
	size_t held_sockets = 0;
	for (int i = 0; i < THREADS; i++) {
		held_sockets += 1; /* the listener */
		for (int k = 0; k < w[i].n; k++)
			held_sockets += (size_t)w[i].h[k].is_socket;
	}
	size_t open_sockets = sfit_check_table_matches_kernel();
	CHECK_EQ(open_sockets, base_sockets + held_sockets);
	CHECK_EQ(sfit_count(), open_sockets);
	CHECK_VALID();
	/* and after closing it all, the table is back where it started */
	for (int i = 0; i < THREADS; i++) {
		while (w[i].n)
			drop(&w[i], 0);
		CHECK_OK(close(w[i].listener));
	}
	CHECK_EQ(sfit_count(), base_sockets);
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_sixteen_threads_keep_the_table_consistent(void)
{
	sixteen_threads();
}

/* sf_validate_all() is part of the shim's surface for tests: it must be
 * safe to call while other threads use sockets (connect and accept update
 * what it checks). */
static void case_validating_while_fifteen_threads_work_is_safe(void)
{
	validator = 1;
	sixteen_threads();
}

SFIT_MAIN(SFIT_CASE(case_sixteen_threads_keep_the_table_consistent),
	  SFIT_CASE(case_validating_while_fifteen_threads_work_is_safe))
