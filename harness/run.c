/* sockfault run: exec a program with the shim preloaded and the options
 * turned into SOCKFAULT_* variables.  The program replaces this process, so
 * its exit status is ours; with --report we stay, wait for it, write the
 * page, and exit with its status. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "faults/scenario.h"

static const char usage[] =
	"usage: sockfault run [options] -- PROGRAM [ARGS...]\n"
	"\n"
	"Runs PROGRAM with libsockfault.so preloaded; the exit status is PROGRAM's.\n"
	"\n"
	"options:\n"
	"  -s, --scenario FILE   inject the faults FILE describes (SOCKFAULT_SCENARIO)\n"
	"      --seed N          seed for random choices (SOCKFAULT_SEED)\n"
	"      --log FILE        one JSON line per injected fault (SOCKFAULT_LOG)\n"
	"      --log-events faults|all  all: the log also gets every connection, call\n"
	"                        and lookup, what a report draws (SOCKFAULT_LOG_EVENTS)\n"
	"      --report FILE     after PROGRAM exits, write an HTML page of the run\n"
	"                        (sockfault report); implies --log-events all\n"
	"      --summary FILE    write the exit summary there, not stderr (SOCKFAULT_SUMMARY)\n"
	"      --pcap FILE       capture the traffic to a pcap file (SOCKFAULT_PCAP)\n"
	"      --pcap-mtu N      MTU the captured TCP segments are split at, default 1500\n"
	"                        (SOCKFAULT_PCAP_MTU)\n"
	"      --net kernel|virtual|virtual:NAME\n"
	"                        which network sockets use (SOCKFAULT_NET); every process\n"
	"                        of the run shares the virtual one; NAME joins runs by name\n"
	"      --fuzz INPUT      fuzz-peer mode: the shim plays the other side from fuzz\n"
	"                        input INPUT ('-': stdin) on the virtual network (SOCKFAULT_FUZZ)\n"
	"  -h, --help            this text\n";

static int setvar(const char *name, const char *value)
{
	if (setenv(name, value, 1) == 0)
		return 0;
	fprintf(stderr, "sockfault run: setenv %s: %s\n", name, strerror(errno));
	return -1;
}

/* What a run with --report reads after the program: the log (ours, in a
 * temporary file, unless --log named one) and the captures. */
struct run_files {
	const char *report;
	char *log, *pcap, *scenario;
	bool own_log;
};

static pid_t child = -1; /* the program, while we wait for it */

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* PATH and the PATH.<pid> files of the run's other processes. */
static size_t list_captures(const char *path, char ***out)
{
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
	const char *base = slash ? slash + 1 : path;
	size_t n = 0, blen = strlen(base);
	char **list = NULL;
	if (!dir)
		return 0;
	if (slash)
		*slash = 0;
	DIR *d = opendir(slash ? (*dir ? dir : "/") : ".");
	for (struct dirent *e; d && (e = readdir(d));) {
		if (strncmp(e->d_name, base, blen) || (e->d_name[blen] && e->d_name[blen] != '.'))
			continue;
		char **nl = realloc(list, (n + 1) * sizeof(*nl));
		if (!nl)
			break;
		list = nl;
		if (asprintf(&list[n], "%s/%s", slash ? (*dir ? dir : "") : ".", e->d_name) >= 0)
			n++;
	}
	if (d)
		closedir(d);
	free(dir);
	*out = list;
	return n;
}

