/* A small recursive-descent JSON reader (RFC 8259) for the event log: the
 * shim writes it, but a log is a file the user may have edited, cut short
 * or concatenated, so every byte is checked and a bad line is an error,
 * never a crash. */
#include "json.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = 64 * 1024, MAX_DEPTH = 32 };

struct block {
	struct block *next;
	size_t used, cap;
	char mem[];
};

struct sf_json_arena {
	struct block *head;
};

struct sf_json_arena *sf_json_arena_new(void)
{
	return calloc(1, sizeof(struct sf_json_arena));
}

void sf_json_arena_reset(struct sf_json_arena *a)
{
	/* Keep the first block, free the rest. */
	struct block *b = a->head;
	if (!b)
		return;
	struct block *rest = b->next;
	while (rest) {
		struct block *n = rest->next;
		free(rest);
		rest = n;
	}
	b->next = NULL;
	b->used = 0;
}

void sf_json_arena_free(struct sf_json_arena *a)
{
	if (!a)
		return;
	for (struct block *b = a->head, *n; b; b = n) {
		n = b->next;
		free(b);
	}
	free(a);
}

static void *alloc(struct sf_json_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK ? n : BLOCK;
		struct block *nb = malloc(sizeof(*nb) + cap);
		if (!nb)
			return NULL;
		nb->used = 0;
		nb->cap = cap;
		nb->next = b;
		a->head = b = nb;
	}
	void *p = b->mem + b->used;
	b->used += n;
	return p;
}

struct parser {
	struct sf_json_arena *a;
	const char *p, *end;
	int depth;
};

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	if (end - p < 4)
		return -1;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote; the unescaped string (never longer than the
 * escaped text) is copied into the arena.  On an error ps->p is left at
 * the byte (or the backslash of the escape) that is wrong. */
static const char *parse_string(struct parser *ps)
{
	const char *s = ps->p + 1, *e = s;
	/* The closing quote: the first one no backslash escapes (a backslash
	 * as the last byte escapes nothing, the string is unterminated). */
	while (e < ps->end && *e != '"')
		e += *e == '\\' && e + 1 < ps->end ? 2 : 1;
	if (e >= ps->end) {
		ps->p = ps->end;
		return NULL;
	}
	char *out = alloc(ps->a, (size_t)(e - s) + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *q = s; q < e; q++) {
		ps->p = q;
		unsigned char c = (unsigned char)*q;
		if (c < 0x20)
			return NULL;
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		q++;
		switch (*q) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned cp;
			if (hex4(q + 1, e, &cp) != 0)
				return NULL;
			q += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned lo;
				if (e - q < 7 || q[1] != '\\' || q[2] != 'u' || hex4(q + 3, e, &lo) != 0 || lo < 0xdc00 ||
				    lo > 0xdfff)
					return NULL;
				q += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				return NULL;
			}
			/* \u0000 would end the C string early: kept as U+FFFD. */
			o += put_utf8(o, cp ? cp : 0xfffd);
			break;
		}
		default:
			return NULL;
		}
	}
	ps->p = e + 1;
	*o = 0;
	return out;
}

static struct sf_json *parse_value(struct parser *ps);

static struct sf_json *node(struct parser *ps, enum sf_json_type t)
{
	struct sf_json *n = alloc(ps->a, sizeof(*n));
	if (n)
		*n = (struct sf_json){.type = t};
	return n;
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return false;
	ps->p += n;
	return true;
}

static struct sf_json *parse_number(struct parser *ps)
{
	const char *s = ps->p;
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
		return NULL;
	if (*ps->p == '0')
		ps->p++;
	else
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return NULL;
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return NULL;
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	char buf[64];
	size_t n = (size_t)(ps->p - s);
	if (n >= sizeof(buf)) {
		ps->p = s;
		return NULL;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	/* A number beyond a double's range is an error, not infinity: JSON
	 * has no infinities, and RFC 8259 section 6 lets a reader limit the
	 * range.  (Underflow to 0 or a subnormal is kept.) */
	double d = strtod(buf, NULL);
	if (!isfinite(d)) {
		ps->p = s;
		return NULL;
	}
	struct sf_json *v = node(ps, SF_JSON_NUMBER);
	if (v)
		v->number = d;
	return v;
}

static struct sf_json *parse_container(struct parser *ps, bool object)
{
	if (++ps->depth > MAX_DEPTH)
		return NULL;
	struct sf_json *v = node(ps, object ? SF_JSON_OBJECT : SF_JSON_ARRAY), **tail;
	if (!v)
		return NULL;
	tail = &v->child;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) {
		ps->p++;
		ps->depth--;
		return v;
	}
	for (;;) {
		const char *key = NULL;
		skip_ws(ps);
		if (object) {
			if (ps->p >= ps->end || *ps->p != '"' || !(key = parse_string(ps)))
				return NULL;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return NULL;
			ps->p++;
		}
		struct sf_json *e = parse_value(ps);
		if (!e)
			return NULL;
		e->key = key;
		*tail = e;
		tail = &e->next;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) {
			ps->p++;
			ps->depth--;
			return v;
		}
		return NULL;
	}
}

static struct sf_json *parse_value(struct parser *ps)
{
	skip_ws(ps);
	if (ps->p >= ps->end)
		return NULL;
	switch (*ps->p) {
	case '{': return parse_container(ps, true);
	case '[': return parse_container(ps, false);
	case '"': {
		const char *s = parse_string(ps);
		struct sf_json *v = s ? node(ps, SF_JSON_STRING) : NULL;
		if (v)
			v->string = s;
		return v;
	}
	case 't':
	case 'f': {
		bool t = *ps->p == 't';
		if (!literal(ps, t ? "true" : "false"))
			return NULL;
		struct sf_json *v = node(ps, SF_JSON_BOOL);
		if (v)
			v->number = t;
		return v;
	}
	case 'n': return literal(ps, "null") ? node(ps, SF_JSON_NULL) : NULL;
	default: return parse_number(ps);
	}
}

struct sf_json *sf_json_parse(struct sf_json_arena *a, const char *text, size_t len, size_t *err_at)
{
	struct parser ps = {a, text, text + len, 0};
	struct sf_json *v = parse_value(&ps);
	/* Whitespace only after a value: skipped after an error, it would move
	 * err_at past a raw tab or newline inside a string. */
	if (v)
		skip_ws(&ps);
	if (v && ps.p == ps.end)
		return v;
	*err_at = (size_t)((ps.p < ps.end ? ps.p : ps.end) - text);
	return NULL;
}

const struct sf_json *sf_json_get(const struct sf_json *obj, const char *key)
{
	if (!obj || obj->type != SF_JSON_OBJECT)
		return NULL;
	for (const struct sf_json *m = obj->child; m; m = m->next)
		if (!strcmp(m->key, key))
			return m;
	return NULL;
}

double sf_json_num(const struct sf_json *obj, const char *key, double def)
{
	const struct sf_json *m = sf_json_get(obj, key);
	return m && m->type == SF_JSON_NUMBER ? m->number : def;
}

const char *sf_json_str(const struct sf_json *obj, const char *key, const char *def)
{
	const struct sf_json *m = sf_json_get(obj, key);
	return m && m->type == SF_JSON_STRING ? m->string : def;
}
