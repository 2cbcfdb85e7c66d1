/*
 * Unit test of the compilation database's defences (analyzer/compdb.c):
 * a database from a merge request must not make the parse write a file
 * or load code. Each spelling of each such option is given to the loader,
 * the kept arguments are checked, and the TU is really parsed with
 * libclang to check that no file appeared where the option pointed.
 * Response files are expanded and filtered like the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compdb.h"
#include "frontend.h"
#include "util.h"

static int failures;

#define CHECK(cond)                                                         \
	do {                                                                    \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                     \
		}                                                                   \
	} while (0)

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
	char *path = pf_asprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	pf_free(path);
}

static int exists(const char *name)
{
	struct stat st;
	char *path = pf_asprintf("%s/%s", tmpdir, name);
	int rc = lstat(path, &st) == 0;

	pf_free(path);
	return rc;
}

/* One hostile spelling: the words given (OUT stands for the file the
   option would write), and the words that must be kept. */
typedef struct spelling {
	const char *words[8];
	const char *kept[4];
} spelling;

static const spelling spellings[] = {
	{{"-MD", "-MF", "OUT"}, {0}},
	{{"-MMD", "-MFOUT"}, {0}},
	{{"-MJ", "OUT"}, {0}},
	{{"-MJOUT"}, {0}},
	{{"-Wp,-MD,OUT"}, {0}},
	{{"-Wp,-MMD,OUT"}, {0}},
	{{"-Wp,-MD,OUT,-D_FORTIFY_SOURCE=2"}, {"-Wp,-D_FORTIFY_SOURCE=2"}},
	{{"-Wp,-MF,OUT"}, {0}},
	{{"-Xpreprocessor", "-MD", "-Xpreprocessor", "-MF", "-Xpreprocessor", "OUT"}, {0}},
	{{"-Xpreprocessor", "-MF", "-Xpreprocessor", "OUT"}, {0}},
	{{"-o", "OUT"}, {0}},
	{{"-oOUT"}, {0}},
	{{"--output", "OUT"}, {0}},
	{{"--output=OUT"}, {0}},
	{{"-save-temps"}, {0}},
	{{"-save-temps=obj"}, {0}},
	{{"--save-temps"}, {0}},
	{{"-fplugin=OUT"}, {0}},
	{{"-fplugin-arg-foo-bar=1"}, {0}},
	{{"-fpass-plugin=OUT"}, {0}},
	{{"-Xclang", "-load", "-Xclang", "OUT"}, {0}},
	{{"-Xclang", "-plugin", "-Xclang", "x"}, {0}},
	{{"-Xclang", "-add-plugin", "-Xclang", "x"}, {0}},
	{{"-Xclang", "-plugin-arg-x", "-Xclang", "y"}, {0}},
	{{"-Xclang", "-dependency-file", "-Xclang", "OUT"}, {0}},
	{{"-Xclang", "-header-include-file", "-Xclang", "OUT"}, {0}},
	{{"-Xclang", "-emit-pch"}, {0}},
	{{"-Xclang", "-fno-pch-timestamp"}, {"-Xclang", "-fno-pch-timestamp"}},
	{{"--serialize-diagnostics", "OUT"}, {0}},
	{{"--serialize-diagnostics=OUT"}, {0}},
	{{"-ftime-trace"}, {0}},
	{{"-ftime-trace=OUT"}, {0}},
	{{"-ftime-trace-granularity=1"}, {0}},
	{{"-fproc-stat-report=OUT"}, {0}},
	{{"-fcrash-diagnostics-dir=OUT"}, {0}},
	{{"-gen-reproducer"}, {0}},
	{{"-fmodules", "-fmodules-cache-path=OUT"}, {0}},
	{{"--analyze", "--analyzer-output", "html"}, {0}},
	{{"--config", "OUT"}, {0}},
	{{"--config=OUT"}, {0}},
	{{"-mllvm", "-stats"}, {0}},
	{{"-foptimization-record-file=OUT", "-fsave-optimization-record"}, {0}},
	{{"-E"}, {0}},
	{{"-DKEEP=1", "-Iinc"}, {"-DKEEP=1", "-Iinc"}},
};

static void test_spelling(pf_frontend *fe, const spelling *sp, size_t k)
{
	char out[32], *words[8], *file = pf_asprintf("%s/x.c", tmpdir);
	size_t n = 0;
	pf_compdb *db = NULL;

	snprintf(out, sizeof(out), "written%zu", k);
	for (; n < 8 && sp->words[n]; n++) {
		const char *w = sp->words[n], *at = strstr(w, "OUT");
		words[n] = at ? pf_asprintf("%.*s%s/%s%s", (int)(at - w), w, tmpdir, out, at + 3)
		              : pf_strdup(w);
	}
	CHECK(pf_compdb_from_files(&db, &file, 1, words, n) == 0);
	CHECK(db->n == 1);
	size_t nkept = 0;
	while (nkept < 4 && sp->kept[nkept])
		nkept++;
	if (db->tus[0].nargs != nkept) {
		fprintf(stderr, "spelling %zu (%s ...): kept %zu arguments, expected %zu\n", k,
		        sp->words[0], db->tus[0].nargs, nkept);
		failures++;
	}
	for (size_t i = 0; i < nkept && i < db->tus[0].nargs; i++)
		CHECK(!strcmp(db->tus[0].args[i], sp->kept[i]));
	pf_tu_free(pf_frontend_parse(fe, &db->tus[0]));
	if (exists(out)) {
		fprintf(stderr, "spelling %zu (%s ...): the parse wrote %s\n", k, sp->words[0], out);
		failures++;
	}
	pf_compdb_free(db);
	for (size_t i = 0; i < n; i++)
		pf_free(words[i]);
	pf_free(file);
}

