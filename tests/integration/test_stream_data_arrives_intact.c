/* Over TCP loopback and AF_UNIX stream socketpairs, every send-family call
 * (send, sendto, sendmsg, sendmmsg, write, writev, sendfile, sendfile64)
 * paired with every recv-family call (recv, recvfrom, recvmsg, recvmmsg,
 * read, readv) moves the bytes intact, with the return values the kernel
 * gives; and stream flags (MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, MSG_OOB)
 * behave as natively. */
#include "sfit.h"

#include <limits.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

enum { SENDERS = 8, RECEIVERS = 6 };
static const char *const sender_names[SENDERS] = {"send", "sendto", "sendmsg", "sendmmsg",
						  "write", "writev", "sendfile", "sendfile64"};
static const char *const receiver_names[RECEIVERS] = {"recv", "recvfrom", "recvmsg", "recvmmsg", "read", "readv"};

/* Sends all n bytes of buf on fd with one kind of call (looping on short
 * writes, which a stream may give). */
static void send_all(int kind, int fd, const unsigned char *buf, size_t n, uint32_t seed)
{
	size_t off = 0;
	int file = -1;
	if (kind >= 6)
		file = sfit_temp_file(n, seed); /* same pattern as buf */
	while (off < n) {
		size_t left = n - off;
		ssize_t w = -1;
		switch (kind) {
		case 0: w = send(fd, buf + off, left, 0); break;
		case 1: w = sendto(fd, buf + off, left, 0, NULL, 0); break;
		case 2: {
			/* three pieces, to check the gather */
			size_t a = left / 3, b = left / 3;
			struct iovec iov[3] = {{(void *)(buf + off), a}, {(void *)(buf + off + a), b},
					       {(void *)(buf + off + a + b), left - a - b}};
			struct msghdr m = {.msg_iov = iov, .msg_iovlen = 3};
			w = sendmsg(fd, &m, 0);
			break;
		}
		case 3: {
			/* two messages (one when a single byte is left) */
			size_t a = left / 2;
			struct iovec i1 = {(void *)(buf + off), a}, i2 = {(void *)(buf + off + a), left - a};
			struct mmsghdr mm[2];
			memset(mm, 0, sizeof(mm));
			unsigned nmsg = a ? 2 : 1;
			mm[0].msg_hdr.msg_iov = a ? &i1 : &i2;
			mm[0].msg_hdr.msg_iovlen = 1;
			mm[1].msg_hdr.msg_iov = &i2;
			mm[1].msg_hdr.msg_iovlen = 1;
			int k = sendmmsg(fd, mm, nmsg, 0);
			if (k < 0)
				break;
			CHECK(k >= 1 && (unsigned)k <= nmsg);
			if (k == 2)
				CHECK_EQ(mm[0].msg_len, a); /* a blocking stream sends the first whole */
			w = 0;
			for (int i = 0; i < k; i++)
				w += (ssize_t)mm[i].msg_len;
			break;
		}
		case 4: w = write(fd, buf + off, left); break;
		case 5: {
			struct iovec iov[4];
			size_t q = left / 4;
			for (int i = 0; i < 4; i++) {
				iov[i].iov_base = (void *)(buf + off + (size_t)i * q);
				iov[i].iov_len = i == 3 ? left - 3 * q : q;
			}
			w = writev(fd, iov, 4);
			break;
		}
		case 6: {
			off_t o = (off_t)off;
			w = sendfile(fd, file, &o, left);
			if (w >= 0)
				CHECK_EQ(o, (off_t)(off + (size_t)w)); /* the offset moved, the file position did not */
			CHECK_EQ(lseek(file, 0, SEEK_CUR), 0);
			break;
		}
		default: {
			/* NULL offset: from (and advancing) the file position */
			CHECK_EQ(lseek(file, 0, SEEK_CUR), (off_t)off);
			w = sendfile64(fd, file, NULL, left);
			if (w >= 0)
				CHECK_EQ(lseek(file, 0, SEEK_CUR), (off_t)(off + (size_t)w));
			break;
		}
		}
		if (w < 0)
			FAIL("%s of %zu bytes at %zu: errno %d (%s)", sender_names[kind], left, off, errno,
			     strerror(errno));
		CHECK(w > 0 && (size_t)w <= left);
		off += (size_t)w;
	}
	if (file >= 0)
		CHECK_OK(close(file));
}

