/*
 * Unit test of the frontend (libclang -> IR), the IR containers and the
 * compilation database: writes small C projects to a temporary directory,
 * parses them with pf_frontend_parse and checks the IR they lower to
 * (paths, CFG shape, conditions, macro use locations, annotations,
 * declaration dedup, whole-program merge). Exit status 0 when every check
 * passes, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compdb.h"
#include "frontend.h"
#include "ir.h"
#include "util.h"

static int failures;

#define CHECK(cond)                                                         \
	do {                                                                    \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                     \
		}                                                                   \
	} while (0)

static char tmpdir[256];

static void write_file(const char *rel, const char *text)
{
	char *path = pf_asprintf("%s/%s", tmpdir, rel);
	char *slash = strrchr(path, '/');
	*slash = 0;
	pf_mkdirs(path);
	*slash = '/';
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	pf_free(path);
}

/* The repository root, for include/privflow.h. */
static char *repo_root(void)
{
#ifdef PF_SOURCE_DATADIR
	return pf_strdup(PF_SOURCE_DATADIR);
#else
	const char *f = __FILE__;
	const char *tail = strstr(f, "/tests/unit/");
	return tail ? pf_strndup(f, (size_t)(tail - f)) : pf_strdup("..");
#endif
}

static pf_frontend *fe;

static pf_tu *parse(const char *rel, const char *const *flags)
{
	char *cflags[16];
	size_t n = 0;
	cflags[n++] = pf_asprintf("-I%s/inc", tmpdir);
	for (; flags && flags[n - 1]; n++)
		cflags[n] = pf_strdup(flags[n - 1]);
	char *file = pf_asprintf("%s/%s", tmpdir, rel);
	pf_compdb *db = NULL;
	pf_compdb_from_files(&db, &file, 1, cflags, n);
	pf_tu *tu = pf_frontend_parse(fe, &db->tus[0]);
	if (getenv("PF_TEST_DUMP"))
		pf_tu_dump(tu, stderr);
	pf_compdb_free(db);
	pf_free(file);
	for (size_t i = 0; i < n; i++)
		pf_free(cflags[i]);
	return tu;
}

static const char *S(const pf_tu *tu, pf_sym s)
{
	return pf_strtab_str(tu->strs, s);
}

static const pf_func *func_named(const pf_tu *tu, const char *name)
{
	for (uint32_t i = 0; i < tu->nfuncs; i++)
		if (strcmp(S(tu, tu->decls[tu->funcs[i].decl].name), name) == 0)
			return &tu->funcs[i];
	return NULL;
}

static const pf_decl *decl_named(const pf_tu *tu, int kind, const char *name)
{
	for (uint32_t i = 1; i < tu->ndecls; i++)
		if (tu->decls[i].kind == kind && strcmp(S(tu, tu->decls[i].name), name) == 0)
			return &tu->decls[i];
	return NULL;
}

static int has_annot(const pf_tu *tu, const pf_decl *d, const char *a)
{
	for (uint32_t i = 0; d && i < d->nannots; i++)
		if (strcmp(S(tu, d->annots[i]), a) == 0)
			return 1;
	return 0;
}

/* The n-th CALL to `callee` in f, and its block in *blk. */
static const pf_insn *call_to(const pf_tu *tu, const pf_func *f, const char *callee,
                              int nth, uint32_t *blk)
{
	for (uint32_t b = 0; f && b < f->nblocks; b++)
		for (uint32_t i = f->blocks[b].first; i < f->blocks[b].first + f->blocks[b].count; i++) {
			const pf_insn *in = &f->insns[i];
			if (in->op == PF_OP_CALL && in->callee &&
			    strcmp(S(tu, tu->decls[in->callee].name), callee) == 0 && nth-- == 0) {
				if (blk)
					*blk = b;
				return in;
			}
		}
	return NULL;
}

/* Blocks that branch or go to `target`. */
static int preds(const pf_func *f, uint32_t target, uint32_t *out, int max)
{
	int n = 0;
	for (uint32_t b = 0; b < f->nblocks; b++)
		for (uint32_t s = 0; s < f->blocks[b].nsucc; s++)
			if (f->blocks[b].succ[s] == target && n < max)
				out[n++] = b;
	return n;
}

