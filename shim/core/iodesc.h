/* struct sf_io: one send- or recv-family call described as data, so every
 * layer (faults, the kernel backend, the virtual network, capture) reads the
 * same call the same way. */
#ifndef SF_IODESC_H
#define SF_IODESC_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#include "core/calls.h"

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

/* Total payload length the call asks to move (messages for the mmsg calls). */
size_t sf_io_length(const struct sf_io *io);

#endif
