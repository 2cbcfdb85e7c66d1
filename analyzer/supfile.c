/*
 * The suppressions file (supfile.h): loaded strictly with the cursors of
 * jsonpos.h, its errors in gcc's form because a CI log shows them beside
 * the compiler's; applied to a run's results after the inline markers, so
 * a marker in the code, the more precise of the two, keeps its finding.
 */
#include "supfile.h"

#include <string.h>

#include "jsonpos.h"
#include "kinds.h"
#include "util.h"

typedef struct entry {
	char fingerprint[33]; /* "": any finding */
	int rule;             /* -1: any rule */
	const char *path;     /* NULL: any file */
	const char *reason;
	char expires[11];     /* YYYY-MM-DD, "": never */
	int line, col;        /* of the entry */
	int exp_line, exp_col; /* of its "expires" */
} entry;

struct pf_supfile {
	const char *file;
	entry *v;
	size_t n;
	pf_arena *arena; /* owns the strings above */
};

/* A real calendar date written YYYY-MM-DD (the form ISO 8601 and the
   expiry dates of Snyk's and Trivy's ignore files use). */
static int valid_date(const char *s)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && leap);
}

/* "unknown rule 'x'", with the nearest rule id as a hint. */
static int unknown_rule(const pf_jcur *c, const char *id)
{
	const char *best = NULL;
	size_t bestd = 3;
	char *safe = pf_text_escape(id);
	int rc;

	for (int r = 0; r < PF_RULE_COUNT; r++) {
		size_t d = pf_edit_distance(id, pf_rule_id(r));
		if (d < bestd && d * 3 < strlen(id) + 3)
			bestd = d, best = pf_rule_id(r);
	}
	if (best)
		rc = pf_jcur_error(c, "unknown rule '%s'; did you mean '%s'?", safe, best);
	else
		rc = pf_jcur_error(c, "unknown rule '%s' (docs/rules.md lists them)", safe);
	pf_free(safe);
	return rc;
}

/* A member that, when present, must be a string that is not blank. */
static int text_member(const pf_jcur *el, const char *key, int required, const char **out,
                       const char *blank)
{
	pf_jcur m;

	*out = NULL;
	if (pf_jcur_string(el, key, required, out) < 0)
		return PF_EINVALID;
	if (*out && !(*out)[strspn(*out, " \t\r\n")] && pf_jcur_member(&m, el, key))
		return pf_jcur_error(&m, "%s", blank);
	return PF_OK;
}

/* One entry of "suppressions", checked, into *e. */
static int read_entry(pf_supfile *s, entry *e, const pf_jcur *el)
{
	static const char *const keys[] = {"fingerprint", "rule", "path", "reason", "expires",
	                                   NULL};
	const char *fp, *rule, *path, *reason, *expires;
	pf_jcur m;

	if (pf_jcur_object(el, keys) < 0 ||
	    text_member(el, "fingerprint", 0, &fp, "expected a fingerprint") < 0 ||
	    text_member(el, "rule", 0, &rule, "expected a rule id") < 0 ||
	    text_member(el, "path", 0, &path, "expected a glob") < 0 ||
	    text_member(el, "reason", 1, &reason,
	                "a suppression needs a reason: why these findings are accepted") < 0 ||
	    text_member(el, "expires", 0, &expires, "expected a date, YYYY-MM-DD") < 0)
		return PF_EINVALID;
	e->line = pf_jcur_pos(el, &e->col);
	e->rule = -1;
	if (!fp && !rule && !path)
		return pf_jcur_error(el, "an entry needs a \"fingerprint\", a \"rule\" or a \"path\" "
		                     "to say which findings it suppresses");
	if (fp && !pf_fingerprint_valid(fp) && pf_jcur_member(&m, el, "fingerprint"))
		return pf_jcur_error(&m, "expected 32 lower-case hex digits, as the reports' "
		                     "\"fingerprint\" has them");
	if (fp)
		memcpy(e->fingerprint, fp, 33);
	if (rule && (e->rule = pf_rule_from_id(rule)) < 0 && pf_jcur_member(&m, el, "rule"))
		return unknown_rule(&m, rule);
	if (path && path[0] == '/' && pf_jcur_member(&m, el, "path"))
		return pf_jcur_error(&m, "expected a glob relative to the project root, not an "
		                     "absolute path");
	e->path = path ? pf_arena_strdup(s->arena, path) : NULL;
	e->reason = pf_arena_strdup(s->arena, reason);
	if (expires && pf_jcur_member(&m, el, "expires")) {
		if (!valid_date(expires))
			return pf_jcur_error(&m, "expected a date, YYYY-MM-DD, not '%.40s'", expires);
		memcpy(e->expires, expires, 11);
		e->exp_line = pf_jcur_pos(&m, &e->exp_col);
	}
	return PF_OK;
}

