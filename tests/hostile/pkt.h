/* pkt.h - builds Ethernet/IPv4/IPv6/TCP/UDP frames and writes them to a
 * pcap file, for the hostile-traffic generator.
 *
 * Frames are assembled in a caller's buffer: pkt_l3() writes the Ethernet
 * and IP headers in front of an L4 payload already placed at PKT_L4_OFF,
 * so a datagram can be built once and then cut into fragments. */
#ifndef HOSTILE_PKT_H
#define HOSTILE_PKT_H

#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#define PKT_ETH_LEN 14
#define PKT_IP4_LEN 20
#define PKT_IP6_LEN 40
#define PKT_FRAG6_LEN 8
#define PKT_MAX 65600

enum { PKT_TCP = 6, PKT_UDP = 17, PKT_FRAG6 = 44 };
enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10 };

struct pkt_addr {
	uint8_t ver;   /* 4 or 6 */
	uint8_t b[16]; /* IPv4 in the first four bytes */
};

struct pkt_out {
	pcap_t *pcap;
	pcap_dumper_t *dump;
	uint64_t ts_us; /* timestamp of the next frame */
	uint64_t frames;
	uint8_t frame[PKT_MAX];
};

/* Opens FILE (Ethernet link type, 65535 snaplen); 0 or -1 with a message. */
int pkt_open(struct pkt_out *o, const char *path, uint64_t start_us);
int pkt_close(struct pkt_out *o);

struct pkt_addr pkt_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
/* 2001:db8:<hi>::<lo> */
struct pkt_addr pkt_v6(uint32_t hi, uint32_t lo);

/* Writes an L4 segment (header + payload) into buf; returns its length.
 * The checksum covers the IPv4/IPv6 pseudo-header (RFC 793, RFC 768,
 * RFC 8200 section 8.1). */
size_t pkt_udp(uint8_t *buf, const struct pkt_addr *s, const struct pkt_addr *d, uint16_t sport,
               uint16_t dport, const void *data, size_t len);
size_t pkt_tcp(uint8_t *buf, const struct pkt_addr *s, const struct pkt_addr *d, uint16_t sport,
               uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
               size_t len);

/* Writes one IP packet (or fragment) carrying `len` bytes of the datagram
 * `l4` from byte `off`, with the fragment header when `frag` is set (MF
 * from `more`), and appends it to the file. `id` is the IPv4 or IPv6
 * identification. */
void pkt_ip(struct pkt_out *o, const struct pkt_addr *s, const struct pkt_addr *d, uint8_t proto,
            const uint8_t *l4, size_t off, size_t len, int frag, int more, uint32_t id);

/* A whole, unfragmented segment. */
void pkt_send(struct pkt_out *o, const struct pkt_addr *s, const struct pkt_addr *d, uint8_t proto,
              const uint8_t *l4, size_t len);

#endif
