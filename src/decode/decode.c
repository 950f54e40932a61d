/* decode.c - the decoder handle: link-type dispatch, outcome counting, names. */
#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"
#include "decode_int.h"

int fa_decoder_new(struct fa_decoder **out, const struct fa_decoder_opts *opts)
{
	struct fa_decoder *dec;

	if (!out)
		return FA_ERR_USAGE;
	*out = NULL;
	dec = calloc(1, sizeof(*dec));
	if (!dec)
		return FA_ERR_NOMEM;
	if (opts)
		dec->opts = *opts;
	if (fa_defrag_new(&dec->defrag, &dec->opts) != FA_OK)
		goto fail;
	*out = dec;
	return FA_OK;
fail:
	fa_decoder_free(&dec);
	return FA_ERR_NOMEM;
}

void fa_decoder_free(struct fa_decoder **dec)
{
	if (!dec || !*dec)
		return;
	fa_defrag_free(&(*dec)->defrag);
	free(*dec);
	*dec = NULL;
}

const struct fa_decode_stats *fa_decoder_stats(const struct fa_decoder *dec)
{
	return dec ? &dec->stats : NULL;
}

bool fa_decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case FA_LINK_NULL:
	case FA_LINK_EN10MB:
	case FA_LINK_RAW:
	case FA_LINK_RAW_ALT:
	case FA_LINK_LOOP:
	case FA_LINK_LINUX_SLL:
	case FA_LINK_LINUX_SLL2:
	case FA_LINK_IPV4:
	case FA_LINK_IPV6: return true;
	default: return false;
	}
}

bool fa_dec_enter_tunnel(struct fa_dec_ctx *ctx, enum fa_tunnel t)
{
	if (ctx->depth >= FA_MAX_TUNNEL_DEPTH) {
		fa_dec_fail(ctx, FA_DR_TUNNEL_DEPTH);
		return false;
	}
	ctx->depth++;
	if (ctx->out->tunnel == FA_TUN_NONE)
		ctx->out->tunnel = (uint8_t)t;
	return true;
}

bool fa_dec_push_vlan(struct fa_dec_ctx *ctx, uint16_t vid)
{
	if (ctx->out->nvlan >= FA_MAX_VLANS) {
		fa_dec_fail(ctx, FA_DR_TOO_MANY_VLANS);
		return false;
	}
	ctx->out->vlan[ctx->out->nvlan++] = vid;
	return true;
}

void fa_dec_reset_l4(struct fa_pkt *out)
{
	out->l4proto = 0;
	out->tcp_flags = 0;
	out->sport = out->dport = 0;
	out->icmp_type = out->icmp_code = 0;
	out->icmp_error = false;
	out->quoted_l4proto = 0;
	memset(&out->quoted_src, 0, sizeof(out->quoted_src));
	memset(&out->quoted_dst, 0, sizeof(out->quoted_dst));
	out->quoted_sport = out->quoted_dport = 0;
	out->payload = NULL;
	out->payload_len = 0;
}

static enum fa_dec_result decode_link(struct fa_dec_ctx *ctx, int linktype, struct fa_cursor *c)
{
	switch (linktype) {
	case FA_LINK_EN10MB: return fa_dec_ether(ctx, c);
	case FA_LINK_LINUX_SLL: return fa_dec_sll(ctx, c);
	case FA_LINK_LINUX_SLL2: return fa_dec_sll2(ctx, c);
	case FA_LINK_NULL: return fa_dec_null(ctx, c, false);
	case FA_LINK_LOOP: return fa_dec_null(ctx, c, true);
	case FA_LINK_RAW:
	case FA_LINK_RAW_ALT:
		/* Without one byte there is no version to say which IP it is. */
		if (!fa_cur_has(c, 1))
			return fa_dec_fail(ctx, FA_DR_TRUNC_LINK);
		return fa_dec_ip(ctx, c);
	case FA_LINK_IPV4: return fa_dec_ipv4(ctx, c);
	case FA_LINK_IPV6: return fa_dec_ipv6(ctx, c);
	default: return fa_dec_fail(ctx, FA_DR_LINKTYPE);
	}
}

