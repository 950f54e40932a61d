/* policy_match.c - the verdict of a flow, from the candidate rules the
 * index gives for its protocol and responder port.
 *
 * Among those, a flow only looks at the rules whose role keys hold its
 * endpoints (or are "any", or roles whose members depend on names, ASN or
 * country), walking the side whose endpoint is in fewer roles. So the cost
 * per flow grows with the rules that could match it, not with the size of
 * the policy. The index is built in
 * policy_match_index.c; the why text is written in policy_verdict.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fa_error.h"
#include "policy/policy_match_int.h"

/* ---- matching ------------------------------------------------------------- */

/* The rule's initiator ports (from its text record) hold port. */
static bool sports_have(const uint32_t *t, uint16_t port)
{
	const uint32_t *p = t + FA_RT_HDR;
	for (uint32_t i = 0; i < t[FA_RT_NSPORTS]; i++) {
		if (port >= fa_rt_lo(p[i]) && port <= fa_rt_hi(p[i]))
			return true;
	}
	return t[FA_RT_NSPORTS] == 0;
}

static bool app_undetected(const struct fa_policy_flow *f)
{
	return f->app_guessed || !f->app || !f->app[0] || strcasecmp(f->app, "Unknown") == 0;
}

/* "TLS" matches "TLS" and "TLS.Microsoft"; "Microsoft" matches the latter. */
static bool app_is(const char *want, const char *seen)
{
	if (strcasecmp(want, seen) == 0)
		return true;
	const char *dot = strchr(seen, '.');
	if (!dot)
		return false;
	size_t ml = (size_t)(dot - seen);
	return (strlen(want) == ml && strncasecmp(want, seen, ml) == 0) ||
	       strcasecmp(want, dot + 1) == 0;
}

static bool rule_app_ok(const struct fa_matcher *m, uint32_t r, const char *seen)
{
	const struct fa_mrule *mr = &m->mrules[r];
	const char *app = m->app_pool + mr->apps_off;
	for (size_t i = 0; i < mr->napps; i++, app += strlen(app) + 1) {
		if (app_is(app, seen))
			return true;
	}
	return false;
}

/* One flow's walk over its candidates; ini/resp are the endpoints as the
 * rule would see them (swapped for the wrong-direction pass). */
struct walk {
	const struct fa_policy_set *set;
	const struct fa_policy_flow *flow;
	const struct fa_ep *ini, *resp;
	uint16_t ini_port, resp_port;
	bool reverse_pass, undetected;
	enum fa_unknown_app_mode mode;
	int32_t deny, allow, unknown, mismatch, wrongdir;
	bool allow_rev;
	int32_t near;
	int near_score;
	bool near_rev;
	bool stop;                     /* the nearest rule is found: walk no further */
	int near_budget;               /* runs the nearest-rule search may still look at */
	bool by_ini;                   /* walking the index keyed by the initiator */
	uint32_t outer_key, inner_key; /* the keys of the run being visited */
};

static void min_rule(int32_t *slot, uint32_t r)
{
	if (*slot < 0 || (uint32_t)*slot > r)
		*slot = (int32_t)r;
}

static void visit(struct walk *w, struct fa_cand c)
{
	uint32_t r = fa_cand_rule_rev(c) >> 1;
	bool rev = fa_cand_rule_rev(c) & 1;
	const struct fa_matcher *m = w->set->matcher;
	const struct fa_mrule *mr = &m->mrules[r];
	uint32_t ini_role = rev ? mr->dst_role : mr->src_role;
	uint32_t resp_role = rev ? mr->src_role : mr->dst_role;
	bool deny = mr->flags & FA_RULE_DENY;
	if (w->reverse_pass && deny)
		return;
	/* static keys were matched already; this settles dynamic roles */
	uint32_t resp_key = w->by_ini ? w->inner_key : w->outer_key;
	uint32_t ini_key = w->by_ini ? w->outer_key : w->inner_key;
	if ((resp_key == FA_KEY_DYN && !fa_ep_has(w->resp, resp_role)) ||
	    (ini_key == FA_KEY_DYN && !fa_ep_has(w->ini, ini_role)))
		return;
	if ((mr->flags & FA_MRULE_SPORTS) &&
	    !sports_have(fa_rtext(m, r), rev ? w->resp_port : w->ini_port)) {
		if (!w->reverse_pass && !deny && (w->near_score < 3 || (int32_t)r < w->near)) {
			w->near = (int32_t)r;
			w->near_score = 3;
			w->near_rev = rev;
		}
		return;
	}
	if (w->reverse_pass) {
		min_rule(&w->wrongdir, r);
		return;
	}
	if (deny) {
		if (!mr->napps || (!w->undetected && rule_app_ok(m, r, w->flow->app)))
			min_rule(&w->deny, r);
		return;
	}
	int32_t *slot = &w->allow;
	if (mr->napps && w->undetected)
		slot = w->mode == FA_UNKNOWN_APP_ALLOW  ? &w->allow
		       : w->mode == FA_UNKNOWN_APP_FLAG ? &w->unknown
		                                        : &w->mismatch;
	else if (mr->napps && !rule_app_ok(m, r, w->flow->app))
		slot = &w->mismatch;
	/* a "<->" rule matching both ways reports its written direction */
	if (slot == &w->allow &&
	    (w->allow < 0 || (uint32_t)w->allow > r || ((uint32_t)w->allow == r && !rev)))
		w->allow_rev = rev;
	min_rule(slot, r);
}

