/* test_policy_match_equiv.c - the indexed matcher against a plain linear
 * scan written here from the verdict rules: random policies of a few
 * hundred rules, 10,000 random flows each, every unknown-app mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <strings.h>

#include <cmocka.h>

#include "test_policy_match_fixture.h"

/* ---- the reference: every role element and rule, one by one -------------- */

struct ref_ep {
	const struct fa_addr *a;
	const char *const *names;
	uint32_t asn;
	const char *cc;
};

static bool ref_glob(const char *p, const char *s)
{
	if (*p == '\0')
		return *s == '\0';
	if (*p == '*')
		return ref_glob(p + 1, s) || (*s && ref_glob(p, s + 1));
	return *s && (*p | 0x20) == (*s | 0x20) && ref_glob(p + 1, s + 1);
}

static bool ref_prefix(const struct fa_addr *a, const struct fa_addr *net, unsigned prefix)
{
	if (a->ver != net->ver)
		return false;
	for (unsigned i = 0; i < prefix && i < (a->ver == 4 ? 32u : 128u); i++) {
		unsigned bit = 0x80u >> (i % 8);
		if ((a->b[i / 8] & bit) != (net->b[i / 8] & bit))
			return false;
	}
	return true;
}

static bool ref_private(const uint8_t *b, int ver)
{
	static const uint8_t loop6[16] = {[15] = 1};
	if (ver == 4)
		return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || b[0] == 127 ||
		       (b[0] == 169 && b[1] == 254) || (b[0] == 100 && (b[1] & 0xc0) == 64);
	return (b[0] & 0xfe) == 0xfc || memcmp(b, loop6, 16) == 0 ||
	       (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
}

static bool ref_multicast(const uint8_t *b, int ver)
{
	if (ver == 4)
		return (b[0] & 0xf0) == 224 ||
		       (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255);
	return b[0] == 0xff;
}

static bool ref_public(const uint8_t *b, int ver)
{
	if (ref_private(b, ver) || ref_multicast(b, ver))
		return false;
	if (ver == 4)
		return b[0] != 0 && (b[0] & 0xf0) != 240 &&
		       !(b[0] == 192 && b[1] == 0 && b[2] == 0) &&
		       !(b[0] == 198 && (b[1] & 0xfe) == 18);
	return (b[0] & 0xe0) == 0x20;
}

static bool ref_has(const struct fa_policy_set *s, uint32_t r, const struct ref_ep *ep);

static bool ref_elem(const struct fa_policy_set *s, const struct fa_role_elem *e,
                     const struct ref_ep *ep)
{
	const struct fa_addr *a = ep->a;
	size_t len = a->ver == 4 ? 4 : 16;
	switch (e->kind) {
	case FA_RE_NET: return ref_prefix(a, &e->a, e->prefix);
	case FA_RE_RANGE:
		return a->ver == e->a.ver && memcmp(a->b, e->a.b, len) >= 0 &&
		       memcmp(a->b, e->b.b, len) <= 0;
	case FA_RE_ANY: return true;
	case FA_RE_PRIVATE: return ref_private(a->b, a->ver);
	case FA_RE_PUBLIC: return ref_public(a->b, a->ver);
	case FA_RE_MULTICAST: return ref_multicast(a->b, a->ver);
	case FA_RE_HOST:
		for (int i = 0; i < 2; i++) {
			if (ep->names[i] && ref_glob(e->host, ep->names[i]))
				return true;
		}
		return false;
	case FA_RE_ASN: return ep->asn && ep->asn == e->asn;
	case FA_RE_COUNTRY: return ep->cc && strcasecmp(ep->cc, e->country) == 0;
	case FA_RE_ROLE: return ref_has(s, e->role, ep);
	}
	return false;
}

static bool ref_has(const struct fa_policy_set *s, uint32_t r, const struct ref_ep *ep)
{
	bool in = false, out = false;
	if (r == FA_RULE_ROLE_ANY)
		return true;
	for (size_t i = 0; i < s->roles[r].nelems; i++) {
		const struct fa_role_elem *e = &s->roles[r].elems[i];
		if (ref_elem(s, e, ep))
			*(e->negate ? &out : &in) = true;
	}
	return in && !out;
}

static int32_t ref_first(const struct fa_policy_set *s, const struct ref_ep *ep)
{
	for (uint32_t r = 0; r < s->nroles; r++) {
		if (ref_has(s, r, ep))
			return (int32_t)r;
	}
	return -1;
}

static bool ref_port(const struct fa_port_range *p, size_t n, uint16_t port)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++) {
		if (p[i].lo <= port && port <= p[i].hi)
			return true;
	}
	return false;
}

