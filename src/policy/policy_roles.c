/* policy_roles.c - role membership of one flow endpoint: the index lookup,
 * and the host, ASN and country elements tested per flow, only for the
 * roles that could hold the endpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fa_error.h"
#include "policy/policy_match_int.h"

/* ---- membership ----------------------------------------------------------- */

static int tolower_ascii(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

bool fa_glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat && tolower_ascii(*pat) == tolower_ascii(*s)) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

static bool u32_has(const uint32_t *v, uint32_t n, uint32_t x)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

/* Deeper role nesting than this is a cycle (only possible without an index,
 * whose build rejects cycles). */
#define ROLE_DEPTH_MAX 64

static bool has_depth(const struct fa_ep *ep, uint32_t r, unsigned depth);

static bool elem_has(const struct fa_ep *ep, const struct fa_role_elem *e, unsigned depth)
{
	switch (e->kind) {
	case FA_RE_HOST:
		for (size_t i = 0; e->host && i < ep->nnames; i++) {
			if (ep->names[i] && ep->names[i][0] && fa_glob_match(e->host, ep->names[i]))
				return true;
		}
		return false;
	case FA_RE_ASN: return ep->asn != 0 && ep->asn == e->asn;
	case FA_RE_COUNTRY:
		return e->country[0] && ep->country && strcasecmp(ep->country, e->country) == 0;
	case FA_RE_ROLE: return depth < ROLE_DEPTH_MAX && has_depth(ep, e->role, depth + 1);
	}
	return fa_addr_elem_has(e, ep->addr);
}

/* Dynamic roles (and every role when no index was built): excluded
 * elements first, since one is enough to say no. */
static bool role_eval(const struct fa_ep *ep, uint32_t r, bool in_p, bool in_n, bool indexed,
                      unsigned depth)
{
	const struct fa_role *role = &ep->set->roles[r];
	const uint8_t *dyn = indexed ? ep->set->matcher->role_dyn : NULL;
	if (in_n)
		return false;
	for (int pass = 0; pass < 2; pass++) {
		bool want_neg = pass == 0;
		if (!want_neg && in_p)
			return true;
		for (size_t i = 0; i < role->nelems; i++) {
			const struct fa_role_elem *e = &role->elems[i];
			if (e->negate != want_neg)
				continue;
			bool per_flow = e->kind == FA_RE_HOST || e->kind == FA_RE_ASN ||
			                e->kind == FA_RE_COUNTRY ||
			                (e->kind == FA_RE_ROLE && (!dyn || dyn[e->role]));
			if ((indexed && !per_flow) ||
			    (e->kind == FA_RE_ROLE && e->role >= ep->set->nroles))
				continue; /* already in the index */
			if (elem_has(ep, e, depth))
				return !want_neg;
		}
	}
	return false;
}

static bool has_depth(const struct fa_ep *ep, uint32_t r, unsigned depth)
{
	const struct fa_matcher *m = ep->set->matcher;
	if (r >= ep->set->nroles || (ep->addr->ver != 4 && ep->addr->ver != 6))
		return false;
	if (!m)
		return role_eval(ep, r, false, false, false, depth);
	if (!m->role_dyn[r])
		return u32_has(ep->members, ep->nmembers, r);
	return role_eval(ep, r, u32_has(ep->dyn_labels, ep->ndyn_labels, FA_LABEL_P(r)),
	                 u32_has(ep->dyn_labels, ep->ndyn_labels, FA_LABEL_N(r)), true, depth);
}

bool fa_ep_has(const struct fa_ep *ep, uint32_t r)
{
	return has_depth(ep, r, 0);
}

/* ---- what may put an endpoint in a dynamic role ---------------------------- */

/* The part of a host pattern every matching name ends with: from the first
 * '.' of what follows its last '*'; NULL when that part has no '.'. */
static const char *host_suffix(const char *glob)
{
	const char *star = strrchr(glob, '*');
	return strchr(star ? star + 1 : glob, '.');
}

static int dkey_cmp(const void *a, const void *b)
{
	const struct fa_dyn_key *x = a, *y = b;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->role < y->role ? -1 : x->role > y->role;
}

