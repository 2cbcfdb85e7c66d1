/*
 * Unit test of the suppressions file (analyzer/supfile.c): which findings
 * an entry takes (fingerprint, rule, path glob, all it gives), the inline
 * marker's precedence, the expiry date's boundary, the warnings and their
 * positions, taking a file's suppressions back, and the loader's errors
 * in gcc's form. Exits 0 when every check passes, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample_results.h"
#include "supfile.h"

#include "check.h"

/* 2027-03-01T12:00:00Z */
#define MARCH_1_2027 ((time_t)1803902400)

static char *dir;

/* Writes `text` as DIR/s.json and loads it; *err the error, if any. */
static int load(pf_supfile **s, const char *text)
{
	char *path = pf_asprintf("%s/s.json", dir);
	int rc;

	CHECK(pf_file_write(path, text, strlen(text)) == 0);
	rc = pf_supfile_load(s, path);
	unlink(path);
	pf_free(path);
	return rc;
}

/* Applies `text` to fresh sample results at `now`; the warnings into
   warn[] (NUL-terminated). Canonical order: [0] src/auth.c
   plaintext-credential, [1] src/mail.c sensitive-log. */
static pf_results *apply(const char *text, time_t now, pf_supfile_stats *st, char *warn,
                         size_t size)
{
	pf_results *r = sample_results();
	pf_supfile *s = NULL;
	FILE *w;

	memset(warn, 0, size);
	w = fmemopen(warn, size, "w");

	CHECK(load(&s, text) == 0 && s);
	if (s)
		pf_supfile_apply(s, r, now, w, st);
	fclose(w);
	pf_supfile_free(s);
	return r;
}

static void test_match(void)
{
	pf_results *r = sample_results();
	char text[1024], warn[1024];
	pf_supfile_stats st;

	/* by fingerprint; by rule and a glob of a leading folder */
	snprintf(text, sizeof(text),
	         "{\"version\": 1, \"suppressions\": [\n"
	         " {\"fingerprint\": \"%s\", \"reason\": \"hashed upstream\"},\n"
	         " {\"rule\": \"sensitive-log\", \"path\": \"src\", \"reason\": \"ops\"}]}\n",
	         r->findings[0].fingerprint);
	pf_results_free(r);
	r = apply(text, MARCH_1_2027, &st, warn, sizeof(warn));
	CHECK(r->findings[0].suppression && !strcmp(r->findings[0].suppression, "external"));
	CHECK(r->findings[0].justification && !strcmp(r->findings[0].justification,
	                                              "hashed upstream"));
	CHECK(r->findings[1].justification && !strcmp(r->findings[1].justification, "ops"));
	CHECK(st.nsuppressed == 2 && st.nunused == 0 && st.nexpired == 0 && !warn[0]);
	pf_results_free(r);

	/* every criterion given must hold: the right rule in another folder,
	   a glob whose '*' does not cross '/', the wrong rule in the file */
	r = apply("{\"version\": 1, \"suppressions\": [\n"
	          " {\"rule\": \"sensitive-log\", \"path\": \"lib/**\", \"reason\": \"a\"},\n"
	          " {\"path\": \"*.c\", \"reason\": \"b\"},\n"
	          "  {\"rule\": \"sensitive-log\", \"path\": \"src/auth.c\", \"reason\": \"c\"}]}\n",
	          MARCH_1_2027, &st, warn, sizeof(warn));
	CHECK(!r->findings[0].suppression && !r->findings[1].suppression);
	CHECK(st.nsuppressed == 0 && st.nunused == 3);
	CHECK(strstr(warn, "s.json:2:2: warning: unused suppression"));
	CHECK(strstr(warn, "s.json:4:3: warning: unused suppression"));
	pf_results_free(r);

	/* a rule alone takes it everywhere; the first entry gives the
	   reason, the second, left with nothing, is unused */
	r = apply("{\"version\": 1, \"suppressions\": [\n"
	          " {\"rule\": \"plaintext-credential\", \"reason\": \"first\"},\n"
	          " {\"path\": \"src/auth.c\", \"reason\": \"second\"}]}\n",
	          MARCH_1_2027, &st, warn, sizeof(warn));
	CHECK(r->findings[0].justification && !strcmp(r->findings[0].justification, "first"));
	CHECK(!r->findings[1].suppression && st.nsuppressed == 1 && st.nunused == 1);
	CHECK(strstr(warn, "s.json:3:2: warning: unused") && !strstr(warn, "s.json:2:"));
	pf_results_free(r);
}

