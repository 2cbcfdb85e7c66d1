/*
 * The options of privflow as one table (cli_opts[]): getopt's long
 * options, each command's --help and the man page (`privflow man`,
 * installed as privflow(1)) are all generated from it, so they cannot
 * drift apart. Also the config file's defaults, the errors every command
 * prints, and where the bundled data is.
 */
#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "compdb.h"
#include "config.h"
#include "frontend.h"
#include "git.h"
#include "gitdiff.h"
#include "kinds.h"
#include "policy.h"
#include "report.h"
#include "scan.h"
#include "store.h"
#include "supfile.h"
#include "suppress.h"
#include "cli.h"

/* --- the option table ----------------------------------------------------- */

enum {
	OPT_POLICY = 256, OPT_CATALOG, OPT_NO_DEFAULT_CATALOG, OPT_FORMAT, OPT_OUT_DIR,
	OPT_DB, OPT_NO_DB, OPT_ROOT, OPT_FAIL_ON, OPT_COLOR, OPT_NO_COLOR,
	OPT_PROGRESS, OPT_NO_PROGRESS, OPT_RUN, OPT_COMPARE, OPT_GRAPH_BY, OPT_GRAPH_CATEGORY,
	OPT_GRAPH_PURPOSE, OPT_GRAPH_RULE, OPT_GRAPH_OVERVIEW, OPT_TU_TIMEOUT, OPT_TU_MEMORY,
	OPT_EXTRA_ARG, OPT_EXTRA_ARG_BEFORE, OPT_REMOVE_ARG,
	OPT_CONFIG, OPT_NO_CONFIG, OPT_BASELINE, OPT_NO_BASELINE, OPT_KEEP_RUNS,
	OPT_CHANGED_SINCE, OPT_STAGED, OPT_SUPPRESSIONS, OPT_NO_SUPPRESSIONS, OPT_NO_CACHE,
	OPT_SHARD
};

typedef struct cli_opt {
	const char *name;  /* long name */
	int id;            /* short letter or OPT_* */
	const char *arg;   /* argument's name, NULL for a flag */
	unsigned cmds;     /* CMD_* it belongs to */
	const char *help;  /* one line */
} cli_opt;

#define SC (CMD_SCAN | CMD_MERGE) /* merge takes scan's options */
#define SR (SC | CMD_REPORT)

