/*
 * privflow - the command-line client of the privflow library: parses the
 * command line, loads policy and catalogues, runs a scan (or loads one
 * from the store), writes reports and sets the exit status. Everything
 * else lives in the library.
 *
 * Exit status: 0 nothing at or above --fail-on, 1 findings at or above
 * it, 2 bad usage, bad policy/catalogue/compilation database, unreadable
 * input, or a translation unit that could not be parsed.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "compdb.h"
#include "frontend.h"
#include "kinds.h"
#include "policy.h"
#include "report.h"
#include "scan.h"
#include "store.h"

#define EXIT_FINDINGS 1
#define EXIT_BAD 2

static const char usage_text[] =
	"usage: privflow scan [-p BUILD_DIR | -p compile_commands.json] [FILES... [-- CFLAGS...]]\n"
	"                     [--policy FILE] [--catalog FILE]... [--no-default-catalog]\n"
	"                     [--format FORMAT[,FORMAT...]] [-o FILE | --out-dir DIR]\n"
	"                     [-j N] [--db FILE | --no-db] [--root DIR]\n"
	"                     [--fail-on error|warning|note|never] [--color|--no-color]\n"
	"                     [--progress|--no-progress] [-q]\n"
	"       privflow report [--db FILE] [--run ID] [--policy FILE] [--format FORMAT[,...]]\n"
	"                       [-o FILE | --out-dir DIR] [--fail-on LEVEL]\n"
	"       graphs (dot, svg, html): [--graph-by purpose|file] [--graph-category ID]\n"
	"                       [--graph-purpose ID] [--graph-rule RULE]\n"
	"       privflow dump-ir FILES... [-- CFLAGS...]\n"
	"       privflow --version | --help\n"
	"\n"
	"Formats: %s. See docs/cli.md.\n";

static void usage(FILE *f)
{
	fprintf(f, usage_text, pf_report_formats());
}

static int bad_usage(const char *fmt, const char *arg)
{
	fputs("privflow: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(see privflow --help)\n", stderr);
	return EXIT_BAD;
}

/* Where the bundled rules/ and include/ are: $PRIVFLOW_DATADIR, the
   source tree this binary was built from, or the install prefix. */
static const char *datadir(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("PRIVFLOW_DATADIR");
	struct stat st;

	if (env && *env)
		return env;
	snprintf(buf, sizeof(buf), "%s/rules/catalog.json", PF_SOURCE_DATADIR);
	if (stat(buf, &st) == 0)
		return PF_SOURCE_DATADIR;
	return PF_INSTALL_DATADIR;
}

static char *data_path(const char *rel)
{
	return pf_asprintf("%s/%s", datadir(), rel);
}

typedef struct options {
	const char *compdb;
	const char *policy;
	const char *catalogs[32];
	int ncatalogs;
	int default_catalog;
	char formats[256];
	const char *output;
	const char *out_dir;
	int jobs;
	const char *db;
	int use_db;
	const char *root;
	int fail_on;      /* severity, or PF_SEV_COUNT for never */
	int color;
	int progress;
	int quiet;
	int64_t run;
	pf_graph_options graph; /* dot, svg, html: --graph-* */
	char **files;
	size_t nfiles;
	char **cflags;
	size_t ncflags;
} options;

enum {
	OPT_POLICY = 256, OPT_CATALOG, OPT_NO_DEFAULT_CATALOG, OPT_FORMAT, OPT_OUT_DIR,
	OPT_DB, OPT_NO_DB, OPT_ROOT, OPT_FAIL_ON, OPT_COLOR, OPT_NO_COLOR,
	OPT_PROGRESS, OPT_NO_PROGRESS, OPT_RUN, OPT_GRAPH_BY, OPT_GRAPH_CATEGORY,
	OPT_GRAPH_PURPOSE, OPT_GRAPH_RULE
};

static const struct option long_opts[] = {
	{"policy", required_argument, NULL, OPT_POLICY},
	{"catalog", required_argument, NULL, OPT_CATALOG},
	{"no-default-catalog", no_argument, NULL, OPT_NO_DEFAULT_CATALOG},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"out-dir", required_argument, NULL, OPT_OUT_DIR},
	{"jobs", required_argument, NULL, 'j'},
	{"db", required_argument, NULL, OPT_DB},
	{"no-db", no_argument, NULL, OPT_NO_DB},
	{"root", required_argument, NULL, OPT_ROOT},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"color", no_argument, NULL, OPT_COLOR},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"run", required_argument, NULL, OPT_RUN},
	{"graph-by", required_argument, NULL, OPT_GRAPH_BY},
	{"graph-category", required_argument, NULL, OPT_GRAPH_CATEGORY},
	{"graph-purpose", required_argument, NULL, OPT_GRAPH_PURPOSE},
	{"graph-rule", required_argument, NULL, OPT_GRAPH_RULE},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

