/*
 * Disclosure grading (after PoliCheck, Andow et al., USENIX Security
 * 2020): for every flow the code has (a category, to whom, for which
 * purpose), how the policy discloses it.
 *
 *   clear      the policy states this category for this purpose, to
 *              this recipient;
 *   vague      only a broader category or purpose covers it (which one,
 *              and how many levels up);
 *   omitted    the policy says nothing of it;
 *   incorrect  the policy says the opposite ("never stored", "only
 *              hashed", "only anonymised", "only to X", "encrypted in
 *              transit", "not in the logs", "not sold": a third party
 *              it does not name, under a policy that quotes a sentence
 *              for its undeclared-recipient rule).
 *
 * A flow is graded by its worst part. Pure: policy and results in,
 * grades out; the reports (json, html) call it.
 */
#ifndef PF_DISCLOSURE_H
#define PF_DISCLOSURE_H

#include <stddef.h>
#include <stdint.h>

struct pf_policy;
struct pf_results;
struct pf_arena;

enum pf_grade { PF_GRADE_CLEAR, PF_GRADE_VAGUE, PF_GRADE_OMITTED, PF_GRADE_INCORRECT,
                PF_GRADE_COUNT };
const char *pf_grade_id(int grade); /* "clear", "vague", "omitted", "incorrect" */

/* One flow of the code: the inventory rows of one category, use kind,
   recipient and purpose, graded together. */
typedef struct pf_disclosure {
	const char *category;
	const char *kind;       /* the rows' kind: collected, stored, logged, sent... */
	const char *recipient;  /* sent: the rows' target (a policy recipient
	                           id, "host:H", a first-party host), or NULL */
	const char *sink;       /* sent: "network" or "network.tls" */
	const char *purpose;    /* NULL: none could be attributed */
	int grade;              /* enum pf_grade */
	const char *reason;     /* in words, for the assessment */
	const char *broader;    /* vague: the policy's broader category or purpose */
	int levels;             /* vague: how many levels up it is */
	const char *policy_ref; /* the sentence graded against, or NULL */
	size_t nuses;           /* inventory rows in the flow */
	const char *file;       /* the first of them */
	uint32_t line;
} pf_disclosure;

/*
 * Grades the flows of `r` against `p`; the array and its strings are in
 * `a`. Flows come out sorted by category, purpose, kind, recipient;
 * `count` (PF_GRADE_COUNT entries, may be NULL) gets the flows per grade.
 */
pf_disclosure *pf_disclosure_grade(const struct pf_policy *p, const struct pf_results *r,
                                   struct pf_arena *a, size_t *n, size_t *count);

#endif
