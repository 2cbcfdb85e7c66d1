/*
 * Unit tests of the engine on hand-built IR: no libclang involved. Each
 * test builds a tiny program with the IR builder, runs the engine with the
 * bundled catalogue and policy, and checks the findings (rule and line).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "engine.h"
#include "engine_p.h"
#include "kinds.h"
#include "policy.h"

static int failures;
static pf_catalog *cat;
static pf_policy *pol;

/* --- a tiny IR builder -------------------------------------------------- */

typedef struct tb {
	pf_tu_builder *b;
	pf_sym file;
	PF_VEC(pf_insn) insns;
	PF_VEC(pf_block) blocks;
	PF_VEC(pf_declid) locals;
	pf_declid fn;
	PF_VEC(pf_declid) params;
	int n;
} tb;

static pf_loc L(tb *t, uint32_t line)
{
	pf_loc l = {t->file, line, 3};
	return l;
}

static pf_declid D(tb *t, int kind, const char *name, const char *scope, int tclass,
                   const char *record, const char *annot)
{
	pf_decl d = {0};
	char usr[128];
	pf_sym a;

	snprintf(usr, sizeof(usr), "%d:%s:%s", kind, scope ? scope : "", name);
	d.usr = pf_tub_sym(t->b, usr);
	d.name = pf_tub_sym(t->b, name);
	d.scope = pf_tub_sym(t->b, scope);
	d.record = pf_tub_sym(t->b, record);
	d.kind = (uint8_t)kind;
	d.tclass = (uint8_t)tclass;
	d.loc = L(t, 1);
	if (annot) {
		a = pf_tub_sym(t->b, annot);
		d.annots = &a;
		d.nannots = 1;
	}
	return pf_tub_decl(t->b, &d);
}

static pf_declid FN(tb *t, const char *name, int ret_tclass, const char *annot, int variadic)
{
	pf_declid id = D(t, PF_DECL_FUNC, name, NULL, ret_tclass, NULL, annot);
	if (variadic)
		pf_tub_decl_at(t->b, id)->flags |= PF_DF_VARIADIC;
	return id;
}

static void begin(tb *t, pf_declid fn)
{
	t->fn = fn;
	t->insns.n = t->blocks.n = t->locals.n = t->params.n = 0;
}

static uint32_t PARAM(tb *t, const char *name, int tclass, const char *record)
{
	pf_declid id = D(t, PF_DECL_PARAM, name, "f", tclass, record, NULL);
	pf_vec_push(&t->params, id);
	return (uint32_t)t->params.n - 1;
}

static uint32_t LOCAL(tb *t, const char *name, int tclass, const char *record)
{
	pf_declid id = name ? D(t, PF_DECL_LOCAL, name, "f", tclass, record, NULL) : 0;
	pf_vec_push(&t->locals, id);
	return (uint32_t)t->locals.n - 1;
}

static pf_path P(int base, uint32_t var, pf_declid f1, pf_declid f2)
{
	pf_path p = {0};
	p.base = (uint8_t)base;
	p.var = var;
	if (f1)
		p.field[p.depth++] = f1;
	if (f2)
		p.field[p.depth++] = f2;
	return p;
}

static pf_rval RP(tb *t, pf_path p)
{
	pf_rval r = {0};
	r.npaths = 1;
	r.paths = pf_arena_alloc(pf_tub_arena(t->b), sizeof(pf_path));
	r.paths[0] = p;
	return r;
}

static pf_rval RS(tb *t, const char *s)
{
	pf_rval r = {0};
	r.flags = PF_RV_STR;
	r.str = pf_arena_strdup(pf_tub_arena(t->b), s);
	return r;
}

static pf_rval RI(int64_t v)
{
	pf_rval r = {0};
	r.flags = PF_RV_INT;
	r.ival = v;
	return r;
}

static pf_rval RF(pf_declid fn)
{
	pf_rval r = {0};
	r.flags = PF_RV_FUNC;
	r.func = fn;
	return r;
}

static void CALL(tb *t, uint32_t line, pf_declid callee, pf_path dst, int nargs, ...)
{
	pf_insn in = {0};
	va_list ap;

	in.op = PF_OP_CALL;
	in.loc = in.use = L(t, line);
	in.callee = callee;
	in.dst = dst;
	in.strong = dst.base == PF_BASE_LOCAL;
	in.nargs = (uint32_t)nargs;
	in.args = pf_arena_alloc(pf_tub_arena(t->b), (size_t)(nargs ? nargs : 1) * sizeof(pf_rval));
	va_start(ap, nargs);
	for (int i = 0; i < nargs; i++)
		in.args[i] = va_arg(ap, pf_rval);
	va_end(ap);
	pf_vec_push(&t->insns, in);
}

