/* progress.h - a one-line progress bar on a terminal while a file is read.
 * Drawn at most five times a second; silent when the stream is not a tty. */
#ifndef FA_PROGRESS_H
#define FA_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct fa_progress {
	FILE *fp;
	bool on;
	bool drawn;
	const char *name;
	uint64_t started_us, last_us, frames_at_start;
};

void fa_progress_init(struct fa_progress *p, FILE *fp, bool wanted);
void fa_progress_begin(struct fa_progress *p, const char *name);
void fa_progress_update(struct fa_progress *p, uint64_t done, uint64_t total, uint64_t frames);
void fa_progress_end(struct fa_progress *p);

#endif
