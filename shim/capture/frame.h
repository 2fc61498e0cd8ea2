/* The frame synthesizer: the IPv4/IPv6 + TCP/UDP packets a network would
 * have carried for what one connection or datagram socket did.  Pure: no
 * I/O, no locks, no clock; the caller serialises calls on one flow and
 * receives each finished frame through a callback (capture.c writes it to
 * the pcap file; unit tests and fuzz/fuzz_frame.c parse it back).
 *
 * Frames start at the IP header (pcap LINKTYPE_RAW, 101).  TCP follows
 * RFC 9293: a SYN and a FIN each take one sequence number, data segments
 * carry at most the MSS of the configured MTU (MTU - 40 for IPv4, MTU - 60
 * for IPv6), every segment but the first SYN carries ACK with the peer's
 * next sequence number.  Checksums are RFC 1071 over the RFC 9293 3.1 /
 * RFC 8200 8.1 pseudo-header. */
#ifndef SF_FRAME_H
#define SF_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* Direction of a segment relative to the socket that observed it. */
enum { SF_FRAME_OUT = 0, SF_FRAME_IN = 1 };

#define SF_FRAME_MTU_DEFAULT 1500u
#define SF_FRAME_MTU_MIN 1280u /* IPv6's minimum (RFC 8200 5); IPv4 needs less */
#define SF_FRAME_MTU_MAX 65535u
/* Largest frame any call emits: an unfragmented UDP datagram of 65535 bytes
 * over IPv6 (loopback carries those whole; we never fragment). */
#define SF_FRAME_MAX (40u + 8u + 65535u)

struct sf_frame_endpoint {
	int family;       /* AF_INET (addr[0..3]) or AF_INET6; 0: unknown */
	uint8_t addr[16];
	uint16_t port;    /* host order */
};

enum sf_frame_flow_flags {
	SF_FLOW_OPEN = 1u << 0,    /* the handshake happened */
	SF_FLOW_FIN_OUT = 1u << 1, /* ep[OUT] sent its FIN */
	SF_FLOW_FIN_IN = 1u << 2,  /* ep[IN] sent its FIN */
	SF_FLOW_RST = 1u << 3,     /* a RST ended the flow: nothing follows */
};

/* One TCP connection seen from one of its ends.  Index d names the end
 * that sends: [SF_FRAME_OUT] is the observing socket, [SF_FRAME_IN] its
 * peer. */
struct sf_frame_flow {
	struct sf_frame_endpoint ep[2];
	uint32_t isn[2];   /* initial sequence number of ep[d] */
	uint32_t nxt[2];   /* next sequence number ep[d] sends (RFC 9293 SND.NXT) */
	uint64_t bytes[2]; /* payload ep[d] has sent */
	uint16_t ip_id[2]; /* IPv4 identification of ep[d]'s next packet */
	uint16_t mss;
	unsigned flags;    /* enum sf_frame_flow_flags */
};

/* Where frames go.  buf (cap >= SF_FRAME_MAX) is scratch the synthesizer
 * builds each frame in before calling emit(ctx, frame, len); emit returns 0
 * or a negative errno, which stops the call and is returned.  An sf_frame_out
 * with emit == NULL advances the flow's state without producing frames. */
typedef int (*sf_frame_emit_fn)(void *ctx, const uint8_t *frame, size_t len);
struct sf_frame_out {
	uint8_t *buf;
	size_t cap;
	sf_frame_emit_fn emit;
	void *ctx;
};

/* Endpoint of a socket address; an IPv4-mapped IPv6 address becomes IPv4
 * (the packets on the wire are IPv4).  0, or -EAFNOSUPPORT. */
int sf_frame_endpoint_from(struct sf_frame_endpoint *e, const struct sockaddr *sa, socklen_t len);

/* MSS for an MTU and a family: the MTU less the IP and TCP headers. */
unsigned sf_frame_mss(unsigned mtu, int family);

/* A fresh, unopened flow between local and peer (same family).  ISNs are a
 * hash of the direction's 4-tuple (the F() of RFC 6528 without its secret),
 * so the two ends of one connection observed in one process agree on them
 * without sharing state. */
void sf_frame_flow_init(struct sf_frame_flow *f, const struct sf_frame_endpoint *local,
			const struct sf_frame_endpoint *peer, unsigned mtu);

/* The three-way handshake, opened by ep[opener] (SF_FRAME_OUT for connect,
 * SF_FRAME_IN for accept).  SYN and SYN-ACK carry MSS and window-scale
 * options.  -EALREADY if the flow is already open. */
int sf_frame_handshake(struct sf_frame_flow *f, int dir_opener, const struct sf_frame_out *out);

/* len bytes of payload (gathered from iov[0..iovcnt)) sent by ep[dir]:
 * segments of at most mss bytes, PSH on the last, followed by the other
 * end's pure ACK of them.  -EPIPE after this end's FIN or a RST; -ENOTCONN
 * before the handshake. */
int sf_frame_data(struct sf_frame_flow *f, int dir, const struct iovec *iov, size_t iovcnt,
		  size_t len, const struct sf_frame_out *out);
/* The same for the len bytes that start skip bytes into iov[]. */
int sf_frame_data_at(struct sf_frame_flow *f, int dir, const struct iovec *iov, size_t iovcnt,
		     size_t skip, size_t len, const struct sf_frame_out *out);

/* ep[dir] sends FIN|ACK; the other end ACKs it.  -EALREADY when that end's
 * FIN is out already, -EPIPE after a RST, -ENOTCONN before the handshake. */
int sf_frame_fin(struct sf_frame_flow *f, int dir, const struct sf_frame_out *out);

/* ep[dir] sends RST|ACK (RFC 9293 3.10.7.4); the flow is over. */
int sf_frame_rst(struct sf_frame_flow *f, int dir, const struct sf_frame_out *out);

/* A connection attempt refused: the SYN from local, answered by RST|ACK
 * from peer (RFC 9293 3.10.7.1, SYN-SENT). */
int sf_frame_refused(const struct sf_frame_endpoint *local, const struct sf_frame_endpoint *peer,
		     unsigned mtu, const struct sf_frame_out *out);

/* One UDP datagram of len bytes from src to dst (same family), never
 * fragmented.  -EMSGSIZE beyond what one IP packet holds. */
int sf_frame_udp(const struct sf_frame_endpoint *src, const struct sf_frame_endpoint *dst,
		 const struct iovec *iov, size_t iovcnt, size_t len, const struct sf_frame_out *out);

/* Invariant checker: 0, or -EINVAL with the first broken invariant in *why. */
int sf_frame_validate(const struct sf_frame_flow *f, const char **why);

/* What a frame says, for tests and the fuzz target. */
struct sf_frame_info {
	int family;
	uint8_t proto;     /* IPPROTO_TCP / IPPROTO_UDP */
	struct sf_frame_endpoint src, dst;
	uint32_t seq, ack; /* TCP */
	uint8_t tcp_flags; /* TH_SYN, TH_ACK... */
	uint16_t mss_option; /* 0 when absent */
	size_t payload_off, payload_len;
};

/* Parses a frame and checks every length and checksum: 0, or -EINVAL with
 * the first problem in *why. */
int sf_frame_parse(const uint8_t *frame, size_t len, struct sf_frame_info *info, const char **why);

/* RFC 1071 Internet checksum of p[0..n), folded, not complemented, starting
 * from sum. */
uint32_t sf_frame_sum(const uint8_t *p, size_t n, uint32_t sum);

#endif
