/*
 * The catalogue (see catalog.h, docs/catalog.md): loads JSON catalogue
 * files, validates them strictly (every message names file, line and key)
 * and merges them into one set of name rules, word lists and function
 * specs. A later file overrides an earlier one entry by entry (same
 * function name, word, global or resource), so a project catalogue can
 * refine the bundled one; name rules and exclusion words accumulate.
 */
#include "catalog.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ir.h"
#include "jsonpos.h"
#include "kinds.h"
#include "util.h"

typedef struct scope_set {
	const char *name;
	size_t n;
	const char **words;
} scope_set;

typedef PF_VEC(const char *) word_vec;
typedef PF_VEC(pf_word_transform) tword_vec;

struct pf_catalog {
	pf_arena *arena;
	PF_VEC(pf_name_rule) rules;
	word_vec exclude;
	tword_vec twords;
	tword_vec fwords;   /* in a function's name: it transforms */
	word_vec fexclude;  /* ... unless the name has one of these */
	PF_VEC(pf_global_spec) globals;
	PF_VEC(pf_field_spec) fields;
	PF_VEC(pf_resource_sink) rsinks;
	PF_VEC(scope_set) scopes;
	PF_VEC(pf_func_spec) funcs;   /* exact and glob names; replaced in place */
	pf_map *exact;                /* hash(name) -> index into funcs */
	PF_VEC(size_t) collided;      /* exact names whose hash another had */
	PF_VEC(size_t) globs;         /* indices of glob names, load order */
	PF_VEC(char) digests;         /* one sha256 hex per loaded file */
	char digest[65];
};

/* Effect kinds, type classes and declaration kinds as the JSON spells
   them (index = enum value). */
static const char *const effect_kinds[PF_EFF_COUNT] = {
	[PF_EFF_SOURCE] = "source",   [PF_EFF_SINK] = "sink",
	[PF_EFF_SANITIZE] = "sanitize", [PF_EFF_PROPAGATE] = "propagate",
	[PF_EFF_HANDLE] = "handle",   [PF_EFF_URL] = "url",
	[PF_EFF_ERASE] = "erase",     [PF_EFF_RECEIVE] = "receive",
	[PF_EFF_DECRYPT] = "decrypt",
};

static const char *const type_names[] = {
	[PF_TY_OTHER] = "other",   [PF_TY_STRING] = "string",
	[PF_TY_INT] = "int",       [PF_TY_FLOAT] = "float",
	[PF_TY_RECORD] = "record", [PF_TY_RECPTR] = "record_pointer",
	[PF_TY_BYTES] = "bytes",   [PF_TY_FUNCPTR] = "function_pointer",
	[PF_TY_POINTER] = "pointer",
};
#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

static const struct {
	const char *name;
	unsigned bit;
} decl_kinds[] = {
	{"field", PF_NK_FIELD}, {"global", PF_NK_GLOBAL}, {"local", PF_NK_LOCAL},
	{"param", PF_NK_PARAM}, {"function", PF_NK_FUNC},
};
#define NK_ALL (PF_NK_FIELD | PF_NK_GLOBAL | PF_NK_LOCAL | PF_NK_PARAM | PF_NK_FUNC)
#define MAX_ARG 63

/* --- construction -------------------------------------------------------- */

pf_catalog *pf_catalog_new(void)
{
	pf_catalog *cat = pf_calloc(1, sizeof(*cat));
	cat->arena = pf_arena_new();
	cat->exact = pf_map_new();
	pf_sha256_hex("", 0, cat->digest);
	return cat;
}

void pf_catalog_free(pf_catalog *cat)
{
	if (!cat)
		return;
	pf_vec_free(&cat->rules);
	pf_vec_free(&cat->exclude);
	pf_vec_free(&cat->twords);
	pf_vec_free(&cat->fwords);
	pf_vec_free(&cat->fexclude);
	pf_vec_free(&cat->fields);
	pf_vec_free(&cat->globals);
	pf_vec_free(&cat->rsinks);
	pf_vec_free(&cat->scopes);
	pf_vec_free(&cat->funcs);
	pf_vec_free(&cat->globs);
	pf_vec_free(&cat->collided);
	pf_vec_free(&cat->digests);
	pf_map_free(cat->exact);
	pf_arena_free(cat->arena);
	pf_free(cat);
}

static const char *cstr(pf_catalog *cat, const char *s)
{
	return pf_arena_strdup(cat->arena, s);
}

static int is_glob(const char *name)
{
	return strpbrk(name, "*?") != NULL;
}

/* Index of the spec named exactly `name` (glob or not), or -1. */
static long find_func(const pf_catalog *cat, const char *name)
{
	if (is_glob(name)) {
		for (size_t i = 0; i < cat->globs.n; i++)
			if (strcmp(cat->funcs.v[cat->globs.v[i]].name, name) == 0)
				return (long)cat->globs.v[i];
		return -1;
	}
	uint32_t i;
	if (!pf_map_get(cat->exact, pf_hash64_str(name), &i))
		return -1;
	if (strcmp(cat->funcs.v[i].name, name) == 0)
		return (long)i;
	/* a hash collision: the names that lost it */
	for (size_t j = 0; j < cat->collided.n; j++)
		if (strcmp(cat->funcs.v[cat->collided.v[j]].name, name) == 0)
			return (long)cat->collided.v[j];
	return -1;
}

