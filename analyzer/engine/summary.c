/*
 * Summaries: what a function leaves its callers, in terms of its own
 * labels (a parameter's symbol stands for whatever the caller passes):
 *
 *  - outs: what its result holds at which suffix (a returned struct
 *    pointer keeps its fields apart), what it wrote below its parameters
 *    (out-parameters), which of its parameters' text it stored in
 *    program globals;
 *  - events: the sinks its data reaches, merged by everything that
 *    decides a finding (data, handle, store, purpose, guards), each with
 *    a graph of the sites where it happens (eng_p.h);
 *  - the parameters whose SQL or path it executes or unlinks.
 *
 * At a call, the callee's summary is instantiated with the caller's
 * facts: SYM(k).s becomes what the caller's argument k holds at s, the
 * traces are joined, and each event is either complete in the caller
 * (its data, handle and store are concrete and it needs nothing more
 * from callers) and recorded as found, or re-recorded in the caller's
 * summary for its own callers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eng_p.h"

static uint64_t out_hash(int base, uint32_t var, uint32_t sfx, fkey k)
{
	return eng_mix(eng_mix(eng_mix(eng_mix(0x0a7, (uint64_t)base), var), sfx), k);
}

/*
 * Widening of a summary past MAX_OUTS: the out is kept at most two
 * elements below its base and a parameter's symbol two below the
 * parameter; past four times MAX_OUTS, one, and a constant index is any
 * index (sudo_defs_table[I_RUNCHROOT] stays itself until then); past
 * eight times, none: what remains distinct is the base and the label.
 * Each step only says more (a write to p->a.b becomes a write to p->a,
 * which every part of p->a then reads), so no flow is lost; what stops
 * is the growth, which recursion through out-parameters would otherwise
 * multiply with every iteration.
 */
static void widen_out(fctx *c, uint32_t *sfx, fkey *k, unsigned depth)
{
	eng *e = c->e;
	const label *l = eng_lab(e, FK_LABEL(*k));

	*sfx = eng_sfx_cut(e, *sfx, depth);
	if (l->kind == L_SYM && l->a != SYM_VARARGS)
		*k = FK(eng_label(e, L_SYM, l->a, eng_sfx_cut(e, l->b, depth), l->c), FK_TR(*k));
}

void eng_sum_out(fctx *c, int base, uint32_t var, uint32_t sfx, fkey k, const pf_tnode *t)
{
	summary *s = c->sum;
	uint64_t h;
	uint32_t i;

	int late = c->info->late;
	if (s->outs.n >= MAX_OUTS) {
		widen_out(c, &sfx, &k, s->outs.n >= 8 * MAX_OUTS ? 0 : s->outs.n >= 4 * MAX_OUTS ? 1 : 2);
		eng_widened(c->e, c->fi, "its summary");
	}
	h = out_hash(base, var, sfx, k);

	if (!s->out_ix)
		s->out_ix = pf_map_new();
	while (pf_map_get(s->out_ix, h, &i)) {
		sfact *o = &s->outs.v[i];
		if (o->base == base && o->var == var && o->sfx == sfx && o->key == k) {
			if (!o->t && t)
				s->version++; /* its first trace: callers in a cycle take it */
			o->t = eng_best(o->t, t);
			return;
		}
		h = eng_mix(h, 1);
	}
	sfact o = {(uint8_t)base, var, sfx, k, t};
	s->global_outs |= base == OUT_GLOBAL;
	pf_map_put(s->out_ix, h, (uint32_t)s->outs.n);
	pf_vec_push(&s->outs, o);
	s->version++;
	c->e->grew[late][0]++;
}

static uint64_t key_hash(const evkey *k)
{
	uint64_t h = eng_mix(0xe7e, k->data);
	h = eng_mix(h, k->handles);
	h = eng_mix(h, (uint64_t)(int64_t)k->sink);
	h = eng_mix(h, k->recipient);
	h = eng_mix(h, k->purpose);
	h = eng_mix(h, k->binding);
	h = eng_mix(h, k->store);
	h = eng_mix(h, k->store_annot);
	h = eng_mix(h, k->guard_ok);
	h = eng_mix(h, k->received);
	return eng_mix(h, k->guard_wrong);
}

static int key_eq(const evkey *a, const evkey *b)
{
	return a->data == b->data && a->handles == b->handles && a->sink == b->sink &&
	       a->recipient == b->recipient && a->purpose == b->purpose &&
	       a->binding == b->binding && a->store == b->store &&
	       a->store_annot == b->store_annot && a->guard_ok == b->guard_ok &&
	       a->guard_wrong == b->guard_wrong && a->received == b->received;
}

