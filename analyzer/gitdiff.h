/*
 * Diff-aware runs: the lines changed since a revision (work tree or the
 * staged changes), and the filter that keeps only the findings whose
 * location or trace touches one of them. The analysis itself stays
 * whole-program; only what is reported narrows.
 */
#ifndef PF_GITDIFF_H
#define PF_GITDIFF_H

#include "results.h"

typedef struct pf_changes pf_changes;

/*
 * The lines changed in the files under `root` since `rev` (a revision;
 * NULL with staged: HEAD): with `staged`, the index against rev (what a
 * commit would record); else the work tree against rev, untracked files
 * (not ignored) wholly changed. With staged and no rev in a repository
 * without a commit yet, everything staged is changed. PF_ERROR, with the error set, when root is
 * not in a git work tree or rev names no commit.
 */
int pf_changes_load(pf_changes **out, const char *root, const char *rev, int staged);

/*
 * Parses `git diff --unified=0` output: the new side's line ranges of
 * each `+++ b/PATH`, PATH taken relative to the scan root by dropping
 * `prefix` (the root's path inside the repository, "" or "src/"; paths
 * outside it are skipped). A pure deletion touches the lines on both
 * sides of it. Quoted paths (core.quotePath) are unquoted.
 */
void pf_changes_parse(pf_changes *c, const char *diff, const char *prefix);
pf_changes *pf_changes_new(void);
/* A file wholly changed (untracked), its path relative to the root. */
void pf_changes_add_file(pf_changes *c, const char *path);
int pf_changes_touch(const pf_changes *c, const char *path, uint32_t line);
void pf_changes_free(pf_changes *c);

/* Removes the findings none of whose location and trace steps is a
   changed line; counts them in r->noutside_diff. */
void pf_changes_filter(pf_results *r, const pf_changes *c);

#endif
