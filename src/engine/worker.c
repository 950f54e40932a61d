/* worker.c - one worker: flow table -> nDPI -> enrichment -> records. */
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "common/fa_error.h"
#include "common/fa_time.h"
#include "dpi/dpi.h"
#include "enrich/geo.h"
#include "enrich/names.h"
#include "live_view.h"
#include "output/sink.h"
#include "worker_int.h"

static void publish_stats(struct fa_worker *w)
{
	struct fa_flowtab_stats st;
	fa_flowtab_stats(w->tab, &st);
	pthread_mutex_lock(&w->stats_lock);
	w->stats_pub = st;
	pthread_mutex_unlock(&w->stats_lock);
	w->since_pub = 0;
	w->pub_us = w->now_us;
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case FA_L4_TCP: return "tcp";
	case FA_L4_UDP: return "udp";
	case FA_L4_ICMP: return "icmp";
	case FA_L4_ICMPV6: return "icmpv6";
	case FA_L4_SCTP: return "sctp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

static void fill_geo(struct fa_worker *w, const struct fa_addr *ip, struct fa_geo_info *info,
                     struct fa_rec_geo *out, bool *has)
{
	*has = w->geo && fa_geo_lookup(w->geo, ip, info);
	if (!*has)
		return;
	out->country = info->country[0] ? info->country : NULL;
	out->asn = info->asn;
	out->as_org = info->as_org[0] ? info->as_org : NULL;
}

static const char *role_name(const struct fa_policy_set *set, int32_t role)
{
	return role >= 0 && (size_t)role < set->nroles ? set->roles[role].name : NULL;
}

/* The policy verdict of a flow from what is known of it. */
static void match_flow(const struct fa_shared *sh, const struct fa_flow *f, const char *app,
                       bool guessed, const char *host, const char *dst_name,
                       const struct fa_geo_info *sg, const struct fa_geo_info *dg,
                       struct fa_policy_verdict *v)
{
	struct fa_policy_flow pf = {
	    .proto = f->proto,
	    .src = f->src,
	    .dst = f->dst,
	    .sport = f->sport,
	    .dport = f->dport,
	    .app = app,
	    .app_guessed = guessed,
	    .dst_names = {host, dst_name},
	    .src_asn = sg ? sg->asn : 0,
	    .dst_asn = dg ? dg->asn : 0,
	    .src_country = sg && sg->country[0] ? sg->country : NULL,
	    .dst_country = dg && dg->country[0] ? dg->country : NULL,
	};
	fa_policy_match(sh->policy, &sh->match, &pf, v);
}

/* The policy verdict of a finished flow, into v and the record. */
static void judge(const struct fa_shared *sh, const struct fa_flow *f, struct fa_flow_record *r,
                  const struct fa_geo_info *sg, const struct fa_geo_info *dg,
                  struct fa_policy_verdict *v)
{
	const struct fa_policy_set *set = sh->policy;
	match_flow(sh, f, r->app, r->app_guessed, r->hostname, r->dst_name,
	           r->has_src_geo ? sg : NULL, r->has_dst_geo ? dg : NULL, v);
	r->verdict = fa_verdict_name((enum fa_verdict)v->verdict);
	r->severity = v->severity ? fa_severity_name((enum fa_severity)v->severity) : NULL;
	r->rule = v->rule >= 0 && (size_t)v->rule < set->nrules ? set->rules[v->rule].id : NULL;
	r->policy = v->policy >= 0 && (size_t)v->policy < set->npolicies
	                ? set->policies[v->policy].name
	                : NULL;
	r->src_role = role_name(set, v->src_role);
	r->dst_role = role_name(set, v->dst_role);
	r->why = v->why[0] ? v->why : NULL;
}

/* As soon as nDPI has named the application: the verdict the live view
 * shows while the flow goes on. */
static void judge_early(struct fa_worker *w, const struct fa_flow *f, struct flow_ext *x)
{
	struct fa_dpi_names names;
	struct fa_geo_info sg, dg;
	struct fa_policy_verdict v;
	bool hs = w->geo && fa_geo_lookup(w->geo, &f->src, &sg);
	bool hd = w->geo && fa_geo_lookup(w->geo, &f->dst, &dg);
	fa_dpi_names(w->dpi, &x->res, &names);
	match_flow(w->sh, f, names.app, x->res.guessed, x->res.hostname, x->dst_name,
	           hs ? &sg : NULL, hd ? &dg : NULL, &v);
	x->ev_verdict = v.verdict;
	x->ev_severity = v.severity;
	x->ev_gen = w->sh->policy_gen;
	x->ev_rule = v.rule;
	x->ev_src_role = v.src_role;
	x->ev_dst_role = v.dst_role;
}

static void lv_from_flow(struct lv_flow *o, const struct fa_flow *f)
{
	memset(o, 0, sizeof(*o));
	o->proto = f->proto;
	o->src = f->src;
	o->dst = f->dst;
	o->sport = f->sport;
	o->dport = f->dport;
	o->pkts = f->pkts[0] + f->pkts[1];
	o->bytes = f->bytes[0] + f->bytes[1];
	o->first_us = f->ts_first;
	o->last_us = f->ts_last;
	o->rule = o->src_role = o->dst_role = -1;
}

struct top_ctx {
	struct fa_worker *w;
	struct lv_flow top[LV_TOP];
	size_t n;
};

/* Keeps the LV_TOP largest flows (by bytes) seen so far. */
static void collect_top(struct fa_flow *f, void *ctx)
{
	struct top_ctx *t = ctx;
	uint64_t bytes = f->bytes[0] + f->bytes[1];
	size_t slot = t->n;
	if (t->n == LV_TOP) {
		slot = 0;
		for (size_t i = 1; i < LV_TOP; i++)
			if (t->top[i].bytes < t->top[slot].bytes)
				slot = i;
		if (t->top[slot].bytes >= bytes)
			return;
	} else {
		t->n++;
	}
	struct lv_flow *o = &t->top[slot];
	struct flow_ext *x = fa_flow_user(f);
	lv_from_flow(o, f);
	if (x->res.done) {
		struct fa_dpi_names names;
		fa_dpi_names(t->w->dpi, &x->res, &names);
		snprintf(o->app, sizeof(o->app), "%s", names.app);
	} else {
		snprintf(o->app, sizeof(o->app), "(detecting)");
	}
	o->verdict = x->ev_verdict;
	o->severity = x->ev_severity;
	o->policy_gen = x->ev_gen;
	o->rule = x->ev_verdict ? x->ev_rule : -1;
	o->src_role = x->ev_verdict ? x->ev_src_role : -1;
	o->dst_role = x->ev_verdict ? x->ev_dst_role : -1;
}

/* Answers the live view's request for this worker's largest flows. */
static void maybe_publish(struct fa_worker *w)
{
	struct fa_live_view *lv = w->sh->live;
	if (!lv)
		return;
	uint64_t gen = atomic_load_explicit(&lv->gen, memory_order_relaxed);
	if (gen == w->pub_gen)
		return;
	w->pub_gen = gen;
	struct top_ctx t = {.w = w, .n = 0};
	fa_flowtab_foreach(w->tab, collect_top, &t);
	struct fa_flowtab_stats st;
	fa_flowtab_stats(w->tab, &st);
	lv_publish(lv, w->id, t.top, t.n, st.active);
}

static void lv_ended(const struct fa_shared *sh, const struct fa_flow *f,
                     const struct fa_flow_record *r, const struct fa_policy_verdict *v)
{
	struct lv_flow o;
	lv_from_flow(&o, f);
	o.ended = true;
	o.policy_gen = sh->policy_gen;
	snprintf(o.app, sizeof(o.app), "%s", r->app ? r->app : "");
	if (r->verdict) {
		o.verdict = v->verdict;
		o.severity = v->severity;
		o.rule = v->rule;
		o.src_role = v->src_role;
		o.dst_role = v->dst_role;
		snprintf(o.why, sizeof(o.why), "%s", v->why);
	}
	lv_flow_ended(sh->live, &o);
}

/* A flow record and the storage its strings point into. */
struct rec_buf {
	struct fa_flow_record r;
	struct fa_dpi_names names;
	struct fa_geo_info sg, dg;
	char pbuf[8];
};

/* Everything but the verdict; `end` is the reason's name, or "active". */
static void fill_record(struct fa_worker *w, struct fa_flow *f, struct flow_ext *x, const char *end,
                        struct rec_buf *b)
{
	struct fa_flow_record *r = &b->r;
	memset(r, 0, sizeof(*r));
	fa_dpi_names(w->dpi, &x->res, &b->names);
	r->ts_first_us = f->ts_first;
	r->ts_last_us = f->ts_last;
	r->proto = proto_name(f->proto, b->pbuf, sizeof(b->pbuf));
	r->nvlan = f->nvlan < FA_REC_MAX_VLANS ? f->nvlan : FA_REC_MAX_VLANS;
	memcpy(r->vlan, f->vlan, r->nvlan * sizeof(r->vlan[0]));
	r->src_ip = f->src;
	r->dst_ip = f->dst;
	r->src_port = f->sport;
	r->dst_port = f->dport;
	r->initiator = fa_initiator_name((enum fa_initiator)f->initiator);
	r->app = b->names.app;
	r->app_master = b->names.master;
	r->app_proto = b->names.proto;
	r->category = b->names.category;
	r->app_guessed = x->res.guessed;
	r->hostname = x->res.hostname;
	r->dst_name = x->dst_name;
	r->nrisks = (unsigned)fa_dpi_risk_names(x->res.risks, r->risks, FA_REC_MAX_RISKS);
	r->pkts_fwd = f->pkts[FA_DIR_FWD];
	r->pkts_rev = f->pkts[FA_DIR_REV];
	r->bytes_fwd = f->bytes[FA_DIR_FWD];
	r->bytes_rev = f->bytes[FA_DIR_REV];
	r->icmp_errors = f->icmp_errors;
	r->end = end;
	fill_geo(w, &f->src, &b->sg, &r->src_geo, &r->has_src_geo);
	fill_geo(w, &f->dst, &b->dg, &r->dst_geo, &r->has_dst_geo);
	r->tunnel = f->tunnel ? fa_tunnel_name((enum fa_tunnel)f->tunnel) : NULL;
}

static void write_record(struct fa_worker *w, struct fa_flow *f, struct flow_ext *x,
                         enum fa_flow_end why)
{
	struct rec_buf b;
	struct fa_flow_record *r = &b.r;
	fill_record(w, f, x, fa_flow_end_name(why), &b);
	struct fa_shared *sh = w->sh;
	struct fa_policy_verdict v = {0};
	/* Judged under the output lock: a SIGHUP reload swaps the policy
	 * under the same lock, so no flow is judged by a freed policy. */
	pthread_mutex_lock(&sh->out_lock);
	if (sh->policy)
		judge(sh, f, r, &b.sg, &b.dg, &v);
	if (sh->live)
		lv_ended(sh, f, r, &v);
	if (sh->audit) {
		struct fa_audit_flow af = {
		    .proto = f->proto,
		    .src = f->src,
		    .dst = f->dst,
		    .sport = f->sport,
		    .dport = f->dport,
		    .app = r->app,
		    .pkts = r->pkts_fwd + r->pkts_rev,
		    .bytes = r->bytes_fwd + r->bytes_rev,
		    .ts_first_us = f->ts_first,
		    .ts_last_us = f->ts_last,
		    .v = &v,
		};
		fa_audit_flow(sh->audit, &af);
	}
	for (size_t i = 0; i < sh->nsinks; i++) {
		int rc = fa_sink_write_flow(sh->sinks[i], r);
		if (rc < 0 && !sh->write_error)
			sh->write_error = rc;
	}
	sh->flows_written++;
	pthread_mutex_unlock(&sh->out_lock);
}

/* An interim record of a flow still open: the counters so far, the
 * application as far as detection has got, the verdict for that. It goes
 * to the JSON file only; the audit, the summary, the report and the flow
 * count take the flow once, from its final record. */
static void write_interim(struct fa_worker *w, struct fa_flow *f, struct flow_ext *x)
{
	struct rec_buf b;
	struct fa_flow_record *r = &b.r;
	fill_record(w, f, x, "active", &b);
	struct fa_shared *sh = w->sh;
	struct fa_policy_verdict v = {0};
	pthread_mutex_lock(&sh->out_lock);
	if (sh->policy)
		judge(sh, f, r, &b.sg, &b.dg, &v);
	int rc = fa_sink_write_flow(sh->json, r);
	if (rc < 0 && !sh->write_error)
		sh->write_error = rc;
	pthread_mutex_unlock(&sh->out_lock);
}

/* A flow is reported again once update_us has passed since its start or
 * its last interim record, if packets came in the meantime. */
static void update_flow(struct fa_flow *f, void *ctx)
{
	struct fa_worker *w = ctx;
	struct flow_ext *x = fa_flow_user(f);
	uint64_t since = x->reported_us ? x->reported_us : f->ts_first;
	if (w->now_us < since + w->update_us || f->ts_last <= since)
		return;
	write_interim(w, f, x);
	x->reported_us = w->now_us;
}

/* Every update_us of this worker's time, its own table is walked for
 * interim records; flows that have just ended were written by the expiry
 * before this. */
static void maybe_update(struct fa_worker *w)
{
	if (!w->update_us || !w->sh->json || !w->now_us)
		return;
	if (!w->next_update_us) {
		w->next_update_us = w->now_us + w->update_us;
		return;
	}
	if (w->now_us < w->next_update_us)
		return;
	w->next_update_us += ((w->now_us - w->next_update_us) / w->update_us + 1) * w->update_us;
	fa_flowtab_foreach(w->tab, update_flow, w);
}

static void on_flow_end(struct fa_flow *f, enum fa_flow_end why, void *ctx)
{
	struct fa_worker *w = ctx;
	struct flow_ext *x = fa_flow_user(f);
	if (x->dpi) {
		fa_dpi_giveup(w->dpi, x->dpi, &x->res);
		fa_dpi_flow_free(&x->dpi);
	} else if (!x->res.done) {
		fa_dpi_result_unknown(w->dpi, &x->res);
	}
	write_record(w, f, x, why);
	fa_dpi_result_clear(&x->res);
	free(x->dst_name);
	x->dst_name = NULL;
}

int fa_worker_new(struct fa_worker **out, unsigned id, struct fa_shared *sh,
                  const struct fa_engine_opts *o, uint32_t max_flows, char *errbuf, size_t errlen)
{
	*out = NULL;
	struct fa_worker *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(errbuf, errlen, "out of memory");
		return FA_ERR_NOMEM;
	}
	w->id = id;
	w->sh = sh;
	w->update_us = o->flow_update_us;
	pthread_mutex_init(&w->stats_lock, NULL);
	int rc = fa_dpi_new(&w->dpi, &o->dpi, errbuf, errlen);
	if (rc < 0)
		goto fail;
	struct fa_flowtab_opts fo = {
	    .max_flows = max_flows,
	    .tcp_timeout_us = o->tcp_timeout_us,
	    .udp_timeout_us = o->udp_timeout_us,
	    .icmp_timeout_us = o->icmp_timeout_us,
	    .other_timeout_us = o->other_timeout_us,
	    .linger_us = o->linger_us,
	    .user_size = sizeof(struct flow_ext),
	    .on_end = on_flow_end,
	    .ctx = w,
	};
	rc = fa_flowtab_new(&w->tab, &fo);
	if (rc < 0) {
		snprintf(errbuf, errlen, "cannot create the flow table: %s", fa_strerror(rc));
		goto fail;
	}
	if (sh->geo && fa_geo_count(sh->geo) > 0) {
		rc = fa_geo_cache_new(&w->geo, sh->geo, 4096);
		if (rc < 0) {
			snprintf(errbuf, errlen, "cannot create the GeoIP cache: %s",
			         fa_strerror(rc));
			goto fail;
		}
	}
	*out = w;
	return FA_OK;
fail:
	fa_worker_free(&w);
	return rc;
}

