/* test_decode_tunnel.c - GRE, ERSPAN II/III, VXLAN and IP-in-IP: the flow
 * is the innermost packet, the tunnel kind is the outermost, and every cut
 * of the frame fails at the right header. */
#include "decode_frames.h"

static void outer_v4(struct fb *f, uint8_t proto)
{
	fb_init(f);
	fb_eth(f, 0x0800);
	fb_ipv4(f, FB_V4_A, FB_V4_B, proto);
}

static void inner_v4_udp(struct fb *f)
{
	fb_ipv4(f, FB_V4_C, FB_V4_D, FA_L4_UDP);
	fb_udp(f, 10000, 53);
	fb_fill(f, 0xd5, 12);
}

static void expect_inner_v4_udp(const struct fa_pkt *p, enum fa_tunnel t)
{
	assert_int_equal(p->tunnel, t);
	assert_true(fb_addr_is(&p->src, FB_V4_C, 4));
	assert_true(fb_addr_is(&p->dst, FB_V4_D, 4));
	assert_int_equal(p->l4proto, FA_L4_UDP);
	assert_int_equal(p->sport, 10000);
	assert_int_equal(p->dport, 53);
	assert_int_equal(p->payload_len, 12);
	assert_int_equal(p->ip_len, 20 + 8 + 12);
	assert_int_equal(p->l3_len, 20 + 8 + 12);
}

static void test_gre_plain(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	outer_v4(&f, 47);
	fb_gre(&f, 0, 0x0800);
	inner_v4_udp(&f);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	expect_inner_v4_udp(&p, FA_TUN_GRE);
	assert_ptr_equal(p.l3, f.b + 14 + 20 + 4);
	fb_check_cuts(&f, FA_LINK_EN10MB);
}

static void test_gre_key_seq_checksum(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	outer_v4(&f, 47);
	fb_gre(&f, FB_GRE_K | FB_GRE_S, 0x0800);
	inner_v4_udp(&f);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	expect_inner_v4_udp(&p, FA_TUN_GRE);
	assert_ptr_equal(p.l3, f.b + 14 + 20 + 12);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* All three optional fields, over IPv6, carrying IPv6. */
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, FB_V6_A, FB_V6_B, 47);
	fb_gre(&f, FB_GRE_C | FB_GRE_K | FB_GRE_S, 0x86dd);
	fb_ipv6(&f, FB_V6_C, FB_V6_D, FA_L4_TCP);
	fb_tcp(&f, 3333, 4444, FA_TCP_FIN | FA_TCP_ACK, 0);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.tunnel, FA_TUN_GRE);
	assert_true(fb_addr_is(&p.src, FB_V6_C, 6));
	assert_int_equal(p.sport, 3333);
	assert_int_equal(p.tcp_flags, FA_TCP_FIN | FA_TCP_ACK);
	assert_ptr_equal(p.l3, f.b + 14 + 40 + 16);
	fb_check_cuts(&f, FA_LINK_EN10MB);
}

static void test_gre_ethernet_bridging(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	fb_init(&f); /* outer VLAN 10, inner VLAN 20: both kept, outer first */
	fb_eth(&f, 0x8100);
	fb_vlan(&f, 10, 0x0800);
	fb_ipv4(&f, FB_V4_A, FB_V4_B, 47);
	fb_gre(&f, FB_GRE_K, 0x6558);
	fb_eth(&f, 0x8100);
	fb_vlan(&f, 20, 0x0800);
	inner_v4_udp(&f);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	expect_inner_v4_udp(&p, FA_TUN_GRE);
	assert_int_equal(p.nvlan, 2);
	assert_int_equal(p.vlan[0], 10);
	assert_int_equal(p.vlan[1], 20);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* ARP bridged through the tunnel is not IP. */
	outer_v4(&f, 47);
	fb_gre(&f, 0, 0x6558);
	fb_eth(&f, 0x0806);
	fb_fill(&f, 0, 28);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_NOT_IP);
}

static void test_gre_unsupported(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	outer_v4(&f, 47); /* PPTP: version 1, key and sequence */
	fb_gre(&f, FB_GRE_K | FB_GRE_S | 0x0001, 0x880b);
	fb_fill(&f, 0xff, 20);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_GRE_VERSION);

	outer_v4(&f, 47); /* RFC 1701 routing present */
	fb_gre(&f, 0x4000, 0x0800);
	inner_v4_udp(&f);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_GRE_VERSION);
}

