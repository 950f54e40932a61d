/* test_decode_ip.c - IPv4 options and lengths, IPv6 extension headers,
 * TCP/UDP/SCTP/ICMP/ICMPv6 and the packets ICMP errors quote, each cut at
 * every length. */
#include "decode_frames.h"

static void eth_v4(struct fb *f, uint8_t proto, size_t opt_len)
{
	fb_init(f);
	fb_eth(f, 0x0800);
	fb_ipv4_full(f, FB_V4_A, FB_V4_B, proto, opt_len, 0x1111, 0);
}

static void eth_v6(struct fb *f, uint8_t nh)
{
	fb_init(f);
	fb_eth(f, 0x86dd);
	fb_ipv6(f, FB_V6_A, FB_V6_B, nh);
}

static void test_ipv4_options_and_tcp_options(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	eth_v4(&f, FA_L4_TCP, 8);
	fb_tcp(&f, 40000, 443, FA_TCP_SYN | FA_TCP_ACK, 20);
	fb_fill(&f, 0x16, 100);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.ip_len, 28 + 40 + 100);
	assert_int_equal(p.l3_len, 168);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 443);
	assert_int_equal(p.tcp_flags, FA_TCP_SYN | FA_TCP_ACK);
	assert_ptr_equal(p.payload, f.b + 14 + 28 + 40);
	assert_int_equal(p.payload_len, 100);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Maximum IHL (15 words, 40 bytes of options). */
	eth_v4(&f, FA_L4_UDP, 40);
	fb_udp(&f, 9, 10);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.dport, 10);
	fb_check_cuts(&f, FA_LINK_EN10MB);
}

static void test_ipv4_malformed(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	eth_v4(&f, FA_L4_UDP, 0);
	fb_udp(&f, 1, 2);
	fb_fill(&f, 0, 10);
	fb_finish(&f);
	f.b[14] = 0x44; /* IHL 4 */
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_IPV4_HLEN);
	f.b[14] = 0x46; /* IHL 6 and total length 20: smaller than the header */
	f.b[16] = 0;
	f.b[17] = 20;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_IPV4_TOTLEN);
	f.b[14] = 0x45;
	f.b[17] = 19;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_IPV4_TOTLEN);
	f.b[14] = 0x65; /* version 6 behind EtherType IPv4 */
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_IP_VERSION);

	/* Total length 28: the UDP header only; the 10 bytes after it are
	 * not payload, and ip_len is what the header says. */
	f.b[14] = 0x45;
	f.b[17] = 28;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.ip_len, 28);
	assert_int_equal(p.l3_len, 28);
	assert_int_equal(p.payload_len, 0);
	/* Total length beyond the capture: counted as the header says. */
	f.b[16] = 0x05;
	f.b[17] = 0xdc;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.ip_len, 1500);
	assert_int_equal(p.l3_len, 38);
}

static void test_ipv6_extension_headers(void **state)
{
	static const uint8_t exts[] = {0, 43, 60, 51};
	struct fb f;
	struct fa_pkt p;
	(void)state;

	/* Each extension header alone before TCP. */
	for (unsigned i = 0; i < sizeof(exts); i++) {
		eth_v6(&f, exts[i]);
		if (exts[i] == 51)
			fb_ip6_ah(&f, FA_L4_TCP);
		else
			fb_ip6_ext(&f, FA_L4_TCP, (uint8_t)(i * 2)); /* routing: even length */
		fb_tcp(&f, 1234, 80, FA_TCP_ACK, 0);
		fb_fill(&f, 0x47, 7);
		fb_finish(&f);
		assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
		assert_int_equal(p.l4proto, FA_L4_TCP);
		assert_int_equal(p.sport, 1234);
		assert_int_equal(p.payload_len, 7);
		assert_int_equal(p.payload[0], 0x47);
		fb_check_cuts(&f, FA_LINK_EN10MB);
	}

	/* The whole chain in RFC 8200's recommended order, then UDP. */
	eth_v6(&f, 0);
	fb_ip6_ext(&f, 60, 1);
	fb_ip6_ext(&f, 43, 0);
	fb_ip6_ext(&f, 51, 2);
	fb_ip6_ah(&f, 60);
	fb_ip6_ext(&f, FA_L4_UDP, 0);
	fb_udp(&f, 546, 547);
	fb_fill(&f, 0x01, 3);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.l4proto, FA_L4_UDP);
	assert_int_equal(p.sport, 546);
	assert_int_equal(p.dport, 547);
	assert_int_equal(p.ip_len, 40 + 16 + 8 + 24 + 24 + 8 + 8 + 3);
	assert_ptr_equal(p.payload, f.b + 14 + 40 + 16 + 8 + 24 + 24 + 8 + 8);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* An atomic fragment (offset 0, M clear) is a whole packet. */
	eth_v6(&f, 44);
	fb_ip6_frag(&f, FA_L4_UDP, 0, 0, 99);
	fb_udp(&f, 5, 6);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.dport, 6);
	fb_check_cuts(&f, FA_LINK_EN10MB);
}

