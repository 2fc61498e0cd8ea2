/* accept4(2): "If flags is 0, then accept4() is the same as accept().  The
 * following values can be bitwise ORed in flags ... SOCK_NONBLOCK ...
 * SOCK_CLOEXEC".  And (man 2 accept, NOTES): "On Linux, the new socket
 * returned by accept() does not inherit file status flags such as
 * O_NONBLOCK and O_ASYNC from the listening socket" -- a non-blocking
 * listener gives blocking accepted sockets.  An invalid flag is EINVAL.
 * man 2 accept, man 2 fcntl. */
#include "vcheck.h"

static void show(int fd, const char *what, int nonblock, int cloexec)
{
	int fl = fcntl(fd, F_GETFL), fdf = fcntl(fd, F_GETFD);
	CHECK(fl >= 0 && fdf >= 0);
	CHECK_EQ(!!(fl & O_NONBLOCK), nonblock);
	CHECK_EQ(!!(fdf & FD_CLOEXEC), cloexec);
	printf("%s: O_NONBLOCK %d FD_CLOEXEC %d\n", what, !!(fl & O_NONBLOCK), !!(fdf & FD_CLOEXEC));
}

static int connect_one(const struct sockaddr_in *a)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	CHECK_OK(connect(c, (const struct sockaddr *)a, sizeof(*a)));
	return c;
}

int main(void)
{
	vc_begin("accept4 flags");
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	int c1 = connect_one(&a), c2 = connect_one(&a), c3 = connect_one(&a), c4 = connect_one(&a);
	int s1 = accept4(l, NULL, NULL, 0);
	CHECK(s1 >= 0);
	show(s1, "accept4(0)", 0, 0);
	int s2 = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	CHECK(s2 >= 0);
	show(s2, "accept4(SOCK_NONBLOCK)", 1, 0);
	int s3 = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(s3 >= 0);
	show(s3, "accept4(SOCK_NONBLOCK|SOCK_CLOEXEC)", 1, 1);
	char ch;
	VC_ERR(recv(s3, &ch, 1, 0), EAGAIN);
	VC_ERR(accept4(l, NULL, NULL, 0x40000000), EINVAL);
	sfit_set_nonblocking(l);
	int s4 = accept(l, NULL, NULL);
	CHECK(s4 >= 0);
	show(s4, "accept() on an O_NONBLOCK listener", 0, 0);
	VC_ERR(accept(l, NULL, NULL), EAGAIN);
	int fds[] = {c1, c2, c3, c4, s1, s2, s3, s4, l};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	return 0;
}
