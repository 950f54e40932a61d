/* input_live.c - live capture from one or more interfaces: each is polled,
 * frames go through the same path as a file's, and time moves on with the
 * wall clock while the wire is quiet, so idle flows still end. */
#include "engine_int.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "common/fa_error.h"
#include "common/fa_time.h"

#define DRAIN_MAX 1024 /* frames from one input before looking at the others */
#define POLL_MS 100
#define WALL_TICK_US 250000 /* expiry and drop counters while quiet */

int engine_open_live(struct engine *e, char *errbuf, size_t errlen)
{
	const struct fa_engine_opts *o = e->o;
	for (size_t i = 0; i < o->ninterfaces; i++) {
		char msg[512];
		if (e->nlive == MAX_LIVE_INPUTS) {
			snprintf(errbuf, errlen, "too many interfaces (at most %d)",
			         MAX_LIVE_INPUTS);
			return FA_ERR_USAGE;
		}
		int rc = fa_capture_open_live(&e->live[e->nlive], o->interfaces[i], &o->live,
		                              o->bpf, msg, sizeof(msg));
		if (rc < 0) {
			snprintf(errbuf, errlen, "%s", msg);
			return rc;
		}
		if (msg[0])
			fprintf(o->notice_fp, "flowaudit: %s\n", msg);
		struct fa_capture *cap = e->live[e->nlive++];
		int link = fa_capture_linktype(cap);
		if (!fa_decode_linktype_supported(link))
			fprintf(o->notice_fp,
			        "flowaudit: %s: link type %s (%d) is not decoded; its frames are "
			        "counted as decode errors\n",
			        fa_capture_name(cap), fa_capture_linktype_name(cap), link);
	}
	return FA_OK;
}

void engine_close_live(struct engine *e)
{
	for (size_t i = 0; i < e->nlive; i++)
		fa_capture_close(&e->live[i]);
	e->nlive = 0;
}

static uint64_t wall_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * FA_USEC_PER_SEC + (uint64_t)tv.tv_usec;
}

static void update_drops(struct engine *e)
{
	uint64_t d = 0, ifd = 0;
	for (size_t i = 0; i < e->nlive; i++) {
		struct fa_capture_stats st;
		if (e->live[i] && fa_capture_stats(e->live[i], &st)) {
			d += st.dropped;
			ifd += st.if_dropped;
		}
	}
	e->drops = d;
	e->if_drops = ifd;
}

/* Reads until stopped (signal, or q on the dashboard) or every input has
 * failed. */
void engine_read_live(struct engine *e)
{
	const struct fa_engine_opts *o = e->o;
	struct pollfd pfd[MAX_LIVE_INPUTS];
	bool open[MAX_LIVE_INPUTS];
	size_t nopen = e->nlive;
	uint64_t last_wall = fa_time_mono_us();

	for (size_t i = 0; i < e->nlive; i++) {
		pfd[i].fd = fa_capture_fd(e->live[i]);
		pfd[i].events = POLLIN;
		open[i] = true;
	}
	while (nopen && !(o->stop && *o->stop)) {
		bool got = false;
		for (size_t i = 0; i < e->nlive; i++) {
			if (!open[i])
				continue;
			int link = fa_capture_linktype(e->live[i]);
			struct fa_frame fr;
			int rc = 1;
			for (int k = 0;
			     k < DRAIN_MAX && (rc = fa_capture_next(e->live[i], &fr)) == 1; k++) {
				engine_frame(e, link, &fr);
				got = true;
			}
			if (rc < 0 || rc == 0) {
				fprintf(o->notice_fp, "flowaudit: %s; no longer reading it\n",
				        rc < 0 ? fa_capture_error(e->live[i])
				               : fa_capture_name(e->live[i]));
				open[i] = false;
				pfd[i].fd = -1;
				nopen--;
			}
		}
		if (!got)
			poll(pfd, e->nlive, POLL_MS);
		uint64_t mono = fa_time_mono_us();
		if (mono - last_wall >= WALL_TICK_US) {
			last_wall = mono;
			uint64_t now = wall_us();
			if (now > e->now_us)
				e->now_us = now;
			engine_tick_all(e, e->now_us);
			update_drops(e);
		}
		engine_maybe_snapshot(e);
		engine_signals(e);
	}
	update_drops(e);
}