static void test_ipv6_esp_and_no_next_header(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	eth_v6(&f, 0);
	fb_ip6_ext(&f, 50, 0);
	f.pl_off = f.len;
	fb_be32(&f, 0x0000abcd); /* SPI */
	fb_be32(&f, 5);          /* sequence */
	fb_fill(&f, 0xee, 32);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.l4proto, 50);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.payload_len, 40);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	eth_v6(&f, 60);
	fb_ip6_ext(&f, 59, 0);
	f.pl_off = f.len;
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.l4proto, 59);
	assert_int_equal(p.payload_len, 0);
	fb_check_cuts(&f, FA_LINK_EN10MB);
}

static void test_udp_length(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	eth_v4(&f, FA_L4_UDP, 0);
	fb_udp(&f, 53, 33000);
	fb_fill(&f, 0x33, 30);
	fb_finish(&f);
	f.b[14 + 20 + 5] = 8 + 12; /* UDP length covers 12 of the 30 bytes */
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.payload_len, 12);
	assert_int_equal(p.ip_len, 20 + 8 + 30);
	f.b[14 + 20 + 5] = 7;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_UDP_LEN);
}

static void test_tcp_header_length(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	eth_v4(&f, FA_L4_TCP, 0);
	fb_tcp(&f, 1, 2, 0, 0);
	fb_fill(&f, 0, 8);
	fb_finish(&f);
	f.b[14 + 20 + 12] = 0x40; /* data offset 4 */
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_TCP_HLEN);
	f.b[14 + 20 + 12] = 0xf0; /* 60 bytes, but the whole packet has 28 */
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_ERROR);
	assert_int_equal(p.error, FA_DR_TCP_HLEN);
	f.b[14 + 20 + 12] = 0x70; /* 28 bytes: exactly all of it */
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.payload_len, 0);
}

static void test_sctp(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	eth_v4(&f, FA_L4_SCTP, 0);
	fb_sctp(&f, 2905, 2906);
	fb_u8(&f, 1); /* INIT chunk header */
	fb_u8(&f, 0);
	fb_be16(&f, 20);
	fb_fill(&f, 0, 16);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.l4proto, FA_L4_SCTP);
	assert_int_equal(p.sport, 2905);
	assert_int_equal(p.dport, 2906);
	assert_int_equal(p.payload_len, 20);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	eth_v6(&f, FA_L4_SCTP);
	fb_sctp(&f, 36412, 36412);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.sport, 36412);
	fb_check_cuts(&f, FA_LINK_EN10MB);
}

static void test_icmp_echo(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	eth_v4(&f, FA_L4_ICMP, 0);
	fb_icmp(&f, 8, 0);
	fb_fill(&f, 0x61, 56);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.l4proto, FA_L4_ICMP);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(p.icmp_code, 0);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.payload_len, 56);
	assert_false(p.icmp_error);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	eth_v6(&f, FA_L4_ICMPV6);
	fb_icmp(&f, 129, 0); /* echo reply */
	fb_fill(&f, 0x62, 8);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.l4proto, FA_L4_ICMPV6);
	assert_int_equal(p.icmp_type, 129);
	assert_false(p.icmp_error);
	fb_check_cuts(&f, FA_LINK_EN10MB);
}

