/* EPOLLET (man 7 epoll: "The edge-triggered mode delivers events only when
 * changes occur on the monitored file descriptor"): data arrives, epoll_wait
 * reports EPOLLIN once; without reading, a second epoll_wait reports nothing;
 * each new arrival fires again (even though older data is still unread);
 * after reading until EAGAIN, nothing; the peer's FIN fires once more.
 * man 7 epoll. */
#include "vcheck.h"

int main(void)
{
	vc_begin("epoll edge-triggered");
	int c, s;
	sfit_tcp_pair(&c, &s);
	sfit_set_nonblocking(s);
	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u32 = 42}, out;
	VC_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	VC_EQ(send(c, "one", 3, 0), 3);
	VC_EQ(vc_epoll_wait1(ep, &out, 5000), 1);
	VC_NOTE("events %s data %u", vc_events(out.events), out.data.u32);
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	VC_EQ(vc_epoll_wait1(ep, &out, 20), 0);
	VC_EQ(send(c, "two", 3, 0), 3);
	VC_EQ(vc_epoll_wait1(ep, &out, 5000), 1);
	VC_NOTE("events %s", vc_events(out.events));
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	char buf[16];
	VC_EQ(recv(s, buf, sizeof(buf), 0), 6);
	VC_ERR(recv(s, buf, sizeof(buf), 0), EAGAIN);
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	CHECK_OK(shutdown(c, SHUT_WR));
	VC_EQ(vc_epoll_wait1(ep, &out, 5000), 1);
	VC_NOTE("after the peer's SHUT_WR: events %s", vc_events(out.events));
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	return 0;
}
