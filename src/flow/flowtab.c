/* flowtab.c - the bounded flow table: lookup, initiator, counters, timers.
 *
 * Layout: a chained hash table whose bucket array is sized once from
 * max_flows (a power of two, load factor <= 1, never resized), one
 * allocation per flow holding the struct fa_flow, a private tail and the
 * caller's user area, and a free list so ended flows' memory is reused.
 * At most max_flows flows are ever allocated.
 *
 * Timers run on packet time. Each timeout class (TCP, UDP, ICMP/ICMPv6,
 * other) keeps its flows in one list ordered by the time each was queued.
 * A packet only updates ts_last: moving the flow to the tail on every
 * packet touched three other flows' memory and cost about 30% of the
 * table's throughput with 100,000 flows. Instead a head that saw packets
 * since it was queued is re-queued when expiry or eviction reaches it
 * (at most once per packet, so amortised O(1)); once the head is a flow
 * untouched since queued, no flow behind it is older, so expiry and
 * eviction still look only at list heads.
 * Flows that saw FIN both ways or an RST move to a closing list, ordered by
 * the time they closed, and end after the linger.
 *
 * Expiry is driven by the caller (fa_flowtab_expire, which the engine calls
 * before each packet batch), but a packet never joins a flow that is already
 * due: if its own timestamp is past the flow's linger or idle timeout, the
 * old flow ends first (FIN/RST/IDLE) and the packet starts a new one. So
 * how often expire runs changes only when on_end is called, never which
 * packets make up which flow. */
#include "flow/flow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/fa_error.h"
#include "common/fa_time.h"
#include "flow/flow_int.h"

enum flow_list_id { L_TCP = 0, L_UDP, L_ICMP, L_OTHER, L_CLOSING, L__COUNT };

#define DEFAULT_MAX_FLOWS 1000000u
#define MAX_MAX_FLOWS (1u << 30)
#define DEFAULT_TCP_TIMEOUT (300 * FA_USEC_PER_SEC)
#define DEFAULT_UDP_TIMEOUT (60 * FA_USEC_PER_SEC)
#define DEFAULT_ICMP_TIMEOUT (30 * FA_USEC_PER_SEC)
#define DEFAULT_OTHER_TIMEOUT (60 * FA_USEC_PER_SEC)
#define DEFAULT_LINGER (2 * FA_USEC_PER_SEC)
#define USER_ALIGN 16

/* What the table keeps per flow besides the public struct. The flow comes
 * first so a struct fa_flow * is also a struct flow_node *. */
struct flow_node {
	struct fa_flow flow;
	struct flow_node *aprev, *anext; /* all live flows, in creation order */
	uint64_t queued_at;              /* ts_last when put on its timer list */
};

#define USER_OFFSET (((sizeof(struct flow_node) + USER_ALIGN - 1) / USER_ALIGN) * USER_ALIGN)

struct flow_list {
	struct fa_flow *head, *tail;
};

struct fa_flowtab {
	struct fa_flow **buckets;
	uint32_t mask;
	uint32_t max_flows;
	uint64_t seed;               /* bucket hash seed, random per table */
	uint64_t timeout[L_CLOSING]; /* per timeout class */
	uint64_t linger;
	size_t node_size;
	fa_flow_end_fn on_end;
	void *ctx;

	struct flow_list lists[L__COUNT];
	struct flow_node *all_head, *all_tail;
	struct fa_flow *free_flows; /* chained through hnext */
	struct fa_flowtab_stats st;
};

