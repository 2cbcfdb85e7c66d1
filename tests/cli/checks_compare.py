"""CLI checks of `privflow report --compare ID` (issue 11, point 6): what
changed since a past run, for the assessment's "since the last review":
categories, recipients, purposes, stores and findings new and gone, in
the JSON ("changes"), the text summary and the HTML section; a run that
is not in the store is an error (exit 2). Also the JSON's disclosure
grades (point 4): with a policy only, and the same from the store."""

import json

from checks import check, expect, Skipped, Failed  # noqa: F401

BEFORE = """#include <stdio.h>
#include <privflow.h>
struct user { const char *email; };
PRIVFLOW_PURPOSE("essential.service")
int save_user(const struct user *u)
{
	FILE *db = fopen("/var/lib/app/users.txt", "a");

	if (!db)
		return -1;
	fprintf(db, "%s\\n", u->email);
	return fclose(db);
}
"""

# a new category (the phone) stored for a new purpose, sent to a new
# recipient, and the old store write gone
AFTER = """#include <stdio.h>
#include <curl/curl.h>
#include <privflow.h>
struct user { const char *email; const char *phone; };
PRIVFLOW_PURPOSE("marketing.communications")
void push_user(CURL *c, const struct user *u)
{
	curl_easy_setopt(c, CURLOPT_URL, "https://collect.adtrack.example/v1");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, u->phone);
	curl_easy_perform(c);
}
"""


def record(ctx, db, text):
    ctx.write("src/user.c", text)
    rc, _, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "--db", db,
                         "--format", "json", "-o", "/dev/null", "--fail-on", "never",
                         "src/user.c")
    expect(rc == 0, "scan: exit %d: %s" % (rc, err))


@check
def compare_runs(ctx):
    """Run 1, then the code changes, run 2: report --compare 1 says what is
    new and what is gone; the other way round swaps them."""
    db = ctx.path("s.db")
    record(ctx, db, BEFORE)
    record(ctx, db, AFTER)
    rc, out, err = ctx.run("report", "--no-config", "--db", db, "--format", "json",
                           "--fail-on", "never", "--compare", "1")
    expect(rc == 0, "report --compare 1: exit %d: %s" % (rc, err))
    ch = json.loads(out)["changes"]
    expect(ch["since_run"] == 1, "since_run: %r" % ch["since_run"])
    expect("user.contact.phone_number" in ch["categories"]["added"], "categories: %r"
           % ch["categories"])
    expect(ch["purposes"]["added"] == ["marketing.communications"]
           and ch["purposes"]["removed"] == ["essential.service"], "purposes: %r" % ch["purposes"])
    expect(any("adtrack" in r for r in ch["recipients"]["added"]), "recipients: %r"
           % ch["recipients"])
    expect(ch["findings"]["added"] and all(f["fingerprint"] for f in ch["findings"]["added"]),
           "findings added: %r" % ch["findings"])
    back = json.loads(ctx.run("report", "--no-config", "--db", db, "--format", "json",
                              "--fail-on", "never", "--run", "1", "--compare", "2")[1])["changes"]
    expect(back["purposes"]["added"] == ch["purposes"]["removed"]
           and back["categories"]["removed"] == ch["categories"]["added"]
           and len(back["findings"]["removed"]) == len(ch["findings"]["added"]),
           "run 1 against run 2 is not the reverse: %r" % back)
    rc, out, err = ctx.run("report", "--no-config", "--db", db, "--fail-on", "never",
                           "--compare", "1")
    text = out.decode()
    expect("since run 1: new categories: " in text and "gone purposes: essential.service"
           in text, "text report: %s" % text)
    rc, out, err = ctx.run("report", "--no-config", "--db", db, "--format", "html",
                           "--fail-on", "never", "--compare", "1")
    html = out.decode()
    expect('<section id="changes"><h2>Changes since run 1</h2>' in html
           and "undeclared third party: collect.adtrack.example" in html,
           "html report: no changes section naming the new recipient")
    rc, out, err = ctx.run("report", "--no-config", "--db", db, "--format", "md",
                           "--fail-on", "never", "--compare", "1")
    expect("## Changes since run 1" in out.decode() and "- Gone purposes: `essential.service`"
           in out.decode(), "md report: %s" % out.decode()[:2000])
    # the same run: nothing changed
    rc, out, err = ctx.run("report", "--no-config", "--db", db, "--fail-on", "never",
                           "--compare", "2")
    expect("since run 2: nothing changed" in out.decode(), "same run: %s" % out.decode())


@check
def compare_missing_run(ctx):
    """A run the store does not have is an error naming it, exit 2."""
    db = ctx.path("s.db")
    record(ctx, db, BEFORE)
    rc, out, err = ctx.run("report", "--no-config", "--db", db, "--compare", "7")
    expect(rc == 2 and "7" in err, "exit %d: %s" % (rc, err))
    rc, out, err = ctx.run("report", "--no-config", "--db", db, "--compare", "x")
    expect(rc == 2 and "--compare" in err, "exit %d: %s" % (rc, err))


@check
def disclosure_in_json(ctx):
    """The JSON report grades the disclosure of every flow when it has a
    policy (a scan always does; `report` with --policy), and has no grades
    without one (a stored run rendered alone)."""
    db = ctx.path("s.db")
    record(ctx, db, AFTER)
    rc, out, err = ctx.run("scan", "--no-config", "--policy", "bundled:facturi", "--no-db",
                           "--format", "json", "--fail-on", "never", "src/user.c")
    d = json.loads(out)["disclosure"]
    flows = {(f["category"], f["kind"], f["recipient"]): f for f in d["flows"]}
    sent = flows.get(("user.contact.phone_number", "sent", "host:collect.adtrack.example"))
    # the bundled policy says Facturi sells data to no third party
    expect(sent and sent["grade"] == "incorrect" and "collect.adtrack.example" in sent["reason"]
           and "ne revend pas" in sent["policy_ref"],
           "the phone number sent to an undeclared host: %r" % sent)
    expect(sum(d["grades"].values()) == len(d["flows"]), "grades do not add up: %r" % d["grades"])
    rc, out, err = ctx.run("report", "--no-config", "--db", db, "--format", "json",
                           "--fail-on", "never")
    expect("disclosure" not in json.loads(out), "a report without a policy grades")
    rc, out, err = ctx.run("report", "--no-config", "--db", db, "--format", "json",
                           "--fail-on", "never", "--policy", "bundled:facturi")
    expect(json.loads(out).get("disclosure", {}).get("flows") == d["flows"],
           "report --policy does not grade the stored run as the scan did")
