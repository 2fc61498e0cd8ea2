/* Fuzz-peer mode (fuzz_peer.h): the peer script's interpreter, the end of
 * input and the virtual clock.
 *
 * The peer has no thread of its own.  It acts inside the program's calls,
 * whenever a thread of the program is about to wait on the virtual network:
 * a wait means the program needs something from the outside, so that is
 * when the next step of the script happens.  When no step can happen (the
 * script is used up, or waits for something the program does not do) and
 * every thread of the program is waiting, the run is over: exit(0), or
 * in-process every connection gets the peer's FIN and every listener stops,
 * so the code under test returns on its own.  A wait with a deadline in
 * that situation ends at once with its timeout: the virtual clock jumps to
 * the deadline instead of sleeping (exact for one thread; with several the
 * waiting thread that finds everyone else waiting times out first).
 *
 * Everything here runs under sf_vnet_lock except the one-time load. */
#include "fuzz/fuzz_peer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults/env.h"
#include "faults/fault.h"
#include "fuzz/fuzz_input.h"
#include "core/shim.h"
#include "core/syscalls.h"
#include "vnet/vnet_impl.h"

bool sf_fuzz_inprocess; /* sockfault_fuzz.h's library: no exit, one thread */

/* The script's progress.  One peer plays against every process of the
 * network, so the progress is the network's: in its tables
 * (vnet_tables()->driver), in the shared mapping when the network is
 * shared; its pointers are sockets of the network.  Guarded by
 * sf_vnet_lock. */
struct fz_progress {
	unsigned npeer;           /* the script's steps (a member whose input differs does not step) */
	unsigned pc;              /* the current step */
	size_t off;               /* SEND: bytes of the chunk delivered */
	bool started;             /* OPEN: the peer's connect is queued */
	bool ended;               /* in-process: the end of input happened */
	unsigned nlisteners;
	struct sf_vsock *listeners[16]; /* the program's listening sockets, in listen order (ref held) */
	unsigned nconn;
	struct sf_vsock *conn[];  /* the peer's end of each connection (NULL: none, or refused) */
};
static struct fz_progress no_progress; /* before a script: nothing to do */
static struct fz_progress *pr = &no_progress; /* guarded by sf_vnet_lock */

/* This process's side; guarded by sf_vnet_lock. */
static struct {
	const struct sf_scenario *sc; /* the script, as this process read it */
	int blocked;              /* this process's threads waiting on the network ... */
	struct sf_vnet_waiter *waiters; /* ... and what each waits on */
} fz;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* --- loading --- */

static int read_input(const char *path, unsigned char **data, size_t *len)
{
	const struct sf_syscalls *libc = sf_libc();
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		return -errno;
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap);
	int rc = buf ? 0 : -ENOMEM;
	while (!rc) {
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap * 2);
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = libc->read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = -errno;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (fd != 0)
		libc->close(fd);
	if (rc) {
		free(buf);
		return rc;
	}
	*data = buf;
	*len = n;
	return 0;
}

/* Lock held. */
static void set_script(const struct sf_scenario *sc)
{
	struct vnet_tables *t = vnet_tables();
	fz.sc = sc;
	if (t->driver && !sf_fuzz_inprocess) {
		/* Another member set it: an exec'd image reading the input
		 * again, or a process that joined.  Its progress is ours. */
		pr = t->driver;
		return;
	}
	unsigned n = sc->npeer_conns;
	struct fz_progress *p = vmem_alloc(sizeof(*p) + (n ? n : 1) * sizeof(p->conn[0]), true);
	if (!p)
		return; /* the old script stays: nothing new steps */
	/* The listeners (and their references) carry over: a program may
	 * listen before the input arrives. */
	p->nlisteners = pr->nlisteners;
	memcpy(p->listeners, pr->listeners, sizeof(p->listeners));
	pr->nlisteners = 0;
	if (t->driver)
		vmem_free(t->driver);
	t->driver = p;
	pr = p;
	p->npeer = sc->npeer;
	p->nconn = n;
}

/* Whether this process can step the script: it has one, and the same one as
 * the network's (an exec'd image that read stdin again got nothing). */
