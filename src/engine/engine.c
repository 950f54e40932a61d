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
#include "common/fa_time.h"
#include "decode/decode.h"
#include "enrich/geo.h"
#include "enrich/names.h"
#include "output/sink.h"
#include "live_view.h"
#include "output/snapshot.h"
#include "progress.h"
#include "worker.h"

#define MAX_WORKERS 8
#define TICK_US (1 * FA_USEC_PER_SEC) /* expiry tick to idle workers, packet time */
#define NAMES_CAPACITY 65536

struct engine {
	const struct fa_engine_opts *o;
	struct fa_decoder *dec;
	struct fa_shared sh;
	struct fa_worker *workers[MAX_WORKERS];
	unsigned nworkers;
	bool threaded;
	unsigned share0; /* of 256 hash buckets, those worker 0 handles */
	uint64_t now_us, last_tick_us;
	uint64_t frames, bytes;
	uint64_t last_ts_us; /* of the frame before, whichever input it was in */
	int last_link;       /* link type of the input before; -1 for none */
	struct fa_progress prog;

	/* The dashboard (o->snapshots): what it is fed, and when. */
	struct fa_live_view lv;
	bool lv_on;
	char source_label[96];
	uint64_t start_mono, last_snap_mono, snap_seq, snap_frames, snap_bytes;
	/* Replay pacing (o->speed > 0): capture time 0 maps to wall time 0. */
	bool paced;
	uint64_t pace_ts0, pace_mono0;
};

#define SNAPSHOT_EVERY_US 250000

/* What one input held that is worth one line once it has been read:
 * frames cut by the snaplen, and time going backwards. */
struct input_notes {
	uint64_t frames, cut, back;
	uint64_t back_us, back_at; /* the largest step back, and its frame */
};

static unsigned default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}

struct learn_ctx {
	struct fa_names *names;
	uint64_t seq;
};

static bool learn_name(const char *name, const struct fa_addr *addr, uint32_t ttl, void *ctx)
{
	(void)ttl;
	struct learn_ctx *l = ctx;
	fa_names_put_seq(l->names, addr, name, l->seq);
	return true;
}

/* DNS answers are learnt here, in packet order, stamped with the frame
 * number; a worker creating a flow asks for names learnt before the flow's
 * first frame, so dst_name never depends on how far behind it runs. */
static void learn_dns(struct engine *e, const struct fa_pkt *p)
{
	if (!p->payload_len || p->icmp_error)
		return;
	struct learn_ctx l = {e->sh.names, p->seq};
	if (p->l4proto == FA_L4_UDP && (p->sport == 53 || p->sport == 5353))
		fa_dns_answers(p->payload, p->payload_len, learn_name, &l);
	else if (p->l4proto == FA_L4_TCP && p->sport == 53)
		fa_dns_answers_tcp(p->payload, p->payload_len, learn_name, &l);
}

static void dispatch(struct engine *e, const struct fa_pkt *p)
{
	unsigned i = 0;
	if (e->threaded) {
		uint32_t h = fa_flow_hash_pkt(p);
		i = (h & 255) < e->share0 ? 0 : 1 + (h >> 8) % (e->nworkers - 1);
	}
	if (i == 0)
		fa_worker_packet(e->workers[0], p);
	else
		fa_worker_post_packet(e->workers[i], p);
	/* Workers that see no packets still need time to pass for expiry. */
	if (e->threaded && e->now_us >= e->last_tick_us + TICK_US) {
		e->last_tick_us = e->now_us;
		fa_worker_tick(e->workers[0], e->now_us);
		for (unsigned k = 1; k < e->nworkers; k++) {
			if (k != i)
				fa_worker_post_tick(e->workers[k], e->now_us);
		}
	}
}

static void note_frame(struct input_notes *n, const struct fa_frame *fr, uint64_t prev_ts_us)
{
	n->frames++;
	if (fr->caplen < fr->wire_len)
		n->cut++;
	if (fr->ts_us < prev_ts_us) {
		n->back++;
		if (prev_ts_us - fr->ts_us > n->back_us) {
			n->back_us = prev_ts_us - fr->ts_us;
			n->back_at = n->frames;
		}
	}
}

/* Time going backwards is a warning: flows still time out by the latest
 * time seen, so a flow may last past its idle timeout. A snaplen is only
 * information: detection sees the captured part of each frame. */
