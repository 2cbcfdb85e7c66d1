/*
 * Unit test of the GitLab SAST report (reports/gitlab.c) on the hand-built
 * pf_results: its shape, the severity mapping, ids from fingerprints,
 * suppressed findings left out, SOURCE_DATE_EPOCH for the scan's times
 * (and a malformed one refused), and Markdown escaping of the text GitLab
 * renders. The report of the example application is checked against
 * GitLab's schema by tests/cli/checks_integrations.py.
 * Exits 0 when every check passes, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "sample_results.h"

#include "check.h"

/* Renders the report, or NULL when the writer fails. */
static char *render(const pf_results *r)
{
	const pf_report_writer *w = pf_report_writer_find("gitlab-sast");
	pf_report_ctx ctx = {.results = r};
	char *out = NULL;
	size_t len = 0;

	CHECK(w != NULL);
	if (!w || w->render(&out, &len, &ctx) < 0)
		return NULL;
	CHECK(out && strlen(out) == len);
	return out;
}

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = s ? json_loads(s, 0, &e) : NULL;

	CHECK(j != NULL);
	return j;
}

static const char *str(json_t *o, const char *path)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); o && k; k = strtok_r(NULL, ".", &save))
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
	return json_string_value(o);
}

static void test_shape(const pf_results *r)
{
	char *s = render(r);
	json_t *j = parse(s), *v;
	char uuid[40];
	const char *fp = r->findings[0].fingerprint;

	if (!j)
		goto done;
	CHECK(!strcmp(str(j, "version"), "15.0.7"));
	CHECK(strstr(str(j, "schema"), "/v15.0.7/dist/sast-report-format.json"));
	CHECK(!strcmp(str(j, "scan.type"), "sast"));
	CHECK(!strcmp(str(j, "scan.status"), "success"));
	CHECK(!strcmp(str(j, "scan.analyzer.id"), "privflow"));
	CHECK(!strcmp(str(j, "scan.scanner.vendor.name"), "privflow"));
	CHECK(!strcmp(str(j, "scan.scanner.version"), "0.1.0"));
	CHECK(!strcmp(str(j, "scan.start_time"), "2023-11-14T22:13:20"));
	CHECK(!strcmp(str(j, "scan.end_time"), "2023-11-14T22:13:20"));
	/* the TU that failed and the partial one are warnings */
	CHECK(json_array_size(json_object_get(json_object_get(j, "scan"), "messages")) == 2);
	CHECK(!strcmp(str(j, "scan.messages.0.level"), "warn"));
	CHECK(json_array_size(json_object_get(json_object_get(j, "scan"),
	                                      "primary_identifiers")) == PF_RULE_COUNT);

	v = json_object_get(j, "vulnerabilities");
	CHECK(json_array_size(v) == 2);
	/* canonical order: src/auth.c (error) before src/mail.c (warning) */
	snprintf(uuid, sizeof(uuid), "%.8s-%.4s-%.4s-%.4s-%.12s", fp, fp + 8,
	         fp + 12, fp + 16, fp + 20);
	CHECK(!strcmp(str(v, "0.id"), uuid));
	CHECK(strlen(str(v, "0.id")) == 36);
	CHECK(!strcmp(str(v, "0.severity"), "High"));
	CHECK(!strcmp(str(v, "1.severity"), "Medium"));
	CHECK(!strcmp(str(v, "0.name"), pf_rule_description(PF_RULE_PLAINTEXT_CREDENTIAL)));
	CHECK(!strcmp(str(v, "0.identifiers.0.type"), "privflow_rule"));
	CHECK(!strcmp(str(v, "0.identifiers.0.value"), "plaintext-credential"));
	CHECK(strstr(str(v, "0.identifiers.0.url"), "/docs/rules.md#plaintext-credential"));
	CHECK(!strcmp(str(v, "0.location.file"), "src/auth.c"));
	CHECK(json_integer_value(json_object_get(json_object_get(json_array_get(v, 0),
	                                                         "location"), "start_line")) == 17);
	CHECK(!strcmp(str(v, "0.location.method"), "save_user"));
	CHECK(!strcmp(str(v, "1.details.trace.items.1.file_name"), "src/mail.c"));
	CHECK(!strcmp(str(v, "1.details.category.value"), "user.contact.email"));
	CHECK(!strcmp(str(v, "1.details.fingerprint.value"), r->findings[1].fingerprint));
	CHECK(strstr(str(v, "1.description"), "The policy says: \"Nous ne consignons"));
	CHECK(strstr(str(v, "1.description"), "\n1. `src/mail.c:30:9` email read from field user.email"));
	/* the same input, the same bytes */
	{
		char *again = render(r);

		CHECK(again && !strcmp(s, again));
		pf_free(again);
	}
done:
	json_decref(j);
	pf_free(s);
}

