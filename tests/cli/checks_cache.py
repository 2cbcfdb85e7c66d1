"""CLI checks of the parse cache (issue 10, point 1): a rescan takes each
unchanged TU's IR from the store and parses only what changed, and its
reports are byte for byte those of a scan that parses everything, after
each of a series of edits of the generated code base (bench/gen_codebase.py):
a function body, a header, a file added and one removed, a function
renamed. The cache is also refused when it is not to be trusted: a store
row that is not IR, a brief or facts that do not read, a TU with errors."""

import json
import os
import re
import sqlite3
import subprocess
import sys

from checks import check, expect, REPO, Skipped, Failed  # noqa: F401

NTUS = 16
FORMATS = "text,json,sarif,md,dot,html,gitlab-sast"


def generate(ctx):
    out = ctx.path("app")
    subprocess.run([sys.executable, os.path.join(REPO, "bench", "gen_codebase.py"),
                    "-n", str(NTUS), "--seed", "3", "-o", out], check=True,
                   capture_output=True)
    return out


def scan(ctx, app, outdir, *extra):
    rc, _, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "-p", app,
                         "--root", app, "--format", FORMATS, "--out-dir", ctx.path(outdir),
                         "--fail-on", "never", "-j", "2", *extra,
                         env={"SOURCE_DATE_EPOCH": "1700000000"})
    expect(rc == 0, "scan %s: exit %d: %s" % (outdir, rc, err))
    return [l for l in err.split("\n") if l.startswith("privflow: ")][-1]


def unchanged(summary):
    """How many TUs the summary says came from the cache (0: none)."""
    m = re.search(r"(\d+) of (\d+) translation units? unchanged \(parse cache\)", summary)
    return int(m.group(1)) if m else 0


def same_reports(ctx, a, b, step):
    names = sorted(os.listdir(ctx.path(a)))
    expect(names == sorted(os.listdir(ctx.path(b))) and len(names) >= 7,
           "%s: report files differ: %s" % (step, names))
    for n in names:
        with open(ctx.path(a, n), "rb") as f, open(ctx.path(b, n), "rb") as g:
            expect(f.read() == g.read(), "%s: %s differs between the cached and the cold "
                   "scan" % (step, n))


def edit(path, old, new, count=1):
    with open(path) as f:
        text = f.read()
    expect(old in text, "%s: no %r to edit" % (path, old))
    with open(path, "w") as f:
        f.write(text.replace(old, new, count))


def compdb_edit(app, fn):
    p = os.path.join(app, "compile_commands.json")
    with open(p) as f:
        db = json.load(f)
    db = fn(db)
    with open(p, "w") as f:
        json.dump(db, f, indent=2)


@check
def cache_equivalence(ctx):
    """After each edit, the cached rescan's reports equal a cold scan's,
    byte for byte, and it parsed only what the edit touched."""
    app = generate(ctx)
    mods = sorted(os.listdir(os.path.join(app, "src", "mod")))
    first = os.path.join(app, "src", "mod", mods[0])
    step = 0

    def compare(name, expect_unchanged):
        nonlocal step
        step += 1
        warm = scan(ctx, app, "warm%d" % step, "--db", ctx.path("warm.db"))
        scan(ctx, app, "cold%d" % step, "--no-db")
        same_reports(ctx, "warm%d" % step, "cold%d" % step, name)
        got = unchanged(warm)
        expect(expect_unchanged(got), "%s: %d TUs from the cache: %s" % (name, got, warm))

    compare("first scan", lambda n: n == 0)
    compare("nothing changed", lambda n: n == NTUS)
    # a body: one TU parsed again, and a new finding in it
    with open(first, "a") as f:
        f.write("\nvoid cache_probe(const struct user *u)\n{\n"
                "\tsyslog(LOG_INFO, \"probe %s\", u->email);\n}\n")
    compare("a body edited", lambda n: n == NTUS - 1)
    with open(ctx.path("warm3", "privflow.json")) as f:
        expect("cache_probe" in f.read(), "the edit is not in the report")
    # a header every module includes: all parsed again
    edit(os.path.join(app, "include", "util.h"), "#endif",
         "#include <syslog.h>\nstatic inline void hdr_probe(const char *s)\n{\n"
         "\tsyslog(LOG_INFO, \"%s\", s);\n}\n#endif")
    compare("a header edited", lambda n: n < NTUS / 2)
    compare("nothing changed again", lambda n: n == NTUS)
    # a file added
    ctx.write("app/src/extra.c", "#include <syslog.h>\n#include \"model.h\"\n"
              "void extra_leak(const struct user *u)\n{\n"
              "\tsyslog(LOG_INFO, \"%s\", u->password);\n}\n")

    def add(db):
        e = dict(db[0])
        e["file"] = "src/extra.c"
        e["arguments"] = [a if a != db[0]["file"] else "src/extra.c" for a in e["arguments"]]
        e["arguments"] = [a for a in e["arguments"] if not a.startswith("build/")]
        e["arguments"] = [a for i, a in enumerate(e["arguments"])
                          if a != "-o" and (i == 0 or e["arguments"][i - 1] != "-o")]
        e.pop("output", None)
        return db + [e]
    compdb_edit(app, add)
    compare("a file added", lambda n: n == NTUS)
    # a file removed
    compdb_edit(app, lambda db: [e for e in db if not e["file"].endswith(mods[1])])
    os.unlink(os.path.join(app, "src", "mod", mods[1]))
    compare("a file removed", lambda n: n == NTUS)
    # a function renamed, in its definition, prototype and callers
    with open(os.path.join(app, "src", "mod", mods[2])) as f:
        name = re.search(r"^\w[\w\s\*]*?\b(\w+)\(", f.read(), re.M).group(1)
    touched = 0
    for d, _, files in os.walk(app):
        for fn in files:
            if fn.endswith((".c", ".h")):
                p = os.path.join(d, fn)
                with open(p) as f:
                    text = f.read()
                new = re.sub(r"\b%s\b" % name, name + "_renamed", text)
                if new != text:
                    touched += 1
                    with open(p, "w") as f:
                        f.write(new)
    expect(touched >= 1, "nothing renamed")
    compare("a function renamed", lambda n: 0 < n < NTUS)


