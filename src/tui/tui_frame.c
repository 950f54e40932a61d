/* tui_frame.c - one screenful of the dashboard as styled text at positions:
 * the header (source, rates, drops, verdicts), the view tabs, the current
 * list with its columns fitted to the width (or help, or details), and the
 * status line. The screen draws it in one refresh. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"
#include "output/verdict_names.h"
#include "tui_int.h"

#define MIN_W 40
#define MIN_H 8
#define LIST_TOP 5 /* header 3 lines, tabs, column headings */
#define LINE_MAX 4096

/* ---- layout --------------------------------------------------------------- */

/* Widths for the shown columns: each at its minimum, then the room left
 * goes towards their content, most important first, evenly among columns
 * of the same importance. Returns how many columns fall short of their
 * content, in columns, among those more important than `prio`. */
static unsigned widen(const struct tui_table *t, const bool *shown, const unsigned *want,
                      unsigned width, unsigned widths[TUI_MAXCOLS], unsigned prio)
{
	unsigned total = 0, n = 0, short_by = 0;
	for (size_t c = 0; c < TUI_MAXCOLS; c++) {
		widths[c] = c < t->ncols && shown[c] ? t->cols[c].min : 0;
		if (widths[c])
			total += widths[c] + (n++ ? 1 : 0);
	}
	unsigned extra = width > total ? width - total : 0;
	for (int p = 255; p >= 0 && extra; p--) {
		bool more = true;
		while (extra && more) {
			more = false;
			for (size_t c = 0; c < t->ncols && extra; c++) {
				if (widths[c] && t->cols[c].prio == p && widths[c] < want[c]) {
					widths[c]++;
					extra--;
					more = true;
				}
			}
		}
	}
	for (size_t c = 0; c < t->ncols; c++) {
		if (widths[c] && t->cols[c].prio > prio)
			short_by += want[c] - widths[c];
	}
	return short_by;
}

/* The shown column of lowest priority (the rightmost of equals), or -1. */
static int least(const struct tui_table *t, const bool *shown)
{
	int drop = -1;
	for (size_t c = 0; c < t->ncols; c++) {
		if (shown[c] && (drop < 0 || t->cols[c].prio <= t->cols[drop].prio))
			drop = (int)c;
	}
	return drop;
}

void tui_layout(const struct tui_table *t, unsigned width, unsigned widths[TUI_MAXCOLS],
                const struct tui_charset *cs)
{
	unsigned want[TUI_MAXCOLS] = {0};
	bool shown[TUI_MAXCOLS] = {0};
	unsigned total = 0, n = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		const struct tui_col *col = &t->cols[c];
		size_t w = tui_text_width(cs, col->title);
		for (size_t i = 0; i < t->nrows; i++) {
			if (t->rows[i].kind != TR_ITEM)
				continue;
			size_t cw = tui_text_width(cs, tui_cell(t, &t->rows[i], c));
			if (cw > w)
				w = cw;
		}
		want[c] = w < col->min ? col->min : w > col->max ? col->max : (unsigned)w;
		shown[c] = true;
		total += col->min + (n++ ? 1 : 0);
	}
	/* too narrow: the least important columns go first */
	while (total > width && n > 1) {
		int drop = least(t, shown);
		shown[drop] = false;
		total -= t->cols[drop].min + 1;
		n--;
	}
	/* a minor column also gives way when the columns before it in
	 * importance would be cut by more than it takes */
	for (;;) {
		int drop = least(t, shown);
		if (n <= 1 || t->cols[drop].prio > TUI_PRIO_MINOR)
			break;
		if (widen(t, shown, want, width, widths, t->cols[drop].prio) <= t->cols[drop].min)
			break;
		shown[drop] = false;
		n--;
	}
	widen(t, shown, want, width, widths, 255);
}

/* ---- spans ------------------------------------------------------------------ */

void tui_frame_clear(struct tui_frame *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].text);
	free(f->v);
	*f = (struct tui_frame){0};
}

/* Adds s at (row, *col) cut to at most `max` columns (0: to the right edge)
 * and advances *col. */
