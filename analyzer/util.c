/*
 * Implementation of the shared utilities of util.h: thread-local error
 * messages, aborting allocators, arenas, string interning, an integer
 * hash map, FNV and SHA-256 hashing, paths and globbing, the run's
 * clock. Files are in files.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* --- errors --------------------------------------------------------------- */

static _Thread_local char error_msg[1024];

void pf_error_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_msg, sizeof(error_msg), fmt, ap);
	va_end(ap);
}

const char *pf_error_last(void)
{
	return error_msg[0] ? error_msg : "unknown error";
}

void pf_error_clear(void)
{
	error_msg[0] = '\0';
}

/* --- allocation ----------------------------------------------------------- */

static void oom(size_t n)
{
	fprintf(stderr, "privflow: out of memory (%zu bytes)\n", n);
	abort();
}

void *pf_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *pf_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *pf_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *pf_strdup(const char *s)
{
	return pf_strndup(s, strlen(s));
}

char *pf_strndup(const char *s, size_t n)
{
	char *d = pf_malloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *pf_asprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	int n;
	char *s;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = pf_malloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

void pf_free(void *p)
{
	free(p);
}

/* --- arenas --------------------------------------------------------------- */

typedef struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
} arena_chunk;

struct pf_arena {
	arena_chunk *head;
};

#define ARENA_CHUNK (64 * 1024)

pf_arena *pf_arena_new(void)
{
	return pf_calloc(1, sizeof(pf_arena));
}

