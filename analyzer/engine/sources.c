/*
 * Sources and specs. Before the analysis, each declaration is classified
 * once: a PRIVFLOW_DATA annotation wins; otherwise, for the project's own
 * declarations, the catalogue's name rules (words of the name, its scope,
 * its type class, exclusions, transform words such as "hash"). And each
 * called function gets its spec once: what its annotations say it does,
 * else its catalogue entry; a function with neither is its body (or, with
 * no body, an unknown external function).
 */
#include <stdlib.h>
#include <string.h>

#include "eng_p.h"

static size_t split_words(const char *name, char words[][32], size_t max)
{
	size_t n = 0, len = 0;

	for (const char *p = name;; p++) {
		int boundary = !*p || *p == '_' || *p == '-' || *p == '.' ||
		               (len > 0 && p > name && *p >= 'A' && *p <= 'Z' &&
		                p[-1] >= 'a' && p[-1] <= 'z') ||
		               (len > 0 && *p >= '0' && *p <= '9' &&
		                !(p[-1] >= '0' && p[-1] <= '9'));
		if (boundary && len > 0) {
			words[n][len] = '\0';
			if (++n == max)
				return n;
			len = 0;
		}
		if (!*p)
			break;
		if (*p == '_' || *p == '-' || *p == '.')
			continue;
		if (len < 31)
			words[n][len++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	}
	return n;
}

static int words_contain(char words[][32], size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(words[i], w) == 0)
			return 1;
	return 0;
}

/* Whether name words w[0..n) joined are exactly s ("post", "code" and
   "postcode"). */
static int joined_is(char w[][32], size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(w[i]);
		if (strncmp(s, w[i], l) != 0)
			return 0;
		s += l;
	}
	return *s == '\0';
}

/* How many name words from words[i] the pattern matches, or 0: each
   pattern word is a name word, or two or three run together
   (homePostCode: "postcode"); or the whole pattern is one name word run
   together (firstname: "first_name"). A number is not run into a word:
   `ipv6` is split at its digit and is no IP address (curl's `BIT(ipv6)`
   flags became one, and the scan's events quadrupled). */
static size_t match_at(char words[][32], size_t n, size_t i, const char **pat, size_t plen)
{
	size_t j = i, k = 0;

	for (; k < plen; k++) {
		size_t m = 0;
		for (size_t t = 1; t <= 3 && j + t <= n && !m; t++) {
			if (t > 1 && !(words[j + t - 1][0] >= 'a' && words[j + t - 1][0] <= 'z'))
				break;
			if (joined_is(&words[j], t, pat[k]))
				m = t;
		}
		if (!m)
			break;
		j += m;
	}
	if (k == plen)
		return j - i;
	if (plen > 1) {
		char joined[96] = "";
		for (k = 0; k < plen && strlen(joined) + strlen(pat[k]) < sizeof(joined); k++)
			strcat(joined, pat[k]);
		if (k == plen && strcmp(words[i], joined) == 0)
			return 1;
	}
	return 0;
}

/* Position where the pattern's words occur consecutively, or -1; *span:
   how many of the name's words they take. */
static int words_match(char words[][32], size_t n, const char **pat, size_t *span)
{
	size_t plen = 0;

	while (pat[plen])
		plen++;
	for (size_t i = 0; plen && i < n; i++)
		if ((*span = match_at(words, n, i, pat, plen)))
			return (int)i;
	return -1;
}

static unsigned decl_kind_bit(const pf_decl *d)
{
	switch (d->kind) {
	case PF_DECL_FIELD: return PF_NK_FIELD;
	case PF_DECL_GLOBAL: return PF_NK_GLOBAL;
	case PF_DECL_LOCAL: return PF_NK_LOCAL;
	case PF_DECL_PARAM: return PF_NK_PARAM;
	case PF_DECL_FUNC: return PF_NK_FUNC;
	default: return 0;
	}
}

/* A name rule a name matches, with the transforms its other words
   say (the rule's scopes not yet checked). */
typedef struct name_hit {
	uint32_t rule;
	uint8_t tr;
} name_hit;
typedef PF_VEC(name_hit) name_hits;

/* Appends to hits the rules a name of this kind and type class matches,
   in the catalogue's order. */
