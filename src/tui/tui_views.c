/* tui_views.c - the four lists of the dashboard (findings, rules, flows,
 * applications and talkers): their columns, the rows a snapshot gives them,
 * filtering and the sort keys of each. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fa_error.h"
#include "tui_int.h"

/* ---- columns ---------------------------------------------------------------- */

enum { F_SEV, F_VERDICT, F_INIT, F_RESP, F_SERVICE, F_APP, F_FLOWS, F_LAST, F_BYTES, F_RULE, F__N };
static const struct tui_col finding_cols[F__N] = {
    [F_SEV] = {"SEVERITY", 8, 8, 10, TF_SEV}, [F_VERDICT] = {"VERDICT", 15, 15, 9, 0},
    [F_INIT] = {"INITIATOR", 10, 28, 8, 0},   [F_RESP] = {"RESPONDER", 10, 28, 8, 0},
    [F_SERVICE] = {"SERVICE", 9, 11, 7, 0},   [F_APP] = {"APP", 7, 20, 6, 0},
    [F_FLOWS] = {"FLOWS", 5, 7, 5, TF_RIGHT}, [F_LAST] = {"LAST", 4, 5, 5, TF_RIGHT},
    [F_BYTES] = {"BYTES", 8, 8, 3, TF_RIGHT}, [F_RULE] = {"RULE", 10, 28, 2, 0},
};

enum {
	R_ID,
	R_KIND,
	R_USE,
	R_FROM,
	R_TO,
	R_SERVICE,
	R_FLOWS,
	R_LAST,
	R_APPS,
	R_BYTES,
	R_POLICY,
	R__N
};
static const struct tui_col rule_cols[R__N] = {
    [R_ID] = {"RULE", 12, 28, 10, 0},
    [R_KIND] = {"KIND", 5, 5, 6, 0},
    [R_USE] = {"USE", 6, 6, 9, 0},
    [R_FROM] = {"FROM", 8, 22, 8, 0},
    [R_TO] = {"TO", 8, 22, 8, 0},
    [R_SERVICE] = {"SERVICE", 9, 16, 7, 0},
    [R_FLOWS] = {"FLOWS", 5, 7, 9, TF_RIGHT},
    [R_LAST] = {"LAST", 4, 5, 5, TF_RIGHT},
    [R_APPS] = {"APPS", 6, 24, 4, 0},
    [R_BYTES] = {"BYTES", 8, 8, 3, TF_RIGHT},
    [R_POLICY] = {"POLICY", 10, 40, 2, 0},
};

enum {
	L_PROTO,
	L_SRC,
	L_DST,
	L_APP,
	L_VERDICT,
	L_BYTES,
	L_LAST,
	L_PKTS,
	L_STATE,
	L_SEV,
	L_ROLES,
	L_RULE,
	L__N
};
static const struct tui_col flow_cols[L__N] = {
    [L_PROTO] = {"PROTO", 5, 6, 9, 0},
    [L_SRC] = {"SOURCE", 21, 47, 10, TF_MIDDLE},
    [L_DST] = {"DESTINATION", 21, 47, 10, TF_MIDDLE},
    [L_APP] = {"APP", 8, 22, 8, 0},
    [L_VERDICT] = {"VERDICT", 12, 15, 7, TF_SEV},
    [L_BYTES] = {"BYTES", 8, 8, 6, TF_RIGHT},
    [L_LAST] = {"LAST", 4, 5, 5, TF_RIGHT},
    [L_PKTS] = {"PKTS", 6, 7, 4, TF_RIGHT},
    [L_STATE] = {"STATE", 6, 6, 3, 0},
    [L_SEV] = {"SEVERITY", 8, 8, 2, TF_SEV},
    [L_ROLES] = {"ROLES", 12, 40, 1, 0},
    [L_RULE] = {"RULE", 10, 24, 1, 0},
};

enum { A_NAME, A_FLOWS, A_BYTES, A_SHARE, A__N };
static const struct tui_col app_cols[A__N] = {
    [A_NAME] = {"NAME", 16, 46, 10, 0},
    [A_FLOWS] = {"FLOWS", 6, 8, 9, TF_RIGHT},
    [A_BYTES] = {"BYTES", 8, 8, 8, TF_RIGHT},
    [A_SHARE] = {"SHARE", 6, 6, 5, TF_RIGHT},
};

struct view_def {
	const char *name;
	const struct tui_col *cols;
	size_t ncols;
	unsigned id_cols; /* bit mask: the cells that identify a row */
	const char *sorts[6];
};

