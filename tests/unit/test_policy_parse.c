/* test_policy_parse.c - the policy language as one file: what a valid file
 * loads into, and the exact first line of every syntax error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fa_error.h"
#include "policy/policy.h"

/* A small stand-in for nDPI's protocol list. */
static const char *const app_list[] = {"TLS", "HTTP", "DNS",  "SSH",  "NTP",       "SNMP", "STUN",
                                       "SIP", "RTP",  "RTCP", "LDAP", "Microsoft", "QUIC"};

static bool fake_known(const char *name, char *canon, size_t len, void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(app_list) / sizeof(app_list[0]); i++) {
		if (strcasecmp(name, app_list[i]) == 0) {
			snprintf(canon, len, "%s", app_list[i]);
			return true;
		}
	}
	return false;
}

static void fake_foreach(void (*fn)(const char *, void *), void *fctx, void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(app_list) / sizeof(app_list[0]); i++)
		fn(app_list[i], fctx);
}

static const struct fa_app_names fake_apps = {fake_known, fake_foreach, NULL};

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

static void load_text(struct run *r, const char *policy, const char *site, bool allow_unbound)
{
	const char *files[1] = {"t.policy"};
	write_file("t.policy", policy);
	if (site)
		write_file("t.site", site);
	FILE *diag = open_memstream(&r->diag, &r->diaglen);
	assert_non_null(diag);
	struct fa_policy_load_opts o = {.policy_files = files,
	                                .npolicy_files = 1,
	                                .site_file = site ? "t.site" : NULL,
	                                .apps = &fake_apps,
	                                .allow_unbound = allow_unbound,
	                                .diag = diag};
	r->set = (struct fa_policy_set *)0x1; /* must be cleared on failure */
	r->rc = fa_policy_load(&r->set, &o, &r->nwarn);
	fclose(diag);
}

static void run_free(struct run *r)
{
	fa_policy_free(&r->set);
	free(r->diag);
}

/* The first line of the messages must be exactly `want`, and nothing loaded. */
static void expect_error(const char *policy, const char *want)
{
	struct run r = {0};
	load_text(&r, policy, NULL, false);
	const char *nl = strchr(r.diag, '\n');
	size_t n = nl ? (size_t)(nl - r.diag) : strlen(r.diag);
	if (strlen(want) != n || strncmp(r.diag, want, n) != 0)
		fail_msg("policy:\n%s\nwanted: %s\ngot:    %.*s", policy, want, (int)n, r.diag);
	assert_true(r.rc < 0);
	assert_null(r.set);
	run_free(&r);
}

#define HDR "policy \"t\"\n"

static void test_lexical_errors(void **state)
{
	(void)state;
	expect_error(HDR "rul x a -> b tcp 1\n",
	             "t.policy:2:1: error: unknown statement 'rul': expected policy, role, "
	             "service, rule, deny, scope or include");
	expect_error(HDR "role a = 10.0.0.1 @\n", "t.policy:2:19: error: unexpected character '@'");
	expect_error(HDR "rule r any -> any tcp 80; \n",
	             "t.policy:2:25: error: unexpected character ';'");
	expect_error("policy \"t\n", "t.policy:1:8: error: unterminated string");
	expect_error("policy \"a\\qb\"\n",
	             "t.policy:1:10: error: unknown escape '\\q' in string: only \\\" and \\\\ are "
	             "allowed");
	expect_error(HDR "rule r any -> any tcp 80 = \n",
	             "t.policy:2:26: error: unexpected '=' in rule: expected app, secured, "
	             "cleartext, severity, ref, optional, disabled or a quoted purpose");
	/* a backslash continues only when it ends the line */
	expect_error(HDR "rule r any -> \\ any tcp 80\n",
	             "t.policy:2:15: error: unexpected character '\\'");
}

