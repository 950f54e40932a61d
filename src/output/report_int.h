/* report_int.h - what the report sink collected, as its two writers
 * (Markdown, HTML) read it, the sections they share and the text helpers
 * they use.
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

/* ---- one report, two formats (report_tables.c) -------------------------- */

/* The report's tables (context, summary, findings, rule coverage, unused
 * rules, statistics) and the sentences around them are described once, in
 * report_tables.c, as sections, paragraphs and tables of typed cells. Each
 * format says how to write those pieces in a struct report_fmt: Markdown in
 * report_md.c, HTML in report_html.c. What only one format has (the HTML
 * charts and severity badges, the wording of the result line, the document
 * head and tail) stays in its own file, reached through the hooks at the
 * end of struct report_fmt. */

enum report_col_kind {
	REPORT_COL_TEXT,   /* words: left aligned */
	REPORT_COL_NUM,    /* figures: right aligned */
	REPORT_COL_TIME,   /* timestamps: on one line (HTML), left aligned (Markdown) */
	REPORT_COL_DETAIL, /* long text: HTML puts it under the row, not in a column */
};

struct report_column {
	const char *title; /* trusted; may be "" */
	enum report_col_kind kind;
};

struct report_table {
	const char *title; /* heading above the table, NULL for none; HTML only */
	const struct report_column *cols;
	size_t ncols;
	bool narrow; /* as wide as its content (HTML class "ctx") */
	/* Each row starts with cell_head naming it: HTML leaves out the header
	 * row, which a Markdown table cannot do without. */
	bool keyed;
};

/* How one format writes the pieces. "Trusted" text is written as it is: it
 * comes from this program (labels, figures, fixed sentences), never from
 * the traffic or a policy; everything else is escaped by the format.
 *
 * A table is table_begin, then rows (row_begin, one cell_* call per column,
 * row_end), then table_end. All members are required except the three
 * marked "may be NULL". */
struct report_fmt {
	/* A section with a second-level heading; id names it (HTML). */
	void (*section_begin)(FILE *fp, const char *id, const char *title);
	void (*section_end)(FILE *fp);
	void (*para)(FILE *fp, const char *text); /* a paragraph of trusted text */

	void (*table_begin)(FILE *fp, const struct report_table *t);
	void (*table_end)(FILE *fp);
	/* detail: finding_detail follows the cells of this row. */
	void (*row_begin)(FILE *fp, bool detail);
	void (*row_end)(FILE *fp);

	void (*cell_head)(FILE *fp, const char *label);  /* trusted row label */
	void (*cell_total)(FILE *fp, const char *label); /* the label of a totals row */
	void (*cell_text)(FILE *fp, const char *s);      /* escaped; "-" if NULL or "" */
	void (*cell_code)(FILE *fp, const char *s);      /* the same, as code */
	void (*cell_num)(FILE *fp, const char *figure);  /* trusted, right aligned */
	void (*cell_bytes)(FILE *fp, uint64_t n);        /* "1.2 MB" */
	void (*cell_severity)(FILE *fp, unsigned sev);   /* "High" */
	void (*cell_empty)(FILE *fp);
	/* Escaped items, as code if code, each followed by "(version V)" when
	 * versions (may be NULL) has one for it; "-" if n is 0. */
	void (*cell_list)(FILE *fp, char *const *items, char *const *versions, size_t n, bool code);

	/* Pieces whose wording or markup only the format knows. */
	void (*fails_on)(FILE *fp, unsigned sev); /* a cell: "high or above" */
	/* A cell saying what wrote the report and when, in a last context row
	 * (only when the context names either). May be NULL: the format says it
	 * elsewhere (HTML: in its footer). */
	void (*generated)(FILE *fp, const struct report_context *c);
	void (*result)(FILE *fp, const struct report_data *d); /* pass or fail, first */
	/* Charts above the verdict table and the coverage table; may be NULL. */
	void (*verdict_chart)(FILE *fp, const struct report_data *d);
	void (*rule_chart)(FILE *fp, const struct report_data *d);
	/* Above the findings table of each severity. */
	void (*severity_heading)(FILE *fp, unsigned sev, size_t nfindings);
	/* The REPORT_COL_DETAIL columns of a finding (why, example, fix), after
	 * its other cells and before row_end. */
	void (*finding_detail)(FILE *fp, const struct report_finding *f);
};

/* The context table: policies, sources, site, inputs, traffic, threshold
 * (and, through fmt->generated, what wrote the report). */
void report_write_context(const struct report_fmt *fmt, FILE *fp, const struct report_data *d);
/* Summary, findings, rule coverage, unused rules and statistics, in that
 * order, in the given format. */
void report_write_sections(const struct report_fmt *fmt, FILE *fp, const struct report_data *d);

/* The verdicts the summary lists, in its order ("none" last, and only if
 * some flow has it) into v; returns how many. */
size_t report_verdicts(const struct report_data *d, unsigned v[FA_V__COUNT]);

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
