/* close(2) in a forked child closes the child's descriptors only: "If fd
 * is the last file descriptor referring to the underlying open file
 * description, the resources associated with the open file description are
 * freed" -- the parent still holds copies, so the connection stays open.
 * The child closes both of its ends of a connection and stays alive; the
 * parent's peer sees no end of file (poll: nothing), data still flows both
 * ways; nor does anything change when the child exits.  In the child the
 * closed descriptors are gone (EBADF).  man 2 close, man 2 fork. */
#include "vfork.h"

static int c, s, to_child[2], to_parent[2];

static void child(void *arg)
{
	(void)arg;
	VC_OK(close(c));
	VC_OK(close(s));
	VC_ERR(fcntl(c, F_GETFD), EBADF);
	VC_ERR(send(c, "x", 1, MSG_NOSIGNAL), EBADF);
	vf_tell(to_parent[1], 'c');
	vf_hear(to_child[0], 'x');
}

int main(void)
{
	vc_begin("fork: close in the child leaves the parent's socket open");
	sfit_tcp_pair(&c, &s);
	vf_pipe(to_child);
	vf_pipe(to_parent);
	struct vf_child ch = vf_spawn("child", child, NULL);
	vf_hear(to_parent[0], 'c');
	VC_NOTE("the child closed its c and s");
	VC_POLL(s, POLLIN | POLLRDHUP, 20);
	VC_POLL(c, POLLIN | POLLRDHUP, 20);
	char buf[16];
	VC_EQ(send(c, "open", 4, 0), 4);
	VC_EQ(recv(s, buf, 4, MSG_WAITALL), 4);
	VC_EQ(send(s, "both", 4, 0), 4);
	VC_EQ(recv(c, buf, 4, MSG_WAITALL), 4);
	CHECK(memcmp(buf, "both", 4) == 0);
	VC_SO_ERROR(c, 0);
	vf_tell(to_child[1], 'x');
	vf_wait_ok(&ch);
	VC_POLL(s, POLLIN | POLLRDHUP, 20);
	VC_POLL(c, POLLOUT, 20);
	VC_EQ(send(c, "after exit", 10, 0), 10);
	VC_EQ(recv(s, buf, 10, MSG_WAITALL), 10);
	VC_OK(close(c));
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_NOTE("the parent's close is the last: end of file");
	return 0;
}
