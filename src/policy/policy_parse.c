/* policy_parse.c - reads the statements of one policy or site file into the
 * policy set; names are resolved later by the loader (policy_load.c). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy_int.h"
#include "policy_lex.h"

struct parser {
	struct pl_ctx *c;
	struct pl_lexer lx;
	struct pl_token tok;
	size_t fi;
	uint32_t policy; /* UINT32_MAX until the header */
	bool site, included, failed, no_header;
	unsigned nstatements, header_line;
};

static struct fa_srcloc loc_of(const struct parser *p, const struct pl_token *t)
{
	struct fa_srcloc l = {p->c->set->files[p->fi], t->line, t->col};
	return l;
}

/* One error per statement: the rest of a broken line would only echo it. */
static void __attribute__((format(printf, 3, 4)))
perr(struct parser *p, const struct pl_token *t, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct fa_srcloc l = loc_of(p, t);
	pl_error(p->c, &l, "%s", msg);
}

static void next(struct parser *p)
{
	pl_lex_next(&p->lx, &p->tok);
	if (p->tok.kind == PL_ERROR)
		perr(p, &p->tok, "%s", p->lx.err);
}

static bool is_word(const struct parser *p, const char *w)
{
	return p->tok.kind == PL_WORD && strcmp(p->tok.text, w) == 0;
}

static bool at_end(const struct parser *p)
{
	return p->tok.kind == PL_EOL || p->tok.kind == PL_EOF;
}

static bool is_digit_word(const struct parser *p)
{
	return p->tok.kind == PL_WORD && p->tok.text[0] >= '0' && p->tok.text[0] <= '9';
}

static const char *describe(const struct pl_token *t)
{
	return t->kind == PL_WORD ? t->text : pl_tok_name(t->kind);
}

static bool valid_name(const char *s)
{
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (const char *q = s; *q; q++) {
		char ch = *q;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

/* Takes a name token: `what` says what it names, for messages. */
static const char *take_name(struct parser *p, const char *what)
{
	if (p->tok.kind != PL_WORD) {
		perr(p, &p->tok, "expected %s name, found %s", what, describe(&p->tok));
		return NULL;
	}
	if (!valid_name(p->tok.text)) {
		perr(p, &p->tok,
		     "bad %s name '%s': names are letters, digits, '_', '-' and '.', "
		     "starting with a letter",
		     what, p->tok.text);
		return NULL;
	}
	const char *s = p->tok.text;
	next(p);
	return s;
}

static const char *take_string(struct parser *p, const char *what)
{
	if (p->tok.kind != PL_STRING) {
		perr(p, &p->tok, "expected %s (a quoted string), found %s", what,
		     describe(&p->tok));
		return NULL;
	}
	const char *s = p->tok.text;
	next(p);
	return s;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	if (!*s)
		return false;
	unsigned long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			v = max + 1; /* saturate: still "too big" */
	}
	*out = v;
	return true;
}

/* ---- ports ---------------------------------------------------------------- */

static bool one_port(struct parser *p, const char *s, uint16_t *out)
{
	unsigned long v;
	if (!parse_uint(s, 65536, &v)) {
		perr(p, &p->tok, "bad port '%s': ports are numbers 1-65535", p->tok.text);
		return false;
	}
	if (v == 0 || v > 65535) {
		perr(p, &p->tok, "port %s is out of range: ports are 1-65535", s);
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

static bool parse_port_word(struct parser *p, struct fa_port_range *r)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", p->tok.text);
	char *dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (!one_port(p, buf, &r->lo))
		return false;
	r->hi = r->lo;
	if (dash && !one_port(p, dash + 1, &r->hi))
		return false;
	if (r->lo > r->hi) {
		perr(p, &p->tok, "port range %s is reversed (low-high)", p->tok.text);
		return false;
	}
	return true;
}

/* PORTS = port {"," port}: a comma followed by a number continues the list. */
static bool parse_ports(struct parser *p, struct fa_port_range **arr, size_t *n)
{
	size_t cap = *n;
	for (;;) {
		if (!is_digit_word(p)) {
			perr(p, &p->tok, "expected a port or port range, found %s",
			     describe(&p->tok));
			return false;
		}
		if (!pl_grow(arr, &cap, *n, sizeof(**arr))) {
			p->c->nomem = true;
			return false;
		}
		if (!parse_port_word(p, &(*arr)[*n]))
			return false;
		(*n)++;
		next(p);
		if (p->tok.kind != PL_COMMA)
			return true;
		/* look past the comma: a number continues this list */
		struct pl_lexer save = p->lx;
		struct pl_token comma = p->tok;
		next(p);
		if (!is_digit_word(p)) {
			p->lx = save;
			p->tok = comma;
			return true;
		}
	}
}

/* ---- services --------------------------------------------------------------- */

static const struct {
	const char *name;
	uint8_t num;
} protos[] = {{"tcp", 6},     {"udp", 17},    {"sctp", 132},
	      {"icmp", 1},    {"icmpv6", 58}, {"any", FA_PROTO_ANY}};

static bool proto_word(const char *s, uint8_t *num)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcmp(s, protos[i].name) == 0) {
			*num = protos[i].num;
			return true;
		}
	}
	unsigned long v;
	if (s[0] >= '0' && s[0] <= '9' && parse_uint(s, 256, &v) && v <= 255) {
		*num = (uint8_t)v;
		return true;
	}
	return false;
}