static void ICALL(tb *t, uint32_t line, pf_rval fptr, int nargs, ...)
{
	pf_insn in = {0};
	va_list ap;

	in.op = PF_OP_CALL;
	in.loc = in.use = L(t, line);
	in.fptr = fptr;
	in.nargs = (uint32_t)nargs;
	in.args = pf_arena_alloc(pf_tub_arena(t->b), (size_t)(nargs ? nargs : 1) * sizeof(pf_rval));
	va_start(ap, nargs);
	for (int i = 0; i < nargs; i++)
		in.args[i] = va_arg(ap, pf_rval);
	va_end(ap);
	pf_vec_push(&t->insns, in);
}

static void ASSIGN(tb *t, uint32_t line, pf_path dst, pf_rval src, int strong)
{
	pf_insn in = {0};
	in.op = PF_OP_ASSIGN;
	in.loc = in.use = L(t, line);
	in.dst = dst;
	in.src = src;
	in.strong = (uint8_t)strong;
	pf_vec_push(&t->insns, in);
}

static void RETURN(tb *t, uint32_t line, pf_rval src)
{
	pf_insn in = {0};
	in.op = PF_OP_RETURN;
	in.loc = in.use = L(t, line);
	in.src = src;
	pf_vec_push(&t->insns, in);
}

/* Ends the function: one block holding every instruction. */
static void end(tb *t)
{
	pf_arena *a = pf_tub_arena(t->b);
	pf_func f = {0};
	pf_block *bl = pf_arena_alloc(a, sizeof(pf_block));

	bl->first = 0;
	bl->count = (uint32_t)t->insns.n;
	bl->term = PF_TERM_EXIT;
	f.decl = t->fn;
	f.loc = L(t, 1);
	f.nparams = (uint32_t)t->params.n;
	f.params = pf_arena_alloc(a, (t->params.n + 1) * sizeof(pf_declid));
	if (t->params.n)
		memcpy(f.params, t->params.v, t->params.n * sizeof(pf_declid));
	f.nlocals = (uint32_t)t->locals.n;
	f.locals = pf_arena_alloc(a, (t->locals.n + 1) * sizeof(pf_declid));
	if (t->locals.n)
		memcpy(f.locals, t->locals.v, t->locals.n * sizeof(pf_declid));
	f.ninsns = (uint32_t)t->insns.n;
	f.insns = pf_arena_alloc(a, (t->insns.n + 1) * sizeof(pf_insn));
	if (t->insns.n)
		memcpy(f.insns, t->insns.v, t->insns.n * sizeof(pf_insn));
	f.nblocks = 1;
	f.blocks = bl;
	pf_tub_decl_at(t->b, t->fn)->flags |= PF_DF_DEFINED;
	pf_tub_decl_at(t->b, t->fn)->nparams = f.nparams;
	pf_tub_func(t->b, &f);
}

static void tb_init(tb *t, const char *file)
{
	memset(t, 0, sizeof(*t));
	t->b = pf_tub_new(file);
	t->file = pf_tub_sym(t->b, file);
}

/* Runs the engine; returns the results (caller frees). */
static pf_results *run(tb *t)
{
	pf_tu *tu = pf_tub_finish(t->b);
	pf_program *prog = pf_program_new();
	pf_results *res = pf_calloc(1, sizeof(*res));
	pf_engine_opts eo = {"/", 0};

	pf_program_merge(prog, tu);
	pf_tu_free(tu);
	res->arena = pf_arena_new();
	if (pf_engine_run(res, prog, cat, pol, &eo) < 0) {
		fprintf(stderr, "engine failed: %s\n", pf_error_last());
		exit(1);
	}
	pf_results_finish(res);
	pf_program_free(prog);
	pf_vec_free(&t->insns);
	pf_vec_free(&t->blocks);
	pf_vec_free(&t->locals);
	pf_vec_free(&t->params);
	return res;
}

/* Expects exactly the listed "rule@line" findings (space separated). */
static void expect(const char *test, pf_results *res, const char *want)
{
	char got[2048] = "";

	for (size_t i = 0; i < res->nfindings; i++) {
		char one[128];
		snprintf(one, sizeof(one), "%s%s@%u", got[0] ? " " : "",
		         pf_rule_id(res->findings[i].rule), res->findings[i].line);
		strncat(got, one, sizeof(got) - strlen(got) - 1);
	}
	if (strcmp(got, want) != 0) {
		failures++;
		printf("FAIL %s\n  want: %s\n  got:  %s\n", test, want, got);
		for (size_t i = 0; i < res->nfindings; i++)
			printf("    %u: %s\n", res->findings[i].line, res->findings[i].message);
	} else {
		printf("ok   %s\n", test);
	}
	pf_results_free(res);
}

/* --- the tests ------------------------------------------------------------ */

/* struct user { char *email; int email_count; };  fields used by tests */
typedef struct fx {
	pf_declid email, count, password, card;
	pf_declid syslog, fprintf_, fopen_, crypt_, stderr_, strcpy_, snprintf_;
} fx;