enum fa_dec_result fa_decode(struct fa_decoder *dec, int linktype, const uint8_t *frame,
                             uint32_t caplen, uint32_t wire_len, uint64_t ts_us, struct fa_pkt *out)
{
	struct fa_dec_ctx ctx = {dec, out, 0, 0};
	struct fa_cursor c = fa_cur_init(frame, frame ? caplen : 0);
	enum fa_dec_result r;

	memset(out, 0, sizeof(*out));
	out->ts_us = ts_us;
	out->wire_len = wire_len;
	dec->stats.frames++;
	/* Expire first, so a late fragment cannot revive a timed-out datagram. */
	fa_defrag_expire(dec->defrag, ts_us, &dec->stats);

	r = decode_link(&ctx, linktype, &c);
	switch (r) {
	case FA_DEC_PACKET: dec->stats.packets++; break;
	case FA_DEC_NOT_IP: dec->stats.not_ip++; break;
	case FA_DEC_HELD: break; /* counted as a fragment by the reassembler */
	case FA_DEC_ERROR:
		if (out->error <= FA_DR_NONE || out->error >= FA_DR__COUNT)
			out->error = FA_DR_NONE;
		dec->stats.errors[out->error]++;
		break;
	}
	return r;
}

const char *fa_tunnel_name(enum fa_tunnel t)
{
	switch (t) {
	case FA_TUN_NONE: return "none";
	case FA_TUN_GRE: return "gre";
	case FA_TUN_ERSPAN2: return "erspan2";
	case FA_TUN_ERSPAN3: return "erspan3";
	case FA_TUN_VXLAN: return "vxlan";
	case FA_TUN_IPIP: return "ipip";
	}
	return "unknown";
}

const char *fa_dec_reason_name(enum fa_dec_reason r)
{
	switch (r) {
	case FA_DR_NONE: return "none";
	case FA_DR_LINKTYPE: return "unsupported-linktype";
	case FA_DR_TRUNC_LINK: return "truncated-link";
	case FA_DR_TRUNC_VLAN: return "truncated-vlan";
	case FA_DR_TOO_MANY_VLANS: return "too-many-vlans";
	case FA_DR_TRUNC_MPLS: return "truncated-mpls";
	case FA_DR_MPLS_PAYLOAD: return "mpls-payload";
	case FA_DR_TRUNC_PPPOE: return "truncated-pppoe";
	case FA_DR_PPPOE_PROTO: return "pppoe-protocol";
	case FA_DR_TRUNC_IPV4: return "truncated-ipv4";
	case FA_DR_IPV4_HLEN: return "ipv4-header-length";
	case FA_DR_IPV4_TOTLEN: return "ipv4-total-length";
	case FA_DR_TRUNC_IPV6: return "truncated-ipv6";
	case FA_DR_IPV6_EXTHDR: return "ipv6-extension-header";
	case FA_DR_IP_VERSION: return "ip-version";
	case FA_DR_TRUNC_TCP: return "truncated-tcp";
	case FA_DR_TCP_HLEN: return "tcp-header-length";
	case FA_DR_TRUNC_UDP: return "truncated-udp";
	case FA_DR_UDP_LEN: return "udp-length";
	case FA_DR_TRUNC_SCTP: return "truncated-sctp";
	case FA_DR_TRUNC_ICMP: return "truncated-icmp";
	case FA_DR_TRUNC_GRE: return "truncated-gre";
	case FA_DR_GRE_VERSION: return "gre-version";
	case FA_DR_TRUNC_ERSPAN: return "truncated-erspan";
	case FA_DR_TRUNC_VXLAN: return "truncated-vxlan";
	case FA_DR_TUNNEL_DEPTH: return "tunnel-depth";
	case FA_DR_FRAG_OVERLAP: return "fragment-overlap";
	case FA_DR_FRAG_TOO_BIG: return "fragment-too-big";
	case FA_DR_FRAG_TABLE_FULL: return "fragment-table-full";
	case FA_DR_FRAG_TIMEOUT: return "fragment-timeout";
	case FA_DR_FRAG_BAD: return "fragment-bad";
	case FA_DR__COUNT: break;
	}
	return "unknown";
}