static const char *path_name(const pf_tu *tu, const pf_func *f, const pf_path *p)
{
	static char buf[256];
	size_t len = 0;
	pf_declid base = 0;
	buf[0] = 0;
	if (p->base == PF_BASE_PARAM)
		base = f->params[p->var];
	else if (p->base == PF_BASE_LOCAL)
		base = f->locals[p->var];
	else if (p->base == PF_BASE_GLOBAL)
		base = p->var;
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s",
	                        base ? S(tu, tu->decls[base].name)
	                             : p->base == PF_BASE_LOCAL ? "tmp" : "?");
	for (int i = 0; i < p->depth && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, ".%s",
		                        S(tu, tu->decls[p->field[i]].name));
	return buf;
}

static void test_mail(void)
{
	write_file("inc/user.h",
	           "#include <privflow.h>\n"
	           "struct user {\n"
	           "  char *email PRIVFLOW_DATA(\"user.contact.email\");\n"
	           "  int optout PRIVFLOW_OPTOUT(\"marketing\");\n"
	           "};\n"
	           "PRIVFLOW_SINK(\"log\") void my_log(const char *fmt, ...);\n"
	           "PRIVFLOW_PURPOSE(\"marketing.communications\") void send_mail(struct user *u, int ok);\n");
	write_file("mail.c",
	           "#include <syslog.h>\n"
	           "#include <string.h>\n"
	           "#include <stdio.h>\n"
	           "#include \"user.h\"\n"
	           "#define LOG(x) syslog(LOG_INFO, \"%s\", x)\n"
	           "void send(const char *);\n"
	           "void send_mail(struct user *u, int ok)\n"
	           "{\n"
	           "  if (!u->optout && ok)\n"
	           "    send(u->email);\n"
	           "  LOG(u->email);\n"
	           "  if (strcmp(u->email, \"x\") == 0)\n"
	           "    return;\n"
	           "  char buf[32];\n"
	           "  snprintf(buf, sizeof buf, \"<%s>\\n\", u->email);\n"
	           "  my_log(\"%s\", buf);\n"
	           "}\n");
	const char *flags[] = {"-O2", "-D_FORTIFY_SOURCE=2", NULL};
	pf_tu *tu = parse("mail.c", flags);
	CHECK(!tu->failed);
	CHECK(strcmp(S(tu, tu->main_file), "mail.c") == 0);
	const pf_func *f = func_named(tu, "send_mail");
	CHECK(f != NULL);
	if (!f) {
		pf_tu_free(tu);
		return;
	}
	CHECK(f->nparams == 2);
	CHECK(f->loc.line == 7 && strcmp(S(tu, f->loc.file), "mail.c") == 0);

	/* annotations: on fields, and on a function declared in a header */
	const pf_decl *email = decl_named(tu, PF_DECL_FIELD, "email");
	CHECK(has_annot(tu, email, "privflow:data:user.contact.email"));
	CHECK(email && email->tclass == PF_TY_STRING);
	CHECK(email && strcmp(S(tu, email->scope), "user") == 0);
	CHECK(email && strcmp(S(tu, email->loc.file), "inc/user.h") == 0);
	CHECK(has_annot(tu, decl_named(tu, PF_DECL_FIELD, "optout"), "privflow:optout:marketing"));
	const pf_decl *sm = &tu->decls[f->decl];
	CHECK(has_annot(tu, sm, "privflow:purpose:marketing.communications"));
	CHECK(sm->flags & PF_DF_DEFINED);
	const pf_decl *ml = decl_named(tu, PF_DECL_FUNC, "my_log");
	CHECK(has_annot(tu, ml, "privflow:sink:log"));
	CHECK(ml && (ml->flags & PF_DF_VARIADIC));
	const pf_decl *u = &tu->decls[f->params[0]];
	CHECK(u->tclass == PF_TY_RECPTR && strcmp(S(tu, u->record), "user") == 0);

	/* send() is reached only through both conditions */
	uint32_t sb = 0, p1[4], p2[4];
	const pf_insn *send = call_to(tu, f, "send", 0, &sb);
	CHECK(send != NULL);
	if (send) {
		CHECK(send->nargs == 1 && send->args[0].npaths == 1);
		CHECK(strcmp(path_name(tu, f, &send->args[0].paths[0]), "u.email") == 0);
		CHECK(send->args[0].paths[0].base == PF_BASE_PARAM);
		CHECK(preds(f, sb, p1, 4) == 1);
		const pf_block *okb = &f->blocks[p1[0]];
		CHECK(okb->term == PF_TERM_BRANCH && okb->succ[0] == sb);
		CHECK(strcmp(path_name(tu, f, &okb->cond.path), "ok") == 0 && !okb->cond.negate);
		CHECK(preds(f, p1[0], p2, 4) == 1);
		const pf_block *ob = &f->blocks[p2[0]];
		CHECK(ob->term == PF_TERM_BRANCH && ob->cond.negate == 1);
		CHECK(strcmp(path_name(tu, f, &ob->cond.path), "u.optout") == 0);
		CHECK(p2[0] == 0);
	}

	/* a call through a macro: loc in the source, use = the macro's use */
	const pf_insn *sl = call_to(tu, f, "syslog", 0, NULL);
	if (!sl)
		sl = call_to(tu, f, "__syslog_chk", 0, NULL);
	CHECK(sl != NULL);
	if (sl) {
		CHECK(sl->use.line == 11 && sl->use.col == 3);
		CHECK(sl->nargs == 3);
		CHECK(sl->nargs >= 1 && (sl->args[0].flags & PF_RV_INT) && sl->args[0].ival == 6);
		CHECK(sl->nargs >= 2 && (sl->args[1].flags & PF_RV_STR) &&
		      strcmp(sl->args[1].str, "%s") == 0);
	}

	/* strcmp(...) == 0: a call into a temp, then a negated branch on it */
	uint32_t cb = 0;
	const pf_insn *sc = call_to(tu, f, "strcmp", 0, &cb);
	CHECK(sc != NULL && sc->dst.base == PF_BASE_LOCAL && f->locals[sc->dst.var] == 0);
	if (sc) {
		const pf_block *b = &f->blocks[cb];
		CHECK(b->term == PF_TERM_BRANCH && b->cond.negate == 1 &&
		      pf_path_eq(&b->cond.path, &sc->dst));
		/* the true side returns */
		const pf_block *rb = &f->blocks[b->succ[0]];
		CHECK(rb->term == PF_TERM_EXIT && rb->count == 1 &&
		      f->insns[rb->first].op == PF_OP_RETURN);
	}

	/* fortified snprintf: the plain name, the plain argument positions */
	const pf_insn *sn = call_to(tu, f, "snprintf", 0, NULL);
	CHECK(sn != NULL && sn->nargs == 4);
	if (sn && sn->nargs == 4) {
		CHECK((sn->args[2].flags & PF_RV_STR) && strcmp(sn->args[2].str, "<%s>\n") == 0);
		CHECK(strcmp(path_name(tu, f, &sn->args[3].paths[0]), "u.email") == 0);
		CHECK(strcmp(path_name(tu, f, &sn->args[0].paths[0]), "buf") == 0);
	}
	CHECK(call_to(tu, f, "my_log", 0, NULL) != NULL);

	/* the project's file and the system headers are recorded */
	int seen_main = 0, seen_sys = 0;
	for (uint32_t i = 0; i < tu->nfiles; i++) {
		if (strcmp(S(tu, tu->files[i].path), "mail.c") == 0 && !tu->files[i].system)
			seen_main = strlen(tu->files[i].sha256) == 64;
		seen_sys += tu->files[i].system;
	}
	CHECK(seen_main);
	CHECK(seen_sys > 0);
	pf_tu_free(tu);
}

