/*
 * The engine: finds where personal data enters (sources), follows it
 * through the program (assignments, fields, buffers, library propagators,
 * calls and returns, function pointers, globals) and hands every complete
 * flow from a source to a sink to the checker (check.c).
 *
 * Design (docs/architecture.md):
 *  - Labels say what a value may carry: personal data of a category
 *    (DATA), a handle of a kind (RES: socket, file, log...), a constant
 *    string that matters (STR: a URL, SQL text, a path), or, inside a
 *    function, "whatever parameter k (.suffix) holds" (SYM).
 *  - Each function is analysed once per fixpoint round, flow-sensitively
 *    over its CFG, with SYM labels on its parameters. The result is its
 *    summary: what its return value and its out-parameters receive, and
 *    the sink events it (or its callees) reach, in terms of its labels.
 *  - Functions are visited bottom-up over the call graph's strongly
 *    connected components; a component is iterated until its summaries
 *    stop growing. At a call, the callee's summary is instantiated with
 *    the caller's facts about the arguments.
 *  - An event becomes a flow when its data and its channel are concrete
 *    and its purpose is known (or no caller is left to give one).
 *  - Function pointers are resolved first by a flow-insensitive pass:
 *    which functions may each variable, parameter or field hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine_p.h"

#define TRACE_MAX 48
#define SCC_ROUNDS 12
#define GLOBAL_ROUNDS 4
#define RECORD_DEPTH 2
/* Bound on the symbolic sink events one summary keeps: past it, events
   whose data is still only a parameter's symbol are dropped (and the
   function is reported as truncated); concrete flows are never dropped. */
#define MAX_SYM_EVENTS 512

enum { L_NONE, L_DATA, L_RES, L_STR, L_SYM };
#define SYM_VARARGS 0xFFFFu

typedef struct label {
	uint8_t kind;
	uint32_t a; /* DATA: category sym; RES/STR: sym; SYM: param index */
	uint32_t b; /* DATA: origin decl; SYM: suffix id */
	uint32_t c; /* DATA: slot of the record it was read from (its owner,
	               for "the check is on the same user's record"), or 0 */
} label;

typedef struct fact {
	uint32_t slot;  /* path slot (state entries only) */
	uint32_t label;
	uint32_t tr;    /* transform set */
	const pf_tnode *t;
} fact;

typedef PF_VEC(fact) factvec;

/* A field suffix (up to PF_PATH_DEPTH field decls), interned. */
typedef struct suffix {
	uint8_t n;
	pf_declid f[PF_PATH_DEPTH];
} suffix;

/* A path slot: a path in the context of one function (or global). */
typedef struct slotdef {
	uint32_t func; /* UINT32_MAX for GLOBAL paths */
	pf_path p;
} slotdef;

typedef struct event {
	fact data;          /* DATA or SYM */
	uint32_t handle;    /* label id (RES, STR or SYM), 0 if fixed sink */
	int sink;           /* >= 0 fixed kind, else PF_SINK_BY_* */
	pf_sym sink_func;
	pf_sym recipient;
	pf_sym purpose;
	pf_sym binding;
	pf_loc loc;
	uint32_t func;      /* function holding loc */
	uint32_t store;     /* label (STR or SYM) naming the store, or 0 */
	int store_annot;    /* store named by a PRIVFLOW_STORE function */
	uint32_t guard_ok;  /* guards (bit = index in eng.guards) checked
	                       with the right polarity on the data's owner */
	uint32_t guard_wrong; /* ... checked, but wrongly */
} event;

/* What a catalogued or annotated function does. */
typedef struct spec {
	size_t n;
	const pf_effect *effects;
	const char *purpose;   /* from PRIVFLOW_PURPOSE on a sink function */
	const char *store;     /* PRIVFLOW_STORE: the store it writes */
	const char *erases;    /* PRIVFLOW_ERASES: the store it deletes */
} spec;

typedef struct outfact {
	uint32_t param;   /* parameter index */
	uint32_t suffix;
	fact f;
} outfact;

typedef struct summary {
	factvec ret;
	PF_VEC(outfact) outs;
	factvec gouts;    /* program globals (slot) receiving a parameter */
	PF_VEC(event) events;
	pf_map *seen;     /* hashes of facts/events already recorded */
	size_t nsym;      /* events whose data is symbolic */
	uint32_t erase_params; /* parameters whose constant string (SQL, a
	                          path) is executed or unlinked: a DELETE or a
	                          path given by a caller erases that store */
	int truncated;    /* some were dropped (MAX_SYM_EVENTS) */
	size_t size;      /* grows monotonically; used to detect change */
} summary;

typedef struct funcinfo {
	pf_sym purpose;   /* own PRIVFLOW_PURPOSE */
	pf_sym store;     /* own PRIVFLOW_STORE: names the store it writes */
	pf_sym binding;   /* purpose bound to its file by the policy */
	int ncallers;
	PF_VEC(uint32_t) callees;
	/* Tarjan */
	int index, low, onstack;
	summary sum;
	PF_VEC(pf_sym) erases;   /* stores it deletes (erasure) */
	int reads_globals;       /* reads a program-wide global */
	int grew;                /* 1 + the round its summary last grew in */
	PF_VEC(pf_sym) out_cats; /* categories it sends to a sink (export) */
} funcinfo;

/* A store that receives personal data: a table, a file, a key space. */
typedef struct store_rec {
	pf_sym name;
	pf_loc loc;       /* first write */
	PF_VEC(pf_sym) cats;
} store_rec;

enum { G_OPTOUT, G_CONSENT };
#define MAX_GUARDS 32

typedef struct vcell {
	PF_VEC(pf_declid) funcs;
} vcell;

typedef struct eng {
	const pf_program *prog;
	const pf_catalog *cat;
	const pf_policy *pol;
	pf_checker *chk;
	pf_arena *arena;
	pf_strtab *strs;
	PF_VEC(pf_tnode *) tnodes; /* hash-consed trace steps */
	pf_map *tnode_ids;
	pf_map *note_ids;          /* (slot, decl) -> source note */
	pf_map *concat_ids;        /* (base, chain) -> tconcat result */
	pf_map *guard_cache;       /* slot -> 0 (no guard) or 1 + index: */
	PF_VEC(uint32_t) guard_idx, guard_owner;

	PF_VEC(label) labels;
	pf_map *label_ids;
	PF_VEC(suffix) suffixes;
	pf_map *suffix_ids;
	PF_VEC(slotdef) slots;
	pf_map *slot_ids;

	/* per declaration */
	pf_sym *src_cat;        /* source category sym, 0 if none */
	uint8_t *src_tr;        /* transforms the source already carries */
	const spec **specs;     /* per function decl; NULL: analyse its body */
	uint8_t *spec_done;
	pf_map *record_fields;  /* record sym -> index into rfields */
	PF_VEC(PF_VEC(pf_declid) *) rfields;

	funcinfo *fi;           /* per pf_program func */
	factvec globals;        /* facts of GLOBAL paths, program-wide */
	pf_map *global_seen;
	int globals_changed;
	size_t ntruncated;      /* summaries that hit MAX_SYM_EVENTS */
	int rounds;

	/* function-pointer value sets */
	pf_map *vcell_ids;
	PF_VEC(vcell) vcells;

	/* consent and opt-out checks the policy's purposes require */
	struct { int kind; const char *use; } guards[MAX_GUARDS];
	int nguards;

	PF_VEC(store_rec) stores;
	struct { pf_sym cat; pf_loc loc; } stored[256];
	size_t nstored;
} eng;

/* ------------------------------------------------------------------------ */
/* small helpers                                                            */

static const pf_decl *decl(const eng *e, pf_declid id)
{
	return &e->prog->decls.v[id];
}

static const char *pstr(const eng *e, pf_sym s)
{
	return pf_program_str(e->prog, s);
}

static const char *estr(const eng *e, pf_sym s)
{
	return pf_strtab_str(e->strs, s);
}

static pf_sym esym(eng *e, const char *s)
{
	return s ? pf_strtab_intern(e->strs, s) : 0;
}

static const char *fname(const eng *e, uint32_t fidx)
{
	return pstr(e, decl(e, e->prog->funcs.v[fidx].decl)->name);
}

/* Combines a value into a hash (splitmix64 finaliser per step). */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

static const char *tnote(eng *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *tnote(eng *e, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return pf_strtab_str(e->strs, pf_strtab_intern(e->strs, buf)); /* shared */
}

/* The note of a call step ("passed to f()"), memoised by (kind, name,
   argument): the fixpoint asks for the same ones again and again. */
enum { N_PASSED, N_RETURNED, N_WRITTEN, N_COPIED, N_THROUGH, N_SANITIZED, N_GLOBAL };

static const char *cnote(eng *e, int kind, const char *name, unsigned arg, int tr)
{
	static const char *const fmts[] = {
		[N_PASSED] = "passed to %s()", [N_RETURNED] = "returned from %s()",
		[N_WRITTEN] = "written by %s() to its argument %u", [N_COPIED] = "copied by %s()",
		[N_THROUGH] = "passed through %s()", [N_SANITIZED] = "%s by %s()",
		[N_GLOBAL] = "stored in a global by %s()"};
	uint64_t key = mix(mix(mix(mix(0xca11, (uint64_t)kind), (uint64_t)(uintptr_t)name), arg), (uint64_t)tr);
	uint32_t note;

	if (pf_map_get(e->note_ids, key, &note))
		return estr(e, note);
	const char *n = kind == N_SANITIZED ? tnote(e, fmts[kind], pf_transform_id(tr), name)
	              : tnote(e, fmts[kind], name, arg);
	pf_map_put(e->note_ids, key, pf_strtab_find(e->strs, n));
	return n;
}

/* Trace steps are hash-consed: the fixpoint revisits the same steps many
   times and must not allocate them again. */
static const pf_tnode *tstep(eng *e, const pf_tnode *prev, pf_loc loc, const char *note)
{
	pf_tnode *n;
	uint64_t key;
	uint32_t id;

	if (prev && prev->len >= TRACE_MAX) {
		/* keep the start and the newest steps: drop the one before */
		if (prev->prev)
			prev = prev->prev;
	}
	key = mix(mix(mix(mix(mix(0x7ace, (uint64_t)(uintptr_t)prev), loc.file), loc.line), loc.col),
	          (uint64_t)(uintptr_t)note);
	while (pf_map_get(e->tnode_ids, key, &id)) {
		const pf_tnode *o = e->tnodes.v[id];
		if (o->prev == prev && o->note == note && o->loc.file == loc.file &&
		    o->loc.line == loc.line && o->loc.col == loc.col)
			return o;
		key = mix(key, 1);
	}
	n = pf_arena_alloc(e->arena, sizeof(*n));
	n->id = (uint32_t)e->tnodes.n;
	pf_vec_push(&e->tnodes, n);
	pf_map_put(e->tnode_ids, key, (uint32_t)e->tnodes.n - 1);
	n->prev = prev;
	n->loc = loc;
	n->note = note;
	n->len = prev ? prev->len + 1 : 1;
	return n;
}

/* Appends to `base` the steps of `chain` after its first (root) node.
   Memoised: the same concatenation recurs at every visit of a call. */
static const pf_tnode *tconcat(eng *e, const pf_tnode *base, const pf_tnode *chain)
{
	const pf_tnode *stack[TRACE_MAX + 2];
	size_t n = 0;
	uint64_t key = mix(mix(0xc0ca7, (uint64_t)(uintptr_t)base), (uint64_t)(uintptr_t)chain);
	uint32_t id;

	if (pf_map_get(e->concat_ids, key, &id))
		return e->tnodes.v[id];

	for (const pf_tnode *t = chain; t && t->prev && n < TRACE_MAX; t = t->prev)
		stack[n++] = t;
	while (n > 0) {
		const pf_tnode *t = stack[--n];
		base = tstep(e, base, t->loc, t->note);
	}
	if (base)
		pf_map_put(e->concat_ids, key, base->id);
	return base;
}

/* ------------------------------------------------------------------------ */
/* labels, suffixes, slots                                                  */

static uint32_t label_id4(eng *e, int kind, uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t key = mix(mix(mix(mix(0x1abe1, (uint64_t)kind), a), b), c);
	uint32_t id;
	label l = {(uint8_t)kind, a, b, c};

	/* open addressing over the hash: a collision takes the next key */
	while (pf_map_get(e->label_ids, key, &id)) {
		const label *o = &e->labels.v[id];
		if (o->kind == kind && o->a == a && o->b == b && o->c == c)
			return id;
		key = mix(key, 1);
	}
	pf_vec_push(&e->labels, l);
	id = (uint32_t)e->labels.n - 1;
	pf_map_put(e->label_ids, key, id);
	return id;
}

static uint32_t label_id(eng *e, int kind, uint32_t a, uint32_t b)
{
	return label_id4(e, kind, a, b, 0);
}

static const label *lab(const eng *e, uint32_t id)
{
	return &e->labels.v[id];
}

static uint32_t suffix_id(eng *e, const pf_declid *f, unsigned n)
{
	suffix s = {0};
	uint64_t key = 0x5u;
	uint32_t id;

	if (n > PF_PATH_DEPTH)
		n = PF_PATH_DEPTH;
	s.n = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		s.f[i] = f[i];
		key = mix(key, f[i]);
	}
	key = mix(key, n);
	while (pf_map_get(e->suffix_ids, key, &id)) {
		const suffix *o = &e->suffixes.v[id];
		if (o->n == s.n && memcmp(o->f, s.f, sizeof(s.f)) == 0)
			return id;
		key = mix(key, 1);
	}
	pf_vec_push(&e->suffixes, s);
	id = (uint32_t)e->suffixes.n - 1;
	pf_map_put(e->suffix_ids, key, id);
	return id;
}

