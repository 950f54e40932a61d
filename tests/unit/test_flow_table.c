/* test_flow_table.c - flow table: lookup both ways, initiator, per-direction
 * counters, ICMP error attribution and flush. */
#include "test_flow_fixture.h"

#define CLI "10.0.0.1"
#define SRV "10.0.0.2"

static void test_syn_initiator(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt syn = mk(CLI, 40000, SRV, 80, FA_L4_TCP, FA_TCP_SYN, T0, 60);
	enum fa_dir dir;
	bool created;
	struct fa_flow *f = feed(tab, &r, &syn, &dir, &created);

	assert_non_null(f);
	assert_true(created);
	assert_int_equal(dir, FA_DIR_FWD);
	assert_int_equal(f->initiator, FA_INIT_SYN);
	assert_addr(&f->src, CLI);
	assert_addr(&f->dst, SRV);
	assert_int_equal(f->sport, 40000);
	assert_int_equal(f->dport, 80);
	assert_int_equal(f->proto, FA_L4_TCP);
	fa_flowtab_free(&tab);
	assert_null(tab);
	assert_int_equal(r.total, 0); /* free reports nothing */
}

static void test_synack_first(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt sa = mk(SRV, 80, CLI, 40000, FA_L4_TCP, FA_TCP_SYN | FA_TCP_ACK, T0, 60);
	enum fa_dir dir;
	struct fa_flow *f = feed(tab, &r, &sa, &dir, NULL);

	assert_non_null(f);
	assert_int_equal(dir, FA_DIR_REV);
	assert_int_equal(f->initiator, FA_INIT_INFERRED);
	assert_addr(&f->src, CLI);
	assert_int_equal(f->sport, 40000);
	assert_int_equal(f->dport, 80);
	assert_int_equal(f->pkts[FA_DIR_REV], 1);
	assert_int_equal(f->pkts[FA_DIR_FWD], 0);
	assert_int_equal(f->tcp_seen[FA_DIR_REV], FA_TCP_SYN | FA_TCP_ACK);
	fa_flowtab_free(&tab);
}

/* Mid-stream packet: which side does the table call the initiator? */
static struct fa_flow *midstream(struct fa_flowtab *tab, struct recorder *r, const char *src,
                                 uint16_t sp, const char *dst, uint16_t dp, enum fa_dir *dir)
{
	struct fa_pkt p = mk(src, sp, dst, dp, FA_L4_TCP, FA_TCP_ACK | FA_TCP_PSH, T0, 100);
	struct fa_flow *f = feed(tab, r, &p, dir, NULL);

	assert_non_null(f);
	assert_int_equal(f->initiator, FA_INIT_INFERRED);
	return f;
}

static void test_midstream_service_port(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	enum fa_dir dir;
	struct fa_flow *f;

	/* Server talking first: 443 is the service. */
	f = midstream(tab, &r, SRV, 443, CLI, 50000, &dir);
	assert_int_equal(dir, FA_DIR_REV);
	assert_addr(&f->src, CLI);
	assert_int_equal(f->dport, 443);
	/* The service port wins even when the client's port is lower. */
	f = midstream(tab, &r, SRV, 5432, CLI, 2000, &dir);
	assert_int_equal(dir, FA_DIR_REV);
	assert_addr(&f->src, CLI);
	assert_int_equal(f->sport, 2000);
	assert_int_equal(f->dport, 5432);
	/* And from the client side. */
	f = midstream(tab, &r, CLI, 1000, SRV, 8080, &dir);
	assert_int_equal(dir, FA_DIR_FWD);
	assert_int_equal(f->dport, 8080);
	fa_flowtab_free(&tab);
}

static void test_midstream_lower_port(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	enum fa_dir dir;
	struct fa_flow *f;

	/* Neither 7777 nor 40001 is a service port: the lower one serves. */
	f = midstream(tab, &r, SRV, 7777, CLI, 40001, &dir);
	assert_int_equal(dir, FA_DIR_REV);
	assert_addr(&f->src, CLI);
	assert_int_equal(f->dport, 7777);
	f = midstream(tab, &r, CLI, 40002, SRV, 7777, &dir);
	assert_int_equal(dir, FA_DIR_FWD);
	assert_addr(&f->src, CLI);
	/* Both service ports: still the lower one. */
	f = midstream(tab, &r, SRV, 22, CLI, 443, &dir);
	assert_int_equal(dir, FA_DIR_REV);
	assert_int_equal(f->dport, 22);
	/* Equal ports say nothing: the receiver is taken as the server. */
	f = midstream(tab, &r, SRV, 9999, CLI, 9999, &dir);
	assert_int_equal(dir, FA_DIR_FWD);
	assert_addr(&f->src, SRV);
	fa_flowtab_free(&tab);
}