/* Adds (k, sites) to the summary, merging the sites of an equal key. */
static void sum_event(fctx *c, const evkey *k, uint32_t sites)
{
	summary *s = c->sum;
	evkey w, kw = *k;
	uint64_t h;
	uint32_t i;

	kw.handles = eng_set_widen(c->e, k->handles);
	k = &kw;
	/* a summary of many events first forgets which declaration their
	   personal data was read from: no caller looks at it, only the
	   report's wording does ("user.email (field account.email)" becomes
	   "user.email"), and it multiplies the events by the fields of a
	   struct (curl: about 85 per category) */
	const label *dl = eng_lab(c->e, FK_LABEL(k->data));
	int late = c->info->late;
	if (s->events.n >= MAX_EVENTS / 32 && dl->kind == L_DATA && dl->b) {
		w = *k;
		w.data = FK(eng_label(c->e, L_DATA, dl->a, 0, dl->c), FK_TR(k->data));
		k = &w;
		eng_widened(c->e, c->fi, "its sink events");
	}
	/* a parameter's symbol in many events is widened as outs are: past
	   256 events two elements below the parameter, past 512 one (a log
	   of p->a.b is then a log of p->a: more, never less); */
	int widen = s->events.n >= MAX_EVENTS / 16;
	uint64_t hm = 0;
	if (widen) {
		uint32_t none = eng_suffix(c->e, NULL, 0);
		const label *l = eng_lab(c->e, FK_LABEL(k->data));
		w = *k;
		widen_out(c, &none, &w.data, s->events.n >= MAX_EVENTS / 8 ? 1 : 2);
		/* and personal data forgets its owner record, which only tells
		   callers' consent checks on the same record apart (the guards
		   checked below are in the key already) */
		if (l->kind == L_DATA && l->c)
			w.data = FK(eng_label(c->e, L_DATA, l->a, l->b, 0), FK_TR(k->data));
		k = &w;
		eng_widened(c->e, c->fi, "its sink events");
		/* and events that differ only in their handles are one, with
		   the handles of both: a sink reached with a file here and a
		   socket there is then reached with either at both (more,
		   never less), and a function's events stop multiplying with
		   the handles its callers' structs hold */
		evkey nh = *k;
		nh.handles = 0;
		h = eng_mix(key_hash(&nh), 0x4a9d);
		if (!s->merged_ix)
			s->merged_ix = pf_map_new();
		while (pf_map_get(s->merged_ix, h, &i)) {
			event *ev = &s->events.v[i];
			nh.handles = ev->k.handles;
			if (key_eq(&ev->k, &nh)) {
				uint32_t hs = eng_set_widen(c->e, eng_set_union(c->e, ev->k.handles, k->handles));
				ev->sites = eng_union(c->e, ev->sites, sites);
				if (hs != ev->k.handles) {
					ev->k.handles = hs;
					s->version++;
					c->e->grew[late][2]++;
				}
				return;
			}
			h = eng_mix(h, 1);
		}
		hm = h;
	}
	h = key_hash(k);

	if (!s->event_ix)
		s->event_ix = pf_map_new();
	while (pf_map_get(s->event_ix, h, &i)) {
		event *ev = &s->events.v[i];
		if (key_eq(&ev->k, k)) {
			/* more sites are not a new summary: callers refer to
			   the event (VIA), and see its sites grow */
			ev->sites = eng_union(c->e, ev->sites, sites);
			return;
		}
		h = eng_mix(h, 1);
	}
	if (s->events.n >= MAX_EVENTS) {
		if (!s->truncated) {
			s->truncated = 1;
			eng_truncated(c->e, c->fi, "its summary reached the bound on sink events");
		}
		return;
	}
	event ev = {*k, sites};
	if (widen)
		pf_map_put(s->merged_ix, hm, (uint32_t)s->events.n);
	pf_map_put(s->event_ix, h, (uint32_t)s->events.n);
	pf_vec_push(&s->events, ev);
	s->version++;
	c->e->grew[late][1]++;
}

/* Records a complete event: one per key, its sites merged (a block
   visited again finds the same event with more sites, and each visit's
   graph contains the last one's). */
static void found_event(fctx *c, const evkey *k, uint32_t sites)
{
	funcinfo *info = c->info;
	uint64_t h = key_hash(k);
	uint32_t i;

	if (!info->found_ix)
		info->found_ix = pf_map_new();
	while (pf_map_get(info->found_ix, h, &i)) {
		cevent *ce = &info->found.v[i];
		if (key_eq(&ce->k, k)) {
			ce->sites = eng_union(c->e, ce->sites, sites);
			return;
		}
		h = eng_mix(h, 1);
	}
	pf_map_put(info->found_ix, h, (uint32_t)info->found.n);
	cevent ce = {*k, sites, c->fi};
	pf_vec_push(&info->found, ce);
}

static int elem_matches(pf_declid want, pf_declid have)
{
	if (want == have)
		return 1;
	if (!(want & PF_ELEM_INDEX) || !(have & PF_ELEM_INDEX))
		return 0;
	return want == PF_ELEM_ANY || have == PF_ELEM_ANY;
}