static bool ref_svc(const struct fa_rule *r, uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < r->svc.nitems; i++) {
		const struct fa_svc_item *it = &r->svc.items[i];
		if ((it->proto == FA_PROTO_ANY || it->proto == proto) &&
		    ref_port(it->ports, it->nports, port))
			return true;
	}
	return false;
}

static bool ref_app(const struct fa_rule *r, const char *seen)
{
	for (size_t i = 0; i < r->svc.napps; i++) {
		const char *w = r->svc.apps[i], *dot = strchr(seen, '.');
		if (strcasecmp(w, seen) == 0)
			return true;
		if (dot &&
		    ((strlen(w) == (size_t)(dot - seen) && strncasecmp(w, seen, strlen(w)) == 0) ||
		     strcasecmp(w, dot + 1) == 0))
			return true;
	}
	return false;
}

/* Does rule r cover initiator i -> responder d on the responder port, in
 * orientation rev (a "<->" rule with its DST side initiating)? */
static bool ref_cover(const struct fa_policy_set *s, const struct fa_rule *r, bool rev,
                      const struct ref_ep *i, const struct ref_ep *d, uint8_t proto, uint16_t iport,
                      uint16_t dport)
{
	if (rev && !(r->flags & FA_RULE_BIDIR))
		return false;
	return ref_svc(r, proto, dport) && ref_has(s, rev ? r->dst_role : r->src_role, i) &&
	       ref_has(s, rev ? r->src_role : r->dst_role, d) &&
	       ref_port(r->src_ports, r->nsrc_ports, rev ? dport : iport);
}

static void ref_match(const struct fa_policy_set *s, enum fa_unknown_app_mode mode,
                      const struct fa_policy_flow *f, struct fa_policy_verdict *v)
{
	struct ref_ep src = {&f->src, f->src_names, f->src_asn, f->src_country};
	struct ref_ep dst = {&f->dst, f->dst_names, f->dst_asn, f->dst_country};
	bool undetected = !f->app || f->app_guessed || strcasecmp(f->app, "Unknown") == 0;
	memset(v, 0, sizeof(*v));
	v->rule = v->policy = -1;
	v->src_role = ref_first(s, &src);
	v->dst_role = ref_first(s, &dst);
	bool scope = false;
	for (uint32_t r = 0; r < s->nroles; r++)
		scope |= s->roles[r].in_scope && (ref_has(s, r, &src) || ref_has(s, r, &dst));
	if (!scope) {
		v->verdict = FA_V_OUT_OF_SCOPE;
		return;
	}
	int32_t found[FA_V__COUNT];
	bool allow_rev = false;
	for (int k = 0; k < FA_V__COUNT; k++)
		found[k] = -1;
	for (uint32_t n = 0; n < s->nrules; n++) {
		const struct fa_rule *r = &s->rules[n];
		for (int rev = 0; rev < 2; rev++) {
			if (!ref_cover(s, r, rev, &src, &dst, f->proto, f->sport, f->dport))
				continue;
			enum fa_verdict kind = FA_V_ALLOWED;
			if (r->flags & FA_RULE_DENY) {
				if (r->svc.napps && (undetected || !ref_app(r, f->app)))
					continue;
				kind = FA_V_DENIED;
			} else if (r->svc.napps && undetected) {
				kind = mode == FA_UNKNOWN_APP_ALLOW  ? FA_V_ALLOWED
				       : mode == FA_UNKNOWN_APP_FLAG ? FA_V_APP_UNKNOWN
				                                     : FA_V_APP_MISMATCH;
			} else if (r->svc.napps && !ref_app(r, f->app)) {
				kind = FA_V_APP_MISMATCH;
			}
			if (found[kind] < 0) {
				found[kind] = (int32_t)n;
				if (kind == FA_V_ALLOWED)
					allow_rev = rev;
			}
		}
		/* Swapped roles, the rule's port either on the flow's source (a
		 * reply-like flow) or on its destination (the documented responder
		 * connecting to the documented initiator's service port). */
		if (!(r->flags & FA_RULE_DENY) && found[FA_V_WRONG_DIRECTION] < 0 &&
		    (ref_cover(s, r, false, &dst, &src, f->proto, f->dport, f->sport) ||
		     ref_cover(s, r, true, &dst, &src, f->proto, f->dport, f->sport) ||
		     ref_cover(s, r, false, &dst, &src, f->proto, f->dport, f->dport) ||
		     ref_cover(s, r, true, &dst, &src, f->proto, f->dport, f->dport)))
			found[FA_V_WRONG_DIRECTION] = (int32_t)n;
	}
	static const enum fa_verdict order[] = {FA_V_DENIED, FA_V_ALLOWED, FA_V_APP_UNKNOWN,
	                                        FA_V_APP_MISMATCH, FA_V_WRONG_DIRECTION};
	static const uint8_t defaults[FA_V__COUNT] = {[FA_V_DENIED] = FA_SEV_HIGH,
	                                              [FA_V_APP_UNKNOWN] = FA_SEV_LOW,
	                                              [FA_V_APP_MISMATCH] = FA_SEV_HIGH,
	                                              [FA_V_WRONG_DIRECTION] = FA_SEV_MEDIUM};
	for (size_t k = 0; k < sizeof(order) / sizeof(*order); k++) {
		int32_t n = found[order[k]];
		if (n < 0)
			continue;
		const struct fa_rule *r = &s->rules[n];
		v->verdict = (uint8_t)order[k];
		v->rule = n;
		v->policy = (int32_t)r->policy;
		if (order[k] == FA_V_ALLOWED) {
			uint32_t sr = allow_rev ? r->dst_role : r->src_role;
			uint32_t dr = allow_rev ? r->src_role : r->dst_role;
			if (sr != FA_RULE_ROLE_ANY)
				v->src_role = (int32_t)sr;
			if (dr != FA_RULE_ROLE_ANY)
				v->dst_role = (int32_t)dr;
		} else {
			v->severity = r->severity ? r->severity : defaults[order[k]];
		}
		return;
	}
	v->verdict = FA_V_UNDOCUMENTED;
	v->severity = FA_SEV_MEDIUM;
}

