/* TAP version 13 on stdout (--tap): the plan first, then one ok/not ok
 * line per case in file order, each emitted as soon as it and every case
 * before it have finished (TAP consumers want increasing numbers).  A
 * failure carries a YAML block with the reasons and the replay command. */
#include <stdlib.h>
#include <string.h>

#include "suite.h"

struct sf_tap {
	FILE *out;
	const struct sf_suite *suite;
	const unsigned *selected;
	const struct sf_result *results;
	unsigned total, next;
	bool *ready;
};

struct sf_tap *sf_tap_new(FILE *out, const struct sf_suite *s, const unsigned *selected, unsigned n,
			  const struct sf_result *results)
{
	struct sf_tap *t = calloc(1, sizeof(*t));
	if (!t || !(t->ready = calloc(n + 1, sizeof(*t->ready)))) {
		free(t);
		return NULL;
	}
	*t = (struct sf_tap){.out = out, .suite = s, .selected = selected, .results = results, .total = n,
			     .ready = t->ready};
	fprintf(out, "TAP version 13\n1..%u\n", n);
	fflush(out);
	return t;
}

/* A YAML single-quoted scalar: only ' needs doubling. */
static void yaml_quoted(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
	fputc('\'', out);
}

static void emit(struct sf_tap *t, unsigned k)
{
	const struct sf_case *c = &t->suite->cases[t->selected[k]];
	const struct sf_result *r = &t->results[k];
	if (r->outcome == SF_NOT_RUN) {
		fprintf(t->out, "ok %u - %s # SKIP not run: the suite was interrupted\n", k + 1, c->name);
		return;
	}
	if (r->outcome == SF_PASS) {
		fprintf(t->out, "ok %u - %s\n", k + 1, c->name);
		return;
	}
	fprintf(t->out, "not ok %u - %s\n  ---\n  message: |\n", k + 1, c->name);
	const char *why = r->why ? r->why : "failed";
	for (const char *line = why; *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		fprintf(t->out, "    %.*s\n", (int)n, line);
		line += n + (nl != NULL);
	}
	fprintf(t->out, "  seconds: %.3f\n", r->seconds);
	if (c->scenario) {
		fputs("  scenario: ", t->out);
		yaml_quoted(t->out, c->scenario);
		fprintf(t->out, "\n  seed: %llu\n", (unsigned long long)r->seed);
	}
	if (r->replay) {
		fputs("  replay: ", t->out);
		yaml_quoted(t->out, r->replay);
		fputc('\n', t->out);
	}
	fputs("  ...\n", t->out);
}

void sf_tap_result(struct sf_tap *t, unsigned k)
{
	if (!t)
		return;
	t->ready[k] = true;
	while (t->next < t->total && t->ready[t->next])
		emit(t, t->next++);
	fflush(t->out);
}

void sf_tap_free(struct sf_tap *t)
{
	if (!t)
		return;
	/* Cases that never ran (an interrupted suite) still get their line,
	 * so the plan holds. */
	while (t->next < t->total)
		emit(t, t->next++);
	fflush(t->out);
	free(t->ready);
	free(t);
}
