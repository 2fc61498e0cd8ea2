/* A call that succeeds leaves errno alone, as libc's do: every interposed
 * call, made successfully with errno set to 12345 beforehand, leaves 12345
 * there -- on sockets and on other fds, with data and without, for waits
 * that time out and waits that find something ready. */
#include "sfit.h"

#include <linux/close_range.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

#define MARK 12345

#define KEEPS_ERRNO(expr)                                                                          \
	({                                                                                         \
		errno = MARK;                                                                      \
		long long r_ = (long long)(expr);                                                  \
		int e_ = errno;                                                                    \
		if (r_ == -1)                                                                      \
			FAIL("%s failed: errno %d (%s)", #expr, e_, strerror(e_));                \
		if (e_ != MARK)                                                                    \
			FAIL("%s returned %lld but changed errno from %d to %d (%s)", #expr, r_, MARK, \
			     e_, strerror(e_));                                                    \
		r_;                                                                                \
	})

static void case_lifecycle_calls_keep_errno(void)
{
	int l = (int)KEEPS_ERRNO(socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	KEEPS_ERRNO(bind(l, (struct sockaddr *)&a, sizeof(a)));
	KEEPS_ERRNO(listen(l, 8));
	KEEPS_ERRNO(getsockname(l, (struct sockaddr *)&a, &al));
	int c1 = (int)KEEPS_ERRNO(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	int c2 = (int)KEEPS_ERRNO(socket(AF_INET, SOCK_STREAM, 0));
	KEEPS_ERRNO(connect(c1, (struct sockaddr *)&a, sizeof(a)));
	KEEPS_ERRNO(connect(c2, (struct sockaddr *)&a, sizeof(a)));
	int s1 = (int)KEEPS_ERRNO(accept(l, NULL, NULL));
	struct sockaddr_in p;
	socklen_t pl = sizeof(p);
	int s2 = (int)KEEPS_ERRNO(accept4(l, (struct sockaddr *)&p, &pl, SOCK_CLOEXEC));
	pl = sizeof(p);
	KEEPS_ERRNO(getpeername(c1, (struct sockaddr *)&p, &pl));
	int v = 1;
	KEEPS_ERRNO(setsockopt(c1, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)));
	socklen_t vl = sizeof(v);
	KEEPS_ERRNO(getsockopt(c1, SOL_SOCKET, SO_KEEPALIVE, &v, &vl));
	KEEPS_ERRNO(getsockopt(c1, SOL_SOCKET, SO_ERROR, &v, &vl));
	KEEPS_ERRNO(shutdown(c1, SHUT_WR));
	int sv[2];
	KEEPS_ERRNO(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	/* a non-blocking connect that completes */
	int n = (int)KEEPS_ERRNO(socket(AF_INET, SOCK_STREAM, 0));
	KEEPS_ERRNO(connect(n, (struct sockaddr *)&a, sizeof(a)));
	int u = (int)KEEPS_ERRNO(socket(AF_INET, SOCK_DGRAM, 0));
	KEEPS_ERRNO(connect(u, (struct sockaddr *)&a, sizeof(a)));
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	KEEPS_ERRNO(connect(u, &unspec, sizeof(unspec)));
	int fds[] = {l, c1, c2, s1, s2, sv[0], sv[1], n, u};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		KEEPS_ERRNO(close(fds[i]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void data_calls(int a, int b, int dgram)
{
	char buf[64];
	struct iovec iov = {buf, 8};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	struct mmsghdr mm;
	memset(&mm, 0, sizeof(mm));
	mm.msg_hdr.msg_iov = &iov;
	mm.msg_hdr.msg_iovlen = 1;
	memset(buf, 'x', sizeof(buf));
	KEEPS_ERRNO(send(a, buf, 8, 0));
	KEEPS_ERRNO(recv(b, buf, dgram ? sizeof(buf) : 8, MSG_WAITALL));
	KEEPS_ERRNO(sendto(a, buf, 8, 0, NULL, 0));
	KEEPS_ERRNO(recvfrom(b, buf, dgram ? sizeof(buf) : 8, MSG_WAITALL, NULL, NULL));
	KEEPS_ERRNO(sendmsg(a, &m, 0));
	KEEPS_ERRNO(recvmsg(b, &m, MSG_WAITALL));
	KEEPS_ERRNO(sendmmsg(a, &mm, 1, 0));
	KEEPS_ERRNO(recvmmsg(b, &mm, 1, MSG_WAITALL, NULL));
	KEEPS_ERRNO(write(a, buf, 8));
	sfit_read_full(b, buf, 8);
	KEEPS_ERRNO(writev(a, &iov, 1));
	KEEPS_ERRNO(readv(b, &iov, 1));
	KEEPS_ERRNO(write(a, buf, 8));
	KEEPS_ERRNO(read(b, buf, dgram ? sizeof(buf) : 8));
	int f = sfit_temp_file(16, 4);
	off_t o = 0;
	KEEPS_ERRNO(sendfile(a, f, &o, 8));
	KEEPS_ERRNO(recv(b, buf, 8, MSG_WAITALL));
	KEEPS_ERRNO(sendfile64(a, f, NULL, 8));
	KEEPS_ERRNO(recv(b, buf, 8, MSG_WAITALL));
	CHECK_OK(close(f));
	/* zero-length calls and MSG_PEEK succeed too */
	KEEPS_ERRNO(send(a, buf, 0, 0));
	if (dgram)
		KEEPS_ERRNO(recv(b, buf, sizeof(buf), 0));
	KEEPS_ERRNO(send(a, buf, 4, 0));
	KEEPS_ERRNO(recv(b, buf, 4, MSG_PEEK | MSG_WAITALL));
	KEEPS_ERRNO(recv(b, buf, 4, MSG_WAITALL));
}

static void case_data_calls_keep_errno(void)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	data_calls(c, s, 0);
	int u1, u2;
	sfit_udp_pair(&u1, &u2);
	data_calls(u1, u2, 1);
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	data_calls(sv[0], sv[1], 0);
	int dv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
	data_calls(dv[0], dv[1], 1);
	/* end of stream is a success: 0 */
	CHECK_OK(close(c));
	char x;
	CHECK_EQ(KEEPS_ERRNO(recv(s, &x, 1, 0)), 0);
	CHECK_EQ(KEEPS_ERRNO(read(s, &x, 1)), 0);
	int fds[] = {s, u1, u2, sv[0], sv[1], dv[0], dv[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
}

static void case_waits_keep_errno(void)
{
	int sv[2], p[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_OK(pipe(p));
	for (int ready = 0; ready < 2; ready++) {
		if (ready) {
			CHECK_EQ(write(sv[0], "r", 1), 1);
			CHECK_EQ(write(p[1], "r", 1), 1);
		}
		long long want = ready ? 2 : 0;
		struct pollfd pf[2] = {{.fd = sv[1], .events = POLLIN}, {.fd = p[0], .events = POLLIN}};
		CHECK_EQ(KEEPS_ERRNO(poll(pf, 2, ready ? 1000 : 10)), want);
		struct timespec ts = {0, ready ? 0 : 10000000};
		sigset_t none;
		sigemptyset(&none);
		CHECK_EQ(KEEPS_ERRNO(ppoll(pf, 2, &ts, &none)), want);
		CHECK_EQ(KEEPS_ERRNO(ppoll(pf, 2, &ts, NULL)), want);
		fd_set r;
		FD_ZERO(&r);
		FD_SET(sv[1], &r);
		FD_SET(p[0], &r);
		struct timeval tv = {0, 10000};
		CHECK_EQ(KEEPS_ERRNO(select(64, &r, NULL, NULL, &tv)), want);
		FD_ZERO(&r);
		FD_SET(sv[1], &r);
		FD_SET(p[0], &r);
		CHECK_EQ(KEEPS_ERRNO(pselect(64, &r, NULL, NULL, &ts, &none)), want);
		int e1 = (int)KEEPS_ERRNO(epoll_create(1));
		int e2 = (int)KEEPS_ERRNO(epoll_create1(EPOLL_CLOEXEC));
		struct epoll_event ev = {.events = EPOLLIN, .data.fd = sv[1]};
		KEEPS_ERRNO(epoll_ctl(e1, EPOLL_CTL_ADD, sv[1], &ev));
		ev.data.fd = p[0];
		KEEPS_ERRNO(epoll_ctl(e1, EPOLL_CTL_ADD, p[0], &ev));
		KEEPS_ERRNO(epoll_ctl(e2, EPOLL_CTL_ADD, p[0], &ev));
		ev.events = EPOLLIN | EPOLLRDHUP;
		KEEPS_ERRNO(epoll_ctl(e2, EPOLL_CTL_MOD, p[0], &ev));
		KEEPS_ERRNO(epoll_ctl(e2, EPOLL_CTL_DEL, p[0], NULL));
		struct epoll_event out[4];
		CHECK_EQ(KEEPS_ERRNO(epoll_wait(e1, out, 4, ready ? 1000 : 10)), want);
		CHECK_EQ(KEEPS_ERRNO(epoll_pwait(e1, out, 4, ready ? 1000 : 10, &none)), want);
		CHECK_EQ(KEEPS_ERRNO(epoll_pwait2(e1, out, 4, &ts, NULL)), want);
		CHECK_EQ(KEEPS_ERRNO(epoll_wait(e2, out, 4, 0)), 0);
		CHECK_OK(close(e1));
		CHECK_OK(close(e2));
	}
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
	CHECK_OK(close(p[0]));
	CHECK_OK(close(p[1]));
}

static void case_fd_calls_keep_errno(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), p[2];
	CHECK_OK(pipe(p));
	int objs[] = {s, p[0]};
	for (int i = 0; i < 2; i++) {
		int fd = objs[i];
		int d1 = (int)KEEPS_ERRNO(dup(fd));
		int d2 = (int)KEEPS_ERRNO(dup2(fd, 700));
		KEEPS_ERRNO(dup2(fd, fd));
		int d3 = (int)KEEPS_ERRNO(dup3(fd, 701, O_CLOEXEC));
		int d4 = (int)KEEPS_ERRNO(fcntl(fd, F_DUPFD, 702));
		int d5 = (int)KEEPS_ERRNO(fcntl(fd, F_DUPFD_CLOEXEC, 0));
		int d6 = (int)KEEPS_ERRNO(fcntl64(fd, F_DUPFD, 0));
		int fl = (int)KEEPS_ERRNO(fcntl(fd, F_GETFL));
		KEEPS_ERRNO(fcntl(fd, F_SETFL, fl | O_NONBLOCK));
		KEEPS_ERRNO(fcntl64(fd, F_GETFD));
		KEEPS_ERRNO(fcntl(fd, F_SETFD, FD_CLOEXEC));
		int on = 1, nread = -1;
		KEEPS_ERRNO(ioctl(fd, FIONBIO, &on));
		if (i == 1)
			KEEPS_ERRNO(ioctl(fd, FIONREAD, &nread));
		KEEPS_ERRNO(close_range(700, 702, CLOSE_RANGE_CLOEXEC));
		KEEPS_ERRNO(close_range(700, 702, 0));
		KEEPS_ERRNO(close_range(700, 702, 0)); /* nothing there: still 0 */
		int fds[] = {d1, d5, d6};
		for (size_t k = 0; k < sizeof(fds) / sizeof(fds[0]); k++)
			KEEPS_ERRNO(close(fds[k]));
		(void)d2;
		(void)d3;
		(void)d4;
	}
	/* a listener: FIONREAD differs, but both succeed on a connected socket */
	int c, t;
	sfit_tcp_pair(&c, &t);
	CHECK_EQ(send(c, "abc", 3, 0), 3);
	int nread = 0;
	while (nread < 3)
		KEEPS_ERRNO(ioctl(t, FIONREAD, &nread));
	KEEPS_ERRNO(close(s));
	KEEPS_ERRNO(close(p[0]));
	KEEPS_ERRNO(close(p[1]));
	KEEPS_ERRNO(close(c));
	KEEPS_ERRNO(close(t));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_fork_keeps_errno(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	errno = MARK;
	pid_t pid = fork();
	int e = errno;
	CHECK(pid >= 0);
	if (pid == 0) {
		if (e != MARK)
			FAIL("in the child, fork changed errno from %d to %d", MARK, e);
		_exit(0);
	}
	if (e != MARK)
		FAIL("in the parent, fork changed errno from %d to %d", MARK, e);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
}

static void case_non_socket_io_keeps_errno(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	char buf[16] = "0123456789abcdef";
	struct iovec iov = {buf, 4};
	KEEPS_ERRNO(write(p[1], buf, 4));
	KEEPS_ERRNO(read(p[0], buf, 4));
	KEEPS_ERRNO(writev(p[1], &iov, 1));
	KEEPS_ERRNO(readv(p[0], &iov, 1));
	int f = sfit_temp_file(100, 1);
	KEEPS_ERRNO(read(f, buf, sizeof(buf)));
	KEEPS_ERRNO(write(f, buf, sizeof(buf)));
	off_t o = 0;
	KEEPS_ERRNO(sendfile(p[1], f, &o, 10));
	KEEPS_ERRNO(read(p[0], buf, 10));
	int n = open("/dev/null", O_RDWR);
	KEEPS_ERRNO(write(n, buf, 5));
	CHECK_EQ(KEEPS_ERRNO(read(n, buf, 5)), 0);
	KEEPS_ERRNO(close(n));
	KEEPS_ERRNO(close(f));
	KEEPS_ERRNO(close(p[0]));
	KEEPS_ERRNO(close(p[1]));
}

SFIT_MAIN(SFIT_CASE(case_lifecycle_calls_keep_errno), SFIT_CASE(case_data_calls_keep_errno),
	  SFIT_CASE(case_waits_keep_errno), SFIT_CASE(case_fd_calls_keep_errno), SFIT_CASE(case_fork_keeps_errno),
	  SFIT_CASE(case_non_socket_io_keeps_errno))
