/*
 * Golden tests of the data-flow graphs (reports/graph.c): a hand-built
 * pf_results is rendered as DOT with the options of each case, and the
 * output is compared byte for byte with tests/graphs/<case>/expected.dot.
 * A failing case leaves its output in tests/graphs/<case>.actual.dot under
 * the build tree and prints the diff command; PF_REGEN=1 rewrites the
 * expected files (review them as a diff). Also checks that the output is
 * deterministic, that text from the code is escaped in DOT and in SVG,
 * and that the svg and html writers run. Exits 0 when every check passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kinds.h"
#include "report.h"
#include "results.h"
#include "util.h"

#include "check.h"

/*
 * Results of a small invoicing service: a password hashed into storage
 * through a helper also used for e-mail, an e-mail logged unredacted,
 * card data sent to a processor and (wrongly) to a cleartext peer, two
 * interchangeable handlers (merged on the map), an undeclared category
 * (no flow, a finding at the declaration) and an erasure entry point that
 * misses a store. Strings carry characters DOT and HTML must escape.
 */
static pf_results *graph_results(void)
{
	pf_results *r = pf_calloc(1, sizeof(*r));
	pf_arena *a = pf_arena_new();
	pf_finding *f;
	pf_step *t;
	pf_use *u;
	size_t n = 0;

	r->arena = a;
	r->tool_version = "0.1.0";
	r->root = "/nonexistent/project";
	r->policy_name = "Facturi";
	r->ntus = 4;
	r->nflows = 9;

	r->nfindings = 4;
	r->findings = f = pf_arena_alloc(a, 4 * sizeof(*f));
	f[0] = (pf_finding){
		.rule = PF_RULE_SENSITIVE_LOG, .severity = PF_SEV_WARNING,
		.category = "user.contact.email", .purpose = "essential.service",
		.sink = "log", .function = "signup_create", .file = "src/auth/signup.c",
		.line = 42, .col = 5,
		.message = "user.contact.email is written to a log unredacted",
		.policy_ref = "Nous ne consignons jamais vos <données> \"personnelles\"."};
	f[0].ntrace = 3;
	f[0].trace = t = pf_arena_alloc(a, 3 * sizeof(*t));
	t[0] = (pf_step){"src/auth/signup.c", 30, 9, "email read from field req->email"};
	t[1] = (pf_step){"src/auth/signup.c", 35, 3, "copied by snprintf into buf \"<b>%s</b>\\n\""};
	t[2] = (pf_step){"src/auth/signup.c", 42, 5, "passed to syslog"};

	f[1] = (pf_finding){
		.rule = PF_RULE_CLEARTEXT_TRANSPORT, .severity = PF_SEV_ERROR,
		.category = "user.financial.credit_card",
		.purpose = "essential.service.payment_processing", .sink = "network",
		.function = "legacy_push", .file = "src/pay/legacy.c", .line = 12,
		.col = 2, .message = "card data leaves over a cleartext socket"};
	f[1].ntrace = 2;
	f[1].trace = t = pf_arena_alloc(a, 2 * sizeof(*t));
	t[0] = (pf_step){"src/pay/card.c", 8, 1, "card number parameter"};
	t[1] = (pf_step){"src/pay/legacy.c", 12, 2, "passed to send"};

	f[2] = (pf_finding){
		.rule = PF_RULE_UNDECLARED_CATEGORY, .severity = PF_SEV_WARNING,
		.category = "user.demographic.date_of_birth", .file = "include/model.h",
		.line = 20, .col = 7,
		.message = "'dob' holds user.demographic.date_of_birth"};
	f[2].ntrace = 1;
	f[2].trace = t = pf_arena_alloc(a, sizeof(*t));
	t[0] = (pf_step){"include/model.h", 20, 7, "declared here"};

	f[3] = (pf_finding){
		.rule = PF_RULE_INCOMPLETE_ERASURE, .severity = PF_SEV_ERROR,
		.category = "user.contact.email", .function = "account_close",
		.file = "src/account/close.c", .line = 50, .col = 6,
		.message = "account_close does not clear the store 'newsletter'"};

	r->uses = u = pf_arena_alloc(a, 16 * sizeof(*u));
	u[n++] = (pf_use){"user.authorization.password", "collected", NULL, NULL,
	                  NULL, "", NULL, "include/model.h", 10, 7};
	u[n++] = (pf_use){"user.authorization.password", "stored", "storage",
	                  NULL, "essential.service", "hashed", "bind_text",
	                  "src/db.c", 18, 2};
	u[n++] = (pf_use){"user.contact.email", "stored", "storage", NULL,
	                  "essential.service", "", "bind_text", "src/db.c", 18, 2};
	u[n++] = (pf_use){"user.contact.email", "logged", "log", NULL,
	                  "essential.service", "", "signup_create",
	                  "src/auth/signup.c", 42, 5};
	u[n++] = (pf_use){"user.contact.email", "logged", "log", NULL,
	                  "essential.service", "redacted", "handle_signup",
	                  "src/app.c", 20, 3};
	u[n++] = (pf_use){"user.contact.email", "logged", "log", NULL,
	                  "essential.service", "redacted", "handle_confirm",
	                  "src/app.c", 40, 3};
	u[n++] = (pf_use){"user.contact.email", "sent", "network.tls",
	                  "email-service-provider", "marketing.communications",
	                  "", "newsletter_send", "src/mail/news\\letter.c", 60, 4};
	u[n++] = (pf_use){"user.financial.credit_card", "sent", "network.tls",
	                  "payment-processor",
	                  "essential.service.payment_processing", "",
	                  "stripe_charge", "src/pay/stripe.c", 30, 2};
	u[n++] = (pf_use){"user.financial.credit_card", "sent", "network",
	                  "legacy.example \"<i>\"",
	                  "essential.service.payment_processing", "",
	                  "legacy_push", "src/pay/legacy.c", 12, 2};
	u[n++] = (pf_use){"user.device.ip_address", "sent", "network.tls",
	                  "stats.example", "analytics.reporting", "anonymized",
	                  "stats_post", "src/stats.c", 51, 2};
	r->nuses = n;

	r->nfunctions = 3;
	r->functions = pf_arena_alloc(a, 3 * sizeof(*r->functions));
	r->functions[0] = (pf_function_fact){"signup_create", "src/auth/signup.c",
	                                     25, "essential.service"};
	r->functions[1] = (pf_function_fact){"card_read", "src/pay/card.c", 5,
	                                     NULL};
	r->functions[2] = (pf_function_fact){"legacy_push", "src/pay/legacy.c",
	                                     9, NULL};
	pf_results_finish(r);
	return r;
}

