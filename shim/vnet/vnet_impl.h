/* Internals shared by vnet.c, vtcp.c and vudp.c: struct sf_vsock and the
 * network's helpers.  Everything here is used with the network lock held
 * unless said otherwise (see vsock.h for why there is one lock). */
#ifndef SF_VNET_IMPL_H
#define SF_VNET_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "vnet/varena.h"
#include "vnet/vbuf.h"
#include "vnet/vlink.h"
#include "vnet/vsock.h"

/* A normalised address: IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one
 * comparison serves both families; port in host order. */
struct vaddr {
	struct in6_addr ip;
	uint16_t port;
};

static inline bool vaddr_eq(const struct vaddr *a, const struct vaddr *b)
{
	return a->port == b->port && memcmp(&a->ip, &b->ip, sizeof(a->ip)) == 0;
}


/* A queued datagram (vudp.c). */
struct vdgram {
	struct vdgram *next;
	struct vaddr from;
	int hoplimit, tclass;     /* IPv6 header fields (IPv4: TTL, TOS) */
	size_t len;
	unsigned char data[];
};

/* A stored option value that the network does not otherwise interpret
 * (TCP_NODELAY, IP_TTL...): accepted and reported back. */
struct vopt {
	int level, name, value;
};
#define VOPT_MAX 24

enum vstate {
	VS_FRESH,      /* created, maybe bound */
	VS_LISTEN,
	VS_CONNECTED,  /* stream: has (or had) a peer; dgram: connected */
	VS_CLOSED,     /* stream: refused or reset; can connect again after refusal */
	VS_SYN,        /* stream: non-blocking connect waiting for room in a full
			* accept queue (SYN_SENT: the SYN was dropped) */
};

struct sf_vsock {
	int domain, type, protocol;
	/* Private network: the process the socket belongs to (a fork child's
	 * copy is an orphan, see sf_vnet_atfork_child); shared: 0. */
	pid_t owner;
	enum vstate state;
	int waiters;              /* threads asleep on wake_gen (recv, send, accept),
				   * to skip needless futex wakes */
	int rx_waiters;           /* of which in recv/accept: they consume, then mirror */
	/* Bumped (under the lock) by every wakeup of this socket's waiters;
	 * atomic because a waiter spinning before its sleep (vnet_wait)
	 * reads it without the lock. */
	atomic_uint wake_gen;
	/* The last wait on this socket outlasted the spin window: the next one
	 * sleeps at once (vnet_wait). */
	bool spin_off;
	/* Threads that will wake this socket's sleepers right after dropping
	 * the lock (vnet_notify); the memory is not freed while any are left. */
	atomic_int wakers;
	/* The fd pair exists (not before accept, not after release). */
	bool paired;
	/* Shared network: the member slots holding a descriptor of the socket
	 * (bit s: slot s), and each slot's number for the shim's end of the
	 * pair (-1: that process has none; vsig fetches one).  Private: slot
	 * 0. */
	uint64_t procs;
	int sig_at[VPROC_MAX];
	/* st_ino of the program end: tells a descriptor of this socket that
	 * an exec'd image inherited (vnet.c, adopt). */
	/* Descriptors of it in flight in SCM_RIGHTS messages: holders too
	 * (a message never received keeps the socket until the network ends). */
	unsigned transit;
	unsigned long prog_ino, sig_ino; /* (sig_ino: checks a fetched copy, vsig_fetch) */
	/* In-process (sockfault_fuzz.h): the pair comes from a pool of reused
	 * pairs and this is the pool's own, hidden copy of the program end
	 * (the program's fd is a dup of it); -1 otherwise.  See vnet.c. */
	int pool_prog;
	bool kernel_epoll;        /* once registered in a kernel epoll set: never pooled */
	bool tok;                 /* a readability token is in the program end */
	bool full;                /* the program end's send buffer is filled */
	bool released;            /* every fd is closed; kept alive by refs */
	/* O_NONBLOCK of the program's open file, kept in step by the fcntl and
	 * ioctl(FIONBIO) interposers so that a call needs no F_GETFL syscall
	 * (all fds of one virtual socket share that file).  Atomic: read
	 * without the lock. */
	atomic_bool nonblock;
	int refs;                 /* owner fd-side + peer + accept queue */