int fa_dyn_index_build(struct fa_matcher *m, const struct fa_policy_set *set)
{
	size_t nr = set->nroles, nkeys = 0, nrefs = 0;
	for (size_t r = 0; r < nr; r++) {
		for (size_t i = 0; i < set->roles[r].nelems; i++) {
			const struct fa_role_elem *e = &set->roles[r].elems[i];
			nkeys += !e->negate;
			nrefs += e->kind == FA_RE_ROLE && !e->negate;
		}
	}
	m->dkeys = malloc((nkeys + 1) * sizeof(*m->dkeys));
	m->host_any = malloc((nkeys + 1) * sizeof(uint32_t));
	m->parent_off = calloc(nr + 2, sizeof(uint32_t));
	m->parents = malloc((nrefs + 1) * sizeof(uint32_t));
	if (!m->dkeys || !m->host_any || !m->parent_off || !m->parents)
		return FA_ERR_NOMEM;
	for (uint32_t r = 0; r < nr; r++) {
		for (size_t i = 0; m->role_dyn[r] && i < set->roles[r].nelems; i++) {
			const struct fa_role_elem *e = &set->roles[r].elems[i];
			if (e->negate)
				continue;
			if (e->kind == FA_RE_ROLE && e->role < nr && m->role_dyn[e->role])
				m->parent_off[e->role + 2]++;
			if (e->kind == FA_RE_ASN)
				m->dkeys[m->ndkeys++] = (struct fa_dyn_key){FA_DKEY_ASN(e->asn), r};
			if (e->kind == FA_RE_COUNTRY && e->country[0] && e->country[1]) {
				unsigned cc =
				    (unsigned)(e->country[0] | 0x20) << 8 | (e->country[1] | 0x20);
				m->dkeys[m->ndkeys++] = (struct fa_dyn_key){FA_DKEY_CC(cc), r};
			}
			if (e->kind == FA_RE_HOST && e->host) {
				const char *suffix = host_suffix(e->host);
				if (suffix)
					m->dkeys[m->ndkeys++] =
					    (struct fa_dyn_key){fa_host_hash(suffix), r};
				else
					m->host_any[m->nhost_any++] = r;
			}
		}
	}
	qsort(m->dkeys, m->ndkeys, sizeof(*m->dkeys), dkey_cmp);
	/* parents as CSR: offsets shifted by one while filling */
	for (size_t r = 0; r < nr; r++)
		m->parent_off[r + 2] += m->parent_off[r + 1];
	for (uint32_t r = 0; r < nr; r++) {
		for (size_t i = 0; m->role_dyn[r] && i < set->roles[r].nelems; i++) {
			const struct fa_role_elem *e = &set->roles[r].elems[i];
			if (!e->negate && e->kind == FA_RE_ROLE && e->role < nr &&
			    m->role_dyn[e->role])
				m->parents[m->parent_off[e->role + 1]++] = r;
		}
	}
	return FA_OK;
}

/* ---- the dynamic roles that may hold an endpoint --------------------------- */

static void cand_push(struct fa_ep *ep, uint32_t r)
{
	for (uint32_t i = 0; i < ep->ncand; i++) {
		if (ep->cand[i] == r)
			return;
	}
	if (ep->ncand == FA_EP_CAND_MAX)
		ep->cand_all = true;
	else
		ep->cand[ep->ncand++] = r;
}

static void cand_key(struct fa_ep *ep, const struct fa_matcher *m, uint64_t k)
{
	size_t lo = 0, hi = m->ndkeys;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->dkeys[mid].k < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->ndkeys && m->dkeys[lo].k == k; lo++)
		cand_push(ep, m->dkeys[lo].role);
}

/* Seeds from the address labels, the names' suffixes, the ASN and the
 * country, then every dynamic role including a seed. */
