/* policy_iset.c - sets of address intervals: 128-bit address arithmetic,
 * sorting, merging and subtracting interval lists. */
#include <stdlib.h>

#include "common/fa_error.h"
#include "policy/policy_iset.h"

const struct fa_k128 fa_fam_max[2] = {{0, 0xffffffffu}, {UINT64_MAX, UINT64_MAX}};

int fa_k_cmp(struct fa_k128 a, struct fa_k128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

struct fa_k128 fa_k_inc(struct fa_k128 a)
{
	a.lo++;
	if (a.lo == 0)
		a.hi++;
	return a;
}

struct fa_k128 fa_k_dec(struct fa_k128 a)
{
	if (a.lo == 0)
		a.hi--;
	a.lo--;
	return a;
}

struct fa_k128 fa_k_of(const uint8_t *b, int fam)
{
	struct fa_k128 k = {0, 0};
	if (fam == 0) {
		k.lo = (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 | (uint64_t)b[2] << 8 | b[3];
		return k;
	}
	for (int i = 0; i < 8; i++) {
		k.hi = k.hi << 8 | b[i];
		k.lo = k.lo << 8 | b[8 + i];
	}
	return k;
}

int fa_fam_of(const struct fa_addr *a)
{
	return a->ver == 4 ? 0 : a->ver == 6 ? 1 : -1;
}

/* The block addr/prefix as lo..hi; prefix is clamped to the family width. */
struct fa_ival fa_net_ival(const uint8_t *b, int fam, unsigned prefix)
{
	unsigned width = fam == 0 ? 32 : 128;
	unsigned host = prefix >= width ? 0 : width - prefix;
	struct fa_k128 k = fa_k_of(b, fam), mask = {0, 0};
	if (host >= 64) {
		mask.lo = UINT64_MAX;
		mask.hi = host >= 128 ? UINT64_MAX : (UINT64_C(1) << (host - 64)) - 1;
	} else if (host > 0) {
		mask.lo = (UINT64_C(1) << host) - 1;
	}
	struct fa_ival iv;
	iv.lo.hi = k.hi & ~mask.hi;
	iv.lo.lo = k.lo & ~mask.lo;
	iv.hi.hi = iv.lo.hi | mask.hi;
	iv.hi.lo = iv.lo.lo | mask.lo;
	if (fam == 0)
		iv.hi.lo &= 0xffffffffu;
	return iv;
}

int fa_iset_push(struct fa_iset *s, struct fa_k128 lo, struct fa_k128 hi)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct fa_ival *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return FA_ERR_NOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].lo = lo;
	s->v[s->n].hi = hi;
	s->n++;
	return FA_OK;
}

int fa_iset_push_all(struct fa_iset *s, const struct fa_iset *from)
{
	for (size_t i = 0; i < from->n; i++) {
		if (fa_iset_push(s, from->v[i].lo, from->v[i].hi) < 0)
			return FA_ERR_NOMEM;
	}
	return FA_OK;
}

static int ival_cmp(const void *a, const void *b)
{
	return fa_k_cmp(((const struct fa_ival *)a)->lo, ((const struct fa_ival *)b)->lo);
}

/* Sorts and merges overlapping or touching intervals. */
void fa_iset_norm(struct fa_iset *s, int fam)
{
	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof(*s->v), ival_cmp);
	size_t w = 0;
	for (size_t i = 1; i < s->n; i++) {
		struct fa_ival *last = &s->v[w];
		bool touches = fa_k_cmp(last->hi, fa_fam_max[fam]) == 0 ||
		               fa_k_cmp(fa_k_inc(last->hi), s->v[i].lo) >= 0;
		if (touches) {
			if (fa_k_cmp(s->v[i].hi, last->hi) > 0)
				last->hi = s->v[i].hi;
		} else {
			s->v[++w] = s->v[i];
		}
	}
	s->n = w + 1;
}

/* a -= b, both normalised. */
int fa_iset_sub(struct fa_iset *a, const struct fa_iset *b)
{
	struct fa_iset out = {0};
	size_t j = 0;
	for (size_t i = 0; i < a->n; i++) {
		struct fa_k128 lo = a->v[i].lo, hi = a->v[i].hi;
		bool empty = false;
		while (j < b->n && fa_k_cmp(b->v[j].hi, lo) < 0)
			j++;
		for (size_t k = j; k < b->n && fa_k_cmp(b->v[k].lo, hi) <= 0; k++) {
			if (fa_k_cmp(b->v[k].lo, lo) > 0 &&
			    fa_iset_push(&out, lo, fa_k_dec(b->v[k].lo)) < 0)
				goto fail;
			if (fa_k_cmp(b->v[k].hi, hi) >= 0) {
				empty = true;
				break;
			}
			lo = fa_k_inc(b->v[k].hi);
		}
		if (!empty && fa_iset_push(&out, lo, hi) < 0)
			goto fail;
	}
	free(a->v);
	*a = out;
	return FA_OK;
fail:
	free(out.v);
	return FA_ERR_NOMEM;
}
