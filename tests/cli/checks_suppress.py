"""CLI checks of inline suppressions (issue 10, point 5):
`privflow-ignore[RULE]: reason` in a comment on a finding's line, or alone
on the line above, accepts the finding with its reason; it stays in JSON
and SARIF (as `suppressions`, kind inSource) and fails no run. A marker
without a reason or naming an unknown rule is an error in gcc's order;
one that suppresses nothing is a warning."""

import json
import re

from checks import check, expect, Skipped, Failed  # noqa: F401

SRC = """#include <stdio.h>
struct user { const char *email; const char *phone; };
void log_user(const struct user *u)
{
%s
}
"""


def scan(ctx, body, *extra):
    ctx.write("a.c", SRC % body)
    rc, out, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "--no-db",
                           "--format", "json", ctx.path("a.c"), *extra, cwd=ctx.tmp)
    return rc, out.decode("utf-8", "replace"), err


def lines(out, suppressed):
    return sorted(f["line"] for f in json.loads(out)["findings"]
                  if ("suppression" in f) == suppressed)


@check
def suppress_inline(ctx):
    """Same line and line above, both comment styles, several rules; the
    wrong rule, a marker two lines above or after code on the line above
    suppress nothing, and the run still fails on those."""
    body = "\n".join([
        '\tfprintf(stderr, "%s", u->email); // privflow-ignore[sensitive-log]: operator address',
        '\t/* privflow-ignore[cleartext-transport, sensitive-log]: test fixture data */',
        '\tfprintf(stderr, "%s", u->phone);',
        '\tfprintf(stderr, "%s", u->email); // privflow-ignore[cleartext-transport]: wrong rule',
        '\t// privflow-ignore[sensitive-log]: two lines above',
        '\t;',
        '\tfprintf(stderr, "%s", u->phone);',
        '\tconst char *s = "privflow-ignore[sensitive-log]: in a string"; (void)s;',
        '\tfprintf(stderr, "%s", u->phone);',
    ])
    rc, out, err = scan(ctx, body)
    expect(rc == 0, "exit %d (warnings do not fail): %s" % (rc, err))
    expect(lines(out, True) == [5, 7], "suppressed: %s" % lines(out, True))
    expect(lines(out, False) == [8, 11, 13], "still reported: %s" % lines(out, False))
    d = json.loads(out)
    sup = [f["suppression"] for f in d["findings"] if "suppression" in f]
    expect(sup[0] == {"kind": "inSource", "justification": "operator address"}, str(sup))
    expect(sup[1]["justification"] == "test fixture data", str(sup))
    expect(d["summary"]["suppressed"] == 2, str(d["summary"]))
    expect(re.search(r"a\.c:8:\d+: warning: unused suppression privflow-ignore\[cleartext-transport\]",
                     err), err)
    expect(re.search(r"a\.c:9:\d+: warning: unused suppression", err), err)
    expect("2 suppressed" in err, "summary line: %s" % err)
    rc, _, err = scan(ctx, body, "--fail-on", "warning")
    expect(rc == 1, "open warnings must fail with --fail-on warning: %d" % rc)


@check
def suppress_only_suppressed_passes(ctx):
    """A run whose findings are all suppressed exits 0 with --fail-on
    warning, where the same code without the marker exits 1; the SARIF
    report carries the suppression; the text report does not list it."""
    leak = '\tfprintf(stderr, "%s", u->email);'
    rc, _, _ = scan(ctx, leak, "--fail-on", "warning")
    expect(rc == 1, "unsuppressed: exit %d" % rc)
    marked = leak + " // privflow-ignore[sensitive-log]: the operator's own address"
    rc, _, err = scan(ctx, marked, "--fail-on", "warning")
    expect(rc == 0, "suppressed: exit %d: %s" % (rc, err))
    rc, out, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "--no-db",
                           "--format", "sarif", ctx.path("a.c"), cwd=ctx.tmp)
    res = json.loads(out)["runs"][0]["results"]
    expect(len(res) == 1 and res[0].get("suppressions") == [
        {"kind": "inSource", "justification": "the operator's own address"}], str(res))
    rc, out, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "--no-db",
                           ctx.path("a.c"), cwd=ctx.tmp)
    expect(b"sensitive-log" not in out, "the text report lists a suppressed finding")


@check
def suppress_needs_reason(ctx):
    """No reason, an empty one, an unknown rule: exit 2, the error in
    gcc's order naming file, line and column."""
    for marker, what in [("// privflow-ignore[sensitive-log]", "needs a reason"),
                         ("// privflow-ignore[sensitive-log]:   ", "needs a reason"),
                         ("// privflow-ignore[sensitiv-log]: typo", "unknown rule 'sensitiv-log'")]:
        rc, _, err = scan(ctx, '\tfprintf(stderr, "%s", u->email); ' + marker)
        expect(rc == 2, "%s: exit %d" % (marker, rc))
        expect(re.search(r"^\S*a\.c:5:\d+: error: privflow-ignore.*%s" % re.escape(what), err, re.M),
               "%s: %s" % (marker, err))
