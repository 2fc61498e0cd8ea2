/* Capture glue for managed sockets (see capture_kernel.h): which bytes a
 * data call really moved, and the addresses they went between -- the
 * kernel's for a kernel socket, the virtual network's for a virtual one
 * (its fd is an AF_UNIX pair: only the call results are shared).  What only
 * the virtual network knows (a close that resets, a datagram nobody
 * received) it hands out through vsock.h's capture functions. */
#include "capture/capsock.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "faults/scenario.h"
#include "core/shim.h"
#include "vnet/vsock.h"

/* The socket's flow, made at its first capture.  Threads sharing a socket
 * may race to make it: one flow is installed, the loser's is closed again
 * (it recorded nothing).  NULL when memory is short: the capture then
 * misses this socket; the program does not notice. */
static struct sf_capture_flow *flow(struct sf_socket *s)
{
	struct sf_capture_flow *f = atomic_load_explicit(&s->cap, memory_order_acquire);
	if (f)
		return f;
	struct sf_capture_flow *made = sf_capture_flow_new();
	if (made && !atomic_compare_exchange_strong(&s->cap, &f, made)) {
		sf_capture_close(made);
		return f;
	}
	return made;
}

static bool is_tcp(const struct sf_socket *s)
{
	return s->type == SOCK_STREAM && (s->domain == AF_INET || s->domain == AF_INET6) &&
	       (s->protocol == 0 || s->protocol == IPPROTO_TCP);
}

static bool is_udp(const struct sf_socket *s)
{
	return s->type == SOCK_DGRAM && (s->domain == AF_INET || s->domain == AF_INET6) &&
	       (s->protocol == 0 || s->protocol == IPPROTO_UDP);
}

struct addrs {
	struct sockaddr_storage local, peer;
	socklen_t llen, plen;
};

static in_port_t port_of(const struct sockaddr_storage *a, socklen_t len)
{
	if (len >= sizeof(struct sockaddr_in) && a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_port;
	if (len >= sizeof(struct sockaddr_in6) && a->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)a)->sin6_port;
	return 0;
}

static bool is_wildcard(const struct sockaddr_storage *a)
{
	static const struct in6_addr any6;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr == htonl(INADDR_ANY);
	return a->ss_family == AF_INET6 &&
	       memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &any6, sizeof(any6)) == 0;
}

static void copy_addrs(struct sf_socket *s, struct addrs *a)
{
	sf_depth++; /* a signal handler's socket call must not take s->lock again */
	pthread_mutex_lock(&s->lock);
	a->local = s->local;
	a->peer = s->peer;
	a->llen = s->local_len;
	a->plen = s->peer_len;
	pthread_mutex_unlock(&s->lock);
	sf_depth--;
}

/* The socket's addresses, asked again of the kernel when a part is still
 * unknown (a UDP socket's port is chosen at its first send; a non-blocking
 * connect has no peer until it completes). */
static void get_addrs(struct sf_socket *s, int fd, struct addrs *a, bool need_peer)
{
	copy_addrs(s, a);
	if (!port_of(&a->local, a->llen) || (need_peer && !port_of(&a->peer, a->plen))) {
		sf_socket_learn_addresses(s, fd);
		copy_addrs(s, a);
	}
}

/* getpeername of the socket's backend (a virtual socket's fd is one end of
 * an AF_UNIX pair, which has a peer of its own). */
static bool has_peer(struct sf_socket *s, int fd, struct sockaddr_storage *p, socklen_t *pl)
{
	if (s->v)
		return sf_vsock_getpeername(s->v, (struct sockaddr *)p, pl) == 0;
	return sf_libc()->getpeername(fd, (struct sockaddr *)p, pl) == 0;
}

/* Opens the flow if the handshake has not been recorded yet (a connect that
 * completed in the background, an adopted socket); false if the addresses
 * are not known. */
static bool ensure_open(struct sf_socket *s, int fd)
{
	if (sf_capture_tcp_started(flow(s)))
		return true;
	struct addrs a;
	get_addrs(s, fd, &a, true);
	if (!port_of(&a.peer, a.plen) &&
	    sf_capture_tcp_get_hint(flow(s), &a.peer, &a.plen) != 0)
		return false;
	if (!port_of(&a.local, a.llen))
		return false;
	sf_capture_tcp_open(flow(s), (struct sockaddr *)&a.local, a.llen, (struct sockaddr *)&a.peer,
			    a.plen, s->dir == SF_DIR_IN ? SF_FRAME_IN : SF_FRAME_OUT);
	return true;
}

