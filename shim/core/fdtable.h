/* The fd table: which fds are sockets the shim manages, fd -> struct sf_socket.
 *
 * Two levels of atomic pointers so that lookups on the hot path are two plain
 * loads and take no lock; chunks are allocated on first use and never freed
 * (an fd number, once seen, is likely to be seen again). */
#ifndef SF_FDTABLE_H
#define SF_FDTABLE_H

#include <stdatomic.h>
#include <stddef.h>

struct sf_socket;

#define SF_FD_CHUNK_BITS 10
#define SF_FD_CHUNK_SIZE (1u << SF_FD_CHUNK_BITS)
#define SF_FD_CHUNKS 4096u
/* fds at or above this are never managed: calls on them pass through. */
#define SF_FD_MAX (SF_FD_CHUNKS * SF_FD_CHUNK_SIZE)

typedef _Atomic(struct sf_socket *) sf_fd_slot;
extern _Atomic(sf_fd_slot *) sf_fd_chunks[SF_FD_CHUNKS];

/* The socket installed at fd, or NULL; no reference is taken.  The pointer
 * stays valid memory forever (sockets are type-stable, see socket.c), but the
 * caller must take a reference with sf_socket_get() before relying on it. */
static inline struct sf_socket *sf_fd_peek(int fd)
{
	if ((unsigned)fd >= SF_FD_MAX)
		return NULL;
	sf_fd_slot *chunk = atomic_load_explicit(&sf_fd_chunks[(unsigned)fd >> SF_FD_CHUNK_BITS],
						 memory_order_acquire);
	if (!chunk)
		return NULL;
	return atomic_load_explicit(&chunk[(unsigned)fd & (SF_FD_CHUNK_SIZE - 1)], memory_order_acquire);
}

/* Installs s at fd (the table now owns one reference the caller gave it) and
 * returns the socket that was there, whose reference passes to the caller.
 * Returns -ENOMEM (and leaves the table) if a chunk could not be allocated;
 * -EBADF for an fd out of range. */
int sf_fd_install(int fd, struct sf_socket *s, struct sf_socket **old);

/* Removes fd from the table; returns the socket that was there (its
 * reference passes to the caller) or NULL. */
struct sf_socket *sf_fd_remove(int fd);

/* Removes every fd in [first, last] (close_range), dropping references. */
void sf_fd_remove_range(unsigned first, unsigned last);

/* Number of fds currently installed (O(table)); for tests and validation. */
size_t sf_fd_count(void);

#endif