void fa_worker_free(struct fa_worker **wp)
{
	if (!wp || !*wp)
		return;
	struct fa_worker *w = *wp;
	fa_flowtab_free(&w->tab);
	fa_geo_cache_free(&w->geo);
	fa_dpi_free(&w->dpi);
	if (w->ring_ok)
		fa_ring_destroy(&w->ring);
	pthread_mutex_destroy(&w->stats_lock);
	free(w);
	*wp = NULL;
}

void fa_worker_packet(struct fa_worker *w, const struct fa_pkt *pkt)
{
	maybe_publish(w);
	/* Also once a second of packet time: a worker fed every packet of a
	 * long flow gets no ticks, and periodic stats read these counters. */
	if (++w->since_pub >= 4096 || pkt->ts_us >= w->pub_us + FA_USEC_PER_SEC)
		publish_stats(w);
	if (pkt->ts_us > w->now_us) {
		w->now_us = pkt->ts_us;
		fa_flowtab_expire(w->tab, w->now_us);
		maybe_update(w);
	}
	enum fa_dir dir;
	bool created;
	struct fa_flow *f = fa_flowtab_packet(w->tab, pkt, &dir, &created);
	if (!f)
		return;
	struct flow_ext *x = fa_flow_user(f);
	if (created) {
		char name[FA_NAME_MAX];
		if (w->sh->names &&
		    fa_names_get_before(w->sh->names, &f->dst, pkt->seq, name, sizeof(name)))
			x->dst_name = strdup(name);
		x->dpi = fa_dpi_flow_new(w->dpi);
	}
	if (pkt->icmp_error || !x->dpi || !pkt->l3_len)
		return;
	if (fa_dpi_packet(w->dpi, x->dpi, f->proto, pkt->l3, pkt->l3_len, pkt->ts_us, &x->res)) {
		fa_dpi_flow_free(&x->dpi); /* detection complete: keep the result only */
		if (w->sh->live) {
			pthread_mutex_lock(&w->sh->out_lock);
			if (w->sh->policy)
				judge_early(w, f, x);
			pthread_mutex_unlock(&w->sh->out_lock);
		}
	}
}

void fa_worker_tick(struct fa_worker *w, uint64_t now_us)
{
	maybe_publish(w);
	publish_stats(w);
	if (now_us > w->now_us) {
		w->now_us = now_us;
		fa_flowtab_expire(w->tab, now_us);
		maybe_update(w);
	}
}

void fa_worker_finish(struct fa_worker *w)
{
	fa_flowtab_flush(w->tab, FA_END_EOF);
}

void fa_worker_flow_stats(const struct fa_worker *w, struct fa_flowtab_stats *out)
{
	fa_flowtab_stats(w->tab, out);
}

void fa_worker_flow_stats_running(struct fa_worker *w, struct fa_flowtab_stats *out)
{
	pthread_mutex_lock(&w->stats_lock);
	*out = w->stats_pub;
	pthread_mutex_unlock(&w->stats_lock);
}
