/* policy_load.c - loads policy and site files into one validated, immutable
 * policy set: reading, name resolution, binding, scope, then the matcher.
 * Loading is all or nothing; every error found is reported first. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fa_error.h"
#include "policy_int.h"

/* ---- arrays, strings, lookups ---------------------------------------------------------- */

bool pl_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	void **a = arr;
	if (n < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 8;
	while (ncap <= n)
		ncap *= 2;
	if (ncap > SIZE_MAX / size)
		return false;
	void *p = realloc(*a, ncap * size);
	if (!p)
		return false;
	memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
	*a = p;
	*cap = ncap;
	return true;
}

char *pl_strdup(struct pl_ctx *c, const char *s)
{
	char *d = strdup(s);
	if (!d)
		c->nomem = true;
	return d;
}

void pl_service_clear(struct fa_service *s)
{
	for (size_t i = 0; i < s->nitems; i++)
		free(s->items[i].ports);
	free(s->items);
	for (size_t i = 0; i < s->napps; i++)
		free(s->apps[i]);
	free(s->apps);
	free(s->name);
	memset(s, 0, sizeof(*s));
}

/* ---- files --------------------------------------------------------------------- */

int pl_read_file(struct pl_ctx *c, const char *path, const struct fa_srcloc *from)
{
	struct fa_policy_set *set = c->set;
	if (!pl_grow(&set->files, &c->files_cap, set->nfiles, sizeof(*set->files)) ||
	    !pl_grow(&c->files, &c->pfiles_cap, set->nfiles, sizeof(*c->files))) {
		c->nomem = true;
		return -1;
	}
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		struct fa_srcloc l = {path, 0, 0};
		if (from)
			pl_error(c, from, "cannot read included file '%s': %s", path,
			         strerror(errno));
		else
			pl_error(c, &l, "cannot read: %s", strerror(errno));
		return -1;
	}
	char *text = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 > cap && !pl_grow(&text, &cap, len + 4096, 1)) {
			c->nomem = true;
			break;
		}
		size_t n = fread(text + len, 1, cap - len - 1, fp);
		len += n;
		if (n == 0 || len > PL_MAX_FILE_BYTES)
			break;
	}
	bool bad = ferror(fp) || len > PL_MAX_FILE_BYTES;
	int err = errno;
	fclose(fp);
	if (c->nomem || bad) {
		struct fa_srcloc l = {path, 0, 0};
		if (!c->nomem)
			pl_error(c, from ? from : &l, "cannot read '%s': %s", path,
			         len > PL_MAX_FILE_BYTES ? "larger than 16 MiB" : strerror(err));
		free(text);
		return -1;
	}
	text[len] = '\0';
	struct pl_file f = {text, len, malloc(len + 1), NULL};
	char real[PATH_MAX];
	f.real = strdup(realpath(path, real) ? real : path);
	char *name = strdup(path);
	if (!f.scratch || !f.real || !name) {
		c->nomem = true;
		free(f.text);
		free(f.scratch);
		free(f.real);
		free(name);
		return -1;
	}
	c->files[set->nfiles] = f;
	set->files[set->nfiles] = name;
	return (int)set->nfiles++;
}

/* ---- resolution ------------------------------------------------------------------ */

static void suggest_roles(const struct fa_policy_set *set, const char *name, char *hint, size_t len)
{
	struct pl_suggest sg;
	pl_suggest_init(&sg, name);
	for (size_t i = 0; i < set->nroles; i++)
		pl_suggest_add(&sg, set->roles[i].name);
	pl_suggest_format(&sg, hint, len);
}

static void resolve_elem_refs(struct pl_ctx *c)
{
	for (size_t i = 0; i < c->nelem_refs; i++) {
		const struct pl_elem_ref *r = &c->elem_refs[i];
		int32_t ro = pl_find_role(c, r->name);
		if (ro < 0) {
			char hint[256];
			suggest_roles(c->set, r->name, hint, sizeof(hint));
			pl_error(c, &r->loc, "unknown role '%s' in the members of role '%s';%s",
			         r->name, c->set->roles[r->role].name,
			         *hint ? hint : " declare it with: role NAME");
			continue;
		}
		c->set->roles[r->role].elems[r->elem].role = (uint32_t)ro;
	}
}

