/*
 * The IR of one translation unit as bytes, and back: how a worker
 * process hands its TU to the scan, and how a TU can be kept in a store.
 * The reader treats its input as hostile: every count is checked against
 * the bytes left, every string, declaration, local, parameter, block and
 * instruction index against its table, every enum against its range, so
 * that what it returns is IR the engine may trust.
 *
 * Format (little-endian, no padding): "PFIR", a format version, the
 * string table (length-prefixed, ids in order), then the TU's fields in
 * the order of struct pf_tu, each array count-prefixed.
 */
#include <string.h>

#include "bytes.h"
#include "ir.h"

#define IR_MAGIC "PFIR"
#define IR_VERSION 2u

/* --- writing -------------------------------------------------------------- */

static void w_loc(pf_wbuf *b, pf_loc l)
{
	pf_w_u32(b, l.file);
	pf_w_u32(b, l.line);
	pf_w_u32(b, l.col);
}

static void w_path(pf_wbuf *b, const pf_path *p)
{
	pf_w_u8(b, p->base);
	pf_w_u8(b, p->depth);
	pf_w_u32(b, p->var);
	for (int i = 0; i < p->depth; i++)
		pf_w_u32(b, p->field[i]);
}

static void w_rval(pf_wbuf *b, const pf_rval *r)
{
	pf_w_u32(b, r->npaths);
	for (uint32_t i = 0; i < r->npaths; i++)
		w_path(b, &r->paths[i]);
	pf_w_u32(b, r->flags);
	pf_w_i64(b, r->ival);
	pf_w_str(b, r->str);
	pf_w_u32(b, r->func);
	pf_w_u32(b, r->ident);
	w_loc(b, r->loc);
}

static void w_ids(pf_wbuf *b, const uint32_t *v, uint32_t n)
{
	pf_w_u32(b, n);
	for (uint32_t i = 0; i < n; i++)
		pf_w_u32(b, v[i]);
}

static void w_func(pf_wbuf *b, const pf_func *f)
{
	pf_w_u32(b, f->decl);
	w_loc(b, f->loc);
	w_ids(b, f->params, f->nparams);
	w_ids(b, f->locals, f->nlocals);
	pf_w_u32(b, f->ninsns);
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const pf_insn *in = &f->insns[i];
		pf_w_u8(b, in->op);
		pf_w_u8(b, in->strong);
		w_loc(b, in->loc);
		w_loc(b, in->use);
		w_path(b, &in->dst);
		w_rval(b, &in->src);
		pf_w_u32(b, in->callee);
		w_rval(b, &in->fptr);
		pf_w_u32(b, in->nargs);
		for (uint32_t j = 0; j < in->nargs; j++)
			w_rval(b, &in->args[j]);
	}
	pf_w_u32(b, f->nblocks);
	for (uint32_t i = 0; i < f->nblocks; i++) {
		const pf_block *bl = &f->blocks[i];
		pf_w_u32(b, bl->first);
		pf_w_u32(b, bl->count);
		pf_w_u8(b, bl->term);
		w_ids(b, bl->succ, bl->nsucc);
		w_path(b, &bl->cond.path);
		pf_w_u8(b, bl->cond.negate);
		w_loc(b, bl->cond.loc);
	}
}