static const struct view_def views[TV__COUNT] = {
    [TV_FINDINGS] = {"Findings",
                     finding_cols,
                     F__N,
                     1u << F_VERDICT | 1u << F_INIT | 1u << F_RESP | 1u << F_SERVICE | 1u << F_APP,
                     {"severity", "newest", "flows", "bytes"}},
    [TV_RULES] = {"Rules",
                  rule_cols,
                  R__N,
                  1u << R_ID | 1u << R_POLICY,
                  {"policy order", "flows", "bytes", "last used", "unused first"}},
    [TV_FLOWS] = {"Flows",
                  flow_cols,
                  L__N,
                  1u << L_PROTO | 1u << L_SRC | 1u << L_DST,
                  {"bytes", "packets", "newest", "severity", "longest"}},
    [TV_APPS] =
        {"Apps/talkers", app_cols, A__N, 1u << A_NAME, {"as listed", "flows", "bytes", "name"}},
};

const char *tui_view_name(enum tui_view v)
{
	return v < TV__COUNT ? views[v].name : "";
}

size_t tui_view_nsorts(enum tui_view v)
{
	size_t n = 0;
	while (v < TV__COUNT && n < 6 && views[v].sorts[n])
		n++;
	return n;
}

const char *tui_view_sort_name(enum tui_view v, unsigned sort)
{
	return sort < tui_view_nsorts(v) ? views[v].sorts[sort] : "";
}

/* ---- building ------------------------------------------------------------------ */

void tui_table_free(struct tui_table *t)
{
	free(t->rows);
	free(t->text);
	*t = (struct tui_table){0};
}

static int add_text(struct tui_table *t, uint32_t *off, const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	if (t->used + n > t->tcap) {
		size_t cap = t->tcap ? t->tcap : 4096;
		while (cap < t->used + n)
			cap *= 2;
		char *p = realloc(t->text, cap);
		if (!p)
			return FA_ERR_NOMEM;
		t->text = p;
		t->tcap = cap;
	}
	memcpy(t->text + t->used, s ? s : "", n);
	*off = (uint32_t)t->used;
	t->used += n;
	return FA_OK;
}

static struct tui_row *new_row(struct tui_table *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct tui_row *r = realloc(t->rows, cap * sizeof(*r));
		if (!r)
			return NULL;
		t->rows = r;
		t->cap = cap;
	}
	struct tui_row *r = &t->rows[t->nrows++];
	*r = (struct tui_row){0};
	return r;
}

