/* Builds the report's model (see report_model.h) from the shim's event log
 * (faults/log.h, trace.h: one JSON object a line) and pcaps.  Times: each
 * line's "time" counts from its process's start, which its header gives on
 * the monotonic clock; the run's time axis starts at the earliest header,
 * and a pcap's wall-clock stamps are placed with the header's start_real. */
#include "report_model.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "cli.h"
#include "faults/scenario.h"
#include "json.h"
#include "packet.h"

/* --- a string -> int map (lanes by key, processes by pid, sockets) --- */

struct slot {
	char *key;
	long value;
};

struct map {
	struct slot *slots;
	size_t cap, n;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct slot *map_find(struct map *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->slots[i].key)
			return NULL;
		if (!strcmp(m->slots[i].key, key))
			return &m->slots[i];
	}
}

static int map_put(struct map *m, const char *key, long value)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct slot *s = calloc(cap, sizeof(*s));
		if (!s)
			return -1;
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->slots[i].key)
				continue;
			size_t j = hash(m->slots[i].key) & (cap - 1);
			while (s[j].key)
				j = (j + 1) & (cap - 1);
			s[j] = m->slots[i];
		}
		free(m->slots);
		m->slots = s;
		m->cap = cap;
	}
	size_t i = hash(key) & (m->cap - 1);
	while (m->slots[i].key && strcmp(m->slots[i].key, key))
		i = (i + 1) & (m->cap - 1);
	if (!m->slots[i].key) {
		if (!(m->slots[i].key = strdup(key)))
			return -1;
		m->n++;
	}
	m->slots[i].value = value;
	return 0;
}

static void map_free(struct map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	*m = (struct map){0};
}

struct proc {
	int pid, ppid;
	double start_mono, start_real; /* seconds */
	char *name;
	int lane;
};

struct sf_report_index {
	struct map lanes;   /* "p:PID", "t:PID:TID", "s:SOCK", "u:SOCK:PEER", "r:PID" -> lane */
	struct map by_pid;  /* "PID" -> index into procs */
	struct map socks;   /* "SOCK" -> 1 stream, 2 dgram (from its socket line) */
	struct proc *procs;
	size_t nprocs, procs_cap;
	char **dgram_peer;  /* connected UDP sockets' peers, by dpeer_idx */
	struct map dpeer_idx; /* "SOCK" -> index into dgram_peer */
	size_t ndpeer;
	struct sf_json_arena *arena;
	double last_t;
};

#define GROW(arr, n, cap)                                                        \
	((n) < (cap) || grow((void **)&(arr), &(cap), sizeof(*(arr))) == 0)

static int grow(void **arr, size_t *cap, size_t size)
{
	size_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, c * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = c;
	return 0;
}

void sf_report_init(struct sf_report *r)
{
	memset(r, 0, sizeof(*r));
	r->index = calloc(1, sizeof(*r->index));
	if (r->index)
		r->index->arena = sf_json_arena_new();
	r->t0_mono = -1;
}

static void free_index(struct sf_report_index *x)
{
	if (!x)
		return;
	map_free(&x->lanes);
	map_free(&x->by_pid);
	map_free(&x->socks);
	map_free(&x->dpeer_idx);
	for (size_t i = 0; i < x->nprocs; i++)
		free(x->procs[i].name);
	free(x->procs);
	for (size_t i = 0; i < x->ndpeer; i++)
		free(x->dgram_peer[i]);
	free(x->dgram_peer);
	sf_json_arena_free(x->arena);
	free(x);
}

void sf_report_free(struct sf_report *r)
{
	for (size_t i = 0; i < r->nlanes; i++) {
		free(r->lanes[i].label);
		free(r->lanes[i].local);
		free(r->lanes[i].peer);
	}
	free(r->lanes);
	free(r->data);
	free(r->marks);
	free(r->faults);
	for (size_t i = 0; i < r->ndetails; i++)
		free(r->details[i]);
	free(r->details);
	for (size_t i = 0; i < r->nrules; i++)
		free(r->rules[i].text);
	free(r->rules);
	free(r->title);
	free(r->scenario_path);
	free(r->version);
	free_index(r->index);
	memset(r, 0, sizeof(*r));
}

/* --- lanes --- */

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static int new_lane(struct sf_report *r, const char *key, enum sf_lane_kind kind, char *label, int parent,
		    double start, int pid)
{
	if (!label || !GROW(r->lanes, r->nlanes, r->lanes_cap) ||
	    map_put(&r->index->lanes, key, (long)r->nlanes) != 0) {
		free(label);
		return -1;
	}
	r->lanes[r->nlanes] = (struct sf_report_lane){kind, label, parent, start, -1, NULL, NULL, pid};
	return (int)r->nlanes++;
}

static int find_lane(struct sf_report *r, const char *key)
{
	struct slot *s = map_find(&r->index->lanes, key);
	return s ? (int)s->value : -1;
}

static struct proc *proc_of(struct sf_report *r, int pid)
{
	char key[24];
	snprintf(key, sizeof(key), "%d", pid);
	struct slot *s = map_find(&r->index->by_pid, key);
	return s ? &r->index->procs[s->value] : NULL;
}

