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

#include "ir.h"

#define IR_MAGIC "PFIR"
#define IR_VERSION 2u

/* --- writing -------------------------------------------------------------- */

typedef struct wbuf {
	char *v;
	size_t n, cap;
} wbuf;

static void w_bytes(wbuf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->n + n)
			cap *= 2;
		b->v = pf_realloc(b->v, cap);
		b->cap = cap;
	}
	memcpy(b->v + b->n, p, n);
	b->n += n;
}

static void w_u8(wbuf *b, uint8_t x)
{
	w_bytes(b, &x, 1);
}

static void w_u32(wbuf *b, uint32_t x)
{
	unsigned char c[4] = {(unsigned char)x, (unsigned char)(x >> 8),
	                      (unsigned char)(x >> 16), (unsigned char)(x >> 24)};
	w_bytes(b, c, 4);
}

static void w_i64(wbuf *b, int64_t v)
{
	uint64_t x = (uint64_t)v;
	w_u32(b, (uint32_t)x);
	w_u32(b, (uint32_t)(x >> 32));
}

/* A C string: 0 for NULL, else length + 1 and the bytes. */
static void w_str(wbuf *b, const char *s)
{
	if (!s) {
		w_u32(b, 0);
		return;
	}
	size_t n = strlen(s);
	w_u32(b, (uint32_t)n + 1);
	w_bytes(b, s, n);
}

static void w_loc(wbuf *b, pf_loc l)
{
	w_u32(b, l.file);
	w_u32(b, l.line);
	w_u32(b, l.col);
}

static void w_path(wbuf *b, const pf_path *p)
{
	w_u8(b, p->base);
	w_u8(b, p->depth);
	w_u32(b, p->var);
	for (int i = 0; i < p->depth; i++)
		w_u32(b, p->field[i]);
}

static void w_rval(wbuf *b, const pf_rval *r)
{
	w_u32(b, r->npaths);
	for (uint32_t i = 0; i < r->npaths; i++)
		w_path(b, &r->paths[i]);
	w_u32(b, r->flags);
	w_i64(b, r->ival);
	w_str(b, r->str);
	w_u32(b, r->func);
	w_u32(b, r->ident);
	w_loc(b, r->loc);
}

static void w_ids(wbuf *b, const uint32_t *v, uint32_t n)
{
	w_u32(b, n);
	for (uint32_t i = 0; i < n; i++)
		w_u32(b, v[i]);
}

static void w_func(wbuf *b, const pf_func *f)
{
	w_u32(b, f->decl);
	w_loc(b, f->loc);
	w_ids(b, f->params, f->nparams);
	w_ids(b, f->locals, f->nlocals);
	w_u32(b, f->ninsns);
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const pf_insn *in = &f->insns[i];
		w_u8(b, in->op);
		w_u8(b, in->strong);
		w_loc(b, in->loc);
		w_loc(b, in->use);
		w_path(b, &in->dst);
		w_rval(b, &in->src);
		w_u32(b, in->callee);
		w_rval(b, &in->fptr);
		w_u32(b, in->nargs);
		for (uint32_t j = 0; j < in->nargs; j++)
			w_rval(b, &in->args[j]);
	}
	w_u32(b, f->nblocks);
	for (uint32_t i = 0; i < f->nblocks; i++) {
		const pf_block *bl = &f->blocks[i];
		w_u32(b, bl->first);
		w_u32(b, bl->count);
		w_u8(b, bl->term);
		w_ids(b, bl->succ, bl->nsucc);
		w_path(b, &bl->cond.path);
		w_u8(b, bl->cond.negate);
		w_loc(b, bl->cond.loc);
	}
}

