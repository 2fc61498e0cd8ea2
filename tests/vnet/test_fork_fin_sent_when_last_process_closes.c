/* A socket shared by two processes after fork(2) sends its FIN only when
 * the last descriptor of it is closed (man 2 close: the resources are
 * freed when "fd is the last file descriptor referring to the underlying
 * open file description").  c is shared, its peer s is the parent's only.
 * The parent closes c first: s sees nothing (no POLLIN, no POLLRDHUP) and
 * the child can still send on c; then the child closes c: s reads what the
 * child sent, then end of file, while the child is still running (the FIN
 * comes from the close, not from the child's exit).  man 2 close,
 * man 2 fork, man 7 tcp. */
#include "vfork.h"

static int c, s, to_child[2], to_parent[2];

static void child(void *arg)
{
	(void)arg;
	VC_OK(close(s)); /* s: the parent's only */
	vf_tell(to_parent[1], 'r');
	vf_hear(to_child[0], 'p'); /* the parent closed c */
	VC_EQ(send(c, "child's last words", 18, 0), 18);
	VC_OK(close(c));
	vf_tell(to_parent[1], 'c');
	vf_hear(to_child[0], 'x');
}

int main(void)
{
	vc_begin("fork: the FIN goes out when the last process closes");
	sfit_tcp_pair(&c, &s);
	vf_pipe(to_child);
	vf_pipe(to_parent);
	struct vf_child ch = vf_spawn("child", child, NULL);
	vf_hear(to_parent[0], 'r');
	VC_OK(close(c));
	VC_NOTE("the parent closed c, the child has it open");
	VC_POLL(s, POLLIN | POLLRDHUP, 0);
	VC_POLL(s, POLLIN | POLLRDHUP, 20);
	char buf[32];
	VC_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	vf_tell(to_child[1], 'p');
	vf_hear(to_parent[0], 'c');
	VC_NOTE("the child closed c too (and is still running)");
	vc_wait_for(s, POLLRDHUP);
	VC_POLL(s, POLLIN | POLLRDHUP, 0);
	VC_EQ(recv(s, buf, sizeof(buf), MSG_WAITALL), 18);
	CHECK(memcmp(buf, "child's last words", 18) == 0);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_NOTE("end of file");
	vf_tell(to_child[1], 'x');
	vf_wait_ok(&ch);
	return 0;
}