/* Adds or replaces a spec whose strings already live in the arena. */
static void put_func(pf_catalog *cat, const pf_func_spec *f)
{
	long i = find_func(cat, f->name);
	if (i >= 0) {
		cat->funcs.v[i] = *f;
		return;
	}
	pf_vec_push(&cat->funcs, *f);
	size_t idx = cat->funcs.n - 1;
	if (is_glob(f->name)) {
		pf_vec_push(&cat->globs, idx);
	} else {
		uint32_t old;
		/* the first name keeps a colliding hash; find_func looks the
		   others up in `collided` */
		if (!pf_map_get(cat->exact, pf_hash64_str(f->name), &old))
			pf_map_put(cat->exact, pf_hash64_str(f->name), (uint32_t)idx);
		else
			pf_vec_push(&cat->collided, idx);
	}
}

void pf_catalog_add_func(pf_catalog *cat, const pf_func_spec *f)
{
	pf_func_spec c = *f;
	c.name = cstr(cat, f->name);
	c.file = cstr(cat, f->file);
	c.effects = pf_arena_alloc(cat->arena, sizeof(pf_effect) * (f->neffects ? f->neffects : 1));
	for (size_t i = 0; i < f->neffects; i++) {
		pf_effect e = f->effects[i];
		e.category = cstr(cat, e.category);
		e.resource = cstr(cat, e.resource);
		e.recipient = cstr(cat, e.recipient);
		e.purpose = cstr(cat, e.purpose);
		e.when_str = cstr(cat, e.when_str);
		e.when_ident = cstr(cat, e.when_ident);
		c.effects[i] = e;
	}
	put_func(cat, &c);
}

static const char **copy_words(pf_catalog *cat, const char *const *w, size_t n)
{
	const char **v = pf_arena_alloc(cat->arena, sizeof(*v) * (n + 1));
	for (size_t i = 0; i < n; i++)
		v[i] = cstr(cat, w[i]);
	return v;
}

void pf_catalog_add_name_rule(pf_catalog *cat, const pf_name_rule *r)
{
	pf_name_rule c = *r;
	c.category = cstr(cat, r->category);
	c.file = cstr(cat, r->file);
	c.patterns = pf_arena_alloc(cat->arena, sizeof(*c.patterns) * (r->npatterns + 1));
	for (size_t i = 0; i < r->npatterns; i++) {
		size_t n = 0;
		while (r->patterns[i][n])
			n++;
		c.patterns[i] = copy_words(cat, r->patterns[i], n);
	}
	c.exclude = copy_words(cat, r->exclude, r->nexclude);
	c.scopes = copy_words(cat, r->scopes, r->nscopes);
	pf_vec_push(&cat->rules, c);
}

/* --- read access --------------------------------------------------------- */

size_t pf_catalog_name_rules(const pf_catalog *cat, const pf_name_rule **out)
{
	*out = cat->rules.v;
	return cat->rules.n;
}

size_t pf_catalog_exclude_words(const pf_catalog *cat, const char *const **out)
{
	*out = cat->exclude.v;
	return cat->exclude.n;
}

size_t pf_catalog_transform_words(const pf_catalog *cat, const pf_word_transform **out)
{
	*out = cat->twords.v;
	return cat->twords.n;
}

size_t pf_catalog_transform_functions(const pf_catalog *cat, const pf_word_transform **words,
                                      const char *const **exclude, size_t *nexclude)
{
	*words = cat->fwords.v;
	*exclude = cat->fexclude.v;
	*nexclude = cat->fexclude.n;
	return cat->fwords.n;
}

const pf_field_spec *pf_catalog_field(const pf_catalog *cat, const char *record, const char *field)
{
	for (size_t i = 0; i < cat->fields.n; i++)
		if (strcmp(cat->fields.v[i].record, record) == 0 && strcmp(cat->fields.v[i].field, field) == 0)
			return &cat->fields.v[i];
	return NULL;
}

size_t pf_catalog_globals(const pf_catalog *cat, const pf_global_spec **out)
{
	*out = cat->globals.v;
	return cat->globals.n;
}

size_t pf_catalog_resource_sinks(const pf_catalog *cat, const pf_resource_sink **out)
{
	*out = cat->rsinks.v;
	return cat->rsinks.n;
}

const pf_func_spec *pf_catalog_func(const pf_catalog *cat, const char *name)
{
	long i = is_glob(name) ? -1 : find_func(cat, name);
	if (i >= 0)
		return &cat->funcs.v[i];
	/* Globs: the most recently loaded first, so a project catalogue's
	   pattern wins over the bundled one. */
	for (size_t j = cat->globs.n; j-- > 0;)
		if (pf_glob_match(cat->funcs.v[cat->globs.v[j]].name, name))
			return &cat->funcs.v[cat->globs.v[j]];
	return NULL;
}

const char *pf_catalog_digest(const pf_catalog *cat)
{
	return cat->digest;
}

/* --- validation helpers -------------------------------------------------- */

