/* accept(2) blocked on an empty queue: a handler without SA_RESTART ends
 * it with EINTR (man 2 accept: "EINTR The system call was interrupted by a
 * signal that was caught before a valid connection arrived"); with
 * SA_RESTART it goes on and returns the connection that comes after the
 * signal (signal(7) lists accept(2) among the restarted calls). */
#include "vsignal.h"

static struct sockaddr_in addr;
static int client = -1;

static void connect_one(void *arg)
{
	(void)arg;
	client = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(client >= 0);
	CHECK_OK(connect(client, (struct sockaddr *)&addr, sizeof(addr)));
}

int main(void)
{
	vc_begin("a signal handler and a blocking accept");
	int l = sfit_tcp_listener(&addr);
	vs_install(false);
	struct vs_later later;
	pthread_t t = vs_signal_me_later(&later, 100, NULL, NULL);
	VC_ERR(accept(l, NULL, NULL), EINTR);
	VC_EQ(vs_handled, 1);
	CHECK(pthread_join(t, NULL) == 0);
	vs_install(true);
	t = vs_signal_me_later(&later, 100, connect_one, NULL);
	int s = (int)VC_OK(accept(l, NULL, NULL));
	VC_EQ(vs_handled, 2);
	CHECK(pthread_join(t, NULL) == 0);
	VC_EQ(send(client, "x", 1, 0), 1);
	char b;
	VC_EQ(recv(s, &b, 1, 0), 1);
	return 0;
}
