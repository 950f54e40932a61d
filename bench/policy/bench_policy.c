/* bench_policy.c - time per flow of fa_policy_match on a 10-rule and a
 * 10,000-rule policy, to show the cost does not grow with the policy.
 *
 * The policies are generated like a site running many products: each
 * product brings ten rules in the shape of the vendor tables (clients to
 * servers on 443, management SSH and SNMP, SIP both ways, an RTP range for
 * some, NTP to anywhere, a product-specific port, a deny) over its own
 * servers, clients, management hosts and external peers, some of these
 * named by host pattern. One product is the 10-rule policy; 1,000 are the
 * 10,000-rule one. Flows: 70% follow a random rule of the policy, 20% hit a
 * random port between its hosts, 10% are between outside addresses.
 *
 *     bench_policy [-n flows] [-r rounds] [-p products]...
 *
 * Prints, per policy size, the median CPU ns per flow over the rounds, the
 * verdict mix, and the median over rounds of the ratio to the first size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/policy.h"

struct gen {
	struct fa_policy_set set;
	struct fa_policy pol;
	struct fa_role_elem *elems;
	struct fa_svc_item *items;
	struct fa_port_range *ports;
	char **apps;
	char *strings; /* names, NAME_LEN each */
	char *globs;   /* host patterns, NAME_LEN each */
	uint64_t rng;
};

static uint32_t rnd(struct gen *g, uint32_t n)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (uint32_t)(g->rng % n);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fprintf(stderr, "bench_policy: out of memory\n");
		exit(1);
	}
	return p;
}

/* Names live in fixed slots so that the pointers stay valid. */
#define NAME_LEN 24

static char *name_slot(char *block, size_t i)
{
	return block + i * NAME_LEN;
}

static struct fa_addr v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	struct fa_addr x = {.b = {(uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d}, .ver = 4};
	return x;
}

enum { SRV, CLI, MGMT, EXT, ROLES_PER_PRODUCT };
enum { RULES_PER_PRODUCT = 10 };

/* Product k's hosts: servers 10.k1.k2.1-8, management 10.k1.k2.64/27
 * without .70, clients 172.16+k/16 /24 of its own, external peers the
 * public Internet or (one product in ten) names under vendor<k>.example. */
static struct fa_addr host_of(unsigned k, int role, unsigned i)
{
	unsigned k1 = 1 + k / 250, k2 = k % 250;
	switch (role) {
	case SRV: return v4(10, k1, k2, 1 + i % 8);
	case MGMT: return v4(10, k1, k2, 64 + i % 6);
	case CLI: return v4(172, 16 + k1 % 16, k2, 1 + i % 250);
	default: return v4(20 + i % 80, (k * 7) % 250, i % 250, 1 + k % 250);
	}
}

