/* The capture file and the backend-neutral capture interface (capture.h):
 * opening the file safely, libpcap loaded on demand, one leaf lock, flushing
 * on record boundaries, the twin registry, fork. */
#include "capture/capture.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "capture/dns_frame.h"
#include "faults/env.h"
#include "core/shim.h"

/* env.c checks SOCKFAULT_PCAP_MTU against its own copy of the limits. */
_Static_assert(SF_PCAP_MTU_MIN == SF_FRAME_MTU_MIN && SF_PCAP_MTU_MAX == SF_FRAME_MTU_MAX &&
		       SF_PCAP_MTU_DEFAULT == SF_FRAME_MTU_DEFAULT,
	       "faults/env.h and capture/frame.h disagree on the capture MTU");

/* Flow states beyond frame.h's flags. */
enum {
	CF_REGISTERED = 1u << 0, /* in the twin registry */
	CF_TWIN = 1u << 1,       /* the other end is a flow of this process */
	CF_HINT = 1u << 2,       /* hint holds the peer of a connect in progress */
	CF_CLOSED = 1u << 3,     /* the socket is gone */
	CF_UDP = 1u << 4,        /* registered in udp_registry, not registry */
	CF_RST_IN = 1u << 5,     /* twin: the other end's RST follows our unread bytes */
};

bool sf_capture_on; /* written only by the constructor, before main */

/* libpcap, resolved with dlopen so that programs run without capture do not
 * load it (and the ten libraries it depends on: dbus, systemd, gcrypt...). */
static struct {
	pcap_t *(*open_dead)(int, int);
	pcap_dumper_t *(*dump_fopen)(pcap_t *, FILE *);
	void (*dump)(u_char *, const struct pcap_pkthdr *, const u_char *);
	int (*dump_flush)(pcap_dumper_t *);
	void (*dump_close)(pcap_dumper_t *);
	char *(*geterr)(pcap_t *);
} pc; /* filled once by the constructor */

/* Everything below is guarded by capture_lock (a leaf lock, see capture.h). */
static pthread_mutex_t capture_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *base_path;   /* SOCKFAULT_PCAP as given */
static unsigned mtu;
static pcap_t *pcap;
static pcap_dumper_t *dumper;   /* NULL: not open (yet, or failed) */
static FILE *file;
static bool failed;             /* reported once; capture off in this process */
static bool reopen;             /* a forked child: FILE.<pid> at the first record */
static unsigned gen = 1;        /* bumped in each forked child */
static size_t pending;          /* bytes in the stdio buffer since the last flush */
static struct timeval now;      /* timestamp of the records being written */
static uint8_t scratch[SF_FRAME_MAX];

/* The stdio buffer.  Writes reach the kernel when a record would not fit
 * (so every write(2) ends on a record boundary) and at the end of every
 * capture call: larger than the largest record, so one record is never
 * split across writes. */
enum { BUFSZ = 1u << 20 };
static char *iobuf;

#define REG_BUCKETS 256u
static struct sf_capture_flow *registry[REG_BUCKETS];

/* capture_lock with sf_depth raised: a signal handler that interrupts us
 * and calls send() then goes straight to libc instead of taking the lock
 * this thread holds (a self-deadlock). */
static void lock(void)
{
	sf_depth++;
	pthread_mutex_lock(&capture_lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&capture_lock);
	sf_depth--;
}

static void report(const char *what, int err)
{
	if (!failed)
		sf_env_message("sockfault: SOCKFAULT_PCAP=%s: %s%s%s; capture stops", base_path, what,
			       err ? ": " : "", err ? strerror(err) : "");
	failed = true;
}

/* Opens path for writing without ever truncating what is not a regular
 * file: O_NONBLOCK so that a FIFO without a reader cannot block us (it
 * fails with ENXIO), fstat on the opened file, and only then ftruncate. */
