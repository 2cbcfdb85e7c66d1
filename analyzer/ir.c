/*
 * The IR's containers: the builder the frontend (and tests) fill one
 * translation unit with, the whole-program merge that unifies
 * declarations across TUs by USR, path helpers, and the text dump used by
 * tests and `privflow dump-ir`.
 */
#include "ir.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pf_tu_builder {
	pf_tu *tu;
	PF_VEC(pf_decl) decls;
	PF_VEC(pf_func) funcs;
	PF_VEC(pf_file) files;
	PF_VEC(pf_diag) diags;
	PF_VEC(const char *) notes;
	pf_map *decl_by_usr; /* usr sym -> declid */
};

/* --- shared helpers ------------------------------------------------------ */

/* Adds to *annots (an arena array of *n syms) the syms of `add` it does not
   hold yet; the result array lives in `arena`. */
static void annots_union(pf_arena *arena, pf_sym **annots, uint32_t *n,
                         const pf_sym *add, uint32_t nadd)
{
	uint32_t extra = 0;
	for (uint32_t i = 0; i < nadd; i++) {
		int seen = 0;
		for (uint32_t j = 0; j < *n && !seen; j++)
			seen = (*annots)[j] == add[i];
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = add[j] == add[i];
		extra += !seen;
	}
	if (!extra)
		return;
	pf_sym *v = pf_arena_alloc(arena, (*n + extra) * sizeof(*v));
	if (*n)
		memcpy(v, *annots, *n * sizeof(*v));
	uint32_t k = *n;
	for (uint32_t i = 0; i < nadd; i++) {
		int seen = 0;
		for (uint32_t j = 0; j < k && !seen; j++)
			seen = v[j] == add[i];
		if (!seen)
			v[k++] = add[i];
	}
	*annots = v;
	*n = k;
}

/* Merges what `src` knows into `dst` (same usr): flags ORed, empty fields
   filled, annotations unioned; a definition's location wins over a
   declaration's. Syms of src must already be dst's table's. */
static void decl_absorb(pf_arena *arena, pf_decl *dst, const pf_decl *src)
{
	if ((src->flags & PF_DF_DEFINED) && !(dst->flags & PF_DF_DEFINED) &&
	    src->loc.line)
		dst->loc = src->loc;
	dst->flags |= src->flags;
	if (!dst->name)
		dst->name = src->name;
	if (!dst->scope)
		dst->scope = src->scope;
	if (!dst->type)
		dst->type = src->type;
	if (!dst->record)
		dst->record = src->record;
	if (!dst->loc.line)
		dst->loc = src->loc;
	if (!dst->nparams)
		dst->nparams = src->nparams;
	if (dst->tclass == PF_TY_OTHER)
		dst->tclass = src->tclass;
	annots_union(arena, &dst->annots, &dst->nannots, src->annots, src->nannots);
}

/* --- builder ------------------------------------------------------------- */

pf_tu_builder *pf_tub_new(const char *main_file)
{
	pf_tu_builder *b = pf_calloc(1, sizeof(*b));
	b->tu = pf_calloc(1, sizeof(*b->tu));
	b->tu->arena = pf_arena_new();
	b->tu->strs = pf_strtab_new();
	b->tu->main_file = main_file ? pf_strtab_intern(b->tu->strs, main_file) : 0;
	b->decl_by_usr = pf_map_new();
	pf_decl dummy = {0};
	pf_vec_push(&b->decls, dummy);
	return b;
}

pf_sym pf_tub_sym(pf_tu_builder *b, const char *s)
{
	return s ? pf_strtab_intern(b->tu->strs, s) : 0;
}

pf_arena *pf_tub_arena(pf_tu_builder *b)
{
	return b->tu->arena;
}

/*
 * Adds `d` (its syms are this builder's) and returns its id. A decl whose
 * usr was seen before is merged into the earlier one (flags ORed,
 * annotations unioned) and that one's id returned. The annots array is
 * copied into the arena; `d` stays the caller's.
 */
pf_declid pf_tub_decl(pf_tu_builder *b, const pf_decl *d)
{
	uint32_t id;
	if (d->usr && pf_map_get(b->decl_by_usr, d->usr, &id)) {
		decl_absorb(b->tu->arena, &b->decls.v[id], d);
		return id;
	}
	pf_decl c = *d;
	c.annots = NULL;
	c.nannots = 0;
	annots_union(b->tu->arena, &c.annots, &c.nannots, d->annots, d->nannots);
	id = (uint32_t)b->decls.n;
	pf_vec_push(&b->decls, c);
	if (d->usr)
		pf_map_put(b->decl_by_usr, d->usr, id);
	return id;
}

