/*
 * The call graph. Function pointers are resolved first by a flow-
 * insensitive fixpoint: for every variable, parameter, return value and
 * struct field, the functions whose address may be stored in it, anywhere
 * in the program (assignments, initialisers, arguments, returns). Fields
 * are field-based: one set per field declaration. A call through a
 * pointer reaches every function of its set that can take its arguments.
 * Then the call graph's strongly connected components (Tarjan), callees
 * first, each with its level (the longest chain of components below it):
 * the components of one level can be analysed at once.
 */
#include <string.h>

#include "eng_p.h"

/* The cell of a location: its last field (array elements share their
   array's cell), else its variable; 0 for none. */
static uint64_t vcell_key(const eng *e, uint32_t fidx, const pf_path *p)
{
	for (unsigned i = p->depth; i > 0; i--)
		if (!eng_path_is_index(p->field[i - 1]))
			return eng_mix(eng_mix(1, e->fi[fidx].unit), p->field[i - 1]);
	switch (p->base) {
	case PF_BASE_GLOBAL: return eng_mix(2, p->var);
	case PF_BASE_LOCAL: return eng_mix(eng_mix(3, fidx), p->var);
	case PF_BASE_PARAM: return eng_mix(eng_mix(4, fidx), p->var);
	case PF_BASE_RET: return eng_mix(5, fidx);
	default: return 0;
	}
}

static vcell *vcell_get(eng *e, uint64_t key)
{
	uint32_t id;

	if (!key)
		return NULL;
	if (!pf_map_get(e->vcell_ids, key, &id)) {
		vcell c = {0};
		pf_vec_push(&e->vcells, c);
		id = (uint32_t)e->vcells.n - 1;
		pf_map_put(e->vcell_ids, key, id);
	}
	return &e->vcells.v[id];
}

/* The cell of `key` if there is one (thread-safe once resolved). */
static const vcell *vcell_find(const eng *e, uint64_t key)
{
	uint32_t id;

	return key && pf_map_get(e->vcell_ids, key, &id) ? &e->vcells.v[id] : NULL;
}

static int vcell_add(vcell *c, pf_declid fn)
{
	for (size_t i = 0; i < c->funcs.n; i++)
		if (c->funcs.v[i] == fn)
			return 0;
	pf_vec_push(&c->funcs, fn);
	return 1;
}

static int vcell_flow(eng *e, uint64_t dst, uint64_t src)
{
	const vcell *s = vcell_find(e, src);
	vcell *d;
	size_t si;
	int changed = 0;

	if (!dst || !src || dst == src || !s || !s->funcs.n)
		return 0;
	si = (size_t)(s - e->vcells.v);
	d = vcell_get(e, dst);
	s = &e->vcells.v[si]; /* creating d may have moved the cells */
	for (size_t i = 0; i < s->funcs.n; i++)
		changed |= vcell_add(d, s->funcs.v[i]);
	return changed;
}

static int vcell_from_rval(eng *e, uint64_t dst, uint32_t fidx, const pf_rval *rv)
{
	int changed = 0;

	if (!dst)
		return 0;
	if (rv->flags & PF_RV_FUNC)
		changed |= vcell_add(vcell_get(e, dst), rv->func);
	for (uint32_t i = 0; i < rv->npaths; i++)
		changed |= vcell_flow(e, dst, vcell_key(e, fidx, &rv->paths[i]));
	return changed;
}

/* The record type an argument is (or points to), or 0 if unknown. */
static pf_sym arg_record(const eng *e, const pf_func *f, const pf_rval *a)
{
	const pf_path *p;
	pf_declid d = 0;

	if (a->npaths != 1)
		return 0;
	p = &a->paths[0];
	for (unsigned i = p->depth; i > 0 && !d; i--)
		if (!eng_path_is_index(p->field[i - 1]))
			d = p->field[i - 1];
	if (!d) {
		if (p->base == PF_BASE_LOCAL && p->var < f->nlocals)
			d = f->locals[p->var];
		else if (p->base == PF_BASE_PARAM && p->var < f->nparams)
			d = f->params[p->var];
		else if (p->base == PF_BASE_GLOBAL)
			d = p->var;
	}
	return d ? eng_decl(e, d)->record : 0;
}

