/* decode_int.h - private to the decode stage: the walker shared by the
 * per-protocol decoders (decode_<proto>.c). Not included outside src/decode.
 *
 * Each decoder reads its header from the cursor, fills what it learns into
 * ctx->out, and hands the rest of the cursor to the next layer. Tunnels
 * recurse (GRE -> IP or Ethernet, VXLAN -> Ethernet, IP-in-IP -> IP); depth
 * is bounded by FA_MAX_TUNNEL_DEPTH. A decoder that finds its header cut
 * short or malformed returns fa_dec_fail(ctx, FA_DR_...). */
#ifndef FA_DECODE_INT_H
#define FA_DECODE_INT_H

#include "common/cursor.h"
#include "decode.h"

struct fa_defrag; /* decode_defrag.c */

struct fa_decoder {
	struct fa_decoder_opts opts;
	struct fa_decode_stats stats;
	struct fa_defrag *defrag;
};

struct fa_dec_ctx {
	struct fa_decoder *dec;
	struct fa_pkt *out;
	unsigned depth;       /* tunnels entered so far */
	unsigned reasm_depth; /* reassembled packets being decoded, nested */
};

static inline enum fa_dec_result fa_dec_fail(struct fa_dec_ctx *ctx, enum fa_dec_reason r)
{
	ctx->out->error = r;
	return FA_DEC_ERROR;
}

/* Records a tunnel; fails with FA_DR_TUNNEL_DEPTH when nested too deep. */
bool fa_dec_enter_tunnel(struct fa_dec_ctx *ctx, enum fa_tunnel t);

/* Link layers (decode_link.c: Ethernet, SLL, SLL2, null/loop, raw). */
enum fa_dec_result fa_dec_ether(struct fa_dec_ctx *ctx, struct fa_cursor *c);
enum fa_dec_result fa_dec_sll(struct fa_dec_ctx *ctx, struct fa_cursor *c);
enum fa_dec_result fa_dec_sll2(struct fa_dec_ctx *ctx, struct fa_cursor *c);
/* DLT_NULL (family in host order, either accepted) or DLT_LOOP (network order). */
enum fa_dec_result fa_dec_null(struct fa_dec_ctx *ctx, struct fa_cursor *c, bool net_order);
/* After a link header: 802.1Q/802.1ad (decode_vlan.c), MPLS (decode_mpls.c),
 * PPPoE session (decode_pppoe.c), IPv4, IPv6; anything else is NOT_IP. */
enum fa_dec_result fa_dec_ethertype(struct fa_dec_ctx *ctx, uint16_t ethertype,
                                    struct fa_cursor *c);
enum fa_dec_result fa_dec_vlan(struct fa_dec_ctx *ctx, struct fa_cursor *c);
enum fa_dec_result fa_dec_mpls(struct fa_dec_ctx *ctx, struct fa_cursor *c);
enum fa_dec_result fa_dec_pppoe(struct fa_dec_ctx *ctx, struct fa_cursor *c);

/* Network layer (decode_ipv4.c, decode_ipv6.c). `c` starts at the IP header. */
enum fa_dec_result fa_dec_ip(struct fa_dec_ctx *ctx, struct fa_cursor *c); /* by version nibble */
enum fa_dec_result fa_dec_ipv4(struct fa_dec_ctx *ctx, struct fa_cursor *c);
enum fa_dec_result fa_dec_ipv6(struct fa_dec_ctx *ctx, struct fa_cursor *c);

/* Transport layer (decode_l4.c): TCP, UDP, SCTP, ICMP, ICMPv6; UDP to port
 * 4789 goes on to VXLAN. `c` starts at the L4 header and ends at the end of
 * the IP payload. */
enum fa_dec_result fa_dec_l4(struct fa_dec_ctx *ctx, uint8_t proto, struct fa_cursor *c);

/* Tunnels (decode_gre.c incl. ERSPAN II/III, decode_vxlan.c). */
enum fa_dec_result fa_dec_gre(struct fa_dec_ctx *ctx, struct fa_cursor *c);
enum fa_dec_result fa_dec_vxlan(struct fa_dec_ctx *ctx, struct fa_cursor *c);

/* Appends a VLAN id; fails with FA_DR_TOO_MANY_VLANS past FA_MAX_VLANS. */
bool fa_dec_push_vlan(struct fa_dec_ctx *ctx, uint16_t vid);

/* Clears what an IP layer learns, so an inner (tunnelled) packet's fields
 * never mix with the outer packet's. */
void fa_dec_reset_l4(struct fa_pkt *out);

/* The IPv6 extension header chain (RFC 8200 section 4), walked from the
 * fixed header. The walk stops at the first upper-layer header, at "no next
 * header" (59), at ESP (50), or at a fragment header that is not atomic
 * (RFC 6946), since what follows it is fragmented data. */
struct fa_ip6_chain {
	uint8_t proto;       /* upper-layer protocol, 59, 50, or the fragment's next header */
	size_t l4_off;       /* offset of the upper-layer header (or fragment data) */
	bool frag;           /* stopped at a fragment header */
	size_t frag_hdr_off; /* offset of that fragment header */
	size_t nh_off;       /* offset of the next-header byte naming the fragment header */
	uint32_t frag_id;
	uint32_t frag_offset; /* in bytes */
	bool frag_more;
};
/* `c` starts at the IPv6 header and ends at the end of the IPv6 packet.
 * Returns false when the chain runs past the data. */
bool fa_ip6_walk(const struct fa_cursor *c, struct fa_ip6_chain *ch);

/* ICMP/ICMPv6 error quotes (decode_icmp.c): fills out->quoted_* and sets
 * out->icmp_error when `c` holds a whole IP header plus 8 bytes of L4. */
void fa_dec_icmp_quote(struct fa_pkt *out, uint8_t ip_version, struct fa_cursor c);

/* Reassembly (decode_defrag.c). */
int fa_defrag_new(struct fa_defrag **out, const struct fa_decoder_opts *opts);
void fa_defrag_free(struct fa_defrag **d);

/* One fragment, as the IP decoders found it. For IPv4, hdr is the IP header
 * and proto is part of the key. For IPv6, hdr is the unfragmentable part
 * (fixed header and the extension headers before the fragment header),
 * nh_off locates the next-header byte that named the fragment header, and
 * proto is the fragment header's next header. */
struct fa_frag {
	uint8_t ver;
	struct fa_addr src, dst;
	uint32_t id;
	uint8_t proto;
	uint32_t offset; /* bytes */
	bool more;
	const uint8_t *hdr;
	uint32_t hdr_len;
	uint32_t nh_off;
	const uint8_t *data;
	uint32_t data_len;
};
/* Holds the fragment (FA_DEC_HELD) or, when it completes its datagram,
 * rebuilds the whole IP packet in the decoder's buffer and decodes it. */
enum fa_dec_result fa_defrag_add(struct fa_dec_ctx *ctx, const struct fa_frag *f);
/* Drops datagrams older than the timeout at packet time now_us. */
void fa_defrag_expire(struct fa_defrag *d, uint64_t now_us, struct fa_decode_stats *st);

#endif
