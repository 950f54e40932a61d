/* jsonw.h - a small JSON writer into a growable buffer.
 *
 * Strings are always valid JSON: control characters are escaped, invalid
 * UTF-8 (overlong forms, surrogates, stray continuation bytes, truncated
 * sequences) becomes U+FFFD, so a record stays valid whatever bytes the
 * traffic held. Commas are placed by the writer: callers just open objects
 * and arrays and add members. Allocation failure is sticky: jw_failed(). */
#ifndef FA_JSONW_H
#define FA_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 16

struct jw {
	char *buf;
	size_t len, cap;
	bool failed;
	unsigned depth;
	bool first[JW_MAX_DEPTH]; /* no member written yet at this depth */
};

void jw_init(struct jw *w);
void jw_free(struct jw *w);
void jw_reset(struct jw *w); /* keeps the buffer, empties it */
bool jw_failed(const struct jw *w);

void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key); /* key must be plain ASCII */

void jw_str(struct jw *w, const char *s); /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);

/* Convenience: key + value. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_ku64(struct jw *w, const char *key, uint64_t v);
void jw_kbool(struct jw *w, const char *key, bool v);

void jw_newline(struct jw *w); /* ends a JSON Lines record */

#endif
