/*
 * The HTML report: a privacy impact assessment generated from the code,
 * in one self-contained file (no network, no external asset: it opens
 * from a mail attachment and prints). It holds a summary per rule and
 * severity, the data maps (inline SVG: the overview, one per purpose),
 * the assessment sections of html_record.c (inventory, record of
 * processing, disclosure grading, open questions, changes, glossary),
 * then every finding with its code excerpt, its trace (a list and a
 * picture) and the policy sentence it breaks, and the files scanned.
 *
 * Everything that comes from the scanned code or the policy (file names,
 * identifiers, messages, code lines, policy sentences) goes through
 * html_esc(). A Content-Security-Policy lets only the report's own script
 * run (by its hash), so even an escaping bug could not run injected code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "html_p.h"
#include "kinds.h"

/* Lines of code shown above and below a finding. */
#define CONTEXT_LINES 3
/* Entries of a list shown before the rest folds into "N more" (the rest
   is in the file, opened when printed: a record must be complete). */
#define MAX_LIST 6
/* Function nodes a purpose's map draws; past them, one node per
   directory (a map should fit a screen). */
#define MAP_FUNCTIONS 16

/* --- escaping ------------------------------------------------------------- */

/* Appends `s` HTML-escaped (text and attribute values alike); control
   characters other than tab and newline become spaces. NULL appends
   nothing. */
void html_esc_n(pf_sbuf *b, const char *s, size_t n)
{
	pf_sbuf_put_xml(b, s, n);
}

void html_esc(pf_sbuf *b, const char *s)
{
	if (s)
		html_esc_n(b, s, strlen(s));
}

/* Escaped text, or an em dash for a missing value. */
void html_opt(pf_sbuf *b, const char *s)
{
	if (s && *s)
		html_esc(b, s);
	else
		pf_sbuf_puts(b, "<span class=\"none\">—</span>");
}

void html_code(pf_sbuf *b, const char *s)
{
	if (!s || !*s) {
		html_opt(b, s);
		return;
	}
	pf_sbuf_puts(b, "<code>");
	html_esc(b, s);
	pf_sbuf_puts(b, "</code>");
}

void html_loc(pf_sbuf *b, const char *file, uint32_t line, uint32_t col)
{
	html_esc(b, file && *file ? file : "?");
	if (line)
		pf_sbuf_printf(b, ":%u", line);
	if (line && col)
		pf_sbuf_printf(b, ":%u", col);
}

/* --- small sets of strings ---------------------------------------------------- */

void html_set_add(strset *s, const char *v)
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

void html_set_sort(strset *s)
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
			html_code(b, s->v[i]);
		else
			html_esc(b, s->v[i]);
		pf_sbuf_puts(b, "</li>");
	}
}

/* A list of the owned strings of `s`: every one, those past MAX_LIST
   folded in a <details>. Empty: a dash. */
