"""CLI checks of baselines and of the summary CI reads (issue 10, points 4
and 8): `privflow baseline` writes the accepted findings by fingerprint,
deterministically; `--baseline FILE | run:ID | git:REF` reports only new
findings and counts the baselined and the gone; fingerprints survive lines
moving above a finding; a baseline file is hostile input; a summary line
goes to standard error after every scan, even when every report goes to a
file; parse errors are printed in gcc's order."""

import json
import os
import pty
import re
import shutil
import sqlite3
import subprocess

from checks import check, expect, Skipped, Failed  # noqa: F401

POL = "--policy=bundled:facturi"

LEAK = """#include <stdio.h>
struct user { const char *password; };
void log_user(const struct user *u) { fprintf(stderr, "user %s\\n", u->password); }
"""

MORE = """
struct card { const char *card_number; };
void log_card(const struct card *c) { fprintf(stderr, "card %s\\n", c->card_number); }
"""


def scan(ctx, *args, cwd=None):
    """Scans leak.c into s.db as JSON on stdout: (rc, report, stderr)."""
    rc, out, err = ctx.run("scan", POL, "leak.c", "--db", "s.db", "--format", "json",
                           *args, cwd=cwd)
    expect(rc in (0, 1), "scan %s: exit %d: %s" % (args, rc, err))
    return rc, json.loads(out), err


def summary_line(err):
    lines = [l for l in err.split("\n") if l.startswith("privflow: ")]
    expect(lines, "no summary on standard error: %r" % err)
    return lines[-1]


def rules(rep):
    return sorted(f["rule"] for f in rep["findings"])


@check
def baseline_written(ctx):
    """privflow baseline writes the latest run's findings, sorted, the same
    bytes twice; --run picks another run; suppressed ones are left out."""
    ctx.write("leak.c", LEAK)
    _, rep, _ = scan(ctx)
    ctx.write("leak.c", LEAK + MORE)
    _, rep2, _ = scan(ctx)
    rc, _, err = ctx.run("baseline", "--db", "s.db", "-o", "b1.json")
    expect(rc == 0, "baseline: exit %d: %s" % (rc, err))
    expect("baseline of run 2" in err and "written to b1.json" in err, "message: %s" % err)
    rc, out, err = ctx.run("baseline", "--db", "s.db")
    expect(rc == 0, "baseline to stdout: exit %d: %s" % (rc, err))
    with open(ctx.path("b1.json"), "rb") as f:
        b1 = f.read()
    expect(out == b1, "not the same bytes twice")
    doc = json.loads(b1)
    expect(doc["version"] == 1 and doc["tool"] == "privflow", "header: %s" % doc)
    got = [(e["fingerprint"], e["rule"], e["file"]) for e in doc["findings"]]
    want = [(f["fingerprint"], f["rule"], f["file"]) for f in rep2["findings"]]
    expect(got == want, "not the run's findings in its order: %s vs %s" % (got, want))
    expect(all(re.fullmatch(r"[0-9a-f]{32}", e["fingerprint"]) for e in doc["findings"]),
           "fingerprints: %s" % got)
    expect(all(set(e) == {"fingerprint", "rule", "file", "line", "message"}
               for e in doc["findings"]), "keys: %s" % doc["findings"])
    rc, out, err = ctx.run("baseline", "--db", "s.db", "--run", "1")
    expect(rc == 0 and len(json.loads(out)["findings"]) == len(rep["findings"]),
           "--run 1: exit %d: %s" % (rc, err))
    # a suppressed finding is suppressed already: not in a baseline
    con = sqlite3.connect(ctx.path("s.db"))
    con.execute("UPDATE findings SET suppression = 'inSource', justification = 'test' "
                "WHERE run_id = 2 AND fingerprint = ?", (want[0][0],))
    con.commit()
    con.close()
    rc, out, err = ctx.run("baseline", "--db", "s.db")
    fps = [e["fingerprint"] for e in json.loads(out)["findings"]]
    expect(rc == 0 and want[0][0] not in fps and len(fps) == len(want) - 1,
           "a suppressed finding is in the baseline: %s" % fps)
    # no run, no store: exit 2
    rc, _, err = ctx.run("baseline", "--db", "s.db", "--run", "9")
    expect(rc == 2 and "no run 9" in err, "--run 9: exit %d: %s" % (rc, err))
    rc, _, err = ctx.run("baseline", "--db", "none.db")
    expect(rc == 2 and "no such store" in err, "no store: exit %d: %s" % (rc, err))


