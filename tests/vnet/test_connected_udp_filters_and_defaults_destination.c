/* connect(2) on a UDP socket (man 7 udp: "When connect(2) is called on the
 * socket, the default destination address is set and datagrams can now be
 * sent using send(2) or write(2) without specifying a destination address
 * ... it will only receive packets from that address"): send without an
 * address goes to the connected peer; a datagram from a third socket is not
 * received (checked with a marker datagram from the peer sent after it);
 * sendto with an explicit address still works on Linux; getpeername gives
 * the peer; connect to AF_UNSPEC dissolves the association (then send
 * without address is EDESTADDRREQ, and the third socket gets through --
 * at the new port: Linux releases a port that came from a port-0 bind on
 * disconnect, and autobinds a new one on the next send, even a failing
 * one).
 * man 7 udp, man 2 connect. */
#include "vcheck.h"

int main(void)
{
	vc_begin("connected UDP");
	struct sockaddr_in aa, ba, ca;
	int a = vc_udp_socket(&aa), b = vc_udp_socket(&ba), x = vc_udp_socket(&ca);
	VC_OK(connect(a, (struct sockaddr *)&ba, sizeof(ba)));
	CHECK_EQ(VC_PEERNAME(a), ntohs(ba.sin_port));
	VC_EQ(send(a, "to b", 4, 0), 4);
	char buf[16];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	vc_wait_readable(b);
	VC_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 4);
	CHECK_EQ(from.sin_port, aa.sin_port);
	VC_NOTE("b got \"to b\" from a");
	VC_EQ(sendto(x, "intruder", 8, 0, (struct sockaddr *)&aa, sizeof(aa)), 8);
	VC_EQ(sendto(b, "marker", 6, 0, (struct sockaddr *)&aa, sizeof(aa)), 6);
	vc_wait_readable(a);
	VC_EQ(recv(a, buf, sizeof(buf), 0), 6);
	CHECK(memcmp(buf, "marker", 6) == 0);
	VC_ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	VC_NOTE("a got only the marker: the intruder was filtered");
	VC_EQ(sendto(a, "explicit", 8, 0, (struct sockaddr *)&ca, sizeof(ca)), 8);
	vc_wait_readable(x);
	VC_EQ(recv(x, buf, sizeof(buf), 0), 8);
	VC_EQ(write(a, "write", 5), 5);
	vc_wait_readable(b);
	VC_EQ(read(b, buf, sizeof(buf)), 5);
	struct sockaddr un;
	memset(&un, 0, sizeof(un));
	un.sa_family = AF_UNSPEC;
	VC_OK(connect(a, &un, sizeof(un)));
	socklen_t pl = sizeof(from);
	VC_ERR(getpeername(a, (struct sockaddr *)&from, &pl), ENOTCONN);
	/* Linux: disconnecting a socket whose port came from a port-0 bind
	 * gives the port up (udp_disconnect keeps only a port bound
	 * explicitly): port 0; even a send that then fails EDESTADDRREQ binds
	 * a new ephemeral port first */
	CHECK_EQ(VC_SOCKNAME(a), 0);
	VC_ERR(send(a, "x", 1, 0), EDESTADDRREQ);
	CHECK(vc_is_ephemeral(VC_SOCKNAME(a)));
	VC_EQ(sendto(a, "again", 5, 0, (struct sockaddr *)&ca, sizeof(ca)), 5);
	fl = sizeof(from);
	vc_wait_readable(x);
	VC_EQ(recvfrom(x, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 5);
	VC_EQ(sendto(x, "now ok", 6, 0, (struct sockaddr *)&from, fl), 6);
	vc_wait_readable(a);
	VC_EQ(recv(a, buf, sizeof(buf), 0), 6);
	VC_NOTE("unconnected again: a receives from x");
	return 0;
}
