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
#include <time.h>

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

/* With PF_TRACE set, prints to stderr the milliseconds since the first
   call and what was just done ("trace: 12.3 ms: parsed"): where a scan's
   time goes, phase by phase. */
void pf_trace_phase(const char *what);
/* qsort/bsearch order of uint64_t values. */
int pf_u64_cmp(const void *a, const void *b);
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
/* String id of table `from` interned in t, its hash not computed again. */
pf_sym pf_strtab_intern_from(pf_strtab *t, const pf_strtab *from, pf_sym id);
void pf_strtab_reserve(pf_strtab *t, size_t n); /* room for n more */
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

/*
 * Files (files.c). Inputs are hostile: pf_file_read() takes regular files
 * only (a FIFO, a device or a directory is an error, never a wait), at
 * most `max` bytes, and with PF_READ_TEXT a NUL byte is an error naming
 * its line and offset. *out is NUL-terminated and belongs to the caller.
 */
enum { PF_READ_TEXT = 1 };
#define PF_MAX_RULES_FILE ((size_t)16 << 20)  /* policy, catalogue */
#define PF_MAX_COMPDB_FILE ((size_t)1 << 30)  /* compile_commands.json */
#define PF_MAX_SOURCE_FILE ((size_t)16 << 20) /* a source quoted in a report */
int pf_file_read(char **out, size_t *len, const char *path, size_t max,
                 unsigned flags);
/*
 * Writes a whole file so that no reader sees half of it. A regular file
 * or a new path is replaced atomically: the data go to a temporary file
 * made by mkstemp() in the same directory, get the old file's mode (or
 * 0666 less the umask), are flushed and renamed over PATH. Anything else
 * (a device, a FIFO, a symbolic link) is written in place, as a shell's
 * `>` would: `-o /dev/null` stays a device. A directory, a dangling link
 * or a failed write (ENOSPC on /dev/full) is PF_EIO.
 */
int pf_file_write(const char *path, const char *data, size_t len);
/* Checks before any work that pf_file_write(path) can succeed (the file
   or its directory is writable). */
int pf_file_check_writable(const char *path);
/* Installs handlers for SIGINT, SIGTERM, SIGHUP and SIGQUIT (where they
   have their default disposition) that remove the temporary files of
   writes in progress, then die of the signal. For programs, not tests. */
void pf_file_cleanup_on_signals(void);
int pf_mkdirs(const char *dir); /* mkdir -p; a file in the way is an error */

/*
 * Text for terminals and Markdown (util.c): a copy of `s` in which
 * control characters (C0, DEL, C1), bidirectional controls (U+202A-E,
 * U+2066-9, U+200E/F, U+061C), line and paragraph separators and bytes
 * that are not UTF-8 are written as escapes: \n \r \t, \xNN for single
 * bytes, \uXXXX for code points. Nothing else changes. Caller frees.
 */
char *pf_text_escape(const char *s);
/* 1 if pf_text_escape(s) would change s. */
int pf_text_needs_escape(const char *s);
/* The character at s (NUL-terminated, not at its end): returns its length
   in bytes and sets esc to its escape when pf_text_escape would escape
   it, else to "". */
int pf_text_char(const char *s, char esc[8]);
/* Length of the valid UTF-8 sequence at s (1-4), 0 if it is not one;
   *cp gets its code point. s is NUL-terminated. */
int pf_utf8_decode(const char *s, uint32_t *cp);

/* A new absolute, lexically normalised path: `path` taken relative to the
   absolute directory `base` unless absolute; ".", ".." and repeated
   slashes removed. Caller frees. */
char *pf_path_absnorm(const char *base, const char *path);

/* Levenshtein distance of a and b, for "did you mean" hints; SIZE_MAX when b
   is 64 bytes or longer. */
size_t pf_edit_distance(const char *a, const char *b);

/* Glob match with '*', '?' and '**' (matches across '/'). */
int pf_glob_match(const char *pattern, const char *s);
/* A glob on a path relative to the project root, as the config file's
   include and exclude and the suppressions file's paths take it: 1 when
   it matches the whole path or one of its leading folders ("vendor"
   takes vendor/zlib/inflate.c). */
int pf_glob_match_path(const char *glob, const char *path);

/*
 * What a run takes as now: SOURCE_DATE_EPOCH (decimal seconds since
 * 1970-01-01, at most 9999-12-31T23:59:59) when it is set and not empty,
 * else the clock, so that reports and the expiry of suppressions can be
 * reproduced. A malformed SOURCE_DATE_EPOCH is PF_EINVALID, as the
 * reproducible-builds specification asks.
 */
int pf_time_now(time_t *out);

#endif
