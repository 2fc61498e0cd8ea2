/* Virtual UDP (see vsock.h): datagrams keep their boundaries, are copied
 * into the receiving socket's queue at send time, are dropped when that
 * queue is over SO_RCVBUF (as __udp_enqueue_schedule_skb does), and a
 * connected socket whose peer port is closed learns ECONNREFUSED on its next
 * call (the ICMP port unreachable of udp(7)).  Runs under the network lock. */
#include "vnet/vnet_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/shim.h"

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
	if (v->addr_lock) {
		any = v->local; /* the address a bind named survives a disconnect */
		any.port = 0;
	}
	return vnet_bind_locked(v, &any, false);
}

int vudp_connect(struct sf_vsock *v, const struct vaddr *dst_in)
{
	if (!dst_in) {
		/* udp_disconnect: the peer is forgotten; what bind(2) did not
		 * name goes (the address back to the wildcard, the port given up). */
		v->has_remote = false;
		v->state = VS_FRESH;
		vnet_unbind_soft(v);
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

/* The header fields a datagram gets: ancillary data of sendmsg first
 * (ip6_datagram_send_ctl / ip_cmsg_send: IPV6_HOPLIMIT, IPV6_TCLASS, IP_TTL,
 * IP_TOS; -1 means the default), then the socket's options.  -EINVAL for a
 * malformed or unknown IP-level message. */
static int header_fields(const struct sf_vsock *v, const struct msghdr *m, int *hop, int *tc)
{
	bool v6 = v->domain == AF_INET6;
	int h = -1, t = -1;
	if (m && m->msg_control && m->msg_controllen >= sizeof(struct cmsghdr)) {
		for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)m); c;
		     c = CMSG_NXTHDR((struct msghdr *)m, c)) {
			if (c->cmsg_len < sizeof(struct cmsghdr) ||
			    c->cmsg_len > m->msg_controllen - ((char *)c - (char *)m->msg_control))
				return -EINVAL;
			int level = c->cmsg_level, type = c->cmsg_type, x = 0;
			size_t dl = c->cmsg_len - CMSG_LEN(0);
			if (level != (v6 ? IPPROTO_IPV6 : IPPROTO_IP))
				continue;
			if (v6 && (type == IPV6_HOPLIMIT || type == IPV6_TCLASS)) {
				if (c->cmsg_len != CMSG_LEN(sizeof(int)))
					return -EINVAL;
				memcpy(&x, CMSG_DATA(c), sizeof(int));
				if (x < -1 || x > 255)
					return -EINVAL;
				*(type == IPV6_HOPLIMIT ? &h : &t) = x;
			} else if (!v6 && type == IP_TTL) {
				if (dl != sizeof(int))
					return -EINVAL;
				memcpy(&x, CMSG_DATA(c), sizeof(int));
				if (x < 1 || x > 255)
					return -EINVAL;
				h = x;
			} else if (!v6 && type == IP_TOS) {
				if (dl == sizeof(int))
					memcpy(&x, CMSG_DATA(c), sizeof(int));
				else if (dl == 1)
					x = *(unsigned char *)CMSG_DATA(c);
				else
					return -EINVAL;
				if (x < 0 || x > 255)
					return -EINVAL;
				t = x;
			} else if (!(v6 ? type == IPV6_PKTINFO : type == IP_PKTINFO)) {
				return -EINVAL;
			}
		}
	}
	if (h < 0) {
		h = vsock_opt(v, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL);
		if (h < 0)
			h = 64; /* -1: the route's default hop limit */
	}
	if (t < 0) {
		t = vsock_opt(v, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS);
		if (t < 0)
			t = 0;
	}
	*hop = h;
	*tc = t;
	return 0;
}

/* put_cmsg(): as much of the message as fits; MSG_CTRUNC when it does not. */
static void put_cmsg(struct msghdr *m, size_t *used, int *mflags, int level, int type, const void *data,
		     size_t len)
{
	size_t room = m->msg_controllen - *used, cmlen = CMSG_LEN(len);
	if (!m->msg_control || room < sizeof(struct cmsghdr)) {
		*mflags |= MSG_CTRUNC;
		return;
	}
	if (room < cmlen) {
		*mflags |= MSG_CTRUNC;
		cmlen = room;
	}
	struct cmsghdr h = {.cmsg_len = cmlen, .cmsg_level = level, .cmsg_type = type};
	char *at = (char *)m->msg_control + *used;
	memcpy(at, &h, sizeof(h));
	memcpy(at + CMSG_LEN(0), data, cmlen - CMSG_LEN(0));
	size_t step = CMSG_SPACE(len) < room ? CMSG_SPACE(len) : room;
	*used += step;
}

/* The control messages recvmsg delivers for d, in the kernel's order
 * (ip6_datagram_recv_specific_ctl: HOPLIMIT before TCLASS; ip_cmsg_recv:
 * TTL before TOS). */
