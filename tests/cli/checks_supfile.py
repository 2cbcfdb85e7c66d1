"""CLI checks of the suppressions file (issue 10, point 5): findings
accepted outside the code by fingerprint, or by rule and path glob, each
with a reason and maybe an expiry date. They stay in JSON and SARIF
(suppression kind "external"), are left out of the human reports and of
the exit status; a bad file is a gcc-style error with status 2, an
expired or unused entry a warning; the config file's "suppressions" key,
--no-suppressions, and `report` judging a stored run by the file as it is
now."""

import json
import os
import re
import subprocess

from checks import check, expect, Skipped, Failed  # noqa: F401

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

LOGS = """#include <stdio.h>
struct user { const char *email; const char *phone; };
void log_user(const struct user *u)
{
	fprintf(stderr, "%s", u->email);
	fprintf(stderr, "%s", u->phone);
}
"""

# sensitive-log is a warning: --fail-on warning makes every open one fail
FAIL = ("--fail-on", "warning")


def project(ctx):
    """src/legacy/old.c and src/new/fresh.c, two sensitive-log findings
    each (lines 5 and 6)."""
    ctx.write("src/legacy/old.c", LOGS)
    ctx.write("src/new/fresh.c", LOGS.replace("log_user", "log_user2"))


def scan(ctx, *extra, env=None, fmt="json"):
    rc, out, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "--no-db",
                           "--format", fmt, "src/legacy/old.c", "src/new/fresh.c", *FAIL,
                           *extra, cwd=ctx.tmp, env=env)
    return rc, out.decode("utf-8", "replace"), err


def write_sup(ctx, entries, name="sup.json"):
    """A suppressions file, one entry a line (so line N+2 is entry N)."""
    body = ",\n".join("    " + json.dumps(e) for e in entries)
    ctx.write(name, '{\n  "version": 1,\n  "suppressions": [\n%s\n  ]\n}\n' % body)
    return name


def suppressed(out):
    """{(file, line): suppression} of the suppressed findings, and the
    (file, line) of the open ones."""
    d = json.loads(out)
    sup = {(f["file"], f["line"]): f["suppression"] for f in d["findings"] if "suppression" in f}
    open_ = sorted((f["file"], f["line"]) for f in d["findings"] if "suppression" not in f)
    return sup, open_, d["summary"]


@check
def supfile_fingerprint(ctx):
    """An entry by fingerprint suppresses that finding alone, kind
    external with its reason; the others still fail the run."""
    project(ctx)
    rc, out, err = scan(ctx)
    expect(rc == 1, "no file: exit %d: %s" % (rc, err))
    fp = [f["fingerprint"] for f in json.loads(out)["findings"]
          if f["file"] == "src/new/fresh.c" and f["line"] == 6][0]
    sup = write_sup(ctx, [{"fingerprint": fp, "reason": "the phone is the support line's"}])
    rc, out, err = scan(ctx, "--suppressions", sup)
    expect(rc == 1, "three open warnings: exit %d: %s" % (rc, err))
    got, open_, summary = suppressed(out)
    expect(got == {("src/new/fresh.c", 6): {"kind": "external",
                                             "justification": "the phone is the support line's"}},
           str(got))
    expect(len(open_) == 3 and summary["suppressed"] == 1, "%s %s" % (open_, summary))
    expect("1 suppressed" in err and "warning:" not in err, err)


