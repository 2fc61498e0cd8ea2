/* The report page: one self-contained HTML file (no fetch: the style, the
 * script and the data are all inline), so it opens from file:// and from a
 * CI system's artifact viewer.  The data is JSON in a script element of
 * type application/json; every '<' in it is written \u003c so that no text
 * from the log (a host name, a path) can end the element early. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/assets.h" /* generated: sf_report_css, sf_report_js */
#include "cli.h"
#include "report_model.h"

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A log line, already JSON: copied with '<', '>' and '&' escaped (they can
 * only occur inside its strings). */
static void json_raw(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<' || *s == '>' || *s == '&')
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

void sf_html_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

static void data(const struct sf_report *r, FILE *f)
{
	fputs("{\"title\":", f);
	json_string(f, r->title ? r->title : "sockfault report");
	fputs(",\"version\":", f);
	json_string(f, r->version ? r->version : "");
	fputs(",\"scenario\":", f);
	json_string(f, r->scenario_path ? r->scenario_path : "");
	fprintf(f, ",\"seed\":%" PRIu64 ",\"duration\":%.9g,\"binWidth\":%.9g", r->seed, r->duration, r->bin_width);
	fprintf(f, ",\"events\":{\"faults\":%zu,\"marks\":%zu,\"data\":%zu}", r->nfault_events, r->nmark_events,
		r->ndata_calls);
	fputs(",\"lanes\":[", f);
	for (size_t i = 0; i < r->nlanes; i++) {
		const struct sf_report_lane *l = &r->lanes[i];
		fprintf(f, "%s[%d,", i ? "," : "", (int)l->kind);
		json_string(f, l->label);
		fprintf(f, ",%d,%.9g,%.9g,", l->parent, l->start, l->end);
		if (l->local)
			json_string(f, l->local);
		else
			fputs("null", f);
		fputc(',', f);
		if (l->peer)
			json_string(f, l->peer);
		else
			fputs("null", f);
		fprintf(f, ",%d]", l->pid);
	}
	fputs("],\"rules\":[", f);
	for (size_t i = 0; i < r->nrules; i++) {
		const struct sf_report_rule *ru = &r->rules[i];
		fprintf(f, "%s{\"id\":%u,\"line\":%u,\"text\":", i ? "," : "", ru->id, ru->line);
		json_string(f, ru->text ? ru->text : "");
		fputs(",\"action\":", f);
		json_string(f, ru->action ? ru->action : "");
		if (ru->matched_known)
			fprintf(f, ",\"matched\":%" PRIu64, ru->matched);
		else
			fputs(",\"matched\":null", f);
		fprintf(f, ",\"fired\":%" PRIu64 "}", ru->fired);
	}
	/* Columns, not objects: a million-event run stays a few MB. */
	fputs("],\"data\":[", f);
	for (size_t i = 0; i < r->ndata; i++) {
		const struct sf_report_data *d = &r->data[i];
		fprintf(f, "%s[%.9g,%d,%" PRIu64 ",%" PRIu64 ",%u,%" PRIu64 "]", i ? "," : "", d->t, d->lane, d->out,
			d->in, d->calls, d->link_ns);
	}
	const struct {
		const char *name;
		const struct sf_report_point *p;
		size_t n;
	} sets[] = {{"marks", r->marks, r->nmarks}, {"faults", r->faults, r->nfaults}};
	for (size_t s = 0; s < 2; s++) {
		fprintf(f, "],\"%s\":[", sets[s].name);
		for (size_t i = 0; i < sets[s].n; i++) {
			const struct sf_report_point *p = &sets[s].p[i];
			fprintf(f, "%s[%.9g,%d,%d,%u,%d]", i ? "," : "", p->t, p->lane, p->what, p->count, p->detail);
		}
	}
	fputs("],\"details\":[", f);
	for (size_t i = 0; i < r->ndetails; i++) {
		if (i)
			fputc(',', f);
		json_raw(f, r->details[i]);
	}
	fputs("]}", f);
}

int sf_report_write_html(const struct sf_report *r, FILE *f)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>",
	      f);
	sf_html_text(f, r->title ? r->title : "sockfault report");
	fputs("</title>\n<style>\n", f);
	fwrite(sf_report_css, 1, sizeof(sf_report_css), f);
	fputs("</style>\n</head>\n<body>\n<noscript>This report needs JavaScript.</noscript>\n"
	      "<script type=\"application/json\" id=\"sf-data\">",
	      f);
	data(r, f);
	fputs("</script>\n<script>\n", f);
	fwrite(sf_report_js, 1, sizeof(sf_report_js), f);
	fputs("</script>\n</body>\n</html>\n", f);
	return ferror(f) ? -1 : 0;
}
