/* The shim's fd table follows the kernel's descriptor table: an fd is
 * managed after socket(), accept(), accept4(), socketpair(), dup(), dup2(),
 * dup3(), fcntl(F_DUPFD / F_DUPFD_CLOEXEC) of a socket; forgotten after
 * close(), close_range() (but not CLOSE_RANGE_CLOEXEC) and a dup of a
 * non-socket over it; never managed for anything that is not a socket; and
 * failed calls change nothing. */
#include "sfit.h"

#include <linux/close_range.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

static void case_new_sockets_are_managed(void)
{
	size_t base = sfit_count(); /* sockets the test started with (stdio may be) */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_MANAGED(s);
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK_MANAGED(u);
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_MANAGED(sv[0]);
	CHECK_MANAGED(sv[1]);
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	CHECK_MANAGED(l);
	int c1 = socket(AF_INET, SOCK_STREAM, 0), c2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(connect(c1, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(connect(c2, (struct sockaddr *)&a, sizeof(a)));
	int a1 = accept(l, NULL, NULL);
	CHECK_MANAGED(a1);
	int a2 = accept4(l, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	CHECK_MANAGED(a2);
	CHECK_EQ(sfit_count(), base + 9);
	CHECK_TABLE_MATCHES_KERNEL();
	int fds[] = {s, u, sv[0], sv[1], l, c1, c2, a1, a2};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		CHECK_OK(close(fds[i]));
		CHECK_UNMANAGED(fds[i]);
	}
	CHECK_EQ(sfit_count(), base + 0);
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_duplicates_of_sockets_are_managed(void)
{
	size_t base = sfit_count(); /* sockets the test started with (stdio may be) */
	sfit_raise_nofile(4096);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int d1 = dup(s);
	CHECK_MANAGED(d1);
	int d2 = dup2(s, 200);
	CHECK_EQ(d2, 200);
	CHECK_MANAGED(200);
	int d3 = dup3(s, 201, O_CLOEXEC);
	CHECK_EQ(d3, 201);
	CHECK_MANAGED(201);
	int d4 = fcntl(s, F_DUPFD, 300);
	CHECK(d4 >= 300);
	CHECK_MANAGED(d4);
	int d5 = fcntl(s, F_DUPFD_CLOEXEC, 0);
	CHECK_MANAGED(d5);
	int d6 = fcntl64(s, F_DUPFD, 0);
	CHECK_MANAGED(d6);
	int d7 = fcntl64(s, F_DUPFD_CLOEXEC, 0);
	CHECK_MANAGED(d7);
	/* beyond the first chunk of the table */
	int d8 = dup2(s, 1500);
	CHECK_EQ(d8, 1500);
	CHECK_MANAGED(1500);
	int d9 = fcntl(s, F_DUPFD, 3000);
	CHECK(d9 >= 3000);
	CHECK_MANAGED(d9);
	/* dup2 onto itself: still managed */
	CHECK_EQ(dup2(s, s), s);
	CHECK_MANAGED(s);
	/* a socket over a socket: still managed, now the other one */
	int other = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(dup2(other, d1), d1);
	CHECK_MANAGED(d1);
	int type = 0;
	socklen_t tl = sizeof(type);
	CHECK_OK(getsockopt(d1, SOL_SOCKET, SO_TYPE, &type, &tl));
	CHECK_EQ(type, SOCK_DGRAM);
	CHECK_TABLE_MATCHES_KERNEL();
	/* closing the original leaves the copies managed, and the reverse */
	CHECK_OK(close(s));
	CHECK_UNMANAGED(s);
	int copies[] = {200, 201, d4, d5, d6, d7, 1500, d9};
	for (size_t i = 0; i < sizeof(copies) / sizeof(copies[0]); i++)
		CHECK_MANAGED(copies[i]);
	CHECK_TABLE_MATCHES_KERNEL();
	for (size_t i = 0; i < sizeof(copies) / sizeof(copies[0]); i++) {
		CHECK_OK(close(copies[i]));
		CHECK_UNMANAGED(copies[i]);
		CHECK_TABLE_MATCHES_KERNEL();
	}
	CHECK_OK(close(d1));
	CHECK_OK(close(other));
	CHECK_EQ(sfit_count(), base + 0);
}

static void case_close_forgets_and_a_second_close_fails(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK_OK(close(s));
	CHECK_UNMANAGED(s);
	CHECK_ERR(close(s), EBADF);
	CHECK_ERR(close(-1), EBADF);
	/* the number comes back as a pipe: not managed */
	int p[2];
	CHECK_OK(pipe(p));
	CHECK(p[0] == s);
	CHECK_UNMANAGED(p[0]);
	CHECK_OK(close(p[0]));
	CHECK_OK(close(p[1]));
	/* and as a socket again: managed */
	int t = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_EQ(t, s);
	CHECK_MANAGED(t);
	CHECK_OK(close(t));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_close_range_forgets_the_range(void)
{
	size_t base = sfit_count(); /* sockets the test started with (stdio may be) */
	sfit_raise_nofile(4096);
	/* sockets and pipes interleaved in 400..409, a socket at 2000 */
	for (int fd = 400; fd < 410; fd++) {
		int x;
		if (fd % 2) {
			x = socket(AF_INET, SOCK_DGRAM, 0);
		} else {
			int p[2];
			CHECK_OK(pipe(p));
			CHECK_OK(close(p[1]));
			x = p[0];
		}
		CHECK_EQ(dup2(x, fd), fd);
		CHECK_OK(close(x));
	}
	int s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_EQ(dup2(s, 2000), 2000);
	CHECK_OK(close(s));
	CHECK_EQ(sfit_count(), base + 6);
	CHECK_TABLE_MATCHES_KERNEL();
	/* a failing call forgets nothing */
	CHECK_ERR(close_range(409, 400, 0), EINVAL);
	CHECK_ERR(close_range(400, 409, 0x4000), EINVAL);
	CHECK_EQ(sfit_count(), base + 6);
	CHECK_TABLE_MATCHES_KERNEL();
	/* CLOSE_RANGE_CLOEXEC closes nothing and forgets nothing */
	CHECK_OK(close_range(400, 409, CLOSE_RANGE_CLOEXEC));
	for (int fd = 400; fd < 410; fd++) {
		CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		if (fd % 2)
			CHECK_MANAGED(fd);
	}
	CHECK_EQ(sfit_count(), base + 6);
	CHECK_TABLE_MATCHES_KERNEL();
	/* part of the range */
	CHECK_OK(close_range(403, 406, 0));
	for (int fd = 403; fd <= 406; fd++) {
		CHECK_UNMANAGED(fd);
		CHECK_ERR(fcntl(fd, F_GETFD), EBADF);
	}
	CHECK_MANAGED(401);
	CHECK_MANAGED(407);
	CHECK_EQ(sfit_count(), base + 4);
	CHECK_TABLE_MATCHES_KERNEL();
	/* CLOSE_RANGE_UNSHARE, up to ~0U: everything from 400 on */
	CHECK_OK(close_range(400, ~0U, CLOSE_RANGE_UNSHARE));
	CHECK_UNMANAGED(401);
	CHECK_UNMANAGED(2000);
	CHECK_EQ(sfit_count(), base + 0);
	CHECK_TABLE_MATCHES_KERNEL();
	/* an empty range, a range of nothing */
	CHECK_OK(close_range(5000, 5000, 0));
	CHECK_OK(close_range(~0U, ~0U, 0));
}

static void case_a_non_socket_dup_over_a_socket_forgets_it(void)
{
	size_t base = sfit_count(); /* sockets the test started with (stdio may be) */
	int p[2];
	CHECK_OK(pipe(p));
	int s1 = socket(AF_INET, SOCK_STREAM, 0), s2 = socket(AF_INET, SOCK_STREAM, 0);
	int s3 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_EQ(dup2(p[0], s1), s1);
	CHECK_UNMANAGED(s1);
	CHECK_EQ(dup3(p[1], s2, O_CLOEXEC), s2);
	CHECK_UNMANAGED(s2);
	int f = open("/dev/null", O_RDONLY);
	CHECK_EQ(dup2(f, s3), s3);
	CHECK_UNMANAGED(s3);
	CHECK_EQ(sfit_count(), base + 0);
	CHECK_TABLE_MATCHES_KERNEL();
	/* a socket over a pipe: managed */
	int t = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(dup2(t, s1), s1);
	CHECK_MANAGED(s1);
	CHECK_TABLE_MATCHES_KERNEL();
	/* failing dups change nothing */
	int closed = open("/dev/null", O_RDONLY);
	CHECK_OK(close(closed));
	CHECK_ERR(dup2(closed, s1), EBADF);
	CHECK_MANAGED(s1);
	CHECK_ERR(dup3(s1, s1, 0), EINVAL);
	CHECK_MANAGED(s1);
	CHECK_ERR(dup3(p[0], s1, 0x4000), EINVAL);
	CHECK_MANAGED(s1);
	CHECK_ERR(dup2(t, -1), EBADF);
	CHECK_ERR(dup(closed), EBADF);
	CHECK_ERR(fcntl(closed, F_DUPFD, 0), EBADF);
	CHECK_ERR(fcntl(t, F_DUPFD, -1), EINVAL);
	long lim = sfit_raise_nofile(64);
	CHECK_ERR(dup2(t, (int)lim + 10), EBADF);
	CHECK_UNMANAGED((int)lim + 10);
	CHECK_TABLE_MATCHES_KERNEL();
	int fds[] = {p[0], p[1], s1, s2, s3, f, t};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_EQ(sfit_count(), base + 0);
}

static void case_non_sockets_are_never_managed(void)
{
	size_t base = sfit_count(); /* sockets the test started with (stdio may be) */
	int p[2];
	CHECK_OK(pipe(p));
	int fds[] = {
		p[0],
		p[1],
		open("/dev/null", O_RDWR),
		open("/proc/self/status", O_RDONLY),
		open("/tmp", O_RDONLY | O_DIRECTORY),
		eventfd(0, 0),
		epoll_create1(0),
		epoll_create(4),
		timerfd_create(CLOCK_MONOTONIC, 0),
		memfd_create("sfit", 0),
		sfit_temp_file(10, 1),
		-1,
		-1,
	};
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	fds[11] = signalfd(-1, &ss, 0);
	fds[12] = dup(p[0]);
	int n = (int)(sizeof(fds) / sizeof(fds[0]));
	for (int i = 0; i < n; i++) {
		CHECK(fds[i] >= 0);
		CHECK_UNMANAGED(fds[i]);
		int d = fcntl(fds[i], F_DUPFD_CLOEXEC, 0);
		CHECK_UNMANAGED(d);
		CHECK_OK(close(d));
	}
	CHECK_EQ(sfit_count(), base + 0);
	CHECK_TABLE_MATCHES_KERNEL();
	/* failed socket creation leaves nothing */
	CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	int sv[2];
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK_ERR(accept(l, NULL, NULL), EINVAL);
	CHECK_EQ(sfit_count(), base + 1);
	CHECK_OK(close(l));
	for (int i = 0; i < n; i++)
		CHECK_OK(close(fds[i]));
	CHECK_EQ(sfit_count(), base + 0);
	CHECK_TABLE_MATCHES_KERNEL();
}

/* The standard streams of a program started under the shim may be sockets
 * (inetd, socat, systemd socket activation); these are learnt at start and
 * follow the same rules.  Here: fd 0 replaced by a socket at run time. */
static void case_low_fds_behave_like_any_other(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	int saved = dup(0);
	CHECK(saved >= 0);
	CHECK_EQ(dup2(sv[0], 0), 0);
	CHECK_MANAGED(0);
	CHECK_EQ(write(sv[1], "in", 2), 2);
	char b[2];
	CHECK_EQ(read(0, b, 2), 2);
	CHECK_EQ(dup2(saved, 0), 0);
	CHECK_EQ(sfit_managed(0), sfit_managed(saved));
	CHECK_OK(close(saved));
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
	CHECK_TABLE_MATCHES_KERNEL();
}

SFIT_MAIN(SFIT_CASE(case_new_sockets_are_managed), SFIT_CASE(case_duplicates_of_sockets_are_managed),
	  SFIT_CASE(case_close_forgets_and_a_second_close_fails), SFIT_CASE(case_close_range_forgets_the_range),
	  SFIT_CASE(case_a_non_socket_dup_over_a_socket_forgets_it), SFIT_CASE(case_non_sockets_are_never_managed),
	  SFIT_CASE(case_low_fds_behave_like_any_other))
