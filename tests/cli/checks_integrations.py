"""Checks of the CI integration files (integrations/, issue 10 points 7
and 9) and of the GitLab SAST report (`--format gitlab-sast`).

Each YAML file is parsed (PyYAML), its structure checked (permissions,
artifacts, the report a job hands its CI service is the one privflow
writes), and every privflow command in it checked against the options
`privflow COMMAND --help` lists, so the files cannot rot. Then the file
is run for real on a copy of the example application (with a
.privflow.json naming its policy, as a project keeps one): its jobs' shell
steps in order, in a workspace per job, with actions/checkout,
upload/download-artifact and upload-sarif (GitHub) or artifacts and needs
(GitLab) emulated, and the steps that install privflow or packages left
out (GitHub: steps named "Install ..."; GitLab: before_script, and script
lines starting with apt-get). The reports they leave are checked: SARIF
parses, the GitLab SAST report passes GitLab's schema
(tests/gitlab/sast-report-format-15.0.7.json, with Python's jsonschema
when it is installed, and always a check of the schema's required fields).

Options named in NEW_SURFACE (none now; `--shard K/N` and `privflow
merge` were) are checked statically while the binary lacks them, and the
check is skipped rather than failed.
"""

import copy
import fnmatch
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

from checks import check, expect, Skipped, Failed, REPO

INTEGRATIONS = os.path.join(REPO, "integrations")
EXAMPLE = os.path.join(REPO, "fixtures", "example-app")
SCHEMA = os.path.join(REPO, "tests", "gitlab", "sast-report-format-15.0.7.json")
# what the lead is adding now: skipped, not failed, while the binary lacks it
NEW_SURFACE = set()
# report extensions, as in the writer table of reports/report.c
EXTENSIONS = {"text": "txt", "json": "json", "sarif": "sarif", "md": "md", "html": "html",
              "dot": "dot", "svg": "svg", "gitlab-sast": "gitlab-sast.json"}
FAIL_ON = {"error", "warning", "note", "never"}
SHELL_OPS = {"||", "&&", ";", "|", "&", "(", ")", ";;"}


def load_yaml(path):
    try:
        import yaml
    except ImportError:
        raise Skipped("PyYAML is not installed (Debian: python3-yaml)")
    with open(path) as f:
        return yaml.safe_load(f)


# --- the options privflow lists ----------------------------------------------

