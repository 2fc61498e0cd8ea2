/* A forked child inherits a consistent fd table: the same fds managed, the
 * table valid, its sockets usable; what the child then opens and closes is
 * its own affair, and the parent's table is unaffected (and the reverse). */
#include "sfit.h"

#include <poll.h>

struct fixture {
	int c, s, sv[2], u1, u2, dup_c, high, p[2];
};

static struct fixture make(void)
{
	struct fixture f;
	sfit_raise_nofile(2048);
	sfit_tcp_pair(&f.c, &f.s);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, f.sv));
	sfit_udp_pair(&f.u1, &f.u2);
	f.dup_c = dup(f.c);
	f.high = dup2(f.sv[1], 1100);
	CHECK_EQ(f.high, 1100);
	CHECK_OK(pipe(f.p));
	return f;
}

static void same_state(const int *fds, const int *managed, int n)
{
	for (int i = 0; i < n; i++)
		if (sfit_managed(fds[i]) != managed[i])
			FAIL("fd %d: managed %d, was %d", fds[i], sfit_managed(fds[i]), managed[i]);
}

static void case_child_inherits_a_consistent_table(void)
{
	struct fixture f = make();
	int fds[] = {f.c, f.s, f.sv[0], f.sv[1], f.u1, f.u2, f.dup_c, f.high, f.p[0], f.p[1]};
	int n = (int)(sizeof(fds) / sizeof(fds[0]));
	int managed[16];
	for (int i = 0; i < n; i++)
		managed[i] = sfit_managed(fds[i]);
	size_t count = sfit_count();
	CHECK_TABLE_MATCHES_KERNEL();
	int go[2];
	CHECK_OK(pipe(go));
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_OK(close(go[1]));
		CHECK_VALID();
		same_state(fds, managed, n);
		CHECK_EQ(sfit_count(), count);
		CHECK_TABLE_MATCHES_KERNEL();
		/* the inherited sockets work */
		CHECK_EQ(send(f.dup_c, "from child", 10, 0), 10);
		CHECK_EQ(send(f.u1, "dgram", 5, 0), 5);
		CHECK_EQ(write(f.high, "hi", 2), 2);
		/* the child's own changes */
		int mine = socket(AF_INET6, SOCK_DGRAM, 0);
		if (mine < 0)
			mine = socket(AF_INET, SOCK_DGRAM, 0);
		CHECK_MANAGED(mine);
		CHECK_OK(close(f.s));
		CHECK_OK(close(f.u2));
		CHECK_UNMANAGED(f.s);
		CHECK_EQ(dup2(f.p[0], f.c), f.c); /* a pipe over a socket */
		CHECK_UNMANAGED(f.c);
		CHECK_TABLE_MATCHES_KERNEL();
		/* wait until the parent has made its own changes */
		char x;
		CHECK_EQ(read(go[0], &x, 1), 1);
		CHECK_UNMANAGED(f.c);
		CHECK_UNMANAGED(f.s);
		CHECK_MANAGED(mine);
		CHECK_TABLE_MATCHES_KERNEL();
		exit(0);
	}
	CHECK_OK(close(go[0]));
	/* the parent's own changes, while the child runs */
	int other = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_MANAGED(other);
	CHECK_OK(close(f.sv[0]));
	CHECK_EQ(write(go[1], "g", 1), 1);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("child failed (status %#x)", st);
	/* the parent still has what it had: the child closed its copies only */
	CHECK_MANAGED(f.s);
	CHECK_MANAGED(f.c);
	CHECK_MANAGED(f.u2);
	CHECK_UNMANAGED(f.sv[0]);
	CHECK_EQ(sfit_count(), count); /* one closed, one opened */
	CHECK_TABLE_MATCHES_KERNEL();
	char buf[16];
	CHECK_EQ(recv(f.s, buf, 10, MSG_WAITALL), 10);
	CHECK(memcmp(buf, "from child", 10) == 0);
	CHECK_EQ(recv(f.u2, buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "dgram", 5) == 0);
	CHECK_OK(close(other));
}

static void case_grandchildren_inherit_it_too(void)
{
	struct fixture f = make();
	size_t count = sfit_count();
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int extra = socket(AF_INET, SOCK_STREAM, 0);
		CHECK_MANAGED(extra);
		pid_t g = fork();
		CHECK(g >= 0);
		if (g == 0) {
			CHECK_EQ(sfit_count(), count + 1);
			CHECK_MANAGED(extra);
			CHECK_MANAGED(f.high);
			CHECK_VALID();
			CHECK_TABLE_MATCHES_KERNEL();
			CHECK_EQ(send(f.sv[0], "g", 1, 0), 1);
			exit(0);
		}
		int st;
		CHECK_EQ(waitpid(g, &st, 0), g);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		CHECK_EQ(sfit_count(), count + 1);
		exit(0);
	}
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(sfit_count(), count);
	char b;
	CHECK_EQ(recv(f.sv[1], &b, 1, 0), 1);
	CHECK_EQ(b, 'g');
	CHECK_TABLE_MATCHES_KERNEL();
}

/* Many children in a row, each checking and exiting: nothing accumulates
 * or leaks into the parent. */
static void case_repeated_forks_leave_the_parent_alone(void)
{
	struct fixture f = make();
	size_t count = sfit_count();
	for (int i = 0; i < 50; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			CHECK_EQ(sfit_count(), count);
			CHECK_VALID();
			int t = socket(AF_INET, SOCK_DGRAM, 0);
			CHECK_OK(close(t));
			CHECK_OK(close(f.c));
			_exit(sfit_count() == count - 1 ? 0 : 1);
		}
		int st;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	CHECK_EQ(sfit_count(), count);
	CHECK_TABLE_MATCHES_KERNEL();
	/* the connection still works: closing the child's copies sent no FIN */
	CHECK_EQ(send(f.c, "ok", 2, 0), 2);
	char b[2];
	CHECK_EQ(recv(f.s, b, 2, MSG_WAITALL), 2);
	struct pollfd p = {.fd = f.s, .events = POLLIN};
	CHECK_EQ(poll(&p, 1, 0), 0);
}

SFIT_MAIN(SFIT_CASE(case_child_inherits_a_consistent_table), SFIT_CASE(case_grandchildren_inherit_it_too),
	  SFIT_CASE(case_repeated_forks_leave_the_parent_alone))
