/* socket(2) with SOCK_NONBLOCK and SOCK_CLOEXEC: "SOCK_NONBLOCK  Set the
 * O_NONBLOCK file status flag on the open file description", "SOCK_CLOEXEC
 * Set the close-on-exec (FD_CLOEXEC) flag on the new file descriptor"; both
 * read back with fcntl(2) F_GETFL / F_GETFD.  Without them neither is set,
 * and F_SETFL O_NONBLOCK turns non-blocking on afterwards.  man 2 socket,
 * man 2 fcntl. */
#include "vcheck.h"

static void one(int domain, int type, const char *what)
{
	static const struct {
		int flags;
		const char *name;
	} variants[] = {{0, "0"},
			{SOCK_NONBLOCK, "SOCK_NONBLOCK"},
			{SOCK_CLOEXEC, "SOCK_CLOEXEC"},
			{SOCK_NONBLOCK | SOCK_CLOEXEC, "SOCK_NONBLOCK|SOCK_CLOEXEC"}};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		int f = variants[i].flags;
		int fd = socket(domain, type | f, 0);
		CHECK(fd >= 0);
		int fl = fcntl(fd, F_GETFL), fdf = fcntl(fd, F_GETFD);
		CHECK(fl >= 0 && fdf >= 0);
		CHECK_EQ(!!(fl & O_NONBLOCK), !!(f & SOCK_NONBLOCK));
		CHECK_EQ(!!(fdf & FD_CLOEXEC), !!(f & SOCK_CLOEXEC));
		CHECK_EQ(fl & O_ACCMODE, O_RDWR);
		printf("%s %s: O_NONBLOCK %d FD_CLOEXEC %d O_RDWR %d\n", what, variants[i].name, !!(fl & O_NONBLOCK),
		       !!(fdf & FD_CLOEXEC), (fl & O_ACCMODE) == O_RDWR);
		if (!f) {
			CHECK_OK(fcntl(fd, F_SETFL, fl | O_NONBLOCK));
			CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
			CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
			CHECK_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
			printf("%s 0 then F_SETFL O_NONBLOCK, F_SETFD FD_CLOEXEC: both set\n", what);
		}
		CHECK_OK(close(fd));
	}
}

int main(void)
{
	vc_begin("socket() flags visible via fcntl");
	one(AF_INET, SOCK_STREAM, "AF_INET SOCK_STREAM");
	one(AF_INET, SOCK_DGRAM, "AF_INET SOCK_DGRAM");
	one(AF_INET6, SOCK_STREAM, "AF_INET6 SOCK_STREAM");
	one(AF_INET6, SOCK_DGRAM, "AF_INET6 SOCK_DGRAM");
	return 0;
}
