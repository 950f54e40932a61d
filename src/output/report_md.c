/* report_md.c - the audit report as Markdown (GitHub-flavoured tables), for
 * reading as plain text, in a repository or a ticket. */
#include "report_int.h"

#include <inttypes.h>
#include <string.h>

/* A table cell holding text: "-" when unknown. */
static void cell(FILE *fp, const char *s)
{
	fputs(" ", fp);
	if (s && s[0])
		report_md_text(fp, s);
	else
		fputs("-", fp);
	fputs(" |", fp);
}

static void cell_code(FILE *fp, const char *s)
{
	fputs(" ", fp);
	if (s && s[0])
		report_md_code(fp, s);
	else
		fputs("-", fp);
	fputs(" |", fp);
}

static void cell_count(FILE *fp, uint64_t n)
{
	char b[32];
	report_count(b, sizeof(b), n);
	fprintf(fp, " %s |", b);
}

static void cell_bytes(FILE *fp, uint64_t n)
{
	char b[32];
	report_bytes(b, sizeof(b), n);
	fprintf(fp, " %s |", b);
}

static void cell_time(FILE *fp, uint64_t us)
{
	char b[32];
	report_time(b, sizeof(b), us);
	fprintf(fp, " %s |", b[0] ? b : "-");
}

static void context(FILE *fp, const struct report_data *d)
{
	const struct report_context *c = &d->ctx;
	fputs("| | |\n| --- | --- |\n", fp);
	fputs("| Policies |", fp);
	fputs(" ", fp);
	for (size_t i = 0; i < c->npolicies; i++) {
		if (i)
			fputs("; ", fp);
		report_md_text(fp, c->policies[i]);
		if (c->versions && c->versions[i] && c->versions[i][0]) {
			fputs(" (version ", fp);
			report_md_text(fp, c->versions[i]);
			fputs(")", fp);
		}
	}
	fputs(c->npolicies ? " |\n" : "- |\n", fp);
	fputs("| Source documents |", fp);
	for (size_t i = 0; i < c->nsources; i++) {
		fputs(i ? ", " : " ", fp);
		report_md_code(fp, c->sources[i]);
	}
	fputs(c->nsources ? " |\n" : " - |\n", fp);
	fputs("| Site |", fp);
	cell(fp, c->site);
	fputs("\n| Inputs |", fp);
	for (size_t i = 0; i < c->ninputs; i++) {
		fputs(i ? ", " : " ", fp);
		report_md_code(fp, c->inputs[i]);
	}
	fputs(c->ninputs ? " |\n" : " - |\n", fp);

	char a[32], b[32], dur[32];
	report_time(a, sizeof(a), d->ts_first_us);
	report_time(b, sizeof(b), d->ts_last_us);
	report_duration(dur, sizeof(dur), d->ts_last_us - d->ts_first_us);
	if (d->flows && a[0] && b[0])
		fprintf(fp, "| Traffic | %s to %s UTC (%s) |\n", a, b, dur);
	else
		fputs("| Traffic | no flows |\n", fp);
	if (d->fail_on_known)
		fprintf(fp, "| Fails on | severity %s or above |\n",
		        fa_out_severity_name(d->fail_on));
	if (c->generator || c->generated_us) {
		report_time(a, sizeof(a), c->generated_us);
		fputs("| Generated |", fp);
		if (c->generator) {
			fputs(" ", fp);
			report_md_text(fp, c->generator);
		}
		if (a[0])
			fprintf(fp, "%s%s UTC", c->generator ? ", " : " ", a);
		fputs(" |\n", fp);
	}
}

