/* A program that sets its process title the way redis-server, nginx and
 * PostgreSQL do (setproctitle emulation): it copies its environment to new
 * memory, points `environ` at the copy, then overwrites the block that
 * held argv and the original environment strings with its title and NULs.
 * Anything that kept a pointer into that block now reads an empty string.
 * Then it makes socket calls a scenario can fault, from itself or from a
 * forked child.
 *
 *   sf_setproctitle connect PORT       connect to 127.0.0.1:PORT, print the result
 *   sf_setproctitle fork-connect PORT  the same from a forked child, after the rewrite
 *   sf_setproctitle fork-send          a forked child connects to our listener and
 *                                      sends "hello"; we read it
 *
 * It prints "environment rewritten" once the old strings are gone (and
 * checks they are: getenv of a variable reads the copy, the old pointer
 * reads ""). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* What redis's spt_init + setproctitle do (src/setproctitle.c), in short:
 * the area is argv[0] up to the end of the last environment string that is
 * contiguous with it. */
static void set_title(int argc, char **argv, const char *title)
{
	char *base = argv[0], *end = argv[0] + strlen(argv[0]) + 1;
	for (int i = 1; i < argc; i++)
		if (argv[i] == end)
			end = argv[i] + strlen(argv[i]) + 1;
	size_t n = 0;
	while (environ[n])
		n++;
	char **copy = calloc(n + 1, sizeof(*copy));
	if (!copy)
		exit(1);
	for (size_t i = 0; i < n; i++) {
		if (environ[i] == end)
			end = environ[i] + strlen(environ[i]) + 1;
		if (!(copy[i] = strdup(environ[i])))
			exit(1);
	}
	const char *old = getenv("SOCKFAULT_LOG");
	environ = copy;
	/* argv is copied too, so the program can still read it */
	for (int i = 0; i < argc; i++)
		if (!(argv[i] = strdup(argv[i])))
			exit(1);
	memset(base, 0, (size_t)(end - base));
	snprintf(base, (size_t)(end - base), "%s", title);
	if (old && *old) {
		fprintf(stderr, "sf_setproctitle: the old SOCKFAULT_LOG string survived the rewrite\n");
		exit(1);
	}
	printf("environment rewritten\n");
	fflush(stdout);
}

static int do_connect(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 1;
	int rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	printf("connect: %s\n", rc == 0 ? "ok" : errno == ECONNREFUSED ? "ECONNREFUSED" : strerror(errno));
	fflush(stdout);
	close(fd);
	return 0;
}

static int wait_child(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s connect PORT | fork-connect PORT | fork-send\n", argv[0]);
		return 2;
	}
	set_title(argc, argv, "sf_setproctitle: serving");
	if (strcmp(argv[1], "connect") == 0 && argc == 3)
		return do_connect(atoi(argv[2]));
	if (strcmp(argv[1], "fork-connect") == 0 && argc == 3) {
		int port = atoi(argv[2]);
		pid_t pid = fork();
		if (pid == 0)
			_exit(do_connect(port));
		return wait_child(pid);
	}
	if (strcmp(argv[1], "fork-send") == 0) {
		struct sockaddr_in a = {.sin_family = AF_INET};
		socklen_t len = sizeof(a);
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		int l = socket(AF_INET, SOCK_STREAM, 0);
		if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 1) != 0 ||
		    getsockname(l, (struct sockaddr *)&a, &len) != 0)
			return 1;
		pid_t pid = fork();
		if (pid == 0) {
			int c = socket(AF_INET, SOCK_STREAM, 0);
			if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) != 0 ||
			    send(c, "hello", 5, 0) != 5)
				_exit(1);
			close(c);
			_exit(0);
		}
		char buf[16];
		int s = accept(l, NULL, NULL);
		ssize_t n = 0, r;
		while (s >= 0 && (r = recv(s, buf + n, sizeof(buf) - (size_t)n, 0)) > 0)
			n += r;
		printf("received %.*s\n", (int)n, buf);
		return wait_child(pid);
	}
	fprintf(stderr, "sf_setproctitle: unknown mode %s\n", argv[1]);
	return 2;
}