static void build_product(struct gen *g, unsigned k, struct fa_role *roles,
                          struct fa_role_elem *elems, struct fa_rule *rules,
                          struct fa_svc_item *items, struct fa_port_range *ports, char **apps,
                          char *names)
{
	static const char *const suffix[] = {"srv", "cli", "mgmt", "ext"};
	uint32_t base = k * ROLES_PER_PRODUCT;
	for (int r = 0; r < ROLES_PER_PRODUCT; r++) {
		struct fa_role *role = &roles[r];
		struct fa_role_elem *e = &elems[r * 2];
		char *nm = name_slot(names, base + (uint32_t)r);
		snprintf(nm, NAME_LEN, "p%u-%s", k, suffix[r]);
		role->name = nm;
		role->elems = e;
		role->bound = true;
		role->in_scope = r != EXT;
		switch (r) {
		case SRV:
			e[0] = (struct fa_role_elem){
			    .kind = FA_RE_RANGE, .a = host_of(k, SRV, 0), .b = host_of(k, SRV, 7)};
			role->nelems = 1;
			break;
		case CLI:
			e[0] = (struct fa_role_elem){
			    .kind = FA_RE_NET, .a = host_of(k, CLI, 0), .prefix = 24};
			e[0].a.b[3] = 0;
			role->nelems = 1;
			break;
		case MGMT:
			e[0] = (struct fa_role_elem){
			    .kind = FA_RE_NET, .a = v4(10, 1 + k / 250, k % 250, 64), .prefix = 27};
			e[1] = (struct fa_role_elem){.kind = FA_RE_NET,
			                             .a = host_of(k, MGMT, 6),
			                             .prefix = 32,
			                             .negate = true};
			role->nelems = 2;
			break;
		default:
			if (k % 10 == 3) {
				char *glob = name_slot(g->globs, k);
				snprintf(glob, NAME_LEN, "*.v%u.example", k);
				e[0] = (struct fa_role_elem){.kind = FA_RE_HOST, .host = glob};
			} else {
				e[0] = (struct fa_role_elem){.kind = FA_RE_PUBLIC};
			}
			role->nelems = 1;
			break;
		}
	}
	/* src, dst, flags, proto, lo, hi, app */
	struct row {
		int src, dst;
		uint32_t flags;
		uint8_t proto;
		uint16_t lo, hi;
		const char *app;
	} rows[RULES_PER_PRODUCT] = {
	    {CLI, SRV, 0, 6, 443, 443, "TLS"},
	    {SRV, EXT, 0, 6, 443, 443, "TLS"},
	    {MGMT, SRV, 0, 6, 22, 22, "SSH"},
	    {SRV, CLI, FA_RULE_BIDIR, 17, 5060, 5060, "SIP"},
	    {CLI, SRV, FA_RULE_BIDIR, 17, 10000, 20000, "RTP"},
	    {SRV, MGMT, 0, 17, 162, 162, "SNMP"},
	    {MGMT, SRV, 0, 17, 161, 161, "SNMP"},
	    {SRV, -1, 0, 17, 123, 123, "NTP"},
	    {CLI, SRV, 0, 6, 0, 0, NULL},
	    {EXT, SRV, FA_RULE_DENY, 6, 3389, 3389, NULL},
	};
	if (k % 5 != 0) { /* most products have no RTP range of their own */
		rows[4].lo = rows[4].hi = (uint16_t)(1024 + rnd(g, 48000));
		rows[4].app = NULL;
	}
	rows[8].lo = rows[8].hi = (uint16_t)(1024 + rnd(g, 48000));
	for (int i = 0; i < RULES_PER_PRODUCT; i++) {
		struct fa_rule *r = &rules[i];
		char *nm = name_slot(names, g->set.nroles + k * RULES_PER_PRODUCT + (uint32_t)i);
		snprintf(nm, NAME_LEN, "p%u-r%d", k, i);
		r->id = nm;
		r->flags = rows[i].flags;
		r->src_role = base + (uint32_t)rows[i].src;
		r->dst_role = rows[i].dst < 0 ? FA_RULE_ROLE_ANY : base + (uint32_t)rows[i].dst;
		items[i] =
		    (struct fa_svc_item){.proto = rows[i].proto, .ports = &ports[i], .nports = 1};
		ports[i] = (struct fa_port_range){rows[i].lo, rows[i].hi};
		r->svc.items = &items[i];
		r->svc.nitems = 1;
		if (rows[i].app) {
			apps[i] = (char *)rows[i].app;
			r->svc.apps = &apps[i];
			r->svc.napps = 1;
		}
	}
}

static void gen_policy(struct gen *g, unsigned products)
{
	size_t nroles = (size_t)products * ROLES_PER_PRODUCT;
	size_t nrules = (size_t)products * RULES_PER_PRODUCT;
	memset(&g->set, 0, sizeof(g->set));
	g->pol = (struct fa_policy){.name = "generated"};
	g->set.policies = &g->pol;
	g->set.npolicies = 1;
	g->set.roles = xcalloc(nroles, sizeof(struct fa_role));
	g->set.rules = xcalloc(nrules, sizeof(struct fa_rule));
	struct fa_role_elem *elems = g->elems = xcalloc(nroles * 2, sizeof(*elems));
	struct fa_svc_item *items = g->items = xcalloc(nrules, sizeof(*items));
	struct fa_port_range *ports = g->ports = xcalloc(nrules, sizeof(*ports));
	char **apps = g->apps = xcalloc(nrules, sizeof(char *));
	g->strings = xcalloc(nroles + nrules, NAME_LEN);
	g->globs = xcalloc(products, NAME_LEN);
	g->set.nroles = nroles;
	g->set.nrules = nrules;
	for (unsigned k = 0; k < products; k++)
		build_product(g, k, &g->set.roles[k * ROLES_PER_PRODUCT],
		              &elems[(size_t)k * ROLES_PER_PRODUCT * 2],
		              &g->set.rules[k * RULES_PER_PRODUCT], &items[k * RULES_PER_PRODUCT],
		              &ports[k * RULES_PER_PRODUCT], &apps[k * RULES_PER_PRODUCT],
		              g->strings);
}

