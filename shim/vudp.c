/* Virtual UDP (see vsock.h): datagrams keep their boundaries, are copied
 * into the receiving socket's queue at send time, are dropped when that
 * queue is over SO_RCVBUF (as __udp_enqueue_schedule_skb does), and a
 * connected socket whose peer port is closed learns ECONNREFUSED on its next
 * call (the ICMP port unreachable of udp(7)).  Runs under the network lock. */
#include "vnet_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

/* What a queued datagram costs against SO_RCVBUF: its payload plus a
 * stand-in for the sk_buff around it. */
#define DGRAM_OVERHEAD 256

short vudp_poll_mask(struct sf_vsock *v)
{
	short m = POLLOUT | POLLWRNORM; /* sock_writeable: loopback frees at once */
	if (v->dq_head)
		m |= POLLIN | POLLRDNORM;
	if (v->rd_shut)
		m |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (v->rd_shut && v->wr_shut)
		m |= POLLHUP;
	if (v->so_error)
		m |= POLLERR;
	return m;
}

void vudp_release(struct sf_vsock *v)
{
	(void)v; /* the queue goes with the socket (vsock_unref) */
}

static struct vaddr loopback_for(const struct vaddr *a)
{
	struct vaddr d = *a;
	if (vaddr_is_any(a)) {
		bool v4 = vaddr_is_v4(a);
		memset(&d.ip, 0, sizeof(d.ip));
		if (v4) {
			d.ip.s6_addr[10] = d.ip.s6_addr[11] = 0xff;
			d.ip.s6_addr[12] = 127;
		}
		d.ip.s6_addr[15] = 1;
	}
	return d;
}

static struct vaddr source_for(const struct sf_vsock *v, const struct vaddr *dst)
{
	if (!vaddr_is_any(&v->local))
		return v->local;
	struct vaddr a = *dst;
	if (vaddr_is_v4(&a) && a.ip.s6_addr[12] == 127) {
		a.ip.s6_addr[13] = a.ip.s6_addr[14] = 0;
		a.ip.s6_addr[15] = 1;
	}
	a.port = v->local.port;
	return a;
}

static int autobind(struct sf_vsock *v)
{
	if (v->bound)
		return 0;
	struct vaddr any = {.port = 0};
	if (v->domain == AF_INET)
		any.ip.s6_addr[10] = any.ip.s6_addr[11] = 0xff;
	return vnet_bind_locked(v, &any, false);
}

int vudp_connect(struct sf_vsock *v, const struct vaddr *dst_in)
{
	if (!dst_in) {
		/* udp_disconnect: the peer is forgotten, an autobound local
		 * address goes back to the wildcard. */
		v->has_remote = false;
		v->state = VS_FRESH;
		if (v->bound && !v->bound_wild) {
			struct vaddr keep = v->local;
			memset(&v->local.ip, 0, sizeof(v->local.ip));
			if (vaddr_is_v4(&keep))
				v->local.ip.s6_addr[10] = v->local.ip.s6_addr[11] = 0xff;
		}
		return 0;
	}
	if (v->domain == AF_INET6 && v->v6only && vaddr_is_v4(dst_in))
		return -ENETUNREACH;
	struct vaddr dst = loopback_for(dst_in);
	int r = autobind(v);
	if (r)
		return r;
	if (vaddr_is_any(&v->local))
		v->local = source_for(v, &dst);
	v->remote = dst;
	v->has_remote = true;
	v->state = VS_CONNECTED;
	return 0;
}

static size_t iov_total(const struct iovec *iov, int cnt)
{
	size_t n = 0;
	for (int i = 0; i < cnt; i++)
		n += iov[i].iov_len;
	return n;
}

