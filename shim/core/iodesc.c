/* Reading a call's description (iodesc.h). */
#include "core/iodesc.h"

size_t sf_io_length(const struct sf_io *io)
{
	size_t n = 0;
	switch (io->call) {
	/* A NULL array is the program's EFAULT to get from the kernel. */
	case SF_CALL_writev:
	case SF_CALL_readv:
		for (int i = 0; io->iov && i < io->iovcnt && i < 1024; i++)
			n += io->iov[i].iov_len;
		return n;
	case SF_CALL_sendmsg:
	case SF_CALL_recvmsg:
		for (size_t i = 0; io->msg && io->msg->msg_iov && i < io->msg->msg_iovlen && i < 1024; i++)
			n += io->msg->msg_iov[i].iov_len;
		return n;
	case SF_CALL_sendmmsg:
	case SF_CALL_recvmmsg:
		return io->vlen;
	default:
		return io->len;
	}
}
