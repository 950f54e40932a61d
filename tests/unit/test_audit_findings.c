/* test_audit_findings.c - flows that are not allowed, aggregated into
 * findings: keys, sums, examples, fixes, order, the bound, counts and the
 * fail threshold. */
#include "test_audit_fixture.h"

static const char *WHY_UNDOC = "no rule for udp/9999 from role devices to 198.51.100.5";

/* Five retries from three addresses of one role to one unknown server are
 * one finding; the example is the earliest flow even when it ends last. */
static void test_aggregation(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	struct fa_policy_verdict v =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, RULE_TRAP, R_DEVICES, -1, WHY_UNDOC);
	struct fa_policy_verdict v_first = v;
	snprintf(v_first.why, sizeof(v_first.why), "the earliest flow");
	struct fa_audit_flow f[] = {
	    fx_flow(P_UDP, "10.0.0.2", 40001, "198.51.100.5", 9999, "Unknown", 2, 100, 50, 60, &v),
	    fx_flow(P_UDP, "10.0.0.3", 40002, "198.51.100.5", 9999, "Unknown", 3, 200, 70, 95, &v),
	    fx_flow(P_UDP, "10.0.0.2", 40003, "198.51.100.5", 9999, "Unknown", 1, 50, 80, 80, &v),
	    fx_flow(P_UDP, "10.0.0.4", 40004, "198.51.100.5", 9999, "Unknown", 4, 400, 30, 40, &v),
	    fx_flow(P_UDP, "10.0.0.9", 40000, "198.51.100.5", 9999, "Unknown", 5, 250, 10, 20,
	            &v_first),
	};
	for (size_t i = 0; i < 5; i++)
		fa_audit_flow(a, &f[i]);
	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.nf, 1);
	const struct fa_finding *x = &e.f[0];
	assert_string_equal(x->verdict, "undocumented");
	assert_int_equal(x->verdict_id, FA_V_UNDOCUMENTED);
	assert_string_equal(x->severity, "medium");
	assert_string_equal(x->initiator, "devices");
	assert_true(x->initiator_is_role);
	assert_string_equal(x->responder, "198.51.100.5");
	assert_false(x->responder_is_role);
	assert_string_equal(x->proto, "udp");
	assert_int_equal(x->port, 9999);
	assert_string_equal(x->app, "Unknown");
	assert_int_equal(x->flows, 5);
	assert_int_equal(x->pkts, 15);
	assert_int_equal(x->bytes, 1000);
	assert_int_equal(x->first_us, FX_S(10));
	assert_int_equal(x->last_us, FX_S(95));
	assert_string_equal(x->rule, "ovoc-trap");
	assert_string_equal(x->policy, "AudioCodes OVOC");
	assert_string_equal(x->why, "the earliest flow");
	assert_true(fa_addr_cmp(&x->ex_src, &f[4].src) == 0);
	assert_true(fa_addr_cmp(&x->ex_dst, &f[4].dst) == 0);
	assert_int_equal(x->ex_sport, 40000);
	assert_int_equal(x->ex_dport, 9999);
	assert_int_equal(x->ex_ts_us, FX_S(10));
	assert_string_equal(x->fix, "rule new-udp-9999 devices -> any udp 9999 app Unknown");
	/* The rule list is always there, in set order. */
	assert_int_equal(e.nr, NRULES);
	fa_audit_free(&a);
	assert_null(a);
}

/* Each key field splits: role vs address, address, app, port, protocol,
 * verdict. */
