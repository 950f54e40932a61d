/* tui_format.c - the dashboard's text: fitting strings into columns (UTF-8
 * aware, control characters neutralised), compact numbers, rates and times,
 * and word-wrapped lines. */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fa_addr.h"
#include "common/fa_error.h"
#include "policy/policy.h"
#include "tui_int.h"

unsigned tui_severity_style(unsigned severity_id)
{
	if (severity_id < FA_SEV_INFO || severity_id > FA_SEV_CRITICAL)
		return TS_NORMAL;
	return TS_SEV_INFO + (severity_id - FA_SEV_INFO);
}

void tui_charset_init(struct tui_charset *cs, bool utf8)
{
	cs->utf8 = utf8;
	cs->ellipsis = utf8 ? "\xe2\x80\xa6" : "~";
	cs->dash = utf8 ? "\xe2\x80\x94" : "-";
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return n;
}

/* One column of s: its byte length (at least 1) and whether it can be shown
 * as it is (else it is drawn as '?'). */
static size_t next_char(const struct tui_charset *cs, const char *s, bool *ok)
{
	unsigned char c = (unsigned char)*s;
	if (c < 0x20 || c == 0x7f) {
		*ok = false;
		return 1;
	}
	if (c < 0x80) {
		*ok = true;
		return 1;
	}
	size_t n = cs->utf8 ? utf8_seq((const unsigned char *)s) : 0;
	/* C1 controls (U+0080..U+009F) move terminals around too */
	*ok = n > 0 && !(n == 2 && c == 0xc2 && (unsigned char)s[1] < 0xa0);
	return n ? n : 1;
}

size_t tui_text_width(const struct tui_charset *cs, const char *s)
{
	size_t w = 0;
	bool ok;
	while (*s) {
		s += next_char(cs, s, &ok);
		w++;
	}
	return w;
}

/* Appends up to `cols` columns of s to out; returns the bytes of s used. */
static size_t put_cols(const struct tui_charset *cs, char *out, size_t outlen, size_t *pos,
                       const char *s, size_t cols)
{
	const char *p = s;
	bool ok;
	for (size_t i = 0; i < cols && *p; i++) {
		size_t n = next_char(cs, p, &ok);
		const char *src = ok ? p : "?";
		size_t len = ok ? n : 1;
		if (*pos + len < outlen) {
			memcpy(out + *pos, src, len);
			*pos += len;
		}
		p += n;
	}
	return (size_t)(p - s);
}

static void put_spaces(char *out, size_t outlen, size_t *pos, size_t n)
{
	while (n-- && *pos + 1 < outlen)
		out[(*pos)++] = ' ';
}

/* Byte offset in s of its column `col`. */
static const char *skip_cols(const struct tui_charset *cs, const char *s, size_t col)
{
	bool ok;
	while (col-- && *s)
		s += next_char(cs, s, &ok);
	return s;
}

size_t tui_fit(const struct tui_charset *cs, char *out, size_t outlen, const char *s,
               unsigned width, unsigned flags)
{
	size_t pos = 0;
	if (!outlen)
		return 0;
	if (!s)
		s = "";
	size_t w = tui_text_width(cs, s);
	if (w <= width) {
		if (flags & TF_RIGHT)
			put_spaces(out, outlen, &pos, width - w);
		put_cols(cs, out, outlen, &pos, s, w);
		if (!(flags & TF_RIGHT))
			put_spaces(out, outlen, &pos, width - w);
	} else if (width > 0) {
		size_t keep = width - 1, elen = strlen(cs->ellipsis);
		size_t head = (flags & TF_MIDDLE) ? (keep + 1) / 2 : keep;
		put_cols(cs, out, outlen, &pos, s, head);
		if (pos + elen < outlen) {
			memcpy(out + pos, cs->ellipsis, elen);
			pos += elen;
		}
		if (flags & TF_MIDDLE)
			put_cols(cs, out, outlen, &pos, skip_cols(cs, s, w - (keep - head)),
			         keep - head);
	}
	out[pos] = '\0';
	return pos;
}

bool tui_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return true;
	if (!hay)
		return false;
	for (; *hay; hay++) {
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	}
	return false;
}

/* v scaled to three significant digits with an SI prefix ("" k M G T P). */
static void si(char *buf, size_t len, double v, const char *sep, const char *unit)
{
	static const char prefix[] = " kMGTPE";
	unsigned i = 0;
	while (v >= 999.5 && i + 1 < sizeof(prefix) - 1) {
		v /= 1000;
		i++;
	}
	char p[2] = {prefix[i], 0};
	if (i == 0)
		snprintf(buf, len, "%.0f%s%s", v, sep, unit);
	else
		snprintf(buf, len, "%.*f%s%s%s",
		         v < 9.995   ? 2
		         : v < 99.95 ? 1
		                     : 0,
		         v, sep, p, unit);
}