/* Borrowed; valid until the next pf_tub_decl(). */
pf_decl *pf_tub_decl_at(pf_tu_builder *b, pf_declid id)
{
	return id && id < b->decls.n ? &b->decls.v[id] : NULL;
}

void pf_tub_file(pf_tu_builder *b, const pf_file *f)
{
	pf_vec_push(&b->files, *f);
}

void pf_tub_diag(pf_tu_builder *b, pf_loc loc, const char *message)
{
	pf_diag d = {loc, pf_arena_strdup(b->tu->arena, message ? message : "")};
	pf_vec_push(&b->diags, d);
}

void pf_tub_set_failed(pf_tu_builder *b)
{
	b->tu->failed = 1;
}

void pf_tub_set_partial(pf_tu_builder *b)
{
	b->tu->partial = 1;
}

void pf_tub_note(pf_tu_builder *b, const char *message)
{
	const char *m = pf_arena_strdup(b->tu->arena, message ? message : "");

	for (size_t i = 0; i < b->notes.n; i++)
		if (!strcmp(b->notes.v[i], m))
			return;
	pf_vec_push(&b->notes, m);
}

void pf_tub_func(pf_tu_builder *b, const pf_func *f)
{
	pf_vec_push(&b->funcs, *f);
}

/* Copies a vector into the arena (NULL when empty). */
static void *arena_copy(pf_arena *a, const void *v, size_t n, size_t size)
{
	if (!n)
		return NULL;
	void *p = pf_arena_alloc(a, n * size);
	memcpy(p, v, n * size);
	return p;
}

pf_tu *pf_tub_finish(pf_tu_builder *b)
{
	pf_tu *tu = b->tu;
	tu->ndecls = (uint32_t)b->decls.n;
	tu->decls = arena_copy(tu->arena, b->decls.v, b->decls.n, sizeof(pf_decl));
	tu->nfuncs = (uint32_t)b->funcs.n;
	tu->funcs = arena_copy(tu->arena, b->funcs.v, b->funcs.n, sizeof(pf_func));
	tu->nfiles = (uint32_t)b->files.n;
	tu->files = arena_copy(tu->arena, b->files.v, b->files.n, sizeof(pf_file));
	tu->ndiags = (uint32_t)b->diags.n;
	tu->diags = arena_copy(tu->arena, b->diags.v, b->diags.n, sizeof(pf_diag));
	tu->nnotes = (uint32_t)b->notes.n;
	tu->notes = arena_copy(tu->arena, b->notes.v, b->notes.n, sizeof(const char *));
	pf_vec_free(&b->decls);
	pf_vec_free(&b->funcs);
	pf_vec_free(&b->files);
	pf_vec_free(&b->diags);
	pf_vec_free(&b->notes);
	pf_map_free(b->decl_by_usr);
	pf_free(b);
	return tu;
}

void pf_tu_free(pf_tu *tu)
{
	if (!tu)
		return;
	pf_arena_free(tu->arena);
	pf_strtab_free(tu->strs);
	pf_free(tu);
}

/* --- program ------------------------------------------------------------- */

pf_program *pf_program_new(void)
{
	pf_program *p = pf_calloc(1, sizeof(*p));
	p->arena = pf_arena_new();
	p->strs = pf_strtab_new();
	p->decl_by_usr = pf_map_new();
	p->func_by_decl = pf_map_new();
	p->file_by_path = pf_map_new();
	pf_decl dummy = {0};
	pf_vec_push(&p->decls, dummy);
	return p;
}

/* State of one merge: the TU's syms and declids mapped to the program's. */
typedef struct merge_ctx {
	pf_program *p;
	const pf_tu *tu;
	pf_sym *syms;      /* tu sym -> program sym (0: not mapped yet) */
	uint32_t nsyms;
	pf_declid *decls;  /* tu declid -> program declid */
} merge_ctx;

static pf_sym msym(merge_ctx *m, pf_sym s)
{
	if (!s)
		return 0;
	if (s < m->nsyms && m->syms[s])
		return m->syms[s];
	pf_sym r = pf_strtab_intern_from(m->p->strs, m->tu->strs, s);
	if (s < m->nsyms)
		m->syms[s] = r;
	return r;
}

