/* report_html.c - the audit report as one self-contained HTML file: inline
 * CSS and SVG charts, no script and no external resource, readable on
 * screen and printed. Every string from the traffic or a policy goes
 * through report_html_text; a Content-Security-Policy forbids scripts as a
 * second line of defence. */
#include "report_int.h"

#include <inttypes.h>
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

/* Escaped text, or a muted dash when unknown. */
static void td(FILE *fp, const char *s)
{
	if (s && s[0]) {
		fputs("<td>", fp);
		esc(fp, s);
		fputs("</td>", fp);
	} else {
		fputs("<td class=\"muted\">-</td>", fp);
	}
}

static void td_code(FILE *fp, const char *s)
{
	if (s && s[0]) {
		fputs("<td><code>", fp);
		esc(fp, s);
		fputs("</code></td>", fp);
	} else {
		fputs("<td class=\"muted\">-</td>", fp);
	}
}

static void td_count(FILE *fp, uint64_t n)
{
	char b[32];
	report_count(b, sizeof(b), n);
	fprintf(fp, "<td class=\"n\">%s</td>", b);
}

static void td_bytes(FILE *fp, uint64_t n)
{
	char b[32], exact[32];
	report_bytes(b, sizeof(b), n);
	report_count(exact, sizeof(exact), n);
	fprintf(fp, "<td class=\"n\" title=\"%s bytes\">%s</td>", exact, b);
}

static void td_time(FILE *fp, uint64_t us)
{
	char b[32];
	report_time(b, sizeof(b), us);
	fprintf(fp, "<td class=\"n\">%s</td>", b[0] ? b : "-");
}

