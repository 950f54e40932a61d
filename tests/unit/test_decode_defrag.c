/* test_decode_defrag.c - IPv4 and IPv6 reassembly: order, duplicates,
 * overlaps, timeout, table and byte bounds, oversize and impossible
 * fragments, fragments inside a tunnel. Reassembled packets are compared
 * byte for byte with the datagram before it was cut up. */
#include "decode_frames.h"

#define DNS_LEN 3000
#define TS0 1000000000ULL

struct rig {
	struct fa_decoder *dec;
	struct fa_pkt p;
	uint8_t buf[FB_MAX];
};

static void rig_open(struct rig *r, const struct fa_decoder_opts *opts)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(fa_decoder_new(&r->dec, opts), 0);
}

static void rig_close(struct rig *r)
{
	fa_decoder_free(&r->dec);
}

static const struct fa_decode_stats *st(const struct rig *r)
{
	return fa_decoder_stats(r->dec);
}

/* A UDP datagram from port 53 whose payload looks like a long DNS answer:
 * a header claiming answers, then bytes that differ at every offset. */
static void build_dns_v4(struct fb *f, uint16_t id, size_t payload_len)
{
	fb_init(f);
	fb_ipv4_full(f, FB_V4_A, FB_V4_B, FA_L4_UDP, 0, id, 0);
	fb_udp(f, 53, 40000);
	fb_be16(f, 0xbeef); /* DNS id */
	fb_be16(f, 0x8180); /* response, no error */
	fb_be16(f, 1);
	fb_be16(f, 60);
	fb_be32(f, 0);
	for (size_t i = 12; i < payload_len; i++)
		fb_u8(f, (uint8_t)(i * 7 + i / 251));
	fb_finish(f);
}

/* IPv4 fragment carrying bytes [off, off+len) of orig's IP payload. */
static size_t v4_frag(uint8_t *out, const struct fb *orig, size_t off, size_t len, int more)
{
	size_t tot = 20 + len;
	uint16_t ff = (uint16_t)((more ? 0x2000 : 0) | (off / 8));

	memcpy(out, orig->b, 20);
	out[2] = (uint8_t)(tot >> 8);
	out[3] = (uint8_t)tot;
	out[6] = (uint8_t)(ff >> 8);
	out[7] = (uint8_t)ff;
	memcpy(out + 20, orig->b + 20 + off, len);
	return tot;
}

static enum fa_dec_result send_v4(struct rig *r, const struct fb *orig, size_t off, size_t len,
                                  int more, uint64_t ts)
{
	size_t n = v4_frag(r->buf, orig, off, len, more);
	return fa_decode(r->dec, FA_LINK_IPV4, r->buf, (uint32_t)n, (uint32_t)n, ts, &r->p);
}

/* The reassembled packet is the original datagram, byte for byte. */
static void expect_whole_v4(const struct rig *r, const struct fb *orig)
{
	assert_true(r->p.reassembled);
	assert_int_equal(r->p.ip_len, orig->len);
	assert_int_equal(r->p.l3_len, orig->len);
	assert_memory_equal(r->p.l3, orig->b, orig->len);
	assert_int_equal(r->p.sport, 53);
	assert_int_equal(r->p.dport, 40000);
	assert_int_equal(r->p.payload_len, orig->len - 28);
	assert_memory_equal(r->p.payload, orig->b + 28, orig->len - 28);
	assert_true(fb_addr_is(&r->p.src, FB_V4_A, 4));
}

static void test_v4_in_order_dns(void **state)
{
	struct fb orig;
	struct rig r;
	(void)state;

	build_dns_v4(&orig, 0x1001, DNS_LEN); /* IP payload 3008 = 1480 + 1480 + 48 */
	rig_open(&r, NULL);
	assert_int_equal(send_v4(&r, &orig, 0, 1480, 1, TS0), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &orig, 1480, 1480, 1, TS0 + 1), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &orig, 2960, 48, 0, TS0 + 2), FA_DEC_PACKET);
	expect_whole_v4(&r, &orig);
	assert_int_equal(r.p.ts_us, TS0 + 2);
	assert_int_equal(st(&r)->fragments, 3);
	assert_int_equal(st(&r)->reassembled, 1);
	assert_int_equal(st(&r)->packets, 1);
	assert_int_equal(st(&r)->frames, 3);
	/* The same datagram again is a new datagram, reassembled again. */
	assert_int_equal(send_v4(&r, &orig, 0, 1480, 1, TS0 + 3), FA_DEC_HELD);
	rig_close(&r);
}

