/* Resolution of the real libc functions (dlsym(RTLD_NEXT) once, under
 * pthread_once) and the raw-syscall fallbacks used while resolving.
 *
 * Why fallbacks: dlsym may allocate, and an interposed malloc may read, write
 * or close fds; those calls re-enter the shim on the resolving thread, where
 * pthread_once would deadlock.  They go straight to the kernel instead. */
#include "core/syscalls.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

struct sf_syscalls sf_libc_table;
atomic_int sf_libc_ready;

const char *const sf_syscall_names[] = {
#define SF_X(ret, name, params) #name,
	SF_SYSCALL_LIST(SF_X)
#undef SF_X
};
const unsigned sf_syscall_count = sizeof(sf_syscall_names) / sizeof(sf_syscall_names[0]);

/* Thread-local, initial-exec so that touching it never allocates. */
static __thread int resolving __attribute__((tls_model("initial-exec")));

/* --- raw fallbacks: the kernel calls glibc itself would make (x86_64/aarch64
 * syscall numbers via <sys/syscall.h>); each returns -1 + errno. --- */
static int raw_socket(int d, int t, int p) { return (int)syscall(SYS_socket, d, t, p); }
static int raw_socketpair(int d, int t, int p, int sv[2]) { return (int)syscall(SYS_socketpair, d, t, p, sv); }
static int raw_bind(int fd, const struct sockaddr *a, socklen_t l) { return (int)syscall(SYS_bind, fd, a, l); }
static int raw_listen(int fd, int b) { return (int)syscall(SYS_listen, fd, b); }
static int raw_accept4(int fd, struct sockaddr *a, socklen_t *l, int f) { return (int)syscall(SYS_accept4, fd, a, l, f); }
static int raw_accept(int fd, struct sockaddr *a, socklen_t *l) { return raw_accept4(fd, a, l, 0); }
static int raw_connect(int fd, const struct sockaddr *a, socklen_t l) { return (int)syscall(SYS_connect, fd, a, l); }
static int raw_getsockname(int fd, struct sockaddr *a, socklen_t *l) { return (int)syscall(SYS_getsockname, fd, a, l); }
static int raw_getpeername(int fd, struct sockaddr *a, socklen_t *l) { return (int)syscall(SYS_getpeername, fd, a, l); }
static int raw_setsockopt(int fd, int lv, int o, const void *v, socklen_t l) { return (int)syscall(SYS_setsockopt, fd, lv, o, v, l); }
static int raw_getsockopt(int fd, int lv, int o, void *v, socklen_t *l) { return (int)syscall(SYS_getsockopt, fd, lv, o, v, l); }
static int raw_shutdown(int fd, int h) { return (int)syscall(SYS_shutdown, fd, h); }
static int raw_close(int fd) { return (int)syscall(SYS_close, fd); }
static int raw_close_range(unsigned a, unsigned b, int f) { return (int)syscall(SYS_close_range, a, b, f); }
static int raw_dup(int fd) { return (int)syscall(SYS_dup, fd); }
static int raw_dup3(int a, int b, int f) { return (int)syscall(SYS_dup3, a, b, f); }
static int raw_dup2(int a, int b)
{
	/* dup3 rejects a == b; dup2 returns b if it is open (man 2 dup2). */
	if (a == b)
		return (int)syscall(SYS_fcntl, a, F_GETFD) < 0 ? -1 : b;
	return raw_dup3(a, b, 0);
}
static int raw_fcntl(int fd, int c, ...)
{
	va_list ap;
	va_start(ap, c);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return (int)syscall(SYS_fcntl, fd, c, arg);
}
static int raw_ioctl(int fd, unsigned long r, ...)
{
	va_list ap;
	va_start(ap, r);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return (int)syscall(SYS_ioctl, fd, r, arg);
}
static ssize_t raw_sendto(int fd, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t l) { return syscall(SYS_sendto, fd, b, n, f, a, l); }
static ssize_t raw_send(int fd, const void *b, size_t n, int f) { return raw_sendto(fd, b, n, f, NULL, 0); }
static ssize_t raw_sendmsg(int fd, const struct msghdr *m, int f) { return syscall(SYS_sendmsg, fd, m, f); }
static int raw_sendmmsg(int fd, struct mmsghdr *v, unsigned n, int f) { return (int)syscall(SYS_sendmmsg, fd, v, n, f); }
static ssize_t raw_recvfrom(int fd, void *b, size_t n, int f, struct sockaddr *a, socklen_t *l) { return syscall(SYS_recvfrom, fd, b, n, f, a, l); }
static ssize_t raw_recv(int fd, void *b, size_t n, int f) { return raw_recvfrom(fd, b, n, f, NULL, NULL); }
static ssize_t raw_recvmsg(int fd, struct msghdr *m, int f) { return syscall(SYS_recvmsg, fd, m, f); }
static int raw_recvmmsg(int fd, struct mmsghdr *v, unsigned n, int f, struct timespec *t) { return (int)syscall(SYS_recvmmsg, fd, v, n, f, t); }
static ssize_t raw_read(int fd, void *b, size_t n) { return syscall(SYS_read, fd, b, n); }
static ssize_t raw_write(int fd, const void *b, size_t n) { return syscall(SYS_write, fd, b, n); }
static ssize_t raw_readv(int fd, const struct iovec *v, int n) { return syscall(SYS_readv, fd, v, n); }
static ssize_t raw_writev(int fd, const struct iovec *v, int n) { return syscall(SYS_writev, fd, v, n); }
static ssize_t raw_sendfile(int o, int i, off_t *off, size_t n) { return syscall(SYS_sendfile, o, i, off, n); }
#define raw_sendfile64 raw_sendfile
static int raw_ppoll(struct pollfd *p, nfds_t n, const struct timespec *t, const sigset_t *s) { return (int)syscall(SYS_ppoll, p, n, t, s, _NSIG / 8); }
static int raw_poll(struct pollfd *p, nfds_t n, int t)
{
	struct timespec ts = {t / 1000, (t % 1000) * 1000000L};
	return raw_ppoll(p, n, t < 0 ? NULL : &ts, NULL);
}
static int raw_pselect(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *t, const sigset_t *s)
{
	/* The kernel's pselect6 takes {sigmask, size} by reference and may update
	 * the timeout; pselect(3) promises not to, so pass a copy. */
	struct timespec copy, *tp = NULL;
	struct { const sigset_t *ss; size_t len; } data = {s, _NSIG / 8};
	if (t) {
		copy = *t;
		tp = &copy;
	}
	return (int)syscall(SYS_pselect6, n, r, w, e, tp, &data);
}
static int raw_select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *t)
{
	struct timespec ts, *tp = NULL;
	if (t) {
		ts.tv_sec = t->tv_sec;
		ts.tv_nsec = t->tv_usec * 1000;
		tp = &ts;
	}
	return raw_pselect(n, r, w, e, tp, NULL);
}
static int raw_epoll_create1(int f) { return (int)syscall(SYS_epoll_create1, f); }
static int raw_epoll_create(int n)
{
	if (n <= 0) {
		errno = EINVAL;
		return -1;
	}
	return raw_epoll_create1(0);
}
static int raw_epoll_ctl(int e, int op, int fd, struct epoll_event *ev) { return (int)syscall(SYS_epoll_ctl, e, op, fd, ev); }
static int raw_epoll_pwait(int e, struct epoll_event *ev, int n, int t, const sigset_t *s) { return (int)syscall(SYS_epoll_pwait, e, ev, n, t, s, _NSIG / 8); }
static int raw_epoll_wait(int e, struct epoll_event *ev, int n, int t) { return raw_epoll_pwait(e, ev, n, t, NULL); }
static int raw_epoll_pwait2(int e, struct epoll_event *ev, int n, const struct timespec *t, const sigset_t *s) { return (int)syscall(SYS_epoll_pwait2, e, ev, n, t, s, _NSIG / 8); }
static pid_t raw_fork(void) { return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0); }
static void raw__exit(int s) { syscall(SYS_exit_group, s); }
#define raw_fcntl64 raw_fcntl

static const struct sf_syscalls raw_table = {
#define SF_X(ret, name, params) .name = raw_##name,
	SF_SYSCALL_LIST(SF_X)
#undef SF_X
};

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void resolve(void)
{
	int saved = errno;
	resolving = 1;
	/* A symbol missing from this libc (an older glibc without epoll_pwait2,
	 * say) keeps its raw fallback, so the program gets ENOSYS from the kernel
	 * rather than a NULL call. */
#define SF_X(ret, name, params)                                      \
	{                                                                \
		void *p = dlsym(RTLD_NEXT, #name);                           \
		sf_libc_table.name = p ? (ret(*) params)p : raw_table.name;  \
	}
	SF_SYSCALL_LIST(SF_X)
#undef SF_X
	resolving = 0;
	atomic_store_explicit(&sf_libc_ready, 1, memory_order_release);
	errno = saved;
}

const struct sf_syscalls *sf_libc_slow(void)
{
	if (resolving)
		return &raw_table;
	pthread_once(&once, resolve);
	return &sf_libc_table;
}
