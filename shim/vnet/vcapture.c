/* What the capture glue (capture/capsock.c) asks of the virtual network:
 * whether a close will reset the peer, whether data sent to a closed peer
 * was answered by its RST, the source a refused connect's SYN
 * carried, and the datagrams a send left undelivered.  The network records
 * nothing itself: capture_lock is never taken under the network lock (lock
 * order, init.c), so these hand facts out and the glue writes them after
 * the lock is dropped. */
#include "vnet/vnet_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Set by the constructor, before main, when capture is on; read-only
 * afterwards. */
static bool capture_on;

void sf_vnet_capture_enable(void)
{
	capture_on = true;
}

/* A datagram a send left undelivered (vcap_undelivered). */
struct vcap_note {
	struct vcap_note *next;
	struct sockaddr_storage src, dst;
	socklen_t slen, dlen;
	size_t len;
	unsigned char data[];
};

/* Per thread, without a lock: filled by this thread's own virtual send under
 * the network lock and emptied by the same thread right after the call
 * returns (sf_vnet_capture_undelivered), so only that thread ever sees it. */
static __thread struct vcap_note *notes, **notes_tail;

void vcap_undelivered(const struct sf_vsock *v, const struct vaddr *from, const struct vaddr *to,
		      const struct iovec *iov, int cnt, size_t len)
{
	if (!capture_on)
		return;
	struct vcap_note *n = malloc(sizeof(*n) + len + 1);
	if (!n)
		return; /* the capture misses it; the program does not notice */
	n->next = NULL;
	n->slen = vaddr_to_sockaddr(v, from, &n->src);
	n->dlen = vaddr_to_sockaddr(v, to, &n->dst);
	n->len = 0;
	for (int i = 0; i < cnt; i++) {
		if (iov[i].iov_len)
			memcpy(n->data + n->len, iov[i].iov_base, iov[i].iov_len);
		n->len += iov[i].iov_len;
	}
	if (!notes)
		notes_tail = &notes;
	*notes_tail = n;
	notes_tail = &n->next;
}

void sf_vnet_capture_undelivered(void (*fn)(const struct sockaddr *src, socklen_t slen,
					    const struct sockaddr *dst, socklen_t dlen, const void *data,
					    size_t len))
{
	struct vcap_note *n = notes;
	notes = NULL;
	while (n) {
		struct vcap_note *next = n->next;
		fn((struct sockaddr *)&n->src, n->slen, (struct sockaddr *)&n->dst, n->dlen, n->data, n->len);
		free(n);
		n = next;
	}
}

/* Sources of the datagrams this thread's virtual receives took, in order
 * (the last RXSRC_MAX), for a recv without an address buffer.  Per thread
 * as the notes above: written by vudp_recv, read and cleared by the same
 * thread when its call returns. */
enum { RXSRC_MAX = 64 };
static __thread struct vaddr rxsrc[RXSRC_MAX];
static __thread unsigned rxsrc_n;

void vcap_received(const struct vaddr *from)
{
	if (!capture_on)
		return;
	if (rxsrc_n == RXSRC_MAX) {
		memmove(rxsrc, rxsrc + 1, sizeof(rxsrc) - sizeof(rxsrc[0]));
		rxsrc_n--;
	}
	rxsrc[rxsrc_n++] = *from;
}

int sf_vnet_capture_received_from(struct sf_vsock *v, unsigned back, struct sockaddr_storage *out,
				  socklen_t *len)
{
	if (back >= rxsrc_n)
		return -ENOENT;
	*len = vaddr_to_sockaddr(v, &rxsrc[rxsrc_n - 1 - back], out);
	return 0;
}

void sf_vnet_capture_received_done(void)
{
	rxsrc_n = 0;
}

bool sf_vsock_capture_answered_by_rst(struct sf_vsock *v)
{
	vnet_lock();
	/* vtcp_send to a peer that had closed: reset_peer(v) after the data
	 * (or its RST on the way over a link: recorded as it leaves). */
	bool r = v->type == SOCK_STREAM && (v->reset || v->rst_coming) && v->peer_gone;
	vnet_unlock();
	return r;
}

bool sf_vsock_close_resets(struct sf_vsock *v)
{
	vnet_lock();
	/* vtcp_release: unread data, or SO_LINGER with a zero timeout. */
	bool r = v->type == SOCK_STREAM && !vsock_orphan(v) && v->state == VS_CONNECTED && v->peer &&
		 (v->rx.len || (v->linger_on && v->linger_secs == 0));
	vnet_unlock();
	return r;
}

int sf_vsock_capture_source(struct sf_vsock *v, const struct sockaddr *dst, socklen_t dlen,
			    struct sockaddr_storage *out, socklen_t *olen)
{
	struct vaddr d, a;
	if (vaddr_from_sockaddr(v, dst, dlen, &d, true))
		return -EAFNOSUPPORT;
	vnet_lock();
	a = v->local; /* the port is kept when a failed connect gives it up */
	vnet_unlock();
	if (vaddr_is_any(&a)) {
		/* The network's choice (vtcp.c/vudp.c source_for): 127.0.0.1
		 * for 127.0.0.0/8, the destination itself otherwise (every
		 * reachable address is the machine's own). */
		uint16_t port = a.port;
		a = d;
		a.port = port;
		if (vaddr_is_v4(&a) && a.ip.s6_addr[12] == 127) {
			a.ip.s6_addr[13] = a.ip.s6_addr[14] = 0;
			a.ip.s6_addr[15] = 1;
		}
	}
	*olen = vaddr_to_sockaddr(v, &a, out);
	return 0;
}
