/*
 * The engine's hash combiner (eng_mix) keys the cells of different kinds
 * of location in one map: eng_mix(2, global), eng_mix(5, function) and
 * so on. Small tags and small ids must never meet: when they did (the
 * combiner was a function of tag ^ id), a global's function-pointer
 * cell was some function's return cell, and which ones met depended on
 * how the merge numbered them, so adding an unused function to one file
 * changed sudo's call graph, findings and run time (6 s to 45 s).
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "engine/eng_p.h"

/* How many of the n hashes are equal to an earlier one. */
static size_t repeats(uint64_t *h, size_t n)
{
	size_t r = 0;

	qsort(h, n, sizeof(*h), pf_u64_cmp);
	for (size_t i = 1; i < n; i++)
		r += h[i] == h[i - 1];
	return r;
}

int main(void)
{
	enum { TAGS = 16, IDS = 8192 };
	uint64_t *h = malloc(sizeof(*h) * TAGS * IDS * 2);
	size_t n = 0;

	/* one level: every (tag, id) of small numbers apart */
	for (uint64_t t = 0; t < TAGS; t++)
		for (uint64_t v = 0; v < IDS; v++)
			h[n++] = eng_mix(t, v);
	CHECK(repeats(h, n) == 0);
	/* two levels, as in the cells of locals (tag, function, variable),
	   beside the one-level keys */
	n = TAGS * IDS;
	for (uint64_t f = 0; f < IDS / 64; f++)
		for (uint64_t v = 0; v < 64; v++)
			h[n++] = eng_mix(eng_mix(3, f), v);
	for (uint64_t f = 0; f < IDS / 64; f++)
		for (uint64_t v = 0; v < 64; v++)
			h[n++] = eng_mix(eng_mix(4, f), v);
	CHECK(repeats(h, n) == 0);
	/* the order of the two matters */
	CHECK(eng_mix(2, 5) != eng_mix(5, 2));
	free(h);
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
