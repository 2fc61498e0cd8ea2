/* A process's exit closes its descriptors (man 2 _exit: "Any open file
 * descriptors belonging to the process are closed"), and a socket whose
 * last descriptor that was is closed like by close(2): its peer reads end
 * of file.  The parent accepts a connection, forks, and closes its own
 * copy of the accepted socket: the child holds the only one.  The peer
 * sees nothing yet; the child sends, then _exits without closing
 * anything: the peer reads the data, then end of file (POLLRDHUP), and its
 * first send still succeeds (the reset it provokes comes after).
 * man 2 _exit, man 2 close, man 2 fork. */
#include "vfork.h"

static int c, s, to_child[2];

static void child(void *arg)
{
	(void)arg;
	vf_hear(to_child[0], 'g');
	VC_EQ(send(s, "bye", 3, 0), 3);
	_exit(0); /* no close: the exit closes s */
}

int main(void)
{
	vc_begin("fork: a child's exit closes the socket only it holds");
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK_OK(close(l));
	vf_pipe(to_child);
	struct vf_child ch = vf_spawn("child", child, NULL);
	VC_OK(close(s));
	VC_NOTE("the parent closed its copy of s: the child holds the only one");
	VC_POLL(c, POLLIN | POLLRDHUP, 20);
	vf_tell(to_child[1], 'g');
	vf_wait_ok(&ch);
	vc_wait_for(c, POLLRDHUP);
	VC_POLL(c, POLLIN | POLLRDHUP, 0);
	char buf[16];
	VC_EQ(recv(c, buf, sizeof(buf), 0), 3);
	CHECK(memcmp(buf, "bye", 3) == 0);
	VC_EQ(recv(c, buf, sizeof(buf), 0), 0);
	VC_NOTE("end of file after the child's exit");
	VC_EQ(send(c, "late", 4, MSG_NOSIGNAL), 4);
	vc_wait_pollerr(c);
	VC_ERR(send(c, "later", 5, MSG_NOSIGNAL), EPIPE);
	return 0;
}
