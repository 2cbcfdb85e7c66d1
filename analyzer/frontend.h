/*
 * The frontend: parses one translation unit with libclang and lowers it
 * to privflow's IR (ir.h). The only module that includes clang-c. A
 * pf_frontend is per worker thread; a parsed AST never outlives
 * pf_frontend_parse().
 */
#ifndef PF_FRONTEND_H
#define PF_FRONTEND_H

#include "compdb.h"
#include "ir.h"

typedef struct pf_frontend pf_frontend;

typedef struct pf_frontend_opts {
	const char *root;         /* project root: files under it are the
	                             project's, paths are made relative to it */
	const char *include_dir;  /* directory holding privflow.h, added as -I */
	int keep_going;           /* lower functions even if the TU has errors */
} pf_frontend_opts;

pf_frontend *pf_frontend_new(const pf_frontend_opts *opts);
/*
 * Parses `cmd` and lowers it. Always returns a pf_tu (owned by the
 * caller): when the TU cannot be parsed or parses with errors,
 * tu->failed is set, tu->diags says why and no function is lowered
 * (unless opts->keep_going): the scan reports the TU and goes on.
 */
pf_tu *pf_frontend_parse(pf_frontend *fe, const pf_tu_cmd *cmd);
void pf_frontend_free(pf_frontend *fe);

#endif
