/* test_enrich_names.c - the bounded IP -> name table, alone and under threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pthread.h>

#include <cmocka.h>

#include "common/fa_error.h"
#include "enrich/names.h"

static struct fa_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct fa_addr x;

	memset(&x, 0, sizeof(x));
	x.ver = 4;
	x.b[0] = a;
	x.b[1] = b;
	x.b[2] = c;
	x.b[3] = d;
	return x;
}

static void test_put_get_overwrite(void **state)
{
	struct fa_names *t = NULL;
	struct fa_addr a = v4(192, 0, 2, 1), b = v4(192, 0, 2, 2), six;
	char buf[FA_NAME_MAX];

	(void)state;
	assert_int_equal(fa_names_new(&t, 8), FA_OK);
	assert_false(fa_names_get(t, &a, buf, sizeof(buf)));

	fa_names_put(t, &a, "one.example");
	fa_names_put(t, &b, "two.example");
	assert_true(fa_names_get(t, &a, buf, sizeof(buf)));
	assert_string_equal(buf, "one.example");
	assert_true(fa_names_get(t, &b, buf, sizeof(buf)));
	assert_string_equal(buf, "two.example");

	fa_names_put(t, &a, "uno.example");
	assert_true(fa_names_get(t, &a, buf, sizeof(buf)));
	assert_string_equal(buf, "uno.example");

	/* The same 16 bytes as IPv6 are a different key. */
	six = a;
	six.ver = 6;
	assert_false(fa_names_get(t, &six, buf, sizeof(buf)));
	assert_true(fa_addr_parse("2001:db8::1", &six));
	fa_names_put(t, &six, "six.example");
	assert_true(fa_names_get(t, &six, buf, sizeof(buf)));
	assert_string_equal(buf, "six.example");

	/* Bytes past an IPv4 address are not part of it. */
	struct fa_addr dirty = a;
	dirty.b[12] = 0x99;
	assert_true(fa_names_get(t, &dirty, buf, sizeof(buf)));
	assert_string_equal(buf, "uno.example");

	/* A small buffer gets a terminated prefix. */
	char small[4];
	assert_true(fa_names_get(t, &a, small, sizeof(small)));
	assert_string_equal(small, "uno");
	assert_false(fa_names_get(t, &a, small, 0));

	/* Ignored input. */
	struct fa_addr unset;
	memset(&unset, 0, sizeof(unset));
	fa_names_put(t, &unset, "x");
	assert_false(fa_names_get(t, &unset, buf, sizeof(buf)));
	fa_names_put(t, &b, "");
	assert_true(fa_names_get(t, &b, buf, sizeof(buf)));
	assert_string_equal(buf, "two.example");

	fa_names_free(&t);
	assert_null(t);
	fa_names_free(&t);
	fa_names_free(NULL);
	fa_names_put(NULL, &a, "x");
	assert_false(fa_names_get(NULL, &a, buf, sizeof(buf)));
	assert_int_equal(fa_names_new(&t, 0), FA_ERR_RANGE);
	assert_null(t);
}

/* A reader asking about an earlier moment sees the name of that moment:
 * nothing before the first answer, the old name between two answers. */
static void test_get_before_sequence(void **state)
{
	struct fa_names *t = NULL;
	struct fa_addr a = v4(192, 0, 2, 1);
	char buf[FA_NAME_MAX];

	(void)state;
	assert_int_equal(fa_names_new(&t, 8), FA_OK);
	fa_names_put_seq(t, &a, "first.example", 10);
	assert_false(fa_names_get_before(t, &a, 10, buf, sizeof(buf)));
	assert_true(fa_names_get_before(t, &a, 11, buf, sizeof(buf)));
	assert_string_equal(buf, "first.example");

	fa_names_put_seq(t, &a, "second.example", 20);
	assert_false(fa_names_get_before(t, &a, 5, buf, sizeof(buf)));
	assert_true(fa_names_get_before(t, &a, 15, buf, sizeof(buf)));
	assert_string_equal(buf, "first.example");
	assert_true(fa_names_get_before(t, &a, 21, buf, sizeof(buf)));
	assert_string_equal(buf, "second.example");
	assert_true(fa_names_get(t, &a, buf, sizeof(buf)));
	assert_string_equal(buf, "second.example");
	fa_names_free(&t);
}

