/* test_decode_link.c - link layers, VLAN tags, MPLS and PPPoE, each cut at
 * every length; outcome names and counters. */
#include "decode_frames.h"

/* Ethernet / IPv4 / TCP SYN 192.0.2.1:12345 -> 198.51.100.2:80, typed by
 * hand from RFC 791 and RFC 9293 layouts, padded to Ethernet's 60 bytes. */
static const uint8_t syn_frame[60] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x28, 0x42, 0x42, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01,
    0xc6, 0x33, 0x64, 0x02, 0x30, 0x39, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00,
    0x00, 0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0,    0,    0,    0,    0,    0};

static void build_syn(struct fb *f)
{
	fb_init(f);
	fb_eth(f, 0x0800);
	fb_ipv4(f, FB_V4_A, FB_V4_B, FA_L4_TCP);
	fb_tcp(f, 12345, 80, FA_TCP_SYN, 0);
	fb_finish(f);
	fb_pad_to(f, 60);
}

static void test_builder_matches_hand_typed_frame(void **state)
{
	struct fb f;
	(void)state;
	build_syn(&f);
	assert_int_equal(f.len, sizeof(syn_frame));
	assert_memory_equal(f.b, syn_frame, sizeof(syn_frame));
}

static void test_ethernet_ipv4_tcp(void **state)
{
	struct fa_decoder *dec = NULL;
	struct fa_pkt p;
	struct fb f;
	(void)state;

	assert_int_equal(fa_decoder_new(&dec, NULL), 0);
	assert_int_equal(fa_decode(dec, FA_LINK_EN10MB, syn_frame, 60, 60, 42, &p), FA_DEC_PACKET);
	assert_true(fb_addr_is(&p.src, FB_V4_A, 4));
	assert_true(fb_addr_is(&p.dst, FB_V4_B, 4));
	assert_int_equal(p.sport, 12345);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.l4proto, FA_L4_TCP);
	assert_int_equal(p.tcp_flags, FA_TCP_SYN);
	assert_int_equal(p.ts_us, 42);
	assert_int_equal(p.ip_len, 40);
	assert_ptr_equal(p.l3, syn_frame + 14);
	assert_int_equal(p.l3_len, 40); /* the 6 padding bytes are not the packet's */
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.nvlan, 0);
	assert_int_equal(p.tunnel, FA_TUN_NONE);
	assert_false(p.reassembled);
	assert_int_equal(fa_decoder_stats(dec)->frames, 1);
	assert_int_equal(fa_decoder_stats(dec)->packets, 1);
	fa_decoder_free(&dec);
	assert_null(dec);
	fa_decoder_free(&dec); /* NULL-safe */
	fa_decoder_free(NULL);

	build_syn(&f);
	fb_check_cuts(&f, FA_LINK_EN10MB);
}

static void test_ethernet_ipv6_udp(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, FB_V6_A, FB_V6_B, FA_L4_UDP);
	fb_udp(&f, 5353, 53);
	fb_fill(&f, 0x61, 20);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_true(fb_addr_is(&p.src, FB_V6_A, 6));
	assert_true(fb_addr_is(&p.dst, FB_V6_B, 6));
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.l4proto, FA_L4_UDP);
	assert_int_equal(p.ip_len, 40 + 8 + 20);
	assert_int_equal(p.payload_len, 20);
	assert_int_equal(p.payload[0], 0x61);
	fb_check_cuts(&f, FA_LINK_EN10MB);
}

static void build_v4_udp(struct fb *f)
{
	fb_ipv4(f, FB_V4_A, FB_V4_B, FA_L4_UDP);
	fb_udp(f, 1000, 2000);
	fb_fill(f, 0x62, 10);
	fb_finish(f);
}

