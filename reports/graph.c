/*
 * The data-flow graphs: the data map of a scan (personal-data categories
 * -> the functions that process them, clustered by purpose or by file ->
 * stores, logs, channels and recipients) and one small graph per finding
 * (its trace from source to sink). The graphs are built with Graphviz's
 * cgraph and written as DOT with agwrite, or laid out and rendered to SVG
 * with gvc. This is the only file of privflow that includes Graphviz.
 *
 * Determinism: nodes, edges and attributes are created in an order that
 * depends only on pf_results (which is sorted), node names are synthetic
 * ("c1", "f2", "s3"), and nothing reads the clock, so the same results
 * give byte-identical DOT.
 *
 * Escaping: every label and tooltip is text from the scanned code or the
 * policy. Backslashes are doubled, so graphviz's label escapes (\N, \G,
 * \l, \n) never fire from input; agwrite quotes the value and escapes its
 * double quotes; no label is an HTML-like label; and the SVG renderer
 * XML-escapes text. pf_graph_* still refuses SVG that holds a <script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "graph.h"
#include "kinds.h"
#include "policy.h"
#include "report_p.h"
#include "util.h"

/* Labels wrap at about this many columns. */
#define WRAP 36
/* A function node lists at most this many merged names. */
#define MAX_NAMES 4
/* A trace graph draws at most this many steps (the first and last half). */
#define MAX_STEPS 16

struct pf_graphviz {
	GVC_t *gvc;
};

/*
 * One Graphviz context for the whole process, created on first use and
 * freed at exit, never before: Graphviz's pango plugin (2.42 and 2.43
 * included) keeps in a static the name of the last font it measured, a
 * pointer into the context's font dictionary, so freeing a context and
 * creating another makes the next layout read freed memory. At exit no
 * layout follows. Reports are rendered on one thread, so the shared
 * context needs no lock.
 */
static GVC_t *shared_gvc;

static void shared_gvc_free(void)
{
	gvFreeContext(shared_gvc);
	shared_gvc = NULL;
}

pf_graphviz *pf_graphviz_new(void)
{
	pf_graphviz *gv = pf_calloc(1, sizeof(*gv));

	if (!shared_gvc) {
		/* Warnings (a font not found...) would go to stderr mid-report. */
		agseterr(AGERR);
		shared_gvc = gvContext();
		/* If atexit fails the context stays, still reachable: no leak. */
		if (shared_gvc)
			(void)atexit(shared_gvc_free);
	}
	gv->gvc = shared_gvc;
	return gv;
}

void pf_graphviz_free(pf_graphviz *gv)
{
	pf_free(gv);
}

/* --- labels ----------------------------------------------------------------- */

/*
 * Appends `s` to a DOT escString: backslashes doubled, control characters
 * as spaces, and a line break (the escape \n) at the first space after
 * `width` columns (0: never wrap). NULL appends "?".
 */
static void put_label(pf_sbuf *b, const char *s, int width)
{
	int col = 0;

	if (!s)
		s = "?";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (width && col >= width && c == ' ') {
			pf_sbuf_puts(b, "\\n");
			col = 0;
			continue;
		}
		if (c == '\\')
			pf_sbuf_puts(b, "\\\\");
		else if (c < 0x20 || c == 0x7f)
			pf_sbuf_puts(b, " ");
		else
			pf_sbuf_add(b, s, 1);
		if ((c & 0xc0) != 0x80) /* count UTF-8 characters, not bytes */
			col++;
	}
}

/* pf_sbuf contents as a C string ("" when empty); the buffer keeps it. */
static const char *sbuf_str(pf_sbuf *b)
{
	pf_sbuf_add(b, "", 0);
	return b->v;
}

/* "a, b" for a rule bit set, in rule order. */
static void put_rules(pf_sbuf *b, unsigned rules)
{
	int i, first = 1;

	for (i = 0; i < PF_RULE_COUNT; i++) {
		if (!(rules & (1u << i)))
			continue;
		pf_sbuf_printf(b, "%s%s", first ? "" : ", ", pf_rule_id(i));
		first = 0;
	}
}

/* cgraph takes char * for names and values it never modifies. */
#define S(x) ((char *)(x))

static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, S(name), S(value), S(""));
}

/* --- the data map model ------------------------------------------------------ */

enum { NK_CATEGORY, NK_FUNCTION, NK_SINK };

typedef struct gnode {
	int kind;
	const char *name;    /* category, function or sink label text */
	const char *detail;  /* sink kind under a target, function's file */
	pf_sym cluster;      /* function: cluster key in model.clusters */
	unsigned rules;      /* rules of findings that point at it */
	size_t finding;      /* first such finding + 1, 0 if none */
	size_t rep;          /* merged into node rep (itself if not merged) */
	size_t nmerged;      /* names merged into it, itself included */
	size_t count;        /* overview: categories, functions or stores in it;
	                        a directory node: its functions */
	int is_dir;          /* a function node that stands for a directory */
	int used;
} gnode;

typedef struct gedge {
	size_t from, to;
	unsigned transforms; /* transform bits seen on its flows */
	int plain;           /* some flow of it carries no transform */
	unsigned rules;
	int dashed;          /* drawn for a finding, not for a flow */
	int quiet;           /* red without the rule ids as label */
} gedge;

typedef struct model {
	pf_strtab *keys;     /* node keys -> node index + 1 */
	PF_VEC(gnode) nodes;
	pf_strtab *ekeys;    /* "from>to" -> edge index + 1 */
	PF_VEC(gedge) edges;
	pf_strtab *clusters; /* cluster keys (purpose or file) */
	pf_strtab *members;  /* overview: "node\x1fmember" pairs seen */
	pf_strtab *names;    /* overview: category groups, kept for the labels */
	size_t nflows;
} model;

static size_t node_get(model *m, int kind, const char *key, const char *name,
                       const char *detail, pf_sym cluster)
{
	char *k = pf_asprintf("%d\x1f%s", kind, key);
	pf_sym id = pf_strtab_intern(m->keys, k);

	pf_free(k);
	if (id > m->nodes.n) {
		gnode n = {.kind = kind, .name = name, .detail = detail,
		           .cluster = cluster, .rep = m->nodes.n, .nmerged = 1};

		pf_vec_push(&m->nodes, n);
	}
	return id - 1;
}

static gedge *edge_get(model *m, size_t from, size_t to)
{
	char k[64];
	pf_sym id;

	snprintf(k, sizeof(k), "%zu>%zu", from, to);
	id = pf_strtab_intern(m->ekeys, k);
	if (id > m->edges.n) {
		gedge e = {.from = from, .to = to};

		pf_vec_push(&m->edges, e);
	}
	return &m->edges.v[id - 1];
}

static int str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* The finding points at the use: same place, same category, same
   function where both say. */
