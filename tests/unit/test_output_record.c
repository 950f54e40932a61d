/* test_output_record.c - the "flow" and "stats" records against lines written
 * by hand from docs/json.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "output/jsonw.h"
#include "output/sink.h"
#include "test_output_jsoncheck.h"

static struct fa_addr addr(const char *s)
{
	struct fa_addr a;
	assert_true(fa_addr_parse(s, &a));
	return a;
}

/* A TLS flow over VLANs inside VXLAN, with partial geo on both sides. */
static struct fa_flow_record tls_flow(void)
{
	struct fa_flow_record r;
	memset(&r, 0, sizeof(r));
	r.ts_first_us = 1700000000123456ULL; /* 2023-11-14 22:13:20.123456 UTC */
	r.ts_last_us = 1700000061000001ULL;
	r.proto = "tcp";
	r.vlan[0] = 10;
	r.vlan[1] = 20;
	r.nvlan = 2;
	r.src_ip = addr("192.0.2.10");
	r.src_port = 51234;
	r.dst_ip = addr("198.51.100.7");
	r.dst_port = 443;
	r.initiator = "syn";
	r.app = "TLS.Google";
	r.app_master = "TLS";
	r.app_proto = "Google";
	r.category = "Web";
	r.hostname = "www.example.com";
	r.dst_name = "example.com";
	r.risks[0] = "Self-signed Cert";
	r.risks[1] = "Obsolete TLS";
	r.nrisks = 2;
	r.pkts_fwd = 12;
	r.pkts_rev = 10;
	r.bytes_fwd = 3456;
	r.bytes_rev = 7890;
	r.end = "fin";
	r.has_src_geo = true;
	r.src_geo.asn = 64500;
	r.src_geo.as_org = "Example \"Net\"";
	r.has_dst_geo = true;
	r.dst_geo.country = "US";
	r.tunnel = "vxlan";
	return r;
}

static const char tls_line[] =
    "{\"type\":\"flow\",\"ts_first\":\"2023-11-14T22:13:20.123456Z\","
    "\"ts_last\":\"2023-11-14T22:14:21.000001Z\",\"proto\":\"tcp\",\"vlan\":[10,20],"
    "\"src_ip\":\"192.0.2.10\",\"src_port\":51234,\"dst_ip\":\"198.51.100.7\","
    "\"dst_port\":443,\"initiator\":\"syn\",\"app\":\"TLS.Google\",\"app_master\":\"TLS\","
    "\"app_proto\":\"Google\",\"category\":\"Web\",\"app_guessed\":false,"
    "\"hostname\":\"www.example.com\",\"dst_name\":\"example.com\","
    "\"risks\":[\"Self-signed Cert\",\"Obsolete TLS\"],\"pkts_fwd\":12,\"pkts_rev\":10,"
    "\"bytes_fwd\":3456,\"bytes_rev\":7890,\"end\":\"fin\","
    "\"src_geo\":{\"asn\":64500,\"as_org\":\"Example \\\"Net\\\"\"},"
    "\"dst_geo\":{\"country\":\"US\"},\"tunnel\":\"vxlan\"}\n";

static void test_flow_full(void **state)
{
	(void)state;
	struct fa_flow_record r = tls_flow();
	struct jw w;
	jw_init(&w);
	fa_json_flow(&w, &r);
	assert_false(jw_failed(&w));
	assert_string_equal(w.buf, tls_line);
	assert_true(json_valid(w.buf, w.len));
	jw_free(&w);
}

static void test_flow_icmpv6_unknowns(void **state)
{
	(void)state;
	struct fa_flow_record r;
	memset(&r, 0, sizeof(r));
	r.ts_first_us = 86400000001ULL; /* one day and a microsecond */
	r.ts_last_us = 86400000001ULL;
	r.proto = "icmpv6";
	r.src_ip = addr("2001:db8::1");
	r.dst_ip = addr("2001:db8:0:1::53");
	r.initiator = "first-packet";
	r.app_proto = "";
	r.app_guessed = true;
	r.dst_name = "";
	r.pkts_fwd = 1;
	r.bytes_fwd = 104;
	r.icmp_errors = 3;
	r.end = "idle";

	struct jw w;
	jw_init(&w);
	fa_json_flow(&w, &r);
	assert_string_equal(
	    w.buf, "{\"type\":\"flow\",\"ts_first\":\"1970-01-02T00:00:00.000001Z\","
	           "\"ts_last\":\"1970-01-02T00:00:00.000001Z\",\"proto\":\"icmpv6\",\"vlan\":[],"
	           "\"src_ip\":\"2001:db8::1\",\"src_port\":0,\"dst_ip\":\"2001:db8:0:1::53\","
	           "\"dst_port\":0,\"initiator\":\"first-packet\",\"app\":\"\",\"app_master\":\"\","
	           "\"app_proto\":\"\",\"category\":\"\",\"app_guessed\":true,\"hostname\":null,"
	           "\"dst_name\":null,\"risks\":[],\"pkts_fwd\":1,\"pkts_rev\":0,\"bytes_fwd\":104,"
	           "\"bytes_rev\":0,\"icmp_errors\":3,\"end\":\"idle\"}\n");
	jw_free(&w);
}

