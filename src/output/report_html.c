/* report_html.c - the audit report as one self-contained HTML file: inline
 * CSS and SVG charts, no script and no external resource, readable on
 * screen and printed. Every string from the traffic or a policy goes
 * through report_html_text; a Content-Security-Policy forbids scripts as a
 * second line of defence. */
#include "report_int.h"

#include <string.h>

#define CHART_MAX_RULES 15 /* bytes-per-rule chart: the busiest rules */

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2329;"
    "margin:2em auto;max-width:1200px;padding:0 1em}"
    "h1{font-size:1.7em;margin:0 0 .4em}h2{border-bottom:2px solid #d5dae0;padding-bottom:.2em;"
    "margin-top:2em}h3{margin:1.4em 0 .5em}"
    "table{border-collapse:collapse;margin:.5em 0 1em;width:100%}"
    "th,td{border:1px solid #d5dae0;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#eef1f4}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    "table.ctx{width:auto}table.ctx th{width:11em}"
    "code{font:12.5px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f4f6f8;"
    "padding:0 .2em;white-space:pre-wrap;word-break:break-all}"
    ".result{font-size:1.25em;font-weight:600;padding:.5em .8em;border-radius:4px;"
    "display:inline-block}"
    ".pass{background:#e3f4e5;color:#17632a;border:1px solid #17632a}"
    ".fail{background:#fbe6e6;color:#9b1c1c;border:1px solid #9b1c1c}"
    ".unjudged{background:#eef1f4;border:1px solid #8a96a3}"
    ".sev{display:inline-block;min-width:4.5em;text-align:center;border-radius:3px;"
    "padding:0 .3em;font-size:.85em;font-weight:600;color:#fff}"
    ".s5{background:#7a0c0c}.s4{background:#c0392b}.s3{background:#d68910}"
    ".s2{background:#2e86c1}.s1{background:#7f8c8d}.s0{background:#aab}"
    "tr.detail td{background:#fafbfc;border-top:none;font-size:.93em}"
    "tr.main td{border-bottom:none}"
    ".muted{color:#5c6670}"
    "svg{max-width:760px;width:100%;height:auto;display:block;margin:.5em 0 1em}"
    "svg text{font:12px system-ui,sans-serif;fill:#1d2329}"
    ".b-allowed{fill:#2e9e4f}.b-out-of-scope{fill:#aab4bf}.b-other{fill:#8a96a3}"
    ".b-undocumented{fill:#d68910}.b-denied{fill:#9b1c1c}.b-wrong-direction{fill:#c0392b}"
    ".b-app-mismatch{fill:#af601a}.b-app-unknown{fill:#b7950b}.b-rule{fill:#2e86c1}"
    "footer{margin-top:3em;color:#5c6670;font-size:.9em}"
    "@media print{body{margin:0;max-width:none;font-size:10.5pt}"
    "h2{break-after:avoid}tr,svg{break-inside:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static void esc(FILE *fp, const char *s)
{
	report_html_text(fp, s, false);
}

/* Escaped text between open and close, or a muted dash when unknown. */
static void td_wrapped(FILE *fp, const char *s, const char *open, const char *close)
{
	if (s && s[0]) {
		fputs(open, fp);
		esc(fp, s);
		fputs(close, fp);
	} else {
		fputs("<td class=\"muted\">-</td>", fp);
	}
}

static void td(FILE *fp, const char *s)
{
	td_wrapped(fp, s, "<td>", "</td>");
}

static void td_code(FILE *fp, const char *s)
{
	td_wrapped(fp, s, "<td><code>", "</code></td>");
}

/* A figure or a timestamp (trusted). */
static void td_num(FILE *fp, const char *s)
{
	fprintf(fp, "<td class=\"n\">%s</td>", s);
}

static void td_bytes(FILE *fp, uint64_t n)
{
	char b[32], exact[32];
	report_bytes(b, sizeof(b), n);
	report_count(exact, sizeof(exact), n);
	fprintf(fp, "<td class=\"n\" title=\"%s bytes\">%s</td>", exact, b);
}

