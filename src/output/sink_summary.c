/* sink_summary.c - the human summary sink: counts flows by end reason and by
 * application while records stream past, and prints one compact, aligned
 * table at close, for an engineer reading a terminal. With a policy, an
 * "Audit" block adds flows by verdict, the worst findings and unused rules.
 *
 * Memory is bounded whatever the traffic: at most SUMMARY_MAX_APPS distinct
 * application names are kept, later ones are counted under "(other)". Stats
 * records carry cumulative counters, so the last one received is shown.
 * Findings and rules are copied: the audit that lent them may be gone by
 * the time the summary is printed. */
#include "sink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"
#include "verdict_names.h"

#define SUMMARY_MAX_APPS 512
#define SUMMARY_MAX_ENDS 16
#define SUMMARY_TOP_APPS 10
#define SUMMARY_MAX_DECODE 64
#define SUMMARY_NAME_MAX 48 /* names are cut to keep columns aligned */

#define LABEL_W 28
#define VALUE_W 14

#define SUMMARY_TOP_FINDINGS 10
#define SUMMARY_UNUSED_RULES 20
#define PEERS_W 33 /* "initiator -> responder" column of a finding */
#define SVC_W 11   /* "tcp/65535" */
#define APP_W 14
#define WRAP_W 90 /* unused rule ids are wrapped to this width */

struct top_finding {
	unsigned severity_id;
	char severity[10], verdict[18];
	char peers[PEERS_W + 1], svc[SVC_W + 1], app[APP_W + 1];
	uint64_t flows;
};

struct audit_summary {
	bool seen;                        /* a verdict, finding or rule arrived */
	uint64_t by_verdict[FA_V__COUNT]; /* [FA_V_NONE]: names not known here */
	uint64_t findings;
	struct top_finding top[SUMMARY_TOP_FINDINGS];
	size_t ntop;
	uint64_t rules, rules_unused; /* unused: allow rules no flow used */
	uint64_t deny_unmatched;      /* deny rules that matched nothing: as hoped */
	char unused[SUMMARY_UNUSED_RULES][SUMMARY_NAME_MAX];
};

struct name_count {
	char name[SUMMARY_NAME_MAX];
	uint64_t flows, bytes;
	bool used;
};

/* Open-addressing table of names with a fixed slot count, twice the number
 * of names it may hold so probes stay short. */
struct name_tab {
	struct name_count *slots;
	size_t nslots, count, limit;
	struct name_count other; /* names past the limit */
};

struct sink_summary {
	FILE *fp;
	uint64_t flows, pkts, bytes, icmp_errors_in_flows;
	struct name_tab apps, ends;
	bool have_stats;
	struct fa_stats_record stats; /* scalars of the last stats record */
	struct fa_stat_kv decode[SUMMARY_MAX_DECODE];
	char decode_names[SUMMARY_MAX_DECODE][SUMMARY_NAME_MAX];
	size_t ndecode;
	struct audit_summary audit;
};

static int name_tab_init(struct name_tab *t, size_t limit)
{
	memset(t, 0, sizeof(*t));
	t->limit = limit;
	t->nslots = limit * 2;
	t->slots = calloc(t->nslots, sizeof(*t->slots));
	snprintf(t->other.name, sizeof(t->other.name), "(other)");
	return t->slots ? FA_OK : FA_ERR_NOMEM;
}

static void name_tab_free(struct name_tab *t)
{
	free(t->slots);
	t->slots = NULL;
}

/* Copies a name for printing: cut to the field, and anything that is not
 * printable ASCII replaced, so no byte reaches the terminal as a control. */
static void copy_name(char *dst, size_t dstlen, const char *src)
{
	size_t i = 0;
	for (; src[i] && i + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
	}
	dst[i] = '\0';
}

static struct name_count *name_tab_get(struct name_tab *t, const char *raw)
{
	char name[SUMMARY_NAME_MAX];
	copy_name(name, sizeof(name), raw);

	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (size_t i = 0; i < t->nslots; i++) {
		struct name_count *e = &t->slots[(h + i) % t->nslots];
		if (!e->used) {
			if (t->count >= t->limit)
				return &t->other;
			e->used = true;
			memcpy(e->name, name, sizeof(e->name));
			t->count++;
			return e;
		}
		if (strcmp(e->name, name) == 0)
			return e;
	}
	return &t->other;
}

