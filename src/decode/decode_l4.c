/* decode_l4.c - what an IP packet carries: TCP (RFC 9293), UDP (RFC 768),
 * SCTP (RFC 9260), ICMP (RFC 792), ICMPv6 (RFC 4443), and the tunnels that
 * ride directly on IP (IP-in-IP, GRE) or on UDP (VXLAN, port 4789).
 *
 * A header cut by the capture is truncated-<proto>. A TCP data offset below
 * 5, or past the end of an IP packet that was captured whole, is
 * tcp-header-length; past the end of a packet the capture cut is
 * truncated-tcp. Other protocols are a packet with ports 0 and the whole IP
 * payload as payload (ESP included; "no next header" has no payload). */
#include "decode_int.h"

#define IPPROTO_IPIP 4
#define IPPROTO_IPV6_ENCAP 41
#define IPPROTO_GRE 47
#define IPPROTO_NONE6 59

#define TCP_MIN_HLEN 20
#define UDP_HLEN 8
#define SCTP_COMMON_HLEN 12 /* RFC 9260 section 3.1 */
#define ICMP_HLEN 8         /* type, code, checksum, 4 bytes the type defines */
#define VXLAN_UDP_PORT 4789 /* RFC 7348 section 5 */

static void set_payload(struct fa_pkt *out, const struct fa_cursor *c)
{
	out->payload = fa_cur_ptr(c);
	out->payload_len = (uint32_t)fa_cur_left(c);
}

static enum fa_dec_result dec_tcp(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	struct fa_pkt *out = ctx->out;
	uint8_t doff, flags;
	size_t hlen;

	if (!fa_cur_has(c, TCP_MIN_HLEN) || !fa_cur_be16(c, &out->sport) ||
	    !fa_cur_be16(c, &out->dport) || !fa_cur_peek_u8(c, 8, &doff) ||
	    !fa_cur_peek_u8(c, 9, &flags))
		return fa_dec_fail(ctx, FA_DR_TRUNC_TCP);
	hlen = (size_t)(doff >> 4) * 4;
	if (hlen < TCP_MIN_HLEN)
		return fa_dec_fail(ctx, FA_DR_TCP_HLEN);
	/* Ports were read from offset 0; the rest is relative to offset 4. */
	if (!fa_cur_skip(c, hlen - 4)) {
		if (out->l3_len >= out->ip_len)
			return fa_dec_fail(ctx, FA_DR_TCP_HLEN);
		return fa_dec_fail(ctx, FA_DR_TRUNC_TCP);
	}
	out->tcp_flags = flags;
	set_payload(out, c);
	return FA_DEC_PACKET;
}

static enum fa_dec_result dec_udp(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	struct fa_pkt *out = ctx->out;
	uint16_t len;

	if (!fa_cur_has(c, UDP_HLEN) || !fa_cur_be16(c, &out->sport) ||
	    !fa_cur_be16(c, &out->dport) || !fa_cur_be16(c, &len) || !fa_cur_skip(c, 2))
		return fa_dec_fail(ctx, FA_DR_TRUNC_UDP);
	if (len < UDP_HLEN)
		return fa_dec_fail(ctx, FA_DR_UDP_LEN);
	if ((size_t)(len - UDP_HLEN) < fa_cur_left(c))
		c->len = c->off + (size_t)(len - UDP_HLEN);
	set_payload(out, c);
	if (out->dport == VXLAN_UDP_PORT)
		return fa_dec_vxlan(ctx, c);
	return FA_DEC_PACKET;
}

static enum fa_dec_result dec_sctp(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	struct fa_pkt *out = ctx->out;

	if (!fa_cur_has(c, SCTP_COMMON_HLEN) || !fa_cur_be16(c, &out->sport) ||
	    !fa_cur_be16(c, &out->dport) || !fa_cur_skip(c, SCTP_COMMON_HLEN - 4))
		return fa_dec_fail(ctx, FA_DR_TRUNC_SCTP);
	set_payload(out, c);
	return FA_DEC_PACKET;
}

/* ICMP errors that quote the offending packet: RFC 792 destination
 * unreachable (3), source quench (4), redirect (5), time exceeded (11),
 * parameter problem (12); RFC 4443 types 1-4. */
static bool icmp_is_error(uint8_t ver, uint8_t type)
{
	if (ver == 4)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

static enum fa_dec_result dec_icmp(struct fa_dec_ctx *ctx, uint8_t ver, struct fa_cursor *c)
{
	struct fa_pkt *out = ctx->out;

	if (!fa_cur_has(c, ICMP_HLEN) || !fa_cur_u8(c, &out->icmp_type) ||
	    !fa_cur_u8(c, &out->icmp_code) || !fa_cur_skip(c, ICMP_HLEN - 2))
		return fa_dec_fail(ctx, FA_DR_TRUNC_ICMP);
	set_payload(out, c);
	if (icmp_is_error(ver, out->icmp_type))
		fa_dec_icmp_quote(out, ver, *c);
	return FA_DEC_PACKET;
}

enum fa_dec_result fa_dec_l4(struct fa_dec_ctx *ctx, uint8_t proto, struct fa_cursor *c)
{
	uint8_t ver = ctx->out->src.ver;

	switch (proto) {
	case FA_L4_TCP: return dec_tcp(ctx, c);
	case FA_L4_UDP: return dec_udp(ctx, c);
	case FA_L4_SCTP: return dec_sctp(ctx, c);
	case FA_L4_ICMP:
		if (ver != 4)
			break;
		return dec_icmp(ctx, 4, c);
	case FA_L4_ICMPV6:
		if (ver != 6)
			break;
		return dec_icmp(ctx, 6, c);
	case IPPROTO_IPIP:
		if (!fa_dec_enter_tunnel(ctx, FA_TUN_IPIP))
			return FA_DEC_ERROR;
		return fa_dec_ipv4(ctx, c);
	case IPPROTO_IPV6_ENCAP:
		if (!fa_dec_enter_tunnel(ctx, FA_TUN_IPIP))
			return FA_DEC_ERROR;
		return fa_dec_ipv6(ctx, c);
	case IPPROTO_GRE: return fa_dec_gre(ctx, c);
	case IPPROTO_NONE6: return FA_DEC_PACKET;
	default: break;
	}
	set_payload(ctx->out, c);
	return FA_DEC_PACKET;
}
