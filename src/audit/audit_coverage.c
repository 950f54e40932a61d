/* audit_coverage.c - what each rule of the policy covered: flows, bytes, time
 * span and distinct peers, and its service in one normalised string. */
#include "audit/audit_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"

/* ---- distinct address sets ----------------------------------------------- */

static void addrset_place(struct fa_addr *slots, size_t cap, const struct fa_addr *a)
{
	size_t m = cap - 1;
	for (size_t i = audit_hash_addr(AUDIT_FNV_OFFSET, a) & m;; i = (i + 1) & m) {
		if (!slots[i].ver) {
			slots[i] = *a;
			return;
		}
	}
}

static void addrset_add(struct audit_addrset *s, const struct fa_addr *a)
{
	if (a->ver == 0 || s->count >= FA_AUDIT_DISTINCT_MAX)
		return;
	size_t m = s->cap - 1;
	if (s->cap) {
		for (size_t i = audit_hash_addr(AUDIT_FNV_OFFSET, a) & m;; i = (i + 1) & m) {
			if (!s->slots[i].ver)
				break;
			if (audit_addr_eq(&s->slots[i], a))
				return;
		}
	}
	if ((s->count + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		struct fa_addr *n = calloc(ncap, sizeof(*n));
		if (!n)
			return; /* the count stays a lower bound */
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i].ver)
				addrset_place(n, ncap, &s->slots[i]);
		free(s->slots);
		s->slots = n;
		s->cap = ncap;
	}
	addrset_place(s->slots, s->cap, a);
	s->count++;
}

/* ---- coverage strings ----------------------------------------------------- */

struct svc_part {
	const char *proto;
	uint16_t lo, hi;
	bool ports;
};

static int svc_part_cmp(const void *pa, const void *pb)
{
	const struct svc_part *x = pa, *y = pb;
	int c = strcmp(x->proto, y->proto);
	if (c)
		return c;
	if (x->ports != y->ports)
		return x->ports ? 1 : -1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return 0;
}

/* "tcp/5060-5061,udp/5060": items sorted by protocol name then port, so two
 * spellings of one service read the same. */
static char *service_string(const struct fa_service *svc)
{
	size_t n = 0;
	for (size_t i = 0; i < svc->nitems; i++)
		n += svc->items[i].nports ? svc->items[i].nports : 1;
	if (n == 0)
		return strdup("any");
	struct svc_part *parts = calloc(n, sizeof(*parts));
	char *pbufs = calloc(n, 4);
	if (!parts || !pbufs)
		goto fail;
	size_t k = 0;
	for (size_t i = 0; i < svc->nitems; i++) {
		const struct fa_svc_item *it = &svc->items[i];
		if (it->nports == 0) {
			const char *nm = audit_proto_name(it->proto, pbufs + 4 * k, 4);
			parts[k++] = (struct svc_part){nm, 0, 0, false};
		}
		for (size_t p = 0; p < it->nports; p++) {
			const struct fa_port_range *r = &it->ports[p];
			bool all = r->lo == 0 && r->hi == 65535;
			/* A numbered protocol's name lives in this part's slot. */
			const char *nm = audit_proto_name(it->proto, pbufs + 4 * k, 4);
			parts[k++] = (struct svc_part){nm, all ? 0 : r->lo, all ? 0 : r->hi, !all};
		}
	}
	qsort(parts, k, sizeof(*parts), svc_part_cmp);
	size_t cap = k * 20 + 1;
	char *out = malloc(cap);
	if (!out)
		goto fail;
	size_t len = 0;
	for (size_t i = 0; i < k; i++) {
		if (i && svc_part_cmp(&parts[i - 1], &parts[i]) == 0)
			continue;
		const struct svc_part *p = &parts[i];
		const char *sep = len ? "," : "";
		int w;
		if (!p->ports)
			w = snprintf(out + len, cap - len, "%s%s", sep, p->proto);
		else if (p->lo == p->hi)
			w = snprintf(out + len, cap - len, "%s%s/%u", sep, p->proto, p->lo);
		else
			w = snprintf(out + len, cap - len, "%s%s/%u-%u", sep, p->proto, p->lo,
			             p->hi);
		if (w > 0)
			len += (size_t)w;
	}
	free(parts);
	free(pbufs);
	return out;
fail:
	free(parts);
	free(pbufs);
	return NULL;
}

static char *apps_string(const struct fa_service *svc)
{
	size_t cap = 1;
	for (size_t i = 0; i < svc->napps; i++)
		cap += strlen(svc->apps[i]) + 1;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < svc->napps; i++) {
		int w = snprintf(out + len, cap - len, "%s%s", i ? "," : "", svc->apps[i]);
		if (w > 0)
			len += (size_t)w;
	}
	return out;
}

void audit_cover(struct fa_audit *a, const struct fa_audit_flow *fl, int32_t rule)
{
	if (!a->set || rule < 0 || (size_t)rule >= a->set->nrules)
		return;
	struct audit_cov *c = &a->cov[rule];
	if (c->flows == 0 || fl->ts_first_us < c->first_us)
		c->first_us = fl->ts_first_us;
	if (fl->ts_last_us > c->last_us)
		c->last_us = fl->ts_last_us;
	c->flows++;
	c->pkts += fl->pkts;
	c->bytes += fl->bytes;
	addrset_add(&c->ini, &fl->src);
	addrset_add(&c->resp, &fl->dst);
}

void audit_rule_coverage(const struct fa_audit *a, size_t i, struct fa_rule_coverage *c)
{
	const struct fa_rule *r = &a->set->rules[i];
	const struct audit_cov *cv = &a->cov[i];
	const char *src =
	    r->src_role == FA_RULE_ROLE_ANY ? "any" : audit_role_name(a->set, r->src_role);
	const char *dst =
	    r->dst_role == FA_RULE_ROLE_ANY ? "any" : audit_role_name(a->set, r->dst_role);
	*c = (struct fa_rule_coverage){
	    .id = r->id,
	    .policy = r->policy < a->set->npolicies ? a->set->policies[r->policy].name : NULL,
	    .src_role = src ? src : "?",
	    .dst_role = dst ? dst : "?",
	    .service = cv->service,
	    .apps = cv->apps,
	    .ref = r->ref,
	    .purpose = r->purpose,
	    .flags = r->flags,
	    .severity_id = r->severity,
	    .flows = cv->flows,
	    .pkts = cv->pkts,
	    .bytes = cv->bytes,
	    .first_us = cv->first_us,
	    .last_us = cv->last_us,
	    .initiators = cv->ini.count,
	    .responders = cv->resp.count,
	    .unused = cv->flows == 0,
	};
}

int audit_cov_init(struct fa_audit *a)
{
	size_t nrules = a->set ? a->set->nrules : 0;
	if (!nrules)
		return FA_OK;
	a->cov = calloc(nrules, sizeof(*a->cov));
	if (!a->cov)
		return FA_ERR_NOMEM;
	for (size_t i = 0; i < nrules; i++) {
		a->cov[i].service = service_string(&a->set->rules[i].svc);
		a->cov[i].apps = apps_string(&a->set->rules[i].svc);
		if (!a->cov[i].service || !a->cov[i].apps)
			return FA_ERR_NOMEM;
	}
	return FA_OK;
}

void audit_cov_free(struct fa_audit *a)
{
	if (!a->cov)
		return;
	for (size_t i = 0; i < a->set->nrules; i++) {
		free(a->cov[i].ini.slots);
		free(a->cov[i].resp.slots);
		free(a->cov[i].service);
		free(a->cov[i].apps);
	}
	free(a->cov);
	a->cov = NULL;
}