static int open_file(const char *path, const char **why)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
	if (fd < 0) {
		int e = errno;
		struct stat st;
		/* ENXIO: a FIFO nobody reads; EISDIR: a directory. */
		*why = stat(path, &st) == 0 && !S_ISREG(st.st_mode) ? "not a regular file (refusing to write over it)"
								      : strerror(e);
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		sf_libc()->close(fd);
		*why = "not a regular file (refusing to write over it)";
		return -1;
	}
	int fl = sf_libc()->fcntl(fd, F_GETFL);
	if (fl < 0 || sf_libc()->fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0 || ftruncate(fd, 0) != 0) {
		*why = strerror(errno);
		sf_libc()->close(fd);
		return -1;
	}
	return fd;
}

/* The dumper on a freshly opened path; 0 or -1 with *why. */
static int start_dumper(const char *path, const char **why)
{
	int fd = open_file(path, why);
	if (fd < 0)
		return -1;
	file = fdopen(fd, "w");
	if (!file) {
		*why = strerror(errno);
		sf_libc()->close(fd);
		return -1;
	}
	if (!iobuf && !(iobuf = malloc(BUFSZ))) {
		*why = "out of memory";
		fclose(file);
		file = NULL;
		return -1;
	}
	setvbuf(file, iobuf, _IOFBF, BUFSZ);
	dumper = pc.dump_fopen(pcap, file);
	if (!dumper) {
		*why = pc.geterr(pcap);
		fclose(file);
		file = NULL;
		return -1;
	}
	pending = 0;
	if (pc.dump_flush(dumper) != 0) {
		*why = strerror(errno);
		return -1;
	}
	return 0;
}

