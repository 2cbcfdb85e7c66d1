/*
 * A whole scan: the frontend runs over every translation unit in N worker
 * processes, each holding at most one AST at a time; their IR comes back
 * as bytes (irio.c), is taken in input order (so results never depend on
 * timing) and spooled to an unlinked temporary file, so that the scan's
 * memory does not grow with the code base. Then the TUs are grouped into
 * link units (units.h); each unit is read back, merged into one program
 * and analysed, and the units' results are joined, one of each finding.
 *
 * Workers are processes, not threads, so that a TU which crashes clang
 * (stack overflow on deep nesting, a compiler bug), exhausts a worker's
 * memory bound or overruns its time bound costs that TU alone: it is
 * reported as failed and a new worker takes the next one. Each worker
 * also has its own working directory, which libclang changes.
 */
#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "frontend.h"
#include "results_p.h"
#include "scan.h"
#include "tucache.h"
#include "units.h"

#if defined(__SANITIZE_ADDRESS__)
#define PF_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PF_UNDER_ASAN 1
#endif
#endif

static const char *rel(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (n && strncmp(path, root, n) == 0 && (path[n] == '/' || root[n - 1] == '/'))
		return path + n + (path[n] == '/');
	return path;
}

static int under_root(const char *root, const char *path)
{
	size_t n = strlen(root);

	return n <= 1 || (strncmp(path, root, n) == 0 && path[n] == '/');
}

int pf_scan_path_selected(const pf_scan_opts *opts, const char *path)
{
	size_t i;

	for (i = 0; i < opts->ninclude && !pf_glob_match_path(opts->include[i], path); i++)
		;
	if (opts->ninclude && i == opts->ninclude)
		return 0;
	for (i = 0; i < opts->nexclude; i++)
		if (pf_glob_match_path(opts->exclude[i], path))
			return 0;
	return 1;
}

/* Drops the findings in files the globs do not select. */
static void drop_unselected(pf_results *r, const pf_scan_opts *opts)
{
	size_t k = 0;

	if (!opts->ninclude && !opts->nexclude)
		return;
	for (size_t i = 0; i < r->nfindings; i++)
		if (pf_scan_path_selected(opts, r->findings[i].file))
			r->findings[k++] = r->findings[i];
	r->nfindings = k;
}

static void progress(const pf_scan_opts *opts, size_t done, size_t total, const char *file)
{
	char *safe;

	if (!opts->progress)
		return;
	safe = pf_text_escape(rel(opts->root, file));
	fprintf(stderr, "\r\033[K[%zu/%zu] %s", done, total, safe);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
	pf_free(safe);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- the worker side ---------------------------------------------------------- */

static int read_full(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t got = read(fd, p, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t put = send(fd, p, n, MSG_NOSIGNAL);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		p += put;
		n -= (size_t)put;
	}
	return 0;
}

/*
 * A worker's life: read a TU index, parse and lower it, send back
 * [index u32][length u64][IR bytes]; exit on end of input. Never returns.
 */
static void worker_main(int fd, const pf_compdb *db, const pf_scan_opts *opts)
{
	pf_frontend_opts fo = {opts->root, opts->include_dir};
	pf_frontend *fe;
	uint32_t idx;

#ifndef PF_UNDER_ASAN
	if (opts->tu_memory_mib > 0) {
		struct rlimit rl;
		rl.rlim_cur = rl.rlim_max = (rlim_t)opts->tu_memory_mib << 20;
		setrlimit(RLIMIT_DATA, &rl);
	}
#endif
	signal(SIGINT, SIG_DFL); /* the parent cleans up; a worker just dies */
	fe = pf_frontend_new(&fo);
	while (read_full(fd, &idx, sizeof(idx)) == 0 && idx < db->n) {
		pf_tu *tu = pf_frontend_parse(fe, &db->tus[idx]);
		char *bytes = NULL;
		size_t len = 0;
		uint64_t len64;

		pf_tu_write(tu, &bytes, &len);
		pf_tu_free(tu);
		len64 = len;
		if (write_full(fd, &idx, sizeof(idx)) < 0 ||
		    write_full(fd, &len64, sizeof(len64)) < 0 || write_full(fd, bytes, len) < 0)
			_exit(1);
		pf_free(bytes);
	}
	pf_frontend_free(fe);
	_exit(0); /* no atexit handlers, no flush of the parent's buffers */
}

/* --- the parent side ---------------------------------------------------------- */

typedef struct worker {
	pid_t pid;      /* 0: not running */
	int fd;         /* our end of its socket */
	size_t tu;      /* TU it parses, SIZE_MAX when idle */
	double started;
} worker;

typedef struct pool {
	const pf_compdb *db;
	const pf_scan_opts *opts;
	worker *w;
	int nw;
} pool;

static int spawn(pool *p, int k)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		pf_error_set("cannot start a parse worker: %s", strerror(errno));
		return PF_ERROR;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		pf_error_set("cannot start a parse worker: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return PF_ERROR;
	}
	if (pid == 0) {
		/* a worker holds its own socket only: another worker's socket
		   left open here would hide that worker's end of input */
		for (int i = 0; i < p->nw; i++)
			if (p->w[i].pid)
				close(p->w[i].fd);
		close(sv[0]);
		worker_main(sv[1], p->db, p->opts);
	}
	close(sv[1]);
	p->w[k] = (worker){pid, sv[0], SIZE_MAX, 0};
	return PF_OK;
}

