/* worker_ring.c - a worker in a thread of its own: the capture thread posts
 * packets and ticks into its SPSC ring, the thread runs them through the
 * same functions the inline worker uses. */
#include "worker_int.h"

#include <string.h>

#include "common/fa_error.h"

#define RING_BYTES (8u << 20)

enum msg_kind { MSG_PKT = 1, MSG_TICK = 2, MSG_END = 3 };

struct msg_pkt {
	struct fa_ring_msg hdr;
	struct fa_pkt pkt;    /* l3 and payload pointers are rebuilt on receipt */
	uint32_t payload_off; /* payload - l3 */
	uint32_t pad_;
	uint8_t l3[];
};

struct msg_tick {
	struct fa_ring_msg hdr;
	uint64_t now_us;
};

static void *worker_main(void *arg)
{
	struct fa_worker *w = arg;
	for (;;) {
		struct fa_ring_msg *m = fa_ring_peek_wait(&w->ring);
		switch (m->kind) {
		case MSG_PKT: {
			struct msg_pkt *mp = (struct msg_pkt *)m;
			struct fa_pkt pkt = mp->pkt;
			pkt.l3 = mp->l3;
			pkt.payload = pkt.payload_len ? mp->l3 + mp->payload_off : NULL;
			fa_worker_packet(w, &pkt);
			break;
		}
		case MSG_TICK: fa_worker_tick(w, ((struct msg_tick *)m)->now_us); break;
		case MSG_END:
			fa_ring_release(&w->ring, m);
			fa_worker_finish(w);
			return NULL;
		}
		fa_ring_release(&w->ring, m);
	}
}

int fa_worker_start(struct fa_worker *w)
{
	if (fa_ring_init(&w->ring, RING_BYTES) < 0)
		return FA_ERR_NOMEM;
	w->ring_ok = true;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		return FA_ERR_THREAD;
	w->started = true;
	return FA_OK;
}

void fa_worker_post_packet(struct fa_worker *w, const struct fa_pkt *pkt)
{
	uint32_t l3_len = pkt->l3_len;
	size_t len = fa_ring_align(sizeof(struct msg_pkt) + l3_len);
	struct msg_pkt *m = fa_ring_reserve_wait(&w->ring, len);
	m->hdr.len = (uint32_t)len;
	m->hdr.kind = MSG_PKT;
	m->pkt = *pkt;
	m->pkt.l3 = NULL;
	m->pkt.payload = NULL;
	m->payload_off = 0;
	/* The payload lies inside the IP packet; anything else is not sent. */
	if (pkt->payload && pkt->payload >= pkt->l3 &&
	    pkt->payload + pkt->payload_len <= pkt->l3 + l3_len)
		m->payload_off = (uint32_t)(pkt->payload - pkt->l3);
	else
		m->pkt.payload_len = 0;
	if (l3_len)
		memcpy(m->l3, pkt->l3, l3_len);
	fa_ring_commit(&w->ring, len);
}

void fa_worker_post_tick(struct fa_worker *w, uint64_t now_us)
{
	size_t len = sizeof(struct msg_tick);
	struct msg_tick *m = fa_ring_reserve_wait(&w->ring, len);
	m->hdr.len = (uint32_t)len;
	m->hdr.kind = MSG_TICK;
	m->now_us = now_us;
	fa_ring_commit(&w->ring, len);
}

void fa_worker_join(struct fa_worker *w)
{
	if (!w->started)
		return;
	size_t len = sizeof(struct fa_ring_msg);
	struct fa_ring_msg *m = fa_ring_reserve_wait(&w->ring, fa_ring_align(len));
	m->len = (uint32_t)fa_ring_align(len);
	m->kind = MSG_END;
	fa_ring_commit(&w->ring, m->len);
	pthread_join(w->thread, NULL);
	w->started = false;
}
