/* policy_show.c - the loaded policy as a person checks it (policy show):
 * the policies, the roles with where their members come from, and every
 * rule normalised into one aligned row, sized for a 100-column terminal.
 * The policy number column appears only when several policies are loaded. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

#define SHOW_WIDTH 100
#define REF_MIN 16   /* the reference column is not narrowed below this */
#define NARROW_MIN 6 /* nor is a column narrowed below this */
#define CELL 256

enum col {
	C_ID,
	C_POL,
	C_KIND,
	C_FROM,
	C_ARROW,
	C_TO,
	C_SVC,
	C_APPS,
	C_SEC,
	C_SEV,
	C_FLAGS,
	C_REF,
	C__COUNT
};

static const char *const heads[C__COUNT] = {"ID",      "POL",  "KIND", "FROM", "",      "TO",
                                            "SERVICE", "APPS", "SEC",  "SEV",  "FLAGS", "REF"};
/* Longest a column may grow before its cells are cut ("..." at the end). */
static const size_t caps[C__COUNT] = {18, 3, 5, 22, 3, 16, 24, 16, 7, 8, 17, 0};

struct cat {
	char *buf;
	size_t len, used;
};

static void cat(struct cat *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void cat(struct cat *c, const char *fmt, ...)
{
	if (c->used >= c->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->buf + c->used, c->len - c->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->used += (size_t)n;
}

static const char *proto_name(uint8_t p, char *buf, size_t len)
{
	switch (p) {
	case FA_PROTO_ANY: return "any";
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	default: snprintf(buf, len, "%u", p); return buf;
	}
}

static void ports_str(struct cat *c, const char *prefix, const struct fa_port_range *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cat(c, "%s%s%u", i ? "," : "", prefix, p[i].lo);
		if (p[i].hi != p[i].lo)
			cat(c, "-%u", p[i].hi);
	}
}

static void service_str(struct cat *c, const struct fa_service *s)
{
	for (size_t i = 0; i < s->nitems; i++) {
		char num[8], pre[16];
		const char *pn = proto_name(s->items[i].proto, num, sizeof(num));
		if (i)
			cat(c, ",");
		if (!s->items[i].nports) {
			cat(c, "%s", pn);
			continue;
		}
		snprintf(pre, sizeof(pre), "%s/", pn);
		ports_str(c, pre, s->items[i].ports, s->items[i].nports);
	}
}

static const char *role_name(const struct fa_policy_set *set, uint32_t r)
{
	return r == FA_RULE_ROLE_ANY || r >= set->nroles ? "any" : set->roles[r].name;
}

static const char *sev_word(uint8_t s)
{
	static const char *const w[] = {"-", "info", "low", "medium", "high", "critical"};
	return s < sizeof(w) / sizeof(w[0]) ? w[s] : "?";
}

static struct cat *cell(struct cat *c, char *buf)
{
	buf[0] = '\0';
	*c = (struct cat){buf, CELL, 0};
	return c;
}

static void rule_cells(const struct fa_policy_set *set, const struct fa_rule *r,
                       char cells[C__COUNT][CELL])
{
	struct cat c;
	cat(cell(&c, cells[C_ID]), "%s", r->id);
	cat(cell(&c, cells[C_POL]), "%u", r->policy + 1);
	cat(cell(&c, cells[C_KIND]), "%s", r->flags & FA_RULE_DENY ? "deny" : "allow");
	cat(cell(&c, cells[C_FROM]), "%s", role_name(set, r->src_role));
	if (r->nsrc_ports) {
		cat(&c, " port ");
		ports_str(&c, "", r->src_ports, r->nsrc_ports);
	}
	cat(cell(&c, cells[C_ARROW]), "%s", r->flags & FA_RULE_BIDIR ? "<->" : "->");
	cat(cell(&c, cells[C_TO]), "%s", role_name(set, r->dst_role));
	service_str(cell(&c, cells[C_SVC]), &r->svc);
	cell(&c, cells[C_APPS]);
	for (size_t i = 0; i < r->svc.napps; i++)
		cat(&c, "%s%s", i ? "," : "", r->svc.apps[i]);
	if (!r->svc.napps)
		cat(&c, "*");
	cat(cell(&c, cells[C_SEC]), "%s",
	    r->svc.secured == FA_SEC_SECURED     ? "secured"
	    : r->svc.secured == FA_SEC_CLEARTEXT ? "clear"
	                                         : "-");
	cat(cell(&c, cells[C_SEV]), "%s", sev_word(r->severity));
	cell(&c, cells[C_FLAGS]);
	if (r->flags & FA_RULE_OPTIONAL)
		cat(&c, "optional");
	if (r->flags & FA_RULE_DISABLED)
		cat(&c, "%sdisabled", r->flags & FA_RULE_OPTIONAL ? "," : "");
	if (!(r->flags & (FA_RULE_OPTIONAL | FA_RULE_DISABLED)))
		cat(&c, "-");
	cat(cell(&c, cells[C_REF]), "%s", r->ref ? r->ref : "-");
}

static void put_cell(FILE *fp, const char *s, size_t w, bool last)
{
	size_t n = strlen(s);
	if (n > w && w > 3)
		fprintf(fp, "%.*s...", (int)(w - 3), s);
	else
		fprintf(fp, "%s", s);
	if (!last)
		fprintf(fp, "%*s", (int)(w - (n > w ? w : n) + 1), "");
}

/* The reference wraps at spaces under its own column. */
static void put_ref(FILE *fp, const char *s, size_t indent, size_t w)
{
	bool first = true;
	while (*s) {
		size_t n = strlen(s);
		if (n > w) {
			n = w;
			while (n > w / 2 && s[n] != ' ')
				n--;
			if (s[n] != ' ')
				n = w;
		}
		if (!first)
			fprintf(fp, "\n%*s", (int)indent, "");
		fprintf(fp, "%.*s", (int)n, s);
		s += n;
		while (*s == ' ')
			s++;
		first = false;
	}
	fputc('\n', fp);
}

static void show_rules(const struct fa_policy_set *set, FILE *fp)
{
	char(*cells)[C__COUNT][CELL] = calloc(set->nrules ? set->nrules : 1, sizeof(*cells));
	if (!cells) {
		fprintf(fp, "(out of memory)\n");
		return;
	}
	size_t w[C__COUNT];
	for (int i = 0; i < C__COUNT; i++)
		w[i] = strlen(heads[i]);
	for (size_t r = 0; r < set->nrules; r++) {
		rule_cells(set, &set->rules[r], cells[r]);
		for (int i = 0; i < C_REF; i++) {
			size_t n = strlen(cells[r][i]);
			if (n > w[i])
				w[i] = n > caps[i] ? caps[i] : n;
		}
	}
	/* the reference needs no more room than its longest text */
	size_t ref_min = 0;
	for (size_t r = 0; r < set->nrules; r++) {
		size_t n = strlen(cells[r][C_REF]);
		if (n > ref_min)
			ref_min = n;
	}
	if (ref_min > REF_MIN)
		ref_min = REF_MIN;
	bool shown[C__COUNT];
	for (int i = 0; i < C__COUNT; i++)
		shown[i] = i != C_POL || set->npolicies > 1;
	size_t indent = 0;
	for (int i = 0; i < C_REF; i++)
		indent += shown[i] ? w[i] + 1 : 0;
	/* Too wide for the reference to fit: narrow the widest free-text
	 * columns, a character at a time, rather than overflow the line. */
	static const int narrowable[] = {C_ID, C_FROM, C_TO, C_SVC, C_APPS, C_FLAGS};
	while (indent + ref_min > SHOW_WIDTH) {
		int widest = -1;
		for (size_t k = 0; k < sizeof(narrowable) / sizeof(narrowable[0]); k++) {
			int i = narrowable[k];
			if (w[i] > NARROW_MIN && (widest < 0 || w[i] > w[widest]))
				widest = i;
		}
		if (widest < 0)
			break;
		w[widest]--;
		indent--;
	}
	size_t refw = indent + ref_min <= SHOW_WIDTH ? SHOW_WIDTH - indent : ref_min;
	for (int i = 0; i < C__COUNT; i++)
		if (shown[i])
			put_cell(fp, heads[i], w[i], i == C_REF);
	fputc('\n', fp);
	for (size_t r = 0; r < set->nrules; r++) {
		for (int i = 0; i < C_REF; i++)
			if (shown[i])
				put_cell(fp, cells[r][i], w[i], false);
		put_ref(fp, cells[r][C_REF], indent, refw);
	}
	free(cells);
}

static void elem_str(struct cat *c, const struct fa_policy_set *set, const struct fa_role_elem *e)
{
	char a[FA_ADDR_STRLEN], b[FA_ADDR_STRLEN];
	cat(c, "%s", e->negate ? "!" : "");
	switch (e->kind) {
	case FA_RE_NET:
		fa_addr_str(&e->a, a, sizeof(a));
		if (e->prefix == (e->a.ver == 4 ? 32 : 128))
			cat(c, "%s", a);
		else
			cat(c, "%s/%u", a, e->prefix);
		break;
	case FA_RE_RANGE:
		cat(c, "%s-%s", fa_addr_str(&e->a, a, sizeof(a)), fa_addr_str(&e->b, b, sizeof(b)));
		break;
	case FA_RE_ANY: cat(c, "any"); break;
	case FA_RE_PRIVATE: cat(c, "private"); break;
	case FA_RE_PUBLIC: cat(c, "public"); break;
	case FA_RE_MULTICAST: cat(c, "multicast"); break;
	case FA_RE_HOST: cat(c, "host \"%s\"", e->host); break;
	case FA_RE_ASN: cat(c, "asn %u", e->asn); break;
	case FA_RE_COUNTRY: cat(c, "country %s", e->country); break;
	case FA_RE_ROLE: cat(c, "%s", role_name(set, e->role)); break;
	default: cat(c, "?"); break;
	}
}

static void show_roles(const struct fa_policy_set *set, FILE *fp)
{
	size_t wn = 4;
	for (size_t r = 0; r < set->nroles; r++) {
		size_t n = strlen(set->roles[r].name);
		if (n > wn)
			wn = n > 20 ? 20 : n;
	}
	fprintf(fp, "%-*s SCOPE MEMBERS\n", (int)wn, "ROLE");
	for (size_t r = 0; r < set->nroles; r++) {
		const struct fa_role *ro = &set->roles[r];
		char buf[CELL];
		struct cat c = {buf, sizeof(buf), 0};
		buf[0] = '\0';
		if (!ro->bound)
			cat(&c, "(unbound: a site file gives its members)");
		for (size_t e = 0; e < ro->nelems; e++) {
			if (e)
				cat(&c, ", ");
			elem_str(&c, set, &ro->elems[e]);
		}
		size_t room = SHOW_WIDTH - wn - 7;
		put_cell(fp, ro->name, wn, false);
		fprintf(fp, "%-5s ", ro->in_scope ? "yes" : "-");
		put_cell(fp, buf, room, true);
		fputc('\n', fp);
	}
}

void fa_policy_show(const struct fa_policy_set *set, FILE *fp)
{
	if (!set || !fp)
		return;
	for (size_t i = 0; i < set->npolicies; i++) {
		const struct fa_policy *p = &set->policies[i];
		fprintf(fp, "policy %zu: %s\n", i + 1, p->name);
		fprintf(fp, "  file %s", p->file);
		if (p->source)
			fprintf(fp, ", source %s", p->source);
		if (p->version)
			fprintf(fp, ", version %s", p->version);
		fputc('\n', fp);
	}
	if (set->site_name)
		fprintf(fp, "site: %s\n", set->site_name);
	fputc('\n', fp);
	show_roles(set, fp);
	fputc('\n', fp);
	show_rules(set, fp);
}