static void test_v4_out_of_order(void **state)
{
	static const size_t orders[][3] = {{2, 1, 0}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}};
	static const size_t off[3] = {0, 1480, 2960}, len[3] = {1480, 1480, 48};
	struct fb orig;
	struct rig r;
	(void)state;

	build_dns_v4(&orig, 0x1002, DNS_LEN);
	rig_open(&r, NULL);
	for (unsigned o = 0; o < 4; o++) {
		for (unsigned i = 0; i < 3; i++) {
			size_t k = orders[o][i];
			enum fa_dec_result res = send_v4(&r, &orig, off[k], len[k], k != 2, TS0);
			assert_int_equal(res, i < 2 ? FA_DEC_HELD : FA_DEC_PACKET);
		}
		expect_whole_v4(&r, &orig);
	}
	assert_int_equal(st(&r)->reassembled, 4);
	rig_close(&r);
}

static void test_v4_duplicates_and_identical_overlap(void **state)
{
	struct fb orig;
	struct rig r;
	(void)state;

	build_dns_v4(&orig, 0x1003, DNS_LEN);
	rig_open(&r, NULL);
	assert_int_equal(send_v4(&r, &orig, 0, 1480, 1, TS0), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &orig, 0, 1480, 1, TS0), FA_DEC_HELD);
	/* Overlaps the first by 80 bytes, all equal. */
	assert_int_equal(send_v4(&r, &orig, 1400, 1000, 1, TS0), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &orig, 1480, 1480, 1, TS0), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &orig, 2960, 48, 0, TS0), FA_DEC_PACKET);
	expect_whole_v4(&r, &orig);
	assert_int_equal(st(&r)->fragments, 5);
	assert_int_equal(st(&r)->errors[FA_DR_FRAG_OVERLAP], 0);
	rig_close(&r);
}

static void test_v4_overlap_different_rejected(void **state)
{
	struct fb orig, evil;
	struct rig r;
	(void)state;

	build_dns_v4(&orig, 0x1004, DNS_LEN);
	evil = orig;
	evil.b[28 + 1470] ^= 0xff; /* inside the first fragment's range */
	rig_open(&r, NULL);
	assert_int_equal(send_v4(&r, &orig, 0, 1480, 1, TS0), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &evil, 1464, 1496, 1, TS0), FA_DEC_ERROR);
	assert_int_equal(r.p.error, FA_DR_FRAG_OVERLAP);
	assert_int_equal(st(&r)->errors[FA_DR_FRAG_OVERLAP], 1);
	/* The datagram was dropped: the rest cannot complete it. */
	assert_int_equal(send_v4(&r, &orig, 1480, 1480, 1, TS0), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &orig, 2960, 48, 0, TS0), FA_DEC_HELD);
	assert_int_equal(st(&r)->reassembled, 0);
	rig_close(&r);
}

static void test_timeout(void **state)
{
	struct fa_decoder_opts o = {.frag_timeout_us = 1000000};
	struct fb a, b;
	struct rig r;
	(void)state;

	build_dns_v4(&a, 0x2001, 1000);
	build_dns_v4(&b, 0x2002, 1000);
	rig_open(&r, &o);
	/* b completes within its second. */
	assert_int_equal(send_v4(&r, &a, 0, 512, 1, TS0), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &b, 0, 512, 1, TS0 + 500000), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &b, 512, 496, 0, TS0 + 1000000), FA_DEC_PACKET);
	assert_int_equal(st(&r)->errors[FA_DR_FRAG_TIMEOUT], 0);
	/* a is past its second when its tail arrives: expired, counted, and
	 * the tail starts a datagram of its own. */
	assert_int_equal(send_v4(&r, &a, 512, 496, 0, TS0 + 1000001), FA_DEC_HELD);
	assert_int_equal(st(&r)->errors[FA_DR_FRAG_TIMEOUT], 1);
	assert_int_equal(st(&r)->reassembled, 1);
	/* The decoder going away drops what is held without counting. */
	rig_close(&r);
}

