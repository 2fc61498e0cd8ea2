/* A C client of the resolver, run with libsockfault.so preloaded and a
 * scenario with virtual host names.  It never links the shim.
 *
 *   resolve_client connect NAME
 *       listens on 127.0.0.1 (a forked child answers "hello\n"), resolves
 *       NAME with getaddrinfo and connects, then with gethostbyname_r and
 *       connects again; prints one line per way and exits 0 if both reached
 *       the listener.
 *   resolve_client conventions
 *       checks the C-level conventions glibc's callers rely on, against
 *       conventions.sf: the _r functions' return values, *h_errnop and
 *       errno, ERANGE for a small buffer, static storage of the non-_r
 *       functions, freeaddrinfo on lists from either source, getnameinfo's
 *       buffer limits.  Prints "ok: ..." per check; exits 1 if any failed.
 *   resolve_client dump NAME...
 *       prints everything the resolver functions return for each NAME and
 *       for the loopback addresses, errno and h_errno included (each set to
 *       a sentinel first), to be compared between a native run and one
 *       under the shim.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                          \
	do {                                                      \
		if (cond) {                                       \
			printf("ok: " __VA_ARGS__);               \
			printf("\n");                             \
		} else {                                          \
			printf("FAIL (%s:%d): ", __FILE__, __LINE__); \
			printf(__VA_ARGS__);                      \
			printf("\n");                             \
			failures++;                               \
		}                                                 \
	} while (0)

/* --- connect ------------------------------------------------------------ */

static int read_greeting(int fd, char *buf, size_t len)
{
	size_t got = 0;
	while (got + 1 < len) {
		ssize_t n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (buf[got - 1] == '\n')
			break;
	}
	buf[got] = '\0';
	return got ? 0 : -1;
}

static pid_t serve(int lfd)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		if (c < 0)
			continue;
		(void)!write(c, "hello\n", 6);
		close(c);
	}
}

static int cmd_connect(const char *name)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t slen = sizeof(sin);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(lfd, 8) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &slen) != 0) {
		perror("listener");
		return 2;
	}
	pid_t child = serve(lfd);
	char port[16], greeting[64], text[INET6_ADDRSTRLEN];
	snprintf(port, sizeof(port), "%u", ntohs(sin.sin_port));

	/* getaddrinfo, as most clients do it. */
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
	int r = getaddrinfo(name, port, &hints, &res);
	if (r != 0) {
		printf("getaddrinfo %s: %s\n", name, gai_strerror(r));
		failures++;
	} else {
		int fd = -1;
		for (ai = res; ai; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
			if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
				break;
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		if (fd >= 0 && read_greeting(fd, greeting, sizeof(greeting)) == 0) {
			const void *a = ai->ai_family == AF_INET
						? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
						: (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
			printf("getaddrinfo %s -> %s port %s: %s", name,
			       inet_ntop(ai->ai_family, a, text, sizeof(text)), port, greeting);
		} else {
			printf("getaddrinfo %s: no address connected\n", name);
			failures++;
		}
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
	}

	/* gethostbyname_r, as older code does it. */
	struct hostent he, *h = NULL;
	char buf[1024];
	int herr = 0;
	r = gethostbyname_r(name, &he, buf, sizeof(buf), &h, &herr);
	if (r != 0 || !h) {
		printf("gethostbyname_r %s: rc %d, h_errno %d (%s)\n", name, r, herr, hstrerror(herr));
		failures++;
	} else {
		struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = sin.sin_port};
		memcpy(&to.sin_addr, h->h_addr_list[0], 4);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0 &&
		    read_greeting(fd, greeting, sizeof(greeting)) == 0) {
			printf("gethostbyname_r %s -> %s (h_name %s) port %s: %s", name,
			       inet_ntop(AF_INET, &to.sin_addr, text, sizeof(text)), h->h_name, port, greeting);
		} else {
			printf("gethostbyname_r %s: connect failed: %s\n", name, strerror(errno));
			failures++;
		}
		if (fd >= 0)
			close(fd);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return failures ? 1 : 0;
}

/* --- conventions (conventions.sf) ---------------------------------------- */

static const char *addr4(const char *p, char *out)
{
	return inet_ntop(AF_INET, p, out, INET_ADDRSTRLEN);
}

