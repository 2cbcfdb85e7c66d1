/*
 * Inline suppressions (suppress.h). Each project file the run read is
 * scanned once for the marker; a marker counts only inside a comment (a
 * `//` or `/ *` before it on its line, or a line that continues a block
 * comment with `*`), so a string literal that happens to hold the words
 * suppresses nothing. Files are hostile input: bounded, read as text.
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "kinds.h"
#include "suppress.h"
#include "util.h"

#define MARKER "privflow-ignore["
#define MAX_MARKER_RULES 16

typedef struct marker {
	uint32_t line, col;
	int rules[MAX_MARKER_RULES];
	int nrules;
	char *reason;
	int used;
	int own_line;  /* the comment is alone on its line: it covers the next */
} marker;

typedef PF_VEC(marker) markers;

/* Is the marker at `at` (on the line starting at `bol`) in a comment?
   2 when the comment opens the line (it stands alone), 1 when it follows
   code, 0 when it is no comment. */
static int in_comment(const char *bol, const char *at)
{
	const char *p = bol;

	while (p < at && (*p == ' ' || *p == '\t'))
		p++;
	if (p < at && (*p == '*' || (p[0] == '/' && (p[1] == '/' || p[1] == '*'))))
		return 2;
	for (; p < at; p++)
		if (p[0] == '/' && (p[1] == '/' || p[1] == '*'))
			return 1;
	return 0;
}

/* Parses the marker at `at`; PF_EINVALID with the error set on a bad one. */
static int parse_marker(marker *m, const char *path, const char *at, const char *eol)
{
	const char *p = at + strlen(MARKER), *close = memchr(p, ']', (size_t)(eol - p));
	const char *end;

	if (!close) {
		pf_error_set("%s:%u:%u: error: privflow-ignore: no closing ']'", path, m->line, m->col);
		return PF_EINVALID;
	}
	while (p < close) {
		const char *comma = memchr(p, ',', (size_t)(close - p)), *e = comma ? comma : close;
		char id[64];
		size_t n;
		int rule;

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(e - p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n >= sizeof(id))
			n = sizeof(id) - 1;
		memcpy(id, p, n);
		id[n] = '\0';
		if ((rule = pf_rule_from_id(id)) < 0 || m->nrules == MAX_MARKER_RULES) {
			char *safe = pf_text_escape(id);
			pf_error_set("%s:%u:%u: error: privflow-ignore: %s '%s'", path, m->line, m->col,
			             rule < 0 ? "unknown rule" : "too many rules, at", safe);
			pf_free(safe);
			return PF_EINVALID;
		}
		m->rules[m->nrules++] = rule;
		p = e + 1;
	}
	if (!m->nrules) {
		pf_error_set("%s:%u:%u: error: privflow-ignore[]: name the rule it suppresses", path,
		             m->line, m->col);
		return PF_EINVALID;
	}
	p = close + 1;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	end = eol;
	for (const char *q = p; q + 1 < eol; q++)
		if (q[0] == '*' && q[1] == '/') {
			end = q;
			break;
		}
	if (p < end && *p == ':')
		p++;
	else
		p = end; /* no ':': no reason */
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (p == end) {
		pf_error_set("%s:%u:%u: error: privflow-ignore: a suppression needs a reason "
		             "(privflow-ignore[RULE]: why this finding is accepted)",
		             path, m->line, m->col);
		return PF_EINVALID;
	}
	m->reason = pf_strndup(p, (size_t)(end - p));
	return PF_OK;
}

/* The markers of one file's text. */
static int find_markers(markers *out, const char *path, const char *text)
{
	uint32_t line = 1;

	for (const char *bol = text; *bol; line++) {
		const char *eol = strchr(bol, '\n'), *at;
		if (!eol)
			eol = bol + strlen(bol);
		for (const char *p = bol; (at = memmem(p, (size_t)(eol - p), MARKER, strlen(MARKER))); p = at + 1) {
			marker m = {line, (uint32_t)(at - bol) + 1, {0}, 0, NULL, 0, 0};
			int rc, where = in_comment(bol, at);
			if (!where)
				continue;
			m.own_line = where == 2;
			if ((rc = parse_marker(&m, path, at, eol)) < 0)
				return rc;
			pf_vec_push(out, m);
		}
		bol = *eol ? eol + 1 : eol;
	}
	return PF_OK;
}

static int names_rule(const marker *m, int rule)
{
	for (int i = 0; i < m->nrules; i++)
		if (m->rules[i] == rule)
			return 1;
	return 0;
}

int pf_suppress_inline(pf_results *r, const char *root, FILE *warn, size_t *nunused)
{
	markers ms = {0};
	int rc = PF_OK;

	*nunused = 0;
	for (size_t i = 0; i < r->nfiles && rc == PF_OK; i++) {
		const pf_file_fact *ff = &r->files[i];
		char *abs, *text = NULL;
		size_t len;

		if (!ff->path || ff->path[0] == '/' || !ff->parsed)
			continue;
		abs = pf_asprintf("%s/%s", root, ff->path);
		if (pf_file_read(&text, &len, abs, PF_MAX_SOURCE_FILE, PF_READ_TEXT) < 0) {
			pf_error_clear(); /* gone since the parse, or binary: nothing to suppress */
			pf_free(abs);
			continue;
		}
		pf_free(abs);
		if (strstr(text, MARKER)) {
			size_t first = ms.n;
			rc = find_markers(&ms, ff->path, text);
			for (size_t k = first; rc == PF_OK && k < ms.n; k++)
				for (size_t j = 0; j < r->nfindings; j++) {
					pf_finding *f = &r->findings[j];
					if (f->suppression || !f->file || strcmp(f->file, ff->path) ||
					    (f->line != ms.v[k].line &&
					     !(ms.v[k].own_line && f->line == ms.v[k].line + 1)) ||
					    !names_rule(&ms.v[k], f->rule))
						continue;
					f->suppression = "inSource";
					f->justification = pf_arena_strdup(r->arena, ms.v[k].reason);
					ms.v[k].used = 1;
				}
			for (size_t k = first; rc == PF_OK && k < ms.n; k++)
				if (!ms.v[k].used) {
					(*nunused)++;
					if (warn) {
						char *safe = pf_text_escape(ff->path);
						fprintf(warn, "%s:%u:%u: warning: unused suppression privflow-ignore[%s%s]\n",
						        safe, ms.v[k].line, ms.v[k].col, pf_rule_id(ms.v[k].rules[0]),
						        ms.v[k].nrules > 1 ? ",..." : "");
						pf_free(safe);
					}
				}
		}
		pf_free(text);
	}
	for (size_t k = 0; k < ms.n; k++)
		pf_free(ms.v[k].reason);
	pf_vec_free(&ms);
	return rc;
}
