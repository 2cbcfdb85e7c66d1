#!/usr/bin/env bash
# bench/run.sh - how fast is privflow, against what it cannot beat and
# against the tool people would otherwise run?
#
# For each code base (a compile_commands.json) it measures wall time and
# peak RSS of:
#   scan -j1 / scan -j2          privflow scan, cold (fresh --db each run)
#   scan-warm -j2                privflow scan again on the same --db, nothing
#                                changed (parse cache and cached analyses)
#   scan-edit1 -j2               the same after a function is appended to one
#                                main file (the middle one of the list; put
#                                back afterwards): a change of its code, not
#                                a comment, which a cache keyed on the IR
#                                could skip
#   floor-paired -j2             pf_parse_floor -j2 right before each
#                                scan-edit1 run, for a ratio per pair
#   floor-one                    pf_parse_floor on that file alone
#   floor -j1 / floor -j2        pf_parse_floor: libclang parse + visit only
#   analyze -P1 / analyze -P2    clang --analyze with the taint checker,
#                                one process per TU via xargs
# and prints a table, the ratios scan/floor and scan/analyze, and writes
# bench/results/<name>.json (and a dated copy). See bench/README.md.
#
# usage: bench/run.sh [options]
#   --compdb PATH [--name NAME]  a code base (compile_commands.json or its
#                                directory); repeatable
#   --real PATH                  same as --compdb, name taken from the path
#   --no-generated               skip the generated code base
#   --no-example                 skip fixtures/example-app
#   --only-generated / --only-example
#   --tus N                      size of the generated code base (300)
#   --seed N                     its seed (1)
#   --runs N                     repetitions, median kept (3)
#   --privflow CMD               privflow binary (default: build*/privflow,
#                                then PATH); a stand-in script works too
#   --floor BIN                  pf_parse_floor (default: built on demand)
#   --clang BIN                  clang for --analyze (default: clang)
#   --policy FILE                passed to privflow scan (default bundled:facturi)
#   --scan-args "ARGS"           extra arguments for privflow scan (the scan's
#                                --root is the project's, unless ARGS has one)
#   --jobs "1 2"                 the -j / -P values to measure
#   --skip-scan / --skip-floor / --skip-analyze
#   --keep                       keep the temporary directory
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
results_dir="$here/results"

runs=3 tus=300 seed=1 jobs_list="1 2"
privflow="" floor="" clang_bin=clang policy="bundled:facturi" scan_args=""
do_generated=1 do_example=1 do_scan=1 do_floor=1 do_analyze=1 keep=0
targets=()   # "name|path" or "name|path|scan root"
pending_name=""

die() { echo "run.sh: $*" >&2; exit 2; }
note() { echo "run.sh: $*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--compdb) [ $# -ge 2 ] || die "--compdb needs a path"
		targets+=("${pending_name}|$2"); pending_name=""; shift 2 ;;
	--name) [ $# -ge 2 ] || die "--name needs a value"
		if [ ${#targets[@]} -gt 0 ] && [ "${targets[-1]%%|*}" = "" ]; then
			targets[-1]="$2|${targets[-1]#*|}"
		else pending_name=$2; fi
		shift 2 ;;
	--real) [ $# -ge 2 ] || die "--real needs a path"; targets+=("|$2"); shift 2 ;;
	--no-generated) do_generated=0; shift ;;
	--no-example) do_example=0; shift ;;
	--only-generated) do_example=0; do_generated=1; shift ;;
	--only-example) do_generated=0; do_example=1; shift ;;
	--tus) tus=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--privflow) privflow=$2; shift 2 ;;
	--floor) floor=$2; shift 2 ;;
	--clang) clang_bin=$2; shift 2 ;;
	--policy) policy=$2; shift 2 ;;
	--scan-args) scan_args=$2; shift 2 ;;
	--jobs) jobs_list=$2; shift 2 ;;
	--skip-scan) do_scan=0; shift ;;
	--skip-floor) do_floor=0; shift ;;
	--skip-analyze) do_analyze=0; shift ;;
	--keep) keep=1; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer"