static int process_lane(struct sf_report *r, int pid, double t)
{
	char key[32];
	snprintf(key, sizeof(key), "p:%d", pid);
	int l = find_lane(r, key);
	if (l >= 0)
		return l;
	struct proc *p = proc_of(r, pid);
	return new_lane(r, key, SF_LANE_PROCESS,
			p && p->name && *p->name ? dupf("%s (pid %d)", p->name, pid) : dupf("pid %d", pid), -1, t, pid);
}

static int thread_lane(struct sf_report *r, int pid, long tid, double t)
{
	char key[48];
	snprintf(key, sizeof(key), "t:%d:%ld", pid, tid);
	int l = find_lane(r, key);
	if (l >= 0)
		return l;
	int pl = process_lane(r, pid, t);
	if (pl < 0)
		return -1;
	return new_lane(r, key, SF_LANE_THREAD, tid == pid ? dupf("main thread %ld", tid) : dupf("thread %ld", tid),
			pl, t, pid);
}

static void set_names(struct sf_report_lane *ln, const char *local, const char *peer)
{
	if (local && !ln->local)
		ln->local = strdup(local);
	if (peer && !ln->peer)
		ln->peer = strdup(peer);
}

/* The lane of socket sock (a connection, a listener or, for a datagram
 * socket, the flow to peer); created with kind and label when new. */
static int sock_lane(struct sf_report *r, const char *sock, const char *peer, int pid, double t,
		     enum sf_lane_kind kind, char *label)
{
	char key[160];
	if (kind == SF_LANE_FLOW)
		snprintf(key, sizeof(key), "u:%s:%s", sock, peer ? peer : "?");
	else
		snprintf(key, sizeof(key), "s:%s", sock);
	int l = find_lane(r, key);
	if (l >= 0) {
		free(label);
		return l;
	}
	/* The process that made the socket owns the lane (a fork child that
	 * shares it draws on the same one). */
	int owner = atoi(sock);
	int pl = process_lane(r, proc_of(r, owner) ? owner : pid, t);
	if (pl < 0) {
		free(label);
		return -1;
	}
	return new_lane(r, key, kind, label, pl, t, pid);
}

static bool is_dgram(struct sf_report *r, const char *sock)
{
	struct slot *s = map_find(&r->index->socks, sock);
	return s && s->value == 2;
}

static const char *dgram_connected_peer(struct sf_report *r, const char *sock)
{
	struct slot *s = map_find(&r->index->dpeer_idx, sock);
	return s ? r->index->dgram_peer[s->value] : NULL;
}

/* --- points and data --- */

static int add_detail(struct sf_report *r, const char *line, size_t len)
{
	if (r->ndetails >= SF_REPORT_MAX_DETAILS || !GROW(r->details, r->ndetails, r->details_cap))
		return -1;
	char *d = strndup(line, len);
	if (!d)
		return -1;
	r->details[r->ndetails] = d;
	return (int)r->ndetails++;
}

static void add_point(struct sf_report *r, bool fault, double t, int lane, int what, const char *line, size_t len)
{
	if (lane < 0)
		return;
	struct sf_report_point **arr = fault ? &r->faults : &r->marks;
	size_t *n = fault ? &r->nfaults : &r->nmarks, *cap = fault ? &r->faults_cap : &r->marks_cap;
	if (*n >= *cap && grow((void **)arr, cap, sizeof(**arr)) != 0)
		return;
	(*arr)[(*n)++] = (struct sf_report_point){t, lane, what, 1, add_detail(r, line, len)};
	if (fault)
		r->nfault_events++;
	else
		r->nmark_events++;
}

static void add_data(struct sf_report *r, double t, int lane, bool out, uint64_t bytes, uint64_t link_ns)
{
	if (lane < 0 || !GROW(r->data, r->ndata, r->data_cap))
		return;
	r->data[r->ndata++] = (struct sf_report_data){t, lane, out ? bytes : 0, out ? 0 : bytes, 1, link_ns};
	r->ndata_events++;
}

static void extend(struct sf_report *r, int lane, double t)
{
	if (lane >= 0 && r->lanes[lane].end < t)
		r->lanes[lane].end = t;
	if (t > r->index->last_t)
		r->index->last_t = t;
}

/* --- log lines --- */

/* A log line is text the user may have edited: a number converts to an
 * integer type only once clamped into its range (a double outside it
 * converts with undefined behaviour, C11 6.3.1.4). */
#define U64_MAX_DOUBLE 0x1.fffffffffffffp63 /* the largest double below 2^64 */
/* Times in seconds are clamped too, so that sums and differences of them
 * stay finite (about 3000 years). */
#define MAX_SECONDS 1e11

static double num_in(const struct sf_json *o, const char *key, double def, double lo, double hi)
{
	double v = sf_json_num(o, key, def);
	return v >= lo ? (v <= hi ? v : hi) : lo;
}

static int int_of(const struct sf_json *o, const char *key, int def)
{
	return (int)num_in(o, key, def, INT_MIN, INT_MAX);
}

static uint64_t u64_of(const struct sf_json *o, const char *key)
{
	return (uint64_t)num_in(o, key, 0, 0, U64_MAX_DOUBLE);
}

