/* recv(2) MSG_WAITALL: "This flag requests that the operation block until
 * the full request is satisfied.  However, the call may still return less
 * data than requested if a signal is caught, an error or disconnect occurs,
 * or the next data to be received is of a different type".  Another thread
 * sends 4000 bytes in 8 pieces with pauses; one MSG_WAITALL recv returns
 * all 4000, in order.  Then the peer sends 100 bytes and shuts down: a
 * MSG_WAITALL recv of 200 returns the 100 (disconnect), the next 0.
 * man 2 recv, man 7 tcp. */
#include "vcheck.h"
#include <pthread.h>

static int peer;
static unsigned char data[4000];

static void *sender(void *arg)
{
	(void)arg;
	for (int i = 0; i < 8; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000}; /* spread the pieces out */
		nanosleep(&ts, NULL);
		vc_send_all(peer, data + i * 500, 500);
	}
	return NULL;
}

int main(void)
{
	vc_begin("MSG_WAITALL gathers across sends");
	int c, s;
	sfit_tcp_pair(&c, &s);
	peer = c;
	sfit_fill(data, sizeof(data), 7);
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, sender, NULL), 0);
	static unsigned char got[4000];
	VC_EQ(recv(s, got, sizeof(got), MSG_WAITALL), 4000);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK(memcmp(got, data, sizeof(data)) == 0);
	VC_NOTE("checksum %016llx", (unsigned long long)vc_fnv(VC_FNV_INIT, got, sizeof(got)));
	vc_send_all(c, data, 100);
	CHECK_OK(shutdown(c, SHUT_WR));
	VC_EQ(recv(s, got, 200, MSG_WAITALL), 100);
	VC_EQ(recv(s, got, 200, MSG_WAITALL), 0);
	return 0;
}
