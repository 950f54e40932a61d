/* policy_match.c - the verdict of a flow: rules indexed by protocol and
 * responder port, then by the role the responder must be in.
 *
 * A flow only looks at the rules filed under its protocol (and "any") and
 * its responder port, and among those only at the ones keyed by a role its
 * responder is in (or "any", or a role whose members depend on names, ASN
 * or country). So the cost per flow grows with the rules that could match
 * it, not with the size of the policy. The why text is in
 * policy_verdict.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fa_error.h"
#include "policy/policy_match_int.h"

/* ---- building the port index ---------------------------------------------- */

struct pent {
	uint16_t lo, hi;
	struct fa_cand c;
};

struct pvec {
	struct pent *v;
	size_t n, cap;
};

static int pvec_push(struct pvec *p, uint16_t lo, uint16_t hi, uint32_t key, uint32_t ikey,
		     uint32_t rule_rev)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct pent *v = realloc(p->v, cap * sizeof(*v));
		if (!v)
			return FA_ERR_NOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = (struct pent){lo, hi, {key, ikey, rule_rev}};
	return FA_OK;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct fa_cand *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->ikey != y->ikey)
		return x->ikey < y->ikey ? -1 : 1;
	return x->rule_rev < y->rule_rev ? -1 : x->rule_rev > y->rule_rev;
}

static int pent_port_cmp(const void *a, const void *b)
{
	const struct pent *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return cand_cmp(&x->c, &y->c);
}

