/*
 * Private interface between the engine (engine.c: propagation) and the
 * checker (check.c: judging flows against the policy, building results).
 */
#ifndef PF_ENGINE_P_H
#define PF_ENGINE_P_H

#include "engine.h"
#include "kinds.h"

/*
 * A trace, newest step last, interned (equal nodes are one node). A step
 * node is one step after the trace `prev`; a join node (`sub` set) is
 * `prev` followed by the steps of `sub` after its first: joining a
 * callee's trace onto a caller's costs one node, not a copy of the
 * callee's steps. pf_trace_steps() lists the steps.
 */
typedef struct pf_tnode {
	const struct pf_tnode *prev;
	const struct pf_tnode *sub; /* join node: the trace appended */
	pf_loc loc;                 /* step node: where, and what */
	const char *note;
	uint32_t len;               /* steps in the trace it stands for */
	uint64_t hash;              /* of its content */
} pf_tnode;

/* The steps of t in order into out (step nodes): all of them when there
   are at most max, else the first max - 1 and the last. Returns how many. */
size_t pf_trace_steps(const pf_tnode *t, const pf_tnode **out, size_t max);
#define PF_TRACE_STEPS 48 /* steps a finding's trace shows */

/* A complete flow: personal data of one category reaching one use. */
typedef struct pf_flow {
	const char *category;
	pf_declid origin;        /* the source declaration (0: source call) */
	unsigned transforms;
	int sink;                /* enum pf_sink_kind */
	int received;            /* the data comes in over the sink's channel
	                            (recv, SSL_read): only its transport counts */
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
/* A declaration that holds personal data (for the inventory's
   "collected" rows and, if `report`, undeclared-category); `trace`: the
   finding's steps, NULL for "declared here" alone. */
void pf_checker_source(pf_checker *c, pf_declid decl, const char *category,
                       const char *function, const pf_tnode *trace, int report);
/* An entry point (erasure/export) that misses stores. */
void pf_checker_entry(pf_checker *c, int rule, const pf_decl *fn,
                      const char *message, const pf_tnode *trace);
/* Fills res (findings, uses) and frees the checker. */
void pf_checker_finish(pf_checker *c);

#endif
