/* json_record.c - the "flow", "stats", "finding" and "rule" JSON Lines
 * records (docs/json.md is the contract: member names, order and presence
 * rules). */
#include "jsonw.h"
#include "sink.h"

#include <string.h>

#include "common/fa_time.h"
#include "verdict_names.h"

/* Unknown strings (NULL or "") are written as "" where the contract says the
 * member is always a string, so jq filters never meet a type change. */
static void put_text(struct jw *w, const char *key, const char *s)
{
	jw_kstr(w, key, s ? s : "");
}

/* Members documented as "string or null". */
static void put_text_or_null(struct jw *w, const char *key, const char *s)
{
	jw_kstr(w, key, (s && s[0]) ? s : NULL);
}

static void put_time(struct jw *w, const char *key, uint64_t ts_us)
{
	char buf[FA_TIME_RFC3339_LEN];
	/* Only absurd times (past year 9999) fail to format. */
	if (!fa_time_rfc3339(ts_us, buf, sizeof(buf)))
		buf[0] = '\0';
	jw_kstr(w, key, buf);
}

static void put_addr(struct jw *w, const char *key, const struct fa_addr *a)
{
	char buf[FA_ADDR_STRLEN];
	jw_kstr(w, key, fa_addr_str(a, buf, sizeof(buf)));
}

static void put_geo(struct jw *w, const char *key, const struct fa_rec_geo *g)
{
	jw_key(w, key);
	jw_obj_begin(w);
	if (g->country && g->country[0])
		jw_kstr(w, "country", g->country);
	if (g->asn)
		jw_ku64(w, "asn", g->asn);
	if (g->as_org && g->as_org[0])
		jw_kstr(w, "as_org", g->as_org);
	jw_obj_end(w);
}

void fa_json_flow(struct jw *w, const struct fa_flow_record *r)
{
	jw_obj_begin(w);
	jw_kstr(w, "type", "flow");
	put_time(w, "ts_first", r->ts_first_us);
	put_time(w, "ts_last", r->ts_last_us);
	put_text(w, "proto", r->proto);

	jw_key(w, "vlan");
	jw_arr_begin(w);
	unsigned nvlan = r->nvlan < FA_REC_MAX_VLANS ? r->nvlan : FA_REC_MAX_VLANS;
	for (unsigned i = 0; i < nvlan; i++)
		jw_u64(w, r->vlan[i]);
	jw_arr_end(w);

	put_addr(w, "src_ip", &r->src_ip);
	jw_ku64(w, "src_port", r->src_port);
	put_addr(w, "dst_ip", &r->dst_ip);
	jw_ku64(w, "dst_port", r->dst_port);
	put_text(w, "initiator", r->initiator);
	put_text(w, "app", r->app);
	put_text(w, "app_master", r->app_master);
	put_text(w, "app_proto", r->app_proto);
	put_text(w, "category", r->category);
	jw_kbool(w, "app_guessed", r->app_guessed);
	put_text_or_null(w, "hostname", r->hostname);
	put_text_or_null(w, "dst_name", r->dst_name);

	jw_key(w, "risks");
	jw_arr_begin(w);
	unsigned nrisks = r->nrisks < FA_REC_MAX_RISKS ? r->nrisks : FA_REC_MAX_RISKS;
	for (unsigned i = 0; i < nrisks; i++) {
		if (r->risks[i] && r->risks[i][0])
			jw_str(w, r->risks[i]);
	}
	jw_arr_end(w);

	jw_ku64(w, "pkts_fwd", r->pkts_fwd);
	jw_ku64(w, "pkts_rev", r->pkts_rev);
	jw_ku64(w, "bytes_fwd", r->bytes_fwd);
	jw_ku64(w, "bytes_rev", r->bytes_rev);
	if (r->icmp_errors > 0)
		jw_ku64(w, "icmp_errors", r->icmp_errors);
	put_text(w, "end", r->end);
	if (r->has_src_geo)
		put_geo(w, "src_geo", &r->src_geo);
	if (r->has_dst_geo)
		put_geo(w, "dst_geo", &r->dst_geo);
	if (r->tunnel && r->tunnel[0])
		jw_kstr(w, "tunnel", r->tunnel);
	/* Last, so records of runs without a policy stay as they were. */
	if (r->verdict) {
		jw_kstr(w, "verdict", r->verdict);
		put_text_or_null(w, "severity", r->severity);
		put_text_or_null(w, "rule", r->rule);
		put_text_or_null(w, "policy", r->policy);
		put_text_or_null(w, "src_role", r->src_role);
		put_text_or_null(w, "dst_role", r->dst_role);
		if (r->why && r->why[0])
			jw_kstr(w, "why", r->why);
	}
	jw_obj_end(w);
	jw_newline(w);
}

