/* The scenario parser: scenario text -> struct sf_scenario, or one error line
 * "PATH:LINE:COL: message".  The language is specified in scenarios/README.md. */
#include "faults/scenario.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h> /* vsnprintf for messages; no streams */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "core/syscalls.h"

const char *const sf_action_names[SF_ACT_COUNT] = {
	[SF_ACT_EINTR] = "eintr",
	[SF_ACT_EAGAIN] = "eagain",
	[SF_ACT_ERROR] = "error",
	[SF_ACT_SHORT] = "short",
	[SF_ACT_DELAY] = "delay",
	[SF_ACT_TIMEOUT] = "timeout",
	[SF_ACT_BLACKHOLE] = "blackhole",
	[SF_ACT_REFUSE] = "refuse",
	[SF_ACT_RESET] = "reset",
	[SF_ACT_CLOSE] = "close",
	[SF_ACT_BANDWIDTH] = "bandwidth",
	[SF_ACT_TRUNCATE] = "truncate",
	[SF_ACT_DROP] = "drop",
	[SF_ACT_DUPLICATE] = "duplicate",
	[SF_ACT_CORRUPT] = "corrupt",
	[SF_ACT_REORDER] = "reorder",
	[SF_ACT_EAI] = "eai",
	[SF_ACT_HERROR] = "herror",
};

#define MAX_LINE 4096     /* bytes per line, newline excluded */
#define MAX_WORDS 64      /* words per line */
#define MAX_RULES 100000u /* rules per scenario */
#define MAX_HOSTS 100000u /* host directives per scenario */
#define MAX_PEER 1000000u /* peer steps per scenario */
#define MAX_PEER_CONNS 65535u
#define MAX_LINKS 1000u   /* link directives per scenario (matched linearly) */
#define MAX_FILE ((size_t)16 << 20)

#define ALL_CALLS (~0ull >> (64 - SF_CALL_COUNT))
#define FAM(f) sf_family_calls(SF_FAM_##f)
#define CALL(c) (1ull << SF_CALL_##c)

/* Words are quoted in messages up to this many bytes. */
#define QLEN(n) ((int)((n) > 48 ? 48 : (n)))
#define QW(w) QLEN((w)->len), (w)->p

struct word {
	const char *p;
	size_t len;
	unsigned col; /* 1-based byte column */
};

struct parser {
	const char *path;
	unsigned line;
	char *err;
	size_t errlen;
	struct sf_scenario *sc;
	unsigned cap_rules, cap_hosts, cap_peer;
	bool seen_seed, seen_net, seen_unknown;
	unsigned first_peer_line;  /* for "peer lines need net virtual" */
	unsigned first_link_line;  /* for "link lines need net virtual" */
	unsigned cap_links;
	unsigned char *peer_state; /* per declared connection: PEER_* flags */
};

static int fail(struct parser *p, unsigned col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, unsigned col, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%u:%u: %s", p->path ? p->path : "<scenario>", p->line, col, msg);
	return -1;
}

