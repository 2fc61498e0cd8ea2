/* A thread blocked in accept(2) on a blocking listener ("If no pending
 * connections are present on the queue, and the socket is not marked as
 * nonblocking, accept() blocks the caller until a connection is present")
 * wakes up when another thread connects, and gets that connection (its
 * peer is the client's local address); likewise a thread blocked in
 * poll(POLLIN) on the listener.  The connecting thread waits a little first
 * so the acceptor is most probably blocked; correctness does not depend on
 * it.  man 2 accept, man 2 poll. */
#include "vcheck.h"
#include <pthread.h>

static struct sockaddr_in addr;
static int client_fd = -1;

static void *connect_later(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 30 * 1000 * 1000};
	nanosleep(&ts, NULL);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	CHECK_OK(connect(c, (struct sockaddr *)&addr, sizeof(addr)));
	CHECK_EQ(send(c, "hi", 2, 0), 2);
	client_fd = c;
	return NULL;
}

int main(void)
{
	vc_begin("a blocked accept wakes when a client connects");
	int l = sfit_tcp_listener(&addr);
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, connect_later, NULL), 0);
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	int s = accept(l, (struct sockaddr *)&peer, &pl);
	CHECK(s >= 0);
	VC_NOTE("accept returned a socket");
	CHECK_EQ(pthread_join(t, NULL), 0);
	struct sockaddr_in local;
	socklen_t ll = sizeof(local);
	CHECK_OK(getsockname(client_fd, (struct sockaddr *)&local, &ll));
	CHECK_EQ(peer.sin_port, local.sin_port);
	printf("accept peer -> %s (the client's local address)\n", vc_addr(&peer, pl));
	char buf[4];
	VC_EQ(recv(s, buf, 2, MSG_WAITALL), 2);
	CHECK_OK(close(s));
	CHECK_OK(close(client_fd));

	CHECK_EQ(pthread_create(&t, NULL, connect_later, NULL), 0);
	struct pollfd p = {.fd = l, .events = POLLIN};
	VC_EQ(poll(&p, 1, -1), 1);
	VC_NOTE("poll on the listener -> %s", vc_events((unsigned)p.revents));
	CHECK_EQ(pthread_join(t, NULL), 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	VC_EQ(recv(s, buf, 2, MSG_WAITALL), 2);
	return 0;
}
