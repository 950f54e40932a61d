/* live_view.h - private to the engine: what the dashboard needs from a
 * running engine, kept only while a dashboard is open.
 *
 * Ended flows, application and talker counts are recorded under the
 * engine's output lock as records are written. Live flows belong to the
 * workers' tables, which only their own thread may walk: when the capture
 * thread wants a new picture it bumps `gen`, and each worker, at its next
 * packet or tick, copies its largest flows into its own slot. The capture
 * thread then builds a struct fa_snapshot from all of it and publishes it. */
#ifndef FA_LIVE_VIEW_H
#define FA_LIVE_VIEW_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "audit/audit.h"
#include "common/fa_addr.h"
#include "output/snapshot.h"
#include "policy/policy.h"

#define LV_MAX_WORKERS 8
#define LV_TOP 48    /* live flows published per worker */
#define LV_ENDED 128 /* recently ended flows kept */
#define LV_APPS 256
#define LV_TALKERS 4096 /* distinct addresses counted; the rest are (other) */

/* A flow copied out of a worker or a record: fixed-size, no pointers into
 * state that changes. */
struct lv_flow {
	uint8_t proto;
	uint8_t verdict, severity; /* enum fa_verdict / fa_severity; 0 = none yet */
	bool ended;
	struct fa_addr src, dst;
	uint16_t sport, dport;
	uint16_t policy_gen; /* of the policy rule and roles index */
	int32_t rule, src_role, dst_role;
	uint64_t pkts, bytes, first_us, last_us;
	char app[64]; /* FA_DPI_NAME_MAX */
	char why[FA_WHY_MAX];
};

struct lv_count {
	char name[64];
	struct fa_addr addr; /* talkers */
	uint64_t flows, bytes;
};

struct lv_pub {
	pthread_mutex_t lock;
	struct lv_flow flows[LV_TOP];
	size_t n;
	uint64_t active; /* flows in the worker's table when it published */
};

struct fa_live_view {
	atomic_uint_fast64_t gen; /* bumped by the capture thread to ask for live flows */
	struct lv_pub pubs[LV_MAX_WORKERS];
	unsigned npubs;

	/* Under the engine's output lock. */
	struct lv_flow ended[LV_ENDED];
	size_t ended_next, ended_n;
	struct lv_count apps[LV_APPS + 1]; /* the last one is (other) */
	size_t napps;
	struct lv_count *talkers; /* LV_TALKERS slots, open addressing */
	struct lv_count talker_other;
	uint64_t flows_ended;
	uint64_t by_verdict[FA_V__COUNT];
};

/* The counters the capture thread knows, for the header. */
struct lv_header {
	uint64_t seq;
	const char *source, *policy;
	uint64_t elapsed_us, packet_time_us;
	uint64_t packets, bytes;
	double pps, bps;
	uint64_t flows_active, kernel_drops, if_drops, decode_errors;
	bool live, input_done;
};

int lv_init(struct fa_live_view *lv, unsigned nworkers);
void lv_destroy(struct fa_live_view *lv);

/* Under the output lock: one ended flow. */
void lv_flow_ended(struct fa_live_view *lv, const struct lv_flow *f);

/* A worker's largest live flows (replaces what it published before). */
void lv_publish(struct fa_live_view *lv, unsigned worker, const struct lv_flow *flows, size_t n,
                uint64_t active);
/* Live flows over all workers, as last published. */
uint64_t lv_active(struct fa_live_view *lv);

/* Builds a snapshot; the caller holds the output lock while it runs, so the
 * audit and the ended flows do not move. audit may be NULL (no policy).
 * Flows judged under another generation than set's (before a reload) keep
 * their verdict and why text but name no rule or role. */
struct fa_snapshot *lv_build(struct fa_live_view *lv, const struct lv_header *h,
                             struct fa_audit *audit, const struct fa_policy_set *set,
                             uint16_t policy_gen);

#endif
