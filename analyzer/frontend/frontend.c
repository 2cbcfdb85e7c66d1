/*
 * The frontend: parses one translation unit with libclang (the C API of
 * LLVM 14) and lowers every function the project defines to privflow's IR
 * (ir.h): declarations deduplicated by USR, a CFG per function whose
 * blocks hold assignments and calls between access paths, and branch
 * conditions normalised onto a path and a polarity. The only module that
 * includes clang-c. One pf_frontend (one CXIndex) per worker; the
 * AST never outlives pf_frontend_parse().
 *
 * libclang 14 does not expose operator kinds, so the operator of a binary
 * or unary expression is read from the source text between its operands,
 * falling back, inside macro bodies, to the text around the tokens
 * clang_tokenize finds at the operands' spelling locations.
 */
#define _GNU_SOURCE /* dladdr */
#include "fe_p.h"
#include <dlfcn.h>
#include <errno.h>
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ERRORS 16 /* errors kept per TU */

/* --- the translation unit ------------------------------------------------ */

static void record_fields(fe_tu *x, CXCursor rec, int depth)
{
	kids k;
	fe_kids_get(&k, rec);
	for (unsigned i = 0; i < k.n; i++) {
		enum CXCursorKind ck = clang_getCursorKind(k.v[i]);
		if (ck == CXCursor_FieldDecl) {
			pf_declid id = fe_decl(x, k.v[i]);
			(void)id;
		} else if ((ck == CXCursor_StructDecl || ck == CXCursor_UnionDecl) && depth < 8) {
			record_fields(x, k.v[i], depth + 1);
		}
	}
	fe_kids_free(&k);
}

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	fe_tu *x = d;
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_LinkageSpec || k == CXCursor_Namespace ||
	    k == CXCursor_UnexposedDecl)
		return CXChildVisit_Recurse;
	if (clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
		return CXChildVisit_Continue;
	if (!fe_in_project(x, c))
		return CXChildVisit_Continue;
	switch (k) {
	case CXCursor_FunctionDecl: {
		pf_declid id = fe_decl(x, c);
		fe_decl_redecl(x, id, c);
		if (clang_isCursorDefinition(c))
			fe_lower_function(x, c, id);
		break;
	}
	case CXCursor_VarDecl: {
		pf_declid id = fe_decl(x, c);
		fe_decl_redecl(x, id, c);
		if (!clang_Cursor_isNull(fe_var_init(c)))
			pf_vec_push(&x->ginits, c);
		break;
	}
	case CXCursor_StructDecl:
	case CXCursor_UnionDecl:
		if (clang_isCursorDefinition(c))
			record_fields(x, c, 0);
		break;
	case CXCursor_TypedefDecl: {
		kids kk;
		fe_kids_get(&kk, c);
		for (unsigned i = 0; i < kk.n; i++) {
			enum CXCursorKind ck = clang_getCursorKind(kk.v[i]);
			if ((ck == CXCursor_StructDecl || ck == CXCursor_UnionDecl) &&
			    clang_isCursorDefinition(kk.v[i]))
				record_fields(x, kk.v[i], 0);
		}
		fe_kids_free(&kk);
		break;
	}
	default:
		break;
	}
	return CXChildVisit_Continue;
}

/*
 * The sha256 of f's contents, out[65]. A file seen before in this worker
 * with the same device, inode, time and size has its digest reused (a
 * header rewritten within one second to the same size is not seen).
 */
