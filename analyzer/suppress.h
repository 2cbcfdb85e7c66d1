/*
 * Inline suppressions: a comment `privflow-ignore[RULE]: reason` (or
 * `privflow-ignore[RULE1,RULE2]: reason`) on a finding's line, or alone
 * on the line above, accepts that finding, with its reason, as NOLINT,
 * nosemgrep and bearer:disable do. The finding stays in the results (its
 * suppression "inSource", its justification the reason) and fails no run.
 */
#ifndef PF_SUPPRESS_H
#define PF_SUPPRESS_H

#include <stdio.h>

#include "results.h"

/*
 * Reads every project file of the run (r->files, relative to `root`) for
 * markers and marks the findings they name. A marker without a reason or
 * naming an unknown rule is PF_EINVALID, the error in gcc's order
 * ("file:line:col: error: ..."). A marker that matches no finding is one
 * warning line on `warn` (NULL: not said); *nunused counts them.
 */
int pf_suppress_inline(pf_results *r, const char *root, FILE *warn, size_t *nunused);

#endif
