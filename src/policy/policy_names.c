/* policy_names.c - finding roles, services and rules by name while a policy
 * set loads: hash indexes over the set's arrays, so that a policy of
 * 100,000 rules does not spend its load comparing every name with every
 * other one. */
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/* FNV-1a (a public-domain hash: Fowler, Noll, Vo), with the owning policy
 * mixed in for services, whose names are per policy. */
static uint32_t name_hash(const char *s, uint32_t policy)
{
	uint32_t h = 2166136261u ^ policy;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

void pl_name_index_free(struct pl_name_index *ix)
{
	free(ix->slot);
	*ix = (struct pl_name_index){0};
}

/* The index covers entries [0, ix->n) of the array it shadows; entries are
 * only ever appended, so a lookup first adds those appended since. The
 * first of equal names stays, as a scan from the start would find it. */
typedef const char *(*name_at_fn)(const struct pl_ctx *c, uint32_t i, uint32_t *policy);

static const char *role_name_at(const struct pl_ctx *c, uint32_t i, uint32_t *policy)
{
	*policy = 0;
	return c->set->roles[i].name;
}

static const char *svc_name_at(const struct pl_ctx *c, uint32_t i, uint32_t *policy)
{
	*policy = c->svc_policy[i];
	return c->set->services[i].name;
}

static const char *rule_name_at(const struct pl_ctx *c, uint32_t i, uint32_t *policy)
{
	*policy = 0;
	return c->set->rules[i].id;
}

/* The slot of (name, policy): holding its entry + 1, or 0 where it would go. */
static size_t probe(const struct pl_ctx *c, const struct pl_name_index *ix, name_at_fn at,
                    const char *name, uint32_t policy)
{
	size_t mask = ix->cap - 1;
	size_t k = name_hash(name, policy) & mask;
	while (ix->slot[k]) {
		uint32_t p;
		const char *n = at(c, ix->slot[k] - 1, &p);
		if (p == policy && strcmp(n, name) == 0)
			return k;
		k = (k + 1) & mask;
	}
	return k;
}

static bool grow(const struct pl_ctx *c, struct pl_name_index *ix, name_at_fn at, size_t need)
{
	if (need * 2 <= ix->cap)
		return true;
	size_t cap = ix->cap ? ix->cap : 64;
	while (need * 2 > cap)
		cap *= 2;
	struct pl_name_index big = {calloc(cap, sizeof(uint32_t)), cap, 0};
	if (!big.slot)
		return false;
	for (size_t k = 0; k < ix->cap; k++) {
		if (!ix->slot[k])
			continue;
		uint32_t p;
		const char *n = at(c, ix->slot[k] - 1, &p);
		big.slot[probe(c, &big, at, n, p)] = ix->slot[k];
	}
	big.n = ix->n;
	free(ix->slot);
	*ix = big;
	return true;
}

static int32_t find(struct pl_ctx *c, struct pl_name_index *ix, size_t count, name_at_fn at,
                    const char *name, uint32_t policy)
{
	if (!grow(c, ix, at, count)) {
		c->nomem = true;
		return -1;
	}
	for (; ix->n < count; ix->n++) {
		uint32_t p;
		const char *n = at(c, (uint32_t)ix->n, &p);
		size_t k = probe(c, ix, at, n, p);
		if (!ix->slot[k])
			ix->slot[k] = (uint32_t)ix->n + 1;
	}
	if (!ix->cap)
		return -1;
	size_t k = probe(c, ix, at, name, policy);
	return ix->slot[k] ? (int32_t)(ix->slot[k] - 1) : -1;
}

int32_t pl_find_role(struct pl_ctx *c, const char *name)
{
	return find(c, &c->role_ix, c->set->nroles, role_name_at, name, 0);
}

int32_t pl_find_service(struct pl_ctx *c, uint32_t policy, const char *name)
{
	return find(c, &c->svc_ix, c->set->nservices, svc_name_at, name, policy);
}

int32_t pl_find_rule(struct pl_ctx *c, const char *id)
{
	return find(c, &c->rule_ix, c->set->nrules, rule_name_at, id, 0);
}