@check
def cache_untrusted(ctx):
    """A cache row that is not IR is a miss, not a crash or a wrong
    result; a TU with errors is never cached."""
    ctx.write("a.c", "#include <syslog.h>\nstruct user { const char *password; };\n"
              "void f(const struct user *u) { syslog(LOG_INFO, \"%s\", u->password); }\n")
    ctx.write("b.c", "int g(void) { return undeclared_thing; }\n")
    args = ("scan", "--no-config", "--policy", "bundled:facturi", "a.c", "b.c", "--db",
            "s.db", "--format", "json", "-o", "r.json", "--fail-on", "never")
    rc, _, err = ctx.run(*args)
    expect(rc == 0, "first scan: exit %d: %s" % (rc, err))
    with open(ctx.path("r.json"), "rb") as f:
        first = f.read()
    db = sqlite3.connect(ctx.path("s.db"))
    n = db.execute("SELECT count(*) FROM tu_cache").fetchone()[0]
    expect(n == 1, "%d TUs cached; only a.c has no errors" % n)
    # damaged IR: the row's IR is read only when its unit must be
    # analysed (not when a unit's results are cached, so those go first)
    db.execute("UPDATE tu_cache SET ir = x'50464952ffffffff'")
    db.execute("DELETE FROM unit_cache")
    db.commit()
    db.close()
    rc, _, err = ctx.run(*args)
    expect(rc == 2 and "a.c was damaged" in err and "scan again" in err,
           "damaged IR: exit %d: %s" % (rc, err))
    rc, _, err = ctx.run(*args)
    expect(rc == 0 and unchanged(err) == 0, "after the damaged row: exit %d: %s" % (rc, err))
    with open(ctx.path("r.json"), "rb") as f:
        expect(f.read() == first, "damaged IR changed the report")
    rc, _, err = ctx.run(*args)
    expect(unchanged(err) == 1, "the damaged row was not replaced: %s" % err)
    # damaged results of a unit: analysed again
    db = sqlite3.connect(ctx.path("s.db"))
    db.execute("UPDATE unit_cache SET results = x'5046525301000000ffff'")
    db.commit()
    db.close()
    rc, _, err = ctx.run(*args)
    expect(rc == 0, "damaged unit results: exit %d: %s" % (rc, err))
    with open(ctx.path("r.json"), "rb") as f:
        expect(f.read() == first, "damaged unit results changed the report")
    # a brief that is not one, then facts that are not
    db = sqlite3.connect(ctx.path("s.db"))
    db.execute("UPDATE tu_cache SET brief = x'00'")
    db.commit()
    db.close()
    rc, _, err = ctx.run(*args)
    expect(rc == 0 and unchanged(err) == 0, "damaged brief: exit %d: %s" % (rc, err))
    db = sqlite3.connect(ctx.path("s.db"))
    db.execute("UPDATE tu_cache SET facts = x'0102'")
    db.commit()
    db.close()
    rc, _, err = ctx.run(*args)
    expect(rc == 0 and unchanged(err) == 0, "damaged facts: exit %d: %s" % (rc, err))
    with open(ctx.path("r.json"), "rb") as f:
        expect(f.read() == first, "damaged rows changed the report")
    # --no-cache parses everything
    rc, _, err = ctx.run(*args, "--no-cache")
    expect(rc == 0 and unchanged(err) == 0, "--no-cache: %s" % err)