static void summary(FILE *fp, const struct report_data *d)
{
	char n[32];
	fputs("## Summary\n\n", fp);
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

	fputs("| Verdict | Flows | Share | Bytes | Meaning |\n"
	      "| --- | ---: | ---: | ---: | --- |\n",
	      fp);
	for (unsigned v = FA_V_ALLOWED; v <= FA_V__COUNT; v++) {
		unsigned i = v == FA_V__COUNT ? FA_V_NONE : v; /* "other" last, if any */
		if (i == FA_V_NONE && d->by_verdict[i] == 0)
			continue;
		report_share(n, sizeof(n), d->by_verdict[i], d->flows);
		fprintf(fp, "| %s |", i == FA_V_NONE ? "(none)" : fa_out_verdict_name(i));
		cell_count(fp, d->by_verdict[i]);
		fprintf(fp, " %s |", n);
		cell_bytes(fp, d->bytes_by_verdict[i]);
		fprintf(fp, " %s |\n", report_verdict_meaning(i));
	}
	fputs("| **Total** |", fp);
	cell_count(fp, d->flows);
	fputs(d->flows ? " 100.0% |" : " - |", fp);
	cell_bytes(fp, d->bytes);
	fputs(" |\n\n", fp);

	uint64_t findings_by[FA_SEV__COUNT] = {0};
	for (size_t i = 0; i < d->nfindings; i++)
		findings_by[d->findings[i].severity_id]++;
	fputs("| Severity | Violating flows | Findings |\n| --- | ---: | ---: |\n", fp);
	for (unsigned s = FA_SEV__COUNT; s-- > FA_SEV_INFO;) {
		fprintf(fp, "| %s |", report_severity_title(s));
		cell_count(fp, d->by_severity[s]);
		cell_count(fp, findings_by[s]);
		fputs("\n", fp);
	}
	fputs("\n", fp);

	char rules[160];
	report_rules_sentence(rules, sizeof(rules), d);
	fprintf(fp, "%zu finding%s; %s.\n\n", d->nfindings, d->nfindings == 1 ? "" : "s", rules);
}

static void finding_row(FILE *fp, size_t no, const struct report_finding *f)
{
	char svc[32], t[32];
	fprintf(fp, "| %zu |", no);
	cell(fp, f->verdict);
	cell(fp, f->initiator);
	cell(fp, f->responder);
	snprintf(svc, sizeof(svc), "%s/%u", f->proto ? f->proto : "?", (unsigned)f->port);
	cell(fp, svc);
	cell(fp, f->app);
	cell_count(fp, f->flows);
	cell_bytes(fp, f->bytes);
	cell_time(fp, f->first_us);
	cell_time(fp, f->last_us);
	cell(fp, f->rule);
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
	fputs("\n", fp);
}

static void findings(FILE *fp, const struct report_data *d)
{
	fputs("## Findings\n\n", fp);
	if (d->nfindings == 0)
		fputs("No findings: every audited flow is documented by a rule.\n\n", fp);
	size_t i = 0, no = 1;
	while (i < d->nfindings) {
		unsigned sev = d->findings[i].severity_id;
		size_t j = i;
		while (j < d->nfindings && d->findings[j].severity_id == sev)
			j++;
		fprintf(fp, "### %s (%zu)\n\n", report_severity_title(sev), j - i);
		fputs(
		    "| # | Verdict | Initiator | Responder | Service | App | Flows | Bytes | "
		    "First seen | Last seen | Rule | Why | Suggested fix |\n"
		    "| ---: | --- | --- | --- | --- | --- | ---: | ---: | --- | --- | --- | --- | "
		    "--- |\n",
		    fp);
		for (; i < j; i++)
			finding_row(fp, no++, &d->findings[i]);
		fputs("\n", fp);
	}
	if (d->findings_dropped)
		fprintf(fp,
		        "%" PRIu64 " further findings are not shown (at most %d are kept); "
		        "the JSON output lists them all.\n\n",
		        d->findings_dropped, REPORT_MAX_FINDINGS);
}

static void rule_head(FILE *fp, const struct report_rule *r)
{
	cell(fp, r->id);
	cell(fp, r->policy);
}

