/* Byte rings of the virtual network: the bytes of one direction of a
 * stream, owned by the receiving socket (vtcp.c), grown on demand up to the
 * capacity flow control allows. */
#ifndef SF_VBUF_H
#define SF_VBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

/* A byte ring: one direction of a stream, owned by the receiving socket.
 * A large send or recv copies with the network lock dropped (vtcp.c): one
 * writer fills the bytes after head+len (wbusy) while one reader empties
 * the first `len` (rbusy), so the two copies of a bulk transfer run on two
 * cores at once, as they do in the kernel (each socket has its own lock
 * there).  While either copies, data is not moved or freed, and head+len
 * (the tail) stays where it is: consuming moves head as len shrinks. */
struct vbuf {
	unsigned char *data;
	size_t cap, head, len;
	bool wbusy, rbusy;
	signed char wslot, rslot; /* the member slots of the copiers (varena.h) */
	bool waited; /* a thread waits for a copy to end (vtcp_copy_done) */
	unsigned epoch; /* bumped by vbuf_clear: a copy made before is void */
};

int vbuf_reserve(struct vbuf *b, size_t cap);
size_t vbuf_put_iov(struct vbuf *b, size_t cap, const struct iovec *iov, int cnt, size_t skip, size_t max);
size_t vbuf_get_iov(struct vbuf *b, const struct iovec *iov, int cnt, size_t max, bool peek, bool discard);
void vbuf_free(struct vbuf *b);
/* Empties the ring for a new connection (the memory stays). */
void vbuf_clear(struct vbuf *b);
/* The parts of put and get, for a copy made with the lock dropped: room
 * for up to max bytes at the tail (grown first unless a reader copies out),
 * the copy in at a given tail and out from a given head, and the consume. */
size_t vbuf_room(struct vbuf *b, size_t cap, size_t max);
static inline size_t vbuf_tail(const struct vbuf *b)
{
	return (b->head + b->len) % b->cap;
}
/* vbuf_write copies at most n bytes (what iov holds after skip) and says
 * how many. */
size_t vbuf_write(const struct vbuf *b, size_t tail, const struct iovec *iov, int cnt, size_t skip, size_t n);
void vbuf_read(const struct vbuf *b, size_t pos, const struct iovec *iov, int cnt, size_t n);
void vbuf_consume(struct vbuf *b, size_t n);

#endif
