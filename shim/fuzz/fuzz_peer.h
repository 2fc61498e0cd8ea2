/* Fuzz-peer mode: the shim plays the other side of the program's
 * connections on the virtual network from a peer script -- the `peer`
 * lines of sf_config.scenario, which SOCKFAULT_FUZZ fills from a fuzz input
 * (fuzz_input.c) or a converted scenario holds -- and ends the run when the
 * script is used up and every thread of the program waits on the network.
 * The script's state is part of the network: guarded by sf_vnet_lock. */
#ifndef SF_FUZZ_PEER_H
#define SF_FUZZ_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pollfd;

struct sf_vsock;
struct vaddr;

/* Set before any virtual socket exists (constructor, or sf_fuzz_reset for
 * the in-process library), read-only while the program runs. */
extern bool sf_fuzz_on;

/* The constructor's part: SOCKFAULT_FUZZ or a scenario with peer lines. */
void sf_fuzz_peer_init(void);

/* Reads SOCKFAULT_FUZZ's input once, at the first socket or lookup (not in
 * the constructor: a fork server forks after it, and each child must read
 * its own input).  Called without the network lock. */
void sf_fuzz_peer_load(void);

/* Hooks of the virtual network, called with sf_vnet_lock held. */

/* The program is about to wait on v until deadline (UINT64_MAX: none).
 * Returns true when the wait is decided here, with *r its result: 0 when
 * the peer did something (the caller looks again), -EAGAIN when the
 * virtual clock let the deadline pass.  At the end of the input this does
 * not return (exit 0), or in-process closes the peer's side of everything. */
bool sf_fuzz_peer_wait(struct sf_vsock *v, uint64_t deadline, int *r);

/* The same for a poll on virtual sockets (sf_vnet_poll): true when the
 * caller must look at readiness again; *timed_out when its timeout passed
 * on the virtual clock.  Brackets the kernel wait with sf_fuzz_peer_block
 * and sf_fuzz_peer_unblock. */
bool sf_fuzz_peer_poll(bool has_deadline, bool *timed_out);

/* A thread of the program waiting on the network, as the end-of-input check
 * sees it: exactly one of the three waits.  The check counts a listed thread
 * as about to run, not waiting, when its wait has already been answered (the
 * socket woken since the wait began, or the kernel wait has something ready)
 * -- the thread has not run yet to take itself off the list, and the run
 * must not end under it.  Lives on the waiting thread's stack. */
struct sf_fuzz_wait {
	struct sf_fuzz_wait *next;
	struct sf_vsock *v;       /* a condition wait on v (vnet_wait) ... */
	unsigned gen;             /* ... entered when v->wake_gen was gen */
	const struct pollfd *fds; /* or a kernel ppoll over these */
	unsigned long nfds;
	int epfd;                 /* or a kernel epoll wait on this set (else -1) */
};
void sf_fuzz_peer_block(struct sf_fuzz_wait *w);
void sf_fuzz_peer_unblock(struct sf_fuzz_wait *w);
/* The same with the lock held: around vnet_wait's condition wait. */
void sf_fuzz_peer_block_locked(struct sf_fuzz_wait *w);
void sf_fuzz_peer_unblock_locked(struct sf_fuzz_wait *w);

/* How long a wait in fuzz-peer mode blocks before it looks again: the last
 * thread to wait decides whether the run is over, but a thread that exits,
 * or leaves the network for good without waiting again, decides nothing;
 * the others notice within this.  Wall time, only while threads wait. */
#define SF_FUZZ_WAIT_SLICE_NS 20000000u

/* The program listens on v (counts listening sockets for `listen=`). */
void sf_fuzz_peer_listened(struct sf_vsock *v);

/* The program connects v to dst and no virtual listener is there: the
 * peer answers when its script's next step opens an outbound connection.
 * Returns true with *r the connect's result if it did. */
bool sf_fuzz_peer_connect(struct sf_vsock *v, const struct vaddr *dst, bool nb, int *r);

/* Whether v is one of the peer's own sockets. */
bool sf_fuzz_peer_owns(const struct sf_vsock *v);

/* In-process (sockfault_fuzz.h): forgets the script and the peer's
 * sockets.  Lock held. */
void sf_fuzz_peer_forget(void);
/* Makes a fuzz input sf_config.scenario and the script (lock not held). */
int sf_fuzz_peer_install(const unsigned char *data, size_t len);
extern bool sf_fuzz_inprocess;

#endif