/* Whether suffixes a and b lie on one path (one a prefix of the other). */
static int sfx_compatible(const suffix *a, const suffix *b)
{
	unsigned n = a->n < b->n ? a->n : b->n;

	for (unsigned i = 0; i < n; i++)
		if (!elem_matches(a->e[i], b->e[i]))
			return 0;
	return 1;
}

/* Whether a caller may pass personal data at or around SYM l. */
static int relevant(fctx *c, const label *l)
{
	const suffix *s = eng_sfx(c->e, l->b);

	for (size_t i = 0; i < c->info->pd.n; i++)
		if (c->info->pd.v[i].param == l->a &&
		    sfx_compatible(eng_sfx(c->e, c->info->pd.v[i].sfx), s))
			return 1;
	return 0;
}

void eng_event(fctx *c, evkey k, uint32_t sites)
{
	eng *e = c->e;
	funcinfo *info = c->info;
	const label *dl = eng_lab(e, FK_LABEL(k.data));

	if (!c->emit || !e->events)
		return;
	if (!k.purpose)
		k.purpose = info->purpose;
	if (!k.binding)
		k.binding = info->binding;
	if (info->store && !k.store_annot) {
		k.store = eng_label(e, L_STR, info->store, 0, 0);
		k.store_annot = 1;
	}
	if (info->ncallers == 0 && k.store && !eng_label_concrete(e, k.store))
		k.store = 0; /* no caller will name it */
	if (e->nguards)
		eng_guard_bits(c, dl->kind == L_DATA ? dl->c : 0, &k.guard_ok, &k.guard_wrong);
	/* the handles known here, and those only callers can tell */
	uint32_t conc = 0, sym = 0;
	if (k.handles)
		eng_set_split(e, k.handles, &conc, &sym);
	if (sym && !conc && info->ncallers == 0 && (conc = eng_unknown_handles(e, k.data)))
		sym = 0; /* nothing is known of the handle and no caller will
		            tell: one of unknown origin (symbols beside a known
		            handle are the data the handle object holds) */
	if (dl->kind != L_SYM && (!k.handles || conc) && eng_label_concrete(e, k.store)) {
		uint32_t purpose = k.purpose ? k.purpose : k.binding;
		int g = eng_purpose_guard(e, purpose, k.sink);
		int unguarded = g >= 0 && !(k.guard_ok & (1u << g));
		/* complete, unless a caller can still give a purpose, or a
		   consent check the purpose needs */
		if (info->ncallers == 0 || (purpose && !unguarded) || (!purpose && !info->purpose_above)) {
			evkey done = k;
			done.handles = conc;
			found_event(c, &done, sites);
			if (!sym)
				return;
			k.handles = sym; /* the callers may still tell the rest */
		}
	}
	if (info->ncallers == 0)
		return; /* symbolic data never made concrete */
	if (dl->kind == L_SYM && !relevant(c, dl))
		return; /* no caller passes personal data there */
	sum_event(c, &k, sites);
}

/* --- instantiation at a call ---------------------------------------------------- */

/* The caller's path for an owner path of the callee: a parameter's path
   maps onto the argument's; a local one is unknown to the caller. */
static uint32_t owner_in_caller(fctx *c, const pf_insn *in, uint32_t owner)
{
	eng *e = c->e;
	const pf_path *op;

	if (!owner)
		return 0;
	op = eng_owner_def(e, owner);
	if (eng_is_program_global(e, op))
		return owner;
	if (op->base != PF_BASE_PARAM || op->var >= in->nargs || in->args[op->var].npaths != 1)
		return 0;
	pf_path p = in->args[op->var].paths[0];
	for (unsigned i = 0; i < op->depth && p.depth < PF_PATH_DEPTH; i++)
		p.field[p.depth++] = op->field[i];
	return eng_owner_path(e, &p);
}

/*
 * What the arguments of one call hold, read once per (argument, suffix,
 * mode): a callee's outs and events name the same few parameter paths
 * again and again, and nothing a call writes changes what its arguments
 * read until the call's writes are applied.
 */
typedef struct argread {
	uint32_t arg, sfx;
	int mode;
	size_t from, n;        /* in reads.v */
} argread;

typedef struct argreads {
	PF_VEC(argread) ix;
	pf_map *map;           /* hash -> index in ix, once ix is long (a
	                          callee of hundreds of outs on as many paths) */
	vtree reads;
} argreads;

#define ARGREADS_SCAN 16 /* entries looked through before a map is kept */

static void argreads_free(argreads *r)
{
	pf_vec_free(&r->ix);
	pf_map_free(r->map);
	pf_vec_free(&r->reads);
}

static uint64_t argread_hash(uint32_t k, uint32_t sfx, int mode)
{
	return eng_mix(eng_mix(eng_mix(0xa7ead, k), sfx), (uint64_t)mode);
}

static int argread_is(const argread *ar, uint32_t k, uint32_t sfx, int mode)
{
	return ar->arg == k && ar->sfx == sfx && ar->mode == mode;
}