static void test_cfg(void)
{
	write_file("cfg.c",
	           "#include <stdlib.h>\n"
	           "#include <stdarg.h>\n"
	           "struct s { int a; char *p; struct s *next; };\n"
	           "enum { K = 7 };\n"
	           "int g;\n"
	           "static int cb(int x) { return x; }\n"
	           "int (*fp)(int) = cb;\n"
	           "int f(int n, struct s *q, ...)\n"
	           "{\n"
	           "  int r = 0;\n"
	           "  struct s loc = { .a = 1, .p = \"hi\" };\n"
	           "  va_list ap;\n"
	           "  va_start(ap, q);\n"
	           "  va_end(ap);\n"
	           "  switch (n) {\n"
	           "  case 1: r = K;\n"
	           "  case 2: r++; break;\n"
	           "  default: exit(1);\n"
	           "  }\n"
	           "  while (q) { if (q->a) break; q = q->next; }\n"
	           "  for (int i = 0; i < n; i++) { if (i == 3) continue; g = i; }\n"
	           "  do { r--; } while (r > 0);\n"
	           "  loc.a = r;\n"
	           "  q->a = fp(r);\n"
	           "  if (n == 9) goto out;\n"
	           "  return r ? r : loc.a;\n"
	           "  r = 3;\n"
	           "out:\n"
	           "  return (int)(long)NULL;\n"
	           "}\n");
	pf_tu *tu = parse("cfg.c", NULL);
	CHECK(!tu->failed);
	const pf_func *f = func_named(tu, "f");
	CHECK(f != NULL);
	if (!f) {
		pf_tu_free(tu);
		return;
	}
	int nswitch = 0, nexit_call = 0, nassign_strong_field = 0, nva = 0,
	    nweak_global = 0, nfptr = 0, nenum = 0, nret = 0, nstr = 0;
	for (uint32_t b = 0; b < f->nblocks; b++) {
		const pf_block *bl = &f->blocks[b];
		if (bl->term == PF_TERM_SWITCH) {
			nswitch++;
			CHECK(bl->nsucc == 3);
		}
		for (uint32_t i = bl->first; i < bl->first + bl->count; i++) {
			const pf_insn *in = &f->insns[i];
			if (in->op == PF_OP_CALL && in->callee &&
			    strcmp(S(tu, tu->decls[in->callee].name), "exit") == 0) {
				nexit_call++;
				CHECK(bl->term == PF_TERM_EXIT && i == bl->first + bl->count - 1);
			}
			if (in->op == PF_OP_ASSIGN && in->strong && in->dst.depth == 1 &&
			    strcmp(path_name(tu, f, &in->dst), "loc.a") == 0)
				nassign_strong_field++;
			if (in->op == PF_OP_ASSIGN && in->src.npaths == 1 &&
			    in->src.paths[0].base == PF_BASE_VARARGS)
				nva++;
			if (in->op == PF_OP_ASSIGN && in->dst.base == PF_BASE_GLOBAL)
				nweak_global += !in->strong;
			if (in->op == PF_OP_CALL && !in->callee && in->fptr.npaths == 1 &&
			    in->fptr.paths[0].base == PF_BASE_GLOBAL)
				nfptr++;
			if (in->op == PF_OP_ASSIGN && (in->src.flags & PF_RV_INT) &&
			    in->src.ival == 7 && in->src.ident)
				nenum++;
			if (in->op == PF_OP_ASSIGN && (in->src.flags & PF_RV_STR) &&
			    strcmp(in->src.str, "hi") == 0 &&
			    strcmp(path_name(tu, f, &in->dst), "loc.p") == 0)
				nstr++;
			if (in->op == PF_OP_RETURN)
				nret++;
		}
	}
	CHECK(nswitch == 1);
	CHECK(nexit_call == 1);
	CHECK(nassign_strong_field == 2); /* the initialiser and loc.a = r */
	CHECK(nva == 1);
	CHECK(nweak_global == 1);
	CHECK(nfptr == 1);
	CHECK(nenum == 1);
	CHECK(nstr == 1);
	CHECK(nret == 2);
	/* unreachable `r = 3` still has a block, with no predecessor */
	int unreachable = 0;
	for (uint32_t b = 1; b < f->nblocks; b++) {
		uint32_t p[2];
		const pf_block *bl = &f->blocks[b];
		if (bl->count && f->insns[bl->first].op == PF_OP_ASSIGN &&
		    (f->insns[bl->first].src.flags & PF_RV_INT) &&
		    f->insns[bl->first].src.ival == 3 && preds(f, b, p, 2) == 0)
			unreachable = 1;
	}
	CHECK(unreachable);
	/* the global initialiser stores cb's address; cb is marked */
	const pf_decl *cbd = decl_named(tu, PF_DECL_FUNC, "cb");
	CHECK(cbd && (cbd->flags & PF_DF_ADDR) && (cbd->flags & PF_DF_STATIC));
	CHECK(func_named(tu, "__privflow_global_init") != NULL);
	pf_tu_free(tu);
}

