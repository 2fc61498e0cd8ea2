/* The virtual network (see vsock.h): the network lock, the list of virtual
 * sockets, addresses and ports, the shim's ends of the fd pairs, socket
 * creation and release, byte rings, the calls common to streams and
 * datagrams (bind, names, options, shutdown, ioctl, the data-call dispatch),
 * validation and fork.  Readiness and waits are in vwait.c. */
#include "vnet/vnet_impl.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/futex.h>
#include <linux/sockios.h>
#include <unistd.h>

#include "faults/env.h"
#include "vnet/peer.h"
#include "core/iodesc.h"
#include "core/shim.h"
#include "core/clock.h"

bool sf_vnet_on; /* written only by the constructor, before main */
/* This process's id, which a socket's owner must be to be usable (fork).
 * glibc 2.36 does not cache getpid(), and it is asked on every call: set
 * by the constructor and the fork child handler, read-only otherwise. */
pid_t vnet_pid;
/* net.core.wmem_max / rmem_max, read once by the constructor (defaults are
 * Debian's): setsockopt(SO_SNDBUF/SO_RCVBUF) clamps to them, then doubles. */
int sf_vnet_wmem_max = 212992, sf_vnet_rmem_max = 212992;

/* The private network's lock.  Adaptive: critical sections are short (a
 * copy, a few flags), so a contending thread spins briefly before it
 * sleeps (fewer futex calls).  A shared network uses its mapping's robust,
 * process-shared mutex instead (varena.h), spun on the same way. */
static pthread_mutex_t private_lock = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
pthread_mutex_t *sf_vnet_lock = &private_lock; /* set by sf_vnet_init, before any thread */
static struct vnet_tables private_tab;
/* The tables: the mapping's or private_tab; set by sf_vnet_init.  Their
 * contents are guarded by the network lock. */
static struct vnet_tables *T = &private_tab;
static int hidden_base = -1;     /* guarded by sf_vnet_lock; see vsock_make_fds */
static _Atomic unsigned char *hidden_map; /* written once by the constructor; see hidden_mark */
/* When the shared network was last searched for members that died
 * (CLOCK_MONOTONIC ns; under the lock). */
static uint64_t last_reap;
static unsigned locks_since_reap;
#define REAP_NS 20000000u
#define REAP_EVERY 1024

static void reap(void);
static void drain_closeq(void);
/* pidfds of the other members, for pidfd_getfd (vsig_fetch) and waits;
 * private, under the lock.  A slot's pidfd is checked against its pid. */
static int pidfd_of[VPROC_MAX] = {[0 ... VPROC_MAX - 1] = -1};
static pid_t pidfd_pid[VPROC_MAX];
static void close_sigs(struct sf_vsock *v);

static void shared_lock(void)
{
	pthread_mutex_t *m = sf_vnet_lock;
	int r = EBUSY;
	/* The robust mutex does not spin: a short one here (see above). */
	for (int i = 0; i < 100 && (r = pthread_mutex_trylock(m)) == EBUSY; i++)
		__builtin_ia32_pause();
	if (r == EBUSY)
		r = pthread_mutex_lock(m);
	TSAN_ACQUIRE(m); /* (before what the lock guards is read, below) */
	if (r == EOWNERDEAD) {
		pthread_mutex_consistent(m);
		vnet_recover();
	}
	if (vnet_sh->procs[vnet_slot].nclose)
		drain_closeq();
	/* Waits notice dead members (vwait.c); a program that never waits
	 * (it polls with MSG_DONTWAIT) has them looked for every so often.
	 * Counted, not timed: a clock read per lock costs the ping-pong. */
	if (sf_unlikely(++locks_since_reap >= REAP_EVERY)) {
		uint64_t now = sf_now_ns();
		locks_since_reap = 0;
		if (now - last_reap > REAP_NS) {
			last_reap = now;
			reap();
		}
	}
}

void vnet_lock(void)
{
	if (vnet_sh) {
		shared_lock();
	} else {
		pthread_mutex_lock(sf_vnet_lock);
		TSAN_ACQUIRE(sf_vnet_lock);
	}
}

void vnet_unlock(void)
{
	struct sf_vsock *w = vwait_take_wake();
	TSAN_RELEASE(sf_vnet_lock);
	pthread_mutex_unlock(sf_vnet_lock);
	if (w)
		vwait_deferred_wake(w);
}

static int read_sysctl(const char *path, int dflt)
{
	FILE *f = fopen(path, "re");
	int v = dflt;
	if (f) {
		if (fscanf(f, "%d", &v) != 1 || v <= 0)
			v = dflt;
		fclose(f);
	}
	return v;
}

static void release_hook(struct sf_vsock *v);
static int name_hook(struct sf_vsock *v, bool peer, struct sockaddr *a, socklen_t *l);

static int open_shared(void);
static bool adopt_hook(int fd);

int sf_vnet_init(bool shared)
{
	sf_vnet_on = true;
	sf_vnet_wmem_max = read_sysctl("/proc/sys/net/core/wmem_max", 212992);
	sf_vnet_rmem_max = read_sysctl("/proc/sys/net/core/rmem_max", 212992);
	vnet_pid = getpid();
	if (!hidden_map)
		hidden_map = calloc(SF_FD_MAX / 8, 1); /* without it: no protection */
	vwait_init();
	vlink_init();
	sf_vsock_release_fn = release_hook;
	sf_vsock_name_fn = name_hook;
	if (!shared) {
		/* (a private network's socket cannot reach another process) */
		T->next_ephemeral = 32768 + (uint16_t)(vnet_pid % 1000);
		T->lk_target = UINT64_MAX;
		return 0;
	}
	return open_shared();
}

int sf_vnet_share(void)
{
	if (vnet_sh)
		return 0;
	/* Nothing of the private network exists yet (see vsock.h), so the
	 * switch is of the lock and the tables alone. */
	return open_shared();
}

bool sf_vnet_handles(int domain, int type, int protocol)
{
	if (!sf_vnet_on || (domain != AF_INET && domain != AF_INET6))
		return false;
	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (type == SOCK_STREAM)
		return protocol == 0 || protocol == IPPROTO_TCP;
	if (type == SOCK_DGRAM)
		return protocol == 0 || protocol == IPPROTO_UDP;
	return false; /* raw, SCTP, UDP-Lite...: the kernel's */
}

/* --- addresses --- */

bool vaddr_is_v4(const struct vaddr *a)
{
	return IN6_IS_ADDR_V4MAPPED(&a->ip);
}

bool vaddr_is_any(const struct vaddr *a)
{
	static const uint8_t any4[16] = {[10] = 0xff, [11] = 0xff};
	return IN6_IS_ADDR_UNSPECIFIED(&a->ip) || memcmp(&a->ip, any4, 16) == 0;
}

/* Addresses the virtual machine has: loopback (127.0.0.0/8, ::1) and every
 * address of the scenario's `host` table. */
bool vaddr_is_local(const struct vaddr *a)
{
	if (vaddr_is_v4(a) && a->ip.s6_addr[12] == 127)
		return true;
	if (IN6_IS_ADDR_LOOPBACK(&a->ip))
		return true;
	const struct sf_scenario *sc = &sf_config.scenario;
	for (unsigned h = 0; sf_config.has_scenario && h < sc->nhosts; h++) {
		for (unsigned i = 0; i < sc->hosts[h].naddrs; i++) {
			struct vaddr x = {.port = 0};
			if (sc->hosts[h].addrs[i].family == AF_INET) {
				x.ip.s6_addr[10] = x.ip.s6_addr[11] = 0xff;
				memcpy(&x.ip.s6_addr[12], sc->hosts[h].addrs[i].addr, 4);
			} else {
				memcpy(&x.ip, sc->hosts[h].addrs[i].addr, 16);
			}
			if (memcmp(&x.ip, &a->ip, 16) == 0)
				return true;
		}
	}
	return false;
}

int vaddr_from_sockaddr(const struct sf_vsock *v, const struct sockaddr *sa, socklen_t len,
			struct vaddr *out, bool for_connect)
{
	memset(out, 0, sizeof(*out));
	if (!sa)
		return -EFAULT;
	if (v->domain == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		if (len < (socklen_t)sizeof(*in))
			return -EINVAL;
		/* inet_bind(): AF_UNSPEC is accepted for INADDR_ANY (old programs). */
		if (in->sin_family != AF_INET &&
		    !(in->sin_family == AF_UNSPEC && !for_connect && in->sin_addr.s_addr == htonl(INADDR_ANY)))
			return -EAFNOSUPPORT;
		out->ip.s6_addr[10] = out->ip.s6_addr[11] = 0xff;
		memcpy(&out->ip.s6_addr[12], &in->sin_addr, 4);
		out->port = ntohs(in->sin_port);
		return 0;
	}
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	if (len < 24) /* SIN6_LEN_RFC2133 */
		return -EINVAL;
	if (in6->sin6_family != AF_INET6)
		return for_connect ? -EAFNOSUPPORT : -EINVAL;
	out->ip = in6->sin6_addr;
	out->port = ntohs(in6->sin6_port);
	return 0;
}

