/* The data path of a managed kernel socket (see io.h): the sticky state a
 * fault left (reset, peer FIN, blackhole, truncation), the fault decision,
 * and the actions that change what one send or recv does.  A shortened call
 * is a real call with a smaller length: nothing is lost or invented. */
#include "kernel/io.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capture/capsock.h"
#include "capture/capture.h"
#include "faults/env.h"
#include "faults/fault.h"
#include "faults/report.h"
#include "core/shim.h"
#include "vnet/vsock.h"
#include "kernel/wait.h"

/* A UDP datagram held back by reorder/duplicate. */
struct sf_dgram {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	size_t len;
	unsigned char data[];
};

static bool is_tx(const struct sf_io *io)
{
	return sf_call_family[io->call] == SF_FAM_send;
}

/* The real call, as described by io, on the kernel socket.  -errno on
 * failure. */
long sf_io_perform(const struct sf_io *io)
{
	const struct sf_syscalls *libc = sf_libc();
	long r;
	switch (io->call) {
	case SF_CALL_send: r = libc->send(io->fd, io->cbuf, io->len, io->flags); break;
	case SF_CALL_sendto: r = libc->sendto(io->fd, io->cbuf, io->len, io->flags, io->to, io->tolen); break;
	case SF_CALL_sendmsg: r = libc->sendmsg(io->fd, io->msg, io->flags); break;
	case SF_CALL_sendmmsg: r = libc->sendmmsg(io->fd, io->vec, io->vlen, io->flags); break;
	case SF_CALL_write: r = libc->write(io->fd, io->cbuf, io->len); break;
	case SF_CALL_writev: r = libc->writev(io->fd, io->iov, io->iovcnt); break;
	case SF_CALL_sendfile:
		r = (io->large ? libc->sendfile64 : libc->sendfile)(io->fd, io->in_fd, io->offset, io->len);
		break;
	case SF_CALL_recv: r = libc->recv(io->fd, io->buf, io->len, io->flags); break;
	case SF_CALL_recvfrom:
		r = libc->recvfrom(io->fd, io->buf, io->len, io->flags, io->from, io->fromlen);
		break;
	case SF_CALL_recvmsg: r = libc->recvmsg(io->fd, io->msg, io->flags); break;
	case SF_CALL_recvmmsg: r = libc->recvmmsg(io->fd, io->vec, io->vlen, io->flags, io->timeout); break;
	case SF_CALL_read: r = libc->read(io->fd, io->buf, io->len); break;
	case SF_CALL_readv: r = libc->readv(io->fd, io->iov, io->iovcnt); break;
	default: return -ENOSYS;
	}
	return sf_neg(r);
}

/* The call on the socket's backend: the virtual network's, or the kernel's. */
static long perform(struct sf_socket *s, const struct sf_io *io)
{
	if (s->v)
		return sf_vsock_io(s->v, io);
	return sf_io_perform(io);
}

/* Trims an iovec array to at most limit bytes into out (cap entries). */
static int clip_iov(const struct iovec *iov, int cnt, size_t limit, struct iovec *out, int cap)
{
	int n = 0;
	for (int i = 0; i < cnt && limit && n < cap; i++) {
		out[n] = iov[i];
		if (out[n].iov_len > limit)
			out[n].iov_len = limit;
		limit -= out[n].iov_len;
		n++;
	}
	return n;
}

/* Performs io moving at most limit bytes (0: no limit) -- messages for the
 * mmsg calls -- and counts the bytes moved. */