static void test_keys(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	struct fa_policy_verdict in_role =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, R_DEVICES, R_OVOC, "x");
	struct fa_policy_verdict no_role =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, -1, R_OVOC, "x");
	struct fa_policy_verdict wrongdir =
	    fx_verdict(FA_V_WRONG_DIRECTION, FA_SEV_MEDIUM, RULE_TRAP, R_DEVICES, R_OVOC, "x");
	struct fa_audit_flow f[] = {
	    /* 0, 1: same role, two addresses: one finding */
	    fx_flow(P_UDP, "10.0.0.2", 1, "10.9.0.1", 7000, "Unknown", 1, 10, 1, 2, &in_role),
	    fx_flow(P_UDP, "10.0.0.3", 1, "10.9.0.1", 7000, "Unknown", 1, 10, 1, 2, &in_role),
	    /* 2, 3: no role: one finding per address */
	    fx_flow(P_UDP, "10.0.0.2", 1, "10.9.0.1", 7000, "Unknown", 1, 10, 1, 2, &no_role),
	    fx_flow(P_UDP, "10.0.0.3", 1, "10.9.0.1", 7000, "Unknown", 1, 10, 1, 2, &no_role),
	    /* 4: another app */
	    fx_flow(P_UDP, "10.0.0.2", 1, "10.9.0.1", 7000, "RTP", 1, 10, 1, 2, &in_role),
	    /* 5: another port */
	    fx_flow(P_UDP, "10.0.0.2", 1, "10.9.0.1", 7001, "Unknown", 1, 10, 1, 2, &in_role),
	    /* 6: another protocol */
	    fx_flow(P_TCP, "10.0.0.2", 1, "10.9.0.1", 7000, "Unknown", 1, 10, 1, 2, &in_role),
	    /* 7: another verdict */
	    fx_flow(P_UDP, "10.0.0.2", 1, "10.9.0.1", 7000, "Unknown", 1, 10, 1, 2, &wrongdir),
	    /* 8: the initiator port is not part of the key */
	    fx_flow(P_UDP, "10.0.0.3", 2, "10.9.0.1", 7000, "Unknown", 1, 10, 1, 2, &no_role),
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		fa_audit_flow(a, &f[i]);
	struct fa_audit_counts c;
	fa_audit_counts(a, &c);
	assert_int_equal(c.findings, 7);
	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.nf, 7);
	size_t by_addr = 0;
	for (size_t i = 0; i < e.nf; i++) {
		if (e.f[i].initiator_is_role)
			continue;
		by_addr++;
		assert_string_equal(e.f[i].responder, "ovoc");
		if (strcmp(e.f[i].initiator, "10.0.0.3") == 0)
			assert_int_equal(e.f[i].flows, 2);
		else
			assert_string_equal(e.f[i].initiator, "10.0.0.2");
	}
	assert_int_equal(by_addr, 2);
	fa_audit_free(&a);
}

/* Severity first, then newest, then the key fields: the same flows fed in
 * another order give the same list. */
static void order_run(const size_t *perm, const char *const *expect)
{
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	struct fa_policy_verdict low =
	    fx_verdict(FA_V_APP_UNKNOWN, FA_SEV_LOW, RULE_SIP, R_DEVICES, R_OVOC, "x");
	struct fa_policy_verdict med =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, -1, -1, "x");
	struct fa_policy_verdict high =
	    fx_verdict(FA_V_DENIED, FA_SEV_HIGH, RULE_SSH_DENY, -1, R_OVOC, "x");
	struct fa_audit_flow f[] = {
	    fx_flow(P_UDP, "10.0.0.1", 1, "10.9.0.1", 5060, "Unknown", 1, 1, 0, 500, &low),
	    fx_flow(P_UDP, "10.0.0.2", 1, "10.9.0.1", 1000, "Unknown", 1, 1, 0, 100, &med),
	    fx_flow(P_UDP, "10.0.0.3", 1, "10.9.0.1", 1000, "Unknown", 1, 1, 0, 300, &med),
	    fx_flow(P_TCP, "10.0.0.4", 1, "10.9.0.1", 22, "SSH", 1, 1, 0, 50, &high),
	    /* same severity and last seen as the one before: the
	     * initiator text decides ("10.0.0.10" < "10.0.0.2") */
	    fx_flow(P_UDP, "10.0.0.10", 1, "10.9.0.1", 1000, "Unknown", 1, 1, 0, 100, &med),
	};
	for (size_t i = 0; i < 5; i++)
		fa_audit_flow(a, &f[perm[i]]);
	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.nf, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(e.f[i].initiator, expect[i]);
	fa_audit_free(&a);
}

static void test_order(void **state)
{
	(void)state;
	static const char *const expect[] = {"10.0.0.4", "10.0.0.3", "10.0.0.10", "10.0.0.2",
	                                     "devices"};
	static const size_t p1[] = {0, 1, 2, 3, 4}, p2[] = {4, 3, 2, 1, 0}, p3[] = {2, 0, 4, 1, 3};
	order_run(p1, expect);
	order_run(p2, expect);
	order_run(p3, expect);
}

/* At most max_findings distinct findings; the rest go to one "(other)"
 * finding per verdict, while known keys still aggregate. */
