/* The network's other side, when a driver plays it instead of the program:
 * the points where a peer can act (a socket is made, a connect finds no
 * listener, a listen, a wait that would block) as a table of hooks.
 * Fuzz-peer mode (fuzz/fuzz_peer.c) is the one driver; it sits above the
 * network and plugs in here, the way lwIP's netconn API sits above its
 * core.  The table is installed before any virtual socket exists (the
 * constructor, or sf_fuzz_reset between runs) and read-only afterwards;
 * NULL -- the usual case -- means the program's own sockets are all there
 * is, and every hook site is one untaken branch. */
#ifndef SF_VNET_PEER_H
#define SF_VNET_PEER_H

#include <stdbool.h>
#include <stdint.h>

struct pollfd;
struct sf_vsock;
struct vaddr;

/* A thread of the program waiting on the network, as the driver sees it:
 * exactly one of the three waits.  Lives on the waiting thread's stack
 * between the block and unblock hooks. */
struct sf_vnet_waiter {
	struct sf_vnet_waiter *next;
	struct sf_vsock *v;       /* a condition wait on v (vnet_wait) ... */
	unsigned gen;             /* ... entered when v->wake_gen was gen */
	const struct pollfd *fds; /* or a kernel ppoll over these */
	unsigned long nfds;
	int epfd;                 /* or a kernel epoll wait on this set (else -1) */
};

struct sf_vnet_peer {
	/* A virtual socket is about to be made: the driver's last chance to
	 * read its input (a fork server forks after the constructor).  Lock
	 * not held. */
	void (*load)(void);
	/* The rest run with sf_vnet_lock held, except block/unblock and poll,
	 * which bracket a kernel wait. */
	/* The program is about to wait on v until deadline (UINT64_MAX:
	 * none).  True when the wait is decided here, *r its result: 0 when
	 * the peer acted (look again), -EAGAIN when the driver's clock let the
	 * deadline pass.  At the end of its input it may not return. */
	bool (*wait)(struct sf_vsock *v, uint64_t deadline, int *r);
	/* The same for a wait on several fds: true when the caller must look
	 * at readiness again; *timed_out when its timeout passed. */
	bool (*poll)(bool has_deadline, bool *timed_out);
	void (*block)(struct sf_vnet_waiter *w);
	void (*unblock)(struct sf_vnet_waiter *w);
	void (*block_locked)(struct sf_vnet_waiter *w);
	void (*unblock_locked)(struct sf_vnet_waiter *w);
	/* The program listens on v. */
	void (*listened)(struct sf_vsock *v);
	/* The program connects v to dst, where no virtual listener is: true,
	 * with *r the connect's result, when the peer answers it. */
	bool (*connect)(struct sf_vsock *v, const struct vaddr *dst, bool nb, int *r);
};

/* See the file's opening. */
extern const struct sf_vnet_peer *sf_vnet_peer;

/* How long a wait blocks before it looks again while a driver is plugged
 * in: the last thread to wait lets the driver decide whether the run is
 * over, but a thread that exits, or leaves the network for good without
 * waiting again, decides nothing; the others notice within this.  Wall
 * time, only while threads wait. */
#define SF_VNET_WAIT_SLICE_NS 20000000u

/* In-process fuzzing (sockfault_fuzz.h: one thread, no fork by contract):
 * released sockets' pairs are pooled for the next socket (vnet.c, "the
 * in-process pool of pairs").  Written with sf_vnet_peer. */
extern bool sf_vnet_pool_pairs;

#endif
