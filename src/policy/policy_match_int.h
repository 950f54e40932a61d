/* policy_match_int.h - the matcher's indexes, shared by policy_roles.c
 * (address -> roles) and policy_match.c (protocol/port -> rules).
 *
 * Both indexes are built once by fa_matcher_build and only read afterwards,
 * so any number of threads may match at once. */
#ifndef FA_POLICY_MATCH_INT_H
#define FA_POLICY_MATCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

/* An address as an unsigned 128-bit number (IPv4 in the low 32 bits), so
 * both families share the interval code. */
struct fa_k128 {
	uint64_t hi, lo;
};

/* The address space of one family cut into disjoint segments; each segment
 * lists the roles that contain all of it. Roles without host, ASN or
 * country elements ("static") are listed as members; the others
 * ("dynamic") only carry their address parts: label 2r = r's positive
 * addresses, 2r+1 = its excluded addresses, and are finished per flow. */
/* A set of 16-bit numbers (ports, IPv4 /16 blocks) as 1,024 words of 64
 * bits, each with the count of members before it: membership and rank in
 * two reads of one 16 KB table, where a direct table of 65,536 32-bit
 * entries (256 KB) would miss in cache for most lookups of a large policy. */
struct fa_rank64 {
	uint64_t bits;
	uint32_t before;
};

#define FA_RANK64_WORDS 1024

/* Set bits of x. Without -mpopcnt (Debian builds for the x86-64 baseline)
 * __builtin_popcountll is a call into libgcc; this is a dozen inline
 * instructions. */
static inline uint32_t fa_popcount64(uint64_t x)
{
#ifdef __POPCNT__
	return (uint32_t)__builtin_popcountll(x);
#else
	x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (uint32_t)((x * UINT64_C(0x0101010101010101)) >> 56);
#endif
}

static inline bool fa_rank64_has(const struct fa_rank64 *t, uint16_t x)
{
	return t[x / 64].bits >> (x % 64) & 1;
}

/* How many members are below x. */
static inline uint32_t fa_rank64_below(const struct fa_rank64 *t, uint16_t x)
{
	const struct fa_rank64 *w = &t[x / 64];
	return w->before + fa_popcount64(w->bits & ((UINT64_C(1) << (x % 64)) - 1));
}

/* Fills in the counts once the bits are set. */
static inline void fa_rank64_count(struct fa_rank64 *t)
{
	for (size_t k = 1; k < FA_RANK64_WORDS; k++)
		t[k].before = t[k - 1].before + fa_popcount64(t[k - 1].bits);
}

struct fa_seg_meta {
	uint32_t mem_off, dyn_off, in_scope;
};

struct fa_seg_index {
	struct fa_k128 *start;    /* ascending, start[0] = 0 */
	uint32_t *start4;         /* IPv4: the same as 32-bit numbers, for a faster search */
	struct fa_rank64 *top;    /* IPv4, many segments: the /16s where segments start */
	uint32_t *first;          /* per such /16 (by rank): its first segment; then n */
	uint32_t *sub_of;         /* per such /16 (by rank): its row in sub, or UINT32_MAX */
	uint32_t *sub;            /* rows of 257: first segment at or past each /24 */
	uint32_t *mem_off;        /* n + 1 offsets into members (while building) */
	uint32_t *dyn_off;        /* n + 1 offsets into dyn_labels (while building) */
	uint32_t *members;        /* static role ids, ascending per segment */
	uint32_t *dyn_labels;     /* 2r / 2r+1, ascending per segment */
	uint8_t *in_scope;        /* a static in-scope role holds it (while building) */
	struct fa_seg_meta *meta; /* the three above side by side, n + 1 */
	size_t n;
};

/* Labels of a dynamic role r in a segment. */
#define FA_LABEL_P(r) (3 * (r))     /* inside its positive addresses */
#define FA_LABEL_N(r) (3 * (r) + 1) /* inside its excluded addresses */
#define FA_LABEL_MAYBE(r)                                                                          \
	(3 * (r) + 2) /* may hold by address, here or through                                      \
	               * a dynamic role it includes */

/* A host pattern suffix, ASN or country that may put an endpoint in a
 * dynamic role: k = tag << 62 | value (tag 0 host suffix hash, 1 ASN,
 * 2 country). */
struct fa_dyn_key {
	uint64_t k;
	uint32_t role;
};

#define FA_DKEY_ASN(a) ((UINT64_C(1) << 62) | (a))
#define FA_DKEY_CC(c) ((UINT64_C(2) << 62) | (c))

/* Case-insensitive FNV-1a of a host name suffix, in the host tag's range. */
static inline uint64_t fa_host_hash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32u : c)) * UINT64_C(0x100000001b3);
	}
	return h & ((UINT64_C(1) << 62) - 1);
}

