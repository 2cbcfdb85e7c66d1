/*
 * Fuzz harness of the compilation-database loader (analyzer/compdb.c,
 * jsonpos.c). The input is split at its first NUL byte: what comes before
 * is compile_commands.json, what follows (if anything) a response file
 * `r.rsp` beside it, so that "@r.rsp" in a command reaches the response
 * file expansion. The loader is given the directory, as `scan -p DIR`
 * does. A loaded database's promises are checked: absolute paths, C or
 * C++ files only, no duplicates, and no option that writes a file.
 */
#include <string.h>

#include "compdb.h"
#include "fuzz.h"
#include "util.h"

/* Options of clang -cc1 that load code: the driver forwards the word
   after -Xclang or -Xpreprocessor, and each element of -Wp,A,B, to -cc1
   as it is. */
static int loads_code(const char *a)
{
	return !strcmp(a, "-load") || !strcmp(a, "-plugin") || !strcmp(a, "-add-plugin") ||
	       !strcmp(a, "-mllvm");
}

static void check_wp(const char *a)
{
	char *copy = pf_strdup(a + 4), *save = NULL;

	for (char *e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save))
		PF_FUZZ_CHECK(!loads_code(e));
	pf_free(copy);
}

static void exercise(const pf_compdb *db)
{
	for (size_t i = 0; i < db->n; i++) {
		const pf_tu_cmd *c = &db->tus[i];

		PF_FUZZ_CHECK(c->file && c->file[0] == '/');
		PF_FUZZ_CHECK(c->directory && c->directory[0] == '/');
		PF_FUZZ_CHECK(strrchr(c->file, '.'));
		for (size_t j = 0; j < i; j++)
			PF_FUZZ_CHECK(strcmp(db->tus[j].file, c->file) != 0);
		/* What no database can make privflow's parse do (compdb.h): the
		   driver options that write files or load code never survive,
		   whatever precedes them, and nothing that loads code reaches
		   -cc1 behind -Xclang, -Xpreprocessor or -Wp. */
		for (size_t j = 0; j < c->nargs; j++) {
			const char *a = c->args[j];

			PF_FUZZ_CHECK(a);
			PF_FUZZ_CHECK(strcmp(a, "-c") && strcmp(a, "-MJ") &&
			              strncmp(a, "-fplugin", 8) && strncmp(a, "-fpass-plugin", 13));
			if (!strcmp(a, "-Xclang") || !strcmp(a, "-Xpreprocessor")) {
				PF_FUZZ_CHECK(j + 1 < c->nargs && !loads_code(c->args[j + 1]));
				j++;
			} else if (!strncmp(a, "-Wp,", 4)) {
				check_wp(a);
			}
		}
	}
	for (size_t i = 0; i < db->nnotes; i++)
		PF_FUZZ_CHECK(db->notes[i] && *db->notes[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t njson = nul ? (size_t)(nul - data) : size;
	pf_compdb *db = NULL;
	int rc;

	pf_fuzz_file("compile_commands.json", data, njson);
	if (nul)
		pf_fuzz_file("r.rsp", nul + 1, size - njson - 1);
	else
		pf_fuzz_remove("r.rsp");
	rc = pf_compdb_load(&db, pf_fuzz_dir());
	pf_fuzz_report("compdb", rc);
	PF_FUZZ_CHECK((rc == 0) == (db != NULL));
	if (db)
		exercise(db);
	pf_compdb_free(db);
	pf_error_clear();
	return 0;
}

int pf_fuzz_write_seeds(const char *dir, int argc, char **argv)
{
	(void)dir;
	(void)argc;
	(void)argv;
	return 0; /* fixtures/, a generated database and fuzz/seeds/compdb */
}
