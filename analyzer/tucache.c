/*
 * The parse cache (tucache.h). A TU's row holds its brief, a pf_tu with
 * only its files (each with the digest the parse saw: what the row is
 * checked against) and its driver notes, its link facts and its IR. The
 * store may come from elsewhere (a CI cache): a brief or facts that do
 * not read are a miss, IR that does not is dropped when it is read.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tucache.h"
#include "util.h"

/* Writes are committed in batches of this many rows. */
#define BATCH 64

/* A file's digest as this run knows it ("" when there is no such file). */
typedef struct known {
	char *path;
	char sha256[65];
} known;

struct pf_tu_cache {
	pf_store *st;
	const pf_compdb *db;
	char *root;
	char base[65];       /* the key's part common to every TU */
	char (*keys)[65];    /* per TU of db, "" until computed */
	char (*content)[65]; /* per TU: digest of its key and brief, "" if not cached */
	pf_tu **brief;       /* per TU: its brief, checked, until the scan takes it */
	pf_unit_facts **facts; /* and its link facts */
	pthread_mutex_t lock; /* the store, once units are analysed in threads */
	pf_map *seen;        /* hash of a path -> index in files */
	PF_VEC(known) files;
	int64_t now;         /* seconds since the epoch */
	int64_t trust_ns;    /* a file changed after this is hashed again next time */
	size_t hits, pending;
};

typedef PF_VEC(char) buf;

/* Appends s and its NUL. */
static void put_str(buf *b, const char *s)
{
	size_t n = strlen(s) + 1;

	pf_vec_grow(b, b->n + n);
	memcpy(b->v + b->n, s, n);
	b->n += n;
}

static int64_t stat_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int batch_done(pf_tu_cache *c)
{
	if (++c->pending < BATCH)
		return PF_OK;
	c->pending = 0;
	return pf_store_cache_commit(c->st);
}

/* The index in c->files of path's record this run, or -1. */
static long find_known(pf_tu_cache *c, const char *path)
{
	uint32_t k;

	if (pf_map_get(c->seen, pf_hash64_str(path), &k) && !strcmp(c->files.v[k].path, path))
		return k;
	return -1;
}

static void add_known(pf_tu_cache *c, const char *path, const char *sha256)
{
	known k = {pf_strdup(path), ""};

	memcpy(k.sha256, sha256, 65);
	pf_map_put(c->seen, pf_hash64_str(path), (uint32_t)c->files.n);
	pf_vec_push(&c->files, k);
}

static void stat_of(pf_file_stat *fs, const struct stat *sb)
{
	fs->dev = (int64_t)sb->st_dev;
	fs->ino = (int64_t)sb->st_ino;
	fs->size = (int64_t)sb->st_size;
	fs->mtime_ns = stat_ns(&sb->st_mtim);
	fs->ctime_ns = stat_ns(&sb->st_ctim);
}

/* The store's record of a file is worth keeping only for a file that
   was last changed well before this run began: a change in the same
   tick of the file system's clock would not show in its stat. */
static int settled(const pf_tu_cache *c, const pf_file_stat *fs)
{
	return fs->mtime_ns < c->trust_ns && fs->ctime_ns < c->trust_ns;
}

/* The digest of path now, out[65] ("" when it is not a readable
   regular file), from the store when its stat has not changed. */
