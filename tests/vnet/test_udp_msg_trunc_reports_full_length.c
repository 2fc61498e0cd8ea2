/* MSG_TRUNC on UDP (man 2 recv: "MSG_TRUNC (since Linux 2.2) For raw
 * (AF_PACKET), Internet datagram (since Linux 2.4.27/2.6.8), ... sockets:
 * return the real length of the packet or datagram, even when it was longer
 * than the passed buffer"; and in msg_flags: "MSG_TRUNC indicates that the
 * trailing portion of a datagram was discarded because the datagram was
 * larger than the buffer supplied"): recv(MSG_TRUNC) of a 100-byte datagram
 * into 10 bytes returns 100 (10 copied); without the flag 10; recvmsg sets
 * MSG_TRUNC in msg_flags (and returns 10), not when the buffer fits;
 * MSG_PEEK|MSG_TRUNC into a 0-byte buffer reads the next size.  man 2 recv,
 * man 7 udp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("UDP MSG_TRUNC");
	int a, b;
	sfit_udp_pair(&a, &b);
	unsigned char out[100], in[100];
	sfit_fill(out, sizeof(out), 1);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(send(a, out, sizeof(out), 0), 100);
	CHECK_EQ(send(a, out, 10, 0), 10);
	vc_wait_readable(b);
	VC_EQ(recv(b, in, 0, MSG_PEEK | MSG_TRUNC), 100);
	memset(in, 0, sizeof(in));
	VC_EQ(recv(b, in, 10, MSG_TRUNC), 100);
	CHECK(memcmp(in, out, 10) == 0 && in[10] == 0);
	VC_EQ(recv(b, in, 10, 0), 10);
	struct iovec v = {in, 10};
	struct msghdr mh = {.msg_iov = &v, .msg_iovlen = 1};
	VC_EQ(recvmsg(b, &mh, 0), 10);
	VC_EQ(mh.msg_flags & MSG_TRUNC, MSG_TRUNC);
	mh.msg_flags = 0;
	VC_EQ(recvmsg(b, &mh, MSG_TRUNC), 100);
	VC_EQ(mh.msg_flags & MSG_TRUNC, MSG_TRUNC);
	mh.msg_flags = -1;
	VC_EQ(recvmsg(b, &mh, 0), 10);
	VC_EQ(mh.msg_flags, 0);
	return 0;
}
