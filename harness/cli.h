/* The sockfault command's subcommands. */
#ifndef SF_CLI_H
#define SF_CLI_H

#include <stddef.h>
#include <stdio.h>

int sf_cmd_run(int argc, char **argv);
int sf_cmd_check(int argc, char **argv);
int sf_cmd_fuzz_to_scenario(int argc, char **argv);
int sf_cmd_pcap_to_input(int argc, char **argv);
int sf_cmd_report(int argc, char **argv);

/* Writes the report page OUT from a log and pcaps (report.c); 0, or 1 with
 * a message on stderr. */
int sf_report_build(const char *log, char *const *pcaps, size_t npcaps, const char *scenario, const char *title,
		    const char *out);

/* s as HTML text (<, > and & escaped). */
void sf_html_text(FILE *f, const char *s);

/* Reads a whole file ('-': stdin) into a malloc'd buffer; 0 or -errno. */
int sf_read_all(const char *path, unsigned char **data, size_t *len);

/* Path of the preload library that belongs to this executable: installed
 * beside it (bin/../LIBDIR/libsockfault.so) or in the build tree (../shim/). */
const char *sf_shim_path(void);

#endif