static bool span_is(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static bool word_is(const struct word *w, const char *lit)
{
	return span_is(w->p, w->len, lit);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The column just after a word: where a missing value would have been. */
static unsigned after(const struct word *w)
{
	return w->col + (unsigned)w->len;
}

/* --- numbers --- */

/* A whole number, decimal or 0x hex, nothing else in [s, s+len). */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0, base = 10;
	size_t i = 0;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		char c = s[i];
		uint64_t d;
		if (is_digit(c))
			d = (uint64_t)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (uint64_t)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (uint64_t)(c - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* DIGITS[.DIGITS] or .DIGITS at the start of [s, s+len): the whole part and
 * the fraction num/den (den a power of ten, digits past 18 ignored).  Returns
 * the bytes used, or -1. */
static long parse_decimal(const char *s, size_t len, uint64_t *whole, uint64_t *num, uint64_t *den)
{
	size_t i = 0;
	bool digits = false;
	*whole = 0;
	*num = 0;
	*den = 1;
	for (; i < len && is_digit(s[i]); i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (*whole > (UINT64_MAX - d) / 10)
			return -1;
		*whole = *whole * 10 + d;
		digits = true;
	}
	if (i < len && s[i] == '.') {
		i++;
		if (i == len || !is_digit(s[i]))
			return -1;
		for (; i < len && is_digit(s[i]); i++) {
			if (*den < 1000000000000000000ull) {
				*num = *num * 10 + (uint64_t)(s[i] - '0');
				*den *= 10;
			}
		}
		digits = true;
	}
	return digits ? (long)i : -1;
}

struct unit {
	const char *name;
	uint64_t mul;
};

static const struct unit duration_units[] = {
	{"ns", 1},
	{"us", 1000},
	{"ms", 1000000},
	{"s", 1000000000},
	{"m", 60ull * 1000000000},
	{"h", 3600ull * 1000000000},
	{NULL, 0},
};

static const struct unit size_units[] = {
	{"k", 1ull << 10}, {"K", 1ull << 10}, {"m", 1ull << 20}, {"M", 1ull << 20},
	{"g", 1ull << 30}, {"G", 1ull << 30}, {NULL, 0},
};

static const struct unit rate_units[] = {
	{"/s", 1},	      {"k/s", 1ull << 10}, {"K/s", 1ull << 10}, {"m/s", 1ull << 20},
	{"M/s", 1ull << 20}, {"g/s", 1ull << 30}, {"G/s", 1ull << 30}, {NULL, 0},
};

/* A decimal number and a unit from `units`; with no unit, a whole number
 * times `bare`, or -2 when bare is 0 (the unit is required).  -1 when
 * malformed or beyond 64 bits. */
static int parse_scaled(const char *s, size_t len, const struct unit *units, uint64_t bare, uint64_t *out)
{
	uint64_t whole, num, den, mul = 0, v;
	long used = parse_decimal(s, len, &whole, &num, &den);
	if (used < 0)
		return -1;
	size_t i = (size_t)used;
	if (i == len) {
		if (!bare)
			return -2;
		if (den != 1)
			return -1; /* a bare count of bytes is whole */
		mul = bare;
	} else {
		for (const struct unit *u = units; u->name; u++)
			if (span_is(s + i, len - i, u->name))
				mul = u->mul;
		if (!mul)
			return -1;
	}
	if (__builtin_mul_overflow(whole, mul, &v))
		return -1;
	if (num) {
		/* num/den < 1, so this part is below mul: a double is exact
		 * enough and cannot overflow. */
		uint64_t part = (uint64_t)((double)num / (double)den * (double)mul + 0.5);
		if (__builtin_add_overflow(v, part, &v))
			return -1;
	}
	*out = v;
	return 0;
}

int sf_parse_duration(const char *s, size_t len, uint64_t *ns)
{
	return parse_scaled(s, len, duration_units, 0, ns) == 0 ? 0 : -1;
}

enum num_kind { NUM_COUNT, NUM_SIZE, NUM_DURATION, NUM_RATE };

static const char *const num_form[] = {
	[NUM_COUNT] = "a whole number",
	[NUM_SIZE] = "bytes, e.g. 1000, 64k or 1.5M",
	[NUM_DURATION] = "a duration: NUMBER with ns, us, ms, s, m or h",
	[NUM_RATE] = "bytes per second, e.g. 500/s, 64k/s or 1M/s",
};

static int parse_value(struct parser *p, enum num_kind k, const char *what, const char *s, size_t len,
		       unsigned col, uint64_t *v)
{
	int rc;
	switch (k) {
	case NUM_COUNT: rc = parse_u64(s, len, v); break;
	case NUM_SIZE: rc = parse_scaled(s, len, size_units, 1, v); break;
	case NUM_DURATION: rc = parse_scaled(s, len, duration_units, 0, v); break;
	default: rc = parse_scaled(s, len, rate_units, 0, v); break;
	}
	if (rc == -2 && k == NUM_RATE)
		return fail(p, col + (unsigned)len, "missing '/s' after %s '%.*s'", what, QLEN(len), s);
	if (rc == -2)
		return fail(p, col + (unsigned)len, "missing unit after %s '%.*s' (ns, us, ms, s, m or h)", what,
			    QLEN(len), s);
	if (rc)
		return fail(p, col, "bad %s '%.*s' (%s)", what, QLEN(len), s, num_form[k]);
	return 0;
}

/* "A", "A..B", "A.." or "..B"; an omitted start is lo_default, an omitted
 * end SF_UNBOUNDED.  A single value is refused unless single_ok. */
static int parse_range(struct parser *p, enum num_kind k, const char *what, const struct word *w,
		       uint64_t lo_default, bool single_ok, struct sf_range *r)
{
	size_t dots = w->len;
	for (size_t i = 0; i + 1 < w->len; i++)
		if (w->p[i] == '.' && w->p[i + 1] == '.') {
			dots = i;
			break;
		}
	if (dots == w->len) {
		if (!single_ok)
			return fail(p, w->col, "%s needs a range: A..B, A.. or ..B", what);
		if (parse_value(p, k, what, w->p, w->len, w->col, &r->lo))
			return -1;
		r->hi = r->lo;
		return 0;
	}
	size_t rlen = w->len - dots - 2;
	if (!dots && !rlen)
		return fail(p, w->col, "'..' needs a start, an end or both");
	r->lo = lo_default;
	r->hi = SF_UNBOUNDED;
	if (dots && parse_value(p, k, what, w->p, dots, w->col, &r->lo))
		return -1;
	if (rlen && parse_value(p, k, what, w->p + dots + 2, rlen, w->col + (unsigned)dots + 2, &r->hi))
		return -1;
	if (r->lo > r->hi)
		return fail(p, w->col, "empty range '%.*s': the start is after the end", QW(w));
	return 0;
}

static int parse_port(struct parser *p, const char *what, const char *s, size_t len, unsigned col, int *port)
{
	uint64_t v;
	if (parse_u64(s, len, &v) != 0 || v > 65535)
		return fail(p, col, "bad %s '%.*s' (0..65535)", what, QLEN(len), s);
	*port = (int)v;
	return 0;
}

/* A number that must be at least 1 and fit an unsigned. */
static int parse_positive(struct parser *p, const char *what, const char *s, size_t len, unsigned col,
			  uint64_t max, uint64_t *v)
{
	if (parse_u64(s, len, v) != 0)
		return fail(p, col, "bad %s '%.*s' (a whole number)", what, QLEN(len), s);
	if (*v == 0)
		return fail(p, col, "%s must be at least 1", what);
	if (*v > max)
		return fail(p, col, "%s '%.*s' out of range (1..%llu)", what, QLEN(len), s, (unsigned long long)max);
	return 0;
}

/* --- addresses --- */

static int parse_ip(const char *s, size_t len, int *family, uint8_t addr[16])
{
	char buf[64];
	uint8_t tmp[16] = {0};
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (inet_pton(AF_INET, buf, tmp) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, tmp) == 1)
		*family = AF_INET6;
	else
		return -1;
	memcpy(addr, tmp, 16);
	return 0;
}

/* peer=ADDR[/PFX][:PORT] | [V6[/PFX]][:PORT] | V6[/PFX] | *[:PORT].  Sets
 * m->port only when a port is given, so that port= can be checked against
 * it either way round. */
static int parse_peer(struct parser *p, const struct word *w, struct sf_addr_match *m)
{
	const char *s = w->p, *a = s, *port = NULL;
	size_t len = w->len, alen = len, plen = 0;
	bool bracket = false;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return fail(p, w->col, "missing ']' after the IPv6 address");
		bracket = true;
		a = s + 1;
		alen = (size_t)(close - a);
		size_t used = (size_t)(close - s) + 1;
		if (used < len) {
			if (s[used] != ':')
				return fail(p, w->col + (unsigned)used, "expected ':PORT' after ']'");
			port = s + used + 1;
			plen = len - used - 1;
		}
	} else {
		size_t colons = 0, last = 0;
		for (size_t i = 0; i < len; i++)
			if (s[i] == ':') {
				colons++;
				last = i;
			}
		/* One colon separates a port; more make a bare IPv6 address. */
		if (colons == 1) {
			alen = last;
			port = s + last + 1;
			plen = len - last - 1;
		}
	}
	if (port && parse_port(p, "port", port, plen, w->col + (unsigned)(port - s), &m->port))
		return -1;
	if (alen == 1 && a[0] == '*' && !bracket) {
		m->family = AF_UNSPEC;
		m->prefix = 0;
		memset(m->addr, 0, sizeof(m->addr));
		return 0;
	}
	const char *slash = memchr(a, '/', alen);
	size_t iplen = slash ? (size_t)(slash - a) : alen;
	unsigned acol = w->col + (unsigned)(a - s);
	if (parse_ip(a, iplen, &m->family, m->addr) != 0)
		return fail(p, acol, "bad address '%.*s' (IPv4, [IPv6] or *)", QLEN(iplen), a);
	if (bracket && m->family != AF_INET6)
		return fail(p, acol, "brackets are for IPv6 addresses");
	int max = m->family == AF_INET ? 32 : 128;
	m->prefix = max;
	if (slash) {
		uint64_t v;
		size_t pl = alen - iplen - 1;
		if (parse_u64(slash + 1, pl, &v) != 0 || v > (uint64_t)max)
			return fail(p, acol + (unsigned)iplen + 1, "bad prefix length '%.*s' (0..%d)", QLEN(pl),
				    slash + 1, max);
		m->prefix = (int)v;
	}
	/* Clear the bits past the prefix: one spelling per network. */
	for (int bit = m->prefix; bit < max; bit++)
		m->addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	return 0;
}

/* --- names --- */

struct named {
	const char *name;
	int value;
};

static int lookup(const struct named *t, size_t n, const char *s, size_t len, int *value)
{
	for (size_t i = 0; i < n; i++)
		if (span_is(s, len, t[i].name)) {
			*value = t[i].value;
			return 0;
		}
	return -1;
}

#define LOOKUP(t, s, len, v) lookup(t, sizeof(t) / sizeof(t[0]), s, len, v)

static const struct named signal_names[] = {
	{"SIGALRM", SIGALRM}, {"SIGUSR1", SIGUSR1}, {"SIGUSR2", SIGUSR2}, {"SIGCHLD", SIGCHLD},
	{"SIGWINCH", SIGWINCH}, {"SIGHUP", SIGHUP}, {"SIGINT", SIGINT},	 {"SIGTERM", SIGTERM},
	{"SIGPIPE", SIGPIPE},	{"SIGIO", SIGIO},   {"SIGURG", SIGURG},
};

static const struct named herror_names[] = {
	{"HOST_NOT_FOUND", HOST_NOT_FOUND},
	{"TRY_AGAIN", TRY_AGAIN},
	{"NO_RECOVERY", NO_RECOVERY},
	{"NO_DATA", NO_DATA},
};

/* EAI codes and the calls that can return them (getaddrinfo(3),
 * getnameinfo(3)). */
#define GAI CALL(getaddrinfo)
#define GNI CALL(getnameinfo)
static const struct {
	const char *name;
	int value;
	uint64_t calls;
} eai_names[] = {
	{"EAI_ADDRFAMILY", EAI_ADDRFAMILY, GAI}, {"EAI_AGAIN", EAI_AGAIN, GAI | GNI},
	{"EAI_BADFLAGS", EAI_BADFLAGS, GAI | GNI}, {"EAI_FAIL", EAI_FAIL, GAI | GNI},
	{"EAI_FAMILY", EAI_FAMILY, GAI | GNI},	   {"EAI_MEMORY", EAI_MEMORY, GAI | GNI},
	{"EAI_NODATA", EAI_NODATA, GAI},	   {"EAI_NONAME", EAI_NONAME, GAI | GNI},
	{"EAI_OVERFLOW", EAI_OVERFLOW, GNI},	   {"EAI_SERVICE", EAI_SERVICE, GAI},
	{"EAI_SOCKTYPE", EAI_SOCKTYPE, GAI},	   {"EAI_SYSTEM", EAI_SYSTEM, GAI | GNI},
};

static int find_eai(const struct word *w)
{
	for (size_t i = 0; i < sizeof(eai_names) / sizeof(eai_names[0]); i++)
		if (word_is(w, eai_names[i].name))
			return (int)i;
	return -1;
}

/* The first call in mask, for messages. */
static const char *first_call(uint64_t mask)
{
	for (int c = 0; c < SF_CALL_COUNT; c++)
		if ((mask >> c) & 1)
			return sf_call_names[c];
	return "?";
}

/* --- rules --- */

/* One element of a CALLS list: `*`, a family name (which wins over a call
 * of the same name: `send` is the whole send family) or a call name. */
static uint64_t calls_named(const char *s, size_t len)
{
	if (len == 1 && s[0] == '*')
		return ALL_CALLS & ~FAM(resolve);
	for (int f = 0; f < SF_FAM_COUNT; f++)
		if (span_is(s, len, sf_family_names[f]))
			return sf_family_calls((enum sf_family)f);
	for (int c = 0; c < SF_CALL_COUNT; c++)
		if (span_is(s, len, sf_call_names[c]))
			return 1ull << c;
	return 0;
}

static int parse_calls(struct parser *p, const struct word *w, uint64_t *mask)
{
	*mask = 0;
	for (size_t i = 0; i <= w->len;) {
		size_t j = i;
		while (j < w->len && w->p[j] != ',')
			j++;
		if (j == i)
			return fail(p, w->col + (unsigned)i, "empty call name in '%.*s'", QW(w));
		uint64_t m = calls_named(w->p + i, j - i);
		if (!m)
			return fail(p, w->col + (unsigned)i, "unknown call '%.*s'", QLEN(j - i), w->p + i);
		*mask |= m;
		i = j + 1;
	}
	return 0;
}

/* The calls each action can be put on, and how messages say it. */
static uint64_t action_calls(enum sf_action a)
{
	uint64_t io = FAM(send) | FAM(recv);
	switch (a) {
	case SF_ACT_EINTR:
	case SF_ACT_EAGAIN:
	case SF_ACT_ERROR: return ALL_CALLS & ~FAM(resolve);
	case SF_ACT_DELAY: return ALL_CALLS;
	case SF_ACT_TIMEOUT: return io | FAM(connect) | FAM(accept) | FAM(poll);
	case SF_ACT_BLACKHOLE: return io | FAM(connect) | FAM(accept);
	case SF_ACT_REFUSE: return FAM(connect);
	case SF_ACT_RESET: return io | FAM(connect);
	case SF_ACT_CLOSE: return FAM(recv);
	case SF_ACT_EAI: return GAI | GNI;
	case SF_ACT_HERROR: return CALL(gethostbyname) | CALL(gethostbyaddr);
	case SF_ACT_REORDER: return FAM(send); /* held back by the sender */
	default: return io; /* short, bandwidth, truncate, drop, duplicate, corrupt */
	}
}

static const char *action_scope(enum sf_action a)
{
	switch (a) {
	case SF_ACT_EINTR:
	case SF_ACT_EAGAIN:
	case SF_ACT_ERROR: return "socket calls, not resolver ones";
	case SF_ACT_TIMEOUT: return "connect, accept, send, recv and poll calls";
	case SF_ACT_BLACKHOLE: return "connect, accept, send and recv calls";
	case SF_ACT_REFUSE: return "connect calls";
	case SF_ACT_RESET: return "connect, send and recv calls";
	case SF_ACT_CLOSE: return "recv calls";
	case SF_ACT_EAI: return "getaddrinfo and getnameinfo";
	case SF_ACT_HERROR: return "gethostbyname and gethostbyaddr";
	case SF_ACT_REORDER: return "send calls";
	default: return "send and recv calls";
	}
}

enum key {
	K_PEER, K_PORT, K_LPORT, K_PROTO, K_FAMILY, K_DIR, K_NAME, K_CONN,
	K_NTH, K_FIRST, K_EVERY, K_AFTER, K_WHEN, K_PROB, K_TIME, K_BYTES,
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"peer", "port", "lport", "proto", "family", "dir", "name", "conn",
	"nth", "first", "every", "after", "when", "prob", "time", "bytes",
};

/* The rule key a KEY=VALUE word names, or -1. */
static int key_of(const struct word *w)
{
	const char *eq = memchr(w->p, '=', w->len);
	if (!eq)
		return -1;
	for (int k = 0; k < K_COUNT; k++)
		if (span_is(w->p, (size_t)(eq - w->p), key_names[k]))
			return k;
	return -1;
}

struct rule_build {
	struct sf_rule r;
	const struct word *seen[K_COUNT];
	int sched; /* the key of the nth/first/every/after/when option, or -1 */
};

/* when=A[..[B]][+[S]]: strace's syntax.  A alone is the Ath call only; A..B
 * from A to B; A.. from A on; a step (+S, or + for +1) without an end also
 * runs on forever. */
static int parse_when(struct parser *p, const struct word *v, struct sf_rule *r)
{
	const char *plus = memchr(v->p, '+', v->len);
	struct word range = {v->p, plus ? (size_t)(plus - v->p) : v->len, v->col};
	if (!range.len)
		return fail(p, v->col, "when= needs a first call count");
	if (parse_range(p, NUM_COUNT, "call count", &range, 1, true, &r->when))
		return -1;
	if (r->when.lo == 0)
		return fail(p, v->col, "call counts start at 1");
	if (plus) {
		size_t slen = v->len - range.len - 1;
		unsigned scol = v->col + (unsigned)range.len + 1;
		r->step = 1;
		if (slen && parse_positive(p, "step", plus + 1, slen, scol, UINT64_MAX, &r->step))
			return -1;
		if (!memchr(range.p, '.', range.len))
			r->when.hi = SF_UNBOUNDED;
	}
	return 0;
}

/* prob=P: 0..1, or a percentage 0%..100%. */
static int parse_prob_named(struct parser *p, const char *what, const struct word *v, double *prob);
static int parse_prob(struct parser *p, const struct word *v, double *prob)
{
	return parse_prob_named(p, "prob", v, prob);
}

static int parse_prob_named(struct parser *p, const char *what, const struct word *v, double *prob)
{
	bool pct = v->p[v->len - 1] == '%';
	size_t len = v->len - pct;
	uint64_t whole, num, den;
	long used = parse_decimal(v->p, len, &whole, &num, &den);
	if (used < 0 || (size_t)used != len)
		return fail(p, v->col, "bad %s '%.*s' (0..1 or 0%%..100%%)", what, QW(v));
	if (whole > (pct ? 100 : 1))
		return fail(p, v->col, "%s '%.*s' out of range (0..1 or 0%%..100%%)", what, QW(v));
	double d = (double)whole + (double)num / (double)den;
	if (pct)
		d /= 100;
	if (d > 1)
		return fail(p, v->col, "%s '%.*s' out of range (0..1 or 0%%..100%%)", what, QW(v));
	*prob = d;
	return 0;
}

/* One KEY=VALUE option of a rule. */
static int parse_option(struct parser *p, struct rule_build *b, const struct word *w)
{
	struct sf_rule *r = &b->r;
	const char *eq = memchr(w->p, '=', w->len);
	if (!eq)
		return fail(p, w->col, "expected KEY=VALUE or '->', got '%.*s'", QW(w));
	size_t klen = (size_t)(eq - w->p);
	int k = key_of(w);
	if (k < 0)
		return fail(p, w->col, "unknown key '%.*s'", QLEN(klen), w->p);
	if (b->seen[k])
		return fail(p, w->col, "duplicate key '%s'", key_names[k]);
	b->seen[k] = w;
	struct word v = {eq + 1, w->len - klen - 1, w->col + (unsigned)klen + 1};
	if (!v.len)
		return fail(p, v.col, "missing value after '%s='", key_names[k]);
	uint64_t x;
	switch ((enum key)k) {
	case K_PEER: {
		int port = r->peer.port; /* from an earlier port= */
		r->peer.port = -1;
		if (parse_peer(p, &v, &r->peer))
			return -1;
		if (port >= 0 && r->peer.port >= 0)
			return fail(p, w->col, "port given twice: in peer= and in port=");
		if (port >= 0)
			r->peer.port = port;
		return 0;
	}
	case K_PORT:
		if (r->peer.port >= 0)
			return fail(p, w->col, "port given twice: in peer= and in port=");
		return parse_port(p, "port", v.p, v.len, v.col, &r->peer.port);
	case K_LPORT:
		return parse_port(p, "lport", v.p, v.len, v.col, &r->lport);
	case K_PROTO:
		if (word_is(&v, "tcp"))
			r->proto = IPPROTO_TCP;
		else if (word_is(&v, "udp"))
			r->proto = IPPROTO_UDP;
		else
			return fail(p, v.col, "bad proto '%.*s' (tcp or udp)", QW(&v));
		return 0;
	case K_FAMILY:
		if (word_is(&v, "inet"))
			r->family = AF_INET;
		else if (word_is(&v, "inet6"))
			r->family = AF_INET6;
		else if (word_is(&v, "unix"))
			r->family = AF_UNIX;
		else
			return fail(p, v.col, "bad family '%.*s' (inet, inet6 or unix)", QW(&v));
		return 0;
	case K_DIR:
		if (word_is(&v, "out"))
			r->dir = SF_DIR_OUT;
		else if (word_is(&v, "in"))
			r->dir = SF_DIR_IN;
		else
			return fail(p, v.col, "bad dir '%.*s' (out or in)", QW(&v));
		return 0;
	case K_NAME:
		if (!(r->name = strndup(v.p, v.len)))
			return fail(p, v.col, "out of memory");
		return 0;
	case K_CONN:
		if (parse_positive(p, "conn", v.p, v.len, v.col, UINT32_MAX, &x))
			return -1;
		r->conn = (unsigned)x;
		return 0;
	case K_PROB:
		return parse_prob(p, &v, &r->prob);
	case K_TIME:
		return parse_range(p, NUM_DURATION, "time", &v, 0, false, &r->time);
	case K_BYTES:
		return parse_range(p, NUM_SIZE, "byte count", &v, 0, true, &r->bytes);
	default:
		break;
	}
	/* The schedule: one of nth, first, every, after, when. */
	if (b->sched >= 0)
		return fail(p, w->col, "conflicting schedule: %s= and %s= (use one of nth, first, every, after, when)",
			    key_names[b->sched], key_names[k]);
	b->sched = k;
	switch ((enum key)k) {
	case K_NTH:
		if (parse_positive(p, "nth", v.p, v.len, v.col, UINT64_MAX, &x))
			return -1;
		r->when = (struct sf_range){x, x};
		return 0;
	case K_FIRST:
		if (parse_positive(p, "first", v.p, v.len, v.col, UINT64_MAX, &x))
			return -1;
		r->when = (struct sf_range){1, x};
		return 0;
	case K_EVERY:
		if (parse_positive(p, "every", v.p, v.len, v.col, UINT64_MAX, &x))
			return -1;
		r->when = (struct sf_range){x, SF_UNBOUNDED};
		r->step = x;
		return 0;
	case K_AFTER:
		if (parse_u64(v.p, v.len, &x) != 0)
			return fail(p, v.col, "bad after '%.*s' (a whole number)", QW(&v));
		if (x == UINT64_MAX)
			return fail(p, v.col, "after '%.*s' out of range", QW(&v));
		r->when = (struct sf_range){x + 1, SF_UNBOUNDED};
		return 0;
	default:
		return parse_when(p, &v, r);
	}
}

/* Checks between the options and the calls they are put on. */
static int check_options(struct parser *p, const struct rule_build *b)
{
	static const enum key socket_keys[] = {K_PEER, K_PORT, K_LPORT, K_PROTO, K_FAMILY, K_DIR, K_CONN};
	const struct sf_rule *r = &b->r;
	uint64_t resolver = FAM(resolve);
	/* Calls made on no socket: the resolver, waits, socket creation. */
	uint64_t socketless = resolver | FAM(poll) | FAM(socket);
	if (b->seen[K_NAME] && (r->calls & ~resolver))
		return fail(p, b->seen[K_NAME]->col,
			    "name= matches resolver calls only (getaddrinfo, getnameinfo, gethostbyname, "
			    "gethostbyaddr), not %s",
			    first_call(r->calls & ~resolver));
	for (size_t i = 0; i < sizeof(socket_keys) / sizeof(socket_keys[0]); i++) {
		const struct word *w = b->seen[socket_keys[i]];
		if (!w)
			continue;
		if (r->calls & resolver)
			return fail(p, w->col, "%s= matches sockets; %s has none (use name=)",
				    key_names[socket_keys[i]], first_call(r->calls & resolver));
		if (!(r->calls & ~socketless))
			return fail(p, w->col, "%s= matches sockets; %s is not made on one",
				    key_names[socket_keys[i]], first_call(r->calls));
	}
	if (r->family == AF_UNIX) {
		/* Unix sockets have no IP addresses, ports or protocol. */
		static const enum key inet_keys[] = {K_PEER, K_PORT, K_LPORT, K_PROTO};
		for (size_t i = 0; i < sizeof(inet_keys) / sizeof(inet_keys[0]); i++)
			if (b->seen[inet_keys[i]])
				return fail(p, b->seen[inet_keys[i]]->col, "%s= never matches a family=unix socket",
					    key_names[inet_keys[i]]);
	}
	if (r->family && r->peer.family && r->family != r->peer.family && r->family != AF_INET6)
		return fail(p, b->seen[K_PEER]->col, "peer= address is not of family=%.*s",
			    (int)(b->seen[K_FAMILY]->len - 7), b->seen[K_FAMILY]->p + 7);
	return 0;
}

/* ACTION ARG...: the action's own arguments. */
static int parse_action(struct parser *p, struct sf_rule *r, const struct word *at, const struct word *const *args,
			int nargs)
{
	enum sf_action a = r->action;
	const char *an = sf_action_names[a];
	uint64_t bad = r->calls & ~action_calls(a);
	if (bad)
		return fail(p, at->col, "'%s' does not apply to %s (only to %s)", an, first_call(bad),
			    action_scope(a));
	if (a == SF_ACT_EINTR || a == SF_ACT_EAGAIN) {
		int e = a == SF_ACT_EINTR ? EINTR : EAGAIN;
		for (int c = 0; c < SF_CALL_COUNT; c++)
			if ((r->calls >> c) & 1 && !sf_family_may_return(sf_call_family[c], e))
				return fail(p, at->col, "%s cannot return %s", sf_call_names[c],
					    a == SF_ACT_EINTR ? "EINTR" : "EAGAIN");
	}
	int min = 0, max = 0;
	switch (a) {
	case SF_ACT_EINTR: max = 1; break;
	case SF_ACT_EAI: min = 1; max = 2; break;
	case SF_ACT_ERROR:
	case SF_ACT_SHORT:
	case SF_ACT_DELAY:
	case SF_ACT_BANDWIDTH:
	case SF_ACT_TRUNCATE:
	case SF_ACT_HERROR: min = max = 1; break;
	default: break;
	}
	if (nargs < min) {
		static const char *const need[SF_ACT_COUNT] = {
			[SF_ACT_ERROR] = "an errno name, e.g. ECONNRESET",
			[SF_ACT_SHORT] = "a byte count or range, e.g. 1..16",
			[SF_ACT_DELAY] = "a duration or range, e.g. 2s or 10ms..1s",
			[SF_ACT_BANDWIDTH] = "a rate, e.g. 64k/s",
			[SF_ACT_TRUNCATE] = "a byte count, e.g. 1000",
			[SF_ACT_EAI] = "an EAI_* code, e.g. EAI_AGAIN",
			[SF_ACT_HERROR] = "HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY or NO_DATA",
		};
		return fail(p, after(at), "'%s' needs %s", an, need[a]);
	}
	if (nargs > max)
		return fail(p, args[max]->col, "unexpected '%.*s' after '%s'", QW(args[max]), an);
	const struct word *arg = nargs ? args[0] : NULL;
	switch (a) {
	case SF_ACT_EINTR:
		if (!arg)
			return 0;
		if (arg->len < 7 || memcmp(arg->p, "signal=", 7) != 0)
			return fail(p, arg->col, "unexpected '%.*s' after 'eintr' (signal=SIGNAME?)", QW(arg));
		if (arg->len == 7)
			return fail(p, arg->col + 7, "missing value after 'signal='");
		if (LOOKUP(signal_names, arg->p + 7, arg->len - 7, &r->signal))
			return fail(p, arg->col + 7, "unknown signal '%.*s' (SIGALRM, SIGUSR1, SIGUSR2, SIGCHLD, "
				    "SIGWINCH, SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGIO or SIGURG)",
				    QLEN(arg->len - 7), arg->p + 7);
		return 0;
	case SF_ACT_ERROR:
		r->err = sf_errno_from_name(arg->p, (unsigned)arg->len);
		if (r->err <= 0)
			return fail(p, arg->col, "unknown errno '%.*s'", QW(arg));
		for (int c = 0; c < SF_CALL_COUNT; c++)
			if ((r->calls >> c) & 1 && !sf_family_may_return(sf_call_family[c], r->err))
				return fail(p, arg->col, "%s cannot return %.*s", sf_call_names[c], QW(arg));
		return 0;
	case SF_ACT_SHORT:
		if (parse_range(p, NUM_SIZE, "byte count", arg, 1, true, &r->amount))
			return -1;
		if (r->amount.lo == 0)
			return fail(p, arg->col, "short needs at least 1 byte");
		return 0;
	case SF_ACT_TRUNCATE:
		return parse_range(p, NUM_SIZE, "byte count", arg, 0, true, &r->amount);
	case SF_ACT_DELAY:
		return parse_range(p, NUM_DURATION, "delay", arg, 0, true, &r->amount);
	case SF_ACT_BANDWIDTH:
		if (parse_range(p, NUM_RATE, "rate", arg, 1, true, &r->amount))
			return -1;
		if (r->amount.lo == 0)
			return fail(p, arg->col, "bandwidth must be at least 1 byte per second");
		return 0;
	case SF_ACT_HERROR:
		if (LOOKUP(herror_names, arg->p, arg->len, &r->err))
			return fail(p, arg->col, "unknown h_errno '%.*s' (HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY "
				    "or NO_DATA)", QW(arg));
		return 0;
	case SF_ACT_EAI: {
		int i = find_eai(arg);
		if (i < 0)
			return fail(p, arg->col, "unknown getaddrinfo error '%.*s' (EAI_AGAIN, EAI_NONAME, ...)",
				    QW(arg));
		if (r->calls & ~eai_names[i].calls)
			return fail(p, arg->col, "%s cannot return %s", first_call(r->calls & ~eai_names[i].calls),
				    eai_names[i].name);
		r->err = eai_names[i].value;
		if (r->err != EAI_SYSTEM) {
			if (nargs == 2)
				return fail(p, args[1]->col, "unexpected '%.*s': errno= goes only with EAI_SYSTEM",
					    QW(args[1]));
			return 0;
		}
		if (nargs < 2)
			return fail(p, after(arg), "EAI_SYSTEM needs errno=ENAME");
		const struct word *ew = args[1];
		if (ew->len < 6 || memcmp(ew->p, "errno=", 6) != 0)
			return fail(p, ew->col, "expected errno=ENAME, got '%.*s'", QW(ew));
		if (ew->len == 6)
			return fail(p, ew->col + 6, "missing value after 'errno='");
		r->sys_errno = sf_errno_from_name(ew->p + 6, (unsigned)ew->len - 6);
		if (r->sys_errno <= 0)
			return fail(p, ew->col + 6, "unknown errno '%.*s'", QLEN(ew->len - 6), ew->p + 6);
		return 0;
	}
	case SF_ACT_DROP:
	case SF_ACT_DUPLICATE:
	case SF_ACT_CORRUPT:
	case SF_ACT_REORDER:
		if (r->proto != IPPROTO_UDP)
			return fail(p, at->col, "'%s' acts on datagrams: the rule needs proto=udp", an);
		return 0;
	default:
		return 0;
	}
}

/* FNV-1a over the rule's words joined by single spaces: the base of its
 * random stream key (finished in finish_rng_keys). */
static uint64_t text_hash(const struct word *w, int n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (int i = 0; i < n; i++) {
		if (i) {
			h ^= ' ';
			h *= 0x100000001b3ull;
		}
		for (size_t j = 0; j < w[i].len; j++) {
			h ^= (unsigned char)w[i].p[j];
			h *= 0x100000001b3ull;
		}
	}
	return h;
}

static int parse_rule(struct parser *p, const struct word *w, int n)
{
	struct sf_scenario *sc = p->sc;
	int arrow = -1;
	for (int i = 0; i < n && arrow < 0; i++)
		if (word_is(&w[i], "->"))
			arrow = i;
	if (arrow < 0) {
		for (int i = 0; i < n; i++) {
			const char *a = memmem(w[i].p, w[i].len, "->", 2);
			if (a)
				return fail(p, w[i].col + (unsigned)(a - w[i].p), "'->' needs a space on each side");
		}
	}
	if (arrow == 0)
		return fail(p, w[0].col, "missing calls before '->'");
	struct rule_build b;
	memset(&b, 0, sizeof(b));
	b.sched = -1;
	struct sf_rule *r = &b.r;
	if (parse_calls(p, &w[0], &r->calls) != 0) {
		if (arrow < 0 && !memchr(w[0].p, ',', w[0].len))
			return fail(p, w[0].col, "unknown directive or call '%.*s'", QW(&w[0]));
		return -1;
	}
	if (arrow < 0) {
		/* Options are KEY=VALUE: the first other word is where '->' was due. */
		for (int i = 1; i < n; i++)
			if (!memchr(w[i].p, '=', w[i].len))
				return fail(p, w[i].col, "expected '->' before '%.*s'", QW(&w[i]));
		return fail(p, after(&w[n - 1]), "missing '-> ACTION'");
	}
	if (arrow == n - 1)
		return fail(p, after(&w[arrow]), "missing action after '->'");
	if (sc->nrules >= MAX_RULES)
		return fail(p, w[0].col, "too many rules (at most %u)", MAX_RULES);

	r->line = p->line;
	r->peer.family = AF_UNSPEC;
	r->peer.port = -1;
	r->lport = -1;
	r->when = (struct sf_range){1, SF_UNBOUNDED};
	r->step = 1;
	r->prob = 1.0;
	r->time = (struct sf_range){0, SF_UNBOUNDED};
	r->bytes = (struct sf_range){0, SF_UNBOUNDED};

	const struct word *args[MAX_WORDS];
	int nargs = 0;
	const struct word *at = &w[arrow + 1];
	int a = -1;
	for (int i = 1; i < arrow; i++)
		if (parse_option(p, &b, &w[i]))
			goto bad;
	for (int i = 0; i < SF_ACT_COUNT && a < 0; i++)
		if (word_is(at, sf_action_names[i]))
			a = i;
	if (a < 0) {
		fail(p, at->col, "unknown action '%.*s'", QW(at));
		goto bad;
	}
	r->action = (enum sf_action)a;
	/* Rule options may also follow the action: "send -> short 1..16 prob=0.5". */
	for (int i = arrow + 2; i < n; i++) {
		if (key_of(&w[i]) >= 0) {
			if (parse_option(p, &b, &w[i]))
				goto bad;
		} else {
			args[nargs++] = &w[i];
		}
	}
	if (check_options(p, &b) || parse_action(p, r, at, args, nargs))
		goto bad;

	if (sc->nrules == p->cap_rules) {
		unsigned cap = p->cap_rules ? p->cap_rules * 2 : 16;
		struct sf_rule *nr = realloc(sc->rules, (size_t)cap * sizeof(*nr));
		if (!nr) {
			fail(p, w[0].col, "out of memory");
			goto bad;
		}
		sc->rules = nr;
		p->cap_rules = cap;
	}
	r->rng_key = text_hash(w, n);
	r->id = sc->nrules + 1;
	sc->rules[sc->nrules++] = *r;
	return 0;
bad:
	free(r->name);
	return -1;
}

struct keyed {
	uint64_t hash;
	unsigned index;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* rng_key holds each rule's text hash; make it the final key: the hash with
 * the rule's occurrence number among rules of the same text, so identical
 * rules draw differently and other rules never matter. */
static int finish_rng_keys(struct sf_scenario *sc)
{
	if (!sc->nrules)
		return 0;
	struct keyed *k = malloc(sc->nrules * sizeof(*k));
	if (!k)
		return -1;
	for (unsigned i = 0; i < sc->nrules; i++)
		k[i] = (struct keyed){sc->rules[i].rng_key, i};
	qsort(k, sc->nrules, sizeof(*k), cmp_keyed);
	uint64_t occurrence = 0;
	for (unsigned i = 0; i < sc->nrules; i++) {
		occurrence = i && k[i].hash == k[i - 1].hash ? occurrence + 1 : 0;
		sc->rules[k[i].index].rng_key = mix64(k[i].hash ^ mix64(occurrence));
	}
	free(k);
	return 0;
}

/* The same for link lines (at most MAX_LINKS: a quadratic count is fine).
 * Backwards, so that the earlier lines' keys are still the bare hashes. */
static void finish_link_keys(struct sf_scenario *sc)
{
	for (unsigned i = sc->nlinks; i-- > 0;) {
		uint64_t occurrence = 0;
		for (unsigned j = 0; j < i; j++)
			occurrence += sc->links[j].rng_key == sc->links[i].rng_key;
		sc->links[i].rng_key = mix64(sc->links[i].rng_key ^ mix64(occurrence));
	}
}

/* --- the peer script --- */

#define PEER_FIN 1u
#define PEER_RESET 2u

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends the bytes of hex word w to *data (*len bytes so far). */
static int parse_hex(struct parser *p, const struct word *w, unsigned char **data, size_t *len)
{
	if (w->len % 2)
		return fail(p, w->col, "odd number of hex digits in '%.*s'", QW(w));
	for (size_t i = 0; i < w->len; i++)
		if (hex_digit(w->p[i]) < 0)
			return fail(p, w->col + (unsigned)i, "bad hex digit '%c' (data is hex: 0-9, a-f)", w->p[i]);
	unsigned char *nd = realloc(*data, *len + w->len / 2);
	if (!nd)
		return fail(p, w->col, "out of memory");
	for (size_t i = 0; i < w->len; i += 2)
		nd[*len + i / 2] = (unsigned char)(hex_digit(w->p[i]) << 4 | hex_digit(w->p[i + 1]));
	*data = nd;
	*len += w->len / 2;
	return 0;
}

static struct sf_peer_step *new_peer_step(struct parser *p, const struct word *w)
{
	struct sf_scenario *sc = p->sc;
	if (sc->npeer >= MAX_PEER) {
		fail(p, w[0].col, "too many peer lines (at most %u)", MAX_PEER);
		return NULL;
	}
	if (sc->npeer == p->cap_peer) {
		unsigned cap = p->cap_peer ? p->cap_peer * 2 : 16;
		struct sf_peer_step *np = realloc(sc->peer, (size_t)cap * sizeof(*np));
		if (!np) {
			fail(p, w[0].col, "out of memory");
			return NULL;
		}
		sc->peer = np;
		p->cap_peer = cap;
	}
	struct sf_peer_step *st = &sc->peer[sc->npeer];
	memset(st, 0, sizeof(*st));
	st->line = p->line;
	return st;
}

/* peer CONN (in|out|any) [listen=N] | peer CONN (send|more) HEX | peer CONN (fin|reset) */
static int parse_peer_line(struct parser *p, const struct word *w, int n)
{
	struct sf_scenario *sc = p->sc;
	if (!p->first_peer_line)
		p->first_peer_line = p->line;
	if (n < 2)
		return fail(p, after(&w[0]), "peer needs a connection number");
	uint64_t conn;
	if (parse_positive(p, "connection", w[1].p, w[1].len, w[1].col, MAX_PEER_CONNS, &conn))
		return -1;
	if (n < 3)
		return fail(p, after(&w[1]), "missing step after the connection (in, out, any, send, more, fin, reset)");
	const struct word *op = &w[2];
	bool open = word_is(op, "in") || word_is(op, "out") || word_is(op, "any");
	if (open) {
		if (conn != sc->npeer_conns + 1u)
			return fail(p, w[1].col, "connections are declared in order: expected 'peer %u %.*s'",
				    sc->npeer_conns + 1u, QW(op));
		unsigned listen = 1;
		if (n > 3) {
			if (word_is(op, "out"))
				return fail(p, w[3].col, "unexpected '%.*s': an outbound connection has no listen=", QW(&w[3]));
			if (w[3].len < 7 || memcmp(w[3].p, "listen=", 7) != 0)
				return fail(p, w[3].col, "unexpected '%.*s' (listen=N)", QW(&w[3]));
			uint64_t v;
			if (parse_positive(p, "listen", w[3].p + 7, w[3].len - 7, w[3].col + 7, 65535, &v))
				return -1;
			listen = (unsigned)v;
		}
		if (n > 4)
			return fail(p, w[4].col, "unexpected '%.*s'", QW(&w[4]));
		unsigned char *ns = realloc(p->peer_state, conn);
		if (!ns)
			return fail(p, w[0].col, "out of memory");
		p->peer_state = ns;
		ns[conn - 1] = 0;
		struct sf_peer_step *st = new_peer_step(p, w);
		if (!st)
			return -1;
		st->op = SF_PEER_OPEN;
		st->conn = (unsigned)conn;
		st->dir = word_is(op, "in") ? SF_PEER_IN : word_is(op, "out") ? SF_PEER_OUT : SF_PEER_ANY;
		st->listen = st->dir == SF_PEER_OUT ? 0 : listen;
		sc->npeer_conns++;
		sc->npeer++;
		return 0;
	}
	bool send = word_is(op, "send"), more = word_is(op, "more");
	bool fin = word_is(op, "fin"), reset = word_is(op, "reset");
	if (!send && !more && !fin && !reset)
		return fail(p, op->col, "unknown peer step '%.*s' (in, out, any, send, more, fin, reset)", QW(op));
	if (conn > sc->npeer_conns)
		return fail(p, w[1].col, "connection %llu is not declared (peer %llu in|out|any comes first)",
			    (unsigned long long)conn, (unsigned long long)conn);
	unsigned char *state = &p->peer_state[conn - 1];
	if (*state & PEER_RESET)
		return fail(p, op->col, "connection %llu was reset: nothing can follow", (unsigned long long)conn);
	if ((send || more) && (*state & PEER_FIN))
		return fail(p, op->col, "connection %llu sent its fin: no data can follow", (unsigned long long)conn);
	if (send || more) {
		if (n < 4)
			return fail(p, after(op), "%.*s needs the data, in hex", QW(op));
		if (n > 4)
			return fail(p, w[4].col, "unexpected '%.*s' (the data is one hex word)", QW(&w[4]));
	} else if (n > 3) {
		return fail(p, w[3].col, "unexpected '%.*s'", QW(&w[3]));
	}
	if (more) {
		struct sf_peer_step *last = sc->npeer ? &sc->peer[sc->npeer - 1] : NULL;
		if (!last || last->op != SF_PEER_SEND || last->conn != conn)
			return fail(p, op->col, "more continues a send of the same connection on the peer line before");
		return parse_hex(p, &w[3], &last->data, &last->len);
	}
	struct sf_peer_step *st = new_peer_step(p, w);
	if (!st)
		return -1;
	st->conn = (unsigned)conn;
	if (send) {
		st->op = SF_PEER_SEND;
		if (parse_hex(p, &w[3], &st->data, &st->len)) {
			free(st->data);
			return -1;
		}
	} else {
		st->op = fin ? SF_PEER_FIN : SF_PEER_RESET;
		*state |= fin ? PEER_FIN : PEER_RESET;
	}
	sc->npeer++;
	return 0;
}

/* --- directives --- */

static int parse_host(struct parser *p, const struct word *w, int n)
{
	struct sf_scenario *sc = p->sc;
	if (n < 2)
		return fail(p, after(&w[0]), "host needs a name pattern and 1 to %d addresses",
			    SF_HOST_MAX_ADDRS);
	if (n < 3)
		return fail(p, after(&w[1]), "host needs at least one address");
	if (n - 2 > SF_HOST_MAX_ADDRS)
		return fail(p, w[2 + SF_HOST_MAX_ADDRS].col, "at most %d addresses per host", SF_HOST_MAX_ADDRS);
	if (sc->nhosts >= MAX_HOSTS)
		return fail(p, w[0].col, "too many host lines (at most %u)", MAX_HOSTS);
	struct sf_host h;
	memset(&h, 0, sizeof(h));
	h.line = p->line;
	for (int i = 2; i < n; i++) {
		if (parse_ip(w[i].p, w[i].len, &h.addrs[h.naddrs].family, h.addrs[h.naddrs].addr) != 0)
			return fail(p, w[i].col, "bad address '%.*s' (an IPv4 or IPv6 literal)", QW(&w[i]));
		h.naddrs++;
	}
	if (sc->nhosts == p->cap_hosts) {
		unsigned cap = p->cap_hosts ? p->cap_hosts * 2 : 8;
		struct sf_host *nh = realloc(sc->hosts, (size_t)cap * sizeof(*nh));
		if (!nh)
			return fail(p, w[0].col, "out of memory");
		sc->hosts = nh;
		p->cap_hosts = cap;
	}
	if (!(h.pattern = strndup(w[1].p, w[1].len)))
		return fail(p, w[1].col, "out of memory");
	sc->hosts[sc->nhosts++] = h;
	return 0;
}

/* link ADDR PROPERTY VALUE...: a property of the virtual network (vlink.c).
 * Kept apart from rules on purpose: a rule acts on the program's calls, a
 * link on what travels between sockets, whichever call moves it. */
enum link_key { L_LATENCY, L_JITTER, L_BANDWIDTH, L_LOSS, L_DUPLICATE, L_REORDER, L_COUNT };
static const char *const link_keys[L_COUNT] = {"latency", "jitter", "bandwidth", "loss", "duplicate", "reorder"};

/* Delivery times are now + latency + jitter in 64-bit ns: an hour is far
 * beyond any test and keeps the sum from overflowing. */
#define MAX_LINK_DELAY (3600ull * 1000000000)

static int parse_link(struct parser *p, const struct word *w, int n)
{
	struct sf_scenario *sc = p->sc;
	if (!p->first_link_line)
		p->first_link_line = p->line;
	if (n < 2)
		return fail(p, after(&w[0]), "link needs an address (ADDR[/BITS][:PORT] or *) and properties");
	if (sc->nlinks >= MAX_LINKS)
		return fail(p, w[0].col, "too many link lines (at most %u)", MAX_LINKS);
	struct sf_link l;
	memset(&l, 0, sizeof(l));
	l.line = p->line;
	l.addr.port = -1;
	if (parse_peer(p, &w[1], &l.addr))
		return -1;
	if (n < 3)
		return fail(p, after(&w[1]), "link needs at least one of latency, jitter, bandwidth, loss, duplicate, reorder");
	const struct word *seen[L_COUNT] = {0};
	for (int i = 2; i < n; i += 2) {
		int k = -1;
		for (int j = 0; j < L_COUNT && k < 0; j++)
			if (word_is(&w[i], link_keys[j]))
				k = j;
		if (k < 0) {
			if (memchr(w[i].p, '=', w[i].len))
				return fail(p, w[i].col, "link properties are 'NAME VALUE', not '%.*s'", QW(&w[i]));
			return fail(p, w[i].col,
				    "unknown link property '%.*s' (latency, jitter, bandwidth, loss, duplicate, reorder)",
				    QW(&w[i]));
		}
		if (seen[k])
			return fail(p, w[i].col, "'%s' given twice", link_keys[k]);
		seen[k] = &w[i];
		if (i + 1 >= n)
			return fail(p, after(&w[i]), "missing value after '%s'", link_keys[k]);
		const struct word *v = &w[i + 1];
		uint64_t x;
		switch (k) {
		case L_LATENCY:
		case L_JITTER:
			if (parse_value(p, NUM_DURATION, link_keys[k], v->p, v->len, v->col, &x))
				return -1;
			if (x > MAX_LINK_DELAY)
				return fail(p, v->col, "%s '%.*s' too large (at most 1h)", link_keys[k], QW(v));
			*(k == L_LATENCY ? &l.latency_ns : &l.jitter_ns) = x;
			break;
		case L_BANDWIDTH:
			if (parse_value(p, NUM_RATE, "bandwidth", v->p, v->len, v->col, &l.rate))
				return -1;
			if (!l.rate)
				return fail(p, v->col, "bandwidth must be at least 1/s");
			break;
		default:
			if (parse_prob_named(p, link_keys[k], v,
					     k == L_LOSS ? &l.loss : k == L_DUPLICATE ? &l.duplicate : &l.reorder))
				return -1;
			break;
		}
	}
	/* netem's rules: jitter varies the delay, and a reordered packet is
	 * one sent without it (tc-netem(8), "reorder": "delay is required"). */
	if (seen[L_JITTER] && !seen[L_LATENCY])
		return fail(p, seen[L_JITTER]->col, "jitter needs latency (it varies the latency)");
	if (seen[L_REORDER] && !l.latency_ns)
		return fail(p, seen[L_REORDER]->col,
			    "reorder needs a non-zero latency (a reordered datagram skips the latency the others wait)");
	if (sc->nlinks == p->cap_links) {
		unsigned cap = p->cap_links ? p->cap_links * 2 : 8;
		struct sf_link *nl = realloc(sc->links, (size_t)cap * sizeof(*nl));
		if (!nl)
			return fail(p, w[0].col, "out of memory");
		sc->links = nl;
		p->cap_links = cap;
	}
	l.rng_key = text_hash(w, n); /* made the final key by finish_link_keys */
	sc->links[sc->nlinks++] = l;
	return 0;
}

/* seed, net, unknown-hosts: one value each, at most once per file. */
static int directive_value(struct parser *p, const struct word *w, int n, bool *seen)
{
	if (*seen)
		return fail(p, w[0].col, "duplicate '%.*s' directive", QW(&w[0]));
	if (n < 2)
		return fail(p, after(&w[0]), "missing value after '%.*s'", QW(&w[0]));
	if (n > 2)
		return fail(p, w[2].col, "unexpected '%.*s' after the value", QW(&w[2]));
	*seen = true;
	return 0;
}

static int parse_line(struct parser *p, const struct word *w, int n)
{
	struct sf_scenario *sc = p->sc;
	if (word_is(&w[0], "seed")) {
		if (directive_value(p, w, n, &p->seen_seed))
			return -1;
		if (parse_u64(w[1].p, w[1].len, &sc->seed) != 0)
			return fail(p, w[1].col, "bad seed '%.*s' (an unsigned 64-bit number, decimal or 0x hex)",
				    QW(&w[1]));
		sc->has_seed = true;
		return 0;
	}
	if (word_is(&w[0], "net")) {
		if (directive_value(p, w, n, &p->seen_net))
			return -1;
		if (word_is(&w[1], "kernel"))
			sc->net = SF_NET_KERNEL;
		else if (word_is(&w[1], "virtual"))
			sc->net = SF_NET_VIRTUAL;
		else
			return fail(p, w[1].col, "bad net '%.*s' (kernel or virtual)", QW(&w[1]));
		return 0;
	}
	if (word_is(&w[0], "unknown-hosts")) {
		if (directive_value(p, w, n, &p->seen_unknown))
			return -1;
		int i = find_eai(&w[1]);
		if (word_is(&w[1], "pass"))
			sc->unknown_hosts = 0;
		else if (i >= 0 && (eai_names[i].value == EAI_NONAME || eai_names[i].value == EAI_AGAIN ||
				    eai_names[i].value == EAI_FAIL || eai_names[i].value == EAI_NODATA))
			sc->unknown_hosts = eai_names[i].value;
		else
			return fail(p, w[1].col,
				    "bad unknown-hosts '%.*s' (pass, EAI_NONAME, EAI_AGAIN, EAI_FAIL or EAI_NODATA)",
				    QW(&w[1]));
		return 0;
	}
	if (word_is(&w[0], "host"))
		return parse_host(p, w, n);
	if (word_is(&w[0], "peer"))
		return parse_peer_line(p, w, n);
	if (word_is(&w[0], "link"))
		return parse_link(p, w, n);
	return parse_rule(p, w, n);
}

/* Splits line [s, s+len) into words, up to a '#' comment. */
static int split_words(struct parser *p, const char *s, size_t len, struct word *w, int *n)
{
	*n = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '#')
			break;
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		size_t j = i;
		for (; j < len; j++) {
			unsigned char d = (unsigned char)s[j];
			if (d == ' ' || d == '\t' || d == '\r' || d == '#')
				break;
			if (d < 0x20 || d == 0x7f)
				return fail(p, (unsigned)j + 1, "unexpected control character 0x%02x", d);
		}
		if (*n == MAX_WORDS)
			return fail(p, (unsigned)i + 1, "too many words on one line (at most %d)", MAX_WORDS);
		w[(*n)++] = (struct word){s + i, j - i, (unsigned)i + 1};
		i = j;
	}
	return 0;
}

