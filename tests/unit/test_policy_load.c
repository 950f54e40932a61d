/* test_policy_load.c - loading several files: includes, site binding, roles
 * shared between policies, unbound roles, scope, and the warnings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fa_error.h"
#include "policy/policy.h"

struct run {
	int rc;
	struct fa_policy_set *set;
	char *diag;
	size_t diaglen;
	unsigned nwarn;
};

static void write_file(const char *name, const char *text)
{
	FILE *fp = fopen(name, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Loads the named files (written first when a text is given: name, text,
 * name, text, ..., NULL). */
static void load(struct run *r, const char *const *files, size_t n, const char *site,
                 bool allow_unbound)
{
	FILE *diag = open_memstream(&r->diag, &r->diaglen);
	assert_non_null(diag);
	struct fa_policy_load_opts o = {.policy_files = files,
	                                .npolicy_files = n,
	                                .site_file = site,
	                                .allow_unbound = allow_unbound,
	                                .diag = diag};
	r->set = (struct fa_policy_set *)0x1;
	r->rc = fa_policy_load(&r->set, &o, &r->nwarn);
	fclose(diag);
}

static void run_free(struct run *r)
{
	fa_policy_free(&r->set);
	free(r->diag);
}

static void first_line_is(const struct run *r, const char *want)
{
	const char *nl = strchr(r->diag, '\n');
	size_t n = nl ? (size_t)(nl - r->diag) : strlen(r->diag);
	if (strlen(want) != n || strncmp(r->diag, want, n) != 0)
		fail_msg("wanted: %s\ngot:    %s", want, r->diag);
}

static void expect_fail(const char *const *files, size_t n, const char *site, const char *want)
{
	struct run r = {0};
	load(&r, files, n, site, false);
	first_line_is(&r, want);
	assert_true(r.rc < 0);
	assert_null(r.set);
	run_free(&r);
}

static void test_includes(void **state)
{
	(void)state;
	const char *files[1] = {"main.policy"};
	struct run r = {0};
	load(&r, files, 1, NULL, false);
	if (r.rc != FA_OK)
		fail_msg("%s", r.diag);
	/* the included files belong to the including policy */
	assert_int_equal(r.set->npolicies, 1);
	assert_int_equal(r.set->nfiles, 3);
	assert_string_equal(r.set->files[1], "common/shared.inc");
	assert_string_equal(r.set->files[2], "common/more.inc");
	assert_int_equal(r.set->nrules, 2);
	assert_string_equal(r.set->rules[0].id, "dns"); /* file order: more.inc first */
	assert_string_equal(r.set->rules[0].loc.file, "common/more.inc");
	assert_string_equal(r.set->rules[1].svc.name, "web");
	assert_int_equal(r.set->rules[1].svc.items[0].ports[1].lo, 443);
	assert_int_equal(r.set->rules[1].policy, 0);
	run_free(&r);

	const char *cyc[1] = {"cycle_a.policy"};
	expect_fail(
	    cyc, 1, NULL,
	    "cycle_b.inc:1:9: error: include cycle: 'cycle_a.policy' is already being read");
	const char *miss[1] = {"missing_inc.policy"};
	expect_fail(miss, 1, NULL,
	            "missing_inc.policy:2:9: error: cannot read included file 'nope.inc': No such "
	            "file or directory");
	const char *hdr[1] = {"header_inc.policy"};
	expect_fail(hdr, 1, NULL,
	            "header.inc:1:1: error: 'policy' header in an included file: an included "
	            "file belongs to the policy that includes it");
	const char *none[1] = {"no-such.policy"};
	expect_fail(none, 1, NULL, "no-such.policy: error: cannot read: No such file or directory");
}

static void test_duplicate_rule_across_files(void **state)
{
	(void)state;
	write_file("a.policy", "policy \"a\"\nrule web any -> any tcp 80\n");
	write_file("b.policy", "policy \"b\"\n\nrule  web any -> any tcp 8080\n");
	const char *files[2] = {"a.policy", "b.policy"};
	expect_fail(files, 2, NULL,
	            "b.policy:3:7: error: duplicate rule id 'web' (first defined at a.policy:2)");
}

