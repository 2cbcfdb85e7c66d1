/*
 * Unit tests of the shared utilities a hostile input reaches first:
 * glob matching (linear, whatever the stars), text escaping for
 * terminals and Markdown, UTF-8 decoding, bounded file reads and safe
 * writes. Exit status 0 when every check passes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static int failures;

#define CHECK(cond)                                                         \
	do {                                                                    \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                     \
		}                                                                   \
	} while (0)

static void test_glob(void)
{
	static const struct { const char *pat, *s; int match; } cases[] = {
		{"*.c", "a.c", 1}, {"*.c", "dir/a.c", 0}, {"**/*.c", "dir/a.c", 1},
		{"**/*.c", "a.c", 1}, {"src/**", "src/a/b/c.c", 1}, {"src/**", "lib/a.c", 0},
		{"a?c", "abc", 1}, {"a?c", "a/c", 0}, {"*.example.com", "api.example.com", 1},
		{"*.example.com", "example.com", 0}, {"", "", 1}, {"", "x", 0}, {"*", "", 1},
		{"src/**/test_*.c", "src/x/y/test_a.c", 1}, {"src/**/test_*.c", "src/test_a.c", 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (pf_glob_match(cases[i].pat, cases[i].s) != cases[i].match) {
			fprintf(stderr, "glob %s on %s: expected %d\n", cases[i].pat, cases[i].s,
			        cases[i].match);
			failures++;
		}
	/* a backtracking matcher takes hours on this; ours takes microseconds */
	char s[200];
	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	CHECK(!pf_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", s));
	CHECK(pf_glob_match("**a**a**a**a**a**a**a**a**a**a**a**a", s));
}

static void test_escape(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{"plain", "plain"},
		{"a\nb", "a\\nb"},
		{"\x1b[31mred", "\\x1b[31mred"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},          /* UTF-8 stays */
		{"caf\xe9", "caf\\xe9"},                 /* Latin-1 is escaped */
		{"x\xe2\x80\xaey", "x\\u202ey"},         /* RIGHT-TO-LEFT OVERRIDE */
		{"x\xe2\x81\xa6y", "x\\u2066y"},         /* LEFT-TO-RIGHT ISOLATE */
		{"\xc2\x85", "\\u0085"},                 /* a C1 control */
		{"\xc0\xaf", "\\xc0\\xaf"},              /* an overlong '/' */
		{"\xed\xa0\x80", "\\xed\\xa0\\x80"},     /* a surrogate */
		{"tab\there", "tab\\there"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = pf_text_escape(cases[i].in);
		if (strcmp(got, cases[i].out)) {
			fprintf(stderr, "escape case %zu: got \"%s\", expected \"%s\"\n", i, got,
			        cases[i].out);
			failures++;
		}
		CHECK(pf_text_needs_escape(cases[i].in) == (strcmp(cases[i].in, cases[i].out) != 0));
		pf_free(got);
	}
}

static void test_files(void)
{
	char dir[] = "/tmp/pf-util-XXXXXX", path[64], *text = NULL;
	size_t len = 0;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		failures++;
		return;
	}
	snprintf(path, sizeof(path), "%s/f.json", dir);
	CHECK(pf_file_write(path, "{\"a\": 1}", 8) == 0);
	CHECK(pf_file_read(&text, &len, path, 64, PF_READ_TEXT) == 0 && len == 8);
	pf_free(text);
	CHECK(pf_file_read(&text, &len, path, 4, PF_READ_TEXT) == PF_EIO); /* too large */
	CHECK(strstr(pf_error_last(), "larger than"));
	CHECK(pf_file_write(path, "ab\0cd", 5) == 0);
	CHECK(pf_file_read(&text, &len, path, 64, PF_READ_TEXT) == PF_EINVALID);
	CHECK(strstr(pf_error_last(), "NUL byte at offset 2"));
	CHECK(pf_file_read(&text, &len, path, 64, 0) == 0 && len == 5);
	pf_free(text);
	CHECK(pf_file_read(&text, &len, "/dev/zero", 64, 0) == PF_EIO);
	CHECK(strstr(pf_error_last(), "not a regular file"));
	CHECK(pf_file_read(&text, &len, dir, 64, 0) == PF_EIO);
	CHECK(pf_file_write(dir, "x", 1) == PF_EIO); /* a directory */
	/* no temporary file is left beside the target */
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) -eq 1", dir);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* Interning through growth, strings that share a prefix, and a string
   taken from another table by id. */
static void test_strtab(void)
{
	pf_strtab *a = pf_strtab_new(), *b = pf_strtab_new();
	char buf[32];

	CHECK(pf_strtab_intern(a, "") == pf_strtab_intern(a, ""));
	for (int i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "s%d", i);
		CHECK(pf_strtab_intern(a, buf) == (pf_sym)(i + 2));
	}
	pf_sym ab = pf_strtab_intern(a, "ab"), abc = pf_strtab_intern(a, "abc");
	CHECK(ab != abc && pf_strtab_intern_n(a, "abcd", 2) == ab);
	CHECK(pf_strtab_find(a, "s4999") == 5001 && pf_strtab_find(a, "s5000") == 0);
	CHECK(strcmp(pf_strtab_str(a, 1234), "s1232") == 0);
	pf_strtab_reserve(b, 10);
	pf_sym x = pf_strtab_intern(b, "abc");
	CHECK(pf_strtab_intern_from(b, a, abc) == x);
	pf_sym y = pf_strtab_intern_from(b, a, 77);
	CHECK(y != x && strcmp(pf_strtab_str(b, y), "s75") == 0 && pf_strtab_find(b, "s75") == y);
	CHECK(pf_strtab_intern_from(b, a, 0) == 0 && pf_strtab_intern_from(b, a, 999999) == 0);
	pf_strtab_free(a);
	pf_strtab_free(b);
}

int main(void)
{
	test_strtab();
	test_glob();
	test_escape();
	test_files();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