static void common(tb *t, fx *x)
{
	x->email = D(t, PF_DECL_FIELD, "email", "user", PF_TY_STRING, NULL, NULL);
	x->count = D(t, PF_DECL_FIELD, "email_count", "user", PF_TY_INT, NULL, NULL);
	x->password = D(t, PF_DECL_FIELD, "password", "user", PF_TY_STRING, NULL, NULL);
	x->card = D(t, PF_DECL_FIELD, "card_number", "payment", PF_TY_STRING, NULL, NULL);
	x->syslog = FN(t, "syslog", PF_TY_OTHER, NULL, 1);
	x->fprintf_ = FN(t, "fprintf", PF_TY_INT, NULL, 1);
	x->fopen_ = FN(t, "fopen", PF_TY_POINTER, NULL, 0);
	x->crypt_ = FN(t, "crypt", PF_TY_STRING, NULL, 0);
	x->strcpy_ = FN(t, "strcpy", PF_TY_STRING, NULL, 0);
	x->snprintf_ = FN(t, "snprintf", PF_TY_INT, NULL, 1);
	x->stderr_ = D(t, PF_DECL_GLOBAL, "stderr", NULL, PF_TY_POINTER, NULL, NULL);
	pf_tub_decl_at(t->b, x->stderr_)->flags |= PF_DF_SYSTEM;
}

static const pf_path NOPATH = {0};

static void test_direct_log(void)
{
	tb t;
	fx x;
	tb_init(&t, "a.c");
	common(&t, &x);
	begin(&t, FN(&t, "f", PF_TY_OTHER, NULL, 0));
	uint32_t u = PARAM(&t, "u", PF_TY_RECPTR, "user");
	CALL(&t, 10, x.syslog, NOPATH, 3, RI(6), RS(&t, "%s"), RP(&t, P(PF_BASE_PARAM, u, x.email, 0)));
	CALL(&t, 11, x.syslog, NOPATH, 3, RI(6), RS(&t, "%d"), RP(&t, P(PF_BASE_PARAM, u, x.count, 0)));
	end(&t);
	expect("direct log; email_count is not personal", run(&t), "sensitive-log@10");
}

static void test_helper_and_overwrite(void)
{
	tb t;
	fx x;
	tb_init(&t, "a.c");
	common(&t, &x);
	/* void emit(FILE *out, const char *s) { fprintf(out, "%s", s); } */
	pf_declid emit = FN(&t, "emit", PF_TY_OTHER, NULL, 0);
	begin(&t, emit);
	uint32_t out = PARAM(&t, "out", PF_TY_POINTER, NULL);
	uint32_t s = PARAM(&t, "s", PF_TY_STRING, NULL);
	CALL(&t, 5, x.fprintf_, NOPATH, 3, RP(&t, P(PF_BASE_PARAM, out, 0, 0)), RS(&t, "%s"),
	     RP(&t, P(PF_BASE_PARAM, s, 0, 0)));
	end(&t);
	/* caller: buf = email; emit(stderr, buf); strcpy(buf, "x"); emit(stderr, buf);
	           FILE *fp = fopen("/tmp/x", "w"); emit(fp, u->email) -> storage: fine */
	begin(&t, FN(&t, "caller", PF_TY_OTHER, NULL, 0));
	uint32_t u = PARAM(&t, "u", PF_TY_RECPTR, "user");
	uint32_t buf = LOCAL(&t, "buf", PF_TY_STRING, NULL);
	uint32_t fp = LOCAL(&t, "fp", PF_TY_POINTER, NULL);
	pf_rval err = RP(&t, P(PF_BASE_GLOBAL, x.stderr_, 0, 0));
	err.ident = x.stderr_;
	CALL(&t, 20, x.strcpy_, NOPATH, 2, RP(&t, P(PF_BASE_LOCAL, buf, 0, 0)),
	     RP(&t, P(PF_BASE_PARAM, u, x.email, 0)));
	CALL(&t, 21, emit, NOPATH, 2, err, RP(&t, P(PF_BASE_LOCAL, buf, 0, 0)));
	CALL(&t, 22, x.strcpy_, NOPATH, 2, RP(&t, P(PF_BASE_LOCAL, buf, 0, 0)), RS(&t, "n/a"));
	CALL(&t, 23, emit, NOPATH, 2, err, RP(&t, P(PF_BASE_LOCAL, buf, 0, 0)));
	CALL(&t, 24, x.fopen_, P(PF_BASE_LOCAL, fp, 0, 0), 2, RS(&t, "/var/lib/x"), RS(&t, "w"));
	CALL(&t, 25, emit, NOPATH, 2, RP(&t, P(PF_BASE_LOCAL, fp, 0, 0)),
	     RP(&t, P(PF_BASE_PARAM, u, x.email, 0)));
	end(&t);
	expect("helper reached with stderr only before the overwrite", run(&t), "sensitive-log@5");
}

