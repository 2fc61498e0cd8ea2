/* The shared mapping of the virtual network (varena.h): joining a network
 * file, the member slots and their liveness, and the allocator that every
 * shared object comes from. */
#include "vnet/varena.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/shim.h"

/* The fixed address: inside the user half of x86-64's address space and
 * outside what ASan (shadow up to 0x10007fff8000) and TSan (application
 * memory 0x7e8000000000-0x800000000000 holds it) claim, far from where the
 * kernel places mmaps and stacks (top-down from 0x7fff...). */
#define VARENA_ADDR ((void *)0x7e9000000000UL)
#define VARENA_SIZE ((size_t)4 << 30)
/* Backing is committed (fallocate) in steps as the allocator grows, so a
 * full /dev/shm is ENOMEM from the allocator, not SIGBUS on a store.  The
 * first commit is the header rounded to 64 KiB and the steps double up to
 * 1 MiB: a run that makes a socket or two (a fuzz-peer input: one network
 * per input, thousands a second) does not zero a megabyte it never uses --
 * measured, fallocate of 1 MiB was a fifth of such a run's time. */
#define VARENA_STEP ((size_t)1 << 20)
#define VARENA_STEP_MIN ((size_t)64 << 10)
#define VARENA_FIRST ((sizeof(struct vnet_shared) + VARENA_STEP_MIN - 1) & ~(VARENA_STEP_MIN - 1))
#define VARENA_MAGIC "sockfault-vnet-1"

struct vnet_shared *vnet_sh; /* set by varena_join, before any socket; then read-only */
int vnet_slot;               /* this process's slot: written by join and fork child only */
static int arena_fd = -1;    /* the network file (fallocate), see varena_join */
static size_t committed;     /* bytes of the file backed so far; under alloc_lock */
static char arena_path[256]; /* written by join */

const char *varena_path(void)
{
	return arena_path;
}

/* One candidate directory: made 0700 if absent, and checked to be ours, a
 * directory, closed to others -- nobody else can plant or read a network
 * file in it (the owner-only requirement). */
static int try_dir(char *out, size_t len, const char *base, uid_t uid)
{
	int n = snprintf(out, len, "%s/sockfault-%u", base, (unsigned)uid);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (mkdir(out, 0700) != 0 && errno != EEXIST)
		return -errno;
	struct stat st;
	if (lstat(out, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != uid || (st.st_mode & 077))
		return -EPERM;
	return 0;
}

int varena_dir(char *out, size_t len)
{
	uid_t uid = geteuid();
	/* /dev/shm (memory); a machine without one (some containers) gets
	 * the temporary directory, where the file is backed by disk. */
	int r = try_dir(out, len, "/dev/shm", uid);
	if (r == -ENOENT || r == -EACCES || r == -EROFS) {
		const char *tmp = getenv("TMPDIR");
		r = try_dir(out, len, tmp && *tmp == '/' ? tmp : "/tmp", uid);
	}
	return r;
}

bool varena_lock(pthread_mutex_t *m)
{
	int r = pthread_mutex_lock(m);
	if (r == EOWNERDEAD) {
		pthread_mutex_consistent(m);
		return true;
	}
	return false;
}

unsigned long long varena_starttime(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	sf_libc()->close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* After the command's closing parenthesis: state is field 3,
	 * starttime field 22 (proc(5)).  A zombie counts as gone. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	p += 2;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return 0;
		p++;
	}
	return strtoull(p, NULL, 10);
}

bool varena_gone(int s)
{
	struct vproc *p = &vnet_sh->procs[s];
	if (p->state == VP_FREE)
		return false;
	if (p->state == VP_FORKING && !p->pid)
		return false; /* the parent has not said who the child is yet */
	int r = pthread_mutex_trylock(&p->life);
	if (r == EBUSY)
		return false; /* held: alive */
	if (r == EOWNERDEAD)
		pthread_mutex_consistent(&p->life);
	if (r == 0 || r == EOWNERDEAD)
		pthread_mutex_unlock(&p->life);
	/* Not held: dead, or between exec and the new image's constructor
	 * (exec releases the robust list as exit does), or a fork child that
	 * has not claimed its slot yet.  The pid and its start time tell. */
	unsigned long long st = varena_starttime(p->pid);
	return !st || (p->start && st != p->start);
}