socklen_t vaddr_to_sockaddr(const struct sf_vsock *v, const struct vaddr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (v->domain == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(a->port);
		memcpy(&in->sin_addr, &a->ip.s6_addr[12], 4);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(a->port);
	in6->sin6_addr = a->ip;
	/* An AF_INET6 socket's wildcard v4-mapped form is reported as :: */
	if (memcmp(&a->ip, &(struct in6_addr){.s6_addr = {[10] = 0xff, [11] = 0xff}}, 16) == 0)
		memset(&in6->sin6_addr, 0, 16);
	return sizeof(*in6);
}

int vaddr_copy_out(const struct sf_vsock *v, const struct vaddr *a, struct sockaddr *sa, socklen_t *len)
{
	struct sockaddr_storage ss;
	socklen_t n = vaddr_to_sockaddr(v, a, &ss);
	if (!len)
		return -EFAULT;
	if ((int)*len < 0)
		return -EINVAL;
	if (!sa && *len)
		return -EFAULT;
	memcpy(sa, &ss, *len < n ? *len : n);
	*len = n;
	return 0;
}

/* --- ports --- */

static int proto_of(const struct sf_vsock *v)
{
	return v->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
}

/* Whether two sockets' bound addresses overlap (inet_bind_conflict, in its
 * essentials): the same address, or a wildcard covering the other. */
static bool overlap(const struct sf_vsock *a, const struct sf_vsock *b)
{
	bool a4 = vaddr_is_v4(&a->local), b4 = vaddr_is_v4(&b->local);
	bool aany = vaddr_is_any(&a->local), bany = vaddr_is_any(&b->local);
	/* An AF_INET6 socket on :: without V6ONLY also covers IPv4. */
	bool acovers4 = a4 || (aany && !a->v6only), bcovers4 = b4 || (bany && !b->v6only);
	bool acovers6 = !a4, bcovers6 = !b4;
	if (aany || bany) {
		if (aany && bany)
			return (acovers4 && bcovers4) || (acovers6 && bcovers6);
		const struct sf_vsock *w = aany ? a : b, *o = aany ? b : a;
		bool o4 = vaddr_is_v4(&o->local);
		return o4 ? (w == a ? acovers4 : bcovers4) : !vaddr_is_v4(&w->local);
	}
	return memcmp(&a->local.ip, &b->local.ip, 16) == 0;
}

static bool conflicts(const struct sf_vsock *v, const struct sf_vsock *o)
{
	/* The cheap tests first: the clock is read only for a TIME_WAIT
	 * socket on our very port, not once per socket of the network. */
	if (o == v || !o->bound || proto_of(o) != proto_of(v) || o->local.port != v->local.port)
		return false;
	if (o->released && o->tw_until <= sf_now_ns())
		return false; /* a closed socket holds its port only in TIME_WAIT */
	if (!overlap(v, o))
		return false;
	if (v->reuseport && o->reuseport)
		return false;
	/* SO_REUSEADDR: TCP may share a port with sockets that do not listen
	 * (TIME_WAIT is what it is for); UDP shares it outright. */
	if (v->reuseaddr && o->reuseaddr && (v->type == SOCK_DGRAM || (o->state != VS_LISTEN && v->state != VS_LISTEN)))
		return false;
	return true;
}

static bool port_free(struct sf_vsock *v)
{
	for (struct sf_vsock *o = T->all; o; o = o->all_next)
		if (conflicts(v, o))
			return false;
	return true;
}

/* Frees the TIME_WAIT sockets whose time is up (TCP_TIMEWAIT_LEN, 60 s) at
 * `now`.  vsock_unref unlinks and frees only the socket it is given, so the
 * walk goes on from the successor saved before it. */
static void reap_time_wait(uint64_t now)
{
	for (struct sf_vsock *o = T->all, *next; o; o = next) {
		next = o->all_next;
		if (o->released && o->tw_until && o->tw_until <= now) {
			o->tw_until = 0;
			o->bound = false;
			vsock_unref(o);
		}
	}
}

void vnet_end_time_wait(void)
{
	reap_time_wait(UINT64_MAX);
}

/* A socket keeps its pair exactly while some fd of the program refers to
 * it (sf_vsock_release closes it), so the list says whether the fd table
 * has virtual entries without a walk over the table (the in-process
 * library's question: a private network). */
bool vnet_open_fds(void)
{
	for (struct sf_vsock *o = T->all; o; o = o->all_next)
		if (o->paired)
			return true;
	return false;
}

int vnet_bind_locked(struct sf_vsock *v, const struct vaddr *a, bool explicit_bind)
{
	reap_time_wait(sf_now_ns());
	if (!vaddr_is_any(a) && !vaddr_is_local(a))
		return -EADDRNOTAVAIL;
	if (v->domain == AF_INET6 && v->v6only && vaddr_is_v4(a))
		return -EINVAL;
	v->local = *a;
	if (a->port) {
		if (!port_free(v)) {
			memset(&v->local, 0, sizeof(v->local));
			return -EADDRINUSE;
		}
	} else {
		/* ip_local_port_range 32768-60999. */
		bool found = false;
		for (unsigned i = 0; i < 28232 && !found; i++) {
			if (T->next_ephemeral < 32768 || T->next_ephemeral > 60999)
				T->next_ephemeral = 32768;
			v->local.port = T->next_ephemeral++;
			found = port_free(v);
		}
		if (!found) {
			memset(&v->local, 0, sizeof(v->local));
			return -EADDRINUSE;
		}
	}
	v->bound = true;
	if (explicit_bind) {
		v->addr_lock = !vaddr_is_any(a);
		v->port_lock = a->port != 0;
	}
	return 0;
}

struct sf_vsock *vnet_first(void)
{
	return T->all;
}

bool vnet_listen_conflict(const struct sf_vsock *v)
{
	for (struct sf_vsock *o = T->all; o; o = o->all_next)
		if (o != v && o->state == VS_LISTEN && !o->released && o->type == v->type &&
		    o->local.port == v->local.port && overlap(v, o) && !(v->reuseport && o->reuseport))
			return true;
	return false;
}

void vnet_unbind_soft(struct sf_vsock *v)
{
	if (!v->addr_lock) {
		bool v4 = v->domain == AF_INET || vaddr_is_v4(&v->local);
		memset(&v->local.ip, 0, sizeof(v->local.ip));
		if (v4 && v->domain == AF_INET)
			v->local.ip.s6_addr[10] = v->local.ip.s6_addr[11] = 0xff;
	}
	if (!v->port_lock) {
		v->bound = false;
		v->local.port = 0;
	}
}

struct sf_vsock *vnet_find(int type, const struct vaddr *dst, bool listening)
{
	struct sf_vsock *wild = NULL;
	bool d4 = vaddr_is_v4(dst);
	for (struct sf_vsock *o = T->all; o; o = o->all_next) {
		if (o->type != type || !o->bound || o->released || o->local.port != dst->port)
			continue;
		if (listening && o->state != VS_LISTEN)
			continue;
		if (!listening && !o->paired)
			continue;
		if (memcmp(&o->local.ip, &dst->ip, 16) == 0)
			return o;
		if (vaddr_is_any(&o->local) && !wild) {
			bool o4 = vaddr_is_v4(&o->local);
			if (d4 ? (o4 || !o->v6only) : !o4)
				wild = o;
		}
	}
	return wild;
}

/* --- the shim's ends of the fd pairs ---
 *
 * The program must not close or overwrite them by accident: close() of one
 * is EBADF (the program never opened that number), dup2/dup3 onto one first
 * moves ours elsewhere, close_range skips them.  A bitmap over the fd table's
 * range, allocated by the constructor; bits change under the network lock and
 * are read without it. */

static void hidden_mark(int fd, bool on)
{
	if (!hidden_map || fd < 0 || (unsigned)fd >= SF_FD_MAX)
		return;
	unsigned char bit = (unsigned char)(1u << (fd & 7));
	if (on)
		atomic_fetch_or(&hidden_map[fd >> 3], bit);
	else
		atomic_fetch_and(&hidden_map[fd >> 3], (unsigned char)~bit);
}

static void hidden_close(int fd)
{
	hidden_mark(fd, false);
	sf_libc()->close(fd);
}

bool sf_vnet_is_hidden(int fd)
{
	if (!hidden_map || fd < 0 || (unsigned)fd >= SF_FD_MAX)
		return false;
	return (atomic_load_explicit(&hidden_map[fd >> 3], memory_order_relaxed) >> (fd & 7)) & 1;
}

/* --- the in-process pool of pairs ---
 *
 * A socketpair and its closes are most of what a virtual socket costs the
 * in-process library (sockfault_fuzz.h), which makes and drops a listening
 * and an accepted socket per input.  There (one thread, no fork by
 * contract), a released socket's pair goes back to a small pool instead,
 * both ends hidden: the pool's own copy of the program end and `sig`.  The
 * next socket() gets a dup of that copy (one fcntl, no new file: the
 * program end's fd number is still the lowest free one), and the program's
 * close only drops its dup.  A pair is pooled only if it is clean -- no
 * token queued, send buffer drained, O_ASYNC off (F_GETFL; O_NONBLOCK is
 * set right at reuse) -- and was never in a kernel epoll set: epoll keeps a registration while the
 * file lives (epoll(7), "Q6"), which the program's close no longer ends. */

#define POOL_MAX 8
static struct {
	int prog, sig;
	bool nb;                /* O_NONBLOCK of the program end's file */
} pool[POOL_MAX];               /* guarded by sf_vnet_lock */
static unsigned npool;          /* guarded by sf_vnet_lock */

/* Closes every idle pair (before the program's close_range or dup2 can
 * reach one of their numbers). */
static void pool_drop(void)
{
	while (npool) {
		npool--;
		hidden_close(pool[npool].prog);
		hidden_close(pool[npool].sig);
	}
}

/* v's fds are gone (sf_vsock_release): its pair back into the pool if it
 * can be made clean, else closed. */
static void pool_put(struct sf_vsock *v)
{
	const struct sf_syscalls *libc = sf_libc();
	bool ok = v->pool_prog >= 0 && v->sig_at[0] >= 0 && npool < POOL_MAX && !v->kernel_epoll &&
		  !vsock_orphan(v) && sf_vnet_pool_pairs;
	if (ok && v->tok) {
		char c[64];
		ssize_t want = 1 + v->tok_extra;
		ok = want <= (ssize_t)sizeof(c) && libc->recv(v->pool_prog, c, (size_t)want, MSG_DONTWAIT) == want;
	}
	if (ok && v->full) {
		char buf[8192]; /* more than the 4.5 KB the fill leaves: one call */
		while (libc->recv(v->sig_at[0], buf, sizeof(buf), MSG_DONTWAIT) == (ssize_t)sizeof(buf))
			;
	}
	/* The file's flags, which the program's fcntl may have changed (the
	 * next socket gets its O_NONBLOCK set right; O_ASYNC we do not undo). */
	int fl = ok ? libc->fcntl(v->pool_prog, F_GETFL) : -1;
	if (ok && (fl < 0 || (fl & O_ASYNC)))
		ok = false;
	if (ok) {
		pool[npool].prog = v->pool_prog;
		pool[npool].sig = v->sig_at[0];
		pool[npool].nb = (fl & O_NONBLOCK) != 0;
		npool++;
	} else {
		if (v->pool_prog >= 0)
			hidden_close(v->pool_prog);
		if (v->sig_at[0] >= 0)
			hidden_close(v->sig_at[0]);
	}
	v->pool_prog = v->sig_at[0] = -1;
}

void sf_vnet_evict(int fd)
{
	vnet_lock();
	if (sf_vnet_is_hidden(fd))
		pool_drop();
	for (int s = 0; s < VPROC_MAX; s++) {
		if (pidfd_of[s] == fd) { /* made again when needed */
			hidden_close(fd);
			pidfd_of[s] = -1;
		}
	}
	if (vnet_sh && fd == varena_fd()) {
		int base = hidden_base > 0 ? hidden_base : 3;
		int n = sf_libc()->fcntl(fd, F_DUPFD_CLOEXEC, fd + 1 > base ? fd + 1 : base);
		if (n >= 0) {
			hidden_close(fd);
			varena_set_fd(n);
			hidden_mark(n, true);
		}
	}
	for (struct sf_vsock *v = T->all; v && sf_vnet_is_hidden(fd); v = v->all_next) {
		int *mine = &v->sig_at[vnet_slot];
		int *slot = *mine == fd ? mine : v->pool_prog == fd ? &v->pool_prog : NULL;
		if (!slot)
			continue;
		int base = hidden_base > 0 ? hidden_base : 3;
		int n = sf_libc()->fcntl(fd, F_DUPFD_CLOEXEC, fd + 1 > base ? fd + 1 : base);
		if (n < 0)
			n = sf_libc()->fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (n >= 0) {
			hidden_close(fd);
			*slot = n;
			hidden_mark(n, true);
		}
	}
	vnet_unlock();
}

int sf_vnet_close_range(unsigned first, unsigned last, int flags)
{
	/* Close the gaps between our fds, in order. */
	int r = 0;
	unsigned from = first;
	vnet_lock();
	pool_drop();
	for (;;) {
		/* The next of ours (shim ends, pidfds, the network file): the
		 * bitmap has them all. */
		unsigned next = UINT32_MAX;
		for (unsigned fd = from; fd <= last && fd < SF_FD_MAX; fd++) {
			if (!(fd & 7) && fd + 7 <= last && !atomic_load_explicit(&hidden_map[fd >> 3], memory_order_relaxed)) {
				fd += 7;
				continue;
			}
			if (sf_vnet_is_hidden((int)fd)) {
				next = fd;
				break;
			}
		}
		if (next == UINT32_MAX) {
			r = (int)sf_neg(sf_libc()->close_range(from, last, flags));
			break;
		}
		if (next > from && (r = (int)sf_neg(sf_libc()->close_range(from, next - 1, flags))))
			break;
		if (next == last)
			break;
		from = next + 1;
	}
	vnet_unlock();
	return r;
}

/* --- sockets --- */

struct sf_vsock *vsock_new(int domain, int type, int protocol)
{
	struct sf_vsock *v = vmem_alloc(sizeof(*v), true);
	if (!v)
		return NULL;
	v->domain = domain;
	v->type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	v->protocol = protocol ? protocol : (v->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP);
	v->owner = vnet_sh ? 0 : vnet_pid;
	for (int i = 0; i < VPROC_MAX; i++)
		v->sig_at[i] = -1;
	v->pool_prog = -1;
	v->refs = 1;
	/* tcp_wmem/tcp_rmem defaults for TCP, wmem/rmem_default for UDP. */
	v->sndbuf = v->type == SOCK_STREAM ? 16384 : 212992;
	v->rcvbuf = v->type == SOCK_STREAM ? 131072 : 212992;
	v->all_next = T->all;
	if (T->all)
		T->all->all_prev = v;
	T->all = v;
	T->nall++;
	return v;
}

void vsock_unref(struct sf_vsock *v)
{
	if (--v->refs > 0)
		return;
	if (v->all_prev)
		v->all_prev->all_next = v->all_next;
	else
		T->all = v->all_next;
	if (v->all_next)
		v->all_next->all_prev = v->all_prev;
	T->nall--;
	close_sigs(v);
	if (v->pool_prog >= 0)
		hidden_close(v->pool_prog);
	vbuf_free(&v->rx);
	if (v->lk)
		vlink_free(v);
	for (struct vdgram *d = v->dq_head, *n; d; d = n) {
		n = d->next;
		vmem_free(d);
	}
	vwait_free(v);
	vmem_free(v);
}

/* The program end gets the lowest free number (as socket() would); the
 * shim's end moves to >= 3/4 of RLIMIT_NOFILE so it does not take the number
 * the program's next socket would get.  Both ends are AF_UNIX stream sockets;
 * the program end's send buffer is made as small as the kernel allows so that
 * filling it (writability mirror) costs a few KB. */
static void learn_hidden_base(void)
{
	if (hidden_base < 0) {
		struct rlimit rl;
		hidden_base = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
				      rl.rlim_cur >= 64 ? (int)(rl.rlim_cur / 4 * 3) : 0;
	}
}

int vsock_make_fds(struct sf_vsock *v, int flags)
{
	const struct sf_syscalls *libc = sf_libc();
	bool nb = (flags & SOCK_NONBLOCK) != 0;
	if (npool) {
		unsigned k = npool - 1;
		int fd = libc->fcntl(pool[k].prog, (flags & SOCK_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
		if (fd < 0)
			return -errno;
		if (pool[k].nb != nb && libc->fcntl(fd, F_SETFL, nb ? O_NONBLOCK : 0) != 0) {
			int e = errno;
			libc->close(fd);
			return -e;
		}
		npool--;
		v->pool_prog = pool[k].prog;
		v->sig_at[0] = pool[k].sig;
		v->paired = true;
		v->tok = v->full = false;
		v->tok_extra = 0;
		atomic_store(&v->nonblock, nb);
		return fd;
	}
	int sv[2];
	if (libc->socketpair(AF_UNIX, SOCK_STREAM | (flags & (SOCK_NONBLOCK | SOCK_CLOEXEC)), 0, sv) != 0)
		return -errno;
	int one = 1;
	libc->setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
	learn_hidden_base();
	int hi = hidden_base > 0 ? libc->fcntl(sv[1], F_DUPFD_CLOEXEC, hidden_base) : -1;
	if (hi >= 0) {
		libc->close(sv[1]);
		sv[1] = hi;
	} else {
		libc->fcntl(sv[1], F_SETFD, FD_CLOEXEC);
	}
	v->sig_at[vnet_slot] = sv[1];
	v->paired = true;
	v->procs |= 1ull << vnet_slot;
	hidden_mark(sv[1], true);
	if (vnet_sh) {
		struct stat st;
		v->prog_ino = fstat(sv[0], &st) == 0 ? (unsigned long)st.st_ino : 0;
		v->sig_ino = fstat(sv[1], &st) == 0 ? (unsigned long)st.st_ino : 0;
	}
	if (sf_vnet_pool_pairs && hi >= 0) {
		/* The pool's copy of the program end (see pool_put). */
		v->pool_prog = libc->fcntl(sv[0], F_DUPFD_CLOEXEC, hidden_base);
		hidden_mark(v->pool_prog, true);
	}
	v->tok = v->full = false;
	atomic_store(&v->nonblock, (flags & SOCK_NONBLOCK) != 0);
	return sv[0];
}

const struct sf_vnet_peer *sf_vnet_peer; /* see peer.h: set before any virtual socket */
bool sf_vnet_pool_pairs;                  /* see peer.h: set with it */

/* The fd table's hooks: the last reference to a virtual sf_socket, and its
 * addresses for the fault engine's matchers. */
static void release_hook(struct sf_vsock *v)
{
	sf_vsock_release(v);
}

static int name_hook(struct sf_vsock *v, bool peer, struct sockaddr *a, socklen_t *l)
{
	return peer ? sf_vsock_getpeername(v, a, l) : sf_vsock_getsockname(v, a, l);
}

int vsock_install(struct sf_vsock *v, int fd, struct sf_socket **old)
{
	struct sf_socket *s = sf_socket_new(v->domain, v->type, v->protocol);
	*old = NULL;
	if (!s)
		return -ENOMEM;
	s->v = v;
	if (sf_fd_install(fd, s, old) != 0) {
		s->v = NULL;
		sf_socket_put(s);
		return -EMFILE;
	}
	return 0;
}

int sf_vsock_socket(int domain, int type, int protocol)
{
	if (sf_vnet_peer)
		sf_vnet_peer->load();
	struct sf_socket *old = NULL;
	if (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC | 0xf))
		return -EINVAL;
	vnet_lock();
	struct sf_vsock *v = vsock_new(domain, type, protocol);
	int fd = -ENOMEM;
	if (!v)
		goto out;
	fd = vsock_make_fds(v, type);
	if (fd < 0) {
		vsock_unref(v);
		goto out;
	}
	vnet_sync(v, fd);
	int r = vsock_install(v, fd, &old);
	if (r < 0) {
		sf_libc()->close(fd);
		vsock_unref(v);
		fd = r;
	}
out:
	vnet_unlock();
	/* A stale entry (fd closed behind our back) may be virtual: its
	 * release takes the network lock. */
	if (old)
		sf_socket_put(old);
	return fd;
}

/* Every descriptor of v in every process is closed: what close(2) of the
 * last one does. */
static void release_locked(struct sf_vsock *v)
{
	v->released = true;
	if (!vsock_orphan(v)) {
		if (v->type == SOCK_STREAM)
			vtcp_release(v);
		else
			vudp_release(v);
	}
	/* Nothing waits on a released socket's fds any more. */
	if (v->pool_prog >= 0)
		pool_put(v);
	close_sigs(v);
	v->paired = false;
	if (!v->rx.wbusy) /* else the writer's reference frees it (vsock_unref) */
		vbuf_free(&v->rx);
	if (!v->tw_until)
		v->bound = false;
	vsock_unref(v);
}

/* Slot s holds no descriptor of v any more (its last one closed, it
 * exited or died, or exec closed it); the socket goes with the last
 * holder, as a file goes with its last descriptor. */
static void drop_member(struct sf_vsock *v, int s)
{
	v->procs &= ~(1ull << s);
	if ((v->procs || v->transit) && vnet_sh)
		return;
	release_locked(v);
}

void sf_vsock_release(struct sf_vsock *v)
{
	vnet_lock();
	vwait_release(v); /* our epoll records of it */
	if (vnet_sh && v->sig_at[vnet_slot] >= 0 && (v->procs & ~(1ull << vnet_slot))) {
		/* Others hold it: our copy of the shim's end is not needed. */
		hidden_close(v->sig_at[vnet_slot]);
		v->sig_at[vnet_slot] = -1;
	}
	drop_member(v, vnet_slot);
	vnet_unlock();
}

/* --- calls --- */

/* A copy of the network that fork left in a child (see atfork_child). */
static bool orphan(const struct sf_vsock *v)
{
	return vsock_orphan(v);
}

int sf_vsock_bind(struct sf_vsock *v, const struct sockaddr *addr, socklen_t len)
{
	struct vaddr a;
	int r = vaddr_from_sockaddr(v, addr, len, &a, false);
	if (r)
		return r;
	vnet_lock();
	if (orphan(v))
		r = -ENETDOWN;
	else if (v->bound)
		r = -EINVAL; /* inet_bind: already bound */
	else
		r = vnet_bind_locked(v, &a, true);
	vnet_unlock();
	return r;
}

int sf_vsock_connect(struct sf_vsock *v, int fd, const struct sockaddr *addr, socklen_t len)
{
	struct vaddr a;
	if (len >= sizeof(sa_family_t) && addr && addr->sa_family == AF_UNSPEC) {
		memset(&a, 0, sizeof(a));
		a.port = 0;
	} else {
		int r = vaddr_from_sockaddr(v, addr, len, &a, true);
		if (r)
			return r;
	}
	bool nb = v->type == SOCK_STREAM && vnet_nonblocking(v, 0);
	vnet_lock();
	int r;
	if (orphan(v))
		r = -ENETDOWN;
	else
		r = v->type == SOCK_STREAM ? vtcp_connect(v, fd, addr->sa_family == AF_UNSPEC ? NULL : &a, nb)
					   : vudp_connect(v, addr->sa_family == AF_UNSPEC ? NULL : &a);
	vnet_sync(v, fd);
	vnet_unlock();
	return r;
}

int sf_vsock_getsockname(struct sf_vsock *v, struct sockaddr *addr, socklen_t *len)
{
	vnet_lock();
	struct vaddr a = v->local;
	if (!v->bound) {
		/* Unbound: the address a bind kept over a disconnect, else the
		 * wildcard; port 0. */
		if (!v->addr_lock) {
			memset(&a, 0, sizeof(a));
			if (v->domain == AF_INET)
				a.ip.s6_addr[10] = a.ip.s6_addr[11] = 0xff;
		}
		a.port = 0;
	}
	vnet_unlock();
	return vaddr_copy_out(v, &a, addr, len);
}

int sf_vsock_getpeername(struct sf_vsock *v, struct sockaddr *addr, socklen_t *len)
{
	vnet_lock();
	/* A stream whose peer reset it has no peer any more (inet_getname:
	 * TCP_CLOSE gives ENOTCONN); one whose peer merely closed still has. */
	bool ok = v->has_remote && v->state == VS_CONNECTED && !v->connecting;
	if (v->type == SOCK_STREAM && v->reset)
		ok = false;
	if (v->type == SOCK_STREAM && v->connecting && v->state == VS_CONNECTED)
		ok = true;
	struct vaddr a = v->remote;
	vnet_unlock();
	if (!ok)
		return -ENOTCONN;
	return vaddr_copy_out(v, &a, addr, len);
}

/* Options that are accepted and reported back without changing what the
 * network does, with the value Linux reports before any setsockopt. */
static const struct vopt known_opts[] = {
	{SOL_SOCKET, SO_DONTROUTE, 0}, {SOL_SOCKET, SO_PRIORITY, 0}, {SOL_SOCKET, SO_RCVLOWAT, 1},
	{SOL_SOCKET, SO_SNDLOWAT, 1}, {SOL_SOCKET, SO_PASSCRED, 0}, {SOL_SOCKET, SO_TIMESTAMP, 0},
	{SOL_SOCKET, SO_TIMESTAMPNS, 0}, {SOL_SOCKET, SO_MARK, 0}, {SOL_SOCKET, SO_RCVBUFFORCE, 0},
	{SOL_SOCKET, SO_SNDBUFFORCE, 0}, {SOL_SOCKET, SO_BUSY_POLL, 0}, {SOL_SOCKET, SO_ZEROCOPY, 0},
	{SOL_SOCKET, SO_INCOMING_CPU, -1},
	{IPPROTO_TCP, TCP_NODELAY, 0}, {IPPROTO_TCP, TCP_MAXSEG, 536}, {IPPROTO_TCP, TCP_CORK, 0},
	{IPPROTO_TCP, TCP_KEEPIDLE, 7200}, {IPPROTO_TCP, TCP_KEEPINTVL, 75}, {IPPROTO_TCP, TCP_KEEPCNT, 9},
	{IPPROTO_TCP, TCP_SYNCNT, 6}, {IPPROTO_TCP, TCP_LINGER2, 60}, {IPPROTO_TCP, TCP_DEFER_ACCEPT, 0},
	{IPPROTO_TCP, TCP_WINDOW_CLAMP, 0}, {IPPROTO_TCP, TCP_QUICKACK, 1}, {IPPROTO_TCP, TCP_USER_TIMEOUT, 0},
	{IPPROTO_TCP, TCP_NOTSENT_LOWAT, 0}, {IPPROTO_TCP, TCP_FASTOPEN, 0},
	{IPPROTO_IP, IP_TTL, 64}, {IPPROTO_IP, IP_TOS, 0}, {IPPROTO_IP, IP_RECVTOS, 0},
	{IPPROTO_IP, IP_RECVTTL, 0}, {IPPROTO_IP, IP_PKTINFO, 0}, {IPPROTO_IP, IP_RECVERR, 0},
	{IPPROTO_IP, IP_MTU_DISCOVER, 1}, {IPPROTO_IP, IP_MULTICAST_TTL, 1},
	{IPPROTO_IP, IP_MULTICAST_LOOP, 1}, {IPPROTO_IP, IP_FREEBIND, 0}, {IPPROTO_IP, IP_TRANSPARENT, 0},
	{IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 0}, {IPPROTO_IP, IP_RECVORIGDSTADDR, 0},
	{IPPROTO_IPV6, IPV6_UNICAST_HOPS, 64}, {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 1},
	{IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1}, {IPPROTO_IPV6, IPV6_RECVPKTINFO, 0},
	{IPPROTO_IPV6, IPV6_TCLASS, 0}, {IPPROTO_IPV6, IPV6_RECVTCLASS, 0},
	{IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 0}, {IPPROTO_IPV6, IPV6_RECVERR, 0},
	{IPPROTO_IPV6, IPV6_MTU_DISCOVER, 1}, {IPPROTO_IPV6, IPV6_DONTFRAG, 0},
};

/* Options Linux stores as a flag: any non-zero value reads back as 1. */
static bool boolean_opt(int level, int name)
{
	static const struct { int level, name; } flags[] = {
		{SOL_SOCKET, SO_DONTROUTE},
		{SOL_SOCKET, SO_PASSCRED},
		{SOL_SOCKET, SO_TIMESTAMP},
		{SOL_SOCKET, SO_TIMESTAMPNS},
		{SOL_SOCKET, SO_ZEROCOPY},
		{IPPROTO_TCP, TCP_NODELAY},
		{IPPROTO_TCP, TCP_CORK},
		{IPPROTO_TCP, TCP_QUICKACK},
		{IPPROTO_IP, IP_RECVTOS},
		{IPPROTO_IP, IP_RECVTTL},
		{IPPROTO_IP, IP_PKTINFO},
		{IPPROTO_IP, IP_RECVERR},
		{IPPROTO_IP, IP_MULTICAST_LOOP},
		{IPPROTO_IP, IP_FREEBIND},
		{IPPROTO_IP, IP_TRANSPARENT},
		{IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT},
		{IPPROTO_IP, IP_RECVORIGDSTADDR},
		{IPPROTO_IPV6, IPV6_MULTICAST_LOOP},
		{IPPROTO_IPV6, IPV6_RECVPKTINFO},
		{IPPROTO_IPV6, IPV6_RECVTCLASS},
		{IPPROTO_IPV6, IPV6_RECVHOPLIMIT},
		{IPPROTO_IPV6, IPV6_RECVERR},
		{IPPROTO_IPV6, IPV6_DONTFRAG},
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (flags[i].level == level && flags[i].name == name)
			return true;
	return false;
}

static const struct vopt *known(const struct sf_vsock *v, int level, int name)
{
	if ((level == IPPROTO_TCP && v->type != SOCK_STREAM) || (level == IPPROTO_IPV6 && v->domain != AF_INET6))
		return NULL;
	for (size_t i = 0; i < sizeof(known_opts) / sizeof(known_opts[0]); i++)
		if (known_opts[i].level == level && known_opts[i].name == name)
			return &known_opts[i];
	return NULL;
}

static int put_int(void *val, socklen_t *len, int x)
{
	if (!len || !val)
		return -EFAULT;
	if ((int)*len < 0)
		return -EINVAL;
	socklen_t n = *len < sizeof(int) ? *len : sizeof(int);
	memcpy(val, &x, n);
	*len = n;
	return 0;
}

static int put_blob(void *val, socklen_t *len, const void *x, socklen_t size)
{
	if (!len || !val)
		return -EFAULT;
	if ((int)*len < 0)
		return -EINVAL;
	socklen_t n = *len < size ? *len : size;
	memcpy(val, x, n);
	*len = n;
	return 0;
}

int vsock_opt(const struct sf_vsock *v, int level, int name)
{
	const struct vopt *k = known(v, level, name);
	int x = k ? k->value : 0;
	for (int i = 0; i < v->nopts; i++)
		if (v->opts[i].level == level && v->opts[i].name == name)
			x = v->opts[i].value;
	return x;
}

int sf_vsock_getsockopt(struct sf_vsock *v, int fd, int level, int name, void *val, socklen_t *len)
{
	int r = 0, x = 0;
	vnet_lock();
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ERROR:
			x = v->so_error;
			v->so_error = 0;
			vnet_sync(v, fd);
			break;
		case SO_TYPE: x = v->type; break;
		case SO_DOMAIN: x = v->domain; break;
		case SO_PROTOCOL: x = v->protocol; break;
		case SO_ACCEPTCONN: x = v->state == VS_LISTEN; break;
		case SO_REUSEADDR: x = v->reuseaddr; break;
		case SO_REUSEPORT: x = v->reuseport; break;
		case SO_KEEPALIVE: x = v->keepalive; break;
		case SO_BROADCAST: x = v->broadcast; break;
		case SO_OOBINLINE: x = v->oobinline; break;
		case SO_SNDBUF: x = v->sndbuf; break;
		case SO_RCVBUF: x = v->rcvbuf; break;
		case SO_LINGER: {
			struct linger l = {v->linger_on, v->linger_secs};
			vnet_unlock();
			return put_blob(val, len, &l, sizeof(l));
		}
		case SO_RCVTIMEO:
		case SO_SNDTIMEO: {
			struct timeval tv = name == SO_RCVTIMEO ? v->rcvtimeo : v->sndtimeo;
			vnet_unlock();
			return put_blob(val, len, &tv, sizeof(tv));
		}
		default:
			goto generic;
		}
		vnet_unlock();
		return put_int(val, len, x);
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && v->domain == AF_INET6) {
		x = v->v6only;
		vnet_unlock();
		return put_int(val, len, x);
	}
generic:;
	const struct vopt *k = known(v, level, name);
	if (!k) {
		r = -ENOPROTOOPT;
	} else {
		x = k->value;
		if (level == IPPROTO_TCP && name == TCP_MAXSEG && v->state == VS_CONNECTED)
			x = 65483; /* loopback MTU 65536 minus headers, what Linux reports */
		for (int i = 0; i < v->nopts; i++)
			if (v->opts[i].level == level && v->opts[i].name == name)
				x = v->opts[i].value;
	}
	vnet_unlock();
	return r ? r : put_int(val, len, x);
}

int sf_vsock_setsockopt(struct sf_vsock *v, int fd, int level, int name, const void *val, socklen_t len)
{
	(void)fd;
	int x = 0, r = 0;
	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		struct timeval tv;
		if (!val)
			return -EFAULT;
		if (len < sizeof(tv))
			return -EINVAL;
		memcpy(&tv, val, sizeof(tv));
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EDOM;
		if (tv.tv_sec < 0)
			tv.tv_sec = tv.tv_usec = 0; /* sock_set_timeout: negative = 0 */
		vnet_lock();
		if (name == SO_RCVTIMEO)
			v->rcvtimeo = tv;
		else
			v->sndtimeo = tv;
		vnet_unlock();
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l;
		if (!val)
			return -EFAULT;
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		vnet_lock();
		v->linger_on = l.l_onoff != 0;
		v->linger_secs = l.l_linger;
		vnet_unlock();
		return 0;
	}
	if (!val && len)
		return -EFAULT;
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&x, val, sizeof(int));
	vnet_lock();
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR: v->reuseaddr = x != 0; goto out;
		case SO_REUSEPORT: v->reuseport = x != 0; goto out;
		case SO_KEEPALIVE: v->keepalive = x != 0; goto out;
		case SO_BROADCAST: v->broadcast = x != 0; goto out;
		case SO_OOBINLINE: v->oobinline = x != 0; goto out;
		case SO_SNDBUF:
			/* sock_setsockopt: clamp to wmem_max, double, at least
			 * SOCK_MIN_SNDBUF (2 * (2048 + sizeof(struct sk_buff))). */
			x = x < 0 ? 0 : x > sf_vnet_wmem_max ? sf_vnet_wmem_max : x;
			v->sndbuf = x * 2 < 4608 ? 4608 : x * 2;
			goto out;
		case SO_RCVBUF:
			x = x < 0 ? 0 : x > sf_vnet_rmem_max ? sf_vnet_rmem_max : x;
			v->rcvbuf = x * 2 < 2304 ? 2304 : x * 2;
			goto out;
		case SO_TYPE: case SO_DOMAIN: case SO_PROTOCOL: case SO_ACCEPTCONN: case SO_ERROR:
			r = -ENOPROTOOPT;
			goto out;
		}
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && v->domain == AF_INET6) {
		if (v->bound)
			r = -EINVAL; /* do_ipv6_setsockopt: not after bind */
		else
			v->v6only = x != 0;
		goto out;
	}
	if (!known(v, level, name)) {
		r = -ENOPROTOOPT;
		goto out;
	}
	if (boolean_opt(level, name))
		x = x != 0;
	for (int i = 0; i < v->nopts; i++) {
		if (v->opts[i].level == level && v->opts[i].name == name) {
			v->opts[i].value = x;
			goto out;
		}
	}
	if (v->nopts < VOPT_MAX)
		v->opts[v->nopts++] = (struct vopt){level, name, x};
	else
		r = -ENOMEM;