static pf_declid mdecl(merge_ctx *m, pf_declid d)
{
	return d && d < m->tu->ndecls ? m->decls[d] : 0;
}

static pf_loc mloc(merge_ctx *m, pf_loc l)
{
	l.file = msym(m, l.file);
	return l;
}

static void mpath(merge_ctx *m, pf_path *path)
{
	if (path->base == PF_BASE_GLOBAL)
		path->var = mdecl(m, path->var);
	for (int i = 0; i < path->depth && i < PF_PATH_DEPTH; i++)
		if (!(path->field[i] & PF_ELEM_INDEX))
			path->field[i] = mdecl(m, path->field[i]);
}

static void mrval(merge_ctx *m, pf_rval *r)
{
	pf_arena *a = m->p->arena;
	pf_path *paths = arena_copy(a, r->paths, r->npaths, sizeof(pf_path));
	for (uint32_t i = 0; i < r->npaths; i++)
		mpath(m, &paths[i]);
	r->paths = paths;
	if (r->str)
		r->str = pf_arena_strdup(a, r->str);
	r->func = mdecl(m, r->func);
	r->ident = mdecl(m, r->ident);
	r->loc = mloc(m, r->loc);
}

static void merge_func(merge_ctx *m, const pf_func *src)
{
	pf_arena *a = m->p->arena;
	pf_func f = *src;
	f.decl = mdecl(m, src->decl);
	if (!f.decl || pf_map_get(m->p->func_by_decl, f.decl, NULL))
		return; /* first definition in merge order wins */
	f.loc = mloc(m, src->loc);
	f.params = arena_copy(a, src->params, src->nparams, sizeof(pf_declid));
	for (uint32_t i = 0; i < f.nparams; i++)
		f.params[i] = mdecl(m, f.params[i]);
	f.locals = arena_copy(a, src->locals, src->nlocals, sizeof(pf_declid));
	for (uint32_t i = 0; i < f.nlocals; i++)
		f.locals[i] = mdecl(m, f.locals[i]);
	f.insns = arena_copy(a, src->insns, src->ninsns, sizeof(pf_insn));
	for (uint32_t i = 0; i < f.ninsns; i++) {
		pf_insn *in = &f.insns[i];
		in->loc = mloc(m, in->loc);
		in->use = mloc(m, in->use);
		mpath(m, &in->dst);
		mrval(m, &in->src);
		in->callee = mdecl(m, in->callee);
		mrval(m, &in->fptr);
		in->args = arena_copy(a, in->args, in->nargs, sizeof(pf_rval));
		for (uint32_t j = 0; j < in->nargs; j++)
			mrval(m, &in->args[j]);
	}
	f.blocks = arena_copy(a, src->blocks, src->nblocks, sizeof(pf_block));
	for (uint32_t i = 0; i < f.nblocks; i++) {
		pf_block *bl = &f.blocks[i];
		bl->succ = arena_copy(a, bl->succ, bl->nsucc, sizeof(uint32_t));
		mpath(m, &bl->cond.path);
		bl->cond.loc = mloc(m, bl->cond.loc);
	}
	pf_map_put(m->p->func_by_decl, f.decl, (uint32_t)m->p->funcs.n);
	pf_vec_push(&m->p->funcs, f);
}

/*
 * Merges `tu` into `p` (the TU stays the caller's; everything is copied
 * into p's arena and string table). Declarations are unified by usr;
 * a function body already merged from an earlier TU is kept.
 */
void pf_program_merge(pf_program *p, const pf_tu *tu)
{
	pf_program_merge_tagged(p, tu, 0, NULL, 0);
}

/* The usr of decl s in the program: "usr#tag" if it is the TU's
   program's own (no shared TU names it). */
static pf_sym merged_usr(merge_ctx *m, const pf_decl *s, uint32_t tag, const uint64_t *shared,
                         size_t nshared)
{
	const char *usr = pf_strtab_str(m->tu->strs, s->usr);
	uint64_t h;

	if (!tag || !s->usr || (s->kind != PF_DECL_FUNC && s->kind != PF_DECL_GLOBAL) ||
	    (s->flags & (PF_DF_STATIC | PF_DF_SYSTEM)))
		return msym(m, s->usr);
	h = pf_hash64_str(usr);
	if (nshared && bsearch(&h, shared, nshared, sizeof(uint64_t), pf_u64_cmp))
		return msym(m, s->usr);
	char *t = pf_asprintf("%s#%u", usr, tag);
	pf_sym r = pf_strtab_intern(m->p->strs, t);
	pf_free(t);
	return r;
}