static int finding_matches_use(const pf_finding *f, const pf_use *u)
{
	if (f->line != u->line || !str_eq(f->file, u->file))
		return 0;
	if (f->category && !str_eq(f->category, u->category))
		return 0;
	if (f->function && u->function && strcmp(f->function, u->function))
		return 0;
	return 1;
}

/* `id` passes a dotted-prefix filter (NULL filter: everything). */
static int filter_ok(const char *filter, const char *id)
{
	if (!filter || !*filter)
		return 1;
	return id && pf_category_covers(filter, id);
}

static int purpose_ok(const pf_graph_options *o, const char *purpose)
{
	if (!o->purpose_exact)
		return filter_ok(o->purpose, purpose);
	return o->purpose && *o->purpose ? str_eq(o->purpose, purpose) : !purpose;
}

static int finding_selected(const pf_report_ctx *ctx, const pf_finding *f)
{
	const pf_graph_options *o = &ctx->graph;

	return filter_ok(o->category, f->category) &&
	       purpose_ok(o, f->purpose) &&
	       (!o->rule || !*o->rule || !strcmp(o->rule, pf_rule_id(f->rule)));
}

static pf_sym cluster_of(model *m, const pf_graph_options *o,
                         const char *purpose, const char *file)
{
	if (o->by_file)
		return pf_strtab_intern(m->clusters, file ? file : "(unknown file)");
	return pf_strtab_intern(m->clusters, purpose ? purpose : "");
}

static void mark(gnode *n, int rule, size_t finding)
{
	n->rules |= 1u << rule;
	if (!n->finding)
		n->finding = finding + 1;
}

/* Categories an overview or a bounded map (max_functions) shows one by
   one; past it, by parent. */
#define OVERVIEW_CATEGORIES 8

static size_t distinct_categories(const pf_report_ctx *ctx)
{
	const pf_results *r = ctx->results;
	pf_strtab *t = pf_strtab_new();
	size_t n;

	for (size_t i = 0; i < r->nuses; i++)
		if (r->uses[i].category && r->uses[i].function && r->uses[i].sink &&
		    purpose_ok(&ctx->graph, r->uses[i].purpose))
			pf_strtab_intern(t, r->uses[i].category);
	n = pf_strtab_count(t);
	pf_strtab_free(t);
	return n;
}

/* The overview's node for `cat`: its parent of two levels when grouped
   ("user.contact" for user.contact.email), else itself. */
static const char *category_group(model *m, const char *cat, int grouped)
{
	const char *dot = strchr(cat, '.');
	char group[128];

	if (!grouped || !dot || !(dot = strchr(dot + 1, '.')) ||
	    (size_t)(dot - cat) >= sizeof(group))
		return cat;
	memcpy(group, cat, (size_t)(dot - cat));
	group[dot - cat] = '\0';
	return pf_strtab_str(m->names, pf_strtab_intern(m->names, group));
}

/* Counts `member` in node `n` once. */
static void count_member(model *m, size_t n, const char *member)
{
	uint32_t before = pf_strtab_count(m->members);
	char *k = pf_asprintf("%zu\x1f%s", n, member ? member : "");

	pf_strtab_intern(m->members, k);
	pf_free(k);
	if (pf_strtab_count(m->members) > before)
		m->nodes.v[n].count++;
}

/* The node of `function` (of `file`, in the cluster of `purpose`), or of
   the file's directory when the map draws directories. */
static size_t function_node(model *m, const pf_graph_options *o, const char *purpose,
                            const char *file, const char *function, int by_dir)
{
	pf_sym cl = cluster_of(m, o, purpose, file);
	const char *f = file ? file : "(unknown file)", *slash = strrchr(f, '/');
	char *key;

	if (by_dir) /* the directory, kept for the label */
		f = slash ? pf_strtab_str(m->names, pf_strtab_intern_n(m->names, f,
		                                                       (size_t)(slash - f) + 1))
		          : "./";
	key = by_dir ? pf_asprintf("%u\x1f\x1f%s", cl, f)
	                    : pf_asprintf("%u\x1f%s\x1f%s", cl, function,
	                                  o->by_file ? "" : (file ? file : ""));
	size_t n = node_get(m, NK_FUNCTION, key, by_dir ? f : function, file, cl);

	pf_free(key);
	if (by_dir) {
		m->nodes.v[n].is_dir = 1;
		count_member(m, n, function);
	}
	return n;
}

/* A flow's two edges: category -> function -> destination. The rule ids
   go on the edge where the data leaves; the edge into the function is
   only drawn red. */
static void flow_edges(model *m, size_t c, size_t fn, size_t s, unsigned rules,
                       const char *transforms)
{
	unsigned tr = pf_transforms_parse(transforms);
	gedge *e = edge_get(m, c, fn);

	e->rules |= rules;
	e->quiet = 1;
	e = edge_get(m, fn, s);
	e->rules |= rules;
	e->transforms |= tr;
	if (!tr)
		e->plain = 1;
}

/* A use on the overview: its category (or the category's parent:
   "user.contact" for user.contact.email) -> its purpose -> storage, logs,
   or the channel and recipient. */
static void overview_use(model *m, const pf_report_ctx *ctx, const pf_use *u, int grouped,
                         unsigned rules)
{
	const char *cat = u->category;
	size_t c, fn, s;
	pf_sym cl;
	int one_kind = !strcmp(u->sink, "storage") || !strcmp(u->sink, "log");
	char *key;

	cat = category_group(m, cat, grouped);
	c = node_get(m, NK_CATEGORY, cat, cat, NULL, 0);
	count_member(m, c, u->category);
	cl = cluster_of(m, &ctx->graph, u->purpose, u->file);
	key = pf_asprintf("%u", cl);
	fn = node_get(m, NK_FUNCTION, key, "", NULL, cl);
	pf_free(key);
	count_member(m, fn, u->function);
	key = pf_asprintf("%s\x1f%s", u->sink, one_kind || !u->target ? "" : u->target);
	s = node_get(m, NK_SINK, key, one_kind || !u->target ? u->sink : u->target,
	             one_kind || !u->target ? NULL : u->sink, 0);
	pf_free(key);
	if (!strcmp(u->sink, "storage"))
		count_member(m, s, u->target);
	flow_edges(m, c, fn, s, rules, u->transforms);
}

/*
 * Fills the model from the uses (every flow that is not a mere
 * collection point) and the findings, honouring the filters.
 */