static const argread *argread_find(const argreads *r, uint32_t k, uint32_t sfx, int mode)
{
	uint64_t h = argread_hash(k, sfx, mode);
	uint32_t i;

	if (!r->map) {
		for (size_t j = 0; j < r->ix.n; j++)
			if (argread_is(&r->ix.v[j], k, sfx, mode))
				return &r->ix.v[j];
		return NULL;
	}
	for (; pf_map_get(r->map, h, &i); h = eng_mix(h, 1))
		if (argread_is(&r->ix.v[i], k, sfx, mode))
			return &r->ix.v[i];
	return NULL;
}

/* Entry i of r->ix into r->map (each entry's key is its own). */
static void argread_index(argreads *r, size_t i)
{
	const argread *ar = &r->ix.v[i];
	uint64_t h = argread_hash(ar->arg, ar->sfx, ar->mode);

	while (pf_map_get(r->map, h, NULL))
		h = eng_mix(h, 1);
	pf_map_put(r->map, h, (uint32_t)i);
}

/* Appends to out what argument k of the call holds below suffix sfx in
   mode `mode`, read once per call (r). */
static void read_arg(fctx *c, vtree *out, const pf_insn *in, uint32_t k, uint32_t sfx, int mode,
                     argreads *r)
{
	const pf_rval *a = &in->args[k];
	const argread *got = argread_find(r, k, sfx, mode);
	const suffix *s;
	size_t from = out->n;

	if (got) {
		for (size_t j = 0; j < got->n; j++)
			pf_vec_push(out, r->reads.v[got->from + j]);
		return;
	}
	if ((s = eng_sfx(c->e, sfx))->n == 0) {
		eng_read_rval(c, out, a, a->loc.line ? a->loc : in->loc, mode);
	} else {
		for (uint32_t i = 0; i < a->npaths; i++) {
			pf_path p = a->paths[i];
			for (unsigned j = 0; j < s->n && p.depth < PF_PATH_DEPTH; j++)
				p.field[p.depth++] = s->e[j];
			eng_read(c, out, &p, in->loc, mode);
		}
	}
	argread ar = {k, sfx, mode, r->reads.n, out->n - from};
	for (size_t j = from; j < out->n; j++)
		pf_vec_push(&r->reads, out->v[j]);
	pf_vec_push(&r->ix, ar);
	if (r->map) {
		argread_index(r, r->ix.n - 1);
	} else if (r->ix.n > ARGREADS_SCAN) {
		r->map = pf_map_new();
		for (size_t i = 0; i < r->ix.n; i++)
			argread_index(r, i);
	}
}

/*
 * The caller's facts for callee fact (key, t) in mode `mode`: a symbol
 * becomes the argument's facts extended by its suffix (a tree, unless
 * collapsed); a concrete label stays (its owner translated). `via` is
 * the step the fact takes at the call (NULL: none); `sfx` is where below
 * the destination the callee's fact was. The arguments are read through
 * r, the call's reads.
 */
static void translate(fctx *c, vtree *out, const pf_insn *in, uint32_t callee, fkey key,
                      const pf_tnode *t, const char *via, uint32_t sfx, int mode,
                      const char *passed, argreads *r)
{
	eng *e = c->e;
	const label *l = eng_lab(e, FK_LABEL(key));

	if (l->kind != L_SYM) {
		vfact f = {sfx, key, t};
		if (l->kind == L_DATA && via)
			f.t = eng_step(e, f.t, in->use, via);
		if (l->kind == L_DATA && l->c)
			f.key = FK(eng_label(e, L_DATA, l->a, l->b, owner_in_caller(c, in, l->c)),
			           FK_TR(key));
		pf_vec_push(out, f);
		return;
	}
	const pf_func *cf = &e->prog->funcs.v[callee];
	uint32_t first = l->a, last = l->a + 1;
	size_t from = out->n;
	/* a widened handle: whatever lies below the argument's path, and
	   the caller's own symbols found there stand for what lies below
	   them */
	int deep = mode == R_HANDLE && (l->c & SYM_DEEP);
	if (deep)
		mode = R_WHOLE;

	if (l->a == SYM_VARARGS) {
		first = cf->nparams;
		last = in->nargs;
	}
	for (uint32_t k = first; k < last && k < in->nargs; k++)
		read_arg(c, out, in, k, l->b, mode, r);
	/* place the facts below `sfx`, and join the traces */
	const suffix *base = eng_sfx(e, sfx);
	for (size_t i = from; i < out->n; i++) {
		vfact *f = &out->v[i];
		int kind = eng_lab(e, FK_LABEL(f->key))->kind;
		if (base->n) {
			const suffix *rel = eng_sfx(e, f->sfx);
			pf_declid el[2 * PF_PATH_DEPTH];
			unsigned n = 0;
			for (unsigned j = 0; j < base->n; j++)
				el[n++] = base->e[j];
			for (unsigned j = 0; j < rel->n; j++)
				el[n++] = rel->e[j];
			f->sfx = eng_suffix(e, el, n > PF_PATH_DEPTH ? PF_PATH_DEPTH : n);
		}
		f->key |= FK_TR(key);
		if (deep && kind == L_SYM) {
			const label *fl = eng_lab(e, FK_LABEL(f->key));
			if (fl->a != SYM_VARARGS)
				f->key = FK(eng_label(e, L_SYM, fl->a, fl->b, SYM_DEEP), FK_TR(f->key));
		}
		if (eng_traced(e, kind)) {
			f->t = eng_concat(e, eng_step(e, f->t, in->use, passed), t);
			if (via)
				f->t = eng_step(e, f->t, in->use, via);
		}
	}
}