int sf_scenario_parse(const char *path, const char *text, size_t len, struct sf_scenario *out, char *err,
		      size_t errlen)
{
	struct parser p = {.path = path, .err = err, .errlen = errlen, .sc = out};
	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = 0;
	size_t pos = 0;
	/* A UTF-8 byte order mark, as some editors write, is not part of the text. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		if (p.line == UINT32_MAX) {
			fail(&p, 1, "too many lines");
			goto bad;
		}
		p.line++;
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end - pos > MAX_LINE) {
			fail(&p, MAX_LINE + 1, "line longer than %d bytes", MAX_LINE);
			goto bad;
		}
		struct word w[MAX_WORDS];
		int n;
		if (split_words(&p, text + pos, end - pos, w, &n) || (n && parse_line(&p, w, n)))
			goto bad;
		pos = end + 1;
	}
	if (p.first_peer_line && out->net != SF_NET_VIRTUAL) {
		p.line = p.first_peer_line;
		fail(&p, 1, "peer lines need 'net virtual' (the peer lives on the virtual network)");
		goto bad;
	}
	if (p.first_link_line && out->net != SF_NET_VIRTUAL) {
		p.line = p.first_link_line;
		fail(&p, 1, "link lines need 'net virtual' (links are properties of the virtual network)");
		goto bad;
	}
	if (p.first_link_line && p.first_peer_line) {
		/* See vlink.c: the fuzz peer's virtual clock would need every
		 * link delay to be a jump of that clock. */
		p.line = p.first_link_line;
		fail(&p, 1, "link lines cannot be used with peer lines (fuzz-peer mode has no link delays)");
		goto bad;
	}
	free(p.peer_state);
	p.peer_state = NULL;
	finish_link_keys(out);
	if (finish_rng_keys(out) != 0) {
		fail(&p, 1, "out of memory");
		goto bad;
	}
	if (path && !(out->path = strdup(path))) {
		fail(&p, 1, "out of memory");
		goto bad;
	}
	return 0;