/* Rule keys: a rule is filed under the role its responder must be in.
 * Keys are 16 bits, so that a candidate takes 8 bytes: roles from
 * FA_KEY_DYN on (only in policies of more than 65,533 roles) are filed as
 * if dynamic, which is checked per candidate and so stays exact. */
#define FA_KEY_ANY 0xffffu /* the endpoint "any" */
#define FA_KEY_DYN 0xfffeu /* a dynamic role: checked for every flow */

/* One candidate: key << 48 | ikey << 32 | rule index << 1 | reversed (a
 * "<->" rule seen with its DST role initiating), filed under the role keys
 * of both its sides; ordering the numbers orders by (key, ikey, rule). */
struct fa_cand {
	uint64_t kr;
};

static inline struct fa_cand fa_cand_make(uint32_t key, uint32_t ikey, uint32_t rule_rev)
{
	return (struct fa_cand){(uint64_t)key << 48 | (uint64_t)ikey << 32 | rule_rev};
}

static inline uint32_t fa_cand_key(struct fa_cand c)
{
	return (uint32_t)(c.kr >> 48);
}

static inline uint32_t fa_cand_ikey(struct fa_cand c)
{
	return (uint32_t)(c.kr >> 32) & 0xffffu;
}

static inline uint32_t fa_cand_rule_rev(struct fa_cand c)
{
	return (uint32_t)c.kr;
}

/* A span of candidates sorted by (key, ikey, rule): v[0] keyed by the
 * responder's role, v[1] the same rules keyed by the initiator's. */
struct fa_cand_list {
	const struct fa_cand *v[2];
	uint32_t n;
	uint32_t open[2]; /* where the "dynamic" and "any" keys start in each */
};

/* An allow rule's port range, for the nearest rule when nothing matches. */
struct fa_near_item {
	uint16_t lo, hi;
	uint32_t rule;
};

/* Rules of one IP protocol number (0 = rules for any protocol). */
struct fa_port_bucket {
	uint16_t *xport; /* single ports, ascending */
	uint32_t *xoff;  /* nx + 1 offsets into cands */
	size_t nx;
	uint16_t *rstart; /* range segments: starts ascending, rstart[0] = 0 */
	uint32_t *roff;   /* nr + 1 offsets into cands */
	size_t nr;
	struct fa_cand *cands;     /* by responder: key = its role, ikey = initiator's */
	struct fa_cand *cands_ini; /* the same by initiator: key and ikey swapped */
	uint32_t *open;            /* per slice (exact, then range) and side: the
	                            * offset of its first "dynamic" or "any" key */
	struct fa_rank64 *xrank; /* many ports: a bit per port, ranked per 64 */
	struct fa_near_item *near; /* allow rules by lo */
	uint32_t *near_maxhi;      /* index of the largest hi in near[0..i] */
	size_t nnear;
};

/* What matching reads of every candidate rule, packed apart from struct
 * fa_rule so that the part a large policy touches per flow stays in cache.
 * The application names are in one dense pool, read for most flows; what
 * only a why text needs is in the rule's text record. */
struct fa_mrule {
	uint32_t src_role, dst_role, policy;
	uint32_t apps_off; /* napps NUL-terminated names in fa_matcher.app_pool */
	uint32_t text;     /* where its record starts in fa_matcher.rtext (words) */
	uint16_t napps;
	uint8_t flags; /* enum fa_rule_flags, and FA_MRULE_SPORTS */
	uint8_t severity;
};

#define FA_MRULE_SPORTS 0x80 /* the rule names initiator ports */

/* A rule's text record: its initiator ports, service and the strings (application names, rule id, role names) side by side, so that
 * checking an application or writing a why text reads one or two
 * consecutive cache lines instead of half a dozen separate allocations.
 * Words: the header below, then nsports ranges, then per service item its
 * protocol, its number of ranges and the ranges (lo | hi << 16, FA_PROTO_ANY
 * for "any"), then the strings, NUL-terminated: the napps application names,
 * the rule id, the SRC and DST role names ("any" for the endpoint any). */
enum {
	FA_RT_NSPORTS,
	FA_RT_NITEMS,
	FA_RT_APPS, /* byte offsets of the strings from the record's start */
	FA_RT_ID,
	FA_RT_SRC,
	FA_RT_DST,
	FA_RT_HDR /* words in the header; the initiator ports follow */
};

static inline uint16_t fa_rt_lo(uint32_t w)
{
	return (uint16_t)w;
}

static inline uint16_t fa_rt_hi(uint32_t w)
{
	return (uint16_t)(w >> 16);
}

static inline const char *fa_rt_str(const uint32_t *t, int which)
{
	return (const char *)t + t[which];
}

