/* test_enrich_dns.c - DNS response parsing: answers, compression, hostile input.
 *
 * Messages are assembled byte by byte here following RFC 1035 4.1; the
 * expected names and addresses are the literals written into them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/fa_error.h"
#include "enrich/names.h"

struct msg {
	uint8_t b[2048];
	size_t n;
};

static void put8(struct msg *m, unsigned v)
{
	assert_true(m->n < sizeof(m->b));
	m->b[m->n++] = (uint8_t)v;
}

static void put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void putbytes(struct msg *m, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(m, ((const uint8_t *)p)[i]);
}

/* Dotted text to labels, without the terminating root label. */
static void putlabels(struct msg *m, const char *dotted)
{
	while (*dotted) {
		const char *dot = strchr(dotted, '.');
		size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);

		put8(m, (unsigned)n);
		putbytes(m, dotted, n);
		dotted += n + (dot ? 1 : 0);
	}
}

static void putname(struct msg *m, const char *dotted)
{
	putlabels(m, dotted);
	put8(m, 0);
}

static void header(struct msg *m, unsigned flags, unsigned qd, unsigned an)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

static void question(struct msg *m, const char *name, unsigned type)
{
	putname(m, name);
	put16(m, type);
	put16(m, 1);
}

/* Owner as a pointer, then type, class IN, ttl, rdlength. */
static void rr_head(struct msg *m, unsigned owner_off, unsigned type, uint32_t ttl, unsigned rdlen)
{
	put16(m, 0xc000 | owner_off);
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlen);
}

#define MAX_SEEN 16
struct seen {
	int n;
	int stop_after; /* 0: never stop */
	char name[MAX_SEEN][FA_NAME_MAX];
	char addr[MAX_SEEN][FA_ADDR_STRLEN];
	uint32_t ttl[MAX_SEEN];
};

static bool collect(const char *name, const struct fa_addr *addr, uint32_t ttl, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < MAX_SEEN);
	snprintf(s->name[s->n], FA_NAME_MAX, "%s", name);
	fa_addr_str(addr, s->addr[s->n], FA_ADDR_STRLEN);
	s->ttl[s->n] = ttl;
	s->n++;
	return !(s->stop_after && s->n >= s->stop_after);
}

static void test_a_records(void **state)
{
	struct msg m;
	struct seen s = {0};

	(void)state;
	header(&m, 0x8180, 1, 2);
	question(&m, "www.example.com", 1);
	rr_head(&m, 12, 1, 300, 4);
	putbytes(&m, "\xc0\x00\x02\x01", 4);
	rr_head(&m, 12, 1, 301, 4);
	putbytes(&m, "\xc0\x00\x02\x02", 4);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), 2);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.name[0], "www.example.com");
	assert_string_equal(s.addr[0], "192.0.2.1");
	assert_int_equal(s.ttl[0], 300);
	assert_string_equal(s.name[1], "www.example.com");
	assert_string_equal(s.addr[1], "192.0.2.2");
	assert_int_equal(s.ttl[1], 301);

	/* A NULL callback just counts. */
	assert_int_equal(fa_dns_answers(m.b, m.n, NULL, NULL), 2);

	/* Returning false stops after the first. */
	struct seen one = {.stop_after = 1};
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &one), 1);
	assert_int_equal(one.n, 1);
}

static void test_aaaa_record(void **state)
{
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	                               0,    0,    0,    0,    0, 0, 0, 0x35};
	struct msg m;
	struct seen s = {0};

	(void)state;
	header(&m, 0x8180, 1, 1);
	question(&m, "v6.example.net", 28);
	rr_head(&m, 12, 28, 60, 16);
	putbytes(&m, v6, 16);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), 1);
	assert_string_equal(s.name[0], "v6.example.net");
	assert_string_equal(s.addr[0], "2001:db8::35");
}

/* www.example.org CNAME cdn.example.net (with the tail compressed), a TXT
 * record to skip, then two A records owned by the CNAME target. Records
 * ends[] holds where each A record ends, for the truncation test. */