void *fa_flow_user(struct fa_flow *f)
{
	return f ? (uint8_t *)f + USER_OFFSET : NULL;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static enum flow_list_id class_of(uint8_t proto)
{
	switch (proto) {
	case FA_L4_TCP: return L_TCP;
	case FA_L4_UDP: return L_UDP;
	case FA_L4_ICMP:
	case FA_L4_ICMPV6: return L_ICMP;
	default: return L_OTHER;
	}
}

int fa_flowtab_new(struct fa_flowtab **out, const struct fa_flowtab_opts *opts)
{
	static const struct fa_flowtab_opts defaults;
	struct fa_flowtab *tab;
	uint32_t nbuckets = 1;

	if (!out)
		return FA_ERR_USAGE;
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->max_flows > MAX_MAX_FLOWS || opts->user_size > SIZE_MAX / 4)
		return FA_ERR_RANGE;

	tab = calloc(1, sizeof(*tab));
	if (!tab)
		return FA_ERR_NOMEM;
	tab->max_flows = opts->max_flows ? opts->max_flows : DEFAULT_MAX_FLOWS;
	tab->timeout[L_TCP] = opts->tcp_timeout_us ? opts->tcp_timeout_us : DEFAULT_TCP_TIMEOUT;
	tab->timeout[L_UDP] = opts->udp_timeout_us ? opts->udp_timeout_us : DEFAULT_UDP_TIMEOUT;
	tab->timeout[L_ICMP] = opts->icmp_timeout_us ? opts->icmp_timeout_us : DEFAULT_ICMP_TIMEOUT;
	tab->timeout[L_OTHER] =
	    opts->other_timeout_us ? opts->other_timeout_us : DEFAULT_OTHER_TIMEOUT;
	tab->linger = opts->linger_us ? opts->linger_us : DEFAULT_LINGER;
	tab->node_size =
	    USER_OFFSET + ((opts->user_size + USER_ALIGN - 1) / USER_ALIGN) * USER_ALIGN;
	tab->on_end = opts->on_end;
	tab->ctx = opts->ctx;

	while (nbuckets < tab->max_flows)
		nbuckets <<= 1;
	tab->buckets = calloc(nbuckets, sizeof(tab->buckets[0]));
	if (!tab->buckets)
		goto fail;
	tab->mask = nbuckets - 1;
	/* A secret seed keeps crafted traffic from piling flows into one
	 * chain. Bucket positions never decide callback order (the timer and
	 * creation lists do), so output stays deterministic; without entropy
	 * the table still works, only predictably. */
	if (getrandom(&tab->seed, sizeof(tab->seed), GRND_NONBLOCK) != sizeof(tab->seed))
		tab->seed = 0x9e3779b97f4a7c15ULL;
	*out = tab;
	return FA_OK;
fail:
	free(tab);
	return FA_ERR_NOMEM;
}

void fa_flowtab_free(struct fa_flowtab **tabp)
{
	struct fa_flowtab *tab;

	if (!tabp || !*tabp)
		return;
	tab = *tabp;
	for (struct flow_node *n = tab->all_head, *next; n; n = next) {
		next = n->anext;
		free(n);
	}
	for (struct fa_flow *f = tab->free_flows, *next; f; f = next) {
		next = f->hnext;
		free(f);
	}
	free(tab->buckets);
	free(tab);
	*tabp = NULL;
}

/* --- timer lists --- */

static void list_unlink(struct fa_flowtab *tab, struct fa_flow *f)
{
	struct flow_list *l = &tab->lists[f->list];

	if (f->lprev)
		f->lprev->lnext = f->lnext;
	else
		l->head = f->lnext;
	if (f->lnext)
		f->lnext->lprev = f->lprev;
	else
		l->tail = f->lprev;
	f->lprev = f->lnext = NULL;
}

static void list_append(struct fa_flowtab *tab, struct fa_flow *f, enum flow_list_id id)
{
	struct flow_list *l = &tab->lists[id];

	f->list = (uint8_t)id;
	((struct flow_node *)f)->queued_at = f->ts_last;
	f->lnext = NULL;
	f->lprev = l->tail;
	if (l->tail)
		l->tail->lnext = f;
	else
		l->head = f;
	l->tail = f;
}

/* When f is due to end, and why: the linger of a closing flow, else the
 * idle timeout of its class. */
static uint64_t deadline(const struct fa_flowtab *tab, const struct fa_flow *f)
{
	if (f->list == L_CLOSING)
		return f->close_at;
	return sat_add(f->ts_last, tab->timeout[f->list]);
}

static enum fa_flow_end due_reason(const struct fa_flow *f)
{
	return f->list == L_CLOSING ? (enum fa_flow_end)f->close_reason : FA_END_IDLE;
}

/* --- ending flows --- */

static void end_flow(struct fa_flowtab *tab, struct fa_flow *f, enum fa_flow_end why)
{
	struct flow_node *n = (struct flow_node *)f;
	struct fa_flow **pp = &tab->buckets[f->hash & tab->mask];

	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	list_unlink(tab, f);
	if (n->aprev)
		n->aprev->anext = n->anext;
	else
		tab->all_head = n->anext;
	if (n->anext)
		n->anext->aprev = n->aprev;
	else
		tab->all_tail = n->aprev;

	tab->st.active--;
	tab->st.ended[why]++;
	if (tab->on_end)
		tab->on_end(f, why, tab->ctx);
	f->hnext = tab->free_flows;
	tab->free_flows = f;
}

/* Re-queues heads of a timeout-class list that saw packets since they were
 * queued, until the head is the list's least recently used flow. */
