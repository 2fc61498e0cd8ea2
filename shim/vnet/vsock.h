/* The virtual network (SOCKFAULT_NET=virtual): AF_INET/AF_INET6 stream and
 * datagram sockets implemented in the program's own memory.  vnet.c owns the
 * network (the lock, address and port tables, the hidden fds, options, the
 * data-call dispatch), vwait.c readiness (the mirror below, waits, epoll,
 * poll), vtcp.c the stream sockets, vudp.c the datagram sockets, vlink.c
 * the scenario's `link` lines (latency, bandwidth, datagram loss: what is in
 * flight between sockets, and the timer thread that delivers it), vcapture.c
 * what the capture glue asks of the network.
 *
 * The fd of a virtual socket.  socket() makes a socketpair(AF_UNIX,
 * SOCK_STREAM): the program gets one end (a real, unique fd number: fstat
 * says socket, dup/fcntl/close/CLOEXEC/O_NONBLOCK just work, and O_NONBLOCK
 * set by fcntl or FIONBIO is read back from the kernel with F_GETFL); the
 * other end, `sig`, is kept by the shim, moved high with F_DUPFD_CLOEXEC
 * (>= 3/4 of RLIMIT_NOFILE) so it does not take the number the program's next
 * socket would get.  No data ever crosses the pair.  It mirrors readiness so
 * that a wait the shim does not see -- a kernel epoll set, a raw syscall --
 * still wakes up:
 *
 *   readable   => one token byte sits in the program end's receive queue
 *                 (written through `sig` when the socket becomes readable);
 *   writable  <=> the program end's (tiny, 4.5 KB) send buffer is not full
 *                 (it is filled through the program's fd when the virtual
 *                 socket stops being writable and drained through `sig`
 *                 when it becomes writable again).
 *
 * The token is drained lazily: a recv that empties the socket leaves it
 * there, so a socket that becomes readable again while it is still there
 * costs no syscall (a ping-pong makes none for the mirror).  A stale token
 * only means that a wait the shim does not see may report the fd readable
 * once while a read would find nothing, which Linux itself allows (select(2)
 * BUGS: "may report a socket file descriptor as ready for reading, while
 * nevertheless a subsequent read blocks"; epoll(7) advises non-blocking fds
 * for the same reason).  The token is made exact (drained through the
 * program's fd if the socket is not readable, vnet_settle):
 *   - when a recv/read/accept on the socket says EAGAIN, so a non-blocking
 *     program waiting raw spins at most once;
 *   - before a wait the shim makes in the kernel would block (poll, ppoll,
 *     select, pselect over a set with the fd; the epoll_wait family over a
 *     set it is registered in for input), so our own waits never spin.
 * Edge-triggered registrations get one more token byte per arrival while
 * the token is there, stale or not (tok_extra; Linux signals every
 * arrival).
 *
 * Transitions to "ready" can happen on another thread's call on another
 * socket (the peer's send), which has `sig`; transitions to "not ready" only
 * happen in a call on this socket, or a wait over it, which has the
 * program's fd.  The exact poll bits (POLLHUP, POLLERR, POLLRDHUP) come from
 * sf_vsock_poll_mask when the shim sees the wait; the kernel only provides
 * the wakeup.  An error or hangup makes a socket readable (and writable), so
 * a wait for input or output wakes on it.  A poll/select that asks for
 * neither (only POLLRDHUP, POLLPRI, or nothing: POLLERR/POLLHUP are always
 * reported) waits for the token, or, when the socket is readable already
 * and the token has no edge left to give, looks again every 10 ms
 * (sf_vnet_poll).  Not covered: an epoll registration of a virtual fd with
 * neither EPOLLIN nor EPOLLOUT -- epoll_wait reports its EPOLLERR/EPOLLHUP/
 * EPOLLRDHUP when it is called, but one already blocked in the kernel is
 * not woken by them (the kernel registration has no event that the token
 * or the filler could raise without making a level-triggered set spin).
 *
 * Locking: one network lock (vnet.c, `net_lock`) guards every virtual socket
 * and the tables.  Why not one lock per socket: nearly every state change
 * touches two sockets (send fills the peer's buffer and changes our
 * writability; close resets the peer; connect touches the listener and
 * creates a third), and one lock makes each of those atomic with no order
 * between peers to get wrong.  Each socket has its own wakeup word
 * (wake_gen, bumped under the lock by every wakeup, a futex the sleepers
 * wait on), so a wakeup reaches only the threads waiting on that socket;
 * the futex wake itself is made right after the waker drops the lock, so
 * the sleeper does not wake only to block on it.  A signal handler ends
 * the sleep as it would the kernel's blocking socket call: FUTEX_WAIT
 * restarts under SA_RESTART unless it has a timeout, like recv without and
 * with SO_RCVTIMEO, and vnet_wait passes EINTR on (signal(7)).  Sharding the
 * lock is a later step.  Before it sleeps a blocking call spins, lock dropped, for up
 * to 20 us (only with more than one CPU online; never in fuzz-peer mode)
 * watching wake_gen: a two-thread ping-pong then answers without a futex
 * sleep/wake round trip, and since the waiter counts as an rx_waiter while
 * it spins the peer's send skips the token too (the reader consumes, then
 * mirrors).  The spin adapts: a wait whose spin ran out sleeps at once the
 * next time, until a sleep ends within a quarter of the window (the peer is
 * answering fast again) -- on busy cores the peer is often not running, and
 * spinning would only take the CPU it needs.
 *
 * Streams: a blocking recv waiting on an empty socket offers its buffers,
 * and the peer's next send copies straight into them, with the lock
 * dropped, instead of through the ring (vtcp.c, the direct hand-off): one
 * memcpy per byte instead of two, and none under the lock.  Through the
 * ring, a send or recv of 16 KiB or more copies with the lock dropped too:
 * one writer after the tail while one reader takes from the head (struct
 * vbuf), so a bulk transfer's two copies run on two cores at once; under
 * the one lock they took turns, and the one waiting slept on the lock
 * (measured, bench_virtual bulk: 4.2 -> 15.5 GB/s).  Other senders into
 * that ring, or readers out of it, wait for the copy as for lock_sock.
 *
 * In-process fuzzing (sockfault_fuzz.h: one thread, no fork) a released
 * socket's pair is not closed but kept, clean and hidden, for the next
 * socket(), whose fd is then a dup of the kept program end (vnet.c, "the
 * in-process pool of pairs"); a pair that was ever in a kernel epoll set is
 * closed as usual, since the set would outlive the program's close.
 *
 * fork: the child's copy of the network is detached from the parent's; see
 * sf_vnet_atfork_child. */
