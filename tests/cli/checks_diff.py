"""CLI checks of diff-aware runs (issue 10, point 6): --changed-since REV
and --staged report only the findings whose location or trace touches a
changed line, on a scratch git repository; the rest are counted, not
reported; a bad revision or a folder outside git is status 2."""

import json
import os
import shutil
import subprocess

from checks import check, expect, Skipped, Failed  # noqa: F401

OLD = """#include <stdio.h>
struct user { const char *email; const char *phone; };
void log_email(const struct user *u) { fprintf(stderr, "%s", u->email); }
"""

NEW_SINK = """void log_phone(const struct user *u) { fprintf(stderr, "%s", u->phone); }
"""


def git(ctx, *args):
    subprocess.run(["git", "-C", ctx.tmp, "-c", "user.email=t@example.org", "-c", "user.name=t",
                    *args], check=True, capture_output=True)


def repo(ctx):
    if not shutil.which("git"):
        raise Skipped("no git")
    git(ctx, "init", "-q")
    ctx.write("a.c", OLD)
    git(ctx, "add", "a.c")
    git(ctx, "commit", "-qm", "one finding")


def scan(ctx, *extra, files=("a.c",)):
    rc, out, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "--no-db",
                           "--format", "json", "--fail-on", "warning", *[ctx.path(f) for f in files], *extra, cwd=ctx.tmp)
    expect(rc != 2 or "--changed-since" in extra or "--staged" in extra,
           "exit 2: %s" % err)
    lines = sorted((f["file"], f["line"]) for f in json.loads(out)["findings"]) if rc < 2 else None
    return rc, lines, err


@check
def diff_changed_since(ctx):
    """A new sink in the work tree: only it is reported; the old finding
    is counted as outside the changed lines; an untouched tree reports
    nothing; an untracked file is wholly changed."""
    repo(ctx)
    rc, lines, err = scan(ctx, "--changed-since", "HEAD")
    expect(rc == 0 and lines == [], "nothing changed: %s %s" % (lines, err))
    expect("1 outside the changed lines" in err, err)
    ctx.write("a.c", OLD + NEW_SINK)
    rc, lines, err = scan(ctx, "--changed-since", "HEAD")
    expect(rc == 1 and lines == [("a.c", 4)], "new sink only: %s %s" % (lines, err))
    rc, lines, _ = scan(ctx)
    expect(lines == [("a.c", 3), ("a.c", 4)], "without the option: %s" % lines)
    ctx.write("b.c", '#include <stdio.h>\nstruct acct { const char *email; };\n'
              'void q(const struct acct *a) { fprintf(stderr, "%s", a->email); }\n')
    rc, lines, err = scan(ctx, "--changed-since", "HEAD", files=("a.c", "b.c"))
    expect(("b.c", 3) in lines and ("a.c", 3) not in lines, "untracked b.c: %s %s" % (lines, err))


@check
def diff_trace_touches(ctx):
    """The sink's line is unchanged, but a line of its trace (the call
    that passes the data to the logging helper) changed: the finding is
    reported, at its unchanged sink."""
    repo(ctx)
    old = ("#include <stdio.h>\n"
           "struct user { const char *email; };\n"
           "static void log_it(const char *s) { fprintf(stderr, \"%s\", s); }\n"
           "void handle(const struct user *u) { log_it(u->email); }\n")
    ctx.write("a.c", old)
    git(ctx, "commit", "-qam", "via a getter")
    rc, lines, err = scan(ctx, "--changed-since", "HEAD")
    expect(lines == [], "nothing changed: %s" % lines)
    ctx.write("a.c", old.replace("log_it(u->email); }", "log_it(u->email); /* edited */ }"))
    rc, lines, err = scan(ctx, "--changed-since", "HEAD")
    expect(lines == [("a.c", 3)], "trace touch: %s (%s)" % (lines, err))


@check
def diff_staged(ctx):
    """--staged: a change reported once `git add`ed, not before."""
    repo(ctx)
    ctx.write("a.c", OLD + NEW_SINK)
    rc, lines, err = scan(ctx, "--staged")
    expect(rc == 0 and lines == [], "unstaged change reported: %s %s" % (lines, err))
    git(ctx, "add", "a.c")
    rc, lines, err = scan(ctx, "--staged")
    expect(rc == 1 and lines == [("a.c", 4)], "staged change: %s %s" % (lines, err))


@check
def diff_bad_revision(ctx):
    """A revision that names nothing, or a folder outside git: status 2."""
    repo(ctx)
    rc, _, err = scan(ctx, "--changed-since", "no-such-branch")
    expect(rc == 2 and "no-such-branch" in err, "bad rev: %d %s" % (rc, err))
    rc, _, err = scan(ctx, "--changed-since", "--output=x")
    expect(rc == 2, "option-like rev: %d %s" % (rc, err))
    shutil.rmtree(ctx.path(".git"))
    rc, _, err = scan(ctx, "--changed-since", "HEAD")
    expect(rc == 2, "outside git: %d %s" % (rc, err))