void pf_program_merge_tagged(pf_program *p, const pf_tu *tu, uint32_t tag, const uint64_t *shared,
                             size_t nshared)
{
	merge_ctx m = {p, tu, NULL, 0, NULL};
	m.nsyms = pf_strtab_count(tu->strs) + 1;
	m.syms = pf_calloc(m.nsyms, sizeof(pf_sym));
	m.decls = pf_calloc(tu->ndecls ? tu->ndecls : 1, sizeof(pf_declid));

	for (uint32_t i = 1; i < tu->ndecls; i++) {
		const pf_decl *s = &tu->decls[i];
		pf_decl d = *s;
		d.usr = merged_usr(&m, s, tag, shared, nshared);
		d.name = msym(&m, s->name);
		d.scope = msym(&m, s->scope);
		d.type = msym(&m, s->type);
		d.record = msym(&m, s->record);
		d.loc = mloc(&m, s->loc);
		pf_sym *an = s->nannots ? pf_malloc(s->nannots * sizeof(pf_sym)) : NULL;
		for (uint32_t j = 0; j < s->nannots; j++)
			an[j] = msym(&m, s->annots[j]);
		d.annots = an;
		uint32_t id;
		if (d.usr && pf_map_get(p->decl_by_usr, d.usr, &id)) {
			decl_absorb(p->arena, &p->decls.v[id], &d);
		} else {
			d.annots = NULL;
			d.nannots = 0;
			annots_union(p->arena, &d.annots, &d.nannots, an, s->nannots);
			id = (uint32_t)p->decls.n;
			pf_vec_push(&p->decls, d);
			if (d.usr)
				pf_map_put(p->decl_by_usr, d.usr, id);
		}
		pf_free(an);
		m.decls[i] = id;
	}
	for (uint32_t i = 0; i < tu->nfuncs; i++)
		merge_func(&m, &tu->funcs[i]);
	for (uint32_t i = 0; i < tu->nfiles; i++) {
		pf_file f = tu->files[i];
		f.path = msym(&m, f.path);
		if (pf_map_get(p->file_by_path, f.path, NULL))
			continue;
		pf_map_put(p->file_by_path, f.path, (uint32_t)p->files.n);
		pf_vec_push(&p->files, f);
	}
	for (uint32_t i = 0; i < tu->ndiags; i++) {
		pf_diag d = tu->diags[i];
		d.loc = mloc(&m, d.loc);
		d.message = pf_arena_strdup(p->arena, d.message ? d.message : "");
		pf_vec_push(&p->diags, d);
	}
	pf_sym mf = msym(&m, tu->main_file);
	pf_vec_push(&p->tus, mf);
	if (tu->failed)
		pf_vec_push(&p->failed, mf);
	pf_free(m.syms);
	pf_free(m.decls);
}

const pf_func *pf_program_func_of(const pf_program *p, pf_declid decl)
{
	uint32_t i;
	if (!decl || !pf_map_get(p->func_by_decl, decl, &i))
		return NULL;
	return &p->funcs.v[i];
}

const char *pf_program_str(const pf_program *p, pf_sym s)
{
	return pf_strtab_str(p->strs, s);
}

void pf_program_free(pf_program *p)
{
	if (!p)
		return;
	pf_vec_free(&p->decls);
	pf_vec_free(&p->funcs);
	pf_vec_free(&p->files);
	pf_vec_free(&p->diags);
	pf_vec_free(&p->tus);
	pf_vec_free(&p->failed);
	pf_map_free(p->decl_by_usr);
	pf_map_free(p->func_by_decl);
	pf_map_free(p->file_by_path);
	pf_arena_free(p->arena);
	pf_strtab_free(p->strs);
	pf_free(p);
}

/* --- paths --------------------------------------------------------------- */

int pf_path_eq(const pf_path *a, const pf_path *b)
{
	if (a->base != b->base || a->depth != b->depth || a->var != b->var)
		return 0;
	for (int i = 0; i < a->depth && i < PF_PATH_DEPTH; i++)
		if (a->field[i] != b->field[i])
			return 0;
	return 1;
}

