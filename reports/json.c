/*
 * The JSON report: the findings with their traces and fingerprints, a
 * summary, the data inventory and the files read, for CI and scripts.
 * The shape is fixed (docs/DESIGN "JSON output"), keys come out in a
 * fixed order, and nothing depends on the clock or the machine: no
 * timestamps, no absolute paths.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "disclosure.h"
#include "jsonpos.h"
#include "kinds.h"
#include "report_p.h"
#include "rundiff.h"
#include "util.h"

/* A string, or null for an absent one. A byte that is not UTF-8 (a file
   name in Latin-1) becomes the four characters \xNN, so the name can be
   recovered, rather than losing the whole value. */
json_t *pf_report_json_str(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	json_t *j;
	pf_sbuf b = {0};
	char *copy;
	size_t n;
	uint32_t c;

	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	while (*s) {
		int k = pf_utf8_decode(s, &c);
		if (k) {
			pf_sbuf_add(&b, s, (size_t)k);
			s += k;
		} else {
			char e[4] = {'\\', 'x', hex[(unsigned char)*s >> 4], hex[*s & 15]};
			pf_sbuf_add(&b, e, 4);
			s++;
		}
	}
	pf_sbuf_take(&b, &copy, &n);
	j = json_stringn(copy, n);
	pf_free(copy);
	return j ? j : json_null();
}

/* "hashed,redacted" -> ["hashed", "redacted"]; NULL or "" -> []. */
json_t *pf_report_json_list(const char *csv)
{
	json_t *a = json_array();

	for (const char *p = csv; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *item = pf_strndup(p, n);
		json_array_append_new(a, pf_report_json_str(item));
		pf_free(item);
		p += n + (end != NULL);
	}
	return a;
}

static json_t *finding_json(const pf_finding *f)
{
	json_t *o = json_object(), *trace = json_array();
	size_t i;

	json_object_set_new(o, "rule", json_string(pf_rule_id(f->rule)));
	json_object_set_new(o, "severity",
	                    json_string(pf_severity_id(f->severity)));
	json_object_set_new(o, "category", pf_report_json_str(f->category));
	if (f->categories)
		json_object_set_new(o, "categories", pf_report_json_list(f->categories));
	json_object_set_new(o, "purpose", pf_report_json_str(f->purpose));
	json_object_set_new(o, "recipient", pf_report_json_str(f->recipient));
	json_object_set_new(o, "sink", pf_report_json_str(f->sink));
	json_object_set_new(o, "file", pf_report_json_str(f->file));
	json_object_set_new(o, "line", json_integer(f->line));
	json_object_set_new(o, "column", json_integer(f->col));
	json_object_set_new(o, "message", pf_report_json_str(f->message));
	for (i = 0; i < f->ntrace; i++) {
		const pf_step *s = &f->trace[i];
		json_t *step = json_object();

		json_object_set_new(step, "file", pf_report_json_str(s->file));
		json_object_set_new(step, "line", json_integer(s->line));
		json_object_set_new(step, "column", json_integer(s->col));
		json_object_set_new(step, "note", pf_report_json_str(s->note));
		json_array_append_new(trace, step);
	}
	json_object_set_new(o, "trace", trace);
	json_object_set_new(o, "fingerprint", json_string(f->fingerprint));
	if (f->suppression) {
		json_t *sup = json_object();
		json_object_set_new(sup, "kind", json_string(f->suppression));
		json_object_set_new(sup, "justification", pf_report_json_str(f->justification));
		json_object_set_new(o, "suppression", sup);
	}
	return o;
}

static json_t *summary_json(const pf_results *r)
{
	json_t *o = json_object(), *by_rule = json_object(),
	       *by_sev = json_object();
	size_t sev[PF_SEV_COUNT], rule[PF_RULE_COUNT];
	int i;

	pf_report_count(r, sev, rule);
	json_object_set_new(o, "findings", json_integer((json_int_t)r->nfindings));
	/* the CI gate: findings a baseline accepted (not in "findings"), and
	   the baseline's entries no finding matches any more */
	json_object_set_new(o, "baselined", json_integer((json_int_t)r->nbaselined));
	json_object_set_new(o, "suppressed", json_integer((json_int_t)pf_report_nsuppressed(r)));
	json_object_set_new(o, "baseline_gone", json_integer((json_int_t)r->nbaseline_gone));
	/* Most severe first, every severity present (0 included). */
	for (i = PF_SEV_COUNT - 1; i >= 0; i--)
		json_object_set_new(by_sev, pf_severity_id(i),
		                    json_integer((json_int_t)sev[i]));
	json_object_set_new(o, "by_severity", by_sev);
	/* Rules in their kinds.def order, only those that fired. */
	for (i = 0; i < PF_RULE_COUNT; i++)
		if (rule[i])
			json_object_set_new(by_rule, pf_rule_id(i),
			                    json_integer((json_int_t)rule[i]));
	json_object_set_new(o, "by_rule", by_rule);
	json_object_set_new(o, "files", json_integer((json_int_t)r->nfiles));
	json_object_set_new(o, "tus", json_integer((json_int_t)r->ntus));
	json_object_set_new(o, "tus_failed",
	                    json_integer((json_int_t)r->ntus_failed));
	json_object_set_new(o, "tus_partial",
	                    json_integer((json_int_t)r->ntus_partial));
	json_object_set_new(o, "functions",
	                    json_integer((json_int_t)r->nfunctions));
	json_object_set_new(o, "flows", json_integer((json_int_t)r->nflows));
	json_object_set_new(o, "uses", json_integer((json_int_t)r->nuses));
	return o;
}

