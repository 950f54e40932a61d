/* policy_parse.c - reads the statements of one policy or site file into the
 * policy set (roles and services in their own files); names are resolved
 * later by the loader (policy_load.c). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

struct fa_srcloc pp_loc(const struct parser *p, const struct pl_token *t)
{
	struct fa_srcloc l = {p->c->set->files[p->fi], t->line, t->col};
	return l;
}

void pp_err(struct parser *p, const struct pl_token *t, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct fa_srcloc l = pp_loc(p, t);
	pl_error(p->c, &l, "%s", msg);
}

void pp_next(struct parser *p)
{
	pl_lex_next(&p->lx, &p->tok);
	if (p->tok.kind == PL_ERROR)
		pp_err(p, &p->tok, "%s", p->lx.err);
}

bool pp_is_word(const struct parser *p, const char *w)
{
	return p->tok.kind == PL_WORD && strcmp(p->tok.text, w) == 0;
}

bool pp_at_end(const struct parser *p)
{
	return p->tok.kind == PL_EOL || p->tok.kind == PL_EOF;
}

bool pp_is_digit_word(const struct parser *p)
{
	return p->tok.kind == PL_WORD && p->tok.text[0] >= '0' && p->tok.text[0] <= '9';
}

const char *pp_describe(const struct pl_token *t)
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
const char *pp_take_name(struct parser *p, const char *what)
{
	if (p->tok.kind != PL_WORD) {
		pp_err(p, &p->tok, "expected %s name, found %s", what, pp_describe(&p->tok));
		return NULL;
	}
	if (!valid_name(p->tok.text)) {
		pp_err(p, &p->tok,
		       "bad %s name '%s': names are letters, digits, '_', '-' and '.', "
		       "starting with a letter",
		       what, p->tok.text);
		return NULL;
	}
	const char *s = p->tok.text;
	pp_next(p);
	return s;
}

const char *pp_take_string(struct parser *p, const char *what)
{
	if (p->tok.kind != PL_STRING) {
		pp_err(p, &p->tok, "expected %s (a quoted string), found %s", what,
		       pp_describe(&p->tok));
		return NULL;
	}
	const char *s = p->tok.text;
	pp_next(p);
	return s;
}

bool pp_uint(const char *s, unsigned long max, unsigned long *out)
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

/* ---- rules --------------------------------------------------------------------- */

static bool parse_endpoint(struct parser *p, char **name, struct fa_srcloc *at)
{
	*at = pp_loc(p, &p->tok);
	if (pp_is_word(p, "any")) {
		*name = NULL;
		pp_next(p);
		return true;
	}
	const char *n = pp_take_name(p, "role");
	if (!n)
		return false;
	*name = pl_strdup(p->c, n);
	return *name != NULL;
}

