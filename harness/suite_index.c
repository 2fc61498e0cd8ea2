/* The index page of a suite's artifacts (--artifacts DIR): DIR/index.html,
 * one row per case with its outcome, time, seed, replay line and links to
 * its report and files.  Self-contained like the reports it links. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "suite.h"

/* A case's folder as a relative URL: its name, percent-encoded. */
static void url_part(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

static void link(FILE *f, const struct sf_case *c, const char *path, const char *file, const char *text)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return;
	fputs(" <a href=\"", f);
	url_part(f, c->name);
	fprintf(f, "/%s\">%s</a>", file, text);
}

int sf_suite_write_index(const char *root, const struct sf_suite *s, const unsigned *selected, unsigned nsel,
			 const struct sf_result *results, double seconds)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/index.html", root);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	unsigned passed = 0, failed = 0;
	for (unsigned k = 0; k < nsel; k++) {
		passed += results[k].outcome == SF_PASS;
		failed += results[k].outcome == SF_FAIL;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>sockfault suite ", f);
	sf_html_text(f, s->path);
	fputs("</title>\n<style>\n"
	      "body{font:13px/1.4 system-ui,\"DejaVu Sans\",sans-serif;margin:16px;color:#222}"
	      "table{border-collapse:collapse}th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #eee;"
	      "vertical-align:top}tr.fail td.outcome{color:#c92a2a;font-weight:600}tr.pass td.outcome{color:#2b8a3e}"
	      "tr.not-run td.outcome{color:#868e96}code{background:#f1f3f5;padding:1px 4px;word-break:break-all}"
	      "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	      "</style>\n</head>\n<body>\n<h1>sockfault suite ",
	      f);
	sf_html_text(f, s->path);
	fprintf(f, "</h1>\n<p id=\"counts\">%u case%s: %u passed, %u failed, %u not run, in %.1f s</p>\n", nsel,
		nsel == 1 ? "" : "s", passed, failed, nsel - passed - failed, seconds);
	fputs("<table id=\"cases\">\n<thead><tr><th>case</th><th>outcome</th><th>seconds</th><th>seed</th>"
	      "<th>files</th><th>replay</th></tr></thead>\n<tbody>\n",
	      f);
	for (unsigned k = 0; k < nsel; k++) {
		const struct sf_case *c = &s->cases[selected[k]];
		const struct sf_result *r = &results[k];
		const char *o = r->outcome == SF_PASS ? "pass" : r->outcome == SF_FAIL ? "fail" : "not-run";
		fprintf(f, "<tr class=\"case %s\" data-case=\"", o);
		sf_html_text(f, c->name);
		fputs("\"><td class=\"name\">", f);
		sf_html_text(f, c->name);
		fprintf(f, "</td><td class=\"outcome\">%s</td><td class=\"num\">%.2f</td><td class=\"num\">", o,
			r->seconds);
		if (c->scenario)
			fprintf(f, "%" PRIu64, r->seed);
		fputs("</td><td class=\"files\">", f);
		link(f, c, r->files.report, "report.html", "report");
		link(f, c, r->files.log, "events.jsonl", "log");
		link(f, c, r->files.pcap, "capture.pcap", "pcap");
		link(f, c, r->files.out, "stdout", "stdout");
		link(f, c, r->files.err, "stderr", "stderr");
		fputs("</td><td><code>", f);
		sf_html_text(f, r->replay);
		fputs("</code>", f);
		if (r->outcome == SF_FAIL && r->why) {
			fputs("<br><span class=\"why\">", f);
			sf_html_text(f, r->why);
			fputs("</span>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n</body>\n</html>\n", f);
	int bad = ferror(f);
	return (fclose(f) != 0 || bad) ? -1 : 0;
}
