/*
 * Changed lines from `git diff --unified=0` (gitdiff.h). Only the hunk
 * headers are read: `+++ b/PATH` names the file, `@@ -a,b +c,d @@` its
 * new lines c..c+d-1. git's output is untrusted text: numbers are
 * bounded, a malformed header is skipped, quoted paths are unquoted with
 * git's C-style escapes.
 */
#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "gitdiff.h"
#include "util.h"

/* git's empty tree: what the first commit's changes are against */
#define EMPTY_TREE "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

typedef struct range {
	uint32_t lo, hi; /* inclusive; hi == UINT32_MAX: the whole file */
} range;

typedef struct file_changes {
	char *path;
	PF_VEC(range) ranges;
} file_changes;

struct pf_changes {
	PF_VEC(file_changes) files;
	pf_map *by_path; /* hash of path -> index in files */
};

pf_changes *pf_changes_new(void)
{
	pf_changes *c = pf_calloc(1, sizeof(*c));
	c->by_path = pf_map_new();
	return c;
}

void pf_changes_free(pf_changes *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->files.n; i++) {
		pf_free(c->files.v[i].path);
		pf_vec_free(&c->files.v[i].ranges);
	}
	pf_vec_free(&c->files);
	pf_map_free(c->by_path);
	pf_free(c);
}

static file_changes *file_of(pf_changes *c, const char *path)
{
	uint64_t h = pf_hash64_str(path);
	uint32_t i;

	if (pf_map_get(c->by_path, h, &i) && !strcmp(c->files.v[i].path, path))
		return &c->files.v[i];
	file_changes f = {pf_strdup(path), {0}};
	pf_vec_push(&c->files, f);
	pf_map_put(c->by_path, h, (uint32_t)(c->files.n - 1));
	return &c->files.v[c->files.n - 1];
}

static void add_range(pf_changes *c, const char *path, uint32_t lo, uint32_t hi)
{
	file_changes *f = file_of(c, path);
	range r = {lo, hi};
	pf_vec_push(&f->ranges, r);
}

void pf_changes_add_file(pf_changes *c, const char *path)
{
	add_range(c, path, 0, UINT32_MAX);
}

int pf_changes_touch(const pf_changes *c, const char *path, uint32_t line)
{
	uint32_t i;

	if (!path || !pf_map_get(c->by_path, pf_hash64_str(path), &i) ||
	    strcmp(c->files.v[i].path, path))
		return 0;
	for (size_t k = 0; k < c->files.v[i].ranges.n; k++)
		if (line >= c->files.v[i].ranges.v[k].lo && line <= c->files.v[i].ranges.v[k].hi)
			return 1;
	return 0;
}

/* git's quoted path ("a\303\251b\tc"): the unquoted bytes, or NULL. */
static char *unquote(const char *s, size_t n)
{
	char *out = pf_malloc(n + 1), *o = out;
	size_t i = 1;

	for (; i + 1 < n; i++) {
		char ch = s[i];
		if (ch != '\\') {
			*o++ = ch;
			continue;
		}
		if (++i + 1 > n)
			break;
		ch = s[i];
		if (ch >= '0' && ch <= '7' && i + 2 < n) {
			*o++ = (char)(((s[i] - '0') << 6) | ((s[i + 1] - '0') << 3) | (s[i + 2] - '0'));
			i += 2;
		} else {
			const char *from = "abfnrtv\\\"", *to = "\a\b\f\n\r\t\v\\\"", *p = strchr(from, ch);
			if (!p || !ch) {
				pf_free(out);
				return NULL;
			}
			*o++ = to[p - from];
		}
	}
	*o = '\0';
	return out;
}

/* "+++ b/PATH" (or quoted) -> PATH relative to the root, or NULL. */
static char *new_path(const char *s, size_t n, const char *prefix)
{
	char *path = n >= 2 && s[0] == '"' && s[n - 1] == '"' ? unquote(s, n) : pf_strndup(s, n);
	size_t np = strlen(prefix);

	if (!path || strncmp(path, "b/", 2) || strncmp(path + 2, prefix, np) || !path[2 + np]) {
		pf_free(path);
		return NULL; /* /dev/null, or outside the root */
	}
	memmove(path, path + 2 + np, strlen(path + 2 + np) + 1);
	return path;
}