static bool parse_rule_options(struct parser *p, struct fa_rule *r, struct pl_rule_refs *rr,
                               bool named_svc)
{
	bool sev_seen = false;
	while (!pp_at_end(p) && !p->failed) {
		struct pl_token t = p->tok;
		if (pp_is_word(p, "app")) {
			if (named_svc) {
				pp_err(p, &t,
				       "'app' after the named service '%s': give the "
				       "applications in the service, or write the service inline",
				       rr->svc);
				return false;
			}
			if (r->svc.napps) {
				pp_err(p, &t, "'app' given twice");
				return false;
			}
			if (!pp_apps(p, &r->svc))
				return false;
		} else if (pp_take_secured(p, &rr->secured)) {
		} else if (pp_is_word(p, "severity")) {
			pp_next(p);
			enum fa_severity sev;
			if (p->tok.kind != PL_WORD || !fa_severity_parse(p->tok.text, &sev) ||
			    sev == FA_SEV_NONE) {
				pp_err(p, &p->tok,
				       "unknown severity '%s': use info, low, medium, "
				       "high or critical",
				       pp_describe(&p->tok));
				return false;
			}
			if (sev_seen)
				pp_err(p, &t, "'severity' given twice");
			sev_seen = true;
			r->severity = (uint8_t)sev;
			pp_next(p);
		} else if (pp_is_word(p, "ref")) {
			pp_next(p);
			const char *s = pp_take_string(p, "the reference after 'ref'");
			if (!s)
				return false;
			if (r->ref)
				pp_err(p, &t, "'ref' given twice");
			else if (!(r->ref = pl_strdup(p->c, s)))
				return false;
		} else if (pp_is_word(p, "optional") || pp_is_word(p, "disabled")) {
			r->flags |= pp_is_word(p, "optional") ? FA_RULE_OPTIONAL : FA_RULE_DISABLED;
			pp_next(p);
		} else if (p->tok.kind == PL_STRING) {
			if (r->purpose)
				pp_err(p, &t, "a second purpose string: a rule has one");
			else if (!(r->purpose = pl_strdup(p->c, p->tok.text)))
				return false;
			pp_next(p);
		} else {
			pp_err(p, &t,
			       "unexpected %s in rule: expected app, secured, cleartext, severity, "
			       "ref, optional, disabled or a quoted purpose",
			       pp_describe(&t));
		}
	}
	return !p->failed;
}

static void st_rule(struct parser *p, bool deny)
{
	struct pl_ctx *c = p->c;
	struct fa_policy_set *set = c->set;
	struct fa_srcloc at = pp_loc(p, &p->tok);
	const char *id = pp_take_name(p, "rule");
	if (!id)
		return;
	int32_t prev = pl_find_rule(c, id);
	if (prev >= 0) {
		p->failed = true;
		pl_error(c, &at, "duplicate rule id '%s' (first defined at %s:%u)", id,
		         set->rules[prev].loc.file, set->rules[prev].loc.line);
		return;
	}
	struct fa_rule r = {0};
	struct pl_rule_refs rr = {0};
	r.policy = p->policy;
	r.loc = at;
	r.flags = deny ? FA_RULE_DENY : 0;
	r.src_role = r.dst_role = FA_RULE_ROLE_ANY;
	if (!parse_endpoint(p, &rr.src, &rr.src_loc))
		goto fail;
	if (pp_is_word(p, "port")) {
		pp_next(p);
		if (!pp_ports(p, &r.src_ports, &r.nsrc_ports))
			goto fail;
	}
	if (p->tok.kind != PL_ARROW && p->tok.kind != PL_BIARROW) {
		pp_err(p, &p->tok, "expected '->' or '<->' after the initiator, found %s",
		       pp_describe(&p->tok));
		goto fail;
	}
	if (p->tok.kind == PL_BIARROW)
		r.flags |= FA_RULE_BIDIR;
	pp_next(p);
	if (!parse_endpoint(p, &rr.dst, &rr.dst_loc))
		goto fail;
	if (pp_is_word(p, "port")) {
		pp_err(p, &p->tok,
		       "'port' on the responder side: the responder's ports belong "
		       "to the service (e.g. tcp 443)");
		goto fail;
	}
	rr.svc_loc = pp_loc(p, &p->tok);
	if (pp_starts_service(p)) {
		if (!pp_items(p, &r.svc))
			goto fail;
	} else {
		const char *sn = pp_take_name(p, "service");
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
		struct fa_srcloc at = pp_loc(p, &p->tok);
		if (pp_is_word(p, "any")) {
			pp_err(p, &p->tok,
			       "'any' cannot be a scope: scope names roles whose "
			       "flows are audited");
			return;
		}
		const char *n = pp_take_name(p, "role");
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
		pp_next(p);
	}
	if (p->site)
		c->site_scope = true;
	else
		c->set->policies[p->policy].scope_set = true;
}

