/*
 * Fuzz harness of the IR reader (analyzer/irio.c): the input is a TU as
 * a worker process hands it to the scan. The reader promises that what
 * it accepts is IR the engine may rely on, every index in range; the
 * harness checks that promise field by field, then dumps the TU and
 * merges it into a program twice (the second merge unifies every
 * declaration with itself), as the scan does.
 *
 * pf_fuzz_write_seeds: valid IR to start from, written by pf_tu_write: a
 * hand-built TU with every kind of instruction and terminator, and the
 * TU of each C file given, lowered by the frontend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compdb.h"
#include "frontend.h"
#include "fuzz.h"
#include "ir.h"
#include "util.h"

#ifndef PF_FUZZ_SOURCE_DIR
#define PF_FUZZ_SOURCE_DIR "."
#endif

/* --- the reader's promise -------------------------------------------------- */

typedef struct tu_view {
	const pf_tu *tu;
	uint32_t nstrs;
} tu_view;

static void check_loc(const tu_view *v, pf_loc l)
{
	PF_FUZZ_CHECK(l.file < v->nstrs);
}

static void check_path(const tu_view *v, const pf_func *f, const pf_path *p)
{
	PF_FUZZ_CHECK(p->depth <= PF_PATH_DEPTH);
	for (int i = 0; i < p->depth; i++)
		PF_FUZZ_CHECK((p->field[i] & PF_ELEM_INDEX) || p->field[i] < v->tu->ndecls);
	switch (p->base) {
	case PF_BASE_NONE:
	case PF_BASE_RET:
	case PF_BASE_VARARGS:
		break;
	case PF_BASE_LOCAL:
		PF_FUZZ_CHECK(f && p->var < f->nlocals);
		break;
	case PF_BASE_PARAM:
		PF_FUZZ_CHECK(f && p->var < f->nparams);
		break;
	case PF_BASE_GLOBAL:
		PF_FUZZ_CHECK(p->var > 0 && p->var < v->tu->ndecls);
		break;
	default:
		PF_FUZZ_CHECK(!"a known path base");
	}
}

static void check_rval(const tu_view *v, const pf_func *f, const pf_rval *r)
{
	PF_FUZZ_CHECK(r->npaths == 0 || r->paths);
	for (uint32_t i = 0; i < r->npaths; i++)
		check_path(v, f, &r->paths[i]);
	PF_FUZZ_CHECK(r->func < v->tu->ndecls && r->ident < v->tu->ndecls);
	if (r->str)
		(void)strlen(r->str);
	check_loc(v, r->loc);
}

static void check_func(const tu_view *v, const pf_func *f)
{
	const pf_tu *tu = v->tu;

	PF_FUZZ_CHECK(f->decl < tu->ndecls);
	check_loc(v, f->loc);
	for (uint32_t i = 0; i < f->nparams; i++)
		PF_FUZZ_CHECK(f->params[i] < tu->ndecls);
	for (uint32_t i = 0; i < f->nlocals; i++)
		PF_FUZZ_CHECK(f->locals[i] < tu->ndecls);
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const pf_insn *in = &f->insns[i];

		PF_FUZZ_CHECK(in->op < PF_OP_COUNT);
		check_loc(v, in->loc);
		check_loc(v, in->use);
		check_path(v, f, &in->dst);
		check_rval(v, f, &in->src);
		PF_FUZZ_CHECK(in->callee < tu->ndecls);
		check_rval(v, f, &in->fptr);
		PF_FUZZ_CHECK(in->nargs == 0 || in->args);
		for (uint32_t j = 0; j < in->nargs; j++)
			check_rval(v, f, &in->args[j]);
	}
	PF_FUZZ_CHECK(f->nblocks > 0 && f->blocks);
	for (uint32_t i = 0; i < f->nblocks; i++) {
		const pf_block *b = &f->blocks[i];

		PF_FUZZ_CHECK(b->first <= f->ninsns && b->count <= f->ninsns - b->first);
		PF_FUZZ_CHECK(b->term <= PF_TERM_SWITCH);
		PF_FUZZ_CHECK(b->term != PF_TERM_GOTO || b->nsucc == 1);
		PF_FUZZ_CHECK(b->term != PF_TERM_BRANCH || b->nsucc == 2);
		for (uint32_t j = 0; j < b->nsucc; j++)
			PF_FUZZ_CHECK(b->succ[j] < f->nblocks);
		check_path(v, f, &b->cond.path);
		check_loc(v, b->cond.loc);
	}
}