static uint32_t fkey(const struct fa_cand *c, bool inner)
{
	return inner ? fa_cand_ikey(*c) : fa_cand_key(*c);
}

/* First index in [lo, hi) whose key (inner: ikey) is >= x. */
static uint32_t cand_lower(const struct fa_cand *v, uint32_t lo, uint32_t hi, bool inner,
                           uint32_t x)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (fkey(&v[mid], inner) < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The same for an x expected a few places past lo (the end of a run of one
 * key): probes lo, lo + 1, lo + 3, lo + 7, ... then searches the last gap,
 * so a short run costs a read or two of one cache line. */
static uint32_t cand_gallop(const struct fa_cand *v, uint32_t lo, uint32_t hi, bool inner,
                            uint32_t x)
{
	uint32_t below = lo, step = 1;
	while (lo < hi && fkey(&v[lo], inner) < x) {
		below = lo + 1;
		lo = hi - lo > step ? lo + step : hi;
		step *= 2;
	}
	return cand_lower(v, below, lo, inner, x);
}

static uint32_t u32_lower(const uint32_t *v, uint32_t lo, uint32_t hi, uint32_t x)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

typedef void (*run_fn)(struct walk *w, const struct fa_cand *v, uint32_t a, uint32_t b,
                       const struct fa_ep *inner_ep);

/* Calls fn for every run of v[a, b) whose key (inner: ikey) is one of the
 * endpoint's static roles, then for the "dynamic" and "any" runs. Sorted
 * lists leapfrog each other, so the cost follows the shorter side. */
static void runs_for(struct walk *w, const struct fa_cand *v, uint32_t a, uint32_t open, uint32_t b,
                     bool inner, const struct fa_ep *ep, const struct fa_ep *inner_ep, run_fn fn)
{
	uint32_t i = a, j = 0, nm = ep->nmembers;
	while (i < open && j < nm && !w->stop) {
		uint32_t k = fkey(&v[i], inner), m = ep->members[j];
		if (k == m) {
			uint32_t e = cand_gallop(v, i, open, inner, k + 1);
			*(inner ? &w->inner_key : &w->outer_key) = k;
			fn(w, v, i, e, inner_ep);
			i = e;
			j++;
		} else if (k < m) {
			i = cand_lower(v, i, open, inner, m);
		} else {
			j = u32_lower(ep->members, j, nm, k);
		}
	}
	static const uint32_t open_keys[2] = {FA_KEY_DYN, FA_KEY_ANY};
	i = open;
	for (int o = 0; o < 2 && !w->stop; o++) {
		uint32_t key = open_keys[o];
		i = cand_gallop(v, i, b, inner, key);
		if (i == b || fkey(&v[i], inner) != key)
			continue;
		uint32_t e = key == FA_KEY_ANY ? b : cand_gallop(v, i, b, inner, key + 1);
		*(inner ? &w->inner_key : &w->outer_key) = key;
		fn(w, v, i, e, inner_ep);
		i = e;
	}
}

static void visit_run(struct walk *w, const struct fa_cand *v, uint32_t a, uint32_t b,
                      const struct fa_ep *unused)
{
	(void)unused;
	for (uint32_t i = a; i < b; i++)
		visit(w, v[i]);
}

/* A run of one key: narrowed in turn by the other endpoint's roles. */
static void inner_runs(struct walk *w, const struct fa_cand *v, uint32_t a, uint32_t b,
                       const struct fa_ep *inner_ep)
{
	runs_for(w, v, a, cand_lower(v, a, b, true, FA_KEY_DYN), b, true, inner_ep, NULL,
	         visit_run);
}

/* Every candidate whose two role keys each hold their endpoint (or are
 * "any" or dynamic), through the index of the side in fewer roles. */
static void walk_spans(struct walk *w, const struct fa_cand_list *spans, size_t nspans)
{
	int side = w->resp->nmembers <= w->ini->nmembers ? 0 : 1;
	w->by_ini = side == 1;
	const struct fa_ep *outer = side ? w->ini : w->resp, *inner = side ? w->resp : w->ini;
	for (size_t i = 0; i < nspans; i++)
		runs_for(w, spans[i].v[side], 0, spans[i].open[side], spans[i].n, false, outer,
		         inner, inner_runs);
}

/* The nearest rule on the flow's port when no candidate fit its roles: one
 * whose responder role fits, else one whose initiator role fits, else the
 * first; a bounded look, since it only feeds the why text. */
#define NEAR_RUN_MAX 16

static void near_first(struct walk *w, const struct fa_cand *v, uint32_t a, uint32_t b,
                       const struct fa_ep *unused)
{
	(void)unused;
	if (--w->near_budget <= 0)
		w->stop = true; /* e.g. one deny rule per role of a public address */
	for (uint32_t i = a; i < b && i < a + NEAR_RUN_MAX && w->near < 0; i++) {
		uint32_t r = fa_cand_rule_rev(v[i]) >> 1;
		const struct fa_mrule *rule = &w->set->matcher->mrules[r];
		bool rev = fa_cand_rule_rev(v[i]) & 1;
		uint32_t want = w->near_score == 2 ? (rev ? rule->src_role : rule->dst_role)
		                                   : (rev ? rule->dst_role : rule->src_role);
		const struct fa_ep *ep = w->near_score == 2 ? w->resp : w->ini;
		bool fits = w->near_score == 0 || want == FA_RULE_ROLE_ANY || fa_ep_has(ep, want);
		if (fits && !(rule->flags & FA_RULE_DENY)) {
			w->near = (int32_t)r;
			w->near_rev = rev;
			w->stop = true;
		}
	}
}

static void near_scan(struct walk *w, const struct fa_cand_list *spans, size_t nspans)
{
	for (int score = 2; score >= 0 && w->near < 0; score--) {
		w->near_score = score; /* what near_first looks for */
		w->near_budget = NEAR_RUN_MAX;
		w->stop = false;
		for (size_t i = 0; i < nspans && w->near < 0; i++) {
			if (score == 0)
				near_first(w, spans[i].v[0], 0, spans[i].n, NULL);
			else
				runs_for(w, spans[i].v[score == 2 ? 0 : 1], 0,
				         spans[i].open[score == 2 ? 0 : 1], spans[i].n, false,
				         score == 2 ? w->resp : w->ini, NULL, near_first);
		}
	}
}

/* The allow rule whose ports are closest to port, same protocol first. */
static int32_t near_by_port(const struct fa_matcher *m, uint8_t proto, uint16_t port)
{
	int32_t best = -1;
	unsigned best_d = UINT32_MAX;
	for (int pass = 0; pass < 2; pass++) {
		const struct fa_port_bucket *b = m->proto[pass ? FA_PROTO_ANY : proto];
		if (!b || !b->nnear || (pass && best >= 0))
			continue;
		size_t lo = 0, hi = b->nnear; /* first item with lo > port */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (b->near[mid].lo <= port)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < b->nnear && (unsigned)(b->near[lo].lo - port) < best_d) {
			best_d = (unsigned)(b->near[lo].lo - port);
			best = (int32_t)b->near[lo].rule;
		}
		if (lo > 0) {
			const struct fa_near_item *it = &b->near[b->near_maxhi[lo - 1]];
			unsigned d = it->hi >= port ? 0 : (unsigned)(port - it->hi);
			if (d <= best_d) {
				best_d = d;
				best = (int32_t)it->rule;
			}
		}
	}
	return best;
}