static void test_udp_first_packet(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	/* A DNS answer seen first still makes its sender the initiator. */
	struct fa_pkt ans = mk(SRV, 53, CLI, 33333, FA_L4_UDP, 0, T0, 120);
	enum fa_dir dir;
	struct fa_flow *f = feed(tab, &r, &ans, &dir, NULL);

	assert_non_null(f);
	assert_int_equal(dir, FA_DIR_FWD);
	assert_int_equal(f->initiator, FA_INIT_FIRST);
	assert_addr(&f->src, SRV);
	assert_int_equal(f->sport, 53);
	fa_flowtab_free(&tab);
}

static void test_counters_per_direction(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt p[] = {
	    mk(CLI, 40000, SRV, 80, FA_L4_TCP, FA_TCP_SYN, T0, 60),
	    mk(SRV, 80, CLI, 40000, FA_L4_TCP, FA_TCP_SYN | FA_TCP_ACK, T0 + 10, 60),
	    mk(CLI, 40000, SRV, 80, FA_L4_TCP, FA_TCP_ACK, T0 + 20, 52),
	    mk(CLI, 40000, SRV, 80, FA_L4_TCP, FA_TCP_ACK | FA_TCP_PSH, T0 + 30, 452),
	    mk(SRV, 80, CLI, 40000, FA_L4_TCP, FA_TCP_ACK | FA_TCP_PSH, T0 + 500, 1500),
	};
	struct fa_flow *first = NULL;
	struct fa_flowtab_stats st;

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		bool created;
		enum fa_dir dir;
		struct fa_flow *f = feed(tab, &r, &p[i], &dir, &created);

		assert_non_null(f);
		assert_int_equal(created, i == 0);
		assert_int_equal(dir, p[i].sport == 80 ? FA_DIR_REV : FA_DIR_FWD);
		if (!first)
			first = f;
		assert_ptr_equal(f, first);
	}
	assert_int_equal(first->pkts[FA_DIR_FWD], 3);
	assert_int_equal(first->pkts[FA_DIR_REV], 2);
	assert_int_equal(first->bytes[FA_DIR_FWD], 60 + 52 + 452);
	assert_int_equal(first->bytes[FA_DIR_REV], 60 + 1500);
	assert_int_equal(first->tcp_seen[FA_DIR_FWD], FA_TCP_SYN | FA_TCP_ACK | FA_TCP_PSH);
	assert_int_equal(first->tcp_seen[FA_DIR_REV], FA_TCP_SYN | FA_TCP_ACK | FA_TCP_PSH);
	assert_int_equal(first->ts_first, T0);
	assert_int_equal(first->ts_last, T0 + 500);
	fa_flowtab_stats(tab, &st);
	assert_int_equal(st.created, 1);
	assert_int_equal(st.active, 1);
	fa_flowtab_free(&tab);
}

static void test_v6_and_vlans_separate_flows(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt a = mk("2001:db8::1", 5000, "2001:db8::2", 6000, FA_L4_UDP, 0, T0, 100);
	struct fa_pkt b = mk("2001:db8::2", 6000, "2001:db8::1", 5000, FA_L4_UDP, 0, T0 + 1, 80);
	struct fa_pkt v = a;
	enum fa_dir dir;
	bool created;
	struct fa_flow *fa, *fb, *fv;

	a.nvlan = b.nvlan = 1;
	a.vlan[0] = b.vlan[0] = 10;
	a.tunnel = 4;
	v.nvlan = 1;
	v.vlan[0] = 11;
	fa = feed(tab, &r, &a, NULL, NULL);
	fb = feed(tab, &r, &b, &dir, &created);
	assert_ptr_equal(fa, fb);
	assert_false(created);
	assert_int_equal(dir, FA_DIR_REV);
	assert_int_equal(fa->nvlan, 1);
	assert_int_equal(fa->vlan[0], 10);
	assert_int_equal(fa->tunnel, 4);
	fv = feed(tab, &r, &v, &dir, &created);
	assert_true(created);
	assert_ptr_not_equal(fv, fa);
	assert_int_equal(fv->vlan[0], 11);
	assert_int_equal(fa->pkts[FA_DIR_FWD] + fa->pkts[FA_DIR_REV], 2);
	assert_int_equal(fv->pkts[FA_DIR_FWD], 1);
	fa_flowtab_free(&tab);
}

