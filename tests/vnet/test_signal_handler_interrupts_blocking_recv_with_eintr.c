/* A signal caught by a handler installed without SA_RESTART ends a blocking
 * recv with nothing received: -1 EINTR (signal(7): "If a blocked call to one
 * of the following interfaces is interrupted by a signal handler, then the
 * call is automatically restarted after the signal handler returns if the
 * SA_RESTART flag was used; otherwise the call fails with the error EINTR:
 * ... recv(2)"; man 2 recv: "EINTR The receive was interrupted by delivery
 * of a signal before any data was available").  The data sent afterwards is
 * still there for the next recv. */
#include "vsignal.h"

int main(void)
{
	vc_begin("a handler without SA_RESTART interrupts a blocking recv");
	int c, s;
	sfit_tcp_pair(&c, &s);
	vs_install(false);
	struct vs_later l;
	pthread_t t = vs_signal_me_later(&l, 100, NULL, NULL);
	char buf[8];
	VC_ERR(recv(s, buf, sizeof(buf), 0), EINTR);
	VC_EQ(vs_handled, 1);
	CHECK(pthread_join(t, NULL) == 0);
	VC_EQ(send(c, "hi", 2, 0), 2);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 2);
	return 0;
}
