/*
 * Compilation databases: reads compile_commands.json (clang's JSON
 * compilation database: `command` or `arguments`, relative `directory`
 * and `file`) into the list of translation units privflow parses, with the
 * arguments libclang needs (compiler name, -c, -o, the input and
 * dependency-file flags removed).
 */
#include "compdb.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonpos.h"
#include "util.h"

/* --- paths --------------------------------------------------------------- */

static char *cwd_dup(void)
{
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof(buf)))
		return pf_strdup("/");
	return pf_strdup(buf);
}

static int is_source(const char *file)
{
	static const char *const exts[] = {".c", ".cc", ".cpp", ".cxx", ".C", NULL};
	const char *dot = strrchr(file, '.');
	const char *slash = strrchr(file, '/');
	if (!dot || (slash && dot < slash))
		return 0;
	for (int i = 0; exts[i]; i++)
		if (strcmp(dot, exts[i]) == 0)
			return 1;
	return 0;
}

/* --- shell splitting ----------------------------------------------------- */

/*
 * Splits `cmd` into words as a POSIX shell would without expansions:
 * blanks separate words, '...' is literal, "..." keeps blanks and takes
 * \" \\ \$ \` escapes, a backslash outside quotes escapes the next
 * character. *out (and each word) belongs to the caller: free every word,
 * then the array. PF_EINVALID on an unterminated quote.
 */
int pf_shell_split(char ***out, size_t *n, const char *cmd)
{
	PF_VEC(char *) words = {0};
	size_t cap = strlen(cmd) + 1;
	char *w = pf_malloc(cap);
	const char *p = cmd;
	*out = NULL;
	*n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		size_t len = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			if (*p == '\'') {
				p++;
				while (*p && *p != '\'')
					w[len++] = *p++;
				if (!*p)
					goto unterminated;
				p++;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\' ||
					                   p[1] == '$' || p[1] == '`'))
						p++;
					w[len++] = *p++;
				}
				if (!*p)
					goto unterminated;
				p++;
			} else if (*p == '\\' && p[1]) {
				w[len++] = p[1];
				p += 2;
			} else {
				w[len++] = *p++;
			}
		}
		pf_vec_push(&words, pf_strndup(w, len));
	}
	pf_free(w);
	*out = words.v;
	*n = words.n;
	if (!words.v)
		*out = pf_calloc(1, sizeof(char *));
	return 0;
unterminated:
	pf_free(w);
	for (size_t i = 0; i < words.n; i++)
		pf_free(words.v[i]);
	pf_vec_free(&words);
	pf_error_set("unterminated quote in command: %s", cmd);
	return PF_EINVALID;
}

/* --- argument filtering -------------------------------------------------- */

/*
 * The compilation database may come from a merge request privflow does
 * not trust: no option in it may make the parse write a file or load
 * code. These options are dropped, in every spelling the driver accepts
 * (separate argument, joined, `=`), also behind -Xclang, -Xpreprocessor,
 * -Wp, and inside response files. Options that only change what is
 * compiled into an object (codegen) are harmless: nothing is generated.
 */
enum {
	ARG = 1,    /* takes the next argument (also joined: -MFdeps.d) */
	EQ = 2,     /* takes an argument after '=' or as the next one */
	PREFIX = 4, /* every option starting with this */
	NEXT = 8,   /* with PREFIX: takes the next argument too */
	MAYBE = 16  /* takes the next argument unless it is an option */
};

typedef struct dropped_opt {
	const char *name;
	unsigned form;
	const char *why;
} dropped_opt;

#define W_BUILD NULL /* what every build has (-o, -MD...): dropped silently */
#define W_OUT "it writes a file"
#define W_LOAD "it loads code"
#define W_MODE "it changes what the compiler does"

