/* Over UDP loopback and AF_UNIX datagram and seqpacket socketpairs, every
 * send-family call with every recv-family call keeps datagrams whole and
 * separate, reports the sender's address, truncates and flags as the kernel
 * does, and batches with sendmmsg/recvmmsg. */
#include "sfit.h"

#include <poll.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

enum { SENDERS = 7, RECEIVERS = 6 };
static const char *const sender_names[SENDERS] = {"send", "sendto", "sendmsg", "sendmmsg", "write", "writev", "sendfile"};
static const char *const receiver_names[RECEIVERS] = {"recv", "recvfrom", "recvmsg", "recvmmsg", "read", "readv"};

/* One datagram of n bytes with one kind of call; returns what it returned. */
static ssize_t send_one(int kind, int fd, const unsigned char *buf, size_t n, uint32_t seed)
{
	switch (kind) {
	case 0: return send(fd, buf, n, 0);
	case 1: return sendto(fd, buf, n, 0, NULL, 0);
	case 2: {
		size_t a = n / 2;
		struct iovec iov[2] = {{(void *)buf, a}, {(void *)(buf + a), n - a}};
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
		return sendmsg(fd, &m, 0);
	}
	case 3: {
		struct iovec iov = {(void *)buf, n};
		struct mmsghdr mm;
		memset(&mm, 0, sizeof(mm));
		mm.msg_hdr.msg_iov = &iov;
		mm.msg_hdr.msg_iovlen = 1;
		int k = sendmmsg(fd, &mm, 1, 0);
		if (k < 0)
			return -1;
		CHECK_EQ(k, 1);
		return (ssize_t)mm.msg_len;
	}
	case 4: return write(fd, buf, n);
	case 5: {
		struct iovec iov[3] = {{(void *)buf, n / 3}, {(void *)(buf + n / 3), n / 3},
				       {(void *)(buf + 2 * (n / 3)), n - 2 * (n / 3)}};
		return writev(fd, iov, 3);
	}
	default: {
		int f = sfit_temp_file(n, seed);
		off_t o = 0;
		ssize_t r = sendfile(fd, f, &o, n);
		CHECK_OK(close(f));
		return r;
	}
	}
}

/* Receives one datagram into buf (cap bytes); returns its length. */
static ssize_t recv_one(int kind, int fd, unsigned char *buf, size_t cap)
{
	switch (kind) {
	case 0: return recv(fd, buf, cap, 0);
	case 1: {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		return recvfrom(fd, buf, cap, 0, (struct sockaddr *)&from, &fl);
	}
	case 2: {
		size_t a = cap / 2;
		struct iovec iov[2] = {{buf, a}, {buf + a, cap - a}};
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
		ssize_t r = recvmsg(fd, &m, 0);
		if (r >= 0)
			CHECK_EQ(m.msg_flags & MSG_TRUNC, 0);
		return r;
	}
	case 3: {
		struct iovec iov = {buf, cap};
		struct mmsghdr mm;
		memset(&mm, 0, sizeof(mm));
		mm.msg_hdr.msg_iov = &iov;
		mm.msg_hdr.msg_iovlen = 1;
		int k = recvmmsg(fd, &mm, 1, 0, NULL);
		if (k < 0)
			return -1;
		CHECK_EQ(k, 1);
		return (ssize_t)mm.msg_len;
	}
	case 4: return read(fd, buf, cap);
	default: {
		struct iovec iov[3] = {{buf, 5}, {buf + 5, 100}, {buf + 105, cap - 105}};
		return readv(fd, iov, 3);
	}
	}
}

static void matrix(int a, int b, const char *what)
{
	static const size_t sizes[] = {1, 1000, 8000};
	enum { CAP = 9000 };
	unsigned char out[3][8000], in[CAP];
	uint32_t seed = 100;
	for (int s = 0; s < SENDERS; s++) {
		for (int r = 0; r < RECEIVERS; r++, seed++) {
			/* three datagrams queued, then received one by one */
			for (int z = 0; z < 3; z++) {
				sfit_fill(out[z], sizes[z], seed * 3 + (uint32_t)z);
				ssize_t w = send_one(s, a, out[z], sizes[z], seed * 3 + (uint32_t)z);
				if (w != (ssize_t)sizes[z])
					FAIL("%s: %s of %zu bytes returned %zd (errno %d %s)", what, sender_names[s],
					     sizes[z], w, errno, strerror(errno));
			}
			for (int z = 0; z < 3; z++) {
				memset(in, 0, sizeof(in));
				ssize_t got = recv_one(r, b, in, CAP);
				if (got != (ssize_t)sizes[z] || memcmp(in, out[z], sizes[z]) != 0)
					FAIL("%s: %s -> %s: datagram %d of %zu bytes came as %zd bytes%s", what,
					     sender_names[s], receiver_names[r], z, sizes[z], got,
					     got == (ssize_t)sizes[z] ? " with other data" : "");
			}
		}
	}
	/* nothing left */
	unsigned char x;
	CHECK_ERR(recv(b, &x, 1, MSG_DONTWAIT), EAGAIN);
	CHECK_ERR(recv(a, &x, 1, MSG_DONTWAIT), EAGAIN);
}

