/* epoll(7), level-triggered (the default): epoll_wait reports EPOLLIN as
 * long as data is unread -- again and again -- and EPOLLOUT for a writable
 * socket; nothing once everything was read (timeout 0 returns 0); the
 * event's data is returned as registered.  EPOLL_CTL_ADD twice is EEXIST,
 * MOD/DEL of an unregistered fd ENOENT.  man 7 epoll, man 2 epoll_ctl,
 * man 2 epoll_wait. */
#include "vcheck.h"

int main(void)
{
	vc_begin("epoll level-triggered");
	int c, s;
	sfit_tcp_pair(&c, &s);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234};
	VC_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	VC_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), EEXIST);
	VC_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, c, &ev), ENOENT);
	VC_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, c, NULL), ENOENT);
	struct epoll_event out;
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	VC_EQ(send(c, "abc", 3, 0), 3);
	VC_EQ(vc_epoll_wait1(ep, &out, 5000), 1);
	VC_NOTE("events %s data 0x%llx", vc_events(out.events), (unsigned long long)out.data.u64);
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 1);
	VC_NOTE("again: events %s", vc_events(out.events));
	char buf[8];
	VC_EQ(recv(s, buf, 1, 0), 1);
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 1);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 2);
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	ev.events = EPOLLIN | EPOLLOUT;
	VC_OK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev));
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 1);
	VC_NOTE("events %s", vc_events(out.events));
	VC_OK(epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL));
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	return 0;
}