static int parse_options(options *o, int argc, char **argv)
{
	int c;
	long n;
	char *end;

	o->default_catalog = 1;
	o->use_db = 1;
	o->fail_on = PF_SEV_ERROR;
	o->color = -1;
	o->progress = -1;
	o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (o->jobs < 1)
		o->jobs = 1;
	/* split off "-- CFLAGS" before getopt sees them */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			o->cflags = argv + i + 1;
			o->ncflags = (size_t)(argc - i - 1);
			argc = i;
			break;
		}
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:o:j:qh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->compdb = optarg; break;
		case 'o': o->output = optarg; break;
		case 'j':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 256)
				return bad_usage("-j: expected a number of jobs from 1 to 256, got '%s'", optarg);
			o->jobs = (int)n;
			break;
		case 'q': o->quiet = 1; break;
		case 'h': usage(stdout); exit(0);
		case OPT_POLICY: o->policy = optarg; break;
		case OPT_CATALOG:
			if (o->ncatalogs == 32)
				return bad_usage("too many --catalog files%s", "");
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
		case OPT_DB: o->db = optarg; o->use_db = 1; break;
		case OPT_NO_DB: o->use_db = 0; break;
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
		case OPT_RUN:
			o->run = strtoll(optarg, &end, 10);
			if (*end || o->run < 0)
				return bad_usage("--run: expected a run id, got '%s'", optarg);
			break;
		case OPT_GRAPH_BY:
			if (strcmp(optarg, "purpose") && strcmp(optarg, "file"))
				return bad_usage("--graph-by: expected purpose or file, got '%s'", optarg);
			o->graph.by_file = strcmp(optarg, "file") == 0;
			break;
		case OPT_GRAPH_CATEGORY: o->graph.category = optarg; break;
		case OPT_GRAPH_PURPOSE: o->graph.purpose = optarg; break;
		case OPT_GRAPH_RULE:
			if (pf_rule_from_id(optarg) < 0)
				return bad_usage("--graph-rule: unknown rule '%s'", optarg);
			o->graph.rule = optarg;
			break;
		default:
			return EXIT_BAD;
		}
	}
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
	if (!o->formats[0])
		strcpy(o->formats, "text");
	return 0;
}

/* Renders every requested format and writes it (atomically) to its file,
   or to stdout. */