/* Driver options. */
static const dropped_opt driver_drops[] = {
	{"-o", ARG, W_BUILD}, {"--output", EQ, W_BUILD},
	{"-M", 0, W_OUT}, {"-MM", 0, W_OUT}, {"-MD", 0, W_BUILD}, {"-MMD", 0, W_BUILD},
	{"-MG", 0, W_BUILD}, {"-MP", 0, W_BUILD}, {"-MV", 0, W_BUILD},
	{"-MF", ARG, W_BUILD}, {"-MT", ARG, W_BUILD}, {"-MQ", ARG, W_BUILD},
	{"-MJ", ARG, W_OUT},
	{"--dependencies", 0, W_OUT}, {"--user-dependencies", 0, W_OUT},
	{"--write-dependencies", 0, W_OUT}, {"--write-user-dependencies", 0, W_OUT},
	{"-save-temps", PREFIX, W_OUT}, {"--save-temps", PREFIX, W_OUT},
	{"-save-stats", PREFIX, W_OUT}, {"--save-stats", PREFIX, W_OUT},
	{"--serialize-diagnostics", EQ, W_OUT}, {"-serialize-diagnostics", ARG, W_OUT},
	{"-ftime-trace", PREFIX, W_OUT}, {"-ftime-report", PREFIX, W_OUT},
	{"-fproc-stat-report", PREFIX, W_OUT},
	{"-fcrash-diagnostics", PREFIX, W_OUT}, {"-gen-reproducer", PREFIX, W_OUT},
	{"-fsave-optimization-record", PREFIX, W_OUT},
	{"-foptimization-record-file", PREFIX, W_OUT},
	{"-fmodules-cache-path", PREFIX, W_OUT}, {"-fmodules", 0, W_OUT},
	{"-fcxx-modules", 0, W_OUT}, {"-fimplicit-modules", 0, W_OUT},
	{"--analyze", 0, W_OUT}, {"--analyzer-output", EQ, W_OUT},
	{"-Xanalyzer", ARG, W_OUT},
	{"-fplugin", PREFIX, W_LOAD}, {"-fpass-plugin", PREFIX, W_LOAD},
	{"--config", EQ, W_LOAD}, {"--config-system-dir", PREFIX, W_LOAD},
	{"--config-user-dir", PREFIX, W_LOAD},
	{"-mllvm", ARG, W_LOAD},
	{"-E", 0, W_MODE}, {"-S", 0, W_MODE}, {"-emit-llvm", 0, W_MODE},
	{"-emit-ast", 0, W_MODE}, {"--precompile", 0, W_MODE},
	{"-Xlinker", ARG, W_MODE}, {"-Xassembler", ARG, W_MODE},
};

/* Options of clang -cc1, as given behind -Xclang. */
static const dropped_opt cc1_drops[] = {
	{"-load", ARG, W_LOAD}, {"-plugin", ARG, W_LOAD},
	{"-plugin-arg-", PREFIX | NEXT, W_LOAD},
	{"-add-plugin", ARG, W_LOAD}, {"-fpass-plugin", PREFIX, W_LOAD},
	{"-mllvm", ARG, W_LOAD},
	{"-o", ARG, W_OUT}, {"-dependency-file", ARG, W_OUT}, {"-MT", ARG, W_OUT},
	{"-MQ", ARG, W_OUT}, {"-header-include-file", ARG, W_OUT},
	{"-serialize-diagnostic-file", ARG, W_OUT}, {"-diagnostic-log-file", ARG, W_OUT},
	{"-stats-file", PREFIX, W_OUT}, {"-ftime-trace", PREFIX, W_OUT},
	{"-coverage-notes-file", PREFIX, W_OUT}, {"-coverage-data-file", PREFIX, W_OUT},
	{"-split-dwarf-output", ARG, W_OUT}, {"-module-dependency-dir", ARG, W_OUT},
	{"-fmodules-cache-path", PREFIX, W_OUT}, {"-fmodules", PREFIX, W_OUT},
	{"-emit-", PREFIX, W_MODE}, {"-ast-", PREFIX, W_MODE}, {"-dump-", PREFIX, W_MODE},
	{"-analyze", PREFIX, W_MODE}, {"-analyzer-", PREFIX, W_MODE},
	{"-fsyntax-only", 0, W_MODE}, {"-E", 0, W_MODE}, {"-S", 0, W_MODE},
};