static void file_digest(fe_tu *x, CXFile f, const char *text, size_t size, char *out)
{
	pf_frontend *fe = x->fe;
	CXFileUniqueID id;
	uint64_t h = 0;
	uint32_t k;

	if (clang_getFileUniqueID(f, &id) != 0) {
		pf_sha256_hex(text, size, out);
		return;
	}
	h = pf_hash64(id.data, sizeof(id.data)) ^ (uint64_t)size * 0x9e3779b97f4a7c15u;
	if (pf_map_get(fe->digest_map, h, &k) &&
	    !memcmp(fe->digests.v[k].id, id.data, sizeof(id.data)) &&
	    fe->digests.v[k].size == size) {
		memcpy(out, fe->digests.v[k].hex, 65);
		return;
	}
	pf_sha256_hex(text, size, out);
	struct fe_digest e;
	memcpy(e.id, id.data, sizeof(id.data));
	e.size = size;
	memcpy(e.hex, out, 65);
	pf_map_put(fe->digest_map, h, (uint32_t)fe->digests.n);
	pf_vec_push(&fe->digests, e);
}

static void inclusion_visit(CXFile f, CXSourceLocation *stack, unsigned n,
                            CXClientData d)
{
	fe_tu *x = d;
	fe_file *fi = fe_file_info(x, f);
	pf_file pf;
	memset(&pf, 0, sizeof(pf));
	pf.path = fi->sym;
	size_t size = 0;
	const char *text = fe_file_text(x, f, &size);
	file_digest(x, f, text ? text : "", text ? size : 0, pf.sha256);
	CXSourceLocation start = clang_getLocationForOffset(x->tu, f, 0);
	pf.system = (uint8_t)(!fi->project || clang_Location_isInSystemHeader(start));
	pf_tub_file(x->b, &pf);
	(void)stack;
	(void)n;
}

/* "14.0.6" of "Debian clang version 14.0.6", or "" */
static void clang_version(char *buf, size_t size)
{
	CXString v = clang_getClangVersion();
	const char *s = strstr(clang_getCString(v), "version ");
	size_t n = s ? strspn(s + 8, "0123456789.") : 0;

	snprintf(buf, size, "%.*s", (int)n, s ? s + 8 : "");
	clang_disposeString(v);
}

/*
 * The clang driver on PATH ("clang-14", else "clang"), or NULL. Its
 * directory as found, symbolic links not followed, is the driver's
 * InstalledDir: the driver finds a cross target's headers from there
 * (MinGW's in /usr/x86_64-w64-mingw32 beside /usr/bin). libclang has no
 * such directory of its own, so it is passed as -ccc-install-dir.
 */
static char *find_driver(const char *version)
{
	int major = atoi(version);
	const char *path = getenv("PATH");

	for (int pass = 0; pass < 2 && path; pass++) {
		for (const char *p = path; *p;) {
			size_t len = strcspn(p, ":");
			if (len && p[0] == '/' && (pass || major)) {
				char *exe = pass == 0 ? pf_asprintf("%.*s/clang-%d", (int)len, p, major)
				                      : pf_asprintf("%.*s/clang", (int)len, p);
				if (access(exe, X_OK) == 0)
					return exe;
				pf_free(exe);
			}
			p += len + (p[len] == ':');
		}
	}
	return NULL;
}

/* DIR/../lib/clang/VERSION if it holds the built-in headers, or NULL. */
static char *resources_beside(const char *file, const char *version)
{
	char real[PATH_MAX], *dir;
	struct stat st;

	if (!file || !realpath(file, real) || !strrchr(real, '/'))
		return NULL;
	*strrchr(real, '/') = '\0';
	dir = pf_asprintf("%s/../lib/clang/%s", real, version);
	char *probe = pf_asprintf("%s/include/stddef.h", dir);
	int ok = stat(probe, &st) == 0;
	pf_free(probe);
	if (ok && realpath(dir, real)) {
		pf_free(dir);
		return pf_strdup(real);
	}
	pf_free(dir);
	return NULL;
}

/*
 * The built-in headers (stddef.h, x86intrin.h...), where the driver would
 * take them: beside the clang executable (its real path), else beside the
 * libclang library. Passed as -resource-dir, since the driver libclang
 * runs would otherwise look beside -ccc-install-dir.
 */
static char *resource_dir(const char *driver, const char *version)
{
	char *dir = resources_beside(driver, version);
	Dl_info info;

	if (!dir && dladdr((void *)clang_createIndex, &info) && info.dli_fname)
		dir = resources_beside(info.dli_fname, version);
	return dir;
}