# --- tools ------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
	note "installing GNU time (needed for peak RSS)"
	if [ "$(id -u)" = 0 ]; then apt-get install -y time >/dev/null
	else sudo apt-get install -y time >/dev/null; fi
fi
command -v python3 >/dev/null || die "python3 is needed"
hyperfine=$(command -v hyperfine || true)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pfbench.XXXXXX")
restore=()  # "copy|original" pairs: files the edit measurement changed
cleanup() {
	for r in "${restore[@]}"; do cp -p "${r%%|*}" "${r#*|}"; done
	if [ "$keep" = 1 ]; then note "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

if [ "$do_floor" = 1 ] && [ -z "$floor" ]; then
	for c in "$root"/build*/bench/pf_parse_floor "$here"/.build/pf_parse_floor; do
		if [ -x "$c" ] && [ "$c" -nt "$here/parse_floor.c" ]; then floor=$c; break; fi
	done
	if [ -z "$floor" ]; then
		note "building pf_parse_floor in bench/.build"
		cmake -S "$here" -B "$here/.build" -DCMAKE_BUILD_TYPE=Release >/dev/null
		cmake --build "$here/.build" >/dev/null
		floor=$here/.build/pf_parse_floor
	fi
fi
if [ "$do_scan" = 1 ] && [ -z "$privflow" ]; then
	for c in "$root"/build*/privflow "$(command -v privflow || true)"; do
		if [ -n "$c" ] && [ -x "$c" ]; then privflow=$c; break; fi
	done
	if [ -z "$privflow" ]; then
		note "no privflow binary found (build it, or pass --privflow): skipping scan rows"
		do_scan=0
	fi
fi
if [ "$do_analyze" = 1 ]; then
	command -v "$clang_bin" >/dev/null || die "$clang_bin not found"
	checker=alpha.security.taint.TaintPropagation
	if ! "$clang_bin" -cc1 -analyzer-checker-help-alpha 2>/dev/null | grep -qw "$checker"; then
		die "$clang_bin has no $checker checker (clang -cc1 -analyzer-checker-help-alpha)"
	fi
fi

# --- code bases -------------------------------------------------------------
if [ "$do_example" = 1 ]; then
	ex=$root/fixtures/example-app
	if [ -f "$ex/CMakeLists.txt" ]; then
		if cmake -S "$ex" -B "$tmp/example-app" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
		     >"$tmp/example-cmake.log" 2>&1; then
			targets=("example-app|$tmp/example-app/compile_commands.json|$ex" "${targets[@]}")
		else
			note "example-app: cmake failed, skipped (see below)"; tail -5 "$tmp/example-cmake.log" >&2
		fi
	elif [ -f "$ex/compile_commands.json" ]; then
		targets=("example-app|$ex/compile_commands.json|$ex" "${targets[@]}")
	else
		note "example-app: no CMakeLists.txt yet, skipped"
	fi
fi
if [ "$do_generated" = 1 ]; then
	gen=$here/.work/generated-$tus-$seed
	mkdir -p "$here/.work"
	python3 "$here/gen_codebase.py" -n "$tus" --seed "$seed" -o "$gen" >&2
	targets=("generated-$tus|$gen/compile_commands.json|$gen" "${targets[@]}")
fi
[ ${#targets[@]} -gt 0 ] || die "nothing to measure"

# --- measuring ----------------------------------------------------------------
# measure LABEL PREP CMD: runs the shell command CMD $runs times (PREP before
# each, untimed), appends "label run wall_s rss_kb rc" lines to $tsv.
measure() {
	local label=$1 prep=$2 cmd=$3 i t0 t1 rss rc
	note "  $label"
	if [ -n "$hyperfine" ]; then
		local hf=$tmp/hf.json
		local hfargs=(--style none --runs "$runs" --warmup 0 -i --export-json "$hf")
		[ -z "$prep" ] || hfargs+=(--prepare "$prep")
		hyperfine "${hfargs[@]}" -- "$cmd" >/dev/null 2>&1 || true
		# one more run under time -v for the peak RSS
		[ -z "$prep" ] || sh -c "$prep"
		rc=0; /usr/bin/time -v -o "$tmp/time.txt" sh -c "$cmd" >"$tmp/out.txt" 2>"$tmp/err.txt" || rc=$?
		rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
		python3 - "$hf" "$label" "$rss" "$rc" >>"$tsv" <<-'EOF'
		import json, sys
		r = json.load(open(sys.argv[1]))["results"][0]
		for i, t in enumerate(r["times"]):
		    print("%s\t%d\t%.4f\t%s\t%s" % (sys.argv[2], i + 1, t, sys.argv[3], sys.argv[4]))
		EOF
	else
		for i in $(seq 1 "$runs"); do
			[ -z "$prep" ] || sh -c "$prep"
			rc=0
			t0=$(date +%s%N)
			/usr/bin/time -v -o "$tmp/time.txt" sh -c "$cmd" >"$tmp/out.txt" 2>"$tmp/err.txt" || rc=$?
			t1=$(date +%s%N)
			rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
			printf '%s\t%d\t%s\t%s\t%s\n' "$label" "$i" \
				"$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b-a)/1e9}')" "$rss" "$rc" >>"$tsv"
		done
	fi
	if [ "${rc:-0}" != 0 ]; then
		note "  $label exited $rc; last stderr:"; tail -3 "$tmp/err.txt" | sed 's/^/    /' >&2
	fi
	cp "$tmp/out.txt" "$tmp/last-$label.out" 2>/dev/null || true
}

q() { printf '%q' "$1"; }
# floor_cmd J CDB: the parse floor's command line, -j J on database CDB
floor_cmd() { printf '%s -j %s -I %s %s' "$(q "$floor")" "$1" "$(q "$root/include")" "$(q "$2")"; }

for target in "${targets[@]}"; do
	name=${target%%|*}
	rest=${target#*|}
	cdb=${rest%%|*}
	croot=""
	[ "$rest" = "$cdb" ] || croot=${rest#*|}
	[ -d "$cdb" ] && cdb=$cdb/compile_commands.json
	[ -f "$cdb" ] || die "$cdb: no compile_commands.json"
	cdb=$(cd "$(dirname "$cdb")" && pwd)/$(basename "$cdb")
	if [ -z "$name" ]; then
		name=$(basename "$(dirname "$cdb")")
		case "$name" in build*|out|_build) name=$(basename "$(dirname "$(dirname "$cdb")")") ;; esac
	fi
	name=$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')
	work=$tmp/$name
	mkdir -p "$work"
	tsv=$work/runs.tsv
	: >"$tsv"

	# The TU list and the per-TU clang --analyze commands, with the same
	# arguments the floor and privflow use (compiler, -c, -o X and the input
	# removed), run in the entry's directory.
	python3 - "$cdb" "$clang_bin" "$root/include" >"$work/analyze.cmds" 2>"$work/tus.txt" <<-'EOF'
	import json, os, shlex, sys
	cdb, clang, incdir = sys.argv[1], sys.argv[2], sys.argv[3]
	seen, files = set(), []
	for e in json.load(open(cdb)):
	    d = e["directory"]
	    f = os.path.normpath(os.path.join(d, e["file"]))
	    if f in seen or not f.endswith((".c", ".cc", ".cpp", ".cxx", ".C")):
	        continue
	    seen.add(f)
	    args = e.get("arguments") or shlex.split(e["command"])
	    out, skip = [], False
	    for a in args[1:]:
	        if skip:
	            skip = False
	        elif a == "-c":
	            pass
	        elif a == "-o":
	            skip = True
	        elif a.startswith("-o"):
	            pass
	        elif not a.startswith("-") and os.path.normpath(os.path.join(d, a)) == f:
	            pass
	        else:
	            out.append(a)
	    cmd = [clang, "--analyze", "-Xclang",
	           "-analyzer-checker=alpha.security.taint.TaintPropagation",
	           "-I", incdir] + out + [f, "-o", "/dev/null"]
	    print("cd %s && %s" % (shlex.quote(d), " ".join(shlex.quote(x) for x in cmd)))
	    files.append(f)
	for f in files:
	    sys.stderr.write(f + "\n")
	EOF
	ntus=$(wc -l <"$work/tus.txt")
	nlines=$(xargs -d '\n' cat <"$work/tus.txt" 2>/dev/null | wc -l)
	note "$name: $ntus TUs, $nlines lines in main files ($cdb)"
	# the scan's --root: the directory holding every main file, unless
	# --scan-args names one (the database's own directory is often a build
	# directory, and a TU outside the root is not analysed)
	# (for a real code base: the git work tree holding them, if any, else
	# their common directory)
	root_arg=""
	case " $scan_args " in
	*" --root "* | *" --root="*) ;;
	*)
		scan_root=$croot
		[ -n "$scan_root" ] || scan_root=$(python3 -c 'import os, sys
f = [l.strip() for l in open(sys.argv[1]) if l.strip()]
d = os.path.commonpath([os.path.dirname(x) for x in f]) if f else ""
up = d
for _ in range(4):
    if os.path.exists(os.path.join(up, ".git")):
        d = up
        break
    up = os.path.dirname(up)
print(d)' "$work/tus.txt")
		if [ -n "$scan_root" ]; then
			root_arg="--root $(q "$scan_root")"
			note "$name: scan root $scan_root"
		fi
		;;
	esac

	# warm the page cache (and the dynamic loader) once, untimed
	if [ "$do_floor" = 1 ]; then "$floor" -j2 -I "$root/include" "$cdb" >/dev/null 2>&1 || true; fi

	if [ "$do_scan" = 1 ]; then
		for j in $jobs_list; do
			db=$work/scan.db
			cmd="cd $(q "$(dirname "$cdb")") && $privflow scan -p $(q "$cdb") ${policy:+--policy $(q "$policy")} --format json -o $(q "$work/scan.json") -j $j --db $(q "$db") --fail-on never $root_arg $scan_args"
			measure "scan-j$j" "rm -f $(q "$db") $(q "$db")-wal $(q "$db")-shm" "$cmd"
		done
		jw=$(echo $jobs_list | awk '{print $NF}')
		warm="cd $(q "$(dirname "$cdb")") && $privflow scan -p $(q "$cdb") ${policy:+--policy $(q "$policy")} --format json -o $(q "$work/scan-warm.json") -j $jw --db $(q "$work/scan.db") --fail-on never $root_arg $scan_args"
		measure "scan-warm-j$jw" "" "$warm"
		# one .c file changed since the last scan
		edit=$(sed -n "$(( (ntus + 1) / 2 ))p" "$work/tus.txt")
		cp -p "$edit" "$work/edited.orig"
		restore+=("$work/edited.orig|$edit")
		# a new function each run (the name differs), lines above unmoved;
		# each run right after a run of the floor (floor-paired): the
		# machine's speed drifts between blocks of runs (by up to 30% on a
		# shared host), and a pair's ratio does not see the drift
		for i in $(seq 1 "$runs"); do
			[ "$do_floor" = 0 ] ||
				runs=1 measure "floor-paired-j$jw" "" "$(floor_cmd "$jw" "$cdb")"
			runs=1 measure "scan-edit1-j$jw" \
				"echo \"static inline int pfbench_edit_\$(date +%s%N)(void) { return 1; }\" >>$(q "$edit")" \
				"$warm"
		done
		cp -p "$work/edited.orig" "$edit"
		unset 'restore[-1]'
		python3 - "$cdb" "$edit" "$work/one" <<-'EOF'
		import json, os, sys
		cdb, edit, out = sys.argv[1:4]
		one = [e for e in json.load(open(cdb))
		       if os.path.normpath(os.path.join(e["directory"], e["file"])) == edit][:1]
		os.makedirs(out, exist_ok=True)
		json.dump(one, open(os.path.join(out, "compile_commands.json"), "w"))
		EOF
		note "$name: the edited file: $edit"
	fi
	if [ "$do_floor" = 1 ]; then
		for j in $jobs_list; do
			measure "floor-j$j" "" "$(floor_cmd "$j" "$cdb")"
		done
		cp "$tmp/last-floor-j$(echo $jobs_list | awk '{print $NF}').out" "$work/floor.out" 2>/dev/null || true
		if [ -f "$work/one/compile_commands.json" ]; then
			measure "floor-one" "" "$(floor_cmd 1 "$work/one/compile_commands.json")"
		fi
	fi
	if [ "$do_analyze" = 1 ]; then
		for j in $jobs_list; do
			measure "analyze-P$j" "" "xargs -d '\n' -P $j -n 1 sh -c <$(q "$work/analyze.cmds")"
		done
	fi

	mkdir -p "$results_dir"
	python3 - "$name" "$cdb" "$tsv" "$ntus" "$nlines" "$runs" "${hyperfine:+hyperfine}" \
		"$results_dir/$name.json" "$work/scan.json" "$(dirname "$cdb")/expected-flows.json" \
		"$privflow" "$clang_bin" "$work/floor.out" <<-'EOF'
	import json, os, platform, statistics, subprocess, sys, time
	(name, cdb, tsv, ntus, nlines, runs, timer, out, scan_json, expected,
	 privflow, clang, floor_out) = sys.argv[1:14]
	rows = {}
	for line in open(tsv):
	    label, run, wall, rss, rc = line.rstrip("\n").split("\t")
	    r = rows.setdefault(label, {"wall": [], "rss": [], "rc": []})
	    r["wall"].append(float(wall))
	    r["rss"].append(int(rss) if rss else 0)
	    r["rc"].append(int(rc))
	cmds = {}
	for label, r in rows.items():
	    cmds[label] = {"wall_s": round(statistics.median(r["wall"]), 3),
	                   "wall_min_s": round(min(r["wall"]), 3),
	                   "wall_runs_s": r["wall"],
	                   "peak_rss_mb": round(statistics.median(r["rss"]) / 1024.0, 1),
	                   "exit_codes": sorted(set(r["rc"]))}
	# A scan that exits non-zero (with --fail-on never: crash, bad policy or
	# catalogue) measured nothing useful: no ratio is made from it.
	failed = [l for l in cmds if l.startswith("scan") and cmds[l]["exit_codes"] != [0]]
	def ratio(a, b):
	    if a in failed or b in failed:
	        return None
	    if a in cmds and b in cmds and cmds[b]["wall_s"] > 0:
	        return round(cmds[a]["wall_s"] / cmds[b]["wall_s"], 2)
	    return None
	ratios = {}
	for j in ("1", "2"):
	    ratios["scan/floor -j" + j] = ratio("scan-j" + j, "floor-j" + j)
	    ratios["scan/analyze -j" + j] = ratio("scan-j" + j, "analyze-P" + j)
	    ratios["floor/analyze -j" + j] = ratio("floor-j" + j, "analyze-P" + j)
	ratios["scan -j1/-j2 (speed-up)"] = ratio("scan-j1", "scan-j2")
	ratios["floor -j1/-j2 (speed-up)"] = ratio("floor-j1", "floor-j2")
	ratios["scan-warm/scan -j2"] = ratio("scan-warm-j2", "scan-j2")
	# issue 10's targets: nothing changed <= 0.05 of the floor; one .c
	# changed <= that TU's parse + 0.20 of the floor
	ratios["rescan unchanged/floor -j2"] = ratio("scan-warm-j2", "floor-j2")
	if all(l in cmds and l not in failed for l in ("scan-edit1-j2", "floor-one", "floor-j2")):
	    ratios["rescan one .c, less its parse/floor -j2"] = round(
	        (cmds["scan-edit1-j2"]["wall_s"] - cmds["floor-one"]["wall_s"]) /
	        cmds["floor-j2"]["wall_s"], 3)
	# the same, run by run: each edit rescan against the floor run just
	# before it (the median pair and the spread)
	pairs = []
	if all(l in rows and l not in failed for l in ("scan-edit1-j2", "floor-paired-j2")) and \
	        "floor-one" in cmds:
	    pairs = sorted(round((e - cmds["floor-one"]["wall_s"]) / f, 3) for e, f in
	                   zip(rows["scan-edit1-j2"]["wall"], rows["floor-paired-j2"]["wall"]) if f > 0)
	if pairs:
	    ratios["rescan one .c, less its parse/floor -j2, paired"] = round(statistics.median(pairs), 3)
	ratios = {k: v for k, v in ratios.items() if v is not None}
	res = {"name": name, "compile_commands": cdb, "tus": int(ntus),
	       "main_file_lines": int(nlines), "runs": int(runs),
	       "timer": timer or "date+time -v, median",
	       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
	       "host": {"cpus": os.cpu_count(), "machine": platform.machine(),
	                "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
	                             if l.startswith("model name")), "?")},
	       "commands": cmds, "ratios": ratios, "edit1_pairs": pairs, "failed": failed}
	try:
	    res["clang"] = subprocess.run([clang, "--version"], capture_output=True,
	                                  text=True).stdout.splitlines()[0]
	except Exception:
	    pass
	if privflow:
	    res["privflow"] = privflow
	try:
	    fl = open(floor_out).read().split()
	    res["floor"] = {k: v for k, v in (x.split("=", 1) for x in fl if "=" in x)}
	except OSError:
	    pass
	# What the scan found (last run), and on the generated code base how many
	# of the lines marked `expect:` got a finding with that rule.
	try:
	    sj = json.load(open(scan_json))
	    f = sj.get("findings", [])
	    res["scan"] = {"findings": len(f), "summary": sj.get("summary")}
	    if os.path.exists(expected):
	        exp = json.load(open(expected))["flows"]
	        got = {(x.get("file"), x.get("line"), x.get("rule")) for x in f}
	        hit = sum(1 for e in exp if (e["file"], e["line"], e["rule"]) in got)
	        res["scan"]["marked_flows_found"] = "%d/%d" % (hit, len(exp))
	except (OSError, ValueError):
	    pass
	# <name>.json is the latest run; a dated copy keeps the history.
	stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
	for path in (out, out[:-5] + "-" + stamp + ".json"):
	    with open(path, "w") as fh:
	        json.dump(res, fh, indent=2)
	        fh.write("\n")
	print()
	print("== %s: %d TUs, %d lines (median of %s runs) ==" % (name, int(ntus), int(nlines), runs))
	print("%-16s %10s %10s %12s  %s" % ("command", "wall s", "min s", "peak RSS MB", "exit"))
	kinds = ["scan-j", "scan-w", "scan-e", "floor", "analy"]
	order = sorted(cmds, key=lambda l: (kinds.index(next(p for p in kinds if l.startswith(p))), l))
	for l in order:
	    c = cmds[l]
	    print("%-16s %10.2f %10.2f %12.1f  %s" % (l, c["wall_s"], c["wall_min_s"], c["peak_rss_mb"],
	                                       ",".join(map(str, c["exit_codes"]))))
	for k, v in ratios.items():
	    print("%-48s %6.3f" % (k, v))
	if pairs:
	    print("%-48s %6.3f .. %.3f" % ("  its pairs, lowest .. highest", pairs[0], pairs[-1]))
	if failed:
	    print("FAILED (no ratios from them): %s" % ", ".join(failed))
	if "scan" in res:
	    print("findings: %d%s" % (res["scan"]["findings"],
	          ("  marked flows found: " + res["scan"]["marked_flows_found"])
	          if "marked_flows_found" in res["scan"] else ""))
	print("-> %s" % out)
	EOF
done