static int put(struct tui_frame *f, unsigned row, unsigned *col, unsigned style, const char *s,
               unsigned max, unsigned flags, const struct tui_charset *cs)
{
	if (row >= f->height || *col >= f->width)
		return FA_OK;
	unsigned room = f->width - *col;
	unsigned w = (unsigned)tui_text_width(cs, s);
	if (max) {
		if (max < room)
			room = max;
		w = room; /* a fixed width: pad */
	} else if (w > room) {
		w = room;
		if (strspn(s, " ") == strlen(s)) /* a gap cut short is no ellipsis */
			s = "";
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 128;
		struct tui_span *v = realloc(f->v, cap * sizeof(*v));
		if (!v)
			return FA_ERR_NOMEM;
		f->v = v;
		f->cap = cap;
	}
	size_t len = (size_t)w * 4 + 1;
	char *text = malloc(len);
	if (!text)
		return FA_ERR_NOMEM;
	tui_fit(cs, text, len, s, w, flags);
	f->v[f->n++] = (struct tui_span){(uint16_t)row, (uint16_t)*col, style, text};
	*col += w;
	return FA_OK;
}

/* ---- header, tabs, status ----------------------------------------------------- */

/* "label value  ": the value in bold. */
static int stat(struct tui_frame *f, unsigned row, unsigned *col, const char *label,
                const char *value, const struct tui_charset *cs)
{
	int rc = FA_OK;
	if (label[0])
		rc |= put(f, row, col, TS_NORMAL, label, 0, 0, cs);
	rc |= put(f, row, col, TS_BOLD, value, 0, 0, cs);
	rc |= put(f, row, col, TS_NORMAL, "  ", 0, 0, cs);
	return rc;
}

static int header(struct tui_frame *f, const struct fa_snapshot *s, const struct tui_state *st,
                  const struct tui_charset *cs)
{
	char a[128], b[64];
	unsigned col = 0;
	int rc = FA_OK;
	/* the alerts first, at the right, so a long policy name cannot hide them */
	char alert[96] = "";
	if (st->paused)
		snprintf(alert, sizeof(alert), "PAUSED");
	if (s && s->input_done)
		snprintf(alert + strlen(alert), sizeof(alert) - strlen(alert),
		         "%sreplay finished %s q to quit", alert[0] ? "  " : "", cs->dash);
	unsigned aw = (unsigned)tui_text_width(cs, alert);
	unsigned left = aw + 1 < f->width ? f->width - aw - 1 : 0;
	if (aw) {
		unsigned ac = aw < f->width ? f->width - aw : 0;
		rc |= put(f, 0, &ac, TS_ALERT, alert, 0, 0, cs);
	}
	unsigned saved = f->width;
	f->width = left; /* the left part stops before the alerts */
	rc |= put(f, 0, &col, TS_TITLE, "flowaudit ", 0, 0, cs);
	if (!s) {
		rc |= put(f, 0, &col, TS_NORMAL, "waiting for data", 0, 0, cs);
		f->width = saved;
		return rc;
	}
	rc |= stat(f, 0, &col, s->live ? "live " : "file ", s->source ? s->source : "-", cs);
	tui_fmt_elapsed(a, sizeof(a), s->elapsed_us);
	rc |= stat(f, 0, &col, "elapsed ", a, cs);
	/* last: policy names can be long, and are the one thing cut */
	rc |= stat(f, 0, &col, "policy ", s->policy ? s->policy : "none", cs);
	f->width = saved;

	col = 0;
	tui_fmt_pps(a, sizeof(a), s->pps);
	rc |= stat(f, 1, &col, "", a, cs);
	tui_fmt_bps(a, sizeof(a), s->bps);
	rc |= stat(f, 1, &col, "", a, cs);
	tui_fmt_count(a, sizeof(a), s->flows_active);
	rc |= stat(f, 1, &col, "active flows ", a, cs);
	tui_fmt_count(a, sizeof(a), s->kernel_drops);
	rc |= stat(f, 1, &col, "kernel drops ", a, cs);
	tui_fmt_count(a, sizeof(a), s->decode_errors);
	rc |= stat(f, 1, &col, "decode errors ", a, cs);
	tui_fmt_count(a, sizeof(a), s->packets);
	rc |= stat(f, 1, &col, "packets ", a, cs);
	tui_fmt_count(a, sizeof(a), s->flows_ended);
	rc |= stat(f, 1, &col, "ended ", a, cs);
	if (s->if_drops) {
		tui_fmt_count(a, sizeof(a), s->if_drops);
		rc |= stat(f, 1, &col, "if drops ", a, cs);
	}

	col = 0;
	if (!s->policy) {
		rc |= put(f, 2, &col, TS_DIM, "no policy: flows are listed, not judged", 0, 0, cs);
		return rc;
	}
	/* flows by verdict, problems first in the order of their severity */
	static const unsigned order[] = {FA_V_DENIED,       FA_V_APP_MISMATCH, FA_V_WRONG_DIRECTION,
	                                 FA_V_UNDOCUMENTED, FA_V_APP_UNKNOWN,  FA_V_ALLOWED,
	                                 FA_V_OUT_OF_SCOPE};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned v = order[i];
		if (!s->by_verdict[v] && v != FA_V_ALLOWED)
			continue;
		tui_fmt_count(b, sizeof(b), s->by_verdict[v]);
		snprintf(a, sizeof(a), "%s ", fa_out_verdict_name(v));
		rc |= stat(f, 2, &col, a, b, cs);
	}
	return rc;
}

