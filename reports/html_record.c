/*
 * The assessment sections of the HTML report: the data inventory (one
 * card per category, each retention rule once), the record of processing
 * (GDPR art. 30) per purpose, the disclosure grading, the open questions
 * (uses of no known purpose), the changes since a compared run and the
 * glossary. html.c lays out the page around them (html_p.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_p.h"
#include "kinds.h"
#include "rundiff.h"

/* report --compare: what changed since the run compared with. */
void html_changes(html *h)
{
	static const char *const titles[PF_DIFF_PARTS] = {
		"Categories of personal data", "Recipients", "Purposes", "Stores", "Findings"};
	const pf_report_ctx *ctx = h->ctx;
	pf_sbuf *b = &h->b;
	pf_run_diff d;

	if (!ctx->previous)
		return;
	pf_run_diff_compute(&d, ctx->previous, h->r, h->arena);
	pf_sbuf_printf(b, "<section id=\"changes\"><h2>Changes since run %lld</h2>\n"
	               "<p class=\"help\">What the code does now and did not at run %lld "
	               "(the last review), and what it no longer does.</p>\n"
	               "<table class=\"changes\"><thead><tr><th></th><th>New</th><th>Gone</th>"
	               "</tr></thead><tbody>\n", ctx->previous_run, ctx->previous_run);
	for (int p = 0; p < PF_DIFF_PARTS; p++) {
		pf_sbuf_printf(b, "<tr><th>%s</th>", titles[p]);
		for (int k = 0; k < 2; k++) {
			const pf_diff_list *l = k ? &d.removed[p] : &d.added[p];
			strset s = {0};

			for (size_t i = 0; i < l->n; i++) {
				const pf_finding *f = l->findings ? l->findings[i] : NULL;
				char *w;

				if (!f) {
					html_set_add(&s, p == PF_DIFF_RECIPIENTS
					                         ? html_recipient(h, l->v[i], NULL, NULL)
					                         : l->v[i]);
					continue;
				}
				w = pf_asprintf("%s at %s:%u: %s", html_rule_word(f->rule),
				                f->file ? f->file : "?", f->line, f->message ? f->message : "");
				html_set_add(&s, pf_arena_strdup(h->arena, w));
				pf_free(w);
			}
			pf_sbuf_puts(b, "<td>");
			html_list(b, &s, p == PF_DIFF_CATEGORIES || p == PF_DIFF_PURPOSES);
			pf_sbuf_puts(b, "</td>");
			pf_vec_free(&s);
		}
		pf_sbuf_puts(b, "</tr>\n");
	}
	pf_sbuf_puts(b, "</tbody></table></section>\n");
}

/* The number (1-based) of the retention rule of `cat`, 0 if none. */
static size_t retention_rule(html *h, const char *cat)
{
	const pf_pol_category *pc = h->pol ? pf_policy_category(h->pol, cat) : NULL;

	for (size_t i = 0; pc && pc->retention && i < h->retention.n; i++)
		if (!strcmp(h->retention.v[i], pc->retention))
			return i + 1;
	return 0;
}

/* Worst grade of the flows of `cat` (and of `purpose` unless NULL) and
   how many flows have each grade; -1 if none. */
static int cat_grades(const html *h, const char *cat, const char *purpose, size_t *count)
{
	int worst = -1;

	memset(count, 0, PF_GRADE_COUNT * sizeof(*count));
	for (size_t i = 0; i < h->ndisc; i++) {
		const pf_disclosure *d = &h->disc[i];

		if (strcmp(d->category, cat) || (purpose && (!d->purpose || strcmp(d->purpose, purpose))))
			continue;
		count[d->grade]++;
		if (d->grade > worst)
			worst = d->grade;
	}
	return worst;
}

/* "2 clear, 1 vague" (in the arena). */
static const char *grades_words(html *h, const size_t *count)
{
	pf_sbuf w = {0};
	char *s;
	size_t n;

	for (int g = PF_GRADE_COUNT - 1; g >= 0; g--)
		if (count[g])
			pf_sbuf_printf(&w, "%s%zu %s", w.n ? ", " : "", count[g], pf_grade_id(g));
	pf_sbuf_take(&w, &s, &n);
	const char *a = pf_arena_strdup(h->arena, s);
	pf_free(s);
	return a;
}

