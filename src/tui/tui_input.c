/* tui_input.c - what each key does to the dashboard's state: views, the
 * selection bar, sort orders, the filter, pause, help and details. */
#include <string.h>

#include "tui_int.h"

void tui_state_init(struct tui_state *st)
{
	*st = (struct tui_state){0};
	st->page = 1;
}

void tui_state_free(struct tui_state *st)
{
	tui_lines_clear(&st->details);
}

static struct tui_viewstate *cur(struct tui_state *st)
{
	return &st->vs[st->view];
}

static void set_view(struct tui_state *st, unsigned v)
{
	st->view = (enum tui_view)(v % TV__COUNT);
	st->details_open = false;
	st->editing = false;
}

/* Moves the bar by delta rows (clamped); the bar then follows its row. */
static void move_sel(struct tui_state *st, const struct tui_table *t, long delta)
{
	struct tui_viewstate *vs = cur(st);
	if (!t || !t->nrows)
		return;
	long sel = (long)vs->sel + delta;
	if (sel < 0)
		sel = 0;
	if (sel >= (long)t->nrows)
		sel = (long)t->nrows - 1;
	vs->sel = (size_t)sel;
	vs->sel_id = t->rows[sel].id;
	/* at the top the bar stays on the first row, whatever arrives there */
	vs->has_sel = sel != 0;
}

static void filter_key(struct tui_state *st, enum tui_key k, int ch)
{
	struct tui_viewstate *vs = cur(st);
	size_t n = strlen(vs->filter);
	if (k == TK_CHAR && ch >= 0x20 && ch != 0x7f && ch < 0x100 && n + 1 < sizeof(vs->filter)) {
		vs->filter[n] = (char)ch;
		vs->filter[n + 1] = '\0';
	} else if (k == TK_BACKSPACE && n) {
		/* drop a whole UTF-8 character: its continuation bytes first */
		while (n > 1 && ((unsigned char)vs->filter[n - 1] & 0xc0) == 0x80)
			n--;
		vs->filter[n - 1] = '\0';
	} else if (k == TK_ENTER) {
		st->editing = false;
	} else if (k == TK_ESC) {
		vs->filter[0] = '\0';
		st->editing = false;
	}
	vs->has_sel = false;
	vs->sel = vs->top = 0;
}

static bool nav_key(struct tui_state *st, enum tui_key k, int ch, const struct tui_table *t)
{
	long page = st->page > 1 ? (long)st->page - 1 : 1;
	if (k == TK_CHAR && ch == 'k')
		k = TK_UP;
	else if (k == TK_CHAR && ch == 'j')
		k = TK_DOWN;
	else if (k == TK_CHAR && ch == 'g')
		k = TK_HOME;
	else if (k == TK_CHAR && ch == 'G')
		k = TK_END;
	switch (k) {
	case TK_UP: move_sel(st, t, -1); return true;
	case TK_DOWN: move_sel(st, t, 1); return true;
	case TK_PGUP: move_sel(st, t, -page); return true;
	case TK_PGDN: move_sel(st, t, page); return true;
	case TK_HOME: move_sel(st, t, -(long)(t ? t->nrows : 0)); return true;
	case TK_END: move_sel(st, t, (long)(t ? t->nrows : 0)); return true;
	default: return false;
	}
}

static void details_key(struct tui_state *st, enum tui_key k)
{
	switch (k) {
	case TK_UP:
		if (st->details_top)
			st->details_top--;
		break;
	case TK_DOWN:
	case TK_PGDN: st->details_top++; break; /* the frame clamps it */
	case TK_PGUP:
	case TK_HOME: st->details_top = 0; break;
	default: st->details_open = false; break;
	}
}

static void open_details(struct tui_state *st, const struct tui_table *t,
                         const struct fa_snapshot *s)
{
	const struct tui_viewstate *vs = cur(st);
	if (!t || vs->sel >= t->nrows)
		return;
	tui_lines_clear(&st->details);
	st->details_top = 0;
	st->details_open = tui_details(&st->details, st->view, &t->rows[vs->sel], s) == 0;
}

bool tui_state_key(struct tui_state *st, enum tui_key k, int ch, const struct tui_table *t,
                   const struct fa_snapshot *s)
{
	if (k == TK_NONE)
		return false;
	if (k == TK_RESIZE)
		return true;
	if (st->help) { /* any key closes the help; q still quits */
		st->help = false;
		st->quit = k == TK_CHAR && ch == 'q';
		return true;
	}
	if (st->editing && (k == TK_CHAR || k == TK_BACKSPACE || k == TK_ENTER || k == TK_ESC)) {
		filter_key(st, k, ch);
		return true;
	}
	if (k >= TK_F1 && k <= TK_F4) {
		set_view(st, (unsigned)(k - TK_F1));
		return true;
	}
	if (k == TK_CHAR && ch == 'q') {
		st->quit = true;
		return true;
	}
	if (st->details_open) {
		bool view_key =
		    k == TK_TAB || k == TK_BTAB || (k == TK_CHAR && ch >= '1' && ch <= '4');
		if (!view_key) {
			details_key(st, k);
			return true;
		}
		st->details_open = false;
	}
	if (nav_key(st, k, ch, t))
		return true;
	switch (k) {
	case TK_TAB: set_view(st, st->view + 1); break;
	case TK_BTAB: set_view(st, st->view + TV__COUNT - 1); break;
	case TK_ENTER: open_details(st, t, s); break;
	case TK_ESC:
		cur(st)->filter[0] = '\0';
		st->editing = false;
		break;
	case TK_CHAR:
		if (ch >= '1' && ch <= '4') {
			set_view(st, (unsigned)(ch - '1'));
		} else if (ch == '?' || ch == 'h') {
			st->help = true;
		} else if (ch == 'p') {
			st->paused = !st->paused;
		} else if (ch == 's') {
			struct tui_viewstate *vs = cur(st);
			size_t n = tui_view_nsorts(st->view);
			vs->sort = n ? (vs->sort + 1) % (unsigned)n : 0;
			vs->has_sel = false;
			vs->sel = vs->top = 0;
		} else if (ch == '/') {
			st->editing = true;
			cur(st)->filter[0] = '\0';
		} else {
			return false;
		}
		break;
	default: return false;
	}
	return true;
}

void tui_state_sync(struct tui_state *st, const struct tui_table *t)
{
	struct tui_viewstate *vs = cur(st);
	size_t page = st->page ? st->page : 1;
	if (!t->nrows) {
		vs->sel = vs->top = 0;
		return;
	}
	if (!vs->has_sel) {
		vs->sel = 0;
	} else {
		for (size_t i = 0; i < t->nrows; i++) {
			if (t->rows[i].id == vs->sel_id) {
				vs->sel = i;
				break;
			}
		}
	}
	if (vs->sel >= t->nrows)
		vs->sel = t->nrows - 1;
	if (vs->top + page > t->nrows)
		vs->top = t->nrows > page ? t->nrows - page : 0;
	if (vs->sel < vs->top)
		vs->top = vs->sel;
	if (vs->sel >= vs->top + page)
		vs->top = vs->sel - page + 1;
	vs->sel_id = t->rows[vs->sel].id;
}
