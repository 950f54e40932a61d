/* report_int.h - what the report sink collected, as its two writers
 * (Markdown, HTML) read it, and the text helpers they share.
 *
 * sink_report.c owns struct report_data: it copies every string it is lent
 * (findings, rules, the context), orders the findings and computes the
 * pass/fail result, so the writers only lay the data out. */
#ifndef FA_REPORT_INT_H
#define FA_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"
#include "verdict_names.h"

#define REPORT_MAX_FINDINGS 10000 /* the audit bounds them too; this bounds the file */
#define REPORT_MAX_RULES 100000
#define REPORT_MAX_DECODE 64

struct report_finding {
	char *verdict, *severity, *policy, *initiator, *responder, *proto, *app;
	char *rule, *why, *fix;
	bool initiator_is_role, responder_is_role;
	unsigned severity_id; /* enum fa_severity; the findings are ordered by it */
	uint16_t port;
	uint64_t flows, pkts, bytes, first_us, last_us;
	char ex_src[48], ex_dst[48]; /* example flow addresses as text */
	uint16_t ex_sport, ex_dport;
	uint64_t ex_ts_us;
};

struct report_rule {
	char *id, *policy, *src_role, *dst_role, *service, *apps, *ref, *purpose;
	uint32_t flags; /* enum fa_rule_flags */
	unsigned severity_id;
	uint64_t flows, pkts, bytes, first_us, last_us, initiators, responders;
	bool unused;
};

struct report_context {
	char *title;
	char **policies, **versions; /* versions[i] may be NULL */
	size_t npolicies;
	char **sources;
	size_t nsources;
	char *site;
	char **inputs;
	size_t ninputs;
	char *fail_on; /* as given */
	char *generator;
	uint64_t generated_us;
};

struct report_data {
	struct report_context ctx;

	uint64_t flows, pkts, bytes;
	uint64_t by_verdict[FA_V__COUNT]; /* [FA_V_NONE]: no or unknown verdict */
	uint64_t bytes_by_verdict[FA_V__COUNT];
	uint64_t by_severity[FA_SEV__COUNT]; /* violations (not allowed, in scope) */
	uint64_t ts_first_us, ts_last_us;    /* 0 when no flow */

	/* Pass/fail: known only when ctx.fail_on names a severity. */
	bool fail_on_known, failed;
	unsigned fail_on; /* enum fa_severity */
	uint64_t failing; /* violations at or above fail_on */

	struct report_finding *findings; /* worst severity first, arrival order within */
	size_t nfindings, findings_cap;
	uint64_t findings_dropped; /* past REPORT_MAX_FINDINGS */

	struct report_rule *rules; /* in policy order, as received */
	size_t nrules, rules_cap;
	size_t rules_unused;   /* allow rules no flow used */
	size_t deny_unmatched; /* deny rules that matched nothing, as hoped */
	uint64_t rules_dropped;

	bool have_stats;
	struct fa_stats_record stats; /* decode_errors points into decode below */
	struct fa_stat_kv decode[REPORT_MAX_DECODE];
	char decode_names[REPORT_MAX_DECODE][48];
};

/* Writers: the whole report to fp; errors are seen by the caller through
 * ferror(fp). */
void report_write_md(FILE *fp, const struct report_data *d);
void report_write_html(FILE *fp, const struct report_data *d);

/* ---- shared text helpers (report_text.c) -------------------------------- */

/* Decodes one UTF-8 sequence at s (NUL-terminated): sets *cp and returns
 * the bytes used (>= 1 unless at the NUL). Invalid sequences become
 * U+FFFD as the JSON writer does (maximal subpart). */
size_t report_utf8_next(const char *s, uint32_t *cp);

/* Text for HTML element content and attribute values: & < > " ' as
 * entities, controls (and, unless keep_newlines, line breaks) as spaces,
 * invalid UTF-8 as U+FFFD. NULL writes nothing. */
void report_html_text(FILE *fp, const char *s, bool keep_newlines);

/* Text for a Markdown table cell or paragraph: one line, characters with a
 * meaning in Markdown (GFM) backslash-escaped, so no string from the wire
 * or a policy can open a link, emphasis, raw HTML or a new cell. */
void report_md_text(FILE *fp, const char *s);
/* The same as a code span in a table cell (`like this`), the delimiter
 * chosen longer than any run of backticks in s. */
void report_md_code(FILE *fp, const char *s);

/* "2023-11-14 22:13:20" (UTC); "" for 0. */
void report_time(char *buf, size_t len, uint64_t ts_us);
/* "1.2 MB" (SI units) for byte counts. */
void report_bytes(char *buf, size_t len, uint64_t n);
/* "1,234,567". */
void report_count(char *buf, size_t len, uint64_t n);
/* "2 h 5 min", "3 min 20 s", "12.5 s" for a duration. */
void report_duration(char *buf, size_t len, uint64_t us);
/* "12.3%" of part in whole; "-" when whole is 0. */
void report_share(char *buf, size_t len, uint64_t part, uint64_t whole);

/* Severity and verdict labels as headings ("Critical", "Wrong direction"). */
const char *report_severity_title(unsigned sev);
/* A sentence saying what a verdict means, for the summary table. */
const char *report_verdict_meaning(unsigned v);
/* "7 rules: 4 used, 2 unused, 1 deny rule never matched" */
void report_rules_sentence(char *buf, size_t len, const struct report_data *d);
/* "optional, disabled, both directions" for a rule's flags, "" if none. */
void report_rule_notes(char *buf, size_t len, uint32_t flags);
/* The same, then "unused" (allow) or "never matched" (deny) for a rule no
 * flow used: the Notes column of the coverage table. */
void report_coverage_notes(char *buf, size_t len, const struct report_rule *r);

#endif
