/* test_audit_learn.c - draft rules from undocumented findings: merged by
 * service and by role or subnet, numbered, with their evidence; the exact
 * text of a small case is written out by hand below. */
#include "test_audit_fixture.h"

/* Runs fa_audit_learn into a string the caller frees. */
static char *learn_text(const struct fa_audit *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	fa_audit_learn(a, fp);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static size_t count_lines_starting(const char *text, const char *prefix)
{
	size_t n = 0, plen = strlen(prefix);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, prefix, plen) == 0)
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

static const char EXPECTED[] =
    "policy \"learned from traffic\"\n"
    "# Drafts from traffic no rule documents. Traffic seen is not traffic\n"
    "# required: check each rule against the vendor's document before use.\n"
    "\n"
    "role devices\n"
    "role ovoc\n"
    "role net-192-0-2-0-24 = 192.0.2.0/24\n"
    "role net-192-0-3-0-24 = 192.0.3.0/24\n"
    "role net-2001-db8-1-2-64 = 2001:db8:1:2::/64\n"
    "\n"
    "# 1 flow, 1000 bytes, first seen 2026-01-01T00:06:40.000000Z, last seen "
    "2026-01-01T00:07:40.000000Z\n"
    "# example: 192.0.2.10:40002 -> 10.9.0.1:9999 tcp TLS.Google at "
    "2026-01-01T00:06:40.000000Z\n"
    "rule learned-tcp-9999 net-192-0-2-0-24 -> ovoc tcp 9999 app TLS\n"
    "\n"
    "# 1 flow, 500 bytes, first seen 2026-01-01T00:00:10.000000Z, last seen "
    "2026-01-01T00:00:20.000000Z\n"
    "# example: 10.0.0.2:5004 -> [2001:db8:1:2::7]:5000 udp RTP at "
    "2026-01-01T00:00:10.000000Z\n"
    "rule learned-udp-5000 devices -> net-2001-db8-1-2-64 udp 5000 app RTP\n"
    "\n"
    "# 2 flows, 350 bytes, first seen 2026-01-01T00:01:30.000000Z, last seen "
    "2026-01-01T00:03:20.000000Z\n"
    "# example: 192.0.2.20:40001 -> 10.9.0.1:9999 udp Unknown at "
    "2026-01-01T00:01:30.000000Z\n"
    "rule learned-udp-9999 net-192-0-2-0-24 -> ovoc udp 9999 app Unknown\n"
    "\n"
    "# 1 flow, 70 bytes, first seen 2026-01-01T00:05:00.000000Z, last seen "
    "2026-01-01T00:05:00.000000Z\n"
    "# example: 192.0.3.5:40005 -> 10.9.0.1:9999 udp Unknown at "
    "2026-01-01T00:05:00.000000Z\n"
    "rule learned-udp-9999-2 net-192-0-3-0-24 -> ovoc udp 9999 app Unknown\n"
    "\n";

/* Feeds the small case: two initiators of 192.0.2.0/24 to ovoc on udp/9999
 * (one rule), one of 192.0.3.0/24 (a second rule), the first subnet on
 * tcp/9999 (another service), a role to an IPv6 server, and findings that
 * are not undocumented (never drafted). */
static void feed_small_case(struct fa_audit *a)
{
	struct fa_policy_verdict und_net =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, -1, R_OVOC, "x");
	struct fa_policy_verdict und_dev =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, R_DEVICES, -1, "x");
	struct fa_policy_verdict wrong =
	    fx_verdict(FA_V_WRONG_DIRECTION, FA_SEV_MEDIUM, RULE_DBG, R_DEVICES, R_OVOC, "x");
	struct fa_policy_verdict ok =
	    fx_verdict(FA_V_ALLOWED, FA_SEV_NONE, RULE_TRAP, R_DEVICES, R_OVOC, "");
	struct fa_audit_flow f[] = {
	    fx_flow(P_UDP, "192.0.2.10", 40000, "10.9.0.1", 9999, "Unknown", 3, 300, 100, 110,
	            &und_net),
	    fx_flow(P_UDP, "192.0.2.20", 40001, "10.9.0.1", 9999, "Unknown", 1, 50, 90, 200,
	            &und_net),
	    fx_flow(P_UDP, "192.0.3.5", 40005, "10.9.0.1", 9999, "Unknown", 1, 70, 300, 300,
	            &und_net),
	    fx_flow(P_TCP, "192.0.2.10", 40002, "10.9.0.1", 9999, "TLS.Google", 8, 1000, 400, 460,
	            &und_net),
	    fx_flow(P_UDP, "10.0.0.2", 5004, "2001:db8:1:2::7", 5000, "RTP", 5, 500, 10, 20,
	            &und_dev),
	    fx_flow(P_UDP, "10.0.0.2", 925, "10.9.0.1", 925, "Unknown", 1, 10, 5, 5, &wrong),
	    fx_flow(P_UDP, "10.0.0.2", 40000, "10.9.0.1", 162, "SNMP", 1, 10, 5, 5, &ok),
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		fa_audit_flow(a, &f[i]);
}

static void test_exact_output(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	feed_small_case(a);
	char *text = learn_text(a);
	assert_string_equal(text, EXPECTED);
	free(text);
	fa_audit_free(&a);
}

/* Same subnet and service merge whatever the host; another port, another
 * protocol or another /64 splits. */