static void print_notes(const struct fa_engine_opts *o, const struct fa_capture *cap,
                        const struct input_notes *n)
{
	if (n->back)
		fprintf(o->notice_fp,
		        "flowaudit: %s: frames stamped earlier than the frame before them: %llu "
		        "(the largest step back: %llu.%06llu s, at frame %llu); they are "
		        "processed in file order, and flows time out by the latest time seen\n",
		        fa_capture_name(cap), (unsigned long long)n->back,
		        (unsigned long long)(n->back_us / FA_USEC_PER_SEC),
		        (unsigned long long)(n->back_us % FA_USEC_PER_SEC),
		        (unsigned long long)n->back_at);
	if (n->cut && !o->quiet)
		fprintf(o->notice_fp,
		        "flowaudit: %s: frames captured shorter than sent: %llu of %llu "
		        "(snaplen %u bytes); detection sees only the captured part\n",
		        fa_capture_name(cap), (unsigned long long)n->cut,
		        (unsigned long long)n->frames, fa_capture_snaplen(cap));
}

static uint64_t decode_errors_total(const struct engine *e)
{
	const struct fa_decode_stats *ds = fa_decoder_stats(e->dec);
	uint64_t n = 0;
	for (int r = 1; r < FA_DR__COUNT; r++)
		n += ds->errors[r];
	return n;
}

/* Builds and publishes a snapshot for the dashboard, and asks every worker
 * for a fresh picture of its live flows for the next one. */
static void publish_snapshot(struct engine *e, bool done)
{
	uint64_t now = fa_time_mono_us();
	double dt = (double)(now - e->last_snap_mono) / 1e6;
	struct lv_header h = {
	    .seq = ++e->snap_seq,
	    .source = e->source_label,
	    .policy = e->o->policy_label,
	    .elapsed_us = now - e->start_mono,
	    .packet_time_us = e->now_us,
	    .packets = e->frames,
	    .bytes = e->bytes,
	    .pps = dt > 0 ? (double)(e->frames - e->snap_frames) / dt : 0,
	    .bps = dt > 0 ? (double)(e->bytes - e->snap_bytes) * 8 / dt : 0,
	    .flows_active = done ? 0 : lv_active(&e->lv),
	    .decode_errors = decode_errors_total(e),
	    .input_done = done,
	};
	pthread_mutex_lock(&e->sh.out_lock);
	struct fa_snapshot *snap = lv_build(&e->lv, &h, e->sh.audit, e->sh.policy);
	pthread_mutex_unlock(&e->sh.out_lock);
	if (snap)
		fa_snapshot_box_put(e->o->snapshots, snap);
	e->last_snap_mono = now;
	e->snap_frames = e->frames;
	e->snap_bytes = e->bytes;
	if (!done) {
		/* Workers answer the new request at their next packet or tick. */
		fa_worker_tick(e->workers[0], e->now_us);
		for (unsigned k = 1; k < e->nworkers; k++)
			fa_worker_post_tick(e->workers[k], e->now_us);
	}
}

static void maybe_snapshot(struct engine *e)
{
	if (e->lv_on && fa_time_mono_us() - e->last_snap_mono >= SNAPSHOT_EVERY_US)
		publish_snapshot(e, false);
}

/* Replays at o->speed times the captured pace: waits until the packet's
 * capture time, scaled, has passed on the wall clock. Snapshots go on
 * while waiting; a stop request ends the wait. */
static void pace(struct engine *e, uint64_t ts_us)
{
	const struct fa_engine_opts *o = e->o;
	if (!e->paced) {
		e->paced = true;
		e->pace_ts0 = ts_us;
		e->pace_mono0 = fa_time_mono_us();
		return;
	}
	if (ts_us <= e->pace_ts0)
		return;
	uint64_t due = e->pace_mono0 + (uint64_t)((double)(ts_us - e->pace_ts0) / o->speed);
	for (;;) {
		uint64_t now = fa_time_mono_us();
		if (now >= due || (o->stop && *o->stop))
			return;
		uint64_t wait = due - now;
		if (wait > 50000)
			wait = 50000;
		struct timespec ts = {0, (long)wait * 1000};
		nanosleep(&ts, NULL);
		maybe_snapshot(e);
	}
}

