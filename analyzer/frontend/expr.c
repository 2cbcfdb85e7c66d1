/*
 * Expressions and conditions lowered to the IR: the paths an expression
 * reads, what is known of its constant value, calls (their arguments
 * first, fortified builtins mapped to the plain function), assignments;
 * and conditions lowered to branches on a path and a polarity.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_p.h"

/* --- values -------------------------------------------------------------- */


static fe_val val_none(void)
{
	fe_val v;
	memset(&v, 0, sizeof(v));
	return v;
}

static fe_val val_path(fe_tu *x, const pf_path *p, int strong)
{
	fe_val v = val_none();
	v.rv.paths = pf_arena_alloc(x->arena, sizeof(pf_path));
	v.rv.paths[0] = *p;
	v.rv.npaths = 1;
	v.is_path = 1;
	v.strong = (uint8_t)strong;
	return v;
}

/* The value of an expression reading both a and b: a set of paths,
   no longer a path itself, its constant facts dropped. */
static fe_val val_union(fe_tu *x, const fe_val *a, const fe_val *b)
{
	fe_val v = val_none();
	uint32_t n = a->rv.npaths + b->rv.npaths;
	if (!n)
		return v;
	v.rv.paths = pf_arena_alloc(x->arena, n * sizeof(pf_path));
	for (int s = 0; s < 2; s++) {
		const pf_rval *r = s ? &b->rv : &a->rv;
		for (uint32_t i = 0; i < r->npaths; i++) {
			int dup = 0;
			for (uint32_t j = 0; j < v.rv.npaths && !dup; j++)
				dup = pf_path_eq(&v.rv.paths[j], &r->paths[i]);
			if (!dup)
				v.rv.paths[v.rv.npaths++] = r->paths[i];
		}
	}
	return v;
}

static fe_val val_rvalue(fe_val v)
{
	fe_val none = val_none();
	none.rv.paths = v.rv.paths;
	none.rv.npaths = v.rv.npaths;
	return none;
}

static fe_val val_int(int64_t i)
{
	fe_val v = val_none();
	v.rv.flags = PF_RV_INT;
	v.rv.ival = i;
	return v;
}

int fe_path_append(pf_path *p, pf_declid field)
{
	if (p->depth >= PF_PATH_DEPTH)
		return 0;
	p->field[p->depth++] = field;
	return 1;
}

/* A fresh temporary local of the current function. */
static pf_path new_temp(fe_fn *fn)
{
	pf_path p = {0};
	p.base = PF_BASE_LOCAL;
	p.var = (uint32_t)fn->locals.n;
	pf_vec_push(&fn->locals, 0);
	return p;
}

/* The path of variable `ref` (a ParmDecl or VarDecl) in the current
   function: a parameter, a local (registered on first sight) or a global. */
fe_val fe_var_val(fe_tu *x, CXCursor ref)
{
	fe_fn *fn = &x->fn;
	pf_declid id = fe_decl(x, ref);
	pf_decl *d = pf_tub_decl_at(x->b, id);
	pf_path p = {0};
	if (!d)
		return val_none();
	if (d->kind == PF_DECL_GLOBAL) {
		p.base = PF_BASE_GLOBAL;
		p.var = id;
		fe_val v = val_path(x, &p, 0);
		v.rv.ident = id;
		return v;
	}
	uint32_t e;
	if (fn->vars && pf_map_get(fn->vars, id, &e)) {
		p.base = (e & 1) ? PF_BASE_PARAM : PF_BASE_LOCAL;
		p.var = e >> 1;
		return val_path(x, &p, !(e & 1));
	}
	p.base = PF_BASE_LOCAL;
	p.var = (uint32_t)fn->locals.n;
	pf_vec_push(&fn->locals, id);
	if (fn->vars)
		pf_map_put(fn->vars, id, p.var << 1);
	return val_path(x, &p, 1);
}

static int64_t eval_int(CXCursor c, int *ok)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);
	int64_t v = 0;
	*ok = 0;
	if (r) {
		if (clang_EvalResult_getKind(r) == CXEval_Int) {
			v = clang_EvalResult_isUnsignedInt(r)
			            ? (int64_t)clang_EvalResult_getAsUnsigned(r)
			            : (int64_t)clang_EvalResult_getAsLongLong(r);
			*ok = 1;
		}
		clang_EvalResult_dispose(r);
	}
	return v;
}

/* Decodes the C string literal `s` as clang prints it (prefix, quotes,
   escapes) into the arena. */
static const char *decode_string(fe_tu *x, const char *s)
{
	const char *q = strchr(s, '"');
	size_t n = strlen(s);
	char *out = pf_arena_alloc(x->arena, n + 1);
	size_t len = 0;
	if (!q)
		return out;
	for (const char *p = q + 1; *p; p++) {
		if (*p == '"') {
			/* "a" "b" (clang prints one literal, but be lenient) */
			const char *nq = strchr(p + 1, '"');
			if (!nq)
				break;
			p = nq;
			continue;
		}
		if (*p != '\\') {
			out[len++] = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': out[len++] = '\n'; break;
		case 't': out[len++] = '\t'; break;
		case 'r': out[len++] = '\r'; break;
		case 'a': out[len++] = '\a'; break;
		case 'b': out[len++] = '\b'; break;
		case 'f': out[len++] = '\f'; break;
		case 'v': out[len++] = '\v'; break;
		case 'e': out[len++] = 27; break;
		case 'x': {
			unsigned v = 0;
			int digits = 0;
			while (p[1] && strchr("0123456789abcdefABCDEF", p[1])) {
				char c = *++p;
				v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 32) - 'a' + 10);
				digits++;
			}
			out[len++] = (char)v;
			(void)digits;
			break;
		}
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7': {
			unsigned v = (unsigned)(*p - '0');
			for (int i = 0; i < 2 && p[1] >= '0' && p[1] <= '7'; i++)
				v = v * 8 + (unsigned)(*++p - '0');
			out[len++] = (char)v;
			break;
		}
		case 0:
			p--;
			break;
		default: out[len++] = *p; break; /* \\ \" \' \? */
		}
	}
	out[len] = 0;
	return out;
}

