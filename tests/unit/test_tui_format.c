/* test_tui_format.c - the dashboard's text functions: fitting into columns
 * (ellipsis, UTF-8, control characters), numbers, rates, times, wrapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui_int.h"

static struct tui_charset ascii, utf8;

static const char *fit(const struct tui_charset *cs, const char *s, unsigned w, unsigned flags)
{
	static char buf[256];
	tui_fit(cs, buf, sizeof(buf), s, w, flags);
	return buf;
}

static void test_fit_pads_and_cuts(void **state)
{
	(void)state;
	assert_string_equal(fit(&ascii, "abcdef", 8, 0), "abcdef  ");
	assert_string_equal(fit(&ascii, "abcdef", 8, TF_RIGHT), "  abcdef");
	assert_string_equal(fit(&ascii, "abcdef", 6, 0), "abcdef");
	assert_string_equal(fit(&ascii, "abcdef", 4, 0), "abc~");
	assert_string_equal(fit(&ascii, "abcdef", 1, 0), "~");
	assert_string_equal(fit(&ascii, "abcdef", 0, 0), "");
	assert_string_equal(fit(&ascii, NULL, 3, 0), "   ");
	/* the middle goes, so an address keeps its port */
	assert_string_equal(fit(&ascii, "[2001:db8::1]:443", 9, TF_MIDDLE), "[200~:443");
	assert_string_equal(fit(&ascii, "abcdefgh", 6, TF_MIDDLE), "abc~gh");
}

static void test_fit_utf8(void **state)
{
	(void)state;
	/* "h\u00e9llo": five columns, six bytes */
	assert_int_equal(tui_text_width(&utf8, "h\xc3\xa9llo"), 5);
	assert_string_equal(fit(&utf8, "h\xc3\xa9llo", 5, 0), "h\xc3\xa9llo");
	assert_string_equal(fit(&utf8, "h\xc3\xa9llo", 4, 0), "h\xc3\xa9l\xe2\x80\xa6");
	/* in ASCII each byte of it is a column, shown as '?' */
	assert_int_equal(tui_text_width(&ascii, "h\xc3\xa9llo"), 6);
	assert_string_equal(fit(&ascii, "h\xc3\xa9llo", 6, 0), "h??llo");
}

static void test_fit_neutralises_controls(void **state)
{
	(void)state;
	assert_string_equal(fit(&utf8, "a\x1b[2Jb", 6, 0), "a?[2Jb");
	assert_string_equal(fit(&utf8, "a\tb\x7f", 4, 0), "a?b?");
	/* C1 CSI (U+009B), a stray continuation byte, an overlong '/' */
	assert_string_equal(fit(&utf8, "\xc2\x9bx", 2, 0), "?x");
	assert_string_equal(fit(&utf8, "\x80x", 2, 0), "?x");
	assert_string_equal(fit(&utf8, "\xc0\xafx", 3, 0), "??x");
	/* a sequence cut by the end of the string */
	assert_string_equal(fit(&utf8, "x\xe2\x80", 3, 0), "x??");
}

static void test_contains(void **state)
{
	(void)state;
	assert_true(tui_contains("ovoc-servers", "OVOC"));
	assert_true(tui_contains("ovoc-servers", "servers"));
	assert_true(tui_contains("anything", ""));
	assert_false(tui_contains("ovoc", "ovocs"));
	assert_false(tui_contains(NULL, "x"));
}

static void test_numbers(void **state)
{
	(void)state;
	char b[64];
	tui_fmt_count(b, sizeof(b), 99999);
	assert_string_equal(b, "99999");
	tui_fmt_count(b, sizeof(b), 100000);
	assert_string_equal(b, "100k");
	tui_fmt_count(b, sizeof(b), 1234567);
	assert_string_equal(b, "1.23M");
	tui_fmt_bytes(b, sizeof(b), 512);
	assert_string_equal(b, "512 B");
	tui_fmt_bytes(b, sizeof(b), 1500);
	assert_string_equal(b, "1.50 kB");
	tui_fmt_bytes(b, sizeof(b), 62100);
	assert_string_equal(b, "62.1 kB");
	tui_fmt_bytes(b, sizeof(b), 999499);
	assert_string_equal(b, "999 kB");
	tui_fmt_bytes(b, sizeof(b), 999500); /* rounds up into the next unit */
	assert_string_equal(b, "1.00 MB");
	tui_fmt_bps(b, sizeof(b), 45.6e6);
	assert_string_equal(b, "45.6 Mbit/s");
	tui_fmt_bps(b, sizeof(b), -1);
	assert_string_equal(b, "0 bit/s");
	tui_fmt_pps(b, sizeof(b), 11725);
	assert_string_equal(b, "11.7k pkt/s");
	tui_fmt_pps(b, sizeof(b), 950);
	assert_string_equal(b, "950 pkt/s");
}

