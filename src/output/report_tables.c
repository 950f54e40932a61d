/* report_tables.c - what the Markdown and the HTML report have in common:
 * the context table and the sections after it, with their headings,
 * sentences, columns and cells, each described once and written through a
 * struct report_fmt (report_md.c, report_html.c). A row or a column added
 * here appears in both reports. */
#include "report_int.h"

#include <inttypes.h>

static void cell_count(const struct report_fmt *fmt, FILE *fp, uint64_t n)
{
	char b[32];
	report_count(b, sizeof(b), n);
	fmt->cell_num(fp, b);
}

/* A timestamp, "-" for none. */
static void cell_time(const struct report_fmt *fmt, FILE *fp, uint64_t us)
{
	char b[32];
	report_time(b, sizeof(b), us);
	fmt->cell_num(fp, b[0] ? b : "-");
}

static const struct report_column context_cols[] = {
    {"", REPORT_COL_TEXT},
    {"", REPORT_COL_TEXT},
};

static const struct report_table context_table = {
    .cols = context_cols,
    .ncols = sizeof(context_cols) / sizeof(context_cols[0]),
    .narrow = true,
    .keyed = true,
};

/* Opens a row of a keyed table with its label. */
static void row_head(const struct report_fmt *fmt, FILE *fp, const char *label)
{
	fmt->row_begin(fp, false);
	fmt->cell_head(fp, label);
}

void report_write_context(const struct report_fmt *fmt, FILE *fp, const struct report_data *d)
{
	const struct report_context *c = &d->ctx;
	char a[32], b[32], dur[32], traffic[128];
	report_time(a, sizeof(a), d->ts_first_us);
	report_time(b, sizeof(b), d->ts_last_us);
	report_duration(dur, sizeof(dur), d->ts_last_us - d->ts_first_us);
	if (d->flows && a[0] && b[0])
		snprintf(traffic, sizeof(traffic), "%s to %s UTC (%s)", a, b, dur);
	else
		snprintf(traffic, sizeof(traffic), "no flows");

	fmt->table_begin(fp, &context_table);
	row_head(fmt, fp, "Policies");
	fmt->cell_list(fp, c->policies, c->versions, c->npolicies, false);
	fmt->row_end(fp);
	row_head(fmt, fp, "Source documents");
	fmt->cell_list(fp, c->sources, NULL, c->nsources, true);
	fmt->row_end(fp);
	row_head(fmt, fp, "Site");
	fmt->cell_text(fp, c->site);
	fmt->row_end(fp);
	row_head(fmt, fp, "Inputs");
	fmt->cell_list(fp, c->inputs, NULL, c->ninputs, true);
	fmt->row_end(fp);
	row_head(fmt, fp, "Traffic");
	fmt->cell_text(fp, traffic);
	fmt->row_end(fp);
	if (d->fail_on_known) {
		row_head(fmt, fp, "Fails on");
		fmt->fails_on(fp, d->fail_on);
		fmt->row_end(fp);
	}
	if (fmt->generated && (c->generator || c->generated_us)) {
		row_head(fmt, fp, "Generated");
		fmt->generated(fp, c);
		fmt->row_end(fp);
	}
	fmt->table_end(fp);
}

size_t report_verdicts(const struct report_data *d, unsigned v[FA_V__COUNT])
{
	size_t n = 0;
	for (unsigned k = FA_V_ALLOWED; k <= FA_V__COUNT; k++) {
		unsigned i = k == FA_V__COUNT ? FA_V_NONE : k; /* "other" last, if any */
		if (i == FA_V_NONE && d->by_verdict[i] == 0)
			continue;
		v[n++] = i;
	}
	return n;
}

static const struct report_column verdict_cols[] = {
    {"Verdict", REPORT_COL_TEXT}, {"Flows", REPORT_COL_NUM},    {"Share", REPORT_COL_NUM},
    {"Bytes", REPORT_COL_NUM},    {"Meaning", REPORT_COL_TEXT},
};

static const struct report_column severity_cols[] = {
    {"Severity", REPORT_COL_TEXT},
    {"Violating flows", REPORT_COL_NUM},
    {"Findings", REPORT_COL_NUM},
};

static const struct report_table verdict_table = {
    .cols = verdict_cols,
    .ncols = sizeof(verdict_cols) / sizeof(verdict_cols[0]),
};

static const struct report_table severity_table = {
    .title = "Violations by severity",
    .cols = severity_cols,
    .ncols = sizeof(severity_cols) / sizeof(severity_cols[0]),
};

