/* The fault engine (see fault.h): rule index by call, per-socket rule cache,
 * schedules, and the per-rule counter-based random streams. */
#include "faults/fault.h"

#include <fnmatch.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The rules a socket can match given what is fixed about it (family, type,
 * addresses, direction, connection number), in file order.  Immutable once
 * published; replaced (not edited) when the socket's addresses change. */
struct sf_rule_cache {
	struct sf_rule_cache *next; /* the socket's retired list */
	unsigned gen;    /* the socket's addr_gen it was built for */
	uint64_t calls;  /* union of the call masks of idx[] */
	unsigned n;
	uint32_t idx[]; /* rule index | DYNAMIC_PEER (peer checked per call) */
};

#define DYNAMIC_PEER 0x80000000u

struct rule_state {
	_Atomic uint64_t matched; /* calls this rule matched */
	_Atomic uint64_t fired;   /* times it fired */
};

/* Engine state: written by sf_fault_init in the constructor, before any
 * other thread exists, and read-only afterwards (counters are atomics). */
static struct {
	const struct sf_scenario *sc;
	uint64_t seed;
	uint64_t start_ns;
	uint64_t watched;                   /* calls some rule names */
	uint32_t *by_call[SF_CALL_COUNT];   /* rule indices per call, file order */
	unsigned nby_call[SF_CALL_COUNT];
	struct rule_state *st;
} engine;

/* splitmix64's finalizer (Steele et al., "Fast splittable pseudorandom
 * number generators", 2014): a bijective mix good enough for fault draws. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int sf_fault_init(const struct sf_scenario *sc, uint64_t seed, uint64_t start_ns)
{
	/* Re-initialisation is for tests and fuzz targets, single-threaded. */
	free(engine.st);
	engine.st = NULL;
	for (int c = 0; c < SF_CALL_COUNT; c++) {
		free(engine.by_call[c]);
		engine.by_call[c] = NULL;
		engine.nby_call[c] = 0;
	}
	atomic_store_explicit(&sf_socket_rules_release_fn, sf_fault_socket_release, memory_order_relaxed);
	engine.sc = sc;
	engine.seed = seed;
	engine.start_ns = start_ns;
	engine.watched = 0;
	if (!sc || sc->nrules == 0)
		return 0;
	engine.st = calloc(sc->nrules, sizeof(*engine.st));
	if (!engine.st)
		return -12; /* -ENOMEM */
	for (int c = 0; c < SF_CALL_COUNT; c++) {
		unsigned n = 0;
		for (unsigned i = 0; i < sc->nrules; i++)
			n += (sc->rules[i].calls >> c) & 1;
		if (!n)
			continue;
		engine.by_call[c] = malloc(n * sizeof(uint32_t));
		if (!engine.by_call[c])
			return -12;
		for (unsigned i = 0; i < sc->nrules; i++)
			if ((sc->rules[i].calls >> c) & 1)
				engine.by_call[c][engine.nby_call[c]++] = i;
		engine.watched |= 1ull << c;
	}
	return 0;
}

void sf_fault_reset(void)
{
	if (engine.st)
		for (unsigned i = 0; i < engine.sc->nrules; i++) {
			atomic_store(&engine.st[i].matched, 0);
			atomic_store(&engine.st[i].fired, 0);
		}
}

bool sf_fault_watches(enum sf_call c)
{
	return (engine.watched >> c) & 1;
}

uint64_t sf_fault_matched(unsigned i) { return atomic_load(&engine.st[i].matched); }
uint64_t sf_fault_fired(unsigned i) { return atomic_load(&engine.st[i].fired); }

/* --- address matching --- */

static int sockaddr_port(const struct sockaddr *a)
{
	if (a->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)a)->sin_port);
	if (a->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
	return -1;
}

static bool prefix_equal(const uint8_t *a, const uint8_t *b, int bits)
{
	int bytes = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)bytes) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t m = (uint8_t)(0xff00u >> rest);
	return (a[bytes] & m) == (b[bytes] & m);
}

/* An IPv4-mapped IPv6 peer (::ffff:a.b.c.d) matches IPv4 patterns, as the
 * program talking to it means the IPv4 host. */
bool sf_addr_match_ip(const struct sf_addr_match *m, int family, const uint8_t *ip, int port)
{
	if (m->port >= 0 && port != m->port)
		return false;
	if (m->family == 0 /* AF_UNSPEC */)
		return true;
	if (family == AF_INET6 && m->family == AF_INET) {
		if (!IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)ip))
			return false;
		ip += 12;
		family = AF_INET;
	}
	return family == m->family && prefix_equal(ip, m->addr, m->prefix);
}

