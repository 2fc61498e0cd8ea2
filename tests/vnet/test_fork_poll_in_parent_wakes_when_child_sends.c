/* A process blocked in poll(2) on a socket wakes up when another process
 * sends to its peer: "poll() ... waits for one of a set of file descriptors
 * to become ready", whoever makes it ready.  The parent blocks in poll on s
 * (long timeout); the child, which holds the peer c (inherited), waits a
 * little (so that the parent is most probably blocked; correctness does
 * not depend on it) and sends: poll returns 1 with POLLIN.  Likewise a
 * blocking recv(2) in the parent returns the child's next send.  The
 * child's exit changes nothing for the parent's connection.  man 2 poll,
 * man 2 recv, man 2 fork. */
#include "vfork.h"

static int c, s, to_child[2];

static void child(void *arg)
{
	(void)arg;
	VC_OK(close(s)); /* the waiting end is the parent's */
	vf_sleep_ms(50);
	VC_EQ(send(c, "wake", 4, 0), 4);
	vf_hear(to_child[0], 'r');
	vf_sleep_ms(50);
	VC_EQ(send(c, "recv!", 5, 0), 5);
}

int main(void)
{
	vc_begin("fork: the parent's poll wakes when the child sends");
	sfit_tcp_pair(&c, &s);
	vf_pipe(to_child);
	struct vf_child ch = vf_spawn("child", child, NULL);
	struct pollfd p = {.fd = s, .events = POLLIN | POLLRDHUP};
	int n;
	do
		n = poll(&p, 1, 10000);
	while (n < 0 && errno == EINTR);
	CHECK_EQ(n, 1);
	VC_NOTE("poll(s, POLLIN|POLLRDHUP, 10000) -> %d, revents %s", n, vc_events((unsigned)p.revents));
	char buf[16];
	VC_EQ(recv(s, buf, sizeof(buf), 0), 4);
	CHECK(memcmp(buf, "wake", 4) == 0);
	vf_tell(to_child[1], 'r');
	VC_EQ(recv(s, buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "recv!", 5) == 0);
	vf_wait_ok(&ch);
	VC_POLL(s, POLLIN | POLLRDHUP, 20);
	VC_EQ(send(c, "mine", 4, 0), 4);
	VC_EQ(recv(s, buf, 4, MSG_WAITALL), 4);
	return 0;
}