int pf_path_is_prefix(const pf_path *prefix, const pf_path *p)
{
	if (prefix->base != p->base || prefix->var != p->var ||
	    prefix->depth > p->depth)
		return 0;
	for (int i = 0; i < prefix->depth && i < PF_PATH_DEPTH; i++)
		if (prefix->field[i] != p->field[i])
			return 0;
	return 1;
}

const char *pf_op_name(int op)
{
	static const char *const names[] = {
#define X(name, str) str,
		PF_IR_OPS(X)
#undef X
	};
	return op >= 0 && op < PF_OP_COUNT ? names[op] : "?";
}

/* What path printing needs: declarations and their strings, from a TU or
   from a program. */
typedef struct decl_view {
	const pf_decl *decls;
	uint32_t ndecls;
	const pf_strtab *strs;
} decl_view;

static const char *dv_name(const decl_view *v, pf_declid id)
{
	if (!v || !id || id >= v->ndecls)
		return NULL;
	return pf_strtab_str(v->strs, v->decls[id].name);
}

/* Pointers print their fields with "->", records with ".". */
static const char *dv_sep(const decl_view *v, pf_declid id)
{
	if (v && id && id < v->ndecls) {
		int tc = v->decls[id].tclass;
		if (tc == PF_TY_RECPTR || tc == PF_TY_POINTER || tc == PF_TY_BYTES)
			return "->";
	}
	return ".";
}

static const char *path_str(const decl_view *v, const pf_func *f,
                            const pf_path *path, char *buf, size_t size)
{
	size_t len = 0;
	pf_declid last = 0;
	const char *nm = NULL;
	char tmp[32];
	if (!size)
		return buf;
	buf[0] = 0;
#define APPEND(s)                                                           \
	do {                                                                    \
		int w_ = snprintf(buf + len, size - len, "%s", (s));                \
		len += w_ > 0 ? (size_t)w_ : 0;                                     \
		if (len >= size)                                                    \
			len = size - 1;                                                 \
	} while (0)
	switch (path->base) {
	case PF_BASE_NONE:
		APPEND("_");
		return buf;
	case PF_BASE_LOCAL:
		if (f && path->var < f->nlocals && f->locals[path->var]) {
			last = f->locals[path->var];
			nm = dv_name(v, last);
		}
		if (!nm || !*nm) {
			snprintf(tmp, sizeof(tmp), "t%" PRIu32, path->var);
			nm = tmp;
		}
		break;
	case PF_BASE_PARAM:
		if (f && path->var < f->nparams) {
			last = f->params[path->var];
			nm = dv_name(v, last);
		}
		if (!nm || !*nm) {
			snprintf(tmp, sizeof(tmp), "param%" PRIu32, path->var);
			nm = tmp;
		}
		break;
	case PF_BASE_GLOBAL:
		last = path->var;
		nm = dv_name(v, last);
		if (!nm || !*nm) {
			snprintf(tmp, sizeof(tmp), "global%" PRIu32, path->var);
			nm = tmp;
		}
		break;
	case PF_BASE_RET:
		nm = "return";
		break;
	case PF_BASE_VARARGS:
		nm = "...";
		break;
	default:
		nm = "?";
	}
	APPEND(nm);
	for (int i = 0; i < path->depth && i < PF_PATH_DEPTH; i++) {
		pf_declid el = path->field[i];
		if (el & PF_ELEM_INDEX) {
			if (el == PF_ELEM_ANY)
				snprintf(tmp, sizeof(tmp), "[]");
			else
				snprintf(tmp, sizeof(tmp), "[%" PRIu32 "]", el & ~PF_ELEM_INDEX);
			APPEND(tmp);
			last = 0;
			continue;
		}
		const char *fn = dv_name(v, path->field[i]);
		APPEND(dv_sep(v, last));
		if (fn && *fn) {
			APPEND(fn);
		} else {
			snprintf(tmp, sizeof(tmp), "f%" PRIu32, path->field[i]);
			APPEND(tmp);
		}
		last = path->field[i];
	}
#undef APPEND
	return buf;
}

const char *pf_path_str(const pf_program *p, const pf_func *f,
                        const pf_path *path, char *buf, size_t size)
{
	decl_view v = {0};
	if (p) {
		v.decls = p->decls.v;
		v.ndecls = (uint32_t)p->decls.n;
		v.strs = p->strs;
	}
	return path_str(p ? &v : NULL, f, path, buf, size);
}