/* --- expressions --------------------------------------------------------- */


/* The only expression child of a wrapper (paren, implicit cast), or a
   null cursor. For casts: the last expression child (after a TypeRef). */
CXCursor fe_sole_expr(CXCursor e)
{
	kids k;
	fe_kids_get(&k, e);
	CXCursor r = clang_getNullCursor();
	unsigned n = 0;
	for (unsigned i = 0; i < k.n; i++)
		if (fe_is_expr(k.v[i])) {
			r = k.v[i];
			n++;
		}
	fe_kids_free(&k);
	return n == 1 ? r : clang_getNullCursor();
}

/* Strips parentheses, implicit conversions and casts. */
CXCursor fe_strip(CXCursor e)
{
	for (int i = 0; i < 64; i++) {
		enum CXCursorKind k = clang_getCursorKind(e);
		if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr &&
		    k != CXCursor_CStyleCastExpr)
			return e;
		CXCursor s = fe_sole_expr(e);
		if (clang_Cursor_isNull(s))
			return e;
		e = s;
	}
	return e;
}

/* If `e` is an integer constant (literal, enum constant, NULL, through
   parens/casts), stores its value in *v and returns 1. Cheap: no
   evaluation of anything but literals. */
static int const_value(fe_tu *x, CXCursor e, int64_t *v)
{
	e = fe_strip(e);
	int ok = 0;
	switch (clang_getCursorKind(e)) {
	case CXCursor_IntegerLiteral:
	case CXCursor_CharacterLiteral:
		*v = eval_int(e, &ok);
		return ok;
	case CXCursor_GNUNullExpr:
		*v = 0;
		return 1;
	case CXCursor_CXXBoolLiteralExpr:
		*v = eval_int(e, &ok);
		return ok;
	case CXCursor_DeclRefExpr: {
		CXCursor r = clang_getCursorReferenced(e);
		if (clang_getCursorKind(r) == CXCursor_EnumConstantDecl) {
			*v = clang_getEnumConstantDeclValue(r);
			return 1;
		}
		return 0;
	}
	default:
		return 0;
	}
	(void)x;
}

static int64_t fold(int op, int64_t a, int64_t b, int *ok)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
	*ok = 1;
	switch (op) {
	case OP_ADD: return (int64_t)(ua + ub);
	case OP_SUB: return (int64_t)(ua - ub);
	case OP_MUL: return (int64_t)(ua * ub);
	case OP_DIV: if (b && !(a == INT64_MIN && b == -1)) return a / b; break;
	case OP_REM: if (b && !(a == INT64_MIN && b == -1)) return a % b; break;
	case OP_AND: return a & b;
	case OP_OR: return a | b;
	case OP_XOR: return a ^ b;
	case OP_SHL: if (b >= 0 && b < 64) return (int64_t)(ua << b); break;
	case OP_SHR: if (b >= 0 && b < 64) return a >> b; break;
	case OP_EQ: return a == b;
	case OP_NE: return a != b;
	case OP_LT: return a < b;
	case OP_GT: return a > b;
	case OP_LE: return a <= b;
	case OP_GE: return a >= b;
	case OP_LAND: return a && b;
	case OP_LOR: return a || b;
	default: break;
	}
	*ok = 0;
	return 0;
}

static int is_pointer_typed(CXCursor e)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(e));
	return t.kind == CXType_Pointer;
}

pf_insn fe_insn_at(fe_tu *x, int op, CXCursor e)
{
	pf_insn in;
	memset(&in, 0, sizeof(in));
	in.op = (uint8_t)op;
	CXSourceLocation l = fe_start_of(e);
	in.loc = fe_loc_spell(x, l);
	in.use = fe_loc_expand(x, l);
	return in;
}

void fe_emit_assign(fe_tu *x, CXCursor at, const pf_path *dst, int strong,
                        const pf_rval *src)
{
	pf_insn in = fe_insn_at(x, PF_OP_ASSIGN, at);
	in.dst = *dst;
	in.strong = (uint8_t)strong;
	in.src = *src;
	if (!in.src.loc.line)
		in.src.loc = in.loc;
	fe_emit(&x->fn, &in);
}

/* Assigns `v` to every path of lvalue `dst` (strongly only when it is one
   plain local path). */
static void assign_to(fe_tu *x, CXCursor at, const fe_val *dst, const pf_rval *src)
{
	/* a path lvalue is its first path (the others are what its value
	   also reads: an index) */
	uint32_t n = dst->is_path && dst->rv.npaths ? 1 : dst->rv.npaths;
	for (uint32_t i = 0; i < n; i++)
		fe_emit_assign(x, at, &dst->rv.paths[i], dst->is_path && dst->strong, src);
}

static int noreturn_name(const char *n)
{
	static const char *const names[] = {
		"exit", "_exit", "_Exit", "abort", "err", "errx", "verr", "verrx",
		"__assert_fail", "__assert_perror_fail", "__assert", "longjmp",
		"siglongjmp", "_longjmp", "__longjmp_chk", "pthread_exit",
		"quick_exit", "__builtin_unreachable", "__builtin_trap",
		"__builtin_abort", "__builtin_exit", "__stack_chk_fail", NULL
	};
	for (int i = 0; names[i]; i++)
		if (strcmp(n, names[i]) == 0)
			return 1;
	return 0;
}