static void check_tu(const pf_tu *tu)
{
	tu_view v = {tu, pf_strtab_count(tu->strs)};

	PF_FUZZ_CHECK(tu->main_file < v.nstrs);
	PF_FUZZ_CHECK(tu->ndecls >= 1 && tu->decls);
	for (uint32_t i = 1; i < tu->ndecls; i++) {
		const pf_decl *d = &tu->decls[i];

		PF_FUZZ_CHECK(d->usr < v.nstrs && d->name < v.nstrs && d->scope < v.nstrs &&
		              d->type < v.nstrs && d->record < v.nstrs);
		check_loc(&v, d->loc);
		PF_FUZZ_CHECK(d->kind <= PF_DECL_ENUMCONST && d->tclass <= PF_TY_POINTER);
		for (uint32_t j = 0; j < d->nannots; j++)
			PF_FUZZ_CHECK(d->annots[j] < v.nstrs);
	}
	for (uint32_t i = 0; i < tu->nfuncs; i++)
		check_func(&v, &tu->funcs[i]);
	for (uint32_t i = 0; i < tu->nfiles; i++)
		PF_FUZZ_CHECK(tu->files[i].path < v.nstrs);
	for (uint32_t i = 0; i < tu->ndiags; i++) {
		check_loc(&v, tu->diags[i].loc);
		PF_FUZZ_CHECK(tu->diags[i].message);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	pf_tu *tu = NULL;
	int rc;

	if (!devnull && !(devnull = fopen("/dev/null", "w"))) {
		perror("/dev/null");
		abort();
	}
	rc = pf_tu_read(&tu, data, size);
	pf_fuzz_report("ir", rc);
	PF_FUZZ_CHECK((rc == 0) == (tu != NULL));
	if (tu) {
		pf_program *p = pf_program_new();

		check_tu(tu);
		pf_tu_dump(tu, devnull);
		pf_program_merge(p, tu);
		pf_program_merge(p, tu);
		pf_program_free(p);
	}
	pf_tu_free(tu);
	pf_error_clear();
	return 0;
}

/* --- seeds ----------------------------------------------------------------- */

/* Writes `tu` as IR to DIR/NAME.pfir, and checks it reads back. */
static int write_tu(const char *dir, const char *name, const pf_tu *tu)
{
	char *buf = NULL, *path = pf_asprintf("%s/%s.pfir", dir, name);
	size_t len = 0;
	pf_tu *back = NULL;
	int rc = -1;

	if (pf_tu_write(tu, &buf, &len) < 0 || pf_tu_read(&back, buf, len) < 0) {
		fprintf(stderr, "fuzz_ir: %s: %s\n", name, pf_error_last());
		goto done;
	}
	if (pf_file_write(path, buf, len) < 0) {
		fprintf(stderr, "fuzz_ir: %s\n", pf_error_last());
		goto done;
	}
	rc = 0;
done:
	pf_tu_free(back);
	pf_free(buf);
	pf_free(path);
	return rc;
}

static pf_declid decl(pf_tu_builder *b, int kind, int tclass, const char *usr,
                      const char *name, const char *scope, const char *annot)
{
	pf_decl d = {0};
	pf_sym a = 0;

	d.usr = pf_tub_sym(b, usr);
	d.name = pf_tub_sym(b, name);
	d.scope = pf_tub_sym(b, scope);
	d.type = pf_tub_sym(b, tclass == PF_TY_STRING ? "const char *" : "int");
	d.loc.file = pf_tub_sym(b, "seed.c");
	d.loc.line = 3;
	d.loc.col = 7;
	d.kind = (uint8_t)kind;
	d.tclass = (uint8_t)tclass;
	if (annot) {
		a = pf_tub_sym(b, annot);
		d.annots = &a;
		d.nannots = 1;
	}
	return pf_tub_decl(b, &d);
}

/*
 * A TU with a little of everything the reader reads: a struct field, a
 * global, a function with a parameter, a local and a temporary; an
 * assignment from a field path, a direct call with a string, an integer
 * and a variadic argument, a call through a pointer, a return; a branch,
 * a switch, a goto and an exit; a file and a diagnostic.
 */
static pf_tu *handmade_tu(void)
{
	pf_tu_builder *b = pf_tub_new("seed.c");
	pf_arena *a = pf_tub_arena(b);
	pf_declid field = decl(b, PF_DECL_FIELD, PF_TY_STRING, "c:@S@user@FI@email", "email",
	                       "user", "privflow:data:user.contact.email");
	pf_declid global = decl(b, PF_DECL_GLOBAL, PF_TY_RECPTR, "c:@current", "current", NULL, NULL);
	pf_declid fn = decl(b, PF_DECL_FUNC, PF_TY_INT, "c:@F@notify", "notify", NULL, NULL);
	pf_declid callee = decl(b, PF_DECL_FUNC, PF_TY_INT, "c:@F@syslog", "syslog", NULL, NULL);
	pf_declid param = decl(b, PF_DECL_PARAM, PF_TY_RECPTR, "seed.c:3:20:u", "u", "notify", NULL);
	pf_declid local = decl(b, PF_DECL_LOCAL, PF_TY_STRING, "seed.c:4:8:e", "e", "notify", NULL);
	pf_declid en = decl(b, PF_DECL_ENUMCONST, PF_TY_INT, "c:@E@LOG_INFO", "LOG_INFO", NULL, NULL);
	pf_loc here = {pf_tub_sym(b, "seed.c"), 5, 2};
	pf_func f = {0};
	pf_insn *in;
	pf_file file = {0};

	pf_tub_decl_at(b, fn)->flags |= PF_DF_DEFINED;
	pf_tub_decl_at(b, fn)->nparams = 1;
	pf_tub_decl_at(b, callee)->flags |= PF_DF_SYSTEM | PF_DF_VARIADIC;
	pf_tub_decl_at(b, en)->value = 6;

	f.decl = fn;
	f.loc = here;
	f.nparams = 1;
	f.params = pf_arena_alloc(a, sizeof(pf_declid));
	f.params[0] = param;
	f.nlocals = 2;
	f.locals = pf_arena_alloc(a, 2 * sizeof(pf_declid));
	f.locals[0] = local; /* locals[1] is a temporary */
	f.ninsns = 4;
	f.insns = in = pf_arena_alloc(a, 4 * sizeof(pf_insn));

	/* e = u->email */
	in[0].op = PF_OP_ASSIGN;
	in[0].strong = 1;
	in[0].loc = in[0].use = here;
	in[0].dst.base = PF_BASE_LOCAL;
	in[0].dst.var = 0;
	in[0].src.npaths = 1;
	in[0].src.paths = pf_arena_alloc(a, sizeof(pf_path));
	in[0].src.paths[0].base = PF_BASE_PARAM;
	in[0].src.paths[0].depth = 1;
	in[0].src.paths[0].field[0] = field;
	in[0].src.loc = here;

	/* syslog(LOG_INFO, "mail %s", e) */
	in[1].op = PF_OP_CALL;
	in[1].loc = in[1].use = here;
	in[1].callee = callee;
	in[1].nargs = 3;
	in[1].args = pf_arena_alloc(a, 3 * sizeof(pf_rval));
	in[1].args[0].flags = PF_RV_INT;
	in[1].args[0].ival = 6;
	in[1].args[0].ident = en;
	in[1].args[1].flags = PF_RV_STR;
	in[1].args[1].str = pf_arena_strdup(a, "mail %s\n");
	in[1].args[2].npaths = 1;
	in[1].args[2].paths = pf_arena_alloc(a, sizeof(pf_path));
	in[1].args[2].paths[0].base = PF_BASE_LOCAL;

	/* t1 = (*current->hook)(&notify, NULL) */
	in[2].op = PF_OP_CALL;
	in[2].loc = in[2].use = here;
	in[2].dst.base = PF_BASE_LOCAL;
	in[2].dst.var = 1;
	in[2].fptr.npaths = 1;
	in[2].fptr.paths = pf_arena_alloc(a, sizeof(pf_path));
	in[2].fptr.paths[0].base = PF_BASE_GLOBAL;
	in[2].fptr.paths[0].var = global;
	in[2].nargs = 2;
	in[2].args = pf_arena_alloc(a, 2 * sizeof(pf_rval));
	in[2].args[0].flags = PF_RV_FUNC | PF_RV_ADDR;
	in[2].args[0].func = fn;
	in[2].args[1].flags = PF_RV_NULL | PF_RV_BOOL | PF_RV_NEG;

	/* return t1 */
	in[3].op = PF_OP_RETURN;
	in[3].loc = in[3].use = here;
	in[3].src.npaths = 1;
	in[3].src.paths = pf_arena_alloc(a, sizeof(pf_path));
	in[3].src.paths[0].base = PF_BASE_VARARGS;

	/* b0: [0, 2) if (!e) b1 else b2; b1: switch b2 b3; b2: goto b3;
	   b3: [2, 4) exit */
	f.nblocks = 4;
	f.blocks = pf_arena_alloc(a, 4 * sizeof(pf_block));
	f.blocks[0].first = 0;
	f.blocks[0].count = 2;
	f.blocks[0].term = PF_TERM_BRANCH;
	f.blocks[0].nsucc = 2;
	f.blocks[0].succ = pf_arena_alloc(a, 2 * sizeof(uint32_t));
	f.blocks[0].succ[0] = 1;
	f.blocks[0].succ[1] = 2;
	f.blocks[0].cond.path.base = PF_BASE_LOCAL;
	f.blocks[0].cond.negate = 1;
	f.blocks[0].cond.loc = here;
	f.blocks[1].first = 2;
	f.blocks[1].term = PF_TERM_SWITCH;
	f.blocks[1].nsucc = 2;
	f.blocks[1].succ = pf_arena_alloc(a, 2 * sizeof(uint32_t));
	f.blocks[1].succ[0] = 2;
	f.blocks[1].succ[1] = 3;
	f.blocks[2].first = 2;
	f.blocks[2].term = PF_TERM_GOTO;
	f.blocks[2].nsucc = 1;
	f.blocks[2].succ = pf_arena_alloc(a, sizeof(uint32_t));
	f.blocks[2].succ[0] = 3;
	f.blocks[3].first = 2;
	f.blocks[3].count = 2;
	f.blocks[3].term = PF_TERM_EXIT;
	pf_tub_func(b, &f);

	file.path = pf_tub_sym(b, "seed.c");
	memset(file.sha256, 'a', 64);
	pf_tub_file(b, &file);
	file.path = pf_tub_sym(b, "/usr/include/syslog.h");
	file.system = 1;
	pf_tub_file(b, &file);
	pf_tub_diag(b, here, "unknown type name 'user'");
	return pf_tub_finish(b);
}

/*
 * --write-seeds DIR [FILE.c... [-- CFLAGS...]]: the hand-built TU, then
 * each FILE lowered by the frontend (root: the current directory; the
 * bundled include/ is on the include path, as in a scan).
 */
int pf_fuzz_write_seeds(const char *dir, int argc, char **argv)
{
	char **files = argv, **cflags = NULL, *root = NULL;
	int nfiles = argc, ncflags = 0, n = 0;
	pf_compdb *db = NULL;
	pf_frontend *fe = NULL;
	pf_tu *tu = handmade_tu();

	if (write_tu(dir, "handmade", tu) < 0)
		goto fail;
	n++;
	pf_tu_free(tu);
	tu = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			nfiles = i;
			cflags = argv + i + 1;
			ncflags = argc - i - 1;
			break;
		}
	}
	if (!nfiles)
		return n;
	root = getcwd(NULL, 0);
	pf_frontend_opts fo = {root, PF_FUZZ_SOURCE_DIR "/include"};
	if (!root || pf_compdb_from_files(&db, files, (size_t)nfiles, cflags, (size_t)ncflags) < 0)
		goto fail;
	fe = pf_frontend_new(&fo);
	for (size_t i = 0; i < db->n; i++) {
		/* ROOT/fixtures/x/y.c -> fixtures_x_y.c */
		const char *file = db->tus[i].file;
		size_t nroot = strlen(root);
		char *name;

		if (!strncmp(file, root, nroot) && file[nroot] == '/')
			file += nroot + 1;
		name = pf_strdup(file);

		for (char *p = name; *p; p++)
			if (*p == '/')
				*p = '_';
		tu = pf_frontend_parse(fe, &db->tus[i]);
		if (write_tu(dir, name, tu) < 0) {
			pf_free(name);
			goto fail;
		}
		pf_free(name);
		pf_tu_free(tu);
		tu = NULL;
		n++;
	}
	pf_frontend_free(fe);
	pf_compdb_free(db);
	free(root);
	return n;
fail:
	pf_tu_free(tu);
	pf_frontend_free(fe);
	pf_compdb_free(db);
	free(root);
	return -1;
}