static void match_name(const eng *e, const pf_decl *d, name_hits *hits)
{
	const pf_name_rule *rules;
	const char *const *excl;
	const pf_word_transform *tw;
	size_t nrules = pf_catalog_name_rules(e->cat, &rules);
	size_t nexcl = pf_catalog_exclude_words(e->cat, &excl);
	size_t ntw = pf_catalog_transform_words(e->cat, &tw);
	char words[16][32];
	size_t nw;

	nw = split_words(eng_pstr(e, d->name), words, 16);
	for (size_t r = 0; nw && r < nrules; r++) {
		const pf_name_rule *rule = &rules[r];
		int at = -1;
		size_t plen = 0;

		if (!(rule->kinds & decl_kind_bit(d)))
			continue;
		if (rule->types && !(rule->types & (1u << d->tclass)))
			continue;
		for (size_t p = 0; p < rule->npatterns && at < 0; p++)
			at = words_match(words, nw, rule->patterns[p], &plen);
		if (at < 0)
			continue;
		int excluded = 0;
		unsigned tr = 0;
		for (size_t w = 0; w < nw && !excluded; w++) {
			if ((int)w >= at && w < (size_t)at + plen)
				continue;
			for (size_t x = 0; x < nexcl && !excluded; x++)
				excluded = strcmp(words[w], excl[x]) == 0;
			for (size_t x = 0; x < rule->nexclude && !excluded; x++)
				excluded = strcmp(words[w], rule->exclude[x]) == 0;
			for (size_t x = 0; x < ntw; x++)
				if (strcmp(words[w], tw[x].word) == 0)
					tr |= 1u << tw[x].transform;
		}
		if (!excluded)
			pf_vec_push(hits, ((name_hit){(uint32_t)r, (uint8_t)tr}));
	}
}

/*
 * Classifies one declaration against the catalogue's name rules: the
 * first rule its name matches whose scopes (if it names some) are among
 * the words of the declaration's scope. What a name matches is worked
 * out once per name, kind and type class (a program has a few thousand
 * names and many times more declarations: every function's `len`).
 */
typedef struct name_seen {
	pf_sym name;
	uint8_t kind, tclass;
	uint32_t at, n;           /* its hits in name_memo.hits */
} name_seen;

typedef struct name_memo {
	pf_map *ix;               /* (name, kind, type class) -> index in v */
	PF_VEC(name_seen) v;
	name_hits hits;
} name_memo;

static void classify_by_name(eng *e, name_memo *nm, pf_declid id)
{
	const pf_decl *d = eng_decl(e, id);
	const pf_name_rule *rules;
	name_hits mine = {0};
	const name_hit *hits;
	size_t nhits;

	pf_catalog_name_rules(e->cat, &rules);
	if (nm) {
		uint64_t h = eng_mix(eng_mix(eng_mix(0x4a3e, d->name), d->kind), d->tclass);
		uint32_t k;
		while (pf_map_get(nm->ix, h, &k) &&
		       !(nm->v.v[k].name == d->name && nm->v.v[k].kind == d->kind &&
		         nm->v.v[k].tclass == d->tclass))
			h = eng_mix(h, 1);
		if (!pf_map_get(nm->ix, h, &k)) {
			name_seen m = {d->name, d->kind, d->tclass, (uint32_t)nm->hits.n, 0};
			match_name(e, d, &nm->hits);
			m.n = (uint32_t)(nm->hits.n - m.at);
			k = (uint32_t)nm->v.n;
			pf_vec_push(&nm->v, m);
			pf_map_put(nm->ix, h, k);
		}
		hits = nm->hits.v + nm->v.v[k].at;
		nhits = nm->v.v[k].n;
	} else {
		match_name(e, d, &mine);
		hits = mine.v;
		nhits = mine.n;
	}
	char scope[16][32];
	size_t ns = nhits ? split_words(eng_pstr(e, d->scope), scope, 16) : 0;
	for (size_t i = 0; i < nhits; i++) {
		const pf_name_rule *rule = &rules[hits[i].rule];
		int ok = !rule->nscopes;
		for (size_t s = 0; s < rule->nscopes && !ok; s++)
			ok = words_contain(scope, ns, rule->scopes[s]);
		if (ok) {
			e->src_cat[id] = eng_str(e, rule->category);
			e->src_tr[id] = hits[i].tr;
			break;
		}
	}
	pf_vec_free(&mine);
}

const char *eng_annot(const eng *e, const pf_decl *d, const char *key)
{
	size_t klen = strlen(key);

	for (uint32_t i = 0; i < d->nannots; i++) {
		const char *a = eng_pstr(e, d->annots[i]);
		if (strncmp(a, "privflow:", 9) == 0 && strncmp(a + 9, key, klen) == 0 &&
		    (a[9 + klen] == ':' || a[9 + klen] == '\0'))
			return a[9 + klen] == ':' ? a + 10 + klen : "";
	}
	return NULL;
}