static void test_site_binding(void **state)
{
	(void)state;
	write_file("p.policy", "policy \"p\"\nrole ovoc\nrole devices\nrole lan = 10.0.0.0/8\n"
	                       "rule trap devices -> ovoc udp 162\nrule l lan -> ovoc tcp 1\n");
	const char *files[1] = {"p.policy"};

	write_file("s1.site", "site \"x\"\nrole ovcc = 10.0.0.1\n");
	expect_fail(files, 1, "s1.site",
	            "s1.site:2:6: error: the site binds role 'ovcc', which no policy declares; "
	            "did you mean 'ovoc'?");
	write_file("s2.site", "role ovoc = 10.0.0.1\nrole devices = 10.9.0.0/16\n"
	                      "role ovoc = 10.0.0.2\n");
	expect_fail(files, 1, "s2.site",
	            "s2.site:3:6: error: role 'ovoc' is bound twice in the site file (first at "
	            "line 1)");
	write_file("s3.site", "role ovoc = 10.0.0.1\nrole devices = 10.9.0.0/16\n"
	                      "role lan = 192.168.0.0/16\n");
	expect_fail(files, 1, "s3.site",
	            "s3.site:3:6: error: role 'lan' is already bound by its policy at p.policy:4; "
	            "bind a role in its policy or in the site file, not both");
	write_file("s4.site", "role ovoc\n");
	expect_fail(files, 1, "s4.site",
	            "s4.site:1:10: error: a site file binds roles: role ovoc = MEMBERS");
	write_file("s5.site", "rule x any -> any tcp 1\n");
	expect_fail(files, 1, "s5.site",
	            "s5.site:1:1: error: 'rule' is not a site file statement: a site file holds "
	            "site, role and scope");

	write_file("ok.site", "site \"lab\"\nrole ovoc = 10.0.0.1\nrole devices = 10.9.0.0/16\n");
	struct run r = {0};
	load(&r, files, 1, "ok.site", false);
	if (r.rc != FA_OK)
		fail_msg("%s", r.diag);
	assert_string_equal(r.set->site_name, "lab");
	assert_true(r.set->roles[0].bound);
	assert_string_equal(r.set->roles[0].bound_at.file, "ok.site");
	/* no scope anywhere: every bound role is in scope */
	for (size_t i = 0; i < r.set->nroles; i++)
		assert_true(r.set->roles[i].in_scope);
	assert_false(r.set->policies[0].scope_set);
	run_free(&r);
}

static void test_unbound_roles(void **state)
{
	(void)state;
	write_file("u.policy",
	           "policy \"u\"\nrole ovoc\nrole mgmt\nrole admins = mgmt, 10.0.0.9\n"
	           "role devices = 10.1.0.0/16\n"
	           "rule trap devices -> ovoc udp 162\nrule adm admins -> devices tcp 22\n");
	const char *files[1] = {"u.policy"};
	expect_fail(files, 1, NULL,
	            "u.policy:6:22: error: role 'ovoc' is not bound, and rule trap needs it: give "
	            "its members in a site file (role ovoc = ...)");
	struct run r = {0};
	load(&r, files, 1, NULL, false);
	/* both missing roles are named, the second through the role including it */
	assert_non_null(strstr(r.diag, "u.policy:7:10: error: role 'mgmt' is not bound, and rule "
	                               "adm needs it (role 'admins' includes it)"));
	run_free(&r);

	/* policy check/show: warnings, and the set loads */
	load(&r, files, 1, NULL, true);
	assert_int_equal(r.rc, FA_OK);
	assert_non_null(r.set);
	assert_int_equal(r.nwarn, 2);
	first_line_is(&r, "u.policy:6:22: warning: role 'ovoc' is not bound, and rule trap needs "
	                  "it: give its members in a site file (role ovoc = ...)");
	run_free(&r);
}

static void test_shared_roles(void **state)
{
	(void)state;
	write_file("p1.policy", "policy \"one\"\nrole ovoc\nrule a ovoc -> any tcp 1\n");
	write_file("p2.policy", "policy \"two\"\nrole ovoc = 10.0.0.1\nrule b any -> ovoc tcp 2\n");
	write_file("p3.policy",
	           "policy \"three\"\nrole ovoc = 10.0.0.2\nrule c any -> ovoc udp 3\n");
	const char *ok[2] = {"p1.policy", "p2.policy"};
	struct run r = {0};
	load(&r, ok, 2, NULL, false);
	if (r.rc != FA_OK)
		fail_msg("%s", r.diag);
	assert_int_equal(r.set->nroles, 1);
	assert_int_equal(r.set->roles[0].policy, 0);
	assert_string_equal(r.set->roles[0].bound_at.file, "p2.policy");
	assert_int_equal(r.set->rules[0].src_role, 0);
	assert_int_equal(r.set->rules[1].dst_role, 0);
	assert_int_equal(r.set->rules[1].policy, 1);
	run_free(&r);
	const char *two[2] = {"p2.policy", "p3.policy"};
	expect_fail(two, 2, NULL,
	            "p3.policy:2:6: error: role 'ovoc' is also bound at p2.policy:2; when two "
	            "policies share a role, at most one may give its members");
}