static void test_credentials(void)
{
	tb t;
	fx x;
	tb_init(&t, "a.c");
	common(&t, &x);
	begin(&t, FN(&t, "save", PF_TY_OTHER, NULL, 0));
	uint32_t u = PARAM(&t, "u", PF_TY_RECPTR, "user");
	uint32_t h = LOCAL(&t, "h", PF_TY_STRING, NULL);
	uint32_t fp = LOCAL(&t, "fp", PF_TY_POINTER, NULL);
	CALL(&t, 30, x.fopen_, P(PF_BASE_LOCAL, fp, 0, 0), 2, RS(&t, "/var/lib/users"), RS(&t, "a"));
	CALL(&t, 31, x.crypt_, P(PF_BASE_LOCAL, h, 0, 0), 2,
	     RP(&t, P(PF_BASE_PARAM, u, x.password, 0)), RS(&t, "$6$salt"));
	CALL(&t, 32, x.fprintf_, NOPATH, 3, RP(&t, P(PF_BASE_LOCAL, fp, 0, 0)), RS(&t, "%s"),
	     RP(&t, P(PF_BASE_LOCAL, h, 0, 0)));
	CALL(&t, 33, x.fprintf_, NOPATH, 3, RP(&t, P(PF_BASE_LOCAL, fp, 0, 0)), RS(&t, "%s"),
	     RP(&t, P(PF_BASE_PARAM, u, x.password, 0)));
	CALL(&t, 34, x.fprintf_, NOPATH, 3, RP(&t, P(PF_BASE_LOCAL, fp, 0, 0)), RS(&t, "%s"),
	     RP(&t, P(PF_BASE_PARAM, u, x.card, 0)));
	end(&t);
	expect("hashed password stored; plain one and card data not", run(&t),
	       "plaintext-credential@33 forbidden-storage@34");
}

static void test_variadic_wrapper_and_fnptr(void)
{
	tb t;
	fx x;
	tb_init(&t, "a.c");
	common(&t, &x);
	pf_declid vsyslog = FN(&t, "vsyslog", PF_TY_OTHER, NULL, 0);
	/* void log_info(const char *fmt, ...) { va_list ap; va_start(ap, fmt); vsyslog(6, fmt, ap); } */
	pf_declid log_info = FN(&t, "log_info", PF_TY_OTHER, NULL, 1);
	begin(&t, log_info);
	uint32_t fmt = PARAM(&t, "fmt", PF_TY_STRING, NULL);
	uint32_t ap = LOCAL(&t, "ap", PF_TY_POINTER, NULL);
	ASSIGN(&t, 3, P(PF_BASE_LOCAL, ap, 0, 0), RP(&t, P(PF_BASE_VARARGS, 0, 0, 0)), 1);
	CALL(&t, 4, vsyslog, NOPATH, 3, RI(6), RP(&t, P(PF_BASE_PARAM, fmt, 0, 0)),
	     RP(&t, P(PF_BASE_LOCAL, ap, 0, 0)));
	end(&t);
	/* struct ops { void (*log)(const char *, ...); } ops; ops.log = log_info; */
	pf_declid field_log = D(&t, PF_DECL_FIELD, "log", "ops", PF_TY_FUNCPTR, NULL, NULL);
	pf_declid ops = D(&t, PF_DECL_GLOBAL, "ops", NULL, PF_TY_RECORD, "ops", NULL);
	begin(&t, FN(&t, "init", PF_TY_OTHER, NULL, 0));
	ASSIGN(&t, 40, P(PF_BASE_GLOBAL, ops, field_log, 0), RF(log_info), 0);
	end(&t);
	begin(&t, FN(&t, "use", PF_TY_OTHER, NULL, 0));
	uint32_t u = PARAM(&t, "u", PF_TY_RECPTR, "user");
	CALL(&t, 50, log_info, NOPATH, 2, RS(&t, "%s"), RP(&t, P(PF_BASE_PARAM, u, x.email, 0)));
	CALL(&t, 51, log_info, NOPATH, 2, RS(&t, "%d"), RP(&t, P(PF_BASE_PARAM, u, x.count, 0)));
	ICALL(&t, 52, RP(&t, P(PF_BASE_GLOBAL, ops, field_log, 0)), 2, RS(&t, "%s"),
	      RP(&t, P(PF_BASE_PARAM, u, x.email, 0)));
	end(&t);
	expect("variadic wrapper reported at its calls, also through a pointer", run(&t),
	       "sensitive-log@50 sensitive-log@52");
}