/* Whether declaration s holds personal data, and is not `self`. */
static int is_source(const eng *e, pf_declid s, pf_declid self)
{
	return s && s != self && !eng_path_is_index(s) && e->src_cat[s];
}

/* The first declaration holding personal data among rv's paths, other
   than `self`, or what such a declaration gave a local of no category
   (`const char *user = acc->username`), or 0. */
static pf_declid source_in(const eng *e, const pf_func *f, const pf_rval *rv, pf_declid self,
                           const pf_declid *from)
{
	for (uint32_t i = 0; i < rv->npaths; i++) {
		pf_declid s = eng_path_decl(f, &rv->paths[i]);
		if (is_source(e, s, self))
			return s;
		if (s && s != self && !eng_path_is_index(s) && from[s] && from[s] != self)
			return from[s];
	}
	return 0;
}

/* A local a path is (not a part of one), if it has no origin yet. */
static pf_declid open_local(const pf_func *f, const pf_path *p, const pf_declid *from)
{
	pf_declid l = p->base == PF_BASE_LOCAL && p->depth == 0 ? eng_base_decl(f, p) : 0;
	return l && !from[l] ? l : 0;
}

/*
 * from[d]: for a parameter or local, the source declaration whose value it
 * receives — what a call passes to the parameter (a validator's
 * argument), what is assigned or copied to the local, syntactically, also
 * through a local of no category — or 0: a source of its own, or none.
 */
static void find_receivers(eng *e, pf_declid *from)
{
	const pf_program *p = e->prog;

	/* twice: a caller may come after its callee in the program */
	for (size_t fi = 0; fi < 2 * p->funcs.n; fi++) {
		const pf_func *f = &p->funcs.v[fi % p->funcs.n];
		for (uint32_t i = 0; i < f->ninsns; i++) {
			const pf_insn *in = &f->insns[i];
			pf_declid l, s;
			if (in->op == PF_OP_ASSIGN) {
				if ((l = open_local(f, &in->dst, from)) && (s = source_in(e, f, &in->src, l, from)))
					from[l] = s;
				continue;
			}
			if (in->op != PF_OP_CALL)
				continue;
			const pf_func *cf = in->callee ? pf_program_func_of(p, in->callee) : NULL;
			for (uint32_t k = 0; cf && k < in->nargs && k < cf->nparams; k++) {
				pf_declid prm = cf->params[k];
				if (prm && !from[prm] && (s = source_in(e, f, &in->args[k], prm, from)))
					from[prm] = s;
			}
			/* a local the call fills from a source: its result
			   (strdup), an argument (strcpy(copy, u->email)) */
			for (uint32_t k = 0; k <= in->nargs; k++) {
				const pf_path *dst = k < in->nargs ? (in->args[k].npaths == 1 ? in->args[k].paths : NULL)
				                                   : &in->dst;
				if (!dst || !(l = open_local(f, dst, from)))
					continue;
				for (uint32_t j = 0; j < in->nargs && !from[l]; j++)
					if (j != k && (s = source_in(e, f, &in->args[j], l, from)))
						from[l] = s;
			}
		}
	}
}