static void test_header_errors(void **state)
{
	(void)state;
	expect_error("role a = 10.0.0.1\n", "t.policy:1:1: error: missing policy header: a "
	                                    "policy file starts with policy \"NAME\"");
	expect_error("# nothing but a comment\n",
	             "t.policy:1:1: error: missing policy header: the file has no statements");
	expect_error(HDR "role a\npolicy \"u\"\n",
	             "t.policy:3:1: error: second 'policy' header (the first is at line 1): a "
	             "file holds one policy");
	expect_error("policy t\n",
	             "t.policy:1:8: error: expected the policy name (a quoted string), found t");
	expect_error("policy \"t\" vendor \"x\"\n",
	             "t.policy:1:12: error: unexpected vendor after the policy name: expected "
	             "source or version");
}

static void test_address_errors(void **state)
{
	(void)state;
	expect_error(HDR "role a = 10.0.0.0/33\n", "t.policy:2:10: error: bad prefix length "
	                                           "'/33' for an IPv4 address (0-32)");
	expect_error(HDR "role a = 2001:db8::/129\n",
	             "t.policy:2:10: error: bad prefix length '/129' for an IPv6 address (0-128)");
	expect_error(HDR "role a = 10.0.0.1/8\n",
	             "t.policy:2:10: error: '10.0.0.1/8' has bits set after the prefix: the "
	             "network is 10.0.0.0/8");
	expect_error(HDR "role a = 192.0.2.1, 10.0.0.1-2001:db8::1\n",
	             "t.policy:2:21: error: address range '10.0.0.1-2001:db8::1' mixes IPv4 and "
	             "IPv6");
	expect_error(HDR "role a = 10.0.0.9-10.0.0.1\n",
	             "t.policy:2:10: error: address range '10.0.0.9-10.0.0.1' is reversed "
	             "(first-last)");
	expect_error(HDR "role a = 10.0.0.256\n", "t.policy:2:10: error: bad address "
	                                          "'10.0.0.256'");
	expect_error(HDR "role a = 10.0.0.0/8,\n",
	             "t.policy:2:21: error: expected a role member (address, network, range, "
	             "role, host, asn, country, any, private, public, multicast), found end of "
	             "line");
	expect_error(HDR "role a = country DEU\n",
	             "t.policy:2:18: error: expected a two-letter country code (ISO 3166-1), "
	             "found DEU");
	expect_error(HDR "role a = asn 0\n",
	             "t.policy:2:14: error: expected an AS number 1-4294967295, found 0");
	expect_error(HDR "role any = 10.0.0.1\n",
	             "t.policy:2:6: error: 'any' is a reserved word and cannot name a role");
	expect_error(HDR "role 9lives\n",
	             "t.policy:2:6: error: bad role name '9lives': names are letters, digits, "
	             "'_', '-' and '.', starting with a letter");
}

static void test_port_and_protocol_errors(void **state)
{
	(void)state;
	expect_error(HDR "rule r any -> any tcp 0\n",
	             "t.policy:2:23: error: port 0 is out of range: ports are 1-65535");
	expect_error(HDR "rule r any -> any udp 53, 70000\n",
	             "t.policy:2:27: error: port 70000 is out of range: ports are 1-65535");
	expect_error(HDR "rule r any -> any tcp 90-80\n",
	             "t.policy:2:23: error: port range 90-80 is reversed (low-high)");
	expect_error(HDR "rule r any -> any tcp 8x\n",
	             "t.policy:2:23: error: bad port '8x': ports are numbers 1-65535");
	expect_error(HDR "service s = tpc 80\n",
	             "t.policy:2:13: error: unknown protocol 'tpc': use tcp, udp, sctp, icmp, "
	             "icmpv6, any or a number 0-255");
	expect_error(HDR "rule r any -> any 256\n",
	             "t.policy:2:19: error: protocol number 256 is out of range (0-255)");
	expect_error(HDR "rule r any -> any icmp 8\n",
	             "t.policy:2:24: error: ports apply only to tcp, udp and sctp");
	expect_error(HDR "rule r any -> any port 80 tcp 80\n",
	             "t.policy:2:19: error: 'port' on the responder side: the responder's ports "
	             "belong to the service (e.g. tcp 443)");
	expect_error(HDR "rule r any any tcp 80\n",
	             "t.policy:2:12: error: expected '->' or '<->' after the initiator, found any");
}

