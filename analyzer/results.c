/*
 * The results of a scan: freeing them, putting them into their canonical
 * order and giving every finding a fingerprint that survives unrelated
 * edits (lines moving), so CI can tell a new finding from an old one.
 */
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "results.h"
#include "results_p.h"
#include "util.h"

/*
 * Frees `r`, which was allocated with pf_malloc/pf_calloc, and its arena.
 * Everything `r` points to (strings and arrays: findings, traces, uses,
 * files, functions) lives in r->arena and dies with it. NULL is a no-op.
 */
void pf_results_free(pf_results *r)
{
	if (!r)
		return;
	if (r->arena)
		pf_arena_free(r->arena);
	pf_free(r);
}

/* strcmp where NULL sorts before every string. */
static int cmp_str(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static const char *rule_name(int rule)
{
	return rule >= 0 && rule < PF_RULE_COUNT ? pf_rule_id(rule) : "";
}

static int cmp_step(const pf_step *a, const pf_step *b)
{
	int c;

	if ((c = cmp_str(a->file, b->file)) || (c = cmp_u32(a->line, b->line)) ||
	    (c = cmp_u32(a->col, b->col)))
		return c;
	return cmp_str(a->note, b->note);
}

/* Findings equal but for their traces are one finding. */
static int cmp_finding_fact(const pf_finding *a, const pf_finding *b)
{
	int c;

	if ((c = cmp_str(a->file, b->file)) || (c = cmp_u32(a->line, b->line)) ||
	    (c = cmp_u32(a->col, b->col)) ||
	    (c = cmp_str(rule_name(a->rule), rule_name(b->rule))) ||
	    (c = cmp_str(a->category, b->category)) ||
	    (c = cmp_str(a->categories, b->categories)) ||
	    (c = cmp_str(a->message, b->message)) ||
	    (c = cmp_str(a->purpose, b->purpose)) ||
	    (c = cmp_str(a->recipient, b->recipient)) ||
	    (c = cmp_str(a->sink, b->sink)) ||
	    (c = cmp_str(a->function, b->function)) ||
	    (c = (a->severity > b->severity) - (a->severity < b->severity)) ||
	    (c = cmp_str(a->policy_ref, b->policy_ref)))
		return c;
	return 0;
}

/* Canonical order of findings: file, line, column, rule id, category,
   message, then everything else so that the order is total. */
static int cmp_finding(const void *pa, const void *pb)
{
	const pf_finding *a = pa, *b = pb;
	size_t i;
	int c;

	if ((c = cmp_finding_fact(a, b)))
		return c;
	for (i = 0; i < a->ntrace && i < b->ntrace; i++)
		if ((c = cmp_step(&a->trace[i], &b->trace[i])))
			return c;
	return (a->ntrace > b->ntrace) - (a->ntrace < b->ntrace);
}

/* Uses read as a data map: grouped by category, then what happens to it. */
static int cmp_use(const void *pa, const void *pb)
{
	const pf_use *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->category, b->category)) ||
	    (c = cmp_str(a->kind, b->kind)) || (c = cmp_str(a->sink, b->sink)) ||
	    (c = cmp_str(a->target, b->target)) ||
	    (c = cmp_str(a->purpose, b->purpose)) ||
	    (c = cmp_str(a->transforms, b->transforms)) ||
	    (c = cmp_str(a->file, b->file)) || (c = cmp_u32(a->line, b->line)) ||
	    (c = cmp_u32(a->col, b->col)))
		return c;
	return cmp_str(a->function, b->function);
}

static int cmp_function(const void *pa, const void *pb)
{
	const pf_function_fact *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->file, b->file)) || (c = cmp_u32(a->line, b->line)) ||
	    (c = cmp_str(a->name, b->name)))
		return c;
	return cmp_str(a->purpose, b->purpose);
}

static int cmp_file(const void *pa, const void *pb)
{
	const pf_file_fact *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->path, b->path)) || (c = cmp_str(a->sha256, b->sha256)))
		return c;
	return a->parsed - b->parsed;
}

static int cmp_name(const void *pa, const void *pb)
{
	return cmp_str(*(char *const *)pa, *(char *const *)pb);
}

