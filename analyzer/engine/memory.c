/*
 * The memory model. A function's locations are the access paths its code
 * names (a variable, a parameter, `.f` fields, `[k]` elements), kept as a
 * trie of slots: a path's slot has its prefix as parent and its
 * extensions as children. A state maps slots to fact sets, and a value
 * is read as a tree: the facts of the path itself, of its prefixes (what
 * holds for a whole object holds for its parts), and of its extensions at
 * their own suffixes, so that copying a struct, returning a pointer or
 * passing one keeps every field apart. Only a use that flattens the
 * object (a sink that writes it whole, a format that prints it) collapses
 * the tree onto one value.
 *
 * A pointer and what it points to are one location (`p->f` is `p.f`):
 * copies copy the tree. Aliasing is kept where C code depends on it
 * inside one function: a local pointer set to `&x`, to an array, or to
 * another such pointer (a cursor into a buffer) reads and writes what it
 * points into, weakly.
 *
 * Arrays: `a[3]` and `a[E_CONST]` are elements of their own; `a[i]` is
 * any element (it reads every element, and writes the one that stands
 * for all of them, which every element then reads).
 *
 * Program-wide globals are not slots of a function: they live in one
 * shared state, read from the previous round's snapshot and written into
 * the next round's (engine.c), so threads never race on them.
 */
#include <stdlib.h>
#include <string.h>

#include "eng_p.h"

int eng_path_is_index(pf_declid el)
{
	return (el & PF_ELEM_INDEX) != 0;
}

static void path_norm(pf_path *p)
{
	p->reserved = 0;
	if (p->depth > PF_PATH_DEPTH)
		p->depth = PF_PATH_DEPTH;
	for (unsigned i = p->depth; i < PF_PATH_DEPTH; i++)
		p->field[i] = 0;
}

int eng_is_program_global(const eng *e, const pf_path *p)
{
	return p->base == PF_BASE_GLOBAL && !eng_decl(e, p->var)->scope;
}

static uint64_t path_hash(uint32_t fi, const pf_path *p)
{
	uint64_t h = eng_mix(eng_mix(eng_mix(fi, p->base), p->var), p->depth);
	for (unsigned i = 0; i < p->depth; i++)
		h = eng_mix(h, p->field[i]);
	return h;
}

pf_declid eng_base_decl(const pf_func *f, const pf_path *p)
{
	switch (p->base) {
	case PF_BASE_LOCAL: return p->var < f->nlocals ? f->locals[p->var] : 0;
	case PF_BASE_PARAM: return p->var < f->nparams ? f->params[p->var] : 0;
	case PF_BASE_GLOBAL: return p->var;
	default: return 0;
	}
}

pf_declid eng_path_decl(const pf_func *f, const pf_path *p)
{
	for (unsigned i = p->depth; i > 0; i--)
		if (!eng_path_is_index(p->field[i - 1]))
			return p->field[i - 1];
	return eng_base_decl(f, p);
}

/*
 * Whether field el can be a part of what declaration d holds: d is no
 * struct (a void * the code casts), or el is one of its struct's fields.
 * A path that breaks this was cast by the code (`(struct sockaddr_in *)
 * sa`), or made by the engine: a symbol extended past its type, a
 * summary's suffix appended to another struct. Only a function past
 * TYPED_SLOTS locations cuts such paths (a widening: the field's facts
 * go to the whole object): in curl's connection filters they multiply
 * with every struct the component reaches (22,387 locations in a
 * function of 3 blocks); elsewhere the cut costs precision and time
 * (sudo: 17 more findings, 4x the memory).
 */
static int field_of(const eng *e, pf_declid d, pf_declid el)
{
	const pf_decl *dd = eng_decl(e, d), *fd = eng_decl(e, el);

	if ((dd->tclass != PF_TY_RECORD && dd->tclass != PF_TY_RECPTR) || !dd->record ||
	    fd->kind != PF_DECL_FIELD || !fd->scope)
		return 1;
	return fd->scope == dd->record;
}

/* Whether element el may stand below a value of declaration d's type
   (after_index: d's value was indexed last); *foreign: it was cut for
   being a field of another struct, past TYPED_SLOTS (`typed`). */
static int elem_fits(const eng *e, pf_declid d, pf_declid el, int after_index, int typed,
                     int *foreign)
{
	int tc = eng_decl(e, d)->tclass;
	/* a field below a void * is the field of the struct the code cast
	   it to: kept, not the whole object */
	int cast = tc == PF_TY_BYTES;
	int has_fields = tc == PF_TY_RECORD || tc == PF_TY_RECPTR || cast;
	int has_elems = !after_index && ((eng_decl(e, d)->flags & PF_DF_ARRAY) ||
	                                 tc == PF_TY_STRING || tc == PF_TY_BYTES ||
	                                 tc == PF_TY_POINTER || tc == PF_TY_RECPTR);

	if (eng_path_is_index(el))
		return has_elems;
	return has_fields && (!after_index || tc == PF_TY_RECPTR || tc == PF_TY_RECORD || cast) &&
	       !(*foreign = typed && !field_of(e, d, el));
}

