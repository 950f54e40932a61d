/* tui.c - the dashboard's thread: it takes the latest snapshot at its own
 * pace, applies keys, rebuilds the current list and draws a frame; it only
 * ever borrows snapshots, so the engine never waits on the screen. */
#include "tui.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/fa_error.h"
#include "common/fa_time.h"
#include "tui_int.h"
#include "tui_screen.h"

#define KEY_WAIT_MS 50 /* how soon a stop request or a key is noticed */

struct fa_tui {
	struct fa_tui_opts o;
	struct tui_screen *scr;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done; /* the thread left its loop: the user quit or stop was asked */

	/* the thread's own */
	struct fa_snapshot *shown;
	struct tui_state st;
	struct tui_table table;
	struct tui_frame frame;
};

/* Takes the newest snapshot if it is not the one shown. */
static bool fetch(struct fa_tui *t)
{
	struct fa_snapshot *s = fa_snapshot_box_get(t->o.box);
	if (!s)
		return false;
	if (s == t->shown || (t->shown && s->seq == t->shown->seq)) {
		fa_snapshot_release(t->o.box, s);
		return false;
	}
	fa_snapshot_release(t->o.box, t->shown);
	t->shown = s;
	return true;
}

static void draw(struct fa_tui *t)
{
	unsigned w, h;
	struct tui_viewstate *vs = &t->st.vs[t->st.view];
	tui_screen_size(t->scr, &w, &h);
	/* on allocation failure the previous frame stays up; the next tries again */
	if (tui_table_build(&t->table, t->st.view, t->shown, vs->sort, vs->filter) == FA_OK &&
	    tui_frame_build(&t->frame, t->shown, &t->st, &t->table, w, h,
	                    tui_screen_charset(t->scr)) == FA_OK)
		tui_screen_draw(t->scr, &t->frame);
}

static void *run(void *arg)
{
	struct fa_tui *t = arg;
	uint64_t period = (uint64_t)t->o.refresh_ms * 1000, last = 0;
	bool dirty = true;
	while (!atomic_load(&t->stop)) {
		uint64_t now = fa_time_mono_us();
		if (!t->st.paused && (now - last >= period || !last)) {
			dirty |= fetch(t);
			last = now;
		}
		if (dirty)
			draw(t);
		dirty = false;
		int ch;
		enum tui_key k = tui_screen_key(t->scr, KEY_WAIT_MS, &ch);
		bool was_paused = t->st.paused;
		if (tui_state_key(&t->st, k, ch, &t->table, t->shown))
			dirty = true;
		if (was_paused && !t->st.paused)
			last = 0; /* resume with the newest data at once */
		if (t->st.quit) {
			if (t->o.quit)
				*t->o.quit = 1;
			break;
		}
	}
	/* the terminal is back as soon as the user quits, not when the engine
	 * gets round to fa_tui_stop */
	tui_screen_end(t->scr);
	pthread_mutex_lock(&t->lock);
	t->done = true;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int fa_tui_start(struct fa_tui **out, const struct fa_tui_opts *o, char *errbuf, size_t errlen)
{
	*out = NULL;
	if (!o || !o->box) {
		snprintf(errbuf, errlen, "dashboard: no snapshot box to read");
		return FA_ERR_USAGE;
	}
	struct fa_tui *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(errbuf, errlen, "dashboard: out of memory");
		return FA_ERR_NOMEM;
	}
	t->o = *o;
	if (!t->o.refresh_ms)
		t->o.refresh_ms = 250;
	tui_state_init(&t->st);
	atomic_init(&t->stop, false);
	if (pthread_mutex_init(&t->lock, NULL) != 0) {
		free(t);
		snprintf(errbuf, errlen, "dashboard: cannot create a mutex");
		return FA_ERR_THREAD;
	}
	if (pthread_cond_init(&t->cond, NULL) != 0) {
		pthread_mutex_destroy(&t->lock);
		free(t);
		snprintf(errbuf, errlen, "dashboard: cannot create a condition variable");
		return FA_ERR_THREAD;
	}
	int rc = tui_screen_open(&t->scr, o->color, errbuf, errlen);
	if (rc)
		goto fail;
	if (pthread_create(&t->thread, NULL, run, t) != 0) {
		snprintf(errbuf, errlen, "dashboard: cannot start its thread");
		rc = FA_ERR_THREAD;
		goto fail;
	}
	t->started = true;
	*out = t;
	return FA_OK;
fail:
	fa_tui_stop(&t);
	return rc;
}

void fa_tui_wait(struct fa_tui *t)
{
	if (!t || !t->started)
		return;
	pthread_mutex_lock(&t->lock);
	while (!t->done)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

void fa_tui_stop(struct fa_tui **tp)
{
	struct fa_tui *t = tp ? *tp : NULL;
	if (!t)
		return;
	if (t->started) {
		atomic_store(&t->stop, true);
		pthread_join(t->thread, NULL);
	}
	tui_screen_close(&t->scr);
	fa_snapshot_release(t->o.box, t->shown);
	tui_frame_clear(&t->frame);
	tui_table_free(&t->table);
	tui_state_free(&t->st);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t);
	*tp = NULL;
}
