/*
 * Unit test of the report writers on a hand-built pf_results: the text
 * report's gcc-style lines, the JSON report's shape and key order, and
 * the SARIF report's code flows and fingerprints. With an argument, also
 * writes the SARIF to that path so tests/sarif_validate.sh can check it.
 * Exits 0 when every check passes, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "policy.h"
#include "report.h"
#include "sample_results.h"

#include "check.h"

/* A policy that overrides two rules (fields set by hand: the test needs
   no policy file). */
static pf_policy test_policy;

static char *render_with(const char *format, const pf_results *r, int color,
                         const pf_policy *pol)
{
	const pf_report_writer *w = pf_report_writer_find(format);
	pf_report_ctx ctx = {.results = r, .policy = pol, .color = color};
	char *out = NULL;
	size_t len = 0;

	CHECK(w != NULL);
	if (!w)
		return pf_strdup("");
	CHECK(w->render(&out, &len, &ctx) == 0);
	CHECK(out && strlen(out) == len);
	return out;
}

static char *render(const char *format, const pf_results *r, int color)
{
	return render_with(format, r, color, NULL);
}

/* `a` occurs in `s` before `b`. */
static int before(const char *s, const char *a, const char *b)
{
	const char *pa = strstr(s, a), *pb = strstr(s, b);

	return pa && pb && pa < pb;
}

static void test_registry(void)
{
	CHECK(pf_report_writer_find("nope") == NULL);
	CHECK(pf_report_writer_find(NULL) == NULL);
	CHECK(strstr(pf_report_formats(), "text") != NULL);
	CHECK(strstr(pf_report_formats(), "sarif") != NULL);
	CHECK(!strcmp(pf_report_writer_find("sarif")->extension, "sarif"));
}

static void test_text(const pf_results *r)
{
	char *s = render("text", r, 0), *c, *last;

	CHECK(!strncmp(s, "src/auth.c:17:3: error: password stored without "
	                  "hashing [plaintext-credential]\n", 77));
	CHECK(strstr(s, "\nsrc/auth.c:12:20: note: password parameter\n"));
	CHECK(strstr(s, "\nsrc/mail.c:42:5: warning: user.contact.email is "
	                "written to a log unredacted (read at src/mail.c:30) "
	                "[sensitive-log]\n"));
	CHECK(strstr(s, "\nsrc/mail.c:30:9: note: email read from field "
	                "user.email\n"));
	CHECK(before(s, "[plaintext-credential]", "[sensitive-log]"));
	CHECK(!strchr(s, '\033'));
	last = strrchr(s, '\n');
	CHECK(last && last[1] == '\0');
	*last = '\0';
	last = strrchr(s, '\n');
	CHECK(last && !strcmp(last + 1, "privflow: 1 error, 1 warning in 3 "
	                                "files (1 failed to parse, 1 analysed "
	                                "in part)"));
	pf_free(s);

	c = render("text", r, 1);
	CHECK(strstr(c, "\033[01;31merror:\033[m"));
	pf_free(c);
}