static bool starts_service(const struct parser *p)
{
	uint8_t num;
	return p->tok.kind == PL_WORD && (proto_word(p->tok.text, &num) || is_digit_word(p));
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

/* ITEM {"," ITEM}, ITEM = PROTO [PORTS] */
static bool parse_items(struct parser *p, struct fa_service *svc)
{
	size_t cap = svc->nitems;
	for (;;) {
		uint8_t num;
		if (p->tok.kind != PL_WORD || !proto_word(p->tok.text, &num)) {
			if (is_digit_word(p))
				perr(p, &p->tok, "protocol number %s is out of range (0-255)",
				     p->tok.text);
			else
				perr(p, &p->tok,
				     "unknown protocol '%s': use tcp, udp, sctp, icmp, icmpv6, "
				     "any or a number 0-255",
				     describe(&p->tok));
			return false;
		}
		if (!pl_grow(&svc->items, &cap, svc->nitems, sizeof(*svc->items))) {
			p->c->nomem = true;
			return false;
		}
		struct fa_svc_item *it = &svc->items[svc->nitems++];
		memset(it, 0, sizeof(*it));
		it->proto = num;
		next(p);
		if (is_digit_word(p)) {
			if (!has_ports(num)) {
				perr(p, &p->tok, "ports apply only to tcp, udp and sctp");
				return false;
			}
			if (!parse_ports(p, &it->ports, &it->nports))
				return false;
		}
		if (p->tok.kind != PL_COMMA)
			return true;
		next(p);
	}
}

static void suggest_cb(const char *name, void *fctx)
{
	pl_suggest_add(fctx, name);
}

static bool check_app(struct parser *p, char **out)
{
	const struct fa_app_names *an = p->c->opts->apps;
	char canon[128];
	const char *name = p->tok.text;
	if (p->tok.kind != PL_WORD) {
		perr(p, &p->tok, "expected an application name, found %s", describe(&p->tok));
		return false;
	}
	if (an && an->known) {
		if (!an->known(name, canon, sizeof(canon), an->ctx)) {
			struct pl_suggest sg;
			pl_suggest_init(&sg, name);
			if (an->foreach)
				an->foreach(suggest_cb, &sg, an->ctx);
			char hint[256];
			pl_suggest_format(&sg, hint, sizeof(hint));
			perr(p, &p->tok, "unknown application '%s';%s", name,
			     *hint ? hint : " see the protocol names of ndpiReader -H");
			return false;
		}
		name = canon;
	}
	*out = pl_strdup(p->c, name);
	next(p);
	return *out != NULL;
}

/* "app" NAME {"," NAME} (the current token is "app") */
static bool parse_apps(struct parser *p, struct fa_service *svc)
{
	size_t cap = svc->napps;
	next(p);
	for (;;) {
		if (!pl_grow(&svc->apps, &cap, svc->napps, sizeof(*svc->apps))) {
			p->c->nomem = true;
			return false;
		}
		if (!check_app(p, &svc->apps[svc->napps]))
			return false;
		svc->napps++;
		if (p->tok.kind != PL_COMMA)
			return true;
		next(p);
	}
}

/* secured / cleartext; false (without error) when it is neither */
static bool take_secured(struct parser *p, uint8_t *sec)
{
	if (is_word(p, "secured") || is_word(p, "cleartext")) {
		uint8_t v = is_word(p, "secured") ? FA_SEC_SECURED : FA_SEC_CLEARTEXT;
		if (*sec)
			perr(p, &p->tok, "'secured' or 'cleartext' given twice");
		*sec = v;
		next(p);
		return true;
	}
	return false;
}

static void st_service(struct parser *p)
{
	struct pl_ctx *c = p->c;
	struct fa_srcloc at = loc_of(p, &p->tok);
	const char *name = take_name(p, "service");
	if (!name)
		return;
	uint8_t num;
	if (proto_word(name, &num)) {
		perr(p, &p->tok, "'%s' is a protocol and cannot name a service", name);
		return;
	}
	int32_t prev = pl_find_service(c, p->policy, name);
	if (prev >= 0) {
		p->failed = true;
		pl_error(c, &at, "duplicate service '%s' in this policy (first defined at line %u)",
			 name, c->set->services[prev].loc.line);
		return;
	}
	if (p->tok.kind != PL_EQ) {
		perr(p, &p->tok, "expected '=' after the service name, found %s",
		     describe(&p->tok));
		return;
	}
	next(p);
	struct fa_service s = {0};
	s.loc = at;
	if (!parse_items(p, &s))
		goto fail;
	while (!at_end(p) && !p->failed) {
		if (is_word(p, "app")) {
			if (!parse_apps(p, &s))
				goto fail;
		} else if (!take_secured(p, &s.secured)) {
			perr(p, &p->tok, "unexpected %s in service: expected app, secured or "
			     "cleartext", describe(&p->tok));
		}
	}
	if (p->failed)
		goto fail;
	s.name = pl_strdup(c, name);
	if (!s.name || !pl_grow(&c->set->services, &c->services_cap, c->set->nservices,
				sizeof(s)) ||
	    !pl_grow(&c->svc_policy, &c->svc_policy_cap, c->set->nservices, sizeof(uint32_t))) {
		c->nomem = true;
		goto fail;
	}
	c->svc_policy[c->set->nservices] = p->policy;
	c->set->services[c->set->nservices++] = s;
	return;
fail:
	pl_service_clear(&s);
}

/* ---- roles ------------------------------------------------------------------- */

static bool parse_addr_word(struct parser *p, struct fa_role_elem *e)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", p->tok.text);
	char *slash = strchr(buf, '/'), *dash = strchr(buf, '-');
	if (slash) {
		*slash = '\0';
		unsigned long len;
		if (!fa_addr_parse(buf, &e->a)) {
			perr(p, &p->tok, "bad address '%s' in '%s'", buf, p->tok.text);
			return false;
		}
		unsigned max = e->a.ver == 4 ? 32 : 128;
		if (!parse_uint(slash + 1, 1000, &len) || len > max) {
			perr(p, &p->tok, "bad prefix length '/%s' for an IPv%u address (0-%u)",
			     slash + 1, e->a.ver, max);
			return false;
		}
		for (unsigned bit = (unsigned)len; bit < max; bit++) {
			if (e->a.b[bit / 8] & (0x80u >> (bit % 8))) {
				struct fa_addr net = e->a;
				for (unsigned b2 = (unsigned)len; b2 < max; b2++)
					net.b[b2 / 8] &= (uint8_t) ~(0x80u >> (b2 % 8));
				char ns[FA_ADDR_STRLEN];
				perr(p, &p->tok,
				     "'%s' has bits set after the prefix: the network is %s/%lu",
				     p->tok.text, fa_addr_str(&net, ns, sizeof(ns)), len);
				return false;
			}
		}
		e->kind = FA_RE_NET;
		e->prefix = (uint8_t)len;
		return true;
	}
	if (dash) {
		*dash = '\0';
		if (!fa_addr_parse(buf, &e->a) || !fa_addr_parse(dash + 1, &e->b)) {
			perr(p, &p->tok, "bad address range '%s': expected FIRST-LAST addresses",
			     p->tok.text);
			return false;
		}
		if (e->a.ver != e->b.ver) {
			perr(p, &p->tok, "address range '%s' mixes IPv4 and IPv6", p->tok.text);
			return false;
		}
		if (fa_addr_cmp(&e->a, &e->b) > 0) {
			perr(p, &p->tok, "address range '%s' is reversed (first-last)",
			     p->tok.text);
			return false;
		}
		e->kind = FA_RE_RANGE;
		return true;
	}
	if (!fa_addr_parse(buf, &e->a)) {
		perr(p, &p->tok, "bad address '%s'", p->tok.text);
		return false;
	}
	e->kind = FA_RE_NET;
	e->prefix = e->a.ver == 4 ? 32 : 128;
	return true;
}