	/* Addresses (bound: local.port != 0). */
	bool bound;
	/* sk_userlocks: bind(2) named the address (SOCK_BINDADDR_LOCK) / a
	 * non-zero port (SOCK_BINDPORT_LOCK); what disconnect keeps. */
	bool addr_lock, port_lock;
	struct vaddr local, remote;
	bool has_remote;

	/* Options. */
	bool reuseaddr, reuseport, keepalive, v6only, linger_on, broadcast, oobinline;
	int linger_secs;
	int sndbuf, rcvbuf;       /* as getsockopt reports them (doubled) */
	struct timeval rcvtimeo, sndtimeo;
	struct vopt opts[VOPT_MAX];
	int nopts;

	int so_error;             /* sk_err: reported once */

	/* Stream. */
	struct sf_vsock *peer;    /* the other end, while both exist */
	struct vbuf rx;           /* bytes the peer sent, not yet read */
	bool connecting;          /* non-blocking connect reported EINPROGRESS */
	bool rd_shut, wr_shut;    /* our shutdown(2) */
	bool peer_fin;            /* the peer's FIN arrived (after the data in rx) */
	bool peer_gone;           /* the peer closed: our next send makes it RST us */
	bool reset;               /* a RST arrived, or was sent */
	bool fin_first;           /* we sent our FIN before the peer's arrived */
	uint64_t tw_until;        /* released in TIME_WAIT: holds its port until then */
	struct vaddr syn_dst;     /* VS_SYN: where the connect goes */
	/* VS_SYN: the RST refusing the connect is on its way over a link;
	 * connected, peer gone: the RST answering our data is (vlink.c). */
	bool rst_coming;
	/* A blocking recv waiting on the empty stream, offering its buffers
	 * for a direct copy (vtcp.c); ho_busy: a send is copying into them with
	 * the lock dropped (nothing else enters rx meanwhile). */
	struct vhandoff *ho;
	pid_t ho_pid;             /* whose memory ho is in: only that process copies into it */
	bool ho_busy;
	int et_regs;              /* epoll registrations with EPOLLET */
	int tok_extra;            /* tokens beyond the first (edges for EPOLLET) */

	/* Listener. */
	int backlog;
	struct sf_vsock *q_head, *q_tail; /* established, not yet accepted */
	int qlen;
	struct sf_vsock *q_next;

	/* Datagrams. */
	struct vdgram *dq_head, *dq_tail;
	size_t dq_bytes;
	unsigned dq_count;

	/* What travels towards this socket over a link (vlink.c); NULL
	 * unless a scenario `link` line applies to it. */
	struct vlink_rx *lk;

	struct sf_vsock *all_next, *all_prev; /* every live virtual socket */
};

/* Under ThreadSanitizer the shim sits behind the runtime's interceptors, and
 * while one of them runs a blocking call (poll, epoll_wait, select: its
 * BlockingCall sets ignore_interceptors) the mutex calls the shim makes are
 * not seen.  The network lock is therefore also announced to TSan directly
 * (annotations are not interceptors), so that what it guards is not
 * reported as racing when the lock is taken inside such a wait. */
#if defined(__SANITIZE_THREAD__)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define TSAN_ACQUIRE(a) __tsan_acquire(a)
#define TSAN_RELEASE(a) __tsan_release(a)
/* A fork child: the shared lock the parent's thread held across fork is
 * not the child's (the parent lets go), but TSan's copy of its state says
 * the child's thread holds it. */
void __tsan_mutex_pre_unlock(void *addr, unsigned flags);
void __tsan_mutex_post_unlock(void *addr, unsigned flags);
#define TSAN_FORGET_LOCK(a) (__tsan_mutex_pre_unlock((a), 0), __tsan_mutex_post_unlock((a), 0))
#else
#define TSAN_FORGET_LOCK(a) ((void)0)
#define TSAN_ACQUIRE(a) ((void)0)
#define TSAN_RELEASE(a) ((void)0)
#endif

/* The network lock: the private mutex or the shared mapping's. */
extern pthread_mutex_t *sf_vnet_lock;
extern pid_t vnet_pid; /* this process (see vnet.c) */

/* Memory for what the network holds: the shared mapping or the heap. */
static inline void *vmem_alloc(size_t n, bool zero)
{
	if (!vnet_sh)
		return zero ? calloc(1, n) : malloc(n);
	return varena_alloc(n, zero);
}
static inline void vmem_free(void *p)
{
	if (!vnet_sh)
		free(p);
	else
		varena_free(p);
}