static void put_grade(pf_sbuf *b, int grade)
{
	pf_sbuf_printf(b, "<span class=\"grade g-%s\">%s</span>", pf_grade_id(grade),
	               pf_grade_id(grade));
}

/* A labelled list: a term of a card (<dt>label</dt><dd>list</dd>), or
   with `row` a row of a record entry (<tr><th>label</th><td>list</td></tr>). */
static void put_labelled(pf_sbuf *b, int row, const char *label, const strset *s, int code)
{
	pf_sbuf_printf(b, row ? "<tr><th>%s</th><td>" : "<dt>%s</dt><dd>", label);
	html_list(b, s, code);
	pf_sbuf_puts(b, row ? "</td></tr>\n" : "</dd>");
}

/* A category of the inventory, as a card (it fits any page width). */
static void put_category(html *h, const char *cat, size_t k)
{
	const pf_results *r = h->r;
	const pf_pol_category *pc = h->pol ? pf_policy_category(h->pol, cat) : NULL;
	pf_sbuf *b = &h->b;
	strset col = {0}, sto = {0}, log = {0}, sent = {0}, pur = {0};
	size_t j, rule = retention_rule(h, cat), count[PF_GRADE_COUNT];

	for (j = 0; j < r->nuses; j++) {
		const pf_use *u = &r->uses[j];

		if (!u->category || strcmp(u->category, cat))
			continue;
		if (u->purpose) {
			const pf_pol_purpose *pp = h->pol ? pf_policy_purpose(h->pol, u->purpose) : NULL;
			char *s = !h->pol ? pf_strdup(u->purpose)
			          : pf_asprintf("%s (%s)", u->purpose,
			                        pp ? pf_legal_basis_id(pp->legal_basis)
			                           : "not declared in the policy");

			html_set_add(&pur, pf_arena_strdup(h->arena, s));
			pf_free(s);
		}
		if (!u->kind || !strcmp(u->kind, "collected") || !strcmp(u->kind, "received"))
			html_set_add(&col, html_where(h, u));
		else if (!strcmp(u->kind, "stored"))
			html_set_add(&sto, u->target ? u->target : html_where(h, u));
		else if (!strcmp(u->kind, "logged"))
			html_set_add(&log, html_where(h, u));
		else if (!strcmp(u->kind, "sent"))
			html_set_add(&sent, html_recipient(h, u->target, u->sink, NULL));
	}
	html_set_sort(&pur);
	pf_sbuf_printf(b, "<article class=\"category\" id=\"category-%zu\"><h3><code>", k);
	html_esc(b, cat);
	pf_sbuf_puts(b, "</code>");
	if (h->pol && !pc)
		pf_sbuf_puts(b, " <span class=\"bad\">not declared in the policy</span>");
	pf_sbuf_puts(b, "</h3>");
	if (pc && pc->description) {
		pf_sbuf_puts(b, "<p class=\"help\">");
		if (strcmp(pc->id, cat)) {
			pf_sbuf_puts(b, "Declared as part of <code>");
			html_esc(b, pc->id);
			pf_sbuf_puts(b, "</code>: ");
		}
		html_esc(b, pc->description);
		pf_sbuf_puts(b, "</p>");
	}
	pf_sbuf_puts(b, "<dl class=\"facts\">");
	put_labelled(b, 0, "Collected at", &col, 0);
	put_labelled(b, 0, "Stored in", &sto, 0);
	put_labelled(b, 0, "Logged at", &log, 0);
	put_labelled(b, 0, "Shared with", &sent, 0);
	put_labelled(b, 0, h->pol ? "Purposes (legal basis)" : "Purposes", &pur, 1);
	if (h->pol) {
		pf_sbuf_puts(b, "<dt>Retention</dt><dd>");
		if (rule)
			pf_sbuf_printf(b, "<a href=\"#retention-%zu\">retention rule %zu</a>", rule, rule);
		else
			html_opt(b, NULL);
		pf_sbuf_puts(b, "</dd><dt>Disclosure</dt><dd>");
		if (cat_grades(h, cat, NULL, count) >= 0) {
			pf_sbuf_puts(b, "<a href=\"#disclosure\">");
			html_esc(b, grades_words(h, count));
			pf_sbuf_puts(b, "</a>");
		} else {
			html_opt(b, NULL);
		}
		pf_sbuf_puts(b, "</dd>");
	}
	pf_sbuf_puts(b, "</dl></article>\n");
	pf_vec_free(&col);
	pf_vec_free(&sto);
	pf_vec_free(&log);
	pf_vec_free(&sent);
	pf_vec_free(&pur);
}

