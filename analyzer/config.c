/*
 * The project config file (config.h): finding .privflow.json by walking up
 * from the current directory, and loading it strictly, with the shared
 * JSON cursor of jsonpos.h, so that a typo is an error naming file, line
 * and key rather than a setting silently ignored.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonpos.h"
#include "kinds.h"
#include "util.h"

#define MAX_CATALOGS 32 /* as on the command line */
#define MAX_GLOBS 256

static const char *const config_keys[] = {
	"$schema", "version", "policy", "catalogs", "no_default_catalog", "root",
	"include", "exclude", "fail_on", "baseline", "suppressions", "build_path",
	"db", "jobs", NULL,
};

int pf_config_find(char **path)
{
	char cwd[PATH_MAX];
	size_t up = 0;

	*path = NULL;
	if (!getcwd(cwd, sizeof(cwd))) {
		pf_error_set("cannot name the current directory: %s", strerror(errno));
		return PF_EIO;
	}
	for (;;) {
		struct stat sb;
		char *cand = pf_malloc(3 * up + sizeof(PF_CONFIG_NAME)), *slash;

		cand[0] = '\0';
		for (size_t i = 0; i < up; i++)
			strcat(cand, "../");
		strcat(cand, PF_CONFIG_NAME);
		/* anything by that name counts (loading it says what is wrong
		   with a directory or a FIFO), not only a regular file */
		if (lstat(cand, &sb) == 0) {
			*path = cand;
			return PF_OK;
		}
		pf_free(cand);
		if (!(slash = strrchr(cwd, '/')) || cwd[1] == '\0')
			return PF_OK; /* the filesystem root was the last one */
		slash[slash == cwd] = '\0'; /* "/a/b" -> "/a", "/a" -> "/" */
		up++;
	}
}

/* The directory part of a path: "." for a bare name. */
static const char *dir_of(pf_arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return ".";
	if (slash == path)
		return "/";
	return pf_arena_strndup(a, path, (size_t)(slash - path));
}

/* A path from the file, joined to the file's directory. */
static const char *join(const pf_config *c, const char *p)
{
	if (p[0] == '/' || strcmp(c->dir, ".") == 0)
		return pf_arena_strdup(c->arena, p);
	char *j = pf_asprintf("%s%s%s", c->dir, strcmp(c->dir, "/") ? "/" : "", p);
	const char *r = pf_arena_strdup(c->arena, j);
	pf_free(j);
	return r;
}

/* A non-empty string member; *out NULL when absent. */
static int str_member(const pf_jcur *top, const char *key, const char **out)
{
	pf_jcur m;

	*out = NULL;
	if (pf_jcur_string(top, key, 0, out) < 0)
		return PF_EINVALID;
	if (*out && !**out && pf_jcur_member(&m, top, key))
		return pf_jcur_error(&m, "expected a non-empty string");
	return PF_OK;
}

/* A path member, joined to the file's directory. */
static int path_member(pf_config *c, const pf_jcur *top, const char *key, const char **out)
{
	int rc = str_member(top, key, out);

	if (rc == PF_OK && *out)
		*out = join(c, *out);
	return rc;
}

/* An array of non-empty strings, at most `max`; paths joined when
   `paths`, else globs relative to the root. */
static int list_member(pf_config *c, const pf_jcur *top, const char *key, size_t max,
                       int paths, const char ***out, size_t *n)
{
	pf_jcur arr;
	int present, rc;
	size_t len;

	if ((rc = pf_jcur_array(top, key, 0, &arr, &present)) < 0 || !present)
		return rc;
	len = json_array_size(arr.value);
	if (len > max)
		return pf_jcur_error(&arr, "at most %zu entries, not %zu", max, len);
	*out = pf_arena_alloc(c->arena, (len ? len : 1) * sizeof(char *));
	for (size_t i = 0; i < len; i++) {
		pf_jcur el = pf_jcur_element(&arr, i);
		const char *s = json_string_value(el.value);

		if (!json_is_string(el.value))
			return pf_jcur_error(&el, "expected a string");
		if (!*s)
			return pf_jcur_error(&el, "expected a non-empty string");
		if (!paths && s[0] == '/')
			return pf_jcur_error(&el, "expected a glob relative to the root, not an "
			                     "absolute path");
		(*out)[i] = paths ? join(c, s) : pf_arena_strdup(c->arena, s);
	}
	*n = len;
	return PF_OK;
}