static int near_cmp(const void *a, const void *b)
{
	const struct fa_near_item *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int u16_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static size_t seg_of(const uint16_t *start, size_t n, uint16_t port)
{
	size_t lo = 0, hi = n; /* last start <= port; start[0] = 0 */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (start[mid] <= port)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Sorts each slice by (key, rule) and squeezes out duplicates, which come
 * from overlapping ranges of one rule; offsets are rewritten. */
static size_t squeeze(struct fa_cand *c, uint32_t *off, size_t nslices, size_t base)
{
	size_t w = base;
	for (size_t s = 0; s < nslices; s++) {
		size_t from = off[s], to = off[s + 1];
		qsort(c + from, to - from, sizeof(*c), cand_cmp);
		off[s] = (uint32_t)w;
		for (size_t i = from; i < to; i++) {
			if (w == off[s] || cand_cmp(&c[w - 1], &c[i]) != 0)
				c[w++] = c[i];
		}
	}
	off[nslices] = (uint32_t)w;
	return w;
}

static void bucket_free(struct fa_port_bucket **pb)
{
	struct fa_port_bucket *b = *pb;
	if (!b)
		return;
	free(b->xport);
	free(b->xoff);
	free(b->rstart);
	free(b->roff);
	free(b->cands);
	free(b->cands_ini);
	free(b->near);
	free(b->near_maxhi);
	free(b);
	*pb = NULL;
}

static int bucket_build(struct fa_port_bucket *b, struct pvec *p, const struct fa_policy_set *set)
{
	size_t nexact = 0, nbound = 1, nrange = 0;
	qsort(p->v, p->n, sizeof(*p->v), pent_port_cmp);
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].lo == p->v[i].hi) {
			nexact++; /* an upper bound on distinct ports */
		} else {
			nrange++;
			nbound += 2;
		}
	}
	b->xport = malloc((nexact + 1) * sizeof(uint16_t));
	b->xoff = calloc(nexact + 2, sizeof(uint32_t));
	b->rstart = malloc(nbound * sizeof(uint16_t));
	b->near = malloc((p->n + 1) * sizeof(*b->near));
	b->near_maxhi = malloc((p->n + 1) * sizeof(uint32_t));
	if (!b->xport || !b->xoff || !b->rstart || !b->near || !b->near_maxhi)
		return FA_ERR_NOMEM;

	/* range segments: every lo and hi + 1 starts one */
	size_t nb = 0;
	b->rstart[nb++] = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].lo == p->v[i].hi)
			continue;
		b->rstart[nb++] = p->v[i].lo;
		if (p->v[i].hi < UINT16_MAX)
			b->rstart[nb++] = (uint16_t)(p->v[i].hi + 1);
	}
	qsort(b->rstart, nb, sizeof(uint16_t), u16_cmp);
	size_t u = 0;
	for (size_t i = 1; i < nb; i++) {
		if (b->rstart[i] != b->rstart[u])
			b->rstart[++u] = b->rstart[i];
	}
	b->nr = nrange ? u + 1 : 0;
	b->roff = calloc(b->nr + 2, sizeof(uint32_t));
	if (!b->roff)
		return FA_ERR_NOMEM;

	/* count, then place: exact lists first, range segments after */
	size_t total = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct pent *e = &p->v[i];
		if (e->lo == e->hi) {
			if (b->nx == 0 || b->xport[b->nx - 1] != e->lo)
				b->xport[b->nx++] = e->lo;
			b->xoff[b->nx]++;
			total++;
		} else {
			for (size_t s = seg_of(b->rstart, b->nr, e->lo);
			     s < b->nr && b->rstart[s] <= e->hi; s++) {
				b->roff[s + 1]++;
				total++;
			}
		}
	}
	for (size_t s = 0; s < b->nx; s++)
		b->xoff[s + 1] += b->xoff[s];
	b->roff[0] = b->xoff[b->nx];
	for (size_t s = 0; s < b->nr; s++)
		b->roff[s + 1] += b->roff[s];
	b->cands = malloc((total + 1) * sizeof(*b->cands));
	uint32_t *fill = calloc(b->nx + b->nr + 1, sizeof(uint32_t));
	if (!b->cands || !fill) {
		free(fill);
		return FA_ERR_NOMEM;
	}
	for (size_t i = 0, x = 0; i < p->n; i++) {
		const struct pent *e = &p->v[i];
		if (e->lo == e->hi) {
			while (b->xport[x] != e->lo)
				x++;
			b->cands[b->xoff[x] + fill[x]++] = e->c;
		} else {
			for (size_t s = seg_of(b->rstart, b->nr, e->lo);
			     s < b->nr && b->rstart[s] <= e->hi; s++)
				b->cands[b->roff[s] + fill[b->nx + s]++] = e->c;
		}
		if (!(set->rules[e->c.rule_rev >> 1].flags & FA_RULE_DENY) && !(e->c.rule_rev & 1))
			b->near[b->nnear++] = (struct fa_near_item){e->lo, e->hi, e->c.rule_rev >> 1};
	}
	free(fill);
	b->cands_ini = malloc((total + 1) * sizeof(*b->cands));
	uint32_t *off = malloc((b->nx + b->nr + 2) * sizeof(uint32_t));
	if (!b->cands_ini || !off) {
		free(off);
		return FA_ERR_NOMEM;
	}
	for (size_t i = 0; i < total; i++)
		b->cands_ini[i] = (struct fa_cand){b->cands[i].ikey, b->cands[i].key,
						   b->cands[i].rule_rev};
	/* the same duplicates go in both orders: the same offsets result */
	memcpy(off, b->xoff, (b->nx + 1) * sizeof(uint32_t));
	memcpy(off + b->nx + 1, b->roff, (b->nr + 1) * sizeof(uint32_t));
	size_t w = squeeze(b->cands, b->xoff, b->nx, 0);
	squeeze(b->cands, b->roff, b->nr, w);
	w = squeeze(b->cands_ini, off, b->nx, 0);
	squeeze(b->cands_ini, off + b->nx + 1, b->nr, w);
	free(off);

	qsort(b->near, b->nnear, sizeof(*b->near), near_cmp);
	for (size_t i = 0; i < b->nnear; i++) {
		uint32_t best = i ? b->near_maxhi[i - 1] : 0;
		b->near_maxhi[i] = b->near[i].hi > b->near[best].hi ? (uint32_t)i : best;
	}
	return FA_OK;
}

static uint32_t key_of(const struct fa_matcher *m, uint32_t role)
{
	if (role == FA_RULE_ROLE_ANY)
		return FA_KEY_ANY;
	return m->role_dyn[role] ? FA_KEY_DYN : role;
}

