/* A wait the shim never sees -- epoll_wait and ppoll made with syscall(2) --
 * still wakes when another thread makes a virtual socket readable (the token
 * in the kernel end, see shim/vnet/vsock.h).  The token is drained lazily: once
 * the data is read such a wait may still report the fd readable (as
 * select(2) BUGS allows), but not after a recv has said EAGAIN, nor after
 * one of the shim's own waits (poll, epoll_wait) has blocked on it.  A full
 * send buffer makes the fd not writable to the kernel too, exactly. */
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>

#include "vt.h"

static int client, server;

static void *later_send(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 100 * 1000 * 1000};
	nanosleep(&ts, NULL);
	CHECK(send(client, "hi", 2, 0) == 2);
	return NULL;
}

int main(void)
{
	vt_pair(7001, &client, &server);
	CHECK(vt_vsockets() >= 2);
	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = server}, out;
	/* registered behind the shim's back too */
	CHECK(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, server, &ev) == 0);
	CHECK(syscall(SYS_epoll_wait, ep, &out, 1, 0) == 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, later_send, NULL) == 0);
	CHECK(syscall(SYS_epoll_wait, ep, &out, 1, 5000) == 1);
	CHECK(out.data.fd == server && (out.events & EPOLLIN));
	CHECK(pthread_join(t, NULL) == 0);
	struct pollfd p = {.fd = server, .events = POLLIN};
	struct timespec zero = {0, 0};
	CHECK(syscall(SYS_ppoll, &p, 1, &zero, NULL, 8) == 1);
	char buf[8];
	CHECK(recv(server, buf, sizeof(buf), 0) == 2);
	/* Read everything; what a raw wait says now is not promised.  A recv
	 * that finds nothing makes the mirror exact. */
	CHECK(recv(server, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN);
	CHECK(syscall(SYS_ppoll, &p, 1, &zero, NULL, 8) == 0);
	CHECK(syscall(SYS_epoll_wait, ep, &out, 1, 0) == 0);
	/* and a blocking raw ppoll wakes on the next arrival */
	CHECK(pthread_create(&t, NULL, later_send, NULL) == 0);
	p.revents = 0;
	CHECK(syscall(SYS_ppoll, &p, 1, NULL, NULL, 8) == 1 && (p.revents & POLLIN));
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(recv(server, buf, sizeof(buf), 0) == 2);
	/* Data arriving while a stale token is still there (read all, no
	 * EAGAIN yet): the raw wait reports it, of course. */
	CHECK(send(client, "hi", 2, 0) == 2);
	CHECK(syscall(SYS_ppoll, &p, 1, &zero, NULL, 8) == 1 && (p.revents & POLLIN));
	CHECK(syscall(SYS_epoll_wait, ep, &out, 1, 0) == 1 && out.data.fd == server);
	CHECK(recv(server, buf, sizeof(buf), 0) == 2);
	CHECK(recv(server, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN);
	CHECK(syscall(SYS_ppoll, &p, 1, &zero, NULL, 8) == 0);
	/* The shim's own waits make the mirror exact before they block (or
	 * they would wake on the token at once, again and again): after an
	 * interposed poll, and an interposed epoll_wait, that time out, a raw
	 * wait says not readable even though no recv said EAGAIN. */
	int ep2 = epoll_create1(0);
	CHECK(ep2 >= 0);
	struct epoll_event ev2 = {.events = EPOLLIN, .data.fd = server};
	CHECK(epoll_ctl(ep2, EPOLL_CTL_ADD, server, &ev2) == 0);
	for (int how = 0; how < 2; how++) {
		CHECK(send(client, "hi", 2, 0) == 2);
		CHECK(recv(server, buf, sizeof(buf), 0) == 2);
		if (how == 0)
			CHECK(poll(&p, 1, 20) == 0);
		else
			CHECK(epoll_wait(ep2, &out, 1, 20) == 0);
		CHECK(syscall(SYS_ppoll, &p, 1, &zero, NULL, 8) == 0);
	}
	CHECK(close(ep2) == 0);
	/* writability: fill the client's path to the server */
	CHECK(fcntl(client, F_SETFL, O_NONBLOCK) == 0);
	static char big[65536];
	while (send(client, big, sizeof(big), 0) > 0)
		;
	CHECK(errno == EAGAIN);
	struct pollfd w = {.fd = client, .events = POLLOUT};
	CHECK(syscall(SYS_ppoll, &w, 1, &zero, NULL, 8) == 0);
	while (recv(server, big, sizeof(big), MSG_DONTWAIT) > 0)
		;
	CHECK(syscall(SYS_ppoll, &w, 1, &zero, NULL, 8) == 1 && (w.revents & POLLOUT));
	printf("ok\n");
	return 0;
}