/* Receives exactly n bytes into buf with one kind of call. */
static void recv_all(int kind, int fd, unsigned char *buf, size_t n)
{
	size_t off = 0;
	while (off < n) {
		size_t left = n - off;
		ssize_t r = -1;
		switch (kind) {
		case 0: r = recv(fd, buf + off, left, 0); break;
		case 1: {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			r = recvfrom(fd, buf + off, left, 0, (struct sockaddr *)&from, &fl);
			break;
		}
		case 2: {
			size_t a = left / 2;
			struct iovec iov[2] = {{buf + off, a}, {buf + off + a, left - a}};
			struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
			r = recvmsg(fd, &m, 0);
			if (r >= 0)
				CHECK_EQ(m.msg_flags & (MSG_TRUNC | MSG_CTRUNC), 0);
			break;
		}
		case 3: {
			size_t a = left / 2;
			struct iovec i1 = {buf + off, a ? a : left}, i2 = {buf + off + a, left - a};
			struct mmsghdr mm[2];
			memset(mm, 0, sizeof(mm));
			mm[0].msg_hdr.msg_iov = &i1;
			mm[0].msg_hdr.msg_iovlen = 1;
			mm[1].msg_hdr.msg_iov = &i2;
			mm[1].msg_hdr.msg_iovlen = 1;
			/* MSG_WAITFORONE: block for the first message only. */
			int k = recvmmsg(fd, mm, a ? 2 : 1, MSG_WAITFORONE, NULL);
			if (k < 0)
				break;
			CHECK(k >= 1);
			r = (ssize_t)mm[0].msg_len;
			if (k == 2) {
				/* The stream's next bytes went to the second buffer;
				 * close the gap if the first was not filled. */
				memmove(buf + off + mm[0].msg_len, buf + off + a, mm[1].msg_len);
				r += (ssize_t)mm[1].msg_len;
			}
			break;
		}
		case 4: r = read(fd, buf + off, left); break;
		default: {
			struct iovec iov[3];
			size_t q = left / 3;
			for (int i = 0; i < 3; i++) {
				iov[i].iov_base = buf + off + (size_t)i * q;
				iov[i].iov_len = i == 2 ? left - 2 * q : q;
			}
			r = readv(fd, iov, 3);
			break;
		}
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			FAIL("%s for %zu bytes at %zu of %zu: %zd errno %d (%s)", receiver_names[kind], left, off, n,
			     r, errno, strerror(errno));
		off += (size_t)r;
	}
}

/* Every sender with every receiver, a few sizes, on one connected pair. */
static void matrix(int a, int b, const char *what)
{
	static const size_t sizes[] = {1, 777, 20000};
	unsigned char *out = malloc(20000), *in = malloc(20000);
	CHECK(out && in);
	uint32_t seed = 1;
	for (int s = 0; s < SENDERS; s++)
		for (int r = 0; r < RECEIVERS; r++)
			for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++, seed++) {
				size_t n = sizes[z];
				sfit_fill(out, n, seed);
				memset(in, 0, n);
				/* alternate the direction */
				int from = seed & 1 ? a : b, to = seed & 1 ? b : a;
				send_all(s, from, out, n, seed);
				recv_all(r, to, in, n);
				if (memcmp(in, out, n) != 0)
					FAIL("%s: %s -> %s, %zu bytes: data differ", what, sender_names[s],
					     receiver_names[r], n);
			}
	/* nothing left over in either direction */
	sfit_set_nonblocking(a);
	sfit_set_nonblocking(b);
	char x;
	CHECK_ERR(recv(a, &x, 1, 0), EAGAIN);
	CHECK_ERR(recv(b, &x, 1, 0), EAGAIN);
	free(out);
	free(in);
}

