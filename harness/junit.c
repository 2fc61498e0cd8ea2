/* JUnit XML (--junit FILE), the report CI systems render: one testsuite,
 * one testcase per selected case with its time, a <failure> with the
 * reasons and the replay command, and the case's output.  Output is the
 * program's, so anything goes in it: text is escaped, bytes XML cannot hold
 * (controls, invalid UTF-8) become U+FFFD, and only the tail of a long
 * output is kept (the whole of it is in the artifacts). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "suite.h"

#define OUTPUT_MAX (256u << 10)

static const char replacement[] = "\xEF\xBF\xBD";

/* Length of the valid UTF-8 sequence at s that XML 1.0 allows, or 0. */
static size_t utf8_ok(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		if (c == 0xED)
			hi = 0x9F; /* UTF-16 surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else
		return 0;
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if (n == 3 && c == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
		return 0; /* U+FFFE, U+FFFF: not XML characters */
	return n;
}

/* Escaped for element content, or for a "..."-quoted attribute (where
 * newlines and tabs must be references to survive normalization). */
static void escape(FILE *out, const char *text, size_t len, bool attr)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c >= 0x80) {
			size_t n = utf8_ok(s + i, len - i);
			if (n)
				fwrite(s + i, 1, n, out);
			else
				fputs(replacement, out);
			i += n ? n : 1;
			continue;
		}
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs(attr ? "&quot;" : "\"", out); break;
		case '\n': fputs(attr ? "&#10;" : "\n", out); break;
		case '\t': fputs(attr ? "&#9;" : "\t", out); break;
		case '\r': fputs("&#13;", out); break;
		default:
			if (c < 0x20)
				fputs(replacement, out);
			else
				fputc(c, out);
		}
		i++;
	}
}

static void escape_str(FILE *out, const char *s, bool attr) { escape(out, s, strlen(s), attr); }

static void output(FILE *out, const char *tag, const char *path)
{
	size_t len, size;
	char *text = sf_read_part(path, OUTPUT_MAX, true, &len, &size);
	if (!text || !size) {
		free(text);
		return;
	}
	fprintf(out, "      <%s>", tag);
	if (size > len) {
		fprintf(out, "[... the first %zu bytes are left out; the whole output is in ", size - len);
		escape_str(out, path, false);
		fputs("]\n", out);
	}
	escape(out, text, len, false);
	fprintf(out, "</%s>\n", tag);
	free(text);
}

int sf_junit_write(const char *path, const struct sf_suite *s, const unsigned *selected, unsigned n,
		   const struct sf_result *results, double seconds, const char *shard)
{
	FILE *out = fopen(path, "w");
	if (!out)
		return -1;
	unsigned failures = 0, skipped = 0;
	for (unsigned k = 0; k < n; k++) {
		failures += results[k].outcome == SF_FAIL;
		skipped += results[k].outcome == SF_NOT_RUN;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime_r(&now, &tm));

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", out);
	escape_str(out, s->name, true);
	fprintf(out, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%.3f\">\n", n, failures,
		skipped, seconds);
	fputs("  <testsuite name=\"", out);
	escape_str(out, s->name, true);
	if (shard) {
		fputs(" shard ", out);
		escape_str(out, shard, true);
	}
	fprintf(out, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%.3f\" timestamp=\"%s\">\n",
		n, failures, skipped, seconds, stamp);
	fputs("    <properties>\n      <property name=\"suite\" value=\"", out);
	escape_str(out, s->path, true);
	fputs("\"/>\n", out);
	if (shard) {
		fputs("      <property name=\"shard\" value=\"", out);
		escape_str(out, shard, true);
		fputs("\"/>\n", out);
	}
	fputs("    </properties>\n", out);

	for (unsigned k = 0; k < n; k++) {
		const struct sf_case *c = &s->cases[selected[k]];
		const struct sf_result *r = &results[k];
		fputs("    <testcase name=\"", out);
		escape_str(out, c->name, true);
		fputs("\" classname=\"", out);
		escape_str(out, s->name, true);
		fprintf(out, "\" time=\"%.3f\"", r->seconds);
		if (r->outcome == SF_NOT_RUN) {
			fputs(">\n      <skipped message=\"not run: the suite was interrupted\"/>\n    </testcase>\n", out);
			continue;
		}
		fputs(">\n", out);
		if (r->outcome == SF_FAIL) {
			const char *why = r->why ? r->why : "failed";
			const char *nl = strchr(why, '\n');
			fputs("      <failure message=\"", out);
			escape(out, why, nl ? (size_t)(nl - why) : strlen(why), true);
			fprintf(out, "\" type=\"%s\">", r->timed_out ? "timeout" : "failure");
			escape_str(out, why, false);
			if (c->scenario) {
				fputs("\nscenario: ", out);
				escape_str(out, c->scenario, false);
				fprintf(out, "\nseed: %llu", (unsigned long long)r->seed);
			}
			if (r->replay) {
				fputs("\nreplay: ", out);
				escape_str(out, r->replay, false);
			}
			fputs("</failure>\n", out);
		}
		if (r->started) {
			output(out, "system-out", r->files.out);
			output(out, "system-err", r->files.err);
		}
		fputs("    </testcase>\n", out);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	int bad = ferror(out);
	if (fclose(out) != 0 || bad) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
