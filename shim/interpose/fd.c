/* Interposed fd-level calls: close, close_range, dup, dup2, dup3, fcntl,
 * fcntl64, ioctl and fork.  They keep the fd table in step with the kernel's
 * descriptor table; the engaged path also lets the connection layer see a
 * close (capture's FIN, held datagrams). */
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include "kernel/conn.h"
#include "process/process.h"
#include "core/shim.h"
#include "faults/trace.h"
#include "vnet/vsock.h"

SF_EXPORT int close(int fd)
{
	/* Forget first, then close: once the kernel has released the number
	 * another thread may get it from socket() and install its own entry. */
	if (sf_unlikely(sf_vnet_on)) {
		if (sf_vnet_vfork_child())
			return sf_libc()->close(fd);
		if (sf_vnet_is_hidden(fd)) {
			errno = EBADF; /* the shim's end of a virtual socket's pair */
			return -1;
		}
		sf_vnet_fd_gone(fd); /* an epoll fd, maybe */
	}
	struct sf_socket *s = sf_fd_remove(fd);
	if (sf_likely(!s))
		return sf_libc()->close(fd);
	if (sf_unlikely(sf_trace_on) && !sf_depth)
		sf_trace_close(s, fd);
	return (int)sf_ret(sf_close(s, fd));
}

SF_EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	/* Validate as the kernel does (fs/file.c) before forgetting anything, so
	 * a call that will fail leaves the table alone. */
	if (first > last || (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))) {
		errno = EINVAL;
		return -1;
	}
	if (sf_unlikely(sf_vnet_on) && sf_vnet_vfork_child())
		return sf_libc()->close_range(first, last, flags);
	if (!(flags & CLOSE_RANGE_CLOEXEC))
		sf_fd_remove_range(first, last);
	if (sf_unlikely(sf_vnet_on) && !(flags & CLOSE_RANGE_CLOEXEC)) {
		for (unsigned fd = first; fd <= last && fd < 65536; fd++)
			sf_vnet_fd_gone((int)fd);
		return (int)sf_ret(sf_vnet_close_range(first, last, flags));
	}
	return sf_libc()->close_range(first, last, flags);
}

SF_EXPORT int dup(int fd)
{
	int nfd = sf_libc()->dup(fd);
	if (nfd >= 0 && sf_fd_peek(fd))
		sf_track_dup(fd, nfd);
	return nfd;
}

SF_EXPORT int dup2(int fd, int nfd)
{
	if (sf_unlikely(sf_vnet_on) && sf_vnet_vfork_child())
		return sf_libc()->dup2(fd, nfd);
	if (sf_unlikely(sf_vnet_on)) {
		if (sf_vnet_is_hidden(fd)) {
			errno = EBADF;
			return -1;
		}
		if (sf_vnet_is_hidden(nfd))
			sf_vnet_evict(nfd);
		sf_vnet_fd_gone(nfd);
	}
	int r = sf_libc()->dup2(fd, nfd);
	if (r >= 0 && fd != nfd)
		sf_track_dup(fd, nfd);
	return r;
}

SF_EXPORT int dup3(int fd, int nfd, int flags)
{
	if (sf_unlikely(sf_vnet_on) && sf_vnet_vfork_child())
		return sf_libc()->dup3(fd, nfd, flags);
	if (sf_unlikely(sf_vnet_on)) {
		if (sf_vnet_is_hidden(fd)) {
			errno = EBADF;
			return -1;
		}
		if (sf_vnet_is_hidden(nfd))
			sf_vnet_evict(nfd);
		sf_vnet_fd_gone(nfd);
	}
	int r = sf_libc()->dup3(fd, nfd, flags);
	if (r >= 0)
		sf_track_dup(fd, nfd);
	return r;
}

/* fcntl's third argument is an int or a pointer depending on cmd; like glibc
 * we fetch it as a pointer, which the x86_64/aarch64 ABIs make safe. */
static int do_fcntl(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	int r = real(fd, cmd, arg);
	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && sf_fd_peek(fd))
		sf_track_dup(fd, r);
	if (sf_unlikely(sf_vnet_on) && r >= 0 && cmd == F_SETFL && sf_fd_peek(fd)) {
		/* The virtual socket keeps O_NONBLOCK of its file (vnet.c). */
		struct sf_socket *s = sf_socket_get(fd);
		if (s) {
			if (s->v)
				sf_vsock_set_nonblock(s->v, ((long)arg & O_NONBLOCK) != 0);
			sf_socket_put(s);
		}
	}
	return r;
}

SF_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(sf_libc()->fcntl, fd, cmd, arg);
}

SF_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(sf_libc()->fcntl64, fd, cmd, arg);
}

SF_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s))
		return sf_libc()->ioctl(fd, req, arg);
	int r = sf_ioctl(s, fd, req, arg);
	sf_socket_put(s);
	return (int)sf_ret(r);
}

SF_EXPORT pid_t fork(void)
{
	/* A shared virtual network holds VPROC_MAX processes: one more is
	 * refused as the kernel refuses a process over RLIMIT_NPROC. */
	if (sf_unlikely(sf_vnet_on) && !sf_vnet_fork_possible()) {
		errno = EAGAIN;
		return -1;
	}
	pid_t pid = sf_libc()->fork();
	if (pid == 0) {
		sf_after_fork_child();
	} else if (sf_unlikely(sf_vnet_on)) {
		int saved = errno;
		sf_vnet_fork_done(pid);
		errno = saved;
	}
	return pid;
}

/* A process that ends with _exit (a fork child's usual end) runs no
 * destructor: it leaves the shared network here, so that its sockets close
 * now, as the kernel closes them at exit, rather than when another member
 * notices it is gone. */
SF_EXPORT _Noreturn void _exit(int status)
{
	if (sf_unlikely(sf_vnet_on))
		sf_vnet_exit();
	sf_libc()->_exit(status);
	__builtin_unreachable();
}

SF_EXPORT _Noreturn void _Exit(int status)
{
	_exit(status);
}
