/* A small C client for the fault tests: connects to HOST PORT, sends
 * COUNT requests of 100 bytes and reads each reply, printing one line per
 * failed call ("connect: ECONNREFUSED") and, at the end, how many EINTRs it
 * retried and how many SIGUSR1 handlers ran. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t handled;
static unsigned eintrs;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static const char *ename(int e)
{
	switch (e) {
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case EPIPE: return "EPIPE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EAGAIN: return "EAGAIN";
	case ENETUNREACH: return "ENETUNREACH";
	default: return strerror(e);
	}
}

/* Retries EINTR like a careful C program must (no SA_RESTART here). */
#define RETRY(expr)                                     \
	({                                              \
		long r_;                                \
		while ((r_ = (expr)) < 0 && errno == EINTR) \
			eintrs++;                       \
		r_;                                     \
	})

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s HOST PORT COUNT\n", argv[0]);
		return 2;
	}
	struct sigaction sa = {.sa_handler = on_usr1};
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
	inet_pton(AF_INET, argv[1], &a.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINTR) {
		printf("connect: %s\n", ename(errno));
		return 3;
	}
	int status = 0;
	for (int i = 0, n = atoi(argv[3]); i < n; i++) {
		char req[100], rep[100];
		memset(req, 'a' + i % 26, sizeof(req));
		size_t off = 0;
		while (off < sizeof(req)) {
			long w = RETRY(send(fd, req + off, sizeof(req) - off, 0));
			if (w < 0) {
				printf("send: %s\n", ename(errno));
				status = 3;
				goto out;
			}
			off += (size_t)w;
		}
		for (off = 0; off < sizeof(rep);) {
			long r = RETRY(recv(fd, rep + off, sizeof(rep) - off, 0));
			if (r < 0) {
				printf("recv: %s\n", ename(errno));
				status = 3;
				goto out;
			}
			if (r == 0) {
				printf("recv: EOF\n");
				status = 3;
				goto out;
			}
			off += (size_t)r;
		}
		if (memcmp(req, rep, sizeof(req)) != 0) {
			printf("reply %d differs\n", i);
			status = 3;
			goto out;
		}
	}
	printf("done\n");
out:
	printf("eintr %u handled %d\n", eintrs, (int)handled);
	close(fd);
	return status;
}
