/* ioctl and fcntl reach the kernel with their argument intact, whatever its
 * type (int, pointer to int, pointer to struct): FIONBIO and O_NONBLOCK make
 * a socket non-blocking (and back), FIONREAD and SIOCOUTQ count bytes as the
 * kernel does, descriptor flags, owners, locks and pipe sizes read back as
 * set, and errors match the raw calls. */
#include "sfit.h"

#include <linux/sockios.h>
#include <poll.h>
#include <sys/ioctl.h>

static void case_fionbio_toggles_blocking(void)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	int on = 1, off = 0;
	CHECK_OK(ioctl(s, FIONBIO, &on));
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
	CHECK_EQ(fcntl(s, F_GETFL), raw_fcntl(s, F_GETFL, 0));
	char b[4];
	CHECK_ERR(recv(s, b, sizeof(b), 0), EAGAIN);
	CHECK_ERR(read(s, b, sizeof(b)), EAGAIN);
	CHECK_OK(ioctl(s, FIONBIO, &off));
	CHECK_EQ(fcntl(s, F_GETFL) & O_NONBLOCK, 0);
	/* blocking again: a receive timeout is needed to come back */
	struct timeval tv = {0, 50000};
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	double t0 = sfit_now();
	CHECK_ERR(recv(s, b, sizeof(b), 0), EAGAIN);
	CHECK(sfit_now() - t0 >= 0.045);
	/* the same on a pipe */
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_OK(ioctl(p[0], FIONBIO, &on));
	CHECK_ERR(read(p[0], b, 1), EAGAIN);
	CHECK_OK(close(p[0]));
	CHECK_OK(close(p[1]));
	CHECK_OK(close(c));
	CHECK_OK(close(s));
}

static void case_fcntl_o_nonblock_toggles_blocking(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	int fl = fcntl(sv[1], F_GETFL);
	CHECK_EQ(fl, raw_fcntl(sv[1], F_GETFL, 0));
	CHECK_OK(fcntl(sv[1], F_SETFL, fl | O_NONBLOCK));
	CHECK_EQ(fcntl(sv[1], F_GETFL), raw_fcntl(sv[1], F_GETFL, 0));
	CHECK(raw_fcntl(sv[1], F_GETFL, 0) & O_NONBLOCK);
	char b[4];
	CHECK_ERR(recv(sv[1], b, 1, 0), EAGAIN);
	struct msghdr m = {0};
	CHECK_ERR(recvmsg(sv[1], &m, 0), EAGAIN);
	CHECK_OK(fcntl64(sv[1], F_SETFL, fl));
	CHECK_EQ(raw_fcntl(sv[1], F_GETFL, 0) & O_NONBLOCK, 0);
	/* and set behind the shim's back: the shim sees the kernel's state */
	CHECK_OK(raw_fcntl(sv[1], F_SETFL, fl | O_NONBLOCK));
	CHECK_ERR(recv(sv[1], b, 1, 0), EAGAIN);
	CHECK(fcntl(sv[1], F_GETFL) & O_NONBLOCK);
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
}

static void case_fionread_and_outq_count_like_the_kernel(void)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	unsigned char data[1234];
	sfit_fill(data, sizeof(data), 7);
	CHECK_EQ(send(c, data, sizeof(data), 0), sizeof(data));
	int n = 0, k = 0;
	for (int tries = 0; n < (int)sizeof(data) && tries < 1000; tries++) {
		struct pollfd p = {.fd = s, .events = POLLIN};
		CHECK_EQ(poll(&p, 1, 1000), 1);
		CHECK_OK(ioctl(s, FIONREAD, &n));
	}
	CHECK_EQ(n, sizeof(data));
	CHECK_OK(raw_ioctl(s, FIONREAD, &k));
	CHECK_EQ(k, n);
	int q1 = -1, q2 = -2;
	CHECK_OK(ioctl(c, SIOCOUTQ, &q1));
	CHECK_OK(raw_ioctl(c, SIOCOUTQ, &q2));
	CHECK_EQ(q1, q2);
	int m1 = -1, m2 = -2;
	CHECK_OK(ioctl(s, SIOCATMARK, &m1));
	CHECK_OK(raw_ioctl(s, SIOCATMARK, &m2));
	CHECK_EQ(m1, m2);
	/* UDP: the size of the next datagram */
	int u1, u2;
	sfit_udp_pair(&u1, &u2);
	CHECK_EQ(send(u1, data, 100, 0), 100);
	CHECK_EQ(send(u1, data, 50, 0), 50);
	struct pollfd p = {.fd = u2, .events = POLLIN};
	CHECK_EQ(poll(&p, 1, 1000), 1);
	CHECK_OK(ioctl(u2, FIONREAD, &n));
	CHECK_EQ(n, 100);
	/* unix stream, pipe */
	int sv[2], pp[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(write(sv[0], data, 77), 77);
	CHECK_OK(ioctl(sv[1], FIONREAD, &n));
	CHECK_EQ(n, 77);
	CHECK_OK(pipe(pp));
	CHECK_EQ(write(pp[1], data, 10), 10);
	CHECK_OK(ioctl(pp[0], FIONREAD, &n));
	CHECK_EQ(n, 10);
	/* a listener has no bytes: as the kernel says */
	int l = sfit_tcp_listener(NULL);
	SAME(ioctl(l, FIONREAD, &n), raw_ioctl(l, FIONREAD, &k));
	int fds[] = {c, s, u1, u2, sv[0], sv[1], pp[0], pp[1], l};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
}