static void test_icmp_echo_one_flow(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt req = mk(CLI, 0, SRV, 0, FA_L4_ICMP, 0, T0, 84);
	struct fa_pkt rep = mk(SRV, 0, CLI, 0, FA_L4_ICMP, 0, T0 + 5, 84);
	struct fa_flow *f1, *f2;
	enum fa_dir dir;

	req.icmp_type = 8;
	rep.icmp_type = 0;
	f1 = feed(tab, &r, &req, NULL, NULL);
	f2 = feed(tab, &r, &rep, &dir, NULL);
	assert_ptr_equal(f1, f2);
	assert_int_equal(dir, FA_DIR_REV);
	assert_int_equal(f1->initiator, FA_INIT_FIRST);
	fa_flowtab_free(&tab);
}

static struct fa_pkt icmp_unreach(const char *router, const struct fa_pkt *quoted, uint64_t ts)
{
	struct fa_pkt e;

	e = mk(router, 0, "10.0.0.1", 0, FA_L4_ICMP, 0, ts, 56);
	e.dst = quoted->src;
	e.icmp_type = 3;
	e.icmp_code = 3;
	e.icmp_error = true;
	e.quoted_l4proto = quoted->l4proto;
	e.quoted_src = quoted->src;
	e.quoted_dst = quoted->dst;
	e.quoted_sport = quoted->sport;
	e.quoted_dport = quoted->dport;
	return e;
}

static void test_icmp_error_matched(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt q = mk(CLI, 33000, SRV, 161, FA_L4_UDP, 0, T0, 70);
	struct fa_pkt e = icmp_unreach(SRV, &q, T0 + 100);
	struct fa_flowtab_stats st;
	struct fa_flow *f, *g;
	enum fa_dir dir;
	bool created;

	f = feed(tab, &r, &q, NULL, NULL);
	g = feed(tab, &r, &e, &dir, &created);
	assert_ptr_equal(f, g);
	assert_false(created);
	assert_int_equal(dir, FA_DIR_REV); /* back towards the quoted sender */
	assert_int_equal(f->icmp_errors, 1);
	assert_int_equal(f->pkts[FA_DIR_FWD], 1);
	assert_int_equal(f->pkts[FA_DIR_REV], 1);
	assert_int_equal(f->bytes[FA_DIR_REV], 56);
	assert_int_equal(f->ts_last, T0 + 100);
	assert_int_equal(f->proto, FA_L4_UDP);
	fa_flowtab_stats(tab, &st);
	assert_int_equal(st.icmp_errors_matched, 1);
	assert_int_equal(st.icmp_errors_unmatched, 0);
	assert_int_equal(st.created, 1);

	/* An error about a TCP flow leaves its flags alone. */
	struct fa_pkt t = mk(CLI, 40000, SRV, 80, FA_L4_TCP, FA_TCP_SYN, T0 + 200, 60);
	struct fa_pkt te = icmp_unreach("198.18.0.1", &t, T0 + 300);
	f = feed(tab, &r, &t, NULL, NULL);
	te.tcp_flags = FA_TCP_RST; /* nonsense a decoder could leave behind */
	g = feed(tab, &r, &te, NULL, NULL);
	assert_ptr_equal(f, g);
	assert_int_equal(f->tcp_seen[FA_DIR_REV], 0);
	assert_int_equal(f->close_at, 0);
	fa_flowtab_free(&tab);
}

static void test_icmp_error_unmatched(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt q = mk(CLI, 33000, SRV, 161, FA_L4_UDP, 0, T0, 70);
	struct fa_pkt e = icmp_unreach(SRV, &q, T0 + 100);
	struct fa_flowtab_stats st;
	bool created = true;

	assert_null(feed(tab, &r, &e, NULL, &created));
	assert_false(created);
	fa_flowtab_stats(tab, &st);
	assert_int_equal(st.created, 0);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.icmp_errors_unmatched, 1);
	assert_int_equal(st.icmp_errors_matched, 0);
	fa_flowtab_flush(tab, FA_END_EOF);
	assert_int_equal(r.total, 0);
	fa_flowtab_free(&tab);
}

