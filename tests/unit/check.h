/*
 * The assertion the unit tests share: CHECK(cond) reports a failed
 * condition with its file and line and counts it in `failures`, which
 * the test's main() turns into its exit status. Included once per test
 * program.
 */
#ifndef PF_TEST_CHECK_H
#define PF_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                         \
	do {                                                                    \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,          \
			        __LINE__, #cond);                                       \
			failures++;                                                     \
		}                                                                   \
	} while (0)

#endif
