/* test_tui_views.c - the dashboard's lists, layout, keys and frame, from
 * hand-made snapshots: order and sort keys, filtering, unused rules, shares,
 * columns dropped at 80 columns, the selection following its row, details. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy.h"
#include "tui/tui_int.h"

#define SEC 1000000ull
#define NOW (1795000000ull * SEC)

static struct tui_charset ascii;

static void finding(struct fa_snapshot *s, size_t i, unsigned sev, const char *sev_name,
                    const char *init, const char *resp, uint64_t flows, uint64_t last_us)
{
	struct fa_snap_finding *f = &s->findings[i];
	f->verdict = fa_snapshot_str(s, "undocumented");
	f->severity = fa_snapshot_str(s, sev_name);
	f->severity_id = (uint8_t)sev;
	f->initiator = fa_snapshot_str(s, init);
	f->responder = fa_snapshot_str(s, resp);
	f->initiator_is_role = true;
	f->proto = fa_snapshot_str(s, "tcp");
	f->port = 443;
	f->app = fa_snapshot_str(s, "TLS");
	f->flows = flows;
	f->bytes = flows * 1000;
	f->last_us = last_us;
	f->rule = fa_snapshot_str(s, "web-https-with-a-long-rule-name");
	f->why = fa_snapshot_str(s, init);
}

/* Four findings, not in the order the view shows them. */
static struct fa_snapshot *snap(void)
{
	struct fa_snapshot *s = fa_snapshot_new();
	assert_non_null(s);
	s->seq = 1;
	s->source = fa_snapshot_str(s, "demo.pcap");
	s->policy = fa_snapshot_str(s, "lab");
	s->packet_time_us = NOW;
	s->packets = 4321;
	s->findings = fa_snapshot_alloc(s, 4 * sizeof(*s->findings));
	finding(s, 0, FA_SEV_INFO, "info", "ntp-clients", "ntp-servers", 50, NOW - 1 * SEC);
	finding(s, 1, FA_SEV_HIGH, "high", "clients-old", "web", 5, NOW - 30 * SEC);
	finding(s, 2, FA_SEV_CRITICAL, "critical", "guest-wifi", "OVOC-servers", 2, NOW - 90 * SEC);
	finding(s, 3, FA_SEV_HIGH, "high", "clients-new", "web", 9, NOW - 2 * SEC);
	s->nfindings = 4;

	s->rules = fa_snapshot_alloc(s, 2 * sizeof(*s->rules));
	s->rules[0] = (struct fa_snap_rule){.id = fa_snapshot_str(s, "web-https"),
	                                    .src_role = fa_snapshot_str(s, "clients"),
	                                    .dst_role = fa_snapshot_str(s, "web"),
	                                    .service = fa_snapshot_str(s, "tcp/443"),
	                                    .flows = 10,
	                                    .last_us = NOW};
	s->rules[1] = (struct fa_snap_rule){.id = fa_snapshot_str(s, "ftp-old"),
	                                    .src_role = fa_snapshot_str(s, "any"),
	                                    .dst_role = fa_snapshot_str(s, "web"),
	                                    .service = fa_snapshot_str(s, "tcp/21"),
	                                    .deny = true,
	                                    .unused = true};
	s->nrules = 2;

	s->flows = fa_snapshot_alloc(s, 1 * sizeof(*s->flows));
	struct fa_snap_flow *f = &s->flows[0];
	f->proto = fa_snapshot_str(s, "tcp");
	assert_true(fa_addr_parse("2001:db8::1", &f->src));
	assert_true(fa_addr_parse("192.0.2.9", &f->dst));
	f->sport = 50000;
	f->dport = 443;
	f->app = fa_snapshot_str(s, "TLS");
	f->ended = true;
	s->nflows = 1;

