/* test_flow_key.c - flow keys: symmetric hashing, the service-port table
 * and the names the flow records carry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/fa_addr.h"
#include "flow/flow.h"

static struct fa_pkt mk(const char *src, uint16_t sp, const char *dst, uint16_t dp, uint8_t proto)
{
	struct fa_pkt p;

	memset(&p, 0, sizeof(p));
	assert_true(fa_addr_parse(src, &p.src));
	assert_true(fa_addr_parse(dst, &p.dst));
	p.sport = sp;
	p.dport = dp;
	p.l4proto = proto;
	return p;
}

static struct fa_pkt reversed(const struct fa_pkt *p)
{
	struct fa_pkt r = *p;

	r.src = p->dst;
	r.dst = p->src;
	r.sport = p->dport;
	r.dport = p->sport;
	return r;
}

static void test_hash_symmetric_v4(void **state)
{
	(void)state;
	struct fa_pkt a = mk("192.0.2.1", 40000, "198.51.100.7", 443, FA_L4_TCP);
	struct fa_pkt b = reversed(&a);

	assert_int_equal(fa_flow_hash_pkt(&a), fa_flow_hash_pkt(&b));
	/* A different port on either side is a different flow. */
	struct fa_pkt c = a;
	c.sport = 40001;
	assert_int_not_equal(fa_flow_hash_pkt(&a), fa_flow_hash_pkt(&c));
	/* Same ports, swapped between the hosts: also a different flow. */
	struct fa_pkt d = a;
	d.sport = 443;
	d.dport = 40000;
	assert_int_not_equal(fa_flow_hash_pkt(&a), fa_flow_hash_pkt(&d));
	/* The protocol is part of the key. */
	struct fa_pkt e = a;
	e.l4proto = FA_L4_UDP;
	assert_int_not_equal(fa_flow_hash_pkt(&a), fa_flow_hash_pkt(&e));
}

static void test_hash_symmetric_v6(void **state)
{
	(void)state;
	struct fa_pkt a = mk("2001:db8::1", 5353, "2001:db8:ffff::2", 53, FA_L4_UDP);
	struct fa_pkt b = reversed(&a);

	assert_int_equal(fa_flow_hash_pkt(&a), fa_flow_hash_pkt(&b));
	/* Equal addresses, ports decide the canonical order. */
	struct fa_pkt s = mk("2001:db8::1", 1000, "2001:db8::1", 2000, FA_L4_UDP);
	struct fa_pkt sr = reversed(&s);
	assert_int_equal(fa_flow_hash_pkt(&s), fa_flow_hash_pkt(&sr));
}

static void test_hash_vlans(void **state)
{
	(void)state;
	struct fa_pkt a = mk("10.1.1.1", 1234, "10.2.2.2", 80, FA_L4_TCP);
	struct fa_pkt none = a;

	a.nvlan = 2;
	a.vlan[0] = 100;
	a.vlan[1] = 7;
	struct fa_pkt b = reversed(&a);
	assert_int_equal(fa_flow_hash_pkt(&a), fa_flow_hash_pkt(&b));

	struct fa_pkt other = a;
	other.vlan[1] = 8;
	assert_int_not_equal(fa_flow_hash_pkt(&a), fa_flow_hash_pkt(&other));
	/* Tag order matters: 100/7 is not 7/100. */
	struct fa_pkt swapped = a;
	swapped.vlan[0] = 7;
	swapped.vlan[1] = 100;
	assert_int_not_equal(fa_flow_hash_pkt(&a), fa_flow_hash_pkt(&swapped));
	assert_int_not_equal(fa_flow_hash_pkt(&a), fa_flow_hash_pkt(&none));
	/* Stale ids past nvlan are not part of the key. */
	struct fa_pkt junk = none;
	junk.vlan[0] = 999;
	assert_int_equal(fa_flow_hash_pkt(&junk), fa_flow_hash_pkt(&none));
}

static void test_hash_icmp_ports_ignored(void **state)
{
	(void)state;
	struct fa_pkt req = mk("192.0.2.1", 0, "192.0.2.9", 0, FA_L4_ICMP);
	struct fa_pkt rep = reversed(&req);

	req.icmp_type = 8;
	rep.icmp_type = 0;
	/* Even if a decoder put the echo identifier in the ports. */
	req.sport = 0x1234;
	assert_int_equal(fa_flow_hash_pkt(&req), fa_flow_hash_pkt(&rep));
}

static void test_hash_icmp_error_is_quoted_flow(void **state)
{
	(void)state;
	struct fa_pkt udp = mk("192.0.2.1", 33000, "203.0.113.5", 53, FA_L4_UDP);
	struct fa_pkt err = mk("198.18.0.1", 0, "192.0.2.1", 0, FA_L4_ICMP);

	err.icmp_type = 3;
	err.icmp_code = 3;
	err.icmp_error = true;
	err.quoted_l4proto = FA_L4_UDP;
	err.quoted_src = udp.src;
	err.quoted_dst = udp.dst;
	err.quoted_sport = 33000;
	err.quoted_dport = 53;
	assert_int_equal(fa_flow_hash_pkt(&err), fa_flow_hash_pkt(&udp));
}

static void test_service_ports(void **state)
{
	(void)state;
	static const uint16_t yes[] = {20,   21,   22,   23,   25,   53,   80,    137,
	                               138,  139,  443,  989,  992,  995,  2195,  2196,
	                               2197, 3306, 5060, 5432, 8080, 8443, 11211, 27017};
	static const uint16_t no[] = {0,    1,    19,   24,    81,    444,   996,  2194,
	                              2198, 7777, 8081, 33000, 49152, 60999, 65535};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		assert_true(fa_flow_is_service_port(FA_L4_TCP, yes[i]));
		assert_true(fa_flow_is_service_port(FA_L4_UDP, yes[i]));
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(fa_flow_is_service_port(FA_L4_TCP, no[i]));
	/* Ports mean nothing for ICMP or GRE. */
	assert_false(fa_flow_is_service_port(FA_L4_ICMP, 80));
	assert_false(fa_flow_is_service_port(47, 80));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fa_initiator_name(FA_INIT_SYN), "syn");
	assert_string_equal(fa_initiator_name(FA_INIT_FIRST), "first-packet");
	assert_string_equal(fa_initiator_name(FA_INIT_INFERRED), "inferred");
	assert_string_equal(fa_flow_end_name(FA_END_FIN), "fin");
	assert_string_equal(fa_flow_end_name(FA_END_RST), "rst");
	assert_string_equal(fa_flow_end_name(FA_END_IDLE), "idle");
	assert_string_equal(fa_flow_end_name(FA_END_EVICTED), "evicted");
	assert_string_equal(fa_flow_end_name(FA_END_EOF), "eof");
	assert_string_equal(fa_flow_end_name(FA_END__COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_symmetric_v4),
	    cmocka_unit_test(test_hash_symmetric_v6),
	    cmocka_unit_test(test_hash_vlans),
	    cmocka_unit_test(test_hash_icmp_ports_ignored),
	    cmocka_unit_test(test_hash_icmp_error_is_quoted_flow),
	    cmocka_unit_test(test_service_ports),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
