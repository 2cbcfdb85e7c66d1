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
} pf_store_info;

int pf_store_info_get(pf_store *st, pf_store_info *out);

/*
 * Deletes every run but the `keep` newest (keep >= 1), with their files,
 * functions, findings, traces and uses; *deleted says how many. The
 * space is given back to the file system (VACUUM) when runs went.
 */
int pf_store_prune(pf_store *st, int64_t keep, int64_t *deleted);

#endif
