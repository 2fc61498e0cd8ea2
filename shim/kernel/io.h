/* The data path of a managed socket: one description of a send- or
 * recv-family call (struct sf_io) that the fault engine can inspect and the
 * perform step can carry out with a shortened length. */
#ifndef SF_IO_H
#define SF_IO_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#include "core/calls.h"
#include "core/socket.h"

struct sf_io {
	enum sf_call call;
	int fd;
	int flags;
	/* send, sendto, write / recv, recvfrom, read */
	const void *cbuf;
	void *buf;
	size_t len;
	const struct sockaddr *to; /* sendto */
	socklen_t tolen;
	struct sockaddr *from;     /* recvfrom */
	socklen_t *fromlen;
	/* readv, writev */
	const struct iovec *iov;
	int iovcnt;
	/* sendmsg, recvmsg */
	struct msghdr *msg;
	/* sendmmsg, recvmmsg */
	struct mmsghdr *vec;
	unsigned vlen;
	struct timespec *timeout;
	/* sendfile, sendfile64 */
	int in_fd;
	off_t *offset;
	int large; /* sendfile64 */
};

/* Carries out io on s: faults, bookkeeping, capture.  Bytes or -errno
 * (messages for the mmsg calls). */
long sf_io(struct sf_socket *s, struct sf_io *io);

/* The call io describes, made on the kernel as it stands: bytes or -errno. */
long sf_io_perform(const struct sf_io *io);

/* Sends a datagram the reorder action still holds (close). */
void sf_io_flush_held(struct sf_socket *s, int fd);

/* Total payload length the call asks to move. */
size_t sf_io_length(const struct sf_io *io);

#endif
