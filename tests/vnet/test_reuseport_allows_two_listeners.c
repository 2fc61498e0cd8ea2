/* SO_REUSEPORT (man 7 socket: "Permits multiple AF_INET or AF_INET6 sockets
 * to be bound to an identical socket address.  This option must be set on
 * each socket (including the first socket) prior to calling bind(2)"): two
 * listeners with the option share a port and incoming connections are
 * distributed over them (which one gets which is the kernel's hash: not
 * printed, only that every connection was accepted exactly once); a third
 * socket without the option gets EADDRINUSE.  man 7 socket, man 2 bind. */
#include "vcheck.h"

int main(void)
{
	vc_begin("SO_REUSEPORT two listeners");
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	int l1 = socket(AF_INET, SOCK_STREAM, 0), l2 = socket(AF_INET, SOCK_STREAM, 0);
	int l3 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l1 >= 0 && l2 >= 0 && l3 >= 0);
	vc_set_int(l1, SOL_SOCKET, SO_REUSEPORT, 1);
	vc_set_int(l2, SOL_SOCKET, SO_REUSEPORT, 1);
	VC_SOCKOPT(l1, SOL_SOCKET, SO_REUSEPORT, 1);
	VC_SOCKOPT(l3, SOL_SOCKET, SO_REUSEPORT, 0);
	VC_OK(bind(l1, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(l1, (struct sockaddr *)&a, &al));
	VC_OK(listen(l1, 64));
	VC_OK(bind(l2, (struct sockaddr *)&a, sizeof(a)));
	VC_OK(listen(l2, 64));
	VC_ERR(bind(l3, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	CHECK_EQ(VC_SOCKNAME(l1), VC_SOCKNAME(l2));
	VC_NOTE("same port");
	enum { N = 16 };
	int c[N];
	for (int i = 0; i < N; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		CHECK(c[i] >= 0);
		CHECK_OK(connect(c[i], (struct sockaddr *)&a, sizeof(a)));
		unsigned char b = (unsigned char)i;
		CHECK_EQ(send(c[i], &b, 1, 0), 1);
	}
	VC_NOTE("%d clients connected", N);
	sfit_set_nonblocking(l1);
	sfit_set_nonblocking(l2);
	int seen[N] = {0}, accepted = 0;
	double t0 = sfit_now();
	while (accepted < N && vc_elapsed(t0) < 5) {
		struct pollfd p[2] = {{.fd = l1, .events = POLLIN}, {.fd = l2, .events = POLLIN}};
		CHECK(poll(p, 2, 1000) >= 0);
		for (int k = 0; k < 2; k++) {
			int s = accept(p[k].fd, NULL, NULL);
			if (s < 0) {
				CHECK(errno == EAGAIN);
				continue;
			}
			unsigned char b;
			CHECK_EQ(recv(s, &b, 1, 0), 1);
			CHECK(b < N);
			seen[b]++;
			accepted++;
			CHECK_OK(close(s));
		}
	}
	for (int i = 0; i < N; i++)
		CHECK_EQ(seen[i], 1);
	VC_NOTE("accepted over both listeners: %d, each client once", accepted);
	return 0;
}
