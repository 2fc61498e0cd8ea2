/* The virtual machine has only its own addresses (loopback and the
 * scenario's hosts): a connect or a datagram to any other address has no
 * route (ENETUNREACH at once, as Linux without a route), binding one is
 * EADDRNOTAVAIL, and port 80 on the loopback is free for anybody. */
#include "vt.h"

int main(void)
{
	struct sockaddr_in far = vt_addr("192.0.2.1", 80), lo = vt_addr("127.0.0.1", 80);
	int t = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(t >= 0);
	errno = 0;
	CHECK(connect(t, (struct sockaddr *)&far, sizeof(far)) == -1 && errno == ENETUNREACH);
	errno = 0;
	CHECK(bind(t, (struct sockaddr *)&far, sizeof(far)) == -1 && errno == EADDRNOTAVAIL);
	CHECK(bind(t, (struct sockaddr *)&lo, sizeof(lo)) == 0); /* no root needed */
	CHECK(listen(t, 1) == 0);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(u >= 0);
	errno = 0;
	CHECK(sendto(u, "x", 1, 0, (struct sockaddr *)&far, sizeof(far)) == -1 && errno == ENETUNREACH);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	CHECK(connect(c, (struct sockaddr *)&lo, sizeof(lo)) == 0);
	CHECK(vt_vsockets() >= 3);
	printf("ok\n");
	return 0;
}