static void test_overflow(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 3), 0);
	struct fa_policy_verdict und =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, -1, -1, "x");
	struct fa_policy_verdict den =
	    fx_verdict(FA_V_DENIED, FA_SEV_HIGH, RULE_SSH_DENY, -1, R_OVOC, "x");
	char src[32];
	for (unsigned i = 1; i <= 5; i++) {
		snprintf(src, sizeof(src), "10.0.0.%u", i);
		struct fa_audit_flow f =
		    fx_flow(P_UDP, src, 1, "10.9.0.1", 9999, "Unknown", 1, 10, i, i, &und);
		fa_audit_flow(a, &f);
	}
	/* a known key after the bound: aggregated, not overflowed */
	struct fa_audit_flow again =
	    fx_flow(P_UDP, "10.0.0.1", 2, "10.9.0.1", 9999, "Unknown", 1, 10, 6, 6, &und);
	fa_audit_flow(a, &again);
	struct fa_audit_flow d =
	    fx_flow(P_TCP, "10.0.0.7", 1, "10.9.0.2", 22, "SSH", 2, 70, 7, 9, &den);
	fa_audit_flow(a, &d);

	struct fa_audit_counts c;
	fa_audit_counts(a, &c);
	assert_int_equal(c.findings, 5); /* 3 + one overflow per verdict */
	assert_int_equal(c.flows, 7);
	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.nf, 5);
	/* high first: the denied overflow */
	assert_string_equal(e.f[0].verdict, "denied");
	assert_string_equal(e.f[0].initiator, "(other)");
	assert_string_equal(e.f[0].responder, "(other)");
	assert_int_equal(e.f[0].flows, 1);
	assert_int_equal(e.f[0].bytes, 70);
	assert_int_equal(e.f[0].first_us, FX_S(7));
	assert_int_equal(e.f[0].last_us, FX_S(9));
	uint64_t other = 0, kept = 0;
	for (size_t i = 1; i < e.nf; i++) {
		assert_string_equal(e.f[i].verdict, "undocumented");
		if (strcmp(e.f[i].initiator, "(other)") == 0) {
			other += e.f[i].flows;
			assert_int_equal(e.f[i].first_us, FX_S(4));
			assert_int_equal(e.f[i].last_us, FX_S(5));
		} else {
			kept += e.f[i].flows;
		}
	}
	assert_int_equal(other, 2);
	assert_int_equal(kept, 4); /* 10.0.0.1 twice, .2, .3 */
	fa_audit_free(&a);
}

static void test_counts_and_fail_on(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	/* Allowed and out-of-scope never fail the audit, whatever severity a
	 * verdict carries. */
	struct fa_policy_verdict ok =
	    fx_verdict(FA_V_ALLOWED, FA_SEV_CRITICAL, RULE_TRAP, R_DEVICES, R_OVOC, "");
	struct fa_policy_verdict oos =
	    fx_verdict(FA_V_OUT_OF_SCOPE, FA_SEV_CRITICAL, -1, -1, -1, "");
	struct fa_audit_flow f1 =
	    fx_flow(P_UDP, "10.0.0.1", 1, "10.0.0.9", 162, "SNMP", 1, 1, 1, 1, &ok);
	struct fa_audit_flow f2 =
	    fx_flow(P_UDP, "192.0.2.1", 1, "192.0.2.9", 53, "DNS", 1, 1, 1, 1, &oos);
	struct fa_audit_flow f3 =
	    fx_flow(P_UDP, "192.0.2.1", 1, "192.0.2.9", 53, "DNS", 1, 1, 1, 1, NULL);
	fa_audit_flow(a, &f1);
	fa_audit_flow(a, &f2);
	fa_audit_flow(a, &f3);
	for (int s = FA_SEV_NONE; s < FA_SEV__COUNT; s++)
		assert_false(fa_audit_failed(a, (enum fa_severity)s));

	struct fa_policy_verdict low =
	    fx_verdict(FA_V_APP_UNKNOWN, FA_SEV_LOW, RULE_SIP, R_DEVICES, R_OVOC, "x");
	struct fa_audit_flow f4 =
	    fx_flow(P_UDP, "10.0.0.1", 1, "10.0.0.9", 5060, "Unknown", 1, 1, 1, 1, &low);
	fa_audit_flow(a, &f4);
	assert_true(fa_audit_failed(a, FA_SEV_INFO));
	assert_true(fa_audit_failed(a, FA_SEV_LOW));
	assert_false(fa_audit_failed(a, FA_SEV_MEDIUM));

	/* No severity from the matcher: undocumented defaults to medium. */
	struct fa_policy_verdict und = fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_NONE, -1, -1, -1, "x");
	struct fa_audit_flow f5 =
	    fx_flow(P_TCP, "10.0.0.1", 1, "10.0.0.9", 8080, "HTTP", 1, 1, 1, 1, &und);
	fa_audit_flow(a, &f5);
	fa_audit_flow(a, &f5);
	assert_true(fa_audit_failed(a, FA_SEV_MEDIUM));
	assert_false(fa_audit_failed(a, FA_SEV_HIGH));

	struct fa_policy_verdict crit =
	    fx_verdict(FA_V_DENIED, FA_SEV_CRITICAL, RULE_SSH_DENY, -1, R_OVOC, "x");
	struct fa_audit_flow f6 =
	    fx_flow(P_TCP, "203.0.113.5", 1, "10.0.0.9", 22, "SSH", 1, 1, 1, 1, &crit);
	fa_audit_flow(a, &f6);
	assert_true(fa_audit_failed(a, FA_SEV_CRITICAL));

	struct fa_audit_counts c;
	fa_audit_counts(a, &c);
	assert_int_equal(c.flows, 7);
	assert_int_equal(c.by_verdict[FA_V_NONE], 1);
	assert_int_equal(c.by_verdict[FA_V_ALLOWED], 1);
	assert_int_equal(c.by_verdict[FA_V_OUT_OF_SCOPE], 1);
	assert_int_equal(c.by_verdict[FA_V_APP_UNKNOWN], 1);
	assert_int_equal(c.by_verdict[FA_V_UNDOCUMENTED], 2);
	assert_int_equal(c.by_verdict[FA_V_DENIED], 1);
	assert_int_equal(c.by_severity[FA_SEV_NONE], 0);
	assert_int_equal(c.by_severity[FA_SEV_LOW], 1);
	assert_int_equal(c.by_severity[FA_SEV_MEDIUM], 2);
	assert_int_equal(c.by_severity[FA_SEV_HIGH], 0);
	assert_int_equal(c.by_severity[FA_SEV_CRITICAL], 1);
	assert_int_equal(c.findings, 3);
	assert_int_equal(c.rules, NRULES);
	/* covered: the trap rule (allowed) and the ssh deny */
	assert_int_equal(c.rules_unused, NRULES - 2);
	fa_audit_free(&a);
}

