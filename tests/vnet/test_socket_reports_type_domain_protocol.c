/* SO_TYPE, SO_DOMAIN and SO_PROTOCOL (man 7 socket: "SO_DOMAIN ... Retrieves
 * the socket domain as an integer", "SO_PROTOCOL ... Retrieves the socket
 * protocol", "SO_TYPE Gets the socket type as an integer"): protocol 0 is
 * reported as the protocol the kernel chose (IPPROTO_TCP / IPPROTO_UDP), the
 * SOCK_NONBLOCK/SOCK_CLOEXEC flags are not part of SO_TYPE.  socket(2) with
 * an unsupported protocol fails EPROTONOSUPPORT.  man 7 socket, man 2 socket,
 * man 7 ip. */
#include "vcheck.h"

static void one(int domain, int type, int proto, int want_proto, const char *what)
{
	int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	CHECK(fd >= 0);
	printf("%s:\n", what);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_TYPE, type);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_DOMAIN, domain);
	VC_SOCKOPT(fd, SOL_SOCKET, SO_PROTOCOL, want_proto);
	CHECK_OK(close(fd));
}

int main(void)
{
	vc_begin("SO_TYPE / SO_DOMAIN / SO_PROTOCOL");
	one(AF_INET, SOCK_STREAM, 0, IPPROTO_TCP, "AF_INET SOCK_STREAM 0");
	one(AF_INET, SOCK_STREAM, IPPROTO_TCP, IPPROTO_TCP, "AF_INET SOCK_STREAM IPPROTO_TCP");
	one(AF_INET, SOCK_DGRAM, 0, IPPROTO_UDP, "AF_INET SOCK_DGRAM 0");
	one(AF_INET, SOCK_DGRAM, IPPROTO_UDP, IPPROTO_UDP, "AF_INET SOCK_DGRAM IPPROTO_UDP");
	one(AF_INET6, SOCK_STREAM, 0, IPPROTO_TCP, "AF_INET6 SOCK_STREAM 0");
	one(AF_INET6, SOCK_DGRAM, 0, IPPROTO_UDP, "AF_INET6 SOCK_DGRAM 0");
	VC_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	VC_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	return 0;
}
