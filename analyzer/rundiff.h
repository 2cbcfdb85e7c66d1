/*
 * What changed between two runs, for the assessment's "since the last
 * review": the categories, recipients, purposes and stores the code has
 * now and did not have then (and the reverse), and the findings new and
 * gone (by fingerprint).
 */
#ifndef PF_RUNDIFF_H
#define PF_RUNDIFF_H

#include <stddef.h>

struct pf_results;
struct pf_finding;
struct pf_arena;

enum { PF_DIFF_CATEGORIES, PF_DIFF_RECIPIENTS, PF_DIFF_PURPOSES, PF_DIFF_STORES,
       PF_DIFF_FINDINGS, PF_DIFF_PARTS };
const char *pf_diff_part_name(int part); /* "categories", ... "findings" */

typedef struct pf_diff_list {
	size_t n;
	const char **v;   /* sorted; findings: fingerprints */
	const struct pf_finding **findings; /* findings: v[i]'s, else NULL */
} pf_diff_list;

typedef struct pf_run_diff {
	pf_diff_list added[PF_DIFF_PARTS], removed[PF_DIFF_PARTS];
} pf_run_diff;

/* `then` -> `now`; the lists are in `a` (their strings are the runs'). */
void pf_run_diff_compute(pf_run_diff *d, const struct pf_results *then,
                         const struct pf_results *now, struct pf_arena *a);

#endif
