/* In-process (libsockfault_fuzz.a), a released virtual socket's fd pair is
 * reused by a later socket (shim/vnet/vnet.c, "the in-process pool of pairs").
 * What the kernel sees of a reused pair must be what a fresh one shows: no
 * readability token left by the last owner, O_NONBLOCK as the new socket()
 * asked, the lowest free fd number, no registration in a kernel epoll set
 * the last owner was in; and the program's close_range over the pool's
 * hidden fds must not break later sockets.  The checks on readiness ask the
 * kernel directly (raw poll/epoll_wait syscalls, which the shim does not
 * see): that is what the mirror is for (shim/vnet/vsock.h). */
#include "sfit.h"

#include <linux/close_range.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/epoll.h>

#include "sockfault_fuzz.h"

/* One connection between two sockets of our own (no peer script needed):
 * the listener, the connecting end and the accepted end. */
struct conn {
	int l, c, a;
};

static struct conn connect_pair(int ctype)
{
	struct conn k;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	k.l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(k.l >= 0);
	CHECK_OK(bind(k.l, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(k.l, 4));
	CHECK_OK(getsockname(k.l, (struct sockaddr *)&a, &al));
	k.c = socket(AF_INET, ctype, 0);
	CHECK(k.c >= 0);
	int r = connect(k.c, (struct sockaddr *)&a, sizeof(a));
	CHECK(r == 0 || errno == EINPROGRESS);
	k.a = accept(k.l, NULL, NULL);
	CHECK(k.a >= 0);
	return k;
}

static void close_conn(struct conn k)
{
	CHECK_OK(close(k.a));
	CHECK_OK(close(k.c));
	CHECK_OK(close(k.l));
}

/* What the kernel says about fd, without the shim's poll. */
static short kernel_revents(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
	CHECK(syscall(SYS_poll, &p, 1, 0) >= 0);
	return p.revents;
}

static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_OK(close(fd));
	return fd;
}

/* What a socket on a brand-new pair shows, the kernel's view and the
 * shim's poll (a fresh TCP socket reports POLLHUP, so it does have a
 * token): taken before any pair was reused. */
static short fresh_kernel, fresh_shim;

static void learn_fresh(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(s >= 0);
	fresh_kernel = kernel_revents(s);
	struct pollfd p = {.fd = s, .events = POLLIN | POLLOUT};
	CHECK(poll(&p, 1, 0) >= 0);
	fresh_shim = p.revents;
	CHECK_OK(close(s));
}

/* Sockets made after a round in which every kind of leftover was left. */
static void check_fresh_sockets(int epfd)
{
	for (int round = 0; round < 4; round++) {
		int want_fd = lowest_free_fd();
		bool nb = round & 1;
		int s = socket(AF_INET, SOCK_STREAM | (nb ? SOCK_NONBLOCK : 0), 0);
		CHECK_EQ(s, want_fd);
		int fl = fcntl(s, F_GETFL);
		CHECK(fl >= 0);
		CHECK_EQ((fl & O_NONBLOCK) != 0, nb);
		/* As fresh as a new pair, in the kernel's eyes too. */
		CHECK_EQ(kernel_revents(s), fresh_kernel);
		struct pollfd p = {.fd = s, .events = POLLIN | POLLOUT};
		CHECK(poll(&p, 1, 0) >= 0);
		CHECK_EQ(p.revents, fresh_shim);
		/* Nothing of an earlier owner's epoll registration. */
		struct epoll_event ev;
		CHECK_EQ(syscall(SYS_epoll_wait, epfd, &ev, 1, 0), 0);
		CHECK_OK(close(s));
	}
	/* Connections on reused pairs work, readiness included. */
	struct conn k = connect_pair(SOCK_STREAM);
	CHECK_EQ(send(k.c, "ping", 4, 0), 4);
	CHECK(kernel_revents(k.a) & POLLIN);
	struct epoll_event ev;
	CHECK_EQ(syscall(SYS_epoll_wait, epfd, &ev, 1, 0), 0);
	char buf[8];
	CHECK_EQ(recv(k.a, buf, sizeof(buf), 0), 4);
	/* The token goes when a recv finds nothing (the lazy token,
	 * shim/vnet/vsock.h). */
	CHECK_EQ(recv(k.a, buf, sizeof(buf), MSG_DONTWAIT), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(kernel_revents(k.a) & POLLIN, 0);
	close_conn(k);
}

int main(void)
{
	alarm(60);
	sf_fuzz_reset();
	learn_fresh();
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	CHECK(epfd >= 0);
	for (int i = 0; i < 3; i++) {
		/* Leftovers: unread data (a token in the accepted end), a
		 * non-blocking end, a socket closed while in the epoll set, one
		 * with O_NONBLOCK set by fcntl, one left open for the reset. */
		struct conn k = connect_pair(SOCK_STREAM | SOCK_NONBLOCK);
		CHECK_EQ(send(k.c, "x", 1, 0), 1);
		CHECK(kernel_revents(k.a) & POLLIN);
		struct epoll_event ev = {.events = EPOLLIN};
		CHECK_OK(epoll_ctl(epfd, EPOLL_CTL_ADD, k.a, &ev));
		CHECK_OK(fcntl(k.l, F_SETFL, O_NONBLOCK));
		CHECK_OK(close(k.a)); /* still readable, still in the set */
		CHECK_OK(close(k.l));
		struct conn u = connect_pair(SOCK_STREAM); /* unread data, no epoll */
		CHECK_EQ(send(u.c, "y", 1, 0), 1);
		CHECK(kernel_revents(u.a) & POLLIN);
		close_conn(u);
		sf_fuzz_reset(); /* closes k.c */
		check_fresh_sockets(epfd);
		sf_fuzz_reset();
	}
	/* The program closes everything above stderr: the pool's hidden fds
	 * must not be among the numbers it now believes free. */
	CHECK_OK(close_range(3, ~0u, 0));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	CHECK(epfd >= 0);
	check_fresh_sockets(epfd);
	sf_fuzz_reset();
	puts("ok");
	return 0;
}
