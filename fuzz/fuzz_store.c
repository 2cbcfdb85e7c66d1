/*
 * Fuzz harness of the store's read side (analyzer/store.c) and of the
 * report writers fed from it: the input is a store file from elsewhere
 * (a CI cache, an artifact), opened read-only; the latest run is loaded
 * and rendered as text (with and without colour), JSON, SARIF and
 * Markdown, as `privflow report` would. HTML, dot and svg are left out:
 * Graphviz is too slow for a fuzz loop.
 */
#include <string.h>

#include "fuzz.h"
#include "kinds.h"
#include "report.h"
#include "store.h"
#include "util.h"

static void check_results(const pf_results *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		const pf_finding *f = &r->findings[i];

		PF_FUZZ_CHECK(f->rule >= 0 && f->rule < PF_RULE_COUNT);
		PF_FUZZ_CHECK(f->severity >= 0 && f->severity < PF_SEV_COUNT);
		PF_FUZZ_CHECK(f->ntrace == 0 || f->trace);
		PF_FUZZ_CHECK(memchr(f->fingerprint, '\0', sizeof(f->fingerprint)));
	}
	PF_FUZZ_CHECK(r->nfiles == 0 || r->files);
	PF_FUZZ_CHECK(r->nuses == 0 || r->uses);
}

static void render(const pf_results *r)
{
	static const char *const formats[] = {"text", "json", "sarif", "md"};

	for (size_t i = 0; i <= sizeof(formats) / sizeof(formats[0]); i++) {
		const pf_report_writer *w = pf_report_writer_find(formats[i ? i - 1 : 0]);
		pf_report_ctx ctx = {0};
		char *out = NULL;
		size_t len = 0;
		int rc;

		PF_FUZZ_CHECK(w);
		ctx.results = r;
		ctx.color = i == 0; /* text twice: with colour, then without */
		rc = w->render(&out, &len, &ctx);
		pf_fuzz_report(w->name, rc);
		PF_FUZZ_CHECK(rc != 0 || (out && strlen(out) == len));
		pf_free(out);
	}
}

/* SQLite may leave a journal, or a WAL and its index, beside the file. */
static void remove_side_files(void)
{
	pf_fuzz_remove("fuzz.db-journal");
	pf_fuzz_remove("fuzz.db-wal");
	pf_fuzz_remove("fuzz.db-shm");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	pf_store *st = NULL;
	pf_results *r = NULL;
	int rc;

	remove_side_files();
	path = pf_fuzz_file("fuzz.db", data, size);
	rc = pf_store_open_readonly(&st, path);
	pf_fuzz_report("store open", rc);
	PF_FUZZ_CHECK((rc == 0) == (st != NULL));
	if (rc == 0) {
		rc = pf_store_load(&r, st, 0);
		pf_fuzz_report("store load", rc);
		PF_FUZZ_CHECK((rc == 0) == (r != NULL));
	}
	if (r) {
		check_results(r);
		render(r);
	}
	pf_results_free(r);
	pf_store_close(st);
	remove_side_files();
	pf_error_clear();
	return 0;
}

int pf_fuzz_write_seeds(const char *dir, int argc, char **argv)
{
	(void)dir;
	(void)argc;
	(void)argv;
	return 0; /* stores are made by scanning fixtures (fuzz/seeds.sh) */
}
