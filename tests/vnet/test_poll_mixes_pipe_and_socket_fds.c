/* One poll(2) set with a pipe and TCP sockets: each entry's revents
 * reflects its own fd -- the pipe's read end readable, a socket not; then
 * the socket readable as well; the pipe's write end and the sockets
 * writable; a closed pipe writer gives POLLHUP on the reader; a negative fd
 * is ignored (revents 0) and a closed fd number gives POLLNVAL.  The return
 * value counts the entries with nonzero revents.  man 2 poll, man 7 pipe. */
#include "vcheck.h"

static void show(struct pollfd *p, int n, const char *const *names, int ret)
{
	printf("poll -> %d:", ret);
	for (int i = 0; i < n; i++)
		printf(" %s=%s", names[i], vc_events((unsigned)p[i].revents));
	printf("\n");
}

int main(void)
{
	vc_begin("poll with a pipe and sockets");
	int c, s, pp[2];
	sfit_tcp_pair(&c, &s);
	CHECK_OK(pipe(pp));
	int gone = dup(pp[0]);
	CHECK(gone >= 0);
	CHECK_OK(close(gone));
	static const char *const names[] = {"pipe_r", "sock", "pipe_w", "neg", "closed"};
	struct pollfd p[5] = {{.fd = pp[0], .events = POLLIN}, {.fd = s, .events = POLLIN},
			      {.fd = pp[1], .events = POLLOUT}, {.fd = -1, .events = POLLIN},
			      {.fd = gone, .events = POLLIN}};
	show(p, 5, names, poll(p, 5, 0));
	CHECK_EQ(write(pp[1], "p", 1), 1);
	show(p, 5, names, poll(p, 5, 5000));
	CHECK_EQ(send(c, "s", 1, 0), 1);
	vc_wait_readable(s);
	show(p, 5, names, poll(p, 5, 5000));
	char b;
	CHECK_EQ(read(pp[0], &b, 1), 1);
	show(p, 5, names, poll(p, 5, 0));
	CHECK_OK(close(pp[1]));
	p[2].fd = -1;
	show(p, 5, names, poll(p, 5, 0));
	CHECK_EQ(recv(s, &b, 1, 0), 1);
	show(p, 4, names, poll(p, 4, 0));
	return 0;
}