static json_t *use_json(const pf_use *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "category", pf_report_json_str(u->category));
	json_object_set_new(o, "kind", pf_report_json_str(u->kind));
	json_object_set_new(o, "sink", pf_report_json_str(u->sink));
	json_object_set_new(o, "target", pf_report_json_str(u->target));
	json_object_set_new(o, "purpose", pf_report_json_str(u->purpose));
	json_object_set_new(o, "transforms", pf_report_json_list(u->transforms));
	json_object_set_new(o, "function", pf_report_json_str(u->function));
	json_object_set_new(o, "file", pf_report_json_str(u->file));
	json_object_set_new(o, "line", json_integer(u->line));
	json_object_set_new(o, "column", json_integer(u->col));
	return o;
}

static json_t *file_json(const pf_file_fact *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "path", pf_report_json_str(f->path));
	json_object_set_new(o, "sha256", pf_report_json_str(f->sha256));
	json_object_set_new(o, "parsed", json_boolean(f->parsed));
	json_object_set_new(o, "partial", json_boolean(f->partial));
	json_object_set_new(o, "error", pf_report_json_str(f->error));
	return o;
}

/* {"grades": {"clear": N, ...}, "flows": [...]}: how the policy
   discloses each flow of the inventory (analyzer/disclosure.h). */
static json_t *disclosure_json(const pf_report_ctx *ctx)
{
	pf_arena *a = pf_arena_new();
	size_t n, count[PF_GRADE_COUNT];
	pf_disclosure *d = pf_disclosure_grade(ctx->policy, ctx->results, a, &n, count);
	json_t *o = json_object(), *grades = json_object(), *flows = json_array();

	for (int g = 0; g < PF_GRADE_COUNT; g++)
		json_object_set_new(grades, pf_grade_id(g), json_integer((json_int_t)count[g]));
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_object();

		json_object_set_new(f, "category", pf_report_json_str(d[i].category));
		json_object_set_new(f, "kind", pf_report_json_str(d[i].kind));
		json_object_set_new(f, "recipient", pf_report_json_str(d[i].recipient));
		json_object_set_new(f, "purpose", pf_report_json_str(d[i].purpose));
		json_object_set_new(f, "grade", json_string(pf_grade_id(d[i].grade)));
		json_object_set_new(f, "reason", pf_report_json_str(d[i].reason));
		json_object_set_new(f, "broader", pf_report_json_str(d[i].broader));
		json_object_set_new(f, "levels", json_integer(d[i].levels));
		json_object_set_new(f, "policy_ref", pf_report_json_str(d[i].policy_ref));
		json_object_set_new(f, "uses", json_integer((json_int_t)d[i].nuses));
		json_object_set_new(f, "file", pf_report_json_str(d[i].file));
		json_object_set_new(f, "line", json_integer(d[i].line));
		json_array_append_new(flows, f);
	}
	json_object_set_new(o, "grades", grades);
	json_object_set_new(o, "flows", flows);
	pf_arena_free(a);
	return o;
}

/* {"since_run": N, "categories": {"added": [...], "removed": [...]}, ...,
   "findings": {"added": [finding...], "removed": [finding...]}}. */
static json_t *changes_json(const pf_report_ctx *ctx)
{
	pf_arena *a = pf_arena_new();
	pf_run_diff d;
	json_t *o = json_object();

	pf_run_diff_compute(&d, ctx->previous, ctx->results, a);
	json_object_set_new(o, "since_run", json_integer(ctx->previous_run));
	for (int p = 0; p < PF_DIFF_PARTS; p++) {
		json_t *part = json_object();
		const pf_diff_list *l[2] = {&d.added[p], &d.removed[p]};

		for (int k = 0; k < 2; k++) {
			json_t *arr = json_array();

			for (size_t i = 0; i < l[k]->n; i++)
				json_array_append_new(arr, l[k]->findings ? finding_json(l[k]->findings[i])
				                                          : pf_report_json_str(l[k]->v[i]));
			json_object_set_new(part, k ? "removed" : "added", arr);
		}
		json_object_set_new(o, pf_diff_part_name(p), part);
	}
	pf_arena_free(a);
	return o;
}

/*
 * {"version":1, "findings":[...], "summary":{...}, "inventory":[...],
 *  "disclosure":{...} (with a policy), "changes":{...} (report --compare),
 *  "files":[...],
 *  "tool":{"name","version"}}; absent strings are null.
 */
int pf_report_json(char **out, size_t *len, const pf_report_ctx *ctx)
{
	const pf_results *r = ctx->results;
	json_t *root = json_object(), *a;
	size_t i;

	json_object_set_new(root, "version", json_integer(1));
	a = json_array();
	for (i = 0; i < r->nfindings; i++)
		json_array_append_new(a, finding_json(&r->findings[i]));
	json_object_set_new(root, "findings", a);
	json_object_set_new(root, "summary", summary_json(r));
	a = json_array();
	for (i = 0; i < r->nuses; i++)
		json_array_append_new(a, use_json(&r->uses[i]));
	json_object_set_new(root, "inventory", a);
	if (ctx->policy)
		json_object_set_new(root, "disclosure", disclosure_json(ctx));
	if (ctx->previous)
		json_object_set_new(root, "changes", changes_json(ctx));
	a = json_array();
	for (i = 0; i < r->nfiles; i++)
		json_array_append_new(a, file_json(&r->files[i]));
	json_object_set_new(root, "files", a);
	a = json_object();
	json_object_set_new(a, "name", json_string("privflow"));
	json_object_set_new(a, "version",
	                    json_string(r->tool_version ? r->tool_version
	                                                : PF_VERSION));
	json_object_set_new(root, "tool", a);
	return pf_json_dump(out, len, root, "the report");
}
