/* UDP over IPv6 loopback (man 7 ipv6: "sockaddr_in6"; man 7 udp): a socket
 * bound to [::1]:0 gets an ephemeral port, datagrams to it arrive whole
 * with the sender's sockaddr_in6 (address ::1, its port) from recvfrom,
 * a reply goes back; a connected v6 UDP pair exchanges datagrams with
 * send/recv; sendto with an address shorter than a sockaddr_in6 is EINVAL.
 * man 7 ipv6, man 7 udp. */
#include "vcheck.h"

static int udp6(struct sockaddr_in6 *a)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	*a = vc_loopback6(0);
	socklen_t al = sizeof(*a);
	CHECK_OK(bind(fd, (struct sockaddr *)a, sizeof(*a)));
	CHECK_OK(getsockname(fd, (struct sockaddr *)a, &al));
	return fd;
}

int main(void)
{
	vc_begin("UDP over IPv6");
	struct sockaddr_in6 aa, ba;
	int a = udp6(&aa), b = udp6(&ba);
	VC_SOCKNAME(a);
	static unsigned char out[1200], in[2000];
	sfit_fill(out, sizeof(out), 6);
	VC_EQ(sendto(a, out, sizeof(out), 0, (struct sockaddr *)&ba, sizeof(ba)), 1200);
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	vc_wait_readable(b);
	VC_EQ(recvfrom(b, in, sizeof(in), 0, (struct sockaddr *)&from, &fl), 1200);
	CHECK(memcmp(in, out, sizeof(out)) == 0);
	VC_EQ(fl, sizeof(struct sockaddr_in6));
	printf("from -> %s\n", vc_addr(&from, fl));
	CHECK_EQ(from.sin6_port, aa.sin6_port);
	VC_EQ(sendto(b, "pong", 4, 0, (struct sockaddr *)&from, fl), 4);
	vc_wait_readable(a);
	VC_EQ(recv(a, in, sizeof(in), 0), 4);
	VC_OK(connect(a, (struct sockaddr *)&ba, sizeof(ba)));
	VC_OK(connect(b, (struct sockaddr *)&aa, sizeof(aa)));
	VC_EQ(send(a, "c6", 2, 0), 2);
	vc_wait_readable(b);
	VC_EQ(recv(b, in, sizeof(in), 0), 2);
	VC_PEERNAME(b);
	VC_ERR(sendto(a, "x", 1, 0, (struct sockaddr *)&ba, sizeof(struct sockaddr_in) - 1), EINVAL);
	return 0;
}
