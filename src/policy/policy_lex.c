/* policy_lex.c - splits policy and site files into tokens, one line per statement. */
#include "policy_lex.h"

#include <stdio.h>
#include <string.h>

void pl_lex_init(struct pl_lexer *lx, const char *src, size_t len, char *scratch)
{
	memset(lx, 0, sizeof(*lx));
	lx->cur = fa_cur_init((const uint8_t *)src, len);
	lx->out = scratch;
	lx->line = 1;
}

const char *pl_tok_name(enum pl_tok k)
{
	switch (k) {
	case PL_EOF: return "end of file";
	case PL_EOL: return "end of line";
	case PL_WORD: return "word";
	case PL_STRING: return "string";
	case PL_COMMA: return "','";
	case PL_EQ: return "'='";
	case PL_BANG: return "'!'";
	case PL_ARROW: return "'->'";
	case PL_BIARROW: return "'<->'";
	case PL_ERROR: break;
	}
	return "bad token";
}

static int peek(const struct pl_lexer *lx, size_t at)
{
	uint8_t b;
	return fa_cur_peek_u8(&lx->cur, at, &b) ? b : -1;
}

static void advance(struct pl_lexer *lx, size_t n)
{
	fa_cur_skip(&lx->cur, n);
}

static void newline(struct pl_lexer *lx)
{
	lx->line++;
	lx->line_start = lx->cur.off;
}

static int is_word_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
}

/* A backslash continues the statement when only blanks (and a carriage
 * return) stand between it and the newline; returns the bytes to skip
 * up to and including the newline, or 0. */
static size_t continuation(const struct pl_lexer *lx)
{
	size_t i = 1;
	int c;
	while ((c = peek(lx, i)) == ' ' || c == '\t' || c == '\r')
		i++;
	return c == '\n' ? i + 1 : 0;
}

static void lex_string(struct pl_lexer *lx, struct pl_token *t)
{
	size_t start = lx->cur.off + 1, o = start;
	advance(lx, 1);
	for (;;) {
		int c = peek(lx, 0);
		if (c < 0 || c == '\n' || (c == '\r' && peek(lx, 1) == '\n')) {
			snprintf(lx->err, sizeof(lx->err), "unterminated string");
			t->kind = PL_ERROR;
			return;
		}
		advance(lx, 1);
		if (c == '"')
			break;
		if (c == '\\') {
			int e = peek(lx, 0);
			if (e != '"' && e != '\\') {
				if (e > ' ' && e < 127)
					snprintf(lx->err, sizeof(lx->err),
					         "unknown escape '\\%c' in string: only \\\" and "
					         "\\\\ are allowed",
					         e);
				else
					snprintf(lx->err, sizeof(lx->err),
					         "unknown escape in string: only \\\" and \\\\ are "
					         "allowed");
				t->kind = PL_ERROR;
				t->col = (uint32_t)(lx->cur.off - lx->line_start);
				return;
			}
			advance(lx, 1);
			c = e;
		} else if (c == 0) {
			snprintf(lx->err, sizeof(lx->err), "NUL byte in string");
			t->kind = PL_ERROR;
			return;
		}
		lx->out[o++] = (char)c;
	}
	lx->out[o] = '\0';
	t->kind = PL_STRING;
	t->text = lx->out + start;
	t->len = o - start;
}

void pl_lex_next(struct pl_lexer *lx, struct pl_token *t)
{
	memset(t, 0, sizeof(*t));
	for (;;) {
		int c = peek(lx, 0);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			advance(lx, 1);
		} else if (c == '#') {
			while ((c = peek(lx, 0)) >= 0 && c != '\n')
				advance(lx, 1);
		} else if (c == '\\' && continuation(lx)) {
			advance(lx, continuation(lx));
			newline(lx);
		} else {
			break;
		}
	}
	t->line = lx->line;
	t->col = (uint32_t)(lx->cur.off - lx->line_start + 1);
	int c = peek(lx, 0);
	if (c < 0) {
		t->kind = PL_EOF;
		return;
	}
	if (c == '\n') {
		advance(lx, 1);
		t->kind = PL_EOL;
		newline(lx);
		return;
	}
	if (c == ',' || c == '=' || c == '!') {
		advance(lx, 1);
		t->kind = c == ',' ? PL_COMMA : c == '=' ? PL_EQ : PL_BANG;
		return;
	}
	if (c == '-' && peek(lx, 1) == '>') {
		advance(lx, 2);
		t->kind = PL_ARROW;
		return;
	}
	if (c == '<' && peek(lx, 1) == '-' && peek(lx, 2) == '>') {
		advance(lx, 3);
		t->kind = PL_BIARROW;
		return;
	}
	if (c == '"') {
		uint32_t col = t->col;
		lex_string(lx, t);
		if (t->kind == PL_ERROR) {
			/* the rest of the line is inside the broken string */
			while ((c = peek(lx, 0)) >= 0 && c != '\n')
				advance(lx, 1);
			if (!t->col)
				t->col = col;
		}
		return;
	}
	if (is_word_char(c)) {
		size_t start = lx->cur.off, n = 0;
		while (is_word_char(c = peek(lx, n)) && !(c == '-' && peek(lx, n + 1) == '>'))
			n++;
		memcpy(lx->out + start, (const char *)fa_cur_ptr(&lx->cur), n);
		lx->out[start + n] = '\0';
		advance(lx, n);
		t->kind = PL_WORD;
		t->text = lx->out + start;
		t->len = n;
		return;
	}
	if (c > ' ' && c < 127)
		snprintf(lx->err, sizeof(lx->err), "unexpected character '%c'", c);
	else
		snprintf(lx->err, sizeof(lx->err), "unexpected byte 0x%02x", (unsigned)c);
	advance(lx, 1);
	t->kind = PL_ERROR;
}