static long perform_limited(struct sf_socket *s, const struct sf_io *io, uint64_t limit)
{
	struct sf_io c = *io;
	struct iovec small[64];
	struct msghdr m;
	long r;
	bool arrays_ok = ((io->call != SF_CALL_writev && io->call != SF_CALL_readv) || io->iov) &&
			 ((io->call != SF_CALL_sendmsg && io->call != SF_CALL_recvmsg) ||
			  (io->msg && io->msg->msg_iov));
	if (limit && arrays_ok && limit < sf_io_length(io)) {
		switch (io->call) {
		case SF_CALL_writev:
		case SF_CALL_readv:
			c.iov = small;
			c.iovcnt = clip_iov(io->iov, io->iovcnt, limit, small, 64);
			break;
		case SF_CALL_sendmsg:
		case SF_CALL_recvmsg:
			m = *io->msg;
			m.msg_iov = small;
			m.msg_iovlen = (size_t)clip_iov(io->msg->msg_iov, (int)io->msg->msg_iovlen, limit, small, 64);
			c.msg = &m;
			break;
		case SF_CALL_sendmmsg:
		case SF_CALL_recvmmsg:
			c.vlen = (unsigned)limit;
			break;
		default:
			c.len = limit;
		}
	}
	r = perform(s, &c);
	if (c.msg == &m) {
		/* recvmsg wrote these into our copy; the program reads them. */
		io->msg->msg_namelen = m.msg_namelen;
		io->msg->msg_controllen = m.msg_controllen;
		io->msg->msg_flags = m.msg_flags;
	}
	/* Sent bytes are recorded as the kernel took them; received ones when
	 * sf_io knows what the program gets (after drop/corrupt/duplicate). */
	if (r > 0 && is_tx(io))
		sf_capsock_tx(s, io, r);
	if (r > 0 && io->call != SF_CALL_sendmmsg && io->call != SF_CALL_recvmmsg)
		atomic_fetch_add_explicit(is_tx(io) ? &s->bytes_out : &s->bytes_in, (unsigned long long)r,
					  memory_order_relaxed);
	return r;
}

/* send(2): EPIPE comes with SIGPIPE "unless MSG_NOSIGNAL is set"; write and
 * sendfile have no flags and always raise it. */
static long epipe(const struct sf_io *io)
{
	if (!(io->flags & MSG_NOSIGNAL))
		pthread_kill(pthread_self(), SIGPIPE);
	return -EPIPE;
}

/* The kernel side of a reset: connect(AF_UNSPEC) on a TCP socket is
 * tcp_disconnect(), which sends a RST to the peer (net/ipv4/tcp.c); an
 * AF_UNIX stream can only be shut down. */
static void reset_kernel(struct sf_socket *s, int fd)
{
	int saved = errno;
	if (s->v)
		sf_vsock_reset(s->v, fd);
	else if (s->domain == AF_INET || s->domain == AF_INET6) {
		struct sockaddr sa = {.sa_family = AF_UNSPEC};
		sf_libc()->connect(fd, &sa, sizeof(sa));
	} else {
		sf_libc()->shutdown(fd, SHUT_RDWR);
	}
	errno = saved;
}

/* Copies up to n bytes of the payload io carries (tx) into dst. */
static size_t gather(const struct sf_io *io, unsigned char *dst, size_t n)
{
	const struct iovec *iov = NULL;
	size_t cnt = 0, done = 0;
	struct iovec one;
	if (io->call == SF_CALL_writev || io->call == SF_CALL_readv) {
		iov = io->iov;
		cnt = (size_t)io->iovcnt;
	} else if (io->call == SF_CALL_sendmsg || io->call == SF_CALL_recvmsg) {
		iov = io->msg->msg_iov;
		cnt = io->msg->msg_iovlen;
	} else {
		one.iov_base = io->buf ? io->buf : (void *)io->cbuf;
		one.iov_len = io->len;
		iov = &one;
		cnt = 1;
	}
	for (size_t i = 0; i < cnt && done < n; i++) {
		size_t k = iov[i].iov_len < n - done ? iov[i].iov_len : n - done;
		memcpy(dst + done, iov[i].iov_base, k);
		done += k;
	}
	return done;
}

/* Writes n bytes into the buffers of a recv-family io; returns how many fit. */
static size_t scatter(const struct sf_io *io, const unsigned char *src, size_t n)
{
	const struct iovec *iov;
	size_t cnt, done = 0;
	struct iovec one;
	if (io->call == SF_CALL_readv) {
		iov = io->iov;
		cnt = (size_t)io->iovcnt;
	} else if (io->call == SF_CALL_recvmsg) {
		iov = io->msg->msg_iov;
		cnt = io->msg->msg_iovlen;
	} else {
		one.iov_base = io->buf;
		one.iov_len = io->len;
		iov = &one;
		cnt = 1;
	}
	for (size_t i = 0; i < cnt && done < n; i++) {
		size_t k = iov[i].iov_len < n - done ? iov[i].iov_len : n - done;
		memcpy(iov[i].iov_base, src + done, k);
		done += k;
	}
	return done;
}

/* The destination of a send-family call, when it names one. */
static const struct sockaddr *destination(const struct sf_io *io, socklen_t *len)
{
	if (io->call == SF_CALL_sendto && io->to) {
		*len = io->tolen;
		return io->to;
	}
	if (io->call == SF_CALL_sendmsg && io->msg->msg_name) {
		*len = io->msg->msg_namelen;
		return io->msg->msg_name;
	}
	*len = 0;
	return NULL;
}