static void test_full_table_replaces_oldest(void **state)
{
	struct fa_names *t = NULL;
	char buf[FA_NAME_MAX], want[32];

	(void)state;
	assert_int_equal(fa_names_new(&t, 4), FA_OK);
	for (uint8_t i = 1; i <= 4; i++) {
		struct fa_addr a = v4(10, 0, 0, i);

		snprintf(want, sizeof(want), "h%u", i);
		fa_names_put(t, &a, want);
	}
	/* Relearning 10.0.0.1 makes 10.0.0.2 the oldest. */
	struct fa_addr a1 = v4(10, 0, 0, 1);
	fa_names_put(t, &a1, "h1-again");
	struct fa_addr a5 = v4(10, 0, 0, 5);
	fa_names_put(t, &a5, "h5");

	struct fa_addr a2 = v4(10, 0, 0, 2);
	assert_false(fa_names_get(t, &a2, buf, sizeof(buf)));
	assert_true(fa_names_get(t, &a1, buf, sizeof(buf)));
	assert_string_equal(buf, "h1-again");
	for (uint8_t i = 3; i <= 5; i++) {
		struct fa_addr a = v4(10, 0, 0, i);

		snprintf(want, sizeof(want), "h%u", i);
		assert_true(fa_names_get(t, &a, buf, sizeof(buf)));
		assert_string_equal(buf, want);
	}

	/* Then 3, 4, 1, 5 go in that order. */
	static const uint8_t gone_order[] = {3, 4, 1, 5};
	for (size_t k = 0; k < 4; k++) {
		struct fa_addr fresh = v4(10, 0, 1, (uint8_t)k);
		struct fa_addr gone = v4(10, 0, 0, gone_order[k]);

		fa_names_put(t, &fresh, "fresh");
		assert_false(fa_names_get(t, &gone, buf, sizeof(buf)));
		if (k < 3) {
			struct fa_addr next = v4(10, 0, 0, gone_order[k + 1]);
			assert_true(fa_names_get(t, &next, buf, sizeof(buf)));
		}
	}

	/* A long run through a small table keeps exactly the last four. */
	for (uint32_t i = 0; i < 10000; i++) {
		struct fa_addr a = v4(172, 16, (uint8_t)(i >> 8), (uint8_t)i);

		snprintf(want, sizeof(want), "n%u", i);
		fa_names_put(t, &a, want);
	}
	for (uint32_t i = 0; i < 10000; i++) {
		struct fa_addr a = v4(172, 16, (uint8_t)(i >> 8), (uint8_t)i);
		bool kept = i >= 10000 - 4;

		assert_int_equal(fa_names_get(t, &a, buf, sizeof(buf)), kept);
		if (kept) {
			snprintf(want, sizeof(want), "n%u", i);
			assert_string_equal(buf, want);
		}
	}
	fa_names_free(&t);
}

#define READERS 3
#define WRITES 50000u
#define SPACE 512u /* distinct addresses; the table holds fewer */

struct race {
	struct fa_names *t;
	volatile int done;
	uint64_t found, bad;
};

/* The name written for an address always spells that address, so a reader
 * can tell a torn or mismatched copy from a good one. */
static void name_for(uint32_t k, uint32_t gen, char *buf, size_t len)
{
	snprintf(buf, len, "host-%u-gen-%u.example", k, gen);
}

static void *writer(void *arg)
{
	struct race *r = arg;
	char name[64];

	for (uint32_t i = 0; i < WRITES; i++) {
		uint32_t k = (i * 2654435761u) % SPACE;
		struct fa_addr a = v4(10, 1, (uint8_t)(k >> 8), (uint8_t)k);

		name_for(k, i, name, sizeof(name));
		fa_names_put(r->t, &a, name);
	}
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *reader(void *arg)
{
	struct race *r = arg;
	uint64_t found = 0, bad = 0;
	uint32_t k = 0;
	char buf[FA_NAME_MAX], prefix[32];

	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
		struct fa_addr a;

		k = (k + 7) % SPACE;
		a = v4(10, 1, (uint8_t)(k >> 8), (uint8_t)k);
		if (!fa_names_get(r->t, &a, buf, sizeof(buf)))
			continue;
		found++;
		snprintf(prefix, sizeof(prefix), "host-%u-gen-", k);
		if (strncmp(buf, prefix, strlen(prefix)) != 0 ||
		    strcmp(buf + strlen(buf) - 8, ".example") != 0)
			bad++;
	}
	__atomic_fetch_add(&r->found, found, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->bad, bad, __ATOMIC_RELAXED);
	return NULL;
}

static void test_one_writer_many_readers(void **state)
{
	struct race r = {0};
	pthread_t w, rd[READERS];

	(void)state;
	assert_int_equal(fa_names_new(&r.t, SPACE / 2), FA_OK);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&rd[i], NULL, reader, &r), 0);
	assert_int_equal(pthread_create(&w, NULL, writer, &r), 0);
	pthread_join(w, NULL);
	for (int i = 0; i < READERS; i++)
		pthread_join(rd[i], NULL);
	assert_int_equal(r.bad, 0);
	assert_true(r.found > 0);
	fa_names_free(&r.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_get_overwrite),
	    cmocka_unit_test(test_get_before_sequence),
	    cmocka_unit_test(test_full_table_replaces_oldest),
	    cmocka_unit_test(test_one_writer_many_readers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