/* Stops worker k (killing it if `kill_it`) and returns how it ended, as
   words for a diagnostic, in buf. */
static const char *reap(pool *p, int k, int kill_it, char *buf, size_t size)
{
	int status = 0;

	if (kill_it)
		kill(p->w[k].pid, SIGKILL);
	close(p->w[k].fd);
	while (waitpid(p->w[k].pid, &status, 0) < 0 && errno == EINTR)
		;
	p->w[k].pid = 0;
	if (WIFSIGNALED(status))
		snprintf(buf, size, "the parser crashed on this file (signal %d, %s)",
		         WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		snprintf(buf, size, "the parser stopped on this file (exit status %d; "
		         "out of memory?)", WEXITSTATUS(status));
	else
		snprintf(buf, size, "the parser stopped on this file");
	return buf;
}

/* A TU that yielded no IR: failed, with `why`. */
static pf_tu *failed_tu(const pf_scan_opts *opts, const pf_tu_cmd *cmd, const char *why)
{
	pf_tu_builder *b = pf_tub_new(rel(opts->root, cmd->file));
	pf_loc l = {pf_tub_sym(b, rel(opts->root, cmd->file)), 0, 0};

	pf_tub_diag(b, l, why);
	pf_tub_set_failed(b);
	return pf_tub_finish(b);
}

/* A TU's IR, read, with the bytes it was read from (NULL for a TU that
   failed in its worker: there are none). */
typedef struct slot {
	pf_tu *tu;
	char *bytes;
	size_t len;
	int cached;            /* from the parse cache: tu is its brief */
	pf_unit_facts *facts;  /* of a cached TU */
} slot;

/* Fills slot from IR bytes (taking them); 0, or -1 when they are not IR. */
static int fill(slot *sl, char *bytes, size_t len, int cached)
{
	if (pf_tu_read(&sl->tu, bytes, len) < 0) {
		pf_free(bytes);
		return -1;
	}
	*sl = (slot){sl->tu, bytes, len, cached, NULL};
	return 0;
}

/* Receives worker k's result into slots[]; on a broken worker, its TU
   fails and the worker is gone (the caller starts another). */
static void receive(pool *p, int k, slot *slots)
{
	worker *w = &p->w[k];
	size_t tu = w->tu;
	uint32_t idx;
	uint64_t len;
	char *bytes = NULL, why[160];

	if (read_full(w->fd, &idx, sizeof(idx)) == 0 && idx == tu &&
	    read_full(w->fd, &len, sizeof(len)) == 0 && len <= ((uint64_t)1 << 40)) {
		bytes = pf_malloc((size_t)len ? (size_t)len : 1);
		if (read_full(w->fd, bytes, (size_t)len) < 0) {
			pf_free(bytes);
		} else if (fill(&slots[tu], bytes, (size_t)len, 0) == 0) {
			if (getenv("PF_TRACE"))
				fprintf(stderr, "trace: IR of %s: %llu bytes, %u decls, %u functions\n",
				        p->db->tus[tu].file, (unsigned long long)len, slots[tu].tu->ndecls,
				        slots[tu].tu->nfuncs);
			w->tu = SIZE_MAX;
			return;
		}
	}
	slots[tu].tu = failed_tu(p->opts, &p->db->tus[tu], reap(p, k, 1, why, sizeof(why)));
}

/* Where parse_all() takes cached TUs from and hands finished ones to. */
typedef struct parse_sink {
	/* 1 when TU i comes from the cache, not from a worker */
	const char *cached;
	/* fills sl with cached TU i's brief, or -1 (it is parsed after all) */
	int (*load)(void *arg, size_t i, slot *sl);
	/* a finished TU, in input order; the slot is the callee's */
	void (*merge)(void *arg, size_t i, slot *sl);
	void *arg;
} parse_sink;

/*
 * Parses every TU of `todo` (indexes into db, in order) with the pool,
 * or takes it from the cache, handing each finished TU to merge() in
 * input order. Cached TUs are loaded only when their turn comes, so
 * that at most the TUs in flight are in memory. Returns PF_ERROR only
 * if no worker can be started at all.
 */
static int parse_all(pool *p, const size_t *todo, size_t ntodo, const parse_sink *sink)
{
	slot *slots = pf_calloc(p->db->n ? p->db->n : 1, sizeof(slot));
	char *cached = pf_calloc(p->db->n ? p->db->n : 1, 1);
	struct pollfd *pfd = pf_calloc((size_t)p->nw, sizeof(*pfd));
	PF_VEC(size_t) retry = {0}; /* cached TUs that must be parsed after all */
	size_t next = 0, merged = 0;
	double timeout = p->opts->tu_timeout > 0 ? p->opts->tu_timeout : 0;
	int rc = PF_OK;

	if (sink->cached)
		memcpy(cached, sink->cached, p->db->n);
	while (merged < ntodo) {
		int npoll = 0, busy = 0, wait_ms = -1;

		/* hand out work, starting workers as needed */
		while (next < ntodo && cached[todo[next]])
			next++;
		for (int k = 0; k < p->nw && (retry.n || next < ntodo); k++) {
			size_t tu = retry.n ? retry.v[0] : todo[next];
			uint32_t idx = (uint32_t)tu;
			if (p->w[k].pid && p->w[k].tu != SIZE_MAX)
				continue;
			if (!p->w[k].pid && spawn(p, k) < 0)
				continue;
			if (write_full(p->w[k].fd, &idx, sizeof(idx)) < 0) {
				char why[160];
				reap(p, k, 1, why, sizeof(why));
				continue;
			}
			if (retry.n)
				memmove(retry.v, retry.v + 1, --retry.n * sizeof(size_t));
			else
				for (next++; next < ntodo && cached[todo[next]]; next++)
					;
			p->w[k].tu = tu;
			p->w[k].started = now();
		}
		for (int k = 0; k < p->nw; k++) {
			if (!p->w[k].pid || p->w[k].tu == SIZE_MAX)
				continue;
			busy++;
			pfd[npoll].fd = p->w[k].fd;
			pfd[npoll].events = POLLIN;
			pfd[npoll].revents = 0;
			npoll++;
			if (timeout > 0) {
				double left = p->w[k].started + timeout - now();
				int ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
				if (wait_ms < 0 || ms < wait_ms)
					wait_ms = ms;
			}
		}
		if (!busy && (next < ntodo || retry.n)) {
			rc = PF_ERROR; /* no worker could be started (message set) */
			break;
		}
		if (busy && poll(pfd, (nfds_t)npoll, wait_ms) < 0 && errno != EINTR) {
			pf_error_set("waiting for the parse workers: %s", strerror(errno));
			rc = PF_ERROR;
			break;
		}
		for (int k = 0, j = 0; k < p->nw; k++) {
			if (!p->w[k].pid || p->w[k].tu == SIZE_MAX)
				continue;
			if (pfd[j++].revents) {
				receive(p, k, slots);
			} else if (timeout > 0 && now() - p->w[k].started >= timeout) {
				char why[160], msg[200];
				size_t tu = p->w[k].tu;
				reap(p, k, 1, why, sizeof(why));
				snprintf(msg, sizeof(msg), "parsing took longer than %g s "
				         "(--tu-timeout); skipped", timeout);
				slots[tu].tu = failed_tu(p->opts, &p->db->tus[tu], msg);
			}
		}
		while (merged < ntodo) {
			size_t i = todo[merged];
			if (cached[i] && !slots[i].tu && sink->load(sink->arg, i, &slots[i]) < 0) {
				cached[i] = 0;
				pf_vec_push(&retry, i);
				break;
			}
			if (!slots[i].tu)
				break;
			merged++;
			progress(p->opts, merged, ntodo, p->db->tus[i].file);
			sink->merge(sink->arg, i, &slots[i]);
			slots[i] = (slot){0};
		}
	}
	for (size_t i = 0; i < p->db->n; i++) {
		pf_tu_free(slots[i].tu);
		pf_free(slots[i].bytes);
		pf_unit_facts_free(slots[i].facts);
	}
	pf_free(slots);
	pf_free(cached);
	pf_free(pfd);
	pf_vec_free(&retry);
	return rc;
}

/* --- the scan ----------------------------------------------------------------- */

/* Files of the run: every file any TU read, once, plus failed TUs. */
typedef PF_VEC(pf_file_fact) ffvec;

typedef struct spooled {
	off_t off;
	size_t len;
	int cached;   /* not spooled: the IR is in the parse cache */
} spooled;

typedef struct scan_state {
	pf_unit_facts **facts; /* by compdb index; NULL if not taken */
	spooled *ir;           /* where each TU's IR is in the spool */
	FILE *spool;
	int spool_error;       /* errno of a failed spool write */
	ffvec files;           /* the files the TUs read, each once */
	pf_map *files_seen;
	pf_results *res;
	const pf_compdb *db;
	const pf_scan_opts *opts;
	ffvec failed;          /* failed and partial TUs' main files */
	PF_VEC(struct note { char *text; size_t n; }) notes;
	pf_tu_cache *cache;    /* NULL: none */
	int cache_error;       /* saving a TU in the cache failed (message set) */
} scan_state;

/* The driver's notes, once each, with how many TUs had them. */
static void add_notes(scan_state *s, const pf_tu *tu)
{
	for (uint32_t k = 0; k < tu->nnotes; k++) {
		size_t i = 0;
		while (i < s->notes.n && strcmp(s->notes.v[i].text, tu->notes[k]))
			i++;
		if (i == s->notes.n) {
			struct note n = {pf_strdup(tu->notes[k]), 0};
			pf_vec_push(&s->notes, n);
		}
		s->notes.v[i].n++;
	}
}

static void add_files(scan_state *s, const pf_tu *tu);
static void spool_tu(scan_state *s, size_t i, const pf_tu *tu, const char *bytes, size_t len);

/* A parsed TU, in input order: its failure or errors recorded, its files,
   its link facts, its IR spooled, and kept in the cache if it was parsed. */
static void merge_one(void *arg, size_t i, slot *sl)
{
	scan_state *s = arg;
	pf_tu *tu = sl->tu;

	add_notes(s, tu);
	if (tu->failed || tu->partial) {
		pf_file_fact ff = {0};
		ff.path = pf_arena_strdup(s->res->arena, rel(s->opts->root, s->db->tus[i].file));
		ff.sha256 = "";
		ff.parsed = !tu->failed;
		ff.partial = tu->partial && !tu->failed;
		for (uint32_t k = 0; k < tu->nfiles; k++)
			if (tu->files[k].path == tu->main_file)
				ff.sha256 = pf_arena_strdup(s->res->arena, tu->files[k].sha256);
		if (tu->ndiags) {
			const pf_diag *d = &tu->diags[0];
			const char *f = pf_strtab_str(tu->strs, d->loc.file);
			const char *sev = tu->failed ? "error" : "warning";
			char *msg = d->loc.line
			                    ? pf_asprintf("%s:%u:%u: %s: %s", f[0] ? f : ff.path,
			                                  d->loc.line, d->loc.col, sev, d->message)
			                    : pf_asprintf("%s: %s: %s", f[0] ? f : ff.path, sev, d->message);
			ff.error = pf_arena_strdup(s->res->arena, msg);
			pf_free(msg);
		} else {
			char *msg = pf_asprintf("%s: error: the translation unit could not "
			                        "be parsed", ff.path);
			ff.error = pf_arena_strdup(s->res->arena, msg);
			pf_free(msg);
		}
		pf_vec_push(&s->failed, ff);
		if (tu->failed)
			s->res->ntus_failed++;
		else
			s->res->ntus_partial++;
	}
	add_files(s, tu);
	if (sl->cached) {
		s->facts[i] = sl->facts;
		s->ir[i].cached = 1;
		s->res->ntus_cached++;
	} else {
		s->facts[i] = pf_unit_facts_of(tu);
		spool_tu(s, i, tu, sl->bytes, sl->len);
		if (s->cache && sl->bytes && !s->cache_error &&
		    pf_tu_cache_save(s->cache, i, tu, sl->bytes, sl->len) < 0)
			s->cache_error = 1;
	}
	pf_tu_free(tu);
	pf_free(sl->bytes);
}

static int load_cached(void *arg, size_t i, slot *sl)
{
	scan_state *s = arg;

	if (pf_tu_cache_brief(s->cache, i, &sl->tu, &sl->facts) < 0)
		return -1;
	sl->cached = 1;
	return 0;
}

/* The project files a TU read, the first TU's record of each. */
static void add_files(scan_state *s, const pf_tu *tu)
{
	for (uint32_t i = 0; i < tu->nfiles; i++) {
		const pf_file *f = &tu->files[i];
		const char *path = pf_strtab_str(tu->strs, f->path);
		uint64_t h = pf_hash64_str(path);
		if (f->system || path[0] == '/' || pf_map_get(s->files_seen, h, NULL))
			continue;
		pf_map_put(s->files_seen, h, 1);
		pf_file_fact ff = {pf_arena_strdup(s->res->arena, path),
		                   pf_arena_strdup(s->res->arena, f->sha256), 1, 0, NULL};
		pf_vec_push(&s->files, ff);
	}
}

/* Appends a TU's IR to the spool: the bytes it was read from, or else
   written anew. */
static void spool_tu(scan_state *s, size_t i, const pf_tu *tu, const char *bytes, size_t len)
{
	char *mine = NULL;

	if (s->spool_error || (!bytes && pf_tu_write(tu, &mine, &len) < 0))
		return;
	s->ir[i].off = ftello(s->spool);
	s->ir[i].len = len;
	if (fwrite(bytes ? bytes : mine, 1, len, s->spool) != len)
		s->spool_error = errno ? errno : EIO;
	pf_free(mine);
}

/* A spooled or cached TU, read back (NULL on a read error, with the
   error set). */
static pf_tu *unspool_tu(scan_state *s, size_t i)
{
	char *bytes;
	pf_tu *tu = NULL;
	size_t len = s->ir[i].len;

	if (s->ir[i].cached) {
		if (!(bytes = pf_tu_cache_load(s->cache, i, &len)))
			return NULL;
		if (pf_tu_read(&tu, bytes, len) < 0) {
			char *why = pf_strdup(pf_error_last());
			pf_tu_cache_forget(s->cache, i);
			pf_error_set("the parse cache's IR of %s was damaged (%s); it is dropped: "
			             "scan again", s->db->tus[i].file, why);
			pf_free(why);
		}
		pf_free(bytes);
		return tu;
	}
	bytes = pf_malloc(len ? len : 1);
	ssize_t got = pread(fileno(s->spool), bytes, len, s->ir[i].off);
	if (got < 0 || (size_t)got != len)
		pf_error_set("reading back the IR of %s from the temporary spool: %s",
		             s->db->tus[i].file, got < 0 ? strerror(errno) : "short read");
	else if (pf_tu_read(&tu, bytes, len) < 0)
		tu = NULL;
	pf_free(bytes);
	return tu;
}

/* The failed TUs first, then the files the TUs read. */
static void collect_files(pf_results *res, const ffvec *files, const ffvec *failed)
{
	ffvec v = {0};
	pf_map *seen = pf_map_new();

	for (size_t i = 0; i < failed->n; i++) {
		pf_vec_push(&v, failed->v[i]);
		pf_map_put(seen, pf_hash64_str(failed->v[i].path), 1);
	}
	for (size_t i = 0; i < files->n; i++)
		if (!pf_map_get(seen, pf_hash64_str(files->v[i].path), NULL))
			pf_vec_push(&v, files->v[i]);
	res->nfiles = v.n;
	res->files = pf_arena_alloc(res->arena, (v.n ? v.n : 1) * sizeof(pf_file_fact));
	if (v.n)
		memcpy(res->files, v.v, v.n * sizeof(pf_file_fact));
	pf_vec_free(&v);
	pf_map_free(seen);
}

/*
 * Link units are independent programs: each is merged and analysed on
 * its own (one engine, one thread), the -j threads taking the next unit
 * as they finish one. Their results are joined in the units' order, so
 * the report does not depend on which thread ran what.
 */
typedef struct unit_run {
	scan_state *s;
	const pf_units *units;
	const char *const *paths;
	const pf_catalog *cat;
	const pf_policy *pol;
	const pf_engine_opts *eo;
	const char *rules;        /* digest of the catalogue and the policy */
	size_t next;              /* the next unit to take (atomic) */
	pf_results **res;         /* per unit */
	char **err;               /* per unit: what failed, or NULL */
} unit_run;

static int run_unit(unit_run *ur, size_t k, pf_results *r)
{
	const pf_unit *u = &ur->units->v[k];
	scan_state *s = ur->s;
	pf_program *prog = pf_program_new();
	char key[65];
	size_t len = 0;
	int rc = PF_OK;

	if (s->opts->verbose || getenv("PF_TRACE")) {
		char more[48] = "";
		if (u->nprograms > 1)
			snprintf(more, sizeof more, " and %zu other programs", u->nprograms - 1);
		fprintf(stderr, "privflow: link unit %zu/%zu: %s%s, %zu translation unit%s\n", k + 1,
		        ur->units->n, u->seed == SIZE_MAX ? "no main" : ur->paths[u->seed], more, u->ntus,
		        u->ntus == 1 ? "" : "s");
	}
	/* the same inputs as an earlier scan's: its results */
	if (s->cache && pf_tu_cache_unit_key(s->cache, u->tus, u->tags, u->ntus, u->shared,
	                                     u->nshared, ur->rules, key) == 0) {
		char *bytes = pf_tu_cache_unit_get(s->cache, key, &len);
		int got = bytes && pf_results_engine_read(r, bytes, len) == 0;
		pf_free(bytes);
		if (got) {
			if (s->opts->verbose || getenv("PF_TRACE"))
				fprintf(stderr, "privflow: link unit %zu/%zu: analysis taken from the cache\n",
				        k + 1, ur->units->n);
			__atomic_add_fetch(&s->res->nunits_cached, 1, __ATOMIC_RELAXED);
			pf_program_free(prog);
			return PF_OK;
		}
	} else {
		key[0] = '\0';
	}
	for (size_t i = 0; i < u->ntus && rc == PF_OK; i++) {
		pf_tu *tu = unspool_tu(s, u->tus[i]);
		if (!tu) {
			rc = PF_ERROR;
			break;
		}
		pf_program_merge_tagged(prog, tu, u->tags ? u->tags[i] : 0, u->shared, u->nshared);
		pf_tu_free(tu);
	}
	pf_trace_phase("a link unit's IR loaded");
	if (rc == PF_OK)
		rc = pf_engine_run(r, prog, ur->cat, ur->pol, ur->eo);
	pf_program_free(prog);
	if (rc == PF_OK && key[0]) {
		char *bytes = NULL;
		pf_results_engine_write(r, &bytes, &len);
		rc = pf_tu_cache_unit_put(s->cache, key, bytes, len);
		pf_free(bytes);
	}
	return rc;
}

static void *unit_worker(void *arg)
{
	unit_run *ur = arg;
	size_t k;

	while ((k = __atomic_fetch_add(&ur->next, 1, __ATOMIC_RELAXED)) < ur->units->n) {
		pf_results *r = pf_calloc(1, sizeof(*r));
		r->arena = pf_arena_new();
		ur->res[k] = r;
		if (run_unit(ur, k, r) != PF_OK) {
			ur->err[k] = pf_strdup(pf_error_last());
			__atomic_store_n(&ur->next, ur->units->n, __ATOMIC_RELAXED); /* stop */
		}
	}
	return NULL;
}

static int analyse_units(scan_state *s, const pf_catalog *cat, const pf_policy *pol,
                         const pf_engine_opts *eo)
{
	size_t n = s->db->n;
	const char **paths = pf_calloc(n ? n : 1, sizeof(char *));
	pf_units units;
	char both[160], rules[65];
	int rc = PF_OK;

	for (size_t i = 0; i < n; i++)
		paths[i] = rel(s->opts->root, s->db->tus[i].file);
	if (s->spool_error) {
		pf_error_set("writing the IR to a temporary file: %s", strerror(s->spool_error));
		pf_free(paths);
		return PF_ERROR;
	}
	fflush(s->spool);
	snprintf(both, sizeof(both), "%s %s", pf_catalog_digest(cat), pol ? pol->digest : "");
	pf_sha256_hex(both, strlen(both), rules);
	pf_units_derive(&units, s->facts, paths, n);
	if (units.n == 1) {
		rc = run_unit(&(unit_run){s, &units, paths, cat, pol, eo, rules, 0, NULL, NULL}, 0, s->res);
	} else if (units.n > 1) {
		unit_run ur = {s, &units, paths, cat, pol, eo, rules, 0, NULL, NULL};
		size_t nt = s->opts->jobs > 1 ? (size_t)s->opts->jobs : 1;
		pthread_t *th;

		if (nt > units.n)
			nt = units.n;
		ur.res = pf_calloc(units.n, sizeof(*ur.res));
		ur.err = pf_calloc(units.n, sizeof(*ur.err));
		th = pf_calloc(nt, sizeof(*th));
		for (size_t t = 1; t < nt; t++)
			if (pthread_create(&th[t], NULL, unit_worker, &ur) != 0)
				th[t] = 0;
		unit_worker(&ur);
		for (size_t t = 1; t < nt; t++)
			if (th[t])
				pthread_join(th[t], NULL);
		for (size_t k = 0; k < units.n; k++) {
			if (ur.err[k] && rc == PF_OK) {
				pf_error_set("%s", ur.err[k]);
				rc = PF_ERROR;
			}
			if (ur.res[k] && rc == PF_OK)
				pf_results_absorb(s->res, ur.res[k]);
			if (ur.res[k])
				pf_results_free(ur.res[k]);
			pf_free(ur.err[k]);
		}
		pf_results_dedupe(s->res);
		pf_free(ur.res);
		pf_free(ur.err);
		pf_free(th);
	}
	s->res->nunits = units.n;
	pf_units_free(&units);
	pf_free(paths);
	return rc;
}

/* Which TUs of todo the cache gives (cached[i] = 1); *nparse: the others. */
static int check_cache(scan_state *s, const size_t *todo, size_t ntodo, char *cached,
                       size_t *nparse)
{
	char *id;
	int rc;

	*nparse = ntodo;
	if (!s->opts->cache)
		return PF_OK;
	id = pf_frontend_identity();
	s->cache = pf_tu_cache_new(s->opts->cache, s->db, s->opts->root, s->opts->include_dir, id);
	pf_free(id);
	for (size_t k = 0; k < ntodo; k++) {
		if ((rc = pf_tu_cache_check(s->cache, todo[k])) < 0)
			return rc;
		cached[todo[k]] = (char)rc;
		*nparse -= (size_t)rc;
	}
	return PF_OK;
}

int pf_scan_run(pf_results **out, const pf_compdb *db, const pf_catalog *cat,
                const pf_policy *pol, const pf_scan_opts *opts)
{
	scan_state s = {0};
	pool p = {db, opts, NULL, 0};
	size_t *todo = pf_calloc(db->n ? db->n : 1, sizeof(size_t)), ntodo = 0;
	pf_engine_opts eo = {opts->root, opts->verbose};
	char *cached;
	size_t nparse = 0;
	int rc;

	*out = NULL;
	s.facts = pf_calloc(db->n ? db->n : 1, sizeof(*s.facts));
	s.ir = pf_calloc(db->n ? db->n : 1, sizeof(*s.ir));
	s.files_seen = pf_map_new();
	if (!(s.spool = tmpfile())) {
		pf_error_set("creating a temporary file for the IR: %s", strerror(errno));
		pf_free(s.facts);
		pf_free(s.ir);
		pf_map_free(s.files_seen);
		pf_free(todo);
		return PF_ERROR;
	}
	s.res = pf_calloc(1, sizeof(*s.res));
	s.res->arena = pf_arena_new();
	s.res->root = pf_arena_strdup(s.res->arena, opts->root);
	s.res->tool_version = PF_VERSION;
	s.db = db;
	s.opts = opts;
	for (size_t i = 0; i < db->n; i++) {
		if (!under_root(opts->root, db->tus[i].file))
			s.res->ntus_outside++;
		else if (!pf_scan_path_selected(opts, rel(opts->root, db->tus[i].file)))
			s.res->ntus_excluded++;
		else if (opts->shard_n && i % opts->shard_n != opts->shard_k - 1)
			s.res->ntus_other_shards++;
		else
			todo[ntodo++] = i;
	}
	s.res->ntus = db->n;
	cached = pf_calloc(db->n ? db->n : 1, 1);
	rc = check_cache(&s, todo, ntodo, cached, &nparse);
	pf_trace_phase("parse cache checked");

	p.nw = opts->jobs > 0 ? opts->jobs : 1;
	if ((size_t)p.nw > nparse)
		p.nw = nparse ? (int)nparse : 1;
	p.w = pf_calloc((size_t)p.nw, sizeof(worker));
	if (rc == PF_OK)
		rc = parse_all(&p, todo, ntodo, &(parse_sink){cached, load_cached, merge_one, &s});
	for (int k = 0; k < p.nw; k++)
		if (p.w[k].pid) {
			char why[160];
			reap(&p, k, 0, why, sizeof(why));
		}
	pf_free(p.w);
	pf_free(todo);
	pf_free(cached);
	if (s.cache_error)
		rc = PF_ERROR; /* the store's message */
	pf_trace_phase("parsed");
	if (rc == PF_OK && !opts->shard_n)
		rc = analyse_units(&s, cat, pol, &eo);
	pf_trace_phase("link units analysed");
	if (pf_tu_cache_close(s.cache, NULL) < 0 && rc == PF_OK)
		rc = PF_ERROR;
	collect_files(s.res, &s.files, &s.failed);
	s.res->nnotes = s.notes.n;
	s.res->notes = pf_arena_alloc(s.res->arena, (s.notes.n ? s.notes.n : 1) * sizeof(char *));
	for (size_t i = 0; i < s.notes.n; i++) {
		char *t = pf_asprintf("%s (%zu translation unit%s)", s.notes.v[i].text, s.notes.v[i].n,
		                      s.notes.v[i].n > 1 ? "s" : "");
		s.res->notes[i] = pf_arena_strdup(s.res->arena, t);
		pf_free(t);
		pf_free(s.notes.v[i].text);
	}
	pf_vec_free(&s.notes);
	if (pol) {
		s.res->policy_file = pol->file ? pf_arena_strdup(s.res->arena, pol->file) : NULL;
		s.res->policy_name = pol->name ? pf_arena_strdup(s.res->arena, pol->name) : NULL;
	}
	pf_results_finish(s.res);
	drop_unselected(s.res, opts);
	pf_vec_free(&s.failed);
	for (size_t i = 0; i < db->n; i++)
		pf_unit_facts_free(s.facts[i]);
	pf_free(s.facts);
	pf_free(s.ir);
	fclose(s.spool);
	pf_vec_free(&s.files);
	pf_map_free(s.files_seen);
	if (rc < 0) {
		pf_results_free(s.res);
		return rc;
	}
	*out = s.res;
	return PF_OK;
}
