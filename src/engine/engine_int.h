/* engine_int.h - private to the engine: the running engine's state, shared
 * by its setup (engine.c), its inputs (input_file.c, input_live.c) and the
 * dashboard feed. */
#ifndef FA_ENGINE_INT_H
#define FA_ENGINE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "engine.h"
#include "live_view.h"
#include "progress.h"
#include "worker.h"

#define MAX_WORKERS 8
#define MAX_LIVE_INPUTS 16
#define TICK_US (1 * FA_USEC_PER_SEC) /* expiry tick to idle workers, packet time */

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

	/* Live inputs (o->interfaces), open for the whole run. */
	struct fa_capture *live[MAX_LIVE_INPUTS];
	size_t nlive;
	uint64_t drops, if_drops; /* kernel counters, summed over live inputs */
	/* Long runs: periodic stats and -G rotation, in engine time (timers.c). */
	bool timers_started;
	uint64_t next_stats_us, next_rotate_us;
	/* Audits ended by a policy reload (SIGHUP). */
	bool violations_before;
	uint64_t findings_before;
};

/* What one input held that is worth one line once it has been read:
 * frames cut by the snaplen, and time going backwards. */

/* One frame from any input: count, decode, learn names, dispatch. */
void engine_frame(struct engine *e, int link, const struct fa_frame *fr);
/* Writes a stats record to every sink (running: workers still at work). */
void engine_write_stats(struct engine *e, bool running);
/* Handles what signals asked for since last time (stats now, reload),
 * then the timers. */
void engine_signals(struct engine *e);
/* Periodic stats records and JSON file rotation, when due (timers.c). */
void engine_timers(struct engine *e);
/* Every worker's flows age to packet time now_us. */
void engine_tick_all(struct engine *e, uint64_t now_us);

/* The dashboard feed (input_file.c). */
void engine_maybe_snapshot(struct engine *e);
void engine_publish_snapshot(struct engine *e, bool done);

/* Inputs. */
void engine_read_file(struct engine *e, struct fa_capture *cap);
int engine_open_live(struct engine *e, char *errbuf, size_t errlen);
void engine_read_live(struct engine *e);
void engine_close_live(struct engine *e);

#endif