static void st_include(struct parser *p)
{
	struct pl_ctx *c = p->c;
	struct fa_srcloc at = pp_loc(p, &p->tok);
	const char *s = pp_take_string(p, "the file name after 'include'");
	if (!s || p->failed)
		return;
	if (!pp_at_end(p)) {
		pp_err(p, &p->tok, "expected the end of the line after the include file name");
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
		pp_err(p, kw,
		       "'policy' header in an included file: an included file belongs "
		       "to the policy that includes it");
		return;
	}
	if (p->no_header) {
		pp_err(p, kw, "the 'policy' header must be the first statement of the file");
		return;
	}
	if (p->policy != UINT32_MAX) {
		pp_err(p, kw,
		       "second 'policy' header (the first is at line %u): a file holds one "
		       "policy",
		       p->header_line);
		return;
	}
	const char *name = pp_take_string(p, "the policy name");
	if (!name)
		return;
	struct fa_policy pol = {0};
	if (!(pol.name = pl_strdup(c, name)))
		return;
	while (!pp_at_end(p) && !p->failed) {
		bool src = pp_is_word(p, "source");
		if (!src && !pp_is_word(p, "version")) {
			pp_err(p, &p->tok,
			       "unexpected %s after the policy name: expected source "
			       "or version",
			       pp_describe(&p->tok));
			break;
		}
		pp_next(p);
		const char *v = pp_take_string(p, src ? "the source document" : "the version");
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
		pp_err(p, &kw, "expected a statement, found %s", pp_describe(&kw));
		return;
	}
	p->nstatements++;
	const char *w = kw.text;
	if (p->site) {
		pp_next(p);
		if (strcmp(w, "site") == 0) {
			const char *s = pp_take_string(p, "the site name");
			if (s && p->c->set->site_name)
				pp_err(p, &kw, "second 'site' header");
			else if (s)
				p->c->set->site_name = pl_strdup(p->c, s);
		} else if (strcmp(w, "role") == 0) {
			pp_role(p);
		} else if (strcmp(w, "scope") == 0) {
			st_scope(p);
		} else {
			pp_err(p, &kw,
			       "'%s' is not a site file statement: a site file holds site, "
			       "role and scope",
			       w);
		}
		return;
	}
	if (p->policy == UINT32_MAX && strcmp(w, "policy") != 0) {
		pp_err(p, &kw, "missing policy header: a policy file starts with policy \"NAME\"");
		stand_in_policy(p);
		return;
	}
	pp_next(p);
	if (strcmp(w, "policy") == 0)
		st_policy(p, &kw);
	else if (strcmp(w, "role") == 0)
		pp_role(p);
	else if (strcmp(w, "service") == 0)
		pp_service(p);
	else if (strcmp(w, "rule") == 0 || strcmp(w, "deny") == 0)
		st_rule(p, w[0] == 'd');
	else if (strcmp(w, "scope") == 0)
		st_scope(p);
	else if (strcmp(w, "include") == 0)
		st_include(p);
	else
		pp_err(p, &kw,
		       "unknown statement '%s': expected policy, role, service, rule, "
		       "deny, scope or include",
		       w);
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
	pp_next(&p);
	while (p.tok.kind != PL_EOF && !c->nomem) {
		if (p.tok.kind != PL_EOL) {
			p.failed = p.tok.kind == PL_ERROR;
			if (!p.failed)
				statement(&p);
			if (!p.failed && !pp_at_end(&p))
				pp_err(&p, &p.tok, "unexpected %s at the end of the statement",
				       pp_describe(&p.tok));
		}
		while (!pp_at_end(&p))
			pp_next(&p);
		if (p.tok.kind == PL_EOL)
			pp_next(&p);
	}
	c->depth--;
	if (!site && !p.included && p.policy == UINT32_MAX && !p.nstatements) {
		struct fa_srcloc l = {c->set->files[fi], 1, 1};
		pl_error(c, &l, "missing policy header: the file has no statements");
	}
}
