/* report_text.c - text for the audit report: UTF-8 repair (RFC 3629),
 * escaping for HTML and Markdown (GFM tables), and number, time and label
 * formatting shared by both writers. */
#include "report_int.h"

#include <inttypes.h>
#include <string.h>

#include "common/fa_time.h"
#include "policy/policy.h"

#define REPLACEMENT 0xFFFDu

static bool is_cont(unsigned char c)
{
	return c >= 0x80 && c <= 0xBF;
}

size_t report_utf8_next(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char b = s[0];
	if (b < 0x80) {
		*cp = b;
		return b ? 1 : 0;
	}
	size_t need;
	uint32_t v;
	unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
	if (b >= 0xC2 && b <= 0xDF) {
		need = 1;
		v = b & 0x1Fu;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		v = b & 0x0Fu;
		if (b == 0xE0)
			lo = 0xA0; /* overlong below */
		else if (b == 0xED)
			hi = 0x9F; /* UTF-16 surrogates above */
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		v = b & 0x07u;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F; /* past U+10FFFF above */
	} else {
		*cp = REPLACEMENT; /* C0, C1, F5-FF, stray continuation */
		return 1;
	}
	for (size_t i = 1; i <= need; i++) {
		unsigned char c = s[i];
		bool ok = i == 1 ? (c >= lo && c <= hi) : is_cont(c);
		if (!ok) {
			/* The valid prefix is one replacement; c is read anew. */
			*cp = REPLACEMENT;
			return i;
		}
		v = (v << 6) | (c & 0x3Fu);
	}
	*cp = v;
	return need + 1;
}

static void put_utf8(FILE *fp, uint32_t cp)
{
	if (cp < 0x80) {
		fputc((int)cp, fp);
	} else if (cp < 0x800) {
		fputc((int)(0xC0 | (cp >> 6)), fp);
		fputc((int)(0x80 | (cp & 0x3F)), fp);
	} else if (cp < 0x10000) {
		fputc((int)(0xE0 | (cp >> 12)), fp);
		fputc((int)(0x80 | ((cp >> 6) & 0x3F)), fp);
		fputc((int)(0x80 | (cp & 0x3F)), fp);
	} else {
		fputc((int)(0xF0 | (cp >> 18)), fp);
		fputc((int)(0x80 | ((cp >> 12) & 0x3F)), fp);
		fputc((int)(0x80 | ((cp >> 6) & 0x3F)), fp);
		fputc((int)(0x80 | (cp & 0x3F)), fp);
	}
}

/* C0 and C1 controls and DEL: nothing from the wire may act on a terminal
 * or a renderer, or break a table row. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

void report_html_text(FILE *fp, const char *s, bool keep_newlines)
{
	if (!s)
		return;
	uint32_t cp;
	size_t n;
	while ((n = report_utf8_next(s, &cp)) > 0) {
		s += n;
		switch (cp) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			if (cp == '\n' && keep_newlines)
				fputc('\n', fp);
			else if (is_control(cp))
				fputc(' ', fp);
			else
				put_utf8(fp, cp);
		}
	}
}

void report_md_text(FILE *fp, const char *s)
{
	if (!s)
		return;
	uint32_t cp;
	size_t n;
	while ((n = report_utf8_next(s, &cp)) > 0) {
		s += n;
		if (is_control(cp)) {
			fputc(' ', fp);
			continue;
		}
		/* Inline syntax: code, emphasis, links and images, raw HTML and
		 * entities, strikethrough, table cells, and the escape itself. */
		if (cp < 0x80 && strchr("\\`*_[]<>|&~", (int)cp))
			fputc('\\', fp);
		put_utf8(fp, cp);
	}
}

void report_md_code(FILE *fp, const char *s)
{
	if (!s || !s[0])
		return;
	size_t run = 0, longest = 0;
	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	/* A code span's content must not hold its delimiter; a space keeps a
	 * backtick at either end from joining the delimiter (CommonMark 6.1). */
	bool pad = s[0] == '`' || s[strlen(s) - 1] == '`';
	for (size_t i = 0; i <= longest; i++)
		fputc('`', fp);
	if (pad)
		fputc(' ', fp);
	uint32_t cp;
	size_t n;
	while ((n = report_utf8_next(s, &cp)) > 0) {
		s += n;
		if (is_control(cp))
			fputc(' ', fp);
		else if (cp == '|')
			fputs("\\|", fp); /* GFM tables split cells even in code spans */
		else
			put_utf8(fp, cp);
	}
	if (pad)
		fputc(' ', fp);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', fp);
}

