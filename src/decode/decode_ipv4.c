/* decode_ipv4.c - IPv4 (RFC 791): header and options, total length,
 * fragments to the reassembler, payload to the transport dispatch. Also the
 * version-nibble dispatch used where the link layer does not say which IP.
 *
 * Outcomes, in the order checked: fewer than 20 bytes captured is
 * truncated-ipv4; version not 4 is ip-version; IHL below 5 is
 * ipv4-header-length; a total length smaller than the header is
 * ipv4-total-length; a header (with options) cut by the capture is
 * truncated-ipv4. A fragment whose data the capture cut short cannot be
 * reassembled and is also truncated-ipv4. */
#include "decode_int.h"

#define IPV4_MIN_HLEN 20
#define IPV4_MF 0x2000
#define IPV4_OFFSET_MASK 0x1fff

static void addr_v4(struct fa_addr *a, const uint8_t *p)
{
	*a = (struct fa_addr){.ver = 4};
	for (int i = 0; i < 4; i++)
		a->b[i] = p[i];
}

enum fa_dec_result fa_dec_ip(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	uint8_t first;

	if (!fa_cur_peek_u8(c, 0, &first))
		return fa_dec_fail(ctx, FA_DR_TRUNC_IPV4);
	switch (first >> 4) {
	case 4: return fa_dec_ipv4(ctx, c);
	case 6: return fa_dec_ipv6(ctx, c);
	default: return fa_dec_fail(ctx, FA_DR_IP_VERSION);
	}
}

enum fa_dec_result fa_dec_ipv4(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	struct fa_pkt *out = ctx->out;
	uint8_t vhl, proto;
	uint16_t totlen, id, frag;
	size_t hlen, avail;
	const uint8_t *h;
	struct fa_cursor l4;

	if (!fa_cur_has(c, IPV4_MIN_HLEN))
		return fa_dec_fail(ctx, FA_DR_TRUNC_IPV4);
	if (!fa_cur_peek_u8(c, 0, &vhl) || !fa_cur_peek_be16(c, 2, &totlen) ||
	    !fa_cur_peek_be16(c, 4, &id) || !fa_cur_peek_be16(c, 6, &frag) ||
	    !fa_cur_peek_u8(c, 9, &proto))
		return fa_dec_fail(ctx, FA_DR_TRUNC_IPV4);
	if (vhl >> 4 != 4)
		return fa_dec_fail(ctx, FA_DR_IP_VERSION);
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (hlen < IPV4_MIN_HLEN)
		return fa_dec_fail(ctx, FA_DR_IPV4_HLEN);
	if (totlen < hlen)
		return fa_dec_fail(ctx, FA_DR_IPV4_TOTLEN);
	if (!fa_cur_has(c, hlen))
		return fa_dec_fail(ctx, FA_DR_TRUNC_IPV4);

	/* Link padding (Ethernet's 60-byte minimum) is not part of the packet. */
	avail = fa_cur_left(c);
	if (avail > totlen)
		avail = totlen;
	h = fa_cur_ptr(c);
	fa_dec_reset_l4(out);
	addr_v4(&out->src, h + 12);
	addr_v4(&out->dst, h + 16);
	out->l3 = h;
	out->l3_len = (uint32_t)avail;
	out->ip_len = totlen;
	out->l4proto = proto;

	if (frag & (IPV4_MF | IPV4_OFFSET_MASK)) {
		struct fa_frag f = {
		    .ver = 4,
		    .src = out->src,
		    .dst = out->dst,
		    .id = id,
		    .proto = proto,
		    .offset = (uint32_t)(frag & IPV4_OFFSET_MASK) * 8,
		    .more = (frag & IPV4_MF) != 0,
		    .hdr = h,
		    .hdr_len = (uint32_t)hlen,
		    .data = h + hlen,
		    .data_len = (uint32_t)(totlen - hlen),
		};
		if (avail < totlen)
			return fa_dec_fail(ctx, FA_DR_TRUNC_IPV4);
		return fa_defrag_add(ctx, &f);
	}

	l4 = fa_cur_init(h + hlen, avail - hlen);
	return fa_dec_l4(ctx, proto, &l4);
}
