/* test_audit_fixture.h - a small policy set written out by hand (no parser,
 * no matcher) and functions to build flows and verdicts for the audit tests. */
#ifndef TEST_AUDIT_FIXTURE_H
#define TEST_AUDIT_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit/audit.h"

enum { R_DEVICES, R_OVOC, R_LAN, NROLES };
enum { RULE_TRAP, RULE_SIP, RULE_SSH_DENY, RULE_DBG, RULE_ANY, RULE_LDAP, NRULES };

#define P_TCP 6
#define P_UDP 17

static struct fa_port_range fx_p162[] = {{162, 162}};
static struct fa_port_range fx_p5060[] = {{5060, 5060}};
static struct fa_port_range fx_p5060_5061[] = {{5060, 5061}};
static struct fa_port_range fx_p22[] = {{22, 22}};
static struct fa_port_range fx_p925[] = {{925, 925}};
/* Written out of order on purpose: the normalised string sorts them. */
static struct fa_port_range fx_p636_389[] = {{636, 636}, {389, 389}};

static struct fa_svc_item fx_trap_items[] = {{P_UDP, fx_p162, 1}};
/* "udp 5060, tcp 5060-5061" as the service is declared. */
static struct fa_svc_item fx_sip_items[] = {{P_UDP, fx_p5060, 1}, {P_TCP, fx_p5060_5061, 1}};
static struct fa_svc_item fx_ssh_items[] = {{P_TCP, fx_p22, 1}};
static struct fa_svc_item fx_dbg_items[] = {{P_UDP, fx_p925, 1}};
static struct fa_svc_item fx_ldap_items[] = {{P_TCP, fx_p636_389, 2}};

static char *fx_snmp_apps[] = {"SNMP"};
static char *fx_sip_apps[] = {"SIP", "RTP"};
static char *fx_ldap_apps[] = {"LDAP"};

static struct fa_role fx_roles[NROLES] = {
    [R_DEVICES] = {.name = "devices", .bound = true, .in_scope = true},
    [R_OVOC] = {.name = "ovoc", .bound = true, .in_scope = true},
    [R_LAN] = {.name = "lan", .bound = true, .in_scope = true},
};

static struct fa_policy fx_policies[] = {
    {.name = "AudioCodes OVOC", .source = "001_c5c939b7e1ad1078.txt", .file = "ovoc.policy"},
};

static struct fa_rule fx_rules[NRULES] = {
    [RULE_TRAP] = {.id = "ovoc-trap",
                   .src_role = R_DEVICES,
                   .dst_role = R_OVOC,
                   .svc = {.items = fx_trap_items, .nitems = 1, .apps = fx_snmp_apps, .napps = 1},
                   .severity = FA_SEV_MEDIUM,
                   .purpose = "SNMP trap listening port",
                   .ref = "Enterprise firewall, row 5"},
    [RULE_SIP] = {.id = "sip-publish",
                  .src_role = R_DEVICES,
                  .dst_role = R_OVOC,
                  .svc = {.items = fx_sip_items, .nitems = 2, .apps = fx_sip_apps, .napps = 2}},
    [RULE_SSH_DENY] = {.id = "ssh-exposed",
                       .flags = FA_RULE_DENY,
                       .src_role = FA_RULE_ROLE_ANY,
                       .dst_role = R_OVOC,
                       .svc = {.items = fx_ssh_items, .nitems = 1},
                       .severity = FA_SEV_HIGH},
    [RULE_DBG] = {.id = "dbg",
                  .flags = FA_RULE_DISABLED,
                  .src_role = R_OVOC,
                  .dst_role = R_DEVICES,
                  .svc = {.items = fx_dbg_items, .nitems = 1}},
    [RULE_ANY] = {.id = "lan-any", .src_role = R_LAN, .dst_role = FA_RULE_ROLE_ANY},
    [RULE_LDAP] = {.id = "ldap-opt",
                   .flags = FA_RULE_OPTIONAL,
                   .src_role = R_OVOC,
                   .dst_role = FA_RULE_ROLE_ANY,
                   .svc = {.items = fx_ldap_items, .nitems = 1, .apps = fx_ldap_apps, .napps = 1}},
};

static const struct fa_policy_set fx_set = {
    .policies = fx_policies,
    .npolicies = 1,
    .roles = fx_roles,
    .nroles = NROLES,
    .rules = fx_rules,
    .nrules = NRULES,
};

static inline struct fa_addr fx_addr(const char *s)
{
	struct fa_addr a;
	memset(&a, 0, sizeof(a));
	assert_true(fa_addr_parse(s, &a));
	return a;
}

static inline struct fa_policy_verdict fx_verdict(enum fa_verdict verdict, enum fa_severity sev,
                                                  int32_t rule, int32_t src_role, int32_t dst_role,
                                                  const char *why)
{
	struct fa_policy_verdict v;
	memset(&v, 0, sizeof(v));
	v.verdict = (uint8_t)verdict;
	v.severity = (uint8_t)sev;
	v.rule = rule;
	v.policy = rule >= 0 ? 0 : -1;
	v.src_role = src_role;
	v.dst_role = dst_role;
	snprintf(v.why, sizeof(v.why), "%s", why ? why : "");
	return v;
}

/* ts in whole seconds after 2026-01-01T00:00:00Z (1767225600). */
#define FX_T0 1767225600ULL
#define FX_S(sec) ((FX_T0 + (sec)) * 1000000ULL)

static inline struct fa_audit_flow fx_flow(uint8_t proto, const char *src, uint16_t sport,
                                           const char *dst, uint16_t dport, const char *app,
                                           uint64_t pkts, uint64_t bytes, uint64_t first_s,
                                           uint64_t last_s, const struct fa_policy_verdict *v)
{
	struct fa_audit_flow f;
	memset(&f, 0, sizeof(f));
	f.proto = proto;
	f.src = fx_addr(src);
	f.dst = fx_addr(dst);
	f.sport = sport;
	f.dport = dport;
	f.app = app;
	f.pkts = pkts;
	f.bytes = bytes;
	f.ts_first_us = FX_S(first_s);
	f.ts_last_us = FX_S(last_s);
	f.v = v;
	return f;
}

/* Collects what fa_audit_emit hands out; the pointed-to data stay valid
 * until fa_audit_free. */
struct fx_emitted {
	struct fa_finding f[64];
	size_t nf;
	struct fa_rule_coverage r[16];
	size_t nr;
};

static inline void fx_on_finding(const struct fa_finding *f, void *ctx)
{
	struct fx_emitted *e = ctx;
	assert_true(e->nf < 64);
	e->f[e->nf++] = *f;
}

static inline void fx_on_rule(const struct fa_rule_coverage *r, void *ctx)
{
	struct fx_emitted *e = ctx;
	assert_true(e->nr < 16);
	e->r[e->nr++] = *r;
}

static inline void fx_emit(struct fa_audit *a, struct fx_emitted *e)
{
	memset(e, 0, sizeof(*e));
	fa_audit_emit(a, fx_on_finding, fx_on_rule, e);
}

#endif
