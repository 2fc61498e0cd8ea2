/* The fd table (see fdtable.h).  Writers race only on chunk allocation, which
 * is settled by compare-and-swap; slot updates are single atomic exchanges, so
 * no lock exists here and fork needs no handler for it. */
#include "core/fdtable.h"

#include <errno.h>
#include <stdlib.h>

#include "core/socket.h"

_Atomic(sf_fd_slot *) sf_fd_chunks[SF_FD_CHUNKS];

static sf_fd_slot *chunk_for(unsigned fd, int create)
{
	_Atomic(sf_fd_slot *) *top = &sf_fd_chunks[fd >> SF_FD_CHUNK_BITS];
	sf_fd_slot *chunk = atomic_load_explicit(top, memory_order_acquire);
	if (chunk || !create)
		return chunk;
	sf_fd_slot *fresh = calloc(SF_FD_CHUNK_SIZE, sizeof(*fresh));
	if (!fresh)
		return NULL;
	sf_fd_slot *expected = NULL;
	if (atomic_compare_exchange_strong_explicit(top, &expected, fresh, memory_order_acq_rel,
						    memory_order_acquire))
		return fresh;
	free(fresh); /* another thread won the race; use its chunk */
	return expected;
}

int sf_fd_install(int fd, struct sf_socket *s, struct sf_socket **old)
{
	*old = NULL;
	if (fd < 0 || (unsigned)fd >= SF_FD_MAX)
		return -EBADF;
	sf_fd_slot *chunk = chunk_for((unsigned)fd, 1);
	if (!chunk)
		return -ENOMEM;
	*old = atomic_exchange_explicit(&chunk[(unsigned)fd & (SF_FD_CHUNK_SIZE - 1)], s,
					memory_order_acq_rel);
	return 0;
}

struct sf_socket *sf_fd_remove(int fd)
{
	if (fd < 0 || (unsigned)fd >= SF_FD_MAX)
		return NULL;
	sf_fd_slot *chunk = chunk_for((unsigned)fd, 0);
	if (!chunk)
		return NULL;
	sf_fd_slot *slot = &chunk[(unsigned)fd & (SF_FD_CHUNK_SIZE - 1)];
	/* A plain load first: closing a non-socket fd must not dirty the line. */
	if (!atomic_load_explicit(slot, memory_order_relaxed))
		return NULL;
	return atomic_exchange_explicit(slot, NULL, memory_order_acq_rel);
}

void sf_fd_remove_range(unsigned first, unsigned last)
{
	if (first >= SF_FD_MAX)
		return;
	if (last >= SF_FD_MAX)
		last = SF_FD_MAX - 1;
	for (unsigned c = first >> SF_FD_CHUNK_BITS; c <= last >> SF_FD_CHUNK_BITS; c++) {
		sf_fd_slot *chunk = chunk_for(c << SF_FD_CHUNK_BITS, 0);
		if (!chunk)
			continue;
		unsigned lo = c == first >> SF_FD_CHUNK_BITS ? first & (SF_FD_CHUNK_SIZE - 1) : 0;
		unsigned hi = c == last >> SF_FD_CHUNK_BITS ? last & (SF_FD_CHUNK_SIZE - 1)
							     : SF_FD_CHUNK_SIZE - 1;
		for (unsigned i = lo; i <= hi; i++) {
			if (!atomic_load_explicit(&chunk[i], memory_order_relaxed))
				continue;
			struct sf_socket *s = atomic_exchange_explicit(&chunk[i], NULL, memory_order_acq_rel);
			if (s)
				sf_socket_put(s);
		}
	}
}

size_t sf_fd_count(void)
{
	size_t n = 0;
	for (unsigned c = 0; c < SF_FD_CHUNKS; c++) {
		sf_fd_slot *chunk = atomic_load_explicit(&sf_fd_chunks[c], memory_order_acquire);
		for (unsigned i = 0; chunk && i < SF_FD_CHUNK_SIZE; i++)
			n += atomic_load_explicit(&chunk[i], memory_order_relaxed) != NULL;
	}
	return n;
}