static void test_return_and_outparam(void)
{
	tb t;
	fx x;
	tb_init(&t, "a.c");
	common(&t, &x);
	/* const char *get(struct user *u) { return u->email; } */
	pf_declid get = FN(&t, "get", PF_TY_STRING, NULL, 0);
	begin(&t, get);
	uint32_t u = PARAM(&t, "u", PF_TY_RECPTR, "user");
	RETURN(&t, 3, RP(&t, P(PF_BASE_PARAM, u, x.email, 0)));
	end(&t);
	/* void fill(char *out, struct user *u) { snprintf(out, 64, "%s", u->email); } */
	pf_declid fill = FN(&t, "fill", PF_TY_OTHER, NULL, 0);
	begin(&t, fill);
	uint32_t out = PARAM(&t, "out", PF_TY_STRING, NULL);
	uint32_t u2 = PARAM(&t, "u", PF_TY_RECPTR, "user");
	CALL(&t, 6, x.snprintf_, NOPATH, 4, RP(&t, P(PF_BASE_PARAM, out, 0, 0)), RI(64), RS(&t, "%s"),
	     RP(&t, P(PF_BASE_PARAM, u2, x.email, 0)));
	end(&t);
	begin(&t, FN(&t, "main2", PF_TY_INT, NULL, 0));
	uint32_t uu = PARAM(&t, "u", PF_TY_RECPTR, "user");
	uint32_t v = LOCAL(&t, "v", PF_TY_STRING, NULL);
	uint32_t b = LOCAL(&t, "b", PF_TY_STRING, NULL);
	CALL(&t, 60, get, P(PF_BASE_LOCAL, v, 0, 0), 1, RP(&t, P(PF_BASE_PARAM, uu, 0, 0)));
	CALL(&t, 61, x.syslog, NOPATH, 3, RI(6), RS(&t, "%s"), RP(&t, P(PF_BASE_LOCAL, v, 0, 0)));
	CALL(&t, 62, fill, NOPATH, 2, RP(&t, P(PF_BASE_LOCAL, b, 0, 0)), RP(&t, P(PF_BASE_PARAM, uu, 0, 0)));
	CALL(&t, 63, x.syslog, NOPATH, 3, RI(6), RS(&t, "%s"), RP(&t, P(PF_BASE_LOCAL, b, 0, 0)));
	end(&t);
	expect("return value and out-parameter", run(&t), "sensitive-log@61 sensitive-log@63");
}

/* void fname(struct rec *rec, struct user *u)
   { fname = hooks.name(rec, u); syslog(6, "%s", fname); }, at line and line + 1 */
static void log_hook_name(tb *t, fx *x, pf_declid hooks, pf_declid field, const char *fname,
                          const char *rec, uint32_t line)
{
	begin(t, FN(t, fname, PF_TY_OTHER, NULL, 0));
	/* declarations are named by their spelling here: one per caller */
	uint32_t p = PARAM(t, rec, PF_TY_RECPTR, rec);
	uint32_t u = PARAM(t, "u", PF_TY_RECPTR, "user");
	uint32_t v = LOCAL(t, fname, PF_TY_STRING, NULL);
	ICALL(t, line, RP(t, P(PF_BASE_GLOBAL, hooks, field, 0)), 2, RP(t, P(PF_BASE_PARAM, p, 0, 0)),
	      RP(t, P(PF_BASE_PARAM, u, 0, 0)));
	t->insns.v[t->insns.n - 1].dst = P(PF_BASE_LOCAL, v, 0, 0);
	CALL(t, line + 1, x->syslog, NOPATH, 3, RI(6), RS(t, "%s"), RP(t, P(PF_BASE_LOCAL, v, 0, 0)));
	end(t);
}

/*
 * One pointer cell, two targets of other struct types (a hook field both
 * filters' tables fill, declared without a prototype):
 *   char *conn_name(struct conn *c, struct user *u) { return u->email; }
 *   char *logger_name(struct logger *l, struct user *u) { return l->prefix; }
 *   void run(struct logger *lg, struct user *u)
 *   { syslog(6, "%s", hooks.name(lg, u)); }     -- the prefix: fine
 *   void run2(struct conn *cn, struct user *u)
 *   { syslog(6, "%s", hooks.name(cn, u)); }     -- the e-mail address
 * A call reaches the targets that take its struct types.
 */
static void test_fnptr_target_types(void)
{
	tb t;
	fx x;
	tb_init(&t, "a.c");
	common(&t, &x);
	pf_declid prefix = D(&t, PF_DECL_FIELD, "prefix", "logger", PF_TY_STRING, NULL, NULL);
	pf_declid conn_name = FN(&t, "conn_name", PF_TY_STRING, NULL, 0);
	begin(&t, conn_name);
	PARAM(&t, "c", PF_TY_RECPTR, "conn");
	uint32_t u = PARAM(&t, "u", PF_TY_RECPTR, "user");
	RETURN(&t, 3, RP(&t, P(PF_BASE_PARAM, u, x.email, 0)));
	end(&t);
	pf_declid logger_name = FN(&t, "logger_name", PF_TY_STRING, NULL, 0);
	begin(&t, logger_name);
	uint32_t l = PARAM(&t, "l", PF_TY_RECPTR, "logger");
	PARAM(&t, "u", PF_TY_RECPTR, "user");
	RETURN(&t, 6, RP(&t, P(PF_BASE_PARAM, l, prefix, 0)));
	end(&t);
	pf_declid field_name = D(&t, PF_DECL_FIELD, "name", "hooks", PF_TY_FUNCPTR, NULL, NULL);
	pf_declid hooks = D(&t, PF_DECL_GLOBAL, "hooks", NULL, PF_TY_RECORD, "hooks", NULL);
	begin(&t, FN(&t, "init", PF_TY_OTHER, NULL, 0));
	ASSIGN(&t, 10, P(PF_BASE_GLOBAL, hooks, field_name, 0), RF(conn_name), 0);
	ASSIGN(&t, 11, P(PF_BASE_GLOBAL, hooks, field_name, 0), RF(logger_name), 0);
	end(&t);
	log_hook_name(&t, &x, hooks, field_name, "run", "logger", 20);
	log_hook_name(&t, &x, hooks, field_name, "run2", "conn", 30);
	expect("a pointer call reaches the targets that take its struct types", run(&t),
	       "sensitive-log@31");
}

