/*
 * The frontend: parses one translation unit with libclang and lowers it
 * to privflow's IR (ir.h). The only module that includes clang-c. A
 * pf_frontend is per worker process; a parsed AST never outlives
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
} pf_frontend_opts;

pf_frontend *pf_frontend_new(const pf_frontend_opts *opts);
/*
 * Parses `cmd` and lowers it. Always returns a pf_tu (owned by the
 * caller). A TU with errors in its code is lowered as far as clang built
 * its AST and marked partial (tu->diags: the first errors); an error of
 * the driver alone (an option clang does not know) is a note
 * (tu->notes) and changes nothing; only a TU libclang cannot parse at
 * all, or whose main file is missing, is failed, with nothing lowered.
 */
pf_tu *pf_frontend_parse(pf_frontend *fe, const pf_tu_cmd *cmd);
void pf_frontend_free(pf_frontend *fe);
/* What decides the IR besides the files and the TU's command: libclang's
   version, the driver and built-in headers it runs with, the include
   paths of the environment. A string to hash (malloc'ed). */
char *pf_frontend_identity(void);

#endif
