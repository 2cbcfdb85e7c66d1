/*
 * The Markdown report, for merge-request comments, wikis and privacy
 * impact assessments: a summary per severity and rule, the data inventory
 * (what personal data goes where, for which purpose), then every finding
 * with its trace and the policy sentence it breaks.
 */
#include <string.h>

#include "kinds.h"
#include "report_p.h"
#include "rundiff.h"
#include "util.h"

/*
 * Appends `s` for Markdown: control and bidi characters and non-UTF-8
 * bytes as escapes (they would split a table or reorder what the reader
 * sees); in text, line breaks as spaces and Markdown's special
 * characters backslashed; in a code span (`code`), where a backslash is
 * literal, a backtick becomes ' and only | keeps its backslash, as
 * tables need.
 */
static void put_md(pf_sbuf *b, const char *s, int code)
{
	char esc[8];

	while (*s) {
		int n;

		if (!code && (*s == '\n' || *s == '\r')) {
			pf_sbuf_puts(b, " ");
			s++;
			continue;
		}
		n = pf_text_char(s, esc);
		if (esc[0])
			pf_sbuf_puts(b, esc);
		else if (code && *s == '`')
			pf_sbuf_puts(b, "'");
		else if (code && *s == '|')
			pf_sbuf_puts(b, "\\|");
		else {
			if (!code && strchr("\\`*_{}[]<>#|!~", *s))
				pf_sbuf_puts(b, "\\");
			pf_sbuf_add(b, s, (size_t)n);
		}
		s += n;
	}
}

/* The text of a table cell or a paragraph. NULL is "—". */
static void put_text(pf_sbuf *b, const char *s)
{
	if (!s || !*s) {
		pf_sbuf_puts(b, "—");
		return;
	}
	put_md(b, s, 0);
}

/* A `code` span (ids, paths). NULL is "—". */
static void put_code(pf_sbuf *b, const char *s)
{
	if (!s || !*s) {
		pf_sbuf_puts(b, "—");
		return;
	}
	pf_sbuf_puts(b, "`");
	put_md(b, s, 1);
	pf_sbuf_puts(b, "`");
}

static void put_loc(pf_sbuf *b, const char *file, uint32_t line, uint32_t col)
{
	pf_sbuf_puts(b, "`");
	put_md(b, file && *file ? file : "?", 1);
	if (line)
		pf_sbuf_printf(b, ":%u", line);
	if (line && col)
		pf_sbuf_printf(b, ":%u", col);
	pf_sbuf_puts(b, "`");
}

static void put_summary(pf_sbuf *b, const pf_results *r)
{
	size_t sev[PF_SEV_COUNT], rule[PF_RULE_COUNT];
	int i;

	pf_report_count(r, sev, rule);
	pf_sbuf_puts(b, "## Summary\n\n");
	pf_sbuf_printf(b, "%zu finding%s: %zu error%s, %zu warning%s, "
	               "%zu note%s.\n\n", r->nfindings,
	               r->nfindings == 1 ? "" : "s", sev[PF_SEV_ERROR],
	               sev[PF_SEV_ERROR] == 1 ? "" : "s", sev[PF_SEV_WARNING],
	               sev[PF_SEV_WARNING] == 1 ? "" : "s", sev[PF_SEV_NOTE],
	               sev[PF_SEV_NOTE] == 1 ? "" : "s");
	pf_sbuf_printf(b, "Scanned %zu file%s (%zu translation unit%s, %zu "
	               "failed to parse, %zu analysed in part), %zu function%s, %zu "
	               "flow%s checked.\n\n",
	               r->nfiles, r->nfiles == 1 ? "" : "s", r->ntus,
	               r->ntus == 1 ? "" : "s", r->ntus_failed, r->ntus_partial,
	               r->nfunctions,
	               r->nfunctions == 1 ? "" : "s", r->nflows,
	               r->nflows == 1 ? "" : "s");
	if (!r->nfindings)
		return;
	pf_sbuf_puts(b, "| Rule | Severity | Findings | What it means |\n"
	                "|---|---|---:|---|\n");
	for (i = 0; i < PF_RULE_COUNT; i++) {
		size_t j, nsev[PF_SEV_COUNT] = {0};
		int s, first = 1;

		if (!rule[i])
			continue;
		for (j = 0; j < r->nfindings; j++)
			if (r->findings[j].rule == i && r->findings[j].severity >= 0 &&
			    r->findings[j].severity < PF_SEV_COUNT)
				nsev[r->findings[j].severity]++;
		pf_sbuf_printf(b, "| `%s` | ", pf_rule_id(i));
		for (s = PF_SEV_COUNT - 1; s >= 0; s--) {
			if (!nsev[s])
				continue;
			pf_sbuf_printf(b, "%s%s", first ? "" : ", ", pf_severity_id(s));
			first = 0;
		}
		pf_sbuf_printf(b, " | %zu | ", rule[i]);
		put_text(b, pf_rule_description(i));
		pf_sbuf_puts(b, " |\n");
	}
	pf_sbuf_puts(b, "\n");
}

