/* send(2) on an unconnected UDP socket: "EDESTADDRREQ The socket is not
 * connection-mode, and no peer address is set."  For send, write and
 * sendto with a NULL address, fresh and bound sockets, v4 and v6; recv on
 * an unbound UDP socket just has nothing (EAGAIN with MSG_DONTWAIT).
 * sendto with a too short address is EINVAL, to port 0 EINVAL.
 * man 2 send, man 7 udp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("UDP send without a destination");
	int u = socket(AF_INET, SOCK_DGRAM, 0), u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	CHECK(u >= 0 && u6 >= 0);
	VC_ERR(send(u, "x", 1, 0), EDESTADDRREQ);
	VC_ERR(write(u, "x", 1), EDESTADDRREQ);
	VC_ERR(sendto(u, "x", 1, 0, NULL, 0), EDESTADDRREQ);
	VC_ERR(send(u6, "x", 1, 0), EDESTADDRREQ);
	int b = vc_udp_socket(NULL);
	VC_ERR(send(b, "x", 1, 0), EDESTADDRREQ);
	char c;
	VC_ERR(recv(u, &c, 1, MSG_DONTWAIT), EAGAIN);
	struct sockaddr_in to = sfit_loopback(9);
	VC_ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&to, 4), EINVAL);
	to.sin_port = 0;
	VC_ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), EINVAL);
	return 0;
}