static bool parse_elem(struct parser *p, uint32_t role, struct fa_role_elem *e)
{
	struct pl_ctx *c = p->c;
	memset(e, 0, sizeof(*e));
	if (p->tok.kind == PL_BANG) {
		e->negate = true;
		next(p);
	}
	if (p->tok.kind != PL_WORD) {
		perr(p, &p->tok, "expected a role member (address, network, range, role, host, "
		     "asn, country, any, private, public, multicast), found %s",
		     describe(&p->tok));
		return false;
	}
	const char *w = p->tok.text;
	static const struct {
		const char *w;
		uint8_t kind;
	} builtins[] = {{"any", FA_RE_ANY},
			{"private", FA_RE_PRIVATE},
			{"public", FA_RE_PUBLIC},
			{"multicast", FA_RE_MULTICAST}};
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (strcmp(w, builtins[i].w) == 0) {
			e->kind = builtins[i].kind;
			next(p);
			return true;
		}
	}
	if (strcmp(w, "host") == 0) {
		next(p);
		const char *h = take_string(p, "a host name pattern");
		if (!h)
			return false;
		if (!*h) {
			perr(p, &p->tok, "empty host name pattern");
			return false;
		}
		e->kind = FA_RE_HOST;
		e->host = pl_strdup(c, h);
		return e->host != NULL;
	}
	if (strcmp(w, "asn") == 0) {
		next(p);
		unsigned long v;
		if (p->tok.kind != PL_WORD || !parse_uint(p->tok.text, UINT32_MAX, &v) ||
		    v == 0 || v > UINT32_MAX) {
			perr(p, &p->tok, "expected an AS number 1-4294967295, found %s",
			     describe(&p->tok));
			return false;
		}
		e->kind = FA_RE_ASN;
		e->asn = (uint32_t)v;
		next(p);
		return true;
	}
	if (strcmp(w, "country") == 0) {
		next(p);
		const char *cc = p->tok.kind == PL_WORD ? p->tok.text : "";
		bool ok = strlen(cc) == 2;
		for (size_t i = 0; ok && i < 2; i++)
			ok = (cc[i] >= 'A' && cc[i] <= 'Z') || (cc[i] >= 'a' && cc[i] <= 'z');
		if (!ok) {
			perr(p, &p->tok, "expected a two-letter country code (ISO 3166-1), "
			     "found %s", describe(&p->tok));
			return false;
		}
		e->kind = FA_RE_COUNTRY;
		e->country[0] = (char)(cc[0] & ~0x20);
		e->country[1] = (char)(cc[1] & ~0x20);
		next(p);
		return true;
	}
	if (strchr(w, ':') || (w[0] >= '0' && w[0] <= '9')) {
		if (!parse_addr_word(p, e))
			return false;
		next(p);
		return true;
	}
	struct fa_srcloc at = loc_of(p, &p->tok);
	const char *name = take_name(p, "role");
	if (!name)
		return false;
	if (!pl_grow(&c->elem_refs, &c->elem_refs_cap, c->nelem_refs, sizeof(*c->elem_refs))) {
		c->nomem = true;
		return false;
	}
	struct pl_elem_ref *r = &c->elem_refs[c->nelem_refs];
	r->name = pl_strdup(c, name);
	if (!r->name)
		return false;
	r->role = role;
	r->elem = c->set->roles[role].nelems;
	r->loc = at;
	c->nelem_refs++;
	e->kind = FA_RE_ROLE;
	return true;
}

