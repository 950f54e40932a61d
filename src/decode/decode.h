/* decode.h - turns one captured frame into the facts the flow stage needs.
 *
 * The decoder walks link layer -> tags/labels -> tunnels -> IP -> L4 with the
 * bounds-checked cursor (common/cursor.h), never reading past caplen. It
 * owns the IPv4/IPv6 fragment reassembly state, so it is a handle:
 * fa_decoder_new() / fa_decode() / fa_decoder_free(). One decoder is used by
 * one thread.
 *
 * Every frame ends in exactly one outcome: a packet (FA_DEC_PACKET), a
 * fragment held for reassembly (FA_DEC_HELD), something that is not IP
 * (FA_DEC_NOT_IP, e.g. ARP, counted but not an error), or a malformed frame
 * counted under one enum fa_dec_reason. */
#ifndef FA_DECODE_H
#define FA_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/fa_addr.h"

/* Link types we decode, numbered as libpcap's DLT_ values. */
enum fa_linktype {
	FA_LINK_NULL = 0,   /* DLT_NULL: BSD loopback, 4-byte host-order family */
	FA_LINK_EN10MB = 1, /* DLT_EN10MB: Ethernet */
	FA_LINK_RAW = 12,   /* DLT_RAW (as seen on Linux): raw IPv4/IPv6 */
	FA_LINK_LOOP = 108, /* DLT_LOOP: OpenBSD loopback, network-order family */
	FA_LINK_LINUX_SLL = 113,
	FA_LINK_IPV4 = 228,
	FA_LINK_IPV6 = 229,
	FA_LINK_LINUX_SLL2 = 276,
	FA_LINK_RAW_ALT = 101 /* LINKTYPE_RAW as written in files */
};

enum fa_l4proto {
	FA_L4_ICMP = 1,
	FA_L4_TCP = 6,
	FA_L4_UDP = 17,
	FA_L4_ICMPV6 = 58,
	FA_L4_SCTP = 132
};

/* TCP flag bits as in the header. */
#define FA_TCP_FIN 0x01
#define FA_TCP_SYN 0x02
#define FA_TCP_RST 0x04
#define FA_TCP_PSH 0x08
#define FA_TCP_ACK 0x10

/* Tunnels decapsulated on the way to the inner flow (outermost recorded). */
enum fa_tunnel {
	FA_TUN_NONE = 0,
	FA_TUN_GRE,
	FA_TUN_ERSPAN2, /* ERSPAN type II, and type I (no ERSPAN header) */
	FA_TUN_ERSPAN3,
	FA_TUN_VXLAN,
	FA_TUN_IPIP /* 4in4, 6in4, 4in6, 6in6 */
};
const char *fa_tunnel_name(enum fa_tunnel t);

#define FA_MAX_VLANS 4 /* 802.1Q / 802.1ad tags kept per packet */
#define FA_MAX_TUNNEL_DEPTH 4

/* Why a frame was not decoded. Names (fa_dec_reason_name) appear in the
 * stats record, so they are a contract: append, never renumber or rename. */
enum fa_dec_reason {
	FA_DR_NONE = 0,
	FA_DR_LINKTYPE,   /* link type we do not decode */
	FA_DR_TRUNC_LINK, /* Ethernet/SLL/SLL2/null header cut short */
	FA_DR_TRUNC_VLAN,
	FA_DR_TOO_MANY_VLANS,
	FA_DR_TRUNC_MPLS,
	FA_DR_MPLS_PAYLOAD, /* bottom of stack not followed by IPv4/IPv6/Ethernet PW */
	FA_DR_TRUNC_PPPOE,
	FA_DR_PPPOE_PROTO, /* PPP protocol that is not IP */
	FA_DR_TRUNC_IPV4,
	FA_DR_IPV4_HLEN,   /* IHL < 5 or past the data */
	FA_DR_IPV4_TOTLEN, /* total length smaller than the header */
	FA_DR_TRUNC_IPV6,
	FA_DR_IPV6_EXTHDR, /* extension header chain cut short or malformed */
	FA_DR_IP_VERSION,  /* version nibble neither 4 nor 6 */
	FA_DR_TRUNC_TCP,
	FA_DR_TCP_HLEN, /* data offset < 5 or past the data */
	FA_DR_TRUNC_UDP,
	FA_DR_UDP_LEN, /* UDP length field smaller than 8 */
	FA_DR_TRUNC_SCTP,
	FA_DR_TRUNC_ICMP,
	FA_DR_TRUNC_GRE,
	FA_DR_GRE_VERSION, /* GRE version/flags we do not decode */
	FA_DR_TRUNC_ERSPAN,
	FA_DR_TRUNC_VXLAN,
	FA_DR_TUNNEL_DEPTH,    /* more nested tunnels than FA_MAX_TUNNEL_DEPTH */
	FA_DR_FRAG_OVERLAP,    /* fragment overlapping data already held, differently */
	FA_DR_FRAG_TOO_BIG,    /* reassembled datagram past 65535 bytes */
	FA_DR_FRAG_TABLE_FULL, /* too many datagrams in reassembly at once */
	FA_DR_FRAG_TIMEOUT,    /* datagram never completed (counted at expiry) */
	FA_DR_FRAG_BAD,        /* fragment with impossible offset/length */
	FA_DR__COUNT
};
const char *fa_dec_reason_name(enum fa_dec_reason r);

