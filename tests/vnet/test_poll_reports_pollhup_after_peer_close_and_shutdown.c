/* poll(2) POLLHUP on TCP: after the peer closed (its FIN arrived) the socket
 * polls POLLIN|POLLRDHUP (read returns 0) but not POLLHUP: we may still
 * send.  Once we shut down writing too, both directions are closed and poll
 * adds POLLHUP ("Hang up"); POLLOUT stays (a write would fail EPIPE, not
 * block).  epoll reports the same (EPOLLHUP is always reported, even if not
 * asked for).  man 2 poll, man 7 epoll, man 7 tcp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("POLLHUP after peer close + our shutdown");
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_OK(close(c));
	vc_wait_for(s, POLLRDHUP);
	VC_POLL(s, POLLIN | POLLOUT | POLLRDHUP, 0);
	char b;
	VC_EQ(recv(s, &b, 1, 0), 0);
	VC_OK(shutdown(s, SHUT_WR));
	VC_POLL(s, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_POLL(s, 0, 0);
	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7}, out;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	VC_EQ(epoll_wait(ep, &out, 1, 0), 1);
	VC_NOTE("epoll_wait(EPOLLIN) -> %s", vc_events(out.events));
	return 0;
}
