/* policy_diag.c - messages about policy files, compiler style: the place,
 * the line as written with a caret under the column, and "did you mean"
 * suggestions for misspelt names. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy_int.h"

/* ---- messages --------------------------------------------------------------- */

static const struct pl_file *file_of(const struct pl_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->set->nfiles; i++)
		if (c->set->files[i] == name)
			return &c->files[i];
	return NULL;
}

/* The line as written, then a caret under the column; tabs are kept in the
 * caret line so it lines up however the terminal expands them. */
static void quote_line(const struct pl_ctx *c, const struct fa_srcloc *loc)
{
	const struct pl_file *f = file_of(c, loc->file);
	if (!f || !loc->line)
		return;
	size_t off = 0;
	for (uint32_t l = 1; l < loc->line && off < f->len; off++)
		if (f->text[off] == '\n')
			l++;
	size_t end = off;
	while (end < f->len && f->text[end] != '\n' && f->text[end] != '\r')
		end++;
	fprintf(c->diag, "%.*s\n", (int)(end - off), f->text + off);
	for (size_t i = 0; i + 1 < loc->col && off + i < end; i++)
		fputc(f->text[off + i] == '\t' ? '\t' : ' ', c->diag);
	fputs("^\n", c->diag);
}

/* The attribute lets the compiler check every caller's format string. */
static void vdiag(struct pl_ctx *c, const char *kind, const struct fa_srcloc *loc, const char *fmt,
                  va_list ap) __attribute__((format(printf, 4, 0)));

static void vdiag(struct pl_ctx *c, const char *kind, const struct fa_srcloc *loc, const char *fmt,
                  va_list ap)
{
	if (!c->diag)
		return;
	if (loc && loc->line)
		fprintf(c->diag, "%s:%u:%u: %s: ", loc->file, loc->line, loc->col, kind);
	else if (loc)
		fprintf(c->diag, "%s: %s: ", loc->file, kind);
	else
		fprintf(c->diag, "flowaudit: %s: ", kind);
	vfprintf(c->diag, fmt, ap);
	fputc('\n', c->diag);
	if (loc)
		quote_line(c, loc);
}

/* Like a compiler, only the first PL_ERROR_LIMIT errors of a load are
 * shown, with the notes and warnings around them; the rest are counted
 * (pl_error_summary). A capture or other binary file given as a policy by
 * mistake then gives a screenful, not thousands of lines, and quoting each
 * line cannot make a long file quadratic. Errors without a place (no
 * policy given, out of memory) are always shown. */
void pl_error(struct pl_ctx *c, const struct fa_srcloc *loc, const char *fmt, ...)
{
	va_list ap;
	c->nerrors++;
	if (loc && c->nerrors > PL_ERROR_LIMIT) {
		c->nhidden++;
		return;
	}
	va_start(ap, fmt);
	vdiag(c, "error", loc, fmt, ap);
	va_end(ap);
}

void pl_error_summary(struct pl_ctx *c)
{
	if (c->nhidden && c->diag)
		fprintf(c->diag,
		        "flowaudit: error: %u more errors not shown (%u in all); fix the first ones "
		        "and check again\n",
		        c->nhidden, c->nerrors);
}

void pl_warning(struct pl_ctx *c, const struct fa_srcloc *loc, const char *fmt, ...)
{
	va_list ap;
	if (c->nhidden || (c->opts && c->opts->hide_warnings)) {
		c->nwarnings++;
		return;
	}
	va_start(ap, fmt);
	vdiag(c, "warning", loc, fmt, ap);
	va_end(ap);
	c->nwarnings++;
}

void pl_note(struct pl_ctx *c, const struct fa_srcloc *loc, const char *fmt, ...)
{
	va_list ap;
	if (c->nhidden)
		return; /* belongs to an error that was not shown */
	va_start(ap, fmt);
	vdiag(c, "note", loc, fmt, ap);
	va_end(ap);
}

/* ---- "did you mean" ------------------------------------------------------------ */

static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return UINT_MAX;
	unsigned d[64][64];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20;
			unsigned best = d[i - 1][j - 1] + (ca != cb);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			/* a swap of two neighbours is one typo */
			if (i > 1 && j > 1 && ca == (b[j - 2] | 0x20) && (a[i - 2] | 0x20) == cb &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

void pl_suggest_init(struct pl_suggest *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
}

void pl_suggest_add(struct pl_suggest *s, const char *cand)
{
	size_t len = strlen(s->name);
	unsigned limit = len <= 3 ? 1 : len < 6 ? 2 : (unsigned)(len / 3);
	unsigned d = edit_distance(s->name, cand);
	if (d > limit || d >= len)
		return;
	for (size_t i = 0; i < 3; i++) {
		if (s->best[i] && strcasecmp(s->best[i], cand) == 0)
			return;
	}
	for (size_t i = 0; i < 3; i++) {
		if (!s->best[i] || d < s->dist[i] ||
		    (d == s->dist[i] && strcasecmp(cand, s->best[i]) < 0)) {
			for (size_t k = 2; k > i; k--) {
				s->best[k] = s->best[k - 1];
				s->dist[k] = s->dist[k - 1];
			}
			s->best[i] = cand;
			s->dist[i] = d;
			return;
		}
	}
}

void pl_suggest_format(const struct pl_suggest *s, char *buf, size_t len)
{
	size_t n = 0;
	while (n < 3 && s->best[n])
		n++;
	if (!n) {
		snprintf(buf, len, "%s", "");
		return;
	}
	int w = snprintf(buf, len, " did you mean '%s'", s->best[0]);
	for (size_t i = 1; i < n && w > 0 && (size_t)w < len; i++)
		w += snprintf(buf + w, len - (size_t)w, "%s'%s'", i + 1 == n ? " or " : ", ",
		              s->best[i]);
	if (w > 0 && (size_t)w < len)
		snprintf(buf + w, len - (size_t)w, "?");
}
