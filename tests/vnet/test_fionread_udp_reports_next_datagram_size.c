/* FIONREAD (SIOCINQ) on a UDP socket: "Gets a pointer to an integer as
 * argument.  Returns the size of the next pending datagram in the integer
 * in bytes, or 0 when no datagram is pending" (man 7 udp) -- not the total
 * queued: with datagrams of 3 and 5 bytes queued it says 3, after one recv
 * 5, then 0.  man 7 udp. */
#include "vcheck.h"

int main(void)
{
	vc_begin("UDP FIONREAD: the next datagram's size");
	int a, b;
	sfit_udp_pair(&a, &b);
	int n = -1;
	VC_OK(ioctl(b, FIONREAD, &n));
	VC_EQ(n, 0);
	VC_EQ(send(a, "abc", 3, 0), 3);
	VC_EQ(send(a, "defgh", 5, 0), 5);
	vc_wait_readable(b);
	double t0 = sfit_now();
	do /* bounded: both datagrams are there (the second as well) */
		CHECK_OK(ioctl(b, FIONREAD, &n));
	while (n != 3 && vc_elapsed(t0) < 5);
	VC_EQ(n, 3);
	char buf[16];
	VC_EQ(recv(b, buf, sizeof(buf), 0), 3);
	vc_wait_readable(b);
	VC_OK(ioctl(b, FIONREAD, &n));
	VC_EQ(n, 5);
	VC_EQ(recv(b, buf, sizeof(buf), 0), 5);
	VC_OK(ioctl(b, FIONREAD, &n));
	VC_EQ(n, 0);
	return 0;
}
