/*
 * Files, treated as hostile on the way in and written safely on the way
 * out. Reading takes regular files only, up to a size bound, and can
 * refuse NUL bytes in a text file; a FIFO or a device never blocks or
 * floods the reader. Writing replaces a regular file (or creates a new
 * one) atomically through an unpredictable temporary file made with
 * mkstemp() beside it, and writes anything else (a device, a FIFO, a
 * symbolic link) in place, so `-o /dev/null` stays a device. Temporary
 * files still open when a signal arrives are removed by the handler the
 * CLI installs.
 */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* --- reading -------------------------------------------------------------- */

/* "12 MiB" or "4096 bytes" for messages. */
static void size_words(char *buf, size_t size, size_t n)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(buf, size, "%zu MiB", n >> 20);
	else
		snprintf(buf, size, "%zu bytes", n);
}

int pf_file_read(char **out, size_t *len, const char *path, size_t max,
                 unsigned flags)
{
	struct stat st;
	char *buf = NULL, words[32];
	size_t n = 0, cap;
	int fd, rc = PF_EIO;

	*out = NULL;
	if (len)
		*len = 0;
	/* O_NONBLOCK: opening a FIFO for reading must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		pf_error_set("%s: %s", path, strerror(errno));
		return PF_EIO;
	}
	if (fstat(fd, &st) != 0) {
		pf_error_set("%s: %s", path, strerror(errno));
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		pf_error_set("%s: is a directory", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		pf_error_set("%s: not a regular file (a device, FIFO or socket "
		             "cannot be read as input)", path);
		goto done;
	}
	size_words(words, sizeof(words), max);
	if ((uintmax_t)st.st_size > max) {
		pf_error_set("%s: larger than %s (%jd bytes)", path, words,
		             (intmax_t)st.st_size);
		goto done;
	}
	cap = (size_t)st.st_size + 1;
	buf = pf_malloc(cap);
	for (;;) {
		ssize_t got;

		if (n + 1 == cap) {
			/* the file grew while being read */
			if (cap - 1 >= max) {
				pf_error_set("%s: larger than %s", path, words);
				goto done;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = pf_realloc(buf, cap);
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			pf_error_set("%s: %s", path, strerror(errno));
			goto done;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	if (flags & PF_READ_TEXT) {
		const char *nul = memchr(buf, '\0', n);

		if (nul) {
			size_t off = (size_t)(nul - buf), line = 1;

			for (const char *p = buf; p < nul; p++)
				line += *p == '\n';
			pf_error_set("%s:%zu: NUL byte at offset %zu (a text file "
			             "was expected)", path, line, off);
			rc = PF_EINVALID;
			goto done;
		}
	}
	*out = buf;
	buf = NULL;
	if (len)
		*len = n;
	rc = PF_OK;
done:
	close(fd);
	pf_free(buf);
	return rc;
}

/* --- temporary files removed on signals ----------------------------------- */

/*
 * Paths of the temporary files being written, for the signal handler.
 * A slot is published by setting `used` once its path is complete; the
 * handler only reads published slots, and unlink() is async-signal-safe.
 */
#define TMP_SLOTS 16
static struct {
	volatile sig_atomic_t used;
	char path[PATH_MAX];
} tmp_slots[TMP_SLOTS];

static pthread_mutex_t tmp_lock = PTHREAD_MUTEX_INITIALIZER;

static int tmp_register(const char *path)
{
	int slot = -1;

	pthread_mutex_lock(&tmp_lock);
	for (int i = 0; i < TMP_SLOTS && slot < 0; i++)
		if (!tmp_slots[i].used) {
			snprintf(tmp_slots[i].path, sizeof(tmp_slots[i].path), "%s", path);
			tmp_slots[i].used = 1;
			slot = i;
		}
	pthread_mutex_unlock(&tmp_lock);
	return slot; /* -1: not registered, still removed on every ordinary path */
}

static void tmp_unregister(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&tmp_lock);
	tmp_slots[slot].used = 0;
	pthread_mutex_unlock(&tmp_lock);
}

static void on_signal(int sig)
{
	for (int i = 0; i < TMP_SLOTS; i++)
		if (tmp_slots[i].used)
			unlink(tmp_slots[i].path);
	signal(sig, SIG_DFL);
	raise(sig);
}

void pf_file_cleanup_on_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old, sa;

		/* keep a disposition somebody else chose (SIG_IGN under nohup) */
		if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

/* --- writing -------------------------------------------------------------- */

static int write_all(int fd, const char *path, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			pf_error_set("%s: %s", path, strerror(errno));
			return PF_EIO;
		}
		off += (size_t)w;
	}
	return PF_OK;
}

/* The process's umask, read without changing it (umask() would, and
   other threads may be creating files). */
static mode_t current_umask(void)
{
	char line[128];
	unsigned m = 022;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 022;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &m) == 1)
			break;
	fclose(f);
	return (mode_t)m;
}

