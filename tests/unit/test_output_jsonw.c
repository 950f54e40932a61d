/* test_output_jsonw.c - the JSON writer: escaping, UTF-8 repair, structure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "output/jsonw.h"
#include "test_output_jsoncheck.h"

/* Writes bytes as one JSON string and checks the exact output. */
static void expect_str(const char *in, size_t n, const char *want)
{
	struct jw w;
	jw_init(&w);
	jw_strn(&w, in, n);
	assert_false(jw_failed(&w));
	assert_non_null(w.buf);
	assert_int_equal(w.len, strlen(want));
	assert_string_equal(w.buf, want);
	assert_true(json_valid(w.buf, w.len));
	jw_free(&w);
}

#define EXPECT(in, want) expect_str(in, sizeof(in) - 1, want)

static void test_every_control_char(void **state)
{
	(void)state;
	/* RFC 8259 section 7, written out by hand for each of U+0000..U+001F. */
	static const char *const want[32] = {
	    "\"\\u0000\"", "\"\\u0001\"", "\"\\u0002\"", "\"\\u0003\"", "\"\\u0004\"",
	    "\"\\u0005\"", "\"\\u0006\"", "\"\\u0007\"", "\"\\b\"",     "\"\\t\"",
	    "\"\\n\"",     "\"\\u000b\"", "\"\\f\"",     "\"\\r\"",     "\"\\u000e\"",
	    "\"\\u000f\"", "\"\\u0010\"", "\"\\u0011\"", "\"\\u0012\"", "\"\\u0013\"",
	    "\"\\u0014\"", "\"\\u0015\"", "\"\\u0016\"", "\"\\u0017\"", "\"\\u0018\"",
	    "\"\\u0019\"", "\"\\u001a\"", "\"\\u001b\"", "\"\\u001c\"", "\"\\u001d\"",
	    "\"\\u001e\"", "\"\\u001f\"",
	};
	for (int c = 0; c < 32; c++) {
		char in = (char)c;
		expect_str(&in, 1, want[c]);
	}
}

static void test_quote_backslash_del(void **state)
{
	(void)state;
	EXPECT("a\"b", "\"a\\\"b\"");
	EXPECT("a\\b", "\"a\\\\b\"");
	EXPECT("\x7f", "\"\\u007f\"");
	EXPECT("/", "\"/\""); /* solidus needs no escape */
	EXPECT("", "\"\"");
	EXPECT(" ~", "\" ~\"");
	EXPECT("tab\there\r\n", "\"tab\\there\\r\\n\"");
	/* An embedded NUL is data, not the end of the string. */
	EXPECT("a\0b", "\"a\\u0000b\"");
}

