/* input_file.c - frames into the pipeline: the per-frame path shared by
 * every input, capture files read in order (with replay pacing), and the
 * dashboard feed. */
#include "engine_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/fa_time.h"
#include "enrich/names.h"
#include "output/snapshot.h"

#define SNAPSHOT_EVERY_US 250000

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

void engine_tick_all(struct engine *e, uint64_t now_us)
{
	fa_worker_tick(e->workers[0], now_us);
	for (unsigned k = 1; k < e->nworkers; k++)
		fa_worker_post_tick(e->workers[k], now_us);
}

void engine_frame(struct engine *e, int link, const struct fa_frame *fr)
{
	struct fa_pkt pkt;
	e->frames++;
	e->bytes += fr->wire_len;
	if (fr->ts_us > e->now_us)
		e->now_us = fr->ts_us;
	if (fa_decode(e->dec, link, fr->data, fr->caplen, fr->wire_len, fr->ts_us, &pkt) ==
	    FA_DEC_PACKET) {
		pkt.seq = e->frames;
		learn_dns(e, &pkt);
		dispatch(e, &pkt);
	}
	if (e->lv_on && (e->frames & 255) == 0)
		engine_maybe_snapshot(e);
}

struct input_notes {
	uint64_t frames, cut, back;
	uint64_t back_us, back_at; /* the largest step back, and its frame */
};

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
void engine_publish_snapshot(struct engine *e, bool done)
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
	    .kernel_drops = e->drops,
	    .if_drops = e->if_drops,
	    .live = e->nlive > 0,
	    .decode_errors = decode_errors_total(e),
	    .input_done = done,
	};
	pthread_mutex_lock(&e->sh.out_lock);
	struct fa_snapshot *snap = lv_build(&e->lv, &h, e->sh.audit, e->sh.policy, e->sh.policy_gen);
	pthread_mutex_unlock(&e->sh.out_lock);
	if (snap)
		fa_snapshot_box_put(e->o->snapshots, snap);
	e->last_snap_mono = now;
	e->snap_frames = e->frames;
	e->snap_bytes = e->bytes;
	if (!done) /* workers answer the new request at their next packet or tick */
		engine_tick_all(e, e->now_us);
}

void engine_maybe_snapshot(struct engine *e)
{
	if (e->lv_on && fa_time_mono_us() - e->last_snap_mono >= SNAPSHOT_EVERY_US)
		engine_publish_snapshot(e, false);
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
		engine_maybe_snapshot(e);
		engine_signals(e);
	}
}

void engine_read_file(struct engine *e, struct fa_capture *cap)
{
	const struct fa_engine_opts *o = e->o;
	int link = fa_capture_linktype(cap);
	struct input_notes n = {0};
	struct fa_frame fr;
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
		/* Signals are looked at every frame (two loads): a paced replay
		 * may take hours for a few thousand frames. */
		engine_signals(e);
		if (o->stop && *o->stop)
			break;
		note_frame(&n, &fr, e->frames ? e->last_ts_us : fr.ts_us);
		e->last_ts_us = fr.ts_us;
		engine_frame(e, link, &fr);
		if ((e->frames & 4095) == 0) {
			uint64_t done, total;
			if (fa_capture_progress(cap, &done, &total))
				fa_progress_update(&e->prog, done, total, e->frames);
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
