/*
 * Operator kinds. libclang 14 does not expose the operator of a binary or
 * unary expression, so it is read from the source text between the
 * operands, falling back, inside macro bodies, to the text around the
 * tokens clang_tokenize finds at the operands' spelling locations.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_p.h"

/* --- operators ----------------------------------------------------------- */


static int binop_from(const char *s, size_t n)
{
	static const struct { const char *t; int op; } ops[] = {
		{"=", OP_ASSIGN}, {",", OP_COMMA}, {"&&", OP_LAND}, {"||", OP_LOR},
		{"==", OP_EQ}, {"!=", OP_NE}, {"<", OP_LT}, {">", OP_GT},
		{"<=", OP_LE}, {">=", OP_GE}, {"+", OP_ADD}, {"-", OP_SUB},
		{"*", OP_MUL}, {"/", OP_DIV}, {"%", OP_REM}, {"&", OP_AND},
		{"|", OP_OR}, {"^", OP_XOR}, {"<<", OP_SHL}, {">>", OP_SHR},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i].t) == n && memcmp(ops[i].t, s, n) == 0)
			return ops[i].op;
	return OP_UNKNOWN;
}

static int is_opchar(char c)
{
	return c && strchr("=!<>&|+-*/%^,~", c) != NULL;
}

/* Skips blanks and comments in [p, end). */
const char *fe_skip_ws(const char *p, const char *end)
{
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		                   *p == '\f' || *p == '\v' || (*p == '\\' && p + 1 < end && p[1] == '\n')))
			p++;
		if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			const char *e = p + 2;
			while (e + 1 < end && !(e[0] == '*' && e[1] == '/'))
				e++;
			p = e + 2 <= end ? e + 2 : end;
			continue;
		}
		if (p + 1 < end && p[0] == '/' && p[1] == '/') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		return p;
	}
}

/*
 * The first token spelled at `l`: clang_tokenize lexes from the spelling
 * location of a range's raw start, which for an expression inside a macro
 * body is in the #define, where clang_getSpellingLocation (a file
 * location in libclang 14) does not lead. Fills the token's file and
 * offset; returns 0 if there is none.
 */
static int spelled_token(fe_tu *x, CXSourceLocation l, CXFile *f, unsigned *off,
                         char *tok, size_t toksz)
{
	CXToken *toks = NULL;
	unsigned n = 0;
	clang_tokenize(x->tu, clang_getRange(l, l), &toks, &n);
	if (!n)
		return 0;
	CXString s = clang_getTokenSpelling(x->tu, toks[0]);
	snprintf(tok, toksz, "%s", clang_getCString(s) ? clang_getCString(s) : "");
	clang_disposeString(s);
	*f = NULL;
	clang_getSpellingLocation(clang_getTokenLocation(x->tu, toks[0]), f, NULL, NULL, off);
	clang_disposeTokens(x->tu, toks, n);
	return *f != NULL;
}

