#!/usr/bin/env python3
"""Golden runner of privflow: runs `privflow scan` on a fixture case and
compares the findings it reports with the ones the case expects.

A case is a folder under fixtures/ (see fixtures/README.md):

  *.c, *.h          sources, subfolders allowed; every .c is scanned
  case.json         optional: {"policy", "cflags", "args", "exit", "stderr",
                    "xfail", "compdb"}
  expected.json     optional: [{"file", "line", "rule", "category"?}]
  // expect: RULE[, RULE(category)...]
                    otherwise: comments on the lines findings must point at

A finding is compared as (file, line, rule[, category]); file is relative to
the case folder. The runner leaves command.txt, actual.json, stderr.txt and
diff.txt in OUT/<case>/ and exits 0 when the case passes (or fails as its
`xfail` says it should), 1 otherwise.

  golden.py --privflow BIN --case fixtures/NAME [--out DIR]
  golden.py --privflow BIN --all [--metrics FILE]     every case + metrics
  PF_REGEN=1 golden.py ...     rewrite expected.json from the actual output
                               (comment-based cases are never rewritten)

Python 3 standard library only.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_POLICY = "rules/facturi.policy.json"
SEVERITIES = ["note", "warning", "error"]
CASE_KEYS = {
    "policy": str, "cflags": list, "args": list, "exit": int,
    "stderr": str, "xfail": str, "compdb": bool, "description": str,
}
SOURCE_EXTS = (".c", ".h")
SANITIZER_RE = re.compile(r"(ERROR: (Address|Leak|Memory|Thread)Sanitizer.*|"
                          r"\S+:\d+:\d+: runtime error: .*)")
EXPECT_RE = re.compile(r"(?://|/\*)\s*expect:\s*(.*?)\s*(?:\*/.*)?$")
ITEM_RE = re.compile(r"^([a-z][a-z0-9-]*)(?:\(\s*([A-Za-z0-9_.]+)\s*\))?$")


class CaseError(Exception):
    """The case itself is malformed (not a privflow failure)."""


# --------------------------------------------------------------------------
# Rules and their severities

def load_rule_defaults():
    """Rule id -> default severity, read from analyzer/kinds.def so the
    runner never drifts from the tool."""
    rules = {}
    path = os.path.join(REPO, "analyzer", "kinds.def")
    try:
        with open(path, encoding="utf-8") as f:
            for m in re.finditer(r'^PF_RULE\(\s*\w+\s*,\s*"([^"]+)"\s*,\s*(NOTE|WARNING|ERROR)\b',
                                 f.read(), re.M):
                rules[m.group(1)] = m.group(2).lower()
    except OSError:
        pass
    return rules


RULE_DEFAULTS = load_rule_defaults()


def policy_severities(policy_path):
    """Rule id -> severity under a policy: the defaults, overridden by the
    policy's "rules" entry when the file has one this runner understands
    ({"rule": "error"}, {"rule": {"severity": "error", "enabled": false}} or
    a list of {"id", "severity"}). A disabled rule maps to None."""
    sev = dict(RULE_DEFAULTS)
    try:
        with open(policy_path, encoding="utf-8") as f:
            pol = json.load(f)
    except (OSError, ValueError):
        return sev
    rules = pol.get("rules") if isinstance(pol, dict) else None
    items = []
    if isinstance(rules, dict):
        items = list(rules.items())
    elif isinstance(rules, list):
        items = [(r.get("id"), r) for r in rules if isinstance(r, dict)]
    for rid, val in items:
        if not isinstance(rid, str):
            continue
        if isinstance(val, str) and val in SEVERITIES:
            sev[rid] = val
        elif isinstance(val, dict):
            if val.get("enabled") is False:
                sev[rid] = None
            elif val.get("severity") in SEVERITIES:
                sev[rid] = val["severity"]
    return sev


# --------------------------------------------------------------------------
# Cases

class Case:
    def __init__(self, path):
        self.dir = os.path.realpath(path)
        self.name = os.path.basename(self.dir.rstrip(os.sep))
        if not os.path.isdir(self.dir):
            raise CaseError("%s: not a directory" % path)
        self.config = self._load_config()
        self.sources = self._sources()
        self.expected_file = os.path.join(self.dir, "expected.json")
        comments = self._expect_comments()
        if os.path.exists(self.expected_file):
            if comments:
                f, l, _, _ = comments[0]
                raise CaseError("%s:%d: `expect:` comment in a case that has "
                                "expected.json; use one or the other" % (f, l))
            self.expected = self._load_expected_json()
            self.expect_mode = "json"
        else:
            self.expected = comments
            self.expect_mode = "comments"
        self.policy = self._policy_path()

    def _load_config(self):
        path = os.path.join(self.dir, "case.json")
        if not os.path.exists(path):
            return {}
        try:
            with open(path, encoding="utf-8") as f:
                cfg = json.load(f)
        except ValueError as e:
            raise CaseError("%s: invalid JSON: %s" % (path, e))
        if not isinstance(cfg, dict):
            raise CaseError("%s: must be a JSON object" % path)
        for k, v in cfg.items():
            if k not in CASE_KEYS:
                raise CaseError("%s: unknown key %r (known: %s)"
                                % (path, k, ", ".join(sorted(CASE_KEYS))))
            if not isinstance(v, CASE_KEYS[k]) or (CASE_KEYS[k] is int and isinstance(v, bool)):
                raise CaseError("%s: %r must be a %s" % (path, k, CASE_KEYS[k].__name__))
            if CASE_KEYS[k] is list and not all(isinstance(x, str) for x in v):
                raise CaseError("%s: %r must be a list of strings" % (path, k))
        if "stderr" in cfg:
            try:
                re.compile(cfg["stderr"])
            except re.error as e:
                raise CaseError("%s: stderr: bad regex: %s" % (path, e))
        return cfg

    def _walk(self):
        for root, dirs, files in os.walk(self.dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for fn in sorted(files):
                yield os.path.relpath(os.path.join(root, fn), self.dir).replace(os.sep, "/")

    def _sources(self):
        return [p for p in self._walk() if p.endswith(".c")]

    def _expect_comments(self):
        out = []
        for rel in self._walk():
            if not rel.endswith(SOURCE_EXTS):
                continue
            with open(os.path.join(self.dir, rel), encoding="utf-8", errors="replace") as f:
                for lineno, text in enumerate(f, 1):
                    m = EXPECT_RE.search(text)
                    if not m:
                        continue
                    for item in m.group(1).split(","):
                        item = item.strip()
                        im = ITEM_RE.match(item)
                        if not im:
                            raise CaseError("%s/%s:%d: cannot read expectation %r "
                                            "(want RULE or RULE(category))"
                                            % (self.name, rel, lineno, item))
                        rule, cat = im.group(1), im.group(2)
                        self._check_rule(rule, "%s/%s:%d" % (self.name, rel, lineno))
                        out.append((rel, lineno, rule, cat))
        return out

    def _load_expected_json(self):
        try:
            with open(self.expected_file, encoding="utf-8") as f:
                data = json.load(f)
        except ValueError as e:
            raise CaseError("%s: invalid JSON: %s" % (self.expected_file, e))
        if not isinstance(data, list):
            raise CaseError("%s: must be a list of {file, line, rule, category?}"
                            % self.expected_file)
        out = []
        for i, e in enumerate(data):
            if (not isinstance(e, dict) or not isinstance(e.get("file"), str)
                    or not isinstance(e.get("line"), int) or not isinstance(e.get("rule"), str)
                    or not isinstance(e.get("category", ""), (str, type(None)))):
                raise CaseError("%s: entry %d: want {file: str, line: int, rule: str, "
                                "category?: str}" % (self.expected_file, i))
            self._check_rule(e["rule"], "%s: entry %d" % (self.expected_file, i))
            out.append((norm_file(e["file"]), e["line"], e["rule"], e.get("category") or None))
        return out

    def _check_rule(self, rule, where):
        if RULE_DEFAULTS and rule not in RULE_DEFAULTS:
            raise CaseError("%s: unknown rule %r (known: %s)"
                            % (where, rule, ", ".join(sorted(RULE_DEFAULTS))))

    def _policy_path(self):
        p = self.config.get("policy", DEFAULT_POLICY)
        if os.path.isabs(p):
            return p
        # Case-relative first (a case's own, possibly broken, policy), then
        # repository-relative (the bundled ones in rules/).
        local = os.path.join(self.dir, p)
        return local if os.path.exists(local) else os.path.join(REPO, p)

    @property
    def has_cmake(self):
        return os.path.exists(os.path.join(self.dir, "CMakeLists.txt"))


def display_path(p):
    rel = os.path.relpath(p, REPO)
    return p if rel.startswith("..") else rel


def norm_file(p):
    p = p.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


# --------------------------------------------------------------------------
# Running privflow

class Run:
    """What one privflow invocation did."""

    def __init__(self):
        self.cmd = []
        self.cwd = None
        self.rc = None
        self.stdout = ""
        self.stderr = ""
        self.findings = None     # list of dicts, or None if no valid output
        self.problem = None      # why the run is unusable, or None
        self.shown_cmd = []      # cmd as printed for a human to rerun
        self.doc = None          # privflow's JSON document


def decode(b):
    return b.decode("utf-8", errors="replace") if isinstance(b, bytes) else (b or "")


def run_privflow(case, opts, outdir, fmt="json", output=None, extra_args=()):
    """Runs privflow on the case; returns a Run. Never raises on privflow's
    misbehaviour: a crash, a timeout or bad JSON is recorded in run.problem.
    A case with its own compile database is scanned in a copy, OUTDIR/case,
    left there so that the printed command can be rerun."""
    run = Run()
    with tempfile.TemporaryDirectory(prefix="pf-golden-") as tmp:
        root = case.dir
        compdb = None
        if case.config.get("compdb"):
            root = os.path.join(outdir, "case")
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(case.dir, root)
            cc = os.path.join(root, "compile_commands.json")
            if not os.path.exists(cc):
                raise CaseError("%s: \"compdb\": true but no compile_commands.json" % case.name)
            with open(cc, encoding="utf-8", errors="replace") as f:
                text = f.read()
            with open(cc, "w", encoding="utf-8") as f:
                f.write(text.replace("@CASE@", root))
            compdb = cc
        elif opts.compdb:
            compdb = os.path.abspath(opts.compdb)
        elif case.has_cmake:
            compdb = cmake_configure(case, opts, outdir, run)
            if compdb is None:
                return run

        out_file = output or os.path.join(tmp, "actual." + fmt)
        cmd = [opts.privflow, "scan"]
        if compdb:
            cmd += ["-p", compdb]
        # --no-config: a case is judged by its own case.json alone, never
        # by a .privflow.json above the fixtures
        cmd += ["--no-config", "--root", root, "--policy", case.policy, "--format", fmt,
                "-o", out_file, "--db", os.path.join(tmp, "privflow.db")]
        cmd += case.config.get("args", []) + list(extra_args)
        if not compdb:
            if not case.sources:
                raise CaseError("%s: no .c file to scan" % case.name)
            cmd += case.sources + ["--", "-I" + os.path.join(REPO, "include")]
            cmd += case.config.get("cflags", [])
        run.cmd, run.cwd = cmd, root
        # What a human reruns: the same command, its temporary files moved
        # next to the case's output.
        run.shown_cmd = [a.replace(os.path.join(tmp, "privflow.db"), os.path.join(outdir, "privflow.db"))
                         .replace(out_file, output or os.path.join(outdir, "rerun." + fmt))
                         for a in cmd]
        env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
        try:
            p = subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=opts.timeout)
        except subprocess.TimeoutExpired as e:
            run.stdout, run.stderr = decode(e.stdout), decode(e.stderr)
            run.problem = "privflow timed out after %ss" % opts.timeout
            return run
        except OSError as e:
            run.problem = "cannot run %s: %s" % (opts.privflow, e)
            return run
        run.rc, run.stdout, run.stderr = p.returncode, decode(p.stdout), decode(p.stderr)
        if p.returncode < 0:
            try:
                sig = signal.Signals(-p.returncode).name
            except ValueError:
                sig = str(-p.returncode)
            run.problem = "privflow crashed (signal %s)" % sig
            return run
        if p.returncode not in (0, 1, 2):
            run.problem = "privflow exited with %d (only 0, 1, 2 are allowed)" % p.returncode
            return run
        # Under ASan/UBSan a memory error may exit 1, like "findings found".
        m = SANITIZER_RE.search(run.stderr)
        if m:
            run.problem = "privflow hit a sanitizer error: %s" % m.group(0).strip()
            return run
        if fmt != "json":
            if p.returncode != 2 and not os.path.exists(out_file):
                run.problem = "privflow wrote no %s output to %s" % (fmt, out_file)
            return run
        text = None
        if os.path.exists(out_file):
            with open(out_file, encoding="utf-8", errors="replace") as f:
                text = f.read()
        elif run.stdout.strip():
            text = run.stdout  # tolerate a tool that ignores -o
        if text is None:
            if p.returncode != 2:
                run.problem = "privflow exited %d but wrote no JSON output" % p.returncode
            return run
        run.doc, run.findings, run.problem = parse_output(text)
        return run


def parse_output(text):
    """Returns (doc, findings, problem) from privflow's JSON report."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        head = text[:400] + ("..." if len(text) > 400 else "")
        return None, None, "privflow printed invalid JSON (%s):\n%s" % (e, indent(head, 4))
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        return doc, None, "privflow's JSON has no \"findings\" list"
    if doc.get("version") != 1:
        return doc, None, "privflow's JSON has version %r, want 1" % doc.get("version")
    for i, f in enumerate(doc["findings"]):
        if not (isinstance(f, dict) and isinstance(f.get("file"), str)
                and isinstance(f.get("line"), int) and isinstance(f.get("rule"), str)):
            return doc, None, "finding %d lacks file/line/rule: %s" % (i, json.dumps(f)[:300])
        if os.path.isabs(f["file"]):
            return doc, None, ("finding %d has an absolute path %r (must be relative "
                               "to --root)" % (i, f["file"]))
    return doc, doc["findings"], None


