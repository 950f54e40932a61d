/* tui.h - the live dashboard: a terminal screen that draws the engine's
 * snapshots (src/output/snapshot.h) in its own thread.
 *
 * The dashboard only takes the latest snapshot from the box and releases it;
 * it never holds a lock the capture path needs. It owns the terminal from
 * fa_tui_start until the user quits or fa_tui_stop, and restores it then. */
#ifndef FA_TUI_H
#define FA_TUI_H

#include <signal.h>
#include <stddef.h>

#include "output/snapshot.h"

struct fa_tui;

struct fa_tui_opts {
	struct fa_snapshot_box *box; /* where snapshots arrive */
	volatile sig_atomic_t *quit; /* set to 1 when the user presses q (the engine stops) */
	int color;                   /* -1 auto (if the terminal has colours), 0 never, 1 always */
	unsigned refresh_ms;         /* redraw period, default 250 */
};

/* Takes over the terminal and starts the drawing thread. Fails (FA_ERR_USAGE,
 * with a message in errbuf) when standard output is not a terminal, or when
 * curses cannot use it. Keys are read from standard input, or from the
 * controlling terminal when standard input is not one (a capture on it). Sets LC_CTYPE from the
 * environment so that non-ASCII text is drawn. */
int fa_tui_start(struct fa_tui **out, const struct fa_tui_opts *o, char *errbuf, size_t errlen);
/* Blocks until the user quits (q); used at the end of a replay, when the
 * last view stays on the screen. */
void fa_tui_wait(struct fa_tui *t);
/* Ends the thread, restores the terminal and frees; NULL-safe; clears *t.
 * Callable from any thread but the dashboard's own. */
void fa_tui_stop(struct fa_tui **t);

#endif