/* One lower-case word: letters and digits. */
static int valid_word(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int string_of(const pf_jcur *c, const char **out)
{
	if (!json_is_string(c->value))
		return pf_jcur_error(c, "expected a string");
	*out = json_string_value(c->value);
	return 0;
}

static int word_of(const pf_jcur *c, const char **out)
{
	int rc = string_of(c, out);
	if (rc == 0 && !valid_word(*out))
		return pf_jcur_error(c, "\"%s\" is not one lower-case word (a-z, 0-9)", *out);
	return rc;
}

static int arg_of(const pf_jcur *c, int allow_ret, int *out)
{
	if (allow_ret && json_is_string(c->value) && strcmp(json_string_value(c->value), "ret") == 0) {
		*out = PF_ARG_RET;
		return 0;
	}
	if (!json_is_integer(c->value))
		return pf_jcur_error(c, allow_ret ? "expected an argument index or \"ret\""
		                                  : "expected an argument index");
	json_int_t i = json_integer_value(c->value);
	if (i < 0 || i > MAX_ARG)
		return pf_jcur_error(c, "argument index %lld out of range 0..%d", (long long)i,
		                     MAX_ARG);
	*out = (int)i;
	return 0;
}

static int known_resource(const pf_catalog *cat, const char *r)
{
	for (size_t i = 0; i < cat->rsinks.n; i++)
		if (strcmp(cat->rsinks.v[i].resource, r) == 0)
			return 1;
	return 0;
}

/* Per-file state: what this file declared, to reject duplicates. */
typedef struct loadctx {
	pf_catalog *cat;
	const char *file;            /* arena copy */
	PF_VEC(const char *) names;  /* function names seen in this file */
} loadctx;

/* --- sections ------------------------------------------------------------ */

static int load_resource_sinks(loadctx *lc, const pf_jcur *root)
{
	pf_jcur obj, m;
	const char *key;
	json_t *v;

	if (!pf_jcur_member(&obj, root, "resource_sinks"))
		return 0;
	if (!json_is_object(obj.value))
		return pf_jcur_error(&obj, "expected an object (resource -> sink kind or null)");
	json_object_foreach(obj.value, key, v) {
		pf_resource_sink rs;
		pf_jcur_member(&m, &obj, key);
		if (!valid_word(key))
			return pf_jcur_error(&m, "resource name must be one lower-case word");
		rs.resource = cstr(lc->cat, key);
		if (json_is_null(v)) {
			rs.sink = -1;
		} else if (json_is_string(v) && pf_sink_from_id(json_string_value(v)) >= 0) {
			rs.sink = pf_sink_from_id(json_string_value(v));
		} else {
			return pf_jcur_error(&m, "expected a sink kind (log, storage, network, "
			                         "network.tls) or null");
		}
		size_t i;
		for (i = 0; i < lc->cat->rsinks.n; i++)
			if (strcmp(lc->cat->rsinks.v[i].resource, key) == 0)
				break;
		if (i < lc->cat->rsinks.n)
			lc->cat->rsinks.v[i] = rs;
		else
			pf_vec_push(&lc->cat->rsinks, rs);
	}
	return 0;
}

/* A list of words (exclude_words, transform_function_exclude), merged. */
static int load_words(loadctx *lc, const pf_jcur *root, const char *key, word_vec *out)
{
	pf_jcur arr;
	int present, rc;

	if ((rc = pf_jcur_array(root, key, 0, &arr, &present)) < 0 || !present)
		return rc;
	for (size_t i = 0; i < json_array_size(arr.value); i++) {
		pf_jcur e = pf_jcur_element(&arr, i);
		const char *w = NULL;
		size_t j;
		if ((rc = word_of(&e, &w)) < 0)
			return rc;
		for (j = 0; j < out->n; j++)
			if (strcmp(out->v[j], w) == 0)
				break;
		if (j == out->n)
			pf_vec_push(out, cstr(lc->cat, w));
	}
	return 0;
}

/* word -> transform (transform_words, transform_function_words), merged. */
static int load_transform_words(loadctx *lc, const pf_jcur *root, const char *name,
                                tword_vec *out)
{
	pf_jcur obj, m;
	const char *key;
	json_t *v;

	if (!pf_jcur_member(&obj, root, name))
		return 0;
	if (!json_is_object(obj.value))
		return pf_jcur_error(&obj, "expected an object (word -> transform)");
	json_object_foreach(obj.value, key, v) {
		pf_word_transform wt;
		pf_jcur_member(&m, &obj, key);
		if (!valid_word(key))
			return pf_jcur_error(&m, "\"%s\" is not one lower-case word (a-z, 0-9)", key);
		if (!json_is_string(v) || pf_transform_from_id(json_string_value(v)) < 0)
			return pf_jcur_error(&m, "expected a transform (hashed, encrypted, "
			                         "anonymized, redacted, pseudonymized)");
		wt.word = cstr(lc->cat, key);
		wt.transform = pf_transform_from_id(json_string_value(v));
		size_t i;
		for (i = 0; i < out->n; i++)
			if (strcmp(out->v[i].word, key) == 0)
				break;
		if (i < out->n)
			out->v[i] = wt;
		else
			pf_vec_push(out, wt);
	}
	return 0;
}

static int load_scope_sets(loadctx *lc, const pf_jcur *root)
{
	pf_jcur obj, m;
	const char *key;
	json_t *v;
	int rc;

	if (!pf_jcur_member(&obj, root, "scope_sets"))
		return 0;
	if (!json_is_object(obj.value))
		return pf_jcur_error(&obj, "expected an object (set name -> list of words)");
	json_object_foreach(obj.value, key, v) {
		scope_set ss;
		pf_jcur_member(&m, &obj, key);
		if (!valid_word(key))
			return pf_jcur_error(&m, "set name must be one lower-case word");
		if (!json_is_array(v) || json_array_size(v) == 0)
			return pf_jcur_error(&m, "expected a non-empty array of words");
		ss.name = cstr(lc->cat, key);
		ss.n = json_array_size(v);
		ss.words = pf_arena_alloc(lc->cat->arena, sizeof(char *) * (ss.n + 1));
		for (size_t i = 0; i < ss.n; i++) {
			pf_jcur e = pf_jcur_element(&m, i);
			const char *w = NULL;
			if ((rc = word_of(&e, &w)) < 0)
				return rc;
			ss.words[i] = cstr(lc->cat, w);
		}
		size_t i;
		for (i = 0; i < lc->cat->scopes.n; i++)
			if (strcmp(lc->cat->scopes.v[i].name, key) == 0)
				break;
		if (i < lc->cat->scopes.n)
			lc->cat->scopes.v[i] = ss;
		else
			pf_vec_push(&lc->cat->scopes, ss);
	}
	return 0;
}

/* "first_name" -> {"first", "name", NULL}; patterns are snake_case. */
static int split_pattern(loadctx *lc, const pf_jcur *c, const char ***out)
{
	const char *s = NULL;
	int rc;
	size_t n = 1;

	if ((rc = string_of(c, &s)) < 0)
		return rc;
	for (const char *p = s; *p; p++) {
		if (*p == '_')
			n++;
		else if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
			return pf_jcur_error(c, "pattern \"%s\": use lower-case words joined by '_'", s);
	}
	const char **words = pf_arena_alloc(lc->cat->arena, sizeof(char *) * (n + 1));
	size_t k = 0;
	for (const char *p = s;;) {
		const char *e = strchr(p, '_');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0)
			return pf_jcur_error(c, "pattern \"%s\" has an empty word", s);
		words[k++] = pf_arena_strndup(lc->cat->arena, p, len);
		if (!e)
			break;
		p = e + 1;
	}
	*out = words;
	return 0;
}