static bool scripted(void)
{
	return fz.sc && pr != &no_progress && fz.sc->npeer == pr->npeer && fz.sc->npeer_conns == pr->nconn;
}

/* Installs a fuzz input as sf_config.scenario (rules, hosts, peer script). */
int sf_fuzz_peer_install(const unsigned char *data, size_t len)
{
	char err[256];
	struct sf_scenario sc;
	int rc = sf_fuzz_input_scenario(data, len, &sc, err, sizeof(err));
	if (rc)
		return rc;
	sf_scenario_free(&sf_config.scenario);
	sf_config.scenario = sc;
	sf_config.has_scenario = true;
	if (sf_fault_init(&sf_config.scenario, sf_config.seed, sf_config.start_ns) != 0)
		return -ENOMEM;
	vnet_lock();
	set_script(&sf_config.scenario);
	vnet_unlock();
	return 0;
}

static void load(void)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int saved = errno; /* the program's call has not happened yet */
	sf_depth++;
	/* From here the processes this one starts share its network (see
	 * init.c: the fork server, if any, has forked by now). */
	if (sf_vnet_share() != 0)
		_exit(2);
	int rc = read_input(sf_config.fuzz_path, &data, &len);
	if (rc == 0) {
		rc = sf_fuzz_peer_install(data, len);
		free(data);
	}
	if (rc) {
		sf_env_message("sockfault: SOCKFAULT_FUZZ=%s: %s", sf_config.fuzz_path, strerror(-rc));
		_exit(2);
	}
	sf_depth--;
	errno = saved;
}

void sf_fuzz_peer_load(void)
{
	if (sf_config.fuzz_path && !sf_fuzz_inprocess)
		pthread_once(&load_once, load);
}

void sf_fuzz_peer_init(void)
{
	if (sf_config.fuzz_path) {
		sf_fuzz_peer_plug();
	} else if (sf_config.has_scenario && sf_config.scenario.npeer) {
		sf_fuzz_peer_plug();
		vnet_lock();
		set_script(&sf_config.scenario);
		vnet_unlock();
	}
}

/* --- the peer's sockets --- */

bool sf_fuzz_peer_owns(const struct sf_vsock *v)
{
	for (unsigned i = 0; i < pr->nconn; i++)
		if (pr->conn[i] == v)
			return true;
	return false;
}

static void peer_listened(struct sf_vsock *v)
{
	for (unsigned i = 0; i < pr->nlisteners; i++)
		if (pr->listeners[i] == v)
			return;
	if (pr->nlisteners == sizeof(pr->listeners) / sizeof(pr->listeners[0]))
		return;
	v->refs++;
	pr->listeners[pr->nlisteners++] = v;
}

/* The program's end of connection c, NULL when there is none (refused,
 * reset, closed by the program). */
static struct sf_vsock *program_end(unsigned c)
{
	struct sf_vsock *p = c && c <= pr->nconn ? pr->conn[c - 1] : NULL;
	return p && !p->reset ? p->peer : NULL;
}

/* A RST from the peer's end p (as sf_vsock_reset, lock held). */
static void peer_reset(struct sf_vsock *p)
{
	struct sf_vsock *s = p->peer;
	if (s) {
		s->reset = true;
		s->so_error = s->peer_fin ? EPIPE : ECONNRESET;
		s->state = VS_CLOSED;
		s->peer = NULL;
		vnet_wake(s);
		vsock_unref(s);
		p->peer = NULL;
		vsock_unref(p);
	}
	p->reset = true;
	p->state = VS_CLOSED;
}

static struct sf_vsock *new_peer_socket(int domain)
{
	return vsock_new(domain, SOCK_STREAM, IPPROTO_TCP);
}