/* Preprocessor options inside -Wp,... and behind -Xpreprocessor. */
static const dropped_opt cpp_drops[] = {
	{"-M", 0, W_OUT}, {"-MM", 0, W_OUT}, {"-MD", MAYBE, W_BUILD},
	{"-MMD", MAYBE, W_BUILD}, {"-MG", 0, W_BUILD}, {"-MP", 0, W_BUILD},
	{"-MV", 0, W_BUILD}, {"-MF", ARG, W_BUILD}, {"-MT", ARG, W_BUILD},
	{"-MQ", ARG, W_BUILD},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The entry of `table` that `a` is, or NULL. *takes_next is set when the
 * option's value is the next argument (not joined, not after '=').
 */
static const dropped_opt *match_drop(const dropped_opt *table, size_t n, const char *a,
                                     int *takes_next)
{
	*takes_next = 0;
	for (size_t i = 0; i < n; i++) {
		const dropped_opt *d = &table[i];
		size_t len = strlen(d->name);

		if (strncmp(a, d->name, len))
			continue;
		if (a[len] == '\0') {
			*takes_next = (d->form & (ARG | EQ | MAYBE)) != 0;
			return d;
		}
		if (d->form & NEXT) {
			*takes_next = 1;
			return d;
		}
		if ((d->form & PREFIX) || ((d->form & ARG) && len == 2) ||
		    ((d->form & ARG) && d->name[1] == 'M') ||
		    ((d->form & EQ) && a[len] == '='))
			return d;
	}
	return NULL;
}

typedef PF_VEC(char *) arg_vec;

/* Notes one dropped option (once per scan and option name); what every
   build has (why == W_BUILD) goes without saying. */
static void note_drop(pf_compdb *db, const char *opt, const char *why)
{
	char name[64];
	size_t n = strcspn(opt, "=,");

	if (!why)
		return;
	snprintf(name, sizeof(name), "%.*s", (int)(n < 60 ? n : 60), opt);
	for (size_t i = 0; i < db->nnotes; i++)
		if (!strncmp(db->notes[i], name, strlen(name)) &&
		    db->notes[i][strlen(name)] == ' ')
			return;
	db->notes = pf_realloc(db->notes, (db->nnotes + 1) * sizeof(char *));
	db->notes[db->nnotes++] = pf_asprintf("%s (dropped: %s)", name, why);
}

/*
 * -Wp,A,B,...: the elements that are not dependency-file options, joined
 * again; NULL when none is left.
 */
static char *filter_wp(pf_compdb *db, const char *a)
{
	char *copy = pf_strdup(a + 4), *save = NULL, *out = pf_strdup("-Wp");
	int skip = 0, maybe = 0, kept = 0;

	for (char *e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		int next;
		const dropped_opt *d;

		if (skip) {
			skip = 0;
			if (e[0] != '-' || !maybe)
				continue;
		}
		if ((d = match_drop(cpp_drops, NELEM(cpp_drops), e, &next))) {
			note_drop(db, "-Wp,-M", d->why);
			skip = next;
			maybe = (d->form & MAYBE) != 0;
			continue;
		}
		/* the driver hands the elements to -cc1 as they are */
		if ((d = match_drop(cc1_drops, NELEM(cc1_drops), e, &next))) {
			note_drop(db, e, d->why);
			skip = next;
			maybe = 0;
			continue;
		}
		char *o = pf_asprintf("%s,%s", out, e);
		pf_free(out);
		out = o;
		kept++;
	}
	pf_free(copy);
	if (!kept) {
		pf_free(out);
		return NULL;
	}
	return out;
}

#define RSP_DEPTH 8
/* What the response files of one command may cost in all: without a
   bound, a file that names itself k times is read k^RSP_DEPTH times. */
#define RSP_FILES 64
#define RSP_BYTES PF_MAX_RULES_FILE

typedef struct rsp_budget {
	size_t files;  /* response files left to read */
	size_t bytes;  /* bytes left to read from them */
} rsp_budget;

/*
 * Appends the words of `argv` to `out`, expanding @response files
 * (relative to `dir`, at most RSP_DEPTH deep, within `budget`): a response
 * file can hold any option, so its words are filtered like the rest.
 */
static void expand_rsp(pf_compdb *db, arg_vec *out, char **argv, size_t argc,
                       const char *dir, int depth, rsp_budget *budget)
{
	for (size_t i = 0; i < argc; i++) {
		char *text = NULL, **words = NULL, *path;
		size_t nwords = 0, len = 0;
		int deep, spent;

		if (argv[i][0] != '@' || !argv[i][1]) {
			pf_vec_push(out, pf_strdup(argv[i]));
			continue;
		}
		path = pf_path_absnorm(dir, argv[i] + 1);
		deep = depth >= RSP_DEPTH;
		spent = !deep && !budget->files;
		if (!deep && !spent)
			budget->files--;
		if (deep || spent ||
		    pf_file_read(&text, &len, path, budget->bytes, PF_READ_TEXT) < 0 ||
		    pf_shell_split(&words, &nwords, text) < 0) {
			note_drop(db, "@response-file", deep ? "nested too deep"
			                                : spent ? "too many response files"
			                                        : "it cannot be read");
		} else {
			budget->bytes -= len;
			expand_rsp(db, out, words, nwords, dir, depth + 1, budget);
		}
		for (size_t j = 0; j < nwords; j++)
			pf_free(words[j]);
		pf_free(words);
		pf_free(text);
		pf_free(path);
		pf_error_clear();
	}
}

static int is_launcher(const char *arg0)
{
	const char *b = strrchr(arg0, '/');
	b = b ? b + 1 : arg0;
	return strcmp(b, "ccache") == 0 || strcmp(b, "sccache") == 0 ||
	       strcmp(b, "distcc") == 0 || strcmp(b, "icecc") == 0;
}

/*
 * The target a cross compiler's name says ("x86_64-w64-mingw32-gcc",
 * "aarch64-linux-gnu-gcc-12": the triple before the tool), as the clang
 * driver takes it from its own name; NULL for a plain "cc" or "clang".
 */
static char *target_of_compiler(const char *arg0)
{
	static const char *const tools[] = {"-gcc", "-cc", "-clang", "-g++", "-c++", "-clang++"};
	const char *b = strrchr(arg0, '/');
	b = b ? b + 1 : arg0;
	size_t n = strlen(b);

	/* a version suffix: -12, -14.0 */
	size_t v = n;
	while (v > 0 && (isdigit((unsigned char)b[v - 1]) || b[v - 1] == '.'))
		v--;
	if (v < n && v > 0 && b[v - 1] == '-')
		n = v - 1;
	for (size_t i = 0; i < NELEM(tools); i++) {
		size_t tl = strlen(tools[i]);
		if (n <= tl || strncmp(b + n - tl, tools[i], tl))
			continue;
		size_t len = n - tl, dashes = 0;
		for (size_t k = 0; k < len; k++) {
			if (b[k] == '-')
				dashes++;
			else if (!isalnum((unsigned char)b[k]) && b[k] != '_' && b[k] != '.')
				return NULL;
		}
		return dashes >= 1 && b[0] != '-' ? pf_asprintf("--target=%.*s", (int)len, b) : NULL;
	}
	return NULL;
}

static int has_target(const arg_vec *args)
{
	for (size_t i = 0; i < args->n; i++)
		if (!strcmp(args->v[i], "-target") || !strncmp(args->v[i], "--target=", 9) ||
		    !strncmp(args->v[i], "-target=", 8))
			return 1;
	return 0;
}

/*
 * Fills cmd->args from the compiler command line `argv` (borrowed): drops
 * a launcher and the compiler name, -c, the input file (`file` as
 * written, or resolving to cmd->file), and every option that writes a
 * file, loads code or changes the compiler's job (above).
 */
static void filter_args(pf_compdb *db, pf_tu_cmd *cmd, char **argv, size_t argc,
                        const char *file)
{
	arg_vec all = {0}, args = {0};
	size_t i = 0;
	char *target = NULL;

	if (i < argc && is_launcher(argv[i]))
		i++;
	if (i < argc)
		target = target_of_compiler(argv[i++]);
	rsp_budget budget = {RSP_FILES, RSP_BYTES};
	expand_rsp(db, &all, argv + i, argc - i, cmd->directory, 0, &budget);
	for (i = 0; i < all.n; i++) {
		const char *a = all.v[i];
		const dropped_opt *d;
		int next;

		if (strcmp(a, "-c") == 0 || strcmp(a, "--") == 0)
			continue;
		if ((d = match_drop(driver_drops, NELEM(driver_drops), a, &next))) {
			note_drop(db, a, d->why);
			i += next;
			continue;
		}
		if (!strcmp(a, "-Xclang") || !strcmp(a, "-Xpreprocessor")) {
			int cc1 = a[2] == 'c';
			const dropped_opt *table = cc1 ? cc1_drops : cpp_drops;
			size_t n = cc1 ? NELEM(cc1_drops) : NELEM(cpp_drops);
			/* -Xpreprocessor's word goes to -cc1 as it is, as -Xclang's */
			if (i + 1 < all.n &&
			    ((d = match_drop(table, n, all.v[i + 1], &next)) ||
			     (!cc1 && (d = match_drop(cc1_drops, NELEM(cc1_drops), all.v[i + 1],
			                              &next))))) {
				note_drop(db, all.v[i + 1], d->why);
				/* its value is the next pair: -Xclang -load -Xclang x.so */
				if (next && (d->form & MAYBE) &&
				    (i + 3 >= all.n || all.v[i + 3][0] == '-'))
					next = 0;
				i += 1 + 2 * (size_t)next;
				continue;
			}
			if (i + 1 < all.n) {
				pf_vec_push(&args, pf_strdup(a));
				pf_vec_push(&args, pf_strdup(all.v[++i]));
			}
			continue;
		}
		if (!strncmp(a, "-Wp,", 4)) {
			char *kept = filter_wp(db, a);
			if (kept)
				pf_vec_push(&args, kept);
			continue;
		}
		if (a[0] != '-') {
			if (strcmp(a, file) == 0)
				continue;
			char *abs = pf_path_absnorm(cmd->directory, a);
			int same = strcmp(abs, cmd->file) == 0;
			pf_free(abs);
			if (same)
				continue;
		}
		pf_vec_push(&args, pf_strdup(a));
	}
	for (i = 0; i < all.n; i++)
		pf_free(all.v[i]);
	pf_vec_free(&all);
	if (target && !has_target(&args)) {
		pf_vec_push(&args, NULL);
		memmove(args.v + 1, args.v, (args.n - 1) * sizeof(char *));
		args.v[0] = target;
		target = NULL;
	}
	pf_free(target);
	cmd->args = args.v;
	cmd->nargs = args.n;
}

static int arg_removed(const pf_arg_edits *e, const char *a)
{
	for (size_t i = 0; i < e->nremove; i++) {
		const char *r = e->remove[i];
		size_t len = strlen(r);
		if (len && r[len - 1] == '*' ? strncmp(a, r, len - 1) == 0 : strcmp(a, r) == 0)
			return 1;
	}
	return 0;
}

void pf_compdb_edit_args(pf_compdb *db, const pf_arg_edits *e)
{
	for (size_t t = 0; t < db->n; t++) {
		pf_tu_cmd *c = &db->tus[t];
		char **args = pf_calloc(e->nbefore + c->nargs + e->nafter + 1, sizeof(char *));
		size_t n = 0;

		for (size_t i = 0; i < e->nbefore; i++)
			args[n++] = pf_strdup(e->before[i]);
		for (size_t i = 0; i < c->nargs; i++) {
			if (arg_removed(e, c->args[i]))
				pf_free(c->args[i]);
			else
				args[n++] = c->args[i];
		}
		for (size_t i = 0; i < e->nafter; i++)
			args[n++] = pf_strdup(e->after[i]);
		pf_free(c->args);
		c->args = args;
		c->nargs = n;
	}
}

static void cmd_clear(pf_tu_cmd *c)
{
	pf_free(c->file);
	pf_free(c->directory);
	for (size_t i = 0; i < c->nargs; i++)
		pf_free(c->args[i]);
	pf_free(c->args);
	memset(c, 0, sizeof(*c));
}

void pf_compdb_free(pf_compdb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++)
		cmd_clear(&db->tus[i]);
	for (size_t i = 0; i < db->nnotes; i++)
		pf_free(db->notes[i]);
	pf_free(db->notes);
	pf_free(db->tus);
	pf_free(db);
}

