/* decode_gre.c - GRE (RFC 2784, key and sequence number from RFC 2890)
 * carrying IP, MPLS or bridged Ethernet (0x6558), and the ERSPAN mirroring
 * encapsulations it carries: type I and II (0x88BE) and type III (0x22EB),
 * as described in draft-foschiano-erspan.
 *
 * GRE versions other than 0 (PPTP's enhanced GRE is version 1, RFC 2637)
 * and the RFC 1701 routing field are gre-version. ERSPAN type I has no
 * header of its own (the GRE sequence bit is clear) and is recorded as
 * erspan2, the nearest kind. */
#include "decode_int.h"

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_SSR 0x0800
#define GRE_VER_MASK 0x0007

#define GRE_PROTO_TEB 0x6558 /* transparent Ethernet bridging */
#define GRE_PROTO_ERSPAN2 0x88be
#define GRE_PROTO_ERSPAN3 0x22eb

#define ERSPAN2_HLEN 8
#define ERSPAN3_HLEN 12
#define ERSPAN3_SUBHDR_LEN 8
#define ERSPAN3_FT_ETHERNET 0
#define ERSPAN3_FT_IP 2

static enum fa_dec_result dec_erspan3(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint16_t w;
	unsigned ft;

	/* Bytes 10-11: P(1) FT(5) HW ID(6) D(1) Gra(2) O(1). */
	if (!fa_cur_peek_be16(c, 10, &w) || !fa_cur_skip(c, ERSPAN3_HLEN))
		return fa_dec_fail(ctx, FA_DR_TRUNC_ERSPAN);
	if ((w & 0x0001) && !fa_cur_skip(c, ERSPAN3_SUBHDR_LEN))
		return fa_dec_fail(ctx, FA_DR_TRUNC_ERSPAN);
	if (!fa_dec_enter_tunnel(ctx, FA_TUN_ERSPAN3))
		return FA_DEC_ERROR;
	ft = (w >> 10) & 0x1f;
	if (ft == ERSPAN3_FT_ETHERNET)
		return fa_dec_ether(ctx, c);
	if (ft == ERSPAN3_FT_IP)
		return fa_dec_ip(ctx, c);
	return FA_DEC_NOT_IP;
}

enum fa_dec_result fa_dec_gre(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint16_t flags, proto;
	size_t opt = 0;

	if (!fa_cur_be16(c, &flags) || !fa_cur_be16(c, &proto))
		return fa_dec_fail(ctx, FA_DR_TRUNC_GRE);
	if ((flags & GRE_VER_MASK) != 0 || (flags & (GRE_R | GRE_SSR)))
		return fa_dec_fail(ctx, FA_DR_GRE_VERSION);
	/* Optional fields, in this order: checksum+reserved1, key, sequence. */
	if (flags & GRE_C)
		opt += 4;
	if (flags & GRE_K)
		opt += 4;
	if (flags & GRE_S)
		opt += 4;
	if (!fa_cur_skip(c, opt))
		return fa_dec_fail(ctx, FA_DR_TRUNC_GRE);

	switch (proto) {
	case GRE_PROTO_ERSPAN2:
		if (flags & GRE_S) {
			if (!fa_cur_skip(c, ERSPAN2_HLEN))
				return fa_dec_fail(ctx, FA_DR_TRUNC_ERSPAN);
		}
		if (!fa_dec_enter_tunnel(ctx, FA_TUN_ERSPAN2))
			return FA_DEC_ERROR;
		return fa_dec_ether(ctx, c);
	case GRE_PROTO_ERSPAN3: return dec_erspan3(ctx, c);
	case GRE_PROTO_TEB:
		if (!fa_dec_enter_tunnel(ctx, FA_TUN_GRE))
			return FA_DEC_ERROR;
		return fa_dec_ether(ctx, c);
	default:
		if (!fa_dec_enter_tunnel(ctx, FA_TUN_GRE))
			return FA_DEC_ERROR;
		return fa_dec_ethertype(ctx, proto, c);
	}
}