/* The members, each checked; 0 or PF_EINVALID (message set). */
static int read_members(pf_config *c, const pf_jcur *top)
{
	const char *s = NULL;
	long long v;
	pf_jcur m;
	int b = -1;

	if (pf_jcur_object(top, config_keys) < 0 || pf_jcur_string(top, "$schema", 0, &s) < 0)
		return PF_EINVALID;
	v = 1;
	if (pf_jcur_int(top, "version", 0, &v) < 0)
		return PF_EINVALID;
	if (v != 1 && pf_jcur_member(&m, top, "version"))
		return pf_jcur_error(&m, "this privflow reads version 1, not %lld", v);

	/* the policy: a file, or one privflow ships ("bundled:facturi") */
	if (str_member(top, "policy", &s) < 0)
		return PF_EINVALID;
	if (s)
		c->policy = strncmp(s, "bundled:", 8) == 0 ? pf_arena_strdup(c->arena, s)
		                                           : join(c, s);
	if (list_member(c, top, "catalogs", MAX_CATALOGS, 1, &c->catalogs, &c->ncatalogs) < 0 ||
	    pf_jcur_bool(top, "no_default_catalog", 0, &b) < 0)
		return PF_EINVALID;
	c->no_default_catalog = b;
	if (path_member(c, top, "root", &c->root) < 0 ||
	    list_member(c, top, "include", MAX_GLOBS, 0, &c->include, &c->ninclude) < 0 ||
	    list_member(c, top, "exclude", MAX_GLOBS, 0, &c->exclude, &c->nexclude) < 0)
		return PF_EINVALID;

	if (str_member(top, "fail_on", &s) < 0)
		return PF_EINVALID;
	if (s) {
		c->fail_on = strcmp(s, "never") == 0 ? PF_SEV_COUNT : pf_severity_from_id(s);
		if (c->fail_on < 0 && pf_jcur_member(&m, top, "fail_on"))
			return pf_jcur_error(&m, "expected error, warning, note or never");
	}

	/* the baseline: a file, or a run of the store ("run:7", "git:main") */
	if (str_member(top, "baseline", &s) < 0)
		return PF_EINVALID;
	if (s)
		c->baseline = strncmp(s, "run:", 4) == 0 || strncmp(s, "git:", 4) == 0
		                      ? pf_arena_strdup(c->arena, s)
		                      : join(c, s);
	if (path_member(c, top, "suppressions", &c->suppressions) < 0 ||
	    path_member(c, top, "build_path", &c->build_path) < 0 ||
	    path_member(c, top, "db", &c->db) < 0)
		return PF_EINVALID;

	v = 0;
	if (pf_jcur_int(top, "jobs", 0, &v) < 0)
		return PF_EINVALID;
	if (pf_jcur_member(&m, top, "jobs")) {
		if (v < 1 || v > 256)
			return pf_jcur_error(&m, "expected a number of jobs from 1 to 256");
		c->jobs = (int)v;
	}
	return PF_OK;
}

int pf_config_load(pf_config **out, const char *path)
{
	pf_json_doc *doc = NULL;
	pf_config *c;
	pf_jcur top;
	int rc;

	*out = NULL;
	if ((rc = pf_json_load(&doc, path, PF_MAX_CONFIG_FILE)) < 0)
		return rc;
	c = pf_calloc(1, sizeof(*c));
	c->arena = pf_arena_new();
	c->file = pf_arena_strdup(c->arena, path);
	c->dir = dir_of(c->arena, c->file);
	c->no_default_catalog = -1;
	c->fail_on = -1;
	top = pf_jcur_root(doc);
	if ((rc = read_members(c, &top)) < 0) {
		pf_config_free(c);
		c = NULL;
	}
	pf_json_free(doc);
	*out = c;
	return rc;
}

void pf_config_free(pf_config *c)
{
	if (!c)
		return;
	pf_arena_free(c->arena);
	pf_free(c);
}
