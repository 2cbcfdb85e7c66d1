/*
 * The project config file, .privflow.json (docs/cli.md "The config file"):
 * what a project always scans with — policy, catalogues, root, path globs,
 * fail-on, baseline, suppressions file, compilation database, store,
 * jobs — so that the everyday command is `privflow scan`. Found by
 * walking up from the current directory; validated like a policy, every
 * message naming file, line and key. The command line overrides it.
 */
#ifndef PF_CONFIG_H
#define PF_CONFIG_H

#include <stddef.h>

#define PF_CONFIG_NAME ".privflow.json"
#define PF_MAX_CONFIG_FILE ((size_t)1 << 20)

/*
 * A loaded config file. Every path in it is taken relative to the file's
 * directory and stored joined to `dir` (so relative to the current
 * directory when `file` is; "bundled:NAME" policies and "run:"/"git:"
 * baselines are kept as written). Absent keys are NULL, 0 or -1.
 */
typedef struct pf_config {
	const char *file;          /* as found or given */
	const char *dir;           /* its directory: "." or "../.." or as given */
	const char *policy;
	const char **catalogs;
	size_t ncatalogs;
	int no_default_catalog;    /* -1 absent, else 0 or 1 */
	const char *root;
	const char **include;      /* globs relative to the root, as written */
	size_t ninclude;
	const char **exclude;
	size_t nexclude;
	int fail_on;               /* -1 absent; a pf_severity, or PF_SEV_COUNT
	                              for "never" */
	const char *baseline;      /* a file, "run:ID" or "git:REF" */
	const char *suppressions;
	const char *build_path;
	const char *db;
	int jobs;                  /* 0 absent, else 1-256 */
	struct pf_arena *arena;    /* owns everything above */
} pf_config;

/*
 * Looks for .privflow.json in the current directory and each of its
 * parents up to the filesystem root. *path is the first one found,
 * relative to the current directory (".privflow.json",
 * "../../.privflow.json"; caller frees), or NULL when there is none (not
 * an error). PF_EIO when the current directory cannot be named.
 */
int pf_config_find(char **path);

/*
 * Loads and validates `path` (at most PF_MAX_CONFIG_FILE bytes, a regular
 * file, duplicate and unknown keys are errors, with the nearest known key
 * as a hint). *out belongs to the caller (pf_config_free). PF_EIO when
 * the file cannot be read, PF_EINVALID "FILE:LINE: KEY: what" otherwise.
 */
int pf_config_load(pf_config **out, const char *path);
void pf_config_free(pf_config *c);

#endif
