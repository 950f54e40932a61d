/* test_policy_match_fixture.h - policy sets built by hand for the matcher
 * tests, so they depend on nothing but the structures in policy.h. */
#ifndef TEST_POLICY_MATCH_FIXTURE_H
#define TEST_POLICY_MATCH_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

#define TB_ROLES 64
#define TB_ELEMS 12
#define TB_RULES 512
#define TB_ITEMS 3
#define TB_PORTS 4
#define TB_APPS 3

struct tb {
	struct fa_policy_set set;
	struct fa_policy pol[2];
	struct fa_role roles[TB_ROLES];
	struct fa_role_elem elems[TB_ROLES][TB_ELEMS];
	struct fa_rule rules[TB_RULES];
	struct fa_svc_item items[TB_RULES][TB_ITEMS];
	struct fa_port_range ports[TB_RULES][TB_ITEMS][TB_PORTS];
	struct fa_port_range sports[TB_RULES][TB_PORTS];
	char *apps[TB_RULES][TB_APPS];
	char names[TB_RULES + TB_ROLES][24];
};

static inline struct tb *tb_new(void)
{
	struct tb *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->pol[0].name = "first";
	t->pol[1].name = "second";
	t->set.policies = t->pol;
	t->set.npolicies = 2;
	t->set.roles = t->roles;
	t->set.rules = t->rules;
	return t;
}

static inline void tb_free(struct tb **t)
{
	if (*t)
		fa_matcher_free(&(*t)->set.matcher);
	free(*t);
	*t = NULL;
}

static inline struct fa_addr tb_addr(const char *s)
{
	struct fa_addr a;
	if (!fa_addr_parse(s, &a)) {
		fprintf(stderr, "bad test address %s\n", s);
		abort();
	}
	return a;
}

static inline struct fa_role_elem E_NET(const char *a, unsigned prefix) {
	return (struct fa_role_elem){.kind = FA_RE_NET, .a = tb_addr(a), .prefix = (uint8_t)prefix};
} static inline struct fa_role_elem E_RANGE(const char *a, const char *b) {
	return (struct fa_role_elem){.kind = FA_RE_RANGE, .a = tb_addr(a), .b = tb_addr(b)};
} static inline struct fa_role_elem E_KIND(enum fa_role_elem_kind k) {
	return (struct fa_role_elem){.kind = (uint8_t)k};
} static inline struct fa_role_elem E_HOST(const char *glob) {
	return (struct fa_role_elem){.kind = FA_RE_HOST, .host = (char *)glob};
} static inline struct fa_role_elem E_ASN(uint32_t asn) {
	return (struct fa_role_elem){.kind = FA_RE_ASN, .asn = asn};
} static inline struct fa_role_elem E_CC(const char *cc) {
	struct fa_role_elem e = {.kind = FA_RE_COUNTRY};
	memcpy(e.country, cc, 2);
	return e;
} static inline struct fa_role_elem E_ROLE(uint32_t r) {
	return (struct fa_role_elem){.kind = FA_RE_ROLE, .role = r};
} static inline struct fa_role_elem NOT(struct fa_role_elem e) {
	e.negate = true;
	return e;
}

/* Adds a role (in scope unless told otherwise); returns its index. */
static inline uint32_t
tb_role_n(struct tb *t, const char *name, bool in_scope, const struct fa_role_elem *e, size_t n)
{
	uint32_t r = (uint32_t)t->set.nroles++;
	struct fa_role *role = &t->roles[r];
	if (r >= TB_ROLES || n > TB_ELEMS)
		abort();
	role->name = (char *)name;
	memcpy(t->elems[r], e, n * sizeof(*e));
	role->elems = t->elems[r];
	role->nelems = n;
	role->bound = n > 0;
	role->in_scope = in_scope;
	return r;
}
#define TB_ROLE(t, name, scope, ...)                                                               \
	tb_role_n(t, name, scope, (const struct fa_role_elem[]){__VA_ARGS__},                      \
	          sizeof((const struct fa_role_elem[]){__VA_ARGS__}) /                             \
	              sizeof(struct fa_role_elem))

/* Adds a rule with one service item proto lo-hi (lo = hi = 0: any port). */
static inline uint32_t tb_rule(struct tb *t, const char *id, uint32_t flags, uint32_t src,
                               uint32_t dst, uint8_t proto, uint16_t lo, uint16_t hi)
{
	uint32_t r = (uint32_t)t->set.nrules++;
	struct fa_rule *rule = &t->rules[r];
	if (r >= TB_RULES)
		abort();
	rule->id = (char *)id;
	rule->flags = flags;
	rule->src_role = src;
	rule->dst_role = dst;
	rule->svc.items = t->items[r];
	rule->svc.nitems = 1;
	rule->svc.apps = t->apps[r];
	t->items[r][0].proto = proto;
	t->items[r][0].ports = t->ports[r][0];
	if (lo || hi) {
		t->ports[r][0][0] = (struct fa_port_range){lo, hi};
		t->items[r][0].nports = 1;
	}
	rule->src_ports = t->sports[r];
	return r;
}

/* Another port range on the rule's item i (a new item when i = nitems). */
static inline void tb_rule_port(struct tb *t, uint32_t r, size_t i, uint8_t proto, uint16_t lo,
                                uint16_t hi)
{
	struct fa_svc_item *it = &t->items[r][i];
	if (i == t->rules[r].svc.nitems) {
		t->rules[r].svc.nitems++;
		it->proto = proto;
		it->ports = t->ports[r][i];
	}
	t->ports[r][i][it->nports++] = (struct fa_port_range){lo, hi};
}

static inline void tb_rule_app(struct tb *t, uint32_t r, const char *app)
{
	t->apps[r][t->rules[r].svc.napps++] = (char *)app;
}

static inline void tb_rule_sport(struct tb *t, uint32_t r, uint16_t lo, uint16_t hi)
{
	t->sports[r][t->rules[r].nsrc_ports++] = (struct fa_port_range){lo, hi};
}

static inline struct fa_policy_flow tb_flow(uint8_t proto, const char *src, uint16_t sport,
                                            const char *dst, uint16_t dport, const char *app)
{
	struct fa_policy_flow f = {.proto = proto, .sport = sport, .dport = dport, .app = app};
	f.src = tb_addr(src);
	f.dst = tb_addr(dst);
	return f;
}

#endif
