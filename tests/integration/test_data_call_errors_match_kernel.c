/* When a data call fails, it fails under the shim exactly as the raw system
 * call does: EAGAIN on an empty non-blocking socket, EPIPE (with or without
 * SIGPIPE, as MSG_NOSIGNAL says) on a closed peer, ECONNRESET after a reset,
 * EBADF on a bad fd, ENOTSOCK on a non-socket, ENOTCONN, EDESTADDRREQ,
 * EFAULT, EINVAL, EOPNOTSUPP. */
#include "sfit.h"

#include <limits.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

static char buf[256];
static struct iovec iov = {buf, sizeof(buf)};

static struct msghdr msg(void)
{
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	return m;
}

static struct mmsghdr mmsg(void)
{
	struct mmsghdr m;
	memset(&m, 0, sizeof(m));
	m.msg_hdr.msg_iov = &iov;
	m.msg_hdr.msg_iovlen = 1;
	return m;
}

/* Every recv-family call on fd, each compared with the raw call. */
static void recv_family_same(int fd, int flags)
{
	struct msghdr m1 = msg(), m2 = msg();
	struct mmsghdr v1 = mmsg(), v2 = mmsg();
	struct sockaddr_storage a1, a2;
	socklen_t l1 = sizeof(a1), l2 = sizeof(a2);
	SAME(recv(fd, buf, sizeof(buf), flags), raw_recv(fd, buf, sizeof(buf), flags));
	SAME(recvfrom(fd, buf, sizeof(buf), flags, (struct sockaddr *)&a1, &l1),
	     raw_recvfrom(fd, buf, sizeof(buf), flags, &a2, &l2));
	SAME(recvmsg(fd, &m1, flags), raw_recvmsg(fd, &m2, flags));
	SAME(recvmmsg(fd, &v1, 1, flags, NULL), raw_recvmmsg(fd, &v2, 1, flags, NULL));
	if (!flags) {
		SAME(read(fd, buf, sizeof(buf)), raw_read(fd, buf, sizeof(buf)));
		SAME(readv(fd, &iov, 1), raw_readv(fd, &iov, 1));
	}
}

/* Every send-family call on fd (flags for those that take them). */
static void send_family_same(int fd, int flags, int with_plain_write)
{
	struct msghdr m = msg();
	struct mmsghdr v1 = mmsg(), v2 = mmsg();
	iov.iov_len = 8;
	SAME(send(fd, buf, 8, flags), raw_send(fd, buf, 8, flags));
	SAME(sendto(fd, buf, 8, flags, NULL, 0), raw_sendto(fd, buf, 8, flags, NULL, 0));
	SAME(sendmsg(fd, &m, flags), raw_sendmsg(fd, &m, flags));
	SAME(sendmmsg(fd, &v1, 1, flags), raw_sendmmsg(fd, &v2, 1, flags));
	if (with_plain_write) {
		SAME(write(fd, buf, 8), raw_write(fd, buf, 8));
		SAME(writev(fd, &iov, 1), raw_writev(fd, &iov, 1));
	}
	iov.iov_len = sizeof(buf);
}

static void expect_all_recv(int fd, int flags, int e)
{
	recv_family_same(fd, flags);
	CHECK_EQ(sfit_same_r, -1);
	CHECK_ERR(recv(fd, buf, sizeof(buf), flags), e);
}

static void case_empty_nonblocking_sockets_give_eagain(void)
{
	int c, s, u1, u2, sv[2], dv[2];
	sfit_tcp_pair(&c, &s);
	sfit_udp_pair(&u1, &u2);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
	sfit_set_nonblocking(s);
	sfit_set_nonblocking(u2);
	expect_all_recv(s, 0, EAGAIN);
	expect_all_recv(u2, 0, EAGAIN);
	expect_all_recv(sv[1], 0, EAGAIN);
	/* MSG_DONTWAIT on blocking sockets */
	expect_all_recv(c, MSG_DONTWAIT, EAGAIN);
	expect_all_recv(dv[1], MSG_DONTWAIT, EAGAIN);
	/* a non-blocking accept with nothing pending */
	struct sockaddr_in la;
	int l = sfit_tcp_listener(&la);
	sfit_set_nonblocking(l);
	SAME(accept(l, NULL, NULL), raw_accept4(l, NULL, NULL, 0));
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	/* a full non-blocking unix stream: EAGAIN for every send call */
	while (send(sv[0], buf, sizeof(buf), 0) > 0)
		;
	CHECK_EQ(errno, EAGAIN);
	send_family_same(sv[0], 0, 1);
	CHECK_EQ(sfit_same_r, -1);
	CHECK_ERR(write(sv[0], buf, 1), EAGAIN);
	/* SO_RCVTIMEO: a blocking recv times out with EAGAIN */
	struct timeval tv = {0, 50000};
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	double t0 = sfit_now();
	CHECK_ERR(recv(c, buf, sizeof(buf), 0), EAGAIN);
	CHECK(sfit_now() - t0 >= 0.04);
	int fds[] = {c, s, u1, u2, sv[0], sv[1], dv[0], dv[1], l};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static int sigpipe_pending(void)
{
	sigset_t p;
	CHECK_OK(sigpending(&p));
	return sigismember(&p, SIGPIPE);
}

static void consume_sigpipe(void)
{
	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, SIGPIPE);
	struct timespec zero = {0, 0};
	CHECK_EQ(sigtimedwait(&only, NULL, &zero), SIGPIPE);
}