static int load_libpcap(const char **why)
{
	void *h = dlopen("libpcap.so.0.8", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen("libpcap.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		*why = "cannot load libpcap (libpcap.so.0.8)";
		return -1;
	}
	*(void **)&pc.open_dead = dlsym(h, "pcap_open_dead");
	*(void **)&pc.dump_fopen = dlsym(h, "pcap_dump_fopen");
	*(void **)&pc.dump = dlsym(h, "pcap_dump");
	*(void **)&pc.dump_flush = dlsym(h, "pcap_dump_flush");
	*(void **)&pc.dump_close = dlsym(h, "pcap_dump_close");
	*(void **)&pc.geterr = dlsym(h, "pcap_geterr");
	if (!pc.open_dead || !pc.dump_fopen || !pc.dump || !pc.dump_flush || !pc.dump_close ||
	    !pc.geterr) {
		*why = "libpcap lacks pcap_dump_fopen & co";
		return -1;
	}
	return 0;
}

int sf_capture_init(const char *path, unsigned m, long run_pid)
{
	const char *why = NULL;
	base_path = path;
	mtu = m;
	if (load_libpcap(&why) != 0)
		goto fail;
	/* LINKTYPE_RAW: frames start at the IP header, IPv4 or IPv6 alike. */
	pcap = pc.open_dead(DLT_RAW, (int)SF_FRAME_MAX);
	if (!pcap) {
		why = "pcap_open_dead failed";
		goto fail;
	}
	/* A process exec'd by the program `sockfault run` started has its own
	 * file, or it would truncate the capture of the process before it; it
	 * is opened at its first record, like a forked child's, so that the
	 * helpers a program runs leave no empty files. */
	if (run_pid && run_pid != (long)getpid())
		reopen = true;
	else if (start_dumper(path, &why) != 0)
		goto fail;
	sf_capture_on = true;
	return 0;
fail:
	sf_env_message("sockfault: SOCKFAULT_PCAP=%s: %s", path, why);
	return -1;
}

/* Takes the lock and makes sure there is a file to write: false when
 * capture is off (or broken) in this process. */
static bool begin(void)
{
	if (!sf_capture_on)
		return false;
	lock();
	if (reopen && !failed) {
		/* First record of a forked child: the parent's FILE had an empty
		 * buffer at fork (prepare held the lock); close our copy of it. */
		reopen = false;
		if (dumper)
			pc.dump_close(dumper);
		dumper = NULL;
		file = NULL;
		char own[4096];
		const char *why = NULL;
		snprintf(own, sizeof(own), "%s.%ld", base_path, (long)getpid());
		if (start_dumper(own, &why) != 0)
			report(why, 0);
	}
	if (failed || !dumper) {
		unlock();
		return false;
	}
	gettimeofday(&now, NULL);
	return true;
}

static void end(void);
static void pending_rst(struct sf_capture_flow *cf);

void sf_capture_stop(void)
{
	if (!sf_capture_on)
		return;
	/* exit() flushes every stdio stream after the destructors ran
	 * (_IO_cleanup); a thread still capturing then could be between the
	 * two fwrites of one pcap_dump, and the flush would leave half a
	 * record.  From here on nothing is written; the buffer is empty
	 * between capture calls.  RSTs still waiting for their peer to read
	 * what came before them go out first (it never will now).  A process
	 * that never recorded has no file yet (a fork child, a helper the run
	 * exec'd): it ends without making one, or every `ls` a script runs
	 * would leave a header-only FILE.<pid>. */
	lock();
	bool never_recorded = reopen;
	if (never_recorded)
		failed = true;
	unlock();
	if (!never_recorded && begin()) {
		for (unsigned b = 0; b < REG_BUCKETS; b++)
			for (struct sf_capture_flow *cf = registry[b]; cf; cf = cf->next)
				if (cf->gen == gen)
					pending_rst(cf);
		failed = true;
		end();
		return;
	}
	lock();
	failed = true;
	unlock();
}

static void end(void)
{
	if (dumper && pending && pc.dump_flush(dumper) != 0)
		report("write failed", errno);
	pending = 0;
	unlock();
}

static int emit(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	struct pcap_pkthdr h = {.ts = now, .caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len};
	size_t rec = sizeof(uint32_t) * 4 + len; /* the file's record header is 16 bytes */
	if (pending + rec > BUFSZ) {
		if (pc.dump_flush(dumper) != 0) {
			report("write failed", errno);
			return -EIO;
		}
		pending = 0;
	}
	pc.dump((u_char *)dumper, &h, frame);
	pending += rec;
	return 0;
}

static const struct sf_frame_out out_file = {scratch, sizeof(scratch), emit, NULL};
static const struct sf_frame_out out_none = {NULL, 0, NULL, NULL};

/* --- twin registry ---------------------------------------------------- */

static unsigned bucket(const struct sf_frame_endpoint *a, const struct sf_frame_endpoint *b)
{
	/* Symmetric in a and b, so a flow and its twin share a bucket. */
	unsigned h = (unsigned)(a->port ^ b->port);
	for (int i = 0; i < 16; i++)
		h = h * 31u + (unsigned)(a->addr[i] ^ b->addr[i]);
	return h % REG_BUCKETS;
}

/* UDP sockets of this process that have sent, by local endpoint: a
 * datagram received from one of them was recorded when it was sent. */
static struct sf_capture_flow *udp_registry[REG_BUCKETS]; /* guarded by capture_lock */

static unsigned bucket1(const struct sf_frame_endpoint *e)
{
	static const struct sf_frame_endpoint none;
	return bucket(e, &none);
}

static bool same(const struct sf_frame_endpoint *a, const struct sf_frame_endpoint *b)
{
	return a->family == b->family && a->port == b->port && memcmp(a->addr, b->addr, 16) == 0;
}

static void unregister(struct sf_capture_flow *cf)
{
	if (!(cf->state & CF_REGISTERED))
		return;
	struct sf_capture_flow **p = cf->state & CF_UDP ? &udp_registry[bucket1(&cf->f.ep[0])]
							: &registry[bucket(&cf->f.ep[0], &cf->f.ep[1])];
	while (*p && *p != cf)
		p = &(*p)->next;
	if (*p)
		*p = cf->next;
	cf->next = NULL;
	cf->state &= (uint8_t)~CF_REGISTERED;
	if (cf->twin)
		cf->twin->twin = NULL;
	cf->twin = NULL;
}

/* cf (just initialised) takes the state of its twin o, mirrored: what o
 * sent, cf received, and the reverse; o may have recorded bytes already
 * that cf's socket has not yet read. */
static void mirror(struct sf_capture_flow *cf, const struct sf_capture_flow *o)
{
	unsigned of = o->f.flags;
	cf->f.flags = SF_FLOW_OPEN | (of & SF_FLOW_RST) | ((of & SF_FLOW_FIN_OUT) ? SF_FLOW_FIN_IN : 0) |
		      ((of & SF_FLOW_FIN_IN) ? SF_FLOW_FIN_OUT : 0);
	for (int d = 0; d < 2; d++) {
		cf->f.nxt[d] = o->f.nxt[!d];
		cf->f.bytes[d] = o->f.bytes[!d];
	}
	cf->skip_in = o->f.bytes[SF_FRAME_OUT];
	cf->unread = 0;
}

/* Registers cf; true when its twin (the reverse 4-tuple) is already open. */
static bool register_flow(struct sf_capture_flow *cf)
{
	unsigned b = bucket(&cf->f.ep[0], &cf->f.ep[1]);
	bool twin = false;
	for (struct sf_capture_flow *o = registry[b]; o; o = o->next) {
		if (same(&o->f.ep[0], &cf->f.ep[1]) && same(&o->f.ep[1], &cf->f.ep[0])) {
			o->state |= CF_TWIN;
			cf->state |= CF_TWIN;
			o->twin = cf;
			cf->twin = o;
			mirror(cf, o);
			twin = true;
			break;
		}
	}
	cf->next = registry[b];
	registry[b] = cf;
	cf->state |= CF_REGISTERED;
	return twin;
}

/* --- the interface ---------------------------------------------------- */

struct sf_capture_flow *sf_capture_flow_new(void)
{
	if (!sf_capture_on)
		return NULL;
	int saved = errno; /* calloc may set it even when it succeeds */
	struct sf_capture_flow *cf = calloc(1, sizeof(*cf));
	errno = saved;
	return cf;
}

/* A socket address's endpoint; an unspecified local address (a socket bound
 * to INADDR_ANY) becomes the loopback address when the peer is one, which is
 * the source the kernel picks. */
static int endpoints(const struct sockaddr *local, socklen_t llen, const struct sockaddr *peer,
		     socklen_t plen, struct sf_frame_endpoint *l, struct sf_frame_endpoint *p)
{
	static const uint8_t zero[16];
	if (sf_frame_endpoint_from(l, local, llen) || sf_frame_endpoint_from(p, peer, plen))
		return -EAFNOSUPPORT;
	/* A dual-stack socket bound to [::] talking to an IPv4 peer sends
	 * IPv4 packets from the IPv4 wildcard's choice. */
	if (l->family == AF_INET6 && p->family == AF_INET && memcmp(l->addr, zero, 16) == 0)
		l->family = AF_INET;
	if (l->family != p->family)
		return -EAFNOSUPPORT;
	size_t n = l->family == AF_INET6 ? 16 : 4;
	if (memcmp(l->addr, zero, n) == 0) {
		if (l->family == AF_INET && p->addr[0] == 127)
			memcpy(l->addr, p->addr, 4);
		else if (l->family == AF_INET6 && memcmp(p->addr, &in6addr_loopback, 16) == 0)
			memcpy(l->addr, p->addr, 16);
	}
	return 0;
}

void sf_capture_tcp_open(struct sf_capture_flow *cf, const struct sockaddr *local, socklen_t llen,
			 const struct sockaddr *peer, socklen_t plen, int opener)
{
	struct sf_frame_endpoint l, p;
	if (!sf_capture_on || endpoints(local, llen, peer, plen, &l, &p) != 0 || !cf)
		return;
	int saved = errno;
	if (begin()) {
		if (!(cf->f.flags & SF_FLOW_OPEN) && !(cf->state & CF_CLOSED)) {
			sf_frame_flow_init(&cf->f, &l, &p, mtu);
			cf->gen = gen;
			cf->state &= (uint8_t)~CF_HINT;
			/* A twin recorded the handshake already. */
			if (!register_flow(cf))
				sf_frame_handshake(&cf->f, opener, &out_file);
		}
		end();
	}
	errno = saved;
}

bool sf_capture_tcp_started(struct sf_capture_flow *cf)
{
	if (!sf_capture_on || !cf)
		return true;
	lock();
	bool r = (cf->f.flags & SF_FLOW_OPEN) || (cf->state & CF_CLOSED);
	unlock();
	return r;
}

void sf_capture_tcp_hint(struct sf_capture_flow *cf, const struct sockaddr *peer, socklen_t plen)
{
	struct sf_frame_endpoint p;
	if (!sf_capture_on || !cf)
		return;
	bool have = sf_frame_endpoint_from(&p, peer, plen) == 0;
	lock();
	cf->hint = p;
	if (have)
		cf->state |= CF_HINT;
	else
		cf->state &= (uint8_t)~CF_HINT;
	unlock();
}

int sf_capture_tcp_get_hint(struct sf_capture_flow *cf, struct sockaddr_storage *out, socklen_t *len)
{
	if (!sf_capture_on || !cf)
		return -ENOENT;
	lock();
	struct sf_frame_endpoint p = cf->hint;
	bool have = cf->state & CF_HINT;
	unlock();
	if (!have)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	if (p.family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)out;
		in->sin_family = AF_INET;
		in->sin_port = htons(p.port);
		memcpy(&in->sin_addr, p.addr, 4);
		*len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p.port);
		memcpy(&in6->sin6_addr, p.addr, 16);
		*len = sizeof(*in6);
	}
	return 0;
}

