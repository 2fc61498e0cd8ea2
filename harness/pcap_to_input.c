/* sockfault pcap-to-input: seeds from captures.  Reads a pcap (libpcap;
 * Ethernet, raw IP or Linux cooked link types), reassembles each TCP
 * connection's stream in sequence order (retransmissions dropped,
 * out-of-order segments held until the gap fills) and writes a structured
 * fuzz input: one connection per TCP connection, one chunk per segment as
 * captured, the peer's FIN and RST, in capture order.  The peer is the
 * client side (the program is the server) unless --side client. */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "packet.h"
#include "fuzz/fuzz_input.h"

static const char usage[] =
	"usage: sockfault pcap-to-input CAPTURE -o INPUT [--side server|client]\n"
	"\n"
	"Turns the TCP connections of a pcap capture into a fuzz input (fuzz/README.md)\n"
	"for fuzz-peer mode: the bytes the peer sent, reassembled in sequence order,\n"
	"one chunk per captured segment.  --side says what the fuzzed program is:\n"
	"server (default: the peer is each connection's client, the side that sent\n"
	"the SYN) or client (the peer is the server).  At most 64 connections.\n";

struct seg {
	uint32_t off; /* relative to the peer's initial sequence number + 1 */
	uint32_t len;
	unsigned char *data;
};

struct conn {
	uint8_t cli_ip[16], srv_ip[16]; /* IPv4 as its first 4 bytes */
	uint16_t cli_port, srv_port;
	int family;
	bool have_isn;
	uint32_t isn;  /* the peer's first sequence number - 1 for a SYN's */
	uint32_t next; /* next in-order offset */
	bool fin_seen, fin_done, reset;
	uint32_t fin_at;
	struct seg *pending;
	size_t npending;
	unsigned index; /* 0-based position in the input */
};

struct conv {
	struct conn conns[SF_FUZZ_MAX_CONNS];
	unsigned nconns;
	bool peer_is_client;
	unsigned dropped_conns;
	unsigned char *out;
	size_t len, cap;
	bool oom;
};

static void emit(struct conv *c, const void *p, size_t n)
{
	if (c->oom)
		return;
	if (c->len + n > c->cap) {
		size_t ncap = (c->len + n) * 2 + 64;
		unsigned char *no = realloc(c->out, ncap);
		if (!no) {
			c->oom = true;
			return;
		}
		c->out = no;
		c->cap = ncap;
	}
	memcpy(c->out + c->len, p, n);
	c->len += n;
}

static void emit_data(struct conv *c, const struct conn *k, const unsigned char *p, size_t n)
{
	while (n) {
		size_t m = n > 0xffff ? 0xffff : n;
		unsigned char h[4] = {SF_FOP_DATA, (unsigned char)k->index, (unsigned char)(m & 0xff),
				      (unsigned char)(m >> 8)};
		emit(c, h, 4);
		emit(c, p, m);
		p += m;
		n -= m;
	}
}

/* The peer's in-order bytes from offset `off`; releases what became
 * contiguous. */
static void deliver(struct conv *c, struct conn *k, uint32_t off, const unsigned char *p, uint32_t n)
{
	if (k->reset || k->fin_done)
		return;
	if (off + n <= k->next)
		return; /* a retransmission */
	if (off > k->next) {
		struct seg *np = realloc(k->pending, (k->npending + 1) * sizeof(*np));
		unsigned char *d = malloc(n);
		if (!np || !d) {
			free(d);
			if (np)
				k->pending = np;
			c->oom = true;
			return;
		}
		memcpy(d, p, n);
		k->pending = np;
		k->pending[k->npending++] = (struct seg){off, n, d};
		return;
	}
	uint32_t skip = k->next - off;
	emit_data(c, k, p + skip, n - skip);
	k->next = off + n;
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < k->npending; i++) {
			struct seg s = k->pending[i];
			if (s.off > k->next)
				continue;
			k->pending[i] = k->pending[--k->npending];
			if (s.off + s.len > k->next) {
				emit_data(c, k, s.data + (k->next - s.off), s.off + s.len - k->next);
				k->next = s.off + s.len;
			}
			free(s.data);
			more = true;
			break;
		}
	}
}

/* The peer's FIN, once every byte before it is delivered. */
static void maybe_fin(struct conv *c, struct conn *k)
{
	if (k->fin_seen && k->next >= k->fin_at && !k->fin_done && !k->reset) {
		unsigned char f[2] = {SF_FOP_FIN, (unsigned char)k->index};
		emit(c, f, 2);
		k->fin_done = true;
	}
}

static struct conn *find_conn(struct conv *c, int family, const uint8_t *src, uint16_t sport, const uint8_t *dst,
			      uint16_t dport, bool syn_only, bool *from_client)
{
	size_t alen = family == AF_INET ? 4 : 16;
	for (unsigned i = 0; i < c->nconns; i++) {
		struct conn *k = &c->conns[i];
		if (k->family != family)
			continue;
		if (k->cli_port == sport && k->srv_port == dport && !memcmp(k->cli_ip, src, alen) &&
		    !memcmp(k->srv_ip, dst, alen)) {
			*from_client = true;
			return k;
		}
		if (k->cli_port == dport && k->srv_port == sport && !memcmp(k->cli_ip, dst, alen) &&
		    !memcmp(k->srv_ip, src, alen)) {
			*from_client = false;
			return k;
		}
	}
	(void)syn_only;
	return NULL;
}

