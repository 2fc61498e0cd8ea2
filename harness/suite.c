/* sockfault suite: runs the cases of a suite file in parallel, each under
 * `sockfault run`, judges them, and reports: progress, TAP, JUnit XML,
 * per-case artifacts, and for each failure the command that replays it. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

static const char usage[] =
	"usage: sockfault suite SUITE_FILE [options]\n"
	"\n"
	"Runs every case of SUITE_FILE under `sockfault run`, in parallel, and checks\n"
	"each against its expectations.  Exit status: 0 if every selected case passed,\n"
	"1 if one failed, 2 for a usage error or a bad suite or scenario file (nothing\n"
	"runs then), 130 if interrupted.\n"
	"\n"
	"options:\n"
	"  -j, --jobs N          run N cases at once (default: the number of CPUs)\n"
	"      --junit FILE      write JUnit XML to FILE\n"
	"      --tap             write TAP version 13 to stdout (progress goes to stderr)\n"
	"      --artifacts DIR   keep each case's stdout, stderr, events.jsonl (event log),\n"
	"                        summary, capture.pcap (its traffic) and report.html (a\n"
	"                        picture of the run) in DIR/CASE/, and DIR/index.html\n"
	"                        (default: a temporary directory, removed at the end)\n"
	"      --shard I/N       run only the cases whose position in the file (0-based)\n"
	"                        modulo N is I-1; shards 1/N .. N/N cover every case once\n"
	"      --seed N          seed for cases that set none (default: the scenario's)\n"
	"  -h, --help            this text\n"
	"\n"
	"Suite file: one keyword per line; blank lines and lines starting with # are\n"
	"ignored.  A case runs from its `case` line to the next.  Paths are relative to\n"
	"the suite file's directory; commands run there too unless `cwd` says otherwise.\n"
	"\n"
	"  timeout 30s            before the first case: default for every case\n"
	"  cwd ..                 before the first case: default for every case\n"
	"\n"
	"  case NAME              starts a case (letters, digits, _ - .)\n"
	"  scenario FILE|none     the scenario to run under (default: none)\n"
	"  run PROGRAM ARGS...    the command; sh-like quoting, nothing expanded\n"
	"  sh COMMAND LINE        or: a command line for /bin/sh -c\n"
	"  cwd DIR                directory to run in\n"
	"  exit N|any             expected exit status (default 0)\n"
	"  stdout ~ REGEX         stdout must match REGEX (POSIX extended, ^ and $ at\n"
	"                         line ends); stderr ~ REGEX likewise\n"
	"  stdout !~ REGEX        stdout must not match; stderr !~ REGEX likewise\n"
	"  fires RULE...          each rule must fire: N or rule:N (the Nth rule of the\n"
	"                         scenario), line:N (the rule on line N)\n"
	"  never RULE...          each rule must not fire\n"
	"  seed N                 the seed for this case (beats --seed)\n"
	"  timeout DURATION       kill the case and all it started after this (default 60s)\n"
	"\n"
	"The full description: scenarios/SUITE.md.\n";

struct opts {
	const char *file, *junit, *artifacts;
	bool tap, has_seed;
	uint64_t seed;
	unsigned jobs, shard_i, shard_n;
};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("sockfault suite: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(see sockfault suite --help)\n", stderr);
	return 2;
}

static int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*v = x;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"jobs", required_argument, NULL, 'j'}, {"junit", required_argument, NULL, 'J'},
		{"tap", no_argument, NULL, 'T'},        {"artifacts", required_argument, NULL, 'A'},
		{"shard", required_argument, NULL, 'S'}, {"seed", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
	};
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	*o = (struct opts){.jobs = n > 0 ? (unsigned)n : 1, .shard_i = 1, .shard_n = 1};
	int c;
	uint64_t v;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":j:h", longs, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 1;
		case 'j':
			if (parse_uint(optarg, 4096, &v) != 0 || v == 0)
				return usage_error("--jobs '%s': expected a number from 1 to 4096", optarg);
			o->jobs = (unsigned)v;
			break;
		case 'J': o->junit = optarg; break;
		case 'T': o->tap = true; break;
		case 'A': o->artifacts = optarg; break;
		case 's':
			if (parse_uint(optarg, UINT64_MAX, &o->seed) != 0)
				return usage_error("--seed '%s': expected an unsigned 64-bit number", optarg);
			o->has_seed = true;
			break;
		case 'S': {
			const char *slash = strchr(optarg, '/');
			uint64_t i, k;
			char first[24];
			if (!slash || (size_t)(slash - optarg) >= sizeof(first))
				return usage_error("--shard '%s': expected I/N, e.g. 2/4", optarg);
			memcpy(first, optarg, (size_t)(slash - optarg));
			first[slash - optarg] = '\0';
			if (parse_uint(first, UINT_MAX, &i) != 0 || parse_uint(slash + 1, UINT_MAX, &k) != 0 || !i ||
			    i > k)
				return usage_error("--shard '%s': expected I/N with 1 <= I <= N, e.g. 2/4", optarg);
			o->shard_i = (unsigned)i;
			o->shard_n = (unsigned)k;
			break;
		}
		case ':':
			/* As typed: optopt would be our internal code for a long option. */
			return usage_error("%s needs a value", argv[optind - 1]);
		default: {
			char opt[3] = {'-', (char)optopt, 0};
			return usage_error("unknown option '%s'", optopt ? opt : argv[optind - 1]);
		}
		}
	}
	if (optind >= argc)
		return usage_error("%s", "no suite file given");
	if (optind + 1 < argc)
		return usage_error("one suite file at a time ('%s' is extra)", argv[optind + 1]);
	o->file = argv[optind];
	return 0;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = saved;
		if (!saved)
			break;
	}
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static char *path_join(const char *dir, const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0) {
		fputs("sockfault suite: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

/* Every file of a case, whether kept or not; capture.pcap (and
 * capture.pcap.PID from forked children) only when kept: capturing costs
 * the case time, and nobody reads a capture that is removed at the end. */
static int prepare_artifacts(const char *root, const struct sf_case *c, struct sf_result *r)
{
	struct sf_artifacts *f = &r->files;
	f->dir = path_join(root, c->name);
	f->out = path_join(f->dir, "stdout");
	f->err = path_join(f->dir, "stderr");
	f->log = path_join(f->dir, "events.jsonl");
	f->summary = path_join(f->dir, "summary");
	f->pcap = path_join(f->dir, "capture.pcap");
	f->replay = path_join(f->dir, "replay.sh");
	f->report = path_join(f->dir, "report.html");
	if (mkdir(f->dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "sockfault suite: %s: %s\n", f->dir, strerror(errno));
		return -1;
	}
	FILE *sh = fopen(f->replay, "w");
	bool bad = !sh;
	if (sh) {
		bad = fprintf(sh, "#!/bin/sh\n# reruns case '%s' the way the suite ran it\n%s\n", c->name, r->replay) < 0;
		bad |= fclose(sh) != 0;
	}
	if (bad) {
		fprintf(stderr, "sockfault suite: %s: %s\n", f->replay, strerror(errno));
		return -1;
	}
	chmod(f->replay, 0755);
	return 0;
}

static void remove_artifacts(const struct sf_artifacts *f)
{
	if (!f->dir)
		return;
	const char *files[] = {f->out, f->err, f->log, f->summary, f->pcap, f->replay, f->report};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir(f->dir);
}

static void free_artifacts(struct sf_artifacts *f)
{
	free(f->dir);
	free(f->out);
	free(f->err);
	free(f->log);
	free(f->summary);
	free(f->pcap);
	free(f->replay);
	free(f->report);
}

/* The last lines of a case's output, indented, for the failure report. */
static void show_tail(FILE *out, const char *what, const char *path)
{
	size_t len, size;
	char *text = sf_read_part(path, 4096, true, &len, &size);
	if (!text || !len) {
		free(text);
		return;
	}
	while (len && text[len - 1] == '\n')
		len--;
	size_t start = len;
	int lines = 0;
	while (start > 0 && lines < 10)
		if (text[--start] == '\n')
			lines++;
	if (text[start] == '\n')
		start++;
	fprintf(out, "  %s%s:\n", what, start > 0 || size > len + 1 ? " (last lines)" : "");
	/* Programs print anything; escape sequences must not reach the
	 * terminal of whoever reads the report. */
	for (size_t i = start; i < len; i++)
		if (((unsigned char)text[i] < 0x20 && text[i] != '\n' && text[i] != '\t') || text[i] == 0x7f)
			text[i] = '?';
	for (size_t i = start; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		fprintf(out, "  | %.*s\n", (int)n, text + i);
		i += n + 1;
	}
	free(text);
}

struct run_ctx {
	struct sf_tap *tap;
};

static void on_done(void *ctx, unsigned k)
{
	struct run_ctx *rc = ctx;
	sf_tap_result(rc->tap, k);
}

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The report for people, after the run: every failure in file order with
 * its reasons, replay command and output tail, then the counts. */
static unsigned report(FILE *out, const struct sf_suite *s, const unsigned *selected, unsigned nsel,
		       const struct sf_result *results, bool kept, const char *shard, double seconds)
{
	unsigned passed = 0, failed = 0, not_run = 0;
	for (unsigned k = 0; k < nsel; k++) {
		const struct sf_case *c = &s->cases[selected[k]];
		const struct sf_result *r = &results[k];
		passed += r->outcome == SF_PASS;
		not_run += r->outcome == SF_NOT_RUN;
		if (r->outcome != SF_FAIL)
			continue;
		failed++;
		fprintf(out, "\nFAIL %s", c->name);
		if (c->scenario)
			fprintf(out, " (seed %" PRIu64 ")", r->seed);
		fputs(":\n", out);
		for (const char *line = r->why ? r->why : "failed"; *line;) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			fprintf(out, "  %.*s\n", (int)len, line);
			line += len + (nl != NULL);
		}
		fprintf(out, "  replay: %s\n", r->replay);
		if (kept)
			fprintf(out, "  artifacts: %s/\n", r->files.dir);
		if (r->started) {
			show_tail(out, "stdout", r->files.out);
			show_tail(out, "stderr", r->files.err);
		}
	}
	fprintf(out, "\n%u case%s", nsel, nsel == 1 ? "" : "s");
	if (shard)
		fprintf(out, " (shard %s of %u)", shard, s->ncases);
	fprintf(out, ": %u passed", passed);
	if (failed)
		fprintf(out, ", %u failed", failed);
	if (not_run)
		fprintf(out, ", %u not run (interrupted)", not_run);
	fprintf(out, " in %.1f s\n", seconds);
	fflush(out);
	return failed;
}

int sf_cmd_suite(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;

	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "sockfault suite: /proc/self/exe: %s\n", strerror(errno));
		return 2;
	}
	self[n] = '\0';

	struct sf_suite s;
	char err[2048];
	if (sf_suite_load(o.file, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	int status = 2;
	unsigned *selected = calloc(s.ncases + 1, sizeof(*selected)), nsel = 0;
	struct sf_result *results = calloc(s.ncases + 1, sizeof(*results));
	char root[PATH_MAX] = "";
	if (!selected || !results) {
		fputs("sockfault suite: out of memory\n", stderr);
		goto out;
	}
	/* Create the report file now: a path we cannot write is a usage error,
	 * better found before a long run than after it. */
	if (o.junit) {
		FILE *f = fopen(o.junit, "w");
		if (!f) {
			fprintf(stderr, "sockfault suite: --junit %s: %s\n", o.junit, strerror(errno));
			goto out;
		}
		fclose(f);
	}
	if (o.artifacts) {
		if (mkdir_p(o.artifacts) != 0 || !realpath(o.artifacts, root)) {
			fprintf(stderr, "sockfault suite: --artifacts %s: %s\n", o.artifacts, strerror(errno));
			root[0] = '\0';
			goto out;
		}
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(root, sizeof(root), "%s/sockfault-suite.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(root)) {
			fprintf(stderr, "sockfault suite: %s: %s\n", root, strerror(errno));
			root[0] = '\0';
			goto out;
		}
	}
	for (unsigned i = 0; i < s.ncases; i++)
		if (i % o.shard_n == o.shard_i - 1)
			selected[nsel++] = i;
	for (unsigned k = 0; k < nsel; k++) {
		const struct sf_case *c = &s.cases[selected[k]];
		struct sf_result *r = &results[k];
		/* The case's own seed, else --seed, else the scenario's: always
		 * passed explicitly, so the replay line is exactly what ran. */
		r->seed = c->has_seed ? c->seed : o.has_seed ? o.seed : c->scenario_has_seed ? c->scenario_seed : 0;
		r->replay = sf_replay_line(self, c, r->seed);
		if (prepare_artifacts(root, c, r) != 0)
			goto out;
	}

	char shard[48] = "";
	if (o.shard_n > 1)
		snprintf(shard, sizeof(shard), "%u/%u", o.shard_i, o.shard_n);
	/* With --tap, stdout is the TAP stream; people read stderr. */
	FILE *human = o.tap ? stderr : stdout;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct run_ctx ctx = {.tap = o.tap ? sf_tap_new(stdout, &s, selected, nsel, results) : NULL};
	struct sf_exec x = {
		.self = self, .suite = &s, .selected = selected, .nselected = nsel, .results = results,
		.jobs = o.jobs < nsel ? o.jobs : nsel ? nsel : 1, .capture = o.artifacts != NULL,
		/* No status line with TAP: on a terminal, stdout and stderr share
		 * the screen, and TAP lines would land inside it. */
		.progress = sf_progress_new(human, nsel, !o.tap), .on_done = on_done, .ctx = &ctx,
	};
	bool interrupted = sf_exec_cases(&x) != 0;
	double seconds = since(&t0);
	sf_progress_free(x.progress);
	sf_tap_free(ctx.tap);
	unsigned failed = report(human, &s, selected, nsel, results, o.artifacts != NULL, shard[0] ? shard : NULL,
				 seconds);
	status = interrupted ? 130 : failed ? 1 : 0;
	if (o.artifacts && sf_suite_write_index(root, &s, selected, nsel, results, seconds) != 0) {
		fprintf(stderr, "sockfault suite: %s/index.html: %s\n", root, strerror(errno));
		status = 2;
	}
	if (o.junit && sf_junit_write(o.junit, &s, selected, nsel, results, seconds, shard[0] ? shard : NULL) != 0) {
		fprintf(stderr, "sockfault suite: --junit %s: %s\n", o.junit, strerror(errno));
		status = 2;
	}
out:
	for (unsigned k = 0; results && k < nsel; k++) {
		if (!o.artifacts)
			remove_artifacts(&results[k].files);
		free_artifacts(&results[k].files);
		free(results[k].why);
		free(results[k].replay);
	}
	if (!o.artifacts && root[0])
		rmdir(root);
	free(results);
	free(selected);
	sf_suite_free(&s);
	return status;
}