static void summary(const struct report_fmt *fmt, FILE *fp, const struct report_data *d)
{
	char share[32];
	fmt->section_begin(fp, "summary", "Summary");
	fmt->result(fp, d);
	if (fmt->verdict_chart)
		fmt->verdict_chart(fp, d);

	unsigned v[FA_V__COUNT];
	size_t nv = report_verdicts(d, v);
	fmt->table_begin(fp, &verdict_table);
	for (size_t k = 0; k < nv; k++) {
		unsigned i = v[k];
		report_share(share, sizeof(share), d->by_verdict[i], d->flows);
		fmt->row_begin(fp, false);
		fmt->cell_text(fp, i == FA_V_NONE ? "(none)" : fa_out_verdict_name(i));
		cell_count(fmt, fp, d->by_verdict[i]);
		fmt->cell_num(fp, share);
		fmt->cell_bytes(fp, d->bytes_by_verdict[i]);
		fmt->cell_text(fp, report_verdict_meaning(i));
		fmt->row_end(fp);
	}
	fmt->row_begin(fp, false);
	fmt->cell_total(fp, "Total");
	cell_count(fmt, fp, d->flows);
	fmt->cell_num(fp, d->flows ? "100.0%" : "-");
	fmt->cell_bytes(fp, d->bytes);
	fmt->cell_empty(fp);
	fmt->row_end(fp);
	fmt->table_end(fp);

	uint64_t findings_by[FA_SEV__COUNT] = {0};
	for (size_t i = 0; i < d->nfindings; i++)
		findings_by[d->findings[i].severity_id]++;
	fmt->table_begin(fp, &severity_table);
	for (unsigned s = FA_SEV__COUNT; s-- > FA_SEV_INFO;) {
		fmt->row_begin(fp, false);
		fmt->cell_severity(fp, s);
		cell_count(fmt, fp, d->by_severity[s]);
		cell_count(fmt, fp, findings_by[s]);
		fmt->row_end(fp);
	}
	fmt->table_end(fp);

	char rules[160], text[256];
	report_rules_sentence(rules, sizeof(rules), d);
	snprintf(text, sizeof(text), "%zu finding%s; %s.", d->nfindings,
	         d->nfindings == 1 ? "" : "s", rules);
	fmt->para(fp, text);
	fmt->section_end(fp);
}

static const struct report_column finding_cols[] = {
    {"#", REPORT_COL_NUM},
    {"Verdict", REPORT_COL_TEXT},
    {"Initiator", REPORT_COL_TEXT},
    {"Responder", REPORT_COL_TEXT},
    {"Service", REPORT_COL_TEXT},
    {"App", REPORT_COL_TEXT},
    {"Flows", REPORT_COL_NUM},
    {"Bytes", REPORT_COL_NUM},
    {"First seen", REPORT_COL_TIME},
    {"Last seen", REPORT_COL_TIME},
    {"Rule", REPORT_COL_TEXT},
    {"Why", REPORT_COL_DETAIL},
    {"Suggested fix", REPORT_COL_DETAIL},
};

static const struct report_table finding_table = {
    .cols = finding_cols,
    .ncols = sizeof(finding_cols) / sizeof(finding_cols[0]),
};

static void finding_row(const struct report_fmt *fmt, FILE *fp, size_t no,
                        const struct report_finding *f)
{
	char num[32], svc[32];
	snprintf(num, sizeof(num), "%zu", no);
	snprintf(svc, sizeof(svc), "%s/%u", f->proto ? f->proto : "?", (unsigned)f->port);
	fmt->row_begin(fp, true);
	fmt->cell_num(fp, num);
	fmt->cell_text(fp, f->verdict);
	fmt->cell_text(fp, f->initiator);
	fmt->cell_text(fp, f->responder);
	fmt->cell_text(fp, svc);
	fmt->cell_text(fp, f->app);
	cell_count(fmt, fp, f->flows);
	fmt->cell_bytes(fp, f->bytes);
	cell_time(fmt, fp, f->first_us);
	cell_time(fmt, fp, f->last_us);
	fmt->cell_text(fp, f->rule);
	fmt->finding_detail(fp, f);
	fmt->row_end(fp);
}