static void test_rule_option_errors(void **state)
{
	(void)state;
	expect_error(HDR "rule r any -> any tcp 80 severity hgh\n",
	             "t.policy:2:35: error: unknown severity 'hgh': use info, low, medium, high "
	             "or critical");
	expect_error(HDR "rule r any -> any tcp 443 app TSL\n",
	             "t.policy:2:31: error: unknown application 'TSL'; did you mean 'TLS'?");
	expect_error(HDR "rule r any -> any tcp 443 app Microsft\n",
	             "t.policy:2:31: error: unknown application 'Microsft'; did you mean "
	             "'Microsoft'?");
	expect_error(HDR "rule r any -> any udp 5060 app SIP, RTPP\n",
	             "t.policy:2:37: error: unknown application 'RTPP'; did you mean 'RTCP', "
	             "'RTP' or 'HTTP'?");
	expect_error(HDR "rule r any -> any tcp 1 app Zzzzzzz\n",
	             "t.policy:2:29: error: unknown application 'Zzzzzzz'; application names are "
	             "nDPI's protocol names (ndpiReader -a 0 lists them)");
	expect_error(HDR "service web = tcp 80\nrule r any -> any web app HTTP\n",
	             "t.policy:3:23: error: 'app' after the named service 'web': give the "
	             "applications in the service, or write the service inline");
	expect_error(HDR "rule r any -> any tcp 1 \"a\" \"b\"\n",
	             "t.policy:2:29: error: a second purpose string: a rule has one");
	expect_error(HDR "rule r any -> any tcp 1 secured cleartext\n",
	             "t.policy:2:33: error: 'secured' or 'cleartext' given twice");
}

static void test_name_errors(void **state)
{
	(void)state;
	expect_error(HDR "role ovoc\nrule r ovcc -> any tcp 80\n",
	             "t.policy:3:8: error: unknown role 'ovcc' in rule r; did you mean 'ovoc'?");
	expect_error(HDR "rule r any -> nowhere tcp 80\n",
	             "t.policy:2:15: error: unknown role 'nowhere' in rule r; declare it with: "
	             "role NAME");
	expect_error(HDR "service snmp-trap = udp 162\nrule r any -> any snmp-trp\n",
	             "t.policy:3:19: error: unknown service 'snmp-trp' in rule r; did you mean "
	             "'snmp-trap'?");
	expect_error(HDR "rule r any -> any tpc\n",
	             "t.policy:2:19: error: unknown service 'tpc' in rule r; did you mean 'tcp'?");
	expect_error(HDR "role a = 10.0.0.1\nrole a\n",
	             "t.policy:3:6: error: duplicate role 'a' in this policy (first declared at "
	             "t.policy:2)");
	expect_error(HDR "service s = tcp 1\nservice s = udp 1\n",
	             "t.policy:3:9: error: duplicate service 's' in this policy (first defined at "
	             "line 2)");
	expect_error(HDR "rule r any -> any tcp 1\nrule r any -> any tcp 2\n",
	             "t.policy:3:6: error: duplicate rule id 'r' (first defined at t.policy:2)");
	expect_error(HDR "role a = b\nrole b = a\nrule r a -> b tcp 1\n",
	             "t.policy:3:10: error: role 'b' includes role 'a', which includes 'b' "
	             "again: roles may not form a cycle");
	expect_error(HDR "role a = 10.0.0.1, mgmt\n",
	             "t.policy:2:20: error: unknown role 'mgmt' in the members of role 'a'; "
	             "declare it with: role NAME");
	expect_error(HDR "scope any\n", "t.policy:2:7: error: 'any' cannot be a scope: scope "
	                                "names roles whose flows are audited");
	expect_error(HDR "role admins = 10.0.0.1\nscope admin\n",
	             "t.policy:3:7: error: unknown role 'admin' in scope; did you mean 'admins'?");
	/* one letter is too little to guess from */
	expect_error(HDR "role a = 10.0.0.1\nscope b\n",
	             "t.policy:3:7: error: unknown role 'b' in scope; scope names declared roles");
}

