/*
 * The frontend's view of declarations: the files a TU reads and locations
 * in them, the coarse class of a type, and each declaration the IR needs
 * (fields, variables, parameters, functions, enum constants) with its
 * USR, scope and privflow annotations, created once per TU.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_p.h"

enum CXChildVisitResult fe_kids_visit(CXCursor c, CXCursor parent, CXClientData d)
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

void fe_kids_get(kids *k, CXCursor c)
{
	k->v = k->buf;
	k->n = 0;
	k->cap = 8;
	clang_visitChildren(c, fe_kids_visit, k);
}

void fe_kids_free(kids *k)
{
	if (k->v != k->buf)
		pf_free(k->v);
	k->v = k->buf;
	k->n = 0;
}

int fe_is_expr(CXCursor c)
{
	return clang_isExpression(clang_getCursorKind(c));
}

/* --- files and locations ------------------------------------------------- */

fe_file *fe_file_info(fe_tu *x, CXFile f)
{
	uint32_t idx;
	if (pf_map_get(x->file_map, (uint64_t)(uintptr_t)f, &idx))
		return &x->files.v[idx];
	fe_file e = {f, 0, 1, 0, NULL, 0};
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

const char *fe_file_text(fe_tu *x, CXFile f, size_t *size)
{
	fe_file *fi = fe_file_info(x, f);

	if (!fi->has_text) {
		fi->text = clang_getFileContents(x->tu, f, &fi->size);
		fi->has_text = 1;
	}
	*size = fi->text ? fi->size : 0;
	return fi->text;
}

static pf_loc mkloc(fe_tu *x, CXFile f, unsigned line, unsigned col)
{
	pf_loc l = {0, line, col};
	if (f)
		l.file = fe_file_info(x, f)->sym;
	return l;
}

/* The (file) spelling location of `l`, as libclang reports it. */
pf_loc fe_loc_spell(fe_tu *x, CXSourceLocation l)
{
	CXFile f = NULL;
	unsigned line = 0, col = 0;
	clang_getSpellingLocation(l, &f, &line, &col, NULL);
	return mkloc(x, f, line, col);
}

/* Where the outermost macro holding `l` is used (or `l` itself). */
pf_loc fe_loc_expand(fe_tu *x, CXSourceLocation l)
{
	CXFile f = NULL;
	unsigned line = 0, col = 0;
	clang_getExpansionLocation(l, &f, &line, &col, NULL);
	return mkloc(x, f, line, col);
}

CXSourceLocation fe_start_of(CXCursor c)
{
	return clang_getRangeStart(clang_getCursorExtent(c));
}

/* A cursor is the project's when it is outside system headers and its
   file is under the root. */
int fe_in_project(fe_tu *x, CXCursor c)
{
	CXSourceLocation l = clang_getCursorLocation(c);
	if (clang_Location_isInSystemHeader(l))
		return 0;
	CXFile f = NULL;
	clang_getExpansionLocation(l, &f, NULL, NULL, NULL);
	return f ? fe_file_info(x, f)->project : 0;
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

int fe_is_ptr_or_array(enum CXTypeKind k)
{
	return k == CXType_Pointer || k == CXType_ConstantArray ||
	       k == CXType_IncompleteArray || k == CXType_VariableArray ||
	       k == CXType_DependentSizedArray || k == CXType_BlockPointer;
}

CXType fe_elem_type(CXType t)
{
	CXType e = t.kind == CXType_Pointer || t.kind == CXType_BlockPointer
	                   ? clang_getPointeeType(t)
	                   : clang_getArrayElementType(t);
	return clang_getCanonicalType(e);
}


static pf_sym record_name(fe_tu *x, CXCursor rec);

/* Type class of `t` (enum pf_type_class); *rec gets the record's name for
   records and pointers/arrays to them. */
/* `t` behind its typedefs and elaborations, one layer at a time. */
static CXType desugar(CXType t)
{
	if (t.kind == CXType_Elaborated)
		return clang_Type_getNamedType(t);
	if (t.kind == CXType_Typedef)
		return clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
	return t;
}

/*
 * Whether pointer or array type `t` holds wide characters. In C, wchar_t,
 * char16_t and char32_t are typedefs of integers (wchar_t is int on
 * Linux, unsigned short on Windows targets), so only the typedef's name
 * says that a `wchar_t password[64]` is text.
 */
static int wide_text(CXType t)
{
	static const char *const names[] = {"wchar_t", "char16_t", "char32_t", "WCHAR", "TCHAR",
	                                    "OLECHAR", "UChar", "gunichar2", "gunichar"};
	int i;

	for (i = 0; i < 8 && !fe_is_ptr_or_array(t.kind); i++)
		t = desugar(t);
	if (!fe_is_ptr_or_array(t.kind))
		return 0;
	t = t.kind == CXType_Pointer ? clang_getPointeeType(t) : clang_getArrayElementType(t);
	for (i = 0; i < 8 && (t.kind == CXType_Typedef || t.kind == CXType_Elaborated); i++) {
		if (t.kind == CXType_Typedef) {
			CXString s = clang_getTypedefName(t);
			const char *n = clang_getCString(s);
			size_t k = 0;
			while (k < sizeof(names) / sizeof(names[0]) && strcmp(n, names[k]) != 0)
				k++;
			clang_disposeString(s);
			if (k < sizeof(names) / sizeof(names[0]))
				return 1;
		}
		t = desugar(t);
	}
	return 0;
}

static int type_class(fe_tu *x, CXType t, pf_sym *rec)
{
	if (wide_text(t))
		return PF_TY_STRING;
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
	if (!fe_is_ptr_or_array(t.kind))
		return PF_TY_OTHER;
	CXType e = fe_elem_type(t);
	if (is_char_kind(e.kind))
		return PF_TY_STRING;
	if (e.kind == CXType_UChar || e.kind == CXType_Void)
		return PF_TY_BYTES;
	if (e.kind == CXType_FunctionProto || e.kind == CXType_FunctionNoProto)
		return PF_TY_FUNCPTR;
	/* fe_strip further layers: pointers to pointers to records are records */
	CXType in = e;
	for (int i = 0; i < 8 && fe_is_ptr_or_array(in.kind); i++)
		in = fe_elem_type(in);
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

/* Bit i: parameter i of function type `ft` is a pointer to non-const
   text or bytes (char *, unsigned char *, void *), where a function
   can leave its result (a hash into `out`, a buffer encrypted in place). */
static uint64_t out_buffers(fe_tu *x, CXType ft)
{
	int n = clang_getNumArgTypes(ft);
	uint64_t bits = 0;
	pf_sym rec;

	for (int i = 0; i < n && i < 64; i++) {
		CXType at = clang_getArgType(ft, (unsigned)i), a = clang_getCanonicalType(at);
		int tc = type_class(x, at, &rec);
		if (a.kind == CXType_Pointer && (tc == PF_TY_STRING || tc == PF_TY_BYTES) &&
		    !clang_isConstQualifiedType(clang_getPointeeType(a)))
			bits |= 1ull << i;
	}
	return bits;
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

void fe_noret_grow(fe_tu *x, pf_declid id)
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
pf_declid fe_decl(fe_tu *x, CXCursor c)
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
	d.loc = fe_loc_spell(x, where);
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
		d.value = (int64_t)out_buffers(x, t);
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
	if (kind == PF_DECL_FIELD || kind == PF_DECL_GLOBAL || kind == PF_DECL_LOCAL) {
		enum CXTypeKind tk = clang_getCanonicalType(t).kind;
		if (tk == CXType_ConstantArray || tk == CXType_IncompleteArray ||
		    tk == CXType_VariableArray || tk == CXType_DependentSizedArray)
			d.flags |= PF_DF_ARRAY;
	}
	if (kind == PF_DECL_FUNC || kind == PF_DECL_GLOBAL) {
		if (clang_getCursorLinkage(c) == CXLinkage_Internal)
			d.flags |= PF_DF_STATIC;
	}
	if (builtin || !fe_in_project(x, c))
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
void fe_decl_redecl(fe_tu *x, pf_declid id, CXCursor c)
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

void fe_decl_flag(fe_tu *x, pf_declid id, unsigned flag)
{
	pf_decl *d = pf_tub_decl_at(x->b, id);
	if (d)
		d->flags |= (uint16_t)flag;
}

/* A callee declaration by name, for builtins lowered to the libc function
   they stand for (`__builtin___memcpy_chk` -> `memcpy`). */
pf_declid fe_synth_func(fe_tu *x, const char *name, pf_declid like)
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