@check
def baseline_filters(ctx):
    """--baseline FILE: only new findings are reported and can fail the
    run; baselined and gone ones are counted in the summaries."""
    ctx.write("leak.c", LEAK)
    rc0, rep0, _ = scan(ctx)
    expect(rc0 == 1 and len(rep0["findings"]) == 2, "first scan: %s" % rules(rep0))
    rc, _, err = ctx.run("baseline", "--db", "s.db", "-o", "base.json")
    expect(rc == 0, "baseline: %s" % err)
    # nothing changed: nothing new, exit 0
    rc, rep, err = scan(ctx, "--baseline", "base.json")
    expect(rc == 0 and rep["findings"] == [], "unchanged: exit %d, %s" % (rc, rules(rep)))
    expect(rep["summary"]["baselined"] == 2 and rep["summary"]["baseline_gone"] == 0,
           "JSON summary: %s" % rep["summary"])
    line = summary_line(err)
    expect("no new findings" in line and "2 baselined" in line and "gone" not in line,
           "stderr summary: %s" % line)
    # a new leak: only it is reported, and it fails the run
    ctx.write("leak.c", LEAK + MORE)
    rc, rep, err = scan(ctx, "--baseline", "base.json", "--fail-on", "warning")
    expect(rc == 1 and len(rep["findings"]) >= 1, "new leak: exit %d: %s" % (rc, rules(rep)))
    expect(all("card" in f["message"] for f in rep["findings"]),
           "an old finding was reported: %s" % [f["message"] for f in rep["findings"]])
    n = len(rep["findings"])
    expect(re.search(r"%d new findings? \(" % n, summary_line(err)), "summary: %s" % err)
    # the store keeps every finding, baselined or not
    con = sqlite3.connect(ctx.path("s.db"))
    (stored,) = con.execute("SELECT count(*) FROM findings WHERE run_id = "
                            "(SELECT max(id) FROM runs)").fetchone()
    con.close()
    expect(stored == n + 2, "the store has %d findings, expected %d" % (stored, n + 2))
    # the old leak fixed: its entries are gone
    ctx.write("leak.c", "#include <stdio.h>\n" + MORE)
    rc, rep, err = scan(ctx, "--baseline", "base.json")
    expect(rep["summary"]["baselined"] == 0 and rep["summary"]["baseline_gone"] == 2,
           "JSON summary: %s" % rep["summary"])
    expect("0 baselined (2 gone)" in summary_line(err), "summary: %s" % err)
    # the text report says it too; report --baseline renders the same
    rc, out, err = ctx.run("report", "--db", "s.db", "--run", "3", "--baseline", "base.json",
                           "--fail-on", "warning")
    expect(rc == 1 and b"; 2 baselined" in out, "report --baseline: exit %d: %s" % (rc, out))
    expect(b"password" not in out, "report --baseline shows a baselined finding")
    # without the baseline every finding is back
    rc, rep, err = scan(ctx)
    expect(rep["summary"]["baselined"] == 0 and "baselined" not in summary_line(err),
           "no baseline: %s / %s" % (rep["summary"], err))