/* --- dump ---------------------------------------------------------------- */

static const char *const tclass_names[] = {
	"other", "string", "int", "float", "record", "recptr", "bytes",
	"funcptr", "pointer"
};
static const char *const kind_names[] = {
	"field", "global", "local", "param", "func", "enumconst"
};

static void dump_loc(FILE *out, const decl_view *v, pf_loc l)
{
	fprintf(out, "%s:%" PRIu32 ":%" PRIu32, pf_strtab_str(v->strs, l.file),
	        l.line, l.col);
}

static void dump_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (size_t i = 0; s[i] && i < 48; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 32 || c >= 127)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
		if (i == 47 && s[i + 1])
			fputs("...", out);
	}
	fputc('"', out);
}

static void dump_rval(FILE *out, const decl_view *v, const pf_func *f,
                      const pf_rval *r)
{
	char buf[256];
	int any = 0;
	if (r->flags & PF_RV_STR) {
		dump_str(out, r->str ? r->str : "");
		any = 1;
	}
	if (r->flags & PF_RV_INT) {
		fprintf(out, "%s%" PRId64, any ? " " : "", r->ival);
		any = 1;
	}
	if (r->flags & PF_RV_NULL) {
		fprintf(out, "%sNULL", any ? " " : "");
		any = 1;
	}
	if (r->flags & PF_RV_FUNC) {
		const char *n = dv_name(v, r->func);
		fprintf(out, "%s&%s()", any ? " " : "", n ? n : "?");
		any = 1;
	}
	if (r->ident && !(r->flags & PF_RV_FUNC) && r->npaths == 0) {
		const char *n = dv_name(v, r->ident);
		fprintf(out, "%s[%s]", any ? " " : "", n ? n : "?");
		any = 1;
	}
	if (r->npaths) {
		fprintf(out, "%s%s", any ? " " : "", r->npaths > 1 ? "{" : "");
		for (uint32_t i = 0; i < r->npaths; i++)
			fprintf(out, "%s%s", i ? "|" : "",
			        path_str(v, f, &r->paths[i], buf, sizeof(buf)));
		if (r->npaths > 1)
			fputc('}', out);
		any = 1;
	}
	if (r->flags & PF_RV_ADDR)
		fputs(" (addr)", out);
	if (!any)
		fputs("?", out);
}

static void dump_func(FILE *out, const decl_view *v, const pf_func *f)
{
	char buf[256];
	const char *fname = dv_name(v, f->decl);
	fprintf(out, "func %s(", fname ? fname : "?");
	for (uint32_t i = 0; i < f->nparams; i++) {
		const char *pn = dv_name(v, f->params[i]);
		fprintf(out, "%s%s", i ? ", " : "", pn && *pn ? pn : "?");
	}
	fputs(") @ ", out);
	dump_loc(out, v, f->loc);
	fputc('\n', out);
	if (f->nlocals) {
		fputs("  locals:", out);
		for (uint32_t i = 0; i < f->nlocals; i++) {
			pf_path lp = {PF_BASE_LOCAL, 0, 0, i, {0}};
			fprintf(out, " %s", path_str(v, f, &lp, buf, sizeof(buf)));
		}
		fputc('\n', out);
	}
	for (uint32_t b = 0; b < f->nblocks; b++) {
		const pf_block *bl = &f->blocks[b];
		for (uint32_t i = bl->first; i < bl->first + bl->count && i < f->ninsns; i++) {
			const pf_insn *in = &f->insns[i];
			fprintf(out, "  b%" PRIu32 ": %s ", b, pf_op_name(in->op));
			if (in->op == PF_OP_CALL) {
				if (in->dst.base != PF_BASE_NONE)
					fprintf(out, "%s = ",
					        path_str(v, f, &in->dst, buf, sizeof(buf)));
				if (in->callee) {
					const char *cn = dv_name(v, in->callee);
					fputs(cn ? cn : "?", out);
				} else {
					fputs("(*", out);
					dump_rval(out, v, f, &in->fptr);
					fputc(')', out);
				}
				fputc('(', out);
				for (uint32_t j = 0; j < in->nargs; j++) {
					if (j)
						fputs(", ", out);
					dump_rval(out, v, f, &in->args[j]);
				}
				fputc(')', out);
			} else if (in->op == PF_OP_ASSIGN) {
				fprintf(out, "%s %s ", path_str(v, f, &in->dst, buf, sizeof(buf)),
				        in->strong ? "=" : "+=");
				dump_rval(out, v, f, &in->src);
			} else {
				if (in->src.npaths || in->src.flags)
					dump_rval(out, v, f, &in->src);
			}
			fputs(" @", out);
			dump_loc(out, v, in->loc);
			fputs(" use ", out);
			dump_loc(out, v, in->use);
			fputc('\n', out);
		}
		fprintf(out, "  b%" PRIu32 ": ", b);
		switch (bl->term) {
		case PF_TERM_EXIT:
			fputs("exit\n", out);
			break;
		case PF_TERM_GOTO:
			fprintf(out, "goto b%" PRIu32 "\n", bl->nsucc ? bl->succ[0] : 0);
			break;
		case PF_TERM_BRANCH:
			fprintf(out, "branch %s%s ? b%" PRIu32 " : b%" PRIu32 "\n",
			        bl->cond.negate ? "!" : "",
			        bl->cond.path.base == PF_BASE_NONE
			                ? "<opaque>"
			                : path_str(v, f, &bl->cond.path, buf, sizeof(buf)),
			        bl->nsucc > 0 ? bl->succ[0] : 0,
			        bl->nsucc > 1 ? bl->succ[1] : 0);
			break;
		case PF_TERM_SWITCH:
			fputs("switch", out);
			for (uint32_t j = 0; j < bl->nsucc; j++)
				fprintf(out, " b%" PRIu32, bl->succ[j]);
			fputc('\n', out);
			break;
		default:
			fputs("?\n", out);
		}
	}
}