static bool peer_connect(struct sf_vsock *v, const struct vaddr *dst, bool nb, int *r)
{
	if (!scripted() || pr->pc >= fz.sc->npeer || sf_fuzz_peer_owns(v))
		return false;
	const struct sf_peer_step *st = &fz.sc->peer[pr->pc];
	if (st->op != SF_PEER_OPEN || st->dir == SF_PEER_IN || pr->started || st->conn > pr->nconn)
		return false;
	/* The program's end: a loopback source, as the peer is "here"; dst
	 * need not be a local address. */
	struct vaddr src = {.port = 0};
	if (vaddr_is_v4(dst)) {
		src.ip.s6_addr[10] = src.ip.s6_addr[11] = 0xff;
		src.ip.s6_addr[12] = 127;
		src.ip.s6_addr[15] = 1;
	} else {
		src.ip.s6_addr[15] = 1;
	}
	if (!v->bound) {
		if (vnet_bind_locked(v, &src, false) != 0)
			return false;
	} else if (vaddr_is_any(&v->local)) {
		src.port = v->local.port;
		v->local = src;
	}
	struct sf_vsock *s = new_peer_socket(v->domain);
	if (!s)
		return false;
	/* As an accepted socket of a listener at dst would be. */
	s->state = VS_CONNECTED;
	s->bound = true;
	s->local = *dst;
	s->remote = v->local;
	s->has_remote = true;
	s->peer = v;
	v->refs++;
	v->peer = s;
	s->refs++;
	v->state = VS_CONNECTED;
	v->remote = *dst;
	v->has_remote = true;
	v->connecting = nb;
	pr->conn[st->conn - 1] = s;
	pr->pc++;
	vnet_wake(v);
	*r = nb ? -EINPROGRESS : 0;
	return true;
}

/* Drains what the program sent to the peer (taken and discarded). */
static bool drain(void)
{
	bool moved = false;
	for (unsigned i = 0; i < pr->nconn; i++) {
		struct sf_vsock *p = pr->conn[i];
		if (p && p->rx.len) {
			vbuf_clear(&p->rx);
			if (p->peer)
				vnet_wake(p->peer);
			moved = true;
		}
	}
	return moved;
}

/* One step forward if the current one can happen or is done; true if
 * anything changed. */
static bool advance(void)
{
	if (!scripted() || pr->pc >= fz.sc->npeer)
		return false;
	const struct sf_peer_step *st = &fz.sc->peer[pr->pc];
	if (st->conn > pr->nconn)
		return false; /* out of memory at set_script: the script is stuck */
	struct sf_vsock **pp = &pr->conn[st->conn - 1];
	switch (st->op) {
	case SF_PEER_OPEN:
		if (pr->started) {
			/* Done once the program accepted (or the listener dropped it). */
			struct sf_vsock *s = *pp ? (*pp)->peer : NULL;
			if (s && !s->paired && !s->released && !(*pp)->reset)
				return false;
			pr->started = false;
			pr->pc++;
			return true;
		}
		if (st->dir == SF_PEER_OUT || st->listen > pr->nlisteners)
			return false; /* the program's connect, or its listen, comes first */
		{
			struct sf_vsock *l = pr->listeners[st->listen - 1];
			struct sf_vsock *p = NULL;
			int r = -ECONNREFUSED;
			if (l->state == VS_LISTEN && !l->released && !l->rd_shut && (p = new_peer_socket(l->domain))) {
				*pp = p;
				r = vtcp_connect(p, -1, &l->local, true);
				if (r == -EAGAIN) { /* the accept queue is full: later */
					*pp = NULL;
					vsock_unref(p);
					return false;
				}
			}
			if (r != -EINPROGRESS && r != 0 && p) {
				*pp = NULL;
				vsock_unref(p);
			}
			if (*pp) {
				pr->started = true;
				return true;
			}
			pr->pc++; /* refused: the connection's steps find nobody */
			return true;
		}
	case SF_PEER_SEND: {
		struct sf_vsock *s = program_end(st->conn);
		if (!s) {
			pr->off = 0;
			pr->pc++;
			return true;
		}
		if (pr->off < st->len) {
			struct iovec iov = {.iov_base = st->data + pr->off, .iov_len = st->len - pr->off};
			size_t n = vbuf_put_iov(&s->rx, vtcp_capacity(s), &iov, 1, 0, st->len - pr->off);
			if (!n)
				return false;
			pr->off += n;
			vnet_wake(s);
			return true;
		}
		if (s->rx.len)
			return false; /* a chunk is done when the program has read all of it */
		pr->off = 0;
		pr->pc++;
		return true;
	}
	case SF_PEER_FIN: {
		struct sf_vsock *s = program_end(st->conn);
		if (s && !(*pp)->wr_shut) {
			(*pp)->wr_shut = true;
			s->peer_fin = true;
			vnet_wake(s);
		}
		pr->pc++;
		return true;
	}
	case SF_PEER_RESET:
		if (*pp && !(*pp)->reset)
			peer_reset(*pp);
		pr->pc++;
		return true;
	}
	return false;
}

