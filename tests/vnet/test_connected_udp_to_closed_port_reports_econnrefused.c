/* A connected UDP socket sending to a port where no socket is bound: the
 * send succeeds; the ICMP port unreachable that comes back is reported
 * asynchronously (man 7 udp: "All fatal errors will be passed to the user
 * as an error return even when the socket is not connected ... ECONNREFUSED
 * No receiver was associated with the destination address.  This might be
 * caused by a previous packet sent over the socket"; for a connected socket
 * without IP_RECVERR).  What Linux does: poll shows POLLERR; the *next*
 * call fails ECONNREFUSED once -- a send (its datagram is not sent) or a
 * recv (a blocked recv wakes with it) -- and the error is cleared: the
 * following recv is EAGAIN, SO_ERROR 0.  An unconnected socket sending
 * there gets no error at all.  man 7 udp, man 7 ip (IP_RECVERR). */
#include "vcheck.h"

static struct sockaddr_in closed_udp_port(void)
{
	struct sockaddr_in a;
	int fd = vc_udp_socket(&a);
	CHECK_OK(close(fd));
	return a;
}

int main(void)
{
	vc_begin("connected UDP to a closed port -> ECONNREFUSED");
	struct sockaddr_in to = closed_udp_port();
	int u = vc_udp_socket(NULL);
	VC_OK(connect(u, (struct sockaddr *)&to, sizeof(to)));
	VC_EQ(send(u, "x", 1, 0), 1);
	vc_wait_pollerr(u);
	VC_POLL(u, POLLIN | POLLOUT, 0);
	VC_ERR(send(u, "x", 1, 0), ECONNREFUSED);
	VC_POLL(u, POLLIN | POLLOUT, 0);
	VC_EQ(send(u, "y", 1, 0), 1);
	vc_wait_pollerr(u);
	char b[8];
	VC_ERR(recv(u, b, sizeof(b), MSG_DONTWAIT), ECONNREFUSED);
	VC_ERR(recv(u, b, sizeof(b), MSG_DONTWAIT), EAGAIN);
	VC_SO_ERROR(u, 0);
	/* a blocking recv is woken by the error */
	VC_EQ(send(u, "z", 1, 0), 1);
	VC_ERR(recv(u, b, sizeof(b), 0), ECONNREFUSED);
	/* SO_ERROR reads (and clears) it too */
	VC_EQ(send(u, "w", 1, 0), 1);
	vc_wait_pollerr(u);
	VC_SO_ERROR(u, ECONNREFUSED);
	VC_SO_ERROR(u, 0);
	VC_EQ(send(u, "v", 1, 0), 1);
	/* unconnected: nothing is reported */
	int n = vc_udp_socket(NULL);
	VC_EQ(sendto(n, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	VC_POLL(n, POLLIN | POLLOUT, 50);
	VC_EQ(sendto(n, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	VC_ERR(recv(n, b, sizeof(b), MSG_DONTWAIT), EAGAIN);
	/* IPv6 likewise */
	int h = socket(AF_INET6, SOCK_DGRAM, 0);
	CHECK(h >= 0);
	struct sockaddr_in6 a6 = vc_loopback6(0);
	socklen_t l6 = sizeof(a6);
	CHECK_OK(bind(h, (struct sockaddr *)&a6, sizeof(a6)));
	CHECK_OK(getsockname(h, (struct sockaddr *)&a6, &l6));
	CHECK_OK(close(h));
	int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	CHECK(u6 >= 0);
	VC_OK(connect(u6, (struct sockaddr *)&a6, sizeof(a6)));
	VC_EQ(send(u6, "x", 1, 0), 1);
	VC_ERR(recv(u6, b, sizeof(b), 0), ECONNREFUSED);
	return 0;
}
