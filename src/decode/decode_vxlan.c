/* decode_vxlan.c - VXLAN (RFC 7348): an 8-byte header whose I flag says the
 * VNI is valid, then an Ethernet frame. Reached from UDP destination port
 * 4789. A header without the I flag is not taken for VXLAN, and the packet
 * stays the UDP packet it appeared to be. */
#include "decode_int.h"

#define VXLAN_HLEN 8
#define VXLAN_FLAG_I 0x08

enum fa_dec_result fa_dec_vxlan(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint8_t flags;

	if (!fa_cur_peek_u8(c, 0, &flags) || !fa_cur_has(c, VXLAN_HLEN))
		return fa_dec_fail(ctx, FA_DR_TRUNC_VXLAN);
	if (!(flags & VXLAN_FLAG_I))
		return FA_DEC_PACKET;
	fa_cur_skip(c, VXLAN_HLEN);
	if (!fa_dec_enter_tunnel(ctx, FA_TUN_VXLAN))
		return FA_DEC_ERROR;
	return fa_dec_ether(ctx, c);
}
