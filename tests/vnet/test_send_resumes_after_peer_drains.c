/* Flow control, the other half: once the peer reads what a non-blocking
 * sender queued until EAGAIN, the sender's buffer empties, poll(2) reports
 * POLLOUT again ("Writing is now possible") and send(2) accepts data again;
 * every byte accepted before the EAGAIN arrives exactly once, in order.
 * man 2 poll, man 2 send, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("send resumes after the peer drains");
	int c, s;
	sfit_tcp_pair(&c, &s);
	sfit_set_nonblocking(c);
	static unsigned char chunk[65536];
	uint64_t h_sent = VC_FNV_INIT, h_got = VC_FNV_INIT;
	long long total = 0;
	for (uint32_t i = 0;; i++) {
		CHECK(i < 100000);
		sfit_fill(chunk, sizeof(chunk), i);
		ssize_t w = send(c, chunk, sizeof(chunk), MSG_NOSIGNAL);
		if (w < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		h_sent = vc_fnv(h_sent, chunk, (size_t)w);
		total += w;
	}
	VC_NOTE("filled until EAGAIN");
	VC_POLL(c, POLLOUT, 0);
	static unsigned char buf[65536];
	long long got = 0;
	while (got < total) {
		ssize_t r = recv(s, buf, sizeof(buf), 0);
		CHECK(r > 0);
		h_got = vc_fnv(h_got, buf, (size_t)r);
		got += r;
	}
	CHECK_EQ(got, total);
	CHECK_EQ(h_got, h_sent);
	VC_NOTE("the peer read everything accepted, checksums match");
	VC_POLL(c, POLLOUT, 5000);
	VC_EQ(send(c, "more", 4, MSG_NOSIGNAL), 4);
	char m[4];
	VC_EQ(recv(s, m, 4, MSG_WAITALL), 4);
	CHECK(memcmp(m, "more", 4) == 0);
	sfit_set_nonblocking(s);
	VC_ERR(recv(s, m, 4, 0), EAGAIN);
	return 0;
}