static void header_line(struct sf_report *r, const struct sf_json *o)
{
	struct sf_report_index *x = r->index;
	int pid = int_of(o, "pid", 0);
	double mono = sf_json_num(o, "start_mono", -1) < 0 ? -1 : num_in(o, "start_mono", -1, 0, MAX_SECONDS * 1e9) / 1e9;
	double real = num_in(o, "start_real", 0, 0, MAX_SECONDS);
	if (!r->version)
		r->version = strdup(sf_json_str(o, "sockfault", "?"));
	const char *sc = sf_json_str(o, "scenario", "");
	if (*sc && !r->scenario_path)
		r->scenario_path = strdup(sc);
	if (sf_json_get(o, "seed"))
		r->seed = u64_of(o, "seed");
	if (mono >= 0 && (r->t0_mono < 0 || mono < r->t0_mono)) {
		r->t0_mono = mono;
		r->t0_real = real;
	}
	if (proc_of(r, pid) || !GROW(x->procs, x->nprocs, x->procs_cap))
		return;
	char key[24];
	snprintf(key, sizeof(key), "%d", pid);
	if (map_put(&x->by_pid, key, (long)x->nprocs) != 0)
		return;
	x->procs[x->nprocs++] = (struct proc){pid, int_of(o, "ppid", 0), mono, real,
					     strdup(sf_json_str(o, "name", "")), -1};
}

/* The line's time on the run's axis. */
static double run_time(struct sf_report *r, const struct sf_json *o, int pid)
{
	double t = num_in(o, "time", 0, 0, MAX_SECONDS);
	struct proc *p = proc_of(r, pid);
	if (p && p->start_mono >= 0 && r->t0_mono >= 0)
		t += p->start_mono - r->t0_mono;
	return t < 0 ? 0 : t;
}

static bool resolver_call(const char *call)
{
	return !strncmp(call, "getaddrinfo", 11) || !strncmp(call, "gethostby", 9) || !strcmp(call, "getnameinfo");
}

static void fault_line(struct sf_report *r, const struct sf_json *o, double t, int pid, long tid, const char *line,
		       size_t len)
{
	const char *sock = sf_json_str(o, "sock", NULL), *call = sf_json_str(o, "call", "");
	const char *peer = sf_json_str(o, "peer", NULL);
	int fd = int_of(o, "fd", -1), lane;
	if (sock && is_dgram(r, sock))
		lane = sock_lane(r, sock, peer ? peer : dgram_connected_peer(r, sock), pid, t, SF_LANE_FLOW,
				 dupf("udp fd %d \u2194 %s", fd, peer ? peer : "?"));
	else if (sock && !strcmp(call, "listen"))
		lane = sock_lane(r, sock, NULL, pid, t, SF_LANE_LISTENER, dupf("listen fd %d", fd));
	else if (sock)
		lane = sock_lane(r, sock, NULL, pid, t, SF_LANE_CONN,
				 peer ? dupf("fd %d \u2192 %s", fd, peer) : dupf("fd %d", fd));
	else if (resolver_call(call)) {
		char key[32];
		snprintf(key, sizeof(key), "r:%d", pid);
		lane = find_lane(r, key);
		if (lane < 0)
			lane = new_lane(r, key, SF_LANE_RESOLVER, strdup("resolver"), process_lane(r, pid, t), t, pid);
	} else
		lane = thread_lane(r, pid, tid, t);
	thread_lane(r, pid, tid, t);
	/* A rule id the scenario language cannot have is no rule (0). */
	int rule = int_of(o, "rule", 0);
	add_point(r, true, t, lane, rule >= 1 && rule <= SF_REPORT_MAX_RULE_ID ? rule : 0, line, len);
	extend(r, lane, t);
}

static int errno_mark(const char *e)
{
	return !strcmp(e, "ECONNRESET") || !strcmp(e, "EPIPE") ? SF_MARK_RST : SF_MARK_ERROR;
}