/*
 * A field of another struct written below a struct (a cast, or a path the
 * engine made) is kept apart, unless the function has more than
 * TYPED_SLOTS locations: then it is cut to the whole object, which every
 * field then reads (a widening: more, never less).
 *   void f(struct rec *r, struct user *u)
 *   { tmp = r->f0; ... tmp = r->f<n-1>;  ((struct user *)r)->email = u->email;
 *     syslog(6, "%s", r->f0); }
 */
static void typed_cut_case(int nfields, const char *want)
{
	tb t;
	fx x;
	char name[32], what[96];
	tb_init(&t, "a.c");
	common(&t, &x);
	begin(&t, FN(&t, "f", PF_TY_OTHER, NULL, 0));
	uint32_t r = PARAM(&t, "r", PF_TY_RECPTR, "rec");
	uint32_t u = PARAM(&t, "u", PF_TY_RECPTR, "user");
	uint32_t tmp = LOCAL(&t, "tmp", PF_TY_STRING, NULL);
	pf_declid f0 = 0;
	for (int i = 0; i < nfields; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		pf_declid fd = D(&t, PF_DECL_FIELD, name, "rec", PF_TY_STRING, NULL, NULL);
		if (!i)
			f0 = fd;
		ASSIGN(&t, 10, P(PF_BASE_LOCAL, tmp, 0, 0), RP(&t, P(PF_BASE_PARAM, r, fd, 0)), 1);
	}
	ASSIGN(&t, 20, P(PF_BASE_PARAM, r, x.email, 0), RP(&t, P(PF_BASE_PARAM, u, x.email, 0)), 0);
	CALL(&t, 21, x.syslog, NOPATH, 3, RI(6), RS(&t, "%s"), RP(&t, P(PF_BASE_PARAM, r, f0, 0)));
	end(&t);
	snprintf(what, sizeof(what), "a field of another struct after %d fields", nfields);
	expect(what, run(&t), want);
}

static void test_typed_cut(void)
{
	typed_cut_case(8, "");
	typed_cut_case(2100, "sensitive-log@21");
}

/*
 * A summary of many events forgets where its personal data was read from
 * (past MAX_EVENTS / 32 of them), and no flow is lost:
 *   void relay(FILE *out, struct user *u)
 *   { fprintf(out, "%s", u->email_0); ... fprintf(out, "%s", u->email_<n-1>); }
 *   void top(struct user *v) { relay(stderr, v); }
 * Each line is a finding; the first name their field, the last do not.
 */
static void test_many_origins(void)
{
	enum { N = 200 };
	tb t;
	fx x;
	char name[32];
	tb_init(&t, "a.c");
	common(&t, &x);
	pf_declid relay = FN(&t, "relay", PF_TY_OTHER, NULL, 0);
	begin(&t, relay);
	uint32_t out = PARAM(&t, "out", PF_TY_POINTER, NULL);
	uint32_t u = PARAM(&t, "u", PF_TY_RECPTR, "user");
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "email_%d", i);
		pf_declid fd = D(&t, PF_DECL_FIELD, name, "user", PF_TY_STRING, NULL, NULL);
		CALL(&t, 100 + (uint32_t)i, x.fprintf_, NOPATH, 3, RP(&t, P(PF_BASE_PARAM, out, 0, 0)),
		     RS(&t, "%s"), RP(&t, P(PF_BASE_PARAM, u, fd, 0)));
	}
	end(&t);
	begin(&t, FN(&t, "top", PF_TY_OTHER, NULL, 0));
	uint32_t v = PARAM(&t, "v", PF_TY_RECPTR, "user");
	pf_rval err = RP(&t, P(PF_BASE_GLOBAL, x.stderr_, 0, 0));
	err.ident = x.stderr_;
	CALL(&t, 300, relay, NOPATH, 2, err, RP(&t, P(PF_BASE_PARAM, v, 0, 0)));
	end(&t);

	pf_results *res = run(&t);
	size_t named = 0, n = 0;
	for (size_t i = 0; i < res->nfindings; i++) {
		const pf_finding *f = &res->findings[i];
		if (f->rule != PF_RULE_SENSITIVE_LOG || f->line < 100 || f->line >= 100 + N)
			continue;
		n++;
		named += strstr(f->message, "email_") != NULL;
	}
	if (n != N || named == 0 || named == N) {
		failures++;
		printf("FAIL many origins: %zu of %d lines found, %zu name their field\n", n, N, named);
	} else {
		printf("ok   many origins: %zu lines, the first %zu name their field\n", n, named);
	}
	pf_results_free(res);
}

