/*
 * pf_parse_floor: the cost floor privflow is measured against. It parses
 * every translation unit of a compilation database with libclang, the way
 * privflow's frontend does (clang_parseTranslationUnit2, KeepGoing, the
 * database's arguments minus the compiler, -c, -o X and the input file,
 * plus -working-directory=DIR), visits every cursor once, and disposes the
 * TU, on N threads. No lowering, no analysis, no store: whatever privflow
 * spends above this is its own.
 *
 * Uses libclang only (the compilation database is read with
 * clang_CompilationDatabase_fromDirectory), so it builds with nothing but
 * libclang-dev and pthreads.
 *
 *   pf_parse_floor [-j N] [-I DIR] [--detailed-preprocessing-record]
 *                  [--skip-function-bodies] [--skip-system] [-v]
 *                  BUILD_DIR|compile_commands.json
 *
 * Prints one summary line on stdout: TUs, failures, cursors, seconds.
 * Exit status: 0 all TUs parsed, 1 some did not, 2 bad usage/database.
 */
#define _GNU_SOURCE
#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct floor_tu {
	char *file;
	char *directory;
	int nargs;
	char **args;
} floor_tu;

typedef struct floor_ctx {
	floor_tu *tus;
	size_t ntus;
	unsigned options;        /* CXTranslationUnit_* flags */
	int skip_system;         /* do not descend into system-header cursors */
	int verbose;
	atomic_size_t next;      /* next TU index to take */
	atomic_ullong cursors;   /* cursors visited, all threads */
	atomic_size_t failed;    /* TUs that did not parse at all */
	atomic_size_t with_errors; /* TUs that parsed with error diagnostics */
} floor_ctx;

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		perror("pf_parse_floor");
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* Joins DIR and a possibly relative PATH; caller frees. */
static char *path_join(const char *dir, const char *path)
{
	char *out;
	if (path[0] == '/' || !dir || !dir[0])
		return xstrdup(path);
	out = xmalloc(strlen(dir) + strlen(path) + 2);
	sprintf(out, "%s/%s", dir, path);
	return out;
}

/* True when ARG names the TU's input FILE (absolute FILEABS). */
static int is_input(const char *arg, const char *dir, const char *file,
                    const char *fileabs)
{
	char *abs;
	int same;
	if (strcmp(arg, file) == 0 || strcmp(arg, fileabs) == 0)
		return 1;
	abs = path_join(dir, arg);
	same = strcmp(abs, fileabs) == 0;
	if (!same) {
		char a[PATH_MAX], b[PATH_MAX];
		same = realpath(abs, a) && realpath(fileabs, b) && strcmp(a, b) == 0;
	}
	free(abs);
	return same;
}

/* True for the sources privflow keeps (C and C++), by extension. */
static int is_source(const char *file)
{
	static const char *const exts[] = { ".c", ".cc", ".cpp", ".cxx", ".C", NULL };
	const char *dot = strrchr(file, '.');
	int i;
	for (i = 0; dot && exts[i]; i++)
		if (strcmp(dot, exts[i]) == 0)
			return 1;
	return 0;
}

/*
 * Loads the database at PATH (a directory or a compile_commands.json in
 * it) into *OUT, adding -I INCLUDE_DIR when given (privflow adds the
 * directory of privflow.h). Returns the number of TUs, or -1.
 */