static struct sf_dgram *dgram_copy_tx(const struct sf_io *io)
{
	size_t len = sf_io_length(io);
	struct sf_dgram *d = malloc(sizeof(*d) + len + 1);
	if (!d)
		return NULL;
	socklen_t al;
	const struct sockaddr *a = destination(io, &al);
	d->addrlen = a && al <= sizeof(d->addr) ? al : 0;
	if (d->addrlen)
		memcpy(&d->addr, a, d->addrlen);
	d->len = gather(io, d->data, len);
	return d;
}

static long send_dgram(struct sf_socket *s, int fd, const struct sf_dgram *d)
{
	struct iovec iov = {(void *)d->data, d->len};
	struct msghdr m = {.msg_name = d->addrlen ? (void *)&d->addr : NULL, .msg_namelen = d->addrlen,
			   .msg_iov = &iov, .msg_iovlen = 1};
	long r;
	if (s->v)
		r = sf_vsock_io(s->v, &(struct sf_io){.call = SF_CALL_sendmsg, .fd = fd, .msg = &m,
						     .flags = MSG_NOSIGNAL});
	else
		r = sf_neg(sf_libc()->sendmsg(fd, &m, MSG_NOSIGNAL));
	if (r >= 0)
		sf_capsock_dgram_out(s, fd, (struct sockaddr *)&d->addr, d->addrlen, d->data, d->len);
	return r;
}

/* shutdown(2) on the kernel socket or the virtual one (close and truncate
 * actions: the stream really ends, so waits agree). */
static void shut(struct sf_socket *s, int fd, int how)
{
	int saved = errno;
	if (s->v)
		sf_vsock_shutdown(s->v, fd, how);
	else
		sf_libc()->shutdown(fd, how);
	errno = saved;
}

/* Delivers a held datagram to a recv-family io, as the kernel would have. */
static long deliver(const struct sf_io *io, struct sf_dgram *d)
{
	size_t n = scatter(io, d->data, d->len);
	struct sockaddr *from = NULL;
	socklen_t *fromlen = NULL;
	if (io->call == SF_CALL_recvfrom) {
		from = io->from;
		fromlen = io->fromlen;
	} else if (io->call == SF_CALL_recvmsg) {
		from = io->msg->msg_name;
		fromlen = &io->msg->msg_namelen;
		io->msg->msg_controllen = 0;
		io->msg->msg_flags = n < d->len ? MSG_TRUNC : 0;
	}
	if (from && fromlen) {
		memcpy(from, &d->addr, *fromlen < d->addrlen ? *fromlen : d->addrlen);
		*fromlen = d->addrlen;
	}
	if (io->call == SF_CALL_recvmsg && (io->flags & MSG_TRUNC))
		return (long)d->len;
	return (long)n;
}

/* What the state left by earlier faults makes of this call; 1 when it
 * decided the result (*r), 0 when the call proceeds (limit may be set). */
static int sticky(struct sf_socket *s, const struct sf_io *io, long *r, uint64_t *limit)
{
	unsigned st = atomic_load_explicit(&s->state, memory_order_acquire);
	bool tx = is_tx(io);
	if (tx) {
		if (st & (SF_SOCK_RESET | SF_SOCK_WR_SHUT)) {
			*r = epipe(io);
			return 1;
		}
		if (st & SF_SOCK_HOLE_TX) {
			*r = (long)sf_io_length(io); /* accepted, never delivered */
			return 1;
		}
		uint64_t lim = atomic_load(&s->limit_out), done = atomic_load(&s->bytes_out);
		if (lim != UINT64_MAX) {
			if (done >= lim) {
				atomic_fetch_or(&s->state, SF_SOCK_WR_SHUT);
				*r = epipe(io);
				return 1;
			}
			*limit = lim - done;
		}
		return 0;
	}
	if (st & SF_SOCK_RESET) {
		/* tcp_reset(): the error is reported once, then the stream reads
		 * as ended. */
		unsigned old = atomic_fetch_or(&s->state, SF_SOCK_RESET_SEEN);
		*r = old & SF_SOCK_RESET_SEEN ? 0 : -ECONNRESET;
		return 1;
	}
	if (st & SF_SOCK_PEER_FIN) {
		*r = 0;
		return 1;
	}
	if (st & SF_SOCK_HOLE_RX) {
		*r = sf_nonblocking(io->fd, io->flags) ? -EAGAIN : sf_block_forever_or_timeout(io->fd, true);
		return 1;
	}
	uint64_t lim = atomic_load(&s->limit_in), done = atomic_load(&s->bytes_in);
	if (lim != UINT64_MAX) {
		if (done >= lim) {
			atomic_fetch_or(&s->state, SF_SOCK_PEER_FIN);
			shut(s, io->fd, SHUT_RD);
			*r = 0;
			return 1;
		}
		*limit = lim - done;
	}
	if (s->type == SOCK_DGRAM && s->held_rx && !(io->flags & MSG_PEEK) && io->call != SF_CALL_recvmmsg) {
		pthread_mutex_lock(&s->lock);
		struct sf_dgram *d = s->held_rx;
		s->held_rx = NULL;
		pthread_mutex_unlock(&s->lock);
		if (d) {
			*r = deliver(io, d);
			free(d);
			return 1;
		}
	}
	return 0;
}

