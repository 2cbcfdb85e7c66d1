/*
 * git as a child process: fork, exec `git -C DIR ...` found on PATH (no
 * shell, so nothing in a revision or a path is interpreted), standard
 * output read to a bound, standard error to /dev/null. GIT_DIR and
 * GIT_WORK_TREE, which would point git elsewhere, are removed in the
 * child; pagers and prompts are off.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "git.h"
#include "util.h"

#define GIT_MAX_OUTPUT (64u << 20)
#define GIT_MAX_ARGS 32

static void child(int out_fd, const char *dir, const char *const *argv)
{
	const char *args[GIT_MAX_ARGS + 8];
	size_t n = 0;
	int null_fd = open("/dev/null", O_RDWR);

	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		dup2(null_fd, STDERR_FILENO);
	}
	dup2(out_fd, STDOUT_FILENO);
	/* the repository is the one -C finds; GIT_INDEX_FILE stays: git gives
	   a pre-commit hook a temporary index for `commit -a` and `commit PATH`,
	   and that index is what the commit records */
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	setenv("GIT_PAGER", "cat", 1);
	setenv("GIT_OPTIONAL_LOCKS", "0", 1);
	args[n++] = "git";
	args[n++] = "-C";
	args[n++] = dir;
	args[n++] = "-c";
	args[n++] = "core.fsmonitor=false";
	for (size_t i = 0; argv[i] && i < GIT_MAX_ARGS; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execvp("git", (char *const *)args);
	_exit(127);
}

int pf_git_start(pf_git_job *j, const char *dir, const char *const *argv)
{
	int fds[2];
	pid_t pid;

	j->pid = 0;
	j->fd = -1;
	j->what = argv[0];
	j->dir = dir;
	if (pipe(fds) != 0) {
		pf_error_set("git: pipe: %s", strerror(errno));
		return PF_ERROR;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC); /* not the next git's */
	if ((pid = fork()) < 0) {
		pf_error_set("git: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return PF_ERROR;
	}
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], dir, argv);
	}
	close(fds[1]);
	j->pid = pid;
	j->fd = fds[0];
	return PF_OK;
}

int pf_git_finish(pf_git_job *j, char **out)
{
	int status = 0;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = PF_OK;

	*out = NULL;
	if (!j->pid)
		return PF_ERROR; /* pf_git_start failed, and said why */
	for (;;) {
		ssize_t got;
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 16384;
			buf = pf_realloc(buf, cap + 1);
		}
		got = read(j->fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		if (n > GIT_MAX_OUTPUT) {
			rc = PF_ERROR;
			pf_error_set("git %s: more than %u MiB of output", j->what, GIT_MAX_OUTPUT >> 20);
			kill(j->pid, SIGKILL);
			break;
		}
	}
	close(j->fd);
	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	j->pid = 0;
	if (rc == PF_OK && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		rc = PF_ERROR;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			pf_error_set("git: not found on PATH");
		else
			pf_error_set("git %s failed in %s (not a git work tree, or an unknown "
			             "revision?)", j->what, j->dir);
	}
	if (rc != PF_OK) {
		pf_free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	return PF_OK;
}

int pf_git_run(char **out, const char *dir, const char *const *argv)
{
	pf_git_job j;

	*out = NULL;
	if (pf_git_start(&j, dir, argv) < 0)
		return PF_ERROR;
	return pf_git_finish(&j, out);
}

/* The first line of s, without its newline, in place. */
static char *first_line(char *s)
{
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

static int is_commit_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");
	return (n == 40 || n == 64) && s[n] == '\0';
}

int pf_git_rev_parse(char **commit, const char *dir, const char *rev)
{
	const char *argv[] = {"rev-parse", "--verify", "--quiet", "--end-of-options", NULL, NULL};
	char *out = NULL, *spec;

	*commit = NULL;
	if (!rev[0] || rev[0] == '-') {
		pf_error_set("'%s' is not a revision", rev);
		return PF_ERROR;
	}
	spec = pf_asprintf("%s^{commit}", rev);
	argv[4] = spec;
	if (pf_git_run(&out, dir, argv) < 0) {
		pf_error_set("git: '%s' names no commit in %s", rev, dir);
		pf_free(spec);
		return PF_ERROR;
	}
	pf_free(spec);
	if (!is_commit_id(first_line(out))) {
		pf_error_set("git rev-parse %s: unexpected answer", rev);
		pf_free(out);
		return PF_ERROR;
	}
	*commit = out;
	return PF_OK;
}

static const char *const rev_parse_head[] = {"rev-parse", "--verify", "--quiet",
                                             "--end-of-options", "HEAD^{commit}", NULL};
static const char *const symbolic_ref_head[] = {"symbolic-ref", "--quiet", "--short", "HEAD",
                                                NULL};

void pf_git_head_start(pf_git_head_job *j, const char *dir)
{
	/* errors are pf_git_head_finish's to tell */
	pf_git_start(&j->commit, dir, rev_parse_head);
	pf_git_start(&j->branch, dir, symbolic_ref_head);
	pf_error_clear();
}

int pf_git_head_finish(pf_git_head_job *j, char **commit, char **branch)
{
	char *out = NULL;
	int rc = PF_OK;

	*commit = *branch = NULL;
	if (pf_git_finish(&j->commit, &out) < 0 || !is_commit_id(first_line(out))) {
		pf_free(out);
		rc = PF_ERROR;
	} else {
		*commit = out;
	}
	if (pf_git_finish(&j->branch, &out) == PF_OK && first_line(out)[0] && rc == PF_OK)
		*branch = out;
	else
		pf_free(out);
	pf_error_clear();
	return rc;
}
