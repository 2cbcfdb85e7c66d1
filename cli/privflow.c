/*
 * privflow - the command-line client of the privflow library: parses the
 * command line, loads policy and catalogues, runs a scan (or loads one
 * from the store), writes reports and sets the exit status. Everything
 * else lives in the library.
 *
 * The commands are one table (cli_cmds[]); the options, --help, the man
 * page and the config file are cli/options.c's (cli.h between them).
 *
 * Exit status: 0 nothing at or above --fail-on, 1 findings at or above
 * it, 2 bad usage, bad policy/catalogue/compilation database, unreadable
 * input, or a translation unit that could not be parsed; 3 nothing was
 * analysed (an empty compilation database, every file outside --root).
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

#include "baseline.h"
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


/* A header's error is the same in every TU that includes it: say it once. */
static int same_tu_error(const pf_file_fact *a, const pf_file_fact *b)
{
	return a->partial == b->partial && a->parsed == b->parsed &&
	       !strcmp(a->error ? a->error : "", b->error ? b->error : "");
}

/* Failed and partial TUs, one line per distinct error. */
static void print_tu_errors(const pf_results *res)
{
	for (size_t i = 0; i < res->nfiles; i++) {
		const pf_file_fact *f = &res->files[i];
		size_t j, n = 1;

		if (f->parsed && !f->partial)
			continue;
		for (j = 0; j < i && !same_tu_error(&res->files[j], f); j++)
			;
		if (j < i)
			continue;
		for (j = i + 1; j < res->nfiles; j++)
			n += same_tu_error(&res->files[j], f);
		char *err = pf_text_escape(f->error ? f->error : "");
		if (n == 1)
			fprintf(stderr, "%s (%s)\n", err, f->partial
			        ? "analysed in part: what clang could not parse is not analysed"
			        : "translation unit skipped");
		else
			fprintf(stderr, "%s (%zu translation units %s)\n", err, n, f->partial
			        ? "analysed in part: what clang could not parse is not analysed"
			        : "skipped");
		pf_free(err);
	}
}

static int cmd_scan(int argc, char **argv);
static int cmd_merge(int argc, char **argv);
static int scan_main(int argc, char **argv, unsigned cmd);
static int cmd_report(int argc, char **argv);
static int cmd_dump_ir(int argc, char **argv);
static int cmd_baseline(int argc, char **argv);
static int cmd_store(int argc, char **argv);
static int prune_store(pf_store *st, long keep, int quiet);

const cli_cmd cli_cmds[] = {
	{"scan", CMD_SCAN, "[-p BUILD_DIR | FILES... [-- CFLAGS...]] [OPTIONS]",
	 "Parses the code, follows personal data to where it goes, checks every flow "
	 "against the policy, records the run and writes the reports.",
	 cmd_scan},
	{"merge", CMD_MERGE, "[-p BUILD_DIR] [OPTIONS] STORE...",
	 "Joins the parse caches of the stores N `scan --shard K/N --db STORE` wrote "
	 "into the store (--db), then scans as scan does: every translation unit a "
	 "shard parsed, unchanged since, is taken from it, and the whole program is "
	 "analysed once. The reports, the run and the exit status are scan's.",
	 cmd_merge},
	{"report", CMD_REPORT, "[--db FILE] [--run ID] [OPTIONS]",
	 "Renders the reports of a recorded run again, without scanning. The store "
	 "is opened read-only and treated as untrusted input.",
	 cmd_report},
	{"baseline", CMD_BASELINE, "[--db FILE] [--run ID] [-o FILE]",
	 "Writes the findings of a recorded run (default: the latest) that are not "
	 "suppressed, by fingerprint, as a baseline file to commit: a scan with "
	 "--baseline FILE then reports only new findings. Without -o, the file goes "
	 "where the config file's \"baseline\" names, else to standard output.",
	 cmd_baseline},
	{"store", CMD_STORE, "[--db FILE] [--keep-runs N]",
	 "Shows the store: its schema version, size and runs. With --keep-runs N, "
	 "first deletes every run but the N newest. Without it the store is opened "
	 "read-only.",
	 cmd_store},
	{"dump-ir", CMD_DUMP_IR, "FILES... [-- CFLAGS...]",
	 "Prints the intermediate representation the engine sees of each file.",
	 cmd_dump_ir},
};

const size_t cli_ncmds = sizeof(cli_cmds) / sizeof(cli_cmds[0]);

/* --- reports ---------------------------------------------------------------- */

/*
 * Checks the report options before any work: formats are known, several
 * need --out-dir, the files can be written. Fills `paths` (one per
 * format, NULL for stdout; caller frees them) and returns 0 or a status.
 */