void report_time(char *buf, size_t len, uint64_t ts_us)
{
	char t[FA_TIME_RFC3339_LEN];
	if (len == 0)
		return;
	buf[0] = '\0';
	if (ts_us == 0 || !fa_time_rfc3339(ts_us, t, sizeof(t)))
		return;
	t[10] = ' ';
	t[19] = '\0'; /* seconds are enough to read; the JSON has microseconds */
	snprintf(buf, len, "%s", t);
}

void report_bytes(char *buf, size_t len, uint64_t n)
{
	static const char *const units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
	if (n < 1000) {
		snprintf(buf, len, "%" PRIu64 " B", n);
		return;
	}
	double v = (double)n / 1000.0;
	size_t u = 0;
	while (v >= 999.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000.0;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

void report_count(char *buf, size_t len, uint64_t n)
{
	char digits[24];
	int nd = snprintf(digits, sizeof(digits), "%" PRIu64, n);
	size_t o = 0;
	for (int i = 0; i < nd && o + 1 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (len)
		buf[o < len ? o : len - 1] = '\0';
}

void report_duration(char *buf, size_t len, uint64_t us)
{
	uint64_t s = us / FA_USEC_PER_SEC;
	if (s < 60)
		snprintf(buf, len, "%.1f s", (double)us / 1e6);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 " min %" PRIu64 " s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRIu64 " h %" PRIu64 " min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%" PRIu64 " d %" PRIu64 " h", s / 86400, s % 86400 / 3600);
}

void report_share(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	if (whole == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * (double)part / (double)whole);
}

const char *report_severity_title(unsigned sev)
{
	static const char *const titles[FA_SEV__COUNT] = {
	    [FA_SEV_NONE] = "No severity", [FA_SEV_INFO] = "Info", [FA_SEV_LOW] = "Low",
	    [FA_SEV_MEDIUM] = "Medium",    [FA_SEV_HIGH] = "High", [FA_SEV_CRITICAL] = "Critical",
	};
	return sev < FA_SEV__COUNT ? titles[sev] : titles[FA_SEV_NONE];
}

const char *report_verdict_meaning(unsigned v)
{
	static const char *const meaning[FA_V__COUNT] = {
	    [FA_V_NONE] = "no verdict (or one this version does not know)",
	    [FA_V_ALLOWED] = "a rule documents it",
	    [FA_V_APP_MISMATCH] = "peers and ports match a rule, the application does not",
	    [FA_V_APP_UNKNOWN] = "peers and ports match a rule, the application was not identified",
	    [FA_V_WRONG_DIRECTION] = "only the reverse direction is documented",
	    [FA_V_DENIED] = "an explicit deny rule matched",
	    [FA_V_UNDOCUMENTED] = "no rule covers it",
	    [FA_V_OUT_OF_SCOPE] = "neither endpoint is in an audited role",
	};
	return v < FA_V__COUNT ? meaning[v] : meaning[FA_V_NONE];
}

void report_rule_notes(char *buf, size_t len, uint32_t flags)
{
	static const struct {
		uint32_t flag;
		const char *text;
	} notes[] = {
	    {FA_RULE_BIDIR, "either side initiates"},
	    {FA_RULE_OPTIONAL, "optional"},
	    {FA_RULE_DISABLED, "disabled by default"},
	};
	size_t o = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
		if (!(flags & notes[i].flag) || o >= len)
			continue;
		int w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", notes[i].text);
		if (w > 0)
			o += (size_t)w;
	}
}

void report_rules_sentence(char *buf, size_t len, const struct report_data *d)
{
	size_t used = d->nrules - d->rules_unused - d->deny_unmatched;
	int n = snprintf(buf, len, "%zu rule%s: %zu used, %zu unused", d->nrules,
	                 d->nrules == 1 ? "" : "s", used, d->rules_unused);
	if (d->deny_unmatched && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", %zu deny rule%s never matched",
		         d->deny_unmatched, d->deny_unmatched == 1 ? "" : "s");
}

void report_coverage_notes(char *buf, size_t len, const struct report_rule *r)
{
	report_rule_notes(buf, len, r->flags);
	if (r->unused) {
		size_t o = strlen(buf);
		if (o < len)
			snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
			         (r->flags & FA_RULE_DENY) ? "never matched" : "unused");
	}
}
