/*
 * The replay driver: an ordinary main() for a fuzz harness, so that its
 * regression inputs and seeds run in every build (gcc, ASan, release)
 * under CTest, without libFuzzer.
 *
 *   fuzz_<target>_replay [-v] PATH...   feeds each file to the harness;
 *                                       a directory: each file in it,
 *                                       in name order (not recursive)
 *   fuzz_<target>_replay --write-seeds DIR [ARGS...]
 *                                       writes the harness's generated
 *                                       seeds into DIR
 *
 * Exit status 0 when every input ran (a loader's error is a pass: a
 * crash, a failed check or a sanitizer report is a failure), 2 on bad
 * usage or an unreadable path.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "util.h"

static int replay_file(const char *path, size_t *count)
{
	char *data = NULL;
	size_t len = 0;

	/* at most 64 MiB: far above any -max_len of scripts/fuzz.sh */
	if (pf_file_read(&data, &len, path, (size_t)64 << 20, 0) < 0) {
		fprintf(stderr, "replay: %s\n", pf_error_last());
		return -1;
	}
	if (pf_fuzz_verbose)
		fprintf(stderr, "%s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	pf_free(data);
	(*count)++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of `dir` except dot files (.gitkeep), sorted. */
static int replay_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	PF_VEC(char *) names = {0};
	int rc = 0;

	if (!d) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			pf_vec_push(&names, pf_asprintf("%s/%s", dir, e->d_name));
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), by_name);
	for (size_t i = 0; i < names.n; i++) {
		struct stat st;

		if (rc == 0 && stat(names.v[i], &st) == 0 && S_ISREG(st.st_mode))
			rc = replay_file(names.v[i], count);
		pf_free(names.v[i]);
	}
	pf_vec_free(&names);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int i = 1;

	if (argc >= 3 && !strcmp(argv[1], "--write-seeds")) {
		int n = pf_fuzz_write_seeds(argv[2], argc - 3, argv + 3);

		if (n < 0)
			return 1;
		printf("replay: wrote %d seed%s into %s\n", n, n == 1 ? "" : "s", argv[2]);
		return 0;
	}
	if (i < argc && !strcmp(argv[i], "-v")) {
		pf_fuzz_verbose = 1;
		i++;
	}
	if (i >= argc || argv[i][0] == '-') {
		fprintf(stderr, "usage: %s [-v] FILE|DIR...\n"
		                "       %s --write-seeds DIR [ARGS...]\n", argv[0], argv[0]);
		return 2;
	}
	for (; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 2;
		}
		if ((S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count)
		                         : replay_file(argv[i], &count)) < 0)
			return 2;
	}
	printf("replay: %zu input%s, no crash\n", count, count == 1 ? "" : "s");
	return 0;
}
