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

#endif
