/*
 * JSON documents with positions: a file parsed by jansson plus a side index
 * giving the line and column of every object member and array element, so
 * that the policy and catalogue validators can say
 * "rules/facturi.policy.json:42: categories[3].never_stored: expected a
 * boolean". Also the small cursor API those validators share: a cursor is
 * a value plus how it was reached (its parent and key or index), which is
 * enough to print its path and find its line.
 */
#ifndef PF_JSONPOS_H
#define PF_JSONPOS_H

#include <stddef.h>

#include <jansson.h>

typedef struct pf_json_doc pf_json_doc;

/*
 * Reads and parses `path`, a regular file of at most `max` bytes with no
 * NUL byte (duplicate keys are an error). On success *out belongs to the
 * caller (pf_json_free). Returns PF_EIO if the file cannot be read (or is
 * not a regular file, or is too large), PF_EINVALID with
 * "FILE:LINE:COL: invalid JSON: what" on a syntax error or a NUL byte.
 */
int pf_json_load(pf_json_doc **out, const char *path, size_t max);
/* Same, from a NUL-terminated buffer; `path` only names it in messages. */
int pf_json_load_text(pf_json_doc **out, const char *path, const char *text);
void pf_json_free(pf_json_doc *doc);

/* From now on the document's cursor errors are in gcc's form,
   "FILE:LINE:COL: error: PATH: message", for a file whose messages a CI
   log shows beside the compiler's (the suppressions file). */
void pf_json_gcc_errors(pf_json_doc *doc);

json_t *pf_json_root(const pf_json_doc *doc);     /* borrowed */
const char *pf_json_file(const pf_json_doc *doc); /* as given to load */

/*
 * Positions (1-based; 0 if unknown). Keyed by the container, because
 * jansson shares its true/false/null singletons between places: the line
 * of a boolean is the line of "the member `key` of `obj`".
 */
int pf_json_member_line(const pf_json_doc *doc, const json_t *obj, const char *key,
                        int *col);
int pf_json_element_line(const pf_json_doc *doc, const json_t *arr, size_t i, int *col);
/* Line of an object's '{' or an array's '['. */
int pf_json_value_line(const pf_json_doc *doc, const json_t *container);

/*
 * A cursor: `value`, reached from `parent` by member `key` or (key NULL)
 * element `index`. The root cursor has no parent. Cursors live on the
 * stack of the validator that walks the tree; they borrow everything.
 */
typedef struct pf_jcur {
	const pf_json_doc *doc;
	const struct pf_jcur *parent;
	const char *key;
	size_t index;
	json_t *value;
} pf_jcur;

pf_jcur pf_jcur_root(const pf_json_doc *doc);
/* Member `key` of object cursor `obj`: returns 1 and fills *out if present. */
int pf_jcur_member(pf_jcur *out, const pf_jcur *obj, const char *key);
/* Element i of array cursor `arr` (i < json_array_size). */
pf_jcur pf_jcur_element(const pf_jcur *arr, size_t i);
/* The cursor's line (falling back to the nearest ancestor's). */
int pf_jcur_line(const pf_jcur *c);
/* Its line and, in *col, its column (where its key or value starts). */
int pf_jcur_pos(const pf_jcur *c, int *col);
/* "categories[3].never_stored" into buf; "(top level)" for the root. */
const char *pf_jcur_path(const pf_jcur *c, char *buf, size_t size);

/*
 * Sets the error "FILE:LINE: PATH: message" (or gcc's form, see
 * pf_json_gcc_errors) for cursor `c` and returns PF_EINVALID.
 */
int pf_jcur_error(const pf_jcur *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Checks: `c` is an object whose keys are all in the NULL-terminated list
 * `allowed` (the error points at the first unknown key's line, and lists
 * the allowed ones). Returns 0 or PF_EINVALID.
 */
int pf_jcur_object(const pf_jcur *c, const char *const *allowed);

/*
 * Typed members of object cursor `obj`. Each returns 0 if the member is
 * absent (and `required` is 0: *out untouched) or of the right type
 * (*out set; strings are borrowed from the document), PF_EINVALID
 * otherwise ("expected a string", "required key missing").
 */
int pf_jcur_string(const pf_jcur *obj, const char *key, int required, const char **out);
int pf_jcur_bool(const pf_jcur *obj, const char *key, int required, int *out);
int pf_jcur_int(const pf_jcur *obj, const char *key, int required, long long *out);
/* An array member: *out is the array cursor, *present 0 if absent. */
int pf_jcur_array(const pf_jcur *obj, const char *key, int required, pf_jcur *out,
                  int *present);

/* A lower-case dotted id ("user.contact.email"): the policy and catalogue
   loaders' check of category, purpose and recipient ids. */
int pf_valid_dotted_id(const char *s);

/* root (taken) as indented JSON text with a final newline, in *out
   (pf_malloc'd); `what` names it in the error ("the report"). */
int pf_json_dump(char **out, size_t *len, json_t *root, const char *what);

#endif