/* A suppressed finding is not a vulnerability. */
static void test_suppressed(pf_results *r)
{
	json_t *j;
	char *s;

	r->findings[0].suppression = "inSource";
	s = render(r);
	j = parse(s);
	CHECK(json_array_size(json_object_get(j, "vulnerabilities")) == 1);
	CHECK(!strcmp(str(j, "vulnerabilities.0.identifiers.0.value"), "sensitive-log"));
	r->findings[0].suppression = NULL;
	json_decref(j);
	pf_free(s);
}

/* Text that would be markup or a GitLab reference is backslashed. */
static void test_markdown(pf_results *r)
{
	const char *old = r->findings[1].message;
	json_t *j;
	char *s;

	r->findings[1].message = "national_id _x_ @admin ![i](http://e/x.png) #1 <b>\nnext";
	r->findings[1].trace[0].file = "src/a`b.c";
	s = render(r);
	j = parse(s);
	CHECK(strstr(str(j, "vulnerabilities.1.description"),
	             "national_id \\_x\\_ \\@admin \\!\\[i\\](http://e/x.png) \\#1 \\<b\\> next"));
	CHECK(strstr(str(j, "vulnerabilities.1.description"), "`src/a'b.c:30:9`"));
	r->findings[1].message = old;
	r->findings[1].trace[0].file = "src/mail.c";
	json_decref(j);
	pf_free(s);
}

static void test_epoch(const pf_results *r)
{
	char *s;

	setenv("SOURCE_DATE_EPOCH", "0", 1);
	s = render(r);
	CHECK(s && strstr(s, "\"start_time\": \"1970-01-01T00:00:00\""));
	pf_free(s);
	setenv("SOURCE_DATE_EPOCH", "12abc", 1);
	CHECK(render(r) == NULL);
	CHECK(strstr(pf_error_last(), "SOURCE_DATE_EPOCH"));
	setenv("SOURCE_DATE_EPOCH", "-5", 1);
	CHECK(render(r) == NULL);
	unsetenv("SOURCE_DATE_EPOCH");
	s = render(r); /* now */
	CHECK(s && strstr(s, "\"start_time\": \"2"));
	pf_free(s);
}

static void test_empty(void)
{
	pf_results *r = pf_calloc(1, sizeof(*r));
	json_t *j;
	char *s;

	r->arena = pf_arena_new();
	pf_results_finish(r);
	s = render(r);
	j = parse(s);
	CHECK(json_is_array(json_object_get(j, "vulnerabilities")));
	CHECK(json_array_size(json_object_get(j, "vulnerabilities")) == 0);
	CHECK(json_object_get(json_object_get(j, "scan"), "messages") == NULL);
	json_decref(j);
	pf_free(s);
	pf_results_free(r);
}

int main(void)
{
	pf_results *r = sample_results();

	CHECK(!strcmp(pf_report_writer_find("gitlab-sast")->extension, "gitlab-sast.json"));
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	test_shape(r);
	test_suppressed(r);
	test_markdown(r);
	test_empty();
	test_epoch(r);
	pf_results_free(r);
	if (failures)
		fprintf(stderr, "test_gitlab: %d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
