/* poll, ppoll, select, pselect, epoll_create, epoll_create1, epoll_ctl,
 * epoll_wait, epoll_pwait and epoll_pwait2 report the same readiness as the
 * raw system calls, for sockets in every state (data, empty, peer closed,
 * reset, listening with and without a connection, full, unconnected) and for
 * pipes, /dev/null, regular files, eventfds and fds that are not open; they
 * time out, block, wake up and get interrupted as natively; edge-triggered and
 * one-shot epoll work. */
#include "sfit.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>

#define ALL_EVENTS (POLLIN | POLLOUT | POLLPRI | POLLRDHUP)

enum { MAXFD = 32 };
struct fixture {
	int fd[MAXFD];
	const char *name[MAXFD];
	int n;
	int closed_fd; /* a number that is not open */
	int keep[MAXFD]; /* peers to keep open */
	int nkeep;
};

static void add(struct fixture *f, int fd, const char *name)
{
	CHECK(f->n < MAXFD);
	f->fd[f->n] = fd;
	f->name[f->n] = name;
	f->n++;
}

static void wait_readable_raw(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	CHECK_EQ(raw_ppoll(&p, 1, NULL, NULL), 1);
}

static struct fixture make(void)
{
	struct fixture f;
	memset(&f, 0, sizeof(f));
	int c, s;
	/* connected, data waiting on s; c has nothing to read */
	sfit_tcp_pair(&c, &s);
	CHECK_EQ(send(c, "hello", 5, 0), 5);
	wait_readable_raw(s);
	add(&f, s, "tcp with data");
	add(&f, c, "tcp empty");
	/* the peer closed (FIN) */
	int c2, s2;
	sfit_tcp_pair(&c2, &s2);
	CHECK_OK(close(c2));
	wait_readable_raw(s2);
	add(&f, s2, "tcp peer closed");
	/* the peer reset */
	int c3, s3;
	sfit_tcp_pair(&c3, &s3);
	struct linger lg = {1, 0};
	CHECK_OK(setsockopt(s3, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	CHECK_OK(close(s3));
	wait_readable_raw(c3);
	add(&f, c3, "tcp reset");
	/* listeners */
	struct sockaddr_in la;
	int l1 = sfit_tcp_listener(&la);
	int cc = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(connect(cc, (struct sockaddr *)&la, sizeof(la)));
	wait_readable_raw(l1);
	f.keep[f.nkeep++] = cc;
	add(&f, l1, "listener with a connection");
	add(&f, sfit_tcp_listener(NULL), "idle listener");
	/* udp */
	int u1, u2;
	sfit_udp_pair(&u1, &u2);
	CHECK_EQ(send(u1, "d", 1, 0), 1);
	wait_readable_raw(u2);
	add(&f, u2, "udp with a datagram");
	add(&f, u1, "udp empty");
	/* unix: hung up; full */
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_OK(close(sv[1]));
	add(&f, sv[0], "unix peer closed");
	int fv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fv));
	char chunk[4096];
	memset(chunk, 0, sizeof(chunk));
	while (send(fv[0], chunk, sizeof(chunk), 0) > 0)
		;
	add(&f, fv[0], "unix full");
	add(&f, fv[1], "unix with much data");
	int dv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
	f.keep[f.nkeep++] = dv[1];
	add(&f, dv[0], "unix dgram empty");
	/* unconnected sockets */
	add(&f, socket(AF_INET, SOCK_STREAM, 0), "tcp unconnected");
	add(&f, socket(AF_INET, SOCK_DGRAM, 0), "udp unbound");
	/* pipes */
	int p1[2], p2[2], p3[2], p4[2];
	CHECK_OK(pipe(p1));
	CHECK_EQ(write(p1[1], "pp", 2), 2);
	add(&f, p1[0], "pipe with data");
	add(&f, p1[1], "pipe write end");
	CHECK_OK(pipe(p2));
	f.keep[f.nkeep++] = p2[1];
	add(&f, p2[0], "empty pipe");
	CHECK_OK(pipe(p3));
	CHECK_OK(close(p3[1]));
	add(&f, p3[0], "pipe writer closed");
	CHECK_OK(pipe(p4));
	CHECK_OK(close(p4[0]));
	add(&f, p4[1], "pipe reader closed");
	/* other fds */
	add(&f, open("/dev/null", O_RDWR), "/dev/null");
	add(&f, sfit_temp_file(100, 1), "regular file");
	int ev = eventfd(3, 0);
	add(&f, ev, "eventfd with a count");
	add(&f, eventfd(0, 0), "eventfd at zero");
	for (int i = 0; i < f.n; i++)
		if (f.fd[i] < 0)
			FAIL("fixture %s: %s", f.name[i], strerror(errno));
	/* a number that is not open, and high enough not to be reused soon */
	f.closed_fd = fcntl(0, F_DUPFD, 900);
	CHECK(f.closed_fd >= 900);
	CHECK_OK(close(f.closed_fd));
	return f;
}

