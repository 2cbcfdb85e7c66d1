/*
 * Internals of the privflow command: what cli/options.c (the option
 * table, --help, the man page, the config file, errors, the data
 * directory) and cli/privflow.c (the commands, reports, main) share.
 */
#ifndef PF_CLI_H
#define PF_CLI_H

#include <stdio.h>

#include "compdb.h"
#include "config.h"
#include "report.h"

#define EXIT_FINDINGS 1
#define EXIT_BAD 2
#define EXIT_NOTHING 3

#define MAX_REPORTS 16
#define DEFAULT_DB_DIR ".privflow"
#define DEFAULT_DB DEFAULT_DB_DIR "/privflow.db"

enum {
	CMD_SCAN = 1, CMD_REPORT = 2, CMD_DUMP_IR = 4, CMD_BASELINE = 8, CMD_STORE = 16,
	CMD_MERGE = 32
};

typedef struct cli_cmd {
	const char *name;
	unsigned id;
	const char *synopsis;
	const char *about;
	int (*run)(int argc, char **argv);
} cli_cmd;

/* The commands (cli/privflow.c), in the order of --help. */
extern const cli_cmd cli_cmds[];
extern const size_t cli_ncmds;
/* The command being run ("scan"), for messages. */
extern const char *cur_cmd;

typedef struct options {
	const char *compdb;
	const char *policy;
	const char *catalogs[32];
	int ncatalogs;
	int default_catalog;
	char formats[256];
	int formats_set;    /* --format given */
	const char *output;
	const char *out_dir;
	int jobs;
	double tu_timeout;
	long tu_memory;
	const char *db;
	int use_db;
	int no_cache;       /* --no-cache */
	unsigned shard_k, shard_n; /* --shard K/N; N = 0: none */
	const char *root;
	int fail_on;      /* severity, or PF_SEV_COUNT for never */
	int color;
	int progress;
	int quiet;
	int64_t run;
	int64_t compare;    /* --compare ID; 0: none */
	long keep_runs;     /* --keep-runs N; 0: keep all */
	const char *changed_since; /* --changed-since REV */
	int staged;         /* --staged */
	pf_graph_options graph; /* dot, svg, html: --graph-* */
	char **files;
	size_t nfiles;
	char **cflags;
	size_t ncflags;
	pf_arg_edits edits; /* --extra-arg, --extra-arg-before, --remove-arg */
	char *edit_args[3][64];
	/* the config file and the CI gate (apply_config) */
	const char *config;       /* --config FILE */
	int no_config;            /* --no-config */
	const pf_config *cfg;     /* the one read, or NULL */
	const char *baseline;     /* --baseline SPEC, or the config's */
	int no_baseline;          /* --no-baseline */
	const char *suppressions; /* --suppressions FILE, or the config's */
	int no_suppressions;      /* --no-suppressions */
	const char *const *include, *const *exclude; /* the config's globs */
	size_t ninclude, nexclude;
	char db_dir[PATH_MAX];    /* the default store's folder, "" if o->db is not in it */
	char db_default[PATH_MAX];
	int output_set;           /* -o given (even -o -) */
} options;

/* "privflow: CMD: " FMT (with ARG escaped) " (see --help)": EXIT_BAD. */
int bad_usage(const char *fmt, const char *arg);
/* The library's last error on one line: `status`. */
int fail(int status);
const cli_cmd *cmd_by_id(unsigned id);
void usage(FILE *f);
void man_page(FILE *f);
/* The data directory (rules/, include/), or NULL with where it looked. */
const char *datadir(char *looked, size_t size);
/* DATADIR/rel (pf_malloc'd), or NULL with the error set. */
char *data_path(const char *rel);
/* The command line of `cmd`, then the config file's defaults, into *o:
   0, or an exit status to return (--help prints and exits 0). */
int parse_options(options *o, int argc, char **argv, const cli_cmd *cmd);

#endif