#ifndef SF_VSOCK_H
#define SF_VSOCK_H

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>

struct sf_io;
struct sf_vsock;

/* Set once by the constructor (SOCKFAULT_NET=virtual or `net virtual`). */
extern bool sf_vnet_on;

/* The `link` line the calling thread's last send went through (line 0:
 * none) and the delay it gave (the last byte's), or that it lost the
 * datagram: for the full event log (faults/trace.h), which clears it
 * before a send and reads it after. */
struct sf_vlink_note {
	unsigned line;
	uint64_t delay_ns;
	bool lost;
};
extern __thread struct sf_vlink_note sf_vlink_note __attribute__((tls_model("initial-exec")));

/* Sets the network up: reads the kernel limits it mirrors (wmem_max,
 * rmem_max...); shared, joins the run's network (varena.h) -- the one
 * SOCKFAULT_VNET names, else the named one (SOCKFAULT_NET=virtual:NAME),
 * else a new one, whose file it puts in SOCKFAULT_VNET for the processes
 * the program starts.  0, or -1 with the message out (the program must not
 * start). */
int sf_vnet_init(bool shared);
/* A private network becomes shared (vnet.c's open_shared: joined by the
 * process's descendants from now on); 0, or -1 after a message.  Called
 * before the process's first virtual socket, from the thread about to make
 * it, with no other thread in the network (fuzz-peer mode: the fork
 * server's child, at its first socket); a no-op when shared already. */
