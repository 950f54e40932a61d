/* test_flow_fixture.h - shared by the flow table tests: packets built by
 * hand and a recorder of every on_end call. */
#ifndef TEST_FLOW_FIXTURE_H
#define TEST_FLOW_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/fa_addr.h"
#include "flow/flow.h"

#define SEC 1000000ULL
#define T0 (1700000000ULL * SEC)
#define MAX_EVENTS 64
#define USER_SIZE 24

struct end_event {
	struct fa_flow flow; /* copy taken in on_end */
	enum fa_flow_end why;
	uint32_t id;
};

struct recorder {
	struct end_event ev[MAX_EVENTS];
	size_t n;            /* events kept in ev */
	size_t total;        /* on_end calls */
	uint32_t next_id;    /* ids given to created flows, from 1 */
	uint8_t *ends_by_id; /* optional: on_end calls per flow id */
	size_t ends_cap;
};

static void rec_on_end(struct fa_flow *f, enum fa_flow_end why, void *ctx)
{
	struct recorder *r = ctx;
	uint32_t id;

	memcpy(&id, fa_flow_user(f), sizeof(id));
	r->total++;
	if (r->ends_by_id && id < r->ends_cap)
		r->ends_by_id[id]++;
	if (r->n < MAX_EVENTS) {
		r->ev[r->n].flow = *f;
		r->ev[r->n].why = why;
		r->ev[r->n].id = id;
		r->n++;
	}
}

static struct fa_flowtab *new_tab(struct recorder *r, struct fa_flowtab_opts *o)
{
	struct fa_flowtab_opts def;
	struct fa_flowtab *tab = NULL;

	if (!o) {
		memset(&def, 0, sizeof(def));
		o = &def;
	}
	memset(r, 0, sizeof(*r));
	o->user_size = USER_SIZE;
	o->on_end = rec_on_end;
	o->ctx = r;
	assert_int_equal(fa_flowtab_new(&tab, o), 0);
	assert_non_null(tab);
	return tab;
}

static struct fa_pkt mk(const char *src, uint16_t sp, const char *dst, uint16_t dp, uint8_t proto,
                        uint8_t flags, uint64_t ts, uint32_t ip_len)
{
	struct fa_pkt p;

	memset(&p, 0, sizeof(p));
	assert_true(fa_addr_parse(src, &p.src));
	assert_true(fa_addr_parse(dst, &p.dst));
	p.sport = sp;
	p.dport = dp;
	p.l4proto = proto;
	p.tcp_flags = flags;
	p.ts_us = ts;
	p.ip_len = ip_len;
	return p;
}

/* Feeds one packet; a new flow must arrive with a zeroed user area, and
 * gets the next id in it. */
static struct fa_flow *feed(struct fa_flowtab *tab, struct recorder *r, const struct fa_pkt *p,
                            enum fa_dir *dir, bool *created)
{
	enum fa_dir d = FA_DIR_REV;
	bool c = false;
	struct fa_flow *f = fa_flowtab_packet(tab, p, &d, &c);

	if (f && c) {
		static const uint8_t zero[USER_SIZE];
		uint8_t *u = fa_flow_user(f);

		assert_memory_equal(u, zero, USER_SIZE);
		assert_int_equal(((uintptr_t)u) % 16, 0);
		r->next_id++;
		memcpy(u, &r->next_id, sizeof(r->next_id));
		memset(u + sizeof(r->next_id), 0xAB, USER_SIZE - sizeof(r->next_id));
	}
	if (dir)
		*dir = d;
	if (created)
		*created = c;
	return f;
}

static void assert_addr(const struct fa_addr *a, const char *text)
{
	struct fa_addr want;

	assert_true(fa_addr_parse(text, &want));
	assert_int_equal(fa_addr_cmp(a, &want), 0);
}

#endif
