/* Virtual TCP (see vsock.h): listen/accept queues, connect, the byte stream
 * between two sockets with flow control, half-close, FIN and RST, and what
 * poll reports.  Everything runs under the network lock, except the copy
 * of a large send or recv into or out of a ring (struct vbuf).
 *
 * A connection is two struct sf_vsock pointing at each other; each owns the
 * ring of bytes sent to it (rx).  A send copies straight into the peer's
 * ring, so nothing is ever "in flight": what tcp(7) calls the send queue is
 * always empty and the receive queue holds everything sent.  The ring's
 * capacity is the receiver's SO_RCVBUF plus the sender's SO_SNDBUF (both as
 * getsockopt reports them), standing in for the two kernel queues. */
#include "vnet/vnet_impl.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "faults/env.h"
#include "vnet/peer.h"
#include "core/shim.h"
#include "core/clock.h"

size_t vtcp_capacity(const struct sf_vsock *to)
{
	return (size_t)to->rcvbuf + (to->peer ? (size_t)to->peer->sndbuf : 0);
}

/* tcp_poll's sk_stream_is_writeable: free space of at least a third of
 * the buffer (sk_stream_wspace >= sk_stream_min_wspace). */
static bool peer_has_room(const struct sf_vsock *v)
{
	const struct sf_vsock *p = v->peer;
	size_t cap = vtcp_capacity(p);
	return p->rx.len * 3 <= cap * 2;
}

short vtcp_poll_mask(struct sf_vsock *v)
{
	const short all_in = POLLIN | POLLRDNORM | POLLRDHUP, all_out = POLLOUT | POLLWRNORM;
	short m = 0;
	switch (v->state) {
	case VS_LISTEN:
		return v->qlen ? POLLIN | POLLRDNORM : 0;
	case VS_SYN:
		return 0; /* tcp_poll in SYN_SENT */
	case VS_FRESH:
		/* tcp_poll on a socket in TCP_CLOSE that never connected. */
		return all_out | POLLHUP;
	case VS_CLOSED:
		/* tcp_done() after RST or refusal: SHUTDOWN_MASK. */
		m = all_in | all_out | POLLHUP;
		break;
	case VS_CONNECTED:
		if (vtcp_rx_ready(v) || v->peer_fin || v->rd_shut)
			m |= POLLIN | POLLRDNORM;
		if (v->peer_fin || v->rd_shut)
			m |= POLLRDHUP;
		if ((v->peer_fin || v->rd_shut) && v->wr_shut)
			m |= POLLHUP;
		if (v->wr_shut || !v->peer || peer_has_room(v))
			m |= all_out;
		break;
	}
	if (vtcp_rx_ready(v))
		m |= POLLIN | POLLRDNORM;
	if (v->so_error)
		m |= POLLERR;
	return m;
}

/* The RST that closes p's connection from the other side. */
static void reset_peer(struct sf_vsock *p)
{
	/* tcp_reset(): EPIPE in CLOSE_WAIT (p had our FIN), else ECONNRESET. */
	p->so_error = p->peer_fin ? EPIPE : ECONNRESET;
	p->reset = true;
	p->state = VS_CLOSED;
	p->connecting = false;
}

void vtcp_reset_peer(struct sf_vsock *p)
{
	reset_peer(p);
}

void vtcp_refused(struct sf_vsock *v, bool autobound)
{
	/* tcp_reset in SYN_SENT, then tcp_done: the port goes back unless
	 * bind(2) asked for it. */
	if (autobound)
		v->bound = false;
	else
		vnet_unbind_soft(v);
	v->state = VS_CLOSED;
	v->reset = true;
	v->so_error = ECONNREFUSED;
}

/* Breaks the link between v and its peer (both keep their state). */
static void unlink_peer(struct sf_vsock *v)
{
	struct sf_vsock *p = v->peer;
	if (!p)
		return;
	v->peer = NULL;
	p->peer = NULL;
	vnet_arrive(p);
	vnet_wake(v);
	vsock_unref(p); /* v's reference on p */
	vsock_unref(v); /* p's reference on v */
}