/*
 * Writes `tu` as text to `file` (a FILE *): files, diagnostics, the
 * project's declarations (system ones are counted, not listed), and every
 * function's blocks. Deterministic: no addresses, ids in creation order.
 */
void pf_tu_dump(const pf_tu *tu, void *file)
{
	FILE *out = file;
	decl_view v = {tu->decls, tu->ndecls, tu->strs};
	uint32_t nsys = 0;
	fprintf(out, "tu %s%s\n", pf_strtab_str(tu->strs, tu->main_file),
	        tu->failed ? " (failed)" : "");
	for (uint32_t i = 0; i < tu->nfiles; i++)
		if (!tu->files[i].system)
			fprintf(out, "file %s %.12s\n",
			        pf_strtab_str(tu->strs, tu->files[i].path),
			        tu->files[i].sha256);
	for (uint32_t i = 0; i < tu->ndiags; i++) {
		fputs("diag ", out);
		dump_loc(out, &v, tu->diags[i].loc);
		fprintf(out, ": %s\n", tu->diags[i].message);
	}
	for (uint32_t i = 1; i < tu->ndecls; i++) {
		const pf_decl *d = &tu->decls[i];
		if (d->flags & PF_DF_SYSTEM) {
			nsys++;
			continue;
		}
		fprintf(out, "decl %" PRIu32 " %s %s%s%s : %s [%s]", i,
		        d->kind < 6 ? kind_names[d->kind] : "?",
		        d->scope ? pf_strtab_str(tu->strs, d->scope) : "",
		        d->scope ? "." : "", pf_strtab_str(tu->strs, d->name),
		        pf_strtab_str(tu->strs, d->type),
		        d->tclass < 9 ? tclass_names[d->tclass] : "?");
		if (d->record)
			fprintf(out, " record=%s", pf_strtab_str(tu->strs, d->record));
		if (d->flags & PF_DF_VARIADIC)
			fputs(" variadic", out);
		if (d->flags & PF_DF_STATIC)
			fputs(" static", out);
		if (d->flags & PF_DF_DEFINED)
			fputs(" defined", out);
		if (d->flags & PF_DF_ADDR)
			fputs(" addr", out);
		if (d->kind == PF_DECL_ENUMCONST)
			fprintf(out, " =%" PRId64, d->value);
		for (uint32_t j = 0; j < d->nannots; j++)
			fprintf(out, " @%s", pf_strtab_str(tu->strs, d->annots[j]));
		fputs(" @ ", out);
		dump_loc(out, &v, d->loc);
		fputc('\n', out);
	}
	if (nsys)
		fprintf(out, "(%" PRIu32 " system decls)\n", nsys);
	for (uint32_t i = 0; i < tu->nfuncs; i++)
		dump_func(out, &v, &tu->funcs[i]);
}