static void test_flow_hostile_strings(void **state)
{
	(void)state;
	struct fa_flow_record r = tls_flow();
	r.hostname = "evil\n\x1b[31m\xc0\xafhost\"";
	r.risks[1] = "\xff";
	r.nvlan = 99; /* beyond the array: capped, never read past */
	r.nrisks = 1000;
	for (unsigned i = 2; i < FA_REC_MAX_RISKS; i++)
		r.risks[i] = NULL;

	struct jw w;
	jw_init(&w);
	fa_json_flow(&w, &r);
	assert_false(jw_failed(&w));
	assert_true(json_valid(w.buf, w.len));
	assert_non_null(strstr(w.buf, "\"hostname\":\"evil\\n\\u001b[31m\xef\xbf\xbd\xef\xbf\xbd"
	                              "host\\\"\""));
	assert_non_null(strstr(w.buf, "\"risks\":[\"Self-signed Cert\",\"\xef\xbf\xbd\"]"));
	assert_non_null(strstr(w.buf, "\"vlan\":[10,20,0,0]"));
	/* Exactly one line. */
	assert_ptr_equal(strchr(w.buf, '\n'), w.buf + w.len - 1);
	jw_free(&w);
}

static void test_flow_appends_lines(void **state)
{
	(void)state;
	struct fa_flow_record r = tls_flow();
	struct jw w;
	jw_init(&w);
	fa_json_flow(&w, &r);
	fa_json_flow(&w, &r);
	assert_int_equal(w.len, 2 * (sizeof(tls_line) - 1));
	assert_memory_equal(w.buf, tls_line, sizeof(tls_line) - 1);
	assert_string_equal(w.buf + sizeof(tls_line) - 1, tls_line);
	jw_free(&w);
}

static void test_stats(void **state)
{
	(void)state;
	const struct fa_stat_kv errs[] = {{"truncated-tcp", 3}, {"ipv4-header-length", 1}};
	struct fa_stats_record s;
	memset(&s, 0, sizeof(s));
	s.packets = 100;
	s.bytes = 64000;
	s.ip_packets = 95;
	s.not_ip = 1;
	s.fragments = 2;
	s.reassembled = 1;
	s.flows = 7;
	s.icmp_errors_unmatched = 2;
	s.decode_errors = errs;
	s.ndecode_errors = 2;
	s.decode_errors_total = 4;

	struct jw w;
	jw_init(&w);
	fa_json_stats(&w, &s);
	assert_string_equal(w.buf, "{\"type\":\"stats\",\"packets\":100,\"bytes\":64000,"
	                           "\"ip_packets\":95,\"not_ip\":1,\"fragments\":2,"
	                           "\"reassembled\":1,\"flows\":7,\"flows_active\":0,\"evicted\":0,"
	                           "\"icmp_errors_unmatched\":2,\"capture_drops\":0,"
	                           "\"capture_if_drops\":0,\"decode_errors\":{\"truncated-tcp\":3,"
	                           "\"ipv4-header-length\":1},\"decode_errors_total\":4}\n");

	memset(&s, 0, sizeof(s));
	s.ts_us = 1700000000000000ULL;
	s.flows_active = 5;
	s.evicted = 6;
	s.capture_drops = 8;
	s.capture_if_drops = 9;
	jw_reset(&w);
	fa_json_stats(&w, &s);
	assert_string_equal(w.buf, "{\"type\":\"stats\",\"ts\":\"2023-11-14T22:13:20.000000Z\","
	                           "\"packets\":0,\"bytes\":0,\"ip_packets\":0,\"not_ip\":0,"
	                           "\"fragments\":0,\"reassembled\":0,\"flows\":0,"
	                           "\"flows_active\":5,\"evicted\":6,\"icmp_errors_unmatched\":0,"
	                           "\"capture_drops\":8,\"capture_if_drops\":9,"
	                           "\"decode_errors\":{},\"decode_errors_total\":0}\n");
	assert_true(json_valid(w.buf, w.len));
	jw_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flow_full),
	    cmocka_unit_test(test_flow_icmpv6_unknowns),
	    cmocka_unit_test(test_flow_hostile_strings),
	    cmocka_unit_test(test_flow_appends_lines),
	    cmocka_unit_test(test_stats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
