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

typedef struct pf_scan_opts {
	const char *root;        /* project root (absolute) */
	const char *include_dir; /* where privflow.h lives */
	int jobs;                /* parse worker processes, >= 1 */
	int progress;            /* progress indicator on stderr */
	int verbose;
	double tu_timeout;       /* seconds one TU may take to parse; 0: no bound */
	long tu_memory_mib;      /* a worker's data size bound; 0: none */
} pf_scan_opts;

/* Runs the scan; *out owns everything it holds. Parse failures of single
   TUs (including a crash of the parser, or a TU past its time or memory
   bound) are recorded in the results, not returned as errors. TUs whose
   main file is outside opts->root are not parsed (res->ntus_outside). */
int pf_scan_run(pf_results **out, const pf_compdb *db, const pf_catalog *cat,
                const pf_policy *pol, const pf_scan_opts *opts);

#endif
