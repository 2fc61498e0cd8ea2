/* Two threads send on one TCP socket at the same time, 8 MiB each in random
 * sizes (1 byte .. 256 KiB), while the peer reads: the stream carries all
 * of both, and each sender's bytes in the order it sent them (man 7 tcp: a
 * byte stream; where two sends interleave is not specified -- Linux's
 * tcp_sendmsg lets go of the socket while it waits for room -- so nothing
 * here depends on it).
 *
 * A sender's bytes say whose they are and where they were in its own
 * stream: the low bit is the sender, the other seven a counter mod 128. */
#include "vcheck.h"
#include <pthread.h>

#define EACH (8u << 20)

struct sender {
	int fd;
	unsigned id;
};

static void *send_thread(void *arg)
{
	struct sender *sd = arg;
	static _Thread_local unsigned char buf[262144];
	uint64_t rs = 3u + sd->id, off = 0;
	while (off < EACH) {
		size_t n = 1 + (size_t)(vc_rand(&rs) % sizeof(buf));
		if (n > EACH - off)
			n = (size_t)(EACH - off);
		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)(((off + i) % 128) << 1 | sd->id);
		vc_send_all(sd->fd, buf, n);
		off += n;
	}
	return NULL;
}

int main(void)
{
	vc_begin("two senders on one socket, 8 MiB each in random sizes");
	int c, s;
	sfit_tcp_pair(&c, &s);
	struct sender sd[2] = {{.fd = c, .id = 0}, {.fd = c, .id = 1}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, send_thread, &sd[i]), 0);
	static unsigned char buf[100000];
	uint64_t got[2] = {0, 0}, out_of_order[2] = {0, 0}, rs = 5;
	while (got[0] + got[1] < 2ull * EACH) {
		size_t want = 1 + (size_t)(vc_rand(&rs) % sizeof(buf));
		ssize_t r = recv(s, buf, want, 0);
		if (r < 0 && errno == EINTR)
			continue;
		CHECK(r > 0);
		for (ssize_t i = 0; i < r; i++) {
			unsigned id = buf[i] & 1;
			out_of_order[id] += (unsigned)(buf[i] >> 1) != got[id] % 128;
			got[id]++;
		}
	}
	for (int i = 0; i < 2; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	VC_OK(shutdown(c, SHUT_WR));
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0); /* nothing more than both sent */
	VC_EQ(got[0], EACH);
	VC_EQ(got[1], EACH);
	VC_EQ(out_of_order[0], 0);
	VC_EQ(out_of_order[1], 0);
	VC_OK(close(c));
	VC_OK(close(s));
	return 0;
}