static int digest_now(pf_tu_cache *c, const char *path, char *out)
{
	pf_file_stat now = {0}, then;
	struct stat sb;
	char *text = NULL;
	size_t len = 0;
	long k = find_known(c, path);
	int rc;

	if (k >= 0) {
		memcpy(out, c->files.v[k].sha256, 65);
		return PF_OK;
	}
	out[0] = '\0';
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		stat_of(&now, &sb);
		if ((rc = pf_store_stat_get(c->st, path, &then)) < 0)
			return rc;
		if (rc == 1 && then.dev == now.dev && then.ino == now.ino && then.size == now.size &&
		    then.mtime_ns == now.mtime_ns && then.ctime_ns == now.ctime_ns) {
			memcpy(out, then.sha256, 65);
		} else if (pf_file_read(&text, &len, path, SIZE_MAX / 2, 0) == 0) {
			pf_sha256_hex(text, len, out);
			memcpy(now.sha256, out, 65);
			pf_free(text);
			if (settled(c, &now) &&
			    (pf_store_stat_put(c->st, path, &now, c->now) < 0 || batch_done(c) < 0))
				return PF_ERROR;
		}
	}
	add_known(c, path, out);
	return PF_OK;
}

/* The absolute path of a file as the IR names it (relative to the root
   when it is the project's). */
static char *abs_path(const pf_tu_cache *c, const char *path)
{
	size_t n = strlen(c->root);

	if (path[0] == '/')
		return pf_strdup(path);
	return pf_asprintf("%s%s%s", c->root, n && c->root[n - 1] == '/' ? "" : "/", path);
}

pf_tu_cache *pf_tu_cache_new(pf_store *st, const pf_compdb *db, const char *root,
                             const char *include_dir, const char *frontend_id)
{
	pf_tu_cache *c = pf_calloc(1, sizeof(*c));
	struct timespec ts;
	char exe[PATH_MAX], exe_sha[65] = "";
	buf b = {0};

	c->st = st;
	c->db = db;
	c->root = pf_strdup(root);
	c->keys = pf_calloc(db->n ? db->n : 1, sizeof(*c->keys));
	c->content = pf_calloc(db->n ? db->n : 1, sizeof(*c->content));
	c->brief = pf_calloc(db->n ? db->n : 1, sizeof(*c->brief));
	c->facts = pf_calloc(db->n ? db->n : 1, sizeof(*c->facts));
	pthread_mutex_init(&c->lock, NULL);
	c->seen = pf_map_new();
	clock_gettime(CLOCK_REALTIME, &ts);
	c->now = (int64_t)ts.tv_sec;
	c->trust_ns = stat_ns(&ts) - 1000000000;
	/* this very executable: a rebuilt privflow may lower code otherwise */
	if (realpath("/proc/self/exe", exe) && digest_now(c, exe, exe_sha) < 0)
		exe_sha[0] = '\0';
	put_str(&b, "privflow parse cache 1");
	put_str(&b, exe_sha[0] ? exe_sha : PF_VERSION);
	put_str(&b, frontend_id);
	put_str(&b, root);
	put_str(&b, include_dir ? include_dir : "");
	pf_sha256_hex(b.v, b.n, c->base);
	pf_vec_free(&b);
	return c;
}

static const char *key_of(pf_tu_cache *c, size_t i)
{
	const pf_tu_cmd *cmd = &c->db->tus[i];
	buf b = {0};

	if (c->keys[i][0])
		return c->keys[i];
	put_str(&b, c->base);
	put_str(&b, cmd->directory);
	put_str(&b, cmd->file);
	for (size_t k = 0; k < cmd->nargs; k++)
		put_str(&b, cmd->args[k]);
	pf_sha256_hex(b.v, b.n, c->keys[i]);
	pf_vec_free(&b);
	return c->keys[i];
}

/* What TU i's IR is a function of: its key, and its brief (the files it
   read with their digests, the notes the driver gave). */
static void set_content(pf_tu_cache *c, size_t i, const char *brief, size_t len)
{
	buf b = {0};

	put_str(&b, key_of(c, i));
	pf_vec_grow(&b, b.n + len);
	memcpy(b.v + b.n, brief, len);
	b.n += len;
	pf_sha256_hex(b.v, b.n, c->content[i]);
	pf_vec_free(&b);
}