static void settle(struct fa_flowtab *tab, enum flow_list_id id)
{
	struct fa_flow *f;

	while ((f = tab->lists[id].head) && f->ts_last > ((struct flow_node *)f)->queued_at) {
		list_unlink(tab, f);
		list_append(tab, f, id);
	}
}

/* The flow to end first among list heads: smallest key, lowest list on ties. */
static struct fa_flow *oldest_head(struct fa_flowtab *tab, bool by_deadline)
{
	struct fa_flow *best = NULL;
	uint64_t best_key = 0;

	for (int i = 0; i < L__COUNT; i++) {
		struct fa_flow *f;
		uint64_t key;

		if (i != L_CLOSING)
			settle(tab, (enum flow_list_id)i);
		f = tab->lists[i].head;
		if (!f)
			continue;
		key = by_deadline ? deadline(tab, f) : f->ts_last;
		if (!best || key < best_key) {
			best = f;
			best_key = key;
		}
	}
	return best;
}

void fa_flowtab_expire(struct fa_flowtab *tab, uint64_t now_us)
{
	struct fa_flow *f;

	if (!tab)
		return;
	/* Merging the list heads by deadline ends flows in the order their
	 * time ran out, whatever their class. */
	while ((f = oldest_head(tab, true)) && deadline(tab, f) <= now_us)
		end_flow(tab, f, due_reason(f));
}

/* Makes room for one flow: the least recently used flow goes. A flow that
 * is already due at `now` (or closing) ends with its own reason, since
 * calling it evicted would hide how it really ended. */
static void evict_one(struct fa_flowtab *tab, uint64_t now)
{
	struct fa_flow *f = oldest_head(tab, false);

	if (!f)
		return;
	if (f->list == L_CLOSING || deadline(tab, f) <= now)
		end_flow(tab, f, due_reason(f));
	else
		end_flow(tab, f, FA_END_EVICTED);
}

void fa_flowtab_flush(struct fa_flowtab *tab, enum fa_flow_end why)
{
	if (!tab || why >= FA_END__COUNT)
		return;
	while (tab->all_head) {
		struct fa_flow *f = &tab->all_head->flow;

		end_flow(tab, f, f->list == L_CLOSING ? (enum fa_flow_end)f->close_reason : why);
	}
}

void fa_flowtab_foreach(struct fa_flowtab *tab, void (*fn)(struct fa_flow *, void *), void *ctx)
{
	if (!tab || !fn)
		return;
	for (struct flow_node *n = tab->all_head; n; n = n->anext)
		fn(&n->flow, ctx);
}

void fa_flowtab_stats(const struct fa_flowtab *tab, struct fa_flowtab_stats *out)
{
	if (!out)
		return;
	if (!tab) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = tab->st;
}

/* --- packets --- */

static struct fa_flow *lookup(struct fa_flowtab *tab, const struct fa_flow_key *k, uint32_t hash,
                              enum fa_dir *dir)
{
	for (struct fa_flow *f = tab->buckets[hash & tab->mask]; f; f = f->hnext) {
		if (f->hash == hash && fa_flow_key_match(f, k, dir))
			return f;
	}
	return NULL;
}

/* Who started the flow, judged from its first packet: true when the sender
 * of that packet is the initiator. */
static bool sender_initiates(const struct fa_pkt *pkt, const struct fa_flow_key *k,
                             enum fa_initiator *how)
{
	uint8_t fl = pkt->tcp_flags;
	bool s_svc, d_svc;

	if (k->proto != FA_L4_TCP) {
		*how = FA_INIT_FIRST;
		return true;
	}
	if ((fl & FA_TCP_SYN) && !(fl & FA_TCP_ACK)) {
		*how = FA_INIT_SYN;
		return true;
	}
	*how = FA_INIT_INFERRED;
	if (fl & FA_TCP_SYN) /* SYN+ACK: the receiver asked for the connection */
		return false;
	/* Joined mid-stream: the side on a service port is the server; else
	 * the lower port (servers bind low, clients draw high ephemeral
	 * ports); a tie says nothing, so the receiver is taken as server. */
	s_svc = fa_flow_is_service_port(k->proto, k->sport);
	d_svc = fa_flow_is_service_port(k->proto, k->dport);
	if (s_svc != d_svc)
		return d_svc;
	return k->sport >= k->dport;
}