static void case_every_call_pair_over_tcp(void)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	matrix(c, s, "tcp");
	CHECK_OK(close(c));
	CHECK_OK(close(s));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_every_call_pair_over_unix_stream(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	matrix(sv[0], sv[1], "unix");
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
	CHECK_TABLE_MATCHES_KERNEL();
}

/* 8 MB each way through non-blocking sockets in one thread: many short
 * sends and reads, EAGAIN on both sides, the bytes still in order. */
static void bulk(int a, int b)
{
	const size_t total = 8u << 20;
	unsigned char *out = malloc(total), *in_b = malloc(total), *out2 = malloc(total), *in_a = malloc(total);
	CHECK(out && in_b && out2 && in_a);
	sfit_fill(out, total, 11);
	sfit_fill(out2, total, 12);
	sfit_set_nonblocking(a);
	sfit_set_nonblocking(b);
	size_t sa = 0, rb = 0, sb = 0, ra = 0;
	unsigned eagain = 0, step = 0;
	while (ra < total || rb < total) {
		struct pollfd p[2] = {{.fd = a, .events = (short)(POLLIN | (sa < total ? POLLOUT : 0))},
				      {.fd = b, .events = (short)(POLLIN | (sb < total ? POLLOUT : 0))}};
		CHECK(poll(p, 2, 10000) > 0);
		step++;
		size_t chunk = 1 + (step * 7919u) % 65536;
		if (sa < total && (p[0].revents & POLLOUT)) {
			size_t n = chunk < total - sa ? chunk : total - sa;
			ssize_t w = step & 1 ? send(a, out + sa, n, 0) : write(a, out + sa, n);
			if (w < 0 && errno == EAGAIN)
				eagain++;
			else {
				CHECK(w > 0);
				sa += (size_t)w;
			}
		}
		if (sb < total && (p[1].revents & POLLOUT)) {
			size_t n = chunk < total - sb ? chunk : total - sb;
			ssize_t w = send(b, out2 + sb, n, MSG_DONTWAIT);
			if (w < 0 && errno == EAGAIN)
				eagain++;
			else {
				CHECK(w > 0);
				sb += (size_t)w;
			}
		}
		if (p[1].revents & POLLIN) {
			ssize_t r = step & 2 ? recv(b, in_b + rb, total - rb, 0) : read(b, in_b + rb, total - rb);
			if (r < 0 && errno == EAGAIN)
				eagain++;
			else {
				CHECK(r > 0);
				rb += (size_t)r;
			}
		}
		if (p[0].revents & POLLIN) {
			ssize_t r = recv(a, in_a + ra, total - ra, MSG_DONTWAIT);
			if (r < 0 && errno == EAGAIN)
				eagain++;
			else {
				CHECK(r > 0);
				ra += (size_t)r;
			}
		}
	}
	CHECK(memcmp(out, in_b, total) == 0);
	CHECK(memcmp(out2, in_a, total) == 0);
	free(out);
	free(in_b);
	free(out2);
	free(in_a);
}

static void case_bulk_nonblocking_transfer_over_tcp(void)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	bulk(c, s);
	CHECK_OK(close(c));
	CHECK_OK(close(s));
}

static void case_bulk_nonblocking_transfer_over_unix_stream(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	bulk(sv[0], sv[1]);
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
}

