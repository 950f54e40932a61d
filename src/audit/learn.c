/* learn.c - drafts rules, in the policy language, that would document the
 * undocumented findings: one rule per service and pair of roles or subnets,
 * not one per flow. */
#include "audit/audit_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/fa_time.h"

#define LEARN_V4_PREFIX 24
#define LEARN_V6_PREFIX 64
#define LEARN_NAME_MAX 64

/* One side of a drafted rule: a declared role, or the subnet of an address
 * that is in no role. */
struct learn_side {
	bool is_role;
	const char *role;
	struct fa_addr net; /* masked to the prefix */
	char name[LEARN_NAME_MAX];
};

struct learn_group {
	uint8_t proto;
	uint16_t port;
	char app[LEARN_NAME_MAX];
	struct learn_side src, dst;
	uint64_t flows, bytes, first_us, last_us;
	const struct fa_finding *example; /* the finding with the earliest example */
};

static uint8_t side_prefix(const struct fa_addr *a)
{
	return a->ver == 6 ? LEARN_V6_PREFIX : LEARN_V4_PREFIX;
}

static void side_of(const struct fa_audit *a, const struct audit_peer *p, struct learn_side *s)
{
	memset(s, 0, sizeof(*s));
	if (p->is_role) {
		s->is_role = true;
		s->role = a->set->roles[p->role].name;
		snprintf(s->name, sizeof(s->name), "%s", s->role);
		return;
	}
	s->net.ver = p->addr.ver;
	unsigned bytes = side_prefix(&p->addr) / 8;
	memcpy(s->net.b, p->addr.b, bytes);
	if (p->addr.ver == 6) {
		const uint8_t *b = s->net.b;
		snprintf(s->name, sizeof(s->name), "net-%x-%x-%x-%x-%u", (b[0] << 8) | b[1],
		         (b[2] << 8) | b[3], (b[4] << 8) | b[5], (b[6] << 8) | b[7],
		         LEARN_V6_PREFIX);
	} else {
		const uint8_t *b = s->net.b;
		snprintf(s->name, sizeof(s->name), "net-%u-%u-%u-%u-%u", b[0], b[1], b[2], b[3],
		         LEARN_V4_PREFIX);
	}
}

/* Earliest first seen, then the lower 5-tuple: the example does not depend
 * on the order findings were merged in. */
static bool example_before(const struct fa_finding *x, const struct fa_finding *y)
{
	if (x->ex_ts_us != y->ex_ts_us)
		return x->ex_ts_us < y->ex_ts_us;
	int c = fa_addr_cmp(&x->ex_src, &y->ex_src);
	if (!c)
		c = fa_addr_cmp(&x->ex_dst, &y->ex_dst);
	if (!c)
		c = (int)x->ex_sport - (int)y->ex_sport;
	return c < 0;
}

static int side_cmp(const struct learn_side *x, const struct learn_side *y)
{
	if (x->is_role != y->is_role)
		return x->is_role ? -1 : 1;
	if (x->is_role)
		return strcmp(x->role, y->role);
	return fa_addr_cmp(&x->net, &y->net);
}

/* Service first, so the drafts of one port sit together and their numbers
 * (learned-udp-9999, -2, ...) follow a stable order. */
static int group_cmp(const void *pa, const void *pb)
{
	const struct learn_group *x = pa, *y = pb;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	int c = strcmp(x->app, y->app);
	if (c)
		return c;
	if ((c = side_cmp(&x->src, &y->src)) != 0)
		return c;
	return side_cmp(&x->dst, &y->dst);
}

static bool rule_id_taken(const struct fa_policy_set *set, const char *id)
{
	for (size_t i = 0; set && i < set->nrules; i++)
		if (strcmp(set->rules[i].id, id) == 0)
			return true;
	return false;
}

static void put_endpoint(FILE *fp, const struct fa_addr *a, uint16_t port)
{
	char buf[FA_ADDR_STRLEN];
	fa_addr_str(a, buf, sizeof(buf));
	if (a->ver == 6)
		fprintf(fp, "[%s]:%u", buf, port);
	else
		fprintf(fp, "%s:%u", buf, port);
}

static void put_evidence(FILE *fp, const struct learn_group *g)
{
	char first[FA_TIME_RFC3339_LEN], last[FA_TIME_RFC3339_LEN], ex[FA_TIME_RFC3339_LEN];
	const struct fa_finding *e = g->example;
	fa_time_rfc3339(g->first_us, first, sizeof(first));
	fa_time_rfc3339(g->last_us, last, sizeof(last));
	fa_time_rfc3339(e->ex_ts_us, ex, sizeof(ex));
	fprintf(fp, "# %" PRIu64 " flow%s, %" PRIu64 " bytes, first seen %s, last seen %s\n",
	        g->flows, g->flows == 1 ? "" : "s", g->bytes, first, last);
	fprintf(fp, "# example: ");
	put_endpoint(fp, &e->ex_src, e->ex_sport);
	fprintf(fp, " -> ");
	put_endpoint(fp, &e->ex_dst, e->ex_dport);
	fprintf(fp, " %s %s at %s\n", e->proto, e->app, ex);
}

