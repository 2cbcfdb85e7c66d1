/*
 * The SARIF 2.1.0 report, for code-scanning services (GitHub, GitLab,
 * Azure DevOps) and IDE viewers: one run whose driver lists every rule,
 * one result per finding with its trace as a code flow and its
 * fingerprint as a partial fingerprint, paths relative to %SRCROOT%.
 * Checked by the official validator (tests/sarif_validate.sh).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonpos.h"
#include "kinds.h"
#include "policy.h"
#include "report_p.h"
#include "util.h"

#define SRCROOT "%SRCROOT%"

/* SARIF levels match our severity ids: "error", "warning", "note". */
static const char *level(int sev)
{
	return sev >= 0 && sev < PF_SEV_COUNT ? pf_severity_id(sev) : "note";
}

/* "undeclared-category" -> "UndeclaredCategory" in buf. */
static const char *pascal_case(const char *id, char *buf, size_t size)
{
	size_t n = 0;
	int up = 1;

	for (; *id && n + 1 < size; id++) {
		if (*id == '-' || *id == '.' || *id == '_') {
			up = 1;
			continue;
		}
		buf[n++] = up && *id >= 'a' && *id <= 'z' ? *id - 'a' + 'A' : *id;
		up = 0;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * Appends `s` percent-encoded as a URI path: unreserved characters,
 * sub-delimiters, ':', '@' and '/' stay, everything else (spaces, '%',
 * non-ASCII bytes) becomes %XX.
 */
static void put_uri_path(pf_sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~!$&'()*+,;=:@/", c)) {
			pf_sbuf_add(b, (const char *)&c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};

			pf_sbuf_add(b, e, 3);
		}
	}
}

static json_t *uri_json(const char *path)
{
	pf_sbuf b = {0};
	json_t *j;
	char *s;
	size_t n;

	if (path[0] == '/')
		pf_sbuf_puts(&b, "file://");
	else if (strcspn(path, ":/") < strcspn(path, "/"))
		/* "javascript:alert(1)/x.c" would read as a scheme: a relative
		   path whose first segment holds ':' starts with "./" (RFC 3986
		   section 4.2) */
		pf_sbuf_puts(&b, "./");
	put_uri_path(&b, path);
	pf_sbuf_take(&b, &s, &n);
	j = json_string(s);
	pf_free(s);
	return j;
}

/* Message text ending with a period, as SARIF viewers expect. */
static json_t *message_json(const char *text)
{
	json_t *o = json_object();
	size_t n = text ? strlen(text) : 0;

	if (!n)
		json_object_set_new(o, "text", json_string("(no message)."));
	else if (strchr(".!?", text[n - 1]))
		json_object_set_new(o, "text", pf_report_json_str(text));
	else {
		char *t = pf_asprintf("%s.", text);

		json_object_set_new(o, "text", pf_report_json_str(t));
		pf_free(t);
	}
	return o;
}