static long load_db(floor_tu **out, const char *path, const char *include_dir)
{
	CXCompilationDatabase_Error err;
	CXCompilationDatabase db;
	CXCompileCommands cmds;
	struct stat st;
	char *dir;
	unsigned n, i, kept;
	floor_tu *tus;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "pf_parse_floor: %s: %s\n", path, strerror(errno));
		return -1;
	}
	dir = xstrdup(path);
	if (!S_ISDIR(st.st_mode)) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			strcpy(dir, ".");
	}
	db = clang_CompilationDatabase_fromDirectory(dir, &err);
	if (err != CXCompilationDatabase_NoError) {
		fprintf(stderr, "pf_parse_floor: %s: cannot load compile_commands.json\n", dir);
		free(dir);
		return -1;
	}
	free(dir);
	cmds = clang_CompilationDatabase_getAllCompileCommands(db);
	n = cmds ? clang_CompileCommands_getSize(cmds) : 0;
	tus = xmalloc(sizeof(*tus) * (n ? n : 1));
	for (i = 0, kept = 0; i < n; i++) {
		CXCompileCommand c = clang_CompileCommands_getCommand(cmds, i);
		CXString d = clang_CompileCommand_getDirectory(c);
		CXString f = clang_CompileCommand_getFilename(c);
		unsigned na = clang_CompileCommand_getNumArgs(c), a, k;
		floor_tu *t = &tus[kept];
		const char *file = clang_getCString(f);

		t->directory = xstrdup(clang_getCString(d));
		t->file = path_join(t->directory, file);
		{
			char real[PATH_MAX];
			if (realpath(t->file, real)) {
				free(t->file);
				t->file = xstrdup(real);
			}
		}
		/* Like privflow's compdb: C/C++ only, first entry of a file wins. */
		for (k = 0; k < kept && strcmp(tus[k].file, t->file) != 0; k++)
			;
		if (k < kept || !is_source(t->file)) {
			free(t->directory);
			free(t->file);
			clang_disposeString(d);
			clang_disposeString(f);
			continue;
		}
		kept++;
		t->args = xmalloc(sizeof(char *) * (na + 4));
		t->nargs = 0;
		if (include_dir) {
			t->args[t->nargs++] = xstrdup("-I");
			t->args[t->nargs++] = xstrdup(include_dir);
		}
		/* Argument 0 is the compiler; drop -c, -o X and the input. */
		for (a = 1; a < na; a++) {
			CXString s = clang_CompileCommand_getArg(c, a);
			const char *arg = clang_getCString(s);
			if (strcmp(arg, "-c") == 0) {
			} else if (strcmp(arg, "-o") == 0) {
				a++;
			} else if (strncmp(arg, "-o", 2) == 0) {
			} else if (arg[0] != '-' &&
			           is_input(arg, t->directory, file, t->file)) {
			} else {
				t->args[t->nargs++] = xstrdup(arg);
			}
			clang_disposeString(s);
		}
		{
			char *wd = xmalloc(strlen(t->directory) + 32);
			sprintf(wd, "-working-directory=%s", t->directory);
			t->args[t->nargs++] = wd;
		}
		clang_disposeString(d);
		clang_disposeString(f);
	}
	if (cmds)
		clang_CompileCommands_dispose(cmds);
	clang_CompilationDatabase_dispose(db);
	*out = tus;
	return (long)kept;
}

static enum CXChildVisitResult count_cursor(CXCursor c, CXCursor parent,
                                            CXClientData data)
{
	unsigned long long *count = data;
	(void)c;
	(void)parent;
	(*count)++;
	return CXChildVisit_Recurse;
}

static enum CXChildVisitResult count_cursor_user(CXCursor c, CXCursor parent,
                                                 CXClientData data)
{
	unsigned long long *count = data;
	(void)parent;
	(*count)++;
	if (clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
		return CXChildVisit_Continue;
	return CXChildVisit_Recurse;
}

/* Worker: takes TUs off the shared counter until none are left. One
   CXIndex per thread, as privflow has one frontend per worker. */
static void *worker(void *arg)
{
	floor_ctx *ctx = arg;
	CXIndex idx = clang_createIndex(0, 0);
	size_t i;

	while ((i = atomic_fetch_add(&ctx->next, 1)) < ctx->ntus) {
		floor_tu *t = &ctx->tus[i];
		CXTranslationUnit tu = NULL;
		unsigned long long count = 0;
		enum CXErrorCode rc;
		unsigned nd, d;
		int errors = 0;

		rc = clang_parseTranslationUnit2(idx, t->file,
		                                 (const char *const *)t->args,
		                                 t->nargs, NULL, 0, ctx->options, &tu);
		if (rc != CXError_Success || !tu) {
			fprintf(stderr, "pf_parse_floor: %s: parse failed (%d)\n",
			        t->file, (int)rc);
			atomic_fetch_add(&ctx->failed, 1);
			continue;
		}
		nd = clang_getNumDiagnostics(tu);
		for (d = 0; d < nd; d++) {
			CXDiagnostic dg = clang_getDiagnostic(tu, d);
			if (clang_getDiagnosticSeverity(dg) >= CXDiagnostic_Error) {
				if (ctx->verbose && errors < 3) {
					CXString s = clang_formatDiagnostic(dg,
						clang_defaultDiagnosticDisplayOptions());
					fprintf(stderr, "%s\n", clang_getCString(s));
					clang_disposeString(s);
				}
				errors++;
			}
			clang_disposeDiagnostic(dg);
		}
		if (errors)
			atomic_fetch_add(&ctx->with_errors, 1);
		clang_visitChildren(clang_getTranslationUnitCursor(tu),
		                    ctx->skip_system ? count_cursor_user : count_cursor,
		                    &count);
		atomic_fetch_add(&ctx->cursors, count);
		clang_disposeTranslationUnit(tu);
	}
	clang_disposeIndex(idx);
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
	  "usage: pf_parse_floor [-j N] [-I DIR] [--detailed-preprocessing-record]\n"
	  "                      [--skip-function-bodies] [--skip-system] [-v]\n"
	  "                      BUILD_DIR|compile_commands.json\n");
}

