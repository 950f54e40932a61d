/* test_policy_match.c - verdicts, severities, roles and why texts of the
 * matcher on small hand-built policies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "test_policy_match_fixture.h"

#define TCP 6
#define UDP 17
#define ICMP 1
#define ANYR FA_RULE_ROLE_ANY

/* An OVOC-like deployment used by most tests. */
struct ovoc {
	struct tb *t;
	uint32_t devices, ovoc, dm, lan, outside, av, nobody;
	uint32_t trap, ntp, web, dmpull, av14, ssh_allow, ssh_deny, dns;
};

static struct ovoc ovoc_new(void)
{
	struct ovoc o = {.t = tb_new()};
	struct tb *t = o.t;
	o.devices = TB_ROLE(t, "devices", true, E_NET("10.2.0.0", 16));
	o.ovoc = TB_ROLE(t, "ovoc", true, E_NET("10.1.1.5", 32));
	o.dm = TB_ROLE(t, "dm", true, E_NET("10.1.1.6", 32));
	o.lan = TB_ROLE(t, "lan", false, E_KIND(FA_RE_PRIVATE));
	o.outside = TB_ROLE(t, "outside", false, E_KIND(FA_RE_PUBLIC));
	o.av = TB_ROLE(t, "av_edge_int", true, E_NET("10.3.0.1", 32));
	o.nobody = TB_ROLE(t, "nobody", true, E_NET("10.4.0.0", 16));
	o.nobody = TB_ROLE(t, "unused", true, E_NET("0.0.0.0", 0));
	t->roles[o.nobody].nelems = 0; /* declared, never bound */
	o.trap = tb_rule(t, "ovoc-trap", 0, o.devices, o.ovoc, UDP, 162, 162);
	tb_rule_app(t, o.trap, "SNMP");
	t->rules[o.trap].severity = FA_SEV_MEDIUM;
	o.ntp = tb_rule(t, "ovoc-ntp", FA_RULE_BIDIR, o.devices, o.ovoc, UDP, 123, 123);
	o.web = tb_rule(t, "web-https", 0, o.lan, o.ovoc, TCP, 443, 443);
	tb_rule_app(t, o.web, "TLS");
	o.dmpull = tb_rule(t, "dm-pull", 0, o.devices, o.dm, TCP, 443, 443);
	o.av14 = tb_rule(t, "ocs-av-14", 0, o.av, ANYR, UDP, 3478, 3478);
	tb_rule_sport(t, o.av14, 3478, 3478);
	tb_rule_app(t, o.av14, "STUN");
	o.ssh_allow = tb_rule(t, "ssh-admin", 0, ANYR, o.ovoc, TCP, 22, 22);
	o.ssh_deny = tb_rule(t, "ssh-exposed", FA_RULE_DENY, o.outside, o.ovoc, TCP, 22, 22);
	o.dns = tb_rule(t, "dns", 0, o.ovoc, ANYR, UDP, 53, 53);
	t->rules[o.dns].policy = 1;
	char err[200];
	assert_int_equal(fa_matcher_build(&t->set, err, sizeof(err)), 0);
	return o;
}

/* The set is read-only once the matcher is built: changes need a rebuild. */
static void rebuild(struct tb *t)
{
	char err[200];
	assert_int_equal(fa_matcher_build(&t->set, err, sizeof(err)), 0);
}

static struct fa_policy_verdict match_mode(struct tb *t, struct fa_policy_flow f,
                                           enum fa_unknown_app_mode mode)
{
	struct fa_match_opts opts = {.unknown_app = mode};
	struct fa_policy_verdict v;
	memset(&v, 0x5a, sizeof(v)); /* every field must be written */
	fa_policy_match(&t->set, &opts, &f, &v);
	return v;
}

