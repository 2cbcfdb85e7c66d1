"""CLI checks of the store's upkeep (issue 10, point 10): `privflow store`
shows its schema version, size and runs; --keep-runs N (scan and store)
deletes every run but the N newest, with everything that hangs off them;
a store of an older schema is refused read-only with the fix named, and
migrated by a command that writes."""

import os
import re
import sqlite3

from checks import check, expect, Skipped, Failed  # noqa: F401

LEAK = """#include <stdio.h>
struct user { const char *password; };
void log_user(const struct user *u) { fprintf(stderr, "user %s\\n", u->password); }
"""


def scan(ctx, *extra):
    ctx.write("leak.c", LEAK)
    return ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "-q",
                   "--db", ctx.path("s.db"), "-o", os.devnull, ctx.path("leak.c"), *extra,
                   cwd=ctx.tmp)


def store(ctx, *args):
    rc, out, err = ctx.run("store", "--no-config", "--db", ctx.path(args[0]), *args[1:],
                           cwd=ctx.tmp)
    return rc, out.decode("utf-8", "replace"), err


def rows(ctx, table):
    db = sqlite3.connect(ctx.path("s.db"))
    try:
        return db.execute("SELECT count(*) FROM %s" % table).fetchone()[0]
    finally:
        db.close()


@check
def store_shows_itself(ctx):
    """`privflow store` names the schema version, the size and the runs."""
    for _ in range(3):
        rc, _, err = scan(ctx)
        expect(rc == 1, "scan exit %d: %s" % (rc, err))
    rc, out, err = store(ctx, "s.db")
    expect(rc == 0, "store exit %d: %s" % (rc, err))
    expect(re.search(r"^schema: version \d+ \(this privflow writes version \d+\)$", out, re.M),
           out)
    expect(re.search(r"^size: [1-9]\d* bytes$", out, re.M), out)
    expect(re.search(r"^runs: 3 \(ids 1 to 3; ", out, re.M), out)
    expect(re.search(r"^findings: [1-9]\d*$", out, re.M), out)
    rc, _, err = store(ctx, "none.db")
    expect(rc == 2 and "no such store" in err, "missing store: exit %d: %s" % (rc, err))


@check
def store_keep_runs(ctx):
    """--keep-runs deletes old runs with their findings, traces and uses,
    on a scan and on `privflow store`; 0 is a usage error."""
    for _ in range(4):
        scan(ctx)
    steps, found = rows(ctx, "trace_steps"), rows(ctx, "findings")
    expect(rows(ctx, "runs") == 4 and steps > 0, "4 runs expected")
    rc, _, err = scan(ctx, "--keep-runs", "2")
    expect(rc == 1, "scan exit %d: %s" % (rc, err))
    expect(rows(ctx, "runs") == 2, "scan --keep-runs 2 left %d runs" % rows(ctx, "runs"))
    expect(found and rows(ctx, "findings") == found // 4 * 2, "findings of deleted runs are left")
    expect(rows(ctx, "trace_steps") == steps // 4 * 2, "trace steps of deleted runs are left")
    rc, out, err = store(ctx, "s.db", "--keep-runs", "1")
    expect(rc == 0 and "1 old run deleted" in err, "store --keep-runs: %d %s" % (rc, err))
    expect(re.search(r"^runs: 1 \(ids 5 to 5; ", out, re.M), out)
    rc, _, err = store(ctx, "s.db", "--keep-runs", "0")
    expect(rc == 2 and "--keep-runs" in err, "--keep-runs 0: exit %d: %s" % (rc, err))


@check
def store_older_schema(ctx):
    """A store of an older schema: `store` (read-only) refuses it, naming
    its version and the fix; `store --keep-runs` (which writes) migrates
    it and keeps its run."""
    scan(ctx)
    db = sqlite3.connect(ctx.path("s.db"))
    db.executescript("DROP TABLE tu_cache; DROP TABLE unit_cache; DROP TABLE cache_used; DROP TABLE file_stat;"
                     "ALTER TABLE findings DROP COLUMN suppression;"
                     "ALTER TABLE findings DROP COLUMN justification;"
                     "ALTER TABLE runs DROP COLUMN git_commit;"
                     "ALTER TABLE runs DROP COLUMN git_branch;"
                     "PRAGMA user_version = 3;")
    db.close()
    rc, out, err = store(ctx, "s.db")
    expect(rc == 2 and "schema version 3" in err, "older store read-only: %d %s" % (rc, err))
    rc, out, err = store(ctx, "s.db", "--keep-runs", "5")
    expect(rc == 0, "migrating store: exit %d: %s" % (rc, err))
    expect(re.search(r"^schema: version (\d+) \(this privflow writes version \1\)$", out, re.M),
           out)
    expect(re.search(r"^runs: 1 ", out, re.M), out)
