/* Links of the virtual network (vlink.h): what travels between virtual
 * sockets on a matching `link` line takes time (latency, jitter, bandwidth)
 * and datagrams may be lost, doubled or reordered.  This file owns the link
 * state of a socket (struct vlink_rx: everything in flight *towards* it),
 * the link's random stream, and the timer thread that makes things arrive.
 *
 * Model.  A stream send still copies its bytes into the receiver's ring at
 * once (flow control is unchanged: undelivered bytes fill the ring, so a
 * sender blocks or gets EAGAIN when the "network" holds a full buffer), but
 * each send's bytes carry a delivery time, kept as marks (time, stream
 * offset); a receive, poll and FIONREAD see only bytes whose time has come.
 * Delivery times never decrease along a stream: jitter varies them but
 * does not reorder a TCP stream (TCP puts segments back in order).  The
 * handshake takes a round trip: the connecting socket is in SYN_SENT
 * (VS_SYN) for 2 x one-way delay and the listener sees the connection after
 * one way; FIN and RST travel after the data sent before them.  Bandwidth is
 * a serialisation delay: each direction of a connection (and each receiving
 * UDP socket) has a wire that is busy len/rate seconds per send (in pieces of
 * PIECE bytes, so a large send trickles out), and latency starts when a
 * piece is off the wire -- netem's `rate` stacked on its `delay`.  A
 * datagram gets latency + jitter of its own (so jitter may reorder
 * datagrams, as netem does without a rate); `reorder P` sends a datagram
 * without the latency, as tc-netem(8) documents, which is why it needs one.
 *
 * Why a thread.  Arrivals must wake programs that wait where the shim does
 * not see them (a kernel epoll set holding a virtual fd and a pipe, a raw
 * ppoll): only writing the readability token (vsock.h) at the delivery
 * time does that, and only a thread of our own can do it while every
 * program thread sits in the kernel.  A timerfd would be a wakeup nobody
 * reads: the program's epoll set does not contain it.  So: one thread per
 * process, started at the first thing it puts in flight (never without a
 * link line), with every signal blocked (the program's handlers never run
 * on it), sleeping on a futex word of the network (lk_seq) until the
 * earliest pending delivery.  It holds the lock only to deliver.  What is
 * in flight is the network's (varena.h: shared by the run's processes), so
 * any process's timer delivers it; when the last process with a timer
 * leaves or dies, what it left in flight arrives at once rather than never
 * (vlink_orphaned).  A fork child has no copy of the thread; it starts one
 * when it needs it.
 *
 * Fuzz-peer mode is not supported: its virtual clock would have to jump
 * over every link delay, and its end-of-run test (every thread blocked)
 * would have to know about things in flight.  The parser rejects `link`
 * with `peer` lines (SOCKFAULT_FUZZ cannot be combined with a scenario).
 *
 * Randomness follows the fault engine's scheme (scenarios/README.md,
 * "Randomness"): each link line has its own stream, draw n being
 * mix64(seed ^ rng_key ^ mix64(n)) over the line's count of sends (stream
 * sends and datagrams together), so one seed gives one run. */
#include "vnet/vlink.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "faults/env.h"
#include "faults/fault.h"
#include "faults/scenario.h"
#include "vnet/vnet_impl.h"

bool sf_vlink_on;

/* A stream's bytes up to offset `end` (counted from the first byte ever
 * put in the ring) arrive at `at` (CLOCK_MONOTONIC ns). */
struct mark {
	uint64_t at, end;
};

/* A datagram in flight to its socket, in order of arrival time. */
struct inflight {
	struct inflight *next;
	uint64_t at;
	struct vdgram *d;
};

