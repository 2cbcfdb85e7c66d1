"""CLI checks of the project config file, .privflow.json (issue 10, point
3): found walking up from the current directory, its paths taken from its
own directory, overridden by the command line, strict about what it holds;
and a scan without any policy, which is an error rather than a verdict
against the bundled example."""

import json
import os
import re
import shutil

from checks import check, expect, Skipped, Failed  # noqa: F401

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FACTURI = os.path.join(REPO, "rules", "facturi.policy.json")

LEAK = """#include <stdio.h>
struct user { const char *password; };
void log_user(const struct user *u) { fprintf(stderr, "user %s\\n", u->password); }
"""

CLEAN = """#include <stdio.h>
void hello(void) { fprintf(stderr, "hello\\n"); }
"""


def project(ctx, config, files=None):
    """A project in ctx.tmp: its sources, a compilation database in
    build/ and a .privflow.json holding `config` (a dict, or the text)."""
    files = files or {"src/leak.c": LEAK}
    for rel, text in files.items():
        ctx.write(rel, text)
    db = [{"directory": ctx.tmp, "file": rel, "arguments": ["cc", "-c", rel]}
          for rel in sorted(files) if rel.endswith(".c")]
    ctx.write("build/compile_commands.json", json.dumps(db))
    ctx.write(".privflow.json", config if isinstance(config, str)
              else json.dumps(config, indent=2) + "\n")


def findings(out):
    return [(f["file"], f["rule"]) for f in json.loads(out)["findings"]]


@check
def config_walking_up(ctx):
    """A plain `privflow scan` in a subfolder finds ../../.privflow.json:
    its compilation database, policy and root; the store goes beside it."""
    project(ctx, {"policy": "bundled:facturi", "build_path": "build"})
    sub = ctx.path("src", "deep", "er")
    os.makedirs(sub)
    rc, out, err = ctx.run("scan", "--format", "json", cwd=sub)
    expect(rc == 1, "exit %d, expected 1: %s" % (rc, err))
    got = findings(out)
    expect(("src/leak.c", "sensitive-log") in got,
           "paths are not relative to the config file's folder: %s" % got)
    expect(os.path.isfile(ctx.path(".privflow", "privflow.db")),
           "the store is not beside the config file")
    expect(not os.path.exists(os.path.join(sub, ".privflow")), "a store in the subfolder")
    expect("run 1 recorded in ../../../.privflow/privflow.db" in err,
           "the summary does not say where the run went: %s" % err)
    # the same folder without the config file: nothing to scan, no policy
    rc, _, err = ctx.run("scan", "--no-config", "../../leak.c", cwd=sub)
    expect(rc == 2 and "no policy" in err, "--no-config: exit %d: %s" % (rc, err))


@check
def config_paths_relative_to_file(ctx):
    """--config FILE elsewhere: its policy, catalogue and root are taken
    from its folder, not from the current directory."""
    for rel, text in (("proj/src/leak.c", LEAK),):
        ctx.write(rel, text)
    os.makedirs(ctx.path("ci", "rules"))
    shutil.copy(FACTURI, ctx.path("ci", "rules", "p.json"))
    ctx.write("ci/cat.json", '{"version": 1}\n')
    ctx.write("ci/privflow.json", json.dumps(
        {"policy": "rules/p.json", "catalogs": ["cat.json"], "root": "../proj"}))
    rc, out, err = ctx.run("scan", "--config", "ci/privflow.json", "proj/src/leak.c",
                           "--no-db", "--format", "json")
    expect(rc == 1, "exit %d: %s" % (rc, err))
    expect(("src/leak.c", "sensitive-log") in findings(out),
           "root not taken from the config file: %s" % findings(out))
    # a path that is wrong relative to the file's folder is an error naming it
    ctx.write("ci/privflow.json", json.dumps({"policy": "p.json"}))
    rc, _, err = ctx.run("scan", "--config", "ci/privflow.json", "proj/src/leak.c", "--no-db")
    expect(rc == 2 and "ci/p.json" in err, "a missing policy: exit %d: %s" % (rc, err))


