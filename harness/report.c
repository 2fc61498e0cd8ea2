/* sockfault report: the page for a run (report_model.c builds what it
 * shows, report_html.c writes it). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_model.h"

static const char usage[] =
	"usage: sockfault report [--log FILE] [--pcap FILE]... [--scenario FILE] [--title TEXT] -o OUT.html\n"
	"\n"
	"Writes one self-contained HTML page of a run: a lane per process, thread,\n"
	"connection and UDP flow on one time axis, the bytes over time, every fault\n"
	"with its rule, and the rules' counts.  The full picture needs the log of\n"
	"`sockfault run --log-events all` (which --report implies); a fault-only log\n"
	"shows the faults and the connections they hit.\n"
	"\n"
	"options:\n"
	"      --log FILE       the run's event log (sockfault run --log)\n"
	"      --pcap FILE      a capture of the run (repeatable; each process's FILE.<pid> too)\n"
	"      --scenario FILE  the scenario, if not the one the log names\n"
	"      --title TEXT     the page's title\n"
	"  -o, --output FILE    where to write the page\n"
	"  -h, --help           this text\n";

int sf_report_build(const char *log, char *const *pcaps, size_t npcaps, const char *scenario, const char *title,
		    const char *out)
{
	struct sf_report r;
	sf_report_init(&r);
	int rc = 1;
	if (!r.index) {
		fputs("sockfault report: out of memory\n", stderr);
		goto out;
	}
	if (log && sf_report_read_log(&r, log) != 0)
		goto out;
	for (size_t i = 0; i < npcaps; i++)
		if (sf_report_read_pcap(&r, pcaps[i]) != 0)
			goto out;
	r.title = strdup(title ? title : "sockfault report");
	sf_report_finish(&r, scenario);
	const char *why;
	if (sf_report_validate(&r, &why) != 0) {
		fprintf(stderr, "sockfault report: internal error: %s\n", why);
		goto out;
	}
	FILE *f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "sockfault report: %s: %s\n", out, strerror(errno));
		goto out;
	}
	int w = sf_report_write_html(&r, f);
	if (fclose(f) != 0 || w != 0) {
		fprintf(stderr, "sockfault report: %s: write failed\n", out);
		goto out;
	}
	rc = 0;
out:
	sf_report_free(&r);
	return rc;
}

int sf_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"log", required_argument, NULL, 'l'},   {"pcap", required_argument, NULL, 'p'},
		{"scenario", required_argument, NULL, 's'}, {"title", required_argument, NULL, 't'},
		{"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *log = NULL, *scenario = NULL, *title = NULL, *out = NULL;
	char **pcaps = calloc((size_t)argc + 1, sizeof(*pcaps));
	size_t npcaps = 0;
	int c, rc = 2;
	if (!pcaps)
		return 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': log = optarg; break;
		case 'p': pcaps[npcaps++] = optarg; break;
		case 's': scenario = optarg; break;
		case 't': title = optarg; break;
		case 'o': out = optarg; break;
		case 'h':
			fputs(usage, stdout);
			rc = 0;
			goto done;
		default:
			fputs(usage, stderr);
			goto done;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sockfault report: unexpected argument '%s'\n", argv[optind]);
		goto done;
	}
	if (!out) {
		fputs("sockfault report: -o OUT.html is required\n", stderr);
		goto done;
	}
	if (!log && !npcaps) {
		fputs("sockfault report: nothing to draw: give --log and/or --pcap\n", stderr);
		goto done;
	}
	rc = sf_report_build(log, pcaps, npcaps, scenario, title, out);
done:
	free(pcaps);
	return rc;
}
