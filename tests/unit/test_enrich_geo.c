/* test_enrich_geo.c - GeoIP lookups against the fixture databases of mkmmdb.pl.
 *
 * Expected values are the ones written by hand in tests/data/mkmmdb.pl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/fa_error.h"
#include "enrich/geo.h"

#define DB(name) FA_TEST_BUILD "/mmdb/" name

static struct fa_addr addr(const char *s)
{
	struct fa_addr a;

	assert_true(fa_addr_parse(s, &a));
	return a;
}

static struct fa_geo *open_dbs(const char *const *paths, size_t n)
{
	struct fa_geo *geo = NULL;
	char err[256] = "";

	if (fa_geo_open(&geo, paths, n, err, sizeof(err)) != FA_OK)
		fail_msg("fa_geo_open: %s", err);
	assert_int_equal(fa_geo_count(geo), n);
	return geo;
}

static void test_country_v4_v6_hit_and_miss(void **state)
{
	const char *paths[] = {DB("country.mmdb")};
	struct fa_geo *geo = open_dbs(paths, 1);
	struct fa_geo_cache *cache = NULL;
	struct fa_geo_info info;
	struct fa_addr a;

	(void)state;
	assert_int_equal(fa_geo_cache_new(&cache, geo, 64), FA_OK);

	a = addr("192.0.2.77");
	assert_true(fa_geo_lookup(cache, &a, &info));
	assert_string_equal(info.country, "US");
	assert_int_equal(info.asn, 0);
	assert_string_equal(info.as_org, "");

	a = addr("2001:db8:1234::5");
	assert_true(fa_geo_lookup(cache, &a, &info));
	assert_string_equal(info.country, "JP");

	/* Only registered_country is present for this block. */
	a = addr("198.51.100.9");
	assert_true(fa_geo_lookup(cache, &a, &info));
	assert_string_equal(info.country, "DE");

	a = addr("10.1.2.3");
	assert_false(fa_geo_lookup(cache, &a, &info));
	assert_true(fa_geo_info_empty(&info));

	a = addr("2001:db9::1");
	assert_false(fa_geo_lookup(cache, &a, &info));
	assert_true(fa_geo_info_empty(&info));

	struct fa_geo_cache_stats st;
	fa_geo_cache_stats(cache, &st);
	assert_int_equal(st.lookups, 5);
	assert_int_equal(st.hits, 0);
	assert_int_equal(st.db_errors, 0);

	fa_geo_cache_free(&cache);
	assert_null(cache);
	fa_geo_close(&geo);
	assert_null(geo);
}

static void test_two_databases_merge(void **state)
{
	const char *paths[] = {DB("country.mmdb"), DB("asn.mmdb")};
	struct fa_geo *geo = open_dbs(paths, 2);
	struct fa_geo_cache *cache = NULL;
	struct fa_geo_info info;
	struct fa_addr a;

	(void)state;
	assert_int_equal(fa_geo_cache_new(&cache, geo, 0), FA_OK);

	a = addr("192.0.2.1");
	assert_true(fa_geo_lookup(cache, &a, &info));
	assert_string_equal(info.country, "US");
	assert_int_equal(info.asn, 64496);
	assert_string_equal(info.as_org, "Example Transit");

	a = addr("2001:db8::53");
	assert_true(fa_geo_lookup(cache, &a, &info));
	assert_string_equal(info.country, "JP");
	assert_int_equal(info.asn, 64511);
	assert_string_equal(info.as_org, "Example Six");

	/* In the ASN database only. */
	a = addr("203.0.113.5");
	assert_true(fa_geo_lookup(cache, &a, &info));
	assert_string_equal(info.country, "");
	assert_int_equal(info.asn, 64500);
	assert_string_equal(info.as_org, "Documentation Net Three");

	/* A 120-character organisation is cut to fit, still terminated. */
	a = addr("203.0.113.200");
	assert_true(fa_geo_lookup(cache, &a, &info));
	assert_int_equal(info.asn, 64501);
	assert_int_equal(strlen(info.as_org), FA_GEO_ORG_MAX - 1);
	assert_memory_equal(info.as_org, "Long Organisation Name xxxx", 27);

	/* Cut where a two-byte character would straddle the end: the whole
	 * character goes, leaving 94 bytes rather than half a character. */
	a = addr("198.51.100.20");
	assert_true(fa_geo_lookup(cache, &a, &info));
	assert_string_equal(info.country, "DE");
	assert_int_equal(info.asn, 64502);
	assert_int_equal(strlen(info.as_org), 94);
	assert_int_equal(strspn(info.as_org, "x"), 94);

	fa_geo_cache_free(&cache);
	fa_geo_close(&geo);
}