void pf_results_sort(pf_results *r)
{
	if (r->nfindings > 1)
		qsort(r->findings, r->nfindings, sizeof(*r->findings), cmp_finding);
	if (r->nuses > 1)
		qsort(r->uses, r->nuses, sizeof(*r->uses), cmp_use);
	if (r->functions && r->nfunctions > 1)
		qsort(r->functions, r->nfunctions, sizeof(*r->functions),
		      cmp_function);
	if (r->nfiles > 1)
		qsort(r->files, r->nfiles, sizeof(*r->files), cmp_file);
}

/* A growable string for building the fingerprint input. */
typedef PF_VEC(char) strbuf;

static void sb_add(strbuf *sb, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	pf_vec_grow(sb, sb->n + n + 2);
	if (n)
		memcpy(sb->v + sb->n, s, n);
	sb->n += n;
	/* A field separator no field contains; NULL and "" differ. */
	sb->v[sb->n++] = s ? '\x1f' : '\x1e';
}

static void sb_catn(strbuf *sb, const char *s, size_t n)
{
	pf_vec_grow(sb, sb->n + n + 1);
	memcpy(sb->v + sb->n, s, n);
	sb->n += n;
}

static void sb_cat(strbuf *sb, const char *s)
{
	sb_catn(sb, s, strlen(s));
}

/*
 * Appends `msg` without the numbers that are line or column numbers:
 * digits right after ':' ("app.c:42:7") or after "line " / "lines ".
 * Other digits (names such as sha256) are kept.
 */
static void sb_add_message(strbuf *sb, const char *msg)
{
	const char *p;

	if (!msg) {
		sb_add(sb, NULL);
		return;
	}
	for (p = msg; *p; p++) {
		int drop = 0;

		if (*p >= '0' && *p <= '9' && p > msg) {
			if (p[-1] == ':' || p[-1] == '-' ||
			    (p - msg >= 5 && !strncmp(p - 5, "line ", 5)) ||
			    (p - msg >= 6 && !strncmp(p - 6, "lines ", 6)))
				drop = 1;
			/* "-" only counts inside a range "12-14". */
			if (p[-1] == '-' &&
			    !(p - msg >= 2 && p[-2] >= '0' && p[-2] <= '9'))
				drop = 0;
		}
		if (drop) {
			while (p[1] >= '0' && p[1] <= '9')
				p++;
			continue;
		}
		pf_vec_push(sb, *p);
	}
	sb_add(sb, "");
}

/* Findings that differ only in the data they name: one call, one sink,
   one broken promise. */
static int cmp_group(const pf_finding *a, const pf_finding *b)
{
	int c;

	if ((c = cmp_str(a->file, b->file)) || (c = cmp_u32(a->line, b->line)) ||
	    (c = cmp_u32(a->col, b->col)) ||
	    (c = cmp_str(rule_name(a->rule), rule_name(b->rule))) ||
	    (c = cmp_str(a->purpose, b->purpose)) ||
	    (c = cmp_str(a->recipient, b->recipient)) || (c = cmp_str(a->sink, b->sink)) ||
	    (c = cmp_str(a->function, b->function)) ||
	    (c = (a->severity > b->severity) - (a->severity < b->severity)) ||
	    (c = cmp_str(a->policy_ref, b->policy_ref)))
		return c;
	/* the same words after the data's name */
	return !a->subject || !b->subject ? (a->subject > b->subject) - (a->subject < b->subject)
	                                  : cmp_str(a->message + a->subject, b->message + b->subject);
}

static int cmp_group_q(const void *pa, const void *pb)
{
	int c = cmp_group(pa, pb);

	return c ? c : cmp_finding(pa, pb);
}

/* "is written ..." for several: "are written ...". */
static void plural_rest(strbuf *sb, const char *rest)
{
	static const char *const verbs[][2] = {
		{" is ", " are "}, {" leaves ", " leave "}, {" reaches ", " reach "}};
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		size_t n = strlen(verbs[i][0]);
		if (!strncmp(rest, verbs[i][0], n)) {
			sb_cat(sb, verbs[i][1]);
			sb_cat(sb, rest + n);
			return;
		}
	}
	sb_cat(sb, rest);
}

