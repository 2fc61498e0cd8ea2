/* The suite file parser: line-based, one keyword per line, cases from a
 * `case NAME` line to the next.  Everything a run needs is checked here
 * (paths exist, regexes compile, scenarios load, named rules exist), so a
 * mistake stops the suite before any case starts. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "faults/scenario.h"
#include "suite.h"

enum kw { KW_CASE, KW_SCENARIO, KW_RUN, KW_SH, KW_CWD, KW_SEED, KW_TIMEOUT, KW_EXIT,
	  KW_STDOUT, KW_STDERR, KW_FIRES, KW_NEVER, KW_COUNT };

static const char *const kw_names[KW_COUNT] = {
	"case", "scenario", "run", "sh", "cwd", "seed", "timeout", "exit",
	"stdout", "stderr", "fires", "never",
};

/* Keywords that may appear once per case; the rest accumulate. */
static const bool kw_single[KW_COUNT] = {
	[KW_SCENARIO] = true, [KW_RUN] = true, [KW_SH] = true, [KW_CWD] = true,
	[KW_SEED] = true,     [KW_TIMEOUT] = true, [KW_EXIT] = true,
};

struct parser {
	const char *path;
	char *dir; /* absolute directory of the suite file */
	unsigned line;
	char *err;
	size_t errlen;
	struct sf_suite *s;

	/* suite defaults (lines before the first case) */
	uint64_t timeout_ns;
	char *cwd;

	/* the case being read */
	struct sf_case *c;
	unsigned seen[KW_COUNT]; /* line of each single keyword, 0 = not yet */
	unsigned name_col;
	unsigned scenario_line, scenario_col;
	unsigned first_ref_line, first_ref_col;
	unsigned *ref_cols, *ref_lines;
};

static int fail(struct parser *p, unsigned col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, unsigned col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u:%u: %s", p->path, p->line, col, msg);
	return -1;
}

static void *xrealloc(void *old, size_t n)
{
	void *q = realloc(old, n ? n : 1);
	if (!q) {
		fputs("sockfault suite: out of memory\n", stderr);
		exit(2);
	}
	return q;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static bool is_space(char ch) { return ch == ' ' || ch == '\t'; }

/* Error messages quote user text; keep them to one readable line. */
#define QLEN(n) ((int)((n) > 60 ? 60 : (n)))

/* A path as written, relative to the suite file's directory, made absolute
 * and canonical; it must exist (and be a directory when want_dir). */
static int resolve(struct parser *p, const char *what, const char *s, size_t len, unsigned col, bool want_dir,
		   char **out)
{
	char *joined;
	if (len && s[0] == '/')
		joined = xstrndup(s, len);
	else {
		joined = xrealloc(NULL, strlen(p->dir) + len + 2);
		sprintf(joined, "%s/%.*s", p->dir, (int)len, s);
	}
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(joined, real) || stat(real, &st) != 0) {
		int e = errno;
		free(joined);
		return fail(p, col, "%s '%.*s': %s", what, QLEN(len), s, strerror(e));
	}
	free(joined);
	if (want_dir && !S_ISDIR(st.st_mode))
		return fail(p, col, "%s '%.*s' is not a directory", what, QLEN(len), s);
	if (!want_dir && S_ISDIR(st.st_mode))
		return fail(p, col, "%s '%.*s' is a directory", what, QLEN(len), s);
	*out = strdup(real);
	if (!*out)
		return fail(p, col, "out of memory");
	return 0;
}

static void free_argv(char **argv)
{
	for (char **a = argv; a && *a; a++)
		free(*a);
	free(argv);
}

/* Words the way sh would split them, quotes and backslashes included, but
 * nothing expanded: what is written is what the program gets. */
