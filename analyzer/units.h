/*
 * Link units: which translation units form one program. A compilation
 * database says how each file is compiled, not what links with what, so
 * the units are derived from the code:
 *
 *   - every TU that defines `main` starts a program;
 *   - a program takes, for each external function one of its TUs calls or
 *     takes the address of and none defines, the TU that defines it (of
 *     several, the one nearest the program's main file in the directory
 *     tree, then the first in the database), never another `main`'s TU,
 *     and never a second compile of a file it already has;
 *   - a TU no program took (a plugin loaded with dlopen, a library no
 *     program of the build links) joins the program that defines most of
 *     what it calls, nearest first; one that calls none of them joins a
 *     unit of such TUs, closed the same way;
 *   - with no `main` at all (a library, a handful of files), every TU is
 *     one unit;
 *   - programs that link one library TU when at least UNIT_SHARED of them
 *     do (curl's 118 examples and test programs, shadow's 34 tools) are one
 *     unit, so the library is analysed once, not once per program (fewer
 *     programs are kept apart: a callback or a library global of one then
 *     never reaches another's calls into the library); each
 *     TU that only one of them has is tagged with it, and the external
 *     functions and globals such TUs name that no shared TU names are
 *     the program's own (two `main`s, two `verbose` flags stay apart).
 *
 * Structs, globals and function-pointer targets are joined only within a
 * unit, and each unit is analysed as one program.
 */
#ifndef PF_UNITS_H
#define PF_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "ir.h"

#define UNIT_SHARED 16

typedef struct pf_unit {
	size_t ntus;
	size_t *tus;      /* indexes into the input, ascending */
	size_t seed;      /* the TU with main (the first program's), or SIZE_MAX */
	size_t nprograms; /* programs joined in it (1 if one, 0 if none) */
	uint32_t *tags;   /* per TU: 0, or k + 1 if only program k has it (NULL
	                     if one program) */
	uint64_t *shared; /* sorted hashes of the usrs of the external symbols
	                     the untagged TUs name (pf_program_merge_tagged) */
	size_t nshared;
} pf_unit;


typedef struct pf_units {
	size_t n;
	pf_unit *v;
} pf_units;

/* What units are derived from, per TU: the external functions it defines
   and uses (the TU itself need not be kept). */
typedef struct pf_unit_facts pf_unit_facts;
pf_unit_facts *pf_unit_facts_of(const pf_tu *tu);
void pf_unit_facts_free(pf_unit_facts *f);
/* The facts as bytes (for the parse cache), and back (NULL: malformed). */
void pf_unit_facts_write(const pf_unit_facts *f, char **out, size_t *len);
pf_unit_facts *pf_unit_facts_read(const void *data, size_t len);

/* facts[i] may be NULL (not parsed): that TU belongs to no unit. paths[i]
   is the TU's main file, for nearness. */
void pf_units_derive(pf_units *out, pf_unit_facts *const *facts, const char *const *paths,
                     size_t n);
void pf_units_free(pf_units *u);

#endif