int pf_tu_write(const pf_tu *tu, char **out, size_t *len)
{
	pf_wbuf b = {0};
	uint32_t nstrs = pf_strtab_count(tu->strs);

	pf_w_bytes(&b, IR_MAGIC, 4);
	pf_w_u32(&b, IR_VERSION);
	pf_w_u32(&b, nstrs);
	for (uint32_t i = 1; i < nstrs; i++)
		pf_w_str(&b, pf_strtab_str(tu->strs, i));
	pf_w_u32(&b, tu->main_file);
	pf_w_u8(&b, (uint8_t)tu->failed);
	pf_w_u32(&b, tu->ndecls);
	for (uint32_t i = 1; i < tu->ndecls; i++) {
		const pf_decl *d = &tu->decls[i];
		pf_w_u32(&b, d->usr);
		pf_w_u32(&b, d->name);
		pf_w_u32(&b, d->scope);
		pf_w_u32(&b, d->type);
		pf_w_u32(&b, d->record);
		w_loc(&b, d->loc);
		pf_w_u8(&b, d->kind);
		pf_w_u8(&b, d->tclass);
		pf_w_u32(&b, d->flags);
		pf_w_u32(&b, d->nparams);
		pf_w_i64(&b, d->value);
		w_ids(&b, d->annots, d->nannots);
	}
	pf_w_u32(&b, tu->nfuncs);
	for (uint32_t i = 0; i < tu->nfuncs; i++)
		w_func(&b, &tu->funcs[i]);
	pf_w_u32(&b, tu->nfiles);
	for (uint32_t i = 0; i < tu->nfiles; i++) {
		pf_w_u32(&b, tu->files[i].path);
		pf_w_bytes(&b, tu->files[i].sha256, 64);
		pf_w_u8(&b, tu->files[i].system);
	}
	pf_w_u32(&b, tu->ndiags);
	for (uint32_t i = 0; i < tu->ndiags; i++) {
		w_loc(&b, tu->diags[i].loc);
		pf_w_str(&b, tu->diags[i].message);
	}
	pf_w_u32(&b, tu->nnotes);
	for (uint32_t i = 0; i < tu->nnotes; i++)
		pf_w_str(&b, tu->notes[i]);
	pf_w_u8(&b, (uint8_t)tu->partial);
	*out = b.v;
	*len = b.n;
	return PF_OK;
}

/* --- reading -------------------------------------------------------------- */

typedef struct rbuf {
	pf_rbuf b;
	pf_tu *tu;
	uint32_t nstrs;
} rbuf;

static pf_sym r_sym(rbuf *r)
{
	uint32_t s = pf_r_u32(&r->b);
	return s < r->nstrs ? s : pf_r_fail(&r->b, "string id out of range");
}

static pf_declid r_decl(rbuf *r)
{
	uint32_t d = pf_r_u32(&r->b);
	return d < r->tu->ndecls ? d : pf_r_fail(&r->b, "declaration id out of range");
}

static pf_loc r_loc(rbuf *r)
{
	pf_loc l;
	l.file = r_sym(r);
	l.line = pf_r_u32(&r->b);
	l.col = pf_r_u32(&r->b);
	return l;
}

/* A path of function `f` (NULL: a path outside any function). */
static void r_path(rbuf *r, pf_path *p, const pf_func *f)
{
	memset(p, 0, sizeof(*p));
	p->base = pf_r_u8(&r->b);
	p->depth = pf_r_u8(&r->b);
	p->var = pf_r_u32(&r->b);
	if (p->depth > PF_PATH_DEPTH) {
		pf_r_fail(&r->b, "path too deep");
		return;
	}
	for (int i = 0; i < p->depth; i++) {
		uint32_t el = pf_r_u32(&r->b);
		if (!(el & PF_ELEM_INDEX) && el >= r->tu->ndecls)
			pf_r_fail(&r->b, "field out of range");
		p->field[i] = el;
	}
	switch (p->base) {
	case PF_BASE_NONE:
	case PF_BASE_RET:
	case PF_BASE_VARARGS:
		break;
	case PF_BASE_LOCAL:
		if (!f || p->var >= f->nlocals)
			pf_r_fail(&r->b, "local out of range");
		break;
	case PF_BASE_PARAM:
		if (!f || p->var >= f->nparams)
			pf_r_fail(&r->b, "parameter out of range");
		break;
	case PF_BASE_GLOBAL:
		if (!p->var || p->var >= r->tu->ndecls)
			pf_r_fail(&r->b, "global out of range");
		break;
	default:
		pf_r_fail(&r->b, "unknown path base");
	}
}

static void r_rval(rbuf *r, pf_rval *v, const pf_func *f)
{
	memset(v, 0, sizeof(*v));
	v->npaths = pf_r_count(&r->b, 6);
	if (v->npaths)
		v->paths = pf_arena_alloc(r->tu->arena, v->npaths * sizeof(pf_path));
	for (uint32_t i = 0; i < v->npaths && !r->b.bad; i++)
		r_path(r, &v->paths[i], f);
	v->flags = pf_r_u32(&r->b);
	v->ival = pf_r_i64(&r->b);
	v->str = pf_r_str(&r->b, r->tu->arena);
	v->func = r_decl(r);
	v->ident = r_decl(r);
	v->loc = r_loc(r);
}

