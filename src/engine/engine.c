/* engine.c - the capture thread: read, decode, learn names, dispatch. */
#include "engine.h"

#include <errno.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "capture/capture.h"
#include "common/fa_error.h"
#include "common/fa_privdrop.h"
#include "common/fa_time.h"
#include "decode/decode.h"
#include "enrich/geo.h"
#include "enrich/names.h"
#include "engine_int.h"
#include "output/sink.h"
#include "output/snapshot.h"

#define NAMES_CAPACITY 65536

static unsigned default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}

static int open_outputs(struct engine *e, char *errbuf, size_t errlen)
{
	const struct fa_engine_opts *o = e->o;
	int rc;
	if (o->json_path) {
		struct fa_json_rotation rot = {o->json_max_bytes, o->json_rotate_us > 0};
		rc = fa_sink_json_open_rotating(&e->sh.sinks[e->sh.nsinks], o->json_path, &rot,
		                                errbuf, errlen);
		if (rc < 0)
			return rc;
		e->sh.json = e->sh.sinks[e->sh.nsinks++];
	}
	if (o->report_path && o->policy) {
		rc = fa_sink_report_open(&e->sh.sinks[e->sh.nsinks], o->report_path, o->report_info,
		                         errbuf, errlen);
		if (rc < 0)
			return rc;
		e->sh.nsinks++;
	}
	if (o->summary_fp) {
		rc = fa_sink_summary_open(&e->sh.sinks[e->sh.nsinks], o->summary_fp);
		if (rc < 0) {
			snprintf(errbuf, errlen, "cannot start the summary: %s", fa_strerror(rc));
			return rc;
		}
		e->sh.nsinks++;
	}
	return FA_OK;
}

static int open_enrichment(struct engine *e, char *errbuf, size_t errlen)
{
	const struct fa_engine_opts *o = e->o;
	int rc = fa_geo_open(&e->sh.geo, o->geoip, o->ngeoip, errbuf, errlen);
	if (rc < 0)
		return rc;
	if (!o->ngeoip && !o->quiet)
		fprintf(o->notice_fp, "flowaudit: no --geoip database given; country and AS "
		                      "enrichment is off\n");
	rc = fa_names_new(&e->sh.names, NAMES_CAPACITY);
	if (rc < 0)
		snprintf(errbuf, errlen, "cannot create the name table: %s", fa_strerror(rc));
	return rc;
}

static int open_audit(struct engine *e, char *errbuf, size_t errlen)
{
	const struct fa_engine_opts *o = e->o;
	if (!o->policy)
		return FA_OK;
	e->sh.policy = o->policy;
	e->sh.match = o->match;
	int rc = fa_audit_new(&e->sh.audit, o->policy, o->max_findings);
	if (rc < 0)
		snprintf(errbuf, errlen, "cannot start the audit: %s", fa_strerror(rc));
	return rc;
}

struct emit_ctx {
	struct engine *e;
};

static void emit_finding(const struct fa_finding *f, void *ctx)
{
	struct engine *e = ((struct emit_ctx *)ctx)->e;
	for (size_t i = 0; i < e->sh.nsinks; i++) {
		int rc = fa_sink_write_finding(e->sh.sinks[i], f);
		if (rc < 0 && !e->sh.write_error)
			e->sh.write_error = rc;
	}
}

static void emit_rule(const struct fa_rule_coverage *r, void *ctx)
{
	struct engine *e = ((struct emit_ctx *)ctx)->e;
	for (size_t i = 0; i < e->sh.nsinks; i++) {
		int rc = fa_sink_write_rule(e->sh.sinks[i], r);
		if (rc < 0 && !e->sh.write_error)
			e->sh.write_error = rc;
	}
}

static uint64_t count_findings(const struct fa_audit *a)
{
	struct fa_audit_counts c;
	fa_audit_counts(a, &c);
	return c.findings;
}