static int is_data_key(const eng *e, fkey k)
{
	int kind = eng_lab(e, FK_LABEL(k))->kind;
	return kind == L_DATA || kind == L_SYM;
}

/*
 * A call's instantiated outs, kept for the next visit of the call in a
 * loop: when the callee's summary and what the arguments hold are what
 * they were, the same writes are made again without translating and
 * tracing every out anew.
 */
typedef struct callmemo {
	uint64_t key;          /* insn, callee */
	uint32_t version;      /* of the callee's summary */
	uint64_t inputs;       /* hash of what the arguments held */
	vtree ret;
	vtree *args;           /* per argument */
	uint32_t nargs;
} callmemo;

void eng_memos_free(fctx *c)
{
	for (size_t i = 0; i < c->memos.n; i++) {
		callmemo *m = c->memos.v[i];
		pf_vec_free(&m->ret);
		for (uint32_t k = 0; k < m->nargs; k++)
			pf_vec_free(&m->args[k]);
		pf_free(m->args);
		pf_free(m);
	}
	pf_vec_free(&c->memos);
	pf_map_free(c->memo_ix);
}

/* The memo of this call (created empty), NULL if the summary writes
   globals (those writes are not kept). */
static callmemo *memo_of(fctx *c, const pf_insn *in, uint32_t ci, const summary *s)
{
	uint64_t key = eng_mix(eng_mix(0xca11, (uint64_t)(in - c->f->insns)), ci), h = key;
	uint32_t i;

	if (s->global_outs)
		return NULL;
	if (!c->memo_ix)
		c->memo_ix = pf_map_new();
	while (pf_map_get(c->memo_ix, h, &i)) {
		if (c->memos.v[i]->key == key)
			return c->memos.v[i];
		h = eng_mix(h, 1);
	}
	callmemo *m = pf_calloc(1, sizeof(*m));
	m->key = key;
	m->version = UINT32_MAX;
	m->nargs = in->nargs;
	m->args = pf_calloc(in->nargs ? in->nargs : 1, sizeof(vtree));
	pf_map_put(c->memo_ix, h, (uint32_t)c->memos.n);
	pf_vec_push(&c->memos, m);
	return m;
}

/* What the arguments hold, as a hash (facts, not traces). */
static uint64_t inputs_hash(fctx *c, const pf_insn *in)
{
	uint64_t h = 0x1b9u;
	vtree v = {0};

	for (uint32_t k = 0; k < in->nargs; k++) {
		v.n = 0;
		eng_read_rval(c, &v, &in->args[k], in->loc, R_TREE);
		h = eng_mix(h, 0xa5a5u + k);
		for (size_t i = 0; i < v.n; i++)
			h = eng_mix(eng_mix(h, v.v[i].sfx), v.v[i].key);
	}
	pf_vec_free(&v);
	return h;
}

/* The writes of an instantiated call. */
static void apply_outs(fctx *c, const pf_insn *in, const vtree *ret, const vtree *args)
{
	for (uint32_t k = 0; k < in->nargs; k++) {
		const pf_rval *a = &in->args[k];
		if (!args[k].n)
			continue;
		for (uint32_t i = 0; i < a->npaths; i++)
			eng_write(c, &a->paths[i], &args[k], 0);
	}
	if (in->dst.base != PF_BASE_NONE && ret->n)
		eng_write(c, &in->dst, ret, in->strong);
}

/* What a caller's trace says of a call to ci: formatted once per
   callee (past its eighth argument, at each call), not at each call of
   each analysis. */
static const char *call_note(eng *e, uint32_t ci, unsigned which)
{
	const size_t nkept = sizeof(e->fi[ci].notes) / sizeof(e->fi[ci].notes[0]);
	const char *kept = which < nkept ? e->fi[ci].notes[which] : NULL, *cname, *n;

	if (kept)
		return kept;
	cname = eng_fname(e, ci);
	switch (which) {
	case NOTE_PASSED: n = eng_note(e, "passed to %s()", cname); break;
	case NOTE_RETURNED: n = eng_note(e, "returned from %s()", cname); break;
	case NOTE_GLOBAL: n = eng_note(e, "stored in a global by %s()", cname); break;
	default: n = eng_note(e, "written by %s() to its argument %u", cname, which - NOTE_ARG + 1);
	}
	if (which < nkept)
		e->fi[ci].notes[which] = n;
	return n;
}