/* Twins (see capture.h): the receiving end records, the sending end's
 * state follows silently. */
/* The other end's RST that waited for our unread bytes (CF_RST_IN). */
static void pending_rst(struct sf_capture_flow *cf)
{
	if (!(cf->state & CF_RST_IN))
		return;
	cf->state &= (uint8_t)~CF_RST_IN;
	sf_frame_rst(&cf->f, SF_FRAME_IN, &out_file);
}

static void twin_data(struct sf_capture_flow *cf, int dir, const struct iovec *iov, size_t iovcnt,
		      size_t len)
{
	if (dir == SF_FRAME_OUT) {
		if (cf->twin) {
			cf->twin->unread += len; /* recorded by the twin as it receives them */
			return;
		}
		/* The other end is gone: nobody will receive these (its RST
		 * answers them), so they are recorded as they leave. */
		sf_frame_data(&cf->f, SF_FRAME_OUT, iov, iovcnt, len, &out_file);
		return;
	}
	size_t skip = cf->skip_in < len ? (size_t)cf->skip_in : len;
	cf->skip_in -= skip;
	if (skip == len)
		return;
	sf_frame_data_at(&cf->f, SF_FRAME_IN, iov, iovcnt, skip, len - skip, &out_file);
	if (cf->twin)
		sf_frame_data(&cf->twin->f, SF_FRAME_OUT, NULL, 0, len - skip, &out_none);
	cf->unread -= cf->unread < len - skip ? cf->unread : len - skip;
	if (!cf->unread)
		pending_rst(cf);
}