static const cli_opt cli_opts[] = {
	{"build-path", 'p', "DIR|FILE", SC,
	 "the compilation database: DIR/compile_commands.json or the file itself"},
	{"root", OPT_ROOT, "DIR", SR,
	 "project root (default .): only its files are analysed, report paths are "
	 "relative to it; for report, where code is quoted from (default: the "
	 "recorded root, if it is the current directory or below)"},
	{"policy", OPT_POLICY, "FILE", SR,
	 "the privacy policy; bundled:NAME for one privflow ships (bundled:facturi, "
	 "the example). scan needs one, here or in the config file"},
	{"catalog", OPT_CATALOG, "FILE", SC,
	 "an extra catalogue of names and library functions (repeatable, up to 32)"},
	{"no-default-catalog", OPT_NO_DEFAULT_CATALOG, NULL, SC,
	 "do not load the bundled rules/catalog.json"},
	{"format", OPT_FORMAT, "F[,F...]", SR,
	 "report formats: text (default), json, sarif, md, html, dot, svg, gitlab-sast"},
	{"output", 'o', "FILE", SR | CMD_BASELINE,
	 "write the report (baseline: the baseline) to FILE instead of standard output "
	 "(- : standard output)"},
	{"out-dir", OPT_OUT_DIR, "DIR", SR,
	 "write each format to DIR/privflow.EXT (needed for several formats)"},
	{"extra-arg", OPT_EXTRA_ARG, "ARG", SC,
	 "append ARG to every compiler command line (repeatable)"},
	{"extra-arg-before", OPT_EXTRA_ARG_BEFORE, "ARG", SC,
	 "prepend ARG to every compiler command line (repeatable)"},
	{"remove-arg", OPT_REMOVE_ARG, "ARG", SC,
	 "remove ARG from every command line; ARG* removes every argument starting "
	 "with ARG (repeatable; applied before the extra arguments)"},
	{"jobs", 'j', "N", SC,
	 "parse with N worker processes (1-256; default: the processors online)"},
	{"tu-timeout", OPT_TU_TIMEOUT, "SECONDS", SC,
	 "a file whose parse takes longer is skipped and reported (default 300; 0: no bound)"},
	{"tu-memory", OPT_TU_MEMORY, "MIB", SC,
	 "a parse worker's memory bound; past it the file is reported (default 4096; 0: none)"},
	{"db", OPT_DB, "FILE", SR | CMD_BASELINE | CMD_STORE,
	 "the SQLite store (default " DEFAULT_DB ", beside the config file if there is one)"},
	{"no-db", OPT_NO_DB, NULL, CMD_SCAN,
	 "do not record the run in a store (nor take anything from its parse cache)"},
	{"no-cache", OPT_NO_CACHE, NULL, CMD_SCAN,
	 "parse every file, and keep nothing in the store's parse cache (by default a "
	 "file whose inputs have not changed since it was parsed is not parsed again)"},
	{"shard", OPT_SHARD, "K/N", CMD_SCAN,
	 "parse only the K-th of N parts of the translation units into the store's parse "
	 "cache, and analyse nothing: N such scans (a CI matrix), then privflow merge of "
	 "their stores, give the reports of one scan"},
	{"changed-since", OPT_CHANGED_SINCE, "REV", SC,
	 "report only findings whose location or trace touches a line changed since "
	 "REV (the work tree, untracked files included); the analysis stays whole-program"},
	{"staged", OPT_STAGED, NULL, SC,
	 "with --changed-since REV, or alone against HEAD: only the lines a commit of the "
	 "index would change (for a pre-commit hook)"},
	{"keep-runs", OPT_KEEP_RUNS, "N", SC | CMD_STORE,
	 "keep only the N newest runs in the store (1-1000000), deleting older ones"},
	{"run", OPT_RUN, "ID", CMD_REPORT | CMD_BASELINE,
	 "the recorded run to render or baseline (default: the latest)"},
	{"compare", OPT_COMPARE, "ID", CMD_REPORT,
	 "say what changed since recorded run ID (the last review): the categories, "
	 "recipients, purposes, stores and findings new and gone (html, json, md, text)"},
	{"fail-on", OPT_FAIL_ON, "LEVEL", SR,
	 "error (default), warning, note or never: the least severity that exits 1"},
	{"color", OPT_COLOR, NULL, SR, "colour the text report"},
	{"no-color", OPT_NO_COLOR, NULL, SR,
	 "never colour (default: colour on a terminal unless NO_COLOR is set)"},
	{"progress", OPT_PROGRESS, NULL, SC, "show a progress line on standard error"},
	{"no-progress", OPT_NO_PROGRESS, NULL, SC,
	 "no progress line (default: shown when standard error is a terminal)"},
	{"graph-by", OPT_GRAPH_BY, "purpose|file", SR,
	 "cluster the data map's functions by purpose (default) or source file"},
	{"graph-category", OPT_GRAPH_CATEGORY, "ID", SR,
	 "graphs show only this category and its descendants"},
	{"graph-purpose", OPT_GRAPH_PURPOSE, "ID", SR,
	 "graphs show only this purpose and its descendants"},
	{"graph-rule", OPT_GRAPH_RULE, "RULE", SR, "graphs show only flows with a finding of RULE"},
	{"graph-overview", OPT_GRAPH_OVERVIEW, NULL, SR,
	 "the data map (dot, svg) as an overview: one node per purpose, storage and logs one "
	 "node each, categories by parent when there are more than 8"},
	{"baseline", OPT_BASELINE, "SPEC", SR,
	 "report only findings not in a baseline: a file `privflow baseline` wrote, "
	 "run:ID (a run in the store) or git:REF (the last run in the store recorded "
	 "at the commit REF names)"},
	{"no-baseline", OPT_NO_BASELINE, NULL, SR, "ignore the config file's baseline"},
	{"suppressions", OPT_SUPPRESSIONS, "FILE", SR,
	 "a suppressions file: findings accepted by fingerprint, or by rule and path glob, "
	 "each with a reason and maybe an expiry date; they stay in json and sarif as "
	 "suppressed and fail no run. For report, it replaces the file suppressions the run "
	 "was recorded with"},
	{"no-suppressions", OPT_NO_SUPPRESSIONS, NULL, SR,
	 "ignore the config file's suppressions file (report: and the file suppressions the "
	 "run was recorded with)"},
	{"config", OPT_CONFIG, "FILE", SR | CMD_BASELINE | CMD_STORE,
	 "the config file (default: " PF_CONFIG_NAME " in the current directory or the "
	 "nearest parent that has one)"},
	{"no-config", OPT_NO_CONFIG, NULL, SR | CMD_BASELINE | CMD_STORE, "read no config file"},
	{"quiet", 'q', NULL, SR | CMD_DUMP_IR | CMD_BASELINE,
	 "no progress line and no notes on standard error (the summary line stays)"},
	{"help", 'h', NULL, SR | CMD_DUMP_IR | CMD_BASELINE | CMD_STORE, "show this help and exit"},
};