void html_list(pf_sbuf *b, const strset *s, int code)
{
	if (!s->n) {
		html_opt(b, NULL);
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
	html_loc(&h->b, file, line, 0);
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
			html_esc_n(&h->b, s, n);
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

const char *html_rule_word(int rule)
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
		html_esc(b, pf_rule_description(i));
		pf_sbuf_puts(b, "</td></tr>\n");
	}
	pf_sbuf_puts(b, "</tbody></table></section>\n");
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
		html_esc(b, pf_error_last());
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
		html_set_add(&purposes, r->uses[i].purpose);
	html_set_sort(&purposes);
	/* a map per purpose, then the uses of none, each drawn if the report's
	   filters (--graph-*) leave it a flow */
	for (size_t i = 0; i <= purposes.n; i++) {
		const char *p = i < purposes.n ? purposes.v[i] : NULL, *only = h->ctx->graph.purpose;

		if (only && *only && (!p || !pf_category_covers(only, p)))
			continue;
		ctx.graph.purpose = p;
		if (!pf_graph_datamap_nflows(&ctx))
			continue;
		snprintf(id, sizeof(id), "datamap-%zu", i + 1);
		ctx.graph.id = id;
		pf_sbuf_printf(b, "<details class=\"map\" id=\"map-%zu\"><summary>", i + 1);
		if (i < purposes.n) {
			pf_sbuf_puts(b, "Purpose <code>");
			html_esc(b, purposes.v[i]);
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
const char *html_recipient(html *h, const char *target, const char *sink, int *declared)
{
	const pf_pol_recipient *pr = h->pol && target ? pf_policy_recipient(h->pol, target) : NULL;
	char *s;
	const char *a;

	/* undeclared: a recipient the policy does not list; not the service's
	   own server, nor a peer the code does not name (nobody can tell) */
	if (declared)
		*declared = pr != NULL || !h->pol || !target ||
		            pf_policy_is_first_party_host(h->pol, target);
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
const char *html_where(html *h, const pf_use *u)
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
	const char *rule = html_rule_word(f->rule), *sev = sev_word(f->severity);

	pf_sbuf_printf(b, "<article class=\"finding sev-%s\" id=\"finding-%zu\" "
	               "data-rule=\"%s\" data-severity=\"%s\">\n", sev, i + 1, rule,
	               sev);
	pf_sbuf_printf(b, "<h3><span class=\"badge sev-%s\">%s</span> <code>%s"
	               "</code> at <a class=\"loc\" href=\"#finding-%zu-code\">",
	               sev, sev, rule, i + 1);
	html_loc(b, f->file, f->line, f->col);
	pf_sbuf_printf(b, "</a> <a class=\"self\" href=\"#finding-%zu\">#%zu</a>"
	               "</h3>\n<p class=\"message\">", i + 1, i + 1);
	html_esc(b, f->message);
	pf_sbuf_puts(b, "</p>\n<dl class=\"facts\">");
	const struct { const char *label, *value; } facts[] = {
		{"Category", f->category}, {"Purpose", f->purpose},
		{"Recipient", f->recipient ? html_recipient(h, f->recipient, f->sink, NULL) : NULL},
		{"Sink", f->sink}, {"Function", f->function}};
	for (size_t fi = 0; fi < sizeof(facts) / sizeof(facts[0]); fi++) {
		if (!facts[fi].value)
			continue;
		pf_sbuf_printf(b, "<dt>%s</dt><dd>", facts[fi].label);
		html_code(b, facts[fi].value);
		pf_sbuf_puts(b, "</dd>");
	}
	pf_sbuf_puts(b, "<dt>Fingerprint</dt><dd><code>");
	html_esc(b, f->fingerprint);
	pf_sbuf_puts(b, "</code></dd></dl>\n");
	if (f->policy_ref) {
		pf_sbuf_puts(b, "<blockquote class=\"policy\"><span class=\"label\">"
		                "The policy says:</span> ");
		html_esc(b, f->policy_ref);
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
			html_loc(b, s->file, s->line, s->col);
			pf_sbuf_puts(b, "</span> ");
			html_esc(b, s->note);
			/* its line of code, unless the excerpt above shows it */
			if (src && !in_excerpt(f, s) && source_line(src, s->line, &line, &len)) {
				while (len && (*line == ' ' || *line == '\t')) {
					line++;
					len--;
				}
				pf_sbuf_puts(b, "<br><code class=\"src\">");
				html_esc_n(b, line, len);
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
		html_esc(b, f->path);
		pf_sbuf_puts(b, "</code>");
		if (!f->parsed) {
			pf_sbuf_puts(b, " <span class=\"bad\">did not parse");
			if (f->error) {
				pf_sbuf_puts(b, ": ");
				html_esc(b, f->error);
			}
			pf_sbuf_puts(b, "</span>");
		} else if (f->partial) {
			pf_sbuf_puts(b, " <span class=\"bad\">analysed in part");
			if (f->error) {
				pf_sbuf_puts(b, ": ");
				html_esc(b, f->error);
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
		html_opt(b, h->pol->notes[i].ref);
		pf_sbuf_puts(b, "</td><td>");
		html_opt(b, h->pol->notes[i].why);
		pf_sbuf_puts(b, "</td></tr>\n");
	}
	pf_sbuf_puts(b, "</tbody></table></section>\n");
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
		html_esc(b, r->policy_name);
	}
	pf_sbuf_puts(b, "</title>\n<style>\n");
	pf_sbuf_puts(b, style);
	pf_sbuf_puts(b, "</style>\n</head>\n<body>\n<header>\n"
	                "<h1>Privacy data-flow report</h1>\n<p>");
	if (r->policy_name || r->policy_file) {
		pf_sbuf_puts(b, "Policy: <b>");
		html_opt(b, r->policy_name);
		pf_sbuf_puts(b, "</b>");
		if (r->policy_file) {
			pf_sbuf_puts(b, " (<code>");
			html_esc(b, r->policy_file);
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
		html_esc(b, r->tool_version);
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
		html_set_add(&h.cats, h.r->uses[i].category);
	for (i = 0; i < h.r->nfindings; i++)
		html_set_add(&h.cats, h.r->findings[i].category);
	html_set_sort(&h.cats);
	for (i = 0; h.pol && i < h.cats.n; i++) {
		const pf_pol_category *pc = pf_policy_category(h.pol, h.cats.v[i]);

		if (pc && pc->retention)
			html_set_add(&h.retention, pc->retention);
	}
	if (h.pol)
		h.disc = pf_disclosure_grade(h.pol, h.r, h.arena, &h.ndisc, h.grades);
	put_head(&h);
	put_summary(&h);
	html_changes(&h);
	put_datamap(&h);
	html_inventory(&h);
	html_processing(&h);
	html_disclosure(&h);
	html_questions(&h);
	put_findings(&h);
	put_files(&h);
	put_notes(&h);
	html_glossary(&h);
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
