/* decode_ipv6.c - IPv6 (RFC 8200): fixed header, payload length, the
 * extension header chain (hop-by-hop, routing, destination options,
 * fragment; AH per RFC 4302), fragments to the reassembler.
 *
 * Fewer than 40 bytes captured is truncated-ipv6; a chain that runs past
 * the captured data is ipv6-extension-header. The walk stops at ESP (50,
 * nothing after it is readable) and at no-next-header (59). */
#include "decode_int.h"

#define IPV6_HDR_LEN 40
#define IP6_HOPOPTS 0
#define IP6_ROUTING 43
#define IP6_FRAGMENT 44
#define IP6_AH 51
#define IP6_DSTOPTS 60
#define IP6_FRAG_HDR_LEN 8

bool fa_ip6_walk(const struct fa_cursor *c, struct fa_ip6_chain *ch)
{
	struct fa_cursor w = *c;
	const size_t base = c->off; /* offsets below are relative to the IPv6 header */
	uint8_t nh, len;
	uint16_t offlg;
	size_t nh_off = 6; /* the fixed header's next-header byte */
	size_t ext_len;

	*ch = (struct fa_ip6_chain){0};
	if (!fa_cur_peek_u8(&w, 6, &nh) || !fa_cur_skip(&w, IPV6_HDR_LEN))
		return false;
	for (;;) {
		switch (nh) {
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
		case IP6_AH:
			if (!fa_cur_peek_u8(&w, 1, &len))
				return false;
			/* AH counts 4-byte units minus 2 (RFC 4302 section 2.2);
			 * the others 8-byte units beyond the first. */
			ext_len = nh == IP6_AH ? ((size_t)len + 2) * 4 : ((size_t)len + 1) * 8;
			nh_off = w.off - base;
			if (!fa_cur_peek_u8(&w, 0, &nh) || !fa_cur_skip(&w, ext_len))
				return false;
			break;
		case IP6_FRAGMENT:
			if (!fa_cur_peek_be16(&w, 2, &offlg) || !fa_cur_has(&w, IP6_FRAG_HDR_LEN))
				return false;
			if (offlg & 0xfff9) {
				ch->frag = true;
				ch->frag_hdr_off = w.off - base;
				ch->nh_off = nh_off;
				ch->frag_offset = (uint32_t)(offlg & 0xfff8);
				ch->frag_more = (offlg & 1) != 0;
				if (!fa_cur_peek_u8(&w, 0, &ch->proto) ||
				    !fa_cur_peek_be32(&w, 4, &ch->frag_id))
					return false;
				fa_cur_skip(&w, IP6_FRAG_HDR_LEN);
				ch->l4_off = w.off - base;
				return true;
			}
			/* An atomic fragment (offset 0, M clear; RFC 6946) is
			 * a whole packet: step over its header. */
			nh_off = w.off - base;
			if (!fa_cur_peek_u8(&w, 0, &nh))
				return false;
			fa_cur_skip(&w, IP6_FRAG_HDR_LEN);
			break;
		default:
			ch->proto = nh;
			ch->l4_off = w.off - base;
			return true;
		}
	}
}

static void addr_v6(struct fa_addr *a, const uint8_t *p)
{
	*a = (struct fa_addr){.ver = 6};
	for (int i = 0; i < 16; i++)
		a->b[i] = p[i];
}

enum fa_dec_result fa_dec_ipv6(struct fa_dec_ctx *ctx, struct fa_cursor *c)
{
	struct fa_pkt *out = ctx->out;
	struct fa_ip6_chain ch;
	struct fa_cursor pkt, l4;
	uint8_t first;
	uint16_t plen;
	size_t avail;
	const uint8_t *h;

	if (!fa_cur_has(c, IPV6_HDR_LEN) || !fa_cur_peek_u8(c, 0, &first) ||
	    !fa_cur_peek_be16(c, 4, &plen))
		return fa_dec_fail(ctx, FA_DR_TRUNC_IPV6);
	if (first >> 4 != 6)
		return fa_dec_fail(ctx, FA_DR_IP_VERSION);
	avail = fa_cur_left(c);
	if (avail > (size_t)IPV6_HDR_LEN + plen)
		avail = (size_t)IPV6_HDR_LEN + plen;
	h = fa_cur_ptr(c);
	fa_dec_reset_l4(out);
	addr_v6(&out->src, h + 8);
	addr_v6(&out->dst, h + 24);
	out->l3 = h;
	out->l3_len = (uint32_t)avail;
	out->ip_len = (uint32_t)IPV6_HDR_LEN + plen;

	pkt = fa_cur_init(h, avail);
	if (!fa_ip6_walk(&pkt, &ch))
		return fa_dec_fail(ctx, FA_DR_IPV6_EXTHDR);
	out->l4proto = ch.proto;

	if (ch.frag) {
		size_t end = (size_t)IPV6_HDR_LEN + plen;
		struct fa_frag f = {
		    .ver = 6,
		    .src = out->src,
		    .dst = out->dst,
		    .id = ch.frag_id,
		    .proto = ch.proto,
		    .offset = ch.frag_offset,
		    .more = ch.frag_more,
		    .hdr = h,
		    .hdr_len = (uint32_t)ch.frag_hdr_off,
		    .nh_off = (uint32_t)ch.nh_off,
		    .data = h + ch.l4_off,
		    .data_len = (uint32_t)(end - ch.l4_off),
		};
		/* The chain fits in avail, so end >= l4_off; a capture cut
		 * inside the data leaves nothing we can reassemble. */
		if (avail < end)
			return fa_dec_fail(ctx, FA_DR_TRUNC_IPV6);
		return fa_defrag_add(ctx, &f);
	}

	l4 = fa_cur_init(h + ch.l4_off, avail - ch.l4_off);
	return fa_dec_l4(ctx, ch.proto, &l4);
}