static void model_build(model *m, const pf_report_ctx *ctx, int by_dir)
{
	const pf_results *r = ctx->results;
	const pf_graph_options *o = &ctx->graph;
	unsigned *use_rules = pf_calloc(r->nuses + 1, sizeof(*use_rules));
	size_t *use_finding = pf_calloc(r->nuses + 1, sizeof(*use_finding));
	char *matched = pf_calloc(r->nfindings + 1, 1);
	size_t i, j;

	m->keys = pf_strtab_new();
	m->ekeys = pf_strtab_new();
	m->clusters = pf_strtab_new();
	m->members = pf_strtab_new();
	m->names = pf_strtab_new();
	/* the overview groups categories by parent past this many */
	int grouped = (o->overview || o->max_functions) &&
	              distinct_categories(ctx) > OVERVIEW_CATEGORIES;

	/* Findings -> the flows they are about. Uses and findings are both
	   sorted by file and line, but a plain double loop is simple and fast
	   enough for the sizes a report has. */
	for (i = 0; i < r->nfindings; i++) {
		const pf_finding *f = &r->findings[i];

		if (f->rule < 0 || f->rule >= PF_RULE_COUNT)
			continue;
		for (j = 0; j < r->nuses; j++) {
			const pf_use *u = &r->uses[j];

			if (!u->function || !u->sink || !finding_matches_use(f, u))
				continue;
			use_rules[j] |= 1u << f->rule;
			if (!use_finding[j])
				use_finding[j] = i + 1;
			matched[i] = 1;
		}
	}

	for (j = 0; j < r->nuses; j++) {
		const pf_use *u = &r->uses[j];
		size_t c, fn, s;
		char *key;

		if (!u->function || !u->sink || !u->category)
			continue;
		if (!filter_ok(o->category, u->category) || !purpose_ok(o, u->purpose))
			continue;
		if (o->rule && *o->rule) {
			int rule = pf_rule_from_id(o->rule);

			if (rule < 0 || !(use_rules[j] & (1u << rule)))
				continue;
		}
		m->nflows++;
		if (o->overview) {
			overview_use(m, ctx, u, grouped, use_rules[j]);
			continue;
		}
		{
			const char *cat = category_group(m, u->category, grouped);

			c = node_get(m, NK_CATEGORY, cat, cat, NULL, 0);
			count_member(m, c, u->category);
		}
		fn = function_node(m, o, u->purpose, u->file, u->function, by_dir);
		key = pf_asprintf("%s\x1f%s", u->sink, u->target ? u->target : "");
		s = node_get(m, NK_SINK, key, u->target ? u->target : u->sink,
		             u->target ? u->sink : NULL, 0);
		pf_free(key);

		flow_edges(m, c, fn, s, use_rules[j], u->transforms);
		if (use_finding[j] && !m->nodes.v[fn].finding)
			m->nodes.v[fn].finding = use_finding[j];
	}

	/* Findings about no flow: an undeclared category at its declaration,
	   an erasure or export entry point that misses stores. */
	for (i = 0; i < r->nfindings; i++) {
		const pf_finding *f = &r->findings[i];
		size_t c = 0, fn;
		int has_c = 0;

		if (matched[i] || f->rule < 0 || f->rule >= PF_RULE_COUNT ||
		    !finding_selected(ctx, f))
			continue;
		if (f->category && o->overview) {
			const char *cat = category_group(m, f->category, grouped);

			c = node_get(m, NK_CATEGORY, cat, cat, NULL, 0);
			count_member(m, c, f->category);
			mark(&m->nodes.v[c], f->rule, i);
			continue;
		}
		if (o->overview)
			continue;
		if (f->category) {
			const char *cat = category_group(m, f->category, grouped);

			c = node_get(m, NK_CATEGORY, cat, cat, NULL, 0);
			count_member(m, c, f->category);
			has_c = 1;
			if (f->rule == PF_RULE_UNDECLARED_CATEGORY || !f->function) {
				mark(&m->nodes.v[c], f->rule, i);
				continue;
			}
		}
		if (!f->function)
			continue;
		fn = function_node(m, o, f->purpose, f->file, f->function, by_dir);
		mark(&m->nodes.v[fn], f->rule, i);
		if (has_c) {
			gedge *e = edge_get(m, c, fn);

			e->rules |= 1u << f->rule;
			if (!e->quiet)
				e->dashed = 1;
		}
	}
	pf_free(use_rules);
	pf_free(use_finding);
	pf_free(matched);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Merges function nodes that are interchangeable on the map: same
 * cluster, same categories in, same destinations out with the same
 * transforms and rules. On a code base of hundreds of functions, the
 * many wrappers and handlers that do the same thing with the same data
 * become one node listing their names.
 */
static void model_merge(model *m)
{
	size_t i, j, n = m->nodes.n;
	char **sig = pf_calloc(n + 1, sizeof(*sig));
	pf_strtab *sigs = pf_strtab_new();
	size_t *first = pf_calloc(n + 2, sizeof(*first));

	for (i = 0; i < n; i++) {
		PF_VEC(char *) parts = {0};
		pf_sbuf b = {0};

		if (m->nodes.v[i].kind != NK_FUNCTION)
			continue;
		for (j = 0; j < m->edges.n; j++) {
			const gedge *e = &m->edges.v[j];

			if (e->to == i)
				pf_vec_push(&parts, pf_asprintf("<%zu/%u/%d", e->from,
				                                e->rules, e->dashed));
			else if (e->from == i)
				pf_vec_push(&parts, pf_asprintf(">%zu/%u/%d/%u/%d/%d", e->to,
				                                e->rules, e->dashed,
				                                e->transforms, e->plain,
				                                e->quiet));
		}
		if (parts.n > 1)
			qsort(parts.v, parts.n, sizeof(*parts.v), cmp_str);
		pf_sbuf_printf(&b, "%u/%u|", m->nodes.v[i].cluster,
		               m->nodes.v[i].rules);
		for (j = 0; j < parts.n; j++) {
			pf_sbuf_puts(&b, parts.v[j]);
			pf_sbuf_puts(&b, ";");
			pf_free(parts.v[j]);
		}
		pf_vec_free(&parts);
		sig[i] = pf_strdup(sbuf_str(&b));
		pf_free(b.v);
	}
	for (i = 0; i < n; i++) {
		pf_sym s;

		if (!sig[i])
			continue;
		s = pf_strtab_intern(sigs, sig[i]);
		if (!first[s]) {
			first[s] = i + 1;
			continue;
		}
		m->nodes.v[i].rep = first[s] - 1;
		m->nodes.v[first[s] - 1].nmerged++;
	}
	for (i = 0; i < n; i++)
		pf_free(sig[i]);
	pf_free(sig);
	pf_free(first);
	pf_strtab_free(sigs);
}

static void model_free(model *m)
{
	pf_strtab_free(m->keys);
	pf_strtab_free(m->ekeys);
	pf_strtab_free(m->clusters);
	pf_strtab_free(m->members);
	pf_strtab_free(m->names);
	pf_vec_free(&m->nodes);
	pf_vec_free(&m->edges);
}

/* --- building cgraph graphs --------------------------------------------- */

/*
 * cgraph's default ID discipline uses the address of the interned name as
 * the ID of a named object, and agwrite emits subgraphs in ID order: the
 * clusters would come out in malloc order. This discipline numbers names
 * in creation order instead (even IDs; anonymous objects get odd ones, as
 * in the default), so the DOT text depends on the input alone.
 */
typedef struct idnames {
	Agraph_t *g;
	PF_VEC(char *) names; /* agstrdup'd: agwrite asks cgraph's string
	                         table whether a name is an HTML string */
	IDTYPE anon;
} idnames;

static void *id_open(Agraph_t *g, Agdisc_t *disc)
{
	idnames *st = pf_calloc(1, sizeof(*st));

	(void)disc;
	st->g = g;
	st->anon = 1;
	return st;
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id,
                   int createflag)
{
	idnames *st = state;
	size_t i;

	(void)objtype;
	if (!str) {
		*id = st->anon;
		st->anon += 2;
		return 1;
	}
	for (i = 0; i < st->names.n; i++)
		if (!strcmp(st->names.v[i], str)) {
			*id = (IDTYPE)(i + 1) * 2;
			return 1;
		}
	if (!createflag)
		return 0;
	pf_vec_push(&st->names, agstrdup(st->g, str));
	*id = (IDTYPE)st->names.n * 2;
	return 1;
}

static long id_alloc(void *state, int objtype, IDTYPE request)
{
	(void)state;
	(void)objtype;
	(void)request;
	return 0;
}

static void id_free(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id; /* names live until the graph is closed */
}

static char *id_print(void *state, int objtype, IDTYPE id)
{
	idnames *st = state;

	(void)objtype;
	if (id % 2 || id / 2 < 1 || id / 2 > st->names.n)
		return NULL;
	return st->names.v[id / 2 - 1];
}

static void id_close(void *state)
{
	idnames *st = state;

	/* The names go with the graph's string table. */
	pf_vec_free(&st->names);
	pf_free(st);
}

static void id_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static Agiddisc_t id_disc = {id_open, id_map, id_alloc, id_free, id_print,
                             id_close, id_register};

/* A new root graph with privflow's defaults, declared in a fixed order. */
static Agraph_t *graph_new(const char *name, const char *id)
{
	static Agdisc_t disc;
	Agraph_t *g;

	disc.mem = &AgMemDisc;
	disc.id = &id_disc;
	disc.io = &AgIoDisc;
	g = agopen(S(name), Agdirected, &disc);

	/* the root's id only: a default would be every cluster's too */
	agattr(g, AGRAPH, S("id"), S(""));
	agset(g, S("id"), S(id));
	agattr(g, AGRAPH, S("rankdir"), S("LR"));
	agattr(g, AGRAPH, S("fontname"), S("Helvetica"));
	agattr(g, AGRAPH, S("fontsize"), S("11"));
	agattr(g, AGRAPH, S("nodesep"), S("0.15"));
	agattr(g, AGRAPH, S("ranksep"), S("0.6"));
	agattr(g, AGRAPH, S("label"), S(""));
	agattr(g, AGRAPH, S("style"), S(""));
	agattr(g, AGRAPH, S("color"), S(""));
	agattr(g, AGRAPH, S("fontcolor"), S(""));
	agattr(g, AGRAPH, S("rank"), S(""));
	agattr(g, AGNODE, S("shape"), S("box"));
	agattr(g, AGNODE, S("style"), S("rounded"));
	agattr(g, AGNODE, S("fontname"), S("Helvetica"));
	agattr(g, AGNODE, S("fontsize"), S("10"));
	agattr(g, AGNODE, S("color"), S("#555555"));
	agattr(g, AGNODE, S("fillcolor"), S("white"));
	agattr(g, AGNODE, S("fontcolor"), S("black"));
	agattr(g, AGNODE, S("penwidth"), S("1"));
	agattr(g, AGNODE, S("label"), S("\\N"));
	agattr(g, AGNODE, S("tooltip"), S(""));
	agattr(g, AGNODE, S("href"), S(""));
	agattr(g, AGEDGE, S("fontname"), S("Helvetica"));
	agattr(g, AGEDGE, S("fontsize"), S("9"));
	agattr(g, AGEDGE, S("color"), S("#777777"));
	agattr(g, AGEDGE, S("fontcolor"), S("#333333"));
	agattr(g, AGEDGE, S("penwidth"), S("1"));
	agattr(g, AGEDGE, S("style"), S(""));
	agattr(g, AGEDGE, S("label"), S(""));
	agattr(g, AGEDGE, S("tooltip"), S(""));
	return g;
}

/* A node or edge that a finding breaks: red, thicker. */
static void set_bad(void *obj, int is_node)
{
	set(obj, "color", "#c00000");
	set(obj, "fontcolor", "#c00000");
	set(obj, "penwidth", "2");
	if (is_node)
		set(obj, "fillcolor", "#fde8e8");
}

static const char *sink_shape(const char *sink)
{
	if (!sink)
		return "box";
	if (!strcmp(sink, "storage"))
		return "cylinder";
	if (!strcmp(sink, "log"))
		return "note";
	return "cds";
}

static const char *sink_words(const char *sink)
{
	if (!sink)
		return "?";
	if (!strcmp(sink, "network"))
		return "network (cleartext)";
	if (!strcmp(sink, "network.tls"))
		return "network (TLS)";
	return sink;
}

/* The label of a cluster: the purpose and, from the policy, its legal
   basis; "undeclared" when a policy is given and does not list it. */
static void cluster_label(pf_sbuf *b, const pf_report_ctx *ctx,
                          const char *key, int *undeclared)
{
	const pf_pol_purpose *p;

	*undeclared = 0;
	if (ctx->graph.by_file) {
		put_label(b, key, 0);
		return;
	}
	if (!*key) {
		pf_sbuf_puts(b, "purpose unknown");
		return;
	}
	pf_sbuf_puts(b, "purpose: ");
	put_label(b, key, 0);
	if (!ctx->policy)
		return;
	p = pf_policy_purpose(ctx->policy, key);
	if (!p) {
		pf_sbuf_puts(b, "\\nnot declared in the policy");
		*undeclared = 1;
	} else if (p->legal_basis != PF_BASIS_NONE) {
		pf_sbuf_printf(b, "\\nlegal basis: %s",
		               pf_legal_basis_id(p->legal_basis));
	}
}

/* The names merged into node `rep`, for its label (`max` names, then "+N
   more") or its tooltip (max 0: all). */
static void merged_names(pf_sbuf *b, const model *m, size_t rep, size_t max,
                         const char *sep)
{
	size_t i, k = 0;

	for (i = 0; i < m->nodes.n; i++) {
		const gnode *n = &m->nodes.v[i];

		if (n->kind != NK_FUNCTION || n->rep != rep)
			continue;
		if (max && k == max) {
			pf_sbuf_printf(b, "%s+%zu more", sep, m->nodes.v[rep].nmerged - k);
			return;
		}
		if (k)
			pf_sbuf_puts(b, sep);
		put_label(b, n->name, 0);
		if (n->is_dir)
			pf_sbuf_printf(b, " (%zu function%s)", n->count, n->count == 1 ? "" : "s");
		else
			pf_sbuf_puts(b, "()");
		if (!max && n->detail && !n->is_dir) {
			pf_sbuf_puts(b, " in ");
			put_label(b, n->detail, 0);
		}
		k++;
	}
}

/* Function nodes the map draws (after merging). */
static size_t function_nodes(const model *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nodes.n; i++)
		n += m->nodes.v[i].kind == NK_FUNCTION && m->nodes.v[i].rep == i;
	return n;
}

