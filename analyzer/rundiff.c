/*
 * Two runs compared as sets: each part of a run (its categories,
 * recipients, purposes, stores, findings) is gathered, sorted and
 * deduplicated, then the two sorted lists are walked together.
 */
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "rundiff.h"
#include "util.h"

const char *pf_diff_part_name(int part)
{
	static const char *const names[] = {"categories", "recipients", "purposes", "stores",
	                                    "findings"};

	return part >= 0 && part < PF_DIFF_PARTS ? names[part] : "?";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_finding(const void *a, const void *b)
{
	return strcmp((*(const pf_finding *const *)a)->fingerprint,
	              (*(const pf_finding *const *)b)->fingerprint);
}

/* The distinct values of one part of `r`, sorted, in `a`. */
static pf_diff_list gather(const pf_results *r, int part, pf_arena *a)
{
	pf_diff_list l = {0};
	size_t cap = (part == PF_DIFF_FINDINGS ? r->nfindings : r->nuses) + 1, k = 0;

	l.v = pf_arena_alloc(a, cap * sizeof(*l.v));
	if (part == PF_DIFF_FINDINGS) {
		l.findings = pf_arena_alloc(a, cap * sizeof(*l.findings));
		for (size_t i = 0; i < r->nfindings; i++)
			l.findings[l.n++] = &r->findings[i];
		qsort(l.findings, l.n, sizeof(*l.findings), cmp_finding);
		for (size_t i = 0; i < l.n; i++)
			if (!k || strcmp(l.findings[k - 1]->fingerprint, l.findings[i]->fingerprint))
				l.findings[k++] = l.findings[i];
		for (size_t i = 0; i < k; i++)
			l.v[i] = l.findings[i]->fingerprint;
		l.n = k;
		return l;
	}
	for (size_t i = 0; i < r->nuses; i++) {
		const pf_use *u = &r->uses[i];
		const char *s = part == PF_DIFF_CATEGORIES ? u->category
		                : part == PF_DIFF_PURPOSES ? u->purpose
		                : !u->kind || !u->target   ? NULL
		                : part == PF_DIFF_RECIPIENTS && !strcmp(u->kind, "sent") ? u->target
		                : part == PF_DIFF_STORES && !strcmp(u->kind, "stored") ? u->target
		                                                                      : NULL;
		if (s && *s)
			l.v[l.n++] = s;
	}
	qsort(l.v, l.n, sizeof(*l.v), cmp_str);
	for (size_t i = 0; i < l.n; i++)
		if (!k || strcmp(l.v[k - 1], l.v[i]))
			l.v[k++] = l.v[i];
	l.n = k;
	return l;
}

/* Appends entry i of `from` to `to`. */
static void take(pf_diff_list *to, const pf_diff_list *from, size_t i)
{
	if (from->findings)
		to->findings[to->n] = from->findings[i];
	to->v[to->n++] = from->v[i];
}

void pf_run_diff_compute(pf_run_diff *d, const pf_results *then, const pf_results *now,
                         pf_arena *a)
{
	for (int p = 0; p < PF_DIFF_PARTS; p++) {
		pf_diff_list x = gather(then, p, a), y = gather(now, p, a);
		pf_diff_list *add = &d->added[p], *rem = &d->removed[p];
		size_t i = 0, j = 0;

		*add = (pf_diff_list){0, pf_arena_alloc(a, (y.n + 1) * sizeof(*add->v)),
		                      y.findings ? pf_arena_alloc(a, (y.n + 1) * sizeof(*add->findings))
		                                 : NULL};
		*rem = (pf_diff_list){0, pf_arena_alloc(a, (x.n + 1) * sizeof(*rem->v)),
		                      x.findings ? pf_arena_alloc(a, (x.n + 1) * sizeof(*rem->findings))
		                                 : NULL};
		while (i < x.n || j < y.n) {
			int c = i == x.n ? 1 : j == y.n ? -1 : strcmp(x.v[i], y.v[j]);

			if (c < 0)
				take(rem, &x, i++);
			else if (c > 0)
				take(add, &y, j++);
			else
				i++, j++;
		}
	}
}