static void compare_pollfds(const struct fixture *f, const struct pollfd *a, const struct pollfd *b, int n,
			    const char *call)
{
	for (int i = 0; i < n; i++)
		if (a[i].revents != b[i].revents)
			FAIL("%s: %s (fd %d): revents %#x, natively %#x", call, i < f->n ? f->name[i] : "extra",
			     a[i].fd, a[i].revents, b[i].revents);
}

static void case_poll_and_ppoll_report_what_the_kernel_reports(void)
{
	struct fixture f = make();
	struct pollfd a[MAXFD + 2], b[MAXFD + 2];
	int n = f.n;
	for (int i = 0; i < n; i++) {
		a[i].fd = f.fd[i];
		a[i].events = ALL_EVENTS;
	}
	a[n].fd = f.closed_fd; /* POLLNVAL */
	a[n].events = POLLIN;
	a[n + 1].fd = -1; /* ignored */
	a[n + 1].events = POLLIN;
	n += 2;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < n; i++) {
			a[i].revents = (short)0x5a5a;
			b[i] = a[i];
		}
		struct timespec zero = {0, 0};
		sigset_t none;
		sigemptyset(&none);
		if (round == 0)
			SAME(poll(a, (nfds_t)n, 0), raw_ppoll(b, n, &zero, NULL));
		else if (round == 1)
			SAME(ppoll(a, (nfds_t)n, &zero, &none), raw_ppoll(b, n, &zero, &none));
		else
			SAME(ppoll(a, (nfds_t)n, &zero, NULL), raw_ppoll(b, n, &zero, NULL));
		CHECK(sfit_same_r > 10);
		compare_pollfds(&f, a, b, n, round == 0 ? "poll" : "ppoll");
	}
	/* a long array (the same fds many times over) */
	enum { LONG = 200 };
	struct pollfd *la = calloc(LONG, sizeof(*la)), *lb = calloc(LONG, sizeof(*lb));
	CHECK(la && lb);
	for (int i = 0; i < LONG; i++) {
		la[i].fd = f.fd[i % f.n];
		la[i].events = ALL_EVENTS;
		lb[i] = la[i];
	}
	struct timespec zero = {0, 0};
	SAME(poll(la, LONG, 0), raw_ppoll(lb, LONG, &zero, NULL));
	for (int i = 0; i < LONG; i++)
		if (la[i].revents != lb[i].revents || la[i].fd != lb[i].fd || la[i].events != lb[i].events)
			FAIL("poll of %d fds: entry %d (%s) differs", LONG, i, f.name[i % f.n]);
	free(la);
	free(lb);
	/* one fd at a time, each kind of interest alone */
	static const short each[] = {POLLIN, POLLOUT, POLLPRI, POLLRDHUP, 0};
	for (int i = 0; i < f.n; i++)
		for (size_t k = 0; k < sizeof(each) / sizeof(each[0]); k++) {
			struct pollfd x = {.fd = f.fd[i], .events = each[k]}, y = x;
			struct timespec zero = {0, 0};
			SAME(poll(&x, 1, 0), raw_ppoll(&y, 1, &zero, NULL));
			compare_pollfds(&f, &x, &y, 1, "poll one");
		}
}