static const char *fix_of(struct fa_audit *a, const struct fa_audit_flow *f)
{
	fa_audit_flow(a, f);
	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.nf, 1);
	return e.f[0].fix;
}

static void test_fixes(void **state)
{
	(void)state;
	struct {
		struct fa_policy_verdict v;
		uint8_t proto;
		uint16_t port;
		const char *app;
		const char *fix;
	} cases[] = {
	    {fx_verdict(FA_V_WRONG_DIRECTION, FA_SEV_MEDIUM, RULE_DBG, R_DEVICES, R_OVOC, "x"),
	     P_UDP, 925, "Unknown", "make rule dbg bidirectional (<->) or add the reverse rule"},
	    {fx_verdict(FA_V_APP_MISMATCH, FA_SEV_HIGH, RULE_SIP, R_DEVICES, R_OVOC, "x"), P_TCP,
	     5061, "TLS.Microsoft",
	     "add app TLS to rule sip-publish, or investigate: TLS.Microsoft is not what the "
	     "document allows on this port"},
	    {fx_verdict(FA_V_APP_UNKNOWN, FA_SEV_LOW, RULE_SIP, R_DEVICES, R_OVOC, "x"), P_UDP,
	     5060, NULL, "payload not identified on udp/5060: verify, or add a signature"},
	    {fx_verdict(FA_V_DENIED, FA_SEV_HIGH, RULE_SSH_DENY, -1, R_OVOC, "x"), P_TCP, 22, "SSH",
	     "investigate: traffic the document forbids"},
	    {fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, -1, R_LAN, "x"), 1, 0, "ICMP",
	     "rule new-icmp any -> lan icmp app ICMP"},
	    {fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, R_OVOC, -1, "x"), P_TCP, 443,
	     "TLS.Google", "rule new-tcp-443 ovoc -> any tcp 443 app TLS"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fa_audit *a = NULL;
		assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
		struct fa_audit_flow f =
		    fx_flow(cases[i].proto, "10.0.0.1", 33000, "10.0.0.9", cases[i].port,
		            cases[i].app, 1, 1, 1, 1, &cases[i].v);
		assert_string_equal(fix_of(a, &f), cases[i].fix);
		fa_audit_free(&a);
	}
}

/* No policy set: flows are counted, nothing else; every call is NULL-safe. */
static void test_no_set(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, NULL, 0), 0);
	struct fa_audit_flow f =
	    fx_flow(P_UDP, "10.0.0.1", 1, "10.0.0.9", 53, "DNS", 1, 1, 1, 1, NULL);
	fa_audit_flow(a, &f);
	fa_audit_flow(a, NULL);
	struct fa_audit_counts c;
	fa_audit_counts(a, &c);
	assert_int_equal(c.flows, 1);
	assert_int_equal(c.by_verdict[FA_V_NONE], 1);
	assert_int_equal(c.rules, 0);
	struct fx_emitted e;
	fx_emit(a, &e);
	assert_int_equal(e.nf, 0);
	assert_int_equal(e.nr, 0);
	fa_audit_free(&a);
	assert_null(a);
	fa_audit_free(&a);
	fa_audit_free(NULL);
	fa_audit_flow(NULL, &f);
	fa_audit_emit(NULL, fx_on_finding, fx_on_rule, &e);
	assert_false(fa_audit_failed(NULL, FA_SEV_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_aggregation),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_counts_and_fail_on),
	    cmocka_unit_test(test_fixes),
	    cmocka_unit_test(test_no_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