static void build_cname_chain(struct msg *m, size_t ends[2])
{
	size_t cname_target;

	header(m, 0x8180, 1, 4);
	question(m, "www.example.org", 1);
	/* rdata: "cdn" "example" then a pointer to "org" is impossible (it is
	 * .net), so spell "example.net" out and end with the root. */
	rr_head(m, 12, 5, 3600, 1 + 3 + 1 + 7 + 1 + 3 + 1);
	cname_target = m->n;
	putname(m, "cdn.example.net");
	rr_head(m, (unsigned)cname_target, 16, 10, 6);
	putbytes(m, "\x05hello", 6);
	rr_head(m, (unsigned)cname_target, 1, 20, 4);
	putbytes(m, "\xc6\x33\x64\x07", 4); /* 198.51.100.7 */
	ends[0] = m->n;
	rr_head(m, (unsigned)cname_target, 1, 20, 4);
	putbytes(m, "\xc6\x33\x64\x08", 4); /* 198.51.100.8 */
	ends[1] = m->n;
}

static void test_cname_chain_reports_question_name(void **state)
{
	struct msg m;
	struct seen s = {0};
	size_t ends[2];

	(void)state;
	build_cname_chain(&m, ends);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), 2);
	assert_string_equal(s.name[0], "www.example.org");
	assert_string_equal(s.addr[0], "198.51.100.7");
	assert_string_equal(s.name[1], "www.example.org");
	assert_string_equal(s.addr[1], "198.51.100.8");
}

static void test_truncated_at_every_byte(void **state)
{
	struct msg m;
	size_t ends[2];

	(void)state;
	build_cname_chain(&m, ends);
	for (size_t len = 0; len < m.n; len++) {
		struct seen s = {0};
		int want = (len >= ends[1]) ? 2 : (len >= ends[0]) ? 1 : FA_ERR_FORMAT;
		int rc = fa_dns_answers(m.b, len, collect, &s);

		if (rc != want)
			fail_msg("cut at %zu of %zu: got %d, want %d", len, m.n, rc, want);
		assert_int_equal(s.n, want < 0 ? 0 : want);
	}
}

static void test_compression_mixed_labels_and_pointer(void **state)
{
	struct msg m;
	struct seen s = {0};

	(void)state;
	header(&m, 0x8180, 1, 1);
	question(&m, "example.com", 1);
	/* Owner "mail" + pointer to the question's "example.com" (offset 12):
	 * it must decode for the record to count, but the question is what
	 * gets reported. */
	putlabels(&m, "mail");
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 5);
	put16(&m, 4);
	putbytes(&m, "\xcb\x00\x71\x09", 4);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), 1);
	assert_string_equal(s.name[0], "example.com");
	assert_string_equal(s.addr[0], "203.0.113.9");

	/* No question (an mDNS announcement): each owner is reported. */
	s.n = 0;
	header(&m, 0x8400, 0, 2);
	size_t first = m.n;
	putname(&m, "printer.local");
	put16(&m, 1);
	put16(&m, 0x8001); /* mDNS cache-flush bit on class IN */
	put32(&m, 120);
	put16(&m, 4);
	putbytes(&m, "\xc0\x00\x02\x63", 4);
	putlabels(&m, "mail");
	put16(&m, 0xc000 | (unsigned)(first + 8)); /* "local" */
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 5);
	put16(&m, 4);
	putbytes(&m, "\xcb\x00\x71\x09", 4);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), 2);
	assert_string_equal(s.name[0], "printer.local");
	assert_string_equal(s.addr[0], "192.0.2.99");
	assert_string_equal(s.name[1], "mail.local");
	assert_string_equal(s.addr[1], "203.0.113.9");
}

