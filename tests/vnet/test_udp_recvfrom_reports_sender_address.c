/* recvfrom(2) on an unconnected UDP socket: "If src_addr is not NULL, and
 * the underlying protocol provides the source address of the message, that
 * source address is placed in the buffer pointed to by src_addr ... addrlen
 * ... is updated to contain the actual size of the source address".  Two
 * senders: each datagram comes with its own sender's address (its
 * getsockname); an unbound sender is bound implicitly to an ephemeral port
 * by its first sendto (man 7 udp: "When a UDP socket is created, its local
 * and remote addresses are unspecified ... an unbound socket is
 * automatically bound to a random free port").  recvmsg fills msg_name the
 * same way.  man 2 recvfrom, man 7 udp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("UDP recvfrom gives the sender");
	struct sockaddr_in ra;
	int r = vc_udp_socket(&ra);
	int s1 = vc_udp_socket(NULL), s2 = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(s2 >= 0);
	VC_SOCKNAME(s2);
	VC_EQ(sendto(s1, "from s1", 7, 0, (struct sockaddr *)&ra, sizeof(ra)), 7);
	VC_EQ(sendto(s2, "from s2", 7, 0, (struct sockaddr *)&ra, sizeof(ra)), 7);
	unsigned p2 = VC_SOCKNAME(s2);
	CHECK(vc_is_ephemeral(p2));
	struct sockaddr_in l1;
	socklen_t ll = sizeof(l1);
	CHECK_OK(getsockname(s1, (struct sockaddr *)&l1, &ll));
	char buf[16];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	vc_wait_readable(r);
	VC_EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 7);
	VC_EQ(fl, sizeof(struct sockaddr_in));
	printf("from -> %s \"%.7s\"\n", vc_addr(&from, fl), buf);
	CHECK_EQ(from.sin_port, l1.sin_port);
	struct sockaddr_storage from2;
	struct iovec v = {buf, sizeof(buf)};
	struct msghdr mh = {.msg_name = &from2, .msg_namelen = sizeof(from2), .msg_iov = &v, .msg_iovlen = 1};
	vc_wait_readable(r);
	VC_EQ(recvmsg(r, &mh, 0), 7);
	VC_EQ(mh.msg_namelen, sizeof(struct sockaddr_in));
	printf("msg_name -> %s \"%.7s\"\n", vc_addr(&from2, mh.msg_namelen), buf);
	CHECK_EQ(vc_port_of(&from2), p2);
	VC_NOTE("each datagram carries its sender's port");
	/* a reply to the address recvfrom gave reaches the sender */
	VC_EQ(sendto(r, "reply", 5, 0, (struct sockaddr *)&from, fl), 5);
	vc_wait_readable(s1);
	fl = sizeof(from);
	VC_EQ(recvfrom(s1, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 5);
	CHECK_EQ(from.sin_port, ra.sin_port);
	printf("reply from -> %s\n", vc_addr(&from, fl));
	return 0;
}
