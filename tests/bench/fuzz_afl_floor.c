/* The AFL++ fork-server ceiling for bench_fuzz.sh: a program that reads its
 * input from stdin and exits, no shim, no sockets.  Built with
 * afl-clang-fast like the sample server, its execs/s is what one fork per
 * input costs on this machine, the bound of any forkserver-mode campaign
 * on an unmodified program (persistent mode needs the program changed). */
#include <unistd.h>

int main(void)
{
	char buf[4096];
	while (read(0, buf, sizeof(buf)) > 0)
		continue;
	return 0;
}
