/* Interposed socket lifecycle and query calls: socket, socketpair, bind,
 * listen, accept, accept4, connect, getsockname, getpeername, getsockopt,
 * setsockopt, shutdown.  Each is a few lines that dispatch: straight to libc,
 * or to the connection layer (conn.c) when the shim has work to do. */
#include "kernel/conn.h"
#include "core/shim.h"
#include "faults/trace.h"
#include "vnet/vsock.h"

static SF_COLD void trace_socket(int r)
{
	int saved = errno;
	struct sf_socket *s = r >= 0 ? sf_socket_get(r) : NULL;
	sf_trace_socket(s, r >= 0 ? r : -1, r);
	if (s)
		sf_socket_put(s);
	errno = saved;
}

SF_EXPORT int socket(int domain, int type, int protocol)
{
	if (sf_unlikely(sf_engaged)) {
		int e = sf_socket_fault(SF_CALL_socket);
		if (e)
			return (int)sf_ret(e);
		if (sf_vnet_handles(domain, type, protocol) && !sf_depth) {
			int r = sf_vsock_socket(domain, type, protocol);
			if (sf_unlikely(sf_trace_on))
				trace_socket(r);
			return (int)sf_ret(r);
		}
	}
	int fd = sf_libc()->socket(domain, type, protocol);
	if (fd >= 0)
		sf_track(fd, domain, type, protocol);
	if (sf_unlikely(sf_trace_on) && !sf_depth)
		trace_socket(sf_neg(fd));
	return fd;
}

SF_EXPORT int socketpair(int domain, int type, int protocol, int sv[2])
{
	if (sf_unlikely(sf_engaged)) {
		int e = sf_socket_fault(SF_CALL_socketpair);
		if (e)
			return (int)sf_ret(e);
	}
	int r = sf_libc()->socketpair(domain, type, protocol, sv);
	if (r == 0) {
		sf_track(sv[0], domain, type, protocol);
		sf_track(sv[1], domain, type, protocol);
	}
	return r;
}

SF_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s))
		return sf_libc()->bind(fd, addr, len);
	int r = sf_bind(s, fd, addr, len);
	sf_socket_put(s);
	return (int)sf_ret(r);
}

SF_EXPORT int listen(int fd, int backlog)
{
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s))
		return sf_libc()->listen(fd, backlog);
	int r = sf_listen(s, fd, backlog);
	if (sf_unlikely(sf_trace_on))
		sf_trace_listen(s, fd, r);
	sf_socket_put(s);
	return (int)sf_ret(r);
}

static int do_accept(enum sf_call call, int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s)) {
		int nfd = call == SF_CALL_accept ? sf_libc()->accept(fd, addr, len)
						 : sf_libc()->accept4(fd, addr, len, flags);
		if (nfd >= 0)
			sf_track_accepted(fd, nfd);
		return nfd;
	}
	int r = sf_accept(s, call, fd, addr, len, flags);
	sf_socket_put(s);
	if (sf_unlikely(sf_trace_on) && r != -EAGAIN)
		sf_trace_accept(fd, r);
	return (int)sf_ret(r);
}

SF_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return do_accept(SF_CALL_accept, fd, addr, len, 0);
}

SF_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	return do_accept(SF_CALL_accept4, fd, addr, len, flags);
}

SF_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s))
		return sf_libc()->connect(fd, addr, len);
	int r = sf_connect(s, fd, addr, len);
	if (sf_unlikely(sf_trace_on))
		sf_trace_connect(s, fd, addr, len, r);
	sf_socket_put(s);
	return (int)sf_ret(r);
}

SF_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s))
		return sf_libc()->getsockname(fd, addr, len);
	int r = sf_getsockname(s, fd, addr, len);
	sf_socket_put(s);
	return (int)sf_ret(r);
}

SF_EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s))
		return sf_libc()->getpeername(fd, addr, len);
	int r = sf_getpeername(s, fd, addr, len);
	sf_socket_put(s);
	return (int)sf_ret(r);
}

SF_EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s))
		return sf_libc()->getsockopt(fd, level, name, val, len);
	int r = sf_getsockopt(s, fd, level, name, val, len);
	sf_socket_put(s);
	return (int)sf_ret(r);
}

SF_EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s))
		return sf_libc()->setsockopt(fd, level, name, val, len);
	int r = sf_setsockopt(s, fd, level, name, val, len);
	sf_socket_put(s);
	return (int)sf_ret(r);
}

SF_EXPORT int shutdown(int fd, int how)
{
	struct sf_socket *s = sf_engaged_socket(fd);
	if (sf_likely(!s))
		return sf_libc()->shutdown(fd, how);
	int r = sf_shutdown(s, fd, how);
	if (sf_unlikely(sf_trace_on))
		sf_trace_shutdown(s, fd, how, r);
	sf_socket_put(s);
	return (int)sf_ret(r);
}