static void case_fcntl_arguments_of_every_type_pass_through(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	/* descriptor flags */
	CHECK_OK(fcntl(s, F_SETFD, FD_CLOEXEC));
	CHECK_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(raw_fcntl(s, F_GETFD, 0), FD_CLOEXEC);
	CHECK_OK(fcntl64(s, F_SETFD, 0));
	CHECK_EQ(fcntl64(s, F_GETFD), 0);
	/* owner: an int, and a struct */
	CHECK_OK(fcntl(s, F_SETOWN, getpid()));
	CHECK_EQ(fcntl(s, F_GETOWN), getpid());
	struct f_owner_ex ox = {F_OWNER_TID, (pid_t)syscall(SYS_gettid)}, got;
	CHECK_OK(fcntl(s, F_SETOWN_EX, &ox));
	memset(&got, 0, sizeof(got));
	CHECK_OK(fcntl(s, F_GETOWN_EX, &got));
	CHECK(got.type == ox.type && got.pid == ox.pid);
	CHECK_OK(fcntl(s, F_SETSIG, SIGUSR2));
	CHECK_EQ(fcntl(s, F_GETSIG), SIGUSR2);
	/* record locks on a regular file: struct flock through the varargs */
	int f = sfit_temp_file(100, 1);
	struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 20};
	CHECK_OK(fcntl(f, F_SETLK, &lk));
	struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	CHECK_OK(fcntl(f, F_OFD_GETLK, &q)); /* an OFD lock conflicts with our own process lock */
	CHECK_EQ(q.l_type, F_WRLCK);
	CHECK_EQ(q.l_start, 10);
	CHECK_EQ(q.l_len, 20);
	CHECK_EQ(q.l_pid, getpid()); /* the holder: this process */
	/* pipe size: an int */
	int p[2];
	CHECK_OK(pipe(p));
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 65536) >= 65536);
	CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), raw_fcntl(p[1], F_GETPIPE_SZ, 0));
	/* errors */
	int closed = fcntl(0, F_DUPFD, 900);
	CHECK_OK(close(closed));
	SAME(fcntl(closed, F_GETFL), raw_fcntl(closed, F_GETFL, 0));
	SAME(fcntl(s, 12345), raw_fcntl(s, 12345, 0));
	SAME(fcntl(s, F_SETPIPE_SZ, 4096), raw_fcntl(s, F_SETPIPE_SZ, 4096));
	struct flock *volatile nowhere = NULL;
	SAME(fcntl(f, F_GETLK, nowhere), raw_fcntl(f, F_GETLK, nowhere));
	int fds[] = {s, f, p[0], p[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
}

static void case_ioctl_errors_match_the_kernel(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), n = 0, k = 0;
	int closed = fcntl(0, F_DUPFD, 900);
	CHECK_OK(close(closed));
	SAME(ioctl(closed, FIONREAD, &n), raw_ioctl(closed, FIONREAD, &k));
	SAME(ioctl(s, 0x7fff1234, &n), raw_ioctl(s, 0x7fff1234, &k));
	SAME(ioctl(s, TCGETS, &n), raw_ioctl(s, TCGETS, &k)); /* a socket is no terminal */
	int *volatile nowhere = NULL;
	SAME(ioctl(s, FIONREAD, nowhere), raw_ioctl(s, FIONREAD, nowhere));
	SAME(ioctl(s, FIONBIO, nowhere), raw_ioctl(s, FIONBIO, nowhere));
	int f = sfit_temp_file(10, 1);
	SAME(ioctl(f, SIOCOUTQ, &n), raw_ioctl(f, SIOCOUTQ, &k));
	CHECK_OK(close(f));
	CHECK_OK(close(s));
}

SFIT_MAIN(SFIT_CASE(case_fionbio_toggles_blocking), SFIT_CASE(case_fcntl_o_nonblock_toggles_blocking),
	  SFIT_CASE(case_fionread_and_outq_count_like_the_kernel),
	  SFIT_CASE(case_fcntl_arguments_of_every_type_pass_through), SFIT_CASE(case_ioctl_errors_match_the_kernel))
