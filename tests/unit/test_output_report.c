/* test_output_report.c - the audit report sink: sections and figures of a
 * report written for a small hand-counted set of records, in Markdown and
 * HTML; escaping of hostile strings in both; write and open errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fa_error.h"
#include "output/sink.h"

#define T0 1700000000000000ULL /* 2023-11-14 22:13:20 UTC */
#define HOSTILE "<script>alert(1)</script>"

static struct fa_flow_record flow(const char *verdict, const char *severity, uint64_t bytes,
                                  uint64_t first, uint64_t last)
{
	struct fa_flow_record r;
	memset(&r, 0, sizeof(r));
	r.ts_first_us = first;
	r.ts_last_us = last;
	r.proto = "tcp";
	assert_true(fa_addr_parse("10.0.0.1", &r.src_ip));
	assert_true(fa_addr_parse("10.0.0.2", &r.dst_ip));
	r.pkts_fwd = 2;
	r.bytes_fwd = bytes;
	r.verdict = verdict;
	r.severity = severity;
	return r;
}

static struct fa_finding finding(const char *verdict, const char *sev, unsigned sev_id)
{
	struct fa_finding f;
	memset(&f, 0, sizeof(f));
	f.verdict = verdict;
	f.severity = sev;
	f.severity_id = (uint8_t)sev_id;
	f.policy = "OVOC";
	f.proto = "tcp";
	f.flows = 1;
	f.pkts = 2;
	f.bytes = 1500;
	f.first_us = T0;
	f.last_us = T0 + 60000000ULL;
	f.ex_ts_us = T0;
	assert_true(fa_addr_parse("203.0.113.9", &f.ex_src));
	assert_true(fa_addr_parse("2001:db8::5", &f.ex_dst));
	f.ex_sport = 50022;
	f.ex_dport = 22;
	return f;
}

static struct fa_rule_coverage rule(const char *id, uint32_t flags, uint64_t flows, uint64_t bytes)
{
	struct fa_rule_coverage r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.policy = "OVOC";
	r.src_role = "devices";
	r.dst_role = "ovoc";
	r.service = "udp/162";
	r.apps = "SNMP";
	r.flags = flags;
	r.flows = flows;
	r.bytes = bytes;
	r.unused = flows == 0;
	r.first_us = flows ? T0 : 0;
	r.last_us = flows ? T0 + 3600000000ULL : 0;
	r.initiators = flows ? 2 : 0;
	r.responders = flows ? 1 : 0;
	return r;
}

/* Writes the hand-counted records: 8 flows, of them 3 allowed (300 bytes),
 * 2 undocumented (medium), 1 wrong-direction (medium), 1 denied (high), 1
 * out of scope; 2 findings; 3 rules of which 1 allow rule unused. */
static void feed(struct fa_sink *s)
{
	const uint64_t h = 3600000000ULL;
	struct fa_flow_record fl[8] = {
	    flow("allowed", NULL, 100, T0, T0 + 1000),
	    flow("allowed", NULL, 100, T0 + 5, T0 + h),
	    flow("allowed", NULL, 100, T0 + 7, T0 + 9),
	    flow("undocumented", "medium", 1000, T0 + 10, T0 + 20),
	    flow("undocumented", "medium", 1000, T0 + 10, T0 + 20),
	    flow("wrong-direction", "medium", 50, T0 + 10, T0 + 20),
	    flow("denied", "high", 1500, T0 + 10, T0 + 20),
	    flow("out-of-scope", NULL, 7, T0 + 10, T0 + 20),
	};
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(fa_sink_write_flow(s, &fl[i]), FA_OK);

	/* Medium first, as a careless producer might send them. */
	struct fa_finding med = finding("undocumented", "medium", FA_SEV_MEDIUM);
	med.initiator = HOSTILE;
	med.responder = "ovoc";
	med.responder_is_role = true;
	med.port = 8080;
	med.app = "HTTP";
	med.flows = 2;
	med.bytes = 2000;
	med.why = "port 8080 | \"quoted\" `x`\nsecond line";
	med.fix = "rule new-1 lan -> ovoc tcp 8080 `y` | z";
	struct fa_finding high = finding("denied", "high", FA_SEV_HIGH);
	high.initiator = "203.0.113.9";
	high.responder = "ovoc";
	high.port = 22;
	high.app = "SSH";
	high.rule = "ssh-exposed";
	high.why = "deny rule ssh-exposed matched";
	assert_int_equal(fa_sink_write_finding(s, &med), FA_OK);
	assert_int_equal(fa_sink_write_finding(s, &high), FA_OK);

	struct fa_rule_coverage r1 = rule("ovoc-trap", 0, 3, 300);
	struct fa_rule_coverage r2 = rule("ldap-opt", FA_RULE_OPTIONAL, 0, 0);
	r2.service = "tcp/389,636";
	r2.ref = "row 12";
	r2.purpose = "LDAP & \"LDAPS\"";
	struct fa_rule_coverage r3 = rule("ssh-exposed", FA_RULE_DENY, 0, 0);
	assert_int_equal(fa_sink_write_rule(s, &r1), FA_OK);
	assert_int_equal(fa_sink_write_rule(s, &r2), FA_OK);
	assert_int_equal(fa_sink_write_rule(s, &r3), FA_OK);

	const struct fa_stat_kv errs[] = {{"truncated-tcp", 4}};
	struct fa_stats_record st;
	memset(&st, 0, sizeof(st));
	st.packets = 1234567;
	st.bytes = 99;
	st.capture_drops = 3;
	st.decode_errors = errs;
	st.ndecode_errors = 1;
	st.decode_errors_total = 4;
	assert_int_equal(fa_sink_write_stats(s, &st), FA_OK);
}