/* A TU with errors is lowered as far as clang built it (partial); an
   option the driver refuses is a note; a missing main file fails. */
static void test_failed(void)
{
	write_file("bad.c", "#include \"missing.h\"\nint f(void) { return 0; }\n");
	pf_tu *tu = parse("bad.c", NULL);
	CHECK(!tu->failed && tu->partial);
	CHECK(tu->ndiags >= 1);
	CHECK(tu->ndiags >= 1 && strstr(tu->diags[0].message, "missing.h") != NULL);
	CHECK(tu->ndiags >= 1 && tu->diags[0].loc.line == 1);
	CHECK(tu->nfuncs == 1); /* f is there */
	pf_tu_free(tu);

	write_file("ok.c", "int g(int x) { return x; }\n");
	const char *flags[] = {"-fconserve-stack", "-ftrivial-auto-var-init=zero", NULL};
	tu = parse("ok.c", flags);
	CHECK(!tu->failed && !tu->partial && tu->ndiags == 0);
	CHECK(tu->nnotes == 2);
	CHECK(tu->nnotes >= 1 && strstr(tu->notes[0], "-fconserve-stack") != NULL);
	CHECK(tu->nfuncs == 1);
	pf_tu_free(tu);

	tu = parse("no-such-file.c", NULL);
	CHECK(tu->failed && tu->nfuncs == 0);
	pf_tu_free(tu);
}