out:
	vnet_unlock();
	return r;
}

int sf_vsock_shutdown(struct sf_vsock *v, int fd, int how)
{
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	int r = 0;
	vnet_lock();
	if (orphan(v)) {
		r = -ENETDOWN;
	} else if (v->type == SOCK_STREAM && v->state == VS_LISTEN) {
		/* inet_shutdown on a listener: it stops listening; a blocked
		 * accept wakes with EINVAL. */
		if (how != SHUT_WR) {
			v->rd_shut = true;
			vnet_wake(v);
		}
	} else if (v->state != VS_CONNECTED || (v->type == SOCK_STREAM && v->connecting && !v->peer)) {
		r = -ENOTCONN;
	} else {
		if (how != SHUT_WR)
			v->rd_shut = true;
		if (how != SHUT_RD && !v->wr_shut) {
			v->wr_shut = true;
			if (v->type == SOCK_STREAM && v->peer &&
			    (!v->peer->lk || !vlink_tcp_fin(v->peer))) { /* a link: it travels */
				v->peer->peer_fin = true;
				vnet_arrive(v->peer);
			}
		}
		vnet_notify(v);
	}
	vnet_sync(v, fd);
	vnet_unlock();
	return r;
}

void sf_vsock_reset(struct sf_vsock *v, int fd)
{
	vnet_lock();
	if (v->type == SOCK_STREAM && !orphan(v)) {
		struct sf_vsock *p = v->peer;
		if (p) {
			/* Over a link the RST travels, after our data. */
			if (!p->lk || !vlink_tcp_rst(p)) {
				p->reset = true;
				p->so_error = p->peer_fin ? EPIPE : ECONNRESET;
			}
			p->peer = NULL;
			vnet_arrive(p);
			vsock_unref(p);
			v->peer = NULL;
			vsock_unref(v);
		}
		v->reset = true;
		v->state = VS_CLOSED;
		vnet_sync(v, fd);
	}
	vnet_unlock();
}

