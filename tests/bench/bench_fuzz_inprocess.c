/* In-process throughput of the sample server's fuzz harness
 * (fuzz/fuzz_sample_server.c, linked with libsockfault_fuzz.a): calls
 * LLVMFuzzerTestOneInput on the inputs of a directory, cycled, for SECONDS,
 * and prints execs/s.  Without libFuzzer: the harness's own cost per input
 * (reset, virtual sockets, the server's code), which is what bounds a
 * libFuzzer campaign's execs/s.  The inputs must not crash.
 *
 *   bench_fuzz_inprocess CORPUS_DIR SECONDS */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s CORPUS_DIR SECONDS\n", argv[0]);
		return 2;
	}
	static struct {
		uint8_t data[4096];
		size_t len;
	} in[256];
	unsigned n = 0;
	DIR *d = opendir(argv[1]);
	struct dirent *de;
	while (d && (de = readdir(d)) && n < 256) {
		char path[4096];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		in[n].len = fread(in[n].data, 1, sizeof(in[n].data), f);
		fclose(f);
		n++;
	}
	if (d)
		closedir(d);
	if (!n) {
		fprintf(stderr, "bench_fuzz_inprocess: no inputs in %s\n", argv[1]);
		return 1;
	}
	double secs = atof(argv[2]), t0 = now();
	unsigned long done = 0;
	while (now() - t0 < secs)
		for (unsigned k = 0; k < 64; k++, done++)
			LLVMFuzzerTestOneInput(in[done % n].data, in[done % n].len);
	double t = now() - t0;
	printf("in-process: %lu inputs in %.1f s = %.0f execs/s\n", done, t, (double)done / t);
	return 0;
}
