/* names.c - the bounded IP -> hostname table fed by DNS answers.
 *
 * Entries live in one preallocated array; a hash index (chained through
 * the entries) finds them, and a doubly linked age list orders them from
 * least to most recently learnt, so a full table replaces the oldest in
 * O(1). No allocation happens after fa_names_new. One writer, many readers:
 * readers take the lock shared and never reorder anything. */
#include "enrich/names.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "common/fa_error.h"

#define NAMES_MAX_CAPACITY (1u << 24)
#define NIL UINT32_MAX

struct name_entry {
	struct fa_addr addr;
	uint32_t hnext;        /* next entry in the same hash bucket */
	uint32_t older, newer; /* age list */
	uint64_t seq, prev_seq; /* when name / prev were learnt (caller's order) */
	char name[FA_NAME_MAX];
	char prev[FA_NAME_MAX]; /* the name before the last relearning, or "" */
};

struct fa_names {
	pthread_rwlock_t lock;
	struct name_entry *e;
	uint32_t *bucket; /* head entry index per bucket, NIL when empty */
	uint32_t bucket_mask;
	uint32_t capacity, used;
	uint32_t oldest, newest;
};

int fa_names_new(struct fa_names **out, uint32_t capacity)
{
	struct fa_names *t;
	uint32_t nb = 1;

	if (!out)
		return FA_ERR_USAGE;
	*out = NULL;
	if (!capacity || capacity > NAMES_MAX_CAPACITY)
		return FA_ERR_RANGE;
	while (nb < capacity)
		nb *= 2;
	t = calloc(1, sizeof(*t));
	if (!t)
		return FA_ERR_NOMEM;
	t->e = calloc(capacity, sizeof(*t->e));
	t->bucket = malloc(nb * sizeof(*t->bucket));
	if (!t->e || !t->bucket)
		goto fail;
	if (pthread_rwlock_init(&t->lock, NULL) != 0)
		goto fail;
	for (uint32_t i = 0; i < nb; i++)
		t->bucket[i] = NIL;
	t->bucket_mask = nb - 1;
	t->capacity = capacity;
	t->oldest = t->newest = NIL;
	*out = t;
	return FA_OK;

fail:
	free(t->e);
	free(t->bucket);
	free(t);
	return FA_ERR_NOMEM;
}

void fa_names_free(struct fa_names **names)
{
	if (!names || !*names)
		return;
	pthread_rwlock_destroy(&(*names)->lock);
	free((*names)->e);
	free((*names)->bucket);
	free(*names);
	*names = NULL;
}

/* Copies the address with the bytes past an IPv4 address cleared, so keys
 * compare and hash the same whatever the caller left there. */
static bool names_key(const struct fa_addr *in, struct fa_addr *key)
{
	if (!in || (in->ver != 4 && in->ver != 6))
		return false;
	memset(key, 0, sizeof(*key));
	key->ver = in->ver;
	memcpy(key->b, in->b, in->ver == 4 ? 4 : 16);
	return true;
}

static uint32_t names_bucket(const struct fa_names *t, const struct fa_addr *key)
{
	return (uint32_t)XXH3_64bits_withSeed(key->b, sizeof(key->b), key->ver) & t->bucket_mask;
}

static uint32_t names_find(const struct fa_names *t, const struct fa_addr *key)
{
	for (uint32_t i = t->bucket[names_bucket(t, key)]; i != NIL; i = t->e[i].hnext) {
		if (t->e[i].addr.ver == key->ver && !memcmp(t->e[i].addr.b, key->b, 16))
			return i;
	}
	return NIL;
}

static void age_unlink(struct fa_names *t, uint32_t i)
{
	struct name_entry *e = &t->e[i];

	if (e->older != NIL)
		t->e[e->older].newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer != NIL)
		t->e[e->newer].older = e->older;
	else
		t->newest = e->older;
}

static void age_push_newest(struct fa_names *t, uint32_t i)
{
	t->e[i].older = t->newest;
	t->e[i].newer = NIL;
	if (t->newest != NIL)
		t->e[t->newest].newer = i;
	else
		t->oldest = i;
	t->newest = i;
}

static void hash_unlink(struct fa_names *t, uint32_t i)
{
	uint32_t *link = &t->bucket[names_bucket(t, &t->e[i].addr)];

	while (*link != NIL && *link != i)
		link = &t->e[*link].hnext;
	if (*link == i)
		*link = t->e[i].hnext;
}

static void copy_name(char *dst, size_t dstlen, const char *src)
{
	size_t n = strnlen(src, dstlen - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void fa_names_put(struct fa_names *names, const struct fa_addr *addr, const char *name)
{
	fa_names_put_seq(names, addr, name, 0);
}

void fa_names_put_seq(struct fa_names *names, const struct fa_addr *addr, const char *name,
		      uint64_t seq)
{
	struct fa_addr key;
	uint32_t i;

	if (!names || !name || !name[0] || !names_key(addr, &key))
		return;
	pthread_rwlock_wrlock(&names->lock);
	i = names_find(names, &key);
	if (i != NIL) {
		/* Relearnt: it becomes the newest again; the name it replaces is
		 * kept for readers asking about an earlier moment. */
		age_unlink(names, i);
		memcpy(names->e[i].prev, names->e[i].name, sizeof(names->e[i].prev));
		names->e[i].prev_seq = names->e[i].seq;
	} else {
		if (names->used < names->capacity) {
			i = names->used++;
		} else {
			i = names->oldest;
			age_unlink(names, i);
			hash_unlink(names, i);
		}
		names->e[i].addr = key;
		names->e[i].prev[0] = '\0';
		uint32_t b = names_bucket(names, &key);
		names->e[i].hnext = names->bucket[b];
		names->bucket[b] = i;
	}
	copy_name(names->e[i].name, sizeof(names->e[i].name), name);
	names->e[i].seq = seq;
	age_push_newest(names, i);
	pthread_rwlock_unlock(&names->lock);
}

bool fa_names_get(struct fa_names *names, const struct fa_addr *addr, char *buf, size_t len)
{
	return fa_names_get_before(names, addr, UINT64_MAX, buf, len);
}

bool fa_names_get_before(struct fa_names *names, const struct fa_addr *addr, uint64_t before,
			 char *buf, size_t len)
{
	struct fa_addr key;
	uint32_t i;
	const char *found = NULL;

	if (!names || !buf || !len || !names_key(addr, &key))
		return false;
	pthread_rwlock_rdlock(&names->lock);
	i = names_find(names, &key);
	if (i != NIL) {
		const struct name_entry *e = &names->e[i];
		if (e->seq < before)
			found = e->name;
		else if (e->prev[0] && e->prev_seq < before)
			found = e->prev;
		if (found)
			copy_name(buf, len, found);
	}
	pthread_rwlock_unlock(&names->lock);
	return found != NULL;
}