def help_of(ctx, sub, cache={}):
    """{"options": set, "formats": set} of `privflow SUB --help`, or None
    when SUB is not a command of this binary."""
    if (ctx.privflow, sub) not in cache:
        rc, out, _ = ctx.run(sub, "--help")
        if rc != 0:
            cache[(ctx.privflow, sub)] = None
        else:
            text = out.decode("utf-8", "replace")
            opts = set()
            for line in text.split("\n"):
                m = re.match(r"^  (-\S.*?)(?:\s{2,}|$)", line)
                if m:
                    opts.update(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", m.group(1)))
            m = re.search(r"^formats: (.*)$", text, re.M)
            formats = set(f.strip() for f in m.group(1).split(",")) if m else set()
            cache[(ctx.privflow, sub)] = {"options": opts, "formats": formats}
    return cache[(ctx.privflow, sub)]


def norm(text):
    """GitHub's ${{ EXPR }} without spaces, so it stays one shell word."""
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", r"${{\1}}", text)


MATRIX_SHARD = "${{matrix.shard}}"


def privflow_commands(script):
    """The privflow command lines in a shell script, each as its argument
    list after `privflow` (comments dropped, continuations joined, GitHub
    expressions as one word: norm)."""
    cmds = []
    for line in norm(script).replace("\\\n", " ").split("\n"):
        lex = shlex.shlex(line, posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        lex.commenters = "#"
        toks = list(lex)
        for i, t in enumerate(toks):
            if t == "privflow" and (i == 0 or toks[i - 1] in SHELL_OPS):
                argv = []
                for a in toks[i + 1:]:
                    if a in SHELL_OPS:
                        break
                    argv.append(a)
                cmds.append(argv)
    return cmds


def option_value(argv, *names):
    """The value of the last of `names` in argv (--opt V or --opt=V), or None."""
    val = None
    for i, a in enumerate(argv):
        if a == "--":
            break
        for n in names:
            if a == n and i + 1 < len(argv):
                val = argv[i + 1]
            elif a.startswith(n + "=") and n.startswith("--"):
                val = a[len(n) + 1:]
    return val


def check_command(ctx, argv):
    """(problems, pending): options or values privflow does not list, and
    the parts of NEW_SURFACE the binary does not have yet."""
    problems, pending = [], []
    if not argv:
        return ["privflow with no command"], pending
    sub = argv[0]
    h = help_of(ctx, sub)
    if h is None:
        (pending if sub in NEW_SURFACE else problems).append("no command '%s'" % sub)
        return problems, pending
    for i, a in enumerate(argv[1:], 1):
        if a == "--":
            break
        if a.startswith("-") and a != "-":
            name = a.split("=", 1)[0] if a.startswith("--") else a
            if name not in h["options"]:
                (pending if name in NEW_SURFACE else problems).append(
                    "privflow %s: %s is not in its --help" % (sub, name))
    fmts = option_value(argv, "--format")
    for f in (fmts.split(",") if fmts else []):
        if f not in h["formats"]:
            problems.append("privflow %s: unknown format '%s'" % (sub, f))
    fail_on = option_value(argv, "--fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        problems.append("privflow %s: --fail-on %s" % (sub, fail_on))
    return problems, pending


def check_commands(ctx, cmds):
    """Checks every command; raises Failed on a problem. Returns what is
    pending (NEW_SURFACE not in this binary yet)."""
    expect(cmds, "no privflow command at all")
    problems, pending = [], []
    for argv in cmds:
        p, q = check_command(ctx, argv)
        problems += ["%s (in: privflow %s)" % (x, " ".join(argv)) for x in p]
        pending += q
    expect(not problems, "; ".join(problems))
    return sorted(set(pending))


def report_paths(argv):
    """{format: path} of the reports a privflow command writes."""
    fmts = (option_value(argv, "--format") or "text").split(",")
    out_dir = option_value(argv, "--out-dir")
    out = option_value(argv, "-o", "--output")
    if out_dir:
        return {f: os.path.join(out_dir, "privflow." + EXTENSIONS[f]) for f in fmts}
    return {fmts[0]: out} if out else {}


# --- the GitLab SAST report --------------------------------------------------

TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
SEVERITIES = {"Info", "Unknown", "Low", "Medium", "High", "Critical"}


def gitlab_problems(report):
    """What is wrong with a GitLab SAST report: GitLab's schema through
    jsonschema when it is installed, and always the fields the schema
    requires, by hand."""
    errs = []
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if jsonschema:
        with open(SCHEMA) as f:
            v = jsonschema.Draft7Validator(json.load(f))
        errs += ["schema: %s at %s" % (e.message, "/".join(map(str, e.absolute_path)))
                 for e in v.iter_errors(report)]

    def need(cond, what):
        if not cond:
            errs.append(what)

    need(isinstance(report, dict), "not an object")
    if not isinstance(report, dict):
        return errs
    need(re.match(r"^[0-9]+\.[0-9]+\.[0-9]+$", str(report.get("version"))), "version")
    scan = report.get("scan")
    need(isinstance(scan, dict), "scan")
    scan = scan if isinstance(scan, dict) else {}
    for tool in ("analyzer", "scanner"):
        t = scan.get(tool)
        need(isinstance(t, dict) and all(isinstance(t.get(k), str) and t.get(k)
                                         for k in ("id", "name", "version"))
             and isinstance(t.get("vendor"), dict) and t["vendor"].get("name"),
             "scan.%s: id, name, version, vendor.name" % tool)
    for k in ("start_time", "end_time"):
        need(isinstance(scan.get(k), str) and TIME_RE.match(scan[k]), "scan.%s" % k)
    need(scan.get("status") in ("success", "failure"), "scan.status")
    need(scan.get("type") == "sast", "scan.type")
    vulns = report.get("vulnerabilities")
    need(isinstance(vulns, list), "vulnerabilities")
    ids = set()
    for i, vu in enumerate(vulns if isinstance(vulns, list) else []):
        where = "vulnerabilities[%d]" % i
        if not isinstance(vu, dict):
            errs.append(where)
            continue
        need(isinstance(vu.get("id"), str) and vu["id"], where + ".id")
        need(vu.get("id") not in ids, where + ".id: not unique")
        ids.add(vu.get("id"))
        need(isinstance(vu.get("location"), dict), where + ".location")
        idents = vu.get("identifiers")
        need(isinstance(idents, list) and idents and all(
            isinstance(x, dict) and all(isinstance(x.get(k), str) and x[k]
                                        for k in ("type", "name", "value"))
            for x in idents), where + ".identifiers")
        need(vu.get("severity", "Unknown") in SEVERITIES, where + ".severity")
        need(len(vu.get("name", "")) <= 255, where + ".name: longer than 255")
    return errs


def user_repo(ctx):
    """The repository a CI job checks out: the example application with a
    .privflow.json that names its policy, as a project keeps it."""
    repo = ctx.path("repo")
    if not os.path.isdir(repo):
        shutil.copytree(EXAMPLE, repo)
        with open(os.path.join(repo, ".privflow.json"), "w") as f:
            json.dump({"policy": "bundled:facturi"}, f)
    return repo


def example_project(ctx, name="project"):
    """A copy of user_repo, configured into its build/."""
    dst = ctx.path(name)
    shutil.copytree(user_repo(ctx), dst)
    r = subprocess.run(["cmake", "-S", ".", "-B", "build", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"],
                       cwd=dst, capture_output=True, text=True)
    expect(r.returncode == 0, "example-app configure: %s" % r.stderr[-2000:])
    return dst


def read_json(path, what):
    expect(os.path.isfile(path), "%s: not written" % what)
    with open(path, "rb") as f:
        try:
            return json.loads(f.read())
        except ValueError as e:
            raise Failed("%s: not JSON: %s" % (what, e))


@check
def gitlab_sast_schema(ctx):
    """The example application's --format gitlab-sast report passes
    GitLab's schema, is byte-identical across runs with SOURCE_DATE_EPOCH,
    and the schema check fails on broken reports."""
    proj = example_project(ctx)
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    outs = []
    for n in ("1", "2"):
        rc, _, err = ctx.run("scan", "-p", "build", "--no-db", "-q", "--format",
                             "gitlab-sast,json", "--out-dir", "out" + n, cwd=proj, env=env)
        expect(rc == 1, "scan: exit %d, expected 1: %s" % (rc, err))
        with open(os.path.join(proj, "out" + n, "privflow.gitlab-sast.json"), "rb") as f:
            outs.append(f.read())
    expect(outs[0] == outs[1], "two runs gave different reports")
    report = json.loads(outs[0])
    problems = gitlab_problems(report)
    expect(not problems, "; ".join(problems[:10]))
    expect(report["scan"]["start_time"] == "2023-11-14T22:13:20", "SOURCE_DATE_EPOCH not used")
    findings = read_json(os.path.join(proj, "out1", "privflow.json"), "json")["findings"]
    vulns = report["vulnerabilities"]
    expect(len(vulns) == len(findings) and len(vulns) > 10,
           "%d vulnerabilities for %d findings" % (len(vulns), len(findings)))
    want = {(f["rule"], f["file"], f["line"]) for f in findings}
    got = {(v["identifiers"][0]["value"], v["location"]["file"], v["location"]["start_line"])
           for v in vulns}
    expect(want == got, "vulnerabilities are not the findings: %s" % sorted(want ^ got)[:5])
    sev = {"error": "High", "warning": "Medium", "note": "Low"}
    expect(sorted(sev[f["severity"]] for f in findings) == sorted(v["severity"] for v in vulns),
           "severities do not map error/warning/note to High/Medium/Low")
    # the check itself can fail
    for what, mutate in (
            ("no identifiers", lambda r: r["vulnerabilities"][0].pop("identifiers")),
            ("a severity GitLab lacks", lambda r: r["vulnerabilities"][0].update(severity="Severe")),
            ("a time with a zone", lambda r: r["scan"].update(start_time="2023-11-14T22:13:20Z")),
            ("no scanner", lambda r: r["scan"].pop("scanner")),
            ("a duplicate id", lambda r: r["vulnerabilities"][1].update(
                id=r["vulnerabilities"][0]["id"]))):
        bad = copy.deepcopy(report)
        mutate(bad)
        expect(gitlab_problems(bad), "a report with %s passes the check" % what)
    # a bad SOURCE_DATE_EPOCH is an error, not a silent clock
    rc, _, err = ctx.run("scan", "-p", "build", "--no-db", "-q", "--format", "gitlab-sast",
                         "-o", "x.json", cwd=proj, env={"SOURCE_DATE_EPOCH": "yesterday"})
    expect(rc == 2 and "SOURCE_DATE_EPOCH" in err, "bad SOURCE_DATE_EPOCH: exit %d: %s" % (rc, err))


@check
def gitlab_sast_suppressed(ctx):
    """A suppressed finding (recorded in the store) is no vulnerability in
    the report that `privflow report --format gitlab-sast` renders."""
    proj = example_project(ctx)
    rc, _, err = ctx.run("scan", "-p", "build", "--db", "st.db", "-q", "--format", "json",
                         "-o", "all.json", cwd=proj)
    expect(rc == 1, "scan: exit %d: %s" % (rc, err))
    fps = [f["fingerprint"] for f in read_json(os.path.join(proj, "all.json"), "json")["findings"]]
    import sqlite3
    db = sqlite3.connect(os.path.join(proj, "st.db"))
    n = db.execute("UPDATE findings SET suppression = 'inSource', justification = 'test' "
                   "WHERE fingerprint = ?", (fps[0],)).rowcount
    db.commit()
    db.close()
    expect(n == 1, "%d rows suppressed" % n)
    rc, out, err = ctx.run("report", "--db", "st.db", "--format", "gitlab-sast", cwd=proj)
    expect(rc in (0, 1), "report: exit %d: %s" % (rc, err))
    report = json.loads(out)
    expect(not gitlab_problems(report), "; ".join(gitlab_problems(report)[:5]))
    ids = [v["id"].replace("-", "") for v in report["vulnerabilities"]]
    expect(len(ids) == len(fps) - 1, "%d vulnerabilities for %d findings, 1 suppressed"
           % (len(ids), len(fps)))
    expect(fps[0] not in ids and fps[1] in ids, "the suppressed finding is still reported")


# --- running a workflow --------------------------------------------------------

def base_env(ctx, extra):
    e = dict(os.environ)
    e.pop("PRIVFLOW_DATADIR", None)
    e["NO_COLOR"] = "1"
    e["PATH"] = os.path.dirname(ctx.privflow) + os.pathsep + e.get("PATH", "")
    e.update({k: str(v) for k, v in extra.items()})
    return e


def run_shell(script, cwd, env, log):
    p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=600)
    log.append(p.stdout + p.stderr)
    return p.returncode


def copy_globs(src_dir, patterns, dst_dir):
    """Copies what `patterns` (relative globs) match under src_dir to the
    same relative places under dst_dir; returns the relative paths."""
    got = []
    for pat in patterns:
        for p in glob.glob(os.path.join(src_dir, pat)):
            rel = os.path.relpath(p, src_dir)
            dst = os.path.join(dst_dir, rel)
            if os.path.isdir(p):
                shutil.copytree(p, dst, dirs_exist_ok=True)
            else:
                os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
                shutil.copy(p, dst)
            got.append(rel)
    return got


def job_order(jobs):
    """Job names so that every job comes after those it needs."""
    order, seen = [], set()

    def visit(n):
        if n in seen:
            return
        seen.add(n)
        needs = jobs[n].get("needs") or []
        for d in [needs] if isinstance(needs, str) else needs:
            visit(d if isinstance(d, str) else d["job"])
        order.append(n)

    for n in jobs:
        visit(n)
    return order


def subst(text, matrix):
    """${{ matrix.X }} replaced; any other expression in a script is an error."""
    def one(m):
        expr = m.group(1).strip()
        if expr.startswith("matrix.") and expr[7:] in matrix:
            return str(matrix[expr[7:]])
        raise Failed("cannot emulate the expression ${{ %s }}" % expr)
    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def run_github(ctx, wf):
    """Runs a workflow's jobs on the example application. Returns
    {job: [(matrix, status, log)]} with status "success", "failure" or
    "skipped", and the SARIF files upload-sarif was given."""
    jobs, results, uploaded = wf["jobs"], {}, []
    arts = ctx.path("gh-artifacts")
    for name in job_order(jobs):
        job = jobs[name]
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        expect(len(matrix) <= 1, "%s: only one matrix key is emulated" % name)
        combos = [{k: v} for k, vals in matrix.items() for v in vals] or [{}]
        results[name] = []
        for combo in combos:
            log = []
            if any(s != "success" for d in needs for _, s, _ in results[d]):
                results[name].append((combo, "skipped", ""))
                continue
            ws = ctx.path("gh-%s-%s" % (name, "-".join(map(str, combo.values())) or "0"))
            os.makedirs(ws)
            env = base_env(ctx, dict(wf.get("env") or {}, **(job.get("env") or {}),
                                     RUNNER_TEMP=ctx.path("runner-temp"), CI="true"))
            failed = False
            for step in job["steps"]:
                cond = str(step.get("if", ""))
                if failed and "always()" not in cond and "!cancelled()" not in cond:
                    continue
                m = re.search(r"hashFiles\('([^']*)'\)", cond)
                if m and not glob.glob(os.path.join(ws, m.group(1))):
                    continue
                uses, w = step.get("uses", ""), step.get("with") or {}
                w = {k: subst(str(v), combo) for k, v in w.items()}
                if uses.startswith("actions/checkout@"):
                    shutil.copytree(user_repo(ctx), ws, dirs_exist_ok=True)
                elif uses.startswith("actions/upload-artifact@"):
                    got = copy_globs(ws, [w["path"]], os.path.join(arts, w["name"]))
                    if not got:
                        log.append("upload-artifact: nothing at %s" % w["path"])
                        failed = True
                elif uses.startswith("actions/download-artifact@"):
                    expect(w.get("merge-multiple") == "True", "download-artifact: merge-multiple")
                    for a in sorted(os.listdir(arts)) if os.path.isdir(arts) else []:
                        if fnmatch.fnmatch(a, w["pattern"]):
                            copy_globs(os.path.join(arts, a), ["*"],
                                       os.path.join(ws, w.get("path", ".")))
                elif uses.startswith("github/codeql-action/upload-sarif@"):
                    uploaded.append(read_json(os.path.join(ws, w["sarif_file"]), "SARIF upload"))
                elif uses:
                    raise Failed("%s: cannot emulate %s" % (name, uses))
                elif str(step.get("name", "")).startswith("Install"):
                    continue  # installs privflow or packages: done here already
                elif run_shell(subst(step["run"], combo), ws, env, log):
                    failed = True
            results[name].append((combo, "failure" if failed else "success", "\n".join(log)))
    return results, uploaded


def gitlab_jobs(doc):
    """The pipeline's jobs with `extends` resolved (hidden jobs dropped)."""
    keywords = {"stages", "variables", "default", "include", "workflow", "image", "services",
                "before_script", "after_script", "cache"}

    def resolved(name):
        job = dict(doc[name])
        base = job.pop("extends", None)
        if base:
            merged = {}
            for b in [base] if isinstance(base, str) else base:
                merged.update(resolved(b))
            for k, v in job.items():
                if isinstance(v, dict) and isinstance(merged.get(k), dict):
                    merged[k] = dict(merged[k], **v)
                else:
                    merged[k] = v
            job = merged
        return job

    return {n: resolved(n) for n in doc
            if n not in keywords and not n.startswith(".") and isinstance(doc[n], dict)}


def run_gitlab(ctx, doc):
    """Runs a pipeline's jobs on the example application. Returns
    {job: [(index, status, log, workspace)]}."""
    jobs, results = gitlab_jobs(doc), {}
    for name in job_order(jobs):
        job = jobs[name]
        needs = job.get("needs") or []
        total = int(job.get("parallel") or 1)
        results[name] = []
        for k in range(1, total + 1):
            if any(s != "success" for d in needs for _, s, _, _ in results[d]):
                results[name].append((k, "skipped", "", None))
                continue
            ws = ctx.path("gl-%s-%d" % (name, k))
            shutil.copytree(user_repo(ctx), ws)
            for d in needs:
                for _, _, _, dws in results[d]:
                    copy_globs(dws, (jobs[d].get("artifacts") or {}).get("paths") or [], ws)
            variables = dict(doc.get("variables") or {}, **(job.get("variables") or {}))
            if total > 1:
                variables.update(CI_NODE_INDEX=k, CI_NODE_TOTAL=total)
            env = base_env(ctx, dict(variables, CI="true", CI_PROJECT_DIR=ws))
            lines = [l if not l.lstrip().startswith("apt-get ") else "true  # " + l
                     for l in job["script"]]
            log = []
            rc = run_shell("\n".join(lines), ws, env, log)
            results[name].append((k, "success" if rc == 0 else "failure:%d" % rc,
                                  "\n".join(log), ws))
    return results


# --- the integration files -------------------------------------------------------

def github_steps_commands(wf):
    return [c for job in wf["jobs"].values() for s in job["steps"] if "run" in s
            for c in privflow_commands(s["run"])]


def gitlab_commands(doc):
    return [c for job in gitlab_jobs(doc).values()
            for line in (job.get("before_script") or []) + job["script"]
            for c in privflow_commands(line)]


def gh_on(wf):
    return wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as true


def sarif_ok(s, what):
    expect(s.get("version") == "2.1.0" and s["runs"][0]["tool"]["driver"]["name"] == "privflow",
           "%s: not privflow's SARIF 2.1.0" % what)
    expect(len(s["runs"][0]["results"]) > 10, "%s: too few results" % what)


@check
def integrations_github(ctx):
    """integrations/github-actions/privflow.yml: push and pull_request,
    security-events: write where SARIF is uploaded, the uploaded file is
    the one privflow writes; run on the example application it prints the
    findings, uploads valid SARIF and fails the job (exit 1)."""
    wf = load_yaml(os.path.join(INTEGRATIONS, "github-actions", "privflow.yml"))
    on = gh_on(wf)
    expect(isinstance(on, dict) and "push" in on and "pull_request" in on, "triggers: %r" % on)
    cmds = github_steps_commands(wf)
    expect(not check_commands(ctx, cmds), "uses what this binary lacks")
    scans = [c for c in cmds if c[0] == "scan"]
    expect(len(scans) == 1, "one scan, not %d" % len(scans))
    sarif = report_paths(scans[0]).get("sarif")
    expect(sarif and "text" in report_paths(scans[0]), "the scan writes no SARIF and text")
    uploads = [(n, s) for n, j in wf["jobs"].items() for s in j["steps"]
               if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    expect(len(uploads) == 1, "one SARIF upload")
    job, step = uploads[0]
    perms = wf["jobs"][job].get("permissions") or {}
    expect(perms.get("security-events") == "write", "no security-events: write")
    expect(step["with"]["sarif_file"] == sarif, "uploads %s, privflow writes %s"
           % (step["with"]["sarif_file"], sarif))
    expect("!cancelled()" in str(step.get("if")), "the upload must run when findings fail the job")

    results, uploaded = run_github(ctx, wf)
    (_, status, log), = results[job]
    expect(status == "failure", "the job did not fail on the example app's errors: %s" % log)
    expect(re.search(r"\.c:\d+:\d+: error: .*\[[a-z-]+\]", log), "no findings in the log: %s"
           % log[-2000:])
    expect(len(uploaded) == 1, "SARIF not uploaded")
    sarif_ok(uploaded[0], "SARIF")


@check
def integrations_gitlab(ctx):
    """integrations/gitlab-ci/privflow.gitlab-ci.yml: the job's
    artifacts:reports:sast is the gitlab-sast report privflow writes, kept
    on failure; run on the example application it prints the findings,
    writes a report that passes GitLab's schema and fails (exit 1)."""
    doc = load_yaml(os.path.join(INTEGRATIONS, "gitlab-ci", "privflow.gitlab-ci.yml"))
    jobs = gitlab_jobs(doc)
    expect(len(jobs) == 1, "one job, not %d" % len(jobs))
    (name, job), = jobs.items()
    cmds = gitlab_commands(doc)
    expect(not check_commands(ctx, cmds), "uses what this binary lacks")
    scans = [c for c in cmds if c[0] == "scan"]
    expect(len(scans) == 1, "one scan")
    report = report_paths(scans[0]).get("gitlab-sast")
    art = job.get("artifacts") or {}
    expect(report and (art.get("reports") or {}).get("sast") == report,
           "artifacts:reports:sast is %r, privflow writes %r" % (art.get("reports"), report))
    expect(art.get("when") == "always", "the report must be kept when findings fail the job")

    results = run_gitlab(ctx, doc)
    (_, status, log, ws), = results[name]
    expect(status == "failure:1", "the job: %s, expected failure:1: %s" % (status, log[-2000:]))
    expect(re.search(r"\.c:\d+:\d+: error: .*\[[a-z-]+\]", log), "no findings in the log")
    rep = read_json(os.path.join(ws, report), "the SAST report")
    problems = gitlab_problems(rep)
    expect(not problems, "; ".join(problems[:10]))
    expect(len(rep["vulnerabilities"]) > 10, "too few vulnerabilities")


def unsharded_findings(ctx):
    proj = example_project(ctx, "unsharded")
    rc, out, err = ctx.run("scan", "-p", "build", "--no-db", "-q", "--format", "json", cwd=proj)
    expect(rc == 1, "unsharded scan: exit %d: %s" % (rc, err))
    return sorted((f["rule"], f["file"], f["line"]) for f in json.loads(out)["findings"])


def shard_spec(cmd):
    spec = option_value(cmd, "--shard")
    expect(spec and "/" in spec, "the scan has no --shard K/N: %s" % cmd)
    return spec.split("/", 1)


@check
def integrations_github_sharded(ctx):
    """integrations/github-actions/privflow-sharded.yml: a matrix of N
    shards, each `scan --shard K/N --db` uploading its store, then a job
    that needs them, downloads them and runs `privflow merge`. Run on the
    example application (once this binary has --shard and merge): the
    shards pass, the merge job fails on findings and uploads valid SARIF
    with the findings of an unsharded scan."""
    wf = load_yaml(os.path.join(INTEGRATIONS, "github-actions", "privflow-sharded.yml"))
    cmds = github_steps_commands(wf)
    pending = check_commands(ctx, cmds)
    scans = [c for c in cmds if c[0] == "scan"]
    merges = [c for c in cmds if c[0] == "merge"]
    expect(len(scans) == 1 and len(merges) == 1, "one scan and one merge")
    k, n = shard_spec(scans[0])
    scan_name = [nm for nm, j in wf["jobs"].items()
                 if any("--shard" in s.get("run", "") for s in j["steps"])][0]
    scan_job = wf["jobs"][scan_name]
    shards = scan_job["strategy"]["matrix"]["shard"]
    expect(k == MATRIX_SHARD and shards == list(range(1, int(n) + 1)),
           "--shard %s/%s over a matrix of %r" % (k, n, shards))
    db = option_value(scans[0], "--db")
    expect(db and MATRIX_SHARD in db, "each shard needs a store of its own: --db %s" % db)
    up = [s for s in scan_job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    expect(up and norm(up[0]["with"]["path"]) == db, "the shard's store is not uploaded")
    merge_name = [nm for nm, j in wf["jobs"].items()
                  if any("privflow merge" in s.get("run", "") for s in j["steps"])][0]
    merge_job = wf["jobs"][merge_name]
    down = [s for s in merge_job["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
    expect(down and fnmatch.fnmatch(norm(up[0]["with"]["name"]).replace(MATRIX_SHARD, "1"),
                                    down[0]["with"]["pattern"]), "the merge job downloads no store")
    stores = [a for a in merges[0][1:] if not a.startswith("-") and a.endswith(".db")]
    expect(stores and all(fnmatch.fnmatch(db.replace(MATRIX_SHARD, str(s)), stores[0])
                          for s in shards), "merge %s does not take every shard's store" % stores)
    sarif = report_paths(merges[0]).get("sarif")
    ups = [s for s in merge_job["steps"] if s.get("uses", "").startswith("github/codeql-action/")]
    expect(sarif and ups and ups[0]["with"]["sarif_file"] == sarif, "merge's SARIF is not uploaded")
    expect((merge_job.get("permissions") or {}).get("security-events") == "write",
           "no security-events: write")
    expect(merge_job.get("needs") in (scan_name, [scan_name]),
           "the merge job does not need the scan job")
    if pending:
        raise Skipped("checked statically; not in this binary yet: %s" % ", ".join(pending))

    results, uploaded = run_github(ctx, wf)
    for name, runs in results.items():
        for combo, status, log in runs:
            want = "failure" if name == merge_name else "success"
            expect(status == want, "%s %r: %s, expected %s: %s" % (name, combo, status, want,
                                                                  log[-2000:]))
    expect(len(uploaded) == 1, "SARIF not uploaded")
    sarif_ok(uploaded[0], "merged SARIF")
    got = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"])
                 for r in uploaded[0]["runs"][0]["results"])
    want = unsharded_findings(ctx)
    expect(got == want, "merged shards differ from one scan: %s" % sorted(set(got) ^ set(want))[:5])


@check
def integrations_gitlab_sharded(ctx):
    """integrations/gitlab-ci/privflow-sharded.gitlab-ci.yml: `parallel: N`
    jobs each `scan --shard $CI_NODE_INDEX/$CI_NODE_TOTAL --db` keeping
    their store as an artifact, a job that needs them and runs `privflow
    merge --format gitlab-sast` as artifacts:reports:sast. Run on the
    example application (once this binary has --shard and merge): the
    report passes GitLab's schema with the findings of an unsharded scan."""
    doc = load_yaml(os.path.join(INTEGRATIONS, "gitlab-ci", "privflow-sharded.gitlab-ci.yml"))
    jobs = gitlab_jobs(doc)
    cmds = gitlab_commands(doc)
    pending = check_commands(ctx, cmds)
    scans = [c for c in cmds if c[0] == "scan"]
    merges = [c for c in cmds if c[0] == "merge"]
    expect(len(scans) == 1 and len(merges) == 1, "one scan and one merge")
    expect(shard_spec(scans[0]) == ["$CI_NODE_INDEX", "$CI_NODE_TOTAL"],
           "--shard is not $CI_NODE_INDEX/$CI_NODE_TOTAL")
    shard_name = [nm for nm, j in jobs.items() if any("--shard" in l for l in j["script"])][0]
    merge_name = [nm for nm, j in jobs.items() if any("privflow merge" in l for l in j["script"])][0]
    shard_job, merge_job = jobs[shard_name], jobs[merge_name]
    total = shard_job.get("parallel")
    expect(isinstance(total, int) and total > 1, "parallel: %r" % total)
    db = option_value(scans[0], "--db")
    expect(db and "$CI_NODE_INDEX" in db, "each shard needs a store of its own: --db %s" % db)
    names = [db.replace("$CI_NODE_INDEX", str(i)) for i in range(1, total + 1)]
    paths = (shard_job.get("artifacts") or {}).get("paths") or []
    expect(all(any(fnmatch.fnmatch(nm, p) for p in paths) for nm in names),
           "the shards' stores are not artifacts: %r" % paths)
    expect(shard_name in (merge_job.get("needs") or []), "the merge job does not need the shards")
    stores = [a for a in merges[0][1:] if not a.startswith("-") and a.endswith(".db")]
    expect(stores and all(fnmatch.fnmatch(nm, stores[0]) for nm in names),
           "merge %s does not take every shard's store" % stores)
    report = report_paths(merges[0]).get("gitlab-sast")
    art = merge_job.get("artifacts") or {}
    expect(report and (art.get("reports") or {}).get("sast") == report and
           art.get("when") == "always", "artifacts:reports:sast is not merge's report")
    if pending:
        raise Skipped("checked statically; not in this binary yet: %s" % ", ".join(pending))

    results = run_gitlab(ctx, doc)
    for name, runs in results.items():
        for k, status, log, _ in runs:
            want = "failure:1" if name == merge_name else "success"
            expect(status == want, "%s #%d: %s, expected %s: %s" % (name, k, status, want,
                                                                   log[-2000:]))
    ws = results[merge_name][0][3]
    rep = read_json(os.path.join(ws, report), "the SAST report")
    problems = gitlab_problems(rep)
    expect(not problems, "; ".join(problems[:10]))
    got = sorted((v["identifiers"][0]["value"], v["location"]["file"], v["location"]["start_line"])
                 for v in rep["vulnerabilities"])
    want = unsharded_findings(ctx)
    expect(got == want, "merged shards differ from one scan: %s" % sorted(set(got) ^ set(want))[:5])


@check
def integrations_option_checker(ctx):
    """The command checker the integration checks rely on finds what is
    wrong: an option scan does not list, an unknown format or --fail-on
    level, an unknown command; and accepts a right command."""
    def problems(line):
        return [p for argv in privflow_commands(line) for p in check_command(ctx, argv)[0]]

    ok = ("privflow scan -p build --format text,sarif --out-dir out --fail-on error -q "
          "|| status=$?  # a comment --nope")
    expect(privflow_commands(ok) == [["scan", "-p", "build", "--format", "text,sarif",
                                      "--out-dir", "out", "--fail-on", "error", "-q"]],
           "parsed as %r" % privflow_commands(ok))
    expect(not problems(ok), "a right command: %s" % problems(ok))
    expect(not problems("privflow scan -p build \\\n  --format=gitlab-sast -o gl.json"),
           "a continued line")
    for bad in ("privflow scan -p build --no-such-option",
                "true && privflow scan -p build --format sarif,nope",
                "privflow scan -p build --fail-on warn",
                "privflow report --jobs 2",
                "privflow frobnicate"):
        expect(problems(bad), "not caught: %s" % bad)
    expect(report_paths(["scan", "--format", "text,gitlab-sast", "--out-dir", "o"]) ==
           {"text": "o/privflow.txt", "gitlab-sast": "o/privflow.gitlab-sast.json"}, "report paths")