static const char *const reserved_roles[] = {"any",  "private", "public", "multicast",
					     "host", "asn",     "country", "port"};

static void st_role(struct parser *p)
{
	struct pl_ctx *c = p->c;
	struct fa_policy_set *set = c->set;
	struct fa_srcloc at = loc_of(p, &p->tok);
	const char *name = take_name(p, "role");
	if (!name)
		return;
	for (size_t i = 0; i < sizeof(reserved_roles) / sizeof(reserved_roles[0]); i++) {
		if (strcmp(name, reserved_roles[i]) == 0) {
			p->failed = true;
			pl_error(c, &at, "'%s' is a reserved word and cannot name a role", name);
			return;
		}
	}
	bool binds = p->tok.kind == PL_EQ;
	if (!binds && !at_end(p)) {
		perr(p, &p->tok, "expected '=' or the end of the line after the role name, "
		     "found %s", describe(&p->tok));
		return;
	}
	int32_t r = pl_find_role(set, name);
	if (p->site) {
		if (r < 0) {
			struct pl_suggest sg;
			pl_suggest_init(&sg, name);
			for (size_t i = 0; i < set->nroles; i++)
				pl_suggest_add(&sg, set->roles[i].name);
			char hint[256];
			pl_suggest_format(&sg, hint, sizeof(hint));
			p->failed = true;
			pl_error(c, &at, "the site binds role '%s', which no policy declares;%s",
				 name, *hint ? hint : " declare it in a policy first");
			return;
		}
		if (!binds) {
			perr(p, &p->tok, "a site file binds roles: role %s = MEMBERS", name);
			return;
		}
	}
	if (r >= 0) {
		struct fa_role *ro = &set->roles[r];
		for (size_t i = 0; !p->site && i < c->ndecls; i++) {
			if (c->decls[i].role == (uint32_t)r && c->decls[i].policy == p->policy) {
				p->failed = true;
				pl_error(c, &at,
					 "duplicate role '%s' in this policy (first declared at "
					 "%s:%u)",
					 name, c->decls[i].loc.file, c->decls[i].loc.line);
				return;
			}
		}
		if (binds && ro->bound) {
			p->failed = true;
			if (p->site && ro->bound_at.file == at.file)
				pl_error(c, &at, "role '%s' is bound twice in the site file (first "
					 "at line %u)", name, ro->bound_at.line);
			else if (p->site)
				pl_error(c, &at,
					 "role '%s' is already bound by its policy at %s:%u; bind a "
					 "role in its policy or in the site file, not both",
					 name, ro->bound_at.file, ro->bound_at.line);
			else
				pl_error(c, &at,
					 "role '%s' is also bound at %s:%u; when two policies share "
					 "a role, at most one may give its members",
					 name, ro->bound_at.file, ro->bound_at.line);
			return;
		}
	} else {
		if (!pl_grow(&set->roles, &c->roles_cap, set->nroles, sizeof(*set->roles))) {
			c->nomem = true;
			return;
		}
		struct fa_role *ro = &set->roles[set->nroles];
		memset(ro, 0, sizeof(*ro));
		ro->name = pl_strdup(c, name);
		if (!ro->name)
			return;
		ro->policy = p->policy;
		ro->loc = at;
		r = (int32_t)set->nroles++;
	}
	if (!p->site) {
		if (!pl_grow(&c->decls, &c->decls_cap, c->ndecls, sizeof(*c->decls))) {
			c->nomem = true;
			return;
		}
		struct pl_role_decl d = {(uint32_t)r, p->policy, binds, at};
		c->decls[c->ndecls++] = d;
	}
	if (!binds)
		return;
	next(p);
	struct fa_role *ro = &set->roles[r];
	size_t cap = ro->nelems;
	for (;;) {
		if (!pl_grow(&ro->elems, &cap, ro->nelems, sizeof(*ro->elems))) {
			c->nomem = true;
			return;
		}
		ro = &set->roles[r];
		if (!parse_elem(p, (uint32_t)r, &ro->elems[ro->nelems]))
			break;
		ro->nelems++;
		if (p->tok.kind != PL_COMMA)
			break;
		next(p);
	}
	if (!p->failed && !at_end(p))
		perr(p, &p->tok, "expected ',' or the end of the line, found %s",
		     describe(&p->tok));
	ro->bound = true;
	ro->bound_at = at;
}

