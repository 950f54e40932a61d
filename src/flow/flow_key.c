/* flow_key.c - flow keys: building, direction-free hashing and matching,
 * the registered-service-port table, and the names of flow enums. */
#include "flow/flow_int.h"

#include <stddef.h>
#include <string.h>
#include <xxhash.h>

#include "common/fa_addr.h"

const char *fa_initiator_name(enum fa_initiator i)
{
	switch (i) {
	case FA_INIT_SYN: return "syn";
	case FA_INIT_FIRST: return "first-packet";
	case FA_INIT_INFERRED: return "inferred";
	}
	return "unknown";
}

const char *fa_flow_end_name(enum fa_flow_end e)
{
	switch (e) {
	case FA_END_FIN: return "fin";
	case FA_END_RST: return "rst";
	case FA_END_IDLE: return "idle";
	case FA_END_EVICTED: return "evicted";
	case FA_END_EOF: return "eof";
	case FA_END__COUNT: break;
	}
	return "unknown";
}

static bool is_icmp(uint8_t proto)
{
	return proto == FA_L4_ICMP || proto == FA_L4_ICMPV6;
}

void fa_flow_key_from_pkt(const struct fa_pkt *pkt, struct fa_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	if (pkt->icmp_error) {
		k->src = pkt->quoted_src;
		k->dst = pkt->quoted_dst;
		k->sport = pkt->quoted_sport;
		k->dport = pkt->quoted_dport;
		k->proto = pkt->quoted_l4proto;
	} else {
		k->src = pkt->src;
		k->dst = pkt->dst;
		k->sport = pkt->sport;
		k->dport = pkt->dport;
		k->proto = pkt->l4proto;
	}
	/* ICMP identifiers and types are not part of the key: all echo traffic
	 * between two hosts is one flow, as nDPI's own reader keys it. */
	if (is_icmp(k->proto)) {
		k->sport = 0;
		k->dport = 0;
	}
	k->nvlan = pkt->nvlan > FA_MAX_VLANS ? FA_MAX_VLANS : pkt->nvlan;
	memcpy(k->vlan, pkt->vlan, k->nvlan * sizeof(k->vlan[0]));
}

static int endpoint_cmp(const struct fa_addr *a, uint16_t pa, const struct fa_addr *b, uint16_t pb)
{
	int c = fa_addr_cmp(a, b);

	if (c)
		return c;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return 0;
}

static size_t put_addr(uint8_t *buf, size_t off, const struct fa_addr *a)
{
	memcpy(buf + off, a->b, sizeof(a->b));
	buf[off + sizeof(a->b)] = a->ver;
	return off + sizeof(a->b) + 1;
}

static size_t put_u16(uint8_t *buf, size_t off, uint16_t v)
{
	buf[off] = (uint8_t)(v >> 8);
	buf[off + 1] = (uint8_t)v;
	return off + 2;
}

uint32_t fa_flow_key_hash(const struct fa_flow_key *k, uint64_t seed)
{
	/* Serialised field by field so padding bytes never reach the hash. */
	uint8_t buf[2 * (16 + 1) + 2 * 2 + 2 + 2 * FA_MAX_VLANS];
	const struct fa_addr *lo = &k->src, *hi = &k->dst;
	uint16_t plo = k->sport, phi = k->dport;
	size_t off = 0;

	if (endpoint_cmp(lo, plo, hi, phi) > 0) {
		lo = &k->dst;
		hi = &k->src;
		plo = k->dport;
		phi = k->sport;
	}
	off = put_addr(buf, off, lo);
	off = put_addr(buf, off, hi);
	off = put_u16(buf, off, plo);
	off = put_u16(buf, off, phi);
	buf[off++] = k->proto;
	buf[off++] = k->nvlan;
	for (uint8_t i = 0; i < k->nvlan; i++)
		off = put_u16(buf, off, k->vlan[i]);

	XXH64_hash_t h = XXH3_64bits_withSeed(buf, off, seed);
	return (uint32_t)(h ^ (h >> 32));
}

uint32_t fa_flow_hash_pkt(const struct fa_pkt *pkt)
{
	struct fa_flow_key k;

	fa_flow_key_from_pkt(pkt, &k);
	/* Unseeded: every worker and every run must agree. */
	return fa_flow_key_hash(&k, 0);
}

bool fa_flow_key_match(const struct fa_flow *f, const struct fa_flow_key *k, enum fa_dir *dir)
{
	if (f->proto != k->proto || f->nvlan != k->nvlan)
		return false;
	if (memcmp(f->vlan, k->vlan, k->nvlan * sizeof(k->vlan[0])) != 0)
		return false;
	if (f->sport == k->sport && f->dport == k->dport && fa_addr_cmp(&f->src, &k->src) == 0 &&
	    fa_addr_cmp(&f->dst, &k->dst) == 0) {
		*dir = FA_DIR_FWD;
		return true;
	}
	if (f->sport == k->dport && f->dport == k->sport && fa_addr_cmp(&f->src, &k->dst) == 0 &&
	    fa_addr_cmp(&f->dst, &k->src) == 0) {
		*dir = FA_DIR_REV;
		return true;
	}
	return false;
}

/* Ports where a server listens, for telling server from client when a TCP
 * flow is joined mid-stream. The IANA registry lists thousands; these are the
 * ones commonly seen on real networks and unlikely to be picked as ephemeral
 * client ports (Linux draws those from 32768-60999, Windows from 49152 up,
 * so nothing here sits in those ranges). The same numbers serve TCP, UDP
 * and SCTP, as IANA assigns them per service, not per protocol. Sorted. */
struct port_range {
	uint16_t lo, hi;
};

static const struct port_range service_ports[] = {
    {20, 23},       {25, 25},     {53, 53},     {67, 67},     {69, 69},     {80, 80},
    {88, 88},       {110, 111},   {119, 119},   {123, 123},   {135, 135},   {137, 139},
    {143, 143},     {161, 162},   {179, 179},   {389, 389},   {443, 443},   {445, 445},
    {465, 465},     {500, 500},   {514, 514},   {587, 587},   {636, 636},   {853, 853},
    {873, 873},     {989, 995},   {1080, 1080}, {1194, 1194}, {1433, 1433}, {1521, 1521},
    {1723, 1723},   {1812, 1813}, {1883, 1883}, {1900, 1900}, {2049, 2049}, {2195, 2197},
    {3306, 3306},   {3389, 3389}, {3478, 3478}, {4369, 4369}, {4500, 4500}, {5000, 5001},
    {5060, 5061},   {5100, 5100}, {5222, 5223}, {5269, 5270}, {5349, 5349}, {5353, 5353},
    {5432, 5432},   {5671, 5672}, {5900, 5900}, {6379, 6379}, {6443, 6443}, {8000, 8000},
    {8080, 8080},   {8443, 8443}, {8883, 8883}, {9092, 9092}, {9200, 9200}, {11211, 11211},
    {27017, 27017},
};

bool fa_flow_is_service_port(uint8_t proto, uint16_t port)
{
	size_t lo = 0, hi = sizeof(service_ports) / sizeof(service_ports[0]);

	if (proto != FA_L4_TCP && proto != FA_L4_UDP && proto != FA_L4_SCTP)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (port < service_ports[mid].lo)
			hi = mid;
		else if (port > service_ports[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}