/* A fork child's copy of a private network's socket (see vnet.c). */
static inline bool vsock_orphan(const struct sf_vsock *v)
{
	return v->owner && v->owner != vnet_pid;
}

/* This process's number for v's shim end (fetched from another member
 * the first time this process needs it); -1 when it has none. */
int vsig_fetch(struct sf_vsock *v);
static inline int vsig(struct sf_vsock *v)
{
	int fd = v->sig_at[vnet_slot];
	if (__builtin_expect(fd >= 0, 1) || !vnet_sh || !v->paired)
		return fd;
	return vsig_fetch(v);
}
extern int sf_vnet_wmem_max, sf_vnet_rmem_max;

void vnet_lock(void);
/* After a member died holding the shared lock (EOWNERDEAD), or a wait saw
 * a member's life mutex move: forgets the members that are gone. */
void vnet_recover(void);
/* The futex words to watch, beside a socket's, in a shared network's
 * untimed sleep: the other members' life mutexes (at most max); under the
 * lock. */
struct futex_waitv;
unsigned vnet_watch_members(struct futex_waitv *w, unsigned max);
/* pidfds of the other members (readable once one exits), at most max;
 * under the lock. */
unsigned vnet_member_pidfds(int *fds, unsigned max);
/* The network's tables (vlink.c keeps its timer's state there). */
struct vnet_tables *vnet_tables(void);
/* A copy into or out of v's ring ended (vtcp.c): its waiters go on. */
void vtcp_copy_done(struct sf_vsock *v);
void vnet_unlock(void);
/* Wakes the threads waiting on v (cond or spin); under the lock. */
void vnet_notify(struct sf_vsock *v);

/* Address conversions.  from_sockaddr: -errno for a bad family/length for
 * socket v (EAFNOSUPPORT/EINVAL as inet_bind/inet6_bind say). */
int vaddr_from_sockaddr(const struct sf_vsock *v, const struct sockaddr *sa, socklen_t len,
			struct vaddr *out, bool for_connect);
socklen_t vaddr_to_sockaddr(const struct sf_vsock *v, const struct vaddr *a, struct sockaddr_storage *ss);
int vaddr_copy_out(const struct sf_vsock *v, const struct vaddr *a, struct sockaddr *sa, socklen_t *len);
bool vaddr_is_v4(const struct vaddr *a);
bool vaddr_is_any(const struct vaddr *a);
bool vaddr_is_local(const struct vaddr *a);

/* An option's value (set, or Linux's default) under the network lock. */
int vsock_opt(const struct sf_vsock *v, int level, int name);

/* Ports: binds v to a (port 0: ephemeral).  -EADDRINUSE / -EADDRNOTAVAIL. */
int vnet_bind_locked(struct sf_vsock *v, const struct vaddr *a, bool explicit_bind);
/* Frees every TIME_WAIT socket now, its time up or not (the in-process
 * library's reset: a fresh network has none). */
void vnet_end_time_wait(void);
/* Whether any virtual socket still has a program fd open (lock held). */
bool vnet_open_fds(void);
/* The first socket of the network's list (iteration: all_next). */
struct sf_vsock *vnet_first(void);
/* Whether listening on v's port would clash with another listener. */
bool vnet_listen_conflict(const struct sf_vsock *v);
/* Disconnect / failed connect (tcp_set_state(TCP_CLOSE), udp_disconnect):
 * an address bind() did not name goes back to the wildcard, a port it did
 * not name is given up. */
void vnet_unbind_soft(struct sf_vsock *v);
/* The socket of this type bound where a datagram/connection for dst goes. */
struct sf_vsock *vnet_find(int type, const struct vaddr *dst, bool listening);

/* vwait.c: poll bits now; set-up by the constructor; a released socket's
 * epoll registrations go. */
short vsock_mask(struct sf_vsock *v);
void vwait_init(void);
void vwait_release(struct sf_vsock *v);
/* The wake vnet_notify deferred to the unlock: vnet_unlock takes it under
 * the lock and makes it after (vwait_deferred_wake); vwait_free, before a
 * socket's memory goes, waits for those still to be made. */