static void case_closed_peer_gives_epipe_and_sigpipe_as_natively(void)
{
	/* SIGPIPE blocked: it stays pending, so we can see whether it was raised. */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_OK(close(sv[1]));
	/* MSG_NOSIGNAL: EPIPE and no signal, for each send call */
	send_family_same(sv[0], MSG_NOSIGNAL, 0);
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_ERR(sendto(sv[0], "x", 1, MSG_NOSIGNAL, NULL, 0), EPIPE);
	CHECK(!sigpipe_pending());
	/* without it: EPIPE and SIGPIPE, for the shim as for the kernel */
	static const char *const names[] = {"send", "sendto", "sendmsg", "sendmmsg", "write", "writev", "sendfile"};
	int f = sfit_temp_file(100, 1);
	for (int k = 0; k < 7; k++) {
		for (int raw = 0; raw < 2; raw++) {
			struct msghdr m = msg();
			struct mmsghdr v = mmsg();
			iov.iov_len = 4;
			off_t o = 0;
			long r = -2;
			errno = 0;
			switch (k) {
			case 0: r = raw ? raw_send(sv[0], buf, 4, 0) : send(sv[0], buf, 4, 0); break;
			case 1: r = raw ? raw_sendto(sv[0], buf, 4, 0, NULL, 0) : sendto(sv[0], buf, 4, 0, NULL, 0); break;
			case 2: r = raw ? raw_sendmsg(sv[0], &m, 0) : sendmsg(sv[0], &m, 0); break;
			case 3: r = raw ? raw_sendmmsg(sv[0], &v, 1, 0) : sendmmsg(sv[0], &v, 1, 0); break;
			case 4: r = raw ? raw_write(sv[0], buf, 4) : write(sv[0], buf, 4); break;
			case 5: r = raw ? raw_writev(sv[0], &iov, 1) : writev(sv[0], &iov, 1); break;
			default: r = raw ? raw_sendfile(sv[0], f, &o, 4) : sendfile(sv[0], f, &o, 4); break;
			}
			int e = errno;
			iov.iov_len = sizeof(buf);
			if (r != -1 || e != EPIPE)
				FAIL("%s%s on a closed peer: %ld errno %d, expected EPIPE", raw ? "raw " : "", names[k], r, e);
			if (!sigpipe_pending())
				FAIL("%s%s on a closed peer raised no SIGPIPE", raw ? "raw " : "", names[k]);
			consume_sigpipe();
		}
	}
	CHECK_OK(close(f));
	/* and with SIGPIPE at its default action, the process dies of it */
	pid_t pid = fork();
	if (pid == 0) {
		CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
		signal(SIGPIPE, SIG_DFL);
		send(sv[0], "x", 1, 0);
		_exit(0);
	}
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
	CHECK_OK(close(sv[0]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_reset_connection_gives_econnreset_then_epipe(void)
{
	/* The same sequence on a pair seen through the shim and a raw pair. */
	long results[2][3];
	int errs[2][3];
	for (int raw = 0; raw < 2; raw++) {
		int c, s;
		sfit_tcp_pair(&c, &s);
		struct linger lg = {1, 0}; /* close sends a RST */
		CHECK_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
		CHECK_OK(close(s));
		struct timeval tv = {5, 0};
		CHECK_OK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
		for (int i = 0; i < 3; i++) {
			errno = 0;
			if (i < 2)
				results[raw][i] = raw ? raw_recv(c, buf, sizeof(buf), 0) : recv(c, buf, sizeof(buf), 0);
			else
				results[raw][i] = raw ? raw_send(c, "x", 1, MSG_NOSIGNAL) : send(c, "x", 1, MSG_NOSIGNAL);
			errs[raw][i] = results[raw][i] < 0 ? errno : 0;
		}
		CHECK_OK(close(c));
	}
	for (int i = 0; i < 3; i++)
		if (results[0][i] != results[1][i] || errs[0][i] != errs[1][i])
			FAIL("step %d after a reset: shim %ld errno %d, kernel %ld errno %d", i, results[0][i],
			     errs[0][i], results[1][i], errs[1][i]);
	CHECK_EQ(results[0][0], -1);
	CHECK_EQ(errs[0][0], ECONNRESET);
	CHECK_EQ(results[0][1], 0);
	CHECK_EQ(errs[0][2], EPIPE);
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_bad_fds_give_ebadf(void)
{
	int f = sfit_temp_file(10, 1), sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	int fd = open("/dev/null", O_RDONLY); /* a number that was open, and is no more */
	CHECK_OK(close(fd));
	int fds[] = {fd, -1, 100000, INT_MAX};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		int b = fds[i];
		recv_family_same(b, 0);
		CHECK_ERR(recv(b, buf, 1, 0), EBADF);
		send_family_same(b, MSG_NOSIGNAL, 1);
		CHECK_ERR(write(b, buf, 1), EBADF);
		off_t o1 = 0, o2 = 0;
		SAME(sendfile(b, f, &o1, 5), raw_sendfile(b, f, &o2, 5));
		SAME(sendfile(sv[0], b, &o1, 5), raw_sendfile(sv[0], b, &o2, 5));
		CHECK_ERR(sendfile(sv[0], b, NULL, 5), EBADF);
	}
	/* a socket opened for nothing wrong but used through the wrong end of a pipe */
	int p[2];
	CHECK_OK(pipe(p));
	SAME(write(p[0], "x", 1), raw_write(p[0], "x", 1));
	SAME(read(p[1], buf, 1), raw_read(p[1], buf, 1));
	CHECK_OK(close(p[0]));
	CHECK_OK(close(p[1]));
	CHECK_OK(close(f));
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_non_sockets_give_enotsock(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	int f = sfit_temp_file(10, 2);
	int n = open("/dev/null", O_RDWR);
	int z = open("/dev/zero", O_RDONLY);
	int fds[] = {p[0], p[1], f, n, z};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		int b = fds[i];
		struct msghdr m1 = msg(), m2 = msg();
		struct mmsghdr v1 = mmsg(), v2 = mmsg();
		SAME(recv(b, buf, 1, MSG_DONTWAIT), raw_recv(b, buf, 1, MSG_DONTWAIT));
		CHECK_ERR(recv(b, buf, 1, MSG_DONTWAIT), ENOTSOCK);
		SAME(recvfrom(b, buf, 1, 0, NULL, NULL), raw_recvfrom(b, buf, 1, 0, NULL, NULL));
		SAME(recvmsg(b, &m1, 0), raw_recvmsg(b, &m2, 0));
		SAME(recvmmsg(b, &v1, 1, 0, NULL), raw_recvmmsg(b, &v2, 1, 0, NULL));
		SAME(send(b, buf, 1, 0), raw_send(b, buf, 1, 0));
		CHECK_ERR(send(b, buf, 1, 0), ENOTSOCK);
		SAME(sendto(b, buf, 1, 0, NULL, 0), raw_sendto(b, buf, 1, 0, NULL, 0));
		SAME(sendmsg(b, &m1, 0), raw_sendmsg(b, &m2, 0));
		SAME(sendmmsg(b, &v1, 1, 0), raw_sendmmsg(b, &v2, 1, 0));
	}
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_unconnected_and_bad_arguments_match_the_kernel(void)
{
	/* TCP, not connected: recv ENOTCONN, send EPIPE */
	int t = socket(AF_INET, SOCK_STREAM, 0);
	recv_family_same(t, MSG_DONTWAIT);
	CHECK_ERR(recv(t, buf, 1, 0), ENOTCONN);
	send_family_same(t, MSG_NOSIGNAL, 0);
	/* UDP, no destination */
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	send_family_same(u, 0, 1);
	CHECK_ERR(send(u, buf, 1, 0), EDESTADDRREQ);
	/* sendto with an address on connected TCP, OOB where there is none, EINVAL */
	int c, s, sv[2];
	sfit_tcp_pair(&c, &s);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	struct sockaddr_in other = sfit_loopback(9);
	SAME(sendto(c, "x", 1, 0, (struct sockaddr *)&other, sizeof(other)),
	     raw_sendto(c, "x", 1, 0, &other, sizeof(other)));
	SAME(sendto(u, "x", 1, MSG_OOB, (struct sockaddr *)&other, sizeof(other)),
	     raw_sendto(u, "x", 1, MSG_OOB, &other, sizeof(other)));
	SAME(recv(u, buf, 1, MSG_OOB | MSG_DONTWAIT), raw_recv(u, buf, 1, MSG_OOB | MSG_DONTWAIT));
	SAME(recv(c, buf, 1, MSG_OOB), raw_recv(c, buf, 1, MSG_OOB)); /* no urgent data */
	CHECK_EQ(send(sv[0], "data", 4, 0), 4);
	struct timespec badt = {0, -5};
	struct mmsghdr v1 = mmsg(), v2 = mmsg();
	SAME(recvmmsg(sv[1], &v1, 1, 0, &badt), raw_recvmmsg(sv[1], &v2, 1, 0, &badt));
	SAME(send(sv[0], buf, 1, 0x40000000), raw_send(sv[0], buf, 1, 0x40000000));
	/* what is there is intact */
	char got[16];
	CHECK_EQ(recv(sv[1], got, 4, MSG_WAITALL), 4);
	CHECK(memcmp(got, "data", 4) == 0);
	int fds[] = {t, u, c, s, sv[0], sv[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_TABLE_MATCHES_KERNEL();
}

/* Pointers the kernel cannot read or write: EFAULT, nothing moved. */
static void case_bad_pointers_give_efault(void)
{
	int sv[2], u1, u2;
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	sfit_udp_pair(&u1, &u2);
	CHECK_EQ(send(sv[0], "data", 4, 0), 4);
	CHECK_EQ(send(sv[0], "data", 4, 0), 4);
	void *volatile bad = (void *)16;
	SAME(recv(sv[1], bad, 4, 0), raw_recv(sv[1], bad, 4, 0));
	CHECK_EQ(sfit_same_r, -1);
	SAME(read(sv[1], bad, 4), raw_read(sv[1], bad, 4));
	SAME(send(sv[0], bad, 4, 0), raw_send(sv[0], bad, 4, 0));
	SAME(write(sv[0], bad, 4), raw_write(sv[0], bad, 4));
	SAME(sendto(u1, bad, 4, 0, NULL, 0), raw_sendto(u1, bad, 4, 0, NULL, 0));
	const struct sockaddr *volatile badaddr = (const struct sockaddr *)16;
	SAME(sendto(u1, "x", 1, 0, badaddr, sizeof(struct sockaddr_in)),
	     raw_sendto(u1, "x", 1, 0, badaddr, sizeof(struct sockaddr_in)));
	struct iovec *volatile noiov = NULL;
	SAME(writev(sv[0], noiov, 2), raw_writev(sv[0], noiov, 2));
	SAME(readv(sv[1], noiov, 2), raw_readv(sv[1], noiov, 2));
	struct msghdr *volatile nomsg = NULL;
	SAME(sendmsg(sv[0], nomsg, 0), raw_sendmsg(sv[0], nomsg, 0));
	SAME(recvmsg(sv[1], nomsg, 0), raw_recvmsg(sv[1], nomsg, 0));
	struct msghdr m = {.msg_iov = noiov, .msg_iovlen = 2};
	SAME(sendmsg(sv[0], &m, 0), raw_sendmsg(sv[0], &m, 0));
	SAME(recvmsg(sv[1], &m, 0), raw_recvmsg(sv[1], &m, 0));
	struct mmsghdr *volatile novec = NULL;
	SAME(sendmmsg(sv[0], novec, 1, 0), raw_sendmmsg(sv[0], novec, 1, 0));
	SAME(recvmmsg(sv[1], novec, 1, 0, NULL), raw_recvmmsg(sv[1], novec, 1, 0, NULL));
	/* the 8 bytes are still there, in order */
	char got[8];
	CHECK_EQ(recv(sv[1], got, 8, MSG_WAITALL), 8);
	CHECK(memcmp(got, "datadata", 8) == 0);
	int fds[] = {sv[0], sv[1], u1, u2};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_TABLE_MATCHES_KERNEL();
}

SFIT_MAIN(SFIT_CASE(case_empty_nonblocking_sockets_give_eagain),
	  SFIT_CASE(case_closed_peer_gives_epipe_and_sigpipe_as_natively),
	  SFIT_CASE(case_reset_connection_gives_econnreset_then_epipe), SFIT_CASE(case_bad_fds_give_ebadf),
	  SFIT_CASE(case_non_sockets_give_enotsock), SFIT_CASE(case_unconnected_and_bad_arguments_match_the_kernel),
	  SFIT_CASE(case_bad_pointers_give_efault))
