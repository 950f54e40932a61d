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
	unsigned depth;      /* tunnels entered so far */
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
/* After a link header: 802.1Q/802.1ad (decode_vlan.c), MPLS (decode_mpls.c),
 * PPPoE session (decode_pppoe.c), IPv4, IPv6; anything else is NOT_IP. */
enum fa_dec_result fa_dec_ethertype(struct fa_dec_ctx *ctx, uint16_t ethertype, struct fa_cursor *c);
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

/* Reassembly (decode_defrag.c). */
int fa_defrag_new(struct fa_defrag **out, const struct fa_decoder_opts *opts);
void fa_defrag_free(struct fa_defrag **d);

#endif
