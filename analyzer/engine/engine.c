/*
 * The engine's entry point: builds the shared tables, classifies sources,
 * resolves function pointers, builds the call graph and its components,
 * then analyses the components bottom-up, level by level (a component
 * only reads the summaries of the levels below it and of itself).
 * Program-wide globals are read from the previous level's state and
 * written into the next; rounds repeat while the globals grow. Finally
 * the events found become flows for the checker (flows.c), and the
 * erasure and export entry points are checked (stores.c).
 *
 * One thread: the interning tables are thread-safe, but with several
 * threads the ids they hand out (labels, suffixes) would depend on timing,
 * and so would the order of fact sets that the summary bounds and the
 * choice of a finding's origin follow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eng_p.h"

const char *eng_fname(const eng *e, uint32_t fidx)
{
	return eng_pstr(e, eng_decl(e, e->prog->funcs.v[fidx].decl)->name);
}

/* --- globals' traces and bounds ------------------------------------------------- */

void eng_global_trace(eng *e, uint32_t gs, fkey k, const pf_tnode *t)
{
	uint64_t key = eng_mix(eng_mix(0x61ace, gs), k);
	uint32_t i;

	if (!t)
		return;
	/* the caller holds e->lock */
	while (pf_map_get(e->gtraces, key, &i)) {
		if (e->gtrace_v.v[i].slot == gs && e->gtrace_v.v[i].key == k) {
			e->gtrace_v.v[i].t = eng_best(e->gtrace_v.v[i].t, t);
			return;
		}
		key = eng_mix(key, 1);
	}
	struct gtrace g = {gs, k, t};
	pf_map_put(e->gtraces, key, (uint32_t)e->gtrace_v.n);
	pf_vec_push(&e->gtrace_v, g);
}

const pf_tnode *eng_global_trace_of(eng *e, uint32_t gs, fkey k)
{
	uint64_t key = eng_mix(eng_mix(0x61ace, gs), k);
	const pf_tnode *t = NULL;
	uint32_t i;

	pthread_mutex_lock(&e->lock);
	while (pf_map_get(e->gtraces, key, &i)) {
		if (e->gtrace_v.v[i].slot == gs && e->gtrace_v.v[i].key == k) {
			t = e->gtrace_v.v[i].t;
			break;
		}
		key = eng_mix(key, 1);
	}
	pthread_mutex_unlock(&e->lock);
	return t;
}

void eng_truncated(eng *e, uint32_t fi, const char *why)
{
	pthread_mutex_lock(&e->lock);
	for (size_t i = 0; i < e->truncated.n; i++)
		if (e->truncated.v[i] == fi) {
			pthread_mutex_unlock(&e->lock);
			return;
		}
	pf_vec_push(&e->truncated, fi);
	e->ntruncated++;
	if (e->trace)
		fprintf(stderr, "trace: %s: %s\n", eng_fname(e, fi), why);
	pthread_mutex_unlock(&e->lock);
}

void eng_widened(eng *e, uint32_t fi, const char *what)
{
	summary *s = &e->fi[fi].sum;

	if (s->widened)
		return;
	s->widened = 1;
	e->nwidened++;
	if (e->trace)
		fprintf(stderr, "trace: %s: %s is widened\n", eng_fname(e, fi), what);
}

/* --- components ------------------------------------------------------------------ */

typedef struct comps {
	u32vec order;             /* functions, each component ended by UINT32_MAX */
	u32vec starts;            /* where each component begins in order */
	u32vec levels;            /* level of each component */
	u32vec by_level;          /* components sorted by level */
	u32vec level_start;
	uint64_t *seen;           /* per component: callee versions at its last analysis */
} comps;

static uint32_t gpart_version(const eng *e, pf_declid g, pf_declid elem)
{
	uint32_t v = 0;

	pf_map_get(e->gpart_ver, eng_gpart_key(g, elem), &v);
	return v;
}

/* What component c's analysis depends on: the summaries of its callees
   and the globals its code reads (the whole global, or the parts its
   path's first element matches: the root's slot, [*]'s for an index,
   and its own; eng_read's element matching). */