/* Drops a connection that is still in a listener's queue (never accepted). */
static void drop_embryo(struct sf_vsock *s)
{
	if (s->peer) {
		reset_peer(s->peer);
		unlink_peer(s);
	}
	s->released = true;
	s->bound = false;
	vsock_unref(s); /* the queue's reference */
}

void vtcp_drop_embryo(struct sf_vsock *s)
{
	drop_embryo(s);
}

void vtcp_release(struct sf_vsock *v)
{
	if (v->state == VS_LISTEN) {
		/* inet_csk_listen_stop: queued connections are reset. */
		while (v->q_head) {
			struct sf_vsock *s = v->q_head;
			v->q_head = s->q_next;
			v->qlen--;
			drop_embryo(s);
		}
		v->q_tail = NULL;
		v->state = VS_FRESH;
		vtcp_retry_syn(v);
		return;
	}
	struct sf_vsock *p = v->peer;
	if (!p)
		return; /* reset, or the peer closed first (we had its FIN): no TIME_WAIT */
	/* tcp_close(): unread data, or SO_LINGER with a zero timeout, sends a
	 * RST instead of a FIN (RFC 2525 2.17). */
	if (v->rx.len || (v->linger_on && v->linger_secs == 0)) {
		if (!p->lk || !vlink_tcp_rst(p)) /* a link: the RST travels */
			reset_peer(p);
	} else {
		if (!v->wr_shut) {
			if (!p->lk || !vlink_tcp_fin(p)) /* a link: the FIN travels */
				p->peer_fin = true;
			if (!v->peer_fin)
				v->fin_first = true;
		}
		p->peer_gone = true;
		/* The side that sent the first FIN ends in TIME_WAIT (or
		 * FIN_WAIT2 until the peer closes): its port stays taken. */
		if (v->fin_first) {
			v->tw_until = sf_now_ns() + 60 * 1000000000ull;
			v->refs++; /* TIME_WAIT's own reference, dropped by the reaper */
		}
	}
	unlink_peer(v);
}

/* The source address Linux picks for a local destination: 127.0.0.1 for
 * all of 127.0.0.0/8 (the route's `src`), the address itself otherwise. */
static struct vaddr source_for(const struct vaddr *dst)
{
	struct vaddr a = *dst;
	a.port = 0;
	if (vaddr_is_v4(&a) && a.ip.s6_addr[12] == 127) {
		a.ip.s6_addr[13] = a.ip.s6_addr[14] = 0;
		a.ip.s6_addr[15] = 1;
	}
	return a;
}

static void reset_fields(struct sf_vsock *v)
{
	v->reset = v->connecting = v->rd_shut = v->wr_shut = v->peer_fin = v->peer_gone = false;
	v->rst_coming = false;
	vbuf_clear(&v->rx);
	v->has_remote = false;
}

static int establish(struct sf_vsock *v, struct sf_vsock *l, const struct vaddr *dst_p, bool nb);

void vtcp_retry_syn(struct sf_vsock *l)
{
	for (struct sf_vsock *o = vnet_first(); o; o = o->all_next) {
		if (o->state != VS_SYN || o->released || o->peer || o->rst_coming)
			continue; /* a handshake or a refusal crossing a link (vlink.c) */
		struct sf_vsock *t = vnet_find(SOCK_STREAM, &o->syn_dst, true);
		if (t && t != l)
			continue;
		if (!t || t->rd_shut) {
			/* The retransmitted SYN meets a closed port. */
			o->state = VS_CLOSED;
			o->reset = true;
			o->so_error = ECONNREFUSED;
			vnet_wake(o);
		} else if (t->qlen <= t->backlog) {
			struct vaddr d = o->syn_dst;
			o->state = VS_FRESH;
			if (establish(o, t, &d, true) != -EINPROGRESS) {
				o->state = VS_CLOSED;
				o->reset = true;
				o->so_error = ENOBUFS;
			}
			vnet_wake(o);
		}
	}
}

