/*
 * Baselines (docs/cli.md "Baselines"): the findings a project has
 * accepted, by fingerprint, so that a scan reports only new ones. A
 * baseline comes from a file `privflow baseline` wrote (meant to be
 * committed) or from a run in the store. Matching is by fingerprint
 * alone; the rule, file, line and message a file holds are for the
 * people who review it.
 */
#ifndef PF_BASELINE_H
#define PF_BASELINE_H

#include <stddef.h>

#include "results.h"

#define PF_MAX_BASELINE_FILE ((size_t)64 << 20)
#define PF_MAX_BASELINE_ENTRIES ((size_t)1 << 20)

typedef struct pf_baseline pf_baseline;

/*
 * Reads a baseline file: {"version":1, "tool", "findings":[{"fingerprint",
 * "rule", "file", "line", "message"}]}. The file is untrusted: bounded
 * (PF_MAX_BASELINE_FILE bytes, PF_MAX_BASELINE_ENTRIES findings),
 * unknown keys and malformed fingerprints are errors naming file, line
 * and key (PF_EINVALID); PF_EIO when it cannot be read.
 */
int pf_baseline_load(pf_baseline **out, const char *path);

/* The baseline a stored run makes: its findings that are not suppressed. */
pf_baseline *pf_baseline_from_results(const pf_results *r);

/* How many distinct fingerprints it holds. */
size_t pf_baseline_count(const pf_baseline *b);

/*
 * Removes from r the findings the baseline holds, except suppressed ones
 * (they stay, marked as suppressed): r->nbaselined is how many went,
 * r->nbaseline_gone how many of the baseline's fingerprints no finding of
 * r has any more (suppressed or not). Findings with one fingerprint are
 * all baselined by it.
 */
void pf_baseline_apply(const pf_baseline *b, pf_results *r);

void pf_baseline_free(pf_baseline *b);

/*
 * Renders the baseline file of r's findings that are not suppressed, in
 * the results' canonical order (file, line, column, rule), two-space
 * indented JSON ending in a newline: the same results give the same
 * bytes. *out belongs to the caller.
 */
int pf_baseline_render(char **out, size_t *len, const pf_results *r);

#endif