static Agraph_t *datamap_graph(const pf_report_ctx *ctx, int html)
{
	pf_report_ctx coarse;
	model m = {0};
	Agraph_t *g = graph_new("privflow_data_map", ctx->graph.id ? ctx->graph.id : "datamap");
	Agraph_t **clusters = NULL;
	Agnode_t **an = NULL;
	Agraph_t *cats, *sinks;
	size_t i, ncl;
	pf_sbuf b = {0};

	model_build(&m, ctx, 0);
	if (!ctx->graph.overview)
		model_merge(&m);
	if (ctx->graph.max_functions && function_nodes(&m) > ctx->graph.max_functions) {
		/* too many to read: one node per directory, and if there are still
		   too many, one per purpose (the overview's) */
		model_free(&m);
		memset(&m, 0, sizeof(m));
		model_build(&m, ctx, 1);
		model_merge(&m);
		if (function_nodes(&m) > ctx->graph.max_functions) {
			coarse = *ctx;
			coarse.graph.overview = 1;
			ctx = &coarse; /* built and labelled as the overview */
			model_free(&m);
			memset(&m, 0, sizeof(m));
			model_build(&m, ctx, 0);
		}
	}
	if (!m.nodes.n) {
		Agnode_t *n = agnode(g, S("empty"), 1);

		set(n, "label", "no personal data flows");
		set(n, "shape", "plaintext");
		model_free(&m);
		return g;
	}

	/* Categories on the left, destinations on the right. */
	cats = agsubg(g, S("categories"), 1);
	set(cats, "rank", "min");
	sinks = agsubg(g, S("destinations"), 1);
	set(sinks, "rank", "max");
	ncl = pf_strtab_count(m.clusters);
	clusters = pf_calloc(ncl + 1, sizeof(*clusters));
	an = pf_calloc(m.nodes.n + 1, sizeof(*an));

	for (i = 0; i < m.nodes.n; i++) {
		const gnode *n = &m.nodes.v[i];
		Agraph_t *parent = g;
		Agnode_t *a;
		char name[32];
		int undeclared;

		if (n->rep != i)
			continue;
		switch (n->kind) {
		case NK_CATEGORY:
			snprintf(name, sizeof(name), "c%zu", i + 1);
			parent = cats;
			break;
		case NK_SINK:
			snprintf(name, sizeof(name), "s%zu", i + 1);
			parent = sinks;
			break;
		default:
			snprintf(name, sizeof(name), "f%zu", i + 1);
			if (!clusters[n->cluster]) {
				char cname[32];

				snprintf(cname, sizeof(cname), "cluster_%u", n->cluster);
				clusters[n->cluster] = agsubg(g, S(cname), 1);
				b.n = 0; /* an id of its own: it would take the root's */
				pf_sbuf_printf(&b, "%s_clust%u", agget(g, S("id")), n->cluster);
				set(clusters[n->cluster], "id", sbuf_str(&b));
				b.n = 0;
				cluster_label(&b, ctx, pf_strtab_str(m.clusters, n->cluster),
				              &undeclared);
				set(clusters[n->cluster], "label", sbuf_str(&b));
				set(clusters[n->cluster], "style", "rounded,dashed");
				set(clusters[n->cluster], "color",
				    undeclared ? "#c00000" : "#8899aa");
				if (undeclared)
					set(clusters[n->cluster], "fontcolor", "#c00000");
			}
			parent = clusters[n->cluster];
			break;
		}
		a = an[i] = agnode(parent, name, 1);
		b.n = 0;
		switch (n->kind) {
		case NK_CATEGORY:
			put_label(&b, n->name, 0);
			if (pf_strtab_find(m.names, n->name)) /* a group */
				pf_sbuf_printf(&b, ".*\\n(%zu categor%s)", n->count,
				               n->count == 1 ? "y" : "ies");
			set(a, "shape", "ellipse");
			set(a, "style", "filled");
			set(a, "fillcolor", "#e6f0fa");
			break;
		case NK_SINK:
			if (!strncmp(n->name, "host:", 5)) {
				pf_sbuf_puts(&b, "undeclared third party:\\n");
				put_label(&b, n->name + 5, WRAP);
			} else {
				put_label(&b, n->name, WRAP);
			}
			if (n->count) {
				b.n = 0;
				put_label(&b, sink_words(n->name), 0);
				pf_sbuf_printf(&b, "\\n(%zu store%s)", n->count, n->count == 1 ? "" : "s");
			} else if (n->detail) {
				pf_sbuf_puts(&b, "\\n");
				put_label(&b, sink_words(n->detail), 0);
			} else if (strcmp(n->name, sink_words(n->name))) {
				b.n = 0;
				put_label(&b, sink_words(n->name), 0);
			}
			set(a, "shape", sink_shape(n->detail ? n->detail : n->name));
			set(a, "style", "filled");
			set(a, "fillcolor", "#f4f4f4");
			break;
		default:
			if (ctx->graph.overview)
				pf_sbuf_printf(&b, "%zu function%s", n->count, n->count == 1 ? "" : "s");
			else
				merged_names(&b, &m, i, MAX_NAMES, "\\n");
			set(a, "style", "rounded,filled");
			break;
		}
		if (n->rules) {
			pf_sbuf_puts(&b, "\\n[");
			put_rules(&b, n->rules);
			pf_sbuf_puts(&b, "]");
			set_bad(a, 1);
		}
		set(a, "label", sbuf_str(&b));
		if (n->kind == NK_FUNCTION && !ctx->graph.overview) {
			b.n = 0;
			merged_names(&b, &m, i, 0, "\\n");
			set(a, "tooltip", sbuf_str(&b));
		}
		if (html && n->finding) {
			char href[48];

			snprintf(href, sizeof(href), "#finding-%zu", n->finding);
			set(a, "href", href);
		}
	}

	for (i = 0; i < m.edges.n; i++) {
		const gedge *e = &m.edges.v[i];
		const gnode *from = &m.nodes.v[e->from], *to = &m.nodes.v[e->to];
		Agedge_t *ae;
		size_t k;
		int dup = 0;

		/* A merged node's edges are its representative's. */
		if (from->rep != e->from || to->rep != e->to)
			continue;
		for (k = 0; k < i && !dup; k++)
			dup = m.edges.v[k].from == e->from && m.edges.v[k].to == e->to;
		if (dup)
			continue;
		ae = agedge(g, an[e->from], an[e->to], NULL, 1);
		b.n = 0;
		if (e->transforms) {
			char tr[96];

			/* "hashed, redacted; some unchanged" */
			const char *t = pf_transforms_str(e->transforms, tr, sizeof(tr)), *c;

			for (; (c = strchr(t, ',')); t = c + 1) {
				pf_sbuf_add(&b, t, (size_t)(c - t));
				pf_sbuf_puts(&b, ", ");
			}
			pf_sbuf_puts(&b, t);
			if (e->plain)
				pf_sbuf_puts(&b, "; some unchanged");
		}
		if (e->rules) {
			if (!e->quiet || e->dashed) {
				if (b.n)
					pf_sbuf_puts(&b, "\\n");
				put_rules(&b, e->rules);
			}
			set_bad(ae, 0);
		}
		if (b.n)
			set(ae, "label", sbuf_str(&b));
		if (e->dashed)
			set(ae, "style", "dashed");
	}
	pf_free(b.v);
	pf_free(clusters);
	pf_free(an);
	model_free(&m);
	return g;
}

