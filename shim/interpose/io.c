/* Interposed data calls: the send family (send, sendto, sendmsg, sendmmsg,
 * write, writev, sendfile, sendfile64), the recv family (recv, recvfrom,
 * recvmsg, recvmmsg, read, readv) and glibc's fortified variants.  On an fd
 * the shim does not manage, or with nothing engaged, each is one table load
 * and a jump to libc. */
#include <string.h>

#include "kernel/io.h"
#include "core/shim.h"
#include "faults/trace.h"
#include "vnet/vsock.h"

extern void __chk_fail(void) __attribute__((noreturn));

/* The engaged half of each call: out of line (engaged_*), so that the
 * pass-through half of the exported symbol is a few loads and a tail jump
 * with no stack frame (tests/bench/bench_passthrough measures it). */
static long run(struct sf_io *io)
{
	struct sf_socket *s = sf_socket_get(io->fd);
	if (!s) /* closed by another thread since sf_passes() looked */
		return sf_ret(sf_io_perform(io));
	if (sf_likely(!sf_trace_on)) {
		long r = sf_io(s, io);
		sf_socket_put(s);
		return sf_ret(r);
	}
	struct sf_trace_pre pre;
	if (s->type == SOCK_DGRAM)
		sf_trace_before(io, &pre);
	else
		pre.have = false;
	sf_vlink_note.line = 0;
	long r = sf_io(s, io);
	int saved = errno;
	sf_trace_io(s, io, &pre, r, sf_vlink_note.line, sf_vlink_note.delay_ns, sf_vlink_note.lost);
	errno = saved;
	sf_socket_put(s);
	return sf_ret(r);
}

static SF_COLD ssize_t engaged_send(int fd, const void *buf, size_t len, int flags)
{
	return run(&(struct sf_io){.call = SF_CALL_send, .fd = fd, .cbuf = buf, .len = len, .flags = flags});
}

SF_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	if (sf_passes(fd))
		return sf_libc()->send(fd, buf, len, flags);
	return engaged_send(fd, buf, len, flags);
}

static SF_COLD ssize_t engaged_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
			 socklen_t tolen)
{
	return run(&(struct sf_io){.call = SF_CALL_sendto, .fd = fd, .cbuf = buf, .len = len,
				      .flags = flags, .to = to, .tolen = tolen});
}

SF_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
			 socklen_t tolen)
{
	if (sf_passes(fd))
		return sf_libc()->sendto(fd, buf, len, flags, to, tolen);
	return engaged_sendto(fd, buf, len, flags, to, tolen);
}

static SF_COLD ssize_t engaged_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return run(&(struct sf_io){.call = SF_CALL_sendmsg, .fd = fd, .msg = (struct msghdr *)msg,
				      .flags = flags});
}

/* A virtual socket passed with SCM_RIGHTS stays open while in flight, as
 * the kernel keeps a passed file open (vnet.c, sf_vnet_passed). */
static void note_passed(const struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int pfd;
			memcpy(&pfd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			struct sf_socket *s = sf_socket_get(pfd);
			if (s && s->v)
				sf_vnet_passed(s->v);
			if (s)
				sf_socket_put(s);
		}
	}
}

SF_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (sf_unlikely(sf_vnet_on) && msg && msg->msg_control && msg->msg_controllen >= sizeof(struct cmsghdr) &&
	    !sf_depth) {
		ssize_t r = sf_passes(fd) ? sf_libc()->sendmsg(fd, msg, flags) : engaged_sendmsg(fd, msg, flags);
		if (r >= 0) {
			int saved = errno;
			note_passed(msg);
			errno = saved;
		}
		return r;
	}
	if (sf_passes(fd))
		return sf_libc()->sendmsg(fd, msg, flags);
	return engaged_sendmsg(fd, msg, flags);
}

static SF_COLD int engaged_sendmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags)
{
	return (int)run(&(struct sf_io){.call = SF_CALL_sendmmsg, .fd = fd, .vec = vec, .vlen = vlen,
					   .flags = flags});
}

SF_EXPORT int sendmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags)
{
	if (sf_passes(fd))
		return sf_libc()->sendmmsg(fd, vec, vlen, flags);
	return engaged_sendmmsg(fd, vec, vlen, flags);
}

static SF_COLD ssize_t engaged_write(int fd, const void *buf, size_t len)
{
	return run(&(struct sf_io){.call = SF_CALL_write, .fd = fd, .cbuf = buf, .len = len});
}

SF_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	if (sf_passes(fd))
		return sf_libc()->write(fd, buf, len);
	return engaged_write(fd, buf, len);
}

static SF_COLD ssize_t engaged_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return run(&(struct sf_io){.call = SF_CALL_writev, .fd = fd, .iov = iov, .iovcnt = iovcnt});
}