static void refused(struct sf_socket *s, int fd, const struct sockaddr *addr, socklen_t len)
{
	struct addrs a;
	get_addrs(s, fd, &a, false);
	/* A virtual connect that failed gave its port back; the network still
	 * knows which it was, and the source it chose. */
	if (s->v && (!port_of(&a.local, a.llen) || is_wildcard(&a.local)))
		sf_vsock_capture_source(s->v, addr, len, &a.local, &a.llen);
	if (!port_of(&a.local, a.llen)) {
		/* The kernel never saw the connect (an injected refusal): a
		 * wildcard source (a virtual socket: the network's choice of
		 * source) with an ephemeral-range port (ip(7)
		 * ip_local_port_range starts at 32768) stands in for it. */
		if (!s->v || a.local.ss_family != addr->sa_family) {
			memset(&a.local, 0, sizeof(a.local));
			a.local.ss_family = addr->sa_family;
		}
		in_port_t p = htons((uint16_t)(32768 + s->conn_index % 28000));
		if (addr->sa_family == AF_INET6) {
			((struct sockaddr_in6 *)&a.local)->sin6_port = p;
			a.llen = sizeof(struct sockaddr_in6);
		} else {
			((struct sockaddr_in *)&a.local)->sin_port = p;
			a.llen = sizeof(struct sockaddr_in);
		}
	}
	sf_capture_tcp_refused((struct sockaddr *)&a.local, a.llen, addr, len);
}

void sf_capsock_connected(struct sf_socket *s, int fd, const struct sockaddr *addr, socklen_t len,
			  long r)
{
	if (!sf_capture_on || !is_tcp(s) || !addr)
		return;
	int saved = errno;
	if (r == 0) {
		sf_capture_tcp_hint(flow(s), addr, len);
		ensure_open(s, fd);
	} else if (r == -ECONNREFUSED) {
		refused(s, fd, addr, len);
	} else if (r == -EINPROGRESS || r == -EINTR) {
		if (atomic_load(&s->pending_error) == ECONNREFUSED)
			refused(s, fd, addr, len);
		else
			sf_capture_tcp_hint(flow(s), addr, len);
	}
	errno = saved;
}

void sf_capsock_accepted(struct sf_socket *s, int fd)
{
	if (!sf_capture_on || !is_tcp(s))
		return;
	int saved = errno;
	ensure_open(s, fd);
	errno = saved;
}

void sf_capsock_so_error(struct sf_socket *s, int fd, int err)
{
	if (!sf_capture_on || !is_tcp(s) || sf_capture_tcp_started(flow(s)))
		return;
	int saved = errno;
	struct addrs a;
	if (err == ECONNREFUSED && sf_capture_tcp_get_hint(flow(s), &a.peer, &a.plen) == 0) {
		refused(s, fd, (struct sockaddr *)&a.peer, a.plen);
		sf_capture_tcp_hint(flow(s), NULL, 0); /* reported; no second time */
	} else if (err == 0) {
		/* Still in progress reads 0 too; only a connected socket has a
		 * peer. */
		struct sockaddr_storage p;
		socklen_t pl = sizeof(p);
		if (has_peer(s, fd, &p, &pl))
			ensure_open(s, fd);
	}
	errno = saved;
}

/* The buffers of a plain data call as an iovec array; its entry count. */
static size_t io_iov(const struct sf_io *io, struct iovec *one, const struct iovec **iov)
{
	switch (io->call) {
	case SF_CALL_writev:
	case SF_CALL_readv:
		*iov = io->iov;
		return io->iov && io->iovcnt > 0 ? (size_t)io->iovcnt : 0;
	case SF_CALL_sendmsg:
	case SF_CALL_recvmsg:
		*iov = io->msg ? io->msg->msg_iov : NULL;
		return io->msg && io->msg->msg_iov ? io->msg->msg_iovlen : 0;
	default:
		one->iov_base = io->buf ? io->buf : (void *)io->cbuf;
		one->iov_len = io->len;
		*iov = one;
		return 1;
	}
}

/* sendfile: the bytes came from in_fd, read back with pread from where the
 * call started (the kernel moved *offset, or the file position, by r). */