static uint64_t comp_inputs(const eng *e, const comps *cs, uint32_t c)
{
	uint64_t h = 0x1a9;

	for (size_t k = cs->starts.v[c]; cs->order.v[k] != UINT32_MAX; k++) {
		const funcinfo *fi = &e->fi[cs->order.v[k]];
		for (size_t j = 0; j < fi->callees.n; j++) {
			const funcinfo *g = &e->fi[fi->callees.v[j]];
			if (g->scc != c)
				h = eng_mix(h, eng_mix(fi->callees.v[j], g->sum.version));
		}
		for (size_t j = 0; j < fi->gread.n; j++) {
			const gref *r = &fi->gread.v[j];
			if (!r->elem) {
				h = eng_mix(h, eng_mix(r->var, e->gver[r->var]));
				continue;
			}
			h = eng_mix(h, eng_mix(r->var, gpart_version(e, r->var, 0)));
			h = eng_mix(h, gpart_version(e, r->var, r->elem));
			if (eng_path_is_index(r->elem))
				h = eng_mix(h, gpart_version(e, r->var, PF_ELEM_ANY));
		}
	}
	return h;
}

/* Whether a function of component c calls a library sink, receive or
   decryption (as its last analysis found): where events begin. A callee's
   events reach c through its summary, whose version is among c's inputs. */
static int calls_sinks(const eng *e, const comps *cs, uint32_t c)
{
	for (size_t k = cs->starts.v[c]; cs->order.v[k] != UINT32_MAX; k++)
		if (e->fi[cs->order.v[k]].sinks)
			return 1;
	return 0;
}

static int self_recursive(const eng *e, uint32_t f)
{
	for (size_t k = 0; k < e->fi[f].callees.n; k++)
		if (e->fi[f].callees.v[k] == f)
			return 1;
	return 0;
}

static void analyse_one(eng *e, uint32_t f, int round, int it, size_t n)
{
	struct timespec t0, t1;

	if (e->trace || e->stats)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	eng_analyse(e, f);
	if (!e->trace && !e->stats)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	e->pass_ms[e->events] += ms;
	e->pass_n[e->events]++;
	if (!e->trace)
		return;
	if (ms > 20)
		fprintf(stderr, "trace: %s (round %d, visit %d, comp of %zu): %.0f ms, %zu slots, "
		        "%zu outs, %zu events, %zu found, %zu of %u blocks visited\n", eng_fname(e, f), round,
		        it, n, ms, e->fi[f].slots.v.n, e->fi[f].sum.outs.n, e->fi[f].sum.events.n,
		        e->fi[f].found.n, e->fi[f].visits, e->prog->funcs.v[f].nblocks);
}

/*
 * Analyses component c until its summaries stop growing: a worklist in
 * the component's order, where a function is analysed again only when
 * the summary of a callee in the component grew since (so a component of
 * hundreds of functions tied by function pointers costs what changes in
 * it, not its size times its rounds). A function analysed SCC_ROUNDS
 * times without its callees settling is reported.
 */
static void analyse_component(eng *e, comps *cs, uint32_t c, int round)
{
	size_t start = cs->starts.v[c], n = 0;
	uint64_t inputs = comp_inputs(e, cs, c);

	while (cs->order.v[start + n] != UINT32_MAX)
		n++;
	/* nothing it depends on changed since its last analysis: in a later
	   round, it would write what it wrote; in the events pass too, and
	   unless it calls a sink, record no event */
	if (inputs == cs->seen[c] && (round > 0 || (e->events && !calls_sinks(e, cs, c))))
		return;
	cs->seen[c] = inputs;
	if (n == 1 && !self_recursive(e, cs->order.v[start])) {
		analyse_one(e, cs->order.v[start], round, 0, n);
		return;
	}
	/* callers within the component, by local index */
	pf_map *local = pf_map_new();
	u32vec *callers = pf_calloc(n, sizeof(u32vec));
	uint8_t *dirty = pf_malloc(n);
	int *visits = pf_calloc(n, sizeof(int));
	for (size_t k = 0; k < n; k++)
		pf_map_put(local, cs->order.v[start + k], (uint32_t)k);
	for (size_t k = 0; k < n; k++) {
		const funcinfo *fi = &e->fi[cs->order.v[start + k]];
		uint32_t j;
		for (size_t i = 0; i < fi->callees.n; i++)
			if (pf_map_get(local, fi->callees.v[i], &j))
				eng_u32_add_once(&callers[j], (uint32_t)k);
	}
	memset(dirty, 1, n);
	for (int more = 1; more;) {
		more = 0;
		for (size_t k = 0; k < n; k++) {
			uint32_t f = cs->order.v[start + k];
			if (!dirty[k])
				continue;
			dirty[k] = 0;
			if (visits[k] >= SCC_ROUNDS) {
				eng_truncated(e, f, "its recursion did not converge");
				continue;
			}
			uint64_t before = e->fi[f].sum.version;
			e->fi[f].late = visits[k] >= LATE_VISIT;
			analyse_one(e, f, round, visits[k]++, n);
			e->fi[f].late = 0;
			if (e->fi[f].sum.version == before)
				continue;
			for (size_t i = 0; i < callers[k].n; i++)
				dirty[callers[k].v[i]] = 1;
			more = 1;
		}
	}
	for (size_t k = 0; k < n; k++)
		pf_vec_free(&callers[k]);
	pf_free(callers);
	pf_free(dirty);
	pf_free(visits);
	pf_map_free(local);
}