pf_frontend *pf_frontend_new(const pf_frontend_opts *opts)
{
	pf_frontend *fe = pf_calloc(1, sizeof(*fe));
	fe->index = clang_createIndex(0, 0);
	fe->digest_map = pf_map_new();
	if (opts && opts->root && *opts->root) {
		char cwd[PATH_MAX];
		const char *base = getcwd(cwd, sizeof(cwd)) ? cwd : "/";
		fe->root = pf_path_absnorm(base, opts->root);
		fe->rootlen = strlen(fe->root);
	}
	if (opts && opts->include_dir && *opts->include_dir)
		fe->include_arg = pf_asprintf("-I%s", opts->include_dir);
	char version[32];
	clang_version(version, sizeof(version));
	char *driver = find_driver(version);
	if (driver) {
		fe->install_dir = pf_strdup(driver);
		*strrchr(fe->install_dir, '/') = '\0';
	}
	fe->resource_dir = resource_dir(driver, version);
	pf_free(driver);
	return fe;
}

char *pf_frontend_identity(void)
{
	static const char *const env[] = {"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH",
	                                  "OBJC_INCLUDE_PATH"};
	CXString v = clang_getClangVersion();
	char version[32], *driver, *res, *id, *more;

	clang_version(version, sizeof(version));
	driver = find_driver(version);
	res = resource_dir(driver, version);
	id = pf_asprintf("%s\n%s\n%s", clang_getCString(v), driver ? driver : "", res ? res : "");
	clang_disposeString(v);
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++) {
		const char *val = getenv(env[i]);
		if (!val)
			continue;
		more = pf_asprintf("%s\n%s=%s", id, env[i], val);
		pf_free(id);
		id = more;
	}
	pf_free(driver);
	pf_free(res);
	return id;
}

void pf_frontend_free(pf_frontend *fe)
{
	if (!fe)
		return;
	clang_disposeIndex(fe->index);
	pf_free(fe->root);
	pf_free(fe->include_arg);
	pf_free(fe->install_dir);
	pf_free(fe->resource_dir);
	pf_map_free(fe->digest_map);
	pf_vec_free(&fe->digests);
	pf_free(fe);
}

static const char *cx_error_str(enum CXErrorCode e)
{
	switch (e) {
	case CXError_Crashed: return "libclang crashed while parsing";
	case CXError_InvalidArguments: return "invalid arguments for libclang";
	case CXError_ASTReadError: return "libclang could not read the AST";
	default: return "libclang failed to parse";
	}
}

/*
 * Parses cmd->file with cmd->args (relative paths resolved against
 * cmd->directory through -working-directory, so no chdir), records its
 * files and diagnostics, and lowers the project's functions (a TU with
 * errors is partial; frontend.h).
 */
