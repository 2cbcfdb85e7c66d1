/*
 * The parse cache: a TU's IR kept in the store, so that a rescan parses
 * only the TUs whose inputs changed. A TU's key is the digest of what
 * decides its IR besides file contents: privflow's executable, libclang
 * and the driver it runs, the environment's include paths, the project
 * root, privflow.h's directory and the TU's directory, file and
 * arguments. Under the key the cache keeps the IR and every file the TU
 * read (the main file, each header, system ones too) with its digest; a
 * cached TU is taken only when each of those files still has that
 * digest. A file's digest is read again only when its stat (device,
 * inode, size, times) differs from the one recorded with the digest, or
 * the file was changed too shortly before that record to trust it.
 *
 * Not cached: failed TUs, and TUs with errors (a missing header that is
 * later created would not be noticed). Like ccache's direct mode, a
 * header newly created earlier on the include path than the one a TU
 * read is not noticed either; --no-cache parses everything.
 */
#ifndef PF_TUCACHE_H
#define PF_TUCACHE_H

#include "compdb.h"
#include "ir.h"
#include "store.h"
#include "units.h"

typedef struct pf_tu_cache pf_tu_cache;

/* A cache over `st` for the TUs of `db` parsed with these root and
   include directory. The caller keeps st open until pf_tu_cache_close. */
pf_tu_cache *pf_tu_cache_new(pf_store *st, const pf_compdb *db, const char *root,
                             const char *include_dir, const char *frontend_id);
/* 1 when TU i of db is cached and every file it read is unchanged, 0
   when it must be parsed, or an error of the store. */
int pf_tu_cache_check(pf_tu_cache *c, size_t i);
/*
 * What the scan needs of a TU pf_tu_cache_check() took before it
 * analyses anything: a TU with its files and driver notes only (no
 * declarations, no functions) and its link facts. 0, or -1 when they
 * are not to be had after all (the TU must then be parsed).
 */
int pf_tu_cache_brief(pf_tu_cache *c, size_t i, pf_tu **brief, pf_unit_facts **facts);
/* The IR bytes of a TU pf_tu_cache_check() took (malloc'ed), or NULL
   with the error set. Safe from several threads. */
char *pf_tu_cache_load(pf_tu_cache *c, size_t i, size_t *len);
/* Drops TU i's row (its IR proved damaged): the next scan parses it. */
void pf_tu_cache_forget(pf_tu_cache *c, size_t i);
/* Keeps TU i's IR, freshly parsed (`tu` is those bytes, read). */
int pf_tu_cache_save(pf_tu_cache *c, size_t i, const pf_tu *tu, const char *bytes, size_t len);

/*
 * The cache of analysed units: the key of a link unit's analysis, made
 * of everything it depends on (the TUs' contents, their tags, the
 * shared symbols, the catalogue and the policy, this privflow) in
 * out[65]; 0, or -1 when one of its TUs is not in the cache (it has
 * errors: the unit is analysed every time).
 */
int pf_tu_cache_unit_key(pf_tu_cache *c, const size_t *tus, const uint32_t *tags, size_t ntus,
                         const uint64_t *shared, size_t nshared, const char *rules,
                         char out[65]);
/* A unit's results bytes (malloc'ed) under key, or NULL. Thread-safe. */
char *pf_tu_cache_unit_get(pf_tu_cache *c, const char *key, size_t *len);
int pf_tu_cache_unit_put(pf_tu_cache *c, const char *key, const char *bytes, size_t len);

/* Commits what was saved; *hits says how many TUs came from the cache. */
int pf_tu_cache_close(pf_tu_cache *c, size_t *hits);

#endif