	s->apps = fa_snapshot_alloc(s, 2 * sizeof(*s->apps));
	s->apps[0] = (struct fa_snap_count){fa_snapshot_str(s, "TLS"), 3, 3000};
	s->apps[1] = (struct fa_snap_count){fa_snapshot_str(s, "DNS"), 1, 100};
	s->napps = 2;
	s->talkers = fa_snapshot_alloc(s, 1 * sizeof(*s->talkers));
	s->talkers[0] = (struct fa_snap_count){fa_snapshot_str(s, "192.0.2.9"), 4, 3100};
	s->ntalkers = 1;
	return s;
}

static void release(struct fa_snapshot *s)
{
	struct fa_snapshot_box box;
	assert_int_equal(fa_snapshot_box_init(&box), 0);
	fa_snapshot_release(&box, s);
	fa_snapshot_box_destroy(&box);
}

/* The INITIATOR cells of the findings table, joined by spaces. */
static const char *initiators(const struct tui_table *t)
{
	static char buf[256];
	buf[0] = '\0';
	for (size_t i = 0; i < t->nrows; i++) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
		         tui_cell(t, &t->rows[i], 2));
	}
	return buf;
}

static void test_findings_order_and_sorts(void **state)
{
	(void)state;
	struct fa_snapshot *s = snap();
	struct tui_table t = {0};
	/* severity: worst first, then newest */
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 0, ""), 0);
	assert_string_equal(initiators(&t), "guest-wifi clients-new clients-old ntp-clients");
	assert_string_equal(tui_cell(&t, &t.rows[0], 0), "critical");
	assert_int_equal(t.rows[0].sev_style, TS_SEV_CRITICAL);
	assert_string_equal(tui_cell(&t, &t.rows[0], 7), "1m"); /* LAST: 90 s ago */
	assert_string_equal(tui_view_sort_name(TV_FINDINGS, 1), "newest");
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 1, ""), 0);
	assert_string_equal(initiators(&t), "ntp-clients clients-new clients-old guest-wifi");
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 2, ""), 0); /* flows */
	assert_string_equal(initiators(&t), "ntp-clients clients-new clients-old guest-wifi");
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 3, NULL), 0); /* bytes */
	assert_int_equal(t.nrows, 4);
	tui_table_free(&t);
	release(s);
}

/* Before the first snapshot arrives the dashboard still draws every view:
 * no rows, and nothing undefined (UBSan checks this in the sanitizer run). */
static void test_no_snapshot_yet(void **state)
{
	(void)state;
	struct fa_snapshot *empty = fa_snapshot_new();
	assert_non_null(empty);
	for (int v = TV_FINDINGS; v <= TV_APPS; v++) {
		struct tui_table t = {0};
		assert_int_equal(tui_table_build(&t, (enum tui_view)v, NULL, 0, ""), 0);
		assert_int_equal(t.nrows, 0);
		tui_table_free(&t);
		struct tui_table u = {0};
		assert_int_equal(tui_table_build(&u, (enum tui_view)v, empty, 0, ""), 0);
		assert_int_equal(u.total, 0); /* headings only (the apps view has two) */
		tui_table_free(&u);
	}
	struct fa_snapshot_box box;
	assert_int_equal(fa_snapshot_box_init(&box), 0);
	fa_snapshot_box_put(&box, empty); /* the box frees it */
	fa_snapshot_box_destroy(&box);
}

static void test_filter(void **state)
{
	(void)state;
	struct fa_snapshot *s = snap();
	struct tui_table t = {0};
	/* case-insensitive, over every cell, shown or not */
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 0, "ovoc"), 0);
	assert_string_equal(initiators(&t), "guest-wifi");
	assert_int_equal(t.total, 4);
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 0, "CLIENTS-"), 0);
	assert_string_equal(initiators(&t), "clients-new clients-old");
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 0, "long-rule"), 0);
	assert_int_equal(t.nrows, 4);
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 0, "nothing like it"), 0);
	assert_int_equal(t.nrows, 0);
	assert_int_equal(t.total, 4);
	tui_table_free(&t);
	release(s);
}

