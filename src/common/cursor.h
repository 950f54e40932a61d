/* cursor.h - the one bounds-checked reader for untrusted bytes.
 *
 * Every read from a packet goes through a struct fa_cursor: it never reads
 * past `len`, and a read that would returns false and leaves the cursor
 * where it was, so callers turn truncation into a counted outcome. Values
 * are read big-endian (network order) unless the name says _le. */
#ifndef FA_CURSOR_H
#define FA_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fa_cursor {
	const uint8_t *base;
	size_t len; /* bytes available from base */
	size_t off; /* next byte to read */
};

static inline struct fa_cursor fa_cur_init(const uint8_t *base, size_t len)
{
	struct fa_cursor c = {base, len, 0};
	return c;
}

static inline size_t fa_cur_left(const struct fa_cursor *c)
{
	return c->len - c->off;
}

static inline const uint8_t *fa_cur_ptr(const struct fa_cursor *c)
{
	return c->base + c->off;
}

static inline bool fa_cur_has(const struct fa_cursor *c, size_t n)
{
	return n <= c->len - c->off;
}

static inline bool fa_cur_skip(struct fa_cursor *c, size_t n)
{
	if (!fa_cur_has(c, n))
		return false;
	c->off += n;
	return true;
}

/* Peek at byte `at` (relative to the cursor) without moving. */
static inline bool fa_cur_peek_u8(const struct fa_cursor *c, size_t at, uint8_t *v)
{
	if (!fa_cur_has(c, at + 1))
		return false;
	*v = c->base[c->off + at];
	return true;
}

static inline bool fa_cur_peek_be16(const struct fa_cursor *c, size_t at, uint16_t *v)
{
	if (at > SIZE_MAX - 2 || !fa_cur_has(c, at + 2))
		return false;
	const uint8_t *p = c->base + c->off + at;
	*v = (uint16_t)((p[0] << 8) | p[1]);
	return true;
}

static inline bool fa_cur_peek_be32(const struct fa_cursor *c, size_t at, uint32_t *v)
{
	if (at > SIZE_MAX - 4 || !fa_cur_has(c, at + 4))
		return false;
	const uint8_t *p = c->base + c->off + at;
	*v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
	return true;
}

static inline bool fa_cur_u8(struct fa_cursor *c, uint8_t *v)
{
	return fa_cur_peek_u8(c, 0, v) && fa_cur_skip(c, 1);
}

static inline bool fa_cur_be16(struct fa_cursor *c, uint16_t *v)
{
	return fa_cur_peek_be16(c, 0, v) && fa_cur_skip(c, 2);
}

static inline bool fa_cur_be32(struct fa_cursor *c, uint32_t *v)
{
	return fa_cur_peek_be32(c, 0, v) && fa_cur_skip(c, 4);
}

static inline bool fa_cur_le32(struct fa_cursor *c, uint32_t *v)
{
	if (!fa_cur_has(c, 4))
		return false;
	const uint8_t *p = fa_cur_ptr(c);
	*v = ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
	c->off += 4;
	return true;
}

/* Copy n bytes out; false (and nothing copied) when fewer remain. */
static inline bool fa_cur_copy(struct fa_cursor *c, void *dst, size_t n)
{
	if (!fa_cur_has(c, n))
		return false;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = c->base[c->off + i];
	c->off += n;
	return true;
}

#endif
