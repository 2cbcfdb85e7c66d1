/*
 * The HTML report: a privacy impact assessment generated from the code,
 * in one self-contained file (no network, no external asset: it opens
 * from a mail attachment and prints). It holds a summary per rule and
 * severity, the data map (inline SVG), the data inventory, a record of
 * processing per purpose (GDPR art. 30), then every finding with its
 * code excerpt, its trace (a list and a graph) and the policy sentence it
 * breaks, and the files scanned.
 *
 * Everything that comes from the scanned code or the policy (file names,
 * identifiers, messages, code lines, policy sentences) goes through
 * put_esc(). A Content-Security-Policy lets only the report's own script
 * run (by its hash), so even an escaping bug could not run injected code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disclosure.h"
#include "graph.h"
#include "kinds.h"
#include "policy.h"
#include "report_p.h"
#include "rundiff.h"
#include "util.h"

/* Lines of code shown above and below a finding. */
#define CONTEXT_LINES 3
/* Entries of a list shown before the rest folds into "N more" (the rest
   is in the file, opened when printed: a record must be complete). */
#define MAX_LIST 6
/* Function nodes a purpose's map draws; past them, one node per file
   (a map should fit a screen). */
#define MAP_FUNCTIONS 16

/* --- escaping ------------------------------------------------------------- */

/* Appends `s` HTML-escaped (text and attribute values alike); control
   characters other than tab and newline become spaces. NULL appends
   nothing. */
static void put_esc_n(pf_sbuf *b, const char *s, size_t n)
{
	pf_sbuf_put_xml(b, s, n);
}

static void put_esc(pf_sbuf *b, const char *s)
{
	if (s)
		put_esc_n(b, s, strlen(s));
}

/* Escaped text, or an em dash for a missing value. */
static void put_opt(pf_sbuf *b, const char *s)
{
	if (s && *s)
		put_esc(b, s);
	else
		pf_sbuf_puts(b, "<span class=\"none\">—</span>");
}

static void put_code(pf_sbuf *b, const char *s)
{
	if (!s || !*s) {
		put_opt(b, s);
		return;
	}
	pf_sbuf_puts(b, "<code>");
	put_esc(b, s);
	pf_sbuf_puts(b, "</code>");
}

static void put_loc(pf_sbuf *b, const char *file, uint32_t line, uint32_t col)
{
	put_esc(b, file && *file ? file : "?");
	if (line)
		pf_sbuf_printf(b, ":%u", line);
	if (line && col)
		pf_sbuf_printf(b, ":%u", col);
}

/* --- small sets of strings ---------------------------------------------------- */

typedef PF_VEC(const char *) strset;