/* ---- rules --------------------------------------------------------------------- */

static bool parse_endpoint(struct parser *p, char **name, struct fa_srcloc *at)
{
	*at = loc_of(p, &p->tok);
	if (is_word(p, "any")) {
		*name = NULL;
		next(p);
		return true;
	}
	const char *n = take_name(p, "role");
	if (!n)
		return false;
	*name = pl_strdup(p->c, n);
	return *name != NULL;
}

static bool parse_rule_options(struct parser *p, struct fa_rule *r, struct pl_rule_refs *rr,
			       bool named_svc)
{
	bool sev_seen = false;
	while (!at_end(p) && !p->failed) {
		struct pl_token t = p->tok;
		if (is_word(p, "app")) {
			if (named_svc) {
				perr(p, &t, "'app' after the named service '%s': give the "
				     "applications in the service, or write the service inline",
				     rr->svc);
				return false;
			}
			if (r->svc.napps) {
				perr(p, &t, "'app' given twice");
				return false;
			}
			if (!parse_apps(p, &r->svc))
				return false;
		} else if (take_secured(p, &rr->secured)) {
		} else if (is_word(p, "severity")) {
			next(p);
			enum fa_severity sev;
			if (p->tok.kind != PL_WORD || !fa_severity_parse(p->tok.text, &sev) ||
			    sev == FA_SEV_NONE) {
				perr(p, &p->tok, "unknown severity '%s': use info, low, medium, "
				     "high or critical", describe(&p->tok));
				return false;
			}
			if (sev_seen)
				perr(p, &t, "'severity' given twice");
			sev_seen = true;
			r->severity = (uint8_t)sev;
			next(p);
		} else if (is_word(p, "ref")) {
			next(p);
			const char *s = take_string(p, "the reference after 'ref'");
			if (!s)
				return false;
			if (r->ref)
				perr(p, &t, "'ref' given twice");
			else if (!(r->ref = pl_strdup(p->c, s)))
				return false;
		} else if (is_word(p, "optional") || is_word(p, "disabled")) {
			r->flags |= is_word(p, "optional") ? FA_RULE_OPTIONAL : FA_RULE_DISABLED;
			next(p);
		} else if (p->tok.kind == PL_STRING) {
			if (r->purpose)
				perr(p, &t, "a second purpose string: a rule has one");
			else if (!(r->purpose = pl_strdup(p->c, p->tok.text)))
				return false;
			next(p);
		} else {
			perr(p, &t,
			     "unexpected %s in rule: expected app, secured, cleartext, severity, "
			     "ref, optional, disabled or a quoted purpose",
			     describe(&t));
		}
	}
	return !p->failed;
}