static void test_json(const pf_results *r)
{
	char *s = render("json", r, 0);
	json_error_t err;
	json_t *root = json_loads(s, 0, &err), *f, *t;
	const char *key;
	json_t *v;
	static const char *const top[] = {"version", "findings", "summary",
	                                  "inventory", "files", "tool"};
	static const char *const fkeys[] = {
		"rule", "severity", "category", "purpose", "recipient", "sink",
		"file", "line", "column", "message", "trace", "fingerprint"};
	size_t i = 0;

	CHECK(root != NULL);
	if (!root) {
		fprintf(stderr, "json: %s\n", err.text);
		return;
	}
	/* Key order as written (checked on the text: the parser may not
	   keep it). */
	for (i = 0; i + 1 < sizeof(top) / sizeof(top[0]); i++) {
		char a[32], b[32];

		snprintf(a, sizeof(a), "\n  \"%s\":", top[i]);
		snprintf(b, sizeof(b), "\n  \"%s\":", top[i + 1]);
		CHECK(before(s, a, b));
	}
	for (i = 0; i + 1 < sizeof(fkeys) / sizeof(fkeys[0]); i++) {
		char a[32], b[32];

		snprintf(a, sizeof(a), "\"%s\":", fkeys[i]);
		snprintf(b, sizeof(b), "\"%s\":", fkeys[i + 1]);
		CHECK(before(s, a, b));
	}
	CHECK(json_object_size(root) == 6);
	CHECK(json_integer_value(json_object_get(root, "version")) == 1);
	CHECK(json_array_size(json_object_get(root, "findings")) == 2);
	f = json_array_get(json_object_get(root, "findings"), 0);
	CHECK(json_object_size(f) == 12);
	json_object_foreach(f, key, v) {
		int known = 0;

		for (i = 0; i < sizeof(fkeys) / sizeof(fkeys[0]); i++)
			known |= !strcmp(key, fkeys[i]);
		CHECK(known);
	}
	CHECK(!strcmp(json_string_value(json_object_get(f, "rule")),
	              "plaintext-credential"));
	CHECK(json_is_null(json_object_get(f, "purpose")));
	CHECK(json_is_null(json_object_get(f, "recipient")));
	CHECK(json_integer_value(json_object_get(f, "line")) == 17);
	CHECK(json_integer_value(json_object_get(f, "column")) == 3);
	CHECK(strlen(json_string_value(json_object_get(f, "fingerprint"))) ==
	      32);
	t = json_array_get(json_object_get(f, "trace"), 0);
	CHECK(!strcmp(json_string_value(json_object_get(t, "note")),
	              "password parameter"));
	CHECK(json_integer_value(json_object_get(t, "column")) == 20);
	v = json_object_get(root, "summary");
	CHECK(json_integer_value(json_object_get(v, "findings")) == 2);
	CHECK(json_integer_value(json_object_get(
	          json_object_get(v, "by_rule"), "sensitive-log")) == 1);
	CHECK(json_integer_value(json_object_get(
	          json_object_get(v, "by_severity"), "error")) == 1);
	CHECK(json_integer_value(json_object_get(v, "tus_failed")) == 1);
	CHECK(json_array_size(json_object_get(root, "inventory")) == 3);
	CHECK(json_array_size(json_object_get(root, "files")) == 3);
	CHECK(!strcmp(json_string_value(json_object_get(
	                  json_object_get(root, "tool"), "name")),
	              "privflow"));
	CHECK(!strstr(s, "/home/dev")); /* no absolute paths */
	json_decref(root);
	pf_free(s);
}

