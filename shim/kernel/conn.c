/* The connection layer (see conn.h) for kernel sockets: the real call, what
 * the shim learns from it (addresses, connection order), and the faults a
 * scenario puts on the lifecycle calls. */
#include "kernel/conn.h"

#include <stdatomic.h>
#include <sys/ioctl.h>

#include "capture/capsock.h"
#include "faults/fault.h"
#include "kernel/io.h"
#include "faults/report.h"
#include "core/shim.h"
#include "vnet/vsock.h"
#include "kernel/wait.h"

static atomic_uint conn_counter; /* order of connections in this process */

/* Numbers the connection (once: a connect attempt already took its number
 * so that conn= rules can match the attempt itself). */
static void number_connection(struct sf_socket *s, int dir)
{
	if (!s->conn_index)
		s->conn_index = atomic_fetch_add_explicit(&conn_counter, 1, memory_order_relaxed) + 1;
	s->dir = dir;
	sf_fault_socket_changed(s);
}

static void note_connection(struct sf_socket *s, int fd, int dir)
{
	number_connection(s, dir);
	sf_socket_learn_addresses(s, fd); /* also invalidates the rule cache */
}

/* Decides whether a rule fires for a lifecycle call; logs happen in done(). */
static bool decide(enum sf_call call, struct sf_socket *s, int fd, const struct sockaddr *to,
		   struct sf_call_ctx *c, struct sf_verdict *v)
{
	if (!sf_fault_watches(call))
		return false;
	*c = (struct sf_call_ctx){.call = call, .fd = fd, .s = s, .to = to};
	return sf_fault_decide(c, v);
}

static long done(const struct sf_call_ctx *c, const struct sf_verdict *v, long r)
{
	sf_report_fault(c, v, r);
	return r;
}

/* The actions every call shares.  1 when the call must not be performed
 * (*r is its result); 0 to perform it (after a delay). */
static int common_action(const struct sf_verdict *v, long *r)
{
	const struct sf_rule *rule = v->rule;
	switch (rule->action) {
	case SF_ACT_EINTR:
		if (rule->signal)
			pthread_kill(pthread_self(), rule->signal);
		*r = -EINTR;
		return 1;
	case SF_ACT_EAGAIN:
		*r = -EAGAIN;
		return 1;
	case SF_ACT_ERROR:
		*r = -rule->err;
		return 1;
	case SF_ACT_DELAY:
		sf_sleep_ns(sf_fault_pick(v, rule->amount));
		return 0;
	default:
		return 0;
	}
}

int sf_socket_fault(enum sf_call call)
{
	struct sf_call_ctx c;
	struct sf_verdict v;
	long r = 0;
	if (sf_depth || !decide(call, NULL, -1, NULL, &c, &v))
		return 0;
	common_action(&v, &r);
	done(&c, &v, r);
	return (int)r;
}

void sf_track_accepted(int lfd, int nfd)
{
	struct sf_socket *ls = sf_socket_get(lfd);
	if (!ls)
		return;
	sf_track(nfd, ls->domain, ls->type, ls->protocol);
	sf_socket_put(ls);
}

/* Generic lifecycle call: faults, then the call itself (negcall: a result
 * or -errno, from the kernel or the virtual network). */
#define LIFECYCLE(call, s, fd, negcall)                                       \
	do {                                                                  \
		struct sf_call_ctx c_;                                        \
		struct sf_verdict v_;                                         \
		long r_;                                                      \
		if (decide(call, s, fd, NULL, &c_, &v_)) {                    \
			if (common_action(&v_, &r_))                          \
				return (int)done(&c_, &v_, r_);               \
			return (int)done(&c_, &v_, (negcall));                \
		}                                                             \
		return (int)(negcall);                                        \
	} while (0)

/* The calls themselves, on the kernel socket or the virtual one: a result or
 * -errno.  Everything above them (faults, bookkeeping) is shared. */
static long do_connect(struct sf_socket *s, int fd, const struct sockaddr *addr, socklen_t len)
{
	if (s->v)
		return sf_vsock_connect(s->v, fd, addr, len);
	return sf_neg(sf_libc()->connect(fd, addr, len));
}

static long do_getsockopt(struct sf_socket *s, int fd, int level, int name, void *val, socklen_t *len)
{
	if (s->v)
		return sf_vsock_getsockopt(s->v, fd, level, name, val, len);
	return sf_neg(sf_libc()->getsockopt(fd, level, name, val, len));
}

static long do_setsockopt(struct sf_socket *s, int fd, int level, int name, const void *val, socklen_t len)
{
	if (s->v)
		return sf_vsock_setsockopt(s->v, fd, level, name, val, len);
	return sf_neg(sf_libc()->setsockopt(fd, level, name, val, len));
}

static long do_listen(struct sf_socket *s, int fd, int backlog)
{
	if (s->v)
		return sf_vsock_listen(s->v, fd, backlog);
	return sf_neg(sf_libc()->listen(fd, backlog));
}

