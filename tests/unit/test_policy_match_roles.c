/* test_policy_match_roles.c - role membership: prefixes at their edges,
 * ranges, negation, roles in roles, built-ins, host globs, ASN, country,
 * each checked through the index and without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "policy/policy_match_int.h"
#include "test_policy_match_fixture.h"

static void build(struct tb *t)
{
	char err[200];
	assert_int_equal(fa_matcher_build(&t->set, err, sizeof(err)), 0);
}

/* Membership with names/ASN/country, through the index and without it;
 * both must agree with what the test expects. */
static bool has_full(struct tb *t, uint32_t r, const char *addr, const char *name, uint32_t asn,
                     const char *cc)
{
	struct fa_addr a = tb_addr(addr);
	const char *names[2] = {NULL, name};
	bool indexed = fa_policy_role_has(&t->set, r, &a, names, 2, asn, cc);
	struct fa_matcher *m = t->set.matcher;
	t->set.matcher = NULL;
	bool plain = fa_policy_role_has(&t->set, r, &a, names, 2, asn, cc);
	t->set.matcher = m;
	assert_int_equal(indexed, plain);
	return indexed;
}

static bool has(struct tb *t, uint32_t r, const char *addr)
{
	return has_full(t, r, addr, NULL, 0, NULL);
}

static void test_cidr_v4(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	uint32_t n24 = TB_ROLE(t, "n24", true, E_NET("10.1.2.77", 24));
	uint32_t n32 = TB_ROLE(t, "n32", true, E_NET("192.0.2.7", 32));
	uint32_t n0 = TB_ROLE(t, "n0", true, E_NET("0.0.0.0", 0));
	uint32_t n31 = TB_ROLE(t, "n31", true, E_NET("255.255.255.254", 31));
	build(t);
	assert_true(has(t, n24, "10.1.2.0"));
	assert_true(has(t, n24, "10.1.2.255"));
	assert_false(has(t, n24, "10.1.1.255"));
	assert_false(has(t, n24, "10.1.3.0"));
	assert_true(has(t, n32, "192.0.2.7"));
	assert_false(has(t, n32, "192.0.2.6"));
	assert_false(has(t, n32, "192.0.2.8"));
	assert_true(has(t, n0, "0.0.0.0"));
	assert_true(has(t, n0, "255.255.255.255"));
	assert_false(has(t, n0, "::"));
	assert_true(has(t, n31, "255.255.255.255"));
	assert_true(has(t, n31, "255.255.255.254"));
	assert_false(has(t, n31, "255.255.255.253"));
	tb_free(&t);
}

