/*
 * The diff reader of diff-aware runs (analyzer/gitdiff.c) on hand-made
 * `git diff --unified=0` text: hunks, pure deletions, quoted paths, files
 * outside the root, malformed headers; and the filter over findings.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "gitdiff.h"
#include "util.h"

static const char diff[] =
	"diff --git a/src/a.c b/src/a.c\n"
	"index 1..2 100644\n"
	"--- a/src/a.c\n"
	"+++ b/src/a.c\n"
	"@@ -10 +10 @@ void f(void)\n"
	"-old\n"
	"+new\n"
	"@@ -20,0 +21,3 @@\n"
	"+x\n+++ b/looks/like/a/header.c\n+z\n"
	"\\ No newline at end of file\n"
	"@@ -40,2 +42,0 @@\n"
	"-gone\n-gone\n"
	"diff --git a/old.c b/old.c\n"
	"--- a/old.c\n"
	"+++ /dev/null\n"
	"@@ -1,3 +0,0 @@\n"
	"-1\n-2\n-3\n"
	"diff --git \"a/sp ace\\303\\251.c\" \"b/sp ace\\303\\251.c\"\n"
	"--- \"a/sp ace\\303\\251.c\"\n"
	"+++ \"b/sp ace\\303\\251.c\"\n"
	"@@ -0,0 +1,2 @@\n"
	"+a\n+b\n"
	"+++ b/lib/outside.c\n"
	"@@ -1 +1 @@\n"
	"-a\n+b\n"
	"+++ b/src/bad.c\n"
	"@@ -1 +99999999999999 @@\n"
	"@@ -1 +7,2 @@\n"
	"-a\n+b\n+c\n"
	"+++ b/src/huge.c\n"
	"@@ -0,0 +4294967290,100 @@\n";

int main(void)
{
	pf_changes *c = pf_changes_new();

	pf_changes_parse(c, diff, "src/");
	/* a count past the last line saturates, it does not wrap to line 1 */
	CHECK(pf_changes_touch(c, "huge.c", 4294967290u) && pf_changes_touch(c, "huge.c", 4294967294u));
	CHECK(!pf_changes_touch(c, "huge.c", 1) && !pf_changes_touch(c, "huge.c", 92));
	CHECK(pf_changes_touch(c, "a.c", 10));
	CHECK(!pf_changes_touch(c, "a.c", 9) && !pf_changes_touch(c, "a.c", 11));
	CHECK(pf_changes_touch(c, "a.c", 21) && pf_changes_touch(c, "a.c", 23));
	CHECK(!pf_changes_touch(c, "a.c", 24) && !pf_changes_touch(c, "a.c", 20));
	/* a deletion after line 42 touches 42 and 43 */
	CHECK(pf_changes_touch(c, "a.c", 42) && pf_changes_touch(c, "a.c", 43));
	CHECK(!pf_changes_touch(c, "a.c", 44));
	CHECK(!pf_changes_touch(c, "old.c", 1));
	/* an added line that reads "++ b/..." is content, not a header */
	CHECK(!pf_changes_touch(c, "looks/like/a/header.c", 42));
	/* outside the prefix: skipped, quoted path outside too */
	CHECK(!pf_changes_touch(c, "../lib/outside.c", 1) && !pf_changes_touch(c, "lib/outside.c", 1));
	/* a number past its bound is no hunk; the next one is read */
	CHECK(pf_changes_touch(c, "bad.c", 7) && pf_changes_touch(c, "bad.c", 8));
	CHECK(!pf_changes_touch(c, "bad.c", 1));
	pf_changes_free(c);

	c = pf_changes_new();
	pf_changes_parse(c, diff, "");
	CHECK(pf_changes_touch(c, "sp ace\303\251.c", 1) && pf_changes_touch(c, "sp ace\303\251.c", 2));
	CHECK(pf_changes_touch(c, "lib/outside.c", 1));
	pf_changes_add_file(c, "new.c");
	CHECK(pf_changes_touch(c, "new.c", 1) && pf_changes_touch(c, "new.c", 100000));

	/* the filter: kept by its own line, by a trace step, or dropped */
	pf_step steps[2] = {{"src/a.c", 10, 1, "read"}, {"x.c", 5, 1, "sent"}};
	pf_finding f[3];
	memset(f, 0, sizeof(f));
	f[0].file = "src/a.c", f[0].line = 21;
	f[1].file = "x.c", f[1].line = 5, f[1].trace = steps, f[1].ntrace = 2;
	f[2].file = "x.c", f[2].line = 5, f[2].trace = steps + 1, f[2].ntrace = 1;
	pf_results r;
	memset(&r, 0, sizeof(r));
	r.findings = f, r.nfindings = 3;
	pf_changes_add_file(c, "src/a.c"); /* whole file */
	pf_changes_filter(&r, c);
	CHECK(r.nfindings == 2 && r.noutside_diff == 1);
	CHECK(r.findings[0].line == 21 && r.findings[1].ntrace == 2);
	pf_changes_free(c);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
