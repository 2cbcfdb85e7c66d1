/*
 * Interning tables the engine's threads share: equal records (labels,
 * field suffixes, trace steps, fact sets, site graphs, strings) get equal
 * ids, so the analysis compares and hashes ids instead of contents.
 *
 * A table is split into shards by hash, each with its own lock and its
 * own storage in segments that never move: a record's address is stable
 * and it can be read by id without a lock (an id reaches another thread
 * only through a lock or the scheduler's barrier, after the record was
 * written). Ids are 1 + shard-local index, with the shard in the top
 * bits; 0 is never an id.
 *
 * Ids depend on the order records arrive in, so nothing the engine
 * reports may depend on their values: records carry a content hash for
 * canonical orderings (eng_p.h).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "eng_p.h"

#define SHARD_BITS 6
#define NSHARDS (1u << SHARD_BITS)
#define INDEX_BITS (32 - SHARD_BITS)
#define NSEGS 26 /* segment s holds 64 << s records: 2^32 in all */

typedef struct shard {
	pthread_mutex_t lock;
	uint32_t n;          /* records */
	uint32_t *slots;     /* open addressing: record index + 1, 0 empty */
	uint64_t *hashes;    /* the hash of each slot's record */
	uint32_t cap;        /* slots; a power of two */
	char *seg[NSEGS];
	pf_arena *blobs;     /* payloads of blob records */
} shard;

struct pf_itab {
	uint64_t gen;        /* which table this is, for the threads' caches */
	size_t size;         /* bytes per record in a segment (8-aligned) */
	size_t rec_size;     /* bytes of a record compared and copied: never
	                        more than the caller's record holds */
	int blob;            /* records are {const void *p; size_t n} payloads */
	shard shards[NSHARDS];
};

typedef struct blob_rec {
	const void *p;
	size_t n;
	uint64_t hash;
} blob_rec;

/*
 * A thread's last records, by hash: most puts find a record the thread
 * interned or found before, and then take no lock (the locks were a
 * fifth of the time at -j2 on curl). Keyed by the table's generation,
 * so a table allocated where a freed one was never sees its ids. A
 * cached id was published to this thread by the lock of the put that
 * cached it, so reading its record needs no lock.
 */
#define ICACHE 8192
static _Thread_local struct icache {
	uint64_t gen, hash;
	uint32_t id;
} icache[ICACHE];
static atomic_uint_fast64_t itab_gens;

pf_itab *pf_itab_new(size_t rec_size)
{
	pf_itab *t = pf_calloc(1, sizeof(*t));

	t->gen = atomic_fetch_add(&itab_gens, 1) + 1;
	t->rec_size = rec_size;
	t->size = (rec_size + 7) & ~(size_t)7;
	for (unsigned i = 0; i < NSHARDS; i++)
		pthread_mutex_init(&t->shards[i].lock, NULL);
	return t;
}

pf_itab *pf_itab_new_blob(void)
{
	pf_itab *t = pf_itab_new(sizeof(blob_rec));

	t->blob = 1;
	return t;
}

void pf_itab_free(pf_itab *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < NSHARDS; i++) {
		shard *s = &t->shards[i];
		for (int k = 0; k < NSEGS; k++)
			pf_free(s->seg[k]);
		pf_free(s->slots);
		pf_free(s->hashes);
		pf_arena_free(s->blobs);
		pthread_mutex_destroy(&s->lock);
	}
	pf_free(t);
}

/* Segment and offset of shard-local index i. */
static void seg_of(uint32_t i, int *seg, uint32_t *off)
{
	uint32_t q = (i >> 6) + 1;
	int s = 31 - __builtin_clz(q);

	*seg = s;
	*off = i - ((64u << s) - 64u);
}

static void *rec_at(const pf_itab *t, const shard *s, uint32_t i)
{
	int seg;
	uint32_t off;

	seg_of(i, &seg, &off);
	return s->seg[seg] + (size_t)off * t->size;
}

static int rec_eq(const pf_itab *t, const void *stored, const void *rec)
{
	if (t->blob) {
		const blob_rec *a = stored, *b = rec;
		return a->n == b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
	}
	return memcmp(stored, rec, t->rec_size) == 0;
}

