/*
 * What a scan produced, as plain data (strings and numbers, no IR): the
 * findings with their traces, the data inventory and the run's facts.
 * Report writers and the store read and write this; `privflow report`
 * rebuilds it from the store without scanning again.
 */
#ifndef PF_RESULTS_H
#define PF_RESULTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct pf_step {
	const char *file;     /* relative to the project root */
	uint32_t line, col;
	const char *note;     /* "email read from field user.email" */
} pf_step;

typedef struct pf_finding {
	int rule;             /* enum pf_rule */
	int severity;         /* enum pf_severity */
	const char *category; /* fideslang id, or NULL; the first of them when
	                         several reach one sink by one call */
	const char *categories; /* those, "a,b,c" sorted, or NULL for one */
	uint32_t subject;     /* length of the message's opening that names
	                         the data ("user.contact.email (field u.email)"),
	                         0 if the message does not open so */
	const char *purpose;  /* or NULL */
	const char *recipient;/* or NULL */
	const char *sink;     /* sink kind id ("log"), or NULL */
	const char *function; /* the function where the data leaves */
	const char *file;
	uint32_t line, col;
	const char *message;
	const char *policy_ref; /* the policy sentence it breaks, or NULL */
	size_t ntrace;
	pf_step *trace;
	char fingerprint[33]; /* stable across runs and line moves */
	/* A suppression with its reason (analyzer/suppress.c): the finding
	   stays in the results and the reports, and does not fail the run. */
	const char *suppression;   /* NULL, "inSource" or "external" (SARIF's kinds) */
	const char *justification; /* the reason written with it */
} pf_finding;

/* One row of the data inventory: a category and one place it goes. */
typedef struct pf_use {
	const char *category;
	const char *kind;      /* "collected", "stored", "logged", "sent",
	                          "processed" */
	const char *sink;      /* sink kind, or NULL */
	const char *target;    /* store / recipient / host, or NULL */
	const char *purpose;   /* or NULL if none could be attributed */
	const char *transforms;/* "hashed,redacted" or "" */
	const char *function;
	const char *file;
	uint32_t line, col;
} pf_use;

typedef struct pf_function_fact {
	const char *name;
	const char *file;
	uint32_t line;
	const char *purpose;   /* its own purpose (annotation or binding) */
} pf_function_fact;

typedef struct pf_file_fact {
	const char *path;
	const char *sha256;
	int parsed;            /* 0: the TU failed to parse */
	int partial;           /* the TU had errors: analysed as far as clang
	                          built its AST */
	const char *error;     /* its first error (failed or partial) */
} pf_file_fact;

typedef struct pf_results {
	const char *tool_version;
	const char *root;        /* project root (absolute) */
	const char *policy_file; /* relative to cwd as given */
	const char *policy_name;
	size_t nfindings;
	pf_finding *findings;    /* sorted: file, line, col, rule, category */
	size_t nuses;
	pf_use *uses;            /* sorted */
	size_t nfiles;
	pf_file_fact *files;
	size_t nfunctions;
	pf_function_fact *functions; /* sorted by file, line */
	size_t nflows;           /* flows checked, for the summary */
	size_t ntus, ntus_failed, ntus_partial;
	size_t nunits;           /* link units analysed (not in the store) */
	size_t nnotes;
	char **notes;            /* what the compiler driver refused or
	                            ignored, once each (not in the store) */
	size_t ntus_outside;     /* TUs not parsed: main file outside the root */
	size_t ntus_excluded;    /* TUs not parsed: main file under the root but
	                            not selected by the include/exclude globs
	                            (not in the store) */
	size_t ntus_cached;      /* TUs whose IR came from the parse cache
	                            (not in the store) */
	size_t nunits_cached;    /* link units whose analysis came from the
	                            cache (not in the store) */
	size_t ntus_other_shards; /* TUs not parsed: another shard's (--shard) */
	size_t ntruncated;       /* functions that reached a bound of the
	                            engine (flows through them may be missed) */
	char **truncated;        /* their names, sorted */
	const char *git_commit;  /* HEAD of the scanned root's repository, or NULL */
	const char *git_branch;  /* its branch, or NULL (detached, no repository) */
	/* What the CI gate left out of the reports (cli): findings in the
	   baseline, baseline entries no finding matches any more, findings
	   outside the lines changed since --changed-since. Not in the store. */
	size_t nbaselined, nbaseline_gone, noutside_diff;
	struct pf_arena *arena;  /* owns every string above */
} pf_results;

void pf_results_free(pf_results *r);
/* Sorts findings and uses into their canonical order and computes the
   fingerprints. */
void pf_results_finish(pf_results *r);
/* 1 if s is a fingerprint as pf_results_finish makes them: 32 lower-case
   hex digits (baseline and suppressions files name findings by them). */
int pf_fingerprint_valid(const char *s);

#endif
