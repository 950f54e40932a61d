/* worker_int.h - private to the worker: its state and the per-flow data it
 * keeps in the flow table, shared by worker.c (the pipeline per flow) and
 * worker_ring.c (the thread and the ring it is fed through). */
#ifndef FA_WORKER_INT_H
#define FA_WORKER_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dpi/dpi.h"
#include "ring.h"
#include "worker.h"

struct fa_geo_cache;

/* Our per-flow data, kept in the flow table's user area. */
struct flow_ext {
	struct fa_dpi_flow *dpi; /* nDPI state while detection runs */
	struct fa_dpi_result res;
	char *dst_name;
	/* The verdict decided when the application became known, for the live
	 * view; the record's verdict is decided again at the end. */
	uint8_t ev_verdict, ev_severity;
	uint16_t ev_gen; /* the policy generation the numbers below belong to */
	int32_t ev_rule, ev_src_role, ev_dst_role;
	uint64_t reported_us; /* time of the last interim record; 0 = none yet */
};

struct fa_worker {
	unsigned id;
	struct fa_shared *sh;
	struct fa_flowtab *tab;
	struct fa_dpi *dpi;
	struct fa_geo_cache *geo;
	struct fa_ring ring;
	bool ring_ok;
	pthread_t thread;
	bool started;
	uint64_t now_us;
	uint64_t pub_gen; /* the live view's request last answered */
	/* Interim records (--flow-update): how often, and when next. */
	uint64_t update_us, next_update_us;
	/* The flow table's counters as last copied by the worker, for stats
	 * written while it runs (another thread may read them). */
	pthread_mutex_t stats_lock;
	struct fa_flowtab_stats stats_pub;
	uint32_t since_pub;
	uint64_t pub_us; /* packet time of that copy */
};

#endif