/* Errors are collected over the whole file, each once, then nothing loads. */
static void test_all_errors_reported(void **state)
{
	(void)state;
	struct run r = {0};
	load_text(&r,
	          HDR "role a = 10.0.0.1/8 10.0.0.2\n"
	              "rule ok a -> a tcp 80\n"
	              "rule bad a -> a tcp 0\n"
	              "bogus\n",
	          NULL, false);
	assert_int_equal(r.rc, FA_ERR_FORMAT);
	assert_null(r.set);
	unsigned errors = 0;
	for (const char *p = r.diag; (p = strstr(p, ": error: ")); p++)
		errors++;
	assert_int_equal(errors, 3);
	assert_non_null(strstr(r.diag, "t.policy:2:10: error:"));
	assert_non_null(strstr(r.diag, "t.policy:4:21: error:"));
	assert_non_null(strstr(r.diag, "t.policy:5:1: error:"));
	/* the line and a caret under the column */
	assert_non_null(strstr(r.diag, "\nrule bad a -> a tcp 0\n                    ^\n"));
	run_free(&r);
}

/* A file of nothing but errors (a capture given by mistake) shows the first
 * twenty and a count of the rest, and still loads nothing. */
static void test_error_limit(void **state)
{
	(void)state;
	char text[4096] = HDR;
	for (int i = 0; i < 50; i++)
		strcat(text, "bogus\n");
	struct run r = {0};
	load_text(&r, text, NULL, false);
	assert_int_equal(r.rc, FA_ERR_FORMAT);
	assert_null(r.set);
	unsigned errors = 0;
	for (const char *p = r.diag; (p = strstr(p, ": error: ")); p++)
		errors++;
	assert_int_equal(errors, 21); /* 20 shown, then the count */
	assert_non_null(strstr(r.diag, "t.policy:21:1: error: unknown statement 'bogus'"));
	assert_null(strstr(r.diag, "t.policy:22:1:"));
	const char *last = "flowaudit: error: 30 more errors not shown (50 in all); fix the first "
	                   "ones and check again\n";
	size_t n = strlen(r.diag), ln = strlen(last);
	assert_true(n >= ln);
	assert_string_equal(r.diag + n - ln, last);
	run_free(&r);
}

static void test_caret_keeps_tabs(void **state)
{
	(void)state;
	struct run r = {0};
	load_text(&r, HDR "rule\tr\tany -> any tcp 0\n", NULL, false);
	assert_string_equal(r.diag,
	                    "t.policy:2:23: error: port 0 is out of range: ports are "
	                    "1-65535\nrule\tr\tany -> any tcp 0\n    \t \t               ^\n");
	run_free(&r);
}

static const struct fa_rule *rule_by_id(const struct fa_policy_set *s, const char *id)
{
	for (size_t i = 0; i < s->nrules; i++)
		if (strcmp(s->rules[i].id, id) == 0)
			return &s->rules[i];
	fail_msg("no rule %s", id);
	return NULL;
}

static uint32_t role_idx(const struct fa_policy_set *s, const char *name)
{
	for (size_t i = 0; i < s->nroles; i++)
		if (strcmp(s->roles[i].name, name) == 0)
			return (uint32_t)i;
	fail_msg("no role %s", name);
	return 0;
}