static void grow(pf_itab *t, shard *s)
{
	uint32_t cap = s->cap ? s->cap * 2 : 64;
	uint32_t *slots = pf_calloc(cap, sizeof(uint32_t));
	uint64_t *hashes = pf_calloc(cap, sizeof(uint64_t));

	for (uint32_t i = 0; i < s->cap; i++) {
		if (!s->slots[i])
			continue;
		uint32_t j = (uint32_t)(s->hashes[i] >> SHARD_BITS) & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = s->slots[i];
		hashes[j] = s->hashes[i];
	}
	pf_free(s->slots);
	pf_free(s->hashes);
	s->slots = slots;
	s->hashes = hashes;
	s->cap = cap;
	(void)t;
}

static uint32_t put(pf_itab *t, const void *rec, uint64_t hash, int *added)
{
	unsigned si = (unsigned)(hash & (NSHARDS - 1));
	shard *s = &t->shards[si];
	struct icache *ic = &icache[(hash >> SHARD_BITS ^ t->gen * 0x9e3779b97f4a7c15ull) & (ICACHE - 1)];
	uint32_t id;

	if (ic->gen == t->gen && ic->hash == hash &&
	    rec_eq(t, rec_at(t, s, (ic->id >> SHARD_BITS) - 1), rec)) {
		*added = 0;
		return ic->id;
	}
	pthread_mutex_lock(&s->lock);
	if ((s->n + 1) * 4 > s->cap * 3)
		grow(t, s);
	uint32_t j = (uint32_t)(hash >> SHARD_BITS) & (s->cap - 1);
	for (; s->slots[j]; j = (j + 1) & (s->cap - 1)) {
		if (s->hashes[j] == hash && rec_eq(t, rec_at(t, s, s->slots[j] - 1), rec)) {
			id = s->slots[j] << SHARD_BITS | si;
			pthread_mutex_unlock(&s->lock);
			*added = 0;
			ic->gen = t->gen;
			ic->hash = hash;
			ic->id = id;
			return id;
		}
	}
	uint32_t i = s->n++;
	if (i >= (1u << INDEX_BITS) - 1)
		abort(); /* 64 million records in one shard */
	int seg;
	uint32_t off;
	seg_of(i, &seg, &off);
	if (!s->seg[seg])
		s->seg[seg] = pf_malloc((size_t)(64u << seg) * t->size);
	void *dst = s->seg[seg] + (size_t)off * t->size;
	if (t->blob) {
		blob_rec b = *(const blob_rec *)rec;
		if (!s->blobs)
			s->blobs = pf_arena_new();
		void *copy = pf_arena_alloc(s->blobs, b.n + 1);
		if (b.n)
			memcpy(copy, b.p, b.n);
		b.p = copy;
		b.hash = hash;
		memcpy(dst, &b, sizeof(b));
	} else {
		memcpy(dst, rec, t->rec_size);
	}
	s->slots[j] = i + 1;
	s->hashes[j] = hash;
	id = (i + 1) << SHARD_BITS | si;
	pthread_mutex_unlock(&s->lock);
	*added = 1;
	ic->gen = t->gen;
	ic->hash = hash;
	ic->id = id;
	return id;
}

uint32_t pf_itab_put(pf_itab *t, const void *rec, uint64_t hash)
{
	int added;

	return put(t, rec, hash, &added);
}

uint32_t pf_itab_add(pf_itab *t, const void *rec, uint64_t hash, int *added)
{
	return put(t, rec, hash, added);
}

uint32_t pf_itab_put_blob(pf_itab *t, const void *bytes, size_t n, uint64_t hash)
{
	blob_rec b = {bytes, n, hash};
	int added;

	return put(t, &b, hash, &added);
}

const void *pf_itab_at(const pf_itab *t, uint32_t id)
{
	const shard *s = &t->shards[id & (NSHARDS - 1)];

	return rec_at(t, s, (id >> SHARD_BITS) - 1);
}

const void *pf_itab_blob(const pf_itab *t, uint32_t id, size_t *n)
{
	const blob_rec *b = pf_itab_at(t, id);

	if (n)
		*n = b->n;
	return b->p;
}

uint64_t pf_itab_blob_hash(const pf_itab *t, uint32_t id)
{
	return ((const blob_rec *)pf_itab_at(t, id))->hash;
}

size_t pf_itab_count(pf_itab *t)
{
	size_t n = 0;

	for (unsigned i = 0; i < NSHARDS; i++) {
		pthread_mutex_lock(&t->shards[i].lock);
		n += t->shards[i].n;
		pthread_mutex_unlock(&t->shards[i].lock);
	}
	return n;
}

