/*
 * What privflow asks git about the scanned tree: the commit and branch a
 * run scanned, what a revision names, and which lines changed since one.
 * git runs as a child process, without a shell, with a bounded output;
 * its answers are parsed as untrusted text.
 */
#ifndef PF_GIT_H
#define PF_GIT_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Runs `git -C dir ARGS...` (argv NULL-terminated, without "git"), its
 * standard output in *out (NUL-terminated, caller frees; at most 64 MiB),
 * standard error discarded. PF_OK when git exited 0; PF_ERROR otherwise
 * (git missing, not a repository, bad revision), with the error set.
 */
int pf_git_run(char **out, const char *dir, const char *const *argv);

/* pf_git_run in two steps, so that git runs while privflow works: start
   it (before any thread: it forks), then read what it answered. Every
   started job must be finished. */
typedef struct pf_git_job {
	pid_t pid;
	int fd;
	const char *what, *dir;   /* for the error: argv[0], dir (not copied) */
} pf_git_job;
int pf_git_start(pf_git_job *j, const char *dir, const char *const *argv);
int pf_git_finish(pf_git_job *j, char **out);

/*
 * The commit HEAD names (40 hex digits) and its branch (NULL when HEAD is
 * detached), asked in two steps as pf_git_start and pf_git_finish: the
 * answers in *commit and *branch, caller frees both. PF_ERROR when dir
 * is not in a work tree or has no commit yet.
 */
typedef struct pf_git_head_job {
	pf_git_job commit, branch;
} pf_git_head_job;
void pf_git_head_start(pf_git_head_job *j, const char *dir);
int pf_git_head_finish(pf_git_head_job *j, char **commit, char **branch);

/* The commit a revision ("main", "HEAD~1", "origin/main") names, in
   *commit (caller frees). */
int pf_git_rev_parse(char **commit, const char *dir, const char *rev);

#endif
