/* test_audit_coverage.c - what each rule covered: sums, time span, distinct
 * peers (and their cap), unused rules, deny rules, normalised strings. */
#include "test_audit_fixture.h"

static void test_allowed_sums_and_distinct(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	struct fa_policy_verdict ok =
	    fx_verdict(FA_V_ALLOWED, FA_SEV_NONE, RULE_TRAP, R_DEVICES, R_OVOC, "");
	struct fa_audit_flow f[] = {
	    fx_flow(P_UDP, "10.0.0.2", 40001, "10.9.0.1", 162, "SNMP", 1, 120, 30, 31, &ok),
	    fx_flow(P_UDP, "10.0.0.3", 40002, "10.9.0.1", 162, "SNMP", 2, 240, 10, 12, &ok),
	    fx_flow(P_UDP, "10.0.0.2", 40003, "10.9.0.1", 162, "SNMP", 1, 120, 50, 70, &ok),
	    fx_flow(P_UDP, "2001:db8::2", 40004, "2001:db8::9", 162, "SNMP", 3, 300, 20, 20, &ok),
	};
	for (size_t i = 0; i < 4; i++)
		fa_audit_flow(a, &f[i]);
	/* Not allowed by the SIP rule: the nearest rule gains no coverage. */
	struct fa_policy_verdict mism =
	    fx_verdict(FA_V_APP_MISMATCH, FA_SEV_HIGH, RULE_SIP, R_DEVICES, R_OVOC, "x");
	struct fa_audit_flow m =
	    fx_flow(P_UDP, "10.0.0.2", 5060, "10.9.0.1", 5060, "DNS", 1, 80, 5, 5, &mism);
	fa_audit_flow(a, &m);

	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.nr, NRULES);
	const struct fa_rule_coverage *c = &e.r[RULE_TRAP];
	assert_string_equal(c->id, "ovoc-trap");
	assert_int_equal(c->flows, 4);
	assert_int_equal(c->pkts, 7);
	assert_int_equal(c->bytes, 780);
	assert_int_equal(c->first_us, FX_S(10));
	assert_int_equal(c->last_us, FX_S(70));
	assert_int_equal(c->initiators, 3); /* .2, .3, 2001:db8::2 */
	assert_int_equal(c->responders, 2);
	assert_false(c->unused);
	const struct fa_rule_coverage *sip = &e.r[RULE_SIP];
	assert_true(sip->unused);
	assert_int_equal(sip->flows, 0);
	assert_int_equal(sip->first_us, 0);
	assert_int_equal(sip->last_us, 0);
	assert_int_equal(sip->initiators, 0);
	assert_int_equal(e.nf, 1);

	struct fa_audit_counts n;
	fa_audit_counts(a, &n);
	assert_int_equal(n.rules, NRULES);
	assert_int_equal(n.rules_unused, NRULES - 1);
	fa_audit_free(&a);
}

/* A denied flow is both a finding and coverage of the deny rule. */
static void test_deny_coverage(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	struct fa_policy_verdict den = fx_verdict(FA_V_DENIED, FA_SEV_HIGH, RULE_SSH_DENY, -1,
	                                          R_OVOC, "denied by ssh-exposed");
	struct fa_audit_flow f =
	    fx_flow(P_TCP, "203.0.113.7", 50000, "10.9.0.1", 22, "SSH", 10, 2000, 100, 160, &den);
	fa_audit_flow(a, &f);
	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.nf, 1);
	assert_string_equal(e.f[0].verdict, "denied");
	assert_string_equal(e.f[0].rule, "ssh-exposed");
	assert_string_equal(e.f[0].initiator, "203.0.113.7");
	assert_string_equal(e.f[0].responder, "ovoc");
	const struct fa_rule_coverage *c = &e.r[RULE_SSH_DENY];
	assert_false(c->unused);
	assert_int_equal(c->flows, 1);
	assert_int_equal(c->bytes, 2000);
	assert_int_equal(c->first_us, FX_S(100));
	assert_int_equal(c->last_us, FX_S(160));
	assert_true(c->flags & FA_RULE_DENY);
	assert_int_equal(c->severity_id, FA_SEV_HIGH);
	fa_audit_free(&a);
}

