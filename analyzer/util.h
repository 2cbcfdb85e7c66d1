/*
 * Small utilities shared by every privflow module: error reporting,
 * allocation, arenas, growable arrays, string interning and hashing.
 * Nothing here knows about C, policies or reports.
 */
#ifndef PF_UTIL_H
#define PF_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Error codes: 0 is success, failures are negative (libgit2 style). */
enum {
	PF_OK = 0,
	PF_ERROR = -1,   /* generic failure, message set */
	PF_EINVALID = -2, /* bad input: policy, catalogue, compile database, usage */
	PF_EIO = -3,     /* a file could not be read or written */
	PF_EPARSE = -4   /* a translation unit could not be parsed */
};

/*
 * The message of the last error on this thread. Set it where the error is
 * detected; callers propagate the code and never reword the message.
 */
void pf_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *pf_error_last(void);
void pf_error_clear(void);

/*
 * Allocation. Out of memory is not recoverable for an analyser: these
 * print a message and abort (as git's xmalloc does), so callers never
 * check for NULL. All privflow memory goes through them.
 */
void *pf_malloc(size_t n);
void *pf_calloc(size_t n, size_t size);
void *pf_realloc(void *p, size_t n);
char *pf_strdup(const char *s);
char *pf_strndup(const char *s, size_t n);
char *pf_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pf_free(void *p);

/*
 * Growable array of T: PF_VEC(T) v = {0}; pf_vec_push(&v, x); v.v[i]; v.n.
 * Free with pf_vec_free(&v).
 */
#define PF_VEC(T) struct { T *v; size_t n, cap; }
#define pf_vec_grow(vec, need)                                              \
	do {                                                                    \
		if ((need) > (vec)->cap) {                                          \
			size_t c_ = (vec)->cap ? (vec)->cap * 2 : 8;                    \
			while (c_ < (need))                                             \
				c_ *= 2;                                                    \
			(vec)->v = pf_realloc((vec)->v, c_ * sizeof(*(vec)->v));        \
			(vec)->cap = c_;                                                \
		}                                                                   \
	} while (0)
#define pf_vec_push(vec, x)                                                 \
	do {                                                                    \
		pf_vec_grow((vec), (vec)->n + 1);                                   \
		(vec)->v[(vec)->n++] = (x);                                         \
	} while (0)
#define pf_vec_free(vec)                                                    \
	do {                                                                    \
		pf_free((vec)->v);                                                  \
		(vec)->v = NULL;                                                    \
		(vec)->n = (vec)->cap = 0;                                          \
	} while (0)

/* Arena: bump allocator for data that dies together (one TU, one run). */
typedef struct pf_arena pf_arena;
pf_arena *pf_arena_new(void);
void *pf_arena_alloc(pf_arena *a, size_t n);          /* zeroed, 16-aligned */
char *pf_arena_strdup(pf_arena *a, const char *s);
char *pf_arena_strndup(pf_arena *a, const char *s, size_t n);
void pf_arena_free(pf_arena *a);

/* Hashing. */
uint64_t pf_hash64(const void *data, size_t n);      /* FNV-1a 64 */
uint64_t pf_hash64_str(const char *s);
/* SHA-256 of a buffer as 64 lowercase hex digits plus NUL. */
void pf_sha256_hex(const void *data, size_t n, char out[65]);

/*
 * String interning: equal strings get equal ids. Id 0 is reserved for
 * "no string". Strings are owned by the table.
 */
typedef uint32_t pf_sym;
typedef struct pf_strtab pf_strtab;
pf_strtab *pf_strtab_new(void);
pf_sym pf_strtab_intern(pf_strtab *t, const char *s);
pf_sym pf_strtab_intern_n(pf_strtab *t, const char *s, size_t n);
pf_sym pf_strtab_find(const pf_strtab *t, const char *s); /* 0 if absent */
const char *pf_strtab_str(const pf_strtab *t, pf_sym id); /* "" for 0 */
uint32_t pf_strtab_count(const pf_strtab *t);
void pf_strtab_free(pf_strtab *t);

/* Map from 64-bit keys to 32-bit values (open addressing). */
typedef struct pf_map pf_map;
pf_map *pf_map_new(void);
int pf_map_get(const pf_map *m, uint64_t key, uint32_t *out); /* 1 if found */
void pf_map_put(pf_map *m, uint64_t key, uint32_t val);
void pf_map_free(pf_map *m);

/* Files. */
int pf_file_read(char **out, size_t *len, const char *path); /* NUL-terminated */
/*
 * Write a whole file atomically: the data go to PATH.tmp.PID, are flushed,
 * then renamed over PATH, so a reader never sees half a file.
 */
int pf_file_write_atomic(const char *path, const char *data, size_t len);
int pf_mkdirs(const char *dir); /* mkdir -p */
/* A new absolute, lexically normalised path: `path` taken relative to the
   absolute directory `base` unless absolute; ".", ".." and repeated
   slashes removed. Caller frees. */
char *pf_path_absnorm(const char *base, const char *path);

/* Glob match with '*', '?' and '**' (matches across '/'). */
int pf_glob_match(const char *pattern, const char *s);

#endif
