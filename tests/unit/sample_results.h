/*
 * A small hand-built pf_results shared by the store and report unit
 * tests: two findings with traces (one with every optional string absent),
 * three inventory rows, three files (one that failed to parse) and two
 * functions. Deliberately out of canonical order so tests see sorting.
 */
#ifndef PF_TEST_SAMPLE_RESULTS_H
#define PF_TEST_SAMPLE_RESULTS_H

#include "kinds.h"
#include "results.h"
#include "util.h"

static pf_results *sample_results(void)
{
	pf_results *r = pf_calloc(1, sizeof(*r));
	pf_arena *a = pf_arena_new();
	pf_finding *f;
	pf_step *t;

	r->arena = a;
	r->tool_version = "0.1.0";
	r->root = "/home/dev/my app";
	r->policy_file = "policy/facturi.json";
	r->policy_name = "Facturi";
	r->ntus = 3;
	r->ntus_failed = 1;
	r->ntus_partial = 1;
	r->nflows = 7;

	r->nfindings = 2;
	r->findings = f = pf_arena_alloc(a, 2 * sizeof(*f));
	/* Second in canonical order: src/mail.c sorts after src/auth.c. */
	f[0].rule = PF_RULE_SENSITIVE_LOG;
	f[0].severity = PF_SEV_WARNING;
	f[0].category = "user.contact.email";
	f[0].purpose = "essential.service";
	f[0].sink = "log";
	f[0].function = "send_welcome";
	f[0].file = "src/mail.c";
	f[0].line = 42;
	f[0].col = 5;
	f[0].message = "user.contact.email is written to a log unredacted "
	               "(read at src/mail.c:30)";
	f[0].policy_ref = "Nous ne consignons jamais vos données personnelles.";
	f[0].ntrace = 2;
	f[0].trace = t = pf_arena_alloc(a, 2 * sizeof(*t));
	t[0] = (pf_step){"src/mail.c", 30, 9, "email read from field user.email"};
	t[1] = (pf_step){"src/mail.c", 42, 5, "passed to syslog"};

	f[1].rule = PF_RULE_PLAINTEXT_CREDENTIAL;
	f[1].severity = PF_SEV_ERROR;
	f[1].category = "user.authorization.password";
	f[1].function = "save_user";
	f[1].file = "src/auth.c";
	f[1].line = 17;
	f[1].col = 3;
	f[1].message = "password stored without hashing";
	f[1].ntrace = 1;
	f[1].trace = t = pf_arena_alloc(a, sizeof(*t));
	t[0] = (pf_step){"src/auth.c", 12, 20, "password parameter"};

	r->nuses = 3;
	r->uses = pf_arena_alloc(a, 3 * sizeof(*r->uses));
	r->uses[0] = (pf_use){"user.contact.email", "logged", "log", NULL,
	                      "essential.service", "", "send_welcome",
	                      "src/mail.c", 42, 5};
	r->uses[1] = (pf_use){"user.authorization.password", "stored",
	                      "storage", "users.db", NULL, "", "save_user",
	                      "src/auth.c", 17, 3};
	r->uses[2] = (pf_use){"user.contact.email", "sent", "network.tls",
	                      "email-service-provider", "essential.service",
	                      "hashed,redacted", "send_welcome", "src/mail.c",
	                      50, 2};

	r->nfiles = 3;
	r->files = pf_arena_alloc(a, 3 * sizeof(*r->files));
	r->files[0] = (pf_file_fact){"src/mail.c", "aa11", 1, 0, NULL};
	r->files[1] = (pf_file_fact){"src/auth.c", "bb22", 1, 1,
	                             "src/auth.c:3:10: 'crypt.h' file not found"};
	r->files[2] = (pf_file_fact){"src/broken.c", NULL, 0, 0,
	                             "expected ';' after expression"};

	r->nfunctions = 2;
	r->functions = pf_arena_alloc(a, 2 * sizeof(*r->functions));
	r->functions[0] = (pf_function_fact){"send_welcome", "src/mail.c", 28,
	                                     "essential.service"};
	r->functions[1] = (pf_function_fact){"save_user", "src/auth.c", 10,
	                                     NULL};
	pf_results_finish(r);
	return r;
}

#endif
