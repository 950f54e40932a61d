/* ring.h - a single-producer single-consumer byte ring: how the capture
 * thread hands decoded packets to a worker without locks.
 *
 * Messages are variable-sized (a packet's bytes follow its header) and
 * 8-byte aligned; a message never wraps, the producer pads to the end
 * instead. The producer owns `head`, the consumer `tail`; each keeps a
 * cached copy of the other's index so the shared cache lines are touched
 * only when the ring looks full or empty. A consumer that finds the ring
 * empty for a while sleeps on a condition variable; the producer wakes it. */
#ifndef FA_RING_H
#define FA_RING_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fa_ring_msg {
	uint32_t len;  /* whole message incl. this header, multiple of 8 */
	uint32_t kind; /* caller-defined; 0 is the ring's padding */
};

struct fa_ring {
	_Alignas(64) _Atomic size_t head;
	size_t tail_cache;
	_Alignas(64) _Atomic size_t tail;
	size_t head_cache;
	_Alignas(64) atomic_bool sleeping;
	size_t cap; /* power of two */
	uint8_t *buf;
	pthread_mutex_t lock;
	pthread_cond_t wake;
};

int fa_ring_init(struct fa_ring *r, size_t cap);
void fa_ring_destroy(struct fa_ring *r);

/* Producer: room for a message of `len` bytes (header included), or NULL
 * when the ring is full right now. Write it, then fa_ring_commit. */
void *fa_ring_reserve(struct fa_ring *r, size_t len);
void fa_ring_commit(struct fa_ring *r, size_t len);
/* Producer: reserve, waiting while the consumer drains. */
void *fa_ring_reserve_wait(struct fa_ring *r, size_t len);

/* Consumer: the next message or NULL; fa_ring_release after use. */
struct fa_ring_msg *fa_ring_peek(struct fa_ring *r);
void fa_ring_release(struct fa_ring *r, const struct fa_ring_msg *m);
/* Consumer: the next message, sleeping while there is none. */
struct fa_ring_msg *fa_ring_peek_wait(struct fa_ring *r);

static inline size_t fa_ring_align(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

#endif