static void test_grouping(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	struct fa_policy_verdict v = fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, -1, -1, "x");
	static const char *const same64[] = {"2001:db8:5:6::1", "2001:db8:5:6::2",
	                                     "2001:db8:5:6:ffff::9"};
	for (size_t i = 0; i < 3; i++) {
		struct fa_audit_flow f =
		    fx_flow(P_TCP, same64[i], 1, "2001:db8:99::1", 8443, "TLS", 1, 10, i, i, &v);
		fa_audit_flow(a, &f);
	}
	/* same subnets, another port */
	struct fa_audit_flow p =
	    fx_flow(P_TCP, "2001:db8:5:6::1", 1, "2001:db8:99::1", 8444, "TLS", 1, 10, 1, 1, &v);
	/* same subnets and port, udp */
	struct fa_audit_flow u = fx_flow(P_UDP, "2001:db8:5:6::1", 1, "2001:db8:99::1", 8443,
	                                 "Unknown", 1, 10, 1, 1, &v);
	/* the next /64 */
	struct fa_audit_flow n =
	    fx_flow(P_TCP, "2001:db8:5:7::1", 1, "2001:db8:99::1", 8443, "TLS", 1, 10, 1, 1, &v);
	/* 100 hosts of one /24 to one /24: one rule */
	fa_audit_flow(a, &p);
	fa_audit_flow(a, &u);
	fa_audit_flow(a, &n);
	char src[32], dst[32];
	for (unsigned i = 0; i < 100; i++) {
		snprintf(src, sizeof(src), "198.51.100.%u", i + 1);
		snprintf(dst, sizeof(dst), "203.0.113.%u", 200 - i);
		struct fa_audit_flow f = fx_flow(P_UDP, src, 1, dst, 69, "TFTP", 1, 10, i, i, &v);
		fa_audit_flow(a, &f);
	}
	char *text = learn_text(a);
	assert_int_equal(count_lines_starting(text, "rule "), 5);
	assert_non_null(strstr(text, "\nrule learned-tcp-8443 net-2001-db8-5-6-64 -> "
	                             "net-2001-db8-99-0-64 tcp 8443 app TLS\n"));
	assert_non_null(strstr(text, "\n# 3 flows, 30 bytes,"));
	assert_non_null(strstr(text, "\nrule learned-tcp-8443-2 net-2001-db8-5-7-64 -> "
	                             "net-2001-db8-99-0-64 tcp 8443 app TLS\n"));
	assert_non_null(strstr(text, "\nrule learned-tcp-8444 "));
	assert_non_null(strstr(text, "\nrule learned-udp-8443 "));
	assert_non_null(strstr(text, "\nrule learned-udp-69 net-198-51-100-0-24 -> "
	                             "net-203-0-113-0-24 udp 69 app TFTP\n"));
	assert_non_null(strstr(text, "\n# 100 flows, 1000 bytes,"));
	assert_int_equal(count_lines_starting(text, "role "), 5);
	assert_non_null(strstr(text, "\nrole net-2001-db8-99-0-64 = 2001:db8:99::/64\n"));
	free(text);
	fa_audit_free(&a);
}

/* Ids the loaded set already uses are skipped. */
static void test_id_collision(void **state)
{
	(void)state;
	struct fa_rule rules[NRULES];
	memcpy(rules, fx_rules, sizeof(rules));
	rules[RULE_DBG].id = "learned-udp-9999";
	struct fa_policy_set set = fx_set;
	set.rules = rules;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &set, 0), 0);
	struct fa_policy_verdict v =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, -1, R_OVOC, "x");
	struct fa_audit_flow f =
	    fx_flow(P_UDP, "192.0.2.1", 1, "10.9.0.1", 9999, "Unknown", 1, 1, 1, 1, &v);
	fa_audit_flow(a, &f);
	char *text = learn_text(a);
	assert_non_null(strstr(text, "\nrule learned-udp-9999-2 net-192-0-2-0-24 -> ovoc"));
	assert_int_equal(count_lines_starting(text, "rule "), 1);
	free(text);
	fa_audit_free(&a);
}

/* Nothing undocumented: a valid, empty policy; overflowed flows are said. */
static void test_empty_and_overflow(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 1), 0);
	char *text = learn_text(a);
	assert_string_equal(text, "policy \"learned from traffic\"\n"
	                          "# Drafts from traffic no rule documents. Traffic seen is not "
	                          "traffic\n"
	                          "# required: check each rule against the vendor's document "
	                          "before use.\n"
	                          "\n"
	                          "# No undocumented traffic.\n");
	free(text);
	struct fa_policy_verdict v =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, -1, R_OVOC, "x");
	struct fa_audit_flow f1 =
	    fx_flow(P_UDP, "192.0.2.1", 1, "10.9.0.1", 1, "Unknown", 1, 1, 1, 1, &v);
	struct fa_audit_flow f2 =
	    fx_flow(P_UDP, "192.0.2.1", 1, "10.9.0.1", 2, "Unknown", 1, 1, 1, 1, &v);
	fa_audit_flow(a, &f1);
	fa_audit_flow(a, &f2);
	fa_audit_flow(a, &f2);
	text = learn_text(a);
	assert_int_equal(count_lines_starting(text, "rule "), 1);
	assert_non_null(strstr(text, "\n# 2 more undocumented flows went past the findings "
	                             "limit and are not drafted.\n"));
	free(text);
	fa_audit_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_output),
	    cmocka_unit_test(test_grouping),
	    cmocka_unit_test(test_id_collision),
	    cmocka_unit_test(test_empty_and_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
