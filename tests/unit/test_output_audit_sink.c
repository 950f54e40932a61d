/* test_output_audit_sink.c - findings and rules through the sinks: the JSON
 * Lines sink writes them as records, the summary prints its "Audit" block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fa_error.h"
#include "output/sink.h"

static struct fa_flow_record verdict_flow(const char *verdict)
{
	struct fa_flow_record r;
	memset(&r, 0, sizeof(r));
	r.ts_first_us = 1000000;
	r.ts_last_us = 2000000;
	r.proto = "udp";
	assert_true(fa_addr_parse("10.0.0.1", &r.src_ip));
	assert_true(fa_addr_parse("10.0.0.2", &r.dst_ip));
	r.src_port = 40000;
	r.dst_port = 162;
	r.app = "SNMP";
	r.end = "idle";
	r.pkts_fwd = 1;
	r.bytes_fwd = 100;
	r.verdict = verdict;
	return r;
}

static struct fa_finding finding(const char *sev, unsigned sev_id, const char *ini, uint16_t port,
                                 uint64_t flows)
{
	struct fa_finding f;
	memset(&f, 0, sizeof(f));
	f.verdict = "undocumented";
	f.verdict_id = FA_V_UNDOCUMENTED;
	f.severity = sev;
	f.severity_id = (uint8_t)sev_id;
	f.initiator = ini;
	f.responder = "ovoc";
	f.responder_is_role = true;
	f.proto = "tcp";
	f.port = port;
	f.app = "HTTP";
	f.flows = flows;
	return f;
}

static struct fa_rule_coverage rule(const char *id, bool unused)
{
	struct fa_rule_coverage r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.policy = "P";
	r.src_role = "a";
	r.dst_role = "b";
	r.service = "tcp/1";
	r.apps = "";
	r.unused = unused;
	r.flows = unused ? 0 : 1;
	return r;
}

static void expect_line(const char *text, const char *line)
{
	char want[256];
	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("missing line \"%s\" in:\n%s", line, text);
}

static char rule_ids[25][8];

static char *run_audit_summary(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	assert_non_null(fp);
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_summary_open(&s, fp), FA_OK);

	const char *verdicts[] = {"allowed",      "allowed", "allowed",         "undocumented",
	                          "undocumented", "denied",  "no-such-verdict", NULL};
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		struct fa_flow_record r = verdict_flow(verdicts[i]);
		assert_int_equal(fa_sink_write_flow(s, &r), FA_OK);
	}
	/* Twelve findings, not in severity order: the two low ones must make
	 * way for the later high and critical ones. */
	struct fa_finding fs[12] = {
	    finding("low", FA_SEV_LOW, "10.9.9.1", 1, 1),
	    finding("medium", FA_SEV_MEDIUM, "10.0.0.1", 8080, 40),
	    finding("medium", FA_SEV_MEDIUM, "10.0.0.2", 8081, 41),
	    finding("low", FA_SEV_LOW, "10.9.9.2", 2, 1),
	    finding("medium", FA_SEV_MEDIUM, "10.0.0.3", 8082, 42),
	    finding("medium", FA_SEV_MEDIUM, "10.0.0.4", 8083, 43),
	    finding("medium", FA_SEV_MEDIUM, "10.0.0.5", 8084, 44),
	    finding("medium", FA_SEV_MEDIUM, "10.0.0.6", 8085, 45),
	    finding("medium", FA_SEV_MEDIUM, "10.0.0.7", 8086, 46),
	    finding("medium", FA_SEV_MEDIUM, "10.0.0.8", 8087, 47),
	    finding("critical", FA_SEV_CRITICAL, "devices", 22, 5),
	    finding("high", FA_SEV_HIGH, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff", 443, 123456),
	};
	fs[10].initiator_is_role = true;
	for (size_t i = 0; i < 12; i++)
		assert_int_equal(fa_sink_write_finding(s, &fs[i]), FA_OK);
	/* 25 rules, the first two used. */
	for (int i = 0; i < 25; i++) {
		snprintf(rule_ids[i], sizeof(rule_ids[i]), "r%02d", i);
		struct fa_rule_coverage r = rule(rule_ids[i], i >= 2);
		assert_int_equal(fa_sink_write_rule(s, &r), FA_OK);
	}
	assert_int_equal(fa_sink_close(&s), FA_OK);
	fclose(fp);
	return text;
}

