/*
 * JSON with positions (see jsonpos.h). jansson parses and validates the
 * text; then a small scanner walks the same text again, in step with the
 * jansson tree (object members are matched by key, array elements by
 * index), and records where every member and element starts. The scanner
 * trusts that jansson accepted the text, but never reads past its end.
 */
#include "jsonpos.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <ctype.h>
#include <string.h>

#include "util.h"

typedef struct pf_json_pos {
	int line, col;
} pf_json_pos;

struct pf_json_doc {
	char *file;
	json_t *root;
	pf_map *index;              /* key hash -> index into pos */
	PF_VEC(pf_json_pos) pos;
	int gcc_errors;             /* pf_json_gcc_errors() */
};

/* Index keys: the container's address mixed with a member key or element
   index, tagged so the three kinds never share a key by construction. */
static uint64_t key_member(const json_t *obj, const char *key)
{
	uint64_t h = pf_hash64_str(key);
	return (h ^ ((uint64_t)(uintptr_t)obj * 0x9e3779b97f4a7c15ull)) | 1ull;
}

static uint64_t key_element(const json_t *arr, size_t i)
{
	uint64_t x = (uint64_t)(uintptr_t)arr * 0xff51afd7ed558ccdull + (uint64_t)i * 0xc4ceb9fe1a85ec53ull;
	return (x ^ (x >> 29)) & ~3ull; /* low bits 00 */
}

static uint64_t key_value(const json_t *v)
{
	uint64_t x = (uint64_t)(uintptr_t)v * 0x94d049bb133111ebull;
	return ((x ^ (x >> 31)) & ~3ull) | 2ull; /* low bits 10 */
}

/* --- scanner ------------------------------------------------------------- */

typedef struct scanner {
	pf_json_doc *doc;
	const char *p, *end;
	int line;
	const char *line_start;
	int ok;
} scanner;

static void skip_ws(scanner *s)
{
	while (s->p < s->end) {
		char c = *s->p;
		if (c == '\n') {
			s->line++;
			s->line_start = s->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		s->p++;
	}
}

static void record(scanner *s, uint64_t key)
{
	pf_json_pos pos = { s->line, (int)(s->p - s->line_start) + 1 };
	pf_map_put(s->doc->index, key, (uint32_t)s->doc->pos.n);
	pf_vec_push(&s->doc->pos, pos);
}

static void put_utf8(char **o, unsigned long cp)
{
	char *q = *o;
	if (cp < 0x80) {
		*q++ = (char)cp;
	} else if (cp < 0x800) {
		*q++ = (char)(0xc0 | (cp >> 6));
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*q++ = (char)(0xe0 | (cp >> 12));
		*q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*q++ = (char)(0xf0 | (cp >> 18));
		*q++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	}
	*o = q;
}

static unsigned long hex4(const char *p)
{
	unsigned long v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned long)(c - 'A' + 10);
	}
	return v;
}

/* Scans a string at s->p ('"'). If `out` is given, returns the decoded
   string there (caller frees). Strings never span lines in valid JSON. */
static void scan_string(scanner *s, char **out)
{
	const char *start = ++s->p;
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\' && s->p + 1 < s->end)
			s->p++;
		s->p++;
	}
	if (s->p >= s->end) {
		s->ok = 0;
		return;
	}
	if (out) {
		char *buf = pf_malloc((size_t)(s->p - start) + 1), *o = buf;
		for (const char *q = start; q < s->p; q++) {
			if (*q != '\\') {
				*o++ = *q;
				continue;
			}
			q++;
			switch (*q) {
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u':
				if (q + 4 < s->p) {
					unsigned long cp = hex4(q + 1);
					q += 4;
					if (cp >= 0xd800 && cp < 0xdc00 && q + 6 < s->p && q[1] == '\\' &&
					    q[2] == 'u') {
						unsigned long lo = hex4(q + 3);
						cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
						q += 6;
					}
					put_utf8(&o, cp);
				}
				break;
			default: *o++ = *q; break; /* " \ / */
			}
		}
		*o = '\0';
		*out = buf;
	}
	s->p++;
}

static void scan_value(scanner *s, json_t *v);

static void scan_object(scanner *s, json_t *obj)
{
	s->p++; /* { */
	for (;;) {
		char *key = NULL;
		skip_ws(s);
		if (s->p >= s->end || !s->ok)
			break;
		if (*s->p == '}') {
			s->p++;
			return;
		}
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p != '"') {
			s->ok = 0;
			break;
		}
		{
			pf_json_pos pos = { s->line, (int)(s->p - s->line_start) + 1 };
			scan_string(s, &key);
			if (!s->ok)
				break;
			pf_map_put(s->doc->index, key_member(obj, key), (uint32_t)s->doc->pos.n);
			pf_vec_push(&s->doc->pos, pos);
		}
		skip_ws(s);
		if (s->p < s->end && *s->p == ':')
			s->p++;
		skip_ws(s);
		scan_value(s, json_object_get(obj, key));
		pf_free(key);
	}
	s->ok = 0;
}

