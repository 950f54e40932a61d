/* policy.h - documented firewall policies: what they hold once loaded, how
 * they are loaded, and the verdict they give a flow.
 *
 * A struct fa_policy_set is everything loaded for one audit: one or more
 * policy files (vendor documents turned into rules), optional site files
 * binding their roles to this deployment's addresses, after validation.
 * It is immutable once loaded, so every worker thread may match against it
 * at once. Loading is all or nothing: on any error nothing is returned and
 * each error is reported as "file:line:col: message" with the line shown.
 *
 * The language itself is described in docs/policy-language.md. */
#ifndef FA_POLICY_H
#define FA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/fa_addr.h"

/* ---- verdicts ------------------------------------------------------------ */

/* Stable strings in JSON (fa_verdict_name): append only. */
enum fa_verdict {
	FA_V_NONE = 0,        /* no policy loaded: no verdict */
	FA_V_ALLOWED,         /* a rule covers it */
	FA_V_APP_MISMATCH,    /* peers and ports match a rule, the application does not */
	FA_V_APP_UNKNOWN,     /* peers and ports match; nDPI could not name the payload */
	FA_V_WRONG_DIRECTION, /* only the reverse direction is documented */
	FA_V_DENIED,          /* an explicit deny rule matched */
	FA_V_UNDOCUMENTED,    /* no rule covers it */
	FA_V_OUT_OF_SCOPE,    /* outside the audited scope */
	FA_V__COUNT
};
const char *fa_verdict_name(enum fa_verdict v);

enum fa_severity {
	FA_SEV_NONE = 0, /* allowed, out of scope */
	FA_SEV_INFO,
	FA_SEV_LOW,
	FA_SEV_MEDIUM,
	FA_SEV_HIGH,
	FA_SEV_CRITICAL,
	FA_SEV__COUNT
};
const char *fa_severity_name(enum fa_severity s);
/* Parses "info", "low", ...; false when unknown. */
bool fa_severity_parse(const char *s, enum fa_severity *out);

/* What to make of a flow whose application nDPI could not name (or only
 * guessed from the port) on a port a rule documents. */
enum fa_unknown_app_mode {
	FA_UNKNOWN_APP_FLAG = 0, /* verdict app-unknown (default) */
	FA_UNKNOWN_APP_ALLOW,    /* trust the port: allowed */
	FA_UNKNOWN_APP_MISMATCH  /* strict: app-mismatch */
};

/* ---- the loaded policy (read-only after load) ----------------------------- */

#define FA_PROTO_ANY 0 /* in rules and services: any IP protocol */

enum fa_role_elem_kind {
	FA_RE_NET,       /* addr/prefix (a single address is a /32 or /128) */
	FA_RE_RANGE,     /* first..last inclusive, same family */
	FA_RE_ANY,       /* every address */
	FA_RE_PRIVATE,   /* RFC 1918, RFC 4193 ULA, loopback, link-local, CGNAT 100.64/10 */
	FA_RE_PUBLIC,    /* unicast that is none of the above nor multicast/reserved */
	FA_RE_MULTICAST, /* 224.0.0.0/4, ff00::/8, and 255.255.255.255 */
	FA_RE_HOST,      /* hostname glob against the names seen for the peer */
	FA_RE_ASN,       /* autonomous system number (needs --geoip ASN data) */
	FA_RE_COUNTRY,   /* ISO 3166-1 alpha-2 (needs --geoip country data) */
	FA_RE_ROLE       /* another role's members */
};

struct fa_role_elem {
	uint8_t kind;   /* enum fa_role_elem_kind */
	bool negate;    /* "!elem": excludes what it matches */
	uint8_t prefix; /* FA_RE_NET */
	struct fa_addr a, b; /* NET: a = network; RANGE: a..b */
	uint32_t asn;
	char country[3];
	char *host;     /* FA_RE_HOST glob: '*' matches any run of characters */
	uint32_t role;  /* FA_RE_ROLE: index into roles */
};

/* Where a construct was written, for messages. */
struct fa_srcloc {
	const char *file; /* owned by the policy set */
	uint32_t line, col;
};

struct fa_role {
	char *name;
	struct fa_role_elem *elems;
	size_t nelems;
	bool bound;      /* has members (in the policy or from a site file) */
	bool in_scope;   /* flows touching it are audited */
	uint32_t policy; /* index of the policy that declared it */
	struct fa_srcloc loc;
	struct fa_srcloc bound_at; /* where the members came from (site or policy) */
};

struct fa_port_range {
	uint16_t lo, hi; /* inclusive; lo = 0, hi = 65535 for any */
};

/* One protocol + ports (+ expected applications) item of a service. */
struct fa_svc_item {
	uint8_t proto; /* IP protocol number, or FA_PROTO_ANY */
	struct fa_port_range *ports; /* responder ports; none = any */
	size_t nports;
};

enum fa_secured { FA_SEC_UNSPECIFIED = 0, FA_SEC_SECURED, FA_SEC_CLEARTEXT };

struct fa_service {
	char *name;
	struct fa_svc_item *items;
	size_t nitems;
	char **apps; /* nDPI names (canonical spelling); none = any application */
	size_t napps;
	uint8_t secured; /* enum fa_secured */
	struct fa_srcloc loc;
};

#define FA_RULE_ROLE_ANY UINT32_MAX /* the endpoint "any" */

