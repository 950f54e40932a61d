/* decode_link.c - link layers: Ethernet (IEEE 802.3), Linux cooked capture
 * v1 and v2, BSD null/loopback; hands the rest to the EtherType dispatch. */
#include "decode_int.h"

#define ETH_HDR_LEN 14
#define ETH_MAX_LENGTH_FIELD 1500 /* below this the type field is an 802.3 length */
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE_DATA 0x8864

/* BSD address families as written by the capturing host's loopback. */
#define BSD_AF_INET 2
#define BSD_AF_INET6_BSD 24 /* NetBSD, OpenBSD */
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

enum fa_dec_result fa_dec_ethertype(struct fa_dec_ctx *ctx, uint16_t ethertype, struct fa_cursor *c)
{
	switch (ethertype) {
	case ETHERTYPE_IPV4: return fa_dec_ipv4(ctx, c);
	case ETHERTYPE_IPV6: return fa_dec_ipv6(ctx, c);
	case ETHERTYPE_VLAN:
	case ETHERTYPE_QINQ:
	case ETHERTYPE_QINQ_OLD: return fa_dec_vlan(ctx, c);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC: return fa_dec_mpls(ctx, c);
	case ETHERTYPE_PPPOE_DATA: return fa_dec_pppoe(ctx, c);
	default: return FA_DEC_NOT_IP; /* ARP, LLDP, PPPoE discovery, ... */
	}
}

enum fa_dec_result fa_dec_ether(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint16_t type;

	if (!fa_cur_peek_be16(c, 12, &type) || !fa_cur_skip(c, ETH_HDR_LEN))
		return fa_dec_fail(ctx, FA_DR_TRUNC_LINK);
	if (type <= ETH_MAX_LENGTH_FIELD)
		return FA_DEC_NOT_IP; /* 802.3 length + LLC (STP, CDP, ...) */
	return fa_dec_ethertype(ctx, type, c);
}

/* Linux cooked v1: packet type, ARPHRD, address length, 8 address bytes,
 * protocol (an EtherType, or 1/4 for 802.3/802.2 frames, which fall through
 * to NOT_IP). */
enum fa_dec_result fa_dec_sll(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint16_t proto;

	if (!fa_cur_peek_be16(c, 14, &proto) || !fa_cur_skip(c, SLL_HDR_LEN))
		return fa_dec_fail(ctx, FA_DR_TRUNC_LINK);
	return fa_dec_ethertype(ctx, proto, c);
}

/* Linux cooked v2: the protocol comes first, then reserved, ifindex, ARPHRD,
 * packet type, address length and 8 address bytes. */
enum fa_dec_result fa_dec_sll2(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint16_t proto;

	if (!fa_cur_peek_be16(c, 0, &proto) || !fa_cur_skip(c, SLL2_HDR_LEN))
		return fa_dec_fail(ctx, FA_DR_TRUNC_LINK);
	return fa_dec_ethertype(ctx, proto, c);
}

enum fa_dec_result fa_dec_null(struct fa_dec_ctx *ctx, struct fa_cursor *c, bool net_order)
{
	uint32_t af;
	uint32_t be;

	if (!fa_cur_peek_be32(c, 0, &be))
		return fa_dec_fail(ctx, FA_DR_TRUNC_LINK);
	af = be;
	if (!net_order && (be & 0xffff0000u)) {
		/* Host order of the capturing machine, which may differ from
		 * ours; families are small numbers, so the order that leaves
		 * the high half zero is the right one. */
		if (!fa_cur_le32(c, &af))
			return fa_dec_fail(ctx, FA_DR_TRUNC_LINK);
	} else if (!fa_cur_skip(c, 4)) {
		return fa_dec_fail(ctx, FA_DR_TRUNC_LINK);
	}
	switch (af) {
	case BSD_AF_INET: return fa_dec_ipv4(ctx, c);
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN: return fa_dec_ipv6(ctx, c);
	default: return FA_DEC_NOT_IP;
	}
}