static uint32_t *r_ids(rbuf *r, uint32_t *n, uint32_t limit, const char *what)
{
	uint32_t *v;

	*n = pf_r_count(&r->b, 4);
	if (!*n || r->b.bad)
		return NULL;
	v = pf_arena_alloc(r->tu->arena, *n * sizeof(uint32_t));
	for (uint32_t i = 0; i < *n; i++)
		if ((v[i] = pf_r_u32(&r->b)) >= limit)
			pf_r_fail(&r->b, what);
	return v;
}

static void r_func(rbuf *r, pf_func *f)
{
	pf_arena *a = r->tu->arena;

	memset(f, 0, sizeof(*f));
	f->decl = r_decl(r);
	f->loc = r_loc(r);
	f->params = r_ids(r, &f->nparams, r->tu->ndecls, "parameter declaration out of range");
	f->locals = r_ids(r, &f->nlocals, r->tu->ndecls, "local declaration out of range");
	f->ninsns = pf_r_count(&r->b, 40);
	if (f->ninsns)
		f->insns = pf_arena_alloc(a, f->ninsns * sizeof(pf_insn));
	for (uint32_t i = 0; i < f->ninsns && !r->b.bad; i++) {
		pf_insn *in = &f->insns[i];
		in->op = pf_r_u8(&r->b);
		in->strong = pf_r_u8(&r->b);
		if (in->op >= PF_OP_COUNT)
			pf_r_fail(&r->b, "unknown instruction");
		in->loc = r_loc(r);
		in->use = r_loc(r);
		r_path(r, &in->dst, f);
		r_rval(r, &in->src, f);
		in->callee = r_decl(r);
		r_rval(r, &in->fptr, f);
		in->nargs = pf_r_count(&r->b, 40);
		if (in->nargs)
			in->args = pf_arena_alloc(a, in->nargs * sizeof(pf_rval));
		for (uint32_t j = 0; j < in->nargs && !r->b.bad; j++)
			r_rval(r, &in->args[j], f);
	}
	f->nblocks = pf_r_count(&r->b, 20);
	if (!f->nblocks && !r->b.bad)
		pf_r_fail(&r->b, "function without blocks");
	if (f->nblocks)
		f->blocks = pf_arena_alloc(a, f->nblocks * sizeof(pf_block));
	for (uint32_t i = 0; i < f->nblocks && !r->b.bad; i++) {
		pf_block *bl = &f->blocks[i];
		bl->first = pf_r_u32(&r->b);
		bl->count = pf_r_u32(&r->b);
		if (bl->first > f->ninsns || bl->count > f->ninsns - bl->first)
			pf_r_fail(&r->b, "block instructions out of range");
		bl->term = pf_r_u8(&r->b);
		if (bl->term > PF_TERM_SWITCH)
			pf_r_fail(&r->b, "unknown block terminator");
		bl->succ = r_ids(r, &bl->nsucc, f->nblocks, "successor out of range");
		if ((bl->term == PF_TERM_GOTO && bl->nsucc != 1) ||
		    (bl->term == PF_TERM_BRANCH && bl->nsucc != 2))
			pf_r_fail(&r->b, "wrong number of successors");
		r_path(r, &bl->cond.path, f);
		bl->cond.negate = pf_r_u8(&r->b);
		bl->cond.loc = r_loc(r);
	}
}

