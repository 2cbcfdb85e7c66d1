/*
 * The catalogue: what privflow knows about names and library functions
 * without annotations. Loaded from JSON files (rules/catalog.json plus any
 * --catalog FILE), validated against rules/catalog.schema.json's rules,
 * with errors naming file, line and key. Annotations found in the code
 * (privflow.h) are turned into the same structures by the engine.
 */
#ifndef PF_CATALOG_H
#define PF_CATALOG_H

#include <stddef.h>
#include <stdint.h>

/* Which declarations a name rule applies to (bit set). */
enum {
	PF_NK_FIELD = 1 << 0,
	PF_NK_GLOBAL = 1 << 1,
	PF_NK_LOCAL = 1 << 2,
	PF_NK_PARAM = 1 << 3,
	PF_NK_FUNC = 1 << 4 /* the function's return value */
};

/*
 * A name rule: a declaration whose name, split into lower-case words
 * (snake_case and camelCase: "userEmail" -> user, email), contains one of
 * `patterns` as consecutive words, contains none of the exclusion words
 * (the rule's own and the catalogue's global list), is of a kind in
 * `kinds` and of a type class in `types` (bit set of 1u << PF_TY_x), holds
 * personal data of `category`. Words of the catalogue's transform-word
 * list ("hash" -> hashed) mark the value as already transformed.
 */
typedef struct pf_name_rule {
	const char *category;
	size_t npatterns;
	const char ***patterns; /* each NULL-terminated word list */
	size_t nexclude;
	const char **exclude;
	size_t nscopes;
	const char **scopes;    /* if any: the declaration's scope (record name
	                           for fields, function name for params and
	                           locals) must contain one of these words;
	                           for generic names: "name", "address" */
	unsigned kinds;
	unsigned types;
	const char *file;       /* where it was declared, for messages */
	int line;
} pf_name_rule;

typedef struct pf_word_transform {
	const char *word;
	int transform;          /* enum pf_transform */
} pf_word_transform;

/* What one catalogued function does. */
enum pf_effect_kind {
	PF_EFF_SOURCE,     /* `to` receives personal data of `category` */
	PF_EFF_SINK,       /* args `from` leave through sink `sink` */
	PF_EFF_SANITIZE,   /* `to` receives args `from` with `transform` added */
	PF_EFF_PROPAGATE,  /* `to` receives args `from` */
	PF_EFF_HANDLE,     /* `to` is a new handle of kind `resource` */
	PF_EFF_URL,        /* handle `to` gets the URL in arg `from` (libcurl) */
	PF_EFF_ERASE,      /* deletes the store named by args `from` (issue 3) */
	PF_EFF_RECEIVE,    /* buffer `to` is filled from channel `sink` (recv) */
	PF_EFF_DECRYPT,    /* args `from` are ciphertext it decrypts: what was
	                      received into them came encrypted */
	PF_EFF_COUNT
};

#define PF_ARG_RET (-1)       /* `to`: the return value */
#define PF_ARG_NONE (-2)

/* Sink kind decided at the call from the handle argument's value set. */
#define PF_SINK_BY_HANDLE (-1)
/* Sink kind decided from the URL the handle argument was given. */
#define PF_SINK_BY_URL (-2)

