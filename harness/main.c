/* sockfault: run programs under the fault-injection shim. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/version.h"
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
	"  report [--log F] [--pcap F] -o OUT   an HTML page of a run: lanes, bytes, faults\n"
	"  version                              print the version (also --version)\n"
	"\n"
	"`sockfault COMMAND --help` describes a command.\n";

static const char version_usage[] =
	"usage: sockfault version\n"
	"Prints the release and, for a build from a git clone, the revision\n"
	"(-dirty: with uncommitted changes); the shim's summary and event log name\n"
	"the same build.  sockfault --version is the same.\n";

static int version(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(version_usage, stdout);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "sockfault: %s takes no arguments\n%s", argv[0], version_usage);
		return 2;
	}
	puts("sockfault " SF_VERSION_FULL);
	return 0;
}

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
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))
		return version(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return sf_cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return sf_cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "suite"))
		return sf_cmd_suite(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fuzz-to-scenario"))
		return sf_cmd_fuzz_to_scenario(argc - 1, argv + 1);
	if (!strcmp(argv[1], "report"))
		return sf_cmd_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "pcap-to-input"))
		return sf_cmd_pcap_to_input(argc - 1, argv + 1);
	fprintf(stderr, "sockfault: unknown command '%s'\n%s", argv[1], usage);
	return 2;
}
