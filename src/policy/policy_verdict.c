/* policy_verdict.c - how a verdict is told: the verdict and severity names
 * and the one-line "why" that points at the nearest rule and what failed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_match_int.h"

static const char *const verdict_names[FA_V__COUNT] = {
    [FA_V_NONE] = "",
    [FA_V_ALLOWED] = "allowed",
    [FA_V_APP_MISMATCH] = "app-mismatch",
    [FA_V_APP_UNKNOWN] = "app-unknown",
    [FA_V_WRONG_DIRECTION] = "wrong-direction",
    [FA_V_DENIED] = "denied",
    [FA_V_UNDOCUMENTED] = "undocumented",
    [FA_V_OUT_OF_SCOPE] = "out-of-scope",
};

static const char *const severity_names[FA_SEV__COUNT] = {
    [FA_SEV_NONE] = "",         [FA_SEV_INFO] = "info", [FA_SEV_LOW] = "low",
    [FA_SEV_MEDIUM] = "medium", [FA_SEV_HIGH] = "high", [FA_SEV_CRITICAL] = "critical",
};

const char *fa_verdict_name(enum fa_verdict v)
{
	return (unsigned)v < FA_V__COUNT ? verdict_names[v] : "";
}

const char *fa_severity_name(enum fa_severity s)
{
	return (unsigned)s < FA_SEV__COUNT ? severity_names[s] : "";
}

bool fa_severity_parse(const char *s, enum fa_severity *out)
{
	for (unsigned i = FA_SEV_INFO; s && i < FA_SEV__COUNT; i++) {
		if (strcasecmp(s, severity_names[i]) == 0) {
			if (out)
				*out = (enum fa_severity)i;
			return true;
		}
	}
	return false;
}

/* ---- why ------------------------------------------------------------------ */