static void case_every_call_pair_over_udp(void)
{
	int a, b;
	sfit_udp_pair(&a, &b);
	matrix(a, b, "udp");
	matrix(b, a, "udp reversed");
	CHECK_OK(close(a));
	CHECK_OK(close(b));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_every_call_pair_over_unix_dgram(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	matrix(sv[0], sv[1], "unix dgram");
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_every_call_pair_over_unix_seqpacket(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	matrix(sv[0], sv[1], "unix seqpacket");
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_zero_length_datagrams_are_datagrams(void)
{
	int a, b;
	sfit_udp_pair(&a, &b);
	unsigned char buf[16];
	SAME(send(a, buf, 0, 0), raw_send(a, buf, 0, 0));
	CHECK_EQ(sfit_same_r, 0);
	/* two empty datagrams are queued; each recv takes one */
	CHECK_EQ(recv(b, buf, sizeof(buf), 0), 0);
	CHECK_EQ(read(b, buf, sizeof(buf)), 0);
	CHECK_ERR(recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK_OK(close(a));
	CHECK_OK(close(b));
}

static void case_unconnected_udp_reports_addresses(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in aa = sfit_loopback(0), ba = sfit_loopback(0);
	socklen_t l = sizeof(aa);
	CHECK_OK(bind(a, (struct sockaddr *)&aa, sizeof(aa)));
	CHECK_OK(getsockname(a, (struct sockaddr *)&aa, &l));
	CHECK_OK(bind(b, (struct sockaddr *)&ba, sizeof(ba)));
	l = sizeof(ba);
	CHECK_OK(getsockname(b, (struct sockaddr *)&ba, &l));
	/* sendto / sendmsg with msg_name / sendmmsg with msg_name */
	CHECK_EQ(sendto(a, "one", 3, 0, (struct sockaddr *)&ba, sizeof(ba)), 3);
	struct iovec iov = {"two!", 4};
	struct msghdr m = {.msg_name = &ba, .msg_namelen = sizeof(ba), .msg_iov = &iov, .msg_iovlen = 1};
	CHECK_EQ(sendmsg(a, &m, 0), 4);
	struct iovec iov3 = {"three", 5};
	struct mmsghdr mm;
	memset(&mm, 0, sizeof(mm));
	mm.msg_hdr.msg_name = &ba;
	mm.msg_hdr.msg_namelen = sizeof(ba);
	mm.msg_hdr.msg_iov = &iov3;
	mm.msg_hdr.msg_iovlen = 1;
	CHECK_EQ(sendmmsg(a, &mm, 1, 0), 1);
	CHECK_EQ(mm.msg_len, 5);
	/* recvfrom / recvmsg / recvmmsg report a as the sender */
	char buf[16];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	memset(&from, 0, sizeof(from));
	CHECK_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 3);
	CHECK(memcmp(buf, "one", 3) == 0);
	CHECK_EQ(fl, sizeof(from));
	CHECK(memcmp(&from, &aa, sizeof(aa)) == 0);
	struct iovec riov = {buf, sizeof(buf)};
	struct msghdr rm = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &riov, .msg_iovlen = 1};
	memset(&from, 0, sizeof(from));
	CHECK_EQ(recvmsg(b, &rm, 0), 4);
	CHECK(memcmp(buf, "two!", 4) == 0);
	CHECK_EQ(rm.msg_namelen, sizeof(from));
	CHECK(memcmp(&from, &aa, sizeof(aa)) == 0);
	struct mmsghdr rmm;
	memset(&rmm, 0, sizeof(rmm));
	memset(&from, 0, sizeof(from));
	rmm.msg_hdr.msg_name = &from;
	rmm.msg_hdr.msg_namelen = sizeof(from);
	rmm.msg_hdr.msg_iov = &riov;
	rmm.msg_hdr.msg_iovlen = 1;
	CHECK_EQ(recvmmsg(b, &rmm, 1, 0, NULL), 1);
	CHECK_EQ(rmm.msg_len, 5);
	CHECK(memcmp(buf, "three", 5) == 0);
	CHECK(memcmp(&from, &aa, sizeof(aa)) == 0);
	/* a short address buffer: truncated, the true length reported */
	CHECK_EQ(sendto(a, "x", 1, 0, (struct sockaddr *)&ba, sizeof(ba)), 1);
	unsigned char tiny[6];
	memset(tiny, 0, sizeof(tiny));
	fl = sizeof(tiny);
	CHECK_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)tiny, &fl), 1);
	CHECK_EQ(fl, sizeof(struct sockaddr_in));
	CHECK(memcmp(tiny, &aa, sizeof(tiny)) == 0);
	/* no destination on an unconnected socket */
	SAME(send(a, "x", 1, 0), raw_send(a, "x", 1, 0));
	CHECK_EQ(sfit_same_r, -1);
	SAME(write(a, "x", 1), raw_write(a, "x", 1));
	CHECK_OK(close(a));
	CHECK_OK(close(b));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_truncation_matches_the_kernel(void)
{
	int a, b;
	sfit_udp_pair(&a, &b);
	unsigned char big[1000], got[1000], raw[1000];
	sfit_fill(big, sizeof(big), 3);
	/* recv with a small buffer: the rest of the datagram is gone */
	CHECK_EQ(send(a, big, sizeof(big), 0), sizeof(big));
	CHECK_EQ(send(a, big, sizeof(big), 0), sizeof(big));
	SAME(recv(b, got, 10, 0), raw_recv(b, raw, 10, 0));
	CHECK_EQ(sfit_same_r, 10);
	CHECK(memcmp(got, big, 10) == 0 && memcmp(raw, big, 10) == 0);
	/* MSG_TRUNC: the real length; MSG_PEEK keeps it */
	CHECK_EQ(send(a, big, 300, 0), 300);
	CHECK_EQ(send(a, big, 300, 0), 300);
	SAME(recv(b, got, 10, MSG_TRUNC | MSG_PEEK), raw_recv(b, raw, 10, MSG_TRUNC | MSG_PEEK));
	CHECK_EQ(sfit_same_r, 300);
	SAME(recv(b, got, 10, MSG_TRUNC), raw_recv(b, raw, 10, MSG_TRUNC));
	CHECK_EQ(sfit_same_r, 300);
	/* recvmsg flags MSG_TRUNC in msg_flags */
	CHECK_EQ(send(a, big, 200, 0), 200);
	CHECK_EQ(send(a, big, 200, 0), 200);
	struct iovec gi = {got, 50}, ri = {raw, 50};
	struct msghdr gm = {.msg_iov = &gi, .msg_iovlen = 1}, rm = {.msg_iov = &ri, .msg_iovlen = 1};
	SAME(recvmsg(b, &gm, 0), raw_recvmsg(b, &rm, 0));
	CHECK_EQ(sfit_same_r, 50);
	CHECK_EQ(gm.msg_flags, rm.msg_flags);
	CHECK(gm.msg_flags & MSG_TRUNC);
	/* too big for UDP */
	static unsigned char huge[70000];
	SAME(send(a, huge, sizeof(huge), 0), raw_send(a, huge, sizeof(huge), 0));
	CHECK_EQ(sfit_same_r, -1);
	CHECK_ERR(recv(b, got, 1, MSG_DONTWAIT), EAGAIN);
	CHECK_OK(close(a));
	CHECK_OK(close(b));
}