static void test_scope(void **state)
{
	(void)state;
	write_file("sc.policy",
	           "policy \"sc\"\nrole a = 10.0.0.1\nrole b = 10.0.0.2\n"
	           "role c = 10.0.0.3\nrule r a -> b tcp 1\nrule r2 c -> b tcp 1\nscope a\n");
	const char *files[1] = {"sc.policy"};
	struct run r = {0};
	load(&r, files, 1, NULL, false);
	assert_int_equal(r.rc, FA_OK);
	assert_true(r.set->roles[0].in_scope);
	assert_false(r.set->roles[1].in_scope);
	assert_false(r.set->roles[2].in_scope);
	run_free(&r);
	/* the site's scope replaces the policy's */
	write_file("sc.site", "scope b, c\n");
	load(&r, files, 1, "sc.site", false);
	assert_int_equal(r.rc, FA_OK);
	assert_false(r.set->roles[0].in_scope);
	assert_true(r.set->roles[1].in_scope);
	assert_true(r.set->roles[2].in_scope);
	run_free(&r);
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_warnings(void **state)
{
	(void)state;
	write_file("w.policy", "policy \"w\"\n"
	                       "role a = 10.0.0.1\nrole b = 10.0.0.2\nrole idle = 10.0.0.3\n"
	                       "rule web a -> b tcp 80, 443 app HTTP, TLS\n"
	                       "rule web2 a -> b tcp 80, 443 app TLS, HTTP\n"     /* duplicate */
	                       "rule web3 a -> b tcp 443 app TLS severity high\n" /* shadowed */
	                       "rule any1 any <-> b tcp 1-1024\n"                 /* overlaps web */
	                       "rule narrow a -> b tcp 22\n"   /* shadowed by <-> any */
	                       "rule rev b -> a tcp 100-200\n" /* shadowed, reversed */
	                       "rule alt a -> b tcp 8443 app HTTP\n"
	                       "rule alt2 a -> b tcp 8000-9000 app TLS\n" /* overlaps alt */
	                       "rule sev a -> b udp 53 severity low\n"
	                       "rule sev2 a -> b udp 53, 5353 severity high\n" /* overlaps sev */
	                       "deny d a -> b tcp 80\n" /* deny vs allow: fine */
	                       "rule distinct a -> b udp 9\n"
	                       /* initiator ports that cannot both hold: no overlap */
	                       "rule media a port 3478 -> b udp 3478 app STUN\n"
	                       "rule media2 a port 50000-59999 -> b udp 3478 app RTP\n");
	const char *files[1] = {"w.policy"};
	struct run r = {0};
	load(&r, files, 1, NULL, false);
	if (r.rc != FA_OK)
		fail_msg("%s", r.diag);
	assert_int_equal(r.nwarn, 8);
	assert_int_equal(count(r.diag, ": warning: "), 8);
	assert_non_null(strstr(r.diag, "w.policy:6:6: warning: rule web2 duplicates rule web "
	                               "(w.policy:5)\n"));
	assert_non_null(strstr(r.diag, "w.policy:7:6: warning: rule web3 is shadowed by rule web "
	                               "(w.policy:5), which already covers every flow it does\n"));
	assert_non_null(strstr(r.diag, "w.policy:8:6: warning: rule any1 overlaps rule web "
	                               "(w.policy:5) with a different application list\n"));
	assert_non_null(strstr(r.diag, "w.policy:9:6: warning: rule narrow is shadowed by rule "
	                               "any1 (w.policy:8)"));
	assert_non_null(strstr(r.diag, "w.policy:10:6: warning: rule rev is shadowed by rule any1 "
	                               "(w.policy:8)"));
	assert_non_null(strstr(r.diag, "w.policy:12:6: warning: rule alt2 overlaps rule alt "
	                               "(w.policy:11) with a different application list\n"));
	assert_non_null(strstr(r.diag, "w.policy:14:6: warning: rule sev2 overlaps rule sev "
	                               "(w.policy:13) with a different severity\n"));
	assert_non_null(strstr(r.diag, "w.policy:4:6: warning: role 'idle' is declared but no "
	                               "rule, scope or role uses it\n"));
	assert_null(strstr(r.diag, "rule d "));
	assert_null(strstr(r.diag, "distinct"));
	assert_null(strstr(r.diag, "media"));
	run_free(&r);

	/* an audit only counts them (and says how many in one line) */
	struct run q = {0};
	FILE *diag = open_memstream(&q.diag, &q.diaglen);
	assert_non_null(diag);
	struct fa_policy_load_opts o = {
	    .policy_files = files, .npolicy_files = 1, .hide_warnings = true, .diag = diag};
	q.rc = fa_policy_load(&q.set, &o, &q.nwarn);
	fclose(diag);
	assert_int_equal(q.rc, FA_OK);
	assert_non_null(q.set);
	assert_int_equal(q.nwarn, 8);
	assert_string_equal(q.diag, "");
	run_free(&q);
}

/* The worked example of docs/policy-language.md: it loads cleanly, and the
 * flows of pcaps/lab-mixed.pcap (tuples as pcaps/README.md describes them)
 * get the verdicts the documentation walks through. */
static void test_lab_example(void **state)
{
	(void)state;
	const char *files[1] = {FA_TEST_DATA "/../../policies/examples/lab.policy"};
	struct run r = {0};
	load(&r, files, 1, FA_TEST_DATA "/../../policies/examples/lab.site", false);
	if (r.rc != FA_OK)
		fail_msg("%s", r.diag);
	assert_int_equal(r.nwarn, 0);
	assert_int_equal(r.set->nrules, 11);
	static const struct {
		uint8_t proto;
		const char *src, *dst;
		uint16_t sport, dport;
		const char *app;
		uint8_t verdict;
		const char *rule;
	} flows[] = {
	    {17, "192.0.2.10", "192.0.2.53", 43088, 53, "DNS", FA_V_ALLOWED, "dns-lookup"},
	    {17, "2001:db8:1::10", "2001:db8:1::53", 46198, 53, "DNS", FA_V_ALLOWED, "dns-lookup"},
	    {6, "2001:db8:1::10", "2001:db8:1::20", 48580, 443, "TLS", FA_V_ALLOWED, "web-https"},
	    {6, "192.0.2.10", "192.0.2.20", 44682, 80, "HTTP", FA_V_ALLOWED, "web-http"},
	    {58, "2001:db8:1::10", "ff02::1:ff00:20", 0, 0, "ICMPV6", FA_V_ALLOWED, "ipv6-ns"},
	    {58, "2001:db8:1::53", "2001:db8:1::10", 0, 0, "ICMPV6", FA_V_ALLOWED, "ipv6-na"},
	    {6, "192.0.2.10", "192.0.2.20", 56610, 22, "SSH", FA_V_APP_MISMATCH, "deploy"},
	    {17, "192.0.2.10", "192.0.2.20", 54619, 9999, "Unknown", FA_V_APP_UNKNOWN, "log-ship"},
	    {1, "192.0.2.10", "192.0.2.20", 0, 0, "ICMP", FA_V_WRONG_DIRECTION, "monitor"},
	    {6, "192.0.2.10", "192.0.2.20", 51862, 81, "Unknown", FA_V_DENIED, "old-admin"},
	    {17, "192.0.2.10", "192.0.2.20", 50273, 7, "Unknown", FA_V_UNDOCUMENTED, NULL},
	    {58, "fe80::ff:fe00:10", "ff02::16", 0, 0, "ICMPV6", FA_V_OUT_OF_SCOPE, NULL},
	};
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		struct fa_policy_flow f = {0};
		f.proto = flows[i].proto;
		assert_true(fa_addr_parse(flows[i].src, &f.src));
		assert_true(fa_addr_parse(flows[i].dst, &f.dst));
		f.sport = flows[i].sport;
		f.dport = flows[i].dport;
		f.app = flows[i].app;
		struct fa_match_opts mo = {FA_UNKNOWN_APP_FLAG};
		struct fa_policy_verdict v;
		fa_policy_match(r.set, &mo, &f, &v);
		if (v.verdict != flows[i].verdict)
			fail_msg("flow %zu (%s -> %s:%u): verdict %d, want %d (%s)", i,
			         flows[i].src, flows[i].dst, flows[i].dport, v.verdict,
			         flows[i].verdict, v.why);
		if (flows[i].rule) {
			assert_true(v.rule >= 0);
			assert_string_equal(r.set->rules[v.rule].id, flows[i].rule);
		}
	}
	run_free(&r);
}

