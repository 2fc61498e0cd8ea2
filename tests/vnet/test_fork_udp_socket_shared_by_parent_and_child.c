/* A bound UDP socket inherited across fork(2) is one socket in both
 * processes: one local address and one receive queue.  Both processes send
 * from it (the peer sees the same source address for both) and receive on
 * it: each datagram is read once, by whichever process reads it -- here
 * they take turns, so the child reads the first and the parent the second;
 * a datagram queued while the child runs and read by the parent after the
 * child exited was not lost with the child.  man 7 udp, man 2 fork. */
#include "vfork.h"

static int u, p, to_child[2], to_parent[2];
static struct sockaddr_in ua, pa;

static void child(void *arg)
{
	(void)arg;
	struct sockaddr_in got;
	socklen_t gl = sizeof(got);
	CHECK_OK(getsockname(u, (struct sockaddr *)&got, &gl));
	CHECK_EQ(got.sin_port, ua.sin_port);
	VC_NOTE("u has the parent's local address");
	VC_EQ(sendto(u, "from child", 10, 0, (struct sockaddr *)&pa, sizeof(pa)), 10);
	vf_tell(to_parent[1], 's');
	char buf[32];
	VC_EQ(recv(u, buf, sizeof(buf), 0), 9); /* blocking: the parent sends it */
	CHECK(memcmp(buf, "for child", 9) == 0);
	vf_tell(to_parent[1], 'r');
	vf_hear(to_child[0], 'q'); /* a datagram is queued on u: the child leaves it */
}

int main(void)
{
	vc_begin("fork: a UDP socket shared by parent and child");
	u = vc_udp_socket(&ua);
	p = vc_udp_socket(&pa);
	vf_pipe(to_child);
	vf_pipe(to_parent);
	struct vf_child ch = vf_spawn("child", child, NULL);
	char buf[32];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	vf_hear(to_parent[0], 's');
	VC_EQ(recvfrom(p, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 10);
	CHECK(memcmp(buf, "from child", 10) == 0);
	CHECK_EQ(from.sin_port, ua.sin_port);
	VC_NOTE("p got the child's datagram from u's address %s", vc_addr(&from, fl));
	VC_EQ(sendto(u, "from parent", 11, 0, (struct sockaddr *)&pa, sizeof(pa)), 11);
	fl = sizeof(from);
	VC_EQ(recvfrom(p, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 11);
	CHECK_EQ(from.sin_port, ua.sin_port);
	VC_NOTE("p got the parent's datagram from the same address");

	VC_EQ(sendto(p, "for child", 9, 0, (struct sockaddr *)&ua, sizeof(ua)), 9);
	vf_hear(to_parent[0], 'r');
	VC_EQ(sendto(p, "for parent", 10, 0, (struct sockaddr *)&ua, sizeof(ua)), 10);
	vc_wait_readable(u);
	vf_tell(to_child[1], 'q');
	vf_wait_ok(&ch);
	VC_EQ(recv(u, buf, sizeof(buf), 0), 10);
	CHECK(memcmp(buf, "for parent", 10) == 0);
	VC_ERR(recv(u, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	VC_NOTE("each datagram read once");
	return 0;
}