static void byname_r_success(void)
{
	struct hostent he, *h = (struct hostent *)1;
	char buf[512], a[INET_ADDRSTRLEN];
	int herr = 12345;
	errno = 4242;
	int r = gethostbyname_r("Web.Test", &he, buf, sizeof(buf), &h, &herr);
	CHECK(r == 0 && h == &he, "gethostbyname_r(Web.Test) returns 0 and *result = ret (rc %d)", r);
	if (!h || h == (struct hostent *)1)
		return;
	CHECK(errno == 0, "gethostbyname_r success leaves errno 0, as glibc (errno %d)", errno);
	CHECK(strcmp(h->h_name, "Web.Test") == 0, "h_name is the name as given (%s)", h->h_name);
	CHECK(h->h_addrtype == AF_INET && h->h_length == 4, "AF_INET, 4-byte addresses");
	CHECK(h->h_aliases && !h->h_aliases[0], "no aliases");
	CHECK(h->h_addr_list[0] && !strcmp(addr4(h->h_addr_list[0], a), "127.0.0.1") && !h->h_addr_list[1],
	      "h_addr_list is {127.0.0.1}");
	CHECK((char *)h->h_name >= buf && (char *)h->h_name < buf + sizeof(buf), "h_name lives in buf");
}

static void byname_r_erange(void)
{
	struct hostent he, *h;
	char buf[512];
	int herr;
	size_t n;
	for (n = 0; n <= sizeof(buf); n++) {
		herr = 0;
		errno = 0;
		int r = gethostbyname_r("web.test", &he, buf, n, &h, &herr);
		if (r == 0)
			break;
		if (r != ERANGE || h || herr != NETDB_INTERNAL || errno != ERANGE) {
			CHECK(0, "small buffer %zu: rc %d, result %p, h_errno %d, errno %d", n, r, (void *)h,
			      herr, errno);
			return;
		}
	}
	CHECK(n > 0 && n <= sizeof(buf),
	      "buffers below %zu bytes give ERANGE, *result NULL, h_errno NETDB_INTERNAL, errno ERANGE", n);
	/* One byte short of the minimum, with the buffer misaligned. */
	int r = gethostbyname_r("web.test", &he, buf + 1, n, &h, &herr);
	CHECK(r == 0 || r == ERANGE, "a misaligned buffer is aligned inside, never overrun (rc %d)", r);
}

static void byname_r_failures(void)
{
	struct hostent he, *h;
	char buf[512];
	int herr = 0;
	errno = 0;
	int r = gethostbyname_r("nowhere.test", &he, buf, sizeof(buf), &h, &herr);
	CHECK(r == EAGAIN && !h && herr == TRY_AGAIN && errno == EAGAIN,
	      "unknown-hosts EAI_AGAIN: rc EAGAIN, h_errno TRY_AGAIN (rc %d, h_errno %d, errno %d)", r,
	      herr, errno);
	herr = 0;
	r = gethostbyname2_r("web.test", AF_INET6, &he, buf, sizeof(buf), &h, &herr);
	CHECK(r == 0 && !h && herr == HOST_NOT_FOUND,
	      "no IPv6 address: rc 0, *result NULL, HOST_NOT_FOUND as /etc/hosts (rc %d, h_errno %d)", r,
	      herr);
	herr = 0;
	r = gethostbyname2_r("v6.test", AF_INET6, &he, buf, sizeof(buf), &h, &herr);
	CHECK(r == 0 && h && h->h_length == 16 && h->h_addrtype == AF_INET6 &&
		      IN6_IS_ADDR_LOOPBACK((struct in6_addr *)h->h_addr_list[0]),
	      "gethostbyname2_r(v6.test, AF_INET6) is ::1");
	herr = 0;
	r = gethostbyname_r("flaky.test", &he, buf, sizeof(buf), &h, &herr);
	CHECK(!h && herr == NO_RECOVERY, "herror NO_RECOVERY rule: *result NULL, h_errno NO_RECOVERY");
	herr = 0;
	r = gethostbyname_r("localhost", &he, buf, sizeof(buf), &h, &herr);
	CHECK(r == EAGAIN && !h && herr == TRY_AGAIN,
	      "a name only /etc/hosts knows is unknown to the scenario (rc %d, h_errno %d)", r, herr);
	herr = 0;
	r = gethostbyname_r("127.0.0.1", &he, buf, sizeof(buf), &h, &herr);
	CHECK(r == 0 && h && h->h_addr_list[0], "numeric names still go to libc");
}

