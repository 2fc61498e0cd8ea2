/* A blocking recv(2) waiting on an empty stream returns as soon as data
 * arrives, at most what it asked for; the rest of the send stays queued, in
 * order, for the next recv (man 7 tcp: a stream has no message boundaries;
 * tcp_recvmsg returns once it has copied something and nothing more is
 * queued).  A reader blocked in readv with three buffers of 7+50+43 bytes
 * meets a writev of 600+400 bytes: it gets the first 100, spread over its
 * buffers, and the next recv the other 900; a reader blocked with room for
 * 4096 meets a 30-byte send and gets the 30.  (The virtual network copies
 * straight into a waiting reader's buffers, shim/vnet/vtcp.c: this checks that
 * the copy keeps the stream's order and the call's limits.) */
#include "vcheck.h"
#include <pthread.h>
#include <sys/uio.h>

static int srv;
static unsigned char data[1000], got[4096];
static long got_len;

static void *reader3(void *arg)
{
	(void)arg;
	struct iovec iov[3] = {{got, 7}, {got + 7, 50}, {got + 57, 43}};
	got_len = readv(srv, iov, 3);
	return NULL;
}

static void *reader_big(void *arg)
{
	(void)arg;
	got_len = recv(srv, got, sizeof(got), 0);
	return NULL;
}

static void let_reader_block(void)
{
	/* Only makes the interesting order likely; the outcome is the same
	 * whichever runs first. */
	struct timespec ts = {0, 50 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

int main(void)
{
	vc_begin("a blocked recv gets what fits, the rest stays in order");
	int c;
	sfit_tcp_pair(&c, &srv);
	sfit_fill(data, sizeof(data), 11);
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, reader3, NULL), 0);
	let_reader_block();
	struct iovec out[2] = {{data, 600}, {data + 600, 400}};
	VC_EQ(writev(c, out, 2), 1000);
	CHECK_EQ(pthread_join(t, NULL), 0);
	VC_EQ(got_len, 100);
	CHECK(memcmp(got, data, 100) == 0);
	VC_EQ(recv(srv, got, sizeof(got), MSG_DONTWAIT), 900);
	CHECK(memcmp(got, data + 100, 900) == 0);
	VC_ERR(recv(srv, got, sizeof(got), MSG_DONTWAIT), EAGAIN);

	CHECK_EQ(pthread_create(&t, NULL, reader_big, NULL), 0);
	let_reader_block();
	VC_EQ(send(c, data, 30, 0), 30);
	CHECK_EQ(pthread_join(t, NULL), 0);
	VC_EQ(got_len, 30);
	CHECK(memcmp(got, data, 30) == 0);
	VC_NOTE("checksum %016llx", (unsigned long long)vc_fnv(VC_FNV_INIT, got, 30));
	return 0;
}
