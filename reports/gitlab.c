/*
 * The GitLab SAST report (gl-sast-report.json, security report schema
 * 15.0.7), for GitLab's merge-request widget, pipeline security tab and
 * vulnerability report: a CI job declares it as `artifacts: reports: sast:`.
 * One vulnerability per finding that is not suppressed, its id the
 * fingerprint written as a UUID, its rule as the primary identifier (with
 * the rule's page in docs/rules.md), its trace as details. Checked against
 * GitLab's schema by tests/cli/checks_integrations.py.
 *
 * The schema requires the scan's start and end times and the results do not
 * carry them: both are the time the report is written, or
 * SOURCE_DATE_EPOCH when it is set (reproducible reports, tests).
 */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "jsonpos.h"
#include "kinds.h"
#include "report_p.h"
#include "util.h"

#define SCHEMA_VERSION "15.0.7"
#define SCHEMA_URI "https://gitlab.com/gitlab-org/security-products/" \
                   "security-report-schemas/-/raw/v" SCHEMA_VERSION     \
                   "/dist/sast-report-format.json"
/* Trace steps spelled out in a description; the details list has them all. */
#define MAX_DESCRIBED_STEPS 100

/*
 * GitLab's severity of a privflow severity: an error (the policy is broken:
 * data goes where it must not) is High, a warning Medium, a note Low.
 * Critical is left to exploitable security flaws, which a privacy-flow
 * finding alone does not show.
 */
static const char *severity(int sev)
{
	switch (sev) {
	case PF_SEV_ERROR: return "High";
	case PF_SEV_WARNING: return "Medium";
	case PF_SEV_NOTE: return "Low";
	default: return "Unknown";
	}
}

/*
 * The report's time as "YYYY-MM-DDTHH:MM:SS" (UTC, no zone, as the schema
 * wants) in buf: SOURCE_DATE_EPOCH when it is set, else now (pf_time_now).
 */
static int report_time(char buf[32])
{
	struct tm tm;
	time_t t;
	int rc;

	if ((rc = pf_time_now(&t)) < 0)
		return rc;
	if (!gmtime_r(&t, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm)) {
		pf_error_set("cannot format the report's time");
		return PF_ERROR;
	}
	return PF_OK;
}

/* The vulnerability's id: the fingerprint (32 hex digits) as 8-4-4-4-12,
   the form the schema recommends; anything else (a store written by
   another tool) as it is, or "privflow-N" when empty. */
static json_t *id_json(const pf_finding *f, size_t n)
{
	const char *fp = f->fingerprint;
	char uuid[40];

	if (strlen(fp) == 32 && strspn(fp, "0123456789abcdefABCDEF") == 32) {
		snprintf(uuid, sizeof(uuid), "%.8s-%.4s-%.4s-%.4s-%.12s", fp,
		         fp + 8, fp + 12, fp + 16, fp + 20);
		return json_string(uuid);
	}
	if (*fp)
		return pf_report_json_str(fp);
	snprintf(uuid, sizeof(uuid), "privflow-%zu", n + 1);
	return json_string(uuid);
}

/*
 * Appends text for GitLab Flavored Markdown: control and bidi characters
 * and non-UTF-8 bytes as escapes, line breaks as spaces, and a backslash
 * before every character that could start markup or a GitLab reference
 * (a link or an image, by its [; HTML; @user, #issue, !merge-request,
 * ~label, %milestone, $snippet, &epic), so a crafted name cannot mention
 * anyone or pull in an image; an _ between two letters or digits stays as
 * it is (no emphasis there). In a code span (code != 0) a backtick
 * becomes '.
 */
static void put_md(pf_sbuf *b, const char *s, int code)
{
	const char *start = s;
	char esc[8];

	while (s && *s) {
		int n;

		if (*s == '\n' || *s == '\r') {
			pf_sbuf_puts(b, " ");
			s++;
			continue;
		}
		n = pf_text_char(s, esc);
		if (esc[0])
			pf_sbuf_puts(b, esc);
		else if (code && *s == '`')
			pf_sbuf_puts(b, "'");
		else {
			/* an _ inside a word (national_id) is no emphasis */
			int inword = *s == '_' && s > start && isalnum((unsigned char)s[-1]) &&
			             isalnum((unsigned char)s[1]);

			if (!code && !inword && strchr("\\`*_{}[]<>#|!~@%$&^+", *s))
				pf_sbuf_puts(b, "\\");
			pf_sbuf_add(b, s, (size_t)n);
		}
		s += n;
	}
}

