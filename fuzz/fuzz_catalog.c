/*
 * Fuzz harness of the catalogue loader (analyzer/catalog.c, jsonpos.c):
 * the input is a catalogue file, loaded into an empty catalogue and, when
 * that succeeds, loaded again over itself (the merge a project catalogue
 * makes over the bundled one: every entry replaced). What the engine
 * reads of a catalogue is then read once.
 */
#include <string.h>

#include "catalog.h"
#include "fuzz.h"
#include "kinds.h"
#include "util.h"

static void exercise(const pf_catalog *cat)
{
	static const char *const names[] = {"printf", "syslog", "curl_easy_setopt",
	                                    "SSL_write", "x", ""};
	const pf_name_rule *rules;
	const char *const *words;
	const pf_word_transform *tw;
	const pf_global_spec *globals;
	const pf_resource_sink *rs;
	size_t n;

	n = pf_catalog_name_rules(cat, &rules);
	for (size_t i = 0; i < n; i++) {
		PF_FUZZ_CHECK(rules[i].category && rules[i].npatterns > 0);
		for (size_t j = 0; j < rules[i].npatterns; j++)
			for (const char *const *w = rules[i].patterns[j]; *w; w++)
				PF_FUZZ_CHECK(**w);
		for (size_t j = 0; j < rules[i].nexclude; j++)
			PF_FUZZ_CHECK(rules[i].exclude[j]);
		for (size_t j = 0; j < rules[i].nscopes; j++)
			PF_FUZZ_CHECK(rules[i].scopes[j]);
	}
	n = pf_catalog_exclude_words(cat, &words);
	for (size_t i = 0; i < n; i++)
		PF_FUZZ_CHECK(words[i] && *words[i]);
	n = pf_catalog_transform_words(cat, &tw);
	for (size_t i = 0; i < n; i++)
		PF_FUZZ_CHECK(tw[i].word && tw[i].transform >= 0 && tw[i].transform < PF_TR_COUNT);
	n = pf_catalog_globals(cat, &globals);
	for (size_t i = 0; i < n; i++)
		PF_FUZZ_CHECK(globals[i].resource && (globals[i].name || globals[i].fd >= 0));
	n = pf_catalog_resource_sinks(cat, &rs);
	for (size_t i = 0; i < n; i++)
		PF_FUZZ_CHECK(rs[i].resource && rs[i].sink >= -1 && rs[i].sink < PF_SINK_COUNT);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const pf_func_spec *f = pf_catalog_func(cat, names[i]);

		for (size_t j = 0; f && j < f->neffects; j++) {
			const pf_effect *e = &f->effects[j];

			PF_FUZZ_CHECK(e->kind < PF_EFF_COUNT);
			PF_FUZZ_CHECK(e->to == PF_ARG_RET || e->to == PF_ARG_NONE ||
			              (e->to >= 0 && e->to < 64));
			PF_FUZZ_CHECK(e->from_rest >= -1 && e->from_rest < 64);
		}
	}
	PF_FUZZ_CHECK(strlen(pf_catalog_digest(cat)) == 64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = pf_fuzz_file("fuzz.catalog.json", data, size);
	pf_catalog *cat = pf_catalog_new();
	int rc = pf_catalog_load(cat, path);

	pf_fuzz_report("catalog", rc);
	if (rc == 0) {
		exercise(cat);
		/* the same file again: every entry is overridden by itself */
		PF_FUZZ_CHECK(pf_catalog_load(cat, path) == 0);
		exercise(cat);
	}
	pf_catalog_free(cat);
	pf_error_clear();
	return 0;
}

int pf_fuzz_write_seeds(const char *dir, int argc, char **argv)
{
	(void)dir;
	(void)argc;
	(void)argv;
	return 0; /* rules/ and fixtures/ are the seeds */
}