/* Each distinct retention rule once, with the categories it covers. */
static void put_retention(html *h)
{
	pf_sbuf *b = &h->b;

	if (!h->pol)
		return;
	pf_sbuf_puts(b, "<h3 id=\"retention\">Retention (policy)</h3>\n");
	if (!h->retention.n) {
		pf_sbuf_puts(b, "<p class=\"none\">The policy states no retention for these "
		                "categories.</p>\n");
		return;
	}
	pf_sbuf_puts(b, "<table class=\"retention\"><thead><tr><th>Rule</th><th>The policy "
	                "says</th><th>Categories</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < h->retention.n; i++) {
		strset cats = {0};

		for (size_t j = 0; j < h->cats.n; j++)
			if (retention_rule(h, h->cats.v[j]) == i + 1)
				html_set_add(&cats, h->cats.v[j]);
		pf_sbuf_printf(b, "<tr id=\"retention-%zu\"><td class=\"num\">%zu</td><td>", i + 1,
		               i + 1);
		html_esc(b, h->retention.v[i]);
		pf_sbuf_puts(b, "</td><td>");
		html_list(b, &cats, 1);
		pf_sbuf_puts(b, "</td></tr>\n");
		pf_vec_free(&cats);
	}
	pf_sbuf_puts(b, "</tbody></table>\n");
}

void html_inventory(html *h)
{
	pf_sbuf *b = &h->b;

	pf_sbuf_puts(b, "<section id=\"inventory\"><h2>Data inventory</h2>\n"
	                "<p class=\"help\">Every category of personal data the "
	                "code handles: where it is collected, stored and logged, "
	                "who it is shared with, for which purposes, and what the "
	                "policy declares (legal basis, retention, how it discloses "
	                "the flows).</p>\n");
	if (!h->cats.n) {
		pf_sbuf_puts(b, "<p class=\"none\">No personal data found.</p>"
		                "</section>\n");
		return;
	}
	pf_sbuf_puts(b, "<div class=\"categories\">\n");
	for (size_t i = 0; i < h->cats.n; i++)
		put_category(h, h->cats.v[i], i + 1);
	pf_sbuf_puts(b, "</div>\n");
	put_retention(h);
	pf_sbuf_puts(b, "</section>\n");
}

/* "user.contact.email hashed and encrypted before it is sent" (in the
   arena): a use's transforms in words. */
static const char *measure_words(html *h, const pf_use *u)
{
	pf_sbuf w = {0};
	const char *a;

	pf_sbuf_puts(&w, u->category);
	for (const char *t = u->transforms; t && *t;) {
		const char *comma = strchr(t, ',');
		size_t len = comma ? (size_t)(comma - t) : strlen(t);

		pf_sbuf_puts(&w, t == u->transforms ? " " : " and ");
		if (len == 10 && !strncmp(t, "anonymized", len))
			pf_sbuf_puts(&w, "anonymised");
		else if (len == 13 && !strncmp(t, "pseudonymized", len))
			pf_sbuf_puts(&w, "pseudonymised");
		else
			pf_sbuf_add(&w, t, len);
		t += len + (comma != NULL);
	}
	pf_sbuf_printf(&w, " before it is %s", u->kind ? u->kind : "used");
	a = pf_arena_strdup(h->arena, w.v);
	pf_free(w.v);
	return a;
}

/* The retention rules of `cats`, each once with its categories, linked
   to the rule's sentence. */
static void put_retention_rules(html *h, const strset *cats)
{
	pf_sbuf *b = &h->b;
	int any = 0;

	for (size_t k = 1; k <= h->retention.n; k++) {
		int first = 1;

		for (size_t i = 0; i < cats->n; i++) {
			if (retention_rule(h, cats->v[i]) != k)
				continue;
			if (first)
				pf_sbuf_printf(b, "%s<li><a href=\"#retention-%zu\">rule %zu</a>: ",
				               any ? "" : "<ul class=\"cell\">", k, k);
			else
				pf_sbuf_puts(b, ", ");
			html_code(b, cats->v[i]);
			first = 0;
			any = 1;
		}
		if (!first)
			pf_sbuf_puts(b, "</li>");
	}
	if (any)
		pf_sbuf_puts(b, "</ul>");
	else
		html_opt(b, NULL);
}

