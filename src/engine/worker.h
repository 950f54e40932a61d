/* worker.h - private to the engine: one worker = one flow table, one nDPI
 * module and one GeoIP cache, fed packets by the capture thread. */
#ifndef FA_WORKER_H
#define FA_WORKER_H

#include <pthread.h>
#include <stdint.h>

#include "decode/decode.h"
#include "engine.h"
#include "flow/flow.h"

struct fa_audit;
struct fa_live_view;
struct fa_geo;
struct fa_names;
struct fa_sink;
struct fa_ring;

/* What every worker shares: read-only databases and the locked outputs. */
struct fa_shared {
	struct fa_geo *geo;
	struct fa_names *names;
	struct fa_sink *sinks[4];
	size_t nsinks;
	/* The JSON Lines sink among them, or NULL: interim flow records go
	 * there only. */
	struct fa_sink *json;
	const struct fa_policy_set *policy; /* or NULL */
	uint16_t policy_gen; /* bumped by each reload, under out_lock: rule and
	                      * role numbers are only read against the policy
	                      * of the same generation */
	struct fa_match_opts match;
	struct fa_audit *audit;    /* with a policy; under out_lock */
	struct fa_live_view *live; /* with a dashboard, else NULL */
	pthread_mutex_t out_lock;
	int write_error; /* first sink error, under out_lock */
	uint64_t flows_written;
};

struct fa_worker;

int fa_worker_new(struct fa_worker **out, unsigned id, struct fa_shared *sh,
                  const struct fa_engine_opts *o, uint32_t max_flows, char *errbuf, size_t errlen);
void fa_worker_free(struct fa_worker **w);

/* Inline use (one worker, no thread). */
void fa_worker_packet(struct fa_worker *w, const struct fa_pkt *pkt);
void fa_worker_tick(struct fa_worker *w, uint64_t now_us);
void fa_worker_finish(struct fa_worker *w); /* ends every flow as "eof" */

/* Threaded use: the capture thread posts into the worker's ring. */
int fa_worker_start(struct fa_worker *w);
void fa_worker_post_packet(struct fa_worker *w, const struct fa_pkt *pkt);
void fa_worker_post_tick(struct fa_worker *w, uint64_t now_us);
/* Posts the end, waits for the thread; the worker has then finished. */
void fa_worker_join(struct fa_worker *w);

/* After the worker has finished (joined, or inline). */
void fa_worker_flow_stats(const struct fa_worker *w, struct fa_flowtab_stats *out);
/* While it runs, from another thread: its counters as last published (at
 * most 4096 packets, one tick or one second of packet time old). */
void fa_worker_flow_stats_running(struct fa_worker *w, struct fa_flowtab_stats *out);

#endif
