/*
 * Link units (units.h): per TU, the external functions it defines and
 * those it uses without defining; then programs grown from each `main`
 * by resolving what they use, and the TUs no program took attached where
 * they call most.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "units.h"
#include "util.h"

typedef PF_VEC(uint64_t) u64vec;
typedef PF_VEC(size_t) szvec;

struct pf_unit_facts {
	u64vec defs, refs;   /* sorted, unique */
	u64vec syms;         /* every external function and global it names */
	int is_main;
};
typedef struct pf_unit_facts tufacts;

typedef struct definer {
	uint64_t sym;
	size_t tu;
} definer;

typedef struct building {
	szvec tus;
	size_t seed;
	pf_map *have;        /* symbols its TUs define */
	pf_map *files;       /* main files it has */
} building;

typedef struct ctx {
	const char *const *paths;
	size_t n;
	tufacts *const *f;
	definer *defs;
	size_t ndefs;
	unsigned char *taken;
} ctx;

static int definer_cmp(const void *a, const void *b)
{
	const definer *x = a, *y = b;
	if (x->sym != y->sym)
		return x->sym < y->sym ? -1 : 1;
	return x->tu < y->tu ? -1 : x->tu > y->tu;
}

static void sort_unique(u64vec *v)
{
	size_t i, k = 0;

	if (v->n)
		qsort(v->v, v->n, sizeof(uint64_t), pf_u64_cmp);
	for (i = 0; i < v->n; i++)
		if (k == 0 || v->v[k - 1] != v->v[i])
			v->v[k++] = v->v[i];
	v->n = k;
}

static int has(const u64vec *v, uint64_t x)
{
	return v->n && bsearch(&x, v->v, v->n, sizeof(uint64_t), pf_u64_cmp) != NULL;
}

static uint64_t usr_of(const pf_tu *tu, pf_declid d)
{
	return pf_hash64_str(pf_strtab_str(tu->strs, tu->decls[d].usr));
}

/* A use of function d (called or its address taken), if it is external. */
static void use_func(const pf_tu *tu, pf_declid d, u64vec *refs)
{
	const pf_decl *dd;

	if (!d || d >= tu->ndecls)
		return;
	dd = &tu->decls[d];
	if (dd->kind != PF_DECL_FUNC || dd->flags & (PF_DF_STATIC | PF_DF_SYSTEM) || !dd->usr)
		return;
	pf_vec_push(refs, usr_of(tu, d));
}

static void use_rval(const pf_tu *tu, const pf_rval *rv, u64vec *refs)
{
	if (rv->flags & PF_RV_FUNC)
		use_func(tu, rv->func, refs);
}

static void w_u64s(pf_wbuf *b, const u64vec *v)
{
	pf_w_u32(b, (uint32_t)v->n);
	for (size_t i = 0; i < v->n; i++)
		pf_w_i64(b, (int64_t)v->v[i]);
}

void pf_unit_facts_write(const pf_unit_facts *f, char **out, size_t *len)
{
	pf_wbuf b = {0};

	pf_w_u8(&b, (uint8_t)f->is_main);
	w_u64s(&b, &f->defs);
	w_u64s(&b, &f->refs);
	w_u64s(&b, &f->syms);
	*out = b.v;
	*len = b.n;
}

/* A vector of sorted, unique hashes (as units.c relies on). */
static void r_u64s(pf_rbuf *b, u64vec *v)
{
	uint32_t n = pf_r_count(b, 8);

	pf_vec_grow(v, n);
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		v->v[v->n++] = (uint64_t)pf_r_i64(b);
		if (i && v->v[i] <= v->v[i - 1])
			pf_r_fail(b, "not sorted");
	}
}

pf_unit_facts *pf_unit_facts_read(const void *data, size_t len)
{
	pf_rbuf b = {data, (const unsigned char *)data + len, 0, NULL};
	tufacts *f = pf_calloc(1, sizeof(*f));

	f->is_main = pf_r_u8(&b) != 0;
	r_u64s(&b, &f->defs);
	r_u64s(&b, &f->refs);
	r_u64s(&b, &f->syms);
	if (b.bad || b.p != b.end) {
		pf_unit_facts_free(f);
		return NULL;
	}
	return f;
}