/* --- trace graphs ------------------------------------------------------------ */

/* The function of the results that encloses file:line (the last one that
   starts at or before it), or NULL. */
static const pf_function_fact *enclosing(const pf_results *r, const char *file,
                                         uint32_t line)
{
	const pf_function_fact *best = NULL;
	size_t i;

	for (i = 0; file && r->functions && i < r->nfunctions; i++) {
		const pf_function_fact *fn = &r->functions[i];

		if (fn->file && !strcmp(fn->file, file) && fn->line <= line &&
		    (!best || fn->line >= best->line))
			best = fn;
	}
	return best;
}

static void put_loc(pf_sbuf *b, const char *file, uint32_t line)
{
	put_label(b, file && *file ? file : "?", 0);
	if (line)
		pf_sbuf_printf(b, ":%u", line);
}

static Agraph_t *finding_graph(const pf_report_ctx *ctx, size_t fi)
{
	const pf_results *r = ctx->results;
	const pf_finding *f = &r->findings[fi];
	char gname[48], gid[48], name[32];
	Agraph_t *g, *cl = NULL;
	Agnode_t *prev = NULL, *a;
	Agedge_t *e;
	const pf_function_fact *prev_fn = NULL;
	pf_sbuf b = {0};
	size_t i, nclusters = 0, skipped = 0;

	snprintf(gname, sizeof(gname), "privflow_finding_%zu", fi + 1);
	snprintf(gid, sizeof(gid), "finding-%zu-graph", fi + 1);
	g = graph_new(gname, gid);

	if (f->category) {
		prev = agnode(g, S("source"), 1);
		put_label(&b, f->category, 0);
		set(prev, "label", sbuf_str(&b));
		set(prev, "shape", "ellipse");
		set(prev, "style", "filled");
		set(prev, "fillcolor", "#e6f0fa");
	}
	for (i = 0; i < f->ntrace; i++) {
		const pf_step *s = &f->trace[i];
		const pf_function_fact *fn;

		if (i && s->line == f->trace[i - 1].line &&
		    str_eq(s->file, f->trace[i - 1].file) &&
		    str_eq(s->note, f->trace[i - 1].note))
			continue;
		/* A long trace keeps its ends: where the data comes from and
		   where it leaves. */
		if (f->ntrace > MAX_STEPS && i >= MAX_STEPS / 2 &&
		    i < f->ntrace - MAX_STEPS / 2) {
			if (!skipped++) {
				a = agnode(g, S("elided"), 1);
				set(a, "shape", "plaintext");
				if (prev)
					agedge(g, prev, a, NULL, 1);
				prev = a;
				prev_fn = NULL;
				cl = NULL;
			}
			continue;
		}
		fn = enclosing(r, s->file, s->line);
		if (!fn) {
			cl = NULL;
		} else if (fn != prev_fn || !cl) {
			char cname[32];

			snprintf(cname, sizeof(cname), "cluster_%zu", ++nclusters);
			cl = agsubg(g, cname, 1);
			b.n = 0;
			put_label(&b, fn->name, 0);
			pf_sbuf_puts(&b, "()");
			set(cl, "label", sbuf_str(&b));
			set(cl, "style", "rounded,dashed");
			set(cl, "color", "#8899aa");
		}
		prev_fn = fn;
		snprintf(name, sizeof(name), "t%zu", i + 1);
		a = agnode(cl ? cl : g, name, 1);
		b.n = 0;
		put_loc(&b, s->file, s->line);
		if (s->note && *s->note) {
			pf_sbuf_puts(&b, "\\n");
			put_label(&b, s->note, WRAP);
		}
		set(a, "label", sbuf_str(&b));
		if (prev)
			agedge(g, prev, a, NULL, 1);
		prev = a;
	}
	if (skipped) {
		snprintf(name, sizeof(name), "%zu more steps", skipped);
		set(agnode(g, S("elided"), 0), "label", name);
	}

	/* Where the data leaves and the rule it breaks. */
	a = agnode(g, S("sink"), 1);
	b.n = 0;
	put_label(&b, pf_rule_id(f->rule), 0);
	if (f->recipient || f->sink) {
		pf_sbuf_puts(&b, "\\n");
		put_label(&b, f->recipient ? f->recipient : sink_words(f->sink), WRAP);
	}
	if (!f->ntrace) {
		pf_sbuf_puts(&b, "\\n");
		put_loc(&b, f->file, f->line);
	}
	set(a, "label", sbuf_str(&b));
	set(a, "shape", f->sink ? sink_shape(f->sink) : "octagon");
	set(a, "style", "filled");
	set_bad(a, 1);
	if (prev) {
		e = agedge(g, prev, a, NULL, 1);
		set_bad(e, 0);
		set(e, "label", pf_rule_id(f->rule));
	}
	pf_free(b.v);
	return g;
}

