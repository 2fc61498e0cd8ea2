/* Zero-length UDP datagrams are datagrams (man 7 udp; man 2 recv: "When a
 * stream socket peer has performed an orderly shutdown, the return value
 * will be 0 ... Datagram sockets in various domains (e.g., the UNIX and
 * Internet domains) permit zero-length datagrams.  When such a datagram is
 * received, the return value is 0"): send of 0 bytes returns 0, the
 * receiver polls POLLIN, FIONREAD says 0, recvfrom returns 0 with the
 * sender's address, and the next datagram follows separately.  man 2 recv,
 * man 7 udp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("zero-length UDP datagram");
	struct sockaddr_in aa;
	int a = vc_udp_socket(&aa), b;
	struct sockaddr_in ba;
	b = vc_udp_socket(&ba);
	VC_EQ(sendto(a, "", 0, 0, (struct sockaddr *)&ba, sizeof(ba)), 0);
	VC_EQ(sendto(a, "after", 5, 0, (struct sockaddr *)&ba, sizeof(ba)), 5);
	VC_POLL(b, POLLIN, 5000);
	int n = -1;
	VC_OK(ioctl(b, FIONREAD, &n));
	VC_EQ(n, 0);
	char buf[8];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	VC_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 0);
	CHECK_EQ(from.sin_port, aa.sin_port);
	printf("from -> %s\n", vc_addr(&from, fl));
	vc_wait_readable(b);
	VC_EQ(recv(b, buf, sizeof(buf), 0), 5);
	VC_ERR(recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	VC_POLL(b, POLLIN, 0);
	return 0;
}
