/* sockfault fuzz-to-scenario: a fuzz input (fuzz/README.md) as the scenario
 * file that replays the same run under `sockfault run`.  The text is the
 * one fuzz-peer mode itself runs from (sf_fuzz_input_render), so the two
 * cannot drift apart. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz/fuzz_input.h"
#include "faults/scenario.h"

static const char usage[] =
	"usage: sockfault fuzz-to-scenario INPUT [-o FILE]\n"
	"\n"
	"Writes the scenario equivalent to fuzz input INPUT ('-': stdin) to FILE\n"
	"(default stdout): `sockfault run -s FILE -- PROGRAM` replays the run the\n"
	"input made in fuzz-peer mode (SOCKFAULT_FUZZ=INPUT).  Every byte string is\n"
	"an input; the format is described in fuzz/README.md.\n";

/* Scenario files are read up to 16 MiB; a rendered input must fit. */
#define MAX_SCENARIO ((size_t)16 << 20)

int sf_cmd_fuzz_to_scenario(int argc, char **argv)
{
	const char *input = NULL, *output = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (++i == argc) {
				fprintf(stderr, "sockfault fuzz-to-scenario: %s needs a file\n", argv[i - 1]);
				return 2;
			}
			output = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "sockfault fuzz-to-scenario: unknown option '%s'\n%s", argv[i], usage);
			return 2;
		} else if (!input) {
			input = argv[i];
		} else {
			fprintf(stderr, "sockfault fuzz-to-scenario: unexpected '%s' (one INPUT)\n", argv[i]);
			return 2;
		}
	}
	if (!input) {
		fputs(usage, stderr);
		return 2;
	}
	unsigned char *data;
	size_t len;
	int rc = sf_read_all(input, &data, &len);
	if (rc) {
		fprintf(stderr, "%s: %s\n", input, strerror(-rc));
		return 2;
	}
	struct sf_fuzz_input in;
	if (sf_fuzz_input_parse(data, len, &in) != 0) {
		fprintf(stderr, "sockfault fuzz-to-scenario: out of memory\n");
		free(data);
		return 1;
	}
	size_t tlen;
	char *text = sf_fuzz_input_render(&in, &tlen);
	sf_fuzz_input_free(&in);
	free(data);
	if (!text) {
		fprintf(stderr, "sockfault fuzz-to-scenario: out of memory\n");
		return 1;
	}
	if (tlen > MAX_SCENARIO) {
		fprintf(stderr, "%s: the scenario would be larger than 16 MiB (inputs up to about 7 MiB convert)\n",
			input);
		free(text);
		return 2;
	}
	FILE *out = output ? fopen(output, "w") : stdout;
	if (!out) {
		fprintf(stderr, "%s: %s\n", output, strerror(errno));
		free(text);
		return 2;
	}
	int bad = fwrite(text, 1, tlen, out) != tlen;
	bad |= output ? fclose(out) != 0 : fflush(out) != 0;
	free(text);
	if (bad) {
		fprintf(stderr, "%s: %s\n", output ? output : "stdout", strerror(errno));
		return 1;
	}
	return 0;
}