int sf_vnet_share(void);
/* The process leaves the network (exit: its descriptors close). */
void sf_vnet_exit(void);
/* fork(): whether the network has room for a child; the child's pid
 * (-1: fork failed) once fork returned in the parent. */
bool sf_vnet_fork_possible(void);
void sf_vnet_fork_done(pid_t pid);
/* v's fd was sent with SCM_RIGHTS: v stays open until a process receives
 * it (sf_socket_adopt), whoever closes meanwhile. */
void sf_vnet_passed(struct sf_vsock *v);
/* Whether this is a vfork child (posix_spawn, subprocess) running in its
 * parent's memory before exec: what it closes or dups there must not
 * change the parent's tables, which are the memory it runs in.  A getpid
 * per call, made only by the fd calls that would change them. */
bool sf_vnet_vfork_child(void);
/* A shared network: the slice (ns) that waits which could last forever are
 * cut into, so that a member killed while others wait on it is noticed
 * (0: private network, no slicing); what is done after each slice: its
 * dead members' sockets close, waking who waits on them. */
extern uint64_t sf_vnet_slice_ns;
void sf_vnet_check_members(void);

/* Whether socket(domain, type, protocol) is virtual in this process. */
bool sf_vnet_handles(int domain, int type, int protocol);

/* socket(2) for a virtual socket: the new fd, installed in the fd table, or
 * -errno. */
int sf_vsock_socket(int domain, int type, int protocol);

/* The calls, each returning a result or -errno; fd is the program's fd the
 * call came in on. */
int sf_vsock_bind(struct sf_vsock *v, const struct sockaddr *addr, socklen_t len);
int sf_vsock_listen(struct sf_vsock *v, int fd, int backlog);
int sf_vsock_accept(struct sf_vsock *v, int fd, struct sockaddr *addr, socklen_t *len, int flags);
int sf_vsock_connect(struct sf_vsock *v, int fd, const struct sockaddr *addr, socklen_t len);
int sf_vsock_getsockname(struct sf_vsock *v, struct sockaddr *addr, socklen_t *len);
int sf_vsock_getpeername(struct sf_vsock *v, struct sockaddr *addr, socklen_t *len);
int sf_vsock_getsockopt(struct sf_vsock *v, int fd, int level, int name, void *val, socklen_t *len);
int sf_vsock_setsockopt(struct sf_vsock *v, int fd, int level, int name, const void *val, socklen_t len);
int sf_vsock_shutdown(struct sf_vsock *v, int fd, int how);
int sf_vsock_ioctl(struct sf_vsock *v, int fd, unsigned long req, void *arg);
/* A send- or recv-family call (the perform step of io.c). */
long sf_vsock_io(struct sf_vsock *v, const struct sf_io *io);
/* The reset fault: a RST both ways (our side reads ECONNRESET from the fault
 * itself, the peer on its next call). */
void sf_vsock_reset(struct sf_vsock *v, int fd);
/* The last reference to the socket went away (every fd closed). */
void sf_vsock_release(struct sf_vsock *v);

/* Records O_NONBLOCK set on the socket's file (fcntl F_SETFL). */
void sf_vsock_set_nonblock(struct sf_vsock *v, bool on);

/* poll(2) bits the socket reports now. */
short sf_vsock_poll_mask(struct sf_vsock *v);
/* SO_RCVTIMEO (rx) or SO_SNDTIMEO. */
void sf_vsock_timeout(struct sf_vsock *v, bool rx, struct timeval *tv);
/* epoll_ctl for a virtual fd (see vnet.c: the kernel holds our data, a
 * tagged index of a registration record); a result or -errno. */
struct epoll_event;
int sf_vnet_epoll_ctl(struct sf_vsock *v, int epfd, int op, int fd, struct epoll_event *ev);
/* After an injected short transfer or EAGAIN (kernel/io.c, give_edge):
 * this process's edge-triggered registrations of v are re-armed
 * (EPOLL_CTL_MOD), so a socket still ready is reported again -- the edge
 * the program waits for and the fault took away. */