static void st_rule(struct parser *p, bool deny)
{
	struct pl_ctx *c = p->c;
	struct fa_policy_set *set = c->set;
	struct fa_srcloc at = loc_of(p, &p->tok);
	const char *id = take_name(p, "rule");
	if (!id)
		return;
	for (size_t i = 0; i < set->nrules; i++) {
		if (strcmp(set->rules[i].id, id) == 0) {
			p->failed = true;
			pl_error(c, &at, "duplicate rule id '%s' (first defined at %s:%u)", id,
				 set->rules[i].loc.file, set->rules[i].loc.line);
			return;
		}
	}
	struct fa_rule r = {0};
	struct pl_rule_refs rr = {0};
	r.policy = p->policy;
	r.loc = at;
	r.flags = deny ? FA_RULE_DENY : 0;
	r.src_role = r.dst_role = FA_RULE_ROLE_ANY;
	if (!parse_endpoint(p, &rr.src, &rr.src_loc))
		goto fail;
	if (is_word(p, "port")) {
		next(p);
		if (!parse_ports(p, &r.src_ports, &r.nsrc_ports))
			goto fail;
	}
	if (p->tok.kind != PL_ARROW && p->tok.kind != PL_BIARROW) {
		perr(p, &p->tok, "expected '->' or '<->' after the initiator, found %s",
		     describe(&p->tok));
		goto fail;
	}
	if (p->tok.kind == PL_BIARROW)
		r.flags |= FA_RULE_BIDIR;
	next(p);
	if (!parse_endpoint(p, &rr.dst, &rr.dst_loc))
		goto fail;
	if (is_word(p, "port")) {
		perr(p, &p->tok, "'port' on the responder side: the responder's ports belong "
		     "to the service (e.g. tcp 443)");
		goto fail;
	}
	rr.svc_loc = loc_of(p, &p->tok);
	if (starts_service(p)) {
		if (!parse_items(p, &r.svc))
			goto fail;
	} else {
		const char *sn = take_name(p, "service");
		if (!sn || !(rr.svc = pl_strdup(c, sn)))
			goto fail;
	}
	if (!parse_rule_options(p, &r, &rr, rr.svc != NULL))
		goto fail;
	r.svc.secured = rr.secured;
	if (!(r.id = pl_strdup(c, id)) ||
	    !pl_grow(&set->rules, &c->rules_cap, set->nrules, sizeof(r)) ||
	    !pl_grow(&c->rule_refs, &c->rule_refs_cap, set->nrules, sizeof(rr))) {
		c->nomem = true;
		goto fail;
	}
	c->rule_refs[set->nrules] = rr;
	set->rules[set->nrules++] = r;
	return;
fail:
	free(r.id);
	free(r.src_ports);
	free(r.purpose);
	free(r.ref);
	pl_service_clear(&r.svc);
	free(rr.src);
	free(rr.dst);
	free(rr.svc);
}

