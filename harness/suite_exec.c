/* Running a suite's cases: each one is `sockfault run` (ourselves, through
 * /proc/self/exe) in a process group of its own, so that everything it
 * starts can be killed together, at its timeout or when it ends.  We are
 * also a child subreaper: what a case orphans is reparented to us and
 * reaped, never left to linger behind the suite. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

extern char **environ;

struct slot {
	pid_t pid; /* also the process group id; 0 = free */
	unsigned k;
	uint64_t start_ns, deadline_ns;
	bool killed;
};

struct runner {
	struct sf_exec *x;
	struct slot *slots;
	unsigned running;
	char **envp;
	pid_t parent;
	sigset_t old_mask;
	struct sigaction old_pipe;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void noop(int sig) { (void)sig; }

/* Our environment without SOCKFAULT_*: a case gets exactly the variables
 * its own `sockfault run` sets, never ones the suite happened to inherit. */
static char **case_environment(void)
{
	size_t n = 0;
	for (char **e = environ; *e; e++)
		n++;
	char **envp = calloc(n + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	size_t k = 0;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "SOCKFAULT_", 10) != 0)
			envp[k++] = *e;
	return envp;
}

static void finish(struct runner *rn, struct slot *s, int status)
{
	struct sf_exec *x = rn->x;
	struct sf_result *r = &x->results[s->k];
	const struct sf_case *c = &x->suite->cases[x->selected[s->k]];
	r->status = status;
	r->seconds = (double)(now_ns() - s->start_ns) / 1e9;
	sf_expect_judge(c, r);
	s->pid = 0;
	rn->running--;
	sf_progress_finished(x->progress, c->name, r);
	if (x->on_done)
		x->on_done(x->ctx, s->k);
}

static void fail_to_start(struct runner *rn, unsigned k, const char *what, const char *path, int e)
{
	struct sf_exec *x = rn->x;
	struct sf_result *r = &x->results[k];
	const struct sf_case *c = &x->suite->cases[x->selected[k]];
	if (asprintf(&r->why, "could not start: %s%s%s: %s", what, path ? " " : "", path ? path : "",
		     strerror(e)) < 0)
		r->why = NULL;
	r->outcome = SF_FAIL;
	sf_progress_finished(x->progress, c->name, r);
	if (x->on_done)
		x->on_done(x->ctx, k);
}

/* The last run's capture.pcap and its forked children's capture.pcap.PID:
 * a rerun into the same directory must not leave a stale child capture
 * next to the new ones. */
static void remove_captures(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));)
		if (!strncmp(e->d_name, "capture.pcap", 12) && (!e->d_name[12] || e->d_name[12] == '.'))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

static void start(struct runner *rn, unsigned k)
{
	struct sf_exec *x = rn->x;
	const struct sf_case *c = &x->suite->cases[x->selected[k]];
	struct sf_result *r = &x->results[k];
	r->started = true;

	/* The shim appends to its log and summary; a rerun into the same
	 * artifact directory must not see the last run's faults. */
	unlink(r->files.log);
	unlink(r->files.summary);
	unlink(r->files.report);
	if (x->capture)
		remove_captures(r->files.dir);
	int out = open(r->files.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		fail_to_start(rn, k, "create", r->files.out, errno);
		return;
	}
	int err = open(r->files.err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (err < 0) {
		int e = errno;
		close(out);
		fail_to_start(rn, k, "create", r->files.err, e);
		return;
	}
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		int e = errno;
		close(out);
		close(err);
		fail_to_start(rn, k, "open", "/dev/null", e);
		return;
	}

	size_t nargs = 0;
	while (c->argv[nargs])
		nargs++;
	const char **argv = calloc(nargs + 20, sizeof(*argv));
	char seed[32];
	size_t a = 0;
	if (argv) {
		argv[a++] = x->self;
		argv[a++] = "run";
		if (c->scenario) {
			snprintf(seed, sizeof(seed), "%" PRIu64, r->seed);
			argv[a++] = "-s";
			argv[a++] = c->scenario;
			argv[a++] = "--seed";
			argv[a++] = seed;
		}
		argv[a++] = "--log";
		argv[a++] = r->files.log;
		/* The summary in its own file keeps stderr the program's own,
		 * for the stderr patterns. */
		argv[a++] = "--summary";
		argv[a++] = r->files.summary;
		if (x->capture) {
			argv[a++] = "--pcap";
			argv[a++] = r->files.pcap;
			argv[a++] = "--report";
			argv[a++] = r->files.report;
		}
		argv[a++] = "--";
		for (size_t i = 0; i < nargs; i++)
			argv[a++] = c->argv[i];
	}
	pid_t pid = argv ? fork() : -1;
	if (pid == 0) {
		setpgid(0, 0);
		/* Should the suite itself be killed outright, its cases must not
		 * run on unsupervised: at least the leader goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != rn->parent)
			_exit(127);
		/* The program gets the signal state we were started with. */
		sigaction(SIGPIPE, &rn->old_pipe, NULL);
		sigprocmask(SIG_SETMASK, &rn->old_mask, NULL);
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(127);
		if (chdir(c->cwd) != 0) {
			dprintf(2, "sockfault suite: chdir %s: %s\n", c->cwd, strerror(errno));
			_exit(127);
		}
		execve(x->self, (char **)argv, rn->envp);
		dprintf(2, "sockfault suite: exec %s: %s\n", x->self, strerror(errno));
		_exit(127);
	}
	int e = errno;
	free(argv);
	close(in);
	close(out);
	close(err);
	if (pid < 0) {
		fail_to_start(rn, k, "fork", NULL, e);
		return;
	}
	/* Also here, so that a kill right after fork already reaches the group. */
	setpgid(pid, pid);
	struct slot *s = rn->slots;
	while (s->pid)
		s++;
	s->pid = pid;
	s->k = k;
	s->killed = false;
	s->start_ns = now_ns();
	s->deadline_ns = s->start_ns + c->timeout_ns;
	rn->running++;
	sf_progress_started(x->progress, c->name);
}

