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

#include "vnet/peer.h"

struct pollfd;

struct sf_vsock;
struct vaddr;

/* The constructor's part: with SOCKFAULT_FUZZ or a scenario with peer
 * lines, plugs the peer into the network (sf_vnet_peer, vnet/peer.h). */
void sf_fuzz_peer_init(void);
/* Plugs it in unconditionally: the in-process library (sockfault_fuzz.c). */
void sf_fuzz_peer_plug(void);

/* Reads SOCKFAULT_FUZZ's input once, at the first socket or lookup (not in
 * the constructor: a fork server forks after it, and each child must read
 * its own input).  Called without the network lock. */
void sf_fuzz_peer_load(void);

/* Its hooks into the network (vnet/peer.h says when each runs) are
 * static in fuzz_peer.c: the end-of-input check counts a listed waiter as
 * about to run, not waiting, when its wait has already been answered (the
 * socket woken since the wait began, or the kernel wait has something
 * ready) -- the thread has not run yet to take itself off the list, and the
 * run must not end under it. */

/* Whether v is one of the peer's own sockets. */
bool sf_fuzz_peer_owns(const struct sf_vsock *v);

/* In-process (sockfault_fuzz.h): forgets the script and the peer's
 * sockets.  Lock held. */
void sf_fuzz_peer_forget(void);
/* A fork child's side of the peer: no thread of it waits yet. */
void sf_fuzz_peer_atfork_child(void);
/* Makes a fuzz input sf_config.scenario and the script (lock not held). */
int sf_fuzz_peer_install(const unsigned char *data, size_t len);
extern bool sf_fuzz_inprocess;

#endif