/* Analyses one level of components; their writes to globals become
   visible to the levels above only after it. */
static void run_level(eng *e, comps *cs, size_t from, size_t to, int round)
{
	for (size_t k = from; k < to; k++)
		analyse_component(e, cs, cs->by_level.v[k], round);
	e->globals = e->gnext;
	memcpy(e->gver, e->gver_next, e->prog->decls.n * sizeof(uint32_t));
	for (size_t i = 0; i < e->gpart_next.n; i++) {
		uint32_t v = 0;
		pf_map_get(e->gpart_ver, e->gpart_next.v[i], &v);
		pf_map_put(e->gpart_ver, e->gpart_next.v[i], v + 1);
	}
	e->gpart_next.n = 0;
}

/* (level << 32 | component): sorting these sorts components by level. */
/* --- the run ------------------------------------------------------------------------- */

static void count_one(void *arg, uint32_t k, uint32_t v)
{
	(void)k;
	(void)v;
	(*(size_t *)arg)++;
}

static uint32_t merge_sets(void *arg, uint32_t a, uint32_t b)
{
	return eng_set_union(arg, a, b);
}

static void setup(eng *e, const pf_program *prog, const pf_catalog *cat, const pf_policy *pol,
                  pf_results *res)
{
	size_t nf = prog->funcs.n;

	e->prog = prog;
	e->cat = cat;
	e->pol = pol;
	e->arena = pf_arena_new();
	e->strs = pf_itab_new_blob();
	e->labels = pf_itab_new(sizeof(label));
	e->suffixes = pf_itab_new(sizeof(suffix));
	e->tnodes = pf_itab_new(sizeof(pf_tnode));
	e->sets = pf_itab_new_blob();
	e->gnodes = pf_itab_new(sizeof(gnode));
	e->gslots = pf_itab_new(sizeof(pf_path));
	e->opaths = pf_itab_new(sizeof(pf_path));
	pthread_mutex_init(&e->lock, NULL);
	e->vcell_ids = pf_map_new();
	e->gtraces = pf_map_new();
	e->gvar_ix = pf_map_new();
	e->gctx = pm_new(merge_sets, e);
	e->fi = pf_calloc(nf ? nf : 1, sizeof(funcinfo));
	e->gver = pf_calloc(prog->decls.n ? prog->decls.n : 1, sizeof(uint32_t));
	e->gver_next = pf_calloc(prog->decls.n ? prog->decls.n : 1, sizeof(uint32_t));
	e->gpart_ver = pf_map_new();
	e->gpart_ix = pf_map_new();
	e->chk = pf_checker_new(res, prog, pol);
	eng_caches_reset();
	eng_suffix(e, NULL, 0);
}

static void free_lists(u32vecs *l)
{
	for (size_t i = 0; i < l->n; i++)
		pf_vec_free(&l->v[i]);
	pf_vec_free(l);
}

