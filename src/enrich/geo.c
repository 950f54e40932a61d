/* geo.c - country and AS lookups in MaxMind DB files, with a per-worker cache.
 *
 * The only file that includes maxminddb.h. Field paths follow the GeoIP2 /
 * GeoLite2 Country, City and ASN layouts (DB-IP's lite files use the same
 * paths). The opened databases are read-only after fa_geo_open, and
 * libmaxminddb lookups on an MMDB_s are thread-safe, so one fa_geo serves
 * every worker; each worker owns its fa_geo_cache and no lock is taken. */
#include "enrich/geo.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <maxminddb.h>
#include <xxhash.h>

#include "common/fa_error.h"

#define GEO_CACHE_DEFAULT 4096u
#define GEO_CACHE_MAX (1u << 22)

struct fa_geo {
	size_t n;
	MMDB_s *dbs;
};

/* One remembered answer; found == false caches a miss, so an address no
 * database knows is not looked up again and again. */
struct geo_entry {
	struct fa_addr addr; /* ver == 0: slot unused */
	bool found;
	struct fa_geo_info info;
};

/* Two-way set associative: a busy address rarely evicts another busy one
 * that hashes to the same set, and `lru` picks the way to replace. */
struct geo_set {
	struct geo_entry way[2];
	uint8_t lru; /* index of the least recently used way */
};

struct fa_geo_cache {
	const struct fa_geo *geo;
	struct geo_set *sets;
	uint32_t set_mask;
	struct fa_geo_cache_stats stats;
};

int fa_geo_open(struct fa_geo **out, const char *const *paths, size_t n, char *errbuf,
                size_t errlen)
{
	struct fa_geo *geo;
	size_t opened = 0;
	int err = FA_ERR_NOMEM;

	if (!out || (n && !paths))
		return FA_ERR_USAGE;
	*out = NULL;
	geo = calloc(1, sizeof(*geo));
	if (!geo)
		goto fail;
	if (n) {
		geo->dbs = calloc(n, sizeof(*geo->dbs));
		if (!geo->dbs)
			goto fail;
	}
	for (; opened < n; opened++) {
		int status = MMDB_open(paths[opened], MMDB_MODE_MMAP, &geo->dbs[opened]);

		if (status == MMDB_SUCCESS)
			continue;
		if (status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) {
			/* errno still holds the cause (missing file, permissions). */
			int sys = errno;

			if (errbuf && errlen)
				snprintf(errbuf, errlen, "%s: %s (%s)", paths[opened],
				         MMDB_strerror(status), strerror(sys));
			err = FA_ERR_IO;
		} else {
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "%s: %s; is it a MaxMind DB (.mmdb) file?",
				         paths[opened], MMDB_strerror(status));
			err = FA_ERR_GEO;
		}
		goto fail;
	}
	geo->n = n;
	*out = geo;
	return FA_OK;

fail:
	if (err == FA_ERR_NOMEM && errbuf && errlen)
		snprintf(errbuf, errlen, "out of memory opening the GeoIP databases");
	if (geo) {
		for (size_t i = 0; i < opened; i++)
			MMDB_close(&geo->dbs[i]);
		free(geo->dbs);
		free(geo);
	}
	return err;
}

void fa_geo_close(struct fa_geo **geo)
{
	if (!geo || !*geo)
		return;
	for (size_t i = 0; i < (*geo)->n; i++)
		MMDB_close(&(*geo)->dbs[i]);
	free((*geo)->dbs);
	free(*geo);
	*geo = NULL;
}

size_t fa_geo_count(const struct fa_geo *geo)
{
	return geo ? geo->n : 0;
}

int fa_geo_cache_new(struct fa_geo_cache **out, const struct fa_geo *geo, uint32_t entries)
{
	struct fa_geo_cache *c;
	uint32_t nsets = 1;

	if (!out)
		return FA_ERR_USAGE;
	*out = NULL;
	if (!entries)
		entries = GEO_CACHE_DEFAULT;
	if (entries > GEO_CACHE_MAX)
		return FA_ERR_RANGE;
	while (nsets * 2 < entries)
		nsets *= 2;
	c = calloc(1, sizeof(*c));
	if (!c)
		return FA_ERR_NOMEM;
	c->sets = calloc(nsets, sizeof(*c->sets));
	if (!c->sets) {
		free(c);
		return FA_ERR_NOMEM;
	}
	c->geo = geo;
	c->set_mask = nsets - 1;
	*out = c;
	return FA_OK;
}

void fa_geo_cache_free(struct fa_geo_cache **cache)
{
	if (!cache || !*cache)
		return;
	free((*cache)->sets);
	free(*cache);
	*cache = NULL;
}

/* A path that is simply absent from this record is not an error: Country
 * databases have no AS fields and ASN databases no country. */
static bool path_absent(int status)
{
	return status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
	       status == MMDB_INVALID_LOOKUP_PATH_ERROR;
}

/* Reads country.iso_code, falling back to registered_country.iso_code (the
 * country the block is registered to, present where the location is not). */