static int run_with_report(char **prog, struct run_files *f)
{
	/* The report needs every event, not only the faults. */
	if (setvar("SOCKFAULT_LOG_EVENTS", "all") != 0)
		return 2;
	if (!f->log) {
		const char *tmp = getenv("TMPDIR");
		if (asprintf(&f->log, "%s/sockfault-log.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
			return 2;
		int fd = mkstemp(f->log);
		if (fd < 0) {
			fprintf(stderr, "sockfault run: %s: %s\n", f->log, strerror(errno));
			return 2;
		}
		close(fd);
		f->own_log = true;
		if (setvar("SOCKFAULT_LOG", f->log) != 0)
			return 2;
	}
	/* Like system(3): the terminal's ^C and ^\ go to the program, which
	 * decides; we wait for it either way, then write the page. */
	struct sigaction ign = {.sa_handler = SIG_IGN}, fwd = {.sa_handler = forward}, old_int, old_quit, old_term,
			 old_hup;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	sigaction(SIGTERM, &fwd, &old_term);
	sigaction(SIGHUP, &fwd, &old_hup);
	int err[2];
	if (pipe2(err, O_CLOEXEC) != 0)
		return 2;
	child = fork();
	if (child == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		close(err[0]);
		char pid[32];
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		setenv("SOCKFAULT_RUN_PID", pid, 1);
		execvp(prog[0], prog);
		int e = errno;
		(void)!write(err[1], &e, sizeof(e));
		_exit(127);
	}
	close(err[1]);
	if (child < 0) {
		fprintf(stderr, "sockfault run: fork: %s\n", strerror(errno));
		close(err[0]);
		return 2;
	}
	int exec_errno = 0, status = 0;
	if (read(err[0], &exec_errno, sizeof(exec_errno)) != sizeof(exec_errno))
		exec_errno = 0;
	close(err[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	child = -1;
	if (exec_errno) {
		fprintf(stderr, "sockfault run: %s: %s\n", prog[0], strerror(exec_errno));
		if (f->own_log)
			unlink(f->log);
		return exec_errno == ENOENT ? 127 : 126;
	}
	char **pcaps = NULL;
	size_t npcaps = f->pcap ? list_captures(f->pcap, &pcaps) : 0;
	/* The command as typed, the program by its base name. */
	char title[300];
	const char *base = strrchr(prog[0], '/');
	int tl = snprintf(title, sizeof(title), "sockfault run: %s", base ? base + 1 : prog[0]);
	for (char **a = prog + 1; *a && tl > 0 && (size_t)tl < sizeof(title); a++)
		tl += snprintf(title + tl, sizeof(title) - (size_t)tl, " %s", *a);
	/* A program given inline (python3 -c '...') is not a title. */
	for (char *c = title; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	if (strlen(title) > 100)
		strcpy(title + 97, "...");
	/* A program that made no socket call leaves no log: its page says so. */
	const char *log = access(f->log, F_OK) == 0 ? f->log : NULL;
	int rc = sf_report_build(log, pcaps, npcaps, f->scenario, title, f->report);
	for (size_t i = 0; i < npcaps; i++)
		free(pcaps[i]);
	free(pcaps);
	if (f->own_log)
		unlink(f->log);
	/* On a terminal, say where it went; elsewhere stderr is the program's
	 * (a suite's case checks it). */
	if (rc == 0 && isatty(2))
		fprintf(stderr, "sockfault: report written to %s\n", f->report);
	if (WIFSIGNALED(status)) {
		/* Die of the same signal, so our caller sees what it would
		 * have seen without the report. */
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

int sf_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"scenario", required_argument, NULL, 's'}, {"seed", required_argument, NULL, 'S'},
		{"log", required_argument, NULL, 'l'},      {"summary", required_argument, NULL, 'm'},
		{"pcap", required_argument, NULL, 'p'},     {"net", required_argument, NULL, 'n'},
		{"pcap-mtu", required_argument, NULL, 'M'}, {"fuzz", required_argument, NULL, 'f'},
		{"log-events", required_argument, NULL, 'E'}, {"report", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	static const struct {
		int opt;
		const char *var;
	} vars[] = {{'s', "SOCKFAULT_SCENARIO"}, {'S', "SOCKFAULT_SEED"}, {'l', "SOCKFAULT_LOG"},
		    {'m', "SOCKFAULT_SUMMARY"},  {'p', "SOCKFAULT_PCAP"}, {'n', "SOCKFAULT_NET"},
		    {'M', "SOCKFAULT_PCAP_MTU"}, {'f', "SOCKFAULT_FUZZ"}, {'E', "SOCKFAULT_LOG_EVENTS"}};
	struct run_files files = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (c == 'R') {
			files.report = optarg;
			continue;
		}
		size_t i = 0;
		while (i < sizeof(vars) / sizeof(vars[0]) && vars[i].opt != c)
			i++;
		if (i == sizeof(vars) / sizeof(vars[0])) {
			fputs(usage, stderr);
			return 2;
		}
		/* The program may chdir before a child of it loads the shim:
		 * files are handed over by absolute path. */
		char abs[PATH_MAX];
		const char *val = optarg;
		if ((c == 's' || c == 'l' || c == 'm' || c == 'p' || (c == 'f' && strcmp(optarg, "-"))) &&
		    optarg[0] && optarg[0] != '/') {
			char cwd[PATH_MAX];
			if (!getcwd(cwd, sizeof(cwd)) ||
			    snprintf(abs, sizeof(abs), "%s/%s", cwd, optarg) >= (int)sizeof(abs)) {
				fprintf(stderr, "sockfault run: %s: path too long\n", optarg);
				return 2;
			}
			val = abs;
		}
		if (setvar(vars[i].var, val) != 0)
			return 2;
		if (c == 'l')
			files.log = strdup(val);
		if (c == 'p')
			files.pcap = strdup(val);
		if (c == 's')
			files.scenario = strdup(val);
		if (c == 's') {
			/* Validate here too, so the error comes before anything runs
			 * even for a program the shim cannot enter (a static binary). */
			struct sf_scenario sc;
			char err[1024];
			if (sf_scenario_load(optarg, &sc, err, sizeof(err)) != 0) {
				fprintf(stderr, "%s\n", err);
				return 2;
			}
			sf_scenario_free(&sc);
		}
	}
	if (optind >= argc) {
		fputs("sockfault run: no program given\n", stderr);
		fputs(usage, stderr);
		return 2;
	}
	const char *shim = sf_shim_path();
	if (!shim) {
		fputs("sockfault run: cannot find libsockfault.so beside this executable\n", stderr);
		return 2;
	}
	/* A run is its own virtual network (or the one --net names), not one
	 * this command was started from inside. */
	unsetenv("SOCKFAULT_VNET");
	/* Ours first, then whatever the user already preloads. */
	const char *prev = getenv("LD_PRELOAD");
	char *preload;
	if (asprintf(&preload, "%s%s%s", shim, prev && *prev ? " " : "", prev ? prev : "") < 0 ||
	    setvar("LD_PRELOAD", preload) != 0)
		return 2;
	free(preload);
	if (files.report)
		return run_with_report(argv + optind, &files);
	/* The summary's home process: the program keeps our pid across exec. */
	char pid[32];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (setvar("SOCKFAULT_RUN_PID", pid) != 0)
		return 2;
	execvp(argv[optind], argv + optind);
	int e = errno;
	fprintf(stderr, "sockfault run: %s: %s\n", argv[optind], strerror(e));
	return e == ENOENT ? 127 : 126;
}