static void init_mutex(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
}

static void init_shared(struct vnet_shared *sh)
{
	init_mutex(&sh->lock);
	init_mutex(&sh->alloc_lock);
	for (int i = 0; i < VPROC_MAX; i++)
		init_mutex(&sh->procs[i].life);
	sh->brk = (sizeof(*sh) + 4095) & ~(size_t)4095;
	memcpy(sh->magic, VARENA_MAGIC, sizeof(VARENA_MAGIC));
}

/* Whether any member of the mapped network is alive. */
static bool anyone_alive(struct vnet_shared *sh)
{
	for (int s = 0; s < VPROC_MAX; s++)
		if (sh->procs[s].state != VP_FREE && !varena_gone(s))
			return true;
	return false;
}

void varena_claim(int s)
{
	struct vproc *p = &vnet_sh->procs[s];
	p->pid = getpid();
	p->start = varena_starttime(p->pid);
	p->state = VP_LIVE;
	p->timer = false; /* (a fork child, an exec'd image: no thread yet) */
	p->nclose = 0;
	vnet_slot = s;
}

/* Outside the network lock: the life mutex is held for as long as the
 * process lives, so under the lock it would order the two both ways (what
 * TSan reports as a lock-order inversion).  Until it is held, the slot's
 * pid and start time say the member is alive (varena_gone). */
void varena_hold_life(void)
{
	varena_lock(&vnet_sh->procs[vnet_slot].life);
}

int varena_reserve(void)
{
	for (int s = 0; s < VPROC_MAX; s++) {
		struct vproc *p = &vnet_sh->procs[s];
		if (p->state == VP_FREE) {
			p->state = VP_FORKING;
			p->timer = false;
			p->pid = 0;
			p->start = 0;
			p->nclose = 0;
			return s;
		}
	}
	return -1;
}

void varena_leave(void)
{
	struct vproc *me = &vnet_sh->procs[vnet_slot];
	me->state = VP_FREE;
	me->pid = 0;
	pthread_mutex_unlock(&me->life);
	bool last = true;
	for (int s = 0; s < VPROC_MAX && last; s++)
		if (vnet_sh->procs[s].state != VP_FREE && !varena_gone(s))
			last = false;
	if (last)
		unlink(arena_path); /* the mapping lives on until we exit */
}

int varena_join(const char *path)
{
	int r = 0;
	size_t plen = strlen(path);
	if (plen >= sizeof(arena_path))
		return -ENAMETOOLONG;
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		r = -EPERM; /* not a network file of ours: never written to */
		goto out;
	}
	/* One joiner at a time decides whether the file needs making. */
	if (flock(fd, LOCK_EX) != 0) {
		r = -errno;
		goto out;
	}
	bool fresh = (size_t)st.st_size != VARENA_SIZE;
	if (fresh && st.st_size != 0) {
		r = -EPROTO; /* some other file */
		goto unlock;
	}
	if (fresh && ftruncate(fd, (off_t)VARENA_SIZE) != 0) {
		r = -errno;
		goto unlock;
	}
	void *m = mmap(VARENA_ADDR, VARENA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	if (m == MAP_FAILED || m != VARENA_ADDR) {
		r = m == MAP_FAILED ? -errno : -EEXIST;
		if (m != MAP_FAILED)
			munmap(m, VARENA_SIZE);
		goto unlock;
	}
	struct vnet_shared *sh = m;
	if (!fresh && memcmp(sh->magic, VARENA_MAGIC, sizeof(VARENA_MAGIC)) != 0 && sh->magic[0]) {
		munmap(m, VARENA_SIZE);
		r = -EPROTO;
		goto unlock;
	}
	vnet_sh = sh;
	if (fresh || !sh->magic[0] || !anyone_alive(sh)) {
		/* A new network, or one whose members are all gone: start it
		 * afresh (its old contents are garbage nobody can reach). */
		if (!fresh && (ftruncate(fd, 0) != 0 || ftruncate(fd, (off_t)VARENA_SIZE) != 0)) {
			r = -errno;
			munmap(m, VARENA_SIZE);
			vnet_sh = NULL;
			goto unlock;
		}
		if (fallocate(fd, 0, 0, (off_t)VARENA_FIRST) != 0) {
			r = -ENOMEM;
			munmap(m, VARENA_SIZE);
			vnet_sh = NULL;
			goto unlock;
		}
		init_shared(sh);
	}
	committed = VARENA_FIRST;
	memcpy(arena_path, path, plen + 1);
	arena_fd = fd;
	fd = -1;
unlock:
	if (fd >= 0)
		flock(fd, LOCK_UN);
	else
		flock(arena_fd, LOCK_UN);
out:
	if (fd >= 0)
		sf_libc()->close(fd);
	return r;
}

