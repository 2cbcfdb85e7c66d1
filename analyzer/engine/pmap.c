/*
 * Persistent maps from 32-bit keys to non-zero 32-bit values: the state
 * of a function at each block of its CFG. Big-endian Patricia trees
 * (Okasaki and Gill, "Fast Mergeable Integer Maps", 1998), hash-consed
 * within a context: a map is a pointer, copying one costs nothing, an
 * update copies one path (O(log n)), two maps are equal exactly when
 * their pointers are, and the union of two maps that share most of their
 * structure skips the shared part. That keeps a function's states linear
 * in the number of changes, not in blocks times slots.
 *
 * A context (one per function analysis, one thread) owns every node;
 * pm_free() releases them all.
 */
#include <string.h>

#include "eng_p.h"

struct pnode {
	uint32_t a;          /* leaf: key; branch: prefix */
	uint32_t b;          /* leaf: value; branch: branching bit (mask) */
	const pnode *l, *r;  /* branch children; NULL for a leaf */
	uint64_t hash;
};

#define MEMO 4096

struct pmctx {
	pf_arena *arena;
	const pnode **tab;   /* hash-consing table */
	size_t n, cap;
	struct {             /* union memo, direct-mapped */
		const pnode *a, *b, *r;
	} memo[MEMO];
	pm_merge_fn merge;
	void *merge_arg;
};

pmctx *pm_new(pm_merge_fn merge, void *arg)
{
	pmctx *c = pf_calloc(1, sizeof(*c));

	c->arena = pf_arena_new();
	c->cap = 1024;
	c->tab = pf_calloc(c->cap, sizeof(*c->tab));
	c->merge = merge;
	c->merge_arg = arg;
	return c;
}

void pm_free(pmctx *c)
{
	if (!c)
		return;
	pf_arena_free(c->arena);
	pf_free(c->tab);
	pf_free(c);
}

static uint64_t node_hash(uint32_t a, uint32_t b, const pnode *l, const pnode *r)
{
	uint64_t h = eng_mix(eng_mix(0x9a7, a), b);
	return eng_mix(eng_mix(h, l ? l->hash : 0), r ? r->hash : 0);
}

static void rehash(pmctx *c)
{
	size_t cap = c->cap * 2;
	const pnode **tab = pf_calloc(cap, sizeof(*tab));

	for (size_t i = 0; i < c->cap; i++) {
		const pnode *n = c->tab[i];
		if (!n)
			continue;
		size_t j = n->hash & (cap - 1);
		while (tab[j])
			j = (j + 1) & (cap - 1);
		tab[j] = n;
	}
	pf_free(c->tab);
	c->tab = tab;
	c->cap = cap;
}

static const pnode *mk(pmctx *c, uint32_t a, uint32_t b, const pnode *l, const pnode *r)
{
	uint64_t h = node_hash(a, b, l, r);
	size_t j;

	if ((c->n + 1) * 2 > c->cap)
		rehash(c);
	for (j = h & (c->cap - 1); c->tab[j]; j = (j + 1) & (c->cap - 1)) {
		const pnode *n = c->tab[j];
		if (n->hash == h && n->a == a && n->b == b && n->l == l && n->r == r)
			return n;
	}
	pnode *n = pf_arena_alloc(c->arena, sizeof(*n));
	n->a = a;
	n->b = b;
	n->l = l;
	n->r = r;
	n->hash = h;
	c->tab[j] = n;
	c->n++;
	return n;
}

static const pnode *leaf(pmctx *c, uint32_t k, uint32_t v)
{
	return mk(c, k, v, NULL, NULL);
}

static int is_leaf(const pnode *n)
{
	return !n->l;
}

/* Bits of k above mask m. */
static uint32_t mask_bits(uint32_t k, uint32_t m)
{
	return k & (~(m - 1) ^ m);
}

static int match(uint32_t k, uint32_t p, uint32_t m)
{
	return mask_bits(k, m) == p;
}

static int zero_bit(uint32_t k, uint32_t m)
{
	return (k & m) == 0;
}