static bool addr_matches(const struct sf_addr_match *m, const struct sockaddr *a)
{
	if (!a)
		return false;
	if (a->sa_family == AF_INET)
		return sf_addr_match_ip(m, AF_INET, (const uint8_t *)&((const struct sockaddr_in *)a)->sin_addr,
					sockaddr_port(a));
	if (a->sa_family == AF_INET6)
		return sf_addr_match_ip(m, AF_INET6, ((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr,
					sockaddr_port(a));
	return false;
}

static bool has_peer_matcher(const struct sf_rule *r)
{
	return r->peer.family != 0 || r->peer.port >= 0;
}

static bool has_socket_matcher(const struct sf_rule *r)
{
	return has_peer_matcher(r) || r->lport >= 0 || r->proto || r->family || r->dir != SF_DIR_ANY ||
	       r->conn;
}

static int socket_proto(const struct sf_socket *s)
{
	if (s->domain != AF_INET && s->domain != AF_INET6)
		return -1;
	if (s->type == SOCK_STREAM)
		return IPPROTO_TCP;
	if (s->type == SOCK_DGRAM)
		return IPPROTO_UDP;
	return -1;
}

/* 1: matches, 0: does not, 2: matches if the per-call peer does. */
static int rule_matches_socket(const struct sf_rule *r, const struct sf_socket *s)
{
	if (r->family && r->family != s->domain)
		return 0;
	if (r->proto && r->proto != socket_proto(s))
		return 0;
	if (r->dir != SF_DIR_ANY && (int)r->dir != s->dir)
		return 0;
	if (r->conn && r->conn != s->conn_index)
		return 0;
	if (r->lport >= 0 && (!s->local_len || sockaddr_port((const struct sockaddr *)&s->local) != r->lport))
		return 0;
	if (!has_peer_matcher(r))
		return 1;
	if (s->peer_len)
		return addr_matches(&r->peer, (const struct sockaddr *)&s->peer) ? 1 : 0;
	/* Not connected: the peer is the call's own address (connect's, or
	 * sendto's on a datagram socket). */
	return 2;
}

static const struct sf_rule_cache *socket_cache(struct sf_socket *s)
{
	unsigned gen = atomic_load_explicit(&s->addr_gen, memory_order_acquire);
	struct sf_rule_cache *c = atomic_load_explicit(&s->rule_cache, memory_order_acquire);
	if (__builtin_expect(c && c->gen == gen, 1))
		return c;
	const struct sf_scenario *sc = engine.sc;
	pthread_mutex_lock(&s->lock);
	c = atomic_load_explicit(&s->rule_cache, memory_order_relaxed);
	gen = atomic_load_explicit(&s->addr_gen, memory_order_relaxed);
	if (c && c->gen == gen)
		goto out;
	unsigned n = 0;
	for (unsigned i = 0; i < sc->nrules; i++)
		n += rule_matches_socket(&sc->rules[i], s) != 0;
	struct sf_rule_cache *nc = malloc(sizeof(*nc) + n * sizeof(uint32_t));
	if (!nc)
		goto out; /* out of memory: keep the old cache (or none: no faults) */
	nc->next = NULL;
	nc->gen = gen;
	nc->calls = 0;
	nc->n = 0;
	for (unsigned i = 0; i < sc->nrules; i++) {
		int m = rule_matches_socket(&sc->rules[i], s);
		if (!m)
			continue;
		nc->idx[nc->n++] = i | (m == 2 ? DYNAMIC_PEER : 0);
		nc->calls |= sc->rules[i].calls;
	}
	if (c) {
		/* Readers may still use c; it goes with the socket (fault.h). */
		c->next = s->retired;
		s->retired = c;
	}
	atomic_store_explicit(&s->rule_cache, nc, memory_order_release);
	c = nc;
out:
	pthread_mutex_unlock(&s->lock);
	return c;
}

void sf_fault_socket_changed(struct sf_socket *s)
{
	atomic_fetch_add_explicit(&s->addr_gen, 1, memory_order_release);
}

void sf_fault_socket_release(struct sf_socket *s)
{
	struct sf_rule_cache *c = atomic_exchange(&s->rule_cache, NULL);
	free(c);
	for (c = s->retired; c;) {
		struct sf_rule_cache *next = c->next;
		free(c);
		c = next;
	}
	s->retired = NULL;
}

/* --- schedules --- */

static uint64_t elapsed_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec - engine.start_ns;
}

static uint64_t stream_bytes(const struct sf_call_ctx *c)
{
	if (!c->s)
		return 0;
	return sf_call_family[c->call] == SF_FAM_recv ? atomic_load(&c->s->bytes_in)
						      : atomic_load(&c->s->bytes_out);
}

/* Counts call c against rule i (whose matchers hold) and says whether it
 * fires. */
static bool rule_fires(unsigned i, const struct sf_call_ctx *c, struct sf_verdict *v)
{
	const struct sf_rule *r = &engine.sc->rules[i];
	/* Time and byte windows select the calls the rule counts, so that
	 * "bytes=1000.. nth=1" means the first call past byte 1000. */
	if ((r->time.lo || r->time.hi != SF_UNBOUNDED)) {
		uint64_t t = elapsed_ns();
		if (t < r->time.lo || t > r->time.hi)
			return false;
	}
	if (r->bytes.lo || r->bytes.hi != SF_UNBOUNDED) {
		uint64_t b = stream_bytes(c);
		/* A stream call that would cross the window's start is cut
		 * there, so the window starts at its exact byte. */
		if (b < r->bytes.lo && c->len > r->bytes.lo - b && c->s && c->s->type == SOCK_STREAM &&
		    (!v->clip || r->bytes.lo - b < v->clip))
			v->clip = r->bytes.lo - b;
		if (b < r->bytes.lo || b > r->bytes.hi)
			return false;
	}
	uint64_t n = atomic_fetch_add_explicit(&engine.st[i].matched, 1, memory_order_relaxed) + 1;
	if (n < r->when.lo || n > r->when.hi || (n - r->when.lo) % r->step)
		return false;
	uint64_t draw = mix64(engine.seed ^ r->rng_key ^ mix64(n));
	if (r->prob < 1.0 && (double)(draw >> 11) * 0x1.0p-53 >= r->prob)
		return false;
	v->rule = r;
	v->count = n;
	v->draw = draw;
	return true;
}

static bool name_matches(const struct sf_rule *r, const char *name)
{
	return !r->name || (name && fnmatch(r->name, name, FNM_CASEFOLD) == 0);
}

/* Rule i sees the call: every matching rule counts it, the first to fire
 * decides, and a later rule's byte window can still clip the call (so that
 * "bytes=N.." starts at byte N even while another rule fires).  Returns
 * whether a rule has fired by now. */
static bool consider(unsigned i, const struct sf_call_ctx *c, struct sf_verdict *v, bool fired)
{
	if (!fired)
		return rule_fires(i, c, v);
	struct sf_verdict later = {0};
	(void)rule_fires(i, c, &later);
	if (later.clip && (!v->clip || later.clip < v->clip))
		v->clip = later.clip;
	return true;
}

bool sf_fault_may_fire(struct sf_socket *s, enum sf_call c)
{
	if (!sf_fault_watches(c))
		return false;
	const struct sf_rule_cache *rc = socket_cache(s);
	return rc && ((rc->calls >> c) & 1);
}

bool sf_fault_decide(const struct sf_call_ctx *c, struct sf_verdict *v)
{
	bool fired = false;
	v->rule = NULL;
	v->clip = 0;
	if (!c->s) {
		/* Resolver and readiness calls: no socket to match. */
		for (unsigned k = 0; k < engine.nby_call[c->call]; k++) {
			unsigned i = engine.by_call[c->call][k];
			const struct sf_rule *r = &engine.sc->rules[i];
			if (has_socket_matcher(r) || !name_matches(r, c->name))
				continue;
			fired = consider(i, c, v, fired);
		}
	} else {
		const struct sf_rule_cache *rc = socket_cache(c->s);
		if (!rc || !((rc->calls >> c->call) & 1))
			return false;
		for (unsigned k = 0; k < rc->n; k++) {
			unsigned i = rc->idx[k] & ~DYNAMIC_PEER;
			const struct sf_rule *r = &engine.sc->rules[i];
			if (!((r->calls >> c->call) & 1))
				continue;
			if ((rc->idx[k] & DYNAMIC_PEER) && !addr_matches(&r->peer, c->to))
				continue;
			fired = consider(i, c, v, fired);
		}
	}
	if (fired)
		atomic_fetch_add_explicit(&engine.st[v->rule - engine.sc->rules].fired, 1,
					  memory_order_relaxed);
	return fired;
}

uint64_t sf_fault_pick(const struct sf_verdict *v, struct sf_range r)
{
	if (r.hi <= r.lo)
		return r.lo;
	uint64_t span = r.hi - r.lo + 1;
	uint64_t x = mix64(v->draw ^ 0x5851f42d4c957f2dull);
	return span ? r.lo + x % span : x;
}