/* --- the engine's interned values ---------------------------------------------- */

uint64_t eng_hash_str(const char *s)
{
	return pf_hash64_str(s);
}

uint32_t eng_str(eng *e, const char *s)
{
	return s ? pf_itab_put_blob(e->strs, s, strlen(s), eng_hash_str(s)) : 0;
}

const char *eng_cstr(const eng *e, uint32_t id)
{
	return id ? pf_itab_blob(e->strs, id, NULL) : "";
}

const char *eng_note(eng *e, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return eng_cstr(e, eng_str(e, buf));
}

static const label no_label;

uint32_t eng_label(eng *e, int kind, uint32_t a, uint32_t b, uint32_t c)
{
	label l;

	memset(&l, 0, sizeof(l));
	l.kind = (uint8_t)kind;
	l.a = a;
	l.b = b;
	l.c = c;
	return pf_itab_put(e->labels, &l, eng_mix(eng_mix(eng_mix(eng_mix(0x1abe1, (uint64_t)kind), a), b), c));
}

const label *eng_lab(const eng *e, uint32_t id)
{
	return id ? pf_itab_at(e->labels, id) : &no_label;
}

uint32_t eng_suffix(eng *e, const pf_declid *el, unsigned n)
{
	suffix s;
	uint64_t h = 0x5u;

	memset(&s, 0, sizeof(s));
	if (n > PF_PATH_DEPTH)
		n = PF_PATH_DEPTH;
	s.n = n;
	for (unsigned i = 0; i < n; i++) {
		s.e[i] = el[i];
		h = eng_mix(h, el[i]);
	}
	return pf_itab_put(e->suffixes, &s, eng_mix(h, n));
}

const suffix *eng_sfx(const eng *e, uint32_t id)
{
	return pf_itab_at(e->suffixes, id);
}

/* A suffix id cut to at most n elements; its constant indexes any when
   n is 1 or less (the last steps of widening). */
uint32_t eng_sfx_cut(eng *e, uint32_t sfx, unsigned n)
{
	const suffix *x = eng_sfx(e, sfx);
	pf_declid el[PF_PATH_DEPTH];

	if (n > x->n)
		n = x->n;
	for (unsigned i = 0; i < n; i++)
		el[i] = eng_path_is_index(x->e[i]) && n <= 1 ? PF_ELEM_ANY : x->e[i];
	return eng_suffix(e, el, n);
}

static uint64_t path_chash(const pf_path *p)
{
	uint64_t h = eng_mix(eng_mix(eng_mix(0x9a74, p->base), p->var), p->depth);

	for (unsigned i = 0; i < p->depth; i++)
		h = eng_mix(h, p->field[i]);
	return h;
}

uint32_t eng_owner_path(eng *e, const pf_path *p0)
{
	pf_path p = *p0;

	p.reserved = 0;
	for (unsigned i = p.depth; i < PF_PATH_DEPTH; i++)
		p.field[i] = 0;
	return pf_itab_put(e->opaths, &p, path_chash(&p));
}

const pf_path *eng_owner_def(const eng *e, uint32_t id)
{
	return pf_itab_at(e->opaths, id);
}

uint64_t eng_label_hash(const eng *e, uint32_t id)
{
	const label *l = eng_lab(e, id);
	uint64_t h = eng_mix(0x1abe1, l->kind);
	const suffix *s;

	switch (l->kind) {
	case L_DATA:
		h = eng_mix(eng_mix(h, pf_itab_blob_hash(e->strs, l->a)), l->b);
		return eng_mix(h, l->c ? path_chash(eng_owner_def(e, l->c)) : 0);
	case L_RES:
	case L_STR:
		return eng_mix(h, pf_itab_blob_hash(e->strs, l->a));
	case L_SYM:
		s = eng_sfx(e, l->b);
		h = eng_mix(h, l->a);
		for (unsigned i = 0; i < s->n; i++)
			h = eng_mix(h, s->e[i]);
		return l->c ? eng_mix(h, l->c) : h;
	default:
		return h;
	}
}

void eng_u32_add_once(u32vec *v, uint32_t x)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i] == x)
			return;
	pf_vec_push(v, x);
}

/* --- traces ------------------------------------------------------------------ */

/* The hash of a trace step's file name or note: traces are told apart
   and chosen by their text, not by the order the merge interned it in.
   The cache is keyed by the interned text's address; what it gives is
   the text's hash, the same in every run. */