@check
def baseline_lines_moved(ctx):
    """Fingerprints survive lines inserted above a finding: the rescan
    with the baseline has nothing new. A changed finding is new."""
    ctx.write("leak.c", LEAK)
    _, rep0, _ = scan(ctx)
    rc, _, err = ctx.run("baseline", "--db", "s.db", "-o", "base.json")
    ctx.write("leak.c", "/* a licence header\n * of several lines\n */\n\n"
              "static int unrelated(int x) { return x + 1; }\n\n" + LEAK)
    rc, rep, err = scan(ctx, "--baseline", "base.json")
    expect(rc == 0 and rep["findings"] == [], "lines moved: new findings %s" % rules(rep))
    expect(rep["summary"]["baselined"] == 2 and rep["summary"]["baseline_gone"] == 0,
           "summary: %s" % rep["summary"])
    _, moved, _ = scan(ctx)
    expect([f["line"] for f in moved["findings"]] != [f["line"] for f in rep0["findings"]],
           "the finding did not move")
    # the counterpart: the same leak in another function is a new finding
    ctx.write("leak.c", LEAK.replace("log_user", "log_account"))
    rc, rep, err = scan(ctx, "--baseline", "base.json")
    expect(rc == 1 and rep["findings"] and rep["summary"]["baseline_gone"] == 2,
           "a changed finding was baselined: %s" % rep["summary"])


def git(ctx, *args):
    p = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                        "-c", "commit.gpgsign=false"] + list(args),
                       cwd=ctx.tmp, capture_output=True, text=True)
    expect(p.returncode == 0, "git %s: %s" % (args, p.stderr))
    return p.stdout.strip()


@check
def baseline_run_and_git(ctx):
    """--baseline run:ID and git:REF take a stored run: git:REF the last one
    recorded at the commit REF names, never the scan in progress."""
    if not shutil.which("git"):
        raise Skipped("no git")
    ctx.write("leak.c", LEAK)
    git(ctx, "init", "-q", ".")
    git(ctx, "add", "leak.c")
    git(ctx, "commit", "-q", "-m", "one")
    git(ctx, "branch", "-M", "main")
    first = git(ctx, "rev-parse", "HEAD")
    # at the first commit, git:main names this very commit, which has no
    # run yet: an error, not a baseline of the scan itself
    rc, _, err = ctx.run("scan", POL, "leak.c", "--db", "s.db", "--baseline", "git:main")
    expect(rc == 2 and "no run" in err and first in err, "no run yet: exit %d: %s" % (rc, err))
    scan(ctx)  # run 1, at the first commit
    git(ctx, "checkout", "-q", "-b", "topic")
    ctx.write("leak.c", "/* moved */\n" + LEAK + MORE)
    git(ctx, "commit", "-q", "-am", "two")
    for spec in ("git:main", "git:HEAD~1", "git:" + first, "run:1"):
        rc, rep, err = scan(ctx, "--baseline", spec)
        expect(rep["summary"]["baselined"] == 2 and rep["findings"]
               and all("card" in f["message"] for f in rep["findings"]),
               "%s: %s / %s" % (spec, rules(rep), err))
    # git:HEAD is the second commit: its last run is the one just recorded
    rc, rep, err = scan(ctx, "--baseline", "git:HEAD")
    expect(rc == 0 and rep["findings"] == [], "git:HEAD: %s" % rules(rep))
    for spec, words in (("git:nope", "nope"), ("run:99", "no run 99"), ("run:x", "run:ID"),
                        ("git:", "git:REF"), ("git:--output=x", "git:REF")):
        rc, _, err = ctx.run("scan", POL, "leak.c", "--db", "s.db", "--baseline", spec)
        expect(rc == 2 and words in err, "%s: exit %d: %s" % (spec, rc, err))
    # --no-db still reads a run from the store --db names
    rc, out, err = ctx.run("scan", POL, "leak.c", "--no-db", "--db", "s.db", "--no-db",
                           "--baseline", "run:1", "--format", "json")
    expect(json.loads(out)["summary"]["baselined"] == 2, "--no-db run:1: %s" % err)