/*
 * Joins the findings that differ only in their data into one naming it
 * all: "a (field u.email) and b (field u.name) are sent by send()", the
 * first category's trace. One signup call to an ad network was eleven
 * findings, one per category.
 */
static void group_findings(pf_results *r)
{
	size_t i, j, k = 0;
	strbuf sb = {0};

	if (r->nfindings < 2)
		return;
	qsort(r->findings, r->nfindings, sizeof(*r->findings), cmp_group_q);
	for (i = 0; i < r->nfindings; i = j) {
		pf_finding f = r->findings[i];
		for (j = i + 1; j < r->nfindings && f.subject && r->findings[j].subject &&
		                !cmp_group(&f, &r->findings[j]);
		     j++)
			;
		if (j - i > 1) {
			sb.n = 0;
			for (size_t m = i; m < j; m++) {
				const pf_finding *g = &r->findings[m];
				if (m > i)
					sb_cat(&sb, m + 1 == j ? " and " : ", ");
				sb_catn(&sb, g->message, g->subject);
			}
			size_t subject = sb.n;
			plural_rest(&sb, f.message + f.subject);
			f.message = pf_arena_strndup(r->arena, sb.v, sb.n);
			sb.n = 0;
			for (size_t m = i; m < j; m++) {
				const char *cat = r->findings[m].category ? r->findings[m].category : "";
				if (m > i && !strcmp(cat, r->findings[m - 1].category ? r->findings[m - 1].category : ""))
					continue;
				if (sb.n)
					sb_cat(&sb, ",");
				sb_cat(&sb, cat);
			}
			f.categories = memchr(sb.v, ',', sb.n) ? pf_arena_strndup(r->arena, sb.v, sb.n)
			                                       : NULL;
			f.subject = (uint32_t)subject;
		}
		r->findings[k++] = f;
	}
	r->nfindings = k;
	pf_vec_free(&sb);
}

int pf_fingerprint_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 32;
}

/*
 * Sorts and fingerprints. A fingerprint is the first 32 hex digits of the
 * SHA-256 of "privflow/v1", the rule id, file, function, category, sink,
 * recipient, purpose and the message without line numbers. Findings that
 * share all of these (two identical calls in one function) are told apart
 * by their occurrence index in canonical order: the first keeps the bare
 * hash, the k-th (k >= 1) hashes the bare hash with "#k".
 */
void pf_results_finish(pf_results *r)
{
	strbuf sb = {0};
	pf_map *seen = NULL;
	size_t i;

	group_findings(r);
	pf_results_sort(r);
	seen = pf_map_new();
	for (i = 0; i < r->nfindings; i++) {
		pf_finding *f = &r->findings[i];
		char hex[65];
		uint64_t key;
		uint32_t count = 0;

		sb.n = 0;
		sb_add(&sb, "privflow/v1");
		sb_add(&sb, rule_name(f->rule));
		sb_add(&sb, f->file);
		sb_add(&sb, f->function);
		sb_add(&sb, f->categories ? f->categories : f->category);
		sb_add(&sb, f->sink);
		sb_add(&sb, f->recipient);
		sb_add(&sb, f->purpose);
		sb_add_message(&sb, f->message);
		pf_sha256_hex(sb.v, sb.n, hex);

		key = pf_hash64(hex, 64);
		if (pf_map_get(seen, key, &count) && count > 0) {
			char *again = pf_asprintf("%s#%u", hex, count);

			pf_sha256_hex(again, strlen(again), hex);
			pf_free(again);
		}
		pf_map_put(seen, key, count + 1);
		memcpy(f->fingerprint, hex, 32);
		f->fingerprint[32] = '\0';
	}
	pf_map_free(seen);
	pf_vec_free(&sb);
}

/* Copies n elements of size sz from src to a new array in arena a that
   also holds the n0 of old. */
static void *grow(pf_arena *a, const void *old, size_t n0, const void *src, size_t n, size_t sz)
{
	char *v = pf_arena_alloc(a, (n0 + n ? n0 + n : 1) * sz);

	if (n0)
		memcpy(v, old, n0 * sz);
	if (n)
		memcpy(v + n0 * sz, src, n * sz);
	return v;
}