long vudp_send(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	(void)flags;
	size_t len = iov_total(iov, cnt);
	struct vaddr dst;
	long r;
	if (to && tolen) {
		if ((r = vaddr_from_sockaddr(v, to, tolen, &dst, true)))
			return r;
		dst = loopback_for(&dst);
		if (!dst.port)
			return -EINVAL; /* udp_sendmsg: port 0 */
	}
	if (len > (v->domain == AF_INET ? 65507u : 65527u))
		return -EMSGSIZE;
	vnet_lock();
	if (v->so_error) {
		r = -v->so_error;
		v->so_error = 0;
		goto out;
	}
	if (v->wr_shut) {
		r = -EPIPE;
		goto out;
	}
	if (!to || !tolen) {
		if (!v->has_remote) {
			r = -EDESTADDRREQ;
			goto out;
		}
		dst = v->remote;
	}
	if (v->domain == AF_INET6 && v->v6only && vaddr_is_v4(&dst)) {
		r = -ENETUNREACH;
		goto out;
	}
	if ((r = autobind(v)))
		goto out;
	struct vaddr from = source_for(v, &dst);
	struct sf_vsock *o = vnet_find(SOCK_DGRAM, &dst, false);
	/* A connected receiver takes datagrams from its peer only. */
	if (o && o->has_remote && (memcmp(&o->remote.ip, &from.ip, 16) != 0 || o->remote.port != from.port))
		o = NULL;
	if (o && o->domain == AF_INET && !vaddr_is_v4(&from))
		o = NULL;
	if (!o) {
		if (v->has_remote && memcmp(&v->remote.ip, &dst.ip, 16) == 0 && v->remote.port == dst.port) {
			v->so_error = ECONNREFUSED;
		}
		r = (long)len;
		goto out;
	}
	if (o->dq_head && o->dq_bytes + len + DGRAM_OVERHEAD > (size_t)o->rcvbuf) {
		r = (long)len; /* dropped: the receiver's buffer is full */
		goto out;
	}
	struct vdgram *d = malloc(sizeof(*d) + len + 1);
	if (!d) {
		r = -ENOBUFS;
		goto out;
	}
	d->next = NULL;
	d->from = from;
	d->len = 0;
	for (int i = 0; i < cnt; i++) {
		if (iov[i].iov_len)
			memcpy(d->data + d->len, iov[i].iov_base, iov[i].iov_len);
		d->len += iov[i].iov_len;
	}
	if (o->dq_tail)
		o->dq_tail->next = d;
	else
		o->dq_head = d;
	o->dq_tail = d;
	o->dq_bytes += len + DGRAM_OVERHEAD;
	o->dq_count++;
	vnet_wake(o);
	r = (long)len;
out:
	vnet_sync(v, fd);
	vnet_unlock();
	return r;
}

long vudp_recv(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags,
	       struct sockaddr *from, socklen_t *fromlen, int *msg_flags)
{
	bool nb = vnet_nonblocking(fd, flags);
	long r;
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	vnet_lock();
	uint64_t deadline = vnet_deadline(&v->rcvtimeo);
	for (;;) {
		if (v->so_error) {
			r = -v->so_error;
			v->so_error = 0;
			goto out;
		}
		if (v->dq_head)
			break;
		if (v->rd_shut) {
			r = 0;
			goto out;
		}
		if (nb) {
			r = -EAGAIN;
			goto out;
		}
		if ((r = vnet_wait(v, deadline)))
			goto out;
	}
	struct vdgram *d = v->dq_head;
	size_t done = 0;
	for (int i = 0; i < cnt && done < d->len; i++) {
		size_t k = iov[i].iov_len < d->len - done ? iov[i].iov_len : d->len - done;
		memcpy(iov[i].iov_base, d->data + done, k);
		done += k;
	}
	if (msg_flags && done < d->len)
		*msg_flags |= MSG_TRUNC;
	if (from && fromlen)
		vaddr_copy_out(v, &d->from, from, fromlen);
	/* udp_recvmsg: with MSG_TRUNC the datagram's real length. */
	r = (flags & MSG_TRUNC) ? (long)d->len : (long)done;
	if (!(flags & MSG_PEEK)) {
		v->dq_head = d->next;
		if (!v->dq_head)
			v->dq_tail = NULL;
		v->dq_bytes -= d->len + DGRAM_OVERHEAD;
		v->dq_count--;
		free(d);
	}
out:
	vnet_sync(v, fd);
	vnet_unlock();
	return r;
}