/* Index of `path` in the sorted files list, or -1. */
static long artifact_index(const pf_results *r, const char *path)
{
	size_t lo = 0, hi = r->nfiles;

	while (path && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->files[mid].path ? r->files[mid].path : "", path);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* {"physicalLocation": {"artifactLocation": {...}, "region": {...}}} */
static json_t *location_json(const pf_results *r, const char *file,
                             uint32_t line, uint32_t col)
{
	json_t *loc = json_object(), *phys = json_object(),
	       *art = json_object();
	long idx;

	if (file && *file) {
		json_object_set_new(art, "uri", uri_json(file));
		if (file[0] != '/' && r->root)
			json_object_set_new(art, "uriBaseId", json_string(SRCROOT));
		if ((idx = artifact_index(r, file)) >= 0)
			json_object_set_new(art, "index", json_integer(idx));
		json_object_set_new(phys, "artifactLocation", art);
	} else {
		json_decref(art);
	}
	if (line) {
		json_t *region = json_object();

		json_object_set_new(region, "startLine", json_integer(line));
		if (col)
			json_object_set_new(region, "startColumn", json_integer(col));
		json_object_set_new(phys, "region", region);
	}
	json_object_set_new(loc, "physicalLocation", phys);
	return loc;
}

static json_t *rules_json(const pf_report_ctx *ctx)
{
	const struct pf_policy *pol = ctx->policy;
	json_t *rules = json_array();
	int i;

	for (i = 0; i < PF_RULE_COUNT; i++) {
		const char *id = pf_rule_id(i);
		json_t *rule = json_object(), *conf = json_object(),
		       *props = json_object(), *tags = json_array();
		char name[64], *help, *full;
		int sev = pf_rule_default_severity(i), enabled = 1;
		const char *ref = NULL;

		if (pol) {
			if (pol->rules[i].severity >= 0)
				sev = pol->rules[i].severity;
			enabled = pol->rules[i].enabled;
			ref = pol->rules[i].ref;
		}
		json_object_set_new(rule, "id", json_string(id));
		json_object_set_new(rule, "name",
		                    json_string(pascal_case(id, name, sizeof(name))));
		json_object_set_new(rule, "shortDescription",
		                    message_json(pf_rule_description(i)));
		full = ref ? pf_asprintf("%s. The policy says: \"%s\"",
		                         pf_rule_description(i), ref)
		           : pf_strdup(pf_rule_description(i));
		json_object_set_new(rule, "fullDescription", message_json(full));
		pf_free(full);
		help = pf_asprintf("%s#%s", PF_RULES_DOC, id);
		json_object_set_new(rule, "helpUri", json_string(help));
		pf_free(help);
		json_object_set_new(conf, "level", json_string(level(sev)));
		if (!enabled)
			json_object_set_new(conf, "enabled", json_false());
		json_object_set_new(rule, "defaultConfiguration", conf);
		json_array_append_new(tags, json_string("privacy"));
		if (i == PF_RULE_CLEARTEXT_TRANSPORT ||
		    i == PF_RULE_PLAINTEXT_CREDENTIAL ||
		    i == PF_RULE_FORBIDDEN_STORAGE)
			json_array_append_new(tags, json_string("security"));
		json_object_set_new(props, "tags", tags);
		json_object_set_new(rule, "properties", props);
		json_array_append_new(rules, rule);
	}
	return rules;
}

static json_t *result_json(const pf_results *r, const pf_finding *f)
{
	json_t *res = json_object(), *locs = json_array(), *fp = json_object(),
	       *props = json_object();
	size_t i;

	json_object_set_new(res, "ruleId", json_string(pf_rule_id(f->rule)));
	json_object_set_new(res, "ruleIndex", json_integer(f->rule));
	json_object_set_new(res, "level", json_string(level(f->severity)));
	json_object_set_new(res, "message", message_json(f->message));
	json_array_append_new(locs, location_json(r, f->file, f->line, f->col));
	if (f->function) {
		json_t *logical = json_array(), *l = json_object();

		json_object_set_new(l, "name", pf_report_json_str(f->function));
		json_object_set_new(l, "kind", json_string("function"));
		json_array_append_new(logical, l);
		json_object_set_new(json_array_get(locs, 0), "logicalLocations",
		                    logical);
	}
	json_object_set_new(res, "locations", locs);
	if (f->ntrace) {
		json_t *flows = json_array(), *flow = json_object(),
		       *threads = json_array(), *thread = json_object(),
		       *tlocs = json_array();

		for (i = 0; i < f->ntrace; i++) {
			const pf_step *s = &f->trace[i];
			json_t *tl = json_object(),
			       *loc = location_json(r, s->file, s->line, s->col);

			json_object_set_new(loc, "message", message_json(s->note));
			json_object_set_new(tl, "location", loc);
			json_array_append_new(tlocs, tl);
		}
		json_object_set_new(thread, "locations", tlocs);
		json_array_append_new(threads, thread);
		json_object_set_new(flow, "threadFlows", threads);
		json_array_append_new(flows, flow);
		json_object_set_new(res, "codeFlows", flows);
	}
	json_object_set_new(fp, "privflow/v1", json_string(f->fingerprint));
	json_object_set_new(res, "partialFingerprints", fp);
	if (f->suppression) {
		json_t *sups = json_array(), *sup = json_object();
		json_object_set_new(sup, "kind", json_string(f->suppression));
		json_object_set_new(sup, "justification", pf_report_json_str(f->justification));
		json_array_append_new(sups, sup);
		json_object_set_new(res, "suppressions", sups);
	}
	if (f->category)
		json_object_set_new(props, "category", pf_report_json_str(f->category));
	if (f->categories)
		json_object_set_new(props, "categories", pf_report_json_list(f->categories));
	if (f->purpose)
		json_object_set_new(props, "purpose", pf_report_json_str(f->purpose));
	if (f->recipient)
		json_object_set_new(props, "recipient", pf_report_json_str(f->recipient));
	if (f->sink)
		json_object_set_new(props, "sink", pf_report_json_str(f->sink));
	if (f->policy_ref)
		json_object_set_new(props, "policyRef", pf_report_json_str(f->policy_ref));
	if (json_object_size(props))
		json_object_set_new(res, "properties", props);
	else
		json_decref(props);
	return res;
}

/* The run's invocation; a TU that did not parse is a notification. */
static json_t *invocations_json(const pf_results *r)
{
	json_t *invs = json_array(), *inv = json_object(), *notes = json_array();
	size_t i;

	json_object_set_new(inv, "executionSuccessful", json_true());
	for (i = 0; i < r->nfiles; i++) {
		const pf_file_fact *f = &r->files[i];
		json_t *n, *locs;
		char *text;

		if (f->parsed && !f->partial)
			continue;
		n = json_object();
		locs = json_array();
		text = pf_asprintf(f->parsed ? "%s had errors and was analysed "
		                               "in part: %s"
		                             : "%s did not parse and was skipped: %s",
		                   f->path ? f->path : "a file",
		                   f->error ? f->error : "unknown error");
		json_object_set_new(n, "level", json_string("warning"));
		json_object_set_new(n, "message", message_json(text));
		pf_free(text);
		json_array_append_new(locs, location_json(r, f->path, 0, 0));
		json_object_set_new(n, "locations", locs);
		json_array_append_new(notes, n);
	}
	if (json_array_size(notes))
		json_object_set_new(inv, "toolExecutionNotifications", notes);
	else
		json_decref(notes);
	json_array_append_new(invs, inv);
	return invs;
}

int pf_report_sarif(char **out, size_t *len, const pf_report_ctx *ctx)
{
	const pf_results *r = ctx->results;
	const char *version = r->tool_version ? r->tool_version : PF_VERSION;
	json_t *root = json_object(), *runs = json_array(), *run = json_object(),
	       *tool = json_object(), *driver = json_object(), *a;
	size_t i;

	json_object_set_new(root, "$schema",
	                    json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(root, "version", json_string("2.1.0"));

	json_object_set_new(driver, "name", json_string("privflow"));
	json_object_set_new(driver, "version", pf_report_json_str(version));
	json_object_set_new(driver, "semanticVersion", pf_report_json_str(version));
	json_object_set_new(driver, "informationUri", json_string(PF_HOMEPAGE));
	json_object_set_new(driver, "rules", rules_json(ctx));
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);

	json_object_set_new(run, "invocations", invocations_json(r));
	if (r->root) {
		json_t *bases = json_object(), *src = json_object();
		pf_sbuf b = {0};
		char *uri;
		size_t n;

		pf_sbuf_puts(&b, "file://");
		if (r->root[0] != '/')
			pf_sbuf_puts(&b, "/");
		put_uri_path(&b, r->root);
		if (!b.n || b.v[b.n - 1] != '/')
			pf_sbuf_puts(&b, "/");
		pf_sbuf_take(&b, &uri, &n);
		json_object_set_new(src, "uri", json_string(uri));
		pf_free(uri);
		json_object_set_new(bases, SRCROOT, src);
		json_object_set_new(run, "originalUriBaseIds", bases);
	}
	a = json_array();
	for (i = 0; i < r->nfiles; i++) {
		const pf_file_fact *f = &r->files[i];
		json_t *art = json_object(), *loc = json_object();

		json_object_set_new(loc, "uri", uri_json(f->path ? f->path : ""));
		if (f->path && f->path[0] != '/' && r->root)
			json_object_set_new(loc, "uriBaseId", json_string(SRCROOT));
		json_object_set_new(art, "location", loc);
		if (f->sha256) {
			json_t *h = json_object();

			json_object_set_new(h, "sha-256", pf_report_json_str(f->sha256));
			json_object_set_new(art, "hashes", h);
		}
		json_array_append_new(a, art);
	}
	if (json_array_size(a))
		json_object_set_new(run, "artifacts", a);
	else
		json_decref(a);

	a = json_array();
	for (i = 0; i < r->nfindings; i++)
		json_array_append_new(a, result_json(r, &r->findings[i]));
	json_object_set_new(run, "results", a);
	json_array_append_new(runs, run);
	json_object_set_new(root, "runs", runs);
	return pf_json_dump(out, len, root, "the report");
}
