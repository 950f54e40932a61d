/* tui_int.h - the dashboard without curses: text formatting, the tables the
 * views list, the state that keys change, and the frame (positioned, styled
 * text) that tui_screen.c draws. Everything here is pure and unit-tested; only
 * tui_screen.c includes curses. */
#ifndef FA_TUI_INT_H
#define FA_TUI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/snapshot.h"

/* ---- styles: what the screen maps to colours or attributes --------------- */

enum tui_style {
	TS_NORMAL = 0,
	TS_BOLD,     /* header values */
	TS_DIM,      /* unused rules, ended flows */
	TS_SEV_INFO, /* TS_SEV_INFO + (severity - 1) for each severity */
	TS_SEV_LOW,
	TS_SEV_MEDIUM,
	TS_SEV_HIGH,
	TS_SEV_CRITICAL,
	TS_TITLE,  /* section titles, the details' title */
	TS_HEAD,   /* column headings */
	TS_TAB,    /* a view's name in the tab bar */
	TS_TAB_ON, /* the current view's name */
	TS_ALERT,  /* PAUSED, replay finished */
	TS_STATUS, /* the bottom line */
	TS__COUNT
};
#define TS_SELECTED 0x100 /* or-ed in: the selection bar */

/* The style of a severity (enum fa_severity), TS_NORMAL when there is none. */
unsigned tui_severity_style(unsigned severity_id);

/* ---- text ---------------------------------------------------------------- */

/* Text settings of the terminal: UTF-8 or plain ASCII. */
struct tui_charset {
	bool utf8;
	const char *ellipsis; /* one column: "\u2026" or "~" */
	const char *dash;     /* "\u2014" or "-" */
};
void tui_charset_init(struct tui_charset *cs, bool utf8);

#define TF_RIGHT 1u  /* right-aligned */
#define TF_MIDDLE 2u /* cut in the middle, so an address keeps its port */
#define TF_SEV 4u    /* a column drawn in the row's severity style */

/* Columns s takes on the screen: code points in UTF-8, bytes otherwise. */
size_t tui_text_width(const struct tui_charset *cs, const char *s);
/* Writes s into out as exactly `width` columns: padded, or cut with the
 * ellipsis; control characters and (in ASCII) non-ASCII bytes become '?'.
 * Returns the bytes written; out always ends with a NUL. */
size_t tui_fit(const struct tui_charset *cs, char *out, size_t outlen, const char *s,
               unsigned width, unsigned flags);
/* Case-insensitive (ASCII) substring test; an empty needle matches. */
bool tui_contains(const char *hay, const char *needle);

/* Compact numbers for columns: "999", "12.3k", "4.56M". */
void tui_fmt_count(char *buf, size_t len, uint64_t n);
/* Bytes in SI units: "512 B", "1.5 kB", "3.40 MB". */
void tui_fmt_bytes(char *buf, size_t len, uint64_t n);
/* Bits per second: "0 bit/s", "45.6 Mbit/s". */
void tui_fmt_bps(char *buf, size_t len, double v);
/* Packets per second: "950 pkt/s", "12.3k pkt/s". */
void tui_fmt_pps(char *buf, size_t len, double v);
/* Elapsed time: "00:01:23", "1d 02:03:04". */
void tui_fmt_elapsed(char *buf, size_t len, uint64_t us);
/* How long before `now` then was: "now", "5s", "3m", "2h", "4d"; "-" for 0. */
void tui_fmt_ago(char *buf, size_t len, uint64_t now_us, uint64_t then_us);
/* "tcp/443", or the protocol alone when the port is 0. */
void tui_fmt_service(char *buf, size_t len, const char *proto, uint16_t port);
/* "192.0.2.1:443", "[2001:db8::1]:443", the address alone when port is 0. */
void tui_fmt_endpoint(char *buf, size_t len, const struct fa_addr *a, uint16_t port);

/* ---- lines of text (help, details) ---------------------------------------- */