/* Owner names that chain through earlier owners: z -> y -> x, two hops. */
static void test_pointer_chain_through_answers(void **state)
{
	struct msg m;
	struct seen s = {0};
	size_t x, y;

	(void)state;
	header(&m, 0x8400, 0, 3);
	x = m.n;
	putlabels(&m, "x");
	putname(&m, "b.example.com");
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 1);
	put16(&m, 4);
	putbytes(&m, "\xc0\x00\x02\x0a", 4);
	y = m.n;
	putlabels(&m, "y");
	put16(&m, 0xc000 | (unsigned)x);
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 1);
	put16(&m, 4);
	putbytes(&m, "\xc0\x00\x02\x0b", 4);
	putlabels(&m, "z");
	put16(&m, 0xc000 | (unsigned)y);
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 1);
	put16(&m, 4);
	putbytes(&m, "\xc0\x00\x02\x0c", 4);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), 3);
	assert_string_equal(s.name[0], "x.b.example.com");
	assert_string_equal(s.name[1], "y.x.b.example.com");
	assert_string_equal(s.addr[1], "192.0.2.11");
	assert_string_equal(s.name[2], "z.y.x.b.example.com");
	assert_string_equal(s.addr[2], "192.0.2.12");
}

static void test_pointer_loops_and_forward_pointers_rejected(void **state)
{
	struct msg m;
	struct seen s = {0};

	(void)state;
	/* Question name is a pointer to itself. */
	header(&m, 0x8180, 1, 0);
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);

	/* Two pointers pointing at each other: 12 -> 14 -> 12. */
	header(&m, 0x8180, 1, 0);
	put16(&m, 0xc00e);
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);

	/* A label then a pointer back to the label's own start. */
	header(&m, 0x8180, 1, 0);
	putlabels(&m, "loop");
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);

	/* A forward pointer to a well-formed name later in the message. */
	header(&m, 0x8180, 1, 0);
	put16(&m, 0xc000 | 18);
	put16(&m, 1);
	put16(&m, 1);
	putname(&m, "later.example");
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);

	/* Pointer out of the message. */
	header(&m, 0x8180, 1, 0);
	put16(&m, 0xc000 | 0x3fff);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);

	/* Reserved label types 0x40 and 0x80. */
	header(&m, 0x8180, 1, 0);
	put8(&m, 0x41);
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);
	assert_int_equal(s.n, 0);
}

static void test_name_length_limits(void **state)
{
	char label63[64], label61[62], name[300];
	struct msg m;
	struct seen s = {0};

	(void)state;
	memset(label63, 'a', 63);
	label63[63] = '\0';
	memset(label61, 'b', 61);
	label61[61] = '\0';

	/* 3 * (1 + 63) + (1 + 61) + 1 = 255 octets: the largest legal name. */
	snprintf(name, sizeof(name), "%s.%s.%s.%s", label63, label63, label63, label61);
	header(&m, 0x8180, 1, 1);
	question(&m, name, 1);
	rr_head(&m, 12, 1, 7, 4);
	putbytes(&m, "\xc0\x00\x02\x07", 4);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), 1);
	assert_int_equal(strlen(s.name[0]), 253);
	assert_string_equal(s.name[0], name);

	/* One octet more: 256. */
	snprintf(name, sizeof(name), "%s.%s.%s.%sb", label63, label63, label63, label61);
	header(&m, 0x8180, 1, 1);
	question(&m, name, 1);
	rr_head(&m, 12, 1, 7, 4);
	putbytes(&m, "\xc0\x00\x02\x07", 4);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);

	/* Over the limit only through compression: "c" * 63 + pointer to the
	 * 255-octet name above would be 319. */
	snprintf(name, sizeof(name), "%s.%s.%s.%s", label63, label63, label63, label61);
	header(&m, 0x8180, 1, 1);
	question(&m, name, 1);
	putlabels(&m, label63);
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 7);
	put16(&m, 4);
	putbytes(&m, "\xc0\x00\x02\x07", 4);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);
}