static void teardown(eng *e, comps *cs)
{
	size_t nf = e->prog->funcs.n;

	for (size_t i = 0; i < nf; i++) {
		funcinfo *fi = &e->fi[i];
		pf_vec_free(&fi->callees);
		pf_vec_free(&fi->gread);
		pf_vec_free(&fi->edges);
		pf_vec_free(&fi->pd);
		eng_summary_free(&fi->sum);
		pf_vec_free(&fi->slots.v);
		pf_map_free(fi->slots.ids);
		pf_vec_free(&fi->erases);
		pf_vec_free(&fi->out_cats);
		pf_vec_free(&fi->found);
		pf_map_free(fi->found_ix);
		pf_map_free(fi->edge_ix);
	}
	for (size_t i = 0; i < e->stores.n; i++)
		pf_vec_free(&e->stores.v[i].cats);
	pf_vec_free(&e->stores);
	for (size_t i = 0; i < e->rfields.n; i++) {
		PF_VEC(pf_declid) *v = (void *)e->rfields.v[i];
		pf_vec_free(v);
		pf_free(v);
	}
	pf_vec_free(&e->rfields);
	for (size_t i = 0; i < e->vcells.n; i++)
		pf_vec_free(&e->vcells.v[i].funcs);
	pf_vec_free(&e->vcells);
	pf_map_free(e->vcell_ids);
	pf_map_free(e->record_fields);
	pf_map_free(e->text_only);
	pf_map_free(e->gtraces);
	pf_map_free(e->gvar_ix);
	free_lists(&e->gvar_slots);
	pf_vec_free(&e->gtrace_v);
	pf_vec_free(&e->truncated);
	pm_free(e->gctx);
	pf_free(e->src_cat);
	pf_free(e->src_tr);
	pf_free(e->src_from);
	pf_free(e->specs);
	pf_free(e->fi);
	pf_free(e->gver);
	pf_free(e->gver_next);
	pf_map_free(e->gpart_ver);
	pf_map_free(e->gpart_ix);
	free_lists(&e->gpart_slots);
	pf_vec_free(&e->gpart_next);
	pf_vec_free(&cs->order);
	pf_vec_free(&cs->starts);
	pf_vec_free(&cs->levels);
	pf_vec_free(&cs->by_level);
	pf_vec_free(&cs->level_start);
	pf_free(cs->seen);
	pthread_mutex_destroy(&e->lock);
	/* trace steps and notes are referenced by the results: the checker
	   copied what it kept into res->arena */
	pf_itab_free(e->strs);
	pf_itab_free(e->labels);
	pf_itab_free(e->suffixes);
	pf_itab_free(e->tnodes);
	pf_itab_free(e->sets);
	pf_itab_free(e->gnodes);
	pf_itab_free(e->gslots);
	pf_itab_free(e->opaths);
	pf_arena_free(e->arena);
}

static void fill_functions(eng *e, pf_results *res)
{
	size_t nf = e->prog->funcs.n;

	res->functions = pf_arena_alloc(res->arena, (nf ? nf : 1) * sizeof(pf_function_fact));
	res->nfunctions = 0;
	for (size_t i = 0; i < nf; i++) {
		const pf_func *f = &e->prog->funcs.v[i];
		uint32_t purpose = e->fi[i].purpose ? e->fi[i].purpose : e->fi[i].binding;
		pf_function_fact *ff = &res->functions[res->nfunctions];
		if (strncmp(eng_fname(e, (uint32_t)i), "__privflow", 10) == 0)
			continue; /* the frontend's global initialisers */
		ff->name = pf_arena_strdup(res->arena, eng_fname(e, (uint32_t)i));
		ff->file = pf_arena_strdup(res->arena, eng_pstr(e, f->loc.file));
		ff->line = f->loc.line;
		ff->purpose = purpose ? pf_arena_strdup(res->arena, eng_cstr(e, purpose)) : NULL;
		res->nfunctions++;
	}
	/* the functions that reached a bound, by name, sorted */
	res->ntruncated = e->truncated.n;
	res->truncated = pf_arena_alloc(res->arena, (e->truncated.n ? e->truncated.n : 1) *
	                                                sizeof(char *));
	for (size_t i = 0; i < e->truncated.n; i++)
		res->truncated[i] = pf_arena_strdup(res->arena, eng_fname(e, e->truncated.v[i]));
}

