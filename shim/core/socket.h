/* struct sf_socket: what the shim knows about one socket, shared by every fd
 * that refers to it (dup, dup2, fcntl F_DUPFD, fork). */
#ifndef SF_SOCKET_H
#define SF_SOCKET_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>

/* Fault state set by injected faults; read by later calls on the socket
 * (a reset connection stays reset, as after a real RST). */
enum sf_socket_state {
	SF_SOCK_RESET = 1u << 0,      /* RST seen: recv ECONNRESET once, then 0; send EPIPE */
	SF_SOCK_RESET_SEEN = 1u << 1, /* the one ECONNRESET has been reported */
	SF_SOCK_PEER_FIN = 1u << 2,   /* peer closed: recv returns 0 */
	SF_SOCK_STALL_RX = 1u << 3,   /* one wait for readability times out */
	SF_SOCK_STALL_TX = 1u << 4,   /* one wait for writability times out */
	SF_SOCK_HOLE_RX = 1u << 5,    /* blackhole: data never arrives */
	SF_SOCK_HOLE_TX = 1u << 6,    /* blackhole: connect never completes */
	SF_SOCK_WR_SHUT = 1u << 7,    /* truncated: our side's stream ended */
	SF_SOCK_REFUSED = 1u << 8,    /* a non-blocking connect was refused */
};

struct sf_capture_flow;
struct sf_rule_cache;
struct sf_dgram;
struct sf_vsock;

struct sf_socket {
	atomic_int refs;
	int domain;
	int type; /* without SOCK_NONBLOCK / SOCK_CLOEXEC */
	int protocol;
	atomic_uint state;         /* enum sf_socket_state bits */
	atomic_int pending_error;  /* reported (once) by getsockopt(SO_ERROR) */
	atomic_ullong bytes_out;   /* payload bytes sent / received so far */
	atomic_ullong bytes_in;
	unsigned conn_index;       /* 1-based order among connections, 0 if none */
	int dir;                   /* SF_DIR_OUT (connected) / SF_DIR_IN (accepted) / 0 */
	atomic_ullong limit_out;   /* truncate: the stream ends after this many bytes */
	atomic_ullong limit_in;
	atomic_uint addr_gen;      /* bumped when the addresses change (fault.c cache) */
	struct sf_rule_cache *_Atomic rule_cache; /* fault.c: rules this socket can match */
	struct sf_rule_cache *retired;            /* older caches, freed with the socket */
	uint64_t bw_next_ns;       /* bandwidth: when the link is free again (under lock) */
	struct sf_dgram *held_tx;  /* UDP reorder: a datagram held back (under lock) */
	struct sf_dgram *held_rx;  /* UDP duplicate: a datagram to receive again (under lock) */

	pthread_mutex_t lock;      /* guards the addresses below, bw_next_ns, held_*, retired, et_* */
	struct sockaddr_storage local, peer;
	socklen_t local_len, peer_len; /* 0 = unknown / not connected */

	/* The program's last edge-triggered (EPOLLET, not EPOLLONESHOT) epoll
	 * registration of this kernel socket: the set, the fd it registered
	 * and its event.  An injected short transfer or EAGAIN is followed by
	 * no edge (the kernel signals one only when its buffer was full or
	 * empty), so kernel/io.c re-arms this registration to give the edge a
	 * real one would have been followed by.  et_epfd < 0: none. */
	int et_epfd, et_fd;
	struct epoll_event et_ev;

	/* The capture's flow state (capture/capsock.c), made at the socket's
	 * first capture and freed by the release hook; NULL without capture.
	 * The socket object does not look inside: capture sits above it. */
	struct sf_capture_flow *_Atomic cap;

	/* Who made the object, and its number among the objects made: the
	 * socket's identity in the event log (a fork child shares both). */
	int origin_pid;
	unsigned long serial;

	struct sf_socket *next_free; /* pool link, see socket.c */

	/* The virtual network's socket (vsock.h), or NULL for a kernel socket.
	 * Set before the socket is installed, never changed afterwards. */
	struct sf_vsock *v;
};

/* Called with the socket whose last reference just went, before it returns
 * to the pool (the capture's FIN at close).  Set once by the constructor,
 * before main, or never. */
extern void (*sf_socket_release_hook)(struct sf_socket *s);
/* Frees the fault engine's per-socket rule caches when the last reference
 * goes (the engine sits above the socket object).  Set by sf_fault_init,
 * which fuzz-peer mode calls at the first socket, while other threads may
 * be releasing theirs: hence atomic, always with the same value. */
extern _Atomic(void (*)(struct sf_socket *s)) sf_socket_rules_release_fn;
/* Called when the last reference to a socket with a virtual side goes
 * (set by vnet.c; the core library does not link the network). */
extern void (*sf_vsock_release_fn)(struct sf_vsock *v);
/* getsockname (peer false) / getpeername of a virtual socket, for
 * sf_socket_learn_addresses (set with sf_vsock_release_fn). */
extern int (*sf_vsock_name_fn)(struct sf_vsock *v, bool peer, struct sockaddr *a, socklen_t *l);
/* sf_socket_adopt asks the virtual network first: true when fd is the
 * program end of one of its sockets (passed with SCM_RIGHTS, inherited),
 * which it installed itself. */
extern bool (*sf_vsock_adopt_fn)(int fd);

/* A fresh socket with one reference; NULL if out of memory. */
struct sf_socket *sf_socket_new(int domain, int type, int protocol);

/* Notes a successful epoll_ctl(epfd, op, fd, ev) of the program on the
 * kernel socket s (the et_* fields above). */
void sf_socket_note_epoll(struct sf_socket *s, int epfd, int op, int fd, const struct epoll_event *ev);

/* Reference counting.  sf_socket_get() returns the socket at fd with a new
 * reference, or NULL when fd is not managed. */
struct sf_socket *sf_socket_get(int fd);
void sf_socket_ref(struct sf_socket *s);
void sf_socket_put(struct sf_socket *s);

/* Learns a socket the program did not create through us (inherited across
 * exec, or received via SCM_RIGHTS); installs it if fd is a socket. */
void sf_socket_adopt(int fd);

/* Refreshes the cached local/peer addresses from the kernel. */
void sf_socket_learn_addresses(struct sf_socket *s, int fd);

/* Invariant checker (s2n_stuffer_validate style): 0, or -EINVAL with the
 * first broken invariant's description in *why. */
int sf_socket_validate(const struct sf_socket *s, const char **why);

/* pthread_atfork handlers for the pool lock (lock order: see init.c). */
/* Keeps at least n released objects in the pool, so that a fork child
 * can adopt sockets without malloc (see init.c's atfork_prepare). */
void sf_socket_reserve(unsigned n);
void sf_socket_atfork_prepare(void);
void sf_socket_atfork_parent(void);
/* reinit_locks: the parent had other threads at fork, which may have held
 * socket locks (see init.c). */
void sf_socket_atfork_child(bool reinit_locks);

#endif