static int split_words(struct parser *p, const char *s, size_t len, unsigned col0, char ***argv_out)
{
	char **argv = NULL;
	size_t n = 0, i = 0;
	char *word = xrealloc(NULL, len + 1);
	while (i < len) {
		while (i < len && is_space(s[i]))
			i++;
		if (i == len)
			break;
		size_t w = 0;
		while (i < len && !is_space(s[i])) {
			char ch = s[i];
			if (ch == '\'' || ch == '"') {
				size_t q = i++;
				while (i < len && s[i] != ch) {
					/* Inside "...", a backslash escapes only what sh lets it escape. */
					if (ch == '"' && s[i] == '\\' && i + 1 < len && strchr("\"\\$`", s[i + 1]))
						i++;
					word[w++] = s[i++];
				}
				if (i == len) {
					free(word);
					free_argv(argv);
					return fail(p, col0 + (unsigned)q, "unterminated %c quote", ch);
				}
				i++;
				continue;
			}
			if (ch == '\\' && i + 1 < len)
				i++;
			word[w++] = s[i++];
		}
		argv = xrealloc(argv, (n + 2) * sizeof(*argv));
		argv[n++] = xstrndup(word, w);
		argv[n] = NULL;
	}
	free(word);
	*argv_out = argv;
	return 0;
}

/* Decimal, or hex with 0x: the scenario language's numbers. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	int base = 10;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len || len > 20)
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + d;
	}
	*out = v;
	return 0;
}

/* "60s", "500ms", "1.5m" as in scenarios; a bare number means seconds. */
static int parse_timeout(struct parser *p, const char *s, size_t len, unsigned col, uint64_t *ns)
{
	char buf[64];
	if (sf_parse_duration(s, len, ns) != 0) {
		if (len + 2 > sizeof(buf) || strspn(s, "0123456789.") < len)
			goto bad;
		memcpy(buf, s, len);
		memcpy(buf + len, "s", 2);
		if (sf_parse_duration(buf, len + 1, ns) != 0)
			goto bad;
	}
	/* A bound keeps deadline arithmetic far from overflow. */
	if (*ns == 0 || *ns > 7ull * 24 * 3600 * 1000000000ull)
		return fail(p, col, "a timeout must be longer than 0 and at most 7 days");
	return 0;
bad:
	return fail(p, col, "bad timeout '%.*s' (seconds, or a duration such as 500ms, 30s, 2m)", QLEN(len), s);
}

static void case_free(struct sf_case *c)
{
	free(c->name);
	free(c->scenario);
	free_argv(c->argv);
	free(c->cwd);
	for (unsigned i = 0; i < c->npatterns; i++) {
		free(c->patterns[i].source);
		regfree(&c->patterns[i].re);
	}
	free(c->patterns);
	free(c->refs);
}

void sf_suite_free(struct sf_suite *s)
{
	for (unsigned i = 0; i < s->ncases; i++)
		case_free(&s->cases[i]);
	free(s->cases);
	free(s->path);
	free(s->name);
	memset(s, 0, sizeof(*s));
}