/* One purpose of the record of processing. */
static void put_activity(html *h, const char *purpose, size_t k)
{
	const pf_results *r = h->r;
	const pf_pol_purpose *pp = h->pol ? pf_policy_purpose(h->pol, purpose)
	                                  : NULL;
	pf_sbuf *b = &h->b;
	strset cats = {0}, pcats = {0}, recips = {0}, precips = {0},
	       measures = {0}, fns = {0}, grades = {0};
	size_t i, j;

	for (i = 0; i < r->nuses; i++) {
		const pf_use *u = &r->uses[i];

		if (!u->purpose || strcmp(u->purpose, purpose))
			continue;
		html_set_add(&cats, u->category);
		if (u->kind && !strcmp(u->kind, "sent")) {
			int declared;
			const char *w = html_recipient(h, u->target, u->sink, &declared);
			/* a host no recipient claims says so already */
			char *marked = declared || strncmp(w, "undeclared", 10) == 0
			                       ? NULL
			                       : pf_asprintf("%s — not declared in the policy", w);

			html_set_add(&recips, marked ? pf_arena_strdup(h->arena, marked) : w);
			pf_free(marked);
		}
		if (u->function)
			html_set_add(&fns, u->function);
		if (u->transforms && *u->transforms)
			html_set_add(&measures, measure_words(h, u));
	}
	for (i = 0; pp && i < pp->categories.n; i++)
		html_set_add(&pcats, pp->categories.v[i]);
	for (i = 0; h->pol && i < h->pol->nrecipients; i++) {
		const pf_pol_recipient *pr = &h->pol->recipients[i];
		int serves = !pr->purposes.n;

		for (j = 0; j < pr->purposes.n && !serves; j++)
			serves = pf_category_covers(pr->purposes.v[j], purpose);
		if (serves) {
			char *s = pf_asprintf("%s (%s)", pr->id, pr->kind ? pr->kind
			                                                  : "recipient");

			html_set_add(&precips, pf_arena_strdup(h->arena, s));
			pf_free(s);
		}
	}
	html_set_sort(&cats);
	for (i = 0; h->pol && i < cats.n; i++) {
		size_t count[PF_GRADE_COUNT];
		int worst = cat_grades(h, cats.v[i], purpose, count);

		if (worst >= 0) {
			char *g = pf_asprintf("%s: %s", cats.v[i], grades_words(h, count));

			html_set_add(&grades, pf_arena_strdup(h->arena, g));
			pf_free(g);
		}
	}
	html_set_sort(&recips);
	html_set_sort(&fns);
	html_set_sort(&measures);

	pf_sbuf_printf(b, "<article class=\"activity\" id=\"purpose-%zu\">"
	               "<h3><code>", k);
	html_esc(b, purpose);
	pf_sbuf_puts(b, "</code>");
	if (h->pol && !pp)
		pf_sbuf_puts(b, " <span class=\"bad\">not declared in the policy"
		                "</span>");
	pf_sbuf_puts(b, "</h3>\n<table class=\"record\"><tbody>\n"
	                "<tr><th>Purpose of the processing</th><td>");
	html_opt(b, pp ? pp->description : NULL);
	if (pp && pp->ref) {
		pf_sbuf_puts(b, "<blockquote class=\"policy\">");
		html_esc(b, pp->ref);
		pf_sbuf_puts(b, "</blockquote>");
	}
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>Legal basis</th><td>");
	html_opt(b, pp && pp->legal_basis != PF_BASIS_NONE
	           ? pf_legal_basis_id(pp->legal_basis) : NULL);
	if (pp && (pp->consent || pp->opt_out)) {
		pf_sbuf_puts(b, pp->consent ? "; needs consent " : "; honours the "
		                                                  "opt-out ");
		html_code(b, pp->consent ? pp->consent : pp->opt_out);
	}
	pf_sbuf_puts(b, "</td></tr>\n");
	put_labelled(b, 1, "Categories of personal data processed (code)", &cats, 1);
	put_labelled(b, 1, "Categories allowed (policy)", &pcats, 1);
	put_labelled(b, 1, "Recipients the data reaches (code)", &recips, 0);
	put_labelled(b, 1, "Recipients declared (policy)", &precips, 0);
	pf_sbuf_puts(b, "<tr><th>Retention (policy)</th><td>");
	put_retention_rules(h, &cats);
	pf_sbuf_puts(b, "</td></tr>\n");
	put_labelled(b, 1, "How the policy discloses it", &grades, 0);
	put_labelled(b, 1, "Technical measures seen in the code", &measures, 0);
	put_labelled(b, 1, "Functions", &fns, 1);
	pf_sbuf_puts(b, "</tbody></table></article>\n");
	pf_vec_free(&cats);
	pf_vec_free(&pcats);
	pf_vec_free(&recips);
	pf_vec_free(&precips);
	pf_vec_free(&measures);
	pf_vec_free(&fns);
	pf_vec_free(&grades);
}