/* Reaps every child that has exited.  A case leader is first only looked
 * at (WNOWAIT): while it is an unreaped zombie its pid, which is its group
 * id, cannot be reused, so killing the group cannot hit a stranger. */
static void reap(struct runner *rn)
{
	for (;;) {
		siginfo_t si;
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0)
			return;
		pid_t pid = si.si_pid;
		struct slot *s = NULL;
		for (unsigned i = 0; i < rn->x->jobs && !s; i++)
			if (rn->slots[i].pid == pid)
				s = &rn->slots[i];
		if (s)
			kill(-pid, SIGKILL); /* what the case left running behind it */
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (s)
			finish(rn, s, status);
	}
}

/* Orphans of killed groups are ours to reap; give them a moment to die so
 * none outlives the suite, but do not wait for ones that left their group
 * (setsid) and still run: those are the case's doing. */
static void drain_orphans(void)
{
	for (int i = 0; i < 100; i++) {
		int status;
		pid_t p;
		while ((p = waitpid(-1, &status, WNOHANG)) > 0)
			;
		if (p < 0 && errno == ECHILD)
			return;
		struct timespec ts = {0, 10 * 1000000};
		nanosleep(&ts, NULL);
	}
}

int sf_exec_cases(struct sf_exec *x)
{
	struct runner rn = {.x = x};
	rn.slots = calloc(x->jobs, sizeof(*rn.slots));
	rn.envp = case_environment();
	if (!rn.slots || !rn.envp) {
		fputs("sockfault suite: out of memory\n", stderr);
		exit(2);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	rn.parent = getpid();
	/* A reader that goes away (`sockfault suite ... | head`) must not kill
	 * us with SIGPIPE before the cases are reaped, nor before the JUnit
	 * file is written: ignored from here on, for cases restored. */
	struct sigaction ign = {.sa_handler = SIG_IGN};
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &rn.old_pipe);

	/* All the events we wait for arrive as signals taken with
	 * sigtimedwait; the handler only keeps SIGCHLD from being discarded. */
	sigset_t waitset;
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGCHLD);
	sigaddset(&waitset, SIGINT);
	sigaddset(&waitset, SIGTERM);
	sigaddset(&waitset, SIGHUP);
	struct sigaction sa = {.sa_handler = noop, .sa_flags = SA_NOCLDSTOP}, old_chld;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &old_chld);
	sigprocmask(SIG_BLOCK, &waitset, &rn.old_mask);

	unsigned next = 0;
	bool interrupted = false;
	for (;;) {
		while (!interrupted && rn.running < x->jobs && next < x->nselected)
			start(&rn, next++);
		reap(&rn);
		if (rn.running == 0 && (interrupted || next == x->nselected))
			break;
		uint64_t now = now_ns(), wait = 250 * 1000000ull;
		for (unsigned i = 0; i < x->jobs; i++) {
			struct slot *s = &rn.slots[i];
			if (!s->pid || s->killed)
				continue;
			if (interrupted || now >= s->deadline_ns) {
				kill(-s->pid, SIGKILL);
				s->killed = true;
				x->results[s->k].timed_out = !interrupted;
				x->results[s->k].interrupted = interrupted;
			} else if (s->deadline_ns - now < wait) {
				wait = s->deadline_ns - now;
			}
		}
		struct timespec ts = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
		int sig = sigtimedwait(&waitset, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			interrupted = true;
		sf_progress_tick(x->progress);
	}
	drain_orphans();
	sigprocmask(SIG_SETMASK, &rn.old_mask, NULL);
	sigaction(SIGCHLD, &old_chld, NULL);
	free(rn.slots);
	free(rn.envp);
	return interrupted ? -1 : 0;
}
