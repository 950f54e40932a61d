/* record.h - what a finished flow looks like to the outputs.
 *
 * The engine fills one struct fa_flow_record per ended flow from every
 * stage's results; sinks only read it. Strings are NUL-terminated and owned
 * by the engine for the duration of the write call; NULL or "" = unknown.
 * Strings come from the wire and may hold any bytes: sinks escape them. */
#ifndef FA_RECORD_H
#define FA_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/fa_addr.h"

#define FA_REC_MAX_VLANS 4
#define FA_REC_MAX_RISKS 64

struct fa_rec_geo {
	const char *country; /* ISO code or NULL */
	uint32_t asn;        /* 0 = unknown */
	const char *as_org;  /* or NULL */
};

struct fa_flow_record {
	uint64_t ts_first_us, ts_last_us;
	const char *proto; /* "tcp", "udp", "icmp", "icmpv6", "sctp", or a number as text */
	uint16_t vlan[FA_REC_MAX_VLANS];
	unsigned nvlan;
	struct fa_addr src_ip, dst_ip;
	uint16_t src_port, dst_port;
	const char *initiator; /* "syn", "first-packet", "inferred" */
	const char *app;       /* nDPI name, e.g. "TLS.Microsoft" */
	const char *app_master, *app_proto;
	const char *category;
	bool app_guessed;     /* nDPI gave up and guessed from ports */
	const char *hostname; /* SNI / HTTP Host / DNS query, or NULL */
	const char *dst_name; /* name the client resolved for dst_ip, or NULL */
	const char *risks[FA_REC_MAX_RISKS];
	unsigned nrisks;
	uint64_t pkts_fwd, pkts_rev, bytes_fwd, bytes_rev;
	uint32_t icmp_errors;
	const char *end; /* "fin", "rst", "idle", "evicted", "eof" */
	bool has_src_geo, has_dst_geo;
	struct fa_rec_geo src_geo, dst_geo;
	const char *tunnel; /* "gre", "erspan2", ... or NULL */
	/* Policy audits only; verdict NULL = no policy loaded, and none of
	 * these members is written. */
	const char *verdict;             /* "allowed", "undocumented", ... */
	const char *severity;            /* "medium", ... or NULL (allowed, out of scope) */
	const char *rule;                /* matched or nearest rule id, or NULL */
	const char *policy;              /* that rule's policy name, or NULL */
	const char *src_role, *dst_role; /* a role each endpoint is in, or NULL */
	const char *why;                 /* for verdicts other than allowed / out-of-scope */
};

/* One named counter of the stats record ("truncated-tcp": 3). */
struct fa_stat_kv {
	const char *name;
	uint64_t value;
};

struct fa_stats_record {
	uint64_t ts_us;          /* packet time of the last packet, 0 if none */
	uint64_t packets, bytes; /* frames read and their wire bytes */
	uint64_t ip_packets, not_ip, fragments, reassembled;
	uint64_t flows;        /* flows ended and reported */
	uint64_t flows_active; /* flows still open when written (periodic stats) */
	uint64_t evicted;
	uint64_t icmp_errors_unmatched;
	uint64_t capture_drops, capture_if_drops; /* pcap_stats ps_drop / ps_ifdrop */
	const struct fa_stat_kv *decode_errors;   /* only non-zero counters */
	size_t ndecode_errors;
	uint64_t decode_errors_total;
};

#endif
