/* EPOLLONESHOT (man 2 epoll_ctl: "Requests one-shot notification for the
 * associated file descriptor.  This means that after an event notified for
 * the file descriptor by epoll_wait(2), the file descriptor is disabled in
 * the interest list and no other events will be reported by the epoll
 * interface.  The user must call epoll_ctl() with EPOLL_CTL_MOD to rearm the
 * file descriptor with a new event mask"): one report, then silence though
 * data is still unread and more arrives; EPOLL_CTL_MOD rearms it and the
 * pending data is reported (level-triggered) at once.  man 2 epoll_ctl. */
#include "vcheck.h"

int main(void)
{
	vc_begin("EPOLLONESHOT");
	int c, s;
	sfit_tcp_pair(&c, &s);
	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.u32 = 5}, out;
	VC_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	VC_EQ(send(c, "a", 1, 0), 1);
	VC_EQ(vc_epoll_wait1(ep, &out, 5000), 1);
	VC_NOTE("events %s data %u", vc_events(out.events), out.data.u32);
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	VC_EQ(send(c, "b", 1, 0), 1);
	VC_EQ(vc_epoll_wait1(ep, &out, 20), 0);
	VC_NOTE("disarmed: no event though 2 bytes are unread");
	/* still registered: ADD is EEXIST */
	VC_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), EEXIST);
	VC_OK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev));
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 1);
	VC_NOTE("rearmed: events %s", vc_events(out.events));
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	return 0;
}