static const char *const policies[] = {"AudioCodes OVOC | single node"};
static const char *const versions[] = {"8.2"};
static const char *const sources[] = {"001_c5c939b7e1ad1078.txt"};
static const char *const inputs[] = {"site-a.pcap", "site-b.pcapng"};

static char *write_report(const char *ext, const char *fail_on)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/test_output_report_%ld.%s", FA_TEST_BUILD, (long)getpid(),
	         ext);
	struct fa_report_info info = {
	    .title = "Audit of <site>",
	    .policies = policies,
	    .npolicies = 1,
	    .versions = versions,
	    .sources = sources,
	    .nsources = 1,
	    .site = "Plant \"A\" & B",
	    .inputs = inputs,
	    .ninputs = 2,
	    .fail_on = fail_on,
	    .generator = "flowaudit test",
	};
	char err[256];
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_report_open(&s, path, &info, err, sizeof(err)), FA_OK);
	feed(s);
	assert_int_equal(fa_sink_close_msg(&s, err, sizeof(err)), FA_OK);

	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char *buf = calloc(1, 1 << 17);
	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 17) - 1, fp);
	assert_true(n > 0 && n < (1 << 17) - 1);
	fclose(fp);
	unlink(path);
	return buf;
}

static void expect(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing \"%s\"", want);
}

/* Every row of a Markdown table has as many unescaped '|' as its header:
 * an unescaped pipe in a cell would shift the columns. */
static void check_md_tables(const char *text)
{
	int header = -1;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > 0 && line[0] == '|') {
			int pipes = 0;
			for (size_t i = 0; i < len; i++)
				pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
			if (header < 0)
				header = pipes;
			else if (pipes != header)
				fail_msg("row with %d cells separators, header has %d: %.*s", pipes,
				         header, (int)len, line);
		} else {
			header = -1;
		}
		line += len + (end ? 1 : 0);
	}
}