/* A role including itself, directly or through others, has no members. */
static bool role_cycle(struct pl_ctx *c, uint32_t r, uint8_t *state)
{
	const struct fa_role *ro = &c->set->roles[r];
	state[r] = 1;
	for (size_t e = 0; e < ro->nelems; e++) {
		if (ro->elems[e].kind != FA_RE_ROLE)
			continue;
		uint32_t to = ro->elems[e].role;
		if (state[to] == 1 || (state[to] == 0 && role_cycle(c, to, state))) {
			if (state[to] == 1) {
				for (size_t i = 0; i < c->nelem_refs; i++) {
					const struct pl_elem_ref *er = &c->elem_refs[i];
					if (er->role == r && er->elem == e) {
						pl_error(
						    c, &er->loc,
						    "role '%s' includes role '%s', which includes "
						    "'%s' again: roles may not form a cycle",
						    ro->name, c->set->roles[to].name, ro->name);
						break;
					}
				}
			}
			state[r] = 2;
			return true;
		}
	}
	state[r] = 2;
	return false;
}

static void check_role_cycles(struct pl_ctx *c)
{
	uint8_t *state = calloc(c->set->nroles + 1, 1);
	if (!state) {
		c->nomem = true;
		return;
	}
	for (uint32_t r = 0; r < c->set->nroles; r++)
		if (!state[r])
			role_cycle(c, r, state);
	free(state);
}

static bool copy_service(struct fa_service *d, const struct fa_service *s)
{
	memset(d, 0, sizeof(*d));
	d->secured = s->secured;
	d->loc = s->loc;
	d->name = strdup(s->name);
	d->items = calloc(s->nitems ? s->nitems : 1, sizeof(*d->items));
	d->apps = calloc(s->napps ? s->napps : 1, sizeof(*d->apps));
	if (!d->name || !d->items || !d->apps)
		return false;
	for (; d->nitems < s->nitems; d->nitems++) {
		const struct fa_svc_item *si = &s->items[d->nitems];
		struct fa_svc_item *di = &d->items[d->nitems];
		di->proto = si->proto;
		if (si->nports) {
			di->ports = malloc(si->nports * sizeof(*di->ports));
			if (!di->ports)
				return false;
			memcpy(di->ports, si->ports, si->nports * sizeof(*di->ports));
			di->nports = si->nports;
		}
	}
	for (; d->napps < s->napps; d->napps++)
		if (!(d->apps[d->napps] = strdup(s->apps[d->napps])))
			return false;
	return true;
}

static void resolve_rule_role(struct pl_ctx *c, const struct fa_rule *r, const char *name,
                              const struct fa_srcloc *loc, uint32_t *out)
{
	if (!name)
		return;
	int32_t ro = pl_find_role(c, name);
	if (ro >= 0) {
		*out = (uint32_t)ro;
		return;
	}
	char hint[256];
	suggest_roles(c->set, name, hint, sizeof(hint));
	pl_error(c, loc, "unknown role '%s' in rule %s;%s", name, r->id,
	         *hint ? hint : " declare it with: role NAME");
}

static void resolve_rules(struct pl_ctx *c)
{
	struct fa_policy_set *set = c->set;
	for (size_t i = 0; i < set->nrules && !c->nomem; i++) {
		struct fa_rule *r = &set->rules[i];
		const struct pl_rule_refs *rr = &c->rule_refs[i];
		resolve_rule_role(c, r, rr->src, &rr->src_loc, &r->src_role);
		resolve_rule_role(c, r, rr->dst, &rr->dst_loc, &r->dst_role);
		if (!rr->svc)
			continue;
		int32_t s = pl_find_service(c, r->policy, rr->svc);
		if (s < 0) {
			struct pl_suggest sg;
			pl_suggest_init(&sg, rr->svc);
			for (size_t k = 0; k < set->nservices; k++)
				if (c->svc_policy[k] == r->policy)
					pl_suggest_add(&sg, set->services[k].name);
			/* a misspelt protocol reads as a service name */
			static const char *const protos[] = {"tcp", "udp", "sctp", "icmp",
			                                     "icmpv6"};
			for (size_t k = 0; k < sizeof(protos) / sizeof(protos[0]); k++)
				pl_suggest_add(&sg, protos[k]);
			char hint[256];
			pl_suggest_format(&sg, hint, sizeof(hint));
			pl_error(c, &rr->svc_loc, "unknown service '%s' in rule %s;%s", rr->svc,
			         r->id,
			         *hint ? hint
			               : " declare it with: service NAME = PROTO PORTS, or write "
			                 "the protocol and ports inline (tcp 443)");
			continue;
		}
		if (!copy_service(&r->svc, &set->services[s])) {
			c->nomem = true;
			return;
		}
		if (rr->secured)
			r->svc.secured = rr->secured;
	}
}

