/*
 * The frontend: parses one translation unit with libclang (the C API of
 * LLVM 14) and lowers every function the project defines to privflow's IR
 * (ir.h): declarations deduplicated by USR, a CFG per function whose
 * blocks hold assignments and calls between access paths, and branch
 * conditions normalised onto a path and a polarity. The only module that
 * includes clang-c. One pf_frontend (one CXIndex) per worker thread; the
 * AST never outlives pf_frontend_parse().
 *
 * libclang 14 does not expose operator kinds, so the operator of a binary
 * or unary expression is read from the source text between its operands,
 * falling back, inside macro bodies, to the text around the tokens
 * clang_tokenize finds at the operands' spelling locations.
 */
#include "frontend.h"

#include <clang-c/Index.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pf_frontend {
	CXIndex index;
	char *root;        /* absolute, normalised; NULL: everything is the project's */
	size_t rootlen;
	char *include_arg; /* "-I<include_dir>" or NULL */
	int keep_going;
};

/* --- small helpers ------------------------------------------------------- */

/* Children of a cursor, in order. Small inline buffer: most nodes have
   fewer than 8 children. */
typedef struct kids {
	CXCursor buf[8];
	CXCursor *v;
	unsigned n, cap;
} kids;

static enum CXChildVisitResult kids_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	kids *k = d;
	if (k->n == k->cap) {
		unsigned nc = k->cap * 2;
		if (k->v == k->buf) {
			CXCursor *nv = pf_malloc(nc * sizeof(CXCursor));
			memcpy(nv, k->buf, k->n * sizeof(CXCursor));
			k->v = nv;
		} else {
			k->v = pf_realloc(k->v, nc * sizeof(CXCursor));
		}
		k->cap = nc;
	}
	k->v[k->n++] = c;
	return CXChildVisit_Continue;
}

static void kids_get(kids *k, CXCursor c)
{
	k->v = k->buf;
	k->n = 0;
	k->cap = 8;
	clang_visitChildren(c, kids_visit, k);
}

static void kids_free(kids *k)
{
	if (k->v != k->buf)
		pf_free(k->v);
	k->v = k->buf;
	k->n = 0;
}

static int is_expr(CXCursor c)
{
	return clang_isExpression(clang_getCursorKind(c));
}

/* --- per-TU state -------------------------------------------------------- */

typedef struct fe_file {
	CXFile file;
	pf_sym sym;
	uint8_t project; /* under the root */
} fe_file;

typedef struct fe_cached {
	CXCursor c;
	pf_declid id;
} fe_cached;

typedef struct fe_blk {
	uint8_t term;
	uint8_t done;
	uint32_t nsucc, cap;
	uint32_t *succ;
	pf_cond cond;
} fe_blk;

typedef struct fe_label {
	pf_sym name;
	uint32_t block;
} fe_label;

typedef PF_VEC(pf_path) path_vec;

/* One function being lowered. */
typedef struct fe_fn {
	pf_declid decl;
	PF_VEC(pf_declid) params;
	PF_VEC(pf_declid) locals;
	pf_map *vars;          /* declid -> index << 1 | is_param */
	PF_VEC(pf_insn) insns;
	PF_VEC(uint32_t) insn_blk;
	PF_VEC(fe_blk) blocks;
	PF_VEC(fe_label) labels;
	uint32_t cur;          /* open block, PF_NO_BLOCK after a terminator */
	uint32_t brk, cont;    /* targets of break / continue */
	uint32_t sw;           /* head block of the innermost switch */
	int sw_default;
	path_vec *collect;     /* leaf conditions' paths go here when set */
} fe_fn;

typedef struct fe_tu {
	pf_frontend *fe;
	const pf_tu_cmd *cmd;
	CXTranslationUnit tu;
	pf_tu_builder *b;
	pf_arena *arena;
	pf_map *file_map;               /* CXFile address -> index in files */
	PF_VEC(fe_file) files;
	pf_map *decl_map;               /* clang_hashCursor -> index in cached */
	PF_VEC(fe_cached) cached;
	pf_map *synth;                  /* hash(name) -> declid of renamed builtins */
	PF_VEC(uint8_t) noret;          /* per declid: 0 unknown, 1 no, 2 yes */
	PF_VEC(CXCursor) ginits;        /* project globals with initialisers */
	fe_fn fn;
} fe_tu;

/* --- files and locations ------------------------------------------------- */

static fe_file *file_info(fe_tu *x, CXFile f)
{
	uint32_t idx;
	if (pf_map_get(x->file_map, (uint64_t)(uintptr_t)f, &idx))
		return &x->files.v[idx];
	fe_file e = {f, 0, 1};
	CXString s = clang_getFileName(f);
	const char *name = clang_getCString(s);
	char *abs = pf_path_absnorm(x->cmd->directory, name ? name : "");
	clang_disposeString(s);
	const char *rel = abs;
	pf_frontend *fe = x->fe;
	if (fe->root) {
		if (fe->rootlen == 1) {
			rel = abs + 1;
		} else if (strncmp(abs, fe->root, fe->rootlen) == 0 &&
		           abs[fe->rootlen] == '/') {
			rel = abs + fe->rootlen + 1;
		} else {
			e.project = 0;
		}
	}
	e.sym = pf_tub_sym(x->b, rel);
	pf_free(abs);
	pf_map_put(x->file_map, (uint64_t)(uintptr_t)f, (uint32_t)x->files.n);
	pf_vec_push(&x->files, e);
	return &x->files.v[x->files.n - 1];
}

static pf_loc mkloc(fe_tu *x, CXFile f, unsigned line, unsigned col)
{
	pf_loc l = {0, line, col};
	if (f)
		l.file = file_info(x, f)->sym;
	return l;
}

/* The (file) spelling location of `l`, as libclang reports it. */
static pf_loc loc_spell(fe_tu *x, CXSourceLocation l)
{
	CXFile f = NULL;
	unsigned line = 0, col = 0;
	clang_getSpellingLocation(l, &f, &line, &col, NULL);
	return mkloc(x, f, line, col);
}

/* Where the outermost macro holding `l` is used (or `l` itself). */
static pf_loc loc_expand(fe_tu *x, CXSourceLocation l)
{
	CXFile f = NULL;
	unsigned line = 0, col = 0;
	clang_getExpansionLocation(l, &f, &line, &col, NULL);
	return mkloc(x, f, line, col);
}

static CXSourceLocation start_of(CXCursor c)
{
	return clang_getRangeStart(clang_getCursorExtent(c));
}

/* A cursor is the project's when it is outside system headers and its
   file is under the root. */
static int in_project(fe_tu *x, CXCursor c)
{
	CXSourceLocation l = clang_getCursorLocation(c);
	if (clang_Location_isInSystemHeader(l))
		return 0;
	CXFile f = NULL;
	clang_getExpansionLocation(l, &f, NULL, NULL, NULL);
	return f ? file_info(x, f)->project : 0;
}

/* --- types --------------------------------------------------------------- */

static int is_char_kind(enum CXTypeKind k)
{
	return k == CXType_Char_S || k == CXType_Char_U || k == CXType_SChar ||
	       k == CXType_WChar || k == CXType_Char16 || k == CXType_Char32;
}

static int is_int_kind(enum CXTypeKind k)
{
	return (k >= CXType_Bool && k <= CXType_Int128) || k == CXType_Enum;
}

static int is_ptr_or_array(enum CXTypeKind k)
{
	return k == CXType_Pointer || k == CXType_ConstantArray ||
	       k == CXType_IncompleteArray || k == CXType_VariableArray ||
	       k == CXType_DependentSizedArray || k == CXType_BlockPointer;
}

static CXType elem_type(CXType t)
{
	CXType e = t.kind == CXType_Pointer || t.kind == CXType_BlockPointer
	                   ? clang_getPointeeType(t)
	                   : clang_getArrayElementType(t);
	return clang_getCanonicalType(e);
}

static pf_sym record_name(fe_tu *x, CXCursor rec);

/* Type class of `t` (enum pf_type_class); *rec gets the record's name for
   records and pointers/arrays to them. */
static int type_class(fe_tu *x, CXType t, pf_sym *rec)
{
	t = clang_getCanonicalType(t);
	*rec = 0;
	if (t.kind == CXType_Record) {
		*rec = record_name(x, clang_getTypeDeclaration(t));
		return PF_TY_RECORD;
	}
	if (is_int_kind(t.kind))
		return PF_TY_INT;
	if (t.kind >= CXType_Float && t.kind <= CXType_Float128)
		return PF_TY_FLOAT;
	if (t.kind == CXType_Half || t.kind == CXType_Float16)
		return PF_TY_FLOAT;
	if (!is_ptr_or_array(t.kind))
		return PF_TY_OTHER;
	CXType e = elem_type(t);
	if (is_char_kind(e.kind))
		return PF_TY_STRING;
	if (e.kind == CXType_UChar || e.kind == CXType_Void)
		return PF_TY_BYTES;
	if (e.kind == CXType_FunctionProto || e.kind == CXType_FunctionNoProto)
		return PF_TY_FUNCPTR;
	/* strip further layers: pointers to pointers to records are records */
	CXType in = e;
	for (int i = 0; i < 8 && is_ptr_or_array(in.kind); i++)
		in = elem_type(in);
	if (in.kind == CXType_Record) {
		*rec = record_name(x, clang_getTypeDeclaration(in));
		return PF_TY_RECPTR;
	}
	if (t.kind == CXType_Pointer)
		return PF_TY_POINTER;
	/* arrays of scalars: the element's class */
	int c = type_class(x, e, rec);
	return c == PF_TY_OTHER ? PF_TY_OTHER : c;
}

/*
 * The name of a struct/union: its tag, else the typedef that names it,
 * else (an anonymous member record) the enclosing record's name.
 */
