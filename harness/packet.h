/* One captured frame decoded down to its IP transport header: what
 * pcap-to-input and the report read from a pcap. */
#ifndef SF_PACKET_H
#define SF_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sf_packet {
	int family;              /* AF_INET / AF_INET6 */
	int proto;               /* 6 TCP, 17 UDP */
	const uint8_t *src, *dst; /* 4 or 16 bytes, into the frame */
	uint16_t sport, dport;
	/* TCP only */
	uint32_t seq;
	uint8_t flags;           /* FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10 */
	const unsigned char *payload;
	size_t len;
};

/* The link types decode handles (Ethernet, raw IP, Linux cooked, BSD
 * loopback), for the message naming them. */
bool sf_packet_link_supported(int dlt);
#define SF_PACKET_LINKS "Ethernet, raw IP, Linux cooked, BSD loopback"

/* Decodes a frame of link type dlt into out; false when it is not an
 * unfragmented TCP or UDP packet over IPv4 / IPv6 (no extension headers). */
bool sf_packet_decode(int dlt, const unsigned char *p, size_t n, struct sf_packet *out);

#endif