#define NOPTS (sizeof(cli_opts) / sizeof(cli_opts[0]))

const cli_cmd *cmd_by_id(unsigned id)
{
	for (size_t i = 0; i < cli_ncmds; i++)
		if (cli_cmds[i].id == id)
			return &cli_cmds[i];
	assert(!"no such command");
	return NULL;
}

/* "-o, --output FILE" */
static void opt_label(char *buf, size_t size, const cli_opt *o)
{
	snprintf(buf, size, "%s%c%s--%s%s%s", o->id < 256 ? "-" : "",
	         o->id < 256 ? o->id : ' ', o->id < 256 ? ", " : "", o->name,
	         o->arg ? " " : "", o->arg ? o->arg : "");
	if (o->id >= 256)
		memmove(buf, buf + 1, strlen(buf)); /* drop the blank */
}

void usage(FILE *f)
{
	fputs("usage: privflow COMMAND [OPTIONS]\n\ncommands:\n", f);
	for (size_t i = 0; i < cli_ncmds; i++)
		fprintf(f, "  %-9s %s\n", cli_cmds[i].name, cli_cmds[i].synopsis);
	fputs("  --version, -V       print the version and the data directory\n"
	      "  --help, -h          this help; `privflow COMMAND --help` for a command's options\n"
	      "\nExit status: 0 no finding at or above --fail-on, 1 findings, 2 bad usage or\n"
	      "input (or a translation unit that could not be parsed), 3 nothing analysed.\n"
	      "See docs/cli.md or privflow(1).\n", f);
}

/* `text` wrapped at 79 columns, the first line starting at column
   `col` (already written), the others indented by `indent`. */