static void read_input(struct engine *e, struct fa_capture *cap)
{
	const struct fa_engine_opts *o = e->o;
	int link = fa_capture_linktype(cap);
	struct input_notes n = {0};
	struct fa_frame fr;
	struct fa_pkt pkt;
	int rc;

	if (!fa_decode_linktype_supported(link))
		fprintf(o->notice_fp,
		        "flowaudit: %s: link type %s (%d) is not decoded; its frames are counted "
		        "as decode errors\n",
		        fa_capture_name(cap), fa_capture_linktype_name(cap), link);
	if (e->last_link >= 0 && e->last_link != link && !o->quiet)
		fprintf(o->notice_fp,
		        "flowaudit: %s: link type %s (%d), unlike the input before it; each "
		        "input is decoded by its own link type\n",
		        fa_capture_name(cap), fa_capture_linktype_name(cap), link);
	e->last_link = link;
	fa_progress_begin(&e->prog, fa_capture_name(cap));
	while ((rc = fa_capture_next(cap, &fr)) == 1) {
		if (o->speed > 0)
			pace(e, fr.ts_us);
		e->frames++;
		e->bytes += fr.wire_len;
		note_frame(&n, &fr, e->frames > 1 ? e->last_ts_us : fr.ts_us);
		e->last_ts_us = fr.ts_us;
		if (fr.ts_us > e->now_us)
			e->now_us = fr.ts_us;
		if (fa_decode(e->dec, link, fr.data, fr.caplen, fr.wire_len, fr.ts_us, &pkt) ==
		    FA_DEC_PACKET) {
			pkt.seq = e->frames;
			learn_dns(e, &pkt);
			dispatch(e, &pkt);
		}
		if (e->lv_on && (e->frames & 255) == 0)
			maybe_snapshot(e);
		if ((e->frames & 4095) == 0) {
			uint64_t done, total;
			if (fa_capture_progress(cap, &done, &total))
				fa_progress_update(&e->prog, done, total, e->frames);
			if (o->stop && *o->stop)
				break;
		}
	}
	fa_progress_end(&e->prog);
	if (rc < 0 && n.frames)
		fprintf(o->notice_fp,
		        "flowaudit: %s; frame %llu is damaged: frames 1 to %llu were processed, "
		        "the rest of this file is skipped\n",
		        fa_capture_error(cap), (unsigned long long)n.frames + 1,
		        (unsigned long long)n.frames);
	else if (rc < 0)
		fprintf(o->notice_fp,
		        "flowaudit: %s; frame 1 is damaged: nothing in this file could be read\n",
		        fa_capture_error(cap));
	print_notes(o, cap, &n);
}

static int open_outputs(struct engine *e, char *errbuf, size_t errlen)
{
	const struct fa_engine_opts *o = e->o;
	int rc;
	if (o->json_path) {
		rc = fa_sink_json_open(&e->sh.sinks[e->sh.nsinks], o->json_path, errbuf, errlen);
		if (rc < 0)
			return rc;
		e->sh.nsinks++;
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
	res->findings = c.findings;
	res->violations = fa_audit_failed(e->sh.audit, (enum fa_severity)e->o->fail_on);
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
		const char *first = o->ninputs ? o->inputs[0] : "";
		const char *base = strrchr(first, '/');
		snprintf(e->source_label, sizeof(e->source_label), "%s%s", base ? base + 1 : first,
		         o->ninputs > 1 ? " (+ more files)" : "");
	}
	e->threaded = e->nworkers > 1;
	/* Worker 0 shares its thread with reading and decoding, which cost
	 * about as much as the flow work itself: it takes 3/8 of an equal
	 * share of the hash space (48 of 256 with two workers; measured best
	 * of 32..64 in bench/, docs/performance.md). */
	e->share0 = 256u * 3u / (8u * e->nworkers);
	uint32_t max_flows = o->max_flows ? o->max_flows : 1000000;
	uint32_t per = max_flows / e->nworkers;
	if (per == 0)
		per = 1;
	for (unsigned i = 0; i < e->nworkers; i++) {
		int rc = fa_worker_new(&e->workers[i], i, &e->sh, o, per, errbuf, errlen);
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

static void write_stats(struct engine *e)
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
		fa_worker_flow_stats(e->workers[i], &fs);
		st.flows_active += fs.active;
		st.evicted += fs.ended[FA_END_EVICTED];
		st.icmp_errors_unmatched += fs.icmp_errors_unmatched;
	}
	st.flows = e->sh.flows_written;
	for (size_t i = 0; i < e->sh.nsinks; i++)
		fa_sink_write_stats(e->sh.sinks[i], &st);
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
		read_input(&e, cap);
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
		publish_snapshot(&e, true);
	finish_audit(&e, res);
	write_stats(&e);
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
