/* Rule-engine cost: recv() on an empty non-blocking TCP socket (EAGAIN)
 * under the shim with scenarios of 1, 100 and 1000 rules that name recv but
 * match another peer, as a ratio to the shim with no scenario, all measured
 * in this run (target: <= 1.2 at 1000 rules): process against process,
 * and -- the precise figure on a noisy machine -- the shim's cost per call
 * paired against libc's own recv inside each shim process (bench.h).
 *
 * usage: bench_engine SHIM_PATH      (the parent; re-executes itself)
 *        bench_engine --child        (measures; prints ns per call and the
 *                                     paired overhead) */
#define _GNU_SOURCE
#include <fcntl.h>

#include "bench.h"

enum { CALLS = 200000, BATCHES = 15, ROUNDS = 5 };

static int child(void)
{
	int c, s;
	bench_tcp_pair(&c, &s);
	fcntl(s, F_SETFL, O_NONBLOCK);
	char b;
	double best = 1e30;
	for (int k = 0; k < BATCHES; k++) {
		double t0 = bench_now_ns();
		for (int i = 0; i < CALLS; i++)
			if (recv(s, &b, 1, 0) != -1 || errno != EAGAIN)
				return 1;
		double per = (bench_now_ns() - t0) / CALLS;
		if (per < best)
			best = per;
	}
	/* The same call through libc's own recv, paired with the interposed
	 * one (bench.h); only meaningful under the shim. */
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	recv_fn recv_libc = libc ? (recv_fn)dlsym(libc, "recv") : NULL;
	recv_fn recv_any = (recv_fn)dlsym(RTLD_DEFAULT, "recv");
	double paired = recv_libc && recv_any ? PAIRED(recv_any(s, &b, 1, 0), recv_libc(s, &b, 1, 0), -1) : 0;
	printf("%.2f %.3f\n", best, paired);
	return 0;
}

static double measure(const char *self, const char *shim, const char *scenario, double *paired)
{
	char buf[64], pre[4096], sc[4096];
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", shim ? shim : "");
	snprintf(sc, sizeof(sc), "SOCKFAULT_SCENARIO=%s", scenario ? scenario : "");
	const char *env[] = {shim ? pre : "LD_PRELOAD", scenario ? sc : "SOCKFAULT_SCENARIO",
			     "SOCKFAULT_SUMMARY=/dev/null", NULL};
	char *argv[] = {(char *)self, "--child", NULL};
	if (bench_run_child(argv, env, buf, sizeof(buf)) != 0 || !buf[0]) {
		fprintf(stderr, "bench_engine: child failed (%s)\n", scenario ? scenario : "no scenario");
		exit(1);
	}
	double ns = 0;
	if (sscanf(buf, "%lf %lf", &ns, paired) != 2) {
		fprintf(stderr, "bench_engine: child printed '%s'\n", buf);
		exit(1);
	}
	return ns;
}

static void write_rules(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	if (!f)
		exit(1);
	for (int i = 0; i < n; i++)
		fprintf(f, "recv peer=10.%d.%d.%d:443 -> eintr\n", i / 65536 % 256, i / 256 % 256, i % 256);
	fclose(f);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--child") == 0)
		return child();
	if (argc != 2) {
		fprintf(stderr, "usage: %s SHIM_PATH\n", argv[0]);
		return 2;
	}
	const int sizes[] = {1, 100, 1000};
	char paths[3][64];
	for (int i = 0; i < 3; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/tmp/sf-bench-rules-%d-%d.sf", (int)getpid(), sizes[i]);
		write_rules(paths[i], sizes[i]);
	}
	double native = 1e30, base = 1e30, rules[3] = {1e30, 1e30, 1e30};
	double pbase[ROUNDS], prules[3][ROUNDS], unused;
	for (int r = 0; r < ROUNDS; r++) {
		double x;
		if ((x = measure(argv[0], NULL, NULL, &unused)) < native)
			native = x;
		if ((x = measure(argv[0], argv[1], NULL, &pbase[r])) < base)
			base = x;
		for (int i = 0; i < 3; i++)
			if ((x = measure(argv[0], argv[1], paths[i], &prules[i][r])) < rules[i])
				rules[i] = x;
	}
	for (int i = 0; i < 3; i++)
		unlink(paths[i]);
	printf("recv EAGAIN per call: native %.1f ns, shim without scenario %.1f ns\n", native, base);
	printf("process against process, best of %d each:\n", ROUNDS);
	for (int i = 0; i < 3; i++)
		printf("  rule engine, %4d non-matching recv rules: %.1f ns, ratio %.3f to the no-scenario shim%s\n",
		       sizes[i], rules[i], rules[i] / base, sizes[i] == 1000 ? " (target <= 1.2)" : "");
	/* The precise figure: the shim's cost per call paired against libc's
	 * own recv in the same process (bench.h), median of the rounds, over
	 * the native call's time. */
	qsort(pbase, ROUNDS, sizeof(double), cmp_double);
	printf("paired in the shim's process (interposed recv - libc's own), median of %d rounds:\n"
	       "  no scenario: +%.1f ns per call\n", ROUNDS, pbase[ROUNDS / 2]);
	for (int i = 0; i < 3; i++) {
		qsort(prules[i], ROUNDS, sizeof(double), cmp_double);
		double p = prules[i][ROUNDS / 2];
		printf("  rule engine, %4d non-matching recv rules: +%.1f ns, ratio %.3f to the no-scenario shim%s\n",
		       sizes[i], p, (native + p) / (native + pbase[ROUNDS / 2]),
		       sizes[i] == 1000 ? " (target <= 1.2)" : "");
	}
	return 0;
}
