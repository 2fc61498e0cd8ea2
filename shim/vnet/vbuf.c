/* Byte rings (vbuf.h): one direction of a virtual stream.  The caller
 * holds the network lock for every call here; the copies of a large send
 * or recv (vbuf_write, vbuf_read) may run without it, one writer and one
 * reader at a time, as struct vbuf explains. */
#include "vnet/vbuf.h"
#include "vnet/vnet_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int vbuf_reserve(struct vbuf *b, size_t cap)
{
	if (b->cap >= cap)
		return 0;
	unsigned char *d = vmem_alloc(cap, false);
	if (!d)
		return -ENOMEM;
	/* Linearise the old contents. */
	for (size_t i = 0, p = b->head; i < b->len; i++, p = p + 1 == b->cap ? 0 : p + 1)
		d[i] = b->data[p];
	vmem_free(b->data);
	b->data = d;
	b->cap = cap;
	b->head = 0;
	return 0;
}

size_t vbuf_room(struct vbuf *b, size_t cap, size_t max)
{
	/* Grown as needed, doubling, up to cap: most connections carry a few
	 * bytes, and a full-size ring per socket costs a large allocation and
	 * its page faults (fuzz-peer mode makes thousands a second).  Not while
	 * a reader copies out of it: that would move its bytes. */
	if (!b->rbusy) {
		size_t want = b->len + max < cap ? b->len + max : cap, grow = b->cap ? b->cap : 4096;
		while (grow < want)
			grow *= 2;
		if (vbuf_reserve(b, grow < cap ? grow : cap) != 0)
			return 0;
	}
	size_t room = cap > b->len ? cap - b->len : 0;
	if (room > b->cap - b->len)
		room = b->cap - b->len;
	return max < room ? max : room;
}

size_t vbuf_write(const struct vbuf *b, size_t tail, const struct iovec *iov, int cnt, size_t skip, size_t max)
{
	size_t done = 0;
	for (int i = 0; i < cnt && done < max; i++) {
		const unsigned char *src = iov[i].iov_base;
		size_t n = iov[i].iov_len;
		if (skip >= n) {
			skip -= n;
			continue;
		}
		src += skip;
		n -= skip;
		skip = 0;
		if (n > max - done)
			n = max - done;
		while (n) {
			size_t k = b->cap - tail < n ? b->cap - tail : n;
			memcpy(b->data + tail, src, k);
			tail = tail + k == b->cap ? 0 : tail + k;
			src += k;
			n -= k;
			done += k;
		}
	}
	return done;
}

size_t vbuf_put_iov(struct vbuf *b, size_t cap, const struct iovec *iov, int cnt, size_t skip, size_t max)
{
	size_t n = vbuf_room(b, cap, max);
	if (n)
		n = vbuf_write(b, vbuf_tail(b), iov, cnt, skip, n);
	b->len += n;
	return n;
}

void vbuf_read(const struct vbuf *b, size_t pos, const struct iovec *iov, int cnt, size_t max)
{
	size_t done = 0;
	for (int i = 0; i < cnt && done < max; i++) {
		unsigned char *dst = iov[i].iov_base;
		size_t n = iov[i].iov_len < max - done ? iov[i].iov_len : max - done;
		while (n) {
			size_t k = b->cap - pos < n ? b->cap - pos : n;
			memcpy(dst, b->data + pos, k);
			pos = pos + k == b->cap ? 0 : pos + k;
			dst += k;
			n -= k;
			done += k;
		}
	}
}

void vbuf_consume(struct vbuf *b, size_t n)
{
	if (!n)
		return;
	b->head = (b->head + n) % b->cap;
	b->len -= n;
	if (!b->len && !b->wbusy)
		b->head = 0; /* not under a writer: its tail would move */
}

size_t vbuf_get_iov(struct vbuf *b, const struct iovec *iov, int cnt, size_t max, bool peek, bool discard)
{
	if (max > b->len)
		max = b->len;
	if (!discard && max)
		vbuf_read(b, b->head, iov, cnt, max);
	if (!peek)
		vbuf_consume(b, max);
	return max;
}

void vbuf_free(struct vbuf *b)
{
	vmem_free(b->data);
	memset(b, 0, sizeof(*b));
}

void vbuf_clear(struct vbuf *b)
{
	b->len = b->head = 0;
	b->epoch++;
}