static uint64_t min_limit(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

/* Datagram actions: drop, duplicate, corrupt, reorder. */
static long udp_action(struct sf_socket *s, const struct sf_io *io, const struct sf_verdict *v)
{
	enum sf_action a = v->rule->action;
	long r;
	if (is_tx(io)) {
		struct sf_dgram *d;
		switch (a) {
		case SF_ACT_DROP:
			return (long)sf_io_length(io); /* the network lost it */
		case SF_ACT_DUPLICATE:
			r = perform_limited(s, io, 0);
			if (r >= 0 && (d = dgram_copy_tx(io))) {
				send_dgram(s, io->fd, d);
				free(d);
			}
			return r;
		case SF_ACT_CORRUPT:
			if (!(d = dgram_copy_tx(io)))
				return -ENOBUFS;
			if (d->len)
				d->data[sf_fault_pick(v, (struct sf_range){0, d->len - 1})] ^= 0xff;
			r = send_dgram(s, io->fd, d);
			free(d);
			return r < 0 ? r : (long)sf_io_length(io);
		default: /* reorder: held until the next datagram has gone */
			if (!(d = dgram_copy_tx(io)))
				return -ENOBUFS;
			pthread_mutex_lock(&s->lock);
			struct sf_dgram *prev = s->held_tx;
			s->held_tx = d;
			pthread_mutex_unlock(&s->lock);
			if (prev) {
				send_dgram(s, io->fd, prev);
				free(prev);
			}
			return (long)d->len;
		}
	}
	r = perform_limited(s, io, 0);
	if (r < 0 || io->call == SF_CALL_recvmmsg)
		return r;
	switch (a) {
	case SF_ACT_DROP:
		/* Lost on the way: the program waits for the next one. */
		return perform_limited(s, io, 0);
	case SF_ACT_CORRUPT:
		if (r > 0) {
			unsigned char *tmp = malloc((size_t)r);
			if (tmp) {
				struct sf_io view = *io;
				view.cbuf = io->buf;
				gather(&view, tmp, (size_t)r);
				tmp[sf_fault_pick(v, (struct sf_range){0, (uint64_t)r - 1})] ^= 0xff;
				scatter(io, tmp, (size_t)r);
				free(tmp);
			}
		}
		return r;
	case SF_ACT_DUPLICATE: {
		/* The same datagram arrives again on the next receive. */
		struct sf_dgram *d = malloc(sizeof(*d) + (size_t)r + 1);
		if (d) {
			struct sf_io view = *io;
			view.cbuf = io->buf;
			d->len = gather(&view, d->data, (size_t)r);
			d->addrlen = 0;
			const struct sockaddr *from = io->call == SF_CALL_recvfrom ? io->from
						      : io->call == SF_CALL_recvmsg ? io->msg->msg_name
										    : NULL;
			socklen_t fl = io->call == SF_CALL_recvfrom && io->fromlen ? *io->fromlen
				       : io->call == SF_CALL_recvmsg ? io->msg->msg_namelen
								     : 0;
			if (from && fl <= sizeof(d->addr)) {
				memcpy(&d->addr, from, fl);
				d->addrlen = fl;
			}
			pthread_mutex_lock(&s->lock);
			free(s->held_rx);
			s->held_rx = d;
			pthread_mutex_unlock(&s->lock);
		}
		return r;
	}
	default:
		return r; /* reorder on receive: see scenarios/README.md (sender side) */
	}
}

/* After an injected short transfer or EAGAIN on a socket the program
 * waits on edge-triggered: the kernel returns those only when its buffer
 * is full (send) or empty (recv), and the next change gives an edge; ours
 * left the buffer as it was, so no edge would come and the program (nginx,
 * any EPOLLET loop) would wait forever for a socket that is ready.
 * EPOLL_CTL_MOD re-evaluates the registration and reports it again if it
 * is ready (epoll(7): the event is re-armed), which is that edge.  A wait
 * the kernel does not know about (a blocking call) needs nothing. */
static void give_edge(struct sf_socket *s)
{
	if (s->v) {
		sf_vnet_give_edge(s->v); /* the same, on the virtual fd's records */
		return;
	}
	pthread_mutex_lock(&s->lock);
	int epfd = s->et_epfd, fd = s->et_fd;
	struct epoll_event ev = s->et_ev;
	pthread_mutex_unlock(&s->lock);
	if (epfd < 0)
		return;
	int saved = errno;
	sf_libc()->epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
	errno = saved;
}

static long apply(struct sf_socket *s, const struct sf_io *io, const struct sf_verdict *v, uint64_t limit)
{
	const struct sf_rule *rule = v->rule;
	bool tx = is_tx(io);
	uint64_t amount;
	switch (rule->action) {
	case SF_ACT_EINTR:
		if (rule->signal)
			pthread_kill(pthread_self(), rule->signal);
		return -EINTR;
	case SF_ACT_EAGAIN:
		give_edge(s);
		return -EAGAIN;
	case SF_ACT_ERROR:
		if (rule->err == EPIPE)
			return epipe(io);
		return -rule->err;
	case SF_ACT_SHORT: {
		amount = sf_fault_pick(v, rule->amount);
		long r = perform_limited(s, io, min_limit(limit, amount ? amount : 1));
		if (r > 0)
			give_edge(s);
		return r;
	}
	case SF_ACT_DELAY:
		sf_sleep_ns(sf_fault_pick(v, rule->amount));
		return perform_limited(s, io, limit);
	case SF_ACT_TIMEOUT:
		atomic_fetch_or(&s->state, tx ? SF_SOCK_STALL_TX : SF_SOCK_STALL_RX);
		if (sf_nonblocking(io->fd, io->flags))
			return -EAGAIN;
		return sf_block_forever_or_timeout(io->fd, !tx);
	case SF_ACT_BLACKHOLE: {
		atomic_fetch_or(&s->state, tx ? SF_SOCK_HOLE_TX : SF_SOCK_HOLE_RX);
		long r;
		uint64_t lim = 0;
		sticky(s, io, &r, &lim);
		return r;
	}
	case SF_ACT_RESET:
		if (s->type != SOCK_STREAM)
			return -ECONNREFUSED; /* what ICMP port-unreachable gives UDP */
		atomic_fetch_or(&s->state, SF_SOCK_RESET | SF_SOCK_RESET_SEEN);
		sf_capsock_reset(s, io->fd); /* before the kernel forgets the addresses */
		reset_kernel(s, io->fd);
		return -ECONNRESET;
	case SF_ACT_CLOSE:
		/* shutdown(SHUT_RD) makes the kernel agree: poll reports the fd
		 * readable and reads return 0, as after the peer's FIN. */
		atomic_fetch_or(&s->state, SF_SOCK_PEER_FIN);
		shut(s, io->fd, SHUT_RD);
		return 0;
	case SF_ACT_BANDWIDTH: {
		uint64_t rate = sf_fault_pick(v, rule->amount);
		if (!rate)
			rate = 1;
		/* At most 100 ms worth per call, so one large call is paced too. */
		uint64_t chunk = rate / 10 ? rate / 10 : 1;
		long r = perform_limited(s, io, min_limit(limit, chunk));
		if (r <= 0)
			return r;
		uint64_t now = sf_now_ns(), cost = (uint64_t)r * 1000000000u / rate;
		pthread_mutex_lock(&s->lock);
		uint64_t start = s->bw_next_ns > now ? s->bw_next_ns : now;
		s->bw_next_ns = start + cost;
		uint64_t until = s->bw_next_ns;
		pthread_mutex_unlock(&s->lock);
		sf_sleep_ns(until - now);
		return r;
	}
	case SF_ACT_TRUNCATE: {
		uint64_t n = sf_fault_pick(v, rule->amount);
		atomic_ullong *lim = tx ? &s->limit_out : &s->limit_in;
		unsigned long long cur = atomic_load(lim);
		while (n < cur && !atomic_compare_exchange_weak(lim, &cur, n))
			;
		long r;
		uint64_t l = 0;
		if (sticky(s, io, &r, &l))
			return r;
		r = perform_limited(s, io, l);
		if (tx && r >= 0 && atomic_load(&s->bytes_out) >= atomic_load(&s->limit_out)) {
			/* The stream ends here: a real FIN for the peer. */
			atomic_fetch_or(&s->state, SF_SOCK_WR_SHUT);
			shut(s, io->fd, SHUT_WR);
			sf_capsock_shutdown(s, io->fd, SHUT_WR);
		}
		return r;
	}
	case SF_ACT_DROP:
	case SF_ACT_DUPLICATE:
	case SF_ACT_CORRUPT:
	case SF_ACT_REORDER:
		if (s->type == SOCK_DGRAM)
			return udp_action(s, io, v);
		return perform_limited(s, io, limit);
	default:
		/* Actions the parser allows only on other calls (refuse, eai...). */
		return perform_limited(s, io, limit);
	}
}

/* Whether this call is just the call: no capture, a stream socket with
 * nothing left by earlier faults (sticky's states and limits), and no rule
 * that could match it.  Most calls of an engaged program are; the general
 * path below costs them some 200 instructions for nothing.  Datagram
 * sockets always take it: their held datagrams are read under s->lock. */
static bool plain(struct sf_socket *s, const struct sf_io *io)
{
	enum { STICKY = SF_SOCK_RESET | SF_SOCK_PEER_FIN | SF_SOCK_HOLE_RX | SF_SOCK_HOLE_TX | SF_SOCK_WR_SHUT };
	if (sf_capture_on || s->type == SOCK_DGRAM ||
	    (atomic_load_explicit(&s->state, memory_order_acquire) & STICKY))
		return false;
	atomic_ullong *lim = is_tx(io) ? &s->limit_out : &s->limit_in;
	if (atomic_load_explicit(lim, memory_order_relaxed) != UINT64_MAX)
		return false;
	return !sf_fault_may_fire(s, io->call);
}

long sf_io(struct sf_socket *s, struct sf_io *io)
{
	long r;
	if (plain(s, io)) {
		/* perform_limited without a limit, less what capture needs. */
		r = perform(s, io);
		if (r > 0 && io->call != SF_CALL_sendmmsg && io->call != SF_CALL_recvmmsg)
			atomic_fetch_add_explicit(is_tx(io) ? &s->bytes_out : &s->bytes_in,
						  (unsigned long long)r, memory_order_relaxed);
		return r;
	}
	uint64_t limit = 0;
	struct sf_dgram *flush = NULL;
	struct sf_capsock_names names;
	sf_capsock_names(io, &names);
	if (s->type == SOCK_DGRAM && is_tx(io) && s->held_tx) {
		pthread_mutex_lock(&s->lock);
		flush = s->held_tx;
		s->held_tx = NULL;
		pthread_mutex_unlock(&s->lock);
	}
	if (sticky(s, io, &r, &limit))
		goto out;
	if (!sf_fault_watches(io->call) || ((io->call == SF_CALL_sendmsg || io->call == SF_CALL_recvmsg) && !io->msg)) {
		r = perform_limited(s, io, limit);
		if (limit && r > 0 && (uint64_t)r == limit)
			give_edge(s);
	} else {
		socklen_t tl;
		struct sf_call_ctx c = {.call = io->call, .fd = io->fd, .s = s,
					.to = destination(io, &tl), .len = sf_io_length(io)};
		struct sf_verdict v;
		if (!sf_fault_decide(&c, &v)) {
			/* cut at a truncation point or a rule's byte threshold:
			 * short as a `short` action is */
			uint64_t lim = min_limit(limit, v.clip);
			r = perform_limited(s, io, lim);
			if (lim && r > 0 && (uint64_t)r == lim)
				give_edge(s);
		} else {
			r = apply(s, io, &v, min_limit(limit, v.clip));
			sf_report_fault(&c, &v, r);
		}
	}
out:
	sf_capsock_result(s, io, r, &names);
	/* A datagram held back by reorder goes out after the next one. */
	if (flush) {
		send_dgram(s, io->fd, flush);
		free(flush);
	}
	return r;
}

void sf_io_flush_held(struct sf_socket *s, int fd)
{
	pthread_mutex_lock(&s->lock);
	struct sf_dgram *d = s->held_tx;
	s->held_tx = NULL;
	pthread_mutex_unlock(&s->lock);
	if (d) {
		int saved = errno;
		send_dgram(s, fd, d);
		free(d);
		errno = saved;
	}
}