static struct fa_flow *create(struct fa_flowtab *tab, const struct fa_pkt *pkt,
                              const struct fa_flow_key *k, uint32_t hash, enum fa_dir *dir)
{
	struct fa_flow *f;
	struct flow_node *n;
	enum fa_initiator how;
	bool fwd;

	if (tab->st.active >= tab->max_flows)
		evict_one(tab, pkt->ts_us);
	if (tab->st.active >= tab->max_flows)
		return NULL;
	if (tab->free_flows) {
		f = tab->free_flows;
		tab->free_flows = f->hnext;
	} else {
		f = aligned_alloc(USER_ALIGN, tab->node_size);
		if (!f)
			return NULL;
	}
	memset(f, 0, tab->node_size);
	n = (struct flow_node *)f;

	fwd = sender_initiates(pkt, k, &how);
	f->initiator = (uint8_t)how;
	f->src = fwd ? k->src : k->dst;
	f->dst = fwd ? k->dst : k->src;
	f->sport = fwd ? k->sport : k->dport;
	f->dport = fwd ? k->dport : k->sport;
	f->proto = k->proto;
	f->nvlan = k->nvlan;
	memcpy(f->vlan, k->vlan, sizeof(f->vlan));
	f->tunnel = pkt->tunnel;
	f->ts_first = f->ts_last = pkt->ts_us;
	f->hash = hash;
	*dir = fwd ? FA_DIR_FWD : FA_DIR_REV;

	f->hnext = tab->buckets[hash & tab->mask];
	tab->buckets[hash & tab->mask] = f;
	list_append(tab, f, class_of(f->proto));
	n->aprev = tab->all_tail;
	if (tab->all_tail)
		tab->all_tail->anext = n;
	else
		tab->all_head = n;
	tab->all_tail = n;

	tab->st.active++;
	tab->st.created++;
	if (tab->st.active > tab->st.peak_active)
		tab->st.peak_active = tab->st.active;
	return f;
}

/* Counts a packet travelling `dir` on f; moves f to the closing list on
 * FIN both ways or RST. */
static void account(struct fa_flowtab *tab, struct fa_flow *f, const struct fa_pkt *pkt,
                    enum fa_dir dir)
{
	f->pkts[dir]++;
	f->bytes[dir] += pkt->ip_len;
	if (pkt->ts_us > f->ts_last)
		f->ts_last = pkt->ts_us;
	if (pkt->ts_us < f->ts_first)
		f->ts_first = pkt->ts_us;

	if (f->proto == FA_L4_TCP && !pkt->icmp_error)
		f->tcp_seen[dir] |= pkt->tcp_flags;
	if (f->list == L_CLOSING)
		return; /* late packets count, but the linger is not extended */
	if (f->proto != FA_L4_TCP || pkt->icmp_error)
		return;
	if (pkt->tcp_flags & FA_TCP_RST)
		f->close_reason = FA_END_RST;
	else if ((f->tcp_seen[FA_DIR_FWD] & FA_TCP_FIN) && (f->tcp_seen[FA_DIR_REV] & FA_TCP_FIN))
		f->close_reason = FA_END_FIN;
	else
		return;
	f->close_at = sat_add(pkt->ts_us, tab->linger);
	list_unlink(tab, f);
	list_append(tab, f, L_CLOSING);
}

struct fa_flow *fa_flowtab_packet(struct fa_flowtab *tab, const struct fa_pkt *pkt,
                                  enum fa_dir *dirp, bool *createdp)
{
	struct fa_flow_key k;
	struct fa_flow *f;
	enum fa_dir dir = FA_DIR_FWD;
	bool created = false;
	uint32_t hash;

	if (createdp)
		*createdp = false;
	if (!tab || !pkt)
		return NULL;
	fa_flow_key_from_pkt(pkt, &k);
	hash = fa_flow_key_hash(&k, tab->seed);
	f = lookup(tab, &k, hash, &dir);
	if (f && deadline(tab, f) <= pkt->ts_us) {
		end_flow(tab, f, due_reason(f));
		f = NULL;
	}

	if (pkt->icmp_error) {
		if (!f) {
			tab->st.icmp_errors_unmatched++;
			return NULL;
		}
		tab->st.icmp_errors_matched++;
		f->icmp_errors++;
		/* The error goes back towards the quoted packet's sender. */
		dir = dir == FA_DIR_FWD ? FA_DIR_REV : FA_DIR_FWD;
	} else if (!f) {
		f = create(tab, pkt, &k, hash, &dir);
		if (!f)
			return NULL;
		created = true;
	}
	account(tab, f, pkt, dir);
	if (dirp)
		*dirp = dir;
	if (createdp)
		*createdp = created;
	return f;
}