/* One table per severity, worst first: the findings are in that order. */
static void findings(const struct report_fmt *fmt, FILE *fp, const struct report_data *d)
{
	fmt->section_begin(fp, "findings", "Findings");
	if (d->nfindings == 0)
		fmt->para(fp, "No findings: every audited flow is documented by a rule.");
	size_t i = 0, no = 1;
	while (i < d->nfindings) {
		unsigned sev = d->findings[i].severity_id;
		size_t j = i;
		while (j < d->nfindings && d->findings[j].severity_id == sev)
			j++;
		fmt->severity_heading(fp, sev, j - i);
		fmt->table_begin(fp, &finding_table);
		for (; i < j; i++)
			finding_row(fmt, fp, no++, &d->findings[i]);
		fmt->table_end(fp);
	}
	if (d->findings_dropped) {
		char text[160];
		snprintf(text, sizeof(text),
		         "%" PRIu64 " further findings are not shown (at most %d are kept); "
		         "the JSON output lists them all.",
		         d->findings_dropped, REPORT_MAX_FINDINGS);
		fmt->para(fp, text);
	}
	fmt->section_end(fp);
}

static const struct report_column coverage_cols[] = {
    {"Rule", REPORT_COL_TEXT},       {"Policy", REPORT_COL_TEXT},    {"Kind", REPORT_COL_TEXT},
    {"From", REPORT_COL_TEXT},       {"To", REPORT_COL_TEXT},        {"Service", REPORT_COL_TEXT},
    {"Apps", REPORT_COL_TEXT},       {"Flows", REPORT_COL_NUM},      {"Bytes", REPORT_COL_NUM},
    {"First seen", REPORT_COL_TIME}, {"Last seen", REPORT_COL_TIME}, {"Initiators", REPORT_COL_NUM},
    {"Responders", REPORT_COL_NUM},  {"Notes", REPORT_COL_TEXT},
};

static const struct report_table coverage_table = {
    .cols = coverage_cols,
    .ncols = sizeof(coverage_cols) / sizeof(coverage_cols[0]),
};

static void coverage(const struct report_fmt *fmt, FILE *fp, const struct report_data *d)
{
	char notes[96];
	fmt->section_begin(fp, "coverage", "Rule coverage");
	if (d->nrules == 0) {
		fmt->para(fp, "No rules were reported.");
		fmt->section_end(fp);
		return;
	}
	if (fmt->rule_chart)
		fmt->rule_chart(fp, d);
	fmt->table_begin(fp, &coverage_table);
	for (size_t i = 0; i < d->nrules; i++) {
		const struct report_rule *r = &d->rules[i];
		fmt->row_begin(fp, false);
		fmt->cell_text(fp, r->id);
		fmt->cell_text(fp, r->policy);
		fmt->cell_text(fp, (r->flags & FA_RULE_DENY) ? "deny" : "allow");
		fmt->cell_text(fp, r->src_role);
		fmt->cell_text(fp, r->dst_role);
		fmt->cell_code(fp, r->service);
		fmt->cell_text(fp, r->apps);
		cell_count(fmt, fp, r->flows);
		fmt->cell_bytes(fp, r->bytes);
		cell_time(fmt, fp, r->unused ? 0 : r->first_us);
		cell_time(fmt, fp, r->unused ? 0 : r->last_us);
		cell_count(fmt, fp, r->initiators);
		cell_count(fmt, fp, r->responders);
		report_coverage_notes(notes, sizeof(notes), r);
		fmt->cell_text(fp, notes);
		fmt->row_end(fp);
	}
	fmt->table_end(fp);
	fmt->section_end(fp);
}

static const struct report_column unused_cols[] = {
    {"Rule", REPORT_COL_TEXT},      {"Policy", REPORT_COL_TEXT},  {"From", REPORT_COL_TEXT},
    {"To", REPORT_COL_TEXT},        {"Service", REPORT_COL_TEXT}, {"Apps", REPORT_COL_TEXT},
    {"Reference", REPORT_COL_TEXT}, {"Purpose", REPORT_COL_TEXT}, {"Notes", REPORT_COL_TEXT},
};

static const struct report_table unused_table = {
    .cols = unused_cols,
    .ncols = sizeof(unused_cols) / sizeof(unused_cols[0]),
};

