/* sockfault: run programs under the fault-injection shim. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "suite.h"

static const char usage[] =
	"usage: sockfault COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  run [options] -- PROGRAM [ARGS...]   run PROGRAM under the shim\n"
	"  check SCENARIO...                    validate scenario files\n"
	"  suite SUITE_FILE [options]           run a suite of cases, in parallel, and\n"
	"                                       check their output and faults (for CI)\n"
	"  fuzz-to-scenario INPUT [-o FILE]     the scenario that replays a fuzz input\n"
	"  pcap-to-input CAPTURE -o INPUT       a fuzz input from a capture's TCP streams\n"
	"\n"
	"`sockfault COMMAND --help` describes a command.\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return sf_cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return sf_cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "suite"))
		return sf_cmd_suite(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fuzz-to-scenario"))
		return sf_cmd_fuzz_to_scenario(argc - 1, argv + 1);
	if (!strcmp(argv[1], "pcap-to-input"))
		return sf_cmd_pcap_to_input(argc - 1, argv + 1);
	fprintf(stderr, "sockfault: unknown command '%s'\n%s", argv[1], usage);
	return 2;
}