/* --- output --------------------------------------------------------------------- */

static int write_dot(char **out, size_t *len, Agraph_t *g)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *mem = open_memstream(&buf, &n);

	if (!mem) {
		pf_error_set("graph: cannot allocate a memory stream");
		return PF_ERROR;
	}
	agwrite(g, mem);
	fclose(mem);
	*out = pf_strndup(buf ? buf : "", n);
	*len = n;
	free(buf);
	return PF_OK;
}

/* Case-insensitive strstr over the first n bytes. */
static int contains_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (!strncasecmp(s + i, needle, k))
			return 1;
	return 0;
}

/*
 * Lays `g` out and renders it to SVG into *out (pf_malloc'd) and *len; the
 * inline form starts at the <svg element. Whatever happens, the layout and
 * the rendered buffer are freed before returning (gvFreeLayout is safe on
 * a graph whose layout failed or never started); `g` stays the caller's.
 * What Graphviz itself loses in gvLayout is listed in tests/lsan.supp.
 */
static int write_svg(char **out, size_t *len, pf_graphviz *gv, Agraph_t *g,
                     int inline_html)
{
	char *data = NULL;
	unsigned int n = 0;
	const char *start;
	int rc = PF_OK;

	if (!gv || !gv->gvc) {
		pf_error_set("graph: Graphviz could not be initialised");
		return PF_ERROR;
	}
	if (gvLayout(gv->gvc, g, "dot") != 0) {
		pf_error_set("graph: Graphviz could not lay out the graph");
		rc = PF_ERROR;
		goto done;
	}
	if (gvRenderData(gv->gvc, g, "svg", &data, &n) != 0 || !data) {
		pf_error_set("graph: Graphviz could not render SVG");
		rc = PF_ERROR;
		goto done;
	}
	/* Every text in it was escaped by us and by graphviz; a script
	   element here would mean an escaping bug, so refuse to emit it. */
	if (contains_ci(data, n, "<script") || contains_ci(data, n, "javascript:")) {
		pf_error_set("graph: refusing SVG with a script in it");
		rc = PF_ERROR;
		goto done;
	}
	start = data;
	if (inline_html && (start = strstr(data, "<svg")) == NULL)
		start = data;
	*len = n - (size_t)(start - data);
	*out = pf_strndup(start, *len);
done:
	if (data)
		gvFreeRenderData(data);
	gvFreeLayout(gv->gvc, g);
	return rc;
}