/* Appends to a fixed buffer; what does not fit is cut. */
struct sb {
	char *p;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void sb_add(struct sb *b, const char *fmt, ...)
{
	if (b->len + 1 >= b->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len = b->len + (size_t)n < b->cap ? b->len + (size_t)n : b->cap - 1;
}

static const char *proto_name(uint8_t p, char *buf, size_t len)
{
	switch (p) {
	case FA_PROTO_ANY: return "any";
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	}
	snprintf(buf, len, "%u", (unsigned)p);
	return buf;
}

static void add_range(struct sb *b, uint32_t range)
{
	if (fa_rt_lo(range) == fa_rt_hi(range))
		sb_add(b, "%u", (unsigned)fa_rt_lo(range));
	else
		sb_add(b, "%u-%u", (unsigned)fa_rt_lo(range), (unsigned)fa_rt_hi(range));
}

/* The first service item of a rule's text record; each is its protocol,
 * its number of ranges, then the ranges. */
static const uint32_t *first_item(const uint32_t *t)
{
	return t + FA_RT_HDR + t[FA_RT_NSPORTS];
}

/* "udp/162", "udp/1024-65535", "tcp": the rule's part that covers
 * proto/port, else its whole service. */
static void add_svc_at(struct sb *b, const uint32_t *t, uint8_t proto, uint16_t port)
{
	char num[4];
	const uint32_t *it = first_item(t);
	for (uint32_t i = 0; i < t[FA_RT_NITEMS]; i++, it += 2 + it[1]) {
		uint8_t ip = (uint8_t)it[0];
		if (ip != proto && ip != FA_PROTO_ANY)
			continue;
		for (uint32_t k = 0; k < it[1]; k++) {
			if (port >= fa_rt_lo(it[2 + k]) && port <= fa_rt_hi(it[2 + k])) {
				sb_add(b, "%s/", proto_name(ip, num, sizeof(num)));
				add_range(b, it[2 + k]);
				return;
			}
		}
		if (!it[1]) {
			sb_add(b, "%s", proto_name(ip, num, sizeof(num)));
			return;
		}
	}
	it = first_item(t);
	for (uint32_t i = 0; i < t[FA_RT_NITEMS]; i++, it += 2 + it[1]) {
		sb_add(b, "%s%s", i ? "," : "", proto_name((uint8_t)it[0], num, sizeof(num)));
		for (uint32_t k = 0; k < it[1]; k++) {
			sb_add(b, "%s", k ? "," : "/");
			add_range(b, it[2 + k]);
		}
	}
	if (!t[FA_RT_NITEMS])
		sb_add(b, "any");
}

static void add_apps(struct sb *b, const uint32_t *t, size_t napps)
{
	const char *app = fa_rt_str(t, FA_RT_APPS);
	for (size_t i = 0; i < napps; i++, app += strlen(app) + 1)
		sb_add(b, "%s%s",
		       i == 0            ? ""
		       : i + 1 == napps ? " or "
		                         : ", ",
		       app);
}

void fa_why_verdict(char *buf, size_t len, const struct fa_policy_set *set,
                    const struct fa_policy_flow *flow, enum fa_verdict v, int32_t rule,
                    bool undetected)
{
	struct sb b = {buf, 0, len};
	if (!len)
		return;
	buf[0] = '\0';
	if (rule < 0 || (size_t)rule >= set->nrules || !set->matcher)
		return;
	const struct fa_matcher *m = set->matcher;
	const uint32_t *t = fa_rtext(m, (uint32_t)rule);
	const char *id = fa_rt_str(t, FA_RT_ID);
	switch (v) {
	case FA_V_DENIED: sb_add(&b, "denied by rule %s", id); break;
	case FA_V_APP_MISMATCH:
	case FA_V_APP_UNKNOWN:
		sb_add(&b, "rule %s expects app ", id);
		add_apps(&b, t, m->mrules[rule].napps);
		sb_add(&b, " on ");
		add_svc_at(&b, t, flow->proto, flow->dport);
		if (!undetected)
			sb_add(&b, "; saw %s", flow->app);
		else if (flow->app_guessed && flow->app && flow->app[0])
			sb_add(&b, "; %s was only guessed from the port", flow->app);
		else
			sb_add(&b, "; application not identified");
		break;
	case FA_V_WRONG_DIRECTION:
		sb_add(&b, "only the reverse is documented: rule %s %s %s %s ", id,
		       fa_rt_str(t, FA_RT_SRC), m->mrules[rule].flags & FA_RULE_BIDIR ? "<->" : "->",
		       fa_rt_str(t, FA_RT_DST));
		add_svc_at(&b, t, flow->proto, flow->sport);
		break;
	default: break;
	}
}

static void add_where(struct sb *b, const char *what, const struct fa_ep *ep)
{
	char a[FA_ADDR_STRLEN];
	int32_t first = fa_ep_first_role(ep);
	sb_add(b, "%s %s is in ", what, fa_addr_str(ep->addr, a, sizeof(a)));
	if (first < 0)
		sb_add(b, "no role");
	else
		sb_add(b, "role %s", fa_role_name(ep->set->matcher, (uint32_t)first));
}

void fa_why_undocumented(char *buf, size_t len, const struct fa_policy_set *set,
                         const struct fa_policy_flow *flow, const struct fa_ep *src,
                         const struct fa_ep *dst, int32_t rule, int score, bool rev)
{
	struct sb b = {buf, 0, len};
	char num[4];
	if (!len)
		return;
	buf[0] = '\0';
	const struct fa_matcher *m = set->matcher;
	bool known = m && rule >= 0 && (size_t)rule < set->nrules;
	if (!known || score < 0) {
		sb_add(&b, "no rule documents %s", proto_name(flow->proto, num, sizeof(num)));
		if (flow->proto == 6 || flow->proto == 17 || flow->proto == 132)
			sb_add(&b, "/%u", (unsigned)flow->dport);
		if (known) {
			const uint32_t *t = fa_rtext(m, (uint32_t)rule);
			sb_add(&b, "; nearest rule %s (", fa_rt_str(t, FA_RT_ID));
			add_svc_at(&b, t, flow->proto, flow->dport);
			sb_add(&b, ")");
		}
		return;
	}
	const uint32_t *t = fa_rtext(m, (uint32_t)rule);
	const char *want_ini = fa_rt_str(t, rev ? FA_RT_DST : FA_RT_SRC);
	const char *want_resp = fa_rt_str(t, rev ? FA_RT_SRC : FA_RT_DST);
	sb_add(&b, "rule %s expects ", fa_rt_str(t, FA_RT_ID));
	add_svc_at(&b, t, flow->proto, flow->dport);
	switch (score) {
	case 3:
		sb_add(&b, " from initiator port ");
		for (uint32_t i = 0; i < t[FA_RT_NSPORTS]; i++) {
			sb_add(&b, "%s", i ? "," : "");
			add_range(&b, t[FA_RT_HDR + i]);
		}
		sb_add(&b, "; saw %u", (unsigned)(rev ? flow->dport : flow->sport));
		break;
	case 2:
		sb_add(&b, " from role %s; ", want_ini);
		add_where(&b, "initiator", src);
		break;
	case 1:
		sb_add(&b, " to role %s; ", want_resp);
		add_where(&b, "responder", dst);
		break;
	default:
		sb_add(&b, " from role %s to role %s; ", want_ini, want_resp);
		add_where(&b, "initiator", src);
		sb_add(&b, ", ");
		add_where(&b, "responder", dst);
		break;
	}
}
