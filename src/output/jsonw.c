/* jsonw.c - the JSON writer: escaping (RFC 8259), UTF-8 repair (RFC 3629),
 * comma placement and a growable, always NUL-terminated buffer. */
#include "jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JW_INITIAL_CAP 512

/* U+FFFD REPLACEMENT CHARACTER, as UTF-8. */
static const char jw_replacement[3] = {(char)0xEF, (char)0xBF, (char)0xBD};

void jw_init(struct jw *w)
{
	memset(w, 0, sizeof(*w));
	w->first[0] = true;
}

void jw_free(struct jw *w)
{
	if (!w)
		return;
	free(w->buf);
	jw_init(w);
}

void jw_reset(struct jw *w)
{
	/* A new record gets a new chance: an earlier allocation failure left
	 * the buffer as it was, so it can be reused as is. */
	w->len = 0;
	if (w->buf)
		w->buf[0] = '\0';
	w->failed = false;
	w->depth = 0;
	w->first[0] = true;
}

bool jw_failed(const struct jw *w)
{
	return w->failed;
}

/* Makes room for n more bytes plus the NUL. */
static bool jw_reserve(struct jw *w, size_t n)
{
	if (w->failed)
		return false;
	if (n < w->cap - w->len)
		return true;
	if (n > SIZE_MAX / 2 - w->len - 1) {
		w->failed = true;
		return false;
	}
	size_t need = w->len + n + 1;
	size_t cap = w->cap ? w->cap : JW_INITIAL_CAP;
	while (cap < need)
		cap *= 2;
	char *nb = realloc(w->buf, cap);
	if (!nb) {
		w->failed = true;
		return false;
	}
	w->buf = nb;
	w->cap = cap;
	return true;
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
	if (!jw_reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void jw_putc(struct jw *w, char c)
{
	jw_put(w, &c, 1);
}

/* Before any value or key: a comma unless it is the first in its container.
 * A value right after a key needs none; the buffer then ends in ':', which
 * nothing else the writer emits does outside a string. */
static void jw_sep(struct jw *w)
{
	if (w->failed)
		return;
	if (w->len > 0 && w->buf[w->len - 1] == ':')
		return;
	if (!w->first[w->depth])
		jw_putc(w, ',');
	w->first[w->depth] = false;
}

static void jw_open(struct jw *w, char c)
{
	jw_sep(w);
	if (w->failed)
		return;
	if (w->depth + 1 >= JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	jw_putc(w, c);
	w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	if (w->failed)
		return;
	if (w->depth == 0) {
		w->failed = true; /* unbalanced: the record would be invalid */
		return;
	}
	jw_putc(w, c);
	w->depth--;
}

void jw_obj_begin(struct jw *w)
{
	jw_open(w, '{');
}

void jw_obj_end(struct jw *w)
{
	jw_close(w, '}');
}

void jw_arr_begin(struct jw *w)
{
	jw_open(w, '[');
}

void jw_arr_end(struct jw *w)
{
	jw_close(w, ']');
}

/* Length of the valid UTF-8 sequence starting at s[0] (RFC 3629 section 4
 * syntax), or 0 when it is not one. *bad is then the length of the maximal
 * invalid subpart, replaced by one U+FFFD as Unicode's "substitution of
 * maximal subparts" practice recommends, so a truncated sequence costs one
 * replacement and the byte after it is decoded on its own. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0];
	size_t want;
	unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */

	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		want = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		want = 3;
		if (c == 0xE0)
			lo = 0xA0; /* below: overlong */
		else if (c == 0xED)
			hi = 0x9F; /* above: UTF-16 surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		want = 4;
		if (c == 0xF0)
			lo = 0x90; /* below: overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above: past U+10FFFF */
	} else {
		return 0; /* C0, C1 (overlong), F5-FF, or a stray continuation byte */
	}

	size_t i = 1;
	for (; i < want && i < n; i++) {
		unsigned char b = s[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
			break;
	}
	if (i == want)
		return want;
	*bad = i;
	return 0;
}

static const char jw_hex[] = "0123456789abcdef";

static void jw_escaped(struct jw *w, const unsigned char *s, size_t n)
{
	/* Worst case every byte becomes six ("\u00XX"); reserving it up front
	 * keeps the loop free of growth checks. */
	if (n > SIZE_MAX / 6 - 2 || !jw_reserve(w, n * 6 + 2)) {
		w->failed = true;
		return;
	}
	char *o = w->buf + w->len;
	*o++ = '"';
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c < 0x80) {
			*o++ = '\\';
			switch (c) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '\b': *o++ = 'b'; break;
			case '\f': *o++ = 'f'; break;
			case '\n': *o++ = 'n'; break;
			case '\r': *o++ = 'r'; break;
			case '\t': *o++ = 't'; break;
			default:
				/* Other controls and DEL: DEL is legal JSON
				 * but terminals act on it, so it is escaped. */
				*o++ = 'u';
				*o++ = '0';
				*o++ = '0';
				*o++ = jw_hex[c >> 4];
				*o++ = jw_hex[c & 0xF];
				break;
			}
			i++;
			continue;
		}
		size_t bad;
		size_t k = utf8_seq(s + i, n - i, &bad);
		if (k) {
			memcpy(o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(o, jw_replacement, sizeof(jw_replacement));
			o += sizeof(jw_replacement);
			i += bad;
		}
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
	w->buf[w->len] = '\0';
}

void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	if (w->failed)
		return;
	jw_escaped(w, (const unsigned char *)key, strlen(key));
	jw_putc(w, ':');
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	jw_sep(w);
	if (w->failed)
		return;
	jw_escaped(w, (const unsigned char *)s, n);
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

static void jw_raw_value(struct jw *w, const char *s, size_t n)
{
	jw_sep(w);
	jw_put(w, s, n);
}

/* Decimal digits of v, right-aligned in tmp; returns where they start.
 * By hand because snprintf was a tenth of the time spent per record. */
static char *u64_digits(uint64_t v, char *end)
{
	char *p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void jw_u64(struct jw *w, uint64_t v)
{
	char tmp[24];
	char *p = u64_digits(v, tmp + sizeof(tmp));
	jw_raw_value(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

void jw_i64(struct jw *w, int64_t v)
{
	char tmp[24];
	/* The magnitude of INT64_MIN does not fit an int64_t: negate unsigned. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char *p = u64_digits(mag, tmp + sizeof(tmp));
	if (v < 0)
		*--p = '-';
	jw_raw_value(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

void jw_bool(struct jw *w, bool v)
{
	if (v)
		jw_raw_value(w, "true", 4);
	else
		jw_raw_value(w, "false", 5);
}

void jw_null(struct jw *w)
{
	jw_raw_value(w, "null", 4);
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_ku64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64(w, v);
}

void jw_kbool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

void jw_newline(struct jw *w)
{
	if (w->failed)
		return;
	if (w->depth != 0) {
		w->failed = true; /* a line must hold a whole value */
		return;
	}
	jw_putc(w, '\n');
	w->first[0] = true;
}
