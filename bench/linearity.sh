#!/usr/bin/env bash
# bench/linearity.sh - does privflow's cost grow linearly with the code?
#
# Two series, each measured size by size:
#   tus    the generated code base (gen_codebase.py) at N translation units
#   func   one TU holding one function of N lines (gen_bigfunc.py): long
#          if/else chains, switches, loops, helper and logging calls with
#          personal-data fields, struct field writes
# For each size it measures the parse floor (pf_parse_floor -j 1) and
# `privflow scan -p DB --root SRC -j 1 --no-db --policy bundled:facturi --format json -o OUT`:
# wall time, CPU time and peak RSS, and the ratio scan/floor. Then it fits
# the exponent k of  cost ~ size^k  (least squares on log-log) for the scan
# time, the scan time minus the floor (wall and CPU), the floor and the scan
# RSS, and k of  RSS = a + b size^k  (the growth above a fitted baseline),
# and prints a table and the exponents. k = 1 is linear; see
# bench/README.md for how to read them. A benchmark, not a test:
# ctest only runs it once at tiny sizes to see that it works.
#
# usage: bench/linearity.sh [BUILD_DIR] [options]
#   BUILD_DIR, --build DIR   the build with privflow and bench/pf_parse_floor
#                            (default ./build)
#   --tus "N N ..."          sizes of the tus series (default "100 200 400 800")
#   --lines "N N ..."        sizes of the func series (default "1000 4000 16000")
#   --no-tus, --no-func      skip a series
#   --repeat N               runs per size, the minimum is kept (default 1)
#   --seed N                 the generators' seed (default 1)
#   --timeout S              a run slower than S seconds is stopped; the size
#                            is reported as TIMEOUT, the larger sizes of its
#                            series are skipped (default 600; 0: no limit)
#   --work DIR               where code bases and reports are written
#                            (default: a temporary directory, deleted at exit)
#   --keep                   keep the temporary directory
#   --json FILE              also write every run and the exponents as JSON
#   -h, --help               this text
#
# Exit status: 0 every size was measured, 1 a scan or floor failed or timed
# out (the table is still printed), 2 bad usage or a missing tool.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

die() { echo "linearity.sh: $*" >&2; exit 2; }
note() { echo "linearity.sh: $*" >&2; }

