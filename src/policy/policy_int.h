/* policy_int.h - what the parser and the loader share while a policy set is
 * being loaded (private to src/policy).
 *
 * The parser fills struct fa_policy_set directly, but names are resolved
 * only once every file is read (a rule may use a role a later policy file
 * declares, a site file binds roles of every policy), so references wait
 * here with the place they were written, for messages. */
#ifndef FA_POLICY_INT_H
#define FA_POLICY_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "policy_lex.h"

/* One file read, parallel to set->files (which owns the path). */
struct pl_file {
	char *text; /* as read, for quoting lines in messages */
	size_t len;
	char *scratch; /* the lexer's decoded copy */
	char *real;    /* canonical path, for include cycles */
};

/* Names a rule uses, resolved after every file is read. */
struct pl_rule_refs {
	char *src, *dst, *svc; /* svc NULL for an inline service */
	struct fa_srcloc src_loc, dst_loc, svc_loc;
	uint8_t secured; /* override of the named service's, or 0 */
};

/* A role element naming another role. */
struct pl_elem_ref {
	uint32_t role;
	size_t elem;
	char *name;
	struct fa_srcloc loc;
};

/* A role declaration: a role may be declared by several policies. */
struct pl_role_decl {
	uint32_t role, policy;
	bool binds;
	struct fa_srcloc loc;
};

struct pl_scope_ref {
	char *name;
	uint32_t policy; /* UINT32_MAX: the site file */
	struct fa_srcloc loc;
};

/* A hash index of names over one of the set's arrays (policy_names.c). */
struct pl_name_index {
	uint32_t *slot; /* entry + 1, or 0 for empty; cap is a power of two */
	size_t cap, n;  /* n: entries indexed so far */
};

struct pl_ctx {
	struct fa_policy_set *set;
	const struct fa_policy_load_opts *opts;
	FILE *diag;
	unsigned nerrors, nwarnings;
	unsigned nhidden; /* errors past PL_ERROR_LIMIT, counted but not shown */
	bool nomem;

	struct pl_file *files; /* parallel to set->files */
	size_t files_cap, pfiles_cap;

	uint32_t *svc_policy; /* the policy each service belongs to */
	size_t svc_policy_cap;
	struct pl_rule_refs *rule_refs; /* parallel to set->rules */
	size_t rule_refs_cap;
	struct pl_elem_ref *elem_refs;
	size_t nelem_refs, elem_refs_cap;
	struct pl_role_decl *decls;
	size_t ndecls, decls_cap;
	struct pl_scope_ref *scopes;
	size_t nscopes, scopes_cap;

	size_t roles_cap, services_cap, rules_cap, policies_cap;
	bool site_scope; /* the site file gave "scope": it replaces the policies' */

	const char **stack; /* canonical paths of the files being included */
	size_t depth;

	struct pl_name_index role_ix, svc_ix, rule_ix;
};

#define PL_MAX_INCLUDE_DEPTH 32
#define PL_MAX_FILE_BYTES (16u << 20)

/* Grows *arr (element size `size`) so that index n fits; false on no memory. */
bool pl_grow(void *arr, size_t *cap, size_t n, size_t size);
char *pl_strdup(struct pl_ctx *c, const char *s);

/* "file:line:col: error: message", the line, and a caret under col. A NULL
 * loc prints "flowaudit: error: message". */
void pl_error(struct pl_ctx *c, const struct fa_srcloc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void pl_warning(struct pl_ctx *c, const struct fa_srcloc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void pl_note(struct pl_ctx *c, const struct fa_srcloc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Errors with a place shown per load; past it they are only counted, and
 * pl_error_summary says how many were not shown. */
#define PL_ERROR_LIMIT 20
void pl_error_summary(struct pl_ctx *c);

/* Reads one file into set->files / c->files; returns its index or -1 (after
 * reporting at `from`, the include statement, when not NULL). */
int pl_read_file(struct pl_ctx *c, const char *path, const struct fa_srcloc *from);

/* Parses file `fi` (already read). policy_idx is the policy an included file
 * belongs to, or UINT32_MAX for a top-level policy file (which must start
 * with its header); `site` parses it as a site file. */
void pl_parse_file(struct pl_ctx *c, size_t fi, uint32_t policy_idx, bool site);

/* Suggestions: up to 3 candidates within a small edit distance of `name`,
 * written as " did you mean 'a', 'b' or 'c'?" (or "" when none). */
struct pl_suggest {
	const char *name;
	const char *best[3];
	unsigned dist[3];
};
void pl_suggest_init(struct pl_suggest *s, const char *name);
void pl_suggest_add(struct pl_suggest *s, const char *candidate);
void pl_suggest_format(const struct pl_suggest *s, char *buf, size_t len);

/* Finds a role / a service of a policy / a rule by name; -1 when none
 * (or when memory ran out: c->nomem is set). */
int32_t pl_find_role(struct pl_ctx *c, const char *name);
int32_t pl_find_service(struct pl_ctx *c, uint32_t policy, const char *name);
int32_t pl_find_rule(struct pl_ctx *c, const char *id);
void pl_name_index_free(struct pl_name_index *ix);

/* Frees what a service owns (not the struct itself). */
void pl_service_clear(struct fa_service *s);

/* Warnings about rules (duplicate, shadowed, overlapping) and roles no one
 * uses, once everything is resolved (policy_lint.c). */
void pl_lint(struct pl_ctx *c);

/* ---- the parser's state, shared by policy_parse*.c ------------------------ */

struct parser {
	struct pl_ctx *c;
	struct pl_lexer lx;
	struct pl_token tok; /* the current token */
	size_t fi;
	uint32_t policy; /* UINT32_MAX until the header */
	bool site, included, failed, no_header;
	unsigned nstatements, header_line;
};

struct fa_srcloc pp_loc(const struct parser *p, const struct pl_token *t);
/* Reports at t, once per statement: the rest of a broken line would only
 * echo the first error. */
void pp_err(struct parser *p, const struct pl_token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void pp_next(struct parser *p);
bool pp_is_word(const struct parser *p, const char *w);
bool pp_at_end(const struct parser *p);
bool pp_is_digit_word(const struct parser *p);
const char *pp_describe(const struct pl_token *t);
const char *pp_take_name(struct parser *p, const char *what);
const char *pp_take_string(struct parser *p, const char *what);
bool pp_uint(const char *s, unsigned long max, unsigned long *out);

/* policy_parse_svc.c */
bool pp_ports(struct parser *p, struct fa_port_range **arr, size_t *n);
bool pp_proto_word(const char *s, uint8_t *num);
bool pp_starts_service(const struct parser *p);
bool pp_items(struct parser *p, struct fa_service *svc);
bool pp_apps(struct parser *p, struct fa_service *svc);
bool pp_take_secured(struct parser *p, uint8_t *sec);
void pp_service(struct parser *p);

/* policy_parse_role.c */
void pp_role(struct parser *p);

#endif