static void sev_badge(FILE *fp, unsigned sev)
{
	fprintf(fp, "<span class=\"sev s%u\">%s</span>", sev < FA_SEV__COUNT ? sev : 0,
	        report_severity_title(sev));
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

static void context(FILE *fp, const struct report_data *d)
{
	const struct report_context *c = &d->ctx;
	fputs("<table class=\"ctx\">\n<tr><th>Policies</th><td>", fp);
	for (size_t i = 0; i < c->npolicies; i++) {
		if (i)
			fputs("<br>", fp);
		esc(fp, c->policies[i]);
		if (c->versions && c->versions[i] && c->versions[i][0]) {
			fputs(" <span class=\"muted\">(version ", fp);
			esc(fp, c->versions[i]);
			fputs(")</span>", fp);
		}
	}
	fputs(c->npolicies ? "</td></tr>\n" : "-</td></tr>\n", fp);
	fputs("<tr><th>Source documents</th><td>", fp);
	for (size_t i = 0; i < c->nsources; i++) {
		fputs(i ? "<br><code>" : "<code>", fp);
		esc(fp, c->sources[i]);
		fputs("</code>", fp);
	}
	fputs(c->nsources ? "</td></tr>\n" : "-</td></tr>\n", fp);
	fputs("<tr><th>Site</th>", fp);
	td(fp, c->site);
	fputs("</tr>\n<tr><th>Inputs</th><td>", fp);
	for (size_t i = 0; i < c->ninputs; i++) {
		fputs(i ? "<br><code>" : "<code>", fp);
		esc(fp, c->inputs[i]);
		fputs("</code>", fp);
	}
	fputs(c->ninputs ? "</td></tr>\n" : "-</td></tr>\n", fp);

	char a[32], b[32], dur[32];
	report_time(a, sizeof(a), d->ts_first_us);
	report_time(b, sizeof(b), d->ts_last_us);
	report_duration(dur, sizeof(dur), d->ts_last_us - d->ts_first_us);
	if (d->flows && a[0] && b[0])
		fprintf(fp, "<tr><th>Traffic</th><td>%s to %s UTC (%s)</td></tr>\n", a, b, dur);
	else
		fputs("<tr><th>Traffic</th><td>no flows</td></tr>\n", fp);
	if (d->fail_on_known) {
		fputs("<tr><th>Fails on</th><td>", fp);
		sev_badge(fp, d->fail_on);
		fputs(" or above</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

static void summary(FILE *fp, const struct report_data *d)
{
	char n[32];
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n", fp);
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

	/* Flows by verdict: chart, then the table with the exact figures. */
	const char *labels[FA_V__COUNT], *texts[FA_V__COUNT], *classes[FA_V__COUNT];
	char textbuf[FA_V__COUNT][64], classbuf[FA_V__COUNT][32];
	uint64_t values[FA_V__COUNT];
	size_t nb = 0;
	for (unsigned v = FA_V_ALLOWED; v <= FA_V__COUNT; v++) {
		unsigned i = v == FA_V__COUNT ? FA_V_NONE : v;
		if (i == FA_V_NONE && d->by_verdict[i] == 0)
			continue;
		char share[16];
		report_count(n, sizeof(n), d->by_verdict[i]);
		report_share(share, sizeof(share), d->by_verdict[i], d->flows);
		snprintf(textbuf[nb], sizeof(textbuf[nb]), "%s (%s)", n, share);
		snprintf(classbuf[nb], sizeof(classbuf[nb]), "b-%s",
		         i == FA_V_NONE ? "other" : fa_out_verdict_name(i));
		labels[nb] = i == FA_V_NONE ? "(none)" : fa_out_verdict_name(i);
		texts[nb] = textbuf[nb];
		classes[nb] = classbuf[nb];
		values[nb] = d->by_verdict[i];
		nb++;
	}
	fputs("<h3>Flows by verdict</h3>\n", fp);
	svg_bars(fp, "Flows by verdict", nb, labels, values, texts, classes);
	fputs("<table>\n<tr><th>Verdict</th><th class=\"n\">Flows</th><th class=\"n\">Share</th>"
	      "<th class=\"n\">Bytes</th><th>Meaning</th></tr>\n",
	      fp);
	for (unsigned v = FA_V_ALLOWED; v <= FA_V__COUNT; v++) {
		unsigned i = v == FA_V__COUNT ? FA_V_NONE : v;
		if (i == FA_V_NONE && d->by_verdict[i] == 0)
			continue;
		report_share(n, sizeof(n), d->by_verdict[i], d->flows);
		fprintf(fp, "<tr><td>%s</td>", i == FA_V_NONE ? "(none)" : fa_out_verdict_name(i));
		td_count(fp, d->by_verdict[i]);
		fprintf(fp, "<td class=\"n\">%s</td>", n);
		td_bytes(fp, d->bytes_by_verdict[i]);
		fprintf(fp, "<td>%s</td></tr>\n", report_verdict_meaning(i));
	}
	fputs("<tr><th>Total</th>", fp);
	td_count(fp, d->flows);
	fprintf(fp, "<td class=\"n\">%s</td>", d->flows ? "100.0%" : "-");
	td_bytes(fp, d->bytes);
	fputs("<td></td></tr>\n</table>\n", fp);

	uint64_t findings_by[FA_SEV__COUNT] = {0};
	for (size_t i = 0; i < d->nfindings; i++)
		findings_by[d->findings[i].severity_id]++;
	fputs("<h3>Violations by severity</h3>\n<table>\n<tr><th>Severity</th>"
	      "<th class=\"n\">Violating flows</th><th class=\"n\">Findings</th></tr>\n",
	      fp);
	for (unsigned s = FA_SEV__COUNT; s-- > FA_SEV_INFO;) {
		fputs("<tr><td>", fp);
		sev_badge(fp, s);
		fputs("</td>", fp);
		td_count(fp, d->by_severity[s]);
		td_count(fp, findings_by[s]);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
	char rules[160];
	report_rules_sentence(rules, sizeof(rules), d);
	fprintf(fp, "<p>%zu finding%s; %s.</p>\n</section>\n", d->nfindings,
	        d->nfindings == 1 ? "" : "s", rules);
}

static void endpoint(FILE *fp, const char *addr, unsigned port)
{
	bool v6 = strchr(addr, ':') != NULL;
	fprintf(fp, "%s", v6 ? "[" : "");
	esc(fp, addr);
	fprintf(fp, "%s:%u", v6 ? "]" : "", port);
}

static void finding_rows(FILE *fp, size_t no, const struct report_finding *f)
{
	char svc[32], t[32];
	fprintf(fp, "<tr class=\"main\"><td class=\"n\">%zu</td>", no);
	td(fp, f->verdict);
	td(fp, f->initiator);
	td(fp, f->responder);
	snprintf(svc, sizeof(svc), "%s/%u", f->proto ? f->proto : "?", (unsigned)f->port);
	td(fp, svc);
	td(fp, f->app);
	td_count(fp, f->flows);
	td_bytes(fp, f->bytes);
	td_time(fp, f->first_us);
	td_time(fp, f->last_us);
	td(fp, f->rule);
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
	fputs("</td></tr>\n", fp);
}

static void findings(FILE *fp, const struct report_data *d)
{
	fputs("<section id=\"findings\">\n<h2>Findings</h2>\n", fp);
	if (d->nfindings == 0)
		fputs("<p>No findings: every audited flow is documented by a rule.</p>\n", fp);
	size_t i = 0, no = 1;
	while (i < d->nfindings) {
		unsigned sev = d->findings[i].severity_id;
		size_t j = i;
		while (j < d->nfindings && d->findings[j].severity_id == sev)
			j++;
		fputs("<h3>", fp);
		sev_badge(fp, sev);
		fprintf(fp, " %zu finding%s</h3>\n", j - i, j - i == 1 ? "" : "s");
		fputs("<table>\n<tr><th class=\"n\">#</th><th>Verdict</th><th>Initiator</th>"
		      "<th>Responder</th><th>Service</th><th>App</th><th class=\"n\">Flows</th>"
		      "<th class=\"n\">Bytes</th><th class=\"n\">First seen</th>"
		      "<th class=\"n\">Last seen</th><th>Rule</th></tr>\n",
		      fp);
		for (; i < j; i++)
			finding_rows(fp, no++, &d->findings[i]);
		fputs("</table>\n", fp);
	}
	if (d->findings_dropped)
		fprintf(fp,
		        "<p>%" PRIu64 " further findings are not shown (at most %d are kept); "
		        "the JSON output lists them all.</p>\n",
		        d->findings_dropped, REPORT_MAX_FINDINGS);
	fputs("</section>\n", fp);
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

static void coverage(FILE *fp, const struct report_data *d)
{
	char notes[96];
	fputs("<section id=\"coverage\">\n<h2>Rule coverage</h2>\n", fp);
	if (d->nrules == 0) {
		fputs("<p>No rules were reported.</p>\n</section>\n", fp);
		return;
	}
	size_t idx[CHART_MAX_RULES];
	size_t nb = busiest_rules(d, idx, CHART_MAX_RULES);
	if (nb) {
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
	fputs("<table>\n<tr><th>Rule</th><th>Policy</th><th>Kind</th><th>From</th><th>To</th>"
	      "<th>Service</th><th>Apps</th><th class=\"n\">Flows</th><th class=\"n\">Bytes</th>"
	      "<th class=\"n\">First seen</th><th class=\"n\">Last seen</th>"
	      "<th class=\"n\">Initiators</th><th class=\"n\">Responders</th><th>Notes</th></tr>\n",
	      fp);
	for (size_t i = 0; i < d->nrules; i++) {
		const struct report_rule *r = &d->rules[i];
		fputs("<tr>", fp);
		td(fp, r->id);
		td(fp, r->policy);
		fprintf(fp, "<td>%s</td>", (r->flags & FA_RULE_DENY) ? "deny" : "allow");
		td(fp, r->src_role);
		td(fp, r->dst_role);
		td_code(fp, r->service);
		td(fp, r->apps);
		td_count(fp, r->flows);
		td_bytes(fp, r->bytes);
		td_time(fp, r->unused ? 0 : r->first_us);
		td_time(fp, r->unused ? 0 : r->last_us);
		td_count(fp, r->initiators);
		td_count(fp, r->responders);
		report_coverage_notes(notes, sizeof(notes), r);
		td(fp, notes);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n</section>\n", fp);
}

static void unused(FILE *fp, const struct report_data *d)
{
	char notes[96];
	size_t n = d->rules_unused;
	fputs("<section id=\"unused\">\n<h2>Unused rules</h2>\n", fp);
	if (n == 0) {
		fputs("<p>Every allow rule matched at least one flow.</p>\n</section>\n", fp);
		return;
	}
	fprintf(fp,
	        "<p>%zu allow rule%s matched no flow in this traffic. Before a cut-over each "
	        "is a question: a port the new firewall can leave closed, a feature the "
	        "capture did not exercise, or a role bound to the wrong addresses. Deny rules "
	        "that matched nothing are not listed: that is their purpose.</p>\n",
	        n, n == 1 ? "" : "s");
	fputs("<table>\n<tr><th>Rule</th><th>Policy</th><th>From</th><th>To</th><th>Service</th>"
	      "<th>Apps</th><th>Reference</th><th>Purpose</th><th>Notes</th></tr>\n",
	      fp);
	for (size_t i = 0; i < d->nrules; i++) {
		const struct report_rule *r = &d->rules[i];
		if (!r->unused || (r->flags & FA_RULE_DENY))
			continue;
		fputs("<tr>", fp);
		td(fp, r->id);
		td(fp, r->policy);
		td(fp, r->src_role);
		td(fp, r->dst_role);
		td_code(fp, r->service);
		td(fp, r->apps);
		td(fp, r->ref);
		td(fp, r->purpose);
		report_rule_notes(notes, sizeof(notes), r->flags);
		td(fp, notes);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n</section>\n", fp);
}

static void stat_row(FILE *fp, const char *label, uint64_t v)
{
	fprintf(fp, "<tr><th>%s</th>", label);
	td_count(fp, v);
	fputs("</tr>\n", fp);
}

static void statistics(FILE *fp, const struct report_data *d)
{
	const struct fa_stats_record *st = &d->stats;
	fputs("<section id=\"statistics\">\n<h2>Capture and decode statistics</h2>\n"
	      "<table class=\"ctx\">\n",
	      fp);
	stat_row(fp, "Flows in this report", d->flows);
	stat_row(fp, "Packets in flows", d->pkts);
	stat_row(fp, "Bytes in flows", d->bytes);
	if (d->have_stats) {
		stat_row(fp, "Frames read", st->packets);
		stat_row(fp, "Bytes read", st->bytes);
		stat_row(fp, "IP packets", st->ip_packets);
		stat_row(fp, "Non-IP frames", st->not_ip);
		stat_row(fp, "Fragments", st->fragments);
		stat_row(fp, "Datagrams reassembled", st->reassembled);
		stat_row(fp, "Flows evicted (table full)", st->evicted);
		stat_row(fp, "Capture drops", st->capture_drops);
		stat_row(fp, "Interface drops", st->capture_if_drops);
		stat_row(fp, "ICMP errors matching no flow", st->icmp_errors_unmatched);
		stat_row(fp, "Decode errors", st->decode_errors_total);
	}
	fputs("</table>\n", fp);
	if (!d->have_stats)
		fputs("<p>No capture statistics were recorded.</p>\n", fp);
	if (d->have_stats && st->ndecode_errors) {
		fputs("<table class=\"ctx\">\n<tr><th>Decode error</th><th class=\"n\">Frames</th>"
		      "</tr>\n",
		      fp);
		for (size_t i = 0; i < st->ndecode_errors; i++) {
			fputs("<tr>", fp);
			td_code(fp, st->decode_errors[i].name);
			td_count(fp, st->decode_errors[i].value);
			fputs("</tr>\n", fp);
		}
		fputs("</table>\n", fp);
	}
	if (d->have_stats && (st->capture_drops || st->capture_if_drops || st->evicted))
		fputs(
		    "<p>Packets were dropped or flows evicted: the audit saw less than the "
		    "network carried, so unused rules and missing findings are less certain.</p>\n",
		    fp);
	fputs("</section>\n", fp);
}

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
	context(fp, d);
	fputs("</header>\n", fp);
	summary(fp, d);
	findings(fp, d);
	coverage(fp, d);
	unused(fp, d);
	statistics(fp, d);
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
