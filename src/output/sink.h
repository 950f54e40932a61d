/* sink.h - where records go: one small interface, several outputs.
 *
 * A sink is a slot with open / write / flush / close (as Suricata's output
 * modules are). The JSON Lines sink writes one object per line to a file or
 * stdout; the summary sink keeps counts and prints the human summary at
 * close; the report sink writes a Markdown or HTML audit report at close. The engine calls a sink
 * from one thread at a time. */
#ifndef FA_SINK_H
#define FA_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "audit/audit.h"
#include "record.h"

struct fa_sink;

struct fa_sink_ops {
	const char *name;
	int (*write_flow)(struct fa_sink *s, const struct fa_flow_record *r);
	int (*write_stats)(struct fa_sink *s, const struct fa_stats_record *r);
	/* Policy audits only, after the last flow; NULL = not interested. */
	int (*write_finding)(struct fa_sink *s, const struct fa_finding *f);
	int (*write_rule)(struct fa_sink *s, const struct fa_rule_coverage *r);
	int (*flush)(struct fa_sink *s);
	int (*close)(struct fa_sink *s); /* flushes, releases; s is freed by fa_sink_close */
};

struct fa_sink {
	const struct fa_sink_ops *ops;
	void *priv;
	/* What the last failed write/flush/close was, naming the output
	 * ("out.json: No space left on device"); "" when nothing failed. */
	char errmsg[256];
};

/* JSON Lines to `path` ("-" = stdout). errbuf gets a message on failure. */
int fa_sink_json_open(struct fa_sink **out, const char *path, char *errbuf, size_t errlen);

/* JSON Lines split over several files, always between records (docs/json.md,
 * "Long runs"). Files are named path, path.1, path.2, ... in order; with
 * by_time and a '%' in path, path is a strftime(3) template of the time
 * given to fa_sink_json_rotate (UTC), and the first file is created by the
 * first rotate call (or, failing that, the first record). */
struct fa_json_rotation {
	uint64_t max_bytes; /* a file never grows past this unless one record does;
	                     * 0 = no limit */
	bool by_time;       /* the caller starts new files with fa_sink_json_rotate */
};
int fa_sink_json_open_rotating(struct fa_sink **out, const char *path,
                               const struct fa_json_rotation *rot, char *errbuf, size_t errlen);
/* Closes the current file and starts the next, named for now_us
 * (microseconds since the epoch). Not for other sinks (FA_ERR_USAGE). */
int fa_sink_json_rotate(struct fa_sink *s, uint64_t now_us);

/* The human summary (top applications, flow counts, decode errors), printed
 * to `fp` at close. */
int fa_sink_summary_open(struct fa_sink **out, FILE *fp);

/* What an audit report says about its own context. Every string and array
 * is copied at open; any may be NULL (or a count 0) when unknown. */
struct fa_report_info {
	const char *title;           /* NULL = "Flow audit report" */
	const char *const *policies; /* names of the policies audited against */
	size_t npolicies;
	const char *const *versions; /* document version of each policy, or NULL */
	const char *const *sources;  /* vendor documents the policies encode */
	size_t nsources;
	const char *site;          /* site name of the site file */
	const char *const *inputs; /* capture files or interfaces read */
	size_t ninputs;
	const char *fail_on;   /* severity name that fails the audit; NULL = none */
	const char *generator; /* "flowaudit 1.2.0", shown with the date */
	uint64_t generated_us; /* wall-clock time of the run; 0 = not shown */
};

/* The audit report (docs/report.md): HTML when path ends in .html or .htm,
 * else Markdown. The file is created at open (so a bad path fails early)
 * and written at close, from the flows' verdicts, the findings, the rule
 * coverage and the last stats record. */
int fa_sink_report_open(struct fa_sink **out, const char *path, const struct fa_report_info *info,
                        char *errbuf, size_t errlen);

int fa_sink_write_flow(struct fa_sink *s, const struct fa_flow_record *r);
int fa_sink_write_stats(struct fa_sink *s, const struct fa_stats_record *r);
int fa_sink_write_finding(struct fa_sink *s, const struct fa_finding *f);
int fa_sink_write_rule(struct fa_sink *s, const struct fa_rule_coverage *r);
int fa_sink_flush(struct fa_sink *s);
/* Closes and frees; NULL-safe; clears *s. Returns the close status. */
int fa_sink_close(struct fa_sink **s);
/* As fa_sink_close, and copies the failure message (s->errmsg) to errbuf
 * ("" on success), since a disk-full error often shows only at close. */
int fa_sink_close_msg(struct fa_sink **s, char *errbuf, size_t errlen);

/* Formats a flow record as one JSON line (with the newline) into w; used by
 * the JSON sink and by tests. */
struct jw;
void fa_json_flow(struct jw *w, const struct fa_flow_record *r);
void fa_json_stats(struct jw *w, const struct fa_stats_record *r);
void fa_json_finding(struct jw *w, const struct fa_finding *f);
void fa_json_rule(struct jw *w, const struct fa_rule_coverage *r);

#endif
