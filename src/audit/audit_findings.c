/* audit_findings.c - flows that are not allowed, aggregated into bounded,
 * ordered findings with the fix an auditor can apply. */
#include "audit/audit_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"

#define AUDIT_OTHER "(other)"

/* ---- findings ------------------------------------------------------------- */

struct fkey {
	uint8_t verdict, proto;
	uint16_t port;
	struct audit_peer ini, resp;
	const char *app;
};

static uint64_t hash_peer(uint64_t h, const struct audit_peer *p)
{
	uint8_t tag = p->is_role ? 1 : 0;
	h = audit_fnv1a(h, &tag, sizeof(tag));
	if (p->is_role)
		return audit_fnv1a(h, &p->role, sizeof(p->role));
	return audit_hash_addr(h, &p->addr);
}

static uint64_t hash_key(const struct fkey *k)
{
	uint8_t head[4] = {k->verdict, k->proto, (uint8_t)(k->port >> 8), (uint8_t)k->port};
	uint64_t h = audit_fnv1a(AUDIT_FNV_OFFSET, head, sizeof(head));
	h = hash_peer(h, &k->ini);
	h = hash_peer(h, &k->resp);
	return audit_fnv1a(h, k->app, strlen(k->app));
}

static bool peer_eq(const struct audit_peer *x, const struct audit_peer *y)
{
	if (x->is_role != y->is_role)
		return false;
	return x->is_role ? x->role == y->role : audit_addr_eq(&x->addr, &y->addr);
}

static bool key_eq(const struct fkey *k, const struct audit_finding *f)
{
	return k->verdict == f->verdict && k->proto == f->proto && k->port == f->port &&
	       peer_eq(&k->ini, &f->ini) && peer_eq(&k->resp, &f->resp) &&
	       strcmp(k->app, f->app) == 0;
}

/* A role bound to nothing but `any` says nothing about a peer (learn's
 * baseline policy is one): findings keep the address instead, so drafts can
 * group by subnet. */
static bool role_is_everything(const struct fa_audit *a, int32_t role)
{
	const struct fa_role *r = &a->set->roles[role];
	return r->nelems == 1 && r->elems[0].kind == FA_RE_ANY && !r->elems[0].negate;
}

static void peer_of(const struct fa_audit *a, int32_t role, const struct fa_addr *addr,
                    struct audit_peer *p)
{
	memset(p, 0, sizeof(*p));
	if (audit_role_name(a->set, role) && !role_is_everything(a, role)) {
		p->is_role = true;
		p->role = (uint32_t)role;
	} else {
		memcpy(p->addr.b, addr->b, sizeof(p->addr.b));
		p->addr.ver = addr->ver;
	}
}

static const char *peer_text(const struct fa_audit *a, const struct audit_peer *p, char *buf,
                             size_t len)
{
	if (p->is_role)
		return a->set->roles[p->role].name;
	if (!p->addr.ver)
		return "?";
	return fa_addr_str(&p->addr, buf, len);
}

static const char *rule_id(const struct fa_audit *a, int32_t r)
{
	if (!a->set || r < 0 || (size_t)r >= a->set->nrules)
		return NULL;
	return a->set->rules[r].id;
}

static const char *policy_name(const struct fa_audit *a, const struct fa_policy_verdict *v)
{
	if (!a->set)
		return NULL;
	int64_t p = v->policy;
	if (p < 0 && v->rule >= 0 && (size_t)v->rule < a->set->nrules)
		p = a->set->rules[v->rule].policy;
	if (p < 0 || (uint64_t)p >= a->set->npolicies)
		return NULL;
	return a->set->policies[p].name;
}

/* One line an auditor can act on, in the policy language where it can be. */
static char *make_fix(const struct audit_finding *f)
{
	char buf[512], abuf[64], port[8] = "", idport[8] = "";
	const char *rule = f->pub.rule ? f->pub.rule : "(the nearest rule)";
	const char *app = audit_rule_app(f->app, abuf, sizeof(abuf));
	if (audit_proto_has_ports(f->proto) && f->port) {
		snprintf(port, sizeof(port), " %u", f->port);
		snprintf(idport, sizeof(idport), "-%u", f->port);
	}
	switch (f->verdict) {
	case FA_V_UNDOCUMENTED: {
		const char *src = f->ini.is_role ? f->pub.initiator : "any";
		const char *dst = f->resp.is_role ? f->pub.responder : "any";
		bool named = audit_is_name(app);
		snprintf(buf, sizeof(buf), "rule new-%s%s %s -> %s %s%s%s%s", f->pub.proto, idport,
		         src, dst, f->pub.proto, port, named ? " app " : "", named ? app : "");
		break;
	}
	case FA_V_WRONG_DIRECTION:
		snprintf(buf, sizeof(buf),
		         "make rule %s bidirectional (<->) or add the reverse rule", rule);
		break;
	case FA_V_APP_MISMATCH:
		snprintf(buf, sizeof(buf),
		         "add app %s to rule %s, or investigate: %s is not what the document "
		         "allows on this port",
		         app, rule, f->app);
		break;
	case FA_V_APP_UNKNOWN:
		snprintf(buf, sizeof(buf),
		         "payload not identified on %s%s%s: verify, or add a signature",
		         f->pub.proto, port[0] ? "/" : "", port[0] ? port + 1 : "");
		break;
	case FA_V_DENIED:
		snprintf(buf, sizeof(buf), "investigate: traffic the document forbids");
		break;
	default: buf[0] = '\0'; break;
	}
	return strdup(buf);
}