pf_tu *pf_frontend_parse(pf_frontend *fe, const pf_tu_cmd *cmd)
{
	fe_tu x;
	memset(&x, 0, sizeof(x));
	x.fe = fe;
	x.cmd = cmd;
	x.fn.cur = PF_NO_BLOCK;

	/* main file name as the TU knows it */
	char *mainrel = NULL;
	{
		char *abs = pf_path_absnorm(cmd->directory, cmd->file);
		const char *rel = abs;
		if (fe->root && fe->rootlen > 1 && strncmp(abs, fe->root, fe->rootlen) == 0 &&
		    abs[fe->rootlen] == '/')
			rel = abs + fe->rootlen + 1;
		else if (fe->root && fe->rootlen == 1)
			rel = abs + 1;
		mainrel = pf_strdup(rel);
		pf_free(abs);
	}
	x.b = pf_tub_new(mainrel);
	x.arena = pf_tub_arena(x.b);

	size_t nargs = 0;
	const char **args = pf_calloc(cmd->nargs + 10, sizeof(char *));
	char *wd = pf_asprintf("-working-directory=%s", cmd->directory ? cmd->directory : ".");
	args[nargs++] = wd;
	if (fe->install_dir) {
		args[nargs++] = "-ccc-install-dir";
		args[nargs++] = fe->install_dir;
	}
	if (fe->resource_dir) {
		args[nargs++] = "-resource-dir";
		args[nargs++] = fe->resource_dir;
	}
	for (size_t i = 0; i < cmd->nargs; i++)
		args[nargs++] = cmd->args[i];
	if (fe->include_arg)
		args[nargs++] = fe->include_arg;
	args[nargs++] = "-ferror-limit=0";
	args[nargs++] = "-w";

	unsigned options = CXTranslationUnit_KeepGoing |
	                   CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles;
	char *absmain = pf_path_absnorm(cmd->directory, cmd->file);
	enum CXErrorCode err = clang_parseTranslationUnit2(
	        fe->index, absmain, args, (int)nargs, NULL, 0, options, &x.tu);
	pf_free(wd);
	pf_free(args);
	if (err != CXError_Success || !x.tu) {
		pf_loc l = {pf_tub_sym(x.b, mainrel), 0, 0};
		/* libclang does not say why; a missing file is the usual cause */
		struct stat st;
		if (stat(absmain, &st) != 0)
			pf_tub_diag(x.b, l, strerror(errno));
		else if (!S_ISREG(st.st_mode))
			pf_tub_diag(x.b, l, "not a regular file");
		else
			pf_tub_diag(x.b, l, cx_error_str(err));
		pf_tub_set_failed(x.b);
		pf_free(absmain);
		pf_free(mainrel);
		return pf_tub_finish(x.b);
	}
	x.file_map = pf_map_new();
	x.decl_map = pf_map_new();
	x.synth = pf_map_new();

	clang_getInclusions(x.tu, inclusion_visit, &x);

	/*
	 * Errors in the code make the TU partial: clang built what it could,
	 * and that is lowered and analysed (as clang-tidy does). An error with
	 * no location comes from the driver (an option clang does not know or
	 * will not use for codegen): it did not change the AST, so it is only
	 * a note. Without the main file there is nothing at all: failed.
	 */
	unsigned nd = clang_getNumDiagnostics(x.tu);
	int errors = 0;
	for (unsigned i = 0; i < nd; i++) {
		CXDiagnostic dg = clang_getDiagnostic(x.tu, i);
		if (clang_getDiagnosticSeverity(dg) >= CXDiagnostic_Error) {
			CXString s = clang_getDiagnosticSpelling(dg);
			pf_loc l = fe_loc_expand(&x, clang_getDiagnosticLocation(dg));
			if (!l.file) {
				pf_tub_note(x.b, clang_getCString(s));
			} else if (errors++ < MAX_ERRORS) {
				pf_tub_diag(x.b, l, clang_getCString(s));
			}
			clang_disposeString(s);
		}
		clang_disposeDiagnostic(dg);
	}
	if (!clang_getFile(x.tu, absmain)) {
		pf_loc l = {pf_tub_sym(x.b, mainrel), 0, 0};
		pf_tub_diag(x.b, l, "no such file");
		pf_tub_set_failed(x.b);
	} else {
		if (errors)
			pf_tub_set_partial(x.b);
		CXCursor root = clang_getTranslationUnitCursor(x.tu);
		clang_visitChildren(root, top_visit, &x);
		fe_lower_global_inits(&x);
	}

	fe_fn_free(&x.fn);
	pf_vec_free(&x.files);
	pf_vec_free(&x.cached);
	pf_vec_free(&x.noret);
	pf_vec_free(&x.ginits);
	pf_map_free(x.file_map);
	pf_map_free(x.decl_map);
	pf_map_free(x.synth);
	clang_disposeTranslationUnit(x.tu);
	pf_free(absmain);
	pf_free(mainrel);
	return pf_tub_finish(x.b);
}