static void tx_sendfile(struct sf_socket *s, const struct sf_io *io, long r)
{
	off_t end = io->offset ? *io->offset : lseek(io->in_fd, 0, SEEK_CUR);
	if (end < r)
		return;
	enum { CHUNK = 65536 };
	unsigned char *buf = malloc(CHUNK);
	if (!buf)
		return;
	for (off_t at = end - r; at < end;) {
		size_t want = (size_t)(end - at) < CHUNK ? (size_t)(end - at) : CHUNK;
		/* A file that shrank meanwhile: zeros keep the stream's length. */
		bool ok = pread(io->in_fd, buf, want, at) == (ssize_t)want;
		struct iovec v = {buf, want};
		sf_capture_tcp_data(flow(s), SF_FRAME_OUT, ok ? &v : NULL, ok ? 1 : 0, want);
		at += (off_t)want;
	}
	free(buf);
}

/* A datagram the virtual network did not deliver: it left, and nobody in
 * this process will receive (and record) it. */
static void undelivered(const struct sockaddr *src, socklen_t slen, const struct sockaddr *dst,
			socklen_t dlen, const void *data, size_t len)
{
	struct iovec v = {(void *)data, len};
	sf_capture_dgram(NULL, SF_FRAME_OUT, src, slen, dst, dlen, &v, 1, len);
}

/* One datagram of ours: from the socket's address to dst (or its peer).  A
 * virtual socket's datagrams are recorded by their receiver (below), or
 * here if undelivered. */
static void dgram_tx(struct sf_socket *s, int fd, const struct sockaddr *dst, socklen_t dlen,
		     const struct iovec *iov, size_t iovcnt, size_t len)
{
	if (s->v) {
		sf_vnet_capture_undelivered(undelivered);
		return;
	}
	struct addrs a;
	get_addrs(s, fd, &a, false);
	if (!dst) {
		dst = (struct sockaddr *)&a.peer;
		dlen = a.plen;
	}
	sf_capture_dgram(flow(s), SF_FRAME_OUT, (struct sockaddr *)&a.local, a.llen, dst, dlen, iov, iovcnt,
			 len);
}

/* back: for a virtual socket, which of the call's datagrams this is,
 * counted from the last. */
static void dgram_rx(struct sf_socket *s, int fd, const struct sockaddr *src, socklen_t slen,
		     const struct iovec *iov, size_t iovcnt, size_t len, unsigned back)
{
	struct addrs a;
	struct sockaddr_storage vsrc;
	get_addrs(s, fd, &a, false);
	if ((!src || !slen) && s->v && sf_vnet_capture_received_from(s->v, back, &vsrc, &slen) == 0) {
		src = (struct sockaddr *)&vsrc; /* the network knows where it came from */
	} else if (!src || !slen) {
		/* recv() without an address: a connected socket's peer (an
		 * unconnected one records the wildcard as source). */
		src = (struct sockaddr *)&a.peer;
		slen = a.plen;
		if (!slen) {
			memset(&a.peer, 0, sizeof(a.peer));
			a.peer.ss_family = a.local.ss_family;
			src = (struct sockaddr *)&a.peer;
			slen = a.llen;
		}
	}
	if (s->v && is_wildcard(&a.local) && src->sa_family == a.local.ss_family) {
		/* A wildcard receiver: the virtual network keeps no destination
		 * with the datagram; the sender's address stands for it (exact
		 * when the sender was unbound too: its source is the address it
		 * sent to). */
		in_port_t port = port_of(&a.local, a.llen);
		memcpy(&a.local, src, slen < sizeof(a.local) ? slen : sizeof(a.local));
		a.llen = slen;
		if (a.local.ss_family == AF_INET)
			((struct sockaddr_in *)&a.local)->sin_port = port;
		else
			((struct sockaddr_in6 *)&a.local)->sin6_port = port;
	}
	/* A virtual socket never registers as a sender (dgram_tx): its
	 * receivers record everything. */
	sf_capture_dgram(s->v ? NULL : flow(s), SF_FRAME_IN, src, slen, (struct sockaddr *)&a.local, a.llen,
			 iov, iovcnt, len);
}

static size_t iov_total(const struct iovec *iov, size_t n)
{
	size_t t = 0;
	for (size_t i = 0; iov && i < n; i++)
		t += iov[i].iov_len;
	return t;
}