static void case_stream_flags_behave_natively(void)
{
	int c, s;
	sfit_tcp_pair(&c, &s);
	char buf[64];
	/* MSG_DONTWAIT on a blocking socket with nothing to read. */
	SAME(recv(s, buf, sizeof(buf), MSG_DONTWAIT), raw_recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	CHECK_EQ(sfit_same_r, -1);
	/* MSG_PEEK leaves the data; MSG_WAITALL gathers two sends. */
	CHECK_EQ(send(c, "abcdef", 6, 0), 6);
	CHECK_EQ(recv(s, buf, 3, MSG_PEEK | MSG_WAITALL), 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	CHECK_EQ(recv(s, buf, 2, 0), 2);
	CHECK(memcmp(buf, "ab", 2) == 0);
	CHECK_EQ(send(c, "ghij", 4, MSG_MORE), 4);
	CHECK_EQ(send(c, "k", 1, 0), 1);
	CHECK_EQ(recv(s, buf, 9, MSG_WAITALL), 9);
	CHECK(memcmp(buf, "cdefghijk", 9) == 0);
	/* MSG_TRUNC on TCP discards the bytes (tcp(7)). */
	CHECK_EQ(send(c, "12345678", 8, 0), 8);
	struct pollfd p = {.fd = s, .events = POLLIN};
	CHECK_EQ(poll(&p, 1, 5000), 1);
	int pending = 0;
	while (pending < 8) {
		CHECK_OK(ioctl(s, FIONREAD, &pending));
	}
	CHECK_EQ(recv(s, NULL, 5, MSG_TRUNC), 5);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 3);
	CHECK(memcmp(buf, "678", 3) == 0);
	/* Urgent data, out of band. */
	CHECK_EQ(send(c, "xyZ", 3, MSG_OOB), 3);
	p.events = POLLPRI;
	CHECK_EQ(poll(&p, 1, 5000), 1);
	char oob = 0;
	CHECK_EQ(recv(s, &oob, 1, MSG_OOB), 1);
	CHECK_EQ(oob, 'Z');
	CHECK_EQ(recv(s, buf, 2, MSG_WAITALL), 2);
	CHECK(memcmp(buf, "xy", 2) == 0);
	/* Zero-length send and receive. */
	SAME(send(c, buf, 0, 0), raw_send(c, buf, 0, 0));
	SAME(recv(s, buf, 0, MSG_DONTWAIT), raw_recv(s, buf, 0, MSG_DONTWAIT));
	SAME(read(s, buf, 0), raw_read(s, buf, 0));
	SAME(write(c, buf, 0), raw_write(c, buf, 0));
	/* EOF after the peer's close: 0 from every recv call. */
	CHECK_OK(close(c));
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 0);
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);
	struct iovec iov = {buf, sizeof(buf)};
	CHECK_EQ(readv(s, &iov, 1), 0);
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK_EQ(recvmsg(s, &m, 0), 0);
	CHECK_OK(close(s));
	CHECK_TABLE_MATCHES_KERNEL();
}