/* Allow rules no flow used; deny rules that matched nothing did their job. */
static void unused(const struct report_fmt *fmt, FILE *fp, const struct report_data *d)
{
	char notes[96], text[512];
	size_t n = d->rules_unused;
	fmt->section_begin(fp, "unused", "Unused rules");
	if (n == 0) {
		fmt->para(fp, "Every allow rule matched at least one flow.");
		fmt->section_end(fp);
		return;
	}
	snprintf(text, sizeof(text),
	         "%zu allow rule%s matched no flow in this traffic. Before a cut-over each is a "
	         "question: a port the new firewall can leave closed, a feature the capture did "
	         "not exercise, or a role bound to the wrong addresses. Deny rules that matched "
	         "nothing are not listed: that is their purpose.",
	         n, n == 1 ? "" : "s");
	fmt->para(fp, text);
	fmt->table_begin(fp, &unused_table);
	for (size_t i = 0; i < d->nrules; i++) {
		const struct report_rule *r = &d->rules[i];
		if (!r->unused || (r->flags & FA_RULE_DENY))
			continue;
		fmt->row_begin(fp, false);
		fmt->cell_text(fp, r->id);
		fmt->cell_text(fp, r->policy);
		fmt->cell_text(fp, r->src_role);
		fmt->cell_text(fp, r->dst_role);
		fmt->cell_code(fp, r->service);
		fmt->cell_text(fp, r->apps);
		fmt->cell_text(fp, r->ref);
		fmt->cell_text(fp, r->purpose);
		report_rule_notes(notes, sizeof(notes), r->flags);
		fmt->cell_text(fp, notes);
		fmt->row_end(fp);
	}
	fmt->table_end(fp);
	fmt->section_end(fp);
}

static const struct report_column counter_cols[] = {
    {"Counter", REPORT_COL_TEXT},
    {"Value", REPORT_COL_NUM},
};

static const struct report_column decode_cols[] = {
    {"Decode error", REPORT_COL_TEXT},
    {"Frames", REPORT_COL_NUM},
};

static const struct report_table counter_table = {
    .cols = counter_cols,
    .ncols = sizeof(counter_cols) / sizeof(counter_cols[0]),
    .narrow = true,
    .keyed = true,
};

static const struct report_table decode_table = {
    .cols = decode_cols,
    .ncols = sizeof(decode_cols) / sizeof(decode_cols[0]),
    .narrow = true,
};

static void counter(const struct report_fmt *fmt, FILE *fp, const char *label, uint64_t v)
{
	row_head(fmt, fp, label);
	cell_count(fmt, fp, v);
	fmt->row_end(fp);
}

static void statistics(const struct report_fmt *fmt, FILE *fp, const struct report_data *d)
{
	const struct fa_stats_record *st = &d->stats;
	fmt->section_begin(fp, "statistics", "Capture and decode statistics");
	fmt->table_begin(fp, &counter_table);
	counter(fmt, fp, "Flows in this report", d->flows);
	counter(fmt, fp, "Packets in flows", d->pkts);
	counter(fmt, fp, "Bytes in flows", d->bytes);
	if (d->have_stats) {
		counter(fmt, fp, "Frames read", st->packets);
		counter(fmt, fp, "Bytes read", st->bytes);
		counter(fmt, fp, "IP packets", st->ip_packets);
		counter(fmt, fp, "Non-IP frames", st->not_ip);
		counter(fmt, fp, "Fragments", st->fragments);
		counter(fmt, fp, "Datagrams reassembled", st->reassembled);
		counter(fmt, fp, "Flows evicted (table full)", st->evicted);
		counter(fmt, fp, "Capture drops", st->capture_drops);
		counter(fmt, fp, "Interface drops", st->capture_if_drops);
		counter(fmt, fp, "ICMP errors matching no flow", st->icmp_errors_unmatched);
		counter(fmt, fp, "Decode errors", st->decode_errors_total);
	}
	fmt->table_end(fp);
	if (!d->have_stats)
		fmt->para(fp, "No capture statistics were recorded.");
	if (d->have_stats && st->ndecode_errors) {
		fmt->table_begin(fp, &decode_table);
		for (size_t i = 0; i < st->ndecode_errors; i++) {
			fmt->row_begin(fp, false);
			fmt->cell_code(fp, st->decode_errors[i].name);
			cell_count(fmt, fp, st->decode_errors[i].value);
			fmt->row_end(fp);
		}
		fmt->table_end(fp);
	}
	if (d->have_stats && (st->capture_drops || st->capture_if_drops || st->evicted))
		fmt->para(fp, "Packets were dropped or flows evicted: the audit saw less than the "
		              "network carried, so unused rules and missing findings are less "
		              "certain.");
	fmt->section_end(fp);
}

void report_write_sections(const struct report_fmt *fmt, FILE *fp, const struct report_data *d)
{
	summary(fmt, fp, d);
	findings(fmt, fp, d);
	coverage(fmt, fp, d);
	unused(fmt, fp, d);
	statistics(fmt, fp, d);
}