static void path_norm(pf_path *p)
{
	p->reserved = 0;
	if (p->depth > PF_PATH_DEPTH)
		p->depth = PF_PATH_DEPTH;
	for (unsigned i = p->depth; i < PF_PATH_DEPTH; i++)
		p->field[i] = 0;
}

/* A program-wide global (not a function's static local, which the
   analysis keeps with its function: a static buffer is a local one). */
static int is_program_global(const eng *e, const pf_path *p)
{
	return p->base == PF_BASE_GLOBAL && !e->prog->decls.v[p->var].scope;
}

static uint32_t slot_of(eng *e, uint32_t func, const pf_path *path)
{
	slotdef d;
	uint64_t key;
	uint32_t id;

	d.p = *path;
	path_norm(&d.p);
	d.func = is_program_global(e, &d.p) ? UINT32_MAX : func;
	key = mix(mix(mix(d.func, d.p.base), d.p.var), d.p.depth);
	for (unsigned i = 0; i < d.p.depth; i++)
		key = mix(key, d.p.field[i]);
	while (pf_map_get(e->slot_ids, key, &id)) {
		const slotdef *o = &e->slots.v[id];
		if (o->func == d.func && pf_path_eq(&o->p, &d.p))
			return id;
		key = mix(key, 1);
	}
	pf_vec_push(&e->slots, d);
	id = (uint32_t)e->slots.n - 1;
	pf_map_put(e->slot_ids, key, id);
	return id;
}

/* Path + suffix (truncated at PF_PATH_DEPTH). */
static pf_path path_extend(const pf_path *p, const suffix *s)
{
	pf_path r = *p;
	for (unsigned i = 0; i < s->n && r.depth < PF_PATH_DEPTH; i++)
		r.field[r.depth++] = s->f[i];
	return r;
}

/* ------------------------------------------------------------------------ */
/* fact sets                                                                */

static int fact_cmp(const fact *a, const fact *b)
{
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->label != b->label)
		return a->label < b->label ? -1 : 1;
	if (a->tr != b->tr)
		return a->tr < b->tr ? -1 : 1;
	return 0;
}

/* Adds f to the sorted set; returns 1 if it was new. */
static int fv_add(factvec *v, const fact *f)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = fact_cmp(&v->v[mid], f);
		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	pf_vec_grow(v, v->n + 1);
	memmove(v->v + lo + 1, v->v + lo, (v->n - lo) * sizeof(fact));
	v->v[lo] = *f;
	v->n++;
	return 1;
}

/* dst |= src (both sorted); returns 1 if dst changed. */
static int fv_union(factvec *dst, const factvec *src)
{
	factvec out = {0};
	size_t i = 0, j = 0;
	int changed = 0;

	if (src->n == 0)
		return 0;
	pf_vec_grow(&out, dst->n + src->n);
	while (i < dst->n || j < src->n) {
		int c = i == dst->n ? 1 : j == src->n ? -1 : fact_cmp(&dst->v[i], &src->v[j]);
		if (c <= 0) {
			out.v[out.n++] = dst->v[i++];
			if (c == 0)
				j++;
		} else {
			out.v[out.n++] = src->v[j++];
			changed = 1;
		}
	}
	pf_vec_free(dst);
	*dst = out;
	return changed;
}

static void fv_copy(factvec *dst, const factvec *src)
{
	dst->n = 0;
	pf_vec_grow(dst, src->n);
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(fact));
	dst->n = src->n;
}

/* ------------------------------------------------------------------------ */
/* sources and specs                                                        */

static size_t split_words(const char *name, char words[][32], size_t max)
{
	size_t n = 0, len = 0;

	for (const char *p = name;; p++) {
		int boundary = !*p || *p == '_' || *p == '-' || *p == '.' ||
		               (len > 0 && p > name && *p >= 'A' && *p <= 'Z' &&
		                p[-1] >= 'a' && p[-1] <= 'z') ||
		               (len > 0 && *p >= '0' && *p <= '9' &&
		                !(p[-1] >= '0' && p[-1] <= '9'));
		if (boundary && len > 0) {
			words[n][len] = '\0';
			if (++n == max)
				return n;
			len = 0;
		}
		if (!*p)
			break;
		if (*p == '_' || *p == '-' || *p == '.')
			continue;
		if (len < 31)
			words[n][len++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	}
	return n;
}

static int words_contain(char words[][32], size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(words[i], w) == 0)
			return 1;
	return 0;
}

/* Position where the pattern's words occur consecutively, or -1. */
static int words_match(char words[][32], size_t n, const char **pat)
{
	size_t plen = 0;

	while (pat[plen])
		plen++;
	for (size_t i = 0; plen && i + plen <= n; i++) {
		size_t k = 0;
		while (k < plen && strcmp(words[i + k], pat[k]) == 0)
			k++;
		if (k == plen)
			return (int)i;
	}
	return -1;
}

static unsigned decl_kind_bit(const pf_decl *d)
{
	switch (d->kind) {
	case PF_DECL_FIELD: return PF_NK_FIELD;
	case PF_DECL_GLOBAL: return PF_NK_GLOBAL;
	case PF_DECL_LOCAL: return PF_NK_LOCAL;
	case PF_DECL_PARAM: return PF_NK_PARAM;
	case PF_DECL_FUNC: return PF_NK_FUNC;
	default: return 0;
	}
}

/* Classifies one declaration against the catalogue's name rules. */
static void classify_by_name(eng *e, pf_declid id)
{
	const pf_decl *d = decl(e, id);
	const pf_name_rule *rules;
	const char *const *excl;
	const pf_word_transform *tw;
	size_t nrules = pf_catalog_name_rules(e->cat, &rules);
	size_t nexcl = pf_catalog_exclude_words(e->cat, &excl);
	size_t ntw = pf_catalog_transform_words(e->cat, &tw);
	char words[16][32], scope[16][32];
	size_t nw, ns;

	nw = split_words(pstr(e, d->name), words, 16);
	if (nw == 0)
		return;
	ns = split_words(pstr(e, d->scope), scope, 16);
	for (size_t r = 0; r < nrules; r++) {
		const pf_name_rule *rule = &rules[r];
		int at = -1;
		size_t plen = 0;

		if (!(rule->kinds & decl_kind_bit(d)))
			continue;
		if (rule->types && !(rule->types & (1u << d->tclass)))
			continue;
		for (size_t p = 0; p < rule->npatterns && at < 0; p++) {
			at = words_match(words, nw, rule->patterns[p]);
			if (at >= 0)
				for (plen = 0; rule->patterns[p][plen]; plen++)
					;
		}
		if (at < 0)
			continue;
		if (rule->nscopes) {
			int ok = 0;
			for (size_t s = 0; s < rule->nscopes && !ok; s++)
				ok = words_contain(scope, ns, rule->scopes[s]);
			if (!ok)
				continue;
		}
		int excluded = 0;
		unsigned tr = 0;
		for (size_t w = 0; w < nw && !excluded; w++) {
			if ((int)w >= at && w < (size_t)at + plen)
				continue;
			for (size_t x = 0; x < nexcl && !excluded; x++)
				excluded = strcmp(words[w], excl[x]) == 0;
			for (size_t x = 0; x < rule->nexclude && !excluded; x++)
				excluded = strcmp(words[w], rule->exclude[x]) == 0;
			for (size_t x = 0; x < ntw; x++)
				if (strcmp(words[w], tw[x].word) == 0)
					tr |= 1u << tw[x].transform;
		}
		if (excluded)
			continue;
		e->src_cat[id] = esym(e, rule->category);
		e->src_tr[id] = (uint8_t)tr;
		return;
	}
}

static const char *annot_value(const eng *e, const pf_decl *d, const char *key)
{
	size_t klen = strlen(key);

	for (uint32_t i = 0; i < d->nannots; i++) {
		const char *a = pstr(e, d->annots[i]);
		if (strncmp(a, "privflow:", 9) == 0 && strncmp(a + 9, key, klen) == 0 &&
		    (a[9 + klen] == ':' || a[9 + klen] == '\0'))
			return a[9 + klen] == ':' ? a + 10 + klen : "";
	}
	return NULL;
}

static void classify_sources(eng *e)
{
	size_t n = e->prog->decls.n;

	e->src_cat = pf_calloc(n, sizeof(*e->src_cat));
	e->src_tr = pf_calloc(n, 1);
	for (pf_declid id = 1; id < n; id++) {
		const pf_decl *d = decl(e, id);
		const char *cat = annot_value(e, d, "data");

		if (cat && *cat) {
			e->src_cat[id] = esym(e, cat);
			continue;
		}
		if ((d->flags & PF_DF_SYSTEM) || d->kind == PF_DECL_ENUMCONST)
			continue;
		if (d->kind == PF_DECL_FUNC)
			continue; /* functions are sources by annotation or catalogue */
		classify_by_name(e, id);
	}
	/* record -> its source fields, for reads of a whole struct */
	e->record_fields = pf_map_new();
	for (pf_declid id = 1; id < n; id++) {
		const pf_decl *d = decl(e, id);
		uint32_t idx;

		if (d->kind != PF_DECL_FIELD || !d->scope)
			continue;
		if (!e->src_cat[id] && d->tclass != PF_TY_RECORD)
			continue;
		if (!pf_map_get(e->record_fields, d->scope, &idx)) {
			PF_VEC(pf_declid) *v = pf_calloc(1, sizeof(*v));
			pf_vec_push(&e->rfields, (void *)v);
			idx = (uint32_t)e->rfields.n - 1;
			pf_map_put(e->record_fields, d->scope, idx);
		}
		PF_VEC(pf_declid) *v = (void *)e->rfields.v[idx];
		pf_vec_push(v, id);
	}
}

/* The spec of a called function: annotations first, then the catalogue. */
static const spec *spec_of(eng *e, pf_declid fn)
{
	const pf_decl *d;
	const pf_func_spec *cs;
	PF_VEC(pf_effect) effs = {0};
	const char *v, *purpose;
	spec *s;

	if (e->spec_done[fn])
		return e->specs[fn];
	e->spec_done[fn] = 1;
	d = decl(e, fn);
	purpose = annot_value(e, d, "purpose");
	if ((v = annot_value(e, d, "data")) && *v) {
		pf_effect ef = {.kind = PF_EFF_SOURCE, .to = PF_ARG_RET, .category = v,
		                .from_rest = -1, .when_arg = -1, .handle = -1, .store_arg = -1};
		pf_vec_push(&effs, ef);
	}
	if ((v = annot_value(e, d, "sanitizer"))) {
		int tr = pf_transform_from_id(v);
		pf_effect ef = {.kind = PF_EFF_SANITIZE, .to = PF_ARG_RET, .from_rest = 0,
		                .transform = tr < 0 ? PF_TR_REDACTED : tr, .when_arg = -1,
		                .handle = -1, .store_arg = -1};
		pf_vec_push(&effs, ef);
	}
	const char *sinkv = annot_value(e, d, "sink");
	const char *recip = annot_value(e, d, "recipient");
	const char *store = annot_value(e, d, "store");
	const char *erases = annot_value(e, d, "erases");
	if ((d->flags & PF_DF_DEFINED) && pf_program_func_of(e->prog, fn)) {
		/* a function with a body: its body is analysed; the store it
		   names is recorded on it (build_callgraph) */
		store = erases = NULL;
	}
	if (store && !sinkv)
		sinkv = "storage";
	if (sinkv || recip) {
		int k = sinkv ? pf_sink_from_id(sinkv) : PF_SINK_NETWORK_TLS;
		pf_effect ef = {.kind = PF_EFF_SINK, .from_rest = 0, .to = PF_ARG_NONE,
		                .handle = -1, .store_arg = -1,
		                .sink = k < 0 ? PF_SINK_STORAGE : k, .recipient = recip,
		                .purpose = purpose, .when_arg = -1};
		pf_vec_push(&effs, ef);
	}
	if (effs.n == 0 && (cs = pf_catalog_func(e->cat, pstr(e, d->name)))) {
		s = pf_arena_alloc(e->arena, sizeof(*s));
		s->n = cs->neffects;
		s->effects = cs->effects;
		s->purpose = purpose;
		s->erases = erases;
		e->specs[fn] = s;
		return s;
	}
	if (effs.n == 0 && !erases)
		return NULL;
	s = pf_arena_alloc(e->arena, sizeof(*s));
	pf_effect *copy = pf_arena_alloc(e->arena, effs.n * sizeof(pf_effect));
	if (effs.n)
		memcpy(copy, effs.v, effs.n * sizeof(pf_effect));
	s->n = effs.n;
	s->effects = copy;
	s->purpose = purpose;
	s->store = store;
	s->erases = erases;
	pf_vec_free(&effs);
	e->specs[fn] = s;
	return s;
}