/* Adds `c` to `list` unless its file is there already (then frees it). */
typedef PF_VEC(pf_tu_cmd) cmd_vec;
static void add_unique(cmd_vec *list, pf_map *seen, pf_tu_cmd *c)
{
	uint64_t h = pf_hash64_str(c->file);
	uint32_t idx;
	for (;; h++) {
		if (!pf_map_get(seen, h, &idx))
			break;
		if (strcmp(list->v[idx].file, c->file) == 0) {
			cmd_clear(c);
			return;
		}
	}
	pf_map_put(seen, h, (uint32_t)list->n);
	pf_vec_push(list, *c);
}

/* --- loading ------------------------------------------------------------- */

static int entry_error(const pf_json_doc *doc, const json_t *arr, size_t i,
                       const char *fmt, const char *what)
{
	int line = pf_json_element_line(doc, arr, i, NULL);
	char msg[256];
	snprintf(msg, sizeof(msg), fmt, what);
	if (line > 0)
		pf_error_set("%s:%d: entry %zu: %s", pf_json_file(doc), line, i, msg);
	else
		pf_error_set("%s: entry %zu: %s", pf_json_file(doc), i, msg);
	return PF_EINVALID;
}

/*
 * Loads PATH (compile_commands.json or a directory holding one) into
 * *out (caller frees with pf_compdb_free). PF_EIO if it cannot be read;
 * PF_EINVALID naming file, line (and column for syntax errors), the entry
 * index and the key on malformed input.
 */
