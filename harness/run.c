/* sockfault run: exec a program with the shim preloaded and the options
 * turned into SOCKFAULT_* variables.  The program replaces this process, so
 * its exit status is ours. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "faults/scenario.h"

static const char usage[] =
	"usage: sockfault run [options] -- PROGRAM [ARGS...]\n"
	"\n"
	"Runs PROGRAM with libsockfault.so preloaded; the exit status is PROGRAM's.\n"
	"\n"
	"options:\n"
	"  -s, --scenario FILE   inject the faults FILE describes (SOCKFAULT_SCENARIO)\n"
	"      --seed N          seed for random choices (SOCKFAULT_SEED)\n"
	"      --log FILE        one JSON line per injected fault (SOCKFAULT_LOG)\n"
	"      --summary FILE    write the exit summary there, not stderr (SOCKFAULT_SUMMARY)\n"
	"      --pcap FILE       capture the traffic to a pcap file (SOCKFAULT_PCAP)\n"
	"      --pcap-mtu N      MTU the captured TCP segments are split at, default 1500\n"
	"                        (SOCKFAULT_PCAP_MTU)\n"
	"      --net kernel|virtual  which network sockets use (SOCKFAULT_NET)\n"
	"      --fuzz INPUT      fuzz-peer mode: the shim plays the other side from fuzz\n"
	"                        input INPUT ('-': stdin) on the virtual network (SOCKFAULT_FUZZ)\n"
	"  -h, --help            this text\n";

static int setvar(const char *name, const char *value)
{
	if (setenv(name, value, 1) == 0)
		return 0;
	fprintf(stderr, "sockfault run: setenv %s: %s\n", name, strerror(errno));
	return -1;
}

int sf_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"scenario", required_argument, NULL, 's'}, {"seed", required_argument, NULL, 'S'},
		{"log", required_argument, NULL, 'l'},      {"summary", required_argument, NULL, 'm'},
		{"pcap", required_argument, NULL, 'p'},     {"net", required_argument, NULL, 'n'},
		{"pcap-mtu", required_argument, NULL, 'M'}, {"fuzz", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	static const struct {
		int opt;
		const char *var;
	} vars[] = {{'s', "SOCKFAULT_SCENARIO"}, {'S', "SOCKFAULT_SEED"}, {'l', "SOCKFAULT_LOG"},
		    {'m', "SOCKFAULT_SUMMARY"},  {'p', "SOCKFAULT_PCAP"}, {'n', "SOCKFAULT_NET"},
		    {'M', "SOCKFAULT_PCAP_MTU"}, {'f', "SOCKFAULT_FUZZ"}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		size_t i = 0;
		while (i < sizeof(vars) / sizeof(vars[0]) && vars[i].opt != c)
			i++;
		if (i == sizeof(vars) / sizeof(vars[0])) {
			fputs(usage, stderr);
			return 2;
		}
		/* The program may chdir before a child of it loads the shim:
		 * files are handed over by absolute path. */
		char abs[PATH_MAX];
		const char *val = optarg;
		if ((c == 's' || c == 'l' || c == 'm' || c == 'p' || (c == 'f' && strcmp(optarg, "-"))) &&
		    optarg[0] && optarg[0] != '/') {
			char cwd[PATH_MAX];
			if (!getcwd(cwd, sizeof(cwd)) ||
			    snprintf(abs, sizeof(abs), "%s/%s", cwd, optarg) >= (int)sizeof(abs)) {
				fprintf(stderr, "sockfault run: %s: path too long\n", optarg);
				return 2;
			}
			val = abs;
		}
		if (setvar(vars[i].var, val) != 0)
			return 2;
		if (c == 's') {
			/* Validate here too, so the error comes before anything runs
			 * even for a program the shim cannot enter (a static binary). */
			struct sf_scenario sc;
			char err[1024];
			if (sf_scenario_load(optarg, &sc, err, sizeof(err)) != 0) {
				fprintf(stderr, "%s\n", err);
				return 2;
			}
			sf_scenario_free(&sc);
		}
	}
	if (optind >= argc) {
		fputs("sockfault run: no program given\n", stderr);
		fputs(usage, stderr);
		return 2;
	}
	const char *shim = sf_shim_path();
	if (!shim) {
		fputs("sockfault run: cannot find libsockfault.so beside this executable\n", stderr);
		return 2;
	}
	/* Ours first, then whatever the user already preloads. */
	const char *prev = getenv("LD_PRELOAD");
	char *preload;
	if (asprintf(&preload, "%s%s%s", shim, prev && *prev ? " " : "", prev ? prev : "") < 0 ||
	    setvar("LD_PRELOAD", preload) != 0)
		return 2;
	free(preload);
	/* The summary's home process: the program keeps our pid across exec. */
	char pid[32];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (setvar("SOCKFAULT_RUN_PID", pid) != 0)
		return 2;
	execvp(argv[optind], argv + optind);
	int e = errno;
	fprintf(stderr, "sockfault run: %s: %s\n", argv[optind], strerror(e));
	return e == ENOENT ? 127 : 126;
}
