/* Judging a finished case: its exit status, its output against the
 * patterns, and its event log against the rules that must or must not fire.
 * Every unmet expectation becomes one line of the case's failure message. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "suite.h"

/* Output beyond this is not searched; the judgement says so. */
#define MATCH_MAX (64u << 20)

char *sf_read_part(const char *path, size_t max, bool tail, size_t *len, size_t *size)
{
	*len = 0;
	if (size)
		*size = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	size_t total = (size_t)st.st_size, want = total > max ? max : total;
	size_t off = tail ? total - want : 0;
	char *buf = malloc(want + 1);
	size_t n = 0;
	while (buf && n < want) {
		ssize_t r = pread(fd, buf + n, want - n, (off_t)(off + n));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!buf)
		return NULL;
	buf[n] = '\0';
	*len = n;
	if (size)
		*size = total;
	return buf;
}

struct why {
	char *text;
	size_t len;
};

static void add(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct why *w, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	char *t = realloc(w->text, w->len + (size_t)n + 2);
	if (!t)
		return;
	w->text = t;
	if (w->len)
		w->text[w->len++] = '\n';
	memcpy(w->text + w->len, line, (size_t)n + 1);
	w->len += (size_t)n;
}

/* The line around a match, for "matches but must not" messages. */
static void matched_line(const char *buf, size_t len, size_t so, char *out, size_t outlen)
{
	size_t a = so, b = so;
	while (a > 0 && buf[a - 1] != '\n')
		a--;
	while (b < len && buf[b] != '\n')
		b++;
	size_t n = b - a;
	if (n > 100)
		n = 100;
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)buf[a + i];
		out[o++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	out[o] = '\0';
}

static void check_patterns(const struct sf_case *c, const struct sf_result *r, struct why *w)
{
	char *text[2] = {NULL, NULL};
	size_t len[2] = {0, 0}, size[2] = {0, 0};
	for (unsigned i = 0; i < c->npatterns; i++) {
		const struct sf_pattern *pt = &c->patterns[i];
		int k = pt->on_stderr;
		const char *stream = k ? "stderr" : "stdout";
		if (!text[k]) {
			text[k] = sf_read_part(k ? r->files.err : r->files.out, MATCH_MAX, false, &len[k], &size[k]);
			if (!text[k] && !(text[k] = calloc(1, 1)))
				break;
		}
		regmatch_t m = {.rm_so = 0, .rm_eo = (regoff_t)len[k]};
		/* REG_STARTEND: output may contain NUL bytes; search all of it. */
		bool hit = regexec(&pt->re, text[k], 1, &m, REG_STARTEND) == 0;
		if (hit && pt->negate) {
			char line[128];
			matched_line(text[k], len[k], (size_t)m.rm_so, line, sizeof(line));
			add(w, "%s matches /%s/ but must not: %s", stream, pt->source, line);
		} else if (!hit && !pt->negate) {
			add(w, "%s does not match /%s/%s", stream, pt->source,
			    size[k] > len[k] ? " (only its first 64 MiB were searched)" : "");
		}
	}
	free(text[0]);
	free(text[1]);
}

static void check_rules(const struct sf_case *c, const struct sf_result *r, struct why *w)
{
	if (!c->nrefs)
		return;
	size_t len;
	char *log = sf_read_part(r->files.log, SIZE_MAX, false, &len, NULL);
	unsigned long *fired = calloc(c->nrefs, sizeof(*fired));
	if (!fired) {
		free(log);
		add(w, "out of memory reading the event log");
		return;
	}
	struct sf_json_arena *arena = sf_json_arena_new();
	for (size_t at = 0; log && arena && at < len;) {
		const char *nl = memchr(log + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - log) : len, err_at;
		sf_json_arena_reset(arena);
		const struct sf_json *o = sf_json_parse(arena, log + at, end - at, &err_at);
		/* A fault line ("ev":"fault"; older logs had no "ev"), not a
		 * header or another event of the full log. */
		const char *ev = sf_json_str(o, "ev", "fault");
		double rule = sf_json_num(o, "rule", -1), line = sf_json_num(o, "line", -1);
		if (o && !strcmp(ev, "fault") && rule >= 0 && line >= 0)
			for (unsigned i = 0; i < c->nrefs; i++)
				if ((c->refs[i].by_line ? line : rule) == c->refs[i].n)
					fired[i]++;
		at = end + 1;
	}
	sf_json_arena_free(arena);
	for (unsigned i = 0; i < c->nrefs; i++) {
		const struct sf_rule_ref *ref = &c->refs[i];
		char what[64];
		if (ref->by_line)
			snprintf(what, sizeof(what), "the rule on line %u", ref->n);
		else
			snprintf(what, sizeof(what), "rule %u", ref->n);
		if (ref->must_fire && !fired[i])
			add(w, "%s never fired, but must", what);
		else if (!ref->must_fire && fired[i])
			add(w, "%s fired %lu time%s, but must never", what, fired[i], fired[i] == 1 ? "" : "s");
	}
	free(fired);
	free(log);
}

void sf_expect_judge(const struct sf_case *c, struct sf_result *r)
{
	struct why w = {NULL, 0};
	if (r->interrupted) {
		add(&w, "interrupted (killed with its process group)");
	} else if (r->timed_out) {
		/* Whatever it printed or fired so far says little about a hang. */
		add(&w, "timed out after %g s (killed with its process group)", (double)c->timeout_ns / 1e9);
	} else if (WIFSIGNALED(r->status)) {
		int sig = WTERMSIG(r->status);
		add(&w, "killed by signal %d (%s)", sig, strsignal(sig));
	} else if (WIFEXITED(r->status)) {
		int code = WEXITSTATUS(r->status);
		if (c->exit_code >= 0 && code != c->exit_code)
			add(&w, "exit status %d, expected %d%s", code, c->exit_code,
			    code == 127 ? " (program not found?)"
			    : code == 126 ? " (program not executable?)"
					  : "");
	}
	if (!r->timed_out && !r->interrupted) {
		check_patterns(c, r, &w);
		check_rules(c, r, &w);
	}
	r->why = w.text;
	r->outcome = w.text ? SF_FAIL : SF_PASS;
}
