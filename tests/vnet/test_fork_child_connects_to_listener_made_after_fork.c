/* Sockets made after fork(2) live on the same network as the other
 * process's: one host, one loopback, one port space.  The parent listens
 * only after the fork and tells the child the port (through a pipe); the
 * child's own new socket connects to it, and data flows both ways.  The
 * port is taken for the child too: its bind there fails EADDRINUSE (even
 * with SO_REUSEADDR: the port has a listener).  And the other way round:
 * a listener the child makes after the fork is reachable from the
 * parent.  man 2 connect, man 2 bind, man 7 ip. */
#include "vfork.h"

static int to_child[2], to_parent[2];

static void child(void *arg)
{
	(void)arg;
	uint16_t port;
	vf_read_bounded(to_child[0], &port, sizeof(port));
	struct sockaddr_in a = sfit_loopback(port);
	int b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(b >= 0);
	vc_set_int(b, SOL_SOCKET, SO_REUSEADDR, 1);
	VC_ERR(bind(b, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	CHECK_OK(close(b));
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	VC_PEERNAME(c);
	VC_EQ(send(c, "hello parent", 12, 0), 12);
	char buf[16];
	vf_recv_exact(c, buf, 11);
	CHECK(memcmp(buf, "hello child", 11) == 0);
	VC_NOTE("c got the parent's answer");
	VC_OK(close(c));

	struct sockaddr_in la;
	int l = sfit_tcp_listener(&la);
	VC_SOCKNAME(l);
	port = ntohs(la.sin_port);
	sfit_write_full(to_parent[1], &port, sizeof(port));
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	vf_recv_exact(s, buf, 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	VC_EQ(send(s, "pong", 4, 0), 4);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_OK(close(s));
	VC_OK(close(l));
}

int main(void)
{
	vc_begin("fork: the child connects to a listener the parent made after the fork");
	vf_pipe(to_child);
	vf_pipe(to_parent);
	struct vf_child ch = vf_spawn("child", child, NULL);
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	VC_SOCKNAME(l);
	uint16_t port = ntohs(a.sin_port);
	sfit_write_full(to_child[1], &port, sizeof(port));
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	VC_PEERNAME(s);
	char buf[16];
	vf_recv_exact(s, buf, 12);
	CHECK(memcmp(buf, "hello parent", 12) == 0);
	VC_NOTE("s got the child's 12 bytes");
	VC_EQ(send(s, "hello child", 11, 0), 11);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_OK(close(s));
	VC_OK(close(l));

	vf_read_bounded(to_parent[0], &port, sizeof(port));
	struct sockaddr_in ca = sfit_loopback(port);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	VC_OK(connect(c, (struct sockaddr *)&ca, sizeof(ca)));
	VC_EQ(send(c, "ping", 4, 0), 4);
	vf_recv_exact(c, buf, 4);
	CHECK(memcmp(buf, "pong", 4) == 0);
	VC_NOTE("c got the child's pong");
	VC_OK(close(c));
	vf_wait_ok(&ch);
	return 0;
}
