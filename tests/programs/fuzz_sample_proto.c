/* The sample server's protocol: an incremental parser fed by recv(), and the
 * command handlers (see fuzz_sample_proto.h for the two planted bugs). */
#include "fuzz_sample_proto.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GUARD 0x5afe5afeu

/* The guards sit right after the buffers they protect, so an overrun lands
 * on them deterministically (the struct is one object: no sanitizer sees an
 * overrun inside it, the guard check does). */
struct session {
	char name[16];
	uint32_t guard1;
	char blob[32];
	uint32_t guard2;
	unsigned char spare[64];
};

enum pstate { ST_CMD, ST_LEN, ST_PAYLOAD };

struct parser {
	enum pstate state;
	unsigned char cmd, len, got;
	unsigned char payload[64];
};

static int send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int limit_of(unsigned char cmd)
{
	switch (cmd) {
	case 'N':
		return 24; /* BUG 1: the name holds 16 */
	case 'B':
		return 32;
	default:
		return 64;
	}
}

/* 1: keep going; 0: quit; -1: the connection failed. */
static int handle(int fd, struct session *s, const struct parser *p)
{
	unsigned char out[2 + 64];
	switch (p->cmd) {
	case 'E':
		out[0] = 'e';
		out[1] = p->len;
		memcpy(out + 2, p->payload, p->len);
		return send_all(fd, out, 2u + p->len) ? -1 : 1;
	case 'N':
		memcpy(s->name, p->payload, p->len);
		if (s->guard1 != GUARD) {
			fputs("fuzz_sample_server: bug 1: session name overran its buffer\n", stderr);
			abort();
		}
		return send_all(fd, "ok", 2) ? -1 : 1;
	case 'B':
		memcpy(s->blob, p->payload, p->len);
		if (s->guard2 != GUARD) {
			fputs("fuzz_sample_server: bug 2: blob overran its buffer after a split header\n",
			      stderr);
			abort();
		}
		return send_all(fd, "ok", 2) ? -1 : 1;
	case 'Q':
		return 0;
	default:
		return send_all(fd, "?", 1) ? -1 : 1;
	}
}

/* Feeds one read's bytes; returns like handle(), or -1 for a bad length. */
static int feed(int fd, struct session *s, struct parser *p, const unsigned char *d, size_t n,
		int *handled)
{
	size_t i = 0;
	if (p->state == ST_LEN && n > 0) {
		/* The header straddled two reads: resume it. */
		p->len = d[i++];
		if (p->len > sizeof(p->payload)) /* BUG 2: not limit_of(p->cmd) */
			return -1;
		p->got = 0;
		p->state = ST_PAYLOAD;
	}
	while (i < n || (p->state == ST_PAYLOAD && p->got == p->len)) {
		if (p->state == ST_CMD) {
			p->cmd = d[i++];
			if (i == n) {
				p->state = ST_LEN;
				return 1;
			}
			p->len = d[i++];
			if (p->len > limit_of(p->cmd))
				return -1;
			p->got = 0;
			p->state = ST_PAYLOAD;
		}
		size_t take = (size_t)(p->len - p->got);
		if (take > n - i)
			take = n - i;
		memcpy(p->payload + p->got, d + i, take);
		p->got = (unsigned char)(p->got + take);
		i += take;
		if (p->got < p->len)
			return 1;
		p->state = ST_CMD;
		(*handled)++;
		int r = handle(fd, s, p);
		if (r <= 0)
			return r;
	}
	return 1;
}

int fss_serve_conn(int fd)
{
	struct session s;
	struct parser p;
	memset(&s, 0, sizeof(s));
	memset(&p, 0, sizeof(p));
	s.guard1 = s.guard2 = GUARD;
	p.state = ST_CMD;
	int handled = 0;
	unsigned char buf[65536];
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		if (feed(fd, &s, &p, buf, (size_t)r, &handled) <= 0)
			break;
	}
	close(fd);
	return handled;
}
