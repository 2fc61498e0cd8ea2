/* A small C echo server for the fault tests and the bundled suite: listens
 * on 127.0.0.1 (port 0 = any; the port is written to PORTFILE), serves one
 * connection at a time, echoing until EOF, and exits after COUNT
 * connections (0 = forever). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s PORTFILE COUNT\n", argv[0]);
		return 2;
	}
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 16) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &al) < 0) {
		perror("bind/listen");
		return 2;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) != 0 || rename(tmp, argv[1]) != 0) {
		perror(argv[1]);
		return 2;
	}
	for (int served = 0, max = atoi(argv[2]); !max || served < max; served++) {
		int c = accept(ls, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("accept");
			return 1;
		}
		char buf[65536];
		long r;
		while ((r = recv(c, buf, sizeof(buf), 0)) > 0 || (r < 0 && errno == EINTR))
			for (long off = 0; r > 0 && off < r;) {
				long w = send(c, buf + off, (size_t)(r - off), MSG_NOSIGNAL);
				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0)
					break;
				off += w;
			}
		close(c);
	}
	return 0;
}