static void event_line(struct sf_report *r, const struct sf_json *o, const char *ev, double t, int pid, long tid,
		       const char *line, size_t len)
{
	struct sf_report_index *x = r->index;
	const char *sock = sf_json_str(o, "sock", NULL), *err = sf_json_str(o, "errno", NULL);
	const char *local = sf_json_str(o, "local", NULL), *peer = sf_json_str(o, "peer", NULL);
	int fd = int_of(o, "fd", -1);
	int tl = thread_lane(r, pid, tid, t);
	extend(r, tl, t);
	extend(r, tl >= 0 ? r->lanes[tl].parent : -1, t);
	if (!strcmp(ev, "socket")) {
		if (sock)
			map_put(&x->socks, sock, !strcmp(sf_json_str(o, "type", ""), "dgram") ? 2 : 1);
		return;
	}
	if (!strcmp(ev, "exit")) {
		int pl = process_lane(r, pid, t);
		if (pl >= 0)
			r->lanes[pl].end = t;
		add_point(r, false, t, pl, SF_MARK_EXIT, line, len);
		const struct sf_json *rules = sf_json_get(o, "rules");
		for (const struct sf_json *e = rules && rules->type == SF_JSON_ARRAY ? rules->child : NULL; e;
		     e = e->next) {
			int id = int_of(e, "rule", 0);
			/* Rules are known once the scenario is read: keep the
			 * counts in a rule table sized by the largest id. */
			if (id < 1 || id > SF_REPORT_MAX_RULE_ID)
				continue;
			if ((size_t)id > r->nrules) {
				struct sf_report_rule *nr = realloc(r->rules, id * sizeof(*nr));
				if (!nr)
					continue;
				memset(nr + r->nrules, 0, (id - r->nrules) * sizeof(*nr));
				r->rules = nr;
				r->nrules = id;
			}
			struct sf_report_rule *ru = &r->rules[id - 1];
			ru->id = id;
			ru->line = (unsigned)num_in(e, "line", 0, 0, UINT_MAX);
			ru->matched += u64_of(e, "matched");
			ru->matched_known = true;
		}
		return;
	}
	if (!strcmp(ev, "lookup")) {
		char key[32];
		snprintf(key, sizeof(key), "r:%d", pid);
		int l = find_lane(r, key);
		if (l < 0)
			l = new_lane(r, key, SF_LANE_RESOLVER, strdup("resolver"), process_lane(r, pid, t), t, pid);
		bool ok = sf_json_num(o, "result", -1) == 0;
		add_point(r, false, t, l, ok ? SF_MARK_LOOKUP : SF_MARK_LOOKUP_FAILED, line, len);
		extend(r, l, t);
		return;
	}
	if (!sock)
		return;
	bool dgram = is_dgram(r, sock) || !strcmp(sf_json_str(o, "type", ""), "dgram");
	int lane = -1;
	if (!strcmp(ev, "listen")) {
		lane = sock_lane(r, sock, NULL, pid, t, SF_LANE_LISTENER, dupf("listen %s (fd %d)", local ? local : "?", fd));
		if (lane >= 0)
			set_names(&r->lanes[lane], local, NULL);
		add_point(r, false, t, lane, SF_MARK_LISTEN, line, len);
	} else if (!strcmp(ev, "connect") && dgram) {
		/* A connected UDP socket: later sends without an address go to
		 * this peer's flow. */
		const char *to = sf_json_str(o, "to", NULL);
		if (to) {
			char **np = realloc(x->dgram_peer, (x->ndpeer + 1) * sizeof(*np));
			if (np) {
				x->dgram_peer = np;
				if ((np[x->ndpeer] = strdup(to)) && map_put(&x->dpeer_idx, sock, (long)x->ndpeer) == 0)
					x->ndpeer++;
			}
		}
		return;
	} else if (!strcmp(ev, "connect")) {
		const char *to = sf_json_str(o, "to", "?");
		lane = sock_lane(r, sock, NULL, pid, t, SF_LANE_CONN, dupf("fd %d \u2192 %s", fd, to));
		if (lane >= 0)
			set_names(&r->lanes[lane], local, peer ? peer : to);
		bool ok = !err || !strcmp(err, "EINPROGRESS");
		add_point(r, false, t, lane, ok ? SF_MARK_CONNECT : SF_MARK_CONNECT_FAILED, line, len);
	} else if (!strcmp(ev, "accept")) {
		if (err)
			return;
		lane = sock_lane(r, sock, NULL, pid, t, SF_LANE_CONN,
				 dupf("fd %d \u2190 %s", fd, peer ? peer : "?"));
		if (lane >= 0)
			set_names(&r->lanes[lane], local, peer);
		add_point(r, false, t, lane, SF_MARK_ACCEPT, line, len);
	} else if (!strcmp(ev, "send") || !strcmp(ev, "recv")) {
		bool out = ev[0] == 's';
		if (dgram) {
			const char *p = peer ? peer : dgram_connected_peer(r, sock);
			lane = sock_lane(r, sock, p, pid, t, SF_LANE_FLOW, dupf("udp fd %d \u2194 %s", fd, p ? p : "?"));
		} else {
			lane = sock_lane(r, sock, NULL, pid, t, SF_LANE_CONN, dupf("fd %d", fd));
		}
		double bytes = num_in(o, "bytes", -1, -1, U64_MAX_DOUBLE);
		if (bytes > 0) {
			uint64_t link = u64_of(o, "link_ns");
			add_data(r, t, lane, out, (uint64_t)bytes, link);
			add_data(r, t, tl, out, (uint64_t)bytes, 0);
			r->ndata_calls++;
		} else if (bytes == 0 && !out && !dgram) {
			add_point(r, false, t, lane, SF_MARK_FIN_IN, line, len);
		} else if (err) {
			add_point(r, false, t, lane, errno_mark(err), line, len);
		}
	} else if (!strcmp(ev, "shutdown")) {
		lane = sock_lane(r, sock, NULL, pid, t, dgram ? SF_LANE_FLOW : SF_LANE_CONN, dupf("fd %d", fd));
		add_point(r, false, t, lane, SF_MARK_FIN_OUT, line, len);
	} else if (!strcmp(ev, "close")) {
		/* Only a socket that has a lane: a close of a socket that did
		 * nothing visible is not drawn. */
		char key[160];
		snprintf(key, sizeof(key), "s:%s", sock);
		lane = find_lane(r, key);
		if (lane >= 0)
			add_point(r, false, t, lane, SF_MARK_CLOSE, line, len);
	}
	extend(r, lane, t);
}