@check
def config_cli_overrides(ctx):
    """The command line wins over the file, key by key."""
    project(ctx, {"policy": "missing.policy.json", "build_path": "build",
                  "fail_on": "never", "jobs": 1})
    rc, _, err = ctx.run("scan", "--no-db")
    expect(rc == 2 and "missing.policy.json" in err,
           "the config's policy was not used: exit %d: %s" % (rc, err))
    rc, _, err = ctx.run("scan", "--no-db", "--policy", FACTURI)
    expect(rc == 0, "fail_on never: exit %d: %s" % (rc, err))
    rc, _, err = ctx.run("scan", "--no-db", "--policy", FACTURI, "--fail-on", "error")
    expect(rc == 1, "--fail-on error over fail_on never: exit %d: %s" % (rc, err))
    # FILES on the command line replace the config's build_path
    ctx.write("other/clean.c", CLEAN)
    rc, out, err = ctx.run("scan", "--no-db", "--policy", FACTURI, "--fail-on", "error",
                           "other/clean.c", "--format", "json")
    expect(rc == 0 and findings(out) == [], "FILES over build_path: exit %d: %s" % (rc, err))


@check
def config_bad(ctx):
    """A config file that is wrong is exit 2 with file, line and key, never
    a setting silently ignored."""
    ctx.write("leak.c", LEAK)
    cases = [
        ('{\n  "policy": "bundled:facturi",\n  "fail_ons": "never"\n}\n',
         [".privflow.json:3:", "fail_ons", "did you mean 'fail_on'"]),
        ('{\n  "policy": "bundled:facturi",\n\n  "jobs": "two"\n}\n',
         [".privflow.json:4:", "jobs", "expected an integer"]),
        ('{\n  "fail_on": "sometimes"\n}\n', [".privflow.json:2:", "fail_on"]),
        ('{\n  "exclude": ["vendor", "/abs"]\n}\n', [".privflow.json:2:", "exclude[1]", "relative"]),
        ('{\n  "policy": "bundled:facturi",\n  "policy": "x"\n}\n', [".privflow.json:3"]),
        ('{\n  "policy": \n', [".privflow.json:3", "invalid JSON"]),
        ('["policy"]\n', [".privflow.json:1:", "expected an object"]),
    ]
    for text, words in cases:
        ctx.write(".privflow.json", text)
        rc, _, err = ctx.run("scan", "leak.c", "--no-db")
        expect(rc == 2, "%r: exit %d, expected 2: %s" % (text, rc, err))
        for w in words:
            expect(w in err, "%r: the message lacks %r: %s" % (text, w, err))
        expect(len([l for l in err.split("\n") if l]) == 1, "%r: not one line: %s" % (text, err))
    # the same project with a good file scans
    ctx.write(".privflow.json", '{\n  "policy": "bundled:facturi",\n  "fail_on": "never"\n}\n')
    rc, _, err = ctx.run("scan", "leak.c", "--no-db")
    expect(rc == 0, "a good config: exit %d: %s" % (rc, err))
    # a directory by that name is an error too, not a reason to look higher
    os.remove(ctx.path(".privflow.json"))
    os.mkdir(ctx.path(".privflow.json"))
    rc, _, err = ctx.run("scan", "leak.c", "--no-db", "--policy", "bundled:facturi")
    expect(rc == 2 and ".privflow.json" in err, "a directory: exit %d: %s" % (rc, err))


@check
def no_policy(ctx):
    """Without --policy and without a config file's policy a scan is an
    error that says how to ask for the bundled example; it writes nothing."""
    ctx.write("leak.c", LEAK)
    rc, out, err = ctx.run("scan", "leak.c", "-o", ctx.path("r.txt"))
    expect(rc == 2, "exit %d, expected 2: %s" % (rc, err))
    expect("no policy" in err and "--policy bundled:facturi" in err, "message: %s" % err)
    expect(not os.path.exists(ctx.path(".privflow")), "a store was created")
    expect(not os.path.exists(ctx.path("r.txt")), "a report was written")
    rc, _, err = ctx.run("scan", "leak.c", "--policy", "bundled:facturi", "--no-db")
    expect(rc == 1, "--policy bundled:facturi: exit %d: %s" % (rc, err))
    for bad in ("nope", "../facturi", ""):
        rc, _, err = ctx.run("scan", "leak.c", "--policy", "bundled:" + bad, "--no-db")
        expect(rc == 2 and "no bundled policy" in err and "facturi" in err,
               "bundled:%s: exit %d: %s" % (bad, rc, err))
    # report renders a stored run without a policy, as before
    rc, _, err = ctx.run("scan", "leak.c", "--policy", "bundled:facturi", "--db", "s.db",
                         "-o", os.devnull)
    rc, _, err = ctx.run("report", "--db", "s.db", "-o", os.devnull)
    expect(rc == 1, "report without a policy: exit %d: %s" % (rc, err))


