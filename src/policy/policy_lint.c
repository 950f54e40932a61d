/* policy_lint.c - warnings about a loaded policy that is valid but probably
 * not what its author meant: duplicate, shadowed and overlapping rules, and
 * roles nothing uses. Roles are compared by name only ("any" covers every
 * role): whether two different roles share addresses is a site question. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy_int.h"

static bool ports_equal(const struct fa_port_range *a, size_t na, const struct fa_port_range *b,
                        size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		bool found = false;
		for (size_t k = 0; k < nb && !found; k++)
			found = a[i].lo == b[k].lo && a[i].hi == b[k].hi;
		if (!found)
			return false;
	}
	return true;
}

/* Every port of b is a port of a (no list = every port). */
static bool ports_cover(const struct fa_port_range *a, size_t na, const struct fa_port_range *b,
                        size_t nb)
{
	if (!na)
		return true;
	if (!nb)
		return false;
	for (size_t i = 0; i < nb; i++) {
		bool in = false;
		for (size_t k = 0; k < na && !in; k++)
			in = a[k].lo <= b[i].lo && b[i].hi <= a[k].hi;
		if (!in)
			return false;
	}
	return true;
}

static bool ports_meet(const struct fa_port_range *a, size_t na, const struct fa_port_range *b,
                       size_t nb)
{
	if (!na || !nb)
		return true;
	for (size_t i = 0; i < na; i++)
		for (size_t k = 0; k < nb; k++)
			if (a[i].lo <= b[k].hi && b[k].lo <= a[i].hi)
				return true;
	return false;
}

static bool item_covers(const struct fa_svc_item *a, const struct fa_svc_item *b)
{
	return (a->proto == FA_PROTO_ANY || a->proto == b->proto) &&
	       ports_cover(a->ports, a->nports, b->ports, b->nports);
}

static bool svc_covers(const struct fa_service *a, const struct fa_service *b)
{
	for (size_t i = 0; i < b->nitems; i++) {
		bool in = false;
		for (size_t k = 0; k < a->nitems && !in; k++)
			in = item_covers(&a->items[k], &b->items[i]);
		if (!in)
			return false;
	}
	return true;
}

static bool svc_meets(const struct fa_service *a, const struct fa_service *b)
{
	for (size_t i = 0; i < a->nitems; i++) {
		for (size_t k = 0; k < b->nitems; k++) {
			const struct fa_svc_item *x = &a->items[i], *y = &b->items[k];
			if ((x->proto == y->proto || !x->proto || !y->proto) &&
			    ports_meet(x->ports, x->nports, y->ports, y->nports))
				return true;
		}
	}
	return false;
}

static bool has_app(const struct fa_service *s, const char *app)
{
	for (size_t i = 0; i < s->napps; i++)
		if (strcasecmp(s->apps[i], app) == 0)
			return true;
	return false;
}

/* Every application b accepts, a accepts too (no list = any application). */
static bool apps_cover(const struct fa_service *a, const struct fa_service *b)
{
	if (!a->napps)
		return true;
	if (!b->napps)
		return false;
	for (size_t i = 0; i < b->napps; i++)
		if (!has_app(a, b->apps[i]))
			return false;
	return true;
}

static bool role_covers(uint32_t a, uint32_t b)
{
	return a == FA_RULE_ROLE_ANY || a == b;
}

static bool role_meets(uint32_t a, uint32_t b)
{
	return a == FA_RULE_ROLE_ANY || b == FA_RULE_ROLE_ANY || a == b;
}

/* Rule a allows every flow of b's direction src -> dst. */
static bool covers_dir(const struct fa_rule *a, uint32_t src, uint32_t dst)
{
	if (role_covers(a->src_role, src) && role_covers(a->dst_role, dst))
		return true;
	return (a->flags & FA_RULE_BIDIR) && role_covers(a->src_role, dst) &&
	       role_covers(a->dst_role, src);
}