static int cmp_by_flows(const void *a, const void *b)
{
	const struct name_count *x = *(const struct name_count *const *)a;
	const struct name_count *y = *(const struct name_count *const *)b;
	if (x->flows != y->flows)
		return x->flows > y->flows ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Used entries sorted by flows, bytes, name; caller frees. */
static struct name_count **name_tab_sorted(const struct name_tab *t, size_t *n)
{
	struct name_count **v = malloc((t->count + 1) * sizeof(*v));
	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < t->nslots; i++) {
		if (t->slots[i].used)
			v[(*n)++] = &t->slots[i];
	}
	qsort(v, *n, sizeof(*v), cmp_by_flows);
	return v;
}

static int summary_write_flow(struct fa_sink *s, const struct fa_flow_record *r)
{
	struct sink_summary *ss = s->priv;
	uint64_t bytes = r->bytes_fwd + r->bytes_rev;

	ss->flows++;
	ss->pkts += r->pkts_fwd + r->pkts_rev;
	ss->bytes += bytes;
	ss->icmp_errors_in_flows += r->icmp_errors;

	struct name_count *e = name_tab_get(&ss->ends, r->end && r->end[0] ? r->end : "unknown");
	e->flows++;
	e->bytes += bytes;
	/* nDPI names an undetected flow "Unknown"; a missing name joins it. */
	e = name_tab_get(&ss->apps, r->app && r->app[0] ? r->app : "Unknown");
	e->flows++;
	e->bytes += bytes;
	if (r->verdict) {
		ss->audit.seen = true;
		ss->audit.by_verdict[fa_out_verdict_index(r->verdict)]++;
	}
	return FA_OK;
}

/* Cuts s into dst; a cut name ends in '~' so it is not taken for whole. */
static void copy_cut(char *dst, size_t dstlen, const char *src)
{
	copy_name(dst, dstlen, src ? src : "");
	size_t n = strlen(dst);
	if (src && strlen(src) > n && n > 0)
		dst[n - 1] = '~';
}

/* Keeps the worst SUMMARY_TOP_FINDINGS by severity, earlier first among
 * equals (the audit sends the newest first within a severity). */
static int summary_write_finding(struct fa_sink *s, const struct fa_finding *f)
{
	struct audit_summary *au = &((struct sink_summary *)s->priv)->audit;
	au->seen = true;
	au->findings++;
	size_t at = au->ntop;
	while (at > 0 && au->top[at - 1].severity_id < f->severity_id)
		at--;
	if (at >= SUMMARY_TOP_FINDINGS)
		return FA_OK;
	size_t last = au->ntop < SUMMARY_TOP_FINDINGS ? au->ntop : SUMMARY_TOP_FINDINGS - 1;
	memmove(&au->top[at + 1], &au->top[at], (last - at) * sizeof(au->top[0]));
	if (au->ntop < SUMMARY_TOP_FINDINGS)
		au->ntop++;

	struct top_finding *t = &au->top[at];
	char buf[2 * SUMMARY_NAME_MAX + 8];
	t->severity_id = f->severity_id;
	copy_cut(t->severity, sizeof(t->severity), f->severity ? f->severity : "-");
	copy_cut(t->verdict, sizeof(t->verdict), f->verdict);
	snprintf(buf, sizeof(buf), "%s -> %s", f->initiator ? f->initiator : "?",
	         f->responder ? f->responder : "?");
	copy_cut(t->peers, sizeof(t->peers), buf);
	snprintf(buf, sizeof(buf), "%s/%u", f->proto ? f->proto : "?", (unsigned)f->port);
	copy_cut(t->svc, sizeof(t->svc), buf);
	copy_cut(t->app, sizeof(t->app), f->app && f->app[0] ? f->app : "-");
	t->flows = f->flows;
	return FA_OK;
}

static int summary_write_rule(struct fa_sink *s, const struct fa_rule_coverage *r)
{
	struct audit_summary *au = &((struct sink_summary *)s->priv)->audit;
	au->seen = true;
	au->rules++;
	if (!r->unused)
		return FA_OK;
	if (r->flags & FA_RULE_DENY) {
		au->deny_unmatched++;
		return FA_OK;
	}
	if (au->rules_unused < SUMMARY_UNUSED_RULES)
		copy_name(au->unused[au->rules_unused], SUMMARY_NAME_MAX, r->id ? r->id : "?");
	au->rules_unused++;
	return FA_OK;
}

