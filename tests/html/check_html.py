#!/usr/bin/env python3
"""End-to-end test of privflow's HTML report in headless Chromium.

Scans a project (`--compdb BUILD_DIR --root DIR`, or a fixture case with
`--case fixtures/NAME`, whose .c files are scanned), writes the html and
json reports into OUT, opens the HTML in headless Chromium (--dump-dom,
so the page's script has run) and checks, in the DOM after the script:

  - <body data-pf-ready="1">: the page's only script ran to its end (a
    script error or a CSP hash mismatch leaves it unset);
  - the sections are there (summary, data map, inventory, record of
    processing, findings, files) and there is one article.finding per
    finding of the JSON report, each with its code excerpt;
  - every in-page link (href="#x", in HTML and in the inline SVG) reaches
    an element with that id; a finding's location link reaches its excerpt;
  - exactly one <script> element, and no on* event-handler attribute, no
    javascript: URL, no <iframe>/<object>/<embed>/<img> (nothing from the
    input became markup);
  - the record is complete: no list cut ("+N more"), every category and
    function of the JSON inventory in the page; a trace picture for the
    traces that cross functions, none for a finding that is not there, no
    arrows between the stores of an incomplete-erasure finding;
  - with --pdf MIN MAX: the page printed to PDF by headless Chromium has
    MIN to MAX pages (folded lists are opened for printing by the page's
    script on `beforeprint`; that the PDF holds them is not checked);
  - with --injection: the strings the fixture plants (e.g.
    <script>alert(1)</script>) are visible as text in the page.

Chromium is required: when it is missing the test FAILS (CI installs it:
apt-get install chromium). Python 3 standard library only.

  check_html.py --privflow BIN (--compdb DIR --root DIR | --case DIR)
                --out DIR [--policy FILE] [--injection] [--pdf MIN MAX]
                [--chromium PATH]
"""

import argparse
import glob
import html.parser
import json
import html as htmlmod
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))

# What the injection fixture plants, as text the page must show.
INJECTED_TEXT = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>"]