static void put_rule(FILE *fp, const struct fa_audit *a, const struct learn_group *g,
                     unsigned *serial)
{
	char pbuf[4], id[LEARN_NAME_MAX], port[8] = "";
	const char *proto = audit_proto_name(g->proto, pbuf, sizeof(pbuf));
	bool ports = audit_proto_has_ports(g->proto) && g->port;
	if (ports)
		snprintf(port, sizeof(port), "-%u", g->port);
	/* Numbered within one service; ids the loaded set already uses are
	 * skipped so the draft can be loaded next to it. */
	for (;;) {
		++*serial;
		if (*serial == 1)
			snprintf(id, sizeof(id), "learned-%s%s", proto, port);
		else
			snprintf(id, sizeof(id), "learned-%s%s-%u", proto, port, *serial);
		if (!rule_id_taken(a->set, id))
			break;
	}
	put_evidence(fp, g);
	fprintf(fp, "rule %s %s -> %s %s", id, g->src.name, g->dst.name, proto);
	if (ports)
		fprintf(fp, " %u", g->port);
	if (audit_is_name(g->app))
		fprintf(fp, " app %s", g->app);
	fprintf(fp, "\n\n");
}

/* Every distinct side, roles first: declared roles are restated without
 * members (the same role as the policy's), subnets get members. */
static void put_roles(FILE *fp, const struct learn_group *g, size_t n)
{
	const struct learn_side **sides = calloc(2 * n, sizeof(*sides));
	if (!sides)
		return;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		sides[k++] = &g[i].src;
		sides[k++] = &g[i].dst;
	}
	/* A tiny insertion sort keeps this file free of a second comparator
	 * wrapper; n is the number of drafted rules. */
	for (size_t i = 1; i < k; i++) {
		const struct learn_side *s = sides[i];
		size_t j = i;
		for (; j > 0 && side_cmp(sides[j - 1], s) > 0; j--)
			sides[j] = sides[j - 1];
		sides[j] = s;
	}
	for (size_t i = 0; i < k; i++) {
		if (i && side_cmp(sides[i - 1], sides[i]) == 0)
			continue;
		const struct learn_side *s = sides[i];
		if (s->is_role) {
			fprintf(fp, "role %s\n", s->name);
		} else {
			char buf[FA_ADDR_STRLEN];
			fprintf(fp, "role %s = %s/%u\n", s->name,
			        fa_addr_str(&s->net, buf, sizeof(buf)), side_prefix(&s->net));
		}
	}
	fprintf(fp, "\n");
	free(sides);
}

void fa_audit_learn(const struct fa_audit *a, FILE *fp)
{
	if (!a || !fp)
		return;
	fprintf(fp, "policy \"learned from traffic\"\n");
	fprintf(fp, "# Drafts from traffic no rule documents. Traffic seen is not traffic\n"
	            "# required: check each rule against the vendor's document before use.\n\n");
	struct audit_finding **all;
	size_t nall = audit_sorted_findings(a, &all);
	struct learn_group *g = nall ? calloc(nall, sizeof(*g)) : NULL;
	size_t n = 0;
	uint64_t overflow_flows = 0;
	for (size_t i = 0; g && i < nall; i++) {
		const struct audit_finding *f = all[i];
		if (f->verdict != FA_V_UNDOCUMENTED)
			continue;
		if (f->overflow) {
			overflow_flows += f->pub.flows;
			continue;
		}
		struct learn_group *x = &g[n++];
		x->proto = f->proto;
		x->port = audit_proto_has_ports(f->proto) ? f->port : 0;
		char abuf[LEARN_NAME_MAX];
		snprintf(x->app, sizeof(x->app), "%s", audit_rule_app(f->app, abuf, sizeof(abuf)));
		side_of(a, &f->ini, &x->src);
		side_of(a, &f->resp, &x->dst);
		x->flows = f->pub.flows;
		x->bytes = f->pub.bytes;
		x->first_us = f->pub.first_us;
		x->last_us = f->pub.last_us;
		x->example = &f->pub;
	}
	if (n)
		qsort(g, n, sizeof(*g), group_cmp);
	size_t m = 0; /* merge equal neighbours in place */
	for (size_t i = 0; i < n; i++) {
		if (m && group_cmp(&g[m - 1], &g[i]) == 0) {
			struct learn_group *d = &g[m - 1];
			d->flows += g[i].flows;
			d->bytes += g[i].bytes;
			if (g[i].first_us < d->first_us)
				d->first_us = g[i].first_us;
			if (g[i].last_us > d->last_us)
				d->last_us = g[i].last_us;
			if (example_before(g[i].example, d->example))
				d->example = g[i].example;
			continue;
		}
		g[m++] = g[i];
	}
	if (m == 0)
		fprintf(fp, "# No undocumented traffic.\n");
	else
		put_roles(fp, g, m);
	unsigned serial = 0;
	for (size_t i = 0; i < m; i++) {
		if (i == 0 || g[i].proto != g[i - 1].proto || g[i].port != g[i - 1].port)
			serial = 0;
		put_rule(fp, a, &g[i], &serial);
	}
	if (overflow_flows)
		fprintf(fp,
		        "# %" PRIu64 " more undocumented flows went past the findings limit and "
		        "are not drafted.\n",
		        overflow_flows);
	free(g);
	free(all);
}
