/* An epoll set made in a forked child, watching a socket the child
 * inherited, reports what the parent sends to that socket's peer: the
 * inherited descriptor is the same socket (man 2 fork), and "the epoll
 * instance monitors ... file descriptors" for readiness, whoever causes
 * it.  Level-triggered: data sent before the wait is reported at once,
 * data sent while the child is blocked in epoll_wait wakes it; after the
 * child read everything, epoll_wait(0) reports nothing.  man 7 epoll,
 * man 2 epoll_wait, man 2 fork. */
#include "vfork.h"

static int c, s, to_child[2], to_parent[2];

static void child(void *arg)
{
	(void)arg;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = 7}, out;
	VC_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	vf_tell(to_parent[1], 'w');
	vf_hear(to_child[0], '1'); /* the parent sent "one" */
	VC_EQ(vc_epoll_wait1(ep, &out, 10000), 1);
	VC_NOTE("epoll events %s data %u", vc_events(out.events), out.data.u32);
	char buf[16];
	VC_EQ(recv(s, buf, sizeof(buf), 0), 3);
	CHECK(memcmp(buf, "one", 3) == 0);
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	vf_tell(to_parent[1], 'b'); /* about to block */
	VC_EQ(vc_epoll_wait1(ep, &out, 10000), 1);
	VC_NOTE("epoll events %s data %u", vc_events(out.events), out.data.u32);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 3);
	CHECK(memcmp(buf, "two", 3) == 0);
	VC_EQ(vc_epoll_wait1(ep, &out, 0), 0);
	VC_OK(close(ep));
}

int main(void)
{
	vc_begin("fork: the child's epoll sees what the parent sends");
	sfit_tcp_pair(&c, &s);
	vf_pipe(to_child);
	vf_pipe(to_parent);
	struct vf_child ch = vf_spawn("child", child, NULL);
	vf_hear(to_parent[0], 'w');
	VC_EQ(send(c, "one", 3, 0), 3);
	vf_tell(to_child[1], '1');
	vf_hear(to_parent[0], 'b');
	vf_sleep_ms(50); /* the child is most probably blocked in epoll_wait */
	VC_EQ(send(c, "two", 3, 0), 3);
	vf_wait_ok(&ch);
	VC_POLL(s, POLLIN | POLLRDHUP, 20);
	return 0;
}
