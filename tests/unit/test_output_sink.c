/* test_output_sink.c - the JSON Lines sink (files, errors, disk full) and the
 * human summary sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fa_error.h"
#include "output/sink.h"

static struct fa_flow_record small_flow(const char *app, const char *end, uint64_t pkts_fwd,
                                        uint64_t pkts_rev, uint64_t bytes_fwd, uint64_t bytes_rev)
{
	struct fa_flow_record r;
	memset(&r, 0, sizeof(r));
	r.ts_first_us = 1000000;
	r.ts_last_us = 2500000;
	r.proto = "udp";
	assert_true(fa_addr_parse("10.0.0.1", &r.src_ip));
	assert_true(fa_addr_parse("10.0.0.2", &r.dst_ip));
	r.src_port = 5353;
	r.dst_port = 53;
	r.initiator = "first-packet";
	r.app = app;
	r.end = end;
	r.pkts_fwd = pkts_fwd;
	r.pkts_rev = pkts_rev;
	r.bytes_fwd = bytes_fwd;
	r.bytes_rev = bytes_rev;
	return r;
}

static const char dns_line[] =
    "{\"type\":\"flow\",\"ts_first\":\"1970-01-01T00:00:01.000000Z\","
    "\"ts_last\":\"1970-01-01T00:00:02.500000Z\",\"proto\":\"udp\",\"vlan\":[],"
    "\"src_ip\":\"10.0.0.1\",\"src_port\":5353,\"dst_ip\":\"10.0.0.2\",\"dst_port\":53,"
    "\"initiator\":\"first-packet\",\"app\":\"DNS\",\"app_master\":\"\",\"app_proto\":\"\","
    "\"category\":\"\",\"app_guessed\":false,\"hostname\":null,\"dst_name\":null,"
    "\"risks\":[],\"pkts_fwd\":1,\"pkts_rev\":1,\"bytes_fwd\":80,\"bytes_rev\":120,"
    "\"end\":\"idle\"}\n";

static const char stats_line[] =
    "{\"type\":\"stats\",\"packets\":2,\"bytes\":200,\"ip_packets\":2,\"not_ip\":0,"
    "\"fragments\":0,\"reassembled\":0,\"flows\":1,\"flows_active\":0,\"evicted\":0,"
    "\"icmp_errors_unmatched\":0,\"capture_drops\":0,\"capture_if_drops\":0,"
    "\"decode_errors\":{},\"decode_errors_total\":0}\n";

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char *buf = calloc(1, 1 << 16);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, fp);
	fclose(fp);
	return buf;
}

static void test_json_file_roundtrip(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/test_output_sink_%ld.jsonl", FA_TEST_BUILD,
	         (long)getpid());
	char err[256] = "x";
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_json_open(&s, path, err, sizeof(err)), FA_OK);
	assert_non_null(s);
	assert_string_equal(err, "");

	struct fa_flow_record r = small_flow("DNS", "idle", 1, 1, 80, 120);
	struct fa_stats_record st;
	memset(&st, 0, sizeof(st));
	st.packets = 2;
	st.bytes = 200;
	st.ip_packets = 2;
	st.flows = 1;
	assert_int_equal(fa_sink_write_flow(s, &r), FA_OK);
	assert_int_equal(fa_sink_write_flow(s, &r), FA_OK);
	assert_int_equal(fa_sink_write_stats(s, &st), FA_OK);
	assert_int_equal(fa_sink_flush(s), FA_OK);
	assert_int_equal(fa_sink_close_msg(&s, err, sizeof(err)), FA_OK);
	assert_null(s);
	assert_string_equal(err, "");

	size_t len;
	char *got = slurp(path, &len);
	char want[4096];
	snprintf(want, sizeof(want), "%s%s%s", dns_line, dns_line, stats_line);
	assert_int_equal(len, strlen(want));
	assert_string_equal(got, want);
	free(got);
	unlink(path);
}

static void test_json_open_failure_names_path(void **state)
{
	(void)state;
	char err[256];
	struct fa_sink *s = (struct fa_sink *)&err; /* must be cleared */
	int rc = fa_sink_json_open(&s, "/nonexistent-dir/out.jsonl", err, sizeof(err));
	assert_int_equal(rc, FA_ERR_IO);
	assert_null(s);
	assert_non_null(strstr(err, "/nonexistent-dir/out.jsonl"));
	assert_non_null(strstr(err, "No such file or directory"));
}

