/* decode_icmp.c - the packet quoted by an ICMP error (RFC 792: IP header
 * plus the first 64 bits of its data; RFC 4443 section 2.4: as much of the
 * invoking packet as fits), read for its 5-tuple so the flow stage can
 * charge the error to the flow that caused it.
 *
 * Quotes are often cut, so nothing here is an error: a quote without a
 * whole IP header and 8 bytes of transport header, or one quoting a
 * non-first fragment (no transport header), leaves icmp_error false. */
#include "decode_int.h"

#define QUOTE_L4_LEN 8
#define IPV4_MIN_HLEN 20

static bool has_ports(uint8_t proto)
{
	return proto == FA_L4_TCP || proto == FA_L4_UDP || proto == FA_L4_SCTP;
}

static void quote_v4(struct fa_pkt *out, struct fa_cursor *c)
{
	uint8_t vhl, proto;
	uint16_t frag;
	size_t hlen;
	const uint8_t *h = fa_cur_ptr(c);

	if (!fa_cur_peek_u8(c, 0, &vhl) || vhl >> 4 != 4)
		return;
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (hlen < IPV4_MIN_HLEN || !fa_cur_peek_be16(c, 6, &frag) ||
	    !fa_cur_peek_u8(c, 9, &proto) || !fa_cur_has(c, hlen + QUOTE_L4_LEN))
		return;
	if (frag & 0x1fff)
		return;
	out->quoted_src = (struct fa_addr){.ver = 4};
	out->quoted_dst = (struct fa_addr){.ver = 4};
	for (int i = 0; i < 4; i++) {
		out->quoted_src.b[i] = h[12 + i];
		out->quoted_dst.b[i] = h[16 + i];
	}
	out->quoted_l4proto = proto;
	fa_cur_skip(c, hlen);
}

static void quote_v6(struct fa_pkt *out, struct fa_cursor *c)
{
	struct fa_ip6_chain ch;
	uint8_t first;
	const uint8_t *h = fa_cur_ptr(c);

	if (!fa_cur_peek_u8(c, 0, &first) || first >> 4 != 6 || !fa_ip6_walk(c, &ch))
		return;
	if (ch.frag && ch.frag_offset != 0)
		return;
	if (!fa_cur_has(c, ch.l4_off + QUOTE_L4_LEN))
		return;
	out->quoted_src = (struct fa_addr){.ver = 6};
	out->quoted_dst = (struct fa_addr){.ver = 6};
	for (int i = 0; i < 16; i++) {
		out->quoted_src.b[i] = h[8 + i];
		out->quoted_dst.b[i] = h[24 + i];
	}
	out->quoted_l4proto = ch.proto;
	fa_cur_skip(c, ch.l4_off);
}

void fa_dec_icmp_quote(struct fa_pkt *out, uint8_t ip_version, struct fa_cursor c)
{
	uint16_t sport = 0, dport = 0;

	if (ip_version == 4)
		quote_v4(out, &c);
	else
		quote_v6(out, &c);
	if (out->quoted_l4proto == 0 && out->quoted_src.ver == 0)
		return;
	if (has_ports(out->quoted_l4proto) &&
	    (!fa_cur_peek_be16(&c, 0, &sport) || !fa_cur_peek_be16(&c, 2, &dport)))
		return;
	out->quoted_sport = sport;
	out->quoted_dport = dport;
	out->icmp_error = true;
}