build=""
tus_sizes="100 200 400 800"
func_sizes="1000 4000 16000"
repeat=1 seed=1 timeout=600 work="" keep=0 json=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build) [ $# -ge 2 ] || die "--build needs a directory"; build=$2; shift 2 ;;
	--tus) [ $# -ge 2 ] || die "--tus needs sizes"; tus_sizes=$2; shift 2 ;;
	--lines) [ $# -ge 2 ] || die "--lines needs sizes"; func_sizes=$2; shift 2 ;;
	--no-tus) tus_sizes=""; shift ;;
	--no-func) func_sizes=""; shift ;;
	--repeat) [ $# -ge 2 ] || die "--repeat needs a number"; repeat=$2; shift 2 ;;
	--seed) [ $# -ge 2 ] || die "--seed needs a number"; seed=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; timeout=$2; shift 2 ;;
	--work) [ $# -ge 2 ] || die "--work needs a directory"; work=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--json) [ $# -ge 2 ] || die "--json needs a file"; json=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) [ -z "$build" ] || die "one build directory only ($build, $1)"; build=$1; shift ;;
	esac
done
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive integer"
[[ "$seed" =~ ^[0-9]+$ ]] || die "--seed must be a number"
[[ "$timeout" =~ ^[0-9]+$ ]] || die "--timeout must be a whole number of seconds"
for n in $tus_sizes; do
	[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 8 ] || die "--tus: $n is not a number >= 8"
done
for n in $func_sizes; do
	[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 50 ] || die "--lines: $n is not a number >= 50"
done
[ -n "$tus_sizes$func_sizes" ] || die "nothing to measure (both series skipped)"

# --- tools: all or nothing ------------------------------------------------------
build=${build:-./build}
[ -d "$build" ] || die "no build directory $build (build first, or pass BUILD_DIR)"
build=$(cd "$build" && pwd)
privflow=$build/privflow
floor=$build/bench/pf_parse_floor
[ -x "$privflow" ] || die "no privflow binary at $privflow (build first: make -C $build privflow)"
[ -x "$floor" ] || die "no pf_parse_floor at $floor (build first: make -C $build pf_parse_floor)"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for the peak RSS: apt-get install time"
/usr/bin/time -f '%M' true >/dev/null 2>&1 || die "/usr/bin/time is not GNU time (no -f %M)"
command -v python3 >/dev/null || die "python3 is needed"
if [ "$timeout" != 0 ]; then command -v timeout >/dev/null || die "timeout (coreutils) is needed, or pass --timeout 0"; fi
[ -f "$here/gen_codebase.py" ] || die "$here/gen_codebase.py is missing"
[ -f "$here/gen_bigfunc.py" ] || die "$here/gen_bigfunc.py is missing"

if [ -n "$work" ]; then
	mkdir -p "$work"
	work=$(cd "$work" && pwd)
	tmp=$work
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/pflinear.XXXXXX")
	trap 'if [ "$keep" = 1 ]; then note "kept $tmp"; else rm -rf "$tmp"; fi' EXIT
fi
tsv=$tmp/runs.tsv
: >"$tsv"

# --- measuring ----------------------------------------------------------------
# timed CMD...: runs CMD under /usr/bin/time (and timeout); sets m_wall
# (seconds, from a nanosecond clock), m_cpu (user + system seconds of the
# process and its children), m_rss (KiB: the largest of the process and the
# children it waited for) and m_rc (124: timed out).
timed() {
	local t0 t1
	m_rc=0
	t0=$(date +%s%N)
	if [ "$timeout" != 0 ]; then
		/usr/bin/time -f '%e %M %U %S' -o "$tmp/time.txt" timeout -k 10 "$timeout" "$@" \
			>"$tmp/out.txt" 2>"$tmp/err.txt" || m_rc=$?
	else
		/usr/bin/time -f '%e %M %U %S' -o "$tmp/time.txt" "$@" \
			>"$tmp/out.txt" 2>"$tmp/err.txt" || m_rc=$?
	fi
	t1=$(date +%s%N)
	m_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
	# GNU time writes "Command exited with non-zero status N" first then.
	m_rss=$(tail -n 1 "$tmp/time.txt" | awk '{ print $2 }')
	m_cpu=$(tail -n 1 "$tmp/time.txt" | awk '{ printf "%.2f", $3 + $4 }')
	[[ "$m_rss" =~ ^[0-9]+$ ]] || m_rss=0
	[[ "$m_cpu" =~ ^[0-9.]+$ ]] || m_cpu=0
}

# measure SERIES SIZE LINES DIR: floor and scan of the code base in DIR
# (its compile_commands.json), $repeat times each; one TSV line per run.
measure() {
	local series=$1 size=$2 lines=$3 dir=$4 r fs fk fc frc ss sk sc src nf out
	out=$tmp/$series-$size.json
	# the sources into the page cache, untimed
	find "$dir" -name '*.[ch]' -exec cat {} + >/dev/null
	for r in $(seq 1 "$repeat"); do
		cd "$dir"
		timed "$floor" -j 1 -I "$root/include" "$dir"
		fs=$m_wall fk=$m_rss fc=$m_cpu frc=$m_rc
		if [ "$frc" != 0 ]; then
			note "  floor exited $frc:"; tail -n 3 "$tmp/err.txt" | sed 's/^/    /' >&2
		elif grep -q 'with_errors=[1-9]' "$tmp/out.txt"; then
			note "  floor: some TUs parse with errors: $(cat "$tmp/out.txt")"
		fi
		timed "$privflow" scan -p "$dir" --root "$dir" -j 1 --no-db --policy bundled:facturi --format json -o "$out" \
			--fail-on never -q
		ss=$m_wall sk=$m_rss sc=$m_cpu src=$m_rc
		cd "$root"
		if [ "$src" != 0 ]; then
			note "  scan exited $src$([ "$src" = 124 ] && echo " (timed out after ${timeout}s)"):"
			tail -n 3 "$tmp/err.txt" | sed 's/^/    /' >&2
		fi
		nf=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' \
			"$out" 2>/dev/null || echo -1)
		note "  $series $size run $r: floor ${fs}s $((fk / 1024))MB, scan ${ss}s $((sk / 1024))MB, $nf findings"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$series" "$size" "$lines" \
			"$fs" "$fk" "$frc" "$ss" "$sk" "$src" "$nf" "$r" "$fc" "$sc" >>"$tsv"
		# a size that timed out is not repeated
		[ "$src" != 124 ] && [ "$frc" != 124 ] || return 1
	done
	rm -f "$out"
	return 0
}

# skipped SERIES SIZE: a line for a size not run (a smaller one timed out)
skipped() { printf '%s\t%s\t0\t0\t0\tskip\t0\t0\tskip\t-1\t0\t0\t0\n' "$1" "$2" >>"$tsv"; }

warm() {   # libclang and the system headers into memory, untimed
	(cd "$1" && "$floor" -j 1 -I "$root/include" "$1" >/dev/null 2>&1) || true
}

if [ -n "$tus_sizes" ]; then
	note "series tus: generated code base at $tus_sizes TUs"
	stop=0 first=1
	for n in $tus_sizes; do
		if [ "$stop" = 1 ]; then skipped tus "$n"; continue; fi
		dir=$tmp/gen-$n
		msg=$(python3 "$here/gen_codebase.py" -n "$n" --seed "$seed" -o "$dir") \
			|| die "gen_codebase.py -n $n failed"
		# "DIR: N TUs, L lines of C, M marked violations"
		lines=$(printf '%s\n' "$msg" | sed -n 's/.*TUs, \([0-9]*\) lines.*/\1/p')
		[ "$first" = 0 ] || warm "$dir"
		first=0
		measure tus "$n" "${lines:-0}" "$dir" || stop=1
		[ "$keep" = 1 ] || [ -n "$work" ] || rm -rf "$dir"
	done
fi
if [ -n "$func_sizes" ]; then
	note "series func: one function of $func_sizes lines"
	stop=0 first=1
	for n in $func_sizes; do
		if [ "$stop" = 1 ]; then skipped func "$n"; continue; fi
		dir=$tmp/func-$n
		msg=$(python3 "$here/gen_bigfunc.py" -l "$n" --seed "$seed" -o "$dir") \
			|| die "gen_bigfunc.py -l $n failed"
		# "DIR: 1 TU, L lines, process_records() F lines": the size is F
		lines=$(printf '%s\n' "$msg" | sed -n 's/.*process_records() \([0-9]*\) lines.*/\1/p')
		[ "$first" = 0 ] || warm "$dir"
		first=0
		measure func "$n" "${lines:-0}" "$dir" || stop=1
		[ "$keep" = 1 ] || [ -n "$work" ] || rm -rf "$dir"
	done
fi

# --- table and exponents ------------------------------------------------------------
python3 - "$tsv" "$repeat" "$timeout" "$json" <<-'EOF'
import json, math, sys
tsv, repeat, timeout, json_out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = {}
order = []
for line in open(tsv):
    (series, size, lines, fs, fk, frc, ss, sk, src, nf, run, fc, sc) = line.rstrip("\n").split("\t")
    key = (series, int(size))
    if key not in rows:
        order.append(key)
        rows[key] = {"series": series, "size": int(size), "lines": int(lines), "runs": []}
    rows[key]["runs"].append({"floor_s": float(fs), "floor_kb": int(fk), "floor_rc": frc,
                              "scan_s": float(ss), "scan_kb": int(sk), "scan_rc": src,
                              "floor_cpu_s": float(fc), "scan_cpu_s": float(sc),
                              "findings": int(nf)})
# per size: the minimum over the runs that succeeded; a size with a
# failed run is marked and left out of the fits
for r in rows.values():
    runs = r["runs"]
    rcs = {x["scan_rc"] for x in runs} | {x["floor_rc"] for x in runs}
    if rcs == {"0"}:
        r["status"] = "ok"
    elif "skip" in rcs:
        r["status"] = "skipped"
    elif "124" in rcs or "137" in rcs:
        r["status"] = "TIMEOUT"
    else:
        r["status"] = "FAILED(rc %s)" % ",".join(sorted(rcs - {"0"}))
    if r["status"] == "ok":
        r["floor_s"] = min(x["floor_s"] for x in runs)
        r["scan_s"] = min(x["scan_s"] for x in runs)
        r["floor_mb"] = min(x["floor_kb"] for x in runs) / 1024.0
        r["scan_mb"] = min(x["scan_kb"] for x in runs) / 1024.0
        r["ratio"] = r["scan_s"] / r["floor_s"] if r["floor_s"] > 0 else None
        r["above_s"] = r["scan_s"] - r["floor_s"]
        r["floor_cpu_s"] = min(x["floor_cpu_s"] for x in runs)
        r["scan_cpu_s"] = min(x["scan_cpu_s"] for x in runs)
        r["above_cpu_s"] = r["scan_cpu_s"] - r["floor_cpu_s"]
        r["findings"] = runs[-1]["findings"]

def fit(pts):
    """k and r^2 of log y = k log x + c, over the points with y > 0."""
    pts = [(math.log(x), math.log(y)) for x, y in pts if x > 0 and y is not None and y > 0]
    if len(pts) < 2:
        return None, None, len(pts)
    n = len(pts)
    mx = sum(p[0] for p in pts) / n
    my = sum(p[1] for p in pts) / n
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    if sxx == 0:
        return None, None, n
    k = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx
    c = my - k * mx
    ss_tot = sum((p[1] - my) ** 2 for p in pts)
    ss_res = sum((p[1] - (k * p[0] + c)) ** 2 for p in pts)
    return k, (1 - ss_res / ss_tot) if ss_tot > 0 else 1.0, n

def fit_baseline(pts):
    """k of y = a + b x^k (a: a baseline that does not grow, b > 0), for
    the scan's RSS, whose baseline (libclang, headers, catalogue) is not
    the floor's. k on a grid, a and b by least squares; 3 points or more."""
    pts = [(float(x), float(y)) for x, y in pts if x > 0 and y is not None]
    if len(pts) < 3:
        return None, None, len(pts)
    best = None
    for i in range(50, 4001):
        k = i / 1000.0
        us = [x ** k for x, _ in pts]
        n = len(pts)
        mu = sum(us) / n
        my = sum(y for _, y in pts) / n
        suu = sum((u - mu) ** 2 for u in us)
        if suu == 0:
            continue
        b = sum((u - mu) * (y - my) for u, (_, y) in zip(us, pts)) / suu
        if b <= 0:
            continue
        a = my - b * mu
        sse = sum((a + b * u - y) ** 2 for u, (_, y) in zip(us, pts))
        if best is None or sse < best[0] - 1e-12:
            best = (sse, k, a)
    if best is None:
        return None, None, len(pts)
    return best[1], best[2], len(pts)

METRICS = [("scan time", "scan_s"), ("scan - floor time", "above_s"), ("floor time", "floor_s"),
           ("scan - floor cpu", "above_cpu_s"), ("scan RSS", "scan_mb")]
TITLES = {"tus": "generated code base, size = TUs",
          "func": "one function, size = lines of the function"}
result = {"repeat": repeat, "timeout_s": int(timeout), "series": {}}
for series in ("tus", "func"):
    keys = [k for k in order if k[0] == series]
    if not keys:
        continue
    rs = [rows[k] for k in keys]
    print()
    print("== series %s: %s (min of %d run%s per size) ==" % (series, TITLES[series], repeat,
                                                            "" if repeat == 1 else "s"))
    print("%7s %7s %8s %8s %8s %8s %9s %9s %9s %8s %9s  %s" % (
        "size", "lines", "floor s", "scan s", "scan/fl", "above s", "floor cpu", "scan cpu",
        "floor MB", "scan MB", "findings", "status"))
    for r in rs:
        if r["status"] != "ok":
            # a timed-out scan took longer than the limit
            late = r["status"] == "TIMEOUT" and int(timeout) > 0
            print("%7d %7s %8s %8s %8s %8s %9s %9s %9s %8s %9s  %s" % (
                r["size"], r["lines"] or "-", "-", (">%s" % timeout) if late else "-",
                "-", "-", "-", "-", "-", "-", "-", r["status"]))
            continue
        print("%7d %7d %8.2f %8.2f %8.2f %8.2f %9.2f %9.2f %9.1f %8.1f %9d  ok" % (
            r["size"], r["lines"], r["floor_s"], r["scan_s"], r["ratio"] or 0, r["above_s"],
            r["floor_cpu_s"], r["scan_cpu_s"], r["floor_mb"], r["scan_mb"], r["findings"]))
    ok = [r for r in rs if r["status"] == "ok"]
    # the size of a func point is the function's real length
    xs = [(r["lines"] if series == "func" and r["lines"] else r["size"]) for r in ok]
    print("exponents (cost ~ size^k, least squares on log-log; k=1 linear, k=2 quadratic):")
    sres = {"sizes": [r["size"] for r in rs], "rows": rs, "exponents": {}}
    for label, field in METRICS:
        k, r2, n = fit([(x, r[field]) for x, r in zip(xs, ok)])
        steps = []
        for a, b, xa, xb in zip(ok, ok[1:], xs, xs[1:]):
            if a[field] > 0 and b[field] > 0 and xb != xa:
                steps.append("%.2f" % (math.log(b[field] / a[field]) / math.log(xb / xa)))
            else:
                steps.append("-")
        if k is None:
            print("  k %-18s   n/a (fewer than 2 sizes with a positive value)" % label)
        else:
            print("  k %-18s %6.2f  (r2 %.3f, %d sizes; step by step: %s)" % (
                label, k, r2, n, " ".join(steps) or "-"))
        sres["exponents"][field] = {"k": k, "r2": r2, "points": n, "steps": steps}
    k, a, n = fit_baseline([(x, r["scan_mb"]) for x, r in zip(xs, ok)])
    if k is None:
        print("  k %-18s   n/a (fewer than 3 sizes)" % "scan RSS growth")
    else:
        print("  k %-18s %6.2f  (RSS = a + b size^k, a = %.0f MB, %d sizes)"
              % ("scan RSS growth", k, a, n))
    sres["exponents"]["scan_mb_growth"] = {"k": k, "baseline_mb": a, "points": n}
    result["series"][series] = sres
if json_out:
    with open(json_out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print("\n-> %s" % json_out)
bad = [r for r in rows.values() if r["status"] not in ("ok", "skipped")]
sys.exit(1 if bad else 0)
EOF