static int plan_reports(const options *o, char **paths, size_t *npaths)
{
	char formats[256], *save = NULL;
	size_t n = 0;

	*npaths = 0;
	strcpy(formats, o->formats);
	for (char *f = strtok_r(formats, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		const pf_report_writer *w = pf_report_writer_find(f);

		if (!w)
			return bad_usage("--format: unknown format '%s'", f);
		if (n == MAX_REPORTS)
			return bad_usage("--format: at most 16 formats%s", "");
		paths[n++] = o->out_dir ? pf_asprintf("%s/privflow.%s", o->out_dir, w->extension)
		             : o->output ? pf_strdup(o->output) : NULL;
		*npaths = n;
	}
	if (n > 1 && !o->out_dir)
		return bad_usage("several formats need --out-dir DIR%s", "");
	if (o->out_dir && o->output)
		return bad_usage("-o and --out-dir exclude each other%s", "");
	if (o->out_dir && pf_mkdirs(o->out_dir) < 0)
		return fail(EXIT_BAD);
	for (size_t i = 0; i < n; i++)
		if (paths[i] && pf_file_check_writable(paths[i]) < 0)
			return fail(EXIT_BAD);
	return 0;
}

/* Renders every requested format and writes it to its file, or stdout. */
/* The formats that carry a suppressed finding as such (SARIF's
   suppressions, a JSON field); the others are read by people, and show
   only the open findings (their summaries count the suppressed ones). */
/* `prev` (may be NULL): the run `--compare` names, recorded as run `prev_run`. */
static int write_reports(const options *o, char **paths, const pf_results *res,
                         const pf_policy *pol, const char *source_root,
                         const pf_results *prev, int64_t prev_run)
{
	char formats[256], *save = NULL;
	size_t k = 0;
	int rc = 0;
	pf_results shown = *res;

	shown.findings = pf_calloc(res->nfindings + 1, sizeof(pf_finding));
	shown.nfindings = 0;
	for (size_t i = 0; i < res->nfindings; i++)
		if (!res->findings[i].suppression)
			shown.findings[shown.nfindings++] = res->findings[i];
	strcpy(formats, o->formats);
	for (char *f = strtok_r(formats, ",", &save); f; f = strtok_r(NULL, ",", &save), k++) {
		const pf_report_writer *w = pf_report_writer_find(f);
		pf_report_ctx ctx = {.results = w && w->keeps_suppressed ? res : &shown,
		                     .policy = pol, .graph = o->graph,
		                     .source_root = source_root, .previous = prev,
		                     .previous_run = (long long)prev_run};
		char *out = NULL;
		size_t len = 0;

		ctx.color = o->color > 0 || (o->color < 0 && !paths[k] && strcmp(f, "text") == 0 &&
		                             isatty(1) && !getenv("NO_COLOR"));
		if (w->render(&out, &len, &ctx) < 0) {
			fprintf(stderr, "privflow: %s report: ", f);
			rc = fail(EXIT_BAD);
			continue;
		}
		if (paths[k]) {
			if (pf_file_write(paths[k], out, len) < 0)
				rc = fail(EXIT_BAD);
		} else if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "privflow: error: cannot write to standard output: %s\n",
			        strerror(errno));
			rc = EXIT_BAD;
		}
		pf_free(out);
	}
	pf_free(shown.findings);
	return rc;
}

static void free_paths(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pf_free(paths[i]);
}

static int exit_status(const options *o, const pf_results *res)
{
	for (size_t i = 0; i < res->nfindings; i++)
		if (res->findings[i].severity >= o->fail_on && !res->findings[i].suppression)
			return EXIT_FINDINGS;
	return 0;
}

/* --- loading ------------------------------------------------------------------ */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The policies privflow ships, "a, b, c", in buf. */
static void bundled_policies(char *buf, size_t size)
{
	char *dir = data_path("rules");
	DIR *d = dir ? opendir(dir) : NULL;
	char names[32][64];
	size_t n = 0, used = 0;
	struct dirent *e;

	buf[0] = '\0';
	while (d && (e = readdir(d)) && n < 32) {
		size_t len = strlen(e->d_name), sfx = strlen(".policy.json");
		if (len > sfx && len - sfx < 64 && !strcmp(e->d_name + len - sfx, ".policy.json"))
			snprintf(names[n++], 64, "%.*s", (int)(len - sfx), e->d_name);
	}
	if (d)
		closedir(d);
	pf_free(dir);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
}

/*
 * The policy: a file, or bundled:NAME for rules/NAME.policy.json of the
 * data directory. A scan needs one: judging a code base against the
 * bundled example without being asked would be a verdict on nothing.
 */
