/* live_view.c - the dashboard's view of a running engine (live_view.h). */
#include "live_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "common/fa_error.h"

#define SNAP_MAX_FINDINGS 2000
#define SNAP_MAX_TALKERS 200

int lv_init(struct fa_live_view *lv, unsigned nworkers)
{
	memset(lv, 0, sizeof(*lv));
	atomic_init(&lv->gen, 1);
	lv->npubs = nworkers > LV_MAX_WORKERS ? LV_MAX_WORKERS : nworkers;
	lv->talkers = calloc(LV_TALKERS, sizeof(*lv->talkers));
	if (!lv->talkers)
		return FA_ERR_NOMEM;
	for (unsigned i = 0; i < lv->npubs; i++)
		pthread_mutex_init(&lv->pubs[i].lock, NULL);
	snprintf(lv->apps[LV_APPS].name, sizeof(lv->apps[LV_APPS].name), "(other)");
	snprintf(lv->talker_other.name, sizeof(lv->talker_other.name), "(other)");
	return FA_OK;
}

void lv_destroy(struct fa_live_view *lv)
{
	for (unsigned i = 0; i < lv->npubs; i++)
		pthread_mutex_destroy(&lv->pubs[i].lock);
	free(lv->talkers);
	lv->talkers = NULL;
}

static void count_app(struct fa_live_view *lv, const char *app, uint64_t bytes)
{
	struct lv_count *c = NULL;
	for (size_t i = 0; i < lv->napps; i++) {
		if (strcmp(lv->apps[i].name, app) == 0) {
			c = &lv->apps[i];
			break;
		}
	}
	if (!c && lv->napps < LV_APPS) {
		c = &lv->apps[lv->napps++];
		snprintf(c->name, sizeof(c->name), "%s", app);
	}
	if (!c)
		c = &lv->apps[LV_APPS];
	c->flows++;
	c->bytes += bytes;
}

static uint32_t addr_hash(const struct fa_addr *a)
{
	uint32_t h = 2166136261u; /* FNV-1a: small tables, no adversary to fear */
	for (size_t i = 0; i < sizeof(a->b); i++)
		h = (h ^ a->b[i]) * 16777619u;
	return h;
}

static void count_talker(struct fa_live_view *lv, const struct fa_addr *a, uint64_t bytes)
{
	uint32_t h = addr_hash(a);
	for (uint32_t k = 0; k < 32; k++) {
		struct lv_count *c = &lv->talkers[(h + k) & (LV_TALKERS - 1)];
		if (c->addr.ver == 0) {
			c->addr = *a;
			fa_addr_str(a, c->name, sizeof(c->name));
		} else if (fa_addr_cmp(&c->addr, a) != 0) {
			continue;
		}
		c->flows++;
		c->bytes += bytes;
		return;
	}
	lv->talker_other.flows++;
	lv->talker_other.bytes += bytes;
}

void lv_flow_ended(struct fa_live_view *lv, const struct lv_flow *f)
{
	lv->ended[lv->ended_next] = *f;
	lv->ended_next = (lv->ended_next + 1) % LV_ENDED;
	if (lv->ended_n < LV_ENDED)
		lv->ended_n++;
	lv->flows_ended++;
	if (f->verdict < FA_V__COUNT)
		lv->by_verdict[f->verdict]++;
	count_app(lv, f->app, f->bytes);
	count_talker(lv, &f->src, f->bytes);
	count_talker(lv, &f->dst, f->bytes);
}

void lv_publish(struct fa_live_view *lv, unsigned worker, const struct lv_flow *flows, size_t n,
                uint64_t active)
{
	if (worker >= lv->npubs)
		return;
	struct lv_pub *p = &lv->pubs[worker];
	if (n > LV_TOP)
		n = LV_TOP;
	pthread_mutex_lock(&p->lock);
	memcpy(p->flows, flows, n * sizeof(*flows));
	p->n = n;
	p->active = active;
	pthread_mutex_unlock(&p->lock);
}

uint64_t lv_active(struct fa_live_view *lv)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < lv->npubs; i++) {
		pthread_mutex_lock(&lv->pubs[i].lock);
		n += lv->pubs[i].active;
		pthread_mutex_unlock(&lv->pubs[i].lock);
	}
	return n;
}

/* ---- building a snapshot ------------------------------------------------ */

struct build {
	struct fa_snapshot *s;
	size_t cap;
	bool failed;
};

static const char *role_of(const struct fa_policy_set *set, int32_t r)
{
	return set && r >= 0 && (size_t)r < set->nroles ? set->roles[r].name : NULL;
}