int sf_vsock_ioctl(struct sf_vsock *v, int fd, unsigned long req, void *arg)
{
	int x = 0, r = 0;
	if (req == FIONBIO || req == FIOCLEX || req == FIONCLEX || req == FIOASYNC) {
		/* Flags of the kernel file; O_NONBLOCK is also cached. */
		r = (int)sf_neg(sf_libc()->ioctl(fd, req, arg));
		if (r == 0 && req == FIONBIO)
			sf_vsock_set_nonblock(v, *(int *)arg != 0);
		return r;
	}
	if (req != FIONREAD && req != SIOCOUTQ && req != SIOCOUTQNSD)
		return (int)sf_neg(sf_libc()->ioctl(fd, req, arg)); /* SIOCGIF*: any socket does */
	if (!arg)
		return -EFAULT;
	vnet_lock();
	if (req == FIONREAD) {
		if (v->type == SOCK_STREAM) {
			if (v->state == VS_LISTEN)
				r = -EINVAL;
			else
				x = (int)vtcp_rx_ready(v);
		} else {
			/* udp_ioctl SIOCINQ: the size of the first datagram. */
			x = v->dq_head ? (int)v->dq_head->len : 0;
		}
	} else if (v->type == SOCK_STREAM && v->state == VS_LISTEN) {
		r = -EINVAL;
	}
	/* SIOCOUTQ: nothing is ever in flight: a send lands in the peer's
	 * buffer at once. */
	vnet_unlock();
	if (!r)
		memcpy(arg, &x, sizeof(x));
	return r;
}

