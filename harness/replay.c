/* The command line that reruns one case by hand, exactly as the suite ran
 * it (same directory, scenario, seed and argv), quoted for sh so that it
 * can be pasted from a CI log into a terminal. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

static void append(char **buf, size_t *len, const char *s, size_t n)
{
	char *b = realloc(*buf, *len + n + 1);
	if (!b) {
		fputs("sockfault suite: out of memory\n", stderr);
		exit(2);
	}
	memcpy(b + *len, s, n);
	*len += n;
	b[*len] = '\0';
	*buf = b;
}

void sf_shell_quote(char **buf, size_t *len, const char *s)
{
	/* Words made only of these need no quotes, which keeps the line readable. */
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				    "_@%+=:,./-";
	if (*s && strspn(s, plain) == strlen(s)) {
		append(buf, len, s, strlen(s));
		return;
	}
	append(buf, len, "'", 1);
	for (const char *q; (q = strchr(s, '\'')); s = q + 1) {
		append(buf, len, s, (size_t)(q - s));
		append(buf, len, "'\\''", 4);
	}
	append(buf, len, s, strlen(s));
	append(buf, len, "'", 1);
}

char *sf_replay_line(const char *self, const struct sf_case *c, uint64_t seed)
{
	char *b = NULL;
	size_t n = 0;
	append(&b, &n, "cd ", 3);
	sf_shell_quote(&b, &n, c->cwd);
	append(&b, &n, " && ", 4);
	sf_shell_quote(&b, &n, self);
	append(&b, &n, " run", 4);
	if (c->scenario) {
		char num[32];
		append(&b, &n, " -s ", 4);
		sf_shell_quote(&b, &n, c->scenario);
		snprintf(num, sizeof(num), " --seed %" PRIu64, seed);
		append(&b, &n, num, strlen(num));
	}
	append(&b, &n, " --", 3);
	for (char **a = c->argv; *a; a++) {
		append(&b, &n, " ", 1);
		sf_shell_quote(&b, &n, *a);
	}
	return b;
}
