/* geo.h - country and AS enrichment from MaxMind DB files (libmaxminddb).
 *
 * struct fa_geo holds the opened databases (read-only, shared by every
 * worker); struct fa_geo_cache is one worker's cache of recent lookups, so a
 * busy address is looked up once. Several databases may be opened (e.g. a
 * GeoLite2-Country and a GeoLite2-ASN file): each lookup asks all of them
 * and keeps the first value found for each field. */
#ifndef FA_GEO_H
#define FA_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/fa_addr.h"

#define FA_GEO_ORG_MAX 96

struct fa_geo_info {
	char country[3];             /* ISO 3166-1 alpha-2, "" when unknown */
	uint32_t asn;                /* 0 when unknown */
	char as_org[FA_GEO_ORG_MAX]; /* "" when unknown; truncated to fit */
};

static inline bool fa_geo_info_empty(const struct fa_geo_info *g)
{
	return !g->country[0] && !g->asn && !g->as_org[0];
}

struct fa_geo;
struct fa_geo_cache;

/* Opens `n` MaxMind DB files. On failure returns an error and writes a
 * message naming the file into errbuf. n == 0 gives a geo that finds nothing. */
int fa_geo_open(struct fa_geo **out, const char *const *paths, size_t n, char *errbuf,
                size_t errlen);
void fa_geo_close(struct fa_geo **geo);
size_t fa_geo_count(const struct fa_geo *geo); /* databases opened */

int fa_geo_cache_new(struct fa_geo_cache **out, const struct fa_geo *geo, uint32_t entries);
void fa_geo_cache_free(struct fa_geo_cache **cache);

/* Fills *info (zeroed when nothing is known). Returns true when anything
 * was found. */
bool fa_geo_lookup(struct fa_geo_cache *cache, const struct fa_addr *ip, struct fa_geo_info *info);

struct fa_geo_cache_stats {
	uint64_t lookups, hits, db_errors;
};
void fa_geo_cache_stats(const struct fa_geo_cache *cache, struct fa_geo_cache_stats *out);

#endif
