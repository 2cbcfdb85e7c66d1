/*
 * Unit test of the store: records a hand-built pf_results into a fresh
 * database, loads it back and compares every field; records a second run
 * and checks that run 0 loads the latest and run 1 still loads the first.
 * Also checks that opening creates missing directories and that errors
 * name the database. Exits 0 when every check passes, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sample_results.h"
#include "store.h"

#include "check.h"

/* Equal strings, NULL only equal to NULL. */
static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

#define SAME(a, b, field) CHECK(same((a)->field, (b)->field))
#define EQ(a, b, field) CHECK((a)->field == (b)->field)

static void compare(const pf_results *a, const pf_results *b)
{
	size_t i, j;

	SAME(a, b, tool_version);
	SAME(a, b, root);
	SAME(a, b, policy_file);
	SAME(a, b, policy_name);
	EQ(a, b, ntus);
	EQ(a, b, ntus_failed);
	EQ(a, b, ntus_partial);
	EQ(a, b, nflows);
	EQ(a, b, nfindings);
	EQ(a, b, nuses);
	EQ(a, b, nfiles);
	EQ(a, b, nfunctions);
	for (i = 0; i < a->nfindings && i < b->nfindings; i++) {
		const pf_finding *x = &a->findings[i], *y = &b->findings[i];

		EQ(x, y, rule);
		EQ(x, y, severity);
		SAME(x, y, category);
		SAME(x, y, purpose);
		SAME(x, y, recipient);
		SAME(x, y, sink);
		SAME(x, y, function);
		SAME(x, y, file);
		EQ(x, y, line);
		EQ(x, y, col);
		SAME(x, y, message);
		SAME(x, y, policy_ref);
		CHECK(!strcmp(x->fingerprint, y->fingerprint));
		EQ(x, y, ntrace);
		for (j = 0; j < x->ntrace && j < y->ntrace; j++) {
			SAME(&x->trace[j], &y->trace[j], file);
			EQ(&x->trace[j], &y->trace[j], line);
			EQ(&x->trace[j], &y->trace[j], col);
			SAME(&x->trace[j], &y->trace[j], note);
		}
	}
	for (i = 0; i < a->nuses && i < b->nuses; i++) {
		const pf_use *x = &a->uses[i], *y = &b->uses[i];

		SAME(x, y, category);
		SAME(x, y, kind);
		SAME(x, y, sink);
		SAME(x, y, target);
		SAME(x, y, purpose);
		SAME(x, y, transforms);
		SAME(x, y, function);
		SAME(x, y, file);
		EQ(x, y, line);
		EQ(x, y, col);
	}
	for (i = 0; i < a->nfiles && i < b->nfiles; i++) {
		SAME(&a->files[i], &b->files[i], path);
		SAME(&a->files[i], &b->files[i], sha256);
		EQ(&a->files[i], &b->files[i], parsed);
		EQ(&a->files[i], &b->files[i], partial);
		SAME(&a->files[i], &b->files[i], error);
	}
	for (i = 0; i < a->nfunctions && i < b->nfunctions; i++) {
		SAME(&a->functions[i], &b->functions[i], name);
		SAME(&a->functions[i], &b->functions[i], file);
		EQ(&a->functions[i], &b->functions[i], line);
		SAME(&a->functions[i], &b->functions[i], purpose);
	}
}

/* The fingerprint ignores line moves but not the rest. */
static void test_fingerprints(void)
{
	pf_results *a = sample_results(), *b = sample_results();
	pf_finding *f;

	CHECK(strlen(a->findings[0].fingerprint) == 32);
	CHECK(strcmp(a->findings[0].fingerprint, a->findings[1].fingerprint));
	/* The same finding 10 lines lower, its message quoting the new line. */
	f = &b->findings[1];
	CHECK(f->rule == PF_RULE_SENSITIVE_LOG);
	f->line += 10;
	f->trace[0].line += 10;
	f->message = "user.contact.email is written to a log unredacted "
	             "(read at src/mail.c:40)";
	pf_results_finish(b);
	CHECK(!strcmp(a->findings[1].fingerprint, b->findings[1].fingerprint));
	/* Another category: another fingerprint. */
	b->findings[1].category = "user.name";
	pf_results_finish(b);
	CHECK(strcmp(a->findings[1].fingerprint, b->findings[1].fingerprint));
	/* Two identical findings on different lines differ. */
	b->findings[0] = b->findings[1];
	b->findings[0].line = 1;
	pf_results_finish(b);
	CHECK(b->findings[0].line == 1);
	CHECK(strcmp(b->findings[0].fingerprint, b->findings[1].fingerprint));
	pf_results_free(a);
	pf_results_free(b);
}

/*
 * A store written by an older schema (version 1: no partial columns, no
 * categories of a grouped finding, no suppressions, no git commit)
 * is refused read-only, naming the fix, and migrated by a writable open;
 * its run then loads with nothing partial.
 */
