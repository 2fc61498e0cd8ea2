/* sockfault check: validate scenario files without running anything. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "faults/scenario.h"

int sf_cmd_check(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs("usage: sockfault check SCENARIO...\n"
		      "Parses each scenario file; prints FILE:LINE:COL: message for the first\n"
		      "error in each and exits 2 if any file is bad, 0 otherwise.\n",
		      argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		struct sf_scenario sc;
		char err[1024];
		if (sf_scenario_load(argv[i], &sc, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			bad = 1;
			continue;
		}
		printf("%s: ok, %u rule%s, %u host%s", argv[i], sc.nrules, sc.nrules == 1 ? "" : "s",
		       sc.nhosts, sc.nhosts == 1 ? "" : "s");
		if (sc.npeer)
			printf(", %u peer step%s", sc.npeer, sc.npeer == 1 ? "" : "s");
		if (sc.nlinks)
			printf(", %u link%s", sc.nlinks, sc.nlinks == 1 ? "" : "s");
		putchar('\n');
		sf_scenario_free(&sc);
	}
	return bad ? 2 : 0;
}
