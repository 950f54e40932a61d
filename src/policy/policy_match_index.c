/* policy_match_index.c - the rule index: per IP protocol, the rules by
 * responder port (single ports, and range segments), each list sorted by
 * the role keys of both sides; and fa_matcher_build, which makes it and the
 * role index once per policy set. */
#include <stdlib.h>
#include <string.h>

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
	p->v[p->n++] = (struct pent){lo, hi, fa_cand_make(key, ikey, rule_rev)};
	return FA_OK;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct fa_cand *x = a, *y = b;
	return x->kr < y->kr ? -1 : x->kr > y->kr;
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
	free(b->open);
	free(b->xrank);
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
		uint32_t rule_rev = fa_cand_rule_rev(e->c);
		if (!(set->rules[rule_rev >> 1].flags & FA_RULE_DENY) && !(rule_rev & 1))
			b->near[b->nnear++] = (struct fa_near_item){e->lo, e->hi, rule_rev >> 1};
	}
	free(fill);
	b->cands_ini = malloc((total + 1) * sizeof(*b->cands));
	uint32_t *off = malloc((b->nx + b->nr + 2) * sizeof(uint32_t));
	if (!b->cands_ini || !off) {
		free(off);
		return FA_ERR_NOMEM;
	}
	for (size_t i = 0; i < total; i++)
		b->cands_ini[i] =
		    fa_cand_make(fa_cand_ikey(b->cands[i]), fa_cand_key(b->cands[i]),
		                 fa_cand_rule_rev(b->cands[i]));
	/* the same duplicates go in both orders: the same offsets result */
	memcpy(off, b->xoff, (b->nx + 1) * sizeof(uint32_t));
	memcpy(off + b->nx + 1, b->roff, (b->nr + 1) * sizeof(uint32_t));
	size_t w = squeeze(b->cands, b->xoff, b->nx, 0);
	squeeze(b->cands, b->roff, b->nr, w);
	w = squeeze(b->cands_ini, off, b->nx, 0);
	squeeze(b->cands_ini, off + b->nx + 1, b->nr, w);
	free(off);

	b->open = malloc((2 * (b->nx + b->nr) + 1) * sizeof(uint32_t));
	if (!b->open)
		return FA_ERR_NOMEM;
	for (size_t sl = 0; sl < b->nx + b->nr; sl++) {
		uint32_t from = sl < b->nx ? b->xoff[sl] : b->roff[sl - b->nx];
		uint32_t to = sl < b->nx ? b->xoff[sl + 1] : b->roff[sl - b->nx + 1];
		for (int side = 0; side < 2; side++) {
			const struct fa_cand *c = side ? b->cands_ini : b->cands;
			uint32_t k = from;
			while (k < to && fa_cand_key(c[k]) < FA_KEY_DYN)
				k++;
			b->open[2 * sl + side] = k - from;
		}
	}
	/* a direct table once binary searches over ports get long */
	if (b->nx > 64) {
		if (!(b->xrank = calloc(FA_RANK64_WORDS, sizeof(*b->xrank))))
			return FA_ERR_NOMEM;
		for (size_t x = 0; x < b->nx; x++)
			b->xrank[b->xport[x] / 64].bits |= UINT64_C(1) << (b->xport[x] % 64);
		fa_rank64_count(b->xrank);
	}

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
	return m->role_dyn[role] || role >= FA_KEY_DYN ? FA_KEY_DYN : role;
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
			if ((rule->flags & FA_RULE_BIDIR) &&
			    pvec_push(to, lo, hi, sk, dk, r << 1 | 1) < 0)
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
	fa_pack_free(m);
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
	rc = FA_ERR_NOMEM;
	if (fa_pack_build(m, set) < 0)
		goto fail;
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

/* The candidate spans for one protocol and responder port. */
size_t fa_spans_for(const struct fa_matcher *m, uint8_t proto, uint16_t port,
                    struct fa_cand_list out[4])
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		const struct fa_port_bucket *b = m->proto[pass ? FA_PROTO_ANY : proto];
		if (!b || (pass && proto == FA_PROTO_ANY))
			continue;
		size_t lo = 0, hi = b->nx;
		if (b->xrank) {
			lo = fa_rank64_has(b->xrank, port) ? fa_rank64_below(b->xrank, port) : b->nx;
		} else {
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (b->xport[mid] < port)
					lo = mid + 1;
				else
					hi = mid;
			}
		}
		if (lo < b->nx && b->xport[lo] == port)
			out[n++] = (struct fa_cand_list){
			    {b->cands + b->xoff[lo], b->cands_ini + b->xoff[lo]},
			    b->xoff[lo + 1] - b->xoff[lo],
			    {b->open[2 * lo], b->open[2 * lo + 1]}};
		if (b->nr) {
			size_t s = seg_of(b->rstart, b->nr, port), sl = b->nx + s;
			if (b->roff[s + 1] > b->roff[s])
				out[n++] = (struct fa_cand_list){
				    {b->cands + b->roff[s], b->cands_ini + b->roff[s]},
				    b->roff[s + 1] - b->roff[s],
				    {b->open[2 * sl], b->open[2 * sl + 1]}};
		}
	}
	return n;
}
