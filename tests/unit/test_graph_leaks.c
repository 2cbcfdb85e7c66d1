/*
 * The Graphviz path does not leak (reports/graph.c, through the html, svg
 * and dot writers): a pf_results of 2,000 findings, built in memory with
 * the shape of a real scan (traces that go from one function to another,
 * so the trace graphs have clusters; flows of three purposes, so the data
 * map has clusters and rank=min/max subgraphs), is rendered twice in one
 * process, with the default graph options and with others (by file, a
 * category filter), through the one Graphviz context of the process.
 *
 * In a normal build this only checks that every render succeeds. In the
 * sanitizer build LeakSanitizer checks at exit: every graph, layout,
 * rendered buffer and the context must have been freed, and the only
 * memory left is what Graphviz loses by itself, which
 * tests/lsan-graphviz.supp names function by function (tests/CMakeLists.txt
 * points LSAN_OPTIONS at it). A leak report makes the test fail.
 *
 * Those names need full allocation stacks: Graphviz is built without frame
 * pointers, so the default (fast) unwinder stops at Graphviz's own malloc
 * wrapper, where a leak inside dot's layout cannot be told from a layout
 * we forgot to free. So this program asks for the slow unwinder, with
 * stacks cut at 12 frames (the Graphviz names are within 6, our functions
 * within about 10; ASAN_OPTIONS=malloc_context_size=30 shows more). It
 * makes the test take about a minute under ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "report.h"
#include "results.h"
#include "util.h"

#if defined(__SANITIZE_ADDRESS__)
#define PF_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PF_TEST_ASAN 1
#endif
#endif

#ifdef PF_TEST_ASAN
/* The ASan runtime's hook (its name is not ours to choose), read before
   main; ASAN_OPTIONS overrides any of these. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=12";
}
#endif

/* The size of the results: what a code base of a few hundred TUs reports. */
#define NFINDINGS 2000
#define NUSES 1500
#define NFILES 150
#define FUNCS_PER_FILE 4
#define ROUNDS 2

#include "check.h"

static const char *const categories[] = {
	"user.contact.email", "user.contact.phone_number",
	"user.contact.address.street", "user.name",
	"user.authorization.password", "user.financial.credit_card",
	"user.financial.bank_account", "user.device.ip_address",
	"user.demographic.date_of_birth", "user.location.precise",
	"user.government_id", "user.behavior.browsing_history",
};
static const char *const purposes[] = {
	"essential.service", "marketing.communications", "analytics.reporting",
};
static const char *const sinks[] = {"log", "storage", "network",
                                    "network.tls"};
static const char *const targets[] = {
	NULL, "users.db", "audit.log", "payment-processor",
	"email-service-provider", "stats.example", "crm.example", "cache",
};
static const int rules[] = {
	PF_RULE_SENSITIVE_LOG, PF_RULE_PLAINTEXT_CREDENTIAL,
	PF_RULE_CLEARTEXT_TRANSPORT, PF_RULE_UNDECLARED_PURPOSE,
	PF_RULE_UNDECLARED_RECIPIENT, PF_RULE_NOT_ANONYMIZED,
	PF_RULE_MISSING_CONSENT_CHECK, PF_RULE_FORBIDDEN_STORAGE,
	PF_RULE_UNDECLARED_CATEGORY, PF_RULE_INCOMPLETE_ERASURE,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A fixed pseudo-random sequence, so every run renders the same graphs. */
static unsigned long seed = 1;

static size_t pick(size_t n)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (size_t)((seed >> 33) % n);
}

/* `fmt` (one %zu, for `x`) formatted into the results' arena. */
static const char *keep(pf_arena *a, const char *fmt, size_t x)
{
	char buf[128];

	snprintf(buf, sizeof(buf), fmt, x);
	return pf_arena_strdup(a, buf);
}

/* Function k of the code base: file k / FUNCS_PER_FILE, lines 100 apart. */
static uint32_t func_line(size_t k)
{
	return (uint32_t)(k % FUNCS_PER_FILE) * 100 + 10;
}

/* What function k does with personal data: its category, purpose and
   destination are functions of k, so functions repeat each other and the
   data map merges them, as on a real scan. */
static pf_use func_use(const char *const *fnames, const char *const *files,
                       size_t k)
{
	size_t sink = k % COUNT(sinks);

	return (pf_use){
		categories[k % COUNT(categories)], "sent", sinks[sink],
		sink ? targets[(k / COUNT(sinks)) % COUNT(targets)] : NULL,
		purposes[k % COUNT(purposes)], k % 2 ? "" : "hashed", fnames[k],
		files[k / FUNCS_PER_FILE], func_line(k) + 50, 3};
}

/*
 * NFINDINGS findings whose traces go from a caller to the function where
 * the data leaves (every 100th one in more than the 16 steps a trace graph
 * draws), and NUSES flows: one at the place of every other finding, the
 * rest elsewhere in random functions.
 */
