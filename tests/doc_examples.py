#!/usr/bin/env python3
"""Runs the examples of privflow's documentation as tests.

Every fenced block of docs/*.md whose info string carries `example=NAME`
is part of example NAME:

    ```c example=sensitive-log-violating policy=rules/facturi.policy.json
    syslog(LOG_INFO, "login %s", u->email); // expect: sensitive-log
    ```

Info-string keys (all optional but `example`):

  example=NAME     the example the block belongs to; blocks with the same
                   NAME (in one .md file) are the files of one example
  file=PATH        the file the block is written to (default NAME.c); a
                   .c file is scanned, anything else (a .h, a catalogue)
                   is only written
  policy=PATH      the policy, relative to the repository root (default
                   rules/facturi.policy.json); give it on one block
  catalog=PATH     an extra --catalog: a file of the example, else a path
                   relative to the repository root

The example is written to a temporary folder, scanned with
`privflow scan --root DIR --format json --no-db --policy P FILES -- -I<repo>/include`
from that folder, and the findings, as (file, line, rule), must be exactly
those of the `// expect: RULE[, RULE(category)...]` comments (same
convention as fixtures/README.md). A name ending in `-compliant` must
not expect its rule. And every rule of analyzer/kinds.def must have a
`<rule>-violating` and a `<rule>-compliant` example in docs/rules.md.

  doc_examples.py --privflow BIN [--docs DIR] [--only NAME] [--keep DIR] [-v]

Exit status 0 when every example passes, 1 otherwise. Python 3 standard
library only.
"""

