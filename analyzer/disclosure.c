/*
 * Disclosure grading: each inventory row (a use of a category) is graded
 * against the policy part by part (the category, the purpose, the
 * recipient, then the policy's promises), keeping the worst grade and
 * the reason for it; rows of the same flow are then merged.
 */
#include <stdlib.h>
#include <string.h>

#include "disclosure.h"
#include "kinds.h"
#include "policy.h"
#include "results.h"
#include "util.h"

const char *pf_grade_id(int grade)
{
	static const char *const ids[] = {"clear", "vague", "omitted", "incorrect"};

	return grade >= 0 && grade < PF_GRADE_COUNT ? ids[grade] : "omitted";
}

typedef struct grader {
	pf_arena *a;
	pf_disclosure *d; /* the row being graded */
} grader;

/* Keeps the grade if it is worse than what the row has. */
static void grade(grader *g, int grade, const char *ref, const char *broader, int levels,
                  char *reason)
{
	if (grade > g->d->grade || !g->d->reason) {
		g->d->grade = grade;
		g->d->reason = pf_arena_strdup(g->a, reason);
		g->d->policy_ref = ref;
		g->d->broader = broader;
		g->d->levels = levels;
	}
	pf_free(reason);
}

static int depth(const char *id)
{
	int n = 1;

	for (; *id; id++)
		n += *id == '.';
	return n;
}

static const char *levels_word(int n)
{
	return n == 1 ? "one level" : n == 2 ? "two levels" : "three or more levels";
}

/* The category: declared as such, or only a broader one. */
static void grade_category(grader *g, const pf_pol_category *pc)
{
	const char *c = g->d->category;

	if (!pc) {
		grade(g, PF_GRADE_OMITTED, NULL, NULL, 0,
		      pf_asprintf("the policy names neither %s nor a broader category", c));
	} else if (strcmp(pc->id, c)) {
		int n = depth(c) - depth(pc->id);
		grade(g, PF_GRADE_VAGUE, pc->ref, pc->id, n,
		      pf_asprintf("the policy names only the broader category %s (%s up)", pc->id,
		                  levels_word(n)));
	} else {
		grade(g, PF_GRADE_CLEAR, pc->ref, NULL, 0,
		      pf_asprintf("the policy names %s", c));
	}
}

static void grade_purpose(grader *g, const pf_policy *p, const pf_pol_category *pc,
                          unsigned tr)
{
	const char *c = g->d->category, *purpose = g->d->purpose, *cover;
	const pf_pol_purpose *pp;

	if (!purpose)
		return; /* an open question of the assessment, not a grade */
	pp = pf_policy_purpose(p, purpose);
	if (!pp) {
		grade(g, PF_GRADE_OMITTED, NULL, NULL, 0,
		      pf_asprintf("the policy declares no purpose %s", purpose));
		return;
	}
	if (pp->requires_transforms && !(tr & pp->requires_transforms)) {
		char want[96];

		grade(g, PF_GRADE_INCORRECT, pp->ref, NULL, 0,
		      pf_asprintf("the policy says %s uses data only %s; here %s is not", pp->id,
		                  pf_transforms_str(pp->requires_transforms, want, sizeof(want)), c));
	}
	if (strcmp(pp->id, purpose)) {
		int n = depth(purpose) - depth(pp->id);
		grade(g, PF_GRADE_VAGUE, pp->ref, pp->id, n,
		      pf_asprintf("the policy declares only the broader purpose %s (%s up)", pp->id,
		                  levels_word(n)));
	}
	cover = pf_strlist_cover(&pp->categories, c);
	if (!cover && pc) {
		grade(g, PF_GRADE_OMITTED, pp->ref, NULL, 0,
		      pf_asprintf("the policy does not say %s is used for %s", c, pp->id));
	} else if (cover && strcmp(cover, c)) {
		int n = depth(c) - depth(cover);
		grade(g, PF_GRADE_VAGUE, pp->ref, cover, n,
		      pf_asprintf("for %s the policy names only the broader category %s (%s up)",
		                  pp->id, cover, levels_word(n)));
	}
}