static pf_results *big_results(void)
{
	pf_results *r = pf_calloc(1, sizeof(*r));
	pf_arena *a = pf_arena_new();
	const char **files = pf_calloc(NFILES, sizeof(*files));
	const char **fnames = pf_calloc(NFILES * FUNCS_PER_FILE, sizeof(*fnames));
	size_t nfuncs = NFILES * FUNCS_PER_FILE, i, j, nu = 0;

	r->arena = a;
	r->tool_version = "0.1.0";
	r->root = "/nonexistent/project";
	r->policy_name = "Facturi";
	r->ntus = NFILES;
	r->nflows = NUSES;

	for (i = 0; i < NFILES; i++)
		files[i] = keep(a, "src/mod%zu/file.c", i);
	r->nfunctions = nfuncs;
	r->functions = pf_arena_alloc(a, nfuncs * sizeof(*r->functions));
	for (i = 0; i < nfuncs; i++) {
		fnames[i] = keep(a, "handler_%zu", i);
		r->functions[i] = (pf_function_fact){
			fnames[i], files[i / FUNCS_PER_FILE], func_line(i),
			purposes[i % COUNT(purposes)]};
	}

	r->nfindings = NFINDINGS;
	r->findings = pf_arena_alloc(a, NFINDINGS * sizeof(*r->findings));
	r->uses = pf_arena_alloc(a, NUSES * sizeof(*r->uses));
	for (i = 0; i < NFINDINGS; i++) {
		pf_finding *f = &r->findings[i];
		size_t fn = pick(nfuncs), caller = pick(nfuncs);
		size_t nsteps = i % 100 ? 2 + pick(4) : 20;
		pf_use u = func_use(fnames, files, fn);

		*f = (pf_finding){
			.rule = rules[fn % 4 + (i % 5 ? 0 : 4)],
			.severity = i % 3 ? PF_SEV_ERROR : PF_SEV_WARNING,
			.category = u.category, .purpose = u.purpose,
			.recipient = u.target, .sink = u.sink, .function = u.function,
			.file = u.file, .line = u.line, .col = u.col,
			.message = keep(a, "finding %zu: data leaves unprotected", i)};
		f->ntrace = nsteps;
		f->trace = pf_arena_alloc(a, nsteps * sizeof(*f->trace));
		for (j = 0; j < nsteps; j++) {
			/* From the caller (a cluster of its own on the trace graph)
			   to the function where the data leaves; the last step is the
			   finding's place. */
			size_t g = j < nsteps / 2 ? caller : fn;

			f->trace[j] = (pf_step){
				files[g / FUNCS_PER_FILE],
				j + 1 == nsteps ? f->line : func_line(g) + 1 + (uint32_t)j,
				1, keep(a, "step %zu: passed to the next call", j)};
		}
		if (i % 2 == 0 && nu < NUSES)
			r->uses[nu++] = u;
	}
	while (nu < NUSES) {
		pf_use u = func_use(fnames, files, pick(nfuncs));

		u.kind = "stored";
		u.line -= 30;
		r->uses[nu++] = u;
	}
	r->nuses = nu;
	pf_free(files);
	pf_free(fnames);
	pf_results_finish(r);
	return r;
}

/* Renders `format` and checks it starts with `start` and holds `needle`
   (a graph Graphviz drew: a failed layout would leave nothing to check). */
static void render(const char *format, const char *start, const char *needle,
                   const pf_results *r, const pf_graph_options *opts)
{
	const pf_report_writer *w = pf_report_writer_find(format);
	pf_report_ctx ctx = {.results = r, .graph = *opts};
	char *out = NULL;
	size_t len = 0;

	CHECK(w != NULL);
	if (!w)
		return;
	if (w->render(&out, &len, &ctx) != 0) {
		fprintf(stderr, "test_graph_leaks: %s: %s\n", format, pf_error_last());
		failures++;
		return;
	}
	CHECK(out && strlen(out) == len);
	CHECK(out && !strncmp(out, start, strlen(start)));
	if (out && !strstr(out, needle)) {
		fprintf(stderr, "test_graph_leaks: %s: no %s in it\n", format, needle);
		failures++;
	}
	pf_free(out);
}

int main(void)
{
	const pf_graph_options options[ROUNDS] = {
		{0},
		{.by_file = 1, .category = "user.contact"},
	};
	pf_results *r = big_results();
	size_t round;

	for (round = 0; round < ROUNDS; round++) {
		/* The data map and the findings' traces are there. */
		render("html", "<!DOCTYPE html>", "id=\"finding-2000-graph\"", r,
		       &options[round]);
		render("svg", "<?xml", "<g id=\"datamap\"", r, &options[round]);
		render("dot", "digraph", "digraph privflow_finding_", r,
		       &options[round]);
	}
	pf_results_free(r);
	if (failures)
		fprintf(stderr, "test_graph_leaks: %d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