import argparse
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_POLICY = "rules/facturi.policy.json"
FENCE_RE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^`]*)$")
EXPECT_RE = re.compile(r"(?://|/\*)\s*expect:\s*(.*?)\s*(?:\*/.*)?$")
ITEM_RE = re.compile(r"^([a-z][a-z0-9-]*)(?:\(\s*([A-Za-z0-9_.]+)\s*\))?$")
KEYS = {"example", "file", "policy", "catalog"}


class DocError(Exception):
    """A malformed example (the documentation's fault, not privflow's)."""


def rule_ids():
    with open(os.path.join(REPO, "analyzer", "kinds.def"), encoding="utf-8") as f:
        return re.findall(r'^PF_RULE\(\s*\w+\s*,\s*"([^"]+)"', f.read(), re.M)


RULES = rule_ids()


class Example:
    def __init__(self, name, doc, line):
        self.name = name
        self.doc = doc          # the .md file, relative to the repo
        self.line = line        # line of its first block
        self.files = {}         # path -> (text, line of the block in doc)
        self.policy = None
        self.catalogs = []

    def where(self):
        return "%s:%d" % (self.doc, self.line)


def parse_info(info, where):
    """'c example=x policy=y' -> ('c', {'example': 'x', 'policy': 'y'})."""
    try:
        words = shlex.split(info)
    except ValueError as e:
        raise DocError("%s: cannot read the fence's info string: %s" % (where, e))
    lang = words[0] if words and "=" not in words[0] else ""
    attrs = {}
    for w in words[1 if lang else 0:]:
        if "=" not in w:
            continue
        k, v = w.split("=", 1)
        if k in KEYS:
            attrs[k] = v
    return lang, attrs


def read_examples(doc_paths):
    """Every example of the given markdown files, in document order."""
    examples = {}
    order = []
    for path in doc_paths:
        rel = os.path.relpath(path, REPO)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        i = 0
        while i < len(lines):
            m = FENCE_RE.match(lines[i])
            if not m:
                i += 1
                continue
            fence, info, start = m.group(2), m.group(3).strip(), i + 1
            body = []
            i += 1
            while i < len(lines) and not (lines[i].strip().startswith(fence) and
                                          lines[i].strip().strip(fence[0]) == ""):
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise DocError("%s:%d: unterminated code block" % (rel, start))
            i += 1
            where = "%s:%d" % (rel, start)
            lang, attrs = parse_info(info, where)
            if "example" not in attrs:
                continue
            name = attrs["example"]
            key = (rel, name)
            if name in (e[1] for e in examples) and key not in examples:
                raise DocError("%s: example %r is also in another file" % (where, name))
            ex = examples.get(key)
            if not ex:
                ex = examples[key] = Example(name, rel, start)
                order.append(key)
            fname = attrs.get("file", name + ".c")
            if os.path.isabs(fname) or ".." in fname.split("/"):
                raise DocError("%s: file=%s must be a relative path inside the example" % (where, fname))
            if fname in ex.files:
                raise DocError("%s: example %r has two blocks for %s" % (where, name, fname))
            ex.files[fname] = ("\n".join(body) + "\n", start)
            if "policy" in attrs:
                if ex.policy and ex.policy != attrs["policy"]:
                    raise DocError("%s: example %r has two policies" % (where, name))
                ex.policy = attrs["policy"]
            if "catalog" in attrs and attrs["catalog"] not in ex.catalogs:
                ex.catalogs.append(attrs["catalog"])
    return [examples[k] for k in order]


def expectations(ex):
    """[(file, line, rule, category or None)] from the example's comments."""
    out = []
    for fname, (text, _) in sorted(ex.files.items()):
        if not fname.endswith((".c", ".h")):
            continue
        for lineno, line in enumerate(text.split("\n"), 1):
            m = EXPECT_RE.search(line)
            if not m:
                continue
            for item in m.group(1).split(","):
                im = ITEM_RE.match(item.strip())
                if not im or im.group(1) not in RULES:
                    raise DocError("%s: %s:%d: cannot read expectation %r"
                                   % (ex.where(), fname, lineno, item.strip()))
                out.append((fname, lineno, im.group(1), im.group(2)))
    return out


def covers(parent, cat):
    return cat == parent or (cat or "").startswith(parent + ".")


def compare(expected, findings):
    """Matches findings to expectations; returns (missing, unexpected)."""
    left = list(findings)
    missing = []
    # specific expectations first, so a plain RULE does not steal their finding
    for exp in sorted(expected, key=lambda e: e[3] is None):
        f, l, r, c = exp
        hit = [x for x in left if x["file"] == f and x["line"] == l and x["rule"] == r
               and (c is None or covers(c, x.get("category")))]
        if not hit:
            missing.append(exp)
            continue
        if c is None:
            # a plain RULE covers every finding of that rule on the line
            for x in hit:
                left.remove(x)
        else:
            left.remove(hit[0])
    return missing, left


def run_example(ex, opts):
    """Returns (ok, report lines)."""
    report = []
    expected = expectations(ex)
    if ex.name.endswith("-compliant"):
        rule = ex.name[:-len("-compliant")]
        bad = [e for e in expected if e[2] == rule]
        if bad:
            raise DocError("%s: compliant example %r expects its own rule at %s:%d"
                           % (ex.where(), ex.name, bad[0][0], bad[0][1]))
    if ex.name.endswith("-violating"):
        rule = ex.name[:-len("-violating")]
        if not any(e[2] == rule for e in expected):
            raise DocError("%s: violating example %r expects no %s"
                           % (ex.where(), ex.name, rule))
    tmp = tempfile.mkdtemp(prefix="pf-doc-")
    try:
        for fname, (text, _) in ex.files.items():
            p = os.path.join(tmp, fname)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
        sources = sorted(f for f in ex.files if f.endswith(".c"))
        if not sources:
            raise DocError("%s: example %r has no .c file" % (ex.where(), ex.name))
        out = os.path.join(tmp, ".privflow-out.json")
        policy = os.path.join(REPO, ex.policy or DEFAULT_POLICY)
        cmd = [opts.privflow, "scan", "--root", tmp, "--format", "json", "-o", out,
               "--no-db", "--no-config", "--policy", policy, "--fail-on", "never"]
        for c in ex.catalogs:
            cmd += ["--catalog", c if c in ex.files else os.path.join(REPO, c)]
        cmd += sources + ["--", "-I" + os.path.join(REPO, "include")]
        p = subprocess.run(cmd, cwd=tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
        if opts.keep:
            dst = os.path.join(opts.keep, ex.name)
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(tmp, dst)
            with open(os.path.join(dst, "command.txt"), "w") as f:
                f.write(" ".join(shlex.quote(a) for a in cmd) + "\n")
        if p.returncode != 0 or not os.path.exists(out):
            report.append("  privflow exited with %d:" % p.returncode)
            report += ["    " + l for l in p.stderr.rstrip().split("\n")]
            return False, report
        with open(out, encoding="utf-8") as f:
            findings = json.load(f)["findings"]
        missing, unexpected = compare(expected, findings)
        for fname, line, rule, cat in sorted(missing, key=lambda e: (e[0], e[1], e[2])):
            report.append("  - %s:%d: %s%s  (expected, not reported)"
                          % (fname, line, rule, "(%s)" % cat if cat else ""))
            report.append("        %s" % source_line(ex, fname, line))
        for x in sorted(unexpected, key=lambda x: (x["file"], x["line"], x["rule"])):
            report.append("  + %s:%d: %s(%s)  (reported, not expected): %s"
                          % (x["file"], x["line"], x["rule"], x.get("category"), x["message"]))
            report.append("        %s" % source_line(ex, x["file"], x["line"]))
        if opts.verbose and not (missing or unexpected):
            for x in findings:
                report.append("    %s:%d: %s: %s" % (x["file"], x["line"], x["rule"], x["message"]))
        return not (missing or unexpected), report
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def source_line(ex, fname, line):
    text = ex.files.get(fname, ("", 0))[0].split("\n")
    return text[line - 1].strip() if 0 < line <= len(text) else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--privflow", required=True, help="the privflow binary")
    ap.add_argument("--docs", default=os.path.join(REPO, "docs"), help="folder of *.md")
    ap.add_argument("--only", action="append", help="run only this example (repeatable)")
    ap.add_argument("--keep", help="copy every example and its command here")
    ap.add_argument("-v", "--verbose", action="store_true")
    opts = ap.parse_args()
    opts.privflow = os.path.realpath(opts.privflow)
    if opts.keep:
        opts.keep = os.path.realpath(opts.keep)

    docs = sorted(glob.glob(os.path.join(opts.docs, "*.md")))
    try:
        examples = read_examples(docs)
    except DocError as e:
        print("doc_examples: %s" % e, file=sys.stderr)
        return 1
    failures = 0
    if not opts.only:
        names = {e.name for e in examples if e.doc.endswith("rules.md")}
        for r in RULES:
            for kind in ("violating", "compliant"):
                if "%s-%s" % (r, kind) not in names:
                    print("FAIL docs/rules.md has no example %s-%s" % (r, kind))
                    failures += 1
    ran = passed = 0
    for ex in examples:
        if opts.only and ex.name not in opts.only:
            continue
        ran += 1
        try:
            ok, report = run_example(ex, opts)
        except DocError as e:
            ok, report = False, ["  " + str(e)]
        except subprocess.TimeoutExpired:
            ok, report = False, ["  privflow timed out"]
        print("%s %s (%s)" % ("ok  " if ok else "FAIL", ex.name, ex.where()))
        for line in report:
            print(line)
        failures += not ok
        passed += ok
    print("%d example%s, %d passed, %d failed" % (ran, "" if ran == 1 else "s",
                                                  passed, ran - passed))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
