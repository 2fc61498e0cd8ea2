/* The socket lifecycle and query calls -- socket, socketpair, bind, listen,
 * accept, accept4, connect, getsockname, getpeername, getsockopt, setsockopt,
 * shutdown -- return under the shim what the kernel returns: the same
 * results, flags, addresses and errnos as the raw system calls. */
#include "sfit.h"

#include <netinet/tcp.h>
#include <poll.h>

/* A non-socket fd (a pipe's read end) and a number that is not open. */
static int a_pipe(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	return p[0];
}

static int not_open(void)
{
	int fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_OK(close(fd));
	return fd + 1000;
}

static void same_fd_flags(int a, int b)
{
	CHECK_EQ(fcntl(a, F_GETFL), raw_fcntl(b, F_GETFL, 0));
	CHECK_EQ(fcntl(a, F_GETFD), raw_fcntl(b, F_GETFD, 0));
}

static void same_sockopt_int(int a, int b, int level, int name)
{
	int va = -1, vb = -2;
	socklen_t la = sizeof(va), lb = sizeof(vb);
	CHECK_OK(getsockopt(a, level, name, &va, &la));
	CHECK_OK(raw_getsockopt(b, level, name, &vb, &lb));
	CHECK_EQ(va, vb);
	CHECK_EQ(la, lb);
}