static void scan_array(scanner *s, json_t *arr)
{
	size_t i = 0;
	s->p++; /* [ */
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end || !s->ok)
			break;
		if (*s->p == ']') {
			s->p++;
			return;
		}
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		record(s, key_element(arr, i));
		scan_value(s, json_array_get(arr, i));
		i++;
	}
	s->ok = 0;
}

/* `v` is the jansson value that the text at s->p parsed to (NULL if the
   walk lost step: then only the text is skipped). */
static void scan_value(scanner *s, json_t *v)
{
	if (s->p >= s->end) {
		s->ok = 0;
		return;
	}
	switch (*s->p) {
	case '{':
		if (v && json_is_object(v)) {
			record(s, key_value(v));
			scan_object(s, v);
		} else {
			s->ok = 0;
		}
		return;
	case '[':
		if (v && json_is_array(v)) {
			record(s, key_value(v));
			scan_array(s, v);
		} else {
			s->ok = 0;
		}
		return;
	case '"':
		scan_string(s, NULL);
		return;
	default:
		while (s->p < s->end && *s->p && strchr("-+.0123456789eEtrufalsn", *s->p))
			s->p++;
		return;
	}
}

/* --- documents ----------------------------------------------------------- */

int pf_json_load_text(pf_json_doc **out, const char *path, const char *text)
{
	json_error_t jerr;
	pf_json_doc *doc = NULL;
	size_t len = strlen(text);

	*out = NULL;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		pf_error_set("%s:%d:%d: invalid JSON: %s", path, jerr.line, jerr.column, jerr.text);
		return PF_EINVALID;
	}
	doc = pf_calloc(1, sizeof(*doc));
	doc->file = pf_strdup(path);
	doc->root = root;
	doc->index = pf_map_new();

	scanner s = { doc, text, text + len, 1, text, 1 };
	/* A UTF-8 byte order mark is not JSON; jansson rejects it already. */
	skip_ws(&s);
	scan_value(&s, root);
	/* If the scanner lost step (it should not), positions found so far
	   stay valid and the rest report their nearest ancestor's line. */
	*out = doc;
	return 0;
}

int pf_json_load(pf_json_doc **out, const char *path, size_t max)
{
	char *text = NULL;
	int rc;

	*out = NULL;
	rc = pf_file_read(&text, NULL, path, max, PF_READ_TEXT);
	if (rc < 0)
		return rc;
	rc = pf_json_load_text(out, path, text);
	pf_free(text);
	return rc;
}

void pf_json_free(pf_json_doc *doc)
{
	if (!doc)
		return;
	json_decref(doc->root);
	pf_map_free(doc->index);
	pf_vec_free(&doc->pos);
	pf_free(doc->file);
	pf_free(doc);
}

void pf_json_gcc_errors(pf_json_doc *doc)
{
	doc->gcc_errors = 1;
}

json_t *pf_json_root(const pf_json_doc *doc)
{
	return doc->root;
}

const char *pf_json_file(const pf_json_doc *doc)
{
	return doc->file;
}

static int lookup(const pf_json_doc *doc, uint64_t key, int *col)
{
	uint32_t i;
	if (!pf_map_get(doc->index, key, &i) || i >= doc->pos.n) {
		if (col)
			*col = 0;
		return 0;
	}
	if (col)
		*col = doc->pos.v[i].col;
	return doc->pos.v[i].line;
}

int pf_json_member_line(const pf_json_doc *doc, const json_t *obj, const char *key, int *col)
{
	return lookup(doc, key_member(obj, key), col);
}

int pf_json_element_line(const pf_json_doc *doc, const json_t *arr, size_t i, int *col)
{
	return lookup(doc, key_element(arr, i), col);
}

int pf_json_value_line(const pf_json_doc *doc, const json_t *container)
{
	return lookup(doc, key_value(container), NULL);
}

/* --- cursors ------------------------------------------------------------- */

pf_jcur pf_jcur_root(const pf_json_doc *doc)
{
	pf_jcur c = { doc, NULL, NULL, 0, doc->root };
	return c;
}

int pf_jcur_member(pf_jcur *out, const pf_jcur *obj, const char *key)
{
	json_t *v = json_is_object(obj->value) ? json_object_get(obj->value, key) : NULL;
	if (!v)
		return 0;
	out->doc = obj->doc;
	out->parent = obj;
	out->key = key;
	out->index = 0;
	out->value = v;
	return 1;
}

pf_jcur pf_jcur_element(const pf_jcur *arr, size_t i)
{
	pf_jcur c = { arr->doc, arr, NULL, i, json_array_get(arr->value, i) };
	return c;
}

int pf_jcur_pos(const pf_jcur *c, int *col)
{
	for (; c; c = c->parent) {
		int line, k = 0;
		if (!c->parent)
			line = pf_json_value_line(c->doc, c->value);
		else if (c->key)
			line = pf_json_member_line(c->doc, c->parent->value, c->key, &k);
		else
			line = pf_json_element_line(c->doc, c->parent->value, c->index, &k);
		if (line > 0) {
			*col = k > 0 ? k : 1;
			return line;
		}
	}
	*col = 1;
	return 1;
}