static void test_table_full(void **state)
{
	struct fa_decoder_opts o = {.frag_max_datagrams = 2};
	struct fb d[3];
	struct rig r;
	(void)state;

	rig_open(&r, &o);
	for (unsigned i = 0; i < 3; i++) {
		build_dns_v4(&d[i], (uint16_t)(0x3000 + i), 1000);
		assert_int_equal(send_v4(&r, &d[i], 0, 512, 1, TS0 + i), FA_DEC_HELD);
	}
	assert_int_equal(st(&r)->errors[FA_DR_FRAG_TABLE_FULL], 1);
	/* The oldest (d[0]) was dropped; d[1] and d[2] still complete. */
	assert_int_equal(send_v4(&r, &d[0], 512, 496, 0, TS0 + 3), FA_DEC_HELD);
	assert_int_equal(st(&r)->errors[FA_DR_FRAG_TABLE_FULL], 2); /* d[1] made room */
	assert_int_equal(send_v4(&r, &d[2], 512, 496, 0, TS0 + 4), FA_DEC_PACKET);
	assert_int_equal(r.p.ip_len, 20 + 8 + 1000);
	assert_int_equal(send_v4(&r, &d[1], 512, 496, 0, TS0 + 5), FA_DEC_HELD);
	rig_close(&r);
}

static void test_byte_cap(void **state)
{
	struct fa_decoder_opts o = {.frag_max_bytes = 262144};
	struct fa_decoder *dec = NULL;
	struct fa_pkt p;
	uint8_t *big = calloc(1, 20 + 60000);
	(void)state;

	assert_non_null(big);
	assert_int_equal(fa_decoder_new(&dec, &o), 0);
	big[0] = 0x45;
	big[2] = (uint8_t)((20 + 60000) >> 8);
	big[3] = (uint8_t)(20 + 60000);
	big[6] = 0x20; /* MF, offset 0 */
	big[9] = FA_L4_UDP;
	/* Four 60000-byte first fragments fit in 256 KiB, the fifth and
	 * sixth each push out the oldest. */
	for (unsigned i = 0; i < 6; i++) {
		big[5] = (uint8_t)i; /* identification */
		assert_int_equal(fa_decode(dec, FA_LINK_IPV4, big, 60020, 60020, TS0, &p),
		                 FA_DEC_HELD);
	}
	assert_int_equal(fa_decoder_stats(dec)->errors[FA_DR_FRAG_TABLE_FULL], 2);
	fa_decoder_free(&dec);
	free(big);
}

static void test_too_big_and_bad(void **state)
{
	struct fb orig;
	struct rig r;
	(void)state;

	build_dns_v4(&orig, 0x4001, 1000);
	rig_open(&r, NULL);
	/* Offset 65528 + 16 bytes + header: the ping of death. */
	memcpy(r.buf, orig.b, 20);
	r.buf[2] = 0;
	r.buf[3] = 36;
	r.buf[6] = 0x1f;
	r.buf[7] = 0xff;
	assert_int_equal(fa_decode(r.dec, FA_LINK_IPV4, r.buf, 36, 36, TS0, &r.p), FA_DEC_ERROR);
	assert_int_equal(r.p.error, FA_DR_FRAG_TOO_BIG);
	/* Last fragment ending at 65520: 20 + 65520 > 65535. */
	assert_int_equal(send_v4(&r, &orig, 0, 512, 1, TS0), FA_DEC_HELD);
	r.buf[6] = 0x1f; /* offset 65512 */
	r.buf[7] = 0xfd;
	r.buf[2] = 0;
	r.buf[3] = 28;
	assert_int_equal(fa_decode(r.dec, FA_LINK_IPV4, r.buf, 28, 28, TS0, &r.p), FA_DEC_ERROR);
	assert_int_equal(r.p.error, FA_DR_FRAG_TOO_BIG);
	assert_int_equal(st(&r)->errors[FA_DR_FRAG_TOO_BIG], 2);

	/* Non-final fragment whose length is not a multiple of 8. */
	assert_int_equal(send_v4(&r, &orig, 0, 513, 1, TS0), FA_DEC_ERROR);
	assert_int_equal(r.p.error, FA_DR_FRAG_BAD);
	/* Once the end is known, data past it is impossible. */
	assert_int_equal(send_v4(&r, &orig, 8, 504, 1, TS0), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &orig, 512, 200, 0, TS0), FA_DEC_HELD);
	assert_int_equal(send_v4(&r, &orig, 704, 16, 1, TS0), FA_DEC_ERROR);
	assert_int_equal(r.p.error, FA_DR_FRAG_BAD);
	/* And a second, different end. */
	assert_int_equal(send_v4(&r, &orig, 512, 296, 0, TS0), FA_DEC_ERROR);
	assert_int_equal(r.p.error, FA_DR_FRAG_BAD);
	/* A fragment cut by the capture cannot be reassembled. */
	v4_frag(r.buf, &orig, 0, 512, 1);
	assert_int_equal(fa_decode(r.dec, FA_LINK_IPV4, r.buf, 300, 532, TS0, &r.p), FA_DEC_ERROR);
	assert_int_equal(r.p.error, FA_DR_TRUNC_IPV4);
	rig_close(&r);
}