static int summary_write_stats(struct fa_sink *s, const struct fa_stats_record *r)
{
	struct sink_summary *ss = s->priv;

	ss->have_stats = true;
	ss->stats = *r;
	ss->stats.decode_errors = NULL; /* the caller's array is not ours to keep */
	ss->ndecode = 0;
	for (size_t i = 0; i < r->ndecode_errors && ss->ndecode < SUMMARY_MAX_DECODE; i++) {
		const struct fa_stat_kv *kv = &r->decode_errors[i];
		if (!kv->name || kv->value == 0)
			continue;
		copy_name(ss->decode_names[ss->ndecode], SUMMARY_NAME_MAX, kv->name);
		ss->decode[ss->ndecode].name = ss->decode_names[ss->ndecode];
		ss->decode[ss->ndecode].value = kv->value;
		ss->ndecode++;
	}
	return FA_OK;
}

static void line(FILE *fp, const char *label, uint64_t v)
{
	fprintf(fp, "%-*s%*" PRIu64 "\n", LABEL_W, label, VALUE_W, v);
}

static void subline(FILE *fp, const char *label, uint64_t v)
{
	fprintf(fp, "  %-*.*s%*" PRIu64 "\n", LABEL_W - 2, LABEL_W - 2, label, VALUE_W, v);
}

static void subline2(FILE *fp, const char *label, uint64_t a, uint64_t b)
{
	fprintf(fp, "  %-*.*s%*" PRIu64 "%*" PRIu64 "\n", LABEL_W - 2, LABEL_W - 2, label, VALUE_W,
	        a, VALUE_W, b);
}

static void print_ends(FILE *fp, const struct name_tab *t)
{
	size_t n;
	struct name_count **v = name_tab_sorted(t, &n);
	for (size_t i = 0; v && i < n; i++)
		subline(fp, v[i]->name, v[i]->flows);
	if (t->other.flows)
		subline(fp, t->other.name, t->other.flows);
	free(v);
}

static void print_apps(FILE *fp, const struct name_tab *t)
{
	size_t n;
	struct name_count **v = name_tab_sorted(t, &n);
	if (!v)
		return;
	fprintf(fp, "%-*s%*s%*s\n", LABEL_W, "Top applications", VALUE_W, "flows", VALUE_W,
	        "bytes");
	uint64_t rest_flows = t->other.flows, rest_bytes = t->other.bytes;
	for (size_t i = 0; i < n; i++) {
		if (i < SUMMARY_TOP_APPS) {
			subline2(fp, v[i]->name, v[i]->flows, v[i]->bytes);
		} else {
			rest_flows += v[i]->flows;
			rest_bytes += v[i]->bytes;
		}
	}
	if (rest_flows)
		subline2(fp, "(other)", rest_flows, rest_bytes);
	free(v);
}

/* "    r1, r2," wrapped at WRAP_W, no line ending in a blank. */
static void print_unused(FILE *fp, const struct audit_summary *au)
{
	size_t kept = au->rules_unused < SUMMARY_UNUSED_RULES ? (size_t)au->rules_unused
	                                                      : SUMMARY_UNUSED_RULES;
	char more[32] = "";
	if (au->rules_unused > kept)
		snprintf(more, sizeof(more), "+%" PRIu64 " more", au->rules_unused - kept);
	size_t col = 0;
	for (size_t i = 0; i <= kept; i++) {
		const char *word = i < kept ? au->unused[i] : more;
		if (!word[0])
			break;
		bool last = i == kept || (i + 1 == kept && !more[0]);
		size_t n = strlen(word) + (last ? 0 : 1);
		if (col > 0 && col + 1 + n > WRAP_W) {
			fputc('\n', fp);
			col = 0;
		}
		col += (size_t)fprintf(fp, "%s%s%s", col ? " " : "    ", word, last ? "" : ",");
	}
	if (col)
		fputc('\n', fp);
}

