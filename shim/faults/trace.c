/* The event log's non-fault lines (see trace.h).  Each is one write of one
 * line, as the fault lines are: a process killed at any moment leaves whole
 * lines, and nothing is buffered across exec or _exit.  That costs a write
 * per call, paid only with SOCKFAULT_LOG_EVENTS=all (tests/bench/bench_trace
 * measures it). */
#include "faults/trace.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/calls.h"
#include "faults/log.h"

bool sf_trace_on;

/* The longest line: a lookup's name and service (up to 256 bytes each,
 * escaped) and eight IPv6 addresses fit. */
enum { LINE = 2048 };

static void result_field(char *line, int *n, long result)
{
	const char *name = result < 0 ? sf_errno_name((int)-result) : NULL;
	if (name)
		sf_log_append(line, LINE, n, ",\"result\":-1,\"errno\":\"%s\"", name);
	else
		sf_log_append(line, LINE, n, ",\"result\":%ld", result);
}

static void finish(char *line, int n)
{
	sf_log_append(line, LINE, &n, "}\n");
	if (n > 0 && line[n - 1] == '\n')
		sf_log_write(line, (size_t)n);
}

static void addr_field(char *line, int *n, const char *key, const struct sockaddr_storage *a, socklen_t len)
{
	char text[96];
	sf_log_addr(a, len, text, sizeof(text));
	sf_log_append(line, LINE, n, ",\"%s\":%s", key, text);
}

static void addr_field_sa(char *line, int *n, const char *key, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage a;
	if (!sa || len < sizeof(sa_family_t) || len > sizeof(a))
		len = 0;
	else
		memcpy(&a, sa, len);
	addr_field(line, n, key, &a, len);
}

/* The socket's cached names, copied under its lock. */
static void names_fields(char *line, int *n, struct sf_socket *s)
{
	struct sockaddr_storage local, peer;
	socklen_t ll, pl;
	pthread_mutex_lock(&s->lock);
	local = s->local;
	peer = s->peer;
	ll = s->local_len;
	pl = s->peer_len;
	pthread_mutex_unlock(&s->lock);
	addr_field(line, n, "local", &local, ll);
	addr_field(line, n, "peer", &peer, pl);
}

void sf_trace_socket(const struct sf_socket *s, int fd, long result)
{
	char line[LINE];
	int n = sf_log_begin(line, LINE, "socket", fd, s);
	if (s)
		sf_log_append(line, LINE, &n, ",\"domain\":%d,\"type\":\"%s\"", s->domain,
			      s->type == SOCK_STREAM ? "stream" : s->type == SOCK_DGRAM ? "dgram" : "other");
	result_field(line, &n, result);
	finish(line, n);
}

void sf_trace_listen(struct sf_socket *s, int fd, long result)
{
	char line[LINE];
	int n = sf_log_begin(line, LINE, "listen", fd, s);
	if (result == 0)
		names_fields(line, &n, s);
	result_field(line, &n, result);
	finish(line, n);
}

void sf_trace_connect(struct sf_socket *s, int fd, const struct sockaddr *to, socklen_t tolen, long result)
{
	char line[LINE];
	int n = sf_log_begin(line, LINE, "connect", fd, s);
	sf_log_append(line, LINE, &n, ",\"type\":\"%s\"", s->type == SOCK_DGRAM ? "dgram" : "stream");
	/* A bad address pointer is the program's (EFAULT): not read. */
	addr_field_sa(line, &n, "to", result == -EFAULT ? NULL : to, tolen);
	if (result == 0 || result == -EINPROGRESS)
		names_fields(line, &n, s);
	result_field(line, &n, result);
	finish(line, n);
}

void sf_trace_accept(int lfd, long result)
{
	char line[LINE];
	struct sf_socket *s = result >= 0 ? sf_socket_get((int)result) : NULL;
	int n = sf_log_begin(line, LINE, "accept", result >= 0 ? (int)result : -1, s);
	sf_log_append(line, LINE, &n, ",\"listen\":%d", lfd);
	if (s) {
		names_fields(line, &n, s);
		sf_socket_put(s);
	}
	result_field(line, &n, result);
	finish(line, n);
}

static bool is_send(enum sf_call c)
{
	return sf_call_family[c] == SF_FAM_send;
}

/* Bytes a successful call moved: its result, but for the mmsg calls (whose
 * result counts messages) the sum of the messages' lengths. */
static long moved(const struct sf_io *io, long result)
{
	if (result <= 0 || (io->call != SF_CALL_sendmmsg && io->call != SF_CALL_recvmmsg))
		return result;
	long sum = 0;
	for (long i = 0; i < result && (unsigned long)i < io->vlen; i++)
		sum += (long)io->vec[i].msg_len;
	return sum;
}

/* Reads n bytes at p of the program's memory without trusting p: a bad
 * pointer is the program's to have the kernel refuse (EFAULT), not ours to
 * fault on.  process_vm_readv on ourselves is always permitted. */
static bool peek(const void *p, void *out, size_t n)
{
	int saved = errno;
	struct iovec local = {out, n}, remote = {(void *)p, n};
	bool ok = syscall(SYS_process_vm_readv, getpid(), &local, 1UL, &remote, 1UL, 0UL) == (long)n;
	errno = saved;
	return ok;
}

void sf_trace_before(const struct sf_io *io, struct sf_trace_pre *pre)
{
	pre->have = false;
	const socklen_t *len = NULL;
	if (io->call == SF_CALL_recvfrom && io->from)
		len = io->fromlen;
	else if (io->call == SF_CALL_recvmsg && io->msg)
		len = &io->msg->msg_namelen;
	else if (io->call == SF_CALL_recvmmsg && io->vec && io->vlen)
		len = &io->vec[0].msg_hdr.msg_namelen;
	if (len)
		pre->have = peek(len, &pre->cap, sizeof(pre->cap));
}

