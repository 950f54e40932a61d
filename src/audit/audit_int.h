/* audit_int.h - the audit's private state and the functions its files share. */
#ifndef FA_AUDIT_INT_H
#define FA_AUDIT_INT_H

#include <string.h>

#include "audit/audit.h"

#define AUDIT_FNV_OFFSET 0xcbf29ce484222325ULL
#define AUDIT_FNV_PRIME 0x100000001b3ULL

/* FNV-1a: keys here are a few dozen bytes; no dependency needed. */
static inline uint64_t audit_fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= AUDIT_FNV_PRIME;
	}
	return h;
}

/* The padding bytes of struct fa_addr are never hashed nor compared: a
 * caller's copy may carry anything there. */
static inline uint64_t audit_hash_addr(uint64_t h, const struct fa_addr *a)
{
	h = audit_fnv1a(h, a->b, sizeof(a->b));
	return audit_fnv1a(h, &a->ver, sizeof(a->ver));
}

static inline bool audit_addr_eq(const struct fa_addr *a, const struct fa_addr *b)
{
	return a->ver == b->ver && memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

/* One side of a finding key: a role index, or an address when the peer is
 * in no role. */
struct audit_peer {
	bool is_role;
	uint32_t role;
	struct fa_addr addr;
};

/* A finding and the key it was aggregated under. The public strings point
 * into this entry (the buffers and the heap copies below). */
struct audit_finding {
	struct fa_finding pub;
	uint64_t hash;
	uint8_t verdict, proto;
	uint16_t port;
	bool overflow; /* the "(other)" finding of its verdict */
	struct audit_peer ini, resp;
	char *app;
	char *why, *fix;
	char ini_buf[FA_ADDR_STRLEN], resp_buf[FA_ADDR_STRLEN];
	char proto_buf[8];
};

/* A set of distinct addresses, exact until FA_AUDIT_DISTINCT_MAX. */
struct audit_addrset {
	struct fa_addr *slots; /* ver == 0 marks a free slot */
	size_t cap, count;
};

struct audit_cov {
	uint64_t flows, pkts, bytes, first_us, last_us;
	struct audit_addrset ini, resp;
	char *service, *apps;
};

struct fa_audit {
	const struct fa_policy_set *set; /* must outlive the audit */
	uint32_t max_findings;
	struct audit_finding **findings; /* insertion order */
	size_t nfindings, cap_findings;
	uint32_t *index; /* open addressing: finding number + 1, 0 = free */
	size_t index_cap;
	struct audit_finding *overflow[FA_V__COUNT];
	struct audit_cov *cov; /* one per rule of the set */
	struct fa_audit_counts counts;
};

/* "tcp", "udp", "icmp", "icmpv6", "sctp", "any" (FA_PROTO_ANY), else the
 * number; buf must hold at least 4 bytes. */
const char *audit_proto_name(uint8_t proto, char *buf, size_t len);

/* True for tcp, udp and sctp: the protocols a rule gives ports to. */
bool audit_proto_has_ports(uint8_t proto);

/* True when s is a name of the policy language (letters, digits, '_', '-',
 * '.', starting with a letter). */
bool audit_is_name(const char *s);

/* The application a drafted rule should name for a detected nDPI name:
 * its master part ("TLS" for "TLS.Microsoft"), "Unknown" when none. */
const char *audit_rule_app(const char *app, char *buf, size_t len);

/* The role's name, or NULL when idx does not name a role of the set. */
const char *audit_role_name(const struct fa_policy_set *set, int64_t idx);

/* audit_findings.c */
void audit_add_finding(struct fa_audit *a, const struct fa_audit_flow *fl, enum fa_severity sev);
void audit_finding_free(struct audit_finding *f);
/* Every finding (overflow ones too) in emit order, in a malloc'd array the
 * caller frees; returns the count (0 with *out NULL when none or no memory). */
size_t audit_sorted_findings(const struct fa_audit *a, struct audit_finding ***out);

/* audit_coverage.c */
int audit_cov_init(struct fa_audit *a);
void audit_cov_free(struct fa_audit *a);
void audit_cover(struct fa_audit *a, const struct fa_audit_flow *fl, int32_t rule);
void audit_rule_coverage(const struct fa_audit *a, size_t i, struct fa_rule_coverage *c);

#endif
