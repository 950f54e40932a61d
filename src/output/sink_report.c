/* sink_report.c - the audit report sink: collects verdict counts, findings,
 * rule coverage and capture statistics while records stream past, and
 * writes the report (report_md.c or report_html.c) at close.
 *
 * Everything lent to the sink is copied, since the audit and the engine may
 * free their strings before the report is written. Flows are only counted,
 * so memory grows with findings and rules, which the audit bounds. */
#include "sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fa_error.h"
#include "report_int.h"

struct sink_report {
	FILE *fp;
	bool html;
	bool nomem; /* a copy failed: the report would be incomplete */
	char path[128];
	struct report_data d;
};

static char *dup_or_null(struct sink_report *sr, const char *s)
{
	if (!s)
		return NULL;
	char *c = strdup(s);
	if (!c)
		sr->nomem = true;
	return c;
}

static char **dup_list(struct sink_report *sr, const char *const *v, size_t n)
{
	if (!v || n == 0)
		return NULL;
	char **c = calloc(n, sizeof(*c));
	if (!c) {
		sr->nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		c[i] = dup_or_null(sr, v[i]);
	return c;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void copy_context(struct sink_report *sr, const struct fa_report_info *in)
{
	struct report_context *c = &sr->d.ctx;
	c->title = dup_or_null(sr, in->title);
	c->npolicies = in->policies ? in->npolicies : 0;
	c->policies = dup_list(sr, in->policies, c->npolicies);
	c->versions = dup_list(sr, in->versions, c->npolicies);
	c->nsources = in->sources ? in->nsources : 0;
	c->sources = dup_list(sr, in->sources, c->nsources);
	c->site = dup_or_null(sr, in->site);
	c->ninputs = in->inputs ? in->ninputs : 0;
	c->inputs = dup_list(sr, in->inputs, c->ninputs);
	c->fail_on = dup_or_null(sr, in->fail_on);
	c->generator = dup_or_null(sr, in->generator);
	c->generated_us = in->generated_us;

	unsigned sev = fa_out_severity_index(in->fail_on);
	sr->d.fail_on_known = sev != FA_SEV_NONE;
	sr->d.fail_on = sev;
}

static void free_finding(struct report_finding *f)
{
	char **s[] = {&f->verdict, &f->severity, &f->policy, &f->initiator, &f->responder,
	              &f->proto,   &f->app,      &f->rule,   &f->why,       &f->fix};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

static void free_rule(struct report_rule *r)
{
	char **s[] = {&r->id,      &r->policy, &r->src_role, &r->dst_role,
	              &r->service, &r->apps,   &r->ref,      &r->purpose};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

static void report_release(struct sink_report *sr)
{
	struct report_context *c = &sr->d.ctx;
	free(c->title);
	free_list(c->policies, c->npolicies);
	free_list(c->versions, c->npolicies);
	free_list(c->sources, c->nsources);
	free(c->site);
	free_list(c->inputs, c->ninputs);
	free(c->fail_on);
	free(c->generator);
	for (size_t i = 0; i < sr->d.nfindings; i++)
		free_finding(&sr->d.findings[i]);
	free(sr->d.findings);
	for (size_t i = 0; i < sr->d.nrules; i++)
		free_rule(&sr->d.rules[i]);
	free(sr->d.rules);
	free(sr);
}

/* Makes room in *v (of *cap elements of size sz) for element n: FA_OK,
 * FA_ERR_RANGE past max, FA_ERR_NOMEM. */
static int grow(void **v, size_t *cap, size_t n, size_t sz, size_t max)
{
	if (n < *cap)
		return FA_OK;
	if (n >= max)
		return FA_ERR_RANGE;
	size_t ncap = *cap ? *cap * 2 : 64;
	if (ncap > max)
		ncap = max;
	void *nv = realloc(*v, ncap * sz);
	if (!nv)
		return FA_ERR_NOMEM;
	*v = nv;
	*cap = ncap;
	return FA_OK;
}

static int report_write_flow(struct fa_sink *s, const struct fa_flow_record *r)
{
	struct report_data *d = &((struct sink_report *)s->priv)->d;
	uint64_t bytes = r->bytes_fwd + r->bytes_rev;
	d->flows++;
	d->pkts += r->pkts_fwd + r->pkts_rev;
	d->bytes += bytes;
	if (r->ts_first_us && (d->ts_first_us == 0 || r->ts_first_us < d->ts_first_us))
		d->ts_first_us = r->ts_first_us;
	if (r->ts_last_us > d->ts_last_us)
		d->ts_last_us = r->ts_last_us;

	unsigned v = fa_out_verdict_index(r->verdict);
	d->by_verdict[v]++;
	d->bytes_by_verdict[v] += bytes;
	if (fa_out_verdict_is_violation(v)) {
		unsigned sev = fa_out_severity_index(r->severity);
		d->by_severity[sev]++;
		if (d->fail_on_known && sev >= d->fail_on) {
			d->failing++;
			d->failed = true;
		}
	}
	return FA_OK;
}

static int report_write_stats(struct fa_sink *s, const struct fa_stats_record *r)
{
	struct report_data *d = &((struct sink_report *)s->priv)->d;
	d->have_stats = true;
	d->stats = *r;
	size_t n = 0;
	for (size_t i = 0; i < r->ndecode_errors && n < REPORT_MAX_DECODE; i++) {
		const struct fa_stat_kv *kv = &r->decode_errors[i];
		if (!kv->name || kv->value == 0)
			continue;
		snprintf(d->decode_names[n], sizeof(d->decode_names[n]), "%s", kv->name);
		d->decode[n].name = d->decode_names[n];
		d->decode[n].value = kv->value;
		n++;
	}
	d->stats.decode_errors = d->decode;
	d->stats.ndecode_errors = n;
	return FA_OK;
}

static int report_write_finding(struct fa_sink *s, const struct fa_finding *f)
{
	struct sink_report *sr = s->priv;
	struct report_data *d = &sr->d;
	int rc = grow((void **)&d->findings, &d->findings_cap, d->nfindings, sizeof(*d->findings),
	              REPORT_MAX_FINDINGS);
	if (rc < 0) {
		/* Past the bound the rest are counted and named in the report. */
		d->findings_dropped++;
		sr->nomem |= rc == FA_ERR_NOMEM;
		return FA_OK;
	}
	struct report_finding *c = &d->findings[d->nfindings++];
	memset(c, 0, sizeof(*c));
	c->verdict = dup_or_null(sr, f->verdict);
	c->severity = dup_or_null(sr, f->severity);
	c->policy = dup_or_null(sr, f->policy);
	c->initiator = dup_or_null(sr, f->initiator);
	c->responder = dup_or_null(sr, f->responder);
	c->proto = dup_or_null(sr, f->proto);
	c->app = dup_or_null(sr, f->app);
	c->rule = dup_or_null(sr, f->rule);
	c->why = dup_or_null(sr, f->why);
	c->fix = dup_or_null(sr, f->fix);
	c->initiator_is_role = f->initiator_is_role;
	c->responder_is_role = f->responder_is_role;
	c->severity_id = f->severity_id < FA_SEV__COUNT ? f->severity_id : FA_SEV_NONE;
	c->port = f->port;
	c->flows = f->flows;
	c->pkts = f->pkts;
	c->bytes = f->bytes;
	c->first_us = f->first_us;
	c->last_us = f->last_us;
	fa_addr_str(&f->ex_src, c->ex_src, sizeof(c->ex_src));
	fa_addr_str(&f->ex_dst, c->ex_dst, sizeof(c->ex_dst));
	c->ex_sport = f->ex_sport;
	c->ex_dport = f->ex_dport;
	c->ex_ts_us = f->ex_ts_us;
	return FA_OK;
}

static int report_write_rule(struct fa_sink *s, const struct fa_rule_coverage *r)
{
	struct sink_report *sr = s->priv;
	struct report_data *d = &sr->d;
	int rc =
	    grow((void **)&d->rules, &d->rules_cap, d->nrules, sizeof(*d->rules), REPORT_MAX_RULES);
	if (rc < 0) {
		d->rules_dropped++;
		sr->nomem |= rc == FA_ERR_NOMEM;
		return FA_OK;
	}
	struct report_rule *c = &d->rules[d->nrules++];
	memset(c, 0, sizeof(*c));
	c->id = dup_or_null(sr, r->id);
	c->policy = dup_or_null(sr, r->policy);
	c->src_role = dup_or_null(sr, r->src_role);
	c->dst_role = dup_or_null(sr, r->dst_role);
	c->service = dup_or_null(sr, r->service);
	c->apps = dup_or_null(sr, r->apps);
	c->ref = dup_or_null(sr, r->ref);
	c->purpose = dup_or_null(sr, r->purpose);
	c->flags = r->flags;
	c->severity_id = r->severity_id;
	c->flows = r->flows;
	c->pkts = r->pkts;
	c->bytes = r->bytes;
	c->first_us = r->first_us;
	c->last_us = r->last_us;
	c->initiators = r->initiators;
	c->responders = r->responders;
	c->unused = r->unused;
	if (r->unused && (r->flags & FA_RULE_DENY))
		d->deny_unmatched++;
	else if (r->unused)
		d->rules_unused++;
	return FA_OK;
}

/* Worst severity first; a stable insertion sort keeps the audit's order
 * (newest first) within a severity, and findings arrive nearly sorted. */
static void order_findings(struct report_data *d)
{
	for (size_t i = 1; i < d->nfindings; i++) {
		struct report_finding t = d->findings[i];
		size_t j = i;
		while (j > 0 && d->findings[j - 1].severity_id < t.severity_id) {
			d->findings[j] = d->findings[j - 1];
			j--;
		}
		d->findings[j] = t;
	}
}

static int report_flush(struct fa_sink *s)
{
	(void)s; /* nothing is written before close */
	return FA_OK;
}

static int report_close(struct fa_sink *s)
{
	struct sink_report *sr = s->priv;
	if (!sr)
		return FA_OK;
	int rc = FA_OK;
	if (sr->nomem) {
		/* A report silently missing findings would mislead: none at all. */
		snprintf(s->errmsg, sizeof(s->errmsg), "writing the report %s: %s", sr->path,
		         fa_strerror(FA_ERR_NOMEM));
		rc = FA_ERR_NOMEM;
		fclose(sr->fp);
	} else {
		order_findings(&sr->d);
		if (sr->html)
			report_write_html(sr->fp, &sr->d);
		else
			report_write_md(sr->fp, &sr->d);
		errno = 0;
		bool bad = fflush(sr->fp) != 0 || ferror(sr->fp);
		int err = errno;
		if (fclose(sr->fp) != 0 && !bad) {
			bad = true;
			err = errno;
		}
		if (bad) {
			snprintf(s->errmsg, sizeof(s->errmsg), "writing the report %s: %s",
			         sr->path, strerror(err ? err : EIO));
			rc = FA_ERR_IO;
		}
	}
	report_release(sr);
	s->priv = NULL;
	return rc;
}

static const struct fa_sink_ops report_ops = {
    .name = "report",
    .write_flow = report_write_flow,
    .write_stats = report_write_stats,
    .write_finding = report_write_finding,
    .write_rule = report_write_rule,
    .flush = report_flush,
    .close = report_close,
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int fa_sink_report_open(struct fa_sink **out, const char *path, const struct fa_report_info *info,
                        char *errbuf, size_t errlen)
{
	struct fa_sink *s = NULL;
	struct sink_report *sr = NULL;
	static const struct fa_report_info no_info;

	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!path || !path[0]) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "the report needs a file name");
		return FA_ERR_USAGE;
	}
	s = calloc(1, sizeof(*s));
	sr = calloc(1, sizeof(*sr));
	if (!s || !sr)
		goto nomem;
	snprintf(sr->path, sizeof(sr->path), "%s", path);
	sr->html = ends_with(path, ".html") || ends_with(path, ".htm");
	copy_context(sr, info ? info : &no_info);
	if (sr->nomem)
		goto nomem;
	sr->fp = fopen(path, "w");
	if (!sr->fp) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot open %s for writing: %s", path,
			         strerror(errno));
		report_release(sr);
		free(s);
		return FA_ERR_IO;
	}
	s->ops = &report_ops;
	s->priv = sr;
	*out = s;
	return FA_OK;

nomem:
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "cannot prepare the report %s: %s", path,
		         fa_strerror(FA_ERR_NOMEM));
	if (sr)
		report_release(sr);
	free(s);
	return FA_ERR_NOMEM;
}
