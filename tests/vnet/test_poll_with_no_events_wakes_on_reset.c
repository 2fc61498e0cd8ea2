/* poll(2) with events 0 still reports POLLERR and POLLHUP ("ignored in
 * events"), so a program can wait for nothing but the connection's end: a
 * poll blocked that way wakes when another thread's close resets the
 * peer (SO_LINGER {1, 0}) -- whether the socket had nothing to read or
 * had unread data (then POLLIN is not what wakes it, since it was not
 * asked for).  man 2 poll, man 7 socket. */
#include "vcheck.h"
#include <pthread.h>

static void *reset_later(void *arg)
{
	int fd = *(int *)arg;
	usleep(50000);
	struct linger lg = {1, 0};
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	CHECK_OK(close(fd));
	return NULL;
}

static void wait_for_reset(bool unread)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	if (unread) {
		VC_EQ(send(s, "data", 4, 0), 4);
		vc_wait_readable(c);
	}
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, reset_later, &s), 0);
	struct pollfd p = {.fd = c, .events = 0};
	VC_EQ(poll(&p, 1, -1), 1);
	printf("revents -> %s\n", vc_events((unsigned)p.revents));
	CHECK(p.revents & POLLERR);
	CHECK_EQ(pthread_join(t, NULL), 0);
	VC_SO_ERROR(c, ECONNRESET);
	VC_OK(close(c));
}

int main(void)
{
	vc_begin("poll with events 0 wakes on a reset");
	printf("## nothing to read\n");
	wait_for_reset(false);
	printf("## unread data\n");
	wait_for_reset(true);
	return 0;
}
