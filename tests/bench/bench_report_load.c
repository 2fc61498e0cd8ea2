/* The workload behind bench_report.py's million-event report: THREADS
 * client threads, each opening CONNS connections one after the other to an
 * echo server in this same process (a thread per accepted connection), and
 * on each TRIPS round trips of MSG bytes.  Every round trip is at least four
 * socket calls (send and recv on both ends), each a line of the full event
 * log.  Short sends and EINTR (what the benchmark's scenario injects) are
 * retried, as a careful program would.
 *
 * usage: bench_report_load THREADS CONNS TRIPS */
#define _GNU_SOURCE
#include <pthread.h>

#include "bench.h"

enum { MSG = 256 };

static int listener;
static struct sockaddr_in addr;
static long conns, trips;

static void send_full(int fd, const char *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = send(fd, buf + done, n - done, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			bench_die("send");
		done += (size_t)r;
	}
}

/* n bytes, or 0 at EOF before the first */
static int recv_full(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = recv(fd, buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && got == 0)
			return 0;
		if (r <= 0)
			bench_die("recv");
		got += (size_t)r;
	}
	return 1;
}

static void *echo(void *arg)
{
	int fd = (int)(long)arg;
	char buf[MSG];
	while (recv_full(fd, buf, MSG))
		send_full(fd, buf, MSG);
	close(fd);
	return NULL;
}

static void *acceptor(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(listener, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		/* a short send leaves the echo's rest behind an unacknowledged
		 * segment: Nagle's algorithm holds it until the peer's delayed
		 * ACK (40 ms, tcp(7)), a 20-fold slower run */
		int one = 1;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		pthread_t t;
		if (pthread_create(&t, NULL, echo, (void *)(long)c))
			bench_die("pthread_create");
		pthread_detach(t);
	}
}

static void *client(void *arg)
{
	(void)arg;
	char buf[MSG];
	memset(buf, 'r', sizeof(buf));
	for (long k = 0; k < conns; k++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)))
			bench_die("connect");
		int one = 1;
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		for (long i = 0; i < trips; i++) {
			send_full(s, buf, MSG);
			if (!recv_full(s, buf, MSG))
				bench_die("recv: EOF");
		}
		shutdown(s, SHUT_WR);
		recv_full(s, buf, 1); /* the server's close */
		close(s);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s THREADS CONNS TRIPS\n", argv[0]);
		return 2;
	}
	int threads = atoi(argv[1]);
	conns = atol(argv[2]);
	trips = atol(argv[3]);
	if (threads < 1 || threads > 256 || conns < 1 || trips < 1) {
		fprintf(stderr, "%s: THREADS (1..256), CONNS, TRIPS must be positive\n", argv[0]);
		return 2;
	}
	listener = socket(AF_INET, SOCK_STREAM, 0);
	addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(addr);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 64) ||
	    getsockname(listener, (struct sockaddr *)&addr, &al))
		bench_die("listener");
	pthread_t a, t[256];
	if (pthread_create(&a, NULL, acceptor, NULL))
		bench_die("pthread_create");
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, client, NULL))
			bench_die("pthread_create");
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	/* the acceptor waits in accept() forever: exit ends it */
	return 0;
}
