/* fork() while other threads are in the middle of socket calls (holding the
 * shim's locks, allocating sockets, duplicating and releasing them): the
 * child neither deadlocks nor inherits a broken table -- every fd its table
 * names is a socket open in the child, and it validates, creates, dups and
 * closes sockets of its own -- and the parent goes on. */
#include "sfit.h"

#include <pthread.h>
#include <sys/mman.h>
#include <stdatomic.h>

enum { THREADS = 4, FORKS = 100 };

static atomic_int stop;

/* Each round holds a socket and a different number of duplicates of it for
 * a moment, so that the fds open at any instant keep changing. */
static void *churn(void *arg)
{
	uint32_t x = (uint32_t)(uintptr_t)arg * 2654435761u + 1;
	char b[4];
	while (!atomic_load(&stop)) {
		int held[16], n = 0;
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		if (s >= 0) {
			held[n++] = s;
			for (unsigned k = x % 14; k > 0; k--) {
				int d = k & 1 ? dup(s) : fcntl(s, F_DUPFD_CLOEXEC, 0);
				if (d >= 0)
					held[n++] = d;
			}
		}
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
			if (send(sv[0], "x", 1, 0) == 1)
				(void)!recv(sv[1], b, 1, 0);
			close(sv[0]);
			close(sv[1]);
		}
		while (n > 0)
			close(held[--n]);
	}
	return NULL;
}

/* fork copies the descriptor table first and the memory after, page table
 * by page table, while the other threads run on: a big mapping below the
 * heap (where the shim's fd table lives) widens that gap from microseconds
 * to milliseconds, so that sockets created and closed meanwhile show up
 * often, as they can at any fork of a busy program. */
static void widen_the_fork_window(void)
{
	size_t len = 128u << 20;
	for (uintptr_t at = 0x10000000; at < 0x100000000u; at += 0x10000000) {
		void *p = mmap((void *)at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED)
			continue;
		if (p != (void *)at) {
			munmap(p, len);
			continue;
		}
		for (size_t off = 0; off < len; off += 4096) /* populated: page tables to copy */
			((volatile char *)p)[off] = 1;
		return;
	}
	printf("# could not map memory below the heap; the fork window stays narrow\n");
}

static void case_children_forked_mid_churn_work(void)
{
	widen_the_fork_window();
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, churn, (void *)(uintptr_t)(i + 1)), 0);
	int mine[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, mine));
	for (int i = 0; i < FORKS; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			alarm(20); /* a deadlock shows as SIGALRM */
			/* the sockets this thread owns were inherited intact */
			CHECK_MANAGED(mine[0]);
			CHECK_MANAGED(mine[1]);
			CHECK_VALID();
			/* Every fd the table names is a socket open in the child.
			 * (The converse need not hold: a socket another thread was
			 * creating at the fork may not be in the table yet.) */
			for (int fd = 0; fd < 1024; fd++) {
				struct stat st;
				if (sfit_managed(fd) && (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)))
					FAIL("in the child, fd %d is managed but %s", fd,
					     fstat(fd, &st) != 0 ? "not open" : "not a socket");
			}
			/* the churning threads are gone; the table takes new work */
			size_t n = sfit_count();
			int s = socket(AF_INET, SOCK_STREAM, 0);
			CHECK_MANAGED(s);
			int d = dup(s);
			CHECK_MANAGED(d);
			CHECK_EQ(sfit_count(), n + 2);
			CHECK_EQ(send(mine[1], "c", 1, 0), 1);
			CHECK_OK(close(d));
			CHECK_OK(close(s));
			CHECK_EQ(sfit_count(), n);
			CHECK_VALID();
			_exit(0); /* the threads of the parent do not exist here: no exit handlers */
		}
		int st;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			FAIL("child %d of %d: %s %d", i, FORKS, WIFSIGNALED(st) ? "killed by signal" : "exit status",
			     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		char c;
		CHECK_EQ(recv(mine[0], &c, 1, 0), 1);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_OK(close(mine[0]));
	CHECK_OK(close(mine[1]));
	CHECK_TABLE_MATCHES_KERNEL();
}

SFIT_MAIN(SFIT_CASE(case_children_forked_mid_churn_work))
