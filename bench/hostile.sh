#!/usr/bin/env bash
# bench/hostile.sh - privflow's time and memory stay bounded on hostile
# translation units: nesting deep enough to overflow clang's stack,
# expressions of 200,000 operators, and macro bombs that expand to
# billions of tokens. Each case is scanned next to an ordinary file; the
# bench asserts that the scan ends within --tu-timeout plus a margin, that
# the peak RSS of the scan and its workers stays under --tu-memory plus a
# margin, that the hostile TU is reported (exit 2) and that the ordinary
# file is still analysed. A benchmark, not a test: it takes minutes and
# depends on the machine (CI runs it; ctest does not).
#
# usage: bench/hostile.sh [--privflow BIN] [--timeout S] [--memory MIB]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
privflow="" timeout=20 memory=1024
while [ $# -gt 0 ]; do
	case "$1" in
	--privflow) privflow=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	*) echo "hostile.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$privflow" ] || privflow=$root/build/privflow
[ -x "$privflow" ] || { echo "hostile.sh: no privflow at $privflow (build first)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "hostile.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat >ok.c <<'EOF'
#include <stdio.h>
struct user { const char *password; };
void log_user(const struct user *u) { fprintf(stderr, "%s\n", u->password); }
EOF

python3 - <<'EOF'
n = 60000
open("deep_parens.c", "w").write("int f(int x) { return " + "(" * n + "x" + ")" * n + "; }\n")
open("deep_blocks.c", "w").write("void g(int x) { " + "{" * 20000 + "x++;" + "}" * 20000 + " }\n")
open("long_expr.c", "w").write("int h(int x) { return x" + " + x" * 200000 + "; }\n")
# each level doubles: B30 is 2^30 tokens
lines = ["#define B0 x"] + ["#define B%d B%d B%d" % (i, i - 1, i - 1) for i in range(1, 31)]
open("macro_bomb.c", "w").write("\n".join(lines) + "\nint bomb(int x) { return B30; }\n")
EOF

fail=0
printf '%-16s %8s %10s %6s  %s\n' case seconds "peak MiB" exit verdict
for c in deep_parens deep_blocks long_expr macro_bomb; do
	set +e
	/usr/bin/time -f '%e %M' -o time.txt "$privflow" scan "$c.c" ok.c --no-db --no-progress --policy bundled:facturi \
		--tu-timeout "$timeout" --tu-memory "$memory" -j2 -o report.txt \
		-- -fbracket-depth=1000000 2>stderr.txt
	rc=$?
	set -e
	read -r secs kib < <(tail -n 1 time.txt)
	mib=$((kib / 1024))
	verdict=ok
	# the scan: its own run plus at most the parse bound and a margin
	if awk -v s="$secs" -v t="$timeout" 'BEGIN { exit !(s > t + 30) }'; then verdict="too slow"; fi
	# peak RSS of the largest process (GNU time): a worker at its bound plus a margin
	if [ "$mib" -gt $((memory + 512)) ]; then verdict="too much memory"; fi
	if [ "$rc" -ne 2 ] && ! grep -q "$c.c" stderr.txt; then verdict="hostile TU not reported"; fi
	grep -q 'ok.c:3' report.txt || verdict="ordinary file not analysed"
	[ "$verdict" = ok ] || fail=1
	printf '%-16s %8s %10s %6s  %s\n' "$c" "$secs" "$mib" "$rc" "$verdict"
	grep -h "$c.c" stderr.txt | sed 's/^/    /' | cut -c1-150 || true
done
exit $fail
