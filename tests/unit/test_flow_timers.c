/* test_flow_timers.c - flow table ends: FIN/RST linger, idle timeouts per
 * class, eviction when full, and bounded memory under many flows. */
#include "test_flow_fixture.h"

#define CLI "10.0.0.1"
#define SRV "10.0.0.2"

static void handshake(struct fa_flowtab *tab, struct recorder *r, uint16_t cport)
{
	struct fa_pkt p[] = {
	    mk(CLI, cport, SRV, 80, FA_L4_TCP, FA_TCP_SYN, T0, 60),
	    mk(SRV, 80, CLI, cport, FA_L4_TCP, FA_TCP_SYN | FA_TCP_ACK, T0 + 100, 60),
	    mk(CLI, cport, SRV, 80, FA_L4_TCP, FA_TCP_ACK, T0 + 200, 52),
	};
	for (size_t i = 0; i < 3; i++)
		assert_non_null(feed(tab, r, &p[i], NULL, NULL));
}

static void test_fin_both_ways_linger(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt fin1 =
	    mk(CLI, 40000, SRV, 80, FA_L4_TCP, FA_TCP_FIN | FA_TCP_ACK, T0 + SEC, 52);
	struct fa_pkt fin2 =
	    mk(SRV, 80, CLI, 40000, FA_L4_TCP, FA_TCP_FIN | FA_TCP_ACK, T0 + SEC + 100000, 52);
	struct fa_pkt last = mk(CLI, 40000, SRV, 80, FA_L4_TCP, FA_TCP_ACK, T0 + 2 * SEC, 52);
	const uint64_t closed = T0 + SEC + 100000;

	handshake(tab, &r, 40000);
	feed(tab, &r, &fin1, NULL, NULL);
	/* One FIN is a half close: nothing ends, even well past the linger. */
	fa_flowtab_expire(tab, T0 + SEC + 50000 + 2 * SEC);
	assert_int_equal(r.total, 0);
	feed(tab, &r, &fin2, NULL, NULL);
	/* The last ACK arrives during the linger and still counts. */
	feed(tab, &r, &last, NULL, NULL);
	fa_flowtab_expire(tab, closed + 2 * SEC - 1);
	assert_int_equal(r.total, 0);
	fa_flowtab_expire(tab, closed + 2 * SEC);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.ev[0].why, FA_END_FIN);
	assert_int_equal(r.ev[0].flow.pkts[FA_DIR_FWD], 4);
	assert_int_equal(r.ev[0].flow.pkts[FA_DIR_REV], 2);
	assert_int_equal(r.ev[0].flow.ts_last, T0 + 2 * SEC);
	assert_int_equal(r.ev[0].flow.initiator, FA_INIT_SYN);
	assert_true(r.ev[0].flow.tcp_seen[FA_DIR_FWD] & FA_TCP_FIN);
	assert_true(r.ev[0].flow.tcp_seen[FA_DIR_REV] & FA_TCP_FIN);
	fa_flowtab_expire(tab, closed + 100 * SEC);
	assert_int_equal(r.total, 1);
	fa_flowtab_free(&tab);
}

static void test_rst_and_custom_linger(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab_opts o = {.linger_us = 500000};
	struct fa_flowtab *tab = new_tab(&r, &o);
	struct fa_pkt rst =
	    mk(SRV, 80, CLI, 40000, FA_L4_TCP, FA_TCP_RST | FA_TCP_ACK, T0 + SEC, 40);
	struct fa_flowtab_stats st;

	handshake(tab, &r, 40000);
	feed(tab, &r, &rst, NULL, NULL);
	fa_flowtab_expire(tab, T0 + SEC + 499999);
	assert_int_equal(r.total, 0);
	fa_flowtab_expire(tab, T0 + SEC + 500000);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.ev[0].why, FA_END_RST);
	assert_true(r.ev[0].flow.tcp_seen[FA_DIR_REV] & FA_TCP_RST);
	fa_flowtab_stats(tab, &st);
	assert_int_equal(st.ended[FA_END_RST], 1);
	assert_int_equal(st.active, 0);
	fa_flowtab_free(&tab);
}

