/* Links of the virtual network (scenario `link` lines, scenarios/README.md
 * "Links"): latency, jitter and bandwidth on what travels between two
 * virtual sockets, and loss, duplication and reordering of datagrams.  The
 * machinery is vlink.c; these are the hooks vtcp.c, vudp.c and vnet.c call,
 * all with the network lock held.  Every hook sits behind sf_vlink_on or a
 * socket's `lk` pointer, so a scenario without links pays one predictable
 * branch per hook and nothing else (no thread, no fd, no allocation). */
#ifndef SF_VLINK_H
#define SF_VLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct sf_vsock;
struct vaddr;
struct vdgram;

/* Set by vlink_init (the constructor) when the scenario has link lines;
 * read-only afterwards. */
extern bool sf_vlink_on;

/* From sf_vnet_init: reads sf_config's links and seed. */
void vlink_init(void);

/* TCP.  The handshake of c (connecting) with s (the listener l's new
 * socket): sets up the link state of both ends when a link applies; true
 * when the handshake takes time -- c is left in VS_SYN until the round
 * trip is over and s reaches l's queue after one way (the caller must not
 * queue it). */
bool vlink_tcp_connect(struct sf_vsock *c, struct sf_vsock *s, struct sf_vsock *l);
/* A blocking connect whose handshake is under way: waits for it (or
 * deadline: -EINPROGRESS, as inet_stream_connect on SO_SNDTIMEO). */
int vlink_connect_wait(struct sf_vsock *c, uint64_t deadline);
/* n bytes were appended to to->rx: they get their delivery time.  True when
 * they are readable at once (the caller signals the arrival). */
bool vlink_tcp_sent(struct sf_vsock *to, size_t n);
/* Bytes of v->rx that have arrived (v->lk set). */
size_t vlink_tcp_ready(const struct sf_vsock *v);
/* The peer's FIN / RST towards `to`: true when it travels (vlink.c sets
 * peer_fin / resets `to` when it arrives), false when it arrives now. */
bool vlink_tcp_fin(struct sf_vsock *to);
bool vlink_tcp_rst(struct sf_vsock *to);

/* The answers the network itself gives, without a socket at the other
 * end, to what v just sent from src to dst: the RST refusing a connect to a
 * closed port, the RST answering data sent to a socket that has closed,
 * ICMP port unreachable for a datagram.  Over a link they come back a round
 * trip later: true, and vlink.c applies them then (a refused connect stays
 * in VS_SYN until its RST arrives); false when they arrive now (no link, no
 * delay) and the caller applies them. */
enum vlink_answer { VLINK_REFUSED, VLINK_DATA_RST, VLINK_UNREACHABLE };
bool vlink_answer(struct sf_vsock *v, const struct vaddr *src, const struct vaddr *dst, enum vlink_answer what,
		  bool autobound);

/* UDP: datagram d from `from` (the sending socket's source) to socket o at
 * dst.  True when the link took it over (delivered later, lost, doubled). */
bool vlink_udp_send(struct sf_vsock *sender, struct sf_vsock *o, struct vdgram *d, const struct vaddr *from,
		    const struct vaddr *dst);

/* The socket is freed (last reference): its link state goes. */
void vlink_free(struct sf_vsock *v);
/* fork: the child has no timer thread (a private network starts afresh). */
void vlink_atfork_child(void);
/* Slot `gone` (varena.h) leaves or died: if no other process runs a timer,
 * what is in flight arrives now rather than never. */
void vlink_orphaned(int gone);

#endif