int vtcp_connect(struct sf_vsock *v, int fd, const struct vaddr *dst_in, bool nb)
{
	(void)fd;
	if (!dst_in) {
		/* connect(AF_UNSPEC): tcp_disconnect() -- a RST to the peer; the
		 * socket can connect again. */
		if (v->state == VS_LISTEN) {
			vtcp_release(v);
		} else if (v->peer) {
			reset_peer(v->peer);
			unlink_peer(v);
		}
		v->state = VS_FRESH;
		reset_fields(v);
		v->so_error = 0;
		vnet_unbind_soft(v);
		return 0;
	}
	switch (v->state) {
	case VS_SYN:
		return -EALREADY;
	case VS_LISTEN:
		return -EISCONN;
	case VS_CONNECTED:
		if (v->connecting) {
			/* The second connect after EINPROGRESS: EALREADY turned
			 * into success once established (__inet_stream_connect). */
			v->connecting = false;
			return 0;
		}
		return -EISCONN;
	case VS_CLOSED:
		if (v->connecting) {
			v->connecting = false;
			int e = v->so_error;
			v->so_error = 0;
			v->state = VS_FRESH;
			reset_fields(v);
			return e ? -e : -ECONNABORTED;
		}
		v->state = VS_FRESH;
		reset_fields(v);
		break;
	case VS_FRESH:
		break;
	}
	struct vaddr dst = *dst_in;
	if (v->domain == AF_INET6 && v->v6only && vaddr_is_v4(&dst))
		return -ENETUNREACH;
	if (vaddr_is_any(&dst)) {
		/* Connecting to INADDR_ANY / in6addr_any reaches the loopback
		 * (ip_route_connect, ip6_datagram_connect). */
		memset(&dst.ip, 0, sizeof(dst.ip));
		if (vaddr_is_v4(dst_in)) {
			dst.ip.s6_addr[10] = dst.ip.s6_addr[11] = 0xff;
			dst.ip.s6_addr[12] = 127;
			dst.ip.s6_addr[15] = 1;
		} else {
			dst.ip.s6_addr[15] = 1;
		}
	}
	/* A peer driver (vnet/peer.h; fuzz-peer mode) answers connects to any address where no
	 * virtual listener is. */
	if (sf_vnet_peer && dst.port && !vnet_find(SOCK_STREAM, &dst, true)) {
		int fr;
		if (sf_vnet_peer->connect(v, &dst, nb, &fr))
			return fr;
	}
	/* Only the virtual machine's own addresses exist: anything else has
	 * no route (ip_route_connect: ENETUNREACH, at once). */
	if (!vaddr_is_local(&dst))
		return -ENETUNREACH;
	if (!dst.port)
		return -ECONNREFUSED;
	bool autobound = false;
	if (!v->bound) {
		struct vaddr src = source_for(&dst);
		int r = vnet_bind_locked(v, &src, false);
		if (r)
			return r == -EADDRINUSE ? -EADDRNOTAVAIL : r;
		autobound = true;
	} else if (vaddr_is_any(&v->local)) {
		struct vaddr src = source_for(&dst);
		src.port = v->local.port;
		if (vaddr_is_v4(&dst) || !vaddr_is_v4(&v->local))
			v->local = src;
	}
	struct sf_vsock *l = vnet_find(SOCK_STREAM, &dst, true);
	uint64_t deadline = vnet_deadline(&v->sndtimeo);
	while (l && !l->rd_shut && l->qlen > l->backlog) {
		/* A full accept queue drops the SYN (tcp_conn_request); the
		 * client retries.  Here: a blocking connect waits for room, a
		 * non-blocking one is told to come back (documented). */
		if (nb) {
			v->state = VS_SYN;
			v->syn_dst = dst;
			v->connecting = true;
			return -EINPROGRESS;
		}
		l->refs++;
		int w = vnet_wait(l, deadline);
		bool gone = l->released || l->state != VS_LISTEN;
		vsock_unref(l);
		if (w == -EINTR) {
			/* inet_stream_connect: interrupted, the SYN goes on; as a
			 * non-blocking connect's would (above). */
			v->state = VS_SYN;
			v->syn_dst = dst;
			v->connecting = true;
			return -EINTR;
		}
		if (w)
			return -EINPROGRESS; /* SO_SNDTIMEO expired (inet_stream_connect) */
		if (gone)
			l = vnet_find(SOCK_STREAM, &dst, true);
	}
	if (!l || l->rd_shut) {
		if (sf_vlink_on && vlink_answer(v, &v->local, &dst, VLINK_REFUSED, autobound)) {
			/* SYN_SENT until the RST comes back over the link. */
			v->state = VS_SYN;
			v->connecting = true;
			return nb ? -EINPROGRESS : vlink_connect_wait(v, deadline);
		}
		vtcp_refused(v, autobound);
		if (nb) {
			/* The RST arrives after connect returned: SO_ERROR and
			 * poll report it. */
			v->connecting = true;
			return -EINPROGRESS;
		}
		v->so_error = 0;
		return -ECONNREFUSED;
	}
	int r = establish(v, l, &dst, nb);
	if (__builtin_expect(!r && v->state == VS_SYN, 0))
		r = vlink_connect_wait(v, deadline); /* the handshake crosses a link */
	return r;
}

