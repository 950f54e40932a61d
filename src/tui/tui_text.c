/* tui_text.c - the dashboard's longer texts: the details of a finding, rule,
 * flow or count (opened with Enter), and the help overlay. */
#include <inttypes.h>
#include <stdio.h>

#include "common/fa_error.h"
#include "common/fa_time.h"
#include "tui_int.h"

static const char *or_none(const char *s)
{
	return s && s[0] ? s : "-";
}

/* "2026-11-21T19:28:03.123456Z", or "-" for 0. */
static const char *when(char *buf, size_t len, uint64_t us)
{
	if (!us || !fa_time_rfc3339(us, buf, len))
		snprintf(buf, len, "-");
	return buf;
}

static int finding_details(struct tui_lines *o, const struct fa_snap_finding *f)
{
	char a[64], b[64], t1[FA_TIME_RFC3339_LEN], t2[FA_TIME_RFC3339_LEN];
	unsigned sev = tui_severity_style(f->severity_id);
	int rc = tui_lines_add(o, sev, "Finding: %s %s", or_none(f->severity), or_none(f->verdict));
	rc |= tui_lines_add(o, TS_NORMAL, "Initiator:   %s (%s)", or_none(f->initiator),
	                    f->initiator_is_role ? "role" : "address");
	rc |= tui_lines_add(o, TS_NORMAL, "Responder:   %s (%s)", or_none(f->responder),
	                    f->responder_is_role ? "role" : "address");
	tui_fmt_service(a, sizeof(a), f->proto, f->port);
	rc |= tui_lines_add(o, TS_NORMAL, "Service:     %s", a);
	rc |= tui_lines_add(o, TS_NORMAL, "Application: %s", or_none(f->app));
	tui_fmt_bytes(a, sizeof(a), f->bytes);
	rc |= tui_lines_add(o, TS_NORMAL, "Flows:       %" PRIu64 ", %s", f->flows, a);
	rc |= tui_lines_add(o, TS_NORMAL, "Seen:        %s .. %s",
	                    when(t1, sizeof(t1), f->first_us), when(t2, sizeof(t2), f->last_us));
	rc |= tui_lines_add(o, TS_NORMAL, "Rule:        %s", or_none(f->rule));
	rc |= tui_lines_add(o, TS_BOLD, "Why:         %s", or_none(f->why));
	rc |= tui_lines_add(o, TS_NORMAL, "Fix:         %s", or_none(f->fix));
	if (f->ex_src.ver) {
		tui_fmt_endpoint(a, sizeof(a), &f->ex_src, f->ex_sport);
		tui_fmt_endpoint(b, sizeof(b), &f->ex_dst, f->ex_dport);
		rc |= tui_lines_add(o, TS_NORMAL, "Example:     %s -> %s", a, b);
	}
	return rc ? FA_ERR_NOMEM : FA_OK;
}

static int rule_details(struct tui_lines *o, const struct fa_snap_rule *u)
{
	char a[32], t1[FA_TIME_RFC3339_LEN];
	int rc = tui_lines_add(o, u->unused ? TS_DIM : TS_TITLE, "Rule: %s%s", or_none(u->id),
	                       u->unused ? " (unused)" : "");
	rc |= tui_lines_add(o, TS_NORMAL, "Policy:      %s", or_none(u->policy));
	rc |= tui_lines_add(o, TS_NORMAL, "Kind:        %s", u->deny ? "deny" : "allow");
	rc |= tui_lines_add(o, TS_NORMAL, "From -> to:  %s -> %s", or_none(u->src_role),
	                    or_none(u->dst_role));
	rc |= tui_lines_add(o, TS_NORMAL, "Service:     %s", or_none(u->service));
	rc |=
	    tui_lines_add(o, TS_NORMAL, "Apps:        %s", u->apps && u->apps[0] ? u->apps : "any");
	tui_fmt_bytes(a, sizeof(a), u->bytes);
	rc |= tui_lines_add(o, TS_NORMAL, "Used by:     %" PRIu64 " flows, %s", u->flows, a);
	rc |= tui_lines_add(o, TS_NORMAL, "Last used:   %s", when(t1, sizeof(t1), u->last_us));
	if (u->unused)
		rc |= tui_lines_add(o, TS_NORMAL,
		                    "No traffic used this rule: it may be obsolete, "
		                    "or the capture missed that part of the network.");
	return rc ? FA_ERR_NOMEM : FA_OK;
}