static void test_json_disk_full_at_flush(void **state)
{
	(void)state;
	char err[256];
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_json_open(&s, "/dev/full", err, sizeof(err)), FA_OK);
	struct fa_flow_record r = small_flow("DNS", "idle", 1, 1, 80, 120);
	/* Buffered: the record fits in memory, the device refuses it later. */
	assert_int_equal(fa_sink_write_flow(s, &r), FA_OK);
	assert_int_equal(fa_sink_flush(s), FA_ERR_IO);
	assert_non_null(strstr(s->errmsg, "/dev/full"));
	assert_non_null(strstr(s->errmsg, "No space left on device"));
	/* Once failed, no more records are accepted. */
	assert_int_equal(fa_sink_write_flow(s, &r), FA_ERR_IO);
	assert_int_equal(fa_sink_close_msg(&s, err, sizeof(err)), FA_ERR_IO);
	assert_null(s);
	assert_non_null(strstr(err, "No space left on device"));
}

static void test_json_disk_full_at_close(void **state)
{
	(void)state;
	char err[256];
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_json_open(&s, "/dev/full", err, sizeof(err)), FA_OK);
	struct fa_flow_record r = small_flow("DNS", "idle", 1, 1, 80, 120);
	assert_int_equal(fa_sink_write_flow(s, &r), FA_OK);
	assert_int_equal(fa_sink_close(&s), FA_ERR_IO);
	assert_null(s);
}

static void test_json_disk_full_large(void **state)
{
	(void)state;
	char err[256];
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_json_open(&s, "/dev/full", err, sizeof(err)), FA_OK);
	struct fa_flow_record r = small_flow("DNS", "idle", 1, 1, 80, 120);
	/* Past the stdio buffer, the failure shows on a write itself. */
	int rc = FA_OK;
	for (int i = 0; i < 100000 && rc == FA_OK; i++)
		rc = fa_sink_write_flow(s, &r);
	assert_int_equal(rc, FA_ERR_IO);
	assert_int_equal(fa_sink_close(&s), FA_ERR_IO);
}

static void test_close_null_safe(void **state)
{
	(void)state;
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_close(&s), FA_OK);
	assert_int_equal(fa_sink_close(NULL), FA_OK);
	assert_int_equal(fa_sink_flush(NULL), FA_ERR_USAGE);
	assert_int_equal(fa_sink_write_flow(NULL, NULL), FA_ERR_USAGE);
}

static void test_json_stdout_opens(void **state)
{
	(void)state;
	char err[256];
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_json_open(&s, "-", err, sizeof(err)), FA_OK);
	assert_non_null(s);
	assert_int_equal(fa_sink_close(&s), FA_OK);
	/* stdout stays usable after the sink closes. */
	assert_true(fflush(stdout) == 0);
}

static char *run_summary(const struct fa_flow_record *flows, size_t n,
                         const struct fa_stats_record *st)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	assert_non_null(fp);
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_summary_open(&s, fp), FA_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fa_sink_write_flow(s, &flows[i]), FA_OK);
	if (st)
		assert_int_equal(fa_sink_write_stats(s, st), FA_OK);
	assert_int_equal(fa_sink_close(&s), FA_OK);
	fclose(fp);
	return text;
}

static void expect_line(const char *text, const char *line)
{
	/* A whole line: at the very start, or after a newline. */
	char want[256];
	snprintf(want, sizeof(want), "%s\n", line);
	bool found = strncmp(text, want, strlen(want)) == 0;
	if (!found) {
		snprintf(want, sizeof(want), "\n%s\n", line);
		found = strstr(text, want) != NULL;
	}
	if (!found)
		fail_msg("missing line \"%s\" in:\n%s", line, text);
}