/* 1 when every file the brief names still has the digest it had. */
static int unchanged(pf_tu_cache *c, const pf_tu *brief, int *err)
{
	char sha[65];

	if (!brief->nfiles || brief->failed || brief->partial || brief->nfuncs || brief->ndecls > 1)
		return 0; /* not a brief this privflow wrote */
	for (uint32_t k = 0; k < brief->nfiles; k++) {
		char *path = abs_path(c, pf_strtab_str(brief->strs, brief->files[k].path));
		int same = (*err = digest_now(c, path, sha)) == 0 &&
		           memcmp(sha, brief->files[k].sha256, 64) == 0;
		pf_free(path);
		if (!same)
			return 0;
	}
	return 1;
}

int pf_tu_cache_check(pf_tu_cache *c, size_t i)
{
	char *facts = NULL, *brief = NULL;
	size_t nfacts = 0, nbrief = 0;
	pf_tu *tu = NULL;
	pf_unit_facts *uf = NULL;
	int err = PF_OK, rc = pf_store_tu_brief(c->st, key_of(c, i), c->content[i], &facts,
	                                        &nfacts, &brief, &nbrief);

	if (rc == 1 && (!c->content[i][0] || pf_tu_read(&tu, brief, nbrief) < 0 ||
	                !(uf = pf_unit_facts_read(facts, nfacts)) || !unchanged(c, tu, &err)))
		rc = err < 0 ? err : 0;
	pf_free(facts);
	pf_free(brief);
	if (rc == 1) {
		c->brief[i] = tu;
		c->facts[i] = uf;
		return 1;
	}
	pf_tu_free(tu);
	pf_unit_facts_free(uf);
	c->content[i][0] = '\0';
	return rc;
}

int pf_tu_cache_brief(pf_tu_cache *c, size_t i, pf_tu **brief, pf_unit_facts **facts)
{
	*brief = c->brief[i];
	*facts = c->facts[i];
	c->brief[i] = NULL;
	c->facts[i] = NULL;
	if (!*brief || pf_store_cache_used(c->st, key_of(c, i), c->now) < 0 || batch_done(c) < 0) {
		pf_tu_free(*brief);
		pf_unit_facts_free(*facts);
		*brief = NULL;
		*facts = NULL;
		c->content[i][0] = '\0';
		return -1;
	}
	c->hits++;
	return 0;
}

char *pf_tu_cache_load(pf_tu_cache *c, size_t i, size_t *len)
{
	char *ir = NULL;
	int rc;

	pthread_mutex_lock(&c->lock);
	rc = pf_store_tu_ir(c->st, key_of(c, i), &ir, len);
	pthread_mutex_unlock(&c->lock);
	if (rc == 0)
		pf_error_set("the parse cache lost the IR of %s", c->db->tus[i].file);
	return rc == 1 ? ir : NULL;
}

void pf_tu_cache_forget(pf_tu_cache *c, size_t i)
{
	pthread_mutex_lock(&c->lock);
	if (pf_store_tu_forget(c->st, key_of(c, i)) == 0)
		batch_done(c);
	pthread_mutex_unlock(&c->lock);
}

/* The TU with only what pf_tu_cache_brief() gives, as bytes. */
static void brief_of(const pf_tu *tu, char **out, size_t *len)
{
	pf_tu_builder *b = pf_tub_new(pf_strtab_str(tu->strs, tu->main_file));
	pf_tu *brief;

	for (uint32_t k = 0; k < tu->nfiles; k++) {
		pf_file f = tu->files[k];
		f.path = pf_tub_sym(b, pf_strtab_str(tu->strs, f.path));
		pf_tub_file(b, &f);
	}
	for (uint32_t k = 0; k < tu->nnotes; k++)
		pf_tub_note(b, tu->notes[k]);
	brief = pf_tub_finish(b);
	pf_tu_write(brief, out, len);
	pf_tu_free(brief);
}

