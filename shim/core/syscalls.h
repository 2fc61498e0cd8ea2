/* The real libc functions behind every interposed call: one table, filled once
 * by dlsym(RTLD_NEXT) under pthread_once (SQLite's aSyscall[] pattern). */
#ifndef SF_SYSCALLS_H
#define SF_SYSCALLS_H

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

/* X(return type, name, parameter list): every libc entry point we interpose. */
#define SF_SYSCALL_LIST(X)                                                                \
	X(int, socket, (int d, int t, int p))                                      \
	X(int, socketpair, (int d, int t, int p, int sv[2]))                   \
	X(int, bind, (int fd, const struct sockaddr *a, socklen_t l))             \
	X(int, listen, (int fd, int b))                                              \
	X(int, accept, (int fd, struct sockaddr *a, socklen_t *l))                \
	X(int, accept4, (int fd, struct sockaddr *a, socklen_t *l, int f))     \
	X(int, connect, (int fd, const struct sockaddr *a, socklen_t l))          \
	X(int, getsockname, (int fd, struct sockaddr *a, socklen_t *l))           \
	X(int, getpeername, (int fd, struct sockaddr *a, socklen_t *l))           \
	X(int, setsockopt, (int fd, int lv, int o, const void *v, socklen_t l)) \
	X(int, getsockopt, (int fd, int lv, int o, void *v, socklen_t *l)) \
	X(int, shutdown, (int fd, int h))                                            \
	X(int, close, (int fd))                                                         \
	X(int, close_range, (unsigned a, unsigned b, int f))                       \
	X(int, dup, (int fd))                                                           \
	X(int, dup2, (int a, int b))                                                  \
	X(int, dup3, (int a, int b, int f))                                        \
	X(int, fcntl, (int fd, int c, ...))                               \
	X(int, fcntl64, (int fd, int c, ...))                             \
	X(int, ioctl, (int fd, unsigned long r, ...))                     \
	X(ssize_t, send, (int fd, const void *b, size_t n, int f))             \
	X(ssize_t, sendto, (int fd, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t l)) \
	X(ssize_t, sendmsg, (int fd, const struct msghdr *m, int f))              \
	X(int, sendmmsg, (int fd, struct mmsghdr *v, unsigned n, int f))       \
	X(ssize_t, recv, (int fd, void *b, size_t n, int f))                   \
	X(ssize_t, recvfrom, (int fd, void *b, size_t n, int f, struct sockaddr *a, socklen_t *l)) \
	X(ssize_t, recvmsg, (int fd, struct msghdr *m, int f))                    \
	X(int, recvmmsg, (int fd, struct mmsghdr *v, unsigned n, int f, struct timespec *t)) \
	X(ssize_t, read, (int fd, void *b, size_t n))                             \
	X(ssize_t, write, (int fd, const void *b, size_t n))                      \
	X(ssize_t, readv, (int fd, const struct iovec *v, int n))                 \
	X(ssize_t, writev, (int fd, const struct iovec *v, int n))                \
	X(ssize_t, sendfile, (int o, int i, off_t *off, size_t n))            \
	X(ssize_t, sendfile64, (int o, int i, off_t *off, size_t n))          \
	X(int, poll, (struct pollfd *p, nfds_t n, int t))                          \
	X(int, ppoll, (struct pollfd *p, nfds_t n, const struct timespec *t, const sigset_t *s)) \
	X(int, select, (int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *t)) \
	X(int, pselect, (int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *t, const sigset_t *s)) \
	X(int, epoll_create, (int n))                                                    \
	X(int, epoll_create1, (int f))                                                   \
	X(int, epoll_ctl, (int e, int op, int fd, struct epoll_event *ev))   \
	X(int, epoll_wait, (int e, struct epoll_event *ev, int n, int t))      \
	X(int, epoll_pwait, (int e, struct epoll_event *ev, int n, int t, const sigset_t *s)) \
	X(int, epoll_pwait2, (int e, struct epoll_event *ev, int n, const struct timespec *t, const sigset_t *s)) \
	X(pid_t, fork, (void))                                                          \
	X(void, _exit, (int s))                                                         \
	X(int, getaddrinfo, (const char *n, const char *s, const struct addrinfo *h, struct addrinfo **r)) \
	X(void, freeaddrinfo, (struct addrinfo *ai))                                    \
	X(const char *, gai_strerror, (int e))                                          \
	X(int, getnameinfo, (const struct sockaddr *a, socklen_t l, char *h, socklen_t hl, char *s, socklen_t sl, int f)) \
	X(struct hostent *, gethostbyname, (const char *n))                             \
	X(struct hostent *, gethostbyname2, (const char *n, int af))                    \
	X(int, gethostbyname_r, (const char *n, struct hostent *h, char *b, size_t bl, struct hostent **r, int *he)) \
	X(int, gethostbyname2_r, (const char *n, int af, struct hostent *h, char *b, size_t bl, struct hostent **r, int *he)) \
	X(struct hostent *, gethostbyaddr, (const void *a, socklen_t l, int t))         \
	X(int, gethostbyaddr_r, (const void *a, socklen_t l, int t, struct hostent *h, char *b, size_t bl, struct hostent **r, int *he))