static void cand_gather(struct fa_ep *ep, const struct fa_matcher *m)
{
	bool named = false;
	for (uint32_t i = 0; i < ep->ndyn_labels; i++) {
		if (ep->dyn_labels[i] % 3 == 2)
			cand_push(ep, ep->dyn_labels[i] / 3);
	}
	for (size_t i = 0; i < ep->nnames; i++) {
		for (const char *p = ep->names[i]; p && (p = strchr(p, '.')); p++)
			cand_key(ep, m, fa_host_hash(p));
		named |= ep->names[i] && ep->names[i][0];
	}
	for (size_t i = 0; named && i < m->nhost_any; i++)
		cand_push(ep, m->host_any[i]);
	if (ep->asn)
		cand_key(ep, m, FA_DKEY_ASN(ep->asn));
	if (ep->country && ep->country[0] && ep->country[1])
		cand_key(
		    ep, m,
		    FA_DKEY_CC((unsigned)(ep->country[0] | 0x20) << 8 | (ep->country[1] | 0x20)));
	for (uint32_t i = 0; i < ep->ncand && !ep->cand_all; i++) {
		uint32_t r = ep->cand[i];
		for (uint32_t k = m->parent_off[r]; k < m->parent_off[r + 1]; k++)
			cand_push(ep, m->parents[k]);
	}
	for (uint32_t i = 1; i < ep->ncand; i++) { /* few: insertion sort */
		uint32_t x = ep->cand[i], j = i;
		for (; j > 0 && ep->cand[j - 1] > x; j--)
			ep->cand[j] = ep->cand[j - 1];
		ep->cand[j] = x;
	}
}

void fa_ep_init(struct fa_ep *ep, const struct fa_policy_set *set, const struct fa_addr *addr,
                const char *const *names, size_t nnames, uint32_t asn, const char *country)
{
	const struct fa_matcher *m = set->matcher;
	ep->set = set;
	ep->addr = addr;
	ep->names = names;
	ep->nnames = nnames;
	ep->asn = asn;
	ep->country = country;
	ep->members = ep->dyn_labels = NULL;
	ep->nmembers = ep->ndyn_labels = ep->ncand = 0;
	ep->seg_scope = ep->cand_all = false;
	if (!m)
		return;
	const struct fa_seg_index *ix = &m->fam[addr->ver == 6];
	long s = fa_seg_lookup(ix, addr);
	if (s >= 0) {
		const struct fa_seg_meta *sm = &ix->meta[s];
		ep->members = ix->members + sm[0].mem_off;
		ep->nmembers = sm[1].mem_off - sm[0].mem_off;
		ep->dyn_labels = ix->dyn_labels + sm[0].dyn_off;
		ep->ndyn_labels = sm[1].dyn_off - sm[0].dyn_off;
		ep->seg_scope = sm[0].in_scope;
	}
	if (m->ndyn)
		cand_gather(ep, m);
}

int32_t fa_ep_first_role(const struct fa_ep *ep)
{
	const struct fa_matcher *m = ep->set->matcher;
	if (!m) {
		for (uint32_t r = 0; r < ep->set->nroles; r++) {
			if (fa_ep_has(ep, r))
				return (int32_t)r;
		}
		return -1;
	}
	uint32_t first = ep->nmembers ? ep->members[0] : UINT32_MAX;
	const uint32_t *c = ep->cand_all ? m->dyn_roles : ep->cand;
	size_t n = ep->cand_all ? m->ndyn : ep->ncand;
	for (size_t i = 0; i < n && c[i] < first; i++) {
		if (fa_ep_has(ep, c[i]))
			return (int32_t)c[i];
	}
	return first == UINT32_MAX ? -1 : (int32_t)first;
}

bool fa_ep_in_scope(const struct fa_ep *ep)
{
	const struct fa_matcher *m = ep->set->matcher;
	if (!m) {
		for (uint32_t r = 0; r < ep->set->nroles; r++) {
			if (ep->set->roles[r].in_scope && fa_ep_has(ep, r))
				return true;
		}
		return false;
	}
	if (ep->seg_scope)
		return true;
	const uint32_t *c = ep->cand_all ? m->dyn_scope : ep->cand;
	size_t n = ep->cand_all ? m->ndyn_scope : ep->ncand;
	for (size_t i = 0; i < n; i++) {
		if (ep->set->roles[c[i]].in_scope && fa_ep_has(ep, c[i]))
			return true;
	}
	return false;
}

bool fa_policy_role_has(const struct fa_policy_set *set, uint32_t r, const struct fa_addr *addr,
                        const char *const *names, size_t nnames, uint32_t asn, const char *country)
{
	struct fa_ep ep;
	if (!set || !addr)
		return false;
	fa_ep_init(&ep, set, addr, names, nnames, asn, country);
	return fa_ep_has(&ep, r);
}