int pf_tu_cache_save(pf_tu_cache *c, size_t i, const pf_tu *tu, const char *bytes, size_t len)
{
	pf_store_blob b[3] = {{NULL, 0}, {NULL, 0}, {bytes, len}};
	pf_unit_facts *facts;
	char *fb = NULL, *brief = NULL;
	int rc = PF_OK;

	if (tu->failed || tu->partial)
		return PF_OK;
	/* the digests the parse saw, for the next run's check */
	for (uint32_t k = 0; k < tu->nfiles && rc == PF_OK; k++) {
		const pf_file *f = &tu->files[k];
		char *path = abs_path(c, pf_strtab_str(tu->strs, f->path));
		pf_file_stat fs = {0};
		struct stat sb;

		if (find_known(c, path) < 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			stat_of(&fs, &sb);
			memcpy(fs.sha256, f->sha256, 65);
			if (settled(c, &fs)) {
				add_known(c, path, fs.sha256);
				if (pf_store_stat_put(c->st, path, &fs, c->now) < 0 || batch_done(c) < 0)
					rc = PF_ERROR;
			}
		}
		pf_free(path);
	}
	if (rc < 0)
		return rc;
	facts = pf_unit_facts_of(tu);
	pf_unit_facts_write(facts, &fb, &b[0].len);
	b[0].data = fb;
	brief_of(tu, &brief, &b[1].len);
	b[1].data = brief;
	set_content(c, i, brief, b[1].len);
	if (pf_store_tu_put(c->st, key_of(c, i), c->db->tus[i].file, c->content[i], b, c->now) < 0 ||
	    batch_done(c) < 0)
		rc = PF_ERROR;
	pf_unit_facts_free(facts);
	pf_free(fb);
	pf_free(brief);
	return rc;
}

int pf_tu_cache_unit_key(pf_tu_cache *c, const size_t *tus, const uint32_t *tags, size_t ntus,
                         const uint64_t *shared, size_t nshared, const char *rules,
                         char out[65])
{
	buf b = {0};
	char num[32];

	put_str(&b, c->base);
	put_str(&b, rules);
	for (size_t k = 0; k < ntus; k++) {
		if (!c->content[tus[k]][0]) {
			pf_vec_free(&b);
			return -1;
		}
		put_str(&b, c->content[tus[k]]);
		snprintf(num, sizeof(num), "%u", tags ? tags[k] : 0);
		put_str(&b, num);
	}
	for (size_t k = 0; k < nshared; k++) {
		snprintf(num, sizeof(num), "%016llx", (unsigned long long)shared[k]);
		put_str(&b, num);
	}
	pf_sha256_hex(b.v, b.n, out);
	pf_vec_free(&b);
	return 0;
}

char *pf_tu_cache_unit_get(pf_tu_cache *c, const char *key, size_t *len)
{
	char *r = NULL;

	pthread_mutex_lock(&c->lock);
	if (pf_store_unit_get(c->st, key, &r, len) != 1) {
		pf_free(r);
		r = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}

int pf_tu_cache_unit_put(pf_tu_cache *c, const char *key, const char *bytes, size_t len)
{
	int rc;

	pthread_mutex_lock(&c->lock);
	rc = pf_store_unit_put(c->st, key, bytes, len, c->now);
	if (rc == PF_OK)
		rc = batch_done(c);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int pf_tu_cache_close(pf_tu_cache *c, size_t *hits)
{
	int rc;

	if (!c)
		return PF_OK;
	rc = pf_store_cache_commit(c->st);
	if (hits)
		*hits = c->hits;
	for (size_t i = 0; i < c->files.n; i++)
		pf_free(c->files.v[i].path);
	pf_vec_free(&c->files);
	pf_map_free(c->seen);
	pf_free(c->keys);
	for (size_t i = 0; i < c->db->n; i++) {
		pf_tu_free(c->brief[i]);
		pf_unit_facts_free(c->facts[i]);
	}
	pf_free(c->content);
	pf_free(c->brief);
	pf_free(c->facts);
	pthread_mutex_destroy(&c->lock);
	pf_free(c->root);
	pf_free(c);
	return rc;
}