static void case_many_iovecs_and_their_limits(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	enum { N = 300 };
	static struct iovec out[IOV_MAX + 1], in[N];
	static unsigned char data[N * 3], got[N * 3];
	sfit_fill(data, sizeof(data), 5);
	for (int i = 0; i < N; i++) {
		out[i].iov_base = data + i * 3;
		out[i].iov_len = 3;
		in[i].iov_base = got + (N - 1 - i) * 3; /* scattered in reverse */
		in[i].iov_len = 3;
	}
	CHECK_EQ(writev(sv[0], out, N), sizeof(data));
	CHECK_EQ(readv(sv[1], in, N), sizeof(data));
	for (int i = 0; i < N; i++)
		CHECK(memcmp(got + (N - 1 - i) * 3, data + i * 3, 3) == 0);
	/* More than IOV_MAX, a negative count, a zero count: as the kernel says. */
	for (int i = 0; i < IOV_MAX + 1; i++) {
		out[i].iov_base = data;
		out[i].iov_len = 1;
	}
	volatile int too_many = IOV_MAX + 1, negative = -1; /* hidden from the compiler's checks */
	SAME(writev(sv[0], out, too_many), raw_writev(sv[0], out, too_many));
	SAME(writev(sv[0], out, negative), raw_writev(sv[0], out, negative));
	SAME(writev(sv[0], out, 0), raw_writev(sv[0], out, 0));
	SAME(readv(sv[1], out, too_many), raw_readv(sv[1], out, too_many));
	SAME(readv(sv[1], out, negative), raw_readv(sv[1], out, negative));
	SAME(readv(sv[1], in, 0), raw_readv(sv[1], in, 0));
	struct msghdr m = {.msg_iov = out, .msg_iovlen = IOV_MAX + 1};
	SAME(sendmsg(sv[0], &m, 0), raw_sendmsg(sv[0], &m, 0));
	SAME(recvmsg(sv[1], &m, MSG_DONTWAIT), raw_recvmsg(sv[1], &m, MSG_DONTWAIT));
	m.msg_iovlen = IOV_MAX;
	SAME(sendmsg(sv[0], &m, 0), raw_sendmsg(sv[0], &m, 0));
	CHECK_EQ(sfit_same_r, IOV_MAX);
	static unsigned char sink[2 * IOV_MAX];
	CHECK_EQ(recv(sv[1], sink, sizeof(sink), MSG_WAITALL), sizeof(sink));
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
}

static void case_sendfile_offsets_match_the_kernel(void)
{
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	int f = sfit_temp_file(10000, 9);
	unsigned char want[10000], a[10000], b[10000];
	sfit_fill(want, sizeof(want), 9);
	/* With an offset: the same count, the same new offset, file position untouched. */
	off_t o1 = 1234, o2 = 1234;
	SAME(sendfile(sv[0], f, &o1, 3000), raw_sendfile(sv[0], f, &o2, 3000));
	CHECK_EQ(o1, o2);
	sfit_read_full(sv[1], a, 3000);
	sfit_read_full(sv[1], b, 3000);
	CHECK(memcmp(a, want + 1234, 3000) == 0);
	CHECK(memcmp(b, want + 1234, 3000) == 0);
	CHECK_EQ(lseek(f, 0, SEEK_CUR), 0);
	/* Past the end: 0. */
	o1 = o2 = 10000;
	SAME(sendfile(sv[0], f, &o1, 10), raw_sendfile(sv[0], f, &o2, 10));
	CHECK_EQ(sfit_same_r, 0);
	/* Without: from the file position, which moves. */
	CHECK_OK(lseek(f, 9000, SEEK_SET));
	CHECK_EQ(sendfile(sv[0], f, NULL, 5000), 1000);
	CHECK_EQ(lseek(f, 0, SEEK_CUR), 10000);
	sfit_read_full(sv[1], a, 1000);
	CHECK(memcmp(a, want + 9000, 1000) == 0);
	/* Errors: in_fd not readable (a socket's peer is fine, a write-only fd is not). */
	int wo = open("/dev/null", O_WRONLY);
	SAME(sendfile(sv[0], wo, NULL, 10), raw_sendfile(sv[0], wo, NULL, 10));
	o1 = o2 = -1;
	SAME(sendfile(sv[0], f, &o1, 10), raw_sendfile(sv[0], f, &o2, 10));
	CHECK_OK(close(wo));
	CHECK_OK(close(f));
	CHECK_OK(close(sv[0]));
	CHECK_OK(close(sv[1]));
	CHECK_TABLE_MATCHES_KERNEL();
}

SFIT_MAIN(SFIT_CASE(case_every_call_pair_over_tcp), SFIT_CASE(case_every_call_pair_over_unix_stream),
	  SFIT_CASE(case_bulk_nonblocking_transfer_over_tcp), SFIT_CASE(case_bulk_nonblocking_transfer_over_unix_stream),
	  SFIT_CASE(case_stream_flags_behave_natively), SFIT_CASE(case_many_iovecs_and_their_limits),
	  SFIT_CASE(case_sendfile_offsets_match_the_kernel))