static void call_outs(fctx *c, const pf_insn *in, uint32_t ci, const summary *s)
{
	eng *e = c->e;
	const char *passed = NULL;
	callmemo *m;
	uint64_t inputs;
	vtree ret = {0}, out = {0}, *args;
	argreads rd = {0};

	if (!s->outs.n)
		return;
	m = memo_of(c, in, ci, s);
	inputs = m ? inputs_hash(c, in) : 0;
	if (m && m->version == s->version && m->inputs == inputs) {
		apply_outs(c, in, &m->ret, m->args);
		return;
	}
	args = pf_calloc(in->nargs ? in->nargs : 1, sizeof(vtree));
	passed = call_note(e, ci, NOTE_PASSED);
	for (size_t i = 0; i < s->outs.n; i++) {
		const sfact oc = s->outs.v[i], *o = &oc; /* a copy, as in call_events */
		switch (o->base) {
		case OUT_RET:
			if (in->dst.base == PF_BASE_NONE)
				break;
			translate(c, &ret, in, ci, o->key, o->t, call_note(e, ci, NOTE_RETURNED), o->sfx,
			          R_TREE, passed, &rd);
			break;
		case OUT_PARAM: {
			if (o->var >= in->nargs)
				break;
			translate(c, &args[o->var], in, ci, o->key, o->t, call_note(e, ci, NOTE_ARG + o->var),
			          o->sfx, R_TREE, passed, &rd);
			break;
		}
		case OUT_GLOBAL: {
			/* only personal data (and symbols, for the callers) are
			   carried into globals, not every handle and string */
			out.n = 0;
			translate(c, &out, in, ci, o->key, o->t,
			          call_note(e, ci, NOTE_GLOBAL), o->sfx, R_TREE, passed, &rd);
			size_t k = 0;
			for (size_t j = 0; j < out.n; j++)
				if (is_data_key(e, out.v[j].key))
					out.v[k++] = out.v[j];
			out.n = k;
			eng_write(c, pf_itab_at(e->gslots, o->var & ~GSLOT), &out, 0);
			break;
		}
		default:
			break;
		}
	}
	eng_drop_text(e, &ret, 0, eng_decl(e, e->prog->funcs.v[ci].decl));
	apply_outs(c, in, &ret, args);
	if (m) {
		m->version = s->version;
		m->inputs = inputs;
		pf_vec_free(&m->ret);
		m->ret = ret;
		for (uint32_t k = 0; k < in->nargs; k++) {
			pf_vec_free(&m->args[k]);
			m->args[k] = args[k];
		}
	} else {
		pf_vec_free(&ret);
		for (uint32_t k = 0; k < in->nargs; k++)
			pf_vec_free(&args[k]);
	}
	pf_free(args);
	pf_vec_free(&out);
	argreads_free(&rd);
}

static void call_erasures(fctx *c, const pf_insn *in, const summary *s)
{
	eng *e = c->e;

	for (uint32_t k = 0; s->erase_params && k < 32 && k < in->nargs; k++) {
		if (!(s->erase_params & (1u << k)))
			continue;
		vtree af = {0};
		eng_read_rval(c, &af, &in->args[k], in->loc, R_HANDLE);
		for (size_t i = 0; i < af.n; i++) {
			const label *l = eng_lab(e, FK_LABEL(af.v[i].key));
			int erase;
			uint32_t st;
			/* a DELETE statement, or a path (the parameter was unlinked) */
			if (l->kind == L_STR && (st = eng_store_name(e, eng_cstr(e, l->a), &erase)) &&
			    (erase || strchr(eng_cstr(e, st), '/')))
				eng_add_erase(e, c->fi, st);
			if (l->kind == L_SYM && l->a < 32 && eng_sfx(e, l->b)->n == 0 &&
			    !(c->sum->erase_params & (1u << l->a))) {
				c->sum->erase_params |= 1u << l->a;
				c->sum->version++;
			}
		}
		pf_vec_free(&af);
	}
}

