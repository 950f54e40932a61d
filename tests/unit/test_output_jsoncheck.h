/* test_output_jsoncheck.h - a strict JSON (RFC 8259) and UTF-8 (RFC 3629)
 * checker for the output tests, written independently of the writer: it
 * decodes code points arithmetically instead of using byte-range tables. */
#ifndef TEST_OUTPUT_JSONCHECK_H
#define TEST_OUTPUT_JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct jc {
	const unsigned char *p, *end;
	int depth;
};

static void jc_ws(struct jc *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

/* One UTF-8 encoded code point; false for anything RFC 3629 forbids. */
static bool jc_utf8(struct jc *c)
{
	unsigned char b = *c->p;
	int n;
	uint32_t cp, min;
	if (b < 0x80)
		return c->p++, true;
	if ((b >> 5) == 0x6) {
		n = 1, cp = b & 0x1F, min = 0x80;
	} else if ((b >> 4) == 0xE) {
		n = 2, cp = b & 0x0F, min = 0x800;
	} else if ((b >> 3) == 0x1E) {
		n = 3, cp = b & 0x07, min = 0x10000;
	} else {
		return false;
	}
	c->p++;
	for (int i = 0; i < n; i++, c->p++) {
		if (c->p >= c->end || (*c->p >> 6) != 0x2)
			return false;
		cp = (cp << 6) | (*c->p & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return false;
	return true;
}

static bool jc_string(struct jc *c)
{
	if (c->p >= c->end || *c->p != '"')
		return false;
	c->p++;
	while (c->p < c->end) {
		unsigned char b = *c->p;
		if (b == '"')
			return c->p++, true;
		if (b < 0x20)
			return false;
		if (b == '\\') {
			c->p++;
			if (c->p >= c->end)
				return false;
			unsigned char e = *c->p++;
			if (e == 'u') {
				for (int i = 0; i < 4; i++, c->p++) {
					if (c->p >= c->end ||
					    !strchr("0123456789abcdefABCDEF", *c->p) || *c->p == 0)
						return false;
				}
			} else if (!strchr("\"\\/bfnrt", e) || e == 0) {
				return false;
			}
			continue;
		}
		if (!jc_utf8(c))
			return false;
	}
	return false;
}

static bool jc_number(struct jc *c)
{
	const unsigned char *s = c->p;
	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p >= c->end)
		return false;
	if (*c->p == '0') {
		c->p++;
	} else if (*c->p >= '1' && *c->p <= '9') {
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	} else {
		return false;
	}
	/* The writer emits integers only; a fraction or exponent is a defect. */
	return c->p > s;
}

static bool jc_value(struct jc *c);

static bool jc_lit(struct jc *c, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return false;
	c->p += n;
	return true;
}

static bool jc_container(struct jc *c, char close, bool obj)
{
	if (++c->depth > 64)
		return false;
	c->p++;
	jc_ws(c);
	if (c->p < c->end && *c->p == close)
		return c->p++, c->depth--, true;
	for (;;) {
		jc_ws(c);
		if (obj) {
			if (!jc_string(c))
				return false;
			jc_ws(c);
			if (c->p >= c->end || *c->p != ':')
				return false;
			c->p++;
		}
		if (!jc_value(c))
			return false;
		jc_ws(c);
		if (c->p >= c->end)
			return false;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p == close)
			return c->p++, c->depth--, true;
		return false;
	}
}

static bool jc_value(struct jc *c)
{
	jc_ws(c);
	if (c->p >= c->end)
		return false;
	switch (*c->p) {
	case '{': return jc_container(c, '}', true);
	case '[': return jc_container(c, ']', false);
	case '"': return jc_string(c);
	case 't': return jc_lit(c, "true");
	case 'f': return jc_lit(c, "false");
	case 'n': return jc_lit(c, "null");
	default: return jc_number(c);
	}
}

/* True when buf[0..n) is exactly one JSON value (surrounding space allowed). */
static bool json_valid(const char *buf, size_t n)
{
	struct jc c = {(const unsigned char *)buf, (const unsigned char *)buf + n, 0};
	if (!jc_value(&c))
		return false;
	jc_ws(&c);
	return c.p == c.end;
}

#endif