@check
def baseline_file_hostile(ctx):
    """A baseline file is untrusted: what is wrong is exit 2 naming file,
    line and key; nothing is scanned with half a baseline."""
    ctx.write("leak.c", LEAK)
    fp = "0123456789abcdef0123456789abcdef"
    cases = [
        ('{"version": 1, "findings": [\n{"fingerprint": "%s"},\n{"fingerprint": "XYZ"}\n]}'
         % fp, ["b.json:3:", "findings[1].fingerprint", "hex"]),
        ('{"version": 1, "findings": [\n{"fingerprint": "%s", "lines": 3}\n]}' % fp,
         ["b.json:2:", "lines", "did you mean 'line'"]),
        ('{"version": 2, "findings": []}', ["b.json:1:", "version"]),
        ('{"findings": []}', ["b.json:1:", "version"]),
        ('{"version": 1, "findings": [\n{"fingerprint": "%s", "line": "3"}]}' % fp,
         ["b.json:2:", "line", "integer"]),
        ('{"version": 1, "findings": [', ["b.json:1:", "invalid JSON"]),
        ('{"version": 1, "findings": [{"fingerprint": "%s\\u0000"}]}' % fp, ["b.json"]),
    ]
    for text, words in cases:
        ctx.write("b.json", text)
        rc, _, err = ctx.run("scan", POL, "leak.c", "--no-db", "--baseline", "b.json")
        expect(rc == 2, "%r: exit %d, expected 2: %s" % (text, rc, err))
        for w in words:
            expect(w in err, "%r: the message lacks %r: %s" % (text, w, err))
        expect("sensitive-log" not in err, "%r: scanned anyway" % text)
    for bad, words in (("/dev/zero", "not a regular file"), ("missing.json", "missing.json"),
                       (ctx.tmp, "is a directory")):
        rc, _, err = ctx.run("scan", POL, "leak.c", "--no-db", "--baseline", bad, timeout=20)
        expect(rc == 2 and words in err, "%s: exit %d: %s" % (bad, rc, err))
    # a well-formed baseline of unrelated fingerprints: everything is new
    ctx.write("b.json", '{"version": 1, "tool": "x", "findings": [{"fingerprint": "%s", '
              '"rule": "r", "file": "f", "line": 1, "message": "m"}]}' % fp)
    rc, out, err = ctx.run("scan", POL, "leak.c", "--no-db", "--baseline", "b.json",
                           "--format", "json")
    s = json.loads(out)["summary"]
    expect(rc == 1 and s["baselined"] == 0 and s["baseline_gone"] == 1, "unrelated: %s" % s)


@check
def baseline_config_key(ctx):
    """The config file's "baseline": used by scan, written by a plain
    `privflow baseline`; not there yet, every finding is new (a note);
    --no-baseline ignores it."""
    ctx.write("leak.c", LEAK)
    ctx.write(".privflow.json", json.dumps({"policy": "bundled:facturi",
                                            "baseline": "ci/baseline.json"}))
    os.makedirs(ctx.path("ci"))
    os.makedirs(ctx.path("sub"))
    rc, _, err = ctx.run("scan", "../leak.c", "-o", os.devnull, cwd=ctx.path("sub"))
    expect(rc == 1 and "no baseline yet" in err and "2 new findings" in err,
           "no baseline file yet: exit %d: %s" % (rc, err))
    rc, _, err = ctx.run("baseline", cwd=ctx.path("sub"))
    expect(rc == 0 and os.path.isfile(ctx.path("ci", "baseline.json")),
           "privflow baseline did not write the config's file: %s" % err)
    rc, _, err = ctx.run("scan", "../leak.c", "-o", os.devnull, cwd=ctx.path("sub"))
    expect(rc == 0 and "2 baselined" in err, "with the config's baseline: exit %d: %s" % (rc, err))
    rc, _, err = ctx.run("scan", "../leak.c", "-o", os.devnull, "--no-baseline",
                         cwd=ctx.path("sub"))
    expect(rc == 1 and "baselined" not in err, "--no-baseline: exit %d: %s" % (rc, err))
    # an explicit --baseline that does not exist is an error, not a note
    rc, _, err = ctx.run("scan", "../leak.c", "--baseline", "nope.json", cwd=ctx.path("sub"))
    expect(rc == 2 and "nope.json" in err, "--baseline missing: exit %d: %s" % (rc, err))