/* An attribute of the declaration whose tokens say noreturn: C23's
   [[noreturn]], C11's _Noreturn, a NORETURN macro for either (libclang
   exposes neither, and only __attribute__((noreturn)) shows in the
   type). */
static enum CXChildVisitResult noreturn_attr(CXCursor c, CXCursor parent, CXClientData d)
{
	int *yes = ((void **)d)[1];
	fe_tu *x = ((void **)d)[0];
	CXToken *toks = NULL;
	unsigned n = 0;

	(void)parent;
	if (!clang_isAttribute(clang_getCursorKind(c)))
		return CXChildVisit_Continue;
	clang_tokenize(x->tu, clang_getCursorExtent(c), &toks, &n);
	for (unsigned i = 0; i < n && !*yes; i++) {
		CXString ts = clang_getTokenSpelling(x->tu, toks[i]);
		const char *t = clang_getCString(ts);
		*yes = t && (strstr(t, "noreturn") || strstr(t, "Noreturn") || strstr(t, "NORETURN"));
		clang_disposeString(ts);
	}
	clang_disposeTokens(x->tu, toks, n);
	return *yes ? CXChildVisit_Break : CXChildVisit_Continue;
}

static int is_noreturn(fe_tu *x, pf_declid id, CXCursor fdecl, const char *name)
{
	fe_noret_grow(x, id);
	if (x->noret.v[id])
		return x->noret.v[id] == 2;
	int yes = noreturn_name(name);
	if (!yes) {
		CXString ts = clang_getTypeSpelling(clang_getCursorType(fdecl));
		const char *t = clang_getCString(ts);
		yes = t && strstr(t, "noreturn") != NULL;
		clang_disposeString(ts);
	}
	for (int k = 0; k < 2 && !yes; k++) {
		CXCursor d = k ? clang_getCanonicalCursor(fdecl) : fdecl;
		void *ctx[2] = {x, &yes};
		if (!clang_Cursor_isNull(d) && clang_Cursor_hasAttrs(d))
			clang_visitChildren(d, noreturn_attr, ctx);
	}
	x->noret.v[id] = yes ? 2 : 1;
	return yes;
}

/*
 * glibc's fortified functions and clang's checking builtins, mapped to the
 * plain function (`__snprintf_chk` -> `snprintf`) and the arguments to drop
 * so positions match it (bit i: drop argument i; DROP_LAST: the last).
 */
#define DROP_LAST (1u << 31)
static const struct chk_map {
	const char *name;
	unsigned drop;
} chk_maps[] = {
	{"memcpy", DROP_LAST}, {"memmove", DROP_LAST}, {"mempcpy", DROP_LAST},
	{"memset", DROP_LAST}, {"strcpy", DROP_LAST}, {"stpcpy", DROP_LAST},
	{"strncpy", DROP_LAST}, {"stpncpy", DROP_LAST}, {"strcat", DROP_LAST},
	{"strncat", DROP_LAST}, {"wmemcpy", DROP_LAST}, {"wcscpy", DROP_LAST},
	{"snprintf", 0xc}, {"vsnprintf", 0xc}, {"swprintf", 0xc},
	{"sprintf", 0x6}, {"vsprintf", 0x6},
	{"fprintf", 0x2}, {"vfprintf", 0x2}, {"dprintf", 0x2}, {"vdprintf", 0x2},
	{"syslog", 0x2}, {"vsyslog", 0x2}, {"asprintf", 0x2}, {"vasprintf", 0x2},
	{"obstack_printf", 0x2}, {"obstack_vprintf", 0x2}, {"fwprintf", 0x2},
	{"printf", 0x1}, {"vprintf", 0x1}, {"wprintf", 0x1},
	{"read", 0x8}, {"recv", 0x8}, {"recvfrom", 0x8}, {"readlink", 0x8},
	{"pread", 0x10}, {"pread64", 0x10}, {"getcwd", 0x4}, {"realpath", 0x4},
	{"fgets", 0x2}, {"fgets_unlocked", 0x2}, {"fread", 0x2},
	{"fread_unlocked", 0x2}, {"gethostname", 0x4}, {"ttyname_r", 0x8},
	{"getlogin_r", 0x4}, {"confstr", 0x8}, {"readlinkat", 0x10},
	{NULL, 0}
};

/* How to treat a call to a builtin or fortified function `name`. */
enum { CALL_PLAIN, CALL_TRANSPARENT, CALL_DROP, CALL_VA_START, CALL_VA_COPY,
       CALL_RENAME };

