/* A socket received from another process with SCM_RIGHTS (a pre-forked
 * server handing connections to workers, systemd, a privileged helper) is a
 * socket of this process like any other: managed by the shim, so that a
 * scenario can reach it (shim/core/socket.h: sf_socket_adopt "learns a socket the
 * program did not create through us (inherited across exec, or received via
 * SCM_RIGHTS)").  A pipe received the same way stays unmanaged.  The bytes
 * and the descriptors arrive intact either way. */
#include "sfit.h"

static void send_fds(int over, const int *fds, int n)
{
	char data = 'F';
	struct iovec iov = {&data, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			   .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	CHECK_EQ(sendmsg(over, &m, 0), 1);
}

static int recv_fds(int over, int *fds, int max, int flags)
{
	char data = 0;
	struct iovec iov = {&data, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	CHECK_EQ(recvmsg(over, &m, flags), 1);
	CHECK_EQ(data, 'F');
	CHECK_EQ(m.msg_flags & MSG_CTRUNC, 0);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	CHECK(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS);
	int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	CHECK(n <= max);
	memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)n);
	return n;
}

/* A child process sends a connected TCP socket, a unix socket and a pipe;
 * the parent receives them. */
static void case_received_sockets_are_managed(void)
{
	int ch[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, ch));
	int c, s;
	sfit_tcp_pair(&c, &s);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int sv[2], p[2];
		CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
		CHECK_OK(pipe(p));
		CHECK_EQ(write(p[1], "pipe", 4), 4);
		CHECK_EQ(send(sv[1], "unix", 4, 0), 4);
		int fds[3] = {s, sv[0], p[0]};
		send_fds(ch[1], fds, 3);
		_exit(0);
	}
	CHECK_OK(close(s));
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	int got[4];
	CHECK_EQ(recv_fds(ch[0], got, 4, MSG_CMSG_CLOEXEC), 3);
	/* intact: each works */
	char b[8];
	CHECK_EQ(send(c, "tcp!", 4, 0), 4);
	CHECK_EQ(recv(got[0], b, 4, MSG_WAITALL), 4);
	CHECK(memcmp(b, "tcp!", 4) == 0);
	CHECK_EQ(recv(got[1], b, sizeof(b), 0), 4);
	CHECK(memcmp(b, "unix", 4) == 0);
	CHECK_EQ(read(got[2], b, 4), 4);
	CHECK(memcmp(b, "pipe", 4) == 0);
	CHECK(fcntl(got[0], F_GETFD) & FD_CLOEXEC);
	/* the pipe is not a socket */
	CHECK_UNMANAGED(got[2]);
	/* the sockets are, like any socket of this process */
	CHECK_MANAGED(got[0]);
	CHECK_MANAGED(got[1]);
	CHECK_TABLE_MATCHES_KERNEL();
	for (int i = 0; i < 3; i++)
		CHECK_OK(close(got[i]));
	CHECK_OK(close(c));
	CHECK_OK(close(ch[0]));
	CHECK_OK(close(ch[1]));
	CHECK_TABLE_MATCHES_KERNEL();
}

SFIT_MAIN(SFIT_CASE(case_received_sockets_are_managed))