static bool step(void)
{
	bool any = drain();
	while (advance())
		any = true;
	return any;
}

/* --- the end of input --- */

/* Threads of this process (/proc/self/stat, field 20). */
static int thread_count(void)
{
	char buf[1024];
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	ssize_t n = sf_libc()->read(fd, buf, sizeof(buf) - 1);
	sf_libc()->close(fd);
	if (n <= 0)
		return 1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	int field = 2;
	for (; p && *p; p++)
		if (*p == ' ' && ++field == 20)
			return atoi(p + 1);
	return 1;
}

/* In-process: the peer goes away -- FIN on every connection, every
 * listener stops -- so blocked calls return and the code under test
 * unwinds through its own end-of-stream and error paths. */
static void end_inprocess(void)
{
	pr->ended = true;
	pr->pc = fz.sc ? fz.sc->npeer : 0;
	for (unsigned i = 0; i < pr->nconn; i++) {
		struct sf_vsock *p = pr->conn[i];
		if (p && p->peer && !p->wr_shut) {
			p->wr_shut = true;
			p->peer->peer_fin = true;
			vnet_wake(p->peer);
		}
	}
	for (unsigned i = 0; i < pr->nlisteners; i++) {
		pr->listeners[i]->rd_shut = true;
		vnet_wake(pr->listeners[i]);
	}
}

/* Whether a listed thread's wait has been answered already: it is about to
 * run (see struct sf_vnet_waiter).  A zero-timeout poll does not consume
 * anything: an epoll set is readable while it has events to report
 * (epoll(7)), edge-triggered ones included. */
static bool answered(const struct sf_vnet_waiter *w)
{
	if (w->v)
		return atomic_load_explicit(&w->v->wake_gen, memory_order_relaxed) != w->gen;
	struct pollfd one = {.fd = w->epfd, .events = POLLIN}, small[16], *t = &one;
	nfds_t n = 1;
	if (w->fds) {
		n = w->nfds;
		t = n <= 16 ? small : malloc(n * sizeof(*t));
		if (!t)
			return true; /* cannot tell: assume it runs, look again later */
		for (nfds_t i = 0; i < n; i++)
			t[i] = (struct pollfd){.fd = w->fds[i].fd, .events = w->fds[i].events};
	}
	int saved = errno;
	struct timespec zero = {0, 0};
	int r = sf_libc()->ppoll(t, n, &zero, NULL);
	errno = saved;
	if (t != small && t != &one)
		free(t);
	return r != 0; /* an error too: the waiter's own call returns with it */
}

/* Every thread of this process waits on the network with nothing to do;
 * whether every other member that holds a virtual socket is so too.  Each
 * member marks itself in the network's idle set when it finds itself so;
 * a wake of a socket it holds, a thread of it that stops waiting, and a
 * new image or fork child in its slot clear the mark (vnet_notify, and
 * below).  A member that holds no virtual socket (a shell that started the
 * program, a parent waiting for its children) does not count: it waits on
 * something else, and what it waits for ends when the others do.  Lock
 * held. */
static bool others_idle(void)
{
	if (!vnet_sh)
		return true;
	struct vnet_tables *t = vnet_tables();
	uint64_t me = 1ull << vnet_slot, holders = 0;
	t->idle |= me;
	for (struct sf_vsock *v = t->all; v; v = v->all_next)
		holders |= v->procs;
	return (holders & ~me & ~t->idle) == 0;
}

