/* tui_screen.c - the only code that talks to curses: it opens the terminal,
 * maps the dashboard's styles to colours (or to bold, underline and reverse
 * on terminals without colour), reads keys and draws a whole frame with a
 * single refresh. */
#include "tui_screen.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fa_error.h"

struct tui_screen {
	SCREEN *scr;
	FILE *keys; /* the terminal, when standard input carries a capture */
	bool ended;
	struct tui_charset cs;
	attr_t attr[TS__COUNT];
};

enum { P_INFO = 1, P_LOW, P_MEDIUM, P_HIGH, P_CRITICAL, P_TITLE, P_HEAD, P_TAB_ON, P_ALERT };

static void styles_mono(struct tui_screen *t)
{
	for (size_t i = 0; i < TS__COUNT; i++)
		t->attr[i] = A_NORMAL;
	t->attr[TS_BOLD] = A_BOLD;
	t->attr[TS_DIM] = A_DIM;
	t->attr[TS_SEV_HIGH] = A_BOLD;
	t->attr[TS_SEV_CRITICAL] = A_BOLD | A_UNDERLINE;
	t->attr[TS_TITLE] = A_BOLD;
	t->attr[TS_HEAD] = A_REVERSE;
	t->attr[TS_TAB_ON] = A_REVERSE | A_BOLD;
	t->attr[TS_ALERT] = A_REVERSE | A_BOLD;
}

static void styles_color(struct tui_screen *t)
{
	/* -1: the terminal's own background (use_default_colors) */
	init_pair(P_INFO, COLOR_CYAN, -1);
	init_pair(P_LOW, COLOR_GREEN, -1);
	init_pair(P_MEDIUM, COLOR_YELLOW, -1);
	init_pair(P_HIGH, COLOR_RED, -1);
	init_pair(P_CRITICAL, COLOR_WHITE, COLOR_RED);
	init_pair(P_TITLE, COLOR_CYAN, -1);
	init_pair(P_HEAD, COLOR_BLACK, COLOR_GREEN);
	init_pair(P_TAB_ON, COLOR_BLACK, COLOR_CYAN);
	init_pair(P_ALERT, COLOR_BLACK, COLOR_YELLOW);
	t->attr[TS_SEV_INFO] = COLOR_PAIR(P_INFO);
	t->attr[TS_SEV_LOW] = COLOR_PAIR(P_LOW);
	t->attr[TS_SEV_MEDIUM] = COLOR_PAIR(P_MEDIUM);
	t->attr[TS_SEV_HIGH] = COLOR_PAIR(P_HIGH) | A_BOLD;
	t->attr[TS_SEV_CRITICAL] = COLOR_PAIR(P_CRITICAL) | A_BOLD;
	t->attr[TS_TITLE] = COLOR_PAIR(P_TITLE) | A_BOLD;
	t->attr[TS_HEAD] = COLOR_PAIR(P_HEAD);
	t->attr[TS_TAB_ON] = COLOR_PAIR(P_TAB_ON) | A_BOLD;
	t->attr[TS_ALERT] = COLOR_PAIR(P_ALERT) | A_BOLD;
}