static void wrap(FILE *f, const char *text, int col, int indent)
{
	while (*text) {
		int room = 79 - col, n = (int)strlen(text);

		if (n > room) {
			n = room;
			while (n > 0 && text[n] != ' ')
				n--;
			if (n == 0)
				n = (int)strcspn(text, " ");
		}
		fprintf(f, "%.*s\n", n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(f, "%*s", indent, "");
		col = indent;
	}
}

static void command_help(FILE *f, const cli_cmd *c)
{
	char label[64];

	fprintf(f, "usage: privflow %s %s\n\n", c->name, c->synopsis);
	wrap(f, c->about, 0, 0);
	fputs("\noptions:\n", f);
	for (size_t i = 0; i < NOPTS; i++) {
		if (!(cli_opts[i].cmds & c->id))
			continue;
		opt_label(label, sizeof(label), &cli_opts[i]);
		if (strlen(label) <= 26)
			fprintf(f, "  %-26s ", label);
		else
			fprintf(f, "  %s\n  %-26s ", label, "");
		wrap(f, cli_opts[i].help, 29, 29);
	}
	if (c->id & SC)
		fprintf(f, "\nformats: %s\n", pf_report_formats());
}

/* roff with its special characters escaped: \ - and a leading . or ' */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/* privflow(1), from the same tables as --help. */
void man_page(FILE *f)
{
	char label[64];

	fprintf(f, ".TH PRIVFLOW 1 \"\" \"privflow %s\" \"User Commands\"\n", PF_VERSION);
	fputs(".SH NAME\nprivflow \\- trace personal data through C code and check it "
	      "against a privacy policy\n.SH SYNOPSIS\n", f);
	for (size_t i = 0; i < cli_ncmds; i++) {
		fprintf(f, ".B privflow %s\n", cli_cmds[i].name);
		roff(f, cli_cmds[i].synopsis);
		fputs("\n.br\n", f);
	}
	fputs(".SH DESCRIPTION\nprivflow parses a C code base with libclang, finds where "
	      "personal data lives, follows it to logs, files, databases, sockets and "
	      "third parties, and checks every flow against a machine-readable privacy "
	      "policy. Findings are written as compiler-style text, JSON, SARIF 2.1.0, "
	      "Markdown, HTML and Graphviz graphs.\n", f);
	for (size_t i = 0; i < cli_ncmds; i++) {
		fprintf(f, ".SH \"PRIVFLOW %s\"\n", cli_cmds[i].name);
		roff(f, cli_cmds[i].about);
		fputc('\n', f);
		for (size_t j = 0; j < NOPTS; j++) {
			if (!(cli_opts[j].cmds & cli_cmds[i].id))
				continue;
			opt_label(label, sizeof(label), &cli_opts[j]);
			fputs(".TP\n.B ", f);
			roff(f, label);
			fputc('\n', f);
			roff(f, cli_opts[j].help);
			fputc('\n', f);
		}
	}
	fputs(".SH EXIT STATUS\n.TP\n0\nno finding at or above \\-\\-fail\\-on\n"
	      ".TP\n1\nfindings at or above \\-\\-fail\\-on\n"
	      ".TP\n2\nbad usage, a policy, catalogue, compilation database or store that "
	      "does not load, a report that cannot be written, or a translation unit that "
	      "could not be parsed\n"
	      ".TP\n3\nnothing was analysed: the compilation database is empty, or every "
	      "file is outside \\-\\-root\n"
	      ".SH ENVIRONMENT\n.TP\nPRIVFLOW_DATADIR\nwhere the bundled rules/ and include/ "
	      "are (default: ../share/privflow beside the executable, then the configured "
	      "prefix)\n.TP\nNO_COLOR\nno colours in the text report\n"
	      ".SH FILES\n.TP\n.privflow.json\nthe project config file, looked for in the "
	      "current directory and its parents (docs/cli.md)\n"
	      ".TP\n.privflow/privflow.db\nthe default store, beside the config file if there "
	      "is one\n"
	      ".SH SEE ALSO\nThe documentation installed in share/doc/privflow: cli.md, "
	      "policy.md, catalog.md, annotations.md, rules.md.\n", f);
}

/* --- errors ----------------------------------------------------------------- */

const char *cur_cmd = "privflow";

int bad_usage(const char *fmt, const char *arg)
{
	char *safe = pf_text_escape(arg);

	fprintf(stderr, "privflow: %s: ", cur_cmd);
	fprintf(stderr, fmt, safe);
	fprintf(stderr, " (see 'privflow %s --help')\n", cur_cmd);
	pf_free(safe);
	return EXIT_BAD;
}

/* A library error on one line, control characters escaped. */
int fail(int status)
{
	char *safe = pf_text_escape(pf_error_last());

	fprintf(stderr, "privflow: error: %s\n", safe);
	pf_free(safe);
	return status;
}

/* An unknown option: one line, with the nearest long option as a hint. */
static int unknown_option(const char *arg, int letter, unsigned cmd)
{
	char name[64], hint[128] = "", shortopt[3] = {'-', (char)letter, 0};
	const char *eq, *best = NULL;
	size_t bestd = 3;

	if (arg[0] != '-' || arg[1] != '-') {
		arg = shortopt; /* -x, or one letter of a cluster -qx */
		name[0] = '\0';
	} else {
		snprintf(name, sizeof(name), "%s", arg + 2);
		if ((eq = strchr(name, '=')))
			name[eq - name] = '\0';
	}
	for (size_t i = 0; name[0] && i < NOPTS; i++) {
		size_t d;

		if (!(cli_opts[i].cmds & cmd))
			continue;
		d = pf_edit_distance(name, cli_opts[i].name);
		if (d < bestd && d * 3 < strlen(name) + 3)
			bestd = d, best = cli_opts[i].name;
	}
	if (best)
		snprintf(hint, sizeof(hint), "; did you mean '--%s'?", best);
	char *safe = pf_text_escape(arg);
	fprintf(stderr, "privflow: %s: unknown option '%s'%s (see 'privflow %s --help')\n",
	        cur_cmd, safe, hint, cur_cmd);
	pf_free(safe);
	return EXIT_BAD;
}

/* --- data directory ------------------------------------------------------- */

/*
 * Where the bundled rules/ and include/ are, first match wins:
 * $PRIVFLOW_DATADIR; ../share/privflow beside the executable (an
 * installed or relocated copy); the source tree of a build-tree binary;
 * the configured install prefix. NULL when none holds rules/catalog.json,
 * with the places looked at in `looked`.
 */
const char *datadir(char *looked, size_t size)
{
	static char found[PATH_MAX];
	char exe[PATH_MAX], cand[4][PATH_MAX];
	const char *env = getenv("PRIVFLOW_DATADIR");
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int ncand = 0;
	size_t used = 0;

	if (found[0])
		return found;
	if (env && *env)
		snprintf(cand[ncand++], PATH_MAX, "%s", env);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(cand[ncand++], PATH_MAX, "%.*s/../share/privflow", PATH_MAX - 32, exe);
		}
	}
	snprintf(cand[ncand++], PATH_MAX, "%s", PF_SOURCE_DATADIR);
	snprintf(cand[ncand++], PATH_MAX, "%s", PF_INSTALL_DATADIR);
	for (int i = 0; i < ncand; i++) {
		char *probe = pf_asprintf("%s/rules/catalog.json", cand[i]);
		struct stat st;
		int ok = stat(probe, &st) == 0 && S_ISREG(st.st_mode);

		pf_free(probe);
		if (ok && realpath(cand[i], found))
			return found;
		if (looked && used < size)
			used += (size_t)snprintf(looked + used, size - used, "%s%s",
			                         i ? ", " : "", cand[i]);
	}
	return NULL;
}