@check
def supfile_rule_glob(ctx):
    """rule + path glob takes the files under the folder the glob names;
    a glob that matches nothing (a '*' does not cross '/'), or the right
    folder with another rule, suppresses nothing. With every finding
    suppressed the run passes; the text report lists none of them."""
    project(ctx)
    sup = write_sup(ctx, [
        {"rule": "sensitive-log", "path": "src/legacy/**", "reason": "legacy logger, #12"},
        {"rule": "sensitive-log", "path": "src/*.c", "reason": "no such file"},
        {"rule": "cleartext-transport", "path": "src/new", "reason": "wrong rule"},
    ])
    rc, out, err = scan(ctx, "--suppressions", sup)
    expect(rc == 1, "src/new still open: exit %d: %s" % (rc, err))
    got, open_, _ = suppressed(out)
    expect(sorted(got) == [("src/legacy/old.c", 5), ("src/legacy/old.c", 6)], str(got))
    expect(all(s["justification"] == "legacy logger, #12" for s in got.values()), str(got))
    expect(open_ == [("src/new/fresh.c", 5), ("src/new/fresh.c", 6)], str(open_))
    expect(re.search(r"^sup\.json:5:5: warning: unused suppression", err, re.M), err)
    expect(re.search(r"^sup\.json:6:5: warning: unused suppression", err, re.M), err)
    sup = write_sup(ctx, [{"rule": "sensitive-log", "path": "src", "reason": "all of it"}])
    rc, out, err = scan(ctx, "--suppressions", sup, fmt="text")
    expect(rc == 0, "everything suppressed: exit %d: %s" % (rc, err))
    expect("sensitive-log" not in out, "the text report lists a suppressed finding: %s" % out)
    expect("4 suppressed" in err, err)


@check
def supfile_errors(ctx):
    """No reason, a blank one, an unknown rule, a date that does not
    exist, an unknown key, an entry that names nothing to match, an
    absolute path: status 2, a gcc-style error naming file, line and
    column, and no report. A missing file is status 2 too."""
    project(ctx)
    for entry, where, what in [
            ({"rule": "sensitive-log"}, "4:5", 'required key "reason" missing'),
            ({"rule": "sensitive-log", "reason": "  "}, "4:31", "needs a reason"),
            ({"rule": "sensitiv-log", "reason": "x"}, "4:6",
             "unknown rule 'sensitiv-log'; did you mean 'sensitive-log'?"),
            ({"path": "src", "reason": "x", "expires": "2027-02-30"}, "4:36",
             "expected a date, YYYY-MM-DD"),
            ({"path": "src", "reason": "x", "until": "2027-02-01"}, "4:36", "unknown key"),
            ({"reason": "x"}, "4:5", 'needs a "fingerprint", a "rule" or a "path"'),
            ({"path": "/src", "reason": "x"}, "4:6", "not an absolute path")]:
        sup = write_sup(ctx, [entry])
        rc, out, err = scan(ctx, "--suppressions", sup)
        expect(rc == 2, "%s: exit %d: %s" % (entry, rc, err))
        expect(re.search(r"^sup\.json:%s: error: suppressions\[0\].*%s" % (where, re.escape(what)),
                         err, re.M), "%s: %s" % (entry, err))
        expect(out == "", "%s: a report was written" % entry)
    rc, _, err = scan(ctx, "--suppressions", "no-such.json")
    expect(rc == 2 and "no-such.json" in err, "missing file: exit %d: %s" % (rc, err))


@check
def supfile_expired(ctx):
    """An entry past its date (SOURCE_DATE_EPOCH) no longer suppresses:
    a warning with its reason, the finding counts again, exit 1. The day
    before, it holds. A malformed SOURCE_DATE_EPOCH is status 2."""
    project(ctx)
    sup = write_sup(ctx, [{"path": "src", "reason": "until the logger is replaced",
                           "expires": "2027-03-01"}])
    before = {"SOURCE_DATE_EPOCH": "1803816000"}  # 2027-02-28T12:00:00Z
    on = {"SOURCE_DATE_EPOCH": "1803888000"}  # 2027-03-01T08:00:00Z
    rc, out, err = scan(ctx, "--suppressions", sup, env=before)
    expect(rc == 0 and "warning:" not in err, "in force: exit %d: %s" % (rc, err))
    expect(len(suppressed(out)[0]) == 4, out)
    rc, out, err = scan(ctx, "--suppressions", sup, env=on)
    expect(rc == 1, "expired: exit %d: %s" % (rc, err))
    expect(re.search(r"^sup\.json:4:\d+: warning: suppression expired on 2027-03-01: "
                     r"until the logger is replaced$", err, re.M), err)
    got, open_, summary = suppressed(out)
    expect(not got and len(open_) == 4 and summary["suppressed"] == 0, out)
    expect("unused" not in err, "an expired entry is not also unused: %s" % err)
    rc, _, err = scan(ctx, "--suppressions", sup, env={"SOURCE_DATE_EPOCH": "soon"})
    expect(rc == 2 and "SOURCE_DATE_EPOCH" in err, "exit %d: %s" % (rc, err))


