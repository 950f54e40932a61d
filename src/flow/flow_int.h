/* flow_int.h - private to flow/: the flow key of a packet and its hashing.
 *
 * A packet's key is its two endpoints, protocol and VLAN ids as the packet
 * travels (or, for an ICMP error, as the quoted packet travelled). The hash
 * is taken over the endpoints in sorted order so both directions agree. */
#ifndef FA_FLOW_INT_H
#define FA_FLOW_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "flow/flow.h"

struct fa_flow_key {
	struct fa_addr src, dst; /* as the keyed packet travelled */
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t nvlan;
	uint16_t vlan[FA_MAX_VLANS];
};

/* Fills *k from a decoded packet (the quoted flow for an ICMP error). */
void fa_flow_key_from_pkt(const struct fa_pkt *pkt, struct fa_flow_key *k);

/* Symmetric hash of a key: the same for a key and its reverse. The seed
 * lets each table pick bucket positions an attacker cannot predict. */
uint32_t fa_flow_key_hash(const struct fa_flow_key *k, uint64_t seed);

/* Whether flow f carries key k, and if so which way k travels on it. */
bool fa_flow_key_match(const struct fa_flow *f, const struct fa_flow_key *k, enum fa_dir *dir);

#endif