static void static_storage(void)
{
	char a[INET_ADDRSTRLEN];
	struct hostent *byname = gethostbyname("web.test");
	CHECK(byname && !strcmp(byname->h_name, "web.test"), "gethostbyname(web.test)");
	struct in_addr lo = {htonl(INADDR_LOOPBACK)};
	struct hostent *byaddr = gethostbyaddr(&lo, sizeof(lo), AF_INET);
	CHECK(byaddr && !strcmp(byaddr->h_name, "web.test"), "gethostbyaddr(127.0.0.1) is web.test");
	struct hostent *byname2 = gethostbyname2("v6.test", AF_INET6);
	CHECK(byname2 && byname2->h_length == 16, "gethostbyname2(v6.test, AF_INET6)");
	CHECK(byname && byaddr && byname != byaddr && byname != byname2 &&
		      !strcmp(byname->h_name, "web.test") &&
		      !strcmp(addr4(byname->h_addr_list[0], a), "127.0.0.1"),
	      "each non-_r function has its own static result, as in glibc");
	h_errno = 0;
	errno = 0;
	struct hostent *none = gethostbyname("nowhere.test");
	CHECK(!none && h_errno == TRY_AGAIN && errno == EAGAIN, "gethostbyname failure sets h_errno");
	struct in_addr glob = {htonl(0x7f000009)};
	h_errno = 0;
	none = gethostbyaddr(&glob, sizeof(glob), AF_INET);
	CHECK(!none && h_errno == TRY_AGAIN,
	      "an address only a glob lists is an unknown host for reverse lookups");
}

static void byaddr_r(void)
{
	struct hostent he, *h;
	char buf[512];
	int herr;
	struct in6_addr v6 = IN6ADDR_LOOPBACK_INIT;
	int r = gethostbyaddr_r(&v6, sizeof(v6), AF_INET6, &he, buf, sizeof(buf), &h, &herr);
	CHECK(r == 0 && h && !strcmp(h->h_name, "v6.test") && h->h_length == 16 &&
		      !memcmp(h->h_addr_list[0], &v6, 16) && !h->h_addr_list[1],
	      "gethostbyaddr_r(::1) is v6.test with the address itself");
	struct in_addr lo = {htonl(INADDR_LOOPBACK)};
	r = gethostbyaddr_r(&lo, 3, AF_INET, &he, buf, sizeof(buf), &h, &herr);
	CHECK(r == EAFNOSUPPORT && !h, "a bad length goes to libc: EAFNOSUPPORT (rc %d)", r);
}

static void addrinfo_lists(void)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ours = NULL, *theirs = NULL;
	int r1 = getaddrinfo("web.test", "80", &hints, &ours);
	int r2 = getaddrinfo("127.0.0.1", "80", &hints, &theirs);
	CHECK(r1 == 0 && r2 == 0 && ours && theirs, "lists from the table and from glibc");
	if (ours && theirs) {
		CHECK(ours->ai_addrlen == theirs->ai_addrlen &&
			      !memcmp(ours->ai_addr, theirs->ai_addr, ours->ai_addrlen) &&
			      ours->ai_family == theirs->ai_family && ours->ai_protocol == theirs->ai_protocol &&
			      ours->ai_flags == theirs->ai_flags && !ours->ai_next && !theirs->ai_next,
		      "web.test answers exactly as 127.0.0.1 does");
	}
	/* Each goes to its own allocator; ASan or glibc's checks would catch a
	 * cross-free. */
	freeaddrinfo(ours);
	freeaddrinfo(theirs);
	freeaddrinfo(NULL);
	CHECK(1, "freeaddrinfo on both lists and on NULL");
	struct addrinfo canon = {.ai_flags = AI_CANONNAME}, *res;
	if (getaddrinfo("WEB.test", NULL, &canon, &res) == 0) {
		CHECK(res->ai_canonname && !strcmp(res->ai_canonname, "WEB.test") && res->ai_next &&
			      !res->ai_next->ai_canonname,
		      "AI_CANONNAME: the name as given, on the first entry only");
		freeaddrinfo(res);
	} else {
		CHECK(0, "getaddrinfo(WEB.test, AI_CANONNAME)");
	}
}

