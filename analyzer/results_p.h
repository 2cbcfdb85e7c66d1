/*
 * Internals of the results module shared with the store: the canonical
 * sort without recomputing fingerprints (a run loaded from the store keeps
 * the fingerprints it was recorded with).
 */
#ifndef PF_RESULTS_P_H
#define PF_RESULTS_P_H

#include "results.h"

/* Sorts findings, uses, functions and files into their canonical order. */
void pf_results_sort(pf_results *r);

/*
 * One scan analyses each link unit on its own: pf_results_absorb appends
 * the findings, uses, functions, truncated names and flow count of a
 * unit's results to dst (copying what they point to into dst's arena);
 * pf_results_dedupe then sorts and keeps one of each: a finding in code
 * several units share once (with the first trace in canonical order), a
 * function once.
 */
void pf_results_absorb(pf_results *dst, const pf_results *src);
void pf_results_dedupe(pf_results *r);

/*
 * The engine's part of a unit's results (what pf_results_absorb takes)
 * as bytes, and back into r (its arena): resio.c, for the cache of
 * analysed units. Reading hostile bytes is PF_EINVALID, r left empty.
 */
void pf_results_engine_write(const pf_results *r, char **out, size_t *len);
int pf_results_engine_read(pf_results *r, const void *data, size_t len);

#endif
