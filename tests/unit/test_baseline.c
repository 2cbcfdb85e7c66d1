/*
 * Unit test of the CI gate's library parts: baselines (what a stored run
 * makes, applying one to results with a suppressed finding, the file's
 * round trip and its bytes), the include/exclude globs of a scan, and the
 * config file's paths. Exits 0 when every check passes, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "config.h"
#include "sample_results.h"
#include "scan.h"

#include "check.h"

/* Canonical order: [0] src/auth.c plaintext-credential, [1] src/mail.c. */
static void test_apply(void)
{
	pf_results *r = sample_results(), *again = sample_results();
	pf_baseline *b;

	CHECK(r->nfindings == 2 && !strcmp(r->findings[0].file, "src/auth.c"));
	/* a suppressed finding is no part of the baseline a run makes */
	r->findings[0].suppression = "inSource";
	b = pf_baseline_from_results(r);
	CHECK(pf_baseline_count(b) == 1);
	pf_baseline_free(b);

	/* both accepted; in the next run the first is suppressed: it stays
	   (marked), is not counted as baselined and not as gone */
	b = pf_baseline_from_results(again);
	CHECK(pf_baseline_count(b) == 2);
	pf_baseline_apply(b, r);
	CHECK(r->nfindings == 1 && r->findings[0].suppression);
	CHECK(r->nbaselined == 1 && r->nbaseline_gone == 0);
	pf_results_free(r);

	/* a finding gone, a new one: one baselined, one gone, one reported */
	r = sample_results();
	r->findings[1].function = "send_goodbye";
	pf_results_finish(r);
	pf_baseline_apply(b, r);
	CHECK(r->nfindings == 1 && !strcmp(r->findings[0].function, "send_goodbye"));
	CHECK(r->nbaselined == 1 && r->nbaseline_gone == 1);
	pf_baseline_free(b);
	pf_results_free(r);
	pf_results_free(again);
}

static void test_file(const char *dir)
{
	pf_results *r = sample_results(), *r2 = sample_results();
	pf_baseline *b = NULL;
	char *out = NULL, *out2 = NULL, *path = pf_asprintf("%s/b.json", dir);
	size_t len = 0, len2 = 0;

	CHECK(pf_baseline_render(&out, &len, r) == 0);
	CHECK(pf_baseline_render(&out2, &len2, r2) == 0);
	CHECK(len == len2 && !memcmp(out, out2, len)); /* deterministic */
	CHECK(out[len - 1] == '\n' && strstr(out, "\"version\": 1"));
	/* the canonical order: auth.c before mail.c */
	CHECK(strstr(out, "src/auth.c") && strstr(out, "src/auth.c") < strstr(out, "src/mail.c"));
	CHECK(pf_file_write(path, out, len) == 0);
	CHECK(pf_baseline_load(&b, path) == 0 && b && pf_baseline_count(b) == 2);
	pf_baseline_apply(b, r);
	CHECK(r->nfindings == 0 && r->nbaselined == 2);
	pf_baseline_free(b);

	/* an entry without a fingerprint: the error names file, line, key */
	static const char bad[] = "{\"version\": 1,\n \"findings\": [\n  {\"rule\": \"x\"}]}";
	CHECK(pf_file_write(path, bad, sizeof(bad) - 1) == 0);
	CHECK(pf_baseline_load(&b, path) == PF_EINVALID && !b);
	CHECK(strstr(pf_error_last(), "b.json:3:") && strstr(pf_error_last(), "fingerprint"));
	unlink(path);
	pf_free(out);
	pf_free(out2);
	pf_free(path);
	pf_results_free(r);
	pf_results_free(r2);
}

static void test_globs(void)
{
	const char *inc[] = {"src", "include/*.h"}, *exc[] = {"src/gen/**", "*.pb.c"};
	pf_scan_opts o = {0};

	CHECK(pf_scan_path_selected(&o, "anything/at/all.c"));
	o.exclude = exc;
	o.nexclude = 2;
	CHECK(pf_scan_path_selected(&o, "src/main.c"));
	CHECK(!pf_scan_path_selected(&o, "src/gen/x/y.c"));
	CHECK(!pf_scan_path_selected(&o, "msg.pb.c"));
	CHECK(pf_scan_path_selected(&o, "src/msg.pb.c")); /* '*' stops at '/' */
	o.include = inc;
	o.ninclude = 2;
	CHECK(pf_scan_path_selected(&o, "src/a/b.c"));    /* a leading directory */
	CHECK(pf_scan_path_selected(&o, "include/x.h"));
	CHECK(!pf_scan_path_selected(&o, "include/sub/x.h"));
	CHECK(!pf_scan_path_selected(&o, "tests/t.c"));
	CHECK(!pf_scan_path_selected(&o, "srcs/a.c"));    /* a directory, not a prefix */
	CHECK(!pf_scan_path_selected(&o, "src/gen/y.c")); /* exclude wins */
}

static void test_config(const char *dir)
{
	char *path = pf_asprintf("%s/sub/.privflow.json", dir), *sub = pf_asprintf("%s/sub", dir);
	static const char text[] =
		"{\"policy\": \"p.json\", \"catalogs\": [\"c.json\", \"/abs/d.json\"],\n"
		" \"baseline\": \"git:main\", \"exclude\": [\"vendor\"], \"fail_on\": \"never\",\n"
		" \"db\": \"../store.db\", \"jobs\": 3}\n";
	pf_config *c = NULL;

	CHECK(pf_mkdirs(sub) == 0);
	CHECK(pf_file_write(path, text, sizeof(text) - 1) == 0);
	CHECK(pf_config_load(&c, path) == 0 && c);
	if (c) {
		CHECK(!strcmp(c->dir, sub));
		CHECK(!strncmp(c->policy, sub, strlen(sub)) && !strcmp(c->policy + strlen(sub), "/p.json"));
		CHECK(c->ncatalogs == 2 && !strcmp(c->catalogs[1], "/abs/d.json"));
		CHECK(!strcmp(c->baseline, "git:main")); /* a run, not a path */
		CHECK(c->nexclude == 1 && !strcmp(c->exclude[0], "vendor")); /* relative to root */
		CHECK(c->fail_on == PF_SEV_COUNT && c->jobs == 3 && c->no_default_catalog == -1);
		CHECK(!c->root && !c->build_path && !c->suppressions);
		pf_config_free(c);
	}
	unlink(path);
	rmdir(sub);
	pf_free(path);
	pf_free(sub);
}

int main(void)
{
	char dir[] = "/tmp/pf_test_baseline.XXXXXX";

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_apply();
	test_file(dir);
	test_globs();
	test_config(dir);
	rmdir(dir);
	return failures ? 1 : 0;
}