static int call_kind(const char *name, char *plain, size_t size, unsigned *drop)
{
	*drop = 0;
	if (name[0] != '_' || name[1] != '_')
		return CALL_PLAIN;
	size_t n = strlen(name);
	const char *base = NULL;
	size_t blen = 0;
	if (strncmp(name, "__builtin___", 12) == 0 && n > 16 &&
	    strcmp(name + n - 4, "_chk") == 0) {
		base = name + 12;
		blen = n - 16;
	} else if (strncmp(name, "__builtin_", 10) == 0) {
		const char *b = name + 10;
		if (strcmp(b, "expect") == 0 || strcmp(b, "expect_with_probability") == 0 ||
		    strcmp(b, "assume_aligned") == 0)
			return CALL_TRANSPARENT;
		if (strcmp(b, "va_start") == 0 || strcmp(b, "c23_va_start") == 0)
			return CALL_VA_START;
		if (strcmp(b, "va_copy") == 0)
			return CALL_VA_COPY;
		if (strcmp(b, "va_end") == 0 || strcmp(b, "object_size") == 0 ||
		    strcmp(b, "dynamic_object_size") == 0 || strcmp(b, "constant_p") == 0 ||
		    strcmp(b, "prefetch") == 0 || strcmp(b, "assume") == 0 ||
		    strcmp(b, "classify_type") == 0 || strcmp(b, "types_compatible_p") == 0)
			return CALL_DROP;
		if (strcmp(b, "unreachable") == 0 || strcmp(b, "trap") == 0)
			return CALL_PLAIN;
		snprintf(plain, size, "%s", b);
		return CALL_RENAME;
	} else if (n > 6 && strcmp(name + n - 4, "_chk") == 0 && name[2] != '_') {
		base = name + 2;
		blen = n - 6;
	}
	if (!base || blen + 1 > size)
		return CALL_PLAIN;
	memcpy(plain, base, blen);
	plain[blen] = 0;
	for (int i = 0; chk_maps[i].name; i++)
		if (strcmp(chk_maps[i].name, plain) == 0)
			*drop = chk_maps[i].drop;
	return CALL_RENAME;
}


/*
 * Lowers call `e`: its arguments first (calls in them go into temps),
 * then the CALL. Its result goes to a new temporary (DST_TEMP, the
 * returned value), nowhere (DST_NONE) or *dst (DST_GIVEN).
 */
fe_val fe_lower_call(fe_tu *x, CXCursor e, int mode, const pf_path *dst)
{
	fe_fn *fn = &x->fn;
	kids k;
	fe_kids_get(&k, e);
	CXCursor callee = k.n ? k.v[0] : clang_getNullCursor();
	fe_kids_free(&k);
	int nargs = clang_Cursor_getNumArguments(e);
	if (nargs < 0)
		nargs = 0;
	pf_declid cid = 0;
	CXCursor fdecl = clang_getNullCursor();
	char name[128] = "";
	if (!clang_Cursor_isNull(callee)) {
		CXCursor s = fe_strip(callee);
		if (clang_getCursorKind(s) == CXCursor_UnaryOperator) {
			CXCursor sub = fe_sole_expr(s);
			if (!clang_Cursor_isNull(sub) && clang_getCursorKind(fe_strip(sub)) == CXCursor_DeclRefExpr)
				s = fe_strip(sub); /* (*f)(x), (&f)(x) */
		}
		if (clang_getCursorKind(s) == CXCursor_DeclRefExpr) {
			CXCursor r = clang_getCursorReferenced(s);
			if (clang_getCursorKind(r) == CXCursor_FunctionDecl) {
				fdecl = r;
				cid = fe_decl(x, r);
				CXString ns = clang_getCursorSpelling(r);
				snprintf(name, sizeof(name), "%s", clang_getCString(ns));
				clang_disposeString(ns);
			}
		}
	}
	unsigned drop = 0;
	char plain[128];
	int ck = cid ? call_kind(name, plain, sizeof(plain), &drop) : CALL_PLAIN;
	if (ck == CALL_TRANSPARENT && nargs > 0) {
		fe_val v = fe_lower_expr(x, clang_Cursor_getArgument(e, 0));
		for (int i = 1; i < nargs; i++)
			fe_lower_expr(x, clang_Cursor_getArgument(e, (unsigned)i));
		return v;
	}
	if (ck == CALL_DROP)
		return val_none();
	if ((ck == CALL_VA_START || ck == CALL_VA_COPY) && nargs >= 1) {
		fe_val ap = fe_lower_expr(x, clang_Cursor_getArgument(e, 0));
		pf_rval src;
		memset(&src, 0, sizeof(src));
		if (ck == CALL_VA_START) {
			pf_path va = {0};
			va.base = PF_BASE_VARARGS;
			src.paths = pf_arena_alloc(x->arena, sizeof(pf_path));
			src.paths[0] = va;
			src.npaths = 1;
		} else if (nargs >= 2) {
			src = fe_lower_expr(x, clang_Cursor_getArgument(e, 1)).rv;
		}
		assign_to(x, e, &ap, &src);
		return val_none();
	}
	if (ck == CALL_RENAME)
		cid = fe_synth_func(x, plain, cid);

	pf_insn in = fe_insn_at(x, PF_OP_CALL, e);
	in.callee = cid;
	if (!cid && !clang_Cursor_isNull(callee)) {
		in.fptr = fe_lower_expr(x, callee).rv;
		in.fptr.loc = fe_loc_spell(x, fe_start_of(callee));
	}
	if (nargs) {
		in.args = pf_arena_alloc(x->arena, (size_t)nargs * sizeof(pf_rval));
		for (int i = 0; i < nargs; i++) {
			CXCursor a = clang_Cursor_getArgument(e, (unsigned)i);
			int dropped = (i < 31 && (drop & (1u << i))) ||
			              ((drop & DROP_LAST) && i == nargs - 1);
			fe_val v = fe_lower_expr(x, a);
			if (dropped)
				continue;
			v.rv.loc = fe_loc_spell(x, fe_start_of(a));
			in.args[in.nargs++] = v.rv;
		}
	}
	fe_val ret = val_none();
	if (mode == DST_TEMP) {
		in.dst = new_temp(fn);
		in.strong = 1;
		ret = val_path(x, &in.dst, 1);
	} else if (mode == DST_GIVEN) {
		in.dst = *dst;
		in.strong = 1;
		ret = val_path(x, dst, 1);
	}
	fe_emit(fn, &in);
	if (cid && is_noreturn(x, cid, fdecl, name))
		fe_term_exit(fn);
	return ret;
}

