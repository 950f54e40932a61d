/* policy_roles_index.c - the address -> roles index, built once per policy
 * set, and the address arithmetic it rests on.
 *
 * A role's members are the union of its plain elements minus the union of
 * its negated ones, whatever their order. Address elements (prefixes,
 * ranges, built-ins, and roles made only of those) are resolved into
 * interval sets once, then every set is cut into one sorted array of
 * disjoint segments per family: a lookup is one binary search whatever the
 * number of roles. Roles with host, ASN or country elements keep their
 * address parts as labels and are finished per flow (policy_roles.c),
 * found through small indexes of those elements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fa_error.h"
#include "policy/policy_iset.h"
#include "policy/policy_match_int.h"

/* ---- built-in roles ------------------------------------------------------- */

struct builtin_net {
	uint8_t ver, prefix;
	uint8_t b[16];
};

/* RFC 1918, loopback (RFC 1122), link-local (RFC 3927, RFC 4291), CGNAT
 * shared space (RFC 6598), unique local (RFC 4193). */
static const struct builtin_net private_nets[] = {
    {4, 8, {10}},   {4, 12, {172, 16}},   {4, 16, {192, 168}},
    {4, 8, {127}},  {4, 16, {169, 254}},  {4, 10, {100, 64}},
    {6, 7, {0xfc}}, {6, 128, {[15] = 1}}, {6, 10, {0xfe, 0x80}},
};

static const struct builtin_net multicast_nets[] = {
    {4, 4, {224}}, {4, 32, {255, 255, 255, 255}}, {6, 8, {0xff}}};

/* Not public either (RFC 6890 special-purpose blocks that are never
 * reachable). The documentation blocks (192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24, 2001:db8::/32) stay public on purpose: examples and test
 * captures use them to stand for Internet hosts. */
static const struct builtin_net reserved_nets[] = {
    {4, 8, {0}}, {4, 4, {240}}, {4, 24, {192, 0, 0}}, {4, 15, {198, 18}}};

/* IPv6 global unicast (RFC 4291 2.4). */
static const struct builtin_net public6 = {6, 3, {0x20}};

static int push_nets(struct fa_aset *s, const struct builtin_net *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int fam = t[i].ver == 4 ? 0 : 1;
		struct fa_ival iv = fa_net_ival(t[i].b, fam, t[i].prefix);
		if (fa_iset_push(&s->f[fam], iv.lo, iv.hi) < 0)
			return FA_ERR_NOMEM;
	}
	return FA_OK;
}

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void aset_free(struct fa_aset *s)
{
	for (int f = 0; f < 2; f++) {
		free(s->f[f].v);
		s->f[f] = (struct fa_iset){0};
	}
}

static int public_set(struct fa_aset *s)
{
	struct fa_aset not = {0};
	int rc = FA_ERR_NOMEM;
	if (fa_iset_push(&s->f[0], (struct fa_k128){0, 0}, fa_fam_max[0]) < 0 ||
	    push_nets(s, &public6, 1) < 0 ||
	    push_nets(&not, private_nets, NELEMS(private_nets)) < 0 ||
	    push_nets(&not, multicast_nets, NELEMS(multicast_nets)) < 0 ||
	    push_nets(&not, reserved_nets, NELEMS(reserved_nets)) < 0)
		goto out;
	for (int f = 0; f < 2; f++) {
		fa_iset_norm(&not .f[f], f);
		if (fa_iset_sub(&s->f[f], &not .f[f]) < 0)
			goto out;
	}
	rc = FA_OK;
out:
	aset_free(&not );
	return rc;
}