static void resolve_scopes(struct pl_ctx *c)
{
	struct fa_policy_set *set = c->set;
	bool any_scope = false;
	for (size_t i = 0; i < c->nscopes; i++) {
		const struct pl_scope_ref *s = &c->scopes[i];
		int32_t r = pl_find_role(c, s->name);
		if (r < 0) {
			char hint[256];
			suggest_roles(set, s->name, hint, sizeof(hint));
			pl_error(c, &s->loc, "unknown role '%s' in scope;%s", s->name,
			         *hint ? hint : " scope names declared roles");
			continue;
		}
		/* the site's scope replaces the policies' */
		if (c->site_scope && s->policy != UINT32_MAX)
			continue;
		set->roles[r].in_scope = true;
		any_scope = true;
	}
	if (any_scope || c->site_scope)
		return;
	for (size_t r = 0; r < set->nroles; r++)
		set->roles[r].in_scope = set->roles[r].bound;
}

/* The first role without members that role r needs: itself, or a role it
 * includes (a negated one too: what it excludes must be known). */
static int32_t unbound_need(const struct fa_policy_set *set, uint32_t r, unsigned depth)
{
	const struct fa_role *ro = &set->roles[r];
	if (!ro->bound)
		return (int32_t)r;
	if (depth > set->nroles)
		return -1;
	for (size_t e = 0; e < ro->nelems; e++) {
		if (ro->elems[e].kind != FA_RE_ROLE)
			continue;
		int32_t u = unbound_need(set, ro->elems[e].role, depth + 1);
		if (u >= 0)
			return u;
	}
	return -1;
}

static void check_unbound(struct pl_ctx *c)
{
	struct fa_policy_set *set = c->set;
	bool *told = calloc(set->nroles + 1, sizeof(*told));
	if (!told) {
		c->nomem = true;
		return;
	}
	for (size_t i = 0; i < set->nrules; i++) {
		const struct fa_rule *r = &set->rules[i];
		const struct pl_rule_refs *rr = &c->rule_refs[i];
		for (int side = 0; side < 2; side++) {
			uint32_t ro = side ? r->dst_role : r->src_role;
			if (ro == FA_RULE_ROLE_ANY)
				continue;
			int32_t u = unbound_need(set, ro, 0);
			if (u < 0 || told[u])
				continue;
			told[u] = true;
			const struct fa_srcloc *at = side ? &rr->dst_loc : &rr->src_loc;
			char via[160] = "";
			if ((uint32_t)u != ro)
				snprintf(via, sizeof(via), " (role '%s' includes it)",
				         set->roles[ro].name);
			char msg[512];
			snprintf(msg, sizeof(msg),
			         "role '%s' is not bound, and rule %s needs it%s: give its members "
			         "in a site file (role %s = ...)",
			         set->roles[u].name, r->id, via, set->roles[u].name);
			if (c->opts->allow_unbound)
				pl_warning(c, at, "%s", msg);
			else
				pl_error(c, at, "%s", msg);
		}
	}
	free(told);
}

/* ---- the set ------------------------------------------------------------------------ */

static void free_role(struct fa_role *r)
{
	for (size_t e = 0; e < r->nelems; e++)
		free(r->elems[e].host);
	free(r->elems);
	free(r->name);
}

static void free_rule(struct fa_rule *r)
{
	free(r->id);
	free(r->src_ports);
	pl_service_clear(&r->svc);
	free(r->purpose);
	free(r->ref);
}