static bool rule_covers(const struct fa_rule *a, const struct fa_rule *b)
{
	if (!covers_dir(a, b->src_role, b->dst_role))
		return false;
	if ((b->flags & FA_RULE_BIDIR) && !covers_dir(a, b->dst_role, b->src_role))
		return false;
	return ports_cover(a->src_ports, a->nsrc_ports, b->src_ports, b->nsrc_ports) &&
	       svc_covers(&a->svc, &b->svc) && apps_cover(&a->svc, &b->svc);
}

static bool rule_same(const struct fa_rule *a, const struct fa_rule *b)
{
	uint32_t dirs = FA_RULE_BIDIR | FA_RULE_DENY;
	return (a->flags & dirs) == (b->flags & dirs) && a->src_role == b->src_role &&
	       a->dst_role == b->dst_role &&
	       ports_equal(a->src_ports, a->nsrc_ports, b->src_ports, b->nsrc_ports) &&
	       svc_covers(&a->svc, &b->svc) && svc_covers(&b->svc, &a->svc) &&
	       apps_cover(&a->svc, &b->svc) && apps_cover(&b->svc, &a->svc) &&
	       a->severity == b->severity;
}

static bool rule_meets(const struct fa_rule *a, const struct fa_rule *b)
{
	bool fwd = role_meets(a->src_role, b->src_role) && role_meets(a->dst_role, b->dst_role);
	bool rev = ((a->flags | b->flags) & FA_RULE_BIDIR) &&
	           role_meets(a->src_role, b->dst_role) && role_meets(a->dst_role, b->src_role);
	/* Initiator ports that cannot both hold keep two one-way rules apart
	 * (a "<->" rule's port sits on either end, so it is not compared). */
	bool sports = ((a->flags | b->flags) & FA_RULE_BIDIR) ||
	              ports_meet(a->src_ports, a->nsrc_ports, b->src_ports, b->nsrc_ports);
	return (fwd || rev) && sports && svc_meets(&a->svc, &b->svc);
}

static void lint_pair(struct pl_ctx *c, const struct fa_rule *a, const struct fa_rule *b,
                      bool *done)
{
	if ((a->flags & FA_RULE_DENY) != (b->flags & FA_RULE_DENY))
		return;
	if (rule_same(a, b)) {
		pl_warning(c, &b->loc, "rule %s duplicates rule %s (%s:%u)", b->id, a->id,
		           a->loc.file, a->loc.line);
		*done = true;
		return;
	}
	if (rule_covers(a, b)) {
		pl_warning(c, &b->loc,
		           "rule %s is shadowed by rule %s (%s:%u), which already covers every "
		           "flow it does",
		           b->id, a->id, a->loc.file, a->loc.line);
		*done = true;
		return;
	}
	if (!rule_meets(a, b))
		return;
	bool apps_differ = !apps_cover(&a->svc, &b->svc) || !apps_cover(&b->svc, &a->svc);
	if (apps_differ || a->severity != b->severity) {
		pl_warning(c, &b->loc, "rule %s overlaps rule %s (%s:%u) with a different %s",
		           b->id, a->id, a->loc.file, a->loc.line,
		           apps_differ ? "application list" : "severity");
		*done = true;
	}
}

/* Rules by the roles they name: for role r (nroles stands for "any"),
 * rule[start[r] .. start[r + 1]) lists, in policy order, the rules with r at
 * either end. Every pair that can warn shares a role or has "any" where the
 * other has one (see the proof at lint_rules), so a policy of many products
 * is checked in time near linear rather than quadratic in its rules. */
struct by_role {
	uint32_t *start, *rule;
};

static size_t role_slot(const struct fa_policy_set *set, uint32_t role)
{
	return role == FA_RULE_ROLE_ANY ? set->nroles : role;
}