static void case_poll_rejects_bad_arguments_as_natively(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	struct pollfd a[2] = {{.fd = sv[0], .events = POLLIN}, {.fd = sv[1], .events = POLLOUT}}, b[2];
	memcpy(b, a, sizeof(a));
	struct timespec bad = {0, -1};
	SAME(ppoll(a, 2, &bad, NULL), raw_ppoll(b, 2, &bad, NULL));
	struct pollfd *volatile nowhere = NULL;
	struct timespec zero = {0, 0};
	SAME(poll(nowhere, 2, 0), raw_ppoll(nowhere, 2, &zero, NULL));
	SAME(poll(nowhere, 0, 0), raw_ppoll(nowhere, 0, &zero, NULL));
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
	/* (a sanitizer's own poll interceptor reads all nfds entries first) */
	volatile nfds_t too_many = 1u << 30;
	SAME(poll(a, too_many, 0), raw_ppoll(b, too_many, &zero, NULL));
#endif
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
}

static void fill_sets(const struct fixture *f, fd_set *r, fd_set *w, fd_set *e, int *maxfd)
{
	FD_ZERO(r);
	FD_ZERO(w);
	FD_ZERO(e);
	*maxfd = 0;
	for (int i = 0; i < f->n; i++) {
		FD_SET(f->fd[i], r);
		FD_SET(f->fd[i], w);
		FD_SET(f->fd[i], e);
		if (f->fd[i] > *maxfd)
			*maxfd = f->fd[i];
	}
}

static void compare_sets(const struct fixture *f, const fd_set *a, const fd_set *b, const char *which)
{
	for (int i = 0; i < f->n; i++)
		if (!!FD_ISSET(f->fd[i], a) != !!FD_ISSET(f->fd[i], b))
			FAIL("%s: %s (fd %d): %s set %d, natively %d", which, f->name[i], f->fd[i], which,
			     !!FD_ISSET(f->fd[i], a), !!FD_ISSET(f->fd[i], b));
}

#define raw_pselect(n, r, w, e, t) syscall(SYS_pselect6, (n), (r), (w), (e), (t), NULL)

static void case_select_and_pselect_report_what_the_kernel_reports(void)
{
	struct fixture f = make();
	for (int round = 0; round < 2; round++) {
		fd_set r1, w1, e1, r2, w2, e2;
		int maxfd;
		fill_sets(&f, &r1, &w1, &e1, &maxfd);
		fill_sets(&f, &r2, &w2, &e2, &maxfd);
		struct timespec zero = {0, 0}, zero2 = {0, 0};
		if (round == 0) {
			struct timeval tv = {0, 0};
			SAME(select(maxfd + 1, &r1, &w1, &e1, &tv), raw_pselect(maxfd + 1, &r2, &w2, &e2, &zero2));
		} else {
			sigset_t none;
			sigemptyset(&none);
			SAME(pselect(maxfd + 1, &r1, &w1, &e1, &zero, &none), raw_pselect(maxfd + 1, &r2, &w2, &e2, &zero2));
		}
		CHECK(sfit_same_r > 10);
		compare_sets(&f, &r1, &r2, "read");
		compare_sets(&f, &w1, &w2, "write");
		compare_sets(&f, &e1, &e2, "except");
	}
	/* a closed fd in a set: EBADF; a negative count: EINVAL */
	fd_set r1, r2;
	FD_ZERO(&r1);
	FD_SET(f.closed_fd, &r1);
	r2 = r1;
	struct timeval tv = {0, 0};
	struct timespec ts = {0, 0};
	SAME(select(f.closed_fd + 1, &r1, NULL, NULL, &tv), raw_pselect(f.closed_fd + 1, &r2, NULL, NULL, &ts));
	CHECK_EQ(sfit_same_r, -1);
	SAME(select(-1, NULL, NULL, NULL, &tv), raw_pselect(-1, NULL, NULL, NULL, &ts));
	struct timeval badtv = {0, -1};
	errno = 0;
	CHECK_ERR(select(1, NULL, NULL, NULL, &badtv), EINVAL);
	/* Linux select writes back the time not slept: none after a timeout */
	int p[2];
	CHECK_OK(pipe(p));
	FD_ZERO(&r1);
	FD_SET(p[0], &r1);
	struct timeval t50 = {0, 50000};
	double t0 = sfit_now();
	CHECK_EQ(select(p[0] + 1, &r1, NULL, NULL, &t50), 0);
	CHECK(sfit_now() - t0 >= 0.045);
	CHECK_EQ(t50.tv_sec, 0);
	CHECK_EQ(t50.tv_usec, 0);
	CHECK(!FD_ISSET(p[0], &r1));
	/* and the time left when something became ready at once */
	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_SET(p[0], &r1);
	struct timeval t5 = {5, 0};
	CHECK_EQ(select(p[0] + 1, &r1, NULL, NULL, &t5), 1);
	CHECK(t5.tv_sec == 4 || t5.tv_sec == 5);
	/* pselect leaves its timeout alone */
	FD_ZERO(&r1);
	FD_SET(p[0], &r1);
	struct timespec left = {2, 0};
	CHECK_EQ(pselect(p[0] + 1, &r1, NULL, NULL, &left, NULL), 1);
	CHECK(left.tv_sec == 2 && left.tv_nsec == 0);
}