void fa_policy_free(struct fa_policy_set **setp)
{
	if (!setp || !*setp)
		return;
	struct fa_policy_set *set = *setp;
	fa_matcher_free(&set->matcher);
	for (size_t i = 0; i < set->npolicies; i++) {
		free(set->policies[i].name);
		free(set->policies[i].source);
		free(set->policies[i].version);
		free(set->policies[i].file);
	}
	free(set->policies);
	for (size_t i = 0; i < set->nroles; i++)
		free_role(&set->roles[i]);
	free(set->roles);
	for (size_t i = 0; i < set->nservices; i++)
		pl_service_clear(&set->services[i]);
	free(set->services);
	for (size_t i = 0; i < set->nrules; i++)
		free_rule(&set->rules[i]);
	free(set->rules);
	free(set->site_name);
	for (size_t i = 0; i < set->nfiles; i++)
		free(set->files[i]);
	free(set->files);
	free(set);
	*setp = NULL;
}

static void ctx_free(struct pl_ctx *c)
{
	for (size_t i = 0; c->set && i < c->set->nfiles; i++) {
		free(c->files[i].text);
		free(c->files[i].scratch);
		free(c->files[i].real);
	}
	free(c->files);
	free(c->svc_policy);
	if (c->set) {
		for (size_t i = 0; i < c->set->nrules; i++) {
			free(c->rule_refs[i].src);
			free(c->rule_refs[i].dst);
			free(c->rule_refs[i].svc);
		}
	}
	free(c->rule_refs);
	for (size_t i = 0; i < c->nelem_refs; i++)
		free(c->elem_refs[i].name);
	free(c->elem_refs);
	free(c->decls);
	for (size_t i = 0; i < c->nscopes; i++)
		free(c->scopes[i].name);
	free(c->scopes);
	free(c->stack);
	pl_name_index_free(&c->role_ix);
	pl_name_index_free(&c->svc_ix);
	pl_name_index_free(&c->rule_ix);
}

int fa_policy_load(struct fa_policy_set **out, const struct fa_policy_load_opts *opts,
                   unsigned *nwarnings)
{
	*out = NULL;
	if (nwarnings)
		*nwarnings = 0;
	struct pl_ctx c = {0};
	c.opts = opts;
	c.diag = opts->diag;
	if (!opts->npolicy_files) {
		pl_error(&c, NULL, "no policy file given");
		return FA_ERR_USAGE;
	}
	c.set = calloc(1, sizeof(*c.set));
	c.stack = calloc(PL_MAX_INCLUDE_DEPTH + 2, sizeof(*c.stack));
	int rc = FA_ERR_NOMEM;
	if (!c.set || !c.stack)
		goto out;
	for (size_t i = 0; i < opts->npolicy_files && !c.nomem; i++) {
		int fi = pl_read_file(&c, opts->policy_files[i], NULL);
		if (fi >= 0)
			pl_parse_file(&c, (size_t)fi, UINT32_MAX, false);
	}
	/* a site file only makes sense against policies that parsed */
	if (opts->site_file && !c.nerrors && !c.nomem) {
		int fi = pl_read_file(&c, opts->site_file, NULL);
		if (fi >= 0)
			pl_parse_file(&c, (size_t)fi, UINT32_MAX, true);
	}
	if (!c.nerrors && !c.nomem) {
		resolve_elem_refs(&c);
		check_role_cycles(&c);
		resolve_rules(&c);
		resolve_scopes(&c);
	}
	if (!c.nerrors && !c.nomem)
		check_unbound(&c);
	if (!c.nerrors && !c.nomem)
		pl_lint(&c);
	if (!c.nerrors && !c.nomem) {
		char err[256] = "";
		int mrc = fa_matcher_build(c.set, err, sizeof(err));
		if (mrc < 0) {
			pl_error(&c, NULL, "cannot build the rule index: %s",
			         *err ? err : fa_strerror(mrc));
			rc = mrc;
		}
	}
	pl_error_summary(&c);
	if (c.nomem) {
		pl_error(&c, NULL, "out of memory while loading the policy");
		rc = FA_ERR_NOMEM;
	} else if (c.nerrors) {
		if (rc == FA_ERR_NOMEM)
			rc = FA_ERR_FORMAT;
	} else {
		rc = FA_OK;
		*out = c.set;
	}
out:
	if (nwarnings)
		*nwarnings = c.nwarnings;
	ctx_free(&c);
	if (rc != FA_OK)
		fa_policy_free(&c.set);
	return rc;
}
