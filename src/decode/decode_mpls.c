/* decode_mpls.c - MPLS label stacks (RFC 3032) down to the bottom of stack,
 * then IPv4/IPv6 by version nibble, or an Ethernet pseudowire behind the
 * RFC 4385 control word (first nibble 0, RFC 4448). */
#include "decode_int.h"

#define MPLS_ENTRY_LEN 4
#define MPLS_BOS 0x00000100u
#define PW_CONTROL_WORD_LEN 4

enum fa_dec_result fa_dec_mpls(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint32_t entry;
	uint8_t first;

	do {
		if (!fa_cur_be32(c, &entry))
			return fa_dec_fail(ctx, FA_DR_TRUNC_MPLS);
	} while (!(entry & MPLS_BOS));

	/* MPLS does not say what it carries; RFC 4385 section 2 lets the
	 * first nibble tell IP (4, 6) from a pseudowire control word (0). */
	if (!fa_cur_peek_u8(c, 0, &first))
		return fa_dec_fail(ctx, FA_DR_TRUNC_MPLS);
	switch (first >> 4) {
	case 4: return fa_dec_ipv4(ctx, c);
	case 6: return fa_dec_ipv6(ctx, c);
	case 0:
		if (!fa_cur_skip(c, PW_CONTROL_WORD_LEN))
			return fa_dec_fail(ctx, FA_DR_TRUNC_MPLS);
		return fa_dec_ether(ctx, c);
	default: return fa_dec_fail(ctx, FA_DR_MPLS_PAYLOAD);
	}
}