class Dom(html.parser.HTMLParser):
    """Collects ids, links, scripts and suspicious markup of a DOM dump."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = {}
        self.dups = set()
        self.links = []
        self.scripts = 0
        self.bad = []
        self.body = {}
        self.findings = []
        self.text = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "script":
            self.scripts += 1
        if tag in ("iframe", "object", "embed", "img", "base"):
            self.bad.append("<%s> element" % tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append("%s attribute on <%s>" % (k, tag))
            if k in ("href", "xlink:href", "src", "action") and v and \
                    v.strip().lower().startswith("javascript:"):
                self.bad.append("javascript: URL on <%s>" % tag)
        if "id" in a:
            if a["id"] in self.ids:
                self.dups.add(a["id"])
            self.ids.setdefault(a["id"], tag)
        for k in ("href", "xlink:href"):
            if a.get(k, "").startswith("#"):
                self.links.append(a[k][1:])
        if tag == "article" and "finding" in a.get("class", "").split():
            self.findings.append(a.get("id"))

    def handle_data(self, data):
        self.text.append(data)


def fail(msg):
    print("check_html: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def find_chromium(path):
    for c in [path, os.environ.get("PF_CHROMIUM"), "chromium", "chromium-browser",
              "google-chrome"]:
        if c and shutil.which(c):
            return shutil.which(c)
    fail("chromium not found: install it (apt-get install chromium) or pass "
         "--chromium PATH; this test does not skip")


def dump_dom(chromium, path, *flags):
    profile = tempfile.mkdtemp(prefix="pf-chromium-")
    try:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
               "--virtual-time-budget=5000", "--dump-dom", *flags,
               "file://" + os.path.abspath(path)]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        if p.returncode != 0 or not p.stdout:
            fail("chromium exited with %d: %s" % (p.returncode,
                                                   p.stderr.decode(errors="replace")[-2000:]))
        return p.stdout.decode("utf-8", errors="replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


# Measures, in a copy of the report without its CSP, every element of
# <main> against the window (every <details> opened, as when printed): none
# may stick out, and the page must not scroll sideways.
WIDTH_PROBE = """<script>(function(){
var W=document.documentElement.clientWidth,bad=[],d=document.querySelectorAll('details');
for(var i=0;i<d.length;i++)d[i].open=true;
var all=document.querySelectorAll('main *');
for(var i=0;i<all.length&&bad.length<20;i++){var e=all[i],r=e.getBoundingClientRect();
if(r.width&&r.right>W+1)bad.push(e.tagName.toLowerCase()+(e.id?'#'+e.id:'')+
(e.className&&e.className.baseVal===undefined?'.'+e.className:'')+' ends at '+Math.round(r.right)+'px');}
var sw=document.documentElement.scrollWidth;if(sw>W+1)bad.unshift('the page is '+sw+'px wide');
document.body.setAttribute('data-pf-widths',JSON.stringify(bad));})();</script>"""


def check_widths(chromium, html_path, out, width, printed):
    """Problems of the page laid out `width` px wide (with the print style
    sheet when `printed`: A4 less Chromium's margins is about 718 px)."""
    with open(html_path, encoding="utf-8") as f:
        src = f.read()
    src = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", src)
    if printed:
        src = src.replace("@media print{", "@media all{")
    src = src.replace("</body>", WIDTH_PROBE + "</body>")
    probe = os.path.join(out, "width-%d%s.html" % (width, "-print" if printed else ""))
    with open(probe, "w", encoding="utf-8") as f:
        f.write(src)
    dom = dump_dom(chromium, probe, "--window-size=%d,1000" % width)
    m = re.search(r'data-pf-widths="([^"]*)"', dom)
    if not m:
        return ["the width probe did not run at %d px" % width]
    where = "%d px%s" % (width, " (printed, A4)" if printed else "")
    return ["at %s: %s" % (where, p) for p in json.loads(htmlmod.unescape(m.group(1)))]


def scan(args):
    os.makedirs(args.out, exist_ok=True)
    cmd = [args.privflow, "scan", "--no-db", "--format", "html,json",
           "--out-dir", args.out, "--fail-on", "never", "-j", "2"]
    cwd = None
    cmd += ["--policy", os.path.abspath(args.policy) if args.policy else "bundled:facturi"]
    if args.case:
        case = os.path.abspath(args.case)
        cfg = {}
        if os.path.exists(os.path.join(case, "case.json")):
            with open(os.path.join(case, "case.json"), encoding="utf-8") as f:
                cfg = json.load(f)
        if "policy" in cfg and not args.policy:
            pol = os.path.join(case, cfg["policy"])
            if not os.path.exists(pol):
                pol = os.path.join(REPO, cfg["policy"])
            cmd += ["--policy", pol]
        cmd += ["--root", case]
        cmd += sorted(os.path.relpath(p, case)
                      for p in glob.glob(os.path.join(case, "**", "*.c"), recursive=True))
        cmd += ["--", "-I", os.path.join(REPO, "include")] + cfg.get("cflags", [])
        cwd = case
    else:
        cmd += ["-p", args.compdb, "--root", args.root]
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        fail("privflow exited with %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
    return os.path.join(args.out, "privflow.html"), os.path.join(args.out, "privflow.json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--privflow", required=True)
    ap.add_argument("--compdb")
    ap.add_argument("--root")
    ap.add_argument("--case")
    ap.add_argument("--policy")
    ap.add_argument("--out", required=True)
    ap.add_argument("--injection", action="store_true")
    ap.add_argument("--chromium")
    ap.add_argument("--pdf", nargs=2, type=int, metavar=("MIN", "MAX"),
                    help="print the page to PDF and expect MIN to MAX pages")
    ap.add_argument("--widths", action="store_true",
                    help="check that nothing is wider than 1280 px, or than A4 printed")
    args = ap.parse_args()
    if not args.case and not (args.compdb and args.root):
        ap.error("--case or --compdb and --root")

    chromium = find_chromium(args.chromium)
    html_path, json_path = scan(args)
    with open(json_path, encoding="utf-8") as f:
        report = json.load(f)
    with open(html_path, encoding="utf-8") as f:
        source = f.read()
    dom_text = dump_dom(chromium, html_path)
    with open(os.path.join(args.out, "dom.html"), "w", encoding="utf-8") as f:
        f.write(dom_text)
    dom = Dom()
    dom.feed(dom_text)
    dom.close()

    errors = []
    if dom.body.get("data-pf-ready") != "1":
        errors.append("the page's script did not finish (no data-pf-ready on "
                      "<body>): a script error or a CSP mismatch")
    for sec in ("summary", "data-map", "inventory", "processing", "questions", "findings",
                "files", "glossary"):
        if dom.ids.get(sec) != "section":
            errors.append("section #%s is missing" % sec)
    nfind = len(report["findings"])
    if len(dom.findings) != nfind:
        errors.append("%d finding articles in the page, %d findings in the JSON"
                      % (len(dom.findings), nfind))
    for i in range(1, nfind + 1):
        if "finding-%d-code" % i not in dom.ids:
            errors.append("finding %d has no code excerpt (#finding-%d-code)" % (i, i))
        if "finding-%d-code" % i not in dom.links:
            errors.append("finding %d does not link to its code excerpt" % i)
    if nfind and 'class="code"' not in dom_text:
        errors.append("no code excerpt shows source lines")
    # a trace picture for the traces that cross functions (the list of
    # steps says the rest), never for a finding that is not there, and no
    # arrows between the stores an incomplete-erasure finding lists
    # the record is complete: nothing cut ("+N more"), every category and
    # every function of the inventory in the page (long lists fold into a
    # <details>, whole in the file)
    if re.search(r"\+\d+ more", dom_text):
        errors.append("a list is cut (\"+N more\"): the record must be complete")
    text = htmlmod.unescape(source)
    if "| as is" in text:
        errors.append("an edge label says '| as is': internal jargon")
    for u in report.get("inventory", []):
        for key in ("category", "function"):
            if u.get(key) and u[key] not in text:
                errors.append("inventory %s %r is not in the page" % (key, u[key]))
    # words for a DPO in the inventory and the record: recipients by their
    # policy names, a host no recipient claims as an undeclared third party
    for sec in ("inventory", "processing"):
        m = re.search(r'<section id="%s".*?</section>' % sec, text, re.S)
        body = m.group(0) if m else ""
        for jargon in ("host:", "unidentified peer"):
            if jargon in body:
                errors.append("section #%s says %r: internal jargon" % (sec, jargon))
        for u in report.get("inventory", []):
            t = u.get("target") or ""
            if u.get("kind") == "sent" and t.startswith("host:") and u.get("purpose") \
                    and "undeclared third party: " + t[5:] not in body:
                errors.append("section #%s does not name %s an undeclared third party"
                              % (sec, t[5:]))
    # maps that stay readable: an overview, then one map per purpose, each
    # fitting a screen once scaled to the page's width (1152 px of content)
    m = re.search(r'<section id="data-map".*?</section>', text, re.S)
    maps = m.group(0) if m else ""
    if report.get("inventory") and 'id="datamap"' not in maps:
        errors.append("no overview map")
    for w, h in re.findall(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', maps):
        wpx, hpx = float(w) * 4 / 3, float(h) * 4 / 3
        shown = hpx * min(1.0, 1152 / wpx)
        if shown > 1100:
            errors.append("a data map is %.0f px tall on the page: more than a screen" % shown)
    for p in set(u["purpose"] for u in report.get("inventory", [])
                 if u.get("purpose") and u.get("function") and u.get("sink")):
        if "<summary>Purpose <code>%s</code></summary>" % p not in maps:
            errors.append("no map of purpose %s" % p)
    # open questions: every use whose purpose privflow could not determine
    # (not a collection) is asked about, with its function and place
    m = re.search(r'<section id="questions".*?</section>', text, re.S)
    questions = m.group(0) if m else ""
    for u in report.get("inventory", []):
        if u.get("purpose") is None and u.get("kind") not in ("collected", "received"):
            if "<code>%s</code>" % u["file"] not in questions \
                    or "%s() line " % u["function"] not in questions \
                    or "<code>%s</code>" % u["category"] not in questions:
                errors.append("no open question for %s %s by %s at %s:%d"
                              % (u["category"], u["kind"], u["function"], u["file"], u["line"]))
    # disclosure grading: the page's totals are the JSON's, every grade
    # the JSON gives a flow is shown, every category in the summary table
    if "disclosure" in report:
        grades = report["disclosure"]["grades"]
        m = re.search(r'<tr class="total"><th>Every flow</th>(.*?)</tr>', text)
        shown = [int(x) for x in re.findall(r">(\d+)<", m.group(1))] if m else []
        want = [grades[g] for g in ("clear", "vague", "omitted", "incorrect")]
        if shown != want:
            errors.append("disclosure totals in the page %s, in the JSON %s" % (shown, want))
        for g in ("clear", "vague", "omitted", "incorrect"):
            if grades[g] and text.count('class="grade g-%s"' % g) < grades[g]:
                errors.append("fewer %s flows in the page than the JSON's %d" % (g, grades[g]))
        m = re.search(r'<table id="disclosure-summary">.*?</table>', text, re.S)
        for c in set(f["category"] for f in report["disclosure"]["flows"]):
            if not m or "<code>%s</code>" % htmlmod.escape(c) not in m.group(0):
                errors.append("category %s is not in the disclosure summary" % c)
    elif report.get("inventory"):
        errors.append("the JSON has no disclosure grades")
    # tables and cards fit the page: a 1280 px window, and A4 printed
    if args.widths:
        errors += check_widths(chromium, html_path, args.out, 1280, False)
        errors += check_widths(chromium, html_path, args.out, 718, True)
    if args.pdf:
        pdf = os.path.join(args.out, "privflow.pdf")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-pdf-header-footer", "--print-to-pdf=" + pdf,
                        "file://" + os.path.abspath(html_path)],
                       capture_output=True, timeout=180)
        pages = 0
        if os.path.exists(pdf):
            with open(pdf, "rb") as f:
                pages = len(re.findall(rb"/Type\s*/Page[^s]", f.read()))
        lo, hi = args.pdf
        if not lo <= pages <= hi:
            errors.append("printed to PDF: %d pages, expected %d to %d" % (pages, lo, hi))
    graphs = [int(m) for m in re.findall(r'id="finding-(\d+)-graph"', dom_text)]
    if any(len(f.get("trace", [])) > 3 for f in report["findings"]) and not graphs:
        errors.append("no finding has a trace picture")
    if any(g < 1 or g > nfind for g in graphs):
        errors.append("a trace picture of no finding: %s" % graphs)
    for i, f in enumerate(report["findings"], 1):
        if f["rule"] != "incomplete-erasure" or i not in graphs:
            continue
        m = re.search(r'<svg[^>]*id="finding-%d-graph".*?</svg>' % i, dom_text, re.S)
        if m and "marker-end" in m.group(0):
            errors.append("finding %d (incomplete-erasure) draws arrows between stores" % i)
    if dom.dups:
        errors.append("ids used twice: %s" % ", ".join(sorted(dom.dups)[:10]))
    missing = sorted(set(l for l in dom.links if l not in dom.ids))
    if missing:
        errors.append("links to missing ids: %s" % ", ".join(missing[:10]))
    if dom.scripts != 1:
        errors.append("%d <script> elements in the DOM, expected 1" % dom.scripts)
    if source.lower().count("<script") != 1:
        errors.append("%d '<script' in the HTML source, expected 1"
                      % source.lower().count("<script"))
    errors += ["injected markup: " + b for b in dom.bad]
    if args.injection:
        text = "".join(dom.text)
        for t in INJECTED_TEXT:
            if t not in text:
                errors.append("the planted text %r is not visible in the page" % t)
    for e in errors:
        print("check_html: " + e, file=sys.stderr)
    if errors:
        fail("%d problem(s); DOM left in %s" % (len(errors), os.path.join(args.out, "dom.html")))
    print("check_html: ok: %d findings, %d ids, %d links, %d bytes of HTML"
          % (nfind, len(dom.ids), len(dom.links), len(source.encode())))


if __name__ == "__main__":
    main()