/* After the last flow: findings, rule coverage, the learnt rules. */
static void finish_audit(struct engine *e, struct fa_engine_result *res)
{
	if (!e->sh.audit)
		return;
	struct emit_ctx ctx = {e};
	fa_audit_emit(e->sh.audit, emit_finding, emit_rule, &ctx);
	if (e->o->learn_fp)
		fa_audit_learn(e->sh.audit, e->o->learn_fp);
	struct fa_audit_counts c;
	fa_audit_counts(e->sh.audit, &c);
	res->findings = c.findings + e->findings_before;
	res->violations =
	    e->violations_before || fa_audit_failed(e->sh.audit, (enum fa_severity)e->o->fail_on);
}

/* SIGHUP: the policy files are loaded again; on success the audit so far is
 * written out (findings and coverage under the old policy) and a new one
 * starts; on failure the loaded policy stays and the reason is told. */
static void reload_policy(struct engine *e)
{
	const struct fa_engine_opts *o = e->o;
	char err[1024];
	const struct fa_policy_set *set = NULL;
	struct fa_audit *audit = NULL;
	if (!o->reload || !e->sh.policy) {
		fprintf(o->notice_fp,
		        "flowaudit: SIGHUP: no policy is loaded; nothing to reload\n");
		return;
	}
	if (o->reload(o->reload_ctx, &set, err, sizeof(err)) < 0) {
		fprintf(o->notice_fp, "flowaudit: SIGHUP: %s; the policy loaded before stays\n",
		        err);
		return;
	}
	if (fa_audit_new(&audit, set, o->max_findings) < 0) {
		fprintf(o->notice_fp, "flowaudit: SIGHUP: out of memory; the policy loaded before "
		                      "stays\n");
		o->release(o->reload_ctx, set);
		return;
	}
	struct emit_ctx ctx = {e};
	pthread_mutex_lock(&e->sh.out_lock);
	fa_audit_emit(e->sh.audit, emit_finding, emit_rule, &ctx);
	const struct fa_policy_set *old = e->sh.policy;
	struct fa_audit *old_audit = e->sh.audit;
	e->sh.policy = set;
	e->sh.policy_gen++;
	e->sh.audit = audit;
	pthread_mutex_unlock(&e->sh.out_lock);
	e->violations_before |= fa_audit_failed(old_audit, (enum fa_severity)o->fail_on);
	e->findings_before += count_findings(old_audit);
	fa_audit_free(&old_audit);
	o->release(o->reload_ctx, old);
	fprintf(o->notice_fp,
	        "flowaudit: SIGHUP: policy reloaded (%zu rules); findings and rule coverage "
	        "until now were written\n",
	        set->nrules);
}

void engine_signals(struct engine *e)
{
	const struct fa_engine_opts *o = e->o;
	if (o->want_stats && *o->want_stats) {
		*o->want_stats = 0;
		engine_write_stats(e, true);
	}
	if (o->want_reload && *o->want_reload) {
		*o->want_reload = 0;
		reload_policy(e);
	}
	engine_timers(e);
}