static void test_times(void **state)
{
	(void)state;
	char b[64];
	const uint64_t s = 1000000;
	tui_fmt_elapsed(b, sizeof(b), 83 * s + 999999);
	assert_string_equal(b, "00:01:23");
	tui_fmt_elapsed(b, sizeof(b), (86400 + 2 * 3600 + 3 * 60 + 4) * s);
	assert_string_equal(b, "1d 02:03:04");
	uint64_t now = 1795000000 * s;
	tui_fmt_ago(b, sizeof(b), now, 0);
	assert_string_equal(b, "-");
	tui_fmt_ago(b, sizeof(b), now, now - s / 2);
	assert_string_equal(b, "now");
	tui_fmt_ago(b, sizeof(b), now, now + 5 * s); /* a flow newer than the clock */
	assert_string_equal(b, "now");
	tui_fmt_ago(b, sizeof(b), now, now - 5 * s);
	assert_string_equal(b, "5s");
	tui_fmt_ago(b, sizeof(b), now, now - 185 * s);
	assert_string_equal(b, "3m");
	tui_fmt_ago(b, sizeof(b), now, now - 7300 * s);
	assert_string_equal(b, "2h");
	tui_fmt_ago(b, sizeof(b), now, now - 4 * 86400 * s);
	assert_string_equal(b, "4d");
}

static void test_service_endpoint(void **state)
{
	(void)state;
	char b[80];
	struct fa_addr a;
	tui_fmt_service(b, sizeof(b), "tcp", 443);
	assert_string_equal(b, "tcp/443");
	tui_fmt_service(b, sizeof(b), "icmp", 0);
	assert_string_equal(b, "icmp");
	tui_fmt_service(b, sizeof(b), NULL, 53);
	assert_string_equal(b, "?/53");
	assert_true(fa_addr_parse("192.0.2.1", &a));
	tui_fmt_endpoint(b, sizeof(b), &a, 443);
	assert_string_equal(b, "192.0.2.1:443");
	tui_fmt_endpoint(b, sizeof(b), &a, 0);
	assert_string_equal(b, "192.0.2.1");
	assert_true(fa_addr_parse("2001:db8::1", &a));
	tui_fmt_endpoint(b, sizeof(b), &a, 443);
	assert_string_equal(b, "[2001:db8::1]:443");
}

static void test_wrap(void **state)
{
	(void)state;
	struct tui_lines src = {0}, out = {0};
	assert_int_equal(tui_lines_add(&src, TS_BOLD, "%s", "aaa bbb ccc ddd"), 0);
	assert_int_equal(tui_lines_add(&src, TS_NORMAL, "%s", "abcdefghij"), 0);
	/* indent 2 is under the 8 columns kept for text, so it is dropped at width 8 */
	assert_int_equal(tui_lines_wrap(&out, &src, 8, 2, &ascii), 0);
	assert_int_equal(out.n, 4);
	assert_string_equal(out.v[0].text, "aaa bbb");
	assert_int_equal(out.v[0].style, TS_BOLD);
	assert_string_equal(out.v[1].text, "ccc ddd");
	assert_string_equal(out.v[2].text, "abcdefgh");
	assert_string_equal(out.v[3].text, "ij");
	tui_lines_clear(&out);
	/* wide enough for the indent: continuation lines start 2 columns in */
	assert_int_equal(tui_lines_wrap(&out, &src, 11, 2, &ascii), 0);
	assert_string_equal(out.v[0].text, "aaa bbb ccc");
	assert_string_equal(out.v[1].text, "  ddd");
	assert_string_equal(out.v[2].text, "abcdefghij");
	assert_int_equal(out.n, 3);
	tui_lines_clear(&out);
	tui_lines_clear(&src);
	assert_null(src.v);
}

int main(void)
{
	tui_charset_init(&ascii, false);
	tui_charset_init(&utf8, true);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fit_pads_and_cuts),
	    cmocka_unit_test(test_fit_utf8),
	    cmocka_unit_test(test_fit_neutralises_controls),
	    cmocka_unit_test(test_contains),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_times),
	    cmocka_unit_test(test_service_endpoint),
	    cmocka_unit_test(test_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