static void nameinfo(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	char host[64], serv[32];
	int r = getnameinfo((struct sockaddr *)&sin, sizeof(sin), host, sizeof(host), serv, sizeof(serv),
			    NI_NAMEREQD);
	CHECK(r == 0 && !strcmp(host, "web.test") && !strcmp(serv, "http"), "getnameinfo 127.0.0.1:80");
	r = getnameinfo((struct sockaddr *)&sin, sizeof(sin), host, 8, NULL, 0, 0);
	CHECK(r == EAI_OVERFLOW, "hostlen 8 for web.test: EAI_OVERFLOW (rc %d)", r);
	r = getnameinfo((struct sockaddr *)&sin, sizeof(sin), host, 9, NULL, 0, 0);
	CHECK(r == 0 && !strcmp(host, "web.test"), "hostlen 9 fits");
	r = getnameinfo((struct sockaddr *)&sin, sizeof(sin) - 1, host, sizeof(host), NULL, 0, 0);
	CHECK(r == EAI_FAMILY, "a short sockaddr: EAI_FAMILY (rc %d)", r);
	r = getnameinfo((struct sockaddr *)&sin, sizeof(sin), host, sizeof(host), NULL, 0, 0x4000);
	CHECK(r == EAI_BADFLAGS, "unknown flags: EAI_BADFLAGS (rc %d)", r);
	sin.sin_addr.s_addr = htonl(0xc0000263); /* 192.0.2.99, in no entry */
	r = getnameinfo((struct sockaddr *)&sin, sizeof(sin), host, sizeof(host), NULL, 0, 0);
	CHECK(r == EAI_AGAIN, "unknown-hosts EAI_AGAIN on a reverse lookup: EAI_AGAIN (rc %d)", r);
}

static int cmd_conventions(void)
{
	byname_r_success();
	byname_r_erange();
	byname_r_failures();
	static_storage();
	byaddr_r();
	addrinfo_lists();
	nameinfo();
	printf("%d failure(s)\n", failures);
	return failures ? 1 : 0;
}

/* --- dump ----------------------------------------------------------------
 * What glibc would hand to DNS (a name /etc/hosts lacks for a family, an
 * address it has no name for) is left out, as in resolver_probe.py: a DNS
 * timeout in one run only is not a difference the shim made.  Numeric names
 * never reach DNS. */

#define SENTINEL 4242

static int answerable(const char *name, int family)
{
	struct in6_addr a;
	if (inet_pton(AF_INET6, name, &a) == 1 || strspn(name, "0123456789.") == strlen(name))
		return 1;
	struct addrinfo hints = {.ai_family = family}, *res;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return 0;
	freeaddrinfo(res);
	return 1;
}

static void print_hostent(const struct hostent *h)
{
	char text[INET6_ADDRSTRLEN];
	if (!h) {
		printf(" NULL");
		return;
	}
	printf(" name=%s type=%d len=%d aliases=[", h->h_name, h->h_addrtype, h->h_length);
	for (char **a = h->h_aliases; a && *a; a++)
		printf(" %s", *a);
	printf(" ] addrs=[");
	for (char **a = h->h_addr_list; a && *a; a++)
		printf(" %s", inet_ntop(h->h_addrtype, *a, text, sizeof(text)) ? text : "?");
	printf(" ]");
}

static void dump_addrinfo(const char *name, const char *service, int family, int socktype, int flags)
{
	struct addrinfo hints = {.ai_flags = flags, .ai_family = family, .ai_socktype = socktype}, *res = NULL;
	char text[INET6_ADDRSTRLEN];
	errno = SENTINEL;
	int r = getaddrinfo(name, service, &hints, &res);
	int e = errno;
	printf("getaddrinfo %s %s family %d type %d flags %#x -> %d (%s)", name ? name : "NULL",
	       service ? service : "NULL", family, socktype, flags, r, r ? gai_strerror(r) : "ok");
	for (struct addrinfo *ai = r ? NULL : res; ai; ai = ai->ai_next) {
		const void *a = ai->ai_family == AF_INET
					? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
					: (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		printf(" [%d %d %d %#x %u %s:%u %s]", ai->ai_family, ai->ai_socktype, ai->ai_protocol,
		       ai->ai_flags, ai->ai_addrlen, inet_ntop(ai->ai_family, a, text, sizeof(text)),
		       ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port),
		       ai->ai_canonname ? ai->ai_canonname : "-");
	}
	printf(" errno %d\n", e);
	if (!r)
		freeaddrinfo(res);
}

