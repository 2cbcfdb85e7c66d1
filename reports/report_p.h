/*
 * Internals shared by the report writers: the render function of each
 * format (one per file, listed in the table in report.c), a growable text
 * buffer, and small helpers every format needs.
 */
#ifndef PF_REPORT_P_H
#define PF_REPORT_P_H

#include <stddef.h>

#include "report.h"

/* One render function per format; see pf_report_writer.render. */
int pf_report_text(char **out, size_t *len, const pf_report_ctx *ctx);
int pf_report_json(char **out, size_t *len, const pf_report_ctx *ctx);
int pf_report_sarif(char **out, size_t *len, const pf_report_ctx *ctx);
int pf_report_md(char **out, size_t *len, const pf_report_ctx *ctx);
int pf_report_html(char **out, size_t *len, const pf_report_ctx *ctx);
int pf_report_dot(char **out, size_t *len, const pf_report_ctx *ctx);
int pf_report_svg(char **out, size_t *len, const pf_report_ctx *ctx);
int pf_report_gitlab_sast(char **out, size_t *len, const pf_report_ctx *ctx);

/* Where the reports point for the tool and for each rule's page
   (PF_RULES_DOC "#" rule id). */
#ifndef PF_HOMEPAGE
#define PF_HOMEPAGE "https://github.com/privflow/privflow"
#endif
#define PF_RULES_DOC PF_HOMEPAGE "/blob/main/docs/rules.md"

/* Growable NUL-terminated text: pf_sbuf b = {0}; ...; pf_sbuf_take(). */
typedef struct pf_sbuf {
	char *v;
	size_t n, cap;
} pf_sbuf;

void pf_sbuf_add(pf_sbuf *b, const char *s, size_t n);
void pf_sbuf_puts(pf_sbuf *b, const char *s);  /* NULL appends nothing */
void pf_sbuf_printf(pf_sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends `s` with control and bidi characters and non-UTF-8 bytes
   escaped (pf_text_escape). */
void pf_sbuf_put_escaped(pf_sbuf *b, const char *s);
/* Appends n bytes of s as XML/HTML text or attribute value: & < > " '
   as entities, control characters but tab and newline as spaces. */
void pf_sbuf_put_xml(pf_sbuf *b, const char *s, size_t n);
/* Hands the text over: *out (pf_malloc'd, never NULL) and *len. */
void pf_sbuf_take(pf_sbuf *b, char **out, size_t *len);

/* Findings per severity (indexed by enum pf_severity) and per rule
   (indexed by enum pf_rule); arrays of PF_SEV_COUNT / PF_RULE_COUNT. */
/* How many findings carry a suppression. */
size_t pf_report_nsuppressed(const pf_results *r);
void pf_report_count(const pf_results *r, size_t *by_severity,
                     size_t *by_rule);

struct json_t;
/* A new JSON string for `s` (null for NULL; a byte that is not UTF-8
   becomes the text \xNN, so the name can be recovered). */
struct json_t *pf_report_json_str(const char *s);
/* A JSON array of the items of "a,b,c". */
struct json_t *pf_report_json_list(const char *csv);

#endif
