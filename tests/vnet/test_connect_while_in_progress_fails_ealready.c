/* connect(2): "EALREADY The socket is nonblocking and a previous connection
 * attempt has not yet been completed."  Over loopback the handshake is too
 * fast to see that, so the attempt is held in progress: the listener's
 * accept queue is full (listen(2) backlog 0 queues one connection; Linux
 * then drops further SYNs, man 2 listen NOTES / tcp_max_syn_backlog), so a
 * second client's non-blocking connect stays in SYN-SENT: repeated connects
 * give EALREADY, poll reports no POLLOUT.  Once the queue drains (accept),
 * the SYN retransmission completes it -- not waited for here (about 1 s).
 * man 2 connect, man 2 listen. */
#include "vcheck.h"

int main(void)
{
	vc_begin("EALREADY while a connect is in progress");
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0);
	CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
	VC_OK(listen(l, 0));
	int first = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(first >= 0);
	VC_OK(connect(first, (struct sockaddr *)&a, sizeof(a)));
	vc_wait_readable(l); /* the first connection is in the accept queue: full */
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c >= 0);
	VC_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	VC_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EALREADY);
	VC_POLL(c, POLLOUT, 100);
	VC_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EALREADY);
	VC_SO_ERROR(c, 0);
	return 0;
}
