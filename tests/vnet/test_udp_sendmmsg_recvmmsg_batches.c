/* sendmmsg(2) / recvmmsg(2) on UDP: "The sendmmsg() system call is an
 * extension of sendmsg(2) that allows the caller to transmit multiple
 * messages on a socket using a single system call ... returns the number of
 * messages sent from msgvec ... The msg_len fields of successive elements of
 * msgvec are updated to contain the number of bytes transmitted"; recvmmsg
 * "receive multiple messages ... On success, recvmmsg() returns the number
 * of messages received in msgvec; on error, -1".  Three datagrams sent in
 * one call arrive as three, each with its length, in a batch of five slots
 * (MSG_WAITFORONE: return after the first once nothing more is queued);
 * an empty queue with MSG_DONTWAIT is EAGAIN.  man 2 sendmmsg,
 * man 2 recvmmsg. */
#include "vcheck.h"

int main(void)
{
	vc_begin("UDP sendmmsg / recvmmsg");
	int a, b;
	sfit_udp_pair(&a, &b);
	static const char *const texts[] = {"one", "two two", "three three three"};
	struct iovec iv[3];
	struct mmsghdr out[3];
	memset(out, 0, sizeof(out));
	for (int i = 0; i < 3; i++) {
		iv[i].iov_base = (void *)texts[i];
		iv[i].iov_len = strlen(texts[i]);
		out[i].msg_hdr.msg_iov = &iv[i];
		out[i].msg_hdr.msg_iovlen = 1;
	}
	VC_EQ(sendmmsg(a, out, 3, 0), 3);
	for (int i = 0; i < 3; i++)
		printf("sent msg_len[%d] -> %u\n", i, out[i].msg_len);
	char bufs[5][32];
	struct iovec riv[5];
	struct mmsghdr in[5];
	memset(in, 0, sizeof(in));
	for (int i = 0; i < 5; i++) {
		riv[i].iov_base = bufs[i];
		riv[i].iov_len = sizeof(bufs[i]);
		in[i].msg_hdr.msg_iov = &riv[i];
		in[i].msg_hdr.msg_iovlen = 1;
	}
	int got = 0;
	double t0 = sfit_now();
	while (got < 3 && vc_elapsed(t0) < 5) { /* one batch, or more if they trickle in */
		vc_wait_readable(b);
		int n = recvmmsg(b, in + got, (unsigned)(5 - got), MSG_WAITFORONE, NULL);
		CHECK(n > 0);
		got += n;
	}
	VC_EQ(got, 3);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(in[i].msg_len, strlen(texts[i]));
		CHECK(memcmp(bufs[i], texts[i], in[i].msg_len) == 0);
		printf("received msg_len[%d] -> %u \"%.*s\"\n", i, in[i].msg_len, (int)in[i].msg_len, bufs[i]);
	}
	VC_ERR(recvmmsg(b, in, 5, MSG_DONTWAIT, NULL), EAGAIN);
	return 0;
}
