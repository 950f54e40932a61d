/* decode_vlan.c - IEEE 802.1Q VLAN tags and 802.1ad (QinQ) service tags,
 * including the pre-standard 0x9100 tag; ids are kept outermost first. */
#include "decode_int.h"

#define VLAN_TAG_LEN 4
#define VLAN_VID_MASK 0x0fff

/* `c` starts after the TPID: TCI (PCP, DEI, VID) then the inner EtherType.
 * Nesting is bounded because fa_dec_push_vlan refuses a fifth tag. */
enum fa_dec_result fa_dec_vlan(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint16_t tci, type;

	if (!fa_cur_peek_be16(c, 0, &tci) || !fa_cur_peek_be16(c, 2, &type) ||
	    !fa_cur_skip(c, VLAN_TAG_LEN))
		return fa_dec_fail(ctx, FA_DR_TRUNC_VLAN);
	if (!fa_dec_push_vlan(ctx, tci & VLAN_VID_MASK))
		return FA_DEC_ERROR;
	if (type <= 1500)
		return FA_DEC_NOT_IP; /* tagged 802.3 length frame */
	return fa_dec_ethertype(ctx, type, c);
}