static void test_strings(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.nf, 0);
	assert_int_equal(e.nr, NRULES);
	static const char *const ids[NRULES] = {"ovoc-trap", "sip-publish", "ssh-exposed",
	                                        "dbg",       "lan-any",     "ldap-opt"};
	for (size_t i = 0; i < NRULES; i++) {
		assert_string_equal(e.r[i].id, ids[i]);
		assert_string_equal(e.r[i].policy, "AudioCodes OVOC");
		assert_true(e.r[i].unused);
	}
	assert_string_equal(e.r[RULE_TRAP].service, "udp/162");
	assert_string_equal(e.r[RULE_TRAP].apps, "SNMP");
	assert_string_equal(e.r[RULE_TRAP].src_role, "devices");
	assert_string_equal(e.r[RULE_TRAP].dst_role, "ovoc");
	assert_string_equal(e.r[RULE_TRAP].ref, "Enterprise firewall, row 5");
	assert_string_equal(e.r[RULE_TRAP].purpose, "SNMP trap listening port");
	assert_string_equal(e.r[RULE_SIP].service, "tcp/5060-5061,udp/5060");
	assert_string_equal(e.r[RULE_SIP].apps, "SIP,RTP");
	assert_null(e.r[RULE_SIP].ref);
	assert_string_equal(e.r[RULE_SSH_DENY].src_role, "any");
	assert_string_equal(e.r[RULE_SSH_DENY].apps, "");
	assert_string_equal(e.r[RULE_DBG].service, "udp/925");
	assert_int_equal(e.r[RULE_DBG].flags, FA_RULE_DISABLED);
	assert_string_equal(e.r[RULE_ANY].service, "any");
	assert_string_equal(e.r[RULE_ANY].dst_role, "any");
	assert_string_equal(e.r[RULE_LDAP].service, "tcp/389,tcp/636");
	assert_int_equal(e.r[RULE_LDAP].flags, FA_RULE_OPTIONAL);
	/* findings callback NULL: rules still come */
	struct fx_emitted only;
	memset(&only, 0, sizeof(only));
	fa_audit_emit(a, NULL, fx_on_rule, &only);
	assert_int_equal(only.nr, NRULES);
	fa_audit_free(&a);
}

/* More distinct initiators than FA_AUDIT_DISTINCT_MAX: the count stops at
 * the cap; repeats below it are not counted twice. */
static void test_distinct_cap(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	struct fa_policy_verdict ok =
	    fx_verdict(FA_V_ALLOWED, FA_SEV_NONE, RULE_ANY, R_LAN, -1, "");
	const unsigned n = FA_AUDIT_DISTINCT_MAX + 5000;
	struct fa_audit_flow f =
	    fx_flow(P_UDP, "10.0.0.0", 1, "192.0.2.1", 53, "DNS", 1, 1, 1, 1, &ok);
	for (unsigned i = 0; i < n; i++) {
		/* 10.x.y.z from the counter: every one distinct */
		f.src.b[1] = (uint8_t)(i >> 16);
		f.src.b[2] = (uint8_t)(i >> 8);
		f.src.b[3] = (uint8_t)i;
		fa_audit_flow(a, &f);
		if (i < 1000)
			fa_audit_flow(a, &f); /* a repeat */
	}
	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.r[RULE_ANY].flows, n + 1000);
	assert_int_equal(e.r[RULE_ANY].initiators, FA_AUDIT_DISTINCT_MAX);
	assert_int_equal(e.r[RULE_ANY].responders, 1);
	fa_audit_free(&a);

	/* Below the cap, exact. */
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	for (unsigned i = 0; i < 3000; i++) {
		f.src.b[1] = 0;
		f.src.b[2] = (uint8_t)((i % 1234) >> 8);
		f.src.b[3] = (uint8_t)(i % 1234);
		fa_audit_flow(a, &f);
	}
	fx_emit(a, &e);
	assert_int_equal(e.r[RULE_ANY].initiators, 1234);
	fa_audit_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_allowed_sums_and_distinct),
	    cmocka_unit_test(test_deny_coverage),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_distinct_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