int pf_jcur_line(const pf_jcur *c)
{
	int col;

	return pf_jcur_pos(c, &col);
}

static size_t path_into(const pf_jcur *c, char *buf, size_t size)
{
	size_t n;
	int w;

	if (!c->parent)
		return 0;
	n = path_into(c->parent, buf, size);
	if (n >= size)
		return n;
	if (c->key)
		w = snprintf(buf + n, size - n, "%s%s", n ? "." : "", c->key);
	else
		w = snprintf(buf + n, size - n, "[%zu]", c->index);
	return w < 0 ? n : n + (size_t)w;
}

const char *pf_jcur_path(const pf_jcur *c, char *buf, size_t size)
{
	if (!c->parent) {
		snprintf(buf, size, "(top level)");
		return buf;
	}
	buf[0] = '\0';
	path_into(c, buf, size);
	return buf;
}

int pf_jcur_error(const pf_jcur *c, const char *fmt, ...)
{
	char path[512], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->doc->gcc_errors) {
		int col, line = pf_jcur_pos(c, &col);
		pf_error_set("%s:%d:%d: error: %s: %s", pf_json_file(c->doc), line, col,
		             pf_jcur_path(c, path, sizeof(path)), msg);
	} else {
		pf_error_set("%s:%d: %s: %s", pf_json_file(c->doc), pf_jcur_line(c),
		             pf_jcur_path(c, path, sizeof(path)), msg);
	}
	return PF_EINVALID;
}

int pf_jcur_object(const pf_jcur *c, const char *const *allowed)
{
	const char *key;
	json_t *v;

	if (!json_is_object(c->value))
		return pf_jcur_error(c, "expected an object");
	json_object_foreach(c->value, key, v) {
		size_t i;
		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (!allowed[i]) {
			char list[512], hint[128] = "";
			const char *best = NULL;
			size_t n = 0, bestd = 3, d;
			pf_jcur k;
			list[0] = '\0';
			for (i = 0; allowed[i] && n < sizeof(list); i++) {
				int w = snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
				                 allowed[i]);
				n += w > 0 ? (size_t)w : 0;
				/* the nearest key, as for an unknown command-line option */
				d = pf_edit_distance(key, allowed[i]);
				if (d < bestd && d * 3 < strlen(key) + 3)
					bestd = d, best = allowed[i];
			}
			if (best)
				snprintf(hint, sizeof(hint), "; did you mean '%s'?", best);
			pf_jcur_member(&k, c, key);
			return pf_jcur_error(&k, "unknown key%s (allowed: %s)", hint, list);
		}
	}
	return 0;
}

static int member(const pf_jcur *obj, const char *key, int required, pf_jcur *out)
{
	if (pf_jcur_member(out, obj, key))
		return 1;
	if (required)
		return pf_jcur_error(obj, "required key \"%s\" missing", key);
	return 0;
}

int pf_jcur_string(const pf_jcur *obj, const char *key, int required, const char **out)
{
	pf_jcur m = {0};
	int rc = member(obj, key, required, &m);
	if (rc <= 0)
		return rc;
	if (!json_is_string(m.value))
		return pf_jcur_error(&m, "expected a string");
	*out = json_string_value(m.value);
	return 0;
}

int pf_jcur_bool(const pf_jcur *obj, const char *key, int required, int *out)
{
	pf_jcur m = {0};
	int rc = member(obj, key, required, &m);
	if (rc <= 0)
		return rc;
	if (!json_is_boolean(m.value))
		return pf_jcur_error(&m, "expected a boolean");
	*out = json_is_true(m.value);
	return 0;
}

int pf_jcur_int(const pf_jcur *obj, const char *key, int required, long long *out)
{
	pf_jcur m = {0};
	int rc = member(obj, key, required, &m);
	if (rc <= 0)
		return rc;
	if (!json_is_integer(m.value))
		return pf_jcur_error(&m, "expected an integer");
	*out = (long long)json_integer_value(m.value);
	return 0;
}

int pf_jcur_array(const pf_jcur *obj, const char *key, int required, pf_jcur *out,
                  int *present)
{
	int rc = member(obj, key, required, out);
	*present = 0;
	if (rc <= 0)
		return rc;
	if (!json_is_array(out->value))
		return pf_jcur_error(out, "expected an array");
	*present = 1;
	return 0;
}

/* Lower-case dotted id: "user.contact.email". */
int pf_valid_dotted_id(const char *s)
{
	int prev_dot = 1;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (prev_dot)
				return 0;
			prev_dot = 1;
		} else if (islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' ||
		           *s == '-') {
			prev_dot = 0;
		} else {
			return 0;
		}
	}
	return !prev_dot;
}

int pf_json_dump(char **out, size_t *len, json_t *root, const char *what)
{
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(root);
	if (!s) {
		pf_error_set("cannot serialise %s as JSON", what);
		return PF_ERROR;
	}
	*len = strlen(s);
	*out = pf_malloc(*len + 2);
	memcpy(*out, s, *len);
	(*out)[(*len)++] = '\n';
	(*out)[*len] = '\0';
	free(s); /* jansson's allocator */
	return PF_OK;
}