void eng_classify_sources(eng *e)
{
	size_t n = e->prog->decls.n;

	name_memo nm = {pf_map_new(), {0}, {0}};

	e->src_cat = pf_calloc(n, sizeof(*e->src_cat));
	e->src_tr = pf_calloc(n, 1);
	for (pf_declid id = 1; id < n; id++) {
		const pf_decl *d = eng_decl(e, id);
		const char *cat = eng_annot(e, d, "data");

		if (cat && *cat) {
			e->src_cat[id] = eng_str(e, cat);
			continue;
		}
		if (d->kind == PF_DECL_FIELD && (d->flags & PF_DF_SYSTEM)) {
			/* a library's record: passwd.pw_name, spwd.sp_pwdp */
			const pf_field_spec *fs = pf_catalog_field(e->cat, eng_pstr(e, d->scope),
			                                           eng_pstr(e, d->name));
			if (fs) {
				e->src_cat[id] = eng_str(e, fs->category);
				e->src_tr[id] = fs->transform >= 0 ? (uint8_t)(1u << fs->transform) : 0;
			}
			continue;
		}
		if ((d->flags & PF_DF_SYSTEM) || d->kind == PF_DECL_ENUMCONST)
			continue;
		if (d->kind == PF_DECL_FUNC)
			continue; /* functions are sources by annotation or catalogue */
		classify_by_name(e, &nm, id);
	}
	pf_map_free(nm.ix);
	pf_vec_free(&nm.v);
	pf_vec_free(&nm.hits);
	/* the categories that are text only: every name rule for them wants
	   a string (a name, an e-mail address), and no number is annotated
	   as one; an IP address or an amount may be a number */
	const pf_name_rule *rules;
	size_t nrules = pf_catalog_name_rules(e->cat, &rules);
	const unsigned numbers = 1u << PF_TY_INT | 1u << PF_TY_FLOAT;
	pf_map *numeric = pf_map_new();
	e->text_only = pf_map_new();
	for (pf_declid id = 1; id < n; id++) {
		const pf_decl *d = eng_decl(e, id);
		if (e->src_cat[id] && (d->tclass == PF_TY_INT || d->tclass == PF_TY_FLOAT) &&
		    eng_annot(e, d, "data"))
			pf_map_put(numeric, e->src_cat[id], 1);
	}
	for (size_t r = 0; r < nrules; r++)
		if (!rules[r].types || (rules[r].types & numbers))
			pf_map_put(numeric, eng_str(e, rules[r].category), 1);
	for (size_t r = 0; r < nrules; r++) {
		uint32_t cat = eng_str(e, rules[r].category), one;
		if (!pf_map_get(numeric, cat, &one))
			pf_map_put(e->text_only, cat, 1);
	}
	pf_map_free(numeric);
	/* a local or parameter that receives a hash is a hash, whatever its
	   name says (char *passwd = sp->sp_pwdp) */
	e->src_from = pf_calloc(n ? n : 1, sizeof(pf_declid));
	find_receivers(e, e->src_from);
	for (pf_declid id = 1; id < n; id++) {
		pf_declid r = id;
		for (int steps = 0; e->src_from[r] && steps < 16; steps++)
			r = e->src_from[r];
		if (r != id)
			e->src_tr[id] |= e->src_tr[r];
	}
	/* record -> its source fields, for reads of a whole struct */
	e->record_fields = pf_map_new();
	for (pf_declid id = 1; id < n; id++) {
		const pf_decl *d = eng_decl(e, id);
		uint32_t idx;

		if (d->kind != PF_DECL_FIELD || !d->scope)
			continue;
		if (!e->src_cat[id] && d->tclass != PF_TY_RECORD)
			continue;
		if (!pf_map_get(e->record_fields, d->scope, &idx)) {
			PF_VEC(pf_declid) *v = pf_calloc(1, sizeof(*v));
			pf_vec_push(&e->rfields, (void *)v);
			idx = (uint32_t)e->rfields.n - 1;
			pf_map_put(e->record_fields, d->scope, idx);
		}
		PF_VEC(pf_declid) *v = (void *)e->rfields.v[idx];
		pf_vec_push(v, id);
	}
}

typedef PF_VEC(pf_effect) effect_vec;

#define TO_AUTO (-3)

/*
 * A transform's effects: the arguments, with transform `tr` added, go to
 * `to` (an argument, PF_ARG_RET), or with TO_AUTO where the function
 * leaves its result: its return value if it returns a pointer or a
 * record; else (it returns a length, a status, nothing) its output
 * buffers, the parameters that point to non-const text or bytes, which
 * covers a buffer encrypted in place and a digest written into `out`.
 */
static void transform_effects(const pf_decl *d, int tr, int to, effect_vec *effs)
{
	pf_effect ef = {.kind = PF_EFF_SANITIZE, .from_rest = 0, .transform = tr, .when_arg = -1,
	                .handle = -1, .store_arg = -1, .overwrite = 1};
	int by_ret = d->tclass == PF_TY_STRING || d->tclass == PF_TY_BYTES ||
	             d->tclass == PF_TY_POINTER || d->tclass == PF_TY_RECPTR ||
	             d->tclass == PF_TY_RECORD;
	uint64_t outs = (uint64_t)d->value;

	if (to != TO_AUTO || by_ret || !outs) {
		ef.to = to == TO_AUTO ? PF_ARG_RET : to;
		pf_vec_push(effs, ef);
		return;
	}
	for (int k = 0; k < 64; k++)
		if (outs >> k & 1) {
			ef.to = k;
			pf_vec_push(effs, ef);
		}
}