def cmake_configure(case, opts, outdir, run):
    """Configures a case that has a CMakeLists.txt into OUTDIR/build to get
    its compile_commands.json. Returns its path or None (run.problem)."""
    build = os.path.join(outdir, "build")
    os.makedirs(build, exist_ok=True)
    cmd = [opts.cmake, "-S", case.dir, "-B", build, "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=opts.timeout)
    cc = os.path.join(build, "compile_commands.json")
    if p.returncode != 0 or not os.path.exists(cc):
        run.cmd = cmd
        run.stderr = decode(p.stdout)
        run.problem = "cannot configure the case with cmake (exit %d)" % p.returncode
        return None
    return cc


# --------------------------------------------------------------------------
# Comparison

def covers(exp, act):
    """Does expectation (file, line, rule, cat|None) cover an actual finding
    key (file, line, rule, cat)? A category matches itself and its
    descendants."""
    if exp[:3] != act[:3]:
        return False
    ecat, acat = exp[3], act[3]
    return ecat is None or acat == ecat or (acat or "").startswith(ecat + ".")


def finding_keys(f):
    """A finding naming several categories (one call, one sink) stands for
    one finding per category."""
    cats = f.get("categories") or [f.get("category") or None]
    return [(norm_file(f["file"]), f["line"], f["rule"], c or None) for c in cats]


def compare(expected, findings):
    """Returns (tp, missing, unexpected): matched expectations, expectations
    with no finding, and findings no expectation covers (one per key)."""
    keys = {}
    for f in findings:
        for k in finding_keys(f):
            keys.setdefault(k, f)
    tp, missing = [], []
    for e in sorted(set(expected), key=sort_key):
        (tp if any(covers(e, k) for k in keys) else missing).append(e)
    unexpected = [keys[k] for k in sorted(keys, key=sort_key)
                  if not any(covers(e, k) for e in expected)]
    return tp, missing, unexpected


def sort_key(t):
    return (t[0], t[1], t[2], t[3] or "")


def expected_exit(case, severities):
    """The set of acceptable exit statuses."""
    if "exit" in case.config:
        return {case.config["exit"]}
    args = case.config.get("args", [])
    fail_on = "error"
    for i, a in enumerate(args):
        if a == "--fail-on" and i + 1 < len(args):
            fail_on = args[i + 1]
        elif a.startswith("--fail-on="):
            fail_on = a.split("=", 1)[1]
    if fail_on == "never":
        return {0}
    threshold = SEVERITIES.index(fail_on) if fail_on in SEVERITIES else 2
    for _, _, rule, _ in case.expected:
        s = severities.get(rule)
        if s in SEVERITIES and SEVERITIES.index(s) >= threshold:
            return {1}
    return {0, 1}


# --------------------------------------------------------------------------
# Reporting

def indent(text, n):
    pad = " " * n
    return "\n".join(pad + l for l in text.rstrip("\n").split("\n"))


def source_line(case, rel, line):
    try:
        with open(os.path.join(case.dir, rel), encoding="utf-8", errors="replace") as f:
            for i, t in enumerate(f, 1):
                if i == line:
                    return t.strip()
    except OSError:
        pass
    return None


def fmt_expect(case, e):
    s = "%s:%d: %s%s" % (e[0], e[1], e[2], "(%s)" % e[3] if e[3] else "")
    src = source_line(case, e[0], e[1])
    return s + ("\n      | " + src if src else "")


def fmt_finding(case, f):
    loc = "%s:%d" % (norm_file(f["file"]), f["line"])
    if isinstance(f.get("column"), int):
        loc += ":%d" % f["column"]
    s = "%s: %s" % (loc, f["rule"])
    if f.get("category"):
        s += "(%s)" % f["category"]
    if f.get("severity"):
        s += " [%s]" % f["severity"]
    if f.get("message"):
        s += " " + str(f["message"])
    src = source_line(case, norm_file(f["file"]), f["line"])
    if src:
        s += "\n      | " + src
    trace = f.get("trace") or []
    for i, st in enumerate(trace if isinstance(trace, list) else []):
        if not isinstance(st, dict):
            continue
        s += "\n      %s %s:%s:%s %s" % ("trace:" if i == 0 else "      ",
                                          st.get("file"), st.get("line"),
                                          st.get("column"), st.get("note") or "")
    return s


def shell_quote(args):
    out = []
    for a in args:
        out.append(a if re.match(r"^[A-Za-z0-9_./=:,+@%-]+$", a) else "'" + a.replace("'", "'\\''") + "'")
    return " ".join(out)


class Result:
    def __init__(self, case_name):
        self.name = case_name
        self.status = None       # PASS FAIL XFAIL XPASS ERROR
        self.report = ""
        self.tp, self.missing, self.unexpected = [], [], []


def run_case(path, opts):
    """Runs one case; returns a Result (never raises)."""
    name = os.path.basename(os.path.abspath(path).rstrip(os.sep))
    res = Result(name)
    outdir = os.path.join(opts.out, name)
    try:
        case = Case(path)
        os.makedirs(outdir, exist_ok=True)
        for fn in ("actual.json", "diff.txt", "stderr.txt", "command.txt"):
            try:
                os.remove(os.path.join(outdir, fn))
            except OSError:
                pass
        run = run_privflow(case, opts, outdir)
    except CaseError as e:
        res.status = "ERROR"
        res.report = "ERROR %s: bad case: %s" % (name, e)
        return res
    except Exception as e:  # the runner must report, not die, per case
        res.status = "ERROR"
        res.report = "ERROR %s: runner failure: %s: %s" % (name, type(e).__name__, e)
        return res

    problems = []
    if run.problem:
        problems.append(run.problem)
    findings = run.findings if run.findings is not None else []
    res.tp, res.missing, res.unexpected = compare(case.expected, findings)
    severities = policy_severities(case.policy)
    want_exit = expected_exit(case, severities)
    if run.rc is not None and not run.problem and run.rc not in want_exit:
        problems.append("exit status %d, expected %s" % (
            run.rc, " or ".join(str(x) for x in sorted(want_exit))))
    if "stderr" in case.config and not run.problem:
        if not re.search(case.config["stderr"], run.stderr, re.M):
            problems.append("stderr does not match /%s/" % case.config["stderr"])
    if run.findings is None and case.expected and not run.problem:
        problems.append("privflow wrote no findings (exit %s) but the case expects some" % run.rc)

    differs = bool(res.missing or res.unexpected)
    regen_note = ""
    regenerated = False
    if differs and os.environ.get("PF_REGEN") == "1" and run.findings is not None:
        if case.expect_mode == "json":
            write_expected(case, findings)
            regenerated = True
            regen_note = ("PF_REGEN=1: rewrote %s from the actual output; review "
                          "the diff above (and git diff) before committing"
                          % display_path(case.expected_file))
        else:
            regen_note = ("PF_REGEN=1: this case uses `// expect:` comments; "
                          "not rewritten, edit the comments by hand")

    failed = differs or bool(problems)
    lines = []
    if res.missing:
        lines.append("  missing (expected, not reported):")
        lines += ["    - " + fmt_expect(case, e) for e in res.missing]
    if res.unexpected:
        lines.append("  unexpected (reported, not expected):")
        lines += ["    + " + fmt_finding(case, f) for f in res.unexpected]
    for p in problems:
        lines.append("  " + p.replace("\n", "\n  "))
    if failed:
        lines.append("  command: (cd %s && %s)" % (shell_quote([run.cwd or case.dir]),
                                                   shell_quote(run.shown_cmd or run.cmd)))
        if run.stderr.strip():
            tail = run.stderr.strip().split("\n")[-40:]
            lines.append("  stderr:\n" + indent("\n".join(tail), 4))
    if regen_note:
        lines.append("  " + regen_note)

    xfail = case.config.get("xfail")
    if xfail:
        res.status = "XFAIL" if failed else "XPASS"
        head = ("XFAIL %s (known bug: %s)" % (name, xfail) if failed else
                "XPASS %s: passes although marked xfail (%s); remove \"xfail\" "
                "from case.json" % (name, xfail))
    elif regenerated and not problems:
        res.status = "REGEN"
        head = "REGEN %s: expected.json rewritten" % name
    else:
        res.status = "FAIL" if failed else "PASS"
        head = "%s %s" % (res.status, name)
        if not failed:
            head += " (%d finding%s)" % (len(res.tp), "" if len(res.tp) == 1 else "s")
    body = "\n".join(lines)
    res.report = head + ("\n" + body if body and (failed or regen_note) else "")

    # Leave everything behind for a human (and for CI artefacts).
    with open(os.path.join(outdir, "command.txt"), "w", encoding="utf-8") as f:
        f.write("cd %s\n%s\n" % (shell_quote([run.cwd or case.dir]),
                                  shell_quote(run.shown_cmd or run.cmd)))
    with open(os.path.join(outdir, "stderr.txt"), "w", encoding="utf-8") as f:
        f.write(run.stderr)
    if run.doc is not None:
        with open(os.path.join(outdir, "actual.json"), "w", encoding="utf-8") as f:
            json.dump(run.doc, f, indent=2, sort_keys=True, ensure_ascii=False)
            f.write("\n")
    with open(os.path.join(outdir, "diff.txt"), "w", encoding="utf-8") as f:
        f.write(res.report + "\n")
    return res


def write_expected(case, findings):
    seen = set()
    out = []
    for k in sorted({k for f in findings for k in finding_keys(f)}, key=sort_key):
        if k in seen:
            continue
        seen.add(k)
        e = {"file": k[0], "line": k[1], "rule": k[2]}
        if k[3]:
            e["category"] = k[3]
        out.append(e)
    with open(case.expected_file, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=2)
        fh.write("\n")


# --------------------------------------------------------------------------
# The whole suite

def list_cases(fixtures):
    out = []
    for n in sorted(os.listdir(fixtures)):
        p = os.path.join(fixtures, n)
        if os.path.isdir(p) and not n.startswith("."):
            out.append(p)
    return out


def ratio(a, b):
    return round(a / b, 4) if b else None


def metrics(results):
    per_rule = {}

    def bump(rule, key):
        per_rule.setdefault(rule, {"tp": 0, "fp": 0, "fn": 0})[key] += 1

    for r in results:
        for e in r.tp:
            bump(e[2], "tp")
        for e in r.missing:
            bump(e[2], "fn")
        for f in r.unexpected:
            bump(f["rule"], "fp")
    tot = {"tp": 0, "fp": 0, "fn": 0}
    for rule, c in per_rule.items():
        for k in tot:
            tot[k] += c[k]
        c["precision"] = ratio(c["tp"], c["tp"] + c["fp"])
        c["recall"] = ratio(c["tp"], c["tp"] + c["fn"])
    tot["precision"] = ratio(tot["tp"], tot["tp"] + tot["fp"])
    tot["recall"] = ratio(tot["tp"], tot["tp"] + tot["fn"])
    counts = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    return {
        "version": 1,
        "cases": {r.name: r.status for r in results},
        "counts": counts,
        "rules": {k: per_rule[k] for k in sorted(per_rule)},
        "overall": tot,
    }


def pct(x):
    return "   n/a" if x is None else "%5.1f%%" % (100 * x)


def print_metrics(m):
    print("\nper-rule results over the golden suite:")
    print("  %-24s %5s %5s %5s %9s %9s" % ("rule", "TP", "FP", "FN", "precision", "recall"))
    for rule, c in m["rules"].items():
        print("  %-24s %5d %5d %5d %9s %9s" % (rule, c["tp"], c["fp"], c["fn"],
                                               pct(c["precision"]), pct(c["recall"])))
    o = m["overall"]
    print("  %-24s %5d %5d %5d %9s %9s" % ("overall", o["tp"], o["fp"], o["fn"],
                                           pct(o["precision"]), pct(o["recall"])))
    c = m["counts"]
    print("golden cases: %s" % " / ".join("%d %s" % (c[k], k.lower())
                                         for k in ("PASS", "FAIL", "XFAIL", "XPASS", "ERROR", "REGEN")
                                         if c.get(k)))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--privflow", required=True, help="the privflow binary")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--case", help="one case folder")
    g.add_argument("--all", action="store_true", help="every case under --fixtures")
    ap.add_argument("--fixtures", default=os.path.join(REPO, "fixtures"))
    ap.add_argument("--out", default=os.path.join(os.getcwd(), "golden-out"),
                    help="where OUT/<case>/{actual.json,diff.txt,...} go")
    ap.add_argument("--metrics", help="--all: write the metrics JSON here "
                    "(default OUT/metrics.json)")
    ap.add_argument("--compdb", help="--case: scan with -p this compile database")
    ap.add_argument("--sarif", metavar="FILE", help="--case: only write the case's "
                    "SARIF report to FILE (no comparison); exit 0 if privflow ran")
    ap.add_argument("--exclude", action="append", default=[],
                    help="--all: skip this case name (repeatable)")
    ap.add_argument("--cmake", default="cmake", help="cmake for cases with a CMakeLists.txt")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--strict", action="store_true",
                    help="--all: exit 1 if any case fails (default: report only)")
    ap.add_argument("--min-precision", type=float, default=0.0)
    ap.add_argument("--min-recall", type=float, default=0.0)
    opts = ap.parse_args(argv)
    opts.out = os.path.realpath(opts.out)
    if os.path.sep in opts.privflow or os.path.exists(opts.privflow):
        opts.privflow = os.path.abspath(opts.privflow)
    os.makedirs(opts.out, exist_ok=True)

    if opts.sarif:
        if not opts.case:
            ap.error("--sarif needs --case")
        return emit_sarif(opts)

    if opts.case:
        r = run_case(opts.case, opts)
        print(r.report)
        if r.status not in ("PASS", "XFAIL") and os.path.isdir(os.path.join(opts.out, r.name)):
            print("  output left in %s" % os.path.join(opts.out, r.name))
        return 0 if r.status in ("PASS", "XFAIL", "REGEN") else 1

    cases = [c for c in list_cases(opts.fixtures) if os.path.basename(c) not in opts.exclude]
    if not cases:
        print("no case under %s" % opts.fixtures)
        return 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
        results = list(ex.map(lambda c: run_case(c, opts), cases))
    for r in results:
        print(r.report)
    m = metrics(results)
    path = opts.metrics or os.path.join(opts.out, "metrics.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(m, f, indent=2, sort_keys=True)
        f.write("\n")
    print_metrics(m)
    print("metrics written to %s" % path)
    rc = 0
    o = m["overall"]
    if opts.strict and any(r.status not in ("PASS", "XFAIL", "REGEN") for r in results):
        rc = 1
    if (o["precision"] or 0) < opts.min_precision or (o["recall"] or 0) < opts.min_recall:
        print("below the required precision %.2f / recall %.2f"
              % (opts.min_precision, opts.min_recall))
        rc = 1
    return rc


def emit_sarif(opts):
    try:
        case = Case(opts.case)
        out = os.path.abspath(opts.sarif)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if os.path.exists(out):
            os.remove(out)
        run = run_privflow(case, opts, os.path.join(opts.out, case.name), fmt="sarif",
                           output=out, extra_args=["--fail-on", "never"])
    except CaseError as e:
        print("ERROR %s: bad case: %s" % (opts.case, e))
        return 1
    if run.problem or run.rc != 0:
        print("FAIL %s: SARIF run: %s" % (case.name, run.problem or "exit %s" % run.rc))
        print("  command: (cd %s && %s)" % (shell_quote([run.cwd or case.dir]),
                                            shell_quote(run.shown_cmd or run.cmd)))
        if run.stderr.strip():
            print("  stderr:\n" + indent(run.stderr, 4))
        return 1
    print("wrote %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