static void set_add(strset *s, const char *v)
{
	size_t i;

	if (!v || !*v)
		return;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], v))
			return;
	pf_vec_push(s, v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void set_sort(strset *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
}

/* Entries from..to of `s`, escaped (as code when `code`), as <li>s. */
static void put_items(pf_sbuf *b, const strset *s, size_t from, size_t to, int code)
{
	for (size_t i = from; i < to; i++) {
		pf_sbuf_puts(b, "<li>");
		if (code)
			put_code(b, s->v[i]);
		else
			put_esc(b, s->v[i]);
		pf_sbuf_puts(b, "</li>");
	}
}

/* A list of the owned strings of `s`: every one, those past MAX_LIST
   folded in a <details>. Empty: a dash. */
static void put_list(pf_sbuf *b, const strset *s, int code)
{
	if (!s->n) {
		put_opt(b, NULL);
		return;
	}
	pf_sbuf_puts(b, "<ul class=\"cell\">");
	put_items(b, s, 0, s->n < MAX_LIST ? s->n : MAX_LIST, code);
	pf_sbuf_puts(b, "</ul>");
	if (s->n <= MAX_LIST)
		return;
	pf_sbuf_printf(b, "<details class=\"more\"><summary>%zu more</summary>"
	               "<ul class=\"cell\">", s->n - MAX_LIST);
	put_items(b, s, MAX_LIST, s->n, code);
	pf_sbuf_puts(b, "</ul></details>");
}

/* --- source files -------------------------------------------------------------- */

typedef struct srcfile {
	const char *path; /* as in the results */
	char *text;       /* NULL: could not be read */
	size_t len;
} srcfile;

typedef struct html {
	pf_sbuf b;
	const pf_report_ctx *ctx;
	const pf_results *r;
	const pf_policy *pol;
	pf_graphviz *gv;
	PF_VEC(srcfile) files;
	pf_arena *arena; /* strings built for the tables */
	char *root;      /* realpath of the source root, or NULL */
	pf_map *file_index; /* path -> index in r->files */
	strset cats;        /* categories the code handles, sorted */
	strset retention;   /* distinct retention sentences of those, in order */
	strset refs;        /* policy sentences the disclosure grades quote */
	pf_disclosure *disc; /* the flows graded (with a policy) */
	size_t ndisc, grades[PF_GRADE_COUNT];
} html;

/* The content hash the run recorded for `path`, or NULL. */
static const char *recorded_sha(html *h, const char *path)
{
	uint32_t i;

	if (!h->file_index) {
		h->file_index = pf_map_new();
		for (i = (uint32_t)h->r->nfiles; i-- > 0;)
			if (h->r->files[i].path)
				pf_map_put(h->file_index, pf_hash64_str(h->r->files[i].path), i);
	}
	if (!pf_map_get(h->file_index, pf_hash64_str(path), &i) ||
	    strcmp(h->r->files[i].path, path))
		return NULL;
	return h->r->files[i].sha256;
}

/*
 * The text of `path`, read once; NULL unless it is quotable. A report
 * may come from a store made elsewhere, so nothing it names is trusted:
 * the file must be one the run recorded, resolve (realpath) to a regular
 * file under the source root, be at most PF_MAX_SOURCE_FILE bytes, and
 * hash to what the run recorded. A report never quotes a file the scan
 * did not read, nor one that changed since.
 */
static const srcfile *source(html *h, const char *path)
{
	srcfile f = {path, NULL, 0};
	const char *sha;
	char *full, *real = NULL, hex[65];
	size_t i, n;

	if (!path || !*path)
		return NULL;
	for (i = 0; i < h->files.n; i++)
		if (!strcmp(h->files.v[i].path, path))
			return h->files.v[i].text ? &h->files.v[i] : NULL;
	sha = recorded_sha(h, path);
	if (h->root && sha && strlen(sha) == 64) {
		full = pf_asprintf("%s/%s", h->root, path);
		real = realpath(full, NULL);
		pf_free(full);
		n = strlen(h->root);
		if (real && !strncmp(real, h->root, n) && (real[n] == '/' || n == 1) &&
		    pf_file_read(&f.text, &f.len, real, PF_MAX_SOURCE_FILE, 0) == 0) {
			pf_sha256_hex(f.text, f.len, hex);
			if (strcmp(hex, sha)) {
				pf_free(f.text);
				f.text = NULL;
			}
		}
		pf_error_clear();
		free(real);
	}
	pf_vec_push(&h->files, f);
	return f.text ? &h->files.v[h->files.n - 1] : NULL;
}

/* Line `line` (1-based) of `f` into *start and *n; 0 if there is none. */
static int source_line(const srcfile *f, uint32_t line, const char **start,
                       size_t *n)
{
	const char *p = f->text, *end = f->text + f->len, *nl;
	uint32_t k;

	if (!line)
		return 0;
	for (k = 1; k < line; k++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return 0;
		p = nl + 1;
	}
	if (p >= end)
		return 0;
	nl = memchr(p, '\n', (size_t)(end - p));
	*start = p;
	*n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (*n && p[*n - 1] == '\r')
		(*n)--;
	return 1;
}

/* The excerpt around file:line, with line numbers, the line itself
   marked; "source not available" when the file cannot be read. */
static void put_excerpt(html *h, const char *id, const char *file,
                        uint32_t line)
{
	const srcfile *f = source(h, file);
	uint32_t l, first = line > CONTEXT_LINES ? line - CONTEXT_LINES : 1;
	int any = 0;

	pf_sbuf_printf(&h->b, "<figure class=\"excerpt\" id=\"%s\">"
	               "<figcaption>", id);
	put_loc(&h->b, file, line, 0);
	pf_sbuf_puts(&h->b, "</figcaption>");
	if (f) {
		for (l = first; l <= line + CONTEXT_LINES; l++) {
			const char *s;
			size_t n;

			if (!source_line(f, l, &s, &n))
				break;
			if (!any) /* line numbers are a CSS counter */
				pf_sbuf_printf(&h->b, "<pre class=\"code\" style=\"counter-reset:ln %u\">",
				               l - 1);
			any = 1;
			pf_sbuf_puts(&h->b, l == line ? "<span class=\"hit\">" : "<span>");
			put_esc_n(&h->b, s, n);
			pf_sbuf_puts(&h->b, "\n</span>");
		}
		if (any)
			pf_sbuf_puts(&h->b, "</pre>");
	}
	if (!any)
		pf_sbuf_puts(&h->b, "<p class=\"none\">Source not available.</p>");
	pf_sbuf_puts(&h->b, "</figure>\n");
}

/* --- sections ------------------------------------------------------------------- */

static const char *sev_word(int sev)
{
	return sev >= 0 && sev < PF_SEV_COUNT ? pf_severity_id(sev) : "note";
}

static const char *rule_word(int rule)
{
	return rule >= 0 && rule < PF_RULE_COUNT ? pf_rule_id(rule) : "unknown";
}

static void put_summary(html *h)
{
	const pf_results *r = h->r;
	pf_sbuf *b = &h->b;
	size_t sev[PF_SEV_COUNT], rule[PF_RULE_COUNT];
	int i, s;

	pf_report_count(r, sev, rule);
	pf_sbuf_puts(b, "<section id=\"summary\"><h2>Summary</h2>\n"
	                "<div class=\"cards\">");
	pf_sbuf_printf(b, "<div class=\"card\"><b>%zu</b> finding%s</div>",
	               r->nfindings, r->nfindings == 1 ? "" : "s");
	for (s = PF_SEV_COUNT - 1; s >= 0; s--)
		pf_sbuf_printf(b, "<div class=\"card sev-%s\"><b>%zu</b> %s%s</div>",
		               pf_severity_id(s), sev[s], pf_severity_id(s),
		               sev[s] == 1 ? "" : "s");
	pf_sbuf_puts(b, "</div>\n");
	pf_sbuf_printf(b, "<p>Scanned %zu file%s (%zu translation unit%s, %zu "
	               "failed to parse, %zu analysed in part), %zu function%s; "
	               "%zu data flow%s checked against the policy.</p>\n",
	               r->nfiles, r->nfiles == 1 ? "" : "s", r->ntus,
	               r->ntus == 1 ? "" : "s", r->ntus_failed, r->ntus_partial,
	               r->nfunctions,
	               r->nfunctions == 1 ? "" : "s", r->nflows,
	               r->nflows == 1 ? "" : "s");
	if (!r->nfindings) {
		pf_sbuf_puts(b, "<p>No finding: every flow the scan saw complies "
		                "with the policy.</p></section>\n");
		return;
	}
	pf_sbuf_puts(b, "<table id=\"rule-counts\"><thead><tr><th>Rule</th>");
	for (s = PF_SEV_COUNT - 1; s >= 0; s--)
		pf_sbuf_printf(b, "<th class=\"num\">%s</th>", pf_severity_id(s));
	pf_sbuf_puts(b, "<th class=\"num\">Total</th><th>What it means</th>"
	                "</tr></thead><tbody>\n");
	for (i = 0; i < PF_RULE_COUNT; i++) {
		size_t j, nsev[PF_SEV_COUNT] = {0};

		if (!rule[i])
			continue;
		for (j = 0; j < r->nfindings; j++)
			if (r->findings[j].rule == i && r->findings[j].severity >= 0 &&
			    r->findings[j].severity < PF_SEV_COUNT)
				nsev[r->findings[j].severity]++;
		pf_sbuf_printf(b, "<tr data-rule=\"%s\"><td><code>%s</code></td>",
		               pf_rule_id(i), pf_rule_id(i));
		for (s = PF_SEV_COUNT - 1; s >= 0; s--)
			pf_sbuf_printf(b, "<td class=\"num%s\">%zu</td>",
			               nsev[s] ? "" : " none", nsev[s]);
		pf_sbuf_printf(b, "<td class=\"num\"><b>%zu</b></td><td>", rule[i]);
		put_esc(b, pf_rule_description(i));
		pf_sbuf_puts(b, "</td></tr>\n");
	}
	pf_sbuf_puts(b, "</tbody></table></section>\n");
}

/* A use the maps draw under the report's --graph-category and
   --graph-purpose filters. */
static int filter_ok_html(const html *h, const pf_use *u)
{
	const char *c = h->ctx->graph.category, *p = h->ctx->graph.purpose;

	return (!c || !*c || (u->category && pf_category_covers(c, u->category))) &&
	       (!p || !*p || (u->purpose && pf_category_covers(p, u->purpose)));
}

/* One map of the data-map section into a <figure> (or a line saying why
   there is none). */
static void put_map(html *h, const pf_report_ctx *ctx)
{
	pf_sbuf *b = &h->b;
	char *svg = NULL;
	size_t n = 0;

	if (pf_graph_datamap(&svg, &n, h->gv, ctx, PF_GRAPH_SVG_HTML) < 0) {
		pf_sbuf_puts(b, "<p class=\"none\">The map could not be drawn: ");
		put_esc(b, pf_error_last());
		pf_sbuf_puts(b, "</p>\n");
		pf_error_clear();
		return;
	}
	pf_sbuf_puts(b, "<figure class=\"graph\">");
	pf_sbuf_add(b, svg, n);
	pf_sbuf_puts(b, "</figure>\n");
	pf_free(svg);
}

/* The overview map (purposes, destinations, categories by parent), then
   one map per purpose with the functions where the data leaves. */
static void put_datamap(html *h)
{
	const pf_results *r = h->r;
	pf_sbuf *b = &h->b;
	pf_report_ctx ctx = *h->ctx;
	strset purposes = {0};
	int unknown = 0;
	char id[48];

	pf_sbuf_puts(b, "<section id=\"data-map\"><h2>Data map</h2>\n"
	                "<p class=\"help\">The overview: personal-data categories (left, "
	                "grouped by parent when there are many), the purposes they serve "
	                "(with how many functions), and where the data goes (right): storage, "
	                "logs, channels and recipients. Edge labels are the transforms applied "
	                "(hashed, anonymized...); red edges and nodes break the policy, labelled "
	                "with the rule. One map per purpose follows, with the functions where "
	                "the data leaves (helpers that only pass it on are not drawn; functions "
	                "that do the same thing with the same data share a node).</p>\n");
	if (!pf_graph_datamap_nflows(h->ctx) && !r->nfindings) {
		pf_sbuf_puts(b, "<p class=\"none\">No personal-data flow to draw."
		                "</p></section>\n");
		return;
	}
	ctx.graph.overview = 1;
	ctx.graph.id = "datamap";
	put_map(h, &ctx);
	ctx.graph.overview = 0;
	ctx.graph.purpose_exact = 1;
	ctx.graph.max_functions = MAP_FUNCTIONS;
	for (size_t i = 0; i < r->nuses; i++)
		if (r->uses[i].function && r->uses[i].sink && filter_ok_html(h, &r->uses[i])) {
			if (r->uses[i].purpose)
				set_add(&purposes, r->uses[i].purpose);
			else
				unknown = 1;
		}
	set_sort(&purposes);
	for (size_t i = 0; i <= purposes.n; i++) {
		if (i == purposes.n && !unknown)
			break;
		ctx.graph.purpose = i < purposes.n ? purposes.v[i] : NULL;
		snprintf(id, sizeof(id), "datamap-%zu", i + 1);
		ctx.graph.id = id;
		pf_sbuf_printf(b, "<details class=\"map\" id=\"map-%zu\"><summary>", i + 1);
		if (i < purposes.n) {
			pf_sbuf_puts(b, "Purpose <code>");
			put_esc(b, purposes.v[i]);
			pf_sbuf_puts(b, "</code>");
		} else {
			pf_sbuf_puts(b, "Uses of no known purpose");
		}
		pf_sbuf_puts(b, "</summary>\n");
		put_map(h, &ctx);
		pf_sbuf_puts(b, "</details>\n");
	}
	pf_sbuf_puts(b, "</section>\n");
	pf_vec_free(&purposes);
}

/*
 * A recipient as the record names it (in the arena): a declared one by
 * its policy id and kind, a host no recipient of the policy claims as an
 * undeclared third party, a peer the code does not name by its channel.
 * `declared` (may be NULL) says whether the policy declares it.
 */
static const char *recipient_words(html *h, const char *target, const char *sink,
                                   int *declared)
{
	const pf_pol_recipient *pr = h->pol && target ? pf_policy_recipient(h->pol, target) : NULL;
	char *s;
	const char *a;

	if (declared)
		*declared = pr != NULL || !h->pol;
	if (pr)
		s = pf_asprintf("%s (%s)", pr->id, pr->kind ? pr->kind : "recipient");
	else if (target && !strncmp(target, "host:", 5))
		s = pf_asprintf("undeclared third party: %s", target + 5);
	else if (target && h->pol && pf_policy_is_first_party_host(h->pol, target))
		s = pf_asprintf("the service's own server %s", target);
	else if (target)
		s = pf_strdup(target);
	else
		s = pf_strdup(sink && !strcmp(sink, "network")
		                      ? "a peer the code does not name, over an unencrypted connection"
		                      : "a peer the code does not name, over an encrypted connection");
	a = pf_arena_strdup(h->arena, s);
	pf_free(s);
	return a;
}

/* "fn() at file:line" (or just the place) in the arena. */
static const char *where(html *h, const pf_use *u)
{
	char *s;

	if (u->function)
		s = pf_asprintf("%s() at %s:%u", u->function, u->file ? u->file : "?",
		                u->line);
	else
		s = pf_asprintf("%s:%u", u->file ? u->file : "?", u->line);
	{
		char *a = pf_arena_strdup(h->arena, s);

		pf_free(s);
		return a;
	}
}

/* report --compare: what changed since the run compared with. */
static void put_changes(html *h)
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
				const pf_finding *f;
				char *w;

				if (p == PF_DIFF_RECIPIENTS) {
					set_add(&s, recipient_words(h, l->v[i], NULL, NULL));
					continue;
				}
				if (p != PF_DIFF_FINDINGS ||
				    !(f = pf_run_diff_finding(k ? ctx->previous : h->r, l->v[i]))) {
					set_add(&s, l->v[i]);
					continue;
				}
				w = pf_asprintf("%s at %s:%u: %s", rule_word(f->rule), f->file ? f->file : "?",
				                f->line, f->message ? f->message : "");
				set_add(&s, pf_arena_strdup(h->arena, w));
				pf_free(w);
			}
			pf_sbuf_puts(b, "<td>");
			put_list(b, &s, p == PF_DIFF_CATEGORIES || p == PF_DIFF_PURPOSES);
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

