/* Traffic capture (SOCKFAULT_PCAP): the pcap file, its lock, fork handling,
 * and the backend-neutral interface a socket backend calls to record what
 * its sockets did.  Frames come from frame.c; they are written with libpcap
 * (pcap_open_dead + pcap_dump), loaded with dlopen only when capture is on.
 *
 * Interface for socket backends (the glue for managed sockets, capsock.c,
 * with the kernel's or the virtual network's addresses):
 *
 *   - give each TCP and UDP socket a struct sf_capture_flow from
 *     sf_capture_flow_new (NULL when capture is off or memory is short;
 *     every function below takes NULL and does nothing) and hand it to
 *     sf_capture_close, which frees it, when the socket goes away;
 *   - sf_capture_tcp_open when a connection exists (connect: opener
 *     SF_FRAME_OUT; accept: SF_FRAME_IN); a no-op if the flow is open;
 *   - sf_capture_tcp_data for bytes actually moved (after the call, with
 *     its real count): SF_FRAME_OUT for sent, SF_FRAME_IN for received;
 *   - sf_capture_tcp_fin / sf_capture_tcp_rst when a FIN or RST goes out
 *     (OUT) or arrives (IN); sf_capture_tcp_refused for a SYN answered by
 *     RST;
 *   - sf_capture_dgram for a UDP datagram sent or received, with its real
 *     source and destination;
 *   - sf_capture_dns, sf_capture_dns_reverse for a resolver answer the shim
 *     made up.
 *
 * Every function is a no-op when capture is off, safe from any thread,
 * keeps errno, and returns nothing: a capture problem is reported once on
 * stderr and never changes what the program sees.  Addresses are socket
 * addresses (AF_INET, AF_INET6; IPv4-mapped IPv6 is recorded as IPv4);
 * other families are not recorded.
 *
 * Both ends in one process: when a flow opens whose reverse 4-tuple is
 * another open flow of this process, the two are twins.  Each segment must
 * appear once, and in an order consistent with causality: the receiving
 * end's later sends depend on what it received, so a twin records what it
 * *receives* (data, FIN, a RST it gets; with its own ACK), when it receives
 * it, and nothing it sends, except a RST (recorded when sent, so an
 * injected reset shows even if the peer never reads again; when bytes sent
 * before it are still unread -- Linux and the virtual network both deliver
 * queued data before reporting a RST -- it is recorded right after the peer
 * has read them, reads the error, closes, or the process exits, so it
 * follows them).  The twin's
 * state moves in step under the lock, so both views keep the same sequence
 * numbers (ISNs are a function of the 4-tuple, frame.h).  Bytes one end
 * sent and recorded before the other end existed (accept had not returned)
 * are skipped when that end receives them.  A FIN a twin sent is recorded
 * when the other end reads the EOF (if it never reads, there is none).
 *
 * Files: every record reaches the kernel (write(2)) before the call that
 * produced it returns, and writes end on record boundaries, so the file is
 * complete after exit, _exit, SIGTERM, SIGINT or even SIGKILL without any
 * handler.  A forked child writes FILE.<pid> (opened at its first record);
 * so does a process that loads the shim with SOCKFAULT_RUN_PID naming
 * another process (a program `sockfault run` started exec'd it).
 *
 * Lock: capture_lock (capture.c) guards the file, the scratch buffer, the
 * twin registry and every sf_capture_flow; it is a leaf: taken with no other
 * shim lock held, and nothing is locked under it. */
#ifndef SF_CAPTURE_H
#define SF_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "capture/frame.h"

struct sf_capture_flow {
	struct sf_frame_flow f;
	struct sf_capture_flow *next; /* twin registry chain */
	struct sf_capture_flow *twin; /* the other end, in this process */
	uint64_t skip_in; /* received bytes the other end already recorded */
	uint64_t unread;  /* twin: bytes the other end sent that we have not recorded yet */
	struct sf_frame_endpoint hint; /* connect in progress: the peer */
	unsigned gen;   /* process generation (forks) that opened the flow */
	uint8_t state;  /* CF_* in capture.c */
};

/* Set once by the constructor (sf_capture_init), before main; read-only
 * after. */
extern bool sf_capture_on;

/* Opens path for capture with frames split at mtu's MSS.  0, or -1 after
 * printing one line naming SOCKFAULT_PCAP (the constructor then exits 2).
 * Refuses a path that exists and is not a regular file (a FIFO, a device
 * such as /dev/null, a directory) without touching it. */
int sf_capture_init(const char *path, unsigned mtu, long run_pid);

struct sf_capture_flow *sf_capture_flow_new(void);

void sf_capture_tcp_open(struct sf_capture_flow *cf, const struct sockaddr *local, socklen_t llen,
			 const struct sockaddr *peer, socklen_t plen, int opener);
/* Whether the flow has been opened (or has ended); false for a connect
 * that is still in progress. */
bool sf_capture_tcp_started(struct sf_capture_flow *cf);
/* Remembers the peer of a connect in progress (opened later); NULL forgets. */
void sf_capture_tcp_hint(struct sf_capture_flow *cf, const struct sockaddr *peer, socklen_t plen);
/* The hint, if any: 0 and *out filled, or -ENOENT. */
int sf_capture_tcp_get_hint(struct sf_capture_flow *cf, struct sockaddr_storage *out, socklen_t *len);
void sf_capture_tcp_data(struct sf_capture_flow *cf, int dir, const struct iovec *iov, size_t iovcnt,
			 size_t len);
void sf_capture_tcp_fin(struct sf_capture_flow *cf, int dir);
void sf_capture_tcp_rst(struct sf_capture_flow *cf, int dir);
void sf_capture_tcp_refused(const struct sockaddr *local, socklen_t llen, const struct sockaddr *peer,
			    socklen_t plen);
/* The socket is gone: its FIN if the connection was still open on our
 * side (close(2) sends one), and the flow leaves the twin registry.  A flow
 * inherited across fork gets no FIN (the other process may still use it). */
void sf_capture_close(struct sf_capture_flow *cf);

/* dir: SF_FRAME_OUT for a datagram the socket sent, SF_FRAME_IN for one it
 * received; cf is the socket's flow (its local endpoint is remembered, so
 * a datagram another socket of this process receives from it is not
 * recorded twice), or NULL. */
void sf_capture_dgram(struct sf_capture_flow *cf, int dir, const struct sockaddr *src, socklen_t slen,
		      const struct sockaddr *dst, socklen_t dlen, const struct iovec *iov, size_t iovcnt,
		      size_t len);

/* A resolver answer the shim gave for name: query and answer of qtype
 * (SF_DNS_A / SF_DNS_AAAA) with rcode and naddrs addresses. */
void sf_capture_dns(const char *name, uint16_t qtype, unsigned rcode, const uint8_t (*addrs)[16],
		    unsigned naddrs);

/* A reverse lookup the shim answered for addr (AF_INET/AF_INET6): the PTR
 * query and its answer with rcode, naming target (NULL: no record). */
void sf_capture_dns_reverse(int family, const void *addr, unsigned rcode, const char *target);

/* No more records in this process (the library destructor: exit). */
void sf_capture_stop(void);

void sf_capture_atfork_prepare(void);
void sf_capture_atfork_parent(void);
void sf_capture_atfork_child(void);

#endif
