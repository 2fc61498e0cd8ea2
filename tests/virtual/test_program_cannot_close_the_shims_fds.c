/* The shim's ends of the fd pairs survive what a program does to fd numbers
 * it never opened: close() of one is EBADF, close_range over them leaves
 * them (and closes everything else), dup2 onto one moves the shim's end
 * away first; afterwards the virtual sockets still work and a raw kernel
 * wait on them still wakes. */
#include "vt.h"

#include <linux/close_range.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>

static int raw_open(int fd)
{
	return syscall(SYS_fcntl, fd, F_GETFD) >= 0;
}

int main(void)
{
	int c, s;
	vt_pair(7004, &c, &s);
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	int hidden[8], n = 0;
	for (int fd = (int)(rl.rlim_cur / 4 * 3); fd < (int)rl.rlim_cur && n < 8; fd++)
		if (raw_open(fd))
			hidden[n++] = fd;
	CHECK(n >= 2); /* c's and s's */
	errno = 0;
	CHECK(close(hidden[0]) == -1 && errno == EBADF);
	CHECK(raw_open(hidden[0]));
	int dummy = open("/dev/null", O_RDONLY);
	CHECK(dummy >= 0);
	CHECK(close_range((unsigned)hidden[0], ~0U, 0) == 0);
	for (int i = 0; i < n; i++)
		CHECK(raw_open(hidden[i]));
	CHECK(dup2(dummy, hidden[1]) == hidden[1]); /* the program's now */
	CHECK(close(hidden[1]) == 0);
	CHECK(close(dummy) == 0);
	char b;
	CHECK(send(c, "k", 1, 0) == 1);
	struct pollfd p = {.fd = s, .events = POLLIN};
	struct timespec ts = {5, 0};
	CHECK(syscall(SYS_ppoll, &p, 1, &ts, NULL, 8) == 1);
	CHECK(recv(s, &b, 1, 0) == 1 && b == 'k');
	CHECK(send(s, "l", 1, 0) == 1);
	p.fd = c;
	CHECK(syscall(SYS_ppoll, &p, 1, &ts, NULL, 8) == 1);
	CHECK(recv(c, &b, 1, 0) == 1 && b == 'l');
	CHECK(vt_invalid() == NULL);
	printf("ok\n");
	return 0;
}
