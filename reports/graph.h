/*
 * The data-flow graphs, private to the report writers: the data map
 * (categories -> the functions that process them -> stores, logs,
 * channels and recipients) and one small graph per finding (its trace
 * from source to sink). reports/graph.c builds them with Graphviz's
 * cgraph and lays them out with gvc; it is the only file that includes
 * either, so the rest of privflow never sees a Graphviz type.
 */
#ifndef PF_GRAPH_H
#define PF_GRAPH_H

#include <stddef.h>

#include "report.h"

/* What a graph is rendered to. */
enum pf_graph_format {
	PF_GRAPH_DOT,     /* DOT text, deterministic (golden-testable) */
	PF_GRAPH_SVG,     /* a standalone SVG document */
	PF_GRAPH_SVG_HTML /* an <svg> element to inline in the HTML report:
	                     no XML prolog, nodes link to the report's anchors
	                     (#finding-N, #finding-N-step-M) */
};

/* A handle on Graphviz's rendering context. The context itself is shared
   by the whole process (plugins loaded once) and freed at exit, never
   earlier (see graph.c for why); pf_graphviz_free frees the handle only.
   Not thread-safe: render reports on one thread. */
typedef struct pf_graphviz pf_graphviz;
pf_graphviz *pf_graphviz_new(void);
void pf_graphviz_free(pf_graphviz *gv);

/*
 * Renders the data map of ctx->results as ctx->graph asks (clustering,
 * filters) into *out (pf_malloc'd, NUL-terminated) and *len. `gv` may be
 * NULL for PF_GRAPH_DOT. Returns 0, or PF_ERROR with the message set.
 */
int pf_graph_datamap(char **out, size_t *len, pf_graphviz *gv,
                     const pf_report_ctx *ctx, enum pf_graph_format fmt);

/* Renders the trace graph of finding `i` of ctx->results, as above. For
   PF_GRAPH_SVG_HTML, a column of boxes privflow lays out itself, and
   nothing (*out NULL, *len 0) for a trace that stays in one function. */
int pf_graph_finding(char **out, size_t *len, pf_graphviz *gv,
                     const pf_report_ctx *ctx, size_t i,
                     enum pf_graph_format fmt);

/* The number of data flows the data map draws after the filters (0: the
   map would be empty, and the HTML report says so instead). */
size_t pf_graph_datamap_nflows(const pf_report_ctx *ctx);

#endif