void sf_capsock_tx(struct sf_socket *s, const struct sf_io *io, long r)
{
	if (!sf_capture_on || r <= 0)
		return;
	int saved = errno;
	struct iovec one;
	const struct iovec *iov;
	if (is_tcp(s)) {
		if (!ensure_open(s, io->fd))
			goto out;
		if (io->call == SF_CALL_sendfile) {
			tx_sendfile(s, io, r);
		} else if (io->call == SF_CALL_sendmmsg) {
			for (long i = 0; i < r; i++)
				sf_capture_tcp_data(flow(s), SF_FRAME_OUT, io->vec[i].msg_hdr.msg_iov,
						    io->vec[i].msg_hdr.msg_iovlen, io->vec[i].msg_len);
		} else {
			size_t n = io_iov(io, &one, &iov);
			sf_capture_tcp_data(flow(s), SF_FRAME_OUT, iov, n, (size_t)r);
		}
		/* The virtual peer had closed: its RST answers the data (the
		 * program learns it as EPIPE, which a FIN also explains). */
		if (s->v && sf_vsock_capture_answered_by_rst(s->v))
			sf_capture_tcp_rst(flow(s), SF_FRAME_IN);
	} else if (is_udp(s)) {
		if (io->call == SF_CALL_sendmmsg) {
			for (long i = 0; i < r; i++) {
				const struct msghdr *m = &io->vec[i].msg_hdr;
				dgram_tx(s, io->fd, m->msg_name, m->msg_name ? m->msg_namelen : 0, m->msg_iov,
					 m->msg_iovlen, io->vec[i].msg_len);
			}
		} else if (io->call != SF_CALL_sendfile) {
			const struct sockaddr *to = NULL;
			socklen_t tl = 0;
			if (io->call == SF_CALL_sendto && io->to) {
				to = io->to;
				tl = io->tolen;
			} else if (io->call == SF_CALL_sendmsg && io->msg->msg_name) {
				to = io->msg->msg_name;
				tl = io->msg->msg_namelen;
			}
			size_t n = io_iov(io, &one, &iov);
			dgram_tx(s, io->fd, to, tl, iov, n, (size_t)r);
		}
	}
out:
	errno = saved;
}

void sf_capsock_names(const struct sf_io *io, struct sf_capsock_names *nm)
{
	nm->n = 0;
	if (!sf_capture_on)
		return;
	if (io->call == SF_CALL_recvfrom && io->from && io->fromlen) {
		nm->cap[nm->n++] = *io->fromlen;
	} else if (io->call == SF_CALL_recvmsg && io->msg && io->msg->msg_name) {
		nm->cap[nm->n++] = io->msg->msg_namelen;
	} else if (io->call == SF_CALL_recvmmsg && io->vec) {
		for (unsigned i = 0; i < io->vlen && i < SF_CAPSOCK_NAMES; i++)
			nm->cap[nm->n++] = io->vec[i].msg_hdr.msg_name ? io->vec[i].msg_hdr.msg_namelen : 0;
	}
}

/* An address the kernel wrote into a buffer of cap bytes, reporting len:
 * usable only if it fit. */
static socklen_t fitted(socklen_t len, const struct sf_capsock_names *nm, unsigned i)
{
	return i < nm->n && len <= nm->cap[i] ? len : 0;
}

