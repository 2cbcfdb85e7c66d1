/*
 * Disclosure grading (analyzer/disclosure.c) on a hand-made policy and
 * inventory: each grade happens, for the reason it should, and the rows
 * of one flow are merged into its worst.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "disclosure.h"
#include "policy.h"
#include "results.h"
#include "util.h"

static const char policy_text[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"name\": \"Grades\",\n"
	"  \"categories\": [\n"
	"    {\"id\": \"user.contact.email\", \"ref\": \"We collect your e-mail address.\"},\n"
	"    {\"id\": \"user.name\", \"ref\": \"We collect your name.\"},\n"
	"    {\"id\": \"user.financial\", \"ref\": \"We collect your bank details.\"},\n"
	"    {\"id\": \"user.financial.credit_card\", \"never_stored\": true, \"recipients\": [\"psp\"],\n"
	"     \"ref\": \"Your card number is never stored and goes only to our payment provider.\"}\n"
	"  ],\n"
	"  \"purposes\": [\n"
	"    {\"id\": \"essential.service\", \"legal_basis\": \"contract\", \"ref\": \"To run the service.\",\n"
	"     \"categories\": [\"user.contact.email\", \"user.name\", \"user.financial\", \"user.financial.credit_card\"]},\n"
	"    {\"id\": \"analytics.reporting\", \"legal_basis\": \"legitimate_interest\",\n"
	"     \"requires_transforms\": [\"anonymized\"], \"ref\": \"Statistics use anonymised data only.\",\n"
	"     \"categories\": [\"user.contact.email\"]}\n"
	"  ],\n"
	"  \"recipients\": [\n"
	"    {\"id\": \"psp\", \"kind\": \"processor\", \"categories\": [\"user.financial.credit_card\"],\n"
	"     \"purposes\": [\"essential.service\"], \"ref\": \"Our payment provider.\"},\n"
	"    {\"id\": \"esp\", \"kind\": \"processor\", \"categories\": [\"user.contact\"],\n"
	"     \"purposes\": [\"essential.service\"], \"ref\": \"Our e-mail provider.\"}\n"
	"  ],\n"
	"  \"first_party_hosts\": [\"*.grades.example\"],\n"
	"  \"logs\": {\"ref\": \"Logs hold no personal data.\"},\n"
	"  \"transport\": {\"require_tls\": true, \"ref\": \"Data travels encrypted.\"}\n"
	"}\n";

/* One inventory row: category, kind, sink, target, purpose, transforms. */
#define USE(c, k, s, t, p, tr) {c, k, s, t, p, tr, "f", "src/a.c", __LINE__, 1}

static const pf_use uses[] = {
	USE("user.contact.email", "stored", "storage", "users", "essential.service", ""),
	USE("user.name.first", "stored", "storage", "users", "essential.service", ""),
	USE("user.contact.email", "sent", "network.tls", "esp", "essential.service", ""),
	USE("user.government_id", "stored", "storage", "users", "essential.service", ""),
	USE("user.contact.email", "stored", "storage", "users", "train_ai", ""),
	USE("user.contact.email", "sent", "network.tls", "host:people.example", "essential.service", ""),
	USE("user.financial.credit_card", "stored", "storage", "cards", "essential.service", ""),
	USE("user.financial.credit_card", "sent", "network.tls", "esp", "essential.service", ""),
	USE("user.financial.credit_card", "sent", "network.tls", "psp", "essential.service", ""),
	USE("user.contact.email", "sent", "network.tls", "stats.grades.example", "analytics.reporting", "anonymized"),
	USE("user.contact.email", "sent", "network.tls", "stats.grades.example", "analytics.reporting", ""),
	USE("user.contact.email", "logged", "log", NULL, "essential.service", ""),
	USE("user.contact.email", "logged", "log", NULL, "essential.service", "redacted"),
	USE("user.name", "sent", "network", "api.grades.example", "essential.service", ""),
	USE("user.name", "sent", "network", "api.grades.example", "essential.service", "encrypted"),
	USE("user.name", "collected", NULL, NULL, NULL, ""),
	USE("user.name", "sent", "network.tls", "psp", "essential.service", ""),
};

/* The policy, saying it sells data to no third party it does not name. */
static pf_policy *load(const char *text, int not_sold)
{
	char path[] = "/tmp/pf_test_disclosure.XXXXXX";
	int fd = mkstemp(path);
	const char *rules = "  \"rules\": {\"undeclared-recipient\": {\"ref\": "
	                    "\"We never sell your data.\"}},\n";
	size_t n = strlen(text);
	pf_policy *p = NULL;

	CHECK(fd >= 0);
	/* the rules go after the opening brace */
	CHECK(write(fd, text, 2) == 2);
	if (not_sold)
		CHECK(write(fd, rules, strlen(rules)) == (ssize_t)strlen(rules));
	CHECK(write(fd, text + 2, n - 2) == (ssize_t)(n - 2));
	close(fd);
	if (pf_policy_load(&p, path) < 0)
		fprintf(stderr, "%s\n", pf_error_last());
	unlink(path);
	return p;
}

static const pf_disclosure *find(const pf_disclosure *d, size_t n, const char *cat,
                                 const char *kind, const char *recipient, const char *purpose,
                                 size_t nth)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].category, cat) && !strcmp(d[i].kind, kind) &&
		    (recipient ? d[i].recipient && !strcmp(d[i].recipient, recipient) : !d[i].recipient) &&
		    (purpose ? d[i].purpose && !strcmp(d[i].purpose, purpose) : !d[i].purpose) &&
		    nth-- == 0)
			return &d[i];
	return NULL;
}