static void test_packet_after_linger_starts_new_flow(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt rst = mk(CLI, 40000, SRV, 80, FA_L4_TCP, FA_TCP_RST, T0 + SEC, 40);
	struct fa_pkt syn = mk(CLI, 40000, SRV, 80, FA_L4_TCP, FA_TCP_SYN, T0 + 3 * SEC, 60);
	bool created;
	struct fa_flow *f;

	handshake(tab, &r, 40000);
	feed(tab, &r, &rst, NULL, NULL);
	/* No expire call in between: the port is reused after the linger. */
	f = feed(tab, &r, &syn, NULL, &created);
	assert_non_null(f);
	assert_true(created);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.ev[0].why, FA_END_RST);
	assert_int_equal(r.ev[0].id, 1);
	assert_int_equal(f->pkts[FA_DIR_FWD], 1);
	assert_int_equal(f->ts_first, T0 + 3 * SEC);
	fa_flowtab_free(&tab);
}

/* One flow of each timeout class, all last seen at `ts`. */
static void one_per_class(struct fa_flowtab *tab, struct recorder *r, uint64_t ts)
{
	struct fa_pkt p[] = {
	    mk(CLI, 40000, SRV, 22, FA_L4_TCP, FA_TCP_ACK, ts, 52),
	    mk(CLI, 40000, SRV, 53, FA_L4_UDP, 0, ts, 60),
	    mk(CLI, 0, SRV, 0, FA_L4_ICMP, 0, ts, 84),
	    mk(CLI, 0, SRV, 0, 47, 0, ts, 100), /* GRE: "other" */
	};
	for (size_t i = 0; i < 4; i++)
		assert_non_null(feed(tab, r, &p[i], NULL, NULL));
}

static void test_idle_default_timeouts(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);

	one_per_class(tab, &r, T0);
	fa_flowtab_expire(tab, T0 + 30 * SEC - 1);
	assert_int_equal(r.total, 0);
	fa_flowtab_expire(tab, T0 + 30 * SEC);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.ev[0].flow.proto, FA_L4_ICMP);
	assert_int_equal(r.ev[0].why, FA_END_IDLE);
	fa_flowtab_expire(tab, T0 + 60 * SEC - 1);
	assert_int_equal(r.total, 1);
	fa_flowtab_expire(tab, T0 + 60 * SEC);
	assert_int_equal(r.total, 3);
	assert_int_equal(r.ev[1].flow.proto, FA_L4_UDP);
	assert_int_equal(r.ev[2].flow.proto, 47);
	fa_flowtab_expire(tab, T0 + 300 * SEC - 1);
	assert_int_equal(r.total, 3);
	fa_flowtab_expire(tab, T0 + 300 * SEC);
	assert_int_equal(r.total, 4);
	assert_int_equal(r.ev[3].flow.proto, FA_L4_TCP);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(r.ev[i].why, FA_END_IDLE);
	fa_flowtab_free(&tab);
}

static void test_idle_custom_timeouts(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab_opts o = {.tcp_timeout_us = 10 * SEC,
	                            .udp_timeout_us = 5 * SEC,
	                            .icmp_timeout_us = 1 * SEC,
	                            .other_timeout_us = 2 * SEC};
	struct fa_flowtab *tab = new_tab(&r, &o);
	struct fa_pkt udp = mk(CLI, 40000, SRV, 53, FA_L4_UDP, 0, T0 + 4 * SEC, 60);

	one_per_class(tab, &r, T0);
	/* A packet keeps the UDP flow alive past its first deadline. */
	feed(tab, &r, &udp, NULL, NULL);
	fa_flowtab_expire(tab, T0 + SEC);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.ev[0].flow.proto, FA_L4_ICMP);
	fa_flowtab_expire(tab, T0 + 2 * SEC);
	assert_int_equal(r.total, 2);
	assert_int_equal(r.ev[1].flow.proto, 47);
	fa_flowtab_expire(tab, T0 + 9 * SEC - 1);
	assert_int_equal(r.total, 2);
	fa_flowtab_expire(tab, T0 + 10 * SEC);
	assert_int_equal(r.total, 4);
	assert_int_equal(r.ev[2].flow.proto, FA_L4_UDP); /* due at 9 s */
	assert_int_equal(r.ev[3].flow.proto, FA_L4_TCP); /* due at 10 s */
	fa_flowtab_free(&tab);
}