/* ---- the other statements ---------------------------------------------------- */

static void st_scope(struct parser *p)
{
	struct pl_ctx *c = p->c;
	for (;;) {
		struct fa_srcloc at = loc_of(p, &p->tok);
		if (is_word(p, "any")) {
			perr(p, &p->tok, "'any' cannot be a scope: scope names roles whose "
			     "flows are audited");
			return;
		}
		const char *n = take_name(p, "role");
		if (!n)
			return;
		if (!pl_grow(&c->scopes, &c->scopes_cap, c->nscopes, sizeof(*c->scopes))) {
			c->nomem = true;
			return;
		}
		struct pl_scope_ref s = {pl_strdup(c, n), p->site ? UINT32_MAX : p->policy, at};
		if (!s.name)
			return;
		c->scopes[c->nscopes++] = s;
		if (p->tok.kind != PL_COMMA)
			break;
		next(p);
	}
	if (p->site)
		c->site_scope = true;
	else
		c->set->policies[p->policy].scope_set = true;
}

static void st_include(struct parser *p)
{
	struct pl_ctx *c = p->c;
	struct fa_srcloc at = loc_of(p, &p->tok);
	const char *s = take_string(p, "the file name after 'include'");
	if (!s || p->failed)
		return;
	if (!at_end(p)) {
		perr(p, &p->tok, "expected the end of the line after the include file name");
		return;
	}
	const char *cur = c->set->files[p->fi];
	const char *slash = strrchr(cur, '/');
	char path[PATH_MAX];
	if (s[0] != '/' && slash)
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - cur), cur, s);
	else
		snprintf(path, sizeof(path), "%s", s);
	char real[PATH_MAX];
	if (!realpath(path, real)) {
		p->failed = true;
		pl_error(c, &at, "cannot read included file '%s': %s", path, strerror(errno));
		return;
	}
	for (size_t i = 0; i < c->depth; i++) {
		if (strcmp(c->stack[i], real) == 0) {
			p->failed = true;
			pl_error(c, &at, "include cycle: '%s' is already being read", path);
			return;
		}
	}
	if (c->depth >= PL_MAX_INCLUDE_DEPTH) {
		p->failed = true;
		pl_error(c, &at, "includes nested deeper than %d files", PL_MAX_INCLUDE_DEPTH);
		return;
	}
	int fi = pl_read_file(c, path, &at);
	if (fi >= 0)
		pl_parse_file(c, (size_t)fi, p->policy, false);
}

static void st_policy(struct parser *p, const struct pl_token *kw)
{
	struct pl_ctx *c = p->c;
	if (p->included) {
		perr(p, kw, "'policy' header in an included file: an included file belongs "
		     "to the policy that includes it");
		return;
	}
	if (p->no_header) {
		perr(p, kw, "the 'policy' header must be the first statement of the file");
		return;
	}
	if (p->policy != UINT32_MAX) {
		perr(p, kw, "second 'policy' header (the first is at line %u): a file holds one "
		     "policy", p->header_line);
		return;
	}
	const char *name = take_string(p, "the policy name");
	if (!name)
		return;
	struct fa_policy pol = {0};
	if (!(pol.name = pl_strdup(c, name)))
		return;
	while (!at_end(p) && !p->failed) {
		bool src = is_word(p, "source");
		if (!src && !is_word(p, "version")) {
			perr(p, &p->tok, "unexpected %s after the policy name: expected source "
			     "or version", describe(&p->tok));
			break;
		}
		next(p);
		const char *v = take_string(p, src ? "the source document" : "the version");
		char **slot = src ? &pol.source : &pol.version;
		if (v && !*slot)
			*slot = pl_strdup(c, v);
	}
	pol.file = pl_strdup(c, c->set->files[p->fi]);
	if (!pl_grow(&c->set->policies, &c->policies_cap, c->set->npolicies, sizeof(pol))) {
		c->nomem = true;
		free(pol.name);
		free(pol.source);
		free(pol.version);
		free(pol.file);
		return;
	}
	p->policy = (uint32_t)c->set->npolicies;
	p->header_line = kw->line;
	c->set->policies[c->set->npolicies++] = pol;
}

