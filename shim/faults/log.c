/* The event log file (see log.h).  Opened at the first line, O_APPEND so
 * that forked and exec'd processes of one run interleave whole lines (each
 * line is one write(2)), O_CLOEXEC so it never leaks into programs the
 * target runs.  A fork child shares the parent's descriptor and writes a
 * header of its own before its first line. */
#include "faults/log.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/shim.h"
#include "core/version.h"
#include "faults/env.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER; /* leaf lock */
static int log_fd = -1;       /* guarded by log_lock */
static bool log_failed;       /* guarded by log_lock: reported once */
static bool header_written;   /* guarded by log_lock; false again in a fork child */
static dev_t log_dev;         /* guarded by log_lock: the file log_fd was opened on */
static ino_t log_ino;
/* This thread is inside the locked part of sf_log_write: a signal handler
 * that makes a traced call (the self-pipe trick over a socketpair) must not
 * wait for the lock its own thread holds. */
static __thread bool in_log __attribute__((tls_model("initial-exec")));

void sf_log_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = sf_libc()->write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void sf_log_append(char *line, size_t cap, int *len, const char *fmt, ...)
{
	if ((size_t)*len >= cap - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line + *len, cap - (size_t)*len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < cap - (size_t)*len ? n : (int)(cap - (size_t)*len - 1);
}

void sf_log_addr(const struct sockaddr_storage *a, socklen_t len, char *out, size_t outlen)
{
	char host[INET6_ADDRSTRLEN];
	if (len >= sizeof(struct sockaddr_in) && a->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)a;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(out, outlen, "\"%s:%u\"", host, ntohs(in->sin_port));
	} else if (len >= sizeof(struct sockaddr_in6) && a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(out, outlen, "\"[%s]:%u\"", host, ntohs(in6->sin6_port));
	} else {
		snprintf(out, outlen, "null");
	}
}

/* The length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void sf_log_escape(const char *s, char *out, size_t outlen)
{
	/* JSON is UTF-8: a byte that does not start a valid sequence (a name
	 * set with prctl, a path in Latin-1) is written as U+FFFD, and a
	 * sequence is copied whole or not at all. */
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; p && *p && o + 7 < outlen;) {
		unsigned char ch = *p;
		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
			p++;
		} else if (ch < 0x20 || ch == 0x7f) {
			o += (size_t)snprintf(out + o, outlen - o, "\\u%04x", ch);
			p++;
		} else if (ch < 0x80) {
			out[o++] = (char)ch;
			p++;
		} else {
			size_t n = utf8_len(p);
			if (n) {
				memcpy(out + o, p, n);
				o += n;
				p += n;
			} else {
				o += (size_t)snprintf(out + o, outlen - o, "\\ufffd");
				p++;
			}
		}
	}
	out[o] = 0;
}

int sf_log_begin(char *out, size_t outlen, const char *ev, int fd, const struct sf_socket *s)
{
	int n = 0;
	sf_log_append(out, outlen, &n, "{\"time\":%.6f,\"pid\":%d,\"tid\":%ld,\"ev\":\"%s\",\"fd\":%d",
		      (double)(sf_now_ns() - sf_config.start_ns) / 1e9, (int)getpid(),
		      (long)syscall(SYS_gettid), ev, fd);
	if (s)
		sf_log_append(out, outlen, &n, ",\"sock\":\"%d.%lu\"", s->origin_pid, s->serial);
	return n;
}

/* The process's name as the kernel has it (comm), for the report's lanes. */
static void own_name(char *out, size_t outlen)
{
	char comm[64] = "";
	int fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t r = sf_libc()->read(fd, comm, sizeof(comm) - 1);
		sf_libc()->close(fd);
		comm[r > 0 ? r : 0] = 0;
		comm[strcspn(comm, "\n")] = 0;
	}
	sf_log_escape(comm, out, outlen);
}

/* Under log_lock. */
static void write_header(void)
{
	char line[900], esc[400], name[140];
	struct timespec real;
	clock_gettime(CLOCK_REALTIME, &real);
	/* The wall-clock instant the process's clock started: the pcap's
	 * stamps are wall-clock. */
	double start_real = (double)real.tv_sec + (double)real.tv_nsec / 1e9 -
			    (double)(sf_now_ns() - sf_config.start_ns) / 1e9;
	sf_log_escape(sf_config.scenario.path, esc, sizeof(esc));
	own_name(name, sizeof(name));
	int n = 0;
	sf_log_append(line, sizeof(line), &n, "{\"sockfault\":\"" SF_VERSION "\"%s%s%s", SF_GIT_REVISION[0] ? ",\"git\":\"" : "",
		      SF_GIT_REVISION, SF_GIT_REVISION[0] ? "\"" : "");
	sf_log_append(line, sizeof(line), &n,
		      ",\"pid\":%d,\"ppid\":%d,\"name\":\"%s\",\"scenario\":\"%s\",\"seed\":%" PRIu64
		      ",\"start_mono\":%" PRIu64 ",\"start_real\":%.6f}\n",
		      (int)getpid(), (int)getppid(), name, esc, sf_config.seed, sf_config.start_ns, start_real);
	if (n > 0 && line[n - 1] == '\n')
		sf_log_write_all(log_fd, line, (size_t)n);
	header_written = true;
}

/* Whether log_fd is still ours.  The program may have closed it (a daemon's
 * close-everything loop, close_range, dup2 onto it) and got the number back
 * for a file of its own, which we must never write into: the descriptor is
 * checked against the file it was opened on before each line.  Under
 * log_lock. */
static bool still_ours(void)
{
	struct stat st;
	return log_fd >= 0 && fstat(log_fd, &st) == 0 && st.st_dev == log_dev && st.st_ino == log_ino;
}

void sf_log_write(const char *line, size_t n)
{
	int saved = errno;
	if (in_log)
		return; /* a signal handler interrupted this thread's own line */
	pthread_mutex_lock(&log_lock);
	in_log = true;
	if (log_fd >= 0 && !still_ours())
		log_fd = -1; /* the number is the program's now: leave it alone */
	if (log_fd < 0 && !log_failed) {
		log_fd = open(sf_config.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		struct stat st;
		if (log_fd >= 0 && fstat(log_fd, &st) == 0) {
			log_dev = st.st_dev;
			log_ino = st.st_ino;
		} else if (log_fd >= 0) {
			sf_libc()->close(log_fd);
			log_fd = -1;
		}
		if (log_fd < 0) {
			log_failed = true;
			sf_env_message("sockfault: SOCKFAULT_LOG=%s: %s", sf_config.log_path, strerror(errno));
		}
	}
	if (log_fd >= 0) {
		if (!header_written)
			write_header();
		sf_log_write_all(log_fd, line, n);
	}
	in_log = false;
	pthread_mutex_unlock(&log_lock);
	errno = saved;
}

bool sf_log_has_written(void)
{
	if (in_log)
		return false;
	pthread_mutex_lock(&log_lock);
	bool w = header_written;
	pthread_mutex_unlock(&log_lock);
	return w;
}

void sf_log_atfork_prepare(void) { pthread_mutex_lock(&log_lock); }
void sf_log_atfork_parent(void) { pthread_mutex_unlock(&log_lock); }
void sf_log_atfork_child(void)
{
	header_written = false;
	pthread_mutex_unlock(&log_lock);
}