static void dump_byname(const char *name)
{
	struct hostent he, *h = NULL;
	char buf[2048];
	int herr = SENTINEL, r;
	if (answerable(name, AF_INET)) {
		errno = SENTINEL;
		r = gethostbyname_r(name, &he, buf, sizeof(buf), &h, &herr);
		printf("gethostbyname_r %s -> %d h_errno %d errno %d", name, r, h ? 0 : herr, errno);
		print_hostent(h);
		printf("\n");
		errno = SENTINEL;
		h = gethostbyname(name);
		printf("gethostbyname %s -> errno %d h_errno %d", name, errno, h ? 0 : h_errno);
		print_hostent(h);
		printf("\n");
	}
	if (!answerable(name, AF_INET6))
		return;
	herr = SENTINEL;
	errno = SENTINEL;
	r = gethostbyname2_r(name, AF_INET6, &he, buf, sizeof(buf), &h, &herr);
	printf("gethostbyname2_r %s AF_INET6 -> %d h_errno %d errno %d", name, r, h ? 0 : herr, errno);
	print_hostent(h);
	printf("\n");
	errno = SENTINEL;
	h = gethostbyname2(name, AF_INET6);
	printf("gethostbyname2 %s AF_INET6 -> errno %d h_errno %d", name, errno, h ? 0 : h_errno);
	print_hostent(h);
	printf("\n");
}

static void dump_byaddr(int family, const char *text)
{
	unsigned char a[16];
	socklen_t len = family == AF_INET ? 4 : 16;
	struct hostent he, *h = NULL;
	char buf[2048];
	int herr = SENTINEL;
	inet_pton(family, text, a);
	int known = gethostbyaddr_r(a, len, family, &he, buf, sizeof(buf), &h, &herr) == 0 && h;
	printf("reverse %s known %d\n", text, known);
	if (known) {
		errno = SENTINEL;
		int r = gethostbyaddr_r(a, len, family, &he, buf, sizeof(buf), &h, &herr);
		printf("gethostbyaddr_r %s -> %d h_errno %d errno %d", text, r, h ? 0 : herr, errno);
		print_hostent(h);
		printf("\n");
		errno = SENTINEL;
		h = gethostbyaddr(a, len, family);
		printf("gethostbyaddr %s -> errno %d h_errno %d", text, errno, h ? 0 : h_errno);
		print_hostent(h);
		printf("\n");
	}
	static const int flags[] = {0, NI_NUMERICHOST, NI_NAMEREQD, NI_NUMERICSERV, NI_DGRAM, NI_NOFQDN};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!known && !(flags[i] & NI_NUMERICHOST))
			continue;
		struct sockaddr_storage ss = {0};
		socklen_t sl;
		if (family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
			sin->sin_family = AF_INET;
			sin->sin_port = htons(53);
			memcpy(&sin->sin_addr, a, 4);
			sl = sizeof(*sin);
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(53);
			memcpy(&sin6->sin6_addr, a, 16);
			sl = sizeof(*sin6);
		}
		char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
		errno = SENTINEL;
		int rc = getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv, sizeof(serv), flags[i]);
		int e = errno;
		printf("getnameinfo %s flags %#x -> %d host %s serv %s errno %d\n", text, flags[i], rc,
		       rc ? "-" : host, rc ? "-" : serv, e);
	}
}

static int cmd_dump(int n, char **names)
{
	static const int families[] = {AF_UNSPEC, AF_INET, AF_INET6};
	static const int flags[] = {0, AI_CANONNAME, AI_ADDRCONFIG, AI_V4MAPPED | AI_ALL, AI_NUMERICHOST};
	for (int i = 0; i < n; i++) {
		for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
			for (size_t g = 0; g < sizeof(flags) / sizeof(flags[0]); g++) {
				if (!answerable(names[i], families[f]))
					continue;
				dump_addrinfo(names[i], "80", families[f], 0, flags[g]);
				dump_addrinfo(names[i], "domain", families[f], SOCK_DGRAM, flags[g]);
			}
		dump_addrinfo(names[i], "nosuchservice", AF_UNSPEC, 0, 0);
		dump_addrinfo(names[i], NULL, 99, 0, 0);
		dump_byname(names[i]);
	}
	dump_addrinfo(NULL, "80", AF_UNSPEC, SOCK_STREAM, AI_PASSIVE);
	dump_addrinfo(NULL, NULL, AF_UNSPEC, 0, 0);
	dump_byaddr(AF_INET, "127.0.0.1");
	dump_byaddr(AF_INET6, "::1");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && !strcmp(argv[1], "connect"))
		return cmd_connect(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "conventions"))
		return cmd_conventions();
	if (argc >= 2 && !strcmp(argv[1], "dump"))
		return cmd_dump(argc - 2, argv + 2);
	fprintf(stderr, "usage: resolve_client connect NAME | conventions | dump NAME...\n");
	return 2;
}