static void test_valid_utf8_unchanged(void **state)
{
	(void)state;
	EXPECT("\xc2\x80", "\"\xc2\x80\"");                 /* U+0080, lowest 2-byte */
	EXPECT("caf\xc3\xa9", "\"caf\xc3\xa9\"");           /* U+00E9 */
	EXPECT("\xdf\xbf", "\"\xdf\xbf\"");                 /* U+07FF */
	EXPECT("\xe0\xa0\x80", "\"\xe0\xa0\x80\"");         /* U+0800, lowest 3-byte */
	EXPECT("\xe2\x82\xac", "\"\xe2\x82\xac\"");         /* U+20AC euro */
	EXPECT("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");         /* U+D7FF, below surrogates */
	EXPECT("\xee\x80\x80", "\"\xee\x80\x80\"");         /* U+E000, above surrogates */
	EXPECT("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");         /* U+FFFF */
	EXPECT("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\""); /* U+10000, lowest 4-byte */
	EXPECT("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""); /* U+1F600 */
	EXPECT("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF, the last */
	EXPECT("\xe6\x97\xa5\xe6\x9c\xac.jp", "\"\xe6\x97\xa5\xe6\x9c\xac.jp\"");
}

#define FFFD "\xef\xbf\xbd"

static void test_invalid_utf8_replaced(void **state)
{
	(void)state;
	/* Stray continuation bytes: one replacement each. */
	EXPECT("\x80", "\"" FFFD "\"");
	EXPECT("a\xbf"
	       "b",
	       "\"a" FFFD "b\"");
	EXPECT("\x80\x80", "\"" FFFD FFFD "\"");
	/* Bytes that never start a sequence. */
	EXPECT("\xc0", "\"" FFFD "\"");
	EXPECT("\xc1", "\"" FFFD "\"");
	EXPECT("\xf5", "\"" FFFD "\"");
	EXPECT("\xfe\xff", "\"" FFFD FFFD "\"");
	/* Overlong forms of '/' (U+002F): the lead cannot start it, so every
	 * byte is replaced on its own. */
	EXPECT("\xc0\xaf", "\"" FFFD FFFD "\"");
	EXPECT("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"");
	EXPECT("\xf0\x80\x80\xaf", "\"" FFFD FFFD FFFD FFFD "\"");
	/* UTF-16 surrogates U+D800 and U+DFFF. */
	EXPECT("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");
	EXPECT("\xed\xbf\xbf", "\"" FFFD FFFD FFFD "\"");
	/* Past U+10FFFF. */
	EXPECT("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
	/* Truncated sequences: the valid prefix is one replacement, and the
	 * byte that interrupted it is decoded normally. */
	EXPECT("\xe2\x82", "\"" FFFD "\"");
	EXPECT("\xe2\x82"
	       "A",
	       "\"" FFFD "A\"");
	EXPECT("\xf0\x9f\x98", "\"" FFFD "\"");
	EXPECT("\xf0\x9f\x98"
	       "\"",
	       "\"" FFFD "\\\"\"");
	EXPECT("\xc3", "\"" FFFD "\"");
	EXPECT("\xc3\xc3\xa9", "\"" FFFD "\xc3\xa9\"");
	EXPECT("x\xe2\x82\xe2\x82\xac", "\"x" FFFD "\xe2\x82\xac\"");
}

/* Deterministic pseudo-random bytes (xorshift32). */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_random_bytes_stay_valid(void **state)
{
	(void)state;
	uint32_t seed = 0x9e3779b9u;
	struct jw w;
	jw_init(&w);
	char in[64];
	for (int round = 0; round < 20000; round++) {
		size_t n = next_rand(&seed) % sizeof(in);
		for (size_t i = 0; i < n; i++) {
			uint32_t r = next_rand(&seed);
			/* Bias toward bytes that start or continue sequences. */
			in[i] = (char)((r & 0x100) ? (0x80 | (r & 0x7f)) : (r & 0xff));
		}
		jw_reset(&w);
		jw_strn(&w, in, n);
		assert_false(jw_failed(&w));
		if (!json_valid(w.buf, w.len))
			fail_msg("round %d produced invalid JSON", round);
	}
	jw_free(&w);
}

static void test_nesting_and_commas(void **state)
{
	(void)state;
	struct jw w;
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "a");
	jw_arr_begin(&w);
	jw_u64(&w, 1);
	jw_u64(&w, 2);
	jw_obj_begin(&w);
	jw_key(&w, "b");
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_str(&w, NULL);
	jw_arr_end(&w);
	jw_key(&w, "c");
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_key(&w, "d");
	jw_null(&w);
	jw_kbool(&w, "e", true);
	jw_kbool(&w, "f", false);
	jw_key(&w, "g");
	jw_i64(&w, INT64_MIN);
	jw_ku64(&w, "h", UINT64_MAX);
	jw_kstr(&w, "i", "x");
	jw_key(&w, "j");
	jw_i64(&w, 0);
	jw_obj_end(&w);
	jw_newline(&w);
	/* A second record on its own line: no comma carried over. */
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_newline(&w);
	assert_false(jw_failed(&w));
	assert_string_equal(w.buf, "{\"a\":[1,2,{\"b\":[]},null],\"c\":{},\"d\":null,\"e\":true,"
	                           "\"f\":false,\"g\":-9223372036854775808,"
	                           "\"h\":18446744073709551615,\"i\":\"x\",\"j\":0}\n[]\n");

	jw_reset(&w);
	assert_int_equal(w.len, 0);
	jw_arr_begin(&w);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_arr_end(&w);
	assert_string_equal(w.buf, "[[],[]]");
	jw_free(&w);
	assert_null(w.buf);
}

static void test_buffer_grows(void **state)
{
	(void)state;
	struct jw w;
	jw_init(&w);
	jw_arr_begin(&w);
	for (int i = 0; i < 10000; i++)
		jw_str(&w, "0123456789");
	jw_arr_end(&w);
	assert_false(jw_failed(&w));
	/* 10000 * 12 bytes of quoted strings, 9999 commas, two brackets. */
	assert_int_equal(w.len, 10000 * 12 + 9999 + 2);
	assert_true(json_valid(w.buf, w.len));
	jw_free(&w);
}

static void test_misuse_fails_sticky(void **state)
{
	(void)state;
	struct jw w;
	jw_init(&w);
	for (int i = 0; i < JW_MAX_DEPTH + 2; i++)
		jw_arr_begin(&w);
	assert_true(jw_failed(&w));
	size_t len = w.len;
	jw_u64(&w, 1);
	jw_arr_end(&w);
	assert_true(jw_failed(&w));
	assert_int_equal(w.len, len); /* nothing more was written */

	jw_reset(&w);
	assert_false(jw_failed(&w));
	jw_obj_end(&w); /* unbalanced */
	assert_true(jw_failed(&w));

	jw_reset(&w);
	jw_obj_begin(&w);
	jw_newline(&w); /* a line must hold a whole value */
	assert_true(jw_failed(&w));
	jw_free(&w);
}

static void test_keys_are_escaped(void **state)
{
	(void)state;
	struct jw w;
	jw_init(&w);
	jw_obj_begin(&w);
	jw_kstr(&w, "a\"b", "v");
	jw_obj_end(&w);
	assert_string_equal(w.buf, "{\"a\\\"b\":\"v\"}");
	jw_free(&w);
}

static void test_checker_rejects(void **state)
{
	(void)state;
	/* The checker itself must be able to say no. */
	assert_false(json_valid("\"\x01\"", 3));
	assert_false(json_valid("\"\xc0\xaf\"", 4));
	assert_false(json_valid("\"\xed\xa0\x80\"", 5));
	assert_false(json_valid("\"\xf4\x90\x80\x80\"", 6));
	assert_false(json_valid("[1,]", strlen("[1,]")));
	assert_false(json_valid("{\"a\" 1}", strlen("{\"a\" 1}")));
	assert_false(json_valid("{} {}", strlen("{} {}")));
	assert_false(json_valid("[01]", strlen("[01]")));
	assert_true(json_valid("{\"a\":[1,{}]}", strlen("{\"a\":[1,{}]}")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_control_char),
	    cmocka_unit_test(test_quote_backslash_del),
	    cmocka_unit_test(test_valid_utf8_unchanged),
	    cmocka_unit_test(test_invalid_utf8_replaced),
	    cmocka_unit_test(test_random_bytes_stay_valid),
	    cmocka_unit_test(test_nesting_and_commas),
	    cmocka_unit_test(test_buffer_grows),
	    cmocka_unit_test(test_misuse_fails_sticky),
	    cmocka_unit_test(test_keys_are_escaped),
	    cmocka_unit_test(test_checker_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