enum verdict { WAIT, LOOK_AGAIN, TIMED_OUT };

/* What a thread about to wait does (lock held). */
static enum verdict decide(bool has_deadline)
{
	if (step())
		return LOOK_AGAIN;
	if (!sf_fuzz_inprocess) {
		/* Another thread runs, or is about to: it may still give us work,
		 * and waits (or its wait's slice ends) to decide again. */
		if (fz.blocked + 1 < thread_count())
			return WAIT;
		for (const struct sf_vnet_waiter *w = fz.waiters; w; w = w->next)
			if (answered(w))
				return WAIT;
		if (!others_idle())
			return WAIT; /* another process runs: it may still give us work */
	}
	/* Every thread waits and the peer has nothing more to do. */
	if (has_deadline || pr->ended)
		return TIMED_OUT; /* the virtual clock moves to the deadline */
	if (sf_fuzz_inprocess) {
		end_inprocess();
		return LOOK_AGAIN;
	}
	/* The end of the input: destructors may close sockets, so the lock
	 * must be free. */
	vnet_unlock();
	exit(0);
}

static bool peer_wait(struct sf_vsock *v, uint64_t deadline, int *r)
{
	(void)v;
	switch (decide(deadline != UINT64_MAX)) {
	case LOOK_AGAIN:
		*r = 0;
		return true;
	case TIMED_OUT:
		*r = -EAGAIN;
		return true;
	case WAIT:
		break;
	}
	return false;
}

static bool peer_poll(bool has_deadline, bool *timed_out)
{
	vnet_lock();
	enum verdict d = decide(has_deadline);
	vnet_unlock();
	*timed_out = d == TIMED_OUT;
	return d == LOOK_AGAIN;
}

static void peer_block_locked(struct sf_vnet_waiter *w)
{
	w->next = fz.waiters;
	fz.waiters = w;
	fz.blocked++;
}

static void peer_unblock_locked(struct sf_vnet_waiter *w)
{
	if (vnet_sh)
		vnet_tables()->idle &= ~(1ull << vnet_slot); /* a thread of ours runs */
	for (struct sf_vnet_waiter **p = &fz.waiters; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			fz.blocked--;
			return;
		}
	}
}

static void peer_block(struct sf_vnet_waiter *w)
{
	vnet_lock();
	peer_block_locked(w);
	vnet_unlock();
}

static void peer_unblock(struct sf_vnet_waiter *w)
{
	vnet_lock();
	peer_unblock_locked(w);
	vnet_unlock();
}

void sf_fuzz_peer_forget(void)
{
	for (unsigned i = 0; i < pr->nconn; i++) {
		struct sf_vsock *p = pr->conn[i];
		if (!p)
			continue;
		if (!p->reset)
			peer_reset(p);
		p->released = true;
		p->bound = false;
		vsock_unref(p);
	}
	for (unsigned i = 0; i < pr->nlisteners; i++)
		vsock_unref(pr->listeners[i]);
	pr->nlisteners = 0; /* (no_progress keeps listeners made before a script) */
	struct vnet_tables *t = vnet_tables();
	if (t->driver)
		vmem_free(t->driver);
	t->driver = NULL;
	pr = &no_progress;
	memset(&fz, 0, sizeof(fz));
}

void sf_fuzz_peer_atfork_child(void)
{
	/* The child has the forking thread alone: the others' waits were the
	 * parent's. */
	fz.blocked = 0;
	fz.waiters = NULL;
}

/* --- plugging into the network --- */

static const struct sf_vnet_peer fuzz_peer = {
	.load = sf_fuzz_peer_load,
	.wait = peer_wait,
	.poll = peer_poll,
	.block = peer_block,
	.unblock = peer_unblock,
	.block_locked = peer_block_locked,
	.unblock_locked = peer_unblock_locked,
	.listened = peer_listened,
	.connect = peer_connect,
};

void sf_fuzz_peer_plug(void)
{
	sf_vnet_peer = &fuzz_peer;
	sf_vnet_pool_pairs = sf_fuzz_inprocess;
}