static void test_linux_sll(void **state)
{
	static const uint8_t addr[8] = {2, 0, 0, 0, 0, 1, 0, 0};
	struct fb f;
	struct fa_pkt p;
	(void)state;

	fb_init(&f);
	fb_be16(&f, 0); /* packet type: to us */
	fb_be16(&f, 1); /* ARPHRD_ETHER */
	fb_be16(&f, 6); /* address length */
	fb_bytes(&f, addr, 8);
	fb_be16(&f, 0x0800); /* protocol at offset 14 */
	fb_mark(&f, FA_DR_TRUNC_LINK);
	build_v4_udp(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_LINUX_SLL, &p), FA_DEC_PACKET);
	assert_int_equal(p.sport, 1000);
	assert_int_equal(p.dport, 2000);
	assert_ptr_equal(p.l3, f.b + 16);
	fb_check_cuts(&f, FA_LINK_LINUX_SLL);

	f.b[14] = 0x08; /* ARP */
	f.b[15] = 0x06;
	assert_int_equal(fb_decode(&f, FA_LINK_LINUX_SLL, &p), FA_DEC_NOT_IP);
}

static void test_linux_sll2(void **state)
{
	static const uint8_t addr[8] = {2, 0, 0, 0, 0, 1, 0, 0};
	struct fb f;
	struct fa_pkt p;
	(void)state;

	fb_init(&f);
	fb_be16(&f, 0x86dd); /* protocol at offset 0 */
	fb_be16(&f, 0);      /* reserved */
	fb_be32(&f, 3);      /* interface index */
	fb_be16(&f, 1);      /* ARPHRD_ETHER */
	fb_u8(&f, 4);        /* outgoing */
	fb_u8(&f, 6);
	fb_bytes(&f, addr, 8);
	fb_mark(&f, FA_DR_TRUNC_LINK);
	fb_ipv6(&f, FB_V6_A, FB_V6_B, FA_L4_TCP);
	fb_tcp(&f, 443, 50000, FA_TCP_ACK | FA_TCP_PSH, 12);
	fb_fill(&f, 0x17, 30);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_LINUX_SLL2, &p), FA_DEC_PACKET);
	assert_true(fb_addr_is(&p.src, FB_V6_A, 6));
	assert_int_equal(p.sport, 443);
	assert_int_equal(p.tcp_flags, FA_TCP_ACK | FA_TCP_PSH);
	assert_int_equal(p.payload_len, 30);
	assert_ptr_equal(p.payload, f.b + 20 + 40 + 32);
	fb_check_cuts(&f, FA_LINK_LINUX_SLL2);
}

static void null_case(uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3, int linktype, int want_ver)
{
	struct fb f;
	struct fa_pkt p;

	fb_init(&f);
	fb_u8(&f, b0);
	fb_u8(&f, b1);
	fb_u8(&f, b2);
	fb_u8(&f, b3);
	fb_mark(&f, FA_DR_TRUNC_LINK);
	if (want_ver == 6) {
		fb_ipv6(&f, FB_V6_A, FB_V6_B, FA_L4_UDP);
		fb_udp(&f, 1, 2);
		fb_finish(&f);
	} else {
		build_v4_udp(&f);
	}
	assert_int_equal(fb_decode(&f, linktype, &p), FA_DEC_PACKET);
	assert_int_equal(p.src.ver, want_ver);
	fb_check_cuts(&f, linktype);
}

static void test_null_and_loop(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	null_case(2, 0, 0, 0, FA_LINK_NULL, 4);  /* little-endian writer */
	null_case(0, 0, 0, 2, FA_LINK_NULL, 4);  /* big-endian writer */
	null_case(24, 0, 0, 0, FA_LINK_NULL, 6); /* NetBSD/OpenBSD AF_INET6 */
	null_case(28, 0, 0, 0, FA_LINK_NULL, 6); /* FreeBSD */
	null_case(0, 0, 0, 30, FA_LINK_NULL, 6); /* Darwin, big-endian */
	null_case(0, 0, 0, 2, FA_LINK_LOOP, 4);
	null_case(0, 0, 0, 24, FA_LINK_LOOP, 6);

	fb_init(&f);
	fb_be32(&f, 0x07000000); /* AF 7 in either order: not IP */
	build_v4_udp(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_NULL, &p), FA_DEC_NOT_IP);
	f.b[0] = 2; /* LOOP reads network order: 0x02000000 is no family */
	assert_int_equal(fb_decode(&f, FA_LINK_LOOP, &p), FA_DEC_NOT_IP);
}