/* The datagram's other end, when the call names one.  Only after a call
 * that succeeded: then the kernel has read (or written) the addresses; after
 * a failure a pointer may be the program's bad one (EFAULT). */
static void dgram_peer(char *line, int *n, const struct sf_io *io, const struct sf_trace_pre *pre, long result)
{
	if (result < 0)
		return;
	if (is_send(io->call)) {
		if (io->to)
			addr_field_sa(line, n, "peer", io->to, io->tolen);
		else if (io->msg && io->msg->msg_name)
			addr_field_sa(line, n, "peer", io->msg->msg_name, io->msg->msg_namelen);
		else if (io->vec && io->vlen && io->vec[0].msg_hdr.msg_name)
			addr_field_sa(line, n, "peer", io->vec[0].msg_hdr.msg_name, io->vec[0].msg_hdr.msg_namelen);
	} else if (pre->have) {
		/* what the kernel wrote, if it fitted the program's buffer */
		const struct sockaddr *a = NULL;
		socklen_t l = 0;
		if (io->call == SF_CALL_recvfrom && io->from && io->fromlen) {
			a = io->from;
			l = *io->fromlen;
		} else if (io->call == SF_CALL_recvmsg && io->msg && io->msg->msg_name) {
			a = io->msg->msg_name;
			l = io->msg->msg_namelen;
		} else if (io->call == SF_CALL_recvmmsg && io->vec && io->vlen && io->vec[0].msg_hdr.msg_name) {
			a = io->vec[0].msg_hdr.msg_name;
			l = io->vec[0].msg_hdr.msg_namelen;
		}
		if (a && l <= pre->cap)
			addr_field_sa(line, n, "peer", a, l);
	}
}

void sf_trace_io(struct sf_socket *s, const struct sf_io *io, const struct sf_trace_pre *pre, long result,
		 unsigned link_line, uint64_t link_ns, bool lost)
{
	/* A non-blocking call that would block moved nothing and says nothing
	 * about the connection; an event loop makes thousands.  (An injected
	 * EAGAIN has its fault line.) */
	if (result == -EAGAIN)
		return;
	char line[LINE];
	int n = sf_log_begin(line, LINE, is_send(io->call) ? "send" : "recv", io->fd, s);
	sf_log_append(line, LINE, &n, ",\"call\":\"%s\"", sf_call_names[io->call]);
	if (result >= 0)
		sf_log_append(line, LINE, &n, ",\"bytes\":%ld", moved(io, result));
	if (s->type == SOCK_DGRAM)
		dgram_peer(line, &n, io, pre, result);
	if (link_line)
		sf_log_append(line, LINE, &n, ",\"link\":%u,\"link_ns\":%" PRIu64 "%s", link_line, link_ns,
			      lost ? ",\"lost\":true" : "");
	result_field(line, &n, result);
	finish(line, n);
}

void sf_trace_shutdown(struct sf_socket *s, int fd, int how, long result)
{
	char line[LINE];
	int n = sf_log_begin(line, LINE, "shutdown", fd, s);
	sf_log_append(line, LINE, &n, ",\"how\":\"%s\"",
		      how == SHUT_RD ? "rd" : how == SHUT_WR ? "wr" : how == SHUT_RDWR ? "rdwr" : "?");
	result_field(line, &n, result);
	finish(line, n);
}

void sf_trace_close(struct sf_socket *s, int fd)
{
	char line[LINE];
	int n = sf_log_begin(line, LINE, "close", fd, s);
	sf_log_append(line, LINE, &n, ",\"out\":%llu,\"in\":%llu", (unsigned long long)atomic_load(&s->bytes_out),
		      (unsigned long long)atomic_load(&s->bytes_in));
	finish(line, n);
}

void sf_trace_lookup(const char *node, const char *service, int result, const struct addrinfo *res)
{
	char line[LINE], esc[260];
	int n = sf_log_begin(line, LINE, "lookup", -1, NULL);
	sf_log_escape(node ? node : "", esc, sizeof(esc));
	sf_log_append(line, LINE, &n, ",\"call\":\"getaddrinfo\",\"name\":\"%s\"", esc);
	if (service) {
		sf_log_escape(service, esc, sizeof(esc));
		sf_log_append(line, LINE, &n, ",\"service\":\"%s\"", esc);
	}
	if (result == 0) {
		/* The distinct addresses of the answer (one per socket type
		 * otherwise), at most 8. */
		char seen[8][INET6_ADDRSTRLEN];
		unsigned k = 0;
		sf_log_append(line, LINE, &n, ",\"addrs\":[");
		for (const struct addrinfo *ai = res; ai && k < 8; ai = ai->ai_next) {
			char host[INET6_ADDRSTRLEN] = "";
			if (ai->ai_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, host, sizeof(host));
			else if (ai->ai_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, host,
					  sizeof(host));
			else
				continue;
			bool dup = false;
			for (unsigned i = 0; i < k && !dup; i++)
				dup = !strcmp(seen[i], host);
			if (dup)
				continue;
			strcpy(seen[k], host);
			sf_log_append(line, LINE, &n, "%s\"%s\"", k ? "," : "", host);
			k++;
		}
		sf_log_append(line, LINE, &n, "],\"result\":0");
	} else {
		sf_log_append(line, LINE, &n, ",\"result\":%d", result);
	}
	finish(line, n);
}
