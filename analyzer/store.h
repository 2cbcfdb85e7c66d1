/*
 * The fact store: one SQLite file (default .privflow/privflow.db) holding
 * every run, the files it read (with content hashes), the functions, the
 * flows, the findings with their traces and the data inventory. The only
 * module that includes sqlite3.h. WAL mode, prepared statements only,
 * one transaction per run.
 */
#ifndef PF_STORE_H
#define PF_STORE_H

#include <stdint.h>

#include "results.h"

typedef struct pf_store pf_store;

/* Opens (creating it and its directory if needed) and migrates. */
int pf_store_open(pf_store **out, const char *path);
/*
 * Opens an existing store for reading only; nothing is created or
 * written. The file may come from elsewhere (a CI cache, an artifact):
 * it is treated as hostile (SQLite's defensive mode, no triggers, views
 * or untrusted schema functions, its tables checked, an integrity check
 * first). PF_EIO "no such store" when it does not exist, PF_EINVALID
 * when it is not a privflow store or not one this version reads.
 */
int pf_store_open_readonly(pf_store **out, const char *path);
void pf_store_close(pf_store *st);

/*
 * Records a finished scan: a row in runs (start time given by the caller,
 * so tests can pin it), its files, findings, traces and uses. Returns the
 * run id in *run_id.
 */
int pf_store_record(pf_store *st, int64_t *run_id, const pf_results *r,
                    int64_t started_at, int64_t finished_at);

/* Loads the results of run `run_id` (0: the latest run). */
int pf_store_load(pf_results **out, pf_store *st, int64_t run_id);

/*
 * The id of the last run recorded at commit `git_commit` (40 hex digits,
 * as a run records it), or of the last run at all when git_commit is
 * NULL, in *run_id; 0 there when no run matches (not an error: the
 * caller says what it looked for).
 */
int pf_store_find_run(pf_store *st, int64_t *run_id, const char *git_commit);

/* What `privflow store` shows of a store. */
typedef struct pf_store_info {
	int schema;             /* its schema version */
	int schema_known;       /* the newest this privflow writes */
	int64_t bytes;          /* the database's size (pages in use and free) */
	int64_t runs, findings; /* rows */
	int64_t first_run, last_run; /* ids, 0 when there is none */
	int64_t last_finished;  /* the last run's end (seconds since the epoch) */
	int64_t cached_tus, cached_bytes; /* the parse cache: TUs, IR bytes */
} pf_store_info;

int pf_store_info_get(pf_store *st, pf_store_info *out);

/*
 * Deletes every run but the `keep` newest (keep >= 1), with their files,
 * functions, findings, traces and uses; *deleted says how many. Cached
 * TUs no kept run used, and file digests older than the oldest kept
 * run, go too. The space is given back to the file system (VACUUM) when
 * anything went.
 */
int pf_store_prune(pf_store *st, int64_t keep, int64_t *deleted);

/*
 * The parse cache (analyzer/tucache.c owns its format): under a TU's
 * cache key, the digest of what its IR is a function of ("content"), its
 * link facts, its brief (its files with their digests, its notes) and
 * its IR; the engine's results of a link unit under the key of its
 * inputs; when each entry was last used; the last stat of a file with its
 * digest. Reads give malloc'ed copies and return 1 (found), 0 (no row) or
 * an error. Writes are batched in one transaction, open until
 * pf_store_cache_commit(), which must come before pf_store_record().
 */
int pf_store_tu_brief(pf_store *st, const char *key, char content[65], char **facts,
                      size_t *nfacts, char **brief, size_t *nbrief);
int pf_store_tu_ir(pf_store *st, const char *key, char **ir, size_t *len);
typedef struct pf_store_blob {
	const void *data;
	size_t len;
} pf_store_blob;
/* b: facts, brief, IR. */
int pf_store_tu_put(pf_store *st, const char *key, const char *file, const char *content,
                    const pf_store_blob b[3], int64_t now);
int pf_store_tu_forget(pf_store *st, const char *key);
int pf_store_unit_get(pf_store *st, const char *key, char **out, size_t *len);
int pf_store_unit_put(pf_store *st, const char *key, const void *data, size_t len, int64_t now);
/* Entry `key` (a TU's or a unit's) was used at `now`: kept by --keep-runs. */
int pf_store_cache_used(pf_store *st, const char *key, int64_t now);

typedef struct pf_file_stat {
	int64_t dev, ino, size, mtime_ns, ctime_ns;
	char sha256[65];
} pf_file_stat;

int pf_store_stat_get(pf_store *st, const char *path, pf_file_stat *out);
int pf_store_stat_put(pf_store *st, const char *path, const pf_file_stat *s, int64_t now);
int pf_store_cache_commit(pf_store *st);

/*
 * Copies the parse cache of the store at `from` (a shard's: scan
 * --shard; opened read-only and treated as hostile) into st, a row of
 * the same key replaced; *rows says how many. Its rows are checked when
 * they are used, as st's own are: a file changed since, or another
 * privflow, makes them misses.
 */
int pf_store_import_cache(pf_store *st, const char *from, int64_t now, int64_t *rows);

#endif
