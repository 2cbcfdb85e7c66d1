/*
 * A whole scan as a library call: compile database -> parallel frontend ->
 * merged program -> engine -> results. The CLI is a thin client of this.
 */
#ifndef PF_SCAN_H
#define PF_SCAN_H

#include "compdb.h"
#include "catalog.h"
#include "policy.h"
#include "results.h"
#include "store.h"

typedef struct pf_scan_opts {
	const char *root;        /* project root (absolute) */
	const char *include_dir; /* where privflow.h lives */
	int jobs;                /* parse worker processes, >= 1 */
	int progress;            /* progress indicator on stderr */
	int verbose;
	double tu_timeout;       /* seconds one TU may take to parse; 0: no bound */
	long tu_memory_mib;      /* a worker's data size bound; 0: none */
	/* Which of the root's files are the project (the config file's
	   "include" and "exclude"): globs on paths relative to the root, as
	   pf_scan_path_selected() applies them. None: every file. */
	const char *const *include;
	size_t ninclude;
	const char *const *exclude;
	size_t nexclude;
	/* The store whose parse cache (tucache.h) gives the IR of unchanged
	   TUs and keeps that of the others; NULL: every TU is parsed. */
	pf_store *cache;
	/* --shard K/N (1 <= K <= N; N = 0: no sharding): parse only the TUs
	   whose index in the database is K - 1 modulo N into the cache, and
	   analyse nothing (a later scan with every shard's cache does). */
	unsigned shard_k, shard_n;
} pf_scan_opts;

/*
 * 1 if `path` (relative to the root) is selected: no include glob, or
 * one matching it, and no exclude glob matching it. A glob matches a path
 * when it matches the whole path or one of its leading directories
 * ("third_party" takes third_party/zlib/inflate.c); `*` and `?` stop at
 * '/', a double star crosses it (pf_glob_match).
 */
int pf_scan_path_selected(const pf_scan_opts *opts, const char *path);

/* Runs the scan; *out owns everything it holds. Parse failures of single
   TUs (including a crash of the parser, or a TU past its time or memory
   bound) are recorded in the results, not returned as errors. TUs whose
   main file is outside opts->root are not parsed (res->ntus_outside), nor
   are those whose main file the include/exclude globs do not select
   (res->ntus_excluded); findings in files they do not select are dropped,
   after fingerprinting, so fingerprints do not depend on the globs. */
int pf_scan_run(pf_results **out, const pf_compdb *db, const pf_catalog *cat,
                const pf_policy *pol, const pf_scan_opts *opts);

#endif
