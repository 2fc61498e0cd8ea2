/* 16 threads, 1000 connections: 8 server threads accept from one listener
 * concurrently, 8 client threads each run 125 connections, one at a time,
 * sending a random amount (up to 192 KiB) in random pieces and then SHUT_WR;
 * the server checksums what it read and sends back count and checksum.
 * Every connection must arrive intact, the network must validate, and no
 * fd may be left behind. */
#include <pthread.h>
#include <stdint.h>

#include "vt.h"

/* AT_ONCE x CLIENTS must not exceed SERVERS: a server reads one connection
 * until its end, so a connection nobody serves could fill up and block its
 * client (natively too). */
enum { SERVERS = 8, CLIENTS = 8, CONNS = 1000, AT_ONCE = 1, MAXLEN = 192 * 1024 };

static struct sockaddr_in addr;
static int listener;

struct conn {
	int fd;
	size_t len, sent;
	uint64_t sum;
	unsigned char *data;
};

static void *client(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u + 1;
	int todo = CONNS / CLIENTS;
	while (todo > 0) {
		struct conn c[AT_ONCE];
		int k = todo < AT_ONCE ? todo : AT_ONCE;
		for (int i = 0; i < k; i++) {
			c[i].fd = socket(AF_INET, SOCK_STREAM, 0);
			CHECK(c[i].fd >= 0);
			CHECK(connect(c[i].fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
			c[i].len = (size_t)(rand_r(&seed) % MAXLEN);
			c[i].data = malloc(c[i].len + 1);
			CHECK(c[i].data != NULL);
			for (size_t j = 0; j < c[i].len; j++)
				c[i].data[j] = (unsigned char)rand_r(&seed);
			c[i].sum = vt_fnv(0xcbf29ce484222325ull, c[i].data, c[i].len);
			c[i].sent = 0;
		}
		/* Interleave the connections' sends, random pieces each. */
		for (int busy = k; busy;) {
			busy = 0;
			for (int i = 0; i < k; i++) {
				if (c[i].sent == c[i].len)
					continue;
				size_t piece = 1 + (size_t)rand_r(&seed) % 40000;
				if (piece > c[i].len - c[i].sent)
					piece = c[i].len - c[i].sent;
				ssize_t w = send(c[i].fd, c[i].data + c[i].sent, piece, MSG_NOSIGNAL);
				CHECK(w > 0);
				c[i].sent += (size_t)w;
				busy += c[i].sent < c[i].len;
			}
		}
		for (int i = 0; i < k; i++) {
			CHECK(shutdown(c[i].fd, SHUT_WR) == 0);
			uint64_t in[2];
			size_t got = 0;
			while (got < sizeof(in)) {
				ssize_t r = recv(c[i].fd, (char *)in + got, sizeof(in) - got, 0);
				CHECK(r > 0);
				got += (size_t)r;
			}
			CHECK(in[0] == c[i].len);
			CHECK(in[1] == c[i].sum);
			CHECK(close(c[i].fd) == 0);
			free(c[i].data);
		}
		todo -= k;
	}
	return NULL;
}

int main(void)
{
	int fds_before = vt_open_fds();
	addr = vt_addr("127.0.0.1", 7000);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(listener >= 0);
	CHECK(bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	CHECK(listen(listener, 64) == 0);
	CHECK(vt_vsockets() > 0); /* the listener is virtual */
	pthread_t t[SERVERS + CLIENTS];
	for (int i = 0; i < SERVERS; i++)
		CHECK(pthread_create(&t[i], NULL, vt_checksum_server, &listener) == 0);
	for (int i = 0; i < CLIENTS; i++)
		CHECK(pthread_create(&t[SERVERS + i], NULL, client, (void *)(uintptr_t)(i + 1)) == 0);
	for (int i = 0; i < CLIENTS; i++)
		CHECK(pthread_join(t[SERVERS + i], NULL) == 0);
	/* shutdown(SHUT_RD) on a listener wakes its blocked accepts (EINVAL). */
	CHECK(shutdown(listener, SHUT_RD) == 0);
	for (int i = 0; i < SERVERS; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	const char *why = vt_invalid();
	if (why)
		fprintf(stderr, "invalid: %s\n", why);
	CHECK(why == NULL);
	CHECK(close(listener) == 0);
	CHECK(vt_open_fds() == fds_before);
	printf("ok\n");
	return 0;
}