/* `l = r`: the value is l's path. A call on the right of a plain local
   writes the local directly. */
static fe_val lower_assign(fe_tu *x, CXCursor e, CXCursor l, CXCursor r)
{
	fe_val dst = fe_lower_expr(x, l);
	CXCursor rs = fe_strip(r);
	if (dst.is_path && dst.strong && clang_getCursorKind(rs) == CXCursor_CallExpr) {
		fe_lower_call(x, rs, DST_GIVEN, &dst.rv.paths[0]);
		return dst;
	}
	fe_val src = fe_lower_expr(x, r);
	src.rv.loc = fe_loc_spell(x, fe_start_of(r));
	assign_to(x, e, &dst, &src.rv);
	dst.rv.flags = 0;
	dst.rv.ident = 0;
	return dst;
}

/* An expression whose value is not used. */
void fe_lower_discard(fe_tu *x, CXCursor e)
{
	CXCursor s = fe_strip(e);
	if (clang_getCursorKind(s) == CXCursor_CallExpr)
		fe_lower_call(x, s, DST_NONE, NULL);
	else
		fe_lower_expr(x, e);
}

/* `a && b`, `a || b` used as a value: lowered as a condition whose two
   outcomes join; the value reads every operand. */
static fe_val lower_logical_value(fe_tu *x, CXCursor e)
{
	fe_fn *fn = &x->fn;
	path_vec paths = {0};
	path_vec *saved = fn->collect;
	fn->collect = &paths;
	uint32_t join = fe_blk_new(fn);
	fe_lower_cond(x, e, join, join, 0);
	fn->collect = saved;
	fn->cur = join;
	/* a truth value: it carries no data of its operands */
	if (saved)
		for (size_t i = 0; i < paths.n; i++)
			pf_vec_push(saved, paths.v[i]);
	pf_vec_free(&paths);
	return val_none();
}

static fe_val lower_member(fe_tu *x, CXCursor e)
{
	CXCursor base = fe_sole_expr(e);
	if (clang_Cursor_isNull(base))
		return val_none();
	fe_val v = fe_lower_expr(x, base);
	pf_declid fid = fe_decl(x, clang_getCursorReferenced(e));
	int arrow = is_pointer_typed(base);
	fe_val r = val_none();
	if (!v.rv.npaths)
		return r;
	if (v.is_path)
		v.rv.npaths = 1; /* a[i].f: the member of the element, not of i */
	r.rv.paths = pf_arena_alloc(x->arena, v.rv.npaths * sizeof(pf_path));
	r.rv.npaths = v.rv.npaths;
	int full = 1;
	for (uint32_t i = 0; i < v.rv.npaths; i++) {
		r.rv.paths[i] = v.rv.paths[i];
		if (fid)
			full &= fe_path_append(&r.rv.paths[i], fid);
	}
	r.is_path = v.is_path;
	r.strong = (uint8_t)(v.strong && !arrow && full);
	return r;
}