struct tui_line {
	char *text;
	unsigned style;
};
struct tui_lines {
	struct tui_line *v;
	size_t n, cap;
};
/* Appends a copy (formatted like printf); returns FA_OK or FA_ERR_NOMEM. */
int tui_lines_add(struct tui_lines *l, unsigned style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tui_lines_clear(struct tui_lines *l);
/* Word-wraps src (one logical line each) to width columns into out; lines
 * after the first of a wrapped line are indented by `indent`. */
int tui_lines_wrap(struct tui_lines *out, const struct tui_lines *src, unsigned width,
                   unsigned indent, const struct tui_charset *cs);

/* ---- views and their tables ----------------------------------------------- */

enum tui_view { TV_FINDINGS = 0, TV_RULES, TV_FLOWS, TV_APPS, TV__COUNT };

#define TUI_MAXCOLS 12

struct tui_col {
	const char *title;
	uint8_t min, max; /* columns: below min the column is dropped; content beyond max is cut */
	uint8_t prio;     /* the lowest is dropped first when the screen is narrow */
	uint8_t flags;    /* TF_RIGHT, TF_MIDDLE, TF_SEV */
};

/* Columns of this priority or lower give way to wider important ones. */
#define TUI_PRIO_MINOR 4

enum tui_row_kind { TR_ITEM = 0, TR_SECTION };

struct tui_row {
	uint32_t cell[TUI_MAXCOLS]; /* offsets into the table's text */
	const void *item;           /* the snapshot element; NULL for a section title */
	uint64_t id;                /* identity, to keep the selection on it across frames */
	uint64_t key;               /* sort key, larger first */
	uint32_t order;             /* position in the snapshot: ties and default order */
	uint8_t group;              /* apps view: 0 applications, 1 talkers */
	uint8_t kind;               /* enum tui_row_kind */
	uint8_t style;              /* of the row: TS_NORMAL or TS_DIM */
	uint8_t sev_style;          /* of its TF_SEV columns */
};

struct tui_table {
	enum tui_view view;
	const struct tui_col *cols;
	size_t ncols;
	struct tui_row *rows; /* after filtering and sorting */
	size_t nrows, cap;
	char *text;
	size_t used, tcap;
	size_t total; /* rows of items before filtering */
};

const char *tui_view_name(enum tui_view v);
size_t tui_view_nsorts(enum tui_view v);
const char *tui_view_sort_name(enum tui_view v, unsigned sort);
/* A cell's text. */
static inline const char *tui_cell(const struct tui_table *t, const struct tui_row *r, size_t c)
{
	return t->text + r->cell[c];
}
/* Fills t with view v of snapshot s (may be NULL: an empty table), keeping
 * the rows whose cells contain filter, ordered by sort key `sort`. */
int tui_table_build(struct tui_table *t, enum tui_view v, const struct fa_snapshot *s,
                    unsigned sort, const char *filter);
void tui_table_free(struct tui_table *t);

/* Chooses column widths for a screen `width` wide: the columns at their
 * minimum, dropping the lowest priority ones until they fit (and minor ones
 * while more important columns would be cut by more than they take), then
 * widening the most important towards their content. widths[c] == 0: not
 * shown. */
void tui_layout(const struct tui_table *t, unsigned width, unsigned widths[TUI_MAXCOLS],
                const struct tui_charset *cs);

/* Details of one row's item, "Label: value" lines (unwrapped). */
int tui_details(struct tui_lines *out, enum tui_view v, const struct tui_row *r,
                const struct fa_snapshot *s);
int tui_help(struct tui_lines *out);

/* ---- state and keys ----------------------------------------------------------- */

enum tui_key {
	TK_NONE = 0,
	TK_CHAR, /* a printable character */
	TK_UP,
	TK_DOWN,
	TK_PGUP,
	TK_PGDN,
	TK_HOME,
	TK_END,
	TK_ENTER,
	TK_ESC,
	TK_BACKSPACE,
	TK_TAB,
	TK_BTAB,
	TK_F1, /* F1..F4 in order */
	TK_F2,
	TK_F3,
	TK_F4,
	TK_RESIZE
};

#define TUI_FILTER_MAX 64

struct tui_viewstate {
	unsigned sort;
	size_t sel, top;
	uint64_t sel_id;
	bool has_sel;
	char filter[TUI_FILTER_MAX];
};

struct tui_state {
	enum tui_view view;
	struct tui_viewstate vs[TV__COUNT];
	bool paused, help, editing, quit;
	bool details_open;
	struct tui_lines details; /* unwrapped, built when Enter was pressed */
	size_t details_top;
	unsigned page; /* rows the list shows, from the last frame */
};

void tui_state_init(struct tui_state *st);
void tui_state_free(struct tui_state *st);
/* Applies one key. t is the table on the screen (Enter opens its selected
 * row), s the snapshot it came from. Returns true when the table must be
 * rebuilt (view, sort or filter changed). */
bool tui_state_key(struct tui_state *st, enum tui_key k, int ch, const struct tui_table *t,
                   const struct fa_snapshot *s);
/* After a rebuild: finds the selected row again by identity, clamps and
 * scrolls so it is visible in `page` rows. */
void tui_state_sync(struct tui_state *st, const struct tui_table *t);

/* ---- the frame -------------------------------------------------------------- */

struct tui_span {
	uint16_t row, col;
	unsigned style;
	char *text;
};
struct tui_frame {
	struct tui_span *v;
	size_t n, cap;
	unsigned width, height;
};

/* Lays out the whole screen: header, tabs, the list or an overlay, status. */
int tui_frame_build(struct tui_frame *f, const struct fa_snapshot *s, struct tui_state *st,
                    const struct tui_table *t, unsigned width, unsigned height,
                    const struct tui_charset *cs);
void tui_frame_clear(struct tui_frame *f);
/* The text of screen row `row` (spans joined; for tests). */
void tui_frame_row_text(const struct tui_frame *f, unsigned row, char *out, size_t outlen);

#endif