int varena_fd(void)
{
	return arena_fd;
}

void varena_set_fd(int fd)
{
	arena_fd = fd;
}

/* --- the allocator ---
 *
 * Power-of-two classes from 32 bytes, a 16-byte header holding the class,
 * a free list per class and a bump pointer; freed blocks are reused by
 * their class only.  Simple and fast for what the network allocates
 * (sockets, rings that grow by doubling, datagrams); the price is up to
 * half a block of slack, in a mapping that is only backed where used. */

#define HDR 16

static unsigned class_of(size_t n)
{
	unsigned c = 0;
	while (((size_t)32 << c) < n + HDR)
		c++;
	return c;
}

void *varena_alloc(size_t n, bool zero)
{
	if (n > VARENA_SIZE / 2)
		return NULL;
	unsigned c = class_of(n);
	size_t size = (size_t)32 << c;
	struct vnet_shared *sh = vnet_sh;
	varena_lock(&sh->alloc_lock);
	unsigned char *b = sh->freel[c];
	bool used = b != NULL; /* fresh space is the file's zeros */
	if (b) {
		memcpy(&sh->freel[c], b + HDR, sizeof(void *));
	} else {
		size_t at = (sh->brk + 15) & ~(size_t)15;
		if (at + size > VARENA_SIZE) {
			pthread_mutex_unlock(&sh->alloc_lock);
			return NULL;
		}
		if (at + size > committed) {
			/* Another process may have committed it already: fallocate
			 * of backed space is cheap and harmless. */
			size_t want = committed + (committed < VARENA_STEP ? committed : VARENA_STEP);
			if (want < at + size)
				want = (at + size + VARENA_STEP_MIN - 1) & ~(VARENA_STEP_MIN - 1);
			if (want > VARENA_SIZE)
				want = VARENA_SIZE;
			if (arena_fd < 0 || fallocate(arena_fd, 0, 0, (off_t)want) != 0) {
				pthread_mutex_unlock(&sh->alloc_lock);
				return NULL;
			}
			committed = want;
		}
		sh->brk = at + size;
		b = (unsigned char *)sh + at;
	}
	pthread_mutex_unlock(&sh->alloc_lock);
	if (zero && used)
		memset(b + HDR, 0, n);
	memcpy(b, &c, sizeof(c));
	return b + HDR;
}

void varena_free(void *p)
{
#if defined(__SANITIZE_THREAD__)
	/* A block freed in one process and reused in another passes through
	 * synchronisation TSan cannot see (it watches one process): the new
	 * owner's first writes would be reported as racing with the last
	 * atomic accesses of the old one.  Under TSan nothing is reused. */
	(void)p;
	return;
#endif
	if (!p)
		return;
	unsigned char *b = (unsigned char *)p - HDR;
	unsigned c;
	memcpy(&c, b, sizeof(c));
	struct vnet_shared *sh = vnet_sh;
	varena_lock(&sh->alloc_lock);
	memcpy(b + HDR, &sh->freel[c], sizeof(void *));
	sh->freel[c] = b;
	pthread_mutex_unlock(&sh->alloc_lock);
}
