/* What the full event log (SOCKFAULT_LOG_EVENTS=all, shim/faults/trace.c:
 * one JSON line and one write(2) per socket call) costs a 64-byte TCP
 * ping-pong, as ratios to the native kernel path measured in the same run:
 *
 *   native    no shim
 *   pass      the shim with nothing asked of it (calls pass through)
 *   engaged   the shim with a scenario whose one rule never fires (port 9):
 *             every call goes through the engine, nothing is logged
 *   log-all   the shim with SOCKFAULT_LOG=DIR/trace.log and
 *             SOCKFAULT_LOG_EVENTS=all, no scenario: every call logged
 *
 * Each mode is a child process (this program, --child) that runs TRIPS round
 * trips between a client thread and an echo thread over loopback, counting
 * every send and recv call of both; the parent runs the modes ROUNDS times,
 * interleaved so that drift hits all alike, and keeps each mode's best rate.
 * It prints calls/s, each mode's ratio to native, log-all against engaged,
 * and the log's bytes per line.  It asserts nothing about time (the ctest
 * checks that it runs and that the log holds a line per call).
 *
 * usage: bench_trace PRELOAD DIR      (DIR: the scenario and the log)
 *        bench_trace --child          one measurement, in this process
 * SF_BENCH_ROUNDS (default 5) and SF_BENCH_TRIPS (default 100000) override. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#include "bench.h"

static atomic_long echo_calls;

/* the echo thread: bench_echo, counting its calls */
static void *echo(void *arg)
{
	int fd = *(int *)arg;
	char buf[BENCH_MSG];
	long calls = 0;
	for (;;) {
		size_t got = 0;
		while (got < BENCH_MSG) {
			ssize_t r = recv(fd, buf + got, BENCH_MSG - got, 0);
			calls++;
			if (r <= 0) {
				atomic_store(&echo_calls, calls);
				return NULL;
			}
			got += (size_t)r;
		}
		calls++;
		if (send(fd, buf, BENCH_MSG, 0) != BENCH_MSG) {
			atomic_store(&echo_calls, calls);
			return NULL;
		}
	}
}

static int child(long trips)
{
	int c, s;
	bench_tcp_pair(&c, &s);
	pthread_t t;
	if (pthread_create(&t, NULL, echo, &s))
		bench_die("pthread_create");
	char buf[BENCH_MSG];
	memset(buf, 'p', sizeof(buf));
	long calls = 0;
	double t0 = bench_now_s();
	for (long i = 0; i < trips; i++) {
		calls++;
		if (send(c, buf, BENCH_MSG, 0) != BENCH_MSG)
			bench_die("send");
		size_t got = 0;
		while (got < BENCH_MSG) {
			ssize_t r = recv(c, buf + got, BENCH_MSG - got, 0);
			calls++;
			if (r <= 0)
				bench_die("recv");
			got += (size_t)r;
		}
	}
	double secs = bench_now_s() - t0;
	shutdown(c, SHUT_WR); /* the echo thread's last recv reads 0 */
	pthread_join(t, NULL);
	close(c);
	close(s);
	/* the echo thread's final recv (0) came after the clock stopped */
	calls += atomic_load(&echo_calls) - 1;
	printf("calls=%ld seconds=%.6f\n", calls, secs);
	return 0;
}

enum mode { NATIVE, PASS, ENGAGED, LOGALL, NMODES };
static const char *const mode_name[NMODES] = {"native (no shim)", "shim, pass-through",
					      "shim, engaged (rule never fires)", "shim, SOCKFAULT_LOG_EVENTS=all"};

struct run {
	long calls;
	double secs;
};