static struct fa_policy_verdict match(struct tb *t, struct fa_policy_flow f)
{
	return match_mode(t, f, FA_UNKNOWN_APP_FLAG);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fa_verdict_name(FA_V_NONE), "");
	assert_string_equal(fa_verdict_name(FA_V_ALLOWED), "allowed");
	assert_string_equal(fa_verdict_name(FA_V_APP_MISMATCH), "app-mismatch");
	assert_string_equal(fa_verdict_name(FA_V_APP_UNKNOWN), "app-unknown");
	assert_string_equal(fa_verdict_name(FA_V_WRONG_DIRECTION), "wrong-direction");
	assert_string_equal(fa_verdict_name(FA_V_DENIED), "denied");
	assert_string_equal(fa_verdict_name(FA_V_UNDOCUMENTED), "undocumented");
	assert_string_equal(fa_verdict_name(FA_V_OUT_OF_SCOPE), "out-of-scope");
	assert_string_equal(fa_verdict_name(FA_V__COUNT), "");
	assert_string_equal(fa_severity_name(FA_SEV_NONE), "");
	assert_string_equal(fa_severity_name(FA_SEV_INFO), "info");
	assert_string_equal(fa_severity_name(FA_SEV_LOW), "low");
	assert_string_equal(fa_severity_name(FA_SEV_MEDIUM), "medium");
	assert_string_equal(fa_severity_name(FA_SEV_HIGH), "high");
	assert_string_equal(fa_severity_name(FA_SEV_CRITICAL), "critical");
	assert_string_equal(fa_severity_name(FA_SEV__COUNT), "");
	enum fa_severity s = FA_SEV_NONE;
	assert_true(fa_severity_parse("critical", &s));
	assert_int_equal(s, FA_SEV_CRITICAL);
	assert_true(fa_severity_parse("Low", &s));
	assert_int_equal(s, FA_SEV_LOW);
	assert_false(fa_severity_parse("", &s));
	assert_false(fa_severity_parse("severe", &s));
	assert_false(fa_severity_parse(NULL, &s));
	assert_int_equal(s, FA_SEV_LOW);
}