static int read_country(MMDB_entry_s *entry, char out[3])
{
	static const char *const parents[] = {"country", "registered_country"};

	for (size_t i = 0; i < 2; i++) {
		MMDB_entry_data_s d;
		int status = MMDB_get_value(entry, &d, parents[i], "iso_code", NULL);

		if (path_absent(status))
			continue;
		if (status != MMDB_SUCCESS)
			return -1;
		if (!d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
			continue;
		/* Only a plain two-letter code goes into records. */
		if (d.utf8_string[0] < 'A' || d.utf8_string[0] > 'Z' || d.utf8_string[1] < 'A' ||
		    d.utf8_string[1] > 'Z')
			continue;
		out[0] = d.utf8_string[0];
		out[1] = d.utf8_string[1];
		out[2] = '\0';
		return 1;
	}
	return 0;
}

static int read_asn(MMDB_entry_s *entry, uint32_t *asn)
{
	MMDB_entry_data_s d;
	int status = MMDB_get_value(entry, &d, "autonomous_system_number", NULL);

	if (path_absent(status))
		return 0;
	if (status != MMDB_SUCCESS)
		return -1;
	if (!d.has_data)
		return 0;
	switch (d.type) {
	case MMDB_DATA_TYPE_UINT16: *asn = d.uint16; break;
	case MMDB_DATA_TYPE_UINT32: *asn = d.uint32; break;
	case MMDB_DATA_TYPE_INT32:
		if (d.int32 <= 0)
			return 0;
		*asn = (uint32_t)d.int32;
		break;
	case MMDB_DATA_TYPE_UINT64:
		if (d.uint64 > UINT32_MAX)
			return 0;
		*asn = (uint32_t)d.uint64;
		break;
	default: return 0;
	}
	return *asn != 0;
}

static int read_org(MMDB_entry_s *entry, char *out, size_t outlen)
{
	MMDB_entry_data_s d;
	int status = MMDB_get_value(entry, &d, "autonomous_system_organization", NULL);
	size_t n;

	if (path_absent(status))
		return 0;
	if (status != MMDB_SUCCESS)
		return -1;
	if (!d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING || !d.data_size)
		return 0;
	n = d.data_size;
	if (n > outlen - 1) {
		n = outlen - 1;
		/* Cut before a UTF-8 continuation byte so no character is split. */
		while (n && ((uint8_t)d.utf8_string[n] & 0xc0) == 0x80)
			n--;
	}
	/* MMDB strings are not NUL-terminated; an embedded NUL ends ours. */
	for (size_t i = 0; i < n; i++) {
		if (!d.utf8_string[i]) {
			n = i;
			break;
		}
	}
	memcpy(out, d.utf8_string, n);
	out[n] = '\0';
	return n != 0;
}

/* Asks every database in order and keeps the first value found for each
 * field, so a Country file and an ASN file combine into one answer. */
static bool geo_query(const struct fa_geo *geo, const struct fa_addr *ip, struct fa_geo_info *info,
                      uint64_t *db_errors)
{
	struct sockaddr_storage ss;
	bool found = false;

	memset(&ss, 0, sizeof(ss));
	if (ip->ver == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, ip->b, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, ip->b, 16);
	}
	for (size_t i = 0; i < geo->n; i++) {
		MMDB_s *db = &geo->dbs[i];
		MMDB_lookup_result_s r;
		int mmdb_err = MMDB_SUCCESS;

		/* An IPv4-only database cannot answer IPv6; asking is an error. */
		if (ip->ver == 6 && db->metadata.ip_version == 4)
			continue;
		r = MMDB_lookup_sockaddr(db, (const struct sockaddr *)&ss, &mmdb_err);
		if (mmdb_err != MMDB_SUCCESS) {
			(*db_errors)++;
			continue;
		}
		if (!r.found_entry)
			continue;
		if (!info->country[0] && read_country(&r.entry, info->country) < 0)
			(*db_errors)++;
		if (!info->asn && read_asn(&r.entry, &info->asn) < 0)
			(*db_errors)++;
		if (!info->as_org[0] && read_org(&r.entry, info->as_org, sizeof(info->as_org)) < 0)
			(*db_errors)++;
		if (!fa_geo_info_empty(info))
			found = true;
	}
	return found;
}

bool fa_geo_lookup(struct fa_geo_cache *cache, const struct fa_addr *ip, struct fa_geo_info *info)
{
	struct geo_set *set;
	struct fa_addr key;
	uint64_t h;

	memset(info, 0, sizeof(*info));
	if (!cache)
		return false;
	cache->stats.lookups++;
	if (!cache->geo || !cache->geo->n || !ip || (ip->ver != 4 && ip->ver != 6))
		return false;

	/* Normalise so stray bytes past an IPv4 address never split the key. */
	memset(&key, 0, sizeof(key));
	key.ver = ip->ver;
	memcpy(key.b, ip->b, ip->ver == 4 ? 4 : 16);
	h = XXH3_64bits_withSeed(key.b, sizeof(key.b), key.ver);
	set = &cache->sets[h & cache->set_mask];
	for (uint8_t w = 0; w < 2; w++) {
		struct geo_entry *e = &set->way[w];

		if (e->addr.ver == key.ver && !memcmp(e->addr.b, key.b, sizeof(key.b))) {
			cache->stats.hits++;
			set->lru = (uint8_t)!w;
			*info = e->info;
			return e->found;
		}
	}

	struct geo_entry *victim = &set->way[set->lru];

	victim->found = geo_query(cache->geo, &key, info, &cache->stats.db_errors);
	victim->addr = key;
	victim->info = *info;
	set->lru = (uint8_t)!set->lru;
	return victim->found;
}

void fa_geo_cache_stats(const struct fa_geo_cache *cache, struct fa_geo_cache_stats *out)
{
	if (!out)
		return;
	if (!cache) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = cache->stats;
}