static int load_name_rule(loadctx *lc, const pf_jcur *r)
{
	static const char *const keys[] = {"category", "patterns", "exclude", "scopes", "kinds",
	                                   "types", "note", NULL};
	pf_name_rule nr = {0};
	pf_jcur arr;
	const char *s;
	int present, rc;
	PF_VEC(const char *) scopes = {0};

	if ((rc = pf_jcur_object(r, keys)) < 0)
		return rc;
	if ((rc = pf_jcur_string(r, "category", 1, &nr.category)) < 0)
		return rc;
	if (!pf_valid_dotted_id(nr.category)) {
		pf_jcur m;
		pf_jcur_member(&m, r, "category");
		return pf_jcur_error(&m, "\"%s\" is not a dotted category id", nr.category);
	}
	nr.category = cstr(lc->cat, nr.category);
	if ((rc = pf_jcur_string(r, "note", 0, &s)) < 0)
		return rc;

	if ((rc = pf_jcur_array(r, "patterns", 1, &arr, &present)) < 0)
		return rc;
	nr.npatterns = json_array_size(arr.value);
	if (nr.npatterns == 0)
		return pf_jcur_error(&arr, "expected at least one pattern");
	nr.patterns = pf_arena_alloc(lc->cat->arena, sizeof(*nr.patterns) * nr.npatterns);
	for (size_t i = 0; i < nr.npatterns; i++) {
		pf_jcur e = pf_jcur_element(&arr, i);
		if ((rc = split_pattern(lc, &e, &nr.patterns[i])) < 0)
			return rc;
	}

	if ((rc = pf_jcur_array(r, "exclude", 0, &arr, &present)) < 0)
		return rc;
	nr.nexclude = present ? json_array_size(arr.value) : 0;
	nr.exclude = pf_arena_alloc(lc->cat->arena, sizeof(char *) * (nr.nexclude + 1));
	for (size_t i = 0; i < nr.nexclude; i++) {
		pf_jcur e = pf_jcur_element(&arr, i);
		if ((rc = word_of(&e, &s)) < 0)
			return rc;
		nr.exclude[i] = cstr(lc->cat, s);
	}

	if ((rc = pf_jcur_array(r, "scopes", 0, &arr, &present)) < 0)
		return rc;
	for (size_t i = 0; present && i < json_array_size(arr.value); i++) {
		pf_jcur e = pf_jcur_element(&arr, i);
		if ((rc = string_of(&e, &s)) < 0)
			goto done;
		if (s[0] == '@') {
			size_t j;
			for (j = 0; j < lc->cat->scopes.n; j++)
				if (strcmp(lc->cat->scopes.v[j].name, s + 1) == 0)
					break;
			if (j == lc->cat->scopes.n) {
				rc = pf_jcur_error(&e, "unknown scope set \"%s\" (declare it in scope_sets)",
				                   s + 1);
				goto done;
			}
			for (size_t k = 0; k < lc->cat->scopes.v[j].n; k++)
				pf_vec_push(&scopes, lc->cat->scopes.v[j].words[k]);
		} else {
			if (!valid_word(s)) {
				rc = pf_jcur_error(&e, "\"%s\" is neither a lower-case word nor @set", s);
				goto done;
			}
			pf_vec_push(&scopes, cstr(lc->cat, s));
		}
	}
	nr.nscopes = scopes.n;
	nr.scopes = pf_arena_alloc(lc->cat->arena, sizeof(char *) * (scopes.n + 1));
	for (size_t i = 0; i < scopes.n; i++)
		nr.scopes[i] = scopes.v[i];

	nr.kinds = NK_ALL;
	if ((rc = pf_jcur_array(r, "kinds", 0, &arr, &present)) < 0)
		goto done;
	if (present) {
		nr.kinds = 0;
		for (size_t i = 0; i < json_array_size(arr.value); i++) {
			pf_jcur e = pf_jcur_element(&arr, i);
			size_t k;
			if ((rc = string_of(&e, &s)) < 0)
				goto done;
			for (k = 0; k < sizeof(decl_kinds) / sizeof(decl_kinds[0]); k++)
				if (strcmp(decl_kinds[k].name, s) == 0)
					break;
			if (k == sizeof(decl_kinds) / sizeof(decl_kinds[0])) {
				rc = pf_jcur_error(&e, "unknown declaration kind \"%s\" (field, global, "
				                       "local, param, function)", s);
				goto done;
			}
			nr.kinds |= decl_kinds[k].bit;
		}
	}

	nr.types = ~0u;
	if ((rc = pf_jcur_array(r, "types", 0, &arr, &present)) < 0)
		goto done;
	if (present) {
		nr.types = 0;
		for (size_t i = 0; i < json_array_size(arr.value); i++) {
			pf_jcur e = pf_jcur_element(&arr, i);
			size_t k;
			if ((rc = string_of(&e, &s)) < 0)
				goto done;
			if (strcmp(s, "any") == 0) {
				nr.types = ~0u;
				continue;
			}
			for (k = 0; k < NTYPES; k++)
				if (strcmp(type_names[k], s) == 0)
					break;
			if (k == NTYPES) {
				rc = pf_jcur_error(&e, "unknown type class \"%s\" (string, int, float, "
				                       "record, record_pointer, bytes, function_pointer, "
				                       "pointer, other, any)", s);
				goto done;
			}
			nr.types |= 1u << k;
		}
	}
	nr.file = lc->file;
	nr.line = pf_jcur_line(r);
	pf_vec_push(&lc->cat->rules, nr);
	rc = 0;
done:
	pf_vec_free(&scopes);
	return rc;
}