static void test_erspan(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	/* Type II: sequence number present, 8-byte header, mirrored frame. */
	outer_v4(&f, 47);
	fb_gre(&f, FB_GRE_S, 0x88be);
	fb_erspan2(&f);
	fb_eth(&f, 0x0800);
	inner_v4_udp(&f);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	expect_inner_v4_udp(&p, FA_TUN_ERSPAN2);
	assert_ptr_equal(p.l3, f.b + 14 + 20 + 8 + 8 + 14);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Type I: no sequence number and no ERSPAN header. */
	outer_v4(&f, 47);
	fb_gre(&f, 0, 0x88be);
	fb_eth(&f, 0x0800);
	inner_v4_udp(&f);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	expect_inner_v4_udp(&p, FA_TUN_ERSPAN2);
	assert_ptr_equal(p.l3, f.b + 14 + 20 + 4 + 14);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Type III without and with the platform-specific subheader. */
	for (int sub = 0; sub <= 1; sub++) {
		outer_v4(&f, 47);
		fb_gre(&f, FB_GRE_S, 0x22eb);
		fb_erspan3(&f, sub);
		fb_eth(&f, 0x8100);
		fb_vlan(&f, 77, 0x0800);
		inner_v4_udp(&f);
		fb_finish(&f);
		assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
		expect_inner_v4_udp(&p, FA_TUN_ERSPAN3);
		assert_int_equal(p.nvlan, 1);
		assert_int_equal(p.vlan[0], 77);
		assert_ptr_equal(p.l3, f.b + 14 + 20 + 8 + 12 + (sub ? 8 : 0) + 18);
		fb_check_cuts(&f, FA_LINK_EN10MB);
	}
}

static void test_vxlan(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	outer_v4(&f, FA_L4_UDP);
	fb_udp(&f, 49152, 4789);
	fb_vxlan(&f, 5001);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, FB_V4_C, FB_V4_D, FA_L4_TCP);
	fb_tcp(&f, 5555, 80, FA_TCP_PSH | FA_TCP_ACK, 0);
	fb_fill(&f, 'G', 16);
	fb_finish(&f);
	fb_pad_to(&f, 200);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.tunnel, FA_TUN_VXLAN);
	assert_true(fb_addr_is(&p.src, FB_V4_C, 4));
	assert_int_equal(p.sport, 5555);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.l4proto, FA_L4_TCP);
	assert_int_equal(p.payload_len, 16);
	assert_int_equal(p.payload[0], 'G');
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Without the I flag it is just UDP to port 4789. */
	f.b[14 + 20 + 8] = 0;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.tunnel, FA_TUN_NONE);
	assert_int_equal(p.dport, 4789);
	assert_int_equal(p.l4proto, FA_L4_UDP);
	assert_int_equal(p.payload_len, 8 + 14 + 20 + 20 + 16);
}

static void test_ip_in_ip(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	/* 4in4 */
	outer_v4(&f, 4);
	inner_v4_udp(&f);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	expect_inner_v4_udp(&p, FA_TUN_IPIP);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* 6in4 (a 6to4/6in4 tunnel) */
	outer_v4(&f, 41);
	fb_ipv6(&f, FB_V6_C, FB_V6_D, FA_L4_UDP);
	fb_udp(&f, 1, 2);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.tunnel, FA_TUN_IPIP);
	assert_true(fb_addr_is(&p.src, FB_V6_C, 6));
	assert_int_equal(p.ip_len, 48);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* 4in6, with a destination options header on the outer packet */
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, FB_V6_A, FB_V6_B, 60);
	fb_ip6_ext(&f, 4, 0);
	inner_v4_udp(&f);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	expect_inner_v4_udp(&p, FA_TUN_IPIP);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* 6in6 */
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, FB_V6_A, FB_V6_B, 41);
	fb_ipv6(&f, FB_V6_C, FB_V6_D, FA_L4_ICMPV6);
	fb_icmp(&f, 128, 0);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.tunnel, FA_TUN_IPIP);
	assert_true(fb_addr_is(&p.dst, FB_V6_D, 6));
	assert_int_equal(p.icmp_type, 128);
	assert_int_equal(p.ip_len, 48);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* The inner packet of a 4in4 must itself say IPv4. */
	outer_v4(&f, 4);
	fb_ipv6(&f, FB_V6_C, FB_V6_D, FA_L4_UDP);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_IP_VERSION);
}

static void test_outermost_kind_and_depth(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	/* GRE outside, IP-in-IP inside: the record says gre. */
	outer_v4(&f, 47);
	fb_gre(&f, 0, 0x0800);
	fb_ipv4(&f, FB_V4_B, FB_V4_A, 4);
	inner_v4_udp(&f);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	expect_inner_v4_udp(&p, FA_TUN_GRE);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Four nested tunnels decode, a fifth is too deep. */
	for (unsigned n = 4; n <= 5; n++) {
		fb_init(&f);
		fb_eth(&f, 0x0800);
		for (unsigned i = 0; i < n; i++)
			fb_ipv4(&f, FB_V4_A, FB_V4_B, 4);
		inner_v4_udp(&f);
		fb_finish(&f);
		if (n == 4) {
			assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
			expect_inner_v4_udp(&p, FA_TUN_IPIP);
			fb_check_cuts(&f, FA_LINK_EN10MB);
		} else {
			assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
			assert_int_equal(p.error, FA_DR_TUNNEL_DEPTH);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gre_plain),
	    cmocka_unit_test(test_gre_key_seq_checksum),
	    cmocka_unit_test(test_gre_ethernet_bridging),
	    cmocka_unit_test(test_gre_unsupported),
	    cmocka_unit_test(test_erspan),
	    cmocka_unit_test(test_vxlan),
	    cmocka_unit_test(test_ip_in_ip),
	    cmocka_unit_test(test_outermost_kind_and_depth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