static void test_icmp_errors_quote_v4(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	/* Port unreachable from 198.51.100.2 about a UDP packet that
	 * 192.0.2.1:5000 sent to 198.51.100.2:161. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, FB_V4_B, FB_V4_A, FA_L4_ICMP);
	fb_icmp(&f, 3, 3);
	fb_quote_v4(&f, FB_V4_A, FB_V4_B, FA_L4_UDP, 5000, 161);
	fb_fill(&f, 0x30, 12); /* more of the quoted UDP payload */
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.icmp_type, 3);
	assert_int_equal(p.icmp_code, 3);
	assert_true(p.icmp_error);
	assert_int_equal(p.quoted_l4proto, FA_L4_UDP);
	assert_true(fb_addr_is(&p.quoted_src, FB_V4_A, 4));
	assert_true(fb_addr_is(&p.quoted_dst, FB_V4_B, 4));
	assert_int_equal(p.quoted_sport, 5000);
	assert_int_equal(p.quoted_dport, 161);
	assert_true(fb_addr_is(&p.src, FB_V4_B, 4)); /* the error's own addresses */
	assert_int_equal(p.sport, 0);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Time exceeded quoting TCP. */
	fb_init(&f);
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, FB_V4_C, FB_V4_A, FA_L4_ICMP);
	fb_icmp(&f, 11, 0);
	fb_quote_v4(&f, FB_V4_A, FB_V4_D, FA_L4_TCP, 33434, 443);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_true(p.icmp_error);
	assert_int_equal(p.quoted_l4proto, FA_L4_TCP);
	assert_int_equal(p.quoted_sport, 33434);
	assert_int_equal(p.quoted_dport, 443);
	assert_true(fb_addr_is(&p.quoted_dst, FB_V4_D, 4));
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* A quote of a non-first fragment has no ports to attribute. */
	f.b[14 + 20 + 8 + 6] = 0x00;
	f.b[14 + 20 + 8 + 7] = 0x10;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_false(p.icmp_error);
	/* A redirect (type 5) is an error; an echo request quoting is not. */
	f.b[14 + 20 + 8 + 7] = 0;
	f.b[14 + 20] = 5;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_true(p.icmp_error);
	f.b[14 + 20] = 8;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_false(p.icmp_error);
}

static void test_icmpv6_errors_quote_v6(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	/* Destination unreachable quoting TCP. */
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, FB_V6_B, FB_V6_A, FA_L4_ICMPV6);
	fb_icmp(&f, 1, 4);
	fb_quote_v6(&f, FB_V6_A, FB_V6_C, FA_L4_TCP, 51000, 22);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.icmp_type, 1);
	assert_int_equal(p.icmp_code, 4);
	assert_true(p.icmp_error);
	assert_int_equal(p.quoted_l4proto, FA_L4_TCP);
	assert_true(fb_addr_is(&p.quoted_src, FB_V6_A, 6));
	assert_true(fb_addr_is(&p.quoted_dst, FB_V6_C, 6));
	assert_int_equal(p.quoted_sport, 51000);
	assert_int_equal(p.quoted_dport, 22);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Packet too big quoting UDP, with more quoted bytes after. */
	fb_init(&f);
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, FB_V6_D, FB_V6_A, FA_L4_ICMPV6);
	fb_icmp(&f, 2, 0);
	fb_quote_v6(&f, FB_V6_A, FB_V6_B, FA_L4_UDP, 4500, 4500);
	fb_fill(&f, 0, 100);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_true(p.icmp_error);
	assert_int_equal(p.quoted_l4proto, FA_L4_UDP);
	assert_int_equal(p.quoted_sport, 4500);
	fb_check_cuts(&f, FA_LINK_EN10MB);

	/* Informational ICMPv6 (neighbour solicitation, 135) quotes nothing. */
	f.b[14 + 40] = 135;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_false(p.icmp_error);
	/* An ICMPv6 error quoting an IPv4 packet is not a quote we read. */
	f.b[14 + 40] = 1;
	f.b[14 + 48] = 0x45;
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_false(p.icmp_error);
}

static void test_inner_fields_reset(void **state)
{
	struct fb f;
	struct fa_pkt p;
	(void)state;

	/* ICMP carried over IPv4 has no ports; protocol 1 in IPv6 is not
	 * ICMPv6 and is passed through without an ICMP reading. */
	eth_v6(&f, FA_L4_ICMP);
	f.pl_off = f.len;
	fb_icmp(&f, 3, 1);
	fb_finish(&f);
	assert_int_equal(fb_decode(&f, FA_LINK_EN10MB, &p), FA_DEC_PACKET);
	assert_int_equal(p.l4proto, FA_L4_ICMP);
	assert_int_equal(p.icmp_type, 0);
	assert_int_equal(p.payload_len, 8);
	assert_false(p.icmp_error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_options_and_tcp_options),
	    cmocka_unit_test(test_ipv4_malformed),
	    cmocka_unit_test(test_ipv6_extension_headers),
	    cmocka_unit_test(test_ipv6_esp_and_no_next_header),
	    cmocka_unit_test(test_udp_length),
	    cmocka_unit_test(test_tcp_header_length),
	    cmocka_unit_test(test_sctp),
	    cmocka_unit_test(test_icmp_echo),
	    cmocka_unit_test(test_icmp_errors_quote_v4),
	    cmocka_unit_test(test_icmpv6_errors_quote_v6),
	    cmocka_unit_test(test_inner_fields_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