/* ---- random policies and flows -------------------------------------------- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static const char *const hosts[] = {"*.teams.microsoft.com", "*.example.com", "api.example.com",
                                    "*cdn*", "exact.host"};
static const char *const names[] = {"a.teams.microsoft.com",
                                    "www.example.com",
                                    "api.example.com",
                                    "cdn3.net",
                                    "exact.host",
                                    "other.org",
                                    NULL};
static const char *const apps[] = {"TLS", "HTTP", "SIP", "RTP", "DNS", "Microsoft", "SSH"};
static const char *const seen_apps[] = {"TLS", "TLS.Microsoft", "HTTP", "HTTP.Google", "SIP", "RTP",
                                        "DNS", "Unknown",       NULL,   "OpenVPN",     "ssh"};
static const char *const countries[] = {"DE", "FR", "US"};
static const uint16_t ports[] = {22, 53, 80, 123, 161, 162, 443, 3478, 5060, 5061, 8080, 1024};
static const struct fa_port_range ranges[] = {{1024, 65535}, {5060, 5070}, {8000, 8100}, {1, 1023}};
static const uint8_t protos[] = {6, 17, 6, 17, 6, 17, 6, 17, 6, 17, 1, FA_PROTO_ANY};

/* Addresses near role boundaries: the flows draw from these. */
static struct fa_addr pool[1024];
static size_t npool;

static void pool_add(struct fa_addr a)
{
	if (npool < sizeof(pool) / sizeof(*pool))
		pool[npool++] = a;
}

static struct fa_addr bump(struct fa_addr a, int d)
{
	int last = a.ver == 4 ? 3 : 15;
	for (int i = last; i >= 0; i--) {
		int x = a.b[i] + d;
		a.b[i] = (uint8_t)x;
		if (x >= 0 && x <= 255)
			break;
	}
	return a;
}

static struct fa_addr random_addr(int ver)
{
	struct fa_addr a = {.ver = (uint8_t)ver};
	static const uint8_t first4[] = {10, 10, 10, 192, 172, 8, 224, 100, 203};
	if (ver == 4) {
		a.b[0] = first4[rnd(sizeof(first4))];
		a.b[1] = (uint8_t)rnd(4);
		a.b[2] = (uint8_t)rnd(4);
		a.b[3] = (uint8_t)rnd(256);
	} else {
		static const uint8_t first6[][2] = {{0x20, 0x01}, {0xfd, 0x00}, {0xff, 0x02}};
		memcpy(a.b, first6[rnd(3)], 2);
		a.b[2] = 0x0d;
		a.b[3] = 0xb8;
		a.b[7] = (uint8_t)rnd(3);
		a.b[15] = (uint8_t)rnd(256);
	}
	return a;
}

