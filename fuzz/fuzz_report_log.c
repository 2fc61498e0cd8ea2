/* libFuzzer target for `sockfault report`'s log reader: any bytes, read as
 * an event log one line at a time, must give a model whose invariants hold
 * (sf_report_validate) and a page that writes without error, with nothing
 * leaked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_model.h"

/* The page goes to /dev/null, opened once: its bytes are not checked here
 * (tests/report does, in a browser), only that writing them is safe. */
static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	struct sf_report r;
	sf_report_init(&r);
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl + 1 : end;
		sf_report_add_line(&r, p, (size_t)(e - p));
		p = e;
	}
	/* A scenario path that never exists: a log names its scenario, and the
	 * fuzzer must not open whatever file a mutated log names (/dev/stdin,
	 * a fifo); the rules then come from the log alone, as for a scenario
	 * that is gone. */
	sf_report_finish(&r, "/nonexistent/fuzz_report_log.sf");
	const char *why = NULL;
	if (sf_report_validate(&r, &why) != 0) {
		fprintf(stderr, "fuzz_report_log: invariant failed: %s\n", why);
		abort();
	}
	if (sf_report_write_html(&r, sink) != 0) {
		fprintf(stderr, "fuzz_report_log: writing the page failed\n");
		abort();
	}
	sf_report_free(&r);
	return 0;
}