/* One term of a card: <dt>label</dt><dd>list</dd>. */
static void put_term(pf_sbuf *b, const char *label, const strset *s, int code)
{
	pf_sbuf_printf(b, "<dt>%s</dt><dd>", label);
	put_list(b, s, code);
	pf_sbuf_puts(b, "</dd>");
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

			set_add(&pur, pf_arena_strdup(h->arena, s));
			pf_free(s);
		}
		if (!u->kind || !strcmp(u->kind, "collected") || !strcmp(u->kind, "received"))
			set_add(&col, where(h, u));
		else if (!strcmp(u->kind, "stored"))
			set_add(&sto, u->target ? u->target : where(h, u));
		else if (!strcmp(u->kind, "logged"))
			set_add(&log, where(h, u));
		else if (!strcmp(u->kind, "sent"))
			set_add(&sent, recipient_words(h, u->target, u->sink, NULL));
	}
	set_sort(&pur);
	pf_sbuf_printf(b, "<article class=\"category\" id=\"category-%zu\"><h3><code>", k);
	put_esc(b, cat);
	pf_sbuf_puts(b, "</code>");
	if (h->pol && !pc)
		pf_sbuf_puts(b, " <span class=\"bad\">not declared in the policy</span>");
	pf_sbuf_puts(b, "</h3>");
	if (pc && pc->description) {
		pf_sbuf_puts(b, "<p class=\"help\">");
		if (strcmp(pc->id, cat)) {
			pf_sbuf_puts(b, "Declared as part of <code>");
			put_esc(b, pc->id);
			pf_sbuf_puts(b, "</code>: ");
		}
		put_esc(b, pc->description);
		pf_sbuf_puts(b, "</p>");
	}
	pf_sbuf_puts(b, "<dl class=\"facts\">");
	put_term(b, "Collected at", &col, 0);
	put_term(b, "Stored in", &sto, 0);
	put_term(b, "Logged at", &log, 0);
	put_term(b, "Shared with", &sent, 0);
	put_term(b, h->pol ? "Purposes (legal basis)" : "Purposes", &pur, 1);
	if (h->pol) {
		pf_sbuf_puts(b, "<dt>Retention</dt><dd>");
		if (rule)
			pf_sbuf_printf(b, "<a href=\"#retention-%zu\">retention rule %zu</a>", rule, rule);
		else
			put_opt(b, NULL);
		pf_sbuf_puts(b, "</dd><dt>Disclosure</dt><dd>");
		if (cat_grades(h, cat, NULL, count) >= 0) {
			pf_sbuf_puts(b, "<a href=\"#disclosure\">");
			put_esc(b, grades_words(h, count));
			pf_sbuf_puts(b, "</a>");
		} else {
			put_opt(b, NULL);
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
				set_add(&cats, h->cats.v[j]);
		pf_sbuf_printf(b, "<tr id=\"retention-%zu\"><td class=\"num\">%zu</td><td>", i + 1,
		               i + 1);
		put_esc(b, h->retention.v[i]);
		pf_sbuf_puts(b, "</td><td>");
		put_list(b, &cats, 1);
		pf_sbuf_puts(b, "</td></tr>\n");
		pf_vec_free(&cats);
	}
	pf_sbuf_puts(b, "</tbody></table>\n");
}

