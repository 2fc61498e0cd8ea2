/* The classic daemon (man 7 daemon, "SysV Daemons": fork, setsid(2) in the
 * child, fork again, the first child exits): the grandchild, in a session
 * of its own and orphaned (its parent gone), serves connections on a
 * listener the grandparent made before the first fork -- descriptors are
 * inherited across both forks and setsid does not touch them.  The
 * grandparent waits for the first child's exit, then connects three
 * clients one after the other: each is answered by the daemon.  The
 * daemon's stdout is a pipe the grandparent reads to its end: the daemon's
 * last line, then end of file when it exited.  man 2 fork, man 2 setsid,
 * man 7 daemon. */
#include "vfork.h"

enum { CLIENTS = 3 };

static int l, report[2];
static pid_t first_child, grandparent_sid;

static void daemon_main(void)
{
	/* stdin and stdout: /dev/null and the report pipe, as a daemon's */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) != 0 || dup2(report[1], 1) != 1)
		_exit(1);
	close(null);
	close(report[1]);
	alarm(VF_CHILD_ALARM_S);
	for (int i = 0; i < CLIENTS; i++) {
		int s = accept(l, NULL, NULL);
		if (s < 0 && errno == EINTR) {
			i--;
			continue;
		}
		CHECK(s >= 0);
		char req[4];
		vf_recv_exact(s, req, sizeof(req));
		char ans[64];
		/* the session is the first child's (it called setsid); the
		 * grandparent reaped the first child before connecting */
		bool new_session = getsid(0) == first_child && getsid(0) != grandparent_sid;
		int n = snprintf(ans, sizeof(ans), "%.4s: new session %s, parent gone %s", req,
				 new_session ? "yes" : "no", getppid() != first_child ? "yes" : "no");
		vc_send_all(s, ans, (size_t)n);
		CHECK_OK(close(s));
	}
	printf("daemon served %d connections\n", CLIENTS);
	_exit(0);
}

static void first(void *arg)
{
	(void)arg;
	first_child = getpid();
	VC_OK(setsid());
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		daemon_main();
	VC_NOTE("forked the daemon, exiting");
	_exit(0);
}

int main(void)
{
	vc_begin("fork: a double-fork daemon serves the grandparent's listener");
	struct sockaddr_in a;
	l = sfit_tcp_listener(&a);
	grandparent_sid = getsid(0);
	vf_pipe(report);
	struct vf_child ch = vf_spawn("first child", first, NULL);
	CHECK_OK(close(report[1]));
	vf_wait_ok(&ch);
	VC_OK(close(l));
	VC_NOTE("the grandparent closed its listener; the daemon has it");
	for (int i = 0; i < CLIENTS; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		CHECK(c >= 0);
		VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
		char req[5], ans[64] = {0};
		snprintf(req, sizeof(req), "#%03d", i);
		vc_send_all(c, req, 4);
		ssize_t n = 0, r;
		while ((r = recv(c, ans + n, sizeof(ans) - 1 - (size_t)n, 0)) > 0)
			n += r;
		CHECK_EQ(r, 0);
		VC_NOTE("answer: %s", ans);
		CHECK_OK(close(c));
	}
	char out[256];
	size_t n = vf_read_to_eof(report[0], out, sizeof(out));
	CHECK(strstr(out, "daemon served 3 connections\n") != NULL);
	if (n && out[n - 1] == '\n')
		out[n - 1] = 0;
	VC_NOTE("the daemon's report, to its end: %s", out);
	return 0;
}