/* The resolver entries have no kernel call behind them: their raw fallbacks
 * (used only by a call dlsym itself makes while the table fills, or if libc
 * lacked the symbol) fail as each function reports an internal error. */
static inline int raw_getaddrinfo(const char *n, const char *s, const struct addrinfo *h, struct addrinfo **r)
{
	(void)n, (void)s, (void)h, (void)r;
	errno = ENOSYS;
	return EAI_SYSTEM;
}
static inline void raw_freeaddrinfo(struct addrinfo *ai) { (void)ai; }
static inline const char *raw_gai_strerror(int e) { (void)e; return "Unknown error"; }
static inline int raw_getnameinfo(const struct sockaddr *a, socklen_t l, char *h, socklen_t hl, char *s, socklen_t sl, int f)
{
	(void)a, (void)l, (void)h, (void)hl, (void)s, (void)sl, (void)f;
	errno = ENOSYS;
	return EAI_SYSTEM;
}
static inline struct hostent *raw_gethostbyname2(const char *n, int af)
{
	(void)n, (void)af;
	h_errno = NETDB_INTERNAL;
	errno = ENOSYS;
	return NULL;
}
static inline struct hostent *raw_gethostbyname(const char *n) { return raw_gethostbyname2(n, AF_INET); }
static inline struct hostent *raw_gethostbyaddr(const void *a, socklen_t l, int t)
{
	(void)a, (void)l, (void)t;
	return raw_gethostbyname2(NULL, 0);
}
static inline int raw_gethostbyname2_r(const char *n, int af, struct hostent *h, char *b, size_t bl, struct hostent **r, int *he)
{
	(void)n, (void)af, (void)h, (void)b, (void)bl;
	*r = NULL;
	*he = NETDB_INTERNAL;
	errno = ENOSYS;
	return ENOSYS;
}
static inline int raw_gethostbyname_r(const char *n, struct hostent *h, char *b, size_t bl, struct hostent **r, int *he)
{
	return raw_gethostbyname2_r(n, AF_INET, h, b, bl, r, he);
}
static inline int raw_gethostbyaddr_r(const void *a, socklen_t l, int t, struct hostent *h, char *b, size_t bl, struct hostent **r, int *he)
{
	(void)a, (void)l, (void)t;
	return raw_gethostbyname2_r(NULL, 0, h, b, bl, r, he);
}

struct sf_syscalls {
#define SF_X(ret, name, params) ret(*name) params;
	SF_SYSCALL_LIST(SF_X)
#undef SF_X
};

extern struct sf_syscalls sf_libc_table;
extern atomic_int sf_libc_ready;

const struct sf_syscalls *sf_libc_slow(void);

/* The table of real functions.  Safe before the library constructor ran, from
 * other constructors, and re-entrantly: a call made by dlsym itself (on the
 * resolving thread) gets raw-syscall fallbacks instead of deadlocking. */
static inline const struct sf_syscalls *sf_libc(void)
{
	if (__builtin_expect(atomic_load_explicit(&sf_libc_ready, memory_order_acquire), 1))
		return &sf_libc_table;
	return sf_libc_slow();
}

/* Names of the table's entries, in table order, for tests and diagnostics. */
extern const char *const sf_syscall_names[];
extern const unsigned sf_syscall_count;

#endif
