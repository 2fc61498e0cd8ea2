/* The data path of a managed socket: a send- or recv-family call described
 * as a struct sf_io (core/iodesc.h) that the fault engine can inspect and
 * the perform step can carry out with a shortened length. */
#ifndef SF_IO_H
#define SF_IO_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#include "core/iodesc.h"
#include "core/socket.h"


/* Carries out io on s: faults, bookkeeping, capture.  Bytes or -errno
 * (messages for the mmsg calls). */
long sf_io(struct sf_socket *s, struct sf_io *io);

/* The call io describes, made on the kernel as it stands: bytes or -errno. */
long sf_io_perform(const struct sf_io *io);

/* Sends a datagram the reorder action still holds (close). */
void sf_io_flush_held(struct sf_socket *s, int fd);

#endif
