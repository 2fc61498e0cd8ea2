/* Rule-engine cost: recv() on an empty non-blocking TCP socket (EAGAIN)
 * under the shim with scenarios of 1, 100 and 1000 rules that name recv but
 * match another peer, as a ratio to the shim with no scenario, all measured
 * in this run (target: <= 1.2 at 1000 rules).
 *
 * usage: bench_engine SHIM_PATH      (the parent; re-executes itself)
 *        bench_engine --child        (measures; prints ns per call) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { CALLS = 200000, BATCHES = 15, ROUNDS = 5 };

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int child(void)
{
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&a, &al))
		return 1;
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	int s = accept(ls, NULL, NULL);
	fcntl(s, F_SETFL, O_NONBLOCK);
	char b;
	double best = 1e30;
	for (int k = 0; k < BATCHES; k++) {
		double t0 = now_ns();
		for (int i = 0; i < CALLS; i++)
			if (recv(s, &b, 1, 0) != -1 || errno != EAGAIN)
				return 1;
		double per = (now_ns() - t0) / CALLS;
		if (per < best)
			best = per;
	}
	printf("%.2f\n", best);
	return 0;
}

static double measure(const char *self, const char *shim, const char *scenario)
{
	int p[2];
	if (pipe(p))
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		if (shim)
			setenv("LD_PRELOAD", shim, 1);
		else
			unsetenv("LD_PRELOAD");
		if (scenario)
			setenv("SOCKFAULT_SCENARIO", scenario, 1);
		else
			unsetenv("SOCKFAULT_SCENARIO");
		setenv("SOCKFAULT_SUMMARY", "/dev/null", 1);
		execl(self, self, "--child", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char buf[64] = {0};
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	if (n <= 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench_engine: child failed (%s)\n", scenario ? scenario : "no scenario");
		exit(1);
	}
	return atof(buf);
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
	for (int r = 0; r < ROUNDS; r++) {
		double x;
		if ((x = measure(argv[0], NULL, NULL)) < native)
			native = x;
		if ((x = measure(argv[0], argv[1], NULL)) < base)
			base = x;
		for (int i = 0; i < 3; i++)
			if ((x = measure(argv[0], argv[1], paths[i])) < rules[i])
				rules[i] = x;
	}
	for (int i = 0; i < 3; i++)
		unlink(paths[i]);
	printf("recv EAGAIN per call: native %.1f ns, shim without scenario %.1f ns\n", native, base);
	for (int i = 0; i < 3; i++)
		printf("rule engine, %4d non-matching recv rules: %.1f ns, ratio %.3f to the no-scenario shim%s\n",
		       sizes[i], rules[i], rules[i] / base, sizes[i] == 1000 ? " (target <= 1.2)" : "");
	return 0;
}
