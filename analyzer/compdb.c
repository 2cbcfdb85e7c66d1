/*
 * Compilation databases: reads compile_commands.json (clang's JSON
 * compilation database: `command` or `arguments`, relative `directory`
 * and `file`) into the list of translation units privflow parses, with the
 * arguments libclang needs (compiler name, -c, -o, the input and
 * dependency-file flags removed).
 */
#include "compdb.h"

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

static int is_launcher(const char *arg0)
{
	const char *b = strrchr(arg0, '/');
	b = b ? b + 1 : arg0;
	return strcmp(b, "ccache") == 0 || strcmp(b, "sccache") == 0 ||
	       strcmp(b, "distcc") == 0 || strcmp(b, "icecc") == 0;
}

/*
 * Fills cmd->args from the compiler command line `argv` (borrowed): drops
 * a launcher and the compiler name, -c, -o X, the input file (`file` as
 * written, or resolving to cmd->file) and the dependency-file options.
 */
static void filter_args(pf_tu_cmd *cmd, char **argv, size_t argc, const char *file)
{
	PF_VEC(char *) args = {0};
	size_t i = 0;
	if (i < argc && is_launcher(argv[i]))
		i++;
	if (i < argc)
		i++; /* the compiler */
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-c") == 0 || strcmp(a, "-MD") == 0 ||
		    strcmp(a, "-MMD") == 0 || strcmp(a, "-MP") == 0 ||
		    strcmp(a, "-M") == 0 || strcmp(a, "-MM") == 0 ||
		    strcmp(a, "-MG") == 0)
			continue;
		if (strcmp(a, "-o") == 0 || strcmp(a, "-MF") == 0 ||
		    strcmp(a, "-MT") == 0 || strcmp(a, "-MQ") == 0) {
			i++; /* and its value */
			continue;
		}
		if ((strncmp(a, "-o", 2) == 0 || strncmp(a, "-MF", 3) == 0 ||
		     strncmp(a, "-MT", 3) == 0 || strncmp(a, "-MQ", 3) == 0) &&
		    a[2])
			continue;
		if (strcmp(a, "--") == 0)
			continue;
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
	cmd->args = args.v;
	cmd->nargs = args.n;
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
	if ((rc = pf_json_load(&doc, file)) < 0)
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
		filter_args(&c, argv, argc, fname);
		if (owned)
			for (size_t j = 0; j < argc; j++)
				pf_free(argv[j]);
		pf_free(argv);
		add_unique(&list, seen, &c);
	}
	*out = pf_calloc(1, sizeof(**out));
	(*out)->n = list.n;
	(*out)->tus = list.v;
	list.v = NULL;
	list.n = 0;
done:
	for (size_t i = 0; i < list.n; i++)
		cmd_clear(&list.v[i]);
	pf_vec_free(&list);
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
	char *cwd = cwd_dup();
	for (size_t i = 0; i < nfiles; i++) {
		if (!is_source(files[i]))
			continue;
		pf_tu_cmd c = {0};
		c.directory = pf_strdup(cwd);
		c.file = pf_path_absnorm(cwd, files[i]);
		c.nargs = ncflags;
		c.args = pf_calloc(ncflags + 1, sizeof(char *));
		for (size_t j = 0; j < ncflags; j++)
			c.args[j] = pf_strdup(cflags[j]);
		add_unique(&list, seen, &c);
	}
	pf_map_free(seen);
	pf_free(cwd);
	*out = pf_calloc(1, sizeof(**out));
	(*out)->n = list.n;
	(*out)->tus = list.v;
	return 0;
}