enum fa_rule_flags {
	FA_RULE_DENY = 1 << 0,
	FA_RULE_BIDIR = 1 << 1,    /* "<->": either side may initiate */
	FA_RULE_OPTIONAL = 1 << 2, /* the document marks the row optional */
	FA_RULE_DISABLED = 1 << 3  /* the document says disabled by default */
};

struct fa_rule {
	char *id;           /* stable, unique across the set */
	uint32_t policy;    /* index into policies */
	uint32_t flags;     /* enum fa_rule_flags */
	uint32_t src_role, dst_role; /* role indexes, or FA_RULE_ROLE_ANY */
	struct fa_port_range *src_ports; /* initiator ports; none = any */
	size_t nsrc_ports;
	struct fa_service svc; /* protocol, responder ports, apps, secured (inline
				* or a copy of a named service; svc.name is the
				* named service or NULL) */
	uint8_t severity;   /* enum fa_severity; FA_SEV_NONE = the default */
	char *purpose;      /* or NULL */
	char *ref;          /* where in the source document, or NULL */
	struct fa_srcloc loc;
};

struct fa_policy {
	char *name;
	char *source;   /* the vendor document it encodes, or NULL */
	char *version;  /* or NULL */
	char *file;
	bool scope_set; /* "scope" was given; else every bound role is in scope */
};

struct fa_policy_set {
	struct fa_policy *policies;
	size_t npolicies;
	struct fa_role *roles;
	size_t nroles;
	struct fa_service *services;
	size_t nservices;
	struct fa_rule *rules; /* in file order, policies in load order */
	size_t nrules;
	char *site_name; /* from the site file, or NULL */
	char **files;    /* every file read (owning the srcloc strings) */
	size_t nfiles;
	struct fa_matcher *matcher; /* built by fa_policy_load (policy_match.c) */
};

/* ---- loading ------------------------------------------------------------- */

/* Application names are checked against nDPI's list (with the custom
 * signatures) through this callback, so the policy stage needs no nDPI:
 * known() is true for a valid name (case-insensitively) and writes its
 * canonical spelling; foreach() lists every valid name for "did you mean"
 * suggestions. */
struct fa_app_names {
	bool (*known)(const char *name, char *canonical, size_t len, void *ctx);
	void (*foreach)(void (*fn)(const char *name, void *fctx), void *fctx, void *ctx);
	void *ctx;
};

struct fa_policy_load_opts {
	const char *const *policy_files;
	size_t npolicy_files;
	const char *site_file;            /* or NULL */
	const struct fa_app_names *apps;  /* NULL = names not checked */
	bool allow_unbound;               /* policy check/show: unbound roles are
					   * warnings, not errors */
	bool hide_warnings;               /* count warnings, do not write them */
	FILE *diag;                       /* errors and warnings go here */
};

/* Returns FA_OK with *out set, or a negative enum fa_err after writing
 * every error found to opts->diag; *out is then NULL. Warnings (shadowed,
 * duplicate and overlapping rules, unbound roles when allowed) are written
 * too (unless opts->hide_warnings) and counted in *nwarnings when it is not
 * NULL. */
int fa_policy_load(struct fa_policy_set **out, const struct fa_policy_load_opts *opts,
		   unsigned *nwarnings);
void fa_policy_free(struct fa_policy_set **set);

/* Writes the normalised rules as a table (policy show). */
void fa_policy_show(const struct fa_policy_set *set, FILE *fp);

/* ---- matching (policy_match.c) -------------------------------------------- */

/* A flow as the matcher sees it: src is the initiator. Names are every name
 * seen for the responder (TLS SNI / HTTP Host, and the name its client
 * resolved) and for the initiator; geo fields 0/"" when unknown. */
struct fa_policy_flow {
	uint8_t proto;
	struct fa_addr src, dst;
	uint16_t sport, dport;
	const char *app;        /* nDPI name "TLS.Microsoft", "Unknown", or NULL */
	bool app_guessed;       /* nDPI only guessed it from the port */
	const char *dst_names[2];
	const char *src_names[2];
	uint32_t src_asn, dst_asn;
	const char *src_country, *dst_country;
};

#define FA_WHY_MAX 320

struct fa_policy_verdict {
	uint8_t verdict;   /* enum fa_verdict */
	uint8_t severity;  /* enum fa_severity */
	int32_t rule;      /* matched (or nearest) rule index, -1 none */
	int32_t policy;    /* its policy, -1 none */
	int32_t src_role, dst_role; /* a role each endpoint is in, -1 none
				     * (the matched rule's roles when allowed) */
	char why[FA_WHY_MAX]; /* for every verdict but allowed/out-of-scope */
};

struct fa_match_opts {
	enum fa_unknown_app_mode unknown_app;
};

/* Decides the verdict of one flow. Thread-safe: the set is read-only. */
void fa_policy_match(const struct fa_policy_set *set, const struct fa_match_opts *opts,
		     const struct fa_policy_flow *flow, struct fa_policy_verdict *out);

/* Builds / frees the matcher's indexes (called by fa_policy_load). */
int fa_matcher_build(struct fa_policy_set *set, char *errbuf, size_t errlen);
void fa_matcher_free(struct fa_matcher **m);

/* True when addr (with the given names/asn/country) is a member of role r. */
bool fa_policy_role_has(const struct fa_policy_set *set, uint32_t r, const struct fa_addr *addr,
			const char *const *names, size_t nnames, uint32_t asn, const char *country);

#endif
