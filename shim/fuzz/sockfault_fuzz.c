/* libsockfault_fuzz.a's entry points (sockfault_fuzz.h): switching a
 * process to the virtual network in-process, and resetting it between
 * inputs.  The state they change is otherwise written only by the
 * constructor; here the fuzzer's single thread writes it, between runs. */
#include "sockfault_fuzz.h"

#include <errno.h>
#include <unistd.h>

#include "faults/env.h"
#include "faults/fault.h"
#include "core/fdtable.h"
#include "fuzz/fuzz_peer.h"
#include "core/shim.h"
#include "core/socket.h"
#include "vnet/vnet_impl.h"

static void switch_to_virtual(void)
{
	sf_config.net = SF_NET_VIRTUAL;
	sf_vnet_init(false);
	sf_fuzz_inprocess = true;
	sf_fuzz_peer_plug();
	sf_engaged = true;
}

/* Closes the fds of every virtual socket: the code under test may have
 * left some open when the peer went away. */
static void close_virtual_fds(void)
{
	vnet_lock();
	bool any = vnet_open_fds();
	vnet_unlock();
	if (!any)
		return; /* the usual case: the code under test closed its sockets */
	for (unsigned c = 0; c < SF_FD_CHUNKS; c++) {
		sf_fd_slot *chunk = atomic_load_explicit(&sf_fd_chunks[c], memory_order_acquire);
		for (unsigned i = 0; chunk && i < SF_FD_CHUNK_SIZE; i++) {
			struct sf_socket *s = atomic_load_explicit(&chunk[i], memory_order_relaxed);
			if (s && s->v)
				close((int)(c * SF_FD_CHUNK_SIZE + i)); /* the interposed close */
		}
	}
}

void sf_fuzz_reset(void)
{
	if (!sf_fuzz_inprocess)
		switch_to_virtual();
	close_virtual_fds();
	vnet_lock();
	sf_fuzz_peer_forget();
	/* The program's sockets that closed first sit in TIME_WAIT for 60 s:
	 * kept across inputs they would make every bind and connect walk
	 * thousands of them (and the next input's network not fresh). */
	vnet_end_time_wait();
	vnet_unlock();
}

int sf_fuzz_feed(const uint8_t *data, size_t size)
{
	return sf_fuzz_peer_install(data, size);
}