static void test_expire_in_deadline_order(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt tcp = mk(CLI, 40000, SRV, 22, FA_L4_TCP, FA_TCP_ACK, T0, 52);
	struct fa_pkt udp = mk(CLI, 40000, SRV, 53, FA_L4_UDP, 0, T0 + 245 * SEC, 60);
	struct fa_pkt icmp = mk(CLI, 0, SRV, 0, FA_L4_ICMP, 0, T0 + 260 * SEC, 84);

	feed(tab, &r, &tcp, NULL, NULL);  /* due at 300 s */
	feed(tab, &r, &udp, NULL, NULL);  /* due at 305 s */
	feed(tab, &r, &icmp, NULL, NULL); /* due at 290 s */
	fa_flowtab_expire(tab, T0 + 400 * SEC);
	assert_int_equal(r.total, 3);
	assert_int_equal(r.ev[0].flow.proto, FA_L4_ICMP);
	assert_int_equal(r.ev[1].flow.proto, FA_L4_TCP);
	assert_int_equal(r.ev[2].flow.proto, FA_L4_UDP);
	fa_flowtab_free(&tab);
}

static void test_packet_after_idle_starts_new_flow(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt a = mk(CLI, 40000, SRV, 53, FA_L4_UDP, 0, T0, 60);
	struct fa_pkt b = mk(SRV, 53, CLI, 40000, FA_L4_UDP, 0, T0 + 60 * SEC, 60);
	enum fa_dir dir;
	bool created;

	feed(tab, &r, &a, NULL, NULL);
	struct fa_flow *f = feed(tab, &r, &b, &dir, &created);
	assert_true(created);
	assert_int_equal(dir, FA_DIR_FWD);
	assert_addr(&f->src, SRV);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.ev[0].why, FA_END_IDLE);
	fa_flowtab_free(&tab);
}

static void test_evict_lru(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab_opts o = {.max_flows = 3};
	struct fa_flowtab *tab = new_tab(&r, &o);
	struct fa_pkt a = mk(CLI, 1001, SRV, 53, FA_L4_UDP, 0, T0 + 1, 60);
	struct fa_pkt b = mk(CLI, 1002, SRV, 80, FA_L4_TCP, FA_TCP_SYN, T0 + 2, 60);
	struct fa_pkt c = mk(CLI, 1003, SRV, 53, FA_L4_UDP, 0, T0 + 3, 60);
	struct fa_pkt d = mk(CLI, 1004, SRV, 53, FA_L4_UDP, 0, T0 + 5, 60);
	struct fa_flowtab_stats st;

	feed(tab, &r, &a, NULL, NULL);
	feed(tab, &r, &b, NULL, NULL);
	feed(tab, &r, &c, NULL, NULL);
	a.ts_us = T0 + 4;
	feed(tab, &r, &a, NULL, NULL);
	assert_int_equal(r.total, 0);
	/* Full: the flow idle longest (b, across lists) makes room. */
	assert_non_null(feed(tab, &r, &d, NULL, NULL));
	assert_int_equal(r.total, 1);
	assert_int_equal(r.ev[0].why, FA_END_EVICTED);
	assert_int_equal(r.ev[0].id, 2);
	fa_flowtab_stats(tab, &st);
	assert_int_equal(st.active, 3);
	assert_int_equal(st.peak_active, 3);
	assert_int_equal(st.ended[FA_END_EVICTED], 1);
	fa_flowtab_free(&tab);
}

