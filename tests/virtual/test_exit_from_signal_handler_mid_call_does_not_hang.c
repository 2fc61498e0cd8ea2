/* _exit is async-signal-safe: a handler may call it while the thread it
 * interrupted is inside a virtual socket call (holding the network lock).
 * The process must end with the handler's status, not wait for itself;
 * the others on the network carry on.  20 rounds, each in a child whose
 * alarm fires in a tight loop of sends and recvs. */
#include <signal.h>
#include <sys/wait.h>

#include "vt.h"

static void on_alarm(int sig)
{
	(void)sig;
	_exit(3);
}

static void busy_child(void)
{
	struct sockaddr_in a = vt_addr("127.0.0.1", 7020);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 8) == 0);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	signal(SIGALRM, on_alarm);
	ualarm(20000, 0);
	static char buf[4096];
	for (;;) {
		send(c, buf, sizeof(buf), MSG_DONTWAIT);
		recv(s, buf, sizeof(buf), MSG_DONTWAIT);
	}
}

int main(void)
{
	for (int round = 0; round < 20; round++) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			busy_child();
		int st = 0;
		for (int waited = 0; waitpid(pid, &st, WNOHANG) == 0; waited++) {
			if (waited > 1000) { /* 10 s: it hangs */
				kill(pid, SIGKILL);
				fprintf(stderr, "round %d: the child did not end\n", round);
				return 1;
			}
			usleep(10000);
		}
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	}
	const char *why = vt_invalid();
	if (why)
		fprintf(stderr, "invalid: %s\n", why);
	CHECK(why == NULL); /* (no socket is held by a child that is gone) */
	printf("ok\n");
	return 0;
}
