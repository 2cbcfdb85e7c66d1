/*
 * The fact store: one SQLite file holding every run with its files,
 * functions, findings (and their traces) and data inventory, so that a
 * report can be rendered again without scanning and a later run can be
 * compared with an earlier one. The only file that includes sqlite3.h.
 *
 * Schema changes are migrations keyed on PRAGMA user_version: to change
 * the schema, append a step to `migrations` (never edit an old one).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "kinds.h"
#include "results_p.h"
#include "store.h"
#include "util.h"

/* The cache's statements, prepared on first use (pf_store_cache_*). */
enum { Q_TU_BRIEF, Q_TU_IR, Q_TU_PUT, Q_TU_FORGET, Q_USED, Q_UNIT_GET, Q_UNIT_PUT,
       Q_STAT_GET, Q_STAT_PUT, NQ };

struct pf_store {
	sqlite3 *db;
	char *path;
	int writer;     /* opened by a scan, in WAL mode */
	int in_tx;      /* a cache transaction is open */
	sqlite3_stmt *q[NQ];
};

/* Migration i brings the schema from user_version i to i + 1. */
static const char *const migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  started_at INTEGER NOT NULL,"
	"  finished_at INTEGER NOT NULL,"
	"  tool_version TEXT,"
	"  root TEXT,"
	"  policy_file TEXT,"
	"  policy_name TEXT,"
	"  ntus INTEGER NOT NULL DEFAULT 0,"
	"  ntus_failed INTEGER NOT NULL DEFAULT 0,"
	"  nfunctions INTEGER NOT NULL DEFAULT 0,"
	"  nflows INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE files ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  path TEXT NOT NULL,"
	"  sha256 TEXT,"
	"  parsed INTEGER NOT NULL,"
	"  error TEXT);"
	"CREATE INDEX files_run ON files(run_id);"
	"CREATE TABLE functions ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  file TEXT,"
	"  line INTEGER NOT NULL,"
	"  purpose TEXT);"
	"CREATE INDEX functions_run ON functions(run_id);"
	"CREATE TABLE findings ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  rule TEXT NOT NULL,"
	"  severity TEXT NOT NULL,"
	"  category TEXT,"
	"  purpose TEXT,"
	"  recipient TEXT,"
	"  sink TEXT,"
	"  function TEXT,"
	"  file TEXT,"
	"  line INTEGER NOT NULL,"
	"  col INTEGER NOT NULL,"
	"  message TEXT,"
	"  policy_ref TEXT,"
	"  fingerprint TEXT NOT NULL);"
	"CREATE INDEX findings_run ON findings(run_id);"
	"CREATE INDEX findings_fingerprint ON findings(fingerprint);"
	"CREATE TABLE trace_steps ("
	"  finding_id INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL,"
	"  file TEXT,"
	"  line INTEGER NOT NULL,"
	"  col INTEGER NOT NULL,"
	"  note TEXT,"
	"  PRIMARY KEY (finding_id, idx));"
	"CREATE TABLE uses ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  category TEXT,"
	"  kind TEXT,"
	"  sink TEXT,"
	"  target TEXT,"
	"  purpose TEXT,"
	"  transforms TEXT,"
	"  function TEXT,"
	"  file TEXT,"
	"  line INTEGER NOT NULL,"
	"  col INTEGER NOT NULL);"
	"CREATE INDEX uses_run ON uses(run_id);",
	/* 1 -> 2: TUs with errors are analysed as far as clang parsed them. */
	"ALTER TABLE runs ADD COLUMN ntus_partial INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE files ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;",
	/* 2 -> 3: several categories reaching one sink by one call are one
	   finding ("a,b,c"; NULL for one). */
	"ALTER TABLE findings ADD COLUMN categories TEXT;",
	/* 3 -> 4: suppressions with their reasons; the git commit and branch
	   a run scanned (a baseline may be "the last run on main"). */
	"ALTER TABLE findings ADD COLUMN suppression TEXT;"
	"ALTER TABLE findings ADD COLUMN justification TEXT;"
	"ALTER TABLE runs ADD COLUMN git_commit TEXT;"
	"ALTER TABLE runs ADD COLUMN git_branch TEXT;",
	/* 4 -> 5: the parse cache (analyzer/tucache.c): each TU's IR under
	   its key with the files it read, and the last stat of files with
	   their digests; the engine's results of each link unit under the
	   key of its inputs; when each entry was last used (apart: an
	   UPDATE rewrites a whole row, blobs and all). Small columns first:
	   reading one passes over the ones before it. */
	"CREATE TABLE tu_cache ("
	"  key TEXT PRIMARY KEY,"
	"  file TEXT NOT NULL,"
	"  content TEXT NOT NULL,"
	"  facts BLOB NOT NULL,"
	"  brief BLOB NOT NULL,"
	"  ir BLOB NOT NULL);"
	"CREATE TABLE unit_cache ("
	"  key TEXT PRIMARY KEY,"
	"  results BLOB NOT NULL);"
	"CREATE TABLE cache_used ("
	"  key TEXT PRIMARY KEY,"
	"  used_at INTEGER NOT NULL);"
	"CREATE TABLE file_stat ("
	"  path TEXT PRIMARY KEY,"
	"  dev INTEGER NOT NULL,"
	"  ino INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  mtime_ns INTEGER NOT NULL,"
	"  ctime_ns INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  checked_at INTEGER NOT NULL);",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

