/* decode_frames.h - a tiny frame writer for the decoder tests: appends
 * headers byte by byte as the RFCs lay them out, patches length fields at
 * the end, and records where each header ends and which truncation reason a
 * frame cut before that point must give. It shares no code with the
 * decoder; one frame it writes is checked against hand-typed bytes in
 * test_decode_link.c. */
#ifndef DECODE_FRAMES_H
#define DECODE_FRAMES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/decode.h"

#define FB_MAX 4096
#define FB_MAX_MARKS 48
#define FB_MAX_FIX 16

enum fb_fix_kind { FIX_V4_TOTLEN, FIX_V6_PLEN, FIX_UDP_LEN, FIX_PPPOE_LEN };

struct fb {
	uint8_t b[FB_MAX];
	size_t len;
	/* A frame cut to fewer than mark[i].end bytes (and at least the
	 * previous mark's end) must fail with mark[i].reason. */
	struct {
		size_t end;
		enum fa_dec_reason reason;
	} mark[FB_MAX_MARKS];
	unsigned nmark;
	struct {
		size_t pos, start;
		enum fb_fix_kind kind;
	} fix[FB_MAX_FIX];
	unsigned nfix;
	size_t l3_off;      /* innermost IP header */
	size_t pl_off;      /* innermost L4 payload */
	size_t content_end; /* end of the innermost packet (before padding) */
	size_t quote_end;   /* ICMP error: the quote is whole from here; 0 = none */
};