static uint32_t branching_bit(uint32_t p0, uint32_t p1)
{
	return 1u << (31 - __builtin_clz(p0 ^ p1));
}

/* A branch, or what is left of it when a side is empty. */
static const pnode *br(pmctx *c, uint32_t p, uint32_t m, const pnode *l, const pnode *r)
{
	if (!l)
		return r;
	if (!r)
		return l;
	return mk(c, p, m, l, r);
}

static uint32_t prefix_of(const pnode *n)
{
	return n->a;
}

static const pnode *join(pmctx *c, uint32_t p0, const pnode *t0, uint32_t p1, const pnode *t1)
{
	uint32_t m = branching_bit(p0, p1);

	if (zero_bit(p0, m))
		return mk(c, mask_bits(p0, m), m, t0, t1);
	return mk(c, mask_bits(p0, m), m, t1, t0);
}

int pm_find(const pnode *t, uint32_t k, uint32_t *v)
{
	while (t) {
		if (is_leaf(t)) {
			if (t->a != k)
				return 0;
			*v = t->b;
			return 1;
		}
		if (!match(k, t->a, t->b))
			return 0;
		t = zero_bit(k, t->b) ? t->l : t->r;
	}
	return 0;
}

const pnode *pm_set(pmctx *c, const pnode *t, uint32_t k, uint32_t v)
{
	if (!t)
		return v ? leaf(c, k, v) : NULL;
	if (is_leaf(t)) {
		if (t->a == k)
			return v ? (t->b == v ? t : leaf(c, k, v)) : NULL;
		return v ? join(c, k, leaf(c, k, v), t->a, t) : t;
	}
	if (!match(k, t->a, t->b))
		return v ? join(c, k, leaf(c, k, v), prefix_of(t), t) : t;
	if (zero_bit(k, t->b)) {
		const pnode *l = pm_set(c, t->l, k, v);
		return l == t->l ? t : br(c, t->a, t->b, l, t->r);
	}
	const pnode *r = pm_set(c, t->r, k, v);
	return r == t->r ? t : br(c, t->a, t->b, t->l, r);
}

static const pnode *insert_with(pmctx *c, const pnode *t, uint32_t k, uint32_t v)
{
	uint32_t old;

	if (pm_find(t, k, &old))
		v = old == v ? v : c->merge(c->merge_arg, old, v);
	return pm_set(c, t, k, v);
}

const pnode *pm_union(pmctx *c, const pnode *s, const pnode *t)
{
	if (s == t || !t)
		return s;
	if (!s)
		return t;
	size_t slot = (size_t)(eng_mix(s->hash, t->hash) & (MEMO - 1));
	if (c->memo[slot].a == s && c->memo[slot].b == t)
		return c->memo[slot].r;
	const pnode *r;
	if (is_leaf(s)) {
		r = insert_with(c, t, s->a, s->b);
	} else if (is_leaf(t)) {
		r = insert_with(c, s, t->a, t->b);
	} else {
		uint32_t p = s->a, m = s->b, q = t->a, n = t->b;
		if (m == n && p == q)
			r = mk(c, p, m, pm_union(c, s->l, t->l), pm_union(c, s->r, t->r));
		else if (m > n && match(q, p, m))
			r = zero_bit(q, m) ? mk(c, p, m, pm_union(c, s->l, t), s->r)
			                   : mk(c, p, m, s->l, pm_union(c, s->r, t));
		else if (m < n && match(p, q, n))
			r = zero_bit(p, n) ? mk(c, q, n, pm_union(c, s, t->l), t->r)
			                   : mk(c, q, n, t->l, pm_union(c, s, t->r));
		else
			r = join(c, p, s, q, t);
	}
	c->memo[slot].a = s;
	c->memo[slot].b = t;
	c->memo[slot].r = r;
	return r;
}

void pm_foreach(const pnode *t, void (*fn)(void *, uint32_t, uint32_t), void *arg)
{
	if (!t)
		return;
	if (is_leaf(t)) {
		fn(arg, t->a, t->b);
		return;
	}
	pm_foreach(t->l, fn, arg);
	pm_foreach(t->r, fn, arg);
}