void html_processing(html *h)
{
	const pf_results *r = h->r;
	pf_sbuf *b = &h->b;
	strset purposes = {0}, observed = {0};
	size_t i;

	pf_sbuf_puts(b, "<section id=\"processing\"><h2>Record of processing "
	                "activities</h2>\n<p class=\"help\">One entry per purpose "
	                "(GDPR article 30): what the policy declares, next to what "
	                "the code does.</p>\n");
	if (h->pol && (h->pol->controller || h->pol->contact)) {
		pf_sbuf_puts(b, "<p>Controller: ");
		html_opt(b, h->pol->controller);
		pf_sbuf_puts(b, ". Contact: ");
		html_opt(b, h->pol->contact);
		pf_sbuf_puts(b, ".</p>\n");
	}
	for (i = 0; h->pol && i < h->pol->npurposes; i++)
		html_set_add(&purposes, h->pol->purposes[i].id);
	for (i = 0; i < r->nuses; i++)
		html_set_add(&observed, r->uses[i].purpose);
	for (i = 0; i < r->nfindings; i++)
		html_set_add(&observed, r->findings[i].purpose);
	html_set_sort(&observed);
	for (i = 0; i < observed.n; i++)
		html_set_add(&purposes, observed.v[i]);
	if (!purposes.n)
		pf_sbuf_puts(b, "<p class=\"none\">No purpose could be attributed."
		                "</p>\n");
	for (i = 0; i < purposes.n; i++)
		put_activity(h, purposes.v[i], i + 1);
	pf_sbuf_puts(b, "</section>\n");
	pf_vec_free(&purposes);
	pf_vec_free(&observed);
}

static int cmp_question(const void *x, const void *y)
{
	const pf_use *a = *(const pf_use *const *)x, *b = *(const pf_use *const *)y;
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");

	if (!c)
		c = strcmp(a->function ? a->function : "", b->function ? b->function : "");
	return c ? c : a->line < b->line ? -1 : a->line > b->line;
}

/* A use whose purpose privflow could not determine (not a collection:
   collecting needs no purpose, only where the data goes). */
static int is_question(const pf_use *u)
{
	return !u->purpose && u->category && u->kind && strcmp(u->kind, "collected") &&
	       strcmp(u->kind, "received");
}

/* One file's open questions: its functions (and the line of each one's
   first use), then what they do with which categories. */
static void put_question_file(html *h, const pf_use **q, size_t n)
{
	static const char *const kinds[] = {"stored", "logged", "sent", "written", "processed"};
	static const char *const verbs[] = {"store", "log", "send", "write out", "process"};
	pf_sbuf *b = &h->b;
	strset fns = {0};
	int any = 0;

	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(q[i]->function ? q[i]->function : "",
		                 q[i - 1]->function ? q[i - 1]->function : "")) {
			char *w = pf_asprintf("%s() line %u", q[i]->function ? q[i]->function : "?",
			                      q[i]->line);

			html_set_add(&fns, pf_arena_strdup(h->arena, w));
			pf_free(w);
		}
	pf_sbuf_puts(b, "<li><code>");
	html_esc(b, q[0]->file ? q[0]->file : "?");
	pf_sbuf_puts(b, "</code>");
	html_list(b, &fns, 0);
	pf_sbuf_puts(b, fns.n == 1 ? "For which purpose does it" : "For which purpose do they");
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		strset cats = {0};

		for (size_t i = 0; i < n; i++)
			if (!strcmp(q[i]->kind, kinds[k]))
				html_set_add(&cats, q[i]->category);
		if (cats.n) {
			html_set_sort(&cats);
			pf_sbuf_printf(b, "%s %s ", any++ ? "," : "", verbs[k]);
			for (size_t i = 0; i < cats.n; i++) {
				pf_sbuf_puts(b, i ? ", " : "");
				html_code(b, cats.v[i]);
			}
		}
		pf_vec_free(&cats);
	}
	pf_sbuf_puts(b, "?</li>\n");
	pf_vec_free(&fns);
}