static void free_policy(struct gen *g)
{
	fa_matcher_free(&g->set.matcher);
	free(g->elems);
	free(g->items);
	free(g->ports);
	free(g->apps);
	free(g->set.roles);
	free(g->set.rules);
	free(g->strings);
	free(g->globs);
}

/* ---- flows ---------------------------------------------------------------- */

struct flow_names {
	char dst[2][32];
};

static struct fa_addr member_of(struct gen *g, uint32_t role, unsigned products)
{
	if (role == FA_RULE_ROLE_ANY)
		return host_of(rnd(g, products), EXT, rnd(g, 1000));
	return host_of(role / ROLES_PER_PRODUCT, (int)(role % ROLES_PER_PRODUCT), rnd(g, 1000));
}

/* 60% follow a rule (80% of those with the rule's application), 10% the
 * same the other way round, 20% a random port between a rule's hosts, 10%
 * between outside addresses. */
static void gen_flows(struct gen *g, struct fa_policy_flow *f, struct flow_names *nm, size_t n,
                      unsigned products)
{
	static const char *const seen_app[] = {"TLS",  "TLS.Microsoft", "SIP",     "RTP", "SSH",
	                                       "SNMP", "NTP",           "Unknown", "HTTP"};
	for (size_t i = 0; i < n; i++) {
		struct fa_policy_flow *x = &f[i];
		uint32_t kind = rnd(g, 10);
		memset(x, 0, sizeof(*x));
		const struct fa_rule *r = &g->set.rules[rnd(g, (uint32_t)g->set.nrules)];
		const struct fa_port_range *p = &r->svc.items[0].ports[0];
		x->proto = r->svc.items[0].proto;
		x->sport = (uint16_t)(32768 + rnd(g, 28000));
		x->app = seen_app[rnd(g, sizeof(seen_app) / sizeof(*seen_app))];
		if (r->svc.napps && rnd(g, 5) != 0)
			x->app = r->svc.apps[0];
		if (kind == 9) {
			x->src = host_of(rnd(g, 1000), EXT, rnd(g, 1000));
			x->dst = host_of(rnd(g, 1000), EXT, rnd(g, 1000));
			x->dport = 443;
			continue;
		}
		x->src = member_of(g, r->src_role, products);
		x->dst = member_of(g, r->dst_role, products);
		x->dport = kind < 7 ? (uint16_t)(p->lo + rnd(g, (uint32_t)(p->hi - p->lo) + 1))
		                    : (uint16_t)(1 + rnd(g, 65535));
		if (r->dst_role != FA_RULE_ROLE_ANY &&
		    g->set.roles[r->dst_role].elems[0].kind == FA_RE_HOST) {
			const char *glob = g->set.roles[r->dst_role].elems[0].host;
			snprintf(nm[i].dst[0], sizeof(nm[i].dst[0]), "www%s", glob + 1);
			x->dst_names[0] = nm[i].dst[0];
		}
		if (kind == 6) { /* the responder opens the flow */
			struct fa_addr t = x->src;
			uint16_t port = x->sport;
			x->src = x->dst;
			x->dst = t;
			x->sport = x->dport;
			x->dport = port;
			x->src_names[0] = x->dst_names[0];
			x->dst_names[0] = NULL;
		}
	}
}

/* CPU time of this thread: other work on the machine slows it less than
 * wall time. */
