#!/usr/bin/env bash
# Fuzzes privflow's loaders (fuzz/README.md): builds the libFuzzer
# harnesses with clang, ASan and UBSan into build-fuzz/, gathers the seed
# corpora (fuzz/seeds.sh) and runs each harness for a bounded time.
#
#   PRIVFLOW_FUZZ_SECONDS   seconds per harness (default 20)
#   PRIVFLOW_FUZZ_TARGETS   which harnesses (default: all five)
#
# The corpus each run grows is kept in build-fuzz/fuzz-run/corpus/<target>
# for the next run. A crash, a hang, a leak, a sanitizer report or a
# failed check makes the script exit 1, after it has run every harness,
# and prints where the input is: minimise it and copy it to
# fuzz/regressions/<target>/, where CTest replays it in every build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh # clang and libclang-rt-14-dev (libFuzzer's runtime) among them

secs=${PRIVFLOW_FUZZ_SECONDS:-20}
targets=${PRIVFLOW_FUZZ_TARGETS:-policy catalog compdb store ir}
dir=build-fuzz
run=$dir/fuzz-run

CC=clang cmake -S . -B "$dir" -DPRIVFLOW_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
build_targets=(privflow fuzz_ir_replay)
for t in $targets; do
	build_targets+=("fuzz_$t")
done
cmake --build "$dir" -j"$(nproc)" --target "${build_targets[@]}"
bash fuzz/seeds.sh "$dir" "$run/seeds"

# The largest input worth trying for each target: a few times its largest
# seed.
max_len() {
	case $1 in
	policy | catalog) echo 65536 ;;
	compdb) echo 16384 ;;
	store) echo 131072 ;;
	ir) echo 32768 ;;
	esac
}

export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=()
for t in $targets; do
	corpus=$run/corpus/$t
	artifacts=$run/artifacts/$t
	rm -rf "$artifacts" # this run's findings only
	mkdir -p "$corpus" "$artifacts"
	dict=()
	case $t in
	policy | catalog | compdb) dict=(-dict=fuzz/json.dict) ;;
	esac
	echo "fuzz: $t for ${secs}s"
	rc=0
	"$dir/fuzz/fuzz_$t" -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
		-artifact_prefix="$artifacts/" "$corpus" "$run/seeds/$t" \
		>"$run/$t.log" 2>&1 || rc=$?
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$run/$t.log" | sed "s/^/fuzz: $t: /" || true
	if [ "$rc" -ne 0 ]; then
		failed+=("$t")
		echo "fuzz: $t FAILED (exit $rc); the end of $run/$t.log:"
		tail -n 40 "$run/$t.log" | sed 's/^/    /'
		for a in "$artifacts"/*; do
			[ -f "$a" ] || continue
			# a slow input is minimised against a shorter timeout
			tmo=10
			case ${a##*/} in timeout-* | slow-unit-*) tmo=1 ;; esac
			echo "fuzz: input: $a"
			echo "fuzz:   minimise: $dir/fuzz/fuzz_$t -minimize_crash=1 -max_total_time=300 -timeout=$tmo -exact_artifact_path=$a.min $a"
			echo "fuzz:   then copy $a.min to fuzz/regressions/$t/ (CTest replays it: fuzz.$t.regressions)"
		done
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: failed: ${failed[*]}"
	exit 1
fi
echo "fuzz: no crash in ${targets// /, } (${secs}s each)"