void sf_report_add_line(struct sf_report *r, const char *line, size_t len)
{
	if (!r->index || !r->index->arena)
		return;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (!len)
		return;
	sf_json_arena_reset(r->index->arena);
	size_t at;
	const struct sf_json *o = sf_json_parse(r->index->arena, line, len, &at);
	if (!o || o->type != SF_JSON_OBJECT) {
		if (!r->bad_lines++)
			r->bad_column = at + 1;
		return;
	}
	if (sf_json_get(o, "sockfault")) {
		header_line(r, o);
		return;
	}
	int pid = int_of(o, "pid", 0);
	long tid = int_of(o, "tid", pid);
	double t = run_time(r, o, pid);
	const char *ev = sf_json_str(o, "ev", sf_json_get(o, "rule") ? "fault" : "");
	if (!strcmp(ev, "fault"))
		fault_line(r, o, t, pid, tid, line, len);
	else
		event_line(r, o, ev, t, pid, tid, line, len);
}

int sf_report_read_log(struct sf_report *r, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "sockfault report: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* Headers first: a line's time needs its process's start, and a fork
	 * child's header may follow lines of its parent's. */
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct sf_report_index *x = r->index;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (!strstr(line, "\"sockfault\""))
			continue;
		sf_json_arena_reset(x->arena);
		size_t at;
		const struct sf_json *o = sf_json_parse(x->arena, line, (size_t)n, &at);
		if (o && sf_json_get(o, "sockfault"))
			header_line(r, o);
	}
	rewind(f);
	size_t lineno = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		sf_report_add_line(r, line, (size_t)n);
		if (r->bad_lines) {
			fprintf(stderr, "%s:%zu:%zu: not an event log line (expected a JSON object)\n", path, lineno,
				r->bad_column);
			break;
		}
	}
	int err = ferror(f);
	free(line);
	fclose(f);
	if (err) {
		fprintf(stderr, "sockfault report: %s: read error\n", path);
		return -1;
	}
	return r->bad_lines ? -1 : 0;
}

/* --- pcaps --- */

static void addr_text(int family, const uint8_t *ip, uint16_t port, char *out, size_t outlen)
{
	char host[INET6_ADDRSTRLEN];
	inet_ntop(family, ip, host, sizeof(host));
	if (family == AF_INET6)
		snprintf(out, outlen, "[%s]:%u", host, port);
	else
		snprintf(out, outlen, "%s:%u", host, port);
}

/* Connections the log knows, by their two ends ("A|B", both orders). */
static void index_wire(struct sf_report *r, struct map *m)
{
	for (size_t i = 0; i < r->nlanes; i++) {
		const struct sf_report_lane *l = &r->lanes[i];
		char key[300];
		if (l->kind == SF_LANE_CONN && !l->local && l->peer) {
			/* A connect that failed has no local name: its SYN and
			 * the RST are matched by the peer alone. */
			snprintf(key, sizeof(key), "*|%s", l->peer);
			if (!map_find(m, key))
				map_put(m, key, (long)i);
		}
		if (l->kind != SF_LANE_CONN || !l->local || !l->peer)
			continue;
		snprintf(key, sizeof(key), "%s|%s", l->local, l->peer);
		if (!map_find(m, key))
			map_put(m, key, (long)i);
		snprintf(key, sizeof(key), "%s|%s", l->peer, l->local);
		if (!map_find(m, key))
			map_put(m, key, (long)i);
	}
}

int sf_report_read_pcap(struct sf_report *r, const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, err);
	if (!pc) {
		fprintf(stderr, "sockfault report: %s\n", err);
		return -1;
	}
	int dlt = pcap_datalink(pc);
	if (!sf_packet_link_supported(dlt)) {
		fprintf(stderr, "sockfault report: %s: link type %s is not supported (" SF_PACKET_LINKS ")\n", path,
			pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?");
		pcap_close(pc);
		return -1;
	}
	struct map known = {0};
	index_wire(r, &known);
	struct pcap_pkthdr *h;
	const unsigned char *p;
	int rc;
	double first = -1;
	struct sf_packet pk;
	while ((rc = pcap_next_ex(pc, &h, &p)) == 1) {
		double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
		if (first < 0)
			first = ts;
		double t = ts - (r->t0_mono >= 0 ? r->t0_real : first);
		if (t < 0)
			t = 0;
		if (!sf_packet_decode(dlt, p, h->caplen, &pk))
			continue;
		char src[64], dst[64], key[200];
		addr_text(pk.family, pk.src, pk.sport, src, sizeof(src));
		addr_text(pk.family, pk.dst, pk.dport, dst, sizeof(dst));
		snprintf(key, sizeof(key), "%s|%s", src, dst);
		struct slot *k = map_find(&known, key);
		if (!k) {
			snprintf(key, sizeof(key), "*|%s", dst);
			k = map_find(&known, key);
		}
		if (!k) {
			snprintf(key, sizeof(key), "*|%s", src);
			k = map_find(&known, key);
		}
		int lane = k ? (int)k->value : -1;
		bool own = lane < 0;
		if (own) {
			/* A flow the log does not know: a lane of its own. */
			char wkey[220];
			bool fwd = strcmp(src, dst) < 0;
			snprintf(wkey, sizeof(wkey), "w:%d:%s|%s", pk.proto, fwd ? src : dst, fwd ? dst : src);
			lane = find_lane(r, wkey);
			if (lane < 0) {
				lane = new_lane(r, wkey, SF_LANE_FLOW,
						dupf("wire %s %s \u2192 %s", pk.proto == 6 ? "tcp" : "udp", src, dst), -1, t, 0);
				if (lane >= 0)
					set_names(&r->lanes[lane], src, dst);
			}
		}
		if (lane < 0)
			continue;
		if (own && pk.len) {
			const char *loc = r->lanes[lane].local;
			add_data(r, t, lane, loc && !strcmp(loc, src), pk.len, 0);
		}
		int mark = pk.flags & 0x04 ? SF_MARK_WIRE_RST : pk.flags & 0x01 ? SF_MARK_WIRE_FIN
				 : pk.flags & 0x02 ? SF_MARK_WIRE_SYN : -1;
		if (pk.proto == 6 && mark >= 0) {
			char *d = dupf("{\"wire\":\"tcp\",\"flags\":\"%s%s%s%s\",\"src\":\"%s\",\"dst\":\"%s\",\"len\":%zu}",
				       pk.flags & 0x02 ? "SYN " : "", pk.flags & 0x01 ? "FIN " : "",
				       pk.flags & 0x04 ? "RST " : "", pk.flags & 0x10 ? "ACK" : "", src, dst, pk.len);
			add_point(r, false, t, lane, mark, d ? d : "{}", d ? strlen(d) : 2);
			free(d);
		}
		extend(r, lane, t);
	}
	map_free(&known);
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "sockfault report: %s: %s\n", path, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	return 0;
}