void tui_fmt_count(char *buf, size_t len, uint64_t n)
{
	if (n < 100000)
		snprintf(buf, len, "%" PRIu64, n);
	else
		si(buf, len, (double)n, "", "");
}

void tui_fmt_bytes(char *buf, size_t len, uint64_t n)
{
	si(buf, len, (double)n, " ", "B");
}

void tui_fmt_bps(char *buf, size_t len, double v)
{
	si(buf, len, v > 0 ? v : 0, " ", "bit/s");
}

void tui_fmt_pps(char *buf, size_t len, double v)
{
	char n[32];
	si(n, sizeof(n), v > 0 ? v : 0, "", "");
	snprintf(buf, len, "%s pkt/s", n);
}

void tui_fmt_elapsed(char *buf, size_t len, uint64_t us)
{
	uint64_t s = us / 1000000u;
	uint64_t d = s / 86400;
	s %= 86400;
	if (d)
		snprintf(buf, len, "%" PRIu64 "d %02u:%02u:%02u", d, (unsigned)(s / 3600),
		         (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	else
		snprintf(buf, len, "%02u:%02u:%02u", (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
		         (unsigned)(s % 60));
}

void tui_fmt_ago(char *buf, size_t len, uint64_t now_us, uint64_t then_us)
{
	if (!then_us) {
		snprintf(buf, len, "-");
		return;
	}
	uint64_t s = now_us > then_us ? (now_us - then_us) / 1000000u : 0;
	if (s == 0)
		snprintf(buf, len, "now");
	else if (s < 60)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 "m", s / 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRIu64 "h", s / 3600);
	else
		snprintf(buf, len, "%" PRIu64 "d", s / 86400);
}

void tui_fmt_service(char *buf, size_t len, const char *proto, uint16_t port)
{
	if (!proto || !proto[0])
		proto = "?";
	if (port)
		snprintf(buf, len, "%s/%u", proto, (unsigned)port);
	else
		snprintf(buf, len, "%s", proto);
}

void tui_fmt_endpoint(char *buf, size_t len, const struct fa_addr *a, uint16_t port)
{
	char ip[FA_ADDR_STRLEN];
	if (!a->ver)
		snprintf(ip, sizeof(ip), "?");
	else
		fa_addr_str(a, ip, sizeof(ip));
	if (!port)
		snprintf(buf, len, "%s", ip);
	else if (a->ver == 6)
		snprintf(buf, len, "[%s]:%u", ip, (unsigned)port);
	else
		snprintf(buf, len, "%s:%u", ip, (unsigned)port);
}

/* ---- lines ---------------------------------------------------------------- */

int tui_lines_add(struct tui_lines *l, unsigned style, const char *fmt, ...)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct tui_line *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return FA_ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return FA_ERR_NOMEM;
	l->v[l->n++] = (struct tui_line){text, style};
	return FA_OK;
}

void tui_lines_clear(struct tui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	*l = (struct tui_lines){0};
}

/* Appends `bytes` bytes of s as one line, after `indent` spaces. */
static int add_piece(struct tui_lines *out, unsigned style, unsigned indent, const char *s,
                     size_t bytes)
{
	return tui_lines_add(out, style, "%*s%.*s", (int)indent, "", (int)bytes, s);
}

int tui_lines_wrap(struct tui_lines *out, const struct tui_lines *src, unsigned width,
                   unsigned indent, const struct tui_charset *cs)
{
	if (width <= indent + 8)
		indent = 0;
	for (size_t i = 0; i < src->n; i++) {
		const char *p = src->v[i].text;
		unsigned pad = 0;
		do {
			size_t room = width - pad, cols = 0;
			const char *q = p, *brk = NULL;
			bool ok;
			while (*q && cols < room) {
				if (*q == ' ')
					brk = q;
				q += next_char(cs, q, &ok);
				cols++;
			}
			if (*q && *q != ' ' && brk && brk > p)
				q = brk; /* break at the last space that fits */
			int rc = add_piece(out, src->v[i].style, pad, p, (size_t)(q - p));
			if (rc)
				return rc;
			while (*q == ' ')
				q++;
			p = q;
			pad = indent;
		} while (*p);
	}
	return FA_OK;
}
