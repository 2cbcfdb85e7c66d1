/*
 * What privflow's fuzz harnesses share (fuzz/README.md). Each harness
 * fuzz_<target>.c defines LLVMFuzzerTestOneInput for one loader, and
 * pf_fuzz_write_seeds for seeds that cannot be collected as files; it is
 * linked either with libFuzzer (clang -fsanitize=fuzzer) or with
 * fuzz/replay.c, an ordinary main() that feeds it files (any compiler).
 */
#ifndef PF_FUZZ_H
#define PF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point: one input; returns 0 (a loader's error is
   not a failure: a crash, a sanitizer report, a hang or a leak is). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Writes generated seeds for this target into the existing directory
 * `dir` (argc/argv: the replay driver's arguments after it). Returns the
 * number written, or -1 with a message on stderr. Harnesses whose seeds
 * are files collected elsewhere write none.
 */
int pf_fuzz_write_seeds(const char *dir, int argc, char **argv);

/* Set by the replay driver's -v: harnesses print each loader's result. */
extern int pf_fuzz_verbose;

/*
 * The fuzz input as a file, for loaders that take paths: writes `data`
 * to `name` inside a directory private to this process (made once with
 * mkdtemp under /dev/shm, $TMPDIR or /tmp, removed at exit) and returns
 * its path (static storage, valid until the next call with that name).
 * Aborts when the file cannot be written: that is the harness's failure,
 * not the loader's.
 */
const char *pf_fuzz_file(const char *name, const void *data, size_t size);
/* The private directory itself (made on first use). */
const char *pf_fuzz_dir(void);
/* Removes `name` from the private directory if it is there. */
void pf_fuzz_remove(const char *name);

/* A property the loader promises: when it does not hold, the harness
   prints where and aborts (a crash for libFuzzer, a failure for CTest). */
#define PF_FUZZ_CHECK(cond)                                                 \
	do {                                                                    \
		if (!(cond))                                                        \
			pf_fuzz_fail(__FILE__, __LINE__, #cond);                        \
	} while (0)
void pf_fuzz_fail(const char *file, int line, const char *what)
	__attribute__((noreturn));

/* Prints "TARGET: rc=N MESSAGE" when pf_fuzz_verbose is set. */
void pf_fuzz_report(const char *target, int rc);

#endif
