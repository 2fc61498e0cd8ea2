/* POLLRDHUP / EPOLLRDHUP (man 2 poll: "Stream socket peer closed
 * connection, or shut down writing half of connection.  The _GNU_SOURCE
 * feature test macro must be defined"; man 2 epoll_ctl EPOLLRDHUP): not
 * reported on a healthy connection, reported (with POLLIN: the end of file
 * is readable) after the peer's shutdown(SHUT_WR), also while unread data
 * precedes it, and only when asked for.  man 2 poll, man 2 epoll_ctl. */
#include "vcheck.h"

int main(void)
{
	vc_begin("POLLRDHUP after the peer's SHUT_WR");
	int c, s;
	sfit_tcp_pair(&c, &s);
	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = 1}, out;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	VC_POLL(s, POLLIN | POLLRDHUP, 0);
	VC_EQ(epoll_wait(ep, &out, 1, 0), 0);
	VC_EQ(send(c, "tail", 4, 0), 4);
	VC_OK(shutdown(c, SHUT_WR));
	vc_wait_for(s, POLLRDHUP);
	VC_POLL(s, POLLIN | POLLRDHUP, 0);
	VC_POLL(s, POLLIN, 0);
	VC_EQ(epoll_wait(ep, &out, 1, 0), 1);
	VC_NOTE("epoll_wait -> %s", vc_events(out.events));
	char buf[8];
	VC_EQ(recv(s, buf, sizeof(buf), 0), 4);
	VC_POLL(s, POLLIN | POLLRDHUP, 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_POLL(s, POLLIN | POLLOUT | POLLRDHUP, 0);
	VC_POLL(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	return 0;
}
