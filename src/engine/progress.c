/* progress.c - the replay progress bar. */
#include "progress.h"

#include <string.h>
#include <unistd.h>

#include "common/fa_time.h"

#define BAR_WIDTH 30
#define REDRAW_US 200000

void fa_progress_init(struct fa_progress *p, FILE *fp, bool wanted)
{
	memset(p, 0, sizeof(*p));
	p->fp = fp;
	p->on = wanted && fp && isatty(fileno(fp));
}

void fa_progress_begin(struct fa_progress *p, const char *name)
{
	p->name = name;
	p->started_us = p->last_us = fa_time_mono_us();
	p->drawn = false;
}

void fa_progress_update(struct fa_progress *p, uint64_t done, uint64_t total, uint64_t frames)
{
	if (!p->on || !total)
		return;
	uint64_t now = fa_time_mono_us();
	if (now - p->last_us < REDRAW_US)
		return;
	if (!p->drawn)
		p->frames_at_start = frames;
	p->last_us = now;
	double frac = done >= total ? 1.0 : (double)done / (double)total;
	int fill = (int)(frac * BAR_WIDTH);
	char bar[BAR_WIDTH + 1];
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(BAR_WIDTH - fill));
	bar[BAR_WIDTH] = '\0';
	double secs = (double)(now - p->started_us) / 1e6;
	double rate = secs > 0 ? (double)(frames - p->frames_at_start) / secs : 0;
	double eta = frac > 0 ? secs / frac - secs : 0;
	fprintf(p->fp, "\r[%s] %3.0f%% %10llu pkts %8.0f pkt/s ETA %4.0fs %.30s", bar, frac * 100,
	        (unsigned long long)frames, rate, eta, p->name ? p->name : "");
	fflush(p->fp);
	p->drawn = true;
}

void fa_progress_end(struct fa_progress *p)
{
	if (p->on && p->drawn) {
		fprintf(p->fp, "\r%*s\r", 110, "");
		fflush(p->fp);
	}
	p->drawn = false;
}