static void put_inventory(html *h)
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
			put_code(b, cats->v[i]);
			first = 0;
			any = 1;
		}
		if (!first)
			pf_sbuf_puts(b, "</li>");
	}
	if (any)
		pf_sbuf_puts(b, "</ul>");
	else
		put_opt(b, NULL);
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
		set_add(&cats, u->category);
		if (u->kind && !strcmp(u->kind, "sent")) {
			int declared;
			const char *w = recipient_words(h, u->target, u->sink, &declared);
			/* a host no recipient claims says so already */
			char *marked = declared || strncmp(w, "undeclared", 10) == 0
			                       ? NULL
			                       : pf_asprintf("%s — not declared in the policy", w);

			set_add(&recips, marked ? pf_arena_strdup(h->arena, marked) : w);
			pf_free(marked);
		}
		if (u->function)
			set_add(&fns, u->function);
		if (u->transforms && *u->transforms)
			set_add(&measures, measure_words(h, u));
	}
	for (i = 0; pp && i < pp->categories.n; i++)
		set_add(&pcats, pp->categories.v[i]);
	for (i = 0; h->pol && i < h->pol->nrecipients; i++) {
		const pf_pol_recipient *pr = &h->pol->recipients[i];
		int serves = !pr->purposes.n;

		for (j = 0; j < pr->purposes.n && !serves; j++)
			serves = pf_category_covers(pr->purposes.v[j], purpose);
		if (serves) {
			char *s = pf_asprintf("%s (%s)", pr->id, pr->kind ? pr->kind
			                                                  : "recipient");

			set_add(&precips, pf_arena_strdup(h->arena, s));
			pf_free(s);
		}
	}
	set_sort(&cats);
	for (i = 0; h->pol && i < cats.n; i++) {
		size_t count[PF_GRADE_COUNT];
		int worst = cat_grades(h, cats.v[i], purpose, count);

		if (worst >= 0) {
			char *g = pf_asprintf("%s: %s", cats.v[i], grades_words(h, count));

			set_add(&grades, pf_arena_strdup(h->arena, g));
			pf_free(g);
		}
	}
	set_sort(&recips);
	set_sort(&fns);
	set_sort(&measures);

	pf_sbuf_printf(b, "<article class=\"activity\" id=\"purpose-%zu\">"
	               "<h3><code>", k);
	put_esc(b, purpose);
	pf_sbuf_puts(b, "</code>");
	if (h->pol && !pp)
		pf_sbuf_puts(b, " <span class=\"bad\">not declared in the policy"
		                "</span>");
	pf_sbuf_puts(b, "</h3>\n<table class=\"record\"><tbody>\n"
	                "<tr><th>Purpose of the processing</th><td>");
	put_opt(b, pp ? pp->description : NULL);
	if (pp && pp->ref) {
		pf_sbuf_puts(b, "<blockquote class=\"policy\">");
		put_esc(b, pp->ref);
		pf_sbuf_puts(b, "</blockquote>");
	}
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>Legal basis</th><td>");
	put_opt(b, pp && pp->legal_basis != PF_BASIS_NONE
	           ? pf_legal_basis_id(pp->legal_basis) : NULL);
	if (pp && (pp->consent || pp->opt_out)) {
		pf_sbuf_puts(b, pp->consent ? "; needs consent " : "; honours the "
		                                                  "opt-out ");
		put_code(b, pp->consent ? pp->consent : pp->opt_out);
	}
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>Categories of personal data "
	                "processed (code)</th><td>");
	put_list(b, &cats, 1);
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>Categories allowed (policy)</th><td>");
	put_list(b, &pcats, 1);
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>Recipients the data reaches (code)"
	                "</th><td>");
	put_list(b, &recips, 0);
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>Recipients declared (policy)</th><td>");
	put_list(b, &precips, 0);
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>Retention (policy)</th><td>");
	put_retention_rules(h, &cats);
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>How the policy discloses it</th><td>");
	put_list(b, &grades, 0);
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>Technical measures seen in the code"
	                "</th><td>");
	put_list(b, &measures, 0);
	pf_sbuf_puts(b, "</td></tr>\n<tr><th>Functions</th><td>");
	put_list(b, &fns, 1);
	pf_sbuf_puts(b, "</td></tr>\n</tbody></table></article>\n");
	pf_vec_free(&cats);
	pf_vec_free(&pcats);
	pf_vec_free(&recips);
	pf_vec_free(&precips);
	pf_vec_free(&measures);
	pf_vec_free(&fns);
	pf_vec_free(&grades);
}

