/* flow.h - the bidirectional flow table of one worker.
 *
 * A flow is keyed by (addresses, ports, IP protocol, VLAN ids), the same key
 * whichever way a packet travels. The table decides who initiated the flow,
 * counts packets and bytes each way, follows TCP FIN/RST, and ends flows on
 * FIN/RST (after a linger for late packets), on idle timeout, on eviction
 * when full, or on flush. Each ended flow is handed to the on_end callback
 * once, then freed: the table owns every struct fa_flow.
 *
 * Callers may reserve `user_size` bytes per flow for their own per-flow data
 * (fa_flow_user()); it is zeroed on creation and is theirs to release in
 * on_end. Time is packet time (microseconds), never the wall clock, so a
 * replay gives the same flows however fast it runs. */
#ifndef FA_FLOW_H
#define FA_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"

enum fa_initiator {
	FA_INIT_SYN = 0, /* this side sent the TCP SYN */
	FA_INIT_FIRST,   /* not TCP (or no SYN needed): first packet seen */
	FA_INIT_INFERRED /* TCP joined mid-stream: server inferred from ports */
};
const char *fa_initiator_name(enum fa_initiator i);

enum fa_flow_end {
	FA_END_FIN = 0,
	FA_END_RST,
	FA_END_IDLE,
	FA_END_EVICTED,
	FA_END_EOF,
	FA_END__COUNT
};
const char *fa_flow_end_name(enum fa_flow_end e);

/* Direction of a packet relative to the flow: FWD = initiator -> responder. */
enum fa_dir { FA_DIR_FWD = 0, FA_DIR_REV = 1 };

struct fa_flow {
	/* Orientation: src is the initiator. */
	struct fa_addr src, dst;
	uint16_t sport, dport;
	uint8_t proto; /* IP protocol number */
	uint8_t nvlan;
	uint16_t vlan[FA_MAX_VLANS];
	uint8_t tunnel;      /* enum fa_tunnel, from the first packet */
	uint8_t initiator;   /* enum fa_initiator */
	uint8_t tcp_seen[2]; /* TCP flags seen per direction, ORed */
	uint64_t ts_first, ts_last;
	uint64_t pkts[2], bytes[2]; /* [FA_DIR_FWD], [FA_DIR_REV]; bytes = IP length */
	uint32_t icmp_errors;       /* ICMP errors that quoted this flow */

	/* Private to flow/: table links and timer state. */
	struct fa_flow *hnext;
	struct fa_flow *lprev, *lnext;
	uint64_t close_at; /* non-zero once FIN both ways or RST was seen */
	uint32_t hash;
	uint8_t list;
	uint8_t close_reason;
};

/* The caller's area reserved after each flow (user_size bytes, aligned). */
void *fa_flow_user(struct fa_flow *f);

typedef void (*fa_flow_end_fn)(struct fa_flow *flow, enum fa_flow_end why, void *ctx);

struct fa_flowtab_opts {
	uint32_t max_flows;      /* table bound; 0 = default 1,000,000 */
	uint64_t tcp_timeout_us; /* idle timeouts; 0 = defaults: TCP 300 s, */
	uint64_t udp_timeout_us; /*   UDP 60 s, ICMP 30 s, other 60 s */
	uint64_t icmp_timeout_us;
	uint64_t other_timeout_us;
	uint64_t linger_us; /* after FIN both ways or RST; 0 = default 2 s */
	size_t user_size;
	fa_flow_end_fn on_end;
	void *ctx;
};

struct fa_flowtab;

int fa_flowtab_new(struct fa_flowtab **out, const struct fa_flowtab_opts *opts);
/* Frees every flow without calling on_end (flush first to report them). */
void fa_flowtab_free(struct fa_flowtab **tab);

/* Finds or creates the flow of a decoded packet, counts it, and returns it
 * with the packet's direction in *dir and *created set for a new flow.
 * An ICMP error is counted on the flow it quotes (icmp_errors and the
 * packet/byte counters of the direction it travels, taken as opposite to
 * the quoted packet's, back towards its sender) and never creates a
 * flow: NULL when the quoted flow is unknown. NULL when the table is full
 * and nothing could be evicted (cannot happen with max_flows >= 1). */
struct fa_flow *fa_flowtab_packet(struct fa_flowtab *tab, const struct fa_pkt *pkt,
                                  enum fa_dir *dir, bool *created);

/* Ends flows whose idle timeout or linger has passed at packet time now_us,
 * in the order their time ran out. The engine calls it before each packet
 * batch; packets do not depend on it: fa_flowtab_packet first ends a flow
 * whose linger or idle timeout has passed at the packet's own timestamp
 * (the packet then starts a new flow), so batching changes only when on_end
 * runs, never which packets make up a flow. on_end may therefore also run
 * inside fa_flowtab_packet (that, or when the table is full: the least
 * recently used flow ends, as FA_END_EVICTED unless it was already due or
 * closing, when it ends with its true reason). */
void fa_flowtab_expire(struct fa_flowtab *tab, uint64_t now_us);

/* Ends every flow with reason `why` (FA_END_EOF at end of input), oldest
 * (first created) first. A flow already closing after FIN both ways or an
 * RST ends with FA_END_FIN / FA_END_RST instead: that is how it ended. */
void fa_flowtab_flush(struct fa_flowtab *tab, enum fa_flow_end why);

/* Calls fn for every live flow (for snapshots); fn must not end flows. */
void fa_flowtab_foreach(struct fa_flowtab *tab, void (*fn)(struct fa_flow *, void *), void *ctx);

struct fa_flowtab_stats {
	uint64_t active;
	uint64_t created;
	uint64_t ended[FA_END__COUNT];
	uint64_t icmp_errors_matched;
	uint64_t icmp_errors_unmatched;
	uint64_t peak_active;
};
void fa_flowtab_stats(const struct fa_flowtab *tab, struct fa_flowtab_stats *out);

/* Symmetric hash of a packet's flow key, the same both ways; used to pick a
 * worker so that both directions of a flow meet in one table. For ICMP
 * errors it hashes the quoted flow. */
uint32_t fa_flow_hash_pkt(const struct fa_pkt *pkt);

/* Registered service port for mid-stream server inference (true if `port`
 * is a well-known server port such as 22, 53, 80, 443, 5060...). */
bool fa_flow_is_service_port(uint8_t proto, uint16_t port);

#endif