static void test_tcp_offset_one_rejected(void **state)
{
	struct fb orig;
	struct rig r;
	(void)state;

	fb_init(&orig);
	fb_ipv4_full(&orig, FB_V4_A, FB_V4_B, FA_L4_TCP, 0, 0x5001, 0);
	fb_tcp(&orig, 1, 22, FA_TCP_SYN, 0);
	fb_fill(&orig, 0, 40);
	fb_finish(&orig);
	rig_open(&r, NULL);
	assert_int_equal(send_v4(&r, &orig, 0, 16, 1, TS0), FA_DEC_HELD);
	/* RFC 1858: offset 8 rewrites the TCP flags of the first fragment. */
	assert_int_equal(send_v4(&r, &orig, 8, 52, 0, TS0), FA_DEC_ERROR);
	assert_int_equal(r.p.error, FA_DR_FRAG_BAD);
	assert_int_equal(send_v4(&r, &orig, 16, 44, 0, TS0), FA_DEC_PACKET);
	assert_int_equal(r.p.tcp_flags, FA_TCP_SYN);
	assert_int_equal(r.p.dport, 22);
	rig_close(&r);
}

/* IPv6 datagram with a hop-by-hop header in the unfragmentable part. */
static void build_v6(struct fb *f, size_t payload_len)
{
	fb_init(f);
	fb_ipv6(f, FB_V6_A, FB_V6_B, 0);
	fb_ip6_ext(f, FA_L4_UDP, 0);
	fb_udp(f, 53, 41000);
	for (size_t i = 0; i < payload_len; i++)
		fb_u8(f, (uint8_t)(i * 13 + 1));
	fb_finish(f);
}

static enum fa_dec_result send_v6(struct rig *r, const struct fb *orig, size_t off, size_t len,
                                  int more, uint32_t id)
{
	const size_t unfrag = 48;
	size_t plen = unfrag - 40 + 8 + len;
	uint16_t offlg = (uint16_t)(off | (more ? 1 : 0));
	uint8_t *o = r->buf;

	memcpy(o, orig->b, unfrag);
	o[4] = (uint8_t)(plen >> 8);
	o[5] = (uint8_t)plen;
	o[40] = 44; /* hop-by-hop now names the fragment header */
	o[unfrag] = FA_L4_UDP;
	o[unfrag + 1] = 0;
	o[unfrag + 2] = (uint8_t)(offlg >> 8);
	o[unfrag + 3] = (uint8_t)offlg;
	o[unfrag + 4] = (uint8_t)(id >> 24);
	o[unfrag + 5] = (uint8_t)(id >> 16);
	o[unfrag + 6] = (uint8_t)(id >> 8);
	o[unfrag + 7] = (uint8_t)id;
	memcpy(o + unfrag + 8, orig->b + unfrag + off, len);
	return fa_decode(r->dec, FA_LINK_IPV6, o, (uint32_t)(40 + plen), (uint32_t)(40 + plen), TS0,
	                 &r->p);
}

