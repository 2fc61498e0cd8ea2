/* vfork: the fixture of the vnet fork tests -- several processes of one run
 * sharing sockets they inherited across fork(2) (man 2 fork: "The child
 * inherits copies of the parent's set of open file descriptors.  Each file
 * descriptor in the child refers to the same open file description ... as
 * the corresponding file descriptor in the parent").
 *
 * The transcript stays deterministic although two processes run at once:
 *
 *   - a child never writes to the test's stdout: vf_spawn points its fd 1
 *     at a pipe, and vf_wait prints what it wrote ("NAME| line"), in one
 *     block, at the point where the parent waits for it (a child's FAIL
 *     message shows there too);
 *   - the processes take turns through pipes (vf_tell / vf_hear): pipes are
 *     not sockets, the shim leaves them to the kernel;
 *   - every wait is bounded: vf_hear and vf_wait give up after VF_WAIT_S
 *     (the child is killed and the test fails), a child has its own alarm
 *     (alarm(2) is not inherited) and dies with its parent
 *     (PR_SET_PDEATHSIG), so a bug fails the test instead of hanging it.
 */
#ifndef VFORK_H
#define VFORK_H

#include "vcheck.h"

#include <sys/prctl.h>

#define VF_WAIT_S 20        /* the longest a parent waits for a child or a token */
#define VF_CHILD_ALARM_S 45 /* a child that hangs dies of SIGALRM */

struct vf_child {
	const char *name; /* the prefix of its transcript lines */
	pid_t pid;
	int out; /* read end of the child's stdout */
};

static inline void vf_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Forks; the child runs fn(arg) with its stdout captured, then _exits 0 (a
 * FAIL in it: exit 1).  fn may _exit itself with a status of its own. */
static inline struct vf_child vf_spawn(const char *name, void (*fn)(void *), void *arg)
{
	int p[2];
	CHECK_OK(pipe2(p, O_CLOEXEC));
	fflush(stdout);
	pid_t parent = getpid();
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 1) != 1)
			_exit(120);
		close(p[1]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(121); /* the parent is already gone */
		alarm(VF_CHILD_ALARM_S);
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	CHECK_OK(close(p[1]));
	sfit_set_nonblocking(p[0]);
	return (struct vf_child){.name = name, .pid = pid, .out = p[0]};
}

/* Appends what is in the child's pipe now to *buf (of *len bytes). */
static inline void vf_drain(int fd, char *buf, size_t cap, size_t *len)
{
	for (;;) {
		char tmp[1024];
		ssize_t r = read(fd, tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		size_t n = (size_t)r < cap - 1 - *len ? (size_t)r : cap - 1 - *len;
		memcpy(buf + *len, tmp, n);
		*len += n;
	}
}

static inline const char *vf_status_name(int st)
{
	char *b = vc_buf();
	if (WIFEXITED(st))
		snprintf(b, 160, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(b, 160, "killed by %s", sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(b, 160, "status 0x%x", st);
	return b;
}

/* Waits (at most VF_WAIT_S, else kills it and fails) for the child to end;
 * prints what it wrote, each line as "NAME| line"; returns its wait status. */
static inline int vf_wait(struct vf_child *ch)
{
	static char out[1 << 16];
	size_t len = 0;
	double t0 = sfit_now();
	int st = 0;
	for (;;) {
		vf_drain(ch->out, out, sizeof(out), &len);
		pid_t r = waitpid(ch->pid, &st, WNOHANG);
		if (r == ch->pid)
			break;
		if (r < 0 && errno != EINTR)
			FAIL("waitpid(%s): %s", ch->name, vc_errname(errno));
		if (sfit_now() - t0 > VF_WAIT_S) {
			kill(ch->pid, SIGKILL);
			waitpid(ch->pid, &st, 0);
			vf_drain(ch->out, out, sizeof(out), &len);
			out[len] = 0;
			fputs(out, stdout);
			FAIL("%s did not exit within %d s (killed)", ch->name, VF_WAIT_S);
		}
		vf_sleep_ms(1);
	}
	vf_drain(ch->out, out, sizeof(out), &len);
	CHECK_OK(close(ch->out));
	ch->out = -1;
	out[len] = 0;
	for (char *line = out; *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		printf("%s| %.*s\n", ch->name, (int)n, line);
		line += n + (nl != NULL);
	}
	return st;
}

/* vf_wait, and the child must have exited 0: prints "NAME exited 0". */
static inline void vf_wait_ok(struct vf_child *ch)
{
	int st = vf_wait(ch);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("%s %s, expected exited 0", ch->name, vf_status_name(st));
	printf("%s exited 0\n", ch->name);
}

/* --- taking turns: one-byte tokens through a pipe ----------------------- */

static inline void vf_pipe(int p[2]) { CHECK_OK(pipe2(p, O_CLOEXEC)); }

static inline void vf_tell(int fd, char token)
{
	ssize_t w;
	do
		w = write(fd, &token, 1);
	while (w < 0 && errno == EINTR);
	if (w != 1)
		FAIL("vf_tell('%c'): %s", token, vc_errname(errno));
}

/* Reads n bytes from a pipe, waiting at most VF_WAIT_S (FAIL on timeout or
 * end of file). */
static inline void vf_read_bounded(int fd, void *buf, size_t n)
{
	double t0 = sfit_now();
	for (size_t off = 0; off < n;) {
		int left_ms = (int)((VF_WAIT_S - (sfit_now() - t0)) * 1000);
		if (left_ms <= 0)
			FAIL("pipe %d: %zu of %zu bytes within %d s", fd, off, n, VF_WAIT_S);
		if (!(vc_poll1(fd, POLLIN, left_ms) & (POLLIN | POLLHUP)))
			continue;
		ssize_t r = read(fd, (char *)buf + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			FAIL("pipe %d: %s after %zu of %zu bytes", fd, r ? vc_errname(errno) : "end of file", off, n);
		off += (size_t)r;
	}
}

/* Waits (bounded) for the other process's token; it must be `token`. */
static inline void vf_hear(int fd, char token)
{
	char got;
	vf_read_bounded(fd, &got, 1);
	if (got != token)
		FAIL("expected token '%c', got '%c'", token, got);
}

/* Waits (bounded) until every writer of the pipe has closed it (or exited):
 * what they wrote meanwhile goes to buf (NUL-terminated, at most cap-1). */
static inline size_t vf_read_to_eof(int fd, char *buf, size_t cap)
{
	double t0 = sfit_now();
	size_t len = 0;
	for (;;) {
		int left_ms = (int)((VF_WAIT_S - (sfit_now() - t0)) * 1000);
		if (left_ms <= 0)
			FAIL("pipe %d: no end of file within %d s", fd, VF_WAIT_S);
		if (!(vc_poll1(fd, POLLIN, left_ms) & (POLLIN | POLLHUP)))
			continue;
		char tmp[512];
		ssize_t r = read(fd, tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			FAIL("pipe %d: %s", fd, vc_errname(errno));
		if (r == 0)
			break;
		size_t n = (size_t)r < cap - 1 - len ? (size_t)r : cap - 1 - len;
		memcpy(buf + len, tmp, n);
		len += n;
	}
	buf[len] = 0;
	return len;
}

/* recv exactly n bytes (a blocking socket: bounded by the alarms); FAIL on
 * end of file or an error. */
static inline void vf_recv_exact(int fd, void *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t r = recv(fd, (char *)buf + off, n - off, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			FAIL("recv(%d): %zd after %zu of %zu bytes (%s)", fd, r, off, n, r ? vc_errname(errno) : "EOF");
		off += (size_t)r;
	}
}

#endif