static void put_processing(html *h)
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
		put_opt(b, h->pol->controller);
		pf_sbuf_puts(b, ". Contact: ");
		put_opt(b, h->pol->contact);
		pf_sbuf_puts(b, ".</p>\n");
	}
	for (i = 0; h->pol && i < h->pol->npurposes; i++)
		set_add(&purposes, h->pol->purposes[i].id);
	for (i = 0; i < r->nuses; i++)
		set_add(&observed, r->uses[i].purpose);
	for (i = 0; i < r->nfindings; i++)
		set_add(&observed, r->findings[i].purpose);
	set_sort(&observed);
	for (i = 0; i < observed.n; i++)
		set_add(&purposes, observed.v[i]);
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

			set_add(&fns, pf_arena_strdup(h->arena, w));
			pf_free(w);
		}
	pf_sbuf_puts(b, "<li><code>");
	put_esc(b, q[0]->file ? q[0]->file : "?");
	pf_sbuf_puts(b, "</code>");
	put_list(b, &fns, 0);
	pf_sbuf_puts(b, fns.n == 1 ? "For which purpose does it" : "For which purpose do they");
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		strset cats = {0};

		for (size_t i = 0; i < n; i++)
			if (!strcmp(q[i]->kind, kinds[k]))
				set_add(&cats, q[i]->category);
		if (cats.n) {
			set_sort(&cats);
			pf_sbuf_printf(b, "%s %s ", any++ ? "," : "", verbs[k]);
			for (size_t i = 0; i < cats.n; i++) {
				pf_sbuf_puts(b, i ? ", " : "");
				put_code(b, cats.v[i]);
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
static void put_questions(html *h)
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
	                           ? recipient_words(h, d->recipient, d->sink, NULL)
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
	set_add(&h->refs, ref);
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
					put_esc(b, d->category);
					pf_sbuf_puts(b, "</code></th></tr>\n");
					header = 1;
				}
				pf_sbuf_puts(b, "<tr><td>");
				put_grade(b, g);
				pf_sbuf_puts(b, "</td><td>");
				put_esc(b, flow_words(h, d));
				pf_sbuf_printf(b, "<br><small>%zu place%s, first at ", d->nuses,
				               d->nuses == 1 ? "" : "s");
				put_loc(b, d->file, d->line, 0);
				pf_sbuf_puts(b, "</small></td><td>");
				put_esc(b, d->reason);
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
static void put_disclosure(html *h)
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
	                "hashed\", \"only anonymised\", \"encrypted in transit\").</dd></dl>\n");
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
		put_esc(b, h->cats.v[i]);
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
			put_esc(b, h->refs.v[i]);
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

/* A step on a line the finding's excerpt shows. */
static int in_excerpt(const pf_finding *f, const pf_step *s)
{
	return s->file && f->file && !strcmp(s->file, f->file) &&
	       s->line + CONTEXT_LINES >= f->line && s->line <= f->line + CONTEXT_LINES;
}

static void put_finding(html *h, size_t i)
{
	const pf_finding *f = &h->r->findings[i];
	pf_sbuf *b = &h->b;
	size_t k, n = 0;
	char id[64], *svg = NULL;
	const char *rule = rule_word(f->rule), *sev = sev_word(f->severity);

	pf_sbuf_printf(b, "<article class=\"finding sev-%s\" id=\"finding-%zu\" "
	               "data-rule=\"%s\" data-severity=\"%s\">\n", sev, i + 1, rule,
	               sev);
	pf_sbuf_printf(b, "<h3><span class=\"badge sev-%s\">%s</span> <code>%s"
	               "</code> at <a class=\"loc\" href=\"#finding-%zu-code\">",
	               sev, sev, rule, i + 1);
	put_loc(b, f->file, f->line, f->col);
	pf_sbuf_printf(b, "</a> <a class=\"self\" href=\"#finding-%zu\">#%zu</a>"
	               "</h3>\n<p class=\"message\">", i + 1, i + 1);
	put_esc(b, f->message);
	pf_sbuf_puts(b, "</p>\n<dl class=\"facts\">");
	const struct { const char *label, *value; } facts[] = {
		{"Category", f->category}, {"Purpose", f->purpose},
		{"Recipient", f->recipient ? recipient_words(h, f->recipient, f->sink, NULL) : NULL},
		{"Sink", f->sink}, {"Function", f->function}};
	for (size_t fi = 0; fi < sizeof(facts) / sizeof(facts[0]); fi++) {
		if (!facts[fi].value)
			continue;
		pf_sbuf_printf(b, "<dt>%s</dt><dd>", facts[fi].label);
		put_code(b, facts[fi].value);
		pf_sbuf_puts(b, "</dd>");
	}
	pf_sbuf_puts(b, "<dt>Fingerprint</dt><dd><code>");
	put_esc(b, f->fingerprint);
	pf_sbuf_puts(b, "</code></dd></dl>\n");
	if (f->policy_ref) {
		pf_sbuf_puts(b, "<blockquote class=\"policy\"><span class=\"label\">"
		                "The policy says:</span> ");
		put_esc(b, f->policy_ref);
		pf_sbuf_puts(b, "</blockquote>\n");
	}
	snprintf(id, sizeof(id), "finding-%zu-code", i + 1);
	put_excerpt(h, id, f->file, f->line);
	/* the picture, drawn first: its boxes link to the steps, which need
	   ids only then */
	if (pf_graph_finding(&svg, &n, h->gv, h->ctx, i, PF_GRAPH_SVG_HTML) < 0 || !n) {
		pf_error_clear();
		pf_free(svg);
		svg = NULL;
	}
	if (f->ntrace) {
		pf_sbuf_puts(b, "<h4>Trace</h4>\n<ol class=\"trace\">");
		for (k = 0; k < f->ntrace; k++) {
			const pf_step *s = &f->trace[k];
			const srcfile *src = source(h, s->file);
			const char *line;
			size_t len;

			if (svg)
				pf_sbuf_printf(b, "<li id=\"finding-%zu-step-%zu\">", i + 1, k + 1);
			else
				pf_sbuf_puts(b, "<li>");
			pf_sbuf_puts(b, "<span class=\"loc\">");
			put_loc(b, s->file, s->line, s->col);
			pf_sbuf_puts(b, "</span> ");
			put_esc(b, s->note);
			/* its line of code, unless the excerpt above shows it */
			if (src && !in_excerpt(f, s) && source_line(src, s->line, &line, &len)) {
				while (len && (*line == ' ' || *line == '\t')) {
					line++;
					len--;
				}
				pf_sbuf_puts(b, "<br><code class=\"src\">");
				put_esc_n(b, line, len);
				pf_sbuf_puts(b, "</code>");
			}
			pf_sbuf_puts(b, "</li>");
		}
		pf_sbuf_puts(b, "</ol>\n");
	}
	if (svg) {
		pf_sbuf_puts(b, "<figure class=\"graph trace-graph\">");
		pf_sbuf_add(b, svg, n);
		pf_sbuf_puts(b, "</figure>\n");
		pf_free(svg);
	}
	pf_sbuf_puts(b, "</article>\n");
}