void sf_vsock_timeout(struct sf_vsock *v, bool rx, struct timeval *tv)
{
	vnet_lock();
	*tv = rx ? v->rcvtimeo : v->sndtimeo;
	vnet_unlock();
}

/* send(2): EPIPE "also sends SIGPIPE unless MSG_NOSIGNAL is set". */
static long maybe_sigpipe(long r, int flags)
{
	if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
		pthread_kill(pthread_self(), SIGPIPE);
	return r;
}

/* sendfile(2) into a virtual socket: read from in_fd, send what fits; with an
 * offset the file position is left alone and *offset advances by what was
 * sent; without one the position advances by exactly that much. */
static long vsendfile(struct sf_vsock *v, const struct sf_io *io)
{
	unsigned char buf[65536];
	size_t total = 0, want = io->len;
	struct stat st;
	if (fstat(io->in_fd, &st) != 0)
		return -EBADF;
	if (S_ISSOCK(st.st_mode))
		return -EINVAL; /* sendfile(2): in_fd "cannot be a socket" */
	off_t off = io->offset ? *io->offset : 0;
	while (total < want) {
		size_t chunk = want - total < sizeof(buf) ? want - total : sizeof(buf);
		ssize_t n = io->offset ? pread(io->in_fd, buf, chunk, off) : sf_libc()->read(io->in_fd, buf, chunk);
		if (n < 0) {
			if (total)
				break;
			return -errno;
		}
		if (n == 0)
			break;
		struct iovec iov = {buf, (size_t)n};
		long s = vtcp_send(v, io->fd, &iov, 1, total ? MSG_DONTWAIT : 0);
		if (v->type != SOCK_STREAM)
			s = vudp_send(v, io->fd, &iov, 1, 0, NULL, 0, NULL);
		if (s < 0) {
			if (!io->offset)
				lseek(io->in_fd, -(off_t)n, SEEK_CUR);
			if (total)
				break;
			return maybe_sigpipe(s, 0);
		}
		if (!io->offset && s < n)
			lseek(io->in_fd, -(off_t)(n - s), SEEK_CUR);
		total += (size_t)s;
		off += s;
		if (s < n)
			break;
	}
	if (io->offset)
		*io->offset = off;
	return (long)total;
}

static long vsend(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags,
		  const struct sockaddr *to, socklen_t tolen, const struct msghdr *ctl)
{
	/* Ancillary data on a stream is accepted and has no effect. */
	long r = v->type == SOCK_STREAM ? vtcp_send(v, fd, iov, cnt, flags)
					: vudp_send(v, fd, iov, cnt, flags, to, tolen, ctl);
	return maybe_sigpipe(r, flags);
}

