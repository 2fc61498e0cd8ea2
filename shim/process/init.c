/* Process-level setup: the library constructor (environment, scenario,
 * inherited sockets), fork handling and the sf_ debugging surface.
 *
 * Lock order (outermost first): sf_vnet_lock (vnet.c) -> socket->lock ->
 * pool_lock (socket.c); log_lock (report.c) and capture_lock (capture.c)
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
 * (capture_kernel.c) asks the network what only it knows (vcapture.c:
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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/capsock.h"
#include "kernel/conn.h"
#include "faults/env.h"
#include "faults/fault.h"
#include "faults/report.h"
#include "fuzz/fuzz_peer.h"
#include "core/shim.h"
#include "vnet/vsock.h"

#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h> /* glibc >= 2.32 */
#define SF_HAVE_SINGLE_THREADED 1
#endif

bool sf_engaged; /* written only by the constructor, before main */
__thread int sf_depth __attribute__((tls_model("initial-exec")));

/* Sockets inherited across exec (inetd style, or a parent's listener) are
 * learnt once here; the fresh table has forgotten everything else.  Also a
 * fork child's reconciliation, so no malloc: getdents64 into a stack buffer
 * rather than opendir (see atfork_prepare). */
static void adopt_inherited(void)
{
	int d = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return;
	char buf[4096] __attribute__((aligned(8)));
	long n;
	while ((n = syscall(SYS_getdents64, d, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			const struct dirent64 *e = (const struct dirent64 *)(buf + off);
			off += e->d_reclen;
			char *end;
			long fd = strtol(e->d_name, &end, 10);
			if (*end || end == e->d_name || fd == d || sf_fd_peek((int)fd))
				continue;
			sf_socket_adopt((int)fd);
		}
	}
	sf_libc()->close(d);
}

/* Whether the process had only the forking thread when fork was called:
 * set in prepare, read in the child, both by the forking thread. */
static bool fork_single_threaded;

/* glibc's __libc_single_threaded (sys/single_threaded.h) is true until the
 * process first creates a thread (pthread_create clears it before the new
 * thread runs) and, in glibc 2.36, never set back: when it says true, no
 * other thread exists.  Without it we cannot tell, and assume threads. */
static bool single_threaded(void)
{
#ifdef SF_HAVE_SINGLE_THREADED
	return __libc_single_threaded;
#else
	return false;
#endif
}

/* How many free socket objects a multi-threaded fork leaves the child: the
 * sockets other threads made while fork copied the fd table, which the
 * child adopts.  The child of a multi-threaded process must not call
 * malloc: glibc's is fork-safe, but a sanitizer's allocator (GCC 12's ASan)
 * may have been locked by a thread the child does not have, and the child
 * would wait for it forever (seen in test_fork_while_threads_churn_sockets
 * under ASan).  Adoption takes these objects; only beyond them would the
 * child allocate. */
enum { FORK_RESERVE = 64 };

static void atfork_prepare(void)
{
	fork_single_threaded = single_threaded();
	if (!fork_single_threaded)
		sf_socket_reserve(FORK_RESERVE);
	sf_report_atfork_prepare();
	sf_vnet_atfork_prepare();
	sf_socket_atfork_prepare();
	sf_capture_atfork_prepare();
}

static void atfork_parent(void)
{
	sf_capture_atfork_parent();
	sf_socket_atfork_parent();
	sf_vnet_atfork_parent();
	sf_report_atfork_parent();
}

/* fork(2) copies the descriptor table and the memory at different
 * moments while the parent's other threads run on, so the child's copy of
 * our table may name fds it does not have, or miss sockets it does: it is
 * reconciled with the kernel's table.  With no other thread nothing can
 * change either table during the fork (the forking thread is inside fork,
 * past our prepare handler), so the child's copies agree exactly as the
 * parent's did, and the reconciliation -- a /proc/self/fd walk and an
 * fstat per fd, most of what the shim adds to a fork -- is skipped: that is
 * AFL++'s forkserver, forking the unmodified program once per input. */
static void reconcile_table(void)
{
	for (unsigned c = 0; c < SF_FD_CHUNKS; c++) {
		sf_fd_slot *chunk = atomic_load_explicit(&sf_fd_chunks[c], memory_order_acquire);
		for (unsigned i = 0; chunk && i < SF_FD_CHUNK_SIZE; i++) {
			if (!atomic_load_explicit(&chunk[i], memory_order_relaxed))
				continue;
			int fd = (int)(c * SF_FD_CHUNK_SIZE + i);
			struct stat st;
			if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
				struct sf_socket *s = sf_fd_remove(fd);
				if (s)
					sf_socket_put(s);
			}
		}
	}
	adopt_inherited();
}

static void atfork_child(void)
{
	int saved = errno;
	sf_capture_atfork_child();
	sf_socket_atfork_child(!fork_single_threaded);
	sf_vnet_atfork_child();
	sf_report_atfork_child();
	if (!fork_single_threaded) {
		sf_depth++;
		reconcile_table();
		sf_depth--;
	}
	errno = saved;
}

void sf_after_fork_child(void)
{
	sf_env_after_fork();
}

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
	if (sf_config.net == SF_NET_VIRTUAL)
		sf_vnet_init();
	sf_fuzz_peer_init();
	sf_engaged = sf_env_engaged();
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	adopt_inherited();
	sf_depth--;
	errno = saved;
}

__attribute__((destructor)) static void sf_fini(void)
{
	sf_depth++;
	sf_capture_stop();
	sf_report_summary();
	sf_depth--;
}

/* --- debugging surface, for tests: looked up with dlsym(RTLD_DEFAULT). --- */

SF_EXPORT int sf_fd_is_managed(int fd)
{
	return sf_fd_peek(fd) != NULL;
}

SF_EXPORT size_t sf_fd_managed_count(void)
{
	return sf_fd_count();
}

/* Runs sf_socket_validate on every managed socket; 0 or -EINVAL. */
SF_EXPORT int sf_validate_all(void)
{
	for (int fd = 0; fd < (int)SF_FD_MAX; fd += 1) {
		if ((fd & (SF_FD_CHUNK_SIZE - 1)) == 0 &&
		    !atomic_load(&sf_fd_chunks[(unsigned)fd >> SF_FD_CHUNK_BITS])) {
			fd += SF_FD_CHUNK_SIZE - 1;
			continue;
		}
		struct sf_socket *s = sf_socket_get(fd);
		if (!s)
			continue;
		const char *why;
		int r = sf_socket_validate(s, &why);
		sf_socket_put(s);
		if (r)
			return r;
	}
	if (sf_vnet_on) {
		const char *why;
		return sf_vnet_validate(&why);
	}
	return 0;
}

/* The number of live virtual sockets (open, or closed but still referenced
 * by a peer or a listener's queue). */
SF_EXPORT unsigned sf_vnet_socket_count(void)
{
	return sf_vnet_on ? sf_vnet_count() : 0;
}

/* sf_vnet_validate with the reason, for tests: NULL when every virtual
 * socket is consistent. */
SF_EXPORT const char *sf_vnet_check(void)
{
	const char *why = NULL;
	if (sf_vnet_on && sf_vnet_validate(&why) != 0 && !why)
		why = "invalid";
	return why;
}