pf_unit_facts *pf_unit_facts_of(const pf_tu *tu)
{
	tufacts *f = pf_calloc(1, sizeof(*f));

	for (uint32_t i = 0; i < tu->nfuncs; i++) {
		const pf_func *fn = &tu->funcs[i];
		const pf_decl *d = &tu->decls[fn->decl];

		if (!(d->flags & PF_DF_STATIC) && d->usr) {
			pf_vec_push(&f->defs, usr_of(tu, fn->decl));
			if (!strcmp(pf_strtab_str(tu->strs, d->usr), "c:@F@main"))
				f->is_main = 1;
		}
		for (uint32_t k = 0; k < fn->ninsns; k++) {
			const pf_insn *in = &fn->insns[k];

			use_rval(tu, &in->src, &f->refs);
			if (in->op != PF_OP_CALL)
				continue;
			use_func(tu, in->callee, &f->refs);
			use_rval(tu, &in->fptr, &f->refs);
			for (uint32_t a = 0; a < in->nargs; a++)
				use_rval(tu, &in->args[a], &f->refs);
		}
	}
	for (uint32_t i = 1; i < tu->ndecls; i++) {
		const pf_decl *d = &tu->decls[i];
		if ((d->kind == PF_DECL_FUNC || d->kind == PF_DECL_GLOBAL) && d->usr &&
		    !(d->flags & (PF_DF_STATIC | PF_DF_SYSTEM)))
			pf_vec_push(&f->syms, usr_of(tu, i));
	}
	sort_unique(&f->defs);
	sort_unique(&f->refs);
	sort_unique(&f->syms);
	/* what it defines itself is not a use */
	size_t k = 0;
	for (size_t i = 0; i < f->refs.n; i++)
		if (!has(&f->defs, f->refs.v[i]))
			f->refs.v[k++] = f->refs.v[i];
	f->refs.n = k;
	return f;
}

void pf_unit_facts_free(pf_unit_facts *f)
{
	if (!f)
		return;
	pf_vec_free(&f->defs);
	pf_vec_free(&f->refs);
	pf_vec_free(&f->syms);
	pf_free(f);
}

/* How many leading directories two paths share. */
static size_t nearness(const char *a, const char *b)
{
	size_t i, dirs = 0;

	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			dirs++;
	return dirs;
}

static void add_tu(ctx *c, building *b, size_t t)
{
	pf_vec_push(&b->tus, t);
	c->taken[t] = 1;
	pf_map_put(b->files, pf_hash64_str(c->paths[t]), 1);
	for (size_t i = 0; i < c->f[t]->defs.n; i++)
		pf_map_put(b->have, c->f[t]->defs.v[i], 1);
}

