/* Flow control on a non-blocking TCP socket whose peer does not read:
 * send(2) "EAGAIN or EWOULDBLOCK The socket is marked nonblocking and the
 * requested operation would block".  Sending 64 KiB chunks, the kernel
 * accepts a finite amount (the peer's receive window plus our send buffer;
 * the exact amount is not printed: it depends on buffer autotuning), then
 * EAGAIN, and stays so; poll(2) does not report POLLOUT; a short send
 * (partial write) may precede the EAGAIN.  man 2 send, man 7 tcp,
 * man 7 socket (SO_SNDBUF). */
#include "vcheck.h"

int main(void)
{
	vc_begin("non-blocking send until EAGAIN");
	int c, s;
	sfit_tcp_pair(&c, &s);
	sfit_set_nonblocking(c);
	static char chunk[65536];
	long long total = 0;
	int sends = 0;
	for (; sends < 100000; sends++) {
		ssize_t w = send(c, chunk, sizeof(chunk), MSG_NOSIGNAL);
		if (w < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		CHECK(w > 0 && w <= (ssize_t)sizeof(chunk));
		total += w;
	}
	CHECK(sends < 100000);
	CHECK(total > 0 && total < (256ll << 20));
	VC_NOTE("EAGAIN after a finite amount (> 0, < 256 MiB)");
	VC_ERR(send(c, chunk, sizeof(chunk), MSG_NOSIGNAL), EAGAIN);
	VC_ERR(send(c, chunk, 1, MSG_NOSIGNAL), EAGAIN);
	VC_ERR(write(c, chunk, 100), EAGAIN);
	VC_POLL(c, POLLOUT, 0);
	VC_POLL(c, POLLOUT, 50);
	/* the peer has data to read meanwhile */
	VC_POLL(s, POLLIN, 0);
	return 0;
}