static void test_evict_due_flow_reports_idle(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab_opts o = {.max_flows = 1};
	struct fa_flowtab *tab = new_tab(&r, &o);
	struct fa_pkt a = mk(CLI, 1001, SRV, 53, FA_L4_UDP, 0, T0, 60);
	struct fa_pkt b = mk(CLI, 1002, SRV, 53, FA_L4_UDP, 0, T0 + 61 * SEC, 60);

	feed(tab, &r, &a, NULL, NULL);
	assert_non_null(feed(tab, &r, &b, NULL, NULL));
	assert_int_equal(r.total, 1);
	assert_int_equal(r.ev[0].why, FA_END_IDLE);
	fa_flowtab_free(&tab);
}

/* A flow that saw packets since it was queued must not hide an older one
 * queued behind it, for expiry and for eviction. */
static void test_touched_head_does_not_hide_older(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab_opts o = {.max_flows = 2};
	struct fa_flowtab *tab = new_tab(&r, &o);
	struct fa_pkt a = mk(CLI, 1001, SRV, 53, FA_L4_UDP, 0, T0, 60);
	struct fa_pkt b = mk(CLI, 1002, SRV, 53, FA_L4_UDP, 0, T0 + SEC, 60);
	struct fa_pkt c = mk(CLI, 1003, SRV, 53, FA_L4_UDP, 0, T0 + 11 * SEC, 60);

	feed(tab, &r, &a, NULL, NULL);
	feed(tab, &r, &b, NULL, NULL);
	a.ts_us = T0 + 10 * SEC;
	feed(tab, &r, &a, NULL, NULL);
	/* Full: b (last seen at 1 s) goes, not a (10 s). */
	feed(tab, &r, &c, NULL, NULL);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.ev[0].id, 2);
	assert_int_equal(r.ev[0].why, FA_END_EVICTED);
	/* a is due at 70 s, c at 71 s; nothing before. */
	fa_flowtab_expire(tab, T0 + 70 * SEC - 1);
	assert_int_equal(r.total, 1);
	fa_flowtab_expire(tab, T0 + 71 * SEC);
	assert_int_equal(r.total, 3);
	assert_int_equal(r.ev[1].id, 1);
	assert_int_equal(r.ev[2].id, 3);

	/* Expiry alone: d queued first but touched, e due first. */
	struct fa_pkt d = mk(CLI, 2001, SRV, 53, FA_L4_UDP, 0, T0 + 100 * SEC, 60);
	struct fa_pkt e = mk(CLI, 2002, SRV, 53, FA_L4_UDP, 0, T0 + 101 * SEC, 60);
	feed(tab, &r, &d, NULL, NULL);
	feed(tab, &r, &e, NULL, NULL);
	d.ts_us = T0 + 110 * SEC;
	feed(tab, &r, &d, NULL, NULL);
	fa_flowtab_expire(tab, T0 + 161 * SEC);
	assert_int_equal(r.total, 4);
	assert_int_equal(r.ev[3].id, 5);
	fa_flowtab_free(&tab);
}

static int ptr_cmp(const void *a, const void *b)
{
	const void *const *pa = a, *const *pb = b;
	uintptr_t x = (uintptr_t)*pa, y = (uintptr_t)*pb;

	return x < y ? -1 : x > y;
}

#define STRESS_FLOWS 100000u
#define STRESS_MAX 1000u

static struct fa_pkt stress_pkt(uint32_t i, uint64_t ts)
{
	struct fa_pkt p = mk("10.0.0.0", 0, "192.0.2.1", 443, FA_L4_UDP, 0, ts, 100);

	/* Distinct source address and port per flow. */
	p.src.b[2] = (uint8_t)(i >> 8);
	p.src.b[3] = (uint8_t)i;
	p.sport = (uint16_t)(1024 + (i >> 16));
	return p;
}