/* ------------------------------------------------------------------------ */
/* function pointers: which functions may a location hold                   */

static uint64_t vcell_key(const eng *e, uint32_t fidx, const pf_path *p)
{
	if (p->depth > 0)
		return mix(1, p->field[p->depth - 1]);
	switch (p->base) {
	case PF_BASE_GLOBAL: return mix(2, p->var);
	case PF_BASE_LOCAL: return mix(mix(3, fidx), p->var);
	case PF_BASE_PARAM: return mix(mix(4, fidx), p->var);
	case PF_BASE_RET: return mix(5, fidx);
	default: return 0;
	}
	(void)e;
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
	vcell *s, *d;
	int changed = 0;

	if (!dst || !src || dst == src)
		return 0;
	d = vcell_get(e, dst);
	s = vcell_get(e, src); /* after d: creating a cell may move the array */
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

/* Functions a call may reach: its direct callee, or the pointer's set. */
static size_t call_targets(eng *e, uint32_t fidx, const pf_insn *in, pf_declid *out, size_t max)
{
	size_t n = 0;

	if (in->callee) {
		out[n++] = in->callee;
		return n;
	}
	if ((in->fptr.flags & PF_RV_FUNC) && n < max)
		out[n++] = in->fptr.func;
	for (uint32_t i = 0; i < in->fptr.npaths; i++) {
		vcell *c = vcell_get(e, vcell_key(e, fidx, &in->fptr.paths[i]));
		for (size_t k = 0; c && k < c->funcs.n && n < max; k++) {
			const pf_decl *fd = decl(e, c->funcs.v[k]);
			size_t j = 0;
			/* a function that cannot take these arguments is not a
			   target (and a same-named struct of another program's
			   is not this one) */
			if (fd->nparams != in->nargs && !(fd->flags & PF_DF_VARIADIC && in->nargs >= fd->nparams))
				continue;
			while (j < n && out[j] != c->funcs.v[k])
				j++;
			if (j == n)
				out[n++] = c->funcs.v[k];
		}
	}
	return n;
}

#define MAX_TARGETS 64

static void resolve_pointers(eng *e)
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
					size_t nt = call_targets(e, fi, in, tg, MAX_TARGETS);
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

static void add_erase(eng *e, uint32_t fi, pf_sym store)
{
	funcinfo *info = &e->fi[fi];
	for (size_t i = 0; i < info->erases.n; i++)
		if (info->erases.v[i] == store)
			return;
	pf_vec_push(&info->erases, store);
}

/* ------------------------------------------------------------------------ */
/* call graph and SCCs                                                      */

static void build_callgraph(eng *e)
{
	const pf_program *p = e->prog;

	for (uint32_t fi = 0; fi < p->funcs.n; fi++) {
		const pf_func *f = &p->funcs.v[fi];
		funcinfo *info = &e->fi[fi];
		const pf_decl *fd = decl(e, f->decl);
		const char *purpose = annot_value(e, fd, "purpose");
		const char *bound;

		info->purpose = purpose ? esym(e, purpose) : 0;
		info->store = esym(e, annot_value(e, fd, "store"));
		if (annot_value(e, fd, "erases"))
			add_erase(e, fi, esym(e, annot_value(e, fd, "erases")));
		bound = e->pol ? pf_policy_bound_purpose(e->pol, pstr(e, f->loc.file)) : NULL;
		info->binding = esym(e, bound);
		for (uint32_t k = 0; k < f->ninsns; k++) {
			const pf_insn *in = &f->insns[k];
			pf_declid tg[MAX_TARGETS];
			size_t nt;

			if (in->op != PF_OP_CALL)
				continue;
			nt = call_targets(e, fi, in, tg, MAX_TARGETS);
			for (size_t t = 0; t < nt; t++) {
				const pf_func *cf = pf_program_func_of(p, tg[t]);
				if (!cf || spec_of(e, tg[t]))
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
}

typedef PF_VEC(uint32_t) u32vec;

/* Whether an SCC must be analysed again in `round` (> 0): it reads
   globals (which changed), or calls a function whose summary grew. */
static int scc_dirty(const eng *e, const uint32_t *scc, size_t n, int round)
{
	for (size_t k = 0; k < n; k++) {
		const funcinfo *fi = &e->fi[scc[k]];
		if (fi->reads_globals)
			return 1;
		for (size_t j = 0; j < fi->callees.n; j++)
			if (e->fi[fi->callees.v[j]].grew == round + 1)
				return 1;
	}
	return 0;
}

static int rval_reads_global(const eng *e, const pf_rval *rv)
{
	for (uint32_t i = 0; i < rv->npaths; i++)
		if (is_program_global(e, &rv->paths[i]))
			return 1;
	return 0;
}

static void find_global_readers(eng *e)
{
	for (uint32_t fi = 0; fi < e->prog->funcs.n; fi++) {
		const pf_func *f = &e->prog->funcs.v[fi];
		for (uint32_t k = 0; k < f->ninsns && !e->fi[fi].reads_globals; k++) {
			const pf_insn *in = &f->insns[k];
			int r = rval_reads_global(e, &in->src) || rval_reads_global(e, &in->fptr);
			for (uint32_t a = 0; a < in->nargs && !r; a++)
				r = rval_reads_global(e, &in->args[a]);
			e->fi[fi].reads_globals = r;
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

/* ------------------------------------------------------------------------ */
/* the transfer functions                                                   */

typedef PF_VEC(uint64_t) u64vec;

typedef struct fctx {
	eng *e;
	uint32_t fi;
	const pf_func *f;
	summary *sum;
	factvec st;        /* current state */
	factvec tmp;
	uint32_t block;    /* block of the instruction being transferred */
	int emit;          /* record sink events: only in the final pass over
	                      the fixpoint's states, so each call's events
	                      are instantiated once */
	u64vec *gin;       /* per block: conditions known to hold on entry,
	                      slot << 1 | value (must: every path) */
} fctx;

static int is_prefix_slot(const eng *e, const slotdef *a, const slotdef *b)
{
	/* a is a prefix of b (same function context) */
	if (a->func != b->func)
		return 0;
	return pf_path_is_prefix(&a->p, &b->p);
}

/* The record a path's value is (or points to), or 0. */
static pf_sym path_record(const fctx *c, const pf_path *p)
{
	const eng *e = c->e;
	pf_declid d = 0;

	if (p->depth > 0)
		d = p->field[p->depth - 1];
	else if (p->base == PF_BASE_LOCAL && p->var < c->f->nlocals)
		d = c->f->locals[p->var];
	else if (p->base == PF_BASE_PARAM && p->var < c->f->nparams)
		d = c->f->params[p->var];
	else if (p->base == PF_BASE_GLOBAL)
		d = p->var;
	if (!d)
		return 0;
	const pf_decl *dd = decl(e, d);
	return (dd->tclass == PF_TY_RECORD || dd->tclass == PF_TY_RECPTR) ? dd->record : 0;
}

/* The declaration a path's value is read from, for sources. */
static pf_declid path_decl(const fctx *c, const pf_path *p)
{
	if (p->depth > 0)
		return p->field[p->depth - 1];
	switch (p->base) {
	case PF_BASE_LOCAL: return p->var < c->f->nlocals ? c->f->locals[p->var] : 0;
	case PF_BASE_PARAM: return p->var < c->f->nparams ? c->f->params[p->var] : 0;
	case PF_BASE_GLOBAL: return p->var;
	default: return 0;
	}
}

static const char *path_text(const fctx *c, const pf_path *p, char *buf, size_t size)
{
	return pf_path_str(c->e->prog, c->f, p, buf, size);
}

/* Adds the source fact of reading declaration d (through `slot`). */
static void add_source(fctx *c, factvec *out, pf_declid d, pf_loc loc, uint32_t slot,
                       uint32_t owner)
{
	eng *e = c->e;
	fact f = {0};
	const pf_decl *dd = decl(e, d);
	uint64_t key = mix(mix(0x50c, slot), d);
	uint32_t note;

	/* the note's text depends only on the path and the declaration */
	if (!pf_map_get(e->note_ids, key, &note)) {
		char buf[128];
		const char *what = slot ? path_text(c, &e->slots.v[slot].p, buf, sizeof(buf)) : pstr(e, dd->name);
		const char *n = tnote(e, "%s read from %s %s (%s)", what,
		                      dd->kind == PF_DECL_FIELD ? "field" : dd->kind == PF_DECL_PARAM ? "parameter" : "variable",
		                      dd->kind == PF_DECL_FIELD ? tnote(e, "%s.%s", pstr(e, dd->scope), pstr(e, dd->name)) : pstr(e, dd->name),
		                      estr(e, e->src_cat[d]));
		note = pf_strtab_intern(e->strs, n);
		pf_map_put(e->note_ids, key, note);
	}
	f.label = label_id4(e, L_DATA, e->src_cat[d], d, owner);
	f.tr = e->src_tr[d];
	f.t = tstep(e, NULL, loc, estr(e, note));
	fv_add(out, &f);
}

static void add_record_sources(fctx *c, factvec *out, pf_sym rec, pf_loc loc, int depth,
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
			add_source(c, out, fd, loc, 0, owner);
		else if (decl(e, fd)->tclass == PF_TY_RECORD)
			add_record_sources(c, out, decl(e, fd)->record, loc, depth + 1, owner);
	}
}

enum {
	R_WHOLE = 1, /* the whole value is used: a struct read includes its
	                personal fields */
	R_HANDLE = 2 /* the value is a handle (fd, FILE *, CURL *): what its
	                fields hold does not matter */
};

/* Facts a path holds at this point (sources included). */
static void read_path(fctx *c, factvec *out, const pf_path *p0, pf_loc loc, int mode)
{
	eng *e = c->e;
	pf_path p = *p0;
	uint32_t s;
	const slotdef *sd;
	pf_declid d;

	path_norm(&p);
	s = slot_of(e, c->fi, &p);
	sd = &e->slots.v[s];
	const slotdef me = *sd;
	/* a local path never matches a program global's slot, and back */
	const factvec *tables[2] = {&c->st, &e->globals};
	int global = me.func == UINT32_MAX;
	for (int t = global ? 1 : 0; t < (global ? 2 : 1); t++) {
		const factvec *st = tables[t];
		for (size_t i = 0; i < st->n; i++) {
			const fact *f = &st->v[i];
			const slotdef *q = &e->slots.v[f->slot];
			fact nf = *f;
			nf.slot = 0;
			if (f->slot == s || (!(mode & R_HANDLE) && is_prefix_slot(e, &me, q))) {
				fv_add(out, &nf);
			} else if (is_prefix_slot(e, q, &me)) {
				const label *l = lab(e, f->label);
				if (l->kind == L_SYM) {
					const suffix *base = &e->suffixes.v[l->b];
					pf_declid fl[2 * PF_PATH_DEPTH];
					unsigned n = 0;
					for (unsigned k = 0; k < base->n; k++)
						fl[n++] = base->f[k];
					for (unsigned k = q->p.depth; k < me.p.depth; k++)
						fl[n++] = me.p.field[k];
					nf.label = label_id(e, L_SYM, l->a, suffix_id(e, fl, n));
				}
				fv_add(out, &nf);
			}
		}
	}
	/* sources: the declaration read, and a whole struct's fields */
	d = path_decl(c, &p);
	if (d && e->src_cat[d]) {
		uint32_t owner = 0;
		if (p.depth > 0) {
			pf_path o = p;
			o.depth--;
			owner = slot_of(e, c->fi, &o);
		}
		add_source(c, out, d, loc, s, owner);
	}
	if (mode & R_WHOLE)
		add_record_sources(c, out, path_record(c, &p), loc, 0, s);
	/* a global of known handle kind: stderr */
	if (p.base == PF_BASE_GLOBAL && p.depth == 0) {
		const pf_global_spec *gs;
		size_t ng = pf_catalog_globals(e->cat, &gs);
		const char *name = pstr(e, decl(e, p.var)->name);
		for (size_t i = 0; i < ng; i++)
			if (gs[i].name && strcmp(gs[i].name, name) == 0) {
				fact f = {0, label_id(e, L_RES, esym(e, gs[i].resource), 0), 0, NULL};
				fv_add(out, &f);
			}
	}
}

static int interesting_string(const char *s)
{
	static const char *const prefixes[] = {
		"http://", "https://", "ftp://", "smtp://", "smtps://", "ws://", "wss://",
		"select ", "insert ", "update ", "delete ", "replace ", "create ", "upsert ",
		"with ", "/", "./", "../", "%s/", NULL};
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	for (size_t i = 0; prefixes[i]; i++)
		if (strncasecmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* Facts of an rvalue: its paths' facts plus labels of its constants. */
static void read_rval(fctx *c, factvec *out, const pf_rval *rv, pf_loc loc, int mode)
{
	eng *e = c->e;

	for (uint32_t i = 0; i < rv->npaths && !(rv->flags & PF_RV_BOOL); i++)
		read_path(c, out, &rv->paths[i], loc, mode);
	if ((rv->flags & PF_RV_STR) && rv->str && interesting_string(rv->str)) {
		fact f = {0, label_id(e, L_STR, esym(e, rv->str), 0), 0, NULL};
		fv_add(out, &f);
	}
	if ((rv->flags & PF_RV_INT) && !rv->npaths) {
		const pf_global_spec *gs;
		size_t ng = pf_catalog_globals(e->cat, &gs);
		for (size_t i = 0; i < ng; i++)
			if (!gs[i].name && gs[i].fd == rv->ival) {
				fact f = {0, label_id(e, L_RES, esym(e, gs[i].resource), 0), 0, NULL};
				fv_add(out, &f);
			}
	}
}

static int sum_seen(summary *s, uint64_t key);

/* Whether a parameter symbol stands for text or bytes (char *, a char
   array field): what personal data is once copied around. */
static int sym_is_text(const fctx *c, const label *l)
{
	const eng *e = c->e;
	const suffix *sfx = &e->suffixes.v[l->b];
	pf_declid d;

	if (sfx->n)
		d = sfx->f[sfx->n - 1];
	else if (l->a < c->f->nparams)
		d = c->f->params[l->a];
	else
		return 1; /* variadic arguments */
	return decl(e, d)->tclass == PF_TY_STRING || decl(e, d)->tclass == PF_TY_BYTES;
}

/* Writes facts to a path: strong replaces what it and its fields held. */
static void write_path(fctx *c, const pf_path *p0, const factvec *facts, int strong)
{
	eng *e = c->e;
	pf_path p = *p0;
	uint32_t s;

	if (p.base == PF_BASE_NONE)
		return;
	path_norm(&p);
	s = slot_of(e, c->fi, &p);
	if (is_program_global(e, &p)) {
		for (size_t i = 0; i < facts->n; i++) {
			fact f = facts->v[i];
			if (lab(e, f.label)->kind == L_SYM) {
				/* a parameter's text or bytes stored in a global: the
				   callers' arguments reach the global (summary). Records
				   and handles stored in globals are not followed: they
				   are shared state, not data, and would flood every
				   reader of the global. */
				f.slot = s;
				if (sym_is_text(c, lab(e, f.label)) &&
				    !sum_seen(c->sum, mix(mix(0x610b, s), mix(f.label, f.tr))))
					pf_vec_push(&c->sum->gouts, f);
				continue;
			}
			f.slot = s;
			if (fv_add(&e->globals, &f))
				e->globals_changed = 1;
		}
		return;
	}
	if (strong) {
		const slotdef me = e->slots.v[s];
		size_t k = 0;
		for (size_t i = 0; i < c->st.n; i++) {
			const slotdef *q = &e->slots.v[c->st.v[i].slot];
			if (c->st.v[i].slot == s || is_prefix_slot(e, &me, q))
				continue;
			c->st.v[k++] = c->st.v[i];
		}
		c->st.n = k;
	}
	for (size_t i = 0; i < facts->n; i++) {
		fact f = facts->v[i];
		f.slot = s;
		fv_add(&c->st, &f);
	}
}

/* Adds a step to every fact's trace. */
static void facts_step(eng *e, factvec *v, pf_loc loc, const char *note)
{
	for (size_t i = 0; i < v->n; i++)
		if (lab(e, v->v[i].label)->kind == L_DATA || lab(e, v->v[i].label)->kind == L_SYM)
			v->v[i].t = tstep(e, v->v[i].t, loc, note);
}

/* --- summaries ---------------------------------------------------------- */

static int sum_seen(summary *s, uint64_t key)
{
	if (!s->seen)
		s->seen = pf_map_new();
	if (pf_map_get(s->seen, key, NULL))
		return 1;
	pf_map_put(s->seen, key, 1);
	s->size++;
	return 0;
}

static void sum_ret(fctx *c, const factvec *facts)
{
	for (size_t i = 0; i < facts->n; i++) {
		fact f = facts->v[i];
		f.slot = 0;
		if (!sum_seen(c->sum, mix(mix(0x7e7, f.label), f.tr)))
			fv_add(&c->sum->ret, &f);
	}
}

static uint64_t event_key(const event *ev)
{
	uint64_t k = mix(0xe7e, ev->data.label);
	k = mix(k, ev->data.tr);
	k = mix(k, ev->handle);
	k = mix(k, (uint64_t)(int64_t)ev->sink);
	k = mix(k, ev->sink_func);
	k = mix(k, ev->recipient);
	k = mix(k, ev->purpose);
	k = mix(k, ev->binding);
	k = mix(k, ev->loc.file);
	k = mix(k, ev->loc.line);
	k = mix(k, ev->loc.col);
	k = mix(k, ev->store);
	k = mix(k, (uint64_t)ev->store_annot);
	k = mix(k, ev->guard_ok);
	k = mix(k, ev->guard_wrong);
	return mix(k, ev->func);
}

/* --- consent and opt-out checks ---------------------------------------- */

static int guard_index(const eng *e, int kind, const char *use)
{
	for (int i = 0; i < e->nguards; i++)
		if (e->guards[i].kind == kind && strcmp(e->guards[i].use, use) == 0)
			return i;
	return -1;
}

/* The guard a declaration's annotation makes of a value, or -1. */
static int decl_guard(const eng *e, pf_declid d)
{
	const char *v;
	const pf_decl *dd;

	if (!d)
		return -1;
	dd = decl(e, d);
	if (!dd->nannots)
		return -1;
	if ((v = annot_value(e, dd, "optout")))
		return guard_index(e, G_OPTOUT, v);
	if ((v = annot_value(e, dd, "consent")))
		return guard_index(e, G_CONSENT, v);
	return -1;
}

/*
 * What a tested slot is: an opt-out/consent field of some record (its
 * owner), a variable holding one, or the result of an annotated function
 * called on a record. Returns the guard index or -1; *owner gets the
 * record's slot (0 if unknown).
 */
static int resolve_guard_uncached(fctx *c, const pf_path *p, uint32_t *owner, int *neg,
                                  int depth);

/* resolve_guard for a slot, cached: conditions are tested at every sink. */
static int resolve_guard_slot(fctx *c, uint32_t slot, uint32_t *owner)
{
	eng *e = c->e;
	uint32_t v;

	int neg = 0;

	if (pf_map_get(e->guard_cache, slot, &v)) {
		*owner = v ? e->guard_owner.v[v - 1] : 0;
		return v ? (int)e->guard_idx.v[v - 1] : -1;
	}
	int g = resolve_guard_uncached(c, &e->slots.v[slot].p, owner, &neg, 0);
	if (g < 0) {
		pf_map_put(e->guard_cache, slot, 0);
		return -1;
	}
	g |= neg ? 0x100 : 0; /* the slot holds the guard's negation */
	pf_vec_push(&e->guard_owner, *owner);
	pf_vec_push(&e->guard_idx, (uint32_t)g);
	pf_map_put(e->guard_cache, slot, (uint32_t)e->guard_idx.n);
	return g;
}

static int resolve_guard_uncached(fctx *c, const pf_path *p, uint32_t *owner, int *neg,
                                  int depth)
{
	eng *e = c->e;

	*owner = 0;
	if (depth > 4)
		return -1;
	if (p->depth > 0) {
		int g = decl_guard(e, p->field[p->depth - 1]);
		if (g >= 0) {
			pf_path o = *p;
			o.depth--;
			*owner = slot_of(e, c->fi, &o);
		}
		return g;
	}
	if (p->base == PF_BASE_PARAM)
		return decl_guard(e, p->var < c->f->nparams ? c->f->params[p->var] : 0);
	if (p->base == PF_BASE_GLOBAL)
		return decl_guard(e, p->var);
	if (p->base != PF_BASE_LOCAL)
		return -1;
	/* a local: what was assigned to it */
	for (uint32_t i = 0; i < c->f->ninsns; i++) {
		const pf_insn *in = &c->f->insns[i];
		if (!pf_path_eq(&in->dst, p))
			continue;
		if (in->op == PF_OP_ASSIGN && in->src.npaths == 1) {
			if ((in->src.flags & PF_RV_BOOL) && (in->src.flags & PF_RV_NEG))
				*neg = !*neg;
			return resolve_guard_uncached(c, &in->src.paths[0], owner, neg, depth + 1);
		}
		if (in->op == PF_OP_CALL && in->callee) {
			int g = decl_guard(e, in->callee);
			if (g >= 0 && in->nargs > 0 && in->args[0].npaths == 1)
				*owner = slot_of(e, c->fi, &in->args[0].paths[0]);
			return g;
		}
		return -1;
	}
	return -1;
}

/* Guards that hold at the current block for data owned by `owner`. */
static void guard_bits(fctx *c, uint32_t owner, uint32_t *ok, uint32_t *wrong)
{
	eng *e = c->e;
	const u64vec *g = c->gin ? &c->gin[c->block] : NULL;

	for (size_t i = 0; g && i < g->n; i++) {
		uint32_t slot = (uint32_t)(g->v[i] >> 1), gowner;
		int value = (int)(g->v[i] & 1);
		int gi = resolve_guard_slot(c, slot, &gowner);
		if (gi < 0)
			continue;
		if (gi & 0x100) {
			value = !value;
			gi &= 0xff;
		}
		int want = e->guards[gi].kind == G_CONSENT;
		if (value == want && !(owner && gowner && owner != gowner))
			*ok |= 1u << gi;
		else
			*wrong |= 1u << gi;
	}
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Must-analysis of branch outcomes: gin[b] = conditions that hold on
   every path from the entry to block b. */
static u64vec *compute_guards(fctx *c)
{
	eng *e = c->e;
	const pf_func *f = c->f;
	u64vec *gin = pf_calloc(f->nblocks, sizeof(u64vec));
	uint8_t *seen = pf_calloc(f->nblocks, 1);
	int changed = 1;

	if (e->nguards == 0) {
		free(seen);
		return gin;
	}
	seen[0] = 1;
	for (int round = 0; changed && round < 32; round++) {
		changed = 0;
		for (uint32_t b = 0; b < f->nblocks; b++) {
			const pf_block *bl = &f->blocks[b];
			if (!seen[b])
				continue;
			for (uint32_t k = 0; k < bl->nsucc; k++) {
				uint32_t t = bl->succ[k];
				u64vec out = {0};
				if (t >= f->nblocks)
					continue;
				for (size_t i = 0; i < gin[b].n; i++)
					pf_vec_push(&out, gin[b].v[i]);
				if (bl->term == PF_TERM_BRANCH && bl->cond.path.base != PF_BASE_NONE && k < 2) {
					uint32_t slot = slot_of(e, c->fi, &bl->cond.path);
					int value = k == 0 ? !bl->cond.negate : bl->cond.negate;
					pf_vec_push(&out, (uint64_t)slot << 1 | (uint64_t)value);
					if (out.n > 1)
						qsort(out.v, out.n, sizeof(uint64_t), u64_cmp);
				}
				if (!seen[t]) {
					seen[t] = 1;
					pf_vec_free(&gin[t]);
					gin[t] = out;
					changed = 1;
					continue;
				}
				/* intersect */
				size_t n = 0;
				for (size_t i = 0; i < gin[t].n; i++) {
					uint64_t v = gin[t].v[i];
					if (out.n && bsearch(&v, out.v, out.n, sizeof(uint64_t), u64_cmp))
						gin[t].v[n++] = v;
				}
				if (n != gin[t].n) {
					gin[t].n = n;
					changed = 1;
				}
				pf_vec_free(&out);
			}
		}
	}
	free(seen);
	return gin;
}

/*
 * The guard a use needs, or -1: consent guards every use of its purpose;
 * an opt-out guards the uses that reach the user (logs and storage are
 * record keeping, not solicitation). `sink` < 0: not known yet.
 */
static int purpose_guard(const eng *e, pf_sym purpose, int sink)
{
	const pf_pol_purpose *pp;

	if (!purpose || !e->pol || !(pp = pf_policy_purpose(e->pol, estr(e, purpose))))
		return -1;
	if (pp->opt_out && (sink == PF_SINK_STORAGE || sink == PF_SINK_LOG))
		return -1;
	if (pp->opt_out)
		return guard_index(e, G_OPTOUT, pp->opt_out);
	if (pp->consent)
		return guard_index(e, G_CONSENT, pp->consent);
	return -1;
}

/* --- stores --------------------------------------------------------------- */

/* Lower-case word at *p (identifier chars), advancing past it. */
static size_t sql_word(const char **p, char *buf, size_t size)
{
	size_t n = 0;
	while (**p && !((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') || **p == '_' ||
	                **p == '"' || **p == '`' || **p == '[' || **p == '%'))
		(*p)++;
	while (**p == '"' || **p == '`' || **p == '[')
		(*p)++;
	while (**p && ((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') ||
	               (**p >= '0' && **p <= '9') || **p == '_' || **p == '.' || **p == '%')) {
		if (n + 1 < size)
			buf[n++] = (char)(**p >= 'A' && **p <= 'Z' ? **p - 'A' + 'a' : **p);
		(*p)++;
	}
	buf[n] = '\0';
	return n;
}

/*
 * The store a constant string names: the table of an SQL statement, a
 * file path pattern ("%s" -> "*"), a key pattern of a Redis command.
 * *erase says whether the statement deletes (DELETE, DROP, TRUNCATE).
 */
static pf_sym store_name(eng *e, const char *str, int *erase)
{
	char w[128], prev[128] = "", prev2[128] = "", out[256];
	const char *p = str;
	size_t n = 0;

	*erase = 0;
	while (*str == ' ' || *str == '\n' || *str == '\t')
		str++;
	if (strstr(str, "://"))
		return 0;
	if (str[0] == '/' || str[0] == '.' || strncmp(str, "%s/", 3) == 0) {
		for (const char *q = str; *q && n + 2 < sizeof(out); q++) {
			if (*q == '%') {
				q++;
				while (*q && strchr("0123456789.-+ #lzhjt", *q))
					q++;
				if (!*q)
					break;
				out[n++] = '*';
				continue;
			}
			out[n++] = *q;
		}
		out[n] = '\0';
		return esym(e, out);
	}
	p = str;
	sql_word(&p, w, sizeof(w));
	if (!strcmp(w, "set") || !strcmp(w, "get") || !strcmp(w, "hset") || !strcmp(w, "del") ||
	    !strcmp(w, "hmset") || !strcmp(w, "setex") || !strcmp(w, "lpush") || !strcmp(w, "rpush") ||
	    !strcmp(w, "sadd") || !strcmp(w, "unlink") || !strcmp(w, "hdel")) {
		*erase = !strcmp(w, "del") || !strcmp(w, "unlink") || !strcmp(w, "hdel");
		while (*p == ' ')
			p++;
		for (; *p && *p != ' ' && n + 2 < sizeof(out); p++)
			out[n++] = *p == '%' ? (p[1] ? (p++, '*') : '*') : *p;
		out[n] = '\0';
		return n ? esym(e, out) : 0;
	}
	/* SQL: the word after INTO / UPDATE / FROM / TABLE */
	*erase = !strcmp(w, "delete") || !strcmp(w, "drop") || !strcmp(w, "truncate");
	int is_sql = !strcmp(w, "insert") || !strcmp(w, "update") || !strcmp(w, "delete") ||
	             !strcmp(w, "replace") || !strcmp(w, "select") || !strcmp(w, "create") ||
	             !strcmp(w, "drop") || !strcmp(w, "truncate") || !strcmp(w, "upsert") ||
	             !strcmp(w, "with");
	if (!is_sql)
		return strpbrk(str, " \t\n%") ? 0 : esym(e, str); /* a plain store name */
	strcpy(prev, w);
	for (int i = 0; i < 64 && sql_word(&p, w, sizeof(w)); i++) {
		if (!strcmp(prev, "into") || (!strcmp(prev, "update") && strcmp(w, "or")) ||
		    !strcmp(prev, "from") || (!strcmp(prev, "table") && strcmp(w, "if")) ||
		    (!strcmp(prev, "exists") && !strcmp(prev2, "not")) ||
		    (!strcmp(prev, "exists") && !strcmp(prev2, "if"))) {
			if (!strcmp(w, "select") || !strcmp(w, "("))
				return 0;
			return esym(e, w);
		}
		strcpy(prev2, prev);
		strcpy(prev, w);
	}
	return 0;
}


static void sym_add(eng *e, void *vec, pf_sym s)
{
	PF_VEC(pf_sym) *v = vec;
	(void)e;
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i] == s)
			return;
	pf_vec_push(v, s);
}

/* Records that personal data of `cat` is stored in `store` (0: unknown). */
static void note_stored(eng *e, pf_sym store, pf_sym cat, pf_loc loc)
{
	size_t i;

	for (i = 0; i < e->nstored; i++)
		if (e->stored[i].cat == cat)
			break;
	if (i == e->nstored && e->nstored < 256) {
		e->stored[e->nstored].cat = cat;
		e->stored[e->nstored++].loc = loc;
	}
	if (!store)
		return;
	for (i = 0; i < e->stores.n; i++)
		if (e->stores.v[i].name == store)
			break;
	if (i == e->stores.n) {
		store_rec r = {store, loc, {0}};
		pf_vec_push(&e->stores, r);
	}
	sym_add(e, &e->stores.v[i].cats, cat);
}

/* --- flows -------------------------------------------------------------- */

static int label_concrete(const eng *e, uint32_t l)
{
	return l == 0 || lab(e, l)->kind != L_SYM;
}

/* Host of a URL ("https://api.x.com:443/p" -> "api.x.com"). */
static const char *url_host(eng *e, const char *url, int *tls)
{
	const char *p = strstr(url, "://");
	const char *end;

	*tls = strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "smtps://", 8) == 0 ||
	       strncasecmp(url, "wss://", 6) == 0 || strncasecmp(url, "ftps://", 7) == 0;
	if (!p)
		return NULL;
	p += 3;
	end = p;
	while (*end && *end != '/' && *end != ':' && *end != '?' && *end != '%')
		end++;
	if (end == p)
		return NULL;
	return pf_arena_strndup(e->arena, p, (size_t)(end - p));
}

static int resource_sink(eng *e, const char *res)
{
	const pf_resource_sink *rs;
	size_t n = pf_catalog_resource_sinks(e->cat, &rs);

	for (size_t i = 0; i < n; i++)
		if (strcmp(rs[i].resource, res) == 0)
			return rs[i].sink;
	return -1;
}

/* Hands a complete event to the checker. */
static void emit_flow(fctx *c, const event *ev)
{
	eng *e = c->e;
	const label *d = lab(e, ev->data.label);
	pf_flow fl = {0};

	if (d->kind != L_DATA)
		return;
	fl.category = estr(e, d->a);
	fl.origin = d->b;
	fl.transforms = ev->data.tr;
	fl.sink_func = estr(e, ev->sink_func);
	fl.recipient = ev->recipient ? estr(e, ev->recipient) : NULL;
	fl.purpose = ev->purpose ? estr(e, ev->purpose) : ev->binding ? estr(e, ev->binding) : NULL;
	fl.loc = ev->loc;
	fl.function = fname(e, ev->func);
	fl.sink = ev->sink;
	if (ev->store && lab(e, ev->store)->kind == L_STR) {
		int erase;
		pf_sym st = store_name(e, estr(e, lab(e, ev->store)->a), &erase);
		fl.store = st ? estr(e, st) : NULL;
	}
	if (ev->sink < 0) {
		const label *h = lab(e, ev->handle);
		if (h->kind == L_RES) {
			fl.sink = resource_sink(e, estr(e, h->a));
			if (fl.sink < 0)
				return;
		} else if (h->kind == L_STR) {
			int tls;
			const char *url = estr(e, h->a);
			fl.host = url_host(e, url, &tls);
			if (!strstr(url, "://"))
				return; /* not a URL: SQL or a path given as handle */
			fl.sink = tls ? PF_SINK_NETWORK_TLS : PF_SINK_NETWORK;
			if (fl.host && !fl.recipient && e->pol &&
			    !pf_policy_is_first_party_host(e->pol, fl.host)) {
				const pf_pol_recipient *r = pf_policy_recipient_for_host(e->pol, fl.host);
				fl.recipient = r ? r->id : tnote(e, "host:%s", fl.host);
			}
		} else {
			return;
		}
	}
	{
		pf_sym purpose = ev->purpose ? ev->purpose : ev->binding;
		int g = purpose_guard(e, purpose, fl.sink);
		if (g >= 0 && !(ev->guard_ok & (1u << g))) {
			fl.guard_missing = 1;
			fl.guard_wrong = (ev->guard_wrong >> g) & 1;
			fl.guard_id = tnote(e, "%s:%s", e->guards[g].kind == G_CONSENT ? "consent" : "optout",
			                    e->guards[g].use);
		}
	}
	sym_add(e, &e->fi[ev->func].out_cats, d->a);
	if (fl.sink == PF_SINK_STORAGE)
		note_stored(e, fl.store ? esym(e, fl.store) : 0, d->a, ev->loc);
	fl.trace = tstep(e, ev->data.t, ev->loc,
	                 tnote(e, "reaches %s() (%s%s%s)", fl.sink_func, pf_sink_id(fl.sink),
	                       fl.recipient ? ", recipient " : "", fl.recipient ? fl.recipient : ""));
	pf_checker_flow(e->chk, &fl);
}

/* Records an event in the current function: emits it if complete and
   attributable, else keeps it in the summary for the callers. */
static void record_event(fctx *c, event ev)
{
	if (!c->emit)
		return;
	eng *e = c->e;
	funcinfo *info = &e->fi[c->fi];

	if (!ev.purpose)
		ev.purpose = info->purpose;
	if (!ev.binding)
		ev.binding = info->binding;
	if (info->store && !ev.store_annot) {
		ev.store = label_id(e, L_STR, info->store, 0);
		ev.store_annot = 1;
	}
	if (info->ncallers == 0 && ev.store && !label_concrete(e, ev.store))
		ev.store = 0; /* no caller will name it */
	if (e->nguards) {
		const label *dl = lab(e, ev.data.label);
		guard_bits(c, dl->kind == L_DATA ? dl->c : 0, &ev.guard_ok, &ev.guard_wrong);
	}
	if (label_concrete(e, ev.data.label) && label_concrete(e, ev.handle) &&
	    label_concrete(e, ev.store)) {
		if (lab(e, ev.data.label)->kind != L_DATA)
			return;
		int g = purpose_guard(e, ev.purpose, ev.sink);
		int unguarded = g >= 0 && !(ev.guard_ok & (1u << g));
		if ((ev.purpose && !(unguarded && info->ncallers > 0)) || info->ncallers == 0) {
			if (!sum_seen(c->sum, event_key(&ev) ^ 0xf10f))
				emit_flow(c, &ev);
			return;
		}
	}
	if (info->ncallers == 0)
		return; /* symbolic data never made concrete */
	if (lab(e, ev.data.label)->kind == L_SYM) {
		if (c->sum->nsym >= MAX_SYM_EVENTS) {
			if (!c->sum->truncated) {
				c->sum->truncated = 1;
				e->ntruncated++;
			}
			return;
		}
	}
	if (!sum_seen(c->sum, event_key(&ev))) {
		pf_vec_push(&c->sum->events, ev);
		c->sum->nsym += lab(e, ev.data.label)->kind == L_SYM;
	}
}

/* --- calls -------------------------------------------------------------- */

static int effect_applies(fctx *c, const pf_insn *in, const pf_effect *ef)
{
	const eng *e = c->e;

	if (ef->when_arg < 0)
		return 1;
	if ((uint32_t)ef->when_arg >= in->nargs)
		return 0;
	const pf_rval *a = &in->args[ef->when_arg];
	if (ef->when_ident) {
		if (a->ident && strcmp(pstr(e, decl(e, a->ident)->name), ef->when_ident) == 0)
			return 1;
		return 0;
	}
	if (ef->when_str) {
		if ((a->flags & PF_RV_STR) && a->str && pf_glob_match(ef->when_str, a->str))
			return 1;
		return 0;
	}
	return 1;
}

static int arg_in(const pf_effect *ef, uint32_t i)
{
	return (i < 64 && (ef->from & (1ull << i))) ||
	       (ef->from_rest >= 0 && i >= (uint32_t)ef->from_rest);
}

static void effect_inputs(fctx *c, factvec *out, const pf_insn *in, const pf_effect *ef, int mode)
{
	for (uint32_t i = 0; i < in->nargs; i++)
		if (arg_in(ef, i))
			read_rval(c, out, &in->args[i], in->loc, mode);
}

static void effect_output(fctx *c, const pf_insn *in, int to, const factvec *facts, int strong)
{
	if (to == PF_ARG_RET) {
		write_path(c, &in->dst, facts, in->strong);
	} else if (to >= 0 && (uint32_t)to < in->nargs) {
		const pf_rval *a = &in->args[to];
		for (uint32_t i = 0; i < a->npaths; i++)
			write_path(c, &a->paths[i], facts,
			           strong && a->npaths == 1 && a->paths[i].base == PF_BASE_LOCAL);
	}
}

/* A store argument that is a parameter's symbol: what the callers pass
   there may be a deletion. */
static void mark_erase_param(fctx *c, const label *l)
{
	if (l->a < 32 && c->e->suffixes.v[l->b].n == 0 && !(c->sum->erase_params & (1u << l->a))) {
		c->sum->erase_params |= 1u << l->a;
		c->sum->size++;
	}
}

/* The label naming a sink's store: a constant string (SQL, path) of the
   store argument, else its symbol for the callers to resolve. SQL that
   deletes also records an erasure. */
static uint32_t pick_store(fctx *c, const factvec *sf, int allow_sym)
{
	eng *e = c->e;
	uint32_t sym = 0, str = 0;

	for (size_t i = 0; i < sf->n; i++) {
		const label *l = lab(e, sf->v[i].label);
		int erase;
		if (l->kind == L_STR) {
			pf_sym st = store_name(e, estr(e, l->a), &erase);
			if (st && erase)
				add_erase(e, c->fi, st);
			else if (st && !str)
				str = sf->v[i].label;
		} else if (l->kind == L_SYM && allow_sym) {
			if (!sym)
				sym = sf->v[i].label;
			mark_erase_param(c, l);
		}
	}
	return str ? str : sym;
}

static void call_spec(fctx *c, const pf_insn *in, pf_declid callee, const spec *sp)
{
	eng *e = c->e;
	const char *name = pstr(e, decl(e, callee)->name);
	factvec in_f = {0}, out_f = {0};

	if (sp->erases)
		add_erase(e, c->fi, esym(e, sp->erases));
	for (size_t k = 0; k < sp->n; k++) {
		const pf_effect *ef = &sp->effects[k];
		if (!effect_applies(c, in, ef))
			continue;
		in_f.n = out_f.n = 0;
		switch (ef->kind) {
		case PF_EFF_SOURCE: {
			fact f = {0};
			f.label = label_id(e, L_DATA, esym(e, ef->category), 0);
			f.t = tstep(e, NULL, in->use, tnote(e, "%s obtained from %s()", ef->category, name));
			fv_add(&out_f, &f);
			effect_output(c, in, ef->to, &out_f, 0);
			pf_checker_source(e->chk, 0, ef->category, fname(e, c->fi));
			break;
		}
		case PF_EFF_PROPAGATE:
		case PF_EFF_SANITIZE: {
			effect_inputs(c, &in_f, in, ef, 0);
			const char *note = ef->kind == PF_EFF_SANITIZE
				? cnote(e, N_SANITIZED, name, 0, ef->transform)
				: cnote(e, N_COPIED, name, 0, 0);
			for (size_t i = 0; i < in_f.n; i++) {
				fact f = in_f.v[i];
				int kind = lab(e, f.label)->kind;
				if (ef->kind == PF_EFF_SANITIZE && (kind == L_DATA || kind == L_SYM))
					f.tr |= 1u << ef->transform;
				if (kind == L_DATA || kind == L_SYM)
					f.t = tstep(e, f.t, in->use, note);
				fv_add(&out_f, &f);
			}
			effect_output(c, in, ef->to, &out_f, ef->overwrite);
			break;
		}
		case PF_EFF_HANDLE: {
			fact f = {0, label_id(e, L_RES, esym(e, ef->resource), 0), 0, NULL};
			fv_add(&out_f, &f);
			/* a handle remembers the path or SQL it was opened with */
			effect_inputs(c, &in_f, in, ef, R_HANDLE);
			for (size_t i = 0; i < in_f.n; i++) {
				int kind = lab(e, in_f.v[i].label)->kind;
				if (kind == L_STR || kind == L_SYM) {
					fact hf = in_f.v[i];
					hf.t = NULL;
					fv_add(&out_f, &hf);
				}
			}
			effect_output(c, in, ef->to, &out_f, 1);
			break;
		}
		case PF_EFF_ERASE: {
			effect_inputs(c, &in_f, in, ef, 0);
			for (size_t i = 0; i < in_f.n; i++) {
				const label *l = lab(e, in_f.v[i].label);
				int erase;
				pf_sym st;
				if (l->kind == L_STR && (st = store_name(e, estr(e, l->a), &erase)))
					add_erase(e, c->fi, st);
				else if (l->kind == L_SYM)
					mark_erase_param(c, l);
			}
			break;
		}
		case PF_EFF_URL: {
			effect_inputs(c, &in_f, in, ef, 0);
			for (size_t i = 0; i < in_f.n; i++) {
				int kind = lab(e, in_f.v[i].label)->kind;
				if (kind == L_STR || kind == L_SYM) {
					fact hf = in_f.v[i];
					hf.t = NULL;
					fv_add(&out_f, &hf);
				}
			}
			effect_output(c, in, ef->to, &out_f, 0);
			break;
		}
		case PF_EFF_SINK: {
			factvec hf = {0}, sf = {0};
			uint32_t store = 0;
			effect_inputs(c, &in_f, in, ef, R_WHOLE);
			if (ef->sink < 0 && ef->handle >= 0 && (uint32_t)ef->handle < in->nargs)
				read_rval(c, &hf, &in->args[ef->handle], in->loc, R_HANDLE);
			if (ef->store_arg >= 0 && (uint32_t)ef->store_arg < in->nargs)
				read_rval(c, &sf, &in->args[ef->store_arg], in->loc, R_HANDLE);
			else if (ef->handle >= 0 && (uint32_t)ef->handle < in->nargs)
				read_rval(c, &sf, &in->args[ef->handle], in->loc, R_HANDLE);
			store = pick_store(c, &sf, ef->store_arg >= 0);
			if (sp->store)
				store = label_id(e, L_STR, esym(e, sp->store), 0);
			pf_vec_free(&sf);
			for (size_t i = 0; i < in_f.n; i++) {
				int kind = lab(e, in_f.v[i].label)->kind;
				if (kind != L_DATA && kind != L_SYM)
					continue;
				event ev = {0};
				ev.data = in_f.v[i];
				ev.sink = ef->sink;
				ev.sink_func = esym(e, name);
				ev.recipient = esym(e, ef->recipient);
				ev.purpose = esym(e, ef->purpose ? ef->purpose : sp->purpose);
				ev.loc = in->use;
				ev.func = c->fi;
				ev.store = store;
				if (ef->sink >= 0) {
					record_event(c, ev);
					continue;
				}
				for (size_t h = 0; h < hf.n; h++) {
					int hk = lab(e, hf.v[h].label)->kind;
					if (hk == L_DATA)
						continue;
					if (ef->sink == PF_SINK_BY_HANDLE && hk == L_STR)
						continue;
					if (ef->sink == PF_SINK_BY_URL && hk == L_RES)
						continue;
					ev.handle = hf.v[h].label;
					record_event(c, ev);
				}
			}
			pf_vec_free(&hf);
			break;
		}
		default:
			break;
		}
	}
	pf_vec_free(&in_f);
	pf_vec_free(&out_f);
}

/*
 * Facts of SYM label `l` (a callee's parameter k + suffix) in the caller:
 * the caller's facts of argument k extended by the suffix. Variadic
 * symbols read every argument from the callee's first variadic one.
 */
static void subst_sym(fctx *c, factvec *out, const pf_insn *in, const pf_func *callee,
                      uint32_t l, int mode)
{
	eng *e = c->e;
	const label *lb = lab(e, l);
	const suffix *sfx = &e->suffixes.v[lb->b];
	uint32_t first = lb->a, last = lb->a + 1;

	if (lb->a == SYM_VARARGS) {
		first = callee ? callee->nparams : 0;
		last = in->nargs;
	}
	for (uint32_t k = first; k < last && k < in->nargs; k++) {
		const pf_rval *a = &in->args[k];
		if (sfx->n == 0) {
			read_rval(c, out, a, a->loc.line ? a->loc : in->loc, mode);
			continue;
		}
		for (uint32_t i = 0; i < a->npaths; i++) {
			pf_path p = path_extend(&a->paths[i], sfx);
			read_path(c, out, &p, in->loc, mode);
		}
	}
}

/* The caller's slot for a callee's owner slot: a parameter's path maps
   onto the argument's; anything else is unknown here (0). */
static uint32_t owner_in_caller(fctx *c, const pf_insn *in, uint32_t slot)
{
	const slotdef *sd = &c->e->slots.v[slot];

	if (is_program_global(c->e, &sd->p))
		return slot;
	if (sd->p.base != PF_BASE_PARAM || sd->p.var >= in->nargs ||
	    in->args[sd->p.var].npaths != 1)
		return 0;
	pf_path p = in->args[sd->p.var].paths[0];
	for (unsigned i = 0; i < sd->p.depth && p.depth < PF_PATH_DEPTH; i++)
		p.field[p.depth++] = sd->p.field[i];
	return slot_of(c->e, c->fi, &p);
}

/* Translates a callee fact into caller facts (appending its trace). */
static void translate_fact(fctx *c, factvec *out, const pf_insn *in, const pf_func *callee,
                           const fact *cf, const char *via, int mode)
{
	eng *e = c->e;
	const label *l = lab(e, cf->label);

	if (l->kind != L_SYM) {
		fact f = *cf;
		f.slot = 0;
		if (l->kind == L_DATA && via)
			f.t = tstep(e, f.t, in->use, via);
		if (l->kind == L_DATA && l->c)
			f.label = label_id4(e, L_DATA, l->a, l->b, owner_in_caller(c, in, l->c));
		fv_add(out, &f);
		return;
	}
	factvec args = {0};
	subst_sym(c, &args, in, callee, cf->label, mode);
	for (size_t i = 0; i < args.n; i++) {
		fact f = args.v[i];
		int kind = lab(e, f.label)->kind;
		f.tr |= cf->tr;
		if (kind == L_DATA || kind == L_SYM) {
			f.t = tstep(e, f.t, in->use, cnote(e, N_PASSED, fname(e, (uint32_t)(callee - e->prog->funcs.v)), 0, 0));
			f.t = tconcat(e, f.t, cf->t);
			if (via)
				f.t = tstep(e, f.t, in->use, via);
		}
		fv_add(out, &f);
	}
	pf_vec_free(&args);
}

static void call_summary(fctx *c, const pf_insn *in, uint32_t ci)
{
	eng *e = c->e;
	const pf_func *callee = &e->prog->funcs.v[ci];
	summary *s = &e->fi[ci].sum;
	const char *cname = fname(e, ci);
	factvec out = {0};

	/* return value */
	if (in->dst.base != PF_BASE_NONE && s->ret.n) {
		const char *via = cnote(e, N_RETURNED, cname, 0, 0);
		for (size_t i = 0; i < s->ret.n; i++)
			translate_fact(c, &out, in, callee, &s->ret.v[i], via, 0);
		write_path(c, &in->dst, &out, in->strong);
	}
	/* out-parameters */
	for (size_t i = 0; i < s->outs.n; i++) {
		const outfact *o = &s->outs.v[i];
		if (o->param >= in->nargs)
			continue;
		out.n = 0;
		translate_fact(c, &out, in, callee, &o->f,
		               cnote(e, N_WRITTEN, cname, o->param + 1, 0), 0);
		const pf_rval *a = &in->args[o->param];
		const suffix *sfx = &e->suffixes.v[o->suffix];
		for (uint32_t k = 0; k < a->npaths; k++) {
			pf_path p = path_extend(&a->paths[k], sfx);
			write_path(c, &p, &out, 0);
		}
	}
	/* globals that receive the arguments: only personal data (and
	   symbols, for the callers) are carried there, not every handle and
	   string the program passes around */
	for (size_t i = 0; i < s->gouts.n; i++) {
		out.n = 0;
		translate_fact(c, &out, in, callee, &s->gouts.v[i], cnote(e, N_GLOBAL, cname, 0, 0), 0);
		size_t k = 0;
		for (size_t j = 0; j < out.n; j++) {
			int kind = lab(e, out.v[j].label)->kind;
			if (kind == L_DATA || kind == L_SYM)
				out.v[k++] = out.v[j];
		}
		out.n = k;
		if (out.n)
			write_path(c, &e->slots.v[s->gouts.v[i].slot].p, &out, 0);
	}
	/* deletions named by the caller's arguments */
	for (uint32_t k = 0; s->erase_params && k < 32 && k < in->nargs; k++) {
		if (!(s->erase_params & (1u << k)))
			continue;
		factvec af = {0};
		read_rval(c, &af, &in->args[k], in->loc, R_HANDLE);
		for (size_t i = 0; i < af.n; i++) {
			const label *l = lab(e, af.v[i].label);
			int erase;
			pf_sym st;
			/* a DELETE statement, or a path (the parameter was unlinked) */
			if (l->kind == L_STR && (st = store_name(e, estr(e, l->a), &erase)) &&
			    (erase || strchr(estr(e, st), '/')))
				add_erase(e, c->fi, st);
			if (l->kind == L_SYM)
				mark_erase_param(c, l);
		}
		pf_vec_free(&af);
	}
	/* sink events */
	for (size_t i = 0; c->emit && i < s->events.n; i++) {
		event ev = s->events.v[i];
		factvec data = {0}, handles = {0};
		int varargs = lab(e, ev.data.label)->kind == L_SYM &&
		              lab(e, ev.data.label)->a == SYM_VARARGS;

		translate_fact(c, &data, in, callee, &ev.data, NULL, R_WHOLE);
		if (ev.handle && lab(e, ev.handle)->kind == L_SYM) {
			fact hf = {0, ev.handle, 0, NULL};
			translate_fact(c, &handles, in, callee, &hf, NULL, R_HANDLE);
		} else {
			fact hf = {0, ev.handle, 0, NULL};
			fv_add(&handles, &hf);
		}
		uint32_t store = ev.store;
		if (store && lab(e, store)->kind == L_SYM) {
			factvec sf = {0};
			fact stf = {0, store, 0, NULL};
			translate_fact(c, &sf, in, callee, &stf, NULL, R_HANDLE);
			store = pick_store(c, &sf, 1);
			pf_vec_free(&sf);
		}
		for (size_t d = 0; d < data.n; d++) {
			int kind = lab(e, data.v[d].label)->kind;
			if (kind != L_DATA && kind != L_SYM)
				continue;
			for (size_t h = 0; h < handles.n; h++) {
				int hk = handles.v[h].label ? lab(e, handles.v[h].label)->kind : L_NONE;
				if (ev.sink < 0 && (hk == L_DATA || hk == L_NONE))
					continue;
				if (ev.sink == PF_SINK_BY_HANDLE && hk == L_STR)
					continue;
				if (ev.sink == PF_SINK_BY_URL && hk == L_RES)
					continue;
				event ne = ev;
				ne.data = data.v[d];
				ne.store = store;
				ne.handle = ev.sink < 0 ? handles.v[h].label : 0;
				if (varargs) {
					/* a variadic wrapper is the sink: report its call */
					ne.loc = in->use;
					ne.func = c->fi;
					ne.sink_func = esym(e, cname);
				}
				record_event(c, ne);
				if (ev.sink >= 0)
					break;
			}
		}
		pf_vec_free(&data);
		pf_vec_free(&handles);
	}
	pf_vec_free(&out);
}

/* An external function nobody described: a pointer result may carry
   what its arguments carry (json_string(email)); a number does not. */
static void call_unknown(fctx *c, const pf_insn *in, pf_declid callee)
{
	factvec out = {0};
	const pf_decl *d = callee ? decl(c->e, callee) : NULL;

	if (in->dst.base == PF_BASE_NONE || !d)
		return;
	if (d->tclass != PF_TY_STRING && d->tclass != PF_TY_BYTES &&
	    d->tclass != PF_TY_POINTER && d->tclass != PF_TY_RECPTR)
		return;
	for (uint32_t i = 0; i < in->nargs; i++)
		read_rval(c, &out, &in->args[i], in->loc, 0);
	/* keep only data */
	size_t k = 0;
	for (size_t i = 0; i < out.n; i++) {
		int kind = lab(c->e, out.v[i].label)->kind;
		if (kind == L_DATA || kind == L_SYM)
			out.v[k++] = out.v[i];
	}
	out.n = k;
	facts_step(c->e, &out, in->use, cnote(c->e, N_THROUGH, pstr(c->e, d->name), 0, 0));
	write_path(c, &in->dst, &out, in->strong);
	pf_vec_free(&out);
}

static void transfer_call(fctx *c, const pf_insn *in)
{
	eng *e = c->e;
	pf_declid tg[MAX_TARGETS];
	size_t nt = call_targets(e, c->fi, in, tg, MAX_TARGETS);

	for (size_t t = 0; t < nt; t++) {
		const spec *sp = spec_of(e, tg[t]);
		const pf_func *cf;
		if (sp)
			call_spec(c, in, tg[t], sp);
		else if ((cf = pf_program_func_of(e->prog, tg[t])))
			call_summary(c, in, (uint32_t)(cf - e->prog->funcs.v));
		else
			call_unknown(c, in, tg[t]);
	}
}

static void transfer(fctx *c, const pf_insn *in)
{
	factvec *v = &c->tmp;

	v->n = 0;
	switch (in->op) {
	case PF_OP_ASSIGN:
		read_rval(c, v, &in->src, in->loc, 0);
		write_path(c, &in->dst, v, in->strong);
		break;
	case PF_OP_RETURN:
		read_rval(c, v, &in->src, in->loc, 0);
		sum_ret(c, v);
		break;
	case PF_OP_CALL:
		transfer_call(c, in);
		break;
	default:
		break;
	}
}

/* Parameter out-effects at the exit: what a parameter (or a field of
   it) holds that it did not hold at entry. */
static void record_outs(fctx *c, const factvec *exit)
{
	eng *e = c->e;

	for (size_t i = 0; i < exit->n; i++) {
		const fact *f = &exit->v[i];
		const slotdef *sd = &e->slots.v[f->slot];
		const label *l = lab(e, f->label);
		if (sd->p.base != PF_BASE_PARAM || (l->kind != L_DATA && l->kind != L_SYM))
			continue;
		if (l->kind == L_SYM && l->a == sd->p.var && sd->p.depth == 0 &&
		    e->suffixes.v[l->b].n == 0)
			continue; /* its own initial value */
		if (l->kind == L_SYM && l->a == sd->p.var)
			continue; /* a field of itself */
		uint32_t sfx = suffix_id(e, sd->p.field, sd->p.depth);
		uint64_t key = mix(mix(mix(0x0a7, sd->p.var), sfx), mix(f->label, f->tr));
		if (sum_seen(c->sum, key))
			continue;
		outfact o = {sd->p.var, sfx, *f};
		o.f.slot = 0;
		pf_vec_push(&c->sum->outs, o);
	}
}

static void analyse_function(eng *e, uint32_t fi)
{
	const pf_func *f = &e->prog->funcs.v[fi];
	fctx c = {.e = e, .fi = fi, .f = f, .sum = &e->fi[fi].sum};
	factvec *in, *out, exitst = {0};
	u32vec work = {0};
	uint8_t *queued;

	if (f->nblocks == 0)
		return;
	in = pf_calloc(f->nblocks, sizeof(factvec));
	out = pf_calloc(f->nblocks, sizeof(factvec));
	queued = pf_calloc(f->nblocks, 1);
	c.gin = compute_guards(&c);
	/* entry: each parameter holds its symbol */
	for (uint32_t k = 0; k < f->nparams; k++) {
		pf_path p = {.base = PF_BASE_PARAM, .var = k};
		const pf_decl *pd = decl(e, f->params[k]);
		fact fc = {slot_of(e, fi, &p), label_id(e, L_SYM, k, suffix_id(e, NULL, 0)), 0, NULL};
		fc.t = tstep(e, NULL, pd->loc, tnote(e, "parameter %s of %s()", pstr(e, pd->name), fname(e, fi)));
		fv_add(&in[0], &fc);
	}
	if (decl(e, f->decl)->flags & PF_DF_VARIADIC) {
		pf_path p = {.base = PF_BASE_VARARGS};
		fact fc = {slot_of(e, fi, &p), label_id(e, L_SYM, SYM_VARARGS, suffix_id(e, NULL, 0)), 0, NULL};
		fc.t = tstep(e, NULL, f->loc, tnote(e, "variadic arguments of %s()", fname(e, fi)));
		fv_add(&in[0], &fc);
	}
	/* worklist in block order (the frontend numbers blocks in source order) */
	for (uint32_t b = 0; b < f->nblocks; b++) {
		pf_vec_push(&work, b);
		queued[b] = 1;
	}
	size_t budget = (size_t)f->nblocks * 64 + 256;
	while (work.n && budget--) {
		/* pop the lowest-numbered block for a roughly forward order */
		size_t best = 0;
		for (size_t i = 1; i < work.n; i++)
			if (work.v[i] < work.v[best])
				best = i;
		uint32_t b = work.v[best];
		work.v[best] = work.v[--work.n];
		queued[b] = 0;

		const pf_block *bl = &f->blocks[b];
		c.block = b;
		fv_copy(&c.st, &in[b]);
		for (uint32_t k = 0; k < bl->count; k++)
			transfer(&c, &f->insns[bl->first + k]);
		fv_copy(&out[b], &c.st);
		if (bl->term == PF_TERM_EXIT)
			fv_union(&exitst, &c.st);
		for (uint32_t s = 0; s < bl->nsucc; s++) {
			uint32_t t = bl->succ[s];
			if (t >= f->nblocks)
				continue;
			if (fv_union(&in[t], &c.st) && !queued[t]) {
				pf_vec_push(&work, t);
				queued[t] = 1;
			}
		}
	}
	/* the final pass: sink events, once per instruction, on the fixpoint */
	c.emit = 1;
	for (uint32_t b = 0; b < f->nblocks; b++) {
		const pf_block *bl = &f->blocks[b];
		c.block = b;
		fv_copy(&c.st, &in[b]);
		for (uint32_t k = 0; k < bl->count; k++)
			transfer(&c, &f->insns[bl->first + k]);
	}
	record_outs(&c, &exitst);
	for (uint32_t b = 0; b < f->nblocks; b++) {
		pf_vec_free(&in[b]);
		pf_vec_free(&out[b]);
		pf_vec_free(&c.gin[b]);
	}
	free(c.gin);
	free(in);
	free(out);
	free(queued);
	pf_vec_free(&work);
	pf_vec_free(&exitst);
	pf_vec_free(&c.st);
	pf_vec_free(&c.tmp);
}

/* ------------------------------------------------------------------------ */
/* erasure and export entry points                                          */

static int store_matches(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0 || pf_glob_match(a, b) || pf_glob_match(b, a);
}

/* Functions reachable from `root` (itself included), into mark[]. */
static void reach(eng *e, uint32_t root, uint8_t *mark)
{
	u32vec stack = {0};

	pf_vec_push(&stack, root);
	mark[root] = 1;
	while (stack.n) {
		uint32_t f = stack.v[--stack.n];
		for (size_t i = 0; i < e->fi[f].callees.n; i++) {
			uint32_t g = e->fi[f].callees.v[i];
			if (!mark[g]) {
				mark[g] = 1;
				pf_vec_push(&stack, g);
			}
		}
	}
	pf_vec_free(&stack);
}

static int exempt(const eng *e, const char *store)
{
	for (size_t i = 0; e->pol && i < e->pol->erasure_exempt.n; i++)
		if (store_matches(e->pol->erasure_exempt.v[i], store))
			return 1;
	return 0;
}

static void check_erasure(eng *e, uint32_t fi, uint8_t *mark)
{
	const pf_decl *fd = decl(e, e->prog->funcs.v[fi].decl);
	char msg[2048];
	size_t len = 0, missed = 0;
	const pf_tnode *trace = NULL;

	for (size_t s = 0; s < e->stores.n; s++) {
		const store_rec *st = &e->stores.v[s];
		const char *name = estr(e, st->name);
		int erased = 0;
		if (exempt(e, name))
			continue;
		for (uint32_t f = 0; f < e->prog->funcs.n && !erased; f++)
			for (size_t k = 0; mark[f] && k < e->fi[f].erases.n && !erased; k++)
				erased = store_matches(estr(e, e->fi[f].erases.v[k]), name);
		if (erased)
			continue;
		len += (size_t)snprintf(msg + len, len < sizeof(msg) ? sizeof(msg) - len : 0, "%s%s (%s)",
		                        missed++ ? ", " : "", name, estr(e, st->cats.v[0]));
		trace = tstep(e, trace, st->loc,
		              tnote(e, "store %s receives %s here and is not erased", name, estr(e, st->cats.v[0])));
	}
	if (!missed)
		return;
	char full[2300];
	snprintf(full, sizeof(full), "account closure %s() leaves personal data in %zu store%s: %s",
	         pstr(e, fd->name), missed, missed > 1 ? "s" : "", msg);
	pf_checker_entry(e->chk, PF_RULE_INCOMPLETE_ERASURE, fd, full, trace);
}

static void check_export(eng *e, uint32_t fi, uint8_t *mark)
{
	const pf_decl *fd = decl(e, e->prog->funcs.v[fi].decl);
	char msg[2048];
	size_t len = 0, missed = 0;
	const pf_tnode *trace = NULL;

	for (size_t s = 0; s < e->nstored; s++) {
		const char *cat = estr(e, e->stored[s].cat);
		const pf_pol_category *pc = e->pol ? pf_policy_category(e->pol, cat) : NULL;
		int covered = 0;
		if (pc && (pc->credential || pc->never_stored))
			continue; /* secrets and forbidden data are not exported */
		for (uint32_t f = 0; f < e->prog->funcs.n && !covered; f++)
			for (size_t k = 0; mark[f] && k < e->fi[f].out_cats.n && !covered; k++) {
				const char *x = estr(e, e->fi[f].out_cats.v[k]);
				covered = pf_category_covers(x, cat) || pf_category_covers(cat, x);
			}
		if (covered)
			continue;
		len += (size_t)snprintf(msg + len, len < sizeof(msg) ? sizeof(msg) - len : 0, "%s%s",
		                        missed++ ? ", " : "", cat);
		trace = tstep(e, trace, e->stored[s].loc, tnote(e, "%s is stored here", cat));
	}
	if (!missed)
		return;
	char full[2300];
	snprintf(full, sizeof(full), "data export %s() omits %zu stored categor%s: %s",
	         pstr(e, fd->name), missed, missed > 1 ? "ies" : "y", msg);
	pf_checker_entry(e->chk, PF_RULE_INCOMPLETE_EXPORT, fd, full, trace);
}

static void check_entries(eng *e)
{
	size_t nf = e->prog->funcs.n;
	uint8_t *mark = pf_calloc(nf ? nf : 1, 1);

	for (uint32_t fi = 0; fi < nf; fi++) {
		const pf_decl *fd = decl(e, e->prog->funcs.v[fi].decl);
		int erasure = annot_value(e, fd, "erasure") != NULL;
		int export = annot_value(e, fd, "export") != NULL;
		if (!erasure && !export)
			continue;
		memset(mark, 0, nf);
		reach(e, fi, mark);
		if (erasure && e->pol && e->pol->erasure_required)
			check_erasure(e, fi, mark);
		if (export && e->pol && e->pol->export_required)
			check_export(e, fi, mark);
	}
	free(mark);
}

static void report_sources(eng *e)
{
	const pf_program *p = e->prog;

	for (pf_declid id = 1; id < p->decls.n; id++) {
		const pf_decl *d = decl(e, id);
		const char *fn = NULL;

		/* a function is a source by its annotation (its return value) */
		if (!e->src_cat[id] || (d->flags & PF_DF_SYSTEM))
			continue;
		if (d->kind == PF_DECL_FUNC && !annot_value(e, d, "data"))
			continue;
		if (d->kind == PF_DECL_PARAM || d->kind == PF_DECL_LOCAL)
			fn = pstr(e, d->scope);
		pf_checker_source(e->chk, id, estr(e, e->src_cat[id]), fn);
	}
}

int pf_engine_run(pf_results *res, const pf_program *prog, const pf_catalog *cat,
                  const pf_policy *pol, const pf_engine_opts *opts)
{
	eng e = {0};
	u32vec order = {0};
	size_t nd = prog->decls.n, nf = prog->funcs.n;

	(void)opts;
	e.prog = prog;
	e.cat = cat;
	e.pol = pol;
	e.arena = pf_arena_new();
	e.strs = pf_strtab_new();
	e.tnode_ids = pf_map_new();
	e.note_ids = pf_map_new();
	e.concat_ids = pf_map_new();
	e.guard_cache = pf_map_new();
	e.label_ids = pf_map_new();
	e.suffix_ids = pf_map_new();
	e.slot_ids = pf_map_new();
	e.vcell_ids = pf_map_new();
	e.specs = pf_calloc(nd, sizeof(*e.specs));
	e.spec_done = pf_calloc(nd, 1);
	e.fi = pf_calloc(nf ? nf : 1, sizeof(funcinfo));
	label none = {0};
	pf_vec_push(&e.labels, none); /* label 0: none */
	suffix_id(&e, NULL, 0);
	e.chk = pf_checker_new(res, prog, pol);
	for (size_t i = 0; pol && i < pol->npurposes && e.nguards < MAX_GUARDS; i++) {
		const pf_pol_purpose *pp = &pol->purposes[i];
		if (pp->opt_out && guard_index(&e, G_OPTOUT, pp->opt_out) < 0) {
			e.guards[e.nguards].kind = G_OPTOUT;
			e.guards[e.nguards++].use = pp->opt_out;
		}
		if (pp->consent && guard_index(&e, G_CONSENT, pp->consent) < 0 && e.nguards < MAX_GUARDS) {
			e.guards[e.nguards].kind = G_CONSENT;
			e.guards[e.nguards++].use = pp->consent;
		}
	}

	classify_sources(&e);
	resolve_pointers(&e);
	build_callgraph(&e);
	tarjan(&e, &order);
	find_global_readers(&e);
	report_sources(&e);

	for (int round = 0; round < GLOBAL_ROUNDS; round++) {
		e.globals_changed = 0;
		size_t start = 0;
		for (size_t i = 0; i < order.n; i++) {
			if (order.v[i] != UINT32_MAX)
				continue;
			/* SCC = order[start .. i). After the first round, only what
			   reads globals or calls a function whose summary grew. */
			if (round > 0 && !scc_dirty(&e, order.v + start, i - start, round)) {
				start = i + 1;
				continue;
			}
			size_t scc_before = 0, scc_after = 0;
			for (size_t k = start; k < i; k++)
				scc_before += e.fi[order.v[k]].sum.size;
			for (int it = 0; it < SCC_ROUNDS; it++) {
				size_t before = 0, after = 0;
				for (size_t k = start; k < i; k++)
					before += e.fi[order.v[k]].sum.size;
				for (size_t k = start; k < i; k++)
					analyse_function(&e, order.v[k]);
				for (size_t k = start; k < i; k++)
					after += e.fi[order.v[k]].sum.size;
				if (after == before && (i - start > 1 || it > 0))
					break;
				if (i - start == 1) {
					/* a single function: again only if it calls itself */
					funcinfo *fi = &e.fi[order.v[start]];
					int self = 0;
					for (size_t k = 0; k < fi->callees.n; k++)
						self |= fi->callees.v[k] == order.v[start];
					if (!self || after == before)
						break;
				}
			}
			for (size_t k = start; k < i; k++)
				scc_after += e.fi[order.v[k]].sum.size;
			if (scc_after != scc_before)
				for (size_t k = start; k < i; k++)
					e.fi[order.v[k]].grew = round + 1;
			start = i + 1;
		}
		e.rounds = round + 1;
		if (!e.globals_changed)
			break;
	}
	check_entries(&e);
	if (getenv("PF_STATS")) {
		size_t tot = 0, mx = 0, mi = 0;
		for (size_t i = 0; i < nf; i++) {
			tot += e.fi[i].sum.events.n;
			if (e.fi[i].sum.events.n > mx)
				mx = e.fi[i].sum.events.n, mi = i;
		}
		fprintf(stderr, "stats: %zu labels, %zu slots, %zu suffixes, %zu tnodes, %zu events (max %zu in %s), %zu truncated, %d rounds\n",
		        e.labels.n, e.slots.n, e.suffixes.n, e.tnodes.n, tot, mx, nf ? fname(&e, (uint32_t)mi) : "",
		        e.ntruncated, e.rounds);
	}
	res->ntruncated = e.ntruncated;
	res->nfunctions = nf;
	res->functions = pf_arena_alloc(res->arena, (nf ? nf : 1) * sizeof(pf_function_fact));
	res->nfunctions = 0;
	for (size_t i = 0; i < nf; i++) {
		const pf_func *f = &prog->funcs.v[i];
		pf_sym purpose = e.fi[i].purpose ? e.fi[i].purpose : e.fi[i].binding;
		pf_function_fact *ff = &res->functions[res->nfunctions];
		if (strncmp(fname(&e, (uint32_t)i), "__privflow", 10) == 0)
			continue; /* the frontend's global initialisers */
		ff->name = pf_arena_strdup(res->arena, fname(&e, (uint32_t)i));
		ff->file = pf_arena_strdup(res->arena, pstr(&e, f->loc.file));
		ff->line = f->loc.line;
		ff->purpose = purpose ? pf_arena_strdup(res->arena, estr(&e, purpose)) : NULL;
		res->nfunctions++;
	}
	pf_checker_finish(e.chk);

	for (size_t i = 0; i < nf; i++) {
		pf_vec_free(&e.fi[i].callees);
		pf_vec_free(&e.fi[i].sum.ret);
		pf_vec_free(&e.fi[i].sum.outs);
		pf_vec_free(&e.fi[i].sum.gouts);
		pf_vec_free(&e.fi[i].sum.events);
		pf_map_free(e.fi[i].sum.seen);
		pf_vec_free(&e.fi[i].erases);
		pf_vec_free(&e.fi[i].out_cats);
	}
	for (size_t i = 0; i < e.stores.n; i++)
		pf_vec_free(&e.stores.v[i].cats);
	pf_vec_free(&e.stores);
	for (size_t i = 0; i < e.rfields.n; i++) {
		PF_VEC(pf_declid) *v = (void *)e.rfields.v[i];
		pf_vec_free(v);
		free(v);
	}
	for (size_t i = 0; i < e.vcells.n; i++)
		pf_vec_free(&e.vcells.v[i].funcs);
	pf_vec_free(&e.vcells);
	pf_vec_free(&e.rfields);
	pf_vec_free(&order);
	pf_vec_free(&e.labels);
	pf_vec_free(&e.suffixes);
	pf_vec_free(&e.slots);
	pf_vec_free(&e.globals);
	pf_map_free(e.label_ids);
	pf_map_free(e.tnode_ids);
	pf_map_free(e.note_ids);
	pf_map_free(e.concat_ids);
	pf_map_free(e.guard_cache);
	pf_vec_free(&e.guard_idx);
	pf_vec_free(&e.guard_owner);
	pf_vec_free(&e.tnodes);
	pf_map_free(e.suffix_ids);
	pf_map_free(e.slot_ids);
	pf_map_free(e.vcell_ids);
	pf_map_free(e.record_fields);
	free(e.src_cat);
	free(e.src_tr);
	free(e.specs);
	free(e.spec_done);
	free(e.fi);
	pf_strtab_free(e.strs);
	/* trace nodes and notes are referenced by results: the checker copied
	   what it kept into res->arena */
	pf_arena_free(e.arena);
	return PF_OK;
}
