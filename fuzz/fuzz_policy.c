/*
 * Fuzz harness of the policy loader (analyzer/policy.c, jsonpos.c): the
 * input is a policy file. A loaded policy is also asked what the checker
 * asks it (categories, purposes, recipients, hosts, bindings,
 * severities), so that everything the loader built is read once.
 */
#include <string.h>

#include "fuzz.h"
#include "kinds.h"
#include "policy.h"
#include "util.h"

static void exercise(const pf_policy *p)
{
	/* Fixed, short host names and paths: the globs come from the input. */
	static const char *const hosts[] = {"api.stripe.com", "example.com.", "LOCALHOST", ""};
	static const char *const paths[] = {"./src/billing/pay.c", "src/a.c", ""};

	/* References were checked on load: every one resolves. */
	for (size_t i = 0; i < p->ncategories; i++) {
		const pf_pol_category *c = &p->categories[i];
		char *sub = pf_asprintf("%s.sub", c->id);

		/* a declared category covers itself and what is below it */
		PF_FUZZ_CHECK(pf_policy_category(p, c->id) && pf_policy_category(p, sub));
		pf_free(sub);
		for (size_t j = 0; j < c->recipients.n; j++)
			PF_FUZZ_CHECK(pf_policy_recipient(p, c->recipients.v[j]));
	}
	for (size_t i = 0; i < p->npurposes; i++) {
		const pf_pol_purpose *u = &p->purposes[i];

		PF_FUZZ_CHECK(pf_policy_purpose(p, u->id));
		(void)pf_legal_basis_id(u->legal_basis);
		for (size_t j = 0; j < u->categories.n; j++)
			(void)pf_policy_category(p, u->categories.v[j]);
	}
	for (size_t i = 0; i < p->nrecipients; i++) {
		const pf_pol_recipient *r = &p->recipients[i];

		for (size_t j = 0; j < r->purposes.n; j++)
			PF_FUZZ_CHECK(pf_policy_purpose(p, r->purposes.v[j]));
	}
	for (size_t i = 0; i < p->nbindings; i++)
		PF_FUZZ_CHECK(p->bindings[i].path && pf_policy_purpose(p, p->bindings[i].purpose));
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		(void)pf_policy_recipient_for_host(p, hosts[i]);
		(void)pf_policy_is_first_party_host(p, hosts[i]);
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		(void)pf_policy_bound_purpose(p, paths[i]);
	for (int rule = -1; rule <= PF_RULE_COUNT; rule++)
		(void)pf_policy_severity(p, rule);
	for (size_t i = 0; i < p->nnotes; i++)
		PF_FUZZ_CHECK(p->notes[i].ref && p->notes[i].why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = pf_fuzz_file("fuzz.policy.json", data, size);
	pf_policy *p = NULL;
	int rc = pf_policy_load(&p, path);

	pf_fuzz_report("policy", rc);
	PF_FUZZ_CHECK((rc == 0) == (p != NULL)); /* a result exactly on success */
	if (p)
		exercise(p);
	pf_policy_free(p);
	pf_error_clear();
	return 0;
}

int pf_fuzz_write_seeds(const char *dir, int argc, char **argv)
{
	(void)dir;
	(void)argc;
	(void)argv;
	return 0; /* rules/ and fixtures/ are the seeds */
}