static void test_migration(const char *dir)
{
	char *path = pf_asprintf("%s/v1.db", dir);
	pf_store *st = NULL;
	pf_results *r = sample_results(), *loaded = NULL;
	int64_t run = 0;
	sqlite3 *db = NULL;

	CHECK(pf_store_open(&st, path) == 0);
	CHECK(pf_store_record(st, &run, r, 1700000000, 1700000005) == 0);
	pf_store_close(st);
	st = NULL;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "DROP TABLE tu_cache; DROP TABLE unit_cache; DROP TABLE cache_used; DROP TABLE file_stat;"
	                   "ALTER TABLE runs DROP COLUMN ntus_partial;"
	                   "ALTER TABLE files DROP COLUMN partial;"
	                   "ALTER TABLE findings DROP COLUMN categories;"
	                   "ALTER TABLE findings DROP COLUMN suppression;"
	                   "ALTER TABLE findings DROP COLUMN justification;"
	                   "ALTER TABLE runs DROP COLUMN git_commit;"
	                   "ALTER TABLE runs DROP COLUMN git_branch;"
	                   "PRAGMA user_version = 1;", NULL, NULL, NULL) ==
	      SQLITE_OK);
	sqlite3_close(db);

	CHECK(pf_store_open_readonly(&st, path) < 0);
	CHECK(strstr(pf_error_last(), "schema version 1") != NULL);
	CHECK(pf_store_open(&st, path) == 0);
	CHECK(pf_store_load(&loaded, st, run) == 0);
	if (loaded) {
		CHECK(loaded->ntus_partial == 0);
		CHECK(loaded->nfiles == 3 && !loaded->files[1].partial);
		CHECK(loaded->ntus == r->ntus && loaded->nfindings == r->nfindings);
	}
	pf_results_free(loaded);
	pf_store_close(st);
	pf_results_free(r);
	free(path);
}

int main(void)
{
	char dir[] = "/tmp/pf_test_store.XXXXXX", *path, *cmd;
	pf_store *st = NULL;
	pf_results *r = NULL, *loaded = NULL, *second = NULL;
	int64_t run1 = 0, run2 = 0;

	test_fingerprints();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_migration(dir);
	/* A directory that does not exist yet: the store creates it. */
	path = pf_asprintf("%s/sub/dir/privflow.db", dir);
	r = sample_results();
	CHECK(!strcmp(r->findings[0].file, "src/auth.c")); /* sorted */

	CHECK(pf_store_open(&st, path) == 0);
	if (!st) {
		fprintf(stderr, "open: %s\n", pf_error_last());
		return 1;
	}
	CHECK(pf_store_load(&loaded, st, 0) < 0); /* empty store */
	CHECK(strstr(pf_error_last(), path) != NULL);
	CHECK(pf_store_record(st, &run1, r, 1700000000, 1700000005) == 0);
	CHECK(run1 > 0);
	CHECK(pf_store_load(&loaded, st, run1) == 0);
	if (loaded)
		compare(r, loaded);
	pf_results_free(loaded);
	loaded = NULL;
	pf_store_close(st);
	st = NULL;

	/* Reopen (no migration again), record a second, different run. */
	CHECK(pf_store_open(&st, path) == 0);
	second = sample_results();
	second->nfindings = 1;
	second->policy_name = "Facturi v2";
	CHECK(pf_store_record(st, &run2, second, 1700000100, 1700000101) == 0);
	CHECK(run2 > run1);
	CHECK(pf_store_load(&loaded, st, 0) == 0);
	if (loaded) {
		compare(second, loaded);
		CHECK(!strcmp(loaded->policy_name, "Facturi v2"));
	}
	pf_results_free(loaded);
	loaded = NULL;
	CHECK(pf_store_load(&loaded, st, run1) == 0);
	if (loaded)
		compare(r, loaded);
	pf_results_free(loaded);
	loaded = NULL;
	/* Functions counted but not listed (the engine's summary count). */
	second->functions = NULL;
	second->nfunctions = 5;
	CHECK(pf_store_record(st, &run2, second, 1700000200, 1700000201) == 0);
	CHECK(pf_store_load(&loaded, st, 0) == 0);
	CHECK(loaded && loaded->nfunctions == 5 && !loaded->functions);
	pf_results_free(loaded);
	loaded = NULL;
	CHECK(pf_store_load(&loaded, st, run2 + 100) < 0);
	CHECK(strstr(pf_error_last(), path) != NULL);
	pf_store_close(st);
	st = NULL;

	/* A path that cannot be a database: the error names it. */
	{
		char *bad = pf_asprintf("%s/sub", dir); /* a directory */

		CHECK(pf_store_open(&st, bad) < 0);
		CHECK(st == NULL);
		CHECK(strstr(pf_error_last(), bad) != NULL);
		pf_free(bad);
	}

	pf_results_free(r);
	pf_results_free(second);
	cmd = pf_asprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
	pf_free(cmd);
	pf_free(path);
	if (failures)
		fprintf(stderr, "test_store: %d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