static int start_workers(struct engine *e, char *errbuf, size_t errlen)
{
	const struct fa_engine_opts *o = e->o;
	e->nworkers = o->workers ? o->workers : default_workers();
	if (e->nworkers > MAX_WORKERS)
		e->nworkers = MAX_WORKERS;
	if (o->snapshots) {
		if (lv_init(&e->lv, e->nworkers) < 0) {
			snprintf(errbuf, errlen, "cannot start the dashboard feed: out of memory");
			return FA_ERR_NOMEM;
		}
		e->lv_on = true;
		e->sh.live = &e->lv;
		e->start_mono = e->last_snap_mono = fa_time_mono_us();
		const char *first = o->ninputs       ? o->inputs[0]
		                    : o->ninterfaces ? o->interfaces[0]
		                                     : "";
		const char *base = strrchr(first, '/');
		snprintf(e->source_label, sizeof(e->source_label), "%s%s", base ? base + 1 : first,
		         o->ninputs > 1 || o->ninterfaces > 1 ? " (+ more)" : "");
	}
	e->threaded = e->nworkers > 1;
	/* Worker 0 shares its thread with reading and decoding, which cost
	 * about as much as the flow work itself: it takes 3/8 of an equal
	 * share of the hash space (48 of 256 with two workers; measured best
	 * of 32..64 in bench/, docs/performance.md). */
	e->share0 = 256u * 3u / (8u * e->nworkers);
	uint32_t max_flows = o->max_flows ? o->max_flows : 1000000;
	/* Each table gets the part of --max-flows that matches its part of
	 * the hash space. Split evenly, a flood filled worker 1's table (and
	 * evicted) when the engine held only 8/13 of the limit. */
	uint32_t per0 =
	    e->threaded ? (uint32_t)((uint64_t)max_flows * e->share0 / 256u) : max_flows;
	uint32_t per = e->threaded ? (max_flows - per0) / (e->nworkers - 1) : max_flows;
	for (unsigned i = 0; i < e->nworkers; i++) {
		uint32_t cap = i == 0 ? per0 : per;
		int rc = fa_worker_new(&e->workers[i], i, &e->sh, o, cap ? cap : 1, errbuf, errlen);
		if (rc < 0)
			return rc;
		/* Worker 0 runs in the capture thread: with N workers there are N
		 * busy threads, not N + 1 competing for N CPUs. */
		if (i > 0 && (rc = fa_worker_start(e->workers[i])) < 0) {
			snprintf(errbuf, errlen, "cannot start worker %u: %s", i, fa_strerror(rc));
			return rc;
		}
	}
	return FA_OK;
}

/* The stats record; `running` while workers may still be at work (SIGUSR1,
 * periodic stats), when their counters are read as last published. */
void engine_write_stats(struct engine *e, bool running)
{
	const struct fa_decode_stats *ds = fa_decoder_stats(e->dec);
	struct fa_stats_record st;
	struct fa_stat_kv errs[FA_DR__COUNT];
	memset(&st, 0, sizeof(st));

	st.ts_us = e->now_us;
	st.packets = e->frames;
	st.bytes = e->bytes;
	st.ip_packets = ds->packets;
	st.not_ip = ds->not_ip;
	st.fragments = ds->fragments;
	st.reassembled = ds->reassembled;
	for (int r = 1; r < FA_DR__COUNT; r++) {
		if (!ds->errors[r])
			continue;
		errs[st.ndecode_errors].name = fa_dec_reason_name((enum fa_dec_reason)r);
		errs[st.ndecode_errors].value = ds->errors[r];
		st.ndecode_errors++;
		st.decode_errors_total += ds->errors[r];
	}
	st.decode_errors = errs;
	for (unsigned i = 0; i < e->nworkers; i++) {
		struct fa_flowtab_stats fs;
		if (running)
			fa_worker_flow_stats_running(e->workers[i], &fs);
		else
			fa_worker_flow_stats(e->workers[i], &fs);
		st.flows_active += fs.active;
		st.evicted += fs.ended[FA_END_EVICTED];
		st.icmp_errors_unmatched += fs.icmp_errors_unmatched;
	}
	st.capture_drops = e->drops;
	st.capture_if_drops = e->if_drops;
	pthread_mutex_lock(&e->sh.out_lock);
	st.flows = e->sh.flows_written;
	for (size_t i = 0; i < e->sh.nsinks; i++) {
		int rc = fa_sink_write_stats(e->sh.sinks[i], &st);
		if (running && rc >= 0)
			fa_sink_flush(e->sh.sinks[i]);
	}
	pthread_mutex_unlock(&e->sh.out_lock);
}

static void engine_cleanup(struct engine *e)
{
	for (unsigned i = 0; i < e->nworkers; i++) {
		if (e->workers[i])
			fa_worker_join(e->workers[i]);
		fa_worker_free(&e->workers[i]);
	}
	for (size_t i = 0; i < e->sh.nsinks; i++)
		fa_sink_close(&e->sh.sinks[i]);
	if (e->lv_on)
		lv_destroy(&e->lv);
	fa_audit_free(&e->sh.audit);
	fa_names_free(&e->sh.names);
	fa_geo_close(&e->sh.geo);
	engine_close_live(e);
	fa_decoder_free(&e->dec);
	pthread_mutex_destroy(&e->sh.out_lock);
}