/* An effect's "sink" and "handle": the channel a sink or a receive uses. */
static int load_channel(const pf_jcur *c, pf_effect *e)
{
	const char *s;
	pf_jcur m;
	int rc;

	if ((rc = pf_jcur_string(c, "sink", 1, &s)) < 0)
		return rc;
	pf_jcur_member(&m, c, "sink");
	if (strcmp(s, "by_handle") == 0)
		e->sink = PF_SINK_BY_HANDLE;
	else if (strcmp(s, "by_url") == 0)
		e->sink = PF_SINK_BY_URL;
	else if ((e->sink = pf_sink_from_id(s)) < 0)
		return pf_jcur_error(&m, "unknown sink \"%s\" (log, storage, network, "
		                         "network.tls, by_handle, by_url)", s);
	if (pf_jcur_member(&m, c, "handle")) {
		if (e->sink >= 0)
			return pf_jcur_error(&m, "\"handle\" only goes with sink by_handle or by_url");
		if ((rc = arg_of(&m, 0, &e->handle)) < 0)
			return rc;
	} else if (e->sink < 0) {
		return pf_jcur_error(c, "sink %s needs \"handle\" (the handle argument)", s);
	}
	return 0;
}

static int load_effect(loadctx *lc, const pf_jcur *c, pf_effect *e)
{
	/* Keys each effect kind accepts, besides "kind" and "when". */
	static const char *const kind_keys[PF_EFF_COUNT][8] = {
		[PF_EFF_SOURCE] = {"to", "category"},
		[PF_EFF_SINK] = {"from", "from_rest", "sink", "handle", "recipient", "purpose", "store"},
		[PF_EFF_SANITIZE] = {"from", "from_rest", "to", "transform", "overwrite"},
		[PF_EFF_PROPAGATE] = {"from", "from_rest", "to", "overwrite"},
		[PF_EFF_HANDLE] = {"to", "resource", "from"},
		[PF_EFF_URL] = {"from", "to"},
		[PF_EFF_ERASE] = {"from", "from_rest"},
		[PF_EFF_RECEIVE] = {"to", "sink", "handle"},
		[PF_EFF_DECRYPT] = {"from", "from_rest"},
	};
	const char *keys[12];
	const char *s;
	pf_jcur m, arr;
	int kind, present, rc;
	long long ll;

	memset(e, 0, sizeof(*e));
	e->from_rest = -1;
	e->to = PF_ARG_NONE;
	e->handle = -1;
	e->store_arg = -1;
	e->when_arg = -1;

	if (!json_is_object(c->value))
		return pf_jcur_error(c, "expected an object");
	if ((rc = pf_jcur_string(c, "kind", 1, &s)) < 0)
		return rc;
	for (kind = 0; kind < PF_EFF_COUNT; kind++)
		if (strcmp(effect_kinds[kind], s) == 0)
			break;
	pf_jcur_member(&m, c, "kind");
	if (kind == PF_EFF_COUNT)
		return pf_jcur_error(&m, "unknown effect kind \"%s\" (source, sink, sanitize, "
		                         "propagate, handle, url, erase, receive, decrypt)", s);
	e->kind = (uint8_t)kind;
	{
		size_t n = 0;
		keys[n++] = "kind";
		keys[n++] = "when";
		for (size_t i = 0; kind_keys[kind][i]; i++)
			keys[n++] = kind_keys[kind][i];
		keys[n] = NULL;
		if ((rc = pf_jcur_object(c, keys)) < 0)
			return rc;
	}

	/* from / from_rest */
	if ((rc = pf_jcur_array(c, "from", 0, &arr, &present)) < 0)
		return rc;
	for (size_t i = 0; present && i < json_array_size(arr.value); i++) {
		pf_jcur el = pf_jcur_element(&arr, i);
		int a = 0;
		if ((rc = arg_of(&el, 0, &a)) < 0)
			return rc;
		e->from |= (uint64_t)1 << a;
	}
	if (pf_jcur_member(&m, c, "from_rest")) {
		if ((rc = arg_of(&m, 0, &e->from_rest)) < 0)
			return rc;
	}
	if (pf_jcur_member(&m, c, "to")) {
		if ((rc = arg_of(&m, 1, &e->to)) < 0)
			return rc;
	}

	if ((kind == PF_EFF_PROPAGATE || kind == PF_EFF_SANITIZE) &&
	    (rc = pf_jcur_bool(c, "overwrite", 0, &e->overwrite)) < 0)
		return rc;

	switch (kind) {
	case PF_EFF_SOURCE:
		if ((rc = pf_jcur_string(c, "category", 1, &e->category)) < 0)
			return rc;
		if (!pf_valid_dotted_id(e->category)) {
			pf_jcur_member(&m, c, "category");
			return pf_jcur_error(&m, "\"%s\" is not a dotted category id", e->category);
		}
		break;
	case PF_EFF_RECEIVE:
	case PF_EFF_SINK:
		if ((rc = load_channel(c, e)) < 0)
			return rc;
		if (kind == PF_EFF_RECEIVE)
			break;
		if (pf_jcur_member(&m, c, "store") && (rc = arg_of(&m, 0, &e->store_arg)) < 0)
			return rc;
		if ((rc = pf_jcur_string(c, "recipient", 0, &e->recipient)) < 0 ||
		    (rc = pf_jcur_string(c, "purpose", 0, &e->purpose)) < 0)
			return rc;
		if (e->recipient && !pf_valid_dotted_id(e->recipient)) {
			pf_jcur_member(&m, c, "recipient");
			return pf_jcur_error(&m, "\"%s\" is not a recipient id", e->recipient);
		}
		if (e->purpose && !pf_valid_dotted_id(e->purpose)) {
			pf_jcur_member(&m, c, "purpose");
			return pf_jcur_error(&m, "\"%s\" is not a dotted purpose id", e->purpose);
		}
		break;
	case PF_EFF_SANITIZE:
		if ((rc = pf_jcur_string(c, "transform", 1, &s)) < 0)
			return rc;
		if ((e->transform = pf_transform_from_id(s)) < 0) {
			pf_jcur_member(&m, c, "transform");
			return pf_jcur_error(&m, "unknown transform \"%s\" (hashed, encrypted, "
			                         "anonymized, redacted, pseudonymized)", s);
		}
		break;
	case PF_EFF_HANDLE:
		if ((rc = pf_jcur_string(c, "resource", 1, &e->resource)) < 0)
			return rc;
		if (!known_resource(lc->cat, e->resource)) {
			pf_jcur_member(&m, c, "resource");
			return pf_jcur_error(&m, "unknown resource \"%s\" (declare it in "
			                         "resource_sinks)", e->resource);
		}
		break;
	default:
		break;
	}

	/* Which arguments each kind needs. */
	if ((kind == PF_EFF_SINK || kind == PF_EFF_SANITIZE || kind == PF_EFF_PROPAGATE ||
	     kind == PF_EFF_ERASE || kind == PF_EFF_DECRYPT) && !e->from && e->from_rest < 0)
		return pf_jcur_error(c, "a %s effect needs \"from\" or \"from_rest\"",
		                     effect_kinds[kind]);
	if (kind == PF_EFF_URL && (e->from == 0 || (e->from & (e->from - 1)) != 0))
		return pf_jcur_error(c, "a url effect needs \"from\": exactly one argument");
	if (kind != PF_EFF_SINK && kind != PF_EFF_ERASE && kind != PF_EFF_DECRYPT &&
	    e->to == PF_ARG_NONE)
		return pf_jcur_error(c, "a %s effect needs \"to\"", effect_kinds[kind]);
	if (kind == PF_EFF_URL && e->to < 0)
		return pf_jcur_error(c, "a url effect's \"to\" is the handle argument, not \"ret\"");
	if (kind == PF_EFF_RECEIVE && e->to < 0)
		return pf_jcur_error(c, "a receive effect's \"to\" is the buffer argument, not \"ret\"");

	/* when */
	if (pf_jcur_member(&m, c, "when")) {
		static const char *const wkeys[] = {"arg", "string", "ident", "int", NULL};
		pf_jcur wi;
		if ((rc = pf_jcur_object(&m, wkeys)) < 0)
			return rc;
		if ((rc = pf_jcur_int(&m, "arg", 1, &ll)) < 0)
			return rc;
		if (ll < 0 || ll > MAX_ARG) {
			pf_jcur a;
			pf_jcur_member(&a, &m, "arg");
			return pf_jcur_error(&a, "argument index %lld out of range 0..%d", ll, MAX_ARG);
		}
		e->when_arg = (int)ll;
		if ((rc = pf_jcur_string(&m, "string", 0, &e->when_str)) < 0 ||
		    (rc = pf_jcur_string(&m, "ident", 0, &e->when_ident)) < 0)
			return rc;
		if ((e->has_when_int = pf_jcur_member(&wi, &m, "int")) &&
		    (rc = pf_jcur_int(&m, "int", 1, &e->when_int)) < 0)
			return rc;
		if (!e->when_str && !e->when_ident && !e->has_when_int)
			return pf_jcur_error(&m, "needs one of \"string\", \"ident\" or \"int\"");
	}
	e->category = cstr(lc->cat, e->category);
	e->resource = cstr(lc->cat, e->resource);
	e->recipient = cstr(lc->cat, e->recipient);
	e->purpose = cstr(lc->cat, e->purpose);
	e->when_str = cstr(lc->cat, e->when_str);
	e->when_ident = cstr(lc->cat, e->when_ident);
	return 0;
}

