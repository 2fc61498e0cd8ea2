/* listen(2): "The backlog argument defines the maximum length to which the
 * queue of pending connections for sockfd may grow"; on Linux it is the
 * queue of completely established sockets waiting to be accepted (man 2
 * listen, NOTES).  Clients' blocking connect(2) completes before anyone
 * calls accept, they can already send, and accept(2) hands the connections
 * out in the order they were established, each with its own data; then the
 * queue is empty (EAGAIN).  man 2 listen, man 2 accept, man 7 tcp. */
#include "vcheck.h"

enum { N = 5 };

int main(void)
{
	vc_begin("backlog queues connections before accept");
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0);
	CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
	VC_OK(listen(l, 8));
	int c[N];
	for (int i = 0; i < N; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		CHECK(c[i] >= 0);
		CHECK_OK(connect(c[i], (struct sockaddr *)&a, sizeof(a)));
		char msg[16];
		int n = snprintf(msg, sizeof(msg), "client %d", i);
		CHECK_EQ(send(c[i], msg, (size_t)n, 0), n);
	}
	VC_NOTE("%d clients connected and sent before any accept", N);
	for (int i = 0; i < N; i++) {
		struct sockaddr_in peer;
		socklen_t pl = sizeof(peer);
		int s = accept(l, (struct sockaddr *)&peer, &pl);
		CHECK(s >= 0);
		struct sockaddr_in local;
		socklen_t ll = sizeof(local);
		CHECK_OK(getsockname(c[i], (struct sockaddr *)&local, &ll));
		CHECK_EQ(peer.sin_port, local.sin_port); /* FIFO: the i-th connected */
		char buf[32];
		vc_wait_readable(s);
		ssize_t r = recv(s, buf, sizeof(buf) - 1, 0);
		CHECK(r > 0);
		buf[r] = 0;
		printf("accept #%d -> the peer of client %d, data \"%s\"\n", i, i, buf);
		CHECK_OK(close(s));
	}
	sfit_set_nonblocking(l);
	VC_ERR(accept(l, NULL, NULL), EAGAIN);
	return 0;
}
