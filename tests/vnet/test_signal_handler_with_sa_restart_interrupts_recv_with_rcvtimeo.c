/* A receive timeout makes the interruption final even with SA_RESTART:
 * signal(7): "The following interfaces are never restarted after being
 * interrupted by a signal handler, regardless of the use of SA_RESTART;
 * they always fail with the error EINTR ...: Socket interfaces, when a
 * timeout (SO_RCVTIMEO) has been set on the socket using setsockopt(2):
 * accept(2), recv(2), recvfrom(2), recvmmsg(2) ..., and recvmsg(2)". */
#include "vsignal.h"

int main(void)
{
	vc_begin("SO_RCVTIMEO: EINTR despite SA_RESTART");
	int c, s;
	sfit_tcp_pair(&c, &s);
	struct timeval tv = {10, 0};
	VC_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	vs_install(true);
	struct vs_later l;
	pthread_t t = vs_signal_me_later(&l, 100, NULL, NULL);
	char buf[8];
	double t0 = sfit_now();
	VC_ERR(recv(s, buf, sizeof(buf), 0), EINTR);
	CHECK(vc_elapsed(t0) < 9.0); /* the signal ended it, not the timeout */
	VC_EQ(vs_handled, 1);
	CHECK(pthread_join(t, NULL) == 0);
	(void)c;
	return 0;
}
