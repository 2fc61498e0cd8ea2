/* What every layer of the shim shares: the export macro, the re-entrancy
 * depth, the negative-errno convention and the "is anything engaged" switch. */
#ifndef SF_SHIM_H
#define SF_SHIM_H

#include <errno.h>
#include <stdbool.h>

#include "core/fdtable.h"
#include "core/socket.h"
#include "core/syscalls.h"

/* The shim is built with -fvisibility=hidden; only interposed entry points
 * and the sf_ debugging surface are exported. */
#define SF_EXPORT __attribute__((visibility("default")))

/* The engaged half of an interposer: kept out of the exported function so
 * that its pass-through half needs no stack frame. */
#define SF_COLD __attribute__((noinline, cold))

#define sf_likely(x) __builtin_expect(!!(x), 1)
#define sf_unlikely(x) __builtin_expect(!!(x), 0)

/* Set once by the constructor, before main, and never after: true when a
 * scenario, a capture or the virtual network must see data calls.  When false
 * every data call is a straight jump to libc. */
extern bool sf_engaged;

/* Calls made by the shim itself on this thread (libfiu's depth counter):
 * while positive, interposed calls go straight to libc.  initial-exec TLS so
 * that reading it never allocates. */
extern __thread int sf_depth __attribute__((tls_model("initial-exec")));

/* Internal code returns a negative errno; this is the one place that turns it
 * into -1 + errno (musl's __syscall_ret). */
static inline long sf_ret(long r)
{
	if (sf_unlikely(r < 0)) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* A libc call's result as a negative errno, for internal code. */
static inline long sf_neg(long r)
{
	return r < 0 ? -errno : r;
}

/* True when a call on fd goes straight to libc: nothing is engaged, the
 * shim itself is calling, or fd is not a socket it manages.  Loads only, so
 * an interposer that tests it first needs no stack frame on that path. */
static inline bool sf_passes(int fd)
{
	return sf_likely(!sf_engaged) || sf_depth || !sf_fd_peek(fd);
}

/* The managed socket at fd with a reference, when the shim has work to do
 * for it on this call; NULL means "pass straight through". */
static inline struct sf_socket *sf_engaged_socket(int fd)
{
	return sf_passes(fd) ? NULL : sf_socket_get(fd);
}

/* Registers a socket just created by the kernel at fd (socket, accept...). */
void sf_track(int fd, int domain, int type, int protocol);
/* Makes newfd refer to the same socket as oldfd (dup family), or forgets
 * newfd when oldfd is not managed. */
void sf_track_dup(int oldfd, int newfd);
/* Forgets fd (close). */
void sf_untrack(int fd);

#endif