static void test_sarif(const pf_results *r, const char *save)
{
	char *s;
	json_t *root, *run, *res, *flow, *loc, *rule;
	int i;

	for (i = 0; i < PF_RULE_COUNT; i++) {
		test_policy.rules[i].severity = -1;
		test_policy.rules[i].enabled = 1;
	}
	test_policy.rules[PF_RULE_UNDECLARED_CATEGORY].enabled = 0;
	test_policy.rules[PF_RULE_SENSITIVE_LOG].severity = PF_SEV_ERROR;
	test_policy.rules[PF_RULE_SENSITIVE_LOG].ref =
		"Vos données ne sont jamais écrites dans nos journaux.";
	s = render_with("sarif", r, 0, &test_policy);
	root = json_loads(s, 0, NULL);

	CHECK(root != NULL);
	if (!root)
		return;
	CHECK(!strcmp(json_string_value(json_object_get(root, "version")),
	              "2.1.0"));
	run = json_array_get(json_object_get(root, "runs"), 0);
	CHECK(json_array_size(json_object_get(json_object_get(
	          json_object_get(run, "tool"), "driver"), "rules")) ==
	      PF_RULE_COUNT);
	rule = json_array_get(json_object_get(json_object_get(json_object_get(
	           run, "tool"), "driver"), "rules"), PF_RULE_SENSITIVE_LOG);
	CHECK(!strcmp(json_string_value(json_object_get(rule, "id")),
	              "sensitive-log"));
	CHECK(!strcmp(json_string_value(json_object_get(json_object_get(
	                  rule, "defaultConfiguration"), "level")), "error"));
	CHECK(strstr(json_string_value(json_object_get(json_object_get(
	          rule, "fullDescription"), "text")), "journaux"));
	CHECK(!strcmp(json_string_value(json_object_get(rule, "helpUri")) +
	              strlen(json_string_value(json_object_get(rule,
	                                                       "helpUri"))) -
	              strlen("docs/rules.md#sensitive-log"),
	              "docs/rules.md#sensitive-log"));
	rule = json_array_get(json_object_get(json_object_get(json_object_get(
	           run, "tool"), "driver"), "rules"), PF_RULE_UNDECLARED_CATEGORY);
	CHECK(json_is_false(json_object_get(json_object_get(
	          rule, "defaultConfiguration"), "enabled")));
	CHECK(!strcmp(json_string_value(json_object_get(json_object_get(
	                  json_object_get(run, "originalUriBaseIds"),
	                  "%SRCROOT%"), "uri")),
	              "file:///home/dev/my%20app/"));
	res = json_array_get(json_object_get(run, "results"), 1);
	CHECK(!strcmp(json_string_value(json_object_get(res, "ruleId")),
	              "sensitive-log"));
	CHECK(json_integer_value(json_object_get(res, "ruleIndex")) ==
	      PF_RULE_SENSITIVE_LOG);
	CHECK(!strcmp(json_string_value(json_object_get(res, "level")),
	              "warning"));
	CHECK(!strcmp(json_string_value(json_object_get(
	                  json_object_get(res, "partialFingerprints"),
	                  "privflow/v1")),
	              r->findings[1].fingerprint));
	flow = json_array_get(json_object_get(json_array_get(
	           json_object_get(res, "codeFlows"), 0), "threadFlows"), 0);
	CHECK(json_array_size(json_object_get(flow, "locations")) == 2);
	loc = json_object_get(json_array_get(json_object_get(flow, "locations"),
	                                     0), "location");
	CHECK(!strcmp(json_string_value(json_object_get(
	                  json_object_get(loc, "message"), "text")),
	              "email read from field user.email."));
	CHECK(json_integer_value(json_object_get(json_object_get(
	          json_object_get(loc, "physicalLocation"), "region"),
	          "startLine")) == 30);
	loc = json_object_get(json_object_get(json_array_get(
	          json_object_get(res, "locations"), 0), "physicalLocation"),
	          "artifactLocation");
	CHECK(!strcmp(json_string_value(json_object_get(loc, "uri")),
	              "src/mail.c"));
	CHECK(!strcmp(json_string_value(json_object_get(loc, "uriBaseId")),
	              "%SRCROOT%"));
	CHECK(!strcmp(json_string_value(json_object_get(
	                  json_object_get(res, "properties"), "category")),
	              "user.contact.email"));
	json_decref(root);
	if (save) {
		FILE *fp = fopen(save, "w");

		CHECK(fp && fputs(s, fp) >= 0 && fclose(fp) == 0);
	}
	pf_free(s);
}

static void test_md(const pf_results *r)
{
	char *s = render("md", r, 0);

	CHECK(!strncmp(s, "# privflow report\n", 18));
	CHECK(strstr(s, "## Data inventory"));
	CHECK(strstr(s, "| `user.contact.email` | sent | `network.tls` | "
	                "`email-service-provider` |"));
	CHECK(strstr(s, "> Policy: Nous ne consignons jamais"));
	CHECK(before(s, "`plaintext-credential`", "## Data inventory"));
	pf_free(s);
}

static void test_empty(void)
{
	pf_results *r = pf_calloc(1, sizeof(*r));
	char *s;

	r->arena = pf_arena_new();
	pf_results_finish(r);
	s = render("text", r, 0);
	CHECK(!strcmp(s, "privflow: no findings in 0 files\n"));
	pf_free(s);
	pf_free(render("json", r, 0));
	pf_free(render("sarif", r, 0));
	pf_free(render("md", r, 0));
	pf_results_free(r);
}

int main(int argc, char **argv)
{
	pf_results *r = sample_results();

	test_registry();
	test_text(r);
	test_json(r);
	test_sarif(r, argc > 1 ? argv[1] : NULL);
	test_md(r);
	test_empty();
	pf_results_free(r);
	if (failures)
		fprintf(stderr, "test_reports: %d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