static int write_reports(const options *o, const pf_results *res, const pf_policy *pol)
{
	char formats[256], *save = NULL;
	int nformats = 0, rc = 0;

	strcpy(formats, o->formats);
	for (char *f = strtok_r(formats, ",", &save); f; f = strtok_r(NULL, ",", &save))
		nformats++;
	if (nformats > 1 && !o->out_dir)
		return bad_usage("several formats need --out-dir DIR%s", "");
	if (o->out_dir && o->output)
		return bad_usage("-o and --out-dir exclude each other%s", "");
	if (o->out_dir && pf_mkdirs(o->out_dir) < 0) {
		fprintf(stderr, "privflow: %s\n", pf_error_last());
		return EXIT_BAD;
	}
	strcpy(formats, o->formats);
	for (char *f = strtok_r(formats, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		const pf_report_writer *w = pf_report_writer_find(f);
		pf_report_ctx ctx = {.results = res, .policy = pol, .graph = o->graph};
		char *out = NULL, *path = NULL;
		size_t len = 0;

		if (!w)
			return bad_usage("--format: unknown format '%s'", f);
		ctx.color = o->color > 0 || (o->color < 0 && !o->output && !o->out_dir &&
		                             strcmp(f, "text") == 0 && isatty(1) && !getenv("NO_COLOR"));
		if (w->render(&out, &len, &ctx) < 0) {
			fprintf(stderr, "privflow: %s report: %s\n", f, pf_error_last());
			return EXIT_BAD;
		}
		if (o->out_dir)
			path = pf_asprintf("%s/privflow.%s", o->out_dir, w->extension);
		else if (o->output)
			path = pf_strdup(o->output);
		if (path) {
			if (pf_file_write_atomic(path, out, len) < 0) {
				fprintf(stderr, "privflow: %s\n", pf_error_last());
				rc = EXIT_BAD;
			}
		} else if (fwrite(out, 1, len, stdout) != len) {
			fprintf(stderr, "privflow: cannot write to standard output\n");
			rc = EXIT_BAD;
		}
		pf_free(path);
		pf_free(out);
	}
	fflush(stdout);
	return rc;
}

static int exit_status(const options *o, const pf_results *res)
{
	for (size_t i = 0; i < res->nfindings; i++)
		if (res->findings[i].severity >= o->fail_on)
			return EXIT_FINDINGS;
	return 0;
}

static int load_policy(pf_policy **pol, const options *o)
{
	char *def = NULL;
	int rc;

	if (!o->policy)
		def = data_path("rules/facturi.policy.json");
	rc = pf_policy_load(pol, o->policy ? o->policy : def);
	pf_free(def);
	if (rc < 0) {
		fprintf(stderr, "privflow: error: %s\n", pf_error_last());
		return EXIT_BAD;
	}
	return 0;
}

static int load_catalog(pf_catalog **cat, const options *o)
{
	*cat = pf_catalog_new();
	if (o->default_catalog) {
		char *def = data_path("rules/catalog.json");
		int rc = pf_catalog_load(*cat, def);
		pf_free(def);
		if (rc < 0) {
			fprintf(stderr, "privflow: error: %s\n", pf_error_last());
			return EXIT_BAD;
		}
	}
	for (int i = 0; i < o->ncatalogs; i++)
		if (pf_catalog_load(*cat, o->catalogs[i]) < 0) {
			fprintf(stderr, "privflow: error: %s\n", pf_error_last());
			return EXIT_BAD;
		}
	return 0;
}

static char *absolute(const char *path)
{
	char buf[PATH_MAX];

	if (realpath(path, buf))
		return pf_strdup(buf);
	return NULL;
}

static int cmd_scan(int argc, char **argv)
{
	options o = {0};
	pf_policy *pol = NULL;
	pf_catalog *cat = NULL;
	pf_compdb *db = NULL;
	pf_results *res = NULL;
	pf_store *st = NULL;
	char *root = NULL, *incdir = NULL;
	int rc;
	time_t started = time(NULL);

	if ((rc = parse_options(&o, argc, argv)))
		return rc;
	if (!o.compdb && o.nfiles == 0)
		return bad_usage("scan: nothing to scan: give -p BUILD_DIR or FILES%s", "");
	if (o.compdb && o.nfiles)
		return bad_usage("scan: give either -p or FILES, not both%s", "");
	root = absolute(o.root ? o.root : ".");
	if (!root) {
		rc = bad_usage("--root: no such directory: %s", o.root);
		goto done;
	}
	if ((rc = load_policy(&pol, &o)) || (rc = load_catalog(&cat, &o)))
		goto done;
	if (o.compdb)
		rc = pf_compdb_load(&db, o.compdb);
	else
		rc = pf_compdb_from_files(&db, o.files, o.nfiles, o.cflags, o.ncflags);
	if (rc < 0) {
		fprintf(stderr, "privflow: error: %s\n", pf_error_last());
		rc = EXIT_BAD;
		goto done;
	}
	rc = 0;
	incdir = data_path("include");
	pf_scan_opts so = {root, incdir, o.jobs, o.progress > 0 || (o.progress < 0 && isatty(2) && !o.quiet), 0};
	if (pf_scan_run(&res, db, cat, pol, &so) < 0) {
		fprintf(stderr, "privflow: error: %s\n", pf_error_last());
		rc = EXIT_BAD;
		goto done;
	}
	for (size_t i = 0; i < res->nfiles; i++)
		if (!res->files[i].parsed)
			fprintf(stderr, "%s: error: %s: translation unit skipped\n",
			        res->files[i].error ? res->files[i].error : res->files[i].path,
			        res->files[i].path);
	if (res->ntruncated && !o.quiet)
		fprintf(stderr, "privflow: note: %zu function%s reached the engine's bound on symbolic "
		        "flows; flows through them may be missed\n", res->ntruncated,
		        res->ntruncated > 1 ? "s" : "");
	if (o.use_db) {
		const char *dbpath = o.db ? o.db : ".privflow/privflow.db";
		int64_t run_id;
		if (pf_store_open(&st, dbpath) < 0 ||
		    pf_store_record(st, &run_id, res, (int64_t)started, (int64_t)time(NULL)) < 0) {
			fprintf(stderr, "privflow: error: %s\n", pf_error_last());
			rc = EXIT_BAD;
			goto done;
		}
	}
	if ((rc = write_reports(&o, res, pol)))
		goto done;
	rc = res->ntus_failed ? EXIT_BAD : exit_status(&o, res);
done:
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
	pf_results *res = NULL;
	pf_policy *pol = NULL;
	int rc;

	if ((rc = parse_options(&o, argc, argv)))
		return rc;
	if (o.policy && (rc = load_policy(&pol, &o)))
		return rc;
	if (pf_store_open(&st, o.db ? o.db : ".privflow/privflow.db") < 0 ||
	    pf_store_load(&res, st, o.run) < 0) {
		fprintf(stderr, "privflow: error: %s\n", pf_error_last());
		rc = EXIT_BAD;
		goto done;
	}
	if ((rc = write_reports(&o, res, pol)))
		goto done;
	rc = exit_status(&o, res);
done:
	if (res)
		pf_results_free(res);
	if (st)
		pf_store_close(st);
	if (pol)
		pf_policy_free(pol);
	return rc;
}

static int cmd_dump_ir(int argc, char **argv)
{
	options o = {0};
	pf_compdb *db = NULL;
	char *root = absolute("."), *incdir = data_path("include");
	int rc;

	if ((rc = parse_options(&o, argc, argv)))
		goto done;
	if (pf_compdb_from_files(&db, o.files, o.nfiles, o.cflags, o.ncflags) < 0) {
		fprintf(stderr, "privflow: error: %s\n", pf_error_last());
		rc = EXIT_BAD;
		goto done;
	}
	pf_frontend_opts fo = {root, incdir, 0};
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

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"scan", cmd_scan},
	{"report", cmd_report},
	{"dump-ir", cmd_dump_ir},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("privflow %s\n", PF_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	return bad_usage("unknown command '%s'", argv[1]);
}