static long vrecv(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags,
		  struct sockaddr *from, socklen_t *fromlen, int *mflags, struct msghdr *ctl)
{
	if (mflags)
		*mflags = 0;
	if (v->type == SOCK_STREAM) {
		long r = vtcp_recv(v, fd, iov, cnt, flags);
		if (r >= 0 && from && fromlen)
			*fromlen = 0; /* a connected stream reports no source */
		if (r >= 0 && ctl)
			ctl->msg_controllen = 0;
		return r;
	}
	return vudp_recv(v, fd, iov, cnt, flags, from, fromlen, mflags, ctl);
}

long sf_vsock_io(struct sf_vsock *v, const struct sf_io *io)
{
	struct iovec one;
	if (orphan(v))
		return -ENETDOWN;
	switch (io->call) {
	case SF_CALL_send:
	case SF_CALL_sendto:
	case SF_CALL_write:
		one = (struct iovec){(void *)io->cbuf, io->len};
		if (io->len && !io->cbuf)
			return -EFAULT;
		return vsend(v, io->fd, &one, 1, io->call == SF_CALL_write ? 0 : io->flags,
			     io->call == SF_CALL_sendto ? io->to : NULL, io->tolen, NULL);
	case SF_CALL_writev:
		if (io->iovcnt < 0 || io->iovcnt > IOV_MAX)
			return -EINVAL;
		if (!io->iov && io->iovcnt)
			return -EFAULT;
		return vsend(v, io->fd, io->iov, io->iovcnt, 0, NULL, 0, NULL);
	case SF_CALL_sendmsg:
		if (!io->msg)
			return -EFAULT;
		if (io->msg->msg_iovlen > IOV_MAX)
			return -EMSGSIZE;
		return vsend(v, io->fd, io->msg->msg_iov, (int)io->msg->msg_iovlen, io->flags,
			     io->msg->msg_name, io->msg->msg_namelen, io->msg);
	case SF_CALL_sendmmsg: {
		if (!io->vec)
			return -EFAULT;
		unsigned i;
		for (i = 0; i < io->vlen && i < 1024; i++) {
			struct msghdr *m = &io->vec[i].msg_hdr;
			long r = vsend(v, io->fd, m->msg_iov, (int)m->msg_iovlen, io->flags | (i ? MSG_DONTWAIT : 0),
				       m->msg_name, m->msg_namelen, m);
			if (r < 0) {
				if (i)
					break;
				return r;
			}
			io->vec[i].msg_len = (unsigned)r;
		}
		return (long)i;
	}
	case SF_CALL_sendfile:
		return vsendfile(v, io);
	case SF_CALL_recv:
	case SF_CALL_recvfrom:
	case SF_CALL_read:
		one = (struct iovec){io->buf, io->len};
		if (io->len && !io->buf)
			return -EFAULT;
		if (io->call == SF_CALL_read && v->type == SOCK_STREAM && !io->len)
			return 0; /* sock_read_iter: an empty read never reaches TCP */
		return vrecv(v, io->fd, &one, 1, io->call == SF_CALL_read ? 0 : io->flags,
			     io->call == SF_CALL_recvfrom ? io->from : NULL,
			     io->call == SF_CALL_recvfrom ? io->fromlen : NULL, NULL, NULL);
	case SF_CALL_readv:
		if (io->iovcnt < 0 || io->iovcnt > IOV_MAX)
			return -EINVAL;
		if (!io->iov && io->iovcnt)
			return -EFAULT;
		if (v->type == SOCK_STREAM && !sf_io_length(io))
			return 0; /* sock_read_iter: an empty read never reaches TCP */
		return vrecv(v, io->fd, io->iov, io->iovcnt, 0, NULL, NULL, NULL, NULL);
	case SF_CALL_recvmsg: {
		struct msghdr *m = io->msg;
		if (!m)
			return -EFAULT;
		if (m->msg_iovlen > IOV_MAX)
			return -EMSGSIZE;
		int mf = 0;
		long r = vrecv(v, io->fd, m->msg_iov, (int)m->msg_iovlen, io->flags,
			       m->msg_name, m->msg_name ? &m->msg_namelen : NULL, &mf, m);
		if (r >= 0) {
			m->msg_flags = mf;
			if (v->type == SOCK_STREAM)
				m->msg_namelen = 0;
		}
		return r;
	}
	case SF_CALL_recvmmsg: {
		if (!io->vec)
			return -EFAULT;
		unsigned i;
		for (i = 0; i < io->vlen && i < 1024; i++) {
			struct msghdr *m = &io->vec[i].msg_hdr;
			int mf = 0;
			long r = vrecv(v, io->fd, m->msg_iov, (int)m->msg_iovlen,
				       /* recvmmsg(2): after the first message only
					* what is already queued (MSG_WAITFORONE
					* behaviour; blocking for all of vlen is not
					* modelled) */
				       (io->flags & ~MSG_WAITFORONE) | (i ? MSG_DONTWAIT : 0), m->msg_name,
				       m->msg_name ? &m->msg_namelen : NULL, &mf, m);
			if (r < 0) {
				if (i)
					break;
				return r;
			}
			m->msg_flags = mf;
			io->vec[i].msg_len = (unsigned)r;
		}
		return (long)i;
	}
	default:
		return -ENOSYS;
	}
}

/* --- validation --- */

int sf_vsock_validate(struct sf_vsock *v, const char **why)
{
#define CHECK(cond)                       \
	do {                              \
		if (!(cond)) {            \
			*why = #cond;     \
			goto bad;         \
		}                         \
	} while (0)
	vnet_lock();
	CHECK(v->refs > 0);
	CHECK(v->domain == AF_INET || v->domain == AF_INET6);
	CHECK(v->type == SOCK_STREAM || v->type == SOCK_DGRAM);
	CHECK(v->rx.len <= v->rx.cap);
	CHECK(v->rx.cap == 0 || v->rx.head < v->rx.cap);
	CHECK(!v->peer || v->peer->peer == v);
	CHECK(!v->peer || v->type == SOCK_STREAM);
	CHECK(v->state != VS_LISTEN || v->bound);
	CHECK(v->qlen >= 0 && (v->qlen == 0) == (v->q_head == NULL));
	CHECK(v->waiters >= 0 && v->rx_waiters >= 0 && v->rx_waiters <= v->waiters);
	CHECK(v->sndbuf > 0 && v->rcvbuf > 0);
	CHECK(!v->released || !v->paired);
	if (vnet_sh) {
		/* A socket with descriptors has holders, and only members hold. */
		CHECK(!v->paired || v->released || v->procs);
		for (int s = 0; s < VPROC_MAX; s++)
			CHECK(!(v->procs & (1ull << s)) || vnet_sh->procs[s].state != VP_FREE);
	}
	if (v->type == SOCK_STREAM && v->peer)
		CHECK(v->peer->rx.len <= vtcp_capacity(v->peer) || v->peer->rx.len <= v->peer->rx.cap);
	vnet_unlock();
	*why = NULL;
	return 0;
bad:
	vnet_unlock();
	return -EINVAL;
#undef CHECK
}

int sf_vnet_validate(const char **why)
{
	vnet_lock();
	if (vnet_sh)
		reap(); /* the network as it is: without members that are gone */
	unsigned n = 0;
	for (struct sf_vsock *v = T->all; v; v = v->all_next)
		n++;
	vnet_unlock();
	if (n != sf_vnet_count()) {
		*why = "list length != count";
		return -EINVAL;
	}
	/* Each socket is checked under the lock, one at a time; sockets freed
	 * in between are simply not visited (the walk restarts by index). */
	for (unsigned i = 0;; i++) {
		vnet_lock();
		struct sf_vsock *v = T->all;
		for (unsigned j = 0; v && j < i; j++)
			v = v->all_next;
		if (!v) {
			vnet_unlock();
			break;
		}
		v->refs++;
		vnet_unlock();
		int r = sf_vsock_validate(v, why);
		vnet_lock();
		vsock_unref(v);
		vnet_unlock();
		if (r)
			return r;
	}
	*why = NULL;
	return 0;
}

unsigned sf_vnet_count_open(void)
{
	vnet_lock();
	if (vnet_sh)
		reap();
	unsigned n = 0;
	for (struct sf_vsock *v = T->all; v; v = v->all_next)
		n += !v->released;
	vnet_unlock();
	return n;
}

unsigned sf_vnet_count(void)
{
	vnet_lock();
	unsigned n = T->nall;
	vnet_unlock();
	return n;
}

/* --- members (a shared network: varena.h) --- */

static int member_pidfd(int s)
{
	pid_t pid = vnet_sh->procs[s].pid;
	if (pidfd_of[s] >= 0 && pidfd_pid[s] == pid)
		return pidfd_of[s];
	if (pidfd_of[s] >= 0)
		hidden_close(pidfd_of[s]);
	pidfd_of[s] = -1;
	if (pid <= 0)
		return -1;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -1;
	learn_hidden_base();
	int hi = hidden_base > 0 ? sf_libc()->fcntl(fd, F_DUPFD_CLOEXEC, hidden_base) : -1;
	if (hi >= 0) {
		sf_libc()->close(fd);
		fd = hi;
	}
	hidden_mark(fd, true);
	pidfd_of[s] = fd;
	pidfd_pid[s] = pid;
	return fd;
}

/* This process needs v's shim end (its peer sent, it drained the filler)
 * and has none: a copy of another member's, fetched with pidfd_getfd(2)
 * (needs ptrace access to that process: the same user, as every member
 * is).  The copy is checked to be that very socket: the number is the
 * other process's and could have been reused. */
int vsig_fetch(struct sf_vsock *v)
{
	const struct sf_syscalls *libc = sf_libc();
	int saved = errno;
	int got = -1;
	for (int s = 0; s < VPROC_MAX && got < 0; s++) {
		struct vproc *p = &vnet_sh->procs[s];
		if (s == vnet_slot || v->sig_at[s] < 0 || p->state != VP_LIVE)
			continue;
		int pfd = member_pidfd(s);
		if (pfd < 0)
			continue;
		int fd = (int)syscall(SYS_pidfd_getfd, pfd, v->sig_at[s], 0);
		if (fd < 0)
			continue;
		struct stat st;
		if (fstat(fd, &st) != 0 || (unsigned long)st.st_ino != v->sig_ino) {
			libc->close(fd);
			continue;
		}
		int hi = hidden_base > 0 ? libc->fcntl(fd, F_DUPFD_CLOEXEC, hidden_base) : -1;
		if (hi >= 0) {
			libc->close(fd);
			fd = hi;
		} else {
			libc->fcntl(fd, F_SETFD, FD_CLOEXEC);
		}
		hidden_mark(fd, true);
		got = fd;
	}
	v->sig_at[vnet_slot] = got;
	errno = saved;
	return got;
}