/* Sets cell c of r, formatted like printf. */
static int cellf(struct tui_table *t, struct tui_row *r, size_t c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cellf(struct tui_table *t, struct tui_row *r, size_t c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return add_text(t, &r->cell[c], buf);
}

static int cell(struct tui_table *t, struct tui_row *r, size_t c, const char *s)
{
	return add_text(t, &r->cell[c], s ? s : "");
}

static int cell_count(struct tui_table *t, struct tui_row *r, size_t c, uint64_t n)
{
	char b[32];
	tui_fmt_count(b, sizeof(b), n);
	return cell(t, r, c, b);
}

static int cell_bytes(struct tui_table *t, struct tui_row *r, size_t c, uint64_t n)
{
	char b[32];
	tui_fmt_bytes(b, sizeof(b), n);
	return cell(t, r, c, b);
}

static int cell_ago(struct tui_table *t, struct tui_row *r, size_t c, const struct fa_snapshot *s,
                    uint64_t then)
{
	char b[32];
	tui_fmt_ago(b, sizeof(b), s->packet_time_us, then);
	return cell(t, r, c, b);
}

/* 56 bits of a time, under a small rank in the top byte. */
static uint64_t ranked(unsigned rank, uint64_t v)
{
	return (uint64_t)rank << 56 | (v & ((1ull << 56) - 1));
}

static int add_finding(struct tui_table *t, const struct fa_snapshot *s,
                       const struct fa_snap_finding *f, unsigned sort)
{
	struct tui_row *r = new_row(t);
	if (!r)
		return FA_ERR_NOMEM;
	char svc[48];
	tui_fmt_service(svc, sizeof(svc), f->proto, f->port);
	int rc = cell(t, r, F_SEV, f->severity) | cell(t, r, F_VERDICT, f->verdict) |
	         cell(t, r, F_INIT, f->initiator) | cell(t, r, F_RESP, f->responder) |
	         cell(t, r, F_SERVICE, svc) | cell(t, r, F_APP, f->app) |
	         cell_count(t, r, F_FLOWS, f->flows) | cell_ago(t, r, F_LAST, s, f->last_us) |
	         cell_bytes(t, r, F_BYTES, f->bytes) | cell(t, r, F_RULE, f->rule ? f->rule : "-");
	r->item = f;
	r->sev_style = (uint8_t)tui_severity_style(f->severity_id);
	switch (sort) {
	case 1: r->key = f->last_us; break;
	case 2: r->key = f->flows; break;
	case 3: r->key = f->bytes; break;
	default: r->key = ranked(f->severity_id, f->last_us); break;
	}
	return rc ? FA_ERR_NOMEM : FA_OK;
}

static int add_rule(struct tui_table *t, const struct fa_snapshot *s, const struct fa_snap_rule *u,
                    unsigned sort)
{
	struct tui_row *r = new_row(t);
	if (!r)
		return FA_ERR_NOMEM;
	int rc = cell(t, r, R_ID, u->id) | cell(t, r, R_KIND, u->deny ? "deny" : "allow") |
	         cell(t, r, R_USE, u->unused ? "unused" : "") | cell(t, r, R_FROM, u->src_role) |
	         cell(t, r, R_TO, u->dst_role) | cell(t, r, R_SERVICE, u->service) |
	         cell_count(t, r, R_FLOWS, u->flows) | cell_ago(t, r, R_LAST, s, u->last_us) |
	         cell(t, r, R_APPS, u->apps && u->apps[0] ? u->apps : "any") |
	         cell_bytes(t, r, R_BYTES, u->bytes) | cell(t, r, R_POLICY, u->policy);
	r->item = u;
	r->style = u->unused ? TS_DIM : TS_NORMAL;
	switch (sort) {
	case 1: r->key = u->flows; break;
	case 2: r->key = u->bytes; break;
	case 3: r->key = u->last_us; break;
	case 4: r->key = u->unused; break;
	default: break;
	}
	return rc ? FA_ERR_NOMEM : FA_OK;
}

static int add_flow(struct tui_table *t, const struct fa_snapshot *s, const struct fa_snap_flow *f,
                    unsigned sort)
{
	struct tui_row *r = new_row(t);
	if (!r)
		return FA_ERR_NOMEM;
	char src[64], dst[64];
	tui_fmt_endpoint(src, sizeof(src), &f->src, f->sport);
	tui_fmt_endpoint(dst, sizeof(dst), &f->dst, f->dport);
	int rc = cell(t, r, L_PROTO, f->proto) | cell(t, r, L_SRC, src) | cell(t, r, L_DST, dst) |
	         cell(t, r, L_APP, f->app) | cell(t, r, L_VERDICT, f->verdict ? f->verdict : "-") |
	         cell_bytes(t, r, L_BYTES, f->bytes) | cell_ago(t, r, L_LAST, s, f->last_us) |
	         cell_count(t, r, L_PKTS, f->pkts) |
	         cell(t, r, L_STATE, f->ended ? "ended" : "active") |
	         cell(t, r, L_SEV, f->severity ? f->severity : "-") |
	         cellf(t, r, L_ROLES, "%s -> %s", f->src_role ? f->src_role : "-",
	               f->dst_role ? f->dst_role : "-") |
	         cell(t, r, L_RULE, f->rule ? f->rule : "-");
	r->item = f;
	r->style = f->ended ? TS_DIM : TS_NORMAL;
	r->sev_style = (uint8_t)tui_severity_style(f->severity_id);
	switch (sort) {
	case 1: r->key = f->pkts; break;
	case 2: r->key = f->last_us; break;
	case 3: r->key = ranked(f->severity_id, f->bytes); break;
	case 4: r->key = f->last_us > f->first_us ? f->last_us - f->first_us : 0; break;
	default: r->key = f->bytes; break;
	}
	return rc ? FA_ERR_NOMEM : FA_OK;
}

static int add_count(struct tui_table *t, const struct fa_snap_count *c, uint8_t group,
                     uint64_t total, unsigned sort)
{
	struct tui_row *r = new_row(t);
	if (!r)
		return FA_ERR_NOMEM;
	uint64_t part = group ? c->bytes : c->flows;
	double pct = total ? 100.0 * (double)part / (double)total : 0;
	int rc = cell(t, r, A_NAME, c->name) | cell_count(t, r, A_FLOWS, c->flows) |
	         cell_bytes(t, r, A_BYTES, c->bytes) | cellf(t, r, A_SHARE, "%.1f%%", pct);
	r->item = c;
	r->group = group;
	r->key = sort == 1 ? c->flows : sort == 2 ? c->bytes : 0;
	return rc ? FA_ERR_NOMEM : FA_OK;
}

static int add_section(struct tui_table *t, uint8_t group, const char *title, size_t n)
{
	struct tui_row *r = new_row(t);
	if (!r)
		return FA_ERR_NOMEM;
	for (size_t c = 0; c < t->ncols; c++) {
		if (cell(t, r, c, ""))
			return FA_ERR_NOMEM;
	}
	r->kind = TR_SECTION;
	r->group = group;
	r->style = TS_TITLE;
	return cellf(t, r, A_NAME, "%s (%zu)", title, n);
}

/* FNV-1a over the identifying cells. */
static uint64_t row_id(const struct tui_table *t, const struct tui_row *r, unsigned mask)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t c = 0; c < t->ncols; c++) {
		if (!(mask & (1u << c)))
			continue;
		for (const char *p = tui_cell(t, r, c);; p++) {
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
			if (!*p)
				break;
		}
	}
	return h ^ r->group;
}

