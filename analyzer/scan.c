/*
 * A whole scan: runs the frontend over every translation unit with N
 * worker threads (each holds at most one AST at a time), merges their IR
 * into one program in input order (so results never depend on thread
 * timing), runs the engine and fills the results.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "frontend.h"
#include "scan.h"

typedef struct scan_job {
	const pf_compdb *db;
	const pf_scan_opts *opts;
	pf_tu **tus;          /* slot i: TU i once parsed */
	size_t next;          /* next TU to hand out */
	size_t done;
	pthread_mutex_t lock;
	pthread_cond_t ready;
} scan_job;

static void *worker(void *arg)
{
	scan_job *job = arg;
	pf_frontend_opts fo = {job->opts->root, job->opts->include_dir, 0};
	pf_frontend *fe = pf_frontend_new(&fo);

	for (;;) {
		size_t i;
		pthread_mutex_lock(&job->lock);
		i = job->next < job->db->n ? job->next++ : SIZE_MAX;
		pthread_mutex_unlock(&job->lock);
		if (i == SIZE_MAX)
			break;
		pf_tu *tu = pf_frontend_parse(fe, &job->db->tus[i]);
		pthread_mutex_lock(&job->lock);
		job->tus[i] = tu;
		job->done++;
		pthread_cond_broadcast(&job->ready);
		pthread_mutex_unlock(&job->lock);
	}
	pf_frontend_free(fe);
	return NULL;
}

static const char *rel(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (n && strncmp(path, root, n) == 0 && (path[n] == '/' || root[n - 1] == '/'))
		return path + n + (path[n] == '/');
	return path;
}

static void progress(const pf_scan_opts *opts, size_t done, size_t total, const char *file)
{
	if (!opts->progress)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %s", done, total, rel(opts->root, file));
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* Files of the run: every file any TU read, once, plus failed TUs. */
typedef PF_VEC(pf_file_fact) ffvec;

static void collect_files(pf_results *res, const pf_program *prog, const ffvec *failed)
{
	ffvec v = {0};
	pf_map *seen = pf_map_new();

	for (size_t i = 0; i < failed->n; i++) {
		pf_vec_push(&v, failed->v[i]);
		pf_map_put(seen, pf_hash64_str(failed->v[i].path), 1);
	}
	for (size_t i = 0; i < prog->files.n; i++) {
		const pf_file *f = &prog->files.v[i];
		const char *path = pf_program_str(prog, f->path);
		if (f->system || path[0] == '/' || pf_map_get(seen, pf_hash64_str(path), NULL))
			continue;
		pf_map_put(seen, pf_hash64_str(path), 1);
		pf_file_fact ff = {pf_arena_strdup(res->arena, path),
		                   pf_arena_strdup(res->arena, f->sha256), 1, NULL};
		pf_vec_push(&v, ff);
	}
	res->nfiles = v.n;
	res->files = pf_arena_alloc(res->arena, (v.n ? v.n : 1) * sizeof(pf_file_fact));
	if (v.n)
		memcpy(res->files, v.v, v.n * sizeof(pf_file_fact));
	pf_vec_free(&v);
	pf_map_free(seen);
}

int pf_scan_run(pf_results **out, const pf_compdb *db, const pf_catalog *cat,
                const pf_policy *pol, const pf_scan_opts *opts)
{
	scan_job job = {0};
	pf_program *prog = pf_program_new();
	pf_results *res = pf_calloc(1, sizeof(*res));
	ffvec failed = {0};
	pthread_t *threads;
	int nthreads = opts->jobs > 0 ? opts->jobs : 1;
	pf_engine_opts eo = {opts->root, opts->verbose};
	int rc;
	/* libclang changes the process's working directory to a TU's
	   -working-directory; put it back for the caller's relative paths */
	char *cwd = getcwd(NULL, 0);

	res->arena = pf_arena_new();
	res->root = pf_arena_strdup(res->arena, opts->root);
	res->tool_version = PF_VERSION;
	job.db = db;
	job.opts = opts;
	job.tus = pf_calloc(db->n ? db->n : 1, sizeof(pf_tu *));
	pthread_mutex_init(&job.lock, NULL);
	pthread_cond_init(&job.ready, NULL);
	if ((size_t)nthreads > db->n)
		nthreads = db->n ? (int)db->n : 1;
	threads = pf_calloc((size_t)nthreads, sizeof(pthread_t));
	for (int i = 0; i < nthreads; i++)
		pthread_create(&threads[i], NULL, worker, &job);

	/* merge in input order as TUs complete; free each TU once merged */
	for (size_t i = 0; i < db->n; i++) {
		pf_tu *tu;
		pthread_mutex_lock(&job.lock);
		while (!job.tus[i])
			pthread_cond_wait(&job.ready, &job.lock);
		tu = job.tus[i];
		job.tus[i] = NULL;
		size_t done = job.done;
		pthread_mutex_unlock(&job.lock);
		progress(opts, done, db->n, db->tus[i].file);
		if (tu->failed) {
			pf_file_fact ff = {0};
			ff.path = pf_arena_strdup(res->arena, rel(opts->root, db->tus[i].file));
			ff.sha256 = "";
			ff.parsed = 0;
			if (tu->ndiags) {
				const pf_diag *d = &tu->diags[0];
				const char *f = pf_strtab_str(tu->strs, d->loc.file);
				char *msg = pf_asprintf("%s:%u:%u: %s", f[0] ? f : ff.path, d->loc.line,
				                        d->loc.col, d->message);
				ff.error = pf_arena_strdup(res->arena, msg);
				pf_free(msg);
			} else {
				ff.error = "the translation unit could not be parsed";
			}
			pf_vec_push(&failed, ff);
			res->ntus_failed++;
		}
		pf_program_merge(prog, tu);
		pf_tu_free(tu);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	if (cwd && chdir(cwd) != 0)
		pf_error_set("cannot return to %s", cwd);
	free(cwd);
	res->ntus = db->n;

	rc = pf_engine_run(res, prog, cat, pol, &eo);
	collect_files(res, prog, &failed);
	if (pol) {
		res->policy_file = pol->file ? pf_arena_strdup(res->arena, pol->file) : NULL;
		res->policy_name = pol->name ? pf_arena_strdup(res->arena, pol->name) : NULL;
	}
	pf_results_finish(res);

	pf_vec_free(&failed);
	pf_free(threads);
	pf_free(job.tus);
	pthread_mutex_destroy(&job.lock);
	pthread_cond_destroy(&job.ready);
	pf_program_free(prog);
	if (rc < 0) {
		pf_results_free(res);
		return rc;
	}
	*out = res;
	return PF_OK;
}