static int valid_func_name(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '*' && *s != '?')
			return 0;
	return 1;
}

static int load_function(loadctx *lc, const pf_jcur *f)
{
	static const char *const keys[] = {"name", "names", "effects", "note", NULL};
	pf_jcur names, effects, m;
	const char *s;
	int has_name, has_names, present, rc;
	pf_effect *eff;
	size_t neff;

	if ((rc = pf_jcur_object(f, keys)) < 0)
		return rc;
	if ((rc = pf_jcur_string(f, "note", 0, &s)) < 0)
		return rc;
	has_name = pf_jcur_member(&m, f, "name");
	if ((rc = pf_jcur_array(f, "names", 0, &names, &has_names)) < 0)
		return rc;
	if (has_name == has_names)
		return pf_jcur_error(f, "needs exactly one of \"name\" and \"names\"");
	if ((rc = pf_jcur_array(f, "effects", 1, &effects, &present)) < 0)
		return rc;
	/* no effect: a known function that passes nothing on (the record
	   getpwnam() returns does not hold the name it was asked for) */
	neff = json_array_size(effects.value);
	eff = pf_arena_alloc(lc->cat->arena, sizeof(*eff) * neff);
	for (size_t i = 0; i < neff; i++) {
		pf_jcur e = pf_jcur_element(&effects, i);
		if ((rc = load_effect(lc, &e, &eff[i])) < 0)
			return rc;
	}

	size_t n = has_name ? 1 : json_array_size(names.value);
	if (n == 0)
		return pf_jcur_error(&names, "expected at least one name");
	for (size_t i = 0; i < n; i++) {
		pf_jcur nc = has_name ? m : pf_jcur_element(&names, i);
		pf_func_spec spec;
		if ((rc = string_of(&nc, &s)) < 0)
			return rc;
		if (!valid_func_name(s))
			return pf_jcur_error(&nc, "\"%s\" is not a function name or glob", s);
		for (size_t j = 0; j < lc->names.n; j++)
			if (strcmp(lc->names.v[j], s) == 0)
				return pf_jcur_error(&nc, "function \"%s\" is already described in this "
				                          "file", s);
		spec.name = cstr(lc->cat, s);
		pf_vec_push(&lc->names, spec.name);
		spec.neffects = neff;
		spec.effects = eff;
		spec.file = lc->file;
		spec.line = pf_jcur_line(&nc);
		put_func(lc->cat, &spec);
	}
	return 0;
}