int pf_tu_write(const pf_tu *tu, char **out, size_t *len)
{
	wbuf b = {0};
	uint32_t nstrs = pf_strtab_count(tu->strs);

	w_bytes(&b, IR_MAGIC, 4);
	w_u32(&b, IR_VERSION);
	w_u32(&b, nstrs);
	for (uint32_t i = 1; i < nstrs; i++)
		w_str(&b, pf_strtab_str(tu->strs, i));
	w_u32(&b, tu->main_file);
	w_u8(&b, (uint8_t)tu->failed);
	w_u32(&b, tu->ndecls);
	for (uint32_t i = 1; i < tu->ndecls; i++) {
		const pf_decl *d = &tu->decls[i];
		w_u32(&b, d->usr);
		w_u32(&b, d->name);
		w_u32(&b, d->scope);
		w_u32(&b, d->type);
		w_u32(&b, d->record);
		w_loc(&b, d->loc);
		w_u8(&b, d->kind);
		w_u8(&b, d->tclass);
		w_u32(&b, d->flags);
		w_u32(&b, d->nparams);
		w_i64(&b, d->value);
		w_ids(&b, d->annots, d->nannots);
	}
	w_u32(&b, tu->nfuncs);
	for (uint32_t i = 0; i < tu->nfuncs; i++)
		w_func(&b, &tu->funcs[i]);
	w_u32(&b, tu->nfiles);
	for (uint32_t i = 0; i < tu->nfiles; i++) {
		w_u32(&b, tu->files[i].path);
		w_bytes(&b, tu->files[i].sha256, 64);
		w_u8(&b, tu->files[i].system);
	}
	w_u32(&b, tu->ndiags);
	for (uint32_t i = 0; i < tu->ndiags; i++) {
		w_loc(&b, tu->diags[i].loc);
		w_str(&b, tu->diags[i].message);
	}
	w_u32(&b, tu->nnotes);
	for (uint32_t i = 0; i < tu->nnotes; i++)
		w_str(&b, tu->notes[i]);
	w_u8(&b, (uint8_t)tu->partial);
	*out = b.v;
	*len = b.n;
	return PF_OK;
}

/* --- reading -------------------------------------------------------------- */

typedef struct rbuf {
	const unsigned char *p, *end;
	pf_tu *tu;
	uint32_t nstrs;
	int bad;           /* set at the first problem; every read then yields 0 */
	const char *why;
} rbuf;

static uint32_t r_fail(rbuf *r, const char *why)
{
	if (!r->bad) {
		r->bad = 1;
		r->why = why;
	}
	return 0;
}

static const unsigned char *r_take(rbuf *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r_fail(r, "truncated");
		return NULL;
	}
	const unsigned char *p = r->p;
	r->p += n;
	return p;
}

static uint8_t r_u8(rbuf *r)
{
	const unsigned char *p = r_take(r, 1);
	return p ? p[0] : 0;
}