/* The handshake: a new socket for the listener's queue, connected to v. */
static int establish(struct sf_vsock *v, struct sf_vsock *l, const struct vaddr *dst_p, bool nb)
{
	struct vaddr dst = *dst_p;
	struct sf_vsock *s = vsock_new(l->domain, SOCK_STREAM, l->protocol);
	if (!s)
		return -ENOBUFS;
	/* sk_clone_lock(): the child inherits the listener's options. */
	s->state = VS_CONNECTED;
	s->bound = true;
	s->local = dst;
	s->remote = v->local;
	s->has_remote = true;
	s->reuseaddr = l->reuseaddr;
	s->reuseport = l->reuseport;
	s->keepalive = l->keepalive;
	s->v6only = l->v6only;
	s->linger_on = l->linger_on;
	s->linger_secs = l->linger_secs;
	s->oobinline = l->oobinline;
	s->sndbuf = l->sndbuf;
	s->rcvbuf = l->rcvbuf;
	s->rcvtimeo = l->rcvtimeo;
	s->sndtimeo = l->sndtimeo;
	memcpy(s->opts, l->opts, sizeof(s->opts));
	s->nopts = l->nopts;
	s->peer = v;
	v->refs++;
	v->peer = s;
	s->refs++;
	v->state = VS_CONNECTED;
	v->remote = dst;
	v->has_remote = true;
	v->connecting = nb;
	/* Over a link with latency s reaches l's queue one way later. */
	if (!sf_vlink_on || !vlink_tcp_connect(v, s, l))
		vtcp_enqueue(l, s);
	return nb ? -EINPROGRESS : 0;
}

void vtcp_enqueue(struct sf_vsock *l, struct sf_vsock *s)
{
	if (l->q_tail)
		l->q_tail->q_next = s;
	else
		l->q_head = s;
	l->q_tail = s;
	l->qlen++;
	vnet_arrive(l);
}

int sf_vsock_listen(struct sf_vsock *v, int fd, int backlog)
{
	int r = 0;
	vnet_lock();
	if (vsock_orphan(v)) {
		r = -ENETDOWN;
		goto out;
	}
	if (v->type != SOCK_STREAM) {
		r = -EOPNOTSUPP;
		goto out;
	}
	if (v->state != VS_FRESH && v->state != VS_LISTEN) {
		r = -EINVAL;
		goto out;
	}
	if (!v->bound) {
		struct vaddr any = {.port = 0};
		if (v->domain == AF_INET)
			any.ip.s6_addr[10] = any.ip.s6_addr[11] = 0xff;
		if ((r = vnet_bind_locked(v, &any, false)))
			goto out;
	}
	if (v->state == VS_FRESH) {
		/* inet_csk_get_port at listen: SO_REUSEADDR does not let two
		 * sockets listen on one port (SO_REUSEPORT does). */
		v->state = VS_LISTEN;
		if (vnet_listen_conflict(v)) {
			v->state = VS_FRESH;
			r = -EADDRINUSE;
			goto out;
		}
	}
	/* __sys_listen: backlog capped at somaxconn (4096); negative means
	 * the cap too (an unsigned comparison). */
	if ((unsigned)backlog > 4096u)
		backlog = 4096;
	v->backlog = backlog;
	v->rd_shut = false;
	if (sf_vnet_peer)
		sf_vnet_peer->listened(v);
	vnet_wake(v);
out:
	vnet_sync(v, fd);
	vnet_unlock();
	return r;
}