SF_EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	if (sf_passes(fd))
		return sf_libc()->writev(fd, iov, iovcnt);
	return engaged_writev(fd, iov, iovcnt);
}

static SF_COLD ssize_t engaged_sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
	return run(&(struct sf_io){.call = SF_CALL_sendfile, .fd = out_fd, .in_fd = in_fd,
				      .offset = offset, .len = count});
}

SF_EXPORT ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
	if (sf_passes(out_fd))
		return sf_libc()->sendfile(out_fd, in_fd, offset, count);
	return engaged_sendfile(out_fd, in_fd, offset, count);
}

static SF_COLD ssize_t engaged_sendfile64(int out_fd, int in_fd, off_t *offset, size_t count)
{
	return run(&(struct sf_io){.call = SF_CALL_sendfile, .fd = out_fd, .in_fd = in_fd,
				      .offset = offset, .len = count, .large = 1});
}

SF_EXPORT ssize_t sendfile64(int out_fd, int in_fd, off_t *offset, size_t count)
{
	if (sf_passes(out_fd))
		return sf_libc()->sendfile64(out_fd, in_fd, offset, count);
	return engaged_sendfile64(out_fd, in_fd, offset, count);
}

static SF_COLD ssize_t engaged_recv(int fd, void *buf, size_t len, int flags)
{
	return run(&(struct sf_io){.call = SF_CALL_recv, .fd = fd, .buf = buf, .len = len, .flags = flags});
}

SF_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	if (sf_passes(fd))
		return sf_libc()->recv(fd, buf, len, flags);
	return engaged_recv(fd, buf, len, flags);
}

static SF_COLD ssize_t engaged_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
			   socklen_t *fromlen)
{
	return run(&(struct sf_io){.call = SF_CALL_recvfrom, .fd = fd, .buf = buf, .len = len,
				      .flags = flags, .from = from, .fromlen = fromlen});
}

SF_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
			   socklen_t *fromlen)
{
	if (sf_passes(fd))
		return sf_libc()->recvfrom(fd, buf, len, flags, from, fromlen);
	return engaged_recvfrom(fd, buf, len, flags, from, fromlen);
}

/* unix(7) SCM_RIGHTS: sockets passed from another process become managed,
 * like ones created here. */
static void adopt_passed(const struct msghdr *msg)
{
	if (!msg || !msg->msg_control || msg->msg_controllen < sizeof(struct cmsghdr))
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int pfd;
			memcpy(&pfd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			sf_socket_adopt(pfd);
		}
	}
}

SF_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t r;
	if (sf_passes(fd))
		r = sf_libc()->recvmsg(fd, msg, flags);
	else
		r = run(&(struct sf_io){.call = SF_CALL_recvmsg, .fd = fd, .msg = msg, .flags = flags});
	if (r >= 0 && msg && msg->msg_controllen && !sf_depth)
		adopt_passed(msg);
	return r;
}

static SF_COLD int engaged_recvmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags, struct timespec *timeout)
{
	return (int)run(&(struct sf_io){.call = SF_CALL_recvmmsg, .fd = fd, .vec = vec, .vlen = vlen,
					   .flags = flags, .timeout = timeout});
}

SF_EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned vlen, int flags, struct timespec *timeout)
{
	if (sf_passes(fd))
		return sf_libc()->recvmmsg(fd, vec, vlen, flags, timeout);
	return engaged_recvmmsg(fd, vec, vlen, flags, timeout);
}

static SF_COLD ssize_t engaged_read(int fd, void *buf, size_t len)
{
	return run(&(struct sf_io){.call = SF_CALL_read, .fd = fd, .buf = buf, .len = len});
}

SF_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	if (sf_passes(fd))
		return sf_libc()->read(fd, buf, len);
	return engaged_read(fd, buf, len);
}

static SF_COLD ssize_t engaged_readv(int fd, const struct iovec *iov, int iovcnt)
{
	return run(&(struct sf_io){.call = SF_CALL_readv, .fd = fd, .iov = iov, .iovcnt = iovcnt});
}

SF_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	if (sf_passes(fd))
		return sf_libc()->readv(fd, iov, iovcnt);
	return engaged_readv(fd, iov, iovcnt);
}

/* _FORTIFY_SOURCE entry points (debug/recv_chk.c in glibc): the bounds check,
 * then the ordinary call, so programs built with fortification see faults. */
SF_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
	if (len > buflen)
		__chk_fail();
	return recv(fd, buf, len, flags);
}

SF_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
				 struct sockaddr *from, socklen_t *fromlen)
{
	if (len > buflen)
		__chk_fail();
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

SF_EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		__chk_fail();
	return read(fd, buf, len);
}