/* v is freed: its shim ends go, ours now, other members' when they next
 * take the lock (they are theirs to close). */
static void close_sigs(struct sf_vsock *v)
{
	for (int s = 0; s < VPROC_MAX; s++) {
		int fd = v->sig_at[s];
		if (fd < 0)
			continue;
		v->sig_at[s] = -1;
		if (s == vnet_slot) {
			hidden_close(fd);
			continue;
		}
		struct vproc *p = vnet_sh ? &vnet_sh->procs[s] : NULL;
		if (p && p->state != VP_FREE && p->nclose < VCLOSE_MAX)
			p->closeq[p->nclose++] = fd;
		/* (a full queue leaves that process an idle fd until it exits) */
	}
}

static void drain_closeq(void)
{
	struct vproc *me = &vnet_sh->procs[vnet_slot];
	for (unsigned i = 0; i < me->nclose; i++)
		if (sf_vnet_is_hidden(me->closeq[i]))
			hidden_close(me->closeq[i]);
	me->nclose = 0;
}

/* Slot s stops holding every socket it holds but those in keep[].  Each
 * release may free other sockets (a listener's queue), so the walk starts
 * over after each. */
static void drop_holdings(int s, struct sf_vsock *const *keep, unsigned nkeep)
{
	for (;;) {
		struct sf_vsock *v = T->all;
		for (; v; v = v->all_next) {
			bool kept = false;
			for (unsigned i = 0; i < nkeep && !kept; i++)
				kept = keep[i] == v;
			if ((v->procs & (1ull << s)) && !kept)
				break;
		}
		if (!v)
			return;
		drop_member(v, s);
	}
}

/* Slot s is gone (exited without the shim seeing it, or killed): its
 * descriptors are closed, as the kernel closes a dead process's. */
/* What a member killed half-way through a copy with the lock dropped
 * (vtcp.c) left: the copy's busy flag, the waiters for it, the reference
 * it held.  The bytes it was copying are lost, as if never sent. */
static void repair_copies(int s)
{
	pid_t pid = vnet_sh->procs[s].pid;
	for (;;) {
		struct sf_vsock *v = T->all;
		for (; v; v = v->all_next)
			if ((v->rx.wbusy && v->rx.wslot == s) || (v->rx.rbusy && v->rx.rslot == s) ||
			    (v->ho && v->ho_pid == pid))
				break;
		if (!v)
			return;
		bool unref = false;
		if (v->rx.wbusy && v->rx.wslot == s) {
			v->rx.wbusy = false;
			unref = true; /* the sender's hold on its peer */
		}
		if (v->rx.rbusy && v->rx.rslot == s)
			v->rx.rbusy = false;
		if (v->ho && v->ho_pid == pid) {
			/* the receiver's buffers died with it; a sender of that
			 * process copying into them too */
			if (v->ho_busy)
				unref = true;
			v->ho = NULL;
			v->ho_busy = false;
		}
		vtcp_copy_done(v);
		if (unref)
			vsock_unref(v);
	}
}

static void forget_member(int s)
{
	repair_copies(s);
	drop_holdings(s, NULL, 0);
	if (vnet_sh->procs[s].timer)
		vlink_orphaned(s);
	for (struct sf_vsock *v = T->all; v; v = v->all_next)
		v->sig_at[s] = -1; /* its copies died with it */
	struct vproc *p = &vnet_sh->procs[s];
	p->state = VP_FREE;
	p->pid = 0;
	p->nclose = 0;
}

static void reap(void)
{
	for (int s = 0; s < VPROC_MAX; s++) {
		struct vproc *p = &vnet_sh->procs[s];
		if (s != vnet_slot && p->state != VP_FREE && varena_gone(s))
			forget_member(s);
		/* Our pidfd of a member that left (or whose slot was taken
		 * since): not needed any more. */
		if (pidfd_of[s] >= 0 && (p->state == VP_FREE || p->pid != pidfd_pid[s])) {
			hidden_close(pidfd_of[s]);
			pidfd_of[s] = -1;
		}
	}
}

/* A member died holding the lock: what it was doing is lost (the state it
 * left half-changed is not repaired; see README), its sockets close. */
void vnet_recover(void)
{
	if (vnet_sh)
		reap();
}

uint64_t sf_vnet_slice_ns; /* set by open_shared, before any thread; then read-only */

unsigned vnet_watch_members(struct futex_waitv *w, unsigned max)
{
	unsigned n = 0;
	for (int s = 0; s < VPROC_MAX && n < max; s++) {
		struct vproc *p = &vnet_sh->procs[s];
		if (s == vnet_slot || p->state != VP_LIVE)
			continue;
		/* glibc's robust mutex word is the kernel's robust futex: the
		 * owner's tid, FUTEX_WAITERS, FUTEX_OWNER_DIED (futex(2)); its
		 * unlock wakes a waiter when FUTEX_WAITERS is set. */
		_Atomic unsigned *word = (_Atomic unsigned *)&p->life.__data.__lock;
		unsigned val = atomic_load_explicit(word, memory_order_relaxed);
		if (!(val & FUTEX_TID_MASK) || (val & FUTEX_OWNER_DIED))
			continue; /* not held: looked at by reap already */
		if (!(val & FUTEX_WAITERS) &&
		    !atomic_compare_exchange_strong(word, &val, val | FUTEX_WAITERS))
			continue;
		w[n++] = (struct futex_waitv){.val = val | FUTEX_WAITERS, .uaddr = (uintptr_t)word, .flags = FUTEX_32};
	}
	return n;
}

unsigned vnet_member_pidfds(int *fds, unsigned max)
{
	unsigned n = 0;
	for (int s = 0; s < VPROC_MAX && n < max; s++) {
		if (s == vnet_slot || vnet_sh->procs[s].state != VP_LIVE)
			continue;
		int fd = member_pidfd(s);
		if (fd >= 0)
			fds[n++] = fd;
	}
	return n;
}

struct vnet_tables *vnet_tables(void)
{
	return T;
}

void sf_vnet_check_members(void)
{
	vnet_lock();
	reap();
	vnet_unlock();
}

bool sf_vnet_fork_possible(void)
{
	if (!vnet_sh)
		return true;
	vnet_lock();
	bool ok = false;
	for (int s = 0; s < VPROC_MAX && !ok; s++)
		ok = vnet_sh->procs[s].state == VP_FREE;
	vnet_unlock();
	return ok;
}

/* --- fork --- */

/* The slot the forking thread reserved for the child (prepare); read by
 * the child (its copy) and by sf_vnet_fork_done in the parent. */
static int fork_slot = -1;

/* The limit is learnt at the first socket, or before the first fork if
 * that comes first: a fork server's children (AFL++) inherit it instead of
 * each asking the kernel again.
 *
 * Shared network: the lock is held across fork(2), so the child's copy of
 * the fd table, of the list and of every socket's holders agree; the child
 * is reserved a slot holding what the parent holds (its descriptors are
 * copies of the parent's, its shim ends the same numbers).  The parent
 * lets go in its handler; the child cannot (the robust mutex belongs to
 * the parent's thread), so it waits for that and then claims its slot. */
void sf_vnet_atfork_prepare(void)
{
	vnet_lock();
	if (sf_vnet_on)
		learn_hidden_base();
	fork_slot = -1;
	if (!vnet_sh)
		return;
	int c = varena_reserve();
	fork_slot = c;
	if (c < 0)
		return;
	T->idle &= ~(1ull << c); /* the child runs */
	uint64_t me = 1ull << vnet_slot;
	for (struct sf_vsock *v = T->all; v; v = v->all_next) {
		if (v->procs & me)
			v->procs |= 1ull << c;
		v->sig_at[c] = v->sig_at[vnet_slot];
	}
}

void sf_vnet_atfork_parent(void)
{
	vnet_unlock();
}

void sf_vnet_fork_done(pid_t pid)
{
	if (!vnet_sh || fork_slot < 0)
		return;
	vnet_lock();
	struct vproc *p = &vnet_sh->procs[fork_slot];
	if (p->state == VP_FORKING && pid > 0 && !p->pid) {
		/* The child has not claimed it yet: say who it is, so that its
		 * death before that is seen. */
		p->pid = pid;
		p->start = varena_starttime(pid);
	} else if (p->state == VP_FORKING && pid < 0) {
		forget_member(fork_slot); /* no child: we hold them still */
	}
	fork_slot = -1;
	vnet_unlock();
}

/* Private network: the child gets a copy of the parent's memory, but its
 * peers live on in the parent.  The child's copies are orphans: every call
 * on them fails with ENETDOWN except close (which only closes the child's
 * fds) and the fd-level calls (dup, fcntl, fstat).  Sockets the child
 * creates afterwards form the child's own, fresh network.  Orphans no
 * longer hold ports. */
void sf_vnet_atfork_child(void)
{
	vnet_pid = getpid();
	/* The parent's pending wakes are not this thread's. */
	(void)vwait_take_wake();
	/* (The parent's pidfds, copied, name the same processes: kept.) */
	if (vnet_sh) {
		/* A parent thread's wait, spin or wake does not exist here, but
		 * the counts are the network's: nothing to reset.  The slot is
		 * ours before the lock is (the lock drains the slot's queue). */
		if (fork_slot >= 0)
			vnet_slot = fork_slot;
		TSAN_FORGET_LOCK(sf_vnet_lock);
		shared_lock();
		if (fork_slot < 0) {
			/* The network was full when the interposed fork checked
			 * (sf_vnet_fork_possible) raced with another fork. */
			static const char msg[] = "sockfault: the virtual network has no room for another process\n";
			(void)!write(2, msg, sizeof(msg) - 1);
			_exit(127);
		}
		varena_claim(fork_slot);
		fork_slot = -1;
		vlink_atfork_child();
		vnet_unlock();
		varena_hold_life();
		return;
	}
	/* The forking thread took the lock in prepare: it is ours to release. */
	pthread_mutex_unlock(sf_vnet_lock);
	vlink_atfork_child();
	/* The idle pairs are the parent's too: a child must not take one. */
	pool_drop();
	for (struct sf_vsock *v = T->all; v; v = v->all_next) {
		v->waiters = v->rx_waiters = 0;
		/* a parent thread's pending wake does not exist here */
		atomic_store_explicit(&v->wakers, 0, memory_order_relaxed);
		v->bound = false;
	}
}

/* --- exit --- */