/*
 * How well fn fits the arguments of call `in` in function f: 0 it cannot
 * take them (fewer or more, unless variadic), 1 it can but some argument
 * is a struct of another type than its parameter's, 2 it fits.
 */
static int fit(const eng *e, const pf_func *f, const pf_insn *in, pf_declid fn)
{
	const pf_decl *fd = eng_decl(e, fn);
	const pf_func *cf;

	if (fd->nparams != in->nargs && !(fd->flags & PF_DF_VARIADIC && in->nargs >= fd->nparams))
		return 0;
	if (!(cf = pf_program_func_of(e->prog, fn)))
		return 2;
	for (uint32_t k = 0; k < in->nargs && k < cf->nparams; k++) {
		pf_sym want = eng_decl(e, cf->params[k])->record, have;
		if (want && (have = arg_record(e, f, &in->args[k])) && have != want)
			return 1;
	}
	return 2;
}

/*
 * Functions a call may reach: its direct callee, or the pointer's set.
 * A pointer cell is one set per field, so it can hold functions stored
 * there by another program of the build or through a cast: those that
 * cannot take the arguments are no targets, and when some target's
 * parameters have the arguments' struct types, the ones whose do not
 * are none either (instantiated, they would write one struct's fields
 * into another). When none has, the code casts, and all are kept.
 */