/* Uses of personal data whose purpose privflow could not determine: open
   questions of the assessment (findings under a policy that lists the
   unknown-purpose rule), one entry per source file (where a binding of
   the policy would answer them). */
void html_questions(html *h)
{
	const pf_results *r = h->r;
	pf_sbuf *b = &h->b;
	const pf_use **q = pf_calloc(r->nuses + 1, sizeof(*q));
	size_t n = 0;

	for (size_t i = 0; i < r->nuses; i++)
		if (is_question(&r->uses[i]))
			q[n++] = &r->uses[i];
	qsort(q, n, sizeof(*q), cmp_question);
	pf_sbuf_puts(b, "<section id=\"questions\"><h2>Open questions</h2>\n<p class=\"help\">Uses "
	                "of personal data for which the code says no purpose (no "
	                "<code>PRIVFLOW_PURPOSE</code> on the function or its callers, no binding "
	                "of its file in the policy): the record of processing cannot place them. "
	                "Answer each in the assessment, or in the code (an annotation, or a "
	                "binding of the file's path in the policy). ");
	pf_sbuf_puts(b, h->pol && pf_policy_severity(h->pol, PF_RULE_UNKNOWN_PURPOSE) >= 0
	                        ? "This policy makes each of them a finding (rule "
	                          "<code>unknown-purpose</code>).</p>\n"
	                        : "A policy that lists the rule <code>unknown-purpose</code> makes "
	                          "each of them a finding.</p>\n");
	if (!n) {
		pf_sbuf_puts(b, "<p class=\"none\">None: every use has a purpose.</p>\n");
	} else {
		pf_sbuf_puts(b, "<ul class=\"questions\">");
		for (size_t i = 0, j; i < n; i = j) {
			for (j = i + 1; j < n && !strcmp(q[j]->file ? q[j]->file : "",
			                                 q[i]->file ? q[i]->file : ""); j++)
				;
			put_question_file(h, q + i, j - i);
		}
		pf_sbuf_puts(b, "</ul>\n");
	}
	pf_sbuf_puts(b, "</section>\n");
	pf_free(q);
}

/* What a flow does, in words (in the arena): "sent to ... for P". */
static const char *flow_words(html *h, const pf_disclosure *d)
{
	const char *what = !strcmp(d->kind, "sent")
	                           ? html_recipient(h, d->recipient, d->sink, NULL)
	                           : NULL;
	char *s = pf_asprintf("%s%s%s%s", what ? "sent to " : "",
	                      what ? what
	                      : !strcmp(d->kind, "logged")  ? "written to a log"
	                      : !strcmp(d->kind, "written") ? "written to an output privflow "
	                                                      "could not identify"
	                                                    : d->kind,
	                      d->purpose ? " for " : "", d->purpose ? d->purpose : "");
	const char *a = pf_arena_strdup(h->arena, s);

	pf_free(s);
	return a;
}

/* The number (1-based) of a policy sentence the grading quotes, each
   quoted once at the end of the section. */
static size_t ref_number(html *h, const char *ref)
{
	size_t i;

	for (i = 0; i < h->refs.n; i++)
		if (!strcmp(h->refs.v[i], ref))
			return i + 1;
	html_set_add(&h->refs, ref);
	return h->refs.n;
}

/* The flows of one grade class (clear or not), under a header row per
   category, worst grade first. */
