/* What a person sees while a suite runs: one line per finished case and,
 * on a terminal, a status line below them, redrawn in place, naming the
 * cases still running.  Without a terminal (CI logs) only the plain lines. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

struct sf_progress {
	FILE *out;
	bool tty, color;
	unsigned total, done, failed;
	const char **running; /* names of the running cases, in start order */
	unsigned nrunning;
	struct timespec start;
	bool status_shown;
};

struct sf_progress *sf_progress_new(FILE *out, unsigned total, bool live)
{
	struct sf_progress *p = calloc(1, sizeof(*p));
	if (!p || !(p->running = calloc(total + 1, sizeof(*p->running)))) {
		free(p);
		return NULL;
	}
	p->out = out;
	p->tty = live && isatty(fileno(out));
	p->color = isatty(fileno(out)) && !getenv("NO_COLOR");
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	return p;
}

static void erase(struct sf_progress *p)
{
	if (p->status_shown)
		fputs("\r\033[K", p->out);
	p->status_shown = false;
}

void sf_progress_tick(struct sf_progress *p)
{
	if (!p || !p->tty)
		return;
	struct winsize ws;
	size_t width = ioctl(fileno(p->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 80;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double t = (double)(now.tv_sec - p->start.tv_sec) + (double)(now.tv_nsec - p->start.tv_nsec) / 1e9;
	char line[1024];
	int n = snprintf(line, sizeof(line), "[%u/%u] %.1f s", p->done, p->total, t);
	if (p->failed && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, ", %u failed", p->failed);
	for (unsigned i = 0; i < p->nrunning && n > 0 && (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s", i ? ", " : ", running: ", p->running[i]);
	/* A line that wraps can no longer be redrawn with \r: cut it. */
	size_t len = n < 0 ? 0 : (size_t)n >= sizeof(line) ? sizeof(line) - 1 : (size_t)n;
	if (len > width - 1) {
		len = width - 1;
		if (len >= 3)
			memcpy(line + len - 3, "...", 3);
	}
	fputs("\r\033[K", p->out);
	fwrite(line, 1, len, p->out);
	fflush(p->out);
	p->status_shown = true;
}

void sf_progress_started(struct sf_progress *p, const char *name)
{
	if (!p)
		return;
	p->running[p->nrunning++] = name;
	sf_progress_tick(p);
}

void sf_progress_finished(struct sf_progress *p, const char *name, const struct sf_result *r)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->nrunning; i++)
		if (p->running[i] == name) {
			memmove(&p->running[i], &p->running[i + 1], (p->nrunning - i - 1) * sizeof(*p->running));
			p->nrunning--;
			break;
		}
	p->done++;
	bool ok = r->outcome == SF_PASS;
	p->failed += !ok;
	erase(p);
	const char *verdict = ok ? "PASS" : "FAIL";
	if (p->color)
		verdict = ok ? "\033[32mPASS\033[0m" : "\033[1;31mFAIL\033[0m";
	int width = snprintf(NULL, 0, "%u", p->total);
	fprintf(p->out, "[%*u/%u] %s %s (%.2f s)", width, p->done, p->total, verdict, name, r->seconds);
	if (!ok && r->why) {
		/* The first reason here; all of them in the summary at the end. */
		const char *nl = strchr(r->why, '\n');
		fprintf(p->out, ": %.*s%s", nl ? (int)(nl - r->why) : (int)strlen(r->why), r->why, nl ? " ..." : "");
	}
	fputc('\n', p->out);
	fflush(p->out);
	sf_progress_tick(p);
}

void sf_progress_free(struct sf_progress *p)
{
	if (!p)
		return;
	erase(p);
	fflush(p->out);
	free(p->running);
	free(p);
}