void *pf_arena_alloc(pf_arena *a, size_t n)
{
	arena_chunk *c = a->head;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->used + n > c->size) {
		size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		c = pf_malloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		if (size > ARENA_CHUNK && a->head) {
			/* big block: keep the current chunk as head */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *pf_arena_strndup(pf_arena *a, const char *s, size_t n)
{
	char *d = pf_arena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *pf_arena_strdup(pf_arena *a, const char *s)
{
	return s ? pf_arena_strndup(a, s, strlen(s)) : NULL;
}

void pf_arena_free(pf_arena *a)
{
	if (!a)
		return;
	for (arena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* --- hashing -------------------------------------------------------------- */

uint64_t pf_hash64(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int pf_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

uint64_t pf_hash64_str(const char *s)
{
	return pf_hash64(s, strlen(s));
}

void pf_trace_phase(const char *what)
{
	static int on = -1;
	static struct timespec t0;
	struct timespec t;

	if (on < 0 && (on = getenv("PF_TRACE") != NULL))
		clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	fprintf(stderr, "trace: %.1f ms: %s\n",
	        (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6, what);
}

/* SHA-256 after FIPS 180-4; small and portable rather than fast. */
static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		              ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		              ((a & b) ^ (a & c) ^ (b & c));
		hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void pf_sha256_hex(const void *data, size_t n, char out[65])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	const unsigned char *p = data;
	unsigned char tail[128] = {0};
	size_t full = n & ~(size_t)63, rest = n - full, tlen;
	uint64_t bits = (uint64_t)n * 8;

	for (size_t i = 0; i < full; i += 64)
		sha256_block(h, p + i);
	memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	tlen = rest + 1 + 8 <= 64 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[tlen - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < tlen; i += 64)
		sha256_block(h, tail + i);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", h[i]);
}

/* --- integer map ---------------------------------------------------------- */

struct pf_map {
	uint64_t *keys;
	uint32_t *vals;
	uint8_t *used;
	size_t n, cap;
};

pf_map *pf_map_new(void)
{
	pf_map *m = pf_calloc(1, sizeof(*m));
	m->cap = 64;
	m->keys = pf_calloc(m->cap, sizeof(*m->keys));
	m->vals = pf_calloc(m->cap, sizeof(*m->vals));
	m->used = pf_calloc(m->cap, 1);
	return m;
}

static size_t map_slot(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

int pf_map_get(const pf_map *m, uint64_t key, uint32_t *out)
{
	for (size_t i = map_slot(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->used[i])
			return 0;
		if (m->keys[i] == key) {
			if (out)
				*out = m->vals[i];
			return 1;
		}
	}
}

void pf_map_put(pf_map *m, uint64_t key, uint32_t val)
{
	if ((m->n + 1) * 4 > m->cap * 3) {
		pf_map old = *m;
		m->cap *= 2;
		m->n = 0;
		m->keys = pf_calloc(m->cap, sizeof(*m->keys));
		m->vals = pf_calloc(m->cap, sizeof(*m->vals));
		m->used = pf_calloc(m->cap, 1);
		for (size_t i = 0; i < old.cap; i++)
			if (old.used[i])
				pf_map_put(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
		free(old.used);
	}
	for (size_t i = map_slot(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->used[i]) {
			m->used[i] = 1;
			m->keys[i] = key;
			m->vals[i] = val;
			m->n++;
			return;
		}
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return;
		}
	}
}

void pf_map_free(pf_map *m)
{
	if (!m)
		return;
	free(m->keys);
	free(m->vals);
	free(m->used);
	free(m);
}

/* --- string interning ----------------------------------------------------- */

struct pf_strtab {
	pf_arena *arena;
	PF_VEC(const char *) strs; /* [0] = "" */
	PF_VEC(uint64_t) hashes;   /* by id: the string's hash */
	PF_VEC(uint32_t) lens;     /* by id: its length */
	uint32_t *slots;           /* open addressing over ids, 0 = empty */
	size_t cap;
};

pf_strtab *pf_strtab_new(void)
{
	pf_strtab *t = pf_calloc(1, sizeof(*t));
	t->arena = pf_arena_new();
	pf_vec_push(&t->strs, "");
	pf_vec_push(&t->hashes, pf_hash64("", 0));
	pf_vec_push(&t->lens, 0);
	t->cap = 256;
	t->slots = pf_calloc(t->cap, sizeof(*t->slots));
	return t;
}

static uint32_t *strtab_slot(const pf_strtab *t, const char *s, size_t n, uint64_t h)
{
	size_t i = (size_t)h & (t->cap - 1);
	for (;; i = (i + 1) & (t->cap - 1)) {
		uint32_t id = t->slots[i];
		if (!id)
			return &t->slots[i];
		if (t->hashes.v[id] == h && t->lens.v[id] == n && memcmp(t->strs.v[id], s, n) == 0)
			return &t->slots[i];
	}
}

/* Room for n strings in all without growing. */
static void strtab_fit(pf_strtab *t, size_t n)
{
	if (n * 2 <= t->cap)
		return;
	while (n * 2 > t->cap)
		t->cap *= 2;
	free(t->slots);
	t->slots = pf_calloc(t->cap, sizeof(*t->slots));
	for (uint32_t id = 1; id < t->strs.n; id++) {
		size_t i = (size_t)t->hashes.v[id] & (t->cap - 1);
		while (t->slots[i])
			i = (i + 1) & (t->cap - 1);
		t->slots[i] = id;
	}
}

void pf_strtab_reserve(pf_strtab *t, size_t n)
{
	strtab_fit(t, t->strs.n + n);
}

static pf_sym strtab_intern_hashed(pf_strtab *t, const char *s, size_t n, uint64_t h)
{
	uint32_t *slot = strtab_slot(t, s, n, h);

	if (*slot)
		return *slot;
	if ((t->strs.n + 1) * 2 > t->cap) {
		strtab_fit(t, t->strs.n + 1);
		slot = strtab_slot(t, s, n, h);
	}
	pf_vec_push(&t->strs, pf_arena_strndup(t->arena, s, n));
	pf_vec_push(&t->hashes, h);
	pf_vec_push(&t->lens, (uint32_t)n);
	*slot = (uint32_t)(t->strs.n - 1);
	return *slot;
}

pf_sym pf_strtab_intern_n(pf_strtab *t, const char *s, size_t n)
{
	return strtab_intern_hashed(t, s, n, pf_hash64(s, n));
}

pf_sym pf_strtab_intern_from(pf_strtab *t, const pf_strtab *from, pf_sym id)
{
	if (!id || id >= from->strs.n)
		return 0;
	return strtab_intern_hashed(t, from->strs.v[id], from->lens.v[id], from->hashes.v[id]);
}

pf_sym pf_strtab_intern(pf_strtab *t, const char *s)
{
	return s ? pf_strtab_intern_n(t, s, strlen(s)) : 0;
}

pf_sym pf_strtab_find(const pf_strtab *t, const char *s)
{
	size_t n = strlen(s);

	return *strtab_slot(t, s, n, pf_hash64(s, n));
}

const char *pf_strtab_str(const pf_strtab *t, pf_sym id)
{
	return id < t->strs.n ? t->strs.v[id] : "";
}

uint32_t pf_strtab_count(const pf_strtab *t)
{
	return (uint32_t)t->strs.n;
}

void pf_strtab_free(pf_strtab *t)
{
	if (!t)
		return;
	pf_arena_free(t->arena);
	pf_vec_free(&t->strs);
	pf_vec_free(&t->hashes);
	pf_vec_free(&t->lens);
	free(t->slots);
	free(t);
}

/*
 * Returns a new absolute, lexically normalised path: `path` taken
 * relative to `base` (an absolute directory) unless absolute; ".",
 * ".." and repeated slashes removed. Caller frees.
 */
char *pf_path_absnorm(const char *base, const char *path)
{
	char *joined = path[0] == '/' || !base ? pf_strdup(path)
	                                       : pf_asprintf("%s/%s", base, path);
	size_t n = strlen(joined);
	char *out = pf_malloc(n + 2);
	size_t len = 0;
	const char *p = joined;
	out[len++] = '/';
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t sl = (size_t)(p - s);
		if (sl == 0 || (sl == 1 && s[0] == '.'))
			continue;
		if (sl == 2 && s[0] == '.' && s[1] == '.') {
			if (len > 1) {
				len--; /* the trailing slash */
				while (len > 1 && out[len - 1] != '/')
					len--;
			}
			continue;
		}
		if (len > 1 && out[len - 1] != '/')
			out[len++] = '/';
		memcpy(out + len, s, sl);
		len += sl;
	}
	if (len > 1 && out[len - 1] == '/')
		len--;
	out[len] = 0;
	pf_free(joined);
	return out;
}

/* --- glob ----------------------------------------------------------------- */

/*
 * Glob matching by dynamic programming, linear in the product of the
 * lengths (patterns and names come from scanned code and policies: a
 * backtracking matcher is exponential in the number of stars).
 * m[i][j]: pattern from i matches name from j.
 */
int pf_glob_match(const char *pat, const char *s)
{
	size_t pn = strlen(pat), sn = strlen(s), w = sn + 1;
	uint8_t small[1024], *m = (pn + 1) * w <= sizeof(small) ? small
	                                                       : pf_malloc((pn + 1) * w);
	int r;

	for (size_t i = pn + 1; i-- > 0;) {
		for (size_t j = w; j-- > 0;) {
			uint8_t v;
			if (i == pn) {
				v = j == sn;
			} else if (pat[i] == '*' && pat[i + 1] == '*') {
				/* `**` (and a `/` after it) matches across slashes */
				size_t k = i + 2 + (pat[i + 2] == '/');
				v = m[k * w + j] || (j < sn && m[i * w + j + 1]);
			} else if (pat[i] == '*') {
				v = m[(i + 1) * w + j] || (j < sn && s[j] != '/' && m[i * w + j + 1]);
			} else if (pat[i] == '?') {
				v = j < sn && s[j] != '/' && m[(i + 1) * w + j + 1];
			} else {
				v = j < sn && pat[i] == s[j] && m[(i + 1) * w + j + 1];
			}
			m[i * w + j] = v;
		}
	}
	r = m[0];
	if (m != small)
		pf_free(m);
	return r;
}

int pf_glob_match_path(const char *glob, const char *path)
{
	char *dir;
	int hit = pf_glob_match(glob, path);

	for (const char *sl = strchr(path, '/'); sl && !hit; sl = strchr(sl + 1, '/')) {
		dir = pf_strndup(path, (size_t)(sl - path));
		hit = pf_glob_match(glob, dir);
		pf_free(dir);
	}
	return hit;
}

/* --- the run's clock ----------------------------------------------------- */

int pf_time_now(time_t *out)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");

	*out = time(NULL);
	if (env && *env) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(env, &end, 10);
		/* up to 9999-12-31T23:59:59 */
		if (errno || *end || end == env || *env == '-' || *env == '+' ||
		    v > 253402300799LL) {
			pf_error_set("SOURCE_DATE_EPOCH: expected seconds since "
			             "1970-01-01 (0 to 253402300799), got '%s'", env);
			return PF_EINVALID;
		}
		*out = (time_t)v;
	}
	return PF_OK;
}

/* --- did you mean -------------------------------------------------------- */

/* Levenshtein distance, for "did you mean". */
size_t pf_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], prev, tmp;

	if (lb >= 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev
			         : 1 + (prev < row[j - 1] ? (prev < row[j] ? prev : row[j])
			                                  : (row[j - 1] < row[j] ? row[j - 1] : row[j]));
			prev = tmp;
		}
	}
	return row[lb];
}

/* --- text escaping -------------------------------------------------------- */

int pf_utf8_decode(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	int n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Code points a terminal or a Markdown renderer would act on. */
static int is_unsafe_cp(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c ||
	       c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

int pf_text_char(const char *s, char esc[8])
{
	static const char hex[] = "0123456789abcdef";
	uint32_t c;
	int n = pf_utf8_decode(s, &c);

	esc[0] = '\0';
	if (n && !is_unsafe_cp(c))
		return n;
	esc[0] = '\\';
	if (n && (c == '\n' || c == '\r' || c == '\t')) {
		esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		esc[2] = '\0';
	} else if (!n || c < 0x80) {
		unsigned char b = (unsigned char)*s;
		esc[1] = 'x';
		esc[2] = hex[b >> 4];
		esc[3] = hex[b & 15];
		esc[4] = '\0';
		n = 1;
	} else {
		esc[1] = 'u';
		for (int i = 0; i < 4; i++)
			esc[2 + i] = hex[(c >> (12 - 4 * i)) & 15];
		esc[6] = '\0';
	}
	return n;
}

int pf_text_needs_escape(const char *s)
{
	char esc[8];

	while (s && *s) {
		s += pf_text_char(s, esc);
		if (esc[0])
			return 1;
	}
	return 0;
}

char *pf_text_escape(const char *s)
{
	size_t len = s ? strlen(s) : 0, o = 0;
	char *out = pf_malloc(len * 4 + 1), esc[8]; /* \xNN per byte at worst */

	while (s && *s) {
		int n = pf_text_char(s, esc);
		if (esc[0]) {
			/* \uXXXX (6 bytes) stands for 2 or 3 bytes: 4 per byte at most */
			size_t k = strlen(esc);
			memcpy(out + o, esc, k);
			o += k;
		} else {
			memcpy(out + o, s, (size_t)n);
			o += (size_t)n;
		}
		s += n;
	}
	out[o] = '\0';
	return out;
}