static uint32_t r_u32(rbuf *r)
{
	const unsigned char *p = r_take(r, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	                   (uint32_t)p[3] << 24
	         : 0;
}

static int64_t r_i64(rbuf *r)
{
	uint64_t lo = r_u32(r), hi = r_u32(r);
	return (int64_t)(lo | hi << 32);
}

/* A count of items of at least `min` bytes each: never more than the
   bytes left could hold. */
static uint32_t r_count(rbuf *r, size_t min)
{
	uint32_t n = r_u32(r);
	if ((size_t)(r->end - r->p) / min < n)
		return r_fail(r, "count past the end");
	return n;
}

static const char *r_str(rbuf *r)
{
	uint32_t n = r_u32(r);
	const unsigned char *p;

	if (!n)
		return NULL;
	if (!(p = r_take(r, n - 1)))
		return NULL;
	if (memchr(p, '\0', n - 1)) {
		r_fail(r, "NUL inside a string");
		return NULL;
	}
	return pf_arena_strndup(r->tu->arena, (const char *)p, n - 1);
}

static pf_sym r_sym(rbuf *r)
{
	uint32_t s = r_u32(r);
	return s < r->nstrs ? s : r_fail(r, "string id out of range");
}

static pf_declid r_decl(rbuf *r)
{
	uint32_t d = r_u32(r);
	return d < r->tu->ndecls ? d : r_fail(r, "declaration id out of range");
}

static pf_loc r_loc(rbuf *r)
{
	pf_loc l;
	l.file = r_sym(r);
	l.line = r_u32(r);
	l.col = r_u32(r);
	return l;
}

/* A path of function `f` (NULL: a path outside any function). */
static void r_path(rbuf *r, pf_path *p, const pf_func *f)
{
	memset(p, 0, sizeof(*p));
	p->base = r_u8(r);
	p->depth = r_u8(r);
	p->var = r_u32(r);
	if (p->depth > PF_PATH_DEPTH) {
		r_fail(r, "path too deep");
		return;
	}
	for (int i = 0; i < p->depth; i++) {
		uint32_t el = r_u32(r);
		if (!(el & PF_ELEM_INDEX) && el >= r->tu->ndecls)
			r_fail(r, "field out of range");
		p->field[i] = el;
	}
	switch (p->base) {
	case PF_BASE_NONE:
	case PF_BASE_RET:
	case PF_BASE_VARARGS:
		break;
	case PF_BASE_LOCAL:
		if (!f || p->var >= f->nlocals)
			r_fail(r, "local out of range");
		break;
	case PF_BASE_PARAM:
		if (!f || p->var >= f->nparams)
			r_fail(r, "parameter out of range");
		break;
	case PF_BASE_GLOBAL:
		if (!p->var || p->var >= r->tu->ndecls)
			r_fail(r, "global out of range");
		break;
	default:
		r_fail(r, "unknown path base");
	}
}

static void r_rval(rbuf *r, pf_rval *v, const pf_func *f)
{
	memset(v, 0, sizeof(*v));
	v->npaths = r_count(r, 6);
	if (v->npaths)
		v->paths = pf_arena_alloc(r->tu->arena, v->npaths * sizeof(pf_path));
	for (uint32_t i = 0; i < v->npaths && !r->bad; i++)
		r_path(r, &v->paths[i], f);
	v->flags = r_u32(r);
	v->ival = r_i64(r);
	v->str = r_str(r);
	v->func = r_decl(r);
	v->ident = r_decl(r);
	v->loc = r_loc(r);
}

static uint32_t *r_ids(rbuf *r, uint32_t *n, uint32_t limit, const char *what)
{
	uint32_t *v;

	*n = r_count(r, 4);
	if (!*n || r->bad)
		return NULL;
	v = pf_arena_alloc(r->tu->arena, *n * sizeof(uint32_t));
	for (uint32_t i = 0; i < *n; i++)
		if ((v[i] = r_u32(r)) >= limit)
			r_fail(r, what);
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
	f->ninsns = r_count(r, 40);
	if (f->ninsns)
		f->insns = pf_arena_alloc(a, f->ninsns * sizeof(pf_insn));
	for (uint32_t i = 0; i < f->ninsns && !r->bad; i++) {
		pf_insn *in = &f->insns[i];
		in->op = r_u8(r);
		in->strong = r_u8(r);
		if (in->op >= PF_OP_COUNT)
			r_fail(r, "unknown instruction");
		in->loc = r_loc(r);
		in->use = r_loc(r);
		r_path(r, &in->dst, f);
		r_rval(r, &in->src, f);
		in->callee = r_decl(r);
		r_rval(r, &in->fptr, f);
		in->nargs = r_count(r, 40);
		if (in->nargs)
			in->args = pf_arena_alloc(a, in->nargs * sizeof(pf_rval));
		for (uint32_t j = 0; j < in->nargs && !r->bad; j++)
			r_rval(r, &in->args[j], f);
	}
	f->nblocks = r_count(r, 20);
	if (!f->nblocks && !r->bad)
		r_fail(r, "function without blocks");
	if (f->nblocks)
		f->blocks = pf_arena_alloc(a, f->nblocks * sizeof(pf_block));
	for (uint32_t i = 0; i < f->nblocks && !r->bad; i++) {
		pf_block *bl = &f->blocks[i];
		bl->first = r_u32(r);
		bl->count = r_u32(r);
		if (bl->first > f->ninsns || bl->count > f->ninsns - bl->first)
			r_fail(r, "block instructions out of range");
		bl->term = r_u8(r);
		if (bl->term > PF_TERM_SWITCH)
			r_fail(r, "unknown block terminator");
		bl->succ = r_ids(r, &bl->nsucc, f->nblocks, "successor out of range");
		if ((bl->term == PF_TERM_GOTO && bl->nsucc != 1) ||
		    (bl->term == PF_TERM_BRANCH && bl->nsucc != 2))
			r_fail(r, "wrong number of successors");
		r_path(r, &bl->cond.path, f);
		bl->cond.negate = r_u8(r);
		bl->cond.loc = r_loc(r);
	}
}

int pf_tu_read(pf_tu **out, const void *data, size_t len)
{
	rbuf r = {0};
	pf_tu *tu;

	*out = NULL;
	r.p = data;
	r.end = r.p + len;
	if (len < 8 || memcmp(data, IR_MAGIC, 4)) {
		pf_error_set("not privflow IR");
		return PF_EINVALID;
	}
	r.p += 4;
	if (r_u32(&r) != IR_VERSION) {
		pf_error_set("privflow IR of another version");
		return PF_EINVALID;
	}
	tu = r.tu = pf_calloc(1, sizeof(*tu));
	tu->arena = pf_arena_new();
	tu->strs = pf_strtab_new();
	r.nstrs = r_count(&r, 4);
	for (uint32_t i = 1; i < r.nstrs && !r.bad; i++) {
		uint32_t n = r_u32(&r);
		const unsigned char *p = n ? r_take(&r, n - 1) : NULL;
		if (!p || memchr(p, '\0', n - 1) ||
		    pf_strtab_intern_n(tu->strs, (const char *)p, n - 1) != i)
			r_fail(&r, "bad string table");
	}
	if (!r.nstrs)
		r.nstrs = 1;
	tu->main_file = r_sym(&r);
	tu->failed = r_u8(&r) != 0;
	tu->ndecls = r_count(&r, 40);
	if (!tu->ndecls)
		tu->ndecls = 1;
	tu->decls = pf_arena_alloc(tu->arena, tu->ndecls * sizeof(pf_decl));
	for (uint32_t i = 1; i < tu->ndecls && !r.bad; i++) {
		pf_decl *d = &tu->decls[i];
		d->usr = r_sym(&r);
		d->name = r_sym(&r);
		d->scope = r_sym(&r);
		d->type = r_sym(&r);
		d->record = r_sym(&r);
		d->loc = r_loc(&r);
		d->kind = r_u8(&r);
		d->tclass = r_u8(&r);
		d->flags = (uint16_t)r_u32(&r);
		d->nparams = r_u32(&r);
		d->value = r_i64(&r);
		d->annots = r_ids(&r, &d->nannots, r.nstrs, "annotation out of range");
		if (d->kind > PF_DECL_ENUMCONST || d->tclass > PF_TY_POINTER)
			r_fail(&r, "unknown declaration kind");
	}
	tu->nfuncs = r_count(&r, 40);
	if (tu->nfuncs)
		tu->funcs = pf_arena_alloc(tu->arena, tu->nfuncs * sizeof(pf_func));
	for (uint32_t i = 0; i < tu->nfuncs && !r.bad; i++)
		r_func(&r, &tu->funcs[i]);
	tu->nfiles = r_count(&r, 69);
	if (tu->nfiles)
		tu->files = pf_arena_alloc(tu->arena, tu->nfiles * sizeof(pf_file));
	for (uint32_t i = 0; i < tu->nfiles && !r.bad; i++) {
		const unsigned char *h;
		tu->files[i].path = r_sym(&r);
		if ((h = r_take(&r, 64)))
			memcpy(tu->files[i].sha256, h, 64);
		tu->files[i].system = r_u8(&r);
	}
	tu->ndiags = r_count(&r, 16);
	if (tu->ndiags)
		tu->diags = pf_arena_alloc(tu->arena, tu->ndiags * sizeof(pf_diag));
	for (uint32_t i = 0; i < tu->ndiags && !r.bad; i++) {
		tu->diags[i].loc = r_loc(&r);
		tu->diags[i].message = r_str(&r);
		if (!tu->diags[i].message)
			tu->diags[i].message = "";
	}
	tu->nnotes = r_count(&r, 4);
	if (tu->nnotes)
		tu->notes = pf_arena_alloc(tu->arena, tu->nnotes * sizeof(const char *));
	for (uint32_t i = 0; i < tu->nnotes && !r.bad; i++)
		if (!(tu->notes[i] = r_str(&r)))
			tu->notes[i] = "";
	tu->partial = r_u8(&r) != 0;
	if (!r.bad && r.p != r.end)
		r_fail(&r, "trailing bytes");
	if (r.bad) {
		pf_error_set("malformed privflow IR: %s at byte %zu", r.why,
		             (size_t)(r.p - (const unsigned char *)data));
		pf_tu_free(tu);
		return PF_EINVALID;
	}
	*out = tu;
	return PF_OK;
}
