/*
 * Private interface between the engine (engine.c: propagation) and the
 * checker (check.c: judging flows against the policy, building results).
 */
#ifndef PF_ENGINE_P_H
#define PF_ENGINE_P_H

#include "engine.h"
#include "kinds.h"

/* One step of a trace, newest last: a chain through `prev`. */
typedef struct pf_tnode {
	const struct pf_tnode *prev;
	pf_loc loc;
	const char *note;
	uint32_t len; /* steps in the chain up to and including this one */
	uint64_t hash; /* of its content (steps are interned: equal ones are
	                  one node) */
} pf_tnode;

/* A complete flow: personal data of one category reaching one use. */
typedef struct pf_flow {
	const char *category;
	pf_declid origin;        /* the source declaration (0: source call) */
	unsigned transforms;
	int sink;                /* enum pf_sink_kind */
	const char *sink_func;   /* called function where the data leaves */
	const char *recipient;   /* policy recipient id, or NULL */
	const char *host;        /* URL host, or NULL */
	const char *store;       /* store name (table, file), or NULL */
	const char *purpose;     /* or NULL when none could be attributed */
	int guard_missing;       /* the purpose needs a consent/opt-out check
	                            that some call path lacks */
	int guard_wrong;         /* ... a check exists but on the wrong record
	                            or with the wrong polarity */
	const char *guard_id;    /* the consent/opt-out id required */
	pf_loc loc;              /* where the finding points */
	const char *function;    /* function holding loc */
	const pf_tnode *trace;
} pf_flow;

typedef struct pf_checker pf_checker;

pf_checker *pf_checker_new(pf_results *res, const pf_program *prog,
                           const pf_policy *pol);
/* Judges one flow (may be called with duplicates: they are merged). */
void pf_checker_flow(pf_checker *c, const pf_flow *f);
/* A declaration that holds personal data (for undeclared-category and
   the inventory's "collected" rows). */
void pf_checker_source(pf_checker *c, pf_declid decl, const char *category,
                       const char *function);
/* An entry point (erasure/export) that misses stores. */
void pf_checker_entry(pf_checker *c, int rule, const pf_decl *fn,
                      const char *message, const pf_tnode *trace);
/* Fills res (findings, uses) and frees the checker. */
void pf_checker_finish(pf_checker *c);

#endif
