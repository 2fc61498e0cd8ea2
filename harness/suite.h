/* sockfault suite: the parsed suite file (suite_parse.c), the result of
 * running one case (suite_exec.c, expect.c) and the reporters that turn
 * results into text (progress.c, tap.c, junit.c, replay.c).  The format is
 * documented in scenarios/SUITE.md and `sockfault suite --help`. */
#ifndef SF_SUITE_H
#define SF_SUITE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The `sockfault suite` command (suite.c). */
int sf_cmd_suite(int argc, char **argv);

#define SF_CASE_DEFAULT_TIMEOUT_NS (60ull * 1000000000ull)

/* `stdout ~ RE`, `stdout !~ RE`, and the same for stderr. */
struct sf_pattern {
	bool on_stderr;
	bool negate; /* !~: the output must not match */
	char *source;
	regex_t re;
};

/* `fires REF...` / `never REF...`: a rule by id (`3`, `rule:3`) or by the
 * line it is on in its scenario (`line:7`). */
struct sf_rule_ref {
	bool by_line;
	bool must_fire;
	unsigned n;
};

struct sf_case {
	char *name;
	unsigned index; /* 0-based position in the suite file */
	unsigned line;  /* line of its `case` */
	char *scenario; /* absolute path, or NULL for none */
	bool scenario_has_seed;
	uint64_t scenario_seed;
	char **argv; /* NULL-terminated */
	char *cwd;   /* absolute */
	int exit_code; /* -1: any */
	bool has_seed;
	uint64_t seed;
	uint64_t timeout_ns;
	struct sf_pattern *patterns;
	unsigned npatterns;
	struct sf_rule_ref *refs;
	unsigned nrefs;
};

struct sf_suite {
	char *path; /* as given on the command line */
	char *name; /* its file name without directory and extension */
	struct sf_case *cases;
	unsigned ncases;
};

/* Reads, parses and validates a suite file, including every scenario its
 * cases name.  On error returns -1 with one or more lines (no final newline)
 * in err, the first "FILE:LINE:COL: message"; *out then needs no free. */
int sf_suite_load(const char *path, struct sf_suite *out, char *err, size_t errlen);
void sf_suite_free(struct sf_suite *s);

enum sf_outcome { SF_NOT_RUN, SF_PASS, SF_FAIL };

/* Where one case's files go: DIR/<case-name>/... */
struct sf_artifacts {
	char *dir;
	char *out, *err, *log, *summary, *pcap, *replay, *report;
};

struct sf_result {
	enum sf_outcome outcome;
	bool timed_out;
	bool interrupted; /* killed because the suite was */
	bool started;
	int status; /* as from waitpid */
	double seconds;
	uint64_t seed; /* the seed the case ran with (meaningful with a scenario) */
	char *why;     /* failed expectations, one per line; NULL when passed */
	char *replay;  /* the shell command line that reruns the case */
	struct sf_artifacts files;
};

/* expect.c: judges a finished case by its expectations, filling r->why and
 * r->outcome from r->status, r->timed_out and its artifact files. */
void sf_expect_judge(const struct sf_case *c, struct sf_result *r);

/* suite_index.c: ROOT/index.html for --artifacts; 0 or -1 (errno). */
int sf_suite_write_index(const char *root, const struct sf_suite *s, const unsigned *selected, unsigned nsel,
			 const struct sf_result *results, double seconds);

/* replay.c: `cd DIR && SOCKFAULT run -s SCENARIO --seed N -- ARGV...`,
 * quoted for sh; malloc'd. */
char *sf_replay_line(const char *self, const struct sf_case *c, uint64_t seed);
/* Appends s to buf (malloc'd, *len in use) quoted for sh if it needs it. */
void sf_shell_quote(char **buf, size_t *len, const char *s);

/* suite_exec.c: runs the selected cases, at most `jobs` at once, each in its
 * own process group, killed with it at its timeout.  Calls the progress
 * reporter as cases start and end.  Returns 0, or -1 when interrupted by
 * SIGINT/SIGTERM/SIGHUP (running cases killed, the rest left SF_NOT_RUN). */
struct sf_progress;
struct sf_exec {
	const char *self; /* our own executable, for `sockfault run` */
	const struct sf_suite *suite;
	const unsigned *selected; /* case indices, in file order */
	unsigned nselected;
	struct sf_result *results; /* one per selected case */
	unsigned jobs;
	bool capture; /* each case also writes its traffic to files.pcap (--artifacts) */
	struct sf_progress *progress;
	void (*on_done)(void *ctx, unsigned k); /* k: index into selected */
	void *ctx;
};
int sf_exec_cases(struct sf_exec *x);

/* progress.c: what a person watching sees while the suite runs; `live`
 * allows the status line redrawn in place (when out is a terminal). */
struct sf_progress *sf_progress_new(FILE *out, unsigned total, bool live);
void sf_progress_started(struct sf_progress *p, const char *name);
void sf_progress_finished(struct sf_progress *p, const char *name, const struct sf_result *r);
void sf_progress_tick(struct sf_progress *p); /* redraw the status line, if any */
void sf_progress_free(struct sf_progress *p); /* erases the status line */

/* tap.c: TAP version 13 on out, results in file order as they complete;
 * the pointers must outlive it. */
struct sf_tap;
struct sf_tap *sf_tap_new(FILE *out, const struct sf_suite *s, const unsigned *selected, unsigned n,
			  const struct sf_result *results);
void sf_tap_result(struct sf_tap *t, unsigned k); /* results[k] is final */
void sf_tap_free(struct sf_tap *t);               /* lines for cases not run */

/* junit.c: the whole run as JUnit XML.  Returns 0 or -1 with errno. */
int sf_junit_write(const char *path, const struct sf_suite *s, const unsigned *selected, unsigned n,
		   const struct sf_result *results, double seconds, const char *shard);

/* expect.c: at most `max` bytes from the start of a file, or its end when
 * `tail`; NUL-terminated (*len without the NUL), *size the whole file's.
 * NULL when it cannot be read. */
char *sf_read_part(const char *path, size_t max, bool tail, size_t *len, size_t *size);

#endif