static void test_summary_audit_block(void **state)
{
	(void)state;
	char *text = run_audit_summary();
	expect_line(text, "Audit");
	expect_line(text, "Flows with a verdict                     7");
	expect_line(text, "  allowed                                3");
	expect_line(text, "  app-mismatch                           0");
	expect_line(text, "  app-unknown                            0");
	expect_line(text, "  wrong-direction                        0");
	expect_line(text, "  denied                                 1");
	expect_line(text, "  undocumented                           2");
	expect_line(text, "  out-of-scope                           0");
	expect_line(text, "  (other)                                1");
	expect_line(text, "Findings                                12");
	expect_line(text,
	            "  severity verdict         initiator -> responder            service     "
	            "app               flows");
	expect_line(text,
	            "  critical undocumented    devices -> ovoc                   tcp/22      "
	            "HTTP                  5");
	/* 46 characters of peers cut to 33, marked with '~'. */
	expect_line(text,
	            "  high     undocumented    2001:db8:aaaa:bbbb:cccc:dddd:eee~ tcp/443     "
	            "HTTP             123456");
	expect_line(text,
	            "  medium   undocumented    10.0.0.8 -> ovoc                  tcp/8087    "
	            "HTTP                 47");
	expect_line(text, "  +2 more findings");
	expect_line(text, "Rules                                   25");
	expect_line(text, "  used                                   2");
	expect_line(text, "  unused                                23");
	/* Wrapped at 90 columns: 17 ids take 4 + 17 * 5 - 1 = 88, an 18th would
	 * pass 90. */
	expect_line(text, "    r02, r03, r04, r05, r06, r07, r08, r09, r10, r11, r12, r13, r14, "
	                  "r15, r16, r17, r18,");
	expect_line(text, "    r19, r20, r21, +3 more");

	/* Worst first; the low findings fell off the list. */
	const char *crit = strstr(text, "  critical ");
	const char *high = strstr(text, "  high ");
	const char *med = strstr(text, "  medium ");
	assert_non_null(crit);
	assert_true(crit < high && high < med);
	assert_null(strstr(text, "10.9.9."));
	assert_null(strstr(text, "r22"));
	free(text);
}

static void test_summary_no_audit_block_without_policy(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_summary_open(&s, fp), FA_OK);
	struct fa_flow_record r = verdict_flow(NULL);
	assert_int_equal(fa_sink_write_flow(s, &r), FA_OK);
	assert_int_equal(fa_sink_close(&s), FA_OK);
	fclose(fp);
	assert_null(strstr(text, "Audit"));
	assert_null(strstr(text, "verdict"));
	free(text);
}

static void test_summary_few_unused_rules(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_summary_open(&s, fp), FA_OK);
	struct fa_rule_coverage r = rule("ldap-opt", true);
	assert_int_equal(fa_sink_write_rule(s, &r), FA_OK);
	r = rule("dbg", true);
	assert_int_equal(fa_sink_write_rule(s, &r), FA_OK);
	r = rule("ovoc-trap", false);
	assert_int_equal(fa_sink_write_rule(s, &r), FA_OK);
	r = rule("ssh-exposed", true);
	r.flags = FA_RULE_DENY; /* matching nothing is what a deny rule is for */
	assert_int_equal(fa_sink_write_rule(s, &r), FA_OK);
	assert_int_equal(fa_sink_close(&s), FA_OK);
	fclose(fp);
	expect_line(text, "Findings                                 0");
	expect_line(text, "  used                                   1");
	expect_line(text, "  unused                                 2");
	expect_line(text, "  deny, never matched                    1");
	expect_line(text, "    ldap-opt, dbg");
	assert_null(strstr(text, "ssh-exposed"));
	assert_null(strstr(text, "more"));
	expect_line(text, "Rules                                    4");
	assert_null(strstr(text, "severity verdict"));
	free(text);
}

static void test_json_sink_writes_findings_and_rules(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/test_output_audit_sink_%ld.jsonl", FA_TEST_BUILD,
	         (long)getpid());

	char err[256];
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_json_open(&s, path, err, sizeof(err)), FA_OK);
	struct fa_finding f = finding("high", FA_SEV_HIGH, "10.0.0.1", 22, 2);
	struct fa_rule_coverage r = rule("r1", true);
	assert_int_equal(fa_sink_write_finding(s, &f), FA_OK);
	assert_int_equal(fa_sink_write_rule(s, &r), FA_OK);
	assert_int_equal(fa_sink_close(&s), FA_OK);

	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char line1[2048], line2[2048], extra[8];
	assert_non_null(fgets(line1, sizeof(line1), fp));
	assert_non_null(fgets(line2, sizeof(line2), fp));
	assert_null(fgets(extra, sizeof(extra), fp));
	fclose(fp);
	unlink(path);
	assert_memory_equal(line1, "{\"type\":\"finding\",", 18);
	assert_non_null(strstr(line1, "\"port\":22,"));
	assert_memory_equal(line2, "{\"type\":\"rule\",\"id\":\"r1\",", 25);
	assert_non_null(strstr(line2, "\"unused\":true}\n"));
}

static void test_json_sink_finding_disk_full(void **state)
{
	(void)state;
	char err[256];
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_json_open(&s, "/dev/full", err, sizeof(err)), FA_OK);
	struct fa_finding f = finding("high", FA_SEV_HIGH, "10.0.0.1", 22, 2);
	/* Buffered writes succeed until the buffer reaches the device. */
	int rc = FA_OK;
	for (int i = 0; i < 20000 && rc == FA_OK; i++)
		rc = fa_sink_write_finding(s, &f);
	if (rc == FA_OK)
		rc = fa_sink_close_msg(&s, err, sizeof(err));
	else
		fa_sink_close_msg(&s, err, sizeof(err));
	assert_int_equal(rc, FA_ERR_IO);
	assert_non_null(strstr(err, "/dev/full"));
	assert_non_null(strstr(err, "No space left on device"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_summary_audit_block),
	    cmocka_unit_test(test_summary_no_audit_block_without_policy),
	    cmocka_unit_test(test_summary_few_unused_rules),
	    cmocka_unit_test(test_json_sink_writes_findings_and_rules),
	    cmocka_unit_test(test_json_sink_finding_disk_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