struct sf_vsock *vwait_take_wake(void);
void vwait_deferred_wake(struct sf_vsock *v);
void vwait_free(struct sf_vsock *v);
/* Readiness mirroring (see vsock.h); fd is the program's fd or -1. */
void vnet_sync(struct sf_vsock *v, int fd);
/* Makes a lazily kept readability token exact: drains it through fd if v
 * is not readable (a recv that says EAGAIN, a kernel wait about to block). */
void vnet_settle(struct sf_vsock *v, int fd);
/* Wakes the threads waiting on v and mirrors its readiness. */
void vnet_wake(struct sf_vsock *v);
/* The same for an arrival (data, FIN, RST, connection): an edge for EPOLLET. */
void vnet_arrive(struct sf_vsock *v);
/* Waits on v's condition variable until woken or deadline (ns, CLOCK_MONOTONIC;
 * UINT64_MAX none); -EAGAIN on timeout. */
int vnet_wait(struct sf_vsock *v, uint64_t deadline);
uint64_t vnet_deadline(const struct timeval *tv);
/* vnet_wait for a receive or an accept: while such a thread waits, an
 * arrival does not write the readability token -- the woken thread's call
 * ends with vnet_sync on its own fd, which puts the mirror right (a token
 * if still readable).  Saves two syscalls per blocking receive. */
int vnet_wait_rx(struct sf_vsock *v, uint64_t deadline);
/* Whether the socket's file is non-blocking (or flags say MSG_DONTWAIT). */
bool vnet_nonblocking(struct sf_vsock *v, int flags);

struct sf_vsock *vsock_new(int domain, int type, int protocol);
void vsock_unref(struct sf_vsock *v);
/* Makes the fd pair for v; returns the program's fd or -errno. */
int vsock_make_fds(struct sf_vsock *v, int flags);
/* Installs v at fd in the fd table (new struct sf_socket); *old is a stale
 * entry that was there, for the caller to put once the lock is dropped. */
struct sf_socket;
int vsock_install(struct sf_vsock *v, int fd, struct sf_socket **old);


/* vtcp.c */
long vtcp_send(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags);
long vtcp_recv(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags);
short vtcp_poll_mask(struct sf_vsock *v);
void vtcp_release(struct sf_vsock *v);
/* Completes non-blocking connects waiting for room in l's queue (or
 * refuses them when nobody listens there any more). */
void vtcp_retry_syn(struct sf_vsock *l);
size_t vtcp_capacity(const struct sf_vsock *to);
/* For vlink.c: the RST that closes p's connection; a connection of the
 * listener l's that never got into its queue (dropped: the client is
 * reset); s joins l's accept queue. */
void vtcp_reset_peer(struct sf_vsock *p);
/* The RST answering v's SYN to a closed port: refused, its port given up. */
void vtcp_refused(struct sf_vsock *v, bool autobound);
void vtcp_drop_embryo(struct sf_vsock *s);
void vtcp_enqueue(struct sf_vsock *l, struct sf_vsock *s);
/* Bytes of v->rx the program may read: all of them, unless a link holds
 * some in flight (vlink.h). */
static inline size_t vtcp_rx_ready(const struct sf_vsock *v)
{
	return __builtin_expect(v->lk != NULL, 0) ? vlink_tcp_ready(v) : v->rx.len;
}
int vtcp_connect(struct sf_vsock *v, int fd, const struct vaddr *dst, bool nb);

/* vudp.c */
long vudp_send(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags,
	       const struct sockaddr *to, socklen_t tolen, const struct msghdr *ctl);
long vudp_recv(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags,
	       struct sockaddr *from, socklen_t *fromlen, int *msg_flags, struct msghdr *ctl);
short vudp_poll_mask(struct sf_vsock *v);
void vudp_release(struct sf_vsock *v);
int vudp_connect(struct sf_vsock *v, const struct vaddr *dst);
/* Queues datagram d on o, or false when o's receive queue is full (the
 * caller still owns d). */
bool vudp_deliver(struct sf_vsock *o, struct vdgram *d);

/* vcapture.c: a datagram vudp_send did not deliver (no socket there, or its
 * queue full), for the capture to record when the send returns. */
/* vcapture.c: the source of a datagram vudp_recv took (not a peek). */
void vcap_received(const struct vaddr *from);
void vcap_undelivered(const struct sf_vsock *v, const struct vaddr *from, const struct vaddr *to,
		      const struct iovec *iov, int cnt, size_t len);

#endif