void fa_json_stats(struct jw *w, const struct fa_stats_record *r)
{
	jw_obj_begin(w);
	jw_kstr(w, "type", "stats");
	if (r->ts_us)
		put_time(w, "ts", r->ts_us);
	jw_ku64(w, "packets", r->packets);
	jw_ku64(w, "bytes", r->bytes);
	jw_ku64(w, "ip_packets", r->ip_packets);
	jw_ku64(w, "not_ip", r->not_ip);
	jw_ku64(w, "fragments", r->fragments);
	jw_ku64(w, "reassembled", r->reassembled);
	jw_ku64(w, "flows", r->flows);
	jw_ku64(w, "flows_active", r->flows_active);
	jw_ku64(w, "evicted", r->evicted);
	jw_ku64(w, "icmp_errors_unmatched", r->icmp_errors_unmatched);
	jw_ku64(w, "capture_drops", r->capture_drops);
	jw_ku64(w, "capture_if_drops", r->capture_if_drops);

	jw_key(w, "decode_errors");
	jw_obj_begin(w);
	for (size_t i = 0; i < r->ndecode_errors; i++) {
		const struct fa_stat_kv *kv = &r->decode_errors[i];
		if (kv->name && kv->name[0])
			jw_ku64(w, kv->name, kv->value);
	}
	jw_obj_end(w);
	jw_ku64(w, "decode_errors_total", r->decode_errors_total);
	jw_obj_end(w);
	jw_newline(w);
}

void fa_json_finding(struct jw *w, const struct fa_finding *f)
{
	jw_obj_begin(w);
	jw_kstr(w, "type", "finding");
	put_text_or_null(w, "verdict", f->verdict);
	put_text_or_null(w, "severity", f->severity);
	put_text_or_null(w, "policy", f->policy);
	put_text_or_null(w, "initiator", f->initiator);
	jw_kbool(w, "initiator_is_role", f->initiator_is_role);
	put_text_or_null(w, "responder", f->responder);
	jw_kbool(w, "responder_is_role", f->responder_is_role);
	put_text_or_null(w, "proto", f->proto);
	jw_ku64(w, "port", f->port);
	put_text_or_null(w, "app", f->app);
	jw_ku64(w, "flows", f->flows);
	jw_ku64(w, "pkts", f->pkts);
	jw_ku64(w, "bytes", f->bytes);
	put_time(w, "first_seen", f->first_us);
	put_time(w, "last_seen", f->last_us);
	put_text_or_null(w, "rule", f->rule);
	put_text_or_null(w, "why", f->why);
	put_text_or_null(w, "fix", f->fix);

	jw_key(w, "example");
	jw_obj_begin(w);
	put_time(w, "ts", f->ex_ts_us);
	put_addr(w, "src_ip", &f->ex_src);
	jw_ku64(w, "src_port", f->ex_sport);
	put_addr(w, "dst_ip", &f->ex_dst);
	jw_ku64(w, "dst_port", f->ex_dport);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_newline(w);
}

/* "SIP, RTP" -> ["SIP","RTP"]: names are split at commas, blanks around
 * them dropped, empty names skipped. */
static void put_app_list(struct jw *w, const char *key, const char *apps)
{
	jw_key(w, key);
	jw_arr_begin(w);
	const char *p = apps ? apps : "";
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *b = p, *e = p + n;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > b)
			jw_strn(w, b, (size_t)(e - b));
		p += n;
		if (*p == ',')
			p++;
	}
	jw_arr_end(w);
}

static void put_time_or_null(struct jw *w, const char *key, uint64_t ts_us)
{
	if (ts_us)
		put_time(w, key, ts_us);
	else
		jw_kstr(w, key, NULL);
}

void fa_json_rule(struct jw *w, const struct fa_rule_coverage *r)
{
	jw_obj_begin(w);
	jw_kstr(w, "type", "rule");
	put_text_or_null(w, "id", r->id);
	put_text_or_null(w, "policy", r->policy);
	jw_kstr(w, "kind", (r->flags & FA_RULE_DENY) ? "deny" : "allow");
	put_text_or_null(w, "src_role", r->src_role);
	put_text_or_null(w, "dst_role", r->dst_role);
	jw_kbool(w, "bidirectional", (r->flags & FA_RULE_BIDIR) != 0);
	put_text_or_null(w, "service", r->service);
	put_app_list(w, "apps", r->apps);
	jw_kbool(w, "optional", (r->flags & FA_RULE_OPTIONAL) != 0);
	jw_kbool(w, "disabled", (r->flags & FA_RULE_DISABLED) != 0);
	/* NULL when the rule sets none and the verdict's default applies. */
	jw_kstr(w, "severity", fa_out_severity_name(r->severity_id));
	put_text_or_null(w, "ref", r->ref);
	put_text_or_null(w, "purpose", r->purpose);
	jw_ku64(w, "flows", r->flows);
	jw_ku64(w, "pkts", r->pkts);
	jw_ku64(w, "bytes", r->bytes);
	put_time_or_null(w, "first_seen", r->unused ? 0 : r->first_us);
	put_time_or_null(w, "last_seen", r->unused ? 0 : r->last_us);
	jw_ku64(w, "initiators", r->initiators);
	jw_ku64(w, "responders", r->responders);
	jw_kbool(w, "unused", r->unused);
	jw_obj_end(w);
	jw_newline(w);
}
