/* audit.c - the audit: takes ended flows with their verdicts, counts them,
 * and hands each to findings or to the coverage of the rule that matched. */
#include "audit/audit_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"

#define AUDIT_DEFAULT_MAX_FINDINGS 10000

/* ---- names shared by the audit files --------------------------------------- */

const char *audit_proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case FA_PROTO_ANY: return "any";
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	default: snprintf(buf, len, "%u", (unsigned)proto); return buf;
	}
}

const char *audit_role_name(const struct fa_policy_set *set, int64_t idx)
{
	if (!set || idx < 0 || (uint64_t)idx >= set->nroles)
		return NULL;
	return set->roles[idx].name;
}

bool audit_proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

bool audit_is_name(const char *s)
{
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
		if (!ok)
			return false;
	}
	return true;
}

const char *audit_rule_app(const char *app, char *buf, size_t len)
{
	if (!app || !*app)
		return "Unknown";
	/* nDPI names "master.app" (TLS.Microsoft); a firewall document speaks
	 * of the transport-level protocol, and a rule naming the master part
	 * matches every app carried over it. */
	const char *dot = strchr(app, '.');
	size_t n = dot ? (size_t)(dot - app) : strlen(app);
	if (n == 0 || n >= len)
		return "Unknown";
	memcpy(buf, app, n);
	buf[n] = '\0';
	return buf;
}

/* ---- construction --------------------------------------------------------- */

int fa_audit_new(struct fa_audit **out, const struct fa_policy_set *set, uint32_t max_findings)
{
	*out = NULL;
	struct fa_audit *a = calloc(1, sizeof(*a));
	if (!a)
		return FA_ERR_NOMEM;
	a->set = set;
	a->max_findings = max_findings ? max_findings : AUDIT_DEFAULT_MAX_FINDINGS;
	if (audit_cov_init(a) < 0) {
		fa_audit_free(&a);
		return FA_ERR_NOMEM;
	}
	*out = a;
	return FA_OK;
}

void fa_audit_free(struct fa_audit **pa)
{
	if (!pa || !*pa)
		return;
	struct fa_audit *a = *pa;
	for (size_t i = 0; i < a->nfindings; i++)
		audit_finding_free(a->findings[i]);
	free(a->findings);
	free(a->index);
	for (size_t v = 0; v < FA_V__COUNT; v++)
		audit_finding_free(a->overflow[v]);
	audit_cov_free(a);
	free(a);
	*pa = NULL;
}

/* ---- flows ---------------------------------------------------------------- */

/* The matcher sets a severity for every non-allowed verdict; these are the
 * documented defaults should one arrive without. */
static enum fa_severity effective_severity(const struct fa_policy_verdict *v)
{
	if (v->severity > FA_SEV_NONE && v->severity < FA_SEV__COUNT)
		return (enum fa_severity)v->severity;
	switch (v->verdict) {
	case FA_V_DENIED:
	case FA_V_APP_MISMATCH: return FA_SEV_HIGH;
	case FA_V_APP_UNKNOWN: return FA_SEV_LOW;
	default: return FA_SEV_MEDIUM;
	}
}

void fa_audit_flow(struct fa_audit *a, const struct fa_audit_flow *fl)
{
	if (!a || !fl)
		return;
	const struct fa_policy_verdict *v = fl->v;
	uint8_t verdict = v && v->verdict < FA_V__COUNT ? v->verdict : FA_V_NONE;
	a->counts.flows++;
	a->counts.by_verdict[verdict]++;
	if (verdict == FA_V_ALLOWED || verdict == FA_V_DENIED)
		audit_cover(a, fl, v->rule);
	if (verdict == FA_V_NONE || verdict == FA_V_ALLOWED || verdict == FA_V_OUT_OF_SCOPE)
		return;
	enum fa_severity sev = effective_severity(v);
	a->counts.by_severity[sev]++;
	audit_add_finding(a, fl, sev);
}

/* ---- results -------------------------------------------------------------- */

void fa_audit_emit(struct fa_audit *a, void (*finding)(const struct fa_finding *, void *),
                   void (*rule)(const struct fa_rule_coverage *, void *), void *ctx)
{
	if (!a)
		return;
	if (finding) {
		struct audit_finding **all;
		size_t n = audit_sorted_findings(a, &all);
		for (size_t i = 0; i < n; i++)
			finding(&all[i]->pub, ctx);
		free(all);
	}
	if (rule && a->set) {
		for (size_t i = 0; i < a->set->nrules; i++) {
			struct fa_rule_coverage c;
			audit_rule_coverage(a, i, &c);
			rule(&c, ctx);
		}
	}
}

void fa_audit_counts(const struct fa_audit *a, struct fa_audit_counts *out)
{
	memset(out, 0, sizeof(*out));
	if (!a)
		return;
	*out = a->counts;
	out->findings = a->nfindings;
	for (size_t v = 0; v < FA_V__COUNT; v++)
		out->findings += a->overflow[v] != NULL;
	if (a->set) {
		out->rules = a->set->nrules;
		for (size_t i = 0; i < a->set->nrules; i++)
			out->rules_unused += a->cov[i].flows == 0;
	}
}

bool fa_audit_failed(const struct fa_audit *a, enum fa_severity fail_on)
{
	if (!a)
		return false;
	for (size_t s = fail_on < FA_SEV__COUNT ? (size_t)fail_on : FA_SEV__COUNT;
	     s < FA_SEV__COUNT; s++)
		if (a->counts.by_severity[s])
			return true;
	return false;
}