static void test_rules_flows_apps(void **state)
{
	(void)state;
	struct fa_snapshot *s = snap();
	struct tui_table t = {0};
	assert_int_equal(tui_table_build(&t, TV_RULES, s, 0, ""), 0);
	assert_string_equal(tui_cell(&t, &t.rows[1], 0), "ftp-old");
	assert_string_equal(tui_cell(&t, &t.rows[1], 1), "deny");
	assert_string_equal(tui_cell(&t, &t.rows[1], 2), "unused");
	assert_int_equal(t.rows[1].style, TS_DIM);
	assert_string_equal(tui_cell(&t, &t.rows[0], 2), "");
	assert_int_equal(t.rows[0].style, TS_NORMAL);
	assert_int_equal(tui_table_build(&t, TV_RULES, s, 4, ""), 0); /* unused first */
	assert_string_equal(tui_cell(&t, &t.rows[0], 0), "ftp-old");

	assert_int_equal(tui_table_build(&t, TV_FLOWS, s, 0, ""), 0);
	assert_string_equal(tui_cell(&t, &t.rows[0], 1), "[2001:db8::1]:50000");
	assert_string_equal(tui_cell(&t, &t.rows[0], 2), "192.0.2.9:443");
	assert_string_equal(tui_cell(&t, &t.rows[0], 4), "-"); /* no verdict */
	assert_int_equal(t.rows[0].style, TS_DIM);             /* ended */

	/* apps: share of flows; talkers: share of bytes; each under its title */
	assert_int_equal(tui_table_build(&t, TV_APPS, s, 0, ""), 0);
	assert_int_equal(t.nrows, 5);
	assert_int_equal(t.total, 3);
	assert_int_equal(t.rows[0].kind, TR_SECTION);
	assert_string_equal(tui_cell(&t, &t.rows[1], 0), "TLS");
	assert_string_equal(tui_cell(&t, &t.rows[1], 3), "75.0%");
	assert_string_equal(tui_cell(&t, &t.rows[2], 3), "25.0%");
	assert_int_equal(t.rows[3].kind, TR_SECTION);
	assert_string_equal(tui_cell(&t, &t.rows[4], 3), "100.0%");
	assert_int_equal(tui_table_build(&t, TV_APPS, s, 3, ""), 0); /* by name */
	assert_string_equal(tui_cell(&t, &t.rows[1], 0), "DNS");
	assert_int_equal(t.rows[3].kind, TR_SECTION);
	tui_table_free(&t);
	release(s);
}

static void test_layout(void **state)
{
	(void)state;
	struct fa_snapshot *s = snap();
	struct tui_table t = {0};
	unsigned w[TUI_MAXCOLS];
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 0, ""), 0);
	tui_layout(&t, 80, w, &ascii);
	/* at 80 columns BYTES (8) and RULE (9) give way; the rest fits */
	assert_int_equal(w[8], 0);
	assert_int_equal(w[9], 0);
	unsigned used = 0, n = 0;
	for (size_t c = 0; c < t.ncols; c++) {
		if (w[c])
			used += w[c] + (n++ ? 1 : 0);
	}
	assert_int_equal(n, 8);
	assert_true(used <= 80);
	assert_int_equal(w[0], 8);  /* "critical" */
	assert_int_equal(w[2], 11); /* "ntp-clients", the widest initiator */
	tui_layout(&t, 160, w, &ascii);
	assert_int_equal(w[8], 8);
	assert_int_equal(w[9], 28); /* the rule name, cut at the column's maximum */
	tui_layout(&t, 20, w, &ascii);
	assert_int_equal(w[0], 8); /* the most important stays; VERDICT (15) does not fit */
	for (size_t c = 1; c < t.ncols; c++)
		assert_int_equal(w[c], 0);
	tui_table_free(&t);
	release(s);
}