void sf_vnet_give_edge(struct sf_vsock *v);
/* Turns a kernel report that carries our tag back into the program's data
 * and the socket's events (0: drop it); false when the report is not ours.
 * *fd is the registered fd. */
bool sf_vnet_epoll_translate(struct epoll_event *e, int *fd);
/* Bookkeeping of the program's epoll fds (see vnet.c): created, a kernel
 * fd added/deleted, an fd number closed or overwritten. */
void sf_vnet_epoll_created(int epfd);
void sf_vnet_epoll_kernel_ctl(int epfd, int op);
void sf_vnet_fd_gone(int fd);
/* Ready events of an epoll set made only of plain level-triggered virtual
 * fds, without entering the kernel; 0 when there are none or the set does
 * not qualify. */
int sf_vnet_epoll_ready(int epfd, struct epoll_event *ev, int max);
/* Before a wait on epfd blocks in the kernel: drains the stale readability
 * tokens of its virtual fds (see above); whether there were any. */
bool sf_vnet_epoll_settle(int epfd);

/* Invariant checker: 0, or -EINVAL with the broken invariant in *why. */
int sf_vsock_validate(struct sf_vsock *v, const char **why);
/* Validates every virtual socket of the process. */
int sf_vnet_validate(const char **why);
/* Number of live virtual sockets (tests). */
unsigned sf_vnet_count(void);
/* Those not released: some process holds a descriptor of them. */
unsigned sf_vnet_count_open(void);

/* poll for a set containing virtual fds (timeout NULL = infinite). */
int sf_vnet_poll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask);

/* The shim's ends of the fd pairs (see vnet.c): whether fd is one; moves
 * ours away from fd (before a dup2 onto it); close_range that skips them. */
bool sf_vnet_is_hidden(int fd);
void sf_vnet_evict(int fd);
int sf_vnet_close_range(unsigned first, unsigned last, int flags);

/* Capture (vcapture.c; the glue in capture/capsock.c records, after the
 * network lock is dropped).  The network keeps the facts below only after
 * sf_vnet_capture_enable, which the constructor calls when capture is on
 * (capture sits above the network, so the network cannot ask it). */
void sf_vnet_capture_enable(void);
/* Whether closing v now sends its peer a RST (unread data, SO_LINGER 0)
 * instead of a FIN: */
bool sf_vsock_close_resets(struct sf_vsock *v);
/* Whether v's data went to a peer that had closed, which answered with a
 * RST (v reads EPIPE next, having had the FIN). */
bool sf_vsock_capture_answered_by_rst(struct sf_vsock *v);
/* The source address (and port, even one a failed connect gave back) of
 * v's packets to dst: 0, or -errno. */
int sf_vsock_capture_source(struct sf_vsock *v, const struct sockaddr *dst, socklen_t dlen,
			    struct sockaddr_storage *out, socklen_t *olen);
/* Hands each datagram this thread's virtual sends left undelivered since
 * the last call to fn, with the addresses the network gave it, and forgets
 * it.  (Delivered ones are recorded by the receiving socket, in this
 * process by construction, when it reads them.) */
void sf_vnet_capture_undelivered(void (*fn)(const struct sockaddr *src, socklen_t slen,
					    const struct sockaddr *dst, socklen_t dlen, const void *data,
					    size_t len));

/* The source of the datagram this thread's virtual receives took `back`
 * datagrams before the last (0: the last): 0, or -ENOENT.  _done forgets
 * them (the call's capture is over). */
int sf_vnet_capture_received_from(struct sf_vsock *v, unsigned back, struct sockaddr_storage *out,
				  socklen_t *len);
void sf_vnet_capture_received_done(void);

void sf_vnet_atfork_prepare(void);
void sf_vnet_atfork_parent(void);
void sf_vnet_atfork_child(void);

#endif