static int number(const char **p, uint32_t *out)
{
	unsigned long v = 0;
	int digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 10) {
		v = v * 10 + (unsigned long)(**p - '0');
		(*p)++;
		digits++;
	}
	if (!digits || v > UINT32_MAX - 1)
		return 0;
	*out = (uint32_t)v;
	return 1;
}

void pf_changes_parse(pf_changes *c, const char *diff, const char *prefix)
{
	char *path = NULL;
	uint64_t body = 0; /* lines of the current hunk still to pass over */

	for (const char *line = diff; *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);

		if (body && (line[0] == '-' || line[0] == '+')) {
			body--; /* a hunk's line, whatever it holds ("+++ x" too) */
		} else if (line[0] == '\\') {
			/* "\ No newline at end of file" */
		} else if (n >= 4 && !strncmp(line, "+++ ", 4)) {
			body = 0;
			pf_free(path);
			path = new_path(line + 4, n - 4, prefix);
		} else if (n > 3 && !strncmp(line, "@@ -", 4)) {
			const char *p = line + 4;
			uint32_t ostart = 0, ocount = 1, start = 0, count = 1;
			body = 0;
			if (number(&p, &ostart) && (*p != ',' || (p++, number(&p, &ocount))) &&
			    !strncmp(p, " +", 2) && (p += 2, number(&p, &start)) &&
			    (*p != ',' || (p++, number(&p, &count)))) {
				body = (uint64_t)ocount + count;
				if (!path)
					;
				else if (count) /* saturating: a crafted count cannot wrap */
					add_range(c, path, start,
					          count - 1 > UINT32_MAX - start ? UINT32_MAX
					                                         : start + count - 1);
				else /* a deletion after line `start`: both sides */
					add_range(c, path, start, start + 1);
			}
		} else {
			body = 0;
		}
		line += n + (eol != NULL);
	}
	pf_free(path);
}

int pf_changes_load(pf_changes **out, const char *root, const char *rev, int staged)
{
	const char *dargv[] = {"diff", "--no-color", "--no-ext-diff", "--unified=0", "--no-renames",
	                       "--relative", NULL, NULL, NULL, NULL};
	const char *uargv[] = {"ls-files", "--others", "--exclude-standard", "-z", NULL};
	char *commit = NULL, *diff = NULL, *untracked = NULL;
	pf_changes *c = NULL;
	int rc = PF_ERROR;
	size_t k = 6;

	*out = NULL;
	if (pf_git_rev_parse(&commit, root, rev ? rev : "HEAD") < 0) {
		if (rev)
			goto done;
		/* --staged before the first commit: everything staged is new */
		pf_error_clear();
		commit = pf_strdup(EMPTY_TREE);
	}
	if (staged)
		dargv[k++] = "--cached";
	dargv[k++] = commit;
	dargv[k++] = "--";
	if (pf_git_run(&diff, root, dargv) < 0)
		goto done;
	c = pf_changes_new();
	/* --relative (git runs in the root): only files under the root, their
	   paths relative to it */
	pf_changes_parse(c, diff, "");
	if (!staged) {
		size_t n;
		if (pf_git_run(&untracked, root, uargv) < 0)
			goto done;
		/* -z: NUL-separated, relative to the root, unquoted */
		for (const char *p = untracked; *p; p += n + 1) {
			n = strlen(p);
			pf_changes_add_file(c, p);
		}
	}
	*out = c;
	c = NULL;
	rc = PF_OK;
done:
	pf_changes_free(c);
	pf_free(commit);
	pf_free(diff);
	pf_free(untracked);
	return rc;
}

static int finding_touches(const pf_finding *f, const pf_changes *c)
{
	if (pf_changes_touch(c, f->file, f->line))
		return 1;
	for (size_t i = 0; i < f->ntrace; i++)
		if (pf_changes_touch(c, f->trace[i].file, f->trace[i].line))
			return 1;
	return 0;
}

void pf_changes_filter(pf_results *r, const pf_changes *c)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		if (finding_touches(&r->findings[i], c))
			r->findings[kept++] = r->findings[i];
	r->noutside_diff += r->nfindings - kept;
	r->nfindings = kept;
}
