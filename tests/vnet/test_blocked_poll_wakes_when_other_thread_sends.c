/* A thread blocked in poll(2) (infinite timeout) or in recv(2) on a TCP
 * socket wakes up when another thread's peer socket sends: poll returns 1
 * with POLLIN ("The call will block until either: a file descriptor becomes
 * ready ..."), recv returns the data.  epoll_wait likewise.  The sending
 * thread waits a little first so that the waiter is (most probably) already
 * blocked; correctness does not depend on it.  man 2 poll, man 2 recv,
 * man 2 epoll_wait. */
#include "vcheck.h"
#include <pthread.h>

static int peer;

static void *send_later(void *arg)
{
	struct timespec ts = {0, 30 * 1000 * 1000};
	nanosleep(&ts, NULL);
	CHECK_EQ(send(peer, arg, strlen(arg), 0), (ssize_t)strlen(arg));
	return NULL;
}

int main(void)
{
	vc_begin("a blocked poll/recv wakes when another thread sends");
	int c, s;
	sfit_tcp_pair(&c, &s);
	peer = c;
	pthread_t t;
	char buf[16];

	CHECK_EQ(pthread_create(&t, NULL, send_later, "poll"), 0);
	struct pollfd p = {.fd = s, .events = POLLIN};
	VC_EQ(poll(&p, 1, -1), 1);
	VC_NOTE("poll revents %s", vc_events((unsigned)p.revents));
	CHECK_EQ(pthread_join(t, NULL), 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 4);

	CHECK_EQ(pthread_create(&t, NULL, send_later, "recv!"), 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "recv!", 5) == 0);
	CHECK_EQ(pthread_join(t, NULL), 0);

	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 3}, out;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	CHECK_EQ(pthread_create(&t, NULL, send_later, "epoll"), 0);
	VC_EQ(epoll_wait(ep, &out, 1, -1), 1);
	VC_NOTE("epoll events %s data %u", vc_events(out.events), out.data.u32);
	CHECK_EQ(pthread_join(t, NULL), 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 5);
	return 0;
}