static void call_events(fctx *c, const pf_insn *in, uint32_t ci, const summary *s)
{
	eng *e = c->e;
	const char *cname = eng_fname(e, ci);
	const char *passed = call_note(e, ci, NOTE_PASSED);
	/* the caller's handle set of each callee handle set and sink kind:
	   events share a few sets, and each has a label per path the handle
	   may be */
	pf_map *hsets = s->events.n > 1 ? pf_map_new() : NULL;
	PF_VEC(struct hmemo { uint32_t handles; int32_t sink; uint32_t set; }) hmemo = {0};
	argreads rd = {0};

	for (size_t i = 0; i < s->events.n; i++) {
		/* a copy: in a recursive call, s is the summary being built,
		   and the events recorded below may move its array */
		const event evc = s->events.v[i], *ev = &evc;
		const label *dl = eng_lab(e, FK_LABEL(ev->k.data));
		int varargs = dl->kind == L_SYM && dl->a == SYM_VARARGS;
		vtree data = {0}, handles = {0};
		uint32_t store = ev->k.store, hset = 0;

		translate(c, &data, in, ci, ev->k.data, NULL, NULL, eng_suffix(e, NULL, 0),
		          R_WHOLE | (ev->k.received ? R_DECLARED : 0), passed, &rd);
		if (ev->k.handles) {
			uint64_t hk = eng_mix(ev->k.handles, (uint64_t)(int64_t)ev->k.sink);
			uint32_t m;
			int known = 0;
			while (hsets && !known && pf_map_get(hsets, hk, &m)) {
				known = hmemo.v[m].handles == ev->k.handles && hmemo.v[m].sink == ev->k.sink;
				hset = hmemo.v[m].set;
				hk = eng_mix(hk, 1);
			}
			if (!known) {
				size_t nh;
				const fkey *h = eng_set_keys(e, ev->k.handles, &nh);
				for (size_t j = 0; j < nh; j++)
					translate(c, &handles, in, ci, h[j], NULL, NULL, eng_suffix(e, NULL, 0),
					          R_HANDLE, passed, &rd);
				hset = eng_handle_set(e, &handles, ev->k.sink);
				if (hsets) {
					struct hmemo hm = {ev->k.handles, ev->k.sink, hset};
					pf_map_put(hsets, hk, (uint32_t)hmemo.n);
					pf_vec_push(&hmemo, hm);
				}
			}
			if (!hset) {
				/* the caller's handle is nothing this sink takes: a
				   write of unknown kind, for the data that matters
				   there (nothing comes in from an unknown channel) */
				size_t keep = 0;
				for (size_t d = 0; d < data.n && !ev->k.received; d++)
					if (eng_unknown_handles(e, data.v[d].key))
						data.v[keep++] = data.v[d];
				data.n = keep;
			}
			if (!hset && !data.n) {
				pf_vec_free(&data);
				pf_vec_free(&handles);
				continue;
			}
		}
		if (store && eng_lab(e, store)->kind == L_SYM) {
			vtree sf = {0};
			translate(c, &sf, in, ci, FK(store, 0), NULL, NULL, eng_suffix(e, NULL, 0), R_HANDLE,
			          passed, &rd);
			store = eng_pick_store(c, &sf, 1);
			pf_vec_free(&sf);
		}
		for (size_t d = 0; d < data.n; d++) {
			if (!is_data_key(e, data.v[d].key))
				continue;
			/* the data's trace in the caller, up to the call */
			const pf_tnode *t = eng_step(e, data.v[d].t, in->use, passed);
			uint32_t sites = varargs
			        /* a variadic wrapper is the sink: its call is the site */
			        ? eng_site(e, eng_concat(e, t, eng_gnode(e, ev->sites)->best), in->use, c->fi,
			                   eng_str(e, cname))
			        : eng_via(e, t, ci, (uint32_t)i);
			evkey k = ev->k;
			k.data = data.v[d].key;
			k.store = store;
			k.handles = hset || !ev->k.handles ? hset : eng_unknown_handles(e, k.data);
			eng_event(c, k, sites);
		}
		pf_vec_free(&data);
		pf_vec_free(&handles);
	}
	pf_map_free(hsets);
	pf_vec_free(&hmemo);
	argreads_free(&rd);
}

/* Adds an edge to the function's, once. */
static void add_edge(funcinfo *fi, const cedge *ed)
{
	uint64_t h = eng_mix(eng_mix(eng_mix(eng_mix(eng_mix(0xed9e, ed->callee), ed->param), ed->sfx),
	                             ed->from_param), ed->from_sfx);
	uint32_t i;

	if (!fi->edge_ix)
		fi->edge_ix = pf_map_new();
	while (pf_map_get(fi->edge_ix, h, &i)) {
		const cedge *o = &fi->edges.v[i];
		if (o->callee == ed->callee && o->param == ed->param && o->sfx == ed->sfx &&
		    o->from_param == ed->from_param && o->from_sfx == ed->from_sfx)
			return;
		h = eng_mix(h, 1);
	}
	pf_map_put(fi->edge_ix, h, (uint32_t)fi->edges.n);
	pf_vec_push(&fi->edges, *ed);
}

/* The first pass's record of a call: which of the callee's parameter
   paths receive personal data, or one of the caller's own symbols. */
