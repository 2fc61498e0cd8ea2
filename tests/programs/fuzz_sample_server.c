/* The fuzzing sample server: a small length-prefixed protocol over TCP
 * (fuzz_sample_proto.c, with two planted bugs), one connection at a time.
 *
 *   fuzz_sample_server PORT [--once]
 *
 * Listens on 0.0.0.0:PORT (0: any port; the port is printed as
 * "listening PORT" on stdout), serves connections until killed, or only the
 * first with --once. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_sample_proto.h"

int main(int argc, char **argv)
{
	char *end;
	long port = argc >= 2 ? strtol(argv[1], &end, 10) : -1;
	int once = argc == 3 && strcmp(argv[2], "--once") == 0;
	if (argc < 2 || argc > 3 || *end || port < 0 || port > 65535 || (argc == 3 && !once)) {
		fprintf(stderr, "usage: %s PORT [--once]\n", argv[0]);
		return 2;
	}
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	socklen_t al = sizeof(a);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 64) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &al) < 0) {
		perror("fuzz_sample_server: bind/listen");
		return 1;
	}
	printf("listening %d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int c = accept(ls, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED)
				continue;
			perror("fuzz_sample_server: accept");
			return 1;
		}
		fss_serve_conn(c);
		if (once)
			return 0;
	}
}
