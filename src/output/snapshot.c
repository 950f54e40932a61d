/* snapshot.c - snapshots for the dashboard: an arena per snapshot, and the
 * one-slot mailbox between the engine and the screen. */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"

#define BLOCK_MIN (64u * 1024)

/* Arena blocks never move, so pointers into them stay valid. */
struct fa_snap_block {
	struct fa_snap_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct fa_snapshot *fa_snapshot_new(void)
{
	struct fa_snapshot *s = calloc(1, sizeof(*s));
	if (s)
		s->refs_ = 1;
	return s;
}

void *fa_snapshot_alloc(struct fa_snapshot *s, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct fa_snap_block *b = s->blocks_;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > BLOCK_MIN ? size : BLOCK_MIN;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = s->blocks_;
		b->used = 0;
		b->cap = cap;
		s->blocks_ = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

const char *fa_snapshot_str(struct fa_snapshot *s, const char *str)
{
	if (!str)
		return NULL;
	size_t n = strlen(str) + 1;
	char *p = fa_snapshot_alloc(s, n);
	if (p)
		memcpy(p, str, n);
	return p;
}

static void snapshot_free(struct fa_snapshot *s)
{
	struct fa_snap_block *b = s->blocks_;
	while (b) {
		struct fa_snap_block *next = b->next;
		free(b);
		b = next;
	}
	free(s);
}

int fa_snapshot_box_init(struct fa_snapshot_box *box)
{
	box->latest = NULL;
	return pthread_mutex_init(&box->lock, NULL) == 0 ? FA_OK : FA_ERR_THREAD;
}

void fa_snapshot_box_destroy(struct fa_snapshot_box *box)
{
	if (box->latest)
		snapshot_free(box->latest);
	box->latest = NULL;
	pthread_mutex_destroy(&box->lock);
}

void fa_snapshot_box_put(struct fa_snapshot_box *box, struct fa_snapshot *s)
{
	struct fa_snapshot *old;
	pthread_mutex_lock(&box->lock);
	old = box->latest;
	box->latest = s;
	bool free_old = old && --old->refs_ == 0;
	pthread_mutex_unlock(&box->lock);
	if (free_old)
		snapshot_free(old);
}

struct fa_snapshot *fa_snapshot_box_get(struct fa_snapshot_box *box)
{
	pthread_mutex_lock(&box->lock);
	struct fa_snapshot *s = box->latest;
	if (s)
		s->refs_++;
	pthread_mutex_unlock(&box->lock);
	return s;
}

void fa_snapshot_release(struct fa_snapshot_box *box, struct fa_snapshot *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&box->lock);
	bool last = --s->refs_ == 0;
	pthread_mutex_unlock(&box->lock);
	if (last)
		snapshot_free(s);
}