static uint64_t text_hash(eng *e, const char *s)
{
	unsigned slot = (unsigned)((uintptr_t)s >> 3) % (sizeof(e->text_hash) / sizeof(e->text_hash[0]));

	if (!s)
		return 0;
	if (e->text_hash[slot].s != s) {
		e->text_hash[slot].s = s;
		e->text_hash[slot].hash = eng_hash_str(s);
	}
	return e->text_hash[slot].hash;
}

const pf_tnode *eng_step(eng *e, const pf_tnode *prev, pf_loc loc, const char *note)
{
	pf_tnode n;

	if (prev && prev->len >= TRACE_MAX && prev->prev && !prev->sub)
		prev = prev->prev; /* a chain of steps keeps its start and newest */
	memset(&n, 0, sizeof(n));
	n.prev = prev;
	n.loc = loc;
	n.note = note;
	n.len = prev ? prev->len + 1 : 1;
	n.hash = eng_mix(eng_mix(eng_mix(eng_mix(prev ? prev->hash : 0x7ace,
	                                         loc.file ? text_hash(e, eng_pstr(e, loc.file)) : 0),
	                                 loc.line),
	                         loc.col),
	                 text_hash(e, note));
	return pf_itab_at(e->tnodes, pf_itab_put(e->tnodes, &n, n.hash));
}

const pf_tnode *eng_concat(eng *e, const pf_tnode *base, const pf_tnode *chain)
{
	pf_tnode n;
	uint64_t len;

	if (!chain || chain->len <= 1)
		return base;
	len = (uint64_t)(base ? base->len : 0) + chain->len - 1;
	memset(&n, 0, sizeof(n));
	n.prev = base;
	n.sub = chain;
	n.len = len > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)len;
	n.hash = eng_mix(eng_mix(0x701, base ? base->hash : 0x7ace), chain->hash);
	return pf_itab_at(e->tnodes, pf_itab_put(e->tnodes, &n, n.hash));
}

static int same_step(const pf_tnode *a, const pf_tnode *b)
{
	return a->loc.file == b->loc.file && a->loc.line == b->loc.line && a->loc.col == b->loc.col &&
	       (a->note == b->note || (a->note && b->note && strcmp(a->note, b->note) == 0));
}

/*
 * Walked newest first, as "the last m steps of node x" on a stack: a
 * step node gives itself and the last m - 1 of its prev; a join node the
 * last of its sub (never the sub's first step) and then of its prev. A
 * part lying wholly among the steps dropped from a long trace is skipped
 * by its length, so the walk costs what it keeps, not the trace's length.
 */
size_t pf_trace_steps(const pf_tnode *t, const pf_tnode **out, size_t max)
{
	typedef struct { const pf_tnode *x; size_t m; } part;
	PF_VEC(part) st = {0};
	size_t len = t ? t->len : 0, n = len < max ? len : max, pos = len, k = 0;
	size_t budget = (size_t)1 << 20; /* lengths saturate: never walk forever */

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	part p0 = {t, len};
	pf_vec_push(&st, p0);
	while (st.n && pos > 0 && budget-- > 0) {
		part p = st.v[--st.n];
		if (!p.x || !p.m)
			continue;
		if (p.m > pos)
			p.m = pos;
		if (len > max && pos - p.m >= max - 1 && pos - 1 < len - 1) {
			pos -= p.m; /* all of it in the middle of a long trace */
			continue;
		}
		if (!p.x->sub) {
			size_t at = --pos;
			if (at < max - 1)
				out[at] = p.x;
			else if (at == len - 1)
				out[n - 1] = p.x;
			part q = {p.x->prev, p.m - 1};
			pf_vec_push(&st, q);
			continue;
		}
		size_t s = p.x->sub->len - 1;
		if (p.m > s) {
			part q = {p.x->prev, p.m - s};
			pf_vec_push(&st, q);
		}
		part q = {p.x->sub, p.m < s ? p.m : s};
		pf_vec_push(&st, q);
	}
	pf_vec_free(&st);
	/* a step said twice in a row (a call's "passed to f()" from the
	   caller's trace and from the callee's) is shown once */
	for (size_t i = 0; i < n; i++)
		if (out[i] && !(k && same_step(out[k - 1], out[i])))
			out[k++] = out[i];
	return k;
}

const pf_tnode *eng_best(const pf_tnode *a, const pf_tnode *b)
{
	if (!a)
		return b;
	if (!b || a == b)
		return a;
	if (a->len != b->len)
		return a->len < b->len ? a : b;
	return a->hash <= b->hash ? a : b;
}