static void put_inventory(pf_sbuf *b, const pf_results *r)
{
	size_t i;

	pf_sbuf_puts(b, "## Data inventory\n\n");
	if (!r->nuses) {
		pf_sbuf_puts(b, "No personal data found.\n\n");
		return;
	}
	pf_sbuf_puts(b, "| Category | Use | Sink | Target | Purpose | "
	                "Transforms | Where |\n"
	                "|---|---|---|---|---|---|---|\n");
	for (i = 0; i < r->nuses; i++) {
		const pf_use *u = &r->uses[i];

		pf_sbuf_puts(b, "| ");
		put_code(b, u->category);
		pf_sbuf_puts(b, " | ");
		put_text(b, u->kind);
		pf_sbuf_puts(b, " | ");
		put_code(b, u->sink);
		pf_sbuf_puts(b, " | ");
		put_code(b, u->target);
		pf_sbuf_puts(b, " | ");
		put_code(b, u->purpose);
		pf_sbuf_puts(b, " | ");
		put_text(b, u->transforms);
		pf_sbuf_puts(b, " | ");
		put_loc(b, u->file, u->line, u->col);
		if (u->function) {
			pf_sbuf_puts(b, " in ");
			put_code(b, u->function);
		}
		pf_sbuf_puts(b, " |\n");
	}
	pf_sbuf_puts(b, "\n");
}

static void put_finding(pf_sbuf *b, const pf_finding *f)
{
	size_t i;

	pf_sbuf_printf(b, "### %s: `%s` at ", pf_severity_id(f->severity),
	               pf_rule_id(f->rule));
	put_loc(b, f->file, f->line, f->col);
	pf_sbuf_puts(b, "\n\n");
	put_text(b, f->message);
	pf_sbuf_puts(b, "\n\n");
	const struct { const char *label, *value; } facts[] = {
		{"Category", f->category}, {"Purpose", f->purpose},
		{"Recipient", f->recipient}, {"Sink", f->sink}, {"Function", f->function}};
	for (size_t fi = 0; fi < sizeof(facts) / sizeof(facts[0]); fi++) {
		if (!facts[fi].value)
			continue;
		pf_sbuf_printf(b, "- %s: ", facts[fi].label);
		put_code(b, facts[fi].value);
		pf_sbuf_puts(b, "\n");
	}
	pf_sbuf_printf(b, "- Fingerprint: `%s`\n\n", f->fingerprint);
	if (f->ntrace) {
		pf_sbuf_puts(b, "Trace:\n\n");
		for (i = 0; i < f->ntrace; i++) {
			pf_sbuf_printf(b, "%zu. ", i + 1);
			put_loc(b, f->trace[i].file, f->trace[i].line, f->trace[i].col);
			pf_sbuf_puts(b, ": ");
			put_text(b, f->trace[i].note);
			pf_sbuf_puts(b, "\n");
		}
		pf_sbuf_puts(b, "\n");
	}
	if (f->policy_ref) {
		pf_sbuf_puts(b, "> Policy: ");
		put_text(b, f->policy_ref);
		pf_sbuf_puts(b, "\n\n");
	}
}

/* report --compare: "## Changes since run N", a list per part. */
static void put_changes(pf_sbuf *b, const pf_report_ctx *ctx)
{
	pf_arena *a = pf_arena_new();
	pf_run_diff d;

	pf_run_diff_compute(&d, ctx->previous, ctx->results, a);
	pf_sbuf_printf(b, "## Changes since run %lld\n\n", ctx->previous_run);
	for (int p = 0; p < PF_DIFF_PARTS; p++)
		for (int k = 0; k < 2; k++) {
			const pf_diff_list *l = k ? &d.removed[p] : &d.added[p];

			pf_sbuf_printf(b, "- %s %s:%s", k ? "Gone" : "New", pf_diff_part_name(p),
			               l->n ? "" : " none");
			for (size_t i = 0; i < l->n; i++) {
				const pf_finding *f = l->findings ? l->findings[i] : NULL;

				pf_sbuf_puts(b, i ? ", " : " ");
				if (f) {
					pf_sbuf_printf(b, "`%s` at ", pf_rule_id(f->rule));
					put_loc(b, f->file, f->line, f->col);
				} else {
					put_code(b, l->v[i]);
				}
			}
			pf_sbuf_puts(b, "\n");
		}
	pf_sbuf_puts(b, "\n");
	pf_arena_free(a);
}

/* Renders the whole report; deterministic like the JSON (no dates). */
int pf_report_md(char **out, size_t *len, const pf_report_ctx *ctx)
{
	const pf_results *r = ctx->results;
	pf_sbuf b = {0};
	size_t i;

	pf_sbuf_puts(&b, "# privflow report\n\n");
	if (r->policy_name) {
		pf_sbuf_puts(&b, "Policy: ");
		put_text(&b, r->policy_name);
		pf_sbuf_puts(&b, "\n\n");
	}
	put_summary(&b, r);
	if (ctx->previous)
		put_changes(&b, ctx);
	put_inventory(&b, r);
	pf_sbuf_puts(&b, "## Findings\n\n");
	if (!r->nfindings)
		pf_sbuf_puts(&b, "None.\n");
	for (i = 0; i < r->nfindings; i++)
		put_finding(&b, &r->findings[i]);
	/* One trailing newline exactly. */
	while (b.n > 1 && b.v[b.n - 1] == '\n' && b.v[b.n - 2] == '\n')
		b.v[--b.n] = '\0';
	pf_sbuf_take(&b, out, len);
	return PF_OK;
}