void sf_capture_tcp_data(struct sf_capture_flow *cf, int dir, const struct iovec *iov, size_t iovcnt,
			 size_t len)
{
	if (!sf_capture_on || !len || !cf)
		return;
	int saved = errno;
	if (begin()) {
		if (cf->state & CF_TWIN)
			twin_data(cf, dir, iov, iovcnt, len);
		else
			sf_frame_data(&cf->f, dir, iov, iovcnt, len, &out_file);
		end();
	}
	errno = saved;
}

void sf_capture_tcp_fin(struct sf_capture_flow *cf, int dir)
{
	if (!sf_capture_on || !cf)
		return;
	int saved = errno;
	if (begin()) {
		if (!(cf->state & CF_TWIN)) {
			sf_frame_fin(&cf->f, dir, &out_file);
		} else if (dir == SF_FRAME_IN && sf_frame_fin(&cf->f, dir, &out_file) == 0 && cf->twin) {
			sf_frame_fin(&cf->twin->f, SF_FRAME_OUT, &out_none);
		}
		end();
	}
	errno = saved;
}

void sf_capture_tcp_rst(struct sf_capture_flow *cf, int dir)
{
	if (!sf_capture_on || !cf)
		return;
	int saved = errno;
	if (begin()) {
		struct sf_capture_flow *t = (cf->state & CF_TWIN) ? cf->twin : NULL;
		if (dir == SF_FRAME_OUT && t && t->unread && (t->f.flags & SF_FLOW_OPEN)) {
			/* Bytes of ours the twin has not read yet go first. */
			if (sf_frame_rst(&cf->f, SF_FRAME_OUT, &out_none) == 0)
				t->state |= CF_RST_IN;
		} else if (dir == SF_FRAME_IN && (cf->state & CF_RST_IN)) {
			pending_rst(cf);
		} else if (sf_frame_rst(&cf->f, dir, &out_file) == 0 && t) {
			sf_frame_rst(&t->f, !dir, &out_none);
		}
		end();
	}
	errno = saved;
}