void sf_capsock_result(struct sf_socket *s, const struct sf_io *io, long r,
		       const struct sf_capsock_names *nm)
{
	if (!sf_capture_on)
		return;
	bool tx = sf_call_family[io->call] == SF_FAM_send;
	int saved = errno;
	struct iovec one;
	const struct iovec *iov;
	if (s->v && is_udp(s) && tx)
		sf_vnet_capture_undelivered(undelivered); /* a zero-length one too */
	if (is_tcp(s)) {
		struct addrs a;
		if (r == -ECONNRESET) {
			if (sf_capture_tcp_started(flow(s)))
				sf_capture_tcp_rst(flow(s), SF_FRAME_IN);
		} else if (r == -ECONNREFUSED && !sf_capture_tcp_started(flow(s)) &&
			   sf_capture_tcp_get_hint(flow(s), &a.peer, &a.plen) == 0) {
			/* A connect in progress refused, learnt from a data call
			 * instead of SO_ERROR. */
			refused(s, io->fd, (struct sockaddr *)&a.peer, a.plen);
			sf_capture_tcp_hint(flow(s), NULL, 0);
		} else if (tx || (io->flags & MSG_PEEK) || r < 0) {
			/* sent bytes are recorded when sent; a peek moves nothing */
		} else if (r == 0) {
			if (sf_io_length(io) > 0 && io->call != SF_CALL_recvmmsg && ensure_open(s, io->fd))
				sf_capture_tcp_fin(flow(s), SF_FRAME_IN);
		} else if (ensure_open(s, io->fd)) {
			if (io->call == SF_CALL_recvmmsg) {
				for (long i = 0; i < r; i++)
					sf_capture_tcp_data(flow(s), SF_FRAME_IN, io->vec[i].msg_hdr.msg_iov,
							    io->vec[i].msg_hdr.msg_iovlen, io->vec[i].msg_len);
			} else {
				size_t n = io_iov(io, &one, &iov);
				/* MSG_TRUNC: the bytes were discarded unseen (zeros). */
				if (io->flags & MSG_TRUNC)
					n = 0;
				sf_capture_tcp_data(flow(s), SF_FRAME_IN, iov, n, (size_t)r);
			}
		}
	} else if (is_udp(s) && !tx && r > 0 && !(io->flags & MSG_PEEK)) {
		if (io->call == SF_CALL_recvmmsg) {
			for (long i = 0; i < r; i++) {
				const struct msghdr *m = &io->vec[i].msg_hdr;
				size_t l = io->vec[i].msg_len, have = iov_total(m->msg_iov, m->msg_iovlen);
				dgram_rx(s, io->fd, m->msg_name, m->msg_name ? fitted(m->msg_namelen, nm, (unsigned)i) : 0,
					 m->msg_iov, m->msg_iovlen, l < have ? l : have, (unsigned)(r - 1 - i));
			}
		} else {
			const struct sockaddr *from = NULL;
			socklen_t fl = 0;
			if (io->call == SF_CALL_recvfrom && io->from && io->fromlen) {
				from = io->from;
				fl = fitted(*io->fromlen, nm, 0);
			} else if (io->call == SF_CALL_recvmsg && io->msg->msg_name) {
				from = io->msg->msg_name;
				fl = fitted(io->msg->msg_namelen, nm, 0);
			}
			size_t n = io_iov(io, &one, &iov), have = iov_total(iov, n);
			/* A datagram longer than the buffer (MSG_TRUNC): what arrived in it. */
			dgram_rx(s, io->fd, from, fl, iov, n, (size_t)r < have ? (size_t)r : have, 0);
		}
	}
	if (s->v && is_udp(s) && !tx)
		sf_vnet_capture_received_done();
	errno = saved;
}

void sf_capsock_dgram_out(struct sf_socket *s, int fd, const struct sockaddr *to, socklen_t tolen,
			  const void *data, size_t len)
{
	if (!sf_capture_on || !is_udp(s))
		return;
	int saved = errno;
	struct iovec v = {(void *)data, len};
	dgram_tx(s, fd, tolen ? to : NULL, tolen, &v, 1, len);
	errno = saved;
}

void sf_capsock_shutdown(struct sf_socket *s, int fd, int how)
{
	if (!sf_capture_on || !is_tcp(s) || (how != SHUT_WR && how != SHUT_RDWR))
		return;
	int saved = errno;
	if (ensure_open(s, fd))
		sf_capture_tcp_fin(flow(s), SF_FRAME_OUT);
	errno = saved;
}

void sf_capsock_reset(struct sf_socket *s, int fd)
{
	if (!sf_capture_on || !is_tcp(s))
		return;
	int saved = errno;
	if (ensure_open(s, fd))
		sf_capture_tcp_rst(flow(s), SF_FRAME_OUT);
	errno = saved;
}

void sf_capsock_release(struct sf_socket *s)
{
	struct sf_capture_flow *f = atomic_exchange(&s->cap, NULL);
	if (!f)
		return; /* never captured */
	/* Closing a virtual connection with unread data (or SO_LINGER 0)
	 * resets the peer instead of ending the stream: our RST, no FIN.
	 * (The release hook runs before the network releases the socket.) */
	if (s->v && is_tcp(s) && sf_capture_tcp_started(f) && sf_vsock_close_resets(s->v))
		sf_capture_tcp_rst(f, SF_FRAME_OUT);
	sf_capture_close(f);
}