static void call_edges(fctx *c, const pf_insn *in, uint32_t ci)
{
	eng *e = c->e;
	const pf_func *cf = &e->prog->funcs.v[ci];
	vtree v = {0};

	for (uint32_t k = 0; k < in->nargs; k++) {
		v.n = 0;
		eng_read_rval(c, &v, &in->args[k], in->loc, R_TREE);
		uint32_t param = k < cf->nparams ? k : SYM_VARARGS;
		for (size_t i = 0; i < v.n; i++) {
			const label *l = eng_lab(e, FK_LABEL(v.v[i].key));
			cedge ed = {ci, param, v.v[i].sfx, UINT32_MAX, 0};
			if (l->kind == L_SYM) {
				ed.from_param = l->a;
				ed.from_sfx = l->b;
			} else if (l->kind != L_DATA) {
				continue;
			}
			add_edge(c->info, &ed);
		}
	}
	pf_vec_free(&v);
}

void eng_call_summary(fctx *c, const pf_insn *in, uint32_t ci)
{
	const summary *s = &c->e->fi[ci].sum;

	/* the callee's events read what its parameters held when it was
	   called: what it writes to them itself, it has seen inside */
	if (c->emit && c->e->events)
		call_events(c, in, ci, s);
	call_outs(c, in, ci, s);
	call_erasures(c, in, s);
	if (c->emit && !c->e->events)
		call_edges(c, in, ci);
}

/*
 * Adds (param, sfx) to what may hold personal data in fi, unless an entry
 * on the same path covers it. Past MAX_PD paths of one parameter, the
 * parameter is relevant whole: relevance only prunes, saying more costs
 * time, never a flow, and the pass stays linear.
 */
static int pd_add(eng *e, funcinfo *fi, uint32_t param, uint32_t sfx)
{
	const suffix *s = eng_sfx(e, sfx);
	size_t same = 0, k = 0;

	for (size_t i = 0; i < fi->pd.n; i++) {
		if (fi->pd.v[i].param != param)
			continue;
		const suffix *o = eng_sfx(e, fi->pd.v[i].sfx);
		/* a shorter entry on the same path already covers it */
		if (o->n <= s->n && sfx_compatible(o, s))
			return 0;
		same++;
	}
	if (same >= MAX_PD) {
		for (size_t i = 0; i < fi->pd.n; i++)
			if (fi->pd.v[i].param != param)
				fi->pd.v[k++] = fi->pd.v[i];
		fi->pd.n = k;
		sfx = eng_suffix(e, NULL, 0);
	}
	pdent p = {param, sfx};
	pf_vec_push(&fi->pd, p);
	return 1;
}

void eng_relevance(eng *e)
{
	size_t nf = e->prog->funcs.n;
	u32vec work = {0};
	uint8_t *queued = pf_calloc(nf ? nf : 1, 1);

	/* personal data passed to a parameter makes that path relevant */
	for (uint32_t f = 0; f < nf; f++)
		for (size_t i = 0; i < e->fi[f].edges.n; i++) {
			const cedge *ed = &e->fi[f].edges.v[i];
			if (ed->from_param == UINT32_MAX && pd_add(e, &e->fi[ed->callee], ed->param, ed->sfx) &&
			    !queued[ed->callee]) {
				queued[ed->callee] = 1;
				pf_vec_push(&work, ed->callee);
			}
		}
	/* and so does a relevant path of the caller passed on */
	while (work.n) {
		uint32_t f = work.v[--work.n];
		funcinfo *fi = &e->fi[f];
		queued[f] = 0;
		for (size_t i = 0; i < fi->edges.n; i++) {
			const cedge *ed = &fi->edges.v[i];
			if (ed->from_param == UINT32_MAX)
				continue;
			const suffix *from = eng_sfx(e, ed->from_sfx);
			for (size_t j = 0; j < fi->pd.n; j++) {
				const suffix *p = eng_sfx(e, fi->pd.v[j].sfx);
				uint32_t to = ed->sfx;
				if (fi->pd.v[j].param != ed->from_param || !sfx_compatible(p, from))
					continue;
				if (p->n > from->n) {
					/* only a part of what is passed may hold data: the
					   callee's path is the edge's extended by that part */
					const suffix *base = eng_sfx(e, ed->sfx);
					pf_declid el[2 * PF_PATH_DEPTH];
					unsigned n = 0;
					for (unsigned z = 0; z < base->n; z++)
						el[n++] = base->e[z];
					for (unsigned z = from->n; z < p->n; z++)
						el[n++] = p->e[z];
					to = eng_suffix(e, el, n > PF_PATH_DEPTH ? PF_PATH_DEPTH : n);
				}
				if (pd_add(e, &e->fi[ed->callee], ed->param, to) && !queued[ed->callee]) {
					queued[ed->callee] = 1;
					pf_vec_push(&work, ed->callee);
				}
			}
		}
	}
	pf_vec_free(&work);
	pf_free(queued);
}

void eng_summary_free(summary *s)
{
	pf_vec_free(&s->outs);
	pf_vec_free(&s->events);
	pf_map_free(s->event_ix);
	pf_map_free(s->merged_ix);
	pf_map_free(s->out_ix);
}