enum fa_dec_result {
	FA_DEC_PACKET = 0, /* *out describes an IP packet */
	FA_DEC_HELD,       /* a fragment, held until its datagram completes */
	FA_DEC_NOT_IP,     /* not IP (ARP, LLDP, ...): counted, not an error */
	FA_DEC_ERROR       /* malformed; reason in out->error */
};

/* The decoded packet. Pointers point into the caller's frame, or into the
 * decoder's reassembly buffer (valid until the next fa_decode call). */
struct fa_pkt {
	uint64_t ts_us;
	uint64_t seq;           /* frame number in the input, set by the caller */
	uint32_t wire_len; /* frame length on the wire */
	/* VLAN ids, outermost first. Tags of an Ethernet frame carried inside a
	 * tunnel (VXLAN, GRE bridging, ERSPAN, MPLS pseudowire) are appended
	 * after the outer ones; more than FA_MAX_VLANS in all is
	 * FA_DR_TOO_MANY_VLANS. */
	uint16_t vlan[FA_MAX_VLANS];
	uint8_t nvlan;
	uint8_t tunnel;  /* enum fa_tunnel of the outermost tunnel */
	uint8_t l4proto; /* IP protocol / next header of the inner packet */
	uint8_t tcp_flags;
	struct fa_addr src, dst; /* inner (innermost) IP addresses */
	uint16_t sport, dport;   /* TCP/UDP/SCTP ports; 0 for ICMP and others */
	uint8_t icmp_type, icmp_code;
	bool reassembled;      /* built from fragments */
	bool is_fragment_tail; /* unused by callers; reserved */

	/* ICMP/ICMPv6 error (unreachable, time exceeded, packet too big,
	 * parameter problem) quoting a packet: the quoted 5-tuple, as the quoted
	 * packet travelled. The flow stage attributes the error to that flow. */
	bool icmp_error;
	uint8_t quoted_l4proto;
	struct fa_addr quoted_src, quoted_dst;
	uint16_t quoted_sport, quoted_dport;

	const uint8_t *l3;      /* innermost IP header (what nDPI wants) */
	uint32_t l3_len;        /* captured bytes from l3, capped at the IP total length */
	uint32_t ip_len;        /* IP total length as the header says (bytes counted) */
	const uint8_t *payload; /* L4 payload */
	uint32_t payload_len;   /* captured payload bytes */

	enum fa_dec_reason error; /* set when fa_decode returns FA_DEC_ERROR */
};

struct fa_decoder_opts {
	uint32_t frag_max_datagrams; /* datagrams in reassembly at once; 0 = default 4096 */
	uint32_t frag_timeout_us;    /* 0 = default 30 s */
	uint32_t frag_max_bytes;     /* fragment bytes held at once; 0 = default 32 MiB */
};

struct fa_decoder;

int fa_decoder_new(struct fa_decoder **out, const struct fa_decoder_opts *opts);
void fa_decoder_free(struct fa_decoder **dec);

/* Decodes one frame. Counts every outcome in the decoder's stats. */
enum fa_dec_result fa_decode(struct fa_decoder *dec, int linktype, const uint8_t *frame,
                             uint32_t caplen, uint32_t wire_len, uint64_t ts_us,
                             struct fa_pkt *out);

/* True for link types fa_decode understands. */
bool fa_decode_linktype_supported(int linktype);

struct fa_decode_stats {
	uint64_t frames;
	uint64_t packets; /* FA_DEC_PACKET outcomes */
	uint64_t not_ip;
	uint64_t fragments;   /* fragments seen (held or completing) */
	uint64_t reassembled; /* datagrams completed from fragments */
	uint64_t errors[FA_DR__COUNT];
};
const struct fa_decode_stats *fa_decoder_stats(const struct fa_decoder *dec);

#endif