int pf_tu_read(pf_tu **out, const void *data, size_t len)
{
	rbuf r = {0};
	pf_tu *tu;

	*out = NULL;
	r.b.p = data;
	r.b.end = r.b.p + len;
	if (len < 8 || memcmp(data, IR_MAGIC, 4)) {
		pf_error_set("not privflow IR");
		return PF_EINVALID;
	}
	r.b.p += 4;
	if (pf_r_u32(&r.b) != IR_VERSION) {
		pf_error_set("privflow IR of another version");
		return PF_EINVALID;
	}
	tu = r.tu = pf_calloc(1, sizeof(*tu));
	tu->arena = pf_arena_new();
	tu->strs = pf_strtab_new();
	r.nstrs = pf_r_count(&r.b, 4);
	pf_strtab_reserve(tu->strs, r.nstrs);
	for (uint32_t i = 1; i < r.nstrs && !r.b.bad; i++) {
		uint32_t n = pf_r_u32(&r.b);
		const unsigned char *p = n ? pf_r_take(&r.b, n - 1) : NULL;
		if (!p || memchr(p, '\0', n - 1) ||
		    pf_strtab_intern_n(tu->strs, (const char *)p, n - 1) != i)
			pf_r_fail(&r.b, "bad string table");
	}
	if (!r.nstrs)
		r.nstrs = 1;
	tu->main_file = r_sym(&r);
	tu->failed = pf_r_u8(&r.b) != 0;
	tu->ndecls = pf_r_count(&r.b, 40);
	if (!tu->ndecls)
		tu->ndecls = 1;
	tu->decls = pf_arena_alloc(tu->arena, tu->ndecls * sizeof(pf_decl));
	for (uint32_t i = 1; i < tu->ndecls && !r.b.bad; i++) {
		pf_decl *d = &tu->decls[i];
		d->usr = r_sym(&r);
		d->name = r_sym(&r);
		d->scope = r_sym(&r);
		d->type = r_sym(&r);
		d->record = r_sym(&r);
		d->loc = r_loc(&r);
		d->kind = pf_r_u8(&r.b);
		d->tclass = pf_r_u8(&r.b);
		d->flags = (uint16_t)pf_r_u32(&r.b);
		d->nparams = pf_r_u32(&r.b);
		d->value = pf_r_i64(&r.b);
		d->annots = r_ids(&r, &d->nannots, r.nstrs, "annotation out of range");
		if (d->kind > PF_DECL_ENUMCONST || d->tclass > PF_TY_POINTER)
			pf_r_fail(&r.b, "unknown declaration kind");
	}
	tu->nfuncs = pf_r_count(&r.b, 40);
	if (tu->nfuncs)
		tu->funcs = pf_arena_alloc(tu->arena, tu->nfuncs * sizeof(pf_func));
	for (uint32_t i = 0; i < tu->nfuncs && !r.b.bad; i++)
		r_func(&r, &tu->funcs[i]);
	tu->nfiles = pf_r_count(&r.b, 69);
	if (tu->nfiles)
		tu->files = pf_arena_alloc(tu->arena, tu->nfiles * sizeof(pf_file));
	for (uint32_t i = 0; i < tu->nfiles && !r.b.bad; i++) {
		const unsigned char *h;
		tu->files[i].path = r_sym(&r);
		if ((h = pf_r_take(&r.b, 64)))
			memcpy(tu->files[i].sha256, h, 64);
		tu->files[i].system = pf_r_u8(&r.b);
	}
	tu->ndiags = pf_r_count(&r.b, 16);
	if (tu->ndiags)
		tu->diags = pf_arena_alloc(tu->arena, tu->ndiags * sizeof(pf_diag));
	for (uint32_t i = 0; i < tu->ndiags && !r.b.bad; i++) {
		tu->diags[i].loc = r_loc(&r);
		tu->diags[i].message = pf_r_str(&r.b, r.tu->arena);
		if (!tu->diags[i].message)
			tu->diags[i].message = "";
	}
	tu->nnotes = pf_r_count(&r.b, 4);
	if (tu->nnotes)
		tu->notes = pf_arena_alloc(tu->arena, tu->nnotes * sizeof(const char *));
	for (uint32_t i = 0; i < tu->nnotes && !r.b.bad; i++)
		if (!(tu->notes[i] = pf_r_str(&r.b, r.tu->arena)))
			tu->notes[i] = "";
	tu->partial = pf_r_u8(&r.b) != 0;
	if (!r.b.bad && r.b.p != r.b.end)
		pf_r_fail(&r.b, "trailing bytes");
	if (r.b.bad) {
		pf_error_set("malformed privflow IR: %s at byte %zu", r.b.why,
		             (size_t)(r.b.p - (const unsigned char *)data));
		pf_tu_free(tu);
		return PF_EINVALID;
	}
	*out = tu;
	return PF_OK;
}