@check
def config_include_exclude(ctx):
    """exclude: a TU whose main file matches is not parsed, a finding in a
    header that matches is dropped; include: only what matches."""
    vendor_h = ('#include <stdio.h>\nstruct account { const char *password; };\n'
                'static inline void vendor_log(const struct account *a) '
                '{ fprintf(stderr, "%s\\n", a->password); }\n')
    files = {"src/leak.c": LEAK, "vendor/v.c": LEAK.replace("log_user", "v_log"),
             "vendor/log.h": vendor_h,
             "src/use.c": '#include "../vendor/log.h"\n'
                          'void use(const struct account *a) { vendor_log(a); }\n'}
    project(ctx, {"policy": "bundled:facturi", "build_path": "build"}, files)
    rc, out, err = ctx.run("scan", "--no-db", "--format", "json")
    got = {f for f, _ in findings(out)}
    expect(got == {"src/leak.c", "vendor/v.c", "vendor/log.h"}, "no globs: %s" % got)
    for globs in (["vendor"], ["vendor/**"], ["*/log.h", "vendor/*.c"]):
        project(ctx, {"policy": "bundled:facturi", "build_path": "build", "exclude": globs}, files)
        rc, out, err = ctx.run("scan", "--no-db", "--format", "json")
        rep = json.loads(out)
        got = {f for f, _ in findings(out)}
        expect(rc == 1 and got == {"src/leak.c"}, "exclude %s: exit %d: %s" % (globs, rc, got))
        paths = {f["path"] for f in rep["files"]}
        expect("vendor/v.c" not in paths, "exclude %s: vendor/v.c was parsed" % globs)
    project(ctx, {"policy": "bundled:facturi", "build_path": "build",
                  "include": ["src/use.c", "vendor/*.h"]}, files)
    rc, out, err = ctx.run("scan", "--no-db", "--format", "json")
    got = {f for f, _ in findings(out)}
    expect(got == {"vendor/log.h"}, "include: %s" % got)
    project(ctx, {"policy": "bundled:facturi", "build_path": "build", "exclude": ["*"]}, files)
    rc, _, err = ctx.run("scan", "--no-db")
    expect(rc == 3 and "excluded" in err, "everything excluded: exit %d: %s" % (rc, err))


@check
def schemas_match_loaders(ctx):
    """rules/config.schema.json and rules/baseline.schema.json name exactly
    the keys the loaders accept (their "unknown key" messages list them)."""
    def allowed(err):
        m = re.search(r"\(allowed: ([^)]*)\)", err)
        expect(m, "no list of allowed keys: %s" % err)
        return set(m.group(1).split(", "))

    ctx.write("leak.c", LEAK)
    with open(os.path.join(REPO, "rules", "config.schema.json")) as f:
        schema = json.load(f)
    ctx.write(".privflow.json", '{"zzz": 1}\n')
    rc, _, err = ctx.run("scan", "leak.c", "--no-db")
    expect(rc == 2 and allowed(err) == set(schema["properties"]),
           "config keys: %s vs %s" % (err, sorted(schema["properties"])))
    os.remove(ctx.path(".privflow.json"))
    with open(os.path.join(REPO, "rules", "baseline.schema.json")) as f:
        schema = json.load(f)
    ctx.write("b.json", '{"version": 1, "findings": [], "zzz": 1}\n')
    rc, _, err = ctx.run("scan", "leak.c", "--no-db", "--policy", "bundled:facturi",
                         "--baseline", "b.json")
    expect(rc == 2 and allowed(err) == set(schema["properties"]), "baseline keys: %s" % err)
    ctx.write("b.json", '{"version": 1, "findings": [{"zzz": 1}]}\n')
    rc, _, err = ctx.run("scan", "leak.c", "--no-db", "--policy", "bundled:facturi",
                         "--baseline", "b.json")
    items = schema["properties"]["findings"]["items"]["properties"]
    expect(rc == 2 and allowed(err) == set(items), "baseline entry keys: %s" % err)