static long do_shutdown(struct sf_socket *s, int fd, int how)
{
	if (s->v)
		return sf_vsock_shutdown(s->v, fd, how);
	return sf_neg(sf_libc()->shutdown(fd, how));
}

int sf_bind(struct sf_socket *s, int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sf_call_ctx c;
	struct sf_verdict v;
	long r;
	bool fired = decide(SF_CALL_bind, s, fd, addr, &c, &v);
	if (fired && common_action(&v, &r))
		return (int)done(&c, &v, r);
	r = s->v ? sf_vsock_bind(s->v, addr, len) : sf_neg(sf_libc()->bind(fd, addr, len));
	if (r == 0)
		sf_socket_learn_addresses(s, fd);
	if (fired)
		done(&c, &v, r);
	return (int)r;
}

int sf_listen(struct sf_socket *s, int fd, int backlog)
{
	LIFECYCLE(SF_CALL_listen, s, fd, do_listen(s, fd, backlog));
}

int sf_accept(struct sf_socket *ls, enum sf_call call, int fd, struct sockaddr *addr, socklen_t *len,
	      int flags)
{
	struct sf_call_ctx c;
	struct sf_verdict v;
	long r;
	bool fired = false;
	if (atomic_load(&ls->state) & SF_SOCK_HOLE_RX)
		return (int)(sf_nonblocking(fd, 0) ? -EAGAIN : sf_block_forever_or_timeout(fd, true));
	if ((fired = decide(call, ls, fd, NULL, &c, &v))) {
		if (common_action(&v, &r))
			return (int)done(&c, &v, r);
		enum sf_action a = v.rule->action;
		if (a == SF_ACT_TIMEOUT || a == SF_ACT_BLACKHOLE) {
			/* No connection arrives in time (or ever): the listener is
			 * not readable, and a blocking accept waits SO_RCVTIMEO. */
			atomic_fetch_or(&ls->state, a == SF_ACT_TIMEOUT ? SF_SOCK_STALL_RX : SF_SOCK_HOLE_RX);
			r = sf_nonblocking(fd, 0) ? -EAGAIN : sf_block_forever_or_timeout(fd, true);
			return (int)done(&c, &v, r);
		}
	}
	int nfd;
	if (ls->v) {
		/* The virtual network installs the new socket itself. */
		nfd = sf_vsock_accept(ls->v, fd, addr, len, call == SF_CALL_accept ? 0 : flags);
		if (nfd < 0)
			return (int)(fired ? done(&c, &v, nfd) : nfd);
	} else {
		nfd = call == SF_CALL_accept ? sf_libc()->accept(fd, addr, len)
					     : sf_libc()->accept4(fd, addr, len, flags);
		if (nfd < 0)
			return (int)(fired ? done(&c, &v, -errno) : -errno);
		sf_track(nfd, ls->domain, ls->type, ls->protocol);
	}
	struct sf_socket *s = sf_socket_get(nfd);
	if (s) {
		note_connection(s, nfd, SF_DIR_IN);
		sf_capsock_accepted(s, nfd);
		sf_socket_put(s);
	}
	return (int)(fired ? done(&c, &v, nfd) : nfd);
}

/* connect(2) faults.  A refused or blackholed connect never sends a SYN; an
 * interrupted one goes on in the background, as after a real signal
 * (connect(2): "the connection is established asynchronously"). */
static long connect_action(struct sf_socket *s, int fd, const struct sockaddr *addr, socklen_t len,
			   const struct sf_verdict *v)
{
	const struct sf_rule *rule = v->rule;
	bool nb = sf_nonblocking(fd, 0);
	long r;
	switch (rule->action) {
	case SF_ACT_EINTR:
		r = do_connect(s, fd, addr, len);
		if (r == 0 || r == -EINPROGRESS) {
			note_connection(s, fd, SF_DIR_OUT);
			if (rule->signal)
				pthread_kill(pthread_self(), rule->signal);
			return -EINTR;
		}
		return r;
	case SF_ACT_REFUSE:
	case SF_ACT_RESET: /* a RST answering the SYN is a refusal */
		if (!nb || s->type != SOCK_STREAM)
			return -ECONNREFUSED;
		/* Non-blocking: the refusal arrives later, through SO_ERROR; the
		 * unconnected socket polls writable with POLLHUP as a refused one. */
		atomic_store(&s->pending_error, ECONNREFUSED);
		return -EINPROGRESS;
	case SF_ACT_TIMEOUT:
	case SF_ACT_BLACKHOLE:
		atomic_fetch_or(&s->state, SF_SOCK_HOLE_TX);
		if (nb)
			return -EINPROGRESS;
		if (rule->action == SF_ACT_BLACKHOLE) {
			r = sf_block_forever_or_timeout(fd, false);
		} else {
			/* With no SO_SNDTIMEO the kernel gives up after its SYN
			 * retries (~127 s, tcp(7) tcp_syn_retries); that wait is
			 * elided. */
			struct timeval tv = {0, 0};
			socklen_t l = sizeof(tv);
			do_getsockopt(s, fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &l);
			if (!tv.tv_sec && !tv.tv_usec)
				return -ETIMEDOUT;
			r = sf_block_forever_or_timeout(fd, false);
		}
		/* inet_stream_connect(): SO_SNDTIMEO expiring gives EINPROGRESS. */
		return r == -EAGAIN ? -EINPROGRESS : r;
	default:
		r = do_connect(s, fd, addr, len);
		if (r == 0 || r == -EINPROGRESS)
			note_connection(s, fd, SF_DIR_OUT);
		return r;
	}
}