static int cmp_events(const void *a, const void *b)
{
	const struct epoll_event *x = a, *y = b;
	return x->data.fd - y->data.fd;
}

static void compare_epoll(const struct fixture *f, struct epoll_event *a, int na, struct epoll_event *b, int nb,
			  const char *call)
{
	if (na != nb)
		FAIL("%s: %d events, natively %d", call, na, nb);
	qsort(a, (size_t)na, sizeof(*a), cmp_events);
	qsort(b, (size_t)nb, sizeof(*b), cmp_events);
	for (int i = 0; i < na; i++) {
		const char *name = "?";
		for (int k = 0; k < f->n; k++)
			if (f->fd[k] == a[i].data.fd)
				name = f->name[k];
		if (a[i].data.fd != b[i].data.fd || a[i].events != b[i].events)
			FAIL("%s: %s (fd %d): events %#x, natively fd %d events %#x", call, name, a[i].data.fd,
			     a[i].events, b[i].data.fd, b[i].events);
	}
}

static void case_epoll_reports_what_the_kernel_reports(void)
{
	struct fixture f = make();
	int e1 = epoll_create(1), e2 = epoll_create1(0), e3 = epoll_create1(EPOLL_CLOEXEC);
	int r = (int)syscall(SYS_epoll_create1, 0);
	CHECK(e1 >= 0 && e2 >= 0 && e3 >= 0 && r >= 0);
	CHECK_UNMANAGED(e1);
	CHECK_EQ(fcntl(e1, F_GETFD) & FD_CLOEXEC, 0);
	CHECK_EQ(fcntl(e3, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	CHECK_ERR(epoll_create(0), EINVAL);
	CHECK_ERR(epoll_create(-1), EINVAL);
	SAME(epoll_create1(12345), syscall(SYS_epoll_create1, 12345));
	int eps[] = {e1, e2, e3};
	for (int i = 0; i < f.n; i++) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDHUP, .data.fd = f.fd[i]};
		struct epoll_event ev2 = ev;
		errno = 0;
		long want = raw_epoll_ctl(r, EPOLL_CTL_ADD, f.fd[i], &ev2);
		int want_errno = want < 0 ? errno : 0;
		for (int k = 0; k < 3; k++) {
			errno = 0;
			int got = epoll_ctl(eps[k], EPOLL_CTL_ADD, f.fd[i], &ev);
			if (got != want || (got < 0 && errno != want_errno))
				FAIL("epoll_ctl ADD %s: %d errno %d, natively %ld errno %d", f.name[i], got, errno, want,
				     want_errno);
		}
		if (want == 0) /* registered: a second time fails the same way */
			SAME(epoll_ctl(e1, EPOLL_CTL_ADD, f.fd[i], &ev), raw_epoll_ctl(r, EPOLL_CTL_ADD, f.fd[i], &ev2));
	}
	struct epoll_event ev = {.events = EPOLLIN};
	SAME(epoll_ctl(e1, EPOLL_CTL_ADD, f.closed_fd, &ev), raw_epoll_ctl(r, EPOLL_CTL_ADD, f.closed_fd, &ev));
	SAME(epoll_ctl(e1, EPOLL_CTL_ADD, e1, &ev), raw_epoll_ctl(r, EPOLL_CTL_ADD, r, &ev));
	SAME(epoll_ctl(f.fd[0], EPOLL_CTL_ADD, f.fd[1], &ev), raw_epoll_ctl(f.fd[0], EPOLL_CTL_ADD, f.fd[1], &ev));
	SAME(epoll_ctl(f.closed_fd, EPOLL_CTL_ADD, f.fd[1], &ev), raw_epoll_ctl(f.closed_fd, EPOLL_CTL_ADD, f.fd[1], &ev));
	SAME(epoll_ctl(e1, 99, f.fd[0], &ev), raw_epoll_ctl(r, 99, f.fd[0], &ev));
	int fresh = socket(AF_INET, SOCK_DGRAM, 0);
	SAME(epoll_ctl(e1, EPOLL_CTL_MOD, fresh, &ev), raw_epoll_ctl(r, EPOLL_CTL_MOD, fresh, &ev));
	SAME(epoll_ctl(e1, EPOLL_CTL_DEL, fresh, NULL), raw_epoll_ctl(r, EPOLL_CTL_DEL, fresh, NULL));
	/* the reports */
	struct epoll_event a[MAXFD * 2], b[MAXFD * 2];
	struct timespec zero = {0, 0};
	for (int k = 0; k < 3; k++) {
		int nb = (int)raw_epoll_pwait(r, b, MAXFD * 2, 0);
		int na = epoll_wait(eps[k], a, MAXFD * 2, 0);
		compare_epoll(&f, a, na, b, nb, "epoll_wait");
		sigset_t none;
		sigemptyset(&none);
		na = epoll_pwait(eps[k], a, MAXFD * 2, 0, &none);
		compare_epoll(&f, a, na, b, nb, "epoll_pwait");
		na = epoll_pwait2(eps[k], a, MAXFD * 2, &zero, NULL);
		compare_epoll(&f, a, na, b, nb, "epoll_pwait2");
		/* and the raw call on the instance the shim made */
		int nx = (int)raw_epoll_pwait(eps[k], a, MAXFD * 2, 0);
		compare_epoll(&f, a, nx, b, nb, "raw epoll_pwait on the shim's epoll fd");
	}
	/* fewer slots than events: the same number */
	SAME(epoll_wait(e1, a, 3, 0), raw_epoll_pwait(r, b, 3, 0));
	CHECK_EQ(sfit_same_r, 3);
	CHECK_OK(close(fresh));
	CHECK_OK(close(e1));
	CHECK_OK(close(e2));
	CHECK_OK(close(e3));
	CHECK_OK(raw_close(r));
}