pf_declid eng_global_read_elem(const eng *e, const pf_path *p)
{
	pf_declid el = p->depth ? p->field[0] : 0;
	int foreign = 0;

	/* eng_path_clip's test of a first element, as for a function past
	   TYPED_SLOTS locations (the stricter case) */
	return el && el != PF_ELEM_ANY && elem_fits(e, p->var, el, 0, 1, &foreign) ? el : 0;
}

/*
 * Cuts a path written to where its elements stop meaning anything: below
 * a value of a type that has no parts (an integer, a character of a
 * string), and at the second field of one struct type (a recursive
 * structure: `l->next->next` is `l->next`, `conn->srv->conn` is
 * `conn->srv`). Copying trees into trees would otherwise grow paths with
 * every copy, and a path's variety with every type it goes through. Past
 * TYPED_SLOTS locations, also at a field of another struct (field_of).
 */
void eng_path_clip(const fctx *c, pf_path *q)
{
	const eng *e = c->e;
	pf_declid d = eng_base_decl(c->f, q);
	int after_index = 0, typed = c->info->slots.v.n >= TYPED_SLOTS, foreign = 0;

	for (unsigned i = 0; i < q->depth; i++) {
		pf_declid el = q->field[i];
		int ok = !d || elem_fits(e, d, el, after_index, typed, &foreign);
		for (unsigned j = 0; ok && j < i; j++)
			ok = eng_path_is_index(el) || (q->field[j] != el &&
			     (eng_path_is_index(q->field[j]) || !eng_decl(e, el)->scope ||
			      eng_decl(e, q->field[j])->scope != eng_decl(e, el)->scope));
		if (!ok) {
			if (foreign)
				eng_widened(c->e, c->fi, "its locations");
			q->depth = (uint8_t)i;
			path_norm(q);
			return;
		}
		if (eng_path_is_index(el)) {
			after_index = 1;
		} else {
			d = el;
			after_index = 0;
		}
	}
}

/* Removes slot s and everything below it from the state. */
static void kill(fctx *c, uint32_t s)
{
	const fslots *fs = &c->info->slots;

	c->st = pm_set(c->pm, c->st, s, 0);
	for (uint32_t ch = fs->v.v[s].child; ch != NOSLOT; ch = fs->v.v[ch].next)
		kill(c, ch);
}

typedef struct slotkey {
	uint32_t slot, i;
} slotkey;