static int read_file(pf_supfile *s, const pf_jcur *top)
{
	static const char *const keys[] = {"$schema", "version", "suppressions", NULL};
	const char *schema = NULL;
	long long v = 0;
	pf_jcur arr, m;
	int present;
	size_t n;

	if (pf_jcur_object(top, keys) < 0 || pf_jcur_string(top, "$schema", 0, &schema) < 0 ||
	    pf_jcur_int(top, "version", 1, &v) < 0)
		return PF_EINVALID;
	if (v != 1 && pf_jcur_member(&m, top, "version"))
		return pf_jcur_error(&m, "this privflow reads suppressions files of version 1, "
		                     "not %lld", v);
	if (pf_jcur_array(top, "suppressions", 1, &arr, &present) < 0)
		return PF_EINVALID;
	n = json_array_size(arr.value);
	if (n > PF_MAX_SUPFILE_ENTRIES)
		return pf_jcur_error(&arr, "at most %zu entries, not %zu", PF_MAX_SUPFILE_ENTRIES, n);
	s->v = pf_arena_alloc(s->arena, (n ? n : 1) * sizeof(*s->v));
	for (size_t i = 0; i < n; i++) {
		pf_jcur el = pf_jcur_element(&arr, i);
		if (read_entry(s, &s->v[i], &el) < 0)
			return PF_EINVALID;
		s->n++;
	}
	return PF_OK;
}

int pf_supfile_load(pf_supfile **out, const char *path)
{
	pf_json_doc *doc = NULL;
	pf_supfile *s;
	pf_jcur top;
	int rc;

	*out = NULL;
	if ((rc = pf_json_load(&doc, path, PF_MAX_SUPFILE_FILE)) < 0)
		return rc;
	pf_json_gcc_errors(doc);
	s = pf_calloc(1, sizeof(*s));
	s->arena = pf_arena_new();
	s->file = pf_arena_strdup(s->arena, path);
	top = pf_jcur_root(doc);
	if ((rc = read_file(s, &top)) < 0) {
		pf_supfile_free(s);
		s = NULL;
	}
	pf_json_free(doc);
	*out = s;
	return rc;
}

/* Does entry e take finding f? Every criterion it gives must hold. */
static int takes(const entry *e, const pf_finding *f)
{
	return (!e->fingerprint[0] || strcmp(e->fingerprint, f->fingerprint) == 0) &&
	       (e->rule < 0 || e->rule == f->rule) &&
	       (!e->path || (f->file && pf_glob_match_path(e->path, f->file)));
}

/* The warning of an expired entry, or of one that suppressed nothing. */
static void warn_entry(FILE *warn, const char *file, const entry *e, int expired)
{
	char *safe_file = pf_text_escape(file), *safe_reason = pf_text_escape(e->reason);

	if (expired)
		fprintf(warn, "%s:%d:%d: warning: suppression expired on %s: %s\n", safe_file,
		        e->exp_line, e->exp_col, e->expires, safe_reason);
	else
		fprintf(warn, "%s:%d:%d: warning: unused suppression: no finding left for it to "
		        "suppress\n", safe_file, e->line, e->col);
	pf_free(safe_file);
	pf_free(safe_reason);
}

void pf_supfile_apply(const pf_supfile *s, pf_results *r, time_t now, FILE *warn,
                      pf_supfile_stats *st)
{
	unsigned char *live = pf_calloc(s->n ? s->n : 1, 1), *used = pf_calloc(s->n ? s->n : 1, 1);
	char today[11] = "0000-00-00";
	struct tm tm;

	memset(st, 0, sizeof(*st));
	if (gmtime_r(&now, &tm))
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	for (size_t k = 0; k < s->n; k++)
		live[k] = !s->v[k].expires[0] || strcmp(s->v[k].expires, today) > 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		pf_finding *f = &r->findings[i];

		for (size_t k = 0; k < s->n && !f->suppression; k++)
			if (live[k] && takes(&s->v[k], f)) {
				f->suppression = "external";
				f->justification = pf_arena_strdup(r->arena, s->v[k].reason);
				used[k] = 1;
				st->nsuppressed++;
			}
	}
	for (size_t k = 0; k < s->n; k++) {
		if (live[k] && used[k])
			continue;
		if (live[k])
			st->nunused++;
		else
			st->nexpired++;
		if (warn)
			warn_entry(warn, s->file, &s->v[k], !live[k]);
	}
	pf_free(live);
	pf_free(used);
}

void pf_supfile_unapply(pf_results *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].suppression && strcmp(r->findings[i].suppression, "external") == 0)
			r->findings[i].suppression = r->findings[i].justification = NULL;
}

void pf_supfile_free(pf_supfile *s)
{
	if (!s)
		return;
	pf_arena_free(s->arena);
	pf_free(s);
}