static pf_sym record_name(fe_tu *x, CXCursor rec)
{
	CXString s = clang_getCursorSpelling(rec);
	const char *n = clang_getCString(s);
	pf_sym r = 0;
	if (n && *n && !strchr(n, '(')) {
		r = pf_tub_sym(x->b, n);
		clang_disposeString(s);
		return r;
	}
	clang_disposeString(s);
	CXString ts = clang_getTypeSpelling(clang_getCursorType(rec));
	const char *tn = clang_getCString(ts);
	if (tn && *tn && !strchr(tn, '(')) {
		if (strncmp(tn, "struct ", 7) == 0)
			tn += 7;
		else if (strncmp(tn, "union ", 6) == 0)
			tn += 6;
		if (strncmp(tn, "const ", 6) == 0)
			tn += 6;
		r = pf_tub_sym(x->b, tn);
	} else {
		CXCursor p = clang_getCursorSemanticParent(rec);
		enum CXCursorKind pk = clang_getCursorKind(p);
		if (pk == CXCursor_StructDecl || pk == CXCursor_UnionDecl)
			r = record_name(x, p);
	}
	clang_disposeString(ts);
	return r;
}

/* --- declarations -------------------------------------------------------- */

typedef PF_VEC(pf_sym) sym_vec;

static enum CXChildVisitResult annot_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	if (clang_getCursorKind(c) != CXCursor_AnnotateAttr)
		return CXChildVisit_Continue;
	void **ctx = d;
	fe_tu *x = ctx[0];
	sym_vec *v = ctx[1];
	CXString s = clang_getCursorSpelling(c);
	const char *t = clang_getCString(s);
	if (t && strncmp(t, "privflow:", 9) == 0)
		pf_vec_push(v, pf_tub_sym(x->b, t));
	clang_disposeString(s);
	return CXChildVisit_Continue;
}

static void collect_annots(fe_tu *x, CXCursor c, sym_vec *v)
{
	if (clang_Cursor_isNull(c) || !clang_Cursor_hasAttrs(c))
		return;
	void *ctx[2] = {x, v};
	clang_visitChildren(c, annot_visit, ctx);
}

static void noret_grow(fe_tu *x, pf_declid id)
{
	while (x->noret.n <= id)
		pf_vec_push(&x->noret, 0);
}

/*
 * The id of the declaration `c` (a FieldDecl, VarDecl, ParmDecl,
 * FunctionDecl or EnumConstantDecl; 0 for anything else), created on
 * first sight with its annotations merged from the canonical declaration
 * and the definition. Cached per cursor.
 */
static pf_declid fe_decl(fe_tu *x, CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	uint8_t kind;
	switch (k) {
	case CXCursor_FieldDecl: kind = PF_DECL_FIELD; break;
	case CXCursor_VarDecl:
		kind = clang_Cursor_hasVarDeclGlobalStorage(c) == 1 ? PF_DECL_GLOBAL
		                                                    : PF_DECL_LOCAL;
		break;
	case CXCursor_ParmDecl: kind = PF_DECL_PARAM; break;
	case CXCursor_FunctionDecl: kind = PF_DECL_FUNC; break;
	case CXCursor_EnumConstantDecl: kind = PF_DECL_ENUMCONST; break;
	default: return 0;
	}
	CXCursor canon = clang_getCanonicalCursor(c);
	unsigned h = clang_hashCursor(canon);
	uint32_t idx;
	if (pf_map_get(x->decl_map, h, &idx) && clang_equalCursors(x->cached.v[idx].c, canon))
		return x->cached.v[idx].id;

	pf_decl d = {0};
	d.kind = kind;
	CXString name = clang_getCursorSpelling(c);
	const char *nm = clang_getCString(name);
	int builtin = nm && strncmp(nm, "__builtin", 9) == 0;
	d.name = pf_tub_sym(x->b, nm ? nm : "");
	CXSourceLocation where = clang_getCursorLocation(c);
	d.loc = loc_spell(x, where);
	CXString usr = clang_getCursorUSR(canon);
	const char *u = clang_getCString(usr);
	if (u && *u) {
		d.usr = pf_tub_sym(x->b, u);
	} else {
		/* file:line:col:name */
		CXFile f = NULL;
		clang_getSpellingLocation(where, &f, NULL, NULL, NULL);
		CXString fs = clang_getFileName(f);
		char *key = pf_asprintf("%s:%u:%u:%s", f ? clang_getCString(fs) : "",
		                        d.loc.line, d.loc.col, nm ? nm : "");
		clang_disposeString(fs);
		d.usr = pf_tub_sym(x->b, key);
		pf_free(key);
	}
	clang_disposeString(usr);
	clang_disposeString(name);

	CXType t = clang_getCursorType(c);
	CXString ts = clang_getTypeSpelling(t);
	d.type = pf_tub_sym(x->b, clang_getCString(ts));
	clang_disposeString(ts);
	if (kind == PF_DECL_FUNC) {
		int tc = type_class(x, clang_getResultType(t), &d.record);
		d.tclass = (uint8_t)tc;
		int na = clang_Cursor_getNumArguments(c);
		d.nparams = na > 0 ? (uint32_t)na : 0;
		if (clang_Cursor_isVariadic(c))
			d.flags |= PF_DF_VARIADIC;
	} else if (kind != PF_DECL_ENUMCONST) {
		d.tclass = (uint8_t)type_class(x, t, &d.record);
		if (d.tclass != PF_TY_RECORD && d.tclass != PF_TY_RECPTR)
			d.record = 0;
	} else {
		d.tclass = PF_TY_INT;
		d.value = clang_getEnumConstantDeclValue(c);
	}
	if (kind == PF_DECL_FIELD) {
		d.scope = record_name(x, clang_getCursorSemanticParent(c));
	} else if (kind == PF_DECL_PARAM || kind == PF_DECL_LOCAL || kind == PF_DECL_GLOBAL) {
		CXCursor p = clang_getCursorSemanticParent(c);
		if (clang_getCursorKind(p) == CXCursor_FunctionDecl) {
			CXString ps = clang_getCursorSpelling(p);
			d.scope = pf_tub_sym(x->b, clang_getCString(ps));
			clang_disposeString(ps);
		}
	}
	if (kind == PF_DECL_FUNC || kind == PF_DECL_GLOBAL) {
		if (clang_getCursorLinkage(c) == CXLinkage_Internal)
			d.flags |= PF_DF_STATIC;
	}
	if (builtin || !in_project(x, c))
		d.flags |= PF_DF_SYSTEM;

	sym_vec an = {0};
	collect_annots(x, c, &an);
	if (!clang_equalCursors(canon, c))
		collect_annots(x, canon, &an);
	if (kind == PF_DECL_FUNC || kind == PF_DECL_GLOBAL) {
		CXCursor def = clang_getCursorDefinition(c);
		if (!clang_Cursor_isNull(def) && !clang_equalCursors(def, c))
			collect_annots(x, def, &an);
	}
	d.annots = an.v;
	d.nannots = (uint32_t)an.n;
	pf_declid id = pf_tub_decl(x->b, &d);
	pf_vec_free(&an);

	fe_cached e = {canon, id};
	if (!pf_map_get(x->decl_map, h, NULL)) {
		pf_map_put(x->decl_map, h, (uint32_t)x->cached.n);
		pf_vec_push(&x->cached, e);
	}
	return id;
}

/* Unions into decl `id` the annotations written on redeclaration `c`. */
static void fe_decl_redecl(fe_tu *x, pf_declid id, CXCursor c)
{
	sym_vec an = {0};
	collect_annots(x, c, &an);
	if (an.n) {
		pf_decl *d = pf_tub_decl_at(x->b, id);
		pf_decl upd = {0};
		upd.usr = d->usr;
		upd.annots = an.v;
		upd.nannots = (uint32_t)an.n;
		pf_tub_decl(x->b, &upd);
	}
	pf_vec_free(&an);
}

static void decl_flag(fe_tu *x, pf_declid id, unsigned flag)
{
	pf_decl *d = pf_tub_decl_at(x->b, id);
	if (d)
		d->flags |= (uint16_t)flag;
}

/* A callee declaration by name, for builtins lowered to the libc function
   they stand for (`__builtin___memcpy_chk` -> `memcpy`). */
static pf_declid synth_func(fe_tu *x, const char *name, pf_declid like)
{
	uint64_t h = pf_hash64_str(name);
	uint32_t id;
	if (pf_map_get(x->synth, h, &id))
		return id;
	char *usr = pf_asprintf("c:@F@%s", name);
	pf_decl d = {0};
	pf_decl *l = pf_tub_decl_at(x->b, like);
	if (l) {
		d = *l;
		d.annots = NULL;
		d.nannots = 0;
		d.flags &= (uint16_t)~(PF_DF_DEFINED | PF_DF_ADDR | PF_DF_STATIC);
	}
	d.kind = PF_DECL_FUNC;
	d.usr = pf_tub_sym(x->b, usr);
	d.name = pf_tub_sym(x->b, name);
	d.flags |= PF_DF_SYSTEM;
	pf_free(usr);
	id = pf_tub_decl(x->b, &d);
	pf_map_put(x->synth, h, id);
	return id;
}

/* --- blocks -------------------------------------------------------------- */

static uint32_t blk_new(fe_fn *fn)
{
	fe_blk b = {0};
	pf_vec_push(&fn->blocks, b);
	return (uint32_t)fn->blocks.n - 1;
}

static void blk_succ(fe_fn *fn, uint32_t b, uint32_t s)
{
	fe_blk *bl = &fn->blocks.v[b];
	if (bl->nsucc == bl->cap) {
		bl->cap = bl->cap ? bl->cap * 2 : 2;
		bl->succ = pf_realloc(bl->succ, bl->cap * sizeof(uint32_t));
	}
	bl->succ[bl->nsucc++] = s;
}

