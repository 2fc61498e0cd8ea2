/* sendfile(2) from a regular file to a TCP socket with an offset pointer:
 * "If offset is not NULL, then it points to a variable holding the file
 * offset from which sendfile() will start reading data from in_fd.  When
 * sendfile() returns, this variable will be set to the offset of the byte
 * following the last byte that was read.  If offset is not NULL, then
 * sendfile() does not modify the file offset of in_fd".  The peer receives
 * exactly the file's bytes from that offset; at the end of the file
 * sendfile returns 0.  man 2 sendfile. */
#include "vcheck.h"
#include <sys/sendfile.h>

int main(void)
{
	vc_begin("sendfile with an offset pointer");
	enum { FILE_SIZE = 100000, START = 1000, COUNT = 20000 };
	int f = sfit_temp_file(FILE_SIZE, 3);
	static unsigned char want[FILE_SIZE], got[COUNT];
	sfit_read_full(f, want, FILE_SIZE);
	CHECK_OK(lseek(f, 10, SEEK_SET));
	int c, s;
	sfit_tcp_pair(&c, &s);
	off_t off = START;
	size_t sent = 0;
	while (sent < COUNT) {
		ssize_t r = sendfile(c, f, &off, COUNT - sent);
		CHECK(r > 0);
		sent += (size_t)r;
	}
	VC_EQ(sent, COUNT);
	VC_EQ(off, START + COUNT);
	VC_EQ(lseek(f, 0, SEEK_CUR), 10);
	VC_EQ(recv(s, got, COUNT, MSG_WAITALL), COUNT);
	CHECK(memcmp(got, want + START, COUNT) == 0);
	VC_NOTE("bytes %d..%d of the file, checksum %016llx", START, START + COUNT,
		(unsigned long long)vc_fnv(VC_FNV_INIT, got, COUNT));
	off = FILE_SIZE;
	VC_EQ(sendfile(c, f, &off, 100), 0);
	VC_EQ(off, FILE_SIZE);
	/* a short tail: count beyond the end sends what is there */
	off = FILE_SIZE - 10;
	VC_EQ(sendfile(c, f, &off, 100), 10);
	VC_EQ(off, FILE_SIZE);
	VC_EQ(recv(s, got, 10, MSG_WAITALL), 10);
	CHECK(memcmp(got, want + FILE_SIZE - 10, 10) == 0);
	return 0;
}
