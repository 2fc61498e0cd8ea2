/* Across execve, sockets that stay open (no close-on-exec) are managed in the
 * new image -- learnt by the shim's constructor, a listener's accepted
 * connections included, high fd numbers included -- while close-on-exec
 * sockets (SOCK_CLOEXEC, FD_CLOEXEC, dup3 O_CLOEXEC, accept4 SOCK_CLOEXEC,
 * CLOSE_RANGE_CLOEXEC) are gone and not managed, and inherited non-sockets
 * stay unmanaged.  The program re-executes itself:
 *
 *   test_exec_keeps_inherited_sockets --exec-child K=FD...
 *
 * where K is s (socket: must be open and managed), l (listener with a
 * pending connection: accept must give a managed socket), p (pipe: open,
 * unmanaged) or x (close-on-exec: closed, unmanaged). */
#include "sfit.h"

#include <linux/close_range.h>

static int exec_child(int argc, char **argv)
{
	if (sfit_find_shim() != 0) {
		printf("# exec child: libsockfault.so is not loaded in the new image\n");
		return 1;
	}
	CHECK_VALID();
	for (int i = 2; i < argc; i++) {
		char kind = argv[i][0];
		int fd = atoi(argv[i] + 2);
		switch (kind) {
		case 's':
			CHECK_OK(fcntl(fd, F_GETFD));
			CHECK_MANAGED(fd);
			/* and usable: the parent reads this */
			if (send(fd, "exec", 4, MSG_NOSIGNAL) != 4 && errno != ENOTCONN && errno != EDESTADDRREQ &&
			    errno != EPIPE)
				FAIL("send on inherited fd %d: %s", fd, strerror(errno));
			break;
		case 'l': {
			CHECK_MANAGED(fd);
			int a = accept(fd, NULL, NULL);
			CHECK(a >= 0);
			CHECK_MANAGED(a);
			CHECK_EQ(send(a, "acc!", 4, 0), 4);
			CHECK_OK(close(a));
			break;
		}
		case 'p':
			CHECK_OK(fcntl(fd, F_GETFD));
			CHECK_UNMANAGED(fd);
			break;
		case 'x':
			CHECK_ERR(fcntl(fd, F_GETFD), EBADF);
			CHECK_UNMANAGED(fd);
			break;
		default:
			FAIL("bad argument %s", argv[i]);
		}
	}
	CHECK_TABLE_MATCHES_KERNEL();
	return 0;
}

static char *arg(char kind, int fd)
{
	static char store[32][16];
	static int used;
	CHECK(used < 32);
	snprintf(store[used], sizeof(store[used]), "%c=%d", kind, fd);
	return store[used++];
}

/* Runs the exec child with these fds (in a forked process when fork_first)
 * and returns its exit status. */
static void run_exec_child(char **args, int nargs, int fork_first)
{
	char *argv[64];
	int n = 0;
	argv[n++] = (char *)sfit_argv0;
	argv[n++] = "--exec-child";
	for (int i = 0; i < nargs; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	fflush(stdout);
	if (!fork_first) {
		execv("/proc/self/exe", argv);
		FAIL("execv: %s", strerror(errno));
	}
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("exec child failed (status %#x)", st);
}

static void case_inherited_sockets_are_managed_after_exec(void)
{
	sfit_raise_nofile(2048);
	int sv[2], c, s, u1, u2, p[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	sfit_tcp_pair(&c, &s);
	sfit_udp_pair(&u1, &u2);
	CHECK_OK(pipe(p));
	struct sockaddr_in la;
	int l = sfit_tcp_listener(&la);
	int pending = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(connect(pending, (struct sockaddr *)&la, sizeof(la)));
	int high = dup2(sv[1], 1500); /* beyond the table's first chunk */
	CHECK_EQ(high, 1500);
	int unconnected = socket(AF_INET6, SOCK_STREAM, 0);
	if (unconnected < 0)
		unconnected = socket(AF_INET, SOCK_STREAM, 0);
	char *args[] = {arg('s', sv[1]), arg('s', s), arg('s', u1), arg('s', high), arg('s', unconnected),
			arg('l', l), arg('p', p[0]), arg('p', p[1])};
	run_exec_child(args, (int)(sizeof(args) / sizeof(args[0])), 1);
	/* what the exec'd child sent arrived */
	char b[8];
	CHECK_EQ(recv(sv[0], b, 8, MSG_WAITALL), 8); /* via sv[1] and via 1500 */
	CHECK(memcmp(b, "execexec", 8) == 0);
	CHECK_EQ(recv(c, b, 4, MSG_WAITALL), 4);
	CHECK(memcmp(b, "exec", 4) == 0);
	CHECK_EQ(recv(u2, b, sizeof(b), 0), 4);
	CHECK_EQ(recv(pending, b, 4, MSG_WAITALL), 4);
	CHECK(memcmp(b, "acc!", 4) == 0);
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_close_on_exec_sockets_are_gone_after_exec(void)
{
	sfit_raise_nofile(2048);
	int a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	int b = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK_OK(fcntl(b, F_SETFD, FD_CLOEXEC));
	int keep = socket(AF_UNIX, SOCK_DGRAM, 0);
	int d = dup3(keep, 900, O_CLOEXEC);
	CHECK_EQ(d, 900);
	int e = fcntl(keep, F_DUPFD_CLOEXEC, 950);
	CHECK(e >= 950);
	int r1 = dup2(keep, 1600), r2 = dup2(keep, 1601);
	CHECK_OK(close_range(1600, 1601, CLOSE_RANGE_CLOEXEC));
	struct sockaddr_in la;
	int l = sfit_tcp_listener(&la);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(connect(c, (struct sockaddr *)&la, sizeof(la)));
	int acc = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	CHECK(acc >= 0);
	char *args[] = {arg('x', a),  arg('x', sv[0]), arg('x', sv[1]), arg('x', b),   arg('x', d),
			arg('x', e),  arg('x', r1),    arg('x', r2),    arg('x', acc), arg('s', keep),
			arg('s', c)};
	/* exec this very process: the harness sees the exec child's status */
	run_exec_child(args, (int)(sizeof(args) / sizeof(args[0])), 0);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child(argc, argv);
	static const struct sfit_case cases[] = {SFIT_CASE(case_inherited_sockets_are_managed_after_exec),
						 SFIT_CASE(case_close_on_exec_sockets_are_gone_after_exec)};
	return sfit_run(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