static struct fa_role_elem random_elem(struct tb *t, uint32_t self)
{
	struct fa_role_elem e = {0};
	uint32_t k = rnd(40);
	if (k >= 20) /* mostly plain prefixes */
		k = rnd(8);
	if (k < 8) {
		int ver = rnd(4) ? 4 : 6;
		e.kind = FA_RE_NET;
		e.a = random_addr(ver);
		e.prefix = (uint8_t)(ver == 4 ? 22 + rnd(11) : 112 + rnd(17));
		pool_add(e.a);
		pool_add(bump(e.a, -1));
	} else if (k < 11) {
		e.kind = FA_RE_RANGE;
		e.a = random_addr(4);
		e.b = e.a;
		e.b.b[3] = (uint8_t)(e.a.b[3] + rnd((uint32_t)(256 - e.a.b[3])));
		pool_add(e.a);
		pool_add(e.b);
		pool_add(bump(e.a, -1));
		pool_add(bump(e.b, 1));
	} else if (k == 11 && rnd(4) == 0) {
		e.kind = (uint8_t)(FA_RE_ANY + rnd(4)); /* any, private, public, multicast */
	} else if (k <= 12) {
		e.kind = FA_RE_HOST;
		e.host = (char *)hosts[rnd(sizeof(hosts) / sizeof(*hosts))];
	} else if (k == 13) {
		e.kind = FA_RE_ASN;
		e.asn = 100 * (1 + rnd(3));
	} else if (k == 14) {
		e.kind = FA_RE_COUNTRY;
		memcpy(e.country, countries[rnd(3)], 2);
	} else if (self > 0) {
		e.kind = FA_RE_ROLE;
		e.role = rnd(self); /* earlier roles only: no cycles */
	} else {
		e.kind = FA_RE_PRIVATE;
	}
	(void)t;
	e.negate = rnd(4) == 0;
	return e;
}

static void random_policy(struct tb *t, size_t nroles, size_t nrules)
{
	struct fa_role_elem el[TB_ELEMS];
	npool = 0;
	for (size_t r = 0; r < nroles; r++) {
		size_t n = rnd(12) == 0 ? 0 : 1 + rnd(5);
		for (size_t i = 0; i < n; i++)
			el[i] = random_elem(t, (uint32_t)r);
		snprintf(t->names[TB_RULES + r], sizeof(t->names[0]), "role%u", (unsigned)r);
		tb_role_n(t, t->names[TB_RULES + r], rnd(3) == 0, el, n);
	}
	for (size_t n = 0; n < nrules; n++) {
		uint32_t src = rnd(40) ? rnd((uint32_t)nroles) : FA_RULE_ROLE_ANY;
		uint32_t dst = rnd(40) ? rnd((uint32_t)nroles) : FA_RULE_ROLE_ANY;
		uint32_t flags =
		    (rnd(10) == 0 ? FA_RULE_DENY : 0) | (rnd(5) == 0 ? FA_RULE_BIDIR : 0);
		uint8_t proto = protos[rnd(sizeof(protos))];
		snprintf(t->names[n], sizeof(t->names[0]), "r%zu", n);
		uint32_t r = tb_rule(t, t->names[n], flags, src, dst, proto, 0, 0);
		size_t nitems = 1 + rnd(2);
		for (size_t i = 0; i < nitems; i++) {
			size_t np = rnd(40) == 0 ? 0 : 1 + rnd(3);
			if (i > 0) {
				t->rules[r].svc.nitems++;
				t->items[r][i].proto = protos[rnd(sizeof(protos))];
				t->items[r][i].ports = t->ports[r][i];
			}
			for (size_t k = 0; k < np; k++) {
				struct fa_port_range pr;
				if (rnd(12) == 0) {
					pr = ranges[rnd(sizeof(ranges) / sizeof(*ranges))];
				} else {
					pr.lo = pr.hi = ports[rnd(sizeof(ports) / sizeof(*ports))];
				}
				t->ports[r][i][t->items[r][i].nports++] = pr;
			}
		}
		if (rnd(8) == 0) {
			uint16_t p = ports[rnd(sizeof(ports) / sizeof(*ports))];
			tb_rule_sport(t, r, p, p);
		}
		for (size_t a = rnd(3); a > 0; a--)
			tb_rule_app(t, r, apps[rnd(sizeof(apps) / sizeof(*apps))]);
		t->rules[r].severity = (uint8_t)(rnd(3) == 0 ? 1 + rnd(5) : 0);
		t->rules[r].policy = rnd(2);
	}
}

