/* dup(2) of a socket: "The old and new file descriptors ... refer to the
 * same open file description ... and thus share file offset and file status
 * flags" -- here: the same socket.  Data sent through the copy is read by
 * the peer, data from the peer is read through either; names are the same;
 * O_NONBLOCK set through one is seen through the other while FD_CLOEXEC is
 * per descriptor (F_DUPFD_CLOEXEC); closing one descriptor leaves the
 * connection open (the peer sees no end of file), closing the last one
 * closes it (man 2 close: "If fd is the last file descriptor referring to
 * the underlying open file description ... the resources associated with
 * the open file description are freed").  shutdown through one affects
 * both.  man 2 dup, man 2 close, man 2 fcntl. */
#include "vcheck.h"

int main(void)
{
	vc_begin("dup shares the socket");
	int c, s;
	sfit_tcp_pair(&c, &s);
	int d = dup(c);
	CHECK(d >= 0);
	char buf[16];
	VC_EQ(send(d, "via dup", 7, 0), 7);
	VC_EQ(recv(s, buf, 7, MSG_WAITALL), 7);
	VC_EQ(send(s, "to both", 7, 0), 7);
	VC_EQ(recv(c, buf, 3, MSG_WAITALL), 3);
	VC_EQ(recv(d, buf, 4, MSG_WAITALL), 4);
	CHECK(memcmp(buf, "both", 4) == 0);
	CHECK_EQ(VC_SOCKNAME(c), VC_SOCKNAME(d));
	VC_NOTE("same local port");
	sfit_set_nonblocking(c);
	VC_EQ(!!(fcntl(d, F_GETFL) & O_NONBLOCK), 1);
	VC_ERR(recv(d, buf, sizeof(buf), 0), EAGAIN);
	int e = fcntl(c, F_DUPFD_CLOEXEC, 0);
	CHECK(e >= 0);
	VC_EQ(fcntl(e, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	VC_EQ(fcntl(c, F_GETFD) & FD_CLOEXEC, 0);
	VC_OK(close(e));
	VC_OK(close(c));
	VC_POLL(s, POLLIN | POLLRDHUP, 20);
	VC_EQ(send(d, "still", 5, 0), 5);
	VC_EQ(recv(s, buf, 5, MSG_WAITALL), 5);
	int f = dup(d);
	CHECK(f >= 0);
	VC_OK(shutdown(f, SHUT_WR));
	VC_ERR(send(d, "x", 1, MSG_NOSIGNAL), EPIPE);
	VC_EQ(recv(s, buf, sizeof(buf), 0), 0);
	VC_OK(close(d));
	VC_EQ(send(s, "f", 1, 0), 1);
	VC_POLL(f, POLLIN, 5000);
	VC_EQ(recv(f, buf, sizeof(buf), 0), 1);
	VC_OK(close(f));
	VC_NOTE("the last descriptor closed");
	/* the server now writes into the closed socket: a reset, which a
	 * socket in CLOSE_WAIT (it had the FIN) reports as EPIPE on Linux */
	VC_EQ(send(s, "g", 1, MSG_NOSIGNAL), 1);
	vc_wait_pollerr(s);
	VC_ERR(send(s, "h", 1, MSG_NOSIGNAL), EPIPE);
	return 0;
}