/* The worked file from the OVOC table, field by field. */
static void test_valid_policy(void **state)
{
	(void)state;
	const char *files[1] = {FA_TEST_DATA "/policy/ovoc.policy"};
	char *diag = NULL;
	size_t dl = 0;
	FILE *d = open_memstream(&diag, &dl);
	struct fa_policy_load_opts o = {.policy_files = files,
	                                .npolicy_files = 1,
	                                .site_file = FA_TEST_DATA "/policy/ovoc.site",
	                                .apps = &fake_apps,
	                                .diag = d};
	struct fa_policy_set *s = NULL;
	unsigned nw = 99;
	int rc = fa_policy_load(&s, &o, &nw);
	fclose(d);
	if (rc != FA_OK)
		fail_msg("%s", diag);
	assert_int_equal(nw, 0);
	assert_string_equal(diag, "");
	free(diag);

	assert_int_equal(s->npolicies, 1);
	assert_string_equal(s->policies[0].name, "AudioCodes OVOC, service provider single node");
	assert_string_equal(s->policies[0].source, "001_c5c939b7e1ad1078.txt");
	assert_string_equal(s->policies[0].version, "8.2");
	assert_true(s->policies[0].scope_set);
	assert_string_equal(s->site_name, "lab rack 3");
	assert_int_equal(s->nfiles, 2);

	assert_int_equal(s->nroles, 4);
	const struct fa_role *cl = &s->roles[role_idx(s, "clients")];
	assert_int_equal(cl->nelems, 3);
	assert_int_equal(cl->elems[0].kind, FA_RE_NET);
	assert_int_equal(cl->elems[0].prefix, 16);
	assert_int_equal(cl->elems[0].a.ver, 4);
	assert_int_equal(cl->elems[0].a.b[0], 10);
	assert_int_equal(cl->elems[0].a.b[1], 20);
	assert_int_equal(cl->elems[1].a.ver, 6);
	assert_int_equal(cl->elems[1].prefix, 48);
	assert_int_equal(cl->elems[1].a.b[0], 0x20);
	assert_int_equal(cl->elems[1].a.b[5], 0x20);
	assert_true(cl->elems[2].negate);
	assert_int_equal(cl->elems[2].a.b[2], 99);
	assert_false(cl->in_scope);
	const struct fa_role *tm = &s->roles[role_idx(s, "teams")];
	assert_int_equal(tm->elems[0].kind, FA_RE_HOST);
	assert_string_equal(tm->elems[0].host, "*.teams.microsoft.com");
	assert_int_equal(tm->elems[1].kind, FA_RE_ASN);
	assert_int_equal(tm->elems[1].asn, 8075);
	assert_int_equal(tm->elems[2].kind, FA_RE_COUNTRY);
	assert_string_equal(tm->elems[2].country, "US");
	const struct fa_role *ov = &s->roles[role_idx(s, "ovoc")];
	assert_true(ov->bound);
	assert_true(ov->in_scope);
	assert_int_equal(ov->nelems, 1);
	assert_int_equal(ov->elems[0].prefix, 32);
	assert_int_equal(ov->elems[0].a.b[3], 10);
	assert_int_equal(ov->loc.line, 5);
	assert_int_equal(ov->bound_at.line, 2);
	assert_string_equal(ov->bound_at.file, FA_TEST_DATA "/policy/ovoc.site");
	const struct fa_role *dv = &s->roles[role_idx(s, "devices")];
	assert_int_equal(dv->elems[1].kind, FA_RE_RANGE);
	assert_int_equal(dv->elems[1].a.b[3], 1);
	assert_int_equal(dv->elems[1].b.b[3], 20);
	assert_true(dv->in_scope);

	assert_int_equal(s->nrules, 7);
	const struct fa_rule *r = rule_by_id(s, "ovoc-trap");
	assert_int_equal(r->src_role, role_idx(s, "devices"));
	assert_int_equal(r->dst_role, role_idx(s, "ovoc"));
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->severity, FA_SEV_MEDIUM);
	assert_string_equal(r->purpose, "SNMP trap listening port");
	assert_string_equal(r->ref, "Device <-> OVOC server (SNMP)");
	assert_string_equal(r->svc.name, "snmp-trap");
	assert_int_equal(r->svc.nitems, 2);
	assert_int_equal(r->svc.items[0].proto, 17);
	assert_int_equal(r->svc.items[0].ports[0].lo, 162);
	assert_int_equal(r->svc.items[1].ports[0].hi, 1161);
	assert_int_equal(r->svc.napps, 1);
	assert_string_equal(r->svc.apps[0], "SNMP"); /* canonical spelling */
	assert_int_equal(r->loc.line, 14);
	assert_int_equal(r->loc.col, 6);

	r = rule_by_id(s, "ovoc-ntp");
	assert_int_equal(r->flags, FA_RULE_BIDIR);
	assert_null(r->svc.name);
	assert_int_equal(r->svc.secured, FA_SEC_CLEARTEXT);
	assert_string_equal(r->ref, "NTP \"server\"");
	assert_int_equal(r->severity, FA_SEV_NONE);

	r = rule_by_id(s, "ovoc-http");
	assert_int_equal(r->flags, FA_RULE_BIDIR | FA_RULE_OPTIONAL);
	assert_int_equal(r->svc.nitems, 1);
	assert_int_equal(r->svc.items[0].proto, 6);
	assert_int_equal(r->svc.items[0].nports, 2);
	assert_int_equal(r->svc.items[0].ports[1].lo, 8080);
	assert_int_equal(r->svc.items[0].ports[1].hi, 8081);

	r = rule_by_id(s, "teams-in");
	assert_int_equal(r->nsrc_ports, 1);
	assert_int_equal(r->src_ports[0].lo, 1024);
	assert_int_equal(r->src_ports[0].hi, 65535);
	assert_int_equal(r->svc.secured, FA_SEC_CLEARTEXT); /* overrides the service */
	assert_string_equal(r->svc.apps[0], "TLS");

	r = rule_by_id(s, "ssh-exposed");
	assert_int_equal(r->flags, FA_RULE_DENY);
	assert_int_equal(r->src_role, FA_RULE_ROLE_ANY);
	assert_int_equal(r->severity, FA_SEV_HIGH);
	assert_int_equal(rule_by_id(s, "dbg")->flags, FA_RULE_DISABLED);
	assert_int_equal(rule_by_id(s, "ovoc-https")->svc.secured, FA_SEC_SECURED);
	assert_int_equal(rule_by_id(s, "ovoc-https")->policy, 0);
	fa_policy_free(&s);
	assert_null(s);
	fa_policy_free(&s);
	fa_policy_free(NULL);
}