fe_val fe_lower_expr(fe_tu *x, CXCursor e)
{
	fe_fn *fn = &x->fn;
	enum CXCursorKind kind = clang_getCursorKind(e);
	switch (kind) {
	case CXCursor_ParenExpr:
	case CXCursor_UnexposedExpr:
	case CXCursor_CStyleCastExpr: {
		kids k;
		fe_kids_get(&k, e);
		CXCursor sub = clang_getNullCursor();
		unsigned n = 0;
		for (unsigned i = 0; i < k.n; i++)
			if (fe_is_expr(k.v[i])) {
				sub = k.v[i];
				n++;
			}
		fe_val v = val_none();
		if (n == 1) {
			v = fe_lower_expr(x, sub);
			if (kind == CXCursor_CStyleCastExpr)
				v.strong = v.strong && v.is_path;
		} else if (n > 1) {
			/* GNU `a ?: b`, va_arg, ...: reads every operand */
			for (unsigned i = 0; i < k.n; i++) {
				if (!fe_is_expr(k.v[i]))
					continue;
				fe_val c = fe_lower_expr(x, k.v[i]);
				v = val_union(x, &v, &c);
			}
		} else {
			/* a statement below an unexposed node (rare) */
			for (unsigned i = 0; i < k.n; i++)
				if (clang_isStatement(clang_getCursorKind(k.v[i])))
					fe_lower_stmt(x, k.v[i]);
		}
		fe_kids_free(&k);
		if ((v.rv.flags & PF_RV_INT) && v.rv.ival == 0 && !v.rv.npaths &&
		    kind != CXCursor_ParenExpr && is_pointer_typed(e)) {
			v.rv.flags = PF_RV_NULL;
		}
		return v;
	}
	case CXCursor_DeclRefExpr: {
		CXCursor r = clang_getCursorReferenced(e);
		switch (clang_getCursorKind(r)) {
		case CXCursor_ParmDecl:
		case CXCursor_VarDecl:
			return fe_var_val(x, r);
		case CXCursor_FunctionDecl: {
			fe_val v = val_none();
			v.rv.flags = PF_RV_FUNC;
			v.rv.func = fe_decl(x, r);
			fe_decl_flag(x, v.rv.func, PF_DF_ADDR);
			return v;
		}
		case CXCursor_EnumConstantDecl: {
			fe_val v = val_int(clang_getEnumConstantDeclValue(r));
			v.rv.ident = fe_decl(x, r);
			return v;
		}
		default:
			return val_none();
		}
	}
	case CXCursor_MemberRefExpr:
		return lower_member(x, e);
	case CXCursor_ArraySubscriptExpr: {
		/* a[3], a[E_CONST]: that element; a[i]: any element */
		kids k;
		fe_kids_get(&k, e);
		fe_val v = val_none(), iv = val_none();
		pf_declid el = PF_ELEM_ANY;
		if (k.n >= 1)
			v = fe_lower_expr(x, k.v[0]);
		for (unsigned i = 1; i < k.n; i++) {
			int64_t idx;
			if (const_value(x, k.v[i], &idx) && idx >= 0 && idx < 0x7fffffff)
				el = PF_ELEM_INDEX | (pf_declid)idx;
			else
				iv = fe_lower_expr(x, k.v[i]);
		}
		fe_kids_free(&k);
		int full = 1;
		uint32_t n = v.is_path && v.rv.npaths ? 1 : v.rv.npaths;
		for (uint32_t i = 0; i < n; i++)
			full &= fe_path_append(&v.rv.paths[i], el);
		v.rv.npaths = n;
		v.strong = v.strong && full && el != PF_ELEM_ANY;
		v.rv.flags = 0;
		v.rv.ident = 0;
		/* the value also reads the index: table[c] encodes c (base64,
		   hex digits); as an lvalue, only the element is written */
		if (iv.rv.npaths && v.is_path) {
			pf_path *all = pf_arena_alloc(x->arena, (1 + iv.rv.npaths) * sizeof(pf_path));
			all[0] = v.rv.paths[0];
			memcpy(all + 1, iv.rv.paths, iv.rv.npaths * sizeof(pf_path));
			v.rv.paths = all;
			v.rv.npaths = 1 + iv.rv.npaths;
		}
		return v;
	}
	case CXCursor_UnaryOperator: {
		CXCursor sub = fe_sole_expr(e);
		if (clang_Cursor_isNull(sub))
			return val_none();
		int op = fe_unop_kind(x, e, sub);
		fe_val v = fe_lower_expr(x, sub);
		switch (op) {
		case OP_DEREF:
			v.strong = 0;
			v.rv.flags &= PF_RV_FUNC;
			v.rv.ident = 0;
			return v;
		case OP_ADDR:
			v.strong = 0;
			if (!(v.rv.flags & PF_RV_FUNC))
				v.rv.flags = PF_RV_ADDR;
			v.rv.ident = 0;
			return v;
		case OP_EXT:
			return v;
		case OP_NEG:
		case OP_NOT:
		case OP_BITNOT:
		case OP_PLUS:
			if ((v.rv.flags & PF_RV_INT) && !v.rv.npaths) {
				int64_t i = v.rv.ival;
				return val_int(op == OP_NEG ? (int64_t)(0 - (uint64_t)i)
				               : op == OP_NOT ? !i : op == OP_BITNOT ? ~i : i);
			}
			if (op == OP_NOT) {
				/* a truth value: no data, but what it tests (guards) */
				fe_val t = val_rvalue(v);
				t.rv.flags = PF_RV_BOOL | ((v.rv.flags & PF_RV_BOOL)
				             ? (v.rv.flags & PF_RV_NEG) ^ PF_RV_NEG : PF_RV_NEG);
				return t;
			}
			return val_rvalue(v);
		default: /* ++, --: the value read */
			return val_rvalue(v);
		}
	}
	case CXCursor_BinaryOperator: {
		kids k;
		fe_kids_get(&k, e);
		if (k.n < 2) {
			fe_kids_free(&k);
			return val_none();
		}
		CXCursor l = k.v[0], r = k.v[k.n - 1];
		fe_kids_free(&k);
		int op = fe_binop_kind(x, e, l, r);
		switch (op) {
		case OP_ASSIGN:
			return lower_assign(x, e, l, r);
		case OP_COMMA:
			fe_lower_discard(x, l);
			return fe_lower_expr(x, r);
		case OP_LAND:
		case OP_LOR:
			return lower_logical_value(x, e);
		default: {
			fe_val a = fe_lower_expr(x, l);
			fe_val b = fe_lower_expr(x, r);
			if ((a.rv.flags & PF_RV_INT) && (b.rv.flags & PF_RV_INT) &&
			    !a.rv.npaths && !b.rv.npaths) {
				int ok;
				int64_t i = fold(op, a.rv.ival, b.rv.ival, &ok);
				if (!ok)
					i = eval_int(e, &ok); /* operator not read (macro) */
				if (ok)
					return val_int(i);
			}
			/* a comparison is a truth value: it carries no data; with
			   zero it still says what it tests (x == 0 is !x) */
			if ((op == OP_EQ || op == OP_NE) &&
			    (((b.rv.flags & (PF_RV_INT | PF_RV_NULL)) && !b.rv.npaths && b.rv.ival == 0) ||
			     ((a.rv.flags & (PF_RV_INT | PF_RV_NULL)) && !a.rv.npaths && a.rv.ival == 0))) {
				fe_val t = val_rvalue(a.rv.npaths ? a : b);
				t.rv.flags = PF_RV_BOOL | (op == OP_EQ ? PF_RV_NEG : 0);
				return t;
			}
			if (op >= OP_EQ && op <= OP_GE)
				return val_none();
			return val_union(x, &a, &b);
		}
		}
	}
	case CXCursor_CompoundAssignOperator: {
		kids k;
		fe_kids_get(&k, e);
		if (k.n < 2) {
			fe_kids_free(&k);
			return val_none();
		}
		CXCursor l = k.v[0], r = k.v[k.n - 1];
		fe_kids_free(&k);
		fe_val dst = fe_lower_expr(x, l);
		fe_val src = fe_lower_expr(x, r);
		src.rv.loc = fe_loc_spell(x, fe_start_of(r));
		uint32_t n = dst.is_path && dst.rv.npaths ? 1 : dst.rv.npaths;
		for (uint32_t i = 0; i < n; i++)
			fe_emit_assign(x, e, &dst.rv.paths[i], 0, &src.rv);
		dst.rv.flags = 0;
		dst.rv.ident = 0;
		return dst;
	}
	case CXCursor_ConditionalOperator: {
		kids k;
		fe_kids_get(&k, e);
		if (k.n < 3) {
			fe_val v = val_none();
			for (unsigned i = 0; i < k.n; i++) {
				fe_val c = fe_lower_expr(x, k.v[i]);
				v = val_union(x, &v, &c);
			}
			fe_kids_free(&k);
			return v;
		}
		CXCursor c = k.v[0], a = k.v[1], b = k.v[2];
		fe_kids_free(&k);
		uint32_t tb = fe_blk_new(fn), fb = fe_blk_new(fn), join = fe_blk_new(fn);
		fe_lower_cond(x, c, tb, fb, 0);
		fn->cur = tb;
		fe_val va = fe_lower_expr(x, a);
		fe_term_goto(fn, join);
		fn->cur = fb;
		fe_val vb = fe_lower_expr(x, b);
		fe_term_goto(fn, join);
		fn->cur = join;
		fe_val v = val_union(x, &va, &vb);
		if ((va.rv.flags & vb.rv.flags & PF_RV_NULL))
			v.rv.flags |= PF_RV_NULL;
		return v;
	}
	case CXCursor_CallExpr:
		return fe_lower_call(x, e, DST_TEMP, NULL);
	case CXCursor_IntegerLiteral:
	case CXCursor_CharacterLiteral: {
		int ok;
		int64_t i = eval_int(e, &ok);
		return ok ? val_int(i) : val_none();
	}
	case CXCursor_StringLiteral: {
		CXString s = clang_getCursorSpelling(e);
		fe_val v = val_none();
		v.rv.flags = PF_RV_STR;
		v.rv.str = decode_string(x, clang_getCString(s) ? clang_getCString(s) : "");
		clang_disposeString(s);
		return v;
	}
	case CXCursor_GNUNullExpr: {
		fe_val v = val_none();
		v.rv.flags = PF_RV_NULL;
		return v;
	}
	case CXCursor_StmtExpr: {
		/* ({ ...; v; }): the statements, then the last one's value */
		kids k;
		fe_kids_get(&k, e);
		fe_val v = val_none();
		if (k.n && clang_getCursorKind(k.v[0]) == CXCursor_CompoundStmt) {
			kids s;
			fe_kids_get(&s, k.v[0]);
			for (unsigned i = 0; i < s.n; i++) {
				if (i + 1 == s.n && fe_is_expr(s.v[i]))
					v = fe_lower_expr(x, s.v[i]);
				else
					fe_lower_stmt(x, s.v[i]);
			}
			fe_kids_free(&s);
		}
		fe_kids_free(&k);
		v.strong = 0;
		return v;
	}
	case CXCursor_CompoundLiteralExpr: {
		kids k;
		fe_kids_get(&k, e);
		pf_path t = new_temp(fn);
		for (unsigned i = 0; i < k.n; i++) {
			if (clang_getCursorKind(k.v[i]) == CXCursor_InitListExpr)
				fe_lower_init(x, &t, 1, clang_getCursorType(e), k.v[i]);
		}
		fe_kids_free(&k);
		return val_path(x, &t, 1);
	}
	case CXCursor_InitListExpr: {
		kids k;
		fe_kids_get(&k, e);
		fe_val v = val_none();
		for (unsigned i = 0; i < k.n; i++) {
			if (!fe_is_expr(k.v[i]))
				continue;
			fe_val c = fe_lower_expr(x, k.v[i]);
			v = val_union(x, &v, &c);
		}
		fe_kids_free(&k);
		return v;
	}
	case CXCursor_GenericSelectionExpr: {
		/* the controlling expression is not evaluated; the selected
		   association is not exposed: read them all */
		kids k;
		fe_kids_get(&k, e);
		fe_val v = val_none();
		unsigned seen = 0;
		for (unsigned i = 0; i < k.n; i++) {
			if (!fe_is_expr(k.v[i]) || seen++ == 0)
				continue;
			fe_val c = fe_lower_expr(x, k.v[i]);
			v = val_union(x, &v, &c);
		}
		fe_kids_free(&k);
		return v;
	}
	case CXCursor_UnaryExpr:         /* sizeof, alignof */
	case CXCursor_FloatingLiteral:
	case CXCursor_ImaginaryLiteral:
	case CXCursor_AddrLabelExpr:
		return val_none();
	default: {
		if (!clang_isExpression(kind))
			return val_none();
		kids k;
		fe_kids_get(&k, e);
		fe_val v = val_none();
		for (unsigned i = 0; i < k.n; i++) {
			if (!fe_is_expr(k.v[i]))
				continue;
			fe_val c = fe_lower_expr(x, k.v[i]);
			v = val_union(x, &v, &c);
		}
		fe_kids_free(&k);
		return v;
	}
	}
}