int sf_vsock_accept(struct sf_vsock *v, int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (addr && !len)
		return -EFAULT;
	if (len && (int)*len < 0)
		return -EINVAL;
	bool nb = vnet_nonblocking(v, 0);
	int r;
	struct sf_socket *old = NULL;
	vnet_lock();
	if (vsock_orphan(v)) {
		r = -ENETDOWN;
		goto out;
	}
	if (v->type != SOCK_STREAM) {
		r = -EOPNOTSUPP;
		goto out;
	}
	uint64_t deadline = vnet_deadline(&v->rcvtimeo);
	for (;;) {
		if (v->state != VS_LISTEN || v->rd_shut) {
			r = -EINVAL;
			goto out;
		}
		if (v->q_head)
			break;
		if (nb) {
			r = -EAGAIN;
			goto out;
		}
		if ((r = vnet_wait_rx(v, deadline)))
			goto out;
	}
	struct sf_vsock *s = v->q_head;
	v->q_head = s->q_next;
	if (!v->q_head)
		v->q_tail = NULL;
	v->qlen--;
	s->q_next = NULL;
	vnet_wake(v); /* connects waiting for room in the queue */
	vtcp_retry_syn(v);
	int nfd = vsock_make_fds(s, flags);
	if (nfd < 0) {
		/* EMFILE: the connection stays queued, as in the kernel (the fd
		 * is allocated before the dequeue there). */
		s->q_next = v->q_head;
		v->q_head = s;
		if (!v->q_tail)
			v->q_tail = s;
		v->qlen++;
		r = nfd;
		goto out;
	}
	vnet_sync(s, nfd);
	if ((r = vsock_install(s, nfd, &old))) {
		sf_libc()->close(nfd);
		drop_embryo(s);
		goto out;
	}
	r = nfd;
	if (addr) {
		struct vaddr peer = s->remote;
		vaddr_copy_out(s, &peer, addr, len);
	}
out:
	if (r == -EAGAIN)
		vnet_settle(v, fd); /* the raw waiter spins at most once (vsock.h) */
	vnet_sync(v, fd);
	vnet_unlock();
	if (old)
		sf_socket_put(old); /* a stale entry: its release takes the lock */
	return r;
}

/* The direct hand-off of a stream (vsock.h): a blocking recv that finds
 * nothing to read publishes its buffers in its socket (v->ho) while it
 * waits, and the peer's next send copies straight into them -- one copy
 * instead of two, made with the lock dropped -- up to what the recv asked
 * for, then wakes it; the recv returns what it got as if it had read it
 * from the ring.  Only an empty ring is bypassed, so the order of the bytes
 * is kept; while the copy runs ho_busy keeps other sends out of the ring,
 * and the recv does not return before it is done (its buffers are being
 * written).  Not offered for MSG_PEEK, MSG_TRUNC, an empty recv or in
 * fuzz-peer mode (the peer script writes rx itself). */
struct vhandoff {
	const struct iovec *iov;
	int cnt;
	size_t want;  /* at most this much */
	size_t done;  /* what the send copied */
	bool busy;    /* the send is copying */
};

/* Copies n bytes of src (after skipping `skip`) to the start of dst. */
static void iov_copy(const struct iovec *dst, int dcnt, const struct iovec *src, int scnt, size_t skip, size_t n)
{
	int di = 0, si = 0;
	size_t doff = 0, soff = skip;
	while (si < scnt && soff >= src[si].iov_len)
		soff -= src[si++].iov_len;
	while (n && di < dcnt && si < scnt) {
		size_t k = dst[di].iov_len - doff, sk = src[si].iov_len - soff;
		if (k > sk)
			k = sk;
		if (k > n)
			k = n;
		if (k)
			memcpy((char *)dst[di].iov_base + doff, (const char *)src[si].iov_base + soff, k);
		n -= k;
		doff += k;
		soff += k;
		if (doff == dst[di].iov_len) {
			di++;
			doff = 0;
		}
		if (soff == src[si].iov_len) {
			si++;
			soff = 0;
		}
	}
}