char *data_path(const char *rel)
{
	char looked[4 * PATH_MAX + 16];
	const char *dir = datadir(looked, sizeof(looked));

	if (!dir) {
		pf_error_set("privflow's data files (rules/catalog.json) were not found; "
		             "looked in: %s; set PRIVFLOW_DATADIR to the directory that "
		             "holds rules/ and include/", looked);
		return NULL;
	}
	return pf_asprintf("%s/%s", dir, rel);
}

/* --- options --------------------------------------------------------------- */


/* Appends one --extra-arg... to edit list k: 0, or an exit status. */
static int add_edit(options *o, int k, const char *opt, char *arg)
{
	size_t *n = k == 0 ? &o->edits.nbefore : k == 1 ? &o->edits.nafter : &o->edits.nremove;

	if (*n == 64)
		return bad_usage("%s: at most 64 times", opt);
	o->edits.before = o->edit_args[0];
	o->edits.after = o->edit_args[1];
	o->edits.remove = o->edit_args[2];
	o->edit_args[k][(*n)++] = arg;
	return 0;
}

/* --- the config file ------------------------------------------------------ */

static pf_config *the_config; /* one per process, freed at exit */

static void free_config(void)
{
	pf_config_free(the_config);
	the_config = NULL;
}

/* Reads --config FILE, else the nearest .privflow.json; NULL with none. */
static int read_config(const pf_config **out, const options *o)
{
	char *found = NULL;
	const char *path = o->config;
	int rc;

	*out = NULL;
	if (o->no_config)
		return 0;
	if (!path && pf_config_find(&found) < 0)
		return fail(EXIT_BAD);
	if (!(path = path ? path : found))
		return 0;
	rc = pf_config_load(&the_config, path);
	pf_free(found);
	if (rc < 0)
		return fail(EXIT_BAD);
	atexit(free_config);
	*out = the_config;
	return 0;
}

