/* The socket object and its pool.
 *
 * Objects are type-stable: a released socket goes back to a free list and is
 * never returned to malloc.  A thread that loaded a pointer from the fd table
 * just before another thread closed the fd may thus still read it safely; the
 * reference it then tries to take fails (count already 0) or is checked
 * against the table again (sf_socket_get), the SLAB_TYPESAFE_BY_RCU idiom. */
#include "core/socket.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fdtable.h"
#include "core/shim.h"
#include "core/syscalls.h"

void (*sf_socket_release_hook)(struct sf_socket *s); /* see socket.h */
_Atomic(void (*)(struct sf_socket *s)) sf_socket_rules_release_fn; /* see socket.h */

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER; /* leaf lock */
static struct sf_socket *pool;                                /* guarded by pool_lock */
static unsigned pool_n;                                       /* its length; guarded by pool_lock */
/* Written before the first virtual socket is installed (vsock_install), and
 * only ever with the same value. */
void (*sf_vsock_release_fn)(struct sf_vsock *v);
int (*sf_vsock_name_fn)(struct sf_vsock *v, bool peer, struct sockaddr *a, socklen_t *l);
bool (*sf_vsock_adopt_fn)(int fd);

/* Numbers for the sockets this process makes, and its pid (their log
 * identity).  The pid is cached so that making a socket costs no getpid
 * syscall (glibc no longer caches it): set at the first socket, again in
 * a fork child (sf_socket_atfork_child); a raw clone() without fork's
 * handlers would keep its parent's, and its sockets' names would say so. */
static atomic_ulong serials;
static atomic_int own_pid;

struct sf_socket *sf_socket_new(int domain, int type, int protocol)
{
	pthread_mutex_lock(&pool_lock);
	struct sf_socket *s = pool;
	if (s) {
		pool = s->next_free;
		pool_n--;
	}
	pthread_mutex_unlock(&pool_lock);
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return NULL;
		pthread_mutex_init(&s->lock, NULL);
	}
	s->domain = domain;
	s->type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	s->protocol = protocol;
	atomic_store(&s->state, 0);
	atomic_store(&s->pending_error, 0);
	atomic_store(&s->bytes_out, 0);
	atomic_store(&s->bytes_in, 0);
	s->conn_index = 0;
	s->dir = 0;
	atomic_store(&s->limit_out, UINT64_MAX);
	atomic_store(&s->limit_in, UINT64_MAX);
	atomic_store(&s->rule_cache, NULL);
	s->retired = NULL;
	s->bw_next_ns = 0;
	s->held_tx = s->held_rx = NULL;
	s->local_len = s->peer_len = 0;
	s->et_epfd = -1;
	/* The previous owner's flow, if any, went with its release hook. */
	atomic_store(&s->cap, NULL);
	s->next_free = NULL;
	s->v = NULL;
	int pid = atomic_load_explicit(&own_pid, memory_order_relaxed);
	if (!pid) {
		pid = (int)getpid();
		atomic_store_explicit(&own_pid, pid, memory_order_relaxed);
	}
	s->origin_pid = pid;
	s->serial = atomic_fetch_add_explicit(&serials, 1, memory_order_relaxed) + 1;
	/* Publish last: a reader that raced with the previous owner's release
	 * sees the count go from 0 to 1 only once the fields are set. */
	atomic_store_explicit(&s->refs, 1, memory_order_release);
	return s;
}

void sf_socket_note_epoll(struct sf_socket *s, int epfd, int op, int fd, const struct epoll_event *ev)
{
	pthread_mutex_lock(&s->lock);
	if ((op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) && ev && (ev->events & EPOLLET) &&
	    !(ev->events & EPOLLONESHOT)) {
		s->et_epfd = epfd;
		s->et_fd = fd;
		s->et_ev = *ev;
	} else if (epfd == s->et_epfd && fd == s->et_fd) {
		/* removed, level-triggered now, or one-shot: the program re-arms a
		 * one-shot itself, and a re-arm of ours could wake a second thread
		 * while one still handles the fd */
		s->et_epfd = -1;
	}
	pthread_mutex_unlock(&s->lock);
}