int main(int argc, char **argv)
{
	floor_ctx ctx;
	const char *path = NULL, *include_dir = NULL;
	int jobs = 1, i;
	long n;
	pthread_t *th;
	struct timespec t0, t1;
	double secs;

	memset(&ctx, 0, sizeof(ctx));
	ctx.options = CXTranslationUnit_KeepGoing;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-j") == 0 && i + 1 < argc)
			jobs = atoi(argv[++i]);
		else if (strncmp(a, "-j", 2) == 0 && a[2])
			jobs = atoi(a + 2);
		else if (strcmp(a, "-I") == 0 && i + 1 < argc)
			include_dir = argv[++i];
		else if (strcmp(a, "--detailed-preprocessing-record") == 0)
			ctx.options |= CXTranslationUnit_DetailedPreprocessingRecord;
		else if (strcmp(a, "--skip-function-bodies") == 0)
			ctx.options |= CXTranslationUnit_SkipFunctionBodies;
		else if (strcmp(a, "--skip-system") == 0)
			ctx.skip_system = 1;
		else if (strcmp(a, "-v") == 0)
			ctx.verbose = 1;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (a[0] == '-' || path) {
			usage(stderr);
			return 2;
		} else
			path = a;
	}
	if (!path || jobs < 1) {
		usage(stderr);
		return 2;
	}
	n = load_db(&ctx.tus, path, include_dir);
	if (n < 0)
		return 2;
	ctx.ntus = (size_t)n;
	if ((size_t)jobs > ctx.ntus && ctx.ntus > 0)
		jobs = (int)ctx.ntus;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	th = xmalloc(sizeof(*th) * (size_t)jobs);
	for (i = 0; i < jobs; i++) {
		/* libclang parses on a deep stack: give threads 8 MiB as main has. */
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 8u << 20);
		if (pthread_create(&th[i], &attr, worker, &ctx) != 0) {
			fprintf(stderr, "pf_parse_floor: cannot start thread\n");
			return 2;
		}
		pthread_attr_destroy(&attr);
	}
	for (i = 0; i < jobs; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("tus=%zu failed=%zu with_errors=%zu cursors=%llu jobs=%d seconds=%.3f\n",
	       ctx.ntus, (size_t)atomic_load(&ctx.failed),
	       (size_t)atomic_load(&ctx.with_errors),
	       (unsigned long long)atomic_load(&ctx.cursors), jobs, secs);

	for (i = 0; i < (int)ctx.ntus; i++) {
		int a;
		for (a = 0; a < ctx.tus[i].nargs; a++)
			free(ctx.tus[i].args[a]);
		free(ctx.tus[i].args);
		free(ctx.tus[i].file);
		free(ctx.tus[i].directory);
	}
	free(ctx.tus);
	free(th);
	return atomic_load(&ctx.failed) ? 1 : 0;
}
