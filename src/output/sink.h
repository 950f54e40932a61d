/* sink.h - where records go: one small interface, several outputs.
 *
 * A sink is a slot with open / write / flush / close (as Suricata's output
 * modules are). The JSON Lines sink writes one object per line to a file or
 * stdout; the summary sink keeps counts and prints the human summary at
 * close. The engine calls a sink from one thread at a time. */
#ifndef FA_SINK_H
#define FA_SINK_H

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

/* The human summary (top applications, flow counts, decode errors), printed
 * to `fp` at close. */
int fa_sink_summary_open(struct fa_sink **out, FILE *fp);

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