static void put_findings(html *h)
{
	const pf_results *r = h->r;
	pf_sbuf *b = &h->b;
	size_t rule[PF_RULE_COUNT], i;
	int k;

	pf_sbuf_printf(b, "<section id=\"findings\"><h2>Findings (%zu)</h2>\n",
	               r->nfindings);
	if (!r->nfindings) {
		pf_sbuf_puts(b, "<p>None.</p></section>\n");
		return;
	}
	pf_report_count(r, NULL, rule);
	pf_sbuf_puts(b, "<form class=\"filters\" id=\"filters\"><label>Rule "
	                "<select id=\"f-rule\"><option value=\"\">all</option>");
	for (k = 0; k < PF_RULE_COUNT; k++)
		if (rule[k])
			pf_sbuf_printf(b, "<option>%s</option>", pf_rule_id(k));
	pf_sbuf_puts(b, "</select></label> <label>Severity <select id=\"f-sev\">"
	                "<option value=\"\">all</option>");
	for (k = PF_SEV_COUNT - 1; k >= 0; k--)
		pf_sbuf_printf(b, "<option>%s</option>", pf_severity_id(k));
	pf_sbuf_puts(b, "</select></label> <label>Text <input id=\"f-text\" "
	                "type=\"search\"></label> <output id=\"f-count\"></output>"
	                "</form>\n");
	for (i = 0; i < r->nfindings; i++)
		put_finding(h, i);
	pf_sbuf_puts(b, "</section>\n");
}

static void put_files(html *h)
{
	const pf_results *r = h->r;
	pf_sbuf *b = &h->b;
	size_t i;

	pf_sbuf_printf(b, "<section id=\"files\"><h2>Files scanned (%zu)</h2>\n",
	               r->nfiles);
	if (!r->nfiles) {
		pf_sbuf_puts(b, "<p class=\"none\">No file list in these results."
		                "</p></section>\n");
		return;
	}
	pf_sbuf_puts(b, "<ul class=\"files\">");
	for (i = 0; i < r->nfiles; i++) {
		const pf_file_fact *f = &r->files[i];

		pf_sbuf_puts(b, "<li><code>");
		put_esc(b, f->path);
		pf_sbuf_puts(b, "</code>");
		if (!f->parsed) {
			pf_sbuf_puts(b, " <span class=\"bad\">did not parse");
			if (f->error) {
				pf_sbuf_puts(b, ": ");
				put_esc(b, f->error);
			}
			pf_sbuf_puts(b, "</span>");
		} else if (f->partial) {
			pf_sbuf_puts(b, " <span class=\"bad\">analysed in part");
			if (f->error) {
				pf_sbuf_puts(b, ": ");
				put_esc(b, f->error);
			}
			pf_sbuf_puts(b, "</span>");
		}
		pf_sbuf_puts(b, "</li>");
	}
	pf_sbuf_puts(b, "</ul></section>\n");
}

