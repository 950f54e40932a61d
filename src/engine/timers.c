/* timers.c - what a long run does on a clock: periodic "stats" records and
 * starting a new JSON file every -G seconds.
 *
 * The clock is engine time (e->now_us): packet time, which a live capture
 * keeps moving with the wall clock while the wire is quiet. A replay thus
 * gives the same records however fast it runs. The capture thread checks
 * the timers between frames; each fires at most once per check, so a gap
 * in the capture gives one record, not one per interval missed. */
#include "engine_int.h"

#include "output/sink.h"

/* The first deadline after now on the grid start + k * every. */
static uint64_t next_due(uint64_t due, uint64_t every, uint64_t now)
{
	if (now >= due)
		due += ((now - due) / every + 1) * every;
	return due;
}

static void rotate_json(struct engine *e, uint64_t now)
{
	pthread_mutex_lock(&e->sh.out_lock);
	int rc = fa_sink_json_rotate(e->sh.json, now);
	if (rc < 0 && !e->sh.write_error)
		e->sh.write_error = rc;
	pthread_mutex_unlock(&e->sh.out_lock);
}

void engine_timers(struct engine *e)
{
	const struct fa_engine_opts *o = e->o;
	uint64_t now = e->now_us;
	if (!now || !(o->stats_every_us || (o->json_rotate_us && e->sh.json)))
		return;
	if (!e->timers_started) {
		/* The first time known: intervals count from here, and a file
		 * named by a template gets its name. */
		e->timers_started = true;
		e->next_stats_us = now + o->stats_every_us;
		e->next_rotate_us = now + o->json_rotate_us;
		if (o->json_rotate_us && e->sh.json)
			rotate_json(e, now);
		return;
	}
	/* A new file first: a record due at the same moment belongs to it. */
	if (o->json_rotate_us && e->sh.json && now >= e->next_rotate_us) {
		e->next_rotate_us = next_due(e->next_rotate_us, o->json_rotate_us, now);
		rotate_json(e, now);
	}
	if (o->stats_every_us && now >= e->next_stats_us) {
		e->next_stats_us = next_due(e->next_stats_us, o->stats_every_us, now);
		engine_write_stats(e, true);
	}
}