/*
 * Fills in what the command line left unset, first from the config file
 * (the command line overrides it key by key; a list given on the command
 * line replaces the file's), then with the built-in defaults. The store
 * defaults to .privflow/privflow.db beside the config file, or in the
 * current directory without one. Returns 0 or an exit status.
 */
static int apply_config(options *o, unsigned cmd)
{
	const pf_config *c = NULL;
	const char *dir = ".";
	int rc;

	if (cmd != CMD_DUMP_IR && (rc = read_config(&c, o)))
		return rc;
	if (c) {
		o->cfg = c;
		dir = c->dir;
		if (!o->policy)
			o->policy = c->policy;
		for (size_t i = 0; !o->ncatalogs && i < c->ncatalogs; i++)
			o->catalogs[i] = c->catalogs[i];
		if (!o->ncatalogs)
			o->ncatalogs = (int)c->ncatalogs;
		if (o->default_catalog < 0 && c->no_default_catalog >= 0)
			o->default_catalog = !c->no_default_catalog;
		if (!o->root)
			o->root = c->root ? c->root : c->dir;
		o->include = c->include;
		o->ninclude = c->ninclude;
		o->exclude = c->exclude;
		o->nexclude = c->nexclude;
		if (o->fail_on < 0)
			o->fail_on = c->fail_on;
		if (!o->baseline && !o->no_baseline)
			o->baseline = c->baseline;
		if (!o->suppressions && !o->no_suppressions)
			o->suppressions = c->suppressions;
		if (!o->compdb && (!o->nfiles || cmd == CMD_MERGE)) /* merge's are stores */
			o->compdb = c->build_path;
		if (!o->db)
			o->db = c->db;
		if (!o->jobs)
			o->jobs = c->jobs;
	}
	if (o->default_catalog < 0)
		o->default_catalog = 1;
	if (o->fail_on < 0)
		o->fail_on = PF_SEV_ERROR;
	if (!o->jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o->jobs = n < 1 ? 1 : n > 256 ? 256 : (int)n;
	}
	if (!o->db) {
		int w = strcmp(dir, ".") == 0
		                ? snprintf(o->db_dir, sizeof(o->db_dir), "%s", DEFAULT_DB_DIR)
		                : snprintf(o->db_dir, sizeof(o->db_dir), "%s/%s", dir, DEFAULT_DB_DIR);
		if (w < 0 || (size_t)w + sizeof("/privflow.db") > sizeof(o->db_default))
			return bad_usage("the config file's directory is too long: %s", dir);
		memcpy(o->db_default, o->db_dir, (size_t)w);
		memcpy(o->db_default + w, "/privflow.db", sizeof("/privflow.db"));
		o->db = o->db_default;
	}
	return 0;
}