@check
def cache_units(ctx):
    """Two programs are two link units: after an edit of one, only that
    unit is analysed again; the other's analysis comes from the cache."""
    lib = "#include <syslog.h>\nstruct user { const char *email; };\n"
    ctx.write("one.c", lib + "int main(void) { struct user u = {0};\n"
              "syslog(LOG_INFO, \"%s\", u.email); return 0; }\n")
    ctx.write("two.c", lib + "int main(void) { struct user u = {0};\n"
              "syslog(LOG_INFO, \"%s\", u.email); return 0; }\n")
    args = ("scan", "--no-config", "--policy", "bundled:facturi", "one.c", "two.c", "--db",
            "s.db", "--format", "json", "-o", "r.json", "--fail-on", "never")
    trace = {"PF_TRACE": "1"}
    rc, _, err = ctx.run(*args, env=trace)
    expect(rc == 0 and "taken from the cache" not in err, "first: %d %s" % (rc, err[-500:]))
    rc, _, err = ctx.run(*args, env=trace)
    expect(err.count("analysis taken from the cache") == 2, "unchanged: %s" % err[-500:])
    with open(ctx.path("two.c"), "a") as f:
        f.write("/* edited */\n")
    rc, _, err = ctx.run(*args, env=trace)
    expect(err.count("analysis taken from the cache") == 1, "one edited: %s" % err[-500:])
    with open(ctx.path("r.json")) as f:
        findings = json.load(f)["findings"]
    expect(sorted({x["file"] for x in findings}) == ["one.c", "two.c"],
           "findings of both units: %s" % findings)


@check
def shard_merge(ctx):
    """scan --shard K/N over 3 shards, each into its own store, then
    merge of the three stores: byte for byte the reports of one scan,
    with nothing parsed again; a missing shard's TUs are parsed by the
    merge (and said so); bad --shard values and merge without stores
    are usage errors."""
    app = generate(ctx)
    for k in (1, 2, 3):
        rc, out, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "-p", app,
                               "--root", app, "--shard", "%d/3" % k, "--db", "s%d.db" % k)
        expect(rc == 0 and out == b"", "shard %d: exit %d: %s" % (k, rc, err))
        expect(re.search(r"shard %d/3: [56] of %d translation units \([56] parsed" % (k, NTUS),
                         err), "shard %d: %s" % (k, err))
    rc, _, err = ctx.run("merge", "--no-config", "--policy", "bundled:facturi", "-p", app,
                         "--root", app, "--db", "m.db", "s1.db", "s2.db", "s3.db", "--format",
                         FORMATS, "--out-dir", ctx.path("merged"), "--fail-on", "never",
                         env={"SOURCE_DATE_EPOCH": "1700000000"})
    expect(rc == 0, "merge: exit %d: %s" % (rc, err))
    expect(unchanged(err) == NTUS and "merge parsed" not in err, "merge parsed: %s" % err)
    scan(ctx, app, "one", "--no-db")
    same_reports(ctx, "merged", "one", "3 shards merged")
    # a shard missing: its TUs are parsed by the merge, which says so
    rc, _, err = ctx.run("merge", "--no-config", "--policy", "bundled:facturi", "-p", app,
                         "--root", app, "--db", "m2.db", "s1.db", "s3.db", "--format", "json",
                         "-o", ctx.path("m2.json"), "--fail-on", "never")
    expect(rc == 0 and re.search(r"merge parsed [56] translation units", err),
           "a shard missing: exit %d: %s" % (rc, err))
    with open(ctx.path("m2.json"), "rb") as f, open(ctx.path("one", "privflow.json"), "rb") as g:
        expect(f.read() == g.read(), "a merge that parsed a shard's TUs differs")
    for bad in ("0/3", "4/3", "1/0", "1/1001", "x", "1/", "/3", "1/3x"):
        rc, _, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "-p", app,
                             "--shard", bad, "--db", "x.db")
        expect(rc == 2 and "--shard" in err, "--shard %s: exit %d: %s" % (bad, rc, err))
    rc, _, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "-p", app,
                         "--shard", "1/2", "--no-db")
    expect(rc == 2 and "--no-db" in err, "--shard --no-db: exit %d: %s" % (rc, err))
    rc, _, err = ctx.run("merge", "--no-config", "--policy", "bundled:facturi", "-p", app)
    expect(rc == 2 and "nothing to merge" in err, "merge without stores: %d %s" % (rc, err))
    rc, _, err = ctx.run("merge", "--no-config", "--policy", "bundled:facturi", "-p", app,
                         "--db", "m3.db", "nosuch.db")
    expect(rc == 2 and "nosuch.db" in err, "merge of a missing store: %d %s" % (rc, err))
