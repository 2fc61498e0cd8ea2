/* connect(2) on an unbound UDP socket binds it implicitly (man 7 udp: "When
 * connect(2) is called on the socket, the default destination address is
 * set ... an unbound socket is automatically bound to a random free port"):
 * getsockname goes from 0.0.0.0:0 to 127.0.0.1:ephemeral (the source
 * address the route to the peer uses), getpeername gives the peer, and the
 * peer sees datagrams come from exactly that address.  Connecting again to
 * another peer keeps the local port.  man 7 udp, man 2 connect. */
#include "vcheck.h"

int main(void)
{
	vc_begin("UDP connect binds the local address");
	struct sockaddr_in pa, qa;
	int p = vc_udp_socket(&pa), q = vc_udp_socket(&qa);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(u >= 0);
	VC_SOCKNAME(u);
	VC_OK(connect(u, (struct sockaddr *)&pa, sizeof(pa)));
	unsigned port = VC_SOCKNAME(u);
	CHECK(vc_is_ephemeral(port));
	CHECK_EQ(VC_PEERNAME(u), ntohs(pa.sin_port));
	VC_EQ(send(u, "hi", 2, 0), 2);
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	char buf[4];
	vc_wait_readable(p);
	VC_EQ(recvfrom(p, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 2);
	CHECK_EQ(ntohs(from.sin_port), port);
	printf("p got it from -> %s (u's address)\n", vc_addr(&from, fl));
	VC_OK(connect(u, (struct sockaddr *)&qa, sizeof(qa)));
	CHECK_EQ(VC_SOCKNAME(u), port);
	VC_NOTE("reconnected: same local port");
	CHECK_EQ(VC_PEERNAME(u), ntohs(qa.sin_port));
	CHECK_OK(close(q));
	CHECK_OK(close(p));
	return 0;
}