static void snap_flow(struct fa_snapshot *s, const struct fa_policy_set *set, uint16_t gen,
                      const struct lv_flow *f, struct fa_snap_flow *o)
{
	if (f->policy_gen != gen)
		set = NULL; /* its numbers index a policy since replaced */
	static const char *const protos[256] = {
	    [1] = "icmp", [6] = "tcp", [17] = "udp", [58] = "icmpv6", [132] = "sctp"};
	o->proto = protos[f->proto] ? protos[f->proto] : "ip";
	o->src = f->src;
	o->dst = f->dst;
	o->sport = f->sport;
	o->dport = f->dport;
	o->app = fa_snapshot_str(s, f->app);
	if (f->verdict) {
		o->verdict = fa_verdict_name((enum fa_verdict)f->verdict);
		o->severity = f->severity ? fa_severity_name((enum fa_severity)f->severity) : NULL;
		o->severity_id = f->severity;
		o->src_role = role_of(set, f->src_role);
		o->dst_role = role_of(set, f->dst_role);
		o->rule = set && f->rule >= 0 && (size_t)f->rule < set->nrules
		              ? set->rules[f->rule].id
		              : NULL;
		o->why = f->why[0] ? fa_snapshot_str(s, f->why) : NULL;
	}
	o->pkts = f->pkts;
	o->bytes = f->bytes;
	o->first_us = f->first_us;
	o->last_us = f->last_us;
	o->ended = f->ended;
}

static void add_finding(const struct fa_finding *f, void *ctx)
{
	struct build *b = ctx;
	struct fa_snapshot *s = b->s;
	if (s->nfindings >= b->cap)
		return;
	struct fa_snap_finding *o = &s->findings[s->nfindings++];
	o->verdict = fa_snapshot_str(s, f->verdict);
	o->severity = fa_snapshot_str(s, f->severity);
	o->severity_id = f->severity_id;
	o->initiator = fa_snapshot_str(s, f->initiator);
	o->responder = fa_snapshot_str(s, f->responder);
	o->initiator_is_role = f->initiator_is_role;
	o->responder_is_role = f->responder_is_role;
	o->proto = fa_snapshot_str(s, f->proto);
	o->port = f->port;
	o->app = fa_snapshot_str(s, f->app);
	o->flows = f->flows;
	o->bytes = f->bytes;
	o->first_us = f->first_us;
	o->last_us = f->last_us;
	o->rule = fa_snapshot_str(s, f->rule);
	o->why = fa_snapshot_str(s, f->why);
	o->fix = fa_snapshot_str(s, f->fix);
	o->ex_src = f->ex_src;
	o->ex_dst = f->ex_dst;
	o->ex_sport = f->ex_sport;
	o->ex_dport = f->ex_dport;
}

static void add_rule(const struct fa_rule_coverage *r, void *ctx)
{
	struct build *b = ctx;
	struct fa_snapshot *s = b->s;
	struct fa_snap_rule *o = &s->rules[s->nrules++];
	o->id = fa_snapshot_str(s, r->id);
	o->policy = fa_snapshot_str(s, r->policy);
	o->src_role = fa_snapshot_str(s, r->src_role);
	o->dst_role = fa_snapshot_str(s, r->dst_role);
	o->service = fa_snapshot_str(s, r->service);
	o->apps = fa_snapshot_str(s, r->apps);
	o->deny = r->flags & FA_RULE_DENY;
	o->unused = r->unused;
	o->flows = r->flows;
	o->bytes = r->bytes;
	o->last_us = r->last_us;
}

static int by_flows_desc(const void *a, const void *b)
{
	const struct fa_snap_count *x = a, *y = b;
	return x->flows != y->flows ? (x->flows < y->flows ? 1 : -1) : strcmp(x->name, y->name);
}

static int by_bytes_desc(const void *a, const void *b)
{
	const struct fa_snap_count *x = a, *y = b;
	return x->bytes != y->bytes ? (x->bytes < y->bytes ? 1 : -1) : strcmp(x->name, y->name);
}

static int flow_bytes_desc(const void *a, const void *b)
{
	const struct fa_snap_flow *x = a, *y = b;
	return x->bytes != y->bytes ? (x->bytes < y->bytes ? 1 : -1) : 0;
}