/* Orders flows by first seen then 5-tuple, so the example a finding shows
 * does not depend on the order flows happened to end in. */
static int example_cmp(const struct fa_audit_flow *fl, const struct audit_finding *f)
{
	if (fl->ts_first_us != f->pub.ex_ts_us)
		return fl->ts_first_us < f->pub.ex_ts_us ? -1 : 1;
	int c = fa_addr_cmp(&fl->src, &f->pub.ex_src);
	if (c)
		return c;
	c = fa_addr_cmp(&fl->dst, &f->pub.ex_dst);
	if (c)
		return c;
	if (fl->sport != f->pub.ex_sport)
		return fl->sport < f->pub.ex_sport ? -1 : 1;
	if (fl->dport != f->pub.ex_dport)
		return fl->dport < f->pub.ex_dport ? -1 : 1;
	return 0;
}

static void set_example(struct fa_audit *a, struct audit_finding *f, const struct fa_audit_flow *fl)
{
	const struct fa_policy_verdict *v = fl->v;
	f->pub.ex_src = fl->src;
	f->pub.ex_dst = fl->dst;
	f->pub.ex_sport = fl->sport;
	f->pub.ex_dport = fl->dport;
	f->pub.ex_ts_us = fl->ts_first_us;
	if (f->overflow)
		return;
	char *why = strndup(v->why, sizeof(v->why) - 1);
	if (why) {
		free(f->why);
		f->why = why;
	}
	f->pub.why = f->why;
	f->pub.rule = rule_id(a, v->rule);
	f->pub.policy = policy_name(a, v);
	char *fix = make_fix(f);
	if (fix) {
		free(f->fix);
		f->fix = fix;
	}
	f->pub.fix = f->fix;
}

static void finding_add(struct fa_audit *a, struct audit_finding *f, const struct fa_audit_flow *fl,
                        enum fa_severity sev)
{
	if (f->pub.flows == 0 || example_cmp(fl, f) < 0)
		set_example(a, f, fl);
	if (f->pub.flows == 0 || fl->ts_first_us < f->pub.first_us)
		f->pub.first_us = fl->ts_first_us;
	if (fl->ts_last_us > f->pub.last_us)
		f->pub.last_us = fl->ts_last_us;
	f->pub.flows++;
	f->pub.pkts += fl->pkts;
	f->pub.bytes += fl->bytes;
	if (sev > f->pub.severity_id) {
		f->pub.severity_id = (uint8_t)sev;
		f->pub.severity = fa_severity_name(sev);
	}
}

void audit_finding_free(struct audit_finding *f)
{
	if (!f)
		return;
	free(f->app);
	free(f->why);
	free(f->fix);
	free(f);
}

static struct audit_finding *finding_new(struct fa_audit *a, const struct fkey *k, bool overflow)
{
	struct audit_finding *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->app = strdup(k->app);
	if (!f->app) {
		free(f);
		return NULL;
	}
	f->verdict = k->verdict;
	f->proto = k->proto;
	f->port = k->port;
	f->ini = k->ini;
	f->resp = k->resp;
	f->overflow = overflow;
	f->pub.verdict = fa_verdict_name((enum fa_verdict)k->verdict);
	f->pub.verdict_id = k->verdict;
	f->pub.severity = fa_severity_name(FA_SEV_NONE);
	f->pub.app = f->app;
	f->pub.port = k->port;
	if (overflow) {
		f->pub.initiator = f->pub.responder = AUDIT_OTHER;
		f->pub.proto = "any";
		char buf[160];
		snprintf(buf, sizeof(buf),
		         "more than %u distinct findings: the rest of this verdict is counted here",
		         a->max_findings);
		f->why = strdup(buf);
		f->fix = strdup("document or fix the findings above, then audit again");
		f->pub.why = f->why;
		f->pub.fix = f->fix;
		return f;
	}
	f->pub.initiator = peer_text(a, &f->ini, f->ini_buf, sizeof(f->ini_buf));
	f->pub.initiator_is_role = f->ini.is_role;
	f->pub.responder = peer_text(a, &f->resp, f->resp_buf, sizeof(f->resp_buf));
	f->pub.responder_is_role = f->resp.is_role;
	f->pub.proto = audit_proto_name(k->proto, f->proto_buf, sizeof(f->proto_buf));
	return f;
}