void sf_capture_tcp_refused(const struct sockaddr *local, socklen_t llen, const struct sockaddr *peer,
			    socklen_t plen)
{
	struct sf_frame_endpoint l, p;
	if (!sf_capture_on || endpoints(local, llen, peer, plen, &l, &p) != 0)
		return;
	int saved = errno;
	if (begin()) {
		sf_frame_refused(&l, &p, mtu, &out_file);
		end();
	}
	errno = saved;
}

void sf_capture_close(struct sf_capture_flow *cf)
{
	if (!sf_capture_on || !cf)
		return;
	int saved = errno;
	/* Only a FIN needs the file: closing sockets inherited across fork
	 * must not make a child open FILE.<pid> (nor from the atfork handler,
	 * which releases stale table entries).  A twin's FIN is recorded when
	 * the other end reads the EOF.  Only the releasing thread still sees
	 * cf, so the decision holds after the lock is let go. */
	lock();
	bool fin = (cf->f.flags & SF_FLOW_OPEN) && !(cf->state & (CF_CLOSED | CF_TWIN)) && cf->gen == gen;
	bool rst = (cf->state & CF_RST_IN) && cf->gen == gen;
	unlock();
	if (rst && begin()) {
		/* Closed without reading what came before the other end's RST:
		 * the RST is still recorded, at what we had read. */
		pending_rst(cf);
		end();
	}
	lock();
	if (!fin) {
		unregister(cf);
		cf->state = CF_CLOSED;
	}
	unlock();
	if (fin && begin()) {
		sf_frame_fin(&cf->f, SF_FRAME_OUT, &out_file);
		unregister(cf);
		cf->state = CF_CLOSED;
		end();
	} else if (fin) {
		lock();
		unregister(cf);
		cf->state = CF_CLOSED;
		unlock();
	}
	free(cf);
	errno = saved;
}

static bool udp_sender_here(const struct sf_frame_endpoint *src)
{
	for (struct sf_capture_flow *o = udp_registry[bucket1(src)]; o; o = o->next)
		if (same(&o->f.ep[SF_FRAME_OUT], src))
			return true;
	return false;
}

void sf_capture_dgram(struct sf_capture_flow *cf, int dir, const struct sockaddr *src, socklen_t slen,
		      const struct sockaddr *dst, socklen_t dlen, const struct iovec *iov, size_t iovcnt,
		      size_t len)
{
	struct sf_frame_endpoint s, d;
	if (!sf_capture_on)
		return;
	/* The wildcard fix-up applies to our end: the one that may be
	 * unspecified. */
	if (dir == SF_FRAME_OUT) {
		if (endpoints(src, slen, dst, dlen, &s, &d) != 0)
			return;
	} else if (endpoints(dst, dlen, src, slen, &d, &s) != 0) {
		return;
	}
	int saved = errno;
	if (begin()) {
		if (dir == SF_FRAME_OUT && cf && !(cf->state & (CF_REGISTERED | CF_CLOSED))) {
			cf->f.ep[SF_FRAME_OUT] = s;
			unsigned b = bucket1(&s);
			cf->next = udp_registry[b];
			udp_registry[b] = cf;
			cf->state |= CF_REGISTERED | CF_UDP;
		}
		/* Both ends in this process: the sender recorded it. */
		if (dir == SF_FRAME_OUT || !udp_sender_here(&s))
			sf_frame_udp(&s, &d, iov, iovcnt, len, &out_file);
		end();
	}
	errno = saved;
}