static void test_keys(void **state)
{
	(void)state;
	struct tui_state st;
	tui_state_init(&st);
	assert_true(tui_state_key(&st, TK_CHAR, '2', NULL, NULL));
	assert_int_equal(st.view, TV_RULES);
	tui_state_key(&st, TK_TAB, 0, NULL, NULL);
	assert_int_equal(st.view, TV_FLOWS);
	tui_state_key(&st, TK_BTAB, 0, NULL, NULL);
	tui_state_key(&st, TK_BTAB, 0, NULL, NULL);
	assert_int_equal(st.view, TV_FINDINGS);
	tui_state_key(&st, TK_BTAB, 0, NULL, NULL);
	assert_int_equal(st.view, TV_APPS);
	tui_state_key(&st, TK_F1, 0, NULL, NULL);
	assert_int_equal(st.view, TV_FINDINGS);
	/* sort keys cycle */
	for (size_t i = 0; i < tui_view_nsorts(TV_FINDINGS); i++)
		tui_state_key(&st, TK_CHAR, 's', NULL, NULL);
	assert_int_equal(st.vs[TV_FINDINGS].sort, 0);
	tui_state_key(&st, TK_CHAR, 's', NULL, NULL);
	assert_int_equal(st.vs[TV_FINDINGS].sort, 1);
	/* the filter: typed, edited, kept with Enter, cleared with Esc */
	tui_state_key(&st, TK_CHAR, '/', NULL, NULL);
	assert_true(st.editing);
	tui_state_key(&st, TK_CHAR, 'a', NULL, NULL);
	tui_state_key(&st, TK_CHAR, 'q', NULL, NULL); /* a letter, not quit, while typing */
	tui_state_key(&st, TK_CHAR, 'x', NULL, NULL);
	tui_state_key(&st, TK_BACKSPACE, 0, NULL, NULL);
	assert_string_equal(st.vs[TV_FINDINGS].filter, "aq");
	assert_false(st.quit);
	tui_state_key(&st, TK_ENTER, 0, NULL, NULL);
	assert_false(st.editing);
	assert_string_equal(st.vs[TV_FINDINGS].filter, "aq");
	assert_string_equal(st.vs[TV_RULES].filter, ""); /* each view has its own */
	tui_state_key(&st, TK_ESC, 0, NULL, NULL);
	assert_string_equal(st.vs[TV_FINDINGS].filter, "");
	/* pause, help */
	tui_state_key(&st, TK_CHAR, 'p', NULL, NULL);
	assert_true(st.paused);
	tui_state_key(&st, TK_CHAR, '?', NULL, NULL);
	assert_true(st.help);
	tui_state_key(&st, TK_CHAR, 'z', NULL, NULL);
	assert_false(st.help);
	assert_true(st.paused);
	tui_state_key(&st, TK_CHAR, 'p', NULL, NULL);
	assert_false(st.paused);
	assert_false(tui_state_key(&st, TK_CHAR, 'Z', NULL, NULL)); /* unbound */
	tui_state_key(&st, TK_CHAR, 'q', NULL, NULL);
	assert_true(st.quit);
	tui_state_free(&st);
}

