/*
 * Statements lowered to the CFG (if, loops, switch, goto, return),
 * initialisers of records and arrays, and function bodies, including the
 * synthetic function that holds the initialisers of a TU's globals.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_p.h"

/* --- initialisers -------------------------------------------------------- */

static enum CXVisitorResult field_visit(CXCursor c, CXClientData d)
{
	kids *k = d;
	fe_kids_visit(c, c, k);
	return CXVisit_Continue;
}

/*
 * `{ .a = x, y, [2] = z }` into path `dst` of type `type`: one ASSIGN per
 * initialised scalar, fields appended to the path; array elements are
 * their own elements, `[k]` for the k-th (positional or designated).
 */
void fe_lower_init(fe_tu *x, const pf_path *dst, int strong, CXType type,
                       CXCursor list)
{
	CXType ct = clang_getCanonicalType(type);
	int is_record = ct.kind == CXType_Record;
	int is_array = fe_is_ptr_or_array(ct.kind) && ct.kind != CXType_Pointer;
	kids fields;
	fields.v = fields.buf;
	fields.n = 0;
	fields.cap = 8;
	if (is_record)
		clang_Type_visitFields(ct, field_visit, &fields);
	kids k;
	fe_kids_get(&k, list);
	unsigned pos = 0;
	for (unsigned i = 0; i < k.n; i++) {
		CXCursor item = k.v[i];
		if (!fe_is_expr(item))
			continue;
		pf_path p = *dst;
		int st = strong;
		CXType ft = {0};
		int have_type = 0;
		CXCursor value = item;
		int designated = 0;
		if (clang_getCursorKind(item) == CXCursor_UnexposedExpr) {
			kids dk;
			fe_kids_get(&dk, item);
			if (dk.n >= 2 && (clang_getCursorKind(dk.v[0]) == CXCursor_MemberRef ||
			                  clang_getCursorType(item).kind == CXType_Void)) {
				designated = 1;
				CXType cur = ct;
				for (unsigned j = 0; j + 1 < dk.n; j++) {
					CXCursor d = dk.v[j];
					if (clang_getCursorKind(d) == CXCursor_MemberRef) {
						CXCursor fd = clang_getCursorReferenced(d);
						if (!fe_path_append(&p, fe_decl(x, fd)))
							st = 0;
						cur = clang_getCanonicalType(clang_getCursorType(fd));
						if (j == 0 && is_record)
							for (unsigned m = 0; m < fields.n; m++)
								if (clang_equalCursors(fields.v[m], fd))
									pos = m + 1;
					} else {
						/* [k]: the element; [a ... b] (GNU): any */
						int64_t idx = -1;
						CXEvalResult r = clang_Cursor_Evaluate(d);
						if (r && clang_EvalResult_getKind(r) == CXEval_Int)
							idx = clang_EvalResult_getAsLongLong(r);
						if (r)
							clang_EvalResult_dispose(r);
						if (idx < 0 || idx >= 0x7fffffff ||
						    !fe_path_append(&p, PF_ELEM_INDEX | (pf_declid)idx)) {
							fe_path_append(&p, PF_ELEM_ANY);
							st = 0;
						}
						if (j == 0 && is_array)
							pos = idx >= 0 ? (unsigned)idx + 1 : pos;
						if (fe_is_ptr_or_array(cur.kind))
							cur = fe_elem_type(cur);
					}
				}
				ft = cur;
				have_type = 1;
				value = dk.v[dk.n - 1];
			}
			fe_kids_free(&dk);
		}
		if (!designated) {
			if (is_record && pos < fields.n) {
				if (!fe_path_append(&p, fe_decl(x, fields.v[pos])))
					st = 0;
				ft = clang_getCursorType(fields.v[pos]);
				have_type = 1;
				if (clang_getCursorKind(clang_getTypeDeclaration(ct)) == CXCursor_UnionDecl)
					pos = fields.n;
				else
					pos++;
			} else if (is_array) {
				if (pos >= 0x7fffffff || !fe_path_append(&p, PF_ELEM_INDEX | pos))
					st = 0;
				pos++;
				ft = fe_elem_type(ct);
				have_type = 1;
			} else {
				st = 0;
			}
		}
		CXCursor vs = fe_strip(value);
		if (clang_getCursorKind(vs) == CXCursor_InitListExpr && have_type) {
			fe_lower_init(x, &p, st, ft, vs);
		} else {
			fe_val v = fe_lower_expr(x, value);
			v.rv.loc = fe_loc_spell(x, fe_start_of(value));
			fe_emit_assign(x, value, &p, st, &v.rv);
		}
	}
	fe_kids_free(&k);
	fe_kids_free(&fields);
}