static uint32_t cur_block(fe_fn *fn)
{
	if (fn->cur == PF_NO_BLOCK)
		fn->cur = blk_new(fn); /* unreachable code still gets a block */
	return fn->cur;
}

static void term_goto(fe_fn *fn, uint32_t target)
{
	if (fn->cur == PF_NO_BLOCK)
		return;
	fe_blk *bl = &fn->blocks.v[fn->cur];
	bl->term = PF_TERM_GOTO;
	bl->done = 1;
	blk_succ(fn, fn->cur, target);
	fn->cur = PF_NO_BLOCK;
}

static void term_exit(fe_fn *fn)
{
	uint32_t b = cur_block(fn);
	fn->blocks.v[b].term = PF_TERM_EXIT;
	fn->blocks.v[b].done = 1;
	fn->cur = PF_NO_BLOCK;
}

static void term_branch(fe_fn *fn, const pf_cond *c, uint32_t t, uint32_t f)
{
	uint32_t b = cur_block(fn);
	fn->blocks.v[b].term = PF_TERM_BRANCH;
	fn->blocks.v[b].done = 1;
	fn->blocks.v[b].cond = *c;
	blk_succ(fn, b, t);
	blk_succ(fn, b, f);
	fn->cur = PF_NO_BLOCK;
}

/* Continues into block b (falling through from the open block, if any). */
static void enter(fe_fn *fn, uint32_t b)
{
	if (fn->cur != PF_NO_BLOCK && fn->cur != b)
		term_goto(fn, b);
	fn->cur = b;
}

static void emit(fe_fn *fn, const pf_insn *in)
{
	uint32_t b = cur_block(fn);
	pf_vec_push(&fn->insns, *in);
	pf_vec_push(&fn->insn_blk, b);
}

static uint32_t label_block(fe_tu *x, CXCursor c)
{
	fe_fn *fn = &x->fn;
	CXString s = clang_getCursorSpelling(c);
	pf_sym name = pf_tub_sym(x->b, clang_getCString(s));
	clang_disposeString(s);
	for (size_t i = 0; i < fn->labels.n; i++)
		if (fn->labels.v[i].name == name)
			return fn->labels.v[i].block;
	fe_label l = {name, blk_new(fn)};
	pf_vec_push(&fn->labels, l);
	return l.block;
}

/* --- values -------------------------------------------------------------- */

typedef struct fe_val {
	pf_rval rv;
	uint8_t is_path; /* the expression denotes rv.paths[0] */
	uint8_t strong;  /* ... a plain local or `.` fields of one */
} fe_val;

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

static int path_append(pf_path *p, pf_declid field)
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
static fe_val var_val(fe_tu *x, CXCursor ref)
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

/* --- operators ----------------------------------------------------------- */