/* Adds an address element's intervals; false for host/ASN/country/role. */
static int elem_intervals(const struct fa_role_elem *e, struct fa_aset *s)
{
	int fam;
	switch (e->kind) {
	case FA_RE_NET: {
		if ((fam = fa_fam_of(&e->a)) < 0)
			return FA_ERR_FORMAT;
		struct fa_ival iv = fa_net_ival(e->a.b, fam, e->prefix);
		return fa_iset_push(&s->f[fam], iv.lo, iv.hi);
	}
	case FA_RE_RANGE: {
		if ((fam = fa_fam_of(&e->a)) < 0 || fam != fa_fam_of(&e->b))
			return FA_ERR_FORMAT;
		struct fa_k128 lo = fa_k_of(e->a.b, fam), hi = fa_k_of(e->b.b, fam);
		if (fa_k_cmp(lo, hi) > 0)
			return FA_ERR_FORMAT;
		return fa_iset_push(&s->f[fam], lo, hi);
	}
	case FA_RE_ANY:
		for (int f = 0; f < 2; f++) {
			if (fa_iset_push(&s->f[f], (struct fa_k128){0, 0}, fa_fam_max[f]) < 0)
				return FA_ERR_NOMEM;
		}
		return FA_OK;
	case FA_RE_PRIVATE: return push_nets(s, private_nets, NELEMS(private_nets));
	case FA_RE_MULTICAST: return push_nets(s, multicast_nets, NELEMS(multicast_nets));
	case FA_RE_PUBLIC: {
		struct fa_aset pub = {0};
		int rc = public_set(&pub);
		for (int f = 0; rc == FA_OK && f < 2; f++)
			rc = fa_iset_push_all(&s->f[f], &pub.f[f]);
		aset_free(&pub);
		return rc;
	}
	}
	return FA_ERR_FORMAT;
}

/* ---- resolving roles into interval sets ----------------------------------- */

struct role_res {
	struct fa_aset pos, neg; /* static: members in pos; dynamic: P and N */
	struct fa_aset maybe;    /* dynamic: where it may hold (P and its dynamic parts' P) */
	uint8_t state;           /* 0 new, 1 in progress, 2 done */
};

static int resolve(const struct fa_policy_set *set, struct role_res *rr, uint8_t *dyn, uint32_t r,
                   char *errbuf, size_t errlen)
{
	struct role_res *me = &rr[r];
	const struct fa_role *role = &set->roles[r];
	if (me->state == 2)
		return FA_OK;
	if (me->state == 1) {
		snprintf(errbuf, errlen, "role %s includes itself", role->name);
		return FA_ERR_FORMAT;
	}
	me->state = 1;
	for (size_t i = 0; i < role->nelems; i++) {
		const struct fa_role_elem *e = &role->elems[i];
		struct fa_aset *to = e->negate ? &me->neg : &me->pos;
		int rc = FA_OK;
		if (e->kind == FA_RE_HOST || e->kind == FA_RE_ASN || e->kind == FA_RE_COUNTRY) {
			dyn[r] = 1;
		} else if (e->kind == FA_RE_ROLE) {
			if (e->role >= set->nroles) {
				snprintf(errbuf, errlen,
				         "role %s includes role #%u, which does not exist",
				         role->name, (unsigned)e->role);
				return FA_ERR_FORMAT;
			}
			rc = resolve(set, rr, dyn, e->role, errbuf, errlen);
			if (rc < 0)
				return rc;
			if (dyn[e->role]) {
				dyn[r] = 1; /* tested per flow */
				for (int f = 0; f < 2 && !e->negate && rc == FA_OK; f++)
					rc = fa_iset_push_all(&me->maybe.f[f],
					                      &rr[e->role].maybe.f[f]);
			}
			for (int f = 0; f < 2 && !dyn[e->role] && rc == FA_OK; f++)
				rc = fa_iset_push_all(&to->f[f], &rr[e->role].pos.f[f]);
		} else {
			rc = elem_intervals(e, to);
			if (rc == FA_ERR_FORMAT)
				snprintf(errbuf, errlen,
				         "role %s: element %zu is not a valid address", role->name,
				         i + 1);
		}
		if (rc < 0) {
			if (rc == FA_ERR_NOMEM)
				snprintf(errbuf, errlen, "out of memory");
			return rc;
		}
	}
	for (int f = 0; f < 2; f++) {
		fa_iset_norm(&me->pos.f[f], f);
		fa_iset_norm(&me->neg.f[f], f);
		if (!dyn[r]) {
			if (fa_iset_sub(&me->pos.f[f], &me->neg.f[f]) < 0)
				return FA_ERR_NOMEM;
		} else {
			if (fa_iset_push_all(&me->maybe.f[f], &me->pos.f[f]) < 0)
				return FA_ERR_NOMEM;
			fa_iset_norm(&me->maybe.f[f], f);
		}
	}
	me->state = 2;
	return FA_OK;
}