/* --- finishing --- */

/* Line n (1-based) of text, trimmed, or NULL. */
static char *line_of(const char *text, size_t len, unsigned n)
{
	const char *p = text, *end = text + len;
	for (unsigned i = 1; i < n && p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	if (p >= end)
		return NULL;
	const char *e = memchr(p, '\n', (size_t)(end - p));
	if (!e)
		e = end;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return strndup(p, (size_t)(e - p));
}

static void load_rules(struct sf_report *r, const char *path)
{
	/* Counts gathered so far, by rule id (exit lines). */
	size_t nold = r->nrules;
	struct sf_report_rule *old = r->rules;
	r->rules = NULL;
	r->nrules = 0;
	struct sf_scenario sc;
	char err[1024];
	unsigned char *text = NULL;
	size_t len = 0;
	if (path && *path && sf_scenario_load(path, &sc, err, sizeof(err)) == 0) {
		sf_read_all(path, &text, &len);
		r->rules = calloc(sc.nrules ? sc.nrules : 1, sizeof(*r->rules));
		for (unsigned i = 0; r->rules && i < sc.nrules; i++) {
			struct sf_report_rule *ru = &r->rules[i];
			ru->id = sc.rules[i].id;
			ru->line = sc.rules[i].line;
			ru->action = sf_action_names[sc.rules[i].action];
			ru->text = text ? line_of((const char *)text, len, ru->line) : NULL;
			if (ru->id >= 1 && ru->id <= nold && old[ru->id - 1].matched_known) {
				ru->matched = old[ru->id - 1].matched;
				ru->matched_known = true;
			}
		}
		r->nrules = r->rules ? sc.nrules : 0;
		sf_scenario_free(&sc);
	} else {
		/* The scenario is gone or changed: the rules the log names,
		 * without their text. */
		unsigned maxid = (unsigned)nold;
		for (size_t i = 0; i < r->nfaults; i++)
			if ((unsigned)r->faults[i].what > maxid)
				maxid = (unsigned)r->faults[i].what;
		r->rules = calloc(maxid ? maxid : 1, sizeof(*r->rules));
		for (unsigned i = 0; r->rules && i < maxid; i++) {
			r->rules[i] = i < nold ? old[i] : (struct sf_report_rule){0};
			r->rules[i].id = i + 1;
			r->rules[i].text = path && *path ? dupf("(%s)", err) : NULL;
		}
		r->nrules = r->rules ? maxid : 0;
	}
	free(text);
	free(old);
	/* Rule k has id k + 1 (sf_scenario_parse numbers them in order; the
	 * table built from the log is indexed so too). */
	for (size_t i = 0; i < r->nfaults; i++) {
		size_t k = (size_t)r->faults[i].what - 1;
		if (r->faults[i].what >= 1 && k < r->nrules && r->rules[k].id == (unsigned)r->faults[i].what)
			r->rules[k].fired += r->faults[i].count;
	}
}

static double g_width; /* bin width for the comparators (qsort has no context) */

static long cell(double t)
{
	return g_width > 0 ? (long)floor(t / g_width) : 0;
}

static int cmp_data(const void *a, const void *b)
{
	const struct sf_report_data *x = a, *y = b;
	if (x->lane != y->lane)
		return x->lane < y->lane ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}

static int cmp_point(const void *a, const void *b)
{
	const struct sf_report_point *x = a, *y = b;
	if (x->lane != y->lane)
		return x->lane < y->lane ? -1 : 1;
	if (x->what != y->what)
		return x->what < y->what ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* The narrowest power-of-two multiple of duration/4096 whose bins leave
 * at most max cells; counts only (the arrays are sorted by lane, then by
 * key, then time). */
static double pick_width(struct sf_report *r, bool points, struct sf_report_point *pt, size_t n, size_t max)
{
	double w = r->duration > 0 ? r->duration / 4096 : 1e-6;
	for (int tries = 0; tries < 60; tries++, w *= 2) {
		g_width = w;
		size_t cells = 0;
		for (size_t i = 0; i < n; i++) {
			bool same;
			if (points)
				same = i && pt[i].lane == pt[i - 1].lane && pt[i].what == pt[i - 1].what &&
				       cell(pt[i].t) == cell(pt[i - 1].t);
			else
				same = i && r->data[i].lane == r->data[i - 1].lane &&
				       cell(r->data[i].t) == cell(r->data[i - 1].t);
			cells += !same;
		}
		if (cells <= max)
			return w;
	}
	return w;
}

static void bin_data(struct sf_report *r)
{
	if (r->ndata <= SF_REPORT_MAX_DATA)
		return;
	qsort(r->data, r->ndata, sizeof(*r->data), cmp_data);
	double w = pick_width(r, false, NULL, r->ndata, SF_REPORT_MAX_DATA);
	g_width = w;
	size_t o = 0;
	/* the open bin's cell, kept: cell() of its start time, cell(t) * w,
	 * can be one less (floor of k * w / w rounded below k), which split
	 * bins that pick_width counted as one, past the limit (a million-event
	 * run of tests/bench/bench_report.py hit the validator's check) */
	long open_cell = 0;
	for (size_t i = 0; i < r->ndata; i++) {
		struct sf_report_data *d = &r->data[i];
		long c = cell(d->t);
		if (o && r->data[o - 1].lane == d->lane && open_cell == c) {
			struct sf_report_data *b = &r->data[o - 1];
			b->out += d->out;
			b->in += d->in;
			b->calls += d->calls;
			if (d->link_ns > b->link_ns)
				b->link_ns = d->link_ns;
		} else {
			r->data[o] = *d;
			r->data[o].t = (double)c * w;
			open_cell = c;
			o++;
		}
	}
	r->ndata = o;
	r->bin_width = w;
}

static void bin_points(struct sf_report *r, struct sf_report_point *p, size_t *n, size_t max)
{
	if (*n <= max)
		return;
	qsort(p, *n, sizeof(*p), cmp_point);
	double w = pick_width(r, true, p, *n, max);
	g_width = w;
	size_t o = 0;
	for (size_t i = 0; i < *n; i++) {
		if (o && p[o - 1].lane == p[i].lane && p[o - 1].what == p[i].what && cell(p[o - 1].t) == cell(p[i].t)) {
			p[o - 1].count += p[i].count;
			if (p[o - 1].detail < 0)
				p[o - 1].detail = p[i].detail;
		} else {
			p[o++] = p[i];
		}
	}
	*n = o;
}

static int kind_rank(enum sf_lane_kind k)
{
	static const int rank[] = {[SF_LANE_PROCESS] = 5, [SF_LANE_THREAD] = 0, [SF_LANE_RESOLVER] = 1,
				   [SF_LANE_LISTENER] = 2, [SF_LANE_CONN] = 3, [SF_LANE_FLOW] = 4};
	return rank[k];
}

static const struct sf_report_lane *g_lanes;

static int cmp_lane(const void *a, const void *b)
{
	const struct sf_report_lane *x = &g_lanes[*(const int *)a], *y = &g_lanes[*(const int *)b];
	if (kind_rank(x->kind) != kind_rank(y->kind))
		return kind_rank(x->kind) < kind_rank(y->kind) ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

/* Appends lane l and, for a process, what belongs to it (its threads,
 * resolver, listeners, connections, flows, then its child processes). */
static void emit_lane(struct sf_report *r, int l, int *order, size_t *n, int *kids, bool *done)
{
	if (done[l])
		return;
	done[l] = true;
	order[(*n)++] = l;
	if (r->lanes[l].kind != SF_LANE_PROCESS)
		return;
	size_t k = 0;
	for (size_t i = 0; i < r->nlanes; i++)
		if (r->lanes[i].parent == l && !done[i])
			kids[k++] = (int)i;
	g_lanes = r->lanes;
	qsort(kids, k, sizeof(*kids), cmp_lane);
	int *mine = malloc((k ? k : 1) * sizeof(*mine));
	if (!mine)
		return;
	memcpy(mine, kids, k * sizeof(*mine));
	for (size_t i = 0; i < k; i++)
		emit_lane(r, mine[i], order, n, kids, done);
	free(mine);
}

static void order_lanes(struct sf_report *r)
{
	size_t n = r->nlanes, k = 0;
	if (!n)
		return;
	/* A process's parent is its ppid's lane, when that process logged. */
	for (size_t i = 0; i < n; i++) {
		struct sf_report_lane *l = &r->lanes[i];
		if (l->kind != SF_LANE_PROCESS)
			continue;
		struct proc *p = proc_of(r, l->pid);
		char key[32];
		snprintf(key, sizeof(key), "p:%d", p ? p->ppid : -1);
		int pl = p ? find_lane(r, key) : -1;
		l->parent = pl != (int)i ? pl : -1;
	}
	int *order = malloc(n * sizeof(*order)), *kids = malloc(n * sizeof(*kids)), *where = malloc(n * sizeof(*where));
	bool *done = calloc(n, sizeof(*done));
	if (!order || !kids || !where || !done)
		goto out;
	/* Roots: processes without a logged parent (cycles from reused pids
	 * are broken by done[]), in start order; then lanes of no process. */
	int *roots = kids;
	size_t nr = 0;
	for (size_t i = 0; i < n; i++)
		if (r->lanes[i].kind == SF_LANE_PROCESS && r->lanes[i].parent < 0)
			roots[nr++] = (int)i;
	g_lanes = r->lanes;
	qsort(roots, nr, sizeof(*roots), cmp_lane);
	int *rootcopy = malloc((nr ? nr : 1) * sizeof(*rootcopy));
	if (!rootcopy)
		goto out;
	memcpy(rootcopy, roots, nr * sizeof(*rootcopy));
	for (size_t i = 0; i < nr; i++)
		emit_lane(r, rootcopy[i], order, &k, kids, done);
	free(rootcopy);
	/* Processes not reached are in a cycle of ppids: the first of each
	 * cycle becomes a root, so that a lane still follows its parent. */
	for (size_t i = 0; i < n; i++)
		if (!done[i] && r->lanes[i].kind == SF_LANE_PROCESS) {
			r->lanes[i].parent = -1;
			emit_lane(r, (int)i, order, &k, kids, done);
		}
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			emit_lane(r, (int)i, order, &k, kids, done);
	struct sf_report_lane *nl = malloc(n * sizeof(*nl));
	if (!nl)
		goto out;
	for (size_t i = 0; i < n; i++)
		where[order[i]] = (int)i;
	for (size_t i = 0; i < n; i++) {
		nl[i] = r->lanes[order[i]];
		if (nl[i].parent >= 0)
			nl[i].parent = where[nl[i].parent];
	}
	free(r->lanes);
	r->lanes = nl;
	r->lanes_cap = n;
	for (size_t i = 0; i < r->ndata; i++)
		r->data[i].lane = where[r->data[i].lane];
	for (size_t i = 0; i < r->nmarks; i++)
		r->marks[i].lane = where[r->marks[i].lane];
	for (size_t i = 0; i < r->nfaults; i++)
		r->faults[i].lane = where[r->faults[i].lane];
	map_free(&r->index->lanes); /* indices changed: no lookups after this */
out:
	free(order);
	free(kids);
	free(where);
	free(done);
}

void sf_report_finish(struct sf_report *r, const char *scenario_path)
{
	const char *sp = scenario_path ? scenario_path : r->scenario_path;
	load_rules(r, sp);
	double end = r->index ? r->index->last_t : 0;
	for (size_t i = 0; i < r->nlanes; i++)
		if (r->lanes[i].end > end)
			end = r->lanes[i].end;
	r->duration = end;
	for (size_t i = 0; i < r->nlanes; i++) {
		if (r->lanes[i].end < 0)
			r->lanes[i].end = end;
		if (r->lanes[i].start > r->lanes[i].end)
			r->lanes[i].start = r->lanes[i].end;
	}
	bin_data(r);
	bin_points(r, r->faults, &r->nfaults, SF_REPORT_MAX_FAULTS);
	bin_points(r, r->marks, &r->nmarks, SF_REPORT_MAX_MARKS);
	order_lanes(r);
}

int sf_report_validate(const struct sf_report *r, const char **why)
{
#define CHECK(c)                 \
	do {                     \
		if (!(c)) {      \
			*why = #c; \
			return -1; \
		}                \
	} while (0)
	const double eps = 1e-6;
	size_t sum = 0;
	for (size_t i = 0; i < r->nlanes; i++) {
		const struct sf_report_lane *l = &r->lanes[i];
		CHECK(l->label);
		CHECK(l->parent < (int)r->nlanes);
		CHECK(l->parent < 0 || r->lanes[l->parent].kind == SF_LANE_PROCESS);
		CHECK(l->parent < (int)i); /* a lane follows the process it belongs to */
		CHECK(l->start >= 0 && l->start <= l->end + eps && l->end <= r->duration + eps);
	}
	for (size_t i = 0; i < r->ndata; i++) {
		CHECK(r->data[i].lane >= 0 && (size_t)r->data[i].lane < r->nlanes);
		CHECK(r->data[i].t >= 0 && r->data[i].t <= r->duration + eps);
	}
	CHECK(r->ndata <= (r->ndata_events > SF_REPORT_MAX_DATA ? SF_REPORT_MAX_DATA : r->ndata_events));
	for (size_t i = 0; i < r->nfaults; i++) {
		const struct sf_report_point *p = &r->faults[i];
		CHECK(p->lane >= 0 && (size_t)p->lane < r->nlanes && p->count >= 1);
		CHECK(p->detail < (int)r->ndetails && p->t <= r->duration + eps);
		CHECK(p->what >= 0 && p->what <= SF_REPORT_MAX_RULE_ID);
		sum += p->count;
	}
	CHECK(sum == r->nfault_events);
	sum = 0;
	for (size_t i = 0; i < r->nmarks; i++) {
		const struct sf_report_point *p = &r->marks[i];
		CHECK(p->lane >= 0 && (size_t)p->lane < r->nlanes && p->count >= 1);
		CHECK(p->detail < (int)r->ndetails && p->t <= r->duration + eps);
		CHECK(p->what >= SF_MARK_CONNECT && p->what <= SF_MARK_EXIT);
		sum += p->count;
	}
	CHECK(sum == r->nmark_events);
	CHECK(r->nfaults <= SF_REPORT_MAX_FAULTS || r->nfaults == r->nfault_events);
	CHECK(r->ndetails <= SF_REPORT_MAX_DETAILS);
	return 0;
#undef CHECK
}