static int file_rule(struct fa_matcher *m, struct pvec *pv, const struct fa_policy_set *set,
		     uint32_t r)
{
	const struct fa_rule *rule = &set->rules[r];
	static const struct fa_svc_item any_item = {FA_PROTO_ANY, NULL, 0};
	static const struct fa_port_range all_ports = {0, UINT16_MAX};
	size_t nitems = rule->svc.nitems ? rule->svc.nitems : 1;
	for (size_t i = 0; i < nitems; i++) {
		const struct fa_svc_item *it = rule->svc.nitems ? &rule->svc.items[i] : &any_item;
		size_t np = it->nports ? it->nports : 1;
		for (size_t k = 0; k < np; k++) {
			const struct fa_port_range *pr = it->nports ? &it->ports[k] : &all_ports;
			uint16_t lo = pr->lo <= pr->hi ? pr->lo : pr->hi;
			uint16_t hi = pr->lo <= pr->hi ? pr->hi : pr->lo;
			struct pvec *to = &pv[it->proto];
			uint32_t sk = key_of(m, rule->src_role), dk = key_of(m, rule->dst_role);
			if (pvec_push(to, lo, hi, dk, sk, r << 1) < 0)
				return FA_ERR_NOMEM;
			if ((rule->flags & FA_RULE_BIDIR) && pvec_push(to, lo, hi, sk, dk, r << 1 | 1) < 0)
				return FA_ERR_NOMEM;
		}
	}
	return FA_OK;
}

void fa_matcher_free(struct fa_matcher **pm)
{
	struct fa_matcher *m = pm ? *pm : NULL;
	if (!m)
		return;
	fa_roles_free(m);
	for (int p = 0; p < 256; p++)
		bucket_free(&m->proto[p]);
	free(m);
	*pm = NULL;
}

int fa_matcher_build(struct fa_policy_set *set, char *errbuf, size_t errlen)
{
	struct fa_matcher *m = calloc(1, sizeof(*m));
	struct pvec *pv = calloc(256, sizeof(*pv));
	int rc = FA_ERR_NOMEM;
	if (errlen)
		errbuf[0] = '\0';
	if (!m || !pv)
		goto fail;
	if ((rc = fa_roles_build(m, set, errbuf, errlen)) < 0)
		goto fail;
	rc = FA_ERR_FORMAT;
	for (uint32_t r = 0; r < set->nrules; r++) {
		const struct fa_rule *rule = &set->rules[r];
		if ((rule->src_role != FA_RULE_ROLE_ANY && rule->src_role >= set->nroles) ||
		    (rule->dst_role != FA_RULE_ROLE_ANY && rule->dst_role >= set->nroles)) {
			snprintf(errbuf, errlen, "rule %s names a role that does not exist",
				 rule->id ? rule->id : "?");
			goto fail;
		}
		if ((rc = file_rule(m, pv, set, r)) < 0)
			goto fail;
	}
	for (int p = 0; p < 256; p++) {
		if (!pv[p].n)
			continue;
		rc = FA_ERR_NOMEM;
		if (!(m->proto[p] = calloc(1, sizeof(*m->proto[p]))) ||
		    bucket_build(m->proto[p], &pv[p], set) < 0)
			goto fail;
	}
	for (int p = 0; p < 256; p++)
		free(pv[p].v);
	free(pv);
	fa_matcher_free(&set->matcher);
	set->matcher = m;
	return FA_OK;
fail:
	if (rc == FA_ERR_NOMEM)
		snprintf(errbuf, errlen, "out of memory building the policy index");
	for (int p = 0; pv && p < 256; p++)
		free(pv[p].v);
	free(pv);
	fa_matcher_free(&m);
	return rc;
}

/* ---- matching ------------------------------------------------------------- */

/* The candidate spans for one protocol and responder port. */
static size_t spans_for(const struct fa_matcher *m, uint8_t proto, uint16_t port,
			struct fa_cand_list out[4])
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		const struct fa_port_bucket *b = m->proto[pass ? FA_PROTO_ANY : proto];
		if (!b || (pass && proto == FA_PROTO_ANY))
			continue;
		size_t lo = 0, hi = b->nx;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (b->xport[mid] < port)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < b->nx && b->xport[lo] == port)
			out[n++] = (struct fa_cand_list){
			    {b->cands + b->xoff[lo], b->cands_ini + b->xoff[lo]},
			    b->xoff[lo + 1] - b->xoff[lo]};
		if (b->nr) {
			size_t s = seg_of(b->rstart, b->nr, port);
			if (b->roff[s + 1] > b->roff[s])
				out[n++] = (struct fa_cand_list){
				    {b->cands + b->roff[s], b->cands_ini + b->roff[s]},
				    b->roff[s + 1] - b->roff[s]};
		}
	}
	return n;
}