/* A response file holding a dependency option, and one nested in it. */
static void test_response_files(pf_frontend *fe)
{
	char *cmd, *db_json;
	pf_compdb *db = NULL;

	write_file("inner.rsp", "-DINNER=1 -Wp,-MD,rsp-written");
	write_file("outer.rsp", "-DOUTER=1 @inner.rsp -MJ rsp-written2");
	cmd = pf_asprintf("cc -c x.c @outer.rsp");
	db_json = pf_asprintf("[{\"directory\": \"%s\", \"file\": \"x.c\", \"command\": \"%s\"}]",
	                      tmpdir, cmd);
	write_file("compile_commands.json", db_json);
	CHECK(pf_compdb_load(&db, tmpdir) == 0);
	CHECK(db && db->n == 1 && db->tus[0].nargs == 2);
	if (db && db->n == 1 && db->tus[0].nargs == 2) {
		CHECK(!strcmp(db->tus[0].args[0], "-DOUTER=1"));
		CHECK(!strcmp(db->tus[0].args[1], "-DINNER=1"));
		pf_tu_free(pf_frontend_parse(fe, &db->tus[0]));
	}
	CHECK(!exists("rsp-written") && !exists("rsp-written2"));
	pf_compdb_free(db);
	pf_free(cmd);
	pf_free(db_json);

	/* a response file that includes itself stops at the depth bound */
	write_file("loop.rsp", "-DLOOP @loop.rsp");
	char *f = pf_asprintf("%s/x.c", tmpdir), *w = pf_asprintf("@%s/loop.rsp", tmpdir);
	CHECK(pf_compdb_from_files(&db, &f, 1, &w, 1) == 0);
	CHECK(db->tus[0].nargs == 8);
	CHECK(db->nnotes == 1 && strstr(db->notes[0], "nested too deep"));
	pf_compdb_free(db);
	pf_free(f);
	pf_free(w);
}

/* The database's one command `cmd` (for x.c in tmpdir), loaded. */
static pf_compdb *load_command(const char *cmd)
{
	pf_compdb *db = NULL;
	char *json = pf_asprintf("[{\"directory\": \"%s\", \"file\": \"x.c\", \"command\": \"%s\"}]",
	                         tmpdir, cmd);

	write_file("compile_commands.json", json);
	pf_free(json);
	CHECK(pf_compdb_load(&db, tmpdir) == 0 && db->n == 1);
	return db;
}

/* A cross compiler's name gives the target, as clang takes it from its
   own name; an explicit target wins; a plain compiler gives none. */
static void test_cross_target(void)
{
	static const struct {
		const char *cmd, *first;
		size_t nargs;
	} cases[] = {
		{"x86_64-w64-mingw32-gcc -c x.c", "--target=x86_64-w64-mingw32", 1},
		{"/opt/x/bin/aarch64-linux-gnu-gcc-12 -O2 -c x.c", "--target=aarch64-linux-gnu", 2},
		{"ccache arm-none-eabi-clang++ -c x.c", "--target=arm-none-eabi", 1},
		{"x86_64-w64-mingw32-gcc --target=i686-w64-mingw32 -c x.c", "--target=i686-w64-mingw32", 1},
		{"gcc-12 -c x.c", NULL, 0},
		{"/usr/bin/cc -DX -c x.c", "-DX", 1},
		{"clang-14 -c x.c", NULL, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pf_compdb *db = load_command(cases[i].cmd);
		if (!db || db->n != 1)
			continue;
		if (db->tus[0].nargs != cases[i].nargs ||
		    (cases[i].first && strcmp(db->tus[0].args[0], cases[i].first))) {
			fprintf(stderr, "'%s': %zu arguments, first '%s'\n", cases[i].cmd,
			        db->tus[0].nargs, db->tus[0].nargs ? db->tus[0].args[0] : "");
			failures++;
		}
		pf_compdb_free(db);
	}
}

/* --remove-arg (exact, and prefix*), then --extra-arg-before/--extra-arg. */
static void test_arg_edits(void)
{
	pf_compdb *db = load_command("cc -DA=1 -DAB -Werror -Wall -Ifoo -c x.c");
	char *before[] = {"-std=gnu2x"}, *after[] = {"-DA=2", "-w"}, *remove[] = {"-DA=1", "-W*"};
	pf_arg_edits e = {before, after, remove, 1, 2, 2};
	static const char *const want[] = {"-std=gnu2x", "-DAB", "-Ifoo", "-DA=2", "-w"};

	if (!db || db->n != 1)
		return;
	pf_compdb_edit_args(db, &e);
	CHECK(db->tus[0].nargs == 5);
	for (size_t i = 0; i < 5 && i < db->tus[0].nargs; i++)
		CHECK(!strcmp(db->tus[0].args[i], want[i]));
	pf_compdb_free(db);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pf-compdb-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	write_file("x.c", "int f(int x) { return x + 1; }\n");
	pf_frontend_opts fo = {tmpdir, NULL};
	pf_frontend *fe = pf_frontend_new(&fo);
	for (size_t k = 0; k < sizeof(spellings) / sizeof(spellings[0]); k++)
		test_spelling(fe, &spellings[k], k);
	test_response_files(fe);
	test_cross_target();
	test_arg_edits();
	pf_frontend_free(fe);
	char *rm = pf_asprintf("rm -rf '%s'", tmpdir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	pf_free(rm);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
