/*
 * Little-endian bytes, written and read back: the primitives of the IR
 * format (irio.c) and of the engine results the cache keeps (resio.c).
 * The reader treats its input as hostile: a read past the end, or a
 * count the bytes left could not hold, sets `bad` (with the reason) and
 * every later read yields 0 or NULL, so a caller checks once at the end.
 * Inline: the IR reader calls these millions of times.
 */
#ifndef PF_BYTES_H
#define PF_BYTES_H

#include <stdint.h>
#include <string.h>

#include "util.h"

typedef struct pf_wbuf {
	char *v;
	size_t n, cap;
} pf_wbuf;

static inline void pf_w_bytes(pf_wbuf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->n + n)
			cap *= 2;
		b->v = pf_realloc(b->v, cap);
		b->cap = cap;
	}
	memcpy(b->v + b->n, p, n);
	b->n += n;
}

static inline void pf_w_u8(pf_wbuf *b, uint8_t x)
{
	pf_w_bytes(b, &x, 1);
}

static inline void pf_w_u32(pf_wbuf *b, uint32_t x)
{
	unsigned char c[4] = {(unsigned char)x, (unsigned char)(x >> 8),
	                      (unsigned char)(x >> 16), (unsigned char)(x >> 24)};
	pf_w_bytes(b, c, 4);
}

static inline void pf_w_i64(pf_wbuf *b, int64_t v)
{
	uint64_t x = (uint64_t)v;
	pf_w_u32(b, (uint32_t)x);
	pf_w_u32(b, (uint32_t)(x >> 32));
}

/* A C string: 0 for NULL, else length + 1 and the bytes. */
static inline void pf_w_str(pf_wbuf *b, const char *s)
{
	if (!s) {
		pf_w_u32(b, 0);
		return;
	}
	size_t n = strlen(s);
	pf_w_u32(b, (uint32_t)n + 1);
	pf_w_bytes(b, s, n);
}

typedef struct pf_rbuf {
	const unsigned char *p, *end;
	int bad;           /* set at the first problem; every read then yields 0 */
	const char *why;
} pf_rbuf;

static inline uint32_t pf_r_fail(pf_rbuf *r, const char *why)
{
	if (!r->bad) {
		r->bad = 1;
		r->why = why;
	}
	return 0;
}

static inline const unsigned char *pf_r_take(pf_rbuf *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		pf_r_fail(r, "truncated");
		return NULL;
	}
	const unsigned char *p = r->p;
	r->p += n;
	return p;
}

static inline uint8_t pf_r_u8(pf_rbuf *r)
{
	const unsigned char *p = pf_r_take(r, 1);
	return p ? p[0] : 0;
}

static inline uint32_t pf_r_u32(pf_rbuf *r)
{
	const unsigned char *p = pf_r_take(r, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	                   (uint32_t)p[3] << 24
	         : 0;
}

static inline int64_t pf_r_i64(pf_rbuf *r)
{
	uint64_t lo = pf_r_u32(r), hi = pf_r_u32(r);
	return (int64_t)(lo | hi << 32);
}

/* A count of items of at least `min` bytes each: never more than the
   bytes left could hold. */
static inline uint32_t pf_r_count(pf_rbuf *r, size_t min)
{
	uint32_t n = pf_r_u32(r);
	if ((size_t)(r->end - r->p) / min < n)
		return pf_r_fail(r, "count past the end");
	return n;
}

/* A string pf_w_str() wrote, copied into `a` (NULL for NULL). */
static inline const char *pf_r_str(pf_rbuf *r, pf_arena *a)
{
	uint32_t n = pf_r_u32(r);
	const unsigned char *p;

	if (!n)
		return NULL;
	if (!(p = pf_r_take(r, n - 1)))
		return NULL;
	if (memchr(p, '\0', n - 1)) {
		pf_r_fail(r, "NUL inside a string");
		return NULL;
	}
	return pf_arena_strndup(a, (const char *)p, n - 1);
}

#endif
