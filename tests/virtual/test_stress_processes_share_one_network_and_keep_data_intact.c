/* 8 processes x 4 threads on one network: the parent listens, then forks 7
 * children; in each process 2 threads accept from the shared listener and 2
 * run connections to it one at a time (about 500 in all), sending a random
 * amount (up to 64 KiB) in random pieces and then SHUT_WR; the server --
 * in whichever process accepted -- checksums what it read and answers with
 * count and checksum.  Every connection must arrive intact; when every
 * client is done the parent's shutdown(SHUT_RD) of the listener wakes the
 * accepts of all processes; each process then validates the network and
 * the parent checks that no fd was left behind. */
#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>

#include "vt.h"

enum { PROCS = 8, SERVERS = 2, CLIENTS = 2, CONNS_PER_CLIENT = 31, MAXLEN = 64 * 1024 };

static struct sockaddr_in addr;
static int listener;

static void *client(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u + 1;
	for (int k = 0; k < CONNS_PER_CLIENT; k++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		CHECK(fd >= 0);
		CHECK(connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
		size_t len = (size_t)(rand_r(&seed) % MAXLEN), sent = 0;
		unsigned char *data = malloc(len + 1);
		CHECK(data != NULL);
		for (size_t j = 0; j < len; j++)
			data[j] = (unsigned char)rand_r(&seed);
		uint64_t sum = vt_fnv(0xcbf29ce484222325ull, data, len);
		while (sent < len) {
			size_t piece = 1 + (size_t)rand_r(&seed) % 20000;
			if (piece > len - sent)
				piece = len - sent;
			ssize_t w = send(fd, data + sent, piece, MSG_NOSIGNAL);
			CHECK(w > 0);
			sent += (size_t)w;
		}
		CHECK(shutdown(fd, SHUT_WR) == 0);
		uint64_t in[2];
		size_t got = 0;
		while (got < sizeof(in)) {
			ssize_t r = recv(fd, (char *)in + got, sizeof(in) - got, 0);
			CHECK(r > 0);
			got += (size_t)r;
		}
		CHECK(in[0] == len);
		CHECK(in[1] == sum);
		CHECK(close(fd) == 0);
		free(data);
	}
	return NULL;
}

/* One process's share: its threads, until the listener is shut down.
 * `done` gets a byte when its clients are finished. */
static void run(int proc, int done)
{
	pthread_t t[SERVERS + CLIENTS];
	for (int i = 0; i < SERVERS; i++)
		CHECK(pthread_create(&t[i], NULL, vt_checksum_server, &listener) == 0);
	for (int i = 0; i < CLIENTS; i++)
		CHECK(pthread_create(&t[SERVERS + i], NULL, client, (void *)(uintptr_t)(proc * CLIENTS + i + 1)) == 0);
	for (int i = 0; i < CLIENTS; i++)
		CHECK(pthread_join(t[SERVERS + i], NULL) == 0);
	CHECK(write(done, "d", 1) == 1);
	for (int i = 0; i < SERVERS; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	const char *why = vt_invalid();
	if (why)
		fprintf(stderr, "process %d: invalid: %s\n", proc, why);
	CHECK(why == NULL);
}

int main(void)
{
	alarm(240); /* a hang fails instead of waiting for ctest */
	int fds_before = vt_open_fds();
	addr = vt_addr("127.0.0.1", 7010);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(listener >= 0);
	CHECK(bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	CHECK(listen(listener, 128) == 0);
	CHECK(vt_vsockets() > 0); /* the listener is virtual */
	int done[2];
	CHECK(pipe(done) == 0);
	pid_t kids[PROCS - 1];
	for (int p = 1; p < PROCS; p++) {
		kids[p - 1] = fork();
		CHECK(kids[p - 1] >= 0);
		if (kids[p - 1] == 0) {
			close(done[0]);
			run(p, done[1]);
			exit(0);
		}
	}
	/* The parent's threads; the stop once every client of every process
	 * is done. */
	pthread_t t[SERVERS + CLIENTS];
	for (int i = 0; i < SERVERS; i++)
		CHECK(pthread_create(&t[i], NULL, vt_checksum_server, &listener) == 0);
	for (int i = 0; i < CLIENTS; i++)
		CHECK(pthread_create(&t[SERVERS + i], NULL, client, (void *)(uintptr_t)(i + 1)) == 0);
	for (int i = 0; i < CLIENTS; i++)
		CHECK(pthread_join(t[SERVERS + i], NULL) == 0);
	for (int n = 0; n < PROCS - 1;) {
		char b;
		ssize_t r = read(done[0], &b, 1);
		CHECK(r == 1 || (r < 0 && errno == EINTR));
		n += r == 1;
	}
	/* shutdown(SHUT_RD) on a listener wakes its blocked accepts (EINVAL),
	 * in every process that holds it. */
	CHECK(shutdown(listener, SHUT_RD) == 0);
	for (int i = 0; i < SERVERS; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	for (int p = 0; p < PROCS - 1; p++) {
		int st;
		CHECK(waitpid(kids[p], &st, 0) == kids[p]);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "child %d: status %d\n", p + 1, st);
			return 1;
		}
	}
	const char *why = vt_invalid();
	if (why)
		fprintf(stderr, "invalid: %s\n", why);
	CHECK(why == NULL);
	CHECK(close(listener) == 0);
	close(done[0]);
	close(done[1]);
	CHECK(vt_open_fds() == fds_before);
	CHECK(vt_vsockets() == 0);
	printf("ok\n");
	return 0;
}