static void test_markdown_sections_and_figures(void **state)
{
	(void)state;
	char *md = write_report("md", "high");
	expect(md, "# Audit of \\<site\\>\n");
	expect(md, "| Policies | AudioCodes OVOC \\| single node (version 8.2) |\n");
	expect(md, "| Source documents | `001_c5c939b7e1ad1078.txt` |\n");
	expect(md, "| Site | Plant \"A\" \\& B |\n");
	expect(md, "| Inputs | `site-a.pcap`, `site-b.pcapng` |\n");
	expect(md, "| Traffic | 2023-11-14 22:13:20 to 2023-11-14 23:13:20 UTC (1 h 0 min) |\n");
	expect(md, "| Fails on | severity high or above |\n");
	expect(md, "| Generated | flowaudit test |\n");

	expect(md, "## Summary\n");
	expect(md, "**Result: FAIL.** 1 flow violates the policy at severity high or above.");
	/* 3 of 8 flows = 37.5%; 2 of 8 = 25.0%; 1 of 8 = 12.5%. */
	expect(md, "| allowed | 3 | 37.5% | 300 B | a rule documents it |\n");
	expect(md, "| app-mismatch | 0 | 0.0% | 0 B |");
	expect(md, "| undocumented | 2 | 25.0% | 2.0 kB | no rule covers it |\n");
	expect(md, "| wrong-direction | 1 | 12.5% | 50 B |");
	expect(md, "| denied | 1 | 12.5% | 1.5 kB |");
	expect(md, "| out-of-scope | 1 | 12.5% | 7 B |");
	expect(md, "| **Total** | 8 | 100.0% | 3.9 kB |");
	assert_null(strstr(md, "(none)"));
	expect(md, "| Critical | 0 | 0 |\n| High | 1 | 1 |\n| Medium | 3 | 1 |\n| Low | 0 | 0 |\n"
	           "| Info | 0 | 0 |\n");
	expect(md, "2 findings; 3 rules: 1 used, 1 unused, 1 deny rule never matched.\n");

	/* High before medium, whatever the order they came in. */
	const char *high = strstr(md, "### High (1)\n");
	const char *med = strstr(md, "### Medium (1)\n");
	assert_non_null(high);
	assert_non_null(med);
	assert_true(high < med);
	expect(md, "| 1 | denied | 203.0.113.9 | ovoc | tcp/22 | SSH | 1 | 1.5 kB | "
	           "2023-11-14 22:13:20 | 2023-11-14 22:14:20 | ssh-exposed | deny rule "
	           "ssh-exposed matched. Example: 203.0.113.9:50022 → \\[2001:db8::5\\]:22 at "
	           "2023-11-14 22:13:20 | - |\n");
	/* Hostile strings: no raw HTML, no stray cell, one line. */
	expect(md,
	       "| 2 | undocumented | \\<script\\>alert(1)\\</script\\> | ovoc | tcp/8080 | HTTP "
	       "| 2 | 2.0 kB |");
	expect(md, "| port 8080 \\| \"quoted\" \\`x\\` second line. Example:");
	expect(md, "| ``rule new-1 lan -> ovoc tcp 8080 `y` \\| z`` |\n");
	/* Every '<' in the file is escaped: none can open raw HTML. */
	for (const char *p = md; (p = strchr(p, '<')) != NULL; p++)
		assert_true(p > md && p[-1] == '\\');

	expect(md, "## Rule coverage\n");
	expect(md, "| ovoc-trap | OVOC | allow | devices | ovoc | `udp/162` | SNMP | 3 | 300 B | "
	           "2023-11-14 22:13:20 | 2023-11-14 23:13:20 | 2 | 1 | - |\n");
	expect(md,
	       "| ldap-opt | OVOC | allow | devices | ovoc | `tcp/389,636` | SNMP | 0 | 0 B | - "
	       "| - | 0 | 0 | optional, unused |\n");
	expect(md,
	       "| ssh-exposed | OVOC | deny | devices | ovoc | `udp/162` | SNMP | 0 | 0 B | - | "
	       "- | 0 | 0 | never matched |\n");

	expect(md, "## Unused rules\n\n1 allow rule matched no flow");
	expect(md, "| ldap-opt | OVOC | devices | ovoc | `tcp/389,636` | SNMP | row 12 | "
	           "LDAP \\& \"LDAPS\" | optional |\n");
	/* The unused deny rule is in the coverage table only. */
	const char *unused = strstr(md, "## Unused rules");
	assert_null(strstr(unused, "| ssh-exposed |"));

	expect(md, "## Capture and decode statistics\n");
	expect(md, "| Flows in this report | 8 |\n");
	expect(md, "| Frames read | 1,234,567 |\n");
	expect(md, "| Capture drops | 3 |\n");
	expect(md, "| `truncated-tcp` | 4 |\n");
	expect(md, "Packets were dropped or flows evicted");
	check_md_tables(md);
	free(md);
}

