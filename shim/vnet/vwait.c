/* Readiness of virtual sockets (see vsock.h): what poll reports, the
 * kernel-visible mirror (token, filler), the futex waits of
 * blocking calls, epoll registrations of virtual fds and the shortcut for
 * all-virtual epoll sets, and poll over mixed virtual and kernel fds. */
#include "vnet/vnet_impl.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "faults/env.h"
#include "vnet/peer.h"
#include "core/shim.h"
#include "core/clock.h"

/* --- readiness --- */

short vsock_mask(struct sf_vsock *v)
{
	if (vsock_orphan(v))
		return POLLERR | POLLHUP; /* a fork child's copy: its network is gone */
	return v->type == SOCK_STREAM ? vtcp_poll_mask(v) : vudp_poll_mask(v);
}

short sf_vsock_poll_mask(struct sf_vsock *v)
{
	vnet_lock();
	short m = vsock_mask(v);
	vnet_unlock();
	return m;
}

/* Reads the readability token (and the EPOLLET extras) back out of the
 * program end: the kernel stops seeing the fd as readable. */
static void drain_token(struct sf_vsock *v, int fd)
{
	char c[1025];
	ssize_t want = 1 + v->tok_extra, got = sf_libc()->recv(fd, c, (size_t)want, MSG_DONTWAIT);
	if (got == want) {
		v->tok = false;
		v->tok_extra = 0;
	} else if (got > 0) {
		v->tok_extra -= (int)got; /* the rest comes next time */
		if (v->tok_extra < 0) {
			v->tok = false;
			v->tok_extra = 0;
		}
	}
}

static inline bool mask_readable(short m)
{
	return m & (POLLIN | POLLHUP | POLLERR);
}