static void test_cidr_v6(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	uint32_t doc = TB_ROLE(t, "doc", true, E_NET("2001:db8::", 32));
	uint32_t one = TB_ROLE(t, "one", true, E_NET("2001:db8::5", 128));
	uint32_t all = TB_ROLE(t, "all", true, E_NET("::", 0));
	uint32_t n64 = TB_ROLE(t, "n64", true, E_NET("2001:db8:0:1::", 64));
	uint32_t n65 = TB_ROLE(t, "n65", true, E_NET("2001:db8:0:1:8000::", 65));
	build(t);
	assert_true(has(t, doc, "2001:db8::"));
	assert_true(has(t, doc, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_false(has(t, doc, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_false(has(t, doc, "2001:db9::"));
	assert_false(has(t, doc, "32.1.13.184")); /* the same leading bytes in IPv4 */
	assert_true(has(t, one, "2001:db8::5"));
	assert_false(has(t, one, "2001:db8::4"));
	assert_false(has(t, one, "2001:db8::6"));
	assert_true(has(t, all, "::"));
	assert_true(has(t, all, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_false(has(t, all, "10.0.0.1"));
	assert_true(has(t, n64, "2001:db8:0:1::"));
	assert_true(has(t, n64, "2001:db8:0:1:ffff:ffff:ffff:ffff"));
	assert_false(has(t, n64, "2001:db8:0:2::"));
	assert_false(has(t, n64, "2001:db8:0:0:ffff:ffff:ffff:ffff"));
	assert_true(has(t, n65, "2001:db8:0:1:8000::"));
	assert_false(has(t, n65, "2001:db8:0:1:7fff:ffff:ffff:ffff"));
	tb_free(&t);
}

static void test_ranges(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	uint32_t r4 = TB_ROLE(t, "r4", true, E_RANGE("10.1.1.10", "10.1.1.20"));
	/* crosses the boundary between the two 64-bit halves of the key */
	uint32_t r6 =
	    TB_ROLE(t, "r6", true, E_RANGE("2001:db8::ffff:ffff:ffff:fff0", "2001:db8:0:1::10"));
	build(t);
	assert_true(has(t, r4, "10.1.1.10"));
	assert_true(has(t, r4, "10.1.1.20"));
	assert_true(has(t, r4, "10.1.1.15"));
	assert_false(has(t, r4, "10.1.1.9"));
	assert_false(has(t, r4, "10.1.1.21"));
	assert_true(has(t, r6, "2001:db8::ffff:ffff:ffff:fff0"));
	assert_true(has(t, r6, "2001:db8::ffff:ffff:ffff:ffff"));
	assert_true(has(t, r6, "2001:db8:0:1::"));
	assert_true(has(t, r6, "2001:db8:0:1::10"));
	assert_false(has(t, r6, "2001:db8::ffff:ffff:ffff:ffef"));
	assert_false(has(t, r6, "2001:db8:0:1::11"));
	tb_free(&t);
}

static void test_negation_and_nesting(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	/* the exclusion first: order must not matter */
	uint32_t lan = TB_ROLE(t, "lan", true, NOT(E_NET("192.168.99.0", 24)), E_NET("10.0.0.0", 8),
	                       E_NET("192.168.0.0", 16));
	uint32_t mgmt = TB_ROLE(t, "mgmt", true, E_RANGE("10.1.1.10", "10.1.1.20"));
	uint32_t admins = TB_ROLE(t, "admins", true, E_ROLE(mgmt), NOT(E_NET("10.1.1.15", 32)));
	uint32_t others = TB_ROLE(t, "others", true, E_NET("10.1.1.0", 24), NOT(E_ROLE(mgmt)));
	uint32_t deep = TB_ROLE(t, "deep", true, E_ROLE(admins), E_NET("172.16.0.1", 32));
	uint32_t empty = TB_ROLE(t, "unbound", true, E_NET("0.0.0.0", 0));
	t->roles[empty].nelems = 0;
	build(t);
	assert_true(has(t, lan, "192.168.98.255"));
	assert_false(has(t, lan, "192.168.99.0"));
	assert_false(has(t, lan, "192.168.99.255"));
	assert_true(has(t, lan, "192.168.100.0"));
	assert_true(has(t, lan, "10.200.0.1"));
	assert_false(has(t, lan, "11.0.0.0"));
	assert_true(has(t, admins, "10.1.1.14"));
	assert_false(has(t, admins, "10.1.1.15"));
	assert_true(has(t, admins, "10.1.1.16"));
	assert_false(has(t, admins, "10.1.1.21"));
	assert_true(has(t, others, "10.1.1.9"));
	assert_false(has(t, others, "10.1.1.10"));
	assert_true(has(t, others, "10.1.1.21"));
	assert_true(has(t, deep, "10.1.1.20"));
	assert_false(has(t, deep, "10.1.1.15"));
	assert_true(has(t, deep, "172.16.0.1"));
	assert_false(has(t, empty, "10.0.0.1"));
	tb_free(&t);
}

static void test_builtins(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	uint32_t priv = TB_ROLE(t, "priv", true, E_KIND(FA_RE_PRIVATE));
	uint32_t pub = TB_ROLE(t, "pub", true, E_KIND(FA_RE_PUBLIC));
	uint32_t mc = TB_ROLE(t, "mc", true, E_KIND(FA_RE_MULTICAST));
	uint32_t any = TB_ROLE(t, "every", true, E_KIND(FA_RE_ANY));
	build(t);
	static const char *const private_addrs[] = {
	    "10.0.0.0",        "10.255.255.255", "172.16.0.0",  "172.31.255.255",
	    "192.168.0.1",     "127.0.0.1",      "169.254.1.1", "100.64.0.0",
	    "100.127.255.255", "fd00::1",        "fc00::",      "::1",
	    "fe80::1",         "febf:ffff::1"};
	for (size_t i = 0; i < sizeof(private_addrs) / sizeof(*private_addrs); i++) {
		assert_true(has(t, priv, private_addrs[i]));
		assert_false(has(t, pub, private_addrs[i]));
		assert_false(has(t, mc, private_addrs[i]));
		assert_true(has(t, any, private_addrs[i]));
	}
	static const char *const public_addrs[] = {
	    "8.8.8.8",         "172.32.0.0",      "172.15.255.255", "100.128.0.0",  "11.0.0.0",
	    "223.255.255.255", "2001:4860::8888", "2a00::1",        "198.51.100.7", "2001:db8::1"};
	for (size_t i = 0; i < sizeof(public_addrs) / sizeof(*public_addrs); i++) {
		assert_false(has(t, priv, public_addrs[i]));
		assert_true(has(t, pub, public_addrs[i]));
		assert_false(has(t, mc, public_addrs[i]));
	}
	static const char *const mc_addrs[] = {"224.0.0.0",       "239.255.255.255", "224.0.0.251",
	                                       "255.255.255.255", "ff02::1",         "ff0e::1"};
	for (size_t i = 0; i < sizeof(mc_addrs) / sizeof(*mc_addrs); i++) {
		assert_true(has(t, mc, mc_addrs[i]));
		assert_false(has(t, pub, mc_addrs[i]));
		assert_false(has(t, priv, mc_addrs[i]));
	}
	/* reserved: neither public nor private */
	static const char *const reserved[] = {"0.1.2.3", "240.0.0.1", "255.255.255.254",
	                                       "198.18.0.1", "4000::1"};
	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++) {
		assert_false(has(t, pub, reserved[i]));
		assert_false(has(t, priv, reserved[i]));
		assert_false(has(t, mc, reserved[i]));
		assert_true(has(t, any, reserved[i]));
	}
	assert_false(has(t, mc, "240.0.0.0"));
	tb_free(&t);
}

static void test_glob(void **state)
{
	(void)state;
	assert_true(fa_glob_match("*.teams.microsoft.com", "a.teams.microsoft.com"));
	assert_true(fa_glob_match("*.teams.microsoft.com", "x.y.Teams.Microsoft.COM"));
	assert_false(fa_glob_match("*.teams.microsoft.com", "teams.microsoft.com"));
	assert_false(fa_glob_match("*.teams.microsoft.com", "a.teams.microsoft.com.evil"));
	assert_true(fa_glob_match("*", ""));
	assert_true(fa_glob_match("a*b*c", "aXXbYYbZc"));
	assert_false(fa_glob_match("a*b*c", "aXXbYYbZ"));
	assert_true(fa_glob_match("exact.host", "EXACT.host"));
	assert_false(fa_glob_match("exact.host", "exact.hos"));
	assert_true(fa_glob_match("**x", "abx"));
}

static void test_names_asn_country(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	uint32_t teams = TB_ROLE(t, "teams", true, E_HOST("*.teams.microsoft.com"), E_ASN(8075));
	uint32_t eu = TB_ROLE(t, "eu", true, E_CC("DE"), E_CC("FR"));
	uint32_t corp = TB_ROLE(t, "corp", true, E_NET("10.0.0.0", 8), E_HOST("*.corp.example"),
	                        NOT(E_NET("10.9.0.0", 16)), NOT(E_HOST("bad.corp.example")));
	uint32_t corp_no_as = TB_ROLE(t, "corp-no-as", true, E_ROLE(corp), NOT(E_ASN(64500)));
	uint32_t eu_lan = TB_ROLE(t, "eu-lan", true, E_ROLE(eu), E_NET("192.168.0.0", 16));
	build(t);
	assert_true(has_full(t, teams, "52.1.1.1", "a.teams.microsoft.com", 0, NULL));
	assert_true(has_full(t, teams, "52.1.1.1", "A.TEAMS.microsoft.com", 0, NULL));
	assert_false(has_full(t, teams, "52.1.1.1", "teams.microsoft.com", 0, NULL));
	assert_true(has_full(t, teams, "52.1.1.1", NULL, 8075, NULL));
	assert_false(has_full(t, teams, "52.1.1.1", NULL, 8076, NULL));
	assert_false(has_full(t, teams, "52.1.1.1", NULL, 0, NULL));
	assert_true(has_full(t, eu, "1.2.3.4", NULL, 0, "DE"));
	assert_true(has_full(t, eu, "1.2.3.4", NULL, 0, "fr"));
	assert_false(has_full(t, eu, "1.2.3.4", NULL, 0, "US"));
	assert_false(has_full(t, eu, "1.2.3.4", NULL, 0, ""));
	assert_false(has_full(t, eu, "1.2.3.4", NULL, 0, NULL));
	assert_true(has_full(t, corp, "10.1.1.1", NULL, 0, NULL));
	assert_false(has_full(t, corp, "10.9.1.1", NULL, 0, NULL));
	assert_false(has_full(t, corp, "10.9.1.1", "x.corp.example", 0, NULL));
	assert_true(has_full(t, corp, "8.8.8.8", "x.corp.example", 0, NULL));
	assert_false(has_full(t, corp, "10.1.1.1", "bad.corp.example", 0, NULL));
	assert_true(has_full(t, corp_no_as, "10.1.1.1", NULL, 0, NULL));
	assert_false(has_full(t, corp_no_as, "10.1.1.1", NULL, 64500, NULL));
	assert_true(has_full(t, corp_no_as, "9.9.9.9", "a.corp.example", 64501, NULL));
	assert_true(has_full(t, eu_lan, "192.168.1.1", NULL, 0, NULL));
	assert_true(has_full(t, eu_lan, "8.8.8.8", NULL, 0, "DE"));
	assert_false(has_full(t, eu_lan, "8.8.8.8", NULL, 0, "IT"));
	tb_free(&t);
}

/* Enough segments for the IPv4 radix tables, dense in one /16 and one /24:
 * every address around them must agree with the plain test. */
static void test_many_segments(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	char addr[32];
	for (int r = 0; r < 40; r++) {
		struct fa_role_elem e[TB_ELEMS];
		size_t n = 0;
		for (int k = 0; k < 6; k++) {
			snprintf(addr, sizeof(addr), "10.1.%d.%d", (r * 7 + k * 13) % 4,
			         (r * 37 + k * 61) % 256);
			e[n++] = E_NET(addr, (unsigned)(28 + (r + k) % 5));
		}
		snprintf(addr, sizeof(addr), "10.1.1.%d", r * 3);
		e[n++] = NOT(E_NET(addr, 32));
		e[n++] = E_NET(r % 2 ? "172.16.0.0" : "192.168.4.0", r % 2 ? 12 : 24);
		snprintf(t->names[r], sizeof(t->names[r]), "r%d", r);
		tb_role_n(t, t->names[r], true, e, n);
	}
	build(t);
	assert_non_null(t->set.matcher->fam[0].top);
	unsigned members = 0;
	uint32_t first = 10u << 24 | 0u << 16 | 255u << 8 | 250u; /* 10.0.255.250 */
	for (uint32_t x = first; x < first + 4 * 256 + 12; x++) {
		snprintf(addr, sizeof(addr), "%u.%u.%u.%u", x >> 24, (x >> 16) & 255,
		         (x >> 8) & 255, x & 255);
		for (uint32_t r = 0; r < t->set.nroles; r++)
			members += has(t, r, addr); /* asserts index == plain */
	}
	assert_true(members > 100);
	assert_true(has(t, 1, "172.31.255.255"));
	assert_false(has(t, 0, "172.31.255.255"));
	tb_free(&t);
}

static void test_role_cycle_rejected(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	TB_ROLE(t, "a", true, E_ROLE(1));
	TB_ROLE(t, "b", true, E_ROLE(0));
	char err[200] = "";
	assert_true(fa_matcher_build(&t->set, err, sizeof(err)) < 0);
	assert_null(t->set.matcher);
	assert_non_null(strstr(err, "includes itself"));
	/* the fallback must not recurse forever either */
	struct fa_addr a = tb_addr("10.0.0.1");
	assert_false(fa_policy_role_has(&t->set, 0, &a, NULL, 0, 0, NULL));
	tb_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cidr_v4),
	    cmocka_unit_test(test_cidr_v6),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_negation_and_nesting),
	    cmocka_unit_test(test_builtins),
	    cmocka_unit_test(test_glob),
	    cmocka_unit_test(test_names_asn_country),
	    cmocka_unit_test(test_many_segments),
	    cmocka_unit_test(test_role_cycle_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
