/* fork: virtual sockets are not shared across processes (yet).  In the
 * child, an inherited virtual socket fails every network call with
 * ENETDOWN (its peers live in the parent) and polls POLLERR|POLLHUP, close works and does not
 * disturb the parent's connection, and a socket the child makes itself works
 * on the child's own, fresh network.  The parent's connection carries on. */
#include "vt.h"

#include <poll.h>
#include <sys/wait.h>

int main(void)
{
	int c, s;
	vt_pair(7002, &c, &s);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char b;
		errno = 0;
		if (send(c, "x", 1, MSG_NOSIGNAL) != -1 || errno != ENETDOWN)
			_exit(10);
		if (recv(s, &b, 1, MSG_DONTWAIT) != -1 || errno != ENETDOWN)
			_exit(11);
		struct pollfd p = {.fd = c, .events = POLLIN};
		if (poll(&p, 1, 0) != 1 || (p.revents & (POLLERR | POLLHUP)) != (POLLERR | POLLHUP))
			_exit(14);
		if (close(c) != 0 || close(s) != 0)
			_exit(12);
		int c2, s2;
		vt_pair(7002, &c2, &s2); /* the port is free in the child's network */
		if (send(c2, "y", 1, 0) != 1 || recv(s2, &b, 1, 0) != 1 || b != 'y')
			_exit(13);
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "child exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return 1;
	}
	char b;
	CHECK(send(c, "z", 1, 0) == 1);
	CHECK(recv(s, &b, 1, 0) == 1 && b == 'z');
	CHECK(vt_invalid() == NULL);
	printf("ok\n");
	return 0;
}