@check
def summary_on_stderr(ctx):
    """Every report to files: the counts, the report files and the run are
    on standard error, -q or not; standard output is empty."""
    ctx.write("leak.c", LEAK)
    for quiet in ([], ["-q"]):
        rc, out, err = ctx.run("scan", POL, "leak.c", "--db", "s.db", "--format",
                               "json,sarif", "--out-dir", "out", *quiet)
        expect(rc == 1 and out == b"", "exit %d, stdout %r" % (rc, out[:200]))
        line = summary_line(err)
        # the second scan takes the unchanged file from the parse cache
        cached = "; 1 of 1 translation unit unchanged \\(parse cache\\)" if quiet else ""
        expect(re.fullmatch(r"privflow: 2 findings \(1 error, 1 warning\) in 1 file%s; "
                            r"reports: out/privflow\.json, out/privflow\.sarif; "
                            r"run \d+ recorded in s\.db" % cached, line),
               "%s summary: %r" % (quiet, line))
        expect(len([l for l in err.split("\n") if l]) == 1, "more than the summary: %r" % err)
    # nothing found: the summary says so
    ctx.write("clean.c", "int add(int a, int b) { return a + b; }\n")
    rc, out, err = ctx.run("scan", POL, "clean.c", "--no-db", "-o", "r.txt")
    expect(rc == 0 and summary_line(err) == "privflow: no findings in 1 file; reports: r.txt",
           "clean: %r" % err)
    # the text report on standard output (not a terminal) and the summary
    rc, out, err = ctx.run("scan", POL, "leak.c", "--no-db")
    expect(out.rstrip().endswith(b"privflow: 1 error, 1 warning in 1 file"), "text: %r" % out)
    expect(summary_line(err) == "privflow: 2 findings (1 error, 1 warning) in 1 file",
           "summary: %r" % err)
    # on a terminal the text report's last line has just given the counts:
    # the summary does not repeat them, and still says where the run went
    master, slave = pty.openpty()
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PRIVFLOW_DATADIR", None)
    p = subprocess.run([ctx.privflow, "scan", POL, "leak.c", "--db", "t.db"], cwd=ctx.tmp,
                       stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env,
                       timeout=120)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    tail = seen.decode("utf-8", "replace").replace("\r", "").rstrip().split("\n")[-2:]
    expect(p.returncode == 1 and tail == ["privflow: 1 error, 1 warning in 1 file",
                                          "privflow: run 1 recorded in t.db"],
           "on a terminal: exit %d: %r" % (p.returncode, tail))


@check
def parse_errors_gcc_order(ctx):
    """A TU's parse error is one line FILE:LINE:COL: SEVERITY: MESSAGE, as
    gcc prints it, so CI problem matchers pick it up."""
    ctx.write("broken.c", "#include <stdio.h>\nvoid f(void) {\n  int x = ;\n}\n" + LEAK)
    ctx.write("ok.c", LEAK.replace("log_user", "log_other"))
    rc, _, err = ctx.run("scan", POL, "broken.c", "ok.c", "--no-db", "-o", os.devnull)
    lines = [l for l in err.split("\n") if "broken.c" in l]
    expect(lines and re.match(r"^broken\.c:3:\d+: warning: expected expression", lines[0]),
           "partial TU: %r" % err)
    ctx.write("cc/compile_commands.json", json.dumps(
        [{"directory": ctx.tmp, "file": "gone.c", "arguments": ["cc", "-c", "gone.c"]},
         {"directory": ctx.tmp, "file": "ok.c", "arguments": ["cc", "-c", "ok.c"]}]))
    rc, _, err = ctx.run("scan", POL, "-p", "cc", "--no-db", "-o", os.devnull)
    expect(rc == 2 and re.search(r"^gone\.c: error: ", err, re.M), "failed TU: %r" % err)