typedef struct gcase {
	const char *name;
	pf_graph_options opts;
} gcase;

static const gcase cases[] = {
	{"by-purpose", {0}},
	{"by-file", {.by_file = 1}},
	{"category-contact", {.category = "user.contact"}},
	{"rule-cleartext", {.rule = "cleartext-transport"}},
	{"purpose-payment", {.purpose = "essential.service.payment_processing"}},
};

static char *render(const char *format, const pf_results *r,
                    const pf_graph_options *opts, size_t *len)
{
	const pf_report_writer *w = pf_report_writer_find(format);
	pf_report_ctx ctx = {.results = r, .graph = *opts};
	char *out = NULL;

	CHECK(w != NULL);
	if (!w || w->render(&out, len, &ctx) != 0) {
		CHECK(!"render failed");
		return pf_strdup("");
	}
	CHECK(strlen(out) == *len);
	return out;
}

static void golden(const pf_results *r, const gcase *c)
{
	char *expected_path = pf_asprintf("%s/tests/graphs/%s/expected.dot",
	                                  PF_TEST_SOURCE_DIR, c->name);
	char *actual_path = pf_asprintf("%s/graphs/%s.actual.dot",
	                                PF_TEST_BINARY_DIR, c->name);
	char *dir = pf_asprintf("%s/graphs", PF_TEST_BINARY_DIR);
	char *out, *again, *expected = NULL;
	size_t len, len2, elen = 0;

	out = render("dot", r, &c->opts, &len);
	again = render("dot", r, &c->opts, &len2);
	CHECK(len == len2 && !memcmp(out, again, len)); /* deterministic */
	if (getenv("PF_REGEN")) {
		char *cdir = pf_asprintf("%s/tests/graphs/%s", PF_TEST_SOURCE_DIR,
		                         c->name);

		pf_mkdirs(cdir);
		CHECK(pf_file_write(expected_path, out, len) == 0);
		fprintf(stderr, "test_graph: wrote %s\n", expected_path);
		pf_free(cdir);
	} else if (pf_file_read(&expected, &elen, expected_path, PF_MAX_SOURCE_FILE, 0) < 0) {
		fprintf(stderr, "test_graph: %s: missing (PF_REGEN=1 creates it)\n",
		        expected_path);
		failures++;
	} else if (elen != len || memcmp(expected, out, len)) {
		pf_mkdirs(dir);
		pf_file_write(actual_path, out, len);
		fprintf(stderr, "test_graph: case %s differs:\n  diff -u %s %s\n",
		        c->name, expected_path, actual_path);
		failures++;
	}
	pf_free(expected);
	pf_free(out);
	pf_free(again);
	pf_free(expected_path);
	pf_free(actual_path);
	pf_free(dir);
}

