/* fstat(2) on a socket: st_mode has the socket file type, S_ISSOCK is true
 * (man 7 inode: "S_IFSOCK socket"), for fresh, listening, connected and
 * accepted TCP sockets and for UDP sockets, v4 and v6; a pipe is not one.
 * man 2 fstat, man 7 inode. */
#include "vcheck.h"

static void check_sock(int fd, const char *what)
{
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISSOCK(st.st_mode));
	printf("fstat(%s): S_ISSOCK %d\n", what, S_ISSOCK(st.st_mode) ? 1 : 0);
}

int main(void)
{
	vc_begin("fstat says S_ISSOCK");
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int t6 = socket(AF_INET6, SOCK_STREAM, 0), u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	CHECK(t >= 0 && u >= 0 && t6 >= 0 && u6 >= 0);
	check_sock(t, "fresh tcp");
	check_sock(u, "fresh udp");
	check_sock(t6, "fresh tcp6");
	check_sock(u6, "fresh udp6");
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	check_sock(l, "listener");
	CHECK_OK(connect(t, (struct sockaddr *)&a, sizeof(a)));
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	check_sock(t, "connected");
	check_sock(s, "accepted");
	int p[2];
	CHECK_OK(pipe(p));
	struct stat st;
	CHECK_OK(fstat(p[0], &st));
	CHECK(!S_ISSOCK(st.st_mode));
	printf("fstat(pipe): S_ISSOCK 0\n");
	return 0;
}