static void put_flow_rows(html *h, int clear)
{
	pf_sbuf *b = &h->b;

	for (size_t c = 0; c < h->cats.n; c++) {
		int header = 0;

		for (int g = PF_GRADE_COUNT - 1; g >= 0; g--) {
			if ((g == PF_GRADE_CLEAR) != clear)
				continue;
			for (size_t i = 0; i < h->ndisc; i++) {
				const pf_disclosure *d = &h->disc[i];

				if (d->grade != g || strcmp(d->category, h->cats.v[c]))
					continue;
				if (!header) {
					pf_sbuf_puts(b, "<tr class=\"group\"><th colspan=\"3\"><code>");
					html_esc(b, d->category);
					pf_sbuf_puts(b, "</code></th></tr>\n");
					header = 1;
				}
				pf_sbuf_puts(b, "<tr><td>");
				put_grade(b, g);
				pf_sbuf_puts(b, "</td><td>");
				html_esc(b, flow_words(h, d));
				pf_sbuf_printf(b, "<br><small>%zu place%s, first at ", d->nuses,
				               d->nuses == 1 ? "" : "s");
				html_loc(b, d->file, d->line, 0);
				pf_sbuf_puts(b, "</small></td><td>");
				html_esc(b, d->reason);
				if (d->policy_ref && g != PF_GRADE_CLEAR)
					pf_sbuf_printf(b, " <a href=\"#policy-ref-%zu\">(the policy's "
					               "text %zu)</a>", ref_number(h, d->policy_ref),
					               ref_number(h, d->policy_ref));
				pf_sbuf_puts(b, "</td></tr>\n");
			}
		}
	}
}

/* Disclosure grading: per category, then every flow not clearly disclosed,
   then the clear ones (folded). */
void html_disclosure(html *h)
{
	pf_sbuf *b = &h->b;
	size_t count[PF_GRADE_COUNT];
	int g;

	if (!h->pol)
		return;
	pf_sbuf_puts(b, "<section id=\"disclosure\"><h2>How the policy discloses the "
	                "code's flows</h2>\n<p class=\"help\">Every flow of personal data "
	                "the code has (a category, where it goes, for which purpose) is "
	                "graded against what the policy tells the people concerned:</p>\n"
	                "<dl class=\"facts grades\"><dt>");
	put_grade(b, PF_GRADE_CLEAR);
	pf_sbuf_puts(b, "</dt><dd>the policy states this category, for this purpose, to this "
	                "recipient;</dd><dt>");
	put_grade(b, PF_GRADE_VAGUE);
	pf_sbuf_puts(b, "</dt><dd>only a broader category or purpose covers it (the policy "
	                "says \"your name\", the code sends the first name): say which, and how "
	                "far;</dd><dt>");
	put_grade(b, PF_GRADE_OMITTED);
	pf_sbuf_puts(b, "</dt><dd>the policy says nothing of it;</dd><dt>");
	put_grade(b, PF_GRADE_INCORRECT);
	pf_sbuf_puts(b, "</dt><dd>the policy says the opposite (\"never stored\", \"only "
	                "hashed\", \"only anonymised\", \"encrypted in transit\", \"not "
	                "sold\").</dd></dl>\n");
	if (!h->ndisc) {
		pf_sbuf_puts(b, "<p class=\"none\">No personal-data flow to grade.</p></section>\n");
		return;
	}
	pf_sbuf_puts(b, "<table id=\"disclosure-summary\"><thead><tr><th>Category</th>");
	for (g = 0; g < PF_GRADE_COUNT; g++)
		pf_sbuf_printf(b, "<th class=\"num\">%s</th>", pf_grade_id(g));
	pf_sbuf_puts(b, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < h->cats.n; i++) {
		if (cat_grades(h, h->cats.v[i], NULL, count) < 0)
			continue;
		pf_sbuf_puts(b, "<tr><td><code>");
		html_esc(b, h->cats.v[i]);
		pf_sbuf_puts(b, "</code></td>");
		for (g = 0; g < PF_GRADE_COUNT; g++)
			pf_sbuf_printf(b, "<td class=\"num%s\">%zu</td>", count[g] ? "" : " none",
			               count[g]);
		pf_sbuf_puts(b, "</tr>\n");
	}
	pf_sbuf_puts(b, "<tr class=\"total\"><th>Every flow</th>");
	for (g = 0; g < PF_GRADE_COUNT; g++)
		pf_sbuf_printf(b, "<th class=\"num\">%zu</th>", h->grades[g]);
	pf_sbuf_puts(b, "</tr></tbody></table>\n");
	if (h->ndisc > h->grades[PF_GRADE_CLEAR]) {
		pf_sbuf_puts(b, "<h3>Flows the policy does not disclose clearly</h3>\n"
		                "<table class=\"flows\"><thead><tr><th>Grade</th><th>Flow</th>"
		                "<th>Why</th></tr></thead><tbody>\n");
		put_flow_rows(h, 0);
		pf_sbuf_puts(b, "</tbody></table>\n<h3>The policy's text these grades "
		                "rest on</h3>\n<ol class=\"refs\">");
		for (size_t i = 0; i < h->refs.n; i++) {
			pf_sbuf_printf(b, "<li id=\"policy-ref-%zu\"><blockquote class=\"policy\">",
			               i + 1);
			html_esc(b, h->refs.v[i]);
			pf_sbuf_puts(b, "</blockquote></li>");
		}
		pf_sbuf_puts(b, "</ol>\n");
	}
	if (h->grades[PF_GRADE_CLEAR]) {
		pf_sbuf_printf(b, "<details class=\"more\"><summary>%zu flow%s disclosed clearly"
		               "</summary><table class=\"flows\"><thead><tr><th>Grade</th>"
		               "<th>Flow</th><th>Why</th></tr></thead><tbody>\n",
		               h->grades[PF_GRADE_CLEAR], h->grades[PF_GRADE_CLEAR] == 1 ? "" : "s");
		put_flow_rows(h, 1);
		pf_sbuf_puts(b, "</tbody></table></details>\n");
	}
	pf_sbuf_puts(b, "</section>\n");
}