static void case_socket_creates_what_the_kernel_creates(void)
{
	static const struct {
		int domain, type, protocol;
	} kinds[] = {
		{AF_INET, SOCK_STREAM, 0},
		{AF_INET, SOCK_DGRAM, 0},
		{AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP},
		{AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP},
		{AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0},
		{AF_UNIX, SOCK_STREAM, 0},
		{AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0},
		{AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0},
		{AF_INET6, SOCK_STREAM, 0},
		{AF_INET6, SOCK_DGRAM, 0},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		errno = 0;
		int a = socket(kinds[i].domain, kinds[i].type, kinds[i].protocol);
		int ea = errno;
		errno = 0;
		int b = (int)raw_socket(kinds[i].domain, kinds[i].type, kinds[i].protocol);
		int eb = errno;
		if ((a < 0) != (b < 0) || (a < 0 && ea != eb))
			FAIL("socket(%d, %#x, %d): shim %d errno %d, kernel %d errno %d", kinds[i].domain,
			     kinds[i].type, kinds[i].protocol, a, ea, b, eb);
		if (a < 0)
			continue; /* e.g. no IPv6 here: failing the same way is the point */
		CHECK_MANAGED(a);
		CHECK_UNMANAGED(b); /* made behind the shim's back */
		same_fd_flags(a, b);
		same_sockopt_int(a, b, SOL_SOCKET, SO_DOMAIN);
		same_sockopt_int(a, b, SOL_SOCKET, SO_TYPE);
		same_sockopt_int(a, b, SOL_SOCKET, SO_PROTOCOL);
		CHECK_OK(close(a));
		CHECK_OK(raw_close(b));
		CHECK_UNMANAGED(a);
	}
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_socket_fails_like_the_kernel(void)
{
	size_t before = sfit_count();
	SAME(socket(12345, SOCK_STREAM, 0), raw_socket(12345, SOCK_STREAM, 0));
	SAME(socket(AF_INET, 12345, 0), raw_socket(AF_INET, 12345, 0));
	SAME(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), raw_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	SAME(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), raw_socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
	SAME(socket(AF_UNIX, SOCK_STREAM | 0x40000000, 0), raw_socket(AF_UNIX, SOCK_STREAM | 0x40000000, 0));
	SAME(socket(-1, -1, -1), raw_socket(-1, -1, -1));
	CHECK_EQ(sfit_count(), before);
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_socketpair_matches_the_kernel(void)
{
	static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM | SOCK_NONBLOCK,
				    SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int a[2], b[2];
		CHECK_OK(socketpair(AF_UNIX, types[i], 0, a));
		CHECK_OK(raw_socketpair(AF_UNIX, types[i], 0, b));
		CHECK_MANAGED(a[0]);
		CHECK_MANAGED(a[1]);
		for (int k = 0; k < 2; k++) {
			same_fd_flags(a[k], b[k]);
			same_sockopt_int(a[k], b[k], SOL_SOCKET, SO_TYPE);
		}
		for (int k = 0; k < 2; k++) {
			CHECK_OK(close(a[k]));
			CHECK_OK(raw_close(b[k]));
		}
	}
	size_t before = sfit_count();
	int sv[2] = {-7, -7}, rv[2] = {-7, -7};
	SAME(socketpair(AF_INET, SOCK_STREAM, 0, sv), raw_socketpair(AF_INET, SOCK_STREAM, 0, rv));
	SAME(socketpair(AF_INET, SOCK_DGRAM, 0, sv), raw_socketpair(AF_INET, SOCK_DGRAM, 0, rv));
	SAME(socketpair(AF_UNIX, 12345, 0, sv), raw_socketpair(AF_UNIX, 12345, 0, rv));
	SAME(socketpair(AF_UNIX, SOCK_STREAM, IPPROTO_TCP, sv), raw_socketpair(AF_UNIX, SOCK_STREAM, IPPROTO_TCP, rv));
	int *volatile nowhere = NULL;
	SAME(socketpair(AF_UNIX, SOCK_STREAM, 0, nowhere), raw_socketpair(AF_UNIX, SOCK_STREAM, 0, nowhere));
	/* The kernel writes the fd numbers it reserved even when it then fails;
	 * the shim must not take them for sockets. */
	CHECK_EQ(sv[0], rv[0]);
	CHECK_EQ(sv[1], rv[1]);
	CHECK_UNMANAGED(sv[0]);
	CHECK_UNMANAGED(sv[1]);
	CHECK_EQ(sfit_count(), before);
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_bind_and_getsockname_match_the_kernel(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(s >= 0);
	struct sockaddr_in a = sfit_loopback(0), got, raw;
	CHECK_OK(bind(s, (struct sockaddr *)&a, sizeof(a)));
	socklen_t gl = sizeof(got), rl = sizeof(raw);
	memset(&got, 0xaa, sizeof(got));
	memset(&raw, 0xaa, sizeof(raw));
	CHECK_OK(getsockname(s, (struct sockaddr *)&got, &gl));
	CHECK_OK(raw_getsockname(s, (struct sockaddr *)&raw, &rl));
	CHECK_EQ(gl, rl);
	CHECK(memcmp(&got, &raw, sizeof(got)) == 0);
	CHECK(got.sin_port != 0);
	CHECK_EQ(got.sin_addr.s_addr, htonl(INADDR_LOOPBACK));

	/* Already bound; address in use; too short; wrong family; not a socket; not open. */
	SAME(bind(s, (struct sockaddr *)&a, sizeof(a)), raw_bind(s, &a, sizeof(a)));
	int t = socket(AF_INET, SOCK_STREAM, 0), u = (int)raw_socket(AF_INET, SOCK_STREAM, 0);
	CHECK(t >= 0 && u >= 0);
	SAME(bind(t, (struct sockaddr *)&got, sizeof(got)), raw_bind(u, &got, sizeof(got)));
	CHECK_EQ(sfit_same_r, -1);
	SAME(bind(t, (struct sockaddr *)&a, 3), raw_bind(u, &a, 3));
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	SAME(bind(t, (struct sockaddr *)&un, sizeof(un)), raw_bind(u, &un, sizeof(un)));
	struct sockaddr_in priv = sfit_loopback(1);
	if (geteuid() != 0)
		SAME(bind(t, (struct sockaddr *)&priv, sizeof(priv)), raw_bind(u, &priv, sizeof(priv)));
	int p = a_pipe(), bad = not_open();
	SAME(bind(p, (struct sockaddr *)&a, sizeof(a)), raw_bind(p, &a, sizeof(a)));
	SAME(bind(bad, (struct sockaddr *)&a, sizeof(a)), raw_bind(bad, &a, sizeof(a)));
	SAME(bind(-1, (struct sockaddr *)&a, sizeof(a)), raw_bind(-1, &a, sizeof(a)));
	CHECK_OK(raw_close(u));

	/* getsockname: truncated buffer, the full length reported like the kernel. */
	struct sockaddr_in small_a, small_r;
	memset(&small_a, 0x55, sizeof(small_a));
	memset(&small_r, 0x55, sizeof(small_r));
	gl = rl = 4;
	SAME(getsockname(s, (struct sockaddr *)&small_a, &gl), raw_getsockname(s, &small_r, &rl));
	CHECK_EQ(gl, rl);
	CHECK(memcmp(&small_a, &small_r, sizeof(small_a)) == 0);
	SAME(getsockname(p, (struct sockaddr *)&got, &gl), raw_getsockname(p, &raw, &rl));
	SAME(getsockname(bad, (struct sockaddr *)&got, &gl), raw_getsockname(bad, &raw, &rl));

	/* AF_UNIX with a path. */
	int x = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(x >= 0);
	snprintf(un.sun_path, sizeof(un.sun_path), "/tmp/sfit-bind-%d", (int)getpid());
	unlink(un.sun_path);
	CHECK_OK(bind(x, (struct sockaddr *)&un, sizeof(un)));
	struct sockaddr_un gu, ru;
	socklen_t gul = sizeof(gu), rul = sizeof(ru);
	memset(&gu, 0, sizeof(gu));
	memset(&ru, 0, sizeof(ru));
	CHECK_OK(getsockname(x, (struct sockaddr *)&gu, &gul));
	CHECK_OK(raw_getsockname(x, &ru, &rul));
	CHECK_EQ(gul, rul);
	CHECK(memcmp(&gu, &ru, sizeof(gu)) == 0);
	CHECK(strcmp(gu.sun_path, un.sun_path) == 0);
	CHECK_OK(unlink(un.sun_path));
	CHECK_OK(close(x));
	CHECK_OK(close(t));
	CHECK_OK(close(s));
	CHECK_OK(close(p));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_listen_and_accept_match_the_kernel(void)
{
	/* listen: on an unbound TCP socket (auto-bind), on UDP, twice. */
	int s = socket(AF_INET, SOCK_STREAM, 0), r = (int)raw_socket(AF_INET, SOCK_STREAM, 0);
	CHECK(s >= 0 && r >= 0);
	SAME(listen(s, 5), raw_listen(r, 5));
	SAME(listen(s, 5), raw_listen(r, 5));
	int us = socket(AF_INET, SOCK_DGRAM, 0), ur = (int)raw_socket(AF_INET, SOCK_DGRAM, 0);
	SAME(listen(us, 5), raw_listen(ur, 5));
	int p = a_pipe(), bad = not_open();
	SAME(listen(p, 5), raw_listen(p, 5));
	SAME(listen(bad, 5), raw_listen(bad, 5));
	CHECK_OK(close(s));
	CHECK_OK(raw_close(r));

	/* accept: not listening, nothing pending (non-blocking), bad fds, bad flags. */
	int c = socket(AF_INET, SOCK_STREAM, 0), rc = (int)raw_socket(AF_INET, SOCK_STREAM, 0);
	SAME(accept(c, NULL, NULL), raw_accept4(rc, NULL, NULL, 0));
	SAME(accept(us, NULL, NULL), raw_accept4(ur, NULL, NULL, 0));
	SAME(accept(p, NULL, NULL), raw_accept4(p, NULL, NULL, 0));
	SAME(accept(bad, NULL, NULL), raw_accept4(bad, NULL, NULL, 0));
	SAME(accept4(c, NULL, NULL, 0x7fff), raw_accept4(rc, NULL, NULL, 0x7fff));
	CHECK_OK(close(c));
	CHECK_OK(raw_close(rc));
	CHECK_OK(close(us));
	CHECK_OK(raw_close(ur));

	struct sockaddr_in la;
	int l = sfit_tcp_listener(&la);
	sfit_set_nonblocking(l);
	int rl_ = (int)raw_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in any = sfit_loopback(0);
	CHECK_OK(raw_bind(rl_, &any, sizeof(any)));
	CHECK_OK(raw_listen(rl_, 5));
	SAME(accept(l, NULL, NULL), raw_accept4(rl_, NULL, NULL, 0));
	SAME(accept4(l, NULL, NULL, SOCK_CLOEXEC), raw_accept4(rl_, NULL, NULL, SOCK_CLOEXEC));
	CHECK_OK(raw_close(rl_));

	/* Two connections: accept with the peer address, accept4 with flags. */
	int c1 = socket(AF_INET, SOCK_STREAM, 0), c2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(connect(c1, (struct sockaddr *)&la, sizeof(la)));
	CHECK_OK(connect(c2, (struct sockaddr *)&la, sizeof(la)));
	struct pollfd pfd = {.fd = l, .events = POLLIN};
	CHECK_EQ(poll(&pfd, 1, 5000), 1);
	struct sockaddr_in peer, mine;
	socklen_t pl = sizeof(peer), ml = sizeof(mine);
	memset(&peer, 0, sizeof(peer));
	int a1 = accept(l, (struct sockaddr *)&peer, &pl);
	CHECK(a1 >= 0);
	CHECK_MANAGED(a1);
	CHECK_EQ(pl, sizeof(struct sockaddr_in));
	CHECK_OK(getsockname(c1, (struct sockaddr *)&mine, &ml));
	CHECK(memcmp(&peer, &mine, sizeof(peer)) == 0);
	/* accept(2) keeps no file status flag of the listener. */
	CHECK_EQ(fcntl(a1, F_GETFL) & O_NONBLOCK, 0);
	CHECK_EQ(fcntl(a1, F_GETFD) & FD_CLOEXEC, 0);

	/* accept4 into a buffer too small: truncated, the true length returned. */
	unsigned char tiny[4] = {0xee, 0xee, 0xee, 0xee};
	socklen_t tl = sizeof(tiny);
	CHECK_EQ(poll(&pfd, 1, 5000), 1);
	int a2 = accept4(l, (struct sockaddr *)tiny, &tl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(a2 >= 0);
	CHECK_MANAGED(a2);
	CHECK_EQ(tl, sizeof(struct sockaddr_in));
	ml = sizeof(mine);
	CHECK_OK(getsockname(c2, (struct sockaddr *)&mine, &ml));
	CHECK(memcmp(tiny, &mine, sizeof(tiny)) == 0);
	CHECK(fcntl(a2, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(a2, F_GETFD) & FD_CLOEXEC);
	same_sockopt_int(a1, a2, SOL_SOCKET, SO_TYPE);
	same_sockopt_int(a1, a2, SOL_SOCKET, SO_DOMAIN);

	/* The accepted pairs carry data both ways. */
	CHECK_EQ(send(c1, "ping", 4, 0), 4);
	char buf[8];
	CHECK_EQ(recv(a1, buf, sizeof(buf), 0), 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	CHECK_EQ(send(a2, "pong!", 5, 0), 5);
	CHECK_EQ(recv(c2, buf, 5, MSG_WAITALL), 5);
	CHECK(memcmp(buf, "pong!", 5) == 0);

	/* AF_UNIX listener. */
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	snprintf(un.sun_path, sizeof(un.sun_path), "/tmp/sfit-listen-%d", (int)getpid());
	unlink(un.sun_path);
	int ul = socket(AF_UNIX, SOCK_STREAM, 0), uc = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_OK(bind(ul, (struct sockaddr *)&un, sizeof(un)));
	CHECK_OK(listen(ul, 1));
	CHECK_OK(connect(uc, (struct sockaddr *)&un, sizeof(un)));
	struct sockaddr_un up;
	socklen_t upl = sizeof(up);
	int ua = accept(ul, (struct sockaddr *)&up, &upl);
	CHECK(ua >= 0);
	CHECK_MANAGED(ua);
	CHECK_EQ(upl, sizeof(sa_family_t)); /* an unbound peer: the family only */
	CHECK_OK(unlink(un.sun_path));

	int fds[] = {l, c1, c2, a1, a2, ul, uc, ua, p};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_connect_matches_the_kernel(void)
{
	struct sockaddr_in closed = sfit_loopback(sfit_closed_port());
	int s = socket(AF_INET, SOCK_STREAM, 0), r = (int)raw_socket(AF_INET, SOCK_STREAM, 0);
	SAME(connect(s, (struct sockaddr *)&closed, sizeof(closed)), raw_connect(r, &closed, sizeof(closed)));
	CHECK_EQ(sfit_same_r, -1);
	CHECK_OK(close(s));
	CHECK_OK(raw_close(r));

	/* Bad addresses, not a socket, not open. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	r = (int)raw_socket(AF_INET, SOCK_STREAM, 0);
	SAME(connect(s, (struct sockaddr *)&closed, 2), raw_connect(r, &closed, 2));
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	SAME(connect(s, (struct sockaddr *)&un, sizeof(un)), raw_connect(r, &un, sizeof(un)));
	const struct sockaddr *volatile nowhere = NULL;
	SAME(connect(s, nowhere, sizeof(closed)), raw_connect(r, nowhere, sizeof(closed)));
	int p = a_pipe(), bad = not_open();
	SAME(connect(p, (struct sockaddr *)&closed, sizeof(closed)), raw_connect(p, &closed, sizeof(closed)));
	SAME(connect(bad, (struct sockaddr *)&closed, sizeof(closed)), raw_connect(bad, &closed, sizeof(closed)));

	/* Connected; connected again (EISCONN). */
	struct sockaddr_in la;
	int l = sfit_tcp_listener(&la);
	SAME(connect(s, (struct sockaddr *)&la, sizeof(la)), raw_connect(r, &la, sizeof(la)));
	CHECK_EQ(sfit_same_r, 0);
	SAME(connect(s, (struct sockaddr *)&la, sizeof(la)), raw_connect(r, &la, sizeof(la)));
	CHECK_EQ(sfit_same_r, -1);

	/* Non-blocking connect: in progress (or done), then writable, SO_ERROR 0. */
	int n = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	errno = 0;
	int cr = connect(n, (struct sockaddr *)&la, sizeof(la));
	CHECK(cr == 0 || errno == EINPROGRESS);
	struct pollfd pfd = {.fd = n, .events = POLLOUT};
	CHECK_EQ(poll(&pfd, 1, 5000), 1);
	CHECK(pfd.revents & POLLOUT);
	int err = -1;
	socklen_t el = sizeof(err);
	CHECK_OK(getsockopt(n, SOL_SOCKET, SO_ERROR, &err, &el));
	CHECK_EQ(err, 0);

	/* Non-blocking connect to a closed port: refused now or through SO_ERROR,
	 * as the kernel decides -- compared with a raw socket doing the same. */
	int nr = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int rr = (int)raw_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	errno = 0;
	int c1 = connect(nr, (struct sockaddr *)&closed, sizeof(closed));
	int e1 = errno;
	errno = 0;
	int c2 = (int)raw_connect(rr, &closed, sizeof(closed));
	int e2 = errno;
	CHECK_EQ(c1, -1);
	CHECK_EQ(c2, -1);
	CHECK(e1 == EINPROGRESS || e1 == ECONNREFUSED);
	CHECK(e2 == EINPROGRESS || e2 == ECONNREFUSED);
	int fds2[2] = {nr, rr};
	for (int i = 0; i < 2; i++) {
		struct pollfd q = {.fd = fds2[i], .events = POLLOUT};
		CHECK_EQ(i ? raw_ppoll(&q, 1, (&(struct timespec){5, 0}), NULL) : poll(&q, 1, 5000), 1);
	}
	int er = -1, ek = -1;
	socklen_t erl = sizeof(er), ekl = sizeof(ek);
	CHECK_OK(getsockopt(nr, SOL_SOCKET, SO_ERROR, &er, &erl));
	CHECK_OK(raw_getsockopt(rr, SOL_SOCKET, SO_ERROR, &ek, &ekl));
	CHECK_EQ(er, e1 == EINPROGRESS ? ECONNREFUSED : 0);
	CHECK_EQ(ek, e2 == EINPROGRESS ? ECONNREFUSED : 0);
	CHECK_OK(raw_close(rr));

	/* UDP: connect, then dissolve the association with AF_UNSPEC. */
	int u = socket(AF_INET, SOCK_DGRAM, 0), ru = (int)raw_socket(AF_INET, SOCK_DGRAM, 0);
	SAME(connect(u, (struct sockaddr *)&la, sizeof(la)), raw_connect(ru, &la, sizeof(la)));
	struct sockaddr_in pa;
	socklen_t pal = sizeof(pa);
	CHECK_OK(getpeername(u, (struct sockaddr *)&pa, &pal));
	CHECK_EQ(pa.sin_port, la.sin_port);
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	SAME(connect(u, &unspec, sizeof(unspec)), raw_connect(ru, &unspec, sizeof(unspec)));
	SAME(getpeername(u, (struct sockaddr *)&pa, &pal), raw_getpeername(ru, &pa, &pal));
	CHECK_EQ(sfit_same_r, -1);
	CHECK_OK(raw_close(ru));

	int fds[] = {s, l, n, nr, u, p};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_OK(raw_close(r));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_getpeername_matches_the_kernel(void)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	struct sockaddr_in a, k;
	socklen_t al = sizeof(a), kl = sizeof(k);
	memset(&a, 0x11, sizeof(a));
	memset(&k, 0x11, sizeof(k));
	SAME(getpeername(c, (struct sockaddr *)&a, &al), raw_getpeername(c, &k, &kl));
	CHECK_EQ(al, kl);
	CHECK(memcmp(&a, &k, sizeof(a)) == 0);
	/* The server's peer is the client's own address. */
	struct sockaddr_in cl;
	socklen_t cll = sizeof(cl);
	CHECK_OK(getsockname(c, (struct sockaddr *)&cl, &cll));
	al = sizeof(a);
	CHECK_OK(getpeername(s, (struct sockaddr *)&a, &al));
	CHECK(memcmp(&a, &cl, sizeof(a)) == 0);
	/* Truncation, a zero length, unconnected, not a socket, not open. */
	al = kl = 6;
	memset(&a, 0x22, sizeof(a));
	memset(&k, 0x22, sizeof(k));
	SAME(getpeername(c, (struct sockaddr *)&a, &al), raw_getpeername(c, &k, &kl));
	CHECK_EQ(al, kl);
	CHECK(memcmp(&a, &k, sizeof(a)) == 0);
	al = kl = 0;
	SAME(getpeername(c, (struct sockaddr *)&a, &al), raw_getpeername(c, &k, &kl));
	CHECK_EQ(al, kl);
	int u = socket(AF_INET, SOCK_STREAM, 0);
	al = kl = sizeof(a);
	SAME(getpeername(u, (struct sockaddr *)&a, &al), raw_getpeername(u, &k, &kl));
	CHECK_EQ(sfit_same_r, -1);
	int p = a_pipe(), bad = not_open();
	SAME(getpeername(p, (struct sockaddr *)&a, &al), raw_getpeername(p, &k, &kl));
	SAME(getpeername(bad, (struct sockaddr *)&a, &al), raw_getpeername(bad, &k, &kl));
	socklen_t *volatile nolen = NULL;
	SAME(getpeername(c, (struct sockaddr *)&a, nolen), raw_getpeername(c, &k, nolen));
	int fds[] = {c, s, u, p};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_sockopts_match_the_kernel(void)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	int r = (int)raw_socket(AF_INET, SOCK_STREAM, 0);
	int v = 65536;
	SAME(setsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), raw_setsockopt(r, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	same_sockopt_int(c, r, SOL_SOCKET, SO_RCVBUF);
	v = 1;
	SAME(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)), raw_setsockopt(r, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)));
	same_sockopt_int(c, r, IPPROTO_TCP, TCP_NODELAY);
	SAME(setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)), raw_setsockopt(r, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	same_sockopt_int(c, r, SOL_SOCKET, SO_REUSEADDR);
	same_sockopt_int(c, r, SOL_SOCKET, SO_ERROR);
	same_sockopt_int(c, r, SOL_SOCKET, SO_KEEPALIVE);
	/* Structured options. */
	struct linger lg = {1, 3}, ga, gk;
	SAME(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), raw_setsockopt(r, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	socklen_t al = sizeof(ga), kl = sizeof(gk);
	SAME(getsockopt(c, SOL_SOCKET, SO_LINGER, &ga, &al), raw_getsockopt(r, SOL_SOCKET, SO_LINGER, &gk, &kl));
	CHECK(al == kl && ga.l_onoff == gk.l_onoff && ga.l_linger == gk.l_linger);
	struct timeval tv = {1, 500000}, ta, tk;
	SAME(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), raw_setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	al = sizeof(ta);
	kl = sizeof(tk);
	SAME(getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &ta, &al), raw_getsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tk, &kl));
	CHECK(al == kl && ta.tv_sec == tk.tv_sec && ta.tv_usec == tk.tv_usec);
	/* Short lengths, unknown options and levels, wrong sockets. */
	char one = 1;
	SAME(setsockopt(c, SOL_SOCKET, SO_RCVBUF, &one, 1), raw_setsockopt(r, SOL_SOCKET, SO_RCVBUF, &one, 1));
	SAME(setsockopt(c, SOL_SOCKET, 9999, &v, sizeof(v)), raw_setsockopt(r, SOL_SOCKET, 9999, &v, sizeof(v)));
	SAME(setsockopt(c, 9999, 1, &v, sizeof(v)), raw_setsockopt(r, 9999, 1, &v, sizeof(v)));
	int ia = 0, ik = 0;
	al = kl = sizeof(int);
	SAME(getsockopt(c, SOL_SOCKET, 9999, &ia, &al), raw_getsockopt(r, SOL_SOCKET, 9999, &ik, &kl));
	SAME(getsockopt(c, IPPROTO_UDP, 1, &ia, &al), raw_getsockopt(r, IPPROTO_UDP, 1, &ik, &kl));
	al = kl = 2; /* getsockopt truncates an int option to the buffer */
	SAME(getsockopt(c, SOL_SOCKET, SO_TYPE, &ia, &al), raw_getsockopt(r, SOL_SOCKET, SO_TYPE, &ik, &kl));
	CHECK_EQ(al, kl);
	al = kl = sizeof(int);
	int p = a_pipe(), bad = not_open();
	SAME(getsockopt(p, SOL_SOCKET, SO_TYPE, &ia, &al), raw_getsockopt(p, SOL_SOCKET, SO_TYPE, &ik, &kl));
	SAME(getsockopt(bad, SOL_SOCKET, SO_TYPE, &ia, &al), raw_getsockopt(bad, SOL_SOCKET, SO_TYPE, &ik, &kl));
	SAME(setsockopt(p, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), raw_setsockopt(p, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	SAME(setsockopt(bad, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), raw_setsockopt(bad, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	socklen_t *volatile nolen = NULL;
	SAME(getsockopt(c, SOL_SOCKET, SO_TYPE, &ia, nolen), raw_getsockopt(r, SOL_SOCKET, SO_TYPE, &ik, nolen));
	CHECK_OK(raw_close(r));
	int fds[] = {c, s, p};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_shutdown_matches_the_kernel(void)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	CHECK_OK(shutdown(c, SHUT_WR));
	char buf[16];
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 0); /* the FIN */
	CHECK_EQ(send(s, "late", 4, 0), 4);        /* the other way still works */
	CHECK_EQ(recv(c, buf, 4, MSG_WAITALL), 4);
	CHECK(memcmp(buf, "late", 4) == 0);
	SAME(send(c, "x", 1, MSG_NOSIGNAL), raw_send(c, "x", 1, MSG_NOSIGNAL));
	CHECK_EQ(sfit_same_r, -1);
	CHECK_OK(shutdown(s, SHUT_RD));
	sfit_set_nonblocking(s);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 0);
	/* Bad how; unconnected; not a socket; not open. */
	SAME(shutdown(c, 7), raw_shutdown(c, 7));
	SAME(shutdown(c, -1), raw_shutdown(c, -1));
	int u = socket(AF_INET, SOCK_STREAM, 0);
	SAME(shutdown(u, SHUT_RDWR), raw_shutdown(u, SHUT_RDWR));
	CHECK_EQ(sfit_same_r, -1);
	int p = a_pipe(), bad = not_open();
	SAME(shutdown(p, SHUT_RDWR), raw_shutdown(p, SHUT_RDWR));
	SAME(shutdown(bad, SHUT_RDWR), raw_shutdown(bad, SHUT_RDWR));
	/* AF_UNIX pair: SHUT_RDWR on one end is EOF / EPIPE for the other. */
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_OK(shutdown(sv[0], SHUT_RDWR));
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	CHECK_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	int fds[] = {c, s, u, p, sv[0], sv[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_OK(close(fds[i]));
	CHECK_TABLE_MATCHES_KERNEL();
}

SFIT_MAIN(SFIT_CASE(case_socket_creates_what_the_kernel_creates), SFIT_CASE(case_socket_fails_like_the_kernel),
	  SFIT_CASE(case_socketpair_matches_the_kernel), SFIT_CASE(case_bind_and_getsockname_match_the_kernel),
	  SFIT_CASE(case_listen_and_accept_match_the_kernel), SFIT_CASE(case_connect_matches_the_kernel),
	  SFIT_CASE(case_getpeername_matches_the_kernel), SFIT_CASE(case_sockopts_match_the_kernel),
	  SFIT_CASE(case_shutdown_matches_the_kernel))