static void case_epoll_rejects_bad_arguments_as_natively(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	int e1 = epoll_create1(0), r = (int)syscall(SYS_epoll_create1, 0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.fd = sv[0]};
	CHECK_OK(epoll_ctl(e1, EPOLL_CTL_ADD, sv[0], &ev));
	CHECK_OK(raw_epoll_ctl(r, EPOLL_CTL_ADD, sv[0], &ev));
	int closed = fcntl(0, F_DUPFD, 900);
	CHECK_OK(close(closed));
	struct epoll_event a[4], b[4];
	SAME(epoll_wait(e1, a, 0, 0), raw_epoll_pwait(r, b, 0, 0));
	volatile int negative = -1; /* hidden from the compiler's checks */
	SAME(epoll_wait(e1, a, negative, 0), raw_epoll_pwait(r, b, negative, 0));
	SAME(epoll_wait(sv[0], a, 4, 0), raw_epoll_pwait(sv[0], b, 4, 0));
	SAME(epoll_wait(closed, a, 4, 0), raw_epoll_pwait(closed, b, 4, 0));
	struct epoll_event *volatile nowhere = NULL;
	SAME(epoll_wait(e1, nowhere, 4, 0), raw_epoll_pwait(r, nowhere, 4, 0));
	struct timespec bad = {0, -1}, bad2 = {-1, 0}, bad3 = {0, 1000000000};
	SAME(epoll_pwait2(e1, a, 4, &bad, NULL), syscall(SYS_epoll_pwait2, r, b, 4, &bad, NULL, _NSIG / 8));
	SAME(epoll_pwait2(e1, a, 4, &bad2, NULL), syscall(SYS_epoll_pwait2, r, b, 4, &bad2, NULL, _NSIG / 8));
	SAME(epoll_pwait2(e1, a, 4, &bad3, NULL), syscall(SYS_epoll_pwait2, r, b, 4, &bad3, NULL, _NSIG / 8));
	CHECK_OK(close(e1));
	CHECK_OK(raw_close(r));
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
}