size_t eng_call_targets(eng *e, uint32_t fidx, const pf_insn *in, pf_declid *out, size_t max)
{
	const pf_func *f = &e->prog->funcs.v[fidx];
	uint8_t fits[MAX_TARGETS];
	size_t n = 0, m = 0;
	int best = 0;

	if (in->callee) {
		out[n++] = in->callee;
		return n;
	}
	if (max > MAX_TARGETS)
		max = MAX_TARGETS;
	if ((in->fptr.flags & PF_RV_FUNC) && n < max) {
		fits[n] = 2;
		out[n++] = in->fptr.func;
	}
	for (uint32_t i = 0; i < in->fptr.npaths; i++) {
		const vcell *c = vcell_find(e, vcell_key(e, fidx, &in->fptr.paths[i]));
		for (size_t k = 0; c && k < c->funcs.n && n < max; k++) {
			size_t j = 0;
			int how = fit(e, f, in, c->funcs.v[k]);
			if (!how)
				continue;
			while (j < n && out[j] != c->funcs.v[k])
				j++;
			if (j == n) {
				fits[n] = (uint8_t)how;
				out[n++] = c->funcs.v[k];
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		best = fits[i] > best ? fits[i] : best;
	for (size_t i = 0; i < n; i++)
		if (fits[i] == best)
			out[m++] = out[i];
	return m;
}

void eng_resolve_pointers(eng *e)
{
	const pf_program *p = e->prog;

	for (int round = 0; round < 32; round++) {
		int changed = 0;
		for (uint32_t fi = 0; fi < p->funcs.n; fi++) {
			const pf_func *f = &p->funcs.v[fi];
			for (uint32_t k = 0; k < f->ninsns; k++) {
				const pf_insn *in = &f->insns[k];
				if (in->op == PF_OP_ASSIGN) {
					changed |= vcell_from_rval(e, vcell_key(e, fi, &in->dst), fi, &in->src);
				} else if (in->op == PF_OP_RETURN) {
					pf_path ret = {.base = PF_BASE_RET};
					changed |= vcell_from_rval(e, vcell_key(e, fi, &ret), fi, &in->src);
				} else if (in->op == PF_OP_CALL) {
					pf_declid tg[MAX_TARGETS];
					size_t nt = eng_call_targets(e, fi, in, tg, MAX_TARGETS);
					for (size_t t = 0; t < nt; t++) {
						const pf_func *cf = pf_program_func_of(p, tg[t]);
						if (!cf)
							continue;
						uint32_t ci = (uint32_t)(cf - p->funcs.v);
						for (uint32_t a = 0; a < in->nargs && a < cf->nparams; a++) {
							pf_path pp = {.base = PF_BASE_PARAM, .var = a};
							changed |= vcell_from_rval(e, vcell_key(e, ci, &pp), fi, &in->args[a]);
						}
						pf_path ret = {.base = PF_BASE_RET};
						if (in->dst.base != PF_BASE_NONE)
							changed |= vcell_flow(e, vcell_key(e, fi, &in->dst),
							                      vcell_key(e, ci, &ret));
					}
				}
			}
		}
		if (!changed)
			break;
	}
}

void eng_build_callgraph(eng *e)
{
	const pf_program *p = e->prog;
	pf_map *bound_of = pf_map_new(); /* file -> the purpose bound to it */

	for (uint32_t fi = 0; fi < p->funcs.n; fi++) {
		const pf_func *f = &p->funcs.v[fi];
		funcinfo *info = &e->fi[fi];
		const pf_decl *fd = eng_decl(e, f->decl);
		const char *purpose = eng_annot(e, fd, "purpose");
		uint32_t bound;

		info->purpose = purpose ? eng_str(e, purpose) : 0;
		info->store = eng_str(e, eng_annot(e, fd, "store"));
		if (eng_annot(e, fd, "erases"))
			eng_add_erase(e, fi, eng_str(e, eng_annot(e, fd, "erases")));
		if (!pf_map_get(bound_of, f->loc.file, &bound)) {
			bound = eng_str(e, e->pol ? pf_policy_bound_purpose(e->pol, eng_pstr(e, f->loc.file))
			                          : NULL);
			pf_map_put(bound_of, f->loc.file, bound);
		}
		info->binding = bound;
		for (uint32_t k = 0; k < f->ninsns; k++) {
			const pf_insn *in = &f->insns[k];
			pf_declid tg[MAX_TARGETS];
			size_t nt;

			if (in->op != PF_OP_CALL)
				continue;
			nt = eng_call_targets(e, fi, in, tg, MAX_TARGETS);
			for (size_t t = 0; t < nt; t++) {
				const pf_func *cf = pf_program_func_of(p, tg[t]);
				if (!cf || eng_spec(e, tg[t]))
					continue;
				uint32_t ci = (uint32_t)(cf - p->funcs.v);
				size_t j = 0;
				while (j < info->callees.n && info->callees.v[j] != ci)
					j++;
				if (j < info->callees.n)
					continue;
				pf_vec_push(&info->callees, ci);
				if (ci != fi)
					e->fi[ci].ncallers++;
			}
		}
	}
	pf_map_free(bound_of);
}

static void gread_add(funcinfo *fi, gref r)
{
	for (size_t i = 0; i < fi->gread.n; i++)
		if (fi->gread.v[i].var == r.var && fi->gread.v[i].elem == r.elem)
			return;
	pf_vec_push(&fi->gread, r);
}

static void rval_globals(const eng *e, funcinfo *fi, const pf_rval *rv)
{
	for (uint32_t i = 0; i < rv->npaths; i++)
		if (eng_is_program_global(e, &rv->paths[i]))
			gread_add(fi, (gref){rv->paths[i].var, eng_global_read_elem(e, &rv->paths[i])});
}

/* The program globals each function reads (its own code's paths): when
   one of them changes, the function is analysed again. */
static void find_global_readers(eng *e)
{
	for (uint32_t fi = 0; fi < e->prog->funcs.n; fi++) {
		const pf_func *f = &e->prog->funcs.v[fi];
		for (uint32_t k = 0; k < f->ninsns; k++) {
			const pf_insn *in = &f->insns[k];
			rval_globals(e, &e->fi[fi], &in->src);
			rval_globals(e, &e->fi[fi], &in->fptr);
			for (uint32_t a = 0; a < in->nargs; a++)
				rval_globals(e, &e->fi[fi], &in->args[a]);
		}
	}
}

/* Tarjan's algorithm, iterative; emits SCCs callees-first into order
   with -1 separators. */
static void tarjan(eng *e, u32vec *order)
{
	uint32_t nf = (uint32_t)e->prog->funcs.n;
	u32vec stack = {0};
	struct frame { uint32_t v, next; };
	PF_VEC(struct frame) call = {0};
	int index = 0;

	for (uint32_t i = 0; i < nf; i++)
		e->fi[i].index = -1;
	for (uint32_t root = 0; root < nf; root++) {
		if (e->fi[root].index >= 0)
			continue;
		struct frame fr0 = {root, 0};
		pf_vec_push(&call, fr0);
		e->fi[root].index = e->fi[root].low = index++;
		pf_vec_push(&stack, root);
		e->fi[root].onstack = 1;
		while (call.n) {
			struct frame *fr = &call.v[call.n - 1];
			funcinfo *vi = &e->fi[fr->v];
			if (fr->next < vi->callees.n) {
				uint32_t w = vi->callees.v[fr->next++];
				funcinfo *wi = &e->fi[w];
				if (wi->index < 0) {
					wi->index = wi->low = index++;
					pf_vec_push(&stack, w);
					wi->onstack = 1;
					struct frame nf2 = {w, 0};
					pf_vec_push(&call, nf2);
				} else if (wi->onstack && wi->index < vi->low) {
					vi->low = wi->index;
				}
				continue;
			}
			if (vi->low == vi->index) {
				uint32_t w;
				do {
					w = stack.v[--stack.n];
					e->fi[w].onstack = 0;
					pf_vec_push(order, w);
				} while (w != fr->v);
				pf_vec_push(order, UINT32_MAX);
			}
			uint32_t v = fr->v;
			call.n--;
			if (call.n) {
				funcinfo *pi = &e->fi[call.v[call.n - 1].v];
				if (e->fi[v].low < pi->low)
					pi->low = e->fi[v].low;
			}
		}
	}
	pf_vec_free(&stack);
	pf_vec_free(&call);
}


/*
 * The components callees first (order: each ended by UINT32_MAX; starts:
 * where each begins) and the level of each: 0 for a component that calls
 * no other, else one more than the highest level it calls.
 */
void eng_components(eng *e, u32vec *order, u32vec *starts, u32vec *levels)
{
	size_t nf = e->prog->funcs.n, ncomp = 0;

	find_global_readers(e);
	tarjan(e, order);
	for (size_t i = 0, start = 0; i < order->n; i++) {
		if (order->v[i] != UINT32_MAX)
			continue;
		for (size_t k = start; k < i; k++)
			e->fi[order->v[k]].scc = (uint32_t)ncomp;
		pf_vec_push(starts, (uint32_t)start);
		ncomp++;
		start = i + 1;
	}
	/* components are in reverse topological order: callees come first,
	   so one pass computes the levels */
	for (size_t c = 0; c < ncomp; c++) {
		uint32_t lv = 0;
		for (size_t k = starts->v[c]; order->v[k] != UINT32_MAX; k++) {
			const funcinfo *fi = &e->fi[order->v[k]];
			for (size_t j = 0; j < fi->callees.n; j++) {
				uint32_t cc = e->fi[fi->callees.v[j]].scc;
				if (cc != c && levels->v[cc] + 1 > lv)
					lv = levels->v[cc] + 1;
			}
		}
		pf_vec_push(levels, lv);
	}
	(void)nf;
}

/*
 * Which functions may still get a purpose from a caller: those some
 * function with a purpose of its own (an annotation, a policy binding)
 * reaches. Below the others, an event without a purpose is complete at
 * once: passing it up would only carry it to the roots.
 */
void eng_purpose_context(eng *e)
{
	size_t nf = e->prog->funcs.n;
	u32vec stack = {0};

	for (uint32_t f = 0; f < nf; f++)
		if (e->fi[f].purpose || e->fi[f].binding)
			pf_vec_push(&stack, f);
	while (stack.n) {
		uint32_t f = stack.v[--stack.n];
		for (size_t i = 0; i < e->fi[f].callees.n; i++) {
			uint32_t g = e->fi[f].callees.v[i];
			if (!e->fi[g].purpose_above) {
				e->fi[g].purpose_above = 1;
				pf_vec_push(&stack, g);
			}
		}
	}
	pf_vec_free(&stack);
}