enum fe_op {
	OP_UNKNOWN, OP_ASSIGN, OP_COMMA, OP_LAND, OP_LOR, OP_EQ, OP_NE, OP_LT,
	OP_GT, OP_LE, OP_GE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_REM, OP_AND,
	OP_OR, OP_XOR, OP_SHL, OP_SHR,
	OP_NOT, OP_NEG, OP_PLUS, OP_BITNOT, OP_DEREF, OP_ADDR, OP_INC, OP_DEC,
	OP_EXT
};

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
static const char *skip_ws(const char *p, const char *end)
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
static int binop_kind(fe_tu *x, CXCursor e, CXCursor l, CXCursor r)
{
	CXFile f1 = NULL, f2 = NULL;
	unsigned o1 = 0, o2 = 0;
	clang_getSpellingLocation(clang_getRangeEnd(clang_getCursorExtent(l)), &f1, NULL, NULL, &o1);
	clang_getSpellingLocation(start_of(r), &f2, NULL, NULL, &o2);
	if (f1 && f2 && clang_File_isEqual(f1, f2) && o1 <= o2 && o2 - o1 < 512) {
		size_t size = 0;
		const char *text = clang_getFileContents(x->tu, f1, &size);
		if (text && o2 <= size) {
			const char *end = text + o2;
			const char *p = skip_ws(text + o1, end);
			const char *s = p;
			while (p < end && is_opchar(*p))
				p++;
			size_t n = (size_t)(p - s);
			if (n && skip_ws(p, end) == end) {
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
	if (spelled_token(x, start_of(r), &f, &off, tok, sizeof(tok))) {
		size_t size = 0;
		const char *text = clang_getFileContents(x->tu, f, &size);
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
static int unop_kind(fe_tu *x, CXCursor e, CXCursor sub)
{
	CXFile f1 = NULL, f2 = NULL;
	unsigned o1 = 0, o2 = 0;
	clang_getSpellingLocation(start_of(e), &f1, NULL, NULL, &o1);
	clang_getSpellingLocation(start_of(sub), &f2, NULL, NULL, &o2);
	if (f1 && f2 && clang_File_isEqual(f1, f2)) {
		size_t size = 0;
		const char *text = clang_getFileContents(x->tu, f1, &size);
		if (text && o1 < o2 && o2 <= size && o2 - o1 < 256) {
			size_t n = 0;
			int op = unop_from_prefix(text + o1, o2 - o1, &n);
			if (op != OP_UNKNOWN && skip_ws(text + o1 + n, text + o2) == text + o2)
				return op;
		} else if (text && o1 == o2) {
			CXFile f3 = NULL;
			unsigned o3 = 0;
			clang_getSpellingLocation(clang_getRangeEnd(clang_getCursorExtent(sub)),
			                          &f3, NULL, NULL, &o3);
			if (f3 && clang_File_isEqual(f1, f3) && o3 + 2 <= size) {
				const char *p = skip_ws(text + o3, text + (size - o3 > 64 ? o3 + 64 : size));
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
	if (spelled_token(x, start_of(e), &f, &off, tok, sizeof(tok))) {
		size_t n = 0;
		int op = unop_from_prefix(tok, strlen(tok), &n);
		if (op != OP_UNKNOWN && n == strlen(tok))
			return op;
		return OP_INC; /* postfix x++ / x-- */
	}
	return OP_UNKNOWN;
}

/* --- expressions --------------------------------------------------------- */

static fe_val lower_expr(fe_tu *x, CXCursor e);
static void lower_cond(fe_tu *x, CXCursor e, uint32_t t, uint32_t f, int neg);
static void lower_stmt(fe_tu *x, CXCursor s);
static void lower_init(fe_tu *x, const pf_path *dst, int strong, CXType type,
                       CXCursor list);

/* The only expression child of a wrapper (paren, implicit cast), or a
   null cursor. For casts: the last expression child (after a TypeRef). */
static CXCursor sole_expr(CXCursor e)
{
	kids k;
	kids_get(&k, e);
	CXCursor r = clang_getNullCursor();
	unsigned n = 0;
	for (unsigned i = 0; i < k.n; i++)
		if (is_expr(k.v[i])) {
			r = k.v[i];
			n++;
		}
	kids_free(&k);
	return n == 1 ? r : clang_getNullCursor();
}

/* Strips parentheses, implicit conversions and casts. */
static CXCursor strip(CXCursor e)
{
	for (int i = 0; i < 64; i++) {
		enum CXCursorKind k = clang_getCursorKind(e);
		if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr &&
		    k != CXCursor_CStyleCastExpr)
			return e;
		CXCursor s = sole_expr(e);
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
	e = strip(e);
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

static pf_insn insn_at(fe_tu *x, int op, CXCursor e)
{
	pf_insn in;
	memset(&in, 0, sizeof(in));
	in.op = (uint8_t)op;
	CXSourceLocation l = start_of(e);
	in.loc = loc_spell(x, l);
	in.use = loc_expand(x, l);
	return in;
}

static void emit_assign(fe_tu *x, CXCursor at, const pf_path *dst, int strong,
                        const pf_rval *src)
{
	pf_insn in = insn_at(x, PF_OP_ASSIGN, at);
	in.dst = *dst;
	in.strong = (uint8_t)strong;
	in.src = *src;
	if (!in.src.loc.line)
		in.src.loc = in.loc;
	emit(&x->fn, &in);
}

/* Assigns `v` to every path of lvalue `dst` (strongly only when it is one
   plain local path). */
static void assign_to(fe_tu *x, CXCursor at, const fe_val *dst, const pf_rval *src)
{
	for (uint32_t i = 0; i < dst->rv.npaths; i++)
		emit_assign(x, at, &dst->rv.paths[i], dst->is_path && dst->strong, src);
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

static int is_noreturn(fe_tu *x, pf_declid id, CXCursor fdecl, const char *name)
{
	noret_grow(x, id);
	if (x->noret.v[id])
		return x->noret.v[id] == 2;
	int yes = noreturn_name(name);
	if (!yes) {
		CXString ts = clang_getTypeSpelling(clang_getCursorType(fdecl));
		const char *t = clang_getCString(ts);
		yes = t && strstr(t, "noreturn") != NULL;
		clang_disposeString(ts);
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

enum { DST_TEMP, DST_NONE, DST_GIVEN };

/*
 * Lowers call `e`: its arguments first (calls in them go into temps),
 * then the CALL. Its result goes to a new temporary (DST_TEMP, the
 * returned value), nowhere (DST_NONE) or *dst (DST_GIVEN).
 */
static fe_val lower_call(fe_tu *x, CXCursor e, int mode, const pf_path *dst)
{
	fe_fn *fn = &x->fn;
	kids k;
	kids_get(&k, e);
	CXCursor callee = k.n ? k.v[0] : clang_getNullCursor();
	kids_free(&k);
	int nargs = clang_Cursor_getNumArguments(e);
	if (nargs < 0)
		nargs = 0;
	pf_declid cid = 0;
	CXCursor fdecl = clang_getNullCursor();
	char name[128] = "";
	if (!clang_Cursor_isNull(callee)) {
		CXCursor s = strip(callee);
		if (clang_getCursorKind(s) == CXCursor_UnaryOperator) {
			CXCursor sub = sole_expr(s);
			if (!clang_Cursor_isNull(sub) && clang_getCursorKind(strip(sub)) == CXCursor_DeclRefExpr)
				s = strip(sub); /* (*f)(x), (&f)(x) */
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
		fe_val v = lower_expr(x, clang_Cursor_getArgument(e, 0));
		for (int i = 1; i < nargs; i++)
			lower_expr(x, clang_Cursor_getArgument(e, (unsigned)i));
		return v;
	}
	if (ck == CALL_DROP)
		return val_none();
	if ((ck == CALL_VA_START || ck == CALL_VA_COPY) && nargs >= 1) {
		fe_val ap = lower_expr(x, clang_Cursor_getArgument(e, 0));
		pf_rval src;
		memset(&src, 0, sizeof(src));
		if (ck == CALL_VA_START) {
			pf_path va = {0};
			va.base = PF_BASE_VARARGS;
			src.paths = pf_arena_alloc(x->arena, sizeof(pf_path));
			src.paths[0] = va;
			src.npaths = 1;
		} else if (nargs >= 2) {
			src = lower_expr(x, clang_Cursor_getArgument(e, 1)).rv;
		}
		assign_to(x, e, &ap, &src);
		return val_none();
	}
	if (ck == CALL_RENAME)
		cid = synth_func(x, plain, cid);

	pf_insn in = insn_at(x, PF_OP_CALL, e);
	in.callee = cid;
	if (!cid && !clang_Cursor_isNull(callee)) {
		in.fptr = lower_expr(x, callee).rv;
		in.fptr.loc = loc_spell(x, start_of(callee));
	}
	if (nargs) {
		in.args = pf_arena_alloc(x->arena, (size_t)nargs * sizeof(pf_rval));
		for (int i = 0; i < nargs; i++) {
			CXCursor a = clang_Cursor_getArgument(e, (unsigned)i);
			int dropped = (i < 31 && (drop & (1u << i))) ||
			              ((drop & DROP_LAST) && i == nargs - 1);
			fe_val v = lower_expr(x, a);
			if (dropped)
				continue;
			v.rv.loc = loc_spell(x, start_of(a));
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
	emit(fn, &in);
	if (cid && is_noreturn(x, cid, fdecl, name))
		term_exit(fn);
	return ret;
}

/* `l = r`: the value is l's path. A call on the right of a plain local
   writes the local directly. */
static fe_val lower_assign(fe_tu *x, CXCursor e, CXCursor l, CXCursor r)
{
	fe_val dst = lower_expr(x, l);
	CXCursor rs = strip(r);
	if (dst.is_path && dst.strong && clang_getCursorKind(rs) == CXCursor_CallExpr) {
		lower_call(x, rs, DST_GIVEN, &dst.rv.paths[0]);
		return dst;
	}
	fe_val src = lower_expr(x, r);
	src.rv.loc = loc_spell(x, start_of(r));
	assign_to(x, e, &dst, &src.rv);
	dst.rv.flags = 0;
	dst.rv.ident = 0;
	return dst;
}

/* An expression whose value is not used. */
static void lower_discard(fe_tu *x, CXCursor e)
{
	CXCursor s = strip(e);
	if (clang_getCursorKind(s) == CXCursor_CallExpr)
		lower_call(x, s, DST_NONE, NULL);
	else
		lower_expr(x, e);
}

/* `a && b`, `a || b` used as a value: lowered as a condition whose two
   outcomes join; the value reads every operand. */
static fe_val lower_logical_value(fe_tu *x, CXCursor e)
{
	fe_fn *fn = &x->fn;
	path_vec paths = {0};
	path_vec *saved = fn->collect;
	fn->collect = &paths;
	uint32_t join = blk_new(fn);
	lower_cond(x, e, join, join, 0);
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
	CXCursor base = sole_expr(e);
	if (clang_Cursor_isNull(base))
		return val_none();
	fe_val v = lower_expr(x, base);
	pf_declid fid = fe_decl(x, clang_getCursorReferenced(e));
	int arrow = is_pointer_typed(base);
	fe_val r = val_none();
	if (!v.rv.npaths)
		return r;
	r.rv.paths = pf_arena_alloc(x->arena, v.rv.npaths * sizeof(pf_path));
	r.rv.npaths = v.rv.npaths;
	int full = 1;
	for (uint32_t i = 0; i < v.rv.npaths; i++) {
		r.rv.paths[i] = v.rv.paths[i];
		if (fid)
			full &= path_append(&r.rv.paths[i], fid);
	}
	r.is_path = v.is_path;
	r.strong = (uint8_t)(v.strong && !arrow && full);
	return r;
}

static fe_val lower_expr(fe_tu *x, CXCursor e)
{
	fe_fn *fn = &x->fn;
	enum CXCursorKind kind = clang_getCursorKind(e);
	switch (kind) {
	case CXCursor_ParenExpr:
	case CXCursor_UnexposedExpr:
	case CXCursor_CStyleCastExpr: {
		kids k;
		kids_get(&k, e);
		CXCursor sub = clang_getNullCursor();
		unsigned n = 0;
		for (unsigned i = 0; i < k.n; i++)
			if (is_expr(k.v[i])) {
				sub = k.v[i];
				n++;
			}
		fe_val v = val_none();
		if (n == 1) {
			v = lower_expr(x, sub);
			if (kind == CXCursor_CStyleCastExpr)
				v.strong = v.strong && v.is_path;
		} else if (n > 1) {
			/* GNU `a ?: b`, va_arg, ...: reads every operand */
			for (unsigned i = 0; i < k.n; i++) {
				if (!is_expr(k.v[i]))
					continue;
				fe_val c = lower_expr(x, k.v[i]);
				v = val_union(x, &v, &c);
			}
		} else {
			/* a statement below an unexposed node (rare) */
			for (unsigned i = 0; i < k.n; i++)
				if (clang_isStatement(clang_getCursorKind(k.v[i])))
					lower_stmt(x, k.v[i]);
		}
		kids_free(&k);
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
			return var_val(x, r);
		case CXCursor_FunctionDecl: {
			fe_val v = val_none();
			v.rv.flags = PF_RV_FUNC;
			v.rv.func = fe_decl(x, r);
			decl_flag(x, v.rv.func, PF_DF_ADDR);
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
		kids k;
		kids_get(&k, e);
		fe_val v = val_none();
		if (k.n >= 1)
			v = lower_expr(x, k.v[0]);
		for (unsigned i = 1; i < k.n; i++)
			lower_expr(x, k.v[i]); /* the index: only its calls matter */
		kids_free(&k);
		v.strong = 0;
		v.rv.flags = 0;
		v.rv.ident = 0;
		return v;
	}
	case CXCursor_UnaryOperator: {
		CXCursor sub = sole_expr(e);
		if (clang_Cursor_isNull(sub))
			return val_none();
		int op = unop_kind(x, e, sub);
		fe_val v = lower_expr(x, sub);
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
		kids_get(&k, e);
		if (k.n < 2) {
			kids_free(&k);
			return val_none();
		}
		CXCursor l = k.v[0], r = k.v[k.n - 1];
		kids_free(&k);
		int op = binop_kind(x, e, l, r);
		switch (op) {
		case OP_ASSIGN:
			return lower_assign(x, e, l, r);
		case OP_COMMA:
			lower_discard(x, l);
			return lower_expr(x, r);
		case OP_LAND:
		case OP_LOR:
			return lower_logical_value(x, e);
		default: {
			fe_val a = lower_expr(x, l);
			fe_val b = lower_expr(x, r);
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
		kids_get(&k, e);
		if (k.n < 2) {
			kids_free(&k);
			return val_none();
		}
		CXCursor l = k.v[0], r = k.v[k.n - 1];
		kids_free(&k);
		fe_val dst = lower_expr(x, l);
		fe_val src = lower_expr(x, r);
		src.rv.loc = loc_spell(x, start_of(r));
		for (uint32_t i = 0; i < dst.rv.npaths; i++)
			emit_assign(x, e, &dst.rv.paths[i], 0, &src.rv);
		dst.rv.flags = 0;
		dst.rv.ident = 0;
		return dst;
	}
	case CXCursor_ConditionalOperator: {
		kids k;
		kids_get(&k, e);
		if (k.n < 3) {
			fe_val v = val_none();
			for (unsigned i = 0; i < k.n; i++) {
				fe_val c = lower_expr(x, k.v[i]);
				v = val_union(x, &v, &c);
			}
			kids_free(&k);
			return v;
		}
		CXCursor c = k.v[0], a = k.v[1], b = k.v[2];
		kids_free(&k);
		uint32_t tb = blk_new(fn), fb = blk_new(fn), join = blk_new(fn);
		lower_cond(x, c, tb, fb, 0);
		fn->cur = tb;
		fe_val va = lower_expr(x, a);
		term_goto(fn, join);
		fn->cur = fb;
		fe_val vb = lower_expr(x, b);
		term_goto(fn, join);
		fn->cur = join;
		fe_val v = val_union(x, &va, &vb);
		if ((va.rv.flags & vb.rv.flags & PF_RV_NULL))
			v.rv.flags |= PF_RV_NULL;
		return v;
	}
	case CXCursor_CallExpr:
		return lower_call(x, e, DST_TEMP, NULL);
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
		kids_get(&k, e);
		fe_val v = val_none();
		if (k.n && clang_getCursorKind(k.v[0]) == CXCursor_CompoundStmt) {
			kids s;
			kids_get(&s, k.v[0]);
			for (unsigned i = 0; i < s.n; i++) {
				if (i + 1 == s.n && is_expr(s.v[i]))
					v = lower_expr(x, s.v[i]);
				else
					lower_stmt(x, s.v[i]);
			}
			kids_free(&s);
		}
		kids_free(&k);
		v.strong = 0;
		return v;
	}
	case CXCursor_CompoundLiteralExpr: {
		kids k;
		kids_get(&k, e);
		pf_path t = new_temp(fn);
		for (unsigned i = 0; i < k.n; i++) {
			if (clang_getCursorKind(k.v[i]) == CXCursor_InitListExpr)
				lower_init(x, &t, 1, clang_getCursorType(e), k.v[i]);
		}
		kids_free(&k);
		return val_path(x, &t, 1);
	}
	case CXCursor_InitListExpr: {
		kids k;
		kids_get(&k, e);
		fe_val v = val_none();
		for (unsigned i = 0; i < k.n; i++) {
			if (!is_expr(k.v[i]))
				continue;
			fe_val c = lower_expr(x, k.v[i]);
			v = val_union(x, &v, &c);
		}
		kids_free(&k);
		return v;
	}
	case CXCursor_GenericSelectionExpr: {
		/* the controlling expression is not evaluated; the selected
		   association is not exposed: read them all */
		kids k;
		kids_get(&k, e);
		fe_val v = val_none();
		unsigned seen = 0;
		for (unsigned i = 0; i < k.n; i++) {
			if (!is_expr(k.v[i]) || seen++ == 0)
				continue;
			fe_val c = lower_expr(x, k.v[i]);
			v = val_union(x, &v, &c);
		}
		kids_free(&k);
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
		kids_get(&k, e);
		fe_val v = val_none();
		for (unsigned i = 0; i < k.n; i++) {
			if (!is_expr(k.v[i]))
				continue;
			fe_val c = lower_expr(x, k.v[i]);
			v = val_union(x, &v, &c);
		}
		kids_free(&k);
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
static void lower_cond(fe_tu *x, CXCursor e, uint32_t t, uint32_t f, int neg)
{
	fe_fn *fn = &x->fn;
	CXCursor s = strip(e);
	enum CXCursorKind kind = clang_getCursorKind(s);
	if (kind == CXCursor_UnaryOperator) {
		CXCursor sub = sole_expr(s);
		if (!clang_Cursor_isNull(sub)) {
			int op = unop_kind(x, s, sub);
			if (op == OP_NOT) {
				lower_cond(x, sub, t, f, !neg);
				return;
			}
			if (op == OP_EXT) {
				lower_cond(x, sub, t, f, neg);
				return;
			}
		}
	} else if (kind == CXCursor_BinaryOperator) {
		kids k;
		kids_get(&k, s);
		if (k.n >= 2) {
			CXCursor l = k.v[0], r = k.v[k.n - 1];
			kids_free(&k);
			int op = binop_kind(x, s, l, r);
			int64_t cv;
			if ((op == OP_LAND && !neg) || (op == OP_LOR && neg)) {
				uint32_t mid = blk_new(fn);
				lower_cond(x, l, mid, f, neg);
				fn->cur = mid;
				lower_cond(x, r, t, f, neg);
				return;
			}
			if (op == OP_LOR || op == OP_LAND) {
				uint32_t mid = blk_new(fn);
				lower_cond(x, l, t, mid, neg);
				fn->cur = mid;
				lower_cond(x, r, t, f, neg);
				return;
			}
			if (op == OP_COMMA) {
				lower_discard(x, l);
				lower_cond(x, r, t, f, neg);
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
					lower_cond(x, other, t, f, flip ? !neg : neg);
					return;
				}
			}
		} else {
			kids_free(&k);
		}
	} else if (kind == CXCursor_ConditionalOperator) {
		kids k;
		kids_get(&k, s);
		if (k.n == 3) {
			CXCursor c = k.v[0], a = k.v[1], b = k.v[2];
			kids_free(&k);
			uint32_t tb = blk_new(fn), fb = blk_new(fn);
			lower_cond(x, c, tb, fb, 0);
			fn->cur = tb;
			lower_cond(x, a, t, f, neg);
			fn->cur = fb;
			lower_cond(x, b, t, f, neg);
			return;
		}
		kids_free(&k);
	} else if (kind == CXCursor_CallExpr) {
		CXCursor c = strip(e);
		kids k;
		kids_get(&k, c);
		CXCursor callee = k.n ? strip(k.v[0]) : clang_getNullCursor();
		kids_free(&k);
		if (!clang_Cursor_isNull(callee) &&
		    clang_getCursorKind(callee) == CXCursor_DeclRefExpr &&
		    clang_Cursor_getNumArguments(c) >= 1) {
			CXString ns = clang_getCursorSpelling(callee);
			const char *n = clang_getCString(ns);
			int expect = n && (strcmp(n, "__builtin_expect") == 0 ||
			                   strcmp(n, "__builtin_expect_with_probability") == 0);
			clang_disposeString(ns);
			if (expect) {
				lower_cond(x, clang_Cursor_getArgument(c, 0), t, f, neg);
				return;
			}
		}
	}

	/* a leaf */
	fe_val v = lower_expr(x, e);
	if (fn->collect)
		for (uint32_t i = 0; i < v.rv.npaths; i++)
			pf_vec_push(fn->collect, v.rv.paths[i]);
	if (!v.rv.npaths && (v.rv.flags & (PF_RV_INT | PF_RV_NULL | PF_RV_STR | PF_RV_FUNC))) {
		int truth = (v.rv.flags & PF_RV_INT) ? v.rv.ival != 0
		            : (v.rv.flags & PF_RV_NULL) ? 0 : 1;
		if (fn->cur == PF_NO_BLOCK)
			cur_block(fn);
		term_goto(fn, truth ^ neg ? t : f);
		return;
	}
	pf_cond c;
	memset(&c, 0, sizeof(c));
	if (v.is_path && v.rv.npaths == 1)
		c.path = v.rv.paths[0];
	c.negate = (uint8_t)(neg != 0);
	c.loc = loc_spell(x, start_of(e));
	term_branch(fn, &c, t, f);
}

/* --- initialisers -------------------------------------------------------- */

static enum CXVisitorResult field_visit(CXCursor c, CXClientData d)
{
	kids *k = d;
	kids_visit(c, c, k);
	return CXVisit_Continue;
}

/*
 * `{ .a = x, y, [2] = z }` into path `dst` of type `type`: one ASSIGN per
 * initialised scalar, fields appended to the path; array elements are
 * the array (weak assignments).
 */
static void lower_init(fe_tu *x, const pf_path *dst, int strong, CXType type,
                       CXCursor list)
{
	CXType ct = clang_getCanonicalType(type);
	int is_record = ct.kind == CXType_Record;
	int is_array = is_ptr_or_array(ct.kind) && ct.kind != CXType_Pointer;
	kids fields;
	fields.v = fields.buf;
	fields.n = 0;
	fields.cap = 8;
	if (is_record)
		clang_Type_visitFields(ct, field_visit, &fields);
	kids k;
	kids_get(&k, list);
	unsigned pos = 0;
	for (unsigned i = 0; i < k.n; i++) {
		CXCursor item = k.v[i];
		if (!is_expr(item))
			continue;
		pf_path p = *dst;
		int st = strong;
		CXType ft = {0};
		int have_type = 0;
		CXCursor value = item;
		int designated = 0;
		if (clang_getCursorKind(item) == CXCursor_UnexposedExpr) {
			kids dk;
			kids_get(&dk, item);
			if (dk.n >= 2 && (clang_getCursorKind(dk.v[0]) == CXCursor_MemberRef ||
			                  clang_getCursorType(item).kind == CXType_Void)) {
				designated = 1;
				CXType cur = ct;
				for (unsigned j = 0; j + 1 < dk.n; j++) {
					CXCursor d = dk.v[j];
					if (clang_getCursorKind(d) == CXCursor_MemberRef) {
						CXCursor fd = clang_getCursorReferenced(d);
						if (!path_append(&p, fe_decl(x, fd)))
							st = 0;
						cur = clang_getCanonicalType(clang_getCursorType(fd));
						if (j == 0 && is_record)
							for (unsigned m = 0; m < fields.n; m++)
								if (clang_equalCursors(fields.v[m], fd))
									pos = m + 1;
					} else {
						st = 0; /* [index] */
						if (is_ptr_or_array(cur.kind))
							cur = elem_type(cur);
					}
				}
				ft = cur;
				have_type = 1;
				value = dk.v[dk.n - 1];
			}
			kids_free(&dk);
		}
		if (!designated) {
			if (is_record && pos < fields.n) {
				if (!path_append(&p, fe_decl(x, fields.v[pos])))
					st = 0;
				ft = clang_getCursorType(fields.v[pos]);
				have_type = 1;
				if (clang_getCursorKind(clang_getTypeDeclaration(ct)) == CXCursor_UnionDecl)
					pos = fields.n;
				else
					pos++;
			} else if (is_array) {
				st = 0;
				ft = elem_type(ct);
				have_type = 1;
			} else {
				st = 0;
			}
		}
		CXCursor vs = strip(value);
		if (clang_getCursorKind(vs) == CXCursor_InitListExpr && have_type) {
			lower_init(x, &p, st, ft, vs);
		} else {
			fe_val v = lower_expr(x, value);
			v.rv.loc = loc_spell(x, start_of(value));
			emit_assign(x, value, &p, st, &v.rv);
		}
	}
	kids_free(&k);
	kids_free(&fields);
}

/* The initialiser of a VarDecl, or a null cursor. */
static CXCursor var_init(CXCursor vd)
{
	kids k;
	kids_get(&k, vd);
	CXCursor r = clang_getNullCursor();
	if (k.n && is_expr(k.v[k.n - 1])) {
		CXCursor c = k.v[k.n - 1];
		CXType t = clang_getCanonicalType(clang_getCursorType(vd));
		int ok = 1;
		if (is_ptr_or_array(t.kind) && t.kind != CXType_Pointer) {
			/* `char buf[16]` has its size as a child: an initialiser of an
			   array is a list or a string */
			enum CXCursorKind ck = clang_getCursorKind(strip(c));
			CXType it = clang_getCanonicalType(clang_getCursorType(c));
			ok = ck == CXCursor_InitListExpr || ck == CXCursor_StringLiteral ||
			     (is_ptr_or_array(it.kind) && it.kind != CXType_Pointer);
		} else {
			/* typeof(expr) comes before the name */
			unsigned on = 0, oc = 0;
			clang_getExpansionLocation(clang_getCursorLocation(vd), NULL, NULL, NULL, &on);
			clang_getExpansionLocation(start_of(c), NULL, NULL, NULL, &oc);
			ok = oc >= on;
		}
		if (ok)
			r = c;
	}
	kids_free(&k);
	return r;
}

static void lower_vardecl(fe_tu *x, CXCursor vd)
{
	fe_val var = var_val(x, vd);
	if (!var.rv.npaths)
		return;
	CXCursor init = var_init(vd);
	if (clang_Cursor_isNull(init))
		return;
	pf_path p = var.rv.paths[0];
	int strong = var.strong;
	CXCursor s = strip(init);
	enum CXCursorKind k = clang_getCursorKind(s);
	if (k == CXCursor_InitListExpr) {
		lower_init(x, &p, strong, clang_getCursorType(vd), s);
	} else if (k == CXCursor_CallExpr && strong) {
		lower_call(x, s, DST_GIVEN, &p);
	} else {
		fe_val v = lower_expr(x, init);
		v.rv.loc = loc_spell(x, start_of(init));
		emit_assign(x, init, &p, strong, &v.rv);
	}
}

/* --- statements ---------------------------------------------------------- */

static int init_like(fe_tu *x, CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_DeclStmt)
		return 1;
	CXCursor s = strip(c);
	if (clang_getCursorKind(s) == CXCursor_BinaryOperator) {
		kids kk;
		kids_get(&kk, s);
		int r = kk.n >= 2 && binop_kind(x, s, kk.v[0], kk.v[kk.n - 1]) == OP_ASSIGN;
		kids_free(&kk);
		return r;
	}
	return 0;
}

static int inc_like(fe_tu *x, CXCursor c)
{
	CXCursor s = strip(c);
	enum CXCursorKind k = clang_getCursorKind(s);
	if (k == CXCursor_CompoundAssignOperator)
		return 1;
	if (k == CXCursor_UnaryOperator) {
		CXCursor sub = sole_expr(s);
		int op = clang_Cursor_isNull(sub) ? OP_UNKNOWN : unop_kind(x, s, sub);
		return op == OP_INC || op == OP_DEC;
	}
	return init_like(x, c);
}

/*
 * Splits a ForStmt's children (null parts are not visited) into init,
 * cond and inc by where they sit between the header's semicolons, or by
 * their shape when the header comes from a macro.
 */
static void for_parts(fe_tu *x, CXCursor s, const kids *k, CXCursor part[3])
{
	for (int i = 0; i < 3; i++)
		part[i] = clang_getNullCursor();
	unsigned n = k->n ? k->n - 1 : 0; /* the last child is the body */
	if (n == 3) {
		for (int i = 0; i < 3; i++)
			part[i] = k->v[i];
		return;
	}
	if (n == 0)
		return;
	/* positions of the two semicolons in the source */
	CXFile f = NULL;
	unsigned o = 0;
	clang_getSpellingLocation(start_of(s), &f, NULL, NULL, &o);
	size_t size = 0;
	const char *text = f ? clang_getFileContents(x->tu, f, &size) : NULL;
	unsigned semi[2] = {0, 0};
	int nsemi = 0;
	if (text && o + 3 < size && strncmp(text + o, "for", 3) == 0) {
		const char *p = text + o + 3, *end = text + size;
		p = skip_ws(p, end);
		if (p < end && *p == '(') {
			int depth = 0;
			for (; p < end && nsemi < 2; p++) {
				if (*p == '(' || *p == '[' || *p == '{')
					depth++;
				else if (*p == ')' || *p == ']' || *p == '}') {
					if (--depth == 0)
						break;
				} else if (*p == ';' && depth == 1)
					semi[nsemi++] = (unsigned)(p - text);
				else if (*p == '"' || *p == '\'') {
					char q = *p;
					for (p++; p < end && *p != q; p++)
						if (*p == '\\')
							p++;
				}
			}
		}
	}
	if (nsemi == 2) {
		int ok = 1;
		CXCursor tmp[3] = {clang_getNullCursor(), clang_getNullCursor(),
		                   clang_getNullCursor()};
		for (unsigned i = 0; i < n && ok; i++) {
			CXFile cf = NULL;
			unsigned co = 0;
			clang_getSpellingLocation(start_of(k->v[i]), &cf, NULL, NULL, &co);
			if (!cf || !clang_File_isEqual(cf, f)) {
				ok = 0;
				break;
			}
			int slot = co < semi[0] ? 0 : co < semi[1] ? 1 : 2;
			if (!clang_Cursor_isNull(tmp[slot]))
				ok = 0;
			tmp[slot] = k->v[i];
		}
		if (ok) {
			for (int i = 0; i < 3; i++)
				part[i] = tmp[i];
			return;
		}
	}
	/* by shape */
	if (n == 1) {
		CXCursor c = k->v[0];
		if (inc_like(x, c) && clang_getCursorKind(c) != CXCursor_DeclStmt)
			part[2] = c;
		else if (init_like(x, c))
			part[0] = c;
		else
			part[1] = c;
		return;
	}
	/* n == 2 */
	if (init_like(x, k->v[0])) {
		part[0] = k->v[0];
		if (inc_like(x, k->v[1]))
			part[2] = k->v[1];
		else
			part[1] = k->v[1];
	} else {
		part[1] = k->v[0];
		part[2] = k->v[1];
	}
}

static void lower_stmt(fe_tu *x, CXCursor s)
{
	fe_fn *fn = &x->fn;
	enum CXCursorKind kind = clang_getCursorKind(s);
	kids k;
	switch (kind) {
	case CXCursor_CompoundStmt:
		kids_get(&k, s);
		for (unsigned i = 0; i < k.n; i++)
			lower_stmt(x, k.v[i]);
		kids_free(&k);
		return;
	case CXCursor_DeclStmt:
		kids_get(&k, s);
		for (unsigned i = 0; i < k.n; i++)
			if (clang_getCursorKind(k.v[i]) == CXCursor_VarDecl)
				lower_vardecl(x, k.v[i]);
		kids_free(&k);
		return;
	case CXCursor_IfStmt: {
		kids_get(&k, s);
		if (k.n < 2) {
			kids_free(&k);
			return;
		}
		CXCursor c = k.v[0], th = k.v[1];
		int has_else = k.n >= 3;
		CXCursor el = has_else ? k.v[2] : clang_getNullCursor();
		kids_free(&k);
		uint32_t tb = blk_new(fn);
		uint32_t fb = has_else ? blk_new(fn) : PF_NO_BLOCK;
		uint32_t join = blk_new(fn);
		cur_block(fn);
		lower_cond(x, c, tb, has_else ? fb : join, 0);
		fn->cur = tb;
		lower_stmt(x, th);
		term_goto(fn, join);
		if (has_else) {
			fn->cur = fb;
			lower_stmt(x, el);
			term_goto(fn, join);
		}
		fn->cur = join;
		return;
	}
	case CXCursor_WhileStmt: {
		kids_get(&k, s);
		if (k.n < 2) {
			kids_free(&k);
			return;
		}
		CXCursor c = k.v[0], body = k.v[k.n - 1];
		kids_free(&k);
		uint32_t head = blk_new(fn), bb = blk_new(fn), exit = blk_new(fn);
		enter(fn, head);
		lower_cond(x, c, bb, exit, 0);
		uint32_t sb = fn->brk, sc = fn->cont;
		fn->brk = exit;
		fn->cont = head;
		fn->cur = bb;
		lower_stmt(x, body);
		term_goto(fn, head);
		fn->brk = sb;
		fn->cont = sc;
		fn->cur = exit;
		return;
	}
	case CXCursor_DoStmt: {
		kids_get(&k, s);
		if (k.n < 2) {
			kids_free(&k);
			return;
		}
		CXCursor body = k.v[0], c = k.v[k.n - 1];
		kids_free(&k);
		uint32_t bb = blk_new(fn), cb = blk_new(fn), exit = blk_new(fn);
		enter(fn, bb);
		uint32_t sb = fn->brk, sc = fn->cont;
		fn->brk = exit;
		fn->cont = cb;
		lower_stmt(x, body);
		fn->brk = sb;
		fn->cont = sc;
		enter(fn, cb);
		lower_cond(x, c, bb, exit, 0);
		fn->cur = exit;
		return;
	}
	case CXCursor_ForStmt: {
		kids_get(&k, s);
		if (!k.n) {
			kids_free(&k);
			return;
		}
		CXCursor part[3];
		for_parts(x, s, &k, part);
		CXCursor body = k.v[k.n - 1];
		kids_free(&k);
		if (!clang_Cursor_isNull(part[0])) {
			if (clang_getCursorKind(part[0]) == CXCursor_DeclStmt)
				lower_stmt(x, part[0]);
			else
				lower_discard(x, part[0]);
		}
		uint32_t head = blk_new(fn), bb = blk_new(fn), inc = blk_new(fn),
		         exit = blk_new(fn);
		enter(fn, head);
		if (!clang_Cursor_isNull(part[1]))
			lower_cond(x, part[1], bb, exit, 0);
		else
			term_goto(fn, bb);
		uint32_t sb = fn->brk, sc = fn->cont;
		fn->brk = exit;
		fn->cont = inc;
		fn->cur = bb;
		lower_stmt(x, body);
		fn->brk = sb;
		fn->cont = sc;
		enter(fn, inc);
		if (!clang_Cursor_isNull(part[2]))
			lower_discard(x, part[2]);
		term_goto(fn, head);
		fn->cur = exit;
		return;
	}
	case CXCursor_SwitchStmt: {
		kids_get(&k, s);
		if (k.n < 2) {
			kids_free(&k);
			return;
		}
		CXCursor c = k.v[0], body = k.v[k.n - 1];
		kids_free(&k);
		fe_val v = lower_expr(x, c);
		uint32_t head = cur_block(fn);
		fe_blk *hb = &fn->blocks.v[head];
		hb->term = PF_TERM_SWITCH;
		hb->done = 1;
		hb->cond.loc = loc_spell(x, start_of(c));
		if (v.is_path && v.rv.npaths == 1)
			hb->cond.path = v.rv.paths[0];
		fn->cur = PF_NO_BLOCK;
		uint32_t exit = blk_new(fn);
		uint32_t sb = fn->brk, ssw = fn->sw;
		int sdef = fn->sw_default;
		fn->brk = exit;
		fn->sw = head;
		fn->sw_default = 0;
		lower_stmt(x, body);
		term_goto(fn, exit);
		if (!fn->sw_default)
			blk_succ(fn, head, exit);
		fn->brk = sb;
		fn->sw = ssw;
		fn->sw_default = sdef;
		fn->cur = exit;
		return;
	}
	case CXCursor_CaseStmt:
	case CXCursor_DefaultStmt: {
		kids_get(&k, s);
		CXCursor sub = k.n ? k.v[k.n - 1] : clang_getNullCursor();
		unsigned nk = k.n;
		kids_free(&k);
		uint32_t b = blk_new(fn);
		enter(fn, b); /* fallthrough from the case above */
		if (fn->sw != PF_NO_BLOCK) {
			blk_succ(fn, fn->sw, b);
			if (kind == CXCursor_DefaultStmt)
				fn->sw_default = 1;
		}
		if (!clang_Cursor_isNull(sub) && !(kind == CXCursor_CaseStmt && nk < 2))
			lower_stmt(x, sub);
		return;
	}
	case CXCursor_BreakStmt:
		cur_block(fn);
		if (fn->brk != PF_NO_BLOCK)
			term_goto(fn, fn->brk);
		else
			term_exit(fn);
		return;
	case CXCursor_ContinueStmt:
		cur_block(fn);
		if (fn->cont != PF_NO_BLOCK)
			term_goto(fn, fn->cont);
		else
			term_exit(fn);
		return;
	case CXCursor_ReturnStmt: {
		CXCursor e = sole_expr(s);
		pf_insn in = insn_at(x, PF_OP_RETURN, s);
		if (!clang_Cursor_isNull(e)) {
			fe_val v = lower_expr(x, e);
			in.src = v.rv;
			in.src.loc = loc_spell(x, start_of(e));
		}
		emit(fn, &in);
		term_exit(fn);
		return;
	}
	case CXCursor_GotoStmt: {
		kids_get(&k, s);
		uint32_t target = PF_NO_BLOCK;
		for (unsigned i = 0; i < k.n; i++)
			if (clang_getCursorKind(k.v[i]) == CXCursor_LabelRef)
				target = label_block(x, k.v[i]);
		kids_free(&k);
		cur_block(fn);
		if (target != PF_NO_BLOCK)
			term_goto(fn, target);
		else
			term_exit(fn);
		return;
	}
	case CXCursor_IndirectGotoStmt: {
		/* goto *p: any label whose address is taken; approximated by the
		   end of the function */
		CXCursor e = sole_expr(s);
		if (!clang_Cursor_isNull(e))
			lower_expr(x, e);
		term_exit(fn);
		return;
	}
	case CXCursor_LabelStmt: {
		uint32_t b = label_block(x, s);
		enter(fn, b);
		kids_get(&k, s);
		if (k.n)
			lower_stmt(x, k.v[k.n - 1]);
		kids_free(&k);
		return;
	}
	case CXCursor_NullStmt:
	case CXCursor_GCCAsmStmt:
	case CXCursor_MSAsmStmt:
	case CXCursor_DeclRefExpr:
		return;
	default:
		if (clang_isExpression(kind)) {
			lower_discard(x, s);
		} else if (clang_isStatement(kind)) {
			kids_get(&k, s);
			for (unsigned i = 0; i < k.n; i++)
				lower_stmt(x, k.v[i]);
			kids_free(&k);
		}
		return;
	}
}

/* --- functions ----------------------------------------------------------- */

static void fn_reset(fe_fn *fn)
{
	for (size_t i = 0; i < fn->blocks.n; i++)
		pf_free(fn->blocks.v[i].succ);
	fn->params.n = 0;
	fn->locals.n = 0;
	fn->insns.n = 0;
	fn->insn_blk.n = 0;
	fn->blocks.n = 0;
	fn->labels.n = 0;
	pf_map_free(fn->vars);
	fn->vars = pf_map_new();
	fn->cur = PF_NO_BLOCK;
	fn->brk = fn->cont = fn->sw = PF_NO_BLOCK;
	fn->sw_default = 0;
	fn->collect = NULL;
	fn->decl = 0;
}

static void fn_free(fe_fn *fn)
{
	for (size_t i = 0; i < fn->blocks.n; i++)
		pf_free(fn->blocks.v[i].succ);
	pf_vec_free(&fn->params);
	pf_vec_free(&fn->locals);
	pf_vec_free(&fn->insns);
	pf_vec_free(&fn->insn_blk);
	pf_vec_free(&fn->blocks);
	pf_vec_free(&fn->labels);
	pf_map_free(fn->vars);
	fn->vars = NULL;
}

/* Closes the function being lowered and hands it to the builder: open
   blocks end in EXIT, instructions are grouped by block. */
static void fn_finish(fe_tu *x, pf_loc loc)
{
	fe_fn *fn = &x->fn;
	if (fn->cur != PF_NO_BLOCK)
		term_exit(fn);
	pf_arena *a = x->arena;
	pf_func f;
	memset(&f, 0, sizeof(f));
	f.decl = fn->decl;
	f.loc = loc;
	f.nparams = (uint32_t)fn->params.n;
	if (f.nparams) {
		f.params = pf_arena_alloc(a, f.nparams * sizeof(pf_declid));
		memcpy(f.params, fn->params.v, f.nparams * sizeof(pf_declid));
	}
	f.nlocals = (uint32_t)fn->locals.n;
	if (f.nlocals) {
		f.locals = pf_arena_alloc(a, f.nlocals * sizeof(pf_declid));
		memcpy(f.locals, fn->locals.v, f.nlocals * sizeof(pf_declid));
	}
	f.nblocks = (uint32_t)fn->blocks.n;
	f.blocks = pf_arena_alloc(a, (f.nblocks ? f.nblocks : 1) * sizeof(pf_block));
	uint32_t *count = pf_calloc(f.nblocks + 1, sizeof(uint32_t));
	for (size_t i = 0; i < fn->insns.n; i++)
		count[fn->insn_blk.v[i]]++;
	uint32_t first = 0;
	for (uint32_t b = 0; b < f.nblocks; b++) {
		fe_blk *src = &fn->blocks.v[b];
		pf_block *bl = &f.blocks[b];
		bl->first = first;
		bl->count = count[b];
		first += count[b];
		count[b] = bl->first; /* becomes the fill cursor */
		bl->term = src->done ? src->term : PF_TERM_EXIT;
		bl->nsucc = src->nsucc;
		if (src->nsucc) {
			bl->succ = pf_arena_alloc(a, src->nsucc * sizeof(uint32_t));
			memcpy(bl->succ, src->succ, src->nsucc * sizeof(uint32_t));
		}
		if (!src->done)
			bl->nsucc = 0;
		bl->cond = src->cond;
	}
	f.ninsns = (uint32_t)fn->insns.n;
	if (f.ninsns) {
		f.insns = pf_arena_alloc(a, f.ninsns * sizeof(pf_insn));
		for (size_t i = 0; i < fn->insns.n; i++)
			f.insns[count[fn->insn_blk.v[i]]++] = fn->insns.v[i];
	}
	pf_free(count);
	pf_tub_func(x->b, &f);
}

static void lower_function(fe_tu *x, CXCursor c, pf_declid id)
{
	fe_fn *fn = &x->fn;
	fn_reset(fn);
	fn->decl = id;
	pf_loc floc = loc_spell(x, clang_getCursorLocation(c));
	pf_decl *d = pf_tub_decl_at(x->b, id);
	if (d) {
		d->flags |= PF_DF_DEFINED;
		d->loc = floc; /* the definition, not a prototype */
	}
	int na = clang_Cursor_getNumArguments(c);
	for (int i = 0; i < na; i++) {
		pf_declid p = fe_decl(x, clang_Cursor_getArgument(c, (unsigned)i));
		pf_vec_push(&fn->params, p);
		if (p)
			pf_map_put(fn->vars, p, ((uint32_t)i << 1) | 1);
	}
	kids k;
	kids_get(&k, c);
	CXCursor body = clang_getNullCursor();
	for (unsigned i = 0; i < k.n; i++)
		if (clang_getCursorKind(k.v[i]) == CXCursor_CompoundStmt)
			body = k.v[i];
	kids_free(&k);
	fn->cur = blk_new(fn);
	if (!clang_Cursor_isNull(body))
		lower_stmt(x, body);
	fn_finish(x, floc);
}

/* Initialisers of the project's globals, as the body of a synthetic
   function, so that `static struct ops o = { .send = f }` is seen. */
static void lower_global_inits(fe_tu *x)
{
	if (!x->ginits.n)
		return;
	fe_fn *fn = &x->fn;
	fn_reset(fn);
	CXFile mf = clang_getFile(x->tu, x->cmd->file);
	pf_sym msym = mf ? file_info(x, mf)->sym : 0;
	pf_decl d = {0};
	d.kind = PF_DECL_FUNC;
	d.name = pf_tub_sym(x->b, "__privflow_global_init");
	d.flags = PF_DF_STATIC | PF_DF_DEFINED;
	d.loc.file = msym;
	d.loc.line = 1;
	d.loc.col = 1;
	/* unique across TUs: the main file's absolute name */
	char *u = pf_asprintf("privflow:global-init:%s", x->cmd->file);
	d.usr = pf_tub_sym(x->b, u);
	pf_free(u);
	fn->decl = pf_tub_decl(x->b, &d);
	fn->cur = blk_new(fn);
	for (size_t i = 0; i < x->ginits.n; i++)
		lower_vardecl(x, x->ginits.v[i]);
	fn_finish(x, d.loc);
}

/* --- the translation unit ------------------------------------------------ */

static void record_fields(fe_tu *x, CXCursor rec, int depth)
{
	kids k;
	kids_get(&k, rec);
	for (unsigned i = 0; i < k.n; i++) {
		enum CXCursorKind ck = clang_getCursorKind(k.v[i]);
		if (ck == CXCursor_FieldDecl) {
			pf_declid id = fe_decl(x, k.v[i]);
			(void)id;
		} else if ((ck == CXCursor_StructDecl || ck == CXCursor_UnionDecl) && depth < 8) {
			record_fields(x, k.v[i], depth + 1);
		}
	}
	kids_free(&k);
}

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	fe_tu *x = d;
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_LinkageSpec || k == CXCursor_Namespace ||
	    k == CXCursor_UnexposedDecl)
		return CXChildVisit_Recurse;
	if (clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
		return CXChildVisit_Continue;
	if (!in_project(x, c))
		return CXChildVisit_Continue;
	switch (k) {
	case CXCursor_FunctionDecl: {
		pf_declid id = fe_decl(x, c);
		fe_decl_redecl(x, id, c);
		if (clang_isCursorDefinition(c))
			lower_function(x, c, id);
		break;
	}
	case CXCursor_VarDecl: {
		pf_declid id = fe_decl(x, c);
		fe_decl_redecl(x, id, c);
		if (!clang_Cursor_isNull(var_init(c)))
			pf_vec_push(&x->ginits, c);
		break;
	}
	case CXCursor_StructDecl:
	case CXCursor_UnionDecl:
		if (clang_isCursorDefinition(c))
			record_fields(x, c, 0);
		break;
	case CXCursor_TypedefDecl: {
		kids kk;
		kids_get(&kk, c);
		for (unsigned i = 0; i < kk.n; i++) {
			enum CXCursorKind ck = clang_getCursorKind(kk.v[i]);
			if ((ck == CXCursor_StructDecl || ck == CXCursor_UnionDecl) &&
			    clang_isCursorDefinition(kk.v[i]))
				record_fields(x, kk.v[i], 0);
		}
		kids_free(&kk);
		break;
	}
	default:
		break;
	}
	return CXChildVisit_Continue;
}

static void inclusion_visit(CXFile f, CXSourceLocation *stack, unsigned n,
                            CXClientData d)
{
	fe_tu *x = d;
	fe_file *fi = file_info(x, f);
	pf_file pf;
	memset(&pf, 0, sizeof(pf));
	pf.path = fi->sym;
	size_t size = 0;
	const char *text = clang_getFileContents(x->tu, f, &size);
	pf_sha256_hex(text ? text : "", text ? size : 0, pf.sha256);
	CXSourceLocation start = clang_getLocationForOffset(x->tu, f, 0);
	pf.system = (uint8_t)(!fi->project || clang_Location_isInSystemHeader(start));
	pf_tub_file(x->b, &pf);
	(void)stack;
	(void)n;
}

pf_frontend *pf_frontend_new(const pf_frontend_opts *opts)
{
	pf_frontend *fe = pf_calloc(1, sizeof(*fe));
	fe->index = clang_createIndex(0, 0);
	if (opts && opts->root && *opts->root) {
		char cwd[PATH_MAX];
		const char *base = getcwd(cwd, sizeof(cwd)) ? cwd : "/";
		fe->root = pf_path_absnorm(base, opts->root);
		fe->rootlen = strlen(fe->root);
	}
	if (opts && opts->include_dir && *opts->include_dir)
		fe->include_arg = pf_asprintf("-I%s", opts->include_dir);
	fe->keep_going = opts ? opts->keep_going : 0;
	return fe;
}

void pf_frontend_free(pf_frontend *fe)
{
	if (!fe)
		return;
	clang_disposeIndex(fe->index);
	pf_free(fe->root);
	pf_free(fe->include_arg);
	pf_free(fe);
}

static const char *cx_error_str(enum CXErrorCode e)
{
	switch (e) {
	case CXError_Crashed: return "libclang crashed while parsing";
	case CXError_InvalidArguments: return "invalid arguments for libclang";
	case CXError_ASTReadError: return "libclang could not read the AST";
	default: return "libclang failed to parse";
	}
}

/*
 * Parses cmd->file with cmd->args (relative paths resolved against
 * cmd->directory through -working-directory, so no chdir), records its
 * files and error diagnostics, and lowers the project's functions unless
 * the TU has errors (then it is marked failed, unless opts.keep_going).
 */
pf_tu *pf_frontend_parse(pf_frontend *fe, const pf_tu_cmd *cmd)
{
	fe_tu x;
	memset(&x, 0, sizeof(x));
	x.fe = fe;
	x.cmd = cmd;
	x.fn.cur = PF_NO_BLOCK;

	/* main file name as the TU knows it */
	char *mainrel = NULL;
	{
		char *abs = pf_path_absnorm(cmd->directory, cmd->file);
		const char *rel = abs;
		if (fe->root && fe->rootlen > 1 && strncmp(abs, fe->root, fe->rootlen) == 0 &&
		    abs[fe->rootlen] == '/')
			rel = abs + fe->rootlen + 1;
		else if (fe->root && fe->rootlen == 1)
			rel = abs + 1;
		mainrel = pf_strdup(rel);
		pf_free(abs);
	}
	x.b = pf_tub_new(mainrel);
	x.arena = pf_tub_arena(x.b);

	size_t nargs = 0;
	const char **args = pf_calloc(cmd->nargs + 6, sizeof(char *));
	char *wd = pf_asprintf("-working-directory=%s", cmd->directory ? cmd->directory : ".");
	args[nargs++] = wd;
	for (size_t i = 0; i < cmd->nargs; i++)
		args[nargs++] = cmd->args[i];
	if (fe->include_arg)
		args[nargs++] = fe->include_arg;
	args[nargs++] = "-ferror-limit=0";
	args[nargs++] = "-w";

	unsigned options = CXTranslationUnit_KeepGoing |
	                   CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles;
	char *absmain = pf_path_absnorm(cmd->directory, cmd->file);
	enum CXErrorCode err = clang_parseTranslationUnit2(
	        fe->index, absmain, args, (int)nargs, NULL, 0, options, &x.tu);
	pf_free(wd);
	pf_free(args);
	if (err != CXError_Success || !x.tu) {
		pf_loc l = {pf_tub_sym(x.b, mainrel), 0, 0};
		pf_tub_diag(x.b, l, cx_error_str(err));
		pf_tub_set_failed(x.b);
		pf_free(absmain);
		pf_free(mainrel);
		return pf_tub_finish(x.b);
	}
	x.file_map = pf_map_new();
	x.decl_map = pf_map_new();
	x.synth = pf_map_new();

	clang_getInclusions(x.tu, inclusion_visit, &x);

	unsigned nd = clang_getNumDiagnostics(x.tu);
	int errors = 0;
	for (unsigned i = 0; i < nd; i++) {
		CXDiagnostic dg = clang_getDiagnostic(x.tu, i);
		if (clang_getDiagnosticSeverity(dg) >= CXDiagnostic_Error) {
			errors++;
			CXString s = clang_getDiagnosticSpelling(dg);
			pf_loc l = loc_expand(&x, clang_getDiagnosticLocation(dg));
			if (!l.file)
				l.file = pf_tub_sym(x.b, mainrel);
			pf_tub_diag(x.b, l, clang_getCString(s));
			clang_disposeString(s);
		}
		clang_disposeDiagnostic(dg);
	}
	if (errors)
		pf_tub_set_failed(x.b);
	if (!errors || fe->keep_going) {
		CXCursor root = clang_getTranslationUnitCursor(x.tu);
		clang_visitChildren(root, top_visit, &x);
		lower_global_inits(&x);
	}

	fn_free(&x.fn);
	pf_vec_free(&x.files);
	pf_vec_free(&x.cached);
	pf_vec_free(&x.noret);
	pf_vec_free(&x.ginits);
	pf_map_free(x.file_map);
	pf_map_free(x.decl_map);
	pf_map_free(x.synth);
	clang_disposeTranslationUnit(x.tu);
	pf_free(absmain);
	pf_free(mainrel);
	return pf_tub_finish(x.b);
}