static int load_policy(pf_policy **pol, const options *o)
{
	char *path = NULL, list[512];
	const char *name;
	int rc;

	if (!o->policy) {
		fprintf(stderr, "privflow: %s: no policy: give --policy FILE, or \"policy\" in a %s "
		        "(--policy bundled:facturi scans against the bundled example policy)\n",
		        cur_cmd, PF_CONFIG_NAME);
		return EXIT_BAD;
	}
	if (strncmp(o->policy, "bundled:", 8) == 0) {
		struct stat sb;
		char *rel;

		name = o->policy + 8;
		if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(name))
			name = "";
		rel = pf_asprintf("rules/%s.policy.json", name);
		path = data_path(rel);
		pf_free(rel);
		if (!path)
			return fail(EXIT_BAD);
		if (!*name || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			char *safe = pf_text_escape(o->policy + 8);
			bundled_policies(list, sizeof(list));
			fprintf(stderr, "privflow: %s: --policy: no bundled policy '%s' (bundled: %s)\n",
			        cur_cmd, safe, list);
			pf_free(safe);
			pf_free(path);
			return EXIT_BAD;
		}
	}
	rc = pf_policy_load(pol, path ? path : o->policy);
	pf_free(path);
	return rc < 0 ? fail(EXIT_BAD) : 0;
}

static int load_catalog(pf_catalog **cat, const options *o)
{
	*cat = pf_catalog_new();
	if (o->default_catalog) {
		char *def = data_path("rules/catalog.json");
		int rc = def ? pf_catalog_load(*cat, def) : PF_EIO;
		pf_free(def);
		if (rc < 0)
			return fail(EXIT_BAD);
	}
	for (int i = 0; i < o->ncatalogs; i++)
		if (pf_catalog_load(*cat, o->catalogs[i]) < 0)
			return fail(EXIT_BAD);
	return 0;
}

static char *absolute(const char *path)
{
	char buf[PATH_MAX];

	if (realpath(path, buf))
		return pf_strdup(buf);
	return NULL;
}

/*
 * Opens the store a scan records into. The default one is created with a
 * .gitignore of its own, so that it never ends up in a repository's
 * tracked files.
 */
static int open_store(pf_store **st, const char *path, const char *default_dir)
{
	struct stat sb;

	if (default_dir && *default_dir && stat(default_dir, &sb) != 0) {
		static const char ignore[] = "# privflow's store: facts of past scans, not source\n*\n";
		char *gi = pf_asprintf("%s/.gitignore", default_dir);
		int bad = pf_mkdirs(default_dir) < 0 ||
		          pf_file_write(gi, ignore, sizeof(ignore) - 1) < 0;
		pf_free(gi);
		if (bad)
			return fail(EXIT_BAD);
	}
	return pf_store_open(st, path) < 0 ? fail(EXIT_BAD) : 0;
}

/* The commit and branch the scanned root is at, if it is in a git work
   tree: a later baseline may name the run by them. git was asked before
   the scan (pf_git_head_start), and answers now. */
static void record_git_head(pf_results *res, pf_git_head_job *git)
{
	char *commit = NULL, *branch = NULL;

	if (pf_git_head_finish(git, &commit, &branch) == PF_OK) {
		res->git_commit = pf_arena_strdup(res->arena, commit);
		res->git_branch = branch ? pf_arena_strdup(res->arena, branch) : NULL;
	}
	pf_error_clear();
	pf_free(commit);
	pf_free(branch);
}

/* --- the CI gate: baseline and summary ----------------------------------------- */

/*
 * The baseline --baseline SPEC names: a file, run:ID, or git:REF (the
 * last run in the store recorded at the commit REF names, asked of git
 * in `root`). `st` is the store if one is open; otherwise the one o->db
 * names is opened read-only for a run. *out NULL when there is no
 * baseline. Returns 0 or an exit status.
 */
static int load_baseline(pf_baseline **out, const options *o, pf_store *st, const char *root)
{
	const char *spec = o->baseline;
	pf_store *ro = NULL;
	pf_results *r = NULL;
	char *commit = NULL, *end;
	int64_t id = 0;
	int rc = 0;

	*out = NULL;
	if (!spec)
		return 0;
	if (strncmp(spec, "run:", 4) && strncmp(spec, "git:", 4)) {
		struct stat sb;
		/* the config file's baseline may not be written yet: every
		   finding is new then, which is the safe side */
		if (o->cfg && spec == o->cfg->baseline && lstat(spec, &sb) != 0 && errno == ENOENT) {
			char *safe = pf_text_escape(spec);
			if (!o->quiet)
				fprintf(stderr, "privflow: note: no baseline yet: %s does not exist "
				        "(`privflow baseline` writes it); every finding is new\n", safe);
			pf_free(safe);
			*out = pf_baseline_from_results(&(pf_results){0});
			return 0;
		}
		return pf_baseline_load(out, spec) < 0 ? fail(EXIT_BAD) : 0;
	}
	if (!st && pf_store_open_readonly(&ro, o->db) < 0)
		return fail(EXIT_BAD);
	if (!st)
		st = ro;
	if (spec[0] == 'r') {
		id = strtoll(spec + 4, &end, 10);
		if (*end || end == spec + 4 || id <= 0) {
			rc = bad_usage("--baseline: expected run:ID with a run id, got '%s'", spec);
			goto done;
		}
	} else {
		if (!spec[4] || spec[4] == '-') {
			rc = bad_usage("--baseline: expected git:REF with a revision, got '%s'", spec);
			goto done;
		}
		if (pf_git_rev_parse(&commit, root, spec + 4) < 0 ||
		    pf_store_find_run(st, &id, commit) < 0) {
			rc = fail(EXIT_BAD);
			goto done;
		}
		if (!id) {
			char *safe = pf_text_escape(spec), *db = pf_text_escape(o->db);
			fprintf(stderr, "privflow: error: --baseline %s: no run in %s was recorded at "
			        "commit %s (scan that commit first, or give a baseline file)\n",
			        safe, db, commit);
			pf_free(safe);
			pf_free(db);
			rc = EXIT_BAD;
			goto done;
		}
	}
	if (pf_store_load(&r, st, id) < 0) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	*out = pf_baseline_from_results(r);
done:
	if (r)
		pf_results_free(r);
	if (ro)
		pf_store_close(ro);
	pf_free(commit);
	return rc;
}

