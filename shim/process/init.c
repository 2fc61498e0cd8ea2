/* The library's constructor and destructor: each layer set up, in order,
 * before main (environment and scenario, rules, capture, the virtual
 * network, fuzz-peer mode, fork handlers, inherited sockets).  fork.c has
 * fork and exec, debug.c the sf_ debugging surface.
 *
 * Lock order (outermost first): sf_vnet_lock (vnet.c) -> socket->lock ->
 * pool_lock (socket.c); log_lock (log.c) and capture_lock (capture.c)
 * are leaves taken with nothing else held (capture code copies a socket's
 * addresses under its lock and lets go before taking capture_lock; socket.c
 * calls the capture's release hook before taking pool_lock).  The virtual
 * network takes sf_vnet_lock alone for its own state and drops it before
 * anything reaches the fault engine, the log or the capture; it may hold it
 * while installing an fd (pool_lock, through sf_socket_new) and while a
 * socket's last reference goes (sf_socket_put -> pool_lock), never the other
 * way round: sf_socket_put calls the network's release hook before taking
 * pool_lock.  (sf_socket_learn_addresses asks a virtual socket's names, so
 * takes sf_vnet_lock, under the socket's lock: safe because the network
 * never takes a socket's lock.)  The capture glue for virtual sockets
 * (capture/capsock.c) asks the network what only it knows (vcapture.c:
 * sf_vnet_lock, alone) between capture calls, never under capture_lock;
 * under sf_vnet_lock, vudp.c only notes undelivered datagrams in a
 * thread-local list the glue records from after the call.  The fault
 * engine takes no lock on its hot path (atomic
 * counters).  pthread_atfork handlers take log_lock, sf_vnet_lock,
 * pool_lock, then capture_lock and release them in parent and child; socket
 * locks and the network's condition variables are re-initialised in the
 * child.  The fuzz peer (fuzz_peer.c) runs entirely under sf_vnet_lock; it
 * drops it only where a condition wait would (a moment's sleep before
 * deciding the input is used up, and before exit at its end). */
#include "process/process.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture/capsock.h"
#include "capture/capture.h"
#include "core/shim.h"
#include "core/socket.h"
#include "faults/env.h"
#include "faults/fault.h"
#include "faults/report.h"
#include "faults/trace.h"
#include "fuzz/fuzz_peer.h"
#include "vnet/vsock.h"

__attribute__((constructor)) static void sf_init(void)
{
	int saved = errno;
	sf_depth++;
	(void)sf_libc(); /* resolve the table before any thread can race us */
	if (sf_env_load() != 0)
		_exit(2); /* the message is out; the program must not start */
	if (sf_config.has_scenario &&
	    sf_fault_init(&sf_config.scenario, sf_config.seed, sf_config.start_ns) != 0) {
		sf_env_message("sockfault: out of memory indexing %s", sf_config.scenario.path);
		_exit(2);
	}
	if (sf_config.pcap_path) {
		if (sf_capture_init(sf_config.pcap_path, sf_config.pcap_mtu, sf_config.run_pid) != 0)
			_exit(2);
		sf_socket_release_hook = sf_capsock_release;
		sf_vnet_capture_enable();
	}
	/* Fuzz-peer mode shares its network only from the first socket or
	 * lookup on (fuzz_peer.c's load): a fork server forks after this
	 * constructor, and each of its children runs an input on a network of
	 * its own, shared with the processes that child starts.  A process
	 * that inherited a network (SOCKFAULT_VNET) or names one joins it now. */
	bool shared = !sf_config.fuzz_path || sf_config.net_name || getenv("SOCKFAULT_VNET");
	if (sf_config.net == SF_NET_VIRTUAL && sf_vnet_init(shared) != 0)
		_exit(2);
	sf_fuzz_peer_init();
	sf_trace_on = sf_config.log_all;
	sf_engaged = sf_env_engaged();
	sf_process_atfork_install();
	sf_process_adopt_inherited();
	sf_depth--;
	errno = saved;
}

__attribute__((destructor)) static void sf_fini(void)
{
	sf_depth++;
	sf_capture_stop();
	if (sf_trace_on)
		sf_report_exit_counts();
	sf_report_summary();
	sf_vnet_exit();
	sf_depth--;
}