static struct run run_child(const char *self, enum mode m, const char *preload, const char *scenario,
			    const char *log, const char *trips)
{
	char pre[4096], sc[4160], lg[4160], sm[4160], tr[64], out[256];
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", preload);
	snprintf(sc, sizeof(sc), "SOCKFAULT_SCENARIO=%s", scenario);
	snprintf(lg, sizeof(lg), "SOCKFAULT_LOG=%s", log);
	snprintf(tr, sizeof(tr), "SF_BENCH_TRIPS=%s", trips);
	/* the engaged run's exit summary (its rule never fired) is not ours to print */
	snprintf(sm, sizeof(sm), "SOCKFAULT_SUMMARY=%s.summary", scenario);
	const char *env[] = {m == NATIVE ? "LD_PRELOAD" : pre, m == ENGAGED ? sc : "SOCKFAULT_SCENARIO",
			     m == LOGALL ? lg : "SOCKFAULT_LOG",
			     m == LOGALL ? "SOCKFAULT_LOG_EVENTS=all" : "SOCKFAULT_LOG_EVENTS",
			     m == ENGAGED ? sm : "SOCKFAULT_SUMMARY", tr, NULL};
	char *argv[] = {(char *)self, "--child", NULL};
	if (m == LOGALL)
		unlink(log); /* the log appends */
	struct run r;
	if (bench_run_child(argv, env, out, sizeof(out)) != 0 ||
	    sscanf(out, "calls=%ld seconds=%lf", &r.calls, &r.secs) != 2 || r.secs <= 0) {
		fprintf(stderr, "bench_trace: the %s child failed (output '%s')\n", mode_name[m], out);
		exit(1);
	}
	return r;
}

/* bytes and lines of the log */
static void log_size(const char *path, long long *bytes, long *lines)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bench_die(path);
	static char buf[1 << 16];
	ssize_t n;
	*bytes = 0;
	*lines = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		*bytes += n;
		for (ssize_t i = 0; i < n; i++)
			*lines += buf[i] == '\n';
	}
	close(fd);
}

int main(int argc, char **argv)
{
	const char *te = getenv("SF_BENCH_TRIPS");
	long trips = te ? atol(te) : 100000;
	if (trips < 1)
		trips = 1;
	if (argc == 2 && strcmp(argv[1], "--child") == 0)
		return child(trips);
	if (argc != 3 || !argv[1][0]) {
		fprintf(stderr, "usage: %s PRELOAD DIR\n", argv[0]);
		return 2;
	}
	const char *preload = argv[1], *dir = argv[2];
	char self[4096], scenario[4096], log[4096], trips_s[32];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl <= 0)
		bench_die("readlink");
	self[sl] = 0;
	mkdir(dir, 0700);
	snprintf(scenario, sizeof(scenario), "%s/never.sf", dir);
	snprintf(log, sizeof(log), "%s/trace.log", dir);
	snprintf(trips_s, sizeof(trips_s), "%ld", trips);
	FILE *f = fopen(scenario, "w");
	if (!f)
		bench_die(scenario);
	/* engages the shim; nothing here talks to port 9 (discard) */
	fputs("recv port=9 -> eintr\n", f);
	fclose(f);

	const char *re = getenv("SF_BENCH_ROUNDS");
	int rounds = re ? atoi(re) : 5;
	if (rounds < 1)
		rounds = 1;
	double best[NMODES] = {0};
	long calls[NMODES] = {0};
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < NMODES; k++) {
			/* alternate the order so that no mode always runs first */
			enum mode m = (enum mode)(r % 2 ? NMODES - 1 - k : k);
			struct run x = run_child(self, m, preload, scenario, log, trips_s);
			double rate = (double)x.calls / x.secs;
			if (rate > best[m])
				best[m] = rate;
			calls[m] = x.calls;
		}
	long long bytes;
	long lines;
	log_size(log, &bytes, &lines);
	/* a line per send and recv, plus socket/connect/accept/close... lines */
	if (lines < calls[LOGALL]) {
		fprintf(stderr, "bench_trace: %s holds %ld lines, fewer than the %ld calls made\n", log, lines,
			calls[LOGALL]);
		return 1;
	}
	printf("64-byte TCP ping-pong over loopback, %ld round trips (%ld send/recv calls), best of %d\n", trips,
	       calls[NATIVE], rounds);
	for (int m = 0; m < NMODES; m++)
		printf("  %-34s %10.0f calls/s   / native %.3f\n", mode_name[m], best[m], best[m] / best[NATIVE]);
	printf("log-all / pass-through = %.3f\n", best[LOGALL] / best[PASS]);
	printf("log-all / engaged      = %.3f\n", best[LOGALL] / best[ENGAGED]);
	printf("log: %ld lines, %lld bytes, %.1f bytes per event (line)\n", lines, bytes,
	       (double)bytes / (double)lines);
	unlink(log);
	unlink(scenario);
	char sum[4160];
	snprintf(sum, sizeof(sum), "%s.summary", scenario);
	unlink(sum);
	rmdir(dir);
	return 0;
}