/* Renders `g` as `fmt`; takes `g` and closes it (agclose frees every
   node, edge, subgraph, attribute and interned name), even on failure. */
/* --- trace pictures for the HTML report ----------------------------------------- */

/*
 * In the HTML report a finding's trace is a column of boxes (where the
 * data comes from, each step grouped by the function it is in, where it
 * leaves), laid out here rather than by Graphviz: a trace is a chain, so
 * its layout is a column, and 2,000 findings made 10 MB of Graphviz SVG
 * and seconds of layout. An incomplete-erasure finding's steps are the
 * stores its closure path misses, not a flow: they get no arrows. A
 * trace that stays in one function is drawn not at all: the report's
 * list of its steps says all a picture would.
 */
#define TW 640         /* width of the picture (viewBox units) */
#define TLINE 15       /* line height */
#define TGAP 18        /* room for an arrow between two boxes */
#define TCHARS 84      /* characters on a box's line (12 px text) */

typedef struct tbox {
	char *text;         /* lines separated by '\n' */
	char href[64];      /* in-page link, or "" */
	int kind;           /* 0 source, 1 step, 2 elided, 3 sink */
	const pf_function_fact *fn;
	int y, h, nl;
} tbox;

typedef PF_VEC(tbox) tboxes;

/* Text for a box: s wrapped at TCHARS columns (by UTF-8 characters). */
static void tbox_add(pf_sbuf *b, const char *s)
{
	int col = 0;

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (col >= TCHARS && c == ' ') {
			pf_sbuf_puts(b, "\n");
			col = 0;
			continue;
		}
		pf_sbuf_add(b, (c < 0x20 || c == 0x7f) ? " " : s, 1);
		if ((c & 0xc0) != 0x80)
			col++;
	}
}

static void tbox_push(tboxes *v, int kind, pf_sbuf *b, const char *href,
                      const pf_function_fact *fn)
{
	tbox t = {pf_strdup(sbuf_str(b)), "", kind, fn, 0, 0, 1};

	snprintf(t.href, sizeof(t.href), "%s", href ? href : "");
	for (const char *p = t.text; *p; p++)
		t.nl += *p == '\n';
	pf_vec_push(v, t);
	b->n = 0;
}

static void svg_text(pf_sbuf *b, const char *text, int x, int y)
{
	const char *line = text;

	pf_sbuf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", x, y);
	for (int k = 0; line; k++) {
		const char *end = strchr(line, '\n');
		pf_sbuf_printf(b, "<tspan x=\"%d\" dy=\"%d\">", x, k ? TLINE : 0);
		pf_sbuf_put_xml(b, line, end ? (size_t)(end - line) : strlen(line));
		pf_sbuf_puts(b, "</tspan>");
		line = end ? end + 1 : NULL;
	}
	pf_sbuf_puts(b, "</text>");
}

