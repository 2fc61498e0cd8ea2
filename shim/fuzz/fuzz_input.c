/* The fuzz input format: bytes -> struct sf_fuzz_input -> scenario text.
 * Every byte string is an input (a fuzzer's mutations must all mean
 * something), so the parser never rejects: truncated fields read as zero,
 * lengths are clipped to what is left, unknown opcodes are no-ops.  The
 * format is documented in fuzz/README.md. */
#include "fuzz/fuzz_input.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

const char *const sf_fuzz_class_names[SF_TAPE_COUNT] = {
	[SF_TAPE_RECV] = "recv",
	[SF_TAPE_SEND] = "send",
	[SF_TAPE_ACCEPT] = "accept",
	[SF_TAPE_CONNECT] = "connect",
	[SF_TAPE_RESOLVE] = "getaddrinfo",
};

/* The resolver tape's codes: the ones getaddrinfo returns for a lookup
 * that fails for reasons outside the program. */
static const struct {
	const char *name;
	int code;
} eai_codes[8] = {
	{"EAI_AGAIN", EAI_AGAIN},   {"EAI_FAIL", EAI_FAIL},     {"EAI_NONAME", EAI_NONAME},
	{"EAI_NODATA", EAI_NODATA}, {"EAI_MEMORY", EAI_MEMORY}, {"EAI_AGAIN", EAI_AGAIN},
	{"EAI_FAIL", EAI_FAIL},     {"EAI_NONAME", EAI_NONAME},
};

struct sf_fuzz_fault sf_fuzz_tape_fault(enum sf_fuzz_class c, uint8_t b)
{
	struct sf_fuzz_fault f = {.action = SF_ACT_COUNT};
	if (b < 0x80) /* half the byte values: no fault, so tapes are mostly calm */
		return f;
	unsigned kind = (b >> 4) & 7;
	switch (c) {
	case SF_TAPE_RECV:
	case SF_TAPE_SEND:
		if (kind == 0)
			f.action = SF_ACT_EINTR;
		else if (kind == 1)
			f.action = SF_ACT_EAGAIN;
		else if (kind == 2 || kind == 3) {
			f.action = SF_ACT_SHORT;
			f.amount = (uint64_t)(b & 0x1f) + 1;
		} else if (kind == 4)
			f.action = SF_ACT_RESET;
		else if (kind == 5 && c == SF_TAPE_RECV)
			f.action = SF_ACT_CLOSE;
		break;
	case SF_TAPE_ACCEPT:
		if (kind == 0)
			f.action = SF_ACT_EINTR;
		else if (kind == 1)
			f.action = SF_ACT_EAGAIN;
		else if (kind == 2) {
			f.action = SF_ACT_ERROR;
			f.err = ECONNABORTED;
		}
		break;
	case SF_TAPE_CONNECT:
		if (kind == 0)
			f.action = SF_ACT_EINTR;
		else if (kind == 1)
			f.action = SF_ACT_REFUSE;
		else if (kind == 2)
			f.action = SF_ACT_TIMEOUT;
		else if (kind == 3)
			f.action = SF_ACT_RESET;
		break;
	case SF_TAPE_RESOLVE:
		f.action = SF_ACT_EAI;
		f.err = eai_codes[kind].code;
		break;
	default:
		break;
	}
	return f;
}

/* --- parsing --- */

struct reader {
	const uint8_t *p;
	size_t left;
};

/* The next byte, 0 past the end. */
static uint8_t next_byte(struct reader *r)
{
	if (!r->left)
		return 0;
	r->left--;
	return *r->p++;
}

