/* policy_lex.h - the tokens of policy and site files (private to src/policy).
 *
 * A statement is one line: the lexer returns PL_EOL at each newline that is
 * not escaped by a trailing backslash, drops comments, and decodes strings.
 * Token text points into the lexer's decoded copy of the file, so it stays
 * valid until the file is done with. */
#ifndef FA_POLICY_LEX_H
#define FA_POLICY_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "common/cursor.h"

enum pl_tok {
	PL_EOF = 0,
	PL_EOL,
	PL_WORD,   /* names, numbers, ports, addresses: [A-Za-z0-9_.:/-]+ */
	PL_STRING, /* "..." with \" and \\ */
	PL_COMMA,
	PL_EQ,
	PL_BANG,
	PL_ARROW,   /* -> */
	PL_BIARROW, /* <-> */
	PL_ERROR    /* message in pl_lexer.err */
};

struct pl_token {
	enum pl_tok kind;
	const char *text; /* WORD, STRING: NUL-terminated */
	size_t len;
	uint32_t line, col; /* 1-based; col counts bytes */
};

struct pl_lexer {
	struct fa_cursor cur;
	char *out; /* decoded copy: same size as the input plus one */
	uint32_t line;
	size_t line_start;
	char err[160];
};

/* `scratch` must hold len + 1 bytes; it receives the decoded token text. */
void pl_lex_init(struct pl_lexer *lx, const char *src, size_t len, char *scratch);
void pl_lex_next(struct pl_lexer *lx, struct pl_token *t);
const char *pl_tok_name(enum pl_tok k);

#endif