static void tcp_segment(struct conv *c, const struct sf_packet *pk)
{
	int family = pk->family;
	const uint8_t *src = pk->src, *dst = pk->dst;
	uint16_t sport = pk->sport, dport = pk->dport;
	uint32_t seq = pk->seq;
	uint8_t flags = pk->flags;
	bool syn = flags & 0x02, fin = flags & 0x01, rst = flags & 0x04, ack = flags & 0x10;
	bool from_client;
	struct conn *k = find_conn(c, family, src, sport, dst, dport, false, &from_client);
	if (!k) {
		/* A new connection: its SYN names the client; without one (capture
		 * started mid-stream) the sender of the first segment is taken as
		 * the client. */
		if (syn && ack)
			return; /* a SYN-ACK without its SYN: ignore the connection */
		if (c->nconns == SF_FUZZ_MAX_CONNS) {
			c->dropped_conns++;
			return;
		}
		k = &c->conns[c->nconns];
		memset(k, 0, sizeof(*k));
		k->family = family;
		memcpy(k->cli_ip, src, family == AF_INET ? 4 : 16);
		memcpy(k->srv_ip, dst, family == AF_INET ? 4 : 16);
		k->cli_port = sport;
		k->srv_port = dport;
		k->index = c->nconns++;
		from_client = true;
		unsigned char o[2] = {SF_FOP_OPEN, c->peer_is_client ? 0 /* in */ : 1 /* out */};
		emit(c, o, 2);
	}
	if (from_client != c->peer_is_client)
		return; /* the program's own bytes */
	if (!k->have_isn) {
		k->have_isn = true;
		k->isn = syn ? seq : seq - 1;
	}
	uint32_t off = seq - k->isn - 1 + (syn ? 1 : 0);
	const unsigned char *payload = pk->payload;
	uint32_t plen = (uint32_t)pk->len;
	if (rst) {
		if (!k->reset && !k->fin_done) {
			unsigned char r[2] = {SF_FOP_RESET, (unsigned char)k->index};
			emit(c, r, 2);
		}
		k->reset = true;
		return;
	}
	if (fin && !k->fin_seen) {
		k->fin_seen = true;
		k->fin_at = off + plen;
	}
	deliver(c, k, off, payload, plen);
	maybe_fin(c, k);
}

int sf_cmd_pcap_to_input(int argc, char **argv)
{
	const char *capture = NULL, *output = NULL, *side = "server";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output") || !strcmp(argv[i], "--side")) {
			if (i + 1 == argc) {
				fprintf(stderr, "sockfault pcap-to-input: %s needs a value\n", argv[i]);
				return 2;
			}
			if (!strcmp(argv[i], "--side"))
				side = argv[++i];
			else
				output = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "sockfault pcap-to-input: unknown option '%s'\n%s", argv[i], usage);
			return 2;
		} else if (!capture) {
			capture = argv[i];
		} else {
			fprintf(stderr, "sockfault pcap-to-input: unexpected '%s' (one CAPTURE)\n", argv[i]);
			return 2;
		}
	}
	if (!capture || !output) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(side, "server") && strcmp(side, "client")) {
		fprintf(stderr, "sockfault pcap-to-input: --side '%s': expected server or client\n", side);
		return 2;
	}
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(capture, errbuf);
	if (!pc) {
		fprintf(stderr, "%s: %s\n", capture, errbuf);
		return 2;
	}
	int dlt = pcap_datalink(pc);
	if (!sf_packet_link_supported(dlt)) {
		fprintf(stderr, "%s: link type %s is not supported (" SF_PACKET_LINKS ")\n",
			capture, pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?");
		pcap_close(pc);
		return 2;
	}
	struct conv *c = calloc(1, sizeof(*c));
	if (!c) {
		pcap_close(pc);
		return 1;
	}
	c->peer_is_client = !strcmp(side, "server");
	emit(c, SF_FUZZ_MAGIC, sizeof(SF_FUZZ_MAGIC) - 1);
	struct pcap_pkthdr *h;
	const unsigned char *p;
	int r;
	struct sf_packet pk;
	while ((r = pcap_next_ex(pc, &h, &p)) == 1)
		if (sf_packet_decode(dlt, p, h->caplen, &pk) && pk.proto == 6)
			tcp_segment(c, &pk);
	int rc = 0;
	if (r == PCAP_ERROR) {
		fprintf(stderr, "%s: %s\n", capture, pcap_geterr(pc));
		rc = 2;
	}
	pcap_close(pc);
	if (!rc && c->oom) {
		fputs("sockfault pcap-to-input: out of memory\n", stderr);
		rc = 1;
	}
	if (!rc && c->dropped_conns)
		fprintf(stderr, "sockfault pcap-to-input: %s: %u connections past the first %d left out\n", capture,
			c->dropped_conns, SF_FUZZ_MAX_CONNS);
	if (!rc) {
		FILE *f = fopen(output, "wb");
		if (!f || fwrite(c->out, 1, c->len, f) != c->len || fclose(f) != 0) {
			fprintf(stderr, "%s: %s\n", output, strerror(errno));
			rc = 1;
		}
	}
	for (unsigned i = 0; i < c->nconns; i++) {
		for (size_t j = 0; j < c->conns[i].npending; j++)
			free(c->conns[i].pending[j].data);
		free(c->conns[i].pending);
	}
	free(c->out);
	free(c);
	return rc;
}