/* An inline marker keeps its finding; taking the file back leaves it. */
static void test_inline_first(void)
{
	static const char text[] = "{\"version\": 1, \"suppressions\": [\n"
	                           " {\"path\": \"src\", \"reason\": \"file\"}]}\n";
	pf_results *r = sample_results();
	pf_supfile *s = NULL;
	pf_supfile_stats st;

	r->findings[0].suppression = "inSource";
	r->findings[0].justification = "marker";
	CHECK(load(&s, text) == 0 && s);
	if (s)
		pf_supfile_apply(s, r, MARCH_1_2027, NULL, &st);
	CHECK(!strcmp(r->findings[0].suppression, "inSource") &&
	      !strcmp(r->findings[0].justification, "marker"));
	CHECK(r->findings[1].suppression && !strcmp(r->findings[1].suppression, "external"));
	CHECK(st.nsuppressed == 1);
	pf_supfile_unapply(r);
	CHECK(r->findings[0].suppression && !r->findings[1].suppression &&
	      !r->findings[1].justification);
	pf_supfile_free(s);
	pf_results_free(r);
}

/* Expired on its date (UTC), in force the day before. */
static void test_expiry(void)
{
	static const char text[] = "{\"version\": 1, \"suppressions\": [\n"
	                           " {\"rule\": \"sensitive-log\", \"reason\": \"until the fix\",\n"
	                           "  \"expires\": \"2027-03-01\"}]}\n";
	char warn[1024];
	pf_supfile_stats st;
	pf_results *r = apply(text, MARCH_1_2027 - 86400, &st, warn, sizeof(warn));

	CHECK(r->findings[1].suppression && st.nexpired == 0 && !warn[0]);
	pf_results_free(r);
	r = apply(text, MARCH_1_2027 - 12 * 3600, &st, warn, sizeof(warn)); /* 00:00 */
	CHECK(!r->findings[1].suppression && st.nexpired == 1 && st.nunused == 0);
	CHECK(strstr(warn, "s.json:3:3: warning: suppression expired on 2027-03-01: until the fix\n"));
	pf_results_free(r);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"{\"version\": 1, \"suppressions\": [\n  {\"rule\": \"sensitive-log\"}]}",
		 "s.json:2:3: error: suppressions[0]: required key \"reason\" missing"},
		{"{\"version\": 1, \"suppressions\": [\n  {\"rule\": \"sensitive-log\", \"reason\": \" \"}]}",
		 "s.json:2:29: error: suppressions[0].reason: a suppression needs a reason"},
		{"{\"version\": 1, \"suppressions\": [{\"rule\": \"sensitiv-log\", \"reason\": \"x\"}]}",
		 "did you mean 'sensitive-log'?"},
		{"{\"version\": 1, \"suppressions\": [{\"reason\": \"x\"}]}",
		 "an entry needs a \"fingerprint\", a \"rule\" or a \"path\""},
		{"{\"version\": 1, \"suppressions\": [{\"path\": \"a\", \"reason\": \"x\", "
		 "\"expires\": \"2100-02-29\"}]}", "expected a date, YYYY-MM-DD"},
		{"{\"version\": 1, \"suppressions\": [{\"path\": \"a\", \"reason\": \"x\", "
		 "\"expires\": \"2027-3-01\"}]}", "expected a date, YYYY-MM-DD"},
		{"{\"version\": 1, \"suppressions\": [{\"fingerprint\": \"ABC\", \"reason\": \"x\"}]}",
		 "expected 32 lower-case hex digits"},
		{"{\"version\": 1, \"suppressions\": [{\"path\": \"/src\", \"reason\": \"x\"}]}",
		 "not an absolute path"},
		{"{\"version\": 1, \"suppressions\": [{\"path\": \"a\", \"reason\": \"x\", \"why\": 1}]}",
		 "suppressions[0].why: unknown key"},
		{"{\"version\": 2, \"suppressions\": []}", "version 1, not 2"},
		{"{\"version\": 1}", "required key \"suppressions\" missing"},
	};
	pf_supfile *s = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = load(&s, bad[i].text);
		CHECK(rc == PF_EINVALID && !s);
		if (!strstr(pf_error_last(), bad[i].want)) {
			fprintf(stderr, "case %zu: got \"%s\", want \"%s\"\n", i, pf_error_last(),
			        bad[i].want);
			failures++;
		}
		pf_supfile_free(s);
		s = NULL;
	}
	/* a leap day, no date at all, an empty list: all fine */
	CHECK(load(&s, "{\"version\": 1, \"suppressions\": [{\"path\": \"a\", \"reason\": \"x\", "
	               "\"expires\": \"2028-02-29\"}, {\"rule\": \"sensitive-log\", "
	               "\"reason\": \"y\"}]}") == 0 && s);
	pf_supfile_free(s);
	CHECK(load(&s, "{\"$schema\": \"x\", \"version\": 1, \"suppressions\": []}") == 0 && s);
	pf_supfile_free(s);
}

int main(void)
{
	char tmp[] = "/tmp/pf_test_supfile.XXXXXX";

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	dir = tmp;
	test_match();
	test_inline_first();
	test_expiry();
	test_errors();
	rmdir(tmp);
	return failures ? 1 : 0;
}
