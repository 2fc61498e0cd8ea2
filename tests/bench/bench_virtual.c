/* The virtual network against kernel loopback TCP, measured in one run:
 *
 *   epoll ping-pong   one thread, both ends non-blocking in one epoll set,
 *                     64-byte request/response, round trips per second
 *   blocking ping-pong  two threads, blocking 64-byte request/response
 *   bulk              one thread sends SF_BENCH_BULK_MB MiB (default 1024)
 *                     in 64 KiB writes, another reads it; MiB per second
 *   2-process ping-pong, 2-process bulk   the same with the other end in a
 *                     forked child: one network shared by two processes
 *
 * usage: bench_virtual PRELOAD   PRELOAD is the LD_PRELOAD value that loads
 *                                the shim (CMake passes it)
 *        bench_virtual --child   one measurement, in this process
 *
 * The parent runs the child natively and under the shim with
 * SOCKFAULT_NET=virtual, alternating, ROUNDS times each (SF_BENCH_ROUNDS,
 * default 3), keeps the best rate of each and prints virtual/kernel ratios
 * (targets: epoll ping-pong >= 5, blocking ping-pong >= 1.5, bulk >= 2, and
 * between two processes ping-pong >= 1.5, bulk >= 2).  It
 * asserts nothing about time: the ctest checks that it runs, that the data
 * arrives intact and that the virtual child really used the virtual
 * network. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "bench.h"

enum { MSG = BENCH_MSG, CHUNK = 65536 };
static const double SECONDS = 0.3; /* per batch */

/* One thread: c sends, s answers, both driven by one epoll set. */
static double epoll_pingpong(void)
{
	int c, s;
	bench_tcp_pair(&c, &s);
	if (fcntl(c, F_SETFL, O_NONBLOCK) || fcntl(s, F_SETFL, O_NONBLOCK))
		bench_die("fcntl");
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = c};
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev))
		bench_die("epoll_ctl");
	ev.data.fd = s;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev))
		bench_die("epoll_ctl");
	char buf[MSG];
	memset(buf, 'p', sizeof(buf));
	double best = 0;
	for (int k = 0; k < 4; k++) {
		long trips = 0;
		double t0 = bench_now_s(), t1;
		do {
			for (int i = 0; i < 100; i++, trips++) {
				if (send(c, buf, MSG, 0) != MSG)
					bench_die("send");
				int answered = 0;
				while (!answered) {
					struct epoll_event out[2];
					int n = epoll_wait(ep, out, 2, 5000);
					if (n <= 0)
						bench_die("epoll_wait");
					for (int j = 0; j < n; j++) {
						int fd = out[j].data.fd;
						ssize_t r = recv(fd, buf, MSG, 0);
						if (r < 0 && errno == EAGAIN)
							continue;
						if (r != MSG)
							bench_die("recv (short)");
						if (fd == s) {
							if (send(s, buf, MSG, 0) != MSG)
								bench_die("send");
						} else {
							answered = 1;
						}
					}
				}
			}
			t1 = bench_now_s();
		} while (t1 - t0 < SECONDS);
		double rate = (double)trips / (t1 - t0);
		if (k > 0 && rate > best)
			best = rate;
	}
	close(ep);
	close(c);
	close(s);
	return best;
}

/* Blocking request/response over c with an echo at the other end: the
 * best of 4 batches (the first a warm-up), round trips per second. */
static double echo_rate(int c)
{
	char buf[MSG];
	memset(buf, 'p', sizeof(buf));
	double best = 0;
	for (int k = 0; k < 4; k++) {
		long trips = 0;
		double t0 = bench_now_s(), t1;
		do {
			for (int i = 0; i < 100; i++, trips++) {
				if (send(c, buf, MSG, 0) != MSG)
					bench_die("send");
				bench_recv_full(c, buf, MSG);
			}
			t1 = bench_now_s();
		} while (t1 - t0 < SECONDS);
		double rate = (double)trips / (t1 - t0);
		if (k > 0 && rate > best)
			best = rate;
	}
	return best;
}

