/* A connection made before fork(2) is one connection in two processes: the
 * child's copies of both ends are the parent's (man 2 fork: the child's
 * descriptors "refer to the same open file description").  Data goes both
 * ways between the processes, through each end: the child sends on c and
 * the parent reads it from s, the parent answers on s and the child reads
 * it from c; then the other way round (the parent sends on c, the child
 * reads from s and answers on s).  Names are the same in both processes.
 * After the child exits, the parent's connection carries on.  man 2 fork,
 * man 2 send, man 2 recv. */
#include "vfork.h"

static int c, s, to_child[2], to_parent[2];
static unsigned c_port;

static void child(void *arg)
{
	(void)arg;
	char buf[32];
	CHECK_EQ(VC_SOCKNAME(c), c_port);
	VC_NOTE("c has the parent's local port");
	VC_EQ(send(c, "from child", 10, 0), 10);
	vf_recv_exact(c, buf, 11);
	CHECK(memcmp(buf, "from parent", 11) == 0);
	VC_NOTE("c received the parent's answer");
	vf_tell(to_parent[1], '1');
	vf_recv_exact(s, buf, 12);
	CHECK(memcmp(buf, "parent on c!", 12) == 0);
	VC_NOTE("s received the parent's 12 bytes sent on c");
	VC_EQ(send(s, "child on s", 10, 0), 10);
	vf_hear(to_child[0], '2');
	VC_ERR(recv(c, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	VC_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
}

int main(void)
{
	vc_begin("fork: parent and child talk over one inherited connection");
	sfit_tcp_pair(&c, &s);
	c_port = VC_SOCKNAME(c);
	vf_pipe(to_child);
	vf_pipe(to_parent);
	struct vf_child ch = vf_spawn("child", child, NULL);
	char buf[32];
	vf_recv_exact(s, buf, 10);
	CHECK(memcmp(buf, "from child", 10) == 0);
	VC_NOTE("s received the child's 10 bytes");
	VC_EQ(send(s, "from parent", 11, 0), 11);
	vf_hear(to_parent[0], '1');
	VC_EQ(send(c, "parent on c!", 12, 0), 12);
	vf_recv_exact(c, buf, 10);
	CHECK(memcmp(buf, "child on s", 10) == 0);
	VC_NOTE("c received the child's 10 bytes sent on s");
	vf_tell(to_child[1], '2');
	vf_wait_ok(&ch);
	VC_POLL(s, POLLIN | POLLRDHUP, 20);
	VC_EQ(send(c, "after", 5, 0), 5);
	VC_EQ(recv(s, buf, 5, MSG_WAITALL), 5);
	VC_EQ(send(s, "still", 5, 0), 5);
	VC_EQ(recv(c, buf, 5, MSG_WAITALL), 5);
	return 0;
}
