/* A blocking send of more than the buffers hold blocks once they are full;
 * a signal caught without SA_RESTART then ends it with the count of bytes
 * sent so far (man 7 signal; tcp_sendmsg returns what it copied before the
 * interruption, and an error only when that is nothing).  (A second send
 * is not shown failing with EINTR: natively, buffer autotuning lets some of
 * it in, so what it returns varies.) */
#include "vsignal.h"

int main(void)
{
	vc_begin("a signal ends a blocked send with the partial count");
	int c, s;
	sfit_tcp_pair(&c, &s);
	vs_install(false);
	enum { BIG = 64 << 20 };
	char *big = calloc(1, BIG);
	CHECK(big);
	struct vs_later l;
	pthread_t t = vs_signal_me_later(&l, 200, NULL, NULL);
	ssize_t n = send(c, big, BIG, 0);
	CHECK(n > 0 && n < BIG);
	VC_NOTE("send -> a partial count");
	VC_EQ(vs_handled, 1);
	CHECK(pthread_join(t, NULL) == 0);
	free(big);
	(void)s;
	return 0;
}