static void td_empty(FILE *fp)
{
	fputs("<td></td>", fp);
}

/* A row's label (trusted). */
static void th(FILE *fp, const char *label)
{
	fprintf(fp, "<th>%s</th>", label);
}

static void sev_badge(FILE *fp, unsigned sev)
{
	fprintf(fp, "<span class=\"sev s%u\">%s</span>", sev < FA_SEV__COUNT ? sev : 0,
	        report_severity_title(sev));
}

static void td_severity(FILE *fp, unsigned sev)
{
	fputs("<td>", fp);
	sev_badge(fp, sev);
	fputs("</td>", fp);
}

static void section_begin(FILE *fp, const char *id, const char *title)
{
	fprintf(fp, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
}

static void section_end(FILE *fp)
{
	fputs("</section>\n", fp);
}

static void para(FILE *fp, const char *text)
{
	fprintf(fp, "<p>%s</p>\n", text);
}

/* The detail columns are not in the header: finding_detail writes them as
 * a row of their own under each row. */
static void table_begin(FILE *fp, const struct report_table *t)
{
	if (t->title)
		fprintf(fp, "<h3>%s</h3>\n", t->title);
	fputs(t->narrow ? "<table class=\"ctx\">\n" : "<table>\n", fp);
	if (t->keyed)
		return;
	fputs("<tr>", fp);
	for (size_t i = 0; i < t->ncols; i++) {
		const struct report_column *c = &t->cols[i];
		if (c->kind == REPORT_COL_TEXT)
			fprintf(fp, "<th>%s</th>", c->title);
		else if (c->kind != REPORT_COL_DETAIL)
			fprintf(fp, "<th class=\"n\">%s</th>", c->title);
	}
	fputs("</tr>\n", fp);
}

static void table_end(FILE *fp)
{
	fputs("</table>\n", fp);
}

static void row_begin(FILE *fp, bool detail)
{
	fputs(detail ? "<tr class=\"main\">" : "<tr>", fp);
}

static void row_end(FILE *fp)
{
	fputs("</tr>\n", fp);
}

/* A horizontal bar chart as inline SVG: labels left, bars scaled to the
 * largest value, the value as text after each bar. */
static void svg_bars(FILE *fp, const char *title, size_t n, const char *const *labels,
                     const uint64_t *values, const char *const *texts, const char *const *classes)
{
	const unsigned row = 22, label_w = 200, bar_w = 420;
	uint64_t max = 0;
	for (size_t i = 0; i < n; i++)
		max = values[i] > max ? values[i] : max;
	unsigned h = (unsigned)n * row + 8;
	fprintf(fp, "<svg viewBox=\"0 0 760 %u\" role=\"img\" aria-label=\"", h);
	esc(fp, title);
	fputs("\"><title>", fp);
	esc(fp, title);
	fputs("</title>\n", fp);
	for (size_t i = 0; i < n; i++) {
		unsigned y = (unsigned)i * row + 4;
		double w = max ? (double)bar_w * (double)values[i] / (double)max : 0.0;
		if (values[i] && w < 1.0)
			w = 1.0; /* a non-zero value stays visible */
		fprintf(fp, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">", label_w - 8, y + 15);
		esc(fp, labels[i]);
		fprintf(fp, "</text><rect class=\"");
		esc(fp, classes[i]);
		fprintf(fp, "\" x=\"%u\" y=\"%u\" width=\"%.1f\" height=\"%u\"/>", label_w, y + 2,
		        w, row - 6);
		fprintf(fp, "<text x=\"%.1f\" y=\"%u\">", label_w + w + 6, y + 15);
		esc(fp, texts[i]);
		fputs("</text>\n", fp);
	}
	fputs("</svg>\n", fp);
}

/* One item a line. */
static void td_list(FILE *fp, char *const *items, char *const *versions, size_t n, bool code)
{
	fputs("<td>", fp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs("<br>", fp);
		if (code)
			fputs("<code>", fp);
		esc(fp, items[i]);
		if (code)
			fputs("</code>", fp);
		if (versions && versions[i] && versions[i][0]) {
			fputs(" <span class=\"muted\">(version ", fp);
			esc(fp, versions[i]);
			fputs(")</span>", fp);
		}
	}
	fputs(n ? "</td>" : "-</td>", fp);
}

static void fails_on(FILE *fp, unsigned sev)
{
	fputs("<td>", fp);
	sev_badge(fp, sev);
	fputs(" or above</td>", fp);
}

/* The pass/fail banner that opens the summary. */
static void result(FILE *fp, const struct report_data *d)
{
	char n[32];
	if (!d->fail_on_known) {
		fputs("<p class=\"result unjudged\">Not judged: no severity to fail on was "
		      "given.</p>\n",
		      fp);
	} else if (d->failed) {
		report_count(n, sizeof(n), d->failing);
		fprintf(fp,
		        "<p class=\"result fail\">FAIL: %s flow%s violate%s the policy at "
		        "severity %s or above.</p>\n",
		        n, d->failing == 1 ? "" : "s", d->failing == 1 ? "s" : "",
		        fa_out_severity_name(d->fail_on));
	} else {
		fprintf(fp,
		        "<p class=\"result pass\">PASS: no flow violates the policy at severity "
		        "%s or above.</p>\n",
		        fa_out_severity_name(d->fail_on));
	}
}

/* Flows by verdict, above the summary's table with the exact figures. */
static void verdict_chart(FILE *fp, const struct report_data *d)
{
	const char *labels[FA_V__COUNT], *texts[FA_V__COUNT], *classes[FA_V__COUNT];
	char textbuf[FA_V__COUNT][64], classbuf[FA_V__COUNT][32];
	uint64_t values[FA_V__COUNT];
	unsigned v[FA_V__COUNT];
	size_t nb = report_verdicts(d, v);
	for (size_t k = 0; k < nb; k++) {
		unsigned i = v[k];
		char n[32], share[16];
		report_count(n, sizeof(n), d->by_verdict[i]);
		report_share(share, sizeof(share), d->by_verdict[i], d->flows);
		snprintf(textbuf[k], sizeof(textbuf[k]), "%s (%s)", n, share);
		snprintf(classbuf[k], sizeof(classbuf[k]), "b-%s",
		         i == FA_V_NONE ? "other" : fa_out_verdict_name(i));
		labels[k] = i == FA_V_NONE ? "(none)" : fa_out_verdict_name(i);
		texts[k] = textbuf[k];
		classes[k] = classbuf[k];
		values[k] = d->by_verdict[i];
	}
	fputs("<h3>Flows by verdict</h3>\n", fp);
	svg_bars(fp, "Flows by verdict", nb, labels, values, texts, classes);
}

static void severity_heading(FILE *fp, unsigned sev, size_t nfindings)
{
	fputs("<h3>", fp);
	sev_badge(fp, sev);
	fprintf(fp, " %zu finding%s</h3>\n", nfindings, nfindings == 1 ? "" : "s");
}

static void endpoint(FILE *fp, const char *addr, unsigned port)
{
	bool v6 = strchr(addr, ':') != NULL;
	fprintf(fp, "%s", v6 ? "[" : "");
	esc(fp, addr);
	fprintf(fp, "%s:%u", v6 ? "]" : "", port);
}

/* Why, the example flow and the suggested fix: a second row under the
 * finding's, across all but its first column. */
static void finding_detail(FILE *fp, const struct report_finding *f)
{
	char t[32];
	fputs("</tr>\n<tr class=\"detail\"><td></td><td colspan=\"10\">", fp);
	if (f->why && f->why[0]) {
		fputs("<b>Why:</b> ", fp);
		esc(fp, f->why);
		fputs("<br>", fp);
	}
	report_time(t, sizeof(t), f->ex_ts_us);
	fputs("<b>Example:</b> ", fp);
	endpoint(fp, f->ex_src, f->ex_sport);
	fputs(" &rarr; ", fp);
	endpoint(fp, f->ex_dst, f->ex_dport);
	fprintf(fp, " at %s UTC", t[0] ? t : "-");
	if (f->fix && f->fix[0]) {
		fputs("<br><b>Suggested fix:</b> <code>", fp);
		report_html_text(fp, f->fix, true);
		fputs("</code>", fp);
	}
	fputs("</td>", fp);
}

/* Indexes of the used rules with the most bytes, most first. */
static size_t busiest_rules(const struct report_data *d, size_t *idx, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nrules; i++) {
		if (d->rules[i].unused || d->rules[i].bytes == 0)
			continue;
		size_t at = n < max ? n++ : max;
		while (at > 0 && d->rules[idx[at - 1]].bytes < d->rules[i].bytes) {
			if (at < max)
				idx[at] = idx[at - 1];
			at--;
		}
		if (at < max)
			idx[at] = i;
	}
	return n;
}