static const uint8_t FB_V4_A[4] = {192, 0, 2, 1};
static const uint8_t FB_V4_B[4] = {198, 51, 100, 2};
static const uint8_t FB_V4_C[4] = {10, 0, 0, 1};
static const uint8_t FB_V4_D[4] = {10, 0, 0, 2};
static const uint8_t FB_V6_A[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t FB_V6_B[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t FB_V6_C[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t FB_V6_D[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static inline void fb_init(struct fb *f)
{
	memset(f, 0, sizeof(*f));
}

static inline void fb_u8(struct fb *f, uint8_t v)
{
	if (f->len < FB_MAX)
		f->b[f->len++] = v;
}

static inline void fb_be16(struct fb *f, uint16_t v)
{
	fb_u8(f, (uint8_t)(v >> 8));
	fb_u8(f, (uint8_t)v);
}

static inline void fb_be32(struct fb *f, uint32_t v)
{
	fb_be16(f, (uint16_t)(v >> 16));
	fb_be16(f, (uint16_t)v);
}

static inline void fb_bytes(struct fb *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fb_u8(f, p[i]);
}

static inline void fb_fill(struct fb *f, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fb_u8(f, v);
}

/* Frames cut before `end` bytes fail with `reason`. */
static inline void fb_mark_at(struct fb *f, size_t end, enum fa_dec_reason reason)
{
	if (f->nmark < FB_MAX_MARKS) {
		f->mark[f->nmark].end = end;
		f->mark[f->nmark].reason = reason;
		f->nmark++;
	}
}

static inline void fb_mark(struct fb *f, enum fa_dec_reason reason)
{
	fb_mark_at(f, f->len, reason);
}

static inline void fb_fixup(struct fb *f, size_t pos, size_t start, enum fb_fix_kind kind)
{
	if (f->nfix < FB_MAX_FIX) {
		f->fix[f->nfix].pos = pos;
		f->fix[f->nfix].start = start;
		f->fix[f->nfix].kind = kind;
		f->nfix++;
	}
}

/* --- link layers --- */

static inline void fb_eth(struct fb *f, uint16_t type)
{
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x02};
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
	fb_bytes(f, dst, 6);
	fb_bytes(f, src, 6);
	fb_be16(f, type);
	fb_mark(f, FA_DR_TRUNC_LINK);
}

static inline void fb_vlan(struct fb *f, uint16_t tci, uint16_t next_type)
{
	fb_be16(f, tci);
	fb_be16(f, next_type);
	fb_mark(f, FA_DR_TRUNC_VLAN);
}

/* MPLS entry: label(20) TC(3) S(1) TTL(8). After the bottom entry the
 * decoder peeks at one more byte, so a cut right after it is still MPLS. */
static inline void fb_mpls(struct fb *f, uint32_t label, int bos)
{
	fb_be32(f, (label << 12) | (bos ? 0x100u : 0u) | 64u);
	fb_mark_at(f, f->len + (bos ? 1 : 0), FA_DR_TRUNC_MPLS);
}

static inline void fb_pw_control_word(struct fb *f)
{
	fb_be32(f, 0x00000001); /* sequence number 1 */
	fb_mark(f, FA_DR_TRUNC_MPLS);
}

/* PPPoE header (RFC 2516 section 5) and the PPP protocol field. */
static inline void fb_pppoe(struct fb *f, uint16_t ppp_proto)
{
	size_t start = f->len;
	fb_u8(f, 0x11);
	fb_u8(f, 0x00);
	fb_be16(f, 0x1234);
	fb_fixup(f, f->len, start, FIX_PPPOE_LEN);
	fb_be16(f, 0);
	fb_mark(f, FA_DR_TRUNC_PPPOE);
	fb_be16(f, ppp_proto);
	fb_mark(f, FA_DR_TRUNC_PPPOE);
}

/* --- IP --- */

static inline void fb_ipv4_full(struct fb *f, const uint8_t src[4], const uint8_t dst[4],
                                uint8_t proto, size_t opt_len, uint16_t id, uint16_t frag)
{
	size_t start = f->len;
	fb_u8(f, (uint8_t)(0x40 | ((20 + opt_len) / 4)));
	fb_u8(f, 0);
	fb_fixup(f, f->len, start, FIX_V4_TOTLEN);
	fb_be16(f, 0);
	fb_be16(f, id);
	fb_be16(f, frag);
	fb_u8(f, 64);
	fb_u8(f, proto);
	fb_be16(f, 0); /* checksum: the decoder does not verify it */
	fb_bytes(f, src, 4);
	fb_bytes(f, dst, 4);
	/* Options: NOP padding, then a Router Alert (RFC 2113) when room. */
	if (opt_len >= 4) {
		fb_u8(f, 0x94);
		fb_u8(f, 4);
		fb_be16(f, 0);
		fb_fill(f, 0x01, opt_len - 4);
	} else {
		fb_fill(f, 0x01, opt_len);
	}
	f->l3_off = start;
	fb_mark(f, FA_DR_TRUNC_IPV4);
}

static inline void fb_ipv4(struct fb *f, const uint8_t src[4], const uint8_t dst[4], uint8_t proto)
{
	fb_ipv4_full(f, src, dst, proto, 0, 0x4242, 0x4000);
}

static inline void fb_ipv6(struct fb *f, const uint8_t src[16], const uint8_t dst[16], uint8_t nh)
{
	size_t start = f->len;
	fb_be32(f, 0x60000000);
	fb_fixup(f, f->len, start, FIX_V6_PLEN);
	fb_be16(f, 0);
	fb_u8(f, nh);
	fb_u8(f, 64);
	fb_bytes(f, src, 16);
	fb_bytes(f, dst, 16);
	f->l3_off = start;
	fb_mark(f, FA_DR_TRUNC_IPV6);
}

/* Hop-by-hop, routing or destination options: `units` 8-byte units beyond
 * the first, filled with Pad1 options (or routing type 0 fields). */
static inline void fb_ip6_ext(struct fb *f, uint8_t nh, uint8_t units)
{
	fb_u8(f, nh);
	fb_u8(f, units);
	fb_fill(f, 0, 6 + (size_t)units * 8);
	fb_mark(f, FA_DR_IPV6_EXTHDR);
}

/* AH (RFC 4302): 12 fixed bytes and a 12-byte ICV = 24 bytes, length 4. */
static inline void fb_ip6_ah(struct fb *f, uint8_t nh)
{
	fb_u8(f, nh);
	fb_u8(f, 4);
	fb_be16(f, 0);
	fb_be32(f, 0x1000); /* SPI */
	fb_be32(f, 1);      /* sequence */
	fb_fill(f, 0xaa, 12);
	fb_mark(f, FA_DR_IPV6_EXTHDR);
}

static inline void fb_ip6_frag(struct fb *f, uint8_t nh, uint16_t offset, int more, uint32_t id)
{
	fb_u8(f, nh);
	fb_u8(f, 0);
	fb_be16(f, (uint16_t)((offset & 0xfff8) | (more ? 1 : 0)));
	fb_be32(f, id);
	fb_mark(f, FA_DR_IPV6_EXTHDR);
}

/* --- transport --- */

static inline void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags,
                          size_t opt_len)
{
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_be32(f, 1000); /* seq */
	fb_be32(f, 0);    /* ack */
	fb_u8(f, (uint8_t)(((20 + opt_len) / 4) << 4));
	fb_u8(f, flags);
	fb_be16(f, 65535);
	fb_be16(f, 0);
	fb_be16(f, 0);
	/* MSS option then NOPs */
	if (opt_len >= 4) {
		fb_u8(f, 2);
		fb_u8(f, 4);
		fb_be16(f, 1460);
		fb_fill(f, 0x01, opt_len - 4);
	} else {
		fb_fill(f, 0x01, opt_len);
	}
	fb_mark(f, FA_DR_TRUNC_TCP);
	f->pl_off = f->len;
}

static inline void fb_udp(struct fb *f, uint16_t sport, uint16_t dport)
{
	size_t start = f->len;
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_fixup(f, f->len, start, FIX_UDP_LEN);
	fb_be16(f, 0);
	fb_be16(f, 0);
	fb_mark(f, FA_DR_TRUNC_UDP);
	f->pl_off = f->len;
}

static inline void fb_sctp(struct fb *f, uint16_t sport, uint16_t dport)
{
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_be32(f, 0xdeadbeef); /* verification tag */
	fb_be32(f, 0);          /* CRC32c */
	fb_mark(f, FA_DR_TRUNC_SCTP);
	f->pl_off = f->len;
}

/* ICMP / ICMPv6: type, code, checksum, 4 type-specific bytes. */
static inline void fb_icmp(struct fb *f, uint8_t type, uint8_t code)
{
	fb_u8(f, type);
	fb_u8(f, code);
	fb_be16(f, 0);
	fb_be32(f, 0x00010002); /* echo: id 1, seq 2; errors: unused/MTU */
	fb_mark(f, FA_DR_TRUNC_ICMP);
	f->pl_off = f->len;
}

/* The packet an ICMP error quotes: an IPv4 header with its own (original)
 * total length, then the first 8 bytes of its transport header. */
static inline void fb_quote_v4(struct fb *f, const uint8_t src[4], const uint8_t dst[4],
                               uint8_t proto, uint16_t sport, uint16_t dport)
{
	fb_u8(f, 0x45);
	fb_u8(f, 0);
	fb_be16(f, 1500);
	fb_be16(f, 7);
	fb_be16(f, 0);
	fb_u8(f, 1);
	fb_u8(f, proto);
	fb_be16(f, 0);
	fb_bytes(f, src, 4);
	fb_bytes(f, dst, 4);
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_be32(f, 0x00580000);
	f->quote_end = f->len;
}

static inline void fb_quote_v6(struct fb *f, const uint8_t src[16], const uint8_t dst[16],
                               uint8_t proto, uint16_t sport, uint16_t dport)
{
	fb_be32(f, 0x60000000);
	fb_be16(f, 1400);
	fb_u8(f, proto);
	fb_u8(f, 1);
	fb_bytes(f, src, 16);
	fb_bytes(f, dst, 16);
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_be32(f, 0x05780000);
	f->quote_end = f->len;
}

/* --- tunnels --- */

#define FB_GRE_C 0x8000
#define FB_GRE_K 0x2000
#define FB_GRE_S 0x1000

static inline void fb_gre(struct fb *f, uint16_t flags, uint16_t proto)
{
	fb_be16(f, flags);
	fb_be16(f, proto);
	if (flags & FB_GRE_C)
		fb_be32(f, 0); /* checksum + reserved1 */
	if (flags & FB_GRE_K)
		fb_be32(f, 0x00000abc); /* key */
	if (flags & FB_GRE_S)
		fb_be32(f, 77); /* sequence */
	fb_mark(f, FA_DR_TRUNC_GRE);
}

/* ERSPAN type II: Ver=1, VLAN, COS/En/T, mirror id 0x55; reserved, index. */
static inline void fb_erspan2(struct fb *f)
{
	fb_be16(f, 0x1000 | 100);
	fb_be16(f, 0x0055);
	fb_be32(f, 0x00000007);
	fb_mark(f, FA_DR_TRUNC_ERSPAN);
}

/* ERSPAN type III: Ver=2, then timestamp, SGT, P/FT/HW ID/D/Gra/O. */
static inline void fb_erspan3(struct fb *f, int with_subheader)
{
	fb_be16(f, 0x2000 | 100);
	fb_be16(f, 0x0055);
	fb_be32(f, 0x12345678);
	fb_be16(f, 0x0000);
	fb_be16(f, (uint16_t)(0x0006 | (with_subheader ? 1 : 0))); /* FT 0 = Ethernet */
	if (with_subheader)
		fb_fill(f, 0xcc, 8);
	fb_mark(f, FA_DR_TRUNC_ERSPAN);
}

static inline void fb_vxlan(struct fb *f, uint32_t vni)
{
	fb_be32(f, 0x08000000);
	fb_be32(f, vni << 8);
	fb_mark(f, FA_DR_TRUNC_VXLAN);
}

/* --- finishing --- */

/* Patches every length field to the end of the content written so far. */
static inline void fb_finish(struct fb *f)
{
	size_t end = f->len;

	for (unsigned i = 0; i < f->nfix; i++) {
		size_t v = end - f->fix[i].start;
		if (f->fix[i].kind == FIX_V6_PLEN)
			v -= 40;
		else if (f->fix[i].kind == FIX_PPPOE_LEN)
			v -= 6;
		f->b[f->fix[i].pos] = (uint8_t)(v >> 8);
		f->b[f->fix[i].pos + 1] = (uint8_t)v;
	}
	f->content_end = end;
}

/* Link-layer padding after the packet (Ethernet's 60-byte minimum). */
static inline void fb_pad_to(struct fb *f, size_t min_len)
{
	while (f->len < min_len)
		fb_u8(f, 0);
}

/* --- checking --- */

static inline bool fb_addr_is(const struct fa_addr *a, const uint8_t *b, unsigned ver)
{
	return a->ver == ver && memcmp(a->b, b, ver == 4 ? 4 : 16) == 0;
}

static inline size_t fb_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* With FA_DECODE_DUMP=<file>, appends "<linktype> <hex>" lines, so the
 * frames can be read by an independent dissector (tshark, scapy) when the
 * writer changes. */
static inline void fb_dump(const struct fb *f, int linktype)
{
	const char *path = getenv("FA_DECODE_DUMP");
	FILE *out;

	if (!path || !(out = fopen(path, "a")))
		return;
	fprintf(out, "%d ", linktype);
	for (size_t i = 0; i < f->len; i++)
		fprintf(out, "%02x", f->b[i]);
	fputc('\n', out);
	fclose(out);
}

#define FB_EXPECT(cond, L)                                                                         \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg("frame cut to %zu bytes: %s", (size_t)(L), #cond);                \
	} while (0)

/* Decodes the frame cut to every length from 0 to whole, each cut copied
 * to a heap block of exactly that size (so a sanitizer or valgrind sees any
 * read past it). Before the last mark each cut must fail with the reason
 * the marks give; from there on it must be the same packet as the whole
 * frame, with l3/payload lengths that follow the cut. */
static inline void fb_check_cuts(const struct fb *f, int linktype)
{
	struct fa_decoder *dec = NULL;
	struct fa_pkt full, p;
	size_t content_end = f->content_end ? f->content_end : f->len;

	fb_dump(f, linktype);
	assert_int_equal(fa_decoder_new(&dec, NULL), 0);
	assert_int_equal(
	    fa_decode(dec, linktype, f->b, (uint32_t)f->len, (uint32_t)f->len, 1, &full),
	    FA_DEC_PACKET);
	for (size_t L = 0; L <= f->len; L++) {
		uint8_t *buf = malloc(L ? L : 1);
		enum fa_dec_reason want = FA_DR_NONE;
		enum fa_dec_result r;

		assert_non_null(buf);
		memcpy(buf, f->b, L);
		r = fa_decode(dec, linktype, buf, (uint32_t)L, (uint32_t)f->len, 1, &p);
		for (unsigned i = 0; i < f->nmark; i++) {
			if (L < f->mark[i].end) {
				want = f->mark[i].reason;
				break;
			}
		}
		if (want != FA_DR_NONE) {
			FB_EXPECT(r == FA_DEC_ERROR, L);
			if (p.error != want)
				fail_msg("frame cut to %zu bytes: reason %s, expected %s", L,
				         fa_dec_reason_name(p.error), fa_dec_reason_name(want));
		} else {
			size_t end = fb_min(L, content_end);
			FB_EXPECT(r == FA_DEC_PACKET, L);
			FB_EXPECT(memcmp(&p.src, &full.src, sizeof(p.src)) == 0, L);
			FB_EXPECT(memcmp(&p.dst, &full.dst, sizeof(p.dst)) == 0, L);
			FB_EXPECT(p.sport == full.sport && p.dport == full.dport, L);
			FB_EXPECT(p.l4proto == full.l4proto && p.tcp_flags == full.tcp_flags, L);
			FB_EXPECT(p.tunnel == full.tunnel && p.nvlan == full.nvlan, L);
			FB_EXPECT(memcmp(p.vlan, full.vlan, sizeof(p.vlan)) == 0, L);
			FB_EXPECT(p.icmp_type == full.icmp_type && p.icmp_code == full.icmp_code,
			          L);
			FB_EXPECT(p.ip_len == full.ip_len, L);
			FB_EXPECT(p.l3 == buf + f->l3_off, L);
			FB_EXPECT(p.l3_len == end - f->l3_off, L);
			if (full.payload) {
				FB_EXPECT(p.payload == buf + f->pl_off, L);
				FB_EXPECT(p.payload_len == end - f->pl_off, L);
			} else {
				FB_EXPECT(p.payload_len == 0, L);
			}
			FB_EXPECT(p.icmp_error == (f->quote_end && L >= f->quote_end), L);
			FB_EXPECT(p.wire_len == f->len, L);
		}
		free(buf);
	}
	fa_decoder_free(&dec);
	assert_null(dec);
}

/* Decodes one whole frame with a fresh decoder. */
static inline enum fa_dec_result fb_decode(const struct fb *f, int linktype, struct fa_pkt *p)
{
	struct fa_decoder *dec = NULL;
	enum fa_dec_result r;

	assert_int_equal(fa_decoder_new(&dec, NULL), 0);
	r = fa_decode(dec, linktype, f->b, (uint32_t)f->len, (uint32_t)f->len, 1, p);
	fa_decoder_free(&dec);
	return r;
}

#endif