/* `file:line:col` as a code span. */
static void put_loc(pf_sbuf *b, const char *file, uint32_t line, uint32_t col)
{
	pf_sbuf_puts(b, "`");
	put_md(b, file && *file ? file : "?", 1);
	if (line)
		pf_sbuf_printf(b, ":%u", line);
	if (line && col)
		pf_sbuf_printf(b, ":%u", col);
	pf_sbuf_puts(b, "`");
}

/* The message, the policy sentence it breaks and the trace, in Markdown. */
static json_t *description_json(const pf_finding *f)
{
	pf_sbuf b = {0};
	json_t *j;
	char *s;
	size_t i, n;

	put_md(&b, f->message && *f->message ? f->message : "(no message)", 0);
	if (f->policy_ref) {
		pf_sbuf_puts(&b, "\n\nThe policy says: \"");
		put_md(&b, f->policy_ref, 0);
		pf_sbuf_puts(&b, "\"");
	}
	if (f->ntrace)
		pf_sbuf_puts(&b, "\n\nTrace:\n");
	for (i = 0; i < f->ntrace && i < MAX_DESCRIBED_STEPS; i++) {
		const pf_step *st = &f->trace[i];

		pf_sbuf_printf(&b, "\n%zu. ", i + 1);
		put_loc(&b, st->file, st->line, st->col);
		if (st->note && *st->note) {
			pf_sbuf_puts(&b, " ");
			put_md(&b, st->note, 0);
		}
	}
	if (f->ntrace > MAX_DESCRIBED_STEPS)
		pf_sbuf_printf(&b, "\n\n(%zu more steps in the details)",
		               f->ntrace - MAX_DESCRIBED_STEPS);
	pf_sbuf_take(&b, &s, &n);
	j = pf_report_json_str(s);
	pf_free(s);
	return j;
}

/* {"name": NAME, "type": "text", "value": VALUE} under `key`, if value. */
static void detail_text(json_t *details, const char *key, const char *name,
                        const char *value)
{
	json_t *d;

	if (!value || !*value)
		return;
	d = json_object();
	json_object_set_new(d, "name", json_string(name));
	json_object_set_new(d, "type", json_string("text"));
	json_object_set_new(d, "value", pf_report_json_str(value));
	json_object_set_new(details, key, d);
}

/* What the finding is about (category, purpose, recipient, sink) and its
   trace as a list of file locations, which GitLab links to the code. */
static json_t *details_json(const pf_finding *f)
{
	json_t *d = json_object();
	size_t i;

	detail_text(d, "category", "Category",
	            f->categories ? f->categories : f->category);
	detail_text(d, "purpose", "Purpose", f->purpose);
	detail_text(d, "recipient", "Recipient", f->recipient);
	detail_text(d, "sink", "Sink", f->sink);
	detail_text(d, "fingerprint", "privflow fingerprint", f->fingerprint);
	if (f->ntrace) {
		json_t *t = json_object(), *items = json_array();

		for (i = 0; i < f->ntrace; i++) {
			const pf_step *st = &f->trace[i];
			json_t *loc;

			if (!st->file || !*st->file || !st->line)
				continue;
			loc = json_object();
			json_object_set_new(loc, "type", json_string("file-location"));
			json_object_set_new(loc, "file_name", pf_report_json_str(st->file));
			json_object_set_new(loc, "line_start", json_integer(st->line));
			json_array_append_new(items, loc);
		}
		json_object_set_new(t, "name", json_string("Trace"));
		json_object_set_new(t, "type", json_string("list"));
		json_object_set_new(t, "items", items);
		json_object_set_new(d, "trace", t);
	}
	return d;
}

/* {"type": "privflow_rule", "name", "value": rule id, "url": its page}. */
static json_t *identifier_json(int rule)
{
	json_t *id = json_object();
	char *s;

	json_object_set_new(id, "type", json_string("privflow_rule"));
	s = pf_asprintf("privflow rule %s", pf_rule_id(rule));
	json_object_set_new(id, "name", json_string(s));
	pf_free(s);
	json_object_set_new(id, "value", json_string(pf_rule_id(rule)));
	s = pf_asprintf("%s#%s", PF_RULES_DOC, pf_rule_id(rule));
	json_object_set_new(id, "url", json_string(s));
	pf_free(s);
	return id;
}

