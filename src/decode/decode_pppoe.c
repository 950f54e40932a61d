/* decode_pppoe.c - PPPoE data-stage frames (RFC 2516 section 5, EtherType 0x8864) carrying PPP
 * (RFC 1661) with IPv4 (0x0021, RFC 1332) or IPv6 (0x0057, RFC 5072).
 *
 * PPP control protocols (protocol 0x8000 and up: LCP, IPCP, IPV6CP, PAP,
 * CHAP, ...) are link housekeeping like ARP, so they are FA_DEC_NOT_IP. A
 * network-layer protocol other than IP (IPX, MPLS, ...), or a PPPoE
 * header with a version/type other than 1/1 or a non-zero code, is
 * FA_DR_PPPOE_PROTO: traffic we cannot see into. */
#include "decode_int.h"

#define PPPOE_HDR_LEN 6
#define PPPOE_VER_TYPE 0x11
#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define PPP_CONTROL_MIN 0x8000

enum fa_dec_result fa_dec_pppoe(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint8_t vt, code, first, second;
	uint16_t len, proto, proto_len;

	if (!fa_cur_peek_u8(c, 0, &vt) || !fa_cur_peek_u8(c, 1, &code) ||
	    !fa_cur_peek_be16(c, 4, &len) || !fa_cur_skip(c, PPPOE_HDR_LEN))
		return fa_dec_fail(ctx, FA_DR_TRUNC_PPPOE);
	if (vt != PPPOE_VER_TYPE || code != 0)
		return fa_dec_fail(ctx, FA_DR_PPPOE_PROTO);
	/* Protocol numbers have an even first byte and an odd last one, so
	 * an odd first byte is a field compressed to one byte (RFC 1661
	 * section 6.5), which some peers use even over PPPoE. */
	if (!fa_cur_u8(c, &first))
		return fa_dec_fail(ctx, FA_DR_TRUNC_PPPOE);
	if (first & 1) {
		proto = first;
		proto_len = 1;
	} else {
		if (!fa_cur_u8(c, &second))
			return fa_dec_fail(ctx, FA_DR_TRUNC_PPPOE);
		proto = (uint16_t)(first << 8 | second);
		proto_len = 2;
	}
	/* The length field covers the PPP protocol and payload; trimming to
	 * it drops Ethernet padding before the IP layer trims again. */
	if (len >= proto_len && (size_t)(len - proto_len) < fa_cur_left(c))
		c->len = c->off + (size_t)(len - proto_len);
	switch (proto) {
	case PPP_IPV4: return fa_dec_ipv4(ctx, c);
	case PPP_IPV6: return fa_dec_ipv6(ctx, c);
	default:
		if (proto >= PPP_CONTROL_MIN)
			return FA_DEC_NOT_IP;
		return fa_dec_fail(ctx, FA_DR_PPPOE_PROTO);
	}
}
