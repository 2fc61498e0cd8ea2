/* The event log file (SOCKFAULT_LOG): one JSON object a line, appended by
 * every process of a run.  Each process's first line is a header saying
 * which build wrote it and when the process's clock started, so that lines
 * of several processes (and a pcap's wall-clock stamps) share one time axis.
 * report.c writes the fault lines, trace.c the others. */
#ifndef SF_LOG_H
#define SF_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/socket.h"

/* Appends one whole line (n bytes, '\n' included), opening the log and
 * writing this process's header first when needed.  Keeps errno. */
void sf_log_write(const char *line, size_t n);

/* Writes all n bytes to fd through libc (retrying EINTR, giving up on an
 * error): the log's lines and the summary's. */
void sf_log_write_all(int fd, const char *p, size_t n);

/* "HOST:PORT" (quoted, IPv6 in brackets) for an AF_INET/AF_INET6 address,
 * else null. */
void sf_log_addr(const struct sockaddr_storage *a, socklen_t len, char *out, size_t outlen);

/* s as a JSON string body (quotes and control characters escaped). */
void sf_log_escape(const char *s, char *out, size_t outlen);

/* The fields every event line starts with: {"time":..,"pid":..,"tid":..,
 * "ev":"EV","fd":FD and, for a socket, "sock":"ID" (its identity for the
 * lifetime of the object, the same in a fork child that shares it).
 * Returns the length written (less than outlen). */
int sf_log_begin(char *out, size_t outlen, const char *ev, int fd, const struct sf_socket *s);

/* Appends snprintf(fmt, ...) to line at *len, keeping *len < cap. */
void sf_log_append(char *line, size_t cap, int *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Whether this process (since its fork) has written a line. */
bool sf_log_has_written(void);

void sf_log_atfork_prepare(void);
void sf_log_atfork_parent(void);
void sf_log_atfork_child(void);

#endif