static struct fa_addr flow_addr(void)
{
	if (npool && rnd(4) != 0)
		return pool[rnd((uint32_t)npool)];
	return random_addr(rnd(4) ? 4 : 6);
}

static uint16_t flow_port(void)
{
	return rnd(3) ? ports[rnd(sizeof(ports) / sizeof(*ports))] : (uint16_t)(1 + rnd(65535));
}

static void random_flow(struct fa_policy_flow *f)
{
	static const uint8_t fprotos[] = {6, 17, 6, 17, 1, 47};
	memset(f, 0, sizeof(*f));
	f->proto = fprotos[rnd(sizeof(fprotos))];
	f->src = flow_addr();
	f->dst = flow_addr();
	f->sport = flow_port();
	f->dport = flow_port();
	f->app = seen_apps[rnd(sizeof(seen_apps) / sizeof(*seen_apps))];
	f->app_guessed = rnd(10) == 0;
	f->src_names[0] = names[rnd(sizeof(names) / sizeof(*names))];
	f->dst_names[1] = names[rnd(sizeof(names) / sizeof(*names))];
	f->src_asn = rnd(2) ? 0 : 100 * rnd(4);
	f->dst_asn = rnd(2) ? 0 : 100 * rnd(4);
	f->src_country = rnd(2) ? NULL : countries[rnd(3)];
	f->dst_country = rnd(2) ? NULL : countries[rnd(3)];
}

static void run_seed(uint64_t seed, size_t nroles, size_t nrules, size_t nflows)
{
	struct tb *t = tb_new();
	char err[200];
	unsigned seen[FA_V__COUNT] = {0};
	rng_state = seed;
	random_policy(t, nroles, nrules);
	assert_int_equal(fa_matcher_build(&t->set, err, sizeof(err)), 0);
	for (size_t i = 0; i < nflows; i++) {
		struct fa_policy_flow f;
		random_flow(&f);
		for (int mode = FA_UNKNOWN_APP_FLAG; mode <= FA_UNKNOWN_APP_MISMATCH; mode++) {
			struct fa_match_opts o = {.unknown_app = (enum fa_unknown_app_mode)mode};
			struct fa_policy_verdict got, want;
			fa_policy_match(&t->set, &o, &f, &got);
			ref_match(&t->set, o.unknown_app, &f, &want);
			if (got.verdict != want.verdict || got.severity != want.severity ||
			    got.src_role != want.src_role || got.dst_role != want.dst_role ||
			    (want.verdict != FA_V_UNDOCUMENTED && got.rule != want.rule) ||
			    (want.verdict != FA_V_UNDOCUMENTED && got.policy != want.policy)) {
				char a[FA_ADDR_STRLEN], b[FA_ADDR_STRLEN];
				print_error(
				    "seed %llu flow %zu mode %d: %u %s:%u -> %s:%u app %s: got "
				    "%s rule %d sev %u roles %d/%d, want %s rule %d sev %u "
				    "roles %d/%d (%s)\n",
				    (unsigned long long)seed, i, mode, f.proto,
				    fa_addr_str(&f.src, a, sizeof(a)), f.sport,
				    fa_addr_str(&f.dst, b, sizeof(b)), f.dport,
				    f.app ? f.app : "(null)", fa_verdict_name(got.verdict),
				    got.rule, got.severity, got.src_role, got.dst_role,
				    fa_verdict_name(want.verdict), want.rule, want.severity,
				    want.src_role, want.dst_role, got.why);
				fail();
			}
			bool needs_why =
			    got.verdict != FA_V_ALLOWED && got.verdict != FA_V_OUT_OF_SCOPE;
			assert_int_equal(got.why[0] != '\0', needs_why);
			seen[got.verdict]++;
		}
	}
	print_message("seed %llu:", (unsigned long long)seed);
	for (int v = 0; v < FA_V__COUNT; v++)
		print_message(" %s %u", fa_verdict_name((enum fa_verdict)v), seen[v]);
	print_message("\n");
	/* the random policy must exercise every verdict, or the test proves little */
	for (int v = FA_V_ALLOWED; v < FA_V__COUNT; v++) {
		if (!seen[v])
			print_error("seed %llu: no %s verdict\n", (unsigned long long)seed,
			            fa_verdict_name((enum fa_verdict)v));
		assert_true(seen[v] > 0);
	}
	tb_free(&t);
}

static void test_equivalence(void **state)
{
	(void)state;
	run_seed(0x9e3779b97f4a7c15u, 40, 300, 10000);
	run_seed(12345, 60, 500, 10000);
	run_seed(777, 20, 200, 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_equivalence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