void sf_socket_ref(struct sf_socket *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void sf_socket_put(struct sf_socket *s)
{
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
		return;
	/* Nobody holds a reference, so nobody reads the cache or the held
	 * datagram any more (readers only look after sf_socket_get). */
	if (sf_socket_release_hook)
		sf_socket_release_hook(s);
	void (*rules_release)(struct sf_socket *) =
		atomic_load_explicit(&sf_socket_rules_release_fn, memory_order_relaxed);
	if (rules_release)
		rules_release(s);
	free(s->held_tx);
	free(s->held_rx);
	s->held_tx = s->held_rx = NULL;
	if (s->v) {
		struct sf_vsock *v = s->v;
		s->v = NULL;
		sf_vsock_release_fn(v);
	}
	pthread_mutex_lock(&pool_lock);
	s->next_free = pool;
	pool = s;
	pool_n++;
	pthread_mutex_unlock(&pool_lock);
}

struct sf_socket *sf_socket_get(int fd)
{
	for (;;) {
		struct sf_socket *s = sf_fd_peek(fd);
		if (!s)
			return NULL;
		int n = atomic_load_explicit(&s->refs, memory_order_relaxed);
		while (n > 0 && !atomic_compare_exchange_weak_explicit(&s->refs, &n, n + 1,
								       memory_order_acquire,
								       memory_order_relaxed))
			;
		if (n <= 0)
			continue; /* released under us; the slot has changed */
		if (sf_fd_peek(fd) == s)
			return s;
		sf_socket_put(s); /* recycled for another fd meanwhile */
	}
}

void sf_socket_learn_addresses(struct sf_socket *s, int fd)
{
	const struct sf_syscalls *libc = sf_libc();
	struct sockaddr_storage a;
	socklen_t l = sizeof(a);
	int saved = errno;
	pthread_mutex_lock(&s->lock);
	if (s->v) {
		if (sf_vsock_name_fn(s->v, false, (struct sockaddr *)&a, &l) == 0 && l <= sizeof(a)) {
			s->local = a;
			s->local_len = l;
		}
		l = sizeof(a);
		if (sf_vsock_name_fn(s->v, true, (struct sockaddr *)&a, &l) == 0 && l <= sizeof(a)) {
			s->peer = a;
			s->peer_len = l;
		}
		goto done;
	}
	if (libc->getsockname(fd, (struct sockaddr *)&a, &l) == 0 && l <= sizeof(a)) {
		s->local = a;
		s->local_len = l;
	}
	l = sizeof(a);
	if (libc->getpeername(fd, (struct sockaddr *)&a, &l) == 0 && l <= sizeof(a)) {
		s->peer = a;
		s->peer_len = l;
	}
done:
	atomic_fetch_add_explicit(&s->addr_gen, 1, memory_order_release);
	pthread_mutex_unlock(&s->lock);
	errno = saved;
}

void sf_socket_adopt(int fd)
{
	const struct sf_syscalls *libc = sf_libc();
	struct stat st;
	int domain, type, protocol;
	socklen_t l = sizeof(int);
	int saved = errno;
	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		goto out;
	if (sf_vsock_adopt_fn && sf_vsock_adopt_fn(fd))
		goto out;
	if (libc->getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l) != 0)
		goto out;
	l = sizeof(int);
	if (libc->getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) != 0)
		goto out;
	l = sizeof(int);
	if (libc->getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &l) != 0)
		goto out;
	struct sf_socket *s = sf_socket_new(domain, type, protocol), *old;
	if (!s)
		goto out;
	sf_socket_learn_addresses(s, fd);
	if (sf_fd_install(fd, s, &old) != 0)
		sf_socket_put(s);
	if (old)
		sf_socket_put(old);
out:
	errno = saved;
}

