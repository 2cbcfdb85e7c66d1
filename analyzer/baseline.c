/*
 * Baselines (baseline.h): a sorted set of fingerprints, read from a file
 * or taken from a stored run, applied to a scan's results; and the file
 * `privflow baseline` writes. The file is hostile input, validated with
 * the cursors of jsonpos.h like a policy.
 */
#include "baseline.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonpos.h"
#include "kinds.h"
#include "util.h"

struct pf_baseline {
	char (*fp)[33]; /* sorted, distinct */
	size_t n;
};

static int fp_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Sorts and removes duplicates. */
static void settle(pf_baseline *b)
{
	size_t k = 0;

	if (b->n)
		qsort(b->fp, b->n, sizeof(*b->fp), fp_cmp);
	for (size_t i = 0; i < b->n; i++)
		if (k == 0 || strcmp(b->fp[k - 1], b->fp[i]))
			memcpy(b->fp[k++], b->fp[i], sizeof(*b->fp));
	b->n = k;
}

static int read_entries(pf_baseline *b, const pf_jcur *top)
{
	static const char *const keys[] = {"$schema", "version", "tool", "findings", NULL};
	static const char *const entry_keys[] = {"fingerprint", "rule", "file", "line",
	                                         "message", NULL};
	const char *s = NULL;
	long long v = 0, line;
	pf_jcur arr, m;
	int present;
	size_t n;

	if (pf_jcur_object(top, keys) < 0 || pf_jcur_string(top, "$schema", 0, &s) < 0 ||
	    pf_jcur_string(top, "tool", 0, &s) < 0 || pf_jcur_int(top, "version", 1, &v) < 0)
		return PF_EINVALID;
	if (v != 1 && pf_jcur_member(&m, top, "version"))
		return pf_jcur_error(&m, "this privflow reads baselines of version 1, not %lld", v);
	if (pf_jcur_array(top, "findings", 1, &arr, &present) < 0)
		return PF_EINVALID;
	n = json_array_size(arr.value);
	if (n > PF_MAX_BASELINE_ENTRIES)
		return pf_jcur_error(&arr, "at most %zu findings, not %zu",
		                     PF_MAX_BASELINE_ENTRIES, n);
	b->fp = pf_calloc(n ? n : 1, sizeof(*b->fp));
	for (size_t i = 0; i < n; i++) {
		pf_jcur el = pf_jcur_element(&arr, i);
		const char *fp = NULL;

		/* only the fingerprint counts; the rest is checked for its type */
		if (pf_jcur_object(&el, entry_keys) < 0 ||
		    pf_jcur_string(&el, "fingerprint", 1, &fp) < 0 ||
		    pf_jcur_string(&el, "rule", 0, &s) < 0 || pf_jcur_string(&el, "file", 0, &s) < 0 ||
		    pf_jcur_string(&el, "message", 0, &s) < 0 || pf_jcur_int(&el, "line", 0, &line) < 0)
			return PF_EINVALID;
		if (!pf_fingerprint_valid(fp)) {
			pf_jcur_member(&m, &el, "fingerprint");
			return pf_jcur_error(&m, "expected 32 lower-case hex digits, as privflow "
			                     "baseline writes them");
		}
		memcpy(b->fp[b->n++], fp, 33);
	}
	return PF_OK;
}

int pf_baseline_load(pf_baseline **out, const char *path)
{
	pf_json_doc *doc = NULL;
	pf_baseline *b;
	pf_jcur top;
	int rc;

	*out = NULL;
	if ((rc = pf_json_load(&doc, path, PF_MAX_BASELINE_FILE)) < 0)
		return rc;
	b = pf_calloc(1, sizeof(*b));
	top = pf_jcur_root(doc);
	if ((rc = read_entries(b, &top)) < 0) {
		pf_baseline_free(b);
		b = NULL;
	} else {
		settle(b);
	}
	pf_json_free(doc);
	*out = b;
	return rc;
}

pf_baseline *pf_baseline_from_results(const pf_results *r)
{
	pf_baseline *b = pf_calloc(1, sizeof(*b));

	b->fp = pf_calloc(r->nfindings ? r->nfindings : 1, sizeof(*b->fp));
	for (size_t i = 0; i < r->nfindings; i++)
		if (!r->findings[i].suppression)
			memcpy(b->fp[b->n++], r->findings[i].fingerprint, 33);
	settle(b);
	return b;
}

size_t pf_baseline_count(const pf_baseline *b)
{
	return b->n;
}

void pf_baseline_apply(const pf_baseline *b, pf_results *r)
{
	unsigned char *seen = pf_calloc(b->n ? b->n : 1, 1);
	size_t k = 0, gone = 0;

	r->nbaselined = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		const pf_finding *f = &r->findings[i];
		const char (*hit)[33] = b->n ? bsearch(f->fingerprint, b->fp, b->n, sizeof(*b->fp),
		                                       fp_cmp)
		                             : NULL;

		if (hit)
			seen[hit - b->fp] = 1;
		if (hit && !f->suppression)
			r->nbaselined++;
		else
			r->findings[k++] = *f;
	}
	r->nfindings = k;
	for (size_t i = 0; i < b->n; i++)
		gone += !seen[i];
	r->nbaseline_gone = gone;
	pf_free(seen);
}

void pf_baseline_free(pf_baseline *b)
{
	if (!b)
		return;
	pf_free(b->fp);
	pf_free(b);
}

/* A string as JSON; bytes that are not UTF-8 escaped (the file is for
   people: a Latin-1 file name stays recognisable). */
static json_t *jstr(const char *s)
{
	json_t *j;
	char *esc;

	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	esc = pf_text_escape(s);
	j = json_string(esc);
	pf_free(esc);
	return j ? j : json_null();
}

int pf_baseline_render(char **out, size_t *len, const pf_results *r)
{
	json_t *root = json_object(), *arr = json_array();

	*out = NULL;
	*len = 0;
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "tool", json_string("privflow"));
	for (size_t i = 0; i < r->nfindings; i++) {
		const pf_finding *f = &r->findings[i];
		json_t *o;

		if (f->suppression)
			continue;
		o = json_object();
		json_object_set_new(o, "fingerprint", json_string(f->fingerprint));
		json_object_set_new(o, "rule", jstr(pf_rule_id(f->rule)));
		json_object_set_new(o, "file", jstr(f->file));
		json_object_set_new(o, "line", json_integer(f->line));
		json_object_set_new(o, "message", jstr(f->message));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "findings", arr);
	return pf_json_dump(out, len, root, "the baseline");
}
