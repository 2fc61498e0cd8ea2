/* The benchmark's baseline: the sample server driven over real loopback TCP
 * by a client per input, the way a network server is fuzzed without the
 * shim.  For each input (fuzz input format, cycled from a directory) a
 * fresh server process is started (`SERVER 0 --once`), its "listening PORT"
 * line awaited, the input's inbound connections made and their chunks sent
 * (one send each, TCP_NODELAY), FINs as shutdown, resets as SO_LINGER 0,
 * then the server's exit awaited.  With --persistent one server serves every
 * input (a client connection per input): the bare cost of the TCP
 * exchange, no process per input.
 *
 *   fuzz_loopback SERVER CORPUS_DIR SECONDS [--persistent]
 *
 * Prints "loopback[-persistent]: N inputs in S s = X execs/s". */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/fuzz_input.h"

struct input {
	unsigned char *data;
	size_t len;
	struct sf_fuzz_input in;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t start_server(const char *server, bool once, int *port)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2); /* the bugs' messages: the baseline counts, it does not report */
		execl(server, server, "0", once ? "--once" : NULL, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char line[64] = {0};
	size_t n = 0;
	while (n < sizeof(line) - 1) {
		ssize_t r = read(p[0], line + n, 1);
		if (r <= 0 || line[n] == '\n')
			break;
		n++;
	}
	close(p[0]);
	if (sscanf(line, "listening %d", port) != 1) {
		fprintf(stderr, "fuzz_loopback: %s did not say where it listens\n", server);
		exit(1);
	}
	return pid;
}

static void drive(int port, const struct sf_fuzz_input *in)
{
	int fds[SF_FUZZ_MAX_CONNS];
	for (unsigned i = 0; i < SF_FUZZ_MAX_CONNS; i++)
		fds[i] = -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	for (size_t i = 0; i < in->nevents; i++) {
		const struct sf_fuzz_event *e = &in->events[i];
		int *fd = &fds[e->conn - 1];
		if (e->op == SF_PEER_OPEN) {
			if (e->dir == SF_PEER_OUT)
				continue; /* a client's outbound connection: not in this baseline */
			*fd = socket(AF_INET, SOCK_STREAM, 0);
			int one = 1;
			setsockopt(*fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			if (connect(*fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
				close(*fd);
				*fd = -1;
			}
		} else if (*fd >= 0 && e->op == SF_PEER_SEND) {
			if (send(*fd, e->data, e->len, MSG_NOSIGNAL) < 0) {
				close(*fd);
				*fd = -1;
			}
		} else if (*fd >= 0 && e->op == SF_PEER_FIN) {
			shutdown(*fd, SHUT_WR);
		} else if (*fd >= 0 && e->op == SF_PEER_RESET) {
			struct linger l = {1, 0};
			setsockopt(*fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
			close(*fd);
			*fd = -1;
		}
	}
	/* The end of the input: each connection ends; read what the server
	 * says until it closes. */
	for (unsigned i = 0; i < SF_FUZZ_MAX_CONNS; i++) {
		if (fds[i] < 0)
			continue;
		shutdown(fds[i], SHUT_WR);
		char buf[4096];
		while (recv(fds[i], buf, sizeof(buf), 0) > 0)
			;
		close(fds[i]);
	}
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "--persistent"))) {
		fprintf(stderr, "usage: %s SERVER CORPUS_DIR SECONDS [--persistent]\n", argv[0]);
		return 2;
	}
	bool persistent = argc == 5;
	signal(SIGPIPE, SIG_IGN);
	struct input inputs[256];
	unsigned n = 0;
	DIR *d = opendir(argv[2]);
	struct dirent *de;
	while (d && (de = readdir(d)) && n < 256) {
		char path[4096];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[2], de->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		static unsigned char buf[1 << 20];
		size_t len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		inputs[n].data = malloc(len ? len : 1);
		memcpy(inputs[n].data, buf, len);
		inputs[n].len = len;
		if (sf_fuzz_input_parse(inputs[n].data, len, &inputs[n].in) == 0)
			n++;
	}
	if (d)
		closedir(d);
	if (!n) {
		fprintf(stderr, "fuzz_loopback: no inputs in %s\n", argv[2]);
		return 1;
	}
	double secs = atof(argv[3]), t0 = now();
	unsigned long done = 0;
	int port = 0;
	pid_t server = persistent ? start_server(argv[1], false, &port) : 0;
	while (now() - t0 < secs) {
		const struct input *in = &inputs[done % n];
		if (!persistent) {
			pid_t pid = start_server(argv[1], true, &port);
			drive(port, &in->in);
			/* --once: the server exits after its first connection; an
			 * input without one leaves it waiting. */
			if (waitpid(pid, NULL, WNOHANG) == 0) {
				kill(pid, SIGKILL);
				waitpid(pid, NULL, 0);
			}
		} else {
			drive(port, &in->in);
		}
		done++;
	}
	double t = now() - t0;
	if (persistent) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}
	printf("loopback%s: %lu inputs in %.1f s = %.0f execs/s\n", persistent ? "-persistent" : "", done, t,
	       (double)done / t);
	return 0;
}
