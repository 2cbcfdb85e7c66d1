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

/* The distinct values of one part of `r`, sorted, in `a`. */
static pf_diff_list gather(const pf_results *r, int part, pf_arena *a)
{
	size_t cap = (part == PF_DIFF_FINDINGS ? r->nfindings : r->nuses) + 1, n = 0;
	const char **v = pf_arena_alloc(a, cap * sizeof(*v));

	if (part == PF_DIFF_FINDINGS) {
		for (size_t i = 0; i < r->nfindings; i++)
			v[n++] = r->findings[i].fingerprint;
	} else {
		for (size_t i = 0; i < r->nuses; i++) {
			const pf_use *u = &r->uses[i];
			const char *s = part == PF_DIFF_CATEGORIES ? u->category
			                : part == PF_DIFF_PURPOSES ? u->purpose
			                : !u->kind || !u->target   ? NULL
			                : part == PF_DIFF_RECIPIENTS && !strcmp(u->kind, "sent") ? u->target
			                : part == PF_DIFF_STORES && !strcmp(u->kind, "stored") ? u->target
			                                                                      : NULL;
			if (s && *s)
				v[n++] = s;
		}
	}
	qsort(v, n, sizeof(*v), cmp_str);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(v[k - 1], v[i]))
			v[k++] = v[i];
	return (pf_diff_list){k, v};
}

void pf_run_diff_compute(pf_run_diff *d, const pf_results *then, const pf_results *now,
                         pf_arena *a)
{
	for (int p = 0; p < PF_DIFF_PARTS; p++) {
		pf_diff_list x = gather(then, p, a), y = gather(now, p, a);
		pf_diff_list *add = &d->added[p], *rem = &d->removed[p];
		size_t i = 0, j = 0;

		add->v = pf_arena_alloc(a, (y.n + 1) * sizeof(*add->v));
		rem->v = pf_arena_alloc(a, (x.n + 1) * sizeof(*rem->v));
		add->n = rem->n = 0;
		while (i < x.n || j < y.n) {
			int c = i == x.n ? 1 : j == y.n ? -1 : strcmp(x.v[i], y.v[j]);

			if (c < 0)
				rem->v[rem->n++] = x.v[i++];
			else if (c > 0)
				add->v[add->n++] = y.v[j++];
			else
				i++, j++;
		}
	}
}

const pf_finding *pf_run_diff_finding(const pf_results *r, const char *fp)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].fingerprint, fp))
			return &r->findings[i];
	return NULL;
}
