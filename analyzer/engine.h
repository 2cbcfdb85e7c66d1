/*
 * The engine: sources -> propagation -> sinks on the IR of a whole
 * program, then the checker judges every flow against the policy. Works
 * on the IR alone (no libclang), so unit tests drive it with hand-built
 * programs.
 */
#ifndef PF_ENGINE_H
#define PF_ENGINE_H

#include "catalog.h"
#include "ir.h"
#include "policy.h"
#include "results.h"

typedef struct pf_engine_opts {
	const char *root;  /* project root, for path bindings */
	int verbose;
} pf_engine_opts;

/*
 * Analyses `prog` with the catalogue and the policy and fills `res`
 * (findings, uses, functions, counts; strings in res->arena). `res` must
 * have been allocated by the caller with its arena set.
 */
int pf_engine_run(pf_results *res, const pf_program *prog,
                  const pf_catalog *cat, const pf_policy *pol,
                  const pf_engine_opts *opts);

#endif