/* Text from the code never escapes its DOT string, and in SVG it is
   XML-escaped text. */
static void test_escaping(const pf_results *r)
{
	pf_graph_options all = {0};
	char *dot, *svg;
	size_t len;

	dot = render("dot", r, &all, &len);
	/* The backslash of the file name is doubled: \l would otherwise be a
	   graphviz escape. Quotes are escaped by agwrite. */
	CHECK(strstr(dot, "news\\\\letter.c") != NULL);
	CHECK(strstr(dot, "legacy.example \\\"<i>\\\"") != NULL);
	CHECK(strstr(dot, "\\\"<b>%s</b>\\\\n\\\"") != NULL);
	svg = render("svg", r, &all, &len);
	CHECK(!strncmp(svg, "<?xml", 5));
	CHECK(strstr(svg, "<svg") != NULL);
	CHECK(strstr(svg, "<i>") == NULL);
	CHECK(strstr(svg, "&lt;i&gt;") != NULL);
	CHECK(strstr(svg, "news\\letter.c") != NULL);
	pf_free(dot);
	pf_free(svg);
}

/* The HTML writer runs without a policy and escapes what it quotes. */
static void test_html(const pf_results *r)
{
	pf_graph_options all = {0};
	char *html;
	size_t len;

	html = render("html", r, &all, &len);
	CHECK(strstr(html, "<!DOCTYPE html>") == html);
	CHECK(strstr(html, "id=\"finding-1\"") != NULL);
	CHECK(strstr(html, "id=\"finding-4-code\"") != NULL);
	CHECK(strstr(html, "Source not available.") != NULL);
	CHECK(strstr(html, "vos &lt;données&gt; &quot;personnelles&quot;") != NULL);
	CHECK(strstr(html, "<b>%s</b>") == NULL);
	CHECK(strstr(html, "<i>") == NULL);
	/* One script only: the report's own. */
	CHECK(strstr(html, "<script") != NULL &&
	      strstr(strstr(html, "<script") + 1, "<script") == NULL);
	pf_free(html);
}

static void test_empty(void)
{
	pf_results *r = pf_calloc(1, sizeof(*r));
	pf_graph_options all = {0};
	char *dot, *html;
	size_t len;

	r->arena = pf_arena_new();
	pf_results_finish(r);
	dot = render("dot", r, &all, &len);
	CHECK(strstr(dot, "no personal data flows") != NULL);
	html = render("html", r, &all, &len);
	CHECK(strstr(html, "No personal-data flow to draw.") != NULL);
	pf_free(dot);
	pf_free(html);
	pf_results_free(r);
}

int main(void)
{
	pf_results *r = graph_results();
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		golden(r, &cases[i]);
	test_escaping(r);
	test_html(r);
	test_empty();
	pf_results_free(r);
	if (failures)
		fprintf(stderr, "test_graph: %d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