static void case_edge_triggered_and_oneshot_epoll_behave_natively(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	int e = epoll_create1(0), r = (int)syscall(SYS_epoll_create1, 0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = sv[1]};
	CHECK_OK(epoll_ctl(e, EPOLL_CTL_ADD, sv[1], &ev));
	CHECK_OK(raw_epoll_ctl(r, EPOLL_CTL_ADD, sv[1], &ev));
	struct epoll_event out[4];
	char b[8];
	CHECK_EQ(write(sv[0], "0123456789", 10), 10);
	SAME(epoll_wait(e, out, 4, 0), raw_epoll_pwait(r, out, 4, 0));
	CHECK_EQ(sfit_same_r, 1);
	CHECK_EQ(read(sv[1], b, 5), 5);
	/* the edge was consumed: nothing, though 5 bytes are left */
	SAME(epoll_wait(e, out, 4, 0), raw_epoll_pwait(r, out, 4, 0));
	CHECK_EQ(sfit_same_r, 0);
	CHECK_EQ(write(sv[0], "x", 1), 1);
	SAME(epoll_wait(e, out, 4, 0), raw_epoll_pwait(r, out, 4, 0));
	CHECK_EQ(sfit_same_r, 1);
	/* one-shot: once, then nothing until re-armed */
	ev.events = EPOLLIN | EPOLLONESHOT;
	CHECK_OK(epoll_ctl(e, EPOLL_CTL_MOD, sv[1], &ev));
	CHECK_OK(raw_epoll_ctl(r, EPOLL_CTL_MOD, sv[1], &ev));
	SAME(epoll_wait(e, out, 4, 0), raw_epoll_pwait(r, out, 4, 0));
	CHECK_EQ(sfit_same_r, 1);
	SAME(epoll_wait(e, out, 4, 0), raw_epoll_pwait(r, out, 4, 0));
	CHECK_EQ(sfit_same_r, 0);
	CHECK_OK(epoll_ctl(e, EPOLL_CTL_MOD, sv[1], &ev));
	CHECK_OK(raw_epoll_ctl(r, EPOLL_CTL_MOD, sv[1], &ev));
	SAME(epoll_wait(e, out, 4, 0), raw_epoll_pwait(r, out, 4, 0));
	CHECK_EQ(sfit_same_r, 1);
	/* data.u64 that is not an fd comes back unchanged */
	CHECK_OK(epoll_ctl(e, EPOLL_CTL_DEL, sv[1], NULL));
	ev.events = EPOLLIN;
	ev.data.u64 = 0xfeedfacecafebeefull;
	CHECK_OK(epoll_ctl(e, EPOLL_CTL_ADD, sv[1], &ev));
	CHECK_EQ(epoll_wait(e, out, 4, 0), 1);
	CHECK(out[0].data.u64 == 0xfeedfacecafebeefull);
	CHECK_OK(close(e));
	CHECK_OK(raw_close(r));
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
}