/* Parses argv for command `cmd`: 0, or an exit status to return. */
int parse_options(options *o, int argc, char **argv, const cli_cmd *cmd)
{
	struct option lopts[NOPTS + 1];
	char shorts[2 * NOPTS + 2] = ":";
	size_t ns = 1;
	int c, rc;
	long n;
	char *end;

	memset(lopts, 0, sizeof(lopts));
	for (size_t i = 0, k = 0; i < NOPTS; i++) {
		if (!(cli_opts[i].cmds & cmd->id))
			continue;
		lopts[k++] = (struct option){cli_opts[i].name,
		                             cli_opts[i].arg ? required_argument : no_argument,
		                             NULL, cli_opts[i].id};
		if (cli_opts[i].id < 256) {
			shorts[ns++] = (char)cli_opts[i].id;
			if (cli_opts[i].arg)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	/* -1 and 0: not given, apply_config() fills them in */
	o->default_catalog = -1;
	o->use_db = 1;
	o->tu_timeout = 300;
	o->tu_memory = 4096;
	o->fail_on = -1;
	o->color = -1;
	o->progress = -1;
	o->jobs = 0;
	/* split off "-- CFLAGS" before getopt sees them */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			o->cflags = argv + i + 1;
			o->ncflags = (size_t)(argc - i - 1);
			argc = i;
			break;
		}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->compdb = optarg; break;
		case 'o': /* - is standard output */
			o->output = strcmp(optarg, "-") ? optarg : NULL;
			o->output_set = 1;
			break;
		case 'j':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 256)
				return bad_usage("-j: expected a number of jobs from 1 to 256, got '%s'", optarg);
			o->jobs = (int)n;
			break;
		case OPT_TU_TIMEOUT:
			o->tu_timeout = strtod(optarg, &end);
			if (*end || end == optarg || !(o->tu_timeout >= 0 && o->tu_timeout <= 1e6))
				return bad_usage("--tu-timeout: expected seconds from 0 to 1000000, got '%s'", optarg);
			break;
		case OPT_TU_MEMORY:
			n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 0 || n > (1L << 30))
				return bad_usage("--tu-memory: expected MiB, got '%s'", optarg);
			o->tu_memory = n;
			break;
		case 'q': o->quiet = 1; break;
		case 'h': command_help(stdout, cmd); exit(0);
		case OPT_POLICY: o->policy = optarg; break;
		case OPT_CATALOG:
			if (o->ncatalogs == 32)
				return bad_usage("--catalog: at most 32 catalogues%s", "");
			o->catalogs[o->ncatalogs++] = optarg;
			break;
		case OPT_NO_DEFAULT_CATALOG: o->default_catalog = 0; break;
		case OPT_FORMAT:
			if (strlen(o->formats) + strlen(optarg) + 2 > sizeof(o->formats))
				return bad_usage("--format: too many formats%s", "");
			if (o->formats[0])
				strcat(o->formats, ",");
			strcat(o->formats, optarg);
			break;
		case OPT_OUT_DIR: o->out_dir = optarg; break;
		case OPT_EXTRA_ARG:
			if ((rc = add_edit(o, 1, "--extra-arg", optarg)))
				return rc;
			break;
		case OPT_EXTRA_ARG_BEFORE:
			if ((rc = add_edit(o, 0, "--extra-arg-before", optarg)))
				return rc;
			break;
		case OPT_REMOVE_ARG:
			if ((rc = add_edit(o, 2, "--remove-arg", optarg)))
				return rc;
			break;
		case OPT_DB: o->db = optarg; o->use_db = 1; break;
		case OPT_NO_DB: o->use_db = 0; break;
		case OPT_NO_CACHE: o->no_cache = 1; break;
		case OPT_SHARD: {
			unsigned long k = strtoul(optarg, &end, 10), nn = 0;
			if (end != optarg && *end == '/' && isdigit((unsigned char)end[1]))
				nn = strtoul(end + 1, &end, 10);
			if (*end || k < 1 || nn < k || nn > 1000)
				return bad_usage("--shard: expected K/N with 1 <= K <= N <= 1000, got '%s'",
				                 optarg);
			o->shard_k = (unsigned)k;
			o->shard_n = (unsigned)nn;
			break;
		}
		case OPT_ROOT: o->root = optarg; break;
		case OPT_FAIL_ON:
			if (strcmp(optarg, "never") == 0)
				o->fail_on = PF_SEV_COUNT;
			else if ((o->fail_on = pf_severity_from_id(optarg)) < 0)
				return bad_usage("--fail-on: expected error, warning, note or never, got '%s'", optarg);
			break;
		case OPT_COLOR: o->color = 1; break;
		case OPT_NO_COLOR: o->color = 0; break;
		case OPT_PROGRESS: o->progress = 1; break;
		case OPT_NO_PROGRESS: o->progress = 0; break;
		case OPT_CHANGED_SINCE:
			o->changed_since = optarg;
			break;
		case OPT_STAGED:
			o->staged = 1;
			break;
		case OPT_KEEP_RUNS:
			o->keep_runs = strtol(optarg, &end, 10);
			if (*end || end == optarg || o->keep_runs < 1 || o->keep_runs > 1000000)
				return bad_usage("--keep-runs: expected a number of runs from 1 to 1000000, "
				                 "got '%s'", optarg);
			break;
		case OPT_RUN:
			o->run = strtoll(optarg, &end, 10);
			if (*end || o->run < 0 || end == optarg)
				return bad_usage("--run: expected a run id, got '%s'", optarg);
			break;
		case OPT_COMPARE:
			o->compare = strtoll(optarg, &end, 10);
			if (*end || o->compare < 1 || end == optarg)
				return bad_usage("--compare: expected a run id, got '%s'", optarg);
			break;
		case OPT_GRAPH_BY:
			if (strcmp(optarg, "purpose") && strcmp(optarg, "file"))
				return bad_usage("--graph-by: expected purpose or file, got '%s'", optarg);
			o->graph.by_file = strcmp(optarg, "file") == 0;
			break;
		case OPT_GRAPH_CATEGORY: o->graph.category = optarg; break;
		case OPT_GRAPH_PURPOSE: o->graph.purpose = optarg; break;
		case OPT_GRAPH_OVERVIEW: o->graph.overview = 1; break;
		case OPT_GRAPH_RULE:
			if (pf_rule_from_id(optarg) < 0)
				return bad_usage("--graph-rule: unknown rule '%s'", optarg);
			o->graph.rule = optarg;
			break;
		case OPT_CONFIG: o->config = optarg; break;
		case OPT_NO_CONFIG: o->no_config = 1; break;
		case OPT_BASELINE: o->baseline = optarg; o->no_baseline = 0; break;
		case OPT_NO_BASELINE: o->baseline = NULL; o->no_baseline = 1; break;
		case OPT_SUPPRESSIONS: o->suppressions = optarg; o->no_suppressions = 0; break;
		case OPT_NO_SUPPRESSIONS: o->suppressions = NULL; o->no_suppressions = 1; break;
		case ':':
			if (optopt && optopt < 256) {
				char s[3] = {'-', (char)optopt, 0};
				return bad_usage("option '%s' needs an argument", s);
			}
			return bad_usage("option '%s' needs an argument", argv[optind - 1]);
		default:
			return unknown_option(argv[optind - 1], optopt, cmd->id);
		}
	}
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
	o->formats_set = o->formats[0] != '\0';
	if (!o->formats[0])
		strcpy(o->formats, "text");
	return apply_config(o, cmd->id);
}