typedef struct pf_effect {
	uint8_t kind;          /* enum pf_effect_kind */
	uint64_t from;         /* bit i: argument i */
	int from_rest;         /* also every argument from this index on
	                          (variadic ones included); -1 if none */
	int to;                /* argument index or PF_ARG_RET */
	const char *category;  /* SOURCE */
	int transform;         /* SANITIZE: enum pf_transform */
	int overwrite;         /* PROPAGATE/SANITIZE: `to` is overwritten, not
	                          appended to (strcpy, snprintf; not strcat) */
	int sink;              /* SINK, RECEIVE: enum pf_sink_kind,
	                          PF_SINK_BY_HANDLE or PF_SINK_BY_URL */
	int handle;            /* ... by handle/URL: the handle argument */
	int store_arg;         /* SINK: the argument whose constant strings
	                          (SQL text, a path) name the store; -1 none */
	const char *resource;  /* HANDLE: "socket", "file", "log", "tls",
	                          "stdout", "http", "db" */
	const char *recipient; /* SINK: a policy recipient id, or NULL */
	const char *purpose;   /* SINK: a purpose id, or NULL */
	/* Condition: the effect applies only when argument `when_arg` is
	   the string `when_str` (glob), or names the enum constant / macro
	   `when_ident` (either may be NULL), or is an integer (below). */
	int when_arg;          /* -1: unconditional */
	const char *when_str;
	const char *when_ident;
	int has_when_int;      /* ... or is the integer constant when_int
	                          (MinGW's stderr: __acrt_iob_func(2)) */
	long long when_int;
} pf_effect;

typedef struct pf_func_spec {
	const char *name;      /* exact name, or a glob if it has '*' */
	size_t neffects;
	pf_effect *effects;
	const char *file;
	int line;
} pf_func_spec;

/* A global or constant of known handle kind: stderr -> "log". */
typedef struct pf_global_spec {
	const char *name;      /* global name ("stderr"); NULL for fds */
	int64_t fd;            /* integer constant (2 -> "log"), if name NULL */
	const char *resource;
} pf_global_spec;

/* Which sink a handle kind makes (for PF_SINK_BY_HANDLE). */
typedef struct pf_resource_sink {
	const char *resource;
	int sink;              /* enum pf_sink_kind, or -1: not a sink */
} pf_resource_sink;

/* A field of a library's record (in a system header, where name rules do
   not look) that holds personal data: passwd.pw_name. */
typedef struct pf_field_spec {
	const char *record;    /* "passwd" */
	const char *field;     /* "pw_name" */
	const char *category;
	int transform;         /* already transformed (sp_pwdp: hashed), or -1 */
} pf_field_spec;

typedef struct pf_catalog pf_catalog;

/* An empty catalogue (tests add to it with the functions below). */
pf_catalog *pf_catalog_new(void);
/*
 * Loads and merges a catalogue file into `cat`. Returns PF_EINVALID with
 * "FILE:LINE: KEY: what is wrong" as the error message on bad input,
 * PF_EIO if it cannot be read.
 */
int pf_catalog_load(pf_catalog *cat, const char *path);
void pf_catalog_free(pf_catalog *cat);

/* Read access for the engine. */
size_t pf_catalog_name_rules(const pf_catalog *cat, const pf_name_rule **out);
size_t pf_catalog_exclude_words(const pf_catalog *cat, const char *const **out);
size_t pf_catalog_transform_words(const pf_catalog *cat, const pf_word_transform **out);
/* Words of a function's name that make it a transform ("encrypt" ->
   encrypted), and the words that say it is not one (hash_insert). */
size_t pf_catalog_transform_functions(const pf_catalog *cat, const pf_word_transform **words,
                                      const char *const **exclude, size_t *nexclude);
const pf_field_spec *pf_catalog_field(const pf_catalog *cat, const char *record, const char *field);
size_t pf_catalog_globals(const pf_catalog *cat, const pf_global_spec **out);
size_t pf_catalog_resource_sinks(const pf_catalog *cat, const pf_resource_sink **out);
/* The spec of a function by name (exact names first, then globs), or NULL. */
const pf_func_spec *pf_catalog_func(const pf_catalog *cat, const char *name);
/* A hash of every loaded file's content, for cache keys. */
const char *pf_catalog_digest(const pf_catalog *cat);

/* For tests and annotation-derived entries: the catalogue takes copies. */
void pf_catalog_add_name_rule(pf_catalog *cat, const pf_name_rule *r);
void pf_catalog_add_func(pf_catalog *cat, const pf_func_spec *f);

#endif