int sf_socket_validate(const struct sf_socket *s, const char **why)
{
#define CHECK(cond)                       \
	do {                              \
		if (!(cond)) {            \
			*why = #cond;     \
			return -EINVAL;   \
		}                         \
	} while (0)
	CHECK(s != NULL);
	CHECK(atomic_load(&s->refs) > 0);
	CHECK(s->domain >= 0 && s->domain < AF_MAX);
	CHECK((s->type & (SOCK_NONBLOCK | SOCK_CLOEXEC)) == 0);
	/* The addresses change under the socket's lock (learn_addresses). */
	pthread_mutex_lock((pthread_mutex_t *)&s->lock);
	bool lens_ok = s->local_len <= sizeof(s->local) && s->peer_len <= sizeof(s->peer);
	pthread_mutex_unlock((pthread_mutex_t *)&s->lock);
	CHECK(lens_ok);
	CHECK(!(atomic_load(&s->state) & SF_SOCK_RESET_SEEN) || (atomic_load(&s->state) & SF_SOCK_RESET));
	CHECK(s->next_free == NULL);
#undef CHECK
	*why = NULL;
	return 0;
}

void sf_socket_reserve(unsigned n)
{
	pthread_mutex_lock(&pool_lock);
	unsigned have = pool_n;
	pthread_mutex_unlock(&pool_lock);
	for (; have < n; have++) {
		struct sf_socket *s = calloc(1, sizeof(*s));
		if (!s)
			return;
		pthread_mutex_init(&s->lock, NULL);
		pthread_mutex_lock(&pool_lock);
		s->next_free = pool;
		pool = s;
		pool_n++;
		pthread_mutex_unlock(&pool_lock);
	}
}

void sf_socket_atfork_prepare(void) { pthread_mutex_lock(&pool_lock); }
void sf_socket_atfork_parent(void) { pthread_mutex_unlock(&pool_lock); }
void sf_socket_atfork_child(bool reinit_locks)
{
	pthread_mutex_unlock(&pool_lock);
	/* the parent's pid was cached, if any socket was made: ours now */
	if (atomic_load_explicit(&own_pid, memory_order_relaxed))
		atomic_store_explicit(&own_pid, (int)getpid(), memory_order_relaxed);
	if (!reinit_locks)
		return;
	/* A thread of the parent may have held a socket's lock at fork; it does not
	 * exist in the child, so every lock reachable from the table starts fresh. */
	for (unsigned c = 0; c < SF_FD_CHUNKS; c++) {
		sf_fd_slot *chunk = atomic_load_explicit(&sf_fd_chunks[c], memory_order_acquire);
		for (unsigned i = 0; chunk && i < SF_FD_CHUNK_SIZE; i++) {
			struct sf_socket *s = atomic_load_explicit(&chunk[i], memory_order_relaxed);
			if (s)
				pthread_mutex_init(&s->lock, NULL);
		}
	}
}

void sf_track(int fd, int domain, int type, int protocol)
{
	int saved = errno;
	struct sf_socket *s = sf_socket_new(domain, type, protocol), *old = NULL;
	/* Out of memory or an fd beyond the table: the socket simply stays
	 * unmanaged and its calls pass through. */
	if (s && sf_fd_install(fd, s, &old) != 0)
		sf_socket_put(s);
	if (old)
		sf_socket_put(old); /* a stale entry: fd was closed behind our back */
	errno = saved;
}

void sf_track_dup(int oldfd, int newfd)
{
	struct sf_socket *s = sf_socket_get(oldfd), *old = NULL;
	if (s) {
		int saved = errno;
		if (sf_fd_install(newfd, s, &old) != 0)
			sf_socket_put(s);
		errno = saved;
	} else {
		old = sf_fd_remove(newfd);
	}
	if (old)
		sf_socket_put(old);
}

void sf_untrack(int fd)
{
	struct sf_socket *s = sf_fd_remove(fd);
	if (s)
		sf_socket_put(s);
}