/* --- conditions ---------------------------------------------------------- */

/*
 * Lowers a test of `e`: control goes to t when e (negated if neg) is
 * true, to f otherwise. `!`, comparisons with 0/NULL/false/1/true,
 * `&&`, `||`, `?:` and `,` become branches; the leaves are branches on a
 * path (or opaque), calls in them lowered first into temporaries.
 */
void fe_lower_cond(fe_tu *x, CXCursor e, uint32_t t, uint32_t f, int neg)
{
	fe_fn *fn = &x->fn;
	CXCursor s = fe_strip(e);
	enum CXCursorKind kind = clang_getCursorKind(s);
	if (kind == CXCursor_UnaryOperator) {
		CXCursor sub = fe_sole_expr(s);
		if (!clang_Cursor_isNull(sub)) {
			int op = fe_unop_kind(x, s, sub);
			if (op == OP_NOT) {
				fe_lower_cond(x, sub, t, f, !neg);
				return;
			}
			if (op == OP_EXT) {
				fe_lower_cond(x, sub, t, f, neg);
				return;
			}
		}
	} else if (kind == CXCursor_BinaryOperator) {
		kids k;
		fe_kids_get(&k, s);
		if (k.n >= 2) {
			CXCursor l = k.v[0], r = k.v[k.n - 1];
			fe_kids_free(&k);
			int op = fe_binop_kind(x, s, l, r);
			int64_t cv;
			if ((op == OP_LAND && !neg) || (op == OP_LOR && neg)) {
				uint32_t mid = fe_blk_new(fn);
				fe_lower_cond(x, l, mid, f, neg);
				fn->cur = mid;
				fe_lower_cond(x, r, t, f, neg);
				return;
			}
			if (op == OP_LOR || op == OP_LAND) {
				uint32_t mid = fe_blk_new(fn);
				fe_lower_cond(x, l, t, mid, neg);
				fn->cur = mid;
				fe_lower_cond(x, r, t, f, neg);
				return;
			}
			if (op == OP_COMMA) {
				fe_lower_discard(x, l);
				fe_lower_cond(x, r, t, f, neg);
				return;
			}
			if (op == OP_EQ || op == OP_NE || op == OP_GT || op == OP_LT) {
				CXCursor other = clang_getNullCursor();
				int flip = -1;
				if (const_value(x, r, &cv)) {
					other = l;
					if (cv == 0 && op == OP_EQ)
						flip = 1;
					else if (cv == 0 && (op == OP_NE || op == OP_GT))
						flip = 0;
					else if (cv == 1 && op == OP_EQ)
						flip = 0;
					else if (cv == 1 && op == OP_NE)
						flip = 1;
				} else if (const_value(x, l, &cv)) {
					other = r;
					if (cv == 0 && op == OP_EQ)
						flip = 1;
					else if (cv == 0 && (op == OP_NE || op == OP_LT))
						flip = 0;
					else if (cv == 1 && op == OP_EQ)
						flip = 0;
					else if (cv == 1 && op == OP_NE)
						flip = 1;
				}
				if (flip >= 0 && !const_value(x, other, &cv)) {
					fe_lower_cond(x, other, t, f, flip ? !neg : neg);
					return;
				}
			}
		} else {
			fe_kids_free(&k);
		}
	} else if (kind == CXCursor_ConditionalOperator) {
		kids k;
		fe_kids_get(&k, s);
		if (k.n == 3) {
			CXCursor c = k.v[0], a = k.v[1], b = k.v[2];
			fe_kids_free(&k);
			uint32_t tb = fe_blk_new(fn), fb = fe_blk_new(fn);
			fe_lower_cond(x, c, tb, fb, 0);
			fn->cur = tb;
			fe_lower_cond(x, a, t, f, neg);
			fn->cur = fb;
			fe_lower_cond(x, b, t, f, neg);
			return;
		}
		fe_kids_free(&k);
	} else if (kind == CXCursor_CallExpr) {
		CXCursor c = fe_strip(e);
		kids k;
		fe_kids_get(&k, c);
		CXCursor callee = k.n ? fe_strip(k.v[0]) : clang_getNullCursor();
		fe_kids_free(&k);
		if (!clang_Cursor_isNull(callee) &&
		    clang_getCursorKind(callee) == CXCursor_DeclRefExpr &&
		    clang_Cursor_getNumArguments(c) >= 1) {
			CXString ns = clang_getCursorSpelling(callee);
			const char *n = clang_getCString(ns);
			int expect = n && (strcmp(n, "__builtin_expect") == 0 ||
			                   strcmp(n, "__builtin_expect_with_probability") == 0);
			clang_disposeString(ns);
			if (expect) {
				fe_lower_cond(x, clang_Cursor_getArgument(c, 0), t, f, neg);
				return;
			}
		}
	}

	/* a leaf */
	fe_val v = fe_lower_expr(x, e);
	if (fn->collect)
		for (uint32_t i = 0; i < v.rv.npaths; i++)
			pf_vec_push(fn->collect, v.rv.paths[i]);
	if (!v.rv.npaths && (v.rv.flags & (PF_RV_INT | PF_RV_NULL | PF_RV_STR | PF_RV_FUNC))) {
		int truth = (v.rv.flags & PF_RV_INT) ? v.rv.ival != 0
		            : (v.rv.flags & PF_RV_NULL) ? 0 : 1;
		if (fn->cur == PF_NO_BLOCK)
			fe_cur_block(fn);
		fe_term_goto(fn, truth ^ neg ? t : f);
		return;
	}
	pf_cond c;
	memset(&c, 0, sizeof(c));
	if (v.is_path && v.rv.npaths == 1)
		c.path = v.rv.paths[0];
	c.negate = (uint8_t)(neg != 0);
	c.loc = fe_loc_spell(x, fe_start_of(e));
	fe_term_branch(fn, &c, t, f);
}

