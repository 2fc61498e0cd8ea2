/* ioctl(2) FIONREAD (= SIOCINQ) on a TCP socket: "returns the amount of
 * queued unread data in the receive buffer" (man 7 tcp, SIOCINQ); 0 when
 * nothing is queued, the sum of several sends once they arrived, less after
 * a partial recv, unchanged by MSG_PEEK; SIOCOUTQ on the sender is 0 once
 * everything is acknowledged (over loopback: at once, bounded wait).  On a
 * listening socket SIOCINQ is EINVAL.  man 7 tcp, man 2 ioctl. */
#include "vcheck.h"
#include <linux/sockios.h>

static int inq(int fd)
{
	int n = -1;
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	return n;
}

/* Bounded wait: what was sent has arrived. */
static int inq_reaching(int fd, int want)
{
	double t0 = sfit_now();
	int n;
	while ((n = inq(fd)) != want && vc_elapsed(t0) < 5) {
		struct timespec ts = {0, 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return n;
}

int main(void)
{
	vc_begin("FIONREAD counts unread bytes");
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_EQ(inq(s), 0);
	static char buf[1000];
	for (int i = 0; i < 3; i++)
		CHECK_EQ(send(c, buf, 100, 0), 100);
	VC_NOTE("sent 3 x 100");
	VC_EQ(inq_reaching(s, 300), 300);
	VC_EQ(recv(s, buf, 50, MSG_PEEK), 50);
	VC_EQ(inq(s), 300);
	VC_EQ(recv(s, buf, 120, 0), 120);
	VC_EQ(inq(s), 180);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 180);
	VC_EQ(inq(s), 0);
	int out = -1;
	double t0 = sfit_now();
	for (;;) {
		CHECK_OK(ioctl(c, SIOCOUTQ, &out));
		if (out == 0 || vc_elapsed(t0) > 5)
			break;
		struct timespec ts = {0, 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	VC_EQ(out, 0);
	struct sockaddr_in a;
	int l = sfit_tcp_listener(&a);
	int n;
	VC_ERR(ioctl(l, SIOCINQ, &n), EINVAL);
	return 0;
}