static void test_selection_and_details(void **state)
{
	(void)state;
	struct fa_snapshot *s = snap();
	struct tui_table t = {0};
	struct tui_state st;
	tui_state_init(&st);
	st.page = 3;
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 0, ""), 0);
	tui_state_sync(&st, &t);
	tui_state_key(&st, TK_DOWN, 0, &t, s);
	tui_state_key(&st, TK_DOWN, 0, &t, s);
	tui_state_sync(&st, &t);
	assert_int_equal(st.vs[0].sel, 2); /* clients-old */
	/* a newer snapshot lists it one row further down: the bar follows it */
	tui_state_key(&st, TK_CHAR, 's', &t, s); /* newest first */
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, st.vs[0].sort, ""), 0);
	tui_state_sync(&st, &t);
	assert_int_equal(st.vs[0].sel, 0); /* a new sort starts at the top */
	tui_state_key(&st, TK_END, 0, &t, s);
	tui_state_sync(&st, &t);
	assert_int_equal(st.vs[0].sel, 3);
	assert_int_equal(st.vs[0].top, 1); /* scrolled so that row 3 is in 3 rows */
	tui_state_key(&st, TK_UP, 0, &t, s);
	assert_string_equal(tui_cell(&t, &t.rows[st.vs[0].sel], 2), "clients-old");
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 0, ""), 0);
	tui_state_sync(&st, &t);
	assert_string_equal(tui_cell(&t, &t.rows[st.vs[0].sel], 2), "clients-old");
	assert_int_equal(st.vs[0].sel, 2);

	tui_state_key(&st, TK_ENTER, 0, &t, s);
	assert_true(st.details_open);
	bool why = false;
	for (size_t i = 0; i < st.details.n; i++)
		why |= strcmp(st.details.v[i].text, "Why:         clients-old") == 0;
	assert_true(why);
	assert_string_equal(st.details.v[0].text, "Finding: high undocumented");
	tui_state_key(&st, TK_ESC, 0, &t, s);
	assert_false(st.details_open);
	tui_table_free(&t);
	tui_state_free(&st);
	release(s);
}

static void test_frame(void **state)
{
	(void)state;
	struct fa_snapshot *s = snap();
	struct tui_table t = {0};
	struct tui_frame f = {0};
	struct tui_state st;
	char row[512];
	tui_state_init(&st);
	st.paused = true;
	s->input_done = true;
	assert_int_equal(tui_table_build(&t, TV_FINDINGS, s, 0, ""), 0);
	assert_int_equal(tui_frame_build(&f, s, &st, &t, 80, 24, &ascii), 0);
	tui_frame_row_text(&f, 0, row, sizeof(row));
	/* the alerts keep their place; the policy name, last, gives way */
	assert_non_null(strstr(row, "flowaudit file demo.pcap  elapsed 00:00:00"));
	assert_null(strstr(row, "policy"));
	assert_non_null(strstr(row, "PAUSED  replay finished - q to quit"));
	tui_frame_row_text(&f, 4, row, sizeof(row));
	assert_string_equal(row,
	                    "SEVERITY VERDICT         INITIATOR   RESPONDER    SERVICE   APP     "
	                    "FLOWS LAST");
	tui_frame_row_text(&f, 5, row, sizeof(row));
	assert_non_null(strstr(row, "critical undocumented    guest-wifi  OVOC-servers tcp/443"));
	tui_frame_row_text(&f, 23, row, sizeof(row));
	assert_non_null(strstr(row, "q quit"));
	assert_non_null(strstr(row, "4 rows"));
	/* every span stays on the screen */
	for (size_t i = 0; i < f.n; i++) {
		assert_true(f.v[i].row < 24);
		assert_true(f.v[i].col + tui_text_width(&ascii, f.v[i].text) <= 80);
	}
	/* the selection bar: the first row's spans */
	bool bar = false;
	for (size_t i = 0; i < f.n; i++)
		bar |= f.v[i].row == 5 && (f.v[i].style & TS_SELECTED);
	assert_true(bar);
	assert_int_equal(tui_frame_build(&f, s, &st, &t, 30, 5, &ascii), 0);
	tui_frame_row_text(&f, 0, row, sizeof(row));
	assert_string_equal(row, "terminal too small (30x5; nee~");
	tui_frame_clear(&f);
	tui_table_free(&t);
	tui_state_free(&st);
	release(s);
}

int main(void)
{
	tui_charset_init(&ascii, false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_findings_order_and_sorts),
	    cmocka_unit_test(test_no_snapshot_yet),
	    cmocka_unit_test(test_filter),
	    cmocka_unit_test(test_rules_flows_apps),
	    cmocka_unit_test(test_layout),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_selection_and_details),
	    cmocka_unit_test(test_frame),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