static bool ports_have(const struct fa_port_range *p, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++) {
		if (port >= p[i].lo && port <= p[i].hi)
			return true;
	}
	return n == 0;
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

static bool rule_app_ok(const struct fa_rule *r, const char *seen)
{
	for (size_t i = 0; i < r->svc.napps; i++) {
		if (r->svc.apps[i] && app_is(r->svc.apps[i], seen))
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
};

static void min_rule(int32_t *slot, uint32_t r)
{
	if (*slot < 0 || (uint32_t)*slot > r)
		*slot = (int32_t)r;
}

static void visit(struct walk *w, struct fa_cand c)
{
	uint32_t r = c.rule_rev >> 1;
	bool rev = c.rule_rev & 1;
	const struct fa_rule *rule = &w->set->rules[r];
	uint32_t ini_role = rev ? rule->dst_role : rule->src_role;
	uint32_t resp_role = rev ? rule->src_role : rule->dst_role;
	bool deny = rule->flags & FA_RULE_DENY;
	if (w->reverse_pass && deny)
		return;
	/* static keys were matched already; this settles dynamic roles */
	if ((resp_role != FA_RULE_ROLE_ANY && !fa_ep_has(w->resp, resp_role)) ||
	    (ini_role != FA_RULE_ROLE_ANY && !fa_ep_has(w->ini, ini_role)))
		return;
	if (!ports_have(rule->src_ports, rule->nsrc_ports, rev ? w->resp_port : w->ini_port)) {
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
		if (!rule->svc.napps || (!w->undetected && rule_app_ok(rule, w->flow->app)))
			min_rule(&w->deny, r);
		return;
	}
	int32_t *slot = &w->allow;
	if (rule->svc.napps && w->undetected)
		slot = w->mode == FA_UNKNOWN_APP_ALLOW	  ? &w->allow
		       : w->mode == FA_UNKNOWN_APP_FLAG ? &w->unknown
							: &w->mismatch;
	else if (rule->svc.napps && !rule_app_ok(rule, w->flow->app))
		slot = &w->mismatch;
	/* a "<->" rule matching both ways reports its written direction */
	if (slot == &w->allow &&
	    (w->allow < 0 || (uint32_t)w->allow > r || ((uint32_t)w->allow == r && !rev)))
		w->allow_rev = rev;
	min_rule(slot, r);
}

static uint32_t fkey(const struct fa_cand *c, bool inner)
{
	return inner ? c->ikey : c->key;
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
static void runs_for(struct walk *w, const struct fa_cand *v, uint32_t a, uint32_t b, bool inner,
		     const struct fa_ep *ep, const struct fa_ep *inner_ep, run_fn fn)
{
	uint32_t i = a, j = 0, nm = ep->nmembers;
	while (i < b && j < nm) {
		uint32_t k = fkey(&v[i], inner), m = ep->members[j];
		if (k == m) {
			uint32_t e = cand_lower(v, i, b, inner, k + 1);
			fn(w, v, i, e, inner_ep);
			i = e;
			j++;
		} else if (k < m) {
			i = cand_lower(v, i, b, inner, m);
		} else {
			j = u32_lower(ep->members, j, nm, k);
		}
	}
	static const uint32_t open_keys[2] = {FA_KEY_DYN, FA_KEY_ANY};
	for (int o = 0; o < 2; o++) {
		uint32_t key = open_keys[o];
		i = cand_lower(v, i, b, inner, key);
		if (i == b || fkey(&v[i], inner) != key)
			continue;
		uint32_t e = key == FA_KEY_ANY ? b : cand_lower(v, i, b, inner, key + 1);
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
	runs_for(w, v, a, b, true, inner_ep, NULL, visit_run);
}

/* Every candidate whose two role keys each hold their endpoint (or are
 * "any" or dynamic), through the index of the side in fewer roles. */
static void walk_spans(struct walk *w, const struct fa_cand_list *spans, size_t nspans)
{
	int side = w->resp->nmembers <= w->ini->nmembers ? 0 : 1;
	const struct fa_ep *outer = side ? w->ini : w->resp, *inner = side ? w->resp : w->ini;
	for (size_t i = 0; i < nspans; i++)
		runs_for(w, spans[i].v[side], 0, spans[i].n, false, outer, inner, inner_runs);
}

/* The nearest rule on the flow's port when no candidate fit its roles: one
 * whose responder role fits, else one whose initiator role fits, else the
 * first; a bounded look, since it only feeds the why text. */
#define NEAR_RUN_MAX 16

static void near_first(struct walk *w, const struct fa_cand *v, uint32_t a, uint32_t b,
		       const struct fa_ep *unused)
{
	(void)unused;
	for (uint32_t i = a; i < b && i < a + NEAR_RUN_MAX && w->near < 0; i++) {
		uint32_t r = v[i].rule_rev >> 1;
		const struct fa_rule *rule = &w->set->rules[r];
		bool rev = v[i].rule_rev & 1;
		uint32_t want = w->near_score == 2 ? (rev ? rule->src_role : rule->dst_role)
						   : (rev ? rule->dst_role : rule->src_role);
		const struct fa_ep *ep = w->near_score == 2 ? w->resp : w->ini;
		bool fits = w->near_score == 0 || want == FA_RULE_ROLE_ANY || fa_ep_has(ep, want);
		if (fits && !(rule->flags & FA_RULE_DENY)) {
			w->near = (int32_t)r;
			w->near_rev = v[i].rule_rev & 1;
		}
	}
}

static void near_scan(struct walk *w, const struct fa_cand_list *spans, size_t nspans)
{
	for (int score = 2; score >= 0 && w->near < 0; score--) {
		w->near_score = score; /* what near_first looks for */
		for (size_t i = 0; i < nspans && w->near < 0; i++) {
			if (score == 0)
				near_first(w, spans[i].v[0], 0, spans[i].n, NULL);
			else
				runs_for(w, spans[i].v[score == 2 ? 0 : 1], 0, spans[i].n, false,
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
    [FA_V_APP_MISMATCH] = FA_SEV_HIGH,	     [FA_V_APP_UNKNOWN] = FA_SEV_LOW,
    [FA_V_WRONG_DIRECTION] = FA_SEV_MEDIUM, [FA_V_DENIED] = FA_SEV_HIGH,
    [FA_V_UNDOCUMENTED] = FA_SEV_MEDIUM,
};

static void settle(struct fa_policy_verdict *out, const struct fa_policy_set *set,
		   enum fa_verdict v, int32_t rule, bool rule_sev)
{
	out->verdict = (uint8_t)v;
	out->rule = rule;
	out->policy = rule >= 0 ? (int32_t)set->rules[rule].policy : -1;
	out->severity = default_sev[v];
	if (rule_sev && rule >= 0 && set->rules[rule].severity != FA_SEV_NONE)
		out->severity = set->rules[rule].severity;
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
	struct walk w = {.set = set, .flow = flow, .ini = &src, .resp = &dst,
			 .ini_port = flow->sport, .resp_port = flow->dport,
			 .undetected = app_undetected(flow),
			 .mode = opts ? opts->unknown_app : FA_UNKNOWN_APP_FLAG,
			 .deny = -1, .allow = -1, .unknown = -1, .mismatch = -1, .wrongdir = -1,
			 .near = -1, .near_score = -1};
	size_t ns = spans_for(set->matcher, flow->proto, flow->dport, spans);
	walk_spans(&w, spans, ns);

	if (w.deny >= 0) {
		settle(out, set, FA_V_DENIED, w.deny, true);
	} else if (w.allow >= 0) {
		const struct fa_rule *r = &set->rules[w.allow];
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
		size_t nr = spans_for(set->matcher, flow->proto, flow->sport, rspans);
		walk_spans(&rw, rspans, nr);
		if (rw.wrongdir >= 0) {
			settle(out, set, FA_V_WRONG_DIRECTION, rw.wrongdir, true);
		} else {
			if (w.near < 0)
				near_scan(&w, spans, ns);
			int32_t near = w.near >= 0 ? w.near
						   : near_by_port(set->matcher, flow->proto,
								  flow->dport);
			settle(out, set, FA_V_UNDOCUMENTED, near, false);
			fa_why_undocumented(out->why, sizeof(out->why), set, flow, &src, &dst,
					    near, w.near >= 0 ? w.near_score : -1, w.near_rev);
			return;
		}
	}
	fa_why_verdict(out->why, sizeof(out->why), set, flow, out->verdict, out->rule,
		       w.undetected);
}