static int k_find(const struct fa_k128 *v, size_t n, struct fa_k128 k)
{
	size_t lo = 0, hi = n; /* last index with v[i] <= k; v[0] = 0 */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (fa_k_cmp(v[mid], k) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo;
}

static int k_cmp_qsort(const void *a, const void *b)
{
	return fa_k_cmp(*(const struct fa_k128 *)a, *(const struct fa_k128 *)b);
}

/* Calls fn for every (interval, member-or-label) of family f, in label order. */
typedef void (*label_fn)(struct fa_seg_index *ix, const struct fa_ival *iv, uint32_t label,
                         bool member, uint32_t *fill);

static void walk_labels(struct fa_seg_index *ix, const struct role_res *rr, const uint8_t *dyn,
                        size_t nroles, int f, label_fn fn, uint32_t *fill)
{
	for (uint32_t r = 0; r < nroles; r++) {
		for (size_t i = 0; i < rr[r].pos.f[f].n; i++)
			fn(ix, &rr[r].pos.f[f].v[i], dyn[r] ? FA_LABEL_P(r) : r, !dyn[r], fill);
		for (size_t i = 0; dyn[r] && i < rr[r].neg.f[f].n; i++)
			fn(ix, &rr[r].neg.f[f].v[i], FA_LABEL_N(r), false, fill);
		for (size_t i = 0; dyn[r] && i < rr[r].maybe.f[f].n; i++)
			fn(ix, &rr[r].maybe.f[f].v[i], FA_LABEL_MAYBE(r), false, fill);
	}
}

static void count_label(struct fa_seg_index *ix, const struct fa_ival *iv, uint32_t label,
                        bool member, uint32_t *fill)
{
	(void)label;
	(void)fill;
	for (size_t s = (size_t)k_find(ix->start, ix->n, iv->lo);
	     s < ix->n && fa_k_cmp(ix->start[s], iv->hi) <= 0; s++)
		(member ? ix->mem_off : ix->dyn_off)[s + 1]++;
}

/* fill: per segment, members written so far, then labels written so far. */
static void put_label(struct fa_seg_index *ix, const struct fa_ival *iv, uint32_t label,
                      bool member, uint32_t *fill)
{
	for (size_t s = (size_t)k_find(ix->start, ix->n, iv->lo);
	     s < ix->n && fa_k_cmp(ix->start[s], iv->hi) <= 0; s++) {
		if (member)
			ix->members[ix->mem_off[s] + fill[s]++] = label;
		else
			ix->dyn_labels[ix->dyn_off[s] + fill[ix->n + s]++] = label;
	}
}

/* Tables over the top 16 bits, and the next 8 where many segments start
 * in one /16, so that an IPv4 lookup searches a handful of segments. */
#define RADIX_DENSE 16

static int radix_build(struct fa_seg_index *ix)
{
	size_t nblk = 0, ndense = 0;
	uint32_t *top = malloc((UINT16_MAX + 2) * sizeof(uint32_t)); /* first segment per /16 */
	ix->top = calloc(FA_RANK64_WORDS, sizeof(*ix->top));
	if (!top || !ix->top)
		goto fail;
	for (size_t t = 0, i = 0; t <= UINT16_MAX + 1u; t++) {
		while (i < ix->n && (ix->start4[i] >> 16) < t)
			i++;
		top[t] = (uint32_t)i;
	}
	for (size_t t = 0; t <= UINT16_MAX; t++) {
		if (top[t + 1] == top[t])
			continue;
		ix->top[t / 64].bits |= UINT64_C(1) << (t % 64);
		nblk++;
		ndense += top[t + 1] - top[t] > RADIX_DENSE;
	}
	fa_rank64_count(ix->top);
	ix->first = malloc((nblk + 1) * sizeof(uint32_t));
	ix->sub_of = malloc((nblk + 1) * sizeof(uint32_t));
	ix->sub = malloc((ndense * 257 + 1) * sizeof(uint32_t));
	if (!ix->first || !ix->sub_of || !ix->sub)
		goto fail;
	size_t j = 0, d = 0;
	for (size_t t = 0; t <= UINT16_MAX; t++) {
		if (top[t + 1] == top[t])
			continue;
		ix->first[j] = top[t];
		ix->sub_of[j] = UINT32_MAX;
		if (top[t + 1] - top[t] > RADIX_DENSE) {
			uint32_t *row = ix->sub + d * 257;
			size_t i = top[t];
			for (uint32_t u = 0; u <= 256; u++) {
				while (i < top[t + 1] && ((ix->start4[i] >> 8) & 0xff) < u)
					i++;
				row[u] = (uint32_t)i;
			}
			ix->sub_of[j] = (uint32_t)d++;
		}
		j++;
	}
	ix->first[j] = (uint32_t)ix->n;
	free(top);
	return FA_OK;
fail:
	free(top);
	return FA_ERR_NOMEM;
}

static int build_family(struct fa_seg_index *ix, const struct fa_policy_set *set,
                        const struct role_res *rr, const uint8_t *dyn, int f)
{
	size_t nb = 1;
	for (size_t r = 0; r < set->nroles; r++)
		nb += 2 * (rr[r].pos.f[f].n + rr[r].neg.f[f].n + rr[r].maybe.f[f].n);
	struct fa_k128 *b = malloc(nb * sizeof(*b));
	uint32_t *fill = NULL;
	if (!b)
		return FA_ERR_NOMEM;
	size_t n = 0;
	b[n++] = (struct fa_k128){0, 0};
	for (size_t r = 0; r < set->nroles; r++) {
		for (int which = 0; which < 3; which++) {
			const struct fa_iset *s = which == 0   ? &rr[r].pos.f[f]
			                          : which == 1 ? &rr[r].neg.f[f]
			                                       : &rr[r].maybe.f[f];
			for (size_t i = 0; i < s->n; i++) {
				b[n++] = s->v[i].lo;
				if (fa_k_cmp(s->v[i].hi, fa_fam_max[f]) != 0)
					b[n++] = fa_k_inc(s->v[i].hi);
			}
		}
	}
	qsort(b, n, sizeof(*b), k_cmp_qsort);
	size_t u = 0;
	for (size_t i = 1; i < n; i++) {
		if (fa_k_cmp(b[i], b[u]) != 0)
			b[++u] = b[i];
	}
	ix->start = b;
	ix->n = u + 1;
	if (f == 0) {
		if (!(ix->start4 = malloc(ix->n * sizeof(uint32_t))))
			goto fail;
		for (size_t i = 0; i < ix->n; i++)
			ix->start4[i] = (uint32_t)b[i].lo;
	}
	if (f == 0 && ix->n > 64 && radix_build(ix) < 0)
		goto fail;
	ix->mem_off = calloc(ix->n + 1, sizeof(uint32_t));
	ix->dyn_off = calloc(ix->n + 1, sizeof(uint32_t));
	ix->in_scope = calloc(ix->n, 1);
	fill = calloc(2 * ix->n, sizeof(uint32_t));
	if (!ix->mem_off || !ix->dyn_off || !ix->in_scope || !fill)
		goto fail;
	walk_labels(ix, rr, dyn, set->nroles, f, count_label, NULL);
	for (size_t s = 0; s < ix->n; s++) {
		ix->mem_off[s + 1] += ix->mem_off[s];
		ix->dyn_off[s + 1] += ix->dyn_off[s];
	}
	ix->members = malloc((ix->mem_off[ix->n] + 1) * sizeof(uint32_t));
	ix->dyn_labels = malloc((ix->dyn_off[ix->n] + 1) * sizeof(uint32_t));
	if (!ix->members || !ix->dyn_labels)
		goto fail;
	walk_labels(ix, rr, dyn, set->nroles, f, put_label, fill);
	for (size_t s = 0; s < ix->n; s++) {
		for (uint32_t i = ix->mem_off[s]; i < ix->mem_off[s + 1]; i++) {
			if (set->roles[ix->members[i]].in_scope)
				ix->in_scope[s] = 1;
		}
	}
	if (!(ix->meta = malloc((ix->n + 1) * sizeof(*ix->meta))))
		goto fail;
	for (size_t s = 0; s <= ix->n; s++)
		ix->meta[s] = (struct fa_seg_meta){ix->mem_off[s], ix->dyn_off[s],
		                                   s < ix->n && ix->in_scope[s]};
	free(ix->mem_off); /* only the packed copy is read from now on */
	free(ix->dyn_off);
	free(ix->in_scope);
	ix->mem_off = ix->dyn_off = NULL;
	ix->in_scope = NULL;
	free(fill);
	return FA_OK;
fail:
	free(fill);
	return FA_ERR_NOMEM;
}

int fa_roles_build(struct fa_matcher *m, const struct fa_policy_set *set, char *errbuf,
                   size_t errlen)
{
	size_t nr = set->nroles;
	struct role_res *rr = calloc(nr ? nr : 1, sizeof(*rr));
	int rc = FA_ERR_NOMEM;
	m->role_dyn = calloc(nr ? nr : 1, 1);
	m->dyn_roles = calloc(nr ? nr : 1, sizeof(uint32_t));
	m->dyn_scope = calloc(nr ? nr : 1, sizeof(uint32_t));
	if (!rr || !m->role_dyn || !m->dyn_roles || !m->dyn_scope) {
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	for (uint32_t r = 0; r < nr; r++) {
		if ((rc = resolve(set, rr, m->role_dyn, r, errbuf, errlen)) < 0)
			goto out;
	}
	for (uint32_t r = 0; r < nr; r++) {
		if (!m->role_dyn[r])
			continue;
		m->dyn_roles[m->ndyn++] = r;
		if (set->roles[r].in_scope)
			m->dyn_scope[m->ndyn_scope++] = r;
	}
	for (int f = 0; f < 3; f++) {
		rc = f < 2 ? build_family(&m->fam[f], set, rr, m->role_dyn, f)
		           : fa_dyn_index_build(m, set);
		if (rc < 0) {
			snprintf(errbuf, errlen, "out of memory");
			goto out;
		}
	}
	rc = FA_OK;
out:
	for (size_t r = 0; rr && r < nr; r++) {
		aset_free(&rr[r].pos);
		aset_free(&rr[r].neg);
		aset_free(&rr[r].maybe);
	}
	free(rr);
	return rc;
}

void fa_roles_free(struct fa_matcher *m)
{
	for (int f = 0; f < 2; f++) {
		struct fa_seg_index *ix = &m->fam[f];
		free(ix->start);
		free(ix->start4);
		free(ix->top);
		free(ix->first);
		free(ix->sub_of);
		free(ix->sub);
		free(ix->mem_off);
		free(ix->dyn_off);
		free(ix->members);
		free(ix->dyn_labels);
		free(ix->in_scope);
		free(ix->meta);
		*ix = (struct fa_seg_index){0};
	}
	free(m->role_dyn);
	free(m->dyn_roles);
	free(m->dyn_scope);
	free(m->dkeys);
	free(m->host_any);
	free(m->parent_off);
	free(m->parents);
	m->role_dyn = NULL;
	m->dyn_roles = m->dyn_scope = m->host_any = m->parent_off = m->parents = NULL;
	m->dkeys = NULL;
}

/* ---- lookups -------------------------------------------------------------- */

long fa_seg_lookup(const struct fa_seg_index *ix, const struct fa_addr *addr)
{
	if ((addr->ver != 4 && addr->ver != 6) || !ix->n)
		return -1;
	if (addr->ver == 6)
		return k_find(ix->start, ix->n, fa_k_of(addr->b, 1));
	const uint8_t *b = addr->b;
	uint32_t k = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	size_t lo = 0, hi = ix->n; /* last start <= k; start4[0] = 0 */
	if (ix->top) {
		uint16_t t = (uint16_t)(k >> 16);
		uint32_t j = fa_rank64_below(ix->top, t);
		lo = hi = ix->first[j];
		if (fa_rank64_has(ix->top, t))
			hi = ix->first[j + 1];
		if (lo < hi && ix->sub_of[j] != UINT32_MAX) {
			const uint32_t *row = ix->sub + (size_t)ix->sub_of[j] * 257;
			lo = row[(k >> 8) & 0xff];
			hi = row[((k >> 8) & 0xff) + 1];
		}
		/* segments starting in this block are [lo, hi); before them, lo - 1 */
		if (lo == hi || ix->start4[lo] > k)
			return (long)lo - 1;
	}
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->start4[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

static bool prefix_has(const struct fa_addr *a, const struct builtin_net *t, size_t n)
{
	int fam = fa_fam_of(a);
	for (size_t i = 0; i < n; i++) {
		if ((t[i].ver == 4) != (fam == 0))
			continue;
		struct fa_ival iv = fa_net_ival(t[i].b, fam, t[i].prefix);
		struct fa_k128 k = fa_k_of(a->b, fam);
		if (fa_k_cmp(k, iv.lo) >= 0 && fa_k_cmp(k, iv.hi) <= 0)
			return true;
	}
	return false;
}

bool fa_addr_elem_has(const struct fa_role_elem *e, const struct fa_addr *a)
{
	int fam = fa_fam_of(a);
	if (fam < 0)
		return false;
	switch (e->kind) {
	case FA_RE_ANY: return true;
	case FA_RE_PRIVATE: return prefix_has(a, private_nets, NELEMS(private_nets));
	case FA_RE_MULTICAST: return prefix_has(a, multicast_nets, NELEMS(multicast_nets));
	case FA_RE_PUBLIC:
		return !prefix_has(a, private_nets, NELEMS(private_nets)) &&
		       !prefix_has(a, multicast_nets, NELEMS(multicast_nets)) &&
		       !prefix_has(a, reserved_nets, NELEMS(reserved_nets)) &&
		       (fam == 0 || prefix_has(a, &public6, 1));
	case FA_RE_NET: {
		if (fam != fa_fam_of(&e->a))
			return false;
		struct fa_ival iv = fa_net_ival(e->a.b, fam, e->prefix);
		struct fa_k128 k = fa_k_of(a->b, fam);
		return fa_k_cmp(k, iv.lo) >= 0 && fa_k_cmp(k, iv.hi) <= 0;
	}
	case FA_RE_RANGE: {
		if (fam != fa_fam_of(&e->a) || fam != fa_fam_of(&e->b))
			return false;
		struct fa_k128 x = fa_k_of(a->b, fam);
		return fa_k_cmp(x, fa_k_of(e->a.b, fam)) >= 0 &&
		       fa_k_cmp(x, fa_k_of(e->b.b, fam)) <= 0;
	}
	}
	return false;
}
