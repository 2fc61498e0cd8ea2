/* sendfile(2) with a NULL offset: "If offset is NULL, then data will be read
 * from in_fd starting at the file offset, and the file offset will be
 * updated by the call."  Two calls send consecutive parts of the file; the
 * peer receives them in order; the file position moved by the total.
 * A socket as in_fd is EINVAL.  man 2 sendfile. */
#include "vcheck.h"
#include <sys/sendfile.h>

int main(void)
{
	vc_begin("sendfile with a NULL offset");
	enum { FILE_SIZE = 50000 };
	int f = sfit_temp_file(FILE_SIZE, 9);
	static unsigned char want[FILE_SIZE], got[FILE_SIZE];
	sfit_read_full(f, want, FILE_SIZE);
	CHECK_OK(lseek(f, 500, SEEK_SET));
	int c, s;
	sfit_tcp_pair(&c, &s);
	VC_EQ(sendfile(c, f, NULL, 3000), 3000);
	VC_EQ(lseek(f, 0, SEEK_CUR), 3500);
	VC_EQ(sendfile(c, f, NULL, 1500), 1500);
	VC_EQ(lseek(f, 0, SEEK_CUR), 5000);
	VC_EQ(recv(s, got, 4500, MSG_WAITALL), 4500);
	CHECK(memcmp(got, want + 500, 4500) == 0);
	VC_NOTE("bytes 500..5000 of the file in order, checksum %016llx",
		(unsigned long long)vc_fnv(VC_FNV_INIT, got, 4500));
	VC_ERR(sendfile(c, s, NULL, 10), EINVAL);
	return 0;
}
