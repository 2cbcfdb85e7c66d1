"""CLI checks of the pre-commit integrations (issue 10, point 7): the
plain git hook (integrations/git-hooks/pre-commit) installed in a scratch
repository refuses a commit whose staged change adds a violating flow and
lets a clean one through; .pre-commit-hooks.yaml is well formed and uses
only options `privflow scan --help` lists."""

import json
import os
import re
import shutil
import subprocess

from checks import check, expect, Skipped, Failed  # noqa: F401

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

CLEAN = "#include <stdio.h>\nvoid hello(void) { fprintf(stderr, \"hello\\n\"); }\n"
LEAK = ("struct user { const char *email; };\n"
        "void log_user(const struct user *u) { fprintf(stderr, \"%s\", u->email); }\n")


def commit(ctx, env, *args):
    p = subprocess.run(["git", "-C", ctx.tmp, "-c", "user.email=t@example.org", "-c",
                        "user.name=t", "commit", "-qm", "x", *args],
                       capture_output=True, env=env, timeout=120)
    return p.returncode, p.stdout.decode() + p.stderr.decode()


@check
def hook_git_pre_commit(ctx):
    if not shutil.which("git"):
        raise Skipped("no git")
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(ctx.privflow) + os.pathsep + env["PATH"]
    env["PRIVFLOW_FAIL_ON"] = "warning"
    env.pop("PRIVFLOW_DATADIR", None)
    subprocess.run(["git", "init", "-q", ctx.tmp], check=True)
    ctx.write("a.c", CLEAN)
    ctx.write("build/compile_commands.json", json.dumps(
        [{"directory": ctx.tmp, "file": "a.c", "arguments": ["cc", "-c", "a.c"]}]))
    ctx.write(".privflow.json", json.dumps({"policy": "bundled:facturi", "build_path": "build",
                                            "db": "build/privflow.db"}))
    ctx.write(".gitignore", "build/\n.privflow/\n")
    hook = ctx.path(".git", "hooks", "pre-commit")
    shutil.copy(os.path.join(REPO, "integrations", "git-hooks", "pre-commit"), hook)
    os.chmod(hook, 0o755)
    subprocess.run(["git", "-C", ctx.tmp, "add", "-A"], check=True)
    rc, out = commit(ctx, env)
    expect(rc == 0, "a clean commit was refused: %s" % out)
    ctx.write("a.c", CLEAN + LEAK)
    subprocess.run(["git", "-C", ctx.tmp, "add", "a.c"], check=True)
    rc, out = commit(ctx, env)
    expect(rc != 0 and "sensitive-log" in out, "a violating commit went through: %s" % out)
    rc, out = commit(ctx, env, "--no-verify")
    expect(rc == 0, "--no-verify: %s" % out)
    # commit -a and commit PATH: git hands the hook a temporary index
    ctx.write("a.c", CLEAN + LEAK.replace("log_user", "log_again"))
    for extra in (["-a"], ["a.c"]):
        rc, out = commit(ctx, env, *extra)
        expect(rc != 0 and "sensitive-log" in out,
               "a violating commit %s went through: %s" % (" ".join(extra), out))


@check
def hook_pre_commit_yaml(ctx):
    try:
        import yaml
    except ImportError:
        raise Skipped("no PyYAML")
    with open(os.path.join(REPO, ".pre-commit-hooks.yaml")) as f:
        hooks = yaml.safe_load(f)
    expect(isinstance(hooks, list) and len(hooks) == 1, "one hook expected")
    h = hooks[0]
    for key in ("id", "name", "entry", "language"):
        expect(isinstance(h.get(key), str) and h[key], "missing %s" % key)
    expect(h["language"] == "system" and h.get("pass_filenames") is False, str(h))
    argv = h["entry"].split()
    expect(argv[:2] == ["privflow", "scan"], h["entry"])
    rc, out, err = ctx.run("scan", "--help")
    known = set(re.findall(r"--([a-z][a-z-]+)", out.decode()))
    for a in argv[2:]:
        expect(a.startswith("--") and a[2:] in known, "unknown option %s" % a)