static int by_role_build(struct by_role *ix, const struct fa_policy_set *set)
{
	size_t nslots = set->nroles + 1;
	ix->start = calloc(nslots + 1, sizeof(*ix->start));
	ix->rule = calloc(2 * set->nrules + 1, sizeof(*ix->rule));
	uint32_t *fill = calloc(nslots, sizeof(*fill));
	if (!ix->start || !ix->rule || !fill) {
		free(fill);
		return -1;
	}
	for (size_t j = 0; j < set->nrules; j++) {
		const struct fa_rule *r = &set->rules[j];
		ix->start[role_slot(set, r->src_role) + 1]++;
		if (r->dst_role != r->src_role)
			ix->start[role_slot(set, r->dst_role) + 1]++;
	}
	for (size_t k = 0; k < nslots; k++)
		ix->start[k + 1] += ix->start[k];
	for (size_t j = 0; j < set->nrules; j++) {
		const struct fa_rule *r = &set->rules[j];
		size_t s = role_slot(set, r->src_role), d = role_slot(set, r->dst_role);
		ix->rule[ix->start[s] + fill[s]++] = (uint32_t)j;
		if (d != s)
			ix->rule[ix->start[d] + fill[d]++] = (uint32_t)j;
	}
	free(fill);
	return 0;
}

/* Why the candidates suffice: rule_same, rule_covers and rule_meets all need
 * role_meets(x, b's end e) for the end x of a facing e, i.e. x is e or
 * "any", or e is "any". Taking e = b's responder (or b's initiator when the
 * responder is "any"), a must name e or "any" at one of its ends; when both
 * of b's ends are "any", every earlier rule is a candidate. Candidates are
 * visited in policy order, as a plain scan would, so the warnings are the
 * same ones. */
static void lint_rules(struct pl_ctx *c)
{
	const struct fa_policy_set *set = c->set;
	struct by_role ix = {0};
	if (by_role_build(&ix, set) < 0) {
		free(ix.start);
		free(ix.rule);
		c->nomem = true;
		return;
	}
	size_t any = set->nroles;
	for (size_t j = 0; j < set->nrules; j++) {
		const struct fa_rule *b = &set->rules[j];
		uint32_t e = b->dst_role != FA_RULE_ROLE_ANY ? b->dst_role : b->src_role;
		bool done = false;
		if (e == FA_RULE_ROLE_ANY) {
			for (size_t i = 0; i < j && !done; i++)
				lint_pair(c, &set->rules[i], b, &done);
			continue;
		}
		/* Merges the two ascending lists, once each rule in both. */
		uint32_t p = ix.start[e], pe = ix.start[e + 1];
		uint32_t q = ix.start[any], qe = ix.start[any + 1];
		while (!done) {
			uint32_t x = p < pe ? ix.rule[p] : UINT32_MAX;
			uint32_t y = q < qe ? ix.rule[q] : UINT32_MAX;
			uint32_t i = x < y ? x : y;
			if (i >= j)
				break;
			p += x == i;
			q += y == i;
			lint_pair(c, &set->rules[i], b, &done);
		}
	}
	free(ix.start);
	free(ix.rule);
}

static void lint_roles(struct pl_ctx *c)
{
	const struct fa_policy_set *set = c->set;
	bool *used = calloc(set->nroles + 1, sizeof(*used));
	if (!used) {
		c->nomem = true;
		return;
	}
	for (size_t i = 0; i < set->nrules; i++) {
		if (set->rules[i].src_role != FA_RULE_ROLE_ANY)
			used[set->rules[i].src_role] = true;
		if (set->rules[i].dst_role != FA_RULE_ROLE_ANY)
			used[set->rules[i].dst_role] = true;
	}
	for (size_t i = 0; i < c->nelem_refs; i++) {
		int32_t r = pl_find_role(c, c->elem_refs[i].name);
		if (r >= 0)
			used[r] = true;
	}
	for (size_t i = 0; i < c->nscopes; i++) {
		int32_t r = pl_find_role(c, c->scopes[i].name);
		if (r >= 0)
			used[r] = true;
	}
	for (size_t r = 0; r < set->nroles; r++)
		if (!used[r])
			pl_warning(c, &set->roles[r].loc,
			           "role '%s' is declared but no rule, scope or role uses it",
			           set->roles[r].name);
	free(used);
}

void pl_lint(struct pl_ctx *c)
{
	lint_rules(c);
	lint_roles(c);
}