static void test_not_a_response_and_odd_records(void **state)
{
	struct msg m;
	struct seen s = {0};

	(void)state;
	header(&m, 0x0100, 1, 1); /* a query: QR = 0 */
	question(&m, "www.example.com", 1);
	rr_head(&m, 12, 1, 300, 4);
	putbytes(&m, "\xc0\x00\x02\x01", 4);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);
	assert_int_equal(s.n, 0);
	assert_int_equal(fa_dns_answers(m.b, 11, collect, &s), FA_ERR_FORMAT);
	assert_int_equal(fa_dns_answers(NULL, 0, collect, &s), FA_ERR_FORMAT);

	/* An A record with rdlength 5 and a CHAOS-class A record are skipped;
	 * the dot and the 0xff byte inside a label are kept as they are. */
	header(&m, 0x8180, 1, 3);
	putbytes(&m,
	         "\x05"
	         "a.b\xff"
	         "c\x03"
	         "com\x00",
	         11);
	put16(&m, 1);
	put16(&m, 1);
	rr_head(&m, 12, 1, 1, 5);
	putbytes(&m, "\xc0\x00\x02\x01\x00", 5);
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 3);
	put32(&m, 1);
	put16(&m, 4);
	putbytes(&m, "\xc0\x00\x02\x02", 4);
	rr_head(&m, 12, 1, 1, 4);
	putbytes(&m, "\xc0\x00\x02\x03", 4);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), 1);
	assert_string_equal(s.name[0], "a.b\xff"
	                               "c.com");
	assert_string_equal(s.addr[0], "192.0.2.3");

	/* A NUL inside a label makes the name malformed. */
	header(&m, 0x8180, 1, 0);
	putbytes(&m,
	         "\x03"
	         "a\x00"
	         "b\x00",
	         5);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), FA_ERR_FORMAT);

	/* A response with no answers is fine and reports none. */
	header(&m, 0x8183, 1, 0); /* NXDOMAIN */
	question(&m, "nope.example", 1);
	assert_int_equal(fa_dns_answers(m.b, m.n, collect, &s), 0);
}

static void test_tcp_framing(void **state)
{
	struct msg one, two;
	uint8_t stream[4096];
	size_t n = 0, ends[2];
	struct seen s = {0};

	(void)state;
	header(&one, 0x8180, 1, 1);
	question(&one, "tcp.example", 1);
	rr_head(&one, 12, 1, 9, 4);
	putbytes(&one, "\xc0\x00\x02\x2a", 4);
	build_cname_chain(&two, ends);

	stream[n++] = (uint8_t)(one.n >> 8);
	stream[n++] = (uint8_t)one.n;
	memcpy(stream + n, one.b, one.n);
	n += one.n;
	stream[n++] = (uint8_t)(two.n >> 8);
	stream[n++] = (uint8_t)two.n;
	memcpy(stream + n, two.b, two.n);
	n += two.n;

	assert_int_equal(fa_dns_answers_tcp(stream, n, collect, &s), 3);
	assert_string_equal(s.name[0], "tcp.example");
	assert_string_equal(s.addr[0], "192.0.2.42");
	assert_string_equal(s.name[2], "www.example.org");
	assert_string_equal(s.addr[2], "198.51.100.8");

	/* The second message continues in the next segment: its first A
	 * record is complete here, the second is not. */
	struct seen cut = {0};
	size_t keep = 2 + one.n + 2 + ends[0] + 3;
	assert_int_equal(fa_dns_answers_tcp(stream, keep, collect, &cut), 2);
	assert_string_equal(cut.addr[1], "198.51.100.7");

	/* A stop from the callback ends the stream, not just the message. */
	struct seen stop = {.stop_after = 1};
	assert_int_equal(fa_dns_answers_tcp(stream, n, collect, &stop), 1);
	assert_int_equal(stop.n, 1);

	/* Only a length prefix, or a query inside: not a response stream. */
	assert_int_equal(fa_dns_answers_tcp(stream, 1, collect, &s), FA_ERR_FORMAT);
	assert_int_equal(fa_dns_answers_tcp(stream, 2, collect, &s), FA_ERR_FORMAT);
	stream[2 + 2] &= 0x7f;
	assert_int_equal(fa_dns_answers_tcp(stream, n, collect, &s), FA_ERR_FORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_records),
	    cmocka_unit_test(test_aaaa_record),
	    cmocka_unit_test(test_cname_chain_reports_question_name),
	    cmocka_unit_test(test_truncated_at_every_byte),
	    cmocka_unit_test(test_compression_mixed_labels_and_pointer),
	    cmocka_unit_test(test_pointer_chain_through_answers),
	    cmocka_unit_test(test_pointer_loops_and_forward_pointers_rejected),
	    cmocka_unit_test(test_name_length_limits),
	    cmocka_unit_test(test_not_a_response_and_odd_records),
	    cmocka_unit_test(test_tcp_framing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