static const uint8_t default_sev[FA_V__COUNT] = {
    [FA_V_APP_MISMATCH] = FA_SEV_HIGH,      [FA_V_APP_UNKNOWN] = FA_SEV_LOW,
    [FA_V_WRONG_DIRECTION] = FA_SEV_MEDIUM, [FA_V_DENIED] = FA_SEV_HIGH,
    [FA_V_UNDOCUMENTED] = FA_SEV_MEDIUM,
};

static void settle(struct fa_policy_verdict *out, const struct fa_policy_set *set,
                   enum fa_verdict v, int32_t rule, bool rule_sev)
{
	out->verdict = (uint8_t)v;
	out->rule = rule;
	const struct fa_mrule *mr = rule >= 0 ? &set->matcher->mrules[rule] : NULL;
	out->policy = mr ? (int32_t)mr->policy : -1;
	out->severity = default_sev[v];
	if (rule_sev && mr && mr->severity != FA_SEV_NONE)
		out->severity = mr->severity;
}

void fa_policy_match(const struct fa_policy_set *set, const struct fa_match_opts *opts,
                     const struct fa_policy_flow *flow, struct fa_policy_verdict *out)
{
	struct fa_ep src, dst;
	struct fa_cand_list spans[4];
	out->verdict = FA_V_NONE;
	out->severity = FA_SEV_NONE;
	out->why[0] = '\0';
	out->rule = out->policy = out->src_role = out->dst_role = -1;
	if (!set || !set->matcher) {
		return;
	}
	fa_ep_init(&src, set, &flow->src, flow->src_names, 2, flow->src_asn, flow->src_country);
	fa_ep_init(&dst, set, &flow->dst, flow->dst_names, 2, flow->dst_asn, flow->dst_country);
	out->src_role = fa_ep_first_role(&src);
	out->dst_role = fa_ep_first_role(&dst);
	if (!fa_ep_in_scope(&src) && !fa_ep_in_scope(&dst)) {
		out->verdict = FA_V_OUT_OF_SCOPE;
		return;
	}
	struct walk w = {.set = set,
	                 .flow = flow,
	                 .ini = &src,
	                 .resp = &dst,
	                 .ini_port = flow->sport,
	                 .resp_port = flow->dport,
	                 .undetected = app_undetected(flow),
	                 .mode = opts ? opts->unknown_app : FA_UNKNOWN_APP_FLAG,
	                 .deny = -1,
	                 .allow = -1,
	                 .unknown = -1,
	                 .mismatch = -1,
	                 .wrongdir = -1,
	                 .near = -1,
	                 .near_score = -1};
	size_t ns = fa_spans_for(set->matcher, flow->proto, flow->dport, spans);
	walk_spans(&w, spans, ns);

	if (w.deny >= 0) {
		settle(out, set, FA_V_DENIED, w.deny, true);
	} else if (w.allow >= 0) {
		const struct fa_mrule *r = &set->matcher->mrules[w.allow];
		uint32_t sr = w.allow_rev ? r->dst_role : r->src_role;
		uint32_t dr = w.allow_rev ? r->src_role : r->dst_role;
		settle(out, set, FA_V_ALLOWED, w.allow, false);
		out->severity = FA_SEV_NONE;
		if (sr != FA_RULE_ROLE_ANY)
			out->src_role = (int32_t)sr;
		if (dr != FA_RULE_ROLE_ANY)
			out->dst_role = (int32_t)dr;
		return;
	} else if (w.unknown >= 0) {
		settle(out, set, FA_V_APP_UNKNOWN, w.unknown, true);
	} else if (w.mismatch >= 0) {
		settle(out, set, FA_V_APP_MISMATCH, w.mismatch, true);
	} else {
		struct walk rw = w;
		struct fa_cand_list rspans[4];
		rw.ini = &dst;
		rw.resp = &src;
		rw.ini_port = flow->dport;
		rw.resp_port = flow->sport;
		rw.reverse_pass = true;
		size_t nr = fa_spans_for(set->matcher, flow->proto, flow->sport, rspans);
		walk_spans(&rw, rspans, nr);
		/* The documented responder may also have opened a connection to
		 * the documented initiator's side of the same service port (a
		 * Device Manager calling an endpoint's 443 where only endpoints
		 * -> Device Manager 443 is written): swapped roles, the flow's
		 * destination port as the rule's port. */
		struct walk rw2 = rw;
		rw2.wrongdir = -1;
		rw2.stop = false;
		rw2.resp_port = flow->dport;
		walk_spans(&rw2, spans, ns);
		if (rw2.wrongdir >= 0 && (rw.wrongdir < 0 || rw2.wrongdir < rw.wrongdir))
			rw.wrongdir = rw2.wrongdir;
		if (rw.wrongdir >= 0) {
			settle(out, set, FA_V_WRONG_DIRECTION, rw.wrongdir, true);
		} else {
			if (w.near < 0)
				near_scan(&w, spans, ns);
			int32_t near = w.near >= 0
			                   ? w.near
			                   : near_by_port(set->matcher, flow->proto, flow->dport);
			settle(out, set, FA_V_UNDOCUMENTED, near, false);
			fa_why_undocumented(out->why, sizeof(out->why), set, flow, &src, &dst, near,
			                    w.near >= 0 ? w.near_score : -1, w.near_rev);
			return;
		}
	}
	fa_why_verdict(out->why, sizeof(out->why), set, flow, out->verdict, out->rule,
	               w.undetected);
}