/* A copy at least this large is made with the lock dropped (struct vbuf):
 * below it, dropping and retaking the lock costs more than the parallel
 * copy saves.  A send commits at most VTCP_UNLOCKED_MAX at a time, so its
 * reader starts on the first piece while the next is copied (the kernel's
 * loopback skbs are at most 64 KiB too). */
#define VTCP_UNLOCKED_MIN 16384
#define VTCP_UNLOCKED_MAX 65536

/* The end of a copy into or out of b (p's ring) made with the lock
 * dropped: whoever waited for it -- p's other readers, its peer's other
 * senders, a send whose ring could not grow -- looks again. */
void vtcp_copy_done(struct sf_vsock *p)
{
	if (!p->rx.waited)
		return;
	p->rx.waited = false;
	vnet_notify(p);
	if (p->peer)
		vnet_notify(p->peer);
}

/* Copies n bytes of iov (after skip) into the tail of p's ring with the
 * lock dropped, then commits them; returns n.  The bytes of a peer that
 * went away meanwhile are dropped: its close reset or finished the
 * connection, and the caller's next look sees that. */
static size_t send_unlocked(struct sf_vsock *v, struct sf_vsock *p, const struct iovec *iov, int cnt,
			    size_t skip, size_t n)
{
	struct vbuf *b = &p->rx;
	size_t tail = vbuf_tail(b);
	b->wbusy = true;
	b->wslot = (signed char)vnet_slot;
	p->refs++; /* p may be closed by another thread meanwhile */
	vnet_unlock();
	n = vbuf_write(b, tail, iov, cnt, skip, n);
	vnet_lock();
	b->wbusy = false;
	if (v->peer == p) {
		b->len += n;
		vnet_arrive(p);
	}
	vtcp_copy_done(p);
	vsock_unref(p);
	return n;
}

/* Copies the first n bytes of v's ring into iov with the lock dropped, then
 * consumes them; returns n.  The peer's sends go on meanwhile, into the
 * room after the tail. */
static size_t recv_unlocked(struct sf_vsock *v, const struct iovec *iov, int cnt, size_t n)
{
	struct vbuf *b = &v->rx;
	size_t head = b->head;
	unsigned epoch = b->epoch;
	b->rbusy = true;
	b->rslot = (signed char)vnet_slot;
	vnet_unlock();
	vbuf_read(b, head, iov, cnt, n);
	vnet_lock();
	b->rbusy = false;
	bool was_blocked = v->peer && !peer_has_room(v->peer);
	if (b->epoch == epoch) /* else another thread's connect emptied it */
		vbuf_consume(b, n);
	if (was_blocked)
		vnet_wake(v->peer); /* room for its sends */
	vtcp_copy_done(v);
	return n;
}

/* Flattens an iovec array's total length (capped). */
static size_t iov_total(const struct iovec *iov, int cnt)
{
	size_t n = 0;
	for (int i = 0; i < cnt; i++) {
		if (iov[i].iov_len > SSIZE_MAX - n)
			return SSIZE_MAX;
		n += iov[i].iov_len;
	}
	return n;
}