static void print_audit(FILE *fp, const struct audit_summary *au)
{
	uint64_t with_verdict = 0;
	for (unsigned v = 0; v < FA_V__COUNT; v++)
		with_verdict += au->by_verdict[v];

	fprintf(fp, "Audit\n");
	line(fp, "Flows with a verdict", with_verdict);
	for (unsigned v = FA_V_ALLOWED; v < FA_V__COUNT; v++)
		subline(fp, fa_out_verdict_name(v), au->by_verdict[v]);
	if (au->by_verdict[FA_V_NONE])
		subline(fp, "(other)", au->by_verdict[FA_V_NONE]);

	line(fp, "Findings", au->findings);
	if (au->ntop)
		fprintf(fp, "  %-8s %-15s %-*s %-*s %-*s %8s\n", "severity", "verdict", PEERS_W,
		        "initiator -> responder", SVC_W, "service", APP_W, "app", "flows");
	for (size_t i = 0; i < au->ntop; i++) {
		const struct top_finding *t = &au->top[i];
		fprintf(fp, "  %-8s %-15s %-*s %-*s %-*s %8" PRIu64 "\n", t->severity, t->verdict,
		        PEERS_W, t->peers, SVC_W, t->svc, APP_W, t->app, t->flows);
	}
	if (au->findings > au->ntop)
		fprintf(fp, "  +%" PRIu64 " more findings\n", au->findings - au->ntop);

	line(fp, "Rules", au->rules);
	subline(fp, "used", au->rules - au->rules_unused - au->deny_unmatched);
	subline(fp, "unused", au->rules_unused);
	if (au->deny_unmatched)
		subline(fp, "deny, never matched", au->deny_unmatched);
	print_unused(fp, au);
}

static void print_summary(struct sink_summary *ss)
{
	FILE *fp = ss->fp;
	const struct fa_stats_record *st = &ss->stats;

	line(fp, "Flows", ss->flows);
	print_ends(fp, &ss->ends);
	line(fp, "Packets in flows", ss->pkts);
	line(fp, "Bytes in flows", ss->bytes);
	if (ss->have_stats) {
		line(fp, "Frames read", st->packets);
		line(fp, "Bytes read", st->bytes);
		if (st->not_ip)
			line(fp, "Non-IP frames", st->not_ip);
		if (st->fragments)
			line(fp, "Fragments", st->fragments);
		if (st->reassembled)
			line(fp, "Datagrams reassembled", st->reassembled);
		if (st->evicted)
			line(fp, "Flows evicted", st->evicted);
	}
	if (ss->flows)
		print_apps(fp, &ss->apps);
	if (ss->have_stats) {
		if (st->decode_errors_total) {
			line(fp, "Decode errors", st->decode_errors_total);
			for (size_t i = 0; i < ss->ndecode; i++)
				subline(fp, ss->decode[i].name, ss->decode[i].value);
		}
		if (st->capture_drops)
			line(fp, "Capture drops", st->capture_drops);
		if (st->capture_if_drops)
			line(fp, "Interface drops", st->capture_if_drops);
		if (st->icmp_errors_unmatched)
			line(fp, "ICMP errors unmatched", st->icmp_errors_unmatched);
	}
	if (ss->audit.seen)
		print_audit(fp, &ss->audit);
}

static int summary_flush(struct fa_sink *s)
{
	struct sink_summary *ss = s->priv;
	errno = 0;
	if (fflush(ss->fp) != 0 || ferror(ss->fp)) {
		snprintf(s->errmsg, sizeof(s->errmsg), "writing the summary: %s",
		         strerror(errno ? errno : EIO));
		return FA_ERR_IO;
	}
	return FA_OK;
}

static void summary_release(struct sink_summary *ss)
{
	name_tab_free(&ss->apps);
	name_tab_free(&ss->ends);
	free(ss);
}

static int summary_close(struct fa_sink *s)
{
	struct sink_summary *ss = s->priv;
	if (!ss)
		return FA_OK;
	print_summary(ss);
	int rc = summary_flush(s);
	summary_release(ss);
	s->priv = NULL;
	return rc;
}

static const struct fa_sink_ops summary_ops = {
    .name = "summary",
    .write_flow = summary_write_flow,
    .write_stats = summary_write_stats,
    .write_finding = summary_write_finding,
    .write_rule = summary_write_rule,
    .flush = summary_flush,
    .close = summary_close,
};

int fa_sink_summary_open(struct fa_sink **out, FILE *fp)
{
	*out = NULL;
	if (!fp)
		return FA_ERR_USAGE;
	struct fa_sink *s = calloc(1, sizeof(*s));
	struct sink_summary *ss = calloc(1, sizeof(*ss));
	if (!s || !ss)
		goto fail;
	ss->fp = fp;
	if (name_tab_init(&ss->apps, SUMMARY_MAX_APPS) < 0 ||
	    name_tab_init(&ss->ends, SUMMARY_MAX_ENDS) < 0)
		goto fail;
	s->ops = &summary_ops;
	s->priv = ss;
	*out = s;
	return FA_OK;

fail:
	if (ss)
		summary_release(ss);
	free(s);
	return FA_ERR_NOMEM;
}