static void test_ipv4_only_database_not_asked_ipv6(void **state)
{
	const char *paths[] = {DB("asn4.mmdb")};
	struct fa_geo *geo = open_dbs(paths, 1);
	struct fa_geo_cache *cache = NULL;
	struct fa_geo_cache_stats st;
	struct fa_geo_info info;
	struct fa_addr a;

	(void)state;
	assert_int_equal(fa_geo_cache_new(&cache, geo, 16), FA_OK);
	a = addr("192.0.2.200");
	assert_true(fa_geo_lookup(cache, &a, &info));
	assert_int_equal(info.asn, 64497);
	assert_string_equal(info.as_org, "Four Only");

	a = addr("2001:db8::1");
	assert_false(fa_geo_lookup(cache, &a, &info));
	fa_geo_cache_stats(cache, &st);
	assert_int_equal(st.db_errors, 0);

	fa_geo_cache_free(&cache);
	fa_geo_close(&geo);
}

static void test_bad_files_are_named(void **state)
{
	const char *garbage[] = {DB("country.mmdb"), DB("garbage.mmdb")};
	const char *missing[] = {DB("does-not-exist.mmdb")};
	struct fa_geo *geo = (struct fa_geo *)&geo; /* must be cleared */
	char err[512] = "";
	int rc;

	(void)state;
	rc = fa_geo_open(&geo, garbage, 2, err, sizeof(err));
	assert_int_equal(rc, FA_ERR_GEO);
	assert_null(geo);
	assert_non_null(strstr(err, "garbage.mmdb"));

	err[0] = '\0';
	rc = fa_geo_open(&geo, missing, 1, err, sizeof(err));
	assert_int_equal(rc, FA_ERR_IO);
	assert_null(geo);
	assert_non_null(strstr(err, "does-not-exist.mmdb"));
	assert_non_null(strstr(err, "No such file"));
}

static void test_cache_hits_and_negative_entries(void **state)
{
	const char *paths[] = {DB("country.mmdb"), DB("asn.mmdb")};
	struct fa_geo *geo = open_dbs(paths, 2);
	struct fa_geo_cache *cache = NULL;
	struct fa_geo_cache_stats st;
	struct fa_geo_info info;
	struct fa_addr hit = addr("192.0.2.10"), miss = addr("10.9.9.9");

	(void)state;
	assert_int_equal(fa_geo_cache_new(&cache, geo, 8), FA_OK);
	for (int i = 0; i < 3; i++) {
		assert_true(fa_geo_lookup(cache, &hit, &info));
		assert_string_equal(info.country, "US");
		assert_int_equal(info.asn, 64496);
		assert_false(fa_geo_lookup(cache, &miss, &info));
		assert_true(fa_geo_info_empty(&info));
	}
	fa_geo_cache_stats(cache, &st);
	assert_int_equal(st.lookups, 6);
	assert_int_equal(st.hits, 4); /* the first of each pair missed */

	/* Stray bytes after an IPv4 address are not part of the key. */
	struct fa_addr dirty = hit;
	dirty.b[10] = 0xee;
	assert_true(fa_geo_lookup(cache, &dirty, &info));
	assert_string_equal(info.country, "US");
	fa_geo_cache_stats(cache, &st);
	assert_int_equal(st.hits, 5);

	/* Many more addresses than entries: answers stay right under eviction. */
	for (int i = 0; i < 256; i++) {
		struct fa_addr a;
		char s[32];

		snprintf(s, sizeof(s), "192.0.2.%d", i);
		a = addr(s);
		assert_true(fa_geo_lookup(cache, &a, &info));
		assert_int_equal(info.asn, 64496);
		snprintf(s, sizeof(s), "10.0.0.%d", i);
		a = addr(s);
		assert_false(fa_geo_lookup(cache, &a, &info));
	}
	fa_geo_cache_free(&cache);
	fa_geo_close(&geo);
}

static void test_no_database_and_null_safety(void **state)
{
	struct fa_geo *geo = NULL;
	struct fa_geo_cache *cache = NULL;
	struct fa_geo_info info;
	struct fa_addr a = addr("192.0.2.1");

	(void)state;
	assert_int_equal(fa_geo_open(&geo, NULL, 0, NULL, 0), FA_OK);
	assert_int_equal(fa_geo_count(geo), 0);
	assert_int_equal(fa_geo_cache_new(&cache, geo, 4), FA_OK);
	assert_false(fa_geo_lookup(cache, &a, &info));
	assert_true(fa_geo_info_empty(&info));
	assert_false(fa_geo_lookup(NULL, &a, &info));
	fa_geo_cache_free(&cache);
	fa_geo_cache_free(&cache);
	fa_geo_cache_free(NULL);
	fa_geo_close(&geo);
	fa_geo_close(&geo);
	fa_geo_close(NULL);
	assert_int_equal(fa_geo_cache_new(&cache, NULL, UINT32_MAX), FA_ERR_RANGE);
	assert_null(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_country_v4_v6_hit_and_miss),
	    cmocka_unit_test(test_two_databases_merge),
	    cmocka_unit_test(test_ipv4_only_database_not_asked_ipv6),
	    cmocka_unit_test(test_bad_files_are_named),
	    cmocka_unit_test(test_cache_hits_and_negative_entries),
	    cmocka_unit_test(test_no_database_and_null_safety),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
