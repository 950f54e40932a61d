/* test_engine_ring.c - the SPSC ring: order, content, padding at the wrap,
 * and a producer and consumer racing on two threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/ring.h"

struct test_msg {
	struct fa_ring_msg hdr;
	uint32_t seq;
	uint32_t nbytes;
	uint8_t bytes[];
};

static size_t msg_size(uint32_t seq)
{
	/* Sizes vary so messages land at every alignment and some wrap. */
	return fa_ring_align(sizeof(struct test_msg) + (seq * 37u) % 700u);
}

static void put(struct fa_ring *r, uint32_t seq)
{
	size_t len = msg_size(seq);
	struct test_msg *m = fa_ring_reserve_wait(r, len);
	m->hdr.len = (uint32_t)len;
	m->hdr.kind = 1;
	m->seq = seq;
	m->nbytes = (uint32_t)(len - sizeof(*m));
	for (uint32_t i = 0; i < m->nbytes; i++)
		m->bytes[i] = (uint8_t)(seq + i);
	fa_ring_commit(r, len);
}

static void check(const struct test_msg *m, uint32_t seq)
{
	assert_int_equal(m->hdr.kind, 1);
	assert_int_equal(m->seq, seq);
	assert_int_equal(m->hdr.len, msg_size(seq));
	for (uint32_t i = 0; i < m->nbytes; i++)
		assert_int_equal(m->bytes[i], (uint8_t)(seq + i));
}

static void empty_ring_gives_nothing(void **state)
{
	(void)state;
	struct fa_ring r;
	assert_int_equal(fa_ring_init(&r, 4096), 0);
	assert_null(fa_ring_peek(&r));
	fa_ring_destroy(&r);
}

static void single_thread_wraps_in_order(void **state)
{
	(void)state;
	struct fa_ring r;
	assert_int_equal(fa_ring_init(&r, 8192), 0);
	uint32_t next_put = 0, next_get = 0;
	/* Keep the ring partly full while cycling it many times round. */
	while (next_get < 5000) {
		while (next_put < 5000 && fa_ring_reserve(&r, msg_size(next_put)))
			put(&r, next_put++);
		struct fa_ring_msg *m = fa_ring_peek(&r);
		assert_non_null(m);
		check((struct test_msg *)m, next_get++);
		fa_ring_release(&r, m);
	}
	assert_null(fa_ring_peek(&r));
	fa_ring_destroy(&r);
}

static void full_ring_refuses(void **state)
{
	(void)state;
	struct fa_ring r;
	assert_int_equal(fa_ring_init(&r, 4096), 0);
	size_t n = 0;
	while (fa_ring_reserve(&r, 512)) {
		struct fa_ring_msg *m = fa_ring_reserve(&r, 512);
		m->len = 512;
		m->kind = 1;
		fa_ring_commit(&r, 512);
		n++;
	}
	assert_int_equal(n, 4096 / 512);
	fa_ring_destroy(&r);
}

#define RACE_MSGS 200000u

static void *producer(void *arg)
{
	for (uint32_t i = 0; i < RACE_MSGS; i++)
		put(arg, i);
	return NULL;
}

static void two_threads_lose_nothing(void **state)
{
	(void)state;
	struct fa_ring r;
	pthread_t t;
	assert_int_equal(fa_ring_init(&r, 1 << 16), 0);
	assert_int_equal(pthread_create(&t, NULL, producer, &r), 0);
	for (uint32_t i = 0; i < RACE_MSGS; i++) {
		struct fa_ring_msg *m = fa_ring_peek_wait(&r);
		check((struct test_msg *)m, i);
		fa_ring_release(&r, m);
	}
	pthread_join(t, NULL);
	assert_null(fa_ring_peek(&r));
	fa_ring_destroy(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(empty_ring_gives_nothing),
	    cmocka_unit_test(single_thread_wraps_in_order),
	    cmocka_unit_test(full_ring_refuses),
	    cmocka_unit_test(two_threads_lose_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