static void test_summary_lines(void **state)
{
	(void)state;
	struct fa_flow_record f[4] = {
	    small_flow("TLS.Google", "fin", 3, 2, 1000, 500),
	    small_flow("TLS.Google", "fin", 1, 1, 200, 100),
	    small_flow("DNS", "idle", 1, 1, 80, 120),
	    small_flow(NULL, "rst", 1, 0, 60, 0),
	};
	const struct fa_stat_kv errs[] = {{"truncated-tcp", 2}, {"ipv4-header-length", 0}};
	struct fa_stats_record st;
	memset(&st, 0, sizeof(st));
	st.packets = 12;
	st.bytes = 2200;
	st.not_ip = 1;
	st.decode_errors = errs;
	st.ndecode_errors = 2;
	st.decode_errors_total = 2;
	st.capture_drops = 5;
	st.icmp_errors_unmatched = 1;

	char *text = run_summary(f, 4, &st);
	/* Columns: labels in 28, numbers right-aligned in 14. */
	expect_line(text, "Flows                                    4");
	expect_line(text, "  fin                                    2");
	expect_line(text, "  idle                                   1");
	expect_line(text, "  rst                                    1");
	expect_line(text, "Packets in flows                        10");
	expect_line(text, "Bytes in flows                        2060");
	expect_line(text, "Frames read                             12");
	expect_line(text, "Bytes read                            2200");
	expect_line(text, "Non-IP frames                            1");
	expect_line(text, "Top applications                     flows         bytes");
	expect_line(text, "  TLS.Google                             2          1800");
	expect_line(text, "  DNS                                    1           200");
	expect_line(text, "  Unknown                                1            60");
	expect_line(text, "Decode errors                            2");
	expect_line(text, "  truncated-tcp                          2");
	expect_line(text, "Capture drops                            5");
	expect_line(text, "ICMP errors unmatched                    1");
	/* Zero counters stay out of the way. */
	assert_null(strstr(text, "ipv4-header-length"));
	assert_null(strstr(text, "Interface drops"));
	assert_null(strstr(text, "Fragments"));
	/* Ends sorted by count: fin before idle before rst. */
	assert_true(strstr(text, "  fin") < strstr(text, "  idle"));
	assert_true(strstr(text, "  idle") < strstr(text, "  rst"));
	free(text);
}

static void test_summary_many_apps_bounded(void **state)
{
	(void)state;
	enum { NAPPS = 600 };
	static struct fa_flow_record f[NAPPS + 5];
	static char names[NAPPS][16];
	for (int i = 0; i < 5; i++)
		f[i] = small_flow("DNS", "eof", 1, 0, 10, 0);
	for (int i = 0; i < NAPPS; i++) {
		snprintf(names[i], sizeof(names[i]), "app%03d", i);
		f[5 + i] = small_flow(names[i], "eof", 1, 0, 10, 0);
	}
	char *text = run_summary(f, NAPPS + 5, NULL);
	expect_line(text, "Flows                                  605");
	expect_line(text, "  DNS                                    5            50");
	expect_line(text, "  app000                                 1            10");
	expect_line(text, "  app008                                 1            10");
	/* Everything past the top ten, kept or not, adds up under (other). */
	expect_line(text, "  (other)                              591          5910");
	assert_null(strstr(text, "app009"));
	/* Without a stats record, capture figures are not invented. */
	assert_null(strstr(text, "Frames read"));
	free(text);
}

static void test_summary_hostile_name(void **state)
{
	(void)state;
	struct fa_flow_record f = small_flow("bad\x1b]0;x\x07", "fin", 1, 0, 1, 0);
	char *text = run_summary(&f, 1, NULL);
	assert_null(strchr(text, '\x1b'));
	assert_null(strchr(text, '\x07'));
	expect_line(text, "  bad?]0;x?                              1             1");
	free(text);
}

static void test_summary_write_error(void **state)
{
	(void)state;
	FILE *fp = fopen("/dev/full", "w");
	assert_non_null(fp);
	struct fa_sink *s = NULL;
	assert_int_equal(fa_sink_summary_open(&s, fp), FA_OK);
	char err[256];
	assert_int_equal(fa_sink_close_msg(&s, err, sizeof(err)), FA_ERR_IO);
	assert_non_null(strstr(err, "No space left on device"));
	fclose(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_file_roundtrip),
	    cmocka_unit_test(test_json_open_failure_names_path),
	    cmocka_unit_test(test_json_disk_full_at_flush),
	    cmocka_unit_test(test_json_disk_full_at_close),
	    cmocka_unit_test(test_json_disk_full_large),
	    cmocka_unit_test(test_close_null_safe),
	    cmocka_unit_test(test_json_stdout_opens),
	    cmocka_unit_test(test_summary_lines),
	    cmocka_unit_test(test_summary_many_apps_bounded),
	    cmocka_unit_test(test_summary_hostile_name),
	    cmocka_unit_test(test_summary_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
