/* policy_pack.c - the matcher's packed copy of the rules: what is read for
 * every candidate (struct fa_mrule) and the pool of application names, each
 * rule's text record with what its why text needs, and the role names side
 * by side.
 *
 * The loaded rules keep their fields in separate allocations (id, service
 * items, their port lists, application names, role names); with thousands
 * of rules those are cold, and a why text that reads them all waits for
 * memory several times per flow. The records lay out the same facts in
 * one place; the layout is described in policy_match_int.h. */
#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"
#include "policy/policy_match_int.h"

_Static_assert((FA_RULE_DENY | FA_RULE_BIDIR | FA_RULE_OPTIONAL | FA_RULE_DISABLED) <
                   FA_MRULE_SPORTS,
               "rule flags must leave room for FA_MRULE_SPORTS");

static const char *role_str(const struct fa_policy_set *set, uint32_t r)
{
	if (r == FA_RULE_ROLE_ANY || r >= set->nroles || !set->roles[r].name)
		return "any";
	return set->roles[r].name;
}

static const char *id_str(const struct fa_rule *rule)
{
	return rule->id ? rule->id : "";
}

/* Bytes of the record's strings. */
static size_t strings_len(const struct fa_policy_set *set, const struct fa_rule *rule)
{
	size_t n = strlen(id_str(rule)) + 1 + strlen(role_str(set, rule->src_role)) + 1 +
	           strlen(role_str(set, rule->dst_role)) + 1;
	for (size_t i = 0; i < rule->svc.napps && i < UINT16_MAX; i++)
		n += rule->svc.apps[i] ? strlen(rule->svc.apps[i]) + 1 : 0;
	return n;
}

/* Words of the record before its strings. */
static size_t fixed_words(const struct fa_rule *rule)
{
	size_t n = FA_RT_HDR + rule->nsrc_ports;
	for (size_t i = 0; i < rule->svc.nitems; i++)
		n += 2 + rule->svc.items[i].nports;
	return n;
}

static uint32_t range_word(const struct fa_port_range *p)
{
	return (uint32_t)p->lo | (uint32_t)p->hi << 16;
}

/* Copies s with its NUL to base + *at; returns where it went. */
static uint32_t put_str(void *base, size_t *at, const char *s)
{
	size_t len = strlen(s) + 1;
	uint32_t off = (uint32_t)*at;
	memcpy((char *)base + *at, s, len);
	*at += len;
	return off;
}

/* Writes rule's record at t; returns its number of applications. */
static uint16_t fill(uint32_t *t, const struct fa_policy_set *set, const struct fa_rule *rule)
{
	size_t w = FA_RT_HDR;
	t[FA_RT_NSPORTS] = (uint32_t)rule->nsrc_ports;
	t[FA_RT_NITEMS] = (uint32_t)rule->svc.nitems;
	for (size_t i = 0; i < rule->nsrc_ports; i++)
		t[w++] = range_word(&rule->src_ports[i]);
	for (size_t i = 0; i < rule->svc.nitems; i++) {
		const struct fa_svc_item *it = &rule->svc.items[i];
		t[w++] = it->proto;
		t[w++] = (uint32_t)it->nports;
		for (size_t k = 0; k < it->nports; k++)
			t[w++] = range_word(&it->ports[k]);
	}
	size_t at = w * sizeof(uint32_t);
	uint16_t napps = 0;
	t[FA_RT_APPS] = (uint32_t)at;
	for (size_t i = 0; i < rule->svc.napps && napps < UINT16_MAX; i++) {
		if (rule->svc.apps[i]) {
			put_str(t, &at, rule->svc.apps[i]);
			napps++;
		}
	}
	t[FA_RT_ID] = put_str(t, &at, id_str(rule));
	t[FA_RT_SRC] = put_str(t, &at, role_str(set, rule->src_role));
	t[FA_RT_DST] = put_str(t, &at, role_str(set, rule->dst_role));
	return napps;
}