static void grade_recipient(grader *g, const pf_policy *p, const pf_pol_category *pc)
{
	const char *c = g->d->category, *t = g->d->recipient, *cover;
	const pf_pol_recipient *pr = t ? pf_policy_recipient(p, t) : NULL;

	if (!pr) {
		const char *who = !strncmp(t ? t : "", "host:", 5) ? t + 5 : t;
		const pf_pol_rule *closed = &p->rules[PF_RULE_UNDECLARED_RECIPIENT];

		if (!t || pf_policy_is_first_party_host(p, who))
			return; /* the service itself */
		if (pc && pc->recipients.n)
			grade(g, PF_GRADE_INCORRECT, pc->ref, NULL, 0,
			      pf_asprintf("the policy says %s goes only to %s; here it goes to %s", c,
			                  pc->recipients.v[0], who));
		else if (closed->enabled && closed->ref) /* "we do not sell your data" */
			grade(g, PF_GRADE_INCORRECT, closed->ref, NULL, 0,
			      pf_asprintf("the policy says data goes to no third party it does not "
			                  "name; here %s goes to %s", c, who));
		else
			grade(g, PF_GRADE_OMITTED, NULL, NULL, 0,
			      pf_asprintf("the policy names no recipient %s", who));
		return;
	}
	if (pc && pc->recipients.n && !pf_strlist_has(&pc->recipients, pr->id))
		grade(g, PF_GRADE_INCORRECT, pc->ref, NULL, 0,
		      pf_asprintf("the policy says %s goes only to %s; here it goes to %s", c,
		                  pc->recipients.v[0], pr->id));
	cover = pr->categories.n ? pf_strlist_cover(&pr->categories, c) : c;
	if (!cover)
		grade(g, PF_GRADE_OMITTED, pr->ref, NULL, 0,
		      pf_asprintf("the policy does not say %s receives %s", pr->id, c));
	else if (strcmp(cover, c)) {
		int n = depth(c) - depth(cover);
		grade(g, PF_GRADE_VAGUE, pr->ref, cover, n,
		      pf_asprintf("the policy says %s receives only the broader category %s (%s up)",
		                  pr->id, cover, levels_word(n)));
	}
	if (g->d->purpose && pr->purposes.n && !pf_strlist_cover(&pr->purposes, g->d->purpose))
		grade(g, PF_GRADE_OMITTED, pr->ref, NULL, 0,
		      pf_asprintf("the policy does not say %s serves %s", pr->id, g->d->purpose));
}

/* What the policy promises never happens to the data. */
static void grade_promises(grader *g, const pf_policy *p, const pf_pol_category *pc,
                           unsigned tr)
{
	const pf_disclosure *d = g->d;
	int stored = !strcmp(d->kind, "stored") || !strcmp(d->kind, "written");
	int out = stored || !strcmp(d->kind, "logged") || !strcmp(d->kind, "sent");

	if (pc && pc->never_stored && stored && !(tr & pc->stored_transforms))
		grade(g, PF_GRADE_INCORRECT, pc->ref, NULL, 0,
		      pf_asprintf("the policy says %s is never stored; here it is", d->category));
	if (pc && pc->credential && out && !(tr & pc->credential_transforms))
		grade(g, PF_GRADE_INCORRECT, pc->ref, NULL, 0,
		      pf_asprintf("the policy says %s is kept only hashed; here it is %s as it is",
		                  d->category, d->kind));
	if (!strcmp(d->kind, "logged") && p->log_ref && !(tr & p->log_transforms) &&
	    !pf_strlist_cover(&p->log_allowed, d->category))
		grade(g, PF_GRADE_INCORRECT, p->log_ref, NULL, 0,
		      pf_asprintf("the policy says personal data is not logged as it is; here %s is",
		                  d->category));
	if (d->sink && !strcmp(d->sink, "network") && p->require_tls && p->transport_ref &&
	    !(tr & p->transport_transforms))
		grade(g, PF_GRADE_INCORRECT, p->transport_ref, NULL, 0,
		      pf_asprintf("the policy says data travels encrypted; here %s goes in clear",
		                  d->category));
}