static void deliver_ctl(const struct sf_vsock *v, const struct vdgram *d, struct msghdr *m, int *mflags)
{
	size_t used = 0;
	if (v->domain == AF_INET6 && !vaddr_is_v4(&d->from)) {
		if (vsock_opt(v, IPPROTO_IPV6, IPV6_RECVHOPLIMIT))
			put_cmsg(m, &used, mflags, IPPROTO_IPV6, IPV6_HOPLIMIT, &d->hoplimit, sizeof(int));
		if (vsock_opt(v, IPPROTO_IPV6, IPV6_RECVTCLASS))
			put_cmsg(m, &used, mflags, IPPROTO_IPV6, IPV6_TCLASS, &d->tclass, sizeof(int));
	} else if (v->domain == AF_INET) {
		if (vsock_opt(v, IPPROTO_IP, IP_RECVTTL))
			put_cmsg(m, &used, mflags, IPPROTO_IP, IP_TTL, &d->hoplimit, sizeof(int));
		if (vsock_opt(v, IPPROTO_IP, IP_RECVTOS)) {
			unsigned char tos = (unsigned char)d->tclass;
			put_cmsg(m, &used, mflags, IPPROTO_IP, IP_TOS, &tos, 1);
		}
	}
	m->msg_controllen = used;
}

long vudp_send(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags,
	       const struct sockaddr *to, socklen_t tolen, const struct msghdr *ctl)
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
	/* inet_send_prepare: the autobind comes before anything can fail. */
	if ((r = autobind(v)))
		goto out;
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
	if ((v->domain == AF_INET6 && v->v6only && vaddr_is_v4(&dst)) || !vaddr_is_local(&dst)) {
		r = -ENETUNREACH; /* no route: only the machine's own addresses exist */
		goto out;
	}
	if ((r = autobind(v)))
		goto out;
	struct vaddr from = source_for(v, &dst);
	int hop, tc;
	if ((r = header_fields(v, ctl, &hop, &tc)))
		goto out;
	struct sf_vsock *o = vnet_find(SOCK_DGRAM, &dst, false);
	/* A connected receiver takes datagrams from its peer only. */
	if (o && o->has_remote && (memcmp(&o->remote.ip, &from.ip, 16) != 0 || o->remote.port != from.port))
		o = NULL;
	if (o && o->domain == AF_INET && !vaddr_is_v4(&from))
		o = NULL;
	if (!o) {
		if (v->has_remote && vaddr_eq(&v->remote, &dst) &&
		    (!sf_vlink_on || !vlink_answer(v, &from, &dst, VLINK_UNREACHABLE, false)))
			v->so_error = ECONNREFUSED; /* over a link: a round trip later */
		vcap_undelivered(v, &from, &dst, iov, cnt, len);
		r = (long)len;
		goto out;
	}
	if (o->dq_head && o->dq_bytes + len + DGRAM_OVERHEAD > (size_t)o->rcvbuf) {
		vcap_undelivered(v, &from, &dst, iov, cnt, len);
		r = (long)len; /* dropped: the receiver's buffer is full */
		goto out;
	}
	struct vdgram *d = vmem_alloc(sizeof(*d) + len + 1, false);
	if (!d) {
		r = -ENOBUFS;
		goto out;
	}
	d->next = NULL;
	d->from = from;
	d->hoplimit = hop;
	d->tclass = tc;
	d->len = 0;
	for (int i = 0; i < cnt; i++) {
		if (iov[i].iov_len)
			memcpy(d->data + d->len, iov[i].iov_base, iov[i].iov_len);
		d->len += iov[i].iov_len;
	}
	r = (long)len;
	if (sf_vlink_on && vlink_udp_send(v, o, d, &from, &dst))
		goto out; /* a link carries it (vlink.c) */
	if (!vudp_deliver(o, d)) /* room was checked above */
		vmem_free(d);
	vnet_arrive(o);
out:
	vnet_sync(v, fd);
	vnet_unlock();
	return r;
}

bool vudp_deliver(struct sf_vsock *o, struct vdgram *d)
{
	/* __udp_enqueue_schedule_skb: over SO_RCVBUF (and something queued
	 * already) the datagram is dropped. */
	if (o->dq_head && o->dq_bytes + d->len + DGRAM_OVERHEAD > (size_t)o->rcvbuf)
		return false;
	d->next = NULL;
	if (o->dq_tail)
		o->dq_tail->next = d;
	else
		o->dq_head = d;
	o->dq_tail = d;
	o->dq_bytes += d->len + DGRAM_OVERHEAD;
	o->dq_count++;
	return true;
}

long vudp_recv(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags,
	       struct sockaddr *from, socklen_t *fromlen, int *msg_flags, struct msghdr *ctl)
{
	bool nb = vnet_nonblocking(v, flags);
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
		if ((r = vnet_wait_rx(v, deadline)))
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
	if (ctl && msg_flags)
		deliver_ctl(v, d, ctl, msg_flags);
	/* udp_recvmsg: with MSG_TRUNC the datagram's real length. */
	r = (flags & MSG_TRUNC) ? (long)d->len : (long)done;
	if (!(flags & MSG_PEEK)) {
		vcap_received(&d->from);
		v->dq_head = d->next;
		if (!v->dq_head)
			v->dq_tail = NULL;
		v->dq_bytes -= d->len + DGRAM_OVERHEAD;
		v->dq_count--;
		vmem_free(d);
	}
out:
	if (r == -EAGAIN)
		vnet_settle(v, fd); /* the raw waiter spins at most once (vsock.h) */
	vnet_sync(v, fd);
	vnet_unlock();
	return r;
}
