/*
 * Helpers of the fuzz harnesses (fuzz.h): the private directory where
 * inputs become files for the loaders that read paths, and the verbose
 * switch of the replay driver.
 */
#define _GNU_SOURCE /* mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "util.h"

int pf_fuzz_verbose;

/* Short paths: a base directory with a longer name is skipped. */
#define DIR_MAX 256
#define NAME_MAX_ 64
static char fuzz_dir[DIR_MAX];

#define NSLOTS 8
static struct {
	char name[NAME_MAX_];
	char path[DIR_MAX + NAME_MAX_ + 1];
} slots[NSLOTS];

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fuzz: %s %s: %s\n", what, path, strerror(errno));
	abort();
}

/* Removes the private directory and what the harnesses left in it (one
   level: the harnesses make no subdirectories). */
static void remove_dir(void)
{
	DIR *d;
	struct dirent *e;

	if (!fuzz_dir[0] || !(d = opendir(fuzz_dir)))
		return;
	while ((e = readdir(d))) {
		char p[DIR_MAX + NAME_MAX + 2];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", fuzz_dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(fuzz_dir);
	fuzz_dir[0] = '\0';
}

const char *pf_fuzz_dir(void)
{
	static const char *const bases[] = {"/dev/shm", NULL, "/tmp"};
	struct stat st;

	if (fuzz_dir[0])
		return fuzz_dir;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		const char *base = i == 1 ? getenv("TMPDIR") : bases[i];

		if (!base || !*base || strlen(base) > DIR_MAX - 32 || stat(base, &st) != 0 ||
		    !S_ISDIR(st.st_mode) || access(base, W_OK) != 0)
			continue;
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/privflow-fuzz-XXXXXX", base);
		if (mkdtemp(fuzz_dir)) {
			atexit(remove_dir);
			return fuzz_dir;
		}
		fuzz_dir[0] = '\0';
	}
	die("cannot make a directory in", "/dev/shm, $TMPDIR or /tmp");
	return NULL;
}

static char *slot_path(const char *name)
{
	size_t i;

	for (i = 0; i < NSLOTS && slots[i].name[0]; i++)
		if (!strcmp(slots[i].name, name))
			return slots[i].path;
	if (i == NSLOTS || strlen(name) >= sizeof(slots[i].name)) {
		fprintf(stderr, "fuzz: too many file names (%s)\n", name);
		abort();
	}
	snprintf(slots[i].name, sizeof(slots[i].name), "%s", name);
	snprintf(slots[i].path, sizeof(slots[i].path), "%s/%s", pf_fuzz_dir(), name);
	return slots[i].path;
}

const char *pf_fuzz_file(const char *name, const void *data, size_t size)
{
	const char *path = slot_path(name);
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		die("cannot write", path);
	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write", path);
		p += n;
		size -= (size_t)n;
	}
	if (close(fd) != 0)
		die("cannot write", path);
	return path;
}

void pf_fuzz_remove(const char *name)
{
	unlink(slot_path(name));
}

void pf_fuzz_report(const char *target, int rc)
{
	if (pf_fuzz_verbose)
		fprintf(stderr, "  %s: rc=%d%s%s\n", target, rc, rc ? " " : "",
		        rc ? pf_error_last() : "");
}

void pf_fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
	abort();
}