static int load_globals(loadctx *lc, const pf_jcur *root)
{
	static const char *const keys[] = {"name", "fd", "resource", "note", NULL};
	pf_jcur arr;
	int present, rc;

	if ((rc = pf_jcur_array(root, "globals", 0, &arr, &present)) < 0 || !present)
		return rc;
	for (size_t i = 0; i < json_array_size(arr.value); i++) {
		pf_jcur g = pf_jcur_element(&arr, i), m;
		pf_global_spec gs = {0};
		long long fd = -1;
		const char *s;
		if ((rc = pf_jcur_object(&g, keys)) < 0)
			return rc;
		if ((rc = pf_jcur_string(&g, "name", 0, &gs.name)) < 0 ||
		    (rc = pf_jcur_int(&g, "fd", 0, &fd)) < 0 ||
		    (rc = pf_jcur_string(&g, "resource", 1, &gs.resource)) < 0 ||
		    (rc = pf_jcur_string(&g, "note", 0, &s)) < 0)
			return rc;
		if (!gs.name == !pf_jcur_member(&m, &g, "fd"))
			return pf_jcur_error(&g, "needs exactly one of \"name\" and \"fd\"");
		if (!gs.name && fd < 0) {
			pf_jcur_member(&m, &g, "fd");
			return pf_jcur_error(&m, "a descriptor is not negative");
		}
		if (!known_resource(lc->cat, gs.resource)) {
			pf_jcur_member(&m, &g, "resource");
			return pf_jcur_error(&m, "unknown resource \"%s\" (declare it in resource_sinks)",
			                     gs.resource);
		}
		gs.fd = gs.name ? -1 : fd;
		gs.name = cstr(lc->cat, gs.name);
		gs.resource = cstr(lc->cat, gs.resource);
		size_t j;
		for (j = 0; j < lc->cat->globals.n; j++) {
			const pf_global_spec *o = &lc->cat->globals.v[j];
			if (gs.name ? (o->name && strcmp(o->name, gs.name) == 0)
			            : (!o->name && o->fd == gs.fd))
				break;
		}
		if (j < lc->cat->globals.n)
			lc->cat->globals.v[j] = gs;
		else
			pf_vec_push(&lc->cat->globals, gs);
	}
	return 0;
}

/* A library's record fields that hold personal data: getpwnam()'s
   passwd.pw_name, a hash in spwd.sp_pwdp. */