static void case_mmsg_batches_match_the_kernel(void)
{
	int a, b;
	sfit_udp_pair(&a, &b);
	enum { N = 6 };
	unsigned char data[N][64];
	struct iovec iov[N];
	struct mmsghdr mm[N];
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < N; i++) {
		sfit_fill(data[i], sizeof(data[i]), (uint32_t)i);
		iov[i].iov_base = data[i];
		iov[i].iov_len = (size_t)(10 + i * 9);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	CHECK_EQ(sendmmsg(a, mm, N, 0), N);
	for (int i = 0; i < N; i++)
		CHECK_EQ(mm[i].msg_len, 10 + i * 9);
	CHECK_EQ(sendmmsg(a, mm, 0, 0), 0);
	/* receive 4 with a batch of 4, the last 2 with a batch of 8 and a timeout */
	unsigned char in[8][64];
	struct iovec riov[8];
	struct mmsghdr rm[8];
	memset(rm, 0, sizeof(rm));
	for (int i = 0; i < 8; i++) {
		riov[i].iov_base = in[i];
		riov[i].iov_len = sizeof(in[i]);
		rm[i].msg_hdr.msg_iov = &riov[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	CHECK_EQ(recvmmsg(b, rm, 4, 0, NULL), 4);
	struct timespec t = {0, 100000000};
	CHECK_EQ(recvmmsg(b, rm + 4, 4, MSG_DONTWAIT, &t), 2);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(rm[i].msg_len, 10 + i * 9);
		CHECK(memcmp(in[i], data[i], rm[i].msg_len) == 0);
	}
	/* empty: EAGAIN as natively */
	SAME(recvmmsg(b, rm, 4, MSG_DONTWAIT, NULL), raw_recvmmsg(b, rm, 4, MSG_DONTWAIT, NULL));
	CHECK_EQ(sfit_same_r, -1);
	CHECK_OK(close(a));
	CHECK_OK(close(b));
}

SFIT_MAIN(SFIT_CASE(case_every_call_pair_over_udp), SFIT_CASE(case_every_call_pair_over_unix_dgram),
	  SFIT_CASE(case_every_call_pair_over_unix_seqpacket), SFIT_CASE(case_zero_length_datagrams_are_datagrams),
	  SFIT_CASE(case_unconnected_udp_reports_addresses), SFIT_CASE(case_truncation_matches_the_kernel),
	  SFIT_CASE(case_mmsg_batches_match_the_kernel))