/* The initialiser of a VarDecl, or a null cursor. */
CXCursor fe_var_init(CXCursor vd)
{
	kids k;
	fe_kids_get(&k, vd);
	CXCursor r = clang_getNullCursor();
	if (k.n && fe_is_expr(k.v[k.n - 1])) {
		CXCursor c = k.v[k.n - 1];
		CXType t = clang_getCanonicalType(clang_getCursorType(vd));
		int ok = 1;
		if (fe_is_ptr_or_array(t.kind) && t.kind != CXType_Pointer) {
			/* `char buf[16]` has its size as a child: an initialiser of an
			   array is a list or a string */
			enum CXCursorKind ck = clang_getCursorKind(fe_strip(c));
			CXType it = clang_getCanonicalType(clang_getCursorType(c));
			ok = ck == CXCursor_InitListExpr || ck == CXCursor_StringLiteral ||
			     (fe_is_ptr_or_array(it.kind) && it.kind != CXType_Pointer);
		} else {
			/* typeof(expr) comes before the name */
			unsigned on = 0, oc = 0;
			clang_getExpansionLocation(clang_getCursorLocation(vd), NULL, NULL, NULL, &on);
			clang_getExpansionLocation(fe_start_of(c), NULL, NULL, NULL, &oc);
			ok = oc >= on;
		}
		if (ok)
			r = c;
	}
	fe_kids_free(&k);
	return r;
}

static void lower_vardecl(fe_tu *x, CXCursor vd)
{
	fe_val var = fe_var_val(x, vd);
	if (!var.rv.npaths)
		return;
	CXCursor init = fe_var_init(vd);
	if (clang_Cursor_isNull(init))
		return;
	pf_path p = var.rv.paths[0];
	int strong = var.strong;
	CXCursor s = fe_strip(init);
	enum CXCursorKind k = clang_getCursorKind(s);
	if (k == CXCursor_InitListExpr) {
		fe_lower_init(x, &p, strong, clang_getCursorType(vd), s);
	} else if (k == CXCursor_CallExpr && strong) {
		fe_lower_call(x, s, DST_GIVEN, &p);
	} else {
		fe_val v = fe_lower_expr(x, init);
		v.rv.loc = fe_loc_spell(x, fe_start_of(init));
		fe_emit_assign(x, init, &p, strong, &v.rv);
	}
}

/* --- statements ---------------------------------------------------------- */

static int init_like(fe_tu *x, CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_DeclStmt)
		return 1;
	CXCursor s = fe_strip(c);
	if (clang_getCursorKind(s) == CXCursor_BinaryOperator) {
		kids kk;
		fe_kids_get(&kk, s);
		int r = kk.n >= 2 && fe_binop_kind(x, s, kk.v[0], kk.v[kk.n - 1]) == OP_ASSIGN;
		fe_kids_free(&kk);
		return r;
	}
	return 0;
}