/*
 * A summary of many symbolic events cuts their symbols (past 256 events
 * to two elements below the parameter, past 512 to one), and no flow is
 * lost:
 *   void relay(FILE *out, struct rec *r)
 *   { fprintf(out, "%s", r->g0.note); ... fprintf(out, "%s", r->g599.note); }
 *   void top(struct rec *v, struct user *w)
 *   { v->g0.note = w->email; ... v->g599.note = w->email; relay(stderr, v); }
 */
static void test_many_symbolic_events(void)
{
	enum { N = 600 };
	tb t;
	fx x;
	char name[32];
	pf_declid g[N];
	tb_init(&t, "a.c");
	common(&t, &x);
	pf_declid note = D(&t, PF_DECL_FIELD, "note", "grp", PF_TY_STRING, NULL, NULL);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		g[i] = D(&t, PF_DECL_FIELD, name, "rec", PF_TY_RECORD, "grp", NULL);
	}
	pf_declid relay = FN(&t, "relay", PF_TY_OTHER, NULL, 0);
	begin(&t, relay);
	uint32_t out = PARAM(&t, "relay_out", PF_TY_POINTER, NULL);
	uint32_t r = PARAM(&t, "relay_r", PF_TY_RECPTR, "rec");
	for (int i = 0; i < N; i++)
		CALL(&t, 1000 + (uint32_t)i, x.fprintf_, NOPATH, 3, RP(&t, P(PF_BASE_PARAM, out, 0, 0)),
		     RS(&t, "%s"), RP(&t, P(PF_BASE_PARAM, r, g[i], note)));
	end(&t);
	begin(&t, FN(&t, "top", PF_TY_OTHER, NULL, 0));
	uint32_t v = PARAM(&t, "top_v", PF_TY_RECPTR, "rec");
	uint32_t w = PARAM(&t, "top_w", PF_TY_RECPTR, "user");
	for (int i = 0; i < N; i++)
		ASSIGN(&t, 10, P(PF_BASE_PARAM, v, g[i], note), RP(&t, P(PF_BASE_PARAM, w, x.email, 0)), 0);
	pf_rval err = RP(&t, P(PF_BASE_GLOBAL, x.stderr_, 0, 0));
	err.ident = x.stderr_;
	CALL(&t, 20, relay, NOPATH, 2, err, RP(&t, P(PF_BASE_PARAM, v, 0, 0)));
	end(&t);

	pf_results *res = run(&t);
	size_t n = 0;
	for (size_t i = 0; i < res->nfindings; i++)
		n += res->findings[i].rule == PF_RULE_SENSITIVE_LOG && res->findings[i].line >= 1000 &&
		     res->findings[i].line < 1000 + N;
	if (n != N) {
		failures++;
		printf("FAIL many symbolic events: %zu of %d lines found\n", n, N);
	} else {
		printf("ok   many symbolic events: all %zu lines found\n", n);
	}
	pf_results_free(res);
}

/*
 * An event reached with many handles widens its handle set (past
 * MAX_HANDLE_SYMS symbols, summary.c) to the parameter, deep: the
 * caller's handle below the argument is still found.
 *   void relay(struct conn *c, struct user *u)
 *   { fprintf(c->h0.fp, "%s", u->email); ... fprintf(c->h299.fp, ...); }
 *   void top(struct conn *k, struct user *w) { k->h260.fp = stderr; relay(k, w); }
 * Past 256 events, those differing only in their handles are one, and
 * h256..h272 are widened to k: line 1260 is found through the widened
 * set; the lines below 1256 keep their own handle, which is unknown.
 */
