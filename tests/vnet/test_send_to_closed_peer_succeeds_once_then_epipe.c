/* Writing to a peer that closed (man 7 tcp; man 2 send EPIPE, ECONNRESET):
 * the peer sends its last data and closes cleanly; we read the data, then
 * end of file.  Our first send after that still succeeds (the kernel cannot
 * know the peer's socket is gone; half-close is legal), the peer's side
 * answers with a reset, and the next send fails EPIPE (Linux reports a
 * reset that hits a socket in CLOSE_WAIT as EPIPE) with SIGPIPE unless
 * MSG_NOSIGNAL; recv then reads end of file.  man 7 tcp, man 2 send. */
#include "vcheck.h"

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

int main(void)
{
	vc_begin("send to a closed peer: once ok, then EPIPE");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_EQ(send(s, "bye", 3, 0), 3);
	VC_OK(close(s));
	char buf[8];
	VC_EQ(recv(c, buf, sizeof(buf), MSG_WAITALL), 3);
	VC_EQ(recv(c, buf, sizeof(buf), 0), 0);
	VC_EQ(send(c, "hello?", 6, 0), 6);
	vc_wait_pollerr(c);
	VC_POLL(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_ERR(send(c, "x", 1, 0), EPIPE);
	VC_EQ(sigpipes, 1);
	VC_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	VC_EQ(sigpipes, 1);
	VC_EQ(recv(c, buf, sizeof(buf), 0), 0);
	VC_SO_ERROR(c, 0);
	return 0;
}