static int load_fields(loadctx *lc, const pf_jcur *root)
{
	static const char *const keys[] = {"record", "field", "category", "transform", "note", NULL};
	pf_jcur arr, m;
	int present, rc;

	if ((rc = pf_jcur_array(root, "fields", 0, &arr, &present)) < 0 || !present)
		return rc;
	for (size_t i = 0; i < json_array_size(arr.value); i++) {
		pf_jcur f = pf_jcur_element(&arr, i);
		pf_field_spec fs = {0};
		const char *tr = NULL, *s;
		if ((rc = pf_jcur_object(&f, keys)) < 0 ||
		    (rc = pf_jcur_string(&f, "record", 1, &fs.record)) < 0 ||
		    (rc = pf_jcur_string(&f, "field", 1, &fs.field)) < 0 ||
		    (rc = pf_jcur_string(&f, "category", 1, &fs.category)) < 0 ||
		    (rc = pf_jcur_string(&f, "transform", 0, &tr)) < 0 ||
		    (rc = pf_jcur_string(&f, "note", 0, &s)) < 0)
			return rc;
		if (!pf_valid_dotted_id(fs.category)) {
			pf_jcur_member(&m, &f, "category");
			return pf_jcur_error(&m, "\"%s\" is not a dotted category id", fs.category);
		}
		fs.transform = tr ? pf_transform_from_id(tr) : -1;
		if (tr && fs.transform < 0) {
			pf_jcur_member(&m, &f, "transform");
			return pf_jcur_error(&m, "expected a transform (hashed, encrypted, "
			                         "anonymized, redacted, pseudonymized)");
		}
		fs.record = cstr(lc->cat, fs.record);
		fs.field = cstr(lc->cat, fs.field);
		fs.category = cstr(lc->cat, fs.category);
		size_t j;
		for (j = 0; j < lc->cat->fields.n; j++)
			if (strcmp(lc->cat->fields.v[j].record, fs.record) == 0 &&
			    strcmp(lc->cat->fields.v[j].field, fs.field) == 0)
				break;
		if (j < lc->cat->fields.n)
			lc->cat->fields.v[j] = fs;
		else
			pf_vec_push(&lc->cat->fields, fs);
	}
	return 0;
}

/* --- loading ------------------------------------------------------------- */

int pf_catalog_load(pf_catalog *cat, const char *path)
{
	static const char *const keys[] = {"$schema", "version", "description", "exclude_words",
	                                   "transform_words", "transform_function_words",
	                                   "transform_function_exclude", "scope_sets", "name_rules",
	                                   "functions", "globals", "fields", "resource_sinks", NULL};
	pf_json_doc *doc = NULL;
	char *text = NULL;
	const char *s;
	long long version = 0;
	pf_jcur root, arr;
	int present, rc;
	loadctx lc = {cat, NULL, {0}};

	if ((rc = pf_file_read(&text, NULL, path, PF_MAX_RULES_FILE, PF_READ_TEXT)) < 0)
		goto done;
	if ((rc = pf_json_load_text(&doc, path, text)) < 0)
		goto done;
	lc.file = cstr(cat, path);
	root = pf_jcur_root(doc);
	if ((rc = pf_jcur_object(&root, keys)) < 0)
		goto done;
	if ((rc = pf_jcur_int(&root, "version", 1, &version)) < 0)
		goto done;
	if (version != 1) {
		pf_jcur m;
		pf_jcur_member(&m, &root, "version");
		rc = pf_jcur_error(&m, "unsupported version %lld (this privflow reads 1)", version);
		goto done;
	}
	if ((rc = pf_jcur_string(&root, "$schema", 0, &s)) < 0 ||
	    (rc = pf_jcur_string(&root, "description", 0, &s)) < 0)
		goto done;
	/* Order matters: resources and scope sets before what refers to them. */
	if ((rc = load_resource_sinks(&lc, &root)) < 0 ||
	    (rc = load_words(&lc, &root, "exclude_words", &cat->exclude)) < 0 ||
	    (rc = load_transform_words(&lc, &root, "transform_words", &cat->twords)) < 0 ||
	    (rc = load_transform_words(&lc, &root, "transform_function_words",
	                               &cat->fwords)) < 0 ||
	    (rc = load_words(&lc, &root, "transform_function_exclude",
	                     &cat->fexclude)) < 0 ||
	    (rc = load_scope_sets(&lc, &root)) < 0 ||
	    (rc = load_globals(&lc, &root)) < 0 || (rc = load_fields(&lc, &root)) < 0)
		goto done;
	if ((rc = pf_jcur_array(&root, "name_rules", 0, &arr, &present)) < 0)
		goto done;
	for (size_t i = 0; present && i < json_array_size(arr.value); i++) {
		pf_jcur r = pf_jcur_element(&arr, i);
		if ((rc = load_name_rule(&lc, &r)) < 0)
			goto done;
	}
	if ((rc = pf_jcur_array(&root, "functions", 0, &arr, &present)) < 0)
		goto done;
	for (size_t i = 0; present && i < json_array_size(arr.value); i++) {
		pf_jcur f = pf_jcur_element(&arr, i);
		if ((rc = load_function(&lc, &f)) < 0)
			goto done;
	}

	/* Digest: sha256 over the sha256 of every file loaded so far. */
	{
		char h[65];
		pf_sha256_hex(text, strlen(text), h);
		pf_vec_grow(&cat->digests, cat->digests.n + 64);
		memcpy(cat->digests.v + cat->digests.n, h, 64);
		cat->digests.n += 64;
		pf_sha256_hex(cat->digests.v, cat->digests.n, cat->digest);
	}
	rc = 0;
done:
	/* On failure the catalogue may hold part of the file: callers stop. */
	pf_vec_free(&lc.names);
	pf_json_free(doc);
	pf_free(text);
	return rc;
}