static int db_error(pf_store *st, const char *what)
{
	pf_error_set("%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
	return PF_ERROR;
}

static int exec(pf_store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		pf_error_set("%s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return PF_ERROR;
	}
	return PF_OK;
}

static int prepare(pf_store *st, sqlite3_stmt **out, const char *sql)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return db_error(st, "prepare");
	}
	return PF_OK;
}

/* The schema version in *out. */
static int read_version(pf_store *st, int *out)
{
	sqlite3_stmt *q = NULL;
	int err;

	if ((err = prepare(st, &q, "PRAGMA user_version")))
		return err;
	if (sqlite3_step(q) == SQLITE_ROW)
		*out = sqlite3_column_int(q, 0);
	else
		err = db_error(st, "reading the schema version");
	sqlite3_finalize(q);
	return err;
}

/*
 * Brings the schema up to date, each step in its own write transaction.
 * The version is read again inside the transaction, so two processes
 * opening a new store at once do not both run a step.
 */
static int migrate(pf_store *st)
{
	int version = 0, err;

	if ((err = read_version(st, &version)))
		return err;
	while (version < NMIGRATIONS) {
		/* PRAGMA takes no bound parameters; the value is our own int. */
		char pragma[64];

		if ((err = exec(st, "BEGIN IMMEDIATE")))
			return err;
		if ((err = read_version(st, &version)))
			goto rollback;
		if (version >= NMIGRATIONS) {
			err = exec(st, "COMMIT");
			break;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		         version + 1);
		if ((err = exec(st, migrations[version])) ||
		    (err = exec(st, pragma)))
			goto rollback;
		if ((err = exec(st, "COMMIT")))
			goto rollback;
		version++;
	}
	if (!err && version > NMIGRATIONS) {
		pf_error_set("%s: schema version %d is newer than this privflow "
		             "knows (%d); use a newer privflow or another --db",
		             st->path, version, NMIGRATIONS);
		err = PF_ERROR;
	}
	return err;
rollback:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/* The directory part of `path`, or NULL when it has none. */
static char *parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return NULL;
	if (slash == path)
		return NULL; /* "/x.db": the root exists */
	return pf_strndup(path, (size_t)(slash - path));
}

int pf_store_open(pf_store **out, const char *path)
{
	pf_store *st = NULL;
	char *dir = NULL;
	int err = PF_OK;

	assert(out && path);
	*out = NULL;
	st = pf_calloc(1, sizeof(*st));
	st->path = pf_strdup(path);
	if ((dir = parent_dir(path)) && (err = pf_mkdirs(dir))) {
		char *why = pf_strdup(pf_error_last());

		pf_error_set("%s: cannot create its directory: %s", path, why);
		pf_free(why);
		goto done;
	}
	if (sqlite3_open_v2(path, &st->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		if (st->db)
			err = db_error(st, "cannot open");
		else {
			pf_error_set("%s: cannot open: out of memory", path);
			err = PF_ERROR;
		}
		goto done;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 10000);
	st->writer = 1;
	if ((err = exec(st, "PRAGMA journal_mode = WAL")) ||
	    (err = exec(st, "PRAGMA foreign_keys = ON")) ||
	    (err = exec(st, "PRAGMA synchronous = NORMAL")) ||
	    (err = migrate(st)))
		goto done;
	*out = st;
	st = NULL;
done:
	pf_free(dir);
	pf_store_close(st);
	return err;
}

/* The tables a privflow store has; every one must be a table. */
static const char *const store_tables[] = {"runs", "files", "functions", "findings",
                                           "trace_steps", "uses", "tu_cache", "unit_cache",
                                           "cache_used", "file_stat"};

/* Checks that the store's schema is ours: each table exists as a table
   (not a view), and the file passes SQLite's quick integrity check. */
static int check_schema(pf_store *st)
{
	sqlite3_stmt *q = NULL;
	int err, ok = 0;
	size_t i;

	if ((err = prepare(st, &q, "SELECT type FROM sqlite_schema WHERE name = ?")))
		return err;
	for (i = 0; i < sizeof(store_tables) / sizeof(store_tables[0]); i++) {
		const unsigned char *type;

		sqlite3_bind_text(q, 1, store_tables[i], -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_ROW || !(type = sqlite3_column_text(q, 0)) ||
		    strcmp((const char *)type, "table")) {
			pf_error_set("%s: not a privflow store (no table \"%s\")", st->path,
			             store_tables[i]);
			sqlite3_finalize(q);
			return PF_EINVALID;
		}
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	if ((err = prepare(st, &q, "PRAGMA quick_check(1)")))
		return err;
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		ok = !strcmp((const char *)sqlite3_column_text(q, 0), "ok");
	sqlite3_finalize(q);
	if (!ok) {
		pf_error_set("%s: the store is damaged (SQLite's integrity check "
		             "failed)", st->path);
		return PF_EINVALID;
	}
	return PF_OK;
}

int pf_store_open_readonly(pf_store **out, const char *path)
{
	pf_store *st = NULL;
	struct stat sb;
	int err = PF_OK, version = 0, on = 1, off = 0;

	assert(out && path);
	*out = NULL;
	if (stat(path, &sb) != 0) {
		pf_error_set("%s: no such store (run `privflow scan` first, or "
		             "give --db)", path);
		return PF_EIO;
	}
	if (!S_ISREG(sb.st_mode)) {
		pf_error_set("%s: not a regular file", path);
		return PF_EIO;
	}
	st = pf_calloc(1, sizeof(*st));
	st->path = pf_strdup(path);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err = st->db ? db_error(st, "cannot open") : PF_ERROR;
		if (!st->db)
			pf_error_set("%s: cannot open: out of memory", path);
		goto done;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 10000);
	/* SQLite's advice for databases from untrusted sources */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, on, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, off, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, off, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_VIEW, off, NULL);
	sqlite3_limit(st->db, SQLITE_LIMIT_LENGTH, 1 << 24);
	if ((err = read_version(st, &version)))
		goto done;
	if (version == 0) {
		pf_error_set("%s: not a privflow store (empty, or another kind of "
		             "database)", path);
		err = PF_EINVALID;
		goto done;
	}
	if (version > NMIGRATIONS) {
		pf_error_set("%s: schema version %d is newer than this privflow "
		             "knows (%d); use a newer privflow", path, version,
		             NMIGRATIONS);
		err = PF_EINVALID;
		goto done;
	}
	if (version < NMIGRATIONS) {
		pf_error_set("%s: written by an older privflow (schema version %d, "
		             "this one writes %d); a scan with --db %s migrates it",
		             path, version, NMIGRATIONS, path);
		err = PF_EINVALID;
		goto done;
	}
	if ((err = check_schema(st)))
		goto done;
	*out = st;
	st = NULL;
done:
	pf_store_close(st);
	return err;
}

