/* The sockfault command's subcommands. */
#ifndef SF_CLI_H
#define SF_CLI_H

int sf_cmd_run(int argc, char **argv);
int sf_cmd_check(int argc, char **argv);

/* Path of the preload library that belongs to this executable: installed
 * beside it (bin/../LIBDIR/libsockfault.so) or in the build tree (../shim/). */
const char *sf_shim_path(void);

#endif