static int inc_like(fe_tu *x, CXCursor c)
{
	CXCursor s = fe_strip(c);
	enum CXCursorKind k = clang_getCursorKind(s);
	if (k == CXCursor_CompoundAssignOperator)
		return 1;
	if (k == CXCursor_UnaryOperator) {
		CXCursor sub = fe_sole_expr(s);
		int op = clang_Cursor_isNull(sub) ? OP_UNKNOWN : fe_unop_kind(x, s, sub);
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
	clang_getSpellingLocation(fe_start_of(s), &f, NULL, NULL, &o);
	size_t size = 0;
	const char *text = f ? fe_file_text(x, f, &size) : NULL;
	unsigned semi[2] = {0, 0};
	int nsemi = 0;
	if (text && o + 3 < size && strncmp(text + o, "for", 3) == 0) {
		const char *p = text + o + 3, *end = text + size;
		p = fe_skip_ws(p, end);
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
			clang_getSpellingLocation(fe_start_of(k->v[i]), &cf, NULL, NULL, &co);
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

void fe_lower_stmt(fe_tu *x, CXCursor s)
{
	fe_fn *fn = &x->fn;
	enum CXCursorKind kind = clang_getCursorKind(s);
	kids k;
	switch (kind) {
	case CXCursor_CompoundStmt:
		fe_kids_get(&k, s);
		for (unsigned i = 0; i < k.n; i++)
			fe_lower_stmt(x, k.v[i]);
		fe_kids_free(&k);
		return;
	case CXCursor_DeclStmt:
		fe_kids_get(&k, s);
		for (unsigned i = 0; i < k.n; i++)
			if (clang_getCursorKind(k.v[i]) == CXCursor_VarDecl)
				lower_vardecl(x, k.v[i]);
		fe_kids_free(&k);
		return;
	case CXCursor_IfStmt: {
		fe_kids_get(&k, s);
		if (k.n < 2) {
			fe_kids_free(&k);
			return;
		}
		CXCursor c = k.v[0], th = k.v[1];
		int has_else = k.n >= 3;
		CXCursor el = has_else ? k.v[2] : clang_getNullCursor();
		fe_kids_free(&k);
		uint32_t tb = fe_blk_new(fn);
		uint32_t fb = has_else ? fe_blk_new(fn) : PF_NO_BLOCK;
		uint32_t join = fe_blk_new(fn);
		fe_cur_block(fn);
		fe_lower_cond(x, c, tb, has_else ? fb : join, 0);
		fn->cur = tb;
		fe_lower_stmt(x, th);
		fe_term_goto(fn, join);
		if (has_else) {
			fn->cur = fb;
			fe_lower_stmt(x, el);
			fe_term_goto(fn, join);
		}
		fn->cur = join;
		return;
	}
	case CXCursor_WhileStmt: {
		fe_kids_get(&k, s);
		if (k.n < 2) {
			fe_kids_free(&k);
			return;
		}
		CXCursor c = k.v[0], body = k.v[k.n - 1];
		fe_kids_free(&k);
		uint32_t head = fe_blk_new(fn), bb = fe_blk_new(fn), exit = fe_blk_new(fn);
		fe_enter(fn, head);
		fe_lower_cond(x, c, bb, exit, 0);
		uint32_t sb = fn->brk, sc = fn->cont;
		fn->brk = exit;
		fn->cont = head;
		fn->cur = bb;
		fe_lower_stmt(x, body);
		fe_term_goto(fn, head);
		fn->brk = sb;
		fn->cont = sc;
		fn->cur = exit;
		return;
	}
	case CXCursor_DoStmt: {
		fe_kids_get(&k, s);
		if (k.n < 2) {
			fe_kids_free(&k);
			return;
		}
		CXCursor body = k.v[0], c = k.v[k.n - 1];
		fe_kids_free(&k);
		uint32_t bb = fe_blk_new(fn), cb = fe_blk_new(fn), exit = fe_blk_new(fn);
		fe_enter(fn, bb);
		uint32_t sb = fn->brk, sc = fn->cont;
		fn->brk = exit;
		fn->cont = cb;
		fe_lower_stmt(x, body);
		fn->brk = sb;
		fn->cont = sc;
		fe_enter(fn, cb);
		fe_lower_cond(x, c, bb, exit, 0);
		fn->cur = exit;
		return;
	}
	case CXCursor_ForStmt: {
		fe_kids_get(&k, s);
		if (!k.n) {
			fe_kids_free(&k);
			return;
		}
		CXCursor part[3];
		for_parts(x, s, &k, part);
		CXCursor body = k.v[k.n - 1];
		fe_kids_free(&k);
		if (!clang_Cursor_isNull(part[0])) {
			if (clang_getCursorKind(part[0]) == CXCursor_DeclStmt)
				fe_lower_stmt(x, part[0]);
			else
				fe_lower_discard(x, part[0]);
		}
		uint32_t head = fe_blk_new(fn), bb = fe_blk_new(fn), inc = fe_blk_new(fn),
		         exit = fe_blk_new(fn);
		fe_enter(fn, head);
		if (!clang_Cursor_isNull(part[1]))
			fe_lower_cond(x, part[1], bb, exit, 0);
		else
			fe_term_goto(fn, bb);
		uint32_t sb = fn->brk, sc = fn->cont;
		fn->brk = exit;
		fn->cont = inc;
		fn->cur = bb;
		fe_lower_stmt(x, body);
		fn->brk = sb;
		fn->cont = sc;
		fe_enter(fn, inc);
		if (!clang_Cursor_isNull(part[2]))
			fe_lower_discard(x, part[2]);
		fe_term_goto(fn, head);
		fn->cur = exit;
		return;
	}
	case CXCursor_SwitchStmt: {
		fe_kids_get(&k, s);
		if (k.n < 2) {
			fe_kids_free(&k);
			return;
		}
		CXCursor c = k.v[0], body = k.v[k.n - 1];
		fe_kids_free(&k);
		fe_val v = fe_lower_expr(x, c);
		uint32_t head = fe_cur_block(fn);
		fe_blk *hb = &fn->blocks.v[head];
		hb->term = PF_TERM_SWITCH;
		hb->done = 1;
		hb->cond.loc = fe_loc_spell(x, fe_start_of(c));
		if (v.is_path && v.rv.npaths == 1)
			hb->cond.path = v.rv.paths[0];
		fn->cur = PF_NO_BLOCK;
		uint32_t exit = fe_blk_new(fn);
		uint32_t sb = fn->brk, ssw = fn->sw;
		int sdef = fn->sw_default;
		fn->brk = exit;
		fn->sw = head;
		fn->sw_default = 0;
		fe_lower_stmt(x, body);
		fe_term_goto(fn, exit);
		if (!fn->sw_default)
			fe_blk_succ(fn, head, exit);
		fn->brk = sb;
		fn->sw = ssw;
		fn->sw_default = sdef;
		fn->cur = exit;
		return;
	}
	case CXCursor_CaseStmt:
	case CXCursor_DefaultStmt: {
		fe_kids_get(&k, s);
		CXCursor sub = k.n ? k.v[k.n - 1] : clang_getNullCursor();
		unsigned nk = k.n;
		fe_kids_free(&k);
		uint32_t b = fe_blk_new(fn);
		fe_enter(fn, b); /* fallthrough from the case above */
		if (fn->sw != PF_NO_BLOCK) {
			fe_blk_succ(fn, fn->sw, b);
			if (kind == CXCursor_DefaultStmt)
				fn->sw_default = 1;
		}
		if (!clang_Cursor_isNull(sub) && !(kind == CXCursor_CaseStmt && nk < 2))
			fe_lower_stmt(x, sub);
		return;
	}
	case CXCursor_BreakStmt:
		fe_cur_block(fn);
		if (fn->brk != PF_NO_BLOCK)
			fe_term_goto(fn, fn->brk);
		else
			fe_term_exit(fn);
		return;
	case CXCursor_ContinueStmt:
		fe_cur_block(fn);
		if (fn->cont != PF_NO_BLOCK)
			fe_term_goto(fn, fn->cont);
		else
			fe_term_exit(fn);
		return;
	case CXCursor_ReturnStmt: {
		CXCursor e = fe_sole_expr(s);
		pf_insn in = fe_insn_at(x, PF_OP_RETURN, s);
		if (!clang_Cursor_isNull(e)) {
			fe_val v = fe_lower_expr(x, e);
			in.src = v.rv;
			in.src.loc = fe_loc_spell(x, fe_start_of(e));
		}
		fe_emit(fn, &in);
		fe_term_exit(fn);
		return;
	}
	case CXCursor_GotoStmt: {
		fe_kids_get(&k, s);
		uint32_t target = PF_NO_BLOCK;
		for (unsigned i = 0; i < k.n; i++)
			if (clang_getCursorKind(k.v[i]) == CXCursor_LabelRef)
				target = fe_label_block(x, k.v[i]);
		fe_kids_free(&k);
		fe_cur_block(fn);
		if (target != PF_NO_BLOCK)
			fe_term_goto(fn, target);
		else
			fe_term_exit(fn);
		return;
	}
	case CXCursor_IndirectGotoStmt: {
		/* goto *p: any label whose address is taken; approximated by the
		   end of the function */
		CXCursor e = fe_sole_expr(s);
		if (!clang_Cursor_isNull(e))
			fe_lower_expr(x, e);
		fe_term_exit(fn);
		return;
	}
	case CXCursor_LabelStmt: {
		uint32_t b = fe_label_block(x, s);
		fe_enter(fn, b);
		fe_kids_get(&k, s);
		if (k.n)
			fe_lower_stmt(x, k.v[k.n - 1]);
		fe_kids_free(&k);
		return;
	}
	case CXCursor_NullStmt:
	case CXCursor_GCCAsmStmt:
	case CXCursor_MSAsmStmt:
	case CXCursor_DeclRefExpr:
		return;
	default:
		if (clang_isExpression(kind)) {
			fe_lower_discard(x, s);
		} else if (clang_isStatement(kind)) {
			fe_kids_get(&k, s);
			for (unsigned i = 0; i < k.n; i++)
				fe_lower_stmt(x, k.v[i]);
			fe_kids_free(&k);
		}
		return;
	}
}

void fe_lower_function(fe_tu *x, CXCursor c, pf_declid id)
{
	fe_fn *fn = &x->fn;
	fe_fn_reset(fn);
	fn->decl = id;
	pf_loc floc = fe_loc_spell(x, clang_getCursorLocation(c));
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
	fe_kids_get(&k, c);
	CXCursor body = clang_getNullCursor();
	for (unsigned i = 0; i < k.n; i++)
		if (clang_getCursorKind(k.v[i]) == CXCursor_CompoundStmt)
			body = k.v[i];
	fe_kids_free(&k);
	fn->cur = fe_blk_new(fn);
	if (!clang_Cursor_isNull(body))
		fe_lower_stmt(x, body);
	fe_fn_finish(x, floc);
}

/* Initialisers of the project's globals, as the body of a synthetic
   function, so that `static struct ops o = { .send = f }` is seen. */
void fe_lower_global_inits(fe_tu *x)
{
	if (!x->ginits.n)
		return;
	fe_fn *fn = &x->fn;
	fe_fn_reset(fn);
	CXFile mf = clang_getFile(x->tu, x->cmd->file);
	pf_sym msym = mf ? fe_file_info(x, mf)->sym : 0;
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
	fn->cur = fe_blk_new(fn);
	for (size_t i = 0; i < x->ginits.n; i++)
		lower_vardecl(x, x->ginits.v[i]);
	fe_fn_finish(x, d.loc);
}

