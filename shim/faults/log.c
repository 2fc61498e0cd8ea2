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

static void write_all(int fd, const char *p, size_t n)
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
	if (len && a->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)a;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(out, outlen, "\"%s:%u\"", host, ntohs(in->sin_port));
	} else if (len && a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(out, outlen, "\"[%s]:%u\"", host, ntohs(in6->sin6_port));
	} else {
		snprintf(out, outlen, "null");
	}
}

void sf_log_escape(const char *s, char *out, size_t outlen)
{
	size_t o = 0;
	for (; s && *s && o + 7 < outlen; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			o += (size_t)snprintf(out + o, outlen - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
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
		write_all(log_fd, line, (size_t)n);
	header_written = true;
}

void sf_log_write(const char *line, size_t n)
{
	int saved = errno;
	pthread_mutex_lock(&log_lock);
	if (log_fd < 0 && !log_failed) {
		log_fd = open(sf_config.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (log_fd < 0) {
			log_failed = true;
			sf_env_message("sockfault: SOCKFAULT_LOG=%s: %s", sf_config.log_path, strerror(errno));
		}
	}
	if (log_fd >= 0) {
		if (!header_written)
			write_header();
		write_all(log_fd, line, n);
	}
	pthread_mutex_unlock(&log_lock);
	errno = saved;
}

bool sf_log_has_written(void)
{
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
