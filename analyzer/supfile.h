/*
 * The suppressions file (docs/cli.md "The suppressions file"): findings a
 * project accepts outside the code, each entry with its reason and maybe
 * an expiry date, as Semgrep's and Bearer's ignore files and CodeQL's
 * alert dismissals do. An entry names a finding by its fingerprint, or
 * findings by rule and path glob; a finding it matches stays in the
 * results, suppressed "external" (SARIF's kind), its justification the
 * entry's reason, and fails no run.
 */
#ifndef PF_SUPFILE_H
#define PF_SUPFILE_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "results.h"

#define PF_MAX_SUPFILE_FILE ((size_t)16 << 20)
#define PF_MAX_SUPFILE_ENTRIES ((size_t)10000)

typedef struct pf_supfile pf_supfile;

/*
 * Reads a suppressions file: {"version":1, "suppressions":[{"fingerprint",
 * "rule", "path", "reason", "expires"}]}. An entry gives at least one of
 * fingerprint (32 lower-case hex digits), rule (an id of kinds.def) and
 * path (a glob relative to the project root, as pf_glob_match_path takes
 * it), and matches the findings that meet every one it gives; "reason" is
 * required and not blank; "expires" is a date, YYYY-MM-DD. The file is
 * untrusted: bounded (PF_MAX_SUPFILE_FILE bytes, PF_MAX_SUPFILE_ENTRIES
 * entries); anything else is PF_EINVALID with the error in gcc's form,
 * "FILE:LINE:COL: error: PATH: what"; PF_EIO when it cannot be read.
 */
int pf_supfile_load(pf_supfile **out, const char *path);

/* What applying a file did. */
typedef struct pf_supfile_stats {
	size_t nsuppressed; /* findings it suppressed */
	size_t nexpired;    /* entries past their date */
	size_t nunused;     /* entries in force that suppressed nothing */
} pf_supfile_stats;

/*
 * Suppresses each finding of r that no suppression holds yet (an inline
 * one takes precedence) and an entry in force matches: the first such
 * entry of the file gives the reason (copied into r's arena). An entry
 * whose date is today or earlier (UTC, `now`) is no longer in force: its
 * findings count again, and it is the warning
 * "FILE:LINE:COL: warning: suppression expired on DATE: reason" on `warn`
 * (NULL: not said). An entry in force that suppresses no finding is
 * "FILE:LINE:COL: warning: unused suppression: ...". Warnings come in the
 * file's order.
 */
void pf_supfile_apply(const pf_supfile *s, pf_results *r, time_t now, FILE *warn,
                      pf_supfile_stats *st);

/*
 * Takes back r's "external" suppressions (those a suppressions file made
 * when the run was recorded), so that a stored run can be judged by the
 * file as it is now; inline ones stay.
 */
void pf_supfile_unapply(pf_results *r);

void pf_supfile_free(pf_supfile *s);

#endif