static void test_merge(void)
{
	write_file("inc/shared.h",
	           "#include <privflow.h>\n"
	           "struct acct { char *phone PRIVFLOW_DATA(\"user.contact.phone_number\"); };\n"
	           "void keep(struct acct *a);\n");
	write_file("a.c", "#include \"shared.h\"\nvoid keep(struct acct *a) { (void)a->phone; }\n"
	                  "static void helper(void) {}\n");
	write_file("b.c", "#include \"shared.h\"\nvoid keep(struct acct *a) { a->phone = 0; }\n"
	                  "static void helper(void) {}\nvoid use(struct acct *a) { keep(a); helper(); }\n");
	pf_tu *ta = parse("a.c", NULL), *tb = parse("b.c", NULL);
	pf_program *p = pf_program_new();
	pf_program_merge(p, ta);
	pf_program_merge(p, tb);
	int nphone = 0, nkeep = 0, nhelper = 0;
	pf_declid keep = 0;
	for (size_t i = 1; i < p->decls.n; i++) {
		const char *n = pf_program_str(p, p->decls.v[i].name);
		nphone += p->decls.v[i].kind == PF_DECL_FIELD && strcmp(n, "phone") == 0;
		if (p->decls.v[i].kind == PF_DECL_FUNC && strcmp(n, "keep") == 0) {
			nkeep++;
			keep = (pf_declid)i;
		}
		nhelper += p->decls.v[i].kind == PF_DECL_FUNC && strcmp(n, "helper") == 0;
	}
	CHECK(nphone == 1);
	CHECK(nkeep == 1);
	CHECK(nhelper == 2); /* static: one per TU */
	const pf_func *kf = pf_program_func_of(p, keep);
	CHECK(kf != NULL);
	CHECK(kf && kf->ninsns == 0); /* a.c's definition (no assignment) wins */
	CHECK(p->tus.n == 2 && p->failed.n == 0);
	CHECK(strcmp(pf_program_str(p, p->tus.v[1]), "b.c") == 0);
	/* the call in b.c points at the unified decl */
	int calls_keep = 0;
	for (size_t i = 0; i < p->funcs.n; i++)
		for (uint32_t j = 0; j < p->funcs.v[i].ninsns; j++)
			calls_keep += p->funcs.v[i].insns[j].callee == keep;
	CHECK(calls_keep == 1);
	int nshared = 0;
	for (size_t i = 0; i < p->files.n; i++)
		nshared += strcmp(pf_program_str(p, p->files.v[i].path), "inc/shared.h") == 0;
	CHECK(nshared == 1);
	char buf[64];
	pf_path path = {PF_BASE_GLOBAL, 0, 0, keep, {0}};
	CHECK(strcmp(pf_path_str(p, NULL, &path, buf, sizeof(buf)), "keep") == 0);
	pf_program_free(p);
	pf_tu_free(ta);
	pf_tu_free(tb);
}

