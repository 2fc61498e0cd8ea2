/* UDP keeps message boundaries (man 7 udp: "UDP is a ... connectionless,
 * unreliable datagram protocol"; man 2 recv: "If a message is too long to
 * fit in the supplied buffer, excess bytes may be discarded"; each recv
 * returns at most one datagram): datagrams of 1, 100, 1000 and 8000 bytes
 * are received one per call, in order (loopback), each whole, even into a
 * large buffer; a short read takes one datagram's prefix and drops its
 * rest.  man 7 udp, man 2 recv. */
#include "vcheck.h"

int main(void)
{
	vc_begin("UDP datagram boundaries");
	int a, b;
	sfit_udp_pair(&a, &b);
	static const size_t sizes[] = {1, 100, 1000, 8000};
	static unsigned char out[8000], in[16384];
	for (size_t i = 0; i < 4; i++) {
		sfit_fill(out, sizes[i], (uint32_t)i);
		CHECK_EQ(send(a, out, sizes[i], 0), (ssize_t)sizes[i]);
	}
	VC_NOTE("sent 4 datagrams: 1, 100, 1000, 8000 bytes");
	for (size_t i = 0; i < 4; i++) {
		vc_wait_readable(b);
		ssize_t r = recv(b, in, sizeof(in), 0);
		sfit_fill(out, sizes[i], (uint32_t)i);
		CHECK_EQ(r, (ssize_t)sizes[i]);
		CHECK(memcmp(in, out, sizes[i]) == 0);
		printf("recv -> %zd bytes, checksum %016llx\n", r, (unsigned long long)vc_fnv(VC_FNV_INIT, in, (size_t)r));
	}
	VC_EQ(send(a, "first", 5, 0), 5);
	VC_EQ(send(a, "second", 6, 0), 6);
	vc_wait_readable(b);
	VC_EQ(recv(b, in, 3, 0), 3);
	VC_EQ(recv(b, in, sizeof(in), 0), 6);
	CHECK(memcmp(in, "second", 6) == 0);
	VC_NOTE("the rest of \"first\" was discarded");
	VC_ERR(recv(b, in, sizeof(in), MSG_DONTWAIT), EAGAIN);
	return 0;
}
