/* accept(2): "The argument addr is a pointer to a sockaddr structure.  This
 * structure is filled in with the address of the peer socket ... The
 * returned address is truncated if the buffer provided is too small; in
 * this case, addrlen will return a value greater than was supplied to the
 * call."  The accepted socket's getpeername(2) is the client's getsockname,
 * its getsockname the listener's address; the client's getpeername is the
 * listener's address.  getpeername on an unconnected or listening socket:
 * ENOTCONN.  man 2 accept, man 2 getpeername, man 2 getsockname. */
#include "vcheck.h"

int main(void)
{
	vc_begin("names of accepted sockets");
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	struct sockaddr_in dummy;
	socklen_t dl = sizeof(dummy);
	VC_ERR(getpeername(l, (struct sockaddr *)&dummy, &dl), ENOTCONN);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_ERR(getpeername(c, (struct sockaddr *)&dummy, &dl), ENOTCONN);
	VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	int s = accept(l, (struct sockaddr *)&peer, &pl);
	CHECK(s >= 0);
	VC_EQ(pl, sizeof(struct sockaddr_in));
	printf("accept addr -> %s\n", vc_addr(&peer, pl));
	unsigned cport = VC_SOCKNAME(c);
	CHECK_EQ(ntohs(peer.sin_port), cport);
	CHECK_EQ(VC_PEERNAME(s), cport);
	CHECK_EQ(VC_SOCKNAME(s), ntohs(a.sin_port));
	CHECK_EQ(VC_PEERNAME(c), ntohs(a.sin_port));
	VC_NOTE("ports pair up: s.peer == c.local, s.local == c.peer == listener");

	/* a second client, accepted into a short buffer */
	int c2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c2 >= 0);
	VC_OK(connect(c2, (struct sockaddr *)&a, sizeof(a)));
	struct sockaddr_storage small;
	memset(&small, 0xee, sizeof(small));
	socklen_t sl = 4; /* family and port only */
	int s2 = accept(l, (struct sockaddr *)&small, &sl);
	CHECK(s2 >= 0);
	VC_EQ(sl, sizeof(struct sockaddr_in));
	VC_EQ(small.ss_family, AF_INET);
	VC_EQ(((unsigned char *)&small)[4], 0xee);
	/* addr NULL: fine, addrlen ignored */
	int c3 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c3 >= 0);
	VC_OK(connect(c3, (struct sockaddr *)&a, sizeof(a)));
	int s3 = accept(l, NULL, NULL);
	CHECK(s3 >= 0);
	VC_NOTE("accept(l, NULL, NULL) -> a socket");
	return 0;
}