static void coverage(FILE *fp, const struct report_data *d)
{
	char notes[96];
	fputs("## Rule coverage\n\n", fp);
	if (d->nrules == 0) {
		fputs("No rules were reported.\n\n", fp);
		return;
	}
	fputs("| Rule | Policy | Kind | From | To | Service | Apps | Flows | Bytes | First seen | "
	      "Last seen | Initiators | Responders | Notes |\n"
	      "| --- | --- | --- | --- | --- | --- | --- | ---: | ---: | --- | --- | ---: | ---: | "
	      "--- |\n",
	      fp);
	for (size_t i = 0; i < d->nrules; i++) {
		const struct report_rule *r = &d->rules[i];
		fputs("|", fp);
		rule_head(fp, r);
		fprintf(fp, " %s |", (r->flags & FA_RULE_DENY) ? "deny" : "allow");
		cell(fp, r->src_role);
		cell(fp, r->dst_role);
		cell_code(fp, r->service);
		cell(fp, r->apps);
		cell_count(fp, r->flows);
		cell_bytes(fp, r->bytes);
		cell_time(fp, r->unused ? 0 : r->first_us);
		cell_time(fp, r->unused ? 0 : r->last_us);
		cell_count(fp, r->initiators);
		cell_count(fp, r->responders);
		report_coverage_notes(notes, sizeof(notes), r);
		cell(fp, notes);
		fputs("\n", fp);
	}
	fputs("\n", fp);
}

static void unused(FILE *fp, const struct report_data *d)
{
	char notes[96];
	size_t n = d->rules_unused;
	fputs("## Unused rules\n\n", fp);
	if (n == 0) {
		fputs("Every allow rule matched at least one flow.\n\n", fp);
		return;
	}
	fprintf(fp,
	        "%zu allow rule%s matched no flow in this traffic. Before a cut-over each is a "
	        "question: a port the new firewall can leave closed, a feature the capture did "
	        "not exercise, or a role bound to the wrong addresses. Deny rules that matched "
	        "nothing are not listed: that is their purpose.\n\n",
	        n, n == 1 ? "" : "s");
	fputs("| Rule | Policy | From | To | Service | Apps | Reference | Purpose | Notes |\n"
	      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
	      fp);
	for (size_t i = 0; i < d->nrules; i++) {
		const struct report_rule *r = &d->rules[i];
		if (!r->unused || (r->flags & FA_RULE_DENY))
			continue;
		fputs("|", fp);
		rule_head(fp, r);
		cell(fp, r->src_role);
		cell(fp, r->dst_role);
		cell_code(fp, r->service);
		cell(fp, r->apps);
		cell(fp, r->ref);
		cell(fp, r->purpose);
		report_rule_notes(notes, sizeof(notes), r->flags);
		cell(fp, notes);
		fputs("\n", fp);
	}
	fputs("\n", fp);
}

static void stat_row(FILE *fp, const char *label, uint64_t v)
{
	fprintf(fp, "| %s |", label);
	cell_count(fp, v);
	fputs("\n", fp);
}

static void statistics(FILE *fp, const struct report_data *d)
{
	const struct fa_stats_record *st = &d->stats;
	fputs("## Capture and decode statistics\n\n", fp);
	fputs("| Counter | Value |\n| --- | ---: |\n", fp);
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
	fputs("\n", fp);
	if (!d->have_stats)
		fputs("No capture statistics were recorded.\n\n", fp);
	if (d->have_stats && st->ndecode_errors) {
		fputs("| Decode error | Frames |\n| --- | ---: |\n", fp);
		for (size_t i = 0; i < st->ndecode_errors; i++) {
			fputs("|", fp);
			cell_code(fp, st->decode_errors[i].name);
			cell_count(fp, st->decode_errors[i].value);
			fputs("\n", fp);
		}
		fputs("\n", fp);
	}
	if (d->have_stats && (st->capture_drops || st->capture_if_drops || st->evicted))
		fputs("Packets were dropped or flows evicted: the audit saw less than the network "
		      "carried, so unused rules and missing findings are less certain.\n\n",
		      fp);
}

void report_write_md(FILE *fp, const struct report_data *d)
{
	fputs("# ", fp);
	report_md_text(fp, d->ctx.title && d->ctx.title[0] ? d->ctx.title : "Flow audit report");
	fputs("\n\n", fp);
	context(fp, d);
	fputs("\n", fp);
	summary(fp, d);
	findings(fp, d);
	coverage(fp, d);
	unused(fp, d);
	statistics(fp, d);
}