struct vlink_rx {
	/* The link line, as its index + 1 into the scenario (0: none): each
	 * process of a shared network has its own copy of the scenario. */
	unsigned link1;
	struct sf_vsock *v;        /* the receiving socket (owner) */
	/* Stream. */
	uint64_t in;               /* bytes ever put in v->rx through vlink_tcp_sent */
	uint64_t delivered;        /* stream offset the popped marks reached */
	struct mark *marks;        /* ring */
	size_t mhead, mlen, mcap;
	uint64_t last_at;          /* latest delivery time given (streams keep order) */
	uint64_t wire_free;        /* bandwidth: when the wire towards v is idle */
	bool fin_pending, rst_pending, estab_pending, enq_pending;
	uint64_t fin_at, rst_at, estab_at, enq_at;
	/* The network's answer to v's own SYN (refused) or datagram (port
	 * unreachable) on its way back (vlink_answer). */
	bool refuse_pending, unreach_pending, autobound;
	uint64_t refuse_at, unreach_at;
	struct vaddr unreach_from; /* the address the datagram went to */
	struct sf_vsock *listener; /* enq_pending: whose queue v joins (ref held) */
	/* Datagrams. */
	struct inflight *dg;
	/* The timer's list of sockets with something pending (ref held). */
	bool queued;
	struct vlink_rx *pnext;
};

static inline const struct sf_link *klink(const struct vlink_rx *k)
{
	return k->link1 ? &sf_config.scenario.links[k->link1 - 1] : NULL;
}

/* Granularity of bandwidth-limited streams: a piece's bytes arrive
 * together.  16 KiB at 1 MiB/s is 16 ms; smaller rates make smaller pieces
 * (PIECE_NS of wire time at least one byte). */
#define PIECE 16384u
#define PIECE_NS 10000000ull

static uint64_t *counts;   /* per link line: sends it carried (under the lock) */
static uint64_t seed;

static bool timer_running; /* this process's thread; under the lock */
#define LK (vnet_tables())

