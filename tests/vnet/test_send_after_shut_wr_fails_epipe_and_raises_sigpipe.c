/* send(2) after shutdown(SHUT_WR): "EPIPE The local end has been shut down
 * on a connection oriented socket.  In this case, the process will also
 * receive a SIGPIPE unless MSG_NOSIGNAL is set."  With MSG_NOSIGNAL: EPIPE,
 * no signal; without: EPIPE and one SIGPIPE per call (caught here with a
 * handler), for send, write and writev alike.  man 2 send, man 7 socket,
 * man 7 signal. */
#include "vcheck.h"

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

int main(void)
{
	vc_begin("EPIPE and SIGPIPE after SHUT_WR");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_OK(shutdown(c, SHUT_WR));
	VC_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	VC_EQ(sigpipes, 0);
	VC_ERR(send(c, "x", 1, 0), EPIPE);
	VC_EQ(sigpipes, 1);
	VC_ERR(write(c, "x", 1), EPIPE);
	VC_EQ(sigpipes, 2);
	struct iovec v = {"x", 1};
	VC_ERR(writev(c, &v, 1), EPIPE);
	VC_EQ(sigpipes, 3);
	struct msghdr mh = {.msg_iov = &v, .msg_iovlen = 1};
	VC_ERR(sendmsg(c, &mh, MSG_NOSIGNAL), EPIPE);
	VC_EQ(sigpipes, 3);
	/* the other direction is unaffected */
	char b;
	VC_EQ(send(s, "y", 1, 0), 1);
	VC_EQ(recv(c, &b, 1, 0), 1);
	VC_EQ(sigpipes, 3);
	return 0;
}
