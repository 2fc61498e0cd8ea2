/* The memory the virtual network lives in (varena.c).  One network is
 * shared by every process of a run: its state -- the lock, the socket
 * list, every struct sf_vsock, byte ring, datagram and link record -- sits
 * in a file-backed MAP_SHARED mapping at the same fixed address in every
 * process, so a pointer means the same thing everywhere, across fork and
 * exec.  The in-process library (sockfault_fuzz.h) and fuzz-peer mode keep
 * a private network in the heap, as before: a fork server's children each
 * get their own copy.
 *
 * Members.  Each process of the network has a slot (struct vproc): its
 * pid, and a robust mutex it holds while it lives, so that its death
 * (SIGKILL included) is seen by anyone who tries the mutex (EOWNERDEAD)
 * and its sockets can be closed as Linux closes a dead process's.  A
 * socket records which slots hold a descriptor of it (procs) and each
 * slot's own number for the shim's end of its fd pair (sig_at). */
#ifndef SF_VARENA_H
#define SF_VARENA_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sf_vsock;
struct vlink_rx;

/* Limits (README "The virtual network"): processes at once, and fds a
 * process has still to close for sockets freed by others. */
#define VPROC_MAX 64
#define VCLOSE_MAX 256

enum vproc_state {
	VP_FREE,
	VP_FORKING, /* reserved by a forking parent; the child claims it */
	VP_LIVE,
};

struct vproc {
	pid_t pid;
	int state;
	unsigned long long start; /* /proc/PID/stat starttime: tells a reused pid */
	pthread_mutex_t life;     /* held by the member while it lives (robust) */
	bool timer;               /* it runs a link timer thread (vlink.c) */
	unsigned nclose;          /* fds of this process to close (closeq) */
	int closeq[VCLOSE_MAX];
};

/* The network's tables (vnet.c), in the mapping or, private, in vnet.c. */
struct vnet_tables {
	struct sf_vsock *all;
	unsigned nall;
	uint16_t next_ephemeral;
	/* vlink.c: what travels over links, the earliest delivery, and the
	 * futex word the timer threads of every process sleep on. */
	struct vlink_rx *lk_pending;
	uint64_t lk_target;
	unsigned lk_seq;
	/* A peer driver (peer.h): its state, shared as the network is (one
	 * peer for every process), and the members whose every thread waits on
	 * the network with nothing to do; a wake of a socket a member holds
	 * clears its bit (vnet_notify), as does a new image or fork child in
	 * its slot. */
	void *driver;
	uint64_t idle;
};

struct vnet_shared {
	char magic[32];
	pthread_mutex_t lock;     /* the network lock: robust, process-shared */
	struct vnet_tables tab;
	struct vproc procs[VPROC_MAX];
	/* The allocator (under alloc_lock, a leaf). */
	pthread_mutex_t alloc_lock;
	size_t brk;
	void *freel[48];
};

/* NULL: the network is private to this process. */
extern struct vnet_shared *vnet_sh;
/* This process's slot (0 when private). */
extern int vnet_slot;

/* Maps the network named by `path` (creating it if absent or if no member
 * is alive) and takes a slot in it; 0 or -errno. */
int varena_join(const char *path);
/* The directory networks live in: /dev/shm/sockfault-UID (without a
 * /dev/shm: $TMPDIR or /tmp), made 0700 and checked to be ours; 0 or
 * -errno (out names the one that failed). */
int varena_dir(char *out, size_t len);
/* The file of the network this process joined. */
const char *varena_path(void);
/* The open network file (the shim's, hidden from the program); -1. */
int varena_fd(void);
/* It moved (sf_vnet_evict: the program dup2'd over its number). */
void varena_set_fd(int fd);
/* Memory in the mapping (zeroed if asked), or NULL (the mapping or
 * /dev/shm is full). */
void *varena_alloc(size_t n, bool zero);
void varena_free(void *p);
/* The process's robust mutex calls: lock and, on EOWNERDEAD, make it
 * consistent; whether the previous owner died. */
bool varena_lock(pthread_mutex_t *m);
/* Whether the member in slot s is gone (dead, or its pid reused); under
 * the network lock.  An exec'd member whose new image has not come back
 * yet is not gone. */
bool varena_gone(int s);
/* Slot bookkeeping under the network lock: a free slot for a fork child
 * (-1: none), claimed by the child; this process leaving. */
int varena_reserve(void);
void varena_claim(int s);
/* After the claim, with the network lock dropped: takes the life mutex. */
void varena_hold_life(void);
void varena_leave(void);
/* /proc/PID/stat field 22 (0 if unreadable). */
unsigned long long varena_starttime(pid_t pid);

#endif
