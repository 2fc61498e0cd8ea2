/* UDP sample for the fault tests: sends COUNT numbered datagrams to its own
 * bound socket on 127.0.0.1 (or [::1] with -6), then receives until 200 ms
 * pass without one, printing the payloads received in order ("1 2 3 ...";
 * a corrupted datagram prints as "?"). */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int v6 = argc > 2 && strcmp(argv[2], "-6") == 0;
	int count = argc > 1 ? atoi(argv[1]) : 5;
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	}
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sl) < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		perror("socket/bind");
		return 2;
	}
	for (int i = 1; i <= count; i++) {
		char msg[32];
		int n = snprintf(msg, sizeof(msg), "datagram-%04d", i);
		if (sendto(fd, msg, (size_t)n, 0, (struct sockaddr *)&ss, sl) != n) {
			perror("sendto");
			return 2;
		}
	}
	struct pollfd p = {.fd = fd, .events = POLLIN};
	const char *sep = "";
	while (poll(&p, 1, 200) == 1) {
		char buf[64];
		long r = recvfrom(fd, buf, sizeof(buf) - 1, 0, NULL, NULL);
		if (r < 0)
			break;
		buf[r] = 0;
		int k;
		if (r == 13 && sscanf(buf, "datagram-%4d", &k) == 1)
			printf("%s%d", sep, k);
		else
			printf("%s?", sep);
		sep = " ";
	}
	printf("\n");
	close(fd);
	return 0;
}