/* --- fact sets ---------------------------------------------------------------- */

static uint64_t keys_hash(const fkey *k, size_t n)
{
	return pf_hash64(k, n * sizeof(fkey));
}

static int fkey_cmp(const void *a, const void *b)
{
	fkey x = *(const fkey *)a, y = *(const fkey *)b;
	return x < y ? -1 : x > y;
}

uint32_t eng_set(eng *e, const fkey *keys, size_t n)
{
	fkey small[16], *v = n <= 16 ? small : pf_malloc(n * sizeof(fkey));
	size_t m = 0;
	uint32_t id;

	if (!n)
		return 0;
	memcpy(v, keys, n * sizeof(fkey));
	qsort(v, n, sizeof(fkey), fkey_cmp);
	for (size_t i = 0; i < n; i++)
		if (!m || v[m - 1] != v[i])
			v[m++] = v[i];
	id = pf_itab_put_blob(e->sets, v, m * sizeof(fkey), keys_hash(v, m));
	if (v != small)
		pf_free(v);
	return id;
}

const fkey *eng_set_keys(const eng *e, uint32_t set, size_t *n)
{
	size_t bytes;
	const fkey *k;

	if (!set) {
		*n = 0;
		return NULL;
	}
	k = pf_itab_blob(e->sets, set, &bytes);
	*n = bytes / sizeof(fkey);
	return k;
}

#define CACHE 4096
static _Thread_local struct { uint32_t a; uint64_t b; uint32_t r; } set_cache[CACHE];

static _Thread_local struct { uint32_t set, conc, sym; } split_cache[CACHE];

/* unions of site graphs (below): a function visited again unites the
   same graphs again */
static _Thread_local struct { uint32_t a, b, r; } union_cache[CACHE];

void eng_caches_reset(void)
{
	memset(set_cache, 0, sizeof(set_cache));
	memset(split_cache, 0, sizeof(split_cache));
	memset(union_cache, 0, sizeof(union_cache));
}

/* A sorted run of keys as a set. */
static uint32_t sorted_set(eng *e, const fkey *k, size_t n)
{
	return n ? pf_itab_put_blob(e->sets, k, n * sizeof(fkey), keys_hash(k, n)) : 0;
}

void eng_set_split(eng *e, uint32_t set, uint32_t *conc, uint32_t *sym)
{
	size_t n, nc = 0, ns = 0, slot = (size_t)(eng_mix(0x5b1, set) & (CACHE - 1));
	const fkey *k = eng_set_keys(e, set, &n);

	if (split_cache[slot].set == set && set) {
		*conc = split_cache[slot].conc;
		*sym = split_cache[slot].sym;
		return;
	}
	fkey small[32], *w = n <= 32 ? small : pf_malloc(n * sizeof(fkey));
	for (size_t i = 0; i < n; i++) /* concrete ones first, symbols after, in order */
		if (eng_lab(e, FK_LABEL(k[i]))->kind != L_SYM)
			w[nc++] = k[i];
	for (size_t i = 0; i < n; i++)
		if (eng_lab(e, FK_LABEL(k[i]))->kind == L_SYM)
			w[nc + ns++] = k[i];
	*conc = nc == n ? set : sorted_set(e, w, nc);
	*sym = ns == n ? set : sorted_set(e, w + nc, ns);
	if (w != small)
		pf_free(w);
	split_cache[slot].set = set;
	split_cache[slot].conc = *conc;
	split_cache[slot].sym = *sym;
}