/* policy show: columns sized to their content, a long service cut with
 * "...", a long reference wrapped at spaces under its own column. */
static void test_show(void **state)
{
	(void)state;
	write_file("show.policy",
	           "policy \"s\" source \"doc.txt\" version \"2\"\n"
	           "role a = 10.0.0.1\nrole b\n"
	           "rule r1 a -> b tcp 80, 8080-8081, udp 53 app HTTP, DNS secured severity high "
	           "optional ref \"Table 12, figure 14: a long reference\"\n"
	           "deny d any <-> b icmp\n");
	const char *files[1] = {"show.policy"};
	struct run r = {0};
	load(&r, files, 1, NULL, true);
	assert_int_equal(r.rc, FA_OK);
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	fa_policy_show(r.set, fp);
	fclose(fp);
	char pad[78];
	memset(pad, ' ', 77);
	pad[77] = '\0';
	char want[2048];
	snprintf(
	    want, sizeof(want),
	    "policy 1: s\n"
	    "  file show.policy, source doc.txt, version 2\n"
	    "\n"
	    "ROLE SCOPE MEMBERS\n"
	    "a    yes   10.0.0.1\n"
	    "b    -     (unbound: a site file gives its members)\n"
	    "\n"
	    "ID KIND  FROM     TO SERVICE                  APPS     SEC     SEV  FLAGS    REF\n"
	    "r1 allow a    ->  b  tcp/80,tcp/8080-8081,... HTTP,DNS secured high optional "
	    "Table 12, figure 14: a\n%slong reference\n"
	    "d  deny  any  <-> b  icmp                     *        -       -    -        -\n",
	    pad);
	assert_string_equal(out, want);
	free(out);
	run_free(&r);

	write_file("wide.policy",
	           "policy \"w\"\nrole operations-and-maintenance-servers = 10.0.0.1\n"
	           "role media-gateways-of-the-branches = 10.0.0.2\n"
	           "rule a-rather-long-rule-identifier operations-and-maintenance-servers port "
	           "1024-65535 <-> media-gateways-of-the-branches tcp 80, 443, 8080, udp 53, 123 "
	           "app HTTP, TLS, DNS, NTP cleartext severity critical optional disabled ref "
	           "\"Firewall Settings for the Access Edge Server, Table 10, figure 5\"\n");
	const char *two[2] = {"wide.policy", "show.policy"};
	load(&r, two, 2, NULL, true);
	assert_int_equal(r.rc, FA_OK);
	fp = open_memstream(&out, &len);
	fa_policy_show(r.set, fp);
	fclose(fp);
	assert_non_null(strstr(out, "\nID  "));
	assert_non_null(strstr(out, " POL KIND "));
	size_t lines = 0;
	for (char *line = out, *nl; (nl = strchr(line, '\n')); line = nl + 1, lines++)
		if (nl - line > 100)
			fail_msg("line over 100 columns: %.*s", (int)(nl - line), line);
	assert_true(lines > 12);
	free(out);
	run_free(&r);
}

int main(void)
{
	/* files the tests write go to the build tree; the data files are read
	 * through a link so that messages name them relative to one directory */
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/policy-load", FA_TEST_BUILD);
	mkdir(dir, 0755);
	static const char *const data[] = {
	    "main.policy",       "common",    "cycle_a.policy", "cycle_b.inc", "missing_inc.policy",
	    "header_inc.policy", "header.inc"};
	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		char from[1024], to[1024];
		snprintf(from, sizeof(from), "%s/policy/%s", FA_TEST_DATA, data[i]);
		snprintf(to, sizeof(to), "%s/%s", dir, data[i]);
		unlink(to);
		if (symlink(from, to) != 0)
			return 1;
	}
	if (chdir(dir) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_includes),     cmocka_unit_test(test_duplicate_rule_across_files),
	    cmocka_unit_test(test_site_binding), cmocka_unit_test(test_unbound_roles),
	    cmocka_unit_test(test_shared_roles), cmocka_unit_test(test_scope),
	    cmocka_unit_test(test_warnings),     cmocka_unit_test(test_lab_example),
	    cmocka_unit_test(test_show),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