struct fa_matcher {
	struct fa_seg_index fam[2]; /* [0] IPv4, [1] IPv6 */
	uint8_t *role_dyn;          /* per role: needs per-flow evaluation */
	uint32_t *dyn_roles;        /* dynamic role ids, ascending */
	size_t ndyn;
	uint32_t *dyn_scope; /* dynamic in-scope role ids */
	size_t ndyn_scope;
	struct fa_dyn_key *dkeys; /* sorted by k */
	size_t ndkeys;
	uint32_t *host_any; /* roles with a pattern no suffix narrows ("*cdn*") */
	size_t nhost_any;
	uint32_t *parent_off; /* nroles + 1 offsets into parents */
	uint32_t *parents;    /* dynamic roles that include each role */
	struct fa_port_bucket *proto[256];
	struct fa_mrule *mrules; /* per rule */
	char *app_pool;
	uint32_t *rtext;         /* the rules' text records (policy_pack.c) */
	uint32_t *role_name_off; /* per role: its name in role_names */
	char *role_names;
};

static inline const uint32_t *fa_rtext(const struct fa_matcher *m, uint32_t rule)
{
	return m->rtext + m->mrules[rule].text;
}

static inline const char *fa_role_name(const struct fa_matcher *m, uint32_t role)
{
	return role == FA_RULE_ROLE_ANY ? "any" : m->role_names + m->role_name_off[role];
}

/* Dynamic roles that may hold one endpoint; more than this and every
 * dynamic role is tried. */
#define FA_EP_CAND_MAX 32

/* One endpoint of a flow, looked up once per flow. */
struct fa_ep {
	const struct fa_policy_set *set;
	const struct fa_addr *addr;
	const char *const *names;
	size_t nnames;
	uint32_t asn;
	const char *country;
	const uint32_t *members; /* static roles containing addr */
	uint32_t nmembers;
	const uint32_t *dyn_labels;
	uint32_t ndyn_labels;
	bool seg_scope;
	bool cand_all; /* too many candidates: try every dynamic role */
	uint32_t ncand;
	uint32_t cand[FA_EP_CAND_MAX]; /* ascending */
};

/* policy_roles_index.c */
int fa_roles_build(struct fa_matcher *m, const struct fa_policy_set *set, char *errbuf,
                   size_t errlen);
void fa_roles_free(struct fa_matcher *m);
/* The segment holding addr in its family's index, or -1. */
long fa_seg_lookup(const struct fa_seg_index *fam, const struct fa_addr *addr);
/* Address elements without the index (FA_RE_NET, RANGE, ANY and built-ins). */
bool fa_addr_elem_has(const struct fa_role_elem *e, const struct fa_addr *a);

/* policy_roles.c */
/* Indexes host suffixes, ASNs, countries and inclusions of dynamic roles. */
int fa_dyn_index_build(struct fa_matcher *m, const struct fa_policy_set *set);
void fa_ep_init(struct fa_ep *ep, const struct fa_policy_set *set, const struct fa_addr *addr,
                const char *const *names, size_t nnames, uint32_t asn, const char *country);
bool fa_ep_has(const struct fa_ep *ep, uint32_t role);
/* The first role (declaration order) holding the endpoint, -1 for none. */
int32_t fa_ep_first_role(const struct fa_ep *ep);
bool fa_ep_in_scope(const struct fa_ep *ep);
/* Case-insensitive glob where '*' matches any run, dots included. */
bool fa_glob_match(const char *pat, const char *s);

/* policy_match_index.c: the candidate spans for one protocol and
 * responder port (at most 4: single port and range, the protocol's and
 * "any" protocol's). */
size_t fa_spans_for(const struct fa_matcher *m, uint8_t proto, uint16_t port,
                    struct fa_cand_list out[4]);

/* policy_pack.c: the packed rules, text records and role names. */
int fa_pack_build(struct fa_matcher *m, const struct fa_policy_set *set);
void fa_pack_free(struct fa_matcher *m);

/* policy_verdict.c: the why text of a verdict found through a rule
 * (denied, app-mismatch, app-unknown, wrong-direction), and of an
 * undocumented flow given its nearest rule: score 3 = only the initiator
 * port failed, 2 = the initiator's role, 1 = the responder's role, 0 =
 * both, -1 = the rule is only near by port number; rev = a "<->" rule
 * seen with its DST role initiating. */
void fa_why_verdict(char *buf, size_t len, const struct fa_policy_set *set,
                    const struct fa_policy_flow *flow, enum fa_verdict v, int32_t rule,
                    bool undetected);
void fa_why_undocumented(char *buf, size_t len, const struct fa_policy_set *set,
                         const struct fa_policy_flow *flow, const struct fa_ep *src,
                         const struct fa_ep *dst, int32_t rule, int score, bool rev);

#endif