int pf_compdb_load(pf_compdb **out, const char *path)
{
	pf_json_doc *doc = NULL;
	char *file = NULL, *dbdir = NULL, *cwd = NULL;
	cmd_vec list = {0};
	pf_map *seen = pf_map_new();
	pf_compdb *db = pf_calloc(1, sizeof(*db));
	int rc = 0;
	struct stat st;
	*out = NULL;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		file = pf_asprintf("%s/compile_commands.json", path);
	else
		file = pf_strdup(path);
	if (stat(file, &st) != 0) {
		pf_error_set("%s: %s", file, strerror(errno));
		rc = PF_EIO;
		goto done;
	}
	if ((rc = pf_json_load(&doc, file, PF_MAX_COMPDB_FILE)) < 0)
		goto done;
	cwd = cwd_dup();
	{
		char *absfile = pf_path_absnorm(cwd, file);
		char *slash = strrchr(absfile, '/');
		dbdir = pf_strndup(absfile, slash && slash != absfile ? (size_t)(slash - absfile) : 1);
		pf_free(absfile);
	}
	json_t *root = pf_json_root(doc);
	if (!json_is_array(root)) {
		pf_error_set("%s:1: expected an array of compile commands", file);
		rc = PF_EINVALID;
		goto done;
	}
	for (size_t i = 0; i < json_array_size(root); i++) {
		json_t *e = json_array_get(root, i);
		if (!json_is_object(e)) {
			rc = entry_error(doc, root, i, "%s", "expected an object");
			goto done;
		}
		json_t *jdir = json_object_get(e, "directory");
		json_t *jfile = json_object_get(e, "file");
		json_t *jargs = json_object_get(e, "arguments");
		json_t *jcmd = json_object_get(e, "command");
		if (!jdir) {
			rc = entry_error(doc, root, i, "missing key \"%s\"", "directory");
			goto done;
		}
		if (!json_is_string(jdir)) {
			rc = entry_error(doc, root, i, "\"%s\": expected a string", "directory");
			goto done;
		}
		if (!jfile) {
			rc = entry_error(doc, root, i, "missing key \"%s\"", "file");
			goto done;
		}
		if (!json_is_string(jfile)) {
			rc = entry_error(doc, root, i, "\"%s\": expected a string", "file");
			goto done;
		}
		if (!jargs && !jcmd) {
			rc = entry_error(doc, root, i, "missing key \"%s\"", "arguments\" or \"command");
			goto done;
		}
		char **argv = NULL;
		size_t argc = 0;
		int owned = 0;
		if (jargs) {
			if (!json_is_array(jargs)) {
				rc = entry_error(doc, root, i, "\"%s\": expected an array of strings", "arguments");
				goto done;
			}
			argc = json_array_size(jargs);
			argv = pf_calloc(argc + 1, sizeof(char *));
			for (size_t j = 0; j < argc; j++) {
				json_t *a = json_array_get(jargs, j);
				if (!json_is_string(a)) {
					pf_free(argv);
					rc = entry_error(doc, root, i, "\"%s\": expected an array of strings", "arguments");
					goto done;
				}
				argv[j] = (char *)json_string_value(a);
			}
		} else {
			if (!json_is_string(jcmd)) {
				rc = entry_error(doc, root, i, "\"%s\": expected a string", "command");
				goto done;
			}
			if (pf_shell_split(&argv, &argc, json_string_value(jcmd)) < 0) {
				rc = entry_error(doc, root, i, "\"%s\": unterminated quote", "command");
				goto done;
			}
			owned = 1;
		}
		const char *fname = json_string_value(jfile);
		if (!is_source(fname)) {
			if (owned)
				for (size_t j = 0; j < argc; j++)
					pf_free(argv[j]);
			pf_free(argv);
			continue;
		}
		pf_tu_cmd c = {0};
		c.directory = pf_path_absnorm(dbdir, json_string_value(jdir));
		c.file = pf_path_absnorm(c.directory, fname);
		filter_args(db, &c, argv, argc, fname);
		if (owned)
			for (size_t j = 0; j < argc; j++)
				pf_free(argv[j]);
		pf_free(argv);
		add_unique(&list, seen, &c);
	}
	db->n = list.n;
	db->tus = list.v;
	list.v = NULL;
	list.n = 0;
	*out = db;
	db = NULL;
done:
	for (size_t i = 0; i < list.n; i++)
		cmd_clear(&list.v[i]);
	pf_vec_free(&list);
	pf_compdb_free(db);
	pf_map_free(seen);
	pf_json_free(doc);
	pf_free(file);
	pf_free(dbdir);
	pf_free(cwd);
	return rc;
}

/*
 * A database for `files` (relative to the current directory), each with a
 * copy of `cflags`; non-C/C++ files are skipped, duplicates removed.
 */
int pf_compdb_from_files(pf_compdb **out, char **files, size_t nfiles,
                         char **cflags, size_t ncflags)
{
	cmd_vec list = {0};
	pf_map *seen = pf_map_new();
	pf_compdb *db = pf_calloc(1, sizeof(*db));
	char *cwd = cwd_dup();
	char **argv = pf_calloc(ncflags + 2, sizeof(char *));

	argv[0] = "cc"; /* filter_args drops the compiler */
	for (size_t j = 0; j < ncflags; j++)
		argv[j + 1] = cflags[j];
	for (size_t i = 0; i < nfiles; i++) {
		if (!is_source(files[i]))
			continue;
		pf_tu_cmd c = {0};
		c.directory = pf_strdup(cwd);
		c.file = pf_path_absnorm(cwd, files[i]);
		filter_args(db, &c, argv, ncflags + 1, files[i]);
		add_unique(&list, seen, &c);
	}
	pf_free(argv);
	pf_map_free(seen);
	pf_free(cwd);
	db->n = list.n;
	db->tus = list.v;
	*out = db;
	return 0;
}