static void test_protocols_and_ports(void **state)
{
	(void)state;
	struct run r = {0};
	load_text(&r,
	          HDR "service sip = udp 5060, tcp 5060-5061, 47, sctp, any app SIP cleartext\n"
	              "rule a any -> any sip\n"
	              "rule b any -> any icmp, icmpv6, 132 2905\n",
	          NULL, false);
	if (r.rc != FA_OK)
		fail_msg("%s", r.diag);
	const struct fa_service *s = &r.set->services[0];
	/* "47" after a comma continues tcp's ports */
	assert_int_equal(s->nitems, 4);
	assert_int_equal(s->items[1].proto, 6);
	assert_int_equal(s->items[1].nports, 2);
	assert_int_equal(s->items[1].ports[1].lo, 47);
	assert_int_equal(s->items[2].proto, 132);
	assert_int_equal(s->items[2].nports, 0);
	assert_int_equal(s->items[3].proto, FA_PROTO_ANY);
	assert_int_equal(s->secured, FA_SEC_CLEARTEXT);
	const struct fa_rule *b = &r.set->rules[1];
	assert_int_equal(b->svc.nitems, 3);
	assert_int_equal(b->svc.items[0].proto, 1);
	assert_int_equal(b->svc.items[1].proto, 58);
	assert_int_equal(b->svc.items[2].proto, 132);
	assert_int_equal(b->svc.items[2].ports[0].lo, 2905);
	run_free(&r);
}

int main(void)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/policy-parse", FA_TEST_BUILD);
	mkdir(dir, 0755);
	if (chdir(dir) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lexical_errors),
	    cmocka_unit_test(test_header_errors),
	    cmocka_unit_test(test_address_errors),
	    cmocka_unit_test(test_port_and_protocol_errors),
	    cmocka_unit_test(test_rule_option_errors),
	    cmocka_unit_test(test_name_errors),
	    cmocka_unit_test(test_all_errors_reported),
	    cmocka_unit_test(test_error_limit),
	    cmocka_unit_test(test_caret_keeps_tabs),
	    cmocka_unit_test(test_valid_policy),
	    cmocka_unit_test(test_protocols_and_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