static void test_allowed_forward_and_wrong_direction(void **state)
{
	(void)state;
	struct ovoc o = ovoc_new();
	struct fa_policy_verdict v =
	    match(o.t, tb_flow(TCP, "10.2.3.4", 50000, "10.1.1.6", 443, "TLS"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.severity, FA_SEV_NONE);
	assert_int_equal(v.rule, o.dmpull);
	assert_int_equal(v.policy, 0);
	assert_int_equal(v.src_role, o.devices);
	assert_int_equal(v.dst_role, o.dm);
	assert_string_equal(v.why, "");

	v = match(o.t, tb_flow(TCP, "10.1.1.6", 443, "10.2.3.4", 50000, "TLS"));
	assert_int_equal(v.verdict, FA_V_WRONG_DIRECTION);
	assert_int_equal(v.severity, FA_SEV_MEDIUM);
	assert_int_equal(v.rule, o.dmpull);
	assert_int_equal(v.src_role, o.dm);
	assert_int_equal(v.dst_role, o.devices);
	assert_string_equal(v.why,
	                    "only the reverse is documented: rule dm-pull devices -> dm tcp/443");
	/* the dm initiating to a device's port 443 is the reverse too: the
	 * documented responder opened the documented service the other way */
	v = match(o.t, tb_flow(TCP, "10.1.1.6", 50000, "10.2.3.4", 443, "TLS"));
	assert_int_equal(v.verdict, FA_V_WRONG_DIRECTION);
	assert_int_equal(v.rule, o.dmpull);
	assert_string_equal(v.why,
	                    "only the reverse is documented: rule dm-pull devices -> dm tcp/443");
	/* ... but not to some other port of the device */
	v = match(o.t, tb_flow(TCP, "10.1.1.6", 50000, "10.2.3.4", 8443, "TLS"));
	assert_int_equal(v.verdict, FA_V_UNDOCUMENTED);
	tb_free(&o.t);
}

static void test_bidirectional(void **state)
{
	(void)state;
	struct ovoc o = ovoc_new();
	struct fa_policy_verdict v =
	    match(o.t, tb_flow(UDP, "10.2.0.9", 40000, "10.1.1.5", 123, "NTP"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, o.ntp);
	assert_int_equal(v.src_role, o.devices);
	assert_int_equal(v.dst_role, o.ovoc);
	v = match(o.t, tb_flow(UDP, "10.1.1.5", 40000, "10.2.0.9", 123, "NTP"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, o.ntp);
	assert_int_equal(v.src_role, o.ovoc);
	assert_int_equal(v.dst_role, o.devices);
	/* a one-way rule does not allow the other side to initiate: the ovoc
	 * sending to a device's trap port is the documented service reversed */
	v = match(o.t, tb_flow(UDP, "10.1.1.5", 40000, "10.2.0.9", 162, "SNMP"));
	assert_int_equal(v.verdict, FA_V_WRONG_DIRECTION);
	assert_int_equal(v.rule, o.trap);
	assert_int_equal(v.severity, FA_SEV_MEDIUM);
	assert_string_equal(v.why, "only the reverse is documented: rule ovoc-trap devices -> ovoc "
	                           "udp/162");
	tb_free(&o.t);
}

static void test_initiator_port(void **state)
{
	(void)state;
	struct ovoc o = ovoc_new();
	struct fa_policy_verdict v =
	    match(o.t, tb_flow(UDP, "10.3.0.1", 3478, "203.0.113.9", 3478, "STUN"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, o.av14);
	assert_int_equal(v.src_role, o.av);
	assert_int_equal(v.dst_role, o.outside); /* "any" in the rule: the first role */
	v = match(o.t, tb_flow(UDP, "10.3.0.1", 40000, "203.0.113.9", 3478, "STUN"));
	assert_int_equal(v.verdict, FA_V_UNDOCUMENTED);
	assert_int_equal(v.rule, o.av14);
	assert_string_equal(v.why,
	                    "rule ocs-av-14 expects udp/3478 from initiator port 3478; saw 40000");
	tb_free(&o.t);
}

static void test_deny_precedence(void **state)
{
	(void)state;
	struct ovoc o = ovoc_new();
	/* ssh-admin (any -> ovoc) comes first and would allow it */
	struct fa_policy_verdict v =
	    match(o.t, tb_flow(TCP, "8.8.8.8", 50000, "10.1.1.5", 22, "SSH"));
	assert_int_equal(v.verdict, FA_V_DENIED);
	assert_int_equal(v.severity, FA_SEV_HIGH);
	assert_int_equal(v.rule, o.ssh_deny);
	assert_int_equal(v.src_role, o.outside);
	assert_int_equal(v.dst_role, o.ovoc);
	assert_string_equal(v.why, "denied by rule ssh-exposed");
	o.t->rules[o.ssh_deny].severity = FA_SEV_CRITICAL;
	rebuild(o.t);
	v = match(o.t, tb_flow(TCP, "8.8.8.8", 50000, "10.1.1.5", 22, NULL));
	assert_int_equal(v.verdict, FA_V_DENIED);
	assert_int_equal(v.severity, FA_SEV_CRITICAL);
	/* from the LAN the deny does not apply: allowed by ssh-admin */
	v = match(o.t, tb_flow(TCP, "10.2.0.1", 50000, "10.1.1.5", 22, "SSH"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, o.ssh_allow);
	assert_int_equal(v.src_role, o.devices);
	/* a deny that lists applications needs one of them */
	tb_rule_app(o.t, o.ssh_deny, "SSH");
	rebuild(o.t);
	v = match(o.t, tb_flow(TCP, "8.8.8.8", 50000, "10.1.1.5", 22, "HTTP"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	v = match(o.t, tb_flow(TCP, "8.8.8.8", 50000, "10.1.1.5", 22, "ssh"));
	assert_int_equal(v.verdict, FA_V_DENIED);
	v = match(o.t, tb_flow(TCP, "8.8.8.8", 50000, "10.1.1.5", 22, "Unknown"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	tb_free(&o.t);
}

static void test_scope(void **state)
{
	(void)state;
	struct ovoc o = ovoc_new();
	/* lan and outside are not in scope; 192.168.1.1 and 8.8.8.8 are in no
	 * in-scope role */
	struct fa_policy_verdict v =
	    match(o.t, tb_flow(TCP, "192.168.1.1", 5000, "8.8.8.8", 443, "TLS"));
	assert_int_equal(v.verdict, FA_V_OUT_OF_SCOPE);
	assert_int_equal(v.severity, FA_SEV_NONE);
	assert_int_equal(v.rule, -1);
	assert_int_equal(v.policy, -1);
	assert_int_equal(v.src_role, o.lan);
	assert_int_equal(v.dst_role, o.outside);
	assert_string_equal(v.why, "");
	/* one endpoint in scope is enough */
	v = match(o.t, tb_flow(TCP, "192.168.1.1", 5000, "10.1.1.5", 443, "TLS"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, o.web);
	v = match(o.t, tb_flow(TCP, "10.1.1.5", 5000, "8.8.8.8", 8080, "HTTP"));
	assert_int_equal(v.verdict, FA_V_UNDOCUMENTED);
	/* an unbound role holds nothing, even when in scope */
	v = match(o.t, tb_flow(TCP, "11.0.0.1", 5000, "12.0.0.1", 80, "HTTP"));
	assert_int_equal(v.verdict, FA_V_OUT_OF_SCOPE);
	tb_free(&o.t);
}

static void test_apps(void **state)
{
	(void)state;
	struct ovoc o = ovoc_new();
	const char *ok[] = {"TLS", "tls", "TLS.Microsoft", "tls.Google"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		struct fa_policy_verdict v =
		    match(o.t, tb_flow(TCP, "10.2.0.1", 5000, "10.1.1.5", 443, ok[i]));
		assert_int_equal(v.verdict, FA_V_ALLOWED);
	}
	struct fa_policy_verdict v =
	    match(o.t, tb_flow(TCP, "10.2.0.1", 5000, "10.1.1.5", 443, "OpenVPN"));
	assert_int_equal(v.verdict, FA_V_APP_MISMATCH);
	assert_int_equal(v.severity, FA_SEV_HIGH);
	assert_int_equal(v.rule, o.web);
	assert_string_equal(v.why, "rule web-https expects app TLS on tcp/443; saw OpenVPN");
	/* TLS is the app part here, not the master: no match */
	v = match(o.t, tb_flow(TCP, "10.2.0.1", 5000, "10.1.1.5", 443, "HTTP.TLSX"));
	assert_int_equal(v.verdict, FA_V_APP_MISMATCH);
	v = match(o.t, tb_flow(TCP, "10.2.0.1", 5000, "10.1.1.5", 443, "TLSv1"));
	assert_int_equal(v.verdict, FA_V_APP_MISMATCH);

	/* the app part of a detection */
	tb_rule_app(o.t, o.dmpull, "Microsoft");
	rebuild(o.t);
	v = match(o.t, tb_flow(TCP, "10.2.0.1", 5000, "10.1.1.6", 443, "TLS.Microsoft"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	v = match(o.t, tb_flow(TCP, "10.2.0.1", 5000, "10.1.1.6", 443, "TLS.Google"));
	assert_int_equal(v.verdict, FA_V_APP_MISMATCH);
	/* a rule spelling both parts */
	tb_rule_app(o.t, o.dmpull, "HTTP.Google");
	rebuild(o.t);
	v = match(o.t, tb_flow(TCP, "10.2.0.1", 5000, "10.1.1.6", 443, "http.google"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	v = match(o.t, tb_flow(TCP, "10.2.0.1", 5000, "10.1.1.6", 443, "Zoom"));
	assert_string_equal(
	    v.why, "rule dm-pull expects app Microsoft or HTTP.Google on tcp/443; saw Zoom");
	tb_free(&o.t);
}

static void test_unknown_app_modes(void **state)
{
	(void)state;
	struct ovoc o = ovoc_new();
	struct fa_policy_flow f = tb_flow(UDP, "10.2.0.1", 5000, "10.1.1.5", 162, "Unknown");
	struct fa_policy_verdict v = match(o.t, f);
	assert_int_equal(v.verdict, FA_V_APP_UNKNOWN);
	assert_int_equal(v.severity, FA_SEV_MEDIUM); /* the rule's */
	assert_int_equal(v.rule, o.trap);
	assert_string_equal(
	    v.why, "rule ovoc-trap expects app SNMP on udp/162; application not identified");
	o.t->rules[o.trap].severity = FA_SEV_NONE;
	rebuild(o.t);
	v = match(o.t, f);
	assert_int_equal(v.severity, FA_SEV_LOW); /* the default */
	f.app = NULL;
	assert_int_equal(match(o.t, f).verdict, FA_V_APP_UNKNOWN);
	f.app = "SNMP";
	f.app_guessed = true;
	v = match(o.t, f);
	assert_int_equal(v.verdict, FA_V_APP_UNKNOWN);
	assert_string_equal(v.why,
	                    "rule ovoc-trap expects app SNMP on udp/162; SNMP was only guessed "
	                    "from the port");
	v = match_mode(o.t, f, FA_UNKNOWN_APP_ALLOW);
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, o.trap);
	v = match_mode(o.t, f, FA_UNKNOWN_APP_MISMATCH);
	assert_int_equal(v.verdict, FA_V_APP_MISMATCH);
	assert_int_equal(v.severity, FA_SEV_HIGH);
	/* a rule without applications does not care */
	v = match(o.t, tb_flow(UDP, "10.2.0.1", 5000, "10.1.1.5", 123, "Unknown"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, o.ntp);
	tb_free(&o.t);
}

static void test_undocumented_why(void **state)
{
	(void)state;
	struct ovoc o = ovoc_new();
	struct fa_policy_verdict v =
	    match(o.t, tb_flow(UDP, "10.9.2.3", 5000, "10.1.1.5", 162, "SNMP"));
	assert_int_equal(v.verdict, FA_V_UNDOCUMENTED);
	assert_int_equal(v.severity, FA_SEV_MEDIUM);
	assert_int_equal(v.rule, o.trap);
	assert_int_equal(v.policy, 0);
	assert_int_equal(v.src_role, o.lan);
	assert_int_equal(v.dst_role, o.ovoc);
	assert_string_equal(v.why, "rule ovoc-trap expects udp/162 from role devices; initiator "
	                           "10.9.2.3 is in role lan");
	v = match(o.t, tb_flow(UDP, "11.1.2.3", 5000, "10.1.1.5", 162, "SNMP"));
	assert_string_equal(v.why, "rule ovoc-trap expects udp/162 from role devices; initiator "
	                           "11.1.2.3 is in role outside");
	v = match(o.t, tb_flow(UDP, "0.1.2.3", 5000, "10.1.1.5", 162, "SNMP"));
	assert_int_equal(v.src_role, -1);
	assert_string_equal(v.why, "rule ovoc-trap expects udp/162 from role devices; initiator "
	                           "0.1.2.3 is in no role");
	v = match(o.t, tb_flow(UDP, "10.2.0.1", 5000, "10.1.1.6", 162, "SNMP"));
	assert_int_equal(v.rule, o.trap);
	assert_string_equal(v.why,
	                    "rule ovoc-trap expects udp/162 to role ovoc; responder 10.1.1.6 "
	                    "is in role dm");
	/* nothing on the port: the nearest port of that protocol */
	v = match(o.t, tb_flow(UDP, "10.1.1.5", 5000, "10.2.0.1", 60, "Unknown"));
	assert_int_equal(v.verdict, FA_V_UNDOCUMENTED);
	assert_int_equal(v.rule, o.dns);
	assert_int_equal(v.policy, 1);
	assert_string_equal(v.why, "no rule documents udp/60; nearest rule dns (udp/53)");
	v = match(o.t, tb_flow(UDP, "10.1.1.5", 5000, "10.2.0.1", 150, "Unknown"));
	assert_int_equal(v.rule, o.trap);
	assert_string_equal(v.why, "no rule documents udp/150; nearest rule ovoc-trap (udp/162)");
	v = match(o.t, tb_flow(UDP, "10.1.1.5", 5000, "10.2.0.1", 9999, "Unknown"));
	assert_string_equal(v.why, "no rule documents udp/9999; nearest rule ocs-av-14 (udp/3478)");
	v = match(o.t, tb_flow(ICMP, "10.1.1.5", 0, "10.2.0.1", 0, "ICMP"));
	assert_int_equal(v.rule, -1);
	assert_int_equal(v.policy, -1);
	assert_string_equal(v.why, "no rule documents icmp");
	tb_free(&o.t);
}

static void test_protocols_and_ranges(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	uint32_t a = TB_ROLE(t, "a", true, E_NET("10.0.0.0", 24));
	uint32_t b = TB_ROLE(t, "b", true, E_NET("10.0.1.0", 24));
	uint32_t c = TB_ROLE(t, "c", true, E_NET("10.0.2.0", 24));
	uint32_t ping = tb_rule(t, "ping", 0, a, b, ICMP, 0, 0);
	uint32_t anyp = tb_rule(t, "anything", 0, c, a, FA_PROTO_ANY, 0, 0);
	uint32_t sip = tb_rule(t, "sip", 0, a, b, UDP, 5060, 5060);
	tb_rule_port(t, sip, 1, TCP, 5060, 5061);
	tb_rule_app(t, sip, "SIP");
	uint32_t rtp = tb_rule(t, "rtp", FA_RULE_BIDIR, a, b, UDP, 1024, 65535);
	tb_rule_app(t, rtp, "RTP");
	tb_rule_app(t, rtp, "RTCP");
	char err[200];
	assert_int_equal(fa_matcher_build(&t->set, err, sizeof(err)), 0);

	struct fa_policy_verdict v = match(t, tb_flow(ICMP, "10.0.0.1", 0, "10.0.1.1", 8, "ICMP"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, ping);
	v = match(t, tb_flow(47, "10.0.2.1", 0, "10.0.0.1", 0, "GRE"));
	assert_int_equal(v.rule, anyp);
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	/* the first rule in declaration order wins */
	v = match(t, tb_flow(UDP, "10.0.2.1", 9, "10.0.0.1", 5060, "DNS"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, anyp);
	v = match(t, tb_flow(TCP, "10.0.0.1", 40000, "10.0.1.1", 5061, "SIP"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, sip);
	v = match(t, tb_flow(UDP, "10.0.0.1", 5062, "10.0.1.1", 5060, "SIP"));
	assert_int_equal(v.rule, sip);
	/* udp/5061 is only in the RTP range; the app says otherwise */
	v = match(t, tb_flow(UDP, "10.0.0.1", 5062, "10.0.1.1", 5061, "SIP"));
	assert_int_equal(v.verdict, FA_V_APP_MISMATCH);
	assert_int_equal(v.rule, rtp);
	assert_string_equal(v.why, "rule rtp expects app RTP or RTCP on udp/1024-65535; saw SIP");
	v = match(t, tb_flow(UDP, "10.0.1.1", 1024, "10.0.0.1", 65535, "RTP"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, rtp);
	assert_int_equal(v.src_role, b);
	assert_int_equal(v.dst_role, a);
	v = match(t, tb_flow(UDP, "10.0.1.1", 1024, "10.0.0.1", 1023, "RTP"));
	assert_int_equal(v.verdict, FA_V_WRONG_DIRECTION);
	assert_int_equal(v.rule, rtp);
	assert_string_equal(v.why,
	                    "only the reverse is documented: rule rtp a <-> b udp/1024-65535");
	tb_free(&t);
}

static void test_ipv6_port_lists(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	uint32_t v6 = TB_ROLE(t, "v6", true, E_NET("2001:db8::", 64));
	uint32_t six = tb_rule(t, "six", 0, v6, v6, TCP, 80, 80);
	tb_rule_port(t, six, 0, TCP, 8080, 8081);
	char err[200];
	assert_int_equal(fa_matcher_build(&t->set, err, sizeof(err)), 0);
	struct fa_policy_verdict v;
	v = match(t, tb_flow(TCP, "2001:db8::1", 50000, "2001:db8::2", 8081, "HTTP"));
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, six);
	v = match(t, tb_flow(TCP, "2001:db8::1", 50000, "2001:db8::2", 8082, "HTTP"));
	assert_int_equal(v.verdict, FA_V_UNDOCUMENTED);
	assert_string_equal(v.why,
	                    "no rule documents tcp/8082; nearest rule six (tcp/80,8080-8081)");
	v = match(t, tb_flow(TCP, "2001:db8:1::1", 50000, "2001:db8::2", 8080, "HTTP"));
	assert_string_equal(v.why, "rule six expects tcp/8080-8081 from role v6; initiator "
	                           "2001:db8:1::1 is in no role");
	tb_free(&t);
}

static void test_dynamic_roles_in_rules(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	uint32_t lan = TB_ROLE(t, "lan", true, E_NET("10.0.0.0", 8));
	uint32_t teams = TB_ROLE(t, "teams", false, E_HOST("*.teams.microsoft.com"), E_ASN(8075));
	uint32_t r = tb_rule(t, "to-teams", 0, lan, teams, TCP, 443, 443);
	char err[200];
	assert_int_equal(fa_matcher_build(&t->set, err, sizeof(err)), 0);
	struct fa_policy_flow f = tb_flow(TCP, "10.0.0.1", 50000, "52.1.1.1", 443, "TLS");
	f.dst_names[0] = "a.teams.microsoft.com";
	struct fa_policy_verdict v = match(t, f);
	assert_int_equal(v.verdict, FA_V_ALLOWED);
	assert_int_equal(v.rule, r);
	assert_int_equal(v.dst_role, teams);
	f.dst_names[0] = "www.example.com";
	f.dst_asn = 8075;
	assert_int_equal(match(t, f).verdict, FA_V_ALLOWED);
	f.dst_asn = 15169;
	v = match(t, f);
	assert_int_equal(v.verdict, FA_V_UNDOCUMENTED);
	assert_string_equal(v.why,
	                    "rule to-teams expects tcp/443 to role teams; responder 52.1.1.1 is "
	                    "in no role");
	/* neither end in scope when only the dynamic role holds them */
	t->roles[lan].in_scope = false;
	t->roles[teams].in_scope = true;
	assert_int_equal(fa_matcher_build(&t->set, err, sizeof(err)), 0);
	assert_int_equal(match(t, f).verdict, FA_V_OUT_OF_SCOPE);
	f.dst_asn = 8075;
	assert_int_equal(match(t, f).verdict, FA_V_ALLOWED);
	tb_free(&t);
}

static void test_no_matcher(void **state)
{
	(void)state;
	struct tb *t = tb_new();
	TB_ROLE(t, "a", true, E_NET("10.0.0.0", 8));
	struct fa_policy_flow f = tb_flow(TCP, "10.0.0.1", 1, "10.0.0.2", 2, NULL);
	struct fa_policy_verdict v = match(t, f);
	assert_int_equal(v.verdict, FA_V_NONE);
	assert_int_equal(v.rule, -1);
	assert_string_equal(v.why, "");
	struct fa_matcher *m = NULL;
	fa_matcher_free(&m);
	fa_matcher_free(NULL);
	tb_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_allowed_forward_and_wrong_direction),
	    cmocka_unit_test(test_bidirectional),
	    cmocka_unit_test(test_initiator_port),
	    cmocka_unit_test(test_deny_precedence),
	    cmocka_unit_test(test_scope),
	    cmocka_unit_test(test_apps),
	    cmocka_unit_test(test_unknown_app_modes),
	    cmocka_unit_test(test_undocumented_why),
	    cmocka_unit_test(test_protocols_and_ranges),
	    cmocka_unit_test(test_ipv6_port_lists),
	    cmocka_unit_test(test_dynamic_roles_in_rules),
	    cmocka_unit_test(test_no_matcher),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