long vtcp_send(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags)
{
	size_t want = iov_total(iov, cnt), done = 0;
	bool nb = vnet_nonblocking(v, flags);
	long r;
	vnet_lock();
	uint64_t deadline = vnet_deadline(&v->sndtimeo);
	for (;;) {
		if (v->state == VS_SYN) {
			r = -EAGAIN; /* sk_stream_wait_connect, non-blocking */
			goto out;
		}
		if (v->so_error || v->wr_shut || v->reset || v->state != VS_CONNECTED) {
			if (done)
				break;
			/* sk_stream_error(): a pending error first, else EPIPE. */
			int e = v->so_error;
			v->so_error = 0;
			r = e ? -e : -EPIPE;
			goto out;
		}
		struct sf_vsock *p = v->peer;
		if (!p) {
			/* The peer closed: the data is accepted, and its RST
			 * comes back (tcp_reset in CLOSE_WAIT: EPIPE next) --
			 * over a link, a round trip later. */
			done = want;
			if (!sf_vlink_on || !vlink_answer(v, &v->local, &v->remote, VLINK_DATA_RST, false))
				reset_peer(v);
			break;
		}
		if (p->rd_shut && p->wr_shut) {
			/* Data for a socket that shut both ways (FIN_WAIT with
			 * RCV_SHUTDOWN): tcp_rcv_state_process answers with a RST,
			 * after our send has returned. */
			done = want;
			reset_peer(p);
			reset_peer(v);
			unlink_peer(v);
			break;
		}
		if (done == want)
			break;
		if (p->ho_busy || p->rx.wbusy) {
			/* Another thread of ours is copying into the reader's
			 * buffers or ring: the lock_sock of a send, held for a
			 * memcpy. */
			p->rx.waited = true;
			vnet_wait(v, UINT64_MAX);
			continue;
		}
		/* A reader's buffers are in its own process's memory. */
		struct vhandoff *h = p->ho_pid == vnet_pid ? p->ho : NULL;
		if (h && !p->rx.len && !p->lk) { /* a link delays what it carries */
			size_t n = want - done < h->want ? want - done : h->want;
			p->ho = NULL;
			h->busy = p->ho_busy = true;
			p->refs++; /* p may be closed by another thread meanwhile */
			vnet_unlock();
			iov_copy(h->iov, h->cnt, iov, cnt, done, n);
			vnet_lock();
			h->done = n;
			h->busy = p->ho_busy = false;
			done += n;
			vnet_arrive(p); /* the reader, and sends waiting for ho_busy: */
			vnet_notify(v);
			vsock_unref(p);
			continue;
		}
		size_t cap = vtcp_capacity(p);
		size_t n = vbuf_room(&p->rx, cap, want - done);
		if (n >= VTCP_UNLOCKED_MIN && !p->lk && !sf_vnet_peer) {
			done += send_unlocked(v, p, iov, cnt, done, n < VTCP_UNLOCKED_MAX ? n : VTCP_UNLOCKED_MAX);
			continue;
		}
		if (n) {
			n = vbuf_write(&p->rx, vbuf_tail(&p->rx), iov, cnt, done, n);
			p->rx.len += n;
			done += n;
			if (!p->lk || vlink_tcp_sent(p, n)) /* a link: it arrives later */
				vnet_arrive(p);
			continue;
		}
		if (p->rx.rbusy && p->rx.len < cap) {
			/* Room there is, but the ring cannot grow while the
			 * reader copies out of it: a wait for that copy, as for
			 * a lock, non-blocking or not. */
			p->rx.waited = true;
			vnet_wait(v, UINT64_MAX);
			continue;
		}
		if (nb || (done && (flags & MSG_DONTWAIT)))
			break;
		int w = vnet_wait(v, deadline);
		if (w) {
			/* Timeout or signal: what was sent so far, else the error
			 * (tcp_sendmsg's do_error: copied wins). */
			if (done)
				break;
			r = w;
			goto out;
		}
	}
	r = done || !want ? (long)done : -EAGAIN;
	if (!want && (v->state == VS_CONNECTED))
		r = 0;
out:
	vnet_sync(v, fd);
	vnet_unlock();
	return r;
}

