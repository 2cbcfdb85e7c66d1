/*
 * The text report: one diagnostic per finding in the format of gcc and
 * clang ("file:line:col: error: message [rule]"), each trace step as a
 * "note:" under it, so editors, CI problem matchers and humans read it
 * as they read compiler output. The last line is a summary.
 */
#include <string.h>

#include "kinds.h"
#include "report_p.h"
#include "rundiff.h"
#include "util.h"

/* gcc's default GCC_COLORS. */
#define C_LOCUS "\033[01m"
#define C_ERROR "\033[01;31m"
#define C_WARNING "\033[01;35m"
#define C_NOTE "\033[01;36m"
#define C_RESET "\033[m"

static const char *sev_color(int sev)
{
	switch (sev) {
	case PF_SEV_ERROR:
		return C_ERROR;
	case PF_SEV_WARNING:
		return C_WARNING;
	default:
		return C_NOTE;
	}
}

static const char *sev_word(int sev)
{
	return sev >= 0 && sev < PF_SEV_COUNT ? pf_severity_id(sev) : "note";
}

/* "file:line:col: " with the parts that are known. */
static void put_locus(pf_sbuf *b, int color, const char *file, uint32_t line,
                      uint32_t col)
{
	if (color)
		pf_sbuf_puts(b, C_LOCUS);
	pf_sbuf_put_escaped(b, file && *file ? file : "privflow");
	if (line) {
		pf_sbuf_printf(b, ":%u", line);
		if (col)
			pf_sbuf_printf(b, ":%u", col);
	}
	pf_sbuf_puts(b, ":");
	if (color)
		pf_sbuf_puts(b, C_RESET);
	pf_sbuf_puts(b, " ");
}

/* Appends `s` on one line: newlines and tabs become spaces, runs of
   blanks one space, other control and bidi characters escapes (a message
   must not forge a diagnostic line or drive the terminal). */
static void put_oneline(pf_sbuf *b, const char *s)
{
	int blank = 0;
	char esc[8];

	while (s && *s) {
		int n;

		if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
			blank = 1;
			s++;
			continue;
		}
		if (blank)
			pf_sbuf_add(b, " ", 1);
		blank = 0;
		n = pf_text_char(s, esc);
		if (esc[0])
			pf_sbuf_puts(b, esc);
		else
			pf_sbuf_add(b, s, (size_t)n);
		s += n;
	}
}

static void put_diag(pf_sbuf *b, int color, const char *file, uint32_t line,
                     uint32_t col, int sev, const char *msg, const char *rule)
{
	put_locus(b, color, file, line, col);
	if (color)
		pf_sbuf_puts(b, sev_color(sev));
	pf_sbuf_printf(b, "%s:", sev_word(sev));
	if (color)
		pf_sbuf_puts(b, C_RESET);
	pf_sbuf_puts(b, " ");
	put_oneline(b, msg);
	if (rule) {
		pf_sbuf_puts(b, " [");
		if (color)
			pf_sbuf_puts(b, sev_color(sev));
		pf_sbuf_puts(b, rule);
		if (color)
			pf_sbuf_puts(b, C_RESET);
		pf_sbuf_puts(b, "]");
	}
	pf_sbuf_puts(b, "\n");
}

static void put_count(pf_sbuf *b, int *first, size_t n, const char *one,
                      const char *many)
{
	if (!n)
		return;
	pf_sbuf_printf(b, "%s%zu %s", *first ? "" : ", ", n, n == 1 ? one : many);
	*first = 0;
}