@check
def supfile_inline_first(ctx):
    """A finding both an inline marker and the file take keeps the
    marker's suppression (inSource, its reason); the entry, left with
    nothing to do, is unused."""
    project(ctx)
    ctx.write("src/new/fresh.c", LOGS.replace("log_user", "log_user2").replace(
        "u->email);", "u->email); // privflow-ignore[sensitive-log]: the marker's reason"))
    sup = write_sup(ctx, [
        {"path": "src/new/fresh.c", "rule": "sensitive-log", "reason": "the file's reason"},
        {"fingerprint": "0" * 32, "reason": "gone long ago"}])
    rc, out, err = scan(ctx, "--suppressions", sup)
    got, open_, _ = suppressed(out)
    expect(got[("src/new/fresh.c", 5)] == {"kind": "inSource",
                                            "justification": "the marker's reason"}, str(got))
    expect(got[("src/new/fresh.c", 6)]["kind"] == "external", str(got))
    expect(re.search(r"^sup\.json:5:5: warning: unused suppression", err, re.M), err)
    expect(not re.search(r"^sup\.json:4:", err, re.M), "the used entry is reported: %s" % err)
    expect(rc == 1 and len(open_) == 2, "exit %d: %s" % (rc, open_))


@check
def supfile_config(ctx):
    """The config file's "suppressions", relative to the config file's
    folder, from a subfolder; --no-suppressions ignores it;
    --suppressions replaces it; a config naming a missing file is
    status 2."""
    project(ctx)
    write_sup(ctx, [{"path": "src", "reason": "accepted"}], name="ci/sup.json")
    write_sup(ctx, [{"path": "src/new", "reason": "only new"}], name="other.json")
    db = [{"directory": ctx.tmp, "file": f, "arguments": ["cc", "-c", f]}
          for f in ("src/legacy/old.c", "src/new/fresh.c")]
    ctx.write("build/compile_commands.json", json.dumps(db))
    ctx.write(".privflow.json", json.dumps({"policy": "bundled:facturi", "build_path": "build",
                                            "suppressions": "ci/sup.json",
                                            "fail_on": "warning"}))
    sub = ctx.path("src", "legacy")
    rc, out, err = ctx.run("scan", "--no-db", "--format", "json", cwd=sub)
    expect(rc == 0, "config's file: exit %d: %s" % (rc, err))
    expect(len(suppressed(out.decode())[0]) == 4, out)
    rc, out, err = ctx.run("scan", "--no-db", "--format", "json", "--no-suppressions", cwd=sub)
    expect(rc == 1 and not suppressed(out.decode())[0], "--no-suppressions: exit %d" % rc)
    rc, out, err = ctx.run("scan", "--no-db", "--format", "json", "--suppressions",
                           "../../other.json", cwd=sub)
    got = suppressed(out.decode())[0]
    expect(rc == 1 and sorted(f for f, _ in got) == ["src/new/fresh.c"] * 2,
           "--suppressions replaces the config's: exit %d: %s" % (rc, got))
    os.remove(ctx.path("ci", "sup.json"))
    rc, _, err = ctx.run("scan", "--no-db", "--format", "json", cwd=sub)
    expect(rc == 2 and "ci/sup.json" in err, "missing file: exit %d: %s" % (rc, err))