uint32_t eng_set_add(eng *e, uint32_t set, fkey k)
{
	size_t n, lo = 0, hi, slot = (size_t)(eng_mix(eng_mix(0xadd, set), k) & (CACHE - 1));
	const fkey *v = eng_set_keys(e, set, &n);

	if (set_cache[slot].a == set && set_cache[slot].b == (k | 1ull << 63) && set_cache[slot].r)
		return set_cache[slot].r;
	hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] == k)
			return set;
		if (v[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	fkey small[16], *w = n + 1 <= 16 ? small : pf_malloc((n + 1) * sizeof(fkey));
	if (lo)
		memcpy(w, v, lo * sizeof(fkey));
	w[lo] = k;
	if (n > lo)
		memcpy(w + lo + 1, v + lo, (n - lo) * sizeof(fkey));
	uint32_t r = pf_itab_put_blob(e->sets, w, (n + 1) * sizeof(fkey), keys_hash(w, n + 1));
	if (w != small)
		pf_free(w);
	set_cache[slot].a = set;
	set_cache[slot].b = k | 1ull << 63;
	set_cache[slot].r = r;
	return r;
}

uint32_t eng_set_union(eng *e, uint32_t a, uint32_t b)
{
	size_t na, nb, i = 0, j = 0, m = 0;
	const fkey *x, *y;
	size_t slot;

	if (a == b || !b)
		return a;
	if (!a)
		return b;
	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	slot = (size_t)(eng_mix(eng_mix(0x5e7, a), b) & (CACHE - 1));
	if (set_cache[slot].a == a && set_cache[slot].b == b && set_cache[slot].r)
		return set_cache[slot].r;
	x = eng_set_keys(e, a, &na);
	y = eng_set_keys(e, b, &nb);
	fkey small[32], *w = na + nb <= 32 ? small : pf_malloc((na + nb) * sizeof(fkey));
	while (i < na || j < nb) {
		if (j == nb || (i < na && x[i] < y[j]))
			w[m++] = x[i++];
		else if (i == na || y[j] < x[i])
			w[m++] = y[j++];
		else {
			w[m++] = x[i++];
			j++;
		}
	}
	uint32_t r = m == na ? a : m == nb ? b
	             : pf_itab_put_blob(e->sets, w, m * sizeof(fkey), keys_hash(w, m));
	if (w != small)
		pf_free(w);
	set_cache[slot].a = a;
	set_cache[slot].b = b;
	set_cache[slot].r = r;
	return r;
}

size_t eng_set_nsyms(const eng *e, uint32_t set)
{
	size_t n, m = 0;
	const fkey *k = eng_set_keys(e, set, &n);

	for (size_t i = 0; i < n; i++)
		m += eng_lab(e, FK_LABEL(k[i]))->kind == L_SYM;
	return m;
}

void eng_keys_cut(eng *e, const fkey *k, size_t n, unsigned depth, int any, uint32_t flags,
                  fkey *w)
{
	for (size_t i = 0; i < n; i++) {
		const label *l = eng_lab(e, FK_LABEL(k[i]));
		w[i] = k[i];
		if (l->kind != L_SYM || l->a == SYM_VARARGS || eng_sfx(e, l->b)->n <= depth)
			continue;
		uint32_t sfx = any ? eng_sfx_cut(e, l->b, depth) : eng_suffix(e, eng_sfx(e, l->b)->e, depth);
		w[i] = FK(eng_label(e, L_SYM, l->a, sfx, l->c | flags), FK_TR(k[i]));
	}
}

/* Whether deep symbol d stands for symbol x: the same parameter, and d's
   suffix a prefix of x's (an any-index element covers an index). */
static int sym_covers(const eng *e, const label *d, const label *x)
{
	const suffix *ds = eng_sfx(e, d->b), *xs = eng_sfx(e, x->b);

	if (d == x || d->a != x->a || ds->n > xs->n || (ds->n == xs->n && (x->c & SYM_DEEP)))
		return 0;
	for (unsigned i = 0; i < ds->n; i++)
		if (ds->e[i] != xs->e[i] && !(ds->e[i] == PF_ELEM_ANY && eng_path_is_index(xs->e[i])))
			return 0;
	return 1;
}

/* Set v without the symbols a deep symbol of it stands for. */
static uint32_t drop_covered(eng *e, uint32_t set)
{
	size_t n, m = 0;
	const fkey *k = eng_set_keys(e, set, &n);
	fkey *w = pf_malloc((n ? n : 1) * sizeof(fkey));

	for (size_t i = 0; i < n; i++) {
		const label *x = eng_lab(e, FK_LABEL(k[i]));
		int covered = 0;
		for (size_t j = 0; j < n && !covered && x->kind == L_SYM; j++) {
			const label *d = eng_lab(e, FK_LABEL(k[j]));
			covered = d->kind == L_SYM && (d->c & SYM_DEEP) && FK_TR(k[j]) == FK_TR(k[i]) &&
			          sym_covers(e, d, x);
		}
		if (!covered)
			w[m++] = k[i];
	}
	uint32_t r = m == n ? set : eng_set(e, w, m);
	pf_free(w);
	return r;
}

/*
 * Widening of an event's handle set past MAX_HANDLE_SYMS parameter
 * symbols: each is cut to one element below its parameter, then to the
 * parameter, and becomes deep (SYM_DEEP): at a call, the handle is then
 * whatever the argument holds at that path or below it. More, never
 * less: a sink reached with data->conn->sock is then reached with every
 * handle below data->conn. What stops is the growth of one merged event
 * by the paths its callers' structs reach (curl: thousands, each a new
 * version of the summary around a component).
 */
uint32_t eng_set_widen(eng *e, uint32_t set)
{
	size_t n, nsym = 0, ndeep = 0, slot = (size_t)(eng_mix(0x3e1d, set) & (CACHE - 1));
	const fkey *k = eng_set_keys(e, set, &n);

	if (set_cache[slot].a == set && set_cache[slot].b == 1ull << 62 && set_cache[slot].r)
		return set_cache[slot].r;

	for (size_t i = 0; i < n; i++) {
		const label *l = eng_lab(e, FK_LABEL(k[i]));
		nsym += l->kind == L_SYM;
		ndeep += l->kind == L_SYM && (l->c & SYM_DEEP);
	}
	if (nsym <= MAX_HANDLE_SYMS && !ndeep)
		return set; /* (uncached: counting is as cheap) */
	uint32_t ns = set;
	if (nsym > MAX_HANDLE_SYMS) {
		fkey *w = pf_malloc(n * sizeof(fkey));
		for (unsigned depth = 1;; depth--) {
			eng_keys_cut(e, k, n, depth, 1, SYM_DEEP, w);
			ns = drop_covered(e, eng_set(e, w, n));
			if (eng_set_nsyms(e, ns) <= MAX_HANDLE_SYMS || depth == 0)
				break;
		}
		pf_free(w);
	} else {
		ns = drop_covered(e, set);
	}
	set_cache[slot].a = set;
	set_cache[slot].b = 1ull << 62;
	set_cache[slot].r = ns;
	return ns;
}

/* --- site graphs ---------------------------------------------------------------- */

static uint32_t put_gnode(eng *e, gnode *g)
{
	return pf_itab_put(e->gnodes, g, g->hash);
}

uint32_t eng_site(eng *e, const pf_tnode *t, pf_loc loc, uint32_t func, uint32_t sink_func)
{
	gnode g;

	memset(&g, 0, sizeof(g));
	g.kind = G_SITE;
	g.a = func;
	g.b = sink_func;
	g.loc = loc;
	g.t = t;
	g.best = t;
	g.key = eng_mix(eng_mix(eng_mix(eng_mix(eng_mix(G_SITE, loc.file), loc.line), loc.col), func),
	                pf_itab_blob_hash(e->strs, sink_func));
	g.hash = eng_mix(g.key, t ? t->hash : 0);
	return put_gnode(e, &g);
}

uint32_t eng_via(eng *e, const pf_tnode *t, uint32_t func, uint32_t evix)
{
	gnode g;

	memset(&g, 0, sizeof(g));
	g.kind = G_VIA;
	g.a = func;
	g.b = evix;
	g.t = t;
	g.best = t;
	g.key = eng_mix(eng_mix(G_VIA, func), evix);
	g.hash = eng_mix(g.key, t ? t->hash : 0);
	return put_gnode(e, &g);
}

const gnode *eng_gnode(const eng *e, uint32_t id)
{
	return pf_itab_at(e->gnodes, id);
}

/*
 * Unions of site graphs are treaps: a binary search tree on the members'
 * keys that is a heap on a priority drawn from the same key. The shape
 * of a treap is fixed by its set of keys, and of members of one key it
 * keeps the one with the best trace, so unions built in any order are
 * the same interned node, and adding a member copies one path
 * (O(log n)) instead of the whole set.
 */
static uint64_t prio(uint64_t k)
{
	return eng_mix(k, 0x7e1a9);
}

static uint64_t key_of(const eng *e, uint32_t x)
{
	return eng_gnode(e, x)->key;
}

/* Of two members of one key, the one to keep. */
static uint32_t better(const eng *e, uint32_t x, uint32_t y)
{
	const gnode *gx = eng_gnode(e, x), *gy = eng_gnode(e, y);

	if (x == y || gx->t == gy->t)
		return x < y ? x : y;
	return eng_best(gx->t, gy->t) == gx->t ? x : y;
}

static uint32_t treap(eng *e, uint32_t member, uint32_t left, uint32_t right)
{
	const gnode *m = eng_gnode(e, member);
	gnode g;

	memset(&g, 0, sizeof(g));
	g.kind = G_UNION;
	g.a = member;
	g.b = left;
	g.c = right;
	g.best = m->best;
	g.hash = eng_mix(G_UNION, m->hash);
	if (left) {
		g.best = eng_best(g.best, eng_gnode(e, left)->best);
		g.hash = eng_mix(g.hash, eng_gnode(e, left)->hash);
	}
	g.hash = eng_mix(g.hash, 0x1f7);
	if (right) {
		g.best = eng_best(g.best, eng_gnode(e, right)->best);
		g.hash = eng_mix(g.hash, eng_gnode(e, right)->hash);
	}
	return put_gnode(e, &g);
}

/* Splits treap t into the members before key k (*l) and after it (*r);
   returns t's member of key k, or 0. */
static uint32_t split(eng *e, uint32_t t, uint64_t k, uint32_t *l, uint32_t *r)
{
	const gnode *g;
	uint32_t found;

	if (!t) {
		*l = *r = 0;
		return 0;
	}
	g = eng_gnode(e, t);
	uint64_t gk = key_of(e, g->a);
	if (gk == k) {
		*l = g->b;
		*r = g->c;
		return g->a;
	}
	if (gk < k) {
		uint32_t rl, rr;
		found = split(e, g->c, k, &rl, &rr);
		*l = treap(e, g->a, g->b, rl);
		*r = rr;
	} else {
		uint32_t ll, lr;
		found = split(e, g->b, k, &ll, &lr);
		*l = ll;
		*r = treap(e, g->a, lr, g->c);
	}
	return found;
}

/* Adds member x (not a union) to treap t. */
static uint32_t treap_add(eng *e, uint32_t t, uint32_t x)
{
	const gnode *g;
	uint64_t kx = key_of(e, x);

	if (!t)
		return treap(e, x, 0, 0);
	g = eng_gnode(e, t);
	uint64_t kg = key_of(e, g->a);
	if (kg == kx) {
		uint32_t m = better(e, g->a, x);
		return m == g->a ? t : treap(e, m, g->b, g->c);
	}
	if (prio(kx) > prio(kg)) {
		uint32_t l, r, old = split(e, t, kx, &l, &r);
		return treap(e, old ? better(e, old, x) : x, l, r);
	}
	if (kx < kg) {
		uint32_t l = treap_add(e, g->b, x);
		return l == g->b ? t : treap(e, g->a, l, g->c);
	}
	uint32_t r = treap_add(e, g->c, x);
	return r == g->c ? t : treap(e, g->a, g->b, r);
}

/* Adds every member of union u to treap t. */
static uint32_t treap_add_all(eng *e, uint32_t t, uint32_t u)
{
	const gnode *g;

	if (!u)
		return t;
	g = eng_gnode(e, u);
	t = treap_add(e, t, g->a);
	t = treap_add_all(e, t, g->b);
	return treap_add_all(e, t, g->c);
}

static size_t treap_size(const eng *e, uint32_t t, size_t cap)
{
	const gnode *g;

	if (!t || !cap)
		return 0;
	g = eng_gnode(e, t);
	size_t n = 1 + treap_size(e, g->b, cap - 1);
	return n + treap_size(e, g->c, cap > n ? cap - n : 0);
}

uint32_t eng_union(eng *e, uint32_t a, uint32_t b)
{
	const gnode *ga, *gb;

	if (a == b || !b)
		return a;
	if (!a)
		return b;
	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	size_t slot = (size_t)(eng_mix(eng_mix(0x6e10, a), b) & (CACHE - 1));
	if (union_cache[slot].a == a && union_cache[slot].b == b && union_cache[slot].r)
		return union_cache[slot].r;
	ga = eng_gnode(e, a);
	gb = eng_gnode(e, b);
	uint32_t r;
	if (ga->kind != G_UNION && gb->kind != G_UNION)
		r = treap_add(e, treap(e, a, 0, 0), b);
	else if (ga->kind != G_UNION)
		r = treap_add(e, b, a);
	else if (gb->kind != G_UNION)
		r = treap_add(e, a, b);
	/* both unions: the smaller into the larger */
	else if (treap_size(e, a, 64) < treap_size(e, b, 64))
		r = treap_add_all(e, b, a);
	else
		r = treap_add_all(e, a, b);
	union_cache[slot].a = a;
	union_cache[slot].b = b;
	union_cache[slot].r = r;
	return r;
}