static bool row_matches(const struct tui_table *t, const struct tui_row *r, const char *filter)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (tui_contains(tui_cell(t, r, c), filter))
			return true;
	}
	return false;
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct tui_row *x = a, *y = b;
	(void)arg;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->kind != y->kind) /* a section title heads its group */
		return x->kind == TR_SECTION ? -1 : 1;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_names(const void *a, const void *b, void *arg)
{
	const struct tui_row *x = a, *y = b;
	const struct tui_table *t = arg;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind == TR_SECTION ? -1 : 1;
	int c = strcasecmp(tui_cell(t, x, A_NAME), tui_cell(t, y, A_NAME));
	return c ? c : (x->order < y->order ? -1 : x->order > y->order);
}

static int build_rows(struct tui_table *t, const struct fa_snapshot *s, unsigned sort)
{
	int rc = FA_OK;
	switch (t->view) {
	case TV_FINDINGS:
		for (size_t i = 0; !rc && i < s->nfindings; i++)
			rc = add_finding(t, s, &s->findings[i], sort);
		break;
	case TV_RULES:
		for (size_t i = 0; !rc && i < s->nrules; i++)
			rc = add_rule(t, s, &s->rules[i], sort);
		break;
	case TV_FLOWS:
		for (size_t i = 0; !rc && i < s->nflows; i++)
			rc = add_flow(t, s, &s->flows[i], sort);
		break;
	case TV_APPS: {
		uint64_t flows = 0, bytes = 0;
		for (size_t i = 0; i < s->napps; i++)
			flows += s->apps[i].flows;
		for (size_t i = 0; i < s->ntalkers; i++)
			bytes += s->talkers[i].bytes;
		rc = add_section(t, 0, "Applications, by flows", s->napps);
		for (size_t i = 0; !rc && i < s->napps; i++)
			rc = add_count(t, &s->apps[i], 0, flows, sort);
		if (!rc)
			rc = add_section(t, 1, "Top talkers, by bytes", s->ntalkers);
		for (size_t i = 0; !rc && i < s->ntalkers; i++)
			rc = add_count(t, &s->talkers[i], 1, bytes, sort);
		break;
	}
	default: break;
	}
	return rc;
}

int tui_table_build(struct tui_table *t, enum tui_view v, const struct fa_snapshot *s,
                    unsigned sort, const char *filter)
{
	if (v >= TV__COUNT)
		v = TV_FINDINGS;
	t->view = v;
	t->cols = views[v].cols;
	t->ncols = views[v].ncols;
	t->nrows = t->used = t->total = 0;
	if (!s)
		return FA_OK;
	if (sort >= tui_view_nsorts(v))
		sort = 0;
	int rc = build_rows(t, s, sort);
	if (rc)
		return rc;
	size_t kept = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		struct tui_row *r = &t->rows[i];
		r->order = (uint32_t)i;
		if (r->kind == TR_ITEM) {
			t->total++;
			if (filter && !row_matches(t, r, filter))
				continue;
		}
		r->id = row_id(t, r, views[v].id_cols);
		t->rows[kept++] = *r;
	}
	t->nrows = kept;
	bool by_name = v == TV_APPS && sort == 3;
	/* Before the first snapshot there are no rows and no array: qsort_r
	 * must not be handed a null pointer even for zero elements. */
	if (t->nrows > 1)
		qsort_r(t->rows, t->nrows, sizeof(*t->rows), by_name ? cmp_names : cmp_rows, t);
	return FA_OK;
}