/* The directory part of `path` ("." when there is none). Caller frees. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return pf_strdup(".");
	if (slash == path)
		return pf_strdup("/");
	return pf_strndup(path, (size_t)(slash - path));
}

/* Replaces (or creates) the regular file `path` with `data`; `mode` is
   the mode the new file gets. */
static int write_atomic(const char *path, const char *data, size_t len,
                        mode_t mode)
{
	char *dir = dir_of(path), *tmp;
	const char *base = strrchr(path, '/');
	int fd, slot, rc = PF_EIO;

	base = base ? base + 1 : path;
	tmp = pf_asprintf("%s/.%s.XXXXXX", dir, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		pf_error_set("%s: cannot create a temporary file in %s: %s", path,
		             dir, strerror(errno));
		pf_free(tmp);
		pf_free(dir);
		return PF_EIO;
	}
	slot = tmp_register(tmp);
	if (fchmod(fd, mode) != 0) {
		pf_error_set("%s: %s", path, strerror(errno));
		goto done;
	}
	if (write_all(fd, path, data, len) < 0)
		goto done;
	if (fsync(fd) != 0 && errno != EINVAL) {
		pf_error_set("%s: %s", path, strerror(errno));
		goto done;
	}
	if (close(fd) != 0) {
		fd = -1;
		pf_error_set("%s: %s", path, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		pf_error_set("%s: %s", path, strerror(errno));
		goto done;
	}
	rc = PF_OK;
done:
	if (fd >= 0)
		close(fd);
	if (rc != PF_OK)
		unlink(tmp);
	tmp_unregister(slot);
	pf_free(tmp);
	pf_free(dir);
	return rc;
}

/* Writes `data` into the existing non-regular file (or link) `path`. */
static int write_in_place(const char *path, const char *data, size_t len,
                          int truncate)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (truncate ? O_TRUNC : 0));
	int rc;

	if (fd < 0) {
		pf_error_set("%s: %s", path, errno == ENOENT ? "dangling symbolic link"
		                                             : strerror(errno));
		return PF_EIO;
	}
	rc = write_all(fd, path, data, len);
	if (close(fd) != 0 && rc == PF_OK) {
		pf_error_set("%s: %s", path, strerror(errno));
		rc = PF_EIO;
	}
	return rc;
}

int pf_file_write(const char *path, const char *data, size_t len)
{
	struct stat st, target;

	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			pf_error_set("%s: %s", path, strerror(errno));
			return PF_EIO;
		}
		return write_atomic(path, data, len, 0666 & ~current_umask());
	}
	if (S_ISREG(st.st_mode))
		return write_atomic(path, data, len, st.st_mode & 07777);
	if (S_ISDIR(st.st_mode)) {
		pf_error_set("%s: is a directory", path);
		return PF_EIO;
	}
	/* a link is followed, as a shell's `>` does; a regular target is
	   truncated, a device or FIFO is not */
	if (S_ISLNK(st.st_mode) && stat(path, &target) == 0 && S_ISDIR(target.st_mode)) {
		pf_error_set("%s: is a directory", path);
		return PF_EIO;
	}
	return write_in_place(path, data, len,
	                      S_ISLNK(st.st_mode) && stat(path, &target) == 0 &&
	                              S_ISREG(target.st_mode));
}

int pf_file_check_writable(const char *path)
{
	struct stat st;
	char *dir;
	int rc = PF_OK;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			pf_error_set("%s: is a directory", path);
			return PF_EIO;
		}
		if (access(path, W_OK) != 0) {
			pf_error_set("%s: %s", path, strerror(errno));
			return PF_EIO;
		}
		if (!S_ISREG(st.st_mode))
			return PF_OK; /* written in place */
	} else if (errno != ENOENT) {
		pf_error_set("%s: %s", path, strerror(errno));
		return PF_EIO;
	} else {
		struct stat lst;

		if (lstat(path, &lst) == 0) {
			pf_error_set("%s: dangling symbolic link", path);
			return PF_EIO;
		}
	}
	/* a regular file or a new one: the temporary file goes beside it */
	dir = dir_of(path);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		pf_error_set("%s: no such directory: %s", path, dir);
		rc = PF_EIO;
	} else if (access(dir, W_OK | X_OK) != 0) {
		pf_error_set("%s: cannot write in %s: %s", path, dir, strerror(errno));
		rc = PF_EIO;
	}
	pf_free(dir);
	return rc;
}

/* mkdir(p) unless p is a directory already. */
static int mkdir_one(const char *p)
{
	struct stat st;

	if (mkdir(p, 0777) == 0)
		return PF_OK;
	if (errno == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode))
		return PF_OK;
	pf_error_set("%s: %s", p, errno == EEXIST ? "exists and is not a directory"
	                                          : strerror(errno));
	return PF_EIO;
}

int pf_mkdirs(const char *dir)
{
	char *p = pf_strdup(dir);
	int rc = PF_OK;

	for (char *s = p + 1; *s && rc == PF_OK; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		rc = mkdir_one(p);
		*s = '/';
	}
	if (rc == PF_OK)
		rc = mkdir_one(p);
	pf_free(p);
	return rc;
}