static void test_raw_links(void **state)
{
	static const int v4_links[] = {FA_LINK_RAW, FA_LINK_RAW_ALT, FA_LINK_IPV4};
	static const int v6_links[] = {FA_LINK_RAW, FA_LINK_RAW_ALT, FA_LINK_IPV6};
	struct fb f4, f6;
	struct fa_pkt p;
	(void)state;

	for (unsigned i = 0; i < 3; i++) {
		/* An empty raw frame has no version nibble: a link truncation. */
		bool raw = v4_links[i] != FA_LINK_IPV4;
		fb_init(&f4);
		if (raw)
			fb_mark_at(&f4, 1, FA_DR_TRUNC_LINK);
		build_v4_udp(&f4);
		fb_init(&f6);
		if (raw)
			fb_mark_at(&f6, 1, FA_DR_TRUNC_LINK);
		fb_ipv6(&f6, FB_V6_A, FB_V6_B, FA_L4_UDP);
		fb_udp(&f6, 3000, 4000);
		fb_finish(&f6);
		assert_int_equal(fb_decode(&f4, v4_links[i], &p), FA_DEC_PACKET);
		assert_int_equal(p.dport, 2000);
		assert_ptr_equal(p.l3, f4.b);
		fb_check_cuts(&f4, v4_links[i]);
		assert_int_equal(fb_decode(&f6, v6_links[i], &p), FA_DEC_PACKET);
		assert_int_equal(p.dport, 4000);
		fb_check_cuts(&f6, v6_links[i]);
	}
	/* A raw IPv6 packet on the IPv4 link type is a version mismatch. */
	assert_int_equal(fb_decode(&f6, FA_LINK_IPV4, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_IP_VERSION);
	f4.b[0] = 0x55;
	assert_int_equal(fb_decode(&f4, FA_LINK_RAW, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_IP_VERSION);
}

static void test_unsupported_and_not_ip(void **state)
{
	struct fa_decoder *dec = NULL;
	struct fa_pkt p;
	struct fb f;
	(void)state;

	assert_true(fa_decode_linktype_supported(FA_LINK_EN10MB));
	assert_true(fa_decode_linktype_supported(276));
	assert_true(fa_decode_linktype_supported(101));
	assert_false(fa_decode_linktype_supported(105)); /* 802.11 */
	assert_false(fa_decode_linktype_supported(-1));

	assert_int_equal(fa_decoder_new(&dec, NULL), 0);
	assert_int_equal(fa_decode(dec, 105, syn_frame, 60, 60, 0, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_LINKTYPE);

	fb_init(&f); /* ARP request */
	fb_eth(&f, 0x0806);
	fb_fill(&f, 0, 28);
	assert_int_equal(fa_decode(dec, 1, f.b, (uint32_t)f.len, (uint32_t)f.len, 0, &p),
	                 FA_DEC_NOT_IP);
	fb_init(&f); /* 802.3 length + LLC (spanning tree) */
	fb_eth(&f, 38);
	fb_u8(&f, 0x42);
	fb_u8(&f, 0x42);
	fb_u8(&f, 0x03);
	fb_fill(&f, 0, 35);
	assert_int_equal(fa_decode(dec, 1, f.b, (uint32_t)f.len, (uint32_t)f.len, 0, &p),
	                 FA_DEC_NOT_IP);
	assert_int_equal(fa_decode(dec, 1, NULL, 0, 0, 0, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_TRUNC_LINK);

	assert_int_equal(fa_decoder_stats(dec)->frames, 4);
	assert_int_equal(fa_decoder_stats(dec)->not_ip, 2);
	assert_int_equal(fa_decoder_stats(dec)->packets, 0);
	assert_int_equal(fa_decoder_stats(dec)->errors[FA_DR_LINKTYPE], 1);
	assert_int_equal(fa_decoder_stats(dec)->errors[FA_DR_TRUNC_LINK], 1);
	fa_decoder_free(&dec);
}

static void test_vlan_tags(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	/* 802.1Q with priority 5 and DEI set: only the 12-bit id is kept. */
	fb_init(&f);
	fb_eth(&f, 0x8100);
	fb_vlan(&f, (5 << 13) | (1 << 12) | 100, 0x0800);
	build_v4_udp(&f);
	fb_pad_to(&f, 64);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.nvlan, 1);
	assert_int_equal(p.vlan[0], 100);
	assert_int_equal(p.payload_len, 10);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* 802.1ad service tag outside a customer tag, then the old 0x9100. */
	fb_init(&f);
	fb_eth(&f, 0x88a8);
	fb_vlan(&f, 200, 0x8100);
	fb_vlan(&f, 300, 0x9100);
	fb_vlan(&f, 4095, 0x86dd);
	fb_ipv6(&f, FB_V6_A, FB_V6_B, FA_L4_TCP);
	fb_tcp(&f, 1, 2, FA_TCP_RST, 0);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.nvlan, 3);
	assert_int_equal(p.vlan[0], 200);
	assert_int_equal(p.vlan[1], 300);
	assert_int_equal(p.vlan[2], 4095);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Four tags are kept, a fifth is one too many. */
	fb_init(&f);
	fb_eth(&f, 0x8100);
	for (unsigned i = 1; i <= 4; i++)
		fb_vlan(&f, (uint16_t)i, i < 4 ? 0x8100 : 0x0800);
	build_v4_udp(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.nvlan, 4);
	assert_int_equal(p.vlan[3], 4);
	fb_check_cuts(&f, FA_LINK_EN10MB);
	fb_init(&f);
	fb_eth(&f, 0x8100);
	for (unsigned i = 1; i <= 5; i++)
		fb_vlan(&f, (uint16_t)i, i < 5 ? 0x8100 : 0x0800);
	build_v4_udp(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_TOO_MANY_VLANS);

	/* A tagged ARP is still not IP. */
	fb_init(&f);
	fb_eth(&f, 0x8100);
	fb_vlan(&f, 7, 0x0806);
	fb_fill(&f, 0, 28);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_NOT_IP);
}

static void test_mpls(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	fb_init(&f); /* one label */
	fb_eth(&f, 0x8847);
	fb_mpls(&f, 16, 1);
	build_v4_udp(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.dport, 2000);
	assert_ptr_equal(p.l3, f.b + 18);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	fb_init(&f); /* three labels, IPv6 */
	fb_eth(&f, 0x8847);
	fb_mpls(&f, 100, 0);
	fb_mpls(&f, 200, 0);
	fb_mpls(&f, 300, 1);
	fb_ipv6(&f, FB_V6_A, FB_V6_B, FA_L4_UDP);
	fb_udp(&f, 7, 8);
	fb_fill(&f, 1, 5);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.src.ver, 6);
	assert_ptr_equal(p.l3, f.b + 14 + 12);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	fb_init(&f); /* Ethernet pseudowire behind a control word, with a VLAN */
	fb_eth(&f, 0x8847);
	fb_mpls(&f, 1000, 0);
	fb_mpls(&f, 2000, 1);
	fb_pw_control_word(&f);
	fb_eth(&f, 0x8100);
	fb_vlan(&f, 42, 0x0800);
	build_v4_udp(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.nvlan, 1);
	assert_int_equal(p.vlan[0], 42);
	assert_int_equal(p.sport, 1000);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	fb_init(&f); /* bottom of stack followed by nibble 9 */
	fb_eth(&f, 0x8847);
	fb_mpls(&f, 16, 1);
	fb_fill(&f, 0x90, 30);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_MPLS_PAYLOAD);
}