static void test_compdb(void)
{
	char *json = pf_asprintf(
	        "[\n"
	        " {\"directory\": \"%s\", \"file\": \"mail.c\",\n"
	        "  \"command\": \"/usr/bin/cc -Iinc -DX='a b' -c -o out/mail.o -MD -MF out/mail.d mail.c\"},\n"
	        " {\"directory\": \".\", \"file\": \"cfg.c\",\n"
	        "  \"arguments\": [\"gcc\", \"-c\", \"cfg.c\", \"-o\", \"cfg.o\", \"-DY\"]},\n"
	        " {\"directory\": \"%s\", \"file\": \"./mail.c\", \"command\": \"cc -c mail.c\"},\n"
	        " {\"directory\": \"%s\", \"file\": \"x.s\", \"command\": \"cc -c x.s\"}\n"
	        "]\n",
	        tmpdir, tmpdir, tmpdir);
	write_file("compile_commands.json", json);
	pf_free(json);
	pf_compdb *db = NULL;
	int rc = pf_compdb_load(&db, tmpdir);
	CHECK(rc == 0);
	if (rc == 0) {
		CHECK(db->n == 2);
		char *mail = pf_asprintf("%s/mail.c", tmpdir);
		CHECK(strcmp(db->tus[0].file, mail) == 0);
		pf_free(mail);
		CHECK(db->tus[0].nargs == 2);
		CHECK(db->tus[0].nargs == 2 && strcmp(db->tus[0].args[0], "-Iinc") == 0 &&
		      strcmp(db->tus[0].args[1], "-DX=a b") == 0);
		CHECK(db->tus[1].nargs == 1 && strcmp(db->tus[1].args[0], "-DY") == 0);
		CHECK(strcmp(db->tus[1].directory, tmpdir) == 0);
		pf_compdb_free(db);
	}
	write_file("bad/compile_commands.json", "[\n {\"directory\": \"x\",\n  \"file\": }\n]\n");
	char *bad = pf_asprintf("%s/bad", tmpdir);
	rc = pf_compdb_load(&db, bad);
	CHECK(rc == PF_EINVALID);
	CHECK(strstr(pf_error_last(), "compile_commands.json:3:") != NULL);
	write_file("bad/compile_commands.json", "[\n {\"directory\": \"x\", \"command\": \"cc\"}\n]\n");
	rc = pf_compdb_load(&db, bad);
	CHECK(rc == PF_EINVALID);
	CHECK(strstr(pf_error_last(), "entry 0") && strstr(pf_error_last(), "\"file\""));
	pf_free(bad);
	char *missing = pf_asprintf("%s/nope.json", tmpdir);
	CHECK(pf_compdb_load(&db, missing) == PF_EIO);
	pf_free(missing);

	char **w = NULL;
	size_t n = 0;
	CHECK(pf_shell_split(&w, &n, "cc  -D'A=1 2' \"-DB=\\\"x\\\"\" a\\ b") == 0);
	CHECK(n == 4 && strcmp(w[1], "-DA=1 2") == 0 && strcmp(w[2], "-DB=\"x\"") == 0 &&
	      strcmp(w[3], "a b") == 0);
	for (size_t i = 0; i < n; i++)
		pf_free(w[i]);
	pf_free(w);
	CHECK(pf_shell_split(&w, &n, "cc 'oops") == PF_EINVALID);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pf_test_frontend.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	char *root = repo_root();
	char *inc = pf_asprintf("%s/include", root);
	pf_frontend_opts opts = {tmpdir, inc};
	fe = pf_frontend_new(&opts);
	test_mail();
	test_cfg();
	test_failed();
	test_merge();
	test_compdb();
	pf_frontend_free(fe);
	pf_free(inc);
	pf_free(root);
	if (!getenv("PF_TEST_KEEP")) {
		char *cmd = pf_asprintf("rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
		pf_free(cmd);
	}
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