void pf_store_close(pf_store *st)
{
	if (!st)
		return;
	/* WAL lets a report read while a scan writes; once the scan is
	   done, the store goes back to a rollback journal, so that a
	   read-only open (report --db) leaves no -wal and -shm files
	   beside it. If another connection is open, this fails and the
	   store stays in WAL mode: harmless. */
	for (int i = 0; i < NQ; i++)
		sqlite3_finalize(st->q[i]);
	if (st->in_tx)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (st->writer && st->db)
		sqlite3_exec(st->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	sqlite3_close(st->db);
	pf_free(st->path);
	pf_free(st);
}

/* Binds a string or NULL. The string outlives the statement's step. */
static void bind_str(sqlite3_stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, i);
}

/* Steps an INSERT and resets it for the next row. */
static int insert(pf_store *st, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q);

	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE)
		return db_error(st, what);
	return PF_OK;
}

int pf_store_record(pf_store *st, int64_t *run_id, const pf_results *r,
                    int64_t started_at, int64_t finished_at)
{
	sqlite3_stmt *qrun = NULL, *qfile = NULL, *qfn = NULL, *qfind = NULL,
	             *qstep = NULL, *quse = NULL;
	int64_t run = 0;
	size_t i, j;
	int err = PF_OK, in_tx = 0;

	assert(st && run_id && r);
	*run_id = 0;
	if ((err = prepare(st, &qrun,
	                   "INSERT INTO runs (started_at, finished_at, "
	                   "tool_version, root, policy_file, policy_name, ntus, "
	                   "ntus_failed, nfunctions, nflows, ntus_partial, "
	                   "git_commit, git_branch) "
	                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) ||
	    (err = prepare(st, &qfile,
	                   "INSERT INTO files (run_id, path, sha256, parsed, "
	                   "error, partial) VALUES (?, ?, ?, ?, ?, ?)")) ||
	    (err = prepare(st, &qfn,
	                   "INSERT INTO functions (run_id, name, file, line, "
	                   "purpose) VALUES (?, ?, ?, ?, ?)")) ||
	    (err = prepare(st, &qfind,
	                   "INSERT INTO findings (run_id, rule, severity, "
	                   "category, purpose, recipient, sink, function, file, "
	                   "line, col, message, policy_ref, fingerprint, categories, "
	                   "suppression, justification) "
	                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) ||
	    (err = prepare(st, &qstep,
	                   "INSERT INTO trace_steps (finding_id, idx, file, line, "
	                   "col, note) VALUES (?, ?, ?, ?, ?, ?)")) ||
	    (err = prepare(st, &quse,
	                   "INSERT INTO uses (run_id, category, kind, sink, "
	                   "target, purpose, transforms, function, file, line, "
	                   "col) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
		goto done;

	if ((err = exec(st, "BEGIN IMMEDIATE")))
		goto done;
	in_tx = 1;

	sqlite3_bind_int64(qrun, 1, started_at);
	sqlite3_bind_int64(qrun, 2, finished_at);
	bind_str(qrun, 3, r->tool_version);
	bind_str(qrun, 4, r->root);
	bind_str(qrun, 5, r->policy_file);
	bind_str(qrun, 6, r->policy_name);
	sqlite3_bind_int64(qrun, 7, (sqlite3_int64)r->ntus);
	sqlite3_bind_int64(qrun, 8, (sqlite3_int64)r->ntus_failed);
	sqlite3_bind_int64(qrun, 9, (sqlite3_int64)r->nfunctions);
	sqlite3_bind_int64(qrun, 10, (sqlite3_int64)r->nflows);
	sqlite3_bind_int64(qrun, 11, (sqlite3_int64)r->ntus_partial);
	bind_str(qrun, 12, r->git_commit);
	bind_str(qrun, 13, r->git_branch);
	if ((err = insert(st, qrun, "recording the run")))
		goto done;
	run = sqlite3_last_insert_rowid(st->db);

	for (i = 0; i < r->nfiles; i++) {
		const pf_file_fact *f = &r->files[i];

		sqlite3_bind_int64(qfile, 1, run);
		bind_str(qfile, 2, f->path ? f->path : "");
		bind_str(qfile, 3, f->sha256);
		sqlite3_bind_int(qfile, 4, f->parsed ? 1 : 0);
		bind_str(qfile, 5, f->error);
		sqlite3_bind_int(qfile, 6, f->partial ? 1 : 0);
		if ((err = insert(st, qfile, "recording a file")))
			goto done;
	}
	/* The engine may count functions without listing them (functions
	   NULL): the count is in runs.nfunctions either way. */
	for (i = 0; r->functions && i < r->nfunctions; i++) {
		const pf_function_fact *f = &r->functions[i];

		sqlite3_bind_int64(qfn, 1, run);
		bind_str(qfn, 2, f->name ? f->name : "");
		bind_str(qfn, 3, f->file);
		sqlite3_bind_int64(qfn, 4, f->line);
		bind_str(qfn, 5, f->purpose);
		if ((err = insert(st, qfn, "recording a function")))
			goto done;
	}
	for (i = 0; i < r->nfindings; i++) {
		const pf_finding *f = &r->findings[i];
		int64_t fid;

		assert(f->rule >= 0 && f->rule < PF_RULE_COUNT);
		assert(f->severity >= 0 && f->severity < PF_SEV_COUNT);
		sqlite3_bind_int64(qfind, 1, run);
		bind_str(qfind, 2, pf_rule_id(f->rule));
		bind_str(qfind, 3, pf_severity_id(f->severity));
		bind_str(qfind, 4, f->category);
		bind_str(qfind, 5, f->purpose);
		bind_str(qfind, 6, f->recipient);
		bind_str(qfind, 7, f->sink);
		bind_str(qfind, 8, f->function);
		bind_str(qfind, 9, f->file);
		sqlite3_bind_int64(qfind, 10, f->line);
		sqlite3_bind_int64(qfind, 11, f->col);
		bind_str(qfind, 12, f->message);
		bind_str(qfind, 13, f->policy_ref);
		bind_str(qfind, 14, f->fingerprint);
		bind_str(qfind, 15, f->categories);
		bind_str(qfind, 16, f->suppression);
		bind_str(qfind, 17, f->justification);
		if ((err = insert(st, qfind, "recording a finding")))
			goto done;
		fid = sqlite3_last_insert_rowid(st->db);
		for (j = 0; j < f->ntrace; j++) {
			const pf_step *s = &f->trace[j];

			sqlite3_bind_int64(qstep, 1, fid);
			sqlite3_bind_int64(qstep, 2, (sqlite3_int64)j);
			bind_str(qstep, 3, s->file);
			sqlite3_bind_int64(qstep, 4, s->line);
			sqlite3_bind_int64(qstep, 5, s->col);
			bind_str(qstep, 6, s->note);
			if ((err = insert(st, qstep, "recording a trace step")))
				goto done;
		}
	}
	for (i = 0; i < r->nuses; i++) {
		const pf_use *u = &r->uses[i];

		sqlite3_bind_int64(quse, 1, run);
		bind_str(quse, 2, u->category);
		bind_str(quse, 3, u->kind);
		bind_str(quse, 4, u->sink);
		bind_str(quse, 5, u->target);
		bind_str(quse, 6, u->purpose);
		bind_str(quse, 7, u->transforms);
		bind_str(quse, 8, u->function);
		bind_str(quse, 9, u->file);
		sqlite3_bind_int64(quse, 10, u->line);
		sqlite3_bind_int64(quse, 11, u->col);
		if ((err = insert(st, quse, "recording a use")))
			goto done;
	}
	if ((err = exec(st, "COMMIT")))
		goto done;
	in_tx = 0;
	*run_id = run;
done:
	if (in_tx)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(qrun);
	sqlite3_finalize(qfile);
	sqlite3_finalize(qfn);
	sqlite3_finalize(qfind);
	sqlite3_finalize(qstep);
	sqlite3_finalize(quse);
	return err;
}

/* Column i as a string in the arena, or NULL. */
static const char *col_str(pf_arena *a, sqlite3_stmt *q, int i)
{
	const unsigned char *s = sqlite3_column_text(q, i);

	if (!s)
		return NULL;
	return pf_arena_strndup(a, (const char *)s,
	                        (size_t)sqlite3_column_bytes(q, i));
}

static uint32_t col_u32(sqlite3_stmt *q, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(q, i);

	return v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static size_t col_size(sqlite3_stmt *q, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(q, i);

	return v < 0 ? 0 : (size_t)v;
}

/* Counts the rows of `table` for a run (table is one of our own names). */
static int count_rows(pf_store *st, size_t *out, const char *sql, int64_t run)
{
	sqlite3_stmt *q = NULL;
	int err;

	*out = 0;
	if ((err = prepare(st, &q, sql)))
		return err;
	sqlite3_bind_int64(q, 1, run);
	if (sqlite3_step(q) == SQLITE_ROW)
		*out = col_size(q, 0);
	else
		err = db_error(st, "counting rows");
	sqlite3_finalize(q);
	return err;
}

/* Steps `q` for the next row: 1 row, 0 done, <0 error (message set). */
static int next_row(pf_store *st, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(st, what);
}

int pf_store_load(pf_results **out, pf_store *st, int64_t run_id)
{
	pf_results *r = NULL;
	pf_arena *a;
	sqlite3_stmt *q = NULL, *qs = NULL;
	size_t i, n;
	int err = PF_OK, rc;

	assert(out && st);
	*out = NULL;
	if ((err = prepare(st, &q,
	                   "SELECT id, tool_version, root, policy_file, "
	                   "policy_name, ntus, ntus_failed, nfunctions, nflows, "
	                   "ntus_partial, git_commit, git_branch FROM runs WHERE id = ?1 OR (?1 = 0 AND id = "
	                   "(SELECT max(id) FROM runs))")))
		goto done;
	sqlite3_bind_int64(q, 1, run_id);
	if ((rc = next_row(st, q, "loading a run")) < 0) {
		err = rc;
		goto done;
	}
	if (rc == 0) {
		if (run_id)
			pf_error_set("%s: no run %lld in the store", st->path,
			             (long long)run_id);
		else
			pf_error_set("%s: no run recorded yet", st->path);
		err = PF_ERROR;
		goto done;
	}
	r = pf_calloc(1, sizeof(*r));
	a = r->arena = pf_arena_new();
	run_id = sqlite3_column_int64(q, 0);
	r->tool_version = col_str(a, q, 1);
	r->root = col_str(a, q, 2);
	r->policy_file = col_str(a, q, 3);
	r->policy_name = col_str(a, q, 4);
	r->ntus = col_size(q, 5);
	r->ntus_failed = col_size(q, 6);
	r->nfunctions = col_size(q, 7);
	r->nflows = col_size(q, 8);
	r->ntus_partial = col_size(q, 9);
	r->git_commit = col_str(a, q, 10);
	r->git_branch = col_str(a, q, 11);
	sqlite3_finalize(q);
	q = NULL;

	/* Files. */
	rc = 0;
	if ((err = count_rows(st, &n, "SELECT count(*) FROM files WHERE run_id = ?",
	                      run_id)))
		goto done;
	r->files = pf_arena_alloc(a, (n ? n : 1) * sizeof(*r->files));
	if ((err = prepare(st, &q,
	                   "SELECT path, sha256, parsed, error, partial FROM files "
	                   "WHERE run_id = ? ORDER BY rowid")))
		goto done;
	sqlite3_bind_int64(q, 1, run_id);
	for (i = 0; i < n && (rc = next_row(st, q, "loading files")) > 0; i++) {
		pf_file_fact *f = &r->files[i];

		f->path = col_str(a, q, 0);
		f->sha256 = col_str(a, q, 1);
		f->parsed = sqlite3_column_int(q, 2);
		f->error = col_str(a, q, 3);
		f->partial = sqlite3_column_int(q, 4);
	}
	if (rc < 0) {
		err = rc;
		goto done;
	}
	r->nfiles = i;
	sqlite3_finalize(q);
	q = NULL;

	/* Functions. */
	if ((err = count_rows(st, &n,
	                      "SELECT count(*) FROM functions WHERE run_id = ?",
	                      run_id)))
		goto done;
	if (!n)
		goto functions_done; /* counted, not listed: keep the count */
	r->functions = pf_arena_alloc(a, n * sizeof(*r->functions));
	if ((err = prepare(st, &q,
	                   "SELECT name, file, line, purpose FROM functions "
	                   "WHERE run_id = ? ORDER BY rowid")))
		goto done;
	sqlite3_bind_int64(q, 1, run_id);
	rc = 0;
	for (i = 0; i < n && (rc = next_row(st, q, "loading functions")) > 0;
	     i++) {
		pf_function_fact *f = &r->functions[i];

		f->name = col_str(a, q, 0);
		f->file = col_str(a, q, 1);
		f->line = col_u32(q, 2);
		f->purpose = col_str(a, q, 3);
	}
	if (rc < 0) {
		err = rc;
		goto done;
	}
	r->nfunctions = i;
	sqlite3_finalize(q);
	q = NULL;
functions_done:

	/* Findings and their traces. */
	if ((err = count_rows(st, &n,
	                      "SELECT count(*) FROM findings WHERE run_id = ?",
	                      run_id)))
		goto done;
	r->findings = pf_arena_alloc(a, (n ? n : 1) * sizeof(*r->findings));
	if ((err = prepare(st, &q,
	                   "SELECT id, rule, severity, category, purpose, "
	                   "recipient, sink, function, file, line, col, message, "
	                   "policy_ref, fingerprint, (SELECT count(*) FROM "
	                   "trace_steps t WHERE t.finding_id = findings.id), "
	                   "categories, suppression, justification FROM findings "
	                   "WHERE run_id = ? ORDER BY id")) ||
	    (err = prepare(st, &qs,
	                   "SELECT file, line, col, note FROM trace_steps "
	                   "WHERE finding_id = ? ORDER BY idx")))
		goto done;
	sqlite3_bind_int64(q, 1, run_id);
	rc = 0;
	for (i = 0; i < n && (rc = next_row(st, q, "loading findings")) > 0;
	     i++) {
		pf_finding *f = &r->findings[i];
		const char *rule = (const char *)sqlite3_column_text(q, 1);
		const char *sev = (const char *)sqlite3_column_text(q, 2);
		const char *fp = (const char *)sqlite3_column_text(q, 13);
		size_t j, nsteps = col_size(q, 14);

		f->rule = rule ? pf_rule_from_id(rule) : -1;
		f->severity = sev ? pf_severity_from_id(sev) : -1;
		if (f->rule < 0 || f->severity < 0) {
			pf_error_set("%s: run %lld: unknown rule \"%s\" or severity "
			             "\"%s\" (recorded by another privflow version?)",
			             st->path, (long long)run_id, rule ? rule : "",
			             sev ? sev : "");
			err = PF_ERROR;
			goto done;
		}
		f->category = col_str(a, q, 3);
		f->purpose = col_str(a, q, 4);
		f->recipient = col_str(a, q, 5);
		f->sink = col_str(a, q, 6);
		f->function = col_str(a, q, 7);
		f->file = col_str(a, q, 8);
		f->line = col_u32(q, 9);
		f->col = col_u32(q, 10);
		f->message = col_str(a, q, 11);
		f->policy_ref = col_str(a, q, 12);
		f->categories = col_str(a, q, 15);
		f->suppression = col_str(a, q, 16);
		f->justification = col_str(a, q, 17);
		if (f->suppression && strcmp(f->suppression, "inSource") &&
		    strcmp(f->suppression, "external")) {
			pf_error_set("%s: run %lld: unknown suppression kind \"%s\"", st->path,
			             (long long)run_id, f->suppression);
			err = PF_ERROR;
			goto done;
		}
		if (fp) {
			strncpy(f->fingerprint, fp, sizeof(f->fingerprint) - 1);
			f->fingerprint[sizeof(f->fingerprint) - 1] = '\0';
		}
		f->trace = pf_arena_alloc(a, (nsteps ? nsteps : 1) *
		                                 sizeof(*f->trace));
		sqlite3_bind_int64(qs, 1, sqlite3_column_int64(q, 0));
		for (j = 0; j < nsteps && (rc = next_row(st, qs, "loading a trace")) > 0;
		     j++) {
			pf_step *s = &f->trace[j];

			s->file = col_str(a, qs, 0);
			s->line = col_u32(qs, 1);
			s->col = col_u32(qs, 2);
			s->note = col_str(a, qs, 3);
		}
		sqlite3_reset(qs);
		if (rc < 0) {
			err = rc;
			goto done;
		}
		f->ntrace = j;
	}
	if (rc < 0) {
		err = rc;
		goto done;
	}
	r->nfindings = i;
	sqlite3_finalize(q);
	q = NULL;

	/* Uses. */
	if ((err = count_rows(st, &n, "SELECT count(*) FROM uses WHERE run_id = ?",
	                      run_id)))
		goto done;
	r->uses = pf_arena_alloc(a, (n ? n : 1) * sizeof(*r->uses));
	if ((err = prepare(st, &q,
	                   "SELECT category, kind, sink, target, purpose, "
	                   "transforms, function, file, line, col FROM uses "
	                   "WHERE run_id = ? ORDER BY rowid")))
		goto done;
	sqlite3_bind_int64(q, 1, run_id);
	rc = 0;
	for (i = 0; i < n && (rc = next_row(st, q, "loading uses")) > 0; i++) {
		pf_use *u = &r->uses[i];

		u->category = col_str(a, q, 0);
		u->kind = col_str(a, q, 1);
		u->sink = col_str(a, q, 2);
		u->target = col_str(a, q, 3);
		u->purpose = col_str(a, q, 4);
		u->transforms = col_str(a, q, 5);
		u->function = col_str(a, q, 6);
		u->file = col_str(a, q, 7);
		u->line = col_u32(q, 8);
		u->col = col_u32(q, 9);
	}
	if (rc < 0) {
		err = rc;
		goto done;
	}
	r->nuses = i;

	/* Recorded in canonical order already; sorting again costs little and
	   keeps the promise for stores written by other versions. The
	   recorded fingerprints are kept. */
	pf_results_sort(r);
	*out = r;
	r = NULL;
done:
	sqlite3_finalize(q);
	sqlite3_finalize(qs);
	pf_results_free(r);
	return err;
}

int pf_store_find_run(pf_store *st, int64_t *run_id, const char *git_commit)
{
	sqlite3_stmt *q = NULL;
	int err, rc;

	assert(st && run_id);
	*run_id = 0;
	if ((err = prepare(st, &q,
	                   git_commit ? "SELECT max(id) FROM runs WHERE git_commit = ?1"
	                              : "SELECT max(id) FROM runs")))
		return err;
	if (git_commit)
		sqlite3_bind_text(q, 1, git_commit, -1, SQLITE_TRANSIENT);
	if ((rc = next_row(st, q, "finding a run")) < 0)
		err = rc;
	else if (rc == 1 && sqlite3_column_type(q, 0) == SQLITE_INTEGER)
		*run_id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return err;
}

/* One integer a query without parameters returns (0 for NULL). */
static int query_int(pf_store *st, int64_t *out, const char *sql)
{
	sqlite3_stmt *q = NULL;
	int err, rc;

	*out = 0;
	if ((err = prepare(st, &q, sql)))
		return err;
	if ((rc = next_row(st, q, "reading the store's figures")) < 0)
		err = rc;
	else if (rc == 1)
		*out = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return err;
}

int pf_store_info_get(pf_store *st, pf_store_info *out)
{
	int64_t pages = 0, page_size = 0;
	int err;

	assert(st && out);
	memset(out, 0, sizeof(*out));
	out->schema_known = NMIGRATIONS;
	if ((err = read_version(st, &out->schema)) ||
	    (err = query_int(st, &pages, "PRAGMA page_count")) ||
	    (err = query_int(st, &page_size, "PRAGMA page_size")) ||
	    (err = query_int(st, &out->runs, "SELECT count(*) FROM runs")) ||
	    (err = query_int(st, &out->findings, "SELECT count(*) FROM findings")) ||
	    (err = query_int(st, &out->first_run, "SELECT min(id) FROM runs")) ||
	    (err = query_int(st, &out->last_run, "SELECT max(id) FROM runs")) ||
	    (err = query_int(st, &out->last_finished,
	                     "SELECT finished_at FROM runs ORDER BY id DESC LIMIT 1")) ||
	    (err = query_int(st, &out->cached_tus, "SELECT count(*) FROM tu_cache")) ||
	    (err = query_int(st, &out->cached_bytes,
	                     "SELECT total(length(ir)) FROM tu_cache")))
		return err;
	out->bytes = pages * page_size;
	return PF_OK;
}

int pf_store_prune(pf_store *st, int64_t keep, int64_t *deleted)
{
	sqlite3_stmt *q = NULL;
	sqlite3_int64 before;
	int err;

	assert(st && keep >= 1 && deleted);
	*deleted = 0;
	if ((err = prepare(st, &q,
	                   "DELETE FROM runs WHERE id NOT IN "
	                   "(SELECT id FROM runs ORDER BY id DESC LIMIT ?)")))
		return err;
	sqlite3_bind_int64(q, 1, keep);
	if (sqlite3_step(q) != SQLITE_DONE)
		err = db_error(st, "deleting old runs");
	else
		*deleted = sqlite3_changes64(st->db);
	sqlite3_finalize(q);
	before = sqlite3_total_changes64(st->db);
	if (!err && (err = exec(st, "DELETE FROM cache_used WHERE used_at < "
	                            "(SELECT min(started_at) FROM runs);"
	                            "DELETE FROM tu_cache WHERE key NOT IN "
	                            "(SELECT key FROM cache_used);"
	                            "DELETE FROM unit_cache WHERE key NOT IN "
	                            "(SELECT key FROM cache_used);"
	                            "DELETE FROM file_stat WHERE checked_at < "
	                            "(SELECT min(started_at) FROM runs)")) == PF_OK &&
	    (*deleted || sqlite3_total_changes64(st->db) != before))
		err = exec(st, "VACUUM");
	return err;
}

/* --- the parse cache ----------------------------------------------------------- */

static const char *const cache_sql[NQ] = {
	[Q_TU_BRIEF] = "SELECT content, facts, brief FROM tu_cache WHERE key = ?",
	[Q_TU_IR] = "SELECT ir FROM tu_cache WHERE key = ?",
	[Q_TU_PUT] = "INSERT OR REPLACE INTO tu_cache (key, file, content, facts, brief, ir) "
	             "VALUES (?, ?, ?, ?, ?, ?)",
	[Q_TU_FORGET] = "DELETE FROM tu_cache WHERE key = ?",
	[Q_USED] = "INSERT OR REPLACE INTO cache_used (key, used_at) VALUES (?, ?)",
	[Q_UNIT_GET] = "SELECT results FROM unit_cache WHERE key = ?",
	[Q_UNIT_PUT] = "INSERT OR REPLACE INTO unit_cache (key, results) VALUES (?, ?)",
	[Q_STAT_GET] = "SELECT dev, ino, size, mtime_ns, ctime_ns, sha256 FROM file_stat "
	               "WHERE path = ?",
	[Q_STAT_PUT] = "INSERT OR REPLACE INTO file_stat (path, dev, ino, size, mtime_ns, "
	               "ctime_ns, sha256, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
};

/* Statement k, prepared once, reset for a new use. */
static sqlite3_stmt *cache_q(pf_store *st, int k)
{
	if (!st->q[k] && prepare(st, &st->q[k], cache_sql[k]) < 0)
		return NULL;
	sqlite3_reset(st->q[k]);
	sqlite3_clear_bindings(st->q[k]);
	return st->q[k];
}

/* Writes go in batches: one transaction per batch, not per row. */
static int cache_tx(pf_store *st)
{
	if (st->in_tx)
		return PF_OK;
	if (exec(st, "BEGIN IMMEDIATE") < 0)
		return PF_ERROR;
	st->in_tx = 1;
	return PF_OK;
}

int pf_store_cache_commit(pf_store *st)
{
	if (!st->in_tx)
		return PF_OK;
	st->in_tx = 0;
	return exec(st, "COMMIT");
}

/* Columns 0 .. n-1 of key's row as malloc'ed copies (NUL-terminated):
   1, 0 (no row) or an error. */
static int row_blobs(pf_store *st, int k, const char *key, int n, char **out[], size_t *len[])
{
	sqlite3_stmt *q = cache_q(st, k);
	int rc;

	for (int c = 0; c < n; c++) {
		*out[c] = NULL;
		*len[c] = 0;
	}
	if (!q)
		return PF_ERROR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	if ((rc = next_row(st, q, "reading the cache")) == 1) {
		for (int c = 0; c < n; c++) {
			const void *v = sqlite3_column_blob(q, c);
			*len[c] = (size_t)sqlite3_column_bytes(q, c);
			*out[c] = pf_malloc(*len[c] + 1);
			if (*len[c])
				memcpy(*out[c], v, *len[c]);
			(*out[c])[*len[c]] = '\0';
		}
	}
	sqlite3_reset(q);
	return rc;
}

int pf_store_tu_brief(pf_store *st, const char *key, char content[65], char **facts,
                      size_t *nfacts, char **brief, size_t *nbrief)
{
	char *c = NULL;
	size_t nc = 0;
	int rc = row_blobs(st, Q_TU_BRIEF, key, 3, (char **[]){&c, facts, brief},
	                   (size_t *[]){&nc, nfacts, nbrief});

	/* a digest that is not one is no content id */
	snprintf(content, 65, "%s", c && nc == 64 ? c : "");
	pf_free(c);
	return rc;
}

int pf_store_tu_ir(pf_store *st, const char *key, char **ir, size_t *len)
{
	return row_blobs(st, Q_TU_IR, key, 1, (char **[]){ir}, (size_t *[]){len});
}

int pf_store_tu_put(pf_store *st, const char *key, const char *file, const char *content,
                    const pf_store_blob b[3], int64_t now)
{
	sqlite3_stmt *q;
	int err;

	if (cache_tx(st) < 0 || !(q = cache_q(st, Q_TU_PUT)))
		return PF_ERROR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, file, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, content, -1, SQLITE_STATIC);
	for (int i = 0; i < 3; i++)
		sqlite3_bind_blob64(q, 4 + i, b[i].data ? b[i].data : "", b[i].len, SQLITE_STATIC);
	if ((err = insert(st, q, "writing the parse cache")))
		return err;
	return pf_store_cache_used(st, key, now);
}

int pf_store_tu_forget(pf_store *st, const char *key)
{
	sqlite3_stmt *q;

	if (cache_tx(st) < 0 || !(q = cache_q(st, Q_TU_FORGET)))
		return PF_ERROR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	return insert(st, q, "writing the parse cache");
}

int pf_store_unit_get(pf_store *st, const char *key, char **out, size_t *len)
{
	return row_blobs(st, Q_UNIT_GET, key, 1, (char **[]){out}, (size_t *[]){len});
}

int pf_store_unit_put(pf_store *st, const char *key, const void *data, size_t len, int64_t now)
{
	sqlite3_stmt *q;
	int err;

	if (cache_tx(st) < 0 || !(q = cache_q(st, Q_UNIT_PUT)))
		return PF_ERROR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(q, 2, data, len, SQLITE_STATIC);
	if ((err = insert(st, q, "writing the cache of analysed units")))
		return err;
	return pf_store_cache_used(st, key, now);
}

int pf_store_cache_used(pf_store *st, const char *key, int64_t now)
{
	sqlite3_stmt *q;

	if (cache_tx(st) < 0 || !(q = cache_q(st, Q_USED)))
		return PF_ERROR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	return insert(st, q, "writing the cache");
}

int pf_store_stat_get(pf_store *st, const char *path, pf_file_stat *out)
{
	sqlite3_stmt *q = cache_q(st, Q_STAT_GET);
	const unsigned char *sha;
	int rc;

	if (!q)
		return PF_ERROR;
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	if ((rc = next_row(st, q, "reading the file digests")) == 1) {
		out->dev = sqlite3_column_int64(q, 0);
		out->ino = sqlite3_column_int64(q, 1);
		out->size = sqlite3_column_int64(q, 2);
		out->mtime_ns = sqlite3_column_int64(q, 3);
		out->ctime_ns = sqlite3_column_int64(q, 4);
		sha = sqlite3_column_text(q, 5);
		/* a digest that is not one cannot match a file's */
		snprintf(out->sha256, sizeof(out->sha256), "%s",
		         sha && strlen((const char *)sha) == 64 ? (const char *)sha : "-");
	}
	sqlite3_reset(q);
	return rc;
}

int pf_store_stat_put(pf_store *st, const char *path, const pf_file_stat *s, int64_t now)
{
	sqlite3_stmt *q;

	if (cache_tx(st) < 0 || !(q = cache_q(st, Q_STAT_PUT)))
		return PF_ERROR;
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, s->dev);
	sqlite3_bind_int64(q, 3, s->ino);
	sqlite3_bind_int64(q, 4, s->size);
	sqlite3_bind_int64(q, 5, s->mtime_ns);
	sqlite3_bind_int64(q, 6, s->ctime_ns);
	sqlite3_bind_text(q, 7, s->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 8, now);
	return insert(st, q, "writing the file digests");
}

static int is_hex64(const unsigned char *s)
{
	if (!s || strlen((const char *)s) != 64)
		return 0;
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int pf_store_import_cache(pf_store *st, const char *from, int64_t now, int64_t *rows)
{
	pf_store *src = NULL;
	sqlite3_stmt *q = NULL, *ins = NULL;
	int err, rc;

	*rows = 0;
	if ((err = pf_store_open_readonly(&src, from)) < 0)
		return err;
	if ((err = prepare(src, &q, "SELECT key, file, content, facts, brief, ir FROM tu_cache")) ||
	    (err = cache_tx(st)) || (err = prepare(st, &ins, cache_sql[Q_TU_PUT])))
		goto done;
	while ((rc = next_row(src, q, "reading its parse cache")) == 1) {
		const unsigned char *key = sqlite3_column_text(q, 0), *file, *content;

		file = sqlite3_column_text(q, 1);
		content = sqlite3_column_text(q, 2);
		/* what no privflow wrote is left behind; the rest is checked
		   when it is used, as any cache row is */
		if (!is_hex64(key) || !file || !is_hex64(content))
			continue;
		for (int c = 0; c < 6; c++)
			sqlite3_bind_value(ins, c + 1, sqlite3_column_value(q, c));
		if ((err = insert(st, ins, "writing the parse cache")) ||
		    (err = pf_store_cache_used(st, (const char *)key, now)))
			goto done;
		++*rows;
	}
	if (rc < 0)
		err = rc;
	else
		err = pf_store_cache_commit(st);
done:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	pf_store_close(src);
	return err;
}