static void test_pppoe(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	fb_init(&f);
	fb_eth(&f, 0x8864);
	fb_pppoe(&f, 0x0021);
	build_v4_udp(&f);
	fb_pad_to(&f, 70); /* padding beyond the PPPoE length */
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.sport, 1000);
	assert_int_equal(p.payload_len, 10);
	assert_int_equal(p.l3_len, 20 + 8 + 10);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	fb_init(&f);
	fb_eth(&f, 0x8864);
	fb_pppoe(&f, 0x0057);
	fb_ipv6(&f, FB_V6_A, FB_V6_B, FA_L4_TCP);
	fb_tcp(&f, 22, 40000, FA_TCP_ACK, 0);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.sport, 22);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Protocol field compressed to one byte (RFC 1661 section 6.5). */
	fb_init(&f);
	fb_eth(&f, 0x8864);
	fb_u8(&f, 0x11);
	fb_u8(&f, 0x00);
	fb_be16(&f, 0x0011);
	fb_fixup(&f, f.len, 14, FIX_PPPOE_LEN);
	fb_be16(&f, 0);
	fb_mark(&f, FA_DR_TRUNC_PPPOE);
	fb_u8(&f, 0x21);
	fb_mark(&f, FA_DR_TRUNC_PPPOE);
	build_v4_udp(&f);
	fb_pad_to(&f, 60);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_ptr_equal(p.l3, f.b + 14 + 7);
	assert_int_equal(p.dport, 2000);
	assert_int_equal(p.l3_len, 38);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	fb_init(&f); /* LCP echo: link housekeeping, not IP */
	fb_eth(&f, 0x8864);
	fb_pppoe(&f, 0xc021);
	fb_fill(&f, 9, 8);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_NOT_IP);

	fb_init(&f); /* IPX over PPP: a network protocol we cannot read */
	fb_eth(&f, 0x8864);
	fb_pppoe(&f, 0x002b);
	fb_fill(&f, 9, 8);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_PPPOE_PROTO);

	fb_init(&f); /* PPPoE discovery (PADI) */
	fb_eth(&f, 0x8863);
	fb_fill(&f, 0, 20);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_NOT_IP);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fa_dec_reason_name(FA_DR_TRUNC_TCP), "truncated-tcp");
	assert_string_equal(fa_dec_reason_name(FA_DR_IPV4_HLEN), "ipv4-header-length");
	assert_string_equal(fa_dec_reason_name(FA_DR_FRAG_OVERLAP), "fragment-overlap");
	assert_string_equal(fa_dec_reason_name(FA_DR__COUNT), "unknown");
	assert_string_equal(fa_tunnel_name(FA_TUN_GRE), "gre");
	assert_string_equal(fa_tunnel_name(FA_TUN_ERSPAN2), "erspan2");
	assert_string_equal(fa_tunnel_name(FA_TUN_ERSPAN3), "erspan3");
	assert_string_equal(fa_tunnel_name(FA_TUN_VXLAN), "vxlan");
	assert_string_equal(fa_tunnel_name(FA_TUN_IPIP), "ipip");
	/* Every reason has its own kebab-case name. */
	for (int i = FA_DR_NONE + 1; i < FA_DR__COUNT; i++) {
		const char *n = fa_dec_reason_name((enum fa_dec_reason)i);
		assert_string_not_equal(n, "unknown");
		for (const char *c = n; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
			            *c == '-');
		for (int j = FA_DR_NONE + 1; j < i; j++)
			assert_string_not_equal(n, fa_dec_reason_name((enum fa_dec_reason)j));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builder_matches_hand_typed_frame),
	    cmocka_unit_test(test_ethernet_ipv4_tcp),
	    cmocka_unit_test(test_ethernet_ipv6_udp),
	    cmocka_unit_test(test_linux_sll),
	    cmocka_unit_test(test_linux_sll2),
	    cmocka_unit_test(test_null_and_loop),
	    cmocka_unit_test(test_raw_links),
	    cmocka_unit_test(test_unsupported_and_not_ip),
	    cmocka_unit_test(test_vlan_tags),
	    cmocka_unit_test(test_mpls),
	    cmocka_unit_test(test_pppoe),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