/* A query and its answer, as the stub resolver's view: 127.0.0.1 asks a
 * local resolver at 127.0.0.53:53 (systemd-resolved's address) from a port
 * and with an id that change per query.  build makes the answer into msg. */
static void dns_exchange(const char *qname, uint16_t qtype,
			 int (*build)(uint8_t *msg, size_t cap, uint16_t id, const void *arg), const void *arg)
{
	int saved = errno;
	if (begin()) {
		static uint16_t id = 0x5f00; /* guarded by capture_lock */
		id++;
		struct sockaddr_in cl = {.sin_family = AF_INET, .sin_port = htons((uint16_t)(33000 + id % 20000)),
					 .sin_addr.s_addr = htonl(0x7f000001)};
		struct sockaddr_in sv = {.sin_family = AF_INET, .sin_port = htons(53),
					 .sin_addr.s_addr = htonl(0x7f000035)};
		struct sf_frame_endpoint c, s;
		sf_frame_endpoint_from(&c, (struct sockaddr *)&cl, sizeof(cl));
		sf_frame_endpoint_from(&s, (struct sockaddr *)&sv, sizeof(sv));
		uint8_t msg[SF_DNS_MAX];
		int n = sf_dns_query(msg, sizeof(msg), id, qname, qtype);
		if (n > 0) {
			struct iovec v = {msg, (size_t)n};
			sf_frame_udp(&c, &s, &v, 1, (size_t)n, &out_file);
			n = build(msg, sizeof(msg), id, arg);
			v.iov_len = n > 0 ? (size_t)n : 0;
			if (n > 0)
				sf_frame_udp(&s, &c, &v, 1, (size_t)n, &out_file);
		}
		end();
	}
	errno = saved;
}

struct addr_answer {
	const char *name;
	uint16_t qtype;
	unsigned rcode, naddrs;
	const uint8_t (*addrs)[16];
};

static int build_addr_answer(uint8_t *msg, size_t cap, uint16_t id, const void *arg)
{
	const struct addr_answer *a = arg;
	return sf_dns_answer(msg, cap, id, a->name, a->qtype, a->rcode, a->addrs, a->naddrs);
}

void sf_capture_dns(const char *name, uint16_t qtype, unsigned rcode, const uint8_t (*addrs)[16],
		    unsigned naddrs)
{
	if (!sf_capture_on || !name)
		return;
	struct addr_answer a = {name, qtype, rcode, naddrs, addrs};
	dns_exchange(name, qtype, build_addr_answer, &a);
}

struct ptr_answer {
	const char *qname, *target;
	unsigned rcode;
};

static int build_ptr_answer(uint8_t *msg, size_t cap, uint16_t id, const void *arg)
{
	const struct ptr_answer *a = arg;
	return sf_dns_answer_ptr(msg, cap, id, a->qname, a->rcode, a->target);
}

void sf_capture_dns_reverse(int family, const void *addr, unsigned rcode, const char *target)
{
	char qname[80];
	if (!sf_capture_on || !addr || sf_dns_reverse_name(family, addr, qname, sizeof(qname)) < 0)
		return;
	struct ptr_answer a = {qname, target, rcode};
	dns_exchange(qname, SF_DNS_PTR, build_ptr_answer, &a);
}

/* --- fork ------------------------------------------------------------- */

void sf_capture_atfork_prepare(void)
{
	if (sf_capture_on)
		pthread_mutex_lock(&capture_lock);
}

void sf_capture_atfork_parent(void)
{
	if (sf_capture_on)
		pthread_mutex_unlock(&capture_lock);
}

void sf_capture_atfork_child(void)
{
	if (!sf_capture_on)
		return;
	/* Opening FILE.<pid> waits for the first record: a child that only
	 * execs leaves no empty file behind. */
	reopen = true;
	gen++;
	pthread_mutex_unlock(&capture_lock);
}
