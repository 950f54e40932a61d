/* policy_parse_role.c - the role statement and its members: addresses,
 * networks, ranges, built-in sets, host names, AS numbers, countries and
 * other roles; in a site file, the binding of a declared role. */
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

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
			pp_err(p, &p->tok, "bad address '%s' in '%s'", buf, p->tok.text);
			return false;
		}
		unsigned max = e->a.ver == 4 ? 32 : 128;
		if (!pp_uint(slash + 1, 1000, &len) || len > max) {
			pp_err(p, &p->tok, "bad prefix length '/%s' for an IPv%u address (0-%u)",
			       slash + 1, e->a.ver, max);
			return false;
		}
		for (unsigned bit = (unsigned)len; bit < max; bit++) {
			if (e->a.b[bit / 8] & (0x80u >> (bit % 8))) {
				struct fa_addr net = e->a;
				for (unsigned b2 = (unsigned)len; b2 < max; b2++)
					net.b[b2 / 8] &= (uint8_t) ~(0x80u >> (b2 % 8));
				char ns[FA_ADDR_STRLEN];
				pp_err(p, &p->tok,
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
			pp_err(p, &p->tok, "bad address range '%s': expected FIRST-LAST addresses",
			       p->tok.text);
			return false;
		}
		if (e->a.ver != e->b.ver) {
			pp_err(p, &p->tok, "address range '%s' mixes IPv4 and IPv6", p->tok.text);
			return false;
		}
		if (fa_addr_cmp(&e->a, &e->b) > 0) {
			pp_err(p, &p->tok, "address range '%s' is reversed (first-last)",
			       p->tok.text);
			return false;
		}
		e->kind = FA_RE_RANGE;
		return true;
	}
	if (!fa_addr_parse(buf, &e->a)) {
		pp_err(p, &p->tok, "bad address '%s'", p->tok.text);
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
		pp_next(p);
	}
	if (p->tok.kind != PL_WORD) {
		pp_err(p, &p->tok,
		       "expected a role member (address, network, range, role, host, "
		       "asn, country, any, private, public, multicast), found %s",
		       pp_describe(&p->tok));
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
			pp_next(p);
			return true;
		}
	}
	if (strcmp(w, "host") == 0) {
		pp_next(p);
		const char *h = pp_take_string(p, "a host name pattern");
		if (!h)
			return false;
		if (!*h) {
			pp_err(p, &p->tok, "empty host name pattern");
			return false;
		}
		e->kind = FA_RE_HOST;
		e->host = pl_strdup(c, h);
		return e->host != NULL;
	}
	if (strcmp(w, "asn") == 0) {
		pp_next(p);
		unsigned long v;
		if (p->tok.kind != PL_WORD || !pp_uint(p->tok.text, UINT32_MAX, &v) || v == 0 ||
		    v > UINT32_MAX) {
			pp_err(p, &p->tok, "expected an AS number 1-4294967295, found %s",
			       pp_describe(&p->tok));
			return false;
		}
		e->kind = FA_RE_ASN;
		e->asn = (uint32_t)v;
		pp_next(p);
		return true;
	}
	if (strcmp(w, "country") == 0) {
		pp_next(p);
		const char *cc = p->tok.kind == PL_WORD ? p->tok.text : "";
		bool ok = strlen(cc) == 2;
		for (size_t i = 0; ok && i < 2; i++)
			ok = (cc[i] >= 'A' && cc[i] <= 'Z') || (cc[i] >= 'a' && cc[i] <= 'z');
		if (!ok) {
			pp_err(p, &p->tok,
			       "expected a two-letter country code (ISO 3166-1), "
			       "found %s",
			       pp_describe(&p->tok));
			return false;
		}
		e->kind = FA_RE_COUNTRY;
		e->country[0] = (char)(cc[0] & ~0x20);
		e->country[1] = (char)(cc[1] & ~0x20);
		pp_next(p);
		return true;
	}
	if (strchr(w, ':') || (w[0] >= '0' && w[0] <= '9')) {
		if (!parse_addr_word(p, e))
			return false;
		pp_next(p);
		return true;
	}
	struct fa_srcloc at = pp_loc(p, &p->tok);
	const char *name = pp_take_name(p, "role");
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

static const char *const reserved_roles[] = {"any",  "private", "public",  "multicast",
                                             "host", "asn",     "country", "port"};

void pp_role(struct parser *p)
{
	struct pl_ctx *c = p->c;
	struct fa_policy_set *set = c->set;
	struct fa_srcloc at = pp_loc(p, &p->tok);
	const char *name = pp_take_name(p, "role");
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
	if (!binds && !pp_at_end(p)) {
		pp_err(p, &p->tok,
		       "expected '=' or the end of the line after the role name, "
		       "found %s",
		       pp_describe(&p->tok));
		return;
	}
	int32_t r = pl_find_role(c, name);
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
			pp_err(p, &p->tok, "a site file binds roles: role %s = MEMBERS", name);
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
				pl_error(c, &at,
				         "role '%s' is bound twice in the site file (first "
				         "at line %u)",
				         name, ro->bound_at.line);
			else if (p->site)
				pl_error(
				    c, &at,
				    "role '%s' is already bound by its policy at %s:%u; bind a "
				    "role in its policy or in the site file, not both",
				    name, ro->bound_at.file, ro->bound_at.line);
			else
				pl_error(
				    c, &at,
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
	pp_next(p);
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
		pp_next(p);
	}
	if (!p->failed && !pp_at_end(p))
		pp_err(p, &p->tok, "expected ',' or the end of the line, found %s",
		       pp_describe(&p->tok));
	ro->bound = true;
	ro->bound_at = at;
}