/* A process that writes to fd after ms milliseconds. */
static pid_t write_later(int fd, int ms)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct timespec t = {0, ms * 1000000L};
		nanosleep(&t, NULL);
		_exit(write(fd, "w", 1) == 1 ? 0 : 1);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void case_blocking_waits_time_out_and_wake_as_natively(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	int e = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = sv[1]};
	CHECK_OK(epoll_ctl(e, EPOLL_CTL_ADD, sv[1], &ev));
	char b[4];
	/* timeouts: nothing ready, the full time waited */
	struct pollfd p = {.fd = sv[1], .events = POLLIN};
	double t0 = sfit_now();
	CHECK_EQ(poll(&p, 1, 60), 0);
	CHECK(sfit_now() - t0 >= 0.055);
	struct timespec ts = {0, 60000000};
	t0 = sfit_now();
	CHECK_EQ(ppoll(&p, 1, &ts, NULL), 0);
	CHECK(sfit_now() - t0 >= 0.055);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(sv[1], &r);
	t0 = sfit_now();
	CHECK_EQ(pselect(sv[1] + 1, &r, NULL, NULL, &ts, NULL), 0);
	CHECK(sfit_now() - t0 >= 0.055);
	struct epoll_event out;
	t0 = sfit_now();
	CHECK_EQ(epoll_wait(e, &out, 1, 60), 0);
	CHECK(sfit_now() - t0 >= 0.055);
	t0 = sfit_now();
	CHECK_EQ(epoll_pwait2(e, &out, 1, &ts, NULL), 0);
	CHECK(sfit_now() - t0 >= 0.055);
	/* infinite waits woken by another process's write */
	for (int k = 0; k < 5; k++) {
		pid_t w = write_later(sv[0], 30);
		int n = -1;
		p.revents = 0;
		FD_ZERO(&r);
		FD_SET(sv[1], &r);
		switch (k) {
		case 0: n = poll(&p, 1, -1); break;
		case 1: n = ppoll(&p, 1, NULL, NULL); break;
		case 2: n = select(sv[1] + 1, &r, NULL, NULL, NULL); break;
		case 3: n = epoll_wait(e, &out, 1, -1); break;
		default: n = epoll_pwait2(e, &out, 1, NULL, NULL); break;
		}
		CHECK_EQ(n, 1);
		CHECK_EQ(read(sv[1], b, 1), 1);
		reap(w);
	}
	CHECK_OK(close(e));
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
}

static volatile sig_atomic_t got_signal;
static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

/* A signal without SA_RESTART interrupts every wait with EINTR (signal(7):
 * these are never restarted), as natively. */
static void case_signals_interrupt_waits_as_natively(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART; /* even so: poll and friends are not restarted */
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	int e = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = sv[1]};
	CHECK_OK(epoll_ctl(e, EPOLL_CTL_ADD, sv[1], &ev));
	pid_t self = getpid();
	for (int k = 0; k < 6; k++) {
		/* signals every 20 ms until killed: one that comes before the
		 * wait has begun only runs the handler, a later one interrupts */
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			for (;;) {
				struct timespec t = {0, 20000000};
				nanosleep(&t, NULL);
				kill(self, SIGUSR1);
			}
		}
		got_signal = 0;
		struct pollfd p = {.fd = sv[1], .events = POLLIN};
		fd_set r;
		FD_ZERO(&r);
		FD_SET(sv[1], &r);
		struct epoll_event out;
		struct timespec ts = {10, 0};
		switch (k) {
		case 0: CHECK_ERR(poll(&p, 1, 10000), EINTR); break;
		case 1: CHECK_ERR(ppoll(&p, 1, &ts, NULL), EINTR); break;
		case 2: CHECK_ERR(select(sv[1] + 1, &r, NULL, NULL, NULL), EINTR); break;
		case 3: CHECK_ERR(pselect(sv[1] + 1, &r, NULL, NULL, &ts, NULL), EINTR); break;
		case 4: CHECK_ERR(epoll_wait(e, &out, 1, 10000), EINTR); break;
		default: CHECK_ERR(epoll_pwait2(e, &out, 1, &ts, NULL), EINTR); break;
		}
		CHECK(got_signal);
		CHECK_OK(kill(pid, SIGKILL));
		int st;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
	}
	CHECK_OK(close(e));
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
}

SFIT_MAIN(SFIT_CASE(case_poll_and_ppoll_report_what_the_kernel_reports),
	  SFIT_CASE(case_poll_rejects_bad_arguments_as_natively),
	  SFIT_CASE(case_select_and_pselect_report_what_the_kernel_reports),
	  SFIT_CASE(case_epoll_reports_what_the_kernel_reports),
	  SFIT_CASE(case_epoll_rejects_bad_arguments_as_natively),
	  SFIT_CASE(case_edge_triggered_and_oneshot_epoll_behave_natively),
	  SFIT_CASE(case_blocking_waits_time_out_and_wake_as_natively),
	  SFIT_CASE(case_signals_interrupt_waits_as_natively))