static void test_bounded_under_many_flows(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab_opts o = {.max_flows = STRESS_MAX};
	struct fa_flowtab *tab = new_tab(&r, &o);
	size_t npkts = STRESS_FLOWS + STRESS_FLOWS / 10;
	void **seen = calloc(npkts, sizeof(*seen));
	size_t nseen = 0, distinct = 0;
	struct fa_flowtab_stats st;
	uint64_t ts = T0;

	assert_non_null(seen);
	r.ends_cap = STRESS_FLOWS + 2;
	r.ends_by_id = calloc(r.ends_cap, 1);
	assert_non_null(r.ends_by_id);

	for (uint32_t i = 0; i < STRESS_FLOWS; i++) {
		struct fa_pkt p = stress_pkt(i, ts += 50);
		bool created;
		struct fa_flow *f = feed(tab, &r, &p, NULL, &created);

		assert_non_null(f);
		assert_true(created);
		seen[nseen++] = f;
		/* Every tenth packet (once the LRU check below is past) answers
		 * a recent flow, which must be found. */
		if (i >= 2000 && i % 10 == 9) {
			struct fa_pkt q = stress_pkt(i - 5, ts += 50);
			struct fa_pkt back = q;
			back.src = q.dst;
			back.dst = q.src;
			back.sport = q.dport;
			back.dport = q.sport;
			f = feed(tab, &r, &back, NULL, &created);
			assert_non_null(f);
			assert_false(created);
			seen[nseen++] = f;
		}
		fa_flowtab_stats(tab, &st);
		assert_true(st.active <= STRESS_MAX);
		if (i == 1499) {
			/* No flow was idle: the oldest 500 went, in order. */
			assert_int_equal(st.ended[FA_END_EVICTED], 500);
			assert_int_equal(r.ends_by_id[1], 1);
			assert_int_equal(r.ends_by_id[500], 1);
			assert_int_equal(r.ends_by_id[501], 0);
			assert_int_equal(r.ends_by_id[1500], 0);
		}
	}
	/* Flow memory is reused: never more than max_flows allocations. */
	qsort(seen, nseen, sizeof(*seen), ptr_cmp);
	for (size_t i = 0; i < nseen; i++)
		if (i == 0 || seen[i] != seen[i - 1])
			distinct++;
	assert_true(distinct <= STRESS_MAX);
	assert_int_equal(distinct, STRESS_MAX);

	fa_flowtab_flush(tab, FA_END_EOF);
	fa_flowtab_stats(tab, &st);
	assert_int_equal(st.created, STRESS_FLOWS);
	assert_int_equal(st.peak_active, STRESS_MAX);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.ended[FA_END_EVICTED], STRESS_FLOWS - STRESS_MAX);
	assert_int_equal(st.ended[FA_END_EOF], STRESS_MAX);
	assert_int_equal(r.total, STRESS_FLOWS);
	assert_int_equal(r.next_id, STRESS_FLOWS);
	for (uint32_t id = 1; id <= STRESS_FLOWS; id++)
		assert_int_equal(r.ends_by_id[id], 1);
	free(r.ends_by_id);
	free(seen);
	fa_flowtab_free(&tab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fin_both_ways_linger),
	    cmocka_unit_test(test_rst_and_custom_linger),
	    cmocka_unit_test(test_packet_after_linger_starts_new_flow),
	    cmocka_unit_test(test_idle_default_timeouts),
	    cmocka_unit_test(test_idle_custom_timeouts),
	    cmocka_unit_test(test_expire_in_deadline_order),
	    cmocka_unit_test(test_packet_after_idle_starts_new_flow),
	    cmocka_unit_test(test_evict_lru),
	    cmocka_unit_test(test_evict_due_flow_reports_idle),
	    cmocka_unit_test(test_touched_head_does_not_hide_older),
	    cmocka_unit_test(test_bounded_under_many_flows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