static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define DISTINCT_FLOWS 65536
#define MAX_SIZES 8
#define MAX_ROUNDS 101

struct size_run {
	unsigned products;
	struct gen g;
	struct fa_policy_flow *flows;
	struct flow_names *names;
	double build_ms;
	double ns[MAX_ROUNDS];
	uint64_t counts[FA_V__COUNT];
};

static void prepare(struct size_run *sr)
{
	char err[256];
	sr->g.rng = 0x2545f4914f6cdd1dULL + sr->products;
	gen_policy(&sr->g, sr->products);
	double t0 = now_ns();
	if (fa_matcher_build(&sr->g.set, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_policy: %s\n", err);
		exit(1);
	}
	sr->build_ms = (now_ns() - t0) / 1e6;
	sr->flows = xcalloc(DISTINCT_FLOWS, sizeof(*sr->flows));
	sr->names = xcalloc(DISTINCT_FLOWS, sizeof(*sr->names));
	gen_flows(&sr->g, sr->flows, sr->names, DISTINCT_FLOWS, sr->products);
}

static double time_round(struct size_run *sr, size_t nflows)
{
	struct fa_match_opts opts = {.unknown_app = FA_UNKNOWN_APP_FLAG};
	memset(sr->counts, 0, sizeof(sr->counts));
	double start = now_ns();
	for (size_t i = 0; i < nflows; i++) {
		struct fa_policy_verdict v;
		fa_policy_match(&sr->g.set, &opts, &sr->flows[i % DISTINCT_FLOWS], &v);
		sr->counts[v.verdict]++;
	}
	return (now_ns() - start) / (double)nflows;
}

int main(int argc, char **argv)
{
	size_t nflows = 1000000;
	int rounds = 7;
	static struct size_run runs[MAX_SIZES];
	size_t nsizes = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			nflows = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc && nsizes < MAX_SIZES)
			runs[nsizes++].products = (unsigned)strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr,
			        "usage: bench_policy [-n flows] [-r rounds] [-p products]...\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || nflows < 1)
		return 2;
	if (!nsizes) {
		runs[nsizes++].products = 1;
		runs[nsizes++].products = 1000;
	}
	for (size_t k = 0; k < nsizes; k++) {
		if (runs[k].products < 1)
			return 2;
		prepare(&runs[k]);
	}
	/* sizes alternate within each round; ratios are taken per round */
	double ratio[MAX_SIZES][MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		for (size_t k = 0; k < nsizes; k++)
			runs[k].ns[r] = time_round(&runs[k], nflows);
		for (size_t k = 1; k < nsizes; k++)
			ratio[k][r] = runs[k].ns[r] / runs[0].ns[r];
	}
	printf("%zu flows per round (%d distinct), %d rounds, thread CPU time\n", nflows,
	       DISTINCT_FLOWS, rounds);
	for (size_t k = 0; k < nsizes; k++) {
		struct size_run *sr = &runs[k];
		double lo = sr->ns[0], hi = sr->ns[0];
		for (int r = 1; r < rounds; r++) {
			lo = sr->ns[r] < lo ? sr->ns[r] : lo;
			hi = sr->ns[r] > hi ? sr->ns[r] : hi;
		}
		printf("%6zu rules %5zu roles: build %7.2f ms, median %6.1f ns/flow (min %.1f, max "
		       "%.1f)",
		       sr->g.set.nrules, sr->g.set.nroles, sr->build_ms, median(sr->ns, rounds), lo,
		       hi);
		if (k > 0)
			printf(", median ratio to %zu rules %.2f", runs[0].g.set.nrules,
			       median(ratio[k], rounds));
		printf("\n       verdicts:");
		for (int v = 1; v < FA_V__COUNT; v++)
			printf(" %s %.1f%%", fa_verdict_name((enum fa_verdict)v),
			       100.0 * (double)sr->counts[v] / (double)nflows);
		printf("\n");
	}
	for (size_t k = 0; k < nsizes; k++) {
		free(runs[k].flows);
		free(runs[k].names);
		free_policy(&runs[k].g);
	}
	return 0;
}
