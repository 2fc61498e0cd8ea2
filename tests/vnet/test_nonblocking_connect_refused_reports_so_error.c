/* Non-blocking connect(2) to a port where nobody listens: EINPROGRESS, then
 * the socket polls writable (with POLLERR and POLLHUP: the connection is
 * dead), and SO_ERROR reads ECONNREFUSED once -- reading it clears it
 * (man 7 socket: "SO_ERROR Get and clear the pending socket error"), the
 * next read gives 0.  man 2 connect, man 7 socket, man 2 poll. */
#include "vcheck.h"

int main(void)
{
	vc_begin("non-blocking connect refused: SO_ERROR ECONNREFUSED");
	int holder;
	struct sockaddr_in r = vc_refusing_addr(&holder);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c >= 0);
	VC_ERR(connect(c, (struct sockaddr *)&r, sizeof(r)), EINPROGRESS);
	unsigned rev = VC_POLL(c, POLLIN | POLLOUT, 5000);
	CHECK(rev & POLLOUT);
	VC_SO_ERROR(c, ECONNREFUSED);
	VC_SO_ERROR(c, 0);
	VC_POLL(c, POLLIN | POLLOUT, 0);
	struct sockaddr_in p;
	socklen_t pl = sizeof(p);
	VC_ERR(getpeername(c, (struct sockaddr *)&p, &pl), ENOTCONN);
	/* the pending error, not read with SO_ERROR, is what recv reports */
	int c2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c2 >= 0);
	VC_ERR(connect(c2, (struct sockaddr *)&r, sizeof(r)), EINPROGRESS);
	CHECK(vc_poll1(c2, POLLOUT, 5000) & POLLOUT);
	char ch;
	VC_ERR(recv(c2, &ch, 1, 0), ECONNREFUSED);
	VC_SO_ERROR(c2, 0);
	CHECK_OK(close(holder));
	return 0;
}