static void test_v6_fragments(void **state)
{
	struct fb orig;
	struct rig r;
	(void)state;

	build_v6(&orig, 2500); /* fragmentable part: 8 + 2500 = 2508 */
	rig_open(&r, NULL);
	assert_int_equal(send_v6(&r, &orig, 0, 1232, 1, 77), FA_DEC_HELD);
	assert_int_equal(r.p.l4proto, FA_L4_UDP);
	assert_int_equal(send_v6(&r, &orig, 1232, 1232, 1, 77), FA_DEC_HELD);
	assert_int_equal(send_v6(&r, &orig, 2464, 44, 0, 77), FA_DEC_PACKET);
	assert_true(r.p.reassembled);
	assert_int_equal(r.p.ip_len, orig.len);
	assert_int_equal(r.p.l3_len, orig.len);
	assert_memory_equal(r.p.l3, orig.b, orig.len);
	assert_int_equal(r.p.sport, 53);
	assert_int_equal(r.p.payload_len, 2500);
	assert_memory_equal(r.p.payload, orig.b + 56, 2500);

	/* Out of order, and a different id is a different datagram. */
	assert_int_equal(send_v6(&r, &orig, 2464, 44, 0, 78), FA_DEC_HELD);
	assert_int_equal(send_v6(&r, &orig, 0, 1232, 1, 79), FA_DEC_HELD);
	assert_int_equal(send_v6(&r, &orig, 1232, 1232, 1, 78), FA_DEC_HELD);
	assert_int_equal(send_v6(&r, &orig, 0, 1232, 1, 78), FA_DEC_PACKET);
	assert_memory_equal(r.p.l3, orig.b, orig.len);

	/* Overlap with different bytes. */
	assert_int_equal(send_v6(&r, &orig, 0, 1232, 1, 80), FA_DEC_HELD);
	orig.b[48 + 1228] ^= 1; /* inside the 8 overlapping bytes */
	assert_int_equal(send_v6(&r, &orig, 1224, 1232, 1, 80), FA_DEC_ERROR);
	assert_int_equal(r.p.error, FA_DR_FRAG_OVERLAP);
	assert_int_equal(st(&r)->reassembled, 2);
	rig_close(&r);
}

/* Inner IPv4 fragments inside Ethernet (VLAN 9) / IPv4 / GRE, each frame
 * ending in a 4-byte trailer (as captures with the FCS have) that no IP
 * length covers. */
static enum fa_dec_result send_gre(struct rig *r, const struct fb *inner, size_t off, size_t len,
                                   int more, struct fb *frame)
{
	uint8_t frag[FB_MAX];
	size_t n = v4_frag(frag, inner, off, len, more);

	fb_init(frame);
	fb_eth(frame, 0x8100);
	fb_vlan(frame, 9, 0x0800);
	fb_ipv4(frame, FB_V4_C, FB_V4_D, 47);
	fb_gre(frame, 0, 0x0800);
	fb_bytes(frame, frag, n);
	fb_finish(frame);
	fb_fill(frame, 0xfc, 4);
	return fa_decode(r->dec, FA_LINK_EN10MB, frame->b, (uint32_t)frame->len,
	                 (uint32_t)frame->len, TS0, &r->p);
}

static void test_fragments_in_tunnel(void **state)
{
	struct fb inner, frame;
	struct rig r;
	(void)state;

	build_dns_v4(&inner, 0x6001, 1000); /* IP payload 1008 */
	rig_open(&r, NULL);
	assert_int_equal(send_gre(&r, &inner, 1000, 8, 0, &frame), FA_DEC_HELD);
	assert_int_equal(frame.len, 18 + 20 + 4 + 28 + 4);
	assert_int_equal(send_gre(&r, &inner, 0, 1000, 1, &frame), FA_DEC_PACKET);
	assert_int_equal(r.p.tunnel, FA_TUN_GRE);
	assert_int_equal(r.p.nvlan, 1);
	assert_int_equal(r.p.vlan[0], 9);
	assert_true(fb_addr_is(&r.p.src, FB_V4_A, 4)); /* the inner packet's */
	expect_whole_v4(&r, &inner);
	rig_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v4_in_order_dns),
	    cmocka_unit_test(test_v4_out_of_order),
	    cmocka_unit_test(test_v4_duplicates_and_identical_overlap),
	    cmocka_unit_test(test_v4_overlap_different_rejected),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_table_full),
	    cmocka_unit_test(test_byte_cap),
	    cmocka_unit_test(test_too_big_and_bad),
	    cmocka_unit_test(test_tcp_offset_one_rejected),
	    cmocka_unit_test(test_v6_fragments),
	    cmocka_unit_test(test_fragments_in_tunnel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