static int flow_details(struct tui_lines *o, const struct fa_snap_flow *f)
{
	char a[64], b[64], t1[FA_TIME_RFC3339_LEN], t2[FA_TIME_RFC3339_LEN];
	tui_fmt_endpoint(a, sizeof(a), &f->src, f->sport);
	tui_fmt_endpoint(b, sizeof(b), &f->dst, f->dport);
	int rc = tui_lines_add(o, tui_severity_style(f->severity_id), "Flow: %s %s -> %s (%s)",
	                       or_none(f->proto), a, b, f->ended ? "ended" : "active");
	rc |= tui_lines_add(o, TS_NORMAL, "Application: %s", or_none(f->app));
	rc |= tui_lines_add(o, TS_NORMAL, "Verdict:     %s%s%s", f->verdict ? f->verdict : "none",
	                    f->severity ? ", severity " : "", f->severity ? f->severity : "");
	rc |= tui_lines_add(o, TS_NORMAL, "Roles:       %s -> %s", or_none(f->src_role),
	                    or_none(f->dst_role));
	rc |= tui_lines_add(o, TS_NORMAL, "Rule:        %s", or_none(f->rule));
	rc |= tui_lines_add(o, TS_BOLD, "Why:         %s", or_none(f->why));
	tui_fmt_bytes(a, sizeof(a), f->bytes);
	rc |= tui_lines_add(o, TS_NORMAL, "Traffic:     %" PRIu64 " packets, %s (both directions)",
	                    f->pkts, a);
	rc |= tui_lines_add(o, TS_NORMAL, "Seen:        %s .. %s",
	                    when(t1, sizeof(t1), f->first_us), when(t2, sizeof(t2), f->last_us));
	return rc ? FA_ERR_NOMEM : FA_OK;
}

static int count_details(struct tui_lines *o, const struct fa_snap_count *c, bool talker)
{
	char a[32];
	tui_fmt_bytes(a, sizeof(a), c->bytes);
	int rc = tui_lines_add(o, TS_TITLE, "%s: %s", talker ? "Talker" : "Application",
	                       or_none(c->name));
	rc |= tui_lines_add(o, TS_NORMAL, "Flows:       %" PRIu64, c->flows);
	rc |= tui_lines_add(o, TS_NORMAL, "Bytes:       %s (%" PRIu64 ")", a, c->bytes);
	return rc ? FA_ERR_NOMEM : FA_OK;
}

int tui_details(struct tui_lines *out, enum tui_view v, const struct tui_row *r,
                const struct fa_snapshot *s)
{
	(void)s;
	if (!r || !r->item || r->kind != TR_ITEM)
		return FA_ERR_NOTFOUND;
	switch (v) {
	case TV_FINDINGS: return finding_details(out, r->item);
	case TV_RULES: return rule_details(out, r->item);
	case TV_FLOWS: return flow_details(out, r->item);
	case TV_APPS: return count_details(out, r->item, r->group == 1);
	default: return FA_ERR_NOTFOUND;
	}
}

int tui_help(struct tui_lines *o)
{
	static const char *const keys[][2] = {
	    {"1 2 3 4, F1-F4", "Findings, Rules, Flows, Apps/talkers"},
	    {"Tab, Shift-Tab", "next, previous view"},
	    {"Up Down, j k", "move the selection bar"},
	    {"PgUp PgDn", "a page up or down"},
	    {"Home End, g G", "first, last row"},
	    {"Enter", "details of the selected row (why, fix, example, rule)"},
	    {"/", "filter the rows by a text (Enter keeps it, Esc clears it)"},
	    {"s", "next sort order of this view"},
	    {"p", "pause: keep showing the same data (capture goes on)"},
	    {"?", "this help"},
	    {"Esc", "close help or details, clear the filter"},
	    {"q", "quit (stops the capture)"},
	};
	int rc = tui_lines_add(o, TS_TITLE, "flowaudit dashboard: keys");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		rc |= tui_lines_add(o, TS_NORMAL, "  %-16s %s", keys[i][0], keys[i][1]);
	rc |= tui_lines_add(o, TS_NORMAL, " ");
	rc |= tui_lines_add(o, TS_NORMAL,
	                    "Severity: critical, high, medium, low, info (worst first). "
	                    "Unused rules are dimmed and marked 'unused'. LAST is the time "
	                    "since the newest packet of the capture.");
	rc |= tui_lines_add(o, TS_DIM, "Any key closes this help.");
	return rc ? FA_ERR_NOMEM : FA_OK;
}