void vnet_sync(struct sf_vsock *v, int fd)
{
	if (!v->paired || vsock_orphan(v))
		return;
	short m = vsock_mask(v);
	bool rd = mask_readable(m), wr = m & POLLOUT;
	/* The token is drained lazily (vsock.h): a socket that stops being
	 * readable keeps it until a recv says EAGAIN or one of our own kernel
	 * waits is about to block (vnet_settle), so a ping-pong whose token is
	 * still there when the next message arrives makes no syscall at all. */
	bool tok = rd && !v->tok && !(fd < 0 && v->rx_waiters > 0);
	bool fill = !wr && !v->full && fd >= 0, drain = wr && v->full;
	if (sf_likely(!tok && !fill && !drain))
		return;
	const struct sf_syscalls *libc = sf_libc();
	int saved = errno;
	/* Our end, or (another process's socket) a copy of it. */
	int sig = (tok || drain) ? vsig(v) : -1;
	if (tok && sig >= 0 && libc->send(sig, "r", 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1)
		v->tok = true;
	/* Fill and drain in as few calls as the kernel allows: the program
	 * end's send buffer holds far less than 8 KB (SO_SNDBUF at its minimum),
	 * a short non-blocking AF_UNIX stream send means the buffer refused the
	 * rest (the next one would say EAGAIN), and a stream recv takes every
	 * queued skb up to its length, so a short one left nothing behind.  No
	 * one else writes or reads these ends: both happen under the lock. */
	if (fill) {
		static const char filler[8192];
		while (libc->send(fd, filler, sizeof(filler), MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)sizeof(filler))
			;
		v->full = true;
	} else if (drain && sig >= 0) {
		char buf[8192];
		while (libc->recv(sig, buf, sizeof(buf), MSG_DONTWAIT) == (ssize_t)sizeof(buf))
			;
		v->full = false;
	}
	errno = saved;
}

void vnet_settle(struct sf_vsock *v, int fd)
{
	if (fd < 0 || !v->tok || !v->paired || vsock_orphan(v) || mask_readable(vsock_mask(v)))
		return;
	int saved = errno;
	drain_token(v, fd);
	errno = saved;
}

static void futex_wake_all(struct sf_vsock *v)
{
	int saved = errno;
	syscall(SYS_futex, &v->wake_gen, vnet_sh ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	errno = saved;
}

/* The socket whose sleepers this thread wakes once it drops the lock
 * (vnet_unlock).  Woken under the lock, a sleeper runs at once on the other
 * core only to block on the lock the waker still holds: a second sleep and
 * wake per message.  v->wakers keeps v's memory alive until the wake is
 * made (vwait_free). */
static __thread struct sf_vsock *pending_wake __attribute__((tls_model("initial-exec")));

void vnet_notify(struct sf_vsock *v)
{
	/* Release: a spinner that sees the new value and then takes the lock
	 * sees the state change (the lock orders it anyway; this keeps the
	 * spinner's read of the counter itself well defined). */
	atomic_fetch_add_explicit(&v->wake_gen, 1, memory_order_release);
	if (sf_unlikely(sf_vnet_peer))
		vnet_tables()->idle &= ~v->procs; /* its holders have something to do */
	if (!v->waiters || pending_wake == v)
		return;
	if (pending_wake) {
		futex_wake_all(v); /* one deferred wake per unlock; this one now */
		return;
	}
	atomic_fetch_add_explicit(&v->wakers, 1, memory_order_relaxed);
	pending_wake = v;
}

struct sf_vsock *vwait_take_wake(void)
{
	struct sf_vsock *v = pending_wake;
	pending_wake = NULL;
	return v;
}

void vwait_deferred_wake(struct sf_vsock *v)
{
	futex_wake_all(v);
	/* Release: the free that sees 0 comes after our last access. */
	atomic_fetch_sub_explicit(&v->wakers, 1, memory_order_release);
}

void vwait_free(struct sf_vsock *v)
{
	if (pending_wake == v) {
		/* Our own wake, not made yet: nobody is left to wake. */
		pending_wake = NULL;
		atomic_fetch_sub_explicit(&v->wakers, 1, memory_order_relaxed);
	}
	/* Another thread between its unlock and its futex call: one syscall
	 * away -- unless, in a shared network, it was a thread of a process
	 * that was killed there: after two seconds it is taken for that. */
	uint64_t since = 0;
	while (atomic_load_explicit(&v->wakers, memory_order_acquire)) {
		sched_yield();
		if (vnet_sh) {
			uint64_t now = sf_now_ns();
			if (!since)
				since = now;
			else if (now - since > 2000000000u)
				break;
		}
	}
}

void vnet_wake(struct sf_vsock *v)
{
	vnet_notify(v);
	vnet_sync(v, -1);
}

/* Something arrived (data, a FIN, a RST, a connection).  Besides the wakeup,
 * a socket registered with EPOLLET gets one more token if it was readable
 * already: Linux signals every arrival (sk_data_ready), and an edge-triggered
 * reader relies on it. */
void vnet_arrive(struct sf_vsock *v)
{
	bool had = v->tok;
	vnet_wake(v);
	int sig;
	if (had && v->tok && v->et_regs > 0 && v->paired && v->tok_extra < 1024 && !v->rx_waiters &&
	    (sig = vsig(v)) >= 0) {
		int saved = errno;
		if (sf_libc()->send(sig, "r", 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1)
			v->tok_extra++;
		errno = saved;
	}
}

uint64_t vnet_deadline(const struct timeval *tv)
{
	if (!tv->tv_sec && !tv->tv_usec)
		return UINT64_MAX;
	return sf_now_ns() + (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
}

/* Whether a waiter may spin before sleeping: only with more than one CPU
 * to run on, since with one the thread that would wake us cannot run while
 * we spin.  Written once by vwait_init (the constructor, before any thread
 * the program makes), read-only afterwards. */
static bool spin_ok;

/* How long a blocking call spins before it sleeps.  Ping-pong between
 * two threads on two cores answers in a few microseconds; sleeping costs a
 * futex wait, and the peer a futex wake, plus the scheduler's wakeup
 * latency, each way.  Bounded by time so that a real wait (the peer
 * computing, a slow client) costs at most this much CPU more. */
#define SPIN_NS 20000u
/* A sleep shorter than this turns the spin back on (vnet_wait).  Well below
 * SPIN_NS: a futex sleep and wake on a loaded machine often takes 5-15 us,
 * and re-enabling on those only brings back spins that time out (measured
 * with bench_virtual under load: a quarter of the window keeps the spin on
 * when the peer answers fast, off when the cores are busy). */
#define SPIN_BACK_NS (SPIN_NS / 4)

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Spins, with the lock dropped, until v's waiters are woken (wake_gen moves)
 * or SPIN_NS pass; true when woken.  Called and returns with the lock held.
 * No wakeup is lost: wake_gen only moves under the lock, and the caller
 * reads it under the lock before and after. */
static bool vnet_spin(struct sf_vsock *v, uint64_t deadline)
{
	unsigned gen = atomic_load_explicit(&v->wake_gen, memory_order_relaxed);
	uint64_t start = sf_now_ns(), until = start + SPIN_NS;
	if (until > deadline)
		until = deadline;
	vnet_unlock();
	bool woken = false;
	for (unsigned i = 1;; i++) {
		if (atomic_load_explicit(&v->wake_gen, memory_order_acquire) != gen) {
			woken = true;
			break;
		}
		cpu_relax();
		if (!(i & 31) && sf_now_ns() >= until)
			break;
	}
	vnet_lock();
	return woken || atomic_load_explicit(&v->wake_gen, memory_order_relaxed) != gen;
}

/* futex_waitv is there (Linux 5.16) until it says ENOSYS. */
static _Atomic bool waitv_ok = true;

int vnet_wait(struct sf_vsock *v, uint64_t deadline)
{
	int r = 0;
	uint64_t start = 0, until = deadline;
	struct sf_vnet_waiter fw;
	if (sf_vnet_peer) {
		/* Fuzz-peer mode: the peer acts, the clock jumps, or the run ends. */
		if (sf_vnet_peer->wait(v, deadline, &r))
			return r;
		fw = (struct sf_vnet_waiter){.v = v, .gen = atomic_load_explicit(&v->wake_gen, memory_order_relaxed), .epfd = -1};
		sf_vnet_peer->block_locked(&fw);
		uint64_t slice = sf_now_ns() + SF_VNET_WAIT_SLICE_NS;
		if (slice < until)
			until = slice; /* then a wakeup without a change: the caller looks again */
	} else if (spin_ok) {
		/* The spin adapts (vsock.h): it runs only while this socket's
		 * waits end within the spin window.  When the cores are busy the
		 * peer may not be running at all, and spinning only takes the CPU
		 * it needs; a sleep that ended quickly (the peer is back to
		 * answering fast) turns it on again. */
		if (!v->spin_off) {
			if (vnet_spin(v, deadline))
				return 0; /* like a cond wakeup: the caller checks again */
			v->spin_off = true;
		} else {
			start = sf_now_ns();
		}
	}
	/* The sleep is a futex wait on wake_gen itself, not a condition
	 * variable: glibc's condvar costs several futex calls per wakeup (its
	 * group switching, the mutex handed back), a bare futex one each side.
	 * No wakeup is lost: wake_gen only moves under the lock, read here under
	 * it, and FUTEX_WAIT returns at once if it moved since (futex(2)).
	 *
	 * A signal handler ends the sleep the way it ends a blocking socket
	 * call in the kernel, and the caller returns EINTR: FUTEX_WAIT without
	 * a timeout is restarted by the kernel after a handler installed with
	 * SA_RESTART and fails with EINTR otherwise; with a timeout it always
	 * fails with EINTR -- exactly recv/send/accept without and with
	 * SO_RCVTIMEO/SO_SNDTIMEO (signal(7), "Interruption of system calls and
	 * library functions by signal handlers"; futex(2)).  So Ctrl-C reaches
	 * a Python program blocked in a virtual accept.  (pthread_cond_wait
	 * would resume after the handler.)  Fuzz-peer mode's waits are sliced,
	 * so there a handler always interrupts. */
	unsigned gen = atomic_load_explicit(&v->wake_gen, memory_order_relaxed);
	if (until != UINT64_MAX && sf_now_ns() >= until) {
		r = -EAGAIN;
	} else {
		v->waiters++;
		struct timespec ts = {(time_t)(until / 1000000000u), (long)(until % 1000000000u)};
		int saved = errno;
		/* A shared network: the process that would wake us may be
		 * killed, and nobody would notice while we sleep.  So the
		 * untimed sleep also watches the other members' life mutexes
		 * (varena.h), whose futex word the kernel wakes when their
		 * owner dies (robust futexes: FUTEX_WAITERS set, set here) --
		 * futex_waitv(2), which is restarted after an SA_RESTART
		 * handler as the single untimed FUTEX_WAIT is. */
		struct futex_waitv w[VPROC_MAX + 1];
		unsigned nw = 0;
		bool multi = vnet_sh && until == UINT64_MAX && waitv_ok;
		if (multi) {
			w[nw++] = (struct futex_waitv){.val = gen, .uaddr = (uintptr_t)&v->wake_gen, .flags = FUTEX_32};
			nw += vnet_watch_members(w + 1, VPROC_MAX);
		}
		vnet_unlock();
		long rc;
		bool died = false;
		if (multi) {
			rc = syscall(SYS_futex_waitv, w, nw, 0, NULL, CLOCK_MONOTONIC);
			if (rc < 0 && errno == ENOSYS) {
				waitv_ok = false; /* (a kernel before 5.16: no watch) */
				rc = syscall(SYS_futex, &v->wake_gen, FUTEX_WAIT_BITSET, gen, NULL, NULL,
					     FUTEX_BITSET_MATCH_ANY);
			} else if (rc > 0 || (rc < 0 && errno == EAGAIN)) {
				died = rc > 0 || atomic_load_explicit(&v->wake_gen, memory_order_relaxed) == gen;
				rc = 0;
			}
		} else {
			rc = syscall(SYS_futex, &v->wake_gen, vnet_sh ? FUTEX_WAIT_BITSET : FUTEX_WAIT_BITSET_PRIVATE, gen,
				     until == UINT64_MAX ? NULL : &ts, NULL, FUTEX_BITSET_MATCH_ANY);
		}
		int e = rc != 0 ? errno : 0;
		errno = saved;
		vnet_lock();
		if (died)
			vnet_recover(); /* a member's life mutex moved: who is gone */
		v->waiters--;
		if (e == EINTR)
			r = -EINTR;
		else if (e == ETIMEDOUT && atomic_load_explicit(&v->wake_gen, memory_order_relaxed) == gen)
			r = -EAGAIN;
	}
	if (r == -EAGAIN && until != deadline)
		r = 0; /* the driver's slice ended, not the wait */
	if (start && !r && sf_now_ns() - start < SPIN_BACK_NS)
		v->spin_off = false;
	if (sf_vnet_peer)
		sf_vnet_peer->unblock_locked(&fw);
	return r;
}

int vnet_wait_rx(struct sf_vsock *v, uint64_t deadline)
{
	v->rx_waiters++;
	int r = vnet_wait(v, deadline);
	v->rx_waiters--;
	return r;
}

bool vnet_nonblocking(struct sf_vsock *v, int flags)
{
	return (flags & MSG_DONTWAIT) || atomic_load_explicit(&v->nonblock, memory_order_relaxed);
}

void sf_vsock_set_nonblock(struct sf_vsock *v, bool on)
{
	atomic_store_explicit(&v->nonblock, on, memory_order_relaxed);
}

/* --- epoll fds the program made --- */

#define VEPFD_MAX 65536
struct vepfd {
	bool known;       /* created by epoll_create*, not closed since */
	int kernel_regs;  /* kernel fds added (minus deleted) */
	unsigned cursor;  /* where the next scan starts (fairness) */
	/* Registrations in the set with EPOLLET or EPOLLONESHOT (the kernel
	 * keeps those: no shortcut); kept across a re-creation of the number,
	 * where stale records may still count (only the shortcut is lost). */
	int special;
};
static struct vepfd *epfds; /* allocated by the constructor; entries under sf_vnet_lock */

void vwait_init(void)
{
	spin_ok = sysconf(_SC_NPROCESSORS_ONLN) > 1;
	epfds = calloc(VEPFD_MAX, sizeof(*epfds)); /* without it: the kernel path */
}

/* --- epoll registrations of virtual fds ---
 *
 * The kernel's epoll set holds the program end of the fd pair; what it
 * reports is the mirror (token, filler), not the socket's exact state.  So
 * epoll_ctl on a virtual fd registers, in the kernel, our own data -- a tag
 * and the index of a registration record -- and epoll_wait turns a report
 * back into the program's data and the socket's real events (EPOLLHUP,
 * EPOLLERR, EPOLLRDHUP only if asked for).  The kernel drops a registration
 * when the file closes; our record goes when the socket is released. */
struct vep {
	bool used;
	int epfd, fd;
	uint32_t events;
	uint64_t data;
	struct sf_vsock *v;
};
#define VEP_TAG 0x5346564eull /* "SFVN" in the high half of epoll_data */
static struct vep *veps;  /* guarded by sf_vnet_lock */
static unsigned nveps;    /* guarded by sf_vnet_lock */
static unsigned veps_hi;  /* above every record ever used; guarded by sf_vnet_lock */

static int vep_alloc(void)
{
	for (unsigned i = 0; i < nveps; i++)
		if (!veps[i].used)
			return (int)i;
	unsigned n = nveps ? nveps * 2 : 64;
	struct vep *g = realloc(veps, n * sizeof(*g));
	if (!g)
		return -1;
	memset(g + nveps, 0, (n - nveps) * sizeof(*g));
	veps = g;
	int i = (int)nveps;
	nveps = n;
	return i;
}

static struct vepfd *vepfd_of(int epfd)
{
	return epfds && epfd >= 0 && epfd < VEPFD_MAX ? &epfds[epfd] : NULL;
}

/* e->epfd is set. */
static void vep_set_events(struct vep *e, uint32_t events)
{
	struct vepfd *f = vepfd_of(e->epfd);
	if (e->used && (e->events & EPOLLET))
		e->v->et_regs--;
	if (f && e->used && (e->events & (EPOLLET | EPOLLONESHOT)) && f->special > 0)
		f->special--;
	e->events = events;
	if (events & EPOLLET)
		e->v->et_regs++;
	if (f && (events & (EPOLLET | EPOLLONESHOT)))
		f->special++;
	if (e - veps >= (long)veps_hi)
		veps_hi = (unsigned)(e - veps) + 1;
}

int sf_vnet_epoll_ctl(struct sf_vsock *v, int epfd, int op, int fd, struct epoll_event *ev)
{
	int r;
	vnet_lock();
	int found = -1;
	for (unsigned i = 0; i < nveps; i++)
		if (veps[i].used && veps[i].epfd == epfd && veps[i].fd == fd && veps[i].v == v)
			found = (int)i;
	if (op == EPOLL_CTL_DEL || !ev) {
		r = (int)sf_neg(sf_libc()->epoll_ctl(epfd, op, fd, ev));
		if (r == 0 && found >= 0 && op == EPOLL_CTL_DEL) {
			vep_set_events(&veps[found], 0);
			veps[found].used = false;
		}
		goto out;
	}
	int i = found >= 0 ? found : vep_alloc();
	if (i < 0) {
		r = -ENOMEM;
		goto out;
	}
	struct epoll_event kev = {.events = ev->events, .data.u64 = (VEP_TAG << 32) | (unsigned)i};
	r = (int)sf_neg(sf_libc()->epoll_ctl(epfd, op, fd, &kev));
	if (r == 0) {
		if (found < 0) {
			veps[i] = (struct vep){.epfd = epfd, .fd = fd, .v = v};
			vep_set_events(&veps[i], ev->events);
			veps[i].used = true;
		} else {
			vep_set_events(&veps[i], ev->events);
		}
		veps[i].data = ev->data.u64;
		v->kernel_epoll = true; /* the set holds the file, not the fd (vnet.c's pool) */
	}
out:
	vnet_unlock();
	return r;
}

void sf_vnet_give_edge(struct sf_vsock *v)
{
	vnet_lock();
	int saved = errno;
	for (unsigned i = 0; v->et_regs > 0 && i < nveps; i++) {
		struct vep *r = &veps[i];
		if (!r->used || r->v != v || !(r->events & EPOLLET))
			continue;
		struct epoll_event kev = {.events = r->events, .data.u64 = (VEP_TAG << 32) | i};
		sf_libc()->epoll_ctl(r->epfd, EPOLL_CTL_MOD, r->fd, &kev);
	}
	errno = saved;
	vnet_unlock();
}

bool sf_vnet_epoll_translate(struct epoll_event *e, int *fd)
{
	if (e->data.u64 >> 32 != VEP_TAG)
		return false;
	unsigned i = (unsigned)e->data.u64;
	vnet_lock();
	if (i >= nveps || !veps[i].used) {
		vnet_unlock();
		e->events = 0; /* a record released since: nothing to report */
		return true;
	}
	struct vep *r = &veps[i];
	uint32_t m = (uint16_t)vsock_mask(r->v), want = r->events;
	uint32_t out = m & e->events & (EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM);
	out |= m & (EPOLLERR | EPOLLHUP);
	if (want & EPOLLRDHUP)
		out |= m & EPOLLRDHUP;
	if (!(want & EPOLLIN))
		out &= ~(uint32_t)(EPOLLIN | EPOLLRDNORM | EPOLLRDHUP);
	if (!(want & EPOLLOUT))
		out &= ~(uint32_t)(EPOLLOUT | EPOLLWRNORM);
	e->events = out;
	e->data.u64 = r->data;
	*fd = r->fd;
	vnet_unlock();
	return true;
}

/* epoll fds the program made through us, so that a wait on one whose
 * every registration is a plain level-triggered virtual fd can be answered
 * from the registrations without entering the kernel when something is
 * ready (the kernel still blocks the wait when nothing is).  Indexed by the
 * epoll fd (below VEPFD_MAX; others always take the kernel path).  An epoll
 * set a program also fills with raw epoll_ctl syscalls behind our back is
 * not seen: its kernel fds would only be reported once no virtual one is
 * ready. */

void sf_vnet_epoll_created(int epfd)
{
	if (!epfds || epfd < 0 || epfd >= VEPFD_MAX)
		return;
	vnet_lock();
	epfds[epfd] = (struct vepfd){.known = true, .special = epfds[epfd].special};
	vnet_unlock();
}

void sf_vnet_epoll_kernel_ctl(int epfd, int op)
{
	if (!epfds || epfd < 0 || epfd >= VEPFD_MAX)
		return;
	vnet_lock();
	if (op == EPOLL_CTL_ADD)
		epfds[epfd].kernel_regs++;
	else if (op == EPOLL_CTL_DEL && epfds[epfd].kernel_regs > 0)
		epfds[epfd].kernel_regs--;
	vnet_unlock();
}

void sf_vnet_fd_gone(int fd)
{
	if (!epfds || fd < 0 || fd >= VEPFD_MAX)
		return;
	vnet_lock();
	if (epfds[fd].known) {
		epfds[fd].known = false;
		/* The kernel drops the set's registrations with it. */
		for (unsigned i = 0; i < nveps; i++) {
			if (veps[i].used && veps[i].epfd == fd) {
				vep_set_events(&veps[i], 0);
				veps[i].used = false;
			}
		}
	}
	vnet_unlock();
}

int sf_vnet_epoll_ready(int epfd, struct epoll_event *ev, int max)
{
	if (!epfds || epfd < 0 || epfd >= VEPFD_MAX || max <= 0 || sf_config.scenario.nrules)
		return 0;
	int n = 0;
	vnet_lock();
	struct vepfd *e = &epfds[epfd];
	if (!e->known || e->kernel_regs || e->special || !veps_hi)
		goto out; /* edges and one-shots: the kernel keeps those */
	unsigned start = e->cursor;
	for (unsigned k = 0; k < veps_hi && n < max; k++) {
		unsigned i = (start + k) % veps_hi;
		struct vep *r = &veps[i];
		if (!r->used || r->epfd != epfd)
			continue;
		uint32_t m = (uint16_t)vsock_mask(r->v), want = r->events | EPOLLERR | EPOLLHUP;
		uint32_t out = m & want & (EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM | EPOLLERR | EPOLLHUP | EPOLLRDHUP | EPOLLPRI);
		if (!out)
			continue;
		ev[n].events = out;
		ev[n].data.u64 = r->data;
		n++;
		e->cursor = i + 1;
	}
out:
	vnet_unlock();
	return n;
}

void vwait_release(struct sf_vsock *v)
{
	for (unsigned i = 0; i < nveps; i++) {
		if (veps[i].used && veps[i].v == v) {
			vep_set_events(&veps[i], 0);
			veps[i].used = false;
		}
	}
}

/* Drains the stale tokens of the virtual fds an epoll set watches for
 * input, before a wait on it blocks in the kernel (vsock.h); whether one
 * was drained.  r->fd is checked against the fd table: the number may have
 * been closed (the kernel keeps the registration while a dup lives) and
 * reused by another file, whose bytes are not ours to read.  The table
 * forgets an fd before the kernel closes it (close()). */
bool sf_vnet_epoll_settle(int epfd)
{
	bool any = false;
	vnet_lock();
	for (unsigned i = 0; i < nveps; i++) {
		struct vep *r = &veps[i];
		if (!r->used || r->epfd != epfd || !(r->events & EPOLLIN) || !r->v->tok)
			continue;
		struct sf_socket *s = sf_fd_peek(r->fd);
		if (!s || s->v != r->v)
			continue;
		bool had = r->v->tok;
		vnet_settle(r->v, r->fd);
		any |= had && !r->v->tok;
	}
	vnet_unlock();
	return any;
}

/* --- poll --- */

static void settle_fd(int fd)
{
	struct sf_socket *s = sf_socket_get(fd);
	if (!s)
		return;
	if (s->v) {
		vnet_lock();
		vnet_settle(s->v, fd);
		vnet_unlock();
	}
	sf_socket_put(s);
}

/* How often a poll looks again at a virtual fd whose awaited events the
 * kernel end cannot show (sf_vnet_poll). */
#define POLL_SLICE_NS 10000000u

int sf_vnet_poll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask)
{
	uint64_t deadline = sf_deadline_after(timeout);
	/* A shared network: the other members' pidfds ride along (t[n...]),
	 * readable when one exits, so a wait on a killed member's socket
	 * ends (vsock.h). */
	nfds_t extra = vnet_sh ? VPROC_MAX : 0;
	struct pollfd small[64 + VPROC_MAX], *t = n <= 64 ? small : malloc((n + extra) * sizeof(*t));
	char small_v[64], *isv = n <= 64 ? small_v : malloc(n);
	int r = -ENOMEM;
	if (!t || !isv)
		goto out;
	for (;;) {
		int ready = 0;
		bool coarse = false;
		for (nfds_t i = 0; i < n; i++) {
			t[i] = (struct pollfd){.fd = fds[i].fd, .events = fds[i].events};
			isv[i] = 0;
			struct sf_socket *s = fds[i].fd >= 0 ? sf_socket_get(fds[i].fd) : NULL;
			if (s && s->v) {
				isv[i] = 1;
				short want = fds[i].events, m = sf_vsock_poll_mask(s->v);
				/* The kernel end stands in for the wakeup only: POLLIN
				 * is its token, POLLOUT its free buffer. */
				t[i].events = (short)(want & (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM));
				if (!(want & (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM))) {
					/* Only POLLRDHUP, POLLPRI, or just the always-reported
					 * POLLERR/POLLHUP: each makes the socket readable,
					 * which the token shows -- unless it is readable
					 * already (its data), when the kernel end has no edge
					 * left to show: then look again every slice. */
					if (!(m & POLLIN))
						t[i].events |= POLLIN;
					else
						coarse = true;
				}
				ready += (m & (want | POLLERR | POLLHUP)) != 0;
			}
			if (s)
				sf_socket_put(s);
		}
		/* Kernel fds and the virtual fds' wakeups in one wait; a zero
		 * timeout if a virtual socket is ready already. */
		struct timespec zero = {0, 0}, left, *tp = NULL;
		if (ready) {
			tp = &zero;
		} else if (deadline != UINT64_MAX) {
			uint64_t now = sf_now_ns(), l = deadline > now ? deadline - now : 0;
			left = (struct timespec){(time_t)(l / 1000000000u), (long)(l % 1000000000u)};
			tp = &left;
		}
		if (coarse && tp != &zero &&
		    (!tp || (uint64_t)left.tv_sec * 1000000000u + (uint64_t)left.tv_nsec > POLL_SLICE_NS)) {
			left = (struct timespec){0, POLL_SLICE_NS};
			tp = &left;
		}
		nfds_t nw = 0;
		if (extra && tp != &zero) {
			int pf[VPROC_MAX];
			vnet_lock();
			nw = vnet_member_pidfds(pf, VPROC_MAX);
			vnet_unlock();
			for (nfds_t i = 0; i < nw; i++)
				t[n + i] = (struct pollfd){.fd = pf[i], .events = POLLIN};
		}
		if (tp != &zero) {
			/* About to block: a stale token (vsock.h) would end the
			 * wait at once, again and again. */
			for (nfds_t i = 0; i < n; i++)
				if (isv[i] && (t[i].events & POLLIN))
					settle_fd(fds[i].fd);
		}
		struct sf_vnet_waiter fw = {.fds = t, .nfds = n, .epfd = -1};
		bool peer_wait = sf_vnet_peer && !ready && tp != &zero;
		if (peer_wait) {
			/* Fuzz-peer mode: the peer acts before the wait blocks, and
			 * the wait looks again after a slice (the loop below goes
			 * round while nothing is ready and the deadline is ahead). */
			bool timed_out;
			if (sf_vnet_peer->poll(deadline != UINT64_MAX, &timed_out))
				continue;
			if (timed_out) {
				for (nfds_t i = 0; i < n; i++)
					fds[i].revents = 0;
				r = 0;
				break;
			}
			if (!tp || (uint64_t)left.tv_sec * 1000000000u + (uint64_t)left.tv_nsec > SF_VNET_WAIT_SLICE_NS) {
				left = (struct timespec){0, SF_VNET_WAIT_SLICE_NS};
				tp = &left;
			}
			sf_vnet_peer->block(&fw);
		}
		r = (int)sf_neg(sf_libc()->ppoll(t, n + nw, tp, mask));
		if (peer_wait)
			sf_vnet_peer->unblock(&fw);
		if (r < 0)
			break;
		for (nfds_t i = 0; i < nw; i++) {
			if (t[n + i].revents) {
				sf_vnet_check_members(); /* a member exited */
				break;
			}
		}
		int total = 0;
		for (nfds_t i = 0; i < n; i++) {
			if (!isv[i]) {
				fds[i].revents = t[i].revents;
			} else {
				/* Recomputed: the kernel end only said "something changed". */
				struct sf_socket *s = sf_socket_get(fds[i].fd);
				fds[i].revents = s && s->v ? (short)(sf_vsock_poll_mask(s->v) &
								     (fds[i].events | POLLERR | POLLHUP))
							   : POLLNVAL;
				if (s)
					sf_socket_put(s);
			}
			total += fds[i].revents != 0;
		}
		r = total;
		if (total || (deadline != UINT64_MAX && sf_now_ns() >= deadline))
			break;
	}
out:
	if (t && t != small)
		free(t);
	if (isv && isv != small_v)
		free(isv);
	return r;
}