/* The transform a PRIVFLOW_SANITIZER annotation names ("hashed", and
   where the result goes: "encrypted:1", "hashed:ret"), or -1. */
static int sanitizer_annot(const char *v, int *to)
{
	const char *colon = strchr(v, ':');
	char id[32];
	size_t n = colon ? (size_t)(colon - v) : strlen(v);

	if (n >= sizeof(id))
		return -1;
	memcpy(id, v, n);
	id[n] = '\0';
	*to = TO_AUTO;
	if (colon && strcmp(colon + 1, "ret") == 0) {
		*to = PF_ARG_RET;
	} else if (colon) {
		char *end;
		long k = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end || k < 0 || k > 63)
			return -1;
		*to = (int)k;
	}
	return pf_transform_from_id(id);
}

/* The transform a function's name says it does (encrypt_card, sha256_hex,
   pw_hash, maskEmail), or -1: none, or a word of the exclusions says
   it is something else (hash_insert, sigmask_add, verify_hash). */
static int transform_by_name(const eng *e, const pf_decl *d)
{
	const pf_word_transform *tw;
	const char *const *excl;
	size_t nexcl, ntw = pf_catalog_transform_functions(e->cat, &tw, &excl, &nexcl);
	char words[16][32], two[64];
	size_t nw = split_words(eng_pstr(e, d->name), words, 16);
	int tr = -1;

	for (size_t i = 0; i < nw; i++) {
		for (size_t x = 0; x < nexcl; x++)
			if (strcmp(words[i], excl[x]) == 0)
				return -1;
		/* a word, or two run together: sha + 256, en + crypt */
		size_t l = strlen(words[i]);
		memcpy(two, words[i], l);
		strcpy(two + l, i + 1 < nw ? words[i + 1] : "");
		for (size_t x = 0; x < ntw && tr < 0; x++)
			if (strcmp(words[i], tw[x].word) == 0 || strcmp(two, tw[x].word) == 0)
				tr = tw[x].transform;
	}
	return tr;
}

/* The spec of a called function: annotations first, then the catalogue. */
static const spec *make_spec(eng *e, pf_declid fn)
{
	const pf_decl *d;
	const pf_func_spec *cs;
	effect_vec effs = {0};
	const char *v, *purpose;
	int tr, to;
	spec *s;

	d = eng_decl(e, fn);
	purpose = eng_annot(e, d, "purpose");
	if ((v = eng_annot(e, d, "data")) && *v) {
		pf_effect ef = {.kind = PF_EFF_SOURCE, .to = PF_ARG_RET, .category = v,
		                .from_rest = -1, .when_arg = -1, .handle = -1, .store_arg = -1};
		pf_vec_push(&effs, ef);
	}
	if ((v = eng_annot(e, d, "sanitizer"))) {
		tr = sanitizer_annot(v, &to);
		transform_effects(d, tr < 0 ? PF_TR_REDACTED : tr, tr < 0 ? TO_AUTO : to, &effs);
	}
	const char *sinkv = eng_annot(e, d, "sink");
	const char *recip = eng_annot(e, d, "recipient");
	const char *store = eng_annot(e, d, "store");
	const char *erases = eng_annot(e, d, "erases");
	if ((d->flags & PF_DF_DEFINED) && pf_program_func_of(e->prog, fn)) {
		/* a function with a body: its body is analysed; the store it
		   names is recorded on it (build_callgraph) */
		store = erases = NULL;
	}
	if (store && !sinkv)
		sinkv = "storage";
	if (sinkv || recip) {
		int k = sinkv ? pf_sink_from_id(sinkv) : PF_SINK_NETWORK_TLS;
		pf_effect ef = {.kind = PF_EFF_SINK, .from_rest = 0, .to = PF_ARG_NONE,
		                .handle = -1, .store_arg = -1,
		                .sink = k < 0 ? PF_SINK_STORAGE : k, .recipient = recip,
		                .purpose = purpose, .when_arg = -1};
		pf_vec_push(&effs, ef);
	}
	if (effs.n == 0 && !(d->flags & PF_DF_SYSTEM) &&
	    !pf_catalog_func(e->cat, eng_pstr(e, d->name)) && (tr = transform_by_name(e, d)) >= 0) {
		/* a transform the code base writes itself: the call is the
		   transform, its body's arithmetic is not followed (a hash
		   would pass its input on, in the clear) */
		transform_effects(d, tr, TO_AUTO, &effs);
	}
	if (effs.n == 0 && !(d->flags & PF_DF_SYSTEM) && !(d->flags & PF_DF_DEFINED) &&
	    !pf_catalog_func(e->cat, eng_pstr(e, d->name))) {
		/* a getter the code base declares but whose body is not in it (a
		   library's API, an opaque handle's accessor): its name says
		   what it returns, as a field's does (get_account_email()) */
		classify_by_name(e, NULL, fn);
		if (e->src_cat[fn] && !e->src_tr[fn]) {
			pf_effect ef = {.kind = PF_EFF_SOURCE, .to = PF_ARG_RET,
			                .category = eng_cstr(e, e->src_cat[fn]), .from_rest = -1,
			                .when_arg = -1, .handle = -1, .store_arg = -1};
			pf_vec_push(&effs, ef);
		}
		e->src_cat[fn] = 0; /* a function is not a declaration that holds data */
		e->src_tr[fn] = 0;
	}
	if (effs.n == 0 && (cs = pf_catalog_func(e->cat, eng_pstr(e, d->name)))) {
		s = pf_arena_alloc(e->arena, sizeof(*s));
		s->n = cs->neffects;
		s->effects = cs->effects;
		s->purpose = purpose;
		s->erases = erases;
		return s;
	}
	if (effs.n == 0 && !erases)
		return NULL;
	s = pf_arena_alloc(e->arena, sizeof(*s));
	pf_effect *copy = pf_arena_alloc(e->arena, effs.n * sizeof(pf_effect));
	if (effs.n)
		memcpy(copy, effs.v, effs.n * sizeof(pf_effect));
	s->n = effs.n;
	s->effects = copy;
	s->purpose = purpose;
	s->store = store;
	s->erases = erases;
	pf_vec_free(&effs);
	return s;
}

