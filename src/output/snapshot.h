/* snapshot.h - what the live dashboard shows, as one self-contained copy.
 *
 * The engine builds a struct fa_snapshot a few times a second from its
 * counters, the audit (findings, rule coverage) and the workers' flow
 * tables, and publishes it through a struct fa_snapshot_box. The dashboard
 * takes the latest one, draws from it at its own pace and releases it: the
 * capture path never waits on the screen, and the screen never reads state
 * that is changing under it (htop's model: collect, then draw a frame).
 *
 * A snapshot owns every string it points to (one arena); it is immutable
 * once published. */
#ifndef FA_SNAPSHOT_H
#define FA_SNAPSHOT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/fa_addr.h"

struct fa_snap_block;

/* One finding (aggregated violations), as the Findings view lists it. */
struct fa_snap_finding {
	const char *verdict, *severity; /* "undocumented", "high" */
	uint8_t severity_id;            /* enum fa_severity: for colour and order */
	const char *initiator, *responder; /* role name or address text */
	bool initiator_is_role, responder_is_role;
	const char *proto; /* "tcp" */
	uint16_t port;
	const char *app;
	uint64_t flows, bytes;
	uint64_t first_us, last_us;
	const char *rule, *why, *fix; /* or NULL */
	struct fa_addr ex_src, ex_dst;
	uint16_t ex_sport, ex_dport;
};

/* One rule's coverage, as the Rules view lists it. */
struct fa_snap_rule {
	const char *id, *policy, *src_role, *dst_role, *service, *apps;
	bool deny, unused;
	uint64_t flows, bytes;
	uint64_t last_us; /* 0 = never */
};

/* One flow, live or recently ended, as the Flows view lists it. */
struct fa_snap_flow {
	const char *proto;
	struct fa_addr src, dst;
	uint16_t sport, dport;
	const char *app;
	const char *verdict;  /* NULL when no policy, or not decided yet */
	const char *severity; /* or NULL */
	uint8_t severity_id;
	const char *src_role, *dst_role, *rule, *why; /* or NULL */
	uint64_t pkts, bytes; /* both directions */
	uint64_t first_us, last_us;
	bool ended;
};

/* A name with counts: top applications, top talkers. */
struct fa_snap_count {
	const char *name;
	uint64_t flows, bytes;
};

struct fa_snapshot {
	uint64_t seq;           /* increases with every snapshot */
	const char *source;     /* "eth0", "capture.pcap", "2 interfaces" */
	const char *policy;     /* policy names, or NULL */
	uint64_t elapsed_us;    /* wall time since the start */
	uint64_t packet_time_us; /* time of the newest packet */
	uint64_t packets, bytes;
	double pps, bps;        /* rates over the last interval */
	uint64_t flows_active, flows_ended;
	uint64_t kernel_drops, if_drops, decode_errors;
	bool live;              /* a live capture (else a replay) */
	bool input_done;        /* the replay has ended; the view stays until q */
	uint64_t by_verdict[8]; /* flows by enum fa_verdict */

	struct fa_snap_finding *findings; /* worst severity, then newest first */
	size_t nfindings;
	struct fa_snap_rule *rules;       /* in policy order */
	size_t nrules;
	struct fa_snap_flow *flows;       /* active (largest first), then recently ended */
	size_t nflows;
	struct fa_snap_count *apps;       /* most flows first */
	size_t napps;
	struct fa_snap_count *talkers;    /* most bytes first (addresses) */
	size_t ntalkers;

	/* private: the arena blocks and the reference count (fa_snapshot_box) */
	struct fa_snap_block *blocks_;
	unsigned refs_;
};

/* A single-slot mailbox: the producer puts, readers get the latest. */
struct fa_snapshot_box {
	pthread_mutex_t lock;
	struct fa_snapshot *latest;
};

int fa_snapshot_box_init(struct fa_snapshot_box *box);
void fa_snapshot_box_destroy(struct fa_snapshot_box *box);
/* Publishes s (the box takes the producer's reference). */
void fa_snapshot_box_put(struct fa_snapshot_box *box, struct fa_snapshot *s);
/* The latest snapshot with a reference taken, or NULL; release it after. */
struct fa_snapshot *fa_snapshot_box_get(struct fa_snapshot_box *box);
void fa_snapshot_release(struct fa_snapshot_box *box, struct fa_snapshot *s);

/* Building: a new empty snapshot (one reference), and strings copied into
 * its arena (NULL in, NULL out). Arrays are allocated by the producer with
 * fa_snapshot_alloc (freed with the snapshot). */
struct fa_snapshot *fa_snapshot_new(void);
const char *fa_snapshot_str(struct fa_snapshot *s, const char *str);
void *fa_snapshot_alloc(struct fa_snapshot *s, size_t size);

#endif