static json_t *vulnerability_json(const pf_finding *f, size_t n)
{
	json_t *v = json_object(), *loc = json_object(), *ids = json_array();
	const char *name = pf_rule_description(f->rule);

	json_object_set_new(v, "id", id_json(f, n));
	json_object_set_new(v, "name", json_string(*name ? name : pf_rule_id(f->rule)));
	json_object_set_new(v, "description", description_json(f));
	json_object_set_new(v, "severity", json_string(severity(f->severity)));
	if (f->file && *f->file)
		json_object_set_new(loc, "file", pf_report_json_str(f->file));
	if (f->line) {
		json_object_set_new(loc, "start_line", json_integer(f->line));
		json_object_set_new(loc, "end_line", json_integer(f->line));
	}
	if (f->function && *f->function)
		json_object_set_new(loc, "method", pf_report_json_str(f->function));
	json_object_set_new(v, "location", loc);
	json_array_append_new(ids, identifier_json(f->rule));
	json_object_set_new(v, "identifiers", ids);
	json_object_set_new(v, "details", details_json(f));
	return v;
}

/* The analyzer or scanner: privflow is both. */
static json_t *tool_json(const char *version)
{
	json_t *t = json_object(), *vendor = json_object();

	json_object_set_new(t, "id", json_string("privflow"));
	json_object_set_new(t, "name", json_string("privflow"));
	json_object_set_new(t, "url", json_string(PF_HOMEPAGE));
	json_object_set_new(t, "version", pf_report_json_str(*version ? version : "unknown"));
	json_object_set_new(vendor, "name", json_string("privflow"));
	json_object_set_new(t, "vendor", vendor);
	return t;
}

/* A warning per translation unit that did not parse, or parsed in part. */
static json_t *messages_json(const pf_results *r)
{
	json_t *msgs = json_array();
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		const pf_file_fact *f = &r->files[i];
		json_t *m;
		char *text;

		if (f->parsed && !f->partial)
			continue;
		text = pf_asprintf(f->parsed ? "%s had errors and was analysed in part: %s"
		                             : "%s did not parse and was skipped: %s",
		                   f->path ? f->path : "a file",
		                   f->error ? f->error : "unknown error");
		m = json_object();
		json_object_set_new(m, "level", json_string("warn"));
		json_object_set_new(m, "value", pf_report_json_str(text));
		pf_free(text);
		json_array_append_new(msgs, m);
	}
	return msgs;
}

int pf_report_gitlab_sast(char **out, size_t *len, const pf_report_ctx *ctx)
{
	const pf_results *r = ctx->results;
	const char *version = r->tool_version ? r->tool_version : PF_VERSION;
	json_t *root, *scan, *a;
	char when[32];
	size_t i;
	int rc;

	if ((rc = report_time(when)) < 0)
		return rc;
	root = json_object();
	scan = json_object();
	json_object_set_new(root, "version", json_string(SCHEMA_VERSION));
	json_object_set_new(root, "schema", json_string(SCHEMA_URI));

	json_object_set_new(scan, "analyzer", tool_json(version));
	json_object_set_new(scan, "scanner", tool_json(version));
	json_object_set_new(scan, "type", json_string("sast"));
	json_object_set_new(scan, "start_time", json_string(when));
	json_object_set_new(scan, "end_time", json_string(when));
	json_object_set_new(scan, "status", json_string("success"));
	a = messages_json(r);
	if (json_array_size(a))
		json_object_set_new(scan, "messages", a);
	else
		json_decref(a);
	/* every rule, so GitLab can tell a fixed vulnerability from one this
	   analyzer does not look for */
	a = json_array();
	for (i = 0; i < PF_RULE_COUNT; i++)
		json_array_append_new(a, identifier_json((int)i));
	json_object_set_new(scan, "primary_identifiers", a);
	json_object_set_new(root, "scan", scan);

	a = json_array();
	for (i = 0; i < r->nfindings; i++)
		if (!r->findings[i].suppression)
			json_array_append_new(a, vulnerability_json(&r->findings[i], i));
	json_object_set_new(root, "vulnerabilities", a);
	return pf_json_dump(out, len, root, "the report");
}