/* --- glossary -------------------------------------------------------------------- */

/* Terms the report keeps because the code and the policy use them, each
   with a line in plain language. */
static const struct { const char *term, *meaning; } glossary[] = {
	{"category", "A kind of personal data, named as in the policy (fideslang): "
	             "user.contact.email is an e-mail address; user.contact covers every "
	             "contact detail under it."},
	{"purpose", "Why data is used (fideslang data use): essential.service is running the "
	            "service the user signed up for; marketing.communications is sending them "
	            "offers."},
	{"legal basis", "The GDPR article 6 ground a purpose rests on: contract (needed to "
	                "provide the service), legitimate_interest, consent, legal_obligation, "
	                "vital_interest, public_task."},
	{"recipient", "Someone outside the service the data is sent to: a processor works on "
	              "the controller's behalf (a payment or e-mail provider), an authority "
	              "receives data the law requires, a controller decides on its own."},
	{"undeclared third party", "A server the code sends data to that no recipient of the "
	                           "policy claims (its host name is given)."},
	{"the service's own server", "A host the policy names as the service itself (first "
	                             "party): data sent there does not leave the controller."},
	{"store", "Where the code keeps data: a database table, a file, a cache, named as the "
	          "code names it."},
	{"sink", "Where data leaves the function that holds it: log (syslog, standard error), "
	         "storage (files, databases), network (a connection in clear), network.tls (an "
	         "encrypted connection)."},
	{"hashed", "Turned into a one-way digest: the value cannot be read back, only "
	           "compared."},
	{"encrypted", "Readable only with a key."},
	{"anonymised", "Changed so that it no longer identifies a person, even combined with "
	               "other data."},
	{"pseudonymised", "Replaced by an identifier that can be linked back to the person only "
	                  "with separately kept information."},
	{"redacted", "Partly masked (the last four digits of a card number)."},
	{"finding", "A place in the code where a flow breaks the policy, with the rule it "
	            "breaks and the policy's sentence."},
	{"severity", "How much a finding matters: error (a promise of the policy is broken), "
	             "warning (to review), note."},
	{"trace", "The steps privflow followed from where the data is read to where it "
	          "leaves."},
	{"fingerprint", "A finding's identity across runs, kept when lines move: what a "
	                "baseline or a suppression names."},
	{"flow", "One path of personal data: a category, where it goes, for which purpose."},
	{"translation unit", "A source file as the compiler sees it, with the headers it "
	                     "includes."},
};

void html_glossary(html *h)
{
	pf_sbuf *b = &h->b;

	pf_sbuf_puts(b, "<section id=\"glossary\"><h2>Glossary</h2>\n<dl class=\"facts "
	                "glossary\">");
	for (size_t i = 0; i < sizeof(glossary) / sizeof(glossary[0]); i++) {
		pf_sbuf_printf(b, "<dt>%s</dt><dd>", glossary[i].term);
		html_esc(b, glossary[i].meaning);
		pf_sbuf_puts(b, "</dd>");
	}
	pf_sbuf_puts(b, "</dl></section>\n");
}