bad:
	free(p.peer_state);
	sf_scenario_free(out);
	return -1;
}

/* --- files --- */

static int load_error(const char *path, char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, msg);
	return -1;
}

int sf_scenario_load(const char *path, struct sf_scenario *out, char *err, size_t errlen)
{
	int saved = errno, rc = -1;
	char *buf = NULL;
	size_t len = 0, cap;
	struct stat st;
	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = 0;
	if (!path)
		return load_error("(no path)", err, errlen, strerror(EINVAL));
	/* open is not interposed; read and close go straight to libc. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		load_error(path, err, errlen, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		load_error(path, err, errlen, strerror(EISDIR));
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > MAX_FILE)
		goto too_big;
	/* One byte more than a regular file holds, to see its end in one read. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 4096;
	if (!(buf = malloc(cap))) {
		load_error(path, err, errlen, strerror(ENOMEM));
		goto out;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap * 2 > MAX_FILE + 1 ? MAX_FILE + 1 : cap * 2;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				load_error(path, err, errlen, strerror(ENOMEM));
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t r = sf_libc()->read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			load_error(path, err, errlen, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > MAX_FILE)
			goto too_big;
	}
	rc = sf_scenario_parse(path, buf, len, out, err, errlen);
	goto out;
too_big:
	load_error(path, err, errlen, "larger than 16 MiB");
out:
	free(buf);
	if (fd >= 0)
		sf_libc()->close(fd);
	errno = saved;
	return rc;
}

void sf_scenario_free(struct sf_scenario *sc)
{
	if (!sc)
		return;
	for (unsigned i = 0; i < sc->nrules; i++)
		free(sc->rules[i].name);
	for (unsigned i = 0; i < sc->nhosts; i++)
		free(sc->hosts[i].pattern);
	for (unsigned i = 0; i < sc->npeer; i++)
		free(sc->peer[i].data);
	free(sc->rules);
	free(sc->hosts);
	free(sc->peer);
	free(sc->links);
	free(sc->path);
	memset(sc, 0, sizeof(*sc));
}