/* A library error that is already a diagnostic in gcc's order
   ("file:line:col: error: ..."), said as it is. */
static int diagnostic(int status)
{
	char *safe = pf_text_escape(pf_error_last());

	fprintf(stderr, "%s\n", safe);
	pf_free(safe);
	return status;
}

/*
 * The suppressions file o->suppressions names (*out NULL when none), and
 * in *now the time its expiry dates are taken against (SOURCE_DATE_EPOCH
 * or the clock). Returns 0 or an exit status.
 */
static int load_supfile(pf_supfile **out, time_t *now, const options *o)
{
	int rc;

	*out = NULL;
	if (!o->suppressions)
		return 0;
	if (pf_time_now(now) < 0)
		return fail(EXIT_BAD);
	rc = pf_supfile_load(out, o->suppressions);
	if (rc == PF_EINVALID)
		return diagnostic(EXIT_BAD);
	return rc < 0 ? fail(EXIT_BAD) : 0;
}

/* Appends printf output to the growing line *line (n bytes so far). */
static void line_add(char **line, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void line_add(char **line, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len <= 0)
		return;
	*line = pf_realloc(*line, *n + (size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(*line + *n, (size_t)len + 1, fmt, ap);
	va_end(ap);
	*n += (size_t)len;
}

/*
 * The line a CI log needs on standard error after every scan and report,
 * even when every report went to a file (and with -q):
 *   privflow: 3 new findings (2 errors, 1 warning) in 12 files, 5 baselined
 *   (1 gone), 2 suppressed; reports: out/privflow.sarif; run 7 recorded in F
 * "new" when a baseline was applied; suppressed findings are not counted
 * as findings. When the text report went to a terminal that is also
 * standard error's, its own last line has just said the counts: they are
 * not said twice.
 */
static void print_summary(const options *o, char **paths, size_t npaths, const pf_results *res,
                          int baselined, int64_t run_id, const char *dbpath)
{
	char formats[256], *save = NULL, *line = NULL, *safe;
	size_t sev[PF_SEV_COUNT] = {0}, n = 0, nsupp = 0, k = 0, nfiles, len = 0;
	int text_shown = 0, first = 1, nrep = 0;

	strcpy(formats, o->formats);
	for (char *f = strtok_r(formats, ",", &save); f; f = strtok_r(NULL, ",", &save), k++)
		if (k < npaths && !paths[k] && strcmp(f, "text") == 0)
			text_shown = isatty(1) && isatty(2);
	for (size_t i = 0; i < res->nfindings; i++) {
		const pf_finding *f = &res->findings[i];
		if (f->suppression) {
			nsupp++;
		} else {
			n++;
			if (f->severity >= 0 && f->severity < PF_SEV_COUNT)
				sev[f->severity]++;
		}
	}
	nfiles = res->nfiles ? res->nfiles : res->ntus;
	if (!text_shown) {
		const char *what = baselined ? "new finding" : "finding";
		if (n)
			line_add(&line, &len, "%zu %s%s (", n, what, n == 1 ? "" : "s");
		else
			line_add(&line, &len, "no %ss", what);
		for (int s = PF_SEV_COUNT - 1; s >= 0 && n; s--)
			if (sev[s]) {
				line_add(&line, &len, "%s%zu %s%s", first ? "" : ", ", sev[s],
				         pf_severity_id(s), sev[s] == 1 ? "" : "s");
				first = 0;
			}
		line_add(&line, &len, "%s in %zu file%s", n ? ")" : "", nfiles, nfiles == 1 ? "" : "s");
		if (baselined) {
			line_add(&line, &len, ", %zu baselined", res->nbaselined);
			if (res->nbaseline_gone)
				line_add(&line, &len, " (%zu gone)", res->nbaseline_gone);
		}
	}
	if (nsupp)
		line_add(&line, &len, "%s%zu suppressed", len ? ", " : "", nsupp);
	if (res->noutside_diff)
		line_add(&line, &len, "%s%zu outside the changed lines", len ? ", " : "",
		         res->noutside_diff);
	if (res->ntus_cached) {
		size_t analysed = res->ntus - res->ntus_outside - res->ntus_excluded;
		line_add(&line, &len, "%s%zu of %zu translation unit%s unchanged (parse cache)",
		         len ? "; " : "", res->ntus_cached, analysed, analysed == 1 ? "" : "s");
	}
	for (k = 0; k < npaths; k++) {
		if (!paths[k])
			continue;
		safe = pf_text_escape(paths[k]);
		line_add(&line, &len, "%s%s", nrep++ ? ", " : len ? "; reports: " : "reports: ", safe);
		pf_free(safe);
	}
	if (dbpath) {
		safe = pf_text_escape(dbpath);
		line_add(&line, &len, "%srun %lld recorded in %s", len ? "; " : "",
		         (long long)run_id, safe);
		pf_free(safe);
	}
	if (len)
		fprintf(stderr, "privflow: %s\n", line);
	pf_free(line);
}

/* --- commands ------------------------------------------------------------------- */

/* scan --shard: the TUs are in the store's parse cache; nothing else. */
static int shard_done(const options *o, const pf_results *res, const char *dbpath)
{
	size_t mine = res->ntus - res->ntus_outside - res->ntus_excluded - res->ntus_other_shards;
	char *safe = pf_text_escape(dbpath);

	fprintf(stderr, "privflow: shard %u/%u: %zu of %zu translation units (%zu parsed, %zu "
	        "unchanged) in the parse cache of %s; privflow merge analyses them\n", o->shard_k,
	        o->shard_n, mine, res->ntus - res->ntus_outside - res->ntus_excluded,
	        mine - res->ntus_cached, res->ntus_cached, safe);
	pf_free(safe);
	return 0;
}

/* merge: every shard's parse cache into st. */
static int import_shards(const options *o, pf_store *st)
{
	int64_t rows, total = 0;

	for (size_t i = 0; i < o->nfiles; i++) {
		if (pf_store_import_cache(st, o->files[i], (int64_t)time(NULL), &rows) < 0)
			return fail(EXIT_BAD);
		total += rows;
	}
	if (!o->quiet)
		fprintf(stderr, "privflow: merge: %lld translation units from %zu store%s\n",
		        (long long)total, o->nfiles, o->nfiles == 1 ? "" : "s");
	return 0;
}

static int cmd_scan(int argc, char **argv)
{
	return scan_main(argc, argv, CMD_SCAN);
}

static int cmd_merge(int argc, char **argv)
{
	return scan_main(argc, argv, CMD_MERGE);
}

static int scan_main(int argc, char **argv, unsigned cmd)
{
	options o = {0};
	pf_policy *pol = NULL;
	pf_catalog *cat = NULL;
	pf_compdb *db = NULL;
	pf_results *res = NULL;
	pf_store *st = NULL;
	pf_baseline *bl = NULL;
	pf_supfile *sf = NULL;
	pf_supfile_stats sst;
	pf_changes *changes = NULL;
	char *root = NULL, *incdir = NULL, *paths[MAX_REPORTS] = {0};
	const char *dbpath = NULL;
	size_t npaths = 0;
	int64_t run_id = 0;
	size_t nunused = 0;
	pf_git_head_job git;
	int rc, git_asked = 0;
	time_t started = time(NULL), now = started;

	pf_trace_phase("started");
	if ((rc = parse_options(&o, argc, argv, cmd_by_id(cmd))))
		return rc;
	if (cmd == CMD_MERGE) {
		if (!o.nfiles)
			return bad_usage("nothing to merge: give the shards' stores (scan --shard "
			                 "K/N --db FILE)%s", "");
		if (!o.compdb)
			return bad_usage("give -p BUILD_DIR (or \"build_path\" in a " PF_CONFIG_NAME
			                 "): the compilation database the shards scanned%s", "");
	} else if (!o.compdb && o.nfiles == 0) {
		return bad_usage("nothing to scan: give -p BUILD_DIR or FILES (or \"build_path\" in "
		                 "a " PF_CONFIG_NAME ")%s", "");
	} else if (o.compdb && o.nfiles) {
		return bad_usage("give either -p or FILES, not both%s", "");
	}
	if (o.shard_n && (!o.use_db || o.no_cache))
		return bad_usage("--shard keeps what it parses in the store: it takes neither "
		                 "--no-db nor --no-cache%s", "");
	if (o.shard_n && (o.formats_set || o.output_set || o.out_dir))
		return bad_usage("--shard writes no report: give the report options to privflow "
		                 "merge%s", "");
	if (!(root = absolute(o.root ? o.root : ".")))
		return bad_usage("--root: no such directory: %s", o.root ? o.root : ".");
	/* every input and output is checked before the first parse */
	if ((rc = plan_reports(&o, paths, &npaths)) || (rc = load_policy(&pol, &o)) ||
	    (rc = load_catalog(&cat, &o)))
		goto done;
	if ((o.changed_since || o.staged) &&
	    pf_changes_load(&changes, root, o.changed_since, o.staged) < 0) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	if (o.compdb)
		rc = pf_compdb_load(&db, o.compdb);
	else /* scan FILES (merge always has a database) */
		rc = pf_compdb_from_files(&db, o.files, o.nfiles, o.cflags, o.ncflags);
	if (rc < 0) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	for (size_t i = 0; i < db->nnotes && !o.quiet; i++) {
		char *safe = pf_text_escape(db->notes[i]);
		fprintf(stderr, "privflow: note: compiler option %s\n", safe);
		pf_free(safe);
	}
	pf_compdb_edit_args(db, &o.edits);
	if (o.use_db) {
		dbpath = o.db;
		if ((rc = open_store(&st, dbpath, o.db_dir)))
			goto done;
	}
	if (cmd == CMD_MERGE && (rc = import_shards(&o, st)))
		goto done;
	if ((rc = load_baseline(&bl, &o, st, root)) || (rc = load_supfile(&sf, &now, &o)))
		goto done;
	if (!(incdir = data_path("include"))) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	pf_scan_opts so = {root, incdir, o.jobs,
	                   o.progress > 0 || (o.progress < 0 && isatty(2) && !o.quiet), 0,
	                   o.tu_timeout, o.tu_memory,
	                   o.include, o.ninclude, o.exclude, o.nexclude, o.no_cache ? NULL : st,
	                   o.shard_k, o.shard_n};
	if (!o.shard_n) {
		pf_git_head_start(&git, root);
		git_asked = 1;
	}
	pf_trace_phase("policy, catalogue, compilation database and store loaded");
	if (pf_scan_run(&res, db, cat, pol, &so) < 0) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	pf_trace_phase("scanned");
	if (o.shard_n) {
		rc = shard_done(&o, res, dbpath);
		goto done;
	}
	if (cmd == CMD_MERGE && res->ntus_cached + res->ntus_outside + res->ntus_excluded < res->ntus &&
	    !o.quiet)
		fprintf(stderr, "privflow: note: merge parsed %zu translation units the shards did not "
		        "give (changed since, with errors, or scanned by another privflow build)\n",
		        res->ntus - res->ntus_outside - res->ntus_excluded - res->ntus_cached);
	print_tu_errors(res);
	record_git_head(res, &git);
	git_asked = 0;
	if (pf_suppress_inline(res, root, stderr, &nunused) < 0) {
		rc = diagnostic(EXIT_BAD);
		goto done;
	}
	/* after the markers: a marker in the code keeps its finding */
	if (sf)
		pf_supfile_apply(sf, res, now, stderr, &sst);
	for (size_t i = 0; i < res->nnotes && !o.quiet; i++) {
		char *safe = pf_text_escape(res->notes[i]);
		fprintf(stderr, "privflow: warning: clang ignored a compiler option: %s\n", safe);
		pf_free(safe);
	}
	if (res->ntruncated && !o.quiet) {
		fprintf(stderr, "privflow: warning: %zu function%s reached a bound of the engine; "
		        "flows through %s may be missed:", res->ntruncated,
		        res->ntruncated > 1 ? "s" : "", res->ntruncated > 1 ? "them" : "it");
		for (size_t i = 0; i < res->ntruncated && i < 20; i++)
			fprintf(stderr, " %s", res->truncated[i]);
		fprintf(stderr, "%s\n", res->ntruncated > 20 ? " ..." : "");
	}
	if (st && pf_store_record(st, &run_id, res, (int64_t)started, (int64_t)time(NULL)) < 0) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	if (st && o.keep_runs && (rc = prune_store(st, o.keep_runs, o.quiet)))
		goto done;
	pf_trace_phase("run recorded in the store");
	if (bl)
		pf_baseline_apply(bl, res);
	if (changes)
		pf_changes_filter(res, changes);
	if ((rc = write_reports(&o, paths, res, pol, root, NULL, 0)))
		goto done;
	pf_trace_phase("reports written");
	if (res->ntus == res->ntus_outside + res->ntus_excluded) {
		fprintf(stderr, "privflow: warning: nothing was analysed: %s\n",
		        res->ntus == 0 ? "the compilation database has no C or C++ file"
		        : res->ntus_excluded ? "every file is outside --root or excluded by the "
		                               "config file's include/exclude"
		                             : "every file is outside --root");
		rc = EXIT_NOTHING;
	} else {
		rc = res->ntus_failed ? EXIT_BAD : exit_status(&o, res);
	}
	print_summary(&o, paths, npaths, res, bl != NULL, run_id, st ? dbpath : NULL);
done:
	if (git_asked) { /* its answer is not needed: git is waited for */
		char *commit, *branch;
		pf_git_head_finish(&git, &commit, &branch);
		pf_free(commit);
		pf_free(branch);
	}
	pf_baseline_free(bl);
	pf_supfile_free(sf);
	pf_changes_free(changes);
	free_paths(paths, npaths);
	if (st)
		pf_store_close(st);
	if (res)
		pf_results_free(res);
	pf_compdb_free(db);
	if (cat)
		pf_catalog_free(cat);
	if (pol)
		pf_policy_free(pol);
	pf_free(root);
	pf_free(incdir);
	return rc;
}

static int cmd_report(int argc, char **argv)
{
	options o = {0};
	pf_store *st = NULL;
	pf_results *res = NULL, *prev = NULL;
	pf_policy *pol = NULL;
	pf_baseline *bl = NULL;
	pf_supfile *sf = NULL;
	pf_supfile_stats sst;
	char *paths[MAX_REPORTS] = {0}, *root = NULL;
	size_t npaths = 0;
	time_t now = 0;
	int rc;

	if ((rc = parse_options(&o, argc, argv, cmd_by_id(CMD_REPORT))))
		return rc;
	if (o.nfiles)
		return bad_usage("unexpected argument '%s'", o.files[0]);
	if (o.root && !(root = absolute(o.root)))
		return bad_usage("--root: no such directory: %s", o.root);
	if ((rc = plan_reports(&o, paths, &npaths)) ||
	    (o.policy && (rc = load_policy(&pol, &o))) || (rc = load_supfile(&sf, &now, &o)))
		goto done;
	if (pf_store_open_readonly(&st, o.db) < 0 ||
	    pf_store_load(&res, st, o.run) < 0 ||
	    (o.compare && pf_store_load(&prev, st, o.compare) < 0)) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	if ((rc = load_baseline(&bl, &o, st, root ? root : ".")))
		goto done;
	/* the file as it is now judges the run, in place of the one it was
	   recorded with (its entries may have expired since) */
	if (sf || o.no_suppressions)
		pf_supfile_unapply(res);
	if (sf)
		pf_supfile_apply(sf, res, now, stderr, &sst);
	if (bl)
		pf_baseline_apply(bl, res);
	/* the store may come from elsewhere: its root is trusted for excerpts
	   only where this user already is (the current directory or below) */
	if (!root && res->root) {
		char *cwd = absolute(".");
		size_t n = cwd ? strlen(cwd) : 0;
		if (cwd && !strncmp(res->root, cwd, n) &&
		    (res->root[n] == '\0' || res->root[n] == '/' || n == 1))
			root = absolute(res->root);
		pf_free(cwd);
	}
	if ((rc = write_reports(&o, paths, res, pol, root, prev, o.compare)))
		goto done;
	rc = exit_status(&o, res);
	print_summary(&o, paths, npaths, res, bl != NULL, 0, NULL);
done:
	pf_baseline_free(bl);
	pf_supfile_free(sf);
	free_paths(paths, npaths);
	if (res)
		pf_results_free(res);
	if (prev)
		pf_results_free(prev);
	if (st)
		pf_store_close(st);
	if (pol)
		pf_policy_free(pol);
	pf_free(root);
	return rc;
}

static int cmd_dump_ir(int argc, char **argv)
{
	options o = {0};
	pf_compdb *db = NULL;
	char *root = NULL, *incdir = NULL;
	int rc;

	if ((rc = parse_options(&o, argc, argv, cmd_by_id(CMD_DUMP_IR))))
		return rc;
	if (!o.nfiles)
		return bad_usage("nothing to dump: give FILES%s", "");
	root = absolute(".");
	if (!(incdir = data_path("include")) ||
	    pf_compdb_from_files(&db, o.files, o.nfiles, o.cflags, o.ncflags) < 0) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	pf_frontend_opts fo = {root, incdir};
	pf_frontend *fe = pf_frontend_new(&fo);
	for (size_t i = 0; i < db->n; i++) {
		pf_tu *tu = pf_frontend_parse(fe, &db->tus[i]);
		pf_tu_dump(tu, stdout);
		pf_tu_free(tu);
	}
	pf_frontend_free(fe);
done:
	pf_compdb_free(db);
	pf_free(root);
	pf_free(incdir);
	return rc;
}

/*
 * privflow baseline: the findings of a stored run that are not
 * suppressed, as a baseline file. Written atomically: a baseline half
 * written would accept half the findings.
 */
static int cmd_baseline(int argc, char **argv)
{
	options o = {0};
	pf_store *st = NULL;
	pf_results *res = NULL;
	char *out = NULL;
	const char *dest = NULL;
	size_t len = 0, n = 0;
	int64_t run_id = 0;
	int rc;

	if ((rc = parse_options(&o, argc, argv, cmd_by_id(CMD_BASELINE))))
		return rc;
	if (o.nfiles)
		return bad_usage("unexpected argument '%s'", o.files[0]);
	/* -o, else the config file's baseline when it is a file */
	if (o.output_set)
		dest = o.output;
	else if (o.cfg && o.cfg->baseline && strncmp(o.cfg->baseline, "run:", 4) &&
	         strncmp(o.cfg->baseline, "git:", 4))
		dest = o.cfg->baseline;
	if (dest && pf_file_check_writable(dest) < 0)
		return fail(EXIT_BAD);
	if (pf_store_open_readonly(&st, o.db) < 0 ||
	    (!(run_id = o.run) && pf_store_find_run(st, &run_id, NULL) < 0) ||
	    pf_store_load(&res, st, run_id) < 0 || pf_baseline_render(&out, &len, res) < 0) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	for (size_t i = 0; i < res->nfindings; i++)
		n += !res->findings[i].suppression;
	if (dest) {
		if (pf_file_write(dest, out, len) < 0) {
			rc = fail(EXIT_BAD);
			goto done;
		}
	} else if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
		fprintf(stderr, "privflow: error: cannot write to standard output: %s\n",
		        strerror(errno));
		rc = EXIT_BAD;
		goto done;
	}
	char *safe = pf_text_escape(dest ? dest : "standard output");
	fprintf(stderr, "privflow: baseline of run %lld: %zu finding%s written to %s\n",
	        (long long)run_id, n, n == 1 ? "" : "s", safe);
	pf_free(safe);
done:
	pf_free(out);
	if (res)
		pf_results_free(res);
	if (st)
		pf_store_close(st);
	return rc;
}

/* --keep-runs N: every run but the N newest deleted, and said so. */
static int prune_store(pf_store *st, long keep, int quiet)
{
	int64_t deleted = 0;

	if (pf_store_prune(st, keep, &deleted) < 0)
		return fail(EXIT_BAD);
	if (deleted && !quiet)
		fprintf(stderr, "privflow: %lld old run%s deleted from the store (--keep-runs %ld)\n",
		        (long long)deleted, deleted == 1 ? "" : "s", keep);
	return 0;
}

static int cmd_store(int argc, char **argv)
{
	options o = {0};
	pf_store *st = NULL;
	pf_store_info in;
	char when[32] = "", *safe = NULL;
	int rc;

	if ((rc = parse_options(&o, argc, argv, cmd_by_id(CMD_STORE))))
		return rc;
	if (o.nfiles)
		return bad_usage("unexpected argument '%s'", o.files[0]);
	if ((o.keep_runs ? pf_store_open(&st, o.db) : pf_store_open_readonly(&st, o.db)) < 0) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	if (o.keep_runs && (rc = prune_store(st, o.keep_runs, 0)))
		goto done;
	if (pf_store_info_get(st, &in) < 0) {
		rc = fail(EXIT_BAD);
		goto done;
	}
	if (in.last_run) {
		time_t t = (time_t)in.last_finished;
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	safe = pf_text_escape(o.db);
	printf("store: %s\n", safe);
	printf("schema: version %d (this privflow writes version %d)\n", in.schema, in.schema_known);
	printf("size: %lld bytes\n", (long long)in.bytes);
	printf("runs: %lld", (long long)in.runs);
	if (in.runs)
		printf(" (ids %lld to %lld; the last finished %s)", (long long)in.first_run,
		       (long long)in.last_run, when);
	printf("\nfindings: %lld\n", (long long)in.findings);
	printf("parse cache: %lld translation unit%s, %lld bytes of IR\n", (long long)in.cached_tus,
	       in.cached_tus == 1 ? "" : "s", (long long)in.cached_bytes);
done:
	pf_free(safe);
	if (st)
		pf_store_close(st);
	return rc;
}

int main(int argc, char **argv)
{
	pf_file_cleanup_on_signals();
	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") ||
	    !strcmp(argv[1], "version")) {
		char looked[4 * PATH_MAX + 16];
		const char *dir = datadir(looked, sizeof(looked));
		printf("privflow %s\n", PF_VERSION);
		printf("data: %s\n", dir ? dir : "(not found)");
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "man")) {
		/* privflow(1) to stdout, or to the file given (the build's rule) */
		FILE *f = argc > 2 ? fopen(argv[2], "w") : stdout;
		if (!f) {
			fprintf(stderr, "privflow: man: %s: %s\n", argv[2], strerror(errno));
			return EXIT_BAD;
		}
		man_page(f);
		return (argc > 2 ? fclose(f) : fflush(f)) == 0 ? 0 : EXIT_BAD;
	}
	for (size_t i = 0; i < cli_ncmds; i++)
		if (strcmp(argv[1], cli_cmds[i].name) == 0) {
			cur_cmd = cli_cmds[i].name;
			return cli_cmds[i].run(argc - 1, argv + 1);
		}
	char *safe = pf_text_escape(argv[1]);
	fprintf(stderr, "privflow: unknown command '%s' (see 'privflow --help')\n", safe);
	pf_free(safe);
	return EXIT_BAD;
}