#define DUP(a, s) ((s) ? pf_arena_strdup((a), (s)) : NULL)

void pf_results_absorb(pf_results *dst, const pf_results *src)
{
	pf_arena *a = dst->arena;
	size_t i, j, n0;

	n0 = dst->nfindings;
	dst->findings = grow(a, dst->findings, n0, src->findings, src->nfindings,
	                     sizeof(pf_finding));
	dst->nfindings += src->nfindings;
	for (i = n0; i < dst->nfindings; i++) {
		pf_finding *f = &dst->findings[i];
		pf_step *t = f->ntrace ? pf_arena_alloc(a, f->ntrace * sizeof(*t)) : NULL;

		f->category = DUP(a, f->category);
		f->categories = DUP(a, f->categories);
		f->purpose = DUP(a, f->purpose);
		f->recipient = DUP(a, f->recipient);
		f->sink = DUP(a, f->sink);
		f->function = DUP(a, f->function);
		f->file = DUP(a, f->file);
		f->message = DUP(a, f->message);
		f->policy_ref = DUP(a, f->policy_ref);
		f->suppression = DUP(a, f->suppression);
		f->justification = DUP(a, f->justification);
		for (j = 0; j < f->ntrace; j++) {
			t[j] = f->trace[j];
			t[j].file = DUP(a, t[j].file);
			t[j].note = DUP(a, t[j].note);
		}
		f->trace = t;
	}
	n0 = dst->nuses;
	dst->uses = grow(a, dst->uses, n0, src->uses, src->nuses, sizeof(pf_use));
	dst->nuses += src->nuses;
	for (i = n0; i < dst->nuses; i++) {
		pf_use *u = &dst->uses[i];

		u->category = DUP(a, u->category);
		u->kind = DUP(a, u->kind);
		u->sink = DUP(a, u->sink);
		u->target = DUP(a, u->target);
		u->purpose = DUP(a, u->purpose);
		u->transforms = DUP(a, u->transforms);
		u->function = DUP(a, u->function);
		u->file = DUP(a, u->file);
	}
	if (src->functions) {
		n0 = dst->functions ? dst->nfunctions : 0;
		dst->functions = grow(a, dst->functions, n0, src->functions, src->nfunctions,
		                      sizeof(pf_function_fact));
		dst->nfunctions = n0 + src->nfunctions;
		for (i = n0; i < dst->nfunctions; i++) {
			pf_function_fact *f = &dst->functions[i];

			f->name = DUP(a, f->name);
			f->file = DUP(a, f->file);
			f->purpose = DUP(a, f->purpose);
		}
	}
	n0 = dst->ntruncated;
	dst->truncated = grow(a, dst->truncated, n0, src->truncated, src->ntruncated,
	                      sizeof(char *));
	dst->ntruncated += src->ntruncated;
	for (i = n0; i < dst->ntruncated; i++)
		dst->truncated[i] = DUP(a, dst->truncated[i]);
	dst->nflows += src->nflows;
}

void pf_results_dedupe(pf_results *r)
{
	size_t i, k;

	pf_results_sort(r);
	for (i = k = 0; i < r->nfindings; i++)
		if (!k || cmp_finding_fact(&r->findings[k - 1], &r->findings[i]))
			r->findings[k++] = r->findings[i];
	r->nfindings = k;
	for (i = k = 0; i < r->nuses; i++)
		if (!k || cmp_use(&r->uses[k - 1], &r->uses[i]))
			r->uses[k++] = r->uses[i];
	r->nuses = k;
	for (i = k = 0; r->functions && i < r->nfunctions; i++)
		if (!k || cmp_function(&r->functions[k - 1], &r->functions[i]))
			r->functions[k++] = r->functions[i];
	if (r->functions)
		r->nfunctions = k;
	if (r->ntruncated > 1)
		qsort(r->truncated, r->ntruncated, sizeof(char *), cmp_name);
	for (i = k = 0; i < r->ntruncated; i++)
		if (!k || strcmp(r->truncated[k - 1], r->truncated[i]))
			r->truncated[k++] = r->truncated[i];
	r->ntruncated = k;
}
