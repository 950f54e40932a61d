/* test_engine_liveview.c - the dashboard's flow list from the live view:
 * live flows then ended ones while the input runs, and only the ended ones
 * once it is done (the workers' last published lists are stale by then). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/live_view.h"

static struct lv_flow mkflow(uint16_t sport, uint64_t bytes, bool ended)
{
	struct lv_flow f;
	memset(&f, 0, sizeof(f));
	f.proto = 17;
	f.src.ver = 4;
	f.src.b[0] = 192;
	f.src.b[3] = 10;
	f.dst.ver = 4;
	f.dst.b[0] = 198;
	f.dst.b[3] = 20;
	f.sport = sport;
	f.dport = 53;
	f.bytes = bytes;
	f.pkts = 1;
	f.ended = ended;
	f.rule = f.src_role = f.dst_role = -1;
	snprintf(f.app, sizeof(f.app), "DNS");
	return f;
}

/* Builds a snapshot and returns how many of its flows are live and ended. */
static void build(struct fa_live_view *lv, bool done, size_t *live, size_t *ended,
                  uint16_t *first_sport)
{
	struct fa_snapshot_box box;
	assert_int_equal(fa_snapshot_box_init(&box), 0);
	struct lv_header h = {.seq = 1, .source = "test.pcap", .input_done = done};
	struct fa_snapshot *s = lv_build(lv, &h, NULL, NULL, 0);
	assert_non_null(s);
	*live = *ended = 0;
	for (size_t i = 0; i < s->nflows; i++) {
		if (s->flows[i].ended)
			(*ended)++;
		else
			(*live)++;
	}
	*first_sport = s->nflows ? s->flows[0].sport : 0;
	fa_snapshot_box_put(&box, s);
	fa_snapshot_box_destroy(&box);
}

static void test_flows_live_then_done(void **state)
{
	(void)state;
	struct fa_live_view lv;
	assert_int_equal(lv_init(&lv, 1), 0);
	/* a worker publishes two live flows, then one other flow ends */
	struct lv_flow pub[2] = {mkflow(40001, 900, false), mkflow(40002, 100, false)};
	lv_publish(&lv, 0, pub, 2, 2);
	struct lv_flow gone = mkflow(40003, 50, true);
	lv_flow_ended(&lv, &gone);

	size_t live, ended;
	uint16_t first;
	build(&lv, false, &live, &ended, &first);
	assert_int_equal(live, 2);
	assert_int_equal(ended, 1);
	assert_int_equal(first, 40001); /* largest live flow first */

	/* end of input: the two live flows end as eof; the worker's list
	 * still holds them, and they must not be listed a second time */
	struct lv_flow eof1 = mkflow(40001, 900, true), eof2 = mkflow(40002, 100, true);
	lv_flow_ended(&lv, &eof1);
	lv_flow_ended(&lv, &eof2);
	build(&lv, true, &live, &ended, &first);
	assert_int_equal(live, 0);
	assert_int_equal(ended, 3);
	assert_int_equal(first, 40002); /* newest ended first */
	lv_destroy(&lv);
}

/* A flow judged before a SIGHUP reload names its rule and roles only while
 * the policy it was judged by is loaded: the numbers would name other rules
 * of the new one. Its verdict and why text stay. */
static void test_rule_names_after_reload(void **state)
{
	(void)state;
	struct fa_rule rules[1] = {{.id = "trap"}};
	struct fa_role roles[2] = {{.name = "devices"}, {.name = "ovoc"}};
	struct fa_policy_set set = {.roles = roles, .nroles = 2, .rules = rules, .nrules = 1};
	struct fa_live_view lv;
	assert_int_equal(lv_init(&lv, 1), 0);
	struct lv_flow f = mkflow(40001, 10, true);
	f.verdict = FA_V_APP_MISMATCH;
	f.rule = 0;
	f.src_role = 0;
	f.dst_role = 1;
	f.policy_gen = 3;
	snprintf(f.why, sizeof(f.why), "rule trap expects app SNMP");
	lv_flow_ended(&lv, &f);
	struct lv_header h = {.seq = 1, .source = "test.pcap"};
	for (uint16_t gen = 3; gen <= 4; gen++) {
		struct fa_snapshot_box box;
		assert_int_equal(fa_snapshot_box_init(&box), 0);
		struct fa_snapshot *s = lv_build(&lv, &h, NULL, &set, gen);
		assert_non_null(s);
		assert_int_equal(s->nflows, 1);
		const struct fa_snap_flow *o = &s->flows[0];
		assert_string_equal(o->verdict, "app-mismatch");
		assert_string_equal(o->why, "rule trap expects app SNMP");
		if (gen == 3) {
			assert_string_equal(o->rule, "trap");
			assert_string_equal(o->src_role, "devices");
			assert_string_equal(o->dst_role, "ovoc");
		} else {
			assert_null(o->rule);
			assert_null(o->src_role);
			assert_null(o->dst_role);
		}
		fa_snapshot_box_put(&box, s);
		fa_snapshot_box_destroy(&box);
	}
	lv_destroy(&lv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flows_live_then_done),
	    cmocka_unit_test(test_rule_names_after_reload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