static void build_counts(struct fa_snapshot *s, const struct fa_live_view *lv)
{
	s->apps = fa_snapshot_alloc(s, (lv->napps + 1) * sizeof(*s->apps));
	for (size_t i = 0; s->apps && i <= LV_APPS; i++) {
		if (i >= lv->napps && i != LV_APPS)
			continue;
		const struct lv_count *c = &lv->apps[i];
		if (!c->flows)
			continue;
		s->apps[s->napps++] =
		    (struct fa_snap_count){fa_snapshot_str(s, c->name), c->flows, c->bytes};
	}
	if (s->apps)
		qsort(s->apps, s->napps, sizeof(*s->apps), by_flows_desc);

	/* Talkers: the largest by bytes, from the whole table. */
	struct fa_snap_count *all = malloc((LV_TALKERS + 1) * sizeof(*all));
	size_t n = 0;
	for (size_t i = 0; all && i < LV_TALKERS; i++) {
		if (lv->talkers[i].addr.ver)
			all[n++] = (struct fa_snap_count){lv->talkers[i].name, lv->talkers[i].flows,
			                                  lv->talkers[i].bytes};
	}
	if (all && lv->talker_other.flows)
		all[n++] = (struct fa_snap_count){lv->talker_other.name, lv->talker_other.flows,
		                                  lv->talker_other.bytes};
	if (all) {
		qsort(all, n, sizeof(*all), by_bytes_desc);
		size_t keep = n < SNAP_MAX_TALKERS ? n : SNAP_MAX_TALKERS;
		s->talkers = fa_snapshot_alloc(s, (keep ? keep : 1) * sizeof(*s->talkers));
		for (size_t i = 0; s->talkers && i < keep; i++) {
			s->talkers[i] = all[i];
			s->talkers[i].name = fa_snapshot_str(s, all[i].name);
		}
		s->ntalkers = s->talkers ? keep : 0;
	}
	free(all);
}

struct fa_snapshot *lv_build(struct fa_live_view *lv, const struct lv_header *h,
                             struct fa_audit *audit, const struct fa_policy_set *set,
                             uint16_t policy_gen)
{
	struct fa_snapshot *s = fa_snapshot_new();
	if (!s)
		return NULL;
	s->seq = h->seq;
	s->source = fa_snapshot_str(s, h->source);
	s->policy = fa_snapshot_str(s, h->policy);
	s->elapsed_us = h->elapsed_us;
	s->packet_time_us = h->packet_time_us;
	s->packets = h->packets;
	s->bytes = h->bytes;
	s->pps = h->pps;
	s->bps = h->bps;
	s->flows_active = h->flows_active;
	s->flows_ended = lv->flows_ended;
	s->kernel_drops = h->kernel_drops;
	s->if_drops = h->if_drops;
	s->decode_errors = h->decode_errors;
	s->live = h->live;
	s->input_done = h->input_done;
	for (size_t v = 0; v < FA_V__COUNT && v < 8; v++)
		s->by_verdict[v] = lv->by_verdict[v];

	if (audit && set) {
		struct build b = {s, SNAP_MAX_FINDINGS, false};
		struct fa_audit_counts c;
		fa_audit_counts(audit, &c);
		size_t nf = c.findings < SNAP_MAX_FINDINGS ? c.findings : SNAP_MAX_FINDINGS;
		s->findings = fa_snapshot_alloc(s, (nf ? nf : 1) * sizeof(*s->findings));
		s->rules =
		    fa_snapshot_alloc(s, (set->nrules ? set->nrules : 1) * sizeof(*s->rules));
		b.cap = s->findings ? nf : 0;
		if (s->rules)
			fa_audit_emit(audit, add_finding, add_rule, &b);
	}

	/* Live flows from every worker (largest first), then the ended ones,
	 * newest first. Once the input is done every flow has ended as eof and
	 * the workers' last lists are stale: they would list those flows twice. */
	size_t live = 0;
	for (unsigned i = 0; i < lv->npubs && !h->input_done; i++)
		live += lv->pubs[i].n;
	s->flows = fa_snapshot_alloc(s, (live + lv->ended_n + 1) * sizeof(*s->flows));
	if (s->flows) {
		for (unsigned i = 0; i < lv->npubs; i++) {
			struct lv_pub *p = &lv->pubs[i];
			pthread_mutex_lock(&p->lock);
			for (size_t k = 0; k < p->n && s->nflows < live; k++)
				snap_flow(s, set, policy_gen, &p->flows[k],
				          &s->flows[s->nflows++]);
			pthread_mutex_unlock(&p->lock);
		}
		qsort(s->flows, s->nflows, sizeof(*s->flows), flow_bytes_desc);
		for (size_t k = 0; k < lv->ended_n; k++) {
			size_t idx = (lv->ended_next + LV_ENDED - 1 - k) % LV_ENDED;
			snap_flow(s, set, policy_gen, &lv->ended[idx], &s->flows[s->nflows++]);
		}
	}
	build_counts(s, lv);
	atomic_fetch_add_explicit(&lv->gen, 1, memory_order_relaxed);
	return s;
}
