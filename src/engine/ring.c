/* ring.c - the SPSC byte ring (see ring.h for the protocol). */
#include "ring.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/fa_error.h"

int fa_ring_init(struct fa_ring *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	size_t c = 4096;
	while (c < cap)
		c <<= 1;
	r->buf = aligned_alloc(64, c);
	if (!r->buf)
		return FA_ERR_NOMEM;
	r->cap = c;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->sleeping, false);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	return FA_OK;
}

void fa_ring_destroy(struct fa_ring *r)
{
	if (!r->buf)
		return;
	free(r->buf);
	r->buf = NULL;
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->wake);
}

/* Free bytes as the producer sees them, refreshing the cached tail only
 * when the cached value says there is not enough. */
static bool has_room(struct fa_ring *r, size_t head, size_t need)
{
	if (r->cap - (head - r->tail_cache) >= need)
		return true;
	r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
	return r->cap - (head - r->tail_cache) >= need;
}

void *fa_ring_reserve(struct fa_ring *r, size_t len)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t off = head & (r->cap - 1);
	size_t to_end = r->cap - off;
	if (len > r->cap / 2)
		return NULL; /* never fits comfortably; callers size the ring */
	if (to_end < len) {
		/* Pad to the end so the message starts at offset 0. */
		if (!has_room(r, head, to_end + len))
			return NULL;
		struct fa_ring_msg *pad = (struct fa_ring_msg *)(r->buf + off);
		pad->len = (uint32_t)to_end;
		pad->kind = 0;
		atomic_store_explicit(&r->head, head + to_end, memory_order_release);
		return r->buf;
	}
	if (!has_room(r, head, len))
		return NULL;
	return r->buf + off;
}

void fa_ring_commit(struct fa_ring *r, size_t len)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	atomic_store_explicit(&r->head, head + len, memory_order_release);
	if (atomic_load_explicit(&r->sleeping, memory_order_acquire)) {
		pthread_mutex_lock(&r->lock);
		pthread_cond_signal(&r->wake);
		pthread_mutex_unlock(&r->lock);
	}
}

/* A busy-wait hint to the CPU; sched_yield in a spin loop cost more in the
 * scheduler than the work it waited for. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

#define SPIN_ROUNDS 4096 /* a few tens of microseconds before sleeping */

void *fa_ring_reserve_wait(struct fa_ring *r, size_t len)
{
	void *p;
	unsigned spins = 0;
	while (!(p = fa_ring_reserve(r, len))) {
		if (++spins < SPIN_ROUNDS) {
			cpu_relax();
		} else {
			struct timespec ts = {0, 50000};
			nanosleep(&ts, NULL);
		}
	}
	return p;
}

struct fa_ring_msg *fa_ring_peek(struct fa_ring *r)
{
	for (;;) {
		size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
		if (tail == r->head_cache) {
			r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
			if (tail == r->head_cache)
				return NULL;
		}
		struct fa_ring_msg *m = (struct fa_ring_msg *)(r->buf + (tail & (r->cap - 1)));
		if (m->kind != 0)
			return m;
		atomic_store_explicit(&r->tail, tail + m->len, memory_order_release);
	}
}

void fa_ring_release(struct fa_ring *r, const struct fa_ring_msg *m)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	atomic_store_explicit(&r->tail, tail + m->len, memory_order_release);
}

struct fa_ring_msg *fa_ring_peek_wait(struct fa_ring *r)
{
	struct fa_ring_msg *m;
	unsigned spins = 0;
	while (!(m = fa_ring_peek(r))) {
		if (++spins < SPIN_ROUNDS) {
			cpu_relax();
			continue;
		}
		/* Announce the sleep, then look again so a commit between the
		 * check and the wait is not missed for long; the timed wait bounds
		 * any remaining race. */
		pthread_mutex_lock(&r->lock);
		atomic_store_explicit(&r->sleeping, true, memory_order_seq_cst);
		if (!(m = fa_ring_peek(r))) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 2000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&r->wake, &r->lock, &ts);
		}
		atomic_store_explicit(&r->sleeping, false, memory_order_relaxed);
		pthread_mutex_unlock(&r->lock);
		if (m)
			return m;
		spins = 0;
	}
	return m;
}