static void test_many_handles(void)
{
	enum { N = 300, LOG = 260 };
	tb t;
	fx x;
	char name[32];
	pf_declid h[N];
	tb_init(&t, "a.c");
	common(&t, &x);
	pf_declid fp = D(&t, PF_DECL_FIELD, "fp", "chan", PF_TY_POINTER, NULL, NULL);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		h[i] = D(&t, PF_DECL_FIELD, name, "conn", PF_TY_RECORD, "chan", NULL);
	}
	pf_declid relay = FN(&t, "relay", PF_TY_OTHER, NULL, 0);
	begin(&t, relay);
	uint32_t c = PARAM(&t, "mh_c", PF_TY_RECPTR, "conn");
	uint32_t u = PARAM(&t, "mh_u", PF_TY_RECPTR, "user");
	for (int i = 0; i < N; i++)
		CALL(&t, 1000 + (uint32_t)i, x.fprintf_, NOPATH, 3, RP(&t, P(PF_BASE_PARAM, c, h[i], fp)),
		     RS(&t, "%s"), RP(&t, P(PF_BASE_PARAM, u, x.email, 0)));
	end(&t);
	begin(&t, FN(&t, "top", PF_TY_OTHER, NULL, 0));
	uint32_t k = PARAM(&t, "mh_k", PF_TY_RECPTR, "conn");
	uint32_t w = PARAM(&t, "mh_w", PF_TY_RECPTR, "user");
	pf_rval err = RP(&t, P(PF_BASE_GLOBAL, x.stderr_, 0, 0));
	err.ident = x.stderr_;
	ASSIGN(&t, 10, P(PF_BASE_PARAM, k, h[LOG], fp), err, 0);
	CALL(&t, 20, relay, NOPATH, 2, RP(&t, P(PF_BASE_PARAM, k, 0, 0)),
	     RP(&t, P(PF_BASE_PARAM, w, 0, 0)));
	end(&t);

	pf_results *res = run(&t);
	size_t low = 0, hit = 0;
	for (size_t i = 0; i < res->nfindings; i++) {
		const pf_finding *f = &res->findings[i];
		if (f->rule != PF_RULE_SENSITIVE_LOG)
			continue;
		low += f->line >= 1000 && f->line < 1256;
		hit += f->line == 1000 + LOG;
	}
	if (!hit || low) {
		failures++;
		printf("FAIL many handles: line %d %sfound, %zu lines of unknown handle reported\n",
		       1000 + LOG, hit ? "" : "not ", low);
	} else {
		printf("ok   many handles: line %d found through the widened handle set\n", 1000 + LOG);
	}
	pf_results_free(res);
}

/* --- traces: steps and joins, listed in order ----------------------------- */

static pf_tnode nodes[256];
static size_t nnodes;

static const pf_tnode *step(const pf_tnode *prev, unsigned line)
{
	pf_tnode *n = &nodes[nnodes++];
	memset(n, 0, sizeof(*n));
	n->prev = prev;
	n->loc.line = line;
	n->len = prev ? prev->len + 1 : 1;
	return n;
}

static const pf_tnode *join(const pf_tnode *base, const pf_tnode *sub)
{
	pf_tnode *n = &nodes[nnodes++];
	memset(n, 0, sizeof(*n));
	n->prev = base;
	n->sub = sub;
	n->len = (base ? base->len : 0) + sub->len - 1;
	return n;
}

static const pf_tnode *chain(unsigned from, unsigned n)
{
	const pf_tnode *t = NULL;
	for (unsigned i = 0; i < n; i++)
		t = step(t, from + i);
	return t;
}

/* The lines of t's steps, comma-separated. */
static const char *lines(const pf_tnode *t, size_t max)
{
	static char buf[1024];
	const pf_tnode *out[64];
	size_t n = pf_trace_steps(t, out, max), k = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && k < sizeof(buf) - 16; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, i ? ",%u" : "%u", out[i]->loc.line);
	return buf;
}

static void same(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		failures++;
		printf("FAIL %s\n  want: %s\n  got:  %s\n", what, want, got);
	} else {
		printf("ok   %s\n", what);
	}
}

static void test_trace_steps(void)
{
	const pf_tnode *a = chain(1, 3), *x = chain(10, 3);
	char len[16];

	same("trace: none", lines(NULL, 48), "");
	same("trace: a chain in order", lines(a, 48), "1,2,3");
	/* a join drops the first step of what it appends (the callee's
	   parameter, which the caller's step stands for) */
	same("trace: join", lines(join(a, x), 48), "1,2,3,11,12");
	same("trace: join on nothing", lines(join(NULL, x), 48), "11,12");
	same("trace: nested joins", lines(step(join(join(a, x), chain(20, 2)), 30), 48),
	     "1,2,3,11,12,21,30");
	/* a long trace keeps its first max - 1 steps and its last */
	const pf_tnode *big = join(join(chain(100, 5), chain(200, 6)), chain(300, 4));
	snprintf(len, sizeof(len), "%u", big->len);
	same("trace: length of joins", len, "13");
	same("trace: long trace cut", lines(big, 6), "100,101,102,103,104,303");
	same("trace: exactly max", lines(big, 13), "100,101,102,103,104,201,202,203,204,205,301,302,303");
}

int main(void)
{
	char path[4096];

	cat = pf_catalog_new();
	snprintf(path, sizeof(path), "%s/rules/catalog.json", PF_TEST_SOURCE_DIR);
	if (pf_catalog_load(cat, path) < 0) {
		fprintf(stderr, "%s\n", pf_error_last());
		return 1;
	}
	snprintf(path, sizeof(path), "%s/rules/facturi.policy.json", PF_TEST_SOURCE_DIR);
	if (pf_policy_load(&pol, path) < 0) {
		fprintf(stderr, "%s\n", pf_error_last());
		return 1;
	}
	test_direct_log();
	test_helper_and_overwrite();
	test_credentials();
	test_variadic_wrapper_and_fnptr();
	test_return_and_outparam();
	test_fnptr_target_types();
	test_typed_cut();
	test_many_origins();
	test_many_symbolic_events();
	test_many_handles();
	test_trace_steps();
	pf_catalog_free(cat);
	pf_policy_free(pol);
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
