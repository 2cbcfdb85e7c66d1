/*
 * Report writers. Each format is one file in reports/ and one line in the
 * table in reports/report.c. A writer renders pf_results into a string;
 * the caller writes it (atomically) wherever it goes.
 */
#ifndef PF_REPORT_H
#define PF_REPORT_H

#include "../analyzer/results.h"

struct pf_policy;

/* What the data-flow graphs (dot, svg, html) show. Zero means the
   defaults: functions clustered by purpose, every flow. */
typedef struct pf_graph_options {
	int by_file;          /* cluster functions by source file, not purpose */
	const char *category; /* only this category and its descendants */
	const char *purpose;  /* only this purpose and its descendants */
	const char *rule;     /* only flows with a finding of this rule id */
	int purpose_exact;    /* purpose: this one only, not its descendants
	                         (NULL or "": the uses of no known purpose) */
	const char *id;       /* html: the map's element id (NULL: "datamap") */
	size_t max_functions; /* past this many function nodes, one node per
	                         directory, then one per purpose (0: no bound) */
	int overview;         /* one node per purpose (its functions counted),
	                         per destination kind for storage and logs, and
	                         categories by parent when there are many */
} pf_graph_options;

typedef struct pf_report_ctx {
	const pf_results *results;
	const struct pf_policy *policy; /* may be NULL (report from store) */
	int color;                      /* text: ANSI colours */
	const char *source_root;        /* html: the directory code excerpts
	                                   may be quoted from (NULL: none) */
	pf_graph_options graph;         /* dot, svg, html */
	const pf_results *previous;     /* report --compare: the run compared
	                                   with (NULL: none) */
	long long previous_run;         /* its id */
} pf_report_ctx;

typedef struct pf_report_writer {
	const char *name;           /* --format value */
	const char *extension;      /* default file extension */
	/* Renders the report into a malloc'd buffer (*out, *len). */
	int (*render)(char **out, size_t *len, const pf_report_ctx *ctx);
	/* Suppressed findings are in the report, marked (machine formats:
	   SARIF's suppressions, the JSON's suppression); else left out. */
	int keeps_suppressed;
} pf_report_writer;

const pf_report_writer *pf_report_writer_find(const char *name);
/* Names of every format, comma-separated, for usage messages. */
const char *pf_report_formats(void);

#endif
