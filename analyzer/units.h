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
 *     one unit.
 *
 * Structs, globals and function-pointer targets are joined only within a
 * unit, and each unit is analysed as one program.
 */
#ifndef PF_UNITS_H
#define PF_UNITS_H

#include <stddef.h>

#include "ir.h"

typedef struct pf_unit {
	size_t ntus;
	size_t *tus;   /* indexes into the input, ascending */
	size_t seed;   /* the TU with main, or SIZE_MAX */
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

/* facts[i] may be NULL (not parsed): that TU belongs to no unit. paths[i]
   is the TU's main file, for nearness. */
void pf_units_derive(pf_units *out, pf_unit_facts *const *facts, const char *const *paths,
                     size_t n);
void pf_units_free(pf_units *u);

#endif