long vtcp_recv(struct sf_vsock *v, int fd, const struct iovec *iov, int cnt, int flags)
{
	size_t want = iov_total(iov, cnt), done = 0;
	bool nb = vnet_nonblocking(v, flags);
	bool peek = flags & MSG_PEEK, discard = flags & MSG_TRUNC;
	long r;
	if (flags & MSG_OOB)
		return -EINVAL; /* tcp_recv_urg: no urgent data */
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	vnet_lock();
	uint64_t deadline = vnet_deadline(&v->rcvtimeo);
	for (;;) {
		if (v->state == VS_LISTEN || v->state == VS_FRESH) {
			r = -ENOTCONN;
			goto out;
		}
		if (v->state == VS_SYN) {
			r = -EAGAIN;
			goto out;
		}
		if (v->rx.rbusy) {
			/* Another thread's recv is copying out of the ring: its
			 * bytes are not ours to read (lock_sock). */
			v->rx.waited = true;
			vnet_wait(v, UINT64_MAX);
			continue;
		}
		size_t ready = vtcp_rx_ready(v);
		if (ready) {
			size_t n = want < ready ? want : ready;
			if (n >= VTCP_UNLOCKED_MIN && !peek && !discard && !v->lk && !sf_vnet_peer) {
				done = recv_unlocked(v, iov, cnt, n);
				break;
			}
			/* Only a peer that could not send (no room, or not
			 * writable: tcp_poll) has anything to wake for.  Its
			 * waiters are those of its socket, and in a ping-pong
			 * that is its own recv: waking that for nothing costs a
			 * futex round trip per message. */
			bool was_blocked = v->peer && !peer_has_room(v->peer);
			done = vbuf_get_iov(&v->rx, iov, cnt, n, peek, discard);
			if (!peek && was_blocked)
				vnet_wake(v->peer); /* room for its sends */
			break; /* MSG_WAITALL continues below, unlocked */
		}
		if (done)
			break;
		/* tcp_recvmsg: the FIN (SOCK_DONE) before a pending error -- a
		 * RST after the FIN (EPIPE, for the next send) reads as EOF. */
		if (v->peer_fin)
			break;
		if (v->so_error) {
			int e = v->so_error;
			v->so_error = 0;
			r = -e;
			goto out;
		}
		if (v->rd_shut || v->reset || v->state == VS_CLOSED)
			break;
		if (nb) {
			r = -EAGAIN;
			goto out;
		}
		struct vhandoff h;
		bool offer = want && !peek && !discard && !v->ho && !sf_vnet_peer && !v->lk;
		if (offer) {
			h = (struct vhandoff){.iov = iov, .cnt = cnt, .want = want};
			v->ho = &h;
			v->ho_pid = vnet_pid;
		}
		int w = vnet_wait_rx(v, deadline);
		if (offer) {
			while (h.busy) /* a send is copying into our buffers */
				vnet_wait_rx(v, UINT64_MAX);
			if (v->ho == &h)
				v->ho = NULL;
			if (h.done) {
				done = h.done;
				break;
			}
		}
		if (!want) {
			/* tcp_recvmsg's do { } while (len > 0): an empty blocking
			 * recv waits once (data, FIN or SO_RCVTIMEO), then 0 --
			 * or the signal's EINTR (sock_intr_errno). */
			r = w == -EINTR ? -EINTR : 0;
			goto out;
		}
		if (w) {
			r = w;
			goto out;
		}
	}
	r = (long)done;
out:
	if (r == -EAGAIN)
		vnet_settle(v, fd); /* the raw waiter spins at most once (vsock.h) */
	vnet_sync(v, fd);
	vnet_unlock();
	/* MSG_WAITALL: keep receiving into the rest of the buffers until they
	 * are full, the stream ends, an error or a timeout (tcp_recvmsg's
	 * target = len). */
	if (r > 0 && (flags & MSG_WAITALL) && !peek && (size_t)r < want) {
		struct iovec rest[64];
		size_t skip = (size_t)r;
		int n = 0;
		for (int i = 0; i < cnt && n < 64; i++) {
			if (skip >= iov[i].iov_len) {
				skip -= iov[i].iov_len;
				continue;
			}
			rest[n].iov_base = (char *)iov[i].iov_base + skip;
			rest[n].iov_len = iov[i].iov_len - skip;
			skip = 0;
			n++;
		}
		long more = vtcp_recv(v, fd, rest, n, flags);
		if (more > 0)
			r += more;
	}
	return r;
}