int sf_connect(struct sf_socket *s, int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sf_call_ctx c;
	struct sf_verdict v;
	long r;
	if (s->type == SOCK_STREAM)
		number_connection(s, SF_DIR_OUT);
	if (decide(SF_CALL_connect, s, fd, addr, &c, &v)) {
		if (v.rule->action != SF_ACT_EINTR && common_action(&v, &r))
			return (int)done(&c, &v, r);
		r = connect_action(s, fd, addr, len, &v);
		sf_capsock_connected(s, fd, addr, len, r);
		return (int)done(&c, &v, r);
	}
	r = do_connect(s, fd, addr, len);
	if (r == 0 || r == -EINPROGRESS)
		note_connection(s, fd, SF_DIR_OUT);
	sf_capsock_connected(s, fd, addr, len, r);
	return (int)r;
}

int sf_getpeername(struct sf_socket *s, int fd, struct sockaddr *addr, socklen_t *len)
{
	if (s->v)
		return sf_vsock_getpeername(s->v, addr, len);
	return (int)sf_neg(sf_libc()->getpeername(fd, addr, len));
}

int sf_getsockname(struct sf_socket *s, int fd, struct sockaddr *addr, socklen_t *len)
{
	if (s->v)
		return sf_vsock_getsockname(s->v, addr, len);
	return (int)sf_neg(sf_libc()->getsockname(fd, addr, len));
}

static int getsockopt_plain(struct sf_socket *s, int fd, int level, int name, void *val, socklen_t *len)
{
	LIFECYCLE(SF_CALL_getsockopt, s, fd, do_getsockopt(s, fd, level, name, val, len));
}

int sf_getsockopt(struct sf_socket *s, int fd, int level, int name, void *val, socklen_t *len)
{
	if (level == SOL_SOCKET && name == SO_ERROR && val && len && *len >= (socklen_t)sizeof(int)) {
		/* An error a fault left pending is reported (and cleared) like the
		 * kernel's sk_err: once. */
		int e = atomic_exchange(&s->pending_error, 0);
		if (e) {
			int dummy;
			socklen_t dl = sizeof(dummy);
			do_getsockopt(s, fd, level, name, &dummy, &dl);
			*(int *)val = e;
			*len = sizeof(int);
			return 0;
		}
		/* A connect in progress ends here for the capture: connected or
		 * refused. */
		int r = getsockopt_plain(s, fd, level, name, val, len);
		if (r == 0)
			sf_capsock_so_error(s, fd, *(int *)val);
		return r;
	}
	return getsockopt_plain(s, fd, level, name, val, len);
}

int sf_setsockopt(struct sf_socket *s, int fd, int level, int name, const void *val, socklen_t len)
{
	LIFECYCLE(SF_CALL_setsockopt, s, fd, do_setsockopt(s, fd, level, name, val, len));
}

static int shutdown_plain(struct sf_socket *s, int fd, int how)
{
	LIFECYCLE(SF_CALL_shutdown, s, fd, do_shutdown(s, fd, how));
}

int sf_shutdown(struct sf_socket *s, int fd, int how)
{
	int r = shutdown_plain(s, fd, how);
	if (r == 0)
		sf_capsock_shutdown(s, fd, how);
	return r;
}

int sf_ioctl(struct sf_socket *s, int fd, unsigned long req, void *arg)
{
	if (s->v)
		return sf_vsock_ioctl(s->v, fd, req, arg);
	return (int)sf_neg(sf_libc()->ioctl(fd, req, arg));
}

int sf_close(struct sf_socket *s, int fd)
{
	struct sf_call_ctx c;
	struct sf_verdict v;
	long r;
	bool fired = sf_engaged && !sf_depth && decide(SF_CALL_close, s, fd, NULL, &c, &v);
	if (fired && v.rule->action == SF_ACT_DELAY)
		sf_sleep_ns(sf_fault_pick(&v, v.rule->amount));
	if (s->type == SOCK_DGRAM && s->held_tx)
		sf_io_flush_held(s, fd);
	r = sf_neg(sf_libc()->close(fd));
	/* close(2): Linux releases the descriptor even when close reports an
	 * error, so an injected EINTR/EIO comes after the real close. */
	if (fired && r == 0 && (v.rule->action == SF_ACT_EINTR || v.rule->action == SF_ACT_ERROR)) {
		if (v.rule->action == SF_ACT_EINTR && v.rule->signal)
			pthread_kill(pthread_self(), v.rule->signal);
		r = v.rule->action == SF_ACT_EINTR ? -EINTR : -v.rule->err;
	}
	if (fired)
		done(&c, &v, r);
	sf_socket_put(s);
	return (int)r;
}
