/* File descriptors that are not sockets -- pipes, /dev/null, /dev/zero,
 * regular files, directories, eventfds -- go through the interposed read,
 * write, readv, writev, sendfile, close and dup untouched: the same bytes,
 * offsets, results, errnos and signals as the raw system calls, and the
 * shim never manages them. */
#include "sfit.h"

#include <limits.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

static void case_pipes_behave_natively(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_UNMANAGED(p[0]);
	CHECK_UNMANAGED(p[1]);
	unsigned char out[3000], in[3000];
	sfit_fill(out, sizeof(out), 1);
	CHECK_EQ(write(p[1], out, 1000), 1000);
	struct iovec wv[2] = {{out + 1000, 1500}, {out + 2500, 500}};
	CHECK_EQ(writev(p[1], wv, 2), 2000);
	CHECK_EQ(read(p[0], in, 700), 700);
	struct iovec rv[3] = {{in + 700, 300}, {in + 1000, 1}, {in + 1001, 1999}};
	CHECK_EQ(readv(p[0], rv, 3), 2300);
	CHECK(memcmp(in, out, sizeof(out)) == 0);
	/* empty non-blocking: EAGAIN; wrong ends: EBADF */
	sfit_set_nonblocking(p[0]);
	char b[8];
	SAME(read(p[0], b, sizeof(b)), raw_read(p[0], b, sizeof(b)));
	CHECK_EQ(sfit_same_r, -1);
	SAME(readv(p[0], rv, 1), raw_readv(p[0], rv, 1));
	SAME(write(p[0], b, 1), raw_write(p[0], b, 1));
	SAME(read(p[1], b, 1), raw_read(p[1], b, 1));
	/* full non-blocking: EAGAIN */
	int q[2];
	CHECK_OK(pipe(q));
	sfit_set_nonblocking(q[1]);
	static unsigned char big[1 << 16];
	while (write(q[1], big, sizeof(big)) > 0)
		;
	while (write(q[1], big, 1) > 0)
		;
	SAME(write(q[1], big, 1), raw_write(q[1], big, 1));
	CHECK_EQ(sfit_same_r, -1);
	/* writer gone: 0 */
	CHECK_OK(close(p[1]));
	SAME(read(p[0], b, sizeof(b)), raw_read(p[0], b, sizeof(b)));
	CHECK_EQ(sfit_same_r, 0);
	/* reader gone: EPIPE and SIGPIPE */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	CHECK_OK(close(q[0]));
	for (int raw = 0; raw < 2; raw++) {
		errno = 0;
		long r = raw ? raw_write(q[1], b, 1) : write(q[1], b, 1);
		CHECK_EQ(r, -1);
		CHECK_EQ(errno, EPIPE);
		sigset_t pend;
		CHECK_OK(sigpending(&pend));
		CHECK(sigismember(&pend, SIGPIPE));
		int sig;
		CHECK_OK(sigwait(&block, &sig));
	}
	CHECK_OK(close(p[0]));
	CHECK_OK(close(q[1]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_devices_and_files_behave_natively(void)
{
	char b[64];
	int n = open("/dev/null", O_RDWR), z = open("/dev/zero", O_RDONLY);
	CHECK_UNMANAGED(n);
	CHECK_UNMANAGED(z);
	SAME(write(n, b, sizeof(b)), raw_write(n, b, sizeof(b)));
	CHECK_EQ(sfit_same_r, sizeof(b));
	SAME(read(n, b, sizeof(b)), raw_read(n, b, sizeof(b)));
	CHECK_EQ(sfit_same_r, 0);
	memset(b, 1, sizeof(b));
	CHECK_EQ(read(z, b, sizeof(b)), sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++)
		CHECK_EQ(b[i], 0);
	struct iovec v[2] = {{b, 10}, {b + 10, 20}};
	CHECK_EQ(readv(z, v, 2), 30);
	SAME(write(z, b, 1), raw_write(z, b, 1)); /* opened read-only */
	/* a regular file: offsets move exactly as natively */
	int f = sfit_temp_file(1000, 3);
	unsigned char want[1000], got[1000];
	sfit_fill(want, sizeof(want), 3);
	CHECK_EQ(read(f, got, 100), 100);
	CHECK_EQ(lseek(f, 0, SEEK_CUR), 100);
	struct iovec rv[2] = {{got + 100, 50}, {got + 150, 50}};
	CHECK_EQ(readv(f, rv, 2), 100);
	CHECK_EQ(lseek(f, 0, SEEK_CUR), 200);
	CHECK(memcmp(got, want, 200) == 0);
	CHECK_EQ(write(f, "XY", 2), 2);
	CHECK_EQ(lseek(f, 0, SEEK_CUR), 202);
	CHECK_OK(lseek(f, 0, SEEK_END));
	SAME(read(f, got, 10), raw_read(f, got, 10));
	CHECK_EQ(sfit_same_r, 0);
	/* sendfile between non-sockets: file to pipe, file to file */
	int p[2];
	CHECK_OK(pipe(p));
	off_t o = 300;
	CHECK_EQ(sendfile(p[1], f, &o, 200), 200);
	CHECK_EQ(o, 500);
	CHECK_EQ(read(p[0], got, 200), 200);
	CHECK(memcmp(got, want + 300, 200) == 0);
	int g = sfit_temp_file(0, 0);
	o = 500;
	CHECK_EQ(sendfile(g, f, &o, 500), 500);
	CHECK_OK(lseek(g, 0, SEEK_SET));
	CHECK_EQ(read(g, got, 1000), 500);
	CHECK(memcmp(got, want + 500, 500) == 0);
	/* a directory; a file opened read-only */
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);
	SAME(read(d, got, 10), raw_read(d, got, 10));
	CHECK_EQ(sfit_same_r, -1);
	SAME(write(d, got, 10), raw_write(d, got, 10));
	int ro = open("/proc/self/status", O_RDONLY);
	SAME(write(ro, got, 10), raw_write(ro, got, 10));
	/* an eventfd: 8-byte reads and writes, EINVAL otherwise */
	int e = eventfd(0, EFD_NONBLOCK);
	uint64_t v1 = 5, v2 = 0;
	CHECK_EQ(write(e, &v1, 8), 8);
	SAME(read(e, &v2, 4), raw_read(e, &v2, 4));
	CHECK_EQ(sfit_same_r, -1);
	CHECK_EQ(read(e, &v2, 8), 8);
	CHECK(v2 == 5);
	SAME(read(e, &v2, 8), raw_read(e, &v2, 8));
	CHECK_EQ(sfit_same_r, -1);
	int fds[] = {n, z, f, p[0], p[1], g, d, ro, e};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		CHECK_UNMANAGED(fds[i]);
		CHECK_OK(close(fds[i]));
	}
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_close_and_dup_of_non_sockets_behave_natively(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	int d = dup(p[0]);
	CHECK_UNMANAGED(d);
	CHECK_OK(close(d));
	SAME(close(d), raw_close(d));
	SAME(close(-1), raw_close(-1));
	SAME(close(INT_MAX), raw_close(INT_MAX));
	int d2 = dup2(p[1], 500);
	CHECK_EQ(d2, 500);
	CHECK_EQ(write(500, "z", 1), 1);
	char b;
	CHECK_EQ(read(p[0], &b, 1), 1);
	CHECK_EQ(b, 'z');
	CHECK_OK(close(500));
	CHECK_OK(close(p[0]));
	CHECK_OK(close(p[1]));
	CHECK_EQ(sfit_count(), sfit_check_table_matches_kernel());
}

/* The standard streams (a tty, a pipe or a file under ctest) work. */
static void case_standard_streams_work(void)
{
	CHECK_EQ(write(1, "# stdout works\n", 15), 15);
	struct iovec v[2] = {{"# stderr ", 9}, {"works\n", 6}};
	CHECK_EQ(writev(2, v, 2), 15);
	struct stat st;
	CHECK_OK(fstat(1, &st));
	CHECK_EQ(sfit_managed(1), S_ISSOCK(st.st_mode) ? 1 : 0);
	CHECK_TABLE_MATCHES_KERNEL();
}

SFIT_MAIN(SFIT_CASE(case_pipes_behave_natively), SFIT_CASE(case_devices_and_files_behave_natively),
	  SFIT_CASE(case_close_and_dup_of_non_sockets_behave_natively), SFIT_CASE(case_standard_streams_work))