/* After a missing header the file is still read, into a stand-in policy, so
 * every error in it is reported at once. */
static void stand_in_policy(struct parser *p)
{
	struct pl_ctx *c = p->c;
	struct fa_policy pol = {0};
	pol.name = pl_strdup(c, "(no policy header)");
	pol.file = pl_strdup(c, c->set->files[p->fi]);
	if (!pol.name || !pol.file ||
	    !pl_grow(&c->set->policies, &c->policies_cap, c->set->npolicies, sizeof(pol))) {
		c->nomem = true;
		free(pol.name);
		free(pol.file);
		return;
	}
	p->policy = (uint32_t)c->set->npolicies;
	p->no_header = true;
	c->set->policies[c->set->npolicies++] = pol;
}

static void statement(struct parser *p)
{
	struct pl_token kw = p->tok;
	if (kw.kind != PL_WORD) {
		perr(p, &kw, "expected a statement, found %s", describe(&kw));
		return;
	}
	p->nstatements++;
	const char *w = kw.text;
	if (p->site) {
		next(p);
		if (strcmp(w, "site") == 0) {
			const char *s = take_string(p, "the site name");
			if (s && p->c->set->site_name)
				perr(p, &kw, "second 'site' header");
			else if (s)
				p->c->set->site_name = pl_strdup(p->c, s);
		} else if (strcmp(w, "role") == 0) {
			st_role(p);
		} else if (strcmp(w, "scope") == 0) {
			st_scope(p);
		} else {
			perr(p, &kw, "'%s' is not a site file statement: a site file holds site, "
			     "role and scope", w);
		}
		return;
	}
	if (p->policy == UINT32_MAX && strcmp(w, "policy") != 0) {
		perr(p, &kw, "missing policy header: a policy file starts with policy \"NAME\"");
		stand_in_policy(p);
		return;
	}
	next(p);
	if (strcmp(w, "policy") == 0)
		st_policy(p, &kw);
	else if (strcmp(w, "role") == 0)
		st_role(p);
	else if (strcmp(w, "service") == 0)
		st_service(p);
	else if (strcmp(w, "rule") == 0 || strcmp(w, "deny") == 0)
		st_rule(p, w[0] == 'd');
	else if (strcmp(w, "scope") == 0)
		st_scope(p);
	else if (strcmp(w, "include") == 0)
		st_include(p);
	else
		perr(p, &kw, "unknown statement '%s': expected policy, role, service, rule, "
		     "deny, scope or include", w);
}

void pl_parse_file(struct pl_ctx *c, size_t fi, uint32_t policy_idx, bool site)
{
	struct parser p = {0};
	p.c = c;
	p.fi = fi;
	p.site = site;
	p.policy = policy_idx;
	p.included = policy_idx != UINT32_MAX;
	c->stack[c->depth++] = c->files[fi].real;
	pl_lex_init(&p.lx, c->files[fi].text, c->files[fi].len, c->files[fi].scratch);
	next(&p);
	while (p.tok.kind != PL_EOF && !c->nomem) {
		if (p.tok.kind != PL_EOL) {
			p.failed = p.tok.kind == PL_ERROR;
			if (!p.failed)
				statement(&p);
			if (!p.failed && !at_end(&p))
				perr(&p, &p.tok, "unexpected %s at the end of the statement",
				     describe(&p.tok));
		}
		while (!at_end(&p))
			next(&p);
		if (p.tok.kind == PL_EOL)
			next(&p);
	}
	c->depth--;
	if (!site && !p.included && p.policy == UINT32_MAX && !p.nstatements) {
		struct fa_srcloc l = {c->set->files[fi], 1, 1};
		pl_error(c, &l, "missing policy header: the file has no statements");
	}
}
