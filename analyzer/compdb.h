/*
 * Compilation databases: reads compile_commands.json (the `command` or the
 * `arguments` form, relative `directory` and `file`) into a list of
 * translation units with the arguments to parse them with.
 */
#ifndef PF_COMPDB_H
#define PF_COMPDB_H

#include <stddef.h>

typedef struct pf_tu_cmd {
	char *file;       /* absolute, normalised path of the main file */
	char *directory;  /* absolute working directory */
	size_t nargs;
	char **args;      /* compiler arguments for libclang: the compiler
	                     name, -c, the input file and every option that
	                     writes files or loads code removed */
} pf_tu_cmd;

typedef struct pf_compdb {
	size_t n;
	pf_tu_cmd *tus;   /* in file order, duplicates (same file) removed */
	size_t nnotes;
	char **notes;     /* options dropped, once each: "-MF (dropped: it
	                     writes a file)" */
} pf_compdb;

/*
 * Loads PATH (a compile_commands.json, or a directory holding one).
 * Returns PF_EINVALID with "FILE:LINE: what is wrong" on malformed input,
 * PF_EIO if missing. Only C and C++ sources are kept. The database is
 * untrusted: @response files are expanded, and every option that would
 * make the parse write a file, load code or do another job than parsing
 * is dropped (listed in db->notes), in all its spellings.
 */
int pf_compdb_load(pf_compdb **out, const char *path);
/* A database for FILES with the same CFLAGS each (`scan FILES -- CFLAGS`). */
int pf_compdb_from_files(pf_compdb **out, char **files, size_t nfiles,
                         char **cflags, size_t ncflags);
void pf_compdb_free(pf_compdb *db);

/*
 * The user's edits of every command line, as clang-tidy's --extra-arg,
 * --extra-arg-before and clangd's Remove have them: `remove` drops each
 * argument equal to a pattern, or starting with it when the pattern ends
 * in '*'; then `before` goes first and `after` last. The user is trusted:
 * these are not filtered.
 */
typedef struct pf_arg_edits {
	char **before, **after, **remove;
	size_t nbefore, nafter, nremove;
} pf_arg_edits;
void pf_compdb_edit_args(pf_compdb *db, const pf_arg_edits *e);

/* Splits a shell command line as the compilation database spec says. */
int pf_shell_split(char ***out, size_t *n, const char *cmd);

#endif
