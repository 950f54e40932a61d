/* tui_screen.h - the terminal, behind the one file that talks to curses:
 * opening and restoring it, reading keys, drawing a frame in one refresh. */
#ifndef FA_TUI_SCREEN_H
#define FA_TUI_SCREEN_H

#include <stddef.h>

#include "tui_int.h"

struct tui_screen;

/* color: -1 auto, 0 never, 1 always (even with NO_COLOR set). */
int tui_screen_open(struct tui_screen **out, int color, char *errbuf, size_t errlen);
/* Restores the terminal (idempotent); the screen stays allocated. */
void tui_screen_end(struct tui_screen *scr);
void tui_screen_close(struct tui_screen **scr);
const struct tui_charset *tui_screen_charset(const struct tui_screen *scr);
/* Waits up to timeout_ms for a key; *ch is the character for TK_CHAR. */
enum tui_key tui_screen_key(struct tui_screen *scr, int timeout_ms, int *ch);
void tui_screen_size(struct tui_screen *scr, unsigned *width, unsigned *height);
void tui_screen_draw(struct tui_screen *scr, const struct tui_frame *f);

#endif