static void put_notes(html *h)
{
	pf_sbuf *b = &h->b;
	size_t i;

	if (!h->pol || !h->pol->nnotes)
		return;
	pf_sbuf_puts(b, "<section id=\"notes\"><h2>Policy statements not "
	                "checkable from code</h2>\n<table><thead><tr><th>Policy "
	                "says</th><th>Why it is not checked</th></tr></thead>"
	                "<tbody>\n");
	for (i = 0; i < h->pol->nnotes; i++) {
		pf_sbuf_puts(b, "<tr><td>");
		put_opt(b, h->pol->notes[i].ref);
		pf_sbuf_puts(b, "</td><td>");
		put_opt(b, h->pol->notes[i].why);
		pf_sbuf_puts(b, "</td></tr>\n");
	}
	pf_sbuf_puts(b, "</tbody></table></section>\n");
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

static void put_glossary(html *h)
{
	pf_sbuf *b = &h->b;

	pf_sbuf_puts(b, "<section id=\"glossary\"><h2>Glossary</h2>\n<dl class=\"facts "
	                "glossary\">");
	for (size_t i = 0; i < sizeof(glossary) / sizeof(glossary[0]); i++) {
		pf_sbuf_printf(b, "<dt>%s</dt><dd>", glossary[i].term);
		put_esc(b, glossary[i].meaning);
		pf_sbuf_puts(b, "</dd>");
	}
	pf_sbuf_puts(b, "</dl></section>\n");
}

/* --- page ------------------------------------------------------------------------ */

static const char style[] =
	":root{--fg:#1b1f24;--muted:#5d6670;--line:#d8dde3;--err:#b00020;"
	"--warn:#9a5b00;--note:#245f99;--bg2:#f5f7f9}\n"
	"body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"Helvetica,Arial,sans-serif;color:var(--fg);max-width:1200px;"
	"margin:0 auto;padding:1em 1.5em}\n"
	"h1{font-size:1.6em;margin:.2em 0}h2{border-bottom:2px solid var(--line);"
	"padding-bottom:.2em;margin-top:1.6em}h3{font-size:1.05em}\n"
	"code,pre{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,"
	"monospace;font-size:.92em}\n"
	"table{border-collapse:collapse;width:100%;margin:.6em 0}"
	"th,td{border:1px solid var(--line);padding:.3em .5em;text-align:left;"
	"vertical-align:top}th{background:var(--bg2)}td.num,th.num{text-align:right}\n"
	"td,dd,li{overflow-wrap:anywhere}"
	"table.record th{width:13em}ul.cell{margin:0;padding-left:1.1em}"
	"article.category{border:1px solid var(--line);border-radius:4px;padding:0 .8em .4em;"
	"margin:.6em 0;break-inside:avoid}article.category h3{margin:.5em 0 .2em}"
	"article.category p.help{margin:0 0 .3em}\n"
	".grade{border-radius:3px;padding:0 .35em;font-size:.85em;font-weight:600;"
	"white-space:nowrap;overflow-wrap:normal}"
	".categories{display:grid;grid-template-columns:repeat(auto-fill,minmax(34em,1fr));"
	"gap:0 .8em}"
	".g-clear{background:#e3f1e0;color:#235e1c}.g-vague{background:#fff0c2;color:#6d4d00}"
	".g-omitted{background:#ffe0cc;color:#8a3300}.g-incorrect{background:var(--err);"
	"color:#fff}tr.total th{border-top:2px solid var(--fg)}table.flows td:first-child"
	"{width:6em}table.flows td:nth-child(2){width:45%}tr.group th{background:none;"
	"border-left:0;border-right:0;padding-top:.6em}"
	"\n"
	"details.more summary{color:var(--muted);cursor:pointer}\n"
	".none{color:var(--muted)}.bad{color:var(--err);font-weight:600}"
	".help{color:var(--muted)}\n"
	".cards{display:flex;gap:.6em;flex-wrap:wrap}.card{border:1px solid "
	"var(--line);border-radius:6px;padding:.4em .9em;background:var(--bg2)}"
	".card b{font-size:1.4em;margin-right:.2em}\n"
	".sev-error .badge,.badge.sev-error,.card.sev-error b{color:#fff;"
	"background:var(--err)}.card.sev-error b{background:none;color:var(--err)}"
	".badge.sev-warning{color:#fff;background:var(--warn)}.card.sev-warning b"
	"{color:var(--warn)}.badge.sev-note{color:#fff;background:var(--note)}"
	".card.sev-note b{color:var(--note)}\n"
	".badge{border-radius:3px;padding:0 .4em;font-size:.85em;"
	"text-transform:uppercase}\n"
	"article.finding{border:1px solid var(--line);border-left:5px solid "
	"var(--note);border-radius:4px;padding:.2em 1em .8em;margin:1em 0}"
	"article.sev-error{border-left-color:var(--err)}article.sev-warning"
	"{border-left-color:var(--warn)}\n"
	"a.self{color:var(--muted);font-weight:normal;text-decoration:none}"
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1em "
	"1em;margin:.4em 0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}\n"
	"blockquote.policy{margin:.6em 0;padding:.4em .8em;border-left:4px solid "
	"#7a6; background:#f3f8f1;font-style:italic}blockquote.policy .label"
	"{font-style:normal;font-weight:600;margin-right:.3em}\n"
	"figure{margin:.6em 0}figcaption{font-family:ui-monospace,monospace;"
	"font-size:.85em;color:var(--muted)}\n"
	"pre.code{background:var(--bg2);border:1px solid var(--line);padding:"
	".4em 0;overflow-x:auto;tab-size:4;white-space:pre-wrap;margin:.2em 0}"
	"pre.code>span{display:block;padding:0 .6em}pre.code>span.hit{background:#ffe9a8}"
	"pre.code>span::before{counter-increment:ln;content:counter(ln);display:inline-block;"
	"width:3.5em;color:var(--muted)}\n"
	"ol.trace li{margin:.2em 0}ol.trace .loc{font-family:ui-monospace,"
	"monospace;font-size:.88em}code.src{color:#444}\n"
	".graph svg{max-width:100%;height:auto}.graph{overflow-x:auto}\n"
	":target{outline:3px solid #ffbf47;outline-offset:2px}\n"
	"nav ul{display:flex;flex-wrap:wrap;gap:.3em 1.2em;list-style:none;"
	"padding:0}form.filters{background:var(--bg2);padding:.5em;"
	"border-radius:4px;position:sticky;top:0}\n"
	"@media print{nav,form.filters,a.self{display:none}body{max-width:none;"
	"font-size:11pt}article.finding,tr,figure{break-inside:avoid}h2{"
	"break-after:avoid}a{color:inherit;text-decoration:none}"
	"pre.code{overflow:visible}.graph{overflow:visible}"
	"article[hidden]{display:block}details.more>summary{display:none}"
	"article.category ul.cell,table.record ul.cell{padding:0}article.category ul.cell li,"
	"table.record ul.cell li{display:inline}article.category ul.cell li+li::before,"
	"table.record ul.cell li+li::before{content:\"; \"}"
	"article.category details.more,table.record details.more{display:inline}"
	"article.category details.more::before,table.record details.more::before"
	"{content:\"; \"}}\n";

/* The only script: the findings filter, and every folded list opened
   while the page is printed (a printed record is complete). It marks
   <body data-pf-ready> when it has run (the end-to-end test waits for
   that). */
static const char script[] =
	"(function(){'use strict';"
	"var r=document.getElementById('f-rule'),s=document.getElementById('f-sev'),"
	"q=document.getElementById('f-text'),n=document.getElementById('f-count');"
	"function apply(){var a=document.querySelectorAll('article.finding'),k=0,"
	"t=q?q.value.toLowerCase():'';for(var i=0;i<a.length;i++){var e=a[i],"
	"ok=(!r||!r.value||e.getAttribute('data-rule')===r.value)&&"
	"(!s||!s.value||e.getAttribute('data-severity')===s.value)&&"
	"(!t||e.textContent.toLowerCase().indexOf(t)>=0);e.hidden=!ok;if(ok)k++;}"
	"if(n)n.textContent=k+' of '+a.length+' shown';}"
	"if(r){r.addEventListener('change',apply);s.addEventListener('change',apply);"
	"q.addEventListener('input',apply);apply();}"
	"var shut=[];window.addEventListener('beforeprint',function(){"
	"var d=document.querySelectorAll('details:not([open])');for(var i=0;i<d.length;i++)"
	"{d[i].open=true;shut.push(d[i]);}});window.addEventListener('afterprint',"
	"function(){while(shut.length)shut.pop().open=false;});"
	"document.body.setAttribute('data-pf-ready','1');})();";

static void hex_to_base64(pf_sbuf *b, const char *hex)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char bytes[32];
	size_t i;

	for (i = 0; i < 32; i++) {
		unsigned hi, lo;

		hi = (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10);
		lo = (unsigned)(hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0'
		                                      : hex[2 * i + 1] - 'a' + 10);
		bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	for (i = 0; i < 32; i += 3) {
		unsigned v = (unsigned)bytes[i] << 16;
		char out[4];

		if (i + 1 < 32)
			v |= (unsigned)bytes[i + 1] << 8;
		if (i + 2 < 32)
			v |= bytes[i + 2];
		out[0] = tab[v >> 18 & 63];
		out[1] = tab[v >> 12 & 63];
		out[2] = i + 1 < 32 ? tab[v >> 6 & 63] : '=';
		out[3] = i + 2 < 32 ? tab[v & 63] : '=';
		pf_sbuf_add(b, out, 4);
	}
}

static void put_head(html *h)
{
	const pf_results *r = h->r;
	pf_sbuf *b = &h->b;
	char hex[65];

	pf_sha256_hex(script, strlen(script), hex);
	pf_sbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	                "<meta charset=\"utf-8\">\n"
	                "<meta name=\"viewport\" content=\"width=device-width, "
	                "initial-scale=1\">\n"
	                "<meta http-equiv=\"Content-Security-Policy\" content=\""
	                "default-src 'none'; style-src 'unsafe-inline'; "
	                "img-src data:; script-src 'sha256-");
	hex_to_base64(b, hex);
	pf_sbuf_puts(b, "'\">\n<meta name=\"generator\" content=\"privflow\">\n"
	                "<title>Privacy data-flow report");
	if (r->policy_name) {
		pf_sbuf_puts(b, " — ");
		put_esc(b, r->policy_name);
	}
	pf_sbuf_puts(b, "</title>\n<style>\n");
	pf_sbuf_puts(b, style);
	pf_sbuf_puts(b, "</style>\n</head>\n<body>\n<header>\n"
	                "<h1>Privacy data-flow report</h1>\n<p>");
	if (r->policy_name || r->policy_file) {
		pf_sbuf_puts(b, "Policy: <b>");
		put_opt(b, r->policy_name);
		pf_sbuf_puts(b, "</b>");
		if (r->policy_file) {
			pf_sbuf_puts(b, " (<code>");
			put_esc(b, r->policy_file);
			pf_sbuf_puts(b, "</code>)");
		}
		pf_sbuf_puts(b, ". ");
	}
	if (!h->pol)
		pf_sbuf_puts(b, "Rendered without the policy file: its declarations "
		                "(legal bases, retention, recipients) are not shown. ");
	pf_sbuf_puts(b, "Generated by privflow");
	if (r->tool_version) {
		pf_sbuf_puts(b, " ");
		put_esc(b, r->tool_version);
	}
	pf_sbuf_puts(b, " from the source code.</p>\n</header>\n"
	                "<nav><ul><li><a href=\"#summary\">Summary</a></li>");
	if (h->ctx->previous)
		pf_sbuf_puts(b, "<li><a href=\"#changes\">Changes</a></li>");
	pf_sbuf_puts(b,
	                "<li><a href=\"#data-map\">Data map</a></li>"
	                "<li><a href=\"#inventory\">Data inventory</a></li>"
	                "<li><a href=\"#processing\">Record of processing</a></li>");
	if (h->pol)
		pf_sbuf_puts(b, "<li><a href=\"#disclosure\">Disclosure</a></li>");
	pf_sbuf_puts(b,
	                "<li><a href=\"#questions\">Open questions</a></li>"
	                "<li><a href=\"#findings\">Findings</a></li>"
	                "<li><a href=\"#files\">Files</a></li>");
	if (h->pol && h->pol->nnotes)
		pf_sbuf_puts(b, "<li><a href=\"#notes\">Not checkable</a></li>");
	pf_sbuf_puts(b, "<li><a href=\"#glossary\">Glossary</a></li></ul></nav>\n<main>\n");
}