static void print_stats(eng *e, const comps *cs)
{
	size_t ev = 0, outs = 0, found = 0, mx = 0, mi = 0, slots = 0;

	for (size_t i = 0; i < e->prog->funcs.n; i++) {
		ev += e->fi[i].sum.events.n;
		outs += e->fi[i].sum.outs.n;
		found += e->fi[i].found.n;
		slots += e->fi[i].slots.v.n;
		if (e->fi[i].sum.events.n > mx)
			mx = e->fi[i].sum.events.n, mi = i;
	}
	fprintf(stderr, "stats: first pass %zu analyses in %.0f ms, events pass %zu in %.0f ms\n",
	        e->pass_n[0], e->pass_ms[0], e->pass_n[1], e->pass_ms[1]);
	fprintf(stderr, "stats: summary growths (early/late visits): %zu/%zu outs, %zu/%zu events, "
	        "%zu/%zu handle sets\n", e->grew[0][0], e->grew[1][0], e->grew[0][1], e->grew[1][1],
	        e->grew[0][2], e->grew[1][2]);
	fprintf(stderr, "stats: %zu functions, %zu components, %zu levels, %zu labels, %zu suffixes, "
	        "%zu slots, %zu tnodes, %zu sets, %zu graph nodes, %zu outs, %zu events (max %zu in %s), "
	        "%zu found, %zu truncated, %zu widened, %d rounds\n",
	        e->prog->funcs.n, cs->starts.n, cs->level_start.n ? cs->level_start.n - 1 : 0,
	        pf_itab_count(e->labels), pf_itab_count(e->suffixes), slots,
	        pf_itab_count(e->tnodes), pf_itab_count(e->sets), pf_itab_count(e->gnodes), outs, ev,
	        mx, e->prog->funcs.n ? eng_fname(e, (uint32_t)mi) : "", found, e->ntruncated, e->nwidened, e->rounds);
}

int pf_engine_run(pf_results *res, const pf_program *prog, const pf_catalog *cat,
                  const pf_policy *pol, const pf_engine_opts *opts)
{
	eng e;
	comps cs;

	memset(&e, 0, sizeof(e));
	memset(&cs, 0, sizeof(cs));
	setup(&e, prog, cat, pol, res);
	e.trace = getenv("PF_TRACE") != NULL;
	e.stats = getenv("PF_STATS") != NULL;
	eng_guards_setup(&e);
	eng_classify_sources(&e);
	eng_prepare_specs(&e);
	eng_resolve_pointers(&e);
	eng_build_callgraph(&e);
	eng_purpose_context(&e);
	eng_components(&e, &cs.order, &cs.starts, &cs.levels);
	eng_report_sources(&e);

	/* components by level */
	size_t nc = cs.starts.n;
	uint64_t *lc = pf_calloc(nc ? nc : 1, sizeof(uint64_t));
	for (uint32_t c = 0; c < nc; c++)
		lc[c] = (uint64_t)cs.levels.v[c] << 32 | c;
	qsort(lc, nc, sizeof(uint64_t), pf_u64_cmp);
	for (size_t i = 0; i < nc; i++)
		pf_vec_push(&cs.by_level, (uint32_t)lc[i]);
	pf_free(lc);
	for (size_t i = 0; i < nc; i++)
		if (i == 0 || cs.levels.v[cs.by_level.v[i]] != cs.levels.v[cs.by_level.v[i - 1]])
			pf_vec_push(&cs.level_start, (uint32_t)i);
	pf_vec_push(&cs.level_start, (uint32_t)nc);
	cs.seen = pf_calloc(nc ? nc : 1, sizeof(uint64_t));

	/* first pass: what functions return and write, to a fixpoint of the
	   globals, and what each call passes to its callee */
	for (int round = 0; round < GLOBAL_ROUNDS; round++) {
		size_t n0 = e.pass_n[0];
		double ms0 = e.pass_ms[0];
		e.globals_changed = 0;
		for (size_t l = 0; l + 1 < cs.level_start.n; l++)
			run_level(&e, &cs, cs.level_start.v[l], cs.level_start.v[l + 1], round);
		e.rounds = round + 1;
		if (e.trace) {
			size_t ng = 0;
			pm_foreach(e.gnext, count_one, &ng);
			fprintf(stderr, "trace: round %d: %zu analyses in %.0f ms, %zu global slots, %s\n",
			        round, e.pass_n[0] - n0, e.pass_ms[0] - ms0, ng,
			        e.globals_changed ? "changed" : "stable");
		}
		if (!e.globals_changed)
			break;
	}
	/* then which parameter paths may hold personal data, and the pass
	   that records sink events (only those that can become flows) */
	eng_relevance(&e);
	e.events = 1;
	for (size_t l = 0; l + 1 < cs.level_start.n; l++)
		run_level(&e, &cs, cs.level_start.v[l], cs.level_start.v[l + 1], 0);

	eng_emit_all(&e);
	eng_check_entries(&e);
	if (getenv("PF_STATS"))
		print_stats(&e, &cs);
	fill_functions(&e, res);
	pf_checker_finish(e.chk);
	teardown(&e, &cs);
	return PF_OK;
}