static int pack_role_names(struct fa_matcher *m, const struct fa_policy_set *set)
{
	size_t pool = 1;
	for (size_t r = 0; r < set->nroles; r++)
		pool += strlen(role_str(set, (uint32_t)r)) + 1;
	if (pool > UINT32_MAX)
		return FA_ERR_NOMEM;
	m->role_name_off = calloc(set->nroles + 1, sizeof(*m->role_name_off));
	m->role_names = malloc(pool);
	if (!m->role_name_off || !m->role_names)
		return FA_ERR_NOMEM;
	size_t at = 0;
	for (size_t r = 0; r < set->nroles; r++) {
		const char *name = role_str(set, (uint32_t)r);
		size_t len = strlen(name) + 1;
		m->role_name_off[r] = (uint32_t)at;
		memcpy(m->role_names + at, name, len);
		at += len;
	}
	m->role_names[at] = '\0';
	return FA_OK;
}

static int pack_apps(struct fa_matcher *m, const struct fa_policy_set *set)
{
	size_t pool = 1, at = 0;
	for (size_t r = 0; r < set->nrules; r++) {
		for (size_t i = 0; i < set->rules[r].svc.napps && i < UINT16_MAX; i++)
			pool +=
			    set->rules[r].svc.apps[i] ? strlen(set->rules[r].svc.apps[i]) + 1 : 0;
	}
	if (pool > UINT32_MAX || !(m->app_pool = malloc(pool)))
		return FA_ERR_NOMEM;
	for (size_t r = 0; r < set->nrules; r++) {
		const struct fa_rule *rule = &set->rules[r];
		m->mrules[r].apps_off = (uint32_t)at;
		for (size_t i = 0; i < rule->svc.napps && i < UINT16_MAX; i++) {
			if (rule->svc.apps[i])
				put_str(m->app_pool, &at, rule->svc.apps[i]);
		}
	}
	m->app_pool[at] = '\0';
	return FA_OK;
}

int fa_pack_build(struct fa_matcher *m, const struct fa_policy_set *set)
{
	size_t words = 0;
	for (size_t r = 0; r < set->nrules; r++) {
		const struct fa_rule *rule = &set->rules[r];
		size_t bytes = fixed_words(rule) * sizeof(uint32_t) + strings_len(set, rule);
		words += (bytes + sizeof(uint32_t) - 1) / sizeof(uint32_t);
	}
	if (words > UINT32_MAX / sizeof(uint32_t))
		return FA_ERR_NOMEM;
	m->mrules = calloc(set->nrules + 1, sizeof(*m->mrules));
	m->rtext = calloc(words + 1, sizeof(uint32_t));
	if (!m->mrules || !m->rtext)
		return FA_ERR_NOMEM;
	size_t at = 0;
	for (size_t r = 0; r < set->nrules; r++) {
		const struct fa_rule *rule = &set->rules[r];
		struct fa_mrule *mr = &m->mrules[r];
		*mr = (struct fa_mrule){
		    .src_role = rule->src_role,
		    .dst_role = rule->dst_role,
		    .policy = rule->policy,
		    .text = (uint32_t)at,
		    .flags = (uint8_t)((rule->flags & 0x7f) | (rule->nsrc_ports ? FA_MRULE_SPORTS : 0)),
		    .severity = rule->severity,
		};
		mr->napps = fill(m->rtext + at, set, rule);
		size_t bytes = fixed_words(rule) * sizeof(uint32_t) + strings_len(set, rule);
		at += (bytes + sizeof(uint32_t) - 1) / sizeof(uint32_t);
	}
	if (pack_apps(m, set) < 0)
		return FA_ERR_NOMEM;
	return pack_role_names(m, set);
}

void fa_pack_free(struct fa_matcher *m)
{
	free(m->mrules);
	free(m->app_pool);
	free(m->rtext);
	free(m->role_name_off);
	free(m->role_names);
	m->mrules = NULL;
	m->app_pool = NULL;
	m->rtext = NULL;
	m->role_name_off = NULL;
	m->role_names = NULL;
}
