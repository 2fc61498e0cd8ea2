/* With SA_RESTART the handler runs and the blocking recv goes on waiting:
 * it returns the data the peer sends after the signal (signal(7): recv(2)
 * is "automatically restarted after the signal handler returns if the
 * SA_RESTART flag was used" -- when the socket has no SO_RCVTIMEO). */
#include "vsignal.h"

static int client;

static void send_hi(void *arg)
{
	(void)arg;
	CHECK(send(client, "hi", 2, 0) == 2);
}

int main(void)
{
	vc_begin("SA_RESTART: a blocking recv goes on after the handler");
	int s;
	sfit_tcp_pair(&client, &s);
	vs_install(true);
	struct vs_later l;
	pthread_t t = vs_signal_me_later(&l, 100, send_hi, NULL);
	char buf[8];
	VC_EQ(recv(s, buf, sizeof(buf), 0), 2);
	VC_EQ(vs_handled, 1);
	CHECK(pthread_join(t, NULL) == 0);
	return 0;
}