static struct audit_finding *lookup(const struct fa_audit *a, const struct fkey *k, uint64_t h)
{
	if (!a->index_cap)
		return NULL;
	size_t m = a->index_cap - 1;
	for (size_t i = h & m;; i = (i + 1) & m) {
		uint32_t e = a->index[i];
		if (!e)
			return NULL;
		struct audit_finding *f = a->findings[e - 1];
		if (f->hash == h && key_eq(k, f))
			return f;
	}
}

static int index_grow(struct fa_audit *a)
{
	size_t ncap = a->index_cap ? a->index_cap * 2 : 64;
	uint32_t *n = calloc(ncap, sizeof(*n));
	if (!n)
		return FA_ERR_NOMEM;
	for (size_t e = 0; e < a->nfindings; e++) {
		size_t m = ncap - 1, i = a->findings[e]->hash & m;
		while (n[i])
			i = (i + 1) & m;
		n[i] = (uint32_t)(e + 1);
	}
	free(a->index);
	a->index = n;
	a->index_cap = ncap;
	return FA_OK;
}

static struct audit_finding *insert(struct fa_audit *a, const struct fkey *k, uint64_t h)
{
	if ((a->nfindings + 1) * 2 > a->index_cap && index_grow(a) < 0)
		return NULL;
	if (a->nfindings == a->cap_findings) {
		size_t ncap = a->cap_findings ? a->cap_findings * 2 : 64;
		struct audit_finding **n = realloc(a->findings, ncap * sizeof(*n));
		if (!n)
			return NULL;
		a->findings = n;
		a->cap_findings = ncap;
	}
	struct audit_finding *f = finding_new(a, k, false);
	if (!f)
		return NULL;
	f->hash = h;
	size_t m = a->index_cap - 1, i = h & m;
	while (a->index[i])
		i = (i + 1) & m;
	a->findings[a->nfindings++] = f;
	a->index[i] = (uint32_t)a->nfindings;
	return f;
}

void audit_add_finding(struct fa_audit *a, const struct fa_audit_flow *fl, enum fa_severity sev)
{
	const struct fa_policy_verdict *v = fl->v;
	struct fkey k = {.verdict = v->verdict,
	                 .proto = fl->proto,
	                 .port = fl->dport,
	                 .app = fl->app && *fl->app ? fl->app : "Unknown"};
	peer_of(a, v->src_role, &fl->src, &k.ini);
	peer_of(a, v->dst_role, &fl->dst, &k.resp);
	uint64_t h = hash_key(&k);
	struct audit_finding *f = lookup(a, &k, h);
	if (!f && a->nfindings < a->max_findings)
		f = insert(a, &k, h);
	if (!f) {
		/* Past the bound (or out of memory): one finding per verdict. */
		if (!a->overflow[k.verdict]) {
			struct fkey ok = {.verdict = k.verdict, .app = AUDIT_OTHER};
			a->overflow[k.verdict] = finding_new(a, &ok, true);
		}
		f = a->overflow[k.verdict];
		if (!f)
			return;
	}
	finding_add(a, f, fl, sev);
}

static int finding_order(const void *pa, const void *pb)
{
	const struct audit_finding *x = *(const struct audit_finding *const *)pa;
	const struct audit_finding *y = *(const struct audit_finding *const *)pb;
	if (x->pub.severity_id != y->pub.severity_id)
		return x->pub.severity_id > y->pub.severity_id ? -1 : 1;
	if (x->pub.last_us != y->pub.last_us)
		return x->pub.last_us > y->pub.last_us ? -1 : 1;
	if (x->verdict != y->verdict)
		return x->verdict < y->verdict ? -1 : 1;
	if (x->overflow != y->overflow)
		return x->overflow ? 1 : -1;
	int c = strcmp(x->pub.initiator, y->pub.initiator);
	if (c)
		return c;
	if ((c = strcmp(x->pub.responder, y->pub.responder)) != 0)
		return c;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if ((c = strcmp(x->app, y->app)) != 0)
		return c;
	return (int)x->ini.is_role - (int)y->ini.is_role;
}

size_t audit_sorted_findings(const struct fa_audit *a, struct audit_finding ***out)
{
	*out = NULL;
	size_t n = a->nfindings;
	for (size_t v = 0; v < FA_V__COUNT; v++)
		n += a->overflow[v] != NULL;
	if (!n)
		return 0;
	struct audit_finding **all = malloc(n * sizeof(*all));
	if (!all)
		return 0;
	size_t k = 0;
	for (size_t i = 0; i < a->nfindings; i++)
		all[k++] = a->findings[i];
	for (size_t v = 0; v < FA_V__COUNT; v++)
		if (a->overflow[v])
			all[k++] = a->overflow[v];
	qsort(all, k, sizeof(*all), finding_order);
	*out = all;
	return k;
}