static int push_event(struct sf_fuzz_input *in, size_t *cap, struct sf_fuzz_event ev)
{
	if (in->nevents == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct sf_fuzz_event *ne = realloc(in->events, ncap * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		in->events = ne;
		*cap = ncap;
	}
	in->events[in->nevents++] = ev;
	return 0;
}

static int open_conn(struct sf_fuzz_input *in, size_t *cap, enum sf_peer_dir dir, unsigned listen)
{
	struct sf_fuzz_event ev = {.op = SF_PEER_OPEN, .conn = in->nconns + 1, .dir = dir,
				   .listen = dir == SF_PEER_OUT ? 0 : listen};
	int rc = push_event(in, cap, ev);
	if (rc == 0)
		in->nconns++;
	return rc;
}

/* The connection a selector byte names; with none yet, connection 1 is
 * opened as `any`, so that data alone always reaches the program. */
static int pick_conn(struct sf_fuzz_input *in, size_t *cap, uint8_t sel, unsigned *conn)
{
	if (!in->nconns) {
		int rc = open_conn(in, cap, SF_PEER_ANY, 1);
		if (rc)
			return rc;
	}
	*conn = sel % in->nconns + 1;
	return 0;
}

static int parse_raw(const uint8_t *data, size_t len, struct sf_fuzz_input *in, size_t *cap)
{
	int rc = open_conn(in, cap, SF_PEER_ANY, 1);
	if (!rc && len)
		rc = push_event(in, cap, (struct sf_fuzz_event){.op = SF_PEER_SEND, .conn = 1, .data = data, .len = len});
	if (!rc)
		rc = push_event(in, cap, (struct sf_fuzz_event){.op = SF_PEER_FIN, .conn = 1});
	return rc;
}

static int append_tape(struct sf_fuzz_input *in, unsigned c, struct reader *r, size_t n)
{
	if (n > r->left)
		n = r->left;
	if (!n)
		return 0;
	uint8_t *nt = realloc(in->tape[c], in->tape_len[c] + n);
	if (!nt)
		return -ENOMEM;
	memcpy(nt + in->tape_len[c], r->p, n);
	in->tape[c] = nt;
	in->tape_len[c] += n;
	r->p += n;
	r->left -= n;
	return 0;
}

/* Per-connection state while parsing, to keep the script well formed
 * (nothing after a reset, no data after a fin), as the scenario parser
 * demands: such records are no-ops. */
#define CONN_FIN 1u
#define CONN_RESET 2u

static int parse_records(struct sf_fuzz_input *in, size_t *cap, struct reader *r)
{
	unsigned char state[SF_FUZZ_MAX_CONNS] = {0};
	while (r->left) {
		int rc = 0;
		uint8_t op = next_byte(r) % 8;
		switch (op) {
		case SF_FOP_OPEN: {
			uint8_t f = next_byte(r);
			static const enum sf_peer_dir dirs[4] = {SF_PEER_IN, SF_PEER_OUT, SF_PEER_ANY, SF_PEER_IN};
			if (in->nconns < SF_FUZZ_MAX_CONNS)
				rc = open_conn(in, cap, dirs[f & 3], ((f >> 2) & 3) + 1u);
			break;
		}
		case SF_FOP_DATA: {
			uint8_t sel = next_byte(r);
			size_t n = next_byte(r);
			n |= (size_t)next_byte(r) << 8;
			if (n > r->left)
				n = r->left;
			unsigned conn;
			const uint8_t *p = r->p;
			r->p += n;
			r->left -= n;
			if ((rc = pick_conn(in, cap, sel, &conn)) || !n || state[conn - 1])
				break;
			rc = push_event(in, cap, (struct sf_fuzz_event){.op = SF_PEER_SEND, .conn = conn, .data = p, .len = n});
			break;
		}
		case SF_FOP_FIN:
		case SF_FOP_RESET: {
			unsigned conn;
			uint8_t sel = next_byte(r);
			if ((rc = pick_conn(in, cap, sel, &conn)) || (state[conn - 1] & CONN_RESET))
				break;
			if (op == SF_FOP_FIN && (state[conn - 1] & CONN_FIN))
				break;
			state[conn - 1] |= op == SF_FOP_FIN ? CONN_FIN : CONN_RESET;
			rc = push_event(in, cap, (struct sf_fuzz_event){.op = op == SF_FOP_FIN ? SF_PEER_FIN : SF_PEER_RESET,
									.conn = conn});
			break;
		}
		case SF_FOP_TAPE: {
			unsigned c = next_byte(r) % SF_TAPE_COUNT;
			rc = append_tape(in, c, r, next_byte(r));
			break;
		}
		case SF_FOP_ANSWER: {
			bool v6 = next_byte(r) & 1;
			size_t n = v6 ? 16 : 4;
			if (in->nanswers < SF_FUZZ_MAX_ANSWERS) {
				in->answers[in->nanswers].family = v6 ? AF_INET6 : AF_INET;
				memset(in->answers[in->nanswers].addr, 0, 16);
				for (size_t i = 0; i < n; i++)
					in->answers[in->nanswers].addr[i] = next_byte(r);
				in->nanswers++;
			} else {
				for (size_t i = 0; i < n; i++)
					next_byte(r);
			}
			break;
		}
		default:
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int sf_fuzz_input_parse(const uint8_t *data, size_t len, struct sf_fuzz_input *out)
{
	memset(out, 0, sizeof(*out));
	size_t cap = 0, mlen = sizeof(SF_FUZZ_MAGIC) - 1;
	int rc;
	if (len < mlen || memcmp(data, SF_FUZZ_MAGIC, mlen) != 0) {
		out->raw = true;
		rc = parse_raw(data, len, out, &cap);
	} else {
		struct reader r = {data + mlen, len - mlen};
		rc = parse_records(out, &cap, &r);
	}
	if (rc)
		sf_fuzz_input_free(out);
	return rc;
}

void sf_fuzz_input_free(struct sf_fuzz_input *in)
{
	free(in->events);
	for (int c = 0; c < SF_TAPE_COUNT; c++)
		free(in->tape[c]);
	memset(in, 0, sizeof(*in));
}

int sf_fuzz_input_validate(const struct sf_fuzz_input *in, const char **why)
{
#define BAD(msg)                                                                                   \
	do {                                                                                       \
		*why = msg;                                                                        \
		return -EINVAL;                                                                    \
	} while (0)
	unsigned char state[SF_FUZZ_MAX_CONNS] = {0};
	unsigned opened = 0;
	if (in->nconns > SF_FUZZ_MAX_CONNS)
		BAD("more connections than SF_FUZZ_MAX_CONNS");
	if (in->nevents && !in->events)
		BAD("events counted but not allocated");
	for (size_t i = 0; i < in->nevents; i++) {
		const struct sf_fuzz_event *e = &in->events[i];
		if (e->op == SF_PEER_OPEN) {
			if (e->conn != ++opened)
				BAD("connections are not opened in order");
			if (e->dir != SF_PEER_IN && e->dir != SF_PEER_OUT && e->dir != SF_PEER_ANY)
				BAD("bad direction");
			if (e->dir == SF_PEER_OUT ? e->listen != 0 : (e->listen < 1 || e->listen > 4))
				BAD("bad listen index");
			continue;
		}
		if (e->conn < 1 || e->conn > opened)
			BAD("event on a connection not opened yet");
		unsigned char *s = &state[e->conn - 1];
		if (*s & CONN_RESET)
			BAD("event after a reset");
		if (e->op == SF_PEER_SEND) {
			if (!e->data || e->len == 0)
				BAD("empty chunk");
			if (*s & CONN_FIN)
				BAD("data after a fin");
		} else if (e->op == SF_PEER_FIN) {
			if (*s & CONN_FIN)
				BAD("two fins");
			*s |= CONN_FIN;
		} else if (e->op == SF_PEER_RESET) {
			*s |= CONN_RESET;
		} else {
			BAD("bad op");
		}
	}
	if (opened != in->nconns)
		BAD("nconns is not the number of opens");
	for (int c = 0; c < SF_TAPE_COUNT; c++)
		if (in->tape_len[c] && !in->tape[c])
			BAD("tape counted but not allocated");
	if (in->nanswers > SF_FUZZ_MAX_ANSWERS)
		BAD("too many answers");
	for (unsigned i = 0; i < in->nanswers; i++)
		if (in->answers[i].family != AF_INET && in->answers[i].family != AF_INET6)
			BAD("answer of a bad family");
	if (in->raw && (in->nconns != 1 || in->nevents < 2 || in->nanswers))
		BAD("raw input is not one connection");
	return 0;
#undef BAD
}

/* --- rendering --- */

struct out {
	char *s;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	if (o->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(o->s + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->oom = true;
			return;
		}
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		size_t ncap = (o->cap + (size_t)n + 1) * 2;
		char *ns = realloc(o->s, ncap);
		if (!ns) {
			o->oom = true;
			return;
		}
		o->s = ns;
		o->cap = ncap;
	}
}

/* Bytes of a chunk per scenario line: 2 hex digits each, well inside the
 * 4096-byte line limit. */
#define HEX_PER_LINE 1024

static void put_hex(struct out *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	if (o->oom)
		return;
	if (o->cap - o->len < 2 * n + 1) {
		size_t ncap = (o->cap + 2 * n + 1) * 2;
		char *ns = realloc(o->s, ncap);
		if (!ns) {
			o->oom = true;
			return;
		}
		o->s = ns;
		o->cap = ncap;
	}
	for (size_t i = 0; i < n; i++) {
		o->s[o->len++] = digits[p[i] >> 4];
		o->s[o->len++] = digits[p[i] & 15];
	}
	o->s[o->len] = 0;
}

static const char *eai_name(int code)
{
	for (int i = 0; i < 8; i++)
		if (eai_codes[i].code == code)
			return eai_codes[i].name;
	return "EAI_FAIL";
}

static void put_fault(struct out *o, enum sf_fuzz_class c, size_t nth, struct sf_fuzz_fault f)
{
	put(o, "%s nth=%zu -> %s", sf_fuzz_class_names[c], nth, sf_action_names[f.action]);
	if (f.action == SF_ACT_SHORT)
		put(o, " %llu", (unsigned long long)f.amount);
	else if (f.action == SF_ACT_EAI)
		put(o, " %s", eai_name(f.err));
	else if (f.action == SF_ACT_ERROR)
		put(o, " ECONNABORTED"); /* the accept tape's only named errno */
	put(o, "\n");
}

char *sf_fuzz_input_render(const struct sf_fuzz_input *in, size_t *len)
{
	struct out o = {0};
	put(&o, "# a sockfault fuzz input (%s mode) as a scenario: sockfault run -s FILE -- PROGRAM\n"
		"net virtual\n",
	    in->raw ? "raw" : "structured");
	if (in->nanswers) {
		put(&o, "host *");
		for (unsigned i = 0; i < in->nanswers; i++) {
			char a[INET6_ADDRSTRLEN];
			inet_ntop(in->answers[i].family, in->answers[i].addr, a, sizeof(a));
			put(&o, " %s", a);
		}
		put(&o, "\n");
	}
	for (size_t i = 0; i < in->nevents; i++) {
		const struct sf_fuzz_event *e = &in->events[i];
		switch (e->op) {
		case SF_PEER_OPEN:
			if (e->dir == SF_PEER_OUT)
				put(&o, "peer %u out\n", e->conn);
			else
				put(&o, "peer %u %s listen=%u\n", e->conn, e->dir == SF_PEER_IN ? "in" : "any", e->listen);
			break;
		case SF_PEER_SEND:
			for (size_t off = 0; off < e->len; off += HEX_PER_LINE) {
				size_t n = e->len - off < HEX_PER_LINE ? e->len - off : HEX_PER_LINE;
				put(&o, "peer %u %s ", e->conn, off ? "more" : "send");
				put_hex(&o, e->data + off, n);
				put(&o, "\n");
			}
			break;
		case SF_PEER_FIN:
			put(&o, "peer %u fin\n", e->conn);
			break;
		case SF_PEER_RESET:
			put(&o, "peer %u reset\n", e->conn);
			break;
		}
	}
	for (int c = 0; c < SF_TAPE_COUNT; c++)
		for (size_t k = 0; k < in->tape_len[c]; k++) {
			struct sf_fuzz_fault f = sf_fuzz_tape_fault((enum sf_fuzz_class)c, in->tape[c][k]);
			if (f.action != SF_ACT_COUNT)
				put_fault(&o, (enum sf_fuzz_class)c, k + 1, f);
		}
	if (o.oom) {
		free(o.s);
		return NULL;
	}
	*len = o.len;
	return o.s;
}

int sf_fuzz_input_scenario(const uint8_t *data, size_t len, struct sf_scenario *out, char *err, size_t errlen)
{
	struct sf_fuzz_input in;
	memset(out, 0, sizeof(*out));
	int rc = sf_fuzz_input_parse(data, len, &in);
	if (rc)
		return rc;
	size_t tlen;
	char *text = sf_fuzz_input_render(&in, &tlen);
	sf_fuzz_input_free(&in);
	if (!text)
		return -ENOMEM;
	rc = sf_scenario_parse("fuzz-input", text, tlen, out, err, errlen) ? -EINVAL : 0;
	free(text);
	return rc;
}