static int strcmp0(const char *a, const char *b)
{
	return a == b ? 0 : !a ? -1 : !b ? 1 : strcmp(a, b);
}

static int cmp_flow(const void *x, const void *y)
{
	const pf_disclosure *a = x, *b = y;
	int c;

	if ((c = strcmp0(a->category, b->category)) || (c = strcmp0(a->purpose, b->purpose)) ||
	    (c = strcmp0(a->kind, b->kind)) || (c = strcmp0(a->recipient, b->recipient)) ||
	    (c = strcmp0(a->sink, b->sink)) || (c = strcmp0(a->file, b->file)))
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int same_flow(const pf_disclosure *a, const pf_disclosure *b)
{
	return !strcmp0(a->category, b->category) && !strcmp0(a->purpose, b->purpose) &&
	       !strcmp0(a->kind, b->kind) && !strcmp0(a->recipient, b->recipient) &&
	       !strcmp0(a->sink, b->sink);
}

pf_disclosure *pf_disclosure_grade(const pf_policy *p, const pf_results *r, pf_arena *a,
                                   size_t *n, size_t *count)
{
	pf_disclosure *v = pf_arena_alloc(a, (r->nuses ? r->nuses : 1) * sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < r->nuses; i++) {
		const pf_use *u = &r->uses[i];
		int sent = u->kind && !strcmp(u->kind, "sent");
		pf_disclosure *d = &v[k];
		grader g = {a, d};
		const pf_pol_category *pc;
		unsigned tr;

		if (!u->category)
			continue;
		d->category = u->category;
		d->kind = u->kind ? u->kind : "collected";
		d->recipient = sent ? u->target : NULL;
		d->sink = sent ? u->sink : NULL;
		d->purpose = u->purpose;
		d->file = u->file;
		d->line = u->line;
		d->nuses = 1;
		pc = pf_policy_category(p, u->category);
		tr = pf_transforms_parse(u->transforms);
		grade_category(&g, pc);
		grade_purpose(&g, p, pc, tr);
		if (sent)
			grade_recipient(&g, p, pc);
		grade_promises(&g, p, pc, tr);
		if (d->grade == PF_GRADE_CLEAR) {
			const pf_pol_recipient *pr = d->recipient ? pf_policy_recipient(p, d->recipient)
			                                          : NULL;
			char *s = pf_asprintf("the policy names %s%s%s%s%s", d->category,
			                      d->purpose ? " for " : "", d->purpose ? d->purpose : "",
			                      pr ? " and lists it for " : "", pr ? pr->id : "");

			d->reason = pf_arena_strdup(a, s);
			pf_free(s);
		}
		k++;
	}
	qsort(v, k, sizeof(*v), cmp_flow);
	/* one flow per (category, purpose, kind, recipient): its worst row */
	size_t out = 0;
	for (i = 0; i < k; i++) {
		pf_disclosure *f = out ? &v[out - 1] : NULL;

		if (f && same_flow(f, &v[i])) {
			f->nuses++; /* the flow keeps its first place, and the worst grade */
			if (v[i].grade > f->grade) {
				f->grade = v[i].grade;
				f->reason = v[i].reason;
				f->broader = v[i].broader;
				f->levels = v[i].levels;
				f->policy_ref = v[i].policy_ref;
			}
			continue;
		}
		v[out++] = v[i];
	}
	if (count) {
		memset(count, 0, PF_GRADE_COUNT * sizeof(*count));
		for (i = 0; i < out; i++)
			count[v[i].grade]++;
	}
	*n = out;
	return v;
}