int fa_engine_run(const struct fa_engine_opts *o, struct fa_engine_result *res, char *errbuf,
                  size_t errlen)
{
	struct engine e;
	memset(&e, 0, sizeof(e));
	memset(res, 0, sizeof(*res));
	/* When no input can even be opened there is nothing to report: fail
	 * before any output is created, instead of writing an empty summary. */
	size_t readable = 0;
	int first_errno = 0;
	for (size_t i = 0; i < o->ninputs; i++) {
		if (strcmp(o->inputs[i], "-") == 0 || access(o->inputs[i], R_OK) == 0)
			readable++;
		else if (!first_errno)
			first_errno = errno;
	}
	if (o->ninputs && !readable) {
		snprintf(errbuf, errlen, "%s: %s%s", o->inputs[0], strerror(first_errno),
		         o->ninputs > 1 ? " (and no other input is readable)" : "");
		res->input_errors = (unsigned)o->ninputs;
		return FA_ERR_IO;
	}

	e.o = o;
	e.last_link = -1;
	pthread_mutex_init(&e.sh.out_lock, NULL);
	fa_progress_init(&e.prog, o->notice_fp, o->progress);

	int rc = fa_decoder_new(&e.dec, NULL);
	if (rc < 0) {
		snprintf(errbuf, errlen, "cannot create the decoder: %s", fa_strerror(rc));
		goto out;
	}
	if ((rc = fa_capture_check_filter(o->bpf, errbuf, errlen)) < 0 ||
	    (rc = open_enrichment(&e, errbuf, errlen)) < 0 ||
	    (rc = open_audit(&e, errbuf, errlen)) < 0 ||
	    (rc = open_outputs(&e, errbuf, errlen)) < 0 ||
	    (rc = start_workers(&e, errbuf, errlen)) < 0)
		goto out;

	/* Live inputs are opened while still root, then root is given up (the
	 * outputs are already open); a live run reads until it is stopped. */
	if (o->ninterfaces) {
		if ((rc = engine_open_live(&e, errbuf, errlen)) < 0)
			goto out;
		if (o->drop_user && (rc = fa_drop_privileges(o->drop_user, errbuf, errlen)) < 0)
			goto out;
		engine_read_live(&e);
	}

	/* Inputs are opened one at a time, so a bad file costs only itself;
	 * a bad filter is a usage error and stops before anything is read. */
	for (size_t i = 0; i < o->ninputs && !(o->stop && *o->stop); i++) {
		struct fa_capture *cap;
		char cerr[512];
		rc = fa_capture_open_file(&cap, o->inputs[i], o->bpf, cerr, sizeof(cerr));
		if (rc == FA_ERR_USAGE) {
			snprintf(errbuf, errlen, "%s", cerr);
			goto out;
		}
		if (rc < 0) {
			fprintf(o->notice_fp, "flowaudit: %s\n", cerr);
			res->input_errors++;
			continue;
		}
		engine_read_file(&e, cap);
		if (fa_capture_failed(cap))
			res->input_errors++;
		fa_capture_close(&cap);
	}
	rc = FA_OK;

	/* End of input: every worker ends its flows as "eof". */
	fa_worker_finish(e.workers[0]);
	for (unsigned i = 1; i < e.nworkers; i++)
		fa_worker_join(e.workers[i]);
	if (e.lv_on)
		engine_publish_snapshot(&e, true);
	finish_audit(&e, res);
	engine_write_stats(&e, false);
	for (size_t i = 0; i < e.sh.nsinks; i++) {
		int crc = fa_sink_close(&e.sh.sinks[i]);
		if (crc < 0 && !e.sh.write_error)
			e.sh.write_error = crc;
	}
	if (e.sh.write_error) {
		snprintf(errbuf, errlen, "writing output failed: %s",
		         fa_strerror(e.sh.write_error));
		rc = e.sh.write_error;
	}
	res->frames = e.frames;
	res->flows = e.sh.flows_written;
out:
	engine_cleanup(&e);
	return rc;
}