/* The definer of sym for a unit, nearest the TU `from`; SIZE_MAX if none. */
static size_t pick_definer(const ctx *c, const building *b, uint64_t sym, size_t from)
{
	definer key = {sym, 0};
	size_t lo = 0, hi = c->ndefs, best = SIZE_MAX, best_near = 0;

	while (lo < hi) { /* first definer of sym */
		size_t mid = lo + (hi - lo) / 2;
		if (definer_cmp(&c->defs[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < c->ndefs && c->defs[i].sym == sym; i++) {
		size_t t = c->defs[i].tu, near;

		if (c->f[t]->is_main || pf_map_get(b->files, pf_hash64_str(c->paths[t]), NULL))
			continue;
		near = nearness(c->paths[t], c->paths[from]);
		if (best == SIZE_MAX || near > best_near)
			best = t, best_near = near;
	}
	return best;
}

/* Adds to b what its TUs use, until nothing is missing that the build
   defines. */
static void close_unit(ctx *c, building *b, size_t from_index)
{
	for (size_t q = from_index; q < b->tus.n; q++) {
		size_t t = b->tus.v[q];

		for (size_t i = 0; i < c->f[t]->refs.n; i++) {
			uint64_t r = c->f[t]->refs.v[i];
			size_t d;

			if (pf_map_get(b->have, r, NULL))
				continue;
			d = pick_definer(c, b, r, t);
			if (d == SIZE_MAX)
				pf_map_put(b->have, r, 1); /* not in the build: a library's */
			else
				add_tu(c, b, d);
		}
	}
}

static void building_new(building *b, size_t seed)
{
	memset(b, 0, sizeof(*b));
	b->seed = seed;
	b->have = pf_map_new();
	b->files = pf_map_new();
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static size_t uf_find(size_t *up, size_t x)
{
	while (up[x] != x)
		x = up[x] = up[up[x]];
	return x;
}

/*
 * The unit of the programs bs[members[0..nm)] (one, or several that share
 * a library): their TUs, each tagged with the one program that has it,
 * and the symbols the shared TUs name.
 */
static pf_unit join_programs(const ctx *c, const building *bs, const size_t *members, size_t nm,
                             uint32_t *own)
{
	pf_unit u = {0, NULL, bs[members[0]].seed, nm, NULL, NULL, 0};
	szvec tus = {0};
	u64vec shared = {0};

	for (size_t m = 0; m < nm; m++)
		for (size_t i = 0; i < bs[members[m]].tus.n; i++) {
			size_t t = bs[members[m]].tus.v[i];
			if (own[t] == 0)
				pf_vec_push(&tus, t);
			own[t] = own[t] == 0 || own[t] == m + 1 ? (uint32_t)(m + 1) : UINT32_MAX;
		}
	if (tus.n)
		qsort(tus.v, tus.n, sizeof(size_t), size_cmp);
	u.ntus = tus.n;
	u.tus = tus.v;
	if (nm > 1) {
		u.tags = pf_calloc(tus.n ? tus.n : 1, sizeof(uint32_t));
		for (size_t i = 0; i < tus.n; i++) {
			const tufacts *f = c->f[tus.v[i]];
			if (own[tus.v[i]] != UINT32_MAX) {
				u.tags[i] = own[tus.v[i]];
				continue;
			}
			for (size_t k = 0; k < f->syms.n; k++)
				pf_vec_push(&shared, f->syms.v[k]);
		}
		sort_unique(&shared);
		u.shared = shared.v;
		u.nshared = shared.n;
	}
	for (size_t i = 0; i < tus.n; i++)
		own[tus.v[i]] = 0;
	return u;
}

static int same_tus(const pf_unit *a, const pf_unit *b)
{
	return a->ntus == b->ntus && !memcmp(a->tus, b->tus, a->ntus * sizeof(size_t));
}

void pf_units_derive(pf_units *out, pf_unit_facts *const *tus, const char *const *paths,
                     size_t n)
{
	ctx c = {paths, n, tus, NULL, 0, NULL};
	PF_VEC(building) bs = {0};
	PF_VEC(definer) defs = {0};
	building rest;
	int have_rest = 0;

	memset(out, 0, sizeof(*out));
	c.taken = pf_calloc(n ? n : 1, 1);
	for (size_t t = 0; t < n; t++) {
		if (!tus[t])
			continue;
		for (size_t i = 0; i < c.f[t]->defs.n; i++) {
			definer d = {c.f[t]->defs.v[i], t};
			pf_vec_push(&defs, d);
		}
	}
	if (defs.n)
		qsort(defs.v, defs.n, sizeof(definer), definer_cmp);
	c.defs = defs.v;
	c.ndefs = defs.n;

	/* programs, one per main */
	for (size_t t = 0; t < n; t++) {
		building b;
		if (!tus[t] || !c.f[t]->is_main)
			continue;
		building_new(&b, t);
		add_tu(&c, &b, t);
		close_unit(&c, &b, 0);
		pf_vec_push(&bs, b);
	}
	/* the TUs no program took */
	building_new(&rest, SIZE_MAX);
	for (size_t t = 0; t < n; t++) {
		size_t best = SIZE_MAX, best_score = 0, best_near = 0;
		if (!tus[t] || c.taken[t])
			continue;
		for (size_t k = 0; k < bs.n; k++) {
			size_t score = 0, near;
			for (size_t i = 0; i < c.f[t]->refs.n; i++)
				score += pf_map_get(bs.v[k].have, c.f[t]->refs.v[i], NULL);
			near = nearness(paths[t], paths[bs.v[k].seed]);
			if (score > best_score || (score && score == best_score && near > best_near))
				best = k, best_score = score, best_near = near;
		}
		building *b = best == SIZE_MAX ? &rest : &bs.v[best];
		size_t from = b->tus.n;
		if (pf_map_get(b->files, pf_hash64_str(paths[t]), NULL)) {
			c.taken[t] = 1; /* another compile of a file it has */
			continue;
		}
		add_tu(&c, b, t);
		if (b == &rest)
			have_rest = 1;
		close_unit(&c, b, from);
	}
	if (have_rest)
		pf_vec_push(&bs, rest);
	else {
		pf_map_free(rest.have);
		pf_map_free(rest.files);
	}
	/* no main: everything is one unit */
	if (bs.n == 0) {
		building b;
		building_new(&b, SIZE_MAX);
		for (size_t t = 0; t < n; t++)
			if (tus[t])
				pf_vec_push(&b.tus, t);
		if (b.tus.n)
			pf_vec_push(&bs, b);
		else {
			pf_map_free(b.have);
			pf_map_free(b.files);
		}
	}

	/* programs that share a library TU are one unit */
	size_t *up = pf_malloc((bs.n ? bs.n : 1) * sizeof(size_t));
	size_t *first = pf_malloc((n ? n : 1) * sizeof(size_t));
	uint32_t *cnt = pf_calloc(n ? n : 1, sizeof(uint32_t));
	for (size_t k = 0; k < bs.n; k++) {
		up[k] = k;
		for (size_t i = 0; bs.v[k].seed != SIZE_MAX && i < bs.v[k].tus.n; i++)
			if (cnt[bs.v[k].tus.v[i]]++ == 0)
				first[bs.v[k].tus.v[i]] = k;
	}
	for (size_t k = 0; k < bs.n; k++)
		for (size_t i = 0; bs.v[k].seed != SIZE_MAX && i < bs.v[k].tus.n; i++) {
			size_t t = bs.v[k].tus.v[i];
			if (cnt[t] >= UNIT_SHARED)
				up[uf_find(up, k)] = uf_find(up, first[t]);
		}
	out->v = pf_calloc(bs.n ? bs.n : 1, sizeof(pf_unit));
	szvec members = {0};
	uint32_t *own = pf_calloc(n ? n : 1, sizeof(uint32_t));
	uint8_t *done = pf_calloc(bs.n ? bs.n : 1, 1);
	for (size_t k = 0; k < bs.n; k++) {
		size_t r = uf_find(up, k);
		if (done[r])
			continue; /* in the unit of an earlier program */
		done[r] = 1;
		members.n = 0;
		for (size_t j = k; j < bs.n; j++)
			if (uf_find(up, j) == r)
				pf_vec_push(&members, j);
		pf_unit u = join_programs(&c, bs.v, members.v, members.n, own);
		if (bs.v[k].seed == SIZE_MAX)
			u.nprograms = 0;
		size_t j = 0;
		while (j < out->n && !same_tus(&out->v[j], &u))
			j++;
		if (j < out->n) {
			pf_free(u.tus);
			pf_free(u.tags);
			pf_free(u.shared);
		} else {
			out->v[out->n++] = u;
		}
	}
	for (size_t k = 0; k < bs.n; k++) {
		pf_vec_free(&bs.v[k].tus);
		pf_map_free(bs.v[k].have);
		pf_map_free(bs.v[k].files);
	}
	pf_vec_free(&members);
	pf_free(own);
	pf_free(done);
	pf_free(up);
	pf_free(first);
	pf_free(cnt);
	pf_vec_free(&bs);
	pf_free(c.taken);
	pf_vec_free(&defs);
}

void pf_units_free(pf_units *u)
{
	for (size_t k = 0; k < u->n; k++) {
		pf_free(u->v[k].tus);
		pf_free(u->v[k].tags);
		pf_free(u->v[k].shared);
	}
	pf_free(u->v);
	memset(u, 0, sizeof(*u));
}
