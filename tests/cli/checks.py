#!/usr/bin/env python3
"""Checks of privflow as a hostile user, a packager and a CI job meet it
(issue 8): what it writes, what it reads, what it prints, how it fails.
Each check is one function; CTest runs each as `cli.<name>`.

  checks.py --privflow BIN --list          names of the checks
  checks.py --privflow BIN NAME [NAME...]  run them (exit 0: all passed,
                                           77: skipped, 1: failed)

Every check works in a scratch directory of its own and never touches a
file outside it (the devices it needs are made there with mknod as root,
and skipped otherwise). Python 3 standard library only.
"""

import argparse
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SKIP = 77
# A scan needs a policy: these checks use the example privflow ships.
BUNDLED = "--policy=bundled:facturi"

CHECKS = {}


def check(fn):
    CHECKS[fn.__name__.replace("_", "-")] = fn
    return fn


class Failed(Exception):
    pass


class Skipped(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failed(what)


class Ctx:
    def __init__(self, privflow, tmp, build):
        self.privflow = privflow
        self.tmp = tmp
        self.build = build

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def write(self, rel, text, mode="w"):
        p = self.path(rel) if isinstance(rel, str) else os.path.join(
            os.fsencode(self.tmp), rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, mode) as f:
            f.write(text)
        return p

    def run(self, *args, cwd=None, timeout=120, env=None, stdin=None):
        e = dict(os.environ)
        e.pop("PRIVFLOW_DATADIR", None)
        e["NO_COLOR"] = "1"
        if env:
            e.update(env)
        p = subprocess.run([self.privflow] + list(args), cwd=cwd or self.tmp,
                           capture_output=True, timeout=timeout, env=e, stdin=stdin)
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


LEAK = b"""#include <stdio.h>
struct user { const char *password; };
void log_user(const struct user *u) { fprintf(stderr, "user %s\\n", u->password); }
"""


def scan_leak(ctx, *extra):
    """A one-file project that logs a password: errors, exit 1."""
    ctx.write("leak.c", LEAK, "wb")
    return ctx.run("scan", BUNDLED, "leak.c", "--no-db", *extra)


# --- output files (points 1, 2, 12) -----------------------------------------

@check
def output_fifo(ctx):
    """-o FIFO is written in place: the FIFO stays a FIFO."""
    fifo = ctx.path("out.fifo")
    os.mkfifo(fifo)
    got = []

    def reader():
        with open(fifo, "rb") as f:
            got.append(f.read())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    rc, _, err = scan_leak(ctx, "--format", "json", "-o", fifo)
    t.join(30)
    expect(rc == 1, "exit %d, expected 1 (a finding): %s" % (rc, err))
    expect(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced")
    expect(got and b'"sensitive-log"' in got[0], "the report did not go through the FIFO")


@check
def output_dash(ctx):
    """-o - is standard output, not a file named "-"."""
    rc, out, err = scan_leak(ctx, "--format", "json", "-o", "-")
    expect(rc == 1, "exit %d, expected 1 (a finding): %s" % (rc, err))
    expect(b'"sensitive-log"' in out, "the report is not on standard output")
    expect(not os.path.exists(ctx.path("-")), "a file named - was written")


@check
def output_symlink(ctx):
    """-o LINK writes the link's target; the link stays a link."""
    target = ctx.write("target.txt", "old contents, longer than nothing\n" * 10)
    link = ctx.path("link.txt")
    os.symlink("target.txt", link)
    rc, _, err = scan_leak(ctx, "-o", link)
    expect(rc == 1, "exit %d: %s" % (rc, err))
    expect(os.path.islink(link), "the symbolic link was replaced by a file")
    with open(target) as f:
        text = f.read()
    expect("[sensitive-log]" in text and "old contents" not in text,
           "the target does not hold just the report: %r" % text[:200])


@check
def output_device_full(ctx):
    """-o on a full device (a private /dev/full) is a write error, exit 2."""
    if os.geteuid() != 0:
        raise Skipped("mknod needs root")
    dev = ctx.path("full")
    os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    rc, _, err = scan_leak(ctx, "-o", dev)
    expect(stat.S_ISCHR(os.lstat(dev).st_mode), "the device was replaced by a file")
    expect(rc == 2 and "No space left on device" in err,
           "exit %d, expected 2 with ENOSPC: %s" % (rc, err))


@check
def output_device_null(ctx):
    """-o on a null device (a private /dev/null) keeps it a device."""
    if os.geteuid() != 0:
        raise Skipped("mknod needs root")
    dev = ctx.path("null")
    os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    rc, _, err = scan_leak(ctx, "-o", dev)
    expect(rc == 1, "exit %d: %s" % (rc, err))
    expect(stat.S_ISCHR(os.lstat(dev).st_mode), "the device was replaced by a file")


@check
def output_planted_temp(ctx):
    """A symlink planted where the old temp file name (PATH.tmp.PID) would
    be is never followed, and no temp file is left behind."""
    ctx.write("leak.c", LEAK, "wb")
    victim = ctx.write("victim", "precious\n")
    out = ctx.path("report.txt")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.read(r, 1)  # wait until the trap is set for this pid
        os.chdir(ctx.tmp)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execv(ctx.privflow, [ctx.privflow, "scan", BUNDLED, "leak.c", "--no-db", "-o", out])
    os.close(r)
    os.symlink(victim, "%s.tmp.%d" % (out, pid))
    os.write(w, b"x")
    os.close(w)
    _, status = os.waitpid(pid, 0)
    with open(victim) as f:
        expect(f.read() == "precious\n", "the planted symlink was followed")
    expect(os.WEXITSTATUS(status) == 1, "exit %d" % os.WEXITSTATUS(status))
    with open(out) as f:
        expect("[sensitive-log]" in f.read(), "no report")
    left = [n for n in os.listdir(ctx.tmp) if n.startswith(".report.txt.")]
    expect(not left, "temporary files left: %s" % left)


@check
def output_mode_kept(ctx):
    """Replacing a report keeps its mode."""
    out = ctx.write("report.txt", "old\n")
    os.chmod(out, 0o640)
    rc, _, err = scan_leak(ctx, "-o", out)
    expect(rc == 1, "exit %d: %s" % (rc, err))
    expect(stat.S_IMODE(os.stat(out).st_mode) == 0o640, "mode changed to %o" %
           stat.S_IMODE(os.stat(out).st_mode))


@check
def outputs_checked_first(ctx):
    """An unwritable -o, --out-dir or --db fails before any parse."""
    # a TU that crashes the parser shows on stderr if it was parsed
    ctx.write("deep.c", "int f(int x) { return " + "(" * 50000 + "x" + ")" * 50000 + "; }\n")
    for args in (["-o", ctx.path("no", "such", "dir", "r.txt")],
                 ["--out-dir", ctx.path("deep.c", "sub"), "--format", "json,md"],
                 ["--db", ctx.path("deep.c", "x.db")]):
        rc, _, err = ctx.run("scan", BUNDLED, "deep.c", *args, "--", "-fbracket-depth=100000")
        expect(rc == 2, "%s: exit %d, expected 2" % (args, rc))
        expect("skipped" not in err and "crashed" not in err,
               "%s: the scan parsed before checking its outputs: %s" % (args, err))


# --- untrusted stores (points 3, 7) -------------------------------------------

def make_store(ctx):
    ctx.write("proj/leak.c", LEAK, "wb")
    db = ctx.path("s.db")
    rc, _, err = ctx.run("scan", BUNDLED, "leak.c", "--db", db, "--format", "json", "-o",
                         os.devnull, cwd=ctx.path("proj"))
    expect(rc == 1, "scan: exit %d: %s" % (rc, err))
    return db


@check
def report_crafted_store(ctx):
    """A store claiming root '/' and a finding in etc/passwd quotes
    nothing of /etc/passwd, with or without a files row."""
    db = make_store(ctx)
    with open("/etc/passwd", "rb") as f:
        first = f.readline().strip().decode()
    con = sqlite3.connect(db)
    run = con.execute("SELECT max(id) FROM runs").fetchone()[0]
    con.execute("UPDATE runs SET root = '/'")
    con.execute("UPDATE findings SET file = 'etc/passwd', line = 1")
    con.execute("INSERT INTO files (run_id, path, sha256, parsed) VALUES (?, 'etc/passwd', "
                "'0000000000000000000000000000000000000000000000000000000000000000', 1)",
                (run,))
    con.commit()
    con.close()
    for cwd in (ctx.tmp, "/"):
        out = ctx.path("pia.html")
        rc, _, err = ctx.run("report", "--db", db, "--format", "html", "-o", out, cwd=cwd)
        expect(rc == 1, "report: exit %d: %s" % (rc, err))
        with open(out, encoding="utf-8") as f:
            html = f.read()
        expect(first not in html, "the report quotes /etc/passwd (cwd %s)" % cwd)


@check
def report_missing_store(ctx):
    """report --db on a missing store creates nothing and says so."""
    db = ctx.path("no", "store.db")
    rc, _, err = ctx.run("report", "--db", db)
    expect(rc == 2 and "no such store" in err, "exit %d: %s" % (rc, err))
    expect(not os.path.exists(ctx.path("no")), "report created the store's directory")


@check
def report_empty_store(ctx):
    """report on an empty file says it is not a store and writes nothing."""
    db = ctx.write("empty.db", "")
    rc, _, err = ctx.run("report", "--db", db)
    expect(rc == 2 and "not a privflow store" in err, "exit %d: %s" % (rc, err))
    expect(os.path.getsize(db) == 0, "report wrote into the empty file")
    expect(not os.path.exists(db + "-wal"), "report made a WAL file")


@check
def report_leaves_no_wal(ctx):
    """A scan leaves its store in rollback mode, so report --db (read-only)
    leaves no -wal or -shm file beside it."""
    db = make_store(ctx)
    rc, _, err = ctx.run("report", "--db", db, "--format", "json", "-o", os.devnull)
    expect(rc == 1, "report: exit %d: %s" % (rc, err))
    left = [n for n in os.listdir(ctx.tmp) if n.startswith("s.db-")]
    expect(not left, "left beside the store: %s" % left)


SIGNUP = b"""#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
struct signup { char email[128]; char first_name[64]; char phone[32]; };
int track(int sock, const struct signup *s)
{
	char body[512];
	snprintf(body, sizeof body, "e=%s&n=%s&p=%s", s->email, s->first_name, s->phone);
	return (int)send(sock, body, strlen(body), 0);
}
"""


@check
def one_call_one_finding(ctx):
    """Three categories reaching one send() are one cleartext-transport
    finding naming the three, not three findings; the store keeps them."""
    ctx.write("proj/signup.c", SIGNUP, "wb")
    db = ctx.path("s.db")
    pol = os.path.join(REPO, "rules", "facturi.policy.json")
    rc, out, err = ctx.run("scan", "signup.c", "--policy", pol, "--db", db, "--format", "json",
                           cwd=ctx.path("proj"))
    expect(rc == 1, "scan: exit %d: %s" % (rc, err))
    for label, text in (("scan", out), ("report", None)):
        if text is None:
            rc, text, err = ctx.run("report", "--db", db, "--format", "json")
            expect(rc == 1, "report: exit %d: %s" % (rc, err))
        fs = [f for f in json.loads(text)["findings"] if f["rule"] == "cleartext-transport"]
        expect(len(fs) == 1, "%s: %d cleartext-transport findings" % (label, len(fs)))
        cats = fs[0].get("categories") or []
        expect(cats == sorted(cats) and len(cats) == 3 and fs[0]["category"] == cats[0],
               "%s: categories %s" % (label, cats))
        expect(" and " in fs[0]["message"] and " leave over " in fs[0]["message"],
               "%s: message %r" % (label, fs[0]["message"]))


DISPATCH = b"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
struct request { char origin[64]; int id; };
static void client_ip(struct request *r, const char *peer) { strncpy(r->origin, peer, 63); }
static void notify(int sock, const struct request *r)
{
	char line[256];
	snprintf(line, sizeof line, "from %s", r->origin);
	send(sock, line, strlen(line), 0);
}
void dispatch(int sock, struct request *r, const char *peer)
{
	client_ip(r, peer);
	notify(sock, r);
}
void serve(int sock)
{
	struct request r;
	const char *env = getenv("REMOTE_ADDR");
	memset(&r, 0, sizeof r);
	dispatch(sock, &r, env ? env : "-");
}
"""


@check
def trace_without_detour(ctx):
    """The address serve() passes to dispatch() goes, inside dispatch(),
    through client_ip() into the request and on to notify(): the trace
    says so, not "written by dispatch() to its argument 2" and then
    "passed to dispatch()" again from serve(); no step shows twice in a
    row."""
    ctx.write("proj/dispatch.c", DISPATCH, "wb")
    pol = os.path.join(REPO, "rules", "facturi.policy.json")
    rc, out, err = ctx.run("scan", "dispatch.c", "--policy", pol, "--no-db", "--format", "json",
                           cwd=ctx.path("proj"))
    expect(rc == 1, "scan: exit %d: %s" % (rc, err))
    fs = [f for f in json.loads(out)["findings"] if f["rule"] == "cleartext-transport"]
    expect(len(fs) == 1, "%d cleartext-transport findings" % len(fs))
    notes = [st["note"] for st in fs[0]["trace"]]
    expect(not any("written by dispatch()" in n for n in notes),
           "trace detours through serve(): %s" % notes)
    expect(any("client_ip()" in n for n in notes) and any("notify()" in n for n in notes),
           "trace misses the path inside dispatch(): %s" % notes)
    steps = [(st["file"], st["line"], st["column"], st["note"]) for st in fs[0]["trace"]]
    expect(all(a != b for a, b in zip(steps, steps[1:])), "a step repeated: %s" % notes)


@check
def report_view_store(ctx):
    """A store whose findings table is a view is refused."""
    db = make_store(ctx)
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE findings RENAME TO f2")
    con.execute("CREATE VIEW findings AS SELECT * FROM f2")
    con.commit()
    con.close()
    rc, _, err = ctx.run("report", "--db", db)
    expect(rc == 2 and "not a privflow store" in err, "exit %d: %s" % (rc, err))


@check
def scan_default_store(ctx):
    """Without --db the store goes to .privflow/, which ignores itself for
    git, and the scan says where it went."""
    ctx.write("leak.c", LEAK, "wb")
    rc, _, err = ctx.run("scan", BUNDLED, "leak.c")
    expect(rc == 1, "exit %d: %s" % (rc, err))
    expect(os.path.isfile(ctx.path(".privflow", "privflow.db")), "no store")
    with open(ctx.path(".privflow", ".gitignore")) as f:
        expect("*" in f.read().split(), ".privflow/.gitignore does not ignore everything")
    expect("recorded in .privflow/privflow.db" in err, "the scan did not say: %s" % err)


# --- output text (points 5, 6) -------------------------------------------------

NASTY = os.fsencode("evil\n/x.c:1:1: error: forged \x1b[31m\u202e") + b"\xe9.c"
# a store named by a string literal full of controls (the inventory's
# target column), next to the password log of LEAK
NASTY_STORE = LEAK + b"""void save(const struct user *u) {
    FILE *f = fopen("/var/lib/app/\\x1b[2J\\u202e|x\\n1.c:1:1: error: y.db", "w");
    fprintf(f, "%s", u->password);
}
"""


def nasty_project(ctx):
    """A project whose one file is NASTY (a folder "evil\n" holding a file
    whose name forges a diagnostic); returns its root (bytes)."""
    d = os.path.join(os.fsencode(ctx.tmp), b"p")
    os.makedirs(os.path.join(d, b"evil\n"))
    with open(os.path.join(d, NASTY), "wb") as f:
        f.write(NASTY_STORE)
    return d


@check
def text_escapes(ctx):
    """A file name with a newline, an ESC sequence, U+202E and a Latin-1
    byte cannot forge a diagnostic or reach the terminal raw."""
    d = nasty_project(ctx)
    for fmt in ("text", "md"):
        p = subprocess.run([ctx.privflow, "scan", BUNDLED, NASTY, "--no-db", "--format", fmt],
                           cwd=d, capture_output=True, timeout=120)
        out = p.stdout
        expect(p.returncode == 1, "%s: exit %d: %s" % (fmt, p.returncode, p.stderr))
        for bad in (b"\x1b", "\u202e".encode(), b"\xe9"):
            expect(bad not in out, "%s: raw %r in the report" % (fmt, bad))
        for line in out.split(b"\n"):
            expect(not line.startswith(b"/x.c:1:1:"), "%s: a forged line: %r" % (fmt, line))
        expect(b"\\u202e" in out and b"\\xe9" in out, "%s: escapes missing" % fmt)
        if fmt == "md":
            rows = [l for l in out.split(b"\n") if l.startswith(b"| ")]
            ncols = {l.count(b"|") - l.count(b"\\|") for l in rows if b"---" not in l}
            expect(len(ncols) <= 2, "md: a table row was split: %s" % ncols)


@check
def json_non_utf8(ctx):
    """A non-UTF-8 file name stays recoverable in JSON (\\xNN), and in
    SARIF as a percent-encoded URI."""
    d = nasty_project(ctx)
    p = subprocess.run([ctx.privflow, "scan", BUNDLED, NASTY, "--no-db", "--format", "json"],
                       cwd=d, capture_output=True, timeout=120)
    doc = json.loads(p.stdout)
    files = {f["file"] for f in doc["findings"]}
    expect(any(f.endswith("\\xe9.c") for f in files), "JSON file names: %s" % files)
    p = subprocess.run([ctx.privflow, "scan", BUNDLED, NASTY, "--no-db", "--format", "sarif"],
                       cwd=d, capture_output=True, timeout=120)
    sarif = json.loads(p.stdout)
    uris = {l["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"] for l in r["locations"]}
    expect(any(u.endswith("%E9.c") for u in uris), "SARIF URIs: %s" % uris)


@check
def sarif_scheme_like_path(ctx):
    """A relative path whose first segment holds ':' is not a URI scheme."""
    d = ctx.path("p")
    os.makedirs(os.path.join(d, "javascript:alert(1)"))
    with open(os.path.join(d, "javascript:alert(1)", "x.c"), "wb") as f:
        f.write(LEAK)
    rc, out, err = ctx.run("scan", BUNDLED, "javascript:alert(1)/x.c", "--no-db", "--format", "sarif",
                           cwd=d)
    sarif = json.loads(out)
    uris = [l["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"] for l in r["locations"]]
    expect(uris and all(u.startswith("./javascript:") for u in uris), "URIs: %s" % uris)


# --- inputs (points 8, 9, 11) ----------------------------------------------------

@check
def inputs_bounded(ctx):
    """A device, a FIFO or a NUL byte as policy, catalogue or compilation
    database is an error at once, never a wait or a silent truncation."""
    ctx.write("leak.c", LEAK, "wb")
    fifo = ctx.path("in.fifo")
    os.mkfifo(fifo)
    with open(os.path.join(REPO, "rules", "facturi.policy.json"), "rb") as f:
        pol = f.read()
    nul = ctx.write("nul.json", pol[:100] + b"\0" + pol[100:], "wb")
    for opt in ("--policy", "--catalog", "-p"):
        for bad, words in (("/dev/zero", "not a regular file"),
                           (fifo, "not a regular file"), (nul, "NUL byte at offset 100")):
            args = ["scan", BUNDLED, "--no-db", opt, bad] + ([] if opt == "-p" else ["leak.c"])
            t = time.time()
            rc, _, err = ctx.run(*args, timeout=20)
            expect(rc == 2 and words in err, "%s %s: exit %d: %s" % (opt, bad, rc, err))
            expect(time.time() - t < 10, "%s %s: took %.0f s" % (opt, bad, time.time() - t))


@check
def crashing_tu(ctx):
    """A TU that crashes clang is reported and the scan goes on."""
    ctx.write("deep.c", "int f(int x) { return " + "(" * 50000 + "x" + ")" * 50000 + "; }\n")
    ctx.write("leak.c", LEAK, "wb")
    rc, out, err = ctx.run("scan", BUNDLED, "deep.c", "leak.c", "--no-db", "--", "-fbracket-depth=100000")
    expect(rc == 2, "exit %d, expected 2" % rc)
    expect("deep.c: error: the parser crashed" in err, "no crash report: %s" % err)
    expect(b"leak.c:3" in out and b"[sensitive-log]" in out, "the other TU was not analysed")


@check
def empty_scans(ctx):
    """An empty compilation database, or every file outside --root, is a
    warning and exit 3, not a clean bill."""
    ctx.write("compile_commands.json", "[]")
    rc, _, err = ctx.run("scan", BUNDLED, "-p", ctx.tmp, "--no-db")
    expect(rc == 3 and "nothing was analysed" in err, "[]: exit %d: %s" % (rc, err))
    ctx.write("src/leak.c", LEAK, "wb")
    os.makedirs(ctx.path("other"))
    rc, _, err = ctx.run("scan", BUNDLED, "src/leak.c", "--no-db", "--root", ctx.path("other"))
    expect(rc == 3 and "outside --root" in err, "outside: exit %d: %s" % (rc, err))


# --- the command line and the package (points 14, 15) -----------------------------

@check
def help_and_usage(ctx):
    """Every command's --help lists its options one per line; an unknown
    option is one line with a hint; -V prints the version."""
    for cmd in ("scan", "report", "dump-ir"):
        rc, out, _ = ctx.run(cmd, "--help")
        expect(rc == 0 and out.startswith(b"usage: privflow " + cmd.encode()),
               "%s --help: exit %d" % (cmd, rc))
        expect(all(len(l) <= 80 for l in out.split(b"\n")), "%s --help: lines too long" % cmd)
    rc, out, _ = ctx.run("scan", "--help")
    for opt in (b"--policy", b"--format", b"--db", b"--fail-on", b"--tu-timeout", b"-j, --jobs"):
        expect(opt in out, "scan --help lacks %s" % opt)
    rc, _, err = ctx.run("scan", "--fromat", "json", "x.c")
    lines = [l for l in err.split("\n") if l]
    expect(rc == 2 and len(lines) == 1 and "did you mean '--format'" in err,
           "unknown option: exit %d: %r" % (rc, err))
    rc, out, _ = ctx.run("-V")
    expect(rc == 0 and out.startswith(b"privflow "), "-V: exit %d" % rc)
    rc, out, _ = ctx.run("man")
    expect(rc == 0 and b".TH PRIVFLOW 1" in out and b"tu\\-timeout" in out, "man page")


@check
def installed_copy(ctx):
    """An installed copy, moved elsewhere, finds its rules beside itself
    and scans the example application."""
    if not ctx.build:
        raise Skipped("needs --build")
    p1, p2 = ctx.path("p1"), ctx.path("p2")
    r = subprocess.run(["cmake", "--install", ctx.build, "--prefix", p1],
                       capture_output=True, text=True)
    expect(r.returncode == 0, "install failed: %s" % r.stderr)
    os.rename(p1, p2)
    exe = os.path.join(p2, "bin", "privflow")
    env = dict(os.environ)
    env.pop("PRIVFLOW_DATADIR", None)
    env["PATH"] = "/usr/bin:/bin"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, env=env).stdout
    expect("data: " + os.path.realpath(os.path.join(p2, "share", "privflow")) in out,
           "the installed copy uses other data: %s" % out)
    for f in ("share/man/man1/privflow.1", "share/doc/privflow/cli.md",
              "share/privflow/rules/catalog.json", "include/privflow.h"):
        expect(os.path.isfile(os.path.join(p2, f)), "not installed: %s" % f)
    compdb = os.path.join(ctx.build, "example-app")
    if not os.path.isfile(os.path.join(compdb, "compile_commands.json")):
        r = subprocess.run(["cmake", "-S", os.path.join(REPO, "fixtures", "example-app"),
                            "-B", ctx.path("ex"), "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"],
                           capture_output=True, text=True)
        expect(r.returncode == 0, "example-app configure: %s" % r.stderr)
        compdb = ctx.path("ex")
    r = subprocess.run([exe, "scan", BUNDLED, "-p", compdb, "--root",
                        os.path.join(REPO, "fixtures", "example-app"), "--no-db",
                        "--format", "json"], capture_output=True, env=env, cwd=ctx.tmp)
    expect(r.returncode == 1, "scan: exit %d: %s" % (r.returncode, r.stderr))
    expect(len(json.loads(r.stdout)["findings"]) > 10, "too few findings")


# --- results do not depend on -j (issue 7, point 6) ---------------------------
@check
def deterministic_jobs(ctx):
    """Every golden fixture scanned as one code base (many programs, so many
    link units) and the example application: the JSON, SARIF and text
    reports are byte-identical at -j1 and -j4."""
    fixtures = os.path.join(REPO, "fixtures")
    entries = []
    for d in sorted(os.listdir(fixtures)):
        if d.startswith(("bad-", "partial-", "cross-", "compdb-")) or d == "example-app":
            continue
        for dirpath, _, files in sorted(os.walk(os.path.join(fixtures, d))):
            for f in sorted(files):
                if f.endswith(".c"):
                    entries.append({"directory": dirpath, "file": os.path.join(dirpath, f),
                                    "arguments": ["cc", "-c", f]})
    expect(len(entries) > 100, "only %d fixture files" % len(entries))
    db = ctx.write("db/compile_commands.json", json.dumps(entries))
    outs = {}
    for j in ("1", "4"):
        out = ctx.path("j" + j)
        rc, _, err = ctx.run("scan", BUNDLED, "-p", db, "--root", fixtures, "--no-db", "-j", j,
                             "--format", "json,sarif,text", "--out-dir", out, timeout=600)
        expect(rc == 1, "-j%s: exit %d: %s" % (j, rc, err[-2000:]))
        outs[j] = {}
        for f in sorted(os.listdir(out)):
            with open(os.path.join(out, f), "rb") as fh:
                outs[j][f] = fh.read()
    expect(sorted(outs["1"]) == sorted(outs["4"]), "different report files")
    for f in outs["1"]:
        expect(outs["1"][f] == outs["4"][f], "%s differs between -j1 and -j4" % f)
    expect(b'"sensitive-log"' in outs["1"]["privflow.json"], "no finding at all")


def load_more_checks():
    """Every checks_*.py beside this file adds its own checks: it imports
    `check`, `expect`, `Skipped`, `Failed` from here (`from checks import`)
    and registers with @check like the checks above."""
    sys.modules.setdefault("checks", sys.modules[__name__])
    for f in sorted(os.listdir(HERE)):
        if f.startswith("checks_") and f.endswith(".py"):
            __import__(f[:-3])


def main():
    load_more_checks()
    ap = argparse.ArgumentParser()
    ap.add_argument("--privflow", required=True)
    ap.add_argument("--build", help="the build tree (for the install check)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    if a.list:
        print(";".join(sorted(CHECKS)))
        return 0
    status = 0
    for name in a.names:
        tmp = tempfile.mkdtemp(prefix="pf-cli-")
        try:
            CHECKS[name](Ctx(os.path.realpath(a.privflow), tmp, a.build))
            print("ok: %s" % name)
        except Skipped as e:
            print("skipped: %s: %s" % (name, e))
            status = status or SKIP
        except (Failed, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as e:
            print("FAILED: %s: %s: %s" % (name, type(e).__name__, e))
            status = 1
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