/*
 * Renders the report; deterministic (no date, no absolute path) apart
 * from what the installed Graphviz draws.
 */
int pf_report_html(char **out, size_t *len, const pf_report_ctx *ctx)
{
	html h = {0};
	size_t i;

	h.ctx = ctx;
	h.r = ctx->results;
	h.pol = ctx->policy;
	h.gv = pf_graphviz_new();
	h.arena = pf_arena_new();
	if (ctx->source_root)
		h.root = realpath(ctx->source_root, NULL);
	for (i = 0; i < h.r->nuses; i++)
		set_add(&h.cats, h.r->uses[i].category);
	for (i = 0; i < h.r->nfindings; i++)
		set_add(&h.cats, h.r->findings[i].category);
	set_sort(&h.cats);
	for (i = 0; h.pol && i < h.cats.n; i++) {
		const pf_pol_category *pc = pf_policy_category(h.pol, h.cats.v[i]);

		if (pc && pc->retention)
			set_add(&h.retention, pc->retention);
	}
	if (h.pol)
		h.disc = pf_disclosure_grade(h.pol, h.r, h.arena, &h.ndisc, h.grades);
	put_head(&h);
	put_summary(&h);
	put_changes(&h);
	put_datamap(&h);
	put_inventory(&h);
	put_processing(&h);
	put_disclosure(&h);
	put_questions(&h);
	put_findings(&h);
	put_files(&h);
	put_notes(&h);
	put_glossary(&h);
	pf_sbuf_puts(&h.b, "</main>\n<script>");
	pf_sbuf_puts(&h.b, script);
	pf_sbuf_puts(&h.b, "</script>\n</body>\n</html>\n");
	for (i = 0; i < h.files.n; i++)
		pf_free(h.files.v[i].text);
	pf_vec_free(&h.files);
	pf_vec_free(&h.cats);
	pf_vec_free(&h.retention);
	pf_vec_free(&h.refs);
	pf_map_free(h.file_index);
	free(h.root);
	pf_arena_free(h.arena);
	pf_graphviz_free(h.gv);
	pf_sbuf_take(&h.b, out, len);
	return PF_OK;
}
