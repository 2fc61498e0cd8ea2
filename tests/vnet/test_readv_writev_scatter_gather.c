/* writev(2)/readv(2) and sendmsg(2)/recvmsg(2) with several iovecs on a TCP
 * connection: "The writev() system call writes iovcnt buffers of data ...
 * The data transfers performed by readv() and writev() are atomic" (for a
 * stream: the bytes are gathered in order), "readv() ... fills each buffer
 * before proceeding to the next".  Zero-length iovecs are skipped; the
 * returned count is the total.  man 2 readv, man 2 sendmsg, man 2 recvmsg. */
#include "vcheck.h"

int main(void)
{
	vc_begin("readv/writev scatter-gather");
	int c, s;
	sfit_tcp_pair(&c, &s);
	struct iovec w[4] = {{"abc", 3}, {"", 0}, {"defghij", 7}, {"k", 1}};
	VC_EQ(writev(c, w, 4), 11);
	vc_wait_readable(s);
	char b1[2], b2[4], b3[10];
	struct iovec r[3] = {{b1, 2}, {b2, 4}, {b3, 10}};
	VC_EQ(readv(s, r, 3), 11);
	printf("readv -> \"%.2s\" \"%.4s\" \"%.5s\"\n", b1, b2, b3);
	CHECK(memcmp(b1, "ab", 2) == 0 && memcmp(b2, "cdef", 4) == 0 && memcmp(b3, "ghijk", 5) == 0);

	struct iovec m[3] = {{"hello ", 6}, {"scatter ", 8}, {"gather", 6}};
	struct msghdr mh = {.msg_iov = m, .msg_iovlen = 3};
	VC_EQ(sendmsg(s, &mh, 0), 20);
	vc_wait_readable(c);
	char r1[5], r2[15];
	struct iovec ri[2] = {{r1, 5}, {r2, 15}};
	struct msghdr rh = {.msg_iov = ri, .msg_iovlen = 2};
	VC_EQ(recvmsg(c, &rh, MSG_WAITALL), 20);
	VC_EQ(rh.msg_flags, 0);
	printf("recvmsg -> \"%.5s\" \"%.15s\"\n", r1, r2);
	CHECK(memcmp(r1, "hello", 5) == 0 && memcmp(r2, " scatter gather", 15) == 0);
	/* readv with iovcnt 0 reads nothing */
	VC_EQ(readv(s, r, 0), 0);
	return 0;
}