static bool valid_name(const char *s, size_t len)
{
	if (!len || len > 100 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

/* Checks what can only be checked once the whole case is read: that it has
 * a command, that its scenario loads and has the rules it names. */
static int finish_case(struct parser *p)
{
	struct sf_case *c = p->c;
	if (!c)
		return 0;
	unsigned saved_line = p->line;
	p->line = c->line;
	if (!c->argv)
		return fail(p, p->name_col, "case '%s' has no command (add a 'run' or 'sh' line)", c->name);
	if (!c->scenario && c->nrefs) {
		p->line = p->first_ref_line;
		return fail(p, p->first_ref_col, "'fires' and 'never' need a scenario (case '%s' has none)",
			    c->name);
	}
	if (c->scenario) {
		struct sf_scenario sc;
		char serr[1024];
		if (sf_scenario_load(c->scenario, &sc, serr, sizeof(serr)) != 0) {
			p->line = p->scenario_line;
			/* The scenario's own FILE:LINE:COL first, then where the suite names it. */
			char note[512];
			fail(p, p->scenario_col, "note: the scenario of case '%s'", c->name);
			snprintf(note, sizeof(note), "%s", p->err);
			snprintf(p->err, p->errlen, "%s\n%s", serr, note);
			return -1;
		}
		c->scenario_has_seed = sc.has_seed;
		c->scenario_seed = sc.seed;
		for (unsigned i = 0; i < c->nrefs; i++) {
			const struct sf_rule_ref *r = &c->refs[i];
			bool found = false;
			for (unsigned k = 0; k < sc.nrules && !found; k++)
				found = r->by_line ? sc.rules[k].line == r->n : sc.rules[k].id == r->n;
			if (!found) {
				p->line = p->ref_lines[i];
				if (r->by_line)
					fail(p, p->ref_cols[i], "no rule on line %u of %s", r->n, c->scenario);
				else
					fail(p, p->ref_cols[i], "no rule %u in %s (it has %u rule%s)", r->n,
					     c->scenario, sc.nrules, sc.nrules == 1 ? "" : "s");
				sf_scenario_free(&sc);
				return -1;
			}
		}
		sf_scenario_free(&sc);
	}
	if (!c->cwd) {
		c->cwd = strdup(p->cwd ? p->cwd : p->dir);
		if (!c->cwd)
			return fail(p, 1, "out of memory");
	}
	free(p->ref_cols);
	free(p->ref_lines);
	p->ref_cols = p->ref_lines = NULL;
	p->c = NULL;
	p->line = saved_line;
	return 0;
}

static int start_case(struct parser *p, const char *arg, size_t len, unsigned col)
{
	if (finish_case(p) != 0)
		return -1;
	if (!len)
		return fail(p, col, "'case' needs a name");
	if (!valid_name(arg, len))
		return fail(p, col, "bad case name '%.*s' (letters, digits, '_', '-' and '.'; not starting with "
			    "'.' or '-'; it names the case's artifact directory)", QLEN(len), arg);
	struct sf_suite *s = p->s;
	for (unsigned i = 0; i < s->ncases; i++)
		if (strlen(s->cases[i].name) == len && !memcmp(s->cases[i].name, arg, len))
			return fail(p, col, "duplicate case name '%.*s' (first on line %u)", QLEN(len), arg,
				    s->cases[i].line);
	s->cases = xrealloc(s->cases, (s->ncases + 1) * sizeof(*s->cases));
	struct sf_case *c = &s->cases[s->ncases];
	memset(c, 0, sizeof(*c));
	c->index = s->ncases++;
	c->name = xstrndup(arg, len);
	c->line = p->line;
	c->exit_code = 0;
	c->timeout_ns = p->timeout_ns;
	p->c = c;
	p->name_col = col;
	memset(p->seen, 0, sizeof(p->seen));
	return 0;
}

static int add_pattern(struct parser *p, bool on_stderr, const char *arg, size_t len, unsigned col)
{
	const char *kw = on_stderr ? "stderr" : "stdout";
	bool negate = false;
	size_t i = 0;
	if (len >= 2 && arg[0] == '!' && arg[1] == '~') {
		negate = true;
		i = 2;
	} else if (len >= 1 && arg[0] == '~') {
		i = 1;
	} else {
		return fail(p, col, "expected '~ REGEX' (must match) or '!~ REGEX' (must not match) after '%s'", kw);
	}
	if (i < len && !is_space(arg[i]))
		return fail(p, col + (unsigned)i, "expected a space after '%.*s'", (int)i, arg);
	while (i < len && is_space(arg[i]))
		i++;
	if (i == len)
		return fail(p, col + (unsigned)i, "'%s %.*s' needs a regular expression", kw, negate ? 2 : 1, arg);
	struct sf_case *c = p->c;
	c->patterns = xrealloc(c->patterns, (c->npatterns + 1) * sizeof(*c->patterns));
	struct sf_pattern *pt = &c->patterns[c->npatterns];
	pt->on_stderr = on_stderr;
	pt->negate = negate;
	pt->source = xstrndup(arg + i, len - i);
	/* REG_NEWLINE: ^ and $ anchor at line ends, as people expect from grep. */
	int rc = regcomp(&pt->re, pt->source, REG_EXTENDED | REG_NEWLINE);
	if (rc != 0) {
		char msg[256];
		regerror(rc, &pt->re, msg, sizeof(msg));
		free(pt->source);
		return fail(p, col + (unsigned)i, "bad regular expression: %s", msg);
	}
	c->npatterns++;
	return 0;
}

static int add_refs(struct parser *p, bool must_fire, const char *arg, size_t len, unsigned col)
{
	struct sf_case *c = p->c;
	size_t i = 0;
	unsigned added = 0;
	while (i < len) {
		while (i < len && is_space(arg[i]))
			i++;
		if (i == len)
			break;
		size_t start = i;
		while (i < len && !is_space(arg[i]))
			i++;
		const char *w = arg + start;
		size_t wl = i - start, skip = 0;
		bool by_line = false;
		if (wl > 5 && !memcmp(w, "line:", 5)) {
			by_line = true;
			skip = 5;
		} else if (wl > 5 && !memcmp(w, "rule:", 5)) {
			skip = 5;
		}
		uint64_t v;
		unsigned wcol = col + (unsigned)start;
		if (parse_u64(w + skip, wl - skip, &v) != 0 || v == 0 || v > UINT_MAX)
			return fail(p, wcol, "bad rule '%.*s' (a rule number N or rule:N, or line:N for the rule on "
				    "that line of the scenario)", QLEN(wl), w);
		c->refs = xrealloc(c->refs, (c->nrefs + 1) * sizeof(*c->refs));
		p->ref_cols = xrealloc(p->ref_cols, (c->nrefs + 1) * sizeof(*p->ref_cols));
		p->ref_lines = xrealloc(p->ref_lines, (c->nrefs + 1) * sizeof(*p->ref_lines));
		if (!c->nrefs) {
			p->first_ref_line = p->line;
			p->first_ref_col = col;
		}
		p->ref_cols[c->nrefs] = wcol;
		p->ref_lines[c->nrefs] = p->line;
		c->refs[c->nrefs++] = (struct sf_rule_ref){.by_line = by_line, .must_fire = must_fire, .n = (unsigned)v};
		added++;
	}
	if (!added)
		return fail(p, col, "'%s' needs at least one rule (N, rule:N or line:N)", must_fire ? "fires" : "never");
	return 0;
}

static int keyword(struct parser *p, enum kw k, const char *arg, size_t len, unsigned col, unsigned kwcol)
{
	if (k == KW_CASE)
		return start_case(p, arg, len, col);
	struct sf_case *c = p->c;
	if (!c && k != KW_TIMEOUT && k != KW_CWD)
		return fail(p, kwcol, "'%s' outside a case (start one with 'case NAME'; only 'timeout' and 'cwd' "
			    "can be set for the whole suite, before the first case)", kw_names[k]);
	if (c && kw_single[k]) {
		enum kw slot = k == KW_SH ? KW_RUN : k;
		if (p->seen[slot] && slot == KW_RUN)
			return fail(p, kwcol, "case '%s' already has a command (line %u); one 'run' or 'sh' per case",
				    c->name, p->seen[slot]);
		if (p->seen[slot])
			return fail(p, kwcol, "duplicate '%s' in case '%s' (first on line %u)", kw_names[k], c->name,
				    p->seen[slot]);
		p->seen[slot] = p->line;
	}
	if (!len && k != KW_STDOUT && k != KW_STDERR)
		return fail(p, col, "'%s' needs a value", kw_names[k]);
	switch (k) {
	case KW_SCENARIO:
		p->scenario_line = p->line;
		p->scenario_col = col;
		if (len == 4 && !memcmp(arg, "none", 4))
			return 0;
		return resolve(p, "scenario", arg, len, col, false, &c->scenario);
	case KW_RUN:
		if (split_words(p, arg, len, col, &c->argv) != 0)
			return -1;
		if (!c->argv)
			return fail(p, col, "'run' needs a program");
		return 0;
	case KW_SH:
		c->argv = xrealloc(NULL, 4 * sizeof(*c->argv));
		c->argv[0] = strdup("/bin/sh");
		c->argv[1] = strdup("-c");
		c->argv[2] = xstrndup(arg, len);
		c->argv[3] = NULL;
		return 0;
	case KW_CWD:
		if (c)
			return resolve(p, "cwd", arg, len, col, true, &c->cwd);
		free(p->cwd);
		p->cwd = NULL;
		return resolve(p, "cwd", arg, len, col, true, &p->cwd);
	case KW_SEED:
		if (parse_u64(arg, len, &c->seed) != 0)
			return fail(p, col, "bad seed '%.*s' (an unsigned 64-bit number, decimal or 0x hex)", QLEN(len),
				    arg);
		c->has_seed = true;
		return 0;
	case KW_TIMEOUT:
		return parse_timeout(p, arg, len, col, c ? &c->timeout_ns : &p->timeout_ns);
	case KW_EXIT: {
		uint64_t v;
		if (len == 3 && !memcmp(arg, "any", 3)) {
			c->exit_code = -1;
			return 0;
		}
		if (parse_u64(arg, len, &v) != 0 || v > 255)
			return fail(p, col, "bad exit status '%.*s' (0 to 255, or 'any')", QLEN(len), arg);
		c->exit_code = (int)v;
		return 0;
	}
	case KW_STDOUT:
	case KW_STDERR:
		return add_pattern(p, k == KW_STDERR, arg, len, col);
	case KW_FIRES:
	case KW_NEVER:
		return add_refs(p, k == KW_FIRES, arg, len, col);
	default:
		return 0;
	}
}

static int parse_line(struct parser *p, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && is_space(s[i]))
		i++;
	while (len > i && (is_space(s[len - 1]) || s[len - 1] == '\r'))
		len--;
	if (i == len || s[i] == '#')
		return 0;
	for (size_t k = 0; k < len; k++)
		if ((unsigned char)s[k] < 0x20 && s[k] != '\t')
			return fail(p, (unsigned)k + 1, "control character 0x%02x", (unsigned char)s[k]);
	size_t kw_start = i;
	while (i < len && !is_space(s[i]))
		i++;
	size_t kw_len = i - kw_start;
	while (i < len && is_space(s[i]))
		i++;
	unsigned kwcol = (unsigned)kw_start + 1, col = (unsigned)i + 1;
	for (int k = 0; k < KW_COUNT; k++)
		if (strlen(kw_names[k]) == kw_len && !memcmp(kw_names[k], s + kw_start, kw_len))
			return keyword(p, (enum kw)k, s + i, len - i, col, kwcol);
	return fail(p, kwcol, "unknown keyword '%.*s' (expected case, scenario, run, sh, cwd, seed, timeout, exit, "
		    "stdout, stderr, fires or never)", QLEN(kw_len), s + kw_start);
}

static char *read_file(const char *path, size_t *len, int *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*e = errno;
		return NULL;
	}
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = xrealloc(buf, cap + 1);
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	*e = ferror(f) ? EIO : 0;
	fclose(f);
	if (*e) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

int sf_suite_load(const char *path, struct sf_suite *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	struct parser p = {.path = path, .err = err, .errlen = errlen, .s = out,
			   .timeout_ns = SF_CASE_DEFAULT_TIMEOUT_NS};
	size_t len;
	int e;
	char *text = read_file(path, &len, &e);
	char real[PATH_MAX];
	if (!text || !realpath(path, real)) {
		snprintf(err, errlen, "%s: %s", path, strerror(text ? errno : e));
		free(text);
		return -1;
	}
	*strrchr(real, '/') = '\0';
	p.dir = strdup(real[0] ? real : "/");
	out->path = strdup(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	out->name = xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
	int rc = 0;
	size_t at = 0;
	while (at < len && rc == 0) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		p.line++;
		const char *nul = memchr(text + at, '\0', end - at);
		if (nul)
			rc = fail(&p, (unsigned)(nul - (text + at)) + 1, "NUL byte (is this a text file?)");
		else
			rc = parse_line(&p, text + at, end - at);
		at = end + 1;
	}
	if (rc == 0)
		rc = finish_case(&p);
	if (rc == 0 && out->ncases == 0) {
		p.line = p.line ? p.line : 1;
		rc = fail(&p, 1, "no cases (a case starts with a 'case NAME' line)");
	}
	free(text);
	free(p.dir);
	free(p.cwd);
	free(p.ref_cols);
	free(p.ref_lines);
	if (rc != 0)
		sf_suite_free(out);
	return rc;
}