int tui_screen_open(struct tui_screen **out, int color, char *errbuf, size_t errlen)
{
	*out = NULL;
	if (!isatty(STDOUT_FILENO)) {
		snprintf(errbuf, errlen,
		         "the dashboard needs a terminal: standard output is not one "
		         "(run without --tui, or write --json/--report files instead)");
		return FA_ERR_USAGE;
	}
	struct tui_screen *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(errbuf, errlen, "out of memory starting the dashboard");
		return FA_ERR_NOMEM;
	}
	/* `-r -` reads the capture from standard input: keys then come from
	 * the controlling terminal */
	if (!isatty(STDIN_FILENO)) {
		t->keys = fopen("/dev/tty", "r");
		if (!t->keys) {
			snprintf(errbuf, errlen,
			         "the dashboard needs a terminal for keys: standard input is "
			         "not one and there is no controlling terminal");
			free(t);
			return FA_ERR_USAGE;
		}
	}
	/* ncursesw draws multibyte text only under the user's character set */
	setlocale(LC_CTYPE, "");
	tui_charset_init(&t->cs, strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	t->scr = newterm(NULL, stdout, t->keys ? t->keys : stdin);
	if (!t->scr) {
		const char *term = getenv("TERM");
		snprintf(errbuf, errlen, "the dashboard cannot use terminal type '%s' (check TERM)",
		         term ? term : "");
		if (t->keys)
			fclose(t->keys);
		free(t);
		return FA_ERR_USAGE;
	}
	set_term(t->scr);
	cbreak(); /* keys at once; ^C still signals, so the engine can stop */
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25); /* Esc clears the filter without a second's wait */
	styles_mono(t);
	bool want = color == 1 || (color < 0 && !getenv("NO_COLOR"));
	if (want && has_colors() && start_color() == OK) {
		use_default_colors();
		styles_color(t);
	}
	*out = t;
	return FA_OK;
}

void tui_screen_end(struct tui_screen *t)
{
	if (t && !t->ended) {
		endwin();
		t->ended = true;
	}
}

void tui_screen_close(struct tui_screen **tp)
{
	struct tui_screen *t = tp ? *tp : NULL;
	if (!t)
		return;
	tui_screen_end(t);
	delscreen(t->scr);
	if (t->keys)
		fclose(t->keys);
	free(t);
	*tp = NULL;
}

const struct tui_charset *tui_screen_charset(const struct tui_screen *t)
{
	return &t->cs;
}

enum tui_key tui_screen_key(struct tui_screen *t, int timeout_ms, int *ch)
{
	(void)t;
	wtimeout(stdscr, timeout_ms);
	int c = wgetch(stdscr);
	*ch = c;
	switch (c) {
	case ERR: return TK_NONE;
	case KEY_UP: return TK_UP;
	case KEY_DOWN: return TK_DOWN;
	case KEY_PPAGE: return TK_PGUP;
	case KEY_NPAGE: return TK_PGDN;
	case KEY_HOME: return TK_HOME;
	case KEY_END: return TK_END;
	case KEY_ENTER:
	case '\n':
	case '\r': return TK_ENTER;
	case 27: return TK_ESC;
	case KEY_BACKSPACE:
	case 127:
	case 8: return TK_BACKSPACE;
	case '\t': return TK_TAB;
	case KEY_BTAB: return TK_BTAB;
	case KEY_RESIZE: return TK_RESIZE;
	default: break;
	}
	if (c >= KEY_F(1) && c <= KEY_F(4))
		return (enum tui_key)(TK_F1 + (c - KEY_F(1)));
	if (c >= 0x20 && c < 0x100)
		return TK_CHAR;
	return TK_NONE;
}

void tui_screen_size(struct tui_screen *t, unsigned *width, unsigned *height)
{
	(void)t;
	int h, w;
	getmaxyx(stdscr, h, w);
	*width = w > 0 ? (unsigned)w : 0;
	*height = h > 0 ? (unsigned)h : 0;
}

void tui_screen_draw(struct tui_screen *t, const struct tui_frame *f)
{
	werase(stdscr);
	for (size_t i = 0; i < f->n; i++) {
		const struct tui_span *s = &f->v[i];
		unsigned style = s->style & 0xff;
		attr_t a = style < TS__COUNT ? t->attr[style] : A_NORMAL;
		if (s->style & TS_SELECTED)
			a |= A_REVERSE;
		wattrset(stdscr, a);
		/* the bottom-right cell makes addstr report an error it cannot
		 * scroll into; the text is drawn all the same */
		mvwaddstr(stdscr, s->row, s->col, s->text);
	}
	wattrset(stdscr, A_NORMAL);
	wnoutrefresh(stdscr);
	doupdate();
}