@check
def supfile_report(ctx):
    """The store records the file's suppressions; `report` renders them
    as recorded, judges the run by a file it is given as that file is now
    (an entry expired since counts again), and --no-suppressions drops
    them."""
    project(ctx)
    sup = write_sup(ctx, [{"path": "src/legacy", "reason": "legacy"}])
    db = ctx.path("s.db")
    rc, _, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "--db", db,
                         "--format", "json", "-o", os.devnull, "src/legacy/old.c",
                         "src/new/fresh.c", "--suppressions", sup, *FAIL)
    expect(rc == 1, "scan: exit %d: %s" % (rc, err))

    def report(*extra, env=None):
        rc, out, err = ctx.run("report", "--no-config", "--db", db, "--format", "json",
                               *FAIL, *extra, env=env)
        return rc, suppressed(out.decode()), err

    rc, (got, open_, _), err = report()
    expect(rc == 1 and len(got) == 2 and all(s["kind"] == "external" for s in got.values()),
           "as recorded: exit %d: %s" % (rc, got))
    rc, (got, _, _), err = report("--no-suppressions")
    expect(rc == 1 and not got, "--no-suppressions: %s" % got)
    write_sup(ctx, [{"path": "src", "reason": "all", "expires": "2030-01-01"}])
    rc, (got, _, _), err = report("--suppressions", sup, env={"SOURCE_DATE_EPOCH": "0"})
    expect(rc == 0 and len(got) == 4 and "unused" not in err,
           "the file as it is now: exit %d: %s %s" % (rc, got, err))
    rc, (got, _, _), err = report("--suppressions", sup,
                                  env={"SOURCE_DATE_EPOCH": "1893456000"})  # 2030-01-01
    expect(rc == 1 and not got and "expired on 2030-01-01" in err,
           "expired since: exit %d: %s %s" % (rc, got, err))


@check
def supfile_sarif(ctx):
    """SARIF carries the suppression as kind external with the reason; the
    log is valid SARIF 2.1.0 (tests/sarif_validate.sh, when the validator
    can be had)."""
    project(ctx)
    sup = write_sup(ctx, [{"path": "src/legacy", "reason": "legacy"}])
    rc, out, err = scan(ctx, "--suppressions", sup, fmt="sarif")
    expect(rc == 1, "exit %d: %s" % (rc, err))
    results = json.loads(out)["runs"][0]["results"]
    by_file = {}
    for r in results:
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        by_file.setdefault(uri, []).append(r.get("suppressions"))
    expect(by_file.get("src/legacy/old.c") == [[{"kind": "external", "justification": "legacy"}]] * 2,
           str(by_file))
    expect(by_file.get("src/new/fresh.c") == [None, None], str(by_file))
    path = ctx.write("out.sarif", out)
    env = dict(os.environ)
    if ctx.build and "PF_SARIF_TOOL_DIR" not in env:
        env["PF_SARIF_TOOL_DIR"] = os.path.join(ctx.build, "sarif-multitool")
    p = subprocess.run(["sh", os.path.join(REPO, "tests", "sarif_validate.sh"), path],
                       capture_output=True, text=True, env=env, timeout=600)
    if p.returncode == 77:
        raise Skipped("no SARIF validator (the fields were checked): %s" % p.stderr.strip())
    expect(p.returncode == 0, "invalid SARIF: %s%s" % (p.stdout[-2000:], p.stderr[-2000:]))


