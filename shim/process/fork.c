/* fork and exec: the pthread_atfork handlers that keep every layer's locks
 * and tables right across fork (the order is init.c's lock order), the
 * child's reconciliation of the fd table with the kernel's, and sockets
 * inherited across exec. */
#include "process/process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capture/capture.h"
#include "core/fdtable.h"
#include "core/shim.h"
#include "core/socket.h"
#include "faults/env.h"
#include "faults/log.h"
#include "faults/report.h"
#include "fuzz/fuzz_peer.h"
#include "vnet/vsock.h"

#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h> /* glibc >= 2.32 */
#define SF_HAVE_SINGLE_THREADED 1
#endif

/* Sockets inherited across exec (inetd style, or a parent's listener) are
 * learnt once here; the fresh table has forgotten everything else.  Also a
 * fork child's reconciliation, so no malloc: getdents64 into a stack buffer
 * rather than opendir (see atfork_prepare). */
void sf_process_adopt_inherited(void)
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
	sf_log_atfork_prepare();
	sf_vnet_atfork_prepare();
	sf_socket_atfork_prepare();
	sf_capture_atfork_prepare();
}

static void atfork_parent(void)
{
	sf_capture_atfork_parent();
	sf_socket_atfork_parent();
	sf_vnet_atfork_parent();
	sf_log_atfork_parent();
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
	sf_process_adopt_inherited();
}

static void atfork_child(void)
{
	int saved = errno;
	sf_capture_atfork_child();
	sf_socket_atfork_child(!fork_single_threaded);
	sf_vnet_atfork_child();
	sf_fuzz_peer_atfork_child();
	sf_log_atfork_child();
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

void sf_process_atfork_install(void)
{
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}