/* The operator of binary expression e with operands l and r. */
int fe_binop_kind(fe_tu *x, CXCursor e, CXCursor l, CXCursor r)
{
	CXFile f1 = NULL, f2 = NULL;
	unsigned o1 = 0, o2 = 0;
	clang_getSpellingLocation(clang_getRangeEnd(clang_getCursorExtent(l)), &f1, NULL, NULL, &o1);
	clang_getSpellingLocation(fe_start_of(r), &f2, NULL, NULL, &o2);
	if (f1 && f2 && clang_File_isEqual(f1, f2) && o1 <= o2 && o2 - o1 < 512) {
		size_t size = 0;
		const char *text = fe_file_text(x, f1, &size);
		if (text && o2 <= size) {
			const char *end = text + o2;
			const char *p = fe_skip_ws(text + o1, end);
			const char *s = p;
			while (p < end && is_opchar(*p))
				p++;
			size_t n = (size_t)(p - s);
			if (n && fe_skip_ws(p, end) == end) {
				int op = binop_from(s, n);
				if (op != OP_UNKNOWN)
					return op;
			}
		}
	}
	/* inside a macro: the operator is spelled just before the right
	   operand's first token */
	char tok[64];
	CXFile f = NULL;
	unsigned off = 0;
	(void)e;
	if (spelled_token(x, fe_start_of(r), &f, &off, tok, sizeof(tok))) {
		size_t size = 0;
		const char *text = fe_file_text(x, f, &size);
		if (text && off <= size) {
			const char *p = text + off;
			while (p > text && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n' ||
			                    p[-1] == '\r' || p[-1] == '\\'))
				p--;
			const char *end = p;
			while (p > text && is_opchar(p[-1]) && end - p < 3)
				p--;
			/* `a = -1`: the operand's own sign is not the operator */
			for (; p < end; p++) {
				int op = binop_from(p, (size_t)(end - p));
				if (op != OP_UNKNOWN)
					return op;
			}
		}
	}
	return OP_UNKNOWN;
}

static int unop_from_prefix(const char *s, size_t avail, size_t *len)
{
	static const struct { const char *t; int op; } ops[] = {
		{"++", OP_INC}, {"--", OP_DEC}, {"__extension__", OP_EXT},
		{"__real__", OP_EXT}, {"__imag__", OP_EXT}, {"__real", OP_EXT},
		{"__imag", OP_EXT}, {"!", OP_NOT}, {"-", OP_NEG}, {"+", OP_PLUS},
		{"~", OP_BITNOT}, {"*", OP_DEREF}, {"&", OP_ADDR},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].t);
		if (n <= avail && memcmp(ops[i].t, s, n) == 0) {
			*len = n;
			return ops[i].op;
		}
	}
	return OP_UNKNOWN;
}

/* The operator of unary expression e on operand sub. */
int fe_unop_kind(fe_tu *x, CXCursor e, CXCursor sub)
{
	CXFile f1 = NULL, f2 = NULL;
	unsigned o1 = 0, o2 = 0;
	clang_getSpellingLocation(fe_start_of(e), &f1, NULL, NULL, &o1);
	clang_getSpellingLocation(fe_start_of(sub), &f2, NULL, NULL, &o2);
	if (f1 && f2 && clang_File_isEqual(f1, f2)) {
		size_t size = 0;
		const char *text = fe_file_text(x, f1, &size);
		if (text && o1 < o2 && o2 <= size && o2 - o1 < 256) {
			size_t n = 0;
			int op = unop_from_prefix(text + o1, o2 - o1, &n);
			if (op != OP_UNKNOWN && fe_skip_ws(text + o1 + n, text + o2) == text + o2)
				return op;
		} else if (text && o1 == o2) {
			CXFile f3 = NULL;
			unsigned o3 = 0;
			clang_getSpellingLocation(clang_getRangeEnd(clang_getCursorExtent(sub)),
			                          &f3, NULL, NULL, &o3);
			if (f3 && clang_File_isEqual(f1, f3) && o3 + 2 <= size) {
				const char *p = fe_skip_ws(text + o3, text + (size - o3 > 64 ? o3 + 64 : size));
				if (p + 2 <= text + size && p[0] == '+' && p[1] == '+')
					return OP_INC;
				if (p + 2 <= text + size && p[0] == '-' && p[1] == '-')
					return OP_DEC;
			}
		}
	}
	/* inside a macro: the first token spelled of e */
	char tok[64];
	CXFile f = NULL;
	unsigned off = 0;
	if (spelled_token(x, fe_start_of(e), &f, &off, tok, sizeof(tok))) {
		size_t n = 0;
		int op = unop_from_prefix(tok, strlen(tok), &n);
		if (op != OP_UNKNOWN && n == strlen(tok))
			return op;
		return OP_INC; /* postfix x++ / x-- */
	}
	return OP_UNKNOWN;
}