static int tabs(struct tui_frame *f, const struct fa_snapshot *s, const struct tui_state *st,
                const struct tui_charset *cs)
{
	char a[64];
	unsigned col = 0;
	int rc = FA_OK;
	for (unsigned v = 0; v < TV__COUNT; v++) {
		size_t n = !s                 ? 0
		           : v == TV_FINDINGS ? s->nfindings
		           : v == TV_RULES    ? s->nrules
		           : v == TV_FLOWS    ? s->nflows
		                              : s->napps + s->ntalkers;
		snprintf(a, sizeof(a), " %u %s %zu ", v + 1, tui_view_name((enum tui_view)v), n);
		rc |= put(f, 3, &col, v == st->view ? TS_TAB_ON : TS_TAB, a, 0, 0, cs);
		rc |= put(f, 3, &col, TS_NORMAL, " ", 0, 0, cs);
	}
	snprintf(a, sizeof(a), "sort: %s", tui_view_sort_name(st->view, st->vs[st->view].sort));
	unsigned w = (unsigned)tui_text_width(cs, a);
	if (col + w < f->width) {
		col = f->width - w;
		rc |= put(f, 3, &col, TS_NORMAL, a, 0, 0, cs);
	}
	return rc;
}

static int status(struct tui_frame *f, const struct tui_state *st, const struct tui_table *t,
                  const struct tui_charset *cs)
{
	char a[160];
	unsigned row = f->height - 1, col = 0;
	const struct tui_viewstate *vs = &st->vs[st->view];
	int rc = FA_OK;
	if (st->editing) {
		snprintf(a, sizeof(a), "/%s_", vs->filter);
		rc |= put(f, row, &col, TS_BOLD, a, 0, 0, cs);
		rc |= put(f, row, &col, TS_STATUS, "   Enter keep  Esc clear", 0, 0, cs);
	} else if (st->details_open) {
		rc |= put(f, row, &col, TS_STATUS, "Esc close  Up/Down scroll  q quit", 0, 0, cs);
	} else {
		rc |= put(f, row, &col, TS_STATUS,
		          "Enter details  / filter  s sort  p pause  ? help  q quit", 0, 0, cs);
	}
	if (vs->filter[0])
		snprintf(a, sizeof(a), "filter \"%s\" %zu/%zu", vs->filter,
		         t->nrows ? t->nrows - (t->view == TV_APPS ? 2 : 0) : 0, t->total);
	else
		snprintf(a, sizeof(a), "%zu rows", t->total);
	unsigned w = (unsigned)tui_text_width(cs, a);
	if (col + w + 2 <= f->width) {
		col = f->width - w;
		rc |= put(f, row, &col, vs->filter[0] ? TS_BOLD : TS_STATUS, a, 0, 0, cs);
	}
	return rc;
}

/* ---- the list, or an overlay ------------------------------------------------------ */

static int list(struct tui_frame *f, const struct fa_snapshot *s, struct tui_state *st,
                const struct tui_table *t, const struct tui_charset *cs)
{
	unsigned widths[TUI_MAXCOLS];
	struct tui_viewstate *vs = &st->vs[st->view];
	int rc = FA_OK;
	tui_layout(t, f->width, widths, cs);
	unsigned col = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		if (!widths[c])
			continue;
		rc |= put(f, LIST_TOP - 1, &col, TS_HEAD, t->cols[c].title, widths[c],
		          t->cols[c].flags & TF_RIGHT, cs);
		rc |= put(f, LIST_TOP - 1, &col, TS_HEAD, " ", 1, 0, cs);
	}
	if (col < f->width)
		rc |= put(f, LIST_TOP - 1, &col, TS_HEAD, "", f->width - col, 0, cs);
	if (!t->nrows || (t->view == TV_APPS && t->total == 0)) {
		const char *why =
		    !s              ? "waiting for the first snapshot"
		    : vs->filter[0] ? "no row contains the filter text (Esc clears it)"
		    : t->view == TV_FINDINGS && !s->policy ? "no findings: no policy loaded"
		                                           : "nothing yet";
		col = 1;
		return rc | put(f, LIST_TOP, &col, TS_DIM, why, 0, 0, cs);
	}
	for (unsigned i = 0; i < st->page && vs->top + i < t->nrows; i++) {
		const struct tui_row *r = &t->rows[vs->top + i];
		unsigned row = LIST_TOP + i, sel = vs->top + i == vs->sel ? TS_SELECTED : 0;
		col = 0;
		if (r->kind == TR_SECTION) {
			rc |= put(f, row, &col, TS_TITLE | sel, tui_cell(t, r, 0), f->width, 0, cs);
			continue;
		}
		for (size_t c = 0; c < t->ncols; c++) {
			if (!widths[c])
				continue;
			unsigned style =
			    (t->cols[c].flags & TF_SEV) && r->sev_style ? r->sev_style : r->style;
			/* the cell, then its gap in the row's style so the bar is whole */
			rc |= put(f, row, &col, style | sel, tui_cell(t, r, c), widths[c],
			          t->cols[c].flags, cs);
			rc |= put(f, row, &col, r->style | sel, " ", 1, 0, cs);
		}
		if (col < f->width)
			rc |= put(f, row, &col, r->style | sel, "", f->width - col, 0, cs);
	}
	return rc;
}