@check
def supfile_schema(ctx):
    """rules/suppressions.schema.json names exactly the keys the loader
    accepts and the rules of kinds.def, and it agrees with the loader on
    good and bad files (with Python's jsonschema, when installed)."""
    with open(os.path.join(REPO, "rules", "suppressions.schema.json")) as f:
        schema = json.load(f)
    with open(os.path.join(REPO, "analyzer", "kinds.def")) as f:
        rules = re.findall(r'^PF_RULE\(\w+, "([a-z-]+)"', f.read(), re.M)
    items = schema["properties"]["suppressions"]["items"]
    expect(sorted(items["properties"]["rule"]["enum"]) == sorted(rules),
           "schema rules %s vs kinds.def %s" % (items["properties"]["rule"]["enum"], rules))
    project(ctx)

    def allowed(err):
        m = re.search(r"\(allowed: ([^)]*)\)", err)
        expect(m, "no list of allowed keys: %s" % err)
        return set(m.group(1).split(", "))

    ctx.write("top.json", '{"version": 1, "suppressions": [], "zzz": 1}\n')
    _, _, err = scan(ctx, "--suppressions", "top.json")
    expect(allowed(err) == set(schema["properties"]), "top keys: %s" % err)
    write_sup(ctx, [{"path": "src", "reason": "x", "zzz": 1}])
    _, _, err = scan(ctx, "--suppressions", "sup.json")
    expect(allowed(err) == set(items["properties"]), "entry keys: %s" % err)
    try:
        import jsonschema
    except ImportError:
        raise Skipped("no jsonschema: the keys and rules were checked")
    v = jsonschema.Draft202012Validator(schema)
    cases = [([{"rule": "sensitive-log", "path": "src/**", "reason": "r",
                "expires": "2027-03-01"}], True),
             ([{"fingerprint": "0123456789abcdef0123456789abcdef", "reason": "r"}], True),
             ([{"rule": "sensitive-log"}], False),
             ([{"rule": "sensitive-log", "reason": " "}], False),
             ([{"rule": "no-such-rule", "reason": "r"}], False),
             ([{"reason": "r"}], False),
             ([{"path": "/abs", "reason": "r"}], False),
             ([{"fingerprint": "ABC", "reason": "r"}], False),
             ([{"path": "src", "reason": "r", "expires": "1 March"}], False)]
    for entries, good in cases:
        write_sup(ctx, entries)
        with open(ctx.path("sup.json")) as f:
            doc = json.load(f)
        rc, _, err = scan(ctx, "--suppressions", "sup.json")
        expect(v.is_valid(doc) == good, "schema on %s: not %s" % (entries, good))
        expect((rc != 2) == good, "loader on %s: exit %d: %s" % (entries, rc, err))


def doc_examples():
    """The suppressions files of docs/cli.md and docs/ci.md, as written."""
    found = []
    for name in ("cli.md", "ci.md"):
        with open(os.path.join(REPO, "docs", name)) as f:
            text = f.read()
        for block in re.findall(r"^```json\n(.*?)^```", text, re.M | re.S):
            if "suppressions.schema.json" in block:
                found.append((name, block))
    return found


@check
def supfile_doc_examples(ctx):
    """The example files of docs/cli.md and docs/ci.md load; the error
    cli.md shows is the one its example without the second reason gives,
    and the expiry warning ci.md shows names the line and column its
    example's date is on."""
    project(ctx)
    examples = doc_examples()
    expect(len(examples) == 2, "examples found: %s" % [n for n, _ in examples])
    for name, block in examples:
        ctx.write("privflow-suppressions.json", block)
        rc, _, err = scan(ctx, "--suppressions", "privflow-suppressions.json",
                          env={"SOURCE_DATE_EPOCH": "1893456000"})
        expect(rc != 2, "%s's example: exit %d: %s" % (name, rc, err))
        if name == "ci.md":
            with open(os.path.join(REPO, "docs", "ci.md")) as f:
                shown = re.search(r"`(privflow-suppressions\.json:\d+:\d+: warning: suppression "
                                  r"expired on)\s+(\d{4}-\d\d-\d\d)", f.read())
            expect(shown, "ci.md shows no expiry warning")
            expect("%s %s: " % shown.groups() in err,
                   "ci.md shows %s, privflow says %s" % (shown.groups(), err))
    cli = dict(examples)["cli.md"]
    d = json.loads(cli)
    second = d["suppressions"][1]["reason"]
    ctx.write("privflow-suppressions.json",
              re.sub(r',\n\s*"reason": "%s"' % re.escape(second), "", cli))
    rc, _, err = scan(ctx, "--suppressions", "privflow-suppressions.json")
    with open(os.path.join(REPO, "docs", "cli.md")) as f:
        shown = re.search(r"^(privflow-suppressions\.json:\d+:\d+: error: .*)$", f.read(), re.M)
    expect(shown and rc == 2 and shown.group(1) in err,
           "cli.md shows %s, privflow says %s" % (shown and shown.group(1), err))