static void test_flush_order_and_reason(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt a = mk(CLI, 1001, SRV, 53, FA_L4_UDP, 0, T0 + 1, 60);
	struct fa_pkt b = mk(CLI, 1002, SRV, 53, FA_L4_UDP, 0, T0 + 2, 60);
	struct fa_pkt c = mk(CLI, 1003, SRV, 80, FA_L4_TCP, FA_TCP_SYN, T0 + 3, 60);
	struct fa_pkt d = mk(CLI, 1004, SRV, 80, FA_L4_TCP, FA_TCP_RST, T0 + 4, 40);
	struct fa_flowtab_stats st;

	feed(tab, &r, &a, NULL, NULL);
	feed(tab, &r, &b, NULL, NULL);
	feed(tab, &r, &c, NULL, NULL);
	feed(tab, &r, &d, NULL, NULL);
	a.ts_us = T0 + 10; /* touching a does not change its age */
	feed(tab, &r, &a, NULL, NULL);
	fa_flowtab_flush(tab, FA_END_EOF);

	assert_int_equal(r.total, 4);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(r.ev[i].id, i + 1);
	assert_int_equal(r.ev[0].why, FA_END_EOF);
	assert_int_equal(r.ev[1].why, FA_END_EOF);
	assert_int_equal(r.ev[2].why, FA_END_EOF);
	assert_int_equal(r.ev[3].why, FA_END_RST); /* it had already ended */
	assert_int_equal(r.ev[0].flow.pkts[FA_DIR_FWD], 2);
	fa_flowtab_stats(tab, &st);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.ended[FA_END_EOF], 3);
	assert_int_equal(st.ended[FA_END_RST], 1);
	assert_int_equal(st.peak_active, 4);

	/* Deterministic: the same input gives the same callbacks. */
	struct recorder r2;
	struct fa_flowtab *tab2 = new_tab(&r2, NULL);
	a.ts_us = T0 + 1;
	feed(tab2, &r2, &a, NULL, NULL);
	feed(tab2, &r2, &b, NULL, NULL);
	feed(tab2, &r2, &c, NULL, NULL);
	feed(tab2, &r2, &d, NULL, NULL);
	a.ts_us = T0 + 10;
	feed(tab2, &r2, &a, NULL, NULL);
	fa_flowtab_flush(tab2, FA_END_EOF);
	assert_int_equal(r2.total, r.total);
	for (size_t i = 0; i < r.n; i++) {
		assert_int_equal(r2.ev[i].id, r.ev[i].id);
		assert_int_equal(r2.ev[i].why, r.ev[i].why);
		assert_int_equal(r2.ev[i].flow.sport, r.ev[i].flow.sport);
	}
	fa_flowtab_free(&tab2);
	fa_flowtab_free(&tab);
}

static void count_flow(struct fa_flow *f, void *ctx)
{
	(void)f;
	(*(size_t *)ctx)++;
}

static void test_foreach_and_null_safety(void **state)
{
	(void)state;
	struct recorder r;
	struct fa_flowtab *tab = new_tab(&r, NULL);
	struct fa_pkt a = mk(CLI, 1001, SRV, 53, FA_L4_UDP, 0, T0, 60);
	struct fa_pkt b = mk(CLI, 1002, SRV, 53, FA_L4_UDP, 0, T0, 60);
	size_t n = 0;
	struct fa_flowtab *none = NULL;
	struct fa_flowtab_opts bad = {.max_flows = 0xFFFFFFFFu};

	feed(tab, &r, &a, NULL, NULL);
	feed(tab, &r, &b, NULL, NULL);
	fa_flowtab_foreach(tab, count_flow, &n);
	assert_int_equal(n, 2);
	/* Out-pointers are optional. */
	assert_non_null(fa_flowtab_packet(tab, &a, NULL, NULL));
	assert_null(fa_flowtab_packet(NULL, &a, NULL, NULL));
	fa_flowtab_free(&none);
	fa_flowtab_free(NULL);
	assert_null(fa_flow_user(NULL));
	assert_int_not_equal(fa_flowtab_new(NULL, NULL), 0);
	assert_int_not_equal(fa_flowtab_new(&none, &bad), 0);
	assert_null(none);
	assert_int_equal(fa_flowtab_new(&none, NULL), 0); /* all defaults */
	fa_flowtab_free(&none);
	assert_null(none);
	fa_flowtab_free(&tab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syn_initiator),
	    cmocka_unit_test(test_synack_first),
	    cmocka_unit_test(test_midstream_service_port),
	    cmocka_unit_test(test_midstream_lower_port),
	    cmocka_unit_test(test_udp_first_packet),
	    cmocka_unit_test(test_counters_per_direction),
	    cmocka_unit_test(test_v6_and_vlans_separate_flows),
	    cmocka_unit_test(test_icmp_echo_one_flow),
	    cmocka_unit_test(test_icmp_error_matched),
	    cmocka_unit_test(test_icmp_error_unmatched),
	    cmocka_unit_test(test_flush_order_and_reason),
	    cmocka_unit_test(test_foreach_and_null_safety),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