static int trace_svg(char **out, size_t *len, const pf_report_ctx *ctx, size_t fi)
{
	static const char *const fill[] = {"#e6f0fa", "#ffffff", "#f4f4f4", "#fde8e8"};
	static const char *const stroke[] = {"#4a6fa5", "#8899aa", "#bbbbbb", "#c0392b"};
	const pf_results *r = ctx->results;
	const pf_finding *f = &r->findings[fi];
	int chain = f->rule != PF_RULE_INCOMPLETE_ERASURE, y = 6, crosses = 0;
	tboxes v = {0};
	pf_sbuf t = {0}, b = {0};
	size_t skipped = 0;
	char href[64];

	if (f->category) {
		tbox_add(&t, f->category);
		tbox_push(&v, 0, &t, NULL, NULL);
	}
	for (size_t i = 0; i < f->ntrace; i++) {
		const pf_step *s = &f->trace[i];

		if (i && s->line == f->trace[i - 1].line && str_eq(s->file, f->trace[i - 1].file) &&
		    str_eq(s->note, f->trace[i - 1].note))
			continue;
		if (f->ntrace > MAX_STEPS && i >= MAX_STEPS / 2 && i < f->ntrace - MAX_STEPS / 2) {
			skipped++;
			continue;
		}
		if (skipped) {
			pf_sbuf_printf(&t, "%zu more step%s (listed above)", skipped,
			               skipped == 1 ? "" : "s");
			tbox_push(&v, 2, &t, NULL, NULL);
			skipped = 0;
		}
		pf_sbuf_printf(&t, "%s", s->file && *s->file ? s->file : "?");
		if (s->line)
			pf_sbuf_printf(&t, ":%u", s->line);
		if (s->note && *s->note) {
			pf_sbuf_puts(&t, "\n");
			tbox_add(&t, s->note);
		}
		snprintf(href, sizeof(href), "#finding-%zu-step-%zu", fi + 1, i + 1);
		tbox_push(&v, 1, &t, href, enclosing(r, s->file, s->line));
	}
	for (size_t k = 1; k < v.n && !crosses; k++)
		crosses = v.v[k].fn != v.v[k - 1].fn && v.v[k].fn && v.v[k - 1].fn;
	if (!crosses) {
		for (size_t k = 0; k < v.n; k++)
			pf_free(v.v[k].text);
		pf_vec_free(&v);
		pf_free(t.v);
		*out = NULL;
		*len = 0;
		return PF_OK;
	}
	tbox_add(&t, pf_rule_id(f->rule));
	if (f->recipient || f->sink) {
		pf_sbuf_puts(&t, "\n");
		tbox_add(&t, f->recipient ? f->recipient : sink_words(f->sink));
	}
	snprintf(href, sizeof(href), "#finding-%zu-code", fi + 1);
	tbox_push(&v, 3, &t, href, NULL);

	/* layout: a function's steps under its name, in one dashed frame */
	for (size_t k = 0; k < v.n; k++) {
		tbox *x = &v.v[k];
		if (x->fn && (k == 0 || v.v[k - 1].fn != x->fn))
			y += TLINE + 4;
		x->y = y;
		x->h = 8 + TLINE * x->nl;
		y += x->h + TGAP;
	}
	y -= TGAP - 6;
	pf_sbuf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"finding-%zu-graph\" "
	               "class=\"trace-svg\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
	               "style=\"max-width:%dpx\" role=\"img\" aria-label=\"trace of finding "
	               "%zu\" font-family=\"sans-serif\"><defs><marker id=\"finding-%zu-arrow\" "
	               "viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
	               "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" "
	               "fill=\"#555\"/></marker></defs>", fi + 1, TW, y, TW, fi + 1, fi + 1);
	for (size_t k = 0; k < v.n; k++) {
		const tbox *x = &v.v[k];
		size_t last = k;
		if (!x->fn || (k && v.v[k - 1].fn == x->fn))
			continue;
		while (last + 1 < v.n && v.v[last + 1].fn == x->fn)
			last++;
		pf_sbuf_printf(&b, "<rect x=\"6\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" "
		               "fill=\"none\" stroke=\"#8899aa\" stroke-dasharray=\"4 3\"/>",
		               x->y - TLINE - 2, TW - 12, v.v[last].y + v.v[last].h + 4 - (x->y - TLINE - 2));
		t.n = 0;
		pf_sbuf_puts(&t, x->fn->name);
		pf_sbuf_puts(&t, "()");
		svg_text(&b, sbuf_str(&t), 14, x->y - 5);
	}
	for (size_t k = 0; k < v.n; k++) {
		const tbox *x = &v.v[k];
		int in = x->fn ? 16 : 10;
		if (x->href[0])
			pf_sbuf_printf(&b, "<a href=\"%s\">", x->href);
		pf_sbuf_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" "
		               "fill=\"%s\" stroke=\"%s\"/>", in, x->y, TW - 2 * in, x->h,
		               fill[x->kind], stroke[x->kind]);
		svg_text(&b, x->text, in + 8, x->y + 16);
		if (x->href[0])
			pf_sbuf_puts(&b, "</a>");
		if (k + 1 < v.n && chain) {
			int y0 = x->y + x->h, y1 = v.v[k + 1].y;
			pf_sbuf_printf(&b, "<path d=\"M%d,%dL%d,%d\" stroke=\"%s\" "
			               "marker-end=\"url(#finding-%zu-arrow)\"/>", TW / 2, y0, TW / 2,
			               y1, v.v[k + 1].kind == 3 ? "#c0392b" : "#555", fi + 1);
		}
	}
	pf_sbuf_puts(&b, "</svg>");
	for (size_t k = 0; k < v.n; k++)
		pf_free(v.v[k].text);
	pf_vec_free(&v);
	pf_free(t.v);
	pf_sbuf_take(&b, out, len);
	return PF_OK;
}

static int render(char **out, size_t *len, pf_graphviz *gv, Agraph_t *g,
                  enum pf_graph_format fmt)
{
	int rc;

	if (fmt == PF_GRAPH_DOT)
		rc = write_dot(out, len, g);
	else
		rc = write_svg(out, len, gv, g, fmt == PF_GRAPH_SVG_HTML);
	agclose(g);
	return rc;
}

int pf_graph_datamap(char **out, size_t *len, pf_graphviz *gv,
                     const pf_report_ctx *ctx, enum pf_graph_format fmt)
{
	return render(out, len, gv, datamap_graph(ctx, fmt == PF_GRAPH_SVG_HTML),
	              fmt);
}

int pf_graph_finding(char **out, size_t *len, pf_graphviz *gv,
                     const pf_report_ctx *ctx, size_t i,
                     enum pf_graph_format fmt)
{
	if (i >= ctx->results->nfindings) {
		pf_error_set("graph: no finding %zu", i + 1);
		return PF_ERROR;
	}
	if (fmt == PF_GRAPH_SVG_HTML)
		return trace_svg(out, len, ctx, i);
	return render(out, len, gv, finding_graph(ctx, i), fmt);
}

size_t pf_graph_datamap_nflows(const pf_report_ctx *ctx)
{
	model m = {0};
	size_t n;

	model_build(&m, ctx, 0);
	n = m.nflows;
	model_free(&m);
	return n;
}

/* --- the dot and svg formats --------------------------------------------------- */

/*
 * `--format dot`: the data map, then one digraph per finding the filters
 * select (its trace), in finding order; `dot -Tsvg -O` renders them all.
 */
int pf_report_dot(char **out, size_t *len, const pf_report_ctx *ctx)
{
	pf_sbuf b = {0};
	char *s = NULL;
	size_t n = 0, i;

	if (pf_graph_datamap(&s, &n, NULL, ctx, PF_GRAPH_DOT) < 0)
		return PF_ERROR;
	pf_sbuf_add(&b, s, n);
	pf_free(s);
	for (i = 0; i < ctx->results->nfindings; i++) {
		if (!finding_selected(ctx, &ctx->results->findings[i]))
			continue;
		if (pf_graph_finding(&s, &n, NULL, ctx, i, PF_GRAPH_DOT) < 0) {
			pf_free(b.v);
			return PF_ERROR;
		}
		pf_sbuf_add(&b, s, n);
		pf_free(s);
	}
	pf_sbuf_take(&b, out, len);
	return PF_OK;
}

/* `--format svg`: the data map as one standalone SVG document. */
int pf_report_svg(char **out, size_t *len, const pf_report_ctx *ctx)
{
	pf_graphviz *gv = pf_graphviz_new();
	int rc = pf_graph_datamap(out, len, gv, ctx, PF_GRAPH_SVG);

	pf_graphviz_free(gv);
	return rc;
}