static void test_markdown_pass_and_unjudged(void **state)
{
	(void)state;
	char *md = write_report("md", "critical");
	expect(md, "**Result: PASS.** No flow violates the policy at severity critical or above.");
	free(md);
	md = write_report("markdown", NULL);
	expect(md, "**Result: not judged**");
	assert_null(strstr(md, "Fails on"));
	free(md);
	/* Medium or above: 2 undocumented and 1 wrong-direction (medium), 1
	 * denied (high). */
	md = write_report("md", "medium");
	expect(md, "**Result: FAIL.** 4 flows violate the policy at severity medium or above.");
	free(md);
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* An attribute like onload= or ONERROR= anywhere in the file. */
static bool has_event_handler(const char *html)
{
	for (const char *p = html; (p = strcasestr(p, " on")) != NULL; p += 3) {
		const char *q = p + 3;
		while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
			q++;
		if (q > p + 3 && *q == '=')
			return true;
	}
	return false;
}

static void test_html_sections_and_escaping(void **state)
{
	(void)state;
	char *html = write_report("html", "high");
	assert_memory_equal(html, "<!DOCTYPE html>\n", 16);
	expect(html, "<title>Audit of &lt;site&gt;</title>");
	expect(html, "<td>Plant &quot;A&quot; &amp; B</td>");
	expect(html, "AudioCodes OVOC | single node");
	expect(html,
	       "<p class=\"result fail\">FAIL: 1 flow violates the policy at severity high or "
	       "above.</p>");
	expect(html, "<td>allowed</td><td class=\"n\">3</td><td class=\"n\">37.5%</td>");
	expect(html, "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>");
	expect(html, "port 8080 | &quot;quoted&quot; `x` second line");
	expect(html, "<code>rule new-1 lan -&gt; ovoc tcp 8080 `y` | z</code>");
	expect(html, "<td>LDAP &amp; &quot;LDAPS&quot;</td>");
	expect(html, "203.0.113.9:50022 &rarr; [2001:db8::5]:22 at 2023-11-14 22:13:20 UTC");
	expect(html, "<h3>Bytes per rule (busiest)</h3>\n<svg");
	expect(html, ">ovoc-trap</text>");
	expect(html, ">3 (37.5%)</text>");
	expect(html, "<td class=\"n\">1,234,567</td>");
	expect(html, "<footer>Generated by flowaudit test.</footer>");
	expect(html, "<p>2 findings; 3 rules: 1 used, 1 unused, 1 deny rule never matched.</p>");
	for (const char *id = "summary\0findings\0coverage\0unused\0statistics\0"; *id;
	     id += strlen(id) + 1) {
		char want[64];
		snprintf(want, sizeof(want), "<section id=\"%s\">", id);
		expect(html, want);
	}
	/* Self-contained, no script: nothing fetched, nothing run. */
	assert_null(strcasestr(html, "<script"));
	assert_null(strstr(html, "://"));
	assert_null(strcasestr(html, "<link"));
	assert_null(strcasestr(html, "<img"));
	assert_null(strcasestr(html, "@import"));
	assert_false(has_event_handler(html));
	/* Balanced structure. */
	assert_int_equal(count(html, "<table"), count(html, "</table>"));
	assert_int_equal(count(html, "<tr"), count(html, "</tr>"));
	assert_int_equal(count(html, "<td"), count(html, "</td>"));
	assert_int_equal(count(html, "<section"), count(html, "</section>"));
	assert_int_equal(count(html, "<svg"), count(html, "</svg>"));
	assert_int_equal(count(html, "<svg"), 2);
	expect(html, "</body>\n</html>\n");
	free(html);
}

static void test_html_hostile_rule_id_in_chart(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/test_output_report_chart_%ld.HTM", FA_TEST_BUILD,
	         (long)getpid());
	struct fa_sink *s = NULL;
	char err[256];
	assert_int_equal(fa_sink_report_open(&s, path, NULL, err, sizeof(err)), FA_OK);
	struct fa_rule_coverage r = rule("r\"&<b>\xc0\x01", 0, 1, 10);
	assert_int_equal(fa_sink_write_rule(s, &r), FA_OK);
	assert_int_equal(fa_sink_close(&s), FA_OK);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char buf[32768] = {0};
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	unlink(path);
	assert_true(n > 0);
	/* Upper-case .HTM is HTML too; the default title stands in. */
	expect(buf, "<title>Flow audit report</title>");
	/* C0 0x01 is no character: U+FFFD, then the control as a space. */
	expect(buf, ">r&quot;&amp;&lt;b&gt;\xef\xbf\xbd </text>");
	expect(buf, "<td>r&quot;&amp;&lt;b&gt;\xef\xbf\xbd </td>");
	assert_null(strstr(buf, "<b>\xc0"));
	expect(buf, "<p>No capture statistics were recorded.</p>");
	expect(buf, "<p class=\"result unjudged\">");
}

static void test_disk_full(void **state)
{
	(void)state;
	char err[256];
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_report_open(&s, "/dev/full", NULL, err, sizeof(err)), FA_OK);
	feed(s);
	assert_int_equal(fa_sink_close_msg(&s, err, sizeof(err)), FA_ERR_IO);
	assert_null(s);
	assert_non_null(strstr(err, "/dev/full"));
	assert_non_null(strstr(err, "No space left on device"));
}

static void test_open_failure_names_path(void **state)
{
	(void)state;
	char err[256];
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_report_open(&s, "no-such-dir/x/report.md", NULL, err, sizeof(err)),
	                 FA_ERR_IO);
	assert_null(s);
	assert_non_null(strstr(err, "no-such-dir/x/report.md"));
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(fa_sink_report_open(&s, "", NULL, err, sizeof(err)), FA_ERR_USAGE);
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_markdown_sections_and_figures),
	    cmocka_unit_test(test_markdown_pass_and_unjudged),
	    cmocka_unit_test(test_html_sections_and_escaping),
	    cmocka_unit_test(test_html_hostile_rule_id_in_chart),
	    cmocka_unit_test(test_disk_full),
	    cmocka_unit_test(test_open_failure_names_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
