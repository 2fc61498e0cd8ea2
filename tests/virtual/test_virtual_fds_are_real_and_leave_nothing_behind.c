/* The fd of a virtual socket is a real fd: the lowest free number (as a
 * kernel socket's would be), fstat says socket, dup shares the socket,
 * CLOEXEC is honoured; the shim's own end of the pair is out of the way
 * (not the next number), and closing every virtual socket leaves no fd
 * behind and no virtual socket alive. */
#include <sys/stat.h>

#include "vt.h"

int main(void)
{
	int before = vt_open_fds();
	unsigned live = vt_vsockets();
	int a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(a >= 0);
	int next = open("/dev/null", O_RDONLY);
	CHECK(next == a + 1); /* the hidden end did not take a + 1 */
	CHECK(close(next) == 0);
	struct stat st;
	CHECK(fstat(a, &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK(fcntl(a, F_GETFD) == FD_CLOEXEC);
	int c, s;
	vt_pair(7003, &c, &s);
	int d = dup(s);
	CHECK(d >= 0);
	CHECK(close(s) == 0); /* the dup keeps the socket open */
	char b;
	CHECK(send(c, "q", 1, 0) == 1);
	CHECK(recv(d, &b, 1, 0) == 1 && b == 'q');
	CHECK(close(d) == 0);
	CHECK(recv(c, &b, 1, 0) == 0); /* last fd closed: the peer sees FIN */
	CHECK(close(c) == 0);
	CHECK(close(a) == 0);
	CHECK(vt_open_fds() == before);
	/* the side that closed first may linger in TIME_WAIT (port held) */
	CHECK(vt_vsockets() <= live + 1);
	CHECK(vt_invalid() == NULL);
	printf("ok\n");
	return 0;
}
