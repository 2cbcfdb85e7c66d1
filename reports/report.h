/*
 * Report writers. Each format is one file in reports/ and one line in the
 * table in reports/report.c. A writer renders pf_results into a string;
 * the caller writes it (atomically) wherever it goes.
 */
#ifndef PF_REPORT_H
#define PF_REPORT_H

#include "../analyzer/results.h"

struct pf_policy;

typedef struct pf_report_ctx {
	const pf_results *results;
	const struct pf_policy *policy; /* may be NULL (report from store) */
	int color;                      /* text: ANSI colours */
} pf_report_ctx;

typedef struct pf_report_writer {
	const char *name;           /* --format value */
	const char *extension;      /* default file extension */
	/* Renders the report into a malloc'd buffer (*out, *len). */
	int (*render)(char **out, size_t *len, const pf_report_ctx *ctx);
} pf_report_writer;

const pf_report_writer *pf_report_writer_find(const char *name);
/* Names of every format, comma-separated, for usage messages. */
const char *pf_report_formats(void);

#endif
