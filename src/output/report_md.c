/* report_md.c - the audit report as Markdown (GitHub-flavoured tables), for
 * reading as plain text, in a repository or a ticket. */
#include "report_int.h"

#include <string.h>

/* A cell of text escaped by put, "-" when unknown. */
static void cell_escaped(FILE *fp, const char *s, void (*put)(FILE *, const char *))
{
	fputs(" ", fp);
	if (s && s[0])
		put(fp, s);
	else
		fputs("-", fp);
	fputs(" |", fp);
}

static void cell_text(FILE *fp, const char *s)
{
	cell_escaped(fp, s, report_md_text);
}

static void cell_code(FILE *fp, const char *s)
{
	cell_escaped(fp, s, report_md_code);
}

/* Trusted text as it is: a label, a figure or a timestamp. */
static void cell_raw(FILE *fp, const char *s)
{
	fprintf(fp, " %s |", s);
}

static void cell_total(FILE *fp, const char *label)
{
	fprintf(fp, " **%s** |", label);
}

static void cell_bytes(FILE *fp, uint64_t n)
{
	char b[32];
	report_bytes(b, sizeof(b), n);
	cell_raw(fp, b);
}

static void cell_severity(FILE *fp, unsigned sev)
{
	cell_raw(fp, report_severity_title(sev));
}

static void cell_empty(FILE *fp)
{
	fputs(" |", fp);
}

static void section_begin(FILE *fp, const char *id, const char *title)
{
	(void)id;
	fprintf(fp, "## %s\n\n", title);
}

static void section_end(FILE *fp)
{
	(void)fp;
}

static void para(FILE *fp, const char *text)
{
	fprintf(fp, "%s\n\n", text);
}

/* The header row (titles may be empty) and the delimiter row, which aligns
 * the figures. A GFM table always has a header, so t->keyed and t->title
 * change nothing. */
static void table_begin(FILE *fp, const struct report_table *t)
{
	fputs("|", fp);
	for (size_t i = 0; i < t->ncols; i++) {
		fputs(" ", fp);
		if (t->cols[i].title[0])
			fprintf(fp, "%s ", t->cols[i].title);
		fputs("|", fp);
	}
	fputs("\n|", fp);
	for (size_t i = 0; i < t->ncols; i++)
		fputs(t->cols[i].kind == REPORT_COL_NUM ? " ---: |" : " --- |", fp);
	fputs("\n", fp);
}

/* A blank line ends a table. */
static void table_end(FILE *fp)
{
	fputs("\n", fp);
}

static void row_begin(FILE *fp, bool detail)
{
	(void)detail;
	fputs("|", fp);
}

static void row_end(FILE *fp)
{
	fputs("\n", fp);
}

/* Items separated by "; " (text may hold commas) or ", " (code spans). */
static void cell_list(FILE *fp, char *const *items, char *const *versions, size_t n, bool code)
{
	fputs(" ", fp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(code ? ", " : "; ", fp);
		if (code)
			report_md_code(fp, items[i]);
		else
			report_md_text(fp, items[i]);
		if (versions && versions[i] && versions[i][0]) {
			fputs(" (version ", fp);
			report_md_text(fp, versions[i]);
			fputs(")", fp);
		}
	}
	fputs(n ? " |" : "- |", fp);
}

static void fails_on(FILE *fp, unsigned sev)
{
	fprintf(fp, " severity %s or above |", fa_out_severity_name(sev));
}

/* "flowaudit 0.1.0, 2023-11-14 22:13:20 UTC" */
static void generated(FILE *fp, const struct report_context *c)
{
	char t[32];
	report_time(t, sizeof(t), c->generated_us);
	if (c->generator) {
		fputs(" ", fp);
		report_md_text(fp, c->generator);
	}
	if (t[0])
		fprintf(fp, "%s%s UTC", c->generator ? ", " : " ", t);
	fputs(" |", fp);
}

/* The pass/fail line that opens the summary. */
static void result(FILE *fp, const struct report_data *d)
{
	char n[32];
	if (!d->fail_on_known) {
		fputs("**Result: not judged** (no severity to fail on was given).\n\n", fp);
	} else if (d->failed) {
		report_count(n, sizeof(n), d->failing);
		fprintf(fp,
		        "**Result: FAIL.** %s flow%s violate%s the policy at severity %s or "
		        "above.\n\n",
		        n, d->failing == 1 ? "" : "s", d->failing == 1 ? "s" : "",
		        fa_out_severity_name(d->fail_on));
	} else {
		fprintf(
		    fp,
		    "**Result: PASS.** No flow violates the policy at severity %s or above.\n\n",
		    fa_out_severity_name(d->fail_on));
	}
}

static void severity_heading(FILE *fp, unsigned sev, size_t nfindings)
{
	fprintf(fp, "### %s (%zu)\n\n", report_severity_title(sev), nfindings);
}

/* The Why column (the reason, then the example flow) and the Suggested fix
 * column. */
static void finding_detail(FILE *fp, const struct report_finding *f)
{
	char t[32];
	fputs(" ", fp);
	if (f->why && f->why[0]) {
		report_md_text(fp, f->why);
		fputs(". ", fp);
	}
	report_time(t, sizeof(t), f->ex_ts_us);
	bool v6s = strchr(f->ex_src, ':') != NULL, v6d = strchr(f->ex_dst, ':') != NULL;
	fprintf(fp, "Example: %s%s%s:%u → %s%s%s:%u at %s |", v6s ? "\\[" : "", f->ex_src,
	        v6s ? "\\]" : "", (unsigned)f->ex_sport, v6d ? "\\[" : "", f->ex_dst,
	        v6d ? "\\]" : "", (unsigned)f->ex_dport, t[0] ? t : "-");
	cell_code(fp, f->fix);
}

static const struct report_fmt md = {
    .section_begin = section_begin,
    .section_end = section_end,
    .para = para,
    .table_begin = table_begin,
    .table_end = table_end,
    .row_begin = row_begin,
    .row_end = row_end,
    .cell_head = cell_raw,
    .cell_total = cell_total,
    .cell_text = cell_text,
    .cell_code = cell_code,
    .cell_num = cell_raw,
    .cell_bytes = cell_bytes,
    .cell_severity = cell_severity,
    .cell_empty = cell_empty,
    .cell_list = cell_list,
    .fails_on = fails_on,
    .generated = generated,
    .result = result,
    .severity_heading = severity_heading,
    .finding_detail = finding_detail,
};

void report_write_md(FILE *fp, const struct report_data *d)
{
	fputs("# ", fp);
	report_md_text(fp, d->ctx.title && d->ctx.title[0] ? d->ctx.title : "Flow audit report");
	fputs("\n\n", fp);
	report_write_context(&md, fp, d);
	report_write_sections(&md, fp, d);
}