static int says(const pf_disclosure *d, int grade, const char *words)
{
	if (!d)
		return 0;
	if (d->grade != grade || !d->reason || !strstr(d->reason, words)) {
		fprintf(stderr, "graded %s: %s\n", pf_grade_id(d->grade), d->reason ? d->reason : "-");
		return 0;
	}
	return 1;
}

int main(void)
{
	pf_policy *p = load(policy_text, 0);
	pf_results r = {0};
	pf_arena *a = pf_arena_new();
	size_t n, count[PF_GRADE_COUNT];
	const pf_disclosure *d, *v;

	if (!p)
		return 1;
	r.uses = (pf_use *)uses;
	r.nuses = sizeof(uses) / sizeof(uses[0]);
	v = pf_disclosure_grade(p, &r, a, &n, count);

	/* clear: this category, this purpose; the category alone when no
	   purpose is known */
	CHECK(says(find(v, n, "user.contact.email", "stored", NULL, "essential.service", 0),
	           PF_GRADE_CLEAR, "names user.contact.email for essential.service"));
	CHECK(says(find(v, n, "user.name", "collected", NULL, NULL, 0), PF_GRADE_CLEAR,
	           "names user.name"));
	CHECK(says(find(v, n, "user.financial.credit_card", "sent", "psp", "essential.service", 0),
	           PF_GRADE_CLEAR, "lists it for psp"));
	/* vague: a broader category, which one and how far */
	d = find(v, n, "user.name.first", "stored", NULL, "essential.service", 0);
	CHECK(says(d, PF_GRADE_VAGUE, "broader category user.name (one level up)"));
	CHECK(d && d->broader && !strcmp(d->broader, "user.name") && d->levels == 1);
	d = find(v, n, "user.contact.email", "sent", "esp", "essential.service", 0);
	CHECK(says(d, PF_GRADE_VAGUE, "esp receives only the broader category user.contact"));
	/* omitted: no category, no purpose, no recipient */
	CHECK(says(find(v, n, "user.government_id", "stored", NULL, "essential.service", 0),
	           PF_GRADE_OMITTED, "names neither user.government_id nor a broader"));
	CHECK(says(find(v, n, "user.contact.email", "stored", NULL, "train_ai", 0),
	           PF_GRADE_OMITTED, "declares no purpose train_ai"));
	CHECK(says(find(v, n, "user.contact.email", "sent", "host:people.example",
	                "essential.service", 0),
	           PF_GRADE_OMITTED, "no recipient people.example"));
	CHECK(says(find(v, n, "user.name", "sent", "psp", "essential.service", 0), PF_GRADE_OMITTED,
	           "does not say psp receives user.name"));
	/* incorrect: the policy's promises, with the sentence */
	d = find(v, n, "user.financial.credit_card", "stored", NULL, "essential.service", 0);
	CHECK(says(d, PF_GRADE_INCORRECT, "is never stored"));
	CHECK(d && d->policy_ref && strstr(d->policy_ref, "never stored"));
	CHECK(says(find(v, n, "user.financial.credit_card", "sent", "esp", "essential.service", 0),
	           PF_GRADE_INCORRECT, "goes only to psp; here it goes to esp"));
	d = find(v, n, "user.contact.email", "sent", "stats.grades.example", "analytics.reporting", 0);
	CHECK(says(d, PF_GRADE_INCORRECT, "analytics.reporting uses data only anonymized"));
	CHECK(d && d->nuses == 2); /* merged with its anonymised twin, graded by the worst */
	d = find(v, n, "user.contact.email", "logged", NULL, "essential.service", 0);
	CHECK(says(d, PF_GRADE_INCORRECT, "not logged"));
	CHECK(d && d->policy_ref && !strcmp(d->policy_ref, "Logs hold no personal data."));
	CHECK(says(find(v, n, "user.name", "sent", "api.grades.example", "essential.service", 0),
	           PF_GRADE_INCORRECT, "travels encrypted; here user.name goes in clear"));
	CHECK(count[PF_GRADE_CLEAR] == 3 && count[PF_GRADE_VAGUE] == 2 &&
	      count[PF_GRADE_OMITTED] == 4 && count[PF_GRADE_INCORRECT] == 5);
	CHECK(n == 14);
	/* sorted by category, then purpose */
	for (size_t i = 1; i < n; i++)
		CHECK(strcmp(v[i - 1].category, v[i].category) <= 0);
	CHECK(!strcmp(pf_grade_id(PF_GRADE_VAGUE), "vague"));

	pf_policy_free(p);

	/* "we never sell your data": a third party the policy does not name is
	   the opposite of what it says */
	p = load(policy_text, 1);
	CHECK(p != NULL);
	if (p) {
		v = pf_disclosure_grade(p, &r, a, &n, count);
		d = find(v, n, "user.contact.email", "sent", "host:people.example", "essential.service",
		         0);
		CHECK(says(d, PF_GRADE_INCORRECT, "no third party it does not name; here "
		                                  "user.contact.email goes to people.example"));
		CHECK(d && d->policy_ref && !strcmp(d->policy_ref, "We never sell your data."));
		/* a declared recipient not said to receive it stays omitted */
		CHECK(says(find(v, n, "user.name", "sent", "psp", "essential.service", 0),
		           PF_GRADE_OMITTED, "does not say psp receives"));
		pf_policy_free(p);
	}
	pf_arena_free(a);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