static int overlay(struct tui_frame *f, struct tui_state *st, const char *title,
                   const struct tui_lines *text, unsigned indent, size_t *top,
                   const struct tui_charset *cs)
{
	struct tui_lines wrapped = {0};
	unsigned col = 0;
	int rc = put(f, LIST_TOP - 1, &col, TS_HEAD, title, f->width, 0, cs);
	rc |= tui_lines_wrap(&wrapped, text, f->width > 2 ? f->width - 2 : 1, indent, cs);
	if (*top + st->page > wrapped.n)
		*top = wrapped.n > st->page ? wrapped.n - st->page : 0;
	for (unsigned i = 0; i < st->page && *top + i < wrapped.n; i++) {
		col = 1;
		rc |= put(f, LIST_TOP + i, &col, wrapped.v[*top + i].style,
		          wrapped.v[*top + i].text, 0, 0, cs);
	}
	tui_lines_clear(&wrapped);
	return rc;
}

int tui_frame_build(struct tui_frame *f, const struct fa_snapshot *s, struct tui_state *st,
                    const struct tui_table *t, unsigned width, unsigned height,
                    const struct tui_charset *cs)
{
	tui_frame_clear(f);
	f->width = width;
	f->height = height;
	if (width < MIN_W || height < MIN_H) {
		unsigned col = 0;
		char a[64];
		snprintf(a, sizeof(a), "terminal too small (%ux%u; need %ux%u)", width, height,
		         MIN_W, MIN_H);
		st->page = 1;
		return put(f, 0, &col, TS_ALERT, a, 0, 0, cs);
	}
	st->page = height - LIST_TOP - 1;
	tui_state_sync(st, t);
	int rc = header(f, s, st, cs) | tabs(f, s, st, cs) | status(f, st, t, cs);
	if (st->help) {
		struct tui_lines help = {0};
		size_t top = 0;
		rc |= tui_help(&help);
		rc |= overlay(f, st, " Help: any key closes", &help, 0, &top, cs);
		tui_lines_clear(&help);
	} else if (st->details_open) {
		/* continuation lines under the values ("Why:         ...") */
		rc |=
		    overlay(f, st, " Details: Esc closes", &st->details, 13, &st->details_top, cs);
	} else {
		rc |= list(f, s, st, t, cs);
	}
	return rc ? FA_ERR_NOMEM : FA_OK;
}

void tui_frame_row_text(const struct tui_frame *f, unsigned row, char *out, size_t outlen)
{
	/* each column holds one character of up to four bytes */
	char cells[LINE_MAX][5];
	unsigned w = f->width < LINE_MAX ? f->width : LINE_MAX;
	for (unsigned c = 0; c < w; c++)
		memcpy(cells[c], " ", 2);
	for (size_t i = 0; i < f->n; i++) {
		const struct tui_span *sp = &f->v[i];
		if (sp->row != row)
			continue;
		unsigned c = sp->col;
		for (const char *p = sp->text; *p && c < w; c++) {
			size_t n = 1;
			while (p[n] && ((unsigned char)p[n] & 0xc0) == 0x80 && n < 4)
				n++;
			memcpy(cells[c], p, n);
			cells[c][n] = '\0';
			p += n;
		}
	}
	size_t pos = 0;
	for (unsigned c = 0; c < w; c++) {
		size_t n = strlen(cells[c]);
		if (pos + n + 1 > outlen)
			break;
		memcpy(out + pos, cells[c], n);
		pos += n;
	}
	while (pos && out[pos - 1] == ' ')
		pos--;
	if (outlen)
		out[pos] = '\0';
}