static int slotkey_cmp(const void *a, const void *b)
{
	const slotkey *x = a, *y = b;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Widening of a location past MAX_SLOT_SYMS symbols: each symbol is cut
 * to one field below its parameter, then to the parameter itself, as a
 * summary's outs are (summary.c). Both only say more: the location then
 * holds all of p->a, of which p->a.b is a part. What stops is the
 * product of a code base's records: in a component of functions tied by
 * function pointers, one location can otherwise hold hundreds of the
 * paths its callers pass, and every copy of it copies them all.
 */
static uint32_t widen_slot(fctx *c, uint32_t s, uint32_t set)
{
	eng *e = c->e;
	size_t n;
	const fkey *k = eng_set_keys(e, set, &n);

	if (eng_set_nsyms(e, set) <= MAX_SLOT_SYMS)
		return set;
	fkey *w = pf_malloc(n * sizeof(fkey));
	uint32_t ns = set;
	for (unsigned depth = 1;; depth--) {
		eng_keys_cut(e, k, n, depth, 0, 0, w);
		for (size_t i = 0; i < n; i++)
			if (w[i] != k[i])
				eng_set_trace(c, s, w[i], eng_trace_of(c, s, k[i]));
		ns = eng_set(e, w, n);
		if (eng_set_nsyms(e, ns) <= MAX_SLOT_SYMS || depth == 0)
			break;
	}
	pf_free(w);
	eng_widened(e, c->fi, "a location");
	return ns;
}

/*
 * The facts of v written to many slots, one new set per slot rather than
 * one per fact (a call's outs can put hundreds into a few slots): sk[i]
 * is the slot of v's fact i; sorted by slot, each run of one slot gives
 * the set of its keys. Returns the end of the run that starts at i and
 * its set in *keys_set (keys: room for v->n).
 */
static size_t slot_run(eng *e, const slotkey *sk, size_t i, const vtree *v, fkey *keys,
                       uint32_t *keys_set)
{
	size_t j, m = 0;

	for (j = i; j < v->n && sk[j].slot == sk[i].slot; j++)
		keys[m++] = v->v[sk[j].i].key;
	*keys_set = eng_set(e, keys, m);
	return j;
}

static void set_slot(fctx *c, uint32_t s, uint32_t old, uint32_t set)
{
	if (set != old)
		set = widen_slot(c, s, set);
	if (set != old)
		c->st = pm_set(c->pm, c->st, s, set);
}

static void add_fact(fctx *c, uint32_t s, fkey k, const pf_tnode *t)
{
	uint32_t set = 0;

	pm_find(c->st, s, &set);
	eng_set_trace(c, s, k, t);
	set_slot(c, s, set, eng_set_add(c->e, set, k));
}

/* --- slots ---------------------------------------------------------------- */

/* Slot id into the sorted list `key` of map ix (lists in `lists`). */
static void slot_list_add(pf_map *ix, u32vecs *lists, uint64_t key, uint32_t id)
{
	uint32_t k;

	if (!pf_map_get(ix, key, &k)) {
		u32vec none = {0};
		k = (uint32_t)lists->n;
		pf_map_put(ix, key, k);
		pf_vec_push(lists, none);
	}
	u32vec *v = &lists->v[k];
	pf_vec_push(v, id);
	for (size_t i = v->n - 1; i > 0 && v->v[i - 1] > v->v[i]; i--) {
		uint32_t t = v->v[i];
		v->v[i] = v->v[i - 1];
		v->v[i - 1] = t;
	}
}

static uint32_t gslot(eng *e, const pf_path *p)
{
	int added;
	uint32_t id = GSLOT | pf_itab_add(e->gslots, p, path_hash(UINT32_MAX, p), &added);

	if (!added)
		return id;
	slot_list_add(e->gvar_ix, &e->gvar_slots, p->var, id);
	if (p->depth)
		slot_list_add(e->gpart_ix, &e->gpart_slots, eng_gpart_key(p->var, p->field[0]), id);
	return id;
}

/* The slots of global g's part below its first element elem, or NULL. */
static const u32vec *gpart_slots(const eng *e, pf_declid g, pf_declid elem)
{
	uint32_t k;

	return pf_map_get(e->gpart_ix, eng_gpart_key(g, elem), &k) ? &e->gpart_slots.v[k] : NULL;
}

static uint32_t local_slot(fctx *c, const pf_path *p)
{
	fslots *fs = &c->info->slots;
	uint64_t key = path_hash(c->fi, p);
	uint32_t id;

	if (!fs->ids)
		fs->ids = pf_map_new();
	while (pf_map_get(fs->ids, key, &id)) {
		if (pf_path_eq(&fs->v.v[id].p, p))
			return id;
		key = eng_mix(key, 1);
	}
	fslot s = {*p, NOSLOT, NOSLOT, NOSLOT};
	if (p->depth > 0) {
		pf_path q = *p;
		q.field[--q.depth] = 0;
		s.parent = local_slot(c, &q);
	}
	id = (uint32_t)fs->v.n;
	if (s.parent != NOSLOT) {
		s.next = fs->v.v[s.parent].child;
		fs->v.v[s.parent].child = id;
	}
	pf_vec_push(&fs->v, s);
	pf_map_put(fs->ids, key, id);
	return id;
}

uint32_t eng_slot(fctx *c, const pf_path *p0)
{
	pf_path p = *p0;

	path_norm(&p);
	if (eng_is_program_global(c->e, &p))
		return gslot(c->e, &p);
	return local_slot(c, &p);
}

const fslot *eng_slotdef(const eng *e, uint32_t fi, uint32_t s)
{
	return &e->fi[fi].slots.v.v[s];
}

/* SYM(param, suffix): the suffix clipped as paths are (a parameter's
   recursive fields stop at their second use). */
uint32_t eng_sym(fctx *c, uint32_t param, const pf_declid *el, unsigned n)
{
	pf_path p = {.base = PF_BASE_PARAM, .var = param};

	if (param != SYM_VARARGS) {
		for (unsigned i = 0; i < n && p.depth < PF_PATH_DEPTH; i++)
			p.field[p.depth++] = el[i];
		eng_path_clip(c, &p);
		el = p.field;
		n = p.depth;
	}
	if (n > PF_PATH_DEPTH)
		n = PF_PATH_DEPTH;
	return eng_label(c->e, L_SYM, param, eng_suffix(c->e, el, n), 0);
}

/* --- facts of a slot --------------------------------------------------------- */

static uint32_t set_of(fctx *c, uint32_t s)
{
	uint32_t set = 0;

	if (s & GSLOT)
		pm_find(c->e->globals, s, &set);
	else
		pm_find(c->st, s, &set);
	return set;
}

/*
 * Appends the facts of slot s at suffix `sfx`; a SYM label read from a
 * prefix of the path is extended by the rest of the path (`ext`, n
 * elements): "parameter 0" read as `p.name` is "parameter 0's .name".
 */
static void add_slot_facts(fctx *c, vtree *out, uint32_t s, uint32_t sfx,
                           const pf_declid *ext, unsigned next)
{
	eng *e = c->e;
	size_t n;
	const fkey *k = eng_set_keys(e, set_of(c, s), &n);

	for (size_t i = 0; i < n; i++) {
		vfact f = {sfx, k[i], eng_trace_of(c, s, k[i])};
		if (next) {
			const label *l = eng_lab(e, FK_LABEL(k[i]));
			if (l->kind == L_SYM) {
				const suffix *b = eng_sfx(e, l->b);
				pf_declid el[2 * PF_PATH_DEPTH];
				unsigned m = 0;
				for (unsigned j = 0; j < b->n; j++)
					el[m++] = b->e[j];
				for (unsigned j = 0; j < next; j++)
					el[m++] = ext[j];
				f.key = FK(eng_sym(c, l->a, el, m), FK_TR(k[i]));
			}
		}
		pf_vec_push(out, f);
	}
}

/* Whether element `have` of a slot matches element `want` of a read. */
static int elem_matches(pf_declid want, pf_declid have)
{
	if (want == have)
		return 1;
	if (!eng_path_is_index(want) || !eng_path_is_index(have))
		return 0;
	return want == PF_ELEM_ANY || have == PF_ELEM_ANY;
}

/* The facts below local slot s (its descendants), at their suffixes
   relative to `base_depth`, or all at `flat` when collapsing. */
static void add_below(fctx *c, vtree *out, uint32_t s, unsigned base_depth, int collapse,
                      uint32_t flat)
{
	const fslots *fs = &c->info->slots;

	for (uint32_t ch = fs->v.v[s].child; ch != NOSLOT; ch = fs->v.v[ch].next) {
		const pf_path *cp = &fs->v.v[ch].p;
		uint32_t sfx = collapse ? flat
		                        : eng_suffix(c->e, cp->field + base_depth,
		                                     cp->depth - base_depth);
		add_slot_facts(c, out, ch, sfx, NULL, 0);
		add_below(c, out, ch, base_depth, collapse, flat);
	}
}

/* Globals: the prefixes of p and, unless a handle is read, what lies
   below it in the snapshot. */
typedef struct gscan {
	fctx *c;
	vtree *out;
	const pf_path *p;
	int collapse;
	int below;             /* the slots below p too, not only its prefixes */
} gscan;

static void gscan_one(void *arg, uint32_t key, uint32_t set)
{
	gscan *g = arg;
	const pf_path *q = pf_itab_at(g->c->e->gslots, key & ~GSLOT);
	unsigned common = q->depth < g->p->depth ? q->depth : g->p->depth;
	int exact = 1;

	(void)set;
	if (q->base != g->p->base || q->var != g->p->var)
		return;
	for (unsigned i = 0; i < common; i++) {
		if (!elem_matches(g->p->field[i], q->field[i]))
			return;
		exact &= g->p->field[i] == q->field[i];
	}
	if (q->depth <= g->p->depth) {
		/* a prefix whose index only matches ([*] and [1]): the exact
		   prefixes were read already */
		if (!exact)
			add_slot_facts(g->c, g->out, key, eng_suffix(g->c->e, NULL, 0),
			               g->p->field + q->depth, g->p->depth - q->depth);
		return;
	}
	if (!g->below)
		return;
	uint32_t sfx = g->collapse ? eng_suffix(g->c->e, NULL, 0)
	                           : eng_suffix(g->c->e, q->field + g->p->depth,
	                                        q->depth - g->p->depth);
	add_slot_facts(g->c, g->out, key, sfx, NULL, 0);
}

static void read_global(fctx *c, vtree *out, const pf_path *p, int mode)
{
	eng *e = c->e;
	uint32_t empty = eng_suffix(e, NULL, 0);
	int indexed = 0;

	for (unsigned d = 0; d <= p->depth; d++) {
		pf_path q = *p;
		q.depth = (uint8_t)d;
		path_norm(&q);
		add_slot_facts(c, out, gslot(e, &q), empty, p->field + d, p->depth - d);
		if (d < p->depth)
			indexed |= eng_path_is_index(p->field[d]);
	}
	uint32_t ix, set;
	if ((!(mode & R_HANDLE) || indexed) && pf_map_get(e->gvar_ix, p->var, &ix)) {
		gscan g = {c, out, p, mode & R_WHOLE, !(mode & R_HANDLE)};
		const u32vec *v = &e->gvar_slots.v[ix];
		if (!p->depth || p->field[0] == PF_ELEM_ANY) {
			for (size_t i = 0; i < v->n; i++)
				if (pm_find(e->globals, v->v[i], &set))
					gscan_one(&g, v->v[i], set);
			return;
		}
		/* only slots below a matching first element can match: the
		   element's part and, for an index, [*]'s, in the order of
		   the global's list */
		static const u32vec none;
		const u32vec *a = gpart_slots(e, p->var, p->field[0]);
		const u32vec *b = eng_path_is_index(p->field[0]) ? gpart_slots(e, p->var, PF_ELEM_ANY)
		                                                  : NULL;
		a = a ? a : &none;
		b = b ? b : &none;
		for (size_t i = 0, j = 0; i < a->n || j < b->n;) {
			uint32_t s = j == b->n || (i < a->n && a->v[i] < b->v[j]) ? a->v[i++] : b->v[j++];
			if (pm_find(e->globals, s, &set))
				gscan_one(&g, s, set);
		}
	}
}

/*
 * The facts of local path p: from the root, the slots whose elements
 * match p's (an element [k] matches [k] and [*]; [*] matches every
 * index) give their prefix facts; the matching slots at p's depth give
 * theirs and, unless a handle is read, their descendants'.
 */
static void read_local(fctx *c, vtree *out, const pf_path *p, int mode)
{
	eng *e = c->e;
	const fslots *fs;
	uint32_t empty = eng_suffix(e, NULL, 0);
	uint32_t cur[64], nxt[64];
	size_t ncur = 0;
	pf_path root = *p;

	root.depth = 0;
	path_norm(&root);
	cur[ncur++] = local_slot(c, &root);
	local_slot(c, p); /* the path's own slot exists from now on */
	fs = &c->info->slots;
	for (unsigned d = 0;; d++) {
		for (size_t i = 0; i < ncur; i++)
			add_slot_facts(c, out, cur[i], empty, p->field + d, p->depth - d);
		if (d == p->depth)
			break;
		size_t nn = 0;
		for (size_t i = 0; i < ncur; i++)
			for (uint32_t ch = fs->v.v[cur[i]].child; ch != NOSLOT; ch = fs->v.v[ch].next)
				if (elem_matches(p->field[d], fs->v.v[ch].p.field[d]) && nn < 64)
					nxt[nn++] = ch;
		memcpy(cur, nxt, nn * sizeof(uint32_t));
		ncur = nn;
	}
	if (!(mode & R_HANDLE))
		for (size_t i = 0; i < ncur; i++)
			add_below(c, out, cur[i], p->depth, mode & R_WHOLE, empty);
}

/* --- sources ----------------------------------------------------------------- */

/* The declaration a path's value is read from: its last field, else its
   variable. */

/* The record a path's value is (or points to), or 0. */
static pf_sym path_record(const fctx *c, const pf_path *p)
{
	pf_declid d = eng_path_decl(c->f, p);
	const pf_decl *dd;

	if (!d)
		return 0;
	dd = eng_decl(c->e, d);
	return (dd->tclass == PF_TY_RECORD || dd->tclass == PF_TY_RECPTR) ? dd->record : 0;
}

/* The owner of data read at p: the record it was read from (p less its
   last element), as an interned path, or 0. */
static uint32_t owner_of(fctx *c, const pf_path *p)
{
	pf_path o = *p;

	if (p->depth == 0)
		return 0;
	o.depth--;
	path_norm(&o);
	return eng_owner_path(c->e, &o);
}


static void add_source(fctx *c, vtree *out, pf_declid d, pf_loc loc, const pf_path *p,
                       uint32_t owner)
{
	eng *e = c->e;
	const pf_decl *dd = eng_decl(e, d);
	char buf[160];
	const char *what = p ? pf_path_str(e->prog, c->f, p, buf, sizeof(buf))
	                     : eng_pstr(e, dd->name);
	const char *kind = dd->kind == PF_DECL_FIELD ? "field"
	                   : dd->kind == PF_DECL_PARAM ? "parameter" : "variable";
	const char *where = dd->kind == PF_DECL_FIELD
	                            ? eng_note(e, "%s.%s", eng_pstr(e, dd->scope), eng_pstr(e, dd->name))
	                            : eng_pstr(e, dd->name);
	const char *note = eng_note(e, "%s read from %s %s (%s)", what, kind, where,
	                            eng_cstr(e, e->src_cat[d]));
	vfact f = {eng_suffix(e, NULL, 0),
	           FK(eng_label(e, L_DATA, e->src_cat[d], d, owner), e->src_tr[d]),
	           eng_step(e, NULL, loc, note)};
	pf_vec_push(out, f);
}

static void add_record_sources(fctx *c, vtree *out, pf_sym rec, pf_loc loc, int depth,
                               uint32_t owner)
{
	eng *e = c->e;
	uint32_t idx;

	if (!rec || depth > RECORD_DEPTH || !pf_map_get(e->record_fields, rec, &idx))
		return;
	PF_VEC(pf_declid) *v = (void *)e->rfields.v[idx];
	for (size_t i = 0; i < v->n; i++) {
		pf_declid fd = v->v[i];
		if (e->src_cat[fd])
			add_source(c, out, fd, loc, NULL, owner);
		else if (eng_decl(e, fd)->tclass == PF_TY_RECORD)
			add_record_sources(c, out, eng_decl(e, fd)->record, loc, depth + 1, owner);
	}
}

/* --- reading ------------------------------------------------------------------ */

void eng_drop_text(const eng *e, vtree *v, size_t from, const pf_decl *d)
{
	size_t k = from;
	uint32_t one;

	if (!d || (d->tclass != PF_TY_INT && d->tclass != PF_TY_FLOAT))
		return;
	for (size_t i = from; i < v->n; i++) {
		const label *l = eng_lab(e, FK_LABEL(v->v[i].key));
		if (!(l->kind == L_DATA && pf_map_get(e->text_only, l->a, &one)))
			v->v[k++] = v->v[i];
	}
	v->n = k;
}

/* Whether l is the symbol of parameter path p or of a part of it. */
static int own_symbol(const eng *e, const pf_path *p, const label *l)
{
	const suffix *s;

	if (l->kind != L_SYM || p->base != PF_BASE_PARAM || l->a != p->var)
		return 0;
	s = eng_sfx(e, l->b);
	if (s->n < p->depth)
		return 0;
	for (unsigned i = 0; i < p->depth; i++)
		if (s->e[i] != p->field[i])
			return 0;
	return 1;
}

/* The facts of p; `src`: p as the code wrote it, before clipping, whose
   declarations are sources (NULL for what an alias points into: the
   source is the path read, and so is the record that owns it). A path
   clipped at a recursive structure's second field still reads the field
   the code names: `l->next->next->email` is an e-mail address. */
static void read_one(fctx *c, vtree *out, const pf_path *p, pf_loc loc, int mode,
                     const pf_path *src)
{
	eng *e = c->e;
	pf_declid d;
	size_t from = out->n;

	if (eng_is_program_global(e, p))
		read_global(c, out, p, mode);
	else
		read_local(c, out, p, mode);
	if (mode & R_DECLARED) {
		/* the path's own symbols only, what callers will name: not
		   what was written there (a buffer that held an address before
		   the receive) */
		size_t k = from;
		for (size_t i = from; i < out->n; i++)
			if (own_symbol(e, p, eng_lab(e, FK_LABEL(out->v[i].key))))
				out->v[k++] = out->v[i];
		out->n = k;
	}
	d = eng_path_decl(c->f, src ? src : p);
	if (d && !eng_path_is_index(d) && !(mode & R_DECLARED) && !(eng_decl(e, d)->flags & PF_DF_ARRAY))
		eng_drop_text(e, out, from, eng_decl(e, d));
	if (!src)
		return;
	/* sources: the declaration read, and a whole struct's fields */
	if (d && e->src_cat[d])
		add_source(c, out, d, loc, src, owner_of(c, src));
	if (mode & R_WHOLE)
		add_record_sources(c, out, path_record(c, src), loc, 0, eng_owner_path(e, src));
	/* a global of known handle kind: stderr */
	if (p->base == PF_BASE_GLOBAL && p->depth == 0) {
		const pf_global_spec *gs;
		size_t ng = pf_catalog_globals(e->cat, &gs);
		const char *name = eng_pstr(e, eng_decl(e, p->var)->name);
		for (size_t i = 0; i < ng; i++)
			if (gs[i].name && strcmp(gs[i].name, name) == 0) {
				vfact f = {eng_suffix(e, NULL, 0),
				           FK(eng_label(e, L_RES, eng_str(e, gs[i].resource), 0, 0), 0), NULL};
				pf_vec_push(out, f);
			}
	}
}

/* p with its base replaced by alias target `to` (which may be deeper). */
static int rebase(const pf_path *p, const pf_path *to, pf_path *out)
{
	*out = *to;
	for (unsigned i = 0; i < p->depth; i++) {
		if (out->depth >= PF_PATH_DEPTH)
			return 0;
		out->field[out->depth++] = p->field[i];
	}
	return 1;
}

/* Whether suffix a is a proper prefix of suffix b. */
static int sfx_prefix(const suffix *a, const suffix *b)
{
	if (a->n >= b->n)
		return 0;
	for (unsigned i = 0; i < a->n; i++)
		if (a->e[i] != b->e[i])
			return 0;
	return 1;
}

/*
 * A collapsed value holding SYM(k).s and SYM(k).s.x needs only the
 * first: a caller reads parameter k's `.s` whole, `.s.x` included. Drops
 * the others from out[from..] (exactly: nothing is lost).
 */
static void drop_subsumed(eng *e, vtree *out, size_t from)
{
	size_t n = out->n - from, k = from;

	if (n < 2 || n > 512)
		return;
	for (size_t i = from; i < out->n; i++) {
		const label *li = eng_lab(e, FK_LABEL(out->v[i].key));
		int drop = 0;
		if (li->kind == L_SYM)
			for (size_t j = from; j < out->n && !drop; j++) {
				const label *lj = eng_lab(e, FK_LABEL(out->v[j].key));
				drop = j != i && lj->kind == L_SYM && lj->a == li->a &&
				       FK_TR(out->v[j].key) == FK_TR(out->v[i].key) &&
				       sfx_prefix(eng_sfx(e, lj->b), eng_sfx(e, li->b));
			}
		if (!drop)
			out->v[k++] = out->v[i];
	}
	out->n = k;
}

void eng_read(fctx *c, vtree *out, const pf_path *p0, pf_loc loc, int mode)
{
	pf_path p = *p0;
	size_t from = out->n;

	if (p.base == PF_BASE_NONE)
		return;
	path_norm(&p);
	pf_path src = p;
	eng_path_clip(c, &p);
	read_one(c, out, &p, loc, mode, &src);
	if (p.base == PF_BASE_LOCAL) {
		for (size_t i = 0; i < c->aliases.n; i++) {
			pf_path q;
			if (c->aliases.v[i].var == p.var && rebase(&p, &c->aliases.v[i].to, &q)) {
				path_norm(&q);
				/* what a cursor points into is declared by its target */
				read_one(c, out, &q, loc, mode, mode & R_DECLARED ? &q : NULL);
			}
		}
	}
	if (mode & R_WHOLE)
		drop_subsumed(c->e, out, from);
}

static int interesting_string(const char *s)
{
	static const char *const prefixes[] = {
		"http://", "https://", "ftp://", "ftps://", "smtp://", "smtps://", "ws://", "wss://",
		"ldap://", "ldaps://", "select ", "insert ", "update ", "delete ", "replace ",
		"create ", "upsert ", "with ", "/", "./", "../", "%s/", NULL};
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	for (size_t i = 0; prefixes[i]; i++)
		if (strncasecmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* interesting_string(s), remembered by the literal's address. */
static int string_is_interesting(eng *e, const char *s)
{
	unsigned slot = (unsigned)((uintptr_t)s >> 3) % (sizeof(e->str_kind) / sizeof(e->str_kind[0]));

	if (e->str_kind[slot].str != s) {
		e->str_kind[slot].str = s;
		e->str_kind[slot].yes = interesting_string(s);
	}
	return e->str_kind[slot].yes;
}

void eng_read_rval(fctx *c, vtree *out, const pf_rval *rv, pf_loc loc, int mode)
{
	eng *e = c->e;
	uint32_t empty = eng_suffix(e, NULL, 0);

	for (uint32_t i = 0; i < rv->npaths && !(rv->flags & PF_RV_BOOL); i++)
		eng_read(c, out, &rv->paths[i], loc, mode);
	if ((rv->flags & PF_RV_STR) && rv->str && string_is_interesting(e, rv->str)) {
		vfact f = {empty, FK(eng_label(e, L_STR, eng_str(e, rv->str), 0, 0), 0), NULL};
		pf_vec_push(out, f);
	}
	if ((rv->flags & PF_RV_INT) && !rv->npaths) {
		const pf_global_spec *gs;
		size_t ng = pf_catalog_globals(e->cat, &gs);
		for (size_t i = 0; i < ng; i++)
			if (!gs[i].name && gs[i].fd == rv->ival) {
				vfact f = {empty,
				           FK(eng_label(e, L_RES, eng_str(e, gs[i].resource), 0, 0), 0), NULL};
				pf_vec_push(out, f);
			}
	}
}

/* --- writing ------------------------------------------------------------------- */

/* Path p extended by suffix sfx, clipped. */
static pf_path extended(const fctx *c, const pf_path *p, uint32_t sfx)
{
	const suffix *s = eng_sfx(c->e, sfx);
	pf_path q = *p;

	for (unsigned j = 0; j < s->n && q.depth < PF_PATH_DEPTH; j++)
		q.field[q.depth++] = s->e[j];
	eng_path_clip(c, &q);
	return q;
}

static void write_global(fctx *c, const pf_path *p, const vtree *v)
{
	eng *e = c->e;

	slotkey *sk = pf_malloc((v->n ? v->n : 1) * sizeof(*sk));
	fkey *keys = pf_malloc((v->n ? v->n : 1) * sizeof(*keys));

	pthread_mutex_lock(&e->lock);
	for (size_t i = 0; i < v->n; i++) {
		pf_path q = extended(c, p, v->v[i].sfx);
		sk[i].slot = gslot(e, &q);
		sk[i].i = (uint32_t)i;
		eng_global_trace(e, sk[i].slot, v->v[i].key, v->v[i].t);
	}
	qsort(sk, v->n, sizeof(*sk), slotkey_cmp);
	for (size_t i = 0, j; i < v->n; i = j) {
		uint32_t set = 0, add;
		j = slot_run(e, sk, i, v, keys, &add);
		pm_find(e->gnext, sk[i].slot, &set);
		uint32_t ns = eng_set_union(e, set, add);
		if (ns != set) {
			e->gnext = pm_set(e->gctx, e->gnext, sk[i].slot, ns);
			e->globals_changed = 1;
			const pf_path *q = pf_itab_at(e->gslots, sk[i].slot & ~GSLOT);
			e->gver_next[q->var]++;
			pf_vec_push(&e->gpart_next, eng_gpart_key(q->var, q->depth ? q->field[0] : 0));
		}
	}
	pthread_mutex_unlock(&e->lock);
	pf_free(sk);
	pf_free(keys);
}

static void write_local(fctx *c, const pf_path *p, const vtree *v, int strong)
{
	int any = 0;

	for (unsigned i = 0; i < p->depth; i++)
		any |= p->field[i] == PF_ELEM_ANY;
	if (strong && !any)
		kill(c, local_slot(c, p));
	if (v->n == 1) {
		pf_path q = extended(c, p, v->v[0].sfx);
		add_fact(c, local_slot(c, &q), v->v[0].key, v->v[0].t);
		return;
	}
	slotkey *sk = pf_malloc((v->n ? v->n : 1) * sizeof(*sk));
	fkey *keys = pf_malloc((v->n ? v->n : 1) * sizeof(*keys));
	for (size_t i = 0; i < v->n; i++) {
		pf_path q = extended(c, p, v->v[i].sfx);
		sk[i].slot = local_slot(c, &q);
		sk[i].i = (uint32_t)i;
		eng_set_trace(c, sk[i].slot, v->v[i].key, v->v[i].t);
	}
	qsort(sk, v->n, sizeof(*sk), slotkey_cmp);
	for (size_t i = 0, j; i < v->n; i = j) {
		uint32_t set = 0, add;
		j = slot_run(c->e, sk, i, v, keys, &add);
		pm_find(c->st, sk[i].slot, &set);
		set_slot(c, sk[i].slot, set, eng_set_union(c->e, set, add));
	}
	pf_free(sk);
	pf_free(keys);
}

/*
 * Whether a parameter symbol stands for text or bytes (char *, a char
 * array field): what personal data is once copied around. A parameter's
 * text stored in a global reaches the global from every caller; records
 * and handles stored in globals are shared state, not data, and are not
 * followed (they would flood every reader of the global).
 */
static int sym_is_text(const fctx *c, const label *l)
{
	const eng *e = c->e;
	const suffix *sfx = eng_sfx(e, l->b);
	pf_declid d = 0;

	for (unsigned i = sfx->n; i > 0 && !d; i--)
		if (!eng_path_is_index(sfx->e[i - 1]))
			d = sfx->e[i - 1];
	if (!d) {
		if (l->a >= c->f->nparams)
			return 1; /* variadic arguments */
		d = c->f->params[l->a];
	}
	return eng_decl(e, d)->tclass == PF_TY_STRING || eng_decl(e, d)->tclass == PF_TY_BYTES;
}

/* A global receives concrete facts into the shared state, and a
   parameter's text as an out-fact of the function's summary. */
static void write_to_global(fctx *c, const pf_path *p, const vtree *v)
{
	eng *e = c->e;
	vtree conc = {0};

	for (size_t i = 0; i < v->n; i++) {
		const label *l = eng_lab(e, FK_LABEL(v->v[i].key));
		if (l->kind == L_SYM) {
			if (sym_is_text(c, l))
				eng_sum_out(c, OUT_GLOBAL, gslot(e, p), v->v[i].sfx, v->v[i].key, v->v[i].t);
			continue;
		}
		pf_vec_push(&conc, v->v[i]);
	}
	if (conc.n)
		write_global(c, p, &conc);
	pf_vec_free(&conc);
}

void eng_write(fctx *c, const pf_path *p0, const vtree *v, int strong)
{
	pf_path p = *p0;

	if (p.base == PF_BASE_NONE)
		return;
	path_norm(&p);
	if (eng_is_program_global(c->e, &p)) {
		write_to_global(c, &p, v);
		return;
	}
	write_local(c, &p, v, strong);
	if (p.base != PF_BASE_LOCAL)
		return;
	for (size_t i = 0; i < c->aliases.n; i++) {
		pf_path q;
		if (c->aliases.v[i].var == p.var && rebase(&p, &c->aliases.v[i].to, &q)) {
			path_norm(&q);
			if (eng_is_program_global(c->e, &q))
				write_to_global(c, &q, v);
			else
				write_local(c, &q, v, 0);
		}
	}
}

/* --- aliases -------------------------------------------------------------------- */

static int is_pointer_local(const fctx *c, uint32_t var)
{
	pf_declid d = var < c->f->nlocals ? c->f->locals[var] : 0;
	const pf_decl *dd;

	if (!d)
		return 1; /* a temporary: whatever it was given */
	dd = eng_decl(c->e, d);
	if (dd->flags & PF_DF_ARRAY)
		return 0;
	return dd->tclass == PF_TY_STRING || dd->tclass == PF_TY_BYTES ||
	       dd->tclass == PF_TY_POINTER || dd->tclass == PF_TY_RECPTR;
}

static int is_array_path(const fctx *c, const pf_path *p)
{
	pf_declid d;

	if (p->depth > 0 && eng_path_is_index(p->field[p->depth - 1]))
		return 0;
	d = eng_path_decl(c->f, p);
	return d && (eng_decl(c->e, d)->flags & PF_DF_ARRAY);
}

static int alias_add(fctx *c, uint32_t var, const pf_path *to)
{
	size_t n = 0;

	if (to->base == PF_BASE_LOCAL && to->var == var)
		return 0;
	for (size_t i = 0; i < c->aliases.n; i++) {
		if (c->aliases.v[i].var != var)
			continue;
		if (pf_path_eq(&c->aliases.v[i].to, to))
			return 0;
		n++;
	}
	if (n >= MAX_ALIASES)
		return 0;
	struct alias a = {var, *to};
	path_norm(&a.to);
	pf_vec_push(&c->aliases, a);
	return 1;
}

/* Whether call `in` opens a stream on the buffer its argument 0 names
   (a handle of kind "memory": open_memstream(&buf, &len), fmemopen). */
static int memory_stream(const fctx *c, const pf_insn *in)
{
	const spec *sp = in->callee ? eng_spec(c->e, in->callee) : NULL;

	if (!in->nargs || in->args[0].npaths != 1)
		return 0;
	for (size_t k = 0; sp && k < sp->n; k++)
		if (sp->effects[k].kind == PF_EFF_HANDLE && sp->effects[k].to == PF_ARG_RET &&
		    sp->effects[k].resource && strcmp(sp->effects[k].resource, "memory") == 0)
			return 1;
	return 0;
}

/*
 * Which local pointers point into which locations, flow-insensitively:
 * `p = &x`, `p = buf` (an array), `p = buf + n`, `p = q` for q such a
 * pointer, to a fixpoint. Not a cursor into a parameter's buffer
 * (`p = buf; p += snprintf(p, ...)` in a function given buf): aliasing
 * those, even only the locals never set otherwise, doubled sudo's
 * findings' flows and tripled its memory; that needs a flow-sensitive
 * points-to for locals.
 */
void eng_aliases(fctx *c)
{
	const pf_func *f = c->f;
	int changed = 1;

	c->aliases.n = 0;
	for (int round = 0; changed && round < 8; round++) {
		changed = 0;
		for (uint32_t i = 0; i < f->ninsns; i++) {
			const pf_insn *in = &f->insns[i];
			if (in->op == PF_OP_CALL && in->dst.base == PF_BASE_LOCAL && !in->dst.depth &&
			    memory_stream(c, in))
				changed |= alias_add(c, in->dst.var, &in->args[0].paths[0]);
			if (in->op != PF_OP_ASSIGN || in->dst.base != PF_BASE_LOCAL || in->dst.depth ||
			    !is_pointer_local(c, in->dst.var))
				continue;
			for (uint32_t k = 0; k < in->src.npaths; k++) {
				const pf_path *sp = &in->src.paths[k];
				if ((in->src.flags & PF_RV_ADDR) || is_array_path(c, sp))
					changed |= alias_add(c, in->dst.var, sp);
				if (sp->base == PF_BASE_LOCAL && !sp->depth)
					for (size_t j = 0; j < c->aliases.n; j++)
						if (c->aliases.v[j].var == sp->var) {
							pf_path to = c->aliases.v[j].to;
							changed |= alias_add(c, in->dst.var, &to);
						}
			}
		}
	}
}