static double blocking_pingpong(void)
{
	int c, s;
	bench_tcp_pair(&c, &s);
	pthread_t t;
	if (pthread_create(&t, NULL, bench_echo, &s))
		bench_die("pthread_create");
	double best = echo_rate(c);
	shutdown(c, SHUT_RDWR);
	pthread_join(t, NULL);
	close(c);
	close(s);
	return best;
}

struct bulk {
	int fd;
	uint64_t bytes, sum;
};

/* A cheap checksum of the byte stream (position-dependent). */
static uint64_t mix(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void *bulk_reader(void *arg)
{
	struct bulk *b = arg;
	static __thread unsigned char buf[CHUNK];
	uint64_t h = 0xcbf29ce484222325ull;
	for (;;) {
		ssize_t r = recv(b->fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		/* sample the stream: checksumming all of it would measure the
		 * checksum, not the network */
		h = mix(h, buf, (size_t)r < 16 ? (size_t)r : 16);
		b->bytes += (uint64_t)r;
	}
	b->sum = h;
	return NULL;
}

static double bulk_mibps(uint64_t mib, int *intact)
{
	int c, s;
	bench_tcp_pair(&c, &s);
	struct bulk b = {.fd = s};
	pthread_t t;
	if (pthread_create(&t, NULL, bulk_reader, &b))
		bench_die("pthread_create");
	static unsigned char buf[CHUNK];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	uint64_t total = mib << 20, sent = 0;
	double t0 = bench_now_s();
	while (sent < total) {
		ssize_t w = send(c, buf, sizeof(buf), 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			bench_die("send");
		sent += (uint64_t)w;
	}
	shutdown(c, SHUT_WR);
	pthread_join(t, NULL);
	double t1 = bench_now_s();
	*intact = b.bytes == sent;
	close(c);
	close(s);
	return (double)(b.bytes >> 20) / (t1 - t0);
}

/* The other end in a forked child: every message crosses processes. */
static double proc_pingpong(void)
{
	int c, s;
	bench_tcp_pair(&c, &s);
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		close(c);
		bench_echo(&s);
		_exit(0);
	}
	close(s);
	double best = echo_rate(c);
	shutdown(c, SHUT_RDWR);
	close(c);
	waitpid(pid, NULL, 0);
	return best;
}

static double proc_bulk_mibps(uint64_t mib, int *intact)
{
	int c, s, p[2];
	bench_tcp_pair(&c, &s);
	if (pipe(p))
		bench_die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		close(c);
		struct bulk b = {.fd = s};
		bulk_reader(&b);
		_exit(write(p[1], &b.bytes, sizeof(b.bytes)) == sizeof(b.bytes) ? 0 : 1);
	}
	close(s);
	close(p[1]);
	static unsigned char buf[CHUNK];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	uint64_t total = mib << 20, sent = 0, got = 0;
	double t0 = bench_now_s();
	while (sent < total) {
		ssize_t w = send(c, buf, sizeof(buf), 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			bench_die("send");
		sent += (uint64_t)w;
	}
	shutdown(c, SHUT_WR);
	if (read(p[0], &got, sizeof(got)) != sizeof(got))
		got = 0;
	double t1 = bench_now_s();
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(c);
	*intact = got == sent;
	return (double)(got >> 20) / (t1 - t0);
}

static int child(void)
{
	unsigned (*count)(void) = (unsigned (*)(void))dlsym(RTLD_DEFAULT, "sf_vnet_socket_count");
	const char *env = getenv("SF_BENCH_BULK_MB");
	uint64_t mib = env ? strtoull(env, NULL, 10) : 1024;
	int probe = socket(AF_INET, SOCK_STREAM, 0);
	int virt = count && count() > 0; /* the probe is virtual */
	close(probe);
	double e = epoll_pingpong(), b = blocking_pingpong();
	int intact = 0;
	double mibps = bulk_mibps(mib ? mib : 1, &intact);
	double pp = proc_pingpong();
	int intact2 = 0;
	double pmibps = proc_bulk_mibps(mib ? mib : 1, &intact2);
	printf("virtual=%d epoll_rtps=%.1f blocking_rtps=%.1f bulk_mibps=%.1f intact=%d proc_rtps=%.1f proc_mibps=%.1f\n",
	       virt, e, b, mibps, intact && intact2, pp, pmibps);
	return 0;
}

struct result {
	double epoll, blocking, bulk, proc, proc_bulk;
};

static struct result measure(const char *self, const char *preload)
{
	char buf[512], pre[4096];
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", preload ? preload : "");
	const char *env[] = {"SOCKFAULT_SCENARIO", preload ? pre : "LD_PRELOAD",
			     preload ? "SOCKFAULT_NET=virtual" : "SOCKFAULT_NET", NULL};
	char *argv[] = {(char *)self, "--child", NULL};
	int failed = bench_run_child(argv, env, buf, sizeof(buf));
	int virt = -1, intact = 0;
	struct result res;
	if (failed ||
	    sscanf(buf, "virtual=%d epoll_rtps=%lf blocking_rtps=%lf bulk_mibps=%lf intact=%d proc_rtps=%lf proc_mibps=%lf",
		   &virt, &res.epoll, &res.blocking, &res.bulk, &intact, &res.proc, &res.proc_bulk) != 7) {
		fprintf(stderr, "bench_virtual: the %s child failed (output '%s')\n", preload ? "virtual" : "kernel",
			buf);
		exit(1);
	}
	if (virt != (preload != NULL) || !intact) {
		fprintf(stderr, "bench_virtual: the %s child ran %s the virtual network, data %s\n",
			preload ? "virtual" : "kernel", virt ? "on" : "without", intact ? "intact" : "LOST");
		exit(1);
	}
	return res;
}

static void keep_best(struct result *best, const struct result *r)
{
	if (r->epoll > best->epoll)
		best->epoll = r->epoll;
	if (r->blocking > best->blocking)
		best->blocking = r->blocking;
	if (r->bulk > best->bulk)
		best->bulk = r->bulk;
	if (r->proc > best->proc)
		best->proc = r->proc;
	if (r->proc_bulk > best->proc_bulk)
		best->proc_bulk = r->proc_bulk;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--child") == 0)
		return child();
	if (argc != 2 || !argv[1][0]) {
		fprintf(stderr, "usage: %s PRELOAD   (the LD_PRELOAD value that loads libsockfault.so)\n", argv[0]);
		return 2;
	}
	const char *env_rounds = getenv("SF_BENCH_ROUNDS");
	int rounds = env_rounds ? atoi(env_rounds) : 3;
	if (rounds < 1)
		rounds = 1;
	struct result kernel = {0}, virt = {0};
	for (int r = 0; r < rounds; r++) {
		struct result a, b;
		if (r % 2) {
			b = measure(argv[0], argv[1]);
			a = measure(argv[0], NULL);
		} else {
			a = measure(argv[0], NULL);
			b = measure(argv[0], argv[1]);
		}
		keep_best(&kernel, &a);
		keep_best(&virt, &b);
	}
	const char *mb = getenv("SF_BENCH_BULK_MB");
	printf("virtual network vs kernel loopback, best of %d rounds each\n", rounds);
	printf("  epoll ping-pong, 1 thread:    kernel %8.0f rt/s, virtual %8.0f rt/s, ratio %.2f (target >= 5)\n",
	       kernel.epoll, virt.epoll, virt.epoll / kernel.epoll);
	printf("  blocking ping-pong, 2 threads: kernel %8.0f rt/s, virtual %8.0f rt/s, ratio %.2f (target >= 1.5)\n",
	       kernel.blocking, virt.blocking, virt.blocking / kernel.blocking);
	printf("  bulk %s MiB:                 kernel %8.0f MiB/s, virtual %8.0f MiB/s, ratio %.2f (target >= 2)\n",
	       mb ? mb : "1024", kernel.bulk, virt.bulk, virt.bulk / kernel.bulk);
	printf("  ping-pong, 2 processes:       kernel %8.0f rt/s, virtual %8.0f rt/s, ratio %.2f (target >= 1.5)\n",
	       kernel.proc, virt.proc, virt.proc / kernel.proc);
	printf("  bulk %s MiB, 2 processes:    kernel %8.0f MiB/s, virtual %8.0f MiB/s, ratio %.2f (target >= 2)\n",
	       mb ? mb : "1024", kernel.proc_bulk, virt.proc_bulk, virt.proc_bulk / kernel.proc_bulk);
	return 0;
}
