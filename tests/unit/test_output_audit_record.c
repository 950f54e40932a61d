/* test_output_audit_record.c - the policy members of "flow" records and the
 * "finding" and "rule" records, against lines written by hand from
 * docs/json.md. */
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

static struct fa_flow_record trap_flow(void)
{
	struct fa_flow_record r;
	memset(&r, 0, sizeof(r));
	r.ts_first_us = 1700000000123456ULL;
	r.ts_last_us = 1700000061000001ULL;
	r.proto = "udp";
	r.src_ip = addr("10.1.2.3");
	r.src_port = 40000;
	r.dst_ip = addr("10.0.0.5");
	r.dst_port = 162;
	r.initiator = "first-packet";
	r.app = "SNMP";
	r.app_proto = "SNMP";
	r.category = "Network";
	r.pkts_fwd = 1;
	r.bytes_fwd = 120;
	r.end = "idle";
	return r;
}

/* Everything up to the policy members, without the closing brace. */
#define TRAP_HEAD                                                                                  \
	"{\"type\":\"flow\",\"ts_first\":\"2023-11-14T22:13:20.123456Z\","                         \
	"\"ts_last\":\"2023-11-14T22:14:21.000001Z\",\"proto\":\"udp\",\"vlan\":[],"               \
	"\"src_ip\":\"10.1.2.3\",\"src_port\":40000,\"dst_ip\":\"10.0.0.5\",\"dst_port\":162,"     \
	"\"initiator\":\"first-packet\",\"app\":\"SNMP\",\"app_master\":\"\","                     \
	"\"app_proto\":\"SNMP\",\"category\":\"Network\",\"app_guessed\":false,"                   \
	"\"hostname\":null,\"dst_name\":null,\"risks\":[],\"pkts_fwd\":1,\"pkts_rev\":0,"          \
	"\"bytes_fwd\":120,\"bytes_rev\":0,\"end\":\"idle\""

static void check_flow(const struct fa_flow_record *r, const char *expected)
{
	struct jw w;
	jw_init(&w);
	fa_json_flow(&w, r);
	assert_false(jw_failed(&w));
	assert_string_equal(w.buf, expected);
	assert_true(json_valid(w.buf, w.len));
	jw_free(&w);
}

static void test_flow_without_verdict(void **state)
{
	(void)state;
	struct fa_flow_record r = trap_flow();
	/* Set but ignored: without a verdict no policy member is written. */
	r.rule = "ovoc-trap";
	r.why = "ignored";
	check_flow(&r, TRAP_HEAD "}\n");
}

static void test_flow_undocumented(void **state)
{
	(void)state;
	struct fa_flow_record r = trap_flow();
	r.verdict = "undocumented";
	r.severity = "medium";
	r.rule = "ovoc-trap";
	r.policy = "AudioCodes OVOC";
	r.dst_role = "ovoc";
	r.why =
	    "rule ovoc-trap expects udp/162 from role devices; initiator 10.1.2.3 is in no role";
	check_flow(&r, TRAP_HEAD ",\"verdict\":\"undocumented\",\"severity\":\"medium\","
	                         "\"rule\":\"ovoc-trap\",\"policy\":\"AudioCodes OVOC\","
	                         "\"src_role\":null,\"dst_role\":\"ovoc\",\"why\":\"rule ovoc-trap "
	                         "expects udp/162 from role devices; initiator 10.1.2.3 is in no "
	                         "role\"}\n");
}

static void test_flow_allowed(void **state)
{
	(void)state;
	struct fa_flow_record r = trap_flow();
	r.verdict = "allowed";
	r.rule = "ovoc-trap";
	r.policy = "OVOC";
	r.src_role = "devices";
	r.dst_role = "ovoc";
	r.why = ""; /* empty: omitted like NULL */
	check_flow(&r, TRAP_HEAD ",\"verdict\":\"allowed\",\"severity\":null,"
	                         "\"rule\":\"ovoc-trap\",\"policy\":\"OVOC\","
	                         "\"src_role\":\"devices\",\"dst_role\":\"ovoc\"}\n");
}

static void test_flow_out_of_scope(void **state)
{
	(void)state;
	struct fa_flow_record r = trap_flow();
	r.verdict = "out-of-scope";
	check_flow(&r, TRAP_HEAD ",\"verdict\":\"out-of-scope\",\"severity\":null,\"rule\":null,"
	                         "\"policy\":null,\"src_role\":null,\"dst_role\":null}\n");
}

static struct fa_finding ssh_finding(void)
{
	struct fa_finding f;
	memset(&f, 0, sizeof(f));
	f.verdict = "denied";
	f.severity = "high";
	f.verdict_id = FA_V_DENIED;
	f.severity_id = FA_SEV_HIGH;
	f.policy = "OVOC";
	f.initiator = "203.0.113.9";
	f.initiator_is_role = false;
	f.responder = "ovoc";
	f.responder_is_role = true;
	f.proto = "tcp";
	f.port = 22;
	f.app = "SSH";
	f.flows = 3;
	f.pkts = 42;
	f.bytes = 5000;
	f.first_us = 1700000000123456ULL;
	f.last_us = 1700000061000001ULL;
	f.rule = "ssh-exposed";
	f.why = "deny rule ssh-exposed: no SSH from outside";
	f.fix = "block tcp/22 to ovoc from \"outside\"";
	f.ex_src = addr("203.0.113.9");
	f.ex_sport = 50022;
	f.ex_dst = addr("2001:db8::5");
	f.ex_dport = 22;
	f.ex_ts_us = 1700000000000000ULL;
	return f;
}

