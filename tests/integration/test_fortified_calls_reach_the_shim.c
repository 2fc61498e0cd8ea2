/* Programs built with -D_FORTIFY_SOURCE=2 call glibc's checking entry points
 * (__recv_chk, __recvfrom_chk, __read_chk, __poll_chk, __ppoll_chk) instead of
 * recv, read and poll.  This file is built that way (CMake: FORTIFY; the
 * companion test integration.fortified_build_imports_chk_symbols checks with
 * nm that it really imports them).  Under the shim these entry points resolve
 * to the shim's, move data and report errors as natively, and still abort on
 * an overflow like glibc's. */
#include "sfit.h"

#include <poll.h>

#if !defined(__OPTIMIZE__) || !defined(_FORTIFY_SOURCE) || _FORTIFY_SOURCE < 2
#error "build this file with -O2 -D_FORTIFY_SOURCE=2"
#endif

/* glibc's prototypes (its debug/ directory); declared here so they can also be called
 * directly, with sizes the compiler cannot check. */
extern ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags);
extern ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags, struct sockaddr *from,
			      socklen_t *fromlen);
extern ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen);
extern int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);
extern int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask,
		       size_t fdslen);

/* Lengths the compiler cannot see, so the fortified wrappers call _chk. */
static volatile size_t four = 4, one_fd = 1;

static void case_fortified_calls_move_data(void)
{
	int sv[2], u1, u2, p[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	sfit_udp_pair(&u1, &u2);
	CHECK_OK(pipe(p));
	char buf[16];
	CHECK_EQ(send(sv[0], "abcdefgh", 8, 0), 8);
	CHECK_EQ(recv(sv[1], buf, four, MSG_WAITALL), 4); /* __recv_chk */
	CHECK(memcmp(buf, "abcd", 4) == 0);
	CHECK_EQ(read(sv[1], buf, four), 4); /* __read_chk */
	CHECK(memcmp(buf, "efgh", 4) == 0);
	CHECK_EQ(send(u1, "dgram", 5, 0), 5);
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	CHECK_EQ(recvfrom(u2, buf, four, 0, (struct sockaddr *)&from, &fl), 4); /* __recvfrom_chk */
	CHECK(memcmp(buf, "dgra", 4) == 0);
	CHECK_EQ(fl, sizeof(from));
	CHECK_EQ(write(p[1], "pipe", 4), 4);
	struct pollfd pf[1] = {{.fd = p[0], .events = POLLIN}};
	CHECK_EQ(poll(pf, one_fd, 1000), 1); /* __poll_chk */
	CHECK(pf[0].revents & POLLIN);
	struct timespec ts = {1, 0};
	CHECK_EQ(ppoll(pf, one_fd, &ts, NULL), 1); /* __ppoll_chk */
	CHECK_EQ(read(p[0], buf, four), 4);
	CHECK(memcmp(buf, "pipe", 4) == 0);
	/* the same, called directly */
	CHECK_EQ(send(sv[0], "ijkl", 4, 0), 4);
	CHECK_EQ(__recv_chk(sv[1], buf, 2, sizeof(buf), MSG_WAITALL), 2);
	CHECK_EQ(__read_chk(sv[1], buf + 2, 2, sizeof(buf) - 2), 2);
	CHECK(memcmp(buf, "ijkl", 4) == 0);
	CHECK_EQ(send(u1, "xyz", 3, 0), 3);
	CHECK_EQ(__recvfrom_chk(u2, buf, sizeof(buf), sizeof(buf), 0, NULL, NULL), 3);
	CHECK_EQ(__poll_chk(pf, 1, 0, sizeof(pf)), 0);
	int fds[] = {sv[0], sv[1], u1, u2, p[0], p[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
}

static void case_fortified_calls_fail_as_natively(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	char buf[8], raw[8];
	SAME(__recv_chk(sv[1], buf, 4, sizeof(buf), 0), raw_recv(sv[1], raw, 4, 0));
	CHECK_EQ(sfit_same_r, -1);
	CHECK_ERR(recv(sv[1], buf, four, 0), EAGAIN);
	SAME(__read_chk(sv[1], buf, 4, sizeof(buf)), raw_read(sv[1], raw, 4));
	SAME(__recvfrom_chk(sv[1], buf, 4, sizeof(buf), 0, NULL, NULL), raw_recvfrom(sv[1], raw, 4, 0, NULL, NULL));
	int closed = fcntl(0, F_DUPFD, 900);
	CHECK_OK(close(closed));
	SAME(__recv_chk(closed, buf, 4, sizeof(buf), 0), raw_recv(closed, raw, 4, 0));
	SAME(__read_chk(closed, buf, 4, sizeof(buf)), raw_read(closed, raw, 4));
	int p[2];
	CHECK_OK(pipe(p));
	SAME(__recv_chk(p[0], buf, 4, sizeof(buf), MSG_DONTWAIT), raw_recv(p[0], raw, 4, MSG_DONTWAIT));
	struct pollfd pf = {.fd = closed, .events = POLLIN}, rf = pf;
	struct timespec zero = {0, 0};
	SAME(__poll_chk(&pf, 1, 0, sizeof(pf)), raw_ppoll(&rf, 1, &zero, NULL));
	CHECK_EQ(pf.revents, rf.revents);
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
	CHECK_OK(close(p[0]));
	CHECK_OK(close(p[1]));
}

/* Which shared object defines name, as the dynamic linker resolves it. */
static const char *provider(const char *name)
{
	void *sym = dlsym(RTLD_DEFAULT, name);
	Dl_info info;
	if (!sym || !dladdr(sym, &info) || !info.dli_fname)
		return "(nothing)";
	return info.dli_fname;
}

static void case_chk_entry_points_are_the_shims(void)
{
	/* (recv, read and poll themselves may resolve to a sanitizer runtime's
	 * interceptors first, which then call the shim's) */
	static const char *const names[] = {"__recv_chk", "__recvfrom_chk", "__read_chk", "__poll_chk", "__ppoll_chk"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *who = provider(names[i]);
		if (!strstr(who, "libsockfault"))
			FAIL("%s resolves to %s, not to the shim", names[i], who);
	}
}

/* Each overflowing call dies as glibc's __chk_fail makes it (SIGABRT). */
static void case_overflows_still_abort(void)
{
	for (int k = 0; k < 5; k++) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 2); /* "*** buffer overflow detected ***" */
			int sv[2];
			socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
			send(sv[0], "0123456789abcdef", 16, 0);
			char buf[8];
			struct pollfd pf = {.fd = sv[1], .events = POLLIN};
			volatile size_t sixteen = 16; /* hidden from the compiler's own checks */
			volatile nfds_t two = 2;
			switch (k) {
			case 0: (void)!__recv_chk(sv[1], buf, sixteen, sizeof(buf), 0); break;
			case 1: (void)!__read_chk(sv[1], buf, sixteen, sizeof(buf)); break;
			case 2: (void)!__recvfrom_chk(sv[1], buf, sixteen, sizeof(buf), 0, NULL, NULL); break;
			case 3: (void)!__poll_chk(&pf, two, 0, sizeof(pf)); break;
			default: (void)!__ppoll_chk(&pf, two, NULL, NULL, sizeof(pf)); break;
			}
			_exit(0);
		}
		int st;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGABRT)
			FAIL("overflowing call %d: status %#x, expected SIGABRT", k, st);
	}
}

SFIT_MAIN(SFIT_CASE(case_fortified_calls_move_data), SFIT_CASE(case_fortified_calls_fail_as_natively),
	  SFIT_CASE(case_chk_entry_points_are_the_shims), SFIT_CASE(case_overflows_still_abort))