/* "privflow: since run 3: new categories: a, b; gone findings: 2" */
static void put_changes(pf_sbuf *b, const pf_report_ctx *ctx)
{
	pf_arena *a = pf_arena_new();
	pf_run_diff d;
	int any = 0;

	pf_run_diff_compute(&d, ctx->previous, ctx->results, a);
	pf_sbuf_printf(b, "privflow: since run %lld:", ctx->previous_run);
	for (int p = 0; p < PF_DIFF_PARTS; p++)
		for (int k = 0; k < 2; k++) {
			const pf_diff_list *l = k ? &d.removed[p] : &d.added[p];

			if (!l->n)
				continue;
			pf_sbuf_printf(b, "%s %s %s", any ? ";" : "", k ? "gone" : "new",
			               pf_diff_part_name(p));
			if (p == PF_DIFF_FINDINGS)
				pf_sbuf_printf(b, ": %zu", l->n);
			for (size_t i = 0; p != PF_DIFF_FINDINGS && i < l->n; i++) {
				pf_sbuf_puts(b, i ? ", " : ": ");
				put_oneline(b, l->v[i]);
			}
			any = 1;
		}
	pf_sbuf_puts(b, any ? "\n" : " nothing changed\n");
	pf_arena_free(a);
}

/*
 * Renders the findings of ctx->results, then
 * "privflow: 3 errors, 2 warnings in 12 files" (or "no findings"), and
 * "; 5 baselined (1 gone)" when a baseline took some out.
 */
int pf_report_text(char **out, size_t *len, const pf_report_ctx *ctx)
{
	const pf_results *r = ctx->results;
	pf_sbuf b = {0};
	size_t sev[PF_SEV_COUNT], i, j, nfiles;
	int first = 1;

	for (i = 0; i < r->nfindings; i++) {
		const pf_finding *f = &r->findings[i];

		put_diag(&b, ctx->color, f->file, f->line, f->col, f->severity,
		         f->message, pf_rule_id(f->rule));
		for (j = 0; j < f->ntrace; j++) {
			const pf_step *s = &f->trace[j];

			put_diag(&b, ctx->color, s->file, s->line, s->col, PF_SEV_NOTE,
			         s->note, NULL);
		}
		if (f->policy_ref) {
			pf_sbuf b2 = {0};
			char *msg;
			size_t n;

			pf_sbuf_puts(&b2, "policy: \"");
			put_oneline(&b2, f->policy_ref);
			pf_sbuf_puts(&b2, "\"");
			pf_sbuf_take(&b2, &msg, &n);
			put_diag(&b, ctx->color, f->file, f->line, f->col, PF_SEV_NOTE,
			         msg, NULL);
			pf_free(msg);
		}
	}

	pf_report_count(r, sev, NULL);
	nfiles = r->nfiles ? r->nfiles : r->ntus;
	pf_sbuf_puts(&b, "privflow: ");
	put_count(&b, &first, sev[PF_SEV_ERROR], "error", "errors");
	put_count(&b, &first, sev[PF_SEV_WARNING], "warning", "warnings");
	put_count(&b, &first, sev[PF_SEV_NOTE], "note", "notes");
	if (first)
		pf_sbuf_puts(&b, "no findings");
	pf_sbuf_printf(&b, " in %zu file%s", nfiles, nfiles == 1 ? "" : "s");
	if (r->ntus_failed && r->ntus_partial)
		pf_sbuf_printf(&b, " (%zu failed to parse, %zu analysed in part)",
		               r->ntus_failed, r->ntus_partial);
	else if (r->ntus_failed)
		pf_sbuf_printf(&b, " (%zu failed to parse)", r->ntus_failed);
	else if (r->ntus_partial)
		pf_sbuf_printf(&b, " (%zu analysed in part)", r->ntus_partial);
	if (r->nbaselined || r->nbaseline_gone)
		pf_sbuf_printf(&b, "; %zu baselined", r->nbaselined);
	if (r->nbaseline_gone)
		pf_sbuf_printf(&b, " (%zu gone)", r->nbaseline_gone);
	pf_sbuf_puts(&b, "\n");
	if (ctx->previous)
		put_changes(&b, ctx);
	pf_sbuf_take(&b, out, len);
	return PF_OK;
}