static void test_finding(void **state)
{
	(void)state;
	struct fa_finding f = ssh_finding();
	struct jw w;
	jw_init(&w);
	fa_json_finding(&w, &f);
	assert_string_equal(
	    w.buf,
	    "{\"type\":\"finding\",\"verdict\":\"denied\",\"severity\":\"high\",\"policy\":"
	    "\"OVOC\","
	    "\"initiator\":\"203.0.113.9\",\"initiator_is_role\":false,\"responder\":\"ovoc\","
	    "\"responder_is_role\":true,\"proto\":\"tcp\",\"port\":22,\"app\":\"SSH\",\"flows\":3,"
	    "\"pkts\":42,\"bytes\":5000,\"first_seen\":\"2023-11-14T22:13:20.123456Z\","
	    "\"last_seen\":\"2023-11-14T22:14:21.000001Z\",\"rule\":\"ssh-exposed\","
	    "\"why\":\"deny rule ssh-exposed: no SSH from outside\","
	    "\"fix\":\"block tcp/22 to ovoc from \\\"outside\\\"\","
	    "\"example\":{\"ts\":\"2023-11-14T22:13:20.000000Z\",\"src_ip\":\"203.0.113.9\","
	    "\"src_port\":50022,\"dst_ip\":\"2001:db8::5\",\"dst_port\":22}}\n");
	assert_true(json_valid(w.buf, w.len));

	/* Missing strings are null, never absent. */
	f.policy = NULL;
	f.app = "";
	f.rule = NULL;
	f.fix = NULL;
	jw_reset(&w);
	fa_json_finding(&w, &f);
	assert_non_null(strstr(w.buf, "\"policy\":null,"));
	assert_non_null(strstr(w.buf, "\"app\":null,"));
	assert_non_null(strstr(w.buf, "\"rule\":null,"));
	assert_non_null(strstr(w.buf, "\"fix\":null,"));
	assert_true(json_valid(w.buf, w.len));
	jw_free(&w);
}

static void test_rule_used(void **state)
{
	(void)state;
	struct fa_rule_coverage r;
	memset(&r, 0, sizeof(r));
	r.id = "sip-trunk";
	r.policy = "AspenUC";
	r.src_role = "phones";
	r.dst_role = "any";
	r.service = "tcp/5060-5061,udp/5060";
	r.apps = " SIP ,RTP,,";
	r.ref = "Table 2";
	r.flags = FA_RULE_BIDIR | FA_RULE_OPTIONAL;
	r.severity_id = FA_SEV_CRITICAL;
	r.flows = 7;
	r.pkts = 700;
	r.bytes = 70000;
	r.first_us = 1700000000123456ULL;
	r.last_us = 1700000061000001ULL;
	r.initiators = 2;
	r.responders = 1;

	struct jw w;
	jw_init(&w);
	fa_json_rule(&w, &r);
	assert_string_equal(
	    w.buf,
	    "{\"type\":\"rule\",\"id\":\"sip-trunk\",\"policy\":\"AspenUC\",\"kind\":\"allow\","
	    "\"src_role\":\"phones\",\"dst_role\":\"any\",\"bidirectional\":true,"
	    "\"service\":\"tcp/5060-5061,udp/5060\",\"apps\":[\"SIP\",\"RTP\"],"
	    "\"optional\":true,\"disabled\":false,\"severity\":\"critical\","
	    "\"ref\":\"Table 2\",\"purpose\":null,\"flows\":7,\"pkts\":700,\"bytes\":70000,"
	    "\"first_seen\":\"2023-11-14T22:13:20.123456Z\","
	    "\"last_seen\":\"2023-11-14T22:14:21.000001Z\",\"initiators\":2,"
	    "\"responders\":1,\"unused\":false}\n");
	assert_true(json_valid(w.buf, w.len));
	jw_free(&w);
}

static void test_rule_unused_deny(void **state)
{
	(void)state;
	struct fa_rule_coverage r;
	memset(&r, 0, sizeof(r));
	r.id = "dbg";
	r.policy = "OVOC";
	r.src_role = "ovoc";
	r.dst_role = "devices";
	r.service = "udp/925";
	r.apps = "";
	r.purpose = "debug <recording>";
	r.flags = FA_RULE_DENY | FA_RULE_DISABLED;
	r.unused = true;

	struct jw w;
	jw_init(&w);
	fa_json_rule(&w, &r);
	assert_string_equal(
	    w.buf, "{\"type\":\"rule\",\"id\":\"dbg\",\"policy\":\"OVOC\",\"kind\":\"deny\","
	           "\"src_role\":\"ovoc\",\"dst_role\":\"devices\",\"bidirectional\":false,"
	           "\"service\":\"udp/925\",\"apps\":[],\"optional\":false,\"disabled\":true,"
	           "\"severity\":null,\"ref\":null,\"purpose\":\"debug <recording>\",\"flows\":0,"
	           "\"pkts\":0,\"bytes\":0,\"first_seen\":null,\"last_seen\":null,"
	           "\"initiators\":0,\"responders\":0,\"unused\":true}\n");
	assert_true(json_valid(w.buf, w.len));

	r.apps = NULL; /* tolerated like "" */
	jw_reset(&w);
	fa_json_rule(&w, &r);
	assert_non_null(strstr(w.buf, "\"apps\":[],"));
	jw_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flow_without_verdict),
	    cmocka_unit_test(test_flow_undocumented),
	    cmocka_unit_test(test_flow_allowed),
	    cmocka_unit_test(test_flow_out_of_scope),
	    cmocka_unit_test(test_finding),
	    cmocka_unit_test(test_rule_used),
	    cmocka_unit_test(test_rule_unused_deny),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
