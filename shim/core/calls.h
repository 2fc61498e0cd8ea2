/* The calls a scenario rule can name, and the family each belongs to.  A rule
 * naming a family ("send") matches every call of it (send, sendto, sendmsg,
 * sendmmsg, write, writev, sendfile on sockets). */
#ifndef SF_CALLS_H
#define SF_CALLS_H

#include <stdint.h>

#define SF_FAMILY_LIST(X) \
	X(socket)         \
	X(bind)           \
	X(listen)         \
	X(accept)         \
	X(connect)        \
	X(send)           \
	X(recv)           \
	X(shutdown)       \
	X(close)          \
	X(poll)           \
	X(sockopt)        \
	X(resolve)

enum sf_family {
#define SF_X(f) SF_FAM_##f,
	SF_FAMILY_LIST(SF_X)
#undef SF_X
	SF_FAM_COUNT
};

/* X(call, family).  getaddrinfo & co. belong to the resolver issue but are
 * named here so scenarios and the fault engine share one list. */
#define SF_CALL_LIST(X)                                                              \
	X(socket, socket) X(socketpair, socket) X(bind, bind) X(listen, listen)      \
	X(accept, accept) X(accept4, accept) X(connect, connect)                     \
	X(send, send) X(sendto, send) X(sendmsg, send) X(sendmmsg, send)             \
	X(write, send) X(writev, send) X(sendfile, send)                             \
	X(recv, recv) X(recvfrom, recv) X(recvmsg, recv) X(recvmmsg, recv)           \
	X(read, recv) X(readv, recv)                                                 \
	X(shutdown, shutdown) X(close, close)                                        \
	X(poll, poll) X(ppoll, poll) X(select, poll) X(pselect, poll)                \
	X(epoll_wait, poll) X(epoll_pwait, poll) X(epoll_pwait2, poll)               \
	X(getsockopt, sockopt) X(setsockopt, sockopt)                                \
	X(getaddrinfo, resolve) X(getnameinfo, resolve)                              \
	X(gethostbyname, resolve) X(gethostbyaddr, resolve)

enum sf_call {
#define SF_X(c, f) SF_CALL_##c,
	SF_CALL_LIST(SF_X)
#undef SF_X
	SF_CALL_COUNT
};

_Static_assert(SF_CALL_COUNT <= 64, "calls are kept in a 64-bit mask");

extern const char *const sf_call_names[SF_CALL_COUNT];
extern const char *const sf_family_names[SF_FAM_COUNT];
extern const enum sf_family sf_call_family[SF_CALL_COUNT];

/* Mask of every call in family f. */
uint64_t sf_family_calls(enum sf_family f);

/* Whether errno e is one the calls of family f can return (errnos.def, from
 * the man pages); the parser rejects "error E" otherwise, and the fault
 * engine relies on it. */
int sf_family_may_return(enum sf_family f, int e);

/* errno <-> name ("ECONNRESET"); -1 / NULL when unknown. */
int sf_errno_from_name(const char *name, unsigned len);
const char *sf_errno_name(int e);

#endif
