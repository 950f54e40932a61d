/* test_audit_learn_load.c - what learn writes is a policy the loader
 * accepts next to the policy it was learned against, and its drafted rules
 * then allow the traffic they were drafted from. */
#include "test_audit_fixture.h"

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static const struct fa_rule *find_rule(const struct fa_policy_set *set, const char *id)
{
	for (size_t i = 0; i < set->nrules; i++)
		if (strcmp(set->rules[i].id, id) == 0)
			return &set->rules[i];
	return NULL;
}

static void test_learned_policy_loads(void **state)
{
	(void)state;
	struct fa_audit *a = NULL;
	assert_int_equal(fa_audit_new(&a, &fx_set, 0), 0);
	struct fa_policy_verdict und_net =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, -1, R_OVOC, "x");
	struct fa_policy_verdict und_dev =
	    fx_verdict(FA_V_UNDOCUMENTED, FA_SEV_MEDIUM, -1, R_DEVICES, -1, "x");
	struct fa_audit_flow f[] = {
	    fx_flow(P_UDP, "192.0.2.10", 40000, "10.9.0.1", 9999, "Unknown", 3, 300, 100, 110,
	            &und_net),
	    fx_flow(P_TCP, "192.0.2.10", 40002, "10.9.0.1", 9999, "TLS.Google", 8, 1000, 400, 460,
	            &und_net),
	    fx_flow(P_UDP, "10.0.0.2", 5004, "2001:db8:1:2::7", 5000, "RTP", 5, 500, 10, 20,
	            &und_dev),
	};
	for (size_t i = 0; i < 3; i++)
		fa_audit_flow(a, &f[i]);

	char learned[512], base[512];
	snprintf(learned, sizeof(learned), "%s/audit_learned.policy", FA_TEST_BUILD);
	snprintf(base, sizeof(base), "%s/audit_base.policy", FA_TEST_BUILD);
	FILE *fp = fopen(learned, "w");
	assert_non_null(fp);
	fa_audit_learn(a, fp);
	assert_int_equal(fclose(fp), 0);
	fa_audit_free(&a);
	/* The roles the fixture set binds, as a policy would declare them. */
	write_file(base, "policy \"base\"\n"
	                 "role devices = 10.0.0.0/24\n"
	                 "role ovoc = 10.9.0.1\n");

	const char *files[] = {base, learned};
	char *diag = NULL;
	size_t dlen = 0;
	FILE *dfp = open_memstream(&diag, &dlen);
	assert_non_null(dfp);
	struct fa_policy_load_opts opts = {.policy_files = files, .npolicy_files = 2, .diag = dfp};
	struct fa_policy_set *set = NULL;
	unsigned nwarnings = 99;
	int rc = fa_policy_load(&set, &opts, &nwarnings);
	fclose(dfp);
	if (rc != 0 || nwarnings)
		fprintf(stderr, "%s", diag);
	free(diag);
	assert_int_equal(rc, 0);
	assert_int_equal(nwarnings, 0); /* a draft that loads cleanly */
	assert_non_null(set);
	assert_int_equal(set->nrules, 3);
	const struct fa_rule *r = find_rule(set, "learned-tcp-9999");
	assert_non_null(r);
	assert_int_equal(r->svc.nitems, 1);
	assert_int_equal(r->svc.items[0].proto, P_TCP);
	assert_int_equal(r->svc.items[0].nports, 1);
	assert_int_equal(r->svc.items[0].ports[0].lo, 9999);
	assert_int_equal(r->svc.napps, 1);
	assert_string_equal(r->svc.apps[0], "TLS");
	assert_string_equal(set->roles[r->src_role].name, "net-192-0-2-0-24");
	assert_string_equal(set->roles[r->dst_role].name, "ovoc");
	assert_non_null(find_rule(set, "learned-udp-9999"));
	assert_non_null(find_rule(set, "learned-udp-5000"));

	/* Another host of the learned subnet, same service: now allowed. */
	struct fa_policy_flow pf;
	memset(&pf, 0, sizeof(pf));
	pf.proto = P_TCP;
	pf.src = fx_addr("192.0.2.77");
	pf.dst = fx_addr("10.9.0.1");
	pf.sport = 50000;
	pf.dport = 9999;
	pf.app = "TLS.Google";
	struct fa_match_opts mo = {.unknown_app = FA_UNKNOWN_APP_FLAG};
	struct fa_policy_verdict v;
	fa_policy_match(set, &mo, &pf, &v);
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, (int32_t)(r - set->rules));

	pf.proto = P_UDP;
	pf.src = fx_addr("10.0.0.2");
	pf.dst = fx_addr("2001:db8:1:2::7");
	pf.dport = 5000;
	pf.app = "RTP";
	fa_policy_match(set, &mo, &pf, &v);
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_string_equal(set->rules[v.rule].id, "learned-udp-5000");
	fa_policy_free(&set);
	assert_null(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_learned_policy_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
