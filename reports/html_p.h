/*
 * Internals of the HTML report, shared by its two files: html.c (the page,
 * the summary, the maps, the findings, the files) and html_record.c (the
 * assessment: inventory, record of processing, disclosure grading, open
 * questions, changes since a run, glossary). Everything from the scanned
 * code or the policy goes through html_esc().
 */
#ifndef PF_HTML_P_H
#define PF_HTML_P_H

#include <stdint.h>

#include "disclosure.h"
#include "policy.h"
#include "report_p.h"
#include "util.h"

struct pf_graphviz;

typedef PF_VEC(const char *) strset;

typedef struct srcfile {
	const char *path; /* as in the results */
	char *text;       /* NULL: could not be read */
	size_t len;
} srcfile;

typedef struct html {
	pf_sbuf b;
	const pf_report_ctx *ctx;
	const pf_results *r;
	const pf_policy *pol;
	struct pf_graphviz *gv;
	PF_VEC(srcfile) files;
	pf_arena *arena; /* strings built for the tables */
	char *root;      /* realpath of the source root, or NULL */
	pf_map *file_index; /* path -> index in r->files */
	strset cats;        /* categories the code handles, sorted */
	strset retention;   /* distinct retention sentences of those, in order */
	strset refs;        /* policy sentences the disclosure grades quote */
	pf_disclosure *disc; /* the flows graded (with a policy) */
	size_t ndisc, grades[PF_GRADE_COUNT];
} html;

/* Escaped text (attribute values alike); NULL appends nothing. */
void html_esc_n(pf_sbuf *b, const char *s, size_t n);
void html_esc(pf_sbuf *b, const char *s);
/* Escaped text, or an em dash for a missing value. */
void html_opt(pf_sbuf *b, const char *s);
/* Escaped as <code>, or the dash. */
void html_code(pf_sbuf *b, const char *s);
/* "file:line:col" (line and column when non-zero). */
void html_loc(pf_sbuf *b, const char *file, uint32_t line, uint32_t col);
/* A set of strings the caller owns (or the arena does): no empty string,
   no duplicate. */
void html_set_add(strset *s, const char *v);
void html_set_sort(strset *s);
/* The list whole, past MAX_LIST entries folded in a <details>; empty: a
   dash. As <code> when `code`. */
void html_list(pf_sbuf *b, const strset *s, int code);
const char *html_rule_word(int rule);
/* A recipient as a DPO reads it (in the arena); `declared` may be NULL. */
const char *html_recipient(html *h, const char *target, const char *sink, int *declared);
/* "fn() at file:line" (in the arena). */
const char *html_where(html *h, const pf_use *u);

/* The sections of html_record.c, in the order of the page. */
void html_changes(html *h);
void html_inventory(html *h);
void html_processing(html *h);
void html_disclosure(html *h);
void html_questions(html *h);
void html_glossary(html *h);

#endif