/* Bytes per rule, the busiest, above the coverage table; none if no rule
 * carried a byte. */
static void rule_chart(FILE *fp, const struct report_data *d)
{
	size_t idx[CHART_MAX_RULES];
	size_t nb = busiest_rules(d, idx, CHART_MAX_RULES);
	if (nb == 0)
		return;
	const char *labels[CHART_MAX_RULES], *texts[CHART_MAX_RULES];
	const char *classes[CHART_MAX_RULES];
	char textbuf[CHART_MAX_RULES][32];
	uint64_t values[CHART_MAX_RULES];
	for (size_t i = 0; i < nb; i++) {
		const struct report_rule *r = &d->rules[idx[i]];
		report_bytes(textbuf[i], sizeof(textbuf[i]), r->bytes);
		labels[i] = r->id ? r->id : "?";
		texts[i] = textbuf[i];
		classes[i] = "b-rule";
		values[i] = r->bytes;
	}
	fputs("<h3>Bytes per rule (busiest)</h3>\n", fp);
	svg_bars(fp, "Bytes per rule", nb, labels, values, texts, classes);
}

static const struct report_fmt html = {
    .section_begin = section_begin,
    .section_end = section_end,
    .para = para,
    .table_begin = table_begin,
    .table_end = table_end,
    .row_begin = row_begin,
    .row_end = row_end,
    .cell_head = th,
    .cell_total = th,
    .cell_text = td,
    .cell_code = td_code,
    .cell_num = td_num,
    .cell_bytes = td_bytes,
    .cell_severity = td_severity,
    .cell_empty = td_empty,
    .cell_list = td_list,
    .fails_on = fails_on,
    .result = result,
    .verdict_chart = verdict_chart,
    .rule_chart = rule_chart,
    .severity_heading = severity_heading,
    .finding_detail = finding_detail,
};

void report_write_html(FILE *fp, const struct report_data *d)
{
	const char *title = d->ctx.title && d->ctx.title[0] ? d->ctx.title : "Flow audit report";
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      fp);
	esc(fp, title);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
	esc(fp, title);
	fputs("</h1>\n", fp);
	report_write_context(&html, fp, d);
	fputs("</header>\n", fp);
	report_write_sections(&html, fp, d);
	if (d->ctx.generator || d->ctx.generated_us) {
		char t[32];
		report_time(t, sizeof(t), d->ctx.generated_us);
		fputs("<footer>Generated", fp);
		if (d->ctx.generator) {
			fputs(" by ", fp);
			esc(fp, d->ctx.generator);
		}
		if (t[0])
			fprintf(fp, " on %s UTC", t);
		fputs(".</footer>\n", fp);
	}
	fputs("</body>\n</html>\n", fp);
}