static void timer_wake(void)
{
	LK->lk_seq++;
	syscall(SYS_futex, &LK->lk_seq, vnet_sh ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

void vlink_init(void)
{
	const struct sf_scenario *sc = &sf_config.scenario;
	if (!sf_config.has_scenario || !sc->nlinks)
		return;
	counts = calloc(sc->nlinks, sizeof(*counts));
	if (!counts)
		return; /* links off: the program runs on an ideal network */
	seed = sf_config.seed;
	sf_vlink_on = true;
}

/* --- matching and draws --- */

/* As a rule's peer= (fault.c). */
static bool addr_matches(const struct sf_addr_match *m, const struct vaddr *a)
{
	return sf_addr_match_ip(m, AF_INET6, a->ip.s6_addr, a->port);
}

/* The link between the two ends: the first line matching either end (a
 * link joins two places; traffic both ways crosses it). */
static const struct sf_link *match(const struct vaddr *a, const struct vaddr *b)
{
	const struct sf_scenario *sc = &sf_config.scenario;
	for (unsigned i = 0; i < sc->nlinks; i++)
		if (addr_matches(&sc->links[i].addr, a) || addr_matches(&sc->links[i].addr, b))
			return &sc->links[i];
	return NULL;
}

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The link's next draw: one per send it carries. */
static uint64_t draw(const struct sf_link *l)
{
	uint64_t n = ++counts[l - sf_config.scenario.links];
	return mix64(seed ^ l->rng_key ^ mix64(n));
}

/* Independent uniform [0, 1) values from one draw, one per purpose. */
static double uniform(uint64_t d, uint64_t purpose)
{
	return (double)(mix64(d ^ (purpose * 0x9e3779b97f4a7c15ull)) >> 11) * 0x1.0p-53;
}

/* U_JITTER2: a second delay from the same draw (the SYN-ACK's, a copy's). */
enum { U_LOSS = 1, U_DUP, U_REORDER, U_JITTER, U_JITTER2 };

/* latency +- jitter, uniform, never negative. */
static uint64_t one_way(const struct sf_link *l, uint64_t d, uint64_t purpose)
{
	if (!l->jitter_ns)
		return l->latency_ns;
	double u = uniform(d, purpose) * 2.0 - 1.0;
	double x = (double)l->latency_ns + u * (double)l->jitter_ns;
	return x <= 0 ? 0 : (uint64_t)x;
}

/* Wire time of n bytes at the link's rate. */
static uint64_t wire_ns(const struct sf_link *l, size_t n)
{
	if (!l->rate)
		return 0;
	return (uint64_t)((double)n * 1e9 / (double)l->rate + 0.5);
}

/* --- the timer --- */

static void *timer_main(void *arg);

static void start_timer(void)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	timer_running = pthread_create(&t, &a, timer_main, NULL) == 0;
	if (timer_running && vnet_sh)
		vnet_sh->procs[vnet_slot].timer = true;
	pthread_attr_destroy(&a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static uint64_t advance(struct vlink_rx *k, uint64_t now);

/* Something towards k's socket arrives at `at`. */
static void schedule(struct vlink_rx *k, uint64_t at)
{
	if (!k->queued) {
		k->queued = true;
		k->pnext = LK->lk_pending;
		LK->lk_pending = k;
		k->v->refs++; /* kept until nothing is in flight to it */
	}
	if (!timer_running)
		start_timer();
	if (!timer_running) {
		/* No thread (EAGAIN from pthread_create): deliver now rather
		 * than never; the program sees a network without delays. */
		advance(k, UINT64_MAX);
		return;
	}
	if (at < LK->lk_target) {
		LK->lk_target = at;
		timer_wake();
	}
}

/* Whether a one-off event pending at `at` is due at `now` (it is then no
 * longer pending); if it is still ahead, *next becomes at most `at`. */
static bool due(bool *pending, uint64_t at, uint64_t now, uint64_t *next)
{
	if (!*pending)
		return false;
	if (at <= now) {
		*pending = false;
		return true;
	}
	if (at < *next)
		*next = at;
	return false;
}

/* Delivers what is due towards k's socket at `now`; the next due time
 * (UINT64_MAX: nothing left). */
static uint64_t advance(struct vlink_rx *k, uint64_t now)
{
	struct sf_vsock *v = k->v;
	uint64_t next = UINT64_MAX;
	bool arrived = false;
	if (due(&k->enq_pending, k->enq_at, now, &next)) {
		struct sf_vsock *l = k->listener, *c = v->peer;
		k->listener = NULL;
		if (l->state == VS_LISTEN && !l->rd_shut && !l->released && !v->released) {
			vtcp_enqueue(l, v);
		} else {
			/* The SYN found the port closed: the client is
			 * refused (its SYN_SENT ends with a RST). */
			bool syn = c && c->state == VS_SYN;
			vtcp_drop_embryo(v);
			if (syn && c->state == VS_CLOSED) {
				c->so_error = ECONNREFUSED;
				c->connecting = true;
			}
		}
		vsock_unref(l);
	}
	if (due(&k->estab_pending, k->estab_at, now, &next) && v->state == VS_SYN && v->peer) {
		v->state = VS_CONNECTED;
		vnet_wake(v);
	}
	while (k->mlen && k->marks[k->mhead].at <= now) {
		k->delivered = k->marks[k->mhead].end;
		k->mhead = (k->mhead + 1) % k->mcap;
		k->mlen--;
		arrived = true;
	}
	if (k->mlen && k->marks[k->mhead].at < next)
		next = k->marks[k->mhead].at;
	if (due(&k->fin_pending, k->fin_at, now, &next)) {
		v->peer_fin = true;
		arrived = true;
	}
	if (due(&k->refuse_pending, k->refuse_at, now, &next) && v->state == VS_SYN && v->rst_coming) {
		v->rst_coming = false;
		vtcp_refused(v, k->autobound);
		arrived = true;
	}
	/* ip4_datagram_connect's socket reports port unreachable (udp_err):
	 * only while still connected to where the datagram went. */
	if (due(&k->unreach_pending, k->unreach_at, now, &next) && v->has_remote &&
	    vaddr_eq(&v->remote, &k->unreach_from)) {
		v->so_error = ECONNREFUSED;
		arrived = true;
	}
	if (due(&k->rst_pending, k->rst_at, now, &next)) {
		v->rst_coming = false;
		if (v->state == VS_CONNECTED && !v->peer)
			vtcp_reset_peer(v);
		arrived = true;
	}
	while (k->dg && k->dg->at <= now) {
		struct inflight *f = k->dg;
		k->dg = f->next;
		if (!v->released && vudp_deliver(v, f->d))
			arrived = true;
		else
			vmem_free(f->d); /* the receiver's queue is full, or it is gone */
		vmem_free(f);
	}
	if (k->dg && k->dg->at < next)
		next = k->dg->at;
	if (arrived)
		vnet_arrive(v);
	return next;
}

/* Delivers what is due at `now`; the next delivery time. */
static uint64_t deliver(uint64_t now)
{
	uint64_t next = UINT64_MAX;
	for (struct vlink_rx **pp = &LK->lk_pending; *pp;) {
		struct vlink_rx *k = *pp;
		uint64_t n = advance(k, now);
		if (n == UINT64_MAX) {
			*pp = k->pnext;
			k->queued = false;
			vsock_unref(k->v); /* may free v and k: unlinked first */
			continue;
		}
		if (n < next)
			next = n;
		pp = &k->pnext;
	}
	LK->lk_target = next;
	return next;
}

void vlink_orphaned(int gone)
{
	if (!sf_vlink_on || !vnet_sh || !LK->lk_pending)
		return;
	for (int s = 0; s < VPROC_MAX; s++)
		if (s != gone && vnet_sh->procs[s].state == VP_LIVE && vnet_sh->procs[s].timer)
			return; /* another process's timer carries on */
	deliver(UINT64_MAX);
}

static void *timer_main(void *arg)
{
	(void)arg;
	vnet_lock();
	for (;;) {
		uint64_t next = deliver(sf_now_ns());
		/* The wake a delivery left for vnet_unlock (vwait.c): made when
		 * the lock is given up below. */
		unsigned seq = LK->lk_seq;
		vnet_unlock();
		struct timespec ts = {(time_t)(next / 1000000000u), (long)(next % 1000000000u)};
		syscall(SYS_futex, &LK->lk_seq, vnet_sh ? FUTEX_WAIT_BITSET : FUTEX_WAIT_BITSET_PRIVATE, seq,
			next == UINT64_MAX ? NULL : &ts, NULL, FUTEX_BITSET_MATCH_ANY);
		vnet_lock();
	}
	return NULL;
}

/* --- link state --- */

/* v's link state for link l, made or reset (a socket that connects again
 * starts a new stream). */
static struct vlink_rx *state_for(struct sf_vsock *v, const struct sf_link *l, bool fresh_stream)
{
	struct vlink_rx *k = v->lk;
	if (!k) {
		if (!(k = vmem_alloc(sizeof(*k), true)))
			return NULL;
		k->v = v;
		v->lk = k;
	}
	k->link1 = l ? (unsigned)(l - sf_config.scenario.links) + 1 : 0;
	if (fresh_stream) {
		k->in = k->delivered = 0;
		k->mhead = k->mlen = 0;
		k->last_at = k->wire_free = 0;
		k->fin_pending = k->rst_pending = false;
	}
	return k;
}

void vlink_free(struct sf_vsock *v)
{
	struct vlink_rx *k = v->lk;
	v->lk = NULL;
	for (struct inflight *f = k->dg, *n; f; f = n) {
		n = f->next;
		vmem_free(f->d);
		vmem_free(f);
	}
	vmem_free(k->marks);
	vmem_free(k);
}

void vlink_atfork_child(void)
{
	timer_running = false;
	if (vnet_sh)
		return; /* what is in flight is the network's: the parent's timer goes on */
	/* The parent's sockets are orphans in the child; what was in flight
	 * to them stays where it is (their references are never dropped). */
	LK->lk_pending = NULL;
	LK->lk_target = UINT64_MAX;
}

__thread struct sf_vlink_note sf_vlink_note __attribute__((tls_model("initial-exec")));

/* --- TCP --- */

static bool stream_delays(const struct sf_link *l)
{
	return l && (l->latency_ns || l->jitter_ns || l->rate);
}

bool vlink_tcp_connect(struct sf_vsock *c, struct sf_vsock *s, struct sf_vsock *l)
{
	const struct sf_link *ln = match(&c->local, &c->remote);
	if (!stream_delays(ln)) {
		if (c->lk)
			state_for(c, NULL, true); /* an earlier connection's link: none now */
		return false;
	}
	struct vlink_rx *kc = state_for(c, ln, true), *ks = state_for(s, ln, true);
	if (!kc || !ks) {
		if (kc)
			kc->link1 = 0;
		if (ks)
			ks->link1 = 0;
		return false; /* out of memory: this connection has no delays */
	}
	uint64_t d = draw(ln), there = one_way(ln, d, U_JITTER), back = one_way(ln, d, U_JITTER2);
	if (!there && !back)
		return false;
	uint64_t now = sf_now_ns();
	/* SYN there, SYN-ACK back: the client is established after the round
	 * trip (tcp_rcv_synsent_state_process), the server's socket joins the
	 * accept queue one way after the connect began (the SYN's arrival).
	 * Linux queues it on the client's ACK, at three one-way delays; the
	 * earlier time is the documented one (scenarios/README.md) and only
	 * makes accept return sooner -- the client's first data still
	 * arrives after the ACK would have. */
	c->state = VS_SYN;
	kc->estab_pending = true;
	kc->estab_at = now + there + back;
	kc->last_at = kc->estab_at;
	ks->enq_pending = true;
	ks->enq_at = now + there;
	ks->last_at = ks->enq_at;
	ks->listener = l;
	l->refs++;
	schedule(ks, ks->enq_at);
	schedule(kc, kc->estab_at);
	return true;
}

int vlink_connect_wait(struct sf_vsock *c, uint64_t deadline)
{
	while (c->state == VS_SYN) {
		int w = vnet_wait(c, deadline);
		if (w) {
			/* SO_SNDTIMEO: EINPROGRESS; a signal: EINTR
			 * (inet_stream_connect); the handshake goes on. */
			c->connecting = true;
			return w == -EINTR ? -EINTR : -EINPROGRESS;
		}
	}
	if (c->state == VS_CONNECTED)
		return 0;
	int e = c->so_error;
	c->so_error = 0;
	c->connecting = false;
	return e ? -e : -ECONNREFUSED;
}

bool vlink_tcp_sent(struct sf_vsock *to, size_t n)
{
	struct vlink_rx *k = to->lk;
	const struct sf_link *l = klink(k);
	uint64_t start_off = k->in;
	k->in += n;
	if (!l) {
		k->delivered = k->in;
		return true;
	}
	uint64_t now = sf_now_ns(), lat = one_way(l, draw(l), U_JITTER);
	for (size_t off = 0; off < n;) {
		size_t piece = n - off;
		if (l->rate) {
			uint64_t cap = l->rate / (1000000000ull / PIECE_NS); /* 10 ms worth */
			if (cap > PIECE)
				cap = PIECE;
			if (cap < 1)
				cap = 1;
			if (piece > cap)
				piece = (size_t)cap;
			uint64_t start = k->wire_free > now ? k->wire_free : now;
			k->wire_free = start + wire_ns(l, piece);
		}
		off += piece;
		uint64_t at = (l->rate ? k->wire_free : now) + lat;
		if (at < k->last_at)
			at = k->last_at; /* a stream arrives in order */
		k->last_at = at;
		if (at <= now && !k->mlen) {
			k->delivered = start_off + off;
			continue;
		}
		/* Sends due at the same time (bandwidth pieces backed up behind
		 * a jittered one) share a mark. */
		if (k->mlen) {
			struct mark *t = &k->marks[(k->mhead + k->mlen - 1) % k->mcap];
			if (at == t->at) {
				t->at = at;
				t->end = start_off + off;
				continue;
			}
		}
		if (k->mlen == k->mcap) {
			size_t cap = k->mcap ? k->mcap * 2 : 16;
			struct mark *m = vmem_alloc(cap * sizeof(*m), false);
			if (!m) {
				/* Out of memory: these bytes ride on the last mark. */
				if (k->mlen) {
					struct mark *t = &k->marks[(k->mhead + k->mlen - 1) % k->mcap];
					t->at = at;
					t->end = start_off + off;
				} else {
					k->delivered = start_off + off;
				}
				continue;
			}
			for (size_t i = 0; i < k->mlen; i++)
				m[i] = k->marks[(k->mhead + i) % k->mcap];
			vmem_free(k->marks);
			k->marks = m;
			k->mcap = cap;
			k->mhead = 0;
		}
		k->marks[(k->mhead + k->mlen) % k->mcap] = (struct mark){at, start_off + off};
		k->mlen++;
	}
	sf_vlink_note = (struct sf_vlink_note){l->line, k->last_at > now ? k->last_at - now : 0, false};
	if (!k->mlen)
		return true;
	schedule(k, k->marks[k->mhead].at);
	return false;
}

size_t vlink_tcp_ready(const struct sf_vsock *v)
{
	const struct vlink_rx *k = v->lk;
	/* Marks whose time has come count even before the timer pops them:
	 * a call that looks is never later than the thread. */
	uint64_t d = k->delivered;
	if (k->mlen) {
		uint64_t now = sf_now_ns();
		for (size_t i = 0; i < k->mlen; i++) {
			const struct mark *m = &k->marks[(k->mhead + i) % k->mcap];
			if (m->at > now)
				break;
			d = m->end;
		}
	} else {
		d = k->in;
	}
	uint64_t consumed = k->in >= v->rx.len ? k->in - v->rx.len : 0;
	if (d <= consumed)
		return 0;
	return d - consumed < v->rx.len ? (size_t)(d - consumed) : v->rx.len;
}

/* When a control segment (FIN, RST) towards k's socket sent now arrives:
 * after the data before it, one way later; 0 when there is no link or it
 * arrives at once.  The caller marks it pending, then schedules it
 * (schedule may deliver at once). */
static uint64_t control_at(struct vlink_rx *k)
{
	const struct sf_link *l = klink(k);
	if (!l)
		return 0;
	uint64_t at = sf_now_ns() + one_way(l, draw(l), U_JITTER);
	if (at < k->last_at)
		at = k->last_at;
	if (at <= sf_now_ns())
		return 0;
	k->last_at = at;
	return at;
}

bool vlink_tcp_fin(struct sf_vsock *to)
{
	struct vlink_rx *k = to->lk;
	uint64_t at = control_at(k);
	if (!at)
		return false;
	k->fin_pending = true;
	k->fin_at = at;
	schedule(k, at);
	return true;
}

bool vlink_tcp_rst(struct sf_vsock *to)
{
	struct vlink_rx *k = to->lk;
	uint64_t at = control_at(k);
	if (!at)
		return false;
	k->rst_pending = true;
	k->rst_at = at;
	schedule(k, at);
	return true;
}

/* --- answers of the network --- */

bool vlink_answer(struct sf_vsock *v, const struct vaddr *src, const struct vaddr *dst, enum vlink_answer what,
		  bool autobound)
{
	const struct sf_link *l = match(src, dst);
	if (!l || (!l->latency_ns && !l->jitter_ns))
		return false; /* a bandwidth alone: a header's wire time is nothing */
	struct vlink_rx *k = state_for(v, l, what == VLINK_REFUSED);
	if (!k)
		return false;
	uint64_t d = draw(l), now = sf_now_ns();
	uint64_t at = now + one_way(l, d, U_JITTER) + one_way(l, d, U_JITTER2);
	if (at <= now)
		return false;
	switch (what) {
	case VLINK_REFUSED:
		/* SYN there, RST back (tcp_v4_send_reset answering a SYN to
		 * a port nobody listens on). */
		k->refuse_pending = true;
		k->refuse_at = at;
		k->autobound = autobound;
		v->rst_coming = true;
		break;
	case VLINK_DATA_RST:
		/* Our data there, the closed socket's RST back; after what the
		 * peer sent us before it closed.  A RST already on its way
		 * stays the first one. */
		if (k->rst_pending || v->rst_coming)
			return true;
		if (at < k->last_at)
			at = k->last_at;
		k->rst_pending = true;
		k->rst_at = at;
		v->rst_coming = true;
		break;
	case VLINK_UNREACHABLE:
		if (k->unreach_pending)
			return true; /* the first one reports it */
		k->unreach_pending = true;
		k->unreach_at = at;
		k->unreach_from = *dst;
		break;
	}
	schedule(k, at);
	return true;
}

/* --- UDP --- */

static void insert(struct vlink_rx *k, struct vdgram *d, uint64_t at)
{
	struct inflight *f = vmem_alloc(sizeof(*f), false);
	if (!f) {
		vmem_free(d); /* the network lost it */
		return;
	}
	f->at = at;
	f->d = d;
	struct inflight **pp = &k->dg;
	while (*pp && (*pp)->at <= at) /* after equal times: send order */
		pp = &(*pp)->next;
	f->next = *pp;
	*pp = f;
	schedule(k, k->dg->at);
}

bool vlink_udp_send(struct sf_vsock *sender, struct sf_vsock *o, struct vdgram *d, const struct vaddr *from,
		    const struct vaddr *dst)
{
	const struct sf_link *l = match(from, dst);
	if (!l)
		return false;
	uint64_t r = draw(l), now = sf_now_ns();
	if (l->loss > 0 && uniform(r, U_LOSS) < l->loss) {
		/* Lost on the way: a capture on the sender's side saw it leave. */
		struct iovec iov = {d->data, d->len};
		sf_vlink_note = (struct sf_vlink_note){l->line, 0, true};
		vcap_undelivered(sender, from, dst, &iov, 1, d->len);
		vmem_free(d);
		return true;
	}
	struct vlink_rx *k = o->lk ? o->lk : state_for(o, l, false);
	struct vdgram *dup = NULL;
	if (l->duplicate > 0 && uniform(r, U_DUP) < l->duplicate) {
		dup = vmem_alloc(sizeof(*dup) + d->len + 1, false);
		if (dup)
			memcpy(dup, d, sizeof(*dup) + d->len);
	}
	uint64_t wire = now;
	if (l->rate && k) {
		uint64_t start = k->wire_free > now ? k->wire_free : now;
		k->wire_free = wire = start + wire_ns(l, d->len);
	}
	bool reorder = l->reorder > 0 && uniform(r, U_REORDER) < l->reorder;
	uint64_t at = wire + (reorder ? 0 : one_way(l, r, U_JITTER));
	uint64_t at2 = wire + one_way(l, r, U_JITTER2);
	/* Due now with nothing in flight ahead of it (no latency, or a
	 * reordered one on an idle link): straight into the queue, as
	 * without a link; else in flight until its time. */
	bool now_d = !k || (at <= now && !k->dg), arrived = false;
	sf_vlink_note = (struct sf_vlink_note){l->line, at > now ? at - now : 0, false};
	if (now_d) {
		if (vudp_deliver(o, d))
			arrived = true;
		else
			vmem_free(d);
	} else {
		insert(k, d, at);
	}
	if (dup) {
		if (!k || (at2 <= now && !k->dg)) {
			if (vudp_deliver(o, dup))
				arrived = true;
			else
				vmem_free(dup);
		} else {
			insert(k, dup, at2);
		}
	}
	if (arrived)
		vnet_arrive(o);
	return true;
}