/*
 * Each declaration that holds personal data goes into the inventory; one
 * that is a source of its own is also an undeclared-category finding if
 * the policy lacks its category, with the parameters and locals that
 * only receive its value in its trace, not findings of their own.
 */
void eng_report_sources(eng *e)
{
	const pf_program *p = e->prog;
	size_t n = p->decls.n;
	pf_declid *from = e->src_from;
	const pf_tnode **trace = pf_calloc(n ? n : 1, sizeof(*trace));

	for (pf_declid id = 1; id < n; id++) {
		const pf_decl *d = eng_decl(e, id);
		pf_declid root = id;
		int steps = 0;
		if (!from[id] || !e->src_cat[id])
			continue;
		while (from[root] && steps++ < 16)
			root = from[root];
		const pf_decl *rd = eng_decl(e, root);
		if (from[root] || (rd->flags & PF_DF_SYSTEM) ||
		    (rd->kind == PF_DECL_FUNC && !eng_annot(e, rd, "data"))) {
			/* a cycle of copies, or a source no finding is about (a
			   library's pw_name): a source of its own */
			from[id] = 0;
			continue;
		}
		if (!trace[root])
			trace[root] = eng_step(e, NULL, eng_decl(e, root)->loc, "declared here");
		trace[root] = eng_step(e, trace[root], d->loc,
		                       eng_note(e, "its value is received by %s '%s' of %s()",
		                                d->kind == PF_DECL_PARAM ? "parameter" : "local",
		                                eng_pstr(e, d->name), eng_pstr(e, d->scope)));
	}
	for (pf_declid id = 1; id < n; id++) {
		const pf_decl *d = eng_decl(e, id);
		const char *fn = NULL;

		/* a function is a source by its annotation (its return value) */
		if (!e->src_cat[id] || (d->flags & PF_DF_SYSTEM))
			continue;
		if (d->kind == PF_DECL_FUNC && !eng_annot(e, d, "data"))
			continue;
		if (d->kind == PF_DECL_PARAM || d->kind == PF_DECL_LOCAL)
			fn = eng_pstr(e, d->scope);
		pf_checker_source(e->chk, id, eng_cstr(e, e->src_cat[id]), fn, trace[id], !from[id]);
	}
	pf_free(trace);
}

/* Specs of every function declaration, before the threads start. */
void eng_prepare_specs(eng *e)
{
	size_t n = e->prog->decls.n;

	e->specs = pf_calloc(n ? n : 1, sizeof(*e->specs));
	for (pf_declid id = 1; id < n; id++)
		if (eng_decl(e, id)->kind == PF_DECL_FUNC)
			e->specs[id] = make_spec(e, id);
}

const spec *eng_spec(const eng *e, pf_declid fn)
{
	return e->specs[fn];
}
