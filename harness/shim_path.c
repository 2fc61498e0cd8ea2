/* Finding the shim without any environment variable: it is installed next to
 * the executable (bin/../lib/) or built next to it (harness/../shim/). */
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char *sf_shim_path(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	static const char *const rel[] = {
		"/../" SF_INSTALL_LIBDIR "/libsockfault.so", /* installed */
		"/../shim/libsockfault.so",                 /* build tree */
	};
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char candidate[PATH_MAX];
		if (snprintf(candidate, sizeof(candidate), "%s%s", exe, rel[i]) >= (int)sizeof(candidate))
			continue;
		if (access(candidate, R_OK) == 0 && realpath(candidate, path))
			return path;
	}
	return NULL;
}