void sf_vnet_exit(void)
{
	if (!vnet_sh || vnet_sh->procs[vnet_slot].pid != getpid())
		return; /* private, or a vfork child in its parent's memory */
	/* _exit from a signal handler that interrupted this very thread inside
	 * the network (it holds the lock): leaving would wait for itself.  The
	 * process is going: the others see it gone (its life mutex). */
	unsigned word = atomic_load_explicit((_Atomic unsigned *)&sf_vnet_lock->__data.__lock, memory_order_relaxed);
	if ((word & FUTEX_TID_MASK) == (unsigned)gettid())
		return;
	vnet_lock();
	if (vnet_sh->procs[vnet_slot].state == VP_LIVE) {
		drop_holdings(vnet_slot, NULL, 0);
		vlink_orphaned(vnet_slot);
		for (struct sf_vsock *v = T->all; v; v = v->all_next)
			v->sig_at[vnet_slot] = -1; /* the kernel closes them */
		varena_leave();
	}
	vnet_unlock();
}

/* --- joining a shared network --- */

static struct sf_vsock *inherited_socket(int fd);

bool sf_vnet_vfork_child(void)
{
	return getpid() != vnet_pid;
}

void sf_vnet_passed(struct sf_vsock *v)
{
	if (!vnet_sh)
		return;
	vnet_lock();
	v->transit++;
	vnet_unlock();
}

/* sf_socket_adopt's question (an fd received with SCM_RIGHTS, say): one of
 * the network's sockets becomes this process's too. */
static bool adopt_hook(int fd)
{
	vnet_lock();
	struct sf_vsock *v = inherited_socket(fd);
	if (v) {
		v->procs |= 1ull << vnet_slot;
		if (v->transit)
			v->transit--;
		struct sf_socket *old = NULL;
		if (vsock_install(v, fd, &old) == 0)
			vnet_sync(v, fd);
		vnet_unlock();
		if (old)
			sf_socket_put(old);
		return true;
	}
	vnet_unlock();
	return false;
}

/* An fd this process inherited (exec, posix_spawn) that is the program end
 * of one of the network's sockets: that socket, found by the end's inode;
 * NULL otherwise. */
static struct sf_vsock *inherited_socket(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return NULL;
	for (struct sf_vsock *v = T->all; v; v = v->all_next)
		if (v->paired && !v->released && v->prog_ino == (unsigned long)st.st_ino)
			return v;
	return NULL;
}

/* v's shim end is nowhere (its only holder exec'd: the end was
 * close-on-exec): a new pair replaces the program's file under each of our
 * descriptors of it (fds[], n of them), keeping their flags.  Nothing has
 * run yet that could tell the two files apart. */
static void repair_pair(struct sf_vsock *v, const int *fds, const struct sf_vsock *const *of, unsigned n)
{
	const struct sf_syscalls *libc = sf_libc();
	int sv[2];
	if (libc->socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return;
	int one = 1;
	libc->setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
	bool nb = false;
	for (unsigned i = 0; i < n; i++) {
		if (of[i] != v)
			continue;
		int fl = libc->fcntl(fds[i], F_GETFL), fdfl = libc->fcntl(fds[i], F_GETFD);
		nb = fl >= 0 && (fl & O_NONBLOCK);
		libc->dup3(sv[0], fds[i], fdfl >= 0 && (fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0);
	}
	if (nb)
		libc->fcntl(sv[0], F_SETFL, O_NONBLOCK);
	libc->close(sv[0]);
	learn_hidden_base();
	int hi = hidden_base > 0 ? libc->fcntl(sv[1], F_DUPFD_CLOEXEC, hidden_base) : -1;
	if (hi >= 0) {
		libc->close(sv[1]);
		sv[1] = hi;
	}
	hidden_mark(sv[1], true);
	struct stat st;
	v->sig_at[vnet_slot] = sv[1];
	v->sig_ino = fstat(sv[1], &st) == 0 ? (unsigned long)st.st_ino : 0;
	for (unsigned i = 0; i < n; i++)
		if (of[i] == v && fstat(fds[i], &st) == 0)
			v->prog_ino = (unsigned long)st.st_ino;
	v->tok = v->full = false;
	v->tok_extra = 0;
}

#define ADOPT_MAX 256

/* The descriptors of the network's sockets that this process inherited
 * become its: installed in the fd table as virtual sockets, the process a
 * holder.  An exec'd member (same slot) stops holding what exec closed. */
static void adopt_inherited(bool execd)
{
	int fds[ADOPT_MAX];
	struct sf_vsock *of[ADOPT_MAX] = {0};
	unsigned n = 0;
	uint64_t me = 1ull << vnet_slot;
	int d = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d >= 0) {
		char buf[4096] __attribute__((aligned(8)));
		long got;
		while ((got = syscall(SYS_getdents64, d, buf, sizeof(buf))) > 0 && n < ADOPT_MAX) {
			for (long off = 0; off < got && n < ADOPT_MAX;) {
				const struct dirent64 *e = (const struct dirent64 *)(buf + off);
				off += e->d_reclen;
				char *end;
				long fd = strtol(e->d_name, &end, 10);
				if (*end || end == e->d_name || fd == d || sf_vnet_is_hidden((int)fd))
					continue;
				struct sf_vsock *v = inherited_socket((int)fd);
				if (!v)
					continue;
				fds[n] = (int)fd;
				of[n++] = v;
			}
		}
		sf_libc()->close(d);
	}
	/* What we held before exec and no longer have a descriptor of. */
	if (execd)
		drop_holdings(vnet_slot, of, n);
	for (unsigned i = 0; i < n; i++) {
		struct sf_vsock *v = of[i];
		v->procs |= me;
		bool elsewhere = false;
		for (int s = 0; s < VPROC_MAX && !elsewhere; s++)
			elsewhere = s != vnet_slot && v->sig_at[s] >= 0 && vnet_sh->procs[s].state == VP_LIVE;
		if (!elsewhere && v->sig_at[vnet_slot] < 0)
			repair_pair(v, fds, (const struct sf_vsock *const *)of, n);
		struct sf_socket *old = NULL;
		vsock_install(v, fds[i], &old);
		if (old)
			sf_socket_put(old); /* (none: the table is new) */
		vnet_sync(v, fds[i]);
	}
}

/* Network files of runs whose members are all gone (killed: nobody left
 * to unlink them).  Read, not mapped: the header's slots say who. */
static void sweep(const char *dir)
{
	DIR *dd = opendir(dir);
	if (!dd)
		return;
	struct dirent *e;
	while ((e = readdir(dd))) {
		if (strncmp(e->d_name, "run-", 4) != 0)
			continue;
		/* The run's first process still lives (or its pid was reused):
		 * in use, most likely; not worth reading the file to know
		 * (a later sweep will). */
		long first = strtol(e->d_name + 4, NULL, 10);
		if (first > 0 && (kill((pid_t)first, 0) == 0 || errno == EPERM))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct vnet_shared *h = malloc(sizeof(*h));
		bool alive = !h || pread(fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h);
		for (int s = 0; h && !alive && s < VPROC_MAX; s++) {
			const struct vproc *p = &h->procs[s];
			if (p->state == VP_FREE)
				continue;
			unsigned long long st = p->pid > 0 ? varena_starttime(p->pid) : 0;
			alive = p->pid == 0 || (st && (!p->start || st == p->start));
		}
		free(h);
		/* Taken by a joiner right now: it holds the flock. */
		if (!alive && flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlink(path);
		sf_libc()->close(fd);
	}
	closedir(dd);
}

static int open_shared(void)
{
	char dir[128], path[256];
	int r = varena_dir(dir, sizeof(dir));
	if (r) {
		sf_env_message("sockfault: the virtual network's directory %s: %s", dir, strerror(-r));
		return -1;
	}
	const char *env = getenv("SOCKFAULT_VNET");
	size_t dl = strlen(dir);
	if (sf_config.net_name) {
		snprintf(path, sizeof(path), "%s/net-%s", dir, sf_config.net_name);
	} else if (env && *env) {
		if (strncmp(env, dir, dl) != 0 || env[dl] != '/' || strchr(env + dl + 1, '/') ||
		    strlen(env) >= sizeof(path) || !env[dl + 1]) {
			sf_env_message("sockfault: SOCKFAULT_VNET='%s': expected a network file in %s", env, dir);
			return -1;
		}
		snprintf(path, sizeof(path), "%s", env);
	} else {
		unsigned rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
			rnd = (unsigned)sf_now_ns();
		sweep(dir);
		snprintf(path, sizeof(path), "%s/run-%d-%08x", dir, (int)getpid(), rnd);
	}
	r = varena_join(path);
	if (r) {
		sf_env_message("sockfault: the virtual network %s: %s", path,
			       r == -EPROTO ? "not a sockfault network file" : strerror(-r));
		return -1;
	}
	sf_vsock_adopt_fn = adopt_hook;
	/* The network is ours to use: its lock and tables. */
	sf_vnet_slice_ns = 100000000u;
	sf_vnet_lock = &vnet_sh->lock;
	T = &vnet_sh->tab;
	varena_lock(&vnet_sh->lock);
	pid_t me = getpid();
	int slot = -1;
	for (int s = 0; s < VPROC_MAX && slot < 0; s++)
		if (vnet_sh->procs[s].state == VP_LIVE && vnet_sh->procs[s].pid == me)
			slot = s; /* we exec'd: our slot is still ours */
	bool execd = slot >= 0;
	if (!execd)
		slot = varena_reserve();
	if (slot < 0) {
		pthread_mutex_unlock(&vnet_sh->lock);
		sf_env_message("sockfault: the virtual network %s has no room for another process (%d at most)", path,
			       VPROC_MAX);
		return -1;
	}
	varena_claim(slot);
	T->idle &= ~(1ull << slot); /* a new image runs */
	hidden_mark(varena_fd(), true);
	for (struct sf_vsock *v = T->all; v; v = v->all_next)
		v->sig_at[slot] = -1; /* exec closed ours; a new slot has none */
	if (!T->next_ephemeral) { /* a new network */
		T->next_ephemeral = 32768 + (uint16_t)(me % 1000);
		T->lk_target = UINT64_MAX;
	}
	reap();
	if (T->all)
		adopt_inherited(execd);
	vnet_unlock();
	varena_hold_life();
	if (!env || strcmp(env, path) != 0)
		setenv("SOCKFAULT_VNET", path, 1);
	return 0;
}
